#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Segments pushed down to PostgreSQL select exactly the contacts the interpreter
//! selects: a differential test over generated rule sets (`tests/common/rules.rs`) and
//! generated contacts with histories, loaded into a real server, at several instants
//! and in three time zones (New York across the end of daylight saving time).
//!
//! The spec's segment examples and the quickstart's segments, ranked ones included,
//! are checked the same way over the quickstart's contacts.
//!
//! Needs `FUNIL_TEST_DATABASE_URL` (which `.ci/run` sets); skipped with a printed
//! reason without it.

#[path = "common/pg.rs"]
mod pg;
#[path = "common/rules.rs"]
mod rules;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use funil::{Compiler, Contact, Context, ItemKind, Program, SqlOptions, Tz};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Generated segments checked (each at every instant, in every zone).
const SEGMENTS: usize = 1_000;
/// Generated contacts loaded.
const CONTACTS: usize = 500;

fn instant(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// The instants of evaluation: the generator's `now`, three days later (events that
/// were in the future are now visible), and 01:30 in New York on the night daylight
/// saving time ends there (the second 01:30: windows, local dates and hours straddle
/// the change).
fn instants() -> [DateTime<Utc>; 3] {
    [
        rules::now(),
        instant("2026-11-25T19:00:00Z"),
        instant("2026-11-01T06:30:00Z"),
    ]
}

fn zones() -> [Tz; 3] {
    [
        Tz::UTC,
        chrono_tz::America::Sao_Paulo,
        chrono_tz::America::New_York,
    ]
}

fn runner(seed: u8) -> TestRunner {
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

/// `count` values of `strategy`, the same on every run.
fn generate<S: Strategy>(strategy: S, count: usize, seed: u8) -> Vec<S::Value> {
    let mut runner = runner(seed);
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

/// The generated contacts, each with a distinct id.
fn contacts(program: &Program) -> Vec<Contact> {
    generate(rules::contact(), CONTACTS, 7)
        .into_iter()
        .enumerate()
        .map(|(index, json)| {
            let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
            value["id"] = format!("c{index:03}-{}", value["id"].as_str().unwrap()).into();
            program.contact_from_json(&value.to_string()).unwrap()
        })
        .collect()
}

/// The ids of the contacts in each segment of `program`, evaluated in process.
fn interpreted(
    program: &Program,
    contacts: &[Contact],
    context: &Context,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut members: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for contact in contacts {
        for name in program.segments(contact, context).unwrap() {
            members
                .entry(name.to_string())
                .or_default()
                .insert(contact.id().to_string());
        }
    }
    members
}

#[test]
fn pushed_down_segments_select_what_the_interpreter_selects() {
    let Some(mut db) = pg::database() else {
        return;
    };
    let schema = funil::compile(rules::SCHEMA).unwrap();
    let options = SqlOptions::new();
    let contacts = contacts(&schema);
    pg::load(&mut db, &schema, &options, &contacts);

    let mut checked = 0;
    // Segments whose members were neither none nor every contact, in some context.
    let mut discriminating = BTreeSet::new();
    let mut refused: BTreeMap<String, usize> = BTreeMap::new();
    let mut sets = 0;
    let mut seed = 11;
    while checked < SEGMENTS {
        for set in generate(rules::rule_set(6), 50, seed) {
            sets += 1;
            let source = set.with_schema();
            let program = Compiler::new()
                .source("rules.funil", &source)
                .compile()
                .unwrap();
            let mut pushed = Vec::new();
            for (name, kind) in program.items() {
                if kind != ItemKind::Segment {
                    continue;
                }
                match program.to_sql(name, &options) {
                    Ok(query) => pushed.push((name.to_string(), query)),
                    Err(refusal) => {
                        *refused.entry(refusal.construct().to_string()).or_default() += 1
                    }
                }
            }
            for instant in instants() {
                for zone in zones() {
                    let context = Context::new(instant).with_time_zone(zone);
                    let expected = interpreted(&program, &contacts, &context);
                    for (name, query) in &pushed {
                        let actual = pg::segment_ids(&mut db, query, instant, zone.name());
                        let want = expected.get(name).cloned().unwrap_or_default();
                        if !want.is_empty() && want.len() < contacts.len() {
                            discriminating.insert((sets, name.clone()));
                        }
                        assert_eq!(
                            actual, want,
                            "segment `{name}` at {instant} in {zone}\n--- rules:\n{}\n--- query:\n{query}",
                            set.source
                        );
                    }
                }
            }
            checked += pushed.len();
        }
        seed += 1;
    }
    eprintln!(
        "{checked} segments from {sets} rule sets pushed down and checked, {} of them telling \
         contacts apart; refused: {refused:?}",
        discriminating.len()
    );
    // Most segments select some contacts and not others: the comparison is not vacuous.
    assert!(
        discriminating.len() * 2 > checked,
        "{} of {checked}",
        discriminating.len()
    );
    // Every construct the generator writes has an SQL form.
    assert!(refused.is_empty(), "refused: {refused:?}");
}

/// The segment examples of the spec (§4.6, §5.1, §5.2, §4.7) beside the quickstart's
/// rules, which declare the spec's schema.
const SPEC_SEGMENTS: &str = r#"
segment example_soft { count(email.bounced where kind == "soft") >= 4 }
segment example_clicked_services { exists(email.clicked where url contains "/services" within 30d) }
segment example_inactive { not exists(activity within 60d) }
segment example_untouched { not exists(touch within 60d) }
segment example_lapsed { last(activity).at < now - 60d }
segment example_spent { sum(purchase within 365d, amount) >= 1000 }
segment example_shoes { last(purchase).category == "shoes" }
segment example_service_interest {
  exists(email.clicked where url contains "/services")
  or exists(page.viewed where path starts_with "/services")
  or exists(search.performed where term in ["consulting", "support plan"])
  or exists(content.downloaded where asset == "services-guide.pdf")
}
segment example_dormant { not exists(activity within 60d) and not segment(example_soft) }
segment example_rising { score(engagement) - score(engagement, at: now - 30d) >= 20 }
segment example_rising_fastest { top 100 by score(engagement) - score(engagement, at: now - 30d) }
segment example_top_decile { top 10% by score(engagement) where stage != "customer" }
"#;

#[test]
fn the_spec_examples_and_the_quickstart_segments_agree_pushed_down() {
    let Some(mut db) = pg::database() else {
        return;
    };
    let rules = include_str!("../examples/data/quickstart.funil");
    let program = Compiler::new()
        .source("quickstart.funil", rules)
        .source("spec.funil", SPEC_SEGMENTS)
        .compile()
        .unwrap();
    let contacts: Vec<Contact> = include_str!("../examples/data/quickstart_contacts.jsonl")
        .lines()
        .map(|line| program.contact_from_json(line).unwrap())
        .collect();
    let options = SqlOptions::new();
    pg::load(&mut db, &program, &options, &contacts);
    let segments: Vec<&str> = program
        .items()
        .filter(|(_, kind)| *kind == ItemKind::Segment)
        .map(|(name, _)| name)
        .collect();
    assert_eq!(segments.len(), 11 + 12);
    let mut telling = BTreeSet::new();
    for now in [
        rules::now(),
        instant("2026-12-01T02:30:00Z"),
        instant("2026-11-26T18:00:00Z"),
    ] {
        for zone in zones() {
            let context = Context::new(now).with_time_zone(zone);
            let evaluations = program.evaluate_batch(&contacts, &context).unwrap();
            for name in &segments {
                let query = program
                    .to_sql(name, &options)
                    .unwrap_or_else(|refusal| panic!("{name}: {refusal}"));
                let want: BTreeSet<String> = contacts
                    .iter()
                    .zip(&evaluations)
                    .filter(|(_, evaluation)| evaluation.segments().iter().any(|s| s == name))
                    .map(|(contact, _)| contact.id().to_string())
                    .collect();
                if !want.is_empty() && want.len() < contacts.len() {
                    telling.insert(*name);
                }
                let actual = pg::segment_ids(&mut db, &query, now, zone.name());
                assert_eq!(actual, want, "`{name}` at {now} in {zone}\n{query}");
            }
        }
    }
    // All but a few segments tell the sample contacts apart at some instant.
    assert!(telling.len() >= 18, "{telling:?}");
}

/// Constructs the generator does not write, each as a segment, over a few contacts
/// chosen to sit on their edges.
const EDGES: &str = r#"
schema {
  contact {
    name: string?
    spent: number
    session: duration?
    joined: date
    seen: datetime?
    codes: list<number>
    tags: list<string>
  }
  event order { total: number, note: string, placed: date, paid: datetime, gift: bool }
}
segment long_session { session > 1h30m }
segment short_or_unknown { not (session >= 10m) }
segment joined_long_ago { joined + 365d < today and joined - 1d != joined }
segment seen_recently { seen is not null and now - seen <= 1d12h }
segment greeting { "hi {name}, {spent} at {joined} / {seen} {spent > 10}" == "hi Ana, 12.5 at 2024-02-29 / 2026-11-22T11:30:00Z true" }
segment untitled { "{name}" == "" }
segment lucky { 7 in codes and len(codes) == 2 and codes == [7, 0.5] }
segment tagged { "vip" in tags and not (tags contains "b2b") or tags == [] }
segment rounded { round(spent / 3, 2) == 4.17 and round(spent, 0) == 13 and floor(-spent) == -13 }
segment precise { spent / 3 == 4.1666666666666666666666666667 and spent / 3 * 3 == spent }
segment capped { max(spent, 100) == 100 and min(spent, 100) == spent and abs(-spent) == spent }
segment upper_name { upper(name ?? "") == "ANA" and lower("ÀÉ") == "àé" and trim("  x ") == "x" }
segment gifts { count(order where gift and note ends_with "!") >= 1 }
segment placed_late { exists(order where placed > date(paid)) }
segment big_average { avg(order, total) >= 50 and max(order within 30d, total) >= 100 }
segment first_note { first(order).note starts_with "first" and last(order where total > 0).total == 100 }
segment weekday_orders { exists(order where weekday(paid) >= 6 and hour(paid) < 12) }
segment days_since_order { days(now - last(order).paid) >= 2 and hours(now - first(order).paid) > 48 }
segment years { years_since(joined) >= 2 and days_until_anniversary(joined) < 100 }
decide all labels {
  when spent > 10 => "big"
  when name is null => "anonymous"
  else => "none"
}
decide tier {
  when spent >= 100 => "gold"
  when spent >= 10 => "silver"
}
segment labelled { decision(labels) contains "big" and len(decision(labels)) == 1 }
segment unlabelled { decision(labels) == ["none"] }
segment silver { decision(tier) == "silver" and decision(tier, at: now - 1d) == "silver" }
segment no_tier { decision(tier) is null }
"#;

const EDGE_CONTACTS: [&str; 4] = [
    r#"{"id": "ana", "attributes": {"name": "Ana", "spent": 12.5, "session": "1h31m",
        "joined": "2024-02-29", "seen": "2026-11-22T11:30:00Z", "codes": [7, 0.5],
        "tags": ["vip"]},
        "events": [
          {"kind": "order", "at": "2026-11-14T09:00:00Z", "props": {"total": 100, "note": "first!",
           "placed": "2026-11-15", "paid": "2026-11-14T09:00:00Z", "gift": true}},
          {"kind": "order", "at": "2026-11-21T23:00:00Z", "props": {"total": 0, "note": "x",
           "placed": "2026-11-21", "paid": "2026-11-21T23:00:00Z", "gift": false}}
        ]}"#,
    r#"{"id": "bob", "attributes": {"spent": 100, "joined": "2026-11-21", "codes": [],
        "tags": ["b2b"]}}"#,
    r#"{"id": "cy", "attributes": {"name": "", "spent": 0, "session": "5m",
        "joined": "2025-02-28", "seen": "2026-11-20T00:00:00Z", "codes": [7],
        "tags": []},
        "events": [
          {"kind": "order", "at": "2026-11-22T12:00:00Z", "props": {"total": 33.3, "note": "late!",
           "placed": "2026-11-23", "paid": "2026-11-22T12:00:00Z", "gift": true}}
        ]}"#,
    r#"{"id": "dee", "attributes": {"name": "Dee", "spent": 1000.005, "session": "2h",
        "joined": "2020-01-01", "codes": [0.5, 7], "tags": ["vip", "b2b"]}}"#,
];

