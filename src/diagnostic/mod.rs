//! Diagnostics: spans, source files, compile errors and warnings, and their rendering.

mod span;

pub use span::Span;
