#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Frequency caps (issue 11, part 3): `cap NAME on ACTION counted by KIND { at most N
//! per D [then defer|skip] … [defer|skip] }` — what is counted (recorded events of the
//! kind, visible at the instant, in `(t - D, t]`, and the capped actions of the
//! advance), deferral to the first instant every limit allows (moved into the send
//! window), skipping, the state and the `Advance` that record it, runs of several
//! workflows (advanced one by one through recorded events, or together with
//! `advance_all`), the replay of `simulate` (its command line is tested in
//! `tests/simulate.rs`), dependencies, and the syntax.
//!
//! Rules compile after the spec schema (`tests/data/spec_schema.funil`): actions
//! `send_email(template: string)`, `notify_sales(owner: string?, reason: string)` and
//! `add_tag(tag: string)`; the kind `email.sent { campaign: string }` and the group
//! `touch = email.sent`.

mod support;
#[path = "../examples/funil/timeline.rs"]
mod timeline;

use chrono::{DateTime, Utc};
use funil::syntax::{ast::ItemKind, parse, print};
use funil::{Advance, CapOutcome, Change, Contact, OverCap, Program, RunState, Status, Tz, Value};
use serde_json::json;
use support::{ContactJson, at, compile, contact, ctx};
use timeline::{Happening, timeline};

/// The issue's cap: at most 3 emails per contact per 7 days, and at most 1 per day.
const EMAILS: &str = r#"
cap emails "Email pressure" on send_email counted by email.sent {
  at most 3 per 7d
  at most 1 per 1d
}
"#;

/// Two emails two hours apart, on a form.
const TWO_EMAILS: &str = r#"
workflow two {
  enter on form.submitted
  send_email(template: "first")
  wait 2h
  send_email(template: "second")
}
"#;

fn program(rules: &str) -> Program {
    compile(&format!("{EMAILS}\n{rules}"))
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A contact whose form is submitted at `entry`, with `sent` recorded emails.
fn form_at(entry: &str, sent: &[&str]) -> ContactJson {
    let mut c = contact().event("form.submitted", entry, json!({"form": "f"}));
    for t in sent {
        c = c.event("email.sent", t, json!({"campaign": "other"}));
    }
    c
}

/// The run entered on the contact's form submission.
fn entered(program: &Program, workflow: &str, c: &Contact, entry: &str) -> RunState {
    let form = c
        .events()
        .iter()
        .position(|e| program.schema().kind_name(e.kind()) == "form.submitted")
        .unwrap();
    program
        .enter(workflow, c, &ctx(entry), &[form], &[])
        .unwrap()
        .unwrap()
}

/// `(due, template)` of each action.
fn sent(advance: &Advance) -> Vec<(String, String)> {
    advance
        .actions
        .iter()
        .map(|a| {
            let template = match &a.args[0].1 {
                Value::String(s) => s.to_string(),
                other => format!("{other:?}"),
            };
            (stamp(a.due), template)
        })
        .collect()
}

/// `(at, step, outcome, until)` of each action a cap held back.
fn held(advance: &Advance) -> Vec<(String, String, String, Option<String>)> {
    advance
        .capped
        .iter()
        .map(|c| {
            let until = match c.outcome {
                CapOutcome::Deferred { until } => until.map(stamp),
                CapOutcome::Skipped => None,
            };
            (
                stamp(c.at),
                c.step.clone(),
                c.outcome.name().to_string(),
                until,
            )
        })
        .collect()
}

fn row(
    at: &str,
    step: &str,
    outcome: &str,
    until: Option<&str>,
) -> (String, String, String, Option<String>) {
    (
        at.to_string(),
        step.to_string(),
        outcome.to_string(),
        until.map(str::to_string),
    )
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

// Syntax -------------------------------------------------------------------------------

#[test]
fn a_cap_parses_prints_back_and_compiles() {
    let text = r#"cap emails "Email pressure" on send_email counted by email.sent {
  at most 3 per 1w
  at most 1 per 1d then skip
  at most 10 per 4w then defer
  defer
}
"#;
    let module = parse(text).unwrap();
    let ItemKind::FrequencyCap(cap) = &module.items[0].node else {
        panic!("not a cap: {module:?}");
    };
    assert_eq!(cap.limits.len(), 3);
    assert_eq!(print(&module), text, "the canonical form");
    assert_eq!(parse(&print(&module)).unwrap(), module);

    // Layout is free: one line, commas nowhere, the policy line anywhere.
    let one_line = "cap emails \"Email pressure\" on send_email counted by email.sent { defer at most 3 per 7d at most 1 per 1d then skip at most 10 per 4w then defer }";
    assert_eq!(parse(one_line).unwrap(), module);

    let program = compile(text);
    let compiled = program.cap_on("send_email").unwrap();
    assert_eq!(compiled.name(), "emails");
    assert_eq!(compiled.title(), Some("Email pressure"));
    assert_eq!(compiled.counted_kind(), "email.sent");
    let limits: Vec<(u32, i64, OverCap)> = compiled
        .limits()
        .iter()
        .map(|l| (l.most(), l.per().num_days(), l.over()))
        .collect();
    assert_eq!(
        limits,
        [
            (3, 7, OverCap::Defer),
            (1, 1, OverCap::Skip),
            (10, 28, OverCap::Defer)
        ]
    );
    // A cap is no item: `items()` lists segments, scores, decisions, rewards and
    // workflows only.
    assert_eq!(program.items().count(), 0);
    assert!(program.cap_on("add_tag").is_none());
}

#[test]
fn the_policy_line_is_what_limits_without_then_do() {
    let program = compile(
        "cap emails on send_email counted by email.sent {\n  at most 1 per 1d\n  at most 2 per 7d then defer\n  skip\n}",
    );
    let overs: Vec<OverCap> = program.caps()[0]
        .limits()
        .iter()
        .map(|l| l.over())
        .collect();
    assert_eq!(overs, [OverCap::Skip, OverCap::Defer]);
}

#[test]
fn the_words_of_a_cap_are_not_reserved() {
    // `counted`, `at`, `most`, `then`, `defer` and `skip` name attributes and items.
    let program = funil::compile(
        r#"schema {
             contact { counted: number, most: number, then: bool, defer: bool, skip: bool }
             event email.sent { }
             action send_email(template: string)
           }
           segment skip_me { skip and not defer and then }
           decide most_of_all { else => most + counted }
           cap defer on send_email counted by email.sent { at most 1 per 1d }"#,
    )
    .unwrap();
    let c = program
        .contact("c-1")
        .attribute("counted", 1)
        .attribute("most", 2)
        .attribute("then", true)
        .attribute("defer", false)
        .attribute("skip", true)
        .build()
        .unwrap();
    let now = ctx("2026-11-22T12:00:00Z");
    assert!(program.segment("skip_me", &c, &now).unwrap());
    assert_eq!(
        program.decision("most_of_all", &c, &now).unwrap(),
        Value::from(3)
    );
    assert_eq!(program.caps()[0].name(), "defer");
}

