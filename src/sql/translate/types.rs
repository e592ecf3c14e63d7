//! The type of each compiled node, as far as SQL needs it: the checker has proved the
//! program well typed, but compiled nodes keep no types, and SQL spells each
//! operation per type (`||` for strings, interval arithmetic for instants, `COLLATE
//! "C"` for string order).

use crate::model::{Type, Value};
use crate::program::{
    Aggregate, ArithmeticOp, EventField, Function, ItemBody, Node, NodeId, Query,
};

use super::Translator;

/// A type of the rule language, with `Null` for the null literal (of any type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SqlType {
    Null,
    Bool,
    Number,
    Text,
    Date,
    DateTime,
    Duration,
    List(Box<SqlType>),
}

impl SqlType {
    /// The SQL type of `ty` (its `?` dropped: every SQL type has null).
    pub fn of(ty: &Type) -> SqlType {
        match ty.non_optional() {
            Type::Bool => SqlType::Bool,
            Type::Number => SqlType::Number,
            Type::String => SqlType::Text,
            Type::Date => SqlType::Date,
            Type::DateTime => SqlType::DateTime,
            Type::Duration => SqlType::Duration,
            Type::List(element) => SqlType::List(Box::new(SqlType::of(element))),
            Type::Optional(inner) => SqlType::of(inner),
        }
    }

    /// The type of a literal value.
    pub fn of_value(value: &Value) -> SqlType {
        match value {
            Value::Null => SqlType::Null,
            Value::Bool(_) => SqlType::Bool,
            Value::Number(_) => SqlType::Number,
            Value::String(_) => SqlType::Text,
            Value::Date(_) => SqlType::Date,
            Value::DateTime(_) => SqlType::DateTime,
            Value::Duration(_) => SqlType::Duration,
            Value::List(items) => SqlType::List(Box::new(
                items
                    .iter()
                    .map(SqlType::of_value)
                    .find(|ty| *ty != SqlType::Null)
                    .unwrap_or(SqlType::Null),
            )),
        }
    }

    /// The PostgreSQL name of the type (`text` for the null literal, which any type
    /// accepts).
    pub fn name(&self) -> String {
        match self {
            SqlType::Null | SqlType::Text => "text".into(),
            SqlType::Bool => "boolean".into(),
            SqlType::Number | SqlType::Duration => "numeric".into(),
            SqlType::Date => "date".into(),
            SqlType::DateTime => "timestamptz".into(),
            SqlType::List(element) => format!("{}[]", element.name()),
        }
    }

    /// The first of `self` and `other` that is not the null literal's type.
    fn or(self, other: impl FnOnce() -> SqlType) -> SqlType {
        if self == SqlType::Null { other() } else { self }
    }
}

impl Translator<'_> {
    /// The type of node `id` (events in scope as `scope` gives them).
    pub(super) fn type_of(&self, id: NodeId, scope: &[&Query]) -> SqlType {
        let Some(node) = self.program.nodes.get(id) else {
            return SqlType::Null;
        };
        match node {
            Node::Literal(value) => SqlType::of_value(value),
            Node::Attribute(attribute) => self
                .program
                .schema
                .attribute_type(*attribute)
                .map_or(SqlType::Null, SqlType::of),
            Node::Prop(slot) => self.prop(slot, scope).map_or(SqlType::Null, |p| p.1),
            Node::EventAt | Node::Now | Node::EnteredAt => SqlType::DateTime,
            Node::Today => SqlType::Date,
            Node::List(items) => SqlType::List(Box::new(
                items
                    .iter()
                    .map(|item| self.type_of(*item, scope))
                    .find(|ty| *ty != SqlType::Null)
                    .unwrap_or(SqlType::Null),
            )),
            Node::Not(_)
            | Node::And(_)
            | Node::Or(_)
            | Node::Compare { .. }
            | Node::CompareAttribute { .. }
            | Node::In { .. }
            | Node::Text { .. }
            | Node::Matches { .. }
            | Node::IsNull { .. } => SqlType::Bool,
            Node::Negate(operand) => self.type_of(*operand, scope),
            Node::Arithmetic { op, lhs, rhs } => {
                let (lhs, rhs) = (self.type_of(*lhs, scope), self.type_of(*rhs, scope));
                arithmetic_type(*op, lhs, rhs)
            }
            Node::Coalesce { value, default } => self
                .type_of(*value, scope)
                .or(|| self.type_of(*default, scope)),
            Node::Call { function, .. } => match function {
                Function::Lower | Function::Upper | Function::Trim => SqlType::Text,
                Function::Date => SqlType::Date,
                Function::IsAnniversary => SqlType::Bool,
                _ => SqlType::Number,
            },
            Node::Aggregate { aggregate, .. } => match aggregate {
                Aggregate::Exists => SqlType::Bool,
                _ => SqlType::Number,
            },
            Node::EventField { query, field, .. } => match field {
                None => SqlType::Bool,
                Some(EventField::At) => SqlType::DateTime,
                Some(EventField::Prop(slot)) => {
                    let mut inner: Vec<&Query> = scope.to_vec();
                    inner.push(query);
                    self.prop(slot, &inner).map_or(SqlType::Null, |p| p.1)
                }
            },
            Node::Item { item, .. } => self.item_type(*item),
            Node::Interpolate(_) => SqlType::Text,
            Node::SplitArm { .. } => SqlType::Number,
        }
    }

    /// The type of an item's value.
    pub(super) fn item_type(&self, item: crate::program::ItemId) -> SqlType {
        let Some(item) = self.program.items.get(item.index()) else {
            return SqlType::Null;
        };
        match &item.body {
            ItemBody::Segment(_) | ItemBody::Ranked(_) => SqlType::Bool,
            ItemBody::Score(_) => SqlType::Number,
            ItemBody::Decision(arms) => {
                let element = arms
                    .arms
                    .iter()
                    .map(|(_, value)| *value)
                    .chain(arms.otherwise)
                    .map(|value| self.type_of(value, &[]))
                    .find(|ty| *ty != SqlType::Null)
                    .unwrap_or(SqlType::Null);
                if arms.collect {
                    SqlType::List(Box::new(element))
                } else {
                    element
                }
            }
            _ => SqlType::Null,
        }
    }
}

/// The type of `lhs op rhs`.
fn arithmetic_type(op: ArithmeticOp, lhs: SqlType, rhs: SqlType) -> SqlType {
    match (op, &lhs, &rhs) {
        (ArithmeticOp::Sub, SqlType::DateTime, SqlType::DateTime)
        | (ArithmeticOp::Sub, SqlType::Date, SqlType::Date) => SqlType::Duration,
        (_, SqlType::DateTime | SqlType::Date, _) => lhs,
        _ => lhs.or(|| rhs),
    }
}
