//! Frequency caps at an instant: whether a cap allows one more of its action, and if
//! not, what to do and from when it would.
//!
//! At an instant `t`, a limit "at most N per D" counts, in the window `(t - D, t]`, the
//! contact's events of the cap's counted kind (those with `at <= t`: later ones are
//! not visible yet) and the instants of the capped actions this advance has emitted
//! already (the host has not recorded them yet). The action is allowed when every
//! limit counts fewer than N. Otherwise, since no event that is not visible at `t`
//! is counted, each count only falls as time passes: a limit that counts `m >= N`
//! allows the action once the `(m - N + 1)`-th oldest instant it counts has left its
//! window, at that instant plus D; the cap allows it at the latest of these.

use chrono::{DateTime, Utc};

use crate::model::Contact;
use crate::program::{CapLimit, FrequencyCap, OverCap};

/// What a cap says of one more action at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Every limit allows it.
    Allowed,
    /// Some limit does not: skip the action if one of those says so, else defer it
    /// until the first instant every limit allows it (none if it cannot be
    /// represented).
    Over {
        over: OverCap,
        until: Option<DateTime<Utc>>,
    },
}

/// What `cap` says at `t` of one more action, for `contact`, the actions it caps
/// emitted earlier in this advance at the instants `emitted` (in time order, none
/// after `t`).
pub(super) fn verdict(
    cap: &FrequencyCap,
    contact: &Contact,
    emitted: &[DateTime<Utc>],
    t: DateTime<Utc>,
) -> Verdict {
    let mut over = None;
    let mut until = Some(t);
    for limit in cap.limits.iter() {
        let recorded = recorded_inside(cap, limit, contact, t);
        let Some(allowed_from) = allowed_from(limit, &recorded, emitted, t) else {
            continue;
        };
        over = match (over, limit.over) {
            (Some(OverCap::Skip), _) | (_, OverCap::Skip) => Some(OverCap::Skip),
            _ => Some(OverCap::Defer),
        };
        until = until.zip(allowed_from).map(|(a, b)| a.max(b));
    }
    match over {
        None => Verdict::Allowed,
        Some(over) => Verdict::Over { over, until },
    }
}

/// The instants of the contact's events of the counted kind in the window of `limit`
/// at `t`, `(t - per, t]`, found by binary search, in time order.
fn recorded_inside(
    cap: &FrequencyCap,
    limit: &CapLimit,
    contact: &Contact,
    t: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let indexes = contact.events_of_kind(cap.counted);
    let at = |index: &u32| contact.event(*index).map(|event| event.at());
    let end = indexes.partition_point(|index| at(index).is_some_and(|at| at <= t));
    let start = t.checked_sub_signed(limit.per).map_or(0, |start| {
        indexes.partition_point(|index| at(index).is_some_and(|at| at <= start))
    });
    indexes
        .get(start..end)
        .unwrap_or(&[])
        .iter()
        .filter_map(at)
        .collect()
}

/// None when `limit` allows one more action at `t`; else the first instant it does
/// (`Some(None)` when that instant cannot be represented). `recorded` and `emitted`
/// are in time order, none after `t`; only those inside the window count.
fn allowed_from(
    limit: &CapLimit,
    recorded: &[DateTime<Utc>],
    emitted: &[DateTime<Utc>],
    t: DateTime<Utc>,
) -> Option<Option<DateTime<Utc>>> {
    let start = t.checked_sub_signed(limit.per);
    let (recorded, emitted) = (inside(recorded, start), inside(emitted, start));
    let counted = recorded.len().saturating_add(emitted.len());
    let most = usize::try_from(limit.most).unwrap_or(usize::MAX);
    if counted < most {
        return None;
    }
    // The oldest `counted - most + 1` instants must leave the window: the last of them
    // is the `(counted - most)`-th from zero of both lists merged.
    let leaving = nth_merged(recorded, emitted, counted - most);
    Some(leaving.and_then(|at| at.checked_add_signed(limit.per)))
}

/// The instants after `start` (all of them when the window reaches back past the
/// first representable instant, `None`).
fn inside(instants: &[DateTime<Utc>], start: Option<DateTime<Utc>>) -> &[DateTime<Utc>] {
    let first = start.map_or(0, |start| instants.partition_point(|at| *at <= start));
    instants.get(first..).unwrap_or(&[])
}

