#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §4.8: how values print in interpolation and in JSON output.

mod support;

use chrono::{NaiveDate, TimeDelta};
use funil::Value;
use funil::model::{write_json, write_text};
use serde_json::json;
use support::{at, contact, dec, holds, is_true, list, num, text, value_of};

fn as_text(value: &Value) -> String {
    let mut out = String::new();
    write_text(value, &mut out);
    out
}

fn as_json(value: &Value) -> String {
    let mut out = String::new();
    write_json(value, &mut out);
    out
}

/// The interpolation of `expr` for the minimal contact.
fn interpolated(expr: &str) -> Value {
    value_of(&format!("\"{{{expr}}}\""), &contact())
}

#[test]
fn numbers_print_in_plain_decimal_without_trailing_zeros() {
    assert_eq!(as_text(&num("12.50")), "12.5");
    assert_eq!(as_text(&num("20.00")), "20");
    assert_eq!(as_text(&num("0.03")), "0.03");
    assert_eq!(as_text(&num("100")), "100");
    assert_eq!(as_text(&num("-7.10")), "-7.1");
    assert_eq!(as_text(&num("0")), "0");
    assert_eq!(as_text(&Value::Number(dec("1E+2"))), "100");
    assert_eq!(
        as_text(&num("79228162514264337593543950335")),
        "79228162514264337593543950335"
    );
    assert_eq!(
        as_text(&num("0.0000000000000000000000000001")),
        "0.0000000000000000000000000001"
    );
}

