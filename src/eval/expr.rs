//! Evaluating expression nodes (§4): names, logic with two-valued nulls, operators,
//! interpolation, item references.

use std::ops::Deref;
use std::sync::Arc;

use super::{Evaluator, Frame, operators, truthy};
use crate::model::{Value, write_text};
use crate::program::{Node, NodeId, Part, PropSlot};

/// Expression levels entered between two checks of the remaining stack. A check
/// costs more than evaluating a small node, and eight levels use far less stack than
/// the headroom each check keeps (even unoptimised).
const LEVELS_PER_STACK_CHECK: u32 = 8;

/// An operand: borrowed from the program, the contact or the event in scope when it
/// is a literal, an attribute or a prop, so reading it clones nothing; computed
/// otherwise.
enum Operand<'v> {
    Borrowed(&'v Value),
    Computed(Value),
}

impl Deref for Operand<'_> {
    type Target = Value;

    fn deref(&self) -> &Value {
        match self {
            Operand::Borrowed(value) => value,
            Operand::Computed(value) => value,
        }
    }
}

impl<'p> Evaluator<'p> {
    /// The value of node `id` in `frame`.
    pub(crate) fn eval(&mut self, id: NodeId, frame: &Frame<'_>) -> Value {
        self.nested(|evaluator| match evaluator.program.nodes.get(id) {
            Some(node) => evaluator.value(node, frame),
            None => Value::Null,
        })
    }

    /// A condition: true only for `true`.
    #[inline]
    pub(crate) fn test(&mut self, id: NodeId, frame: &Frame<'_>) -> bool {
        if let Some(holds) = self.leaf(id) {
            return holds;
        }
        match self.program.nodes.get(id) {
            Some(node) => self.nested(|evaluator| evaluator.condition(node, frame)),
            None => false,
        }
    }

    /// The answer of a comparison of an attribute with a constant, the most frequent
    /// condition: cheap, without effects and without recursion, so answered in
    /// place. `None` for any other node.
    #[inline]
    fn leaf(&self, id: NodeId) -> Option<bool> {
        match self.program.nodes.get(id) {
            Some(Node::CompareAttribute {
                accepts,
                attribute,
                constant,
            }) => Some(operators::compare_constant(
                *accepts,
                self.contact.attribute(*attribute),
                constant,
            )),
            _ => None,
        }
    }

