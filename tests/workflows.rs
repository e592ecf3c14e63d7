#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §8: workflows — the examples of §8 and §8.3, entry and re-entry (§8.1),
//! advancing (§8.2: exit and goal first, waits, branches, splits, `stop`, step ids,
//! late advancing, typed errors for stale states), send windows (§8.3) and split
//! assignment (§8.4).
//!
//! Runs are driven either call by call through the API, or over weeks of time with
//! the replay of the `simulate` command (`examples/funil/timeline.rs`).

mod support;
#[path = "../examples/funil/timeline.rs"]
mod timeline;

use chrono::{DateTime, TimeDelta, Utc};
use funil::syntax::{ast::ItemKind, parse, print};
use funil::{Contact, EvalErrorKind, PastRun, Program, RunState, Status, Tz, Value};
use proptest::prelude::*;
use serde_json::json;
use support::{SPEC_ITEMS, at, compile, contact, ctx, ctx_tz};
use timeline::{Happening, timeline};

/// The welcome workflow of spec §8.
const WELCOME: &str = include_str!("data/spec_welcome.funil");

/// The send-window workflow of spec §8.3.
const NEWSLETTER: &str = include_str!("data/spec_newsletter.funil");

/// The spec's schema and items plus `rules`.
fn program(rules: &str) -> Program {
    compile(&format!("{SPEC_ITEMS}\n{rules}"))
}

/// Entry, actions and end of `workflow` for `contact` from `from` to `until`, as
/// `(instant, what)`: `entered`, `STEP ACTION`, or the final status.
fn replay(
    program: &Program,
    contact: &Contact,
    workflow: &str,
    from: &str,
    until: &str,
) -> Vec<(String, String)> {
    replay_in(program, contact, workflow, (from, until), Tz::UTC)
}

fn replay_in(
    program: &Program,
    contact: &Contact,
    workflow: &str,
    (from, until): (&str, &str),
    tz: Tz,
) -> Vec<(String, String)> {
    timeline(program, contact, workflow, (at(from), at(until)), tz)
        .unwrap()
        .into_iter()
        .map(|record| {
            let what = match record.happening {
                Happening::Entered => "entered".to_string(),
                Happening::Action(action) => format!("{} {}", action.step, action.name),
                Happening::Capped(held) => {
                    format!("{} {} {}", held.step, held.name, held.outcome.name())
                }
                Happening::Ended(status) => status.name().to_string(),
            };
            (stamp(record.at), what)
        })
        .collect()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn rows(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(t, what)| (t.to_string(), what.to_string()))
        .collect()
}

// §8, §8.3: the examples ------------------------------------------------------------

#[test]
fn the_examples_parse_and_print_back() {
    for text in [WELCOME, NEWSLETTER] {
        let module = parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(module.items[0].node, ItemKind::Workflow(_)));
        let printed = print(&module);
        assert_eq!(parse(&printed).unwrap(), module, "{printed}");
    }
}

#[test]
fn the_welcome_series_runs_as_written() {
    let program = program(WELCOME);
    // Created, clicks the first email, fills a form on day 4: the split comes at once.
    let ana = contact()
        .id("c-001")
        .attr("country", json!("BR"))
        .attr("owner", json!("carla"))
        .bare_event("contact.created", "2026-11-02T09:00:00Z")
        .event(
            "email.clicked",
            "2026-11-03T10:00:00Z",
            json!({"campaign": "welcome-1", "url": "https://shop.example/services"}),
        )
        .event(
            "form.submitted",
            "2026-11-06T08:00:00Z",
            json!({"form": "demo"}),
        )
        .build(&program);
    assert_eq!(
        replay(
            &program,
            &ana,
            "welcome",
            "2026-11-01T00:00:00Z",
            "2026-12-31T00:00:00Z"
        ),
        rows(&[
            ("2026-11-02T09:00:00Z", "entered"),
            ("2026-11-02T09:00:00Z", "1 send_email"),
            ("2026-11-04T09:00:00Z", "3.then.1 send_email"),
            // fnv1a_64("welcome/5/c-001") mod 10000 = 9451: the second arm.
            ("2026-11-06T08:00:00Z", "5.arm1.1 send_email"),
            ("2026-11-06T08:00:00Z", "handoff notify_sales"),
            ("2026-11-06T08:00:00Z", "finished"),
        ])
    );
    let states = timeline(
        &program,
        &ana,
        "welcome",
        (at("2026-11-01T00:00:00Z"), at("2026-12-31T00:00:00Z")),
        Tz::UTC,
    )
    .unwrap();
    assert_eq!(
        states[1].to_json("c-001", "welcome"),
        r#"{"id":"c-001","at":"2026-11-02T09:00:00Z","workflow":"welcome","step":"1","action":"send_email","args":{"template":"welcome-1"}}"#
    );
    let Happening::Action(handoff) = &states[4].happening else {
        panic!("{states:?}")
    };
    assert_eq!(
        handoff.args,
        [
            ("owner".to_string(), Value::from("carla")),
            (
                "reason".to_string(),
                Value::from("finished welcome, grade B")
            ),
        ]
    );

    // No click, no form: the reminder, then the seven-day limit. c-006 lands in bucket
    // 506: the first arm.
    let bruno = contact()
        .id("c-006")
        .bare_event("contact.created", "2026-11-02T09:00:00Z")
        .build(&program);
    assert_eq!(
        replay(
            &program,
            &bruno,
            "welcome",
            "2026-11-01T00:00:00Z",
            "2026-12-31T00:00:00Z"
        ),
        rows(&[
            ("2026-11-02T09:00:00Z", "entered"),
            ("2026-11-02T09:00:00Z", "1 send_email"),
            ("2026-11-04T09:00:00Z", "3.else.1 send_email"),
            ("2026-11-11T09:00:00Z", "5.arm0.1 send_email"),
            ("2026-11-11T09:00:00Z", "handoff notify_sales"),
            ("2026-11-11T09:00:00Z", "finished"),
        ])
    );
}

