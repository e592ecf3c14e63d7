//! Column-wise conditions: a condition made only of constructs with a columnar form,
//! planned once and answered for the whole batch as a bitmap, one pass per
//! comparison.
//!
//! The columnar constructs are comparisons of an attribute with a literal (numbers
//! and strings ordered or compared for equality, bools and null compared for
//! equality; the literal put at the column's scale once, so that numbers compare as
//! integers), `is null` and `is not null`, `in` and `not in` a list of literals, a
//! bool attribute or literal used as a condition, comparisons of number expressions
//! ([`super::numbers`]), `exists` of an event query ([`super::events`]), `segment(x)`
//! of a segment answered column-wise, and `and`, `or`, `not` over them. Every
//! condition is two-valued (§4.3): a comparison with a null is false but for `!=`,
//! which is true, so each answer is one bitmap and the logical operators are bitwise.
//! Anything else leaves the item to the row interpreter.

use std::cmp::Ordering;
use std::collections::HashSet;

use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{Array, ArrayRef, PrimitiveArray, StringArray};
use arrow_buffer::{BooleanBuffer, NullBuffer};
use rust_decimal::Decimal;

use super::env::{Column, Env};
use super::events::{self, QueryPlan};
use super::numbers::{self, Number};
use crate::model::{AttrId, Type, Value};
use crate::program::{Aggregate, CompareOp, Constant, ItemId, Node, NodeId, Orderings, Program};

/// How deep a condition may nest and still be planned: deeper ones, which rules
/// written by people never reach, are left to the row interpreter.
pub(super) const MAX_DEPTH: u32 = 64;

/// Lists of literals longer than this are searched through a hash set.
const SHORT_LIST: usize = 8;

/// A condition with a columnar form.
#[derive(Debug, Clone)]
pub(super) enum Plan {
    /// A condition that is always true, or always false.
    Constant(bool),
    /// A number or string attribute ordered against a constant.
    Compare {
        attribute: AttrId,
        accepts: Orderings,
        constant: Constant,
    },
    /// A bool attribute equal (or, `negated`, unequal) to a bool.
    BoolEquals {
        attribute: AttrId,
        value: bool,
        negated: bool,
    },
    /// A bool attribute used as a condition: true only for `true`.
    Truthy(AttrId),
    /// `attribute is null`, or `is not null` when `negated`.
    IsNull {
        attribute: AttrId,
        negated: bool,
    },
    /// `attribute in [literals]`, or `not in` when `negated`.
    In {
        attribute: AttrId,
        list: Box<[Value]>,
        negated: bool,
    },
    /// `segment(x)`, answered column-wise.
    Segment(ItemId),
    /// Two number expressions compared.
    Numbers {
        op: CompareOp,
        lhs: Number,
        rhs: Number,
    },
    /// `exists(query)`.
    Exists(Box<QueryPlan>),
    /// Two instants compared.
    Instants(Box<events::Instants>),
    Not(Box<Plan>),
    And(Box<[Plan]>),
    Or(Box<[Plan]>),
}

/// The columnar plan of the condition `node`, if every part of it has one; `columns`
/// holds the items answered column-wise, which it may reference.
pub(super) fn plan(program: &Program, columns: &[Option<Column>], node: NodeId) -> Option<Plan> {
    plan_at(program, columns, node, 0)
}

