//! Expressions, calls and event queries, with the parentheses precedence needs (§4.1).

use super::Printer;
use crate::syntax::ast::{Arg, BinaryOp, Expr, ExprKind, Name, Query, QueryWindow, UnaryOp};

/// The level of `or` (§4.1).
const OR: u8 = 1;
/// The level of `and`.
const AND: u8 = 2;
/// The level of prefix `not`.
const NOT: u8 = 3;
/// The level of the non-associative comparisons, `is null` and `matches`.
const COMPARISON: u8 = 4;
/// The level of `??`, which is also the loosest a query bound may be.
const COALESCE: u8 = 5;
/// The level of prefix `-` and `+`.
const SIGN: u8 = 8;
/// The level of atoms, calls and field access.
const POSTFIX: u8 = 9;

impl Printer {
    /// Writes an expression at the loosest level: no enclosing parentheses.
    pub(super) fn expr(&mut self, expr: &Expr) {
        self.expr_at(expr, 0);
    }

    /// Writes an expression where only level `min` or tighter may stand unparenthesised.
    fn expr_at(&mut self, expr: &Expr, min: u8) {
        crate::stack::with_headroom(|| self.expr_at_unguarded(expr, min));
    }

    fn expr_at_unguarded(&mut self, expr: &Expr, min: u8) {
        self.before(expr.span.start);
        let parenthesised = level(&expr.node) < min;
        if parenthesised {
            self.text("(");
        }
        match &expr.node {
            ExprKind::Or(operands) if !operands.is_empty() && self.wraps(expr) => {
                self.wrapped(operands, "or ", AND);
            }
            ExprKind::And(operands) if !operands.is_empty() && self.wraps(expr) => {
                self.wrapped(operands, "and ", NOT);
            }
            _ => self.expr_kind(expr),
        }
        if parenthesised {
            self.text(")");
        }
        self.after(expr.span.end);
    }

    /// True when an `and`/`or` chain is written one operand per line: when formatting,
    /// and the chain holds a comment or does not fit on the current line.
    fn wraps(&self, expr: &Expr) -> bool {
        let Some(width) = self.trivia.as_ref().map(|trivia| trivia.width) else {
            return false;
        };
        if self.has_comment_in(expr.span) {
            return true;
        }
        let column = self
            .out
            .rsplit('\n')
            .next()
            .map_or(0, |line| line.chars().count());
        let mut measure = Printer {
            limit: Some(width),
            ..Printer::default()
        };
        measure.expr_kind(expr);
        column + measure.out.chars().count() > width
    }

    /// Writes an `and`/`or` chain with each operand after the first on a line of its
    /// own, one level deeper, starting with `keyword`.
    fn wrapped(&mut self, operands: &[Expr], keyword: &str, min: u8) {
        self.indent += 1;
        for (index, operand) in operands.iter().enumerate() {
            if index > 0 {
                self.text("\n");
                self.line_start();
                self.before(operand.span.start);
                self.text(keyword);
            }
            self.expr_at(operand, min);
        }
        self.indent = self.indent.saturating_sub(1);
    }

