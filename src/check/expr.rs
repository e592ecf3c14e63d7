//! Expressions: names, operators and their types (§4.2–§4.4), into nodes.
//!
//! Recursion here follows the syntax tree, whose depth the parser bounds.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::{Checker, Scope, Ty, TyKind};
use crate::diagnostic::{Span, codes, help_did_you_mean};
use crate::model::{KindId, Value};
use crate::program::{ArithmeticOp, CompareOp, Location, Node, NodeId, Part, PropSlot, TextOp};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, StringPart, UnaryOp};

const SECONDS_PER_DAY: i64 = 86_400;

/// The name of a workflow run's entry instant (§8.1).
const ENTERED_AT: &str = "entered_at";

impl Checker<'_, '_> {
    /// An expression that must be a condition (`bool`, null counting as false).
    pub(super) fn condition(&mut self, expr: &Expr, scope: Scope<'_>) -> NodeId {
        self.expect_type(expr, scope, &TyKind::Bool, "a condition")
    }

    /// An expression that must be of `kind` (nullable allowed); `what` names its role.
    pub(super) fn expect_type(
        &mut self,
        expr: &Expr,
        scope: Scope<'_>,
        kind: &TyKind,
        what: &str,
    ) -> NodeId {
        let (node, ty) = self.expr(expr, scope);
        if !ty.is(kind) && ty.kind != TyKind::Null {
            let expected = Ty::new(kind.clone());
            let error = self.error(
                codes::TYPE_MISMATCH,
                format!("{what} must be `{expected}`, found `{ty}`"),
                expr.span,
            );
            self.report(error);
        }
        node
    }

    /// Checks an expression, returning its node and type, and records where the node
    /// was written (for explanations; an enclosing expression with the same node, such
    /// as `+x`, records over it).
    pub(super) fn expr(&mut self, expr: &Expr, scope: Scope<'_>) -> (NodeId, Ty) {
        let (node, ty) = crate::stack::with_headroom(|| self.expr_unguarded(expr, scope));
        let location = Location {
            file: self.file_index,
            span: expr.span,
        };
        self.nodes.locate(node, location);
        (node, ty)
    }

