//! Formatting values as text and as JSON (spec §4.8).
//!
//! * numbers: plain decimal, no trailing zeros, never an exponent (`12.5`, `20`,
//!   `0.03`); `-0` prints `0`;
//! * dates: `YYYY-MM-DD`;
//! * datetimes: RFC 3339 in UTC with `Z`, whole seconds, and a fraction only when it
//!   is non-zero, with as few digits as needed (`2026-11-22T12:00:00Z`,
//!   `2026-11-22T12:00:00.25Z`);
//! * durations: a compound literal, largest units first, with the units `w d h m s`
//!   (`1w3d`, `1d2h`, `1h30m`, `0s`); a negative duration starts with `-` (`-1d2h`);
//!   a sub-second remainder is written as a decimal fraction of the seconds
//!   (`1.5s`, `1m0.25s`) — the only form that is not a language literal;
//! * null: the empty string in text, `null` in JSON;
//! * lists: `a, b, c` in text (each element formatted the same way), arrays in JSON.
//!
//! Years outside `0000..=9999` (which RFC 3339 cannot express) are written with a
//! sign, as in ISO 8601's expanded form (`+10000-01-01`).
//!
//! Nested lists are walked with an explicit stack, so no value can overflow the
//! stack while being formatted.

use std::fmt::{self, Write as _};
use std::slice;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Timelike, Utc};
use rust_decimal::Decimal;

use super::value::Value;

pub(crate) const NANOS_PER_SECOND: u128 = 1_000_000_000;

/// The units of a compound duration literal, largest first, with their length in
/// seconds.
pub(crate) const DURATION_UNITS: [(char, u128); 5] = [
    ('w', 604_800),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

/// Appends the text form of `value` (the interpolation form of spec §4.8) to `out`.
///
/// ```
/// use funil::model::{write_text, Value};
///
/// let mut out = String::new();
/// write_text(&Value::from(vec!["BR", "PT"]), &mut out);
/// assert_eq!(out, "BR, PT");
/// ```
pub fn write_text(value: &Value, out: &mut String) {
    walk(value, out, ListStyle::Text);
}

/// Appends `value` as JSON text to `out`.
///
/// Numbers are JSON numbers written exactly from their decimal digits (never through
/// binary floating point); dates, datetimes and durations are JSON strings in their
/// text form; lists are arrays; null is `null`.
///
/// ```
/// use funil::model::{write_json, Value};
/// use rust_decimal::Decimal;
///
/// let mut out = String::new();
/// let value = Value::from(vec![Value::from(Decimal::new(1999, 2)), Value::from("a\"b"), Value::Null]);
/// write_json(&value, &mut out);
/// assert_eq!(out, r#"[19.99,"a\"b",null]"#);
/// ```
pub fn write_json(value: &Value, out: &mut String) {
    walk(value, out, ListStyle::Json);
}

/// A number in plain decimal notation without trailing zeros: `12.5`, `20`, `0.03`.
///
/// ```
/// use funil::model::format_number;
/// use rust_decimal::Decimal;
///
/// assert_eq!(format_number(&Decimal::new(120050, 2)), "1200.5");
/// assert_eq!(format_number(&Decimal::new(-0, 3)), "0");
/// ```
pub fn format_number(d: &Decimal) -> String {
    d.normalize().to_string()
}

/// A duration as a compound literal, largest units first: `1w3d`, `1h30m`, `0s`,
/// `-1d2h`; a sub-second remainder gives a fractional seconds part (`1.5s`).
///
/// ```
/// use funil::model::format_duration;
/// use chrono::TimeDelta;
///
/// assert_eq!(format_duration(&TimeDelta::minutes(90)), "1h30m");
/// assert_eq!(format_duration(&TimeDelta::days(-10)), "-1w3d");
/// assert_eq!(format_duration(&TimeDelta::milliseconds(1500)), "1.5s");
/// ```
pub fn format_duration(d: &TimeDelta) -> String {
    let total = i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos());
    let mut out = String::new();
    if total < 0 {
        out.push('-');
    }
    let magnitude = total.unsigned_abs();
    let mut seconds = magnitude / NANOS_PER_SECOND;
    let nanos = magnitude % NANOS_PER_SECOND;
    for (unit, length) in DURATION_UNITS {
        let count = seconds / length;
        seconds %= length;
        let is_seconds = unit == 's';
        if count > 0 || (is_seconds && nanos > 0) {
            let _ = write!(out, "{count}");
            if is_seconds && nanos > 0 {
                out.push('.');
                out.push_str(&fraction_digits(nanos));
            }
            out.push(unit);
        }
    }
    if magnitude == 0 {
        out.push_str("0s");
    }
    out
}

/// An instant as RFC 3339 in UTC: `2026-11-22T12:00:00Z`, a fraction only when
/// non-zero.
pub(crate) fn format_datetime(t: &DateTime<Utc>) -> String {
    let mut out = String::new();
    write_datetime(t, &mut out);
    out
}

/// Whether lists are written as `a, b` or as JSON arrays.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ListStyle {
    Text,
    Json,
}

