//! How a value moves as time passes, and when a test on it flips.
//!
//! A [`Bound`] is an instant before which something is known to stay as it is (`None`:
//! it never changes without new input). A datetime or a duration that moves with the
//! clock (`now - 30d`, `now - c`) is [`Motion::Linear`]: comparing two of them is
//! solved exactly, to the nanosecond. A number that a decayed score makes drift is
//! [`Motion::Drift`]: it stays within a known distance of its value, so a comparison on
//! it cannot flip before it has had time to cover the margin.

use std::cmp::Ordering;

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;

/// An instant before which something stays as it is; `None` for never.
pub(super) type Bound = Option<DateTime<Utc>>;

/// The earlier of two bounds.
pub(super) fn earliest(a: Bound, b: Bound) -> Bound {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// The later of two bounds.
pub(super) fn latest(a: Bound, b: Bound) -> Bound {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        _ => None,
    }
}

/// How a value moves from the instant analysed on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Motion {
    /// It does not move until it changes at its `steady` bound.
    Still,
    /// A datetime or duration that moves by `slope` times the time passed, until
    /// `until`.
    Linear { slope: i32, until: Bound },
    /// A date that moves as the local date of the clock shifted back by `shift` does
    /// (`today`, `date(now - 30d)`, `today - 7d`), until `until`.
    Daily { shift: TimeDelta, until: Bound },
    /// A number that keeps cycling through `low..=high` (the hour of the day, the day
    /// of the week), until `until`.
    Cycling {
        low: Decimal,
        high: Decimal,
        until: Bound,
    },
    /// A number within `slack + rate × seconds passed` of its value, until `until`.
    Drift {
        rate: Decimal,
        slack: Decimal,
        until: Bound,
    },
}

impl Motion {
    /// Until when the motion is known, for a value that moves.
    pub(super) fn until_mut(&mut self) -> Option<&mut Bound> {
        match self {
            Motion::Still => None,
            Motion::Linear { until, .. }
            | Motion::Daily { until, .. }
            | Motion::Cycling { until, .. }
            | Motion::Drift { until, .. } => Some(until),
        }
    }
}

/// The nanoseconds of a duration, exactly.
fn nanos(d: TimeDelta) -> i128 {
    i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos())
}

fn after(t: DateTime<Utc>, nanoseconds: i128) -> Bound {
    let seconds = i64::try_from(nanoseconds.div_euclid(1_000_000_000)).ok()?;
    let rest = i64::try_from(nanoseconds.rem_euclid(1_000_000_000)).ok()?;
    t.checked_add_signed(TimeDelta::try_seconds(seconds)?)?
        .checked_add_signed(TimeDelta::nanoseconds(rest))
}

/// The first instant after `t` at which `holds(sign of the difference)` changes, for
/// a difference `diff` at `t` that moves by `slope` times the time passed, as long as
/// that is before `until` (else `until`: the motion is only known that far).
pub(super) fn flip(
    t: DateTime<Utc>,
    diff: TimeDelta,
    slope: i32,
    holds: impl Fn(Ordering) -> bool,
    until: Bound,
) -> Bound {
    if slope == 0 {
        return until;
    }
    let diff = nanos(diff);
    let slope = i128::from(slope);
    let current = holds(diff.cmp(&0));
    let ahead = slope.signum();
    // Nanoseconds until the difference reaches zero or crosses it, when it moves
    // toward zero.
    let to_zero = if diff == 0 {
        0
    } else if diff.signum() == ahead {
        return until;
    } else {
        let distance = diff.abs();
        let speed = slope.abs();
        (distance + speed - 1) / speed
    };
    let reached = diff + slope * to_zero;
    let candidate = if holds(reached.cmp(&0)) != current && to_zero > 0 {
        after(t, to_zero)
    } else if holds(if ahead > 0 {
        Ordering::Greater
    } else {
        Ordering::Less
    }) != current
    {
        let crossed = if reached == 0 { to_zero + 1 } else { to_zero };
        after(t, crossed.max(1))
    } else {
        return until;
    };
    match candidate {
        Some(c) => earliest(Some(c), until),
        None => until,
    }
}

/// A bound for a test on a drifting difference `diff` (with `rate` and `slack`): it
/// cannot flip before the difference could have reached zero. `None` when that is
/// not known to be after `t` (the caller falls back on other bounds).
pub(super) fn drift_margin(
    t: DateTime<Utc>,
    diff: Decimal,
    rate: Decimal,
    slack: Decimal,
    until: Bound,
) -> Option<Bound> {
    let margin = diff.abs().checked_sub(slack)?;
    if margin <= Decimal::ZERO {
        return None;
    }
    if rate <= Decimal::ZERO {
        return Some(until);
    }
    let seconds = margin.checked_div(rate)?;
    let whole = seconds.floor().to_i64().unwrap_or(i64::MAX);
    if whole <= 0 {
        return None;
    }
    let reach = TimeDelta::try_seconds(whole).and_then(|d| t.checked_add_signed(d));
    Some(earliest(reach, until))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn a_comparison_with_a_moving_instant_flips_where_they_meet() {
        let t = at("2026-11-22T12:00:00Z");
        // `x < now - 1d` with x = t - 12h: diff = x - (now - 1d) = +12h, slope -1.
        let lt = |o: Ordering| o == Ordering::Less;
        let flips = flip(t, TimeDelta::hours(12), -1, lt, None);
        assert_eq!(flips, Some(at("2026-11-23T00:00:00.000000001Z")));
        // `<=` holds at the meeting instant and flips just after it; `==` flips at it.
        let le = |o: Ordering| o != Ordering::Greater;
        assert_eq!(
            flip(t, TimeDelta::hours(12), -1, le, None),
            Some(at("2026-11-23T00:00:00Z"))
        );
        // Moving apart never flips; a nearer limit of the motion wins.
        assert_eq!(flip(t, TimeDelta::hours(-1), -1, lt, None), None);
        let until = Some(at("2026-11-22T18:00:00Z"));
        assert_eq!(flip(t, TimeDelta::hours(12), -1, lt, until), until);
        // At the meeting point already: `==` flips one nanosecond later.
        let eq = |o: Ordering| o == Ordering::Equal;
        assert_eq!(
            flip(t, TimeDelta::zero(), 1, eq, None),
            Some(t + TimeDelta::nanoseconds(1))
        );
    }

    #[test]
    fn a_drifting_number_cannot_cross_its_margin_sooner() {
        let t = at("2026-11-22T12:00:00Z");
        let bound = drift_margin(t, Decimal::from(10), Decimal::ONE, Decimal::ONE, None);
        assert_eq!(bound, Some(Some(at("2026-11-22T12:00:09Z"))));
        assert_eq!(
            drift_margin(t, Decimal::ONE, Decimal::ONE, Decimal::ONE, None),
            None
        );
        assert_eq!(
            drift_margin(t, Decimal::TEN, Decimal::ZERO, Decimal::ONE, None),
            Some(None)
        );
    }
}
