#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark whose fixed inputs do not load cannot run"
)]
//! The quickstart rule set (every segment, score and decision, through
//! `Program::evaluate_into`) for generated contacts with 10, 200 and 10,000 events.
//!
//! Three groups:
//!
//! * `quickstart history` — events of every kind spread uniformly over two years, so
//!   the events inside the 7-, 14-, 30- and 60-day windows grow with the history
//!   (about 4% of it inside 30 days).
//! * `quickstart old history` — the same 10 recent events (inside 30 days) after 0,
//!   190 or 9,990 events more than two years old. Windowed items cost the same
//!   whatever the old history; the rules that ask about the whole history
//!   (`count(email.bounced where kind == "soft")`, `exists(purchase where date(at) ==
//!   today - 1d)`, …) still read it, as their meaning requires.
//! * `windowed rules old history` — the same contacts, with only the quickstart's
//!   windowed rules: the cost stays flat as the old history grows.
//!
//! Each iteration evaluates a batch of 8 contacts; the throughput line gives contacts
//! per second.

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use funil::{Contact, ContactBuilder, Context, Decimal, Evaluation, Program, Value, Workspace};

#[path = "support/splitmix.rs"]
mod splitmix;

use splitmix::SplitMix64;

const RULES: &str = include_str!("../examples/data/quickstart.funil");
const NOW: i64 = 1_795_348_800; // 2026-11-22T12:00:00Z
const BATCH: usize = 8;
const DAY: i64 = 86_400;

/// Event kinds with their weights in a history (percent).
const KINDS: [(&str, u64); 10] = [
    ("email.sent", 25),
    ("email.opened", 20),
    ("email.clicked", 8),
    ("email.bounced", 2),
    ("page.viewed", 25),
    ("form.submitted", 3),
    ("content.downloaded", 3),
    ("search.performed", 4),
    ("purchase", 5),
    ("cart.abandoned", 5),
];

fn kind(random: &mut SplitMix64) -> &'static str {
    let mut roll = random.below(100);
    for (name, weight) in KINDS {
        if roll < weight {
            return name;
        }
        roll -= weight;
    }
    "email.sent"
}

fn props(kind: &str, random: &mut SplitMix64) -> Vec<(&'static str, Value)> {
    let campaign = || Value::from(format!("news-{}", NOW % 97));
    let amount =
        |random: &mut SplitMix64| Value::from(Decimal::new(random.below(100_000) as i64, 2));
    match kind {
        "email.sent" | "email.opened" => vec![("campaign", campaign())],
        "email.clicked" => vec![
            ("campaign", campaign()),
            (
                "url",
                Value::from(random.pick(&[
                    "https://shop.example/blog",
                    "https://shop.example/shoes/run",
                    "https://shop.example/services",
                ])),
            ),
        ],
        "email.bounced" => vec![
            ("campaign", campaign()),
            (
                "kind",
                Value::from(random.pick(&["soft", "soft", "soft", "hard"])),
            ),
        ],
        "page.viewed" => vec![(
            "path",
            Value::from(random.pick(&[
                "/pricing",
                "/blog/post",
                "/shoes/trail",
                "/services/audit",
                "/",
            ])),
        )],
        "form.submitted" => vec![("form", Value::from(random.pick(&["newsletter", "demo"])))],
        "content.downloaded" => vec![(
            "asset",
            Value::from(random.pick(&["ebook.pdf", "services-guide.pdf"])),
        )],
        "search.performed" => vec![(
            "term",
            Value::from(random.pick(&["shoes", "consulting", "pricing"])),
        )],
        "purchase" => vec![
            (
                "order_id",
                Value::from(format!("A-{}", random.below(1_000_000))),
            ),
            ("amount", amount(random)),
            (
                "category",
                Value::from(random.pick(&["shoes", "electronics", "books"])),
            ),
        ],
        "cart.abandoned" => vec![("value", amount(random))],
        _ => Vec::new(),
    }
}

