//! Reading the text forms that contact JSON accepts for typed values: decimal
//! numbers, `YYYY-MM-DD` dates, RFC 3339 datetimes and compound durations.
//!
//! Each parser is strict — it accepts the form and nothing near it — and total: bad
//! or out-of-range input gives `None`, never a panic.

use std::str::FromStr as _;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;

use super::format::{DURATION_UNITS, NANOS_PER_SECOND};

/// A decimal written `-?[0-9]+(\.[0-9]+)?`, read exactly: `None` for any other form
/// (`1e5`, `NaN`, `+1`, `1_000`, ` 1`, empty) and for a value out of `Decimal`'s range
/// or precision (it is never rounded).
pub(crate) fn parse_decimal(text: &str) -> Option<Decimal> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !fraction.is_none_or(all_digits) {
        return None;
    }
    Decimal::from_str_exact(text).ok()
}

/// The decimal of a JSON number: integers exactly; other numbers through their
/// shortest round-trip decimal text, so `19.99` is exactly 19.99 and `1200.50` is
/// 1200.5. `None` when out of `Decimal`'s range.
pub(crate) fn decimal_from_json(number: &serde_json::Number) -> Option<Decimal> {
    if let Some(i) = number.as_i64() {
        return Some(Decimal::from(i));
    }
    if let Some(u) = number.as_u64() {
        return Some(Decimal::from(u));
    }
    // serde_json writes floats in their shortest round-trip form (and keeps the
    // original text under `arbitrary_precision`); when that text has an exponent,
    // `f64`'s `Display` gives the same digits in plain notation.
    parse_decimal(&number.to_string())
        .or_else(|| number.as_f64().and_then(|f| parse_decimal(&format!("{f}"))))
}

/// A date written exactly `YYYY-MM-DD`.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    let year = text.get(0..4)?.parse().ok()?;
    let month = text.get(5..7)?.parse().ok()?;
    let day = text.get(8..10)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// An RFC 3339 datetime with any offset, as an instant in UTC.
pub(crate) fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A compound duration literal: an optional `-`, then one or more `<integer><unit>`
/// with units `w d h m s` in strictly decreasing order (`30d`, `1d2h`, `1h30m`,
/// `-1d2h`). The seconds may carry a fraction of up to nine digits (`1.5s`), the form
/// [`format_duration`](super::format_duration) writes for sub-second spans.
pub(crate) fn parse_duration(text: &str) -> Option<TimeDelta> {
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if rest.is_empty() {
        return None;
    }
    let mut nanos: u128 = 0;
    let mut previous_unit: Option<usize> = None;
    while !rest.is_empty() {
        let (count, fraction, after) = split_number(rest)?;
        let mut chars = after.chars();
        let symbol = chars.next()?;
        let rank = DURATION_UNITS
            .iter()
            .position(|(unit, _)| *unit == symbol)?;
        if previous_unit.is_some_and(|previous| rank <= previous) {
            return None;
        }
        let (_, seconds) = DURATION_UNITS.get(rank)?;
        if fraction > 0 && symbol != 's' {
            return None;
        }
        previous_unit = Some(rank);
        let part = count.checked_mul(*seconds)?.checked_mul(NANOS_PER_SECOND)?;
        nanos = nanos.checked_add(part)?.checked_add(fraction)?;
        rest = chars.as_str();
    }
    let seconds = i64::try_from(nanos / NANOS_PER_SECOND).ok()?;
    let subsec = u32::try_from(nanos % NANOS_PER_SECOND).ok()?;
    let span = TimeDelta::new(seconds, subsec)?;
    if negative {
        TimeDelta::zero().checked_sub(&span)
    } else {
        Some(span)
    }
}

/// Splits a leading `digits[.digits]` off `text`: the integer, the fraction in
/// nanoseconds (0 without one; at most nine digits), and the rest.
fn split_number(text: &str) -> Option<(u128, u128, &str)> {
    let (digits, rest) = leading_digits(text);
    if digits.is_empty() {
        return None;
    }
    let count = u128::from_str(digits).ok()?;
    let Some(after_point) = rest.strip_prefix('.') else {
        return Some((count, 0, rest));
    };
    let (fraction, rest) = leading_digits(after_point);
    if fraction.is_empty() || fraction.len() > 9 {
        return None;
    }
    let nanos = u128::from_str(&format!("{fraction:0<9}")).ok()?;
    Some((count, nanos, rest))
}

