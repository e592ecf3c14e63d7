//! The command-line example of spec §11: `check`, `eval`, `batch`, `reward` and
//! `simulate` (in `simulate.rs`), the analyses beside evaluation: `deps`,
//! `explain` and `next` (each in its own file), and the SQL push-down: `sql` and
//! `sql-schema` (in `sql.rs`), the formatter: `fmt` (in `fmt.rs`), and, with the
//! feature `arrow`, `batch` over Parquet files and `to-parquet` (in `parquet_files.rs`).
//!
//! The logic lives here, apart from `main`, so that the integration tests can run it
//! with their own arguments and output buffers (`tests/cli.rs` includes this file).
//! All I/O is here, never in the library.

use std::fmt::Display;
use std::io::Write;

use chrono::{DateTime, Utc};
use funil::model::write_json;
use funil::{Compiler, Contact, Context, ItemKind, Program, Tz, Value};

#[path = "deps.rs"]
mod deps;
#[path = "experiment.rs"]
mod experiment;
#[path = "explain.rs"]
mod explain;
#[path = "fmt.rs"]
mod fmt;
#[path = "metrics.rs"]
mod metrics;
#[path = "next.rs"]
mod next;
#[cfg(feature = "arrow")]
#[path = "parquet_files.rs"]
mod parquet_files;
#[path = "simulate.rs"]
mod simulate;
#[path = "sql.rs"]
mod sql;

/// Exit code: everything went well.
pub const OK: i32 = 0;
/// Exit code: at least one contact line failed.
pub const BAD_CONTACT: i32 = 1;
/// Exit code: the rules do not compile, or the command line is wrong.
pub const FAILURE: i32 = 2;

const USAGE: &str = "usage:
  funil check RULES...
  funil fmt [--check] RULES...
  funil eval RULES... --contacts FILE.jsonl --now T [--tz ZONE]
  funil batch RULES... --contacts FILE.jsonl --now T [--tz ZONE]
  funil batch RULES... --contacts FILE.parquet [--events FILE.parquet] --now T [--tz ZONE]
  funil reward RULES... --contacts FILE.jsonl --reward NAME --now T [--tz ZONE]
  funil simulate RULES... --contacts FILE.jsonl --workflow NAME --from T0 --until T1 [--tz ZONE]
  funil deps RULES...
  funil explain RULES... --contacts FILE.jsonl --id ID --item NAME --now T [--tz ZONE] [--json]
  funil next RULES... --contacts FILE.jsonl --now T [--tz ZONE]
  funil experiment RULES... --contacts FILE.jsonl --experiment NAME --now T [--tz ZONE]
  funil metrics RULES... --contacts FILE.jsonl --now T [--tz ZONE] [--param NAME=VALUE]...
  funil sql RULES... --item NAME
  funil sql-schema RULES...
  funil to-parquet RULES... --contacts FILE.jsonl --out-contacts FILE.parquet \
                   [--out-events FILE.parquet] [--rows-per-group N]

Parquet files (`batch` on a `--contacts` file named `*.parquet`, and `to-parquet`, which
writes JSON contacts in that layout) need the example built with `--features arrow`.";

