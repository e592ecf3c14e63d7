//! The replay behind `simulate` (spec §11): one contact's history run through one
//! workflow as time passes, with the library's pure entry and advance calls.
//!
//! The contact is considered at the start instant, then at every later instant up to
//! the end at which one of its events occurs, its run asked to be advanced, re-entry
//! becomes allowed, or a local midnight falls. At each: the events occurring then are
//! reported as new, an active run is advanced, and, with no run active, entry is
//! evaluated and a run that enters is advanced at once. Ended runs feed the re-entry
//! policy. This file needs nothing but the library, so tests include it directly.
//!
//! Frequency caps count the events the host records for the actions it performs: the
//! replay plays the host, and records each action that a cap counts, at the instant
//! it was due, as an event of the cap's kind (its props are the action's arguments of
//! the same name and type; any other prop is null when optional, else an empty value
//! of its type: `""`, `0`, `false`, `[]`, `0s`, the event's instant or its UTC date). Later
//! instants see these events; they are never reported as new.

use std::fmt;

use chrono::{DateTime, Days, TimeDelta, TimeZone, Utc};
use funil::model::write_json;
use funil::{
    Action, Advance, CapOutcome, Capped, Contact, ContactError, Context, EvalError, PastRun,
    Program, RunState, Status, Type, Tz, Value,
};

/// Something that happened to a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Happening {
    /// The contact entered the workflow.
    Entered,
    /// The run asked for an action.
    Action(Action),
    /// A frequency cap deferred or skipped an action.
    Capped(Capped),
    /// The run ended (`finished`, `exited` or `goal`).
    Ended(Status),
}

/// Why a replay stopped: an evaluation error, or a contact that cannot take the
/// events recorded for its actions (more than the event limit).
#[derive(Debug)]
pub enum ReplayError {
    /// Entering or advancing failed.
    Eval(EvalError),
    /// The contact with its recorded actions does not build.
    Contact(ContactError),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Eval(error) => error.fmt(f),
            ReplayError::Contact(error) => error.fmt(f),
        }
    }
}

impl From<EvalError> for ReplayError {
    fn from(error: EvalError) -> Self {
        ReplayError::Eval(error)
    }
}

impl From<ContactError> for ReplayError {
    fn from(error: ContactError) -> Self {
        ReplayError::Contact(error)
    }
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
                write_step(&action.step, &action.name, &mut out);
                write_args(&action.args, &mut out);
            }
            Happening::Capped(capped) => {
                write_step(&capped.step, &capped.name, &mut out);
                out.push_str(",\"status\":");
                write_json(&Value::String(capped.outcome.name().into()), &mut out);
                out.push_str(",\"cap\":");
                write_json(&Value::String(capped.cap.as_str().into()), &mut out);
                match capped.outcome {
                    CapOutcome::Deferred { until } => {
                        out.push_str(",\"until\":");
                        write_json(&until.map_or(Value::Null, Value::DateTime), &mut out);
                    }
                    CapOutcome::Skipped => write_args(&capped.args, &mut out),
                }
            }
        }
        out.push('}');
        out
    }
}

/// `,"step":…,"action":…`.
fn write_step(step: &str, action: &str, out: &mut String) {
    out.push_str(",\"step\":");
    write_json(&Value::String(step.into()), out);
    out.push_str(",\"action\":");
    write_json(&Value::String(action.into()), out);
}

/// `,"args":{…}`, in declaration order.
fn write_args(args: &[(String, Value)], out: &mut String) {
    out.push_str(",\"args\":{");
    for (index, (name, value)) in args.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_json(&Value::String(name.as_str().into()), out);
        out.push(':');
        write_json(value, out);
    }
    out.push('}');
}

