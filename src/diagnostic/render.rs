//! Rendering diagnostics in rustc's layout: header, location, source line, carets.
//!
//! ```text
//! error[E0003]: unknown attribute `contry`
//!   --> rules.funil:10:3
//!    |
//! 10 |   contry == "BR"
//!    |   ^^^^^^ help: did you mean `country`?
//!    |
//!    = note: attributes are declared in the schema
//! ```
//!
//! No line ends in whitespace, and the last line has no newline.

use std::fmt::{self, Write as _};

use super::report::{Diagnostic, Severity};

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.render_into(&mut out)?;
        // Trim each line so that empty source lines or whitespace in messages never
        // leave trailing whitespace.
        for (at, line) in out.lines().enumerate() {
            if at > 0 {
                f.write_char('\n')?;
            }
            f.write_str(line.trim_end())?;
        }
        Ok(())
    }
}

impl Diagnostic {
    fn render_into(&self, out: &mut String) -> fmt::Result {
        let kind = match self.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let line = self.line();
        let width = line.to_string().len();
        let pad = " ".repeat(width);
        writeln!(out, "{kind}[{}]: {}", self.code(), self.message())?;
        writeln!(out, "{pad}--> {}:{line}:{}", self.file(), self.column())?;
        writeln!(out, "{pad} |")?;
        writeln!(out, "{line} | {}", self.source_line())?;
        let (start, carets) = self.underline();
        // Reproduce tabs before the span so the carets line up under it.
        let indent: String = self
            .source_line()
            .chars()
            .chain(std::iter::repeat(' '))
            .take(start)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(out, "{pad} | {indent}{}", "^".repeat(carets))?;
        if let Some(help) = self.help() {
            write!(out, " help: {help}")?;
        }
        if !self.notes().is_empty() {
            write!(out, "\n{pad} |")?;
        }
        for note in self.notes() {
            write!(out, "\n{pad} = note: {note}")?;
        }
        Ok(())
    }
}

