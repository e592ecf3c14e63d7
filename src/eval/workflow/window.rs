//! Send windows (§8.3): when a run may emit actions, in local wall-clock time.
//!
//! A window opens on each of its days at its start time and closes at its end time,
//! the same day or, when the end is before the start, the next day. Local times are
//! turned into instants in the context's time zone: a time that does not exist that
//! day (a daylight-saving gap) stands for the first minute after the gap, one that
//! occurs twice for its first occurrence.

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;

use crate::model::calendar::local_date;
use crate::program::SendWindow;

/// The longest daylight-saving gap searched for the first local time after it, in
/// minutes: a whole day (Samoa skipped 30 December 2011) and then some.
const LONGEST_GAP_MINUTES: i64 = 25 * 60;

/// The days searched ahead for the next opening: a week covers every day of it.
const DAYS_AHEAD: u64 = 8;

/// Whether the window is open at `t`.
pub(crate) fn is_open(window: &SendWindow, t: DateTime<Utc>, tz: Tz) -> bool {
    let today = local_date(t, tz);
    [today.pred_opt(), Some(today)]
        .into_iter()
        .flatten()
        .filter_map(|day| opening(window, day, tz))
        .any(|(open, close)| open <= t && t < close)
}

/// The first instant at or after `t` at which the window is open.
pub(crate) fn next_opening(window: &SendWindow, t: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
    if is_open(window, t, tz) {
        return Some(t);
    }
    let today = local_date(t, tz);
    (0..=DAYS_AHEAD)
        .filter_map(|ahead| today.checked_add_days(Days::new(ahead)))
        .filter_map(|day| opening(window, day, tz))
        .map(|(open, _)| open)
        .find(|open| *open > t)
}

/// The instants at which the window opens on `day` and closes after it, if it opens
/// that day.
fn opening(window: &SendWindow, day: NaiveDate, tz: Tz) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    if !window.opens_on(day.weekday()) {
        return None;
    }
    let open = instant(day.and_time(window.start), tz)?;
    let close_day = if window.end <= window.start {
        day.succ_opt()?
    } else {
        day
    };
    let close = instant(close_day.and_time(window.end), tz)?;
    Some((open, close))
}

/// The instant of a local wall-clock time: the first of two, or the first minute
/// after a gap.
fn instant(local: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    let resolve = |local: NaiveDateTime| match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, second) => {
            Some(first.with_timezone(&Utc).min(second.with_timezone(&Utc)))
        }
        LocalResult::None => None,
    };
    resolve(local).or_else(|| {
        (1..=LONGEST_GAP_MINUTES)
            .filter_map(|minutes| local.checked_add_signed(TimeDelta::minutes(minutes)))
            .find_map(resolve)
    })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveTime, Utc};
    use chrono_tz::Tz;

    use super::{is_open, next_opening};
    use crate::program::SendWindow;

    fn window(start: (u32, u32), end: (u32, u32), days: [bool; 7]) -> SendWindow {
        SendWindow {
            start: NaiveTime::from_hms_opt(start.0, start.1, 0).unwrap(),
            end: NaiveTime::from_hms_opt(end.0, end.1, 0).unwrap(),
            days,
        }
    }

    const WEEKDAYS: [bool; 7] = [true, true, true, true, true, false, false];
    const EVERY_DAY: [bool; 7] = [true; 7];

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn office_hours_include_the_start_and_exclude_the_end() {
        let office = window((9, 0), (18, 0), WEEKDAYS);
        // 2026-11-20 is a Friday.
        assert!(is_open(&office, at("2026-11-20T09:00:00Z"), Tz::UTC));
        assert!(is_open(&office, at("2026-11-20T17:59:59Z"), Tz::UTC));
        assert!(!is_open(&office, at("2026-11-20T18:00:00Z"), Tz::UTC));
        assert!(!is_open(&office, at("2026-11-20T08:59:59Z"), Tz::UTC));
    }

    #[test]
    fn a_friday_evening_waits_for_monday_morning() {
        let office = window((9, 0), (18, 0), WEEKDAYS);
        assert_eq!(
            next_opening(&office, at("2026-11-20T18:30:00Z"), Tz::UTC),
            Some(at("2026-11-23T09:00:00Z"))
        );
        assert!(
            !is_open(&office, at("2026-11-21T12:00:00Z"), Tz::UTC),
            "Saturday"
        );
    }

    #[test]
    fn local_hours_follow_the_time_zone() {
        let office = window((9, 0), (18, 0), WEEKDAYS);
        let sao_paulo: Tz = "America/Sao_Paulo".parse().unwrap();
        // 09:00 in São Paulo (UTC-3) is 12:00 UTC.
        assert_eq!(
            next_opening(&office, at("2026-11-20T21:30:00Z"), sao_paulo),
            Some(at("2026-11-23T12:00:00Z"))
        );
        assert!(is_open(&office, at("2026-11-20T20:59:00Z"), sao_paulo));
    }

    #[test]
    fn a_window_ending_before_it_starts_spans_midnight() {
        // Opens Fridays at 21:00, closes Saturday at 08:00.
        let nights = window(
            (21, 0),
            (8, 0),
            [false, false, false, false, true, false, false],
        );
        assert!(is_open(&nights, at("2026-11-20T23:00:00Z"), Tz::UTC));
        assert!(is_open(&nights, at("2026-11-21T07:59:00Z"), Tz::UTC));
        assert!(!is_open(&nights, at("2026-11-21T08:00:00Z"), Tz::UTC));
        assert!(
            !is_open(&nights, at("2026-11-21T22:00:00Z"), Tz::UTC),
            "Saturday night"
        );
        assert_eq!(
            next_opening(&nights, at("2026-11-21T08:00:00Z"), Tz::UTC),
            Some(at("2026-11-27T21:00:00Z"))
        );
    }

    #[test]
    fn open_now_means_now() {
        let always = window((0, 0), (23, 59), EVERY_DAY);
        let t = at("2026-11-22T12:34:56Z");
        assert_eq!(next_opening(&always, t, Tz::UTC), Some(t));
    }

    #[test]
    fn a_window_keeps_its_local_hours_across_daylight_saving() {
        let office = window((9, 0), (18, 0), EVERY_DAY);
        let new_york: Tz = "America/New_York".parse().unwrap();
        // EDT (UTC-4) before 2026-11-01, EST (UTC-5) after.
        assert_eq!(
            next_opening(&office, at("2026-10-31T23:00:00Z"), new_york),
            Some(at("2026-11-01T14:00:00Z"))
        );
        assert_eq!(
            next_opening(&office, at("2026-10-30T23:00:00Z"), new_york),
            Some(at("2026-10-31T13:00:00Z"))
        );
    }

    #[test]
    fn a_local_time_skipped_or_repeated_opens_at_its_first_instant() {
        let new_york: Tz = "America/New_York".parse().unwrap();
        // 2026-03-08 02:30 does not exist in New York: 02:00 EST jumps to 03:00 EDT.
        let gap = window((2, 30), (4, 0), EVERY_DAY);
        assert_eq!(
            next_opening(&gap, at("2026-03-08T05:00:00Z"), new_york),
            Some(at("2026-03-08T07:00:00Z")),
            "03:00 EDT, the first instant after the gap"
        );
        // 2026-11-01 01:30 occurs twice: first in EDT (05:30 UTC), then in EST.
        let fold = window((1, 30), (4, 0), EVERY_DAY);
        assert_eq!(
            next_opening(&fold, at("2026-11-01T04:00:00Z"), new_york),
            Some(at("2026-11-01T05:30:00Z"))
        );
    }
}
