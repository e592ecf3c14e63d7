#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Explanations (issue 10): the text tree and the JSON of spec items, short-circuits,
//! score rules, decisions, references and time travel, errors, and agreement with
//! evaluation, over the quickstart's contacts and over generated rule sets and
//! contacts (`tests/common/rules.rs`).

#[path = "common/rules.rs"]
mod rules;
mod support;

use chrono::TimeDelta;
use funil::explain::{ArmOutcome, Detail, Explained};
use funil::{Context, EvalErrorKind, Explanation, ItemKind, Program, Value};
use proptest::prelude::*;
use serde_json::json;

use support::{NOW, SPEC_CONTACT, compile, contact, ctx, spec_program};

fn explain(program: &Program, item: &str, contact: &funil::Contact) -> Explanation {
    let explanation = program.explain(item, contact, &ctx(NOW)).unwrap();
    check_tree(&explanation);
    explanation
}

/// The spec items explained for the contact of spec §1.1 at the spec's instant.
fn spec_text(item: &str) -> String {
    let program = spec_program();
    let contact = program.contact_from_json(SPEC_CONTACT).unwrap();
    explain(&program, item, &contact).to_string()
}

#[test]
fn a_segment_shows_each_condition_and_what_was_not_evaluated() {
    let program = spec_program();
    let c = contact()
        .event(
            "email.sent",
            "2026-11-01T09:00:00Z",
            json!({"campaign": "news-1"}),
        )
        .event(
            "email.bounced",
            "2026-11-02T09:00:00Z",
            json!({"campaign": "news-1", "kind": "soft"}),
        )
        .event(
            "page.viewed",
            "2026-11-21T15:30:00Z",
            json!({"path": "/pricing"}),
        )
        .event(
            "email.opened",
            "2026-11-22T08:10:00Z",
            json!({"campaign": "news-2"}),
        )
        .build(&program);
    assert_eq!(
        explain(&program, "dormant", &c).to_string(),
        "\
segment dormant = false  (rules.funil:11:9)
├─ not exists(activity within 60d) = false  (rules.funil:11:19)
│  └─ exists(activity within 60d) = true: 2 events selected (#2 page.viewed 2026-11-21T15:30:00Z, #3 email.opened 2026-11-22T08:10:00Z)  (rules.funil:11:23)
└─ not segment(soft_bouncers): not evaluated  (rules.funil:11:55)
"
    );
}

#[test]
fn an_or_stops_at_the_first_true_operand() {
    assert_eq!(
        spec_text("service_interest"),
        "\
segment service_interest = true  (rules.funil:5:9)
├─ exists(email.clicked where url contains \"/services\") = true: 1 event selected (#0 email.clicked 2026-11-20T10:00:00Z)  (rules.funil:6:3)
├─ exists(page.viewed where path starts_with \"/services\"): not evaluated  (rules.funil:7:6)
├─ exists(search.performed where term in [\"consulting\", \"support plan\"]): not evaluated  (rules.funil:8:6)
└─ exists(content.downloaded where asset == \"services-guide.pdf\"): not evaluated  (rules.funil:9:6)
"
    );
}

#[test]
fn an_and_stops_at_a_null_operand_as_at_a_false_one() {
    let program = compile(
        "decide flag { when country == \"BR\" => true }\n\
         segment s { decision(flag) and total_spent > 1 }",
    );
    let c = contact().build(&program);
    assert_eq!(
        explain(&program, "s", &c).to_string(),
        "\
segment s = false  (rules.funil:2:9)
├─ decision(flag) = null → [1]  (rules.funil:2:13)
└─ total_spent > 1: not evaluated  (rules.funil:2:32)

[1] decision flag = null  (rules.funil:1:8)
└─ when country == \"BR\" => true: not matched  (rules.funil:1:15)
   └─ country == \"BR\" = false  (rules.funil:1:20)
      └─ country = null  (rules.funil:1:20)
"
    );
}

/// The explanation of the spec's `engagement` for the spec's contact.
const ENGAGEMENT: &str = "\
score engagement = 9.53  (rules.funil:13:7)
├─ per email.clicked within 30d => +10 max 50 = 9.53004912209: 1 event  (rules.funil:14:3)
│  └─ #0 email.clicked 2026-11-20T10:00:00Z: 10 × decay 0.953004912209 = 9.53004912209
├─ per page.viewed where path starts_with \"/pricing\" within 14d => +5 = 0: no event  (rules.funil:15:3)
├─ per email.opened within 30d => +3 max 9 = 0: no event  (rules.funil:16:3)
├─ when exists(form.submitted within 30d) => +20 = 0  (rules.funil:17:3)
│  └─ exists(form.submitted within 30d) = false: no event selected  (rules.funil:17:8)
├─ when not exists(activity within 60d) => -15 = 0  (rules.funil:18:3)
│  └─ not exists(activity within 60d) = false  (rules.funil:18:8)
│     └─ exists(activity within 60d) = true: 1 event selected (#0 email.clicked 2026-11-20T10:00:00Z)  (rules.funil:18:12)
├─ when exists(email.bounced where kind == \"hard\") => -50 = 0  (rules.funil:19:3)
│  └─ exists(email.bounced where kind == \"hard\") = false: no event selected  (rules.funil:19:8)
└─ clamp 0 to 200 = 9.53  (rules.funil:21:3)
";

#[test]
fn a_score_shows_each_rule_the_points_of_each_event_its_decay_and_the_clamp() {
    assert_eq!(spec_text("engagement"), ENGAGEMENT);
}

#[test]
fn a_decision_shows_why_each_earlier_arm_did_not_match_then_the_items_it_references() {
    assert_eq!(
        spec_text("lifecycle_stage"),
        format!("\
decision lifecycle_stage = \"subscriber\"  (rules.funil:41:8)
├─ when exists(purchase) => \"customer\": not matched  (rules.funil:42:3)
│  └─ exists(purchase) = false: no event selected  (rules.funil:42:8)
├─ when owner is not null and score(engagement) >= 100 => \"sql\": not matched  (rules.funil:43:3)
│  └─ owner is not null and score(engagement) >= 100 = false  (rules.funil:43:8)
│     ├─ owner is not null = false  (rules.funil:43:8)
│     │  └─ owner = null  (rules.funil:43:8)
│     └─ score(engagement) >= 100: not evaluated  (rules.funil:43:30)
├─ when score(engagement) >= 60 and decision(grade) in [\"A\", \"B\"] => \"mql\": not matched  (rules.funil:44:3)
│  └─ score(engagement) >= 60 and decision(grade) in [\"A\", \"B\"] = false  (rules.funil:44:8)
│     ├─ score(engagement) >= 60 = false  (rules.funil:44:8)
│     │  └─ score(engagement) = 9.53 → [1]  (rules.funil:44:8)
│     └─ decision(grade) in [\"A\", \"B\"]: not evaluated  (rules.funil:44:36)
├─ when exists(form.submitted) => \"lead\": not matched  (rules.funil:45:3)
│  └─ exists(form.submitted) = false: no event selected  (rules.funil:45:8)
└─ else => \"subscriber\": matched  (rules.funil:46:3)

[1] {ENGAGEMENT}")
    );
}

#[test]
fn decide_all_evaluates_every_arm_and_the_else_only_when_none_matched() {
    assert_eq!(
        spec_text("interests"),
        "\
decision interests = [\"services\"]  (rules.funil:51:12)
├─ when segment(service_interest) => \"services\": matched  (rules.funil:52:3)
│  └─ segment(service_interest) = true → [1]  (rules.funil:52:8)
└─ when exists(page.viewed where path starts_with \"/shoes\" within 30d) => \"shoes\": not matched  (rules.funil:53:3)
   └─ exists(page.viewed where path starts_with \"/shoes\" within 30d) = false: no event selected  (rules.funil:53:8)

[1] segment service_interest = true  (rules.funil:5:9)
├─ exists(email.clicked where url contains \"/services\") = true: 1 event selected (#0 email.clicked 2026-11-20T10:00:00Z)  (rules.funil:6:3)
├─ exists(page.viewed where path starts_with \"/services\"): not evaluated  (rules.funil:7:6)
├─ exists(search.performed where term in [\"consulting\", \"support plan\"]): not evaluated  (rules.funil:8:6)
└─ exists(content.downloaded where asset == \"services-guide.pdf\"): not evaluated  (rules.funil:9:6)
"
    );
    let program = compile(
        r#"decide all tags { when total_spent > 10 => "spender" when stage == "lead" => "lead" else => "none" }"#,
    );
    let arms = |c: &funil::Contact| -> Vec<ArmOutcome> {
        explain(&program, "tags", c)
            .root()
            .children()
            .iter()
            .map(|arm| match arm.detail() {
                Detail::Arm(arm) => arm.outcome(),
                other => panic!("{other:?}"),
            })
            .collect()
    };
    let spender = contact().attr("total_spent", json!(20)).build(&program);
    assert_eq!(
        arms(&spender),
        [
            ArmOutcome::Matched,
            ArmOutcome::Matched,
            ArmOutcome::NotEvaluated
        ]
    );
    let nobody = contact().attr("stage", json!("customer")).build(&program);
    assert_eq!(
        arms(&nobody),
        [
            ArmOutcome::NotMatched,
            ArmOutcome::NotMatched,
            ArmOutcome::Matched
        ]
    );
}

#[test]
fn max_and_clamp_say_what_they_cut() {
    let program = compile(
        "score clicks { per email.clicked => +10 max 25  when stage == \"lead\" => +1  clamp 0 to 20 }",
    );
    let c = contact()
        .events(
            3,
            "email.clicked",
            "2026-11-21T10:00:00Z",
            &json!({"campaign": "a", "url": "u"}),
        )
        .build(&program);
    assert_eq!(
        explain(&program, "clicks", &c).to_string(),
        "\
score clicks = 20  (rules.funil:1:7)
├─ per email.clicked => +10 max 25 = 25: 3 events, 30 cut to max 25  (rules.funil:1:16)
│  ├─ #0 email.clicked 2026-11-21T09:59:58Z: 10
│  ├─ #1 email.clicked 2026-11-21T09:59:59Z: 10
│  └─ #2 email.clicked 2026-11-21T10:00:00Z: 10
├─ when stage == \"lead\" => +1 = 1  (rules.funil:1:49)
│  └─ stage == \"lead\" = true  (rules.funil:1:54)
│     └─ stage = \"lead\"  (rules.funil:1:54)
└─ clamp 0 to 20 = 20: 26 cut  (rules.funil:1:77)
"
    );
}

#[test]
fn time_travel_explains_the_item_as_of_the_earlier_instant_once_per_instant() {
    let program = compile(
        "score views { per page.viewed => +1 }\n\
         segment rising { score(views) - score(views, at: now - 3d) >= 2 and score(views, at: now - 3d) < 5 }",
    );
    let c = contact()
        .event("page.viewed", "2026-11-10T10:00:00Z", json!({"path": "/a"}))
        .event("page.viewed", "2026-11-20T10:00:00Z", json!({"path": "/b"}))
        .event("page.viewed", "2026-11-21T10:00:00Z", json!({"path": "/c"}))
        .build(&program);
    let explanation = explain(&program, "rising", &c);
    assert_eq!(
        explanation.to_string(),
        "\
segment rising = true  (rules.funil:2:9)
├─ score(views) - score(views, at: now - 3d) >= 2 = true  (rules.funil:2:18)
│  └─ score(views) - score(views, at: now - 3d) = 2  (rules.funil:2:18)
│     ├─ score(views) = 3 → [1]  (rules.funil:2:18)
│     └─ score(views, at: now - 3d) = 1 → [2]  (rules.funil:2:33)
└─ score(views, at: now - 3d) < 5 = true  (rules.funil:2:69)
   └─ score(views, at: now - 3d) = 1 → [2]  (rules.funil:2:69)

[1] score views = 3  (rules.funil:1:7)
└─ per page.viewed => +1 = 3: 3 events  (rules.funil:1:15)
   ├─ #0 page.viewed 2026-11-10T10:00:00Z: 1
   ├─ #1 page.viewed 2026-11-20T10:00:00Z: 1
   └─ #2 page.viewed 2026-11-21T10:00:00Z: 1

[2] score views as of 2026-11-19T12:00:00Z = 1  (rules.funil:1:7)
└─ per page.viewed => +1 = 1: 1 event  (rules.funil:1:15)
   └─ #0 page.viewed 2026-11-10T10:00:00Z: 1
"
    );
    let [now, before] = explanation.references() else {
        panic!()
    };
    assert_eq!(
        (now.offset(), before.offset()),
        (TimeDelta::zero(), TimeDelta::days(3))
    );
    assert_eq!(before.at(), support::at("2026-11-19T12:00:00Z"));
}

#[test]
fn windows_coalescing_first_last_and_sums_show_their_parts() {
    let program = compile(
        r#"segment cart { exists(cart.abandoned within 7d) and not exists(purchase since last(cart.abandoned).at) }
segment spent { sum(purchase within 365d, amount) >= 100 and 500 <= total_spent }
segment named { (first_name ?? "x") == "x" or country ?? "BR" == "PT" }"#,
    );
    let c = contact()
        .attr("total_spent", json!(800))
        .attr("first_name", json!("Ana"))
        .event(
            "purchase",
            "2026-06-21T12:00:00Z",
            json!({"order_id": "1", "amount": 70, "category": "x"}),
        )
        .event(
            "purchase",
            "2026-11-21T12:00:00Z",
            json!({"order_id": "2", "amount": 50, "category": "x"}),
        )
        .event(
            "cart.abandoned",
            "2026-11-21T13:00:00Z",
            json!({"value": 50}),
        )
        .build(&program);
    let text = |item| explain(&program, item, &c).to_string();
    assert_eq!(
        text("cart"),
        "\
segment cart = true  (rules.funil:1:9)
├─ exists(cart.abandoned within 7d) = true: 1 event selected (#2 cart.abandoned 2026-11-21T13:00:00Z)  (rules.funil:1:16)
└─ not exists(purchase since last(cart.abandoned).at) = true  (rules.funil:1:53)
   └─ exists(purchase since last(cart.abandoned).at) = false: no event selected  (rules.funil:1:57)
      └─ last(cart.abandoned).at = \"2026-11-21T13:00:00Z\": picked #2 cart.abandoned 2026-11-21T13:00:00Z  (rules.funil:1:79)
"
    );
    assert_eq!(
        text("spent"),
        "\
segment spent = true  (rules.funil:2:9)
├─ sum(purchase within 365d, amount) >= 100 = true  (rules.funil:2:17)
│  └─ sum(purchase within 365d, amount) = 120: 2 events selected (#0 purchase 2026-06-21T12:00:00Z: 70, #1 purchase 2026-11-21T12:00:00Z: 50)  (rules.funil:2:17)
└─ 500 <= total_spent = true  (rules.funil:2:62)
   └─ total_spent = 800  (rules.funil:2:69)
"
    );
    assert_eq!(
        text("named"),
        "\
segment named = false  (rules.funil:3:9)
├─ (first_name ?? \"x\") == \"x\" = false  (rules.funil:3:17)
│  └─ (first_name ?? \"x\") = \"Ana\"  (rules.funil:3:17)
│     └─ first_name = \"Ana\"  (rules.funil:3:18)
└─ country ?? \"BR\" == \"PT\" = false  (rules.funil:3:47)
   └─ country ?? \"BR\" = \"BR\"  (rules.funil:3:47)
      └─ country = null  (rules.funil:3:47)
"
    );
}

#[test]
fn the_text_is_shown_on_one_line_without_comments_and_long_text_is_cut() {
    let program = compile(&format!(
        "segment commented {{\n  country == \"BR\" # Brazil\n  or (country == \"PT\"   and\n      total_spent > 10)\n}}\n\
         segment long {{ email == \"{}\" }}",
        "x".repeat(120)
    ));
    let c = contact()
        .attr("country", json!("PT"))
        .attr("total_spent", json!(20))
        .build(&program);
    assert_eq!(
        explain(&program, "commented", &c).to_string(),
        "\
segment commented = true  (rules.funil:1:9)
├─ country == \"BR\" = false  (rules.funil:2:3)
│  └─ country = \"PT\"  (rules.funil:2:3)
└─ (country == \"PT\" and total_spent > 10) = true  (rules.funil:3:6)
   ├─ country == \"PT\" = true  (rules.funil:3:7)
   │  └─ country = \"PT\"  (rules.funil:3:7)
   └─ total_spent > 10 = true  (rules.funil:4:7)
      └─ total_spent = 20  (rules.funil:4:7)
"
    );
    let long = explain(&program, "long", &c);
    let line = long.to_string().lines().nth(1).unwrap().to_string();
    let shown = format!("└─ email == \"{}…", "x".repeat(89));
    assert!(line.starts_with(&shown), "{line}");
    // The tree keeps the text as written.
    assert_eq!(long.root().children()[0].text().len(), 131);
}

#[test]
fn the_json_of_a_small_case() {
    let program = compile(
        "segment br { country == \"BR\" or segment(pt) }\nsegment pt { country == \"PT\" }",
    );
    let c = contact().build(&program);
    let json = serde_json::to_string(&explain(&program, "br", &c)).unwrap();
    let expected = concat!(
        r#"{"item":"br","kind":"segment","title":null,"at":"2026-11-22T12:00:00Z","offset":"0s","value":false,"#,
        r#""location":{"file":"rules.funil","line":1,"column":9,"start":8,"end":10},"#,
        r#""root":{"text":"segment br { country == \"BR\" or segment(pt) }","location":{"file":"rules.funil","line":1,"column":1,"start":0,"end":45},"evaluated":true,"value":false,"kind":"item","children":["#,
        r#"{"text":"country == \"BR\" or segment(pt)","location":{"file":"rules.funil","line":1,"column":14,"start":13,"end":43},"evaluated":true,"value":false,"kind":"or","children":["#,
        r#"{"text":"country == \"BR\"","location":{"file":"rules.funil","line":1,"column":14,"start":13,"end":28},"evaluated":true,"value":false,"kind":"expression","children":["#,
        r#"{"text":"country","location":{"file":"rules.funil","line":1,"column":14,"start":13,"end":20},"evaluated":true,"value":null,"kind":"expression","children":[]},"#,
        r#"{"text":"\"BR\"","location":{"file":"rules.funil","line":1,"column":25,"start":24,"end":28},"evaluated":true,"value":"BR","kind":"literal","children":[]}]},"#,
        r#"{"text":"segment(pt)","location":{"file":"rules.funil","line":1,"column":33,"start":32,"end":43},"evaluated":true,"value":false,"kind":"reference","item":"pt","item_kind":"segment","offset":"0s","at":"2026-11-22T12:00:00Z","reference":0,"children":[]}]}]},"#,
        r#""references":[{"item":"pt","kind":"segment","title":null,"at":"2026-11-22T12:00:00Z","offset":"0s","value":false,"#,
        r#""location":{"file":"rules.funil","line":2,"column":9,"start":54,"end":56},"#,
        r#""root":{"text":"segment pt { country == \"PT\" }","location":{"file":"rules.funil","line":2,"column":1,"start":46,"end":76},"evaluated":true,"value":false,"kind":"item","children":["#,
        r#"{"text":"country == \"PT\"","location":{"file":"rules.funil","line":2,"column":14,"start":59,"end":74},"evaluated":true,"value":false,"kind":"expression","children":["#,
        r#"{"text":"country","location":{"file":"rules.funil","line":2,"column":14,"start":59,"end":66},"evaluated":true,"value":null,"kind":"expression","children":[]},"#,
        r#"{"text":"\"PT\"","location":{"file":"rules.funil","line":2,"column":25,"start":70,"end":74},"evaluated":true,"value":"PT","kind":"literal","children":[]}]}]}}]}"#,
    );
    assert_eq!(json, expected);
}

#[test]
fn the_json_of_score_rules_events_arms_and_clamps() {
    let program = compile(
        "score opens { per email.opened within 30d => +3 max 5  decay half_life 1d  clamp 0 to 4 }\n\
         decide tier { when score(opens) >= 4 => \"hot\" else => \"cold\" }",
    );
    let c = contact()
        .event(
            "email.opened",
            "2026-11-21T12:00:00Z",
            json!({"campaign": "a"}),
        )
        .event(
            "email.opened",
            "2026-11-22T12:00:00Z",
            json!({"campaign": "a"}),
        )
        .build(&program);
    let json = serde_json::to_value(explain(&program, "opens", &c)).unwrap();
    let rule = &json["root"]["children"][0];
    assert_eq!(rule["kind"], "score_rule");
    assert_eq!(rule["rule"], "per");
    assert_eq!(rule["kinds"], json!(["email.opened"]));
    assert_eq!(
        rule["selected"],
        json!([
            {"index": 0, "kind": "email.opened", "at": "2026-11-21T12:00:00Z", "value": 3, "decay_factor": 0.5, "points": 1.5},
            {"index": 1, "kind": "email.opened", "at": "2026-11-22T12:00:00Z", "value": 3, "decay_factor": 1, "points": 3},
        ])
    );
    assert_eq!(
        (&rule["sum"], &rule["max"], &rule["cut"]),
        (&json!(4.5), &json!(5), &json!(false))
    );
    assert_eq!(rule["value"], 4.5);
    let clamp = &json["root"]["children"][1];
    assert_eq!(
        (
            &clamp["kind"],
            &clamp["low"],
            &clamp["high"],
            &clamp["before"],
            &clamp["cut"],
            &clamp["value"]
        ),
        (
            &json!("clamp"),
            &json!(0),
            &json!(4),
            &json!(4.5),
            &json!(true),
            &json!(4)
        )
    );
    let json = serde_json::to_value(explain(&program, "tier", &c)).unwrap();
    let arms = &json["root"]["children"];
    assert_eq!(
        (&arms[0]["arm"], &arms[0]["outcome"], &arms[0]["value"]),
        (&json!("when"), &json!("matched"), &json!(true))
    );
    assert_eq!(
        (&arms[1]["arm"], &arms[1]["outcome"], &arms[1]["evaluated"]),
        (&json!("else"), &json!("not_evaluated"), &json!(false))
    );
    assert_eq!(arms[1]["text"], "else => \"cold\"");
    assert_eq!(json["references"][0]["item"], "opens");
}

#[test]
fn explaining_refuses_what_evaluation_refuses() {
    let program = compile(
        "segment leaders { top 1 by total_spent }\n\
         segment near_top { segment(leaders) }\n\
         reward points on purchase { else => 1 }\n\
         segment br { country == \"BR\" }",
    );
    let c = contact().build(&program);
    let kind =
        |item: &str, c: &funil::Contact| program.explain(item, c, &ctx(NOW)).unwrap_err().kind();
    assert_eq!(kind("nope", &c), EvalErrorKind::UnknownItem);
    assert_eq!(kind("leaders", &c), EvalErrorKind::BatchOnly);
    assert_eq!(kind("near_top", &c), EvalErrorKind::BatchOnly);
    assert_eq!(kind("points", &c), EvalErrorKind::WrongItemKind);
    let other = compile("segment br { country == \"BR\" }");
    let stranger =
        funil::compile("schema { contact { country: string? } } segment br { true }").unwrap();
    let foreign = stranger.contact("x").build().unwrap();
    assert_eq!(kind("br", &foreign), EvalErrorKind::SchemaMismatch);
    assert!(
        other
            .explain("br", &contact().build(&other), &ctx(NOW))
            .is_ok()
    );
    let workflows = compile("workflow hello { enter on purchase send_email(template: \"hi\") }");
    let error = workflows
        .explain("hello", &contact().build(&workflows), &ctx(NOW))
        .unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::WrongItemKind);
}

#[test]
fn explanations_agree_with_evaluation_for_every_quickstart_contact_and_item() {
    let program = funil::compile(include_str!("../examples/data/quickstart.funil")).unwrap();
    let zone: funil::Tz = "America/Sao_Paulo".parse().unwrap();
    let context = Context::new(support::at(NOW)).with_time_zone(zone);
    let contacts = include_str!("../examples/data/quickstart_contacts.jsonl");
    let mut explained = 0;
    for line in contacts.lines().filter(|l| !l.trim().is_empty()) {
        let c = program.contact_from_json(line).unwrap();
        for (name, kind) in program.items() {
            let evaluated = match kind {
                ItemKind::Segment => program.segment(name, &c, &context).map(Value::from),
                ItemKind::Score => program.score(name, &c, &context),
                ItemKind::Decision => program.decision(name, &c, &context),
                // Workflows, rewards, experiments, metrics: no value for one contact.
                _ => continue,
            };
            let explanation = program.explain(name, &c, &context);
            match (evaluated, explanation) {
                (Ok(value), Ok(explanation)) => {
                    assert_eq!(explanation.value(), &value, "{name} for {}", c.id());
                    check_tree(&explanation);
                    check_references(&program, &c, &context, &explanation);
                    explained += 1;
                }
                (Err(a), Err(b)) => assert_eq!(a, b),
                (a, b) => panic!("{name}: evaluation {a:?}, explanation {b:?}"),
            }
        }
    }
    assert!(explained > 100, "{explained}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// For every segment, score and decision, the explanation's value is what
    /// evaluation gives, and so is each referenced item's at its instant; the tree has
    /// the shape of `check_tree`; both renderings succeed.
    #[test]
    fn explanations_agree_with_evaluation_over_generated_rules_and_contacts(
        set in rules::rule_set(6),
        contacts in proptest::collection::vec(rules::contact(), 1..3),
        zone in rules::time_zone(),
        shift in -2 * 86_400_i64..2 * 86_400,
    ) {
        let program = funil::Compiler::new()
            .source("rules.funil", set.with_schema())
            .compile()
            .unwrap_or_else(|e| panic!("{e}\n{}", set.source));
        let now = rules::now() + TimeDelta::seconds(shift);
        let context = Context::new(now).with_time_zone(zone);
        for json in &contacts {
            let c = program.contact_from_json(json).unwrap();
            let evaluation = program.evaluate(&c, &context).unwrap();
            for (kind, name) in &set.items {
                let explanation = program.explain(name, &c, &context).unwrap();
                let (single, all) = match kind {
                    rules::Kind::Segment => (
                        Value::from(program.segment(name, &c, &context).unwrap()),
                        Value::from(evaluation.segments().iter().any(|s| s == name)),
                    ),
                    rules::Kind::Score => (
                        program.score(name, &c, &context).unwrap(),
                        evaluation.scores().find(|(n, _)| n == name).unwrap().1.clone(),
                    ),
                    rules::Kind::Decision => (
                        program.decision(name, &c, &context).unwrap(),
                        evaluation.decisions().find(|(n, _)| n == name).unwrap().1.clone(),
                    ),
                };
                prop_assert_eq!(explanation.value(), &single, "{}\n{}\n{}\n{}", name, explanation, set.source, json);
                prop_assert_eq!(&single, &all);
                check_tree(&explanation);
                check_references(&program, &c, &context, &explanation);
                prop_assert!(!explanation.to_string().is_empty());
                prop_assert!(serde_json::to_string(&explanation).is_ok());
            }
        }
    }
}

/// Every referenced item's explanation gives what evaluating it at its instant gives.
fn check_references(
    program: &Program,
    c: &funil::Contact,
    context: &Context,
    explanation: &Explanation,
) {
    for reference in explanation.references() {
        let at = Context::new(reference.at()).with_time_zone(context.time_zone());
        let value = match reference.kind() {
            ItemKind::Segment => Value::from(program.segment(reference.name(), c, &at).unwrap()),
            ItemKind::Score => program.score(reference.name(), c, &at).unwrap(),
            _ => program.decision(reference.name(), c, &at).unwrap(),
        };
        assert_eq!(
            reference.value(),
            &value,
            "{} as of {}",
            reference.name(),
            reference.at()
        );
    }
}

/// The shape every explanation has: the root holds the value; what was not evaluated
/// has no value and nothing under it is evaluated; `and` / `or` evaluate up to the
/// first operand that decides; evaluated references point to an explanation of the
/// same item with the same value; an arm's value is whether it matched.
fn check_tree(explanation: &Explanation) {
    let items = std::iter::once(explanation.item()).chain(explanation.references());
    for item in items {
        assert_eq!(item.root().value(), Some(item.value()));
        walk(explanation, item.root());
    }
    fn walk(explanation: &Explanation, node: &Explained) {
        if !node.is_evaluated() {
            assert!(node.value().is_none());
            assert!(descendants(node).all(|n| !n.is_evaluated()), "{node:?}");
        }
        match node.detail() {
            Detail::And | Detail::Or if node.is_evaluated() => {
                // `or` stops at the first true operand, `and` at the first that is not
                // true (false or null).
                let or = matches!(node.detail(), Detail::Or);
                let children = node.children();
                let stop = children
                    .iter()
                    .position(|c| (c.value() == Some(&Value::from(true))) == or);
                for (index, child) in children.iter().enumerate() {
                    let reached = stop.is_none_or(|stop| index <= stop);
                    assert_eq!(child.is_evaluated(), reached, "{}", child.text());
                }
            }
            Detail::Reference(reference) => {
                assert_eq!(reference.index().is_some(), node.is_evaluated());
                if let Some(index) = reference.index() {
                    let target = &explanation.references()[index];
                    assert_eq!(
                        (target.name(), target.at()),
                        (reference.name(), reference.at())
                    );
                    assert_eq!(Some(target.value()), node.value());
                }
            }
            Detail::Query(query) if !node.is_evaluated() => assert!(query.selected().is_empty()),
            Detail::Arm(arm) => {
                let matched = arm.outcome() == ArmOutcome::Matched;
                assert_eq!(
                    node.is_evaluated(),
                    arm.outcome() != ArmOutcome::NotEvaluated
                );
                if node.is_evaluated() {
                    assert_eq!(node.value(), Some(&Value::from(matched)));
                }
            }
            _ => {}
        }
        for child in node.children() {
            walk(explanation, child);
        }
    }
}

/// Every node under `node`.
fn descendants(node: &Explained) -> impl Iterator<Item = &Explained> {
    let mut stack: Vec<&Explained> = node.children().iter().collect();
    std::iter::from_fn(move || {
        let next = stack.pop()?;
        stack.extend(next.children());
        Some(next)
    })
}
