//! Event queries and aggregates (§4.6).
//!
//! A contact keeps, per kind, the indexes of its events in time order, so a window
//! is two binary searches: only the events inside it are visited.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::{Evaluator, Frame};
use crate::model::{Event, Value};
use crate::program::{Aggregate, EventField, NodeId, Query, Window};

/// The time range a query selects: `from` (inclusive or not) up to `until`
/// (inclusive or not).
#[derive(Clone, Copy)]
struct Range {
    from: Option<(DateTime<Utc>, bool)>,
    until: (DateTime<Utc>, bool),
}

impl<'p> Evaluator<'p> {
    /// `count`, `exists`, `sum`, `avg`, `min`, `max`.
    pub(crate) fn aggregate(
        &mut self,
        aggregate: Aggregate,
        query: &Query,
        value: Option<NodeId>,
        frame: &Frame<'_>,
    ) -> Value {
        let mut count: u64 = 0;
        let mut total = Decimal::ZERO;
        let mut extreme: Option<Decimal> = None;
        let mut overflow = false;
        self.visit(query, frame, &mut |evaluator, event| {
            if aggregate == Aggregate::Exists {
                count = 1;
                return false;
            }
            let Some(value_node) = value else {
                count += 1;
                return true;
            };
            let event_frame = Frame {
                event: Some(event),
                ..*frame
            };
            let Value::Number(n) = evaluator.eval(value_node, &event_frame) else {
                return true; // nulls are skipped, as in SQL
            };
            count += 1;
            match total.checked_add(n) {
                Some(sum) => total = sum,
                None => overflow = true,
            }
            extreme = Some(match (aggregate, extreme) {
                (Aggregate::Min, Some(e)) => e.min(n),
                (Aggregate::Max, Some(e)) => e.max(n),
                _ => n,
            });
            true
        });
        match aggregate {
            Aggregate::Count => Value::Number(Decimal::from(count)),
            Aggregate::Exists => Value::Bool(count > 0),
            Aggregate::Sum if overflow => Value::Null,
            Aggregate::Sum => Value::Number(total),
            Aggregate::Avg if overflow || count == 0 => Value::Null,
            Aggregate::Avg => total
                .checked_div(Decimal::from(count))
                .map_or(Value::Null, Value::Number),
            Aggregate::Min | Aggregate::Max => extreme.map_or(Value::Null, Value::Number),
        }
    }

    /// A field of `first(Q)` / `last(Q)`; with no field, `true` when there is such an
    /// event and null when not.
    pub(crate) fn event_field(
        &mut self,
        last: bool,
        query: &Query,
        field: Option<&EventField>,
        frame: &Frame<'_>,
    ) -> Value {
        let Some(event) = self.first_or_last(query, frame, last) else {
            return Value::Null;
        };
        match field {
            None => Value::Bool(true),
            Some(EventField::At) => Value::DateTime(event.at()),
            Some(EventField::Prop(slot)) => slot
                .slot(event.kind())
                .map_or(Value::Null, |s| event.prop(s).clone()),
        }
    }

