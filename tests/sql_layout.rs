#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The table layout of the SQL push-down (issue 12) on a real PostgreSQL server: the
//! `CREATE TABLE` script of `Program::sql_schema` runs, and contacts loaded through
//! `COPY` with the rows of `Program::write_sql_copy_rows` read back, column by column
//! with plain SQL, as exactly the values of the `Contact`: awkward text, every type,
//! exact numbers, nulls, empty lists, 29 February, the year 0000, events with equal
//! instants, props through `props->>'…'`, and generated contacts
//! (`tests/common/rules.rs`).
//!
//! Each test needs `FUNIL_TEST_DATABASE_URL` (`.ci/run` starts a server and sets it);
//! without it, it prints why it is skipped and passes.

#[path = "common/pg.rs"]
mod pg;
#[path = "common/rules.rs"]
mod rules;

use std::cell::RefCell;
use std::str::FromStr as _;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use funil::{Contact, Decimal, Program, SqlOptions, Type, Value};
use postgres::Client;
use postgres::types::FromSql;
use proptest::collection::vec;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value as Json;

const SPEC_SCHEMA: &str = include_str!("data/spec_schema.funil");
const SPEC_CONTACT: &str = include_str!("data/spec_contact.jsonl");

fn compile(source: &str) -> Program {
    funil::compile(source).unwrap_or_else(|e| panic!("{e}"))
}

/// The columns of `table`: name, type and whether it is `NOT NULL`, in order.
fn columns(client: &mut Client, table: &str) -> Vec<(String, String, bool)> {
    client
        .query(
            "SELECT attname::text, format_type(atttypid, atttypmod), attnotnull \
             FROM pg_attribute WHERE attrelid = $1::text::regclass AND attnum > 0 \
             AND NOT attisdropped ORDER BY attnum",
            &[&table],
        )
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect()
}

fn column(name: &str, ty: &str, not_null: bool) -> (String, String, bool) {
    (name.to_string(), ty.to_string(), not_null)
}

#[test]
fn the_layout_of_the_spec_schema_has_a_typed_column_per_attribute() {
    let Some(mut db) = pg::database() else {
        return;
    };
    let program = compile(SPEC_SCHEMA);
    let contacts = [program.contact_from_json(SPEC_CONTACT).unwrap()];
    pg::load(&mut db, &program, &SqlOptions::new(), &contacts);
    assert_eq!(
        columns(&mut db, "contacts"),
        [
            column("id", "text", true),
            column("email", "text", true),
            column("first_name", "text", false),
            column("country", "text", false),
            column("stage", "text", true),
            column("owner", "text", false),
            column("birthday", "date", false),
            column("created_at", "timestamp with time zone", true),
            column("total_spent", "numeric", true),
            column("tags", "text[]", true),
        ]
    );
    assert_eq!(
        columns(&mut db, "events"),
        [
            column("contact_id", "text", true),
            column("seq", "integer", true),
            column("kind", "text", true),
            column("at", "timestamp with time zone", true),
            column("props", "jsonb", true),
        ]
    );
    let schema = db.schema().to_string();
    let index: String = db
        .query_one(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'events'",
            &[&schema],
        )
        .unwrap()
        .get(0);
    assert!(
        index.ends_with("USING btree (contact_id, kind, at)"),
        "{index}"
    );
    assert_read_back(&mut db, &program, &SqlOptions::new(), &contacts);
}

#[test]
fn the_layout_of_the_generated_rules_schema_holds_generated_contacts() {
    let Some(mut db) = pg::database() else {
        return;
    };
    let program = compile(rules::SCHEMA);
    db.batch_execute(&program.sql_schema(&SqlOptions::new()).unwrap())
        .unwrap();
    let config = Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    };
    let db = RefCell::new(db);
    let mut runner = TestRunner::new(config);
    runner
        .run(&vec(rules::contact(), 1..6), |lines| {
            let contacts: Vec<Contact> = lines
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    // Generated ids may repeat; the table's key may not.
                    let mut json: Json = serde_json::from_str(line).unwrap();
                    json["id"] = Json::from(format!("{i}-{}", json["id"].as_str().unwrap()));
                    program.contact_from_json(&json.to_string()).unwrap()
                })
                .collect();
            let mut db = db.borrow_mut();
            db.batch_execute("TRUNCATE contacts, events").unwrap();
            pg::copy(&mut db, &program, &SqlOptions::new(), &contacts);
            assert_read_back(&mut db, &program, &SqlOptions::new(), &contacts);
            Ok(())
        })
        .unwrap();
}

