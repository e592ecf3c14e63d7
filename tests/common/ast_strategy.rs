//! Proptest strategies for syntax trees the parser can produce: every item (frequency
//! caps included), schema declaration, score rule, header clause, statement and
//! expression form, with the constraints of the concrete syntax (identifiers that are
//! not keywords, non-negative number literals, positive whole-second durations,
//! normalised string parts…).
//!
//! Spans are always `Span::default()`: tree equality ignores them.

#![allow(dead_code)]

use chrono::{NaiveDate, TimeDelta, Weekday};
use funil::diagnostic::Span;
use funil::syntax::ast::*;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use rust_decimal::Decimal;

/// The aggregates, whose first argument may be a query.
const AGGREGATES: [&str; 8] = [
    "count", "exists", "sum", "avg", "min", "max", "first", "last",
];

fn sp<T>(node: T) -> Spanned<T> {
    Spanned::new(node, Span::default())
}

// ----------------------------------------------------------------------------------
// Names, literals

/// An identifier that is not a keyword; now and then `segment`, `score`, `metric`,
/// `param` or `of`, which are not reserved.
pub fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => "[A-Za-z_][A-Za-z0-9_]{0,7}".prop_filter("keyword", |s| !is_keyword(s)),
        1 => select(vec![
            "segment", "score", "metric", "param", "of", "at", "r", "list", "count", "total",
        ])
        .prop_map(String::from),
    ]
}

/// A spanned identifier.
pub fn name() -> impl Strategy<Value = Name> {
    ident().prop_map(sp)
}

/// A part of an event kind after the first: any identifier, keywords included.
fn kind_part() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => ident(),
        1 => select(ast_keywords()).prop_map(String::from),
    ]
}

fn ast_keywords() -> Vec<&'static str> {
    KEYWORDS.to_vec()
}

/// An event kind or group: 1–3 parts joined by `.`; `contact` starts some two- and
/// three-part kinds (`contact.created`).
pub fn kind() -> impl Strategy<Value = KindName> {
    prop_oneof![
        4 => (ident(), vec(kind_part(), 0..3)).prop_map(|(first, rest)| {
            std::iter::once(first).chain(rest).collect::<Vec<_>>().join(".")
        }),
        1 => vec(kind_part(), 1..3).prop_map(|rest| format!("contact.{}", rest.join("."))),
    ]
    .prop_map(sp)
}

/// A non-negative decimal: up to 12 integer digits and 0–6 fraction digits.
pub fn decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![(0i64..1000, 0u32..3), (0i64..1_000_000_000_000, 0u32..7),]
        .prop_flat_map(|(integer, scale)| {
            let unit = 10i64.pow(scale);
            (Just(integer), Just(scale), 0..unit)
        })
        .prop_map(|(integer, scale, fraction)| {
            Decimal::new(integer * 10i64.pow(scale) + fraction, scale)
        })
}

/// A decimal of either sign (clamp bounds).
pub fn signed_decimal() -> impl Strategy<Value = Decimal> {
    (decimal(), any::<bool>()).prop_map(|(d, negative)| if negative { -d } else { d })
}

/// A positive duration in whole seconds, under ten years; often a round number of
/// some unit.
pub fn duration() -> impl Strategy<Value = TimeDelta> {
    prop_oneof![
        1i64..315_360_000,
        (1i64..520).prop_map(|w| w * 604_800),
        (1i64..3650).prop_map(|d| d * 86_400),
        (1i64..1000).prop_map(|h| h * 3_600),
        (1i64..1000).prop_map(|m| m * 60),
        (1i64..100),
    ]
    .prop_map(TimeDelta::seconds)
}

/// A date between 1900 and 2100.
pub fn date() -> impl Strategy<Value = NaiveDate> {
    (1900i32..=2100, 1u32..=365).prop_map(|(year, day)| {
        NaiveDate::from_yo_opt(year, day).expect("day 1–365 exists every year")
    })
}

/// A character of string text: ASCII, Portuguese accents, emoji, and everything that
/// needs escaping.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => proptest::char::range(' ', '~'),
        1 => select(vec![
            'ç', 'ã', 'é', 'Ó', '😀', '🚀', '"', '\\', '{', '}', '\n', '\t', '\r', '\u{7}',
            '\u{1b}', '\u{7f}', '\u{85}', '\u{2028}',
        ]),
    ]
}