#[test]
fn the_welcome_series_ends_on_exit_or_goal() {
    let program = program(WELCOME);
    let unsubscribed = contact()
        .bare_event("contact.created", "2026-11-02T09:00:00Z")
        .bare_event("unsubscribed", "2026-11-03T12:00:00Z")
        .build(&program);
    assert_eq!(
        replay(
            &program,
            &unsubscribed,
            "welcome",
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z"
        ),
        rows(&[
            ("2026-11-02T09:00:00Z", "entered"),
            ("2026-11-02T09:00:00Z", "1 send_email"),
            ("2026-11-03T12:00:00Z", "exited"),
        ])
    );
    let buyer = contact()
        .bare_event("contact.created", "2026-11-02T09:00:00Z")
        .event(
            "purchase",
            "2026-11-05T15:00:00Z",
            json!({"order_id": "A-1", "amount": 90, "category": "shoes"}),
        )
        .build(&program);
    assert_eq!(
        replay(
            &program,
            &buyer,
            "welcome",
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z"
        ),
        rows(&[
            ("2026-11-02T09:00:00Z", "entered"),
            ("2026-11-02T09:00:00Z", "1 send_email"),
            ("2026-11-04T09:00:00Z", "3.else.1 send_email"),
            ("2026-11-05T15:00:00Z", "goal"),
        ])
    );
}

#[test]
fn the_newsletter_followup_waits_for_the_window() {
    let program = program(NEWSLETTER);
    // Opened on Friday 2026-11-06 at 17:00; a day later is Saturday: Monday 09:00.
    let reader = contact()
        .event(
            "email.opened",
            "2026-11-06T17:00:00Z",
            json!({"campaign": "news-1"}),
        )
        .build(&program);
    assert_eq!(
        replay(
            &program,
            &reader,
            "newsletter_followup",
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z"
        ),
        rows(&[
            ("2026-11-06T17:00:00Z", "entered"),
            ("2026-11-09T09:00:00Z", "2 send_email"),
            ("2026-11-09T09:00:00Z", "finished"),
        ])
    );
    // Opened on Tuesday at 10:00: Wednesday 10:00 is inside the window.
    let tuesday = contact()
        .event(
            "email.opened",
            "2026-11-03T10:00:00Z",
            json!({"campaign": "news-1"}),
        )
        .build(&program);
    assert_eq!(
        replay(
            &program,
            &tuesday,
            "newsletter_followup",
            "2026-11-01T00:00:00Z",
            "2026-11-30T00:00:00Z"
        )[1],
        (
            "2026-11-04T10:00:00Z".to_string(),
            "2 send_email".to_string()
        )
    );
}

// §8.1: entry ------------------------------------------------------------------------

const SIGNUP: &str = r#"
workflow hello {
  enter on form.submitted where form == "signup"
  send_email(template: "hello")
  wait 1d
  send_email(template: "day-2")
}
"#;

#[test]
fn enter_on_takes_the_earliest_matching_new_event() {
    let program = program(SIGNUP);
    let c = contact()
        .event(
            "form.submitted",
            "2026-11-01T10:00:00Z",
            json!({"form": "contact"}),
        )
        .event(
            "form.submitted",
            "2026-11-02T10:00:00Z",
            json!({"form": "signup"}),
        )
        .event(
            "form.submitted",
            "2026-11-03T10:00:00Z",
            json!({"form": "signup"}),
        )
        .event(
            "form.submitted",
            "2026-11-30T10:00:00Z",
            json!({"form": "signup"}),
        )
        .build(&program);
    let now = ctx("2026-11-10T00:00:00Z");
    let run = program
        .enter("hello", &c, &now, &[2, 1, 0, 3, 99], &[])
        .unwrap()
        .unwrap();
    assert_eq!(
        run.entered_at(),
        at("2026-11-02T10:00:00Z"),
        "earliest; 3 is after now, 99 out of range"
    );
    assert_eq!(
        run.status(),
        Status::Waiting(Some(at("2026-11-02T10:00:00Z")))
    );
    assert!(
        program
            .enter("hello", &c, &now, &[0], &[])
            .unwrap()
            .is_none(),
        "the filter fails"
    );
    assert!(
        program
            .enter("hello", &c, &now, &[], &[])
            .unwrap()
            .is_none(),
        "nothing new"
    );
}

#[test]
fn a_group_triggers_through_any_of_its_kinds() {
    let program =
        program("workflow active { enter on activity where at > @2026-11-01T12:00:00Z  stop }");
    let c = contact()
        .event("page.viewed", "2026-11-01T10:00:00Z", json!({"path": "/"}))
        .event(
            "email.opened",
            "2026-11-02T10:00:00Z",
            json!({"campaign": "c"}),
        )
        .build(&program);
    let now = ctx("2026-11-10T00:00:00Z");
    let run = program
        .enter("active", &c, &now, &[0, 1], &[])
        .unwrap()
        .unwrap();
    assert_eq!(run.entered_at(), at("2026-11-02T10:00:00Z"));
}

#[test]
fn enter_when_enters_at_now_and_enter_all_answers_for_every_workflow() {
    let program = program(&format!(
        "{SIGNUP}\nworkflow leads {{ enter when stage == \"lead\"  send_email(template: \"lead\") }}\n\
         workflow customers {{ enter when stage == \"customer\"  send_email(template: \"thanks\") }}"
    ));
    let c = contact().build(&program);
    let now = ctx("2026-11-10T00:00:00Z");
    let run = program.enter("leads", &c, &now, &[], &[]).unwrap().unwrap();
    assert_eq!(run.entered_at(), at("2026-11-10T00:00:00Z"));
    let names: Vec<String> = program
        .enter_all(&c, &now, &[], &[])
        .unwrap()
        .iter()
        .map(|run| run.workflow().to_string())
        .collect();
    assert_eq!(names, ["leads"]);
}

