//! Calls: built-in functions (§4.5), aggregates over event queries (§4.6), fields of
//! `first`/`last`, and references to other items with time travel (§4.7).

use chrono::TimeDelta;

use super::references::referenced_kind;
use super::{Checker, Scope, Ty, TyKind};
use crate::diagnostic::{Span, codes, help_did_you_mean};
use crate::model::KindId;
use crate::program::{
    Aggregate, EventField, Function, ItemId, ItemKind, Node, NodeId, Query, Window,
};
use crate::syntax::ast::{
    self, AGGREGATE_FUNCTIONS, Arg, Expr, ExprKind, Name, QueryWindow, Spanned,
};

/// What a built-in function's parameter accepts.
#[derive(Debug, Clone, Copy)]
enum Param {
    Number,
    String,
    Date,
    DateTime,
    Duration,
    StringOrList,
}

/// The built-in functions: name, function, parameters, result.
const BUILTINS: &[(&str, Function, &[Param], TyKind)] = &[
    ("lower", Function::Lower, &[Param::String], TyKind::String),
    ("upper", Function::Upper, &[Param::String], TyKind::String),
    ("trim", Function::Trim, &[Param::String], TyKind::String),
    ("len", Function::Len, &[Param::StringOrList], TyKind::Number),
    ("abs", Function::Abs, &[Param::Number], TyKind::Number),
    ("floor", Function::Floor, &[Param::Number], TyKind::Number),
    ("ceil", Function::Ceil, &[Param::Number], TyKind::Number),
    (
        "round",
        Function::Round,
        &[Param::Number, Param::Number],
        TyKind::Number,
    ),
    (
        "min",
        Function::Min,
        &[Param::Number, Param::Number],
        TyKind::Number,
    ),
    (
        "max",
        Function::Max,
        &[Param::Number, Param::Number],
        TyKind::Number,
    ),
    ("date", Function::Date, &[Param::DateTime], TyKind::Date),
    ("hour", Function::Hour, &[Param::DateTime], TyKind::Number),
    (
        "weekday",
        Function::Weekday,
        &[Param::DateTime],
        TyKind::Number,
    ),
    ("days", Function::Days, &[Param::Duration], TyKind::Number),
    ("hours", Function::Hours, &[Param::Duration], TyKind::Number),
    (
        "years_since",
        Function::YearsSince,
        &[Param::Date],
        TyKind::Number,
    ),
    (
        "is_anniversary",
        Function::IsAnniversary,
        &[Param::Date],
        TyKind::Bool,
    ),
    (
        "days_until_anniversary",
        Function::DaysUntilAnniversary,
        &[Param::Date],
        TyKind::Number,
    ),
];

