//! What the host keeps and receives: the run state (serde), past runs, and the result
//! of advancing a run.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Value;

/// One run of a workflow for one contact, as the host stores it between calls.
///
/// It is a plain serde value: store it as JSON (or any serde format) and pass it back
/// to [`Program::advance`](crate::Program::advance). It records the workflow's name,
/// the entry instant, the instant of the last advance, where the run stands: about
/// to start, parked at a step (by id and fingerprint, with the instant it asked to be
/// advanced next, and the frequency cap that deferred it, if one did), or ended; and
/// the arm it took at each split it passed (`"arms":{"5":1}`, left out while there is
/// none). A state saved by an earlier version, before caps and arms, reads the same.
///
/// ```
/// let program = funil::compile(r#"
///     schema { contact { email: string } event signup { } action send_email(template: string) }
///     workflow hello { enter on signup  send_email(template: "hi")  wait 1d  send_email(template: "again") }
/// "#)?;
/// let contact = program.contact("c-1").attribute("email", "a@b.c")
///     .event("signup", "2026-11-22T10:00:00Z".parse()?, []).build()?;
/// let context = funil::Context::new("2026-11-22T10:00:00Z".parse()?);
/// let run = program.enter("hello", &contact, &context, &[0], &[])?.expect("entered");
/// let advance = program.advance(&run, &contact, &context)?;
///
/// let json = serde_json::to_string(&advance.state)?;
/// let stored: funil::RunState = serde_json::from_str(&json)?;
/// assert_eq!(stored, advance.state);
/// assert_eq!(stored.step(), Some("2"));
/// assert_eq!(stored.due(), Some("2026-11-23T10:00:00Z".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunState {
    workflow: String,
    entered_at: DateTime<Utc>,
    advanced_at: DateTime<Utc>,
    #[serde(flatten)]
    phase: Phase,
    /// The arm taken at each split the run passed, by statement id; left out of the
    /// JSON when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    arms: BTreeMap<String, usize>,
}

/// Where a run stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub(crate) enum Phase {
    /// Entered: the first statement runs at the entry instant.
    Start,
    /// Parked at a statement until `due`, or until an event when `due` is null.
    Parked {
        step: String,
        /// The statement's fingerprint, 16 hexadecimal digits.
        fingerprint: String,
        due: Option<DateTime<Utc>>,
        /// The frequency cap that deferred the action the run is parked at, if one
        /// did (absent from states saved before caps existed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deferred_by: Option<String>,
    },
    /// Ended for good.
    Ended { at: DateTime<Utc>, outcome: Outcome },
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    Finished,
    Exited,
    Goal,
}

impl RunState {
    pub(crate) fn new(
        workflow: &str,
        entered_at: DateTime<Utc>,
        advanced_at: DateTime<Utc>,
        phase: Phase,
    ) -> RunState {
        RunState {
            workflow: workflow.to_string(),
            entered_at,
            advanced_at,
            phase,
            arms: BTreeMap::new(),
        }
    }

    /// The same state, with the arms taken at its splits.
    pub(crate) fn with_arms(self, arms: BTreeMap<String, usize>) -> RunState {
        RunState { arms, ..self }
    }

    /// The arms taken at the splits passed, by statement id.
    pub(crate) fn arms(&self) -> &BTreeMap<String, usize> {
        &self.arms
    }

    /// The arm (from 0) the run took at the split `statement`, if it passed it: the
    /// one the §8.4 hash gave, or the winner passed to
    /// [`Program::advance_with_winners`](crate::Program::advance_with_winners).
    pub fn arm(&self, statement: &str) -> Option<usize> {
        self.arms.get(statement).copied()
    }

    pub(crate) fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The workflow's name.
    pub fn workflow(&self) -> &str {
        &self.workflow
    }

    /// When the run entered (`entered_at` in the rules).
    pub fn entered_at(&self) -> DateTime<Utc> {
        self.entered_at
    }

    /// The `now` of the last call that advanced the run (the entry instant before
    /// the first): events after it are new to the run.
    pub fn advanced_at(&self) -> DateTime<Utc> {
        self.advanced_at
    }

    /// The id of the step the run is parked at (§8.2), if it is parked.
    pub fn step(&self) -> Option<&str> {
        match &self.phase {
            Phase::Parked { step, .. } => Some(step),
            Phase::Start | Phase::Ended { .. } => None,
        }
    }