#[test]
fn one_active_run_and_the_reentry_policies() {
    let rules = |policy: &str| {
        program(&format!(
            "workflow w {{ enter when stage == \"lead\"  {policy}  send_email(template: \"x\") }}"
        ))
    };
    let past = |entered: &str, ended: Option<&str>| PastRun {
        workflow: "w".into(),
        entered_at: at(entered),
        ended_at: ended.map(at),
    };
    let enters = |program: &Program, now: &str, runs: &[PastRun]| {
        let c = contact().build(program);
        program
            .enter("w", &c, &ctx(now), &[], runs)
            .unwrap()
            .is_some()
    };
    let finished = past("2026-11-01T00:00:00Z", Some("2026-11-02T00:00:00Z"));
    let other_workflow = PastRun {
        workflow: "other".into(),
        ..past("2026-11-01T00:00:00Z", None)
    };

    let never = rules("");
    assert!(enters(
        &never,
        "2026-11-05T00:00:00Z",
        std::slice::from_ref(&other_workflow)
    ));
    assert!(!enters(
        &never,
        "2027-11-05T00:00:00Z",
        std::slice::from_ref(&finished)
    ));
    assert!(!enters(
        &rules("reenter never"),
        "2027-11-05T00:00:00Z",
        std::slice::from_ref(&finished)
    ));

    let always = rules("reenter always");
    assert!(enters(
        &always,
        "2026-11-02T00:00:00Z",
        std::slice::from_ref(&finished)
    ));
    assert!(
        !enters(
            &always,
            "2026-11-02T00:00:00Z",
            &[past("2026-11-01T00:00:00Z", None)]
        ),
        "one active run"
    );
    let instant = past("2026-11-02T00:00:00Z", Some("2026-11-02T00:00:00Z"));
    assert!(
        !enters(&always, "2026-11-02T00:00:00Z", &[instant]),
        "one run per instant"
    );

    let after = rules("reenter after 30d");
    assert!(!enters(
        &after,
        "2026-12-01T23:59:59Z",
        std::slice::from_ref(&finished)
    ));
    assert!(enters(
        &after,
        "2026-12-02T00:00:00Z",
        std::slice::from_ref(&finished)
    ));
    assert_eq!(
        after.reentry_from("w", &[finished]).unwrap(),
        Some(at("2026-12-02T00:00:00Z"))
    );
}

#[test]
fn reentry_after_d_over_months_of_time() {
    let program = program(
        r#"workflow nurture {
             enter when stage == "lead"
             reenter after 30d
             send_email(template: "nurture")
             wait 7d
             send_email(template: "nurture-2")
           }"#,
    );
    let c = contact().build(&program);
    assert_eq!(
        replay(
            &program,
            &c,
            "nurture",
            "2026-01-01T00:00:00Z",
            "2026-03-01T00:00:00Z"
        ),
        rows(&[
            ("2026-01-01T00:00:00Z", "entered"),
            ("2026-01-01T00:00:00Z", "1 send_email"),
            ("2026-01-08T00:00:00Z", "3 send_email"),
            ("2026-01-08T00:00:00Z", "finished"),
            ("2026-02-07T00:00:00Z", "entered"),
            ("2026-02-07T00:00:00Z", "1 send_email"),
            ("2026-02-14T00:00:00Z", "3 send_email"),
            ("2026-02-14T00:00:00Z", "finished"),
        ])
    );
}

#[test]
fn entering_on_a_purchase_reaches_a_since_entered_at_goal_at_once() {
    let rules = |goal: &str| {
        program(&format!(
            "workflow thanks {{ enter on purchase  goal when {goal}  send_email(template: \"thanks\") }}"
        ))
    };
    let buy = |program: &Program| {
        contact()
            .event(
                "purchase",
                "2026-11-02T10:00:00Z",
                json!({"order_id": "A", "amount": 1, "category": "x"}),
            )
            .build(program)
    };
    let at_once = rules("exists(purchase since entered_at)");
    assert_eq!(
        replay(
            &at_once,
            &buy(&at_once),
            "thanks",
            "2026-11-01T00:00:00Z",
            "2026-11-05T00:00:00Z"
        ),
        rows(&[
            ("2026-11-02T10:00:00Z", "entered"),
            ("2026-11-02T10:00:00Z", "goal")
        ])
    );
    let later = rules("exists(purchase since entered_at + 1s)");
    assert_eq!(
        replay(
            &later,
            &buy(&later),
            "thanks",
            "2026-11-01T00:00:00Z",
            "2026-11-05T00:00:00Z"
        ),
        rows(&[
            ("2026-11-02T10:00:00Z", "entered"),
            ("2026-11-02T10:00:00Z", "1 send_email"),
            ("2026-11-02T10:00:00Z", "finished"),
        ])
    );
}

// §8.2: advancing --------------------------------------------------------------------

const DRIP: &str = r#"
workflow drip {
  enter on form.submitted
  exit when exists(unsubscribed)
  goal when exists(purchase since entered_at)
  send_email(template: "one")
  wait 3d
  send_email(template: "two")
  wait until exists(email.clicked since entered_at)
  send_email(template: "three")
}
"#;

fn drip_contact(program: &Program, extra: &[(&str, &str)]) -> Contact {
    let mut c = contact().event(
        "form.submitted",
        "2026-11-02T10:00:00Z",
        json!({"form": "f"}),
    );
    for (kind, t) in extra {
        c = match *kind {
            "purchase" => c.event(
                kind,
                t,
                json!({"order_id": "A", "amount": 1, "category": "x"}),
            ),
            "email.clicked" => c.event(kind, t, json!({"campaign": "c", "url": "u"})),
            _ => c.bare_event(kind, t),
        };
    }
    c.build(program)
}

fn entered(program: &Program, c: &Contact) -> RunState {
    program
        .enter("drip", c, &ctx("2026-11-02T10:00:00Z"), &[0], &[])
        .unwrap()
        .unwrap()
}

#[test]
fn exit_beats_a_pending_wait() {
    let program = program(DRIP);
    let c = drip_contact(&program, &[("unsubscribed", "2026-11-03T08:00:00Z")]);
    let start = program
        .advance(&entered(&program, &c), &c, &ctx("2026-11-02T10:00:00Z"))
        .unwrap();
    assert_eq!(start.actions.len(), 1);
    assert_eq!(
        start.status,
        Status::Waiting(Some(at("2026-11-05T10:00:00Z")))
    );
    assert_eq!(start.state.step(), Some("2"));
    // A call back in time changes nothing.
    let back = program
        .advance(&start.state, &c, &ctx("2026-11-01T00:00:00Z"))
        .unwrap();
    assert_eq!((back.state, back.actions.len()), (start.state.clone(), 0));
    // Advanced only after the wait would have ended: the exit came first.
    let late = program
        .advance(&start.state, &c, &ctx("2026-11-09T00:00:00Z"))
        .unwrap();
    assert!(late.actions.is_empty());
    assert_eq!(late.status, Status::Exited);
    assert_eq!(late.state.ended_at(), Some(at("2026-11-03T08:00:00Z")));
    // An ended run stays ended.
    let again = program
        .advance(&late.state, &c, &ctx("2026-12-01T00:00:00Z"))
        .unwrap();
    assert_eq!(again.status, Status::Exited);
    assert_eq!(again.state.ended_at(), late.state.ended_at());
}

