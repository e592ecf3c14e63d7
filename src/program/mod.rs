//! The compiled program: a flat, immutable arena of nodes and the items that use it.
//!
//! The checker writes it, the compiler orders it, the evaluator reads it. Nothing in
//! it refers back to source text.

mod item;
mod node;

pub use item::ItemKind;
pub(crate) use item::{DecisionArms, Item, ItemBody, Ranking, ScoreRule, ScoreRules, Take};
pub(crate) use node::{
    Aggregate, ArithmeticOp, CompareOp, EventField, Function, ItemId, Node, NodeId, Part,
    PropSlot, Query, TextOp, Window,
};

/// The node arena being built, or built.
#[derive(Debug, Clone, Default)]
pub(crate) struct Nodes {
    nodes: Vec<Node>,
}

impl Nodes {
    /// Adds a node and returns its id.
    pub fn push(&mut self, node: Node) -> NodeId {
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX));
        self.nodes.push(node);
        id
    }

    /// The node `id`, if it exists.
    pub fn get(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.0 as usize)
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
}