    /// Writes an expression without enclosing parentheses.
    fn expr_kind(&mut self, expr: &Expr) {
        match &expr.node {
            ExprKind::Number { value, percent } => {
                self.write(format_args!("{value}"));
                if *percent {
                    self.text("%");
                }
            }
            ExprKind::String(parts) => self.string_literal(parts),
            ExprKind::Bool(true) => self.text("true"),
            ExprKind::Bool(false) => self.text("false"),
            ExprKind::Null => self.text("null"),
            ExprKind::Now => self.text("now"),
            ExprKind::Today => self.text("today"),
            ExprKind::Duration(duration) => self.duration(duration),
            ExprKind::Date(date) => self.date(date),
            ExprKind::DateTime(instant) => self.datetime(instant),
            ExprKind::List(elements) => {
                self.text("[");
                self.separated(elements, ", ", 0);
                self.text("]");
            }
            ExprKind::Name(name) => self.text(name),
            ExprKind::ContactAttribute(name) => {
                self.text("contact.");
                self.text(&name.node);
            }
            ExprKind::Field { target, field } => self.field_chain(target, field),
            ExprKind::Call { function, args } => self.call(function, args),
            ExprKind::Unary { op, operand } => self.unary(*op, operand),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs),
            ExprKind::Or(operands) if operands.is_empty() => self.text("false"),
            ExprKind::Or(operands) => self.separated(operands, " or ", AND),
            ExprKind::And(operands) if operands.is_empty() => self.text("true"),
            ExprKind::And(operands) => self.separated(operands, " and ", NOT),
            ExprKind::IsNull { operand, negated } => {
                self.expr_at(operand, COALESCE);
                let suffix = if *negated { " is not null" } else { " is null" };
                self.lead(expr.span.end, suffix);
            }
            ExprKind::Matches { subject, pattern } => {
                self.expr_at(subject, COALESCE);
                self.lead(pattern.span.start, " matches ");
                self.plain_string(&pattern.node);
            }
        }
    }

    /// Writes `exprs` at level `min`, with `separator` between them.
    fn separated(&mut self, exprs: &[Expr], separator: &str, min: u8) {
        for (index, expr) in exprs.iter().enumerate() {
            if index > 0 {
                self.lead(expr.span.start, separator);
            }
            self.expr_at(expr, min);
        }
    }

    /// Writes a prefix operator and its operand, never gluing two signs (`- -x`).
    fn unary(&mut self, op: UnaryOp, operand: &Expr) {
        match op {
            UnaryOp::Not => {
                self.text("not ");
                self.expr_at(operand, NOT);
            }
            UnaryOp::Neg | UnaryOp::Plus => {
                self.text(if op == UnaryOp::Neg { "-" } else { "+" });
                if starts_with_sign(&operand.node) {
                    self.text(" ");
                }
                self.expr_at(operand, SIGN);
            }
        }
    }

    /// Writes a binary operation. A left-associative chain (`a - b - c`) is written
    /// iteratively, so its length never becomes recursion depth.
    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr) {
        let level = op.precedence();
        if level <= COMPARISON {
            self.expr_at(lhs, COALESCE);
            self.before(rhs.span.start);
            self.operator(op);
            self.expr_at(rhs, COALESCE);
            return;
        }
        let mut tail = vec![(op, rhs)];
        let mut base = lhs;
        while let ExprKind::Binary { op, lhs, rhs } = &base.node
            && op.precedence() == level
        {
            tail.push((*op, rhs));
            base = lhs;
        }
        self.expr_at(base, level);
        for (op, rhs) in tail.iter().rev() {
            self.before(rhs.span.start);
            self.operator(*op);
            self.expr_at(rhs, level.saturating_add(1));
        }
    }

    /// Writes a binary operator with a space on each side.
    fn operator(&mut self, op: BinaryOp) {
        self.text(" ");
        self.text(op.symbol());
        self.text(" ");
    }

    /// Writes `target.field`, and the fields of a chain `a.b.c` iteratively.
    fn field_chain(&mut self, target: &Expr, field: &Name) {
        let mut fields = vec![field];
        let mut base = target;
        while let ExprKind::Field { target, field } = &base.node {
            fields.push(field);
            base = target;
        }
        if needs_parens_as_target(&base.node) {
            self.text("(");
            self.expr_kind(base);
            self.text(")");
        } else {
            self.expr_kind(base);
        }
        for field in fields.iter().rev() {
            self.text(".");
            self.text(&field.node);
        }
    }

    /// Writes `function(args…)`, with `(` right after the name.
    fn call(&mut self, function: &Name, args: &[Arg]) {
        self.text(&function.node);
        self.text("(");
        let aggregate = crate::syntax::ast::AGGREGATE_FUNCTIONS.contains(&function.node.as_str());
        for (index, arg) in args.iter().enumerate() {
            if index > 0 {
                let start = match arg {
                    Arg::Expr(expr) => expr.span.start,
                    Arg::Named(named) => named.name.span.start,
                    Arg::Query(query) => query.source.span.start,
                };
                self.lead(start, ", ");
            }
            match arg {
                Arg::Expr(expr) if index == 0 && aggregate && reads_as_query(&expr.node) => {
                    // Parenthesised, or the parser would read it as a query.
                    self.text("(");
                    self.expr_kind(expr);
                    self.text(")");
                }
                Arg::Expr(expr) => self.expr(expr),
                Arg::Named(named) => {
                    self.text(&named.name.node);
                    self.lead(named.value.span.start, ": ");
                    self.expr(&named.value);
                }
                Arg::Query(query) => self.query(query),
            }
        }
        self.text(")");
    }

    /// Writes an event query: `KIND [where EXPR] [within D | since B | between A and B]`.
    pub(super) fn query(&mut self, query: &Query) {
        self.before(query.source.span.start);
        self.text(&query.source.node);
        self.after(query.source.span.end);
        if let Some(filter) = &query.filter {
            self.lead(filter.span.start, " where ");
            self.expr(filter);
        }
        if let Some(window) = &query.window {
            match &window.node {
                QueryWindow::Within(duration) => {
                    self.lead(window.span.end, " within ");
                    self.duration(duration);
                }
                QueryWindow::Since(bound) => {
                    self.lead(bound.span.start, " since ");
                    self.expr_at(bound, COALESCE);
                }
                QueryWindow::Between(start, end) => {
                    self.lead(start.span.start, " between ");
                    self.expr_at(start, COALESCE);
                    self.lead(end.span.start, " and ");
                    self.expr_at(end, COALESCE);
                }
            }
        }
    }
}