    /// The name of the frequency cap that deferred the action the run is parked at,
    /// if a cap did: the run then waits, until [`RunState::due`], for the first
    /// instant the cap allows the action (see
    /// [Frequency caps](crate::language#frequency-caps)).
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { event signup { } event email.sent { } action send_email(template: string) }
    ///     cap emails on send_email counted by email.sent { at most 1 per 1d }
    ///     workflow hello { enter on signup  send_email(template: "hi") }
    /// "#)?;
    /// // An email went out at 08:00; the signup at 10:00 must wait until 08:00 tomorrow.
    /// let contact = program.contact("c-1")
    ///     .event("email.sent", "2026-11-22T08:00:00Z".parse()?, [])
    ///     .event("signup", "2026-11-22T10:00:00Z".parse()?, [])
    ///     .build()?;
    /// let context = funil::Context::new("2026-11-22T10:00:00Z".parse()?);
    /// let run = program.enter("hello", &contact, &context, &[1], &[])?.expect("entered");
    /// let advance = program.advance(&run, &contact, &context)?;
    /// assert!(advance.actions.is_empty());
    /// assert_eq!(advance.state.deferred_by(), Some("emails"));
    /// assert_eq!(advance.state.due(), Some("2026-11-23T08:00:00Z".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn deferred_by(&self) -> Option<&str> {
        match &self.phase {
            Phase::Parked { deferred_by, .. } => deferred_by.as_deref(),
            Phase::Start | Phase::Ended { .. } => None,
        }
    }

    /// When the run should be advanced next: the entry instant before it starts, the
    /// end of its wait, the opening of its send window, or the instant a frequency cap
    /// allows its action, when parked; none when only an event can wake it, or when it
    /// has ended.
    pub fn due(&self) -> Option<DateTime<Utc>> {
        match &self.phase {
            Phase::Start => Some(self.entered_at),
            Phase::Parked { due, .. } => *due,
            Phase::Ended { .. } => None,
        }
    }

    /// The run's status: waiting, or how and when it ended.
    pub fn status(&self) -> Status {
        match &self.phase {
            Phase::Start | Phase::Parked { .. } => Status::Waiting(self.due()),
            Phase::Ended { outcome, .. } => match outcome {
                Outcome::Finished => Status::Finished,
                Outcome::Exited => Status::Exited,
                Outcome::Goal => Status::Goal,
            },
        }
    }

    /// When the run ended, if it has.
    pub fn ended_at(&self) -> Option<DateTime<Utc>> {
        match &self.phase {
            Phase::Ended { at, .. } => Some(*at),
            Phase::Start | Phase::Parked { .. } => None,
        }
    }

    /// The run as the entry API's re-entry policy sees it.
    pub fn to_past_run(&self) -> PastRun {
        PastRun {
            workflow: self.workflow.clone(),
            entered_at: self.entered_at,
            ended_at: self.ended_at(),
        }
    }
}

/// An earlier run of a workflow for a contact, as the host recorded it: what
/// [`Program::enter`](crate::Program::enter) needs for the re-entry policy (§8.1).
///
/// A run with no `ended_at` is still active, and a contact has at most one active
/// run per workflow: while it lasts, the contact does not enter again.
///
/// ```
/// use funil::PastRun;
///
/// let run = PastRun {
///     workflow: "welcome".to_string(),
///     entered_at: "2026-01-10T09:00:00Z".parse().unwrap(),
///     ended_at: Some("2026-01-20T09:00:00Z".parse().unwrap()),
/// };
/// assert_eq!(run.workflow, "welcome");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastRun {
    /// The workflow's name: runs of other workflows are ignored.
    pub workflow: String,
    /// When the run entered.
    pub entered_at: DateTime<Utc>,
    /// When it ended; `None` while it is active.
    pub ended_at: Option<DateTime<Utc>>,
}

/// The status of a run after an advance (§8.2).
///
/// ```
/// use funil::Status;
///
/// assert_eq!(Status::Waiting(None).name(), "waiting");
/// assert!(Status::Goal.has_ended());
/// assert!(!Status::Waiting(None).has_ended());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Parked: advance it again at this instant, or, when `None`, when an event occurs.
    Waiting(Option<DateTime<Utc>>),
    /// It ran to its end or to `stop`.
    Finished,
    /// `exit when` held.
    Exited,
    /// `goal when` held.
    Goal,
}

impl Status {
    /// `waiting`, `finished`, `exited` or `goal`, as the `simulate` command prints it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Waiting(_) => "waiting",
            Status::Finished => "finished",
            Status::Exited => "exited",
            Status::Goal => "goal",
        }
    }

    /// True once the run has ended, whichever way.
    pub fn has_ended(self) -> bool {
        !matches!(self, Status::Waiting(_))
    }
}

/// What [`Program::advance`](crate::Program::advance) returns: the new state, the
/// actions to perform in order, the status, and the actions a frequency cap held
/// back.
///
/// ```
/// let program = funil::compile(r#"
///     schema { contact { email: string } event signup { } action send_email(template: string) }
///     workflow hello { enter on signup  send_email(template: "hi") }
/// "#)?;
/// let contact = program.contact("c-1").attribute("email", "a@b.c")
///     .event("signup", "2026-11-22T10:00:00Z".parse()?, []).build()?;
/// let context = funil::Context::new("2026-11-22T10:00:00Z".parse()?);
/// let run = program.enter("hello", &contact, &context, &[0], &[])?.expect("entered");
/// let advance = program.advance(&run, &contact, &context)?;
/// assert_eq!(advance.actions.len(), 1);
/// assert_eq!(advance.status, funil::Status::Finished);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Advance {
    /// The state to store in place of the one passed.
    pub state: RunState,
    /// The actions that became due, in the order they are to be performed.
    pub actions: Vec<Action>,
    /// Where the run stands now.
    pub status: Status,
    /// The actions a frequency cap held back, deferred or skipped, in the order it
    /// happened; none of them is to be performed now.
    pub capped: Vec<Capped>,
}