#[test]
fn a_goal_reached_while_waiting_for_an_event() {
    let program = program(DRIP);
    let c = drip_contact(&program, &[("purchase", "2026-11-07T09:00:00Z")]);
    let parked = program
        .advance(&entered(&program, &c), &c, &ctx("2026-11-06T00:00:00Z"))
        .unwrap();
    assert_eq!(parked.actions.len(), 2);
    assert_eq!(
        parked.status,
        Status::Waiting(None),
        "only an event can end `wait until` without max"
    );
    assert_eq!(parked.state.step(), Some("4"));
    let done = program
        .advance(&parked.state, &c, &ctx("2026-11-08T00:00:00Z"))
        .unwrap();
    assert_eq!(done.status, Status::Goal);
    assert_eq!(done.state.ended_at(), Some(at("2026-11-07T09:00:00Z")));
}

#[test]
fn a_wait_until_wakes_at_the_event_and_late_actions_keep_their_instants() {
    let program = program(DRIP);
    let c = drip_contact(&program, &[("email.clicked", "2026-11-08T11:00:00Z")]);
    let done = program
        .advance(&entered(&program, &c), &c, &ctx("2026-12-01T00:00:00Z"))
        .unwrap();
    let due: Vec<DateTime<Utc>> = done.actions.iter().map(|a| a.due).collect();
    assert_eq!(
        due,
        [
            at("2026-11-02T10:00:00Z"),
            at("2026-11-05T10:00:00Z"),
            at("2026-11-08T11:00:00Z")
        ]
    );
    assert_eq!(done.status, Status::Finished);
    assert_eq!(done.state.ended_at(), Some(at("2026-11-08T11:00:00Z")));
}

#[test]
fn wait_until_max_gives_up_after_its_limit() {
    let program = program(
        r#"workflow w { enter on form.submitted
                        wait until exists(email.clicked since entered_at) max 2d
                        send_email(template: "after") }"#,
    );
    let c = contact()
        .event(
            "form.submitted",
            "2026-11-02T10:00:00Z",
            json!({"form": "f"}),
        )
        .build(&program);
    let run = program
        .enter("w", &c, &ctx("2026-11-02T10:00:00Z"), &[0], &[])
        .unwrap()
        .unwrap();
    let parked = program
        .advance(&run, &c, &ctx("2026-11-02T10:00:00Z"))
        .unwrap();
    assert_eq!(
        parked.status,
        Status::Waiting(Some(at("2026-11-04T10:00:00Z")))
    );
    let done = program
        .advance(&parked.state, &c, &ctx("2026-11-04T10:00:00Z"))
        .unwrap();
    assert_eq!(done.actions[0].due, at("2026-11-04T10:00:00Z"));
}

#[test]
fn statement_ids_follow_paths_and_labels() {
    let program = program(
        r#"workflow ids {
             enter on form.submitted
             if last(form.submitted).form == "a" { add_tag(tag: "a") }
             else if last(form.submitted).form == "b" { add_tag(tag: "b1")  add_tag(tag: "b2") }
             else if last(form.submitted).form == "c" { stop }
             else { add_tag(tag: "other") }
             step tagged: if exists(purchase) { add_tag(tag: "buyer") } else { add_tag(tag: "x")  add_tag(tag: "y") }
             add_tag(tag: "end")
           }"#,
    );
    let steps = |form: &str| {
        let c = contact()
            .event(
                "form.submitted",
                "2026-11-02T10:00:00Z",
                json!({"form": form}),
            )
            .build(&program);
        let run = program
            .enter("ids", &c, &ctx("2026-11-02T10:00:00Z"), &[0], &[])
            .unwrap()
            .unwrap();
        let done = program
            .advance(&run, &c, &ctx("2026-11-02T10:00:00Z"))
            .unwrap();
        (
            done.actions
                .iter()
                .map(|a| a.step.clone())
                .collect::<Vec<_>>(),
            done.status,
        )
    };
    assert_eq!(
        steps("a").0,
        ["1.then.1", "tagged.else.1", "tagged.else.2", "3"]
    );
    assert_eq!(
        steps("b").0,
        [
            "1.else1.1",
            "1.else1.2",
            "tagged.else.1",
            "tagged.else.2",
            "3"
        ]
    );
    assert_eq!(steps("c"), (vec![], Status::Finished));
    assert_eq!(
        steps("z").0,
        ["1.else.1", "tagged.else.1", "tagged.else.2", "3"]
    );
}

#[test]
fn a_three_way_split_assigns_the_golden_ids() {
    let program = program(
        r#"workflow ab {
             enter on form.submitted
             split {
               33.33% => { add_tag(tag: "a") }
               33.33% => { add_tag(tag: "b") }
               33.34% => { add_tag(tag: "c") }
             }
           }"#,
    );
    // Buckets of fnv1a_64("ab/1/" + id) mod 10000, computed with Python 3:
    // c-001 3206, c-002 4995, c-003 6784, c-004 4261, c-005 6050, c-006 7839.
    let golden = [
        ("c-001", "1.arm0.1"),
        ("c-002", "1.arm1.1"),
        ("c-003", "1.arm2.1"),
        ("c-004", "1.arm1.1"),
        ("c-005", "1.arm1.1"),
        ("c-006", "1.arm2.1"),
    ];
    for (id, step) in golden {
        let c = contact()
            .id(id)
            .event(
                "form.submitted",
                "2026-11-02T10:00:00Z",
                json!({"form": "f"}),
            )
            .build(&program);
        let now = ctx("2026-11-02T10:00:00Z");
        let run = program.enter("ab", &c, &now, &[0], &[]).unwrap().unwrap();
        let done = program.advance(&run, &c, &now).unwrap();
        assert_eq!(done.actions[0].step, step, "{id}");
    }
}

