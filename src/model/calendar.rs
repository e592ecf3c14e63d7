//! Calendar helpers for the functions of spec §4.5: local dates, hours and weekdays in
//! a time zone, and anniversaries.
//!
//! All functions are pure and total: none reads the clock, none panics. The 29 February
//! rule: a 29 February date has its anniversary on 28 February in non-leap years.

use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, Offset as _, TimeDelta, TimeZone as _, Timelike,
    Utc,
};
use chrono_tz::Tz;

/// The local date and time of `t` in `tz`. Within a day of the ends of the range of
/// instants chrono represents, where the local time may fall outside that range, the
/// UTC time stands in for it (chrono's own conversion would panic there).
fn local(t: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
    let utc = t.naive_utc();
    let offset = tz.offset_from_utc_datetime(&utc).fix();
    utc.checked_add_offset(offset).unwrap_or(utc)
}

/// The local calendar date of `t` in `tz`.
pub(crate) fn local_date(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    local(t, tz).date()
}

/// The local hour of `t` in `tz`, `0..=23`.
pub(crate) fn local_hour(t: DateTime<Utc>, tz: Tz) -> u32 {
    local(t, tz).hour()
}

/// The local ISO weekday of `t` in `tz`: 1 = Monday … 7 = Sunday.
pub(crate) fn iso_weekday(t: DateTime<Utc>, tz: Tz) -> u32 {
    local(t, tz).weekday().number_from_monday()
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The (month, day) on which `d` has its anniversary in `year`: its own, except that
/// 29 February falls on 28 February in non-leap years.
fn anniversary_in(d: NaiveDate, year: i32) -> (u32, u32) {
    if d.month() == 2 && d.day() == 29 && !is_leap(year) {
        (2, 28)
    } else {
        (d.month(), d.day())
    }
}

fn month_day(d: NaiveDate) -> (u32, u32) {
    (d.month(), d.day())
}

/// Whole years from `birth` to `today`, truncated toward zero: the age of someone born
/// on `birth`. The year is complete on the anniversary (29 February's on 28 February
/// in non-leap years). Negative when `birth` is after `today`: `-years_since(today,
/// birth)`.
pub(crate) fn years_since(birth: NaiveDate, today: NaiveDate) -> i64 {
    if birth > today {
        return -years_since(today, birth);
    }
    let years = i64::from(today.year()) - i64::from(birth.year());
    if month_day(today) < anniversary_in(birth, today.year()) {
        years - 1
    } else {
        years
    }
}

/// Whether `today` is an anniversary of `d`: same month and day, and 29 February
/// matches 28 February in non-leap years.
pub(crate) fn is_anniversary(d: NaiveDate, today: NaiveDate) -> bool {
    month_day(today) == anniversary_in(d, today.year())
}

/// The day of the year (1-based) of `(month, day)` in `year`.
fn ordinal(year: i32, (month, day): (u32, u32)) -> i64 {
    const BEFORE_MONTH: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let before = month
        .checked_sub(1)
        .and_then(|m| BEFORE_MONTH.get(m as usize))
        .copied()
        .unwrap_or(0);
    let leap_day = i64::from(month > 2 && is_leap(year));
    before + leap_day + i64::from(day)
}

fn days_in_year(year: i32) -> i64 {
    if is_leap(year) { 366 } else { 365 }
}

/// Days from `today` to the next anniversary of `d` (today included): `0..=365`, 0 on
/// the day. Computed without building dates, so it is exact even at the end of
/// chrono's range.
pub(crate) fn days_until_anniversary(d: NaiveDate, today: NaiveDate) -> i64 {
    let year = today.year();
    let today_ordinal = i64::from(today.ordinal());
    let this_year = ordinal(year, anniversary_in(d, year));
    if this_year >= today_ordinal {
        return this_year - today_ordinal;
    }
    let next_year = year.saturating_add(1);
    days_in_year(year) - today_ordinal + ordinal(next_year, anniversary_in(d, next_year))
}

/// The first instant after `t` whose local date in `tz` is later than `t`'s: the next
/// local midnight, or, when midnight does not exist that day (a daylight-saving gap),
/// the first instant of the new date. `None` past the end of chrono's range.
pub(crate) fn next_local_date(t: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
    let tomorrow = local_date(t, tz).succ_opt()?.and_hms_opt(0, 0, 0)?;
    first_local_at_or_after(t, tomorrow, tz, TimeDelta::hours(50))
}

/// The first instant after `t` whose local date in `tz` is `date` or later (`date`
/// after `t`'s local date): the local midnight that starts `date`, or the end of the
/// gap that skips it.
pub(crate) fn local_start(date: NaiveDate, t: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
    let days = date.signed_duration_since(local_date(t, tz)).num_days();
    let reach = TimeDelta::try_days(days.checked_add(2)?)?;
    first_local_at_or_after(t, date.and_hms_opt(0, 0, 0)?, tz, reach)
}

/// The first instant after `t` whose local hour in `tz` differs from `t`'s: the next
/// local hour start, or the end of a daylight-saving gap that skips it. A fall-back
/// that repeats the hour keeps it: the hour changes when the repeated hour ends.
pub(crate) fn next_local_hour(t: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
    let now = local(t, tz);
    let next = now
        .date()
        .and_hms_opt(now.hour(), 0, 0)?
        .checked_add_signed(TimeDelta::hours(1))?;
    first_local_at_or_after(t, next, tz, TimeDelta::hours(4))
}

/// The first instant after `t` whose local date and time in `tz` is at or after
/// `local_target`: the target itself when it exists (the earlier of two when it
/// occurs twice), else the end of the gap it falls in, found by bisection within
/// `reach` of `t` (local time only moves forward across a gap).
fn first_local_at_or_after(
    t: DateTime<Utc>,
    local_target: NaiveDateTime,
    tz: Tz,
    reach: TimeDelta,
) -> Option<DateTime<Utc>> {
    // Near the ends of chrono's range the conversion could overflow: none is needed
    // there, the next local date or hour being out of reach anyway.
    let margin = TimeDelta::days(2);
    let inside = |edge: NaiveDateTime, toward: TimeDelta| edge.checked_add_signed(toward);
    let (low_edge, high_edge) = (
        inside(NaiveDateTime::MIN, margin)?,
        inside(NaiveDateTime::MAX, -margin)?,
    );
    if local_target < low_edge || local_target > high_edge {
        return None;
    }
    if let Some(exact) = tz.from_local_datetime(&local_target).earliest() {
        let exact = exact.with_timezone(&Utc);
        if exact > t {
            return Some(exact);
        }
    }
    if reach <= TimeDelta::zero() {
        return None;
    }
    let (mut low, mut high) = (t, t.checked_add_signed(reach)?);
    if local(high, tz) < local_target {
        return None;
    }
    // INVARIANT: local(low) < target <= local(high).
    while high - low > TimeDelta::nanoseconds(1) {
        let middle = low + (high - low) / 2;
        if local(middle, tz) >= local_target {
            high = middle;
        } else {
            low = middle;
        }
    }
    Some(high)
}

/// The first date after `today` that is an anniversary of `d` (29 February's on 28
/// February in non-leap years).
pub(crate) fn next_anniversary(d: NaiveDate, today: NaiveDate) -> Option<NaiveDate> {
    let tomorrow = today.succ_opt()?;
    add_days(tomorrow, days_until_anniversary(d, tomorrow))
}

/// `d` moved by `days` days; `None` when the result is outside chrono's range.
pub(crate) fn add_days(d: NaiveDate, days: i64) -> Option<NaiveDate> {
    d.checked_add_signed(TimeDelta::try_days(days)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    fn instant(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn local_date_follows_the_time_zone() {
        let t = instant("2026-11-22T02:30:00Z");
        assert_eq!(local_date(t, Tz::UTC), date(2026, 11, 22));
        assert_eq!(local_date(t, Tz::America__Sao_Paulo), date(2026, 11, 21));
        assert_eq!(local_hour(t, Tz::America__Sao_Paulo), 23);
        assert_eq!(local_date(t, Tz::Asia__Tokyo), date(2026, 11, 22));
        assert_eq!(local_hour(t, Tz::Asia__Tokyo), 11);
        assert_eq!(local_hour(t, Tz::Asia__Kolkata), 8); // UTC+5:30
        let eve = instant("2026-12-31T23:30:00Z");
        assert_eq!(local_date(eve, Tz::Pacific__Kiritimati), date(2027, 1, 1)); // UTC+14
        assert_eq!(local_date(eve, Tz::Pacific__Pago_Pago), date(2026, 12, 31)); // UTC-11
    }

    #[test]
    fn daylight_saving_changes_the_offset() {
        // New York: UTC-5 in January, UTC-4 in July.
        assert_eq!(
            local_hour(instant("2026-01-15T12:00:00Z"), Tz::America__New_York),
            7
        );
        assert_eq!(
            local_hour(instant("2026-07-15T12:00:00Z"), Tz::America__New_York),
            8
        );
        // São Paulo has had no daylight saving since 2019.
        assert_eq!(
            local_hour(instant("2026-01-15T12:00:00Z"), Tz::America__Sao_Paulo),
            9
        );
        assert_eq!(
            local_hour(instant("2026-07-15T12:00:00Z"), Tz::America__Sao_Paulo),
            9
        );
    }

    #[test]
    fn weekday_is_iso_and_local() {
        // 2026-11-22 is a Sunday; 2026-11-23 a Monday.
        assert_eq!(iso_weekday(instant("2026-11-22T12:00:00Z"), Tz::UTC), 7);
        assert_eq!(iso_weekday(instant("2026-11-23T12:00:00Z"), Tz::UTC), 1);
        // 02:30 UTC on Monday is still Sunday in São Paulo.
        assert_eq!(
            iso_weekday(instant("2026-11-23T02:30:00Z"), Tz::America__Sao_Paulo),
            7
        );
        assert_eq!(iso_weekday(instant("2026-11-21T12:00:00Z"), Tz::UTC), 6);
    }

    #[test]
    fn years_since_counts_whole_years() {
        assert_eq!(years_since(date(1990, 11, 22), date(2026, 11, 22)), 36);
        assert_eq!(years_since(date(1990, 11, 22), date(2026, 11, 21)), 35);
        assert_eq!(years_since(date(1990, 11, 22), date(2026, 11, 23)), 36);
        assert_eq!(years_since(date(2026, 11, 22), date(2026, 11, 22)), 0);
        assert_eq!(years_since(date(1990, 12, 31), date(2026, 1, 1)), 35);
        assert_eq!(years_since(date(1990, 1, 1), date(2025, 12, 31)), 35);
    }

    #[test]
    fn years_since_29_february() {
        let leapling = date(2000, 2, 29);
        // Non-leap years: the year completes on 28 February.
        assert_eq!(years_since(leapling, date(2025, 2, 27)), 24);
        assert_eq!(years_since(leapling, date(2025, 2, 28)), 25);
        assert_eq!(years_since(leapling, date(2026, 3, 1)), 26);
        // Leap years: on 29 February itself.
        assert_eq!(years_since(leapling, date(2024, 2, 28)), 23);
        assert_eq!(years_since(leapling, date(2024, 2, 29)), 24);
        // 2100 is not a leap year.
        assert_eq!(years_since(leapling, date(2100, 2, 28)), 100);
        assert_eq!(years_since(leapling, date(2100, 2, 27)), 99);
    }

    #[test]
    fn years_since_is_negative_for_a_future_date() {
        assert_eq!(years_since(date(2028, 6, 1), date(2026, 6, 1)), -2);
        assert_eq!(years_since(date(2028, 6, 2), date(2026, 6, 1)), -2);
        assert_eq!(years_since(date(2027, 6, 2), date(2026, 6, 1)), -1);
        assert_eq!(years_since(date(2026, 6, 2), date(2026, 6, 1)), 0);
        assert!(years_since(NaiveDate::MAX, NaiveDate::MIN) < 0);
        assert!(years_since(NaiveDate::MIN, NaiveDate::MAX) > 0);
    }

    #[test]
    fn anniversaries() {
        assert!(is_anniversary(date(1990, 11, 22), date(2026, 11, 22)));
        assert!(!is_anniversary(date(1990, 11, 22), date(2026, 11, 21)));
        assert!(!is_anniversary(date(1990, 11, 22), date(2026, 10, 22)));
        let leapling = date(2000, 2, 29);
        assert!(is_anniversary(leapling, date(2025, 2, 28)));
        assert!(is_anniversary(leapling, date(2026, 2, 28)));
        assert!(!is_anniversary(leapling, date(2025, 3, 1)));
        assert!(is_anniversary(leapling, date(2024, 2, 29)));
        assert!(!is_anniversary(leapling, date(2024, 2, 28)));
        assert!(is_anniversary(leapling, date(2100, 2, 28)));
        assert!(!is_anniversary(date(2001, 2, 28), date(2024, 2, 29)));
        assert!(is_anniversary(date(2001, 2, 28), date(2024, 2, 28)));
    }

    #[test]
    fn days_until_anniversary_counts_forward() {
        let birthday = date(1990, 11, 22);
        assert_eq!(days_until_anniversary(birthday, date(2026, 11, 22)), 0);
        assert_eq!(days_until_anniversary(birthday, date(2026, 11, 21)), 1);
        assert_eq!(days_until_anniversary(birthday, date(2026, 11, 1)), 21);
        // Wraps to next year: 2026-11-23 → 2027-11-22.
        assert_eq!(days_until_anniversary(birthday, date(2026, 11, 23)), 364);
        // 31 Dec → 1 Jan.
        assert_eq!(
            days_until_anniversary(date(1990, 1, 1), date(2025, 12, 31)),
            1
        );
        assert_eq!(
            days_until_anniversary(date(1990, 12, 31), date(2026, 1, 1)),
            364
        );
        // Across a leap day: 2024-01-02 → 2025-01-01 is 365 days.
        assert_eq!(
            days_until_anniversary(date(1990, 1, 1), date(2024, 1, 2)),
            365
        );
        assert_eq!(
            days_until_anniversary(date(1990, 3, 1), date(2024, 2, 28)),
            2
        );
    }

    #[test]
    fn days_until_anniversary_29_february() {
        let leapling = date(2000, 2, 29);
        assert_eq!(days_until_anniversary(leapling, date(2024, 2, 29)), 0);
        assert_eq!(days_until_anniversary(leapling, date(2024, 2, 28)), 1);
        assert_eq!(days_until_anniversary(leapling, date(2026, 2, 28)), 0);
        assert_eq!(days_until_anniversary(leapling, date(2026, 2, 27)), 1);
        // 2023-03-01 → 2024-02-29.
        assert_eq!(days_until_anniversary(leapling, date(2023, 3, 1)), 365);
        // 2024-03-01 → 2025-02-28.
        assert_eq!(days_until_anniversary(leapling, date(2024, 3, 1)), 364);
        // 2099-03-01 → 2100-02-28 (2100 is not leap).
        assert_eq!(days_until_anniversary(leapling, date(2099, 3, 1)), 364);
    }

    #[test]
    fn days_until_anniversary_stays_in_range() {
        let mut today = date(2023, 1, 1);
        let birthdays = [
            date(2000, 2, 29),
            date(1990, 1, 1),
            date(1990, 12, 31),
            date(1985, 3, 1),
        ];
        for _ in 0..(366 * 4) {
            for birthday in birthdays {
                let days = days_until_anniversary(birthday, today);
                assert!((0..=365).contains(&days), "{birthday} {today} {days}");
                let target = add_days(today, days).unwrap_or(NaiveDate::MIN);
                assert!(
                    is_anniversary(birthday, target),
                    "{birthday} {today} {days}"
                );
                assert_eq!(days == 0, is_anniversary(birthday, today));
            }
            today = add_days(today, 1).unwrap_or(NaiveDate::MIN);
        }
        // Exact even at the end of chrono's range, where next year's date does not exist.
        let last = NaiveDate::MAX;
        assert_eq!(days_until_anniversary(date(2000, 1, 1), last), 1);
    }

    #[test]
    fn the_next_local_date_starts_at_midnight_or_after_a_gap() {
        let utc = next_local_date(instant("2026-11-22T12:00:00Z"), Tz::UTC);
        assert_eq!(utc, Some(instant("2026-11-23T00:00:00Z")));
        let sao_paulo = chrono_tz::America::Sao_Paulo;
        assert_eq!(
            next_local_date(instant("2026-11-22T12:00:00Z"), sao_paulo),
            Some(instant("2026-11-23T03:00:00Z"))
        );
        // São Paulo's DST began at midnight on 2018-11-04: the day starts at 01:00.
        assert_eq!(
            next_local_date(instant("2018-11-03T12:00:00Z"), sao_paulo),
            Some(instant("2018-11-04T03:00:00Z"))
        );
        let new_york = chrono_tz::America::New_York;
        // 2026-03-08: clocks go from 02:00 to 03:00; midnight exists (05:00 UTC).
        assert_eq!(
            next_local_date(instant("2026-03-08T04:59:59Z"), new_york),
            Some(instant("2026-03-08T05:00:00Z"))
        );
    }

    #[test]
    fn the_next_local_hour_skips_gaps_and_keeps_repeated_hours() {
        let new_york = chrono_tz::America::New_York;
        // Spring forward at 02:00 local (07:00 UTC): from 01:30 the hour changes at 03:00.
        assert_eq!(
            next_local_hour(instant("2026-03-08T06:30:00Z"), new_york),
            Some(instant("2026-03-08T07:00:00Z"))
        );
        // Fall back at 02:00 EDT (06:00 UTC) to 01:00 EST: hour 1 lasts two hours.
        assert_eq!(
            next_local_hour(instant("2026-11-01T05:30:00Z"), new_york),
            Some(instant("2026-11-01T07:00:00Z"))
        );
        assert_eq!(
            next_local_hour(instant("2026-11-22T12:34:56Z"), Tz::UTC),
            Some(instant("2026-11-22T13:00:00Z"))
        );
    }

    #[test]
    fn the_next_local_date_and_hour_answer_at_the_ends_of_time() {
        for zone in chrono_tz::TZ_VARIANTS {
            for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
                for next in [next_local_date(t, zone), next_local_hour(t, zone)] {
                    assert!(next.is_none_or(|n| n > t), "{zone} {t}");
                }
            }
        }
        let far = date(262_000, 1, 1);
        assert_eq!(local_start(far, DateTime::<Utc>::MAX_UTC, Tz::UTC), None);
    }

    #[test]
    fn next_anniversary_is_strictly_after_today() {
        assert_eq!(
            next_anniversary(date(1990, 11, 22), date(2026, 11, 22)),
            Some(date(2027, 11, 22))
        );
        assert_eq!(
            next_anniversary(date(2000, 2, 29), date(2026, 11, 22)),
            Some(date(2027, 2, 28))
        );
        assert_eq!(
            next_anniversary(date(2000, 2, 29), date(2027, 11, 22)),
            Some(date(2028, 2, 29))
        );
    }

    #[test]
    fn add_days_is_checked() {
        assert_eq!(add_days(date(2025, 12, 31), 1), Some(date(2026, 1, 1)));
        assert_eq!(add_days(date(2024, 2, 28), 1), Some(date(2024, 2, 29)));
        assert_eq!(add_days(date(2025, 2, 28), 1), Some(date(2025, 3, 1)));
        assert_eq!(add_days(date(2100, 2, 28), 1), Some(date(2100, 3, 1)));
        assert_eq!(add_days(date(2026, 1, 1), -1), Some(date(2025, 12, 31)));
        assert_eq!(add_days(NaiveDate::MAX, 1), None);
        assert_eq!(add_days(NaiveDate::MIN, -1), None);
        assert_eq!(add_days(date(2026, 1, 1), i64::MAX), None);
        assert_eq!(add_days(date(2026, 1, 1), i64::MIN), None);
    }

    #[test]
    fn the_ends_of_time_have_a_local_date_in_every_zone() {
        // Found by the `evaluate` fuzz target: chrono's conversion panicked here.
        for zone in chrono_tz::TZ_VARIANTS {
            for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
                let date = local_date(t, zone);
                assert!((date - t.date_naive()).num_days().abs() <= 1, "{zone} {t}");
                assert!(local_hour(t, zone) < 24);
                assert!((1..=7).contains(&iso_weekday(t, zone)));
            }
        }
        let early = DateTime::<Utc>::MIN_UTC;
        assert_eq!(
            local_date(early, Tz::America__Sao_Paulo),
            early.date_naive()
        );
        assert_eq!(local_hour(early, Tz::America__Sao_Paulo), 0);
    }
}
