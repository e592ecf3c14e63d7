//! Event queries as grouped kernels over the events batch: a query's `where` is
//! answered for every event row at once (as a bitmap), then one pass over the events,
//! grouped by contact ([`super::env::History`]), accumulates each contact's aggregate
//! in the order the row interpreter visits them (kinds in the query's order, each in
//! time order), with its decimal operations: so sums and averages are the same, digit
//! for digit.

use std::sync::Arc;

use arrow_array::Array;
use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_buffer::BooleanBuffer;
use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;

use super::env::{Column, Env};
use super::kernels::{
    self, Plan, flip, numbers_in, order_numbers, order_texts, texts_in, with_nulls,
};
use super::numbers::{self, Number, Values};
use crate::model::{AttrId, KindId, Type, Value};
use crate::program::{
    Aggregate, ArithmeticOp, CompareOp, Constant, Node, NodeId, Orderings, Program, PropSlot,
    Query, TextOp, Window,
};

/// A query with a columnar form.
#[derive(Debug, Clone)]
pub(super) struct QueryPlan {
    kinds: Box<[KindId]>,
    filter: Option<EventCondition>,
    window: WindowPlan,
}

#[derive(Debug, Clone)]
enum WindowPlan {
    All,
    Within(TimeDelta),
    Since(Bound),
    Between(Bound, Bound),
}

/// A window bound: an instant known when planning, `now` shifted by a duration, or a
/// `datetime` attribute.
#[derive(Debug, Clone)]
enum Bound {
    Instant(DateTime<Utc>),
    /// `now`, `now + D` (`add`) or `now - D`.
    Now {
        shift: TimeDelta,
        add: bool,
    },
    Attribute(AttrId),
}

/// A `where` condition with a columnar form, over the events batch.
#[derive(Debug, Clone)]
enum EventCondition {
    Constant(bool),
    /// A condition of the contact alone (no prop, no `at`).
    Contact(Plan),
    Compare {
        slot: PropSlot,
        accepts: Orderings,
        constant: Constant,
    },
    IsNull {
        slot: PropSlot,
        negated: bool,
    },
    In {
        slot: PropSlot,
        list: Box<[Value]>,
        negated: bool,
    },
    Text {
        op: TextOp,
        slot: PropSlot,
        text: Arc<str>,
    },
    /// `at op bound`.
    At {
        op: CompareOp,
        bound: Bound,
    },
    Not(Box<EventCondition>),
    And(Box<[EventCondition]>),
    Or(Box<[EventCondition]>),
}

/// An aggregate of a query, with its value (`sum(q, amount)`) when it has one.
#[derive(Debug, Clone)]
pub(super) struct Aggregated {
    aggregate: Aggregate,
    query: QueryPlan,
    value: Option<PropSlot>,
}

/// The points of a `per` rule: a number literal or a number prop of the event.
#[derive(Debug, Clone)]
pub(super) enum Points {
    Constant(Option<Decimal>),
    Prop(PropSlot),
    /// A number expression of the contact alone (`-5`, `n / 10`).
    Contact(Number),
}

/// Two instants compared (`c > now - 30d`, `c <= @2026-01-01T00:00:00Z`): each a
/// `datetime` attribute, `now`, `now ± D` or an instant literal.
#[derive(Debug, Clone)]
pub(super) struct Instants {
    op: CompareOp,
    lhs: Bound,
    rhs: Bound,
}

/// The columnar form of `lhs op rhs` over instants, if it has one.
pub(super) fn plan_instants(
    program: &Program,
    op: CompareOp,
    lhs: NodeId,
    rhs: NodeId,
) -> Option<Instants> {
    Some(Instants {
        op,
        lhs: plan_bound(program, lhs)?,
        rhs: plan_bound(program, rhs)?,
    })
}

impl Instants {
    /// The answer for every contact, with the null logic of §4.3.
    pub fn evaluate(&self, env: &Env<'_>) -> BooleanBuffer {
        let (lhs, rhs) = (self.lhs.values(env), self.rhs.values(env));
        let (now, op) = (env.now, self.op);
        BooleanBuffer::collect_bool(env.rows(), |row| {
            let a = self.lhs.at(now, &lhs, row);
            let b = self.rhs.at(now, &rhs, row);
            match (op, a, b) {
                (CompareOp::Eq, a, b) => a == b,
                (CompareOp::Ne, a, b) => a != b,
                (op, Some(a), Some(b)) => Orderings::of(op).contain(a.cmp(&b)),
                _ => false,
            }
        })
    }
}