#[test]
fn a_split_keeps_its_proportions_over_many_contacts() {
    let program = program(
        r#"workflow launch {
             enter on form.submitted
             split { 10% => { add_tag(tag: "a") }  90% => { add_tag(tag: "b") } }
           }"#,
    );
    let now = ctx("2026-11-02T10:00:00Z");
    let mut first_arm = 0;
    let total = 2_000;
    for n in 0..total {
        let c = contact()
            .id(&format!("lead-{n}"))
            .event(
                "form.submitted",
                "2026-11-02T10:00:00Z",
                json!({"form": "f"}),
            )
            .build(&program);
        let run = program
            .enter("launch", &c, &now, &[0], &[])
            .unwrap()
            .unwrap();
        if program.advance(&run, &c, &now).unwrap().actions[0].step == "1.arm0.1" {
            first_arm += 1;
        }
    }
    let share = f64::from(first_arm) / f64::from(total);
    assert!((share - 0.10).abs() < 0.02, "{share}");
}

// Stale states -------------------------------------------------------------------------

#[test]
fn a_state_whose_step_vanished_or_changed_is_a_typed_error() {
    let original = program(
        r#"workflow w { enter on form.submitted  send_email(template: "a")  wait 1d
                        step last: send_email(template: "b") }"#,
    );
    let c = contact()
        .event(
            "form.submitted",
            "2026-11-02T10:00:00Z",
            json!({"form": "f"}),
        )
        .build(&original);
    let now = ctx("2026-11-02T10:00:00Z");
    let run = original.enter("w", &c, &now, &[0], &[]).unwrap().unwrap();
    let parked = original.advance(&run, &c, &now).unwrap().state;
    assert_eq!(parked.step(), Some("2"));

    // Same statement, same id: resumes.
    let reformatted = program(
        "workflow w {\n  enter on form.submitted\n  send_email(template: \"a\")  # first\n  wait   1d\n  step last: send_email(template: \"b\")\n}",
    );
    assert_eq!(
        reformatted
            .advance(&parked, &c, &ctx("2026-11-04T00:00:00Z"))
            .unwrap()
            .status,
        Status::Finished
    );

    // A statement inserted before: id "2" is now another statement.
    let inserted = program(
        r#"workflow w { enter on form.submitted  add_tag(tag: "new")  send_email(template: "a")
                        wait 1d  step last: send_email(template: "b") }"#,
    );
    let error = inserted.advance(&parked, &c, &now).unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::ChangedStep);
    assert_eq!(error.step(), Some("2"));
    assert_eq!(
        error.to_string(),
        "step `2` of workflow `w` changed since the run was saved"
    );

    // The wait changed.
    let changed = program(
        r#"workflow w { enter on form.submitted  send_email(template: "a")  wait 2d
                        step last: send_email(template: "b") }"#,
    );
    assert_eq!(
        changed.advance(&parked, &c, &now).unwrap_err().kind(),
        EvalErrorKind::ChangedStep
    );

    // Gone.
    let shorter = program(r#"workflow w { enter on form.submitted  send_email(template: "a") }"#);
    let error = shorter.advance(&parked, &c, &now).unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::UnknownStep);
    assert_eq!(
        error.to_string(),
        "workflow `w` has no step `2`: the run was saved by other rules"
    );

    // A label survives statements inserted before it.
    let labelled = program(
        r#"workflow w { enter on form.submitted  send_email(template: "a")  step pause: wait 1d
                        send_email(template: "b") }"#,
    );
    let run = labelled.enter("w", &c, &now, &[0], &[]).unwrap().unwrap();
    let parked = labelled.advance(&run, &c, &now).unwrap().state;
    assert_eq!(parked.step(), Some("pause"));
    let grown = program(
        r#"workflow w { enter on form.submitted  add_tag(tag: "x")  send_email(template: "a")
                        step pause: wait 1d  send_email(template: "b") }"#,
    );
    let resumed = grown
        .advance(&parked, &c, &ctx("2026-11-04T00:00:00Z"))
        .unwrap();
    assert_eq!(resumed.actions[0].step, "4");

    // Not a workflow, or no such item.
    let error = program("segment s { true }")
        .advance(&parked, &c, &now)
        .unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::UnknownItem);
}

#[test]
fn a_state_is_plain_json() {
    let program = program(DRIP);
    let c = drip_contact(&program, &[]);
    let parked = program
        .advance(&entered(&program, &c), &c, &ctx("2026-11-02T10:00:00Z"))
        .unwrap()
        .state;
    let json = serde_json::to_value(&parked).unwrap();
    assert_eq!(json["workflow"], "drip");
    assert_eq!(json["entered_at"], "2026-11-02T10:00:00Z");
    assert_eq!(json["advanced_at"], "2026-11-02T10:00:00Z");
    assert_eq!(json["phase"], "parked");
    assert_eq!(json["step"], "2");
    assert_eq!(json["due"], "2026-11-05T10:00:00Z");
    assert_eq!(json["fingerprint"].as_str().unwrap().len(), 16);
    let back: RunState = serde_json::from_value(json).unwrap();
    assert_eq!(back, parked);
    assert_eq!(
        serde_json::to_value(entered(&program, &c)).unwrap()["phase"],
        "start"
    );
}

// §8.3: windows over weeks, in a time zone --------------------------------------------

