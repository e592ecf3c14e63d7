//! The `simulate` command (spec §11): each contact's history replayed through one
//! workflow from `--from` to `--until`, one JSON line per entry, action, action a
//! frequency cap deferred or skipped, and end.

use std::io::Write;

use chrono::{DateTime, Utc};
use funil::{ItemKind, Tz};

use super::{FAILURE, Line, Options, Output, compile, fail, usage};

#[path = "timeline.rs"]
mod timeline;

/// `simulate RULES... --contacts FILE --workflow NAME --from T0 --until T1 [--tz ZONE]`.
pub fn run(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let known = ["--contacts", "--workflow", "--from", "--until", "--tz"];
    let options = match Options::parse(args, &known) {
        Ok(options) => options,
        Err(message) => return usage(stderr, &message),
    };
    let mut required = Vec::new();
    for (option, what) in [
        ("--contacts", "FILE.jsonl"),
        ("--workflow", "NAME"),
        ("--from", "T0, an RFC 3339 instant"),
        ("--until", "T1, an RFC 3339 instant"),
    ] {
        match options.value(option) {
            Some(value) => required.push(value),
            None => return usage(stderr, &format!("`simulate` needs `{option} {what}`")),
        }
    }
    let [contacts_path, workflow, from, until] = required[..] else {
        return FAILURE;
    };
    let mut span = Vec::new();
    for (option, text) in [("--from", from), ("--until", until)] {
        match DateTime::parse_from_rfc3339(text) {
            Ok(instant) => span.push(instant.with_timezone(&Utc)),
            Err(e) => {
                return fail(
                    stderr,
                    format!("`{option} {text}` is not an RFC 3339 instant: {e}"),
                );
            }
        }
    }
    let [from, until] = span[..] else {
        return FAILURE;
    };
    if until < from {
        return usage(stderr, "`--until` is before `--from`");
    }
    let tz = match options.value("--tz").map(str::parse::<Tz>) {
        None => Tz::UTC,
        Some(Ok(tz)) => tz,
        Some(Err(_)) => return fail(stderr, "`--tz` is not an IANA time zone"),
    };
    let Some(program) = compile(&options.rules, stderr) else {
        return FAILURE;
    };
    if !program
        .items()
        .any(|(item, kind)| item == workflow && kind == ItemKind::Workflow)
    {
        return fail(
            stderr,
            format!("the rules have no workflow named `{workflow}`"),
        );
    }
    let contacts = match std::fs::read_to_string(contacts_path) {
        Ok(contacts) => contacts,
        Err(e) => return fail(stderr, format!("cannot read `{contacts_path}`: {e}")),
    };
    let mut output = Output::new(stdout);
    let lines = contacts.lines().enumerate();
    for (index, text) in lines.filter(|(_, text)| !text.trim().is_empty()) {
        let line = Line {
            number: index + 1,
            text,
        };
        let contact = match line.contact(&program) {
            Ok(contact) => contact,
            Err(error) => {
                output.error(&line, &error);
                continue;
            }
        };
        match timeline::timeline(&program, &contact, workflow, (from, until), tz) {
            Ok(records) => {
                for record in records {
                    output.line(record.to_json(contact.id(), workflow));
                }
            }
            Err(error) => output.error(&line, &error),
        }
    }
    output.finish(stderr)
}
