#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §4.1–§4.4: precedence, names, operators on every type, exact numbers.

mod support;

use serde_json::json;
use support::{codes, compile_err, contact, ctx_tz, holds, holds_in, is_true, value_of};

// §4.1 Precedence ------------------------------------------------------------------

#[test]
fn multiplication_binds_tighter_than_addition() {
    assert!(is_true("1 + 2 * 3 == 7"));
    assert!(!is_true("1 + 2 * 3 == 9"));
    assert!(is_true("(1 + 2) * 3 == 9"));
}

#[test]
fn additive_and_multiplicative_operators_are_left_associative() {
    assert!(is_true("10 - 2 - 3 == 5"));
    assert!(is_true("8 / 4 / 2 == 1"));
    assert!(is_true("2 * 3 / 4 == 1.5"));
}

#[test]
fn unary_minus_binds_tighter_than_multiplication() {
    assert!(is_true("-2 * -3 == 6"));
    assert!(is_true("-2 + 5 == 3"));
    assert!(is_true("+2 - -2 == 4"));
}

#[test]
fn and_binds_tighter_than_or() {
    assert!(is_true("true or false and false"));
    assert!(!is_true("(true or false) and false"));
}

#[test]
fn not_binds_looser_than_comparisons_and_tighter_than_and() {
    assert!(is_true("not 1 == 2"));
    assert!(!is_true("not 1 == 1"));
    assert!(!is_true("not true and false"));
    assert!(is_true("not false and true"));
    assert!(is_true("not (false or false) and not (false or false)"));
}