    /// The earliest (or latest) selected event; ties go to the earlier in the history.
    pub(crate) fn first_or_last(
        &mut self,
        query: &Query,
        frame: &Frame<'_>,
        last: bool,
    ) -> Option<&'p Event> {
        let index = self.first_or_last_index(query, frame, last)?;
        self.contact.event(index)
    }

    /// The index in the contact's history of [`Evaluator::first_or_last`]'s event.
    pub(crate) fn first_or_last_index(
        &mut self,
        query: &Query,
        frame: &Frame<'_>,
        last: bool,
    ) -> Option<u32> {
        let contact = self.contact;
        let range = self.range(query, frame)?;
        let mut best: Option<(DateTime<Utc>, u32)> = None;
        for kind in query.kinds.iter() {
            let indexes = window_slice(contact.events_of_kind(*kind), contact, range);
            let mut matching = |index: &u32| {
                let event = contact.event(*index)?;
                self.accepts(query, frame, event)
                    .then_some((event.at(), *index))
            };
            let found = if last {
                indexes.iter().rev().find_map(&mut matching)
            } else {
                indexes.iter().find_map(&mut matching)
            };
            best = match (best, found) {
                (Some(b), Some(f)) if (last && f > b) || (!last && f < b) => Some(f),
                (None, found) => found,
                (best, _) => best,
            };
        }
        best.map(|(_, index)| index)
    }

    /// The indexes in the contact's history of every event the query selects, kind by
    /// kind in the query's order, each kind in time order.
    pub(crate) fn selected(&mut self, query: &Query, frame: &Frame<'_>) -> Vec<u32> {
        let contact = self.contact;
        let mut selected = Vec::new();
        let Some(range) = self.range(query, frame) else {
            return selected;
        };
        for kind in query.kinds.iter() {
            for index in window_slice(contact.events_of_kind(*kind), contact, range) {
                if let Some(event) = contact.event(*index)
                    && self.accepts(query, frame, event)
                {
                    selected.push(*index);
                }
            }
        }
        selected
    }

    /// Calls `visit` for each selected event until it returns false.
    pub(crate) fn visit(
        &mut self,
        query: &Query,
        frame: &Frame<'_>,
        visit: &mut dyn FnMut(&mut Self, &'p Event) -> bool,
    ) {
        let contact = self.contact;
        let Some(range) = self.range(query, frame) else {
            return;
        };
        for kind in query.kinds.iter() {
            let indexes = window_slice(contact.events_of_kind(*kind), contact, range);
            for index in indexes {
                let Some(event) = contact.event(*index) else {
                    continue;
                };
                if self.accepts(query, frame, event) && !visit(self, event) {
                    return;
                }
            }
        }
    }

    fn accepts(&mut self, query: &Query, frame: &Frame<'_>, event: &Event) -> bool {
        if query.grouped
            && let Some(group) = &self.group
            && !group.admits(event)
        {
            return false;
        }
        match query.filter {
            Some(filter) => self.test(
                filter,
                &Frame {
                    event: Some(event),
                    ..*frame
                },
            ),
            None => true,
        }
    }

    /// The query's range as of `frame`, or none when a bound is null.
    fn range(&mut self, query: &Query, frame: &Frame<'_>) -> Option<Range> {
        let now = (frame.now, true);
        Some(match &query.window {
            Window::All => Range {
                from: None,
                until: now,
            },
            Window::Within(duration) => Range {
                from: frame.now.checked_sub_signed(*duration).map(|t| (t, false)),
                until: now,
            },
            Window::Since(bound) => {
                let from = self.eval(*bound, frame).as_datetime()?;
                Range {
                    from: Some((from, true)),
                    until: now,
                }
            }
            Window::Between(from, until) => {
                let from = self.eval(*from, frame).as_datetime()?;
                let until = self.eval(*until, frame).as_datetime()?;
                let until = if until <= frame.now {
                    (until, false)
                } else {
                    now
                };
                Range {
                    from: Some((from, true)),
                    until,
                }
            }
        })
    }
}

/// The part of a kind's time-ordered event indexes inside `range`.
fn window_slice<'c>(
    indexes: &'c [u32],
    contact: &crate::model::Contact,
    range: Range,
) -> &'c [u32] {
    let at = |index: &u32| contact.event(*index).map(Event::at);
    let start = match range.from {
        None => 0,
        Some((from, true)) => indexes.partition_point(|i| at(i).is_some_and(|t| t < from)),
        Some((from, false)) => indexes.partition_point(|i| at(i).is_some_and(|t| t <= from)),
    };
    let end = match range.until {
        (until, true) => indexes.partition_point(|i| at(i).is_some_and(|t| t <= until)),
        (until, false) => indexes.partition_point(|i| at(i).is_some_and(|t| t < until)),
    };
    indexes.get(start..end.max(start)).unwrap_or(&[])
}
