#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §6: decisions — first match, `else`, optional results and `decide all`.

mod support;

use funil::Value;
use serde_json::json;
use support::{ContactJson, codes, compile, compile_err, contact, ctx, list, spec_decision, text};

fn decision_of(rules: &str, name: &str, c: &ContactJson) -> Value {
    let program = compile(rules);
    let built = c.build(&program);
    program
        .decision(name, &built, &ctx(support::NOW))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn grade(country: Option<&str>, total_spent: i64, email: &str) -> Value {
    let mut c = contact()
        .attr("total_spent", json!(total_spent))
        .attr("email", json!(email));
    if let Some(country) = country {
        c = c.attr("country", json!(country));
    }
    spec_decision("grade", &c, support::NOW)
}

#[test]
fn grade_follows_fit_first_match_wins() {
    assert_eq!(grade(Some("BR"), 500, "a@b.com"), text("A")); // fit 35
    assert_eq!(grade(Some("BR"), 0, "a@b.com"), text("B")); // fit 20
    assert_eq!(grade(None, 500, "a@b.com"), text("B")); // fit 15, the boundary
    assert_eq!(grade(None, 0, "a@b.com"), text("C")); // fit 0, the boundary
    assert_eq!(grade(Some("PT"), 0, "a@example.org"), text("D")); // fit -10
    assert_eq!(grade(Some("BR"), 500, "a@example.org"), text("C")); // fit 5
}

fn stage(c: &ContactJson) -> Value {
    spec_decision("lifecycle_stage", c, support::NOW)
}

#[test]
fn lifecycle_stage_of_each_kind_of_contact() {
    assert_eq!(stage(&contact()), text("subscriber"));
    let lead = contact().event(
        "form.submitted",
        "2025-01-01T00:00:00Z",
        json!({"form": "f"}),
    );
    assert_eq!(stage(&lead), text("lead"));
    let customer = lead.clone().event(
        "purchase",
        "2025-02-01T00:00:00Z",
        json!({"order_id": "o", "amount": 1, "category": "a"}),
    );
    assert_eq!(stage(&customer), text("customer"));
}

#[test]
fn lifecycle_stage_mql_needs_engagement_and_grade() {
    // Engagement: 5 clicks now (50) + a form this month (20) = 70.
    let engaged = contact()
        .events(
            5,
            "email.clicked",
            support::NOW,
            &json!({"campaign": "c", "url": "u"}),
        )
        .event(
            "form.submitted",
            "2026-11-20T00:00:00Z",
            json!({"form": "f"}),
        );
    assert_eq!(
        stage(&engaged),
        text("lead"),
        "grade C is not enough for mql"
    );
    let fit = engaged.clone().attr("country", json!("BR"));
    assert_eq!(stage(&fit), text("mql"));
}

#[test]
fn lifecycle_stage_sql_needs_an_owner_and_engagement_of_100() {
    // 5 clicks (50) + form (20) + 8 pricing views now (40) = 110.
    let hot = contact()
        .events(
            5,
            "email.clicked",
            support::NOW,
            &json!({"campaign": "c", "url": "u"}),
        )
        .events(8, "page.viewed", support::NOW, &json!({"path": "/pricing"}))
        .event(
            "form.submitted",
            "2026-11-20T00:00:00Z",
            json!({"form": "f"}),
        )
        .attr("country", json!("BR"));
    assert_eq!(stage(&hot), text("mql"), "no owner");
    let owned = hot.attr("owner", json!("joao.silva"));
    assert_eq!(stage(&owned), text("sql"));
}

#[test]
fn greeting_interpolates_the_first_name() {
    let ana = contact().attr("first_name", json!("Ana"));
    assert_eq!(
        spec_decision("greeting", &ana, support::NOW),
        text("Olá, Ana!")
    );
    let joao = contact().attr("first_name", json!("João"));
    assert_eq!(
        spec_decision("greeting", &joao, support::NOW),
        text("Olá, João!")
    );
    assert_eq!(
        spec_decision("greeting", &contact(), support::NOW),
        text("Olá!")
    );
}

#[test]
fn decide_all_collects_every_matching_arm_in_order() {
    let services = contact().event(
        "page.viewed",
        "2026-11-20T00:00:00Z",
        json!({"path": "/services"}),
    );
    let both = services.clone().event(
        "page.viewed",
        "2026-11-21T00:00:00Z",
        json!({"path": "/shoes/running"}),
    );
    let shoes = contact().event(
        "page.viewed",
        "2026-11-21T00:00:00Z",
        json!({"path": "/shoes"}),
    );
    assert_eq!(
        spec_decision("interests", &services, support::NOW),
        list(vec![text("services")])
    );
    assert_eq!(
        spec_decision("interests", &both, support::NOW),
        list(vec![text("services"), text("shoes")])
    );
    assert_eq!(
        spec_decision("interests", &shoes, support::NOW),
        list(vec![text("shoes")])
    );
}

#[test]
fn decide_all_with_no_matching_arm_is_an_empty_list() {
    assert_eq!(
        spec_decision("interests", &contact(), support::NOW),
        list(vec![])
    );
}

#[test]
fn without_else_no_match_gives_null() {
    let rules = r#"decide region { when country in ["BR", "AR"] => "latam" when country == "PT" => "europe" }"#;
    assert_eq!(decision_of(rules, "region", &contact()), Value::Null);
    assert_eq!(
        decision_of(rules, "region", &contact().attr("country", json!("PT"))),
        text("europe")
    );
}

#[test]
fn a_decision_without_else_is_optional_where_it_is_used() {
    let rules = r#"decide region { when country == "BR" => "latam" }
        segment no_region { decision(region) is null }
        segment not_latam { decision(region) != "latam" }"#;
    let program = compile(rules);
    assert!(support::in_segment(
        &program,
        "no_region",
        &contact(),
        support::NOW
    ));
    assert!(support::in_segment(
        &program,
        "not_latam",
        &contact(),
        support::NOW
    ));
    let br = contact().attr("country", json!("BR"));
    assert!(!support::in_segment(
        &program,
        "not_latam",
        &br,
        support::NOW
    ));
}

#[test]
fn first_match_wins_even_when_later_arms_match() {
    let rules = r#"decide d { when true => 1 when true => 2 else => 3 }"#;
    assert_eq!(decision_of(rules, "d", &contact()), support::num("1"));
}

#[test]
fn arms_may_give_any_single_type() {
    let rules = "decide d { when country is null => @2026-12-25 else => today }";
    assert_eq!(
        decision_of(rules, "d", &contact()),
        Value::Date(chrono::NaiveDate::from_ymd_opt(2026, 12, 25).unwrap())
    );
    let rules = "decide delay { when country is null => 2d else => 1h }";
    assert_eq!(
        decision_of(rules, "delay", &contact()),
        Value::Duration(chrono::TimeDelta::days(2))
    );
}

#[test]
fn arms_of_different_types_are_a_compile_error() {
    let error = compile_err(r#"decide d { when true => "A" else => 1 }"#);
    assert_eq!(codes(&error), ["E0009"]);
}

#[test]
fn a_decision_condition_must_be_a_bool() {
    let error = compile_err(r#"decide d { when country => "A" }"#);
    assert_eq!(codes(&error), ["E0009"]);
}

#[test]
fn evaluate_reports_every_decision_in_declaration_order() {
    let program = support::spec_program();
    let built = program
        .contact_from_json(support::SPEC_CONTACT.trim())
        .unwrap();
    let evaluation = program.evaluate(&built, &ctx(support::NOW)).unwrap();
    let decisions: Vec<(&str, &Value)> = evaluation.decisions().collect();
    assert_eq!(
        decisions,
        [
            ("grade", &text("A")),
            ("lifecycle_stage", &text("subscriber")),
            ("greeting", &text("Olá, Ana!")),
            ("interests", &list(vec![text("services")])),
        ]
    );
}
