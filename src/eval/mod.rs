//! Evaluation: a compiled [`Program`] run over one [`Contact`] as of an instant.
//!
//! An [`Evaluator`] lives for one call: it holds the contact, the context and a memo
//! of the items already computed, keyed by item and time-travel offset, so each item
//! is computed at most once per instant. Items are computed dependencies first, with
//! an explicit stack: a chain of a thousand references costs no stack depth.
//! Expression recursion follows the node tree, whose depth the parser bounds.

mod api;
mod batch;
mod context;
mod expr;
mod items;
mod operators;
mod query;
mod reward;
mod workflow;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use crate::model::{Contact, Event, Value, calendar};
use crate::program::{ItemId, Program};
pub use api::{EvalError, EvalErrorKind, Evaluation};
pub use context::Context;
pub use reward::Grant;
pub use workflow::{Action, Advance, PastRun, RunState, Status};

/// The state of one evaluation of one contact.
pub(crate) struct Evaluator<'p> {
    program: &'p Program,
    contact: &'p Contact,
    context: &'p Context,
    memo: HashMap<(ItemId, TimeDelta), Value>,
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
    pub fn new(program: &'p Program, contact: &'p Contact, context: &'p Context) -> Self {
        Evaluator {
            program,
            contact,
            context,
            memo: HashMap::new(),
        }
    }

    /// The frame of the instant `offset` before now, with no event in scope.
    pub(crate) fn frame(&self, offset: TimeDelta) -> Frame<'p> {
        let now = self
            .context
            .now()
            .checked_sub_signed(offset)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        Frame {
            offset,
            now,
            event: None,
        }
    }

    fn today(&self, frame: &Frame<'_>) -> NaiveDate {
        calendar::local_date(frame.now, self.context.time_zone())
    }

    /// Records the value of `item` as of `offset` before now, computed elsewhere
    /// (a ranked segment's membership, resolved over a whole batch).
    pub fn remember(&mut self, item: ItemId, offset: TimeDelta, value: Value) {
        self.memo.insert((item, offset), value);
    }

    /// The value of `item` as of `offset` before now, computing what it depends on
    /// first (without recursion) and remembering every result.
    pub fn item(&mut self, item: ItemId, offset: TimeDelta) -> Value {
        if let Some(value) = self.memo.get(&(item, offset)) {
            return value.clone();
        }
        let mut stack = vec![(item, offset, false)];
        while let Some((id, at, expanded)) = stack.pop() {
            if self.memo.contains_key(&(id, at)) {
                continue;
            }
            if !expanded {
                stack.push((id, at, true));
                let program = self.program;
                if let Some(entry) = program.items.get(id.index()) {
                    for (dependency, extra) in entry.dependencies.iter() {
                        let dep_at = at.checked_add(extra).unwrap_or(at);
                        if !self.memo.contains_key(&(*dependency, dep_at)) {
                            stack.push((*dependency, dep_at, false));
                        }
                    }
                }
                continue;
            }
            let value = self.item_body(id, at);
            self.memo.insert((id, at), value);
        }
        self.memo
            .get(&(item, offset))
            .cloned()
            .unwrap_or(Value::Null)
    }
}

/// True for `true`; false for `false`, null and anything else (§4.3).
pub(crate) fn truthy(value: &Value) -> bool {
    matches!(value, Value::Bool(true))
}

#[cfg(test)]
mod tests;
