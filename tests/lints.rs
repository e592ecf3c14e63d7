#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Lints (`W0004`…): each is triggered by one source and not by a close one.

#[path = "common/cli_harness.rs"]
mod harness;

const SCHEMA: &str = "schema { contact { age: number\n plan: string }\n event purchase { amount: number }\n action email(template: string) }\n";

/// The lint codes of `source` (after the schema), in order.
fn lints(source: &str) -> Vec<&'static str> {
    let program = funil::compile(&format!("{SCHEMA}{source}")).unwrap();
    program.lints().iter().map(|lint| lint.code()).collect()
}

#[test]
fn an_arm_covered_by_earlier_arms_is_never_taken() {
    let covered = "decide d {\n  when age >= 40 => 1\n  when age >= 50 => 2\n  else => 0\n}\n";
    assert_eq!(lints(covered), ["W0004"]);
    assert_eq!(
        lints(&covered.replace("age >= 40", "age >= 60")),
        [] as [&str; 0]
    );
    let union =
        "decide d {\n  when age < 10 => 1\n  when age >= 10 => 2\n  when age in [3, 10] => 3\n}\n";
    assert_eq!(lints(union), ["W0004"]);
    assert_eq!(
        lints(&union.replace("age >= 10", "age > 10")),
        [] as [&str; 0]
    );
}

#[test]
fn an_arm_after_when_true_is_never_taken() {
    assert_eq!(
        lints("decide d {\n  when true => 1\n  when age > 3 => 2\n}\n"),
        ["W0004"]
    );
    assert_eq!(
        lints("decide d {\n  when age > 3 => 2\n  when true => 1\n}\n"),
        [] as [&str; 0]
    );
}

#[test]
fn a_reward_arm_covered_by_earlier_arms_is_never_taken() {
    let reward = "reward r on purchase {\n  when amount >= 100 => 5\n  when amount >= 200 => 9\n  else => 1\n}\n";
    assert_eq!(lints(reward), ["W0004"]);
    assert_eq!(
        lints(&reward.replace("amount >= 100", "amount >= 300")),
        [] as [&str; 0]
    );
}

#[test]
fn an_else_after_when_true_is_never_taken() {
    let program = funil::compile(&format!(
        "{SCHEMA}decide d {{\n  when true => 1\n  else => 0\n}}\n"
    ))
    .unwrap();
    let messages: Vec<(&str, &str)> = program
        .lints()
        .iter()
        .map(|l| (l.code(), l.message()))
        .collect();
    assert_eq!(
        messages,
        [(
            "W0004",
            "the `else` is never taken: an earlier arm is `when true`"
        )]
    );
    assert_eq!(
        lints("decide d {\n  when age > 3 => 1\n  else => 0\n}\n"),
        [] as [&str; 0]
    );
}

#[test]
fn decide_all_takes_every_arm_that_holds() {
    let all = "decide all d {\n  when age >= 40 => 1\n  when age >= 50 => 2\n}\n";
    assert_eq!(lints(all), [] as [&str; 0]);
}

#[test]
fn a_condition_no_value_satisfies_is_never_true() {
    assert_eq!(lints("segment s { age > 5 and age < 3 }\n"), ["W0005"]);
    assert_eq!(lints("segment s { age > 5 or age < 3 }\n"), [] as [&str; 0]);
    assert_eq!(
        lints("segment s { age >= 3 and age <= 3 }\n"),
        [] as [&str; 0]
    );
    assert_eq!(lints("segment s { age > 3 and age < 3 }\n"), ["W0005"]);
    // Two different values: nothing is known.
    assert_eq!(
        lints("segment s { age > 5 and -age > 3 }\n"),
        [] as [&str; 0]
    );
}

#[test]
fn a_max_below_the_points_of_one_event() {
    assert_eq!(
        lints("score s {\n  per purchase => 10 max 5\n}\n"),
        ["W0006"]
    );
    assert_eq!(
        lints("score s {\n  per purchase => 10 max 10\n}\n"),
        [] as [&str; 0]
    );
}

