#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §10: no input overflows the stack — absurdly nested rules are rejected with
//! E0013 on an ordinary 2 MiB test thread, and explaining a deep rule or a long chain
//! of references (issue 10) renders it as text and JSON without overflowing either, nor
//! does computing a deep metric (issue 11).
//!
//! A stack overflow aborts the whole process, so each input is compiled in a child
//! process (this test binary, running the ignored test `child` with the case named in
//! `FUNIL_STACK_CASE`): an overflow fails that input's test, not every test here.

mod support;

use std::process::Command;

const CASE_VAR: &str = "FUNIL_STACK_CASE";

/// `open` `n` times, then `inner`, then `close` `n` times, as a segment body.
fn nest(open: &str, inner: &str, close: &str, n: usize) -> String {
    format!(
        "segment s {{ {}{inner}{} }}",
        open.repeat(n),
        close.repeat(n)
    )
}

/// `n` string interpolations, each inside the previous one: `"{"{"x"}"}"`.
fn interpolations(n: usize) -> String {
    let mut s = String::from("\"x\"");
    for _ in 0..n {
        s = format!("\"{{{s}}}\"");
    }
    format!("segment s {{ {s} == \"x\" }}")
}

/// The rules text of each case.
fn rules(case: &str) -> String {
    const DEEP: usize = 100_000;
    match case {
        "parentheses" => nest("(", "true", ")", DEEP),
        "parentheses_100" => nest("(", "true", ")", 100),
        "not" => nest("not ", "true", "", DEEP),
        "unary_minus" => nest("-", "1 > 0", "", DEEP),
        "brackets" => nest("[", "1", "]", DEEP).replace("{ [", "{ 1 in ["),
        "null_default" => {
            nest("", "(country", " ?? country", DEEP / 4).replace(" }", " ?? \"x\") == \"x\" }")
        }
        "calls" => nest("abs(", "1", ")", DEEP).replace(" }", " > 0 }"),
        "calls_100" => nest("abs(", "1", ")", 100).replace(" }", " > 0 }"),
        "interpolation_100" => interpolations(100),
        "interpolation_closed" => interpolations(300),
        "interpolation_open" => nest("\"{", "\"", "", DEEP / 2).replace(" }", " == \"\" }"),
        "metric_100000" => format!(
            "metric m {{ {}contacts(){} }}",
            "(".repeat(DEEP),
            ")".repeat(DEEP)
        ),
        other => panic!("unknown case {other}"),
    }
}

/// Runs in the child: compiles the case and prints the codes of its diagnostics.
#[test]
#[ignore = "run by the other tests of this file, in a child process"]
fn child() {
    let case = std::env::var(CASE_VAR).expect("the case to run");
    let result = funil::Compiler::new()
        .source("schema.funil", support::SCHEMA)
        .source("rules.funil", rules(&case))
        .compile();
    let codes: Vec<&str> = match &result {
        Ok(_) => Vec::new(),
        Err(e) => e.diagnostics().iter().map(|d| d.code()).collect(),
    };
    println!("codes: {codes:?}");
}

/// The rules of each explanation case, the item to explain, and the nesting limit.
fn explained(case: &str) -> (String, &'static str, usize) {
    match case {
        "reference_chain" => {
            let mut rules = String::from("segment s0 { country == \"BR\" }\n");
            for i in 1..=1_000 {
                rules.push_str(&format!(
                    "segment s{i} {{ segment(s{}) and true }}\n",
                    i - 1
                ));
            }
            (rules, "s1000", 128)
        }
        "score_chain" => {
            let mut rules = String::from("score p0 { when true => 1 }\n");
            for i in 1..=1_000 {
                rules.push_str(&format!(
                    "score p{i} {{ when true => score(p{}) + 1 }}\n",
                    i - 1
                ));
            }
            (rules, "p1000", 128)
        }
        "not_120" => (nest("not ", "true", "", 120), "s", 128),
        "not_5000" => (nest("not ", "country == \"BR\"", "", 5_000), "s", 10_000),
        "parentheses_5000" => (nest("(", "true", ")", 5_000), "s", 10_000),
        other => panic!("unknown case {other}"),
    }
}

