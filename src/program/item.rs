//! Items of a compiled program: segments, scores, decisions, rewards, workflows,
//! experiments and metrics, resolved.

use chrono::TimeDelta;
use rust_decimal::Decimal;

use super::metric::Metric;
use super::node::{ItemId, NodeId, Query};
use super::workflow::Workflow;
use crate::diagnostic::Span;
use crate::model::KindId;

/// One compiled item.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// Its name.
    pub name: String,
    /// Its optional human title.
    pub title: Option<String>,
    /// What it computes.
    pub body: ItemBody,
    /// The items it references directly, with the time-travel offset of each.
    pub dependencies: Box<[(ItemId, TimeDelta)]>,
    /// Needs a whole batch (ranked segments, and whatever references one).
    pub batch_only: bool,
}

/// Where an item and its parts were written: the index of its file in the program's
/// sources and byte spans there. Kept apart from [`Item`] (in
/// [`Program::item_sources`](super::Program)), so that evaluation never reads it.
#[derive(Debug, Clone, Default)]
pub(crate) struct ItemSource {
    /// The index of its file in the program's sources.
    pub file: u32,
    /// The whole item, from its keyword to its closing brace.
    pub span: Span,
    /// Its name.
    pub name: Span,
    /// A score's rules, one per compiled rule ([`ScoreRules::rules`]), in order.
    pub rules: Box<[Span]>,
    /// A score's `clamp A to B`.
    pub clamp: Option<Span>,
}

/// What an item computes.
#[derive(Debug, Clone)]
pub(crate) enum ItemBody {
    /// A segment's condition.
    Segment(NodeId),
    /// A ranked segment: batch only.
    Ranked(Ranking),
    /// A score.
    Score(ScoreRules),
    /// A decision.
    Decision(DecisionArms),
    /// A workflow.
    Workflow(Box<Workflow>),
    /// A reward program.
    Reward(RewardRules),
    /// An A/B test over a workflow's split.
    Experiment(Box<super::Experiment>),
    /// A metric: batch only, never referenced.
    Metric(Box<Metric>),
}

/// The kind of an item, as named in messages and the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ItemKind {
    /// A segment (`segment`).
    Segment,
    /// A score (`score`).
    Score,
    /// A decision (`decide`).
    Decision,
    /// A workflow (`workflow`).
    Workflow,
    /// A reward program (`reward`), computed per trigger event.
    Reward,
    /// An A/B test over a workflow's split (`experiment`), reported over a population.
    Experiment,
    /// A metric (`metric`), computed over a population of contacts.
    Metric,
}

impl ItemKind {
    /// The kind's name, as its reference function is spelled (`segment(x)`).
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Segment => "segment",
            ItemKind::Score => "score",
            ItemKind::Decision => "decision",
            ItemKind::Workflow => "workflow",
            ItemKind::Reward => "reward",
            ItemKind::Experiment => "experiment",
            ItemKind::Metric => "metric",
        }
    }
}

impl ItemBody {
    /// The kind of item this body belongs to.
    pub fn kind(&self) -> ItemKind {
        match self {
            ItemBody::Segment(_) | ItemBody::Ranked(_) => ItemKind::Segment,
            ItemBody::Score(_) => ItemKind::Score,
            ItemBody::Decision(_) => ItemKind::Decision,
            ItemBody::Workflow(_) => ItemKind::Workflow,
            ItemBody::Reward(_) => ItemKind::Reward,
            ItemBody::Experiment(_) => ItemKind::Experiment,
            ItemBody::Metric(_) => ItemKind::Metric,
        }
    }
}

/// `top N by EXPR [where COND]`.
#[derive(Debug, Clone)]
pub(crate) struct Ranking {
    pub take: Take,
    pub by: NodeId,
    pub filter: Option<NodeId>,
}

/// How many ranked contacts a segment takes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Take {
    Count(u64),
    /// A fraction (0.10 for `10%`).
    Fraction(Decimal),
}

/// A score's rules and modifiers.
#[derive(Debug, Clone)]
pub(crate) struct ScoreRules {
    pub rules: Box<[ScoreRule]>,
    pub half_life: Option<TimeDelta>,
    pub clamp: Option<(Decimal, Decimal)>,
}

/// One rule of a score.
#[derive(Debug, Clone)]
pub(crate) enum ScoreRule {
    /// Points per matching event, capped in absolute value.
    Per {
        query: Query,
        points: NodeId,
        max: Option<Decimal>,
    },
    /// Points once when a condition holds.
    When { condition: NodeId, points: NodeId },
}

/// A decision's arms.
#[derive(Debug, Clone)]
pub(crate) struct DecisionArms {
    pub collect: bool,
    pub arms: Box<[(NodeId, NodeId)]>,
    pub otherwise: Option<NodeId>,
}

/// A reward program: its trigger, its arms and how each grant is bounded.
#[derive(Debug, Clone)]
pub(crate) struct RewardRules {
    /// The event kinds that trigger it.
    pub trigger: Box<[KindId]>,
    /// `when COND => AMOUNT`, first match wins.
    pub arms: Box<[(NodeId, NodeId)]>,
    /// The `else` amount.
    pub otherwise: Option<NodeId>,
    /// The `cap X per event` bounds (every one applies).
    pub per_event: Box<[Decimal]>,
    /// The `cap X per D` bounds, in order.
    pub rolling: Box<[RollingCap]>,
    /// Decimal places of each grant.
    pub places: u32,
}

/// `cap X per D`: grants in `(at - D, at]` sum to at most X.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RollingCap {
    pub amount: Decimal,
    pub window: TimeDelta,
}
