//! Metrics: the grouping, the population aggregates and their per-contact arguments,
//! and the body, a number computed from them.
//!
//! A metric's body is checked at the *population level*: there, only numbers,
//! parameters, population aggregates and arithmetic make sense, and a per-contact
//! value (an attribute, an event query, an item reference) is an error (`E0028`).
//! The argument of a population aggregate is checked as any segment's expression is;
//! a population aggregate or a parameter inside it, or anywhere in a per-contact rule,
//! is an error too (`E0027`, reported by [`Checker::population_in_contact`]).
//!
//! Recursion here follows the syntax tree, whose depth the parser bounds.

use super::{Checker, PerContact, Scope, Ty, TyKind};
use crate::diagnostic::{Diagnostic, Span, codes, help_did_you_mean};
use crate::program::{ArithmeticOp, Function, Grouping, Metric, PopulationAggregate, Term, TermId};
use crate::syntax::ast::{self, Arg, BinaryOp, Expr, ExprKind, MetricGrouping, Name, UnaryOp};

/// The functions of a metric's body, other than the number functions.
pub(super) const POPULATION_FUNCTIONS: &[&str] = &["total", "mean", "share", "contacts", "param"];

/// The number functions a metric's body may call: name, function, arity.
const NUMBER_FUNCTIONS: &[(&str, Function, usize)] = &[
    ("abs", Function::Abs, 1),
    ("floor", Function::Floor, 1),
    ("ceil", Function::Ceil, 1),
    ("round", Function::Round, 2),
    ("min", Function::Min, 2),
    ("max", Function::Max, 2),
];

/// What a metric's body may contain, for help texts.
const BODY_HELP: &str = "a metric's body is a number over the population: population aggregates \
     (`total`, `mean`, `share`, `contacts`), `param(…)`, numbers, `+ - * /`, `??`, and `abs`, \
     `floor`, `ceil`, `round`, `min`, `max`";

/// What wraps a per-contact value, for help texts.
const AGGREGATE_HELP: &str = "aggregate per-contact values over the population: `total(…)`, \
     `mean(…)`, `share(…)` or `contacts(…)`";

/// A body being compiled: its aggregates and its terms so far.
#[derive(Default)]
struct Body {
    aggregates: Vec<PopulationAggregate>,
    terms: Vec<Term>,
}

impl Body {
    fn push(&mut self, term: Term) -> TermId {
        self.terms.push(term);
        TermId::try_from(self.terms.len() - 1).unwrap_or(TermId::MAX)
    }
}

impl Checker<'_, '_> {
    /// Checks a metric and compiles it.
    pub(super) fn metric(&mut self, metric: &ast::Metric) -> Metric {
        self.per_contact = PerContact::MetricKey;
        let grouping = match &metric.by {
            None => Grouping::None,
            Some(MetricGrouping::Expr(key)) => self.group_key(key),
            Some(MetricGrouping::Prop { prop, kinds }) => self.group_prop(prop, kinds),
        };
        let mut body = Body::default();
        self.per_contact = PerContact::MetricAggregate;
        self.grouped_queries = matches!(grouping, Grouping::Prop { .. });
        self.measure(&metric.body, &mut body);
        self.per_contact = PerContact::Rule;
        self.grouped_queries = false;
        Metric {
            grouping,
            aggregates: body.aggregates.into_boxed_slice(),
            terms: body.terms.into_boxed_slice(),
        }
    }

    /// `by EXPR`: a per-contact expression whose values are the group keys.
    fn group_key(&mut self, key: &Expr) -> Grouping {
        let (node, ty) = self.expr(key, Scope::default());
        self.check_key_type(&ty, key.span);
        Grouping::Key(node)
    }

