//! Metrics of a compiled program: values computed over a whole population of contacts
//! (open rate, conversion rate, ROI…), resolved.
//!
//! A metric has two levels. Its *population aggregates* (`total`, `mean`, `share`,
//! `contacts`) each hold a per-contact expression, a node of the program's arena
//! evaluated like a segment's condition for every contact. Its *body* combines their
//! results with numbers, parameters and arithmetic: a short list of [`Term`]s in
//! evaluation order, each term's operands before it and the value last, so that
//! computing it is one loop with no recursion.

use rust_decimal::Decimal;

use super::node::{ArithmeticOp, Function, NodeId};
use crate::model::KindId;

/// One compiled metric.
#[derive(Debug, Clone)]
pub(crate) struct Metric {
    /// How the population is split into groups.
    pub grouping: Grouping,
    /// The population aggregates the body reads, by index.
    pub aggregates: Box<[PopulationAggregate]>,
    /// The body, in evaluation order: the last term is the metric's value.
    pub terms: Box<[Term]>,
}

/// How a metric groups its population.
#[derive(Debug, Clone)]
pub(crate) enum Grouping {
    /// One group: the whole population.
    None,
    /// `by EXPR`: a group per distinct value of a per-contact expression.
    Key(NodeId),
    /// `by PROP of KINDS`: a group per distinct value of the prop among the
    /// contact's events of those kinds. Within a group, the metric's queries (those
    /// marked [`Query::grouped`](super::Query)) see only the events of the grouping
    /// kinds whose prop has the group's value.
    Prop {
        /// The grouping kinds (a group's members counted one by one), in order.
        kinds: Box<[KindId]>,
        /// Indexed by kind id: the prop's slot in that kind, or none for a kind that
        /// does not group.
        slots: Box<[Option<usize>]>,
    },
}

/// A population aggregate, with its per-contact argument.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PopulationAggregate {
    /// `total(E)`: the sum of E over the contacts, nulls skipped.
    Total(NodeId),
    /// `mean(E)`: the average of E over the contacts where it is not null.
    Mean(NodeId),
    /// `share(C)`: the fraction of the contacts for which C holds.
    Share(NodeId),
    /// `contacts(C)`: how many contacts satisfy C; `contacts()`: how many there are.
    Contacts(Option<NodeId>),
}

impl PopulationAggregate {
    /// The per-contact expression, if there is one.
    pub fn argument(self) -> Option<NodeId> {
        match self {
            PopulationAggregate::Total(node)
            | PopulationAggregate::Mean(node)
            | PopulationAggregate::Share(node)
            | PopulationAggregate::Contacts(Some(node)) => Some(node),
            PopulationAggregate::Contacts(None) => None,
        }
    }
}

/// The index of a term in its metric's [`Metric::terms`].
pub(crate) type TermId = u32;

/// One term of a metric's body.
#[derive(Debug, Clone)]
pub(crate) enum Term {
    /// A number literal, or null.
    Literal(Option<Decimal>),
    /// A parameter of the population, by declaration index.
    Param(usize),
    /// The result of a population aggregate, by index in [`Metric::aggregates`].
    Aggregate(usize),
    /// `-x`.
    Negate(TermId),
    /// `+ - * /`.
    Arithmetic {
        op: ArithmeticOp,
        lhs: TermId,
        rhs: TermId,
    },
    /// `x ?? y`.
    Coalesce { value: TermId, default: TermId },
    /// A number function: `abs`, `floor`, `ceil` (one argument), `round`, `min`,
    /// `max` (two).
    Call {
        function: Function,
        first: TermId,
        second: Option<TermId>,
    },
}
