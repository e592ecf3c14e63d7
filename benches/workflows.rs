#![allow(
    clippy::panic,
    reason = "a benchmark whose fixed inputs do not load cannot run"
)]
//! Workflows of the quickstart rule set: a lead-nurturing run, parked at `wait until
//! decision(lifecycle_stage) == "mql" max 14d`, advanced once, late, through 10, 100
//! and 1,000 events (each event instant evaluates exit, goal and the wait's condition,
//! which computes the engagement score over its windows); and `enter_all` for a
//! contact whose whole history is reported as new.

use std::hint::black_box;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use funil::{Contact, Context, Program, Value};

const RULES: &str = include_str!("../examples/data/quickstart.funil");
const START: i64 = 1_795_348_800; // 2026-11-22T12:00:00Z

fn instant(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// A lead with `events` email opens spread over the 13 days after the start.
fn lead(program: &Program, events: i64) -> Contact {
    let mut builder = program
        .contact("lead-1")
        .attribute("email", "lead@example.com")
        .attribute("stage", "lead")
        .attribute("created_at", Value::DateTime(instant(START - 86_400)))
        .attribute("total_spent", 0)
        .attribute("tags", Value::List(Vec::new().into()));
    let spread = 13 * 86_400 / events.max(1);
    for n in 1..=events {
        builder = builder.event(
            "email.opened",
            instant(START + n * spread),
            [("campaign", Value::from("news"))],
        );
    }
    match builder.build() {
        Ok(contact) => contact,
        Err(error) => panic!("the bench contact is refused: {error}"),
    }
}

fn workflows(c: &mut Criterion) {
    let program = match funil::compile(RULES) {
        Ok(program) => program,
        Err(error) => panic!("the quickstart rules do not compile:\n{error}"),
    };
    let start = Context::new(instant(START));
    let late = Context::new(instant(START) + TimeDelta::days(13));
    let mut group = c.benchmark_group("lead nurturing advanced late");
    for events in [10, 100, 1_000] {
        let contact = lead(&program, events);
        let run = match program.enter("lead_nurturing", &contact, &start, &[], &[]) {
            Ok(Some(run)) => run,
            other => panic!("the lead does not enter: {other:?}"),
        };
        group.throughput(Throughput::Elements(events.unsigned_abs()));
        group.bench_with_input(
            BenchmarkId::from_parameter(events),
            &contact,
            |b, contact| {
                b.iter(|| program.advance(black_box(&run), contact, &late));
            },
        );
    }
    group.finish();

    // Issue 5, part 4: one advance of a parked run that is not due yet, and one that
    // emits an action, for a lead with 10 opens (the run's conditions see them).
    let contact = lead(&program, 10);
    let entered = match program.enter("lead_nurturing", &contact, &start, &[], &[]) {
        Ok(Some(run)) => run,
        other => panic!("the lead does not enter: {other:?}"),
    };
    let parked = match program.advance(&entered, &contact, &start) {
        Ok(advance) if advance.actions.len() == 1 => advance.state,
        other => panic!("the first advance does not send the guide: {other:?}"),
    };
    let an_hour_later = Context::new(instant(START) + TimeDelta::hours(1));
    match program.advance(&parked, &contact, &an_hour_later) {
        Ok(advance) if advance.actions.is_empty() => {}
        other => panic!("the parked run does something an hour later: {other:?}"),
    }
    let mut group = c.benchmark_group("advance");
    group.bench_function("parked, not due", |b| {
        b.iter(|| program.advance(black_box(&parked), &contact, &an_hour_later));
    });
    group.bench_function("emitting an action", |b| {
        b.iter(|| program.advance(black_box(&entered), &contact, &start));
    });
    group.finish();

    let contact = lead(&program, 100);
    let new_events: Vec<usize> = (0..contact.events().len()).collect();
    c.bench_function("enter_all, 100 new events", |b| {
        b.iter(|| program.enter_all(black_box(&contact), &late, &new_events, &[]));
    });
}

criterion_group!(benches, workflows);
criterion_main!(benches);
