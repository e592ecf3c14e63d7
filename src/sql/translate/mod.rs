//! Translation of a compiled segment, and of the items it references, to one
//! PostgreSQL query.
//!
//! The query reads the contacts table once (alias `c`), beside its two parameters
//! (`p.now` and `p.zone`, each written once so that every query takes both). Each item the segment
//! references, at each instant it is needed (`score(x, at: now - 30d)` is another
//! instant), is computed once per contact in a `CROSS JOIN LATERAL` subquery, in
//! dependency order, and read by the items after it as `"i<item>_<seconds>".v`.
//! Event queries are correlated subqueries over the events table (aliases `e1`,
//! `e2`, … by nesting). Conditions are written so that they are never SQL `NULL`
//! (two-valued logic, §4.3); values may be `NULL`. Numbers are `numeric`, brought to
//! the interpreter's 96-bit decimals by the `funil_` functions of the layout script;
//! durations are `numeric` seconds.

mod expr;
mod literal;
mod query;
mod ranked;
mod regex;
mod score;
mod types;

use chrono::TimeDelta;

use super::{NotPushable, SqlOptions, SqlQuery};
use crate::program::{ItemBody, ItemId, NodeId, Program, Query};

/// The translation of one program's items.
pub(crate) struct Translator<'p> {
    program: &'p Program,
    options: &'p SqlOptions,
}

/// Where an expression is translated: the instant its `now` stands for and the
/// event queries it is inside, innermost last (the event of `events[k]` is `e{k+1}`).
#[derive(Clone)]
pub(super) struct Scope<'p> {
    offset: TimeDelta,
    events: Vec<&'p Query>,
}

impl<'p> Scope<'p> {
    fn at(offset: TimeDelta) -> Scope<'p> {
        Scope {
            offset,
            events: Vec::new(),
        }
    }

    /// This scope inside one more event query.
    fn inside(&self, query: &'p Query) -> Scope<'p> {
        let mut events = self.events.clone();
        events.push(query);
        Scope {
            offset: self.offset,
            events,
        }
    }

    /// The alias of the innermost event in scope.
    fn event(&self) -> String {
        format!("e{}", self.events.len())
    }

    /// The SQL of the instant `now` stands for.
    fn now(&self) -> String {
        instant_before_now(self.offset)
    }
}

/// The instant of evaluation (`$1`, read once as `p.now`) moved back by `offset`.
fn instant_before_now(offset: TimeDelta) -> String {
    if offset.is_zero() {
        "p.now".into()
    } else {
        format!("(p.now - {})", literal::interval(offset))
    }
}

/// The alias of the lateral subquery of `item` as of `now - offset`.
fn lateral(item: ItemId, offset: TimeDelta) -> String {
    format!("i{}_{}", item.index(), offset.num_seconds())
}

/// The query of segment `name`.
pub(crate) fn segment_query(
    program: &Program,
    name: &str,
    options: &SqlOptions,
) -> Result<SqlQuery, NotPushable> {
    let translator = Translator { program, options };
    let (id, item) = program
        .item_named(name)
        .ok_or_else(|| NotPushable::new(format!("`{name}`"), "no item has this name"))?;
    let location = program
        .item_sources
        .get(id.index())
        .map(|source| crate::program::Location {
            file: source.file,
            span: source.name,
        });
    let laterals = |translator: &Translator<'_>| -> Result<String, NotPushable> {
        let mut laterals = String::new();
        for (dependency, offset) in translator.needed(id)? {
            let value = translator.item_value(dependency, offset)?;
            laterals.push_str(&format!(
                "\nCROSS JOIN LATERAL (SELECT {value} AS v OFFSET 0) AS {}",
                lateral(dependency, offset)
            ));
        }
        Ok(laterals)
    };
    let from = |laterals: &str| {
        format!(
            "FROM {contacts} AS c\nCROSS JOIN (SELECT $1::timestamptz AS now, $2::text AS zone) AS p{laterals}",
            contacts = options.contacts(),
        )
    };
    let now = Scope::at(TimeDelta::zero());
    let text = match &item.body {
        ItemBody::Segment(condition) => {
            let laterals = laterals(&translator)?;
            let condition = translator.condition(*condition, &now)?;
            format!(
                "SELECT c.{id} AS id\n{from}\nWHERE {condition}",
                id = options.id(),
                from = from(&laterals),
            )
        }
        ItemBody::Ranked(ranking) => {
            let laterals = laterals(&translator)?;
            translator.ranked(ranking, &from(&laterals), &now)?
        }
        other => {
            return Err(NotPushable::new(
                format!("{} `{name}`", other.kind().name()),
                "only segments are pushed down: a query returns the contacts in a segment",
            )
            .at(program, location));
        }
    };
    Ok(SqlQuery { text })
}

