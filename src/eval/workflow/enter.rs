//! Entry (§8.1): whether a contact enters a workflow now, and at which instant.

use chrono::{DateTime, TimeDelta, Utc};

use super::state::{PastRun, Phase, RunState};
use crate::eval::{Context, Evaluator, Frame, Workspace};
use crate::model::Contact;
use crate::program::{Program, Reentry, Workflow};

/// The new run of the workflow `name`, if the contact enters it: through the earliest
/// new event that triggers an `enter on` clause (the first of `new_events` among
/// equals), else through an `enter when` clause holding at `now`, at an instant the
/// re-entry policy allows.
pub(super) fn enter(
    program: &Program,
    name: &str,
    workflow: &Workflow,
    contact: &Contact,
    context: &Context,
    new_events: &[usize],
    past_runs: &[PastRun],
) -> Option<RunState> {
    let runs: Vec<&PastRun> = past_runs.iter().filter(|r| r.workflow == name).collect();
    if runs.iter().any(|run| run.ended_at.is_none()) {
        return None;
    }
    let allowed = |t: DateTime<Utc>| runs.iter().all(|run| allows(workflow.reentry, run, t));
    let now = context.now();
    let mut entry: Option<DateTime<Utc>> = None;
    let mut workspace = Workspace::new();
    for index in new_events {
        let Some(event) = contact.events().get(*index) else {
            continue;
        };
        let at = event.at();
        if at > now || entry.is_some_and(|entry| entry <= at) || !allowed(at) {
            continue;
        }
        let run_context = context.for_run(at, at);
        let mut evaluator = Evaluator::new(program, contact, &run_context, &mut workspace);
        let frame = Frame {
            event: Some(event),
            ..evaluator.frame(TimeDelta::zero())
        };
        let triggers = workflow.enter_on.iter().any(|clause| {
            clause.kinds.contains(&event.kind())
                && clause
                    .filter
                    .is_none_or(|filter| evaluator.test(filter, &frame))
        });
        if triggers {
            entry = Some(at);
        }
    }
    if entry.is_none() && !workflow.enter_when.is_empty() && allowed(now) {
        let run_context = context.for_run(now, now);
        let mut evaluator = Evaluator::new(program, contact, &run_context, &mut workspace);
        let frame = evaluator.frame(TimeDelta::zero());
        if workflow
            .enter_when
            .iter()
            .any(|condition| evaluator.test(*condition, &frame))
        {
            entry = Some(now);
        }
    }
    entry.map(|at| RunState::new(name, at, at, Phase::Start))
}

/// Whether a past run lets the contact enter again at `t`: at most one run enters per
/// instant, never before the past run ended, and then as the policy says.
fn allows(reentry: Reentry, run: &PastRun, t: DateTime<Utc>) -> bool {
    let Some(ended_at) = run.ended_at else {
        return false;
    };
    if t <= run.entered_at || t < ended_at {
        return false;
    }
    match reentry {
        Reentry::Never => false,
        Reentry::Always => true,
        Reentry::After(delay) => ended_at
            .checked_add_signed(delay)
            .is_some_and(|allowed_from| allowed_from <= t),
    }
}
