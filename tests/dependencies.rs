#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Issue 10, part 3: dependencies. What the spec's items read (`Program::reads`), which
//! of them a change may affect (`Program::affected_by`), and, over generated rule sets
//! and contacts, that what is not listed never changes:
//!
//! * an item not in `affected_by(change)` has the same value before and after the
//!   change (an event appended to the history at or before now, or one attribute set
//!   to another valid value);
//! * an item that does not depend on now has the same value later, no event arriving;
//! * an item that does not depend on the time zone has the same value in every zone.

#[path = "common/rules.rs"]
mod rules;
mod support;
#[path = "../examples/funil/timeline.rs"]
#[allow(dead_code, reason = "only the replay is used here, not its JSON lines")]
mod timeline;

use chrono::TimeDelta;
use funil::{Change, Context, EvalErrorKind, ItemKind, Program, Reads, Tz, Value};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value as Json, json};
use support::{SPEC_ITEMS, at, compile, contact, ctx};

const WELCOME: &str = include_str!("data/spec_welcome.funil");
const NEWSLETTER: &str = include_str!("data/spec_newsletter.funil");

/// The spec's schema, items (§5.1, §5.3, §6) and workflows (§8, §8.3).
fn spec() -> Program {
    compile(&format!("{SPEC_ITEMS}\n{WELCOME}\n{NEWSLETTER}"))
}

/// `(kind, props)` for each event kind read.
fn events<'p>(reads: &Reads<'p>) -> Vec<(&'p str, Vec<&'p str>)> {
    reads
        .events()
        .map(|(kind, props)| (kind, props.to_vec()))
        .collect()
}

/// Each kind with no props but `at`.
fn at_only<'k>(kinds: &[&'k str]) -> Vec<(&'k str, Vec<&'static str>)> {
    kinds.iter().map(|kind| (*kind, vec!["at"])).collect()
}

fn affected<'p>(program: &'p Program, change: Change<'_>) -> Vec<&'p str> {
    program.affected_by(&change).unwrap()
}

// ----------------------------------------------------------------------------------
// The spec's items

#[test]
fn soft_bouncers_reads_the_kind_of_bounces_only() {
    let program = spec();
    let reads = program.reads("soft_bouncers").unwrap();
    assert!(reads.attributes().is_empty());
    assert_eq!(events(&reads), [("email.bounced", vec!["kind"])]);
    assert!(reads.items().is_empty());
    assert!(!reads.depends_on_now());
    assert!(!reads.depends_on_time_zone());
}

#[test]
fn service_interest_reads_four_kinds_and_no_time() {
    let program = spec();
    let reads = program.reads("service_interest").unwrap();
    assert_eq!(
        events(&reads),
        [
            ("email.clicked", vec!["url"]),
            ("page.viewed", vec!["path"]),
            ("content.downloaded", vec!["asset"]),
            ("search.performed", vec!["term"]),
        ]
    );
    assert!(!reads.depends_on_now());
}

#[test]
fn dormant_reads_every_activity_kind_and_soft_bouncers_transitively() {
    let program = spec();
    let reads = program.reads("dormant").unwrap();
    assert!(reads.attributes().is_empty());
    assert_eq!(reads.items(), ["soft_bouncers"]);
    // `activity within 60d`: each member, by `at`; `email.bounced` through
    // `soft_bouncers`, by `kind` only. Kinds in the schema's order.
    assert_eq!(
        events(&reads),
        [
            ("email.opened", vec!["at"]),
            ("email.clicked", vec!["at"]),
            ("email.bounced", vec!["kind"]),
            ("page.viewed", vec!["at"]),
            ("form.submitted", vec!["at"]),
            ("content.downloaded", vec!["at"]),
            ("search.performed", vec!["at"]),
            ("purchase", vec!["at"]),
        ]
    );
    assert_eq!(
        reads.props("activity"),
        None,
        "a group is read as its kinds"
    );
    assert!(reads.depends_on_now());
    assert!(!reads.depends_on_time_zone());
}