// Counting -----------------------------------------------------------------------------

#[test]
fn a_second_email_the_same_day_waits_until_the_first_is_a_day_old() {
    let program = program(TWO_EMAILS);
    let c = form_at("2026-11-02T10:00:00Z", &[]).build(&program);
    let run = entered(&program, "two", &c, "2026-11-02T10:00:00Z");

    // Advanced three days late: the second email, reached at 12:00, counts the first
    // (emitted in the same call, not yet recorded) and waits for 10:00 the next day.
    let late = program
        .advance(&run, &c, &ctx("2026-11-05T00:00:00Z"))
        .unwrap();
    assert_eq!(
        sent(&late),
        pairs(&[
            ("2026-11-02T10:00:00Z", "first"),
            ("2026-11-03T10:00:00Z", "second")
        ])
    );
    assert_eq!(
        held(&late),
        [row(
            "2026-11-02T12:00:00Z",
            "3",
            "deferred",
            Some("2026-11-03T10:00:00Z")
        )]
    );
    assert_eq!(late.capped[0].preceding, 1);
    assert_eq!(late.capped[0].cap, "emails");
    assert_eq!(
        late.capped[0].args,
        [("template".to_string(), Value::from("second"))]
    );
    assert_eq!(late.status, Status::Finished);

    // On time, the host records the first email at its instant: the same.
    let first = program
        .advance(&run, &c, &ctx("2026-11-02T10:00:00Z"))
        .unwrap();
    let c2 = form_at("2026-11-02T10:00:00Z", &["2026-11-02T10:00:00Z"]).build(&program);
    let noon = program
        .advance(&first.state, &c2, &ctx("2026-11-02T12:00:00Z"))
        .unwrap();
    assert!(noon.actions.is_empty());
    assert_eq!(
        noon.status,
        Status::Waiting(Some(at("2026-11-03T10:00:00Z")))
    );
    assert_eq!(noon.state.deferred_by(), Some("emails"));
    assert_eq!(noon.state.step(), Some("3"));
    assert_eq!(held(&noon), held(&late));
    let next_day = program
        .advance(&noon.state, &c2, &ctx("2026-11-03T10:00:00Z"))
        .unwrap();
    assert_eq!(
        sent(&next_day),
        pairs(&[("2026-11-03T10:00:00Z", "second")])
    );
    assert!(next_day.capped.is_empty(), "a deferral is reported once");
    assert_eq!(next_day.status, Status::Finished);
}

