#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §10: resource limits on untrusted rules and data — each rejected with its typed
//! error, input exactly at a limit still accepted, never a panic or a stack overflow.
//! Pathological inputs complete here; what they cost is measured in
//! `benches/pathological.rs`, never timed in a test.

mod support;

use funil::{CompileError, Compiler, Limits};
use std::fmt::Write as _;
use support::{SCHEMA, codes, compile, contact, ctx, in_segment};

fn compile_with(limits: Limits, rules: &str) -> Result<funil::Program, CompileError> {
    Compiler::new()
        .limits(limits)
        .source("schema.funil", SCHEMA)
        .source("rules.funil", rules)
        .compile()
}

fn error_codes(limits: Limits, rules: &str) -> Vec<String> {
    match compile_with(limits, rules) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .diagnostics()
            .iter()
            .map(|d| d.code().to_string())
            .collect(),
    }
}

fn parens(depth: usize) -> String {
    format!(
        "segment s {{ {}true{} }}",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

#[test]
fn nesting_within_the_default_limit_compiles() {
    let program = compile(&parens(120));
    assert!(in_segment(&program, "s", &contact(), support::NOW));
}

#[test]
fn nesting_past_the_default_limit_is_rejected() {
    assert_eq!(error_codes(Limits::default(), &parens(129)), ["E0013"]);
}

#[test]
fn the_depth_limit_is_configurable() {
    assert_eq!(
        error_codes(Limits::default().max_depth(10), &parens(20)),
        ["E0013"]
    );
    assert!(compile_with(Limits::default().max_depth(20), &parens(15)).is_ok());
}

#[test]
fn long_and_or_chains_do_not_count_as_nesting() {
    let mut body = String::from("false");
    for i in 0..20_000 {
        write!(body, " or total_spent == {i}").unwrap();
    }
    let program = compile(&format!("segment s {{ {body} }}"));
    let c = contact().attr("total_spent", serde_json::json!(19_999));
    assert!(in_segment(&program, "s", &c, support::NOW));
    let and_chain = vec!["true"; 20_000].join(" and ");
    let program = compile(&format!("segment s {{ {and_chain} }}"));
    assert!(in_segment(&program, "s", &contact(), support::NOW));
}

#[test]
fn a_chain_of_a_thousand_references_works() {
    let mut rules = String::from("segment s0 { country == \"BR\" }\n");
    for i in 1..=1_000 {
        writeln!(rules, "segment s{i} {{ segment(s{}) }}", i - 1).unwrap();
    }
    let program = compile(&rules);
    let br = contact().attr("country", serde_json::json!("BR"));
    assert!(in_segment(&program, "s1000", &br, support::NOW));
    assert!(!in_segment(&program, "s1000", &contact(), support::NOW));
    let built = br.build(&program);
    assert_eq!(
        program.segments(&built, &ctx(support::NOW)).unwrap().len(),
        1_001
    );
}

#[test]
fn a_chain_of_references_between_scores_works() {
    let mut rules = String::from("score p0 { when true => 1 }\n");
    for i in 1..=1_000 {
        writeln!(rules, "score p{i} {{ when true => score(p{}) + 1 }}", i - 1).unwrap();
    }
    let program = compile(&rules);
    let built = contact().build(&program);
    let value = program.score("p1000", &built, &ctx(support::NOW)).unwrap();
    assert_eq!(value, support::num("1001"));
}

#[test]
fn a_source_larger_than_the_limit_is_rejected() {
    let rules = format!("segment s {{ true }}\n#{}\n", "x".repeat(200));
    assert_eq!(
        error_codes(Limits::default().max_source_bytes(100_000), &rules),
        Vec::<String>::new()
    );
    let codes = error_codes(Limits::default().max_source_bytes(150), &rules);
    assert!(codes.contains(&"E0014".to_string()), "{codes:?}");
}

#[test]
fn the_default_source_limit_is_one_mebibyte() {
    let just_under = format!("segment s {{ true }}\n#{}\n", "x".repeat(1024 * 1024 - 22));
    assert!(just_under.len() <= 1024 * 1024);
    let program = Compiler::new().source("rules.funil", just_under).compile();
    assert!(program.is_ok());
    let over = format!("segment s {{ true }}\n#{}\n", "x".repeat(1024 * 1024));
    let error = Compiler::new()
        .source("rules.funil", over)
        .compile()
        .err()
        .unwrap();
    assert_eq!(codes(&error), ["E0014"]);
}

#[test]
fn string_literals_beyond_the_limit_are_rejected() {
    let rules = |n: usize| format!("segment s {{ email == \"{}\" }}", "a".repeat(n));
    assert!(compile_with(Limits::default().max_string_bytes(10), &rules(10)).is_ok());
    assert_eq!(
        error_codes(Limits::default().max_string_bytes(10), &rules(11)),
        ["E0015"]
    );
    assert_eq!(
        error_codes(Limits::default(), &rules(64 * 1024 + 1)),
        ["E0015"]
    );
}

#[test]
fn list_literals_beyond_the_limit_are_rejected() {
    let rules = |n: usize| {
        let items: Vec<String> = (0..n).map(|i| format!("\"c{i}\"")).collect();
        format!("segment s {{ country in [{}] }}", items.join(", "))
    };
    assert!(compile_with(Limits::default().max_list_len(5), &rules(5)).is_ok());
    assert_eq!(
        error_codes(Limits::default().max_list_len(5), &rules(6)),
        ["E0016"]
    );
    assert_eq!(error_codes(Limits::default(), &rules(10_001)), ["E0016"]);
}

#[test]
fn regular_expressions_beyond_the_size_limit_are_rejected() {
    let rules = r#"segment s { email matches r"^[a-z]{1,20}@[a-z]{1,20}\.(com|org)$" }"#;
    assert!(compile_with(Limits::default(), rules).is_ok());
    assert!(compile_with(Limits::default().max_regex_bytes(100_000), rules).is_ok());
    assert_eq!(
        error_codes(Limits::default().max_regex_bytes(100), rules),
        ["E0012"]
    );
}

#[test]
fn a_huge_regex_is_rejected_with_the_default_limit() {
    let rules = r#"segment s { email matches "(\\w{1000}){1000}" }"#;
    assert_eq!(error_codes(Limits::default(), rules), ["E0012"]);
}

#[test]
fn more_time_travel_instants_than_the_limit_are_rejected() {
    let refs = |n: usize| -> String {
        let mut rules = String::from("segment a { true }\nsegment b { false");
        for d in 1..=n {
            write!(rules, " or segment(a, at: now - {d}d)").unwrap();
        }
        rules.push_str(" }");
        rules
    };
    // `now` itself is one instant, so 63 offsets make 64.
    assert!(compile_with(Limits::default(), &refs(63)).is_ok());
    assert_eq!(error_codes(Limits::default(), &refs(100)), ["E0021"]);
    assert_eq!(
        error_codes(Limits::default().max_instants(4), &refs(10)),
        ["E0021"]
    );
}

#[test]
fn nested_instants_count_every_sum_of_offsets() {
    // Each level doubles the distinct instants: 1, 2, 4, … 128 after seven levels.
    let mut rules = String::from("segment l0 { true }\n");
    for i in 1..=7 {
        writeln!(
            rules,
            "segment l{i} {{ segment(l{p}) or segment(l{p}, at: now - {d}d) }}",
            p = i - 1,
            d = 1 << (i - 1)
        )
        .unwrap();
    }
    let codes = error_codes(Limits::default(), &rules);
    assert_eq!(codes, ["E0021"]);
}

#[test]
fn a_source_of_five_thousand_segments_compiles_and_evaluates() {
    // Its cost is measured in `benches/pathological.rs`, not timed here.
    let mut rules = String::new();
    for i in 0..5_000 {
        writeln!(
            rules,
            "segment s{i} {{ count(email.bounced where kind == \"soft\" within {d}d) >= 4 or country == \"BR\" }}",
            d = i % 300 + 1
        )
        .unwrap();
    }
    let program = compile(&rules);
    let built = contact().build(&program);
    assert!(
        program
            .segments(&built, &ctx(support::NOW))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_raised_depth_limit_holds_on_a_test_thread() {
    // Stack headroom grows on demand, so a limit above the default is safe too.
    let limits = Limits::default().max_depth(600);
    let program = compile_with(limits, &parens(500)).unwrap();
    assert!(in_segment(&program, "s", &contact(), support::NOW));
}

#[test]
fn evaluating_a_raised_depth_limit_holds_on_a_test_thread() {
    // The evaluator checks its stack headroom every few levels, not at each one:
    // 10,000 levels overflow a 2 MiB thread without the checks.
    let depth = 10_000;
    let limits = Limits::default().max_depth(depth + 10);
    // Conditions (`not`) and values (`-`) recurse through different paths.
    let conditions = format!("segment s {{ {}true }}", "not not ".repeat(depth / 2));
    let values = format!("segment s {{ {}1 > 0 }}", "- - ".repeat(depth / 2));
    for rules in [conditions, values] {
        let program = compile_with(limits, &rules).unwrap();
        assert!(in_segment(&program, "s", &contact(), support::NOW));
    }
}

fn segments(count: usize) -> String {
    (0..count)
        .map(|i| format!("segment s{i} {{ true }}\n"))
        .collect()
}

#[test]
fn items_up_to_the_limit_compile_and_one_more_is_rejected() {
    let limits = Limits::default().max_items(5);
    assert!(compile_with(limits, &segments(5)).is_ok());
    let error = compile_with(limits, &segments(6)).err().unwrap();
    assert_eq!(codes(&error), ["E0025"]);
    let diagnostic = &error.diagnostics()[0];
    assert_eq!(diagnostic.message(), "more than 5 items");
    // The sixth item's name is underlined.
    assert_eq!((diagnostic.line(), diagnostic.column()), (6, 9));
    assert!(diagnostic.help().unwrap().contains("Limits::max_items"));
}

#[test]
fn every_kind_of_item_counts_across_sources_and_schema_blocks_do_not() {
    let limits = Limits::default().max_items(4);
    let rules = "segment a { true }\nscore b { when true => 1 }\ndecide c { else => 1 }\n\
                 reward d on purchase { else => amount }\n";
    assert!(compile_with(limits, rules).is_ok());
    let error = Compiler::new()
        .limits(limits)
        .source("schema.funil", SCHEMA)
        .source("rules.funil", rules)
        .source(
            "more.funil",
            "schema { event extra { } }\nsegment e { true }",
        )
        .compile()
        .err()
        .unwrap();
    assert_eq!(codes(&error), ["E0025"]);
    assert_eq!(error.diagnostics()[0].file(), "more.funil");
    assert_eq!(error.diagnostics()[0].line(), 2);
    // Workflows count too, although this version does not compile them yet.
    let with_workflow = format!("{rules}workflow w {{ enter on purchase stop }}");
    let codes_found = error_codes(limits, &with_workflow);
    assert!(
        codes_found.contains(&"E0025".to_string()),
        "{codes_found:?}"
    );
    // And so do frequency caps.
    let with_cap =
        format!("{rules}cap emails on send_email counted by email.sent {{ at most 1 per 1d }}");
    assert_eq!(error_codes(limits, &with_cap), ["E0025"]);
}

#[test]
fn the_default_item_limit_is_ten_thousand() {
    let program = compile(&segments(10_000));
    assert_eq!(program.items().count(), 10_000);
    let error = Compiler::new()
        .source("rules.funil", segments(10_001))
        .compile()
        .err()
        .unwrap();
    assert_eq!(codes(&error), ["E0025"]);
}

#[test]
fn a_hundred_thousand_nested_parentheses_are_rejected_by_the_depth_limit() {
    assert_eq!(error_codes(Limits::default(), &parens(100_000)), ["E0013"]);
    // Exactly at the limit: the segment's braces are one level, so 127 parentheses.
    assert!(compile_with(Limits::default(), &parens(127)).is_ok());
    assert_eq!(error_codes(Limits::default(), &parens(128)), ["E0013"]);
}

fn string_literal_rules(bytes: usize) -> String {
    format!("segment s {{ email == \"{}\" }}", "a".repeat(bytes))
}

#[test]
fn a_one_mebibyte_string_literal_is_rejected_by_default_and_accepted_when_allowed() {
    const MIB: usize = 1024 * 1024;
    let rules = string_literal_rules(MIB);
    // With every limit at its default, the source itself is too large.
    assert_eq!(error_codes(Limits::default(), &rules), ["E0014"]);
    // With room for the source, the default string limit refuses the literal.
    let big_source = Limits::default().max_source_bytes(2 * MIB);
    assert_eq!(error_codes(big_source, &rules), ["E0015"]);
    // Raised, it compiles and evaluates.
    let program = compile_with(big_source.max_string_bytes(MIB), &rules).unwrap();
    let matching = contact().attr("email", serde_json::json!("a".repeat(MIB)));
    assert!(in_segment(&program, "s", &matching, support::NOW));
    assert!(!in_segment(&program, "s", &contact(), support::NOW));
}

#[test]
fn a_string_literal_exactly_at_the_default_limit_compiles() {
    assert!(compile_with(Limits::default(), &string_literal_rules(64 * 1024)).is_ok());
}

#[test]
fn ten_thousand_or_terms_compile_and_evaluate() {
    let terms: Vec<String> = (0..10_000).map(|i| format!("total_spent == {i}")).collect();
    let program = compile(&format!("segment s {{ {} }}", terms.join(" or ")));
    let last = contact().attr("total_spent", serde_json::json!(9_999));
    assert!(in_segment(&program, "s", &last, support::NOW));
    let none = contact().attr("total_spent", serde_json::json!(10_000));
    assert!(!in_segment(&program, "s", &none, support::NOW));
}

#[test]
fn a_list_literal_exactly_at_the_default_limit_compiles() {
    let items: Vec<String> = (0..10_000).map(|i| format!("\"c{i}\"")).collect();
    let rules = format!("segment s {{ country in [{}] }}", items.join(", "));
    let program = compile(&rules);
    let c = contact().attr("country", serde_json::json!("c9999"));
    assert!(in_segment(&program, "s", &c, support::NOW));
}

#[test]
fn a_million_events_are_accepted_and_aggregated_and_one_more_is_refused() {
    let program = compile(
        "score abandoned { when true => sum(cart.abandoned within 1d, value) }\n\
         decide seen { else => count(cart.abandoned) }",
    );
    let now = support::at(support::NOW);
    let mut builder = program
        .contact("c-big")
        .attribute("email", "big@example.com")
        .attribute("stage", "lead")
        .attribute("created_at", funil::Value::DateTime(now))
        .attribute("total_spent", 0_i64)
        .attribute("tags", Vec::<String>::new());
    // One event a second, the last at `now`: 86,400 of them fall within one day.
    for seconds in 0..1_000_000_i64 {
        let at = now - chrono::TimeDelta::seconds(seconds);
        builder = builder.event("cart.abandoned", at, [("value", funil::Value::from(1_i64))]);
    }
    let one_more = builder.clone().event(
        "cart.abandoned",
        now,
        [("value", funil::Value::from(1_i64))],
    );
    let built = builder.build().unwrap();
    let context = ctx(support::NOW);
    assert_eq!(
        program.score("abandoned", &built, &context).unwrap(),
        support::num("86400")
    );
    assert_eq!(
        program.decision("seen", &built, &context).unwrap(),
        support::num("1000000")
    );
    let error = one_more.build().unwrap_err();
    assert_eq!(error.kind(), funil::model::ContactErrorKind::TooManyEvents);
    assert_eq!(error.contact_id(), Some("c-big"));
}

#[test]
fn a_source_of_exactly_the_limit_compiles() {
    let rules = format!("segment s {{ true }}\n#{}\n", "x".repeat(80));
    let compile_within = |bytes: usize| {
        Compiler::new()
            .limits(Limits::default().max_source_bytes(bytes))
            .source("rules.funil", rules.as_str())
            .compile()
    };
    assert!(compile_within(rules.len()).is_ok());
    let error = compile_within(rules.len() - 1).err().unwrap();
    assert_eq!(codes(&error), ["E0014"]);
}
