//! Workflows (§8): entering a run and advancing it, purely.
//!
//! The host owns the runs. It asks [`Program::enter`] (or [`Program::enter_all`])
//! whether a contact enters a workflow, stores the [`RunState`] it gets, and calls
//! [`Program::advance`] when the run is due, when events arrive, or whenever it
//! likes: advancing late gives the same actions, stamped with the instants they were
//! due. Nothing here reads a clock or keeps anything between calls.
//!
//! * [`enter`]: entry clauses and the re-entry policy;
//! * [`advance`]: the instants a run passes and the statements it runs;
//! * [`window`]: send windows in local time; [`split`]: split assignment;
//!   [`winners`]: the winning arms of experiments, which a split sends new contacts to.
//! * [`cap`]: frequency caps, counted at an instant.

mod advance;
mod cap;
mod enter;
pub(crate) mod split;
mod state;
mod window;
mod winners;

use chrono::{DateTime, Utc};

use super::{Context, EvalError, EvalErrorKind};
use crate::model::Contact;
use crate::program::{ItemBody, Program, Reentry, Workflow};
pub use state::{Action, Advance, CapOutcome, Capped, PastRun, RunState, Status};
pub use winners::{Winner, Winners};

impl Program {
    /// Whether `contact` enters the workflow `workflow` now (§8.1), and if so its new
    /// run, about to start at its entry instant (pass it to [`Program::advance`]).
    ///
    /// `new_events` are indexes into [`Contact::events`] (which is in time order) of
    /// the events the host reports as new at this call: they trigger `enter on`
    /// clauses, the earliest first; an index out of range, or an event after the
    /// context's `now`, is ignored. `enter when` clauses are tested at `now`.
    /// `past_runs` are the contact's earlier runs (of any workflow: only this one's
    /// count); while one of this workflow's runs is active the contact does not enter,
    /// and the re-entry policy decides after that.
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { contact { stage: string } event signup { } action send_email(template: string) }
    ///     workflow hello { enter on signup  reenter after 30d  send_email(template: "hi") }
    /// "#)?;
    /// let signed_up = "2026-11-22T10:00:00Z".parse()?;
    /// let contact = program.contact("c-1").attribute("stage", "lead")
    ///     .event("signup", signed_up, []).build()?;
    /// let context = funil::Context::new("2026-11-22T10:05:00Z".parse()?);
    ///
    /// let run = program.enter("hello", &contact, &context, &[0], &[])?.expect("entered");
    /// assert_eq!(run.entered_at(), signed_up);
    /// // No new event: nothing triggers.
    /// assert!(program.enter("hello", &contact, &context, &[], &[])?.is_none());
    /// // A run that ended a day ago blocks re-entry for 30 days.
    /// let past = funil::PastRun {
    ///     workflow: "hello".into(),
    ///     entered_at: "2026-11-20T10:00:00Z".parse()?,
    ///     ended_at: Some("2026-11-21T10:00:00Z".parse()?),
    /// };
    /// assert!(program.enter("hello", &contact, &context, &[0], &[past])?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// No item named `workflow`, an item that is not a workflow, or a contact built
    /// against another schema.
    pub fn enter(
        &self,
        workflow: &str,
        contact: &Contact,
        context: &Context,
        new_events: &[usize],
        past_runs: &[PastRun],
    ) -> Result<Option<RunState>, EvalError> {
        let compiled = self.workflow(workflow, contact)?;
        Ok(enter::enter(
            self, workflow, compiled, contact, context, new_events, past_runs,
        ))
    }

