//! The checks behind the fuzz targets, kept apart from `fuzz_targets/` so that the
//! crate's `tests/fuzz_corpus.rs` replays the saved corpus through the very same code
//! under `cargo test` (it includes these files with `#[path]`).
//!
//! * [`syntax`]: arbitrary text to the parser (with the print/parse round trip) and
//!   to the compiler, against [`syntax::SCHEMA`].
//! * [`evaluate`]: a fixed program evaluated over contacts built from arbitrary data
//!   (its workflows entered and advanced too).
//! * [`workflow`]: arbitrary bytes read as a workflow run state and advanced.
//! * `columnar` (with the feature `arrow`, on by default): the contacts of
//!   [`evaluate`] evaluated again over Arrow batches and compared with the row
//!   interpreter's answers.

#[cfg(feature = "arrow")]
pub mod columnar;
pub mod evaluate;
pub mod syntax;
pub mod workflow;