#[test]
fn a_statement_after_stop_is_never_run() {
    let after = "workflow w {\n  enter when true\n\n  if age > 3 {\n    stop\n    email(template: \"x\")\n  }\n}\n";
    assert_eq!(lints(after), ["W0007"]);
    let before = "workflow w {\n  enter when true\n\n  if age > 3 {\n    stop\n  }\n  email(template: \"x\")\n}\n";
    assert_eq!(lints(before), [] as [&str; 0]);
}

#[test]
fn lints_render_like_other_warnings() {
    let program = funil::Compiler::new()
        .source(
            "rules.funil",
            format!("{SCHEMA}decide d {{\n  when age >= 40 => 1\n  when age >= 50 => 2\n}}\n"),
        )
        .compile()
        .unwrap();
    let [lint] = program.lints() else {
        panic!("one lint expected")
    };
    assert_eq!(
        lint.to_string(),
        "warning[W0004]: this arm is never taken: earlier arms take every value of `age` it would\n --> rules.funil:7:8\n  |\n7 |   when age >= 50 => 2\n  |        ^^^^^^^^^ help: the first arm that holds is taken; move this arm up or remove it"
    );
    assert_eq!(program.warnings().len(), 1);
}

/// The lints of `source` (after the schema), rendered, one after the other.
fn rendered(source: &str) -> Vec<String> {
    let program = funil::Compiler::new()
        .source("rules.funil", format!("{SCHEMA}{source}"))
        .compile()
        .unwrap();
    program.lints().iter().map(ToString::to_string).collect()
}

#[test]
fn a_helper_nothing_uses() {
    assert_eq!(
        rendered("segment _young { age < 30 }\n"),
        [
            "warning[W0008]: the helper `_young` is never used: nothing references it\n --> rules.funil:5:9\n  |\n5 | segment _young { age < 30 }\n  |         ^^^^^^ help: a name starting with `_` marks a helper, not an output; remove it, or drop the leading `_` to make it an output"
        ]
    );
    // Used by an output, or not a helper: nothing to say.
    assert_eq!(
        lints(
            "segment _young { age < 30 }\nsegment target { segment(_young) and plan == \"pro\" }\n"
        ),
        [] as [&str; 0]
    );
    assert_eq!(lints("segment young { age < 30 }\n"), [] as [&str; 0]);
    for kind in [
        "score _s { when age > 3 => 1 }\n",
        "decide _d { else => 1 }\n",
    ] {
        assert_eq!(lints(kind), ["W0008"], "{kind}");
    }
}

#[test]
fn a_helper_only_unused_helpers_use_is_unused_too() {
    let chain = "score _points { when age > 3 => 1 }\ndecide _band { when score(_points) > 0 => \"a\" else => \"b\" }\n";
    let program = funil::compile(&format!("{SCHEMA}{chain}")).unwrap();
    let messages: Vec<&str> = program.lints().iter().map(|l| l.message()).collect();
    assert_eq!(
        messages,
        [
            "the helper `_points` is never used: only unused helpers reference it",
            "the helper `_band` is never used: nothing references it",
        ]
    );
    // One output at the end of the chain uses both.
    let used = format!("{chain}segment banded {{ decision(_band) == \"a\" }}\n");
    assert_eq!(lints(&used), [] as [&str; 0]);
}

#[test]
fn a_helper_used_by_a_workflow_a_reward_or_a_time_travel_is_used() {
    let helper = "segment _adult { age >= 18 }\n";
    for user in [
        "workflow w {\n  enter when true\n\n  if segment(_adult) {\n    email(template: \"x\")\n  }\n}\n",
        "reward r on purchase {\n  when segment(_adult) => 1\n  else => 0\n}\n",
        "score s {\n  when segment(_adult, at: now - 30d) => 1\n}\n",
    ] {
        assert_eq!(lints(&format!("{helper}{user}")), [] as [&str; 0], "{user}");
    }
}

