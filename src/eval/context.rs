//! The evaluation context (§1.3): the instant `now` and the time zone of calendar
//! functions. The library never reads the clock: the caller says what time it is.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// When and where an evaluation happens.
///
/// ```
/// use funil::{Context, Tz};
///
/// let now = "2026-11-22T12:00:00Z".parse().unwrap();
/// let context = Context::new(now).with_time_zone("America/Sao_Paulo".parse::<Tz>().unwrap());
/// assert_eq!(context.time_zone(), chrono_tz::America::Sao_Paulo);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    now: DateTime<Utc>,
    time_zone: Tz,
    /// The entry instant of the workflow run being advanced (`entered_at`).
    entered_at: Option<DateTime<Utc>>,
}

impl Context {
    /// A context at `now`, in UTC.
    pub fn new(now: DateTime<Utc>) -> Context {
        Context {
            now,
            time_zone: Tz::UTC,
            entered_at: None,
        }
    }

    /// The same instant, with calendar functions in `time_zone`.
    pub fn with_time_zone(self, time_zone: Tz) -> Context {
        Context { time_zone, ..self }
    }

    /// The evaluation instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The time zone of `today`, `date()`, `hour()`, `weekday()` and anniversaries.
    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// The same time zone at the instant `now`, inside a workflow run that entered at
    /// `entered_at`: how a workflow evaluates "as of" each instant it passes (§4.7).
    pub(crate) fn for_run(self, now: DateTime<Utc>, entered_at: DateTime<Utc>) -> Context {
        Context {
            now,
            entered_at: Some(entered_at),
            ..self
        }
    }

    /// The same time zone at another instant, outside any workflow run.
    pub(crate) fn with_now(self, now: DateTime<Utc>) -> Context {
        Context {
            now,
            entered_at: None,
            ..self
        }
    }

    /// The entry instant of the workflow run being evaluated, if any.
    pub(crate) fn entered_at(&self) -> Option<DateTime<Utc>> {
        self.entered_at
    }
}
