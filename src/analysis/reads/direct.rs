//! What one item reads by itself, the items it references left out: a walk of its
//! nodes with an explicit stack.
//!
//! Every node of the arena has one parent (the checker writes each node once), so the
//! walk visits each node of the item once, and the stack, not the call stack, holds
//! what is left to visit: however deep the tree, the walk uses no recursion.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{AttrId, KindId};
use crate::program::{
    EventField, Function, Grouping, Item, ItemBody, Node, NodeId, Part, Program, Query, Reentry,
    ScoreRule, StepKind, Window,
};

/// A field of an event that a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Field {
    /// The declared prop in this slot of the kind.
    Prop(usize),
    /// The implicit `at`: the rule looks at when events happened (a window, `first`
    /// or `last`, `.at` or `at`, decay, a trigger's instant, time travel).
    At,
}

/// What one item reads by itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Direct {
    /// The contact attributes read.
    pub attributes: BTreeSet<AttrId>,
    /// The event kinds queried (or triggering), with the fields read of each.
    pub kinds: BTreeMap<KindId, BTreeSet<Field>>,
    /// An expression reads the evaluation instant: `now`, `today`, a `within` window,
    /// a calendar function of today, decay.
    pub now: bool,
    /// A workflow's timing depends on the instant: waits, `wait until … max`,
    /// `reenter after`, a send window.
    pub timing: bool,
    /// Something depends on the context's time zone: `today`, calendar functions, a
    /// send window.
    pub time_zone: bool,
}

/// The event kinds whose props are in scope (inside `where`, per-event points, a
/// reward's arms, an `enter on … where`), if any.
type Scope<'p> = Option<&'p [KindId]>;

impl Direct {
    /// What `item` of `program` reads by itself.
    pub fn of(program: &Program, item: &Item) -> Direct {
        let mut walk = Walk {
            program,
            direct: Direct::default(),
            pending: Vec::new(),
        };
        walk.item(item);
        walk.run();
        walk.direct
    }
}

/// A walk over one item's nodes.
struct Walk<'p> {
    program: &'p Program,
    direct: Direct,
    /// Nodes still to visit, with the event scope each is evaluated in.
    pending: Vec<(NodeId, Scope<'p>)>,
}

impl<'p> Walk<'p> {
    /// Queues the roots of an item's body.
    fn item(&mut self, item: &'p Item) {
        match &item.body {
            ItemBody::Segment(condition) => self.expr(*condition, None),
            ItemBody::Ranked(ranking) => {
                self.expr(ranking.by, None);
                self.exprs(ranking.filter, None);
            }
            ItemBody::Score(score) => {
                for rule in score.rules.iter() {
                    match rule {
                        ScoreRule::Per { query, points, .. } => {
                            self.query(query, None);
                            self.expr(*points, Some(&query.kinds));
                            if score.half_life.is_some() {
                                // Each event's points decay with its age.
                                self.direct.now = true;
                                self.field(&query.kinds, Field::At);
                            }
                        }
                        ScoreRule::When { condition, points } => {
                            self.expr(*condition, None);
                            self.expr(*points, None);
                        }
                    }
                }
            }
            ItemBody::Decision(decision) => {
                for (condition, value) in decision.arms.iter() {
                    self.expr(*condition, None);
                    self.expr(*value, None);
                }
                self.exprs(decision.otherwise, None);
            }
            ItemBody::Reward(reward) => {
                // The trigger's instant places the grant and its rolling caps.
                let trigger = Some(&*reward.trigger);
                self.field(&reward.trigger, Field::At);
                for (condition, amount) in reward.arms.iter() {
                    self.expr(*condition, trigger);
                    self.expr(*amount, trigger);
                }
                self.exprs(reward.otherwise, trigger);
            }
            ItemBody::Experiment(experiment) => {
                self.exprs(experiment.exposed, None);
                self.expr(experiment.converted, None);
            }
            ItemBody::Workflow(workflow) => {
                for enter in workflow.enter_on.iter() {
                    // `entered_at` is the trigger's `at`.
                    self.field(&enter.kinds, Field::At);
                    self.exprs(enter.filter, Some(&enter.kinds));
                }
                for condition in workflow.enter_when.iter() {
                    self.expr(*condition, None);
                }
                self.exprs(workflow.exit, None);
                self.exprs(workflow.goal, None);
                if matches!(workflow.reentry, Reentry::After(_)) {
                    self.direct.timing = true;
                }
                if workflow.window.is_some() {
                    self.direct.timing = true;
                    self.direct.time_zone = true;
                }
                for step in workflow.steps.values() {
                    match &step.kind {
                        StepKind::Action { action, args } => {
                            for arg in args.iter() {
                                self.exprs(*arg, None);
                            }
                            if let Some(cap) = self.program.cap_of(*action) {
                                // A frequency cap counts its kind's events by when they
                                // happened, in windows that move with the instant.
                                self.field(&[cap.counted], Field::At);
                                self.direct.timing = true;
                            }
                        }
                        StepKind::Wait(_) => self.direct.timing = true,
                        StepKind::WaitUntil { condition, max } => {
                            self.direct.timing |= max.is_some();
                            self.expr(*condition, None);
                        }
                        StepKind::If { branches, .. } => {
                            for (condition, _) in branches.iter() {
                                self.expr(*condition, None);
                            }
                        }
                        StepKind::Split { .. } | StepKind::Stop => {}
                    }
                }
            }
            ItemBody::Metric(metric) => {
                match &metric.grouping {
                    Grouping::None => {}
                    Grouping::Key(key) => self.expr(*key, None),
                    Grouping::Prop { kinds, slots } => {
                        for kind in kinds.iter() {
                            if let Some(Some(slot)) = slots.get(kind.index()) {
                                self.field(&[*kind], Field::Prop(*slot));
                            }
                        }
                    }
                }
                for aggregate in metric.aggregates.iter() {
                    self.exprs(aggregate.argument(), None);
                }
            }
        }
    }

