//! A PostgreSQL database for the tests of the SQL push-down: a connection in a schema of
//! its own, the layout created and contacts loaded through `COPY`, and a segment's query
//! run.
//!
//! The server is the one `FUNIL_TEST_DATABASE_URL` names
//! (`postgresql://postgres@127.0.0.1:54329/funil`, as `.ci/run` starts it); when it is
//! unset, [`database`] prints why the test is skipped and gives `None`. A server named
//! but unreachable fails the test.
//!
//! Include with `#[path = "common/pg.rs"] mod pg;`.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::Write as _;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use funil::{Contact, Program, SqlOptions, SqlQuery};
use postgres::{Client, NoTls};

/// The environment variable naming the test server.
pub const URL_VARIABLE: &str = "FUNIL_TEST_DATABASE_URL";

/// A connection whose `search_path` is a schema made for one test, dropped (with
/// everything in it) when this is dropped, even when the test fails.
pub struct Database {
    client: Client,
    schema: String,
}

/// A connection to the test server in a new, empty schema named after the test (the
/// name libtest gives the thread running it) and the process, so that tests and runs
/// side by side do not meet; `None`, with the reason printed, when no server is named.
pub fn database() -> Option<Database> {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("test");
    let Ok(url) = std::env::var(URL_VARIABLE) else {
        eprintln!("skipped `{test}`: {URL_VARIABLE} is not set (`.ci/run` starts a server)");
        return None;
    };
    let mut client = Client::connect(&url, NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to {URL_VARIABLE}={url}: {e}"));
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name: String = test
        .rsplit("::")
        .next()
        .unwrap_or(test)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let schema = format!("t_{name}_{}_{n}", std::process::id());
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; \
             SET search_path TO {schema}"
        ))
        .unwrap();
    Some(Database { client, schema })
}

impl Database {
    /// The schema this connection works in.
    pub fn schema(&self) -> &str {
        &self.schema
    }
}

impl Deref for Database {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl DerefMut for Database {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let drop = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema);
        if let Err(e) = self.client.batch_execute(&drop) {
            eprintln!("cannot drop the test schema `{}`: {e}", self.schema);
        }
    }
}

/// Creates the layout of `program`'s schema (`Program::sql_schema`) and loads
/// `contacts` into it through `COPY … FROM STDIN`, with the rows of
/// `Program::write_sql_copy_rows`.
pub fn load(client: &mut Client, program: &Program, options: &SqlOptions, contacts: &[Contact]) {
    client
        .batch_execute(&program.sql_schema(options).unwrap())
        .unwrap();
    copy(client, program, options, contacts);
}

/// Loads `contacts` into tables that exist, through `COPY … FROM STDIN`.
pub fn copy(client: &mut Client, program: &Program, options: &SqlOptions, contacts: &[Contact]) {
    let (mut contact_rows, mut event_rows) = (String::new(), String::new());
    for contact in contacts {
        program
            .write_sql_copy_rows(contact, &mut contact_rows, &mut event_rows)
            .unwrap();
    }
    let (contacts_copy, events_copy) = program.sql_copy_statements(options);
    for (statement, rows) in [(contacts_copy, contact_rows), (events_copy, event_rows)] {
        let mut writer = client.copy_in(statement.as_str()).unwrap();
        writer.write_all(rows.as_bytes()).unwrap();
        writer.finish().unwrap();
    }
}

/// The ids a segment's query returns at `now` in the time zone `zone`: `$1` bound as a
/// `timestamptz`, `$2` as `text`.
pub fn segment_ids(
    client: &mut Client,
    query: &SqlQuery,
    now: DateTime<Utc>,
    zone: &str,
) -> BTreeSet<String> {
    client
        .query(query.text(), &[&now, &zone])
        .unwrap_or_else(|e| panic!("{e}\n{query}"))
        .iter()
        .map(|row| row.get::<_, String>("id"))
        .collect()
}
