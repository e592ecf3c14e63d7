//! Diagnostics: spans, source files, compile errors and warnings, and their rendering.

pub mod codes;
mod span;

pub use span::Span;