/// The columnar form of `query`, if it has one.
pub(super) fn plan_query(
    program: &Program,
    columns: &[Option<Column>],
    query: &Query,
) -> Option<QueryPlan> {
    let window = match &query.window {
        Window::All => WindowPlan::All,
        Window::Within(duration) => WindowPlan::Within(*duration),
        Window::Since(bound) => WindowPlan::Since(plan_bound(program, *bound)?),
        Window::Between(from, until) => {
            WindowPlan::Between(plan_bound(program, *from)?, plan_bound(program, *until)?)
        }
    };
    let filter = match query.filter {
        Some(filter) => Some(plan_condition(program, columns, filter, 0)?),
        None => None,
    };
    // Grouped queries belong to metrics, which are not columnar.
    if query.grouped {
        return None;
    }
    Some(QueryPlan {
        kinds: query.kinds.clone(),
        filter,
        window,
    })
}

/// The columnar form of an aggregate, if it has one.
pub(super) fn plan_aggregate(
    program: &Program,
    columns: &[Option<Column>],
    aggregate: Aggregate,
    query: &Query,
    value: Option<NodeId>,
) -> Option<Aggregated> {
    let value = match value {
        None => None,
        Some(node) => match program.nodes.get(node)? {
            Node::Prop(slot) if number_prop(program, &query.kinds, slot) => Some(slot.clone()),
            _ => return None,
        },
    };
    Some(Aggregated {
        aggregate,
        query: plan_query(program, columns, query)?,
        value,
    })
}

/// The columnar form of a `per` rule's points, if it has one.
pub(super) fn plan_points(
    program: &Program,
    columns: &[Option<Column>],
    query: &Query,
    points: NodeId,
) -> Option<Points> {
    match program.nodes.get(points)? {
        Node::Literal(Value::Number(n)) => Some(Points::Constant(Some(*n))),
        Node::Literal(Value::Null) => Some(Points::Constant(None)),
        Node::Prop(slot) if number_prop(program, &query.kinds, slot) => {
            Some(Points::Prop(slot.clone()))
        }
        _ => numbers::plan(program, columns, points).map(Points::Contact),
    }
}

/// Whether the prop in `slot` is a number in every kind of `kinds` that has it.
fn number_prop(program: &Program, kinds: &[KindId], slot: &PropSlot) -> bool {
    kinds.iter().all(|kind| match slot.slot(*kind) {
        Some(slot) => program
            .schema()
            .props(*kind)
            .nth(slot)
            .is_some_and(|(_, ty)| ty.non_optional() == &Type::Number),
        None => true,
    })
}

