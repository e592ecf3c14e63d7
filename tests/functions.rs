#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §4.5: the functions, calendar ones in the context's time zone.

mod support;

use serde_json::json;
use support::{codes, compile_err, contact, ctx, ctx_tz, holds_in, is_true, value_in};

const SAO_PAULO: &str = "America/Sao_Paulo";

#[test]
fn lower_upper_trim_handle_unicode() {
    assert!(is_true(r#"lower("AÇÃO") == "ação""#));
    assert!(is_true(r#"upper("ação") == "AÇÃO""#));
    assert!(is_true(r#"trim("  Olá \n") == "Olá""#));
    assert!(!is_true(r#"lower("AÇÃO") == "AÇÃO""#));
}

#[test]
fn len_counts_characters_and_elements() {
    assert!(is_true(r#"len("Olá") == 3"#));
    assert!(is_true(r#"len("") == 0"#));
    assert!(is_true(r#"len("\u{1F600}") == 1"#));
    assert!(is_true("len([1, 2, 3]) == 3"));
    let c = contact().attr("tags", json!(["vip", "gold"]));
    assert!(support::holds("len(tags) == 2", &c));
}

#[test]
fn abs_floor_ceil() {
    assert!(is_true("abs(-3.5) == 3.5"));
    assert!(is_true("abs(2) == 2"));
    assert!(is_true("floor(1.7) == 1"));
    assert!(is_true("floor(-1.5) == -2"));
    assert!(is_true("ceil(1.2) == 2"));
    assert!(is_true("ceil(-1.5) == -1"));
}

#[test]
fn round_is_half_away_from_zero() {
    assert!(is_true("round(2.5, 0) == 3"));
    assert!(is_true("round(-2.5, 0) == -3"));
    assert!(is_true("round(1.005, 2) == 1.01"));
    assert!(is_true("round(2.345, 2) == 2.35"));
    assert!(is_true("round(2.344, 2) == 2.34"));
    assert!(is_true("round(0.125, 2) == 0.13"));
    assert!(is_true("round(12, 2) == 12"));
}

#[test]
fn min_and_max_of_numbers() {
    assert!(is_true("min(1, 2) == 1 and max(1, 2) == 2"));
    assert!(is_true("min(-1.5, -1.25) == -1.5"));
}

#[test]
fn date_is_the_local_date_in_the_context_time_zone() {
    let c = contact();
    let cond = "date(@2026-11-22T01:00:00Z) == @2026-11-21";
    assert!(holds_in(cond, &c, &ctx_tz(support::NOW, SAO_PAULO)));
    assert!(!holds_in(cond, &c, &ctx(support::NOW)));
    assert!(holds_in(
        "date(@2026-11-22T01:00:00Z) == @2026-11-22",
        &c,
        &ctx(support::NOW)
    ));
}

#[test]
fn hour_and_weekday_are_local() {
    let c = contact();
    let sp = ctx_tz(support::NOW, SAO_PAULO);
    let utc = ctx(support::NOW);
    // 2026-11-22 is a Sunday; 01:00 UTC is 22:00 on Saturday in São Paulo.
    assert!(holds_in("hour(@2026-11-22T01:00:00Z) == 22", &c, &sp));
    assert!(holds_in("weekday(@2026-11-22T01:00:00Z) == 6", &c, &sp));
    assert!(holds_in("hour(@2026-11-22T01:00:00Z) == 1", &c, &utc));
    assert!(holds_in("weekday(@2026-11-22T01:00:00Z) == 7", &c, &utc));
    assert!(holds_in("weekday(@2026-11-16T12:00:00Z) == 1", &c, &utc));
}

#[test]
fn days_and_hours_truncate_toward_zero() {
    assert!(is_true("days(36h) == 1"));
    assert!(is_true("days(-36h) == -1"));
    assert!(is_true("days(2w) == 14"));
    assert!(is_true("hours(90m) == 1"));
    assert!(is_true("hours(-90m) == -1"));
    assert!(is_true("days(now - @2026-11-01T12:00:00Z) == 21"));
}

fn born(date: &str) -> support::ContactJson {
    contact().attr("birthday", json!(date))
}

fn on(today: &str) -> funil::Context {
    ctx(&format!("{today}T12:00:00Z"))
}

#[test]
fn years_since_counts_whole_years() {
    assert!(holds_in(
        "years_since(birthday) == 36",
        &born("1990-11-22"),
        &on("2026-11-22")
    ));
    assert!(holds_in(
        "years_since(birthday) == 35",
        &born("1990-11-23"),
        &on("2026-11-22")
    ));
    assert!(holds_in(
        "years_since(birthday) == 36",
        &born("1990-11-21"),
        &on("2026-11-22")
    ));
}

#[test]
fn years_since_a_29_february_counts_28_february_in_non_leap_years() {
    let leapling = born("2000-02-29");
    assert!(holds_in(
        "years_since(birthday) == 27",
        &leapling,
        &on("2027-02-28")
    ));
    assert!(holds_in(
        "years_since(birthday) == 26",
        &leapling,
        &on("2027-02-27")
    ));
    assert!(holds_in(
        "years_since(birthday) == 27",
        &leapling,
        &on("2028-02-28")
    ));
    assert!(holds_in(
        "years_since(birthday) == 28",
        &leapling,
        &on("2028-02-29")
    ));
}

#[test]
fn is_anniversary_matches_month_and_day() {
    let c = born("1990-11-22");
    assert!(holds_in("is_anniversary(birthday)", &c, &on("2026-11-22")));
    assert!(!holds_in("is_anniversary(birthday)", &c, &on("2026-11-21")));
    assert!(!holds_in("is_anniversary(birthday)", &c, &on("2026-11-23")));
}

#[test]
fn is_anniversary_of_29_february() {
    let c = born("2000-02-29");
    assert!(holds_in("is_anniversary(birthday)", &c, &on("2027-02-28")));
    assert!(!holds_in("is_anniversary(birthday)", &c, &on("2027-03-01")));
    assert!(!holds_in("is_anniversary(birthday)", &c, &on("2028-02-28")));
    assert!(holds_in("is_anniversary(birthday)", &c, &on("2028-02-29")));
}

#[test]
fn is_anniversary_uses_the_local_date() {
    let c = born("1990-11-22");
    // 2026-11-23T01:00:00Z is still 22 November in São Paulo.
    let sp = ctx_tz("2026-11-23T01:00:00Z", SAO_PAULO);
    assert!(holds_in("is_anniversary(birthday)", &c, &sp));
    assert!(!holds_in(
        "is_anniversary(birthday)",
        &c,
        &ctx("2026-11-23T01:00:00Z")
    ));
}

#[test]
fn days_until_anniversary() {
    assert!(holds_in(
        "days_until_anniversary(birthday) == 0",
        &born("1990-11-22"),
        &on("2026-11-22")
    ));
    assert!(holds_in(
        "days_until_anniversary(birthday) == 1",
        &born("1990-11-23"),
        &on("2026-11-22")
    ));
    assert!(holds_in(
        "days_until_anniversary(birthday) == 364",
        &born("1990-11-21"),
        &on("2026-11-22")
    ));
    assert!(holds_in(
        "days_until_anniversary(birthday) == 1",
        &born("2000-02-29"),
        &on("2027-02-27")
    ));
    assert!(holds_in(
        "days_until_anniversary(birthday) == 0",
        &born("2000-02-29"),
        &on("2027-02-28")
    ));
    assert!(holds_in(
        "days_until_anniversary(birthday) == 1",
        &born("2000-02-29"),
        &on("2028-02-28")
    ));
}

#[test]
fn unknown_function_wrong_arity_and_wrong_argument_types_are_compile_errors() {
    assert_eq!(
        codes(&compile_err("segment s { lenght(email) > 3 }")),
        ["E0007"]
    );
    assert_eq!(
        codes(&compile_err("segment s { lower(email, 1) == \"a\" }")),
        ["E0008"]
    );
    assert_eq!(
        codes(&compile_err("segment s { round(1.5) == 2 }")),
        ["E0008"]
    );
    assert_eq!(
        codes(&compile_err("segment s { lower(5) == \"5\" }")),
        ["E0009"]
    );
    assert_eq!(
        codes(&compile_err("segment s { years_since(created_at) > 1 }")),
        ["E0009"]
    );
}

#[test]
fn item_functions_need_an_existing_item_of_their_kind() {
    assert_eq!(
        codes(&compile_err("segment s { segment(nothing) }")),
        ["E0006"]
    );
    assert_eq!(
        codes(&compile_err("segment s { score(nothing) > 1 }")),
        ["E0006"]
    );
    assert_eq!(
        codes(&compile_err("segment s { decision(nothing) == 1 }")),
        ["E0006"]
    );
}

#[test]
fn calendar_functions_at_the_ends_of_time_do_not_panic() {
    // Found by the `evaluate` fuzz target: the local time of the first representable
    // instant in a zone west of UTC does not exist; the UTC time stands in.
    for now in [
        chrono::DateTime::<chrono::Utc>::MIN_UTC,
        chrono::DateTime::<chrono::Utc>::MAX_UTC,
    ] {
        for zone in [
            funil::Tz::America__Sao_Paulo,
            funil::Tz::Pacific__Kiritimati,
        ] {
            let context = funil::Context::new(now).with_time_zone(zone);
            let hour = value_in("hour(now)", &contact(), &context);
            assert!(matches!(hour, funil::Value::Number(_)), "{hour:?}");
            let today = value_in("today", &contact(), &context);
            assert_eq!(today, funil::Value::Date(now.date_naive()));
            let weekday = value_in("weekday(now) >= 1", &contact(), &context);
            assert_eq!(weekday, funil::Value::Bool(true));
        }
    }
}