impl<'p> Translator<'p> {
    /// The items (with instants) that `target` needs, dependencies before the items
    /// that read them, `target` itself left out.
    fn needed(&self, target: ItemId) -> Result<Vec<(ItemId, TimeDelta)>, NotPushable> {
        let mut order: Vec<(ItemId, TimeDelta)> = Vec::new();
        // (item, offset, expanded): an explicit stack, so long chains cost no stack.
        let mut pending: Vec<(ItemId, TimeDelta, bool)> = vec![(target, TimeDelta::zero(), false)];
        while let Some((item, offset, expanded)) = pending.pop() {
            if order.contains(&(item, offset)) {
                continue;
            }
            if expanded {
                order.push((item, offset));
                continue;
            }
            if item != target
                && let Some(compiled) = self.program.items.get(item.index())
                && compiled.batch_only
            {
                return Err(NotPushable::new(
                    format!("a reference to the ranked segment `{}`", compiled.name),
                    "a ranked segment is pushed down only as the segment asked for, not from another item",
                ));
            }
            pending.push((item, offset, true));
            let Some(compiled) = self.program.items.get(item.index()) else {
                continue;
            };
            for (dependency, at) in compiled.dependencies.iter() {
                let at = offset.checked_add(at).ok_or_else(|| {
                    NotPushable::new(
                        "time travel",
                        "the instants add up beyond the range of time",
                    )
                })?;
                if at.subsec_nanos() != 0 {
                    return Err(NotPushable::new(
                        "time travel",
                        "an offset with a fraction of a second",
                    ));
                }
                if !order.contains(&(*dependency, at)) {
                    pending.push((*dependency, at, false));
                }
            }
        }
        order.retain(|(item, offset)| !(*item == target && offset.is_zero()));
        Ok(order)
    }

    /// The value of `item` as of `now - offset`.
    fn item_value(&self, item: ItemId, offset: TimeDelta) -> Result<String, NotPushable> {
        let Some(compiled) = self.program.items.get(item.index()) else {
            return Err(NotPushable::new("an item", "not in this program"));
        };
        let scope = Scope::at(offset);
        let location =
            self.program
                .item_sources
                .get(item.index())
                .map(|source| crate::program::Location {
                    file: source.file,
                    span: source.name,
                });
        match &compiled.body {
            ItemBody::Segment(condition) => self.condition(*condition, &scope),
            ItemBody::Score(rules) => self.score(rules, &scope),
            ItemBody::Decision(arms) => self.decision(arms, &scope),
            other => Err(NotPushable::new(
                format!("{} `{}`", other.kind().name(), compiled.name),
                "only segments, scores and decisions are pushed down (ranked segments need a batch)",
            )
            .at(self.program, location)),
        }
    }

    /// A refusal of the construct written at node `id`.
    fn refuse(&self, id: NodeId, construct: &str, reason: &str) -> NotPushable {
        self.refuse_at(Some(id), construct, reason)
    }

    /// A refusal of a construct, located at node `id` when there is one.
    fn refuse_at(&self, id: Option<NodeId>, construct: &str, reason: &str) -> NotPushable {
        let location = id.and_then(|id| self.program.nodes.location(id));
        NotPushable::new(construct, reason).at(self.program, location)
    }
}