#[test]
fn the_window_of_a_limit_excludes_its_start_and_sees_only_visible_events() {
    let program = program("workflow one { enter on form.submitted  send_email(template: \"x\") }");
    let run_with = |sent: &[&str]| {
        let c = form_at("2026-11-02T10:00:00Z", sent).build(&program);
        let run = entered(&program, "one", &c, "2026-11-02T10:00:00Z");
        program
            .advance(&run, &c, &ctx("2026-11-02T10:00:00Z"))
            .unwrap()
    };
    // Exactly a day before: outside `(t - 1d, t]`.
    assert_eq!(run_with(&["2026-11-01T10:00:00Z"]).actions.len(), 1);
    // A second later: inside; allowed once it is a day old.
    let one_second = run_with(&["2026-11-01T10:00:01Z"]);
    assert!(one_second.actions.is_empty());
    assert_eq!(one_second.state.due(), Some(at("2026-11-02T10:00:01Z")));
    // At the very instant: inside.
    assert!(run_with(&["2026-11-02T10:00:00Z"]).actions.is_empty());
    // After the instant: not visible yet, not counted.
    assert_eq!(run_with(&["2026-11-02T10:00:01Z"]).actions.len(), 1);
}

#[test]
fn the_weekly_limit_waits_for_the_oldest_email_to_leave_the_week() {
    let program = program("workflow one { enter on form.submitted  send_email(template: \"x\") }");
    // Three emails in the week (on the 27th, 29th and 31st of October).
    let c = form_at(
        "2026-11-02T10:00:00Z",
        &[
            "2026-10-27T09:00:00Z",
            "2026-10-29T09:00:00Z",
            "2026-10-31T09:00:00Z",
        ],
    )
    .build(&program);
    let run = entered(&program, "one", &c, "2026-11-02T10:00:00Z");
    let advance = program
        .advance(&run, &c, &ctx("2026-11-10T00:00:00Z"))
        .unwrap();
    assert_eq!(
        held(&advance),
        [row(
            "2026-11-02T10:00:00Z",
            "1",
            "deferred",
            Some("2026-11-03T09:00:00Z")
        )]
    );
    assert_eq!(sent(&advance), pairs(&[("2026-11-03T09:00:00Z", "x")]));
}

#[test]
fn a_deferred_action_waits_for_the_send_window_too() {
    let program = program(
        r#"workflow office {
             enter on form.submitted
             window 09:00 to 18:00 on mon..fri
             send_email(template: "x")
           }"#,
    );
    // Friday 2026-11-06: an email at 17:00, the form at 17:30. The cap allows the next
    // one on Saturday at 17:00; the window opens on Monday at 09:00.
    let c = form_at("2026-11-06T17:30:00Z", &["2026-11-06T17:00:00Z"]).build(&program);
    let run = entered(&program, "office", &c, "2026-11-06T17:30:00Z");
    let friday = program
        .advance(&run, &c, &ctx("2026-11-06T17:30:00Z"))
        .unwrap();
    assert_eq!(
        held(&friday),
        [row(
            "2026-11-06T17:30:00Z",
            "1",
            "deferred",
            Some("2026-11-09T09:00:00Z")
        )]
    );
    assert_eq!(
        friday.status,
        Status::Waiting(Some(at("2026-11-09T09:00:00Z")))
    );
    // Woken by an event on Saturday, it stays deferred and says nothing new.
    let c = form_at("2026-11-06T17:30:00Z", &["2026-11-06T17:00:00Z"])
        .event(
            "email.opened",
            "2026-11-07T12:00:00Z",
            json!({"campaign": "c"}),
        )
        .build(&program);
    let saturday = program
        .advance(&friday.state, &c, &ctx("2026-11-07T12:00:00Z"))
        .unwrap();
    assert!(saturday.actions.is_empty() && saturday.capped.is_empty());
    assert_eq!(saturday.state, {
        let mut expected = serde_json::to_value(&friday.state).unwrap();
        expected["advanced_at"] = json!("2026-11-07T12:00:00Z");
        serde_json::from_value::<RunState>(expected).unwrap()
    });
    let monday = program
        .advance(&saturday.state, &c, &ctx("2026-11-09T09:00:00Z"))
        .unwrap();
    assert_eq!(sent(&monday), pairs(&[("2026-11-09T09:00:00Z", "x")]));
}

#[test]
fn a_window_held_action_is_counted_when_the_window_opens() {
    let program = program(
        r#"workflow night {
             enter on form.submitted
             window 09:00 to 18:00
             send_email(template: "x")
           }"#,
    );
    // The form at 20:00, an email at 08:30 the next day: at 09:00 the daily limit holds
    // the action until 08:30 the day after, which the window moves to 09:00.
    let c = form_at("2026-11-02T20:00:00Z", &["2026-11-03T08:30:00Z"]).build(&program);
    let run = entered(&program, "night", &c, "2026-11-02T20:00:00Z");
    let advance = program
        .advance(&run, &c, &ctx("2026-11-06T00:00:00Z"))
        .unwrap();
    assert_eq!(
        held(&advance),
        [row(
            "2026-11-03T09:00:00Z",
            "1",
            "deferred",
            Some("2026-11-04T09:00:00Z")
        )]
    );
    assert_eq!(sent(&advance), pairs(&[("2026-11-04T09:00:00Z", "x")]));
}

