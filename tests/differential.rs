#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Differential check of expression semantics (§4.1, §4.3, §4.4): generated
//! comparisons, arithmetic, string concatenation, null defaults and logic are printed
//! in funil's syntax — fully parenthesised, or with only the parentheses the
//! precedence table needs — and evaluated both by funil and by the straightforward
//! reference interpreter below, over `Option<Decimal>`, `Option<String>` and
//! `Option<bool>`. Optional contact attributes are leaves too, so nulls come from data
//! as well as from the `null` literal.

use funil::{Compiler, Context, Decimal, Program, Value};
use proptest::prelude::*;
use proptest::sample::select;

const SCHEMA: &str = "schema { contact {
  n1: number?  n2: number?  n3: number
  s1: string?  s2: string?  s3: string
  b1: bool?    b2: bool?    b3: bool
} }";

const NUMBER_ATTRIBUTES: [&str; 3] = ["n1", "n2", "n3"];
const STRING_ATTRIBUTES: [&str; 3] = ["s1", "s2", "s3"];
const BOOL_ATTRIBUTES: [&str; 3] = ["b1", "b2", "b3"];

// ----------------------------------------------------------------------------------
// The generated expressions

#[derive(Debug, Clone, Copy)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone)]
enum Num {
    Lit(Decimal),
    Null,
    Attr(usize),
    Neg(Box<Num>),
    Bin(Arith, Box<Num>, Box<Num>),
    Default(Box<Num>, Box<Num>),
}

#[derive(Debug, Clone)]
enum Str {
    Lit(String),
    Null,
    Attr(usize),
    Concat(Box<Str>, Box<Str>),
    Default(Box<Str>, Box<Str>),
}

#[derive(Debug, Clone)]
enum Bool {
    Lit(bool),
    Null,
    Attr(usize),
    Not(Box<Bool>),
    And(Box<Bool>, Box<Bool>),
    Or(Box<Bool>, Box<Bool>),
    Default(Box<Bool>, Box<Bool>),
    CmpNum(Cmp, Num, Num),
    CmpStr(Cmp, Str, Str),
    /// Only `==` and `!=` apply to booleans.
    Equal(bool, Box<Bool>, Box<Bool>),
    NumIsNull(bool, Num),
    StrIsNull(bool, Str),
    /// `x in [..]`, or `x not in [..]` when the flag is set.
    NumIn(bool, Num, Vec<Decimal>),
    StrIn(bool, Str, Vec<String>),
}

/// The attribute values of one contact.
#[derive(Debug, Clone)]
struct Data {
    numbers: [Option<Decimal>; 3],
    strings: [Option<String>; 3],
    bools: [Option<bool>; 3],
}

/// An expression of one of the three types.
#[derive(Debug, Clone)]
enum Expr {
    Num(Num),
    Str(Str),
    Bool(Bool),
}

impl Num {
    /// Whether the expression has no type but null (`null`, `null ?? null`): the
    /// checker refuses it as the operand of `-` and as both operands of `+ - * /`,
    /// since the operation cannot be known.
    fn untyped(&self) -> bool {
        match self {
            Num::Null => true,
            Num::Default(a, b) => a.untyped() && b.untyped(),
            _ => false,
        }
    }
}

impl Str {
    /// As [`Num::untyped`]: `null + null` is refused.
    fn untyped(&self) -> bool {
        match self {
            Str::Null => true,
            Str::Default(a, b) => a.untyped() && b.untyped(),
            _ => false,
        }
    }
}

// ----------------------------------------------------------------------------------
// Strategies

fn decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        3 => (0_i64..20).prop_map(Decimal::from),
        3 => (0_i64..100_000, 0_u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
        1 => (0_i64..1_000_000_000_000_000, 0_u32..3).prop_map(|(m, s)| Decimal::new(m, s)),
        1 => Just(Decimal::ZERO),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(vec!["", "a", "b", "ab", "B", "Z", "é", "ação", "😀", "a😀", " "])
            .prop_map(String::from),
        1 => "[a-c]{0,3}",
    ]
}

fn arith() -> impl Strategy<Value = Arith> {
    select(vec![Arith::Add, Arith::Sub, Arith::Mul, Arith::Div])
}

fn cmp() -> impl Strategy<Value = Cmp> {
    select(vec![Cmp::Eq, Cmp::Ne, Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge])
}

