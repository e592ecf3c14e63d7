//! Tests for reading contacts from JSON, and for the round trip through `to_json_*`.

use std::str::FromStr as _;

use chrono::{NaiveDate, TimeDelta};
use rust_decimal::Decimal;

use crate::model::{
    Contact, ContactError, ContactErrorKind, ContactOptions, Schema, SchemaError, Type, Value,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The schema of spec §2 (contact and a few events).
fn schema() -> Result<Schema, SchemaError> {
    Schema::builder()
        .attribute("email", Type::String)
        .attribute("first_name", Type::String.optional())
        .attribute("country", Type::String.optional())
        .attribute("stage", Type::String)
        .attribute("owner", Type::String.optional())
        .attribute("birthday", Type::Date.optional())
        .attribute("created_at", Type::DateTime)
        .attribute("total_spent", Type::Number)
        .attribute("tags", Type::list(Type::String))
        .attribute("vip", Type::Bool.optional())
        .attribute("cooldown", Type::Duration.optional())
        .event(
            "email.clicked",
            [("campaign", Type::String), ("url", Type::String)],
        )
        .event(
            "purchase",
            [
                ("order_id", Type::String),
                ("amount", Type::Number),
                ("coupon", Type::String.optional()),
            ],
        )
        .event("contact.created", [])
        .build()
}

const SPEC_EXAMPLE: &str = r#"{
  "id": "c-001",
  "attributes": {
    "email": "ana@example.com", "first_name": "Ana", "country": "BR",
    "stage": "lead", "owner": null, "birthday": "1990-11-22",
    "created_at": "2026-01-10T09:00:00Z", "total_spent": 1200.50, "tags": ["vip"]
  },
  "events": [
    {"kind": "email.clicked", "at": "2026-11-20T10:00:00Z",
     "props": {"campaign": "welcome-1", "url": "https://shop.example/services"}}
  ]
}"#;

/// A minimal valid contact with `attributes` extra/overridden fields spliced in.
fn with_attributes(extra: &str) -> String {
    format!(
        r#"{{"id": "c-1", "attributes": {{"email": "e@x", "stage": "lead",
            "created_at": "2026-01-10T09:00:00Z", "total_spent": 0, "tags": []{extra}}}}}"#
    )
}

fn with_events(events: &str) -> String {
    format!(
        r#"{{"id": "c-1", "attributes": {{"email": "e@x", "stage": "lead",
            "created_at": "2026-01-10T09:00:00Z", "total_spent": 0, "tags": []}},
            "events": [{events}]}}"#
    )
}

fn read(text: &str) -> Result<Contact, ContactError> {
    let schema = schema()
        .map_err(|e| ContactError::new(ContactErrorKind::MalformedJson, "", e.to_string()))?;
    Contact::from_json(&schema, text)
}

fn error(text: &str) -> Result<ContactError, Box<dyn std::error::Error>> {
    match read(text) {
        Ok(contact) => Err(format!("expected an error, got {contact:?}").into()),
        Err(err) => Ok(err),
    }
}

fn attribute(contact: &Contact, name: &str) -> Result<Value, Box<dyn std::error::Error>> {
    let schema = schema()?;
    let id = schema.attribute(name).ok_or("no such attribute")?;
    Ok(contact.attribute(id).clone())
}

#[test]
fn reads_the_spec_example() -> TestResult {
    let contact = read(SPEC_EXAMPLE)?;
    assert_eq!(contact.id(), "c-001");
    assert_eq!(
        attribute(&contact, "total_spent")?,
        Value::from(Decimal::new(12005, 1))
    );
    assert_eq!(attribute(&contact, "owner")?, Value::Null);
    assert_eq!(attribute(&contact, "vip")?, Value::Null);
    assert_eq!(
        attribute(&contact, "birthday")?.as_date(),
        NaiveDate::from_ymd_opt(1990, 11, 22)
    );
    assert_eq!(
        attribute(&contact, "created_at")?.to_string(),
        "2026-01-10T09:00:00Z"
    );
    assert_eq!(attribute(&contact, "tags")?, Value::from(vec!["vip"]));
    let event = contact.events().first().ok_or("no event")?;
    assert_eq!(
        event.prop(1).as_str(),
        Some("https://shop.example/services")
    );
    Ok(())
}