impl Checker<'_, '_> {
    pub(super) fn call(
        &mut self,
        function: &Name,
        args: &[Arg],
        span: Span,
        scope: Scope<'_>,
    ) -> (NodeId, Ty) {
        let name = function.node.as_str();
        if super::metric::POPULATION_FUNCTIONS.contains(&name) {
            let error = self.population_in_contact(name, span);
            return self.fail(error);
        }
        if let Some(kind) = referenced_kind(name) {
            return self.item_reference(kind, function, args, span);
        }
        if AGGREGATE_FUNCTIONS.contains(&name) && !self.is_number_min_max(name, args) {
            return self.aggregate(function, args, span, scope);
        }
        if name == "arm" {
            return self.split_arm(args, span);
        }
        let Some((_, builtin, params, result)) = BUILTINS.iter().find(|(n, ..)| *n == name) else {
            let names = BUILTINS
                .iter()
                .map(|(n, ..)| *n)
                .chain(AGGREGATE_FUNCTIONS.iter().copied())
                .chain(["segment", "score", "decision", "arm"]);
            let mut error = self.error(
                codes::UNKNOWN_FUNCTION,
                format!("unknown function `{name}`"),
                function.span,
            );
            if let Some(help) = help_did_you_mean(name, names) {
                error = error.with_help(help);
            }
            return self.fail(error);
        };
        if args.len() != params.len() {
            let error = self.error(
                codes::BAD_ARGUMENTS,
                format!(
                    "`{name}` takes {} argument{}, found {}",
                    params.len(),
                    plural(params.len()),
                    args.len()
                ),
                span,
            );
            return self.fail(error);
        }
        let mut nodes = Vec::with_capacity(args.len());
        let mut nullable = false;
        for (arg, param) in args.iter().zip(params.iter()) {
            let (node, ty) = match arg {
                Arg::Expr(expr) => self.expr(expr, scope),
                Arg::Query(query) => self.expr(&bare_query_as_expr(query), scope),
                Arg::Named(named) => {
                    let error = self.error(
                        codes::BAD_ARGUMENTS,
                        format!("`{name}` takes no argument named `{}`", named.name.node),
                        named.name.span,
                    );
                    self.fail(error)
                }
            };
            nullable |= ty.nullable;
            if !accepts(*param, &ty) {
                let error = self.error(
                    codes::TYPE_MISMATCH,
                    format!("`{name}` needs {}, found `{ty}`", describe(*param)),
                    arg_span(arg),
                );
                self.report(error);
            }
            nodes.push(node);
        }
        let node = self.push(Node::Call {
            function: *builtin,
            args: nodes.into_boxed_slice(),
        });
        (node, Ty::new(result.clone()).or_null(nullable))
    }

    /// `min(a, b)` / `max(a, b)` of two numbers, rather than over a query.
    fn is_number_min_max(&self, name: &str, args: &[Arg]) -> bool {
        if !matches!(name, "min" | "max") || args.len() != 2 {
            return false;
        }
        match args.first() {
            Some(Arg::Query(query)) => {
                query.is_bare() && self.kinds_of(&query.source.node).is_none()
            }
            _ => true,
        }
    }

    /// The kinds an event kind or group name stands for; reports an unknown name.
    pub(super) fn event_kinds(&mut self, source: &ast::KindName) -> Option<Box<[KindId]>> {
        let kinds = self.kinds_of(&source.node);
        if kinds.is_none() {
            let mut error = self.error(
                codes::UNKNOWN_KIND,
                format!("unknown event kind or group `{}`", source.node),
                source.span,
            );
            if let Some(help) = help_did_you_mean(&source.node, self.schema.kind_and_group_names())
            {
                error = error.with_help(help);
            }
            self.report(error);
        }
        kinds
    }

    pub(super) fn kinds_of(&self, name: &str) -> Option<Box<[KindId]>> {
        if let Some(kind) = self.schema.kind(name) {
            return Some(Box::new([kind]));
        }
        self.schema
            .group(name)
            .map(|group| self.schema.group_members(group).into())
    }