/// A number expression; with `nullable` false it has no bare `null` leaf, which the
/// checker refuses on the left of `in`.
fn num(depth: u32, nullable: bool) -> BoxedStrategy<Num> {
    let leaf = if nullable {
        prop_oneof![
            3 => decimal().prop_map(Num::Lit),
            3 => (0..3_usize).prop_map(Num::Attr),
            1 => Just(Num::Null),
        ]
        .boxed()
    } else {
        prop_oneof![
            decimal().prop_map(Num::Lit),
            (0..3_usize).prop_map(Num::Attr)
        ]
        .boxed()
    };
    if depth == 0 {
        return leaf;
    }
    let sub = num(depth - 1, nullable);
    prop_oneof![
        3 => leaf,
        1 => sub.clone().prop_filter("-null", |a| !a.untyped()).prop_map(|a| Num::Neg(Box::new(a))),
        4 => (arith(), sub.clone(), sub.clone())
            .prop_filter("null OP null", |(_, a, b)| !(a.untyped() && b.untyped()))
            .prop_map(|(op, a, b)| Num::Bin(op, Box::new(a), Box::new(b))),
        1 => (sub.clone(), sub).prop_map(|(a, b)| Num::Default(Box::new(a), Box::new(b))),
    ]
    .boxed()
}

fn string(depth: u32) -> BoxedStrategy<Str> {
    let leaf = prop_oneof![
        3 => text().prop_map(Str::Lit),
        3 => (0..3_usize).prop_map(Str::Attr),
        1 => Just(Str::Null),
    ]
    .boxed();
    if depth == 0 {
        return leaf;
    }
    let sub = string(depth - 1);
    prop_oneof![
        3 => leaf,
        2 => (sub.clone(), sub.clone())
            .prop_filter("null + null", |(a, b)| !(a.untyped() && b.untyped()))
            .prop_map(|(a, b)| Str::Concat(Box::new(a), Box::new(b))),
        1 => (sub.clone(), sub).prop_map(|(a, b)| Str::Default(Box::new(a), Box::new(b))),
    ]
    .boxed()
}

/// A string expression with no bare `null` leaf.
fn non_null_string(depth: u32) -> BoxedStrategy<Str> {
    string(depth)
        .prop_filter("a bare null", |s| !matches!(s, Str::Null))
        .boxed()
}

fn boolean(depth: u32) -> BoxedStrategy<Bool> {
    let leaf = prop_oneof![
        2 => any::<bool>().prop_map(Bool::Lit),
        3 => (0..3_usize).prop_map(Bool::Attr),
        1 => Just(Bool::Null),
    ]
    .boxed();
    if depth == 0 {
        return leaf;
    }
    let d = depth - 1;
    let sub = boolean(d);
    prop_oneof![
        2 => leaf,
        1 => sub.clone().prop_map(|a| Bool::Not(Box::new(a))),
        2 => (sub.clone(), sub.clone()).prop_map(|(a, b)| Bool::And(Box::new(a), Box::new(b))),
        2 => (sub.clone(), sub.clone()).prop_map(|(a, b)| Bool::Or(Box::new(a), Box::new(b))),
        1 => (sub.clone(), sub.clone()).prop_map(|(a, b)| Bool::Default(Box::new(a), Box::new(b))),
        4 => (cmp(), num(d, true), num(d, true)).prop_map(|(op, a, b)| Bool::CmpNum(op, a, b)),
        3 => (cmp(), string(d), string(d)).prop_map(|(op, a, b)| Bool::CmpStr(op, a, b)),
        1 => (any::<bool>(), sub.clone(), sub)
            .prop_map(|(ne, a, b)| Bool::Equal(ne, Box::new(a), Box::new(b))),
        1 => (any::<bool>(), num(d, true)).prop_map(|(not, a)| Bool::NumIsNull(not, a)),
        1 => (any::<bool>(), string(d)).prop_map(|(not, a)| Bool::StrIsNull(not, a)),
        2 => (any::<bool>(), num(d, false), proptest::collection::vec(decimal(), 1..4))
            .prop_map(|(not, a, list)| Bool::NumIn(not, a, list)),
        2 => (any::<bool>(), non_null_string(d), proptest::collection::vec(text(), 1..4))
            .prop_map(|(not, a, list)| Bool::StrIn(not, a, list)),
    ]
    .boxed()
}

