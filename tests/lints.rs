#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Lints (`W0004`…): each is triggered by one source and not by a close one.

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