#[test]
fn engagement_depends_on_now_through_its_windows_and_decay() {
    let program = spec();
    let reads = program.reads("engagement").unwrap();
    assert!(reads.depends_on_now());
    assert!(!reads.depends_on_time_zone());
    assert!(reads.attributes().is_empty());
    assert!(reads.items().is_empty());
    assert_eq!(
        events(&reads),
        [
            ("email.opened", vec!["at"]),
            ("email.clicked", vec!["at"]),
            // `when exists(email.bounced where kind == "hard")`: no window, no decay.
            ("email.bounced", vec!["kind"]),
            ("page.viewed", vec!["path", "at"]),
            ("form.submitted", vec!["at"]),
            ("content.downloaded", vec!["at"]),
            ("search.performed", vec!["at"]),
            ("purchase", vec!["at"]),
        ]
    );
}

#[test]
fn fit_reads_three_attributes_and_not_now() {
    let program = spec();
    let reads = program.reads("fit").unwrap();
    assert_eq!(reads.attributes(), ["email", "country", "total_spent"]);
    assert_eq!(reads.events().count(), 0);
    assert!(reads.items().is_empty());
    assert!(!reads.depends_on_now());
    assert!(!reads.depends_on_time_zone());
}

#[test]
fn value_reads_the_amount_and_time_of_purchases() {
    let program = spec();
    let reads = program.reads("value").unwrap();
    assert_eq!(events(&reads), [("purchase", vec!["amount", "at"])]);
    assert!(reads.depends_on_now());
}

#[test]
fn decisions_read_through_the_items_they_reference() {
    let program = spec();
    let grade = program.reads("grade").unwrap();
    assert_eq!(grade.items(), ["fit"]);
    assert_eq!(grade.attributes(), ["email", "country", "total_spent"]);
    assert!(!grade.depends_on_now());

    let stage = program.reads("lifecycle_stage").unwrap();
    assert_eq!(stage.items(), ["engagement", "fit", "grade"]);
    assert_eq!(
        stage.attributes(),
        ["email", "country", "owner", "total_spent"]
    );
    assert_eq!(stage.props("purchase"), Some(&["at"][..]));
    assert!(stage.depends_on_now());

    let greeting = program.reads("greeting").unwrap();
    assert_eq!(greeting.attributes(), ["first_name"]);
    assert_eq!(greeting.events().count(), 0);
    assert!(!greeting.depends_on_now());

    let interests = program.reads("interests").unwrap();
    assert_eq!(interests.items(), ["service_interest"]);
    assert_eq!(interests.props("page.viewed"), Some(&["path", "at"][..]));
    assert!(interests.depends_on_now());
}

#[test]
fn the_welcome_workflow_reads_its_clauses_steps_and_items() {
    let program = spec();
    let reads = program.reads("welcome").unwrap();
    assert_eq!(reads.items(), ["service_interest", "fit", "grade"]);
    assert_eq!(
        reads.attributes(),
        ["email", "country", "stage", "owner", "total_spent"]
    );
    assert_eq!(
        events(&reads),
        [
            ("email.clicked", vec!["campaign", "url", "at"]),
            ("email.bounced", vec!["kind"]),
            ("page.viewed", vec!["path"]),
            ("form.submitted", vec!["at"]),
            ("content.downloaded", vec!["asset"]),
            ("search.performed", vec!["term"]),
            ("purchase", vec!["at"]),
            ("contact.created", vec!["at"]),
            ("unsubscribed", vec![]),
        ]
    );
    // Waits and `reenter after 180d`; no calendar function, no send window.
    assert!(reads.depends_on_now());
    assert!(!reads.depends_on_time_zone());

    let newsletter = program.reads("newsletter_followup").unwrap();
    assert_eq!(events(&newsletter), at_only(&["email.opened"]));
    assert!(newsletter.depends_on_now());
    assert!(newsletter.depends_on_time_zone(), "the send window");
}

#[test]
fn an_attribute_change_affects_its_readers_and_their_dependants() {
    let program = spec();
    assert_eq!(
        affected(&program, Change::attribute("country")),
        ["fit", "grade", "lifecycle_stage", "welcome"]
    );
    assert_eq!(affected(&program, Change::attribute("stage")), ["welcome"]);
    assert_eq!(
        affected(&program, Change::attribute("first_name")),
        ["greeting"]
    );
    assert!(affected(&program, Change::attribute("birthday")).is_empty());
    assert!(affected(&program, Change::attribute("tags")).is_empty());
}

