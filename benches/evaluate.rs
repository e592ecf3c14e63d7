#![allow(
    clippy::panic,
    reason = "a benchmark whose fixed inputs do not load cannot run"
)]
//! Benchmarks: compiling the spec's rules, and evaluating them for one contact.
//!
//! Run with `cargo bench`; needs `[[bench]] name = "evaluate" harness = false` in
//! `Cargo.toml`.

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use funil::{Context, Program};

const SCHEMA: &str = include_str!("../tests/data/spec_schema.funil");
const ITEMS: &str = include_str!("../tests/data/spec_items.funil");
const CONTACT: &str = include_str!("../tests/data/spec_contact.jsonl");

fn compile() -> Program {
    match funil::Compiler::new()
        .source("schema.funil", SCHEMA)
        .source("rules.funil", ITEMS)
        .compile()
    {
        Ok(program) => program,
        Err(error) => panic!("the spec rules do not compile:\n{error}"),
    }
}

fn benches(c: &mut Criterion) {
    c.bench_function("compile spec rules", |b| b.iter(|| black_box(compile())));

    let program = compile();
    let contact = match program.contact_from_json(CONTACT.trim()) {
        Ok(contact) => contact,
        Err(error) => panic!("the spec contact does not read: {error}"),
    };
    let now: DateTime<Utc> = DateTime::from_timestamp(1_795_348_800, 0).unwrap_or_default();
    let context = Context::new(now);
    c.bench_function("segment service_interest", |b| {
        b.iter(|| {
            black_box(
                program
                    .segment("service_interest", &contact, &context)
                    .is_ok(),
            )
        })
    });
    c.bench_function("evaluate every item", |b| {
        b.iter(|| black_box(program.evaluate(&contact, &context).is_ok()))
    });
}

criterion_group!(evaluate, benches);
criterion_main!(evaluate);
