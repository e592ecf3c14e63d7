//! The formatter: source text → the same rules in canonical layout, comments kept.
//!
//! It reads the source with the parser (which records every comment's span), prints the
//! tree with the pretty-printer in its formatting mode — comments written back where
//! they stood, `and`/`or` chains wrapped one operand per line when they would pass
//! [`LINE_WIDTH`] — then checks its own output: the output must parse to a tree equal to
//! the source's (spans aside) and hold the same comments, and printing it again must
//! give it back. A comment that changes sides (a trailing comment that cannot end a
//! line of code goes on a line of its own) can move once more when the output is
//! printed again, so the formatter repeats, up to [`MAX_ROUNDS`] times, until the text
//! stops changing. So formatting never changes what the rules mean, never drops a
//! comment, and is idempotent; should any of that fail, it reports an error instead of
//! a wrong text.

use crate::diagnostic::{CompileError, Diagnostic, SourceFile, Span, codes};
use crate::syntax::{ParseLimits, parse_file_with_comments, printer};

/// The column at which the formatter wraps long conditions.
pub const LINE_WIDTH: usize = 100;

/// The largest source the formatter reads, in bytes: the default of
/// [`Limits::max_source_bytes`](crate::Limits::max_source_bytes).
const MAX_SOURCE_BYTES: usize = 1024 * 1024;

/// Formats rules source text: canonical layout, every comment kept where it was written.
///
/// The layout is the pretty-printer's ([`print()`](crate::syntax::print)): two-space
/// indentation, one declaration, rule, arm, clause or statement per line, one space
/// around operators, a blank line between items. A condition that would pass
/// [`LINE_WIDTH`] columns is wrapped before each `or` (and, when still too long, each
/// `and`), one operand per line. A comment on a line of its own stays on a line of its
/// own before the construct it preceded; a comment at the end of a line stays at the
/// end of that line. Formatting twice gives the same text as formatting once, and the
/// formatted text parses to the same syntax tree as the source.
///
/// ```
/// let source = "# Buyers.\nsegment buyers{exists(purchase)   # any purchase\n}\n";
/// assert_eq!(
///     funil::format(source)?,
///     "# Buyers.\nsegment buyers {\n  exists(purchase) # any purchase\n}\n"
/// );
/// # Ok::<(), funil::CompileError>(())
/// ```
///
/// # Errors
///
/// The source's syntax errors (every item's first), as diagnostics on a file named
/// `<input>`; a source larger than 1 MiB (`E0014`); and, should the formatter ever
/// fail to keep the meaning or every comment of a source or to reach a fixed point,
/// `E0030` rather than a wrong output.
pub fn format(source: &str) -> Result<String, CompileError> {
    let file = SourceFile::new("<input>", source);
    if source.len() > MAX_SOURCE_BYTES {
        return Err(CompileError::new(vec![Diagnostic::error(
            codes::SOURCE_TOO_LARGE,
            format!("source is larger than {MAX_SOURCE_BYTES} bytes"),
            &file,
            Span::new(0, 0),
        )]));
    }
    let (module, errors, comments) = parse_file_with_comments(&file, ParseLimits::default());
    if !errors.is_empty() {
        return Err(CompileError::new(errors));
    }
    let texts = comment_texts(source, &comments);
    let mut formatted = printer::print_with_comments(&module, source, comments, LINE_WIDTH);
    for round in 1..=MAX_ROUNDS {
        let output = SourceFile::new("<formatted>", &formatted);
        let (reread, errors, reread_comments) =
            parse_file_with_comments(&output, ParseLimits::default());
        if !errors.is_empty()
            || reread != module
            || comment_texts(&formatted, &reread_comments) != texts
        {
            return Err(failed(&file));
        }
        let again = printer::print_with_comments(&reread, &formatted, reread_comments, LINE_WIDTH);
        if again == formatted {
            return Ok(formatted);
        }
        if round == MAX_ROUNDS {
            break;
        }
        formatted = again;
    }
    Err(failed(&file))
}

/// How many times the formatter prints its own output again, waiting for it to stop
/// changing. One round settles every comment that changed sides; the bound keeps the
/// work linear whatever happens.
const MAX_ROUNDS: usize = 3;

/// The error for a source the formatter could not format faithfully.
fn failed(file: &SourceFile) -> CompileError {
    CompileError::new(vec![
        Diagnostic::error(
            codes::FORMAT_FAILED,
            "the formatter could not format this source faithfully",
            file,
            Span::new(0, 0),
        )
        .with_help("please report this source; it is left as written"),
    ])
}

/// The texts of `comments` in `source`, without trailing whitespace, sorted.
fn comment_texts<'s>(source: &'s str, comments: &[Span]) -> Vec<&'s str> {
    let mut texts: Vec<&str> = comments
        .iter()
        .map(|span| source.get(span.start..span.end).unwrap_or("").trim_end())
        .collect();
    texts.sort_unstable();
    texts
}
