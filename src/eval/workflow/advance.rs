//! Advancing a run (§8.2): the instants it passes through, in time order, and the
//! statements it runs at each.
//!
//! A run passes every instant up to `now` at which it was due (its start, a wait
//! ending, its send window opening) and every instant at which one of the contact's
//! events occurred since the previous call. At each, everything is evaluated as of
//! that instant (§4.7): exit first, then goal, then statements from where the run
//! stands. That is why a late call gives the same actions, stamped with the same
//! instants, as calls made on time.

use chrono::{DateTime, TimeDelta, Utc};

use super::state::{Action, Advance, Outcome, Phase, RunState};
use super::{split, window};
use crate::eval::{Context, EvalError, EvalErrorKind, Evaluator};
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
}

/// Advances `state` of the workflow `name` to the context's `now`.
pub(super) fn advance(
    program: &Program,
    name: &str,
    workflow: &Workflow,
    state: &RunState,
    contact: &Contact,
    context: &Context,
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
    );
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
            let mut evaluator = Evaluator::new(self.program, self.contact, &context);
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

    /// Everything that happens at the instant `t`.
    fn pass(&mut self, t: DateTime<Utc>) {
        let context = self.context.for_run(t, self.entered_at);
        let mut evaluator = Evaluator::new(self.program, self.contact, &context);
        if self.check_exit_and_goal(&mut evaluator, t) {
            return;
        }
        let frame = evaluator.frame(TimeDelta::zero());
        let mut cursor = match self.position {
            Position::Ended { .. } => return,
            Position::Start => self.workflow.first,
            Position::Parked { step, due } => {
                let Some(parked) = self.workflow.steps.get_index(step).map(|(_, s)| s) else {
                    return;
                };
                let over = due.is_some_and(|due| due <= t);
                match parked.kind {
                    StepKind::Wait(_) if !over => return,
                    StepKind::WaitUntil { condition, .. }
                        if !over && !evaluator.test(condition, &frame) =>
                    {
                        return;
                    }
                    StepKind::Wait(_) | StepKind::WaitUntil { .. } => parked.next,
                    // An action held back by the send window is tried again.
                    _ => Some(step),
                }
            }
        };
        // Links only lead forward, so no step is reached twice in one instant.
        for _ in 0..=self.workflow.steps.len() {
            let Some(index) = cursor else {
                self.end(t, Outcome::Finished);
                return;
            };
            let Some((id, step)) = self.workflow.steps.get_index(index) else {
                self.end(t, Outcome::Finished);
                return;
            };
            cursor = match &step.kind {
                StepKind::Action { action, args } => {
                    let tz = self.context.time_zone();
                    if let Some(window) = &self.workflow.window
                        && !window::is_open(window, t, tz)
                    {
                        let due = window::next_opening(window, t, tz);
                        self.park(index, due);
                        return;
                    }
                    let schema = &self.program.schema;
                    let params = schema.action_args(*action);
                    let args = params
                        .iter()
                        .zip(args.iter())
                        .map(|((param, _), node)| {
                            let value =
                                node.map_or(Value::Null, |node| evaluator.eval(node, &frame));
                            (param.clone(), value)
                        })
                        .collect();
                    self.actions.push(Action {
                        step: id.clone(),
                        name: schema.action_name(*action).to_string(),
                        args,
                        due: t,
                    });
                    step.next
                }
                StepKind::Wait(delay) => {
                    let due = t.checked_add_signed(*delay);
                    if due.is_some_and(|due| due <= t) {
                        step.next
                    } else {
                        self.park(index, due);
                        return;
                    }
                }
                StepKind::WaitUntil { condition, max } => {
                    let due = max.and_then(|max| t.checked_add_signed(max));
                    if evaluator.test(*condition, &frame) || due.is_some_and(|due| due <= t) {
                        step.next
                    } else {
                        self.park(index, due);
                        return;
                    }
                }
                StepKind::If {
                    branches,
                    otherwise,
                } => branches
                    .iter()
                    .find(|(condition, _)| evaluator.test(*condition, &frame))
                    .map_or(*otherwise, |(_, target)| *target),
                StepKind::Split { arms } => {
                    split::arm(arms, split::bucket(self.name, id, self.contact.id()))
                }
                StepKind::Stop => None,
            };
        }
        self.end(t, Outcome::Finished);
    }

    fn park(&mut self, step: StepIndex, due: Option<DateTime<Utc>>) {
        self.position = Position::Parked { step, due };
    }

    fn end(&mut self, at: DateTime<Utc>, outcome: Outcome) {
        self.position = Position::Ended { at, outcome };
    }
}
