//! The quickstart's segments run inside PostgreSQL: the table layout created from the
//! rules (`Program::sql_schema`), the quickstart's dozen contacts loaded through `COPY`
//! (`Program::write_sql_copy_rows`), then each segment's pushed-down query
//! (`Program::to_sql`) run at the quickstart's instant in São Paulo time, its ids
//! printed and compared with what `Program::evaluate_batch` answers in process.
//!
//! It needs a server: `FUNIL_DATABASE_URL` names it (see the README's "Running
//! segments in your database" for starting a throwaway one). Everything is written in
//! the schema `funil_example`, dropped first and left behind for a look with `psql`.
//!
//! ```text
//! FUNIL_DATABASE_URL=postgresql://postgres@127.0.0.1:54500/postgres cargo run --example database
//! ```
//!
//! Exits 2 when `FUNIL_DATABASE_URL` is unset, 1 when the database and the
//! interpreter disagree on a segment.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use funil::{Context, ItemKind, SqlOptions, Tz};
use postgres::{Client, NoTls};

/// The quickstart's rules.
const RULES: &str = include_str!("data/quickstart.funil");

/// The quickstart's dozen contacts, one JSON object per line.
const CONTACTS: &str = include_str!("data/quickstart_contacts.jsonl");

/// The environment variable naming the server.
const URL_VARIABLE: &str = "FUNIL_DATABASE_URL";

/// The schema the example works in.
const SCHEMA: &str = "funil_example";

fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let Ok(url) = std::env::var(URL_VARIABLE) else {
        eprintln!(
            "{URL_VARIABLE} is not set: it names a PostgreSQL server to run the segments in.\n\
             Start a throwaway one (as a user other than root) and run the example again:\n\n\
             \x20 dir=$(mktemp -d)\n\
             \x20 initdb -D \"$dir/data\" -U postgres -A trust --no-locale -E UTF8\n\
             \x20 pg_ctl -D \"$dir/data\" -l \"$dir/server.log\" -w \\\n\
             \x20   -o \"-c listen_addresses=127.0.0.1 -p 54500 -k $dir\" start\n\
             \x20 {URL_VARIABLE}=postgresql://postgres@127.0.0.1:54500/postgres cargo run --example database\n\
             \x20 pg_ctl -D \"$dir/data\" -m fast stop && rm -rf \"$dir\""
        );
        return Ok(ExitCode::from(2));
    };

    let program = funil::compile(RULES)?;
    let now: DateTime<Utc> = "2026-11-22T12:00:00Z".parse()?;
    let zone = "America/Sao_Paulo";
    let context = Context::new(now).with_time_zone(zone.parse::<Tz>()?);
    let contacts = CONTACTS
        .trim()
        .lines()
        .map(|line| program.contact_from_json(line))
        .collect::<Result<Vec<_>, _>>()?;

    // A fresh schema, first on the search path: the layout's unqualified table and
    // function names land there.
    let mut client = Client::connect(&url, NoTls)?;
    client.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}; \
         SET search_path TO {SCHEMA}"
    ))?;
    let options = SqlOptions::new();
    client.batch_execute(&program.sql_schema(&options)?)?;

    // The contacts' rows and their events' rows, one `COPY` each.
    let (mut contact_rows, mut event_rows) = (String::new(), String::new());
    for contact in &contacts {
        program.write_sql_copy_rows(contact, &mut contact_rows, &mut event_rows)?;
    }
    let (copy_contacts, copy_events) = program.sql_copy_statements(&options);
    for (statement, rows) in [(copy_contacts, contact_rows), (copy_events, event_rows)] {
        let mut writer = client.copy_in(statement.as_str())?;
        writer.write_all(rows.as_bytes())?;
        writer.finish()?;
    }
    println!(
        "{} contacts with {} events loaded into schema `{SCHEMA}`; segments at {now} ({zone}):\n",
        contacts.len(),
        contacts.iter().map(|c| c.events().len()).sum::<usize>()
    );

    // The in-process answer, the whole batch at once (the ranked segment needs it).
    let evaluations = program.evaluate_batch(&contacts, &context)?;

    let mut disagreements = 0;
    let segments = program
        .items()
        .filter(|(_, kind)| *kind == ItemKind::Segment)
        .map(|(name, _)| name);
    for segment in segments {
        let query = program.to_sql(segment, &options)?;
        // `$1` is the instant (timestamptz), `$2` the time zone's IANA name (text).
        let in_database: BTreeSet<String> = client
            .query(query.text(), &[&now, &zone])?
            .iter()
            .map(|row| row.get("id"))
            .collect();
        let in_process: BTreeSet<String> = contacts
            .iter()
            .zip(&evaluations)
            .filter(|(_, evaluation)| evaluation.segments().iter().any(|s| s == segment))
            .map(|(contact, _)| contact.id().to_string())
            .collect();
        let ids: Vec<&str> = in_database.iter().map(String::as_str).collect();
        let ids = if ids.is_empty() {
            "(none)".to_string()
        } else {
            ids.join(", ")
        };
        if in_database == in_process {
            println!("  {segment:<25} {ids:<40} agrees");
        } else {
            disagreements += 1;
            let process: Vec<&str> = in_process.iter().map(String::as_str).collect();
            println!(
                "  {segment:<25} {ids:<40} DIFFERS: in process {}",
                process.join(", ")
            );
        }
    }

    if disagreements > 0 {
        eprintln!("\n{disagreements} segment(s) differ between PostgreSQL and funil");
        return Ok(ExitCode::from(1));
    }
    println!("\nPostgreSQL and funil agree on every segment.");
    Ok(ExitCode::SUCCESS)
}
