//! Proptest strategies for whole, type-correct rule sets and for contacts of their
//! schema: the generator that the property tests of explanations, next changes and
//! dependencies share.
//!
//! A rule set is source text over [`SCHEMA`]: segments, scores and decisions in
//! declaration order, each referencing only earlier items (so there is never a cycle),
//! built from every construct whose value can move with time or data: attribute
//! comparisons and null tests, event queries with `where` clauses and each kind of
//! window (`within`, `since` and `between`, with bounds fixed, relative to `now`,
//! taken from an attribute or from another query), aggregates, `first`/`last` fields,
//! `now`, `today` and every calendar function, anniversaries, durations and their
//! arithmetic, string functions and patterns (`(?i)`, classes, `\d`), time travel,
//! per-event and conditional score rules with caps, decay and clamps, first-match and
//! `decide all` decisions, interpolation. Every rule set compiles (the `rules` test
//! file checks it).
//!
//! Contacts have events spread around [`NOW`], some exactly a whole number of days
//! before it (where windows close) and a few after it (invisible until then).
//!
//! Include with `#[path = "common/rules.rs"] mod rules;`.

#![allow(dead_code)]

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value as Json, json};

/// The schema every generated rule set is checked against.
pub const SCHEMA: &str = r#"
schema {
  contact {
    n: number
    m: number?
    s: string
    t: string?
    b: bool?
    d: date?
    c: datetime
    tags: list<string>
  }
  event view     { path: string }
  event click    { url: string, amount: number }
  event buy      { amount: number, category: string }
  event mail.sent { campaign: string }
  group act = view | click | buy
}
"#;

/// The instant the generated contacts' histories are arranged around.
pub const NOW: &str = "2026-11-22T12:00:00Z";

/// [`NOW`] as an instant.
pub fn now() -> DateTime<Utc> {
    parse_instant(NOW)
}

fn parse_instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// The kind of a generated item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Segment,
    Score,
    Decision,
}

/// A generated rule set: its source (without the schema) and its items in order.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub source: String,
    pub items: Vec<(Kind, String)>,
}

impl RuleSet {
    /// The schema and the rules, as one source.
    pub fn with_schema(&self) -> String {
        format!("{SCHEMA}\n{}", self.source)
    }

    /// The names of the items of `kind`.
    pub fn names(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.items
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, name)| name.as_str())
    }
}

// ----------------------------------------------------------------------------------
// Expressions, as text. References to earlier items are placeholders (`@@S3@@`,
// `@@N1:7d@@`, `@@D0@@`) resolved when the rule set is assembled.

type Text = BoxedStrategy<String>;

fn days() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(1_u32),
        Just(7),
        Just(14),
        Just(30),
        Just(60),
        1_u32..90
    ]
}

fn duration() -> Text {
    prop_oneof![
        4 => days().prop_map(|d| format!("{d}d")),
        1 => (1_u32..48).prop_map(|h| format!("{h}h")),
        1 => (1_u32..5, 1_u32..23).prop_map(|(d, h)| format!("{d}d{h}h")),
    ]
    .boxed()
}

/// A datetime literal near [`NOW`].
fn instant_literal() -> Text {
    (-120_i64..10, 0_i64..24)
        .prop_map(|(day, hour)| {
            let t = now() + TimeDelta::days(day) + TimeDelta::hours(hour - 12);
            format!("@{}", t.to_rfc3339_opts(SecondsFormat::Secs, true))
        })
        .boxed()
}

fn date_literal() -> Text {
    (-400_i64..30)
        .prop_map(|day| format!("@{}", (now() + TimeDelta::days(day)).date_naive()))
        .boxed()
}

fn number_literal() -> Text {
    prop_oneof![
        (0_u32..200).prop_map(|n| n.to_string()),
        (0_u32..1000).prop_map(|n| format!("{}.{}", n / 10, n % 10)),
    ]
    .boxed()
}

fn string_literal() -> Text {
    select(vec![
        "\"BR\"", "\"PT\"", "\"US\"", "\"\"", "\"vip\"", "\"A\"", "\"B\"",
    ])
    .prop_map(String::from)
    .boxed()
}

fn compare() -> impl Strategy<Value = &'static str> {
    select(vec!["==", "!=", "<", "<=", ">", ">="])
}

