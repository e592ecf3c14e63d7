//! Advancing a run (§8.2): the instants it passes through, in time order, and the
//! statements it runs at each.
//!
//! A run passes every instant up to `now` at which it was due (its start, a wait
//! ending, its send window opening) and every instant at which one of the contact's
//! events occurred since the previous call. At each, everything is evaluated as of
//! that instant (§4.7): exit first, then goal, then statements from where the run
//! stands. That is why a late call gives the same actions, stamped with the same
//! instants, as calls made on time.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::state::{Action, Advance, Outcome, Phase, RunState};
use super::{Winners, split, window};
use crate::eval::{Context, EvalError, EvalErrorKind, Evaluator, Frame, Workspace};
use crate::model::{Contact, Value};
use crate::program::{Program, StepIndex, StepKind, Workflow};

/// Where a run stands, with its step resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Start,
    Parked {
        step: StepIndex,
        due: Option<DateTime<Utc>>,
    },
    Ended {
        at: DateTime<Utc>,
        outcome: Outcome,
    },
}

/// What follows a step: the step to go on to (none at the end), or parking until an
/// instant (none: until an event).
enum Next {
    Goto(Option<StepIndex>),
    Park(Option<DateTime<Utc>>),
}

/// One run being advanced.
struct Run<'a> {
    program: &'a Program,
    name: &'a str,
    workflow: &'a Workflow,
    contact: &'a Contact,
    context: &'a Context,
    entered_at: DateTime<Utc>,
    position: Position,
    actions: Vec<Action>,
    /// The arm taken at each split passed, by statement id (the state's, then this
    /// call's).
    arms: BTreeMap<String, usize>,
    /// The winners of this workflow's splits: by step, the winning arm and the
    /// instant from which it applies.
    winners: BTreeMap<StepIndex, (usize, DateTime<Utc>)>,
    /// Scratch memory reused from one instant to the next.
    workspace: Workspace,
}

/// Advances `state` of the workflow `name` to the context's `now`.
pub(super) fn advance(
    program: &Program,
    name: &str,
    workflow: &Workflow,
    state: &RunState,
    contact: &Contact,
    context: &Context,
    winners: &Winners,
) -> Result<Advance, EvalError> {
    let mut run = Run {
        program,
        name,
        workflow,
        contact,
        context,
        entered_at: state.entered_at(),
        position: resolve(name, workflow, state.phase())?,
        actions: Vec::new(),
        arms: state.arms().clone(),
        winners: resolve_winners(name, workflow, winners)?,
        workspace: Workspace::new(),
    };
    let now = context.now();
    // A call back in time changes nothing: the run has already passed `now`.
    if !matches!(run.position, Position::Ended { .. }) && now >= state.advanced_at() {
        run.pass_instants(state.advanced_at(), now);
    }
    let phase = match run.position {
        Position::Start => Phase::Start,
        Position::Parked { step, due } => {
            let (id, step) = workflow
                .steps
                .get_index(step)
                .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownStep, name))?;
            Phase::Parked {
                step: id.clone(),
                fingerprint: fingerprint_text(step.fingerprint),
                due,
            }
        }
        Position::Ended { at, outcome } => Phase::Ended { at, outcome },
    };
    let state = RunState::new(
        name,
        state.entered_at(),
        state.advanced_at().max(now),
        phase,
    )
    .with_arms(run.arms);
    Ok(Advance {
        status: state.status(),
        state,
        actions: run.actions,
    })
}

/// The position a state records, checked against the workflow as compiled now.
fn resolve(name: &str, workflow: &Workflow, phase: &Phase) -> Result<Position, EvalError> {
    Ok(match phase {
        Phase::Start => Position::Start,
        Phase::Ended { at, outcome } => Position::Ended {
            at: *at,
            outcome: *outcome,
        },
        Phase::Parked {
            step,
            fingerprint,
            due,
        } => {
            let Some((index, _, compiled)) = workflow.steps.get_full(step) else {
                return Err(EvalError::in_step(EvalErrorKind::UnknownStep, name, step));
            };
            if *fingerprint != fingerprint_text(compiled.fingerprint) {
                return Err(EvalError::in_step(EvalErrorKind::ChangedStep, name, step));
            }
            Position::Parked {
                step: index,
                due: *due,
            }
        }
    })
}