/// Expressions at most six levels deep (the parser's depth limit counts chains of
/// `+ - * / ??` and parentheses).
fn expr() -> impl Strategy<Value = Expr> {
    prop_oneof![
        2 => num(5, true).prop_map(Expr::Num),
        1 => string(4).prop_map(Expr::Str),
        4 => boolean(4).prop_map(Expr::Bool),
    ]
}

fn data() -> impl Strategy<Value = Data> {
    let number = prop_oneof![
        3 => decimal().prop_map(Some),
        2 => decimal().prop_map(|d| Some(-d)),
        1 => Just(Some(Decimal::MAX)),
        2 => Just(None),
    ];
    let string = prop_oneof![3 => text().prop_map(Some), 1 => Just(None)];
    let boolean = prop_oneof![3 => any::<bool>().prop_map(Some), 1 => Just(None)];
    let (some_number, some_string, some_bool) = (
        number.clone().prop_map(|n| n.or(Some(Decimal::ZERO))),
        text().prop_map(Some),
        any::<bool>().prop_map(Some),
    );
    (
        (number.clone(), number, some_number),
        (string.clone(), string, some_string),
        (boolean.clone(), boolean, some_bool),
    )
        .prop_map(|((n1, n2, n3), (s1, s2, s3), (b1, b2, b3))| Data {
            numbers: [n1, n2, n3],
            strings: [s1, s2, s3],
            bools: [b1, b2, b3],
        })
}

// ----------------------------------------------------------------------------------
// The reference interpreter (§4.3, §4.4)

/// Where a condition is expected, null counts as false.
fn truthy(value: Option<bool>) -> bool {
    value == Some(true)
}

fn eval_num(e: &Num, data: &Data) -> Option<Decimal> {
    match e {
        Num::Lit(d) => Some(*d),
        Num::Null => None,
        Num::Attr(i) => data.numbers[*i],
        Num::Neg(a) => eval_num(a, data).map(|x| -x),
        Num::Bin(op, a, b) => {
            let (x, y) = (eval_num(a, data)?, eval_num(b, data)?);
            match op {
                Arith::Add => x.checked_add(y),
                Arith::Sub => x.checked_sub(y),
                Arith::Mul => x.checked_mul(y),
                // Division by zero is null; `checked_div` answers `None` for it.
                Arith::Div => x.checked_div(y),
            }
        }
        Num::Default(a, b) => eval_num(a, data).or_else(|| eval_num(b, data)),
    }
}

fn eval_str(e: &Str, data: &Data) -> Option<String> {
    match e {
        Str::Lit(s) => Some(s.clone()),
        Str::Null => None,
        Str::Attr(i) => data.strings[*i].clone(),
        Str::Concat(a, b) => Some(eval_str(a, data)? + &eval_str(b, data)?),
        Str::Default(a, b) => eval_str(a, data).or_else(|| eval_str(b, data)),
    }
}

/// `==` is true when both are null; ordering with a null is false; `!=` is `not ==`.
fn compare<T: PartialOrd>(op: Cmp, x: Option<T>, y: Option<T>) -> bool {
    match op {
        Cmp::Eq => x == y,
        Cmp::Ne => x != y,
        _ => match (x, y) {
            (Some(x), Some(y)) => match op {
                Cmp::Lt => x < y,
                Cmp::Le => x <= y,
                Cmp::Gt => x > y,
                _ => x >= y,
            },
            _ => false,
        },
    }
}

fn eval_bool(e: &Bool, data: &Data) -> Option<bool> {
    Some(match e {
        Bool::Lit(b) => *b,
        Bool::Null => return None,
        Bool::Attr(i) => return data.bools[*i],
        Bool::Not(a) => !truthy(eval_bool(a, data)),
        Bool::And(a, b) => truthy(eval_bool(a, data)) && truthy(eval_bool(b, data)),
        Bool::Or(a, b) => truthy(eval_bool(a, data)) || truthy(eval_bool(b, data)),
        Bool::Default(a, b) => return eval_bool(a, data).or_else(|| eval_bool(b, data)),
        // Strings compare by code point, which is the byte order of UTF-8.
        Bool::CmpStr(op, a, b) => compare(*op, eval_str(a, data), eval_str(b, data)),
        Bool::CmpNum(op, a, b) => compare(*op, eval_num(a, data), eval_num(b, data)),
        Bool::Equal(ne, a, b) => (eval_bool(a, data) == eval_bool(b, data)) != *ne,
        Bool::NumIsNull(not, a) => eval_num(a, data).is_none() != *not,
        Bool::StrIsNull(not, a) => eval_str(a, data).is_none() != *not,
        Bool::NumIn(not, a, list) => {
            let found = eval_num(a, data).is_some_and(|x| list.contains(&x));
            found != *not
        }
        Bool::StrIn(not, a, list) => {
            let found = eval_str(a, data).is_some_and(|x| list.contains(&x));
            found != *not
        }
    })
}