#[test]
fn a_window_with_reversed_bounds_selects_nothing() {
    assert_eq!(
        rendered("segment s { exists(purchase between now - 7d and now - 30d) }\n"),
        [
            "warning[W0009]: this window selects no event: it does not start before it ends\n --> rules.funil:5:29\n  |\n5 | segment s { exists(purchase between now - 7d and now - 30d) }\n  |                             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ help: `between A and B` selects `A <= at < B`; write the earlier bound first"
        ]
    );
    assert_eq!(
        lints("segment s { exists(purchase between now - 30d and now - 7d) }\n"),
        [] as [&str; 0]
    );
    let literals = "segment s { count(purchase between @2026-11-01T00:00:00Z and @2026-10-01T00:00:00Z) > 1 }\n";
    assert_eq!(lints(literals), ["W0009"]);
    // A fixed bound and one relative to now: it depends on now.
    assert_eq!(
        lints("segment s { exists(purchase between @2026-11-01T00:00:00Z and now - 7d) }\n"),
        [] as [&str; 0]
    );
    // In a score's counted query, and inside a `where`.
    assert_eq!(
        lints("score s {\n  per purchase between now - 1d and now - 2d => 1\n}\n"),
        ["W0009"]
    );
    assert_eq!(
        lints("segment s { exists(purchase where not exists(purchase between at and at)) }\n"),
        ["W0009"]
    );
    assert_eq!(
        lints("segment s { exists(purchase where not exists(purchase between at and at + 1d)) }\n"),
        [] as [&str; 0]
    );
}

#[test]
fn a_window_that_starts_after_now_selects_nothing() {
    assert_eq!(
        lints("segment s { exists(purchase since now + 1d) }\n"),
        ["W0009"]
    );
    assert_eq!(
        lints("segment s { exists(purchase since now) }\n"),
        [] as [&str; 0]
    );
}

#[test]
fn conditions_never_true_in_workflows_and_queries() {
    let workflow = |body: &str| format!("workflow w {{\n  enter when true\n\n{body}\n}}\n");
    assert_eq!(
        lints(&workflow(
            "  if age > 5 and age < 3 {\n    email(template: \"x\")\n  }"
        )),
        ["W0005"]
    );
    assert_eq!(
        lints(&workflow(
            "  if age > 5 and age < 30 {\n    email(template: \"x\")\n  }"
        )),
        [] as [&str; 0]
    );
    assert_eq!(
        lints(&workflow("  wait until age >= 10 and age < 10 max 2d")),
        ["W0005"]
    );
    assert_eq!(
        lints("workflow w {\n  enter on purchase where amount > 5 and amount < 3\n\n  stop\n}\n"),
        ["W0005"]
    );
    assert_eq!(
        lints("segment s { exists(purchase where amount > 5 and amount < 3) }\n"),
        ["W0005"]
    );
    assert_eq!(
        lints("segment s { exists(purchase where amount > 5 or amount < 3) }\n"),
        [] as [&str; 0]
    );
    // A part of `or` that is never true, reported alone.
    assert_eq!(
        lints("segment s { plan == \"pro\" or (age > 5 and age < 3) }\n"),
        ["W0005"]
    );
}

#[test]
fn a_statement_after_an_if_whose_every_branch_stops_is_never_run() {
    let stops = "workflow w {\n  enter when true\n\n  if age > 3 {\n    stop\n  } else if age > 1 {\n    email(template: \"a\")\n    stop\n  } else {\n    stop\n  }\n  email(template: \"x\")\n}\n";
    let program = funil::compile(&format!("{SCHEMA}{stops}")).unwrap();
    let [lint] = program.lints() else {
        panic!("one lint expected: {:?}", program.lints())
    };
    assert_eq!(
        (lint.code(), lint.message(), lint.line()),
        (
            "W0007",
            "this statement is never run: every branch of the `if` before it stops",
            16
        )
    );
    // Without `else`, a run may go past the `if`.
    let no_else = stops.replace("  } else {\n    stop\n  }\n", "  }\n");
    assert_eq!(lints(&no_else), [] as [&str; 0]);
}

#[test]
fn a_statement_after_a_split_whose_every_arm_stops_is_never_run() {
    let split = "workflow w {\n  enter when true\n\n  split {\n    50% => { stop }\n    50% => { email(template: \"b\") stop }\n  }\n  email(template: \"x\")\n}\n";
    assert_eq!(lints(split), ["W0007"]);
    assert_eq!(
        lints(&split.replace("email(template: \"b\") stop", "email(template: \"b\")")),
        [] as [&str; 0]
    );
}