#[test]
fn a_friday_evening_action_waits_for_monday_morning() {
    let program = program(
        r#"workflow office { enter on form.submitted  window 09:00 to 18:00 on mon..fri
                             send_email(template: "welcome")  wait 1h  send_email(template: "next") }"#,
    );
    // Friday 2026-11-20, 18:30.
    let c = contact()
        .event(
            "form.submitted",
            "2026-11-20T18:30:00Z",
            json!({"form": "f"}),
        )
        .build(&program);
    let friday = ctx("2026-11-20T18:30:00Z");
    let run = program
        .enter("office", &c, &friday, &[0], &[])
        .unwrap()
        .unwrap();
    let parked = program.advance(&run, &c, &friday).unwrap();
    assert!(parked.actions.is_empty());
    assert_eq!(
        parked.status,
        Status::Waiting(Some(at("2026-11-23T09:00:00Z")))
    );
    let monday = program
        .advance(&parked.state, &c, &ctx("2026-11-23T12:00:00Z"))
        .unwrap();
    let due: Vec<_> = monday.actions.iter().map(|a| a.due).collect();
    assert_eq!(
        due,
        [at("2026-11-23T09:00:00Z"), at("2026-11-23T10:00:00Z")]
    );
}

#[test]
fn windows_follow_the_context_time_zone_and_span_midnight() {
    let program = program(
        r#"workflow night { enter on form.submitted  window 21:00 to 08:00 on fri
                            send_email(template: "late") }"#,
    );
    let c = contact()
        .event(
            "form.submitted",
            "2026-11-20T12:00:00Z",
            json!({"form": "f"}),
        )
        .build(&program);
    // 21:00 in São Paulo (UTC-3) is 00:00 UTC on Saturday.
    let sp = replay_in(
        &program,
        &c,
        "night",
        ("2026-11-19T00:00:00Z", "2026-12-01T00:00:00Z"),
        "America/Sao_Paulo".parse().unwrap(),
    );
    assert_eq!(
        sp[1],
        (
            "2026-11-21T00:00:00Z".to_string(),
            "1 send_email".to_string()
        )
    );
    let run = program
        .enter(
            "night",
            &c,
            &ctx_tz("2026-11-20T12:00:00Z", "UTC"),
            &[0],
            &[],
        )
        .unwrap()
        .unwrap();
    // In UTC the window is open on Saturday 07:59 (it opened on Friday).
    let saturday = program
        .advance(&run, &c, &ctx("2026-11-21T07:59:00Z"))
        .unwrap();
    assert_eq!(saturday.actions[0].due, at("2026-11-20T21:00:00Z"));
}

// The property: advancing late, or at any instants, changes nothing --------------------

const PROPERTY: &str = r#"
workflow journey {
  enter on form.submitted
  window 08:00 to 20:00 on mon..fri
  exit when count(unsubscribed) >= 1
  goal when exists(purchase since entered_at + 1s)
  send_email(template: "start")
  wait 2d
  if exists(email.clicked since entered_at) {
    send_email(template: "clicked {count(email.clicked)}")
    wait until count(email.opened since entered_at) >= 2 max 3d
  } else {
    split { 50% => { add_tag(tag: "a") } 50% => { add_tag(tag: "b") } }
    wait until exists(page.viewed since entered_at)
  }
  send_email(template: "opened {count(email.opened)}")
  wait 12h
  notify_sales(owner: owner, reason: "done at {now}")
}
"#;

fn event_strategy() -> impl Strategy<Value = (usize, i64)> {
    // A kind, and minutes after the entry (up to 12 days).
    (0usize..6, 1i64..(12 * 24 * 60))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn late_advance_equals_on_time_advance(
        events in prop::collection::vec(event_strategy(), 0..8),
        calls in prop::collection::vec(1i64..(16 * 24 * 60), 0..6),
        id in "[a-z]{1,6}",
    ) {
        let program = program(PROPERTY);
        let entry = at("2026-11-02T10:00:00Z");
        let mut c = contact().id(&id).event("form.submitted", "2026-11-02T10:00:00Z", json!({"form": "f"}));
        for (kind, minutes) in &events {
            let t = stamp(entry + TimeDelta::minutes(*minutes));
            c = match kind {
                0 => c.event("email.clicked", &t, json!({"campaign": "c", "url": "u"})),
                1 | 2 => c.event("email.opened", &t, json!({"campaign": "c"})),
                3 => c.event("page.viewed", &t, json!({"path": "/p"})),
                4 => c.event("purchase", &t, json!({"order_id": "o", "amount": 1, "category": "x"})),
                _ => c.bare_event("unsubscribed", &t),
            };
        }
        let c = c.build(&program);
        let run = program.enter("journey", &c, &ctx("2026-11-02T10:00:00Z"), &[0], &[]).unwrap().unwrap();
        let end = entry + TimeDelta::days(20);

        // Once, at the end.
        let once = program.advance(&run, &c, &funil::Context::new(end)).unwrap();

        // At random instants, then the end.
        let mut instants: Vec<DateTime<Utc>> = calls.iter().map(|m| entry + TimeDelta::minutes(*m)).collect();
        instants.sort();
        instants.push(end);
        let mut state = run.clone();
        let mut actions = Vec::new();
        for t in &instants {
            let step = program.advance(&state, &c, &funil::Context::new(*t)).unwrap();
            actions.extend(step.actions);
            // The host stores the state between calls: every state reads back equal.
            let stored = serde_json::to_string(&step.state).unwrap();
            let read_back: RunState = serde_json::from_str(&stored).unwrap();
            prop_assert_eq!(&read_back, &step.state);
            state = read_back;
        }
        prop_assert_eq!(&actions, &once.actions);
        prop_assert_eq!(state.status(), once.status);
        prop_assert_eq!(state.ended_at(), once.state.ended_at());

        // On time: at every instant the run is due and every event.
        let mut state = run;
        let mut actions = Vec::new();
        let mut t = entry;
        loop {
            let step = program.advance(&state, &c, &funil::Context::new(t)).unwrap();
            actions.extend(step.actions);
            state = step.state;
            let next_event = c.events().iter().map(|e| e.at()).find(|at| *at > t);
            let next = [state.due(), next_event].into_iter().flatten().filter(|n| *n > t).min();
            match next {
                Some(next) if next <= end && !state.status().has_ended() => t = next,
                _ => break,
            }
        }
        let last = program.advance(&state, &c, &funil::Context::new(end)).unwrap();
        actions.extend(last.actions);
        prop_assert_eq!(&actions, &once.actions);
        prop_assert_eq!(last.state.ended_at(), once.state.ended_at());
    }
}

// The property under frequency caps ------------------------------------------------------

