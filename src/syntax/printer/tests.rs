//! Unit tests: hand-built trees and the exact text they print.

use chrono::{NaiveDate, TimeDelta, Weekday};
use rust_decimal::Decimal;

use super::{print, print_expr};
use crate::diagnostic::Span;
use crate::syntax::ast::*;

fn sp<T>(node: T) -> Spanned<T> {
    Spanned::new(node, Span::default())
}

fn name(n: &str) -> Expr {
    sp(ExprKind::Name(n.to_string()))
}

fn num(n: i64) -> Expr {
    sp(ExprKind::Number {
        value: Decimal::from(n),
        percent: false,
    })
}

fn bin(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    sp(ExprKind::Binary {
        op,
        lhs: Box::new(lhs),
        rhs: Box::new(rhs),
    })
}

fn unary(op: UnaryOp, operand: Expr) -> Expr {
    sp(ExprKind::Unary {
        op,
        operand: Box::new(operand),
    })
}

fn text(s: &str) -> Expr {
    sp(ExprKind::String(vec![StringPart::Text(s.to_string())]))
}

fn call(function: &str, args: Vec<Arg>) -> Expr {
    sp(ExprKind::Call {
        function: sp(function.to_string()),
        args,
    })
}

fn duration(seconds: i64) -> Expr {
    sp(ExprKind::Duration(TimeDelta::seconds(seconds)))
}

fn query(source: &str, filter: Option<Expr>, window: Option<QueryWindow>) -> Query {
    Query {
        source: sp(source.to_string()),
        filter: filter.map(Box::new),
        window: window.map(sp),
    }
}

fn segment(body: Expr) -> Module {
    Module {
        items: vec![sp(ItemKind::Segment(Segment {
            name: sp("s".to_string()),
            title: None,
            body: SegmentBody::Condition(body),
        }))],
    }
}

#[test]
fn or_inside_or_keeps_its_parentheses() {
    let inner = sp(ExprKind::Or(vec![name("a"), name("b")]));
    let outer = sp(ExprKind::Or(vec![inner, name("c")]));
    assert_eq!(print_expr(&outer), "(a or b) or c");
    let flat = sp(ExprKind::Or(vec![name("a"), name("b"), name("c")]));
    assert_eq!(print_expr(&flat), "a or b or c");
}

#[test]
fn and_binds_tighter_than_or() {
    let and = sp(ExprKind::And(vec![name("a"), name("b")]));
    let or = sp(ExprKind::Or(vec![and, name("c")]));
    assert_eq!(print_expr(&or), "a and b or c");
    let or = sp(ExprKind::Or(vec![name("a"), name("b")]));
    let and = sp(ExprKind::And(vec![or, unary(UnaryOp::Not, name("c"))]));
    assert_eq!(print_expr(&and), "(a or b) and not c");
}

#[test]
fn not_of_a_conjunction_is_parenthesised() {
    let and = sp(ExprKind::And(vec![name("a"), name("b")]));
    assert_eq!(print_expr(&unary(UnaryOp::Not, and)), "not (a and b)");
    let not_not = unary(UnaryOp::Not, unary(UnaryOp::Not, name("a")));
    assert_eq!(print_expr(&not_not), "not not a");
}

#[test]
fn left_associative_operators_parenthesise_the_right_operand() {
    let left = bin(
        BinaryOp::Sub,
        bin(BinaryOp::Sub, name("a"), name("b")),
        name("c"),
    );
    assert_eq!(print_expr(&left), "a - b - c");
    let right = bin(
        BinaryOp::Sub,
        name("a"),
        bin(BinaryOp::Sub, name("b"), name("c")),
    );
    assert_eq!(print_expr(&right), "a - (b - c)");
    let mixed = bin(
        BinaryOp::Add,
        name("a"),
        bin(BinaryOp::Mul, name("b"), name("c")),
    );
    assert_eq!(print_expr(&mixed), "a + b * c");
    let grouped = bin(
        BinaryOp::Mul,
        bin(BinaryOp::Add, name("a"), name("b")),
        name("c"),
    );
    assert_eq!(print_expr(&grouped), "(a + b) * c");
    let coalesce = bin(
        BinaryOp::Coalesce,
        name("a"),
        bin(BinaryOp::Coalesce, name("b"), name("c")),
    );
    assert_eq!(print_expr(&coalesce), "a ?? (b ?? c)");
}