#[test]
fn every_statement_of_a_workflow_that_exits_at_once_is_never_run() {
    for clause in ["exit", "goal"] {
        let source = format!(
            "workflow w {{\n  enter when true\n  {clause} when true\n\n  email(template: \"x\")\n  wait 1d\n}}\n"
        );
        let program = funil::compile(&format!("{SCHEMA}{source}")).unwrap();
        let [lint] = program.lints() else {
            panic!("one lint expected: {:?}", program.lints())
        };
        assert_eq!(
            (lint.code(), lint.message(), lint.line()),
            (
                "W0007",
                format!("this statement is never run: `{clause} when true` ends every run first")
                    .as_str(),
                9
            )
        );
        let near = source.replace(
            &format!("{clause} when true"),
            &format!("{clause} when age > 3"),
        );
        assert_eq!(lints(&near), [] as [&str; 0]);
    }
}

#[test]
fn funil_check_prints_the_lints() {
    let rules = harness::temp_file(
        "helpers.funil",
        &format!("{SCHEMA}segment _young {{ age < 30 }}\n"),
    );
    let out = harness::run(&["check", &rules]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    out.assert_stderr_has(
        "warning[W0008]: the helper `_young` is never used: nothing references it",
    );
    out.assert_stderr_has(&format!("--> {rules}:5:9"));
}

#[test]
fn a_condition_every_value_of_a_never_null_attribute_satisfies_is_always_true() {
    assert_eq!(
        rendered("segment s { age > 5 or age <= 5 }\n"),
        [
            "warning[W0010]: this condition is always true: every value of `age` satisfies it\n --> rules.funil:5:13\n  |\n5 | segment s { age > 5 or age <= 5 }\n  |             ^^^^^^^^^^^^^^^^^^^ help: `age` is never null, so this holds for every contact; check the bounds (`or` needs only one comparison to hold)"
        ]
    );
    assert_eq!(lints("segment s { age > 5 or age < 5 }\n"), [] as [&str; 0]);
    assert_eq!(
        lints("segment s { contact.age != 3 or contact.age in [3] }\n"),
        ["W0010"]
    );
    // An optional attribute is null for some contacts, where no comparison holds.
    let optional = "schema { contact { age: number? } }\nsegment s { age > 5 or age <= 5 }\n";
    assert_eq!(funil::compile(optional).unwrap().lints().len(), 0);
    // A reward's bare names are the trigger's props first.
    assert_eq!(
        lints("reward r on purchase {\n  when amount > 5 or amount <= 5 => 1\n}\n"),
        [] as [&str; 0]
    );
}

#[test]
fn an_arm_after_one_that_is_always_true_is_never_taken() {
    let program = funil::compile(&format!(
        "{SCHEMA}decide d {{\n  when age >= 0 or age < 0 => 1\n  when plan == \"pro\" => 2\n  else => 0\n}}\n"
    ))
    .unwrap();
    let lints: Vec<(&str, &str)> = program
        .lints()
        .iter()
        .map(|l| (l.code(), l.message()))
        .collect();
    assert_eq!(
        lints,
        [
            (
                "W0010",
                "this condition is always true: every value of `age` satisfies it"
            ),
            (
                "W0004",
                "this arm is never taken: an earlier arm is always true"
            ),
            (
                "W0004",
                "the `else` is never taken: an earlier arm is always true"
            ),
        ]
    );
}

#[test]
fn workflow_conditions_that_are_always_true() {
    let workflow = |body: &str| format!("workflow w {{\n  enter when true\n\n{body}\n}}\n");
    assert_eq!(
        lints(&workflow(
            "  if age > 3 or age <= 3 {\n    email(template: \"x\")\n  }"
        )),
        ["W0010"]
    );
    assert_eq!(
        lints(&workflow("  wait until age < 9 or age >= 9 max 1d")),
        ["W0010"]
    );
    assert_eq!(
        lints("workflow w {\n  enter when age >= 1 or age < 2\n\n  stop\n}\n"),
        ["W0010"]
    );
    assert_eq!(
        lints("workflow w {\n  enter when age >= 1 or age < 0\n\n  stop\n}\n"),
        [] as [&str; 0]
    );
}
