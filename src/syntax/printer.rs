//! The pretty-printer: syntax tree → canonical source text.
//!
//! [`print()`] writes a whole [`Module`], [`print_expr`] one expression and
//! [`print_stmt`] one workflow statement. The output is canonical and readable —
//! two-space indentation, a blank line between items, one declaration, rule, arm,
//! header clause or statement per line — and the parser reads it back to an equal tree (spans aside): `parse(&print(&m)) == Ok(m)` for every tree the
//! parser can produce.
//!
//! Parentheses are written only where precedence (§4.1) needs them, so a tree with
//! redundant grouping in its source prints without it. Everything is written into one
//! `String` buffer.
//!
//! Recursion follows the nesting of the tree, except along the chains that the parser
//! builds without nesting in the source — left-associative operator chains
//! (`a + b + c …`), field chains (`a.b.c …`) and `step` label chains — which are
//! printed iteratively. So a tree read from source prints with a recursion depth bounded
//! by the parser's nesting limit (§10), however long its chains.
//!
//! What no source text can express is printed as closely as the syntax allows, without
//! panicking: a negative number literal (which the parser reads as a unary minus), an
//! empty `and`/`or` (printed `true`/`false`), sub-second parts of durations and
//! datetimes (dropped).

mod comments;
mod expr;
mod items;
mod literal;
mod workflow;

#[cfg(test)]
mod tests;

use std::fmt;

use crate::syntax::ast::{Expr, Module, Stmt};

/// Prints a module as canonical source text, one item per block with a blank line
/// between items.
///
/// The parser reads the result back to an equal module (spans are ignored by equality).
///
/// ```
/// use funil::diagnostic::Span;
/// use funil::syntax::ast::{Expr, ExprKind, Item, ItemKind, Module, Segment, SegmentBody, Spanned};
/// use funil::syntax::printer::print;
///
/// let span = Span::default();
/// let body = Expr::new(ExprKind::Name("vip".to_string()), span);
/// let segment = Segment {
///     name: Spanned::new("vips".to_string(), span),
///     title: Some(Spanned::new("Very \"important\"".to_string(), span)),
///     body: SegmentBody::Condition(body),
/// };
/// let module = Module { items: vec![Item::new(ItemKind::Segment(segment), span)] };
/// assert_eq!(print(&module), "segment vips \"Very \\\"important\\\"\" {\n  vip\n}\n");
/// ```
pub fn print(module: &Module) -> String {
    let mut printer = Printer::default();
    for (index, item) in module.items.iter().enumerate() {
        if index > 0 {
            printer.text("\n");
        }
        printer.item(item);
    }
    printer.out
}

/// Prints a module read from `source` like [`print()`], writing the source's comments
/// (`comments`, their spans in source order) where they stood and wrapping `and`/`or`
/// chains that would pass `width` columns: the formatter's layout.
pub(crate) fn print_with_comments(
    module: &Module,
    source: &str,
    comments: Vec<crate::diagnostic::Span>,
    width: usize,
) -> String {
    let mut printer = Printer::formatter(source, comments, width);
    for (index, item) in module.items.iter().enumerate() {
        if index > 0 {
            printer.text("\n");
        }
        printer.item(item);
    }
    printer.finish()
}

/// Prints one expression as canonical source text, on one line, with the parentheses
/// its precedence needs.
///
/// ```
/// use funil::diagnostic::Span;
/// use funil::syntax::ast::{BinaryOp, Expr, ExprKind};
/// use funil::syntax::printer::print_expr;
///
/// let span = Span::default();
/// let name = |n: &str| Box::new(Expr::new(ExprKind::Name(n.to_string()), span));
/// let sum = Expr::new(ExprKind::Binary { op: BinaryOp::Add, lhs: name("a"), rhs: name("b") }, span);
/// let product = Expr::new(
///     ExprKind::Binary { op: BinaryOp::Mul, lhs: Box::new(sum), rhs: name("c") },
///     span,
/// );
/// assert_eq!(print_expr(&product), "(a + b) * c");
/// ```
pub fn print_expr(expr: &Expr) -> String {
    let mut printer = Printer::default();
    printer.expr(expr);
    printer.out
}

/// Prints one workflow statement as canonical source text (a block inside it spans
/// lines, indented from column 0). A `step` label is printed with its statement.
///
/// ```
/// let module = funil::syntax::parse("workflow w { enter when true\n wait   2d }").unwrap();
/// let funil::syntax::ast::ItemKind::Workflow(workflow) = &module.items[0].node else {
///     unreachable!()
/// };
/// assert_eq!(funil::syntax::print_stmt(&workflow.body[0]), "wait 2d");
/// ```
pub fn print_stmt(stmt: &Stmt) -> String {
    let mut printer = Printer::default();
    printer.stmt(stmt);
    printer.out
}

/// The output buffer and the current indentation.
#[derive(Default)]
struct Printer {
    /// Everything written so far.
    out: String,
    /// The indentation of the current line, in levels of two spaces.
    indent: usize,
    /// The source's comments and the layout width, when formatting source text
    /// ([`crate::syntax::format()`]); `None` prints the tree alone, on one line per
    /// construct.
    trivia: Option<comments::Trivia>,
    /// A comment ended the current line: the next text starts a new line.
    pending_break: bool,
    /// The indentation, in spaces, of the line a pending break starts.
    break_indent: usize,
    /// Where the last comment written ends in `out`.
    last_comment_end: Option<usize>,
    /// Inside a string literal, where no comment may be written.
    in_string: usize,
    /// Stop appending past this many bytes (when measuring a layout).
    limit: Option<usize>,
}

impl Printer {
    /// Appends `text`; after a comment, on a new line.
    fn text(&mut self, text: &str) {
        if let Some(limit) = self.limit
            && self.out.len() > limit
        {
            return;
        }
        let mut text = text;
        if self.pending_break {
            self.pending_break = false;
            if !text.starts_with('\n') {
                self.out.push('\n');
                self.spaces(self.break_indent);
                text = text.trim_start_matches(' ');
            }
        }
        self.out.push_str(text);
    }

    /// Appends `count` spaces.
    fn spaces(&mut self, count: usize) {
        self.out.extend(std::iter::repeat_n(' ', count));
    }

    /// Appends formatted text.
    fn write(&mut self, args: fmt::Arguments<'_>) {
        self.text(&fmt::format(args));
    }

    /// Starts a line at the current indentation.
    fn line_start(&mut self) {
        if self.pending_break {
            self.pending_break = false;
            self.out.push('\n');
        }
        self.spaces(self.indent * 2);
    }

    /// Writes ` {`, then the lines written by `body` one level deeper, then `}` at the
    /// current indentation; an empty body prints ` { }`. `close` is where the source's
    /// `}` stands, so that the comments before it stay inside the braces.
    fn braced(&mut self, empty: bool, close: Option<usize>, body: impl FnOnce(&mut Self)) {
        if empty {
            if let Some(close) = close {
                self.before(close);
            }
            self.text(" { }");
            return;
        }
        self.text(" {\n");
        self.indent += 1;
        body(self);
        if let Some(close) = close {
            self.before(close);
        }
        self.indent = self.indent.saturating_sub(1);
        self.line_start();
        self.text("}");
    }
}