    /// `by PROP of KINDS`: the prop's slot in each grouping kind. Every kind (each
    /// member of a group) must declare the prop, with one type.
    fn group_prop(&mut self, prop: &Name, sources: &[ast::KindName]) -> Grouping {
        let mut kinds = Vec::new();
        let mut slots = vec![None; self.schema.kind_count()];
        let mut first: Option<(crate::model::Type, &str)> = None;
        if prop.node == "at" {
            let error = self
                .error(
                    codes::NOT_ALLOWED,
                    "a metric cannot be grouped by `at`",
                    prop.span,
                )
                .with_help("group by a declared prop, or by a per-contact expression such as `date(last(purchase).at)`");
            self.report(error);
        }
        for source in sources {
            let Some(found) = self.event_kinds(source) else {
                continue;
            };
            for kind in found.iter() {
                if kinds.contains(kind) {
                    continue;
                }
                kinds.push(*kind);
                if prop.node == "at" {
                    continue;
                }
                let kind_name = self.schema.kind_name(*kind);
                let Some((slot, ty)) = self.schema.prop(*kind, &prop.node) else {
                    let mut error = self.error(
                        codes::UNKNOWN_PROP,
                        format!("event `{kind_name}` has no prop `{}`", prop.node),
                        source.span,
                    );
                    let candidates = self.schema.props(*kind).map(|(p, _)| p);
                    error = match help_did_you_mean(&prop.node, candidates) {
                        Some(help) => error.with_help(help),
                        None => error
                            .with_help("every kind a metric is grouped over must declare the prop"),
                    };
                    self.report(error);
                    continue;
                };
                match &first {
                    Some((first_ty, first_kind)) if first_ty != ty => {
                        let error = self.error(
                            codes::TYPE_MISMATCH,
                            format!(
                                "prop `{}` is `{ty}` in `{kind_name}` but `{first_ty}` in `{first_kind}`",
                                prop.node
                            ),
                            source.span,
                        )
                        .with_help("the keys of a metric's groups have one type");
                        self.report(error);
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        self.check_key_type(&Ty::from(ty), prop.span);
                        first = Some((ty.clone(), self.schema.kind_name(*kind)));
                    }
                }
                if let Some(entry) = slots.get_mut(kind.index()) {
                    *entry = Some(slot);
                }
            }
        }
        Grouping::Prop {
            kinds: kinds.into_boxed_slice(),
            slots: slots.into_boxed_slice(),
        }
    }

    /// Group keys are single values: not lists, not events.
    fn check_key_type(&mut self, ty: &Ty, span: Span) {
        if matches!(ty.kind, TyKind::List(_) | TyKind::Record(_)) {
            let error = self
                .error(
                    codes::TYPE_MISMATCH,
                    format!("a group key must be a single value, found `{ty}`"),
                    span,
                )
                .with_help("group by a bool, number, string, date, datetime or duration");
            self.report(error);
        }
    }

    /// A population-level expression: its term and type (`Ty::ANY` after an error,
    /// which is reported once).
    fn measure(&mut self, expr: &Expr, body: &mut Body) -> (TermId, Ty) {
        crate::stack::with_headroom(|| self.measure_unguarded(expr, body))
    }

    fn measure_unguarded(&mut self, expr: &Expr, body: &mut Body) -> (TermId, Ty) {
        match &expr.node {
            ExprKind::Number { value, percent } => {
                let value = if *percent {
                    *value / rust_decimal::Decimal::ONE_HUNDRED
                } else {
                    *value
                };
                (body.push(Term::Literal(Some(value))), Ty::NUMBER)
            }
            ExprKind::Null => (body.push(Term::Literal(None)), Ty::NULL),
            ExprKind::Unary {
                op: op @ (UnaryOp::Neg | UnaryOp::Plus),
                operand,
            } => {
                let (term, ty) = self.measure(operand, body);
                if *op == UnaryOp::Plus {
                    return (term, ty);
                }
                (body.push(Term::Negate(term)), ty)
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.measure_binary(*op, lhs, rhs, expr.span, body)
            }
            ExprKind::Call { function, args } => self.measure_call(function, args, expr.span, body),
            ExprKind::Name(name) => self.per_contact_name(name, expr.span, body),
            ExprKind::ContactAttribute(name) => self.per_contact_name(&name.node, expr.span, body),
            ExprKind::Field { .. } => {
                let error = self
                    .error(
                        codes::CONTACT_IN_POPULATION,
                        "an event's field is read per contact, outside a population aggregate",
                        expr.span,
                    )
                    .with_help(AGGREGATE_HELP);
                self.fail_measure(error, body)
            }
            other => {
                let what = describe(other);
                let error = self
                    .error(
                        codes::NOT_ALLOWED,
                        format!("{what} cannot be part of a metric's body"),
                        expr.span,
                    )
                    .with_help(BODY_HELP);
                self.fail_measure(error, body)
            }
        }
    }