#[test]
fn skip_drops_the_action_and_the_run_goes_on() {
    let program = compile(
        r#"cap emails on send_email counted by email.sent { at most 1 per 1d then skip }
           workflow three {
             enter on form.submitted
             send_email(template: "a")
             send_email(template: "b")
             add_tag(tag: "between")
             send_email(template: "c")
             wait 1d
             send_email(template: "d")
           }"#,
    );
    let c = form_at("2026-11-02T10:00:00Z", &[]).build(&program);
    let run = entered(&program, "three", &c, "2026-11-02T10:00:00Z");
    let advance = program
        .advance(&run, &c, &ctx("2026-11-04T00:00:00Z"))
        .unwrap();
    // `b` and `c` are skipped (skipped actions are not counted); `d`, a day after `a`,
    // goes out; the tag is not capped.
    let names: Vec<String> = advance
        .actions
        .iter()
        .map(|a| format!("{} {}", a.step, a.name))
        .collect();
    assert_eq!(names, ["1 send_email", "3 add_tag", "6 send_email"]);
    assert_eq!(
        held(&advance),
        [
            row("2026-11-02T10:00:00Z", "2", "skipped", None),
            row("2026-11-02T10:00:00Z", "4", "skipped", None),
        ]
    );
    // Where each falls among the actions: after `a`, and after the tag.
    let preceding: Vec<usize> = advance.capped.iter().map(|c| c.preceding).collect();
    assert_eq!(preceding, [1, 2]);
    assert_eq!(advance.capped[1].args[0].1, Value::from("c"));
    assert_eq!(advance.status, Status::Finished);
}

#[test]
fn a_limit_that_skips_wins_over_one_that_defers() {
    let program = compile(
        r#"cap emails on send_email counted by email.sent {
             at most 1 per 1d then skip
             at most 2 per 7d
           }
           workflow one { enter on form.submitted  send_email(template: "x") }"#,
    );
    let outcome = |sent: &[&str]| {
        let c = form_at("2026-11-06T10:00:00Z", sent).build(&program);
        let run = entered(&program, "one", &c, "2026-11-06T10:00:00Z");
        let advance = program
            .advance(&run, &c, &ctx("2026-11-20T00:00:00Z"))
            .unwrap();
        held(&advance)
    };
    // Only the weekly limit is over: deferred until the older email is a week old.
    assert_eq!(
        outcome(&["2026-11-02T09:00:00Z", "2026-11-04T09:00:00Z"]),
        [row(
            "2026-11-06T10:00:00Z",
            "1",
            "deferred",
            Some("2026-11-09T09:00:00Z")
        )]
    );
    // Both are: skipped.
    assert_eq!(
        outcome(&["2026-11-02T09:00:00Z", "2026-11-06T09:00:00Z"]),
        [row("2026-11-06T10:00:00Z", "1", "skipped", None)]
    );
}

#[test]
fn a_deferred_action_is_deferred_again_when_more_emails_were_recorded() {
    let program = program(TWO_EMAILS);
    let c = form_at("2026-11-02T10:00:00Z", &[]).build(&program);
    let run = entered(&program, "two", &c, "2026-11-02T10:00:00Z");
    let first = program
        .advance(&run, &c, &ctx("2026-11-02T10:00:00Z"))
        .unwrap();
    // The host recorded the first email, and another workflow's email at 18:00.
    let c = form_at(
        "2026-11-02T10:00:00Z",
        &["2026-11-02T10:00:00Z", "2026-11-02T18:00:00Z"],
    )
    .build(&program);
    let advance = program
        .advance(&first.state, &c, &ctx("2026-11-04T00:00:00Z"))
        .unwrap();
    assert_eq!(
        held(&advance),
        [
            row(
                "2026-11-02T12:00:00Z",
                "3",
                "deferred",
                Some("2026-11-03T10:00:00Z")
            ),
            row(
                "2026-11-03T10:00:00Z",
                "3",
                "deferred",
                Some("2026-11-03T18:00:00Z")
            ),
        ]
    );
    assert_eq!(sent(&advance), pairs(&[("2026-11-03T18:00:00Z", "second")]));
}

