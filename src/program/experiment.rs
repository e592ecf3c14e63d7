//! Experiments of a compiled program: the `split` under test, resolved to its
//! workflow and statement, and the conditions and rule of the test.

use rust_decimal::Decimal;

use super::node::{ItemId, NodeId};

/// A compiled experiment.
#[derive(Debug, Clone)]
pub(crate) struct Experiment {
    /// The workflow whose split is tested.
    pub workflow: ItemId,
    /// The split's statement id (§8.2), as the §8.4 hash reads it.
    pub statement: String,
    /// The split statement's fingerprint (§8.2), which a winner records.
    pub fingerprint: u64,
    /// Each arm's upper bucket bound (exclusive), as in `StepKind::Split`.
    pub arms: Box<[u32]>,
    /// `exposed when`: which contacts reached the split; every contact when absent.
    pub exposed: Option<NodeId>,
    /// `converted when`.
    pub converted: NodeId,
    /// The control arm.
    pub control: usize,
    /// The confidence level, a fraction (0.95 for `95%`).
    pub level: Decimal,
    /// `min N` of the winner rule; none when the experiment has no winner rule.
    pub min_contacts: Option<u64>,
}

/// The level of the tests and intervals of an experiment without `winner at`.
pub(crate) const DEFAULT_LEVEL: Decimal = Decimal::from_parts(95, 0, 0, false, 2);