    /// A bare name at the population level: never valid.
    fn per_contact_name(&mut self, name: &str, span: Span, body: &mut Body) -> (TermId, Ty) {
        if self.schema.attribute(name).is_some() {
            let error = self
                .error(
                    codes::CONTACT_IN_POPULATION,
                    format!(
                        "the attribute `{name}` is read per contact, outside a population aggregate"
                    ),
                    span,
                )
                .with_help(AGGREGATE_HELP);
            return self.fail_measure(error, body);
        }
        if self.schema.param(name).is_some() {
            let error = self
                .error(
                    codes::UNKNOWN_ATTRIBUTE,
                    format!("unknown attribute `{name}`"),
                    span,
                )
                .with_help(format!("`{name}` is a parameter: write `param({name})`"));
            return self.fail_measure(error, body);
        }
        let (_, ty) = self.attribute(name, span, None);
        (body.push(Term::Literal(None)), ty)
    }

    fn measure_binary(
        &mut self,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
        body: &mut Body,
    ) -> (TermId, Ty) {
        let arithmetic = match op {
            BinaryOp::Add => Some(ArithmeticOp::Add),
            BinaryOp::Sub => Some(ArithmeticOp::Sub),
            BinaryOp::Mul => Some(ArithmeticOp::Mul),
            BinaryOp::Div => Some(ArithmeticOp::Div),
            BinaryOp::Coalesce => None,
            _ => {
                let error = self
                    .error(
                        codes::NOT_ALLOWED,
                        format!("`{}` cannot be part of a metric's body", op.symbol()),
                        span,
                    )
                    .with_help(BODY_HELP);
                return self.fail_measure(error, body);
            }
        };
        let (lhs_term, lhs_ty) = self.measure(lhs, body);
        let (rhs_term, rhs_ty) = self.measure(rhs, body);
        if op == BinaryOp::Coalesce && !lhs_ty.nullable && !lhs_ty.is_any() {
            let warning = self
                .warning(
                    codes::USELESS_DEFAULT,
                    format!("`??` on `{lhs_ty}`, which is never null"),
                    lhs.span,
                )
                .with_help("the default is never used");
            self.report(warning);
        }
        // Every operand is a number (or null): the language's rules give the type.
        let ty = self.binary_result(op, &lhs_ty, &rhs_ty).unwrap_or(Ty::ANY);
        let term = match arithmetic {
            Some(op) => Term::Arithmetic {
                op,
                lhs: lhs_term,
                rhs: rhs_term,
            },
            None => Term::Coalesce {
                value: lhs_term,
                default: rhs_term,
            },
        };
        (body.push(term), ty)
    }

