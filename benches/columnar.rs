#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a benchmark whose fixed inputs do not load cannot run"
)]
//! The reference predicate of `benches/predicate.rs`, evaluated column-wise over an
//! Arrow record batch of 100,000 contacts (`Program::evaluate_arrow`), against a
//! hand-written Rust closure over the same data laid out as plain Rust vectors, one
//! per attribute. Both give one answer per contact; one criterion group holds both,
//! so their ratio comes from one run. Divide by 100,000 for ns/contact.
//!
//! ```text
//! cargo bench --features arrow --bench columnar
//! ```

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use funil::arrow_array::cast::AsArray;
use funil::arrow_array::{ArrayRef, Decimal128Array, RecordBatch, StringArray};
use funil::{Context, Program};

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
const COUNTRIES: [&str; 5] = ["BR", "PT", "US", "DE", "FR"];
const STAGES: [&str; 4] = ["lead", "mql", "sql", "customer"];

/// The contacts as plain Rust vectors, one per attribute.
struct Columns {
    age: Vec<u32>,
    country: Vec<&'static str>,
    score: Vec<u32>,
    stage: Vec<&'static str>,
    total_spent_cents: Vec<i64>,
    clicks_30d: Vec<u32>,
    days_since_last_activity: Vec<u32>,
}

/// A fixed-seed xorshift generator: every run sees the same contacts.
fn generate() -> Columns {
    let mut state = 0x5EED_F00D_u64;
    let mut next = |low: u64, high: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        low + state % (high - low + 1)
    };
    let mut columns = Columns {
        age: Vec::with_capacity(CONTACTS),
        country: Vec::with_capacity(CONTACTS),
        score: Vec::with_capacity(CONTACTS),
        stage: Vec::with_capacity(CONTACTS),
        total_spent_cents: Vec::with_capacity(CONTACTS),
        clicks_30d: Vec::with_capacity(CONTACTS),
        days_since_last_activity: Vec::with_capacity(CONTACTS),
    };
    for _ in 0..CONTACTS {
        columns.age.push(next(18, 80) as u32);
        columns.country.push(COUNTRIES[next(0, 4) as usize]);
        columns.score.push(next(0, 200) as u32);
        columns.stage.push(STAGES[next(0, 3) as usize]);
        columns.total_spent_cents.push(next(0, 500_000) as i64);
        columns.clicks_30d.push(next(0, 20) as u32);
        columns.days_since_last_activity.push(next(0, 365) as u32);
    }
    columns
}

/// The predicate written by hand over the vectors: one answer per contact.
fn native(c: &Columns) -> Vec<bool> {
    (0..CONTACTS)
        .map(|i| {
            (c.country[i] == "BR" || c.country[i] == "PT")
                && c.score[i] >= 60
                && c.stage[i] != "customer"
                && (c.clicks_30d[i] >= 3 || c.total_spent_cents[i] > 100_000)
                && c.days_since_last_activity[i] < 60
        })
        .collect()
}

/// The same contacts as an Arrow record batch: whole numbers at scale 0, amounts in
/// cents at scale 2.
fn batch(c: &Columns) -> RecordBatch {
    let numbers = |values: Vec<i128>, scale: i8| -> ArrayRef {
        Arc::new(
            Decimal128Array::from(values)
                .with_precision_and_scale(38, scale)
                .unwrap(),
        )
    };
    let whole = |values: &[u32]| numbers(values.iter().map(|v| i128::from(*v)).collect(), 0);
    let texts = |values: &[&str]| -> ArrayRef { Arc::new(StringArray::from(values.to_vec())) };
    let ids: ArrayRef = Arc::new(StringArray::from_iter_values(
        (0..CONTACTS).map(|i| format!("c-{i}")),
    ));
    RecordBatch::try_from_iter([
        ("contact", ids),
        ("age", whole(&c.age)),
        ("country", texts(&c.country)),
        ("score", whole(&c.score)),
        ("stage", texts(&c.stage)),
        (
            "total_spent",
            numbers(
                c.total_spent_cents.iter().map(|v| i128::from(*v)).collect(),
                2,
            ),
        ),
        ("clicks_30d", whole(&c.clicks_30d)),
        (
            "days_since_last_activity",
            whole(&c.days_since_last_activity),
        ),
    ])
    .unwrap()
}

fn bench(criterion: &mut Criterion) {
    let program: Program = funil::compile(RULES).unwrap();
    let columns = generate();
    let contacts = batch(&columns);
    let events = RecordBatch::new_empty(program.arrow_events_schema());
    let context = Context::new("2026-11-22T12:00:00Z".parse().unwrap());

    let expected = native(&columns);
    let results = program
        .evaluate_arrow(&contacts, &events, &context)
        .unwrap();
    let answers: Vec<bool> = results.column(0).as_boolean().iter().flatten().collect();
    assert_eq!(answers, expected, "funil and the closure disagree");
    let matching = expected.iter().filter(|m| **m).count();
    println!("{matching} of {CONTACTS} contacts match");

    let mut group = criterion.benchmark_group("columnar");
    group.throughput(Throughput::Elements(CONTACTS as u64));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("native closure over vectors", |b| {
        b.iter(|| native(black_box(&columns)))
    });
    group.bench_function("funil evaluate_arrow", |b| {
        b.iter(|| {
            program
                .evaluate_arrow(black_box(&contacts), &events, &context)
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