/// Where an expression is written: whether an event of some kinds is in scope.
#[derive(Debug, Clone, Copy)]
enum Event {
    None,
    /// One of `click` or `buy`, which have an `amount`.
    WithAmount(&'static str),
    /// `view`.
    View,
    /// `mail.sent`.
    Mail,
    /// The group `act`, whose members share no prop.
    Group,
}

fn kind_with_scope() -> impl Strategy<Value = (&'static str, Event)> {
    prop_oneof![
        Just(("view", Event::View)),
        Just(("click", Event::WithAmount("click"))),
        Just(("buy", Event::WithAmount("buy"))),
        Just(("mail.sent", Event::Mail)),
        Just(("act", Event::Group)),
    ]
}

/// A datetime expression (maybe null) that does not need an event in scope.
fn datetime(depth: u32) -> Text {
    let leaf = prop_oneof![
        3 => Just("now".to_string()),
        2 => Just("c".to_string()),
        2 => instant_literal(),
        2 => duration().prop_map(|d| format!("now - {d}")),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        3 => leaf,
        2 => (query(depth - 1), any::<bool>())
            .prop_map(|(q, last)| format!("{}({q}).at", if last { "last" } else { "first" })),
        1 => (datetime(depth - 1), duration()).prop_map(|(t, d)| format!("({t}) + {d}")),
    ]
    .boxed()
}

/// A date expression (maybe null).
fn date(depth: u32) -> Text {
    prop_oneof![
        3 => Just("today".to_string()),
        2 => Just("d".to_string()),
        1 => date_literal(),
        2 => datetime(depth).prop_map(|t| format!("date({t})")),
        1 => days().prop_map(|n| format!("today - {n}d")),
    ]
    .boxed()
}

/// A number expression with `event` in scope.
fn number(depth: u32, event: Event) -> Text {
    let mut leaves: Vec<(u32, Text)> = vec![
        (3, number_literal()),
        (2, Just("n".to_string()).boxed()),
        (1, Just("m".to_string()).boxed()),
        (1, Just("len(s)".to_string()).boxed()),
    ];
    if let Event::WithAmount(_) = event {
        leaves.push((4, Just("amount".to_string()).boxed()));
    }
    let leaf = proptest::strategy::Union::new_weighted(leaves).boxed();
    if depth == 0 {
        return leaf;
    }
    let d = depth - 1;
    prop_oneof![
        4 => leaf,
        2 => query(d).prop_map(|q| format!("count({q})")),
        2 => (amount_query(d), select(vec!["sum", "avg", "min", "max"]))
            .prop_map(|(q, f)| format!("{f}({q}, amount)")),
        1 => (number(d, event), number(d, event), select(vec!["+", "-", "*", "/"]))
            .prop_map(|(a, b, op)| format!("({a}) {op} ({b})")),
        1 => (number(d, event), number_literal()).prop_map(|(a, b)| format!("({a}) ?? {b}")),
        1 => (number(d, event), select(vec!["abs", "floor", "ceil"]))
            .prop_map(|(a, f)| format!("{f}({a})")),
        1 => number(d, event).prop_map(|a| format!("round({a}, 1)")),
        1 => (number(d, event), number(d, event)).prop_map(|(a, b)| format!("min({a}, {b})")),
        1 => (datetime(d), select(vec!["hour", "weekday"])).prop_map(|(t, f)| format!("{f}({t})")),
        1 => (datetime(d), select(vec!["days", "hours"]))
            .prop_map(|(t, f)| format!("{f}(now - ({t}))")),
        1 => Just("years_since(d)".to_string()),
        1 => Just("days_until_anniversary(d)".to_string()),
        2 => (any::<u8>(), option_offset()).prop_map(|(k, at)| format!("@@N{k}{at}@@")),
    ]
    .boxed()
}

/// ` :7d` (a time-travel offset for a placeholder) or nothing.
fn option_offset() -> Text {
    prop_oneof![3 => Just(String::new()), 1 => days().prop_map(|d| format!(":{d}d"))].boxed()
}

/// A string expression with `event` in scope.
fn string(depth: u32, event: Event) -> Text {
    let mut leaves: Vec<(u32, Text)> = vec![
        (3, string_literal()),
        (2, Just("s".to_string()).boxed()),
        (1, Just("t".to_string()).boxed()),
        (1, Just("lower(s)".to_string()).boxed()),
        (1, Just("upper(t)".to_string()).boxed()),
        (1, Just("trim(s + \" \")".to_string()).boxed()),
    ];
    match event {
        Event::View => leaves.push((3, Just("path".to_string()).boxed())),
        Event::WithAmount("click") => leaves.push((3, Just("url".to_string()).boxed())),
        Event::WithAmount(_) => leaves.push((3, Just("category".to_string()).boxed())),
        Event::Mail => leaves.push((3, Just("campaign".to_string()).boxed())),
        Event::None | Event::Group => {}
    }
    let leaf = proptest::strategy::Union::new_weighted(leaves).boxed();
    if depth == 0 {
        return leaf;
    }
    prop_oneof![
        4 => leaf,
        1 => (string(depth - 1, event), string_literal()).prop_map(|(a, b)| format!("({a}) ?? {b}")),
        1 => (any::<u8>(), option_offset()).prop_map(|(k, at)| format!("@@D{k}{at}@@")),
        1 => query_of(vec!["buy"], depth - 1).prop_map(|q| format!("last({q}).category")),
    ]
    .boxed()
}

/// A condition with `event` in scope.
fn condition(depth: u32, event: Event) -> Text {
    let leaf = prop_oneof![
        2 => (compare(), number_literal()).prop_map(|(op, k)| format!("n {op} {k}")),
        1 => (compare(), number_literal()).prop_map(|(op, k)| format!("m {op} {k}")),
        2 => string_literal().prop_map(|k| format!("s == {k}")),
        1 => Just("s in [\"BR\", \"PT\"]".to_string()),
        1 => Just("t is null".to_string()),
        1 => Just("b".to_string()),
        1 => Just("tags contains \"vip\"".to_string()),
        1 => Just("is_anniversary(d)".to_string()),
        1 => Just("true".to_string()),
        1 => Just("tags contains s".to_string()),
        1 => Just("len(tags) >= 2".to_string()),
        1 => select(vec!["\"R\"", "\"\""]).prop_map(|k| format!("s ends_with {k}")),
        1 => (compare(), duration()).prop_map(|(op, d)| format!("now - c {op} {d}")),
        1 => (compare(), days()).prop_map(|(op, n)| format!("d + {n}d {op} today")),
        1 => select(vec![r"(?i)^b", r"\d", r"^.?$", r"[^A-Z]"])
            .prop_map(|re| format!("s matches r\"{re}\"")),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let d = depth - 1;
    let mut options: Vec<(u32, Text)> = vec![
        (5, leaf.boxed()),
        (3, query(d).prop_map(|q| format!("exists({q})")).boxed()),
        (
            2,
            (query(d), compare(), 0_u32..5)
                .prop_map(|(q, op, k)| format!("count({q}) {op} {k}"))
                .boxed(),
        ),
        (
            3,
            (number(d, event), compare(), number(d, event))
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})"))
                .boxed(),
        ),
        (
            2,
            (datetime(d), compare(), datetime(d))
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})"))
                .boxed(),
        ),
        (
            2,
            (date(d), compare(), date(d))
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})"))
                .boxed(),
        ),
        (
            1,
            (
                string(d, event),
                select(vec![
                    "contains",
                    "starts_with",
                    "ends_with",
                    "==",
                    "<",
                    ">=",
                ]),
                string(d, event),
            )
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})"))
                .boxed(),
        ),
        (
            1,
            string(d, event)
                .prop_map(|a| format!("({a}) matches \"^[A-Z]+$\""))
                .boxed(),
        ),
        (
            1,
            datetime(d).prop_map(|t| format!("({t}) is null")).boxed(),
        ),
        (
            2,
            condition(d, event)
                .prop_map(|a| format!("not ({a})"))
                .boxed(),
        ),
        (
            3,
            (vec(condition(d, event), 2..4), any::<bool>())
                .prop_map(|(parts, and)| {
                    let op = if and { " and " } else { " or " };
                    parts
                        .iter()
                        .map(|p| format!("({p})"))
                        .collect::<Vec<_>>()
                        .join(op)
                })
                .boxed(),
        ),
        (
            2,
            (any::<u8>(), option_offset())
                .prop_map(|(k, at)| format!("@@S{k}{at}@@"))
                .boxed(),
        ),
    ];
    if !matches!(event, Event::None) {
        options.push((
            2,
            (compare(), duration())
                .prop_map(|(op, d)| format!("at {op} now - {d}"))
                .boxed(),
        ));
    }
    proptest::strategy::Union::new_weighted(options).boxed()
}

