#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §4.6: event queries, windows and aggregates, with every example of the section.

mod support;

use funil::Value;
use serde_json::json;
use support::{ContactJson, codes, compile_err, contact, holds, holds_at, num, value_of};

fn bounce(c: ContactJson, kind: &str, at: &str) -> ContactJson {
    c.event(
        "email.bounced",
        at,
        json!({"campaign": "news", "kind": kind}),
    )
}

fn purchase(c: ContactJson, at: &str, amount: f64, category: &str) -> ContactJson {
    c.event(
        "purchase",
        at,
        json!({"order_id": format!("o-{at}"), "amount": amount, "category": category}),
    )
}

fn page(c: ContactJson, at: &str, path: &str) -> ContactJson {
    c.event("page.viewed", at, json!({"path": path}))
}

// The examples of §4.6 ---------------------------------------------------------------

#[test]
fn example_four_soft_bounces() {
    let cond = r#"count(email.bounced where kind == "soft") >= 4"#;
    let mut c = contact();
    for day in 1..=3 {
        c = bounce(c, "soft", &format!("2026-11-0{day}T10:00:00Z"));
    }
    c = bounce(c, "hard", "2026-11-05T10:00:00Z");
    assert!(!holds(cond, &c), "3 soft bounces and a hard one");
    c = bounce(c, "soft", "2026-11-06T10:00:00Z");
    assert!(holds(cond, &c), "4 soft bounces");
}

#[test]
fn example_clicked_services_link_within_30_days() {
    let cond = r#"exists(email.clicked where url contains "/services" within 30d)"#;
    let click = |at: &str, url: &str| {
        contact().event("email.clicked", at, json!({"campaign": "c", "url": url}))
    };
    assert!(holds(
        cond,
        &click("2026-11-20T10:00:00Z", "https://x.example/services/a")
    ));
    assert!(!holds(
        cond,
        &click("2026-11-20T10:00:00Z", "https://x.example/shoes")
    ));
    assert!(!holds(
        cond,
        &click("2026-10-20T10:00:00Z", "https://x.example/services")
    ));
}

#[test]
fn example_no_action_in_the_last_60_days() {
    let cond = "not exists(activity within 60d)";
    assert!(holds(cond, &contact()));
    assert!(holds(cond, &page(contact(), "2026-09-22T11:59:59Z", "/")));
    assert!(!holds(cond, &page(contact(), "2026-09-23T12:00:01Z", "/")));
    // A marketing send is not an action.
    let sent = contact().event(
        "email.sent",
        "2026-11-21T10:00:00Z",
        json!({"campaign": "n"}),
    );
    assert!(holds(cond, &sent));
}

#[test]
fn example_no_marketing_touch_in_60_days() {
    let cond = "not exists(touch within 60d)";
    let sent = |at: &str| contact().event("email.sent", at, json!({"campaign": "n"}));
    assert!(holds(cond, &contact()));
    assert!(holds(cond, &sent("2026-09-21T12:00:00Z")));
    assert!(!holds(cond, &sent("2026-09-24T12:00:00Z")));
    // Opening an email is activity, not a touch.
    let opened = contact().event(
        "email.opened",
        "2026-11-21T10:00:00Z",
        json!({"campaign": "n"}),
    );
    assert!(holds(cond, &opened));
}

#[test]
fn example_last_activity_more_than_60_days_ago() {
    let cond = "last(activity).at < now - 60d";
    assert!(
        !holds(cond, &contact()),
        "false when there is no activity at all"
    );
    assert!(holds(cond, &page(contact(), "2026-09-01T00:00:00Z", "/")));
    let both = page(
        page(contact(), "2026-09-01T00:00:00Z", "/"),
        "2026-11-01T00:00:00Z",
        "/",
    );
    assert!(!holds(cond, &both));
}