#[test]
fn a_deferred_run_still_exits_and_reaches_its_goal() {
    let program = program(
        r#"workflow careful {
             enter on form.submitted
             exit when exists(unsubscribed)
             goal when exists(purchase since entered_at)
             send_email(template: "x")
           }"#,
    );
    let base = form_at("2026-11-02T10:00:00Z", &["2026-11-02T09:00:00Z"]);
    let c = base
        .clone()
        .bare_event("unsubscribed", "2026-11-02T15:00:00Z")
        .build(&program);
    let run = entered(&program, "careful", &c, "2026-11-02T10:00:00Z");
    let advance = program
        .advance(&run, &c, &ctx("2026-11-05T00:00:00Z"))
        .unwrap();
    assert!(advance.actions.is_empty());
    assert_eq!(advance.capped.len(), 1);
    assert_eq!(advance.status, Status::Exited);
    assert_eq!(advance.state.ended_at(), Some(at("2026-11-02T15:00:00Z")));
    assert_eq!(advance.state.deferred_by(), None);

    let c = base
        .event(
            "purchase",
            "2026-11-02T16:00:00Z",
            json!({"order_id": "o", "amount": 5, "category": "x"}),
        )
        .build(&program);
    let advance = program
        .advance(&run, &c, &ctx("2026-11-05T00:00:00Z"))
        .unwrap();
    assert_eq!(advance.status, Status::Goal);
    assert!(advance.actions.is_empty());
}

#[test]
fn other_actions_are_not_capped_and_a_cap_counts_only_its_kind() {
    let program = compile(
        r#"cap tags on add_tag counted by form.submitted { at most 1 per 1d then skip }
           workflow mixed {
             enter on form.submitted
             send_email(template: "a")
             send_email(template: "b")
             add_tag(tag: "t")
           }"#,
    );
    // The form itself counts against the tag cap: the tag is skipped; emails are free.
    let c = form_at("2026-11-02T10:00:00Z", &["2026-11-02T09:00:00Z"]).build(&program);
    let run = entered(&program, "mixed", &c, "2026-11-02T10:00:00Z");
    let advance = program
        .advance(&run, &c, &ctx("2026-11-02T10:00:00Z"))
        .unwrap();
    assert_eq!(advance.actions.len(), 2);
    assert_eq!(
        held(&advance),
        [row("2026-11-02T10:00:00Z", "3", "skipped", None)]
    );
}

#[test]
fn caps_counting_one_kind_count_each_others_actions() {
    // Two actions, each capped, both recorded as `email.sent`: the host's email.sent
    // events count for both, and so do the actions of the advance.
    let program = compile(
        r#"cap emails on send_email counted by email.sent { at most 1 per 1d then skip }
           cap sales on notify_sales counted by email.sent { at most 1 per 1d then skip }
           workflow both {
             enter on form.submitted
             send_email(template: "a")
             notify_sales(reason: "r")
           }"#,
    );
    let c = form_at("2026-11-02T10:00:00Z", &[]).build(&program);
    let run = entered(&program, "both", &c, "2026-11-02T10:00:00Z");
    let advance = program
        .advance(&run, &c, &ctx("2026-11-02T10:00:00Z"))
        .unwrap();
    assert_eq!(advance.actions.len(), 1);
    assert_eq!(advance.capped[0].name, "notify_sales");
    assert_eq!(advance.capped[0].cap, "sales");
}

// The state ----------------------------------------------------------------------------

#[test]
fn a_deferred_state_is_plain_json_and_older_states_still_read() {
    let program = program(TWO_EMAILS);
    let c = form_at("2026-11-02T10:00:00Z", &["2026-11-02T09:00:00Z"]).build(&program);
    let run = entered(&program, "two", &c, "2026-11-02T10:00:00Z");
    let advance = program
        .advance(&run, &c, &ctx("2026-11-02T10:00:00Z"))
        .unwrap();
    let json = serde_json::to_value(&advance.state).unwrap();
    assert_eq!(json["phase"], "parked");
    assert_eq!(json["step"], "1");
    assert_eq!(json["due"], "2026-11-03T09:00:00Z");
    assert_eq!(json["deferred_by"], "emails");
    let read: RunState = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(read, advance.state);

    // A state parked at a wait says nothing of caps, as states did before them.
    let waiting = program
        .advance(
            &run,
            &form_at("2026-11-02T10:00:00Z", &[]).build(&program),
            &ctx("2026-11-02T10:00:00Z"),
        )
        .unwrap()
        .state;
    let waiting_json = serde_json::to_value(&waiting).unwrap();
    assert!(waiting_json.get("deferred_by").is_none(), "{waiting_json}");

    // A state saved before caps, parked at the action until 11:00 (by a send window,
    // say), reads, and the action meets the cap when it is tried again.
    let mut old = json;
    old.as_object_mut().unwrap().remove("deferred_by");
    old["due"] = json!("2026-11-02T11:00:00Z");
    let old: RunState = serde_json::from_value(old).unwrap();
    assert_eq!(old.deferred_by(), None);
    let again = program
        .advance(&old, &c, &ctx("2026-11-02T11:00:00Z"))
        .unwrap();
    assert_eq!(
        held(&again),
        [row(
            "2026-11-02T11:00:00Z",
            "1",
            "deferred",
            Some("2026-11-03T09:00:00Z")
        )]
    );
}

