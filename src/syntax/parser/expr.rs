//! Expressions (§4.1), by precedence climbing, and event queries (§4.6).
//!
//! Levels, lowest first: `or`, `and`, prefix `not`, comparisons (non-associative),
//! `??`, `+ -`, `* /`, prefix `- +`, postfix `.field`. An expression ends where the
//! next token cannot continue it, which is how `where`, `within`, `=>`, `max` or `}`
//! end one without any separator.

use nom::Err as NomErr;

use super::lexical::{NumberToken, commit, describe_next};
use super::{PResult, Parser, SyntaxError};
use crate::diagnostic::{Span, codes};
use crate::syntax::ast::{
    AGGREGATE_FUNCTIONS, Arg, BinaryOp, Expr, ExprKind, NamedArg, Query, QueryWindow, Spanned,
    UnaryOp, is_keyword,
};

/// Keywords that may name a function when `(` follows immediately.
const KEYWORD_FUNCTIONS: &[&str] = &["max", "round"];

/// Comparison operators written with symbols, longest first.
const SYMBOL_COMPARISONS: &[(&str, BinaryOp)] = &[
    ("==", BinaryOp::Eq),
    ("!=", BinaryOp::Ne),
    ("<=", BinaryOp::Le),
    (">=", BinaryOp::Ge),
    ("<", BinaryOp::Lt),
    (">", BinaryOp::Gt),
];

/// Arithmetic operators and `??`.
const ARITHMETIC: &[(&str, BinaryOp)] = &[
    ("??", BinaryOp::Coalesce),
    ("+", BinaryOp::Add),
    ("-", BinaryOp::Sub),
    ("*", BinaryOp::Mul),
    ("/", BinaryOp::Div),
];

/// Precedence levels (§4.1), loosest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Or,
    And,
    Not,
    Comparison,
    Coalesce,
    Additive,
    Multiplicative,
    Prefix,
}

impl Level {
    /// The next tighter level: the operands of a left-associative operator.
    fn tighter(self) -> Level {
        match self {
            Level::Or => Level::And,
            Level::And => Level::Not,
            Level::Not => Level::Comparison,
            Level::Comparison => Level::Coalesce,
            Level::Coalesce => Level::Additive,
            Level::Additive => Level::Multiplicative,
            Level::Multiplicative | Level::Prefix => Level::Prefix,
        }
    }
}

/// An infix operator as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Infix {
    Or,
    And,
    Compare(BinaryOp),
    Matches,
    IsNull { negated: bool },
    Arithmetic(BinaryOp),
}

impl Infix {
    fn level(self) -> Level {
        match self {
            Infix::Or => Level::Or,
            Infix::And => Level::And,
            Infix::Compare(_) | Infix::Matches | Infix::IsNull { .. } => Level::Comparison,
            Infix::Arithmetic(BinaryOp::Coalesce) => Level::Coalesce,
            Infix::Arithmetic(BinaryOp::Add | BinaryOp::Sub) => Level::Additive,
            Infix::Arithmetic(_) => Level::Multiplicative,
        }
    }
}

/// Comparison operators written as words.
const WORD_COMPARISONS: &[(&str, BinaryOp)] = &[
    ("in", BinaryOp::In),
    ("contains", BinaryOp::Contains),
    ("starts_with", BinaryOp::StartsWith),
    ("ends_with", BinaryOp::EndsWith),
];