/// A window clause (with its leading space) or nothing.
fn window(depth: u32) -> Text {
    prop_oneof![
        3 => Just(String::new()),
        4 => duration().prop_map(|d| format!(" within {d}")),
        1 => duration().prop_map(|d| format!(" since now - {d}")),
        1 => instant_literal().prop_map(|t| format!(" since {t}")),
        1 => Just(" since c".to_string()),
        1 => (duration(), duration())
            .prop_map(|(a, b)| format!(" between now - {a} and now - {b}")),
        1 => (instant_literal(), instant_literal())
            .prop_map(|(a, b)| format!(" between {a} and {b}")),
        1 => (instant_literal(), duration())
            .prop_map(|(a, b)| format!(" between {a} and now - {b}")),
        1 => select(vec!["view", "click", "buy"]).prop_map(move |k| {
            if depth == 0 {
                " within 30d".to_string()
            } else {
                format!(" since last({k}).at")
            }
        }),
    ]
    .boxed()
}

/// A `where` clause (with its leading space) for `event`, or nothing.
fn filter(depth: u32, event: Event) -> Text {
    let specific: Text = match event {
        Event::View => prop_oneof![
            Just("path starts_with \"/p\"".to_string()),
            Just("path == \"/pricing\"".to_string()),
        ]
        .boxed(),
        Event::WithAmount(_) => (compare(), number_literal())
            .prop_map(|(op, k)| format!("amount {op} {k}"))
            .boxed(),
        Event::Mail => Just("campaign == \"A\"".to_string()).boxed(),
        Event::None | Event::Group => Just("contact.s == \"BR\"".to_string()).boxed(),
    };
    prop_oneof![
        4 => Just(String::new()),
        3 => specific.prop_map(|f| format!(" where {f}")),
        1 => condition(depth, event).prop_map(|f| format!(" where {f}")),
    ]
    .boxed()
}