/// A schema with every type, optional and not, in attributes and in props.
const EVERY_TYPE: &str = r#"
schema {
  contact {
    flag: bool
    maybe_flag: bool?
    amount: number
    maybe_amount: number?
    name: string
    note: string?
    birthday: date?
    seen: datetime
    maybe_seen: datetime?
    delay: duration?
    tags: list<string>
    scores: list<number?>
    days: list<date>
    instants: list<datetime>?
    spans: list<duration>
    bits: list<bool>
  }
  event purchase {
    amount: number, note: string?, day: date?, paid_at: datetime?, span: duration?,
    items: list<string>?, amounts: list<number>?, grid: list<list<number>>?, ok: bool?
  }
  event page.viewed { path: string }
  event contact.created { }
}
"#;

/// Text that the text format, array literals or JSON must escape.
const AWKWARD: &str =
    "quote ' double \" backslash \\ tab \t newline \n return \r \\N \\. NULL {a,b} é 😀";

fn awkward_contacts(program: &Program) -> Vec<Contact> {
    let awkward = serde_json::to_string(AWKWARD).unwrap();
    let full = format!(
        r#"{{
        "id": "c-1 {awkward_id}",
        "attributes": {{
            "flag": true, "maybe_flag": false, "amount": "79228162514264337593543950335",
            "maybe_amount": "-0.0000000000000000000000000001", "name": {awkward}, "note": "",
            "birthday": "2000-02-29", "seen": "2026-11-22T12:00:00.123456Z",
            "maybe_seen": "0000-02-29T23:59:59.5Z", "delay": "1w3d1h1m1.5s",
            "tags": ["", "a,b", "{{x}}", "\"q\"", "back\\slash", "NULL", "tab\there", "new\nline", {awkward}],
            "scores": [1.5, null, "0.1000000000000000000000000001", -7],
            "days": ["0000-02-29", "2024-02-29", "9999-12-31", "1970-01-01"],
            "instants": ["2026-03-08T06:59:59.999999Z", "1900-01-01T00:00:00Z"],
            "spans": ["-1h", "0s", "2w", "0.000001s"], "bits": [true, false]
        }},
        "events": [
            {{"kind": "purchase", "at": "2026-11-20T10:00:00Z", "props": {{
                "amount": "0.1000000000000000000000000001", "note": {awkward}, "day": "2024-02-29",
                "paid_at": "2026-11-20T10:00:00.25Z", "span": "1d2h", "items": ["a", "b\"c", "", {awkward}],
                "amounts": [19.99, "12345678901234567890.5"], "grid": [[1, 2], []], "ok": false}}}},
            {{"kind": "page.viewed", "at": "2026-11-20T10:00:00Z", "props": {{"path": "/é?q=1&x=\\\\"}}}},
            {{"kind": "contact.created", "at": "2026-11-20T10:00:00Z"}},
            {{"kind": "purchase", "at": "2026-11-19T23:00:00-03:00", "props": {{"amount": 0.2}}}},
            {{"kind": "purchase", "at": "2025-01-01T00:00:00Z", "props": {{"amount": -3, "note": null}}}}
        ]
    }}"#,
        awkward_id = "\\\\ \\t é"
    );
    let minimal = r#"{
        "id": "Zé\t2",
        "attributes": {
            "flag": false, "amount": 0, "name": "x", "seen": "1970-01-01T00:00:00Z",
            "tags": [], "scores": [], "days": [], "instants": [], "spans": [], "bits": []
        }
    }"#;
    let early = r#"{
        "id": "a\\b",
        "attributes": {
            "flag": true, "amount": "1200.50", "name": "\\", "seen": "0000-01-01T00:00:00Z",
            "birthday": "0000-12-31", "delay": "-0.25s",
            "tags": ["\\"], "scores": [null], "days": ["0000-01-01"], "spans": [], "bits": []
        },
        "events": [{"kind": "contact.created", "at": "0000-01-01T00:00:00Z"}]
    }"#;
    [full.as_str(), minimal, early]
        .into_iter()
        .map(|json| {
            program
                .contact_from_json(json)
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

#[test]
fn awkward_contacts_of_every_type_read_back_exactly() {
    let Some(mut db) = pg::database() else {
        return;
    };
    let program = compile(EVERY_TYPE);
    let contacts = awkward_contacts(&program);
    // The rows do not depend on the session's zone, date style or interval style.
    db.batch_execute(
        "SET TimeZone = 'America/Sao_Paulo'; SET DateStyle = 'SQL, DMY'; \
         SET IntervalStyle = 'sql_standard'",
    )
    .unwrap();
    pg::load(&mut db, &program, &SqlOptions::new(), &contacts);
    db.batch_execute("RESET TimeZone; RESET DateStyle; RESET IntervalStyle")
        .unwrap();
    assert_read_back(&mut db, &program, &SqlOptions::new(), &contacts);

    // Numbers in props are exact through `(props->>'amount')::numeric`.
    let sum: String = db
        .query_one(
            "SELECT sum((props->>'amount')::numeric)::text FROM events WHERE kind = 'purchase'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        Decimal::from_str(&sum).unwrap(),
        Decimal::from_str("-2.6999999999999999999999999999").unwrap()
    );
    // A duration column is a span of hours, minutes and seconds: adding it moves an
    // instant by exactly that span, across a change of daylight-saving time too.
    db.batch_execute("SET TimeZone = 'America/New_York'")
        .unwrap();
    let row = db
        .query_one(
            "SELECT timestamptz '2026-03-07T12:00:00Z' + delay \
             = timestamptz '2026-03-17T13:01:01.5Z', extract(day FROM delay)::int \
             FROM contacts WHERE name = $1",
            &[&AWKWARD],
        )
        .unwrap();
    assert!(row.get::<_, bool>(0));
    assert_eq!(row.get::<_, i32>(1), 0);
}

#[test]
fn renamed_and_schema_qualified_tables_and_columns_load_too() {
    let Some(mut db) = pg::database() else {
        return;
    };
    let program = compile(SPEC_SCHEMA);
    let contacts = [program.contact_from_json(SPEC_CONTACT).unwrap()];
    let options = SqlOptions::new()
        .contacts_table(format!("{}.Leads", db.schema()))
        .events_table(format!("{}.lead events", db.schema()))
        .id_column("lead id")
        .seq_column("position")
        .props_column("data")
        .attribute_column("first_name", "first \"name\"");
    pg::load(&mut db, &program, &options, &contacts);
    let names: Vec<String> = columns(&mut db, "\"Leads\"")
        .into_iter()
        .map(|(name, _, _)| name)
        .take(3)
        .collect();
    assert_eq!(names, ["lead id", "email", "first \"name\""]);
    assert_read_back(&mut db, &program, &options, &contacts);
}

// ---------------------------------------------------------------------------------
// Reading the tables back

/// Asserts that the tables hold exactly `contacts`: one row per contact whose columns
/// read back as its attributes, and one row per event, in `Contact::events` order.
fn assert_read_back(
    client: &mut Client,
    program: &Program,
    options: &SqlOptions,
    contacts: &[Contact],
) {
    let schema = program.schema();
    let count: i64 = client
        .query_one(&format!("SELECT count(*) FROM {}", options.contacts()), &[])
        .unwrap()
        .get(0);
    assert_eq!(count, i64::try_from(contacts.len()).unwrap());
    let attributes: Vec<(&str, &Type)> = schema
        .attributes()
        .map(|(_, name, ty)| (name, ty))
        .collect();
    let select: Vec<String> = attributes
        .iter()
        .map(|(name, ty)| column_expression(&options.attribute(name), ty))
        .collect();
    let query = format!(
        "SELECT {} FROM {} WHERE {} = $1",
        select.join(", "),
        options.contacts(),
        options.id()
    );
    for contact in contacts {
        let row = client.query_one(&query, &[&contact.id()]).unwrap();
        for (index, ((name, ty), expected)) in
            attributes.iter().zip(contact.attributes()).enumerate()
        {
            let read = decode(&row, index, ty, Reading::Column);
            assert_eq!(&read, expected, "`{}` of `{}`", name, contact.id());
        }
        assert_events(client, program, options, contact);
    }
}

/// Asserts that the events of `contact` read back in order, with their props.
fn assert_events(client: &mut Client, program: &Program, options: &SqlOptions, contact: &Contact) {
    let schema = program.schema();
    let rows = client
        .query(
            &format!(
                "SELECT {seq}, {kind}, {at}, array(SELECT jsonb_object_keys({props}) ORDER BY 1) \
                 FROM {events} WHERE {contact_id} = $1 ORDER BY {at}, {seq}",
                seq = options.seq(),
                kind = options.kind(),
                at = options.at(),
                props = options.props(),
                events = options.events(),
                contact_id = options.contact_id(),
            ),
            &[&contact.id()],
        )
        .unwrap();
    assert_eq!(
        rows.len(),
        contact.events().len(),
        "events of `{}`",
        contact.id()
    );
    for (index, (row, event)) in rows.iter().zip(contact.events()).enumerate() {
        let what = format!("events[{index}] of `{}`", contact.id());
        assert_eq!(
            row.get::<_, i32>(0),
            i32::try_from(index).unwrap(),
            "{what}"
        );
        assert_eq!(
            row.get::<_, String>(1),
            schema.kind_name(event.kind()),
            "{what}"
        );
        assert_eq!(row.get::<_, DateTime<Utc>>(2), event.at(), "{what}");
        let mut present: Vec<String> = schema
            .props(event.kind())
            .zip(event.props())
            .filter(|(_, value)| !value.is_null())
            .map(|((name, _), _)| name.to_string())
            .collect();
        present.sort();
        assert_eq!(
            row.get::<_, Vec<String>>(3),
            present,
            "null props are left out: {what}"
        );
        let props: Vec<(&str, &Type)> = schema.props(event.kind()).collect();
        if props.is_empty() {
            continue;
        }
        let select: Vec<String> = props
            .iter()
            .map(|(name, ty)| prop_expression(&options.props(), name, ty))
            .collect();
        let row = client
            .query_one(
                &format!(
                    "SELECT {} FROM {} WHERE {} = $1 AND {} = $2",
                    select.join(", "),
                    options.events(),
                    options.contact_id(),
                    options.seq()
                ),
                &[&contact.id(), &i32::try_from(index).unwrap()],
            )
            .unwrap();
        for (slot, ((name, ty), expected)) in props.iter().zip(event.props()).enumerate() {
            let read = decode(&row, slot, ty, Reading::Prop);
            assert_eq!(read, as_prop(expected), "prop `{name}` of {what}");
        }
    }
}

/// Where a value is read from: a typed column, or the text of a prop in `props`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    Column,
    Prop,
}

/// The SQL that reads the column `column` of type `ty` in a form [`decode`] takes:
/// numbers and intervals (as seconds) through text, so that nothing passes through
/// binary floating point.
fn column_expression(column: &str, ty: &Type) -> String {
    match ty.non_optional() {
        Type::Number => format!("{column}::text"),
        Type::Duration => format!("extract(epoch FROM {column})::text"),
        Type::List(element) => match element.non_optional() {
            Type::Number => format!("{column}::text[]"),
            Type::Duration => format!(
                "CASE WHEN {column} IS NOT NULL THEN array(SELECT extract(epoch FROM e)::text \
                 FROM unnest({column}) WITH ORDINALITY AS u(e, o) ORDER BY o) END"
            ),
            _ => column.to_string(),
        },
        _ => column.to_string(),
    }
}

/// The SQL that reads the prop `name` of type `ty` out of the JSON column `props`:
/// cast from its text (`(props->>'amount')::numeric`), a list as its elements' texts
/// (`jsonb_array_elements_text`).
fn prop_expression(props: &str, name: &str, ty: &Type) -> String {
    let text = format!("({props}->>'{name}')");
    match ty.non_optional() {
        Type::Bool => format!("{text}::boolean"),
        Type::Number => format!("{text}::numeric::text"),
        Type::String | Type::Duration => text,
        Type::Date => format!("{text}::date"),
        Type::DateTime => format!("{text}::timestamptz"),
        Type::List(_) => format!(
            "CASE WHEN {props} ? '{name}' THEN array(SELECT e FROM \
             jsonb_array_elements_text({props}->'{name}') WITH ORDINALITY AS u(e, o) ORDER BY o) END"
        ),
        Type::Optional(_) => unreachable!(),
    }
}

/// A prop's value as [`decode`] reads it back from JSON: durations as their text.
fn as_prop(value: &Value) -> Value {
    match value {
        Value::Duration(_) => Value::from(value.to_string()),
        Value::List(items) => items.iter().map(as_prop).collect(),
        other => other.clone(),
    }
}

/// The value of column `index` of `row`, read by [`column_expression`] or
/// [`prop_expression`] for type `ty`.
fn decode(row: &postgres::Row, index: usize, ty: &Type, reading: Reading) -> Value {
    match (ty.non_optional(), reading) {
        (Type::List(element), Reading::Column) => match element.non_optional() {
            Type::Bool => list::<bool>(row, index, Value::from),
            Type::Number | Type::Duration => list::<String>(row, index, |text| {
                scalar_from_text(element.non_optional(), &text)
            }),
            Type::String => list::<String>(row, index, Value::from),
            Type::Date => list::<NaiveDate>(row, index, Value::from),
            Type::DateTime => list::<DateTime<Utc>>(row, index, Value::from),
            other => panic!("no column of a list of {other}"),
        },
        (Type::List(element), Reading::Prop) => list::<String>(row, index, |text| {
            prop_element(element.non_optional(), &text)
        }),
        (Type::Bool, _) => scalar::<bool>(row, index, Value::from),
        (Type::String, _) => scalar::<String>(row, index, Value::from),
        (Type::Date, _) => scalar::<NaiveDate>(row, index, Value::from),
        (Type::DateTime, _) => scalar::<DateTime<Utc>>(row, index, Value::from),
        (Type::Number, _) => {
            scalar::<String>(row, index, |text| scalar_from_text(&Type::Number, &text))
        }
        (Type::Duration, Reading::Column) => {
            scalar::<String>(row, index, |text| scalar_from_text(&Type::Duration, &text))
        }
        (Type::Duration, Reading::Prop) => scalar::<String>(row, index, Value::from),
        (Type::Optional(_), _) => unreachable!(),
    }
}

fn scalar<'a, T: FromSql<'a>>(
    row: &'a postgres::Row,
    index: usize,
    value: impl Fn(T) -> Value,
) -> Value {
    row.get::<_, Option<T>>(index).map_or(Value::Null, value)
}

fn list<'a, T: FromSql<'a>>(
    row: &'a postgres::Row,
    index: usize,
    value: impl Fn(T) -> Value,
) -> Value {
    row.get::<_, Option<Vec<Option<T>>>>(index)
        .map_or(Value::Null, |items| {
            items
                .into_iter()
                .map(|item| item.map_or(Value::Null, &value))
                .collect()
        })
}

/// A number from the text of a `numeric`, or a duration from its seconds.
fn scalar_from_text(ty: &Type, text: &str) -> Value {
    let number = Decimal::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    match ty {
        Type::Number => Value::from(number),
        Type::Duration => {
            let micros = number * Decimal::from(1_000_000);
            assert!(micros.fract().is_zero(), "{text} seconds");
            Value::from(TimeDelta::microseconds(
                i64::try_from(micros.trunc()).unwrap(),
            ))
        }
        other => panic!("{other} is not read from text"),
    }
}

/// An element of a list prop, from the text `jsonb_array_elements_text` gives: a
/// number from its digits, a string, date, datetime or duration from the string, an
/// inner list from its JSON (whose numbers are integers in these tests, which
/// `serde_json` reads exactly).
fn prop_element(ty: &Type, text: &str) -> Value {
    match ty {
        Type::Bool => Value::from(bool::from_str(text).unwrap()),
        Type::Number => scalar_from_text(ty, text),
        Type::String | Type::Duration => Value::from(text),
        Type::Date => Value::from(NaiveDate::from_str(text).unwrap()),
        Type::DateTime => Value::from(
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc),
        ),
        Type::List(_) => json_element(ty, &serde_json::from_str(text).unwrap()),
        Type::Optional(inner) => prop_element(inner, text),
    }
}

/// An element of an inner list, from its JSON.
fn json_element(ty: &Type, json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Array(items) => match ty {
            Type::List(element) => items
                .iter()
                .map(|item| json_element(element.non_optional(), item))
                .collect(),
            other => panic!("{json} is no {other}"),
        },
        Json::String(s) => prop_element(ty, s),
        other => prop_element(ty, &other.to_string()),
    }
}