#[test]
fn an_event_affects_the_items_that_query_its_kind() {
    let program = spec();
    assert_eq!(
        affected(&program, Change::event("email.bounced")),
        [
            "soft_bouncers",
            "dormant",
            "engagement",
            "lifecycle_stage",
            "welcome"
        ]
    );
    assert_eq!(
        affected(&program, Change::event("purchase")),
        [
            "dormant",
            "engagement",
            "value",
            "lifecycle_stage",
            "welcome"
        ]
    );
    assert_eq!(
        affected(&program, Change::event("search.performed")),
        [
            "service_interest",
            "dormant",
            "engagement",
            "lifecycle_stage",
            "interests",
            "welcome"
        ]
    );
    assert_eq!(
        affected(&program, Change::event("email.opened")),
        [
            "dormant",
            "engagement",
            "lifecycle_stage",
            "newsletter_followup"
        ]
    );
    // Nothing reads carts or sends.
    assert!(affected(&program, Change::event("cart.abandoned")).is_empty());
    assert!(affected(&program, Change::event("email.sent")).is_empty());
    assert!(affected(&program, Change::event("touch")).is_empty());
}

#[test]
fn a_group_change_is_the_union_of_its_kinds() {
    let program = spec();
    let mut union: Vec<&str> = Vec::new();
    for kind in [
        "email.opened",
        "email.clicked",
        "page.viewed",
        "form.submitted",
        "content.downloaded",
        "search.performed",
        "purchase",
    ] {
        union.extend(affected(&program, Change::event(kind)));
    }
    let in_order: Vec<&str> = program
        .items()
        .map(|(name, _)| name)
        .filter(|name| union.contains(name))
        .collect();
    assert_eq!(affected(&program, Change::event("activity")), in_order);
    assert!(!in_order.contains(&"soft_bouncers"));
    assert!(!in_order.contains(&"fit"));
}

#[test]
fn the_readme_example_holds_for_the_spec_items() {
    let program = support::spec_program();
    let dormant = program.reads("dormant").unwrap();
    assert_eq!(dormant.items(), ["soft_bouncers"]);
    assert_eq!(dormant.props("email.bounced"), Some(&["kind"][..]));
    assert!(dormant.depends_on_now());
    assert!(!program.reads("fit").unwrap().depends_on_now());
    assert_eq!(
        affected(&program, Change::event("email.bounced")),
        ["soft_bouncers", "dormant", "engagement", "lifecycle_stage"]
    );
    assert_eq!(
        affected(&program, Change::attribute("country")),
        ["fit", "grade", "lifecycle_stage"]
    );
}

#[test]
fn unknown_names_in_a_change_or_a_read_are_typed_errors() {
    let program = spec();
    let error = program
        .affected_by(&Change::event("email.clickd"))
        .unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::UnknownEventKind);
    assert_eq!(error.name(), "email.clickd");
    assert_eq!(
        error.to_string(),
        "no event kind or group is named `email.clickd`"
    );
    let error = program
        .affected_by(&Change::attribute("contry"))
        .unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::UnknownAttribute);
    assert_eq!(error.to_string(), "no attribute is named `contry`");
    // The namespaces are not mixed up.
    assert_eq!(
        program
            .affected_by(&Change::attribute("purchase"))
            .unwrap_err()
            .kind(),
        EvalErrorKind::UnknownAttribute
    );
    let error = program.reads("dormnt").unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::UnknownItem);
    assert_eq!(error.to_string(), "no item is named `dormnt`");
}

#[test]
fn listed_items_do_change_for_some_contact() {
    // The listing is not only safe but to the point: each change below moves the
    // value of what it lists.
    let program = spec();
    let context = ctx("2026-11-22T12:00:00Z");
    let before = contact().attr("country", json!("US"));
    let after = before.clone().attr("country", json!("BR"));
    let fit = |c: &support::ContactJson| program.score("fit", &c.build(&program), &context);
    assert_ne!(fit(&before).unwrap(), fit(&after).unwrap());

    let bounced = |c: &support::ContactJson| {
        program
            .segment("soft_bouncers", &c.build(&program), &context)
            .unwrap()
    };
    let three = contact().events(
        3,
        "email.bounced",
        "2026-11-01T00:00:00Z",
        &json!({"campaign": "x", "kind": "soft"}),
    );
    let four = three.clone().event(
        "email.bounced",
        "2026-11-02T00:00:00Z",
        json!({"campaign": "x", "kind": "soft"}),
    );
    assert!(!bounced(&three) && bounced(&four));
}