/// An event query.
fn query(depth: u32) -> Text {
    kind_with_scope()
        .prop_flat_map(move |(kind, event)| {
            (filter(depth, event), window(depth)).prop_map(move |(f, w)| format!("{kind}{f}{w}"))
        })
        .boxed()
}

/// A query on `click` or `buy`, whose events have an `amount`.
fn amount_query(depth: u32) -> Text {
    query_of(vec!["click", "buy"], depth)
}

/// A query on one of `kinds`, which have an `amount`.
fn query_of(kinds: Vec<&'static str>, depth: u32) -> Text {
    select(kinds)
        .prop_flat_map(move |kind| {
            (filter(depth, Event::WithAmount(kind)), window(depth))
                .prop_map(move |(f, w)| format!("{kind}{f}{w}"))
        })
        .boxed()
}

// ----------------------------------------------------------------------------------
// Items

/// An item body before its references are resolved.
#[derive(Debug, Clone)]
enum Body {
    Segment(String),
    Score(String),
    Decision(String),
}

fn segment_body() -> BoxedStrategy<Body> {
    condition(3, Event::None).prop_map(Body::Segment).boxed()
}

fn score_rule() -> Text {
    prop_oneof![
        2 => (kind_with_scope(), option_max()).prop_flat_map(|((kind, event), max)| {
            let points = match event {
                Event::WithAmount(_) => prop_oneof![
                    Just("+10".to_string()),
                    Just("floor(amount / 10)".to_string()),
                    Just("-5".to_string()),
                ]
                .boxed(),
                _ => prop_oneof![Just("+10".to_string()), Just("+3".to_string()), Just("-5".to_string())]
                    .boxed(),
            };
            (filter(1, event), window(1), points)
                .prop_map(move |(f, w, p)| format!("  per {kind}{f}{w} => {p}{max}\n"))
        }),
        2 => (condition(2, Event::None), prop_oneof![
            Just("+20".to_string()),
            Just("-15".to_string()),
            number(1, Event::None),
        ])
            .prop_map(|(c, p)| format!("  when {c} => {p}\n")),
    ]
    .boxed()
}

fn option_max() -> Text {
    prop_oneof![2 => Just(String::new()), 1 => (1_u32..60).prop_map(|m| format!(" max {m}"))]
        .boxed()
}

fn score_body() -> BoxedStrategy<Body> {
    (
        vec(score_rule(), 1..4),
        prop_oneof![2 => Just(String::new()), 1 => days().prop_map(|d| format!("  decay half_life {d}d\n"))],
        prop_oneof![2 => Just(String::new()), 1 => (0_u32..20, 20_u32..200).prop_map(|(a, b)| format!("  clamp {a} to {b}\n"))],
    )
        .prop_map(|(rules, decay, clamp)| Body::Score(format!("{}{decay}{clamp}", rules.concat())))
        .boxed()
}

