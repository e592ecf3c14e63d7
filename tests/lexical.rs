#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §3: comments, names, keywords, strings, numbers, durations, dates.

mod support;

use funil::Compiler;
use serde_json::json;
use support::{codes, compile, compile_err, contact, ctx_tz, holds, holds_in, in_segment, is_true};

#[test]
fn comments_run_to_the_end_of_the_line() {
    let program = compile(
        "# a segment\nsegment s { # the body\n  true # always\n  and # and also\n  true\n} # done\n",
    );
    assert!(in_segment(&program, "s", &contact(), support::NOW));
}

#[test]
fn whitespace_and_line_breaks_are_only_separators() {
    let program = compile("segment\ns\n{\ncount(\npurchase\nwithin\n30d\n)\n==\n0\n}");
    assert!(in_segment(&program, "s", &contact(), support::NOW));
    let one_line = compile(r#"segment a { true } segment b { false } score c { when true => 1 }"#);
    assert!(in_segment(&one_line, "a", &contact(), support::NOW));
}

#[test]
fn schema_fields_may_be_separated_by_commas_or_whitespace() {
    let program = compile(
        "schema {
           contact { nickname: string?, level: number? plan: string? }
           event review { stars: number, text: string } event referral { code: string
             source: string }
         }
         segment s { nickname is null and level is null and plan is null }
         segment reviewed { exists(review where stars >= 4) and not exists(referral) }",
    );
    let c = contact().event(
        "review",
        "2026-11-01T00:00:00Z",
        json!({"stars": 5, "text": "ótimo"}),
    );
    assert!(in_segment(&program, "s", &c, support::NOW));
    assert!(in_segment(&program, "reviewed", &c, support::NOW));
}

#[test]
fn a_keyword_may_be_part_of_a_dotted_event_kind() {
    let c = contact().bare_event("contact.created", "2026-01-10T09:00:00Z");
    assert!(holds("exists(contact.created)", &c));
    assert!(!holds("exists(contact.created)", &contact()));
}

#[test]
fn a_keyword_cannot_name_an_attribute_prop_or_item() {
    assert_eq!(
        codes(&compile_err("schema { contact { window: string } }")),
        ["E0017"]
    );
    assert_eq!(
        codes(&compile_err("schema { event ping { when: datetime } }")),
        ["E0017"]
    );
    assert_eq!(codes(&compile_err("segment within { true }")), ["E0017"]);
    assert_eq!(
        codes(&compile_err("score decay { when true => 1 }")),
        ["E0017"]
    );
}

