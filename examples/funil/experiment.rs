//! The `experiment` command: the report of one experiment over every contact of the
//! file, as one line of JSON (`funil::ExperimentReport::to_json`).
//!
//! A contact line that does not read prints `{"id":…,"line":N,"error":"…"}` first,
//! in input order, and is left out of the report, which comes last; the exit code is
//! then 1.

use std::io::Write;

use funil::ItemKind;

use super::{Output, Setup, fail, usage};

/// `experiment RULES... --contacts FILE --experiment NAME --now T [--tz ZONE]`.
pub fn run(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let setup = match Setup::read("experiment", args, &["--experiment"], stderr) {
        Ok(setup) => setup,
        Err(code) => return code,
    };
    let Some(name) = setup.options.value("--experiment") else {
        return usage(stderr, "`experiment` needs `--experiment NAME`");
    };
    if !setup
        .program
        .items()
        .any(|(item, kind)| item == name && kind == ItemKind::Experiment)
    {
        return fail(
            stderr,
            format!("the rules have no experiment named `{name}`"),
        );
    }
    let mut output = Output::new(stdout);
    let mut contacts = Vec::new();
    for line in setup.lines() {
        match line.contact(&setup.program) {
            Ok(contact) => contacts.push(contact),
            Err(error) => output.error(&line, &error),
        }
    }
    match setup.program.experiment(name, &contacts, &setup.context) {
        Ok(report) => output.line(report.to_json()),
        Err(error) => return fail(stderr, error),
    }
    output.finish(stderr)
}