/// Writes `value`, walking nested lists with an explicit stack.
fn walk(value: &Value, out: &mut String, style: ListStyle) {
    let mut open: Vec<(slice::Iter<'_, Value>, bool)> = Vec::new();
    let mut next = Some(value);
    loop {
        if let Some(current) = next.take() {
            match current {
                Value::List(items) => {
                    if style == ListStyle::Json {
                        out.push('[');
                    }
                    open.push((items.iter(), false));
                }
                scalar => match style {
                    ListStyle::Text => write_scalar_text(scalar, out),
                    ListStyle::Json => write_scalar_json(scalar, out),
                },
            }
        }
        let Some((items, started)) = open.last_mut() else {
            break;
        };
        match items.next() {
            Some(item) => {
                if *started {
                    out.push_str(match style {
                        ListStyle::Text => ", ",
                        ListStyle::Json => ",",
                    });
                }
                *started = true;
                next = Some(item);
            }
            None => {
                open.pop();
                if style == ListStyle::Json {
                    out.push(']');
                }
            }
        }
    }
}

/// Writes a non-list value in text form (a list writes nothing).
fn write_scalar_text(value: &Value, out: &mut String) {
    match value {
        Value::Null | Value::List(_) => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&format_number(n)),
        Value::String(s) => out.push_str(s),
        Value::Date(d) => write_date(d, out),
        Value::DateTime(t) => write_datetime(t, out),
        Value::Duration(d) => out.push_str(&format_duration(d)),
    }
}

/// Writes a non-list value as JSON (a list writes nothing).
fn write_scalar_json(value: &Value, out: &mut String) {
    match value {
        Value::List(_) => {}
        Value::Null => out.push_str("null"),
        Value::Bool(_) | Value::Number(_) => write_scalar_text(value, out),
        Value::String(s) => write_json_string(s, out),
        Value::Date(_) | Value::DateTime(_) | Value::Duration(_) => {
            // These text forms contain no character that JSON needs escaped.
            out.push('"');
            write_scalar_text(value, out);
            out.push('"');
        }
    }
}

/// Writes `s` as a JSON string literal, escaping quotes, backslashes and control
/// characters.
pub(crate) fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes a year: four digits for `0..=9999`, otherwise with a sign.
fn write_year(year: i32, out: &mut String) {
    let _ = if (0..=9999).contains(&year) {
        write!(out, "{year:04}")
    } else {
        write!(out, "{year:+05}")
    };
}

fn write_date(d: &NaiveDate, out: &mut String) {
    write_year(d.year(), out);
    let _ = write!(out, "-{:02}-{:02}", d.month(), d.day());
}

fn write_datetime(t: &DateTime<Utc>, out: &mut String) {
    write_date(&t.date_naive(), out);
    let time = t.time();
    // chrono represents a leap second as second 59 with 1_000_000_000.. nanoseconds.
    let (second, nanos) = match time.nanosecond().checked_sub(1_000_000_000) {
        Some(nanos) => (time.second() + 1, nanos),
        None => (time.second(), time.nanosecond()),
    };
    let _ = write!(out, "T{:02}:{:02}:{second:02}", time.hour(), time.minute());
    if nanos > 0 {
        out.push('.');
        out.push_str(&fraction_digits(u128::from(nanos)));
    }
    out.push('Z');
}

/// The digits after the decimal point of `nanos` nanoseconds (`0 < nanos < 1e9`),
/// without trailing zeros.
fn fraction_digits(nanos: u128) -> String {
    format!("{nanos:09}").trim_end_matches('0').to_owned()
}

impl fmt::Display for Value {
    /// The text form of spec §4.8, as produced by [`write_text`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_text(self, &mut out);
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn num(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap_or_default()
    }

    fn text(value: &Value) -> String {
        let mut out = String::new();
        write_text(value, &mut out);
        out
    }

    fn json(value: &Value) -> String {
        let mut out = String::new();
        write_json(value, &mut out);
        out
    }

    fn format_date(d: &NaiveDate) -> String {
        text(&Value::Date(*d))
    }