fn plan_at(
    program: &Program,
    columns: &[Option<Column>],
    node: NodeId,
    depth: u32,
) -> Option<Plan> {
    if depth > MAX_DEPTH {
        return None;
    }
    let nested = |id: &NodeId| plan_at(program, columns, *id, depth.saturating_add(1));
    let attribute_type = |id: AttrId| program.schema().attribute_type(id).map(Type::non_optional);
    Some(match program.nodes.get(node)? {
        Node::Literal(value) => Plan::Constant(matches!(value, Value::Bool(true))),
        Node::Attribute(attribute) if attribute_type(*attribute) == Some(&Type::Bool) => {
            Plan::Truthy(*attribute)
        }
        Node::CompareAttribute {
            accepts,
            attribute,
            constant,
        } => Plan::Compare {
            attribute: *attribute,
            accepts: *accepts,
            constant: constant.clone(),
        },
        Node::Compare { op, lhs, rhs } => {
            let literal = match (program.nodes.get(*lhs)?, program.nodes.get(*rhs)?) {
                (Node::Attribute(a), Node::Literal(v)) => Some((*op, *a, v)),
                (Node::Literal(v), Node::Attribute(a)) => Some((op.swapped(), *a, v)),
                _ => None,
            };
            match literal.and_then(|(op, a, v)| compare_literal(op, a, attribute_type(a)?, v)) {
                Some(plan) => plan,
                None => match (
                    numbers::plan(program, columns, *lhs),
                    numbers::plan(program, columns, *rhs),
                ) {
                    (Some(lhs), Some(rhs)) => Plan::Numbers { op: *op, lhs, rhs },
                    _ => Plan::Instants(Box::new(events::plan_instants(program, *op, *lhs, *rhs)?)),
                },
            }
        }
        Node::Item { item, offset } if offset.is_zero() => match columns.get(item.index())? {
            Some(Column::Bool(_)) => Plan::Segment(*item),
            _ => return None,
        },
        Node::Aggregate {
            aggregate: Aggregate::Exists,
            query,
            ..
        } => Plan::Exists(Box::new(events::plan_query(program, columns, query)?)),
        Node::IsNull { operand, negated } => match program.nodes.get(*operand)? {
            Node::Attribute(attribute) => Plan::IsNull {
                attribute: *attribute,
                negated: *negated,
            },
            // A number expression: `x == null`.
            _ => Plan::Numbers {
                op: if *negated {
                    CompareOp::Ne
                } else {
                    CompareOp::Eq
                },
                lhs: numbers::plan(program, columns, *operand)?,
                rhs: Number::Literal(None),
            },
        },
        Node::In {
            element,
            list,
            negated,
        } => {
            let Node::Attribute(attribute) = program.nodes.get(*element)? else {
                return None;
            };
            if !matches!(attribute_type(*attribute)?, Type::Number | Type::String) {
                return None;
            }
            Plan::In {
                attribute: *attribute,
                list: literal_list(program, *list)?,
                negated: *negated,
            }
        }
        Node::Not(operand) => Plan::Not(Box::new(nested(operand)?)),
        Node::And(operands) => Plan::And(operands.iter().map(nested).collect::<Option<_>>()?),
        Node::Or(operands) => match program.nodes.text_equalities(operands) {
            // `x == "a" or x == "b"`: the column read once.
            Some((attribute, texts)) => Plan::In {
                attribute,
                list: texts.iter().cloned().map(Value::String).collect(),
                negated: false,
            },
            None => Plan::Or(operands.iter().map(nested).collect::<Option<_>>()?),
        },
        _ => return None,
    })
}

/// The literals of a list of literals.
pub(super) fn literal_list(program: &Program, list: NodeId) -> Option<Box<[Value]>> {
    Some(match program.nodes.get(list)? {
        Node::Literal(Value::List(items)) => items.iter().cloned().collect(),
        Node::List(items) => items
            .iter()
            .map(|item| match program.nodes.get(*item) {
                Some(Node::Literal(value)) => Some(value.clone()),
                _ => None,
            })
            .collect::<Option<_>>()?,
        _ => return None,
    })
}

/// `attribute op literal`, for an attribute of type `ty`, as `==` and friends answer
/// it (§4.3): two nulls are equal, ordering with a null or a bool is false.
fn compare_literal(op: CompareOp, attribute: AttrId, ty: &Type, literal: &Value) -> Option<Plan> {
    let equality = matches!(op, CompareOp::Eq | CompareOp::Ne);
    let negated = op == CompareOp::Ne;
    Some(match (ty, literal) {
        (Type::Number, Value::Number(n)) => Plan::Compare {
            attribute,
            accepts: Orderings::of(op),
            constant: Constant::Number(*n),
        },
        (Type::String, Value::String(s)) => Plan::Compare {
            attribute,
            accepts: Orderings::of(op),
            constant: Constant::Text(s.clone()),
        },
        (Type::Bool, Value::Bool(value)) if equality => Plan::BoolEquals {
            attribute,
            value: *value,
            negated,
        },
        (_, Value::Null) if equality => Plan::IsNull { attribute, negated },
        (Type::Bool, Value::Bool(_)) | (_, Value::Null) => Plan::Constant(false),
        _ => return None,
    })
}