#[test]
fn comparisons_are_not_associative() {
    let lt = bin(BinaryOp::Lt, name("a"), name("b"));
    let eq = bin(BinaryOp::Eq, lt.clone(), bool_expr(true));
    assert_eq!(print_expr(&eq), "(a < b) == true");
    let is_null = sp(ExprKind::IsNull {
        operand: Box::new(lt),
        negated: true,
    });
    assert_eq!(print_expr(&is_null), "(a < b) is not null");
    let not_in = bin(
        BinaryOp::NotIn,
        bin(BinaryOp::Coalesce, name("a"), text("x")),
        sp(ExprKind::List(vec![text("x"), text("y")])),
    );
    assert_eq!(print_expr(&not_in), "a ?? \"x\" not in [\"x\", \"y\"]");
}

fn bool_expr(value: bool) -> Expr {
    sp(ExprKind::Bool(value))
}

#[test]
fn prefix_signs_are_never_glued() {
    let double = unary(UnaryOp::Neg, unary(UnaryOp::Neg, name("x")));
    assert_eq!(print_expr(&double), "- -x");
    let plus_minus = unary(UnaryOp::Plus, unary(UnaryOp::Neg, num(5)));
    assert_eq!(print_expr(&plus_minus), "+ -5");
    let difference = bin(BinaryOp::Sub, name("a"), unary(UnaryOp::Neg, name("b")));
    assert_eq!(print_expr(&difference), "a - -b");
    let negated_sum = unary(UnaryOp::Neg, bin(BinaryOp::Add, name("a"), name("b")));
    assert_eq!(print_expr(&negated_sum), "-(a + b)");
}

#[test]
fn fields_and_calls() {
    let last = call("last", vec![Arg::Query(query("purchase", None, None))]);
    let at = sp(ExprKind::Field {
        target: Box::new(last),
        field: sp("at".to_string()),
    });
    let compare = bin(
        BinaryOp::Lt,
        at,
        bin(BinaryOp::Sub, sp(ExprKind::Now), duration(60 * 86_400)),
    );
    assert_eq!(print_expr(&compare), "last(purchase).at < now - 60d");
    let number_field = sp(ExprKind::Field {
        target: Box::new(num(5)),
        field: sp("x".to_string()),
    });
    assert_eq!(print_expr(&number_field), "(5).x");
    let attribute = sp(ExprKind::ContactAttribute(sp("country".to_string())));
    assert_eq!(print_expr(&attribute), "contact.country");
}

#[test]
fn aggregate_first_argument_that_reads_as_a_query_is_parenthesised() {
    let expr = call("count", vec![Arg::Expr(name("tags"))]);
    assert_eq!(print_expr(&expr), "count((tags))");
    let expr = call("min", vec![Arg::Expr(name("a")), Arg::Expr(name("b"))]);
    assert_eq!(print_expr(&expr), "min((a), b)");
    let expr = call("lower", vec![Arg::Expr(name("a"))]);
    assert_eq!(print_expr(&expr), "lower(a)");
}

#[test]
fn queries_print_their_filter_and_window() {
    let filter = bin(BinaryOp::Contains, name("url"), text("/services"));
    let exists = call(
        "exists",
        vec![Arg::Query(query(
            "email.clicked",
            Some(filter),
            Some(QueryWindow::Within(TimeDelta::days(30))),
        ))],
    );
    assert_eq!(
        print_expr(&exists),
        "exists(email.clicked where url contains \"/services\" within 30d)"
    );
    let between = QueryWindow::Between(
        Box::new(bin(BinaryOp::Coalesce, name("a"), name("b"))),
        Box::new(bin(BinaryOp::Eq, name("c"), name("d"))),
    );
    let sum = call(
        "sum",
        vec![
            Arg::Query(query("purchase", None, Some(between))),
            Arg::Expr(name("amount")),
        ],
    );
    assert_eq!(
        print_expr(&sum),
        "sum(purchase between a ?? b and (c == d), amount)"
    );
    let at = Arg::Named(NamedArg {
        name: sp("at".to_string()),
        value: bin(BinaryOp::Sub, sp(ExprKind::Now), duration(30 * 86_400)),
    });
    let score = call("score", vec![Arg::Expr(name("fit")), at]);
    assert_eq!(print_expr(&score), "score(fit, at: now - 30d)");
}

#[test]
fn durations_are_compound_largest_unit_first() {
    assert_eq!(print_expr(&duration(10 * 86_400)), "10d");
    assert_eq!(print_expr(&duration(14 * 86_400)), "2w");
    assert_eq!(print_expr(&duration(0)), "0s");
    assert_eq!(print_expr(&duration(90)), "1m30s");
    assert_eq!(print_expr(&duration(86_400 + 7_200)), "1d2h");
    assert_eq!(print_expr(&duration(30 * 86_400)), "30d");
}

