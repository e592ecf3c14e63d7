#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §4.3: null and two-valued logic.

mod support;

use funil::Value;
use serde_json::json;
use support::{contact, holds, is_true, value_of};

/// A contact with no country, first name, owner or birthday.
fn nobody() -> support::ContactJson {
    contact()
}

fn brazilian() -> support::ContactJson {
    contact().attr("country", json!("BR"))
}

#[test]
fn equality_is_true_when_both_sides_are_null() {
    assert!(holds("country == null", &nobody()));
    assert!(holds("country == first_name", &nobody()));
    assert!(holds("null == null", &nobody()));
}

#[test]
fn equality_is_false_when_exactly_one_side_is_null() {
    assert!(!holds(r#"country == "BR""#, &nobody()));
    assert!(!holds("country == null", &brazilian()));
    assert!(!holds("country == first_name", &brazilian()));
}

#[test]
fn not_equal_includes_contacts_with_no_value() {
    // §4.3: `country != "BR"` includes contacts with no country.
    assert!(holds(r#"country != "BR""#, &nobody()));
    assert!(!holds(r#"country != "BR""#, &brazilian()));
    assert!(holds(r#"country != "PT""#, &brazilian()));
}

#[test]
fn ordering_comparisons_with_null_are_false() {
    for cond in [
        r#"country < "C""#,
        r#"country <= "C""#,
        r#"country > "C""#,
        r#"country >= "C""#,
        "birthday < today",
        "birthday >= today",
    ] {
        assert!(!holds(cond, &nobody()), "`{cond}` should be false for null");
    }
    assert!(holds(r#"country < "C""#, &brazilian()));
}

#[test]
fn negated_comparison_is_true_for_null() {
    // §4.3: `not (score_x > 5)` is true for a null `score_x`.
    assert!(holds(r#"not (country > "A")"#, &nobody()));
    assert!(!holds(r#"not (country > "A")"#, &brazilian()));
    assert!(holds("not (1 / 0 > 5)", &nobody()));
}

#[test]
fn not_on_a_null_number_comparison_with_an_attribute() {
    let rules = "schema { contact { score_x: number? } }
                 segment s { not (score_x > 5) }";
    let program = support::compile(rules);
    assert!(support::in_segment(&program, "s", &contact(), support::NOW));
    let six = contact().attr("score_x", json!(6));
    assert!(!support::in_segment(&program, "s", &six, support::NOW));
    let five = contact().attr("score_x", json!(5));
    assert!(support::in_segment(&program, "s", &five, support::NOW));
}

#[test]
fn in_with_a_null_operand_is_false_and_not_in_true() {
    assert!(!holds(r#"country in ["BR", "PT"]"#, &nobody()));
    assert!(holds(r#"country not in ["BR", "PT"]"#, &nobody()));
    assert!(!holds(r#"country not in ["BR", "PT"]"#, &brazilian()));
    assert!(!holds("country in tags", &nobody()));
}

#[test]
fn text_operators_with_a_null_operand_are_false() {
    for cond in [
        r#"country contains "B""#,
        r#"country starts_with "B""#,
        r#"country ends_with "R""#,
        r#"country matches ".*""#,
        r#""BR" contains country"#,
        r#""BR" starts_with country"#,
    ] {
        assert!(!holds(cond, &nobody()), "`{cond}` should be false for null");
        assert!(holds(&format!("not ({cond})"), &nobody()));
    }
    assert!(holds(r#"country matches ".*""#, &brazilian()));
}

#[test]
fn arithmetic_with_null_is_null() {
    assert!(is_true(r#"("a" + null) is null"#));
    assert!(holds(r#"("Olá, " + first_name) is null"#, &nobody()));
    assert!(holds("(birthday + 1d) is null", &nobody()));
    assert!(holds("(today - birthday) is null", &nobody()));
    assert_eq!(value_of(r#""a" + null"#, &nobody()), Value::Null);
    assert_eq!(value_of(r#""a" + first_name"#, &nobody()), Value::Null);
}

#[test]
fn interpolation_prints_null_as_empty() {
    assert!(holds(r#""Olá, {first_name}!" == "Olá, !""#, &nobody()));
    let ana = contact().attr("first_name", json!("Ana"));
    assert!(holds(r#""Olá, {first_name}!" == "Olá, Ana!""#, &ana));
}

#[test]
fn functions_given_null_return_null() {
    assert!(holds("lower(country) is null", &nobody()));
    assert!(holds("len(first_name) is null", &nobody()));
    assert!(holds("years_since(birthday) is null", &nobody()));
    assert!(!holds(r#"lower(country) == "br""#, &nobody()));
    assert!(holds(r#"lower(country) == "br""#, &brazilian()));
}

#[test]
fn null_default_replaces_only_null() {
    assert!(holds(r#"(country ?? "none") == "none""#, &nobody()));
    assert!(holds(r#"(country ?? "none") == "BR""#, &brazilian()));
    assert!(is_true("(1 / 0 ?? 7) == 7"));
}

/// An optional bool attribute, merged into the spec schema.
const OPT_IN: &str = "schema { contact { opted_in: bool? } }\n";

fn opt_in(cond: &str, value: Option<bool>) -> bool {
    let program = support::compile(&format!("{OPT_IN}segment s {{ {cond} }}"));
    let c = match value {
        Some(v) => contact().attr("opted_in", json!(v)),
        None => contact(),
    };
    support::in_segment(&program, "s", &c, support::NOW)
}

#[test]
fn a_null_bool_counts_as_false_where_a_condition_is_expected() {
    assert!(!opt_in("opted_in", None));
    assert!(opt_in("not opted_in", None));
    assert!(opt_in("opted_in or true", None));
    assert!(!opt_in("opted_in and true", None));
    assert!(!opt_in("exists(purchase where opted_in)", None));
    assert!(opt_in("opted_in", Some(true)));
    assert!(!opt_in("not opted_in", Some(true)));
    assert!(opt_in("not opted_in", Some(false)));
}

#[test]
fn a_null_bool_is_not_equal_to_false() {
    // Two-valued logic applies to `==`: null equals only null.
    assert!(!opt_in("opted_in == false", None));
    assert!(opt_in("opted_in != false", None));
    assert!(opt_in("opted_in is null", None));
    assert!(opt_in("opted_in == false", Some(false)));
}

#[test]
fn is_null_and_is_not_null_test_presence() {
    assert!(holds("country is null", &nobody()));
    assert!(!holds("country is not null", &nobody()));
    assert!(holds("country is not null", &brazilian()));
    assert!(!holds("country is null", &brazilian()));
}

#[test]
fn an_explicit_json_null_and_an_absent_attribute_both_mean_null() {
    let explicit = contact().attr("country", serde_json::Value::Null);
    assert!(holds("country is null", &explicit));
    assert!(holds(r#"country != "BR""#, &explicit));
    assert!(holds("country is null", &contact().without("country")));
}

#[test]
fn comparing_a_non_optional_value_with_null_warns_but_compiles() {
    let program = support::compile("segment s { email == null }");
    let warnings: Vec<&str> = program.warnings().iter().map(|w| w.code()).collect();
    assert_eq!(warnings, ["W0001"]);
    assert!(!support::in_segment(
        &program,
        "s",
        &contact(),
        support::NOW
    ));
}

/// Found by the differential test: a literal `null` before `in` stands for a missing
/// element, so `null in L` compiles and is false, and `null not in L` is true.
#[test]
fn a_literal_null_may_be_tested_for_membership() {
    assert!(!holds(r#"null in ["x"]"#, &nobody()));
    assert!(holds(r#"null not in ["x"]"#, &nobody()));
    assert!(!holds(r#"(null ?? null) in ["x"]"#, &nobody()));
    assert!(holds(r#"null ?? null not in [" "]"#, &nobody()));
}