/// The answer of `plan` for every contact of the batch, or `None` when a column is
/// not of the Arrow type the plan reads (then the row interpreter answers).
pub(super) fn evaluate(plan: &Plan, env: &Env<'_>) -> Option<BooleanBuffer> {
    let contacts = env.contacts;
    let rows = contacts.len();
    let column = |attribute: &AttrId| -> Option<&ArrayRef> {
        contacts.attributes.get(attribute.index()).map(|c| c.array)
    };
    Some(match plan {
        Plan::Constant(true) => BooleanBuffer::new_set(rows),
        Plan::Constant(false) => BooleanBuffer::new_unset(rows),
        Plan::Compare {
            attribute,
            accepts,
            constant,
        } => {
            let array = column(attribute)?;
            let answers = match constant {
                Constant::Number(n) => order_numbers(array.as_primitive_opt()?, *accepts, *n),
                Constant::Text(s) => order_texts(array.as_string_opt()?, *accepts, s),
            };
            with_nulls(answers, array.nulls(), accepts.with_null())
        }
        Plan::BoolEquals {
            attribute,
            value,
            negated,
        } => {
            let array = column(attribute)?;
            let bits = array.as_boolean_opt()?.values();
            let equal = if *value { bits.clone() } else { !bits };
            flip(with_nulls(equal, array.nulls(), false), *negated)
        }
        Plan::Truthy(attribute) => {
            let array = column(attribute)?;
            with_nulls(
                array.as_boolean_opt()?.values().clone(),
                array.nulls(),
                false,
            )
        }
        Plan::IsNull { attribute, negated } => {
            let nulls = match column(attribute)?.nulls() {
                Some(nulls) => !nulls.inner(),
                None => BooleanBuffer::new_unset(rows),
            };
            flip(nulls, *negated)
        }
        Plan::In {
            attribute,
            list,
            negated,
        } => {
            let array = column(attribute)?;
            let found = if let Some(numbers) = array.as_primitive_opt::<Decimal128Type>() {
                numbers_in(numbers, list)
            } else {
                texts_in(array.as_string_opt()?, list)
            };
            flip(with_nulls(found, array.nulls(), false), *negated)
        }
        Plan::Segment(item) => match env.column(*item)? {
            Column::Bool(answers) => answers.clone(),
            _ => return None,
        },
        Plan::Numbers { op, lhs, rhs } => {
            let (lhs, rhs) = (lhs.evaluate(env)?, rhs.evaluate(env)?);
            let op = *op;
            BooleanBuffer::collect_bool(rows, |row| {
                numbers::compare(op, lhs.get(row), rhs.get(row))
            })
        }
        Plan::Exists(query) => query.exists(env)?,
        Plan::Instants(instants) => instants.evaluate(env),
        Plan::Not(operand) => !&evaluate(operand, env)?,
        Plan::And(operands) => {
            let mut answers = BooleanBuffer::new_set(rows);
            for operand in operands.iter() {
                answers = &answers & &evaluate(operand, env)?;
            }
            answers
        }
        Plan::Or(operands) => {
            let mut answers = BooleanBuffer::new_unset(rows);
            for operand in operands.iter() {
                answers = &answers | &evaluate(operand, env)?;
            }
            answers
        }
    })
}

/// `answers` where the value is not null, `null_answer` where it is.
pub(super) fn with_nulls(
    answers: BooleanBuffer,
    nulls: Option<&NullBuffer>,
    null_answer: bool,
) -> BooleanBuffer {
    match nulls {
        None => answers,
        Some(nulls) if null_answer => &answers | &!nulls.inner(),
        Some(nulls) => &answers & nulls.inner(),
    }
}

/// `answers`, negated when `negated`.
pub(super) fn flip(answers: BooleanBuffer, negated: bool) -> BooleanBuffer {
    if negated { !&answers } else { answers }
}