#[test]
fn strings_escape_quotes_backslashes_and_controls() {
    let parts = vec![
        StringPart::Text("a \"q\" \\ {x}\n\t\u{7}é😀".to_string()),
        StringPart::Interpolation(name("first_name")),
        StringPart::Text("!".to_string()),
    ];
    let expr = sp(ExprKind::String(parts));
    assert_eq!(
        print_expr(&expr),
        "\"a \\\"q\\\" \\\\ {{x}}\\n\\t\\u{7}é😀{first_name}!\""
    );
    let matches = sp(ExprKind::Matches {
        subject: Box::new(name("code")),
        pattern: sp("^\\d{3}$".to_string()),
    });
    assert_eq!(print_expr(&matches), "code matches \"^\\\\d{3}$\"");
}

#[test]
fn dates_datetimes_and_percentages() {
    let date = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    assert_eq!(print_expr(&sp(ExprKind::Date(date))), "@2026-11-22");
    let instant = date.and_hms_opt(12, 0, 5).unwrap_or_default().and_utc();
    assert_eq!(
        print_expr(&sp(ExprKind::DateTime(instant))),
        "@2026-11-22T12:00:05Z"
    );
    let percent = sp(ExprKind::Number {
        value: Decimal::new(75, 1),
        percent: true,
    });
    assert_eq!(print_expr(&percent), "7.5%");
}

#[test]
fn a_segment_prints_on_three_lines() {
    let module = segment(bin(BinaryOp::Ge, name("x"), num(4)));
    assert_eq!(print(&module), "segment s {\n  x >= 4\n}\n");
}

#[test]
fn schema_layout() {
    let ty = |n: &str| sp(TypeKind::Named(n.to_string()));
    let field = |n: &str, t: TypeExpr| Field {
        name: sp(n.to_string()),
        ty: t,
    };
    let decls = vec![
        sp(SchemaDeclKind::Contact(vec![
            field("email", ty("string")),
            field(
                "tags",
                sp(TypeKind::Optional(Box::new(sp(TypeKind::List(Box::new(
                    sp(TypeKind::Optional(Box::new(ty("string")))),
                )))))),
            ),
        ])),
        sp(SchemaDeclKind::Event {
            kind: sp("email.clicked".to_string()),
            props: vec![field("campaign", ty("string")), field("url", ty("string"))],
        }),
        sp(SchemaDeclKind::Event {
            kind: sp("contact.created".to_string()),
            props: vec![],
        }),
        sp(SchemaDeclKind::Group {
            name: sp("activity".to_string()),
            members: vec![
                sp("email.opened".to_string()),
                sp("page.viewed".to_string()),
            ],
        }),
        sp(SchemaDeclKind::Action {
            name: sp("send_email".to_string()),
            params: vec![field("template", ty("string"))],
        }),
    ];
    let module = Module {
        items: vec![
            sp(ItemKind::Schema(Schema { decls })),
            segment(name("x")).items.remove(0),
        ],
    };
    assert_eq!(
        print(&module),
        "schema {\n  contact {\n    email: string\n    tags: list<string?>?\n  }\n  \
         event email.clicked { campaign: string, url: string }\n  \
         event contact.created { }\n  \
         group activity = email.opened | page.viewed\n  \
         action send_email(template: string)\n}\n\nsegment s {\n  x\n}\n"
    );
}