/// Caps on both emails and sales notifications, counted by one kind (so each counts
/// the other's), with limits that defer and limits that skip, over a journey that
/// sends often, inside a send window.
const CAPPED: &str = r#"
cap emails on send_email counted by email.sent {
  at most 4 per 7d
  at most 2 per 1d then skip
  at most 1 per 4h
}
cap sales on notify_sales counted by email.sent { at most 3 per 2d then skip }
workflow journey {
  enter on form.submitted
  window 08:00 to 20:00 on mon..fri
  exit when count(unsubscribed) >= 1
  goal when exists(purchase since entered_at + 1s)
  send_email(template: "start")
  wait 1h
  send_email(template: "second")
  wait 2d
  if exists(email.clicked since entered_at) {
    send_email(template: "clicked {count(email.clicked)}")
    wait until count(email.opened since entered_at) >= 2 max 3d
  } else {
    split { 50% => { add_tag(tag: "a") } 50% => { send_email(template: "b") } }
    wait until exists(page.viewed since entered_at)
  }
  send_email(template: "opened {count(email.opened)}")
  send_email(template: "right after")
  wait 12h
  notify_sales(owner: owner, reason: "done at {now}")
}
workflow nudge {
  enter on form.submitted
  exit when count(unsubscribed) >= 1
  wait 30m
  send_email(template: "nudge")
  wait 1d
  notify_sales(reason: "nudged")
  wait 5h
  send_email(template: "nudge again")
}
"#;

/// The contact of the capped property: a form at `entry`, then the events drawn
/// (`email.sent` among them: other workflows' emails, recorded).
fn capped_contact(id: &str, entry: DateTime<Utc>, events: &[(usize, i64)]) -> support::ContactJson {
    let mut c = contact()
        .id(id)
        .event("form.submitted", &stamp(entry), json!({"form": "f"}));
    for (kind, minutes) in events {
        let t = stamp(entry + TimeDelta::minutes(*minutes));
        c = match kind {
            0 => c.event("email.clicked", &t, json!({"campaign": "c", "url": "u"})),
            1 => c.event("email.opened", &t, json!({"campaign": "c"})),
            2 => c.event("page.viewed", &t, json!({"path": "/p"})),
            3 => c.event(
                "purchase",
                &t,
                json!({"order_id": "o", "amount": 1, "category": "x"}),
            ),
            4 => c.bare_event("unsubscribed", &t),
            _ => c.event("email.sent", &t, json!({"campaign": "elsewhere"})),
        };
    }
    c
}

/// The host records each capped action it performs as an `email.sent` at its instant.
fn record_sent(c: &mut support::ContactJson, advance: &funil::Advance) {
    for action in &advance.actions {
        if matches!(action.name.as_str(), "send_email" | "notify_sales") {
            *c = c.clone().event(
                "email.sent",
                &stamp(action.due),
                json!({"campaign": "here"}),
            );
        }
    }
}

/// Appends an advance's actions and held-back actions to those of earlier calls,
/// placing each held-back action among all of them.
fn absorb(
    actions: &mut Vec<funil::Action>,
    capped: &mut Vec<funil::Capped>,
    advance: funil::Advance,
) {
    let before = actions.len();
    capped.extend(advance.capped.into_iter().map(|mut held| {
        held.preceding += before;
        held
    }));
    actions.extend(advance.actions);
}

fn capped_event_strategy() -> impl Strategy<Value = (usize, i64)> {
    // A kind (`email.sent` more often), and minutes after the entry (up to 12 days).
    (0usize..8, 1i64..(12 * 24 * 60))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Advancing late gives the same actions, deferrals and skips, at the same
    /// instants, as advancing at random instants or on time, when the host records
    /// each capped action it performs as an event (which a late call cannot have).
    #[test]
    fn late_advance_equals_on_time_advance_under_caps(
        events in prop::collection::vec(capped_event_strategy(), 0..10),
        calls in prop::collection::vec(1i64..(16 * 24 * 60), 0..6),
        id in "[a-z]{1,6}",
    ) {
        let program = program(CAPPED);
        let entry = at("2026-11-02T10:00:00Z");
        let base = capped_contact(&id, entry, &events);
        let c = base.build(&program);
        let run = program.enter("journey", &c, &funil::Context::new(entry), &[0], &[]).unwrap().unwrap();
        let end = entry + TimeDelta::days(20);

        // Once, at the end: nothing of the run is recorded yet.
        let once = program.advance(&run, &c, &funil::Context::new(end)).unwrap();

        // At random instants, then the end, recording after each call.
        let mut instants: Vec<DateTime<Utc>> = calls.iter().map(|m| entry + TimeDelta::minutes(*m)).collect();
        instants.sort();
        instants.push(end);
        let mut host = base.clone();
        let mut state = run.clone();
        let (mut actions, mut capped) = (Vec::new(), Vec::new());
        for t in &instants {
            let step = program.advance(&state, &host.build(&program), &funil::Context::new(*t)).unwrap();
            record_sent(&mut host, &step);
            let stored = serde_json::to_string(&step.state).unwrap();
            let read_back: RunState = serde_json::from_str(&stored).unwrap();
            prop_assert_eq!(&read_back, &step.state);
            absorb(&mut actions, &mut capped, step);
            state = read_back;
        }
        prop_assert_eq!(&actions, &once.actions);
        prop_assert_eq!(&capped, &once.capped);
        prop_assert_eq!(state.status(), once.status);
        prop_assert_eq!(state.ended_at(), once.state.ended_at());

        // On time: at every instant the run is due and every event, recording.
        let mut host = base;
        let mut state = run;
        let (mut actions, mut capped) = (Vec::new(), Vec::new());
        let mut t = entry;
        loop {
            let contact = host.build(&program);
            let step = program.advance(&state, &contact, &funil::Context::new(t)).unwrap();
            record_sent(&mut host, &step);
            state = step.state.clone();
            absorb(&mut actions, &mut capped, step);
            let next_event = contact.events().iter().map(|e| e.at()).find(|at| *at > t);
            let next = [state.due(), next_event].into_iter().flatten().filter(|n| *n > t).min();
            match next {
                Some(next) if next <= end && !state.status().has_ended() => t = next,
                _ => break,
            }
        }
        let last = program.advance(&state, &host.build(&program), &funil::Context::new(end)).unwrap();
        let ended_at = last.state.ended_at();
        absorb(&mut actions, &mut capped, last);
        prop_assert_eq!(&actions, &once.actions);
        prop_assert_eq!(&capped, &once.capped);
        prop_assert_eq!(ended_at, once.state.ended_at());
    }

    /// Two workflows advanced together late with `advance_all` give what advancing
    /// each on time gives, one after the other at each instant, the host recording
    /// each run's capped actions before advancing the next.
    #[test]
    fn advance_all_late_equals_runs_advanced_on_time_in_turn(
        events in prop::collection::vec(capped_event_strategy(), 0..10),
        id in "[a-z]{1,6}",
        nudge_first in any::<bool>(),
    ) {
        let program = program(CAPPED);
        let entry = at("2026-11-02T10:00:00Z");
        let base = capped_contact(&id, entry, &events);
        let c = base.build(&program);
        let mut runs = program.enter_all(&c, &funil::Context::new(entry), &[0], &[]).unwrap();
        prop_assert_eq!(runs.len(), 2);
        if nudge_first {
            runs.reverse();
        }
        let end = entry + TimeDelta::days(20);
        let together = program.advance_all(&runs, &c, &funil::Context::new(end)).unwrap();

        let mut host = base;
        let mut states = runs;
        let mut results: Vec<(Vec<funil::Action>, Vec<funil::Capped>)> = vec![(Vec::new(), Vec::new()); 2];
        let mut t = entry;
        loop {
            for (state, (actions, capped)) in states.iter_mut().zip(results.iter_mut()) {
                let step = program.advance(state, &host.build(&program), &funil::Context::new(t)).unwrap();
                record_sent(&mut host, &step);
                *state = step.state.clone();
                absorb(actions, capped, step);
            }
            let contact = host.build(&program);
            let next_event = contact.events().iter().map(|e| e.at()).find(|at| *at > t);
            let next = states
                .iter()
                .filter_map(RunState::due)
                .chain(next_event)
                .filter(|n| *n > t)
                .min();
            match next {
                Some(next) if next <= end => t = next,
                _ => break,
            }
        }
        for ((state, (actions, capped)), advance) in states.iter_mut().zip(results.iter_mut()).zip(&together) {
            let last = program.advance(state, &host.build(&program), &funil::Context::new(end)).unwrap();
            prop_assert_eq!(last.state.ended_at(), advance.state.ended_at());
            prop_assert_eq!(last.status, advance.status);
            absorb(actions, capped, last);
            prop_assert_eq!(&*actions, &advance.actions);
            prop_assert_eq!(&*capped, &advance.capped);
        }
    }
}