/// An action a frequency cap held back when the run reached it: deferred to a later
/// instant, or skipped (see [Frequency caps](crate::language#frequency-caps)).
///
/// ```
/// use funil::CapOutcome;
///
/// let program = funil::compile(r#"
///     schema { event signup { } event email.sent { } action send_email(template: string) }
///     cap emails on send_email counted by email.sent { at most 1 per 1d then skip }
///     workflow hello { enter on signup  send_email(template: "hi")  send_email(template: "again") }
/// "#)?;
/// let contact = program.contact("c-1").event("signup", "2026-11-22T10:00:00Z".parse()?, []).build()?;
/// let context = funil::Context::new("2026-11-22T10:00:00Z".parse()?);
/// let run = program.enter("hello", &contact, &context, &[0], &[])?.expect("entered");
/// let advance = program.advance(&run, &contact, &context)?;
/// // The first email counts against the cap: the second is skipped.
/// assert_eq!(advance.actions.len(), 1);
/// let skipped = &advance.capped[0];
/// assert_eq!((skipped.step.as_str(), skipped.cap.as_str()), ("2", "emails"));
/// assert_eq!(skipped.outcome, CapOutcome::Skipped);
/// assert_eq!(skipped.args[0].1, funil::Value::from("again"));
/// assert_eq!(skipped.preceding, 1);
/// assert_eq!(advance.status, funil::Status::Finished);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Capped {
    /// The id of the statement that asked for the action (§8.2).
    pub step: String,
    /// The action's name, as declared in the schema.
    pub name: String,
    /// Its arguments in declaration order, evaluated as of `at`.
    pub args: Vec<(String, Value)>,
    /// The instant the run reached the action and the cap held it back.
    pub at: DateTime<Utc>,
    /// The name of the cap.
    pub cap: String,
    /// Deferred (until when) or skipped.
    pub outcome: CapOutcome,
    /// How many of [`Advance::actions`] came before it: where it falls among them.
    pub preceding: usize,
}

/// What a frequency cap did with an action: see [`Capped`].
///
/// ```
/// use funil::CapOutcome;
///
/// assert_eq!(CapOutcome::Skipped.name(), "skipped");
/// assert_eq!(CapOutcome::Deferred { until: None }.name(), "deferred");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapOutcome {
    /// The run waits at the action until `until`, the first instant every limit of
    /// the cap allows it, moved to the next opening of the send window if there is
    /// one; there it tries again. `None` when no such instant can be represented.
    Deferred {
        /// When the run tries the action again.
        until: Option<DateTime<Utc>>,
    },
    /// The action was dropped and the run went on to the next statement.
    Skipped,
}

impl CapOutcome {
    /// `deferred` or `skipped`, as the `simulate` command prints it.
    pub fn name(self) -> &'static str {
        match self {
            CapOutcome::Deferred { .. } => "deferred",
            CapOutcome::Skipped => "skipped",
        }
    }
}

/// An action a workflow asks the host to perform (§8.2).
///
/// ```
/// let program = funil::compile(r#"
///     schema { contact { first_name: string? } event signup { }
///              action send_email(template: string, greeting: string?) }
///     workflow hello { enter on signup  send_email(template: "hi", greeting: "Olá, {first_name}!") }
/// "#)?;
/// let contact = program.contact("c-1").attribute("first_name", "Ana")
///     .event("signup", "2026-11-22T10:00:00Z".parse()?, []).build()?;
/// let context = funil::Context::new("2026-11-22T10:00:00Z".parse()?);
/// let run = program.enter("hello", &contact, &context, &[0], &[])?.expect("entered");
/// let action = &program.advance(&run, &contact, &context)?.actions[0];
/// assert_eq!(action.name, "send_email");
/// assert_eq!(action.step, "1");
/// assert_eq!(action.args[1], ("greeting".to_string(), funil::Value::from("Olá, Ana!")));
/// assert_eq!(action.due, "2026-11-22T10:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// The id of the statement that asked for it (§8.2).
    pub step: String,
    /// The action's name, as declared in the schema.
    pub name: String,
    /// Its arguments in declaration order, evaluated as of `due`; an optional
    /// argument left out is null.
    pub args: Vec<(String, Value)>,
    /// The instant it became due.
    pub due: DateTime<Utc>,
}
