#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Golden diagnostics for experiments and `arm(…)`: code, message, location and help
//! of every mistake, each reported once.
//!
//! Rules are compiled as `rules.funil` after the spec schema (`schema.funil`), with
//! the workflow [`WELCOME`] first: its split `"offer"` (labelled) has two arms, its
//! split `"4"` one, and `"2"` is a `wait`.

mod support;

use support::{assert_diagnostic, compile_err, only};

/// Lines 1–10 of every test's rules.
const WELCOME: &str = r#"workflow welcome {
  enter on contact.created
  send_email(template: "welcome-1")
  wait 2d
  step offer: split {
    50% => { send_email(template: "offer-a") }
    50% => { send_email(template: "offer-b") }
  }
  split { 100% => { add_tag(tag: "all") } }
}
"#;

fn rules(more: &str) -> String {
    format!("{WELCOME}{more}")
}

/// An experiment over `split welcome "offer"` with `clauses` after its `split`
/// (line 12), from line 13.
fn experiment(clauses: &str) -> String {
    rules(&format!(
        "experiment e {{\n  split welcome \"offer\"\n{clauses}\n}}\n"
    ))
}

#[test]
fn a_well_formed_experiment_compiles() {
    support::compile(&experiment(
        "  exposed when exists(email.sent)\n  converted when exists(purchase within 7d)\n  control 1\n  winner at 99% min 1000",
    ));
    support::compile(&rules("segment b { arm(welcome, \"offer\") == 1 }"));
}

#[test]
fn e0006_unknown_workflow() {
    let d = only(&rules(
        "experiment e {\n  split welcom \"offer\"\n  converted when true\n}",
    ));
    assert_diagnostic(
        &d,
        "E0006",
        "unknown workflow `welcom`",
        (12, 9),
        Some("did you mean `welcome`?"),
    );
    assert_eq!(
        d.to_string(),
        "error[E0006]: unknown workflow `welcom`\n  --> rules.funil:12:9\n   |\n12 |   split welcom \"offer\"\n   |         ^^^^^^ help: did you mean `welcome`?"
    );
    let d = only(&rules(
        "experiment e {\n  split dormant \"offer\"\n  converted when true\n}\nsegment dormant { true }",
    ));
    assert_diagnostic(
        &d,
        "E0006",
        "unknown workflow `dormant`",
        (12, 9),
        Some("`dormant` is a segment, not a workflow"),
    );
    let d = only(&rules("segment s { arm(welcom, \"offer\") == 0 }"));
    assert_diagnostic(
        &d,
        "E0006",
        "unknown workflow `welcom`",
        (11, 17),
        Some("did you mean `welcome`?"),
    );
}

#[test]
fn e0026_no_such_statement_or_not_a_split() {
    let split = |id: &str| {
        only(&rules(&format!(
            "experiment e {{\n  split welcome \"{id}\"\n  converted when true\n}}"
        )))
    };
    let d = split("ofer");
    assert_diagnostic(
        &d,
        "E0026",
        "workflow `welcome` has no statement `ofer`",
        (12, 17),
        Some("did you mean `offer`?"),
    );
    assert_eq!(
        d.to_string(),
        "error[E0026]: workflow `welcome` has no statement `ofer`\n  --> rules.funil:12:17\n   |\n12 |   split welcome \"ofer\"\n   |                 ^^^^^^ help: did you mean `offer`?"
    );
    assert_diagnostic(
        &split("9"),
        "E0026",
        "workflow `welcome` has no statement `9`",
        (12, 17),
        Some("the splits of `welcome` are `\"offer\"`, `\"4\"`"),
    );
    assert_diagnostic(
        &split("2"),
        "E0026",
        "statement `2` of workflow `welcome` is `wait`, not a `split`",
        (12, 17),
        Some("the splits of `welcome` are `\"offer\"`, `\"4\"`"),
    );
    assert_diagnostic(
        &split("1"),
        "E0026",
        "statement `1` of workflow `welcome` is an action call, not a `split`",
        (12, 17),
        Some("the splits of `welcome` are `\"offer\"`, `\"4\"`"),
    );
    // A path below a labelled statement is its label's.
    assert_diagnostic(
        &split("3.arm0.1"),
        "E0026",
        "workflow `welcome` has no statement `3.arm0.1`",
        (12, 17),
        Some("the splits of `welcome` are `\"offer\"`, `\"4\"`"),
    );
    let d = only(&rules("segment s { arm(welcome, \"3\") == 0 }"));
    assert_diagnostic(
        &d,
        "E0026",
        "workflow `welcome` has no statement `3`",
        (11, 26),
        Some("the splits of `welcome` are `\"offer\"`, `\"4\"`"),
    );
}

