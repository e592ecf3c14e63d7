//! The command-line example of spec §11: `check` and `eval`.
//!
//! The logic lives here, apart from `main`, so that the integration tests can run it
//! with their own arguments and output buffers (`tests/cli.rs` includes this file).
//! All I/O is here, never in the library.

use std::fmt::Display;
use std::io::Write;

use chrono::{DateTime, Utc};
use funil::{Compiler, Context, Program, Tz};

/// Exit code: everything went well.
pub const OK: i32 = 0;
/// Exit code: at least one contact line failed.
pub const BAD_CONTACT: i32 = 1;
/// Exit code: the rules do not compile, or the command line is wrong.
pub const FAILURE: i32 = 2;

const USAGE: &str = "usage:
  funil check RULES...
  funil eval RULES... --contacts FILE.jsonl --now T [--tz ZONE]";

/// Runs the command line `args` (without the program name), writing results to
/// `stdout` and diagnostics to `stderr`; returns the exit code.
pub fn run(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let Some((command, rest)) = args.split_first() else {
        return usage(stderr, "no command given");
    };
    match command.as_str() {
        "check" => check(rest, stderr),
        "eval" => eval(rest, stdout, stderr),
        "batch" | "reward" | "simulate" => fail(
            stderr,
            format!(
                "`{command}` is not available yet: this version of funil evaluates segments, scores and decisions (`eval`)"
            ),
        ),
        "help" | "--help" | "-h" => {
            let _ = writeln!(stdout, "{USAGE}");
            OK
        }
        other => usage(stderr, &format!("unknown command `{other}`")),
    }
}

/// `check RULES...`: compiles, prints every diagnostic.
fn check(args: &[String], stderr: &mut impl Write) -> i32 {
    let options = match Options::parse(args, &[]) {
        Ok(options) => options,
        Err(message) => return usage(stderr, &message),
    };
    match compile(&options.rules, stderr) {
        Some(_) => OK,
        None => FAILURE,
    }
}

/// `eval RULES... --contacts FILE --now T [--tz ZONE]`: one JSON line per contact.
fn eval(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let options = match Options::parse(args, &["--contacts", "--now", "--tz"]) {
        Ok(options) => options,
        Err(message) => return usage(stderr, &message),
    };
    let Some(contacts_path) = options.value("--contacts") else {
        return usage(stderr, "`eval` needs `--contacts FILE.jsonl`");
    };
    let Some(now) = options.value("--now") else {
        return usage(stderr, "`eval` needs `--now T`, an RFC 3339 instant");
    };
    let now = match DateTime::parse_from_rfc3339(now) {
        Ok(now) => now.with_timezone(&Utc),
        Err(e) => {
            return fail(
                stderr,
                format!("`--now {now}` is not an RFC 3339 instant: {e}"),
            );
        }
    };
    let mut context = Context::new(now);
    if let Some(zone) = options.value("--tz") {
        match zone.parse::<Tz>() {
            Ok(tz) => context = context.with_time_zone(tz),
            Err(_) => return fail(stderr, format!("`--tz {zone}` is not an IANA time zone")),
        }
    }
    let Some(program) = compile(&options.rules, stderr) else {
        return FAILURE;
    };
    let contacts = match std::fs::read_to_string(contacts_path) {
        Ok(text) => text,
        Err(e) => return fail(stderr, format!("cannot read `{contacts_path}`: {e}")),
    };
    let mut code = OK;
    for (index, line) in contacts.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let output = match evaluate_line(&program, &context, line) {
            Ok(json) => json,
            Err(error) => {
                code = BAD_CONTACT;
                error_line(line, index + 1, &error)
            }
        };
        if writeln!(stdout, "{output}").is_err() {
            return fail(stderr, "cannot write the output");
        }
    }
    code
}

/// The JSON result line for one contact line, or the error to report.
fn evaluate_line(program: &Program, context: &Context, line: &str) -> Result<String, String> {
    let contact = program.contact_from_json(line).map_err(|e| e.to_string())?;
    let evaluation = program
        .evaluate(&contact, context)
        .map_err(|e| e.to_string())?;
    Ok(evaluation.to_json(contact.id()))
}

/// `{"id":…,"line":N,"error":"…"}`, with the id when one can be read from the line.
fn error_line(line: &str, number: usize, error: &str) -> String {
    let id = serde_json::from_str::<serde_json::Value>(line)
        .ok()
        .and_then(|json| json.get("id").and_then(|id| id.as_str()).map(str::to_owned));
    let id = id.map_or_else(|| "null".to_owned(), |id| json_string(&id));
    format!(
        "{{\"id\":{id},\"line\":{number},\"error\":{}}}",
        json_string(error)
    )
}

fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// Compiles the rule files, printing diagnostics (warnings included) to `stderr`.
fn compile(paths: &[String], stderr: &mut impl Write) -> Option<Program> {
    if paths.is_empty() {
        usage(stderr, "no rules file given");
        return None;
    }
    let mut compiler = Compiler::new();
    for path in paths {
        match std::fs::read_to_string(path) {
            Ok(text) => compiler = compiler.source(path.as_str(), text),
            Err(e) => {
                fail(stderr, format!("cannot read `{path}`: {e}"));
                return None;
            }
        }
    }
    match compiler.compile() {
        Ok(program) => {
            for warning in program.warnings() {
                let _ = writeln!(stderr, "{warning}\n");
            }
            Some(program)
        }
        Err(error) => {
            let _ = writeln!(stderr, "{error}\n");
            let errors = error.errors().count();
            let plural = if errors == 1 { "" } else { "s" };
            let _ = writeln!(
                stderr,
                "error: the rules do not compile ({errors} error{plural})"
            );
            None
        }
    }
}

fn fail(stderr: &mut impl Write, message: impl Display) -> i32 {
    let _ = writeln!(stderr, "error: {message}");
    FAILURE
}

fn usage(stderr: &mut impl Write, message: &str) -> i32 {
    let _ = writeln!(stderr, "error: {message}\n\n{USAGE}");
    FAILURE
}

/// Rule files and `--name value` options, in any order.
struct Options {
    rules: Vec<String>,
    values: Vec<(String, String)>,
}

impl Options {
    fn parse(args: &[String], known: &[&str]) -> Result<Options, String> {
        let mut options = Options {
            rules: Vec::new(),
            values: Vec::new(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            if arg.starts_with("--") {
                if !known.contains(&arg.as_str()) {
                    return Err(format!("unknown option `{arg}`"));
                }
                let Some(value) = args.next() else {
                    return Err(format!("`{arg}` needs a value"));
                };
                if options.value(arg).is_some() {
                    return Err(format!("`{arg}` given twice"));
                }
                options.values.push((arg.clone(), value.clone()));
            } else {
                options.rules.push(arg.clone());
            }
        }
        Ok(options)
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}