#[test]
fn numbers_interpolate_the_same_way() {
    assert!(is_true(r#""{12.50}" == "12.5""#));
    assert!(is_true(r#""{10 * 10}" == "100""#));
    assert!(is_true(r#""{2 * 10.0}" == "20""#));
    assert!(is_true(r#""{3%}" == "0.03""#));
    assert_eq!(interpolated("1.10 + 2.20"), text("3.3"));
}

#[test]
fn dates_and_datetimes_print_in_iso_form() {
    let date = Value::Date(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
    assert_eq!(as_text(&date), "2026-11-02");
    assert_eq!(
        as_text(&Value::DateTime(at("2026-11-22T12:00:00Z"))),
        "2026-11-22T12:00:00Z"
    );
    assert_eq!(
        as_text(&Value::DateTime(at("2026-11-22T09:00:00-03:00"))),
        "2026-11-22T12:00:00Z"
    );
    assert!(is_true(r#""{@2026-11-22}" == "2026-11-22""#));
    assert!(is_true(
        r#""{@2026-11-22T09:00:00-03:00}" == "2026-11-22T12:00:00Z""#
    ));
    assert!(is_true(r#""{now}" == "2026-11-22T12:00:00Z""#));
}

#[test]
fn datetimes_print_fractions_only_when_not_zero() {
    let whole = as_text(&Value::DateTime(at("2026-11-22T12:00:00.000Z")));
    assert_eq!(whole, "2026-11-22T12:00:00Z");
    let fraction = as_text(&Value::DateTime(at("2026-11-22T12:00:00.5Z")));
    assert!(
        fraction.starts_with("2026-11-22T12:00:00.5") && fraction.ends_with('Z'),
        "{fraction}"
    );
}

#[test]
fn durations_print_as_compound_literals_largest_unit_first() {
    let cases = [
        (TimeDelta::days(10), "1w3d"),
        (TimeDelta::hours(26), "1d2h"),
        (TimeDelta::minutes(90), "1h30m"),
        (TimeDelta::seconds(45), "45s"),
        (TimeDelta::zero(), "0s"),
        (TimeDelta::weeks(2), "2w"),
        (TimeDelta::seconds(694_861), "1w1d1h1m1s"),
        (TimeDelta::minutes(-90), "-1h30m"),
    ];
    for (duration, expected) in cases {
        assert_eq!(
            as_text(&Value::Duration(duration)),
            expected,
            "{duration:?}"
        );
    }
    assert!(is_true(r#""{10d}" == "1w3d""#));
    assert!(is_true(r#""{now - @2026-11-21T10:00:00Z}" == "1d2h""#));
    assert!(is_true(r#""{0s}" == "0s""#));
}

#[test]
fn null_prints_as_empty() {
    assert_eq!(as_text(&Value::Null), "");
    assert!(holds(r#""[{first_name}]" == "[]""#, &contact()));
    assert!(holds(r#""Olá, {first_name}!" == "Olá, !""#, &contact()));
}

#[test]
fn lists_print_comma_separated() {
    assert_eq!(
        as_text(&list(vec![text("a"), text("b"), text("c")])),
        "a, b, c"
    );
    assert_eq!(as_text(&list(vec![num("1"), num("2.50")])), "1, 2.5");
    assert_eq!(as_text(&list(vec![])), "");
    let c = contact().attr("tags", json!(["vip", "gold"]));
    assert!(holds(r#""{tags}" == "vip, gold""#, &c));
    assert!(is_true(r#""{[1, 2.50, 3]}" == "1, 2.5, 3""#));
}

#[test]
fn strings_and_bools_print_as_themselves() {
    assert_eq!(as_text(&text("Olá, \"Ana\"")), "Olá, \"Ana\"");
    assert_eq!(as_text(&Value::Bool(true)), "true");
    assert_eq!(as_text(&Value::Bool(false)), "false");
    assert!(is_true(r#""{1 < 2}" == "true""#));
}

#[test]
fn interpolation_nests_string_literals_and_functions() {
    assert!(is_true(r#""{lower("AÇÃO")}!" == "ação!""#));
    let c = contact().attr("first_name", json!("Ana"));
    assert!(holds(r#""Olá, {upper(first_name)}!" == "Olá, ANA!""#, &c));
    assert!(holds(r#""{first_name ?? "cliente"}" == "Ana""#, &c));
    assert!(holds(
        r#""{first_name ?? "cliente"}" == "cliente""#,
        &contact()
    ));
}

#[test]
fn json_numbers_are_plain_json_numbers() {
    assert_eq!(as_json(&num("12.50")), "12.5");
    assert_eq!(as_json(&num("20.00")), "20");
    assert_eq!(as_json(&num("0.03")), "0.03");
    assert_eq!(as_json(&num("-9.53")), "-9.53");
    assert_eq!(as_json(&Value::Number(dec("1E+2"))), "100");
}

#[test]
fn json_of_every_other_value() {
    assert_eq!(as_json(&Value::Null), "null");
    assert_eq!(as_json(&Value::Bool(true)), "true");
    assert_eq!(as_json(&text("Olá, \"Ana\"\n")), r#""Olá, \"Ana\"\n""#);
    assert_eq!(
        as_json(&Value::Date(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())),
        r#""2026-11-22""#
    );
    assert_eq!(
        as_json(&Value::DateTime(at("2026-11-22T12:00:00Z"))),
        r#""2026-11-22T12:00:00Z""#
    );
    assert_eq!(as_json(&Value::Duration(TimeDelta::days(10))), r#""1w3d""#);
    assert_eq!(
        as_json(&list(vec![text("services"), num("2.50"), Value::Null])),
        r#"["services",2.5,null]"#
    );
    assert_eq!(as_json(&list(vec![])), "[]");
}

#[test]
fn json_output_is_valid_json() {
    let values = [
        text("tab\there \u{1F600} \\ \u{7}"),
        list(vec![text("a"), list(vec![num("1")])]),
        Value::Duration(TimeDelta::minutes(-90)),
    ];
    for value in values {
        let out = as_json(&value);
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap_or_else(|e| panic!("not JSON: {out}: {e}"));
    }
}

#[test]
fn evaluation_json_lists_scores_and_decisions_in_declaration_order() {
    let program = support::compile(
        r#"score zeta { when true => 1 }
           score alpha { when true => 2.50 }
           decide second { else => "b" }
           decide first { else => @2026-11-22 }
           segment z_seg { true }
           segment a_seg { true }
           segment nobody { false }"#,
    );
    let built = contact().id("c-9").build(&program);
    let evaluation = program
        .evaluate(&built, &support::ctx(support::NOW))
        .unwrap();
    assert_eq!(
        evaluation.to_json("c-9"),
        r#"{"id":"c-9","segments":["a_seg","z_seg"],"scores":{"zeta":1,"alpha":2.5},"decisions":{"second":"b","first":"2026-11-22"}}"#
    );
}
