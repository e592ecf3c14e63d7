//! The parser: source text to [`Module`], with nom.
//!
//! One `parse_<rule>` method per grammar rule, each a nom parser over the remaining
//! text (`&str`). The parser is a struct only to remember the whole source (spans are
//! offsets into it: `source.len() - rest.len()`), the nesting limit and the current
//! depth. Every construct that nests — parentheses, brackets, blocks, prefix operators,
//! operator chains, interpolation — goes through [`Parser::nested`], so no input can
//! recurse deeper than the limit.
//!
//! Errors: a syntax error inside an item is reported and the parser skips to the next
//! line that starts an item, so one parse reports the errors of every item.

mod cap;
mod error;
mod experiment;
mod expr;
mod items;
mod lexical;
mod metric;
mod schema;
mod strings;
mod workflow;

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

use nom::Err as NomErr;

use super::ast::Module;
use crate::diagnostic::Span;
pub(crate) use error::SyntaxError;

/// The parser's result type: the remaining input and the value, or a syntax error.
type PResult<'s, T> = nom::IResult<&'s str, T, SyntaxError>;

/// Limits the parser enforces (§10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParseLimits {
    /// Deepest nesting of parentheses, brackets, blocks and prefix operators.
    pub max_depth: usize,
    /// Longest string literal, in bytes after decoding escapes.
    pub max_string_bytes: usize,
    /// Most elements in a list literal.
    pub max_list_len: usize,
}

/// Parses one source file, reporting every item's first syntax error, and the spans of
/// the comments the parser skipped, in source order.
pub(crate) fn parse_module(
    source: &str,
    limits: ParseLimits,
) -> (Module, Vec<SyntaxError>, Vec<Span>) {
    let parser = Parser {
        source,
        limits,
        depth: Cell::new(0),
        comments: RefCell::new(BTreeSet::new()),
    };
    let (module, errors) = parser.parse_module();
    let comments = parser
        .comments
        .into_inner()
        .into_iter()
        .map(|(start, end)| Span::new(start, end))
        .collect();
    (module, errors, comments)
}

/// The state of one parse.
struct Parser<'s> {
    source: &'s str,
    limits: ParseLimits,
    depth: Cell<usize>,
    /// The comments skipped so far (lookahead skips some twice; the set keeps one).
    comments: RefCell<BTreeSet<(usize, usize)>>,
}

impl<'s> Parser<'s> {
    /// The byte offset of the remaining input `rest` in the source.
    fn offset(&self, rest: &str) -> usize {
        self.source.len().saturating_sub(rest.len())
    }

    /// The span from the start of `from` to the start of `to` (both remaining inputs).
    fn span(&self, from: &str, to: &str) -> Span {
        Span::new(self.offset(from), self.offset(to))
    }

    /// Runs `f` one nesting level deeper, failing past the limit.
    fn nested<T>(
        &self,
        input: &'s str,
        f: impl FnOnce(&'s str) -> PResult<'s, T>,
    ) -> PResult<'s, T> {
        let depth = self.depth.get();
        if depth >= self.limits.max_depth {
            return Err(NomErr::Failure(SyntaxError::too_deep(
                input,
                self.limits.max_depth,
            )));
        }
        self.depth.set(depth + 1);
        let result = crate::stack::with_headroom(|| f(input));
        self.depth.set(depth);
        result
    }

    fn parse_module(&self) -> (Module, Vec<SyntaxError>) {
        let mut module = Module::default();
        let mut errors = Vec::new();
        let mut rest = self.source;
        loop {
            rest = self.trivia(rest);
            if rest.is_empty() {
                break;
            }
            self.depth.set(0);
            match self.parse_item(rest) {
                Ok((next, item)) => {
                    module.items.push(item);
                    rest = next;
                }
                Err(NomErr::Error(error) | NomErr::Failure(error)) => {
                    let failed_at = error.rest_len;
                    errors.push(error);
                    let tail_start = self.source.len().saturating_sub(failed_at);
                    rest = lexical::skip_to_next_item(self.source.get(tail_start..).unwrap_or(""));
                }
                Err(NomErr::Incomplete(_)) => {
                    errors.push(SyntaxError::unexpected(rest, "an item"));
                    break;
                }
            }
        }
        (module, errors)
    }
}

#[cfg(test)]
mod tests;
