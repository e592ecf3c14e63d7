#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §4.7: evaluating items as of an earlier instant.

mod support;

use serde_json::json;
use support::{ContactJson, codes, compile, compile_err, contact, ctx, dec, in_segment, num};

fn click(c: ContactJson, at: &str) -> ContactJson {
    c.event(
        "email.clicked",
        at,
        json!({"campaign": "n", "url": "https://x.example/"}),
    )
}

#[test]
fn segment_as_of_an_earlier_instant_sees_the_events_of_then() {
    let program = compile(
        "segment recent_click { exists(email.clicked within 7d) }
         segment lapsed { segment(recent_click, at: now - 30d) and not segment(recent_click) }",
    );
    // Clicked 35 days ago: in `recent_click` as of 30 days ago, not now.
    let lapsed = click(contact(), "2026-10-18T12:00:00Z");
    assert!(in_segment(&program, "lapsed", &lapsed, support::NOW));
    assert!(!in_segment(&program, "recent_click", &lapsed, support::NOW));
    // Clicked 20 days ago: in neither as of 30 days ago (events after then are invisible).
    let later = click(contact(), "2026-11-02T12:00:00Z");
    assert!(!in_segment(&program, "lapsed", &later, support::NOW));
    // Clicked yesterday: in `recent_click` now, so not lapsed.
    let active = click(
        click(contact(), "2026-10-18T12:00:00Z"),
        "2026-11-21T12:00:00Z",
    );
    assert!(!in_segment(&program, "lapsed", &active, support::NOW));
}

#[test]
fn attributes_keep_their_current_values_in_time_travel() {
    let program = compile(
        r#"segment br { country == "BR" }
           segment was_br { segment(br, at: now - 365d) }"#,
    );
    let c = contact().attr("country", json!("BR"));
    assert!(in_segment(&program, "was_br", &c, support::NOW));
    let pt = contact().attr("country", json!("PT"));
    assert!(!in_segment(&program, "was_br", &pt, support::NOW));
}

#[test]
fn score_rose_by_twenty_in_the_last_thirty_days() {
    let program = compile(
        "score clicks { per email.clicked => +10 }
         segment rising { score(clicks) - score(clicks, at: now - 30d) >= 20 }",
    );
    let old = click(
        click(contact(), "2026-10-01T00:00:00Z"),
        "2026-10-02T00:00:00Z",
    );
    assert!(!in_segment(&program, "rising", &old, support::NOW));
    let one_new = click(old.clone(), "2026-11-20T00:00:00Z");
    assert!(!in_segment(&program, "rising", &one_new, support::NOW));
    let two_new = click(one_new, "2026-11-21T00:00:00Z");
    assert!(in_segment(&program, "rising", &two_new, support::NOW));
}

#[test]
fn the_spec_example_of_engagement_rising() {
    let program = support::compile(&format!(
        "{}\nsegment engaged_recently {{ score(engagement) - score(engagement, at: now - 30d) >= 20 }}",
        support::SPEC_ITEMS
    ));
    // Two clicks now (no decay yet): 20 points now; none 30 days ago, when the contact had no
    // activity at all (-15, clamped to 0).
    let c = click(
        click(contact(), "2026-11-22T12:00:00Z"),
        "2026-11-22T12:00:00Z",
    );
    let built = c.build(&program);
    let engagement = program
        .score("engagement", &built, &ctx(support::NOW))
        .unwrap();
    assert_eq!(engagement, num("20"));
    assert!(
        program
            .segment("engaged_recently", &built, &ctx(support::NOW))
            .unwrap()
    );
    let one = click(contact(), "2026-11-22T12:00:00Z");
    assert!(!in_segment(
        &program,
        "engaged_recently",
        &one,
        support::NOW
    ));
}

#[test]
fn decision_as_of_an_earlier_instant() {
    let program = compile(
        r#"decide tier { when sum(purchase, amount) >= 100 => "gold" else => "basic" }
           segment upgraded { decision(tier) == "gold" and decision(tier, at: now - 7d) == "basic" }"#,
    );
    let buy = |c: ContactJson, at: &str, amount: i64| {
        c.event(
            "purchase",
            at,
            json!({"order_id": at, "amount": amount, "category": "a"}),
        )
    };
    let c = buy(
        buy(contact(), "2026-11-01T00:00:00Z", 60),
        "2026-11-20T00:00:00Z",
        60,
    );
    assert!(in_segment(&program, "upgraded", &c, support::NOW));
    let long_ago = buy(
        buy(contact(), "2026-11-01T00:00:00Z", 60),
        "2026-11-10T00:00:00Z",
        60,
    );
    assert!(!in_segment(&program, "upgraded", &long_ago, support::NOW));
}

#[test]
fn nested_references_add_their_offsets() {
    let program = compile(
        "segment clicked_today { exists(email.clicked within 1d) }
         segment a_week_ago { segment(clicked_today, at: now - 7d) }
         segment two_weeks_ago { segment(a_week_ago, at: now - 7d) }",
    );
    // 14 days before now plus a few hours: seen only by the 14-day offset.
    let c = click(contact(), "2026-11-08T10:00:00Z");
    assert!(in_segment(&program, "two_weeks_ago", &c, support::NOW));
    assert!(!in_segment(&program, "a_week_ago", &c, support::NOW));
    let week = click(contact(), "2026-11-15T10:00:00Z");
    assert!(!in_segment(&program, "two_weeks_ago", &week, support::NOW));
    assert!(in_segment(&program, "a_week_ago", &week, support::NOW));
}

#[test]
fn today_and_calendar_functions_follow_the_instant() {
    let program = compile(
        "segment birthday_today { is_anniversary(birthday) }
         segment birthday_yesterday { segment(birthday_today, at: now - 1d) }",
    );
    let c = contact().attr("birthday", json!("1990-11-21"));
    assert!(in_segment(&program, "birthday_yesterday", &c, support::NOW));
    assert!(!in_segment(&program, "birthday_today", &c, support::NOW));
}

#[test]
fn now_inside_a_time_travelled_item_is_the_earlier_instant() {
    let program = compile(
        "segment early { now == @2026-11-15T12:00:00Z }
         segment s { segment(early, at: now - 1w) }",
    );
    assert!(in_segment(&program, "s", &contact(), support::NOW));
    assert!(!in_segment(&program, "early", &contact(), support::NOW));
}

#[test]
fn a_score_as_of_a_time_before_any_event_is_zero() {
    let program = compile(
        "score clicks { per email.clicked => +10 }
         decide before { else => score(clicks, at: now - 30d) }",
    );
    let c = click(contact(), "2026-11-20T00:00:00Z");
    let built = c.build(&program);
    let value = program
        .decision("before", &built, &ctx(support::NOW))
        .unwrap();
    assert_eq!(value, funil::Value::Number(dec("0")));
}

#[test]
fn at_must_be_now_minus_a_duration_literal() {
    assert_eq!(
        codes(&compile_err(
            "segment a { true }\nsegment b { segment(a, at: @2026-01-01T00:00:00Z) }"
        )),
        ["E0021"]
    );
    assert_eq!(
        codes(&compile_err(
            "segment a { true }\nsegment b { segment(a, at: created_at) }"
        )),
        ["E0021"]
    );
}
