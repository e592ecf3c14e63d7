#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §1: contacts in JSON and through the builder, checked against the schema.

mod support;

use funil::model::ContactErrorKind;
use funil::{Compiler, ContactError, Limits, Value};
use serde_json::json;
use support::{SCHEMA, SPEC_CONTACT, at, contact, ctx, dec, holds, holds_at, spec_program};

/// Asserts that `error` is of `kind` and names the contact, the field and the expected
/// type, through its accessors and in its message.
fn assert_names(
    error: &ContactError,
    kind: ContactErrorKind,
    id: &str,
    field: &str,
    expected: &str,
) {
    let shown = error.to_string();
    assert_eq!(error.kind(), kind, "{shown}");
    assert_eq!(error.contact_id(), Some(id), "{shown}");
    assert_eq!(error.field(), field, "{shown}");
    assert_eq!(error.expected(), Some(expected), "{shown}");
    assert!(
        shown.contains(id),
        "`{shown}` should name the contact `{id}`"
    );
    let name = field.rsplit('.').next().unwrap_or(field);
    assert!(
        shown.contains(name),
        "`{shown}` should name the field `{name}`"
    );
    assert!(
        shown.contains(expected),
        "`{shown}` should name the type `{expected}`"
    );
}

#[test]
fn the_spec_contact_reads() {
    let program = spec_program();
    let built = program.contact_from_json(SPEC_CONTACT.trim()).unwrap();
    let now = ctx(support::NOW);
    let evaluation = program.evaluate(&built, &now).unwrap();
    assert_eq!(evaluation.segments(), ["service_interest"]);
}

#[test]
fn the_spec_contact_attributes_have_their_values() {
    let c = r#"{"id":"c-001","attributes":{"email":"ana@example.com","first_name":"Ana","country":"BR","stage":"lead","owner":null,"birthday":"1990-11-22","created_at":"2026-01-10T09:00:00Z","total_spent":1200.50,"tags":["vip"]},"events":[]}"#;
    let program = support::compile(
        r#"segment all_read {
             email == "ana@example.com" and first_name == "Ana" and country == "BR"
             and stage == "lead" and owner is null and birthday == @1990-11-22
             and created_at == @2026-01-10T09:00:00Z and total_spent == 1200.5
             and tags == ["vip"]
           }"#,
    );
    let built = program.contact_from_json(c).unwrap();
    assert!(
        program
            .segment("all_read", &built, &ctx(support::NOW))
            .unwrap()
    );
}

#[test]
fn json_numbers_are_read_exactly() {
    let c = contact().attr("total_spent", json!(19.99));
    assert!(holds("total_spent == 19.99", &c));
    assert!(holds("total_spent * 3 == 59.97", &c));
    assert!(holds("total_spent - 19.99 == 0", &c));
    let c = contact().attr("total_spent", json!(0.1));
    assert!(holds("total_spent + 0.2 == 0.3", &c));
    // 15 significant digits.
    let c = contact().attr("total_spent", json!(1234567890.12345));
    assert!(holds("total_spent == 1234567890.12345", &c));
}

#[test]
fn json_numbers_are_read_exactly_from_raw_text() {
    // Written by hand, not through serde_json's own float formatting.
    let text = r#"{"id":"n","attributes":{"email":"a@b","stage":"s","created_at":"2026-01-10T09:00:00Z","total_spent":19.99,"tags":[]},"events":[{"kind":"purchase","at":"2026-11-01T00:00:00Z","props":{"order_id":"o","amount":0.07,"category":"c"}}]}"#;
    let program =
        support::compile("segment s { total_spent == 19.99 and sum(purchase, amount) == 0.07 }");
    let built = program.contact_from_json(text).unwrap();
    assert!(program.segment("s", &built, &ctx(support::NOW)).unwrap());
}

