#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `Program::next_change`: the first instant an item's value changes with no new input
//! — exact for windows, bounds, `today`, calendar functions, anniversaries and time
//! travel, sound (never late) for decay — checked on hand-made cases and, over
//! generated rule sets and contacts, against evaluation at instants before the answer.

#[path = "common/rules.rs"]
mod rules;
mod support;

use chrono::{DateTime, TimeDelta, Utc};
use funil::{Context, EvalErrorKind, Program, Tz, Value};
use proptest::prelude::*;
use support::at;

fn program(rules: &str) -> Program {
    support::compile(rules)
}

/// The next change of `item` for a contact with `events` (`(kind, at)` of the spec's
/// schema, props filled in) at `now` in `zone`.
fn next(rules: &str, item: &str, json: &str, now: &str, zone: Tz) -> Option<DateTime<Utc>> {
    let program = program(rules);
    let contact = program.contact_from_json(json).unwrap();
    let context = Context::new(at(now)).with_time_zone(zone);
    program
        .next_change(item, &contact, &context)
        .unwrap()
        .map(|n| n.at())
}

fn contact_with(attributes: &str, events: &[(&str, &str)]) -> String {
    let events: Vec<String> = events
        .iter()
        .map(|(kind, at)| {
            let props = match *kind {
                "page.viewed" => r#"{"path": "/pricing"}"#,
                "email.clicked" => r#"{"campaign": "c", "url": "/services"}"#,
                "email.opened" | "email.sent" => r#"{"campaign": "c"}"#,
                "purchase" => r#"{"order_id": "o", "amount": 100, "category": "shoes"}"#,
                _ => "{}",
            };
            format!(r#"{{"kind": "{kind}", "at": "{at}", "props": {props}}}"#)
        })
        .collect();
    format!(
        r#"{{"id": "c-1", "attributes": {{"email": "a@b.c", "stage": "lead",
            "created_at": "2026-01-10T09:00:00Z", "total_spent": 0, "tags": [] {attributes}}},
            "events": [{}]}}"#,
        events.join(",")
    )
}

const UTC: Tz = Tz::UTC;

#[test]
fn an_event_leaves_a_within_window_exactly_its_length_after_it() {
    let rules = "segment clicked { exists(email.clicked within 30d) }
                 score clicks { per email.clicked within 30d => +10 }";
    let json = contact_with(
        "",
        &[
            ("email.clicked", "2026-11-01T08:00:00Z"),
            ("email.clicked", "2026-11-20T10:00:00Z"),
        ],
    );
    // Membership ends when the last click leaves; the score drops when the first does.
    assert_eq!(
        next(rules, "clicked", &json, support::NOW, UTC),
        Some(at("2026-12-20T10:00:00Z"))
    );
    assert_eq!(
        next(rules, "clicks", &json, support::NOW, UTC),
        Some(at("2026-12-01T08:00:00Z"))
    );
}

#[test]
fn no_activity_for_sixty_days_starts_when_the_last_activity_is_sixty_days_old() {
    let rules = support::SPEC_ITEMS;
    let json = contact_with(
        "",
        &[
            ("page.viewed", "2026-10-01T12:00:00Z"),
            ("email.opened", "2026-11-02T09:30:00Z"),
        ],
    );
    assert_eq!(
        next(rules, "dormant", &json, support::NOW, UTC),
        Some(at("2027-01-01T09:30:00Z"))
    );
}

#[test]
fn a_comparison_with_a_moving_instant_flips_just_after_they_meet() {
    let rules = "segment lapsed { last(activity).at < now - 60d }";
    let json = contact_with("", &[("page.viewed", "2026-11-02T09:30:00Z")]);
    assert_eq!(
        next(rules, "lapsed", &json, support::NOW, UTC),
        Some(at("2027-01-01T09:30:00.000000001Z"))
    );
    // With no activity at all the comparison is false for good.
    assert_eq!(
        next(rules, "lapsed", &contact_with("", &[]), support::NOW, UTC),
        None
    );
}

#[test]
fn since_and_between_bounds_pass_exactly() {
    let rules = "segment fixed { exists(purchase since @2026-01-01T00:00:00Z) }
                 segment last_week { exists(page.viewed between now - 7d and now - 1d) }";
    let json = contact_with(
        "",
        &[
            ("purchase", "2026-03-01T00:00:00Z"),
            ("page.viewed", "2026-11-22T06:00:00Z"),
        ],
    );
    assert_eq!(next(rules, "fixed", &json, support::NOW, UTC), None);
    // The view enters the window when it is a day old (`a <= at < b`: just after).
    assert_eq!(
        next(rules, "last_week", &json, support::NOW, UTC),
        Some(at("2026-11-23T06:00:00.000000001Z"))
    );
}

