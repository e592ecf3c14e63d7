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
use funil::arrow_array::cast::AsArray;
use funil::{Contact, Context, Decimal, Program};

const RULES: &str = r#"
schema {
  contact {
    country: string
    score: number
    stage: string
    total_spent: number
    clicks_30d: number
    days_since_last_activity: number
  }
}

score engagement {
  when clicks_30d >= 3 => +20
  when clicks_30d >= 10 => +30
  when days_since_last_activity < 30 => +25
  when total_spent > 1000.0 => +15
}

segment top_engaged { top 1% by score(engagement) }

segment lusophone_leads {
  (country == "BR" or country == "PT") and score >= 60 and stage != "customer"
}

decide channel {
  when segment(top_engaged) => "call"
  when segment(lusophone_leads) => "whatsapp"
  else => "email"
}
"#;

const CONTACTS: usize = 1_000_000;
const SEED: u64 = 0xBA7C_4000;
const COUNTRIES: [&str; 5] = ["BR", "PT", "US", "DE", "FR"];
const STAGES: [&str; 4] = ["lead", "mql", "sql", "customer"];

/// splitmix64: a small, fixed-seed generator, so every run sees the same contacts.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `low..=high` (the modulo bias is far below what matters here).
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    fn pick<T: Copy>(&mut self, choices: &[T]) -> T {
        choices[self.between(0, choices.len() as u64 - 1) as usize]
    }
}

fn generate(program: &Program) -> Vec<Contact> {
    let mut random = SplitMix64(SEED);
    (0..CONTACTS)
        .map(|index| {
            let built = program
                .contact(format!("c-{index}"))
                .attribute("country", random.pick(&COUNTRIES))
                .attribute("score", random.between(0, 200))
                .attribute("stage", random.pick(&STAGES))
                .attribute(
                    "total_spent",
                    Decimal::new(random.between(0, 500_000) as i64, 2),
                )
                .attribute("clicks_30d", random.between(0, 20))
                .attribute("days_since_last_activity", random.between(0, 365))
                .build();
            built.unwrap_or_else(|error| panic!("a generated contact does not build: {error}"))
        })
        .collect()
}

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