/// Runs the command line `args` (without the program name), writing results to
/// `stdout` and diagnostics to `stderr`; returns the exit code.
pub fn run(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let Some((command, rest)) = args.split_first() else {
        return usage(stderr, "no command given");
    };
    match command.as_str() {
        "check" => check(rest, stderr),
        "fmt" => fmt::run(rest, stdout, stderr),
        "eval" => eval(rest, stdout, stderr),
        "batch" => batch(rest, stdout, stderr),
        "reward" => reward(rest, stdout, stderr),
        "simulate" => simulate::run(rest, stdout, stderr),
        "deps" => deps::run(rest, stdout, stderr),
        "explain" => explain::run(rest, stdout, stderr),
        "next" => next::run(rest, stdout, stderr),
        "experiment" => experiment::run(rest, stdout, stderr),
        "metrics" => metrics::run(rest, stdout, stderr),
        "sql" => sql::run(rest, stdout, stderr),
        "sql-schema" => sql::schema(rest, stdout, stderr),
        "to-parquet" => to_parquet(rest, stdout, stderr),
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

/// `eval RULES... --contacts FILE --now T [--tz ZONE]`: one JSON line per contact,
/// batch-only items left out.
fn eval(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let setup = match Setup::read("eval", args, &[], stderr) {
        Ok(setup) => setup,
        Err(code) => return code,
    };
    let mut output = Output::new(stdout);
    for line in setup.lines() {
        match line.contact(&setup.program) {
            Ok(contact) => match setup.program.evaluate(&contact, &setup.context) {
                Ok(evaluation) => output.line(evaluation.to_json(contact.id())),
                Err(error) => output.error(&line, &error),
            },
            Err(error) => output.error(&line, &error),
        }
    }
    output.finish(stderr)
}

/// `batch RULES... --contacts FILE --now T [--tz ZONE]`: the contacts evaluated
/// together, ranked segments included; one JSON line per contact, in input order.
/// A contacts file named `*.parquet` (with `--events FILE.parquet`, optional) is read
/// as Arrow record batches and evaluated by `Program::evaluate_arrow`, the lines the
/// same.
fn batch(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let prepared = match Prepared::read("batch", args, &["--events"], stderr) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    if is_parquet(prepared.options.contacts_path()) {
        return parquet_batch(&prepared, stdout, stderr);
    }
    if prepared.options.value("--events").is_some() {
        return usage(
            stderr,
            "`--events FILE.parquet` goes with `--contacts FILE.parquet`: \
             each JSON contact holds its own events",
        );
    }
    let Prepared {
        options,
        program,
        context,
    } = prepared;
    let setup = match read_text(options.contacts_path(), stderr) {
        Ok(contacts) => Setup {
            options,
            program,
            context,
            contacts,
        },
        Err(code) => return code,
    };
    let (lines, contacts) = setup.read_contacts();
    let evaluations = match setup
        .program
        .evaluate_batch(contacts.iter().flatten(), &setup.context)
    {
        Ok(evaluations) => evaluations,
        Err(error) => return fail(stderr, error),
    };
    let mut evaluations = evaluations.into_iter();
    let mut output = Output::new(stdout);
    for (line, contact) in lines.iter().zip(&contacts) {
        match (contact, evaluations.next()) {
            (Ok(contact), Some(evaluation)) => output.line(evaluation.to_json(contact.id())),
            (Err(error), _) => output.error(line, error),
            (Ok(contact), None) => {
                output.error(line, &format!("`{}` was not evaluated", contact.id()))
            }
        }
    }
    output.finish(stderr)
}

/// Whether `path` names a Parquet file (by its extension, `.parquet`).
fn is_parquet(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("parquet"))
}

/// What `batch` and `to-parquet` say of Parquet files when built without the feature.
#[cfg(not(feature = "arrow"))]
const NEEDS_ARROW: &str = "reading and writing Parquet files needs the example built with \
     `--features arrow` (`cargo run --features arrow --example funil -- …`)";

/// `batch` over Parquet files.
#[cfg(feature = "arrow")]
fn parquet_batch(prepared: &Prepared, stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    parquet_files::batch(prepared, stdout, stderr)
}

/// `batch` over Parquet files, without the feature that reads them.
#[cfg(not(feature = "arrow"))]
fn parquet_batch(_: &Prepared, _: &mut impl Write, stderr: &mut impl Write) -> i32 {
    fail(stderr, NEEDS_ARROW)
}

/// `to-parquet RULES... --contacts FILE.jsonl --out-contacts FILE [--out-events FILE]
/// [--rows-per-group N]`: the contacts written as Parquet files for `batch`.
#[cfg(feature = "arrow")]
fn to_parquet(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    parquet_files::to_parquet(args, stdout, stderr)
}

/// `to-parquet`, without the feature that writes Parquet files.
#[cfg(not(feature = "arrow"))]
fn to_parquet(_: &[String], _: &mut impl Write, stderr: &mut impl Write) -> i32 {
    fail(stderr, NEEDS_ARROW)
}

/// `reward RULES... --contacts FILE --reward NAME --now T [--tz ZONE]`: one JSON line
/// per trigger event at or before `now`, per contact in chronological order.
fn reward(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let setup = match Setup::read("reward", args, &["--reward"], stderr) {
        Ok(setup) => setup,
        Err(code) => return code,
    };
    let Some(name) = setup.options.value("--reward") else {
        return usage(stderr, "`reward` needs `--reward NAME`");
    };
    if !setup
        .program
        .items()
        .any(|(item, kind)| item == name && kind == ItemKind::Reward)
    {
        return fail(stderr, format!("the rules have no reward named `{name}`"));
    }
    let mut output = Output::new(stdout);
    for line in setup.lines() {
        let contact = match line.contact(&setup.program) {
            Ok(contact) => contact,
            Err(error) => {
                output.error(&line, &error);
                continue;
            }
        };
        match setup.program.rewards(name, &contact, &setup.context) {
            Ok(grants) => {
                for grant in grants {
                    output.line(format!(
                        "{{\"id\":{},\"event_at\":{},\"reward\":{},\"value\":{}}}",
                        json(&Value::String(contact.id().into())),
                        json(&Value::DateTime(grant.at())),
                        json(&Value::String(name.into())),
                        json(&Value::Number(grant.value())),
                    ));
                }
            }
            Err(error) => output.error(&line, &error),
        }
    }
    output.finish(stderr)
}

/// What the commands over a contacts file share: the compiled rules, the context, and the
/// contacts file's text.
struct Setup {
    options: Options,
    program: Program,
    context: Context,
    contacts: String,
}

impl Setup {
    /// Reads `RULES... --contacts FILE --now T [--tz ZONE]` plus the `extra` options,
    /// and the contacts file; on failure, reports it and gives the exit code.
    fn read(
        command: &str,
        args: &[String],
        extra: &[&str],
        stderr: &mut impl Write,
    ) -> Result<Setup, i32> {
        let Prepared {
            options,
            program,
            context,
        } = Prepared::read(command, args, extra, stderr)?;
        let contacts = read_text(options.contacts_path(), stderr)?;
        Ok(Setup {
            options,
            program,
            context,
            contacts,
        })
    }

    /// Every line of the contacts file with the contact read from it (or why not),
    /// for the commands that work on the whole file at once.
    fn read_contacts(&self) -> (Vec<Line<'_>>, Vec<Result<Contact, String>>) {
        let lines: Vec<Line<'_>> = self.lines().collect();
        let contacts = lines
            .iter()
            .map(|line| line.contact(&self.program))
            .collect();
        (lines, contacts)
    }

    /// The contacts file's non-blank lines, numbered from 1 (blank lines count).
    fn lines(&self) -> impl Iterator<Item = Line<'_>> {
        lines(&self.contacts)
    }
}

