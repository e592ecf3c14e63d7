#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §2: the schema — declared in the language or in Rust, merged across sources.

mod support;

use funil::{Compiler, Schema, Type};
use serde_json::json;
use support::{SCHEMA, codes, compile, compile_err, contact, ctx, in_segment};

#[test]
fn the_spec_schema_declares_every_attribute_kind_group_and_action() {
    let program = compile("segment s { true }");
    let schema = program.schema();
    let attributes: Vec<(&str, String)> = schema
        .attributes()
        .map(|(_, name, ty)| (name, ty.to_string()))
        .collect();
    let expected = [
        ("email", "string"),
        ("first_name", "string?"),
        ("country", "string?"),
        ("stage", "string"),
        ("owner", "string?"),
        ("birthday", "date?"),
        ("created_at", "datetime"),
        ("total_spent", "number"),
        ("tags", "list<string>"),
    ];
    assert_eq!(attributes, expected.map(|(n, t)| (n, t.to_string())),);
    let kinds: Vec<&str> = schema.kinds().map(|(_, name)| name).collect();
    assert_eq!(kinds.len(), 12);
    assert!(kinds.contains(&"contact.created"));
    let activity = schema.group("activity").unwrap();
    assert_eq!(schema.group_members(activity).len(), 7);
    assert!(schema.action("notify_sales").is_some());
    let purchase = schema.kind("purchase").unwrap();
    let props: Vec<(&str, String)> = schema
        .props(purchase)
        .map(|(n, t)| (n, t.to_string()))
        .collect();
    assert_eq!(
        props,
        [
            ("order_id", "string".to_string()),
            ("amount", "number".to_string()),
            ("category", "string".to_string())
        ]
    );
}

#[test]
fn several_schema_blocks_and_sources_merge() {
    let program = Compiler::new()
        .source("contact.funil", "schema { contact { email: string, plan: string? } }")
        .source(
            "events.funil",
            "schema { event login { device: string } }\nschema { group engaged = login }",
        )
        .source(
            "rules.funil",
            r#"segment mobile { plan == "pro" and exists(engaged where device == "mobile" within 7d) }"#,
        )
        .compile()
        .unwrap_or_else(|e| panic!("{e}"));
    let c = r#"{"id":"m","attributes":{"email":"a@b","plan":"pro"},"events":[{"kind":"login","at":"2026-11-21T08:00:00Z","props":{"device":"mobile"}}]}"#;
    let built = program.contact_from_json(c).unwrap();
    assert!(
        program
            .segment("mobile", &built, &ctx(support::NOW))
            .unwrap()
    );
}

#[test]
fn a_name_declared_twice_across_sources_is_an_error() {
    let error = Compiler::new()
        .source("a.funil", "schema { contact { plan: string } }")
        .source("b.funil", "schema { contact { plan: string? } }")
        .compile()
        .err()
        .unwrap();
    assert_eq!(codes(&error), ["E0010"]);
    assert_eq!(error.diagnostics()[0].file(), "b.funil");
}

#[test]
fn a_name_cannot_be_both_an_attribute_and_a_kind_or_group() {
    assert_eq!(codes(&compile_err("schema { event stage { } }")), ["E0010"]);
    assert_eq!(
        codes(&compile_err("schema { group tags = purchase }")),
        ["E0010"]
    );
    assert_eq!(
        codes(&compile_err("schema { group purchase = email.sent }")),
        ["E0010"]
    );
}