// ----------------------------------------------------------------------------------
// Printing, with every parenthesis or only those the precedence table needs

/// The levels of §4.1, lowest first.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const COMPARE: u8 = 4;
const DEFAULT: u8 = 5;
const SUM: u8 = 6;
const PRODUCT: u8 = 7;
const PREFIX: u8 = 8;
const ATOM: u8 = 9;

struct Printer {
    /// Parenthesise every compound expression.
    full: bool,
}

impl Printer {
    /// `text` of precedence `level`, where the context needs at least `min`.
    fn wrap(&self, (text, level): (String, u8), min: u8) -> String {
        if level < min || (self.full && level < ATOM) {
            format!("({text})")
        } else {
            text
        }
    }

    fn num(&self, e: &Num) -> (String, u8) {
        match e {
            Num::Lit(d) => (d.to_string(), ATOM),
            Num::Null => ("null".into(), ATOM),
            Num::Attr(i) => (NUMBER_ATTRIBUTES[*i].into(), ATOM),
            Num::Neg(a) => {
                let operand = self.wrap(self.num(a), PREFIX);
                // `--x` is not a double negation: keep a space.
                (format!("- {operand}"), PREFIX)
            }
            Num::Bin(op, a, b) => {
                let (symbol, level) = match op {
                    Arith::Add => ("+", SUM),
                    Arith::Sub => ("-", SUM),
                    Arith::Mul => ("*", PRODUCT),
                    Arith::Div => ("/", PRODUCT),
                };
                let left = self.wrap(self.num(a), level);
                let right = self.wrap(self.num(b), level + 1);
                (format!("{left} {symbol} {right}"), level)
            }
            Num::Default(a, b) => self.default(self.num(a), self.num(b)),
        }
    }

    fn string(&self, e: &Str) -> (String, u8) {
        match e {
            Str::Lit(s) => (format!("{s:?}"), ATOM),
            Str::Null => ("null".into(), ATOM),
            Str::Attr(i) => (STRING_ATTRIBUTES[*i].into(), ATOM),
            Str::Concat(a, b) => {
                let left = self.wrap(self.string(a), SUM);
                let right = self.wrap(self.string(b), SUM + 1);
                (format!("{left} + {right}"), SUM)
            }
            Str::Default(a, b) => self.default(self.string(a), self.string(b)),
        }
    }

    fn default(&self, a: (String, u8), b: (String, u8)) -> (String, u8) {
        let left = self.wrap(a, DEFAULT);
        let right = self.wrap(b, DEFAULT + 1);
        (format!("{left} ?? {right}"), DEFAULT)
    }

    /// `lhs OP rhs` at the comparison level, which does not associate.
    fn comparison(&self, lhs: (String, u8), op: &str, rhs: (String, u8)) -> (String, u8) {
        let left = self.wrap(lhs, COMPARE + 1);
        let right = self.wrap(rhs, COMPARE + 1);
        (format!("{left} {op} {right}"), COMPARE)
    }

