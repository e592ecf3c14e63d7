//! Parser unit tests: tree shapes, precedence, literals, limits and error messages.

use super::{ParseLimits, parse_module};
use crate::syntax::ast::*;

fn limits() -> ParseLimits {
    ParseLimits {
        max_depth: 128,
        max_string_bytes: 1024,
        max_list_len: 100,
    }
}

fn parse_ok(source: &str) -> Module {
    let (module, errors, _) = parse_module(source, limits());
    assert!(
        errors.is_empty(),
        "unexpected errors for {source:?}: {errors:?}"
    );
    module
}

fn errors(source: &str) -> Vec<String> {
    parse_module(source, limits())
        .1
        .into_iter()
        .map(|e| e.message)
        .collect()
}

fn segment_body(source: &str) -> ExprKind {
    let module = parse_ok(&format!("segment s {{ {source} }}"));
    match module.items.into_iter().next().map(|i| i.node) {
        Some(ItemKind::Segment(Segment {
            body: SegmentBody::Condition(e),
            ..
        })) => e.node,
        other => panic!("not a segment: {other:?}"),
    }
}

fn name(n: &str) -> Expr {
    Spanned::new(ExprKind::Name(n.to_string()), Default::default())
}

fn bin(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    Spanned::new(
        ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        Default::default(),
    )
}

#[test]
fn precedence_follows_the_table() {
    let e = segment_body("a or b and not c == d");
    let not_cmp = Spanned::new(
        ExprKind::Unary {
            op: UnaryOp::Not,
            operand: Box::new(bin(BinaryOp::Eq, name("c"), name("d"))),
        },
        Default::default(),
    );
    let and = Spanned::new(ExprKind::And(vec![name("b"), not_cmp]), Default::default());
    assert_eq!(e, ExprKind::Or(vec![name("a"), and]));
    let e = segment_body("a ?? b + c * d > e");
    let arithmetic = bin(
        BinaryOp::Add,
        name("b"),
        bin(BinaryOp::Mul, name("c"), name("d")),
    );
    assert_eq!(
        e,
        bin(
            BinaryOp::Gt,
            bin(BinaryOp::Coalesce, name("a"), arithmetic),
            name("e")
        )
        .node
    );
}

#[test]
fn chains_are_flat_but_parentheses_group() {
    assert_eq!(
        segment_body("a or b or c"),
        ExprKind::Or(vec![name("a"), name("b"), name("c")])
    );
    let inner = Spanned::new(ExprKind::Or(vec![name("a"), name("b")]), Default::default());
    assert_eq!(
        segment_body("(a or b) or c"),
        ExprKind::Or(vec![inner, name("c")])
    );
    assert_eq!(
        segment_body("a - b - c"),
        bin(
            BinaryOp::Sub,
            bin(BinaryOp::Sub, name("a"), name("b")),
            name("c")
        )
        .node
    );
}

#[test]
fn comparisons_do_not_chain() {
    assert_eq!(
        errors("segment s { a < b < c }"),
        vec!["comparison operators cannot be chained"]
    );
    assert_eq!(
        errors("segment s { a == b is null }"),
        vec!["comparison operators cannot be chained"]
    );
}