#[test]
fn constructs_the_generator_does_not_write_agree_pushed_down() {
    let Some(mut db) = pg::database() else {
        return;
    };
    let program = funil::compile(EDGES).unwrap();
    let contacts: Vec<Contact> = EDGE_CONTACTS
        .iter()
        .map(|json| program.contact_from_json(json).unwrap())
        .collect();
    let options = SqlOptions::new();
    pg::load(&mut db, &program, &options, &contacts);
    let mut telling = BTreeSet::new();
    for now in [rules::now(), instant("2027-02-28T12:00:00Z")] {
        for zone in zones() {
            let context = Context::new(now).with_time_zone(zone);
            let expected = interpreted(&program, &contacts, &context);
            for (name, kind) in program.items() {
                if kind != ItemKind::Segment {
                    continue;
                }
                let query = program
                    .to_sql(name, &options)
                    .unwrap_or_else(|refusal| panic!("{name}: {refusal}"));
                let want = expected.get(name).cloned().unwrap_or_default();
                if !want.is_empty() && want.len() < contacts.len() {
                    telling.insert(name);
                }
                let actual = pg::segment_ids(&mut db, &query, now, zone.name());
                assert_eq!(actual, want, "`{name}` at {now} in {zone}\n{query}");
            }
        }
    }
    let segments = program
        .items()
        .filter(|(_, kind)| *kind == ItemKind::Segment)
        .count();
    let dull: Vec<&str> = program
        .items()
        .filter(|(name, kind)| *kind == ItemKind::Segment && !telling.contains(name))
        .map(|(name, _)| name)
        .collect();
    assert!(
        dull.is_empty(),
        "{} of {segments} segments select all or none: {dull:?}",
        dull.len()
    );
}

