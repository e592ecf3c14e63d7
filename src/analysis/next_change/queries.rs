//! The steady bounds of event queries: when each event of the kinds queried enters or
//! leaves the selection.
//!
//! An event is selected when it is inside the window's limits and passes the `where`
//! filter. Each limit is a comparison of the event's `at` with an instant that may
//! move with the clock (`now - 30d`, `now`): solved exactly by [`flip`]. A selected
//! event may leave at the first limit that flips; one not selected may enter only once
//! every limit that excludes it has flipped.

use std::cmp::Ordering;

use chrono::{DateTime, TimeDelta, Utc};

use super::motion::{Bound, earliest, flip, latest};
use super::nodes::form_until;
use super::{Analysis, Known};
use crate::eval::probe::Scope;
use crate::eval::truthy;
use crate::model::Value;
use crate::program::{Aggregate, NodeId, Query, Window};

/// When what a query selects may change.
pub(super) struct Changes {
    /// The first instant any event may enter or leave.
    pub any: Bound,
    /// Some selected event stays selected before this instant.
    pub kept: Bound,
    /// No event enters before this instant.
    pub entry: Bound,
    /// The window's own limits stay as they are (or null) before this instant.
    pub limits: Bound,
    /// The events selected at the instant analysed.
    pub selected: Vec<u32>,
}

/// One limit of a window: an instant `at` moving by `slope`, until `until`, and how
/// an event's `at` must compare with it.
struct Limit {
    at: DateTime<Utc>,
    slope: i32,
    until: Bound,
    accepts: fn(Ordering) -> bool,
}

fn at_most(o: Ordering) -> bool {
    o != Ordering::Greater
}
fn after(o: Ordering) -> bool {
    o == Ordering::Greater
}
fn at_least(o: Ordering) -> bool {
    o != Ordering::Less
}
fn before(o: Ordering) -> bool {
    o == Ordering::Less
}

impl Analysis<'_, '_> {
    /// `count`, `exists`, `sum`, `avg`, `min`, `max` of `query`.
    pub(super) fn aggregate(
        &mut self,
        value: Value,
        aggregate: Aggregate,
        query: &Query,
        per_event: Option<NodeId>,
        scope: Scope,
    ) -> Known {
        let changes = self.changes(query, scope);
        let mut steady = match aggregate {
            Aggregate::Exists if truthy(&value) => changes.kept,
            Aggregate::Exists => changes.entry,
            _ => changes.any,
        };
        steady = earliest(steady, changes.limits);
        if let (Some(node), false) = (per_event, aggregate == Aggregate::Exists) {
            for index in &changes.selected {
                steady = earliest(steady, self.node(node, scope.with_event(*index)).steady);
            }
        }
        Known::still(value, steady)
    }

    /// A field of `first(query)` or `last(query)`: the fields of one event do not
    /// change, so only which event it is does.
    pub(super) fn event_field(
        &mut self,
        value: Value,
        _last: bool,
        query: &Query,
        scope: Scope,
    ) -> Known {
        let changes = self.changes(query, scope);
        Known::still(value, earliest(changes.any, changes.limits))
    }

    /// When each event of the kinds `query` names may enter or leave it.
    pub(super) fn changes(&mut self, query: &Query, scope: Scope) -> Changes {
        let selected = self.probe.selected(query, scope);
        let mut changes = Changes {
            any: None,
            kept: Some(self.t),
            entry: None,
            limits: None,
            selected: Vec::new(),
        };
        let Some(limits) = self.limits(query, scope, &mut changes.limits) else {
            // A null bound selects nothing until it is no longer null.
            changes.any = changes.limits;
            changes.entry = changes.limits;
            changes.selected = selected;
            return changes;
        };
        let contact = self.probe.contact();
        for kind in query.kinds.iter() {
            for index in contact.events_of_kind(*kind) {
                let Some(event) = contact.event(*index) else {
                    continue;
                };
                let member = selected.contains(index);
                let mut leaves: Bound = None;
                let mut enters: Bound = Some(self.t);
                for limit in &limits {
                    let diff = event.at().signed_duration_since(limit.at);
                    let flips = flip(self.t, diff, -limit.slope, limit.accepts, limit.until);
                    leaves = earliest(leaves, flips);
                    if !(limit.accepts)(diff.cmp(&TimeDelta::zero())) {
                        enters = latest(enters, flips);
                    }
                }
                if !member && enters.is_none() {
                    // Outside a limit for good: the filter cannot matter.
                    continue;
                }
                if let Some(filter) = query.filter {
                    let passes = self.node(filter, scope.with_event(*index));
                    leaves = earliest(leaves, passes.steady);
                    if !truthy(&passes.value) {
                        enters = latest(enters, passes.steady);
                    }
                }
                if member {
                    changes.any = earliest(changes.any, leaves);
                    changes.kept = latest(changes.kept, leaves);
                } else {
                    changes.any = earliest(changes.any, enters);
                    changes.entry = earliest(changes.entry, enters);
                }
            }
        }
        if selected.is_empty() {
            changes.kept = changes.any;
        }
        changes.selected = selected;
        changes
    }

    /// The window's limits as of the instant analysed, or `None` when a bound is null;
    /// `steady` learns until when the bounds keep their form.
    fn limits(&mut self, query: &Query, scope: Scope, steady: &mut Bound) -> Option<Vec<Limit>> {
        let now = self.probe.now(scope.offset);
        let clock = |at: DateTime<Utc>, accepts: fn(Ordering) -> bool| Limit {
            at,
            slope: 1,
            until: None,
            accepts,
        };
        let mut limits = vec![clock(now, at_most)];
        match &query.window {
            Window::All => {}
            Window::Within(duration) => {
                limits.push(clock(now.checked_sub_signed(*duration)?, after));
            }
            Window::Since(bound) => {
                limits.push(self.limit(*bound, scope, at_least, steady)?);
            }
            Window::Between(from, until) => {
                let from = self.limit(*from, scope, at_least, steady);
                let until = self.limit(*until, scope, before, steady);
                limits.push(from?);
                limits.push(until?);
            }
        }
        Some(limits)
    }

    fn limit(
        &mut self,
        bound: NodeId,
        scope: Scope,
        accepts: fn(Ordering) -> bool,
        steady: &mut Bound,
    ) -> Option<Limit> {
        let known = self.node(bound, scope);
        *steady = earliest(*steady, form_until(&known));
        let Value::DateTime(at) = known.value else {
            return None;
        };
        let (slope, until) = match known.motion {
            super::Motion::Linear { slope, until } => (slope, until),
            _ => (0, known.steady),
        };
        Some(Limit {
            at,
            slope,
            until,
            accepts,
        })
    }
}
