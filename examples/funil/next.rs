//! The `next` command: when each contact's segments, scores and decisions will next
//! change if nothing else happens (`funil::Program::next_change`), one JSON line per
//! contact, in input order:
//!
//! ```text
//! {"id":"c-001","earliest":"2026-12-20T10:00:00Z","next":{"dormant":"2026-12-20T10:00:00Z","fit":null}}
//! ```
//!
//! `next` has an instant (RFC 3339, UTC) or `null` (never without new input) for every
//! item that has a value for one contact, in declaration order; `earliest` is the
//! first of them, the instant a scheduler stores to look at the contact again (`null`
//! when none changes). An instant the search could not confirm (it stopped before
//! finding the change) is listed under `"approximate"`: nothing changes before it.

use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use funil::{Contact, EvalErrorKind, ItemKind, Program};

use super::{Output, Setup};

/// `next RULES... --contacts FILE --now T [--tz ZONE]`.
pub fn run(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let setup = match Setup::read("next", args, &[], stderr) {
        Ok(setup) => setup,
        Err(code) => return code,
    };
    let mut output = Output::new(stdout);
    for line in setup.lines() {
        match line.contact(&setup.program) {
            Ok(contact) => match changes(&setup.program, &contact, &setup.context) {
                Ok(text) => output.line(text),
                Err(error) => output.error(&line, &error),
            },
            Err(error) => output.error(&line, &error),
        }
    }
    output.finish(stderr)
}

/// The JSON line of one contact, keys in the order shown above.
fn changes(
    program: &Program,
    contact: &Contact,
    context: &funil::Context,
) -> Result<String, funil::EvalError> {
    let mut next = Vec::new();
    let mut approximate = Vec::new();
    let mut earliest: Option<DateTime<Utc>> = None;
    for (name, kind) in program.items() {
        if !matches!(
            kind,
            ItemKind::Segment | ItemKind::Score | ItemKind::Decision
        ) {
            continue;
        }
        let change = match program.next_change(name, contact, context) {
            Ok(change) => change,
            // Ranked segments, and what references them, need a batch.
            Err(error) if error.kind() == EvalErrorKind::BatchOnly => continue,
            Err(error) => return Err(error),
        };
        if let Some(change) = change {
            earliest = Some(earliest.map_or(change.at(), |t| t.min(change.at())));
            if !change.is_exact() {
                approximate.push(text(name));
            }
        }
        next.push(format!(
            "{}:{}",
            text(name),
            instant(change.map(|c| c.at()))
        ));
    }
    let mut line = format!(
        "{{\"id\":{},\"earliest\":{},\"next\":{{{}}}",
        text(contact.id()),
        instant(earliest),
        next.join(",")
    );
    if !approximate.is_empty() {
        line.push_str(&format!(",\"approximate\":[{}]", approximate.join(",")));
    }
    line.push('}');
    Ok(line)
}

/// A JSON string.
fn text(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// An instant as a JSON string, or `null`.
fn instant(t: Option<DateTime<Utc>>) -> String {
    t.map_or("null".to_string(), |t| {
        text(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    })
}