#[test]
fn accepted_text_forms() -> TestResult {
    let contact = read(&with_attributes(
        r#", "total_spent": "19.99", "created_at": "2026-01-10T06:00:00-03:00", "cooldown": "1d2h""#,
    ))?;
    assert_eq!(
        attribute(&contact, "total_spent")?.as_number(),
        Decimal::from_str("19.99").ok()
    );
    assert_eq!(
        attribute(&contact, "created_at")?.to_string(),
        "2026-01-10T09:00:00Z"
    );
    assert_eq!(
        attribute(&contact, "cooldown")?.as_duration(),
        TimeDelta::try_hours(26)
    );
    let contact = read(&with_attributes(r#", "total_spent": 19.99"#))?;
    assert_eq!(attribute(&contact, "total_spent")?.to_string(), "19.99");
    let contact = read(&with_attributes(
        r#", "total_spent": "12345678901234567890.123456789""#,
    ))?;
    assert_eq!(
        attribute(&contact, "total_spent")?.to_string(),
        "12345678901234567890.123456789"
    );
    Ok(())
}

#[test]
fn wrong_types_name_contact_field_and_type() -> TestResult {
    let err = error(&with_attributes(r#", "total_spent": "abc""#))?;
    assert_eq!(err.kind(), ContactErrorKind::WrongType);
    assert_eq!(
        err.to_string(),
        r#"contact `c-1`: attribute `total_spent`: expected number, found string "abc""#
    );
    let cases = [
        (
            r#", "total_spent": "1e5""#,
            "attributes.total_spent",
            "number",
        ),
        (
            r#", "total_spent": "NaN""#,
            "attributes.total_spent",
            "number",
        ),
        (r#", "total_spent": """#, "attributes.total_spent", "number"),
        (
            r#", "total_spent": 1e300"#,
            "attributes.total_spent",
            "number",
        ),
        (
            r#", "total_spent": true"#,
            "attributes.total_spent",
            "number",
        ),
        (r#", "country": 55"#, "attributes.country", "string?"),
        (r#", "email": null"#, "attributes.email", "string"),
        (
            r#", "birthday": "22/11/1990""#,
            "attributes.birthday",
            "date?",
        ),
        (
            r#", "birthday": "1990-11-22T00:00:00Z""#,
            "attributes.birthday",
            "date?",
        ),
        (
            r#", "created_at": "2026-01-10""#,
            "attributes.created_at",
            "datetime",
        ),
        (
            r#", "created_at": 1767999600"#,
            "attributes.created_at",
            "datetime",
        ),
        (r#", "tags": "vip""#, "attributes.tags", "list<string>"),
        (r#", "tags": ["vip", 3]"#, "attributes.tags[1]", "string"),
        (r#", "tags": [null]"#, "attributes.tags[0]", "string"),
        (r#", "vip": "true""#, "attributes.vip", "bool?"),
        (
            r#", "cooldown": "2h1d""#,
            "attributes.cooldown",
            "duration?",
        ),
        (r#", "cooldown": 3600"#, "attributes.cooldown", "duration?"),
    ];
    for (extra, field, expected) in cases {
        let err = error(&with_attributes(extra))?;
        assert_eq!(err.kind(), ContactErrorKind::WrongType, "{extra}");
        assert_eq!(err.field(), field, "{extra}");
        assert_eq!(err.expected(), Some(expected), "{extra}");
        assert_eq!(err.contact_id(), Some("c-1"), "{extra}");
    }
    Ok(())
}

#[test]
fn out_of_range_numbers_say_so() -> TestResult {
    let err = error(&with_attributes(r#", "total_spent": 1e300"#))?;
    assert!(
        err.to_string().ends_with("(out of the decimal range)"),
        "{err}"
    );
    Ok(())
}

#[test]
fn undeclared_and_missing_attributes() -> TestResult {
    let err = error(&with_attributes(r#", "contry": "BR""#))?;
    assert_eq!(err.kind(), ContactErrorKind::UndeclaredAttribute);
    assert_eq!(
        err.to_string(),
        "contact `c-1`: attribute `contry`: not declared in the schema"
    );
    let err = error(r#"{"id": "c-2", "attributes": {"email": "e@x"}}"#)?;
    assert_eq!(err.kind(), ContactErrorKind::MissingAttribute);
    assert_eq!(err.field(), "attributes.stage");
    assert_eq!(
        err.to_string(),
        "contact `c-2`: attribute `stage` is missing: expected string"
    );
    let err = error(r#"{"id": "c-3"}"#)?;
    assert_eq!(err.kind(), ContactErrorKind::MissingAttribute);
    Ok(())
}

#[test]
fn attributes_and_events_may_be_omitted() -> TestResult {
    let schema = Schema::builder()
        .attribute("note", Type::String.optional())
        .event("page.viewed", [("path", Type::String.optional())])
        .build()?;
    let contact = Contact::from_json(&schema, r#"{"id": "x"}"#)?;
    assert!(contact.events().is_empty());
    let contact = Contact::from_json(
        &schema,
        r#"{"id": "x", "events": [{"kind": "page.viewed", "at": "2026-01-01T00:00:00Z"}]}"#,
    )?;
    assert_eq!(
        contact.events().first().map(|e| e.prop(0).is_null()),
        Some(true)
    );
    Ok(())
}

#[test]
fn invalid_ids() -> TestResult {
    for text in [
        r#"{"id": ""}"#,
        r#"{"id": 7}"#,
        r#"{"id": null}"#,
        r#"{"attributes": {}}"#,
    ] {
        let err = error(text)?;
        assert_eq!(err.kind(), ContactErrorKind::InvalidId, "{text}");
        assert_eq!(err.field(), "id");
        assert_eq!(err.contact_id(), None);
    }
    let err = error(r#"{"id": 7}"#)?;
    assert_eq!(
        err.to_string(),
        "contact: `id`: expected a non-empty string, found number 7"
    );
    Ok(())
}

#[test]
fn unknown_fields() -> TestResult {
    let err = error(r#"{"id": "c-1", "attrs": {}}"#)?;
    assert_eq!(err.kind(), ContactErrorKind::UnknownField);
    assert_eq!(err.field(), "attrs");
    assert_eq!(
        err.to_string(),
        "contact `c-1`: `attrs`: unknown field; the fields are `id`, `attributes`, `events`"
    );
    let err = error(&with_events(
        r#"{"kind": "contact.created", "at": "2026-01-01T00:00:00Z", "when": 1}"#,
    ))?;
    assert_eq!(err.kind(), ContactErrorKind::UnknownField);
    assert_eq!(err.field(), "events[0].when");
    Ok(())
}

#[test]
fn malformed_json() -> TestResult {
    let err = error("{\"id\": ")?;
    assert_eq!(err.kind(), ContactErrorKind::MalformedJson);
    assert!(
        err.to_string().starts_with("contact: malformed JSON: "),
        "{err}"
    );
    let valid = with_attributes("");
    let cases = [
        ("[1]".to_owned(), ""),
        (
            r#"{"id": "c-1", "attributes": []}"#.to_owned(),
            "attributes",
        ),
        (valid.replacen("}}", r#"}, "events": {}}"#, 1), "events"),
    ];
    for (text, field) in cases {
        let err = error(&text)?;
        assert_eq!(err.kind(), ContactErrorKind::MalformedJson, "{text}");
        assert_eq!(err.field(), field, "{text}");
    }
    let event_cases = [
        ("3", "events[0]"),
        (r#"{"at": "2026-01-01T00:00:00Z"}"#, "events[0].kind"),
        (
            r#"{"kind": 3, "at": "2026-01-01T00:00:00Z"}"#,
            "events[0].kind",
        ),
        (
            r#"{"kind": "contact.created", "at": "2026-01-01T00:00:00Z", "props": []}"#,
            "events[0].props",
        ),
    ];
    for (event, field) in event_cases {
        let err = error(&with_events(event))?;
        assert_eq!(err.kind(), ContactErrorKind::MalformedJson, "{event}");
        assert_eq!(err.field(), field, "{event}");
    }
    Ok(())
}

#[test]
fn event_errors() -> TestResult {
    let clicked = r#"{"kind": "email.clicked", "at": "2026-01-01T00:00:00Z", "props": {"campaign": "w", "url": "/"}}"#;
    let err = error(&with_events(&format!(
        r#"{clicked}, {{"kind": "email.opened", "at": "2026-01-01T00:00:00Z"}}"#
    )))?;
    assert_eq!(err.kind(), ContactErrorKind::UndeclaredKind);
    assert_eq!(err.field(), "events[1].kind");
    assert_eq!(
        err.to_string(),
        "contact `c-1`: `events[1].kind`: event kind `email.opened` is not declared in the schema"
    );
    let err = error(&with_events(
        r#"{"kind": "email.clicked", "at": "2026-01-01T00:00:00Z", "props": {"campaign": "w", "url": "/", "utm": "x"}}"#,
    ))?;
    assert_eq!(err.kind(), ContactErrorKind::UndeclaredProp);
    assert_eq!(err.field(), "events[0].props.utm");
    let err = error(&with_events(
        r#"{"kind": "purchase", "at": "2026-01-01T00:00:00Z", "props": {"order_id": "o-1"}}"#,
    ))?;
    assert_eq!(err.kind(), ContactErrorKind::MissingProp);
    assert_eq!(err.field(), "events[0].props.amount");
    assert_eq!(
        err.to_string(),
        "contact `c-1`: `events[0].props.amount` is missing: expected number"
    );
    let err = error(&with_events(
        r#"{"kind": "purchase", "at": "2026-01-01T00:00:00Z", "props": {"order_id": "o-1", "amount": "12,50"}}"#,
    ))?;
    assert_eq!(err.kind(), ContactErrorKind::WrongType);
    assert_eq!(
        err.to_string(),
        r#"contact `c-1`: `events[0].props.amount`: expected number, found string "12,50""#
    );
    let err = error(&with_events(r#"{"kind": "contact.created"}"#))?;
    assert_eq!(err.kind(), ContactErrorKind::MissingProp);
    assert_eq!(err.field(), "events[0].at");
    assert_eq!(err.expected(), Some("datetime"));
    let err = error(&with_events(
        r#"{"kind": "contact.created", "at": "yesterday"}"#,
    ))?;
    assert_eq!(err.kind(), ContactErrorKind::WrongType);
    assert_eq!(err.field(), "events[0].at");
    Ok(())
}

#[test]
fn events_are_sorted_by_time() -> TestResult {
    let contact = read(&with_events(
        r#"{"kind": "contact.created", "at": "2026-01-03T00:00:00Z"},
           {"kind": "purchase", "at": "2026-01-01T00:00:00Z", "props": {"order_id": "b", "amount": 1}},
           {"kind": "purchase", "at": "2026-01-02T00:00:00+05:00", "props": {"order_id": "a", "amount": 2}},
           {"kind": "purchase", "at": "2026-01-01T00:00:00Z", "props": {"order_id": "c", "amount": 3}}"#,
    ))?;
    let order: Vec<_> = contact
        .events()
        .iter()
        .map(|e| e.prop(0).to_string())
        .collect();
    assert_eq!(order, ["b", "c", "a", ""]);
    Ok(())
}

#[test]
fn too_many_events_is_checked_first() -> TestResult {
    let schema = schema()?;
    // The events are not even valid: the length is checked before any is read.
    let text = with_events(r#"1, 2, 3"#);
    let options = ContactOptions::new().max_events(2);
    let err = Contact::from_json_with(&schema, &text, &options)
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ContactErrorKind::TooManyEvents);
    assert_eq!(err.field(), "events");
    assert_eq!(err.contact_id(), Some("c-1"));
    assert_eq!(
        err.to_string(),
        "contact `c-1`: `events`: 3 events, more than the limit of 2"
    );
    assert_eq!(
        ContactOptions::default().event_limit(),
        crate::model::DEFAULT_MAX_EVENTS
    );
    Ok(())
}

#[test]
fn round_trips_through_json_value_and_text() -> TestResult {
    let schema = schema()?;
    let text = with_attributes(
        r#", "total_spent": "0.1000000000000000000000000001", "cooldown": "-1d0.5s",
           "first_name": "Ana \"A\" \n", "vip": false, "tags": ["a", "b"]"#,
    );
    let text = text.replacen(
        "}}",
        r#"}, "events": [
            {"kind": "purchase", "at": "2026-01-01T00:00:00.25Z", "props": {"order_id": "o", "amount": 19.99}},
            {"kind": "contact.created", "at": "2025-12-31T23:00:00-03:00"}]}"#,
        1,
    );
    let contact = Contact::from_json(&schema, &text)?;
    let value = contact.to_json_value(&schema);
    assert_eq!(Contact::from_json_value(&schema, value.clone())?, contact);
    let written = contact.to_json_string(&schema);
    assert_eq!(Contact::from_json(&schema, &written)?, contact);
    let reparsed: serde_json::Value = serde_json::from_str(&written)?;
    assert_eq!(reparsed, value);
    assert!(
        written
            .starts_with(r#"{"id":"c-1","attributes":{"email":"e@x","first_name":"Ana \"A\" \n","#)
    );
    assert!(
        written.contains(r#""total_spent":"0.1000000000000000000000000001""#),
        "{written}"
    );
    assert!(written.contains(r#""amount":19.99"#), "{written}");
    assert!(written.contains(r#""cooldown":"-1d0.5s""#), "{written}");
    assert!(
        written.contains(r#""at":"2026-01-01T02:00:00Z","props":{}"#),
        "{written}"
    );
    Ok(())
}

#[test]
fn dates_and_datetimes_outside_the_four_digit_years_are_refused() -> TestResult {
    // The text has four digits, but the offset moves the instant out of year 0000 or 9999.
    for (at, year) in [
        ("0000-01-01T00:00:00+01:00", "-0001"),
        ("9999-12-31T23:30:00-01:00", "+10000"),
    ] {
        let err = error(&with_attributes(&format!(r#", "created_at": "{at}""#)))?;
        assert_eq!(err.kind(), ContactErrorKind::OutOfRange, "{at}");
        assert_eq!(err.field(), "attributes.created_at");
        assert!(err.to_string().contains(year), "{err}");
        assert!(
            err.to_string().contains("outside the years 0000 to 9999"),
            "{err}"
        );
        let err = error(&with_events(&format!(
            r#"{{"kind": "contact.created", "at": "{at}"}}"#
        )))?;
        assert_eq!(err.kind(), ContactErrorKind::OutOfRange);
        assert_eq!(err.field(), "events[0].at");
    }
    // The extremes themselves are fine, and read back from their own JSON.
    let schema = schema()?;
    let text = with_attributes(
        r#", "created_at": "9999-12-31T23:59:59.999999999Z", "birthday": "0000-01-01""#,
    );
    let contact = Contact::from_json(&schema, &text)?;
    let written = contact.to_json_string(&schema);
    assert_eq!(Contact::from_json(&schema, &written)?, contact);
    Ok(())
}