    fn aggregate(
        &mut self,
        function: &Name,
        args: &[Arg],
        span: Span,
        scope: Scope<'_>,
    ) -> (NodeId, Ty) {
        let name = function.node.as_str();
        let Some(Arg::Query(query)) = args.first() else {
            let error = self
                .error(
                    codes::BAD_ARGUMENTS,
                    format!("`{name}` takes an event query first"),
                    span,
                )
                .with_help(format!("for example `{name}(email.opened within 30d)`"));
            return self.fail(error);
        };
        let takes_value = matches!(name, "sum" | "avg" | "min" | "max");
        let arity = if takes_value { 2 } else { 1 };
        if args.len() != arity {
            let shape = if takes_value {
                "a query and a value"
            } else {
                "one query"
            };
            let error = self.error(
                codes::BAD_ARGUMENTS,
                format!(
                    "`{name}` takes {shape}, found {} argument{}",
                    args.len(),
                    plural(args.len())
                ),
                span,
            );
            return self.fail(error);
        }
        let Some((query, kinds)) = self.query(query, scope) else {
            return (self.push(Node::Literal(crate::model::Value::Null)), Ty::ANY);
        };
        if matches!(name, "first" | "last") {
            let node = Node::EventField {
                last: name == "last",
                query,
                field: None,
            };
            return (
                self.push(node),
                Ty::new(TyKind::Record(kinds)).or_null(true),
            );
        }
        let value = match args.get(1) {
            Some(Arg::Expr(expr)) => Some(self.expect_type(
                expr,
                Scope {
                    event: Some(&kinds),
                    ..scope
                },
                &TyKind::Number,
                "the aggregated value",
            )),
            Some(Arg::Query(bare)) => {
                let expr = bare_query_as_expr(bare);
                Some(self.expect_type(
                    &expr,
                    Scope {
                        event: Some(&kinds),
                        ..scope
                    },
                    &TyKind::Number,
                    "the aggregated value",
                ))
            }
            Some(Arg::Named(named)) => {
                let error = self.error(
                    codes::BAD_ARGUMENTS,
                    format!("`{name}` takes no argument named `{}`", named.name.node),
                    named.name.span,
                );
                self.report(error);
                None
            }
            None => None,
        };
        let (aggregate, ty) = match name {
            "count" => (Aggregate::Count, Ty::NUMBER),
            "exists" => (Aggregate::Exists, Ty::BOOL),
            "sum" => (Aggregate::Sum, Ty::NUMBER),
            "avg" => (Aggregate::Avg, Ty::NUMBER.or_null(true)),
            "min" => (Aggregate::Min, Ty::NUMBER.or_null(true)),
            _ => (Aggregate::Max, Ty::NUMBER.or_null(true)),
        };
        (
            self.push(Node::Aggregate {
                aggregate,
                query,
                value,
            }),
            ty,
        )
    }

    /// Resolves a query's kind or group, its filter (with the event in scope) and its
    /// window (in the enclosing scope).
    pub(super) fn query(
        &mut self,
        query: &ast::Query,
        scope: Scope<'_>,
    ) -> Option<(Query, Box<[KindId]>)> {
        let kinds = self.event_kinds(&query.source)?;
        let filter = query.filter.as_ref().map(|f| {
            self.condition(
                f,
                Scope {
                    event: Some(&kinds),
                    ..scope
                },
            )
        });
        let window = match query.window.as_ref().map(|w| (&w.node, w.span)) {
            None => Window::All,
            Some((QueryWindow::Within(duration), span)) => {
                if *duration <= TimeDelta::zero() {
                    let error = self.error(
                        codes::NOT_ALLOWED,
                        "a window must be longer than zero",
                        span,
                    );
                    self.report(error);
                }
                Window::Within(*duration)
            }
            Some((QueryWindow::Since(bound), _)) => Window::Since(self.bound(bound, scope)),
            Some((QueryWindow::Between(from, until), _)) => {
                Window::Between(self.bound(from, scope), self.bound(until, scope))
            }
        };
        Some((
            Query {
                kinds: kinds.clone(),
                filter,
                window,
                grouped: self.grouped_queries,
            },
            kinds,
        ))
    }

    fn bound(&mut self, bound: &Expr, scope: Scope<'_>) -> NodeId {
        self.expect_type(bound, scope, &TyKind::DateTime, "a query bound")
    }