#[test]
fn score_decision_and_reward_layout() {
    let dec = |n: i64| sp(Decimal::from(n));
    let score = Score {
        name: sp("engagement".to_string()),
        title: Some(sp("Engagement".to_string())),
        rules: vec![
            sp(ScoreRuleKind::Per {
                query: query(
                    "email.clicked",
                    None,
                    Some(QueryWindow::Within(TimeDelta::days(30))),
                ),
                points: unary(UnaryOp::Plus, num(10)),
                max: Some(dec(50)),
            }),
            sp(ScoreRuleKind::When {
                condition: name("vip"),
                points: unary(UnaryOp::Neg, num(15)),
            }),
            sp(ScoreRuleKind::Decay(sp(TimeDelta::days(14)))),
            sp(ScoreRuleKind::Clamp {
                low: dec(-10),
                high: dec(200),
            }),
        ],
    };
    let decision = Decision {
        collect: true,
        name: sp("interests".to_string()),
        title: None,
        arms: vec![Arm {
            condition: name("a"),
            value: text("x"),
        }],
        otherwise: Some(text("y")),
    };
    let reward = Reward {
        name: sp("cashback".to_string()),
        title: None,
        trigger: sp("purchase".to_string()),
        arms: vec![],
        otherwise: Some(bin(
            BinaryOp::Mul,
            name("amount"),
            sp(ExprKind::Number {
                value: Decimal::from(5),
                percent: true,
            }),
        )),
        caps: vec![
            Cap {
                amount: dec(50),
                per: sp(CapPer::Event),
            },
            Cap {
                amount: dec(120),
                per: sp(CapPer::Window(TimeDelta::days(30))),
            },
        ],
        round: Some(sp(2)),
    };
    let module = Module {
        items: vec![
            sp(ItemKind::Score(score)),
            sp(ItemKind::Decision(decision)),
            sp(ItemKind::Reward(reward)),
        ],
    };
    assert_eq!(
        print(&module),
        "score engagement \"Engagement\" {\n  per email.clicked within 30d => +10 max 50\n  \
         when vip => -15\n  decay half_life 2w\n  clamp -10 to 200\n}\n\n\
         decide all interests {\n  when a => \"x\"\n  else => \"y\"\n}\n\n\
         reward cashback on purchase {\n  else => amount * 5%\n  cap 50 per event\n  \
         cap 120 per 30d\n  round 2\n}\n"
    );
}

#[test]
fn workflow_layout() {
    let send = |template: &str| {
        sp(StmtKind::Action {
            name: sp("send_email".to_string()),
            args: vec![NamedArg {
                name: sp("template".to_string()),
                value: text(template),
            }],
        })
    };
    let header = vec![
        sp(HeaderKind::EnterOn {
            kind: sp("contact.created".to_string()),
            filter: Some(name("vip")),
        }),
        sp(HeaderKind::Reenter(Reentry::After(sp(TimeDelta::days(7))))),
        sp(HeaderKind::Window(SendWindow {
            start: sp(TimeOfDay { hour: 9, minute: 0 }),
            end: sp(TimeOfDay {
                hour: 18,
                minute: 30,
            }),
            days: Some(sp(Days::Range(Weekday::Mon, Weekday::Fri))),
        })),
        sp(HeaderKind::Window(SendWindow {
            start: sp(TimeOfDay {
                hour: 21,
                minute: 5,
            }),
            end: sp(TimeOfDay { hour: 8, minute: 0 }),
            days: Some(sp(Days::List(vec![Weekday::Sat, Weekday::Sun]))),
        })),
    ];
    let body = vec![
        send("a"),
        sp(StmtKind::Wait(sp(TimeDelta::days(2)))),
        sp(StmtKind::If {
            branches: vec![
                Branch {
                    condition: name("x"),
                    body: vec![send("b")],
                },
                Branch {
                    condition: name("y"),
                    body: vec![],
                },
            ],
            otherwise: Some(vec![sp(StmtKind::Stop)]),
        }),
        sp(StmtKind::WaitUntil {
            condition: name("z"),
            max: Some(sp(TimeDelta::hours(36))),
        }),
        sp(StmtKind::Split(vec![
            SplitArm {
                weight: sp(Decimal::new(3333, 2)),
                body: vec![send("c")],
            },
            SplitArm {
                weight: sp(Decimal::new(6667, 2)),
                body: vec![],
            },
        ])),
        sp(StmtKind::Step {
            label: sp("outer".to_string()),
            stmt: Box::new(sp(StmtKind::Step {
                label: sp("inner".to_string()),
                stmt: Box::new(send("d")),
            })),
        }),
    ];
    let workflow = Workflow {
        name: sp("welcome".to_string()),
        title: Some(sp("Welcome".to_string())),
        header,
        body,
    };
    let module = Module {
        items: vec![sp(ItemKind::Workflow(workflow))],
    };
    assert_eq!(
        print(&module),
        "workflow welcome \"Welcome\" {\n  enter on contact.created where vip\n  \
         reenter after 1w\n  window 09:00 to 18:30 on mon..fri\n  \
         window 21:05 to 08:00 on sat, sun\n\n  \
         send_email(template: \"a\")\n  wait 2d\n  \
         if x {\n    send_email(template: \"b\")\n  } else if y { } else {\n    stop\n  }\n  \
         wait until z max 1d12h\n  \
         split {\n    33.33% => {\n      send_email(template: \"c\")\n    }\n    66.67% => { }\n  }\n  \
         step outer: step inner: send_email(template: \"d\")\n}\n"
    );
}