    /// [`Program::enter`] for every workflow, in declaration order: the new runs.
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { contact { stage: string } event signup { } action send_email(template: string) }
    ///     workflow hello { enter on signup  send_email(template: "hi") }
    ///     workflow leads { enter when stage == "lead"  send_email(template: "lead") }
    ///     workflow customers { enter when stage == "customer"  send_email(template: "thanks") }
    /// "#)?;
    /// let contact = program.contact("c-1").attribute("stage", "lead")
    ///     .event("signup", "2026-11-22T10:00:00Z".parse()?, []).build()?;
    /// let context = funil::Context::new("2026-11-22T10:05:00Z".parse()?);
    /// let runs = program.enter_all(&contact, &context, &[0], &[])?;
    /// let names: Vec<&str> = runs.iter().map(|run| run.workflow()).collect();
    /// assert_eq!(names, ["hello", "leads"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A contact built against another schema.
    pub fn enter_all(
        &self,
        contact: &Contact,
        context: &Context,
        new_events: &[usize],
        past_runs: &[PastRun],
    ) -> Result<Vec<RunState>, EvalError> {
        self.check_contact(contact)?;
        Ok(self
            .items
            .iter()
            .filter_map(|item| match &item.body {
                ItemBody::Workflow(workflow) => enter::enter(
                    self, &item.name, workflow, contact, context, new_events, past_runs,
                ),
                _ => None,
            })
            .collect())
    }

    /// Advances a run to the context's `now` (§8.2): the new state, the actions that
    /// became due (in order, each stamped with its instant), the status, and the
    /// actions a frequency cap deferred or skipped ([`Advance::capped`]).
    ///
    /// A frequency cap counts the contact's recorded events of its kind and the
    /// actions this call emitted before; runs of other workflows are seen through
    /// the events the host records (see [`Program::advance_all`]).
    ///
    /// ```
    /// use funil::{Context, Status};
    ///
    /// let program = funil::compile(r#"
    ///     schema { contact { stage: string } event signup { } event purchase { }
    ///              action send_email(template: string) }
    ///     workflow hello {
    ///       enter on signup
    ///       goal when exists(purchase since entered_at)
    ///       send_email(template: "hi")
    ///       wait 2d
    ///       send_email(template: "reminder")
    ///     }
    /// "#)?;
    /// let contact = program.contact("c-1").attribute("stage", "lead")
    ///     .event("signup", "2026-11-20T10:00:00Z".parse()?, []).build()?;
    /// let entry = Context::new("2026-11-20T10:00:00Z".parse()?);
    /// let run = program.enter("hello", &contact, &entry, &[0], &[])?.expect("entered");
    ///
    /// // Advanced a week late: both emails, each stamped when it was due.
    /// let late = program.advance(&run, &contact, &Context::new("2026-11-27T00:00:00Z".parse()?))?;
    /// let due: Vec<String> = late.actions.iter().map(|a| a.due.to_rfc3339()).collect();
    /// assert_eq!(due, ["2026-11-20T10:00:00+00:00", "2026-11-22T10:00:00+00:00"]);
    /// assert_eq!(late.status, Status::Finished);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// No workflow named as the state says, a contact built against another schema,
    /// or a state parked at a step that no longer exists (`UnknownStep`) or whose
    /// statement changed (`ChangedStep`): a run never resumes at the wrong place.
    pub fn advance(
        &self,
        state: &RunState,
        contact: &Contact,
        context: &Context,
    ) -> Result<Advance, EvalError> {
        self.advance_with_winners(state, contact, context, &Winners::new())
    }

