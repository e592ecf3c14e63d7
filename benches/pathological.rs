#![allow(
    clippy::panic,
    reason = "a benchmark whose fixed inputs do not behave as expected cannot run"
)]
//! The cost of pathological inputs (spec §10): what the limits tests show completes,
//! measured here rather than timed in a test. Compiling 100,000 nested parentheses
//! (rejected by the depth limit), a 1 MiB string literal (rejected by the string limit,
//! then accepted with the limit raised), 10,000 `or` terms, a chain of 1,000
//! references and 10,000 items (the item limit); evaluating windowed aggregates over a
//! contact with 1,000,000 events (the event limit).
//!
//! Run with `cargo bench --bench pathological`; samples are few, so a run is short.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use funil::{CompileError, Compiler, Context, Limits, Program, Value};

const SCHEMA: &str = include_str!("../tests/data/spec_schema.funil");
const MIB: usize = 1024 * 1024;

fn compile(limits: Limits, rules: &str) -> Result<Program, CompileError> {
    Compiler::new()
        .limits(limits)
        .source("schema.funil", SCHEMA)
        .source("rules.funil", rules)
        .compile()
}

/// Benchmarks compiling `rules`, which must compile (`accepted`) or fail.
fn bench_compile(c: &mut Criterion, name: &str, limits: Limits, rules: &str, accepted: bool) {
    if compile(limits, rules).is_ok() != accepted {
        panic!(
            "{name}: expected the rules to be {}",
            if accepted { "accepted" } else { "rejected" }
        );
    }
    c.bench_function(name, |b| {
        b.iter(|| black_box(compile(limits, black_box(rules)).is_ok()))
    });
}

fn compiling(c: &mut Criterion) {
    let depth = 100_000;
    let parens = format!(
        "segment s {{ {}true{} }}",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    bench_compile(
        c,
        "compile 100,000 nested parentheses (rejected)",
        Limits::default(),
        &parens,
        false,
    );

    let string = format!("segment s {{ email == \"{}\" }}", "a".repeat(MIB));
    let room = Limits::default().max_source_bytes(2 * MIB);
    bench_compile(
        c,
        "compile a 1 MiB string literal (rejected)",
        room,
        &string,
        false,
    );
    bench_compile(
        c,
        "compile a 1 MiB string literal (limit raised)",
        room.max_string_bytes(MIB),
        &string,
        true,
    );

    let terms: Vec<String> = (0..10_000).map(|i| format!("total_spent == {i}")).collect();
    let or_terms = format!("segment s {{ {} }}", terms.join(" or "));
    bench_compile(
        c,
        "compile 10,000 or terms",
        Limits::default(),
        &or_terms,
        true,
    );

    let mut chain = String::from("segment s0 { country == \"BR\" }\n");
    for i in 1..=1_000 {
        let _ = writeln!(chain, "segment s{i} {{ segment(s{}) }}", i - 1);
    }
    bench_compile(
        c,
        "compile a chain of 1,000 references",
        Limits::default(),
        &chain,
        true,
    );

    let items: String = (0..10_000)
        .map(|i| {
            format!(
                "segment s{i} {{ count(page.viewed within {}d) > 2 }}\n",
                i % 300 + 1
            )
        })
        .collect();
    bench_compile(c, "compile 10,000 items", Limits::default(), &items, true);
}

fn evaluating(c: &mut Criterion) {
    let rules = "score abandoned { when true => sum(cart.abandoned within 1d, value) }\n\
                 decide seen { else => count(cart.abandoned) }\n\
                 segment big_spender { avg(cart.abandoned within 30d, value) > 0.5 }";
    let program = compile(Limits::default(), rules)
        .unwrap_or_else(|error| panic!("the aggregate rules do not compile:\n{error}"));
    let now: DateTime<Utc> = DateTime::from_timestamp(1_795_348_800, 0).unwrap_or_default();
    let mut builder = program
        .contact("c-big")
        .attribute("email", "big@example.com")
        .attribute("stage", "lead")
        .attribute("created_at", Value::DateTime(now))
        .attribute("total_spent", 0_i64)
        .attribute("tags", Vec::<String>::new());
    for seconds in 0..1_000_000_i64 {
        let at = now - TimeDelta::seconds(seconds);
        builder = builder.event("cart.abandoned", at, [("value", Value::from(1_i64))]);
    }
    let contact = builder
        .build()
        .unwrap_or_else(|error| panic!("the contact of a million events is refused: {error}"));
    let context = Context::new(now);
    c.bench_function(
        "sum over a 1-day window of a 1,000,000-event contact",
        |b| b.iter(|| black_box(program.score("abandoned", &contact, &context).is_ok())),
    );
    c.bench_function("evaluate every item of a 1,000,000-event contact", |b| {
        b.iter(|| black_box(program.evaluate(&contact, &context).is_ok()))
    });
}

criterion_group! {
    name = pathological;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(2));
    targets = compiling, evaluating
}
criterion_main!(pathological);
