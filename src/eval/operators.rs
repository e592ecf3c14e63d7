//! Operators and built-in functions on values (§4.3–§4.5).
//!
//! The checker guarantees operand types; these functions still answer null for any
//! combination they do not define, so a bad value can never cause a panic. Number
//! arithmetic is exact; overflow and division by zero give null.

use std::cmp::Ordering;

use chrono::{NaiveDate, TimeDelta};
use chrono_tz::Tz;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

pub(crate) use crate::model::same_text;
use crate::model::{Value, calendar};
use crate::program::{ArithmeticOp, CompareOp, Constant, Function, Orderings, TextOp};

const SECONDS_PER_DAY: i64 = 86_400;

/// `-x`.
pub(crate) fn negate(value: &Value) -> Value {
    match value {
        Value::Number(n) => Value::Number(-*n),
        Value::Duration(d) => d.checked_mul(-1).map_or(Value::Null, Value::Duration),
        _ => Value::Null,
    }
}

/// `+ - * /` on numbers, strings, instants, dates and durations.
pub(crate) fn arithmetic(op: ArithmeticOp, lhs: &Value, rhs: &Value) -> Value {
    use ArithmeticOp::{Add, Div, Mul, Sub};
    let result = match (op, lhs, rhs) {
        (Add, Value::Number(a), Value::Number(b)) => a.checked_add(*b).map(Value::Number),
        (Sub, Value::Number(a), Value::Number(b)) => a.checked_sub(*b).map(Value::Number),
        (Mul, Value::Number(a), Value::Number(b)) => a.checked_mul(*b).map(Value::Number),
        (Div, Value::Number(a), Value::Number(b)) => a.checked_div(*b).map(Value::Number),
        (Add, Value::String(a), Value::String(b)) => Some(Value::String(format!("{a}{b}").into())),
        (Add, Value::DateTime(t), Value::Duration(d)) => {
            t.checked_add_signed(*d).map(Value::DateTime)
        }
        (Sub, Value::DateTime(t), Value::Duration(d)) => {
            t.checked_sub_signed(*d).map(Value::DateTime)
        }
        (Add, Value::Date(day), Value::Duration(d)) => {
            calendar::add_days(*day, d.num_days()).map(Value::Date)
        }
        (Sub, Value::Date(day), Value::Duration(d)) => d
            .num_days()
            .checked_neg()
            .and_then(|n| calendar::add_days(*day, n))
            .map(Value::Date),
        (Sub, Value::DateTime(a), Value::DateTime(b)) => {
            Some(Value::Duration(a.signed_duration_since(*b)))
        }
        (Sub, Value::Date(a), Value::Date(b)) => days_between(*a, *b).map(Value::Duration),
        (Add, Value::Duration(a), Value::Duration(b)) => a.checked_add(b).map(Value::Duration),
        (Sub, Value::Duration(a), Value::Duration(b)) => a.checked_sub(b).map(Value::Duration),
        _ => None,
    };
    result.unwrap_or(Value::Null)
}

fn days_between(a: NaiveDate, b: NaiveDate) -> Option<TimeDelta> {
    TimeDelta::try_seconds(
        a.signed_duration_since(b)
            .num_days()
            .checked_mul(SECONDS_PER_DAY)?,
    )
}

/// `==` is true for two nulls; ordering comparisons with a null are false (§4.3).
pub(crate) fn compare(op: CompareOp, lhs: &Value, rhs: &Value) -> bool {
    match op {
        CompareOp::Eq => equal(lhs, rhs),
        CompareOp::Ne => !equal(lhs, rhs),
        CompareOp::Lt => order(lhs, rhs).is_some_and(|o| o.is_lt()),
        CompareOp::Le => order(lhs, rhs).is_some_and(|o| o.is_le()),
        CompareOp::Gt => order(lhs, rhs).is_some_and(|o| o.is_gt()),
        CompareOp::Ge => order(lhs, rhs).is_some_and(|o| o.is_ge()),
    }
}

/// Whether `value` and `constant` are ordered as `accepts` asks, with the null logic
/// of [`compare`]: a null `value` (or one of another type, which the checker rules
/// out) equals nothing and orders with nothing.
#[inline]
pub(crate) fn compare_constant(accepts: Orderings, value: &Value, constant: &Constant) -> bool {
    let ordering = match (value, constant) {
        (Value::Number(a), Constant::Number(b)) => compare_numbers(a, b),
        // `==` and `!=` need no order: `Less` stands for "unequal".
        (Value::String(a), Constant::Text(b)) => text_order(accepts, a, b),
        _ => return accepts.with_null(),
    };
    accepts.contain(ordering)
}

/// The order of two texts as far as `accepts` needs it: `==` and `!=` need no
/// order, so `Less` stands for "unequal" there.
#[inline]
fn text_order(accepts: Orderings, a: &str, b: &str) -> Ordering {
    if accepts.is_equality() {
        if same_text(a, b) {
            Ordering::Equal
        } else {
            Ordering::Less
        }
    } else {
        a.cmp(b)
    }
}

