//! Advancing a run (§8.2): the instants it passes through, in time order, and the
//! statements it runs at each.
//!
//! A run passes every instant up to `now` at which it was due (its start, a wait
//! ending, its send window opening) and every instant at which one of the contact's
//! events occurred since the previous call. At each, everything is evaluated as of
//! that instant (§4.7): exit first, then goal, then statements from where the run
//! stands. That is why a late call gives the same actions, stamped with the same
//! instants, as calls made on time.
//!
//! An action its frequency cap holds back at an instant is deferred (the run parks at
//! it until the cap allows it) or skipped; counting sees the contact's recorded events
//! and the capped actions this advance emitted before, which the host will record as
//! events. Several runs of one contact advanced together pass their instants in one
//! time order and share what they emitted: for each run, the capped actions of the
//! others are events, counted by its caps and instants it passes, as they would be
//! once recorded.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::cap::{self, Verdict};
use super::state::{Action, Advance, CapOutcome, Capped, Outcome, Phase, RunState};
use super::{Winners, split, window};
use crate::eval::{Context, EvalError, EvalErrorKind, Evaluator, Frame, Workspace};
use crate::model::{ActionId, Contact, Value};
use crate::program::{NodeId, OverCap, Program, StepIndex, StepKind, Workflow};

/// Where a run stands, with its step resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Start,
    Parked {
        step: StepIndex,
        due: Option<DateTime<Utc>>,
        /// A frequency cap deferred the action parked at.
        deferred: bool,
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
    /// Park at an action its frequency cap deferred.
    Defer(Option<DateTime<Utc>>),
}

/// A capped action emitted in this advance: the event the host will record for it.
#[derive(Debug, Clone, Copy)]
struct Emitted {
    /// The [`Run::index`] of the run that emitted it.
    run: usize,
    action: ActionId,
    at: DateTime<Utc>,
}

/// One run being advanced.
struct Run<'a> {
    program: &'a Program,
    name: &'a str,
    workflow: &'a Workflow,
    contact: &'a Contact,
    context: &'a Context,
    entered_at: DateTime<Utc>,
    /// The `now` of the previous call: events after it are new.
    since: DateTime<Utc>,
    position: Position,
    actions: Vec<Action>,
    /// The arm taken at each split passed, by statement id (the state's, then this
    /// call's).
    arms: BTreeMap<String, usize>,
    /// The winners of this workflow's splits: by step, the winning arm and the
    /// instant from which it applies.
    winners: BTreeMap<StepIndex, (usize, DateTime<Utc>)>,
    /// The actions a frequency cap held back.
    capped: Vec<Capped>,
    /// This run's place among the runs advanced together (0 when alone).
    index: usize,
    /// The capped actions emitted in this advance, by this run and the runs advanced
    /// with it, in time order: the events the host will record for them.
    emitted: Vec<Emitted>,
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
    let mut run = Run::new(program, name, workflow, state, contact, context, winners)?;
    run.pass_instants();
    run.into_advance(state)
}

/// Advances several runs of one contact to the context's `now` together: their
/// instants pass in one time order (at one instant, in the order of `runs`), and the
/// actions each emits count toward the frequency caps of the others.
pub(super) fn advance_together(
    program: &Program,
    runs: &[(&Workflow, &RunState)],
    contact: &Contact,
    context: &Context,
    winners: &Winners,
) -> Result<Vec<Advance>, EvalError> {
    let mut started = Vec::with_capacity(runs.len());
    for (index, (workflow, state)) in runs.iter().enumerate() {
        let mut run = Run::new(
            program,
            state.workflow(),
            workflow,
            state,
            contact,
            context,
            winners,
        )?;
        run.index = index;
        started.push((run, None::<DateTime<Utc>>));
    }
    let mut emitted = Vec::new();
    loop {
        let next = started
            .iter()
            .enumerate()
            .filter_map(|(index, (run, last))| Some((run.next_instant(*last, &emitted)?, index)))
            .min();
        let Some((instant, index)) = next else {
            break;
        };
        let Some((run, last)) = started.get_mut(index) else {
            break;
        };
        std::mem::swap(&mut run.emitted, &mut emitted);
        run.pass(instant);
        std::mem::swap(&mut run.emitted, &mut emitted);
        *last = Some(instant);
    }
    started
        .into_iter()
        .zip(runs)
        .map(|((mut run, last), (_, state))| {
            run.finish(last);
            run.into_advance(state)
        })
        .collect()
}