/// Text of a string literal, possibly empty.
pub fn text() -> impl Strategy<Value = String> {
    vec(text_char(), 0..12).prop_map(|chars| chars.into_iter().collect())
}

/// A plain string (title or pattern).
pub fn plain_string() -> impl Strategy<Value = PlainString> {
    text().prop_map(sp)
}

/// Joins adjacent text parts and drops empty ones, as the parser reads them; a string
/// with no part at all is one empty text.
fn normalise(parts: Vec<StringPart>) -> Vec<StringPart> {
    let mut out: Vec<StringPart> = Vec::new();
    for part in parts {
        match (part, out.last_mut()) {
            (StringPart::Text(t), _) if t.is_empty() => {}
            (StringPart::Text(t), Some(StringPart::Text(last))) => last.push_str(&t),
            (part, _) => out.push(part),
        }
    }
    if out.is_empty() {
        out.push(StringPart::Text(String::new()));
    }
    out
}

// ----------------------------------------------------------------------------------
// Expressions

fn expr(kind: ExprKind) -> Expr {
    sp(kind)
}

/// Expressions without sub-expressions.
fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        1 => (decimal(), any::<bool>()).prop_map(|(value, percent)| ExprKind::Number { value, percent }),
        1 => text().prop_map(|t| ExprKind::String(normalise(vec![StringPart::Text(t)]))),
        1 => any::<bool>().prop_map(ExprKind::Bool),
        1 => Just(ExprKind::Null),
        1 => Just(ExprKind::Now),
        1 => Just(ExprKind::Today),
        1 => duration().prop_map(ExprKind::Duration),
        1 => date().prop_map(ExprKind::Date),
        1 => (date(), 0u32..24, 0u32..60, 0u32..60).prop_map(|(d, h, m, s)| {
            ExprKind::DateTime(d.and_hms_opt(h, m, s).expect("valid time").and_utc())
        }),
        3 => ident().prop_map(ExprKind::Name),
        1 => name().prop_map(ExprKind::ContactAttribute),
    ]
    .prop_map(expr)
}

const BINARY_OPS: [BinaryOp; 16] = [
    BinaryOp::Eq,
    BinaryOp::Ne,
    BinaryOp::Lt,
    BinaryOp::Le,
    BinaryOp::Gt,
    BinaryOp::Ge,
    BinaryOp::In,
    BinaryOp::NotIn,
    BinaryOp::Contains,
    BinaryOp::StartsWith,
    BinaryOp::EndsWith,
    BinaryOp::Coalesce,
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Div,
];