/// A number at the scale of a column: the integer part of `n × 10^scale` (rounded
/// toward minus infinity) and whether it is exact. Beyond the integers of a column,
/// it is the largest or smallest integer, inexact: above or below every value.
fn at_scale(n: Decimal, scale: u32) -> (i128, bool) {
    let mantissa = n.mantissa();
    let own = n.scale();
    if scale >= own {
        let scaled = 10_i128
            .checked_pow(scale.saturating_sub(own))
            .and_then(|power| mantissa.checked_mul(power));
        match scaled {
            Some(scaled) => (scaled, true),
            None if mantissa > 0 => (i128::MAX, false),
            None => (i128::MIN, false),
        }
    } else {
        // `own` is at most 28: the power fits.
        let power = 10_i128
            .checked_pow(own.saturating_sub(scale))
            .unwrap_or(i128::MAX);
        (mantissa.div_euclid(power), mantissa.rem_euclid(power) == 0)
    }
}

/// The scale of a decimal column.
fn scale_of(array: &PrimitiveArray<Decimal128Type>) -> u32 {
    u32::try_from(array.scale()).unwrap_or(0)
}

/// Each value of a decimal column ordered against `n` as `accepts` asks; null slots
/// get any answer.
pub(super) fn order_numbers(
    array: &PrimitiveArray<Decimal128Type>,
    accepts: Orderings,
    n: Decimal,
) -> BooleanBuffer {
    let (floor, exact) = at_scale(n, scale_of(array));
    let less = accepts.contain(Ordering::Less);
    let equal = accepts.contain(Ordering::Equal);
    let greater = accepts.contain(Ordering::Greater);
    // A value equal to `floor` is below `n` when `floor` is not exact.
    let at_floor = if exact { equal } else { less };
    let values = array.values();
    // One comparison per value: the operator is chosen once, not per value.
    match (less, at_floor, greater) {
        (false, false, true) => each(values, |v| v > floor),
        (false, true, true) => each(values, |v| v >= floor),
        (true, false, false) => each(values, |v| v < floor),
        (true, true, false) => each(values, |v| v <= floor),
        (false, true, false) => each(values, |v| v == floor),
        (true, false, true) => each(values, |v| v != floor),
        (true, true, true) => BooleanBuffer::new_set(values.len()),
        (false, false, false) => BooleanBuffer::new_unset(values.len()),
    }
}

/// `test` of every value.
#[inline]
fn each(values: &[i128], test: impl Fn(i128) -> bool) -> BooleanBuffer {
    BooleanBuffer::collect_bool(values.len(), |row| {
        values.get(row).is_some_and(|value| test(*value))
    })
}

/// Each value of a string column ordered against `s` as `accepts` asks (byte order,
/// which is code point order); null slots get any answer.
pub(super) fn order_texts(array: &StringArray, accepts: Orderings, s: &str) -> BooleanBuffer {
    if accepts.is_equality() {
        let equal = equal_texts(array, s.len(), &[s.as_bytes()]);
        return flip(equal, !accepts.contain(Ordering::Equal));
    }
    BooleanBuffer::collect_bool(array.len(), |row| accepts.contain(array.value(row).cmp(s)))
}

/// Whether each value of a string column is one of `wanted`, all of one length,
/// straight from the offsets and the bytes: for the short strings rules compare, the
/// length and the first and last few bytes as words ([`texts_among`]), which is
/// cheaper than a call to `memcmp`; one pass whatever the number of strings.
fn equal_texts(array: &StringArray, length: usize, wanted: &[&[u8]]) -> BooleanBuffer {
    match length {
        0 => same_texts::<0>(array, length, wanted),
        1 => same_texts::<1>(array, length, wanted),
        2..=3 => same_texts::<2>(array, length, wanted),
        4..=7 => same_texts::<4>(array, length, wanted),
        8..=16 => same_texts::<8>(array, length, wanted),
        _ => {
            let (offsets, bytes) = (array.value_offsets(), array.value_data());
            BooleanBuffer::collect_bool(array.len(), |row| {
                value_at(offsets, bytes, row, length).is_some_and(|value| wanted.contains(&value))
            })
        }
    }
}

