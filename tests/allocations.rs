#![allow(
    unsafe_code,
    reason = "a counting allocator must implement the unsafe trait `GlobalAlloc`"
)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on bad fixed inputs"
)]
//! Evaluating a prepared contact allocates nothing (issue 5): with a [`Workspace`] and
//! an [`Evaluation`] kept between calls, `Program::evaluate_into` allocates only the
//! new values some decisions make, one allocation each (an interpolated string, a
//! `decide all` list).
//!
//! A counting global allocator, wrapping the system's, counts the allocations made on
//! the thread under test while a flag of that thread is up, so tests running at the
//! same time on other threads do not disturb the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use chrono::{DateTime, TimeDelta, Utc};
use funil::model::ContactBuffer;
use funil::{Contact, Context, Evaluation, Program, Tz, Value, Workspace};

#[path = "common/rows.rs"]
mod rows;

const QUICKSTART: &str = include_str!("../examples/data/quickstart.funil");
const CONTACTS: &str = include_str!("../examples/data/quickstart_contacts.jsonl");
const NOW: &str = "2026-11-22T12:00:00Z";

/// The system allocator, counting what the current thread allocates while asked to.
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn note_allocation() {
    // `try_with`: the allocator may run while the thread's locals are torn down. These
    // locals have constant initialisers and no destructors, so reading them never
    // allocates.
    let counting = COUNTING.try_with(Cell::get).unwrap_or(false);
    if counting {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
}

// SAFETY: every method delegates to `System` with the arguments it was given, so the
// contract of `GlobalAlloc` (valid layouts, pointers freed with the layout they were
// allocated with) holds exactly as it holds for `System`. Counting only touches two
// thread-local cells, which neither allocate nor unwind.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller upholds `alloc`'s contract; `System` gets it unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: `ptr` was allocated by `System` (every allocation goes through this
        // type) with `layout`, as `realloc`'s caller guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// How many allocations `f` makes on this thread.
fn allocations_in(f: impl FnOnce()) -> u64 {
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(Cell::get)
}

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

/// The quickstart's contacts, and two more with long histories: clicks, opens and
/// views inside the decayed score's windows, purchases, bounces and old events.
fn contacts(program: &Program) -> Vec<Contact> {
    let mut contacts: Vec<Contact> = CONTACTS
        .lines()
        .map(|line| program.contact_from_json(line).unwrap())
        .collect();
    for (id, first_name) in [("long-1", Some("Bia")), ("long-2", None)] {
        let mut builder = program
            .contact(id)
            .attribute("email", "long@example.org")
            .attribute("first_name", first_name)
            .attribute("country", "PT")
            .attribute("stage", "opportunity")
            .attribute("created_at", now() - TimeDelta::days(900))
            .attribute("total_spent", 750)
            .attribute("tags", vec!["b2b"]);
        for i in 0..400_i64 {
            let at = now() - TimeDelta::hours(i * 41);
            let campaign = ("campaign", Value::from("news"));
            builder = match i % 5 {
                0 => builder.event(
                    "email.clicked",
                    at,
                    [campaign, ("url", Value::from("/services/a"))],
                ),
                1 => builder.event("email.opened", at, [campaign]),
                2 => builder.event("page.viewed", at, [("path", Value::from("/pricing"))]),
                3 => builder.event(
                    "purchase",
                    at,
                    [
                        ("order_id", Value::from("A-1")),
                        ("amount", Value::from(120)),
                        ("category", Value::from("shoes")),
                    ],
                ),
                _ => builder.event(
                    "email.bounced",
                    at,
                    [campaign, ("kind", Value::from("soft"))],
                ),
            };
        }
        contacts.push(builder.build().unwrap());
    }
    contacts
}

/// Evaluates every contact once to let the workspace and the evaluation grow, then
/// returns the allocations of a second pass.
fn allocations_of_second_pass(program: &Program, contacts: &[Contact]) -> u64 {
    let tz: Tz = "America/Sao_Paulo".parse().unwrap();
    let context = Context::new(now()).with_time_zone(tz);
    let mut workspace = Workspace::new();
    let mut evaluation = Evaluation::new();
    let evaluate_all = |workspace: &mut Workspace, evaluation: &mut Evaluation| {
        for contact in contacts {
            program
                .evaluate_into(contact, &context, workspace, evaluation)
                .unwrap();
        }
    };
    evaluate_all(&mut workspace, &mut evaluation);
    allocations_in(|| evaluate_all(&mut workspace, &mut evaluation))
}

#[test]
fn evaluating_segments_scores_and_decisions_allocates_nothing() {
    // The quickstart up to its two decisions that make new values (only they and
    // the rewards, which `evaluate_into` leaves out, follow), plus time travel,
    // whose memo tables must be reused too.
    let end = QUICKSTART.find("decide greeting").unwrap();
    let rules = format!(
        "{}\nsegment warming {{ score(engagement) > score(engagement, at: now - 7d) }}\n\
         decide trend {{ when segment(warming) => \"up\" else => \"flat\" }}\n",
        &QUICKSTART[..end]
    );
    let program = funil::compile(&rules).unwrap();
    let contacts = contacts(&program);
    assert_eq!(allocations_of_second_pass(&program, &contacts), 0);
}

#[test]
fn testing_one_segment_in_a_kept_workspace_allocates_nothing() {
    // Every segment of the quickstart (ranked ones left out), with and without
    // references to other items, tested one by one with `segment_with`.
    let program = funil::compile(QUICKSTART).unwrap();
    let contacts = contacts(&program);
    let context = Context::new(now());
    let segments: Vec<_> = program
        .items()
        .filter_map(|(name, _)| program.segment_id(name).ok())
        .collect();
    assert!(segments.len() > 5);
    let mut workspace = Workspace::new();
    let test_all = |workspace: &mut Workspace| {
        for contact in &contacts {
            for segment in &segments {
                program
                    .segment_with(*segment, contact, &context, workspace)
                    .unwrap();
            }
        }
    };
    test_all(&mut workspace);
    assert_eq!(allocations_in(|| test_all(&mut workspace)), 0);
}

#[test]
fn refilling_a_buffer_from_the_callers_rows_and_evaluating_allocates_nothing() {
    // The same rules as above, over the contacts held as the caller's own rows
    // (owned strings, decimals, chrono values; nulls left out, events out of
    // order): one buffer refilled from each in turn, then every segment, score
    // and decision evaluated. The first pass grows the buffer and the workspace.
    let end = QUICKSTART.find("decide greeting").unwrap();
    let program = funil::compile(&QUICKSTART[..end]).unwrap();
    let contacts = contacts(&program);
    let rows: Vec<rows::Row> = contacts
        .iter()
        .map(|contact| rows::row_of(contact, rows::SHUFFLED))
        .collect();
    assert!(rows.iter().any(|row| row.events.len() > 100));
    let context = Context::new(now()).with_time_zone(Tz::America__Sao_Paulo);
    let mut buffer = ContactBuffer::new(program.schema());
    let mut workspace = Workspace::new();
    let mut evaluation = Evaluation::new();
    let mut refill_and_evaluate = |buffer: &mut ContactBuffer<'_>| {
        for row in &rows {
            let contact = rows::refill(buffer, row).unwrap();
            program
                .evaluate_into(contact, &context, &mut workspace, &mut evaluation)
                .unwrap();
        }
    };
    refill_and_evaluate(&mut buffer);
    assert_eq!(allocations_in(|| refill_and_evaluate(&mut buffer)), 0);
    // The counter sees a refill that must copy a text: a new email.
    let mut other = rows[0].clone();
    let email = program.schema().attribute("email").unwrap();
    for (id, field) in &mut other.attributes {
        if *id == email {
            *field = rows::Field::Text("someone.new@example.com".to_owned());
        }
    }
    assert_eq!(
        allocations_in(|| {
            rows::refill(&mut buffer, &other).unwrap();
        }),
        1
    );
}

