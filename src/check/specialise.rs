//! Specialised nodes: where the operands' nodes already say how a node will be
//! evaluated, a node that does that directly replaces the general one.
//!
//! Only comparisons of an attribute with a number or string literal are specialised
//! today: they are most of what segments test, and their general form dispatches on
//! both operands and on both values at every evaluation.

use crate::model::Value;
use crate::program::{Constant, Node, Nodes, Orderings};

/// `node`, or a node that evaluates to the same value with less work.
pub(super) fn specialised(node: Node, nodes: &Nodes) -> Node {
    let Node::Compare { op, lhs, rhs } = node else {
        return node;
    };
    let attribute_and_constant = match (nodes.get(lhs), nodes.get(rhs)) {
        (Some(Node::Attribute(attribute)), Some(Node::Literal(literal))) => {
            constant(literal).map(|constant| (op, *attribute, constant))
        }
        (Some(Node::Literal(literal)), Some(Node::Attribute(attribute))) => {
            constant(literal).map(|constant| (op.swapped(), *attribute, constant))
        }
        _ => None,
    };
    match attribute_and_constant {
        Some((op, attribute, constant)) => Node::CompareAttribute {
            accepts: Orderings::of(op),
            attribute,
            constant,
        },
        None => node,
    }
}

/// The literal as a [`Constant`], when it is of a type that has one.
fn constant(literal: &Value) -> Option<Constant> {
    match literal {
        Value::Number(number) => Some(Constant::Number(*number)),
        Value::String(text) => Some(Constant::Text(text.clone())),
        _ => None,
    }
}