    /// [`Program::advance`], with the winners of experiments: a run that reaches a
    /// split with a winner, at or after the winner's [`since`](Winner::since), takes
    /// the winning arm ("send the winner"); before that instant, and at splits without
    /// a winner, the §8.4 hash chooses as always. The arm a run takes at each split is
    /// recorded in its state ([`RunState::arm`]).
    ///
    /// Which arm a run takes depends only on the instant it reaches the split and on
    /// `winners`, so advancing late with the same winners gives what advancing on
    /// time gives. Winners of other workflows are ignored.
    ///
    /// ```
    /// use funil::{Context, Winners};
    ///
    /// let program = funil::compile(r#"
    ///     schema { event signup { } event purchase { } action send_email(template: string) }
    ///     workflow welcome {
    ///       enter on signup
    ///       split { 50% => { send_email(template: "a") } 50% => { send_email(template: "b") } }
    ///     }
    ///     segment in_b { arm(welcome, "1") == 1 }
    ///     experiment offer { split welcome "1"  converted when exists(purchase)  winner at 95% min 20 }
    /// "#)?;
    /// let at = |t: &str| t.parse::<chrono::DateTime<chrono::Utc>>();
    /// let decided = Context::new(at("2026-11-22T12:00:00Z")?);
    /// // A hundred contacts: those the hash put in arm 1 bought, the others did not.
    /// let mut contacts = Vec::new();
    /// for n in 0..100 {
    ///     let id = format!("c-{n}");
    ///     let in_b = program.segment("in_b", &program.contact(id.as_str()).build()?, &decided)?;
    ///     let contact = program.contact(id.as_str());
    ///     let contact = if in_b { contact.event("purchase", at("2026-11-20T00:00:00Z")?, []) } else { contact };
    ///     contacts.push(contact.build()?);
    /// }
    /// let report = program.experiment("offer", &contacts, &decided)?;
    /// assert_eq!(report.winner(), Some(1));
    /// let winners: Winners = report.to_winner().into_iter().collect();
    ///
    /// // A contact the hash puts in arm 0 signs up after the winner was decided…
    /// let id = (0..).map(|n| format!("new-{n}")).find(|id| {
    ///     let probe = program.contact(id.as_str()).build().expect("a contact");
    ///     !program.segment("in_b", &probe, &decided).expect("a segment")
    /// }).expect("an id in arm 0");
    /// let late = program.contact(id.as_str()).event("signup", at("2026-11-23T10:00:00Z")?, []).build()?;
    /// let now = Context::new(at("2026-11-23T10:00:00Z")?);
    /// let run = program.enter("welcome", &late, &now, &[0], &[])?.expect("entered");
    /// let advance = program.advance_with_winners(&run, &late, &now, &winners)?;
    /// // …and is sent the winner.
    /// assert_eq!(advance.actions[0].step, "1.arm1.1");
    /// assert_eq!(advance.state.arm("1"), Some(1));
    /// // Without winners, the hash as always.
    /// assert_eq!(program.advance(&run, &late, &now)?.actions[0].step, "1.arm0.1");
    ///
    /// // One who reached the split before the winner was decided keeps the hash's arm,
    /// // however late the run is advanced.
    /// let early = program.contact(id.as_str()).event("signup", at("2026-11-21T10:00:00Z")?, []).build()?;
    /// let then = Context::new(at("2026-11-21T10:00:00Z")?);
    /// let run = program.enter("welcome", &early, &then, &[0], &[])?.expect("entered");
    /// let advance = program.advance_with_winners(&run, &early, &now, &winners)?;
    /// assert_eq!(advance.actions[0].step, "1.arm0.1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Those of [`Program::advance`], and a winner of this workflow that no longer
    /// fits it (`StaleWinner`): its statement is gone, is no `split`, changed since
    /// the winner was decided, or has no such arm.
    pub fn advance_with_winners(
        &self,
        state: &RunState,
        contact: &Contact,
        context: &Context,
        winners: &Winners,
    ) -> Result<Advance, EvalError> {
        let name = state.workflow();
        let workflow = self.workflow(name, contact)?;
        advance::advance(self, name, workflow, state, contact, context, winners)
    }

    /// [`Program::advance`] for several runs of one contact at once (its runs of
    /// different workflows), so that frequency caps count across them exactly,
    /// however late the call: the runs pass their instants in one time order — at one
    /// instant, in the order of `states` — and the capped actions each run emits are,
    /// for the others, the events the host will record for them: counted by their
    /// caps, and instants they pass (§8.2). So the result is that of advancing the
    /// runs on time, in the order of `states` at each instant, with each run's capped
    /// actions recorded as events before the next run is advanced. The advances come
    /// back in the order of `states`.
    ///
    /// Advancing the runs one by one with [`Program::advance`] sees the other runs'
    /// actions only through the events the host has recorded: exact when each call is
    /// on time and records its actions before the next, not when several runs are
    /// advanced late over the same period.
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { event signup { } event email.sent { } action send_email(template: string) }
    ///     cap emails on send_email counted by email.sent { at most 1 per 1d then skip }
    ///     workflow welcome { enter on signup  wait 1h  send_email(template: "welcome") }
    ///     workflow promo { enter on signup  wait 2h  send_email(template: "promo") }
    /// "#)?;
    /// let contact = program.contact("c-1").event("signup", "2026-11-22T10:00:00Z".parse()?, []).build()?;
    /// let entry = funil::Context::new("2026-11-22T10:00:00Z".parse()?);
    /// let runs = program.enter_all(&contact, &entry, &[0], &[])?;
    ///
    /// // Advanced together a day late: the welcome email (11:00) is sent, and the
    /// // promo (12:00) is skipped, whichever run comes first.
    /// let late = funil::Context::new("2026-11-23T10:00:00Z".parse()?);
    /// let advances = program.advance_all(&[runs[1].clone(), runs[0].clone()], &contact, &late)?;
    /// assert!(advances[0].actions.is_empty());
    /// assert_eq!(advances[0].capped[0].step, "2");
    /// assert_eq!(advances[1].actions[0].args[0].1, funil::Value::from("welcome"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Those of [`Program::advance`], for any of the states.
    pub fn advance_all(
        &self,
        states: &[RunState],
        contact: &Contact,
        context: &Context,
    ) -> Result<Vec<Advance>, EvalError> {
        self.advance_all_with_winners(states, contact, context, &Winners::new())
    }

