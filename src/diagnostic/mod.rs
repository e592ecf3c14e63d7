//! Diagnostics: spans, source files, compile errors and warnings, and their rendering.
//!
//! The parser and the checker point at source text with byte [`Span`]s into a
//! [`SourceFile`]. A [`Diagnostic`] is made from a file and a span: it copies the file
//! name, the line and column (1-based, columns in chars) and the source line, so it
//! renders on its own, in rustc's layout:
//!
//! ```text
//! error[E0003]: unknown attribute `contry`
//!   --> rules.funil:10:3
//!    |
//! 10 |   contry == "BR"
//!    |   ^^^^^^ help: did you mean `country`?
//! ```
//!
//! A compile that fails returns a [`CompileError`] holding every diagnostic it found.
//! [`did_you_mean`] picks the help for a misspelt name.
//!
//! ```
//! use funil::diagnostic::{help_did_you_mean, Diagnostic, SourceFile, Span};
//!
//! let file = SourceFile::new("rules.funil", "contry == \"BR\"");
//! let mut error = Diagnostic::error("E0003", "unknown attribute `contry`", &file, Span::new(0, 6));
//! if let Some(help) = help_did_you_mean("contry", ["email", "country"]) {
//!     error = error.with_help(help);
//! }
//! assert_eq!(
//!     error.to_string(),
//!     "error[E0003]: unknown attribute `contry`
//!  --> rules.funil:1:1
//!   |
//! 1 | contry == \"BR\"
//!   | ^^^^^^ help: did you mean `country`?"
//! );
//! ```

pub mod codes;
mod error;
mod render;
mod report;
mod sources;
mod span;
mod suggest;

pub use error::CompileError;
pub use render::render_all;
pub use report::{Diagnostic, Severity};
pub use sources::{SourceFile, Sources};
pub use span::{FileId, Span};
pub use suggest::{did_you_mean, help_did_you_mean};
