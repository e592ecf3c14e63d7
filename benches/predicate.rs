#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark whose fixed inputs do not load cannot run"
)]
//! The reference predicate of issue 5, in funil and as a hand-written Rust closure,
//! over the same 100,000 generated contacts:
//!
//! ```text
//! (country == "BR" or country == "PT") and score >= 60 and stage != "customer"
//!   and (clicks_30d >= 3 or total_spent > 1000.0) and days_since_last_activity < 60
//! ```
//!
//! One criterion group holds both (funil through `segment_with` with a segment id and
//! a kept workspace, `evaluate_into`, `segment` by name, and from the caller's rows:
//! a `Predicate` compiled over a `View` of them, a `ContactBuffer` refilled from each
//! row then `segment_with`, and the builder then `segment_with`), so their ratios
//! come from one run. A second group
//! measures what it costs to put contact data into funil's representation: from a
//! Rust struct through the builder, and from JSON text. Each iteration is one batch of
//! 100,000 contacts; divide by 100,000 for ns/contact (criterion's throughput line
//! gives contacts per second).

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use funil::{Contact, ContactBuffer, Context, Decimal, Evaluation, Program, View, Workspace};

#[path = "support/splitmix.rs"]
mod splitmix;

use splitmix::SplitMix64;

const RULES: &str = r#"
schema {
  contact {
    age: number
    country: string
    score: number
    stage: string
    total_spent: number
    clicks_30d: number
    days_since_last_activity: number
  }
}

segment target {
  (country == "BR" or country == "PT") and score >= 60 and stage != "customer"
    and (clicks_30d >= 3 or total_spent > 1000.0) and days_since_last_activity < 60
}
"#;

const CONTACTS: usize = 100_000;
const SEED: u64 = 0x5EED_F00D;
const COUNTRIES: [&str; 5] = ["BR", "PT", "US", "DE", "FR"];
const STAGES: [&str; 4] = ["lead", "mql", "sql", "customer"];

/// A contact as a service would hold it, before funil sees it.
struct Row {
    age: u32,
    country: &'static str,
    score: u32,
    stage: &'static str,
    /// Cents, so that funil's decimal and the native float see the same amount.
    total_spent_cents: i64,
    total_spent: f64,
    clicks_30d: u32,
    days_since_last_activity: u32,
}

fn generate() -> Vec<Row> {
    let mut random = SplitMix64(SEED);
    (0..CONTACTS)
        .map(|_| {
            let total_spent_cents = random.between(0, 500_000) as i64;
            Row {
                age: random.between(18, 80) as u32,
                country: random.pick(&COUNTRIES),
                score: random.between(0, 200) as u32,
                stage: random.pick(&STAGES),
                total_spent_cents,
                total_spent: total_spent_cents as f64 / 100.0,
                clicks_30d: random.between(0, 20) as u32,
                days_since_last_activity: random.between(0, 365) as u32,
            }
        })
        .collect()
}

/// The predicate written by hand: the floor any engine is measured against.
fn native(row: &Row) -> bool {
    (row.country == "BR" || row.country == "PT")
        && row.score >= 60
        && row.stage != "customer"
        && (row.clicks_30d >= 3 || row.total_spent > 1000.0)
        && row.days_since_last_activity < 60
}

fn build(program: &Program, row: &Row, id: String) -> Contact {
    let built = program
        .contact(id)
        .attribute("age", row.age)
        .attribute("country", row.country)
        .attribute("score", row.score)
        .attribute("stage", row.stage)
        .attribute("total_spent", Decimal::new(row.total_spent_cents, 2))
        .attribute("clicks_30d", row.clicks_30d)
        .attribute("days_since_last_activity", row.days_since_last_activity)
        .build();
    built.unwrap_or_else(|error| panic!("a generated contact does not build: {error}"))
}

fn json(row: &Row, index: usize) -> String {
    format!(
        r#"{{"id":"c-{index}","attributes":{{"age":{},"country":"{}","score":{},"stage":"{}","total_spent":{}.{:02},"clicks_30d":{},"days_since_last_activity":{}}}}}"#,
        row.age,
        row.country,
        row.score,
        row.stage,
        row.total_spent_cents / 100,
        row.total_spent_cents % 100,
        row.clicks_30d,
        row.days_since_last_activity
    )
}

fn compile() -> Program {
    funil::compile(RULES).unwrap_or_else(|error| panic!("the predicate does not compile:\n{error}"))
}

fn context() -> Context {
    Context::new(DateTime::<Utc>::from_timestamp(1_795_348_800, 0).unwrap_or_default())
}

/// How funil reads a [`Row`]: each attribute lent from its field.
fn view(program: &Program) -> View<Row> {
    let view = View::new(program.schema())
        .attribute("age", |row: &Row| row.age.into())
        .and_then(|v| v.attribute("country", |row: &Row| row.country.into()))
        .and_then(|v| v.attribute("score", |row: &Row| row.score.into()))
        .and_then(|v| v.attribute("stage", |row: &Row| row.stage.into()))
        .and_then(|v| {
            v.attribute("total_spent", |row: &Row| {
                Decimal::new(row.total_spent_cents, 2).into()
            })
        })
        .and_then(|v| v.attribute("clicks_30d", |row: &Row| row.clicks_30d.into()))
        .and_then(|v| {
            v.attribute("days_since_last_activity", |row: &Row| {
                row.days_since_last_activity.into()
            })
        });
    view.unwrap_or_else(|error| panic!("the view does not fit the schema: {error}"))
}