#[test]
fn aggregates_take_queries() {
    let e = segment_body(r#"count(email.bounced where kind == "soft" within 30d) >= 4"#);
    let ExprKind::Binary { lhs, .. } = e else {
        panic!()
    };
    let ExprKind::Call { function, args } = lhs.node else {
        panic!()
    };
    assert_eq!(function.node, "count");
    let [Arg::Query(query)] = args.as_slice() else {
        panic!("{args:?}")
    };
    assert_eq!(query.source.node, "email.bounced");
    assert!(query.filter.is_some());
    assert_eq!(
        query.window.as_ref().map(|w| &w.node),
        Some(&QueryWindow::Within(chrono::TimeDelta::days(30)))
    );
    let e = segment_body("exists(contact.created)");
    let ExprKind::Call { args, .. } = e else {
        panic!()
    };
    assert!(matches!(&args[0], Arg::Query(q) if q.source.node == "contact.created" && q.is_bare()));
    let e = segment_body("min(total_spent + 1, 5) > 0");
    let ExprKind::Binary { lhs, .. } = e else {
        panic!()
    };
    let ExprKind::Call { args, .. } = lhs.node else {
        panic!()
    };
    assert!(matches!(&args[0], Arg::Expr(_)));
    let e = segment_body("score(engagement, at: now - 30d) > 1");
    let ExprKind::Binary { lhs, .. } = e else {
        panic!()
    };
    let ExprKind::Call { args, .. } = lhs.node else {
        panic!()
    };
    assert!(matches!(&args[1], Arg::Named(n) if n.name.node == "at"));
}

#[test]
fn between_bounds_need_no_parentheses() {
    let e = segment_body("exists(purchase between @2026-11-01T00:00:00Z and now - 7d)");
    let ExprKind::Call { args, .. } = e else {
        panic!()
    };
    let Arg::Query(q) = &args[0] else { panic!() };
    assert!(matches!(
        q.window.as_ref().map(|w| &w.node),
        Some(QueryWindow::Between(..))
    ));
    assert_eq!(
        errors("segment s { exists(purchase since a > b) }"),
        vec!["unexpected `>` in a query bound"]
    );
}

#[test]
fn literals() {
    let number = |s: &str| segment_body(s);
    assert_eq!(
        number("10%"),
        ExprKind::Number {
            value: 10.into(),
            percent: true
        }
    );
    assert_eq!(
        number("1d2h"),
        ExprKind::Duration(chrono::TimeDelta::seconds(93_600))
    );
    assert_eq!(
        number("2w"),
        ExprKind::Duration(chrono::TimeDelta::weeks(2))
    );
    assert_eq!(
        number("@2024-02-29"),
        ExprKind::Date(chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
    );
    let ExprKind::DateTime(t) = number("@2026-11-22T09:00:00-03:00") else {
        panic!()
    };
    assert_eq!(t.to_rfc3339(), "2026-11-22T12:00:00+00:00");
    assert_eq!(
        errors("segment s { 2h1d }"),
        vec!["duration units must decrease"]
    );
    assert_eq!(
        errors("segment s { 30days }"),
        vec!["malformed number or duration `30days`"]
    );
    assert_eq!(
        errors("segment s { @2025-02-29 }"),
        vec!["invalid date or datetime `@2025-02-29`"]
    );
}

#[test]
fn strings_escape_and_interpolate() {
    let e = segment_body(r#""Olá, {first_name ?? "você"}! {{ok}} \"q\" \u{1F600}""#);
    let ExprKind::String(parts) = e else { panic!() };
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0], StringPart::Text("Olá, ".into()));
    assert_eq!(parts[2], StringPart::Text("! {ok} \"q\" 😀".into()));
    let e = segment_body(r#"phone matches "^\\d{3}$""#);
    let ExprKind::Matches { pattern, .. } = e else {
        panic!()
    };
    assert_eq!(pattern.node, r"^\d{3}$");
    let e = segment_body(r#"phone matches r"^\d{3}$""#);
    let ExprKind::Matches { pattern, .. } = e else {
        panic!()
    };
    assert_eq!(pattern.node, r"^\d{3}$");
    assert_eq!(
        errors(r#"segment s { "a\qb" }"#),
        vec!["unknown escape `\\q`"]
    );
    assert_eq!(
        errors(r#"segment s { "a } b" }"#),
        vec!["unmatched `}` in a string"]
    );
    assert_eq!(
        errors("segment s { \"open"),
        vec!["unterminated string literal"]
    );
}

#[test]
fn keywords_cannot_name_things() {
    assert_eq!(
        errors("segment within { true }"),
        vec!["expected a segment name, found keyword `within`"]
    );
    assert_eq!(
        errors("schema { contact { when: string } }"),
        vec!["expected a field name, found keyword `when`"]
    );
    // `score` and `segment` are ordinary names outside item heads.
    parse_ok("schema { contact { score: number } } segment s { score > 1 and segment(t) }");
}

#[test]
fn every_broken_item_is_reported() {
    let source = "segment a { x == }\nsegment ok { true }\nscore b { per => 1 }\n";
    let (module, errors, _) = parse_module(source, limits());
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(module.items.len(), 1);
}

#[test]
fn nesting_is_limited_without_overflowing() {
    let deep = format!(
        "segment s {{ {}x{} }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    assert_eq!(errors(&deep), vec!["nesting deeper than 128 levels"]);
    // The segment's braces are one level: 127 parentheses still parse.
    parse_ok(&format!(
        "segment s {{ {}x{} }}",
        "(".repeat(127),
        ")".repeat(127)
    ));
    assert_eq!(
        errors(&format!(
            "segment s {{ {}x{} }}",
            "(".repeat(128),
            ")".repeat(128)
        )),
        vec!["nesting deeper than 128 levels"]
    );
    let not_chain = format!("segment s {{ {}x }}", "not ".repeat(10_000));
    assert_eq!(errors(&not_chain), vec!["nesting deeper than 128 levels"]);
    let sum_chain = format!("segment s {{ x{} > 0 }}", " + x".repeat(10_000));
    assert_eq!(errors(&sum_chain), vec!["nesting deeper than 128 levels"]);
}

#[test]
fn long_or_chains_stay_flat() {
    let terms: Vec<String> = (0..10_000).map(|i| format!("x == {i}")).collect();
    let e = segment_body(&terms.join(" or "));
    assert!(matches!(e, ExprKind::Or(ref v) if v.len() == 10_000));
}

#[test]
fn string_and_list_limits() {
    assert_eq!(
        errors(&format!("segment s {{ \"{}\" }}", "a".repeat(1025))),
        vec!["string literal longer than 1024 bytes"]
    );
    let list: Vec<String> = (0..101).map(|i| i.to_string()).collect();
    assert_eq!(
        errors(&format!("segment s {{ x in [{}] }}", list.join(", "))),
        vec!["list literal longer than 100 elements"]
    );
}

#[test]
fn workflows_parse() {
    let module = parse_ok(
        r#"workflow w "W" {
          enter on purchase where amount > 10
          reenter after 180d
          window 21:00 to 08:00 on mon..fri
          exit when exists(unsubscribed)
          send_email(template: "a")
          wait until exists(form.submitted since entered_at) max 7d
          if a { stop } else if b { wait 1d } else { split { 50% => { x(y: 1) } 50% => { } } }
          step handoff: notify_sales(owner: owner, reason: "r {decision(grade)}")
        }"#,
    );
    let ItemKind::Workflow(w) = &module.items[0].node else {
        panic!()
    };
    assert_eq!(w.header.len(), 4);
    assert_eq!(w.body.len(), 4);
    assert_eq!(
        errors("workflow w { wait 1d exit when true }"),
        vec!["`exit` after the first statement"]
    );
    assert_eq!(
        errors("workflow w { window 25:00 to 08:00 }"),
        vec!["expected a time of day such as `09:00`"]
    );
}

#[test]
fn frequency_caps_parse() {
    let module = parse_ok(
        r#"cap emails "Email pressure" on send_email counted by email.sent {
          at most 3 per 7d
          skip
          at most 1 per 1d then defer
        }"#,
    );
    let ItemKind::FrequencyCap(cap) = &module.items[0].node else {
        panic!("not a cap: {module:?}")
    };
    assert_eq!(cap.name.node, "emails");
    assert_eq!(
        cap.title.as_ref().map(|t| t.node.as_str()),
        Some("Email pressure")
    );
    assert_eq!(cap.action.node, "send_email");
    assert_eq!(cap.counted_by.node, "email.sent");
    let written: Vec<(rust_decimal::Decimal, i64, Option<OverCap>)> = cap
        .limits
        .iter()
        .map(|l| {
            (
                l.most.node,
                l.per.node.num_days(),
                l.then.as_ref().map(|t| t.node),
            )
        })
        .collect();
    assert_eq!(
        written,
        [(3.into(), 7, None), (1.into(), 1, Some(OverCap::Defer))]
    );
    assert_eq!(cap.over.as_ref().map(|o| o.node), Some(OverCap::Skip));
    // The span of a limit's number covers its sign, so the checker can point at it.
    let (module, _, _) = parse_module("cap c on a counted by k { at most -2 per 1d }", limits());
    let ItemKind::FrequencyCap(cap) = &module.items[0].node else {
        panic!()
    };
    let most = &cap.limits[0].most;
    assert_eq!(
        (most.node, most.span.start, most.span.end),
        ((-2).into(), 34, 36)
    );
}

#[test]
fn cap_starts_an_item_only_before_a_name() {
    assert_eq!(
        errors("cap 5 per event"),
        vec!["expected a cap name, found `5`"]
    );
    assert_eq!(
        errors("cap c on a counted by k { at most 1 per 1d } cap d on b counted k { }"),
        vec!["expected `by`, found `k`"]
    );
    // `counted`, `most`, `then`, `defer` and `skip` are names elsewhere.
    let module = parse_ok("segment skip { counted and most > then and defer }");
    assert_eq!(module.items.len(), 1);
}