/// Everything that happens to `contact` in `workflow` from `from` to `until`, in time
/// order (within one instant: entry, actions and the actions caps held back, in the
/// order they happen, then the end). A run still active at `until` records nothing
/// more.
pub fn timeline(
    program: &Program,
    contact: &Contact,
    workflow: &str,
    (from, until): (DateTime<Utc>, DateTime<Utc>),
    tz: Tz,
) -> Result<Vec<Record>, ReplayError> {
    let mut host = Host {
        program,
        original: contact,
        recorded: Vec::new(),
        current: None,
    };
    let mut records = Vec::new();
    let mut past: Vec<PastRun> = Vec::new();
    let mut run: Option<RunState> = None;
    let mut now = from;
    loop {
        let context = Context::new(now).with_time_zone(tz);
        if let Some(state) = run.take() {
            let advance = program.advance(&state, host.contact(), &context)?;
            run = record(advance, &mut records, &mut past, &mut host)?;
        }
        if run.is_none() {
            let new_events = host.new_events(now, from);
            if let Some(state) =
                program.enter(workflow, host.contact(), &context, &new_events, &past)?
            {
                records.push(Record {
                    at: state.entered_at(),
                    happening: Happening::Entered,
                });
                let advance = program.advance(&state, host.contact(), &context)?;
                run = record(advance, &mut records, &mut past, &mut host)?;
            }
        }
        let events = host.contact().events();
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

/// An event the replay recorded for an action it performed: kind, instant, props.
type Recorded = (String, DateTime<Utc>, Vec<(String, Value)>);

/// The replay's host: the contact as given, and the events it recorded for the
/// actions performed that a frequency cap counts.
struct Host<'a> {
    program: &'a Program,
    original: &'a Contact,
    recorded: Vec<Recorded>,
    /// The contact with the recorded events, once there are any.
    current: Option<Contact>,
}

impl Host<'_> {
    /// The contact as the library sees it now.
    fn contact(&self) -> &Contact {
        self.current.as_ref().unwrap_or(self.original)
    }

    /// The indexes of the contact's own events at `now` (none at the start): the
    /// events reported as new. Recorded events are never new: each sorts after the
    /// contact's own events at its instant.
    fn new_events(&self, now: DateTime<Utc>, from: DateTime<Utc>) -> Vec<usize> {
        if now <= from {
            return Vec::new();
        }
        let own = self.original.events();
        let count = own.partition_point(|event| event.at() <= now)
            - own.partition_point(|event| event.at() < now);
        let first = self
            .contact()
            .events()
            .partition_point(|event| event.at() < now);
        (first..first + count).collect()
    }

    /// Records the actions performed that a cap counts, and rebuilds the contact.
    fn perform(&mut self, actions: &[Action]) -> Result<(), ContactError> {
        let before = self.recorded.len();
        for action in actions {
            if let Some(cap) = self.program.cap_on(&action.name) {
                let kind = cap.counted_kind().to_string();
                let props = self.props(&kind, action);
                self.recorded.push((kind, action.due, props));
            }
        }
        if self.recorded.len() == before {
            return Ok(());
        }
        let schema = self.program.schema();
        let mut builder = self.program.contact(self.original.id());
        for (id, name, _) in schema.attributes() {
            builder = builder.attribute(name, self.original.attribute(id).clone());
        }
        for event in self.original.events() {
            let props = schema.props(event.kind()).zip(event.props());
            builder = builder.event(
                schema.kind_name(event.kind()),
                event.at(),
                props.map(|((name, _), value)| (name, value.clone())),
            );
        }
        for (kind, at, props) in &self.recorded {
            let props = props
                .iter()
                .map(|(name, value)| (name.as_str(), value.clone()));
            builder = builder.event(kind, *at, props);
        }
        self.current = Some(builder.build()?);
        Ok(())
    }

    /// The props of the event recorded for `action`, of `kind`.
    fn props(&self, kind: &str, action: &Action) -> Vec<(String, Value)> {
        let schema = self.program.schema();
        let Some(kind_id) = schema.kind(kind) else {
            return Vec::new();
        };
        schema
            .props(kind_id)
            .map(|(name, ty)| {
                let given = action
                    .args
                    .iter()
                    .find(|(arg, value)| arg == name && fits(value, ty))
                    .map(|(_, value)| value.clone());
                (
                    name.to_string(),
                    given.unwrap_or_else(|| empty(ty, action.due)),
                )
            })
            .collect()
    }
}

/// Whether `value` may stand for a prop of type `ty`.
fn fits(value: &Value, ty: &Type) -> bool {
    match (value, ty) {
        (Value::Null, Type::Optional(_)) => true,
        (Value::Null, _) => false,
        (value, Type::Optional(inner)) => fits(value, inner),
        (Value::Bool(_), Type::Bool)
        | (Value::Number(_), Type::Number)
        | (Value::String(_), Type::String)
        | (Value::Date(_), Type::Date)
        | (Value::DateTime(_), Type::DateTime)
        | (Value::Duration(_), Type::Duration) => true,
        (Value::List(items), Type::List(inner)) => items.iter().all(|item| fits(item, inner)),
        _ => false,
    }
}

/// The value of a prop no argument gives: null when optional, else an empty value.
fn empty(ty: &Type, at: DateTime<Utc>) -> Value {
    match ty {
        Type::Optional(_) => Value::Null,
        Type::Bool => Value::Bool(false),
        Type::Number => Value::from(0),
        Type::String => Value::from(""),
        Type::Date => Value::Date(at.date_naive()),
        Type::DateTime => Value::DateTime(at),
        Type::Duration => Value::Duration(TimeDelta::zero()),
        Type::List(_) => Value::List(Vec::new().into()),
    }
}

/// Records an advance's actions, the actions caps held back, in the order they
/// happened, and the end; the host records the actions performed that a cap counts.
/// Gives the state back while the run is active.
fn record(
    advance: Advance,
    records: &mut Vec<Record>,
    past: &mut Vec<PastRun>,
    host: &mut Host<'_>,
) -> Result<Option<RunState>, ContactError> {
    host.perform(&advance.actions)?;
    let mut capped = advance.capped.into_iter().peekable();
    for (index, action) in advance.actions.into_iter().enumerate() {
        while let Some(held) = capped.next_if(|held| held.preceding <= index) {
            records.push(Record {
                at: held.at,
                happening: Happening::Capped(held),
            });
        }
        records.push(Record {
            at: action.due,
            happening: Happening::Action(action),
        });
    }
    for held in capped {
        records.push(Record {
            at: held.at,
            happening: Happening::Capped(held),
        });
    }
    match advance.state.ended_at() {
        Some(at) => {
            records.push(Record {
                at,
                happening: Happening::Ended(advance.status),
            });
            past.push(advance.state.to_past_run());
            Ok(None)
        }
        None => Ok(Some(advance.state)),
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
