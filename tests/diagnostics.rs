#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §9: golden diagnostics — code, message, location, help, and the rendered text.
//!
//! Rules are compiled as `rules.funil` after the spec schema (`schema.funil`), so
//! lines and columns are those of the rules text.

mod support;

use funil::{Compiler, Diagnostic, Limits};
use support::{SCHEMA, assert_diagnostic, compile, compile_err, only};

/// The one diagnostic of a compile with `limits`.
fn only_with(limits: Limits, rules: &str) -> Diagnostic {
    let error = Compiler::new()
        .limits(limits)
        .source("rules.funil", rules)
        .compile()
        .err()
        .unwrap_or_else(|| panic!("compiled but should not:\n{rules}"));
    let all = error.diagnostics();
    assert_eq!(all.len(), 1, "expected one diagnostic, got:\n{error}");
    all[0].clone()
}

/// The one warning of a successful compile.
fn only_warning(rules: &str) -> Diagnostic {
    let program = compile(rules);
    let all = program.warnings();
    assert_eq!(all.len(), 1, "expected one warning, got {all:?}");
    all[0].clone()
}

// Syntax -------------------------------------------------------------------------------

#[test]
fn e0001_missing_operand() {
    let d = only("segment s {\n  country == \n}\n");
    assert_diagnostic(
        &d,
        "E0001",
        "expected an expression, found `}`",
        (3, 1),
        None,
    );
    assert_eq!(
        d.to_string(),
        "error[E0001]: expected an expression, found `}`\n --> rules.funil:3:1\n  |\n3 | }\n  | ^"
    );
}

#[test]
fn e0001_single_equals() {
    let d = only("segment s { country = \"BR\" }");
    assert_diagnostic(&d, "E0001", "expected `}`, found `=`", (1, 20), None);
    assert_eq!(d.span(), 19..20);
}

#[test]
fn e0001_chained_comparison() {
    let d = only("segment s { 1 < 2 < 3 }");
    assert_diagnostic(
        &d,
        "E0001",
        "comparison operators cannot be chained",
        (1, 19),
        Some("combine comparisons with `and`: `a < b and b < c`"),
    );
}

#[test]
fn e0001_top_needs_a_whole_number() {
    let d = only("segment s { top 10.5 by total_spent }");
    assert_diagnostic(
        &d,
        "E0001",
        "expected a whole number or a percentage after `top`, found `10.5`",
        (1, 17),
        Some("write `top 100 by …` or `top 10% by …`"),
    );
}

// Literals -------------------------------------------------------------------------------

