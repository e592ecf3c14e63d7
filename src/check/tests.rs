//! Checker unit tests: what compiles, what is refused, and the depth it survives.

use crate::compile;

const SCHEMA: &str = "schema { contact { n: number  s: string?  tags: list<string> }
  event purchase { amount: number } }\n";

fn codes(rules: &str) -> Vec<String> {
    match compile(&format!("{SCHEMA}{rules}")) {
        Ok(program) => program
            .warnings()
            .iter()
            .map(|d| d.code().to_string())
            .collect(),
        Err(error) => error
            .diagnostics()
            .iter()
            .map(|d| d.code().to_string())
            .collect(),
    }
}

#[test]
fn nesting_at_the_limit_checks_and_evaluates_on_a_small_stack() {
    // 126 parentheses and 1 prefix `not` inside the segment's braces: 128 levels.
    let deep = format!(
        "segment s {{ not {}n > 1{} }}",
        "(".repeat(126),
        ")".repeat(126)
    );
    let program = compile(&format!("{SCHEMA}{deep}")).unwrap();
    let contact = program
        .contact("c")
        .attribute("n", 2)
        .attribute("tags", Vec::<&str>::new())
        .build()
        .unwrap();
    let context = crate::Context::new("2026-11-22T00:00:00Z".parse().unwrap());
    assert!(!program.segment("s", &contact, &context).unwrap());
    let nots = format!("segment s {{ {}n > 1 }}", "not ".repeat(126));
    let program = compile(&format!("{SCHEMA}{nots}")).unwrap();
    assert!(program.segment("s", &contact, &context).unwrap());
}

#[test]
fn types_follow_the_operator_table() {
    assert!(
        codes("segment s { n + 1 > 2 and s + \"x\" == \"y\" and \"a\" + null == null }").is_empty()
    );
    assert_eq!(codes("segment s { n + \"x\" == 1 }"), ["E0009"]);
    assert_eq!(codes("segment s { n }"), ["E0009"]);
    assert_eq!(codes("segment s { tags contains 1 }"), ["E0009"]);
    assert_eq!(codes("segment s { now - 1d < today }"), ["E0009"]);
    assert!(codes("segment s { today - 1d < today and now - now > 0s }").is_empty());
}

#[test]
fn independent_errors_are_all_reported() {
    assert_eq!(
        codes("segment a { x > 1 }\nsegment b { y > 1 }\nsegment c { count(nope) > 1 }"),
        ["E0003", "E0003", "E0004"]
    );
}

#[test]
fn one_mistake_reports_once() {
    // The unknown name makes its operands unknown: no type error piles up on it.
    assert_eq!(
        codes("segment s { (x + 1) * 2 > n and lower(x) == \"a\" }"),
        ["E0003", "E0003"]
    );
}

#[test]
fn ranked_segments_and_references() {
    assert!(codes("segment leaders { top 10% by n }\nsegment s { segment(leaders) }").is_empty());
    assert_eq!(codes("segment s { segment(s) }"), ["E0011"]);
    assert_eq!(codes("segment s { score(s) > 1 }"), ["E0006"]);
}

#[test]
fn event_records_are_only_tested_or_read() {
    assert!(codes("segment s { last(purchase) is null or last(purchase) != null or last(purchase).amount > 1 }").is_empty());
    assert_eq!(
        codes("segment s { last(purchase) == last(purchase) }"),
        ["E0009"]
    );
    assert_eq!(codes("segment s { [last(purchase)] == [] }"), ["E0009"]);
    assert_eq!(codes("decide d { when true => last(purchase) }"), ["E0009"]);
}

#[test]
fn division_may_be_null() {
    // Division by zero is null, so none of these is a useless null test.
    assert!(
        codes("segment s { n / 0 == null and (n / 0) is null and ((n / 0) ?? 7) == 7 }").is_empty()
    );
    assert_eq!(codes("segment s { n * 2 == null }"), ["W0001"]);
}