#[test]
fn a_deferred_state_outlives_its_cap() {
    // The cap is taken out of the rules while a run waits: at its due instant the
    // action goes out.
    let capped = program(TWO_EMAILS);
    let c = form_at("2026-11-02T10:00:00Z", &["2026-11-02T09:00:00Z"]).build(&capped);
    let run = entered(&capped, "two", &c, "2026-11-02T10:00:00Z");
    let deferred = capped
        .advance(&run, &c, &ctx("2026-11-02T10:00:00Z"))
        .unwrap()
        .state;
    let uncapped = compile(TWO_EMAILS);
    let c = form_at("2026-11-02T10:00:00Z", &["2026-11-02T09:00:00Z"]).build(&uncapped);
    let advance = uncapped
        .advance(&deferred, &c, &ctx("2026-11-03T09:00:00Z"))
        .unwrap();
    assert_eq!(
        sent(&advance)[0],
        ("2026-11-03T09:00:00Z".to_string(), "first".to_string())
    );
}

// Several workflows --------------------------------------------------------------------

/// Two workflows on one form: a welcome an hour later, a promo two hours later.
const TWO_WORKFLOWS: &str = r#"
workflow welcome { enter on form.submitted  wait 1h  send_email(template: "welcome") }
workflow promo { enter on form.submitted  wait 2h  send_email(template: "promo") }
"#;

#[test]
fn workflows_advanced_one_by_one_see_each_other_through_recorded_events() {
    let program = program(TWO_WORKFLOWS);
    let c = form_at("2026-11-02T10:00:00Z", &[]).build(&program);
    let entry = ctx("2026-11-02T10:00:00Z");
    let runs = program.enter_all(&c, &entry, &[0], &[]).unwrap();

    // On time, recording each email: the promo waits for the welcome to be a day old.
    let welcome = program
        .advance(&runs[0], &c, &ctx("2026-11-02T11:00:00Z"))
        .unwrap();
    assert_eq!(
        sent(&welcome),
        pairs(&[("2026-11-02T11:00:00Z", "welcome")])
    );
    let c = form_at("2026-11-02T10:00:00Z", &["2026-11-02T11:00:00Z"]).build(&program);
    let promo = program
        .advance(&runs[1], &c, &ctx("2026-11-02T12:00:00Z"))
        .unwrap();
    assert_eq!(
        held(&promo),
        [row(
            "2026-11-02T12:00:00Z",
            "2",
            "deferred",
            Some("2026-11-03T11:00:00Z")
        )]
    );

    // Late, one by one: the promo cannot see the welcome email, which is not recorded.
    let c = form_at("2026-11-02T10:00:00Z", &[]).build(&program);
    let late = ctx("2026-11-04T00:00:00Z");
    let promo = program.advance(&runs[1], &c, &late).unwrap();
    assert_eq!(sent(&promo), pairs(&[("2026-11-02T12:00:00Z", "promo")]));
}

#[test]
fn advance_all_counts_across_runs_however_late() {
    let program = program(TWO_WORKFLOWS);
    let c = form_at("2026-11-02T10:00:00Z", &[]).build(&program);
    let entry = ctx("2026-11-02T10:00:00Z");
    let runs = program.enter_all(&c, &entry, &[0], &[]).unwrap();
    let late = ctx("2026-11-04T00:00:00Z");
    for order in [[0, 1], [1, 0]] {
        let states = [runs[order[0]].clone(), runs[order[1]].clone()];
        let advances = program.advance_all(&states, &c, &late).unwrap();
        let by_name = |name: &str| {
            advances
                .iter()
                .find(|a| a.state.workflow() == name)
                .unwrap()
        };
        assert_eq!(
            sent(by_name("welcome")),
            pairs(&[("2026-11-02T11:00:00Z", "welcome")])
        );
        assert_eq!(
            sent(by_name("promo")),
            pairs(&[("2026-11-03T11:00:00Z", "promo")])
        );
        assert_eq!(
            held(by_name("promo")),
            [row(
                "2026-11-02T12:00:00Z",
                "2",
                "deferred",
                Some("2026-11-03T11:00:00Z")
            )]
        );
    }
    // One run alone is what `advance` gives.
    let alone = program.advance_all(&runs[1..], &c, &late).unwrap();
    assert_eq!(alone, [program.advance(&runs[1], &c, &late).unwrap()]);
    assert!(program.advance_all(&[], &c, &late).unwrap().is_empty());
}

