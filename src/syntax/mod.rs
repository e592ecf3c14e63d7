//! Syntax: the abstract syntax tree with spans, the parser and the pretty-printer.
//!
//! This layer knows nothing of types or evaluation: it turns text into a
//! [`Module`](ast::Module) and back. [`format()`] turns source text into its canonical
//! layout, keeping its comments: the parser records where they stand, and the printer
//! writes them back at the same place in the tree.

pub mod ast;
mod format;
mod parser;
pub mod printer;

pub use format::{LINE_WIDTH, format};
pub use printer::{print, print_expr, print_stmt};

use crate::diagnostic::{CompileError, Diagnostic, SourceFile};
pub(crate) use parser::ParseLimits;

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_depth: 128,
            max_string_bytes: 64 * 1024,
            max_list_len: 10_000,
        }
    }
}

/// Parses one source text with the default limits.
///
/// ```
/// let module = funil::syntax::parse(r#"segment vip { tags contains "vip" }"#).unwrap();
/// assert_eq!(module.items.len(), 1);
/// ```
///
/// # Errors
///
/// Every item's first syntax error, as diagnostics on a file named `<input>`.
pub fn parse(text: &str) -> Result<ast::Module, CompileError> {
    let file = SourceFile::new("<input>", text);
    let (module, diagnostics) = parse_file(&file, ParseLimits::default());
    if diagnostics.is_empty() {
        Ok(module)
    } else {
        Err(CompileError::new(diagnostics))
    }
}

/// Parses one source file, turning syntax errors into diagnostics.
pub(crate) fn parse_file(file: &SourceFile, limits: ParseLimits) -> (ast::Module, Vec<Diagnostic>) {
    let (module, diagnostics, _) = parse_file_with_comments(file, limits);
    (module, diagnostics)
}

/// Parses one source file like [`parse_file`], also giving the spans of its comments
/// (from `#` to the end of the line), in source order.
pub(crate) fn parse_file_with_comments(
    file: &SourceFile,
    limits: ParseLimits,
) -> (ast::Module, Vec<Diagnostic>, Vec<crate::diagnostic::Span>) {
    let (module, errors, comments) = parser::parse_module(file.text(), limits);
    let diagnostics = errors
        .into_iter()
        .map(|error| {
            let span = error.span(file.text().len());
            let diagnostic = Diagnostic::error(error.code, error.message, file, span);
            match error.help {
                Some(help) => diagnostic.with_help(help),
                None => diagnostic,
            }
        })
        .collect();
    (module, diagnostics, comments)
}