    fn expr(&mut self, node: NodeId, scope: Scope<'p>) {
        self.pending.push((node, scope));
    }

    fn exprs(&mut self, nodes: impl IntoIterator<Item = NodeId>, scope: Scope<'p>) {
        for node in nodes {
            self.expr(node, scope);
        }
    }

    /// Marks `field` read for each of `kinds` (and the kinds read).
    fn field(&mut self, kinds: &[KindId], field: Field) {
        for kind in kinds {
            self.direct.kinds.entry(*kind).or_default().insert(field);
        }
    }

    /// A query: its kinds, its filter (with the event in scope) and its window (in the
    /// enclosing scope).
    fn query(&mut self, query: &'p Query, scope: Scope<'p>) {
        for kind in query.kinds.iter() {
            self.direct.kinds.entry(*kind).or_default();
        }
        self.exprs(query.filter, Some(&query.kinds));
        match &query.window {
            Window::All => {}
            Window::Within(_) => {
                self.direct.now = true;
                self.field(&query.kinds, Field::At);
            }
            Window::Since(from) => {
                self.field(&query.kinds, Field::At);
                self.expr(*from, scope);
            }
            Window::Between(from, until) => {
                self.field(&query.kinds, Field::At);
                self.expr(*from, scope);
                self.expr(*until, scope);
            }
        }
    }

    /// Visits every queued node.
    fn run(&mut self) {
        while let Some((id, scope)) = self.pending.pop() {
            if let Some(node) = self.program.nodes.get(id) {
                self.node(node, scope);
            }
        }
    }

    fn node(&mut self, node: &'p Node, scope: Scope<'p>) {
        match node {
            // A split's arm depends on the contact's id alone, which never changes.
            Node::Literal(_) | Node::EnteredAt | Node::SplitArm { .. } => {}
            // Items referenced are followed through the item's dependencies.
            Node::Item { .. } => {}
            Node::Attribute(attribute) | Node::CompareAttribute { attribute, .. } => {
                self.direct.attributes.insert(*attribute);
            }
            Node::Prop(slot) => {
                for kind in scope.unwrap_or_default() {
                    if let Some(slot) = slot.slot(*kind) {
                        self.field(&[*kind], Field::Prop(slot));
                    }
                }
            }
            Node::EventAt => self.field(scope.unwrap_or_default(), Field::At),
            Node::Now => self.direct.now = true,
            Node::Today => {
                self.direct.now = true;
                self.direct.time_zone = true;
            }
            Node::List(elements) | Node::And(elements) | Node::Or(elements) => {
                self.exprs(elements.iter().copied(), scope);
            }
            Node::Not(operand) | Node::Negate(operand) | Node::IsNull { operand, .. } => {
                self.expr(*operand, scope);
            }
            Node::Matches { subject, .. } => self.expr(*subject, scope),
            Node::Arithmetic { lhs, rhs, .. }
            | Node::Compare { lhs, rhs, .. }
            | Node::Text { lhs, rhs, .. } => {
                self.expr(*lhs, scope);
                self.expr(*rhs, scope);
            }
            Node::In { element, list, .. } => {
                self.expr(*element, scope);
                self.expr(*list, scope);
            }
            Node::Coalesce { value, default } => {
                self.expr(*value, scope);
                self.expr(*default, scope);
            }
            Node::Call { function, args } => {
                match function {
                    Function::Date | Function::Hour | Function::Weekday => {
                        self.direct.time_zone = true;
                    }
                    Function::YearsSince
                    | Function::IsAnniversary
                    | Function::DaysUntilAnniversary => {
                        // Against today's local date.
                        self.direct.now = true;
                        self.direct.time_zone = true;
                    }
                    Function::Lower
                    | Function::Upper
                    | Function::Trim
                    | Function::Len
                    | Function::Abs
                    | Function::Floor
                    | Function::Ceil
                    | Function::Round
                    | Function::Min
                    | Function::Max
                    | Function::Days
                    | Function::Hours => {}
                }
                self.exprs(args.iter().copied(), scope);
            }
            Node::Aggregate { query, value, .. } => {
                self.query(query, scope);
                self.exprs(*value, Some(&query.kinds));
            }
            Node::EventField { query, field, .. } => {
                self.query(query, scope);
                // `first` and `last` order the events by `at`.
                self.field(&query.kinds, Field::At);
                if let Some(EventField::Prop(slot)) = field {
                    for kind in query.kinds.iter() {
                        if let Some(slot) = slot.slot(*kind) {
                            self.field(&[*kind], Field::Prop(slot));
                        }
                    }
                }
            }
            Node::Interpolate(parts) => {
                for part in parts.iter() {
                    if let Part::Value(node) = part {
                        self.expr(*node, scope);
                    }
                }
            }
        }
    }
}