fn plan_bound(program: &Program, node: NodeId) -> Option<Bound> {
    Some(match program.nodes.get(node)? {
        Node::Literal(Value::DateTime(t)) => Bound::Instant(*t),
        Node::Now => Bound::Now {
            shift: TimeDelta::zero(),
            add: false,
        },
        Node::Attribute(a)
            if program.schema().attribute_type(*a).map(Type::non_optional)
                == Some(&Type::DateTime) =>
        {
            Bound::Attribute(*a)
        }
        Node::Arithmetic { op, lhs, rhs } => {
            let add = match op {
                ArithmeticOp::Add => true,
                ArithmeticOp::Sub => false,
                _ => return None,
            };
            match (program.nodes.get(*lhs)?, program.nodes.get(*rhs)?) {
                (Node::Now, Node::Literal(Value::Duration(shift))) => {
                    Bound::Now { shift: *shift, add }
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}

fn plan_condition(
    program: &Program,
    columns: &[Option<Column>],
    node: NodeId,
    depth: u32,
) -> Option<EventCondition> {
    if depth > kernels::MAX_DEPTH {
        return None;
    }
    let nested = |id: &NodeId| plan_condition(program, columns, *id, depth.saturating_add(1));
    let found = program.nodes.get(node)?;
    Some(match found {
        Node::Not(operand) => EventCondition::Not(Box::new(nested(operand)?)),
        Node::And(operands) => {
            EventCondition::And(operands.iter().map(nested).collect::<Option<_>>()?)
        }
        Node::Or(operands) => {
            EventCondition::Or(operands.iter().map(nested).collect::<Option<_>>()?)
        }
        Node::Compare { op, lhs, rhs } => {
            let is_event =
                |id: NodeId| matches!(program.nodes.get(id), Some(Node::Prop(_) | Node::EventAt));
            let (op, prop, other) = if is_event(*lhs) {
                (*op, *lhs, *rhs)
            } else if is_event(*rhs) {
                (op.swapped(), *rhs, *lhs)
            } else {
                return kernels::plan(program, columns, node).map(EventCondition::Contact);
            };
            match (program.nodes.get(prop)?, program.nodes.get(other)?) {
                (Node::Prop(slot), Node::Literal(Value::Number(n))) => EventCondition::Compare {
                    slot: slot.clone(),
                    accepts: Orderings::of(op),
                    constant: Constant::Number(*n),
                },
                (Node::Prop(slot), Node::Literal(Value::String(s))) => EventCondition::Compare {
                    slot: slot.clone(),
                    accepts: Orderings::of(op),
                    constant: Constant::Text(s.clone()),
                },
                (Node::Prop(slot), Node::Literal(Value::Null)) => match op {
                    CompareOp::Eq | CompareOp::Ne => EventCondition::IsNull {
                        slot: slot.clone(),
                        negated: op == CompareOp::Ne,
                    },
                    _ => EventCondition::Constant(false),
                },
                (Node::EventAt, _) => EventCondition::At {
                    op,
                    bound: plan_bound(program, other)?,
                },
                _ => return None,
            }
        }
        Node::IsNull { operand, negated } => match program.nodes.get(*operand)? {
            Node::Prop(slot) => EventCondition::IsNull {
                slot: slot.clone(),
                negated: *negated,
            },
            _ => return kernels::plan(program, columns, node).map(EventCondition::Contact),
        },
        Node::In {
            element,
            list,
            negated,
        } => match program.nodes.get(*element)? {
            Node::Prop(slot) => EventCondition::In {
                slot: slot.clone(),
                list: kernels::literal_list(program, *list)?,
                negated: *negated,
            },
            _ => return kernels::plan(program, columns, node).map(EventCondition::Contact),
        },
        Node::Text { op, lhs, rhs } => match (program.nodes.get(*lhs)?, program.nodes.get(*rhs)?) {
            (Node::Prop(slot), Node::Literal(Value::String(text))) => EventCondition::Text {
                op: *op,
                slot: slot.clone(),
                text: text.clone(),
            },
            _ => return kernels::plan(program, columns, node).map(EventCondition::Contact),
        },
        Node::Literal(value) => EventCondition::Constant(matches!(value, Value::Bool(true))),
        _ => return kernels::plan(program, columns, node).map(EventCondition::Contact),
    })
}

impl Bound {
    /// The bound as of `now` for the contact in `row` (`values` holds an attribute
    /// bound's values).
    fn at(
        &self,
        now: DateTime<Utc>,
        values: &[Option<DateTime<Utc>>],
        row: usize,
    ) -> Option<DateTime<Utc>> {
        match self {
            Bound::Instant(t) => Some(*t),
            Bound::Now { shift, add: true } => now.checked_add_signed(*shift),
            Bound::Now { shift, add: false } => now.checked_sub_signed(*shift),
            Bound::Attribute(_) => values.get(row).copied().flatten(),
        }
    }

    /// The values of an attribute bound, by contact row (empty for other bounds).
    fn values(&self, env: &Env<'_>) -> Vec<Option<DateTime<Utc>>> {
        match self {
            Bound::Attribute(attribute) => match env.contacts.attributes.get(attribute.index()) {
                Some(column) => (0..env.rows())
                    .map(|row| column.value(row).ok().and_then(|v| v.as_datetime()))
                    .collect(),
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}

/// A query's range for one contact: `from` (inclusive or not), `until` (inclusive
/// or not), as the row interpreter computes it.
#[derive(Clone, Copy)]
struct Range {
    from: Option<(DateTime<Utc>, bool)>,
    until: (DateTime<Utc>, bool),
}

impl Range {
    #[inline]
    fn contains(&self, at: DateTime<Utc>) -> bool {
        let after = match self.from {
            None => true,
            Some((from, true)) => at >= from,
            Some((from, false)) => at > from,
        };
        let before = match self.until {
            (until, true) => at <= until,
            (until, false) => at < until,
        };
        after && before
    }
}

impl QueryPlan {
    /// Calls `visit(contact, event)` for every event the query selects, contact by
    /// contact, each contact's in the row interpreter's order. `None` when a column
    /// is not of the type the plan reads.
    fn visit(&self, env: &Env<'_>, mut visit: impl FnMut(usize, usize)) -> Option<()> {
        let history = env.history();
        let accepted = match &self.filter {
            Some(filter) => Some(filter.evaluate(env, &self.kinds)?),
            None => None,
        };
        let (from_values, until_values) = match &self.window {
            WindowPlan::Since(bound) => (bound.values(env), Vec::new()),
            WindowPlan::Between(from, until) => (from.values(env), until.values(env)),
            _ => (Vec::new(), Vec::new()),
        };
        let now = env.now;
        let kinds = &env.events.kinds;
        for contact in 0..env.rows() {
            let range = match &self.window {
                WindowPlan::All => Range {
                    from: None,
                    until: (now, true),
                },
                WindowPlan::Within(duration) => Range {
                    from: now.checked_sub_signed(*duration).map(|t| (t, false)),
                    until: (now, true),
                },
                WindowPlan::Since(bound) => match bound.at(now, &from_values, contact) {
                    Some(from) => Range {
                        from: Some((from, true)),
                        until: (now, true),
                    },
                    None => continue,
                },
                WindowPlan::Between(from, until) => {
                    let (Some(from), Some(until)) = (
                        from.at(now, &from_values, contact),
                        until.at(now, &until_values, contact),
                    ) else {
                        continue;
                    };
                    Range {
                        from: Some((from, true)),
                        until: if until <= now {
                            (until, false)
                        } else {
                            (now, true)
                        },
                    }
                }
            };
            let rows = history.of(contact);
            for kind in self.kinds.iter() {
                for row in rows {
                    if kinds.get(*row) == Some(kind)
                        && history.at.get(*row).is_some_and(|at| range.contains(*at))
                        && accepted.as_ref().is_none_or(|bits| bits.value(*row))
                    {
                        visit(contact, *row);
                    }
                }
            }
        }
        Some(())
    }

    /// Whether each contact has an event the query selects.
    pub fn exists(&self, env: &Env<'_>) -> Option<BooleanBuffer> {
        let mut found = vec![false; env.rows()];
        self.visit(env, |contact, _| {
            if let Some(slot) = found.get_mut(contact) {
                *slot = true;
            }
        })?;
        Some(BooleanBuffer::from_iter(found))
    }
}

/// Reads the number prop in `slot` of event rows, whatever their kind.
struct PropReader<'a> {
    /// By kind index: the kind's column and its scale.
    columns: Vec<Option<(&'a arrow_array::PrimitiveArray<Decimal128Type>, u32)>>,
}

impl<'a> PropReader<'a> {
    fn new(env: &'a Env<'_>, kinds: &[KindId], slot: &PropSlot) -> Option<PropReader<'a>> {
        let count = kinds.iter().map(|k| k.index() + 1).max().unwrap_or(0);
        let mut columns = vec![None; count];
        for kind in kinds {
            if let Some(slot) = slot.slot(*kind) {
                let array = env.events.prop(*kind, slot)?.array.as_primitive_opt()?;
                let scale = u32::try_from(array.scale()).ok()?;
                if let Some(entry) = columns.get_mut(kind.index()) {
                    *entry = Some((array, scale));
                }
            }
        }
        Some(PropReader { columns })
    }

    /// The prop of the event in `row`, of kind `kind`, as the row interpreter reads it.
    #[inline]
    fn value(&self, kind: KindId, row: usize) -> Option<Decimal> {
        let (array, scale) = self.columns.get(kind.index()).copied().flatten()?;
        if array.is_null(row) {
            return None;
        }
        let value = array.values().get(row)?;
        super::read::decimal(*value, scale)
    }
}

impl Aggregated {
    /// The aggregate for every contact, as the row interpreter computes it.
    pub fn evaluate(&self, env: &Env<'_>) -> Option<Vec<Option<Decimal>>> {
        let rows = env.rows();
        let reader = match &self.value {
            Some(slot) => Some(PropReader::new(env, &self.query.kinds, slot)?),
            None => None,
        };
        let mut count = vec![0_u64; rows];
        let mut total = vec![Decimal::ZERO; rows];
        let mut extreme: Vec<Option<Decimal>> = vec![None; rows];
        let mut overflow = vec![false; rows];
        let aggregate = self.aggregate;
        let kinds = &env.events.kinds;
        self.query.visit(env, |contact, row| {
            let (Some(count), Some(total), Some(extreme), Some(overflow)) = (
                count.get_mut(contact),
                total.get_mut(contact),
                extreme.get_mut(contact),
                overflow.get_mut(contact),
            ) else {
                return;
            };
            let Some(reader) = &reader else {
                *count += 1;
                return;
            };
            let Some(n) = kinds.get(row).and_then(|kind| reader.value(*kind, row)) else {
                return; // nulls are skipped, as in SQL
            };
            *count += 1;
            match total.checked_add(n) {
                Some(sum) => *total = sum,
                None => *overflow = true,
            }
            *extreme = Some(match (aggregate, *extreme) {
                (Aggregate::Min, Some(e)) => e.min(n),
                (Aggregate::Max, Some(e)) => e.max(n),
                _ => n,
            });
        })?;
        Some(
            (0..rows)
                .map(|row| {
                    let count = count.get(row).copied().unwrap_or(0);
                    let total = total.get(row).copied().unwrap_or_default();
                    let overflow = overflow.get(row).copied().unwrap_or(false);
                    match aggregate {
                        Aggregate::Count | Aggregate::Exists => Some(Decimal::from(count)),
                        Aggregate::Sum if overflow => None,
                        Aggregate::Sum => Some(total),
                        Aggregate::Avg if overflow || count == 0 => None,
                        Aggregate::Avg => total.checked_div(Decimal::from(count)),
                        Aggregate::Min | Aggregate::Max => extreme.get(row).copied().flatten(),
                    }
                })
                .collect(),
        )
    }
}

/// The sum of a `per` rule's points for every contact, capped by `max`, decayed by
/// `half_life`, as the row interpreter computes it.
pub(super) fn per_rule(
    env: &Env<'_>,
    query: &QueryPlan,
    points: &Points,
    max: Option<Decimal>,
    half_life: Option<TimeDelta>,
) -> Option<Vec<Decimal>> {
    let reader = match points {
        Points::Prop(slot) => Some(PropReader::new(env, &query.kinds, slot)?),
        _ => None,
    };
    let of_contact = match points {
        Points::Contact(number) => number.evaluate(env)?,
        _ => Values::Constant(None),
    };
    let history = env.history();
    let kinds = &env.events.kinds;
    let now = env.now;
    let mut sums = vec![Decimal::ZERO; env.rows()];
    query.visit(env, |contact, row| {
        let value = match (points, &reader) {
            (Points::Constant(value), _) => *value,
            (Points::Contact(_), _) => of_contact.get(contact),
            (_, Some(reader)) => kinds.get(row).and_then(|kind| reader.value(*kind, row)),
            _ => None,
        };
        let Some(mut value) = value else {
            return;
        };
        if let Some(half_life) = half_life {
            let at = history.at.get(row).copied().unwrap_or_default();
            value = crate::eval::probe::decayed(value, now, at, half_life);
        }
        if let Some(sum) = sums.get_mut(contact) {
            *sum = sum.checked_add(value).unwrap_or(*sum);
        }
    })?;
    for sum in &mut sums {
        *sum = crate::eval::probe::capped(*sum, max);
    }
    Some(sums)
}

impl EventCondition {
    /// The answer for every event row of the batch (rows of kinds outside `kinds`
    /// get any answer).
    fn evaluate(&self, env: &Env<'_>, kinds: &[KindId]) -> Option<BooleanBuffer> {
        let events = env.events.len();
        Some(match self {
            EventCondition::Constant(true) => BooleanBuffer::new_set(events),
            EventCondition::Constant(false) => BooleanBuffer::new_unset(events),
            EventCondition::Contact(plan) => {
                let answers = kernels::evaluate(plan, env)?;
                let owners = &env.events.owners;
                BooleanBuffer::collect_bool(events, |row| {
                    owners.get(row).is_some_and(|owner| answers.value(*owner))
                })
            }
            EventCondition::Compare {
                slot,
                accepts,
                constant,
            } => by_kind(env, kinds, slot, accepts.with_null(), |array| {
                let answers = match constant {
                    Constant::Number(n) => order_numbers(array.as_primitive_opt()?, *accepts, *n),
                    Constant::Text(s) => order_texts(array.as_string_opt()?, *accepts, s),
                };
                Some(with_nulls(answers, array.nulls(), accepts.with_null()))
            })?,
            EventCondition::IsNull { slot, negated } => {
                by_kind(env, kinds, slot, !negated, |array| {
                    let nulls = match array.nulls() {
                        Some(nulls) => !nulls.inner(),
                        None => BooleanBuffer::new_unset(array.len()),
                    };
                    Some(flip(nulls, *negated))
                })?
            }
            EventCondition::In {
                slot,
                list,
                negated,
            } => by_kind(env, kinds, slot, *negated, |array| {
                let found = if let Some(numbers) = array.as_primitive_opt::<Decimal128Type>() {
                    numbers_in(numbers, list)
                } else {
                    texts_in(array.as_string_opt()?, list)
                };
                Some(flip(with_nulls(found, array.nulls(), false), *negated))
            })?,
            EventCondition::Text { op, slot, text } => by_kind(env, kinds, slot, false, |array| {
                let texts = array.as_string_opt::<i32>()?;
                let test = |value: &str| match op {
                    TextOp::Contains => value.contains(text.as_ref()),
                    TextOp::StartsWith => value.starts_with(text.as_ref()),
                    TextOp::EndsWith => value.ends_with(text.as_ref()),
                };
                Some(BooleanBuffer::collect_bool(texts.len(), |row| {
                    texts.is_valid(row) && test(texts.value(row))
                }))
            })?,
            EventCondition::At { op, bound } => {
                let history = env.history();
                let values = bound.values(env);
                let now = env.now;
                let owners = &env.events.owners;
                let op = *op;
                BooleanBuffer::collect_bool(events, |row| {
                    let bound = owners
                        .get(row)
                        .and_then(|owner| bound.at(now, &values, *owner));
                    let at = history.at.get(row).copied();
                    match (at, bound) {
                        (Some(at), Some(bound)) => Orderings::of(op).contain(at.cmp(&bound)),
                        _ => op == CompareOp::Ne,
                    }
                })
            }
            EventCondition::Not(operand) => !&operand.evaluate(env, kinds)?,
            EventCondition::And(operands) => {
                let mut answers = BooleanBuffer::new_set(events);
                for operand in operands.iter() {
                    answers = &answers & &operand.evaluate(env, kinds)?;
                }
                answers
            }
            EventCondition::Or(operands) => {
                let mut answers = BooleanBuffer::new_unset(events);
                for operand in operands.iter() {
                    answers = &answers | &operand.evaluate(env, kinds)?;
                }
                answers
            }
        })
    }
}

/// A test of the prop in `slot`, answered for each kind of `kinds` over that kind's
/// column and kept in that kind's rows; `absent` for a kind without the prop.
fn by_kind(
    env: &Env<'_>,
    kinds: &[KindId],
    slot: &PropSlot,
    absent: bool,
    test: impl Fn(&arrow_array::ArrayRef) -> Option<BooleanBuffer>,
) -> Option<BooleanBuffer> {
    let events = env.events.len();
    let of_kind = |kind: KindId| {
        BooleanBuffer::collect_bool(events, |row| env.events.kinds.get(row) == Some(&kind))
    };
    let mut answers = BooleanBuffer::new_unset(events);
    for kind in kinds {
        let answer = match slot.slot(*kind) {
            Some(slot) => test(env.events.prop(*kind, slot)?.array)?,
            None if absent => BooleanBuffer::new_set(events),
            None => continue,
        };
        answers = &answers | &(&answer & &of_kind(*kind));
    }
    Some(answers)
}