/// Renders every diagnostic, with a blank line between two diagnostics and no
/// newline after the last.
///
/// ```
/// use funil::diagnostic::{render_all, Diagnostic, SourceFile, Span};
///
/// let file = SourceFile::new("r.funil", "x ?? 1");
/// let warning = Diagnostic::warning("W0003", "`??` on a value that cannot be null", &file, Span::new(2, 4));
/// let error = Diagnostic::error("E0003", "unknown attribute `x`", &file, Span::new(0, 1));
/// assert_eq!(
///     render_all(&[error, warning]),
///     "error[E0003]: unknown attribute `x`
///  --> r.funil:1:1
///   |
/// 1 | x ?? 1
///   | ^
///
/// warning[W0003]: `??` on a value that cannot be null
///  --> r.funil:1:3
///   |
/// 1 | x ?? 1
///   |   ^^"
/// );
/// ```
#[must_use]
pub fn render_all(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (at, diagnostic) in diagnostics.iter().enumerate() {
        if at > 0 {
            out.push_str("\n\n");
        }
        out.push_str(&diagnostic.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::sources::SourceFile;
    use super::super::span::Span;
    use super::*;

    /// A file whose line `line` is `text`, preceded by `line - 1` filler lines.
    fn file_at_line(line: usize, text: &str) -> (SourceFile, usize) {
        let filler = "# filler\n".repeat(line - 1);
        let offset = filler.len();
        (
            SourceFile::new("rules.funil", filler + text + "\n}"),
            offset,
        )
    }

    #[test]
    fn spec_example_two_digit_line() {
        let (file, at) = file_at_line(10, "  contry == \"BR\"");
        let span = Span::new(at + 2, at + 8);
        let d = Diagnostic::error("E0003", "unknown attribute `contry`", &file, span)
            .with_help("did you mean `country`?");
        assert_eq!(
            d.to_string(),
            "error[E0003]: unknown attribute `contry`
  --> rules.funil:10:3
   |
10 |   contry == \"BR\"
   |   ^^^^^^ help: did you mean `country`?"
        );
    }

    #[test]
    fn one_digit_line_without_help() {
        let file = SourceFile::new("a.funil", "segment x { contry == 1 }");
        let d = Diagnostic::error(
            "E0003",
            "unknown attribute `contry`",
            &file,
            Span::new(12, 18),
        );
        assert_eq!(
            d.to_string(),
            "error[E0003]: unknown attribute `contry`
 --> a.funil:1:13
  |
1 | segment x { contry == 1 }
  |             ^^^^^^"
        );
    }

    #[test]
    fn non_ascii_before_span_counts_chars() {
        let file = SourceFile::new("a.funil", "\"Olá\" + contry");
        let d = Diagnostic::error(
            "E0003",
            "unknown attribute `contry`",
            &file,
            Span::new(9, 15),
        )
        .with_help("did you mean `country`?");
        assert_eq!(d.column(), 9);
        assert_eq!(
            d.to_string(),
            "error[E0003]: unknown attribute `contry`
 --> a.funil:1:9
  |
1 | \"Olá\" + contry
  |         ^^^^^^ help: did you mean `country`?"
        );
    }

    #[test]
    fn notes_follow_in_rustc_style() {
        let (file, at) = file_at_line(12, "score s { x }");
        let d = Diagnostic::error(
            "E0007",
            "score `s` has no rules",
            &file,
            Span::new(at, at + 7),
        )
        .with_note("a score adds the points of its rules")
        .with_note("write at least one `when` rule");
        assert_eq!(
            d.to_string(),
            "error[E0007]: score `s` has no rules
  --> rules.funil:12:1
   |
12 | score s { x }
   | ^^^^^^^
   |
   = note: a score adds the points of its rules
   = note: write at least one `when` rule"
        );
    }

    #[test]
    fn warning_header() {
        let file = SourceFile::new("w.funil", "plan == null");
        let d = Diagnostic::warning(
            "W0001",
            "comparing non-optional `plan` with null",
            &file,
            Span::new(0, 12),
        )
        .with_help("`plan` is never null; this is always false");
        assert_eq!(
            d.to_string(),
            "warning[W0001]: comparing non-optional `plan` with null
 --> w.funil:1:1
  |
1 | plan == null
  | ^^^^^^^^^^^^ help: `plan` is never null; this is always false"
        );
    }

    #[test]
    fn span_across_lines_is_cut_at_line_end() {
        let file = SourceFile::new("m.funil", "a and (b or\n  c)");
        let d = Diagnostic::error("E0010", "mismatched types", &file, Span::new(6, 16));
        assert_eq!(
            d.to_string(),
            "error[E0010]: mismatched types
 --> m.funil:1:7
  |
1 | a and (b or
  |       ^^^^^"
        );
    }

    #[test]
    fn tabs_before_span_are_kept() {
        let file = SourceFile::new("t.funil", "\tx\t== y");
        let d = Diagnostic::error("E0003", "unknown attribute `y`", &file, Span::new(6, 7));
        assert_eq!(
            d.to_string(),
            "error[E0003]: unknown attribute `y`\n --> t.funil:1:7\n  |\n1 | \tx\t== y\n  | \t \t   ^"
        );
    }

    #[test]
    fn empty_span_at_end_of_line_and_empty_line() {
        let file = SourceFile::new("e.funil", "when x\n\n");
        let at_end = Diagnostic::error("E0001", "expected `{`", &file, Span::new(6, 6));
        assert_eq!(
            at_end.to_string(),
            "error[E0001]: expected `{`\n --> e.funil:1:7\n  |\n1 | when x\n  |       ^"
        );
        let empty_line = Diagnostic::error("E0001", "unexpected end", &file, Span::new(7, 7));
        assert_eq!(
            empty_line.to_string(),
            "error[E0001]: unexpected end\n --> e.funil:2:1\n  |\n2 |\n  | ^"
        );
    }

    #[test]
    fn render_all_separates_with_a_blank_line() {
        let file = SourceFile::new("r.funil", "a b");
        let first = Diagnostic::error("E0001", "one", &file, Span::new(0, 1));
        let second = Diagnostic::error("E0002", "two", &file, Span::new(2, 3));
        assert_eq!(
            render_all(&[first, second]),
            "error[E0001]: one\n --> r.funil:1:1\n  |\n1 | a b\n  | ^\n\n\
             error[E0002]: two\n --> r.funil:1:3\n  |\n1 | a b\n  |   ^"
        );
        assert_eq!(render_all(&[]), "");
    }
}
