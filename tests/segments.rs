#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §5.1 and §5.2: segments, references between them, and the evaluation API.

mod support;

use funil::EvalErrorKind;
use serde_json::json;
use support::{ContactJson, codes, compile, compile_err, contact, ctx, in_segment, spec_program};

fn soft_bounces(n: usize) -> ContactJson {
    contact().events(
        n,
        "email.bounced",
        "2026-11-01T00:00:00Z",
        &json!({"campaign": "c", "kind": "soft"}),
    )
}

#[test]
fn soft_bouncers_needs_four_soft_bounces() {
    let program = spec_program();
    assert!(!in_segment(
        &program,
        "soft_bouncers",
        &soft_bounces(3),
        support::NOW
    ));
    assert!(in_segment(
        &program,
        "soft_bouncers",
        &soft_bounces(4),
        support::NOW
    ));
    assert!(in_segment(
        &program,
        "soft_bouncers",
        &soft_bounces(9),
        support::NOW
    ));
}

#[test]
fn service_interest_is_fed_by_any_of_four_actions() {
    let program = spec_program();
    let when = "2026-11-20T10:00:00Z";
    let feeders = [
        contact().event(
            "email.clicked",
            when,
            json!({"campaign": "c", "url": "https://shop.example/services"}),
        ),
        contact().event("page.viewed", when, json!({"path": "/services/cloud"})),
        contact().event("search.performed", when, json!({"term": "consulting"})),
        contact().event("search.performed", when, json!({"term": "support plan"})),
        contact().event(
            "content.downloaded",
            when,
            json!({"asset": "services-guide.pdf"}),
        ),
    ];
    for c in &feeders {
        assert!(
            in_segment(&program, "service_interest", c, support::NOW),
            "{}",
            c.json()
        );
    }
    let near_misses = [
        contact().event(
            "email.clicked",
            when,
            json!({"campaign": "c", "url": "https://shop.example/shoes"}),
        ),
        contact().event("page.viewed", when, json!({"path": "/blog/services"})),
        contact().event("search.performed", when, json!({"term": "Consulting"})),
        contact().event(
            "content.downloaded",
            when,
            json!({"asset": "services-guide.docx"}),
        ),
        contact().event("email.opened", when, json!({"campaign": "services"})),
        contact(),
    ];
    for c in &near_misses {
        assert!(
            !in_segment(&program, "service_interest", c, support::NOW),
            "{}",
            c.json()
        );
    }
}

#[test]
fn dormant_excludes_recent_activity_and_soft_bouncers() {
    let program = spec_program();
    assert!(in_segment(&program, "dormant", &contact(), support::NOW));
    let active = contact().event("page.viewed", "2026-11-01T00:00:00Z", json!({"path": "/"}));
    assert!(!in_segment(&program, "dormant", &active, support::NOW));
    // Soft bouncers are not dormant, even with no activity.
    assert!(in_segment(
        &program,
        "dormant",
        &soft_bounces(3),
        support::NOW
    ));
    assert!(!in_segment(
        &program,
        "dormant",
        &soft_bounces(4),
        support::NOW
    ));
}

#[test]
fn segments_lists_the_segments_the_contact_is_in_sorted_by_name() {
    let program = compile(
        r#"segment zebra { true }
           segment alpha { country == "BR" }
           segment middle { segment(zebra) and segment(alpha) }
           segment none { false }"#,
    );
    let built = contact().attr("country", json!("BR")).build(&program);
    let names = program.segments(&built, &ctx(support::NOW)).unwrap();
    assert_eq!(names, ["alpha", "middle", "zebra"]);
    let other = contact().build(&program);
    assert_eq!(
        program.segments(&other, &ctx(support::NOW)).unwrap(),
        ["zebra"]
    );
}

#[test]
fn evaluate_gives_the_same_segments_as_segments() {
    let program = spec_program();
    let built = soft_bounces(4).build(&program);
    let evaluation = program.evaluate(&built, &ctx(support::NOW)).unwrap();
    assert_eq!(evaluation.segments(), ["soft_bouncers"]);
    assert_eq!(
        program.segments(&built, &ctx(support::NOW)).unwrap(),
        ["soft_bouncers"]
    );
}

#[test]
fn a_segment_may_reference_scores_and_decisions() {
    let program = compile(
        r#"score points { per purchase => amount }
           decide tier { when score(points) >= 100 => "gold" else => "basic" }
           segment gold { decision(tier) == "gold" }
           segment big { score(points) > 50 }"#,
    );
    let buy = |amount: i64| {
        contact().event(
            "purchase",
            "2026-11-01T00:00:00Z",
            json!({"order_id": "o", "amount": amount, "category": "a"}),
        )
    };
    assert!(in_segment(&program, "gold", &buy(100), support::NOW));
    assert!(!in_segment(&program, "gold", &buy(99), support::NOW));
    assert!(in_segment(&program, "big", &buy(51), support::NOW));
    assert!(!in_segment(&program, "big", &buy(50), support::NOW));
}

