//! Workflows of a compiled program (§8): entry clauses, re-entry, exit and goal, the
//! send window, and the statements flattened into an arena of steps.
//!
//! Each statement is one [`Step`], found by its id (its `step` label or its path,
//! `"3.then.1"`) and linked to the step that follows it: `next` of the last statement
//! of a block is the statement after the block's parent, so running a workflow is
//! following links, never walking a tree.

use chrono::{NaiveTime, TimeDelta, Weekday};
use indexmap::IndexMap;

use super::node::NodeId;
use crate::model::{ActionId, KindId};

/// Split buckets (§8.4): 100% is 10,000 buckets of 0.01%.
pub(crate) const SPLIT_BUCKETS: u32 = 10_000;

/// The index of a step in its workflow's [`Workflow::steps`].
pub(crate) type StepIndex = usize;

/// A compiled workflow.
#[derive(Debug, Clone)]
pub(crate) struct Workflow {
    /// `enter on KIND [where COND]` clauses.
    pub enter_on: Box<[EnterOn]>,
    /// `enter when COND` clauses.
    pub enter_when: Box<[NodeId]>,
    /// The re-entry policy (`never` when not written).
    pub reentry: Reentry,
    /// `exit when COND`.
    pub exit: Option<NodeId>,
    /// `goal when COND`.
    pub goal: Option<NodeId>,
    /// The send window, if any.
    pub window: Option<SendWindow>,
    /// Every statement, by id.
    pub steps: IndexMap<String, Step>,
    /// The first statement of the body; none for an empty body.
    pub first: Option<StepIndex>,
}

/// `enter on KIND [where COND]`.
#[derive(Debug, Clone)]
pub(crate) struct EnterOn {
    /// The kinds that trigger (one, or a group's members).
    pub kinds: Box<[KindId]>,
    /// The condition on the trigger, with its props in scope.
    pub filter: Option<NodeId>,
}

/// When a contact may enter a workflow again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reentry {
    Never,
    Always,
    /// From this long after the previous run ended.
    After(TimeDelta),
}

/// `window HH:MM to HH:MM [on DAYS]`, in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SendWindow {
    /// When it opens (included).
    pub start: NaiveTime,
    /// When it closes (excluded); before `start`, the window spans midnight.
    pub end: NaiveTime,
    /// The days on which it opens, Monday first.
    pub days: [bool; 7],
}

impl SendWindow {
    /// Whether the window opens on `day`.
    pub fn opens_on(&self, day: Weekday) -> bool {
        self.days
            .get(day.num_days_from_monday() as usize)
            .copied()
            .unwrap_or(false)
    }
}

/// One statement.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// A stable hash of the statement's syntax (spans and comments ignored).
    pub fingerprint: u64,
    /// What it does.
    pub kind: StepKind,
    /// The step that follows it; none at the end of the workflow.
    pub next: Option<StepIndex>,
}

/// What a statement does. Branch targets are resolved: an empty branch leads to the
/// step after its statement.
#[derive(Debug, Clone)]
pub(crate) enum StepKind {
    /// An action call; arguments in the action's declared order, `None` for an
    /// optional argument left out.
    Action {
        action: ActionId,
        args: Box<[Option<NodeId>]>,
    },
    /// `wait D`.
    Wait(TimeDelta),
    /// `wait until COND [max D]`.
    WaitUntil {
        condition: NodeId,
        max: Option<TimeDelta>,
    },
    /// `if … else if … else …`: the first branch whose condition holds, else
    /// `otherwise`.
    If {
        branches: Box<[(NodeId, Option<StepIndex>)]>,
        otherwise: Option<StepIndex>,
    },
    /// `split`: each arm takes the buckets below its bound and at or above the
    /// previous arm's.
    Split {
        arms: Box<[(u32, Option<StepIndex>)]>,
    },
    /// `stop`.
    Stop,
}