#[test]
fn example_spent_1000_in_365_days() {
    let cond = "sum(purchase within 365d, amount) >= 1000";
    let c = purchase(contact(), "2026-03-01T00:00:00Z", 600.0, "tv");
    assert!(!holds(cond, &c));
    let c = purchase(c, "2026-11-01T00:00:00Z", 400.0, "tv");
    assert!(holds(cond, &c));
    // A purchase older than 365 days does not count.
    let old = purchase(
        purchase(contact(), "2025-11-01T00:00:00Z", 600.0, "tv"),
        "2026-11-01T00:00:00Z",
        400.0,
        "tv",
    );
    assert!(!holds(cond, &old));
}

#[test]
fn example_last_purchase_category() {
    let cond = r#"last(purchase).category == "shoes""#;
    assert!(!holds(cond, &contact()));
    let c = purchase(contact(), "2026-11-01T00:00:00Z", 10.0, "shoes");
    assert!(holds(cond, &c));
    let c = purchase(c, "2026-11-02T00:00:00Z", 10.0, "books");
    assert!(!holds(cond, &c));
}

// Windows ----------------------------------------------------------------------------

#[test]
fn within_excludes_its_start_and_includes_now() {
    let cond = "exists(page.viewed within 30d)";
    // now - 30d is 2026-10-23T12:00:00Z.
    assert!(!holds(cond, &page(contact(), "2026-10-23T12:00:00Z", "/")));
    assert!(holds(cond, &page(contact(), "2026-10-23T12:00:01Z", "/")));
    assert!(holds(cond, &page(contact(), "2026-11-22T12:00:00Z", "/")));
}

#[test]
fn since_includes_its_bound() {
    let cond = "count(page.viewed since @2026-11-01T00:00:00Z) == 1";
    assert!(holds(cond, &page(contact(), "2026-11-01T00:00:00Z", "/")));
    assert!(!holds(cond, &page(contact(), "2026-10-31T23:59:59Z", "/")));
}

#[test]
fn between_includes_its_start_and_excludes_its_end() {
    let cond = "exists(page.viewed between @2026-11-01T00:00:00Z and @2026-11-10T00:00:00Z)";
    assert!(holds(cond, &page(contact(), "2026-11-01T00:00:00Z", "/")));
    assert!(holds(cond, &page(contact(), "2026-11-09T23:59:59Z", "/")));
    assert!(!holds(cond, &page(contact(), "2026-11-10T00:00:00Z", "/")));
    assert!(!holds(cond, &page(contact(), "2026-10-31T23:59:59Z", "/")));
}

#[test]
fn between_never_sees_past_now() {
    let cond = "exists(page.viewed between @2026-11-01T00:00:00Z and @2027-01-01T00:00:00Z)";
    let c = page(contact(), "2026-12-01T00:00:00Z", "/");
    assert!(!holds(cond, &c));
    assert!(holds_at(cond, &c, "2026-12-01T00:00:00Z"));
}

#[test]
fn a_bound_at_the_coalesce_level_needs_no_parentheses() {
    let cond = "count(page.viewed between @2026-11-01T00:00:00Z and now - 7d) == 1";
    let c = page(
        page(contact(), "2026-11-10T00:00:00Z", "/"),
        "2026-11-20T00:00:00Z",
        "/",
    );
    assert!(holds(cond, &c));
}

#[test]
fn a_bound_with_a_comparison_must_be_parenthesised() {
    let error = compile_err("segment s { exists(page.viewed since now - 1d == now) }");
    assert_eq!(codes(&error), ["E0001"]);
}

#[test]
fn a_null_bound_matches_no_event() {
    let cond = "count(purchase since last(cart.abandoned).at) == 0";
    let c = purchase(contact(), "2026-11-01T00:00:00Z", 10.0, "books");
    assert!(holds(cond, &c));
    let with_cart = c.clone().event(
        "cart.abandoned",
        "2026-10-01T00:00:00Z",
        json!({"value": 50}),
    );
    assert!(!holds(cond, &with_cart));
    assert!(holds(
        "not exists(purchase between last(cart.abandoned).at and now)",
        &c
    ));
}

