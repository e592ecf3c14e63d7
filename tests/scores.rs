#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §5.3: scores — `per` and `when` rules, `max`, decay, clamp and rounding.

mod support;

use funil::Value;
use serde_json::json;
use support::{ContactJson, compile, contact, ctx, num, spec_score};

fn score_of(rules: &str, name: &str, c: &ContactJson) -> Value {
    let program = compile(rules);
    let built = c.build(&program);
    program
        .score(name, &built, &ctx(support::NOW))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn clicks(c: ContactJson, n: usize, last: &str) -> ContactJson {
    c.events(
        n,
        "email.clicked",
        last,
        &json!({"campaign": "c", "url": "u"}),
    )
}

fn opens(c: ContactJson, n: usize, last: &str) -> ContactJson {
    c.events(n, "email.opened", last, &json!({"campaign": "c"}))
}

// The spec's `engagement` ---------------------------------------------------------------

#[test]
fn engagement_of_the_spec_contact_is_9_53() {
    let program = support::spec_program();
    let built = program
        .contact_from_json(support::SPEC_CONTACT.trim())
        .unwrap();
    let value = program
        .score("engagement", &built, &ctx(support::NOW))
        .unwrap();
    assert_eq!(value, num("9.53"));
}

#[test]
fn engagement_per_rule_is_capped_by_max() {
    // Clicks at `now` are not decayed: 4 clicks are 40 points, 6 would be 60, capped at 50.
    assert_eq!(
        spec_score(
            "engagement",
            &clicks(contact(), 4, support::NOW),
            support::NOW
        ),
        num("40")
    );
    assert_eq!(
        spec_score(
            "engagement",
            &clicks(contact(), 6, support::NOW),
            support::NOW
        ),
        num("50")
    );
}

#[test]
fn engagement_opens_are_capped_at_nine() {
    assert_eq!(
        spec_score(
            "engagement",
            &opens(contact(), 2, support::NOW),
            support::NOW
        ),
        num("6")
    );
    assert_eq!(
        spec_score(
            "engagement",
            &opens(contact(), 4, support::NOW),
            support::NOW
        ),
        num("9")
    );
}

#[test]
fn engagement_when_rules_are_not_decayed() {
    // A form 29 days ago: 20 points, not decayed.
    let c = contact().event(
        "form.submitted",
        "2026-10-24T12:00:00Z",
        json!({"form": "contact"}),
    );
    assert_eq!(spec_score("engagement", &c, support::NOW), num("20"));
}

#[test]
fn engagement_of_an_inactive_contact_is_clamped_to_zero() {
    assert_eq!(spec_score("engagement", &contact(), support::NOW), num("0"));
}

#[test]
fn engagement_decays_by_half_every_thirty_days() {
    // One click 15 days ago: 10 × 0.5^0.5 = 7.0710678… → 7.07.
    let c = clicks(contact(), 1, "2026-11-07T12:00:00Z");
    assert_eq!(spec_score("engagement", &c, support::NOW), num("7.07"));
    // Pricing page viewed 7 days ago: 5 × 0.5^(7/30) = 4.2521… → 4.25.
    let p = contact().event(
        "page.viewed",
        "2026-11-15T12:00:00Z",
        json!({"path": "/pricing"}),
    );
    assert_eq!(spec_score("engagement", &p, support::NOW), num("4.25"));
}

#[test]
fn engagement_hard_bounce_costs_fifty() {
    // 6 clicks now (50) + form (20) − hard bounce (50) = 20.
    let c = clicks(contact(), 6, support::NOW)
        .event(
            "form.submitted",
            "2026-11-20T00:00:00Z",
            json!({"form": "f"}),
        )
        .event(
            "email.bounced",
            "2026-11-01T00:00:00Z",
            json!({"campaign": "c", "kind": "hard"}),
        );
    assert_eq!(spec_score("engagement", &c, support::NOW), num("20"));
}

#[test]
fn clamp_caps_the_total_at_its_upper_bound() {
    let rules = "score big { per page.viewed => +10 clamp 0 to 200 }";
    let c = contact().events(30, "page.viewed", support::NOW, &json!({"path": "/"}));
    assert_eq!(score_of(rules, "big", &c), num("200"));
}

// The spec's `fit` and `value` ---------------------------------------------------------

#[test]
fn fit_adds_its_when_rules() {
    let br_rich = contact()
        .attr("country", json!("BR"))
        .attr("total_spent", json!(500));
    assert_eq!(spec_score("fit", &br_rich, support::NOW), num("35"));
    let pt_poor = contact()
        .attr("country", json!("PT"))
        .attr("total_spent", json!(499.99));
    assert_eq!(spec_score("fit", &pt_poor, support::NOW), num("20"));
    let org = contact().attr("email", json!("rh@example.org"));
    assert_eq!(spec_score("fit", &org, support::NOW), num("-30"));
    assert_eq!(spec_score("fit", &contact(), support::NOW), num("0"));
}

#[test]
fn value_gives_a_point_per_hundred_spent_in_a_year() {
    let buy = |c: ContactJson, at: &str, amount: &str| {
        c.event(
            "purchase",
            at,
            json!({"order_id": at, "amount": amount, "category": "a"}),
        )
    };
    let c = buy(
        buy(
            buy(contact(), "2026-01-01T00:00:00Z", "250"),
            "2026-06-01T00:00:00Z",
            "99.99",
        ),
        "2026-11-01T00:00:00Z",
        "1000",
    );
    assert_eq!(spec_score("value", &c, support::NOW), num("12"));
    let old = buy(contact(), "2025-11-01T00:00:00Z", "1000");
    assert_eq!(spec_score("value", &old, support::NOW), num("0"));
}

// Rules in general -----------------------------------------------------------------------

#[test]
fn no_rule_matching_gives_zero() {
    let rules = "score s { when false => 10 per purchase => 5 }";
    assert_eq!(score_of(rules, "s", &contact()), num("0"));
}

#[test]
fn per_points_may_use_the_event_props() {
    let rules = "score s { per purchase => amount * 10% }";
    let c = contact()
        .event(
            "purchase",
            "2026-11-01T00:00:00Z",
            json!({"order_id": "1", "amount": 19.99, "category": "a"}),
        )
        .event(
            "purchase",
            "2026-11-02T00:00:00Z",
            json!({"order_id": "2", "amount": 5, "category": "a"}),
        );
    assert_eq!(score_of(rules, "s", &c), num("2.5"));
}

#[test]
fn a_negative_max_caps_in_absolute_value() {
    let rules = "score s { per email.bounced => -5 max 20 }";
    let bounces = |n| {
        contact().events(
            n,
            "email.bounced",
            "2026-11-01T00:00:00Z",
            &json!({"campaign": "c", "kind": "soft"}),
        )
    };
    assert_eq!(score_of(rules, "s", &bounces(3)), num("-15"));
    assert_eq!(score_of(rules, "s", &bounces(5)), num("-20"));
}

#[test]
fn scores_round_to_two_places_half_away_from_zero() {
    assert_eq!(
        score_of("score s { when true => 0.125 }", "s", &contact()),
        num("0.13")
    );
    assert_eq!(
        score_of("score s { when true => -0.125 }", "s", &contact()),
        num("-0.13")
    );
    assert_eq!(
        score_of("score s { when true => 0.005 }", "s", &contact()),
        num("0.01")
    );
    assert_eq!(
        score_of("score s { when true => 0.1 + 0.2 }", "s", &contact()),
        num("0.3")
    );
    assert_eq!(
        score_of("score s { when true => 1 / 3 }", "s", &contact()),
        num("0.33")
    );
}

#[test]
fn clamp_bounds_the_total_after_summing() {
    let rules = "score s { when true => 30 when true => -50 clamp -10 to 10 }";
    assert_eq!(score_of(rules, "s", &contact()), num("-10"));
    let rules = "score s { when true => 30 when true => -25 clamp -10 to 10 }";
    assert_eq!(score_of(rules, "s", &contact()), num("5"));
}

#[test]
fn decay_applies_before_max() {
    // Clicks one half-life (less a few seconds) ago are worth 5.0000… each. Eight of
    // them make 40, under the max of 50; capping before decaying would give 25.
    let rules = "score s { per email.clicked within 31d => +10 max 50 decay half_life 30d }";
    let c = clicks(contact(), 1, "2026-10-23T12:00:01Z");
    assert_eq!(score_of(rules, "s", &c), num("5"));
    let eight = clicks(contact(), 8, "2026-10-23T12:00:08Z");
    assert_eq!(score_of(rules, "s", &eight), num("40"));
    let twelve = clicks(contact(), 12, "2026-10-23T12:00:12Z");
    assert_eq!(score_of(rules, "s", &twelve), num("50"));
}

#[test]
fn a_score_may_reference_other_scores_segments_and_decisions() {
    let rules = r#"score base { when country == "BR" => 10 }
        segment vip { tags contains "vip" }
        decide tier { when segment(vip) => "gold" else => "basic" }
        score total { when true => score(base) * 2 when decision(tier) == "gold" => 5 }"#;
    let c = contact()
        .attr("country", json!("BR"))
        .attr("tags", json!(["vip"]));
    assert_eq!(score_of(rules, "total", &c), num("25"));
    assert_eq!(score_of(rules, "total", &contact()), num("0"));
}

#[test]
fn evaluate_reports_every_score() {
    let program = support::spec_program();
    let built = program
        .contact_from_json(support::SPEC_CONTACT.trim())
        .unwrap();
    let evaluation = program.evaluate(&built, &ctx(support::NOW)).unwrap();
    let scores: Vec<(&str, &Value)> = evaluation.scores().collect();
    assert_eq!(
        scores,
        [
            ("engagement", &num("9.53")),
            ("fit", &num("35")),
            ("value", &num("0"))
        ]
    );
}

// The forms issue 3 names ---------------------------------------------------------------

#[test]
fn decay_at_exactly_one_half_life_halves_the_points() {
    let rules = "score s { per email.clicked => +10 decay half_life 30d }";
    let c = clicks(contact(), 1, "2026-10-23T12:00:00Z"); // 30 days before NOW
    assert_eq!(score_of(rules, "s", &c), num("5"));
    let two = clicks(contact(), 1, "2026-09-23T12:00:00Z"); // two half-lives
    assert_eq!(score_of(rules, "s", &two), num("2.5"));
}

#[test]
fn clamp_holds_the_total_at_both_ends() {
    let rules = "score s { per email.clicked => +10 per email.bounced => -10 clamp -15 to 25 }";
    let bounce = json!({"campaign": "c", "kind": "soft"});
    let high = clicks(contact(), 4, support::NOW);
    let low = contact().events(3, "email.bounced", support::NOW, &bounce);
    let inside =
        clicks(contact(), 2, support::NOW).events(1, "email.bounced", support::NOW, &bounce);
    assert_eq!(score_of(rules, "s", &high), num("25"));
    assert_eq!(score_of(rules, "s", &low), num("-15"));
    assert_eq!(score_of(rules, "s", &inside), num("10"));
}

#[test]
fn max_caps_negative_and_positive_rules_separately() {
    let rules = "score s { per email.clicked => +10 max 30 per email.bounced => -4 max 10 }";
    let bounce = json!({"campaign": "c", "kind": "soft"});
    let c = clicks(contact(), 5, support::NOW).events(5, "email.bounced", support::NOW, &bounce);
    // min(50, 30) + max(-20, -10) = 20.
    assert_eq!(score_of(rules, "s", &c), num("20"));
}

#[test]
fn a_score_may_reference_a_decision_that_references_a_segment() {
    let rules = r#"
segment clicker { exists(email.clicked) }
decide tier { when segment(clicker) => "warm" else => "cold" }
score priority { when decision(tier) == "warm" => +40 when decision(tier) == "cold" => +5 }
"#;
    assert_eq!(
        score_of(rules, "priority", &clicks(contact(), 1, support::NOW)),
        num("40")
    );
    assert_eq!(score_of(rules, "priority", &contact()), num("5"));
}

#[test]
fn a_cycle_through_scores_is_rejected_naming_every_item() {
    let error = support::compile_err(
        r#"
score a { when score(b) > 1 => 1 }
score b { when decision(c) == "x" => 1 }
decide c { when score(a) > 0 => "x" }
segment fine { true }
"#,
    );
    assert_eq!(support::codes(&error), ["E0011"]);
    let message = error.to_string();
    assert!(
        message.contains("items reference each other in a cycle: `a` → `b` → `c` → `a`"),
        "{message}"
    );
}

#[test]
fn no_score_fell_over_sixty_days_and_highest_score_are_plain_rules() {
    let program = compile(
        r#"
score clicks { per email.clicked within 90d => +10 }
segment no_score { score(clicks) == 0 }
segment cooling { score(clicks) < score(clicks, at: now - 60d) }
segment highest { top 1 by score(clicks) }
"#,
    );
    let now = ctx(support::NOW);
    // Two clicks 80 days ago: 20 points then (both inside 90 days of then), 20 now.
    // Two clicks 100 days ago: 20 points 60 days ago, 0 now — cooling.
    let steady = clicks(contact().id("steady"), 2, "2026-09-03T12:00:00Z").build(&program);
    let cooled = clicks(contact().id("cooled"), 2, "2026-08-14T12:00:00Z").build(&program);
    let silent = contact().id("silent").build(&program);
    let in_segment = |name: &str, c: &funil::Contact| program.segment(name, c, &now).unwrap();
    assert!(!in_segment("cooling", &steady));
    assert!(in_segment("cooling", &cooled));
    assert!(in_segment("no_score", &silent) && in_segment("no_score", &cooled));
    assert!(!in_segment("no_score", &steady));
    let batch = program
        .evaluate_batch([&steady, &cooled, &silent], &now)
        .unwrap();
    let highest: Vec<bool> = batch
        .iter()
        .map(|e| e.segments().contains(&"highest".to_string()))
        .collect();
    assert_eq!(highest, [true, false, false]);
}