#[test]
fn a_workflow_waiting_on_the_clock_wakes_at_an_event_of_any_kind() {
    // Why a workflow whose conditions depend on now is affected by every event: an
    // event is an instant at which its waiting run is evaluated (§8.2).
    let program = compile(
        r#"workflow morning {
             enter on contact.created
             wait until hour(now) >= 9 max 2d
             send_email(template: "hello")
           }"#,
    );
    let quiet = contact().bare_event("contact.created", "2026-11-02T02:00:00Z");
    let with_cart = quiet.clone().event(
        "cart.abandoned",
        "2026-11-02T10:00:00Z",
        json!({"value": 5}),
    );
    let sent_at = |c: &support::ContactJson| {
        let records = timeline::timeline(
            &program,
            &c.build(&program),
            "morning",
            (at("2026-11-01T00:00:00Z"), at("2026-11-10T00:00:00Z")),
            Tz::UTC,
        )
        .unwrap();
        records
            .iter()
            .find(|r| matches!(r.happening, timeline::Happening::Action(_)))
            .map(|r| r.at)
    };
    assert_eq!(sent_at(&quiet), Some(at("2026-11-04T02:00:00Z")));
    assert_eq!(sent_at(&with_cart), Some(at("2026-11-02T10:00:00Z")));
    assert!(
        program
            .reads("morning")
            .unwrap()
            .props("cart.abandoned")
            .is_none()
    );
    assert_eq!(
        affected(&program, Change::event("cart.abandoned")),
        ["morning"]
    );
    // A workflow waiting a fixed time is not woken by what it does not read.
    let fixed = compile(
        r#"workflow later { enter on contact.created  wait 1d  send_email(template: "x") }"#,
    );
    assert!(affected(&fixed, Change::event("cart.abandoned")).is_empty());
}

#[test]
fn a_reward_is_affected_by_its_trigger_and_what_its_arms_read() {
    let program = compile(
        r#"reward cashback on purchase {
             when category == "electronics" => amount * 10%
             when count(form.submitted within 30d) >= 1 => amount * 7%
             else => amount * 5%
             cap 120 per 30d
           }"#,
    );
    let reads = program.reads("cashback").unwrap();
    assert_eq!(
        events(&reads),
        [
            ("form.submitted", vec!["at"]),
            ("purchase", vec!["amount", "category", "at"]),
        ]
    );
    assert!(!reads.depends_on_now(), "computed as of each trigger");
    assert_eq!(affected(&program, Change::event("purchase")), ["cashback"]);
    assert_eq!(
        affected(&program, Change::event("form.submitted")),
        ["cashback"]
    );
    assert!(affected(&program, Change::event("page.viewed")).is_empty());
    // The passing of time changes no grant; a form in the month before the purchase
    // changes its grant.
    let buyer = contact().event(
        "purchase",
        "2026-11-01T10:00:00Z",
        json!({"order_id": "o", "amount": 100, "category": "shoes"}),
    );
    let grants = |c: &support::ContactJson, now: &str| {
        let grants = program
            .rewards("cashback", &c.build(&program), &ctx(now))
            .unwrap();
        grants.iter().map(|g| g.value()).collect::<Vec<_>>()
    };
    let first = grants(&buyer, "2026-11-02T00:00:00Z");
    assert_eq!(first, grants(&buyer, "2026-12-30T00:00:00Z"));
    let with_form = buyer.event(
        "form.submitted",
        "2026-10-20T00:00:00Z",
        json!({"form": "f"}),
    );
    assert_eq!(first, [funil::Decimal::new(500, 2)]);
    assert_eq!(
        grants(&with_form, "2026-11-02T00:00:00Z"),
        [funil::Decimal::new(700, 2)]
    );
}