/// The `n`-th instant (from zero) of two lists in time order, merged.
fn nth_merged(a: &[DateTime<Utc>], b: &[DateTime<Utc>], n: usize) -> Option<DateTime<Utc>> {
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    let mut taken = 0;
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x <= y => a.next(),
            (Some(_), Some(_)) | (None, Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, None) => return None,
        };
        if taken == n {
            return next.copied();
        }
        taken += 1;
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, Utc};

    use super::{Verdict, allowed_from, nth_merged, verdict};
    use crate::program::{CapLimit, OverCap};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn limit(most: u32, days: i64, over: OverCap) -> CapLimit {
        CapLimit {
            most,
            per: TimeDelta::days(days),
            over,
        }
    }

    #[test]
    fn merging_takes_the_nth_instant_of_both_lists() {
        let a = [at("2026-11-01T00:00:00Z"), at("2026-11-03T00:00:00Z")];
        let b = [at("2026-11-02T00:00:00Z")];
        assert_eq!(nth_merged(&a, &b, 0), Some(a[0]));
        assert_eq!(nth_merged(&a, &b, 1), Some(b[0]));
        assert_eq!(nth_merged(&a, &b, 2), Some(a[1]));
        assert_eq!(nth_merged(&a, &b, 3), None);
        assert_eq!(nth_merged(&[], &b, 0), Some(b[0]));
    }

    #[test]
    fn a_window_excludes_its_start_and_includes_its_end() {
        let daily = limit(1, 1, OverCap::Defer);
        let t = at("2026-11-02T10:00:00Z");
        // Exactly a day before: out of the window `(t - 1d, t]`.
        assert_eq!(
            allowed_from(&daily, &[at("2026-11-01T10:00:00Z")], &[], t),
            None
        );
        // A second later: in it, and out of it a day after it happened.
        let sent = at("2026-11-01T10:00:01Z");
        assert_eq!(
            allowed_from(&daily, &[sent], &[], t),
            Some(Some(sent + TimeDelta::days(1)))
        );
        // At `t` itself: in it.
        assert_eq!(
            allowed_from(&daily, &[], &[t], t),
            Some(Some(t + TimeDelta::days(1)))
        );
    }

    #[test]
    fn over_a_limit_waits_for_enough_instants_to_leave() {
        // At most 3 per 7 days, with 4 counted: the 2 oldest must leave.
        let weekly = limit(3, 7, OverCap::Defer);
        let t = at("2026-11-08T00:00:00Z");
        let recorded = [at("2026-11-02T00:00:00Z"), at("2026-11-05T00:00:00Z")];
        let emitted = [at("2026-11-03T00:00:00Z"), at("2026-11-07T00:00:00Z")];
        assert_eq!(
            allowed_from(&weekly, &recorded, &emitted, t),
            Some(Some(at("2026-11-10T00:00:00Z")))
        );
        // With 2 counted, one more fits.
        assert_eq!(allowed_from(&weekly, &recorded, &[], t), None);
    }

    #[test]
    fn a_window_reaching_before_time_counts_everything() {
        let forever = CapLimit {
            most: 1,
            per: TimeDelta::MAX,
            over: OverCap::Skip,
        };
        let t = at("2026-11-08T00:00:00Z");
        assert_eq!(
            allowed_from(&forever, &[at("1970-01-01T00:00:00Z")], &[], t),
            Some(None),
            "it would be allowed after the last representable instant"
        );
    }

    #[test]
    fn skip_wins_and_the_latest_instant_is_awaited() {
        let program = crate::compile(
            "schema { event email.sent { } action send_email(template: string) }
             cap emails on send_email counted by email.sent {
               at most 2 per 7d
               at most 1 per 1d
             }",
        )
        .unwrap();
        let cap = program.caps().first().unwrap();
        let contact = program
            .contact("c-1")
            .event("email.sent", at("2026-11-01T09:00:00Z"), [])
            .event("email.sent", at("2026-11-03T12:00:00Z"), [])
            .event("email.sent", at("2026-11-30T00:00:00Z"), [])
            .build()
            .unwrap();
        let t = at("2026-11-03T18:00:00Z");
        // The daily limit allows it from Nov 4 12:00, the weekly from Nov 8 09:00;
        // the event of Nov 30 is not visible at `t`.
        assert_eq!(
            verdict(cap, &contact, &[], t),
            Verdict::Over {
                over: OverCap::Defer,
                until: Some(at("2026-11-08T09:00:00Z"))
            }
        );
        assert_eq!(
            verdict(cap, &contact, &[], at("2026-11-08T09:00:00Z")),
            Verdict::Allowed
        );
        // An action emitted earlier in the advance counts like a recorded event: with
        // the email of Nov 3, two in the week, until Nov 10 12:00 (the daily limit
        // would allow it from 10:00).
        assert_eq!(
            verdict(
                cap,
                &contact,
                &[at("2026-11-09T10:00:00Z")],
                at("2026-11-09T12:00:00Z")
            ),
            Verdict::Over {
                over: OverCap::Defer,
                until: Some(at("2026-11-10T12:00:00Z"))
            }
        );
        let mut skipping = cap.clone();
        if let Some(daily) = skipping.limits.get_mut(1) {
            daily.over = OverCap::Skip;
        }
        assert_eq!(
            verdict(&skipping, &contact, &[], t),
            Verdict::Over {
                over: OverCap::Skip,
                until: Some(at("2026-11-08T09:00:00Z"))
            }
        );
    }
}