#[test]
fn at_one_instant_the_first_run_takes_the_last_slot() {
    let program = program(
        r#"workflow a { enter on form.submitted  send_email(template: "a") }
           workflow b { enter on form.submitted  send_email(template: "b") }"#,
    );
    let c = form_at("2026-11-02T10:00:00Z", &[]).build(&program);
    let entry = ctx("2026-11-02T10:00:00Z");
    let runs = program.enter_all(&c, &entry, &[0], &[]).unwrap();
    let advances = program
        .advance_all(&[runs[1].clone(), runs[0].clone()], &c, &entry)
        .unwrap();
    assert_eq!(sent(&advances[0]), pairs(&[("2026-11-02T10:00:00Z", "b")]));
    assert_eq!(
        held(&advances[1]),
        [row(
            "2026-11-02T10:00:00Z",
            "1",
            "deferred",
            Some("2026-11-03T10:00:00Z")
        )]
    );
}

#[test]
fn advance_all_passes_the_instants_of_the_others_capped_actions() {
    // `watch` waits for a condition that only the passing of time makes true, so it
    // is seen at the instants the run passes: on time, the email `mail` sends at 11:00
    // is recorded, an event that wakes `watch`; advanced together late, `watch` passes
    // that instant too.
    let program = program(
        r#"workflow mail { enter on form.submitted  wait 1h  send_email(template: "m") }
           workflow watch {
             enter on form.submitted
             wait until now - entered_at >= 30m
             add_tag(tag: "seen")
           }"#,
    );
    let c = form_at("2026-11-02T10:00:00Z", &[]).build(&program);
    let entry = ctx("2026-11-02T10:00:00Z");
    let runs = program.enter_all(&c, &entry, &[0], &[]).unwrap();
    let late = program
        .advance_all(&runs, &c, &ctx("2026-11-04T00:00:00Z"))
        .unwrap();
    let tag: Vec<String> = late[1].actions.iter().map(|a| stamp(a.due)).collect();
    assert_eq!(tag, ["2026-11-02T11:00:00Z"]);

    // On time: `mail` at 11:00, recorded; `watch` advanced at 11:00 sees the event.
    let mail = program
        .advance(&runs[0], &c, &ctx("2026-11-02T11:00:00Z"))
        .unwrap();
    assert_eq!(mail.actions, late[0].actions);
    let recorded = form_at("2026-11-02T10:00:00Z", &["2026-11-02T11:00:00Z"]).build(&program);
    let first = program.advance(&runs[1], &c, &entry).unwrap();
    let watch = program
        .advance(&first.state, &recorded, &ctx("2026-11-02T11:00:00Z"))
        .unwrap();
    assert_eq!(watch.actions, late[1].actions);
    // Alone and late, `watch` has no instant to see it at.
    let alone = program
        .advance(&runs[1], &c, &ctx("2026-11-04T00:00:00Z"))
        .unwrap();
    assert!(alone.actions.is_empty());
}

#[test]
fn advance_all_refuses_what_advance_refuses() {
    let program = program(TWO_WORKFLOWS);
    let c = form_at("2026-11-02T10:00:00Z", &[]).build(&program);
    let entry = ctx("2026-11-02T10:00:00Z");
    let runs = program.enter_all(&c, &entry, &[0], &[]).unwrap();
    let mut stale = serde_json::to_value(&runs[0]).unwrap();
    stale["workflow"] = json!("gone");
    let stale: RunState = serde_json::from_value(stale).unwrap();
    let error = program
        .advance_all(&[runs[1].clone(), stale], &c, &entry)
        .unwrap_err();
    assert_eq!(error.kind(), funil::EvalErrorKind::UnknownItem);
    let elsewhere = funil::compile("schema { contact { x: number? } }").unwrap();
    let foreign = elsewhere.contact("c-1").build().unwrap();
    let error = program.advance_all(&runs, &foreign, &entry).unwrap_err();
    assert_eq!(error.kind(), funil::EvalErrorKind::SchemaMismatch);
}

// Dependencies -------------------------------------------------------------------------

#[test]
fn a_workflow_with_a_capped_action_reads_the_counted_kind() {
    let program = program(
        r#"workflow capped { enter on form.submitted  send_email(template: "x") }
           workflow free { enter on form.submitted  add_tag(tag: "x") }"#,
    );
    let reads = program.reads("capped").unwrap();
    assert_eq!(reads.props("email.sent"), Some(&["at"][..]));
    assert!(reads.depends_on_now());
    assert!(program.reads("free").unwrap().props("email.sent").is_none());
    assert_eq!(
        program.affected_by(&Change::event("email.sent")).unwrap(),
        ["capped"]
    );
}

// simulate -----------------------------------------------------------------------------

