//! The `deps` command: what each item of the rules depends on, as a table.
//!
//! One row per item, in declaration order: its kind and name, whether it depends on
//! now and on the time zone, the attributes it reads, the other items it depends on,
//! and the event kinds it reads with the props read of each in parentheses (last, as
//! the longest column), all transitively (`Program::reads`). An empty cell is `-`.

use std::io::Write;

use funil::Program;

use super::{FAILURE, OK, Options, compile, fail, usage};

/// The table's header.
const HEADER: [&str; 7] = [
    "KIND",
    "NAME",
    "NOW",
    "ZONE",
    "ATTRIBUTES",
    "ITEMS",
    "EVENTS",
];

/// `deps RULES...`.
pub fn run(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let options = match Options::parse(args, &[]) {
        Ok(options) => options,
        Err(message) => return usage(stderr, &message),
    };
    let Some(program) = compile(&options.rules, stderr) else {
        return FAILURE;
    };
    let rows = match rows(&program) {
        Ok(rows) => rows,
        Err(error) => return fail(stderr, error),
    };
    match write_table(&rows, stdout) {
        Ok(()) => OK,
        Err(_) => fail(stderr, "cannot write the output"),
    }
}

/// The header and one row per item.
fn rows(program: &Program) -> Result<Vec<[String; 7]>, funil::EvalError> {
    let mut rows = vec![HEADER.map(String::from)];
    for (name, kind) in program.items() {
        let reads = program.reads(name)?;
        let events: Vec<String> = reads
            .events()
            .map(|(kind, props)| match props {
                [] => kind.to_string(),
                props => format!("{kind}({})", props.join(", ")),
            })
            .collect();
        rows.push([
            kind.name().to_string(),
            name.to_string(),
            yes_no(reads.depends_on_now()),
            yes_no(reads.depends_on_time_zone()),
            cell(reads.attributes()),
            cell(reads.items()),
            cell(&events),
        ]);
    }
    Ok(rows)
}

fn yes_no(flag: bool) -> String {
    String::from(if flag { "yes" } else { "no" })
}

/// Names joined by commas, or `-`.
fn cell(names: &[impl AsRef<str>]) -> String {
    if names.is_empty() {
        return "-".to_string();
    }
    let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    names.join(", ")
}

/// The rows with their columns aligned (the last one unpadded).
fn write_table(rows: &[[String; 7]], out: &mut impl Write) -> std::io::Result<()> {
    let mut widths = [0; 7];
    for row in rows {
        for (width, text) in widths.iter_mut().zip(row) {
            *width = (*width).max(text.chars().count());
        }
    }
    for row in rows {
        let mut line = String::new();
        for (index, (text, width)) in row.iter().zip(widths).enumerate() {
            if index + 1 == row.len() {
                line.push_str(text);
            } else {
                let padding = width - text.chars().count();
                line.push_str(text);
                line.push_str(&" ".repeat(padding + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
