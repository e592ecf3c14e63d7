//! The compiled program: a flat, immutable arena of nodes and the items that use it.
//!
//! The checker writes it, the compiler orders it, the evaluator reads it. Nothing the
//! evaluator reads refers back to source text: where each node and item was written is
//! kept in side tables beside them ([`Nodes::location`], [`ItemSource`], the
//! program's source files), which only explanations read.

mod cap;
mod experiment;
mod item;
mod metric;
mod node;
mod workflow;

use std::collections::HashMap;

use crate::diagnostic::{SourceFile, Span};

pub use cap::{CapLimit, FrequencyCap, OverCap};
pub(crate) use experiment::{DEFAULT_LEVEL, Experiment};
pub use item::ItemKind;
pub(crate) use item::{
    DecisionArms, Item, ItemBody, ItemSource, Ranking, RewardRules, RollingCap, ScoreRule,
    ScoreRules, Take,
};
pub(crate) use metric::{Grouping, Metric, PopulationAggregate, Term, TermId};
pub(crate) use node::{
    Aggregate, ArithmeticOp, CompareOp, Constant, EventField, Function, ItemId, Node, NodeId,
    Orderings, Part, PropSlot, Query, TextOp, Window,
};
pub(crate) use workflow::{
    EnterOn, Reentry, SPLIT_BUCKETS, SendWindow, Step, StepIndex, StepKind, Workflow,
};

/// Where something was written: the index of its source file in the program's
/// sources, and its byte span there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Location {
    pub file: u32,
    pub span: Span,
}

/// The node arena being built, or built.
///
/// Beside the nodes, and never read by evaluation: the location of each node (the
/// widest expression whose node it is; none for nodes no expression wrote), and for
/// each comparison specialised into [`Node::CompareAttribute`], the nodes of its
/// operands as written, so that an explanation can still show them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Nodes {
    nodes: Vec<Node>,
    locations: Vec<Option<Location>>,
    operands: HashMap<NodeId, (NodeId, NodeId)>,
}

impl Nodes {
    /// Adds a node and returns its id.
    pub fn push(&mut self, node: Node) -> NodeId {
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX));
        self.nodes.push(node);
        self.locations.push(None);
        id
    }

    /// The node `id`, if it exists.
    pub fn get(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.0 as usize)
    }

    /// Records that node `id` is the node of the expression written at `location`
    /// (an enclosing expression that has the same node records over it).
    pub fn locate(&mut self, id: NodeId, location: Location) {
        if let Some(slot) = self.locations.get_mut(id.0 as usize) {
            *slot = Some(location);
        }
    }

    /// Where node `id` was written, if an expression wrote it.
    pub fn location(&self, id: NodeId) -> Option<Location> {
        self.locations.get(id.0 as usize).copied().flatten()
    }

    /// Records the operands, as written, of the specialised comparison `id`.
    pub fn specialised_from(&mut self, id: NodeId, lhs: NodeId, rhs: NodeId) {
        self.operands.insert(id, (lhs, rhs));
    }

    /// The operands, as written, of the specialised comparison `id`.
    pub fn operands_written(&self, id: NodeId) -> Option<(NodeId, NodeId)> {
        self.operands.get(&id).copied()
    }

    /// The attribute and the texts when `operands` (of an `or`) all compare one
    /// attribute for equality with a text literal: `x == "a" or x == "b"`, which the
    /// fast paths answer by reading `x` once.
    pub fn text_equalities(
        &self,
        operands: &[NodeId],
    ) -> Option<(crate::model::AttrId, Box<[std::sync::Arc<str>]>)> {
        let mut attribute = None;
        let mut texts = Vec::with_capacity(operands.len());
        for operand in operands {
            let Some(Node::CompareAttribute {
                accepts,
                attribute: compared,
                constant: Constant::Text(text),
            }) = self.get(*operand)
            else {
                return None;
            };
            let other = attribute.replace(*compared).is_some_and(|a| a != *compared);
            if other || *accepts != Orderings::of(CompareOp::Eq) {
                return None;
            }
            texts.push(std::sync::Arc::clone(text));
        }
        Some((attribute?, texts.into()))
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
    /// The lints (`W0004`…), also among `warnings`.
    pub(crate) lints: Vec<crate::diagnostic::Diagnostic>,
    pub(crate) max_events: usize,
    /// The source files compiled, in the order they were given: [`Location::file`]
    /// indexes them. Only explanations read them.
    pub(crate) sources: Vec<SourceFile>,
    /// Where each item was written, parallel to `items`. Only explanations read it.
    pub(crate) item_sources: Vec<ItemSource>,
    /// The frequency caps, in declaration order; at most one per action.
    pub(crate) caps: Box<[FrequencyCap]>,
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

    /// The lints of the compile that built this program (`W0004`…, see
    /// [Lints](crate::language#lints)): rules that compile but cannot do what they
    /// seem to. They are warnings too, so [`warnings`](Program::warnings) holds them
    /// as well, in source order among the others.
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { contact { age: number } }
    ///     decide band {
    ///         when age >= 40 => "older"
    ///         when age >= 50 => "oldest"
    ///         else => "young"
    ///     }
    /// "#)?;
    /// let codes: Vec<_> = program.lints().iter().map(|lint| lint.code()).collect();
    /// assert_eq!(codes, ["W0004"]);
    /// assert!(program.warnings().iter().any(|warning| warning.code() == "W0004"));
    /// # Ok::<(), funil::CompileError>(())
    /// ```
    pub fn lints(&self) -> &[crate::diagnostic::Diagnostic] {
        &self.lints
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

    /// The frequency caps, in declaration order (at most one per action): see the
    /// [language reference](crate::language#frequency-caps).
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { event email.sent { } action send_email(template: string) }
    ///     cap emails on send_email counted by email.sent { at most 1 per 1d }
    /// "#)?;
    /// let names: Vec<&str> = program.caps().iter().map(|cap| cap.name()).collect();
    /// assert_eq!(names, ["emails"]);
    /// # Ok::<(), funil::CompileError>(())
    /// ```
    pub fn caps(&self) -> &[FrequencyCap] {
        &self.caps
    }

    /// The frequency cap on the action named `action`, if there is one.
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { event email.sent { } action send_email(template: string) action add_tag(tag: string) }
    ///     cap emails on send_email counted by email.sent { at most 1 per 1d }
    /// "#)?;
    /// assert_eq!(program.cap_on("send_email").map(|cap| cap.counted_kind()), Some("email.sent"));
    /// assert!(program.cap_on("add_tag").is_none());
    /// # Ok::<(), funil::CompileError>(())
    /// ```
    pub fn cap_on(&self, action: &str) -> Option<&FrequencyCap> {
        self.caps.iter().find(|cap| cap.action_name == action)
    }

    /// The frequency cap on the action `action`, if there is one.
    pub(crate) fn cap_of(&self, action: crate::model::ActionId) -> Option<&FrequencyCap> {
        self.caps.iter().find(|cap| cap.action == action)
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
