//! [`Probe`]: the narrow door through which the rooms beside evaluation
//! (explanations, next-change analysis, experiments) ask for values.
//!
//! They read the compiled program themselves, node by node, and ask the evaluator only
//! what a node is worth, which events a query selects and what an item is: so every
//! value they show is the value evaluation computes, by the same code, and nothing of
//! the evaluator's memo or workspace leaks out.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use super::{Context, Evaluator, Frame, Workspace};
use crate::model::{Contact, Event, Value, calendar};
use crate::program::{ItemId, NodeId, Program, Query};

pub(crate) use super::items::{capped, decay_factor, decayed, finished};

/// Where a node is evaluated: how far before the context's `now`, and with which
/// event of the contact's history in scope (by index).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Scope {
    /// How far before the context's `now` (negative: after it).
    pub offset: TimeDelta,
    /// The index, in the contact's history, of the event whose props are in scope.
    pub event: Option<u32>,
}

impl Scope {
    /// The instant `offset` before now, with no event in scope.
    pub fn at(offset: TimeDelta) -> Scope {
        Scope {
            offset,
            event: None,
        }
    }

    /// The same instant with the event `index` in scope.
    pub fn with_event(self, index: u32) -> Scope {
        Scope {
            event: Some(index),
            ..self
        }
    }
}

/// An evaluator answering questions one at a time, for one contact and context.
pub(crate) struct Probe<'p> {
    evaluator: Evaluator<'p>,
}

/// Runs `f` with a probe of `contact` in `context`.
pub(crate) fn probe<R>(
    program: &Program,
    contact: &Contact,
    context: &Context,
    f: impl FnOnce(&mut Probe<'_>) -> R,
) -> R {
    probe_in(&mut Workspace::new(), program, contact, context, f)
}

/// [`probe`], working in `workspace` (whose memory a caller probing many contacts
/// keeps from one to the next; the values it held are forgotten).
pub(crate) fn probe_in<R>(
    workspace: &mut Workspace,
    program: &Program,
    contact: &Contact,
    context: &Context,
    f: impl FnOnce(&mut Probe<'_>) -> R,
) -> R {
    let evaluator = Evaluator::new(program, contact, context, workspace);
    f(&mut Probe { evaluator })
}

impl<'p> Probe<'p> {
    /// The program probed.
    pub fn program(&self) -> &'p Program {
        self.evaluator.program
    }

    /// The contact probed.
    pub fn contact(&self) -> &'p Contact {
        self.evaluator.contact
    }

    /// The context probed.
    pub fn context(&self) -> &'p Context {
        self.evaluator.context
    }

    /// The instant `offset` before the context's `now`.
    pub fn now(&self, offset: TimeDelta) -> DateTime<Utc> {
        self.evaluator.frame(offset).now
    }

    /// The local date, in the context's zone, `offset` before `now` (`today` there).
    pub fn today(&self, offset: TimeDelta) -> NaiveDate {
        calendar::local_date(self.now(offset), self.context().time_zone())
    }

    /// The event `index` of the contact's history.
    pub fn event(&self, index: u32) -> Option<&'p Event> {
        self.evaluator.contact.event(index)
    }

    fn frame(&self, scope: Scope) -> Frame<'p> {
        Frame {
            event: scope.event.and_then(|index| self.event(index)),
            ..self.evaluator.frame(scope.offset)
        }
    }

    /// The value of node `node` in `scope`.
    pub fn value(&mut self, node: NodeId, scope: Scope) -> Value {
        let frame = self.frame(scope);
        self.evaluator.eval(node, &frame)
    }

    /// Whether node `node` holds as a condition in `scope` (null counts as false).
    pub fn test(&mut self, node: NodeId, scope: Scope) -> bool {
        let frame = self.frame(scope);
        self.evaluator.test(node, &frame)
    }

    /// Records the value of `item` as of `offset` before now, computed elsewhere (a
    /// ranked segment's membership, resolved over a whole batch): the items asked for
    /// afterwards find it instead of computing it.
    #[cfg(feature = "arrow")]
    pub fn remember(&mut self, item: ItemId, offset: TimeDelta, value: Value) {
        self.evaluator.remember(item, offset, value);
    }

    /// The value of `item` as of `offset` before now.
    pub fn item(&mut self, item: ItemId, offset: TimeDelta) -> Value {
        self.evaluator.item(item, offset)
    }

    /// The indexes of the events `query` selects in `scope`: kind by kind in the
    /// query's order, each kind in time order.
    pub fn selected(&mut self, query: &Query, scope: Scope) -> Vec<u32> {
        let frame = self.frame(scope);
        self.evaluator.selected(query, &frame)
    }

    /// The index of the event `first(query)` (or `last`) picks in `scope`.
    pub fn first_or_last(&mut self, query: &Query, scope: Scope, last: bool) -> Option<u32> {
        let frame = self.frame(scope);
        self.evaluator.first_or_last_index(query, &frame, last)
    }
}