/// A contact with `recent` events in the last 30 days and `old` events spread over
/// `old_span` days ending `old_end` days ago.
fn contact(
    program: &Program,
    seed: u64,
    old: usize,
    old_end: i64,
    old_span: i64,
    recent: usize,
) -> Contact {
    let mut random = SplitMix64(seed);
    let now = DateTime::<Utc>::from_timestamp(NOW, 0).unwrap_or_default();
    let mut builder = program
        .contact(format!("c-{seed}"))
        .attribute("email", format!("person{seed}@example.com"))
        .attribute(
            "first_name",
            random.pick(&[Some("Ana"), Some("João"), None]),
        )
        .attribute(
            "country",
            random.pick(&[Some("BR"), Some("PT"), Some("US"), None]),
        )
        .attribute("stage", random.pick(&["lead", "opportunity", "customer"]))
        .attribute("owner", random.pick(&[Some("carla.dias"), None]))
        .attribute(
            "birthday",
            NaiveDate::from_ymd_opt(1990, 11, 22 + (seed % 7) as u32),
        )
        .attribute("created_at", now - TimeDelta::days(800))
        .attribute("total_spent", Decimal::new(random.below(300_000) as i64, 2))
        .attribute("tags", vec!["vip"]);
    // Recent events first, so that the same seed gives the same recent month
    // whatever the length of the old history.
    for _ in 0..recent {
        builder = add_event(builder, &mut random, 0, 30);
    }
    for _ in 0..old {
        builder = add_event(builder, &mut random, old_end, old_span);
    }
    builder
        .build()
        .unwrap_or_else(|error| panic!("a generated contact does not build: {error}"))
}

/// Adds one event of a random kind, between `from_days + span_days` and `from_days`
/// days before now.
fn add_event<'s>(
    builder: ContactBuilder<'s>,
    random: &mut SplitMix64,
    from_days: i64,
    span_days: i64,
) -> ContactBuilder<'s> {
    let now = DateTime::<Utc>::from_timestamp(NOW, 0).unwrap_or_default();
    let kind = kind(random);
    let age = from_days * DAY + random.below((span_days * DAY) as u64) as i64;
    let props = props(kind, random);
    builder.event(kind, now - TimeDelta::seconds(age), props)
}

/// The quickstart's rules that look only inside windows (7 to 365 days), or at the
/// latest event of a kind: their cost follows the events inside the windows, however
/// long the history before them.
const WINDOWED: &str = r#"
segment active { exists(activity within 60d) }
segment big_spenders { sum(purchase within 365d, amount) >= 1000 }
segment cart_to_recover {
  exists(cart.abandoned within 7d) and not exists(purchase since last(cart.abandoned).at)
}
score engagement {
  per email.clicked within 30d => +10 max 50
  per page.viewed where path starts_with "/pricing" within 14d => +5
  per email.opened within 30d => +3 max 9
  when exists(form.submitted within 30d) => +20
  when not exists(activity within 60d) => -15
  decay half_life 30d
  clamp 0 to 200
}
score value { per purchase within 365d => floor(amount / 100) }
"#;

fn compile(rules: &str) -> Program {
    funil::compile(rules).unwrap_or_else(|error| panic!("the rules do not compile:\n{error}"))
}

/// The quickstart's schema block, for rules of the same schema.
fn schema() -> &'static str {
    let end = RULES.find("\n}\n").map_or(RULES.len(), |i| i + 3);
    RULES.get(..end).unwrap_or(RULES)
}

fn evaluate_batch(
    c: &mut Criterion,
    group_name: &str,
    contacts: &[(usize, Vec<Contact>)],
    program: &Program,
) {
    let context = Context::new(DateTime::<Utc>::from_timestamp(NOW, 0).unwrap_or_default());
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(3));
    for (events, batch) in contacts {
        group.bench_with_input(BenchmarkId::from_parameter(events), batch, |b, batch| {
            let mut workspace = Workspace::new();
            let mut evaluation = Evaluation::default();
            b.iter(|| {
                for contact in batch {
                    let done =
                        program.evaluate_into(contact, &context, &mut workspace, &mut evaluation);
                    black_box((done.is_ok(), evaluation.segments().len()));
                }
            })
        });
    }
    group.finish();
}

fn rule_sets(c: &mut Criterion) {
    let program = compile(RULES);
    let spread: Vec<(usize, Vec<Contact>)> = [10, 200, 10_000]
        .into_iter()
        .map(|events| {
            let batch = (0..BATCH as u64)
                .map(|seed| contact(&program, seed, events, 0, 730, 0))
                .collect();
            (events, batch)
        })
        .collect();
    evaluate_batch(c, "quickstart history", &spread, &program);

    let recent = 10;
    let old: Vec<(usize, Vec<Contact>)> = [0, 190, 9_990]
        .into_iter()
        .map(|old| {
            let batch = (0..BATCH as u64)
                .map(|seed| contact(&program, seed, old, 730, 365, recent))
                .collect();
            (old + recent, batch)
        })
        .collect();
    evaluate_batch(c, "quickstart old history", &old, &program);

    // The same schema, so the same contacts serve.
    let windowed = compile(&format!("{}{WINDOWED}", schema()));
    evaluate_batch(c, "windowed rules old history", &old, &windowed);
}

criterion_group!(benches, rule_sets);
criterion_main!(benches);