#[test]
fn e0022_what_an_experiment_cannot_test() {
    let d = only(&rules(
        "experiment e {\n  split welcome \"4\"\n  converted when true\n}",
    ));
    assert_diagnostic(
        &d,
        "E0022",
        "split `4` has one arm: there is nothing to compare",
        (12, 17),
        Some("an experiment compares the arms of a split of two or more"),
    );
    let d = only(&rules(
        "workflow w3 {\n  enter on contact.created\n  split { 100% => { } 0% => { } }\n}\nexperiment f { split w3 \"1\" converted when true }",
    ));
    assert_diagnostic(
        &d,
        "E0022",
        "arm 1 of split `1` takes 0% of the contacts",
        (15, 25),
        Some("every arm under test needs a share of the contacts"),
    );
    let d = only(&experiment("  converted when true\n  control 2"));
    assert_diagnostic(
        &d,
        "E0022",
        "`control 2` names no arm of the split",
        (14, 11),
        Some("the split has 2 arms, numbered 0 to 1"),
    );
    for level in ["100%", "0%", "150%"] {
        let d = only(&experiment(&format!(
            "  converted when true\n  winner at {level} min 10"
        )));
        assert_diagnostic(
            &d,
            "E0022",
            &format!("`winner at {level}` is not a level between 0% and 100%"),
            (14, 13),
            Some("a confidence level such as `95%` or `99%`"),
        );
    }
    let d = only(&experiment(
        "  converted when segment(best)\n}\nsegment best { top 10 by total_spent",
    ));
    assert_diagnostic(
        &d,
        "E0022",
        "experiment `e` depends on a ranked segment, which needs a whole batch",
        (11, 12),
        Some("an experiment's conditions are evaluated for one contact at a time"),
    );
}

#[test]
fn e0022_missing_clauses_point_at_the_name() {
    let d = only(&rules("experiment e {\n  split welcome \"offer\"\n}"));
    assert_diagnostic(
        &d,
        "E0022",
        "experiment `e` has no `converted when` clause",
        (11, 12),
        Some("say what a conversion is: `converted when exists(purchase within 7d)`"),
    );
    assert_eq!(
        d.to_string(),
        "error[E0022]: experiment `e` has no `converted when` clause\n  --> rules.funil:11:12\n   |\n11 | experiment e {\n   |            ^ help: say what a conversion is: `converted when exists(purchase within 7d)`"
    );
    let d = only(&rules("experiment e {\n  converted when true\n}"));
    assert_diagnostic(
        &d,
        "E0022",
        "experiment `e` has no `split` clause",
        (11, 12),
        Some("name the split it tests: `split WORKFLOW \"STATEMENT\"`"),
    );
}

#[test]
fn e0010_a_clause_written_twice() {
    let d = only(&experiment(
        "  converted when exists(purchase)\n  converted when true",
    ));
    assert_diagnostic(
        &d,
        "E0010",
        "an experiment has at most one `converted when`",
        (14, 3),
        Some("the last one written counts; remove the others"),
    );
    assert_eq!(
        d.to_string(),
        "error[E0010]: an experiment has at most one `converted when`\n  --> rules.funil:14:3\n   |\n14 |   converted when true\n   |   ^^^^^^^^^^^^^^^^^^^ help: the last one written counts; remove the others"
    );
    let d = only(&rules(
        "experiment e { split welcome \"offer\" converted when true }\nsegment e { true }",
    ));
    assert_eq!(d.code(), "E0010");
    assert_eq!(d.message(), "`e` is declared twice");
}

