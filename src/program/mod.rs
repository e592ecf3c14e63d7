//! The compiled program: a flat, immutable arena of nodes and the items that use it.
//!
//! The checker writes it, the compiler orders it, the evaluator reads it. Nothing in
//! it refers back to source text.

mod item;
mod node;
mod workflow;

pub use item::ItemKind;
pub(crate) use item::{
    DecisionArms, Item, ItemBody, Ranking, RewardRules, RollingCap, ScoreRule, ScoreRules, Take,
};
pub(crate) use node::{
    Aggregate, ArithmeticOp, CompareOp, Constant, EventField, Function, ItemId, Node, NodeId,
    Orderings, Part, PropSlot, Query, TextOp, Window,
};
pub(crate) use workflow::{
    EnterOn, Reentry, SPLIT_BUCKETS, SendWindow, Step, StepIndex, StepKind, Workflow,
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
}

/// A compiled rule set: immutable, `Send + Sync`, shared by every evaluation.
///
/// Built by [`crate::Compiler`] or [`crate::compile`]; evaluated with
/// [`Program::segment`], [`Program::segments`], [`Program::evaluate`] and friends.
///
/// ```
/// let program = funil::compile(r#"
///     schema { contact { stage: string } }
///     segment customers { stage == "customer" }
/// "#).unwrap();
/// let contact = program.contact("c-1").attribute("stage", "customer").build().unwrap();
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse().unwrap());
/// assert!(program.segment("customers", &contact, &context).unwrap());
/// ```
#[derive(Debug, Clone)]
pub struct Program {
    pub(crate) schema: crate::model::Schema,
    pub(crate) schema_fingerprint: u64,
    pub(crate) nodes: Nodes,
    pub(crate) items: Vec<Item>,
    pub(crate) names: std::collections::HashMap<String, ItemId>,
    /// The items' names in declaration order, shared with every
    /// [`crate::Evaluation`] made, which names its scores and decisions by index.
    pub(crate) item_names: std::sync::Arc<[String]>,
    pub(crate) warnings: Vec<crate::diagnostic::Diagnostic>,
    pub(crate) max_events: usize,
}

impl Program {
    /// The schema the rules were checked against (declared and Rust-built, merged).
    pub fn schema(&self) -> &crate::model::Schema {
        &self.schema
    }

    /// The warnings of the compile that built this program.
    pub fn warnings(&self) -> &[crate::diagnostic::Diagnostic] {
        &self.warnings
    }

    /// A builder for a contact of this program's schema, with its event limit.
    pub fn contact(&self, id: impl Into<String>) -> crate::model::ContactBuilder<'_> {
        crate::model::Contact::builder(&self.schema, id).max_events(self.max_events)
    }

    /// Reads a contact from its JSON form (§1.1), validated against this program's
    /// schema and event limit.
    ///
    /// # Errors
    ///
    /// A [`crate::ContactError`] naming the contact, the field and the expected type.
    pub fn contact_from_json(
        &self,
        json: &str,
    ) -> Result<crate::model::Contact, crate::model::ContactError> {
        let options = crate::model::ContactOptions::new().max_events(self.max_events);
        crate::model::Contact::from_json_with(&self.schema, json, &options)
    }

    /// The title of the item `name`, if it has one (`segment dormant "No activity" {…}`).
    pub fn title(&self, name: &str) -> Option<&str> {
        self.item_named(name)?.1.title.as_deref()
    }

    /// The names of the items, with their kinds, in declaration order.
    pub fn items(&self) -> impl Iterator<Item = (&str, ItemKind)> {
        self.items
            .iter()
            .map(|item| (item.name.as_str(), item.body.kind()))
    }

    /// The item named `name`.
    pub(crate) fn item_named(&self, name: &str) -> Option<(ItemId, &Item)> {
        let id = *self.names.get(name)?;
        Some((id, self.items.get(id.index())?))
    }
}

// A compiled program is shared across threads: this fails to compile if it stops
// being `Send + Sync`.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<Program>();
    shared::<crate::model::Contact>();
};
