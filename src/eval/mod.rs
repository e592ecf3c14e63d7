//! Evaluation: a compiled [`Program`] run over one [`Contact`] as of an instant.
//!
//! An [`Evaluator`] lives for one call: it holds the contact, the context and the
//! [`Workspace`] it works in, whose memo keeps the items already computed, by item
//! and time-travel offset, so each item is computed at most once per instant. Items
//! are computed dependencies first, with an explicit stack: a chain of a thousand
//! references costs no stack depth. Expression recursion follows the node tree,
//! whose depth the parser bounds. The caller may keep the workspace between
//! evaluations ([`crate::Program::evaluate_into`], [`crate::Program::segment_with`]),
//! so that evaluating allocates nothing.
//!
//! A batch ([`batch`]) resolves ranked segments over its contacts before evaluating
//! each; a population ([`population`]) also computes the rules' metrics in that last
//! pass, from what each contact contributes ([`metric`]).
//!
//! The rooms beside evaluation (explanations, next-change analysis) ask their
//! questions through [`probe::Probe`], which answers with this module's own code.

mod api;
mod batch;
mod context;
mod expr;
mod items;
mod metric;
mod operators;
mod population;
pub(crate) mod predicate;
pub(crate) mod probe;
mod query;
mod reward;
mod segment;
mod source;
pub(crate) mod top;
mod workflow;
mod workspace;

use std::cell::Cell;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use crate::model::{Contact, Event, Value, calendar};
use crate::program::{ItemId, Program};
pub use api::{EvalError, EvalErrorKind, Evaluation};
pub use context::Context;
pub use population::{MetricValue, Params, Population};
pub use predicate::Predicate;
pub use reward::Grant;
pub use segment::SegmentId;
pub(crate) use workflow::split;
pub use workflow::{
    Action, Advance, CapOutcome, Capped, PastRun, RunState, Status, Winner, Winners,
};
pub use workspace::Workspace;

/// The state of one evaluation of one contact.
pub(crate) struct Evaluator<'p> {
    program: &'p Program,
    contact: &'p Contact,
    context: &'p Context,
    workspace: &'p mut Workspace,
    /// How many expression levels deep the evaluation is.
    depth: u32,
    /// The last instant whose local date was asked for, and that date.
    today: Cell<Option<(DateTime<Utc>, NaiveDate)>>,
    /// Within a group of a metric grouped by an event prop, which events the
    /// metric's queries see.
    group: Option<metric::GroupFilter<'p>>,
}

/// Where an expression is evaluated: the instant, and the event in scope.
#[derive(Clone, Copy)]
pub(crate) struct Frame<'e> {
    /// How far before the context's `now` this instant is.
    pub offset: TimeDelta,
    /// The evaluation instant (`now` in the language).
    pub now: DateTime<Utc>,
    /// The event whose props are in scope.
    pub event: Option<&'e Event>,
}

impl<'p> Evaluator<'p> {
    /// An evaluator working in `workspace`, whose memory it reuses; the values a
    /// previous evaluation left there are forgotten.
    pub fn new(
        program: &'p Program,
        contact: &'p Contact,
        context: &'p Context,
        workspace: &'p mut Workspace,
    ) -> Self {
        workspace.memo.start(program.items.len());
        Evaluator {
            program,
            contact,
            context,
            workspace,
            depth: 0,
            today: Cell::new(None),
            group: None,
        }
    }

    /// The frame of the instant `offset` before now, with no event in scope.
    pub(crate) fn frame(&self, offset: TimeDelta) -> Frame<'p> {
        let now = if offset.is_zero() {
            self.context.now()
        } else {
            self.context
                .now()
                .checked_sub_signed(offset)
                .unwrap_or(DateTime::<Utc>::MIN_UTC)
        };
        Frame {
            offset,
            now,
            event: None,
        }
    }

    /// The local date at the frame's instant, remembered: rules such as
    /// `date(at) == today - 1d` ask for it once per event.
    fn today(&self, frame: &Frame<'_>) -> NaiveDate {
        if let Some((now, date)) = self.today.get()
            && now == frame.now
        {
            return date;
        }
        let date = calendar::local_date(frame.now, self.context.time_zone());
        self.today.set(Some((frame.now, date)));
        date
    }

    /// Records the value of `item` as of `offset` before now, computed elsewhere
    /// (a ranked segment's membership, resolved over a whole batch).
    pub fn remember(&mut self, item: ItemId, offset: TimeDelta, value: Value) {
        self.workspace.memo.insert(item, offset, value);
    }

    /// The value of `item` as of `offset` before now, computing what it depends on
    /// first (without recursion) and remembering every result.
    pub fn item(&mut self, item: ItemId, offset: TimeDelta) -> Value {
        if let Some(value) = self.workspace.memo.get(item, offset) {
            return value.clone();
        }
        if self.dependencies_known(item, offset) {
            let value = self.item_body(item, offset);
            self.workspace.memo.insert(item, offset, value.clone());
            return value;
        }
        // Taken, not borrowed, so that the items computed below may call back here
        // (they find their dependencies in the memo and never use the stack).
        let mut pending = std::mem::take(&mut self.workspace.pending);
        pending.clear();
        pending.push((item, offset, false));
        while let Some((id, at, expanded)) = pending.pop() {
            if self.workspace.memo.get(id, at).is_some() {
                continue;
            }
            if !expanded {
                pending.push((id, at, true));
                let program = self.program;
                for (dependency, dep_at) in dependencies(program, id, at) {
                    if self.workspace.memo.get(dependency, dep_at).is_none() {
                        pending.push((dependency, dep_at, false));
                    }
                }
                continue;
            }
            let value = self.item_body(id, at);
            self.workspace.memo.insert(id, at, value);
        }
        self.workspace.pending = pending;
        self.workspace
            .memo
            .get(item, offset)
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Whether every item `item` references is already in the memo.
    fn dependencies_known(&self, item: ItemId, offset: TimeDelta) -> bool {
        dependencies(self.program, item, offset)
            .all(|(dependency, at)| self.workspace.memo.get(dependency, at).is_some())
    }
}

/// The items `item` references, each with the offset it is needed at when `item` is
/// evaluated at `offset`.
fn dependencies(
    program: &Program,
    item: ItemId,
    offset: TimeDelta,
) -> impl Iterator<Item = (ItemId, TimeDelta)> + '_ {
    let entry = program.items.get(item.index());
    entry
        .into_iter()
        .flat_map(|entry| entry.dependencies.iter())
        .map(move |(dependency, extra)| (*dependency, offset.checked_add(extra).unwrap_or(offset)))
}

/// True for `true`; false for `false`, null and anything else (§4.3).
pub(crate) fn truthy(value: &Value) -> bool {
    matches!(value, Value::Bool(true))
}

#[cfg(test)]
mod tests;