#[test]
fn conditions_are_checked_like_segments() {
    let d = only(&experiment("  converted when count(purchase)"));
    assert_diagnostic(
        &d,
        "E0009",
        "a condition must be `bool`, found `number`",
        (13, 18),
        None,
    );
    let d = only(&experiment(
        "  converted when exists(purchase since entered_at)",
    ));
    assert_eq!((d.code(), d.line(), d.column()), ("E0020", 13, 40));
    let d = only(&experiment(
        "  exposed when contry == \"BR\"\n  converted when true",
    ));
    assert_diagnostic(
        &d,
        "E0003",
        "unknown attribute `contry`",
        (13, 16),
        Some("did you mean `country`?"),
    );
}

#[test]
fn e0001_syntax_of_clauses() {
    let d = only(&rules(
        "experiment e {\n  split welcome offer\n  converted when true\n}",
    ));
    assert_diagnostic(
        &d,
        "E0001",
        "expected a statement id in quotes, found `offer`",
        (12, 17),
        Some(
            "name the split by its id: `split welcome \"5\"`, or by its `step` label: `split welcome \"offer\"`",
        ),
    );
    let d = only(&experiment("  converted when true\n  winner at 95 min 10"));
    assert_diagnostic(
        &d,
        "E0001",
        "expected a percentage such as `50%`, found `95`",
        (14, 13),
        None,
    );
    let d = only(&experiment(
        "  converted when true\n  winner at 95% min 1.5",
    ));
    assert_diagnostic(
        &d,
        "E0001",
        "expected a number of contacts after `min`, found `1.5`",
        (14, 21),
        None,
    );
    let d = only(&experiment("  bought when true"));
    assert_diagnostic(
        &d,
        "E0001",
        "expected an experiment clause (`split`, `exposed when`, `converted when`, `control`, `winner at`) or `}`, found `bought`",
        (13, 3),
        None,
    );
    // The words of clauses are not reserved: they name attributes elsewhere.
    support::compile(&rules(
        "segment s { exists(email.sent where campaign == \"exposed\") }",
    ));
}

#[test]
fn e0008_arguments_of_arm() {
    let help = "for example `arm(welcome, \"5\")`, or `arm(welcome, \"offer\")` for a split labelled `step offer:`";
    let cases = [
        (
            "arm(welcome)",
            "`arm` takes a workflow and a statement id, found 1 argument",
            13,
        ),
        (
            "arm(welcome, \"offer\", 1)",
            "`arm` takes a workflow and a statement id, found 3 arguments",
            13,
        ),
        (
            "arm(\"welcome\", \"offer\")",
            "the first argument of `arm` is the name of a workflow",
            17,
        ),
        (
            "arm(welcome, offer)",
            "the second argument of `arm` is a statement id in quotes, without interpolation",
            26,
        ),
        (
            "arm(welcome, \"{stage}\")",
            "the second argument of `arm` is a statement id in quotes, without interpolation",
            26,
        ),
    ];
    for (call, message, column) in cases {
        let d = only(&rules(&format!("segment s {{ {call} == 0 }}")));
        assert_diagnostic(&d, "E0008", message, (11, column), Some(help));
    }
    let d = only(&rules("segment s { arms(welcome, \"offer\") == 0 }"));
    assert_diagnostic(
        &d,
        "E0007",
        "unknown function `arms`",
        (11, 13),
        Some("did you mean `arm`?"),
    );
    let d = only(&rules("segment s { arm(welcome, \"offer\") == \"a\" }"));
    assert_eq!(d.code(), "E0009");
}

#[test]
fn independent_mistakes_are_all_reported_once() {
    let error = compile_err(&rules(
        "experiment e {\n  split welcom \"offer\"\n  control 7\n  winner at 0% min 1\n}",
    ));
    assert_eq!(support::codes(&error), ["E0022", "E0006", "E0022"]);
}