/// [`equal_texts`] for strings of `N` to `2N` bytes: the number of strings chosen
/// once, so that the test of a row is a fixed sequence of comparisons.
fn same_texts<const N: usize>(
    array: &StringArray,
    length: usize,
    wanted: &[&[u8]],
) -> BooleanBuffer {
    let ends: Vec<([u8; N], [u8; N])> = wanted
        .iter()
        .filter_map(|w| Some((*w.first_chunk::<N>()?, *w.last_chunk::<N>()?)))
        .collect();
    match ends.as_slice() {
        [one] => texts_among::<N, 1>(array, length, [*one]),
        [one, two] => texts_among::<N, 2>(array, length, [*one, *two]),
        [one, two, three] => texts_among::<N, 3>(array, length, [*one, *two, *three]),
        [one, two, three, four] => texts_among::<N, 4>(array, length, [*one, *two, *three, *four]),
        _ => {
            let (offsets, bytes) = (array.value_offsets(), array.value_data());
            BooleanBuffer::collect_bool(array.len(), |row| {
                value_at(offsets, bytes, row, length).is_some_and(|value| {
                    let (head, tail) = (value.first_chunk::<N>(), value.last_chunk::<N>());
                    ends.iter()
                        .any(|(h, t)| (head == Some(h)) & (tail == Some(t)))
                })
            })
        }
    }
}

/// Whether each value of a string column, of `length` bytes (from `N` to `2N`), is
/// one of `K` strings given by their first and last `N` bytes. Without a branch that
/// depends on the data: the bytes are read from where the value would start and end
/// if it had `length` bytes (kept within the buffer), and the length is one more
/// comparison of the answer, so random values cost no mispredicted branch.
fn texts_among<const N: usize, const K: usize>(
    array: &StringArray,
    length: usize,
    ends: [([u8; N], [u8; N]); K],
) -> BooleanBuffer {
    let (offsets, bytes) = (array.value_offsets(), array.value_data());
    let Some(last) = bytes.len().checked_sub(N) else {
        // No value of the column is as long as `N` bytes.
        return BooleanBuffer::new_unset(array.len());
    };
    let chunk = |at: usize| -> [u8; N] {
        let at = at.min(last);
        bytes
            .get(at..at + N)
            .and_then(|value| value.first_chunk::<N>())
            .copied()
            .unwrap_or([0; N])
    };
    let bounds = |row: usize| {
        let start = offsets.get(row).map_or(0, |o| *o as usize);
        let end = offsets.get(row + 1).map_or(0, |o| *o as usize);
        (start, end, end.wrapping_sub(start) == length)
    };
    if length == N {
        // The first bytes are the whole value.
        return BooleanBuffer::collect_bool(array.len(), |row| {
            let (start, _, of_length) = bounds(row);
            let head = chunk(start);
            let found = ends
                .iter()
                .fold(false, |found, (h, _)| found | (head == *h));
            found & of_length
        });
    }
    BooleanBuffer::collect_bool(array.len(), |row| {
        let (start, end, of_length) = bounds(row);
        let (head, tail) = (chunk(start), chunk(end.wrapping_sub(N)));
        let found = ends
            .iter()
            .fold(false, |found, (h, t)| found | ((head == *h) & (tail == *t)));
        found & of_length
    })
}

/// The bytes of the value in `row`, when it is `length` bytes long.
#[inline(always)]
fn value_at<'a>(offsets: &[i32], bytes: &'a [u8], row: usize, length: usize) -> Option<&'a [u8]> {
    let start = *offsets.get(row)? as usize;
    let end = *offsets.get(row + 1)? as usize;
    if end.wrapping_sub(start) != length {
        return None;
    }
    bytes.get(start..end)
}

/// Whether each value of a decimal column equals a number of `list`.
pub(super) fn numbers_in(array: &PrimitiveArray<Decimal128Type>, list: &[Value]) -> BooleanBuffer {
    let scale = scale_of(array);
    let wanted: Vec<i128> = list
        .iter()
        .filter_map(Value::as_number)
        .map(|n| at_scale(n, scale))
        .filter_map(|(value, exact)| exact.then_some(value))
        .collect();
    let values = array.values();
    let value = |row: usize| values.get(row).copied().unwrap_or_default();
    if wanted.len() <= SHORT_LIST {
        return BooleanBuffer::collect_bool(values.len(), |row| wanted.contains(&value(row)));
    }
    let wanted: HashSet<i128> = wanted.into_iter().collect();
    BooleanBuffer::collect_bool(values.len(), |row| wanted.contains(&value(row)))
}