#[test]
fn null_default_binds_tighter_than_comparison_and_looser_than_addition() {
    let c = contact();
    assert!(holds(r#"first_name ?? "x" + "y" == "xy""#, &c));
    let ana = contact().attr("first_name", json!("Ana"));
    assert!(holds(r#"first_name ?? "x" + "y" == "Ana""#, &ana));
}

#[test]
fn null_default_is_left_associative() {
    let c = contact();
    assert!(holds(r#"first_name ?? country ?? "none" == "none""#, &c));
    let pt = contact().attr("country", json!("PT"));
    assert!(holds(r#"first_name ?? country ?? "none" == "PT""#, &pt));
}

#[test]
fn chained_comparison_is_a_syntax_error() {
    let error = compile_err("segment s { 1 < 2 < 3 }");
    assert_eq!(codes(&error), ["E0001"]);
}

#[test]
fn parentheses_group_to_any_reasonable_depth() {
    let deep = format!("{}true{}", "(".repeat(100), ")".repeat(100));
    assert!(is_true(&deep));
    assert!(is_true("(false or true) and not (false or false)"));
}

#[test]
fn line_breaks_do_not_end_expressions() {
    assert!(is_true("1\n  +\n  2\n  ==\n  3"));
    assert!(is_true("true\nand\ntrue"));
}

// §4.2 Names -----------------------------------------------------------------------

#[test]
fn a_bare_identifier_is_a_contact_attribute() {
    let c = contact().attr("country", json!("BR"));
    assert!(holds(r#"country == "BR""#, &c));
    assert!(!holds(r#"country == "PT""#, &c));
}

#[test]
fn inside_where_a_bare_name_is_first_a_prop_then_an_attribute() {
    let rules = r#"schema { contact { campaign: string? } }
        segment by_prop { exists(email.sent where campaign == "welcome-1") }
        segment by_attribute { exists(email.sent where contact.campaign == "welcome-1") }
        segment attribute_in_where { exists(email.sent where country == "BR") }"#;
    let program = support::compile(rules);
    let c = contact()
        .attr("campaign", json!("spring"))
        .attr("country", json!("BR"))
        .event(
            "email.sent",
            "2026-11-20T10:00:00Z",
            json!({"campaign": "welcome-1"}),
        );
    assert!(support::in_segment(&program, "by_prop", &c, support::NOW));
    assert!(!support::in_segment(
        &program,
        "by_attribute",
        &c,
        support::NOW
    ));
    assert!(support::in_segment(
        &program,
        "attribute_in_where",
        &c,
        support::NOW
    ));
    let spring = c.clone().attr("campaign", json!("welcome-1"));
    assert!(support::in_segment(
        &program,
        "by_attribute",
        &spring,
        support::NOW
    ));
}

#[test]
fn at_inside_where_is_the_event_time() {
    let c = contact().event(
        "purchase",
        "2026-11-10T00:00:00Z",
        json!({"order_id": "o1", "amount": 10, "category": "books"}),
    );
    assert!(holds(
        "exists(purchase where at == @2026-11-10T00:00:00Z)",
        &c
    ));
    assert!(!holds(
        "exists(purchase where at > @2026-11-10T00:00:00Z)",
        &c
    ));
}

#[test]
fn now_is_the_evaluation_instant_and_today_its_local_date() {
    let c = contact();
    assert!(holds("now == @2026-11-22T12:00:00Z", &c));
    assert!(holds("today == @2026-11-22", &c));
    let late_evening = ctx_tz("2026-11-22T02:00:00Z", "America/Sao_Paulo");
    assert!(holds_in("today == @2026-11-21", &c, &late_evening));
    assert!(!holds_in("today == @2026-11-22", &c, &late_evening));
}

#[test]
fn min_and_max_of_two_plain_expressions_are_number_functions() {
    assert!(is_true("min(3, 5) == 3"));
    assert!(is_true("max(3, 5) == 5"));
    assert!(is_true("max(-1, -2) == -1"));
    let c = contact().attr("total_spent", json!(700));
    assert!(holds("min(total_spent, 500) == 500", &c));
}

// §4.4 Numbers ---------------------------------------------------------------------

#[test]
fn decimal_arithmetic_is_exact() {
    assert!(is_true("0.1 + 0.2 == 0.3"));
    assert!(is_true("1.10 * 3 == 3.3"));
    assert!(is_true("0.3 - 0.1 == 0.2"));
    assert!(is_true("19.99 * 3 == 59.97"));
}

#[test]
fn division_has_twenty_eight_digits_rounded_half_to_even() {
    assert!(is_true("1 / 3 == 0.3333333333333333333333333333"));
    assert!(is_true("2 / 3 == 0.6666666666666666666666666667"));
    assert!(!is_true("1 / 3 * 3 == 1"));
}

#[test]
fn division_by_zero_is_null() {
    assert!(is_true("(1 / 0) is null"));
    assert!(!is_true("1 / 0 > 0"));
    assert!(!is_true("1 / 0 < 0"));
    assert!(is_true("(1 / 0 ?? -1) == -1"));
    let c = contact();
    assert!(holds("(10 / total_spent) is null", &c));
}

#[test]
fn numbers_out_of_range_are_null() {
    assert!(is_true("(79228162514264337593543950335 + 1) is null"));
    assert!(is_true("(79228162514264337593543950335 * 2) is null"));
    assert!(is_true("(79228162514264337593543950335 + 0) is not null"));
}

#[test]
fn percent_literals_divide_by_one_hundred() {
    assert!(is_true("10% == 0.10"));
    assert!(is_true("200 * 7% == 14"));
    assert!(is_true("12.5% == 0.125"));
}

#[test]
fn number_comparisons() {
    assert!(is_true("2 > 1 and 1 < 2 and 2 >= 2 and 2 <= 2 and 1 != 2"));
    assert!(!is_true("2 < 1"));
    assert!(is_true("1.0 == 1"));
}

// §4.4 Strings ---------------------------------------------------------------------

#[test]
fn plus_concatenates_strings() {
    assert!(is_true(r#""Olá, " + "mundo" == "Olá, mundo""#));
}

#[test]
fn strings_compare_by_code_point() {
    assert!(is_true(r#""Z" < "a""#));
    assert!(is_true(r#""z" < "é""#));
    assert!(is_true(r#""abc" < "abd""#));
    assert!(is_true(r#""ab" < "abc""#));
    assert!(!is_true(r#""b" < "a""#));
}

#[test]
fn contains_starts_with_ends_with_are_case_sensitive() {
    assert!(is_true(r#""Ação" contains "çã""#));
    assert!(!is_true(r#""AÇÃO" contains "çã""#));
    assert!(is_true(r#""/services/cloud" starts_with "/services""#));
    assert!(!is_true(r#""/Services" starts_with "/services""#));
    assert!(is_true(r#""ana@example.org" ends_with "@example.org""#));
    assert!(!is_true(r#""ana@example.org.br" ends_with "@example.org""#));
}

#[test]
fn matches_searches_anywhere_unless_anchored() {
    assert!(is_true(r#""order 123 shipped" matches "\\d{3}""#));
    assert!(!is_true(r#""order 123 shipped" matches "^\\d{3}$""#));
    assert!(is_true(r#""123" matches "^\\d{3}$""#));
    assert!(!is_true(r#""1234" matches "^\\d{3}$""#));
    assert!(is_true(r#""123" matches r"^\d{3}$""#));
}

#[test]
fn matches_supports_inline_flags() {
    assert!(is_true(r#""Hello" matches "(?i)^hello$""#));
    assert!(!is_true(r#""Hello" matches "^hello$""#));
}

#[test]
fn matches_with_unicode_text() {
    assert!(is_true(r#""São Paulo" matches "^S.o Paulo$""#));
}

#[test]
fn in_a_literal_list_and_in_a_list_attribute() {
    let c = contact()
        .attr("country", json!("PT"))
        .attr("tags", json!(["vip", "gold"]));
    assert!(holds(r#"country in ["BR", "PT"]"#, &c));
    assert!(!holds(r#"country in ["BR", "AR"]"#, &c));
    assert!(holds(r#""vip" in tags"#, &c));
    assert!(!holds(r#""bronze" in tags"#, &c));
    assert!(holds(r#"tags contains "gold""#, &c));
    assert!(!holds(r#"tags contains "Gold""#, &c));
    assert!(holds(r#"country not in ["BR"]"#, &c));
    assert!(holds("3 in [1, 2, 3]", &c));
}

// §4.4 Time ------------------------------------------------------------------------

#[test]
fn datetime_plus_and_minus_duration() {
    assert!(is_true(
        "@2026-11-22T12:00:00Z + 1h == @2026-11-22T13:00:00Z"
    ));
    assert!(is_true(
        "@2026-11-22T12:00:00Z - 1d2h == @2026-11-21T10:00:00Z"
    ));
    assert!(is_true("now - 30d == @2026-10-23T12:00:00Z"));
}

#[test]
fn date_plus_and_minus_whole_days() {
    assert!(is_true("@2026-11-22 + 1d == @2026-11-23"));
    assert!(is_true("@2026-11-22 - 2w == @2026-11-08"));
    assert!(is_true("@2026-12-31 + 1d == @2027-01-01"));
    assert!(is_true("@2028-02-28 + 1d == @2028-02-29"));
}

#[test]
fn date_plus_literal_duration_that_is_not_whole_days_is_a_compile_error() {
    let error = compile_err("segment s { @2026-11-22 + 1h > @2026-11-22 }");
    assert_eq!(codes(&error), ["E0023"]);
    let error = compile_err("segment s { today - 1d12h < today }");
    assert_eq!(codes(&error), ["E0023"]);
}

#[test]
fn date_plus_computed_duration_truncates_to_whole_days_toward_zero() {
    // 36 hours is one whole day; -36 hours is minus one whole day.
    assert!(is_true(
        "@2026-11-22 + (@2026-11-22T12:00:00Z - @2026-11-21T00:00:00Z) == @2026-11-23"
    ));
    assert!(is_true(
        "@2026-11-22 + (@2026-11-21T00:00:00Z - @2026-11-22T12:00:00Z) == @2026-11-21"
    ));
    assert!(is_true(
        "@2026-11-22 - (@2026-11-22T12:00:00Z - @2026-11-21T00:00:00Z) == @2026-11-21"
    ));
}

#[test]
fn subtracting_instants_and_dates_gives_durations() {
    assert!(is_true("now - @2026-11-21T12:00:00Z == 1d"));
    assert!(is_true("@2026-11-21T12:00:00Z - now == -1d"));
    assert!(is_true("@2026-11-22 - @2026-11-01 == 3w"));
    assert!(is_true("@2026-11-22 - @2026-11-01 == 21d"));
}

#[test]
fn durations_compare_add_subtract_and_negate() {
    assert!(is_true("1d + 2h == 26h"));
    assert!(is_true("1w - 1d == 6d"));
    assert!(is_true("1w > 6d"));
    assert!(is_true("-(1d) == 0s - 1d"));
    assert!(is_true("-1h < 0s"));
    assert!(is_true("90m == 1h30m"));
}

#[test]
fn datetimes_and_dates_compare() {
    assert!(is_true("@2026-11-22T12:00:00Z > @2026-11-22T11:59:59Z"));
    assert!(is_true("@2026-11-22 > @2026-11-21"));
    assert!(is_true(
        "@2026-11-22T09:00:00-03:00 == @2026-11-22T12:00:00Z"
    ));
}

#[test]
fn comparing_a_date_with_a_datetime_is_a_compile_error() {
    let error = compile_err("segment s { birthday < now }");
    assert_eq!(codes(&error), ["E0009"]);
    let error = compile_err("segment s { created_at == today }");
    assert_eq!(codes(&error), ["E0009"]);
    // Converting with date() is the fix.
    let c = contact();
    assert!(holds("date(created_at) < today", &c));
}

// §4.4 Type errors -------------------------------------------------------------------

#[test]
fn type_errors_are_compile_errors() {
    for body in [
        "country > 5",
        r#""a" * 2"#,
        "total_spent + \"1\"",
        "tags > 1",
        "1 and true",
        "not 5",
        "now + 5",
        "email contains 5",
    ] {
        let error = compile_err(&format!("segment s {{ {body} }}"));
        assert_eq!(codes(&error), ["E0009"], "for `{body}`");
    }
}

#[test]
fn a_segment_body_must_be_a_bool() {
    let error = compile_err("segment s { total_spent + 1 }");
    assert_eq!(codes(&error), ["E0009"]);
}

#[test]
fn value_of_an_expression_through_a_decision() {
    let c = contact().attr("total_spent", json!(12.5));
    assert_eq!(value_of("total_spent * 2", &c), support::num("25"));
    assert_eq!(value_of(r#""a" + "b""#, &c), support::text("ab"));
    assert_eq!(value_of("1 / 0", &c), funil::Value::Null);
}