    fn expr_unguarded(&mut self, expr: &Expr, scope: Scope<'_>) -> (NodeId, Ty) {
        match &expr.node {
            ExprKind::Number { value, percent } => {
                let value = if *percent {
                    *value / Decimal::ONE_HUNDRED
                } else {
                    *value
                };
                (self.push(Node::Literal(Value::Number(value))), Ty::NUMBER)
            }
            ExprKind::String(parts) => self.string(parts, scope),
            ExprKind::Bool(b) => (self.push(Node::Literal(Value::Bool(*b))), Ty::BOOL),
            ExprKind::Null => (self.push(Node::Literal(Value::Null)), Ty::NULL),
            ExprKind::Duration(d) => (self.push(Node::Literal(Value::Duration(*d))), Ty::DURATION),
            ExprKind::Date(d) => (self.push(Node::Literal(Value::Date(*d))), Ty::DATE),
            ExprKind::DateTime(t) => (self.push(Node::Literal(Value::DateTime(*t))), Ty::DATETIME),
            ExprKind::Now => (self.push(Node::Now), Ty::DATETIME),
            ExprKind::Today => (self.push(Node::Today), Ty::DATE),
            ExprKind::List(elements) => self.list(elements, expr.span, scope),
            ExprKind::Name(name) => self.name(name, expr.span, scope),
            ExprKind::ContactAttribute(name) => self.attribute(&name.node, name.span, None),
            ExprKind::Field { target, field } => self.field(target, field, scope),
            ExprKind::Call { function, args } => self.call(function, args, expr.span, scope),
            ExprKind::Unary { op, operand } => self.unary(*op, operand, scope),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, expr.span, scope),
            ExprKind::Or(operands) | ExprKind::And(operands) => {
                let nodes = operands.iter().map(|o| self.condition(o, scope)).collect();
                let node = match &expr.node {
                    ExprKind::Or(_) => Node::Or(nodes),
                    _ => Node::And(nodes),
                };
                (self.push(node), Ty::BOOL)
            }
            ExprKind::IsNull { operand, negated } => {
                let (node, ty) = self.expr(operand, scope);
                if !ty.nullable && !ty.is_any() {
                    let warning = self
                        .warning(
                            codes::NEVER_NULL,
                            format!("a value of type `{ty}` is never null"),
                            operand.span,
                        )
                        .with_help(format!(
                            "so `is {}null` is always {}",
                            if *negated { "not " } else { "" },
                            *negated
                        ));
                    self.report(warning);
                }
                (
                    self.push(Node::IsNull {
                        operand: node,
                        negated: *negated,
                    }),
                    Ty::BOOL,
                )
            }
            ExprKind::Matches { subject, pattern } => {
                let subject_node =
                    self.expect_type(subject, scope, &TyKind::String, "the subject of `matches`");
                let built = regex::RegexBuilder::new(&pattern.node)
                    .size_limit(self.limits.max_regex_bytes)
                    .dfa_size_limit(self.limits.max_regex_bytes)
                    .build();
                match built {
                    Ok(regex) => {
                        let node = Node::Matches {
                            subject: subject_node,
                            regex: Arc::new(regex),
                        };
                        (self.push(node), Ty::BOOL)
                    }
                    Err(error) => {
                        let detail = match &error {
                            regex::Error::CompiledTooBig(limit) => {
                                format!("the pattern compiles to more than {limit} bytes")
                            }
                            other => {
                                let text = other.to_string();
                                let last = text.lines().last().unwrap_or("").trim();
                                last.strip_prefix("error: ").unwrap_or(last).to_string()
                            }
                        };
                        let diagnostic = self
                            .error(codes::BAD_REGEX, "invalid regular expression", pattern.span)
                            .with_help(detail);
                        self.fail(diagnostic)
                    }
                }
            }
        }
    }

    fn string(&mut self, parts: &[StringPart], scope: Scope<'_>) -> (NodeId, Ty) {
        if let [StringPart::Text(text)] = parts {
            return (
                self.push(Node::Literal(Value::String(Arc::from(text.as_str())))),
                Ty::STRING,
            );
        }
        let mut pieces = Vec::with_capacity(parts.len());
        for part in parts {
            match part {
                StringPart::Text(text) => pieces.push(Part::Text(Arc::from(text.as_str()))),
                StringPart::Interpolation(expr) => {
                    let (node, ty) = self.expr(expr, scope);
                    if matches!(ty.kind, TyKind::Record(_)) {
                        let error = self
                            .error(
                                codes::TYPE_MISMATCH,
                                "an event cannot be printed",
                                expr.span,
                            )
                            .with_help("print one of its fields, such as `.at`");
                        self.report(error);
                    }
                    pieces.push(Part::Value(node));
                }
            }
        }
        (
            self.push(Node::Interpolate(pieces.into_boxed_slice())),
            Ty::STRING,
        )
    }

    fn list(&mut self, elements: &[Expr], span: Span, scope: Scope<'_>) -> (NodeId, Ty) {
        let mut element_ty = Ty::ANY;
        let mut nodes = Vec::with_capacity(elements.len());
        let mut constant = Vec::with_capacity(elements.len());
        for element in elements {
            let (node, ty) = self.expr(element, scope);
            if matches!(ty.kind, TyKind::Record(_)) {
                let error = record_misuse(self, element.span);
                self.report(error);
                nodes.push(node);
                continue;
            }
            match element_ty.unify(&ty) {
                Some(unified) => element_ty = unified,
                None => {
                    let error = self
                        .error(
                            codes::TYPE_MISMATCH,
                            format!("list elements must share one type: `{element_ty}` and `{ty}`"),
                            element.span,
                        )
                        .with_help(format!("the list starts at byte {}", span.start));
                    self.report(error);
                }
            }
            if let Some(Node::Literal(value)) = self.nodes.get(node) {
                constant.push(value.clone());
            }
            nodes.push(node);
        }
        let ty = Ty::list(element_ty);
        if constant.len() == nodes.len() {
            return (self.push(Node::Literal(Value::List(constant.into()))), ty);
        }
        (self.push(Node::List(nodes.into_boxed_slice())), ty)
    }

    /// A bare name: a prop of the event in scope, `at`, `entered_at` in a workflow,
    /// then a contact attribute.
    fn name(&mut self, name: &str, span: Span, scope: Scope<'_>) -> (NodeId, Ty) {
        if let Some(kinds) = scope.event {
            if name == "at" {
                return (self.push(Node::EventAt), Ty::DATETIME);
            }
            if let Some((slot, ty)) = self.prop(kinds, name) {
                return (self.push(Node::Prop(slot)), ty);
            }
        }
        if name == ENTERED_AT {
            if scope.workflow {
                return (self.push(Node::EnteredAt), Ty::DATETIME);
            }
            if self.schema.attribute(name).is_none() {
                let error = self
                    .error(
                        codes::OUT_OF_SCOPE,
                        "`entered_at` is only in scope inside a workflow",
                        span,
                    )
                    .with_help("it is the instant a workflow run entered; segments, scores and decisions have no run");
                return self.fail(error);
            }
        }
        self.attribute(name, span, scope.event)
    }

    /// A contact attribute; `event_kinds` adds the props in scope to the suggestions.
    pub(super) fn attribute(
        &mut self,
        name: &str,
        span: Span,
        event_kinds: Option<&[KindId]>,
    ) -> (NodeId, Ty) {
        if let Some(id) = self.schema.attribute(name) {
            let ty = self.schema.attribute_type(id).map_or(Ty::ANY, Ty::from);
            return (self.push(Node::Attribute(id)), ty);
        }
        let mut candidates: Vec<&str> = self.schema.attribute_names().collect();
        if let Some(kinds) = event_kinds {
            if let Some(first) = kinds.first() {
                candidates.extend(self.schema.props(*first).map(|(p, _)| p));
            }
            candidates.push("at");
        }
        let mut error = self.error(
            codes::UNKNOWN_ATTRIBUTE,
            format!("unknown attribute `{name}`"),
            span,
        );
        if let Some(help) = help_did_you_mean(name, candidates) {
            error = error.with_help(help);
        } else if name == "at" {
            error = error
                .with_help("`at` is an event's time: use it inside `where`, or read `last(…).at`");
        } else if event_kinds.is_none() && self.is_any_prop(name) {
            error = error.with_help(format!(
                "`{name}` is an event prop: use it inside a query's `where`"
            ));
        }
        self.fail(error)
    }

    fn is_any_prop(&self, name: &str) -> bool {
        self.schema
            .kinds()
            .any(|(kind, _)| self.schema.prop(kind, name).is_some())
    }

    /// A prop shared by every kind in `kinds`, with one type.
    pub(super) fn prop(&self, kinds: &[KindId], name: &str) -> Option<(PropSlot, Ty)> {
        let mut found: Option<(usize, &crate::model::Type)> = None;
        let mut same_slot = true;
        let mut by_kind = vec![None; self.schema.kind_count()];
        for kind in kinds {
            let (slot, ty) = self.schema.prop(*kind, name)?;
            if let Some((first_slot, first_ty)) = found {
                if first_ty != ty {
                    return None;
                }
                same_slot &= first_slot == slot;
            } else {
                found = Some((slot, ty));
            }
            if let Some(entry) = by_kind.get_mut(kind.index()) {
                *entry = Some(slot);
            }
        }
        let (slot, ty) = found?;
        let slot = if same_slot {
            PropSlot::Fixed(slot)
        } else {
            PropSlot::ByKind(by_kind.into_boxed_slice())
        };
        Some((slot, Ty::from(ty)))
    }

    fn unary(&mut self, op: UnaryOp, operand: &Expr, scope: Scope<'_>) -> (NodeId, Ty) {
        match op {
            UnaryOp::Not => {
                let node = self.condition(operand, scope);
                (self.push(Node::Not(node)), Ty::BOOL)
            }
            UnaryOp::Neg | UnaryOp::Plus => {
                let (node, ty) = self.expr(operand, scope);
                if !(ty.is(&TyKind::Number) || ty.is(&TyKind::Duration)) {
                    let symbol = if op == UnaryOp::Neg { "-" } else { "+" };
                    let error = self.error(
                        codes::TYPE_MISMATCH,
                        format!("unary `{symbol}` needs a number or a duration, found `{ty}`"),
                        operand.span,
                    );
                    return self.fail(error);
                }
                if op == UnaryOp::Plus {
                    return (node, ty);
                }
                (self.push(Node::Negate(node)), ty)
            }
        }
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
        scope: Scope<'_>,
    ) -> (NodeId, Ty) {
        let (lhs_node, lhs_ty) = self.expr(lhs, scope);
        let (rhs_node, rhs_ty) = self.expr(rhs, scope);
        let mismatch = |checker: &Self, help: Option<&str>| {
            let error = checker.error(
                codes::TYPE_MISMATCH,
                format!(
                    "`{}` cannot be applied to `{lhs_ty}` and `{rhs_ty}`",
                    op.symbol()
                ),
                span,
            );
            match help {
                Some(help) => error.with_help(help),
                None => error,
            }
        };
        let null_test = matches!(op, BinaryOp::Eq | BinaryOp::Ne)
            && (lhs_ty.kind == TyKind::Null || rhs_ty.kind == TyKind::Null);
        for (operand, ty) in [(lhs, &lhs_ty), (rhs, &rhs_ty)] {
            if matches!(ty.kind, TyKind::Record(_)) && !null_test {
                let error = record_misuse(self, operand.span);
                return self.fail(error);
            }
        }
        if lhs_ty.is_any() || rhs_ty.is_any() {
            // One side already failed; keep going without a second report.
            let ty = self.binary_result(op, &lhs_ty, &rhs_ty).unwrap_or(Ty::ANY);
            let node = self.binary_node(op, lhs_node, rhs_node);
            return (node, ty);
        }
        match op {
            BinaryOp::Eq | BinaryOp::Ne => {
                for (side, other) in [(&lhs_ty, &rhs_ty), (&rhs_ty, &lhs_ty)] {
                    if side.kind == TyKind::Null && !other.nullable {
                        let warning = self
                            .warning(
                                codes::NULL_COMPARISON,
                                format!("comparing `{other}`, which is never null, with `null`"),
                                span,
                            )
                            .with_help(format!("this comparison is always {}", op == BinaryOp::Ne));
                        self.report(warning);
                    }
                }
            }
            BinaryOp::Coalesce if !lhs_ty.nullable => {
                let warning = self
                    .warning(
                        codes::USELESS_DEFAULT,
                        format!("`??` on `{lhs_ty}`, which is never null"),
                        lhs.span,
                    )
                    .with_help("the default is never used");
                self.report(warning);
            }
            _ => {}
        }
        let Some(ty) = self.binary_result(op, &lhs_ty, &rhs_ty) else {
            let help = date_help(op, &lhs_ty, &rhs_ty);
            let error = mismatch(self, help);
            return self.fail(error);
        };
        if matches!(op, BinaryOp::Add | BinaryOp::Sub)
            && lhs_ty.kind == TyKind::Date
            && let ExprKind::Duration(d) = &rhs.node
            && (d.num_seconds() % SECONDS_PER_DAY != 0 || d.subsec_nanos() != 0)
        {
            let error = self
                .error(
                    codes::NOT_WHOLE_DAYS,
                    "a date moves by whole days only",
                    rhs.span,
                )
                .with_help(
                    "use a duration in days or weeks, such as `7d`, or convert to a datetime",
                );
            return self.fail(error);
        }
        (self.binary_node(op, lhs_node, rhs_node), ty)
    }

    /// The type of `lhs op rhs`, or none when the operator does not apply (§4.4).
    pub(super) fn binary_result(&self, op: BinaryOp, lhs: &Ty, rhs: &Ty) -> Option<Ty> {
        use TyKind::{Any, Date, DateTime, Duration, List, Null, Number, String};
        // `null` stands for a missing value of the other side's type — of its elements,
        // for the element tested by `in`.
        let (lhs, rhs) = match (&lhs.kind, &rhs.kind) {
            (Null, List(element)) if matches!(op, BinaryOp::In | BinaryOp::NotIn) => {
                ((**element).clone().or_null(true), rhs.clone())
            }
            (Null, other) if *other != Null && op != BinaryOp::Coalesce => {
                (rhs.clone().or_null(true), rhs.clone())
            }
            (other, Null)
                if *other != Null
                    && !matches!(op, BinaryOp::In | BinaryOp::NotIn | BinaryOp::Contains) =>
            {
                (lhs.clone(), lhs.clone().or_null(true))
            }
            _ => (lhs.clone(), rhs.clone()),
        };
        let (lhs, rhs) = (&lhs, &rhs);
        let nullable = lhs.nullable || rhs.nullable;
        let kind = match op {
            BinaryOp::Eq | BinaryOp::Ne => {
                lhs.unify(rhs)?;
                TyKind::Bool
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let common = lhs.unify(rhs)?;
                if !matches!(
                    common.kind,
                    Number | String | Date | DateTime | Duration | Any | Null
                ) {
                    return None;
                }
                TyKind::Bool
            }
            BinaryOp::In | BinaryOp::NotIn => {
                match &rhs.kind {
                    List(element) => {
                        lhs.unify(element)?;
                    }
                    Any | Null => {}
                    _ => return None,
                }
                TyKind::Bool
            }
            BinaryOp::Contains => {
                match (&lhs.kind, &rhs.kind) {
                    (String | Any | Null, String | Any | Null) => {}
                    (List(element), _) => {
                        element.unify(rhs)?;
                    }
                    _ => return None,
                }
                TyKind::Bool
            }
            BinaryOp::StartsWith | BinaryOp::EndsWith => {
                if !(lhs.is(&String) || lhs.kind == Null) || !(rhs.is(&String) || rhs.kind == Null)
                {
                    return None;
                }
                TyKind::Bool
            }
            BinaryOp::Coalesce => {
                let common = lhs.unify(rhs)?;
                return Some(Ty {
                    kind: common.kind,
                    nullable: rhs.nullable,
                });
            }
            BinaryOp::Add | BinaryOp::Sub => match (&lhs.kind, &rhs.kind, op) {
                (Any, _, _) | (_, Any, _) => Any,
                (Number, Number, _) => Number,
                (String, String, BinaryOp::Add) => String,
                (DateTime, Duration, _) => DateTime,
                (Date, Duration, _) => Date,
                (Duration, Duration, _) => Duration,
                (DateTime, DateTime, BinaryOp::Sub) | (Date, Date, BinaryOp::Sub) => Duration,
                _ => return None,
            },
            BinaryOp::Mul | BinaryOp::Div => match (&lhs.kind, &rhs.kind) {
                (Number | Any, Number | Any) => Number,
                _ => return None,
            },
        };
        // Division by zero is null, whatever the operands.
        let nullable = (nullable || op == BinaryOp::Div) && !matches!(kind, TyKind::Bool);
        Some(Ty { kind, nullable })
    }

    fn binary_node(&mut self, op: BinaryOp, lhs: NodeId, rhs: NodeId) -> NodeId {
        let node = match op {
            BinaryOp::Eq => Node::Compare {
                op: CompareOp::Eq,
                lhs,
                rhs,
            },
            BinaryOp::Ne => Node::Compare {
                op: CompareOp::Ne,
                lhs,
                rhs,
            },
            BinaryOp::Lt => Node::Compare {
                op: CompareOp::Lt,
                lhs,
                rhs,
            },
            BinaryOp::Le => Node::Compare {
                op: CompareOp::Le,
                lhs,
                rhs,
            },
            BinaryOp::Gt => Node::Compare {
                op: CompareOp::Gt,
                lhs,
                rhs,
            },
            BinaryOp::Ge => Node::Compare {
                op: CompareOp::Ge,
                lhs,
                rhs,
            },
            BinaryOp::In => Node::In {
                element: lhs,
                list: rhs,
                negated: false,
            },
            BinaryOp::NotIn => Node::In {
                element: lhs,
                list: rhs,
                negated: true,
            },
            BinaryOp::Contains => Node::Text {
                op: TextOp::Contains,
                lhs,
                rhs,
            },
            BinaryOp::StartsWith => Node::Text {
                op: TextOp::StartsWith,
                lhs,
                rhs,
            },
            BinaryOp::EndsWith => Node::Text {
                op: TextOp::EndsWith,
                lhs,
                rhs,
            },
            BinaryOp::Coalesce => Node::Coalesce {
                value: lhs,
                default: rhs,
            },
            BinaryOp::Add => Node::Arithmetic {
                op: ArithmeticOp::Add,
                lhs,
                rhs,
            },
            BinaryOp::Sub => Node::Arithmetic {
                op: ArithmeticOp::Sub,
                lhs,
                rhs,
            },
            BinaryOp::Mul => Node::Arithmetic {
                op: ArithmeticOp::Mul,
                lhs,
                rhs,
            },
            BinaryOp::Div => Node::Arithmetic {
                op: ArithmeticOp::Div,
                lhs,
                rhs,
            },
        };
        let node = super::specialise::specialised(node, &self.nodes);
        let specialised = matches!(node, Node::CompareAttribute { .. });
        let id = self.push(node);
        if specialised {
            self.nodes.specialised_from(id, lhs, rhs);
        }
        id
    }
}

/// An event record used as a value.
pub(super) fn record_misuse(
    checker: &Checker<'_, '_>,
    span: Span,
) -> crate::diagnostic::Diagnostic {
    checker
        .error(codes::TYPE_MISMATCH, "an event can only be tested with `is null` or read with `.field`", span)
        .with_help("read one of its fields, as in `last(purchase).at`, or test `last(purchase) is not null`")
}

/// Help for the classic mistake of mixing dates and datetimes.
fn date_help(op: BinaryOp, lhs: &Ty, rhs: &Ty) -> Option<&'static str> {
    let mixed = matches!(
        (&lhs.kind, &rhs.kind),
        (TyKind::Date, TyKind::DateTime) | (TyKind::DateTime, TyKind::Date)
    );
    if mixed {
        return Some("a date and a datetime do not compare: convert the datetime with `date(x)`");
    }
    if op == BinaryOp::Add && lhs.kind == TyKind::Duration {
        return Some("write the instant first: `t + 30d`");
    }
    None
}