#[test]
fn long_chains_print_without_deep_recursion() {
    let mut sum = name("x");
    let mut field = name("y");
    for _ in 0..100_000 {
        sum = bin(BinaryOp::Add, sum, num(1));
        field = sp(ExprKind::Field {
            target: Box::new(field),
            field: sp("f".to_string()),
        });
    }
    assert_eq!(print_expr(&sum).len(), 1 + 100_000 * 4);
    assert_eq!(print_expr(&field).len(), 1 + 100_000 * 2);
    // Dropping such a tree recurses; leak them instead of overflowing the test's stack.
    std::mem::forget(sum);
    std::mem::forget(field);
}

#[test]
fn empty_module_prints_nothing() {
    assert_eq!(print(&Module::default()), "");
}

#[test]
fn a_lone_keyword_first_argument_is_not_parenthesised() {
    let expr = call("count", vec![Arg::Expr(sp(ExprKind::Now))]);
    assert_eq!(print_expr(&expr), "count(now)");
    let now_x = sp(ExprKind::Field {
        target: Box::new(sp(ExprKind::Now)),
        field: sp("x".to_string()),
    });
    let expr = call("count", vec![Arg::Expr(now_x)]);
    assert_eq!(print_expr(&expr), "count((now.x))");
    let attribute = sp(ExprKind::ContactAttribute(sp("tags".to_string())));
    let expr = call("exists", vec![Arg::Expr(attribute)]);
    assert_eq!(print_expr(&expr), "exists((contact.tags))");
}

#[test]
fn frequency_caps_print_one_limit_per_line_and_the_policy_last() {
    let limit = |most: i64, days: i64, then: Option<OverCap>| CapLimit {
        most: sp(Decimal::from(most)),
        per: sp(TimeDelta::days(days)),
        then: then.map(sp),
    };
    let cap = FrequencyCap {
        name: sp("emails".to_string()),
        title: None,
        action: sp("send_email".to_string()),
        counted_by: sp("email.sent".to_string()),
        limits: vec![limit(3, 7, None), limit(1, 1, Some(OverCap::Skip))],
        over: Some(sp(OverCap::Defer)),
    };
    let module = Module {
        items: vec![sp(ItemKind::FrequencyCap(cap.clone()))],
    };
    assert_eq!(
        print(&module),
        "cap emails on send_email counted by email.sent {\n  at most 3 per 1w\n  at most 1 per 1d then skip\n  defer\n}\n"
    );
    let empty = FrequencyCap {
        limits: Vec::new(),
        over: None,
        ..cap
    };
    assert_eq!(
        print(&Module {
            items: vec![sp(ItemKind::FrequencyCap(empty))]
        }),
        "cap emails on send_email counted by email.sent { }\n"
    );
}

#[test]
fn metric_layout() {
    let call = |f: &str, args: Vec<Expr>| {
        sp(ExprKind::Call {
            function: sp(f.to_string()),
            args: args.into_iter().map(Arg::Expr).collect(),
        })
    };
    let ratio = bin(
        BinaryOp::Div,
        call("total", vec![name("opens")]),
        call("total", vec![name("sends")]),
    );
    let metric = |by: Option<MetricGrouping>| {
        sp(ItemKind::Metric(Metric {
            name: sp("open_rate".to_string()),
            title: Some(sp("Open rate".to_string())),
            by,
            body: ratio.clone(),
        }))
    };
    let by_prop = MetricGrouping::Prop {
        prop: sp("campaign".to_string()),
        kinds: vec![sp("email.sent".to_string()), sp("email.opened".to_string())],
    };
    let param = Field {
        name: sp("cost".to_string()),
        ty: sp(TypeKind::Optional(Box::new(sp(TypeKind::Named(
            "number".to_string(),
        ))))),
    };
    let module = Module {
        items: vec![
            sp(ItemKind::Schema(Schema {
                decls: vec![sp(SchemaDeclKind::Param(param))],
            })),
            metric(None),
            metric(Some(MetricGrouping::Expr(call(
                "decision",
                vec![name("grade")],
            )))),
            metric(Some(by_prop)),
        ],
    };
    assert_eq!(
        print(&module),
        "schema {\n  param cost: number?\n}\n\n\
         metric open_rate \"Open rate\" {\n  total(opens) / total(sends)\n}\n\n\
         metric open_rate \"Open rate\" by decision(grade) {\n  total(opens) / total(sends)\n}\n\n\
         metric open_rate \"Open rate\" by campaign of email.sent | email.opened {\n  \
         total(opens) / total(sends)\n}\n"
    );
}