fn decision_value() -> Text {
    prop_oneof![
        3 => select(vec!["\"A\"", "\"B\"", "\"C\""]).prop_map(String::from),
        1 => Just("\"hi {s}, {n}\"".to_string()),
        1 => Just("s".to_string()),
    ]
    .boxed()
}

fn decision_body() -> BoxedStrategy<Body> {
    (
        0_u8..5,
        vec((condition(2, Event::None), decision_value()), 1..4),
        prop_oneof![Just(None), decision_value().prop_map(Some)],
    )
        .prop_map(|(all, arms, otherwise)| {
            // One decision in five collects every matching arm.
            let collect = all == 0;
            let mut text = String::new();
            for (condition, value) in arms {
                text.push_str(&format!("  when {condition} => {value}\n"));
            }
            if let Some(value) = otherwise {
                text.push_str(&format!("  else => {value}\n"));
            }
            Body::Decision(if collect {
                format!("all\n{text}")
            } else {
                text
            })
        })
        .boxed()
}

fn body() -> BoxedStrategy<Body> {
    prop_oneof![3 => segment_body(), 2 => score_body(), 2 => decision_body()].boxed()
}

/// A rule set of `1..=max_items` items.
pub fn rule_set(max_items: usize) -> impl Strategy<Value = RuleSet> {
    vec(body(), 1..=max_items.max(1)).prop_map(assemble)
}

/// Names the items, resolves each reference to an earlier item of the right kind (or a
/// constant when there is none), and writes the source.
fn assemble(bodies: Vec<Body>) -> RuleSet {
    let mut items: Vec<(Kind, String)> = Vec::new();
    // Decisions that `decision(x) == …` may name: the first-match ones.
    let mut plain_decisions: Vec<String> = Vec::new();
    let mut source = String::new();
    for (index, body) in bodies.into_iter().enumerate() {
        let earlier = |kind: Kind| -> Vec<String> {
            items
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, name)| name.clone())
                .collect()
        };
        let segments = earlier(Kind::Segment);
        let scores = earlier(Kind::Score);
        let resolve = |text: &str| resolve(text, &segments, &scores, &plain_decisions);
        let (kind, name, text) = match body {
            Body::Segment(condition) => {
                let name = format!("seg{index}");
                let text = format!("segment {name} {{\n  {}\n}}\n", resolve(&condition));
                (Kind::Segment, name, text)
            }
            Body::Score(rules) => {
                let name = format!("score{index}");
                let text = format!("score {name} {{\n{}}}\n", resolve(&rules));
                (Kind::Score, name, text)
            }
            Body::Decision(arms) => {
                let name = format!("dec{index}");
                let (all, arms) = match arms.strip_prefix("all\n") {
                    Some(arms) => ("all ", arms.to_string()),
                    None => ("", arms),
                };
                let text = format!("decide {all}{name} {{\n{}}}\n", resolve(&arms));
                if all.is_empty() {
                    plain_decisions.push(name.clone());
                }
                (Kind::Decision, name, text)
            }
        };
        source.push_str(&text);
        items.push((kind, name));
    }
    RuleSet { source, items }
}

/// `text` with each placeholder `@@Xk[:D]@@` replaced.
fn resolve(text: &str, segments: &[String], scores: &[String], decisions: &[String]) -> String {
    let mut out = String::new();
    let mut pieces = text.split("@@");
    if let Some(first) = pieces.next() {
        out.push_str(first);
    }
    // Pieces alternate: placeholder, text, placeholder, text…
    while let Some(placeholder) = pieces.next() {
        out.push_str(&reference(placeholder, segments, scores, decisions));
        if let Some(rest) = pieces.next() {
            out.push_str(rest);
        }
    }
    out
}

fn reference(
    placeholder: &str,
    segments: &[String],
    scores: &[String],
    decisions: &[String],
) -> String {
    let (what, offset) = match placeholder.split_once(':') {
        Some((what, offset)) => (what, format!(", at: now - {offset}")),
        None => (placeholder, String::new()),
    };
    let mut chars = what.chars();
    let tag = chars.next().unwrap_or('S');
    let k: usize = chars.as_str().parse().unwrap_or(0);
    let pick = |names: &[String]| names.get(k % names.len().max(1)).cloned();
    match tag {
        'S' => pick(segments).map_or("(n > 10)".to_string(), |n| format!("segment({n}{offset})")),
        'N' => pick(scores).map_or("n".to_string(), |n| format!("score({n}{offset})")),
        _ => pick(decisions).map_or("s".to_string(), |n| {
            format!("(decision({n}{offset}) ?? \"\")")
        }),
    }
}