/// Splits the leading ASCII digits off `text`.
fn leading_digits(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text.split_at_checked(end).unwrap_or((text, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap_or(Decimal::MAX)
    }

    #[test]
    fn decimals_are_strict_and_exact() {
        assert_eq!(parse_decimal("19.99"), Some(dec("19.99")));
        assert_eq!(parse_decimal("-5"), Some(dec("-5")));
        assert_eq!(parse_decimal("007.50"), Some(dec("7.5")));
        assert_eq!(
            parse_decimal("12345678901234567890.12345678"),
            Some(dec("12345678901234567890.12345678"))
        );
        for bad in [
            "", "-", "1e5", "NaN", "inf", "+1", "1_000", " 1", "1 ", ".5", "5.", "1.2.3", "--1",
            "0x10",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
        // Out of range or precision: refused, never rounded.
        assert_eq!(parse_decimal("79228162514264337593543950336"), None);
        assert_eq!(parse_decimal("0.00000000000000000000000000001"), None);
    }

    #[test]
    fn json_numbers_become_exact_decimals() {
        let read = |text: &str| {
            serde_json::from_str::<serde_json::Number>(text)
                .ok()
                .and_then(|n| decimal_from_json(&n))
        };
        assert_eq!(read("19.99"), Some(dec("19.99")));
        assert_eq!(read("1200.50"), Some(dec("1200.5")));
        assert_eq!(read("0.1"), Some(dec("0.1")));
        assert_eq!(read("-7"), Some(dec("-7")));
        assert_eq!(
            read("18446744073709551615"),
            Some(dec("18446744073709551615"))
        );
        assert_eq!(read("1e5"), Some(dec("100000")));
        assert_eq!(read("1.5e-7"), Some(dec("0.00000015")));
        assert_eq!(read("123456789012345.6"), Some(dec("123456789012345.6")));
        assert_eq!(read("1e300"), None);
        assert_eq!(read("1e-300"), None);
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("2026-11-22"),
            NaiveDate::from_ymd_opt(2026, 11, 22)
        );
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        for bad in [
            "2025-02-29",
            "2026-13-01",
            "2026-1-5",
            "26-01-05",
            "2026/01/05",
            "2026-01-05T00:00:00Z",
            "",
            "+202-01-05",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn datetimes_accept_any_offset() {
        let utc = parse_datetime("2026-11-20T10:00:00Z");
        assert_eq!(parse_datetime("2026-11-20T07:00:00-03:00"), utc);
        assert!(utc.is_some());
        assert_eq!(parse_datetime("2026-11-20"), None);
        assert_eq!(parse_datetime("2026-11-20T10:00:00"), None);
        assert_eq!(
            parse_datetime("2026-11-20T10:00:00.5Z").map(|t| t.timestamp_subsec_millis()),
            Some(500)
        );
    }

    #[test]
    fn durations_are_compound_literals() {
        let cases = [
            ("45s", TimeDelta::try_seconds(45)),
            ("15m", TimeDelta::try_minutes(15)),
            ("12h", TimeDelta::try_hours(12)),
            ("30d", TimeDelta::try_days(30)),
            ("2w", TimeDelta::try_weeks(2)),
            ("0s", Some(TimeDelta::zero())),
            ("1d2h", TimeDelta::try_hours(26)),
            ("1h30m", TimeDelta::try_minutes(90)),
            ("1w3d", TimeDelta::try_days(10)),
            ("-1d2h", TimeDelta::try_hours(-26)),
            ("1.5s", TimeDelta::try_milliseconds(1500)),
            ("1m0.25s", TimeDelta::try_milliseconds(60_250)),
            ("-0.000000001s", Some(TimeDelta::nanoseconds(-1))),
            ("90m", TimeDelta::try_minutes(90)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_duration(text), expected, "{text}");
        }
        for bad in [
            "",
            "-",
            "5",
            "d",
            "1x",
            "2h1d",
            "1d1d",
            "1d 2h",
            "1.5h",
            "1.s",
            "1.0000000001s",
            "+1d",
            "1D",
            "99999999999999999999999999999999999999999w",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn durations_round_trip_through_format() {
        for span in [
            TimeDelta::MAX,
            TimeDelta::MIN,
            TimeDelta::nanoseconds(1_234_567_890_123),
            TimeDelta::zero(),
        ] {
            let text = crate::model::format_duration(&span);
            assert_eq!(parse_duration(&text), Some(span), "{text}");
        }
        assert_eq!(parse_duration("15250284453w"), None);
    }
}