#[test]
fn today_rolls_over_at_local_midnight_across_daylight_saving() {
    let rules = "segment morning { hour(now) < 12 }
                 segment weekday { weekday(now) <= 5 }
                 decide day { when date(now) == today => \"{today}\" }";
    let json = contact_with("", &[]);
    let new_york: Tz = "America/New_York".parse().unwrap();
    // Sunday 2026-03-08 01:30 local (06:30 UTC): the morning ends at noon, after the
    // spring-forward (EDT, 16:00 UTC); at 23:00 the evening before, it starts at
    // midnight.
    assert_eq!(
        next(rules, "morning", &json, "2026-03-08T06:30:00Z", new_york),
        Some(at("2026-03-08T16:00:00Z"))
    );
    assert_eq!(
        next(rules, "morning", &json, "2026-03-08T04:00:00Z", new_york),
        Some(at("2026-03-08T05:00:00Z"))
    );
    assert_eq!(
        next(rules, "day", &json, "2026-03-08T04:00:00Z", new_york),
        Some(at("2026-03-08T05:00:00Z"))
    );
    // Sunday in São Paulo: Monday begins at 03:00 UTC.
    let sao_paulo: Tz = "America/Sao_Paulo".parse().unwrap();
    assert_eq!(
        next(rules, "weekday", &json, support::NOW, sao_paulo),
        Some(at("2026-11-23T03:00:00Z"))
    );
}

#[test]
fn anniversaries_come_on_their_day_and_29_february_on_the_28th() {
    let rules = "segment birthday { is_anniversary(birthday) }
                 score age { when years_since(birthday) >= 18 => +1 }";
    let leap = contact_with(r#", "birthday": "2012-02-29""#, &[]);
    assert_eq!(
        next(rules, "birthday", &leap, support::NOW, UTC),
        Some(at("2027-02-28T00:00:00Z"))
    );
    // Eighteen on 28 February 2030 (not a leap year).
    assert_eq!(
        next(rules, "age", &leap, support::NOW, UTC),
        Some(at("2030-02-28T00:00:00Z"))
    );
    let today = contact_with(r#", "birthday": "1990-11-22""#, &[]);
    assert_eq!(
        next(rules, "birthday", &today, support::NOW, UTC),
        Some(at("2026-11-23T00:00:00Z"))
    );
}

#[test]
fn time_travel_sees_events_enter_its_earlier_window() {
    let rules = "segment clicked { exists(email.clicked within 7d) }
                 segment was_clicked { segment(clicked, at: now - 30d) }";
    let json = contact_with("", &[("email.clicked", "2026-11-20T10:00:00Z")]);
    // As of 30 days earlier, the click happens 30 days from its own instant.
    assert_eq!(
        next(rules, "was_clicked", &json, support::NOW, UTC),
        Some(at("2026-12-20T10:00:00Z"))
    );
}

#[test]
fn a_comparison_on_a_decayed_score_flips_when_the_decay_crosses_it() {
    let rules = "score warm { per email.opened => +100  decay half_life 1d }
                 segment hot { score(warm) >= 50 }";
    let program = program(rules);
    let json = contact_with("", &[("email.opened", "2026-11-22T00:00:00Z")]);
    let contact = program.contact_from_json(&json).unwrap();
    let context = Context::new(at("2026-11-22T12:00:00Z"));
    let flip = program
        .next_change("hot", &contact, &context)
        .unwrap()
        .unwrap()
        .at();
    let hot = |t: DateTime<Utc>| program.segment("hot", &contact, &Context::new(t)).unwrap();
    assert!(hot(context.now()) && hot(flip - TimeDelta::nanoseconds(1)) && !hot(flip));
    // 100 × 0.5^(age / 1d) drops below 49.995 a little after one day.
    assert!(
        flip > at("2026-11-23T00:00:00Z") && flip < at("2026-11-23T00:01:00Z"),
        "{flip}"
    );
    // The score itself changes within the next few minutes (0.01 at a time).
    let score = program
        .next_change("warm", &contact, &context)
        .unwrap()
        .unwrap()
        .at();
    assert!(score - context.now() < TimeDelta::minutes(10), "{score}");
    assert_ne!(
        program
            .score("warm", &contact, &Context::new(score))
            .unwrap(),
        program.score("warm", &contact, &context).unwrap()
    );
}

#[test]
fn values_that_read_no_time_never_change_and_later_events_are_new_input() {
    let rules = "segment lusophone { country in [\"BR\", \"PT\"] }
                 segment bought { exists(purchase) }";
    let json = contact_with(
        r#", "country": "BR""#,
        &[("purchase", "2026-12-01T00:00:00Z")],
    );
    assert_eq!(next(rules, "lusophone", &json, support::NOW, UTC), None);
    // The purchase after `now` is not known yet: nothing moves `bought` by itself.
    assert_eq!(next(rules, "bought", &json, support::NOW, UTC), None);
}

#[test]
fn only_items_with_a_value_for_one_contact_are_accepted() {
    let rules = "segment best { top 1 by total_spent }
                 reward points on purchase { else => 1 }";
    let program = program(rules);
    let contact = program.contact_from_json(&contact_with("", &[])).unwrap();
    let context = Context::new(at(support::NOW));
    let kind = |name| {
        program
            .next_change(name, &contact, &context)
            .unwrap_err()
            .kind()
    };
    assert_eq!(kind("nothing"), EvalErrorKind::UnknownItem);
    assert_eq!(kind("best"), EvalErrorKind::BatchOnly);
    assert_eq!(kind("points"), EvalErrorKind::WrongItemKind);
}

// ----------------------------------------------------------------------------------
// The property

fn value(
    program: &Program,
    kind: rules::Kind,
    name: &str,
    contact: &funil::Contact,
    t: DateTime<Utc>,
    zone: Tz,
) -> Value {
    let context = Context::new(t).with_time_zone(zone);
    match kind {
        rules::Kind::Segment => Value::Bool(program.segment(name, contact, &context).unwrap()),
        rules::Kind::Score => program.score(name, contact, &context).unwrap(),
        rules::Kind::Decision => program.decision(name, contact, &context).unwrap(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn the_value_holds_until_the_next_change_and_differs_there(
        set in rules::rule_set(4),
        json in rules::contact(),
        zone in rules::time_zone(),
        shift in -2 * 86_400_i64..2 * 86_400,
        samples in proptest::collection::vec(0.0_f64..1.0, 4),
    ) {
        let program = program_of(&set);
        let now = rules::now() + TimeDelta::seconds(shift);
        let full = program.contact_from_json(&json).unwrap();
        let known = program.contact_from_json(&rules::known_at(&json, now)).unwrap();
        let context = Context::new(now).with_time_zone(zone);
        for (kind, name) in &set.items {
            let answer = program.next_change(name, &full, &context).unwrap();
            let before = value(&program, *kind, name, &known, now, zone);
            let end = answer.map_or(now + TimeDelta::days(800), |n| n.at());
            let span = end - now;
            let mut instants: Vec<DateTime<Utc>> = samples
                .iter()
                .map(|f| now + TimeDelta::nanoseconds((span.num_nanoseconds().unwrap_or(i64::MAX) as f64 * f) as i64))
                .collect();
            instants.push(end - TimeDelta::nanoseconds(1));
            for t in instants.into_iter().filter(|t| *t >= now && *t < end) {
                prop_assert_eq!(
                    &value(&program, *kind, name, &known, t, zone), &before,
                    "{} changed at {} before its next change {:?}\n{}\n{}", name, t, answer, set.source, json
                );
            }
            if let Some(answer) = answer.filter(|n| n.is_exact()).map(|n| n.at()) {
                prop_assert_ne!(
                    &value(&program, *kind, name, &known, answer, zone), &before,
                    "{} did not change at {}\n{}\n{}", name, answer, set.source, json
                );
            }
        }
    }
}

fn program_of(set: &rules::RuleSet) -> Program {
    funil::Compiler::new()
        .source("rules.funil", set.with_schema())
        .compile()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_quickstart_contact_leaves_its_cart_and_birthday_segments_on_time() {
    let program = funil::compile(include_str!("../examples/data/quickstart.funil")).unwrap();
    let line = include_str!("../examples/data/quickstart_contacts.jsonl")
        .lines()
        .find(|line| line.contains(r#""c-008""#))
        .unwrap();
    let contact = program.contact_from_json(line).unwrap();
    let context =
        Context::new(at(support::NOW)).with_time_zone("America/Sao_Paulo".parse().unwrap());
    let next = |name| {
        program
            .next_change(name, &contact, &context)
            .unwrap()
            .unwrap()
    };
    // The cart of 19 November 18:00 local (21:00 UTC) leaves `within 7d` a week later.
    assert_eq!(next("cart_to_recover").at(), at("2026-11-26T21:00:00Z"));
    // Born on 27 November: `days_until_anniversary <= 7` ends at local midnight after it.
    assert_eq!(next("birthday_this_week").at(), at("2026-11-28T03:00:00Z"));
}
