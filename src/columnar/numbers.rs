//! Number expressions as typed columns: attributes, literals, arithmetic, the cheap
//! number functions, `??`, scores and event aggregates, one decimal per contact,
//! computed with the row interpreter's operations (`rust_decimal`, checked: null on
//! overflow and on division by zero).

use std::cmp::Ordering;

use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{Array, PrimitiveArray};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::env::{Column, Env, each_row};
use super::events::{self, Aggregated};
use crate::model::{AttrId, Type, Value};
use crate::program::{ArithmeticOp, CompareOp, Function, ItemId, Node, NodeId, Program};

/// A number expression with a columnar form.
#[derive(Debug, Clone)]
pub(super) enum Number {
    /// A number literal, or `null`.
    Literal(Option<Decimal>),
    /// A `number` attribute.
    Attribute(AttrId),
    /// `score(x)`, answered column-wise.
    Score(ItemId),
    /// `len(s)` of a string attribute.
    Length(AttrId),
    Negate(Box<Number>),
    Arithmetic {
        op: ArithmeticOp,
        lhs: Box<Number>,
        rhs: Box<Number>,
    },
    /// `abs`, `floor`, `ceil` (no `second`), `round`, `min`, `max`.
    Call {
        function: Function,
        first: Box<Number>,
        second: Option<Box<Number>>,
    },
    Coalesce(Box<Number>, Box<Number>),
    /// `count`, `sum`, `avg`, `min`, `max` of an event query.
    Aggregate(Box<Aggregated>),
}

/// The values of a number expression: one for every contact, or one per contact.
pub(super) enum Values {
    Constant(Option<Decimal>),
    Rows(Vec<Option<Decimal>>),
}

impl Values {
    /// The value of the contact in `row`.
    #[inline]
    pub fn get(&self, row: usize) -> Option<Decimal> {
        match self {
            Values::Constant(value) => *value,
            Values::Rows(values) => values.get(row).copied().flatten(),
        }
    }
}

/// The columnar form of the number expression `node`, if it has one.
pub(super) fn plan(program: &Program, columns: &[Option<Column>], node: NodeId) -> Option<Number> {
    plan_at(program, columns, node, 0)
}

fn plan_at(
    program: &Program,
    columns: &[Option<Column>],
    node: NodeId,
    depth: u32,
) -> Option<Number> {
    if depth > super::kernels::MAX_DEPTH {
        return None;
    }
    let nested = |id: NodeId| plan_at(program, columns, id, depth.saturating_add(1)).map(Box::new);
    let attribute_type = |id: AttrId| program.schema().attribute_type(id).map(Type::non_optional);
    Some(match program.nodes.get(node)? {
        Node::Literal(Value::Number(n)) => Number::Literal(Some(*n)),
        Node::Literal(Value::Null) => Number::Literal(None),
        Node::Attribute(a) if attribute_type(*a) == Some(&Type::Number) => Number::Attribute(*a),
        Node::Item { item, offset } if offset.is_zero() => match columns.get(item.index())? {
            Some(Column::Number(_)) => Number::Score(*item),
            _ => return None,
        },
        Node::Negate(operand) => Number::Negate(nested(*operand)?),
        Node::Arithmetic { op, lhs, rhs } => Number::Arithmetic {
            op: *op,
            lhs: nested(*lhs)?,
            rhs: nested(*rhs)?,
        },
        Node::Coalesce { value, default } => Number::Coalesce(nested(*value)?, nested(*default)?),
        Node::Call { function, args } => match (function, args.as_ref()) {
            (Function::Len, [operand]) => match program.nodes.get(*operand)? {
                Node::Attribute(a) if attribute_type(*a) == Some(&Type::String) => {
                    Number::Length(*a)
                }
                _ => return None,
            },
            (Function::Abs | Function::Floor | Function::Ceil, [operand]) => Number::Call {
                function: *function,
                first: nested(*operand)?,
                second: None,
            },
            (Function::Round | Function::Min | Function::Max, [first, second]) => Number::Call {
                function: *function,
                first: nested(*first)?,
                second: Some(nested(*second)?),
            },
            _ => return None,
        },
        Node::Aggregate {
            aggregate,
            query,
            value,
        } => Number::Aggregate(Box::new(events::plan_aggregate(
            program, columns, *aggregate, query, *value,
        )?)),
        _ => return None,
    })
}

impl Number {
    /// The expression's value for every contact of the batch, or `None` when a column
    /// is not of the type the plan reads.
    pub fn evaluate(&self, env: &Env<'_>) -> Option<Values> {
        let rows = env.rows();
        Some(match self {
            Number::Literal(value) => Values::Constant(*value),
            Number::Attribute(attribute) => {
                let column = env.contacts.attributes.get(attribute.index())?;
                Values::Rows(decimals(column.array.as_primitive_opt()?))
            }
            Number::Score(item) => match env.column(*item)? {
                Column::Number(values) => Values::Rows(values.clone()),
                _ => return None,
            },
            Number::Length(attribute) => {
                let column = env.contacts.attributes.get(attribute.index())?;
                let texts = column.array.as_string_opt::<i32>()?;
                Values::Rows(
                    (0..rows)
                        .map(|row| {
                            texts.is_valid(row).then(|| {
                                let length = texts.value(row).chars().count();
                                Decimal::from(i64::try_from(length).unwrap_or(i64::MAX))
                            })
                        })
                        .collect(),
                )
            }
            Number::Negate(operand) => map(operand.evaluate(env)?, rows, |n| n.map(|n| -n)),
            Number::Arithmetic { op, lhs, rhs } => {
                let op = *op;
                zip(lhs.evaluate(env)?, rhs.evaluate(env)?, rows, |a, b| {
                    arithmetic(op, a?, b?)
                })
            }
            Number::Coalesce(value, default) => zip(
                value.evaluate(env)?,
                default.evaluate(env)?,
                rows,
                |a, b| a.or(b),
            ),
            Number::Call {
                function,
                first,
                second,
            } => {
                let function = *function;
                let first = first.evaluate(env)?;
                match second {
                    None => map(first, rows, |n| call(function, n?, None)),
                    Some(second) => zip(first, second.evaluate(env)?, rows, |a, b| {
                        call(function, a?, Some(b?))
                    }),
                }
            }
            Number::Aggregate(aggregated) => Values::Rows(aggregated.evaluate(env)?),
        })
    }
}

