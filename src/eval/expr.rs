//! Evaluating expression nodes (§4): names, logic with two-valued nulls, operators,
//! interpolation, item references.

use std::sync::Arc;

use super::{Evaluator, Frame, operators, truthy};
use crate::model::{Value, write_text};
use crate::program::{Node, NodeId, Part};

impl Evaluator<'_> {
    /// The value of node `id` in `frame`.
    pub(crate) fn eval(&mut self, id: NodeId, frame: &Frame<'_>) -> Value {
        crate::stack::with_headroom(|| self.eval_unguarded(id, frame))
    }

    fn eval_unguarded(&mut self, id: NodeId, frame: &Frame<'_>) -> Value {
        let program = self.program;
        let Some(node) = program.nodes.get(id) else {
            return Value::Null;
        };
        match node {
            Node::Literal(value) => value.clone(),
            Node::Attribute(attribute) => self.contact.attribute(*attribute).clone(),
            Node::Prop(slot) => frame
                .event
                .and_then(|event| slot.slot(event.kind()).map(|s| event.prop(s).clone()))
                .unwrap_or(Value::Null),
            Node::EventAt => frame
                .event
                .map_or(Value::Null, |event| Value::DateTime(event.at())),
            Node::Now => Value::DateTime(frame.now),
            Node::Today => Value::Date(self.today(frame)),
            Node::EnteredAt => self
                .context
                .entered_at()
                .map_or(Value::Null, Value::DateTime),
            Node::List(elements) => {
                let values: Vec<Value> = elements.iter().map(|e| self.eval(*e, frame)).collect();
                Value::List(values.into())
            }
            Node::Not(operand) => Value::Bool(!self.test(*operand, frame)),
            Node::Negate(operand) => operators::negate(&self.eval(*operand, frame)),
            Node::And(operands) => Value::Bool(operands.iter().all(|o| self.test(*o, frame))),
            Node::Or(operands) => Value::Bool(operands.iter().any(|o| self.test(*o, frame))),
            Node::Arithmetic { op, lhs, rhs } => {
                let lhs = self.eval(*lhs, frame);
                let rhs = self.eval(*rhs, frame);
                operators::arithmetic(*op, &lhs, &rhs)
            }
            Node::Compare { op, lhs, rhs } => {
                let lhs = self.eval(*lhs, frame);
                let rhs = self.eval(*rhs, frame);
                Value::Bool(operators::compare(*op, &lhs, &rhs))
            }
            Node::In {
                element,
                list,
                negated,
            } => {
                let element = self.eval(*element, frame);
                let list = self.eval(*list, frame);
                Value::Bool(operators::is_in(&element, &list) != *negated)
            }
            Node::Text { op, lhs, rhs } => {
                let lhs = self.eval(*lhs, frame);
                let rhs = self.eval(*rhs, frame);
                Value::Bool(operators::text(*op, &lhs, &rhs))
            }
            Node::Matches { subject, regex } => {
                let subject = self.eval(*subject, frame);
                Value::Bool(subject.as_str().is_some_and(|s| regex.is_match(s)))
            }
            Node::Coalesce { value, default } => match self.eval(*value, frame) {
                Value::Null => self.eval(*default, frame),
                value => value,
            },
            Node::IsNull { operand, negated } => {
                Value::Bool(self.eval(*operand, frame).is_null() != *negated)
            }
            Node::Call { function, args } => {
                // Built-ins take one or two arguments: no list is built.
                let first = args.first().map_or(Value::Null, |a| self.eval(*a, frame));
                let second = match args.get(1) {
                    Some(a) => self.eval(*a, frame),
                    None => Value::Null,
                };
                if first.is_null() || (args.len() > 1 && second.is_null()) {
                    return Value::Null;
                }
                let today = || self.today(frame);
                operators::call(*function, &first, &second, self.context.time_zone(), today)
            }
            Node::Aggregate {
                aggregate,
                query,
                value,
            } => self.aggregate(*aggregate, query, *value, frame),
            Node::EventField { last, query, field } => {
                self.event_field(*last, query, field.as_ref(), frame)
            }
            Node::Item { item, offset } => {
                let at = frame.offset.checked_add(offset).unwrap_or(frame.offset);
                self.item(*item, at)
            }
            Node::Interpolate(parts) => {
                let mut text = String::new();
                for part in parts.iter() {
                    match part {
                        Part::Text(piece) => text.push_str(piece),
                        Part::Value(node) => write_text(&self.eval(*node, frame), &mut text),
                    }
                }
                Value::String(Arc::from(text))
            }
        }
    }

    /// A condition: true only for `true`.
    pub(crate) fn test(&mut self, id: NodeId, frame: &Frame<'_>) -> bool {
        truthy(&self.eval(id, frame))
    }
}