#[test]
fn split_arms_are_the_interpreters_for_every_id() {
    let Some(mut db) = pg::database() else {
        return;
    };
    let program = funil::compile(
        r#"
        schema { contact { } event signed.up { } action send_email(template: string) }
        workflow welcome {
          enter on signed.up
          step offer: split {
            20% => { send_email(template: "a") }
            30.5% => { send_email(template: "b") }
            49.5% => { send_email(template: "c") }
          }
        }
        segment arm_a { arm(welcome, "offer") == 0 }
        segment arm_b { arm(welcome, "offer") == 1 }
        segment arm_c { arm(welcome, "offer") >= 2 }
        "#,
    )
    .unwrap();
    let mut ids: Vec<String> = (0..300).map(|i| format!("c-{i:03}")).collect();
    ids.extend(["ünïcødé", "日本", "a\"b'c", "x y", "0"].map(String::from));
    let contacts: Vec<Contact> = ids
        .iter()
        .map(|id| program.contact(id.as_str()).build().unwrap())
        .collect();
    let options = SqlOptions::new();
    pg::load(&mut db, &program, &options, &contacts);
    let context = Context::new(rules::now());
    let expected = interpreted(&program, &contacts, &context);
    let mut total = 0;
    for name in ["arm_a", "arm_b", "arm_c"] {
        let query = program.to_sql(name, &options).unwrap();
        let actual = pg::segment_ids(&mut db, &query, rules::now(), "UTC");
        let want = expected.get(name).cloned().unwrap_or_default();
        assert!(want.len() > 30, "{name}: {}", want.len());
        assert_eq!(actual, want, "{name}\n{query}");
        total += actual.len();
    }
    assert_eq!(total, contacts.len());
}
