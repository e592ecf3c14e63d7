//! Frequency caps of a compiled program: how often an action may be performed for one
//! contact, across every workflow, counted from the events the host records.
//!
//! A cap is not an item (nothing references it and it has no value of its own): the
//! program keeps its caps beside the items, at most one per action, and workflow
//! advance looks the cap of an action up by the action's id.

use chrono::TimeDelta;

use crate::model::{ActionId, KindId};

/// A frequency cap, as compiled: `cap NAME on ACTION counted by KIND { … }`.
///
/// [`Program::caps`](crate::Program::caps) lists them; what they do is described in
/// the [language reference](crate::language#frequency-caps).
///
/// ```
/// use chrono::TimeDelta;
/// use funil::OverCap;
///
/// let program = funil::compile(r#"
///     schema { event email.sent { } action send_email(template: string) }
///     cap emails "Email pressure" on send_email counted by email.sent {
///       at most 3 per 7d
///       at most 1 per 1d then skip
///     }
/// "#)?;
/// let cap = &program.caps()[0];
/// assert_eq!((cap.name(), cap.title()), ("emails", Some("Email pressure")));
/// assert_eq!((cap.action(), cap.counted_kind()), ("send_email", "email.sent"));
/// let limits: Vec<_> = cap.limits().iter().map(|l| (l.most(), l.per(), l.over())).collect();
/// assert_eq!(limits, [
///     (3, TimeDelta::days(7), OverCap::Defer),
///     (1, TimeDelta::days(1), OverCap::Skip),
/// ]);
/// assert!(program.cap_on("send_email").is_some());
/// # Ok::<(), funil::CompileError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrequencyCap {
    pub(crate) name: String,
    pub(crate) title: Option<String>,
    pub(crate) action: ActionId,
    pub(crate) action_name: String,
    pub(crate) counted: KindId,
    pub(crate) counted_name: String,
    pub(crate) limits: Box<[CapLimit]>,
}

impl FrequencyCap {
    /// The cap's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its human title, if it has one.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The name of the action it caps.
    pub fn action(&self) -> &str {
        &self.action_name
    }

    /// The event kind counted: the one the host records for each action performed.
    pub fn counted_kind(&self) -> &str {
        &self.counted_name
    }

    /// Its limits, in the order written.
    pub fn limits(&self) -> &[CapLimit] {
        &self.limits
    }
}

/// One limit of a [`FrequencyCap`]: at most [`most`](CapLimit::most) actions in any
/// window of [`per`](CapLimit::per), and what an action over it does.
///
/// ```
/// let program = funil::compile(r#"
///     schema { event email.sent { } action send_email(template: string) }
///     cap emails on send_email counted by email.sent { at most 2 per 1w  skip }
/// "#)?;
/// let limit = &program.caps()[0].limits()[0];
/// assert_eq!((limit.most(), limit.per().num_days()), (2, 7));
/// assert_eq!(limit.over(), funil::OverCap::Skip);
/// # Ok::<(), funil::CompileError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapLimit {
    pub(crate) most: u32,
    pub(crate) per: TimeDelta,
    pub(crate) over: OverCap,
}

impl CapLimit {
    /// The most actions allowed in any window of [`per`](CapLimit::per); at least 1.
    pub fn most(&self) -> u32 {
        self.most
    }

    /// The length of the window, longer than zero.
    pub fn per(&self) -> TimeDelta {
        self.per
    }

    /// What an action over this limit does: its `then`, else the cap's `defer` or
    /// `skip` line, else [`OverCap::Defer`].
    pub fn over(&self) -> OverCap {
        self.over
    }
}

/// What a frequency cap does with an action over one of its limits.
///
/// ```
/// use funil::OverCap;
///
/// assert_eq!(OverCap::default(), OverCap::Defer);
/// assert_eq!(OverCap::Skip.name(), "skip");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverCap {
    /// The run waits at the action until the first instant every limit allows it
    /// (and the send window is open), then performs it.
    #[default]
    Defer,
    /// The action is dropped and the run goes on to the next statement.
    Skip,
}

impl OverCap {
    /// `defer` or `skip`, as written in the rules.
    pub fn name(self) -> &'static str {
        match self {
            OverCap::Defer => "defer",
            OverCap::Skip => "skip",
        }
    }
}