impl<'a> Run<'a> {
    /// The run `state` of the workflow `name`, about to be advanced.
    fn new(
        program: &'a Program,
        name: &'a str,
        workflow: &'a Workflow,
        state: &RunState,
        contact: &'a Contact,
        context: &'a Context,
        winners: &Winners,
    ) -> Result<Run<'a>, EvalError> {
        Ok(Run {
            program,
            name,
            workflow,
            contact,
            context,
            entered_at: state.entered_at(),
            since: state.advanced_at(),
            position: resolve(name, workflow, state.phase())?,
            actions: Vec::new(),
            arms: state.arms().clone(),
            winners: resolve_winners(name, workflow, winners)?,
            capped: Vec::new(),
            index: 0,
            emitted: Vec::new(),
            workspace: Workspace::new(),
        })
    }

    /// The advance: the state to store in place of `state`, the actions, the status.
    fn into_advance(self, state: &RunState) -> Result<Advance, EvalError> {
        let now = self.context.now();
        let phase = match self.position {
            Position::Start => Phase::Start,
            Position::Parked {
                step,
                due,
                deferred,
            } => {
                let (id, parked) = self
                    .workflow
                    .steps
                    .get_index(step)
                    .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownStep, self.name))?;
                let deferred_by = match parked.kind {
                    StepKind::Action { action, .. } if deferred => {
                        self.program.cap_of(action).map(|cap| cap.name.clone())
                    }
                    _ => None,
                };
                Phase::Parked {
                    step: id.clone(),
                    fingerprint: fingerprint_text(parked.fingerprint),
                    due,
                    deferred_by,
                }
            }
            Position::Ended { at, outcome } => Phase::Ended { at, outcome },
        };
        let state = RunState::new(
            self.name,
            state.entered_at(),
            state.advanced_at().max(now),
            phase,
        )
        .with_arms(self.arms);
        Ok(Advance {
            status: state.status(),
            state,
            actions: self.actions,
            capped: self.capped,
        })
    }
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
            deferred_by,
        } => {
            let Some((index, _, compiled)) = workflow.steps.get_full(step) else {
                return Err(EvalError::in_step(EvalErrorKind::UnknownStep, name, step));
            };
            if !fingerprint_is(fingerprint, compiled.fingerprint) {
                return Err(EvalError::in_step(EvalErrorKind::ChangedStep, name, step));
            }
            Position::Parked {
                step: index,
                due: *due,
                deferred: deferred_by.is_some(),
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
        if !fingerprint_is(winner.fingerprint(), step.fingerprint) || winner.arm() >= arms.len() {
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

/// Whether `text` is the text [`fingerprint_text`] writes for `fingerprint`, without
/// writing it: 16 lowercase hexadecimal digits of the same number.
fn fingerprint_is(text: &str, fingerprint: u64) -> bool {
    text.len() == 16
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && u64::from_str_radix(text, 16) == Ok(fingerprint)
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
    fn pass_instants(&mut self) {
        let mut last: Option<DateTime<Utc>> = None;
        while let Some(instant) = self.next_instant(last, &[]) {
            self.pass(instant);
            last = Some(instant);
        }
        self.finish(last);
    }

    /// The next instant the run passes after `last` (the last one it passed in this
    /// advance, if any): the first of its due instant and the next event since the
    /// previous call (among them the capped actions of the runs advanced with it, in
    /// `emitted`), up to `now`. None once it has ended, or for a call back in time,
    /// which changes nothing: the run has already passed `now`.
    fn next_instant(
        &self,
        last: Option<DateTime<Utc>>,
        emitted: &[Emitted],
    ) -> Option<DateTime<Utc>> {
        let now = self.context.now();
        if matches!(self.position, Position::Ended { .. }) || now < self.since {
            return None;
        }
        let after = last.map_or(self.since, |last| last.max(self.since));
        let events = self.contact.events();
        let recorded = events
            .get(events.partition_point(|event| event.at() <= after))
            .map(|event| event.at());
        let emitted = emitted
            .iter()
            .find(|emitted| emitted.run != self.index && emitted.at > after)
            .map(|emitted| emitted.at);
        let event = [recorded, emitted]
            .into_iter()
            .flatten()
            .min()
            .filter(|at| *at <= now);
        // Each instant passes once: a due instant not after the last one passed
        // cannot come back (it would be a state from elsewhere).
        let due = self
            .due()
            .filter(|due| *due <= now && last.is_none_or(|last| *due > last));
        match (due, event) {
            (Some(due), Some(event)) => Some(due.min(event)),
            (due, event) => due.or(event),
        }
    }

    /// After the last instant passed (`last`), a run still parked checks exit and
    /// goal as of `now`.
    fn finish(&mut self, last: Option<DateTime<Utc>>) {
        let now = self.context.now();
        if last != Some(now)
            && now >= self.since
            && !matches!(self.position, Position::Ended { .. })
        {
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
            Position::Parked {
                step,
                due,
                deferred,
            } => match self.resume(step, due, deferred, t, evaluator, &frame) {
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
                    self.position = Position::Parked {
                        step: index,
                        due,
                        deferred: false,
                    };
                    return;
                }
                Next::Defer(due) => {
                    self.position = Position::Parked {
                        step: index,
                        due,
                        deferred: true,
                    };
                    return;
                }
            }
        }
        self.end(t, Outcome::Finished);
    }

    /// Where a parked run goes on from at `t`, or none while it stays parked: a wait
    /// ends when it is due, a `wait until` also when its condition holds, an action
    /// held back by the send window is tried again, and one its frequency cap
    /// deferred is tried again when it is due.
    fn resume(
        &self,
        step: StepIndex,
        due: Option<DateTime<Utc>>,
        deferred: bool,
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
            _ if deferred => over.then_some(Some(step)),
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
                if let Some(next) = self.cap(index, *action, args, t, evaluator, frame) {
                    return next;
                }
                let args = self.action_args(*action, args, evaluator, frame);
                self.actions.push(Action {
                    step: id.clone(),
                    name: self.program.schema.action_name(*action).to_string(),
                    args,
                    due: t,
                });
                if self.program.cap_of(*action).is_some() {
                    self.emitted.push(Emitted {
                        run: self.index,
                        action: *action,
                        at: t,
                    });
                }
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

    /// The arguments of an action call, evaluated at the instant of `evaluator`, in
    /// the action's declared order; an optional one left out is null.
    fn action_args(
        &self,
        action: ActionId,
        args: &[Option<NodeId>],
        evaluator: &mut Evaluator<'_>,
        frame: &Frame<'_>,
    ) -> Vec<(String, Value)> {
        self.program
            .schema
            .action_args(action)
            .iter()
            .zip(args.iter())
            .map(|((param, _), node)| {
                let value = node.map_or(Value::Null, |node| evaluator.eval(node, frame));
                (param.clone(), value)
            })
            .collect()
    }

    /// What the frequency cap of `action`, if any, does with the action call `index`
    /// reached at `t`: nothing when it allows it; else the run skips it (going on to
    /// the next statement) or parks at it until it is allowed, moved to the next
    /// opening of the send window. The action held back is recorded.
    fn cap(
        &mut self,
        index: StepIndex,
        action: ActionId,
        args: &[Option<NodeId>],
        t: DateTime<Utc>,
        evaluator: &mut Evaluator<'_>,
        frame: &Frame<'_>,
    ) -> Option<Next> {
        let cap = self.program.cap_of(action)?;
        // The events the host will record for the capped actions emitted so far: of
        // this cap's kind for those whose cap counts the same kind.
        let emitted: Vec<DateTime<Utc>> = self
            .emitted
            .iter()
            .filter(|emitted| {
                self.program
                    .cap_of(emitted.action)
                    .is_some_and(|other| other.counted == cap.counted)
            })
            .map(|emitted| emitted.at)
            .collect();
        let (next, outcome) = match cap::verdict(cap, self.contact, &emitted, t) {
            Verdict::Allowed => return None,
            Verdict::Over {
                over: OverCap::Skip,
                ..
            } => {
                let (_, step) = self.workflow.steps.get_index(index)?;
                (Next::Goto(step.next), CapOutcome::Skipped)
            }
            Verdict::Over {
                over: OverCap::Defer,
                until,
            } => {
                let tz = self.context.time_zone();
                let until = match &self.workflow.window {
                    Some(window) => until.and_then(|until| window::next_opening(window, until, tz)),
                    None => until,
                };
                (Next::Defer(until), CapOutcome::Deferred { until })
            }
        };
        let (id, _) = self.workflow.steps.get_index(index)?;
        let args = self.action_args(action, args, evaluator, frame);
        self.capped.push(Capped {
            step: id.clone(),
            name: self.program.schema.action_name(action).to_string(),
            args,
            at: t,
            cap: cap.name.clone(),
            outcome,
            preceding: self.actions.len(),
        });
        Some(next)
    }

    fn end(&mut self, at: DateTime<Utc>, outcome: Outcome) {
        self.position = Position::Ended { at, outcome };
    }
}

#[cfg(test)]
mod tests {
    use super::{fingerprint_is, fingerprint_text};

    #[test]
    fn a_fingerprint_is_recognised_exactly_as_it_is_written() {
        for fingerprint in [0, 1, 0xab, 0x0123_4567_89ab_cdef, u64::MAX] {
            let text = fingerprint_text(fingerprint);
            assert!(fingerprint_is(&text, fingerprint), "{text}");
            assert!(!fingerprint_is(&text, fingerprint ^ 1), "{text}");
        }
        // Only the 16-digit lowercase form: what `fingerprint_text` writes.
        assert!(!fingerprint_is("ab", 0xab));
        assert!(!fingerprint_is("00000000000000AB", 0xab));
        assert!(!fingerprint_is("+000000000000000", 0));
        assert!(!fingerprint_is("", 0));
    }
}
