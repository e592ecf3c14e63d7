//! What one contact adds to the metrics of a population, and a metric's value from
//! its aggregates.
//!
//! For each metric, the contact's groups are found (one for an ungrouped metric; the
//! key of `by EXPR`; every distinct value of the prop among its events for `by PROP of
//! KINDS`), and in each group the argument of every population aggregate is
//! evaluated, as of `now`, with the evaluator that computes the contact's segments,
//! scores and decisions, so items referenced by both are computed once. Within a
//! group of `by PROP of KINDS`, the evaluator's [`GroupFilter`] hides from the
//! metric's queries the events of those kinds whose prop has another value.
//!
//! Folding the contributions of every contact into results is
//! [`super::population`]'s work.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;

use super::{Evaluator, Frame, operators};
use crate::model::{Event, KindId, Value};
use crate::program::{Grouping, Metric, PopulationAggregate, Term, TermId};

/// The key of a group: a single value, ordered null first, then by value. Numbers
/// are normalised, so `1.50` and `1.5` are one group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Key {
    Null,
    Bool(bool),
    Number(Decimal),
    String(Arc<str>),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    Duration(TimeDelta),
}

impl Key {
    /// The key of a value. Lists are never keys (the checker refuses them); one
    /// would be the null key.
    pub fn of(value: &Value) -> Key {
        match value {
            Value::Bool(b) => Key::Bool(*b),
            Value::Number(n) => Key::Number(n.normalize()),
            Value::String(s) => Key::String(Arc::clone(s)),
            Value::Date(d) => Key::Date(*d),
            Value::DateTime(t) => Key::DateTime(*t),
            Value::Duration(d) => Key::Duration(*d),
            Value::Null | Value::List(_) => Key::Null,
        }
    }

    /// The key as a value.
    pub fn value(&self) -> Value {
        match self {
            Key::Null => Value::Null,
            Key::Bool(b) => Value::Bool(*b),
            Key::Number(n) => Value::Number(*n),
            Key::String(s) => Value::String(Arc::clone(s)),
            Key::Date(d) => Value::Date(*d),
            Key::DateTime(t) => Value::DateTime(*t),
            Key::Duration(d) => Value::Duration(*d),
        }
    }
}

/// Within a group of `by PROP of KINDS`: which events the metric's queries see.
#[derive(Debug, Clone)]
pub(crate) struct GroupFilter<'p> {
    /// By kind id, the prop's slot in the grouping kinds.
    slots: &'p [Option<usize>],
    /// The group's value.
    key: Value,
}

impl GroupFilter<'_> {
    /// Whether a grouped query may see `event`: any event of a kind that does not
    /// group, and those of the grouping kinds whose prop is the group's value.
    pub fn admits(&self, event: &Event) -> bool {
        match self.slots.get(event.kind().index()) {
            Some(Some(slot)) => operators::equal(event.prop(*slot), &self.key),
            _ => true,
        }
    }
}

/// What one contact adds to the metrics: for each group of each metric it is in, the
/// value of every population aggregate's argument.
#[derive(Debug, Clone, Default)]
pub(super) struct Contributions {
    /// The metric (by position among the program's metrics), the group's key, and
    /// where the group's values start in `values`.
    pub groups: Vec<(usize, Key, usize)>,
    /// The arguments' values, group after group, one per aggregate.
    pub values: Vec<Value>,
}

impl<'p> Evaluator<'p> {
    /// What the contact adds to `metrics`, as of `now`.
    pub(super) fn contributions(&mut self, metrics: &[&'p Metric]) -> Contributions {
        let mut out = Contributions::default();
        let frame = self.frame(TimeDelta::zero());
        for (position, metric) in metrics.iter().enumerate() {
            match &metric.grouping {
                Grouping::None => self.contribute(position, Key::Null, metric, &frame, &mut out),
                Grouping::Key(key) => {
                    let key = Key::of(&self.eval(*key, &frame));
                    self.contribute(position, key, metric, &frame, &mut out);
                }
                Grouping::Prop { kinds, slots } => {
                    for key in self.prop_keys(kinds, slots, &frame) {
                        self.group = Some(GroupFilter {
                            slots,
                            key: key.value(),
                        });
                        self.contribute(position, key, metric, &frame, &mut out);
                        self.group = None;
                    }
                }
            }
        }
        out
    }

    /// The distinct values of the grouping prop among the contact's events of the
    /// grouping kinds up to now, in key order.
    fn prop_keys(
        &self,
        kinds: &[KindId],
        slots: &[Option<usize>],
        frame: &Frame<'_>,
    ) -> BTreeSet<Key> {
        let contact = self.contact;
        let mut keys = BTreeSet::new();
        for kind in kinds {
            let Some(Some(slot)) = slots.get(kind.index()) else {
                continue;
            };
            for index in contact.events_of_kind(*kind) {
                let Some(event) = contact.event(*index) else {
                    continue;
                };
                if event.at() > frame.now {
                    break; // a kind's events are in time order
                }
                keys.insert(Key::of(event.prop(*slot)));
            }
        }
        keys
    }

    /// The values of the aggregates' arguments in one group.
    fn contribute(
        &mut self,
        position: usize,
        key: Key,
        metric: &Metric,
        frame: &Frame<'_>,
        out: &mut Contributions,
    ) {
        out.groups.push((position, key, out.values.len()));
        for aggregate in metric.aggregates.iter() {
            let value = match *aggregate {
                PopulationAggregate::Total(value) | PopulationAggregate::Mean(value) => {
                    self.eval(value, frame)
                }
                PopulationAggregate::Share(condition)
                | PopulationAggregate::Contacts(Some(condition)) => {
                    Value::Bool(self.test(condition, frame))
                }
                PopulationAggregate::Contacts(None) => Value::Null,
            };
            out.values.push(value);
        }
    }
}

/// A metric's value from the results of its aggregates and the parameters: its terms
/// computed in order, each from earlier ones, the last being the value.
pub(super) fn metric_value(
    metric: &Metric,
    aggregates: &[Value],
    params: &[Value],
    context: &super::Context,
) -> Value {
    let mut values: Vec<Value> = Vec::with_capacity(metric.terms.len());
    for term in metric.terms.iter() {
        let get = |id: TermId| {
            values
                .get(usize::try_from(id).unwrap_or(usize::MAX))
                .cloned()
                .unwrap_or(Value::Null)
        };
        let value = match term {
            Term::Literal(number) => number.map_or(Value::Null, Value::Number),
            Term::Param(index) => params.get(*index).cloned().unwrap_or(Value::Null),
            Term::Aggregate(index) => aggregates.get(*index).cloned().unwrap_or(Value::Null),
            Term::Negate(operand) => operators::negate(&get(*operand)),
            Term::Arithmetic { op, lhs, rhs } => operators::arithmetic(*op, &get(*lhs), &get(*rhs)),
            Term::Coalesce { value, default } => match get(*value) {
                Value::Null => get(*default),
                value => value,
            },
            Term::Call {
                function,
                first,
                second,
            } => match (get(*first), second.map(get)) {
                (Value::Null, _) | (_, Some(Value::Null)) => Value::Null,
                (first, second) => {
                    let zone = context.time_zone();
                    let today = || crate::model::calendar::local_date(context.now(), zone);
                    let second = second.unwrap_or(Value::Null);
                    operators::call(*function, &first, &second, zone, today)
                }
            },
        };
        values.push(value);
    }
    values.pop().unwrap_or(Value::Null)
}