#[test]
fn testing_a_predicate_over_the_callers_rows_allocates_nothing() {
    // The quickstart's segments that test only attributes, compiled over a view
    // of the rows, and the reference predicate's kind of rule.
    let source = format!(
        "{QUICKSTART}\nsegment lusophone_leads {{ (country == \"BR\" or country == \"PT\") \
         and stage != \"customer\" and total_spent >= 100 and owner is null }}\n"
    );
    let program = funil::compile(&source).unwrap();
    let view = rows::view(&program);
    let predicates: Vec<_> = program
        .items()
        .filter_map(|(name, _)| program.segment_id(name).ok())
        .filter_map(|segment| program.predicate(segment, &view).ok())
        .collect();
    assert!(predicates.len() >= 2, "{} predicates", predicates.len());
    let rows: Vec<rows::Row> = contacts(&program)
        .iter()
        .map(|contact| rows::row_of(contact, rows::SHUFFLED))
        .collect();
    let mut members = 0;
    let count = allocations_in(|| {
        for predicate in &predicates {
            for row in &rows {
                members += usize::from(predicate.test(row).unwrap());
            }
        }
    });
    assert_eq!(count, 0);
    assert!(members > 0);
}

#[test]
fn decisions_making_new_values_allocate_only_those_values() {
    let program = funil::compile(QUICKSTART).unwrap();
    let contacts = contacts(&program);
    // `greeting` interpolates a string when there is a first name; `interests`
    // (`decide all`) makes a list for every contact.
    let first_name = program.schema().attribute("first_name").unwrap();
    let greetings = contacts
        .iter()
        .filter(|contact| !contact.attribute(first_name).is_null())
        .count();
    let expected = (greetings + contacts.len()) as u64;
    assert_eq!(allocations_of_second_pass(&program, &contacts), expected);
}

#[test]
fn the_one_call_api_still_allocates_a_fresh_evaluation() {
    // The counter works: `Program::evaluate` builds a new workspace and evaluation.
    let program = funil::compile(QUICKSTART).unwrap();
    let contacts = contacts(&program);
    let context = Context::new(now());
    let count = allocations_in(|| {
        program.evaluate(&contacts[0], &context).unwrap();
    });
    assert!(count > 0);
}