    /// Runs `f` one expression level deeper, with stack headroom checked every
    /// [`LEVELS_PER_STACK_CHECK`] levels.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.depth = self.depth.wrapping_add(1);
        let result = if self.depth.is_multiple_of(LEVELS_PER_STACK_CHECK) {
            crate::stack::with_headroom(|| f(self))
        } else {
            f(self)
        };
        self.depth = self.depth.wrapping_sub(1);
        result
    }

    /// The value of node `id`, borrowed when it can be.
    fn operand<'f>(&mut self, id: NodeId, frame: &Frame<'f>) -> Operand<'f>
    where
        'p: 'f,
    {
        let contact = self.contact;
        match self.program.nodes.get(id) {
            Some(Node::Literal(value)) => Operand::Borrowed(value),
            Some(Node::Attribute(attribute)) => Operand::Borrowed(contact.attribute(*attribute)),
            Some(Node::Prop(slot)) => Operand::Borrowed(prop(slot, frame)),
            _ => Operand::Computed(self.eval(id, frame)),
        }
    }

    /// Whether a node is true: computed as a bool, without making a [`Value`], for
    /// the logical operators and the tests.
    fn condition(&mut self, node: &'p Node, frame: &Frame<'_>) -> bool {
        match node {
            Node::Not(operand) => !self.test(*operand, frame),
            Node::And(operands) => operands.iter().all(|o| self.test(*o, frame)),
            Node::Or(operands) => operands.iter().any(|o| self.test(*o, frame)),
            other => self.test_operator(other, frame),
        }
    }

    /// The conditions other than the logical operators: kept out of
    /// [`Evaluator::condition`], so that `and`, `or` and `not`, met at every level of
    /// a rule, run in a function with a small frame.
    #[inline(never)]
    fn test_operator(&mut self, node: &'p Node, frame: &Frame<'_>) -> bool {
        match node {
            Node::Compare { op, lhs, rhs } => {
                let lhs = self.operand(*lhs, frame);
                let rhs = self.operand(*rhs, frame);
                operators::compare(*op, &lhs, &rhs)
            }
            Node::CompareAttribute {
                accepts,
                attribute,
                constant,
            } => {
                operators::compare_constant(*accepts, self.contact.attribute(*attribute), constant)
            }
            Node::In {
                element,
                list,
                negated,
            } => {
                let element = self.operand(*element, frame);
                let found = match self.program.nodes.get(*list) {
                    // A list written out with computed elements: compared one by one,
                    // without building the list.
                    Some(Node::List(items)) => {
                        !element.is_null()
                            && items
                                .iter()
                                .any(|item| operators::equal(&self.operand(*item, frame), &element))
                    }
                    _ => operators::is_in(&element, &self.operand(*list, frame)),
                };
                found != *negated
            }
            Node::Text { op, lhs, rhs } => {
                let lhs = self.operand(*lhs, frame);
                let rhs = self.operand(*rhs, frame);
                operators::text(*op, &lhs, &rhs)
            }
            Node::Matches { subject, regex } => {
                let subject = self.operand(*subject, frame);
                subject.as_str().is_some_and(|s| regex.is_match(s))
            }
            Node::IsNull { operand, negated } => {
                self.operand(*operand, frame).is_null() != *negated
            }
            other => truthy(&self.value(other, frame)),
        }
    }

    fn value(&mut self, node: &'p Node, frame: &Frame<'_>) -> Value {
        match node {
            Node::Literal(value) => value.clone(),
            Node::Attribute(attribute) => self.contact.attribute(*attribute).clone(),
            Node::Prop(slot) => prop(slot, frame).clone(),
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
            Node::Not(_)
            | Node::And(_)
            | Node::Or(_)
            | Node::Compare { .. }
            | Node::CompareAttribute { .. }
            | Node::In { .. }
            | Node::Text { .. }
            | Node::Matches { .. }
            | Node::IsNull { .. } => Value::Bool(self.condition(node, frame)),
            Node::Negate(operand) => operators::negate(&self.operand(*operand, frame)),
            Node::Arithmetic { op, lhs, rhs } => {
                let lhs = self.operand(*lhs, frame);
                let rhs = self.operand(*rhs, frame);
                operators::arithmetic(*op, &lhs, &rhs)
            }
            Node::Coalesce { value, default } => match self.eval(*value, frame) {
                Value::Null => self.eval(*default, frame),
                value => value,
            },
            Node::Call { function, args } => {
                // Built-ins take one or two arguments: no list is built.
                let first = match args.first() {
                    Some(a) => self.operand(*a, frame),
                    None => Operand::Borrowed(&Value::Null),
                };
                let second = match args.get(1) {
                    Some(a) => self.operand(*a, frame),
                    None => Operand::Borrowed(&Value::Null),
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
            Node::SplitArm { key, arms } => {
                let bucket = super::split::bucket_after(key, self.contact.id());
                super::split::arm_index(arms.iter().copied(), bucket)
                    .and_then(|arm| u32::try_from(arm).ok())
                    .map_or(Value::Null, |arm| Value::Number(arm.into()))
            }
            Node::Interpolate(parts) => {
                // Assembled in the workspace's buffer (a nested interpolation, which
                // finds it taken, uses a new one): the value is the only allocation.
                let mut text = std::mem::take(&mut self.workspace.text);
                text.clear();
                for part in parts.iter() {
                    match part {
                        Part::Text(piece) => text.push_str(piece),
                        Part::Value(node) => write_text(&self.operand(*node, frame), &mut text),
                    }
                }
                let value = Value::String(Arc::from(text.as_str()));
                self.workspace.text = text;
                value
            }
        }
    }
}

/// The prop in `slot` of the event in scope; null when there is none.
fn prop<'f>(slot: &PropSlot, frame: &Frame<'f>) -> &'f Value {
    const NULL: &Value = &Value::Null;
    frame
        .event
        .and_then(|event| slot.slot(event.kind()).map(|s| event.prop(s)))
        .unwrap_or(NULL)
}