    fn measure_call(
        &mut self,
        function: &Name,
        args: &[Arg],
        span: Span,
        body: &mut Body,
    ) -> (TermId, Ty) {
        let name = function.node.as_str();
        match name {
            "total" | "mean" | "share" | "contacts" => {
                return self.population_aggregate(name, args, span, body);
            }
            "param" => return self.param(args, span, body),
            _ => {}
        }
        // `min(purchase, amount)` and `max(…)` over a query are event aggregates.
        let over_events = matches!(
            args.first(),
            Some(Arg::Query(query)) if !query.is_bare() || self.kinds_of(&query.source.node).is_some()
        );
        if let Some((_, function, arity)) = NUMBER_FUNCTIONS.iter().find(|(n, ..)| *n == name)
            && !over_events
        {
            return self.number_function(name, *function, *arity, args, span, body);
        }
        let per_contact = super::references::referenced_kind(name).is_some()
            || ast::AGGREGATE_FUNCTIONS.contains(&name);
        if per_contact {
            let error = self
                .error(
                    codes::CONTACT_IN_POPULATION,
                    format!("`{name}(…)` is evaluated per contact, outside a population aggregate"),
                    span,
                )
                .with_help(AGGREGATE_HELP);
            return self.fail_measure(error, body);
        }
        if super::calls::is_builtin(name) {
            let error = self
                .error(
                    codes::NOT_ALLOWED,
                    format!("`{name}` cannot be part of a metric's body"),
                    function.span,
                )
                .with_help(BODY_HELP);
            return self.fail_measure(error, body);
        }
        let names = POPULATION_FUNCTIONS
            .iter()
            .chain(NUMBER_FUNCTIONS.iter().map(|(n, ..)| n))
            .copied();
        let mut error = self.error(
            codes::UNKNOWN_FUNCTION,
            format!("unknown function `{name}`"),
            function.span,
        );
        if let Some(help) = help_did_you_mean(name, names) {
            error = error.with_help(help);
        }
        self.fail_measure(error, body)
    }

    /// `total(E)`, `mean(E)`, `share(C)`, `contacts(C)`, `contacts()`.
    fn population_aggregate(
        &mut self,
        name: &str,
        args: &[Arg],
        span: Span,
        body: &mut Body,
    ) -> (TermId, Ty) {
        let argument = match args {
            [] if name == "contacts" => None,
            [Arg::Expr(expr)] => Some(expr),
            _ => {
                let shape = match name {
                    "total" | "mean" => "one per-contact number",
                    "share" => "one per-contact condition",
                    _ => "one per-contact condition, or nothing",
                };
                let error = self
                    .error(
                        codes::BAD_ARGUMENTS,
                        format!("`{name}` takes {shape}"),
                        span,
                    )
                    .with_help(format!("for example `{}`", example(name)));
                return self.fail_measure(error, body);
            }
        };
        let scope = Scope::default();
        let (aggregate, ty) = match (name, argument) {
            ("total", Some(expr)) => {
                let node = self.expect_type(expr, scope, &TyKind::Number, "the value of `total`");
                (PopulationAggregate::Total(node), Ty::NUMBER)
            }
            ("mean", Some(expr)) => {
                let node = self.expect_type(expr, scope, &TyKind::Number, "the value of `mean`");
                (PopulationAggregate::Mean(node), Ty::NUMBER.or_null(true))
            }
            ("share", Some(expr)) => {
                let node = self.condition(expr, scope);
                (PopulationAggregate::Share(node), Ty::NUMBER.or_null(true))
            }
            (_, condition) => {
                let node = condition.map(|c| self.condition(c, scope));
                (PopulationAggregate::Contacts(node), Ty::NUMBER)
            }
        };
        body.aggregates.push(aggregate);
        let index = body.aggregates.len() - 1;
        (body.push(Term::Aggregate(index)), ty)
    }

    /// `param(NAME)`.
    fn param(&mut self, args: &[Arg], span: Span, body: &mut Body) -> (TermId, Ty) {
        let Some(Arg::Expr(Expr {
            node: ExprKind::Name(name),
            span: name_span,
        })) = args.first().filter(|_| args.len() == 1)
        else {
            let error = self
                .error(
                    codes::BAD_ARGUMENTS,
                    "`param` takes the name of a parameter",
                    span,
                )
                .with_help(
                    "for example `param(cost)`, declared in the schema as `param cost: number`",
                );
            return self.fail_measure(error, body);
        };
        let Some((index, ty)) = self.schema.param(name) else {
            let mut error = self.error(
                codes::UNKNOWN_ATTRIBUTE,
                format!("unknown parameter `{name}`"),
                *name_span,
            );
            error = match help_did_you_mean(name, self.schema.params().map(|(n, _)| n)) {
                Some(help) => error.with_help(help),
                None => {
                    error.with_help(format!("declare it in the schema: `param {name}: number`"))
                }
            };
            return self.fail_measure(error, body);
        };
        let ty = Ty::NUMBER.or_null(ty.is_optional());
        (body.push(Term::Param(index)), ty)
    }

