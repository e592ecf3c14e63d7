//! The `sql` and `sql-schema` commands: a segment pushed down to PostgreSQL as one query
//! (`Program::to_sql`), and the `CREATE TABLE` script of the table layout that query
//! reads (`Program::sql_schema`), with the default table and column names.

use std::io::Write;

use funil::{ItemKind, NotPushable, SqlOptions};

use super::{FAILURE, OK, Options, compile, fail, usage};

/// Exit code: the segment, or the schema, cannot be pushed down to SQL.
pub const NOT_PUSHABLE: i32 = 1;

/// `sql RULES... --item NAME`: the query that returns the ids of the contacts in the
/// segment, its parameters `$1` (now, `timestamptz`) and `$2` (the IANA zone, `text`).
pub fn run(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let options = match Options::parse(args, &["--item"]) {
        Ok(options) => options,
        Err(message) => return usage(stderr, &message),
    };
    let Some(item) = options.value("--item") else {
        return usage(stderr, "`sql` needs `--item NAME`");
    };
    let Some(program) = compile(&options.rules, stderr) else {
        return FAILURE;
    };
    if !program
        .items()
        .any(|(name, kind)| name == item && kind == ItemKind::Segment)
    {
        return fail(stderr, format!("the rules have no segment named `{item}`"));
    }
    match program.to_sql(item, &SqlOptions::new()) {
        Ok(query) => print(stdout, &format!("{query}\n"), stderr),
        Err(error) => refused(&error, &format!("the segment `{item}`"), stderr),
    }
}

/// `sql-schema RULES...`: the `CREATE TABLE` script of the layout.
pub fn schema(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let options = match Options::parse(args, &[]) {
        Ok(options) => options,
        Err(message) => return usage(stderr, &message),
    };
    let Some(program) = compile(&options.rules, stderr) else {
        return FAILURE;
    };
    match program.sql_schema(&SqlOptions::new()) {
        Ok(script) => print(stdout, &script, stderr),
        Err(error) => refused(&error, "the schema", stderr),
    }
}

fn print(stdout: &mut impl Write, text: &str, stderr: &mut impl Write) -> i32 {
    match stdout.write_all(text.as_bytes()) {
        Ok(()) => OK,
        Err(_) => fail(stderr, "cannot write the output"),
    }
}

/// Reports why SQL cannot be written for `what`: with the source line and a caret when
/// the refusal is located in the rules, as compile errors are.
fn refused(error: &NotPushable, what: &str, stderr: &mut impl Write) -> i32 {
    match error.diagnostic() {
        Some(diagnostic) => {
            let _ = writeln!(stderr, "{diagnostic}\n");
            let _ = writeln!(stderr, "error: {what} cannot be pushed down to SQL");
        }
        None => {
            let _ = writeln!(stderr, "error: {error}");
        }
    }
    NOT_PUSHABLE
}