/// The winners of the workflow `name`'s splits, by step, each checked against the
/// workflow as compiled now.
fn resolve_winners(
    name: &str,
    workflow: &Workflow,
    winners: &Winners,
) -> Result<BTreeMap<StepIndex, (usize, DateTime<Utc>)>, EvalError> {
    let mut resolved = BTreeMap::new();
    for winner in winners.iter().filter(|w| w.workflow() == name) {
        let statement = winner.statement();
        let stale = || EvalError::in_step(EvalErrorKind::StaleWinner, name, statement);
        let (index, _, step) = workflow.steps.get_full(statement).ok_or_else(stale)?;
        let StepKind::Split { arms } = &step.kind else {
            return Err(stale());
        };
        if winner.fingerprint() != fingerprint_text(step.fingerprint) || winner.arm() >= arms.len()
        {
            return Err(stale());
        }
        resolved
            .entry(index)
            .or_insert((winner.arm(), winner.since()));
    }
    Ok(resolved)
}

/// A fingerprint as a state stores it: 16 hexadecimal digits.
fn fingerprint_text(fingerprint: u64) -> String {
    format!("{fingerprint:016x}")
}

impl Run<'_> {
    /// When the run asks to be advanced next.
    fn due(&self) -> Option<DateTime<Utc>> {
        match self.position {
            Position::Start => Some(self.entered_at),
            Position::Parked { due, .. } => due,
            Position::Ended { .. } => None,
        }
    }

    /// Passes, in time order, every instant in `(since, now]` at which an event
    /// occurred and every instant up to `now` at which the run is due; then checks
    /// exit and goal as of `now`.
    fn pass_instants(&mut self, since: DateTime<Utc>, now: DateTime<Utc>) {
        let events = self.contact.events();
        let first_new = events.partition_point(|event| event.at() <= since);
        let mut event_instants = events
            .get(first_new..)
            .unwrap_or(&[])
            .iter()
            .map(|event| event.at())
            .take_while(|at| *at <= now)
            .peekable();
        let mut last: Option<DateTime<Utc>> = None;
        while !matches!(self.position, Position::Ended { .. }) {
            while event_instants.next_if(|at| Some(*at) <= last).is_some() {}
            // Each instant passes once: a due instant not after the last one passed
            // cannot come back (it would be a state from elsewhere).
            let due = self
                .due()
                .filter(|due| *due <= now && last.is_none_or(|last| *due > last));
            let instant = match (due, event_instants.peek().copied()) {
                (Some(due), Some(event)) => due.min(event),
                (Some(due), None) => due,
                (None, Some(event)) => event,
                (None, None) => break,
            };
            self.pass(instant);
            last = Some(instant);
        }
        if last != Some(now) && !matches!(self.position, Position::Ended { .. }) {
            let context = self.context.for_run(now, self.entered_at);
            let mut workspace = std::mem::take(&mut self.workspace);
            let mut evaluator =
                Evaluator::new(self.program, self.contact, &context, &mut workspace);
            self.check_exit_and_goal(&mut evaluator, now);
        }
    }

    /// Ends the run if `exit when`, then `goal when`, holds at `t`.
    fn check_exit_and_goal(&mut self, evaluator: &mut Evaluator<'_>, t: DateTime<Utc>) -> bool {
        let frame = evaluator.frame(TimeDelta::zero());
        for (condition, outcome) in [
            (self.workflow.exit, Outcome::Exited),
            (self.workflow.goal, Outcome::Goal),
        ] {
            if let Some(condition) = condition
                && evaluator.test(condition, &frame)
            {
                self.position = Position::Ended { at: t, outcome };
                return true;
            }
        }
        false
    }

    /// Everything that happens at the instant `t`: exit, goal, then statements from
    /// where the run stands until it parks or ends.
    fn pass(&mut self, t: DateTime<Utc>) {
        let context = self.context.for_run(t, self.entered_at);
        let mut workspace = std::mem::take(&mut self.workspace);
        let mut evaluator = Evaluator::new(self.program, self.contact, &context, &mut workspace);
        self.pass_with(t, &mut evaluator);
        self.workspace = workspace;
    }

    /// [`Run::pass`] with an evaluator at the instant `t`.
    fn pass_with(&mut self, t: DateTime<Utc>, evaluator: &mut Evaluator<'_>) {
        if self.check_exit_and_goal(evaluator, t) {
            return;
        }
        let frame = evaluator.frame(TimeDelta::zero());
        let mut cursor = match self.position {
            Position::Ended { .. } => return,
            Position::Start => self.workflow.first,
            Position::Parked { step, due } => match self.resume(step, due, t, evaluator, &frame) {
                Some(cursor) => cursor,
                None => return,
            },
        };
        // Links only lead forward, so no step is reached twice in one instant.
        for _ in 0..=self.workflow.steps.len() {
            let Some(index) = cursor else {
                break;
            };
            match self.run_step(index, t, evaluator, &frame) {
                Next::Goto(next) => cursor = next,
                Next::Park(due) => {
                    self.position = Position::Parked { step: index, due };
                    return;
                }
            }
        }
        self.end(t, Outcome::Finished);
    }

    /// Where a parked run goes on from at `t`, or none while it stays parked: a wait
    /// ends when it is due, a `wait until` also when its condition holds, and an
    /// action held back by the send window is tried again.
    fn resume(
        &self,
        step: StepIndex,
        due: Option<DateTime<Utc>>,
        t: DateTime<Utc>,
        evaluator: &mut Evaluator<'_>,
        frame: &Frame<'_>,
    ) -> Option<Option<StepIndex>> {
        let (_, parked) = self.workflow.steps.get_index(step)?;
        let over = due.is_some_and(|due| due <= t);
        match parked.kind {
            StepKind::Wait(_) => over.then_some(parked.next),
            StepKind::WaitUntil { condition, .. } => {
                (over || evaluator.test(condition, frame)).then_some(parked.next)
            }
            _ => Some(Some(step)),
        }
    }

    /// Runs the step `index`, reached at `t`.
    fn run_step(
        &mut self,
        index: StepIndex,
        t: DateTime<Utc>,
        evaluator: &mut Evaluator<'_>,
        frame: &Frame<'_>,
    ) -> Next {
        let Some((id, step)) = self.workflow.steps.get_index(index) else {
            return Next::Goto(None);
        };
        match &step.kind {
            StepKind::Action { action, args } => {
                let tz = self.context.time_zone();
                if let Some(window) = &self.workflow.window
                    && !window::is_open(window, t, tz)
                {
                    return Next::Park(window::next_opening(window, t, tz));
                }
                let schema = &self.program.schema;
                let args = schema
                    .action_args(*action)
                    .iter()
                    .zip(args.iter())
                    .map(|((param, _), node)| {
                        let value = node.map_or(Value::Null, |node| evaluator.eval(node, frame));
                        (param.clone(), value)
                    })
                    .collect();
                self.actions.push(Action {
                    step: id.clone(),
                    name: schema.action_name(*action).to_string(),
                    args,
                    due: t,
                });
                Next::Goto(step.next)
            }
            StepKind::Wait(delay) => match t.checked_add_signed(*delay) {
                Some(due) if due <= t => Next::Goto(step.next),
                due => Next::Park(due),
            },
            StepKind::WaitUntil { condition, max } => {
                let due = max.and_then(|max| t.checked_add_signed(max));
                if evaluator.test(*condition, frame) || due.is_some_and(|due| due <= t) {
                    Next::Goto(step.next)
                } else {
                    Next::Park(due)
                }
            }
            StepKind::If {
                branches,
                otherwise,
            } => Next::Goto(
                branches
                    .iter()
                    .find(|(condition, _)| evaluator.test(*condition, frame))
                    .map_or(*otherwise, |(_, target)| *target),
            ),
            StepKind::Split { arms } => {
                let arm = match self.winners.get(&index) {
                    Some((winner, since)) if t >= *since => Some(*winner),
                    _ => {
                        let bucket = split::bucket(self.name, id, self.contact.id());
                        split::arm_index(arms.iter().map(|(bound, _)| *bound), bucket)
                    }
                };
                let Some(arm) = arm else {
                    return Next::Goto(step.next);
                };
                self.arms.insert(id.clone(), arm);
                Next::Goto(arms.get(arm).and_then(|(_, target)| *target))
            }
            StepKind::Stop => Next::Goto(None),
        }
    }

    fn end(&mut self, at: DateTime<Utc>, outcome: Outcome) {
        self.position = Position::Ended { at, outcome };
    }
}