    /// `abs floor ceil round min max` of population-level numbers.
    fn number_function(
        &mut self,
        name: &str,
        function: Function,
        arity: usize,
        args: &[Arg],
        span: Span,
        body: &mut Body,
    ) -> (TermId, Ty) {
        if args.len() != arity {
            let plural = if arity == 1 { "" } else { "s" };
            let found = if args.len() == 1 { "" } else { "s" };
            let error = self.error(
                codes::BAD_ARGUMENTS,
                format!(
                    "`{name}` takes {arity} number{plural}, found {} argument{found}",
                    args.len()
                ),
                span,
            );
            return self.fail_measure(error, body);
        }
        let mut terms = Vec::with_capacity(arity);
        let mut nullable = false;
        for arg in args {
            let (term, ty) = match arg {
                Arg::Expr(expr) => self.measure(expr, body),
                // A bare name, such as `x` in `min(x, 1)`, read as an expression.
                Arg::Query(query) => self.measure(&super::calls::bare_query_as_expr(query), body),
                Arg::Named(named) => {
                    let error = self.error(
                        codes::BAD_ARGUMENTS,
                        format!("`{name}` takes no argument named `{}`", named.name.node),
                        named.name.span,
                    );
                    self.fail_measure(error, body)
                }
            };
            nullable |= ty.nullable;
            terms.push(term);
        }
        let term = Term::Call {
            function,
            first: terms.first().copied().unwrap_or_default(),
            second: terms.get(1).copied(),
        };
        (body.push(term), Ty::NUMBER.or_null(nullable))
    }

    /// Reports `diagnostic` and stands in a null of unknown type.
    fn fail_measure(&mut self, diagnostic: Diagnostic, body: &mut Body) -> (TermId, Ty) {
        self.report(diagnostic);
        (body.push(Term::Literal(None)), Ty::ANY)
    }

    /// The error for a population aggregate or `param(…)` where one contact is
    /// evaluated (`E0027`).
    pub(super) fn population_in_contact(&mut self, name: &str, span: Span) -> Diagnostic {
        let param = name == "param";
        let message = if param {
            "`param` reads a parameter of a whole population, not of one contact".to_string()
        } else {
            format!("`{name}` aggregates over a whole population, not over one contact")
        };
        let help = match (self.per_contact, param) {
            (PerContact::MetricAggregate, true) => {
                "use `param(…)` outside `total(…)`, `mean(…)`, `share(…)` and `contacts(…)`"
            }
            (PerContact::MetricAggregate, false) => {
                "population aggregates cannot be nested: their argument is evaluated per contact"
            }
            (PerContact::MetricKey, _) => "a metric's group key is evaluated per contact",
            (PerContact::Rule, true) => "only a metric's body can read parameters",
            (PerContact::Rule, false) => {
                "population aggregates belong in a metric's body: `metric NAME { … }`"
            }
        };
        self.error(codes::POPULATION_IN_CONTACT, message, span)
            .with_help(help)
    }
}

/// An example call of a population aggregate, for help texts.
fn example(name: &str) -> &'static str {
    match name {
        "total" => "total(count(email.opened within 30d))",
        "mean" => "mean(sum(purchase within 365d, amount))",
        "share" => "share(exists(purchase within 30d))",
        _ => "contacts(exists(purchase))",
    }
}

/// What an expression is, for "cannot be part of a metric's body".
fn describe(expr: &ExprKind) -> &'static str {
    match expr {
        ExprKind::String(_) => "a string",
        ExprKind::Bool(_) => "a bool",
        ExprKind::Duration(_) => "a duration",
        ExprKind::Date(_) => "a date",
        ExprKind::DateTime(_) => "a datetime",
        ExprKind::List(_) => "a list",
        ExprKind::Now => "`now`",
        ExprKind::Today => "`today`",
        ExprKind::Or(_) => "`or`",
        ExprKind::And(_) => "`and`",
        ExprKind::Unary { .. } => "`not`",
        ExprKind::IsNull { .. } => "`is null`",
        ExprKind::Matches { .. } => "`matches`",
        _ => "this",
    }
}
