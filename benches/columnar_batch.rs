#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark whose fixed inputs do not load cannot run"
)]
//! Issue 13: the 1,000,000 contacts and rules of `benches/batch.rs` (a score of four
//! rules, `top 1% by score(engagement)`, an ordinary segment, a decision reading both)
//! laid out as Arrow record batches and evaluated column-wise
//! (`Program::evaluate_arrow`), beside the row path (`Program::evaluate_batch`) over
//! the same contacts, in one criterion group so that their ratio comes from one run.
//!
//! ```text
//! cargo bench --features arrow --bench columnar_batch -- --sample-size 10
//! cargo bench --features arrow,parallel --bench columnar_batch -- --sample-size 10
//! ```
//!
//! The bench ids end in `single` or `parallel` accordingly. The contacts and batches
//! are built once, before timing.

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use funil::Context;
use funil::arrow_array::cast::AsArray;

#[path = "support/batch_contacts.rs"]
mod batch_contacts;

use batch_contacts::{CONTACTS, RULES, generate};

fn bench(c: &mut Criterion) {
    let program =
        funil::compile(RULES).unwrap_or_else(|error| panic!("the rules do not compile:\n{error}"));
    let contacts = generate(&program);
    let context =
        Context::new(DateTime::<Utc>::from_timestamp(1_795_348_800, 0).unwrap_or_default());
    let (people, events) = program
        .contacts_to_arrow(&contacts)
        .unwrap_or_else(|error| panic!("the contacts do not lay out: {error}"));

    let (results, columnar) = program
        .evaluate_arrow_traced(&people, &events, &context)
        .unwrap_or_else(|error| panic!("the batch does not evaluate: {error}"));
    assert!(
        columnar.iter().all(|c| *c),
        "every item is computed column-wise"
    );
    let top = results.column(1).as_boolean().true_count();
    assert_eq!(top, CONTACTS / 100, "top 1% of the contacts that rank");
    let evaluations = program
        .evaluate_batch(&contacts, &context)
        .unwrap_or_else(|error| panic!("the batch does not evaluate: {error}"));
    let channels = results.column(3).as_string::<i32>();
    for (row, evaluation) in evaluations.iter().enumerate() {
        let (_, channel) = evaluation
            .decisions()
            .next()
            .unwrap_or_else(|| panic!("a decision"));
        assert_eq!(
            channel.as_str().map(|c| format!("\"{c}\"")).as_deref(),
            Some(channels.value(row)),
            "row {row}"
        );
    }
    drop(evaluations);
    drop(results);

    let threads = if cfg!(feature = "parallel") {
        "parallel"
    } else {
        "single"
    };
    let mut group = c.benchmark_group("columnar_batch");
    group.throughput(Throughput::Elements(CONTACTS as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function(
        format!("evaluate_arrow 1,000,000 contacts ({threads})"),
        |b| {
            b.iter(|| {
                program
                    .evaluate_arrow(black_box(&people), &events, &context)
                    .map(|results| results.num_rows())
                    .unwrap_or(0)
            })
        },
    );
    group.bench_function(
        format!("evaluate_batch 1,000,000 contacts ({threads})"),
        |b| {
            b.iter(|| {
                program
                    .evaluate_batch(black_box(&contacts), &context)
                    .map(|evaluations| evaluations.len())
                    .unwrap_or(0)
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
