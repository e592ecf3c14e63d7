#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark whose fixed inputs do not load cannot run"
)]
//! Issue 5, part 5: `Program::evaluate_batch` over 1,000,000 generated contacts with a
//! ranked segment (`top 1% by score(…)`) and a few ordinary items.
//!
//! Run it twice to compare one thread with rayon's pool:
//!
//! ```text
//! cargo bench --bench batch
//! cargo bench --bench batch --features parallel
//! ```
//!
//! The bench id ends in `single` or `parallel` accordingly. The contacts are built
//! once, before timing; one iteration evaluates all of them (criterion's throughput
//! line gives contacts per second).

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use funil::Context;

#[path = "support/batch_contacts.rs"]
mod batch_contacts;

use batch_contacts::{CONTACTS, RULES, generate};

fn batch(c: &mut Criterion) {
    let program =
        funil::compile(RULES).unwrap_or_else(|error| panic!("the rules do not compile:\n{error}"));
    let contacts = generate(&program);
    let context =
        Context::new(DateTime::<Utc>::from_timestamp(1_795_348_800, 0).unwrap_or_default());

    let evaluations = program
        .evaluate_batch(&contacts, &context)
        .unwrap_or_else(|error| panic!("the batch does not evaluate: {error}"));
    let top = evaluations
        .iter()
        .filter(|evaluation| evaluation.segments().iter().any(|s| s == "top_engaged"))
        .count();
    assert_eq!(top, CONTACTS / 100, "top 1% of the contacts that rank");
    drop(evaluations);

    let threads = if cfg!(feature = "parallel") {
        "parallel"
    } else {
        "single"
    };
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(CONTACTS as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function(
        format!("evaluate_batch 1,000,000 contacts ({threads})"),
        |b| {
            b.iter(|| {
                let evaluations = program.evaluate_batch(black_box(&contacts), &context);
                evaluations
                    .map(|evaluations| evaluations.len())
                    .unwrap_or(0)
            })
        },
    );
    group.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