#[test]
fn a_where_clause_can_use_the_event_time_against_another_query() {
    // Purchases after the last abandoned cart: recovered carts.
    let cond = "exists(purchase since last(cart.abandoned).at + 1s)";
    let c = contact().event(
        "cart.abandoned",
        "2026-11-10T00:00:00Z",
        json!({"value": 50}),
    );
    assert!(!holds(cond, &c));
    let c = purchase(c, "2026-11-11T00:00:00Z", 50.0, "books");
    assert!(holds(cond, &c));
}

#[test]
fn events_after_now_are_invisible() {
    let c = page(
        page(contact(), "2026-11-22T12:00:00Z", "/"),
        "2026-11-22T12:00:01Z",
        "/",
    );
    assert!(holds("count(page.viewed) == 1", &c));
    assert!(holds("last(page.viewed).at == now", &c));
    assert!(holds_at(
        "count(page.viewed) == 2",
        &c,
        "2026-11-23T00:00:00Z"
    ));
}

// Aggregates -------------------------------------------------------------------------

#[test]
fn aggregates_over_no_event() {
    let c = contact();
    assert!(holds("count(purchase) == 0", &c));
    assert!(holds("not exists(purchase)", &c));
    assert!(holds("sum(purchase, amount) == 0", &c));
    assert!(holds("avg(purchase, amount) is null", &c));
    assert!(holds("min(purchase, amount) is null", &c));
    assert!(holds("max(purchase, amount) is null", &c));
    assert!(holds("first(purchase) is null", &c));
    assert!(holds("last(purchase) is null", &c));
    assert!(holds("last(purchase).at is null", &c));
    assert!(holds("first(purchase).amount is null", &c));
}