#[test]
fn segment_and_score_are_ordinary_names_elsewhere() {
    let program = Compiler::new()
        .source(
            "rules.funil",
            "schema { contact { score: number, segment: string } }
             segment high { score > 10 and segment == \"b2b\" }
             score score { when score > 10 => 5 }
             segment best { score(score) == 5 }",
        )
        .compile()
        .unwrap_or_else(|e| panic!("{e}"));
    let built = program
        .contact_from_json(r#"{"id":"x","attributes":{"score":11,"segment":"b2b"},"events":[]}"#)
        .unwrap();
    let now = support::ctx(support::NOW);
    assert!(program.segment("high", &built, &now).unwrap());
    assert!(program.segment("best", &built, &now).unwrap());
}

#[test]
fn min_max_round_are_functions_only_when_a_paren_follows_immediately() {
    assert!(is_true(
        "max(1, 2) == 2 and min(1, 2) == 1 and round(1.25, 1) == 1.3"
    ));
    // With a space, `max` is the keyword, not a call.
    let error = compile_err("segment s { max (1, 2) == 2 }");
    assert_eq!(codes(&error), ["E0001"]);
}

#[test]
fn string_escapes() {
    assert!(is_true(r#"len("a \"q\" \n") == 7"#));
    assert!(is_true(r#"len("\\") == 1"#));
    assert!(is_true(r#""\t" != "t" and len("\t") == 1"#));
    assert!(is_true(r#""\u{1F600}" == "😀""#));
    assert!(is_true(r#""\u{e3}" == "ã""#));
}

#[test]
fn any_other_escape_is_a_compile_error() {
    assert_eq!(
        codes(&compile_err(r#"segment s { email == "a\qb" }"#)),
        ["E0002"]
    );
    assert_eq!(
        codes(&compile_err(r#"segment s { email == "\u{110000}" }"#)),
        ["E0002"]
    );
    assert_eq!(
        codes(&compile_err(r#"segment s { email == "\x41" }"#)),
        ["E0002"]
    );
}

#[test]
fn interpolation_evaluates_expressions_including_string_literals() {
    assert!(is_true(r#""{1 + 1}" == "2""#));
    assert!(is_true(r#""a{"b"}c" == "abc""#));
    assert!(is_true(r#""{lower("AB")}" == "ab""#));
    let c = contact().attr("first_name", json!("Ana"));
    assert!(holds(r#""Olá, {first_name}!" == "Olá, Ana!""#, &c));
}

#[test]
fn doubled_braces_are_literal_braces() {
    assert!(is_true(r#"len("{{}}") == 2"#));
    assert!(is_true(r#""{{x}}" == r"{x}""#));
    assert!(is_true(r#""{{{1 + 1}}}" == r"{2}""#));
}

#[test]
fn raw_strings_have_no_escapes_and_no_interpolation() {
    assert!(is_true(r#"r"\n" == "\\n""#));
    assert!(is_true(r#"len(r"\n") == 2"#));
    assert!(is_true(r#"r"{1 + 1}" == "{{1 + 1}}""#));
}

#[test]
fn a_matches_pattern_is_never_interpolated() {
    assert!(is_true(r#""123" matches "^\\d{3}$""#));
    assert!(is_true(r#""123" matches r"^\d{3}$""#));
    assert!(!is_true(r#""12" matches "^\\d{3}$""#));
    // Interpolated, `{2}` would print `2`; as a pattern it is a repetition.
    assert!(is_true(r#""aa" matches "^a{2}$""#));
    assert!(!is_true(r#""a2" matches "^a{2}$""#));
    assert!(is_true(r#""{{x}}" matches r"^\{x\}$""#));
}

#[test]
fn numbers_with_fractions_and_percentages() {
    assert!(is_true("42 == 42.0"));
    assert!(is_true("3.14 > 3"));
    assert!(is_true("-5 < 0"));
    assert!(is_true("10% == 0.1"));
    assert!(is_true("100% == 1"));
    assert!(is_true("0.5% == 0.005"));
}

#[test]
fn durations_and_their_compounds() {
    assert!(is_true("45s < 1m"));
    assert!(is_true("15m == 900s"));
    assert!(is_true("12h == 720m"));
    assert!(is_true("1d == 86400s"));
    assert!(is_true("1w == 604800s"));
    assert!(is_true("2w == 14d"));
    assert!(is_true("1d2h == 26h"));
    assert!(is_true("1h30m == 90m"));
    assert!(is_true("1w1d1h1m1s == 694861s"));
}

#[test]
fn duration_units_must_decrease() {
    assert_eq!(codes(&compile_err("segment s { 1h1d > 0s }")), ["E0002"]);
    assert_eq!(codes(&compile_err("segment s { 1d1d > 0s }")), ["E0002"]);
    assert_eq!(codes(&compile_err("segment s { 1x > 0s }")), ["E0002"]);
    assert_eq!(codes(&compile_err("segment s { 1.5d > 0s }")), ["E0002"]);
}

#[test]
fn a_day_is_always_86400_seconds_whatever_daylight_saving_does() {
    // New York leaves daylight saving time on 2026-11-01.
    let c = contact();
    let ny = ctx_tz("2026-11-02T12:00:00Z", "America/New_York");
    assert!(holds_in(
        "@2026-10-31T16:00:00Z + 1d == @2026-11-01T16:00:00Z",
        &c,
        &ny
    ));
    assert!(holds_in("hour(@2026-10-31T16:00:00Z) == 12", &c, &ny));
    assert!(holds_in("hour(@2026-10-31T16:00:00Z + 1d) == 11", &c, &ny));
}

#[test]
fn dates_and_datetimes_with_offsets() {
    assert!(is_true("@2026-11-22 == @2026-11-22"));
    assert!(is_true(
        "@2026-11-22T12:00:00Z == @2026-11-22T09:00:00-03:00"
    ));
    assert!(is_true(
        "@2026-11-22T12:00:00Z == @2026-11-22T13:00:00+01:00"
    ));
    assert_eq!(
        codes(&compile_err("segment s { @2026-02-30 < today }")),
        ["E0002"]
    );
    assert_eq!(
        codes(&compile_err("segment s { @2026-11-22T25:00:00Z < now }")),
        ["E0002"]
    );
}

#[test]
fn identifiers_may_contain_digits_and_underscores() {
    let program = compile(
        "schema { contact { utm_source_2: string? } }
         segment _private_1 { utm_source_2 is null }",
    );
    assert!(in_segment(&program, "_private_1", &contact(), support::NOW));
}

#[test]
fn source_text_is_utf8_with_non_ascii_in_strings_and_comments() {
    let program = compile(
        "# Segmento de clientes do Brasil — ação!\nsegment brasil \"Clientes do Brasil\" { country == \"BR\" and \"ação\" != \"acao\" }",
    );
    assert!(in_segment(
        &program,
        "brasil",
        &contact().attr("country", json!("BR")),
        support::NOW
    ));
    assert!(!in_segment(&program, "brasil", &contact(), support::NOW));
}