/// Whether each value of a string column equals a string of `list`.
pub(super) fn texts_in(array: &StringArray, list: &[Value]) -> BooleanBuffer {
    let wanted: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
    if wanted.len() <= SHORT_LIST {
        // One pass for each length.
        let mut lengths: Vec<usize> = wanted.iter().map(|text| text.len()).collect();
        lengths.sort_unstable();
        lengths.dedup();
        let mut found = BooleanBuffer::new_unset(array.len());
        for length in lengths {
            let of_length: Vec<&[u8]> = wanted
                .iter()
                .filter(|text| text.len() == length)
                .map(|text| text.as_bytes())
                .collect();
            found = &found | &equal_texts(array, length, &of_length);
        }
        return found;
    }
    let wanted: HashSet<&str> = wanted.into_iter().collect();
    BooleanBuffer::collect_bool(array.len(), |row| wanted.contains(array.value(row)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_put_at_a_column_scale_exactly() {
        assert_eq!(at_scale(Decimal::new(125, 1), 2), (1250, true));
        assert_eq!(at_scale(Decimal::new(125, 2), 1), (12, false));
        assert_eq!(at_scale(Decimal::new(-125, 2), 1), (-13, false));
        assert_eq!(at_scale(Decimal::new(-120, 2), 1), (-12, true));
        assert_eq!(at_scale(Decimal::MAX, 28), (i128::MAX, false));
        assert_eq!(at_scale(Decimal::MIN, 28), (i128::MIN, false));
    }

    /// Strings of every length from 0 to 40 bytes, differing at the first, the last
    /// or a middle byte, some multi-byte, some null.
    fn texts() -> Vec<Option<String>> {
        let mut texts = vec![
            None,
            Some(String::new()),
            Some("é".into()),
            Some("ü".into()),
        ];
        for length in 1..=40 {
            let base: String = (0..length)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            texts.push(Some(base.clone()));
            for at in [0, length / 2, length - 1] {
                let mut changed = base.clone().into_bytes();
                if let Some(byte) = changed.get_mut(at) {
                    *byte = b'Z';
                }
                texts.push(String::from_utf8(changed).ok());
            }
        }
        texts
    }

    #[test]
    fn string_equality_and_lists_agree_with_comparing_the_strings() {
        let texts = texts();
        let whole = StringArray::from(texts.clone());
        // A slice whose offsets do not start at zero, and whose last value ends the
        // buffer: values read from the end of the buffer are shorter than the words.
        let sliced = whole.slice(7, texts.len() - 7);
        let wanted_lists: Vec<Vec<&str>> = texts
            .iter()
            .flatten()
            .map(|text| vec![text.as_str()])
            .chain([
                vec!["ab", "Zb", "aZ"],
                vec!["abcdefgh", "abcdefghijklmnop", "", "a"],
                vec![
                    "abcdefghi",
                    "abcdefghZ",
                    "Zbcdefghi",
                    "abcdZfghi",
                    "abcdefghij",
                ],
                vec!["é", "ü", "e"],
            ])
            .collect();
        // Each string alone: its bytes end the buffer, and begin it.
        let alone: Vec<StringArray> = texts
            .iter()
            .map(|text| StringArray::from(vec![text.clone()]))
            .collect();
        for array in [&whole, &sliced].into_iter().chain(&alone) {
            for wanted in &wanted_lists {
                let list: Vec<Value> = wanted.iter().map(|w| Value::String((*w).into())).collect();
                let found = texts_in(array, &list);
                for row in 0..array.len() {
                    let value = array.is_valid(row).then(|| array.value(row));
                    let expected = value.is_some_and(|v| wanted.contains(&v));
                    // A null slot's answer is any: with_nulls decides it.
                    if value.is_some() {
                        assert_eq!(found.value(row), expected, "{value:?} in {wanted:?}");
                    }
                }
                if let [one] = wanted.as_slice() {
                    let equal = order_texts(array, Orderings::of(CompareOp::Eq), one);
                    let unequal = order_texts(array, Orderings::of(CompareOp::Ne), one);
                    for row in (0..array.len()).filter(|row| array.is_valid(*row)) {
                        assert_eq!(equal.value(row), array.value(row) == *one);
                        assert_eq!(unequal.value(row), array.value(row) != *one);
                    }
                }
            }
        }
    }
}
