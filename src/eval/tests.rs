//! Evaluator unit tests: window edges, time travel, nulls, groups, decay, memo.

use crate::{Context, Program, compile};

const SCHEMA: &str = r#"schema {
  contact { country: string?  spent: number  born: date? }
  event email.opened { campaign: string }
  event email.clicked { url: string, campaign: string }
  event purchase { amount: number?, category: string }
  group touch = email.opened | email.clicked
}
"#;

fn program(rules: &str) -> Program {
    match compile(&format!("{SCHEMA}{rules}")) {
        Ok(program) => program,
        Err(error) => panic!("{error}"),
    }
}

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

/// An event: kind, time, props.
type EventSpec<'a> = (&'a str, &'a str, &'a [(&'a str, crate::Value)]);

fn contact(program: &Program, events: &[EventSpec<'_>]) -> crate::Contact {
    let mut builder = program
        .contact("c")
        .attribute("spent", 10)
        .attribute("country", None::<&str>);
    for (kind, time, props) in events {
        builder = builder.event(kind, at(time), props.iter().map(|(k, v)| (*k, v.clone())));
    }
    builder.build().unwrap()
}

fn holds(program: &Program, contact: &crate::Contact, now: &str) -> bool {
    program
        .segment("s", contact, &Context::new(at(now)))
        .unwrap()
}

#[test]
fn within_excludes_its_start_and_includes_now() {
    let program = program("segment s { exists(email.opened within 1d) }");
    let c = contact(
        &program,
        &[(
            "email.opened",
            "2026-11-21T12:00:00Z",
            &[("campaign", "a".into())],
        )],
    );
    assert!(
        !holds(&program, &c, "2026-11-22T12:00:00Z"),
        "exactly 1d ago is outside"
    );
    assert!(holds(&program, &c, "2026-11-22T11:59:59Z"));
    assert!(
        holds(&program, &c, "2026-11-21T12:00:00Z"),
        "at == now is inside"
    );
    assert!(
        !holds(&program, &c, "2026-11-21T11:59:59Z"),
        "future events are invisible"
    );
}

#[test]
fn between_includes_its_start_and_excludes_its_end() {
    let program = program(
        "segment s { exists(email.opened between @2026-11-01T00:00:00Z and @2026-11-02T00:00:00Z) }",
    );
    let opened = |t| {
        contact(
            &program,
            &[("email.opened", t, &[("campaign", "a".into())])],
        )
    };
    assert!(holds(
        &program,
        &opened("2026-11-01T00:00:00Z"),
        "2026-12-01T00:00:00Z"
    ));
    assert!(!holds(
        &program,
        &opened("2026-11-02T00:00:00Z"),
        "2026-12-01T00:00:00Z"
    ));
}

#[test]
fn groups_read_props_from_each_kind_slot() {
    // `campaign` is slot 0 of email.opened and slot 1 of email.clicked.
    let program = program(r#"segment s { count(touch where campaign == "x") == 2 }"#);
    let c = contact(
        &program,
        &[
            (
                "email.opened",
                "2026-11-01T00:00:00Z",
                &[("campaign", "x".into())],
            ),
            (
                "email.clicked",
                "2026-11-02T00:00:00Z",
                &[("url", "u".into()), ("campaign", "x".into())],
            ),
            (
                "email.clicked",
                "2026-11-03T00:00:00Z",
                &[("url", "x".into()), ("campaign", "y".into())],
            ),
        ],
    );
    assert!(holds(&program, &c, "2026-11-22T00:00:00Z"));
}

#[test]
fn aggregates_skip_nulls_and_last_breaks_ties_by_history_order() {
    let program = program(
        r#"segment s { sum(purchase, amount) == 5 and avg(purchase, amount) == 2.5
             and last(purchase).category == "b" and first(purchase).category == "a" }"#,
    );
    let c = contact(
        &program,
        &[
            (
                "purchase",
                "2026-11-01T00:00:00Z",
                &[("amount", 2.into()), ("category", "a".into())],
            ),
            (
                "purchase",
                "2026-11-01T00:00:00Z",
                &[("amount", crate::Value::Null), ("category", "x".into())],
            ),
            (
                "purchase",
                "2026-11-02T00:00:00Z",
                &[("amount", 3.into()), ("category", "b".into())],
            ),
        ],
    );
    assert!(holds(&program, &c, "2026-11-22T00:00:00Z"));
}

#[test]
fn time_travel_sees_the_past_and_current_attributes() {
    let program = program(
        "segment recent { exists(purchase within 7d) }
         segment s { not segment(recent) and segment(recent, at: now - 10d) and spent == 10 }",
    );
    let c = contact(
        &program,
        &[(
            "purchase",
            "2026-11-10T00:00:00Z",
            &[("category", "a".into())],
        )],
    );
    assert!(holds(&program, &c, "2026-11-20T00:00:00Z"));
    assert!(!holds(&program, &c, "2026-11-14T00:00:00Z"));
}

#[test]
fn decay_halves_points_at_one_half_life() {
    let program = program(
        "score e { per email.opened => 10  decay half_life 10d }
         segment s { score(e) == 5 }",
    );
    let c = contact(
        &program,
        &[(
            "email.opened",
            "2026-11-12T00:00:00Z",
            &[("campaign", "a".into())],
        )],
    );
    assert!(holds(&program, &c, "2026-11-22T00:00:00Z"));
}

#[test]
fn null_logic_is_two_valued() {
    let program = program(
        r#"segment s { country != "BR" and not (country == "BR") and not (country < "Z")
             and country not in ["BR"] and (country ?? "none") == "none" and born is null }"#,
    );
    let c = contact(&program, &[]);
    assert!(holds(&program, &c, "2026-11-22T00:00:00Z"));
}

#[test]
fn long_reference_chains_evaluate_without_deep_recursion() {
    let mut rules = String::from("segment s0 { spent > 1 }\n");
    for i in 1..1000 {
        rules.push_str(&format!("segment s{i} {{ segment(s{}) }}\n", i - 1));
    }
    rules.push_str("segment s { segment(s999) }\n");
    let program = program(&rules);
    let c = contact(&program, &[]);
    assert!(holds(&program, &c, "2026-11-22T00:00:00Z"));
}

#[test]
fn arithmetic_is_exact_and_division_by_zero_is_null() {
    let program =
        program("segment s { 0.1 + 0.2 == 0.3 and (spent / 0) is null and 10% * 19.99 == 1.999 }");
    let c = contact(&program, &[]);
    assert!(holds(&program, &c, "2026-11-22T00:00:00Z"));
}

#[test]
fn remembered_values_stand_for_the_item_at_their_instant() {
    use super::Evaluator;
    use crate::Value;
    use chrono::TimeDelta;

    let program = program(
        "segment ranked { spent > 100 }\nsegment s { segment(ranked) and not segment(ranked, at: now - 7d) }",
    );
    let c = contact(&program, &[]);
    let context = Context::new(at("2026-11-22T00:00:00Z"));
    let ranked = program.item_named("ranked").unwrap().0;
    let s = program.item_named("s").unwrap().0;
    let mut evaluator = Evaluator::new(&program, &c, &context);
    evaluator.remember(ranked, TimeDelta::zero(), Value::Bool(true));
    assert_eq!(evaluator.item(s, TimeDelta::zero()), Value::Bool(true));
    // Nothing was remembered a week earlier: computed from `spent`, false.
    assert_eq!(
        evaluator.item(ranked, TimeDelta::days(7)),
        Value::Bool(false)
    );
}

#[test]
fn a_reused_workspace_forgets_the_previous_contact() {
    let program = program("segment s { spent > 100 }\nscore t { when segment(s) => +1 }");
    let rich = program
        .contact("r")
        .attribute("spent", 500)
        .build()
        .unwrap();
    let poor = contact(&program, &[]);
    let context = Context::new(at("2026-11-22T00:00:00Z"));
    let mut workspace = crate::Workspace::new();
    let mut evaluation = crate::Evaluation::new();
    for (c, expected) in [(&rich, 1), (&poor, 0), (&rich, 1)] {
        program
            .evaluate_into(c, &context, &mut workspace, &mut evaluation)
            .unwrap();
        let fresh = program.evaluate(c, &context).unwrap();
        assert_eq!(evaluation, fresh);
        // What an earlier contact left in the buffers is not shown either.
        assert_eq!(format!("{evaluation:?}"), format!("{fresh:?}"));
        assert_eq!(evaluation.segments().len(), expected);
    }
}