#[test]
fn decimal_strings_are_numbers() {
    let c = contact().attr("total_spent", json!("19.99"));
    assert!(holds("total_spent == 19.99", &c));
    let long = contact().attr("total_spent", json!("12345678901234567890.123456789"));
    assert!(holds(
        "total_spent == 12345678901234567890.123456789",
        &long
    ));
    assert!(holds(
        "total_spent + 0.000000001 == 12345678901234567890.12345679",
        &long
    ));
    let negative = contact().attr("total_spent", json!("-5"));
    assert!(holds("total_spent == -5", &negative));
}

#[test]
fn a_string_that_is_not_a_decimal_is_an_error() {
    let program = spec_program();
    let error = contact()
        .id("c-001")
        .attr("total_spent", json!("19,99"))
        .build_err(&program);
    assert_names(
        &error,
        ContactErrorKind::WrongType,
        "c-001",
        "attributes.total_spent",
        "number",
    );
}

#[test]
fn an_attribute_of_the_wrong_type_is_an_error() {
    let program = spec_program();
    let error = contact()
        .id("c-001")
        .attr("country", json!(5))
        .build_err(&program);
    assert_names(
        &error,
        ContactErrorKind::WrongType,
        "c-001",
        "attributes.country",
        "string?",
    );
    let error = contact()
        .id("c-002")
        .attr("total_spent", json!(true))
        .build_err(&program);
    assert_names(
        &error,
        ContactErrorKind::WrongType,
        "c-002",
        "attributes.total_spent",
        "number",
    );
    let error = contact()
        .id("c-003")
        .attr("tags", json!("vip"))
        .build_err(&program);
    assert_names(
        &error,
        ContactErrorKind::WrongType,
        "c-003",
        "attributes.tags",
        "list<string>",
    );
    let error = contact()
        .id("c-004")
        .attr("tags", json!(["vip", 3]))
        .build_err(&program);
    assert_eq!(error.kind(), ContactErrorKind::WrongType);
    assert_eq!(error.contact_id(), Some("c-004"));
    assert!(error.to_string().contains("tags"), "{error}");
    let error = contact()
        .id("c-005")
        .attr("birthday", json!("22/11/1990"))
        .build_err(&program);
    assert_names(
        &error,
        ContactErrorKind::WrongType,
        "c-005",
        "attributes.birthday",
        "date?",
    );
    let error = contact()
        .id("c-006")
        .attr("created_at", json!("2026-01-10"))
        .build_err(&program);
    assert_names(
        &error,
        ContactErrorKind::WrongType,
        "c-006",
        "attributes.created_at",
        "datetime",
    );
}

#[test]
fn an_undeclared_attribute_is_an_error() {
    let program = spec_program();
    let error = contact()
        .id("c-001")
        .attr("favourite_colour", json!("blue"))
        .build_err(&program);
    assert_eq!(error.kind(), ContactErrorKind::UndeclaredAttribute);
    assert_eq!(error.contact_id(), Some("c-001"));
    assert_eq!(error.field(), "attributes.favourite_colour");
    assert!(error.to_string().contains("favourite_colour"), "{error}");
}

#[test]
fn an_undeclared_event_kind_is_an_error() {
    let program = spec_program();
    let error = contact()
        .id("c-001")
        .event("email.forwarded", "2026-11-01T00:00:00Z", json!({}))
        .build_err(&program);
    assert_eq!(error.kind(), ContactErrorKind::UndeclaredKind);
    assert_eq!(error.contact_id(), Some("c-001"));
    assert_eq!(error.field(), "events[0].kind");
    assert!(error.to_string().contains("email.forwarded"), "{error}");
}

#[test]
fn a_missing_non_optional_attribute_is_an_error() {
    let program = spec_program();
    let error = contact().id("c-001").without("stage").build_err(&program);
    assert_names(
        &error,
        ContactErrorKind::MissingAttribute,
        "c-001",
        "attributes.stage",
        "string",
    );
    let error = contact()
        .id("c-001")
        .attr("stage", serde_json::Value::Null)
        .build_err(&program);
    // An explicit null for a non-optional attribute is a value of the wrong type.
    assert_names(
        &error,
        ContactErrorKind::WrongType,
        "c-001",
        "attributes.stage",
        "string",
    );
}

