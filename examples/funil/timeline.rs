//! The replay behind `simulate` (spec §11): one contact's history run through one
//! workflow as time passes, with the library's pure entry and advance calls.
//!
//! The contact is considered at the start instant, then at every later instant up to
//! the end at which one of its events occurs, its run asked to be advanced, re-entry
//! becomes allowed, or a local midnight falls. At each: the events occurring then are
//! reported as new, an active run is advanced, and, with no run active, entry is
//! evaluated and a run that enters is advanced at once. Ended runs feed the re-entry
//! policy. This file needs nothing but the library, so tests include it directly.

use chrono::{DateTime, Days, TimeDelta, TimeZone, Utc};
use funil::model::write_json;
use funil::{
    Action, Advance, Contact, Context, EvalError, PastRun, Program, RunState, Status, Tz, Value,
};

/// Something that happened to a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Happening {
    /// The contact entered the workflow.
    Entered,
    /// The run asked for an action.
    Action(Action),
    /// The run ended (`finished`, `exited` or `goal`).
    Ended(Status),
}

/// A happening and its instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub at: DateTime<Utc>,
    pub happening: Happening,
}

impl Record {
    /// The JSON line `simulate` prints for this record (spec §11).
    pub fn to_json(&self, contact_id: &str, workflow: &str) -> String {
        let mut out = String::from("{\"id\":");
        write_json(&Value::String(contact_id.into()), &mut out);
        out.push_str(",\"at\":");
        write_json(&Value::DateTime(self.at), &mut out);
        out.push_str(",\"workflow\":");
        write_json(&Value::String(workflow.into()), &mut out);
        match &self.happening {
            Happening::Entered => out.push_str(",\"status\":\"entered\""),
            Happening::Ended(status) => {
                out.push_str(",\"status\":");
                write_json(&Value::String(status.name().into()), &mut out);
            }
            Happening::Action(action) => {
                out.push_str(",\"step\":");
                write_json(&Value::String(action.step.as_str().into()), &mut out);
                out.push_str(",\"action\":");
                write_json(&Value::String(action.name.as_str().into()), &mut out);
                out.push_str(",\"args\":{");
                for (index, (name, value)) in action.args.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    write_json(&Value::String(name.as_str().into()), &mut out);
                    out.push(':');
                    write_json(value, &mut out);
                }
                out.push('}');
            }
        }
        out.push('}');
        out
    }
}

/// Everything that happens to `contact` in `workflow` from `from` to `until`, in time
/// order (within one instant: entry, actions, end). A run still active at `until`
/// records nothing more.
pub fn timeline(
    program: &Program,
    contact: &Contact,
    workflow: &str,
    (from, until): (DateTime<Utc>, DateTime<Utc>),
    tz: Tz,
) -> Result<Vec<Record>, EvalError> {
    let events = contact.events();
    let mut records = Vec::new();
    let mut past: Vec<PastRun> = Vec::new();
    let mut run: Option<RunState> = None;
    let mut now = from;
    loop {
        let context = Context::new(now).with_time_zone(tz);
        let new_events: Vec<usize> = if now > from {
            let first = events.partition_point(|event| event.at() < now);
            (first..events.partition_point(|event| event.at() <= now)).collect()
        } else {
            Vec::new()
        };
        if let Some(state) = run.take() {
            let advance = program.advance(&state, contact, &context)?;
            run = record(advance, &mut records, &mut past);
        }
        if run.is_none()
            && let Some(state) = program.enter(workflow, contact, &context, &new_events, &past)?
        {
            records.push(Record {
                at: state.entered_at(),
                happening: Happening::Entered,
            });
            let advance = program.advance(&state, contact, &context)?;
            run = record(advance, &mut records, &mut past);
        }
        let next_event = events
            .get(events.partition_point(|event| event.at() <= now))
            .map(|event| event.at());
        let reentry = match run {
            Some(_) => None,
            None => program.reentry_from(workflow, &past)?,
        };
        let next = [
            next_event,
            run.as_ref().and_then(RunState::due),
            reentry,
            next_midnight(now, tz),
        ]
        .into_iter()
        .flatten()
        .filter(|instant| *instant > now)
        .min();
        match next {
            Some(next) if next <= until => now = next,
            _ => break,
        }
    }
    Ok(records)
}

/// Records an advance's actions and end; gives the state back while the run is active.
fn record(
    advance: Advance,
    records: &mut Vec<Record>,
    past: &mut Vec<PastRun>,
) -> Option<RunState> {
    for action in advance.actions {
        records.push(Record {
            at: action.due,
            happening: Happening::Action(action),
        });
    }
    match advance.state.ended_at() {
        Some(at) => {
            records.push(Record {
                at,
                happening: Happening::Ended(advance.status),
            });
            past.push(advance.state.to_past_run());
            None
        }
        None => Some(advance.state),
    }
}

/// The first instant of the next local day.
fn next_midnight(now: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
    let day = now
        .with_timezone(&tz)
        .date_naive()
        .checked_add_days(Days::new(1))?;
    let midnight = day.and_hms_opt(0, 0, 0)?;
    // Where midnight falls in a daylight-saving gap, the day starts after the gap.
    (0..=24 * 60)
        .filter_map(|minutes| midnight.checked_add_signed(TimeDelta::minutes(minutes)))
        .find_map(|local| tz.from_local_datetime(&local).earliest())
        .map(|t| t.with_timezone(&Utc))
}