#[test]
fn aggregates_over_three_purchases() {
    let c = purchase(
        purchase(
            purchase(contact(), "2026-11-01T00:00:00Z", 10.5, "books"),
            "2026-11-02T00:00:00Z",
            30.0,
            "tv",
        ),
        "2026-11-03T00:00:00Z",
        20.0,
        "books",
    );
    assert!(holds("count(purchase) == 3", &c));
    assert!(holds("exists(purchase)", &c));
    assert!(holds("sum(purchase, amount) == 60.5", &c));
    assert!(holds("round(avg(purchase, amount), 4) == 20.1667", &c));
    assert!(holds("min(purchase, amount) == 10.5", &c));
    assert!(holds("max(purchase, amount) == 30", &c));
    assert!(holds(r#"first(purchase).category == "books""#, &c));
    assert!(holds("first(purchase).amount == 10.5", &c));
    assert!(holds("last(purchase).amount == 20", &c));
    assert!(holds("last(purchase).at == @2026-11-03T00:00:00Z", &c));
    assert!(holds(
        r#"count(purchase where category == "books") == 2"#,
        &c
    ));
    assert!(holds(
        r#"sum(purchase where category == "books", amount) == 30.5"#,
        &c
    ));
    assert!(holds("sum(purchase, amount * 2) == 121", &c));
    assert!(holds("max(purchase within 21d, amount) == 30", &c));
    assert_eq!(value_of("sum(purchase, amount)", &c), num("60.5"));
}

#[test]
fn average_is_exact_when_it_divides() {
    let c = purchase(
        purchase(contact(), "2026-11-01T00:00:00Z", 10.0, "a"),
        "2026-11-02T00:00:00Z",
        15.0,
        "a",
    );
    assert!(holds("avg(purchase, amount) == 12.5", &c));
}

/// A schema addition with an optional prop, to see nulls skipped.
const REVIEWS: &str = "schema { event review { rating: number? } }\n";

fn reviews(ratings: &[Option<i64>]) -> ContactJson {
    let mut c = contact();
    for (i, rating) in ratings.iter().enumerate() {
        let at = format!("2026-11-1{i}T00:00:00Z");
        c = c.event("review", &at, json!({"rating": rating}));
    }
    c
}

fn review_holds(cond: &str, c: &ContactJson) -> bool {
    let program = support::compile(&format!("{REVIEWS}segment s {{ {cond} }}"));
    support::in_segment(&program, "s", c, support::NOW)
}

#[test]
fn aggregates_skip_null_values() {
    let c = reviews(&[Some(4), None, Some(2)]);
    assert!(review_holds("count(review) == 3", &c));
    assert!(review_holds("avg(review, rating) == 3", &c));
    assert!(review_holds("sum(review, rating) == 6", &c));
    assert!(review_holds("min(review, rating) == 2", &c));
    assert!(review_holds("max(review, rating) == 4", &c));
}

#[test]
fn aggregates_of_only_null_values() {
    let c = reviews(&[None, None]);
    assert!(review_holds("avg(review, rating) is null", &c));
    assert!(review_holds("min(review, rating) is null", &c));
    assert!(review_holds("max(review, rating) is null", &c));
    assert!(review_holds("sum(review, rating) == 0", &c));
    assert!(review_holds("count(review) == 2", &c));
}

// Groups -------------------------------------------------------------------------------

#[test]
fn a_group_matches_any_of_its_kinds() {
    let c = page(contact(), "2026-11-01T00:00:00Z", "/")
        .event(
            "email.opened",
            "2026-11-02T00:00:00Z",
            json!({"campaign": "n"}),
        )
        .event(
            "email.sent",
            "2026-11-03T00:00:00Z",
            json!({"campaign": "n"}),
        )
        .bare_event("unsubscribed", "2026-11-04T00:00:00Z");
    assert!(holds("count(activity) == 2", &c));
    assert!(holds("count(touch) == 1", &c));
    assert!(holds("last(activity).at == @2026-11-02T00:00:00Z", &c));
}

#[test]
fn a_group_has_the_props_shared_by_every_member() {
    let rules = r#"schema { group mail = email.opened | email.clicked }
        segment s { exists(mail where campaign == "n") }"#;
    let program = support::compile(rules);
    let c = contact().event(
        "email.clicked",
        "2026-11-02T00:00:00Z",
        json!({"campaign": "n", "url": "u"}),
    );
    assert!(support::in_segment(&program, "s", &c, support::NOW));
    // `url` is not a prop of `email.opened`, so not one of the group.
    let error = compile_err(
        r#"schema { group mail = email.opened | email.clicked }
        segment s { exists(mail where url == "u") }"#,
    );
    assert_eq!(codes(&error), ["E0003"]);
}

#[test]
fn a_prop_unknown_to_the_kind_is_a_compile_error() {
    let error = compile_err(r#"segment s { exists(purchase where colour == "red") }"#);
    assert_eq!(codes(&error), ["E0003"]);
    let error = compile_err(r#"segment s { last(purchase).colour == "red" }"#);
    assert_eq!(codes(&error), ["E0005"]);
}

#[test]
fn an_unknown_kind_is_a_compile_error() {
    let error = compile_err("segment s { exists(email.forwarded) }");
    assert_eq!(codes(&error), ["E0004"]);
}

#[test]
fn a_where_clause_ends_at_the_window() {
    let cond = r#"count(page.viewed where path == "/a" or path == "/b" within 7d) == 2"#;
    let c = page(
        page(
            page(contact(), "2026-11-20T00:00:00Z", "/a"),
            "2026-11-21T00:00:00Z",
            "/b",
        ),
        "2026-11-01T00:00:00Z",
        "/a",
    );
    assert!(holds(cond, &c));
}

#[test]
fn the_null_value_of_an_aggregate_is_usable_with_a_default() {
    let c = contact();
    assert_eq!(value_of("max(purchase, amount) ?? 0", &c), num("0"));
    assert_eq!(value_of("last(purchase).category", &c), Value::Null);
}