    /// `target.field`: fields of `first(…)`/`last(…)`.
    pub(super) fn field(&mut self, target: &Expr, field: &Name, scope: Scope<'_>) -> (NodeId, Ty) {
        if let ExprKind::Call { function, args } = &target.node
            && let (true, [Arg::Query(query)]) = (
                matches!(function.node.as_str(), "first" | "last"),
                args.as_slice(),
            )
        {
            let Some((query, kinds)) = self.query(query, scope) else {
                return (self.push(Node::Literal(crate::model::Value::Null)), Ty::ANY);
            };
            let last = function.node == "last";
            if field.node == "at" {
                let node = Node::EventField {
                    last,
                    query,
                    field: Some(EventField::At),
                };
                return (self.push(node), Ty::DATETIME.or_null(true));
            }
            let Some((slot, ty)) = self.prop(&kinds, &field.node) else {
                return self.unknown_prop(&kinds, field);
            };
            let node = Node::EventField {
                last,
                query,
                field: Some(EventField::Prop(slot)),
            };
            return (self.push(node), ty.or_null(true));
        }
        let (_, ty) = self.expr(target, scope);
        if ty.is_any() {
            return (self.push(Node::Literal(crate::model::Value::Null)), Ty::ANY);
        }
        let help = match ty.kind {
            TyKind::Record(_) => {
                "read fields straight from `first(…)` or `last(…)`, as in `last(purchase).at`"
            }
            _ => "only events have fields: `last(purchase).amount`",
        };
        let error = self
            .error(
                codes::UNKNOWN_PROP,
                format!("`{ty}` has no field `{}`", field.node),
                field.span,
            )
            .with_help(help);
        self.fail(error)
    }

    pub(super) fn unknown_prop(&mut self, kinds: &[KindId], field: &Name) -> (NodeId, Ty) {
        let kind_names: Vec<&str> = kinds.iter().map(|k| self.schema.kind_name(*k)).collect();
        let mut candidates: Vec<&str> = kinds
            .first()
            .map(|k| self.schema.props(*k).map(|(p, _)| p).collect())
            .unwrap_or_default();
        candidates.push("at");
        let what = if kinds.len() == 1 {
            "event"
        } else {
            "every event of the group"
        };
        let mut error = self.error(
            codes::UNKNOWN_PROP,
            format!(
                "{what} `{}` has no prop `{}`",
                kind_names.join("|"),
                field.node
            ),
            field.span,
        );
        if let Some(help) = help_did_you_mean(&field.node, candidates) {
            error = error.with_help(help);
        }
        self.fail(error)
    }

    /// `segment(x)`, `score(x)`, `decision(x)`, optionally `at: now - D`.
    fn item_reference(
        &mut self,
        kind: ItemKind,
        function: &Name,
        args: &[Arg],
        span: Span,
    ) -> (NodeId, Ty) {
        let what = function.node.as_str();
        let Some(Arg::Expr(Spanned {
            node: ExprKind::Name(name),
            span: name_span,
        })) = args.first()
        else {
            let error = self
                .error(
                    codes::BAD_ARGUMENTS,
                    format!("`{what}` takes the name of a {what}"),
                    span,
                )
                .with_help(format!(
                    "for example `{what}(name)` or `{what}(name, at: now - 30d)`"
                ));
            return self.fail(error);
        };
        let mut offset = TimeDelta::zero();
        for extra in args.get(1..).unwrap_or(&[]) {
            match extra {
                Arg::Named(named) if named.name.node == "at" => {
                    match time_travel_offset(&named.value) {
                        Some(found) => offset = found,
                        None => {
                            let error = self
                                .error(
                                    codes::BAD_TIME_TRAVEL,
                                    "`at:` must be `now - DURATION`",
                                    named.value.span,
                                )
                                .with_help(
                                    "instants are fixed offsets from now, such as `at: now - 30d`",
                                );
                            self.report(error);
                        }
                    }
                }
                other => {
                    let error = self.error(
                        codes::BAD_ARGUMENTS,
                        format!("`{what}` takes a name and `at:` only"),
                        arg_span(other),
                    );
                    self.report(error);
                }
            }
        }
        let found = self
            .declared
            .get_full(name.as_str())
            .filter(|(_, _, item)| item.kind == kind);
        let Some((index, _, _)) = found else {
            let candidates = self
                .declared
                .values()
                .filter(|d| d.kind == kind)
                .map(|d| d.name.as_str());
            if let Some(other) = self.declared.get(name.as_str())
                && other.kind == ItemKind::Metric
            {
                let error = self
                    .error(
                        codes::POPULATION_IN_CONTACT,
                        format!("`{name}` is a metric, computed over a whole population"),
                        *name_span,
                    )
                    .with_help(format!(
                        "`{what}(…)` is evaluated for one contact, which has no value of a metric"
                    ));
                return self.fail(error);
            }
            let mut error = self.error(
                codes::UNKNOWN_ITEM,
                format!("unknown {what} `{name}`"),
                *name_span,
            );
            if let Some(other) = self.declared.get(name.as_str()) {
                let other_kind = other.kind.name();
                error = error.with_help(format!("`{name}` is a {other_kind}, not a {what}"));
            } else if let Some(help) = help_did_you_mean(name, candidates) {
                error = error.with_help(help);
            }
            return self.fail(error);
        };
        let item = ItemId::from_index(index);
        self.dependencies.push((item, offset));
        let ty = match kind {
            ItemKind::Segment => Ty::BOOL,
            ItemKind::Score | ItemKind::Reward => Ty::NUMBER,
            ItemKind::Decision => self.types.get(index).cloned().flatten().unwrap_or(Ty::ANY),
            // Not referable: `referenced_kind` never names one.
            ItemKind::Workflow | ItemKind::Experiment | ItemKind::Metric => Ty::ANY,
        };
        (self.push(Node::Item { item, offset }), ty)
    }
}