/// What the commands over contacts share before the contacts are read: the options
/// (`--contacts` among them), the compiled rules and the context.
struct Prepared {
    options: Options,
    program: Program,
    context: Context,
}

impl Prepared {
    /// Reads `RULES... --contacts FILE --now T [--tz ZONE]` plus the `extra` options,
    /// and compiles the rules; on failure, reports it and gives the exit code.
    fn read(
        command: &str,
        args: &[String],
        extra: &[&str],
        stderr: &mut impl Write,
    ) -> Result<Prepared, i32> {
        let known: Vec<&str> = ["--contacts", "--now", "--tz"]
            .into_iter()
            .chain(extra.iter().copied())
            .collect();
        let options = Options::parse(args, &known).map_err(|message| usage(stderr, &message))?;
        if options.value("--contacts").is_none() {
            return Err(usage(
                stderr,
                &format!("`{command}` needs `--contacts FILE.jsonl`"),
            ));
        }
        let Some(now) = options.value("--now") else {
            return Err(usage(
                stderr,
                &format!("`{command}` needs `--now T`, an RFC 3339 instant"),
            ));
        };
        let now = DateTime::parse_from_rfc3339(now)
            .map_err(|e| {
                fail(
                    stderr,
                    format!("`--now {now}` is not an RFC 3339 instant: {e}"),
                )
            })?
            .with_timezone(&Utc);
        let mut context = Context::new(now);
        if let Some(zone) = options.value("--tz") {
            let tz = zone
                .parse::<Tz>()
                .map_err(|_| fail(stderr, format!("`--tz {zone}` is not an IANA time zone")))?;
            context = context.with_time_zone(tz);
        }
        let program = compile(&options.rules, stderr).ok_or(FAILURE)?;
        Ok(Prepared {
            options,
            program,
            context,
        })
    }
}

/// The text of the file at `path`; on failure, reports it and gives the exit code.
fn read_text(path: &str, stderr: &mut impl Write) -> Result<String, i32> {
    std::fs::read_to_string(path).map_err(|e| fail(stderr, format!("cannot read `{path}`: {e}")))
}

/// The non-blank lines of a contacts file, numbered from 1 (blank lines count).
fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    text.lines()
        .enumerate()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(index, text)| Line {
            number: index + 1,
            text,
        })
}

/// One line of the contacts file.
struct Line<'t> {
    number: usize,
    text: &'t str,
}

impl Line<'_> {
    fn contact(&self, program: &Program) -> Result<Contact, String> {
        program
            .contact_from_json(self.text)
            .map_err(|e| e.to_string())
    }
}

/// Result lines on stdout, remembering whether any contact failed.
struct Output<'w, W: Write> {
    stdout: &'w mut W,
    failed: bool,
    broken: bool,
}

impl<'w, W: Write> Output<'w, W> {
    fn new(stdout: &'w mut W) -> Self {
        Output {
            stdout,
            failed: false,
            broken: false,
        }
    }

    fn line(&mut self, text: String) {
        self.broken |= writeln!(self.stdout, "{text}").is_err();
    }

    fn error(&mut self, line: &Line<'_>, error: &dyn Display) {
        self.failed = true;
        self.line(error_line(line.text, line.number, &error.to_string()));
    }

    /// The exit code: 1 if a contact failed, 2 if the output could not be written.
    fn finish(self, stderr: &mut impl Write) -> i32 {
        if self.broken {
            fail(stderr, "cannot write the output")
        } else if self.failed {
            BAD_CONTACT
        } else {
            OK
        }
    }
}

fn json(value: &Value) -> String {
    let mut out = String::new();
    write_json(value, &mut out);
    out
}

/// `{"id":…,"line":N,"error":"…"}`, with the id when one can be read from the line.
fn error_line(line: &str, number: usize, error: &str) -> String {
    let id = serde_json::from_str::<serde_json::Value>(line)
        .ok()
        .and_then(|json| json.get("id").and_then(|id| id.as_str()).map(str::to_owned));
    let id = id.map_or_else(|| "null".to_owned(), |id| json(&Value::String(id.into())));
    format!(
        "{{\"id\":{id},\"line\":{number},\"error\":{}}}",
        json(&Value::String(error.into()))
    )
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

    /// The value of `--contacts`, which [`Prepared::read`] makes sure is given.
    fn contacts_path(&self) -> &str {
        self.value("--contacts").unwrap_or_default()
    }
}