/// The explanation case the child was given, compiled with its nesting limit, and
/// its item.
fn compiled_case() -> (funil::Program, &'static str) {
    let case = std::env::var(CASE_VAR).expect("the case to run");
    let (rules, item, depth) = explained(&case);
    let program = funil::Compiler::new()
        .limits(funil::Limits::default().max_depth(depth))
        .source("schema.funil", support::SCHEMA)
        .source("rules.funil", rules)
        .compile()
        .unwrap();
    (program, item)
}

/// Runs in the child: compiles the case, explains its item and renders the
/// explanation both ways.
#[test]
#[ignore = "run by the other tests of this file, in a child process"]
fn explain_child() {
    let (program, item) = compiled_case();
    let contact = program
        .contact_from_json(&support::contact().json())
        .unwrap();
    let explanation = program
        .explain(item, &contact, &support::ctx(support::NOW))
        .unwrap();
    let text = explanation.to_string();
    let json = serde_json::to_string(&explanation).unwrap();
    println!(
        "explained: {} references, {} lines, {} bytes of JSON",
        explanation.references().len(),
        text.lines().count(),
        json.len()
    );
}

/// Runs in the child: compiles the explanation case and writes its item as SQL.
#[test]
#[ignore = "run by the other tests of this file, in a child process"]
fn sql_child() {
    let (program, item) = compiled_case();
    let pushed = program.to_sql(item, &funil::SqlOptions::new());
    match pushed {
        Ok(query) => println!(
            "pushed: {} laterals",
            query.text().matches("LATERAL").count()
        ),
        Err(refusal) => println!("refused: {refusal}"),
    }
}

#[test]
fn deep_rules_and_long_reference_chains_are_written_as_sql_without_overflow() {
    for (case, laterals) in [
        ("reference_chain", 1_000),
        ("not_5000", 0),
        ("parentheses_5000", 0),
    ] {
        let stdout = run_named_child("sql_child", case);
        assert!(
            stdout.contains(&format!("pushed: {laterals} laterals")),
            "`{case}`: {stdout}"
        );
    }
}

/// Runs the explanation `case` in a child process and asserts that it finished.
fn assert_explained_without_overflow(case: &str, references: usize) {
    let stdout = run_named_child("explain_child", case);
    assert!(
        stdout.contains(&format!("explained: {references} references")),
        "`{case}` was not explained: {stdout}"
    );
}

/// Runs `case` in a child process; asserts it did not crash and returns what it printed.
fn run_child(case: &str) -> String {
    run_named_child("child", case)
}