#[test]
fn time_travel_to_an_item_that_reads_events_moves_with_now() {
    let program = compile(
        "segment bought { exists(purchase) }
         segment bought_a_week_ago { segment(bought, at: now - 7d) }
         segment br { country == \"BR\" }
         segment br_a_week_ago { segment(br, at: now - 7d) }",
    );
    assert!(!program.reads("bought").unwrap().depends_on_now());
    let travelled = program.reads("bought_a_week_ago").unwrap();
    assert!(travelled.depends_on_now());
    assert_eq!(travelled.props("purchase"), Some(&["at"][..]));
    // Attributes have no history: as of any instant they are the current ones.
    assert!(!program.reads("br_a_week_ago").unwrap().depends_on_now());
    // A purchase three days ago is seen a week back only four days later.
    let buyer = contact().event(
        "purchase",
        "2026-11-19T12:00:00Z",
        json!({"order_id": "o", "amount": 1, "category": "c"}),
    );
    let contact = buyer.build(&program);
    let seen = |now: &str| {
        program
            .segment("bought_a_week_ago", &contact, &ctx(now))
            .unwrap()
    };
    assert!(!seen("2026-11-22T12:00:00Z"));
    assert!(seen("2026-11-26T12:00:00Z"));
}

#[test]
fn reads_and_affected_by_follow_chains_thousands_of_items_long() {
    let mut rules = String::from("segment s0 { exists(purchase within 1d) }\n");
    for i in 1..2000 {
        rules.push_str(&format!("segment s{i} {{ segment(s{}) }}\n", i - 1));
    }
    let program = compile(&rules);
    let reads = program.reads("s1999").unwrap();
    assert_eq!(reads.items().len(), 1999);
    assert!(reads.depends_on_now());
    assert_eq!(affected(&program, Change::event("purchase")).len(), 2000);
    assert!(affected(&program, Change::event("page.viewed")).is_empty());
}

// ----------------------------------------------------------------------------------
// Properties over generated rule sets and contacts

/// The value of every segment, score and decision.
fn values(program: &Program, json: &str, context: &Context) -> Vec<(String, Value)> {
    let contact = program
        .contact_from_json(json)
        .unwrap_or_else(|e| panic!("{e}\n{json}"));
    let evaluation = program.evaluate(&contact, context).unwrap();
    program
        .items()
        .filter_map(|(name, kind)| {
            let value = match kind {
                ItemKind::Segment => Value::Bool(evaluation.segments().iter().any(|s| s == name)),
                ItemKind::Score => evaluation.scores().find(|(n, _)| *n == name)?.1.clone(),
                ItemKind::Decision => evaluation.decisions().find(|(n, _)| *n == name)?.1.clone(),
                _ => return None,
            };
            Some((name.to_string(), value))
        })
        .collect()
}

/// The generated contact with one more event, at or before [`rules::NOW`].
fn with_event(json: &str, event: &Json) -> String {
    let mut contact: Json = serde_json::from_str(json).unwrap();
    contact["events"]
        .as_array_mut()
        .unwrap()
        .push(event.clone());
    contact.to_string()
}

/// The generated contact with `name` set to `value`.
fn with_attribute(json: &str, name: &str, value: &Json) -> String {
    let mut contact: Json = serde_json::from_str(json).unwrap();
    contact["attributes"][name] = value.clone();
    contact.to_string()
}

/// An event of the generator's schema, at or before [`rules::NOW`].
fn new_event() -> impl Strategy<Value = (String, Json)> {
    let at = prop_oneof![
        Just(0_i64),
        (1_i64..120).prop_map(|d| -d * 86_400),
        (1_i64..72).prop_map(|h| -h * 3_600),
        (0_i64..120 * 86_400).prop_map(|s| -s),
    ]
    .prop_map(rules::instant_text);
    rules::event_at(at).prop_map(|event| {
        (
            event["kind"].as_str().unwrap_or_default().to_string(),
            event,
        )
    })
}

/// A new valid value for each attribute of the generator's schema (maybe its current
/// one).
fn new_attributes() -> impl Strategy<Value = Vec<(&'static str, Json)>> {
    let instant = (-400 * 86_400_i64..0).prop_map(|s| json!(rules::instant_text(s)));
    (
        (0_u32..300).prop_map(|n| json!(n)),
        prop_oneof![Just(Json::Null), (0_u32..100).prop_map(|m| json!(m))],
        select(vec!["BR", "PT", "US", "", "ABC"]).prop_map(|s| json!(s)),
        select(vec![Json::Null, json!("x"), json!("vip")]),
        select(vec![Json::Null, json!(true), json!(false)]),
        select(vec![
            Json::Null,
            json!("2000-02-29"),
            json!("1990-11-22"),
            json!("1985-11-25"),
            json!("1970-01-01"),
        ]),
        instant,
        select(vec![json!([]), json!(["vip"]), json!(["new", "vip"])]),
    )
        .prop_map(|(n, m, s, t, b, d, c, tags)| {
            vec![
                ("n", n),
                ("m", m),
                ("s", s),
                ("t", t),
                ("b", b),
                ("d", d),
                ("c", c),
                ("tags", tags),
            ]
        })
}

fn compile_set(set: &rules::RuleSet) -> Program {
    funil::Compiler::new()
        .source("rules.funil", set.with_schema())
        .compile()
        .unwrap_or_else(|e| panic!("{e}\n--- source:\n{}", set.source))
}

/// Asserts that every item outside `listed` has the same value in `before` and
/// `after`.
fn assert_unlisted_unchanged(
    listed: &[&str],
    before: &[(String, Value)],
    after: &[(String, Value)],
    what: &str,
    source: &str,
) -> Result<(), TestCaseError> {
    for ((name, old), (_, new)) in before.iter().zip(after) {
        if !listed.contains(&name.as_str()) {
            prop_assert_eq!(
                old,
                new,
                "`{}` is not listed for {} but changed\n--- rules:\n{}",
                name,
                what,
                source
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn an_item_not_affected_by_an_event_keeps_its_value(
        set in rules::rule_set(6),
        json in rules::contact(),
        events in vec(new_event(), 4),
        zone in rules::time_zone(),
    ) {
        let program = compile_set(&set);
        let context = Context::new(rules::now()).with_time_zone(zone);
        let before = values(&program, &json, &context);
        for (kind, event) in events {
            let listed = program.affected_by(&Change::event(&kind)).unwrap();
            let after = values(&program, &with_event(&json, &event), &context);
            assert_unlisted_unchanged(&listed, &before, &after, &format!("{event}"), &set.source)?;
        }
    }

    #[test]
    fn an_item_not_affected_by_an_attribute_keeps_its_value(
        set in rules::rule_set(6),
        json in rules::contact(),
        attributes in new_attributes(),
        zone in rules::time_zone(),
    ) {
        let program = compile_set(&set);
        let context = Context::new(rules::now()).with_time_zone(zone);
        let before = values(&program, &json, &context);
        for (name, value) in attributes {
            let listed = program.affected_by(&Change::attribute(name)).unwrap();
            let after = values(&program, &with_attribute(&json, name, &value), &context);
            assert_unlisted_unchanged(&listed, &before, &after, &format!("`{name}` = {value}"), &set.source)?;
        }
    }

    #[test]
    fn an_item_that_does_not_depend_on_now_keeps_its_value_later(
        set in rules::rule_set(6),
        json in rules::contact(),
        later in prop_oneof![1_i64..86_400, 1_i64..400 * 86_400],
        zone in rules::time_zone(),
    ) {
        let program = compile_set(&set);
        let json = rules::known_at(&json, rules::now());
        let now = Context::new(rules::now()).with_time_zone(zone);
        let then = Context::new(rules::now() + TimeDelta::seconds(later)).with_time_zone(zone);
        let listed: Vec<&str> = program
            .items()
            .filter(|(name, _)| program.reads(name).unwrap().depends_on_now())
            .map(|(name, _)| name)
            .collect();
        let before = values(&program, &json, &now);
        let after = values(&program, &json, &then);
        assert_unlisted_unchanged(&listed, &before, &after, &format!("{later}s later"), &set.source)?;
    }

    #[test]
    fn an_item_that_does_not_depend_on_the_zone_has_one_value_in_every_zone(
        set in rules::rule_set(6),
        json in rules::contact(),
        zone in rules::time_zone(),
    ) {
        let program = compile_set(&set);
        let listed: Vec<&str> = program
            .items()
            .filter(|(name, _)| program.reads(name).unwrap().depends_on_time_zone())
            .map(|(name, _)| name)
            .collect();
        let utc = values(&program, &json, &Context::new(rules::now()));
        let zoned = values(&program, &json, &Context::new(rules::now()).with_time_zone(zone));
        assert_unlisted_unchanged(&listed, &utc, &zoned, &format!("{zone}"), &set.source)?;
    }
}