/// Whether `name` is a built-in function of §4.5 (item references and aggregates
/// over queries aside).
pub(super) fn is_builtin(name: &str) -> bool {
    BUILTINS.iter().any(|(n, ..)| *n == name)
}

/// `now` → 0; `now - D` → D (D a non-negative duration literal).
fn time_travel_offset(expr: &Expr) -> Option<TimeDelta> {
    match &expr.node {
        ExprKind::Now => Some(TimeDelta::zero()),
        ExprKind::Binary {
            op: ast::BinaryOp::Sub,
            lhs,
            rhs,
        } => match (&lhs.node, &rhs.node) {
            (ExprKind::Now, ExprKind::Duration(d)) if *d >= TimeDelta::zero() => Some(*d),
            _ => None,
        },
        _ => None,
    }
}

/// A bare query (`total_spent` in `min(total_spent, 5)`) read as the expression its
/// dotted name spells.
pub(super) fn bare_query_as_expr(query: &ast::Query) -> Expr {
    let span = query.source.span;
    let mut parts = query.source.node.split('.');
    let first = parts.next().unwrap_or_default();
    let mut expr = if first == "contact" {
        let attribute = parts.next().unwrap_or_default();
        Spanned::new(
            ExprKind::ContactAttribute(Spanned::new(attribute.to_string(), span)),
            span,
        )
    } else {
        Spanned::new(ExprKind::Name(first.to_string()), span)
    };
    for field in parts {
        expr = Spanned::new(
            ExprKind::Field {
                target: Box::new(expr),
                field: Spanned::new(field.to_string(), span),
            },
            span,
        );
    }
    expr
}

fn accepts(param: Param, ty: &Ty) -> bool {
    if ty.is_any() || ty.kind == TyKind::Null {
        return true;
    }
    match param {
        Param::Number => ty.kind == TyKind::Number,
        Param::String => ty.kind == TyKind::String,
        Param::Date => ty.kind == TyKind::Date,
        Param::DateTime => ty.kind == TyKind::DateTime,
        Param::Duration => ty.kind == TyKind::Duration,
        Param::StringOrList => matches!(ty.kind, TyKind::String | TyKind::List(_)),
    }
}

fn describe(param: Param) -> &'static str {
    match param {
        Param::Number => "a `number`",
        Param::String => "a `string`",
        Param::Date => "a `date`",
        Param::DateTime => "a `datetime`",
        Param::Duration => "a `duration`",
        Param::StringOrList => "a `string` or a list",
    }
}

fn arg_span(arg: &Arg) -> Span {
    match arg {
        Arg::Expr(expr) => expr.span,
        Arg::Named(named) => named.name.span.to(named.value.span),
        Arg::Query(query) => query.source.span,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