/// An event query whose filter and bounds come from `inner`.
fn query_with(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = Query> {
    let window = prop_oneof![
        duration().prop_map(QueryWindow::Within),
        inner.clone().prop_map(|b| QueryWindow::Since(Box::new(b))),
        (inner.clone(), inner.clone())
            .prop_map(|(a, b)| QueryWindow::Between(Box::new(a), Box::new(b))),
    ];
    (
        kind(),
        option::of(inner.prop_map(Box::new)),
        option::of(window.prop_map(sp)),
    )
        .prop_map(|(source, filter, window)| Query {
            source,
            filter,
            window,
        })
}

fn named_arg(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = NamedArg> {
    (name(), inner).prop_map(|(name, value)| NamedArg { name, value })
}

/// A call: aggregates take a query or an expression first; positional arguments come
/// before named ones.
fn call(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = ExprKind> {
    let function = prop_oneof![
        2 => ident(),
        2 => select(AGGREGATES.to_vec()).prop_map(String::from),
        1 => select(vec!["min", "max", "round", "segment", "score"]).prop_map(String::from),
    ];
    let first_query = prop_oneof![
        2 => query_with(inner.clone()).prop_map(Arg::Query),
        1 => inner.clone().prop_map(Arg::Expr),
    ];
    (
        function,
        first_query,
        vec(inner.clone(), 0..3),
        vec(named_arg(inner), 0..2),
    )
        .prop_map(|(function, first, positional, named)| {
            let aggregate = AGGREGATES.contains(&function.as_str());
            let mut args = Vec::new();
            if aggregate {
                args.push(first);
            }
            args.extend(positional.into_iter().map(Arg::Expr));
            args.extend(named.into_iter().map(Arg::Named));
            ExprKind::Call {
                function: sp(function),
                args,
            }
        })
}

/// Expressions of every form, nested to a bounded depth.
pub fn expr_strategy(depth: u32, size: u32) -> BoxedStrategy<Expr> {
    leaf()
        .prop_recursive(depth, size, 4, |inner| {
            let inner = inner.boxed();
            prop_oneof![
                1 => vec(inner.clone(), 0..4).prop_map(ExprKind::List),
                1 => (inner.clone(), name()).prop_map(|(target, field)| ExprKind::Field {
                    target: Box::new(target),
                    field,
                }),
                2 => call(inner.clone()),
                1 => (select(vec![UnaryOp::Not, UnaryOp::Neg, UnaryOp::Plus]), inner.clone()).prop_map(
                    |(op, operand)| ExprKind::Unary {
                        op,
                        operand: Box::new(operand),
                    }
                ),
                3 => (select(BINARY_OPS.to_vec()), inner.clone(), inner.clone()).prop_map(
                    |(op, lhs, rhs)| ExprKind::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    }
                ),
                1 => vec(inner.clone(), 2..4).prop_map(ExprKind::Or),
                1 => vec(inner.clone(), 2..4).prop_map(ExprKind::And),
                1 => (inner.clone(), any::<bool>()).prop_map(|(operand, negated)| ExprKind::IsNull {
                    operand: Box::new(operand),
                    negated,
                }),
                1 => (inner.clone(), plain_string()).prop_map(|(subject, pattern)| {
                    ExprKind::Matches {
                        subject: Box::new(subject),
                        pattern,
                    }
                }),
                1 => vec(
                    prop_oneof![
                        text().prop_map(StringPart::Text),
                        inner.prop_map(StringPart::Interpolation),
                    ],
                    1..4
                )
                .prop_map(|parts| ExprKind::String(normalise(parts))),
            ]
            .prop_map(expr)
        })
        .boxed()
}

/// Expressions for items: smaller, so a module stays quick to print and parse.
fn item_expr() -> BoxedStrategy<Expr> {
    expr_strategy(4, 24)
}

// ----------------------------------------------------------------------------------
// Schema

fn type_expr() -> impl Strategy<Value = TypeExpr> {
    let named = select(vec![
        "bool", "number", "string", "date", "datetime", "duration",
    ])
    .prop_map(|n| sp(TypeKind::Named(n.to_string())));
    named.prop_recursive(3, 6, 1, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| sp(TypeKind::List(Box::new(t)))),
            // `T??` does not parse: an optional of an optional stays one optional.
            inner.prop_map(|t| match t.node {
                TypeKind::Optional(_) => t,
                _ => sp(TypeKind::Optional(Box::new(t))),
            }),
        ]
    })
}

fn field() -> impl Strategy<Value = Field> {
    (name(), type_expr()).prop_map(|(name, ty)| Field { name, ty })
}

fn schema_decl() -> impl Strategy<Value = SchemaDecl> {
    prop_oneof![
        vec(field(), 0..4).prop_map(SchemaDeclKind::Contact),
        (kind(), vec(field(), 0..4))
            .prop_map(|(kind, props)| SchemaDeclKind::Event { kind, props }),
        (name(), vec(kind(), 1..4))
            .prop_map(|(name, members)| SchemaDeclKind::Group { name, members }),
        (name(), vec(field(), 0..3))
            .prop_map(|(name, params)| SchemaDeclKind::Action { name, params }),
        field().prop_map(SchemaDeclKind::Param),
    ]
    .prop_map(sp)
}

// ----------------------------------------------------------------------------------
// Segments, scores, decisions, rewards

fn segment() -> impl Strategy<Value = Segment> {
    let take = prop_oneof![
        any::<u64>().prop_map(RankTake::Count),
        decimal().prop_map(RankTake::Percent),
    ];
    let body = prop_oneof![
        2 => item_expr().prop_map(SegmentBody::Condition),
        1 => (take, item_expr(), option::of(item_expr())).prop_map(|(take, by, filter)| {
            SegmentBody::Ranked(Ranking {
                take: sp(take),
                by,
                filter,
            })
        }),
    ];
    (name(), option::of(plain_string()), body).prop_map(|(name, title, body)| Segment {
        name,
        title,
        body,
    })
}

