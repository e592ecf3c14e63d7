//! The parser's own error: where it happened, a code, a message and help.
//!
//! nom only sees the remaining input, so a position is kept as the length of the
//! input left when the error arose; [`SyntaxError::span`] turns it into a byte span of
//! the whole source. This type stays inside the crate: callers see diagnostics.

use nom::error::{ErrorKind, ParseError};

use super::lexical::describe_next;
use crate::diagnostic::{Span, codes};

/// A syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// The length of the input left where the error starts.
    pub rest_len: usize,
    /// The length of the offending text, in bytes.
    pub len: usize,
    /// The diagnostic code.
    pub code: &'static str,
    /// What went wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl SyntaxError {
    /// An error at the start of `at`, `len` bytes long.
    pub fn new(code: &'static str, at: &str, len: usize, message: impl Into<String>) -> Self {
        SyntaxError {
            rest_len: at.len(),
            len,
            code,
            message: message.into(),
            help: None,
        }
    }

    /// Adds help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// "expected X, found Y", pointing at the next token of `at`.
    pub fn unexpected(at: &str, expected: &str) -> Self {
        let (found, len) = describe_next(at);
        SyntaxError::new(
            codes::SYNTAX,
            at,
            len,
            format!("expected {expected}, found {found}"),
        )
    }

    /// Nesting past the limit.
    pub fn too_deep(at: &str, limit: usize) -> Self {
        SyntaxError::new(
            codes::TOO_DEEP,
            at,
            1,
            format!("nesting deeper than {limit} levels"),
        )
        .with_help("split the rule into smaller segments, or flatten it with `and`/`or`")
    }

    /// The error's byte span in a source of `source_len` bytes.
    pub fn span(&self, source_len: usize) -> Span {
        let start = source_len.saturating_sub(self.rest_len);
        Span::new(start, start.saturating_add(self.len).min(source_len))
    }
}

impl<'s> ParseError<&'s str> for SyntaxError {
    fn from_error_kind(input: &'s str, _kind: ErrorKind) -> Self {
        SyntaxError::unexpected(input, "something else")
    }

    fn append(_input: &'s str, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        // The alternative that got further explains the mistake better.
        if other.rest_len < self.rest_len {
            other
        } else {
            self
        }
    }
}