/// Funil and the closure agree on every contact, and about 3.3% match.
fn check_agreement(program: &Program, rows: &[Row], contacts: &[Contact]) {
    let context = context();
    let mut matches = 0;
    for (row, contact) in rows.iter().zip(contacts) {
        let expected = native(row);
        let answer = program.segment("target", contact, &context);
        assert_eq!(
            answer,
            Ok(expected),
            "funil and native disagree on {}",
            contact.id()
        );
        matches += usize::from(expected);
    }
    let rate = matches as f64 / rows.len() as f64;
    println!(
        "predicate: {matches} of {} contacts match ({:.2}%)",
        rows.len(),
        rate * 100.0
    );
    assert!(
        (0.030..0.037).contains(&rate),
        "match rate {rate} is not about 3.3%"
    );
}

fn predicate(c: &mut Criterion) {
    let program = compile();
    let rows = generate();
    let contacts: Vec<Contact> = rows
        .iter()
        .enumerate()
        .map(|(index, row)| build(&program, row, format!("c-{index}")))
        .collect();
    check_agreement(&program, &rows, &contacts);
    let context = context();
    let view = view(&program);
    let target = program
        .segment_id("target")
        .unwrap_or_else(|error| panic!("no segment target: {error}"));
    let predicate = program
        .predicate(target, &view)
        .unwrap_or_else(|error| panic!("the target is no predicate: {error}"));
    let ids: Vec<String> = (0..CONTACTS).map(|i| format!("c-{i}")).collect();
    for row in &rows {
        assert_eq!(predicate.test(row), Ok(native(row)));
    }

    let mut group = c.benchmark_group("predicate");
    group.throughput(Throughput::Elements(CONTACTS as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("native closure", |b| {
        b.iter(|| black_box(&rows).iter().filter(|row| native(row)).count())
    });
    group.bench_function("funil evaluate_into", |b| {
        let mut workspace = Workspace::new();
        let mut evaluation = Evaluation::new();
        b.iter(|| {
            let mut matches = 0;
            for contact in &contacts {
                let done =
                    program.evaluate_into(contact, &context, &mut workspace, &mut evaluation);
                matches += usize::from(done.is_ok() && !evaluation.segments().is_empty());
            }
            matches
        })
    });
    group.bench_function("funil segment_with", |b| {
        let target = program
            .segment_id("target")
            .unwrap_or_else(|error| panic!("no segment target: {error}"));
        let mut workspace = Workspace::new();
        b.iter(|| {
            contacts
                .iter()
                .filter(|contact| {
                    program
                        .segment_with(target, contact, &context, &mut workspace)
                        .unwrap_or(false)
                })
                .count()
        })
    });
    group.bench_function("funil predicate over the caller's struct", |b| {
        b.iter(|| {
            black_box(&rows)
                .iter()
                .filter(|row| predicate.test(row).unwrap_or(false))
                .count()
        })
    });
    group.bench_function("funil ContactBuffer refill + segment_with", |b| {
        let mut buffer = ContactBuffer::new(program.schema());
        let mut workspace = Workspace::new();
        let ids = &ids;
        b.iter(|| {
            let mut matches = 0;
            for (row, id) in rows.iter().zip(ids) {
                let mut refill = buffer.refill(id);
                refill
                    .attribute(funil::model::AttrId(0), row.age)
                    .attribute(funil::model::AttrId(1), row.country)
                    .attribute(funil::model::AttrId(2), row.score)
                    .attribute(funil::model::AttrId(3), row.stage)
                    .attribute(
                        funil::model::AttrId(4),
                        Decimal::new(row.total_spent_cents, 2),
                    )
                    .attribute(funil::model::AttrId(5), row.clicks_30d)
                    .attribute(funil::model::AttrId(6), row.days_since_last_activity);
                if let Ok(contact) = refill.finish() {
                    matches += usize::from(
                        program
                            .segment_with(target, contact, &context, &mut workspace)
                            .unwrap_or(false),
                    );
                }
            }
            matches
        })
    });
    group.bench_function("funil builder + segment_with", |b| {
        let mut workspace = Workspace::new();
        b.iter(|| {
            rows.iter()
                .zip(&ids)
                .filter(|(row, id)| {
                    let contact = build(&program, row, (*id).clone());
                    program
                        .segment_with(target, &contact, &context, &mut workspace)
                        .unwrap_or(false)
                })
                .count()
        })
    });
    group.bench_function("funil segment (one call each)", |b| {
        b.iter(|| {
            contacts
                .iter()
                .filter(|contact| {
                    program
                        .segment("target", contact, &context)
                        .unwrap_or(false)
                })
                .count()
        })
    });
    group.finish();

    let texts: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| json(row, i))
        .collect();
    let mut group = c.benchmark_group("contact representation");
    group.throughput(Throughput::Elements(CONTACTS as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("from struct (builder)", |b| {
        b.iter(|| {
            for (row, id) in rows.iter().zip(&ids) {
                black_box(build(&program, row, id.clone()));
            }
        })
    });
    group.bench_function("from JSON", |b| {
        b.iter(|| {
            for text in &texts {
                black_box(program.contact_from_json(text).is_ok());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, predicate);
criterion_main!(benches);