impl<'s> Parser<'s> {
    /// A full expression, or a committed error.
    pub(super) fn parse_expr(&self, input: &'s str) -> PResult<'s, Expr> {
        self.parse_level(input, Level::Or).map_err(commit)
    }

    /// An expression at the `??` level or tighter: query bounds.
    pub(super) fn parse_coalesce(&self, input: &'s str) -> PResult<'s, Expr> {
        self.parse_level(input, Level::Coalesce)
    }

    /// An expression whose operators all bind at least as tightly as `min`, by
    /// precedence climbing: one loop for every binary level, so a parenthesis costs
    /// a handful of stack frames, not one per level.
    fn parse_level(&self, input: &'s str, min: Level) -> PResult<'s, Expr> {
        let entry_depth = self.depth.get();
        let result = self.parse_level_inner(input, min);
        self.depth.set(entry_depth);
        result
    }

    fn parse_level_inner(&self, input: &'s str, min: Level) -> PResult<'s, Expr> {
        let (mut rest, mut lhs) = self.parse_prefix(input, min)?;
        while let Some((infix, after_op)) = self.peek_infix(rest) {
            let level = infix.level();
            if level < min {
                break;
            }
            match infix {
                Infix::Or | Infix::And => {
                    let make = if infix == Infix::Or {
                        ExprKind::Or
                    } else {
                        ExprKind::And
                    };
                    let (next, chain) = self.parse_chain(after_op, infix, lhs)?;
                    lhs = Spanned::new(make(chain.0), chain.1);
                    rest = next;
                }
                Infix::Compare(op) => {
                    let (next, rhs) = self
                        .parse_level(after_op, Level::Coalesce)
                        .map_err(commit)?;
                    let span = lhs.span.to(rhs.span);
                    lhs = binary(op, lhs, rhs, span);
                    rest = self.refuse_chained_comparison(next)?;
                }
                Infix::Matches => {
                    let (next, pattern) = self.plain_string(after_op)?;
                    let span = lhs.span.to(pattern.span);
                    lhs = Spanned::new(
                        ExprKind::Matches {
                            subject: Box::new(lhs),
                            pattern,
                        },
                        span,
                    );
                    rest = self.refuse_chained_comparison(next)?;
                }
                Infix::IsNull { negated } => {
                    let (next, null_span) = self.expect_keyword(after_op, "null")?;
                    let span = lhs.span.to(null_span);
                    lhs = Spanned::new(
                        ExprKind::IsNull {
                            operand: Box::new(lhs),
                            negated,
                        },
                        span,
                    );
                    rest = self.refuse_chained_comparison(next)?;
                }
                Infix::Arithmetic(op) => {
                    // Each operator of a left-associative chain deepens the tree.
                    let depth = self.depth.get();
                    if depth >= self.limits.max_depth {
                        return Err(NomErr::Failure(SyntaxError::too_deep(
                            self.trivia(rest),
                            self.limits.max_depth,
                        )));
                    }
                    self.depth.set(depth + 1);
                    let (next, rhs) = self
                        .parse_level(after_op, level.tighter())
                        .map_err(commit)?;
                    let span = lhs.span.to(rhs.span);
                    lhs = binary(op, lhs, rhs, span);
                    rest = next;
                }
            }
        }
        Ok((rest, lhs))
    }

    /// The operands of a flat `and`/`or` chain whose first operand is `first`.
    fn parse_chain(
        &self,
        input: &'s str,
        infix: Infix,
        first: Expr,
    ) -> PResult<'s, (Vec<Expr>, Span)> {
        let operand_level = infix.level().tighter();
        let mut span = first.span;
        let mut operands = vec![first];
        let mut rest = input;
        loop {
            let (next, operand) = self.parse_level(rest, operand_level).map_err(commit)?;
            span = span.to(operand.span);
            operands.push(operand);
            rest = next;
            match self.peek_infix(rest) {
                Some((next_infix, after_op)) if next_infix == infix => rest = after_op,
                _ => return Ok((rest, (operands, span))),
            }
        }
    }

    /// Fails when another comparison follows one: comparisons do not associate.
    fn refuse_chained_comparison(&self, rest: &'s str) -> Result<&'s str, NomErr<SyntaxError>> {
        match self.peek_infix(rest) {
            Some((infix, after_op)) if infix.level() == Level::Comparison => {
                let at = self.trivia(rest);
                Err(NomErr::Failure(
                    SyntaxError::new(
                        codes::SYNTAX,
                        at,
                        at.len() - after_op.len(),
                        "comparison operators cannot be chained",
                    )
                    .with_help("combine comparisons with `and`: `a < b and b < c`"),
                ))
            }
            _ => Ok(rest),
        }
    }

    /// The infix operator at the start of `input`, and the input after it.
    fn peek_infix(&self, input: &'s str) -> Option<(Infix, &'s str)> {
        for (symbol, op) in SYMBOL_COMPARISONS {
            if let Ok((rest, _)) = self.punct(input, symbol) {
                return Some((Infix::Compare(*op), rest));
            }
        }
        for (symbol, op) in ARITHMETIC {
            if let Ok((rest, _)) = self.punct(input, symbol) {
                return Some((Infix::Arithmetic(*op), rest));
            }
        }
        let (rest, (word, _)) = self.word(input).ok()?;
        let infix = match word {
            "or" => Infix::Or,
            "and" => Infix::And,
            "matches" => Infix::Matches,
            "is" => match self.keyword(rest, "not") {
                Ok((rest, _)) => return Some((Infix::IsNull { negated: true }, rest)),
                Err(_) => Infix::IsNull { negated: false },
            },
            "not" => {
                let (rest, _) = self.keyword(rest, "in").ok()?;
                return Some((Infix::Compare(BinaryOp::NotIn), rest));
            }
            _ => Infix::Compare(WORD_COMPARISONS.iter().find(|(w, _)| *w == word)?.1),
        };
        Some((infix, rest))
    }

    /// Prefix `not` (when the level allows it), `-`, `+`, or a postfix expression.
    fn parse_prefix(&self, input: &'s str, min: Level) -> PResult<'s, Expr> {
        if min <= Level::Not
            && let Ok((rest, not_span)) = self.keyword(input, "not")
        {
            return self.nested(rest, |rest| {
                let (rest, operand) = self.parse_level(rest, Level::Not).map_err(commit)?;
                let span = not_span.to(operand.span);
                Ok((rest, unary(UnaryOp::Not, operand, span)))
            });
        }
        for (symbol, op) in [("-", UnaryOp::Neg), ("+", UnaryOp::Plus)] {
            if let Ok((rest, op_span)) = self.punct(input, symbol) {
                return self.nested(rest, |rest| {
                    let (rest, operand) = self.parse_level(rest, Level::Prefix).map_err(commit)?;
                    let span = op_span.to(operand.span);
                    Ok((rest, unary(op, operand, span)))
                });
            }
        }
        self.parse_postfix(input)
    }

    /// `.field` after an atom.
    fn parse_postfix(&self, input: &'s str) -> PResult<'s, Expr> {
        let entry_depth = self.depth.get();
        let result = (|| {
            let (mut rest, mut expr) = self.parse_atom(input)?;
            while let Ok((after_dot, _)) = self.punct(rest, ".") {
                let depth = self.depth.get();
                if depth >= self.limits.max_depth {
                    return Err(NomErr::Failure(SyntaxError::too_deep(
                        self.trivia(rest),
                        self.limits.max_depth,
                    )));
                }
                self.depth.set(depth + 1);
                let (next, field) = self.name(after_dot, "a field name")?;
                let span = expr.span.to(field.span);
                expr = Spanned::new(
                    ExprKind::Field {
                        target: Box::new(expr),
                        field,
                    },
                    span,
                );
                rest = next;
            }
            Ok((rest, expr))
        })();
        self.depth.set(entry_depth);
        result
    }

    /// Literals, names, calls, lists and parenthesised expressions.
    fn parse_atom(&self, input: &'s str) -> PResult<'s, Expr> {
        let start = self.trivia(input);
        let Some(first) = start.chars().next() else {
            return Err(NomErr::Error(SyntaxError::unexpected(
                start,
                "an expression",
            )));
        };
        match first {
            '(' => self.nested(start, |_| {
                let (rest, _) = self.punct(start, "(")?;
                let (rest, inner) = self.parse_expr(rest)?;
                let (rest, _) = self.expect_punct(rest, ")")?;
                // Parentheses leave no node, but they stop `and`/`or` flattening: the
                // grouped chain stays one operand of the outer chain.
                Ok((rest, Spanned::new(inner.node, self.span(start, rest))))
            }),
            '[' => self.parse_list(start),
            '"' => self.parse_string_expr(start),
            'r' if start.starts_with("r\"") => self.parse_string_expr(start),
            '@' => self.date_literal(start),
            '0'..='9' => {
                let (rest, token) = self.number_token(start)?;
                let kind = match token.node {
                    NumberToken::Number { value, percent } => ExprKind::Number { value, percent },
                    NumberToken::Duration(duration) => ExprKind::Duration(duration),
                };
                Ok((rest, Spanned::new(kind, token.span)))
            }
            _ => self.parse_word_atom(start),
        }
    }

    /// An atom that starts with a word: keyword literal, `contact.x`, call or name.
    fn parse_word_atom(&self, start: &'s str) -> PResult<'s, Expr> {
        let (rest, (word, span)) = self
            .word(start)
            .map_err(|_| NomErr::Error(SyntaxError::unexpected(start, "an expression")))?;
        let literal = match word {
            "true" => Some(ExprKind::Bool(true)),
            "false" => Some(ExprKind::Bool(false)),
            "null" => Some(ExprKind::Null),
            "now" => Some(ExprKind::Now),
            "today" => Some(ExprKind::Today),
            _ => None,
        };
        if let Some(kind) = literal {
            return Ok((rest, Spanned::new(kind, span)));
        }
        if rest.starts_with('(') && (!is_keyword(word) || KEYWORD_FUNCTIONS.contains(&word)) {
            return self.parse_call(start, rest, Spanned::new(word.to_string(), span));
        }
        if word == "contact" {
            let (rest, _) = self.expect_punct(rest, ".")?;
            let (rest, name) = self.name(rest, "a contact attribute")?;
            let span = span.to(name.span);
            return Ok((rest, Spanned::new(ExprKind::ContactAttribute(name), span)));
        }
        if is_keyword(word) {
            let mut error = SyntaxError::new(
                codes::SYNTAX,
                start,
                word.len(),
                format!("expected an expression, found keyword `{word}`"),
            );
            if word == "not" {
                error = error.with_help("put `not …` in parentheses here: `(not …)`");
            }
            return Err(NomErr::Error(error));
        }
        Ok((rest, Spanned::new(ExprKind::Name(word.to_string()), span)))
    }

    /// `[a, b, …]` (a trailing comma is allowed).
    fn parse_list(&self, start: &'s str) -> PResult<'s, Expr> {
        let max = self.limits.max_list_len;
        let (rest, elements) = self.separated(start, "[", "]", |rest, count| {
            if count >= max {
                let at = self.trivia(rest);
                let message = format!("list literal longer than {max} elements");
                return Err(NomErr::Failure(SyntaxError::new(
                    codes::LIST_TOO_LONG,
                    at,
                    1,
                    message,
                )));
            }
            self.parse_expr(rest)
        })?;
        let span = self.span(start, rest);
        Ok((rest, Spanned::new(ExprKind::List(elements), span)))
    }

    /// `function(args…)`; `rest` starts at the `(`.
    fn parse_call(
        &self,
        start: &'s str,
        rest: &'s str,
        function: Spanned<String>,
    ) -> PResult<'s, Expr> {
        let takes_query = AGGREGATE_FUNCTIONS.contains(&function.node.as_str());
        let (rest, args) = self.separated(rest, "(", ")", |rest, count| {
            self.parse_arg(rest, takes_query && count == 0)
        })?;
        let span = self.span(start, rest);
        Ok((rest, Spanned::new(ExprKind::Call { function, args }, span)))
    }

    /// `open element, element, … close` (a trailing comma is allowed), one nesting
    /// level deeper; `element` is told how many elements came before.
    pub(super) fn separated<T>(
        &self,
        input: &'s str,
        open: &str,
        close: &str,
        mut element: impl FnMut(&'s str, usize) -> PResult<'s, T>,
    ) -> PResult<'s, Vec<T>> {
        let (rest, _) = self.expect_punct(input, open)?;
        self.nested(rest, |mut rest| {
            let mut elements = Vec::new();
            while !self.at_punct(rest, close) {
                let (next, value) = element(rest, elements.len())?;
                elements.push(value);
                rest = next;
                match self.punct(rest, ",") {
                    Ok((next, _)) => rest = next,
                    Err(_) => break,
                }
            }
            let (rest, _) = self.punct(rest, close).map_err(|_| {
                NomErr::Failure(SyntaxError::unexpected(rest, &format!("`,` or `{close}`")))
            })?;
            Ok((rest, elements))
        })
    }

    /// One call argument: `name: EXPR`, a query (first argument of an aggregate), or
    /// an expression.
    fn parse_arg(&self, input: &'s str, may_be_query: bool) -> PResult<'s, Arg> {
        if let Ok((after_name, (word, span))) = self.word(input)
            && let (Ok((after_colon, _)), false) = (self.punct(after_name, ":"), is_keyword(word))
        {
            let name = Spanned::new(word.to_string(), span);
            let (rest, value) = self.parse_expr(after_colon)?;
            return Ok((rest, Arg::Named(NamedArg { name, value })));
        }
        if may_be_query && let Ok((after, _)) = self.kind_name(input) {
            let ends_query = ["where", "within", "since", "between"]
                .iter()
                .any(|k| self.at_keyword(after, k))
                || self.at_punct(after, ",")
                || self.at_punct(after, ")");
            if ends_query {
                let (rest, query) = self.parse_query(input)?;
                return Ok((rest, Arg::Query(query)));
            }
        }
        let (rest, expr) = self.parse_expr(input)?;
        Ok((rest, Arg::Expr(expr)))
    }

    /// `KIND [where EXPR] [within D | since T | between A and B]`.
    pub(super) fn parse_query(&self, input: &'s str) -> PResult<'s, Query> {
        let (mut rest, source) = self.kind_name(input).map_err(commit)?;
        let mut filter = None;
        if let Ok((after, _)) = self.keyword(rest, "where") {
            let (next, condition) = self.parse_expr(after)?;
            filter = Some(Box::new(condition));
            rest = next;
        }
        let window_start = self.trivia(rest);
        let mut window = None;
        if let Ok((after, _)) = self.keyword(rest, "within") {
            let (next, duration) = self.duration(after)?;
            window = Some(QueryWindow::Within(duration.node));
            rest = next;
        } else if let Ok((after, _)) = self.keyword(rest, "since") {
            let (next, bound) = self.parse_bound(after)?;
            window = Some(QueryWindow::Since(Box::new(bound)));
            rest = next;
        } else if let Ok((after, _)) = self.keyword(rest, "between") {
            let (next, from) = self.parse_bound(after)?;
            let (next, _) = self.expect_keyword(next, "and")?;
            let (next, until) = self.parse_bound(next)?;
            window = Some(QueryWindow::Between(Box::new(from), Box::new(until)));
            rest = next;
        }
        let window = window.map(|w| Spanned::new(w, self.span(window_start, rest)));
        Ok((
            rest,
            Query {
                source,
                filter,
                window,
            },
        ))
    }

    /// A window bound: an expression at the `??` level.
    fn parse_bound(&self, input: &'s str) -> PResult<'s, Expr> {
        let (rest, bound) = self.parse_coalesce(input).map_err(commit)?;
        if matches!(self.peek_infix(rest), Some((infix, _)) if infix.level() <= Level::Comparison && infix != Infix::And)
        {
            let at = self.trivia(rest);
            let (found, len) = describe_next(at);
            return Err(NomErr::Failure(
                SyntaxError::new(
                    codes::SYNTAX,
                    at,
                    len,
                    format!("unexpected {found} in a query bound"),
                )
                .with_help("a bound using a comparison, `and` or `or` must be in parentheses"),
            ));
        }
        Ok((rest, bound))
    }

    /// A string literal as an expression.
    fn parse_string_expr(&self, start: &'s str) -> PResult<'s, Expr> {
        let (rest, parts) = self.string_literal(start, true)?;
        Ok((rest, Spanned::new(ExprKind::String(parts.node), parts.span)))
    }
}

fn unary(op: UnaryOp, operand: Expr, span: Span) -> Expr {
    Spanned::new(
        ExprKind::Unary {
            op,
            operand: Box::new(operand),
        },
        span,
    )
}

fn binary(op: BinaryOp, lhs: Expr, rhs: Expr, span: Span) -> Expr {
    Spanned::new(
        ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    )
}
