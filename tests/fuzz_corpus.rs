#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The fuzz corpus as regression tests: every saved input of `fuzz/corpus/parse`,
//! `fuzz/corpus/compile`, `fuzz/corpus/evaluate` and `fuzz/corpus/workflow` goes
//! through the very checks the fuzz targets run (the files of `fuzz/src/`, included
//! here), under `cargo test`.
//! Inputs that once crashed a target are kept in the corpus under `regression-…`
//! names. A missing or empty corpus directory fails. With `--features arrow`, the
//! evaluate corpus also goes through the columnar check (`fuzz/src/columnar.rs`).

#[cfg(feature = "arrow")]
#[path = "../fuzz/src/columnar.rs"]
mod columnar;
#[path = "../fuzz/src/evaluate.rs"]
mod evaluate;
#[path = "../fuzz/src/syntax.rs"]
mod syntax;
#[path = "../fuzz/src/workflow.rs"]
mod workflow;

use std::fs;
use std::path::Path;

use arbitrary::{Arbitrary as _, Unstructured};

/// The files of `fuzz/corpus/TARGET`, by name, with their bytes.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let entries = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus {} cannot be read: {e}", dir.display()));
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = fs::read(&path).unwrap();
            (path.display().to_string(), bytes)
        })
        .collect();
    assert!(!files.is_empty(), "the corpus {} is empty", dir.display());
    files.sort();
    files
}

/// Runs `check` on every file of the corpus of `target`, naming the file that fails.
fn replay(target: &str, mut check: impl FnMut(&[u8])) {
    for (name, bytes) in corpus(target) {
        // Shown with the test's output when the check panics.
        println!("replaying {name}");
        check(&bytes);
    }
}

#[test]
fn the_parse_corpus_parses_and_round_trips() {
    replay("parse", syntax::parse_round_trip);
}

#[test]
fn the_compile_corpus_compiles_evaluates_and_round_trips() {
    replay("compile", |bytes| {
        syntax::compile(bytes);
        syntax::parse_round_trip(bytes);
    });
}

#[test]
fn the_evaluate_corpus_evaluates_deterministically() {
    let mut decoded = 0;
    replay("evaluate", |bytes| {
        // Decoded as `fuzz_target!` decodes a structured input.
        if let Ok(input) = evaluate::Input::arbitrary_take_rest(Unstructured::new(bytes)) {
            evaluate::check(&input);
            decoded += 1;
        }
    });
    assert!(decoded > 0, "no input of the evaluate corpus decodes");
}

#[test]
fn the_workflow_corpus_is_advanced_or_refused() {
    replay("workflow", workflow::check);
}

/// The workflow corpus holds a state deferred by the fixture's frequency cap that
/// reads and advances (its fingerprint is right), so the deferred path is replayed.
#[test]
fn the_workflow_corpus_replays_a_state_deferred_by_a_cap() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/workflow/deferred-by-a-cap");
    let state: funil::RunState = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    assert_eq!(state.deferred_by(), Some("emails"));
    let program = funil::compile(workflow::RULES).unwrap();
    let at = |t: &str| t.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let contact = program
        .contact("c-1")
        .attribute("stage", "customer")
        .event("signup", at("2026-11-20T18:30:00Z"), [])
        .event("email.sent", at("2026-11-20T21:30:00Z"), [])
        .build()
        .unwrap();
    let advance = program
        .advance(
            &state,
            &contact,
            &funil::Context::new(at("2026-11-21T21:30:00Z")),
        )
        .unwrap();
    assert_eq!(advance.actions.len(), 1, "{advance:?}");
    assert_eq!(advance.actions[0].due, at("2026-11-21T21:30:00Z"));
}
