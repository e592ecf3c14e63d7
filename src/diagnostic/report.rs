//! The [`Diagnostic`] type: one compile error or warning, located and ready to render.

use std::ops::Range;

use super::sources::{SourceFile, ceil_char_boundary, floor_char_boundary};
use super::span::Span;

/// Whether a diagnostic stops compilation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Severity {
    /// The rules do not compile.
    Error,
    /// Suspicious but valid; compilation goes on.
    Warning,
}

/// One compile error or warning: code, message, location, optional help and notes.
///
/// A diagnostic copies what it needs from its source file when it is made (the file
/// name and the source line), so it renders with `Display` without the sources.
/// Messages are lowercase with user input in backticks.
///
/// ```
/// use funil::diagnostic::{Diagnostic, SourceFile, Span};
///
/// let file = SourceFile::new("rules.funil", "segment br {\n  contry == \"BR\"\n}");
/// let error = Diagnostic::error("E0003", "unknown attribute `contry`", &file, Span::new(15, 21))
///     .with_help("did you mean `country`?");
/// assert_eq!((error.line(), error.column()), (2, 3));
/// assert_eq!(error.span(), 15..21);
/// assert_eq!(
///     error.to_string(),
///     "error[E0003]: unknown attribute `contry`
///  --> rules.funil:2:3
///   |
/// 2 |   contry == \"BR\"
///   |   ^^^^^^ help: did you mean `country`?"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    severity: Severity,
    code: &'static str,
    message: String,
    file: String,
    span: Span,
    line: usize,
    column: usize,
    help: Option<String>,
    notes: Vec<String>,
    /// The text of line `line`, without its line ending.
    source_line: String,
    /// Chars of `source_line` before the underline (`column - 1`).
    underline_start: usize,
    /// Chars underlined, at least 1.
    underline_width: usize,
}

impl Diagnostic {
    /// An error with `code` (like `"E0003"`) and `message`, at `span` in `file`.
    pub fn error(
        code: &'static str,
        message: impl Into<String>,
        file: &SourceFile,
        span: Span,
    ) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message.into(), file, span)
    }

    /// A warning with `code` (like `"W0001"`) and `message`, at `span` in `file`.
    pub fn warning(
        code: &'static str,
        message: impl Into<String>,
        file: &SourceFile,
        span: Span,
    ) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message.into(), file, span)
    }

    fn new(
        severity: Severity,
        code: &'static str,
        message: String,
        file: &SourceFile,
        span: Span,
    ) -> Diagnostic {
        let text = file.text();
        let (line, column) = file.locate(span.start);
        let (line_start, line_end) = file.line_bounds(line).unwrap_or((0, 0));
        // The underline runs from the span's start to its end, cut at the line's end.
        let from = floor_char_boundary(text, span.start).clamp(line_start, line_end);
        let to = ceil_char_boundary(text, span.end).clamp(from, line_end);
        let width = text.get(from..to).map_or(0, |s| s.chars().count());
        Diagnostic {
            severity,
            code,
            message,
            file: file.name().to_owned(),
            span,
            line,
            column,
            help: None,
            notes: Vec::new(),
            source_line: file.line_text(line).to_owned(),
            underline_start: column.saturating_sub(1),
            underline_width: width.max(1),
        }
    }

    /// Adds help, shown after the carets (`help: did you mean `country`?`).
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a note, shown on its own line below the source (`= note: …`).
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Error or warning.
    #[must_use]
    pub fn severity(&self) -> &Severity {
        &self.severity
    }

    /// Whether this is an error (not a warning).
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The code, like `"E0003"` or `"W0001"`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message, without code or location.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The name of the file the diagnostic is in.
    #[must_use]
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The 1-based line of the span's start.
    #[must_use]
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column of the span's start, counted in chars.
    #[must_use]
    pub fn column(&self) -> usize {
        self.column
    }

    /// The byte span in the source file.
    #[must_use]
    pub fn span(&self) -> Range<usize> {
        self.span.start..self.span.end
    }

    /// The help, if any.
    #[must_use]
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The notes, in the order they were added.
    #[must_use]
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The source line the span starts on, without its line ending.
    pub(crate) fn source_line(&self) -> &str {
        &self.source_line
    }

    /// Chars of the source line before the underline, and chars underlined (≥ 1).
    pub(crate) fn underline(&self) -> (usize, usize) {
        (self.underline_start, self.underline_width)
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> SourceFile {
        SourceFile::new("r.funil", "a = \"Olá\" + contry\nnext line\n")
    }

    #[test]
    fn fields_and_accessors() {
        let d = Diagnostic::warning("W0001", "careful", &file(), Span::new(13, 19))
            .with_help("h")
            .with_note("n1")
            .with_note("n2");
        assert_eq!(d.severity(), &Severity::Warning);
        assert!(!d.is_error());
        assert_eq!(d.code(), "W0001");
        assert_eq!(d.message(), "careful");
        assert_eq!(d.file(), "r.funil");
        assert_eq!((d.line(), d.column()), (1, 13));
        assert_eq!(d.span(), 13..19);
        assert_eq!(d.help(), Some("h"));
        assert_eq!(d.notes(), ["n1", "n2"]);
        assert_eq!(d.source_line(), "a = \"Olá\" + contry");
        assert_eq!(d.underline(), (12, 6));
        assert!(Diagnostic::error("E0001", "m", &file(), Span::new(0, 1)).is_error());
    }

    #[test]
    fn underline_is_cut_at_line_end_and_never_empty() {
        let f = file();
        let across = Diagnostic::error("E0001", "m", &f, Span::new(13, 25));
        assert_eq!(across.underline(), (12, 6));
        let empty = Diagnostic::error("E0001", "m", &f, Span::new(4, 4));
        assert_eq!(empty.underline(), (4, 1));
        let at_end = Diagnostic::error("E0001", "m", &f, Span::new(19, 20));
        assert_eq!((at_end.line(), at_end.column()), (1, 19));
        assert_eq!(at_end.underline(), (18, 1));
        let reversed = Diagnostic::error("E0001", "m", &f, Span::new(8, 2));
        assert_eq!(reversed.underline(), (7, 1));
    }

    #[test]
    fn out_of_range_spans_do_not_panic() {
        let f = file();
        let past = Diagnostic::error("E0001", "m", &f, Span::new(500, 900));
        assert_eq!((past.line(), past.column()), (3, 1));
        assert_eq!(past.source_line(), "");
        assert_eq!(past.underline(), (0, 1));
        // Offsets inside `á` (bytes 7..9) snap outwards to the whole char.
        let inside = Diagnostic::error("E0001", "m", &f, Span::new(8, 8));
        assert_eq!((inside.column(), inside.underline()), (8, (7, 1)));
        let partial = Diagnostic::error("E0001", "m", &f, Span::new(6, 8));
        assert_eq!((partial.column(), partial.underline()), (7, (6, 2)));
    }
}