#[test]
fn a_prop_of_the_wrong_type_is_an_error() {
    let program = spec_program();
    let error = contact()
        .id("c-001")
        .event(
            "purchase",
            "2026-11-01T00:00:00Z",
            json!({"order_id": "o", "amount": "lots", "category": "a"}),
        )
        .build_err(&program);
    assert_eq!(error.kind(), ContactErrorKind::WrongType);
    assert_eq!(error.contact_id(), Some("c-001"));
    assert_eq!(error.field(), "events[0].props.amount");
    assert_eq!(error.expected(), Some("number"));
    let shown = error.to_string();
    assert!(
        shown.contains("amount") && shown.contains("number"),
        "{shown}"
    );
}

#[test]
fn an_undeclared_or_missing_prop_is_an_error() {
    let program = spec_program();
    let extra = contact()
        .event(
            "page.viewed",
            "2026-11-01T00:00:00Z",
            json!({"path": "/", "referrer": "x"}),
        )
        .build_err(&program);
    assert_eq!(extra.kind(), ContactErrorKind::UndeclaredProp);
    assert!(extra.to_string().contains("referrer"), "{extra}");
    let missing = contact()
        .event("page.viewed", "2026-11-01T00:00:00Z", json!({}))
        .build_err(&program);
    assert_eq!(missing.kind(), ContactErrorKind::MissingProp);
    assert_eq!(missing.field(), "events[0].props.path");
    assert!(missing.to_string().contains("path"), "{missing}");
}

#[test]
fn an_event_with_a_bad_instant_is_an_error() {
    let program = spec_program();
    let error = contact()
        .id("c-7")
        .event("page.viewed", "yesterday", json!({"path": "/"}))
        .build_err(&program);
    assert_eq!(error.contact_id(), Some("c-7"));
    assert_eq!(error.field(), "events[0].at");
    assert!(error.to_string().contains("datetime"), "{error}");
}

#[test]
fn an_empty_id_is_an_error() {
    let program = spec_program();
    let error = contact().id("").build_err(&program);
    assert_eq!(error.kind(), ContactErrorKind::InvalidId);
    assert_eq!(error.field(), "id");
}

#[test]
fn malformed_json_is_an_error_not_a_panic() {
    let program = spec_program();
    for text in [
        "",
        "{",
        "[]",
        "null",
        r#"{"id": 5}"#,
        r#"{"attributes": {}}"#,
        "\u{0}",
    ] {
        assert!(program.contact_from_json(text).is_err(), "{text:?}");
    }
}

#[test]
fn datetimes_accept_rfc3339_with_offsets() {
    let c = contact().attr("created_at", json!("2026-01-10T06:00:00-03:00"));
    assert!(holds("created_at == @2026-01-10T09:00:00Z", &c));
}

#[test]
fn optional_attributes_may_be_absent_or_null() {
    let absent = contact();
    let null = contact().attr("first_name", serde_json::Value::Null);
    for c in [absent, null] {
        assert!(holds("first_name is null", &c));
    }
}