#[test]
fn items_and_attributes_live_in_different_namespaces() {
    // A segment may share its name with an attribute.
    let program = compile(r#"segment country { country == "BR" }"#);
    assert!(in_segment(
        &program,
        "country",
        &contact().attr("country", json!("BR")),
        support::NOW
    ));
}

#[test]
fn every_event_has_an_implicit_at_prop() {
    let c = contact().bare_event("unsubscribed", "2026-11-01T10:00:00Z");
    assert!(support::holds(
        "exists(unsubscribed where at >= @2026-11-01T00:00:00Z)",
        &c
    ));
    assert!(support::holds(
        "first(unsubscribed).at == @2026-11-01T10:00:00Z",
        &c
    ));
    assert!(!support::holds(
        "exists(unsubscribed where at > @2026-11-01T10:00:00Z)",
        &c
    ));
}

#[test]
fn types_of_every_kind_can_be_declared() {
    let program = compile(
        "schema {
           contact { score_b: bool?, seen: date?, last_login: datetime?, gap: duration?, counts: list<number>? }
           event rated { stars: number, tags: list<string>, note: string? }
         }
         segment s { score_b is null and seen is null and last_login is null and gap is null and counts is null }
         segment rated_well { exists(rated where stars >= 4 and tags contains \"fast\" and note is null) }",
    );
    let c = contact().event(
        "rated",
        "2026-11-01T00:00:00Z",
        json!({"stars": 5, "tags": ["fast", "cheap"], "note": null}),
    );
    assert!(in_segment(&program, "s", &c, support::NOW));
    assert!(in_segment(&program, "rated_well", &c, support::NOW));
}

#[test]
fn a_duration_attribute_reads_as_a_compound_literal() {
    let program =
        compile("schema { contact { trial: duration? } }\nsegment long_trial { trial >= 2w }");
    let c = contact().attr("trial", json!("1w3d"));
    let built = program.contact_from_json(&c.json());
    // The JSON form of a duration is the compound literal of §4.8.
    let built = built.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !program
            .segment("long_trial", &built, &ctx(support::NOW))
            .unwrap()
    );
    let long = contact().attr("trial", json!("2w1d"));
    assert!(in_segment(&program, "long_trial", &long, support::NOW));
}

#[test]
fn an_unknown_type_is_an_error() {
    assert_eq!(
        codes(&compile_err("schema { contact { plan: strng } }")),
        ["E0018"]
    );
    assert_eq!(
        codes(&compile_err("schema { contact { plan: list<strng> } }")),
        ["E0018"]
    );
}

#[test]
fn a_schema_built_in_rust_works_like_a_declared_one() {
    let schema = Schema::builder()
        .attribute("email", Type::String)
        .attribute("plan", Type::String.optional())
        .event("login", [("device", Type::String)])
        .group("engaged", ["login"])
        .build()
        .unwrap();
    let program = Compiler::new()
        .schema(schema)
        .source(
            "rules.funil",
            r#"segment mobile { plan == "pro" and exists(engaged where device == "mobile") }"#,
        )
        .compile()
        .unwrap_or_else(|e| panic!("{e}"));
    let c = r#"{"id":"m","attributes":{"email":"a@b","plan":"pro"},"events":[{"kind":"login","at":"2026-11-21T08:00:00Z","props":{"device":"mobile"}}]}"#;
    let built = program.contact_from_json(c).unwrap();
    assert!(
        program
            .segment("mobile", &built, &ctx(support::NOW))
            .unwrap()
    );
}

#[test]
fn a_rust_schema_merges_with_declared_ones() {
    let schema = Schema::builder()
        .attribute("plan", Type::String.optional())
        .build()
        .unwrap();
    let program = Compiler::new()
        .schema(schema)
        .source("schema.funil", SCHEMA)
        .source(
            "rules.funil",
            r#"segment pro { plan == "pro" and country == "BR" }"#,
        )
        .compile()
        .unwrap_or_else(|e| panic!("{e}"));
    let c = contact()
        .attr("plan", json!("pro"))
        .attr("country", json!("BR"));
    assert!(in_segment(&program, "pro", &c, support::NOW));
    let clash = Schema::builder()
        .attribute("email", Type::String)
        .build()
        .unwrap();
    let error = Compiler::new()
        .schema(clash)
        .source("schema.funil", SCHEMA)
        .compile()
        .err()
        .unwrap();
    assert_eq!(codes(&error), ["E0010"]);
}

#[test]
fn rules_without_any_schema_compile_against_an_empty_one() {
    let program = funil::compile("segment everyone { true }\nsegment no_one { 1 > 2 }").unwrap();
    let built = program.contact_from_json(r#"{"id":"x"}"#).unwrap();
    assert_eq!(
        program.segments(&built, &ctx(support::NOW)).unwrap(),
        ["everyone"]
    );
}