/// A drip of three emails and a tag, through the replay of `simulate`, which records
/// the emails it performs.
#[test]
fn the_replay_records_performed_actions_and_shows_what_caps_held_back() {
    let program = compile(
        r#"cap emails on send_email counted by email.sent {
             at most 1 per 1d
             at most 2 per 7d then skip
           }
           workflow drip {
             enter on form.submitted
             send_email(template: "one")
             wait 2h
             send_email(template: "two")
             wait 1d
             send_email(template: "three")
             add_tag(tag: "done")
           }"#,
    );
    let c = form_at("2026-11-02T10:00:00Z", &[]).build(&program);
    let records = timeline(
        &program,
        &c,
        "drip",
        (at("2026-11-01T00:00:00Z"), at("2026-11-30T00:00:00Z")),
        Tz::UTC,
    )
    .unwrap();
    let lines: Vec<String> = records.iter().map(|r| r.to_json("c-1", "drip")).collect();
    assert_eq!(
        lines,
        [
            r#"{"id":"c-1","at":"2026-11-02T10:00:00Z","workflow":"drip","status":"entered"}"#,
            r#"{"id":"c-1","at":"2026-11-02T10:00:00Z","workflow":"drip","step":"1","action":"send_email","args":{"template":"one"}}"#,
            r#"{"id":"c-1","at":"2026-11-02T12:00:00Z","workflow":"drip","step":"3","action":"send_email","status":"deferred","cap":"emails","until":"2026-11-03T10:00:00Z"}"#,
            r#"{"id":"c-1","at":"2026-11-03T10:00:00Z","workflow":"drip","step":"3","action":"send_email","args":{"template":"two"}}"#,
            r#"{"id":"c-1","at":"2026-11-04T10:00:00Z","workflow":"drip","step":"5","action":"send_email","status":"skipped","cap":"emails","args":{"template":"three"}}"#,
            r#"{"id":"c-1","at":"2026-11-04T10:00:00Z","workflow":"drip","step":"6","action":"add_tag","args":{"tag":"done"}}"#,
            r#"{"id":"c-1","at":"2026-11-04T10:00:00Z","workflow":"drip","status":"finished"}"#,
        ]
    );
    // The replay gives what one late advance gives.
    let run = entered(&program, "drip", &c, "2026-11-02T10:00:00Z");
    let once = program
        .advance(&run, &c, &ctx("2026-11-30T00:00:00Z"))
        .unwrap();
    let replayed: Vec<(String, String)> = records
        .iter()
        .filter_map(|r| match &r.happening {
            Happening::Action(a) => Some((stamp(a.due), a.step.clone())),
            _ => None,
        })
        .collect();
    let advanced: Vec<(String, String)> = once
        .actions
        .iter()
        .map(|a| (stamp(a.due), a.step.clone()))
        .collect();
    assert_eq!(replayed, advanced);
}

#[test]
fn the_replay_fills_the_props_of_recorded_events() {
    // `email.sent` has props `send_email` gives (`template`), gives with another type
    // (`n`), and does not give (`campaign`, `note`): the recorded event takes the
    // first, and empty values (null when optional) for the others. A later step sees
    // the event.
    let program = funil::compile(
        r#"schema {
             event form.submitted { }
             event email.sent { template: string, campaign: string, note: string?, n: number }
             action send_email(template: string, n: string)
             action add_tag(tag: string)
           }
           cap emails on send_email counted by email.sent { at most 5 per 1d }
           workflow one {
             enter on form.submitted
             send_email(template: "x", n: "not a number")
             wait 1h
             if exists(email.sent where template == "x" and campaign == "" and note is null and n == 0) {
               add_tag(tag: "recorded")
             }
           }"#,
    )
    .unwrap();
    let c = program
        .contact("c-1")
        .event("form.submitted", at("2026-11-02T10:00:00Z"), [])
        .build()
        .unwrap();
    let records = timeline(
        &program,
        &c,
        "one",
        (at("2026-11-01T00:00:00Z"), at("2026-11-03T00:00:00Z")),
        Tz::UTC,
    )
    .unwrap();
    let steps: Vec<String> = records
        .iter()
        .filter_map(|r| match &r.happening {
            Happening::Action(a) => Some(format!("{} {}", stamp(a.due), a.name)),
            _ => None,
        })
        .collect();
    assert_eq!(
        steps,
        [
            "2026-11-02T10:00:00Z send_email",
            "2026-11-02T11:00:00Z add_tag"
        ]
    );
    // Advanced alone, the run sees no recorded email: no tag.
    let run = program
        .enter("one", &c, &ctx("2026-11-02T10:00:00Z"), &[0], &[])
        .unwrap()
        .unwrap();
    let once = program
        .advance(&run, &c, &ctx("2026-11-03T00:00:00Z"))
        .unwrap();
    assert_eq!(once.actions.len(), 1);
}