#[test]
fn a_segment_may_have_a_title() {
    let program = compile(r#"segment vip "Clientes VIP — ação" { tags contains "vip" }"#);
    assert!(in_segment(
        &program,
        "vip",
        &contact().attr("tags", json!(["vip"])),
        support::NOW
    ));
    assert!(!in_segment(&program, "vip", &contact(), support::NOW));
}

#[test]
fn a_cycle_between_segments_is_a_compile_error() {
    let error =
        compile_err("segment a { segment(b) }\nsegment b { segment(c) }\nsegment c { segment(a) }");
    assert_eq!(codes(&error), ["E0011"]);
    let message = error.diagnostics()[0].message();
    for name in ["`a`", "`b`", "`c`"] {
        assert!(message.contains(name), "{message}");
    }
}

#[test]
fn a_segment_referencing_itself_is_a_cycle() {
    let error = compile_err("segment a { segment(a) or true }");
    assert_eq!(codes(&error), ["E0011"]);
}

#[test]
fn two_items_with_one_name_is_a_compile_error() {
    let error = compile_err("segment a { true }\nscore a { when true => 1 }");
    assert_eq!(codes(&error), ["E0010"]);
}

#[test]
fn asking_for_an_unknown_segment_is_a_typed_error() {
    let program = spec_program();
    let built = contact().build(&program);
    let error = program
        .segment("nope", &built, &ctx(support::NOW))
        .unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::UnknownItem);
    assert!(error.to_string().contains("nope"), "{error}");
}

#[test]
fn asking_for_a_score_as_a_segment_is_a_typed_error() {
    let program = spec_program();
    let built = contact().build(&program);
    let error = program
        .segment("engagement", &built, &ctx(support::NOW))
        .unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::WrongItemKind);
    let error = program
        .score("dormant", &built, &ctx(support::NOW))
        .unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::WrongItemKind);
    let error = program
        .decision("fit", &built, &ctx(support::NOW))
        .unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::WrongItemKind);
}

#[test]
fn a_contact_read_by_another_program_is_a_schema_mismatch() {
    let program = spec_program();
    let other =
        funil::compile("schema { contact { plan: string } }\nsegment s { plan == \"pro\" }")
            .unwrap();
    let stranger = other
        .contact_from_json(r#"{"id":"x","attributes":{"plan":"pro"},"events":[]}"#)
        .unwrap();
    let error = program
        .segment("dormant", &stranger, &ctx(support::NOW))
        .unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::SchemaMismatch);
}

// §5.2 Ranked segments are batch-only -----------------------------------------------------

const RANKED: &str = r#"
segment rising_fastest { top 100 by score(engagement) - score(engagement, at: now - 30d) }
segment top_decile     { top 10% by score(engagement) where stage != "customer" }
segment rising_and_br  { segment(rising_fastest) and country == "BR" }
"#;

#[test]
fn a_ranked_segment_asked_for_one_contact_is_a_batch_only_error() {
    let program = compile(&format!("{}{RANKED}", support::SPEC_ITEMS));
    let built = contact().build(&program);
    for name in ["rising_fastest", "top_decile", "rising_and_br"] {
        let error = program
            .segment(name, &built, &ctx(support::NOW))
            .unwrap_err();
        assert_eq!(error.kind(), EvalErrorKind::BatchOnly, "{name}");
    }
}

#[test]
fn single_contact_evaluation_skips_batch_only_segments() {
    let program = compile(&format!("{}{RANKED}", support::SPEC_ITEMS));
    let built = contact().attr("country", json!("BR")).build(&program);
    let evaluation = program.evaluate(&built, &ctx(support::NOW)).unwrap();
    assert_eq!(evaluation.segments(), ["dormant"]);
    assert_eq!(
        program.segments(&built, &ctx(support::NOW)).unwrap(),
        ["dormant"]
    );
}

#[test]
fn items_referencing_a_batch_only_segment_are_batch_only() {
    let program = compile(&format!(
        "{}{RANKED}\nscore ranked_bonus {{ when segment(top_decile) => 10 }}\ndecide ranked_label {{ when segment(top_decile) => \"top\" }}",
        support::SPEC_ITEMS
    ));
    let built = contact().build(&program);
    let now = ctx(support::NOW);
    assert_eq!(
        program
            .score("ranked_bonus", &built, &now)
            .unwrap_err()
            .kind(),
        EvalErrorKind::BatchOnly
    );
    assert_eq!(
        program
            .decision("ranked_label", &built, &now)
            .unwrap_err()
            .kind(),
        EvalErrorKind::BatchOnly
    );
    let evaluation = program.evaluate(&built, &now).unwrap();
    assert!(evaluation.scores().all(|(name, _)| name != "ranked_bonus"));
    assert!(
        evaluation
            .decisions()
            .all(|(name, _)| name != "ranked_label")
    );
    assert_eq!(evaluation.scores().count(), 3);
}

#[test]
fn top_takes_an_integer_and_a_percentage_literal() {
    let error = compile_err("segment s { top 10.5 by total_spent }");
    assert_eq!(error.errors().next().unwrap().code(), "E0001");
}