fn score_rule() -> impl Strategy<Value = ScoreRule> {
    prop_oneof![
        (query_with(item_expr()), item_expr(), option::of(decimal())).prop_map(
            |(query, points, max)| ScoreRuleKind::Per {
                query,
                points,
                max: max.map(sp),
            }
        ),
        (item_expr(), item_expr())
            .prop_map(|(condition, points)| ScoreRuleKind::When { condition, points }),
        duration().prop_map(|d| ScoreRuleKind::Decay(sp(d))),
        (signed_decimal(), signed_decimal()).prop_map(|(low, high)| ScoreRuleKind::Clamp {
            low: sp(low),
            high: sp(high),
        }),
    ]
    .prop_map(sp)
}

fn score() -> impl Strategy<Value = Score> {
    (name(), option::of(plain_string()), vec(score_rule(), 0..5))
        .prop_map(|(name, title, rules)| Score { name, title, rules })
}

fn arm() -> impl Strategy<Value = Arm> {
    (item_expr(), item_expr()).prop_map(|(condition, value)| Arm { condition, value })
}

fn decision() -> impl Strategy<Value = Decision> {
    (
        any::<bool>(),
        name(),
        option::of(plain_string()),
        vec(arm(), 0..4),
        option::of(item_expr()),
    )
        .prop_map(|(collect, name, title, arms, otherwise)| Decision {
            collect,
            name,
            title,
            arms,
            otherwise,
        })
}

fn cap() -> impl Strategy<Value = Cap> {
    let per = prop_oneof![Just(CapPer::Event), duration().prop_map(CapPer::Window)];
    (decimal(), per).prop_map(|(amount, per)| Cap {
        amount: sp(amount),
        per: sp(per),
    })
}

fn reward() -> impl Strategy<Value = Reward> {
    (
        name(),
        option::of(plain_string()),
        kind(),
        vec(arm(), 0..3),
        option::of(item_expr()),
        vec(cap(), 0..3),
        option::of(0u32..=28),
    )
        .prop_map(
            |(name, title, trigger, arms, otherwise, caps, round)| Reward {
                name,
                title,
                trigger,
                arms,
                otherwise,
                caps,
                round: round.map(sp),
            },
        )
}

// ----------------------------------------------------------------------------------
// Metrics

fn metric() -> impl Strategy<Value = Metric> {
    let by = prop_oneof![
        item_expr().prop_map(MetricGrouping::Expr),
        (name(), vec(kind(), 1..4)).prop_map(|(prop, kinds)| MetricGrouping::Prop { prop, kinds }),
    ];
    (
        name(),
        option::of(plain_string()),
        option::of(by),
        item_expr(),
    )
        .prop_map(|(name, title, by, body)| Metric {
            name,
            title,
            by,
            body,
        })
}

// ----------------------------------------------------------------------------------
// Workflows

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn time_of_day() -> impl Strategy<Value = Spanned<TimeOfDay>> {
    (0u8..24, 0u8..60).prop_map(|(hour, minute)| sp(TimeOfDay { hour, minute }))
}

fn days() -> impl Strategy<Value = Days> {
    let day = || select(WEEKDAYS.to_vec());
    prop_oneof![
        (day(), day()).prop_map(|(a, b)| Days::Range(a, b)),
        vec(day(), 1..5).prop_map(Days::List),
    ]
}

fn header() -> impl Strategy<Value = Header> {
    let reentry = prop_oneof![
        Just(Reentry::Never),
        Just(Reentry::Always),
        duration().prop_map(|d| Reentry::After(sp(d))),
    ];
    let window = (
        time_of_day(),
        time_of_day(),
        option::of(days().prop_map(sp)),
    )
        .prop_map(|(start, end, days)| SendWindow { start, end, days });
    prop_oneof![
        (kind(), option::of(item_expr()))
            .prop_map(|(kind, filter)| HeaderKind::EnterOn { kind, filter }),
        item_expr().prop_map(HeaderKind::EnterWhen),
        reentry.prop_map(HeaderKind::Reenter),
        item_expr().prop_map(HeaderKind::Exit),
        item_expr().prop_map(HeaderKind::Goal),
        window.prop_map(HeaderKind::Window),
    ]
    .prop_map(sp)
}

fn simple_stmt() -> impl Strategy<Value = Stmt> {
    prop_oneof![
        (name(), vec(named_arg(item_expr()), 0..3))
            .prop_map(|(name, args)| StmtKind::Action { name, args }),
        duration().prop_map(|d| StmtKind::Wait(sp(d))),
        (item_expr(), option::of(duration())).prop_map(|(condition, max)| {
            StmtKind::WaitUntil {
                condition,
                max: max.map(sp),
            }
        }),
        Just(StmtKind::Stop),
    ]
    .prop_map(sp)
}