/// The precedence level of an expression's top operator (§4.1); 9 for atoms.
fn level(kind: &ExprKind) -> u8 {
    match kind {
        ExprKind::Or(_) => OR,
        ExprKind::And(_) => AND,
        ExprKind::Unary {
            op: UnaryOp::Not, ..
        } => NOT,
        ExprKind::Binary { op, .. } => op.precedence(),
        ExprKind::IsNull { .. } | ExprKind::Matches { .. } => COMPARISON,
        ExprKind::Unary { .. } => SIGN,
        _ => POSTFIX,
    }
}

/// True when the expression, written at the sign level, starts with `-` or `+`.
fn starts_with_sign(kind: &ExprKind) -> bool {
    match kind {
        ExprKind::Unary { op, .. } => *op != UnaryOp::Not,
        ExprKind::Number { value, .. } => value.is_sign_negative(),
        ExprKind::Duration(duration) => *duration < chrono::TimeDelta::zero(),
        _ => false,
    }
}

/// True when a field target must be parenthesised: operators, and literals whose text
/// a following `.` could extend (`(5).x`).
fn needs_parens_as_target(kind: &ExprKind) -> bool {
    level(kind) < POSTFIX
        || matches!(
            kind,
            ExprKind::Number { .. }
                | ExprKind::Duration(_)
                | ExprKind::Date(_)
                | ExprKind::DateTime(_)
        )
}

/// True when an expression is written as a dotted name (`a`, `contact.a`, `a.b.c`,
/// `now.x`), which the parser reads as a query when it is the first argument of an
/// aggregate. A lone keyword (`now`, `true`) is not a kind, so it reads as itself.
fn reads_as_query(kind: &ExprKind) -> bool {
    let mut current = kind;
    let mut dotted = false;
    loop {
        match current {
            ExprKind::Name(_) | ExprKind::ContactAttribute(_) => return true,
            ExprKind::Now | ExprKind::Today | ExprKind::Null | ExprKind::Bool(_) => {
                return dotted;
            }
            ExprKind::Field { target, .. } => {
                current = &target.node;
                dotted = true;
            }
            _ => return false,
        }
    }
}