// ----------------------------------------------------------------------------------
// Contacts

/// An instant `seconds` after [`NOW`], as RFC 3339 text.
pub fn instant_text(seconds: i64) -> String {
    (now() + TimeDelta::seconds(seconds)).to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An event instant: mostly in the 120 days before [`NOW`], often a whole number of
/// days or hours before it, now and then after it.
fn event_instant() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (-120 * 86_400_i64..0).prop_map(instant_text),
        2 => (1_i64..90).prop_map(|d| instant_text(-d * 86_400)),
        1 => (1_i64..72).prop_map(|h| instant_text(-h * 3_600)),
        1 => Just(instant_text(0)),
        1 => (1_i64..10 * 86_400).prop_map(instant_text),
    ]
}

fn event() -> impl Strategy<Value = Json> {
    event_at(event_instant())
}

/// An event of [`SCHEMA`] (any kind, its props generated) at one of `instants`.
pub fn event_at(instants: impl Strategy<Value = String>) -> impl Strategy<Value = Json> {
    let amount = prop_oneof![(0_u32..300).prop_map(|a| json!(a)), Just(json!("12.5"))];
    let kind = prop_oneof![
        select(vec!["/pricing", "/p/x", "/home"]).prop_map(|p| ("view", json!({"path": p}))),
        (select(vec!["/services", "/x"]), amount.clone())
            .prop_map(|(u, a)| ("click", json!({"url": u, "amount": a}))),
        (amount, select(vec!["shoes", "books", "A"]))
            .prop_map(|(a, c)| ("buy", json!({"amount": a, "category": c}))),
        select(vec!["A", "B"]).prop_map(|c| ("mail.sent", json!({"campaign": c}))),
    ];
    (kind, instants).prop_map(|((kind, props), at)| json!({"kind": kind, "at": at, "props": props}))
}

fn optional(value: impl Strategy<Value = Json>) -> impl Strategy<Value = Json> {
    prop_oneof![1 => Just(Json::Null), 3 => value]
}

/// A contact of [`SCHEMA`], as its JSON form.
pub fn contact() -> impl Strategy<Value = String> {
    (
        "[a-z0-9]{1,8}",
        (0_u32..300, optional((0_u32..100).prop_map(|m| json!(m)))),
        (
            select(vec!["BR", "PT", "US", "", "ABC"]),
            optional(select(vec!["x", "vip"]).prop_map(|t| json!(t))),
            optional(any::<bool>().prop_map(|b| json!(b))),
        ),
        (
            optional(birthday()),
            (-400 * 86_400_i64..0).prop_map(instant_text),
            vec(select(vec!["vip", "new"]), 0..3),
        ),
        vec(event(), 0..25),
    )
        .prop_map(|(id, (n, m), (s, t, b), (d, c, tags), events)| {
            json!({
                "id": id,
                "attributes": {"n": n, "m": m, "s": s, "t": t, "b": b, "d": d, "c": c, "tags": tags},
                "events": events,
            })
            .to_string()
        })
}

/// The contact `json` without its events after `now`: what it was known to be then.
pub fn known_at(json: &str, now: DateTime<Utc>) -> String {
    let mut contact: Json = serde_json::from_str(json).unwrap_or_default();
    if let Some(events) = contact.get_mut("events").and_then(Json::as_array_mut) {
        events.retain(|event| {
            event["at"]
                .as_str()
                .map(parse_instant)
                .is_some_and(|at| at <= now)
        });
    }
    contact.to_string()
}

/// A birthday: some fall in the coming days (anniversaries to come), some on 29 February.
fn birthday() -> impl Strategy<Value = Json> {
    prop_oneof![
        (1950_i32..2010, 1_u32..=12, 1_u32..=28)
            .prop_map(|(y, m, d)| json!(format!("{y:04}-{m:02}-{d:02}"))),
        (0_i64..20, 1950_i32..2010).prop_map(|(ahead, year)| {
            let day = (now() + TimeDelta::days(ahead)).date_naive();
            json!(format!("{year:04}{}", &day.format("-%m-%d")))
        }),
        Just(json!("2000-02-29")),
    ]
}

/// A time zone of the ones the properties are checked in.
pub fn time_zone() -> impl Strategy<Value = chrono_tz::Tz> {
    select(vec![
        chrono_tz::UTC,
        chrono_tz::America::Sao_Paulo,
        chrono_tz::America::New_York,
        chrono_tz::Asia::Kolkata,
    ])
}