/// The values of a decimal column as the row interpreter reads them (normalised).
pub(super) fn decimals(array: &PrimitiveArray<Decimal128Type>) -> Vec<Option<Decimal>> {
    let scale = u32::try_from(array.scale()).unwrap_or(0);
    let read = |v: i128| super::read::decimal(v, scale);
    match array.nulls() {
        None => each_row(array.len(), |row| {
            array.values().get(row).and_then(|v| read(*v))
        }),
        Some(_) => (0..array.len())
            .map(|row| {
                array
                    .is_valid(row)
                    .then(|| read(array.value(row)))
                    .flatten()
            })
            .collect(),
    }
}

fn map(
    values: Values,
    rows: usize,
    f: impl Fn(Option<Decimal>) -> Option<Decimal> + Sync + Send,
) -> Values {
    match values {
        Values::Constant(value) => Values::Constant(f(value)),
        Values::Rows(values) => {
            Values::Rows(each_row(rows, |row| f(values.get(row).copied().flatten())))
        }
    }
}

fn zip(
    lhs: Values,
    rhs: Values,
    rows: usize,
    f: impl Fn(Option<Decimal>, Option<Decimal>) -> Option<Decimal> + Sync + Send,
) -> Values {
    if let (Values::Constant(a), Values::Constant(b)) = (&lhs, &rhs) {
        return Values::Constant(f(*a, *b));
    }
    Values::Rows(each_row(rows, |row| f(lhs.get(row), rhs.get(row))))
}

/// `+ - * /` on two numbers, as the row interpreter computes it.
fn arithmetic(op: ArithmeticOp, a: Decimal, b: Decimal) -> Option<Decimal> {
    match op {
        ArithmeticOp::Add => a.checked_add(b),
        ArithmeticOp::Sub => a.checked_sub(b),
        ArithmeticOp::Mul => a.checked_mul(b),
        ArithmeticOp::Div => a.checked_div(b),
    }
}

/// A number function on non-null arguments, as the row interpreter computes it.
fn call(function: Function, n: Decimal, second: Option<Decimal>) -> Option<Decimal> {
    match (function, second) {
        (Function::Abs, _) => Some(n.abs()),
        (Function::Floor, _) => Some(n.floor()),
        (Function::Ceil, _) => Some(n.ceil()),
        (Function::Round, Some(places)) => places
            .to_u32()
            .filter(|p| Decimal::from(*p) == places && *p <= 28)
            .map(|p| n.round_dp_with_strategy(p, RoundingStrategy::MidpointAwayFromZero)),
        (Function::Min, Some(b)) => Some(n.min(b)),
        (Function::Max, Some(b)) => Some(n.max(b)),
        _ => None,
    }
}

/// `a op b` with the null logic of §4.3: two nulls are equal, a null equals nothing
/// else, ordering with a null is false.
#[inline]
pub(super) fn compare(op: CompareOp, a: Option<Decimal>, b: Option<Decimal>) -> bool {
    match op {
        CompareOp::Eq => a == b,
        CompareOp::Ne => a != b,
        _ => match (a, b) {
            (Some(a), Some(b)) => {
                let ordering = a.cmp(&b);
                match op {
                    CompareOp::Lt => ordering == Ordering::Less,
                    CompareOp::Le => ordering != Ordering::Greater,
                    CompareOp::Gt => ordering == Ordering::Greater,
                    _ => ordering != Ordering::Less,
                }
            }
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_by_zero_and_overflow_give_null() {
        assert_eq!(
            arithmetic(ArithmeticOp::Div, Decimal::ONE, Decimal::ZERO),
            None
        );
        assert_eq!(
            arithmetic(ArithmeticOp::Mul, Decimal::MAX, Decimal::TWO),
            None
        );
        assert_eq!(
            arithmetic(ArithmeticOp::Add, Decimal::MAX, Decimal::ONE),
            None
        );
        assert_eq!(
            arithmetic(ArithmeticOp::Sub, Decimal::new(15, 1), Decimal::ONE),
            Some(Decimal::new(5, 1))
        );
    }

    #[test]
    fn comparisons_follow_the_null_logic() {
        let one = Some(Decimal::ONE);
        assert!(compare(CompareOp::Eq, None, None));
        assert!(!compare(CompareOp::Ne, None, None));
        assert!(!compare(CompareOp::Eq, one, None));
        assert!(compare(CompareOp::Ne, one, None));
        assert!(!compare(CompareOp::Ge, one, None));
        assert!(compare(CompareOp::Ge, one, Some(Decimal::new(10, 1))));
        assert!(compare(CompareOp::Eq, one, Some(Decimal::new(10, 1))));
    }

    #[test]
    fn round_needs_whole_places_up_to_28() {
        let n = Decimal::new(125, 2);
        assert_eq!(
            call(Function::Round, n, Some(Decimal::ONE)),
            Some(Decimal::new(13, 1))
        );
        assert_eq!(call(Function::Round, n, Some(Decimal::new(15, 1))), None);
        assert_eq!(call(Function::Round, n, Some(Decimal::from(29))), None);
    }
}