#[test]
fn events_need_not_arrive_sorted() {
    let c = contact()
        .event(
            "purchase",
            "2026-11-10T00:00:00Z",
            json!({"order_id": "b", "amount": 2, "category": "x"}),
        )
        .event(
            "purchase",
            "2026-11-01T00:00:00Z",
            json!({"order_id": "a", "amount": 1, "category": "x"}),
        )
        .event(
            "purchase",
            "2026-11-20T00:00:00Z",
            json!({"order_id": "c", "amount": 3, "category": "x"}),
        );
    assert!(holds(r#"first(purchase).order_id == "a""#, &c));
    assert!(holds(r#"last(purchase).order_id == "c""#, &c));
    assert!(holds(r#"last(purchase within 15d).order_id == "c""#, &c));
    assert!(holds_at(
        r#"last(purchase).order_id == "b""#,
        &c,
        "2026-11-15T00:00:00Z"
    ));
}

#[test]
fn ties_keep_their_input_order() {
    let when = "2026-11-10T00:00:00Z";
    let c = contact()
        .event(
            "purchase",
            when,
            json!({"order_id": "first", "amount": 1, "category": "x"}),
        )
        .event(
            "purchase",
            "2026-11-01T00:00:00Z",
            json!({"order_id": "early", "amount": 1, "category": "x"}),
        )
        .event(
            "purchase",
            when,
            json!({"order_id": "second", "amount": 1, "category": "x"}),
        );
    assert!(holds(r#"last(purchase).order_id == "second""#, &c));
    assert!(holds(
        r#"first(purchase where at == @2026-11-10T00:00:00Z).order_id == "first""#,
        &c
    ));
}

#[test]
fn events_after_now_are_kept_but_invisible() {
    let c = contact().event("page.viewed", "2026-12-01T00:00:00Z", json!({"path": "/"}));
    assert!(holds("not exists(page.viewed)", &c));
    assert!(holds_at("exists(page.viewed)", &c, "2026-12-01T00:00:00Z"));
}

#[test]
fn the_builder_checks_like_json() {
    let program = support::compile(
        r#"segment s { first_name == "Beatriz" and total_spent == 19.99 and sum(purchase within 365d, amount) >= 1000 }"#,
    );
    let built = program
        .contact("c-42")
        .attribute("email", "bia@example.com")
        .attribute("first_name", "Beatriz")
        .attribute("stage", "lead")
        .attribute("created_at", at("2026-01-10T09:00:00Z"))
        .attribute("total_spent", dec("19.99"))
        .attribute("tags", Value::List(vec![Value::from("vip")].into()))
        .event(
            "purchase",
            at("2026-11-20T10:00:00Z"),
            [
                ("order_id", Value::from("o-1")),
                ("amount", Value::from(dec("1000"))),
                ("category", Value::from("services")),
            ],
        )
        .build()
        .unwrap();
    assert!(program.segment("s", &built, &ctx(support::NOW)).unwrap());
}

#[test]
fn the_builder_rejects_wrong_types_and_missing_attributes() {
    let program = spec_program();
    let error = program
        .contact("c-43")
        .attribute("email", "bia@example.com")
        .attribute("stage", 5)
        .attribute("created_at", at("2026-01-10T09:00:00Z"))
        .attribute("total_spent", dec("0"))
        .attribute("tags", Value::List(Vec::new().into()))
        .build()
        .unwrap_err();
    assert_names(
        &error,
        ContactErrorKind::WrongType,
        "c-43",
        "attributes.stage",
        "string",
    );
    let error = program
        .contact("c-44")
        .attribute("email", "x")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ContactErrorKind::MissingAttribute);
    assert_eq!(error.contact_id(), Some("c-44"));
}

#[test]
fn the_event_limit_rejects_a_contact_with_too_many_events() {
    let program = Compiler::new()
        .limits(Limits::default().max_events(3))
        .source("schema.funil", SCHEMA)
        .source("rules.funil", "segment s { count(page.viewed) == 3 }")
        .compile()
        .unwrap();
    let three = contact().id("c-9").events(
        3,
        "page.viewed",
        "2026-11-01T00:00:00Z",
        &json!({"path": "/"}),
    );
    let built = three.build(&program);
    assert!(program.segment("s", &built, &ctx(support::NOW)).unwrap());
    let four = contact().id("c-9").events(
        4,
        "page.viewed",
        "2026-11-01T00:00:00Z",
        &json!({"path": "/"}),
    );
    let error = four.build_err(&program);
    assert_eq!(error.kind(), ContactErrorKind::TooManyEvents);
    assert_eq!(error.contact_id(), Some("c-9"));
    assert!(
        error.to_string().contains('3'),
        "the error should name the limit: {error}"
    );
}

#[test]
fn the_default_event_limit_is_a_million() {
    // A large but allowed history is read and every event counts: no silent skipping.
    let program = support::compile("segment s { count(page.viewed) == 20000 }");
    let many = contact().events(
        20_000,
        "page.viewed",
        "2026-11-01T00:00:00Z",
        &json!({"path": "/"}),
    );
    let built = many.build(&program);
    assert!(program.segment("s", &built, &ctx(support::NOW)).unwrap());
}