#[test]
fn e0002_invalid_escape() {
    let d = only(r#"segment s { email == "a\qb" }"#);
    assert_diagnostic(
        &d,
        "E0002",
        r"unknown escape `\q`",
        (1, 24),
        Some(
            r#"the escapes are `\"`, `\\`, `\n`, `\t` and `\u{1F600}`; raw strings `r"…"` have none"#,
        ),
    );
    assert_eq!(d.span(), 23..25);
}

#[test]
fn e0002_duration_units_must_decrease() {
    let d = only("segment s { 1h1d > 0s }");
    assert_diagnostic(
        &d,
        "E0002",
        "duration units must decrease",
        (1, 15),
        Some("write the largest unit first, each unit once: `1d2h`, `1h30m`"),
    );
}

#[test]
fn e0002_malformed_duration() {
    let d = only("segment s { 5x > 0s }");
    assert_diagnostic(
        &d,
        "E0002",
        "malformed number or duration `5x`",
        (1, 13),
        Some(
            "durations are whole numbers of units in decreasing order: `45s`, `15m`, `1h30m`, `30d`, `2w`",
        ),
    );
    assert_eq!(
        d.to_string(),
        "error[E0002]: malformed number or duration `5x`
 --> rules.funil:1:13
  |
1 | segment s { 5x > 0s }
  |             ^^ help: durations are whole numbers of units in decreasing order: `45s`, `15m`, `1h30m`, `30d`, `2w`"
    );
}

#[test]
fn e0002_invalid_date() {
    let d = only("segment s { @2026-02-30 < today }");
    assert_diagnostic(
        &d,
        "E0002",
        "invalid date or datetime `@2026-02-30`",
        (1, 13),
        Some("write `@2026-11-22` or `@2026-11-22T12:00:00Z` (or an offset such as `-03:00`)"),
    );
    assert_eq!(d.span(), 12..23);
}

#[test]
fn an_unclosed_string_before_a_brace_is_reported_as_unterminated() {
    let d = only("segment s { email == \"abc }\nsegment t { true }");
    assert_eq!(d.message(), "unterminated string literal");
    assert_eq!((d.line(), d.column()), (1, 22));
}

#[test]
fn e0002_unterminated_string() {
    let d = only("segment s { email == \"abc");
    assert_diagnostic(
        &d,
        "E0002",
        "unterminated string literal",
        (1, 22),
        Some("close the string with `\"` on the same line; write a line break as `\\n`"),
    );
}

#[test]
fn e0002_number_out_of_range() {
    let d = only("segment s { 792281625142643375935439503350 > 1 }");
    assert_diagnostic(
        &d,
        "E0002",
        "number `792281625142643375935439503350` is out of range",
        (1, 13),
        Some("numbers have at most 28 significant digits"),
    );
}

// Names ----------------------------------------------------------------------------------

#[test]
fn e0003_unknown_attribute_renders_as_in_the_spec() {
    // The example of spec §9, on line 10.
    let rules =
        "# 1\n# 2\n# 3\n# 4\n# 5\n# 6\n# 7\nsegment br {\n  # only Brazil\n  contry == \"BR\"\n}\n";
    let d = only(rules);
    assert_diagnostic(
        &d,
        "E0003",
        "unknown attribute `contry`",
        (10, 3),
        Some("did you mean `country`?"),
    );
    assert_eq!(
        d.to_string(),
        "error[E0003]: unknown attribute `contry`
  --> rules.funil:10:3
   |
10 |   contry == \"BR\"
   |   ^^^^^^ help: did you mean `country`?"
    );
}

#[test]
fn e0003_columns_count_characters_not_bytes() {
    let d = only("segment s { \"ação\" == contry }");
    assert_diagnostic(
        &d,
        "E0003",
        "unknown attribute `contry`",
        (1, 23),
        Some("did you mean `country`?"),
    );
    // Two bytes more than characters before it: `ç` and `ã`.
    assert_eq!(d.span(), 24..30);
    assert_eq!(
        d.to_string(),
        "error[E0003]: unknown attribute `contry`
 --> rules.funil:1:23
  |
1 | segment s { \"ação\" == contry }
  |                       ^^^^^^ help: did you mean `country`?"
    );
}

#[test]
fn e0003_unknown_name_in_a_where_suggests_a_prop() {
    let d = only("segment s { exists(purchase where amout > 5) }");
    assert_diagnostic(
        &d,
        "E0003",
        "unknown attribute `amout`",
        (1, 35),
        Some("did you mean `amount`?"),
    );
}

#[test]
fn e0003_inside_an_interpolation() {
    let d = only(r#"segment s { "{contry}" == "" }"#);
    assert_diagnostic(
        &d,
        "E0003",
        "unknown attribute `contry`",
        (1, 15),
        Some("did you mean `country`?"),
    );
}

#[test]
fn e0003_a_prop_outside_a_query() {
    let d = only("segment s { amount > 1 }");
    assert_eq!(d.code(), "E0003");
    assert_eq!(d.message(), "unknown attribute `amount`");
    assert_eq!(
        d.help(),
        Some("`amount` is an event prop: use it inside a query's `where`")
    );
}

#[test]
fn e0004_unknown_event_kind() {
    let d = only("segment s { exists(email.clickd) }");
    assert_diagnostic(
        &d,
        "E0004",
        "unknown event kind or group `email.clickd`",
        (1, 20),
        Some("did you mean `email.clicked`?"),
    );
    assert_eq!(
        d.to_string(),
        "error[E0004]: unknown event kind or group `email.clickd`
 --> rules.funil:1:20
  |
1 | segment s { exists(email.clickd) }
  |                    ^^^^^^^^^^^^ help: did you mean `email.clicked`?"
    );
}

#[test]
fn e0004_group_of_an_unknown_kind() {
    let d = only("schema { group g = email.opened | email.nope }");
    assert_diagnostic(
        &d,
        "E0004",
        "group `g` names `email.nope`, which is not a declared event kind",
        (1, 35),
        None,
    );
}

#[test]
fn e0005_unknown_prop() {
    let d = only("segment s { last(purchase).amout > 5 }");
    assert_diagnostic(
        &d,
        "E0005",
        "event `purchase` has no prop `amout`",
        (1, 28),
        Some("did you mean `amount`?"),
    );
}

#[test]
fn e0006_unknown_segment() {
    let d = only("segment s { segment(dormnt) }\nsegment dormant { true }");
    assert_diagnostic(
        &d,
        "E0006",
        "unknown segment `dormnt`",
        (1, 21),
        Some("did you mean `dormant`?"),
    );
}

#[test]
fn e0007_unknown_function() {
    let d = only("segment s { lenn(email) > 3 }");
    assert_diagnostic(
        &d,
        "E0007",
        "unknown function `lenn`",
        (1, 13),
        Some("did you mean `len`?"),
    );
    let far = only("segment s { lenght(email) > 3 }");
    assert_diagnostic(&far, "E0007", "unknown function `lenght`", (1, 13), None);
}

#[test]
fn e0008_wrong_arity() {
    let d = only(r#"segment s { lower(email, 1) == "a" }"#);
    assert_diagnostic(
        &d,
        "E0008",
        "`lower` takes 1 argument, found 2",
        (1, 13),
        None,
    );
    assert_eq!(d.span(), 12..27);
}

// Types -----------------------------------------------------------------------------------

#[test]
fn e0009_wrong_argument_type() {
    let d = only(r#"segment s { lower(5) == "5" }"#);
    assert_diagnostic(
        &d,
        "E0009",
        "`lower` needs a `string`, found `number`",
        (1, 19),
        None,
    );
}

#[test]
fn e0009_comparing_a_string_with_a_number() {
    let d = only("segment s { country > 5 }");
    assert_diagnostic(
        &d,
        "E0009",
        "`>` cannot be applied to `string?` and `number`",
        (1, 13),
        None,
    );
    assert_eq!(
        d.to_string(),
        "error[E0009]: `>` cannot be applied to `string?` and `number`
 --> rules.funil:1:13
  |
1 | segment s { country > 5 }
  |             ^^^^^^^^^^^"
    );
}

#[test]
fn e0009_multiplying_a_string() {
    let d = only(r#"segment s { "a" * 2 == "aa" }"#);
    assert_diagnostic(
        &d,
        "E0009",
        "`*` cannot be applied to `string` and `number`",
        (1, 13),
        None,
    );
}

#[test]
fn e0009_comparing_a_date_with_a_datetime() {
    let d = only("segment s { birthday < now }");
    assert_diagnostic(
        &d,
        "E0009",
        "`<` cannot be applied to `date?` and `datetime`",
        (1, 13),
        Some("a date and a datetime do not compare: convert the datetime with `date(x)`"),
    );
}

#[test]
fn e0009_a_condition_that_is_not_a_bool() {
    let d = only("segment s { total_spent + 1 }");
    assert_diagnostic(
        &d,
        "E0009",
        "a condition must be `bool`, found `number`",
        (1, 13),
        None,
    );
}

#[test]
fn e0009_decision_arms_of_different_types() {
    let d = only(r#"decide d { when true => "A" else => 1 }"#);
    assert_diagnostic(
        &d,
        "E0009",
        "this arm gives `number` but the earlier arms give `string`",
        (1, 37),
        Some("every arm of a decision gives a value of one type"),
    );
}

// Declarations -------------------------------------------------------------------------------

#[test]
fn e0010_attribute_declared_twice() {
    // `email` is declared in the spec schema already.
    let d = only("schema { contact { email: string } }");
    assert_diagnostic(&d, "E0010", "`email` is declared twice", (1, 20), None);
}

#[test]
fn e0010_item_declared_twice() {
    let d = only("segment a { true }\nscore a { when true => 1 }");
    assert_diagnostic(
        &d,
        "E0010",
        "`a` is declared twice",
        (2, 7),
        Some("items of every kind share one namespace; the first `a` is at rules.funil:1"),
    );
}

#[test]
fn e0010_an_attribute_and_a_kind_share_a_namespace() {
    let d = only("schema { event country { } }");
    assert_diagnostic(&d, "E0010", "`country` is declared twice", (1, 16), None);
}

#[test]
fn e0011_cycle_names_every_item() {
    let d = only("segment a { segment(b) }\nsegment b { segment(c) }\nsegment c { segment(a) }");
    assert_diagnostic(
        &d,
        "E0011",
        "items reference each other in a cycle: `a` → `b` → `c` → `a`",
        (1, 9),
        Some("an item cannot depend, directly or through others, on itself"),
    );
    assert_eq!(
        d.to_string(),
        "error[E0011]: items reference each other in a cycle: `a` → `b` → `c` → `a`
 --> rules.funil:1:9
  |
1 | segment a { segment(b) }
  |         ^ help: an item cannot depend, directly or through others, on itself"
    );
}

#[test]
fn e0012_invalid_regex_points_at_the_literal() {
    let d = only(r#"segment s { email matches "([a-z]+" }"#);
    assert_diagnostic(
        &d,
        "E0012",
        "invalid regular expression",
        (1, 27),
        Some("unclosed group"),
    );
    assert_eq!(d.span(), 26..35);
    assert_eq!(
        d.to_string(),
        "error[E0012]: invalid regular expression
 --> rules.funil:1:27
  |
1 | segment s { email matches \"([a-z]+\" }
  |                           ^^^^^^^^^ help: unclosed group"
    );
}

// Limits ------------------------------------------------------------------------------------

#[test]
fn e0013_nesting_too_deep() {
    let rules = format!("segment s {{ {}true{} }}", "(".repeat(200), ")".repeat(200));
    let d = only(&rules);
    assert_diagnostic(
        &d,
        "E0013",
        "nesting deeper than 128 levels",
        (1, 140),
        Some("split the rule into smaller segments, or flatten it with `and`/`or`"),
    );
}

#[test]
fn e0014_source_too_large() {
    let d = only_with(
        Limits::default().max_source_bytes(20),
        "segment s { true }\n# a comment past the limit\n",
    );
    assert_diagnostic(
        &d,
        "E0014",
        "source is larger than 20 bytes",
        (1, 1),
        Some("split the rules into several sources, or raise `Limits::max_source_bytes`"),
    );
}

#[test]
fn e0015_string_too_long() {
    let d = only_with(
        Limits::default().max_string_bytes(4),
        "segment s { \"hello\" == \"hello\" }",
    );
    assert_diagnostic(
        &d,
        "E0015",
        "string literal longer than 4 bytes",
        (1, 13),
        None,
    );
}

#[test]
fn e0016_list_too_long() {
    let d = only_with(
        Limits::default().max_list_len(2),
        r#"segment s { "BR" in ["BR", "PT", "AR"] }"#,
    );
    assert_diagnostic(
        &d,
        "E0016",
        "list literal longer than 2 elements",
        (1, 34),
        None,
    );
}

#[test]
fn e0012_regex_too_large() {
    let d = only_with(
        Limits::default().max_regex_bytes(1000),
        r#"segment s { "a" matches "\\w{100}" }"#,
    );
    assert_diagnostic(
        &d,
        "E0012",
        "invalid regular expression",
        (1, 25),
        Some("the pattern compiles to more than 1000 bytes"),
    );
}

#[test]
fn e0021_too_many_instants() {
    let d = only_with(
        Limits::default().max_instants(2),
        "segment a { true }\nsegment b { segment(a, at: now - 1d) or segment(a, at: now - 2d) or segment(a, at: now - 3d) }",
    );
    assert_diagnostic(
        &d,
        "E0021",
        "`b` needs more than 2 distinct time-travel instants",
        (2, 9),
        Some("reduce the `at:` offsets this item reaches through its references"),
    );
}

#[test]
fn e0021_at_must_be_now_minus_a_duration() {
    let d = only("segment a { true }\nsegment b { segment(a, at: created_at) }");
    assert_diagnostic(
        &d,
        "E0021",
        "`at:` must be `now - DURATION`",
        (2, 28),
        Some("instants are fixed offsets from now, such as `at: now - 30d`"),
    );
}

// Other errors --------------------------------------------------------------------------------

#[test]
fn e0017_keyword_as_name() {
    let d = only("schema { contact { window: string } }");
    assert_diagnostic(
        &d,
        "E0017",
        "expected a field name, found keyword `window`",
        (1, 20),
        Some("keywords are reserved; choose another name"),
    );
}

#[test]
fn e0018_unknown_type() {
    let d = only("schema { contact { plan: strng } }");
    assert_diagnostic(
        &d,
        "E0018",
        "unknown type `strng`",
        (1, 26),
        Some("did you mean `string`?"),
    );
}

#[test]
fn e0022_percentage_out_of_range() {
    let d = only("segment s { top 150% by total_spent }");
    assert_diagnostic(
        &d,
        "E0022",
        "`top 150%` is not a percentage from 0% to 100%",
        (1, 17),
        None,
    );
}

#[test]
fn e0023_date_plus_hours() {
    let d = only("segment s { today - 1h < today }");
    assert_diagnostic(
        &d,
        "E0023",
        "a date moves by whole days only",
        (1, 21),
        Some("use a duration in days or weeks, such as `7d`, or convert to a datetime"),
    );
}

// Warnings ---------------------------------------------------------------------------------------

#[test]
fn w0001_comparing_a_non_optional_value_with_null() {
    let d = only_warning("segment s { email == null }");
    assert_diagnostic(
        &d,
        "W0001",
        "comparing `string`, which is never null, with `null`",
        (1, 13),
        Some("this comparison is always false"),
    );
    assert_eq!(
        d.to_string(),
        "warning[W0001]: comparing `string`, which is never null, with `null`
 --> rules.funil:1:13
  |
1 | segment s { email == null }
  |             ^^^^^^^^^^^^^ help: this comparison is always false"
    );
}

#[test]
fn w0002_is_null_on_a_value_that_cannot_be_null() {
    let d = only_warning("segment s { stage is null }");
    assert_diagnostic(
        &d,
        "W0002",
        "a value of type `string` is never null",
        (1, 13),
        Some("so `is null` is always false"),
    );
}

#[test]
fn w0003_useless_null_default() {
    let d = only_warning(r#"segment s { (stage ?? "lead") == "lead" }"#);
    assert_diagnostic(
        &d,
        "W0003",
        "`??` on `string`, which is never null",
        (1, 14),
        Some("the default is never used"),
    );
}

#[test]
fn warnings_do_not_hide_errors_and_are_reported_with_them() {
    let error = compile_err("segment s { stage is null }\nsegment t { contry == \"BR\" }");
    let codes: Vec<&str> = error.diagnostics().iter().map(|d| d.code()).collect();
    assert_eq!(codes, ["W0002", "E0003"]);
    assert_eq!(error.errors().count(), 1);
    assert_eq!(error.warnings().count(), 1);
}

#[test]
fn optional_values_compared_with_null_do_not_warn() {
    let program =
        compile("segment s { country == null or birthday is null or (owner ?? \"\") == \"\" }");
    assert!(program.warnings().is_empty(), "{:?}", program.warnings());
}

// Several errors ------------------------------------------------------------------------------------

#[test]
fn one_compile_reports_every_independent_error() {
    let error = compile_err(
        "segment a { contry == \"BR\" }\nsegment b { exists(email.clickd) }\nsegment c { total_spent > \"5\" }",
    );
    let found: Vec<(&str, usize)> = error.errors().map(|d| (d.code(), d.line())).collect();
    assert_eq!(found, [("E0003", 1), ("E0004", 2), ("E0009", 3)]);
    assert_eq!(
        error.to_string(),
        "error[E0003]: unknown attribute `contry`
 --> rules.funil:1:13
  |
1 | segment a { contry == \"BR\" }
  |             ^^^^^^ help: did you mean `country`?

error[E0004]: unknown event kind or group `email.clickd`
 --> rules.funil:2:20
  |
2 | segment b { exists(email.clickd) }
  |                    ^^^^^^^^^^^^ help: did you mean `email.clicked`?

error[E0009]: `>` cannot be applied to `number` and `string`
 --> rules.funil:3:13
  |
3 | segment c { total_spent > \"5\" }
  |             ^^^^^^^^^^^^^^^^^"
    );
}

#[test]
fn syntax_errors_in_several_items_are_all_reported() {
    let error = compile_err("segment a { 1 < }\nsegment b { true }\nsegment c { ) }\n");
    let lines: Vec<usize> = error.errors().map(Diagnostic::line).collect();
    assert_eq!(lines, [1, 3]);
}

#[test]
fn diagnostics_name_the_file_they_are_in() {
    let error = Compiler::new()
        .source("schema.funil", SCHEMA)
        .source("a.funil", "segment a { true }")
        .source("b.funil", "segment b { contry == \"BR\" }")
        .compile()
        .err()
        .unwrap();
    let d = &error.diagnostics()[0];
    assert_eq!(d.file(), "b.funil");
    assert!(d.to_string().contains(" --> b.funil:1:13"), "{d}");
}

#[test]
fn referencing_an_item_of_another_kind_says_what_it_is() {
    let d = only("segment a { true }\nsegment s { score(a) > 1 }");
    assert_eq!(d.code(), "E0006");
    assert_eq!(d.message(), "unknown score `a`");
    assert_eq!(d.help(), Some("`a` is a segment, not a score"));
}

// Metrics (issue 11) ------------------------------------------------------------------------------

/// The help of the errors about a per-contact value in a metric's body.
const AGGREGATE_HELP: &str = "aggregate per-contact values over the population: `total(…)`, \
     `mean(…)`, `share(…)` or `contacts(…)`";

#[test]
fn e0026_a_population_aggregate_in_a_segment() {
    let d = only("segment s {\n  share(exists(purchase)) > 0.5\n}");
    assert_diagnostic(
        &d,
        "E0027",
        "`share` aggregates over a whole population, not over one contact",
        (2, 3),
        Some("population aggregates belong in a metric's body: `metric NAME { … }`"),
    );
    assert_eq!(
        d.to_string(),
        "error[E0027]: `share` aggregates over a whole population, not over one contact
 --> rules.funil:2:3
  |
2 |   share(exists(purchase)) > 0.5
  |   ^^^^^^^^^^^^^^^^^^^^^^^ help: population aggregates belong in a metric's body: `metric NAME { … }`"
    );
}

#[test]
fn e0026_population_aggregates_in_every_per_contact_rule() {
    for (rules, column) in [
        ("score s { when total(total_spent) > 1 => 1 }", 16),
        ("decide d { else => contacts() }", 20),
        ("reward r on purchase { else => mean(amount) }", 32),
        (
            "workflow w { enter when share(exists(purchase)) > 0\n send_email(template: \"x\") }",
            25,
        ),
    ] {
        let d = only(rules);
        assert_eq!(
            (d.code(), d.line(), d.column()),
            ("E0027", 1, column),
            "{d}"
        );
    }
}

#[test]
fn e0026_a_metric_given_to_segment_score_or_decision() {
    let d = only("metric rate { contacts() }\nsegment s { segment(rate) }");
    assert_diagnostic(
        &d,
        "E0027",
        "`rate` is a metric, computed over a whole population",
        (2, 21),
        Some("`segment(…)` is evaluated for one contact, which has no value of a metric"),
    );
    assert_eq!(d.span(), 47..51);
    let d = only("metric rate { contacts() }\nscore s { when score(rate) > 1 => 1 }");
    assert_diagnostic(
        &d,
        "E0027",
        "`rate` is a metric, computed over a whole population",
        (2, 22),
        Some("`score(…)` is evaluated for one contact, which has no value of a metric"),
    );
    // Inside a metric's aggregate too: the argument is evaluated for one contact.
    let d = only("metric rate { contacts() }\nmetric m { total(decision(rate)) }");
    assert_eq!((d.code(), d.column()), ("E0027", 27));
}

#[test]
fn e0026_nested_population_aggregates_and_parameters_per_contact() {
    let d = only("metric m { total(share(exists(purchase))) }");
    assert_diagnostic(
        &d,
        "E0027",
        "`share` aggregates over a whole population, not over one contact",
        (1, 18),
        Some("population aggregates cannot be nested: their argument is evaluated per contact"),
    );
    let d = only("schema { param cost: number }\nmetric m { total(param(cost)) }");
    assert_diagnostic(
        &d,
        "E0027",
        "`param` reads a parameter of a whole population, not of one contact",
        (2, 18),
        Some("use `param(…)` outside `total(…)`, `mean(…)`, `share(…)` and `contacts(…)`"),
    );
    let d = only("schema { param cost: number }\nsegment s { total_spent > param(cost) }");
    assert_diagnostic(
        &d,
        "E0027",
        "`param` reads a parameter of a whole population, not of one contact",
        (2, 27),
        Some("only a metric's body can read parameters"),
    );
    let d = only("metric m by contacts() { contacts() }");
    assert_diagnostic(
        &d,
        "E0027",
        "`contacts` aggregates over a whole population, not over one contact",
        (1, 13),
        Some("a metric's group key is evaluated per contact"),
    );
}

#[test]
fn e0027_a_per_contact_value_in_a_metric_body() {
    let d = only("metric open_rate {\n  total(count(email.opened)) / count(email.sent)\n}");
    assert_diagnostic(
        &d,
        "E0028",
        "`count(…)` is evaluated per contact, outside a population aggregate",
        (2, 32),
        Some(AGGREGATE_HELP),
    );
    assert_eq!(
        d.to_string(),
        "error[E0028]: `count(…)` is evaluated per contact, outside a population aggregate
 --> rules.funil:2:32
  |
2 |   total(count(email.opened)) / count(email.sent)
  |                                ^^^^^^^^^^^^^^^^^ help: aggregate per-contact values over the population: `total(…)`, `mean(…)`, `share(…)` or `contacts(…)`"
    );
    let d = only("metric m { total_spent / contacts() }");
    assert_diagnostic(
        &d,
        "E0028",
        "the attribute `total_spent` is read per contact, outside a population aggregate",
        (1, 12),
        Some(AGGREGATE_HELP),
    );
    let d = only("metric m { contact.total_spent }");
    assert_eq!((d.code(), d.column(), d.span()), ("E0028", 12, 11..30));
    let d = only("segment s { true }\nmetric m { segment(s) }");
    assert_diagnostic(
        &d,
        "E0028",
        "`segment(…)` is evaluated per contact, outside a population aggregate",
        (2, 12),
        Some(AGGREGATE_HELP),
    );
    let d = only("metric m { last(purchase).amount }");
    assert_diagnostic(
        &d,
        "E0028",
        "an event's field is read per contact, outside a population aggregate",
        (1, 12),
        Some(AGGREGATE_HELP),
    );
    // `max` over a query is an event aggregate; over numbers, the number function.
    let d = only("metric m { max(purchase, amount) }");
    assert_diagnostic(
        &d,
        "E0028",
        "`max(…)` is evaluated per contact, outside a population aggregate",
        (1, 12),
        Some(AGGREGATE_HELP),
    );
    let d = only("metric m { min(total_spent, 1) }");
    assert_eq!((d.code(), d.column()), ("E0028", 16));
    let d = only("metric m { min(contacts(), 1, 2) }");
    assert_eq!(
        (d.code(), d.message()),
        ("E0008", "`min` takes 2 numbers, found 3 arguments")
    );
}

#[test]
fn e0022_what_a_metric_body_cannot_hold() {
    let help = "a metric's body is a number over the population: population aggregates \
         (`total`, `mean`, `share`, `contacts`), `param(…)`, numbers, `+ - * /`, `??`, and \
         `abs`, `floor`, `ceil`, `round`, `min`, `max`";
    let d = only("metric m { contacts() > 3 }");
    assert_diagnostic(
        &d,
        "E0022",
        "`>` cannot be part of a metric's body",
        (1, 12),
        Some(help),
    );
    for (body, message) in [
        ("\"x\"", "a string cannot be part of a metric's body"),
        ("now", "`now` cannot be part of a metric's body"),
        (
            "contacts() > 1 and true",
            "`and` cannot be part of a metric's body",
        ),
        ("lower(\"x\")", "`lower` cannot be part of a metric's body"),
    ] {
        let d = only(&format!("metric m {{ {body} }}"));
        assert_eq!((d.code(), d.message()), ("E0022", message), "{d}");
    }
}

#[test]
fn metric_arguments_names_and_types() {
    let d = only("metric m { total() }");
    assert_diagnostic(
        &d,
        "E0008",
        "`total` takes one per-contact number",
        (1, 12),
        Some("for example `total(count(email.opened within 30d))`"),
    );
    let d = only("metric m { share(total_spent) }");
    assert_diagnostic(
        &d,
        "E0009",
        "a condition must be `bool`, found `number`",
        (1, 18),
        None,
    );
    let d = only("metric m { mean(country) }");
    assert_diagnostic(
        &d,
        "E0009",
        "the value of `mean` must be `number`, found `string?`",
        (1, 17),
        None,
    );
    let d = only("schema { param cost: number }\nmetric m { param(csot) }");
    assert_diagnostic(
        &d,
        "E0003",
        "unknown parameter `csot`",
        (2, 18),
        Some("did you mean `cost`?"),
    );
    let d = only("schema { param cost: number }\nmetric m { cost }");
    assert_diagnostic(
        &d,
        "E0003",
        "unknown attribute `cost`",
        (2, 12),
        Some("`cost` is a parameter: write `param(cost)`"),
    );
    let d = only("metric m { totl(total_spent) }");
    assert_diagnostic(
        &d,
        "E0007",
        "unknown function `totl`",
        (1, 12),
        Some("did you mean `total`?"),
    );
    let d = only("metric m { param(1) }");
    assert_eq!(
        (d.code(), d.message()),
        ("E0008", "`param` takes the name of a parameter")
    );
}

#[test]
fn metric_group_keys() {
    let d = only("metric m by tags { contacts() }");
    assert_diagnostic(
        &d,
        "E0009",
        "a group key must be a single value, found `list<string>`",
        (1, 13),
        Some("group by a bool, number, string, date, datetime or duration"),
    );
    let d = only("metric m by campaign of email.sent | purchase { contacts() }");
    assert_diagnostic(
        &d,
        "E0005",
        "event `purchase` has no prop `campaign`",
        (1, 38),
        Some("every kind a metric is grouped over must declare the prop"),
    );
    let d = only("metric m by campaign of touch | emial.opened { contacts() }");
    assert_diagnostic(
        &d,
        "E0004",
        "unknown event kind or group `emial.opened`",
        (1, 33),
        Some("did you mean `email.opened`?"),
    );
    let d = only("metric m by at of purchase { contacts() }");
    assert_eq!(
        (d.code(), d.message()),
        ("E0022", "a metric cannot be grouped by `at`")
    );
    let error = Compiler::new()
        .source(
            "rules.funil",
            "schema { event a { k: string } event b { k: number } }\n\
             metric m by k of a | b { contacts() }",
        )
        .compile()
        .unwrap_err();
    let d = &error.diagnostics()[0];
    assert_eq!(
        (d.code(), d.message(), d.line(), d.column()),
        (
            "E0009",
            "prop `k` is `number` in `b` but `string` in `a`",
            2,
            22
        )
    );
}

#[test]
fn parameter_declarations() {
    let d = only("schema { param name: string }");
    assert_diagnostic(
        &d,
        "E0022",
        "parameter `name` must be a `number` or a `number?`",
        (1, 22),
        Some(
            "metrics compute numbers: declare `param NAME: number`, or `number?` when the host may leave it out",
        ),
    );
    let d = only("schema { param cost: number  param cost: number? }");
    assert_diagnostic(&d, "E0010", "`cost` is declared twice", (1, 36), None);
    // Parameters have their own namespace: an attribute may share a name.
    compile("schema { param total_spent: number }\nmetric m { param(total_spent) }");
}

#[test]
fn w0003_on_a_metric_value_that_is_never_null() {
    let d = only_warning("metric m { contacts() ?? 0 }");
    assert_diagnostic(
        &d,
        "W0003",
        "`??` on `number`, which is never null",
        (1, 12),
        Some("the default is never used"),
    );
    // A ratio may be null: no warning.
    let program = compile("metric m { contacts() / total(total_spent) ?? 0 }");
    assert!(program.warnings().is_empty());
}

#[test]
fn metric_syntax_errors() {
    let d = only("metric m by campaign of { contacts() }");
    assert_diagnostic(
        &d,
        "E0001",
        "expected an event kind, found `{`",
        (1, 25),
        None,
    );
    let d = only("metric m { }");
    assert_diagnostic(
        &d,
        "E0001",
        "expected an expression, found `}`",
        (1, 12),
        None,
    );
    let d = only("metric { contacts() }");
    assert_diagnostic(
        &d,
        "E0001",
        "expected a metric name, found `{`",
        (1, 8),
        None,
    );
}