    /// [`Program::advance_all`] with the winners of experiments, which splits send
    /// new runs to as [`Program::advance_with_winners`] does.
    ///
    /// # Errors
    ///
    /// Those of [`Program::advance_with_winners`], for any of the states.
    pub fn advance_all_with_winners(
        &self,
        states: &[RunState],
        contact: &Contact,
        context: &Context,
        winners: &Winners,
    ) -> Result<Vec<Advance>, EvalError> {
        self.check_contact(contact)?;
        let runs = states
            .iter()
            .map(|state| Ok((self.workflow_named(state.workflow())?, state)))
            .collect::<Result<Vec<_>, EvalError>>()?;
        advance::advance_together(self, &runs, contact, context, winners)
    }

    /// The first instant at which the re-entry policy of `workflow` lets a contact
    /// with these `past_runs` enter it again: `None` while a run is active or when
    /// the policy forbids it for good; `Some(MIN_UTC)` with no past run. (Entry at
    /// the very instant an earlier run entered stays refused: one run per instant.)
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { contact { stage: string } action send_email(template: string) }
    ///     workflow nurture { enter when stage == "lead"  reenter after 30d  send_email(template: "hi") }
    /// "#)?;
    /// let past = funil::PastRun {
    ///     workflow: "nurture".into(),
    ///     entered_at: "2026-10-01T00:00:00Z".parse()?,
    ///     ended_at: Some("2026-10-02T00:00:00Z".parse()?),
    /// };
    /// assert_eq!(program.reentry_from("nurture", &[past])?, Some("2026-11-01T00:00:00Z".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// No item named `workflow`, or an item that is not a workflow.
    pub fn reentry_from(
        &self,
        workflow: &str,
        past_runs: &[PastRun],
    ) -> Result<Option<DateTime<Utc>>, EvalError> {
        let compiled = self.workflow_named(workflow)?;
        let mut from = DateTime::<Utc>::MIN_UTC;
        for run in past_runs.iter().filter(|run| run.workflow == workflow) {
            let Some(ended_at) = run.ended_at else {
                return Ok(None);
            };
            let allowed = match compiled.reentry {
                Reentry::Never => return Ok(None),
                Reentry::Always => Some(ended_at),
                Reentry::After(delay) => ended_at.checked_add_signed(delay),
            };
            let Some(allowed) = allowed else {
                return Ok(None);
            };
            from = from.max(allowed);
        }
        Ok(Some(from))
    }

    /// The workflow `name`, for `contact`.
    fn workflow(&self, name: &str, contact: &Contact) -> Result<&Workflow, EvalError> {
        let workflow = self.workflow_named(name)?;
        self.check_contact(contact)?;
        Ok(workflow)
    }

    fn workflow_named(&self, name: &str) -> Result<&Workflow, EvalError> {
        let (_, item) = self
            .item_named(name)
            .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownItem, name))?;
        match &item.body {
            ItemBody::Workflow(workflow) => Ok(workflow),
            _ => Err(EvalError::new(EvalErrorKind::WrongItemKind, name)),
        }
    }
}