    fn instant(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn numbers_are_plain_without_trailing_zeros() {
        let cases = [
            ("12.50", "12.5"),
            ("20", "20"),
            ("20.000", "20"),
            ("0.03", "0.03"),
            ("100", "100"),
            ("-0", "0"),
            ("-0.000", "0"),
            ("-5.10", "-5.1"),
            (
                "0.0000000000000000000000000001",
                "0.0000000000000000000000000001",
            ),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(format_number(&num(input)), expected, "{input}");
        }
    }

    #[test]
    fn durations_are_compound_literals() {
        let cases = [
            (TimeDelta::zero(), "0s"),
            (TimeDelta::seconds(45), "45s"),
            (TimeDelta::minutes(15), "15m"),
            (TimeDelta::hours(12), "12h"),
            (TimeDelta::days(30), "4w2d"),
            (TimeDelta::weeks(2), "2w"),
            (TimeDelta::days(10), "1w3d"),
            (TimeDelta::hours(26), "1d2h"),
            (TimeDelta::minutes(90), "1h30m"),
            (TimeDelta::seconds(3_601), "1h1s"),
            (TimeDelta::hours(-26), "-1d2h"),
            (TimeDelta::milliseconds(1_500), "1.5s"),
            (TimeDelta::milliseconds(-250), "-0.25s"),
            (TimeDelta::milliseconds(60_250), "1m0.25s"),
            (TimeDelta::nanoseconds(1), "0.000000001s"),
        ];
        for (span, expected) in cases {
            assert_eq!(format_duration(&span), expected);
        }
    }

    #[test]
    fn extreme_durations_do_not_panic() {
        let max = format_duration(&TimeDelta::MAX);
        let min = format_duration(&TimeDelta::MIN);
        assert!(max.starts_with("15250284452w"), "{max}");
        assert_eq!(min, format!("-{max}"));
    }

    #[test]
    fn datetimes_are_rfc3339_with_z() {
        assert_eq!(
            format_datetime(&instant("2026-11-22T12:00:00Z")),
            "2026-11-22T12:00:00Z"
        );
        assert_eq!(
            format_datetime(&instant("2026-11-22T09:00:00-03:00")),
            "2026-11-22T12:00:00Z"
        );
        assert_eq!(
            format_datetime(&instant("2026-11-22T12:00:00.250Z")),
            "2026-11-22T12:00:00.25Z"
        );
        assert_eq!(
            format_datetime(&instant("2026-11-22T12:00:00.000000001Z")),
            "2026-11-22T12:00:00.000000001Z"
        );
    }

    #[test]
    fn dates_are_iso_and_extreme_years_are_signed() {
        let date = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
        assert_eq!(format_date(&date), "2026-01-05");
        let early = NaiveDate::from_ymd_opt(33, 12, 31).unwrap_or_default();
        assert_eq!(format_date(&early), "0033-12-31");
        let late = NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap_or_default();
        assert_eq!(format_date(&late), "+10000-01-01");
        let negative = NaiveDate::from_ymd_opt(-1, 1, 1).unwrap_or_default();
        assert_eq!(format_date(&negative), "-0001-01-01");
    }

    #[test]
    fn text_form_of_each_variant() {
        assert_eq!(text(&Value::Null), "");
        assert_eq!(text(&Value::from(true)), "true");
        assert_eq!(text(&Value::from(false)), "false");
        assert_eq!(text(&Value::from("Olá")), "Olá");
        assert_eq!(text(&Value::from(num("3.140"))), "3.14");
        assert_eq!(text(&Value::from(TimeDelta::days(1))), "1d");
        assert_eq!(
            text(&Value::from(instant("2026-11-22T12:00:00Z"))),
            "2026-11-22T12:00:00Z"
        );
        assert_eq!(text(&Value::from(vec!["a", "b", "c"])), "a, b, c");
        assert_eq!(text(&Value::from(Vec::<Value>::new())), "");
        let mixed = Value::from(vec![Value::from(1_i64), Value::Null, Value::from("x")]);
        assert_eq!(text(&mixed), "1, , x");
        let nested = Value::from(vec![Value::from(vec!["a", "b"]), Value::from(vec!["c"])]);
        assert_eq!(text(&nested), "a, b, c");
        assert_eq!(Value::from(num("2.50")).to_string(), "2.5");
    }

    #[test]
    fn json_form_of_each_variant() {
        assert_eq!(json(&Value::Null), "null");
        assert_eq!(json(&Value::from(true)), "true");
        assert_eq!(json(&Value::from(num("-0"))), "0");
        assert_eq!(
            json(&Value::from(num("0.1000000000000000000000000001"))),
            "0.1000000000000000000000000001"
        );
        assert_eq!(json(&Value::from("a\"\\\n\u{1}é")), r#""a\"\\\n\u0001é""#);
        assert_eq!(json(&Value::from(TimeDelta::hours(26))), r#""1d2h""#);
        let date = NaiveDate::from_ymd_opt(1990, 11, 22).unwrap_or_default();
        assert_eq!(json(&Value::from(date)), r#""1990-11-22""#);
        let nested = Value::from(vec![
            Value::from(vec![1_i64, 2]),
            Value::from(Vec::<Value>::new()),
            Value::Null,
        ]);
        assert_eq!(json(&nested), "[[1,2],[],null]");
    }

    #[test]
    fn json_strings_parse_back_with_serde_json() {
        let tricky = "quote \" backslash \\ tab \t bell \u{7} emoji 😀";
        let written = json(&Value::from(tricky));
        let read: Result<String, _> = serde_json::from_str(&written);
        assert_eq!(read.ok().as_deref(), Some(tricky));
    }

    #[test]
    fn deeply_nested_lists_do_not_overflow_the_stack() {
        let mut value = Value::from(1_i64);
        for _ in 0..100_000 {
            value = Value::List(std::sync::Arc::from(vec![value]));
        }
        let written = json(&value);
        assert_eq!(written.len(), 200_001);
        assert_eq!(text(&value), "1");
        // Dropping such a value recurses; leak it so the test does not measure drop.
        std::mem::forget(value);
    }
}