/// Statements, with blocks nested to a bounded depth.
pub fn stmt() -> impl Strategy<Value = Stmt> {
    simple_stmt().prop_recursive(3, 16, 3, |inner| {
        let block = || vec(inner.clone(), 0..3);
        prop_oneof![
            (
                vec(
                    (item_expr(), block()).prop_map(|(condition, body)| Branch { condition, body }),
                    1..3
                ),
                option::of(block()),
            )
                .prop_map(|(branches, otherwise)| StmtKind::If {
                    branches,
                    otherwise
                }),
            vec(
                (decimal(), block()).prop_map(|(weight, body)| SplitArm {
                    weight: sp(weight),
                    body
                }),
                1..4
            )
            .prop_map(StmtKind::Split),
            (name(), inner.clone()).prop_map(|(label, stmt)| StmtKind::Step {
                label,
                stmt: Box::new(stmt)
            }),
        ]
        .prop_map(sp)
    })
}

fn workflow() -> impl Strategy<Value = Workflow> {
    (
        name(),
        option::of(plain_string()),
        vec(header(), 0..5),
        vec(stmt(), 0..5),
    )
        .prop_map(|(name, title, header, body)| Workflow {
            name,
            title,
            header,
            body,
        })
}

// ----------------------------------------------------------------------------------
// Experiments

fn experiment_clause() -> impl Strategy<Value = ExperimentClause> {
    prop_oneof![
        (name(), plain_string()).prop_map(|(workflow, statement)| {
            ExperimentClauseKind::Split {
                workflow,
                statement,
            }
        }),
        item_expr().prop_map(ExperimentClauseKind::Exposed),
        item_expr().prop_map(ExperimentClauseKind::Converted),
        any::<u64>().prop_map(|arm| ExperimentClauseKind::Control(sp(arm))),
        (decimal(), any::<u64>()).prop_map(|(level, min)| ExperimentClauseKind::Winner {
            level: sp(level),
            min: sp(min),
        }),
    ]
    .prop_map(sp)
}

/// An experiment: its clauses in any order, repeated or missing (the checker, not the
/// parser, wants them once each).
fn experiment() -> impl Strategy<Value = Experiment> {
    (
        name(),
        option::of(plain_string()),
        vec(experiment_clause(), 0..7),
    )
        .prop_map(|(name, title, clauses)| Experiment {
            name,
            title,
            clauses,
        })
}

// Frequency caps

fn over_cap() -> impl Strategy<Value = OverCap> {
    prop_oneof![Just(OverCap::Defer), Just(OverCap::Skip)]
}

fn cap_limit() -> impl Strategy<Value = CapLimit> {
    // Any number the parser reads (the checker refuses those that are not whole and
    // at least 1), any duration.
    (signed_decimal(), duration(), option::of(over_cap())).prop_map(|(most, per, then)| CapLimit {
        most: sp(most),
        per: sp(per),
        then: then.map(sp),
    })
}

/// A frequency cap: any name, title, action and kind, up to three limits.
pub fn frequency_cap() -> impl Strategy<Value = FrequencyCap> {
    (
        name(),
        option::of(plain_string()),
        name(),
        kind(),
        vec(cap_limit(), 0..4),
        option::of(over_cap()),
    )
        .prop_map(
            |(name, title, action, counted_by, limits, over)| FrequencyCap {
                name,
                title,
                action,
                counted_by,
                limits,
                over: over.map(sp),
            },
        )
}

// ----------------------------------------------------------------------------------
// Items and modules

/// One item of any kind.
pub fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        vec(schema_decl(), 0..5).prop_map(|decls| ItemKind::Schema(Schema { decls })),
        segment().prop_map(ItemKind::Segment),
        score().prop_map(ItemKind::Score),
        decision().prop_map(ItemKind::Decision),
        reward().prop_map(ItemKind::Reward),
        workflow().prop_map(ItemKind::Workflow),
        experiment().prop_map(ItemKind::Experiment),
        frequency_cap().prop_map(ItemKind::FrequencyCap),
        metric().prop_map(ItemKind::Metric),
    ]
    .prop_map(sp)
}

/// A module of up to five items.
pub fn module() -> impl Strategy<Value = Module> {
    vec(item(), 0..6).prop_map(|items| Module { items })
}