/// The order of two numbers. Numbers of the same scale (both whole, or both in
/// cents) compare by their integer mantissas; others are brought to one scale first.
pub(crate) fn compare_numbers(a: &Decimal, b: &Decimal) -> Ordering {
    if a.scale() == b.scale() {
        a.mantissa().cmp(&b.mantissa())
    } else {
        a.cmp(b)
    }
}

/// Value equality: numbers by value (`1.0 == 1`), lists element-wise.
pub(crate) fn equal(lhs: &Value, rhs: &Value) -> bool {
    match (lhs, rhs) {
        (Value::String(a), Value::String(b)) => same_text(a, b),
        (Value::List(a), Value::List(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| equal(x, y))
        }
        _ => lhs == rhs,
    }
}

fn order(lhs: &Value, rhs: &Value) -> Option<Ordering> {
    match (lhs, rhs) {
        (Value::Number(a), Value::Number(b)) => Some(compare_numbers(a, b)),
        // Byte order of UTF-8 is code point order.
        (Value::String(a), Value::String(b)) => Some(a.as_ref().cmp(b.as_ref())),
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        (Value::DateTime(a), Value::DateTime(b)) => Some(a.cmp(b)),
        (Value::Duration(a), Value::Duration(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// `x in list`: false for a null `x` or list.
pub(crate) fn is_in(element: &Value, list: &Value) -> bool {
    match list {
        Value::List(items) if !element.is_null() => items.iter().any(|item| equal(item, element)),
        _ => false,
    }
}

/// `contains`, `starts_with`, `ends_with`: false with a null operand.
pub(crate) fn text(op: TextOp, lhs: &Value, rhs: &Value) -> bool {
    match (op, lhs, rhs) {
        (TextOp::Contains, Value::String(a), Value::String(b)) => a.contains(b.as_ref()),
        (TextOp::Contains, Value::List(items), needle) if !needle.is_null() => {
            items.iter().any(|item| equal(item, needle))
        }
        (TextOp::StartsWith, Value::String(a), Value::String(b)) => a.starts_with(b.as_ref()),
        (TextOp::EndsWith, Value::String(a), Value::String(b)) => a.ends_with(b.as_ref()),
        _ => false,
    }
}

/// A built-in function on non-null arguments (`second` is null for one-argument
/// functions); `today` is asked for only by the anniversary functions.
pub(crate) fn call(
    function: Function,
    first: &Value,
    second: &Value,
    tz: Tz,
    today: impl FnOnce() -> NaiveDate,
) -> Value {
    let number = |d: Decimal| Value::Number(d);
    let whole = |n: i64| Value::Number(Decimal::from(n));
    let result = match (function, first, second) {
        (Function::Lower, Value::String(s), _) => Some(Value::String(s.to_lowercase().into())),
        (Function::Upper, Value::String(s), _) => Some(Value::String(s.to_uppercase().into())),
        (Function::Trim, Value::String(s), _) => Some(Value::String(s.trim().into())),
        (Function::Len, Value::String(s), _) => {
            Some(whole(i64::try_from(s.chars().count()).unwrap_or(i64::MAX)))
        }
        (Function::Len, Value::List(items), _) => {
            Some(whole(i64::try_from(items.len()).unwrap_or(i64::MAX)))
        }
        (Function::Abs, Value::Number(n), _) => Some(number(n.abs())),
        (Function::Floor, Value::Number(n), _) => Some(number(n.floor())),
        (Function::Ceil, Value::Number(n), _) => Some(number(n.ceil())),
        (Function::Round, Value::Number(n), Value::Number(places)) => places
            .to_u32()
            .filter(|p| Decimal::from(*p) == *places && *p <= 28)
            .map(|p| number(n.round_dp_with_strategy(p, RoundingStrategy::MidpointAwayFromZero))),
        (Function::Min, Value::Number(a), Value::Number(b)) => Some(number(*a.min(b))),
        (Function::Max, Value::Number(a), Value::Number(b)) => Some(number(*a.max(b))),
        (Function::Date, Value::DateTime(t), _) => Some(Value::Date(calendar::local_date(*t, tz))),
        (Function::Hour, Value::DateTime(t), _) => {
            Some(whole(i64::from(calendar::local_hour(*t, tz))))
        }
        (Function::Weekday, Value::DateTime(t), _) => {
            Some(whole(i64::from(calendar::iso_weekday(*t, tz))))
        }
        (Function::Days, Value::Duration(d), _) => Some(whole(d.num_days())),
        (Function::Hours, Value::Duration(d), _) => Some(whole(d.num_hours())),
        (Function::YearsSince, Value::Date(d), _) => {
            Some(whole(calendar::years_since(*d, today())))
        }
        (Function::IsAnniversary, Value::Date(d), _) => {
            Some(Value::Bool(calendar::is_anniversary(*d, today())))
        }
        (Function::DaysUntilAnniversary, Value::Date(d), _) => {
            Some(whole(calendar::days_until_anniversary(*d, today())))
        }
        _ => None,
    };
    result.unwrap_or(Value::Null)
}
