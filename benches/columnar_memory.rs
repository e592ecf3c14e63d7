#![allow(
    unsafe_code,
    reason = "a counting allocator must implement the unsafe trait `GlobalAlloc`"
)]
#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    reason = "a measurement whose fixed inputs do not load cannot run"
)]
//! Issue 13: peak memory per contact of the row path (`Program::evaluate_batch` over
//! a `Vec<Contact>`) and of the Arrow path (`Program::evaluate_arrow` over the record
//! batches of `Program::contacts_to_arrow`), over the 1,000,000 generated contacts and
//! the rules of `benches/batch.rs` (`top 1% by score(engagement)` among them).
//!
//! ```text
//! cargo bench --features arrow --bench columnar_memory
//! ```
//!
//! A counting global allocator, wrapping the system's, keeps the bytes live and their
//! peak. For each path it prints, per contact: the bytes of its inputs (the contacts,
//! or the two batches), the peak of the bytes allocated above the inputs during the
//! evaluation (the results included), and the bytes the results keep once it returns.
//! The contacts are dropped before the Arrow path is measured, so that its peak holds
//! the batches and what `evaluate_arrow` allocates only. It is a measurement, not a
//! criterion bench: it runs each path once.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use funil::Context;
use funil::arrow_array::cast::AsArray;

/// The system allocator, keeping the bytes live and the most live at once.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grow(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrink(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every method delegates to `System` with the arguments it was given, so the
// contract of `GlobalAlloc` holds exactly as it holds for `System`. Counting only
// touches two atomics, which neither allocate nor unwind.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract; `System` gets it unchanged.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grow(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grow(layout.size());
        }
        ptr
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by `System` (every allocation goes through this
        // type) with `layout`, as `realloc`'s caller guarantees.
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            grow(new_size);
            shrink(layout.size());
        }
        moved
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        shrink(layout.size());
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[path = "support/batch_contacts.rs"]
mod batch_contacts;

use batch_contacts::{CONTACTS, RULES, generate};

/// What one path used: bytes of its inputs, peak bytes above them while it ran, and
/// bytes its results keep.
struct Usage {
    inputs: usize,
    peak: usize,
    results: usize,
}

/// Runs `evaluate` with the peak reset, over inputs of `inputs` bytes; gives what it
/// used and its result.
fn measure<T>(inputs: usize, evaluate: impl FnOnce() -> T) -> (Usage, T) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = evaluate();
    let usage = Usage {
        inputs,
        peak: PEAK.load(Ordering::Relaxed).saturating_sub(before),
        results: LIVE.load(Ordering::Relaxed).saturating_sub(before),
    };
    (usage, result)
}

/// Bytes per contact.
fn per_contact(bytes: usize) -> String {
    format!("{:.0}", bytes as f64 / CONTACTS as f64)
}

/// Megabytes, for the totals.
fn megabytes(bytes: usize) -> String {
    format!("{:.0} MB", bytes as f64 / 1e6)
}

fn main() {
    let program =
        funil::compile(RULES).unwrap_or_else(|error| panic!("the rules do not compile:\n{error}"));
    let context =
        Context::new(DateTime::<Utc>::from_timestamp(1_795_348_800, 0).unwrap_or_default());

    let start = LIVE.load(Ordering::Relaxed);
    let contacts = generate(&program);
    let contact_bytes = LIVE.load(Ordering::Relaxed) - start;
    let (row, evaluations) = measure(contact_bytes, || {
        program
            .evaluate_batch(&contacts, &context)
            .unwrap_or_else(|error| panic!("the batch does not evaluate: {error}"))
    });
    let top = evaluations
        .iter()
        .filter(|evaluation| evaluation.segments().iter().any(|s| s == "top_engaged"))
        .count();
    assert_eq!(top, CONTACTS / 100, "top 1% of the contacts that rank");
    drop(evaluations);

    let before = LIVE.load(Ordering::Relaxed);
    let (people, events) = program
        .contacts_to_arrow(&contacts)
        .unwrap_or_else(|error| panic!("the contacts do not fit Arrow: {error}"));
    let batch_bytes = LIVE.load(Ordering::Relaxed) - before;
    drop(contacts);
    let (arrow, results) = measure(batch_bytes, || {
        program
            .evaluate_arrow(&people, &events, &context)
            .unwrap_or_else(|error| panic!("the batches do not evaluate: {error}"))
    });
    let top = results
        .column_by_name("top_engaged")
        .map_or(0, |column| column.as_boolean().true_count());
    assert_eq!(top, CONTACTS / 100, "the same top 1% from the Arrow path");
    let arrow_sizes = people.get_array_memory_size() + events.get_array_memory_size();

    println!("{CONTACTS} contacts, the rules of benches/batch.rs; bytes per contact:");
    println!();
    println!("| path | inputs | peak above the inputs during evaluation | results kept |");
    println!("|---|---:|---:|---:|");
    for (name, usage) in [
        ("row: `evaluate_batch` over `Vec<Contact>`", &row),
        ("Arrow: `evaluate_arrow` over record batches", &arrow),
    ] {
        println!(
            "| {name} | {} | {} | {} |",
            per_contact(usage.inputs),
            per_contact(usage.peak),
            per_contact(usage.results),
        );
    }
    println!();
    println!(
        "totals: row inputs {}, peak {}; Arrow inputs {} (arrays report {}), peak {}",
        megabytes(row.inputs),
        megabytes(row.peak),
        megabytes(arrow.inputs),
        megabytes(arrow_sizes),
        megabytes(arrow.peak),
    );
}