/// Runs the ignored test `test` with `case` in a child process; asserts it did not
/// crash and returns what it printed.
fn run_named_child(test: &str, case: &str) -> String {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            test,
            "--include-ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CASE_VAR, case)
        .env_remove("RUST_MIN_STACK")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "compiling `{case}` crashed ({}): {}",
        output.status,
        stderr
            .lines()
            .find(|l| l.contains("overflow") || l.contains("panicked"))
            .unwrap_or("")
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs `case` in a child process and asserts that it was rejected with E0013.
fn assert_rejected_without_overflow(case: &str) {
    let stdout = run_child(case);
    assert!(
        stdout.contains("\"E0013\""),
        "`{case}` was not rejected as too deep: {stdout}"
    );
}

/// Runs `case` in a child process and asserts that it compiled.
fn assert_compiles_without_overflow(case: &str) {
    let stdout = run_child(case);
    assert!(
        stdout.contains("codes: []"),
        "`{case}` did not compile: {stdout}"
    );
}

#[test]
fn nesting_of_100_parentheses_compiles() {
    assert_compiles_without_overflow("parentheses_100");
}

#[test]
fn nesting_of_100_interpolations_compiles() {
    assert_compiles_without_overflow("interpolation_100");
}

#[test]
fn nesting_of_100_calls_compiles() {
    assert_compiles_without_overflow("calls_100");
}

#[test]
fn deep_parentheses() {
    assert_rejected_without_overflow("parentheses");
}

#[test]
fn deep_not() {
    assert_rejected_without_overflow("not");
}

#[test]
fn deep_unary_minus() {
    assert_rejected_without_overflow("unary_minus");
}

#[test]
fn deep_brackets() {
    assert_rejected_without_overflow("brackets");
}

#[test]
fn long_null_default_chain() {
    assert_rejected_without_overflow("null_default");
}

#[test]
fn deep_calls() {
    assert_rejected_without_overflow("calls");
}

#[test]
fn deep_closed_interpolation() {
    assert_rejected_without_overflow("interpolation_closed");
}

#[test]
fn deep_unclosed_interpolation() {
    assert_rejected_without_overflow("interpolation_open");
}

#[test]
fn explaining_a_chain_of_a_thousand_segment_references() {
    assert_explained_without_overflow("reference_chain", 1_000);
}

#[test]
fn explaining_a_chain_of_a_thousand_score_references() {
    assert_explained_without_overflow("score_chain", 1_000);
}

#[test]
fn explaining_a_rule_nested_to_the_default_limit() {
    assert_explained_without_overflow("not_120", 0);
}

#[test]
fn explaining_rules_nested_far_past_the_default_limit() {
    assert_explained_without_overflow("not_5000", 0);
    assert_explained_without_overflow("parentheses_5000", 0);
}

/// The rules of each metric case (issue 11): a metric nested `n` deep at the
/// population level and in a population aggregate's argument, compiled with a nesting
/// limit above `n`.
fn metric_rules(case: &str) -> (String, usize) {
    let deep = |open: &str, inner: &str, close: &str, n: usize| {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    };
    match case {
        "metric_body_5000" => (
            format!(
                "metric m {{ {} }}",
                deep("abs(-(", "contacts() + total(total_spent)", "))", 2_500)
            ),
            10_000,
        ),
        "metric_argument_5000" => (
            format!(
                "metric m {{ total({}) }}",
                deep("abs(-(", "total_spent", "))", 2_500)
            ),
            10_000,
        ),
        other => panic!("unknown case {other}"),
    }
}

/// Runs in the child: compiles the metric case and evaluates it over one contact.
#[test]
#[ignore = "run by the other tests of this file, in a child process"]
fn metric_child() {
    let case = std::env::var(CASE_VAR).expect("the case to run");
    let (rules, depth) = metric_rules(&case);
    let program = funil::Compiler::new()
        .limits(funil::Limits::default().max_depth(depth))
        .source("schema.funil", support::SCHEMA)
        .source("rules.funil", rules)
        .compile()
        .unwrap();
    let contact = support::contact()
        .attr("total_spent", serde_json::json!(7))
        .build(&program);
    let population = program
        .evaluate_population(
            [&contact],
            &support::ctx(support::NOW),
            &funil::Params::new(),
        )
        .unwrap();
    println!("metric: {}", population.metrics()[0].to_json());
}

#[test]
fn deep_metrics_compile_and_evaluate_without_overflow() {
    let stdout = run_named_child("metric_child", "metric_body_5000");
    assert!(
        stdout.contains(r#"metric: {"metric":"m","value":8,"contacts":1}"#),
        "{stdout}"
    );
    let stdout = run_named_child("metric_child", "metric_argument_5000");
    assert!(
        stdout.contains(r#"metric: {"metric":"m","value":7,"contacts":1}"#),
        "{stdout}"
    );
}

#[test]
fn an_absurdly_deep_metric_is_rejected_without_overflow() {
    assert_rejected_without_overflow("metric_100000");
}