// §10: nesting ---------------------------------------------------------------------------

/// `if true {` `n` times around an action, as a workflow.
fn nested_ifs(n: usize) -> String {
    format!(
        "workflow deep {{ enter on form.submitted {} add_tag(tag: \"deep\") {} }}",
        "if true { ".repeat(n),
        "} ".repeat(n)
    )
}

#[test]
fn deeply_nested_statements_compile_run_and_stop_at_the_limit() {
    let program = compile(&nested_ifs(100));
    let c = contact()
        .event(
            "form.submitted",
            "2026-11-02T10:00:00Z",
            json!({"form": "f"}),
        )
        .build(&program);
    let now = ctx("2026-11-02T10:00:00Z");
    let run = program.enter("deep", &c, &now, &[0], &[]).unwrap().unwrap();
    let done = program.advance(&run, &c, &now).unwrap();
    assert_eq!(done.actions[0].step, format!("1{}", ".then.1".repeat(100)));

    let error = support::compile_err(&nested_ifs(50_000));
    assert_eq!(support::codes(&error), ["E0013"]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A state from anywhere — any phase, step, fingerprint and instants — gives a
    /// result or a typed error, never a panic.
    #[test]
    fn any_state_is_advanced_or_refused(
        phase in 0usize..3,
        step in prop_oneof![Just("1".to_string()), Just("2".to_string()), Just("4".to_string()), "[a-z0-9.]{0,8}"],
        fingerprint in prop_oneof![Just(None), "[0-9a-f]{16}".prop_map(Some)],
        entered_minutes in -400_000i64..400_000,
        advanced in -400_000i64..400_000,
        due in prop::option::of(-400_000i64..400_000),
        now in -400_000i64..400_000,
    ) {
        let program = program(DRIP);
        let c = drip_contact(&program, &[("email.clicked", "2026-11-08T11:00:00Z")]);
        let base = at("2026-11-02T10:00:00Z");
        let instant = |minutes: i64| stamp(base + TimeDelta::minutes(minutes));
        // The real fingerprint of the step, unless a random one was drawn.
        let fingerprint = fingerprint.unwrap_or_else(|| {
            let run = entered(&program, &c);
            [("2", "2026-11-02T10:00:00Z"), ("4", "2026-11-06T00:00:00Z")]
                .iter()
                .find(|(id, _)| *id == step)
                .map(|(_, t)| {
                    let parked = program.advance(&run, &c, &ctx(t)).unwrap().state;
                    serde_json::to_value(parked).unwrap()["fingerprint"].as_str().unwrap().to_string()
                })
                .unwrap_or_default()
        });
        let phase = match phase {
            0 => json!({"phase": "start"}),
            1 => json!({"phase": "parked", "step": step, "fingerprint": fingerprint,
                        "due": due.map(instant)}),
            _ => json!({"phase": "ended", "at": instant(advanced), "outcome": "goal"}),
        };
        let mut state = json!({"workflow": "drip", "entered_at": instant(entered_minutes),
                               "advanced_at": instant(advanced)});
        state.as_object_mut().unwrap().extend(phase.as_object().unwrap().clone());
        let state: RunState = serde_json::from_value(state).unwrap();
        match program.advance(&state, &c, &ctx(&instant(now))) {
            Ok(advance) => prop_assert_eq!(advance.status, advance.state.status()),
            Err(error) => prop_assert!(matches!(
                error.kind(),
                EvalErrorKind::UnknownStep | EvalErrorKind::ChangedStep
            )),
        }
    }
}