    fn boolean(&self, e: &Bool) -> (String, u8) {
        let symbol = |op: &Cmp| match op {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        };
        let is_null = |not: bool| if not { "is not null" } else { "is null" };
        let in_word = |not: bool| if not { "not in" } else { "in" };
        match e {
            Bool::Lit(b) => (b.to_string(), ATOM),
            Bool::Null => ("null".into(), ATOM),
            Bool::Attr(i) => (BOOL_ATTRIBUTES[*i].into(), ATOM),
            Bool::Not(a) => (format!("not {}", self.wrap(self.boolean(a), NOT)), NOT),
            Bool::And(a, b) => {
                let left = self.wrap(self.boolean(a), AND);
                let right = self.wrap(self.boolean(b), AND + 1);
                (format!("{left} and {right}"), AND)
            }
            Bool::Or(a, b) => {
                let left = self.wrap(self.boolean(a), OR);
                let right = self.wrap(self.boolean(b), OR + 1);
                (format!("{left} or {right}"), OR)
            }
            Bool::Default(a, b) => self.default(self.boolean(a), self.boolean(b)),
            Bool::CmpNum(op, a, b) => self.comparison(self.num(a), symbol(op), self.num(b)),
            Bool::CmpStr(op, a, b) => self.comparison(self.string(a), symbol(op), self.string(b)),
            Bool::Equal(ne, a, b) => {
                let op = if *ne { "!=" } else { "==" };
                self.comparison(self.boolean(a), op, self.boolean(b))
            }
            Bool::NumIsNull(not, a) => {
                let operand = self.wrap(self.num(a), COMPARE + 1);
                (format!("{operand} {}", is_null(*not)), COMPARE)
            }
            Bool::StrIsNull(not, a) => {
                let operand = self.wrap(self.string(a), COMPARE + 1);
                (format!("{operand} {}", is_null(*not)), COMPARE)
            }
            Bool::NumIn(not, a, list) => {
                let items: Vec<String> = list.iter().map(Decimal::to_string).collect();
                let list = (format!("[{}]", items.join(", ")), ATOM);
                self.comparison(self.num(a), in_word(*not), list)
            }
            Bool::StrIn(not, a, list) => {
                let items: Vec<String> = list.iter().map(|s| format!("{s:?}")).collect();
                let list = (format!("[{}]", items.join(", ")), ATOM);
                self.comparison(self.string(a), in_word(*not), list)
            }
        }
    }

    fn expr(&self, e: &Expr) -> String {
        match e {
            Expr::Num(n) => self.num(n).0,
            Expr::Str(s) => self.string(s).0,
            Expr::Bool(b) => self.boolean(b).0,
        }
    }
}

// ----------------------------------------------------------------------------------
// The comparison

fn compile(source: &str) -> Program {
    Compiler::new()
        .source("schema.funil", SCHEMA)
        .source("rules.funil", source)
        .compile()
        .unwrap_or_else(|e| panic!("does not compile:\n{e}\n{source}"))
}

fn contact(program: &Program, data: &Data) -> funil::Contact {
    let mut builder = program.contact("c-1");
    for (name, value) in NUMBER_ATTRIBUTES.iter().zip(&data.numbers) {
        builder = builder.attribute(name, value.map_or(Value::Null, Value::Number));
    }
    for (name, value) in STRING_ATTRIBUTES.iter().zip(&data.strings) {
        builder = builder.attribute(name, value.as_deref().map_or(Value::Null, Value::from));
    }
    for (name, value) in BOOL_ATTRIBUTES.iter().zip(&data.bools) {
        builder = builder.attribute(name, value.map_or(Value::Null, Value::Bool));
    }
    builder.build().unwrap()
}

/// The reference's answer as a funil value.
fn expected(e: &Expr, data: &Data) -> Value {
    match e {
        Expr::Num(n) => eval_num(n, data).map_or(Value::Null, Value::Number),
        Expr::Str(s) => eval_str(s, data).map_or(Value::Null, |s| Value::from(s.as_str())),
        Expr::Bool(b) => eval_bool(b, data).map_or(Value::Null, Value::Bool),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn funil_agrees_with_the_reference(e in expr(), data in data(), full in any::<bool>()) {
        let source_expr = Printer { full }.expr(&e);
        let mut source = format!("decide under_test {{ else => {source_expr} }}\n");
        if matches!(e, Expr::Bool(_)) {
            source.push_str(&format!("segment holds {{ {source_expr} }}\n"));
        }
        let program = compile(&source);
        let contact = contact(&program, &data);
        let context = Context::new("2026-11-22T12:00:00Z".parse().unwrap());
        let want = expected(&e, &data);
        let got = program.decision("under_test", &contact, &context).unwrap();
        prop_assert_eq!(&got, &want, "`{}` with {:?}", source_expr, data);
        if let Expr::Bool(b) = &e {
            let holds = program.segment("holds", &contact, &context).unwrap();
            prop_assert_eq!(holds, truthy(eval_bool(b, &data)), "condition `{}`", source_expr);
        }
    }
}
