//! Expression nodes of a compiled program: a flat arena addressed by [`NodeId`].
//!
//! Every name is already resolved: attributes and props are slots, items are ids,
//! functions are enum variants, regular expressions are compiled. Evaluation walks
//! ids and never sees source text.

use std::sync::Arc;

use chrono::TimeDelta;
use regex::Regex;
use rust_decimal::Decimal;

use crate::model::{AttrId, KindId, Value};

/// The index of a node in its program's arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct NodeId(pub u32);

/// The index of an item (segment, score, decision, …) in its program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ItemId(pub u32);

impl ItemId {
    /// The id of the item at `index` in declaration order.
    pub fn from_index(index: usize) -> ItemId {
        ItemId(u32::try_from(index).unwrap_or(u32::MAX))
    }

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One expression node.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// A constant (literals, and constant-folded percentages).
    Literal(Value),
    /// A contact attribute.
    Attribute(AttrId),
    /// A prop of the event in scope.
    Prop(PropSlot),
    /// The `at` of the event in scope.
    EventAt,
    /// The evaluation instant.
    Now,
    /// The local date of the evaluation instant.
    Today,
    /// The instant the workflow run being evaluated entered (`entered_at`).
    EnteredAt,
    /// `[a, b, …]`.
    List(Box<[NodeId]>),
    /// `not x`.
    Not(NodeId),
    /// `-x`.
    Negate(NodeId),
    /// `a and b and …`.
    And(Box<[NodeId]>),
    /// `a or b or …`.
    Or(Box<[NodeId]>),
    /// `+ - * /`.
    Arithmetic {
        op: ArithmeticOp,
        lhs: NodeId,
        rhs: NodeId,
    },
    /// `== != < <= > >=`.
    Compare {
        op: CompareOp,
        lhs: NodeId,
        rhs: NodeId,
    },
    /// `attribute op constant`: a comparison whose operands are known when compiling
    /// to be an attribute and a number or string literal (written on either side), so
    /// that evaluating it is one look-up and one comparison.
    CompareAttribute {
        accepts: Orderings,
        attribute: AttrId,
        constant: Constant,
    },
    /// `x in list`, `x not in list`.
    In {
        element: NodeId,
        list: NodeId,
        negated: bool,
    },
    /// `contains`, `starts_with`, `ends_with`.
    Text {
        op: TextOp,
        lhs: NodeId,
        rhs: NodeId,
    },
    /// `x matches "re"`.
    Matches { subject: NodeId, regex: Arc<Regex> },
    /// `x ?? y`.
    Coalesce { value: NodeId, default: NodeId },
    /// `x is null`, `x is not null`.
    IsNull { operand: NodeId, negated: bool },
    /// A function of §4.5 (item references excepted).
    Call {
        function: Function,
        args: Box<[NodeId]>,
    },
    /// `count`, `exists`, `sum`, `avg`, `min`, `max` over a query.
    Aggregate {
        aggregate: Aggregate,
        query: Query,
        value: Option<NodeId>,
    },
    /// A field of `first(Q)` or `last(Q)`; `field: None` asks whether there is one.
    EventField {
        last: bool,
        query: Query,
        field: Option<EventField>,
    },
    /// `segment(x)`, `score(x)`, `decision(x)`, as of `now - offset`.
    Item { item: ItemId, offset: TimeDelta },
    /// A string with interpolated parts.
    Interpolate(Box<[Part]>),
    /// `arm(workflow, "statement")`: the index of the arm the §8.4 hash gives the
    /// contact, with `key` the hash's prefix (`workflow/statement/`) and `arms` each
    /// arm's upper bucket bound.
    SplitArm { key: Arc<str>, arms: Box<[u32]> },
}

/// Where a prop sits in an event's props, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PropSlot {
    /// The same slot in every kind the query selects.
    Fixed(usize),
    /// Per kind (indexed by kind id): groups whose members declare props in different
    /// orders.
    ByKind(Box<[Option<usize>]>),
}

impl PropSlot {
    /// The slot of the prop in an event of `kind`.
    pub fn slot(&self, kind: KindId) -> Option<usize> {
        match self {
            PropSlot::Fixed(slot) => Some(*slot),
            PropSlot::ByKind(slots) => slots.get(kind.index()).copied().flatten(),
        }
    }
}

/// A field of an event record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EventField {
    At,
    Prop(PropSlot),
}

/// Arithmetic operators; the operand values choose the meaning (numbers, time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithmeticOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    /// The operator that gives the same answer with the operands swapped.
    pub fn swapped(self) -> CompareOp {
        match self {
            CompareOp::Eq | CompareOp::Ne => self,
            CompareOp::Lt => CompareOp::Gt,
            CompareOp::Le => CompareOp::Ge,
            CompareOp::Gt => CompareOp::Lt,
            CompareOp::Ge => CompareOp::Le,
        }
    }
}

/// The orderings of its operands for which a comparison is true, as bits: its answer
/// is one bit test, without a branch per operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Orderings(u8);

impl Orderings {
    const LESS: u8 = 0b001;
    const EQUAL: u8 = 0b010;
    const GREATER: u8 = 0b100;

    /// The orderings for which `lhs op rhs` is true.
    pub fn of(op: CompareOp) -> Orderings {
        Orderings(match op {
            CompareOp::Eq => Orderings::EQUAL,
            CompareOp::Ne => Orderings::LESS | Orderings::GREATER,
            CompareOp::Lt => Orderings::LESS,
            CompareOp::Le => Orderings::LESS | Orderings::EQUAL,
            CompareOp::Gt => Orderings::GREATER,
            CompareOp::Ge => Orderings::GREATER | Orderings::EQUAL,
        })
    }

    /// Whether the comparison is true for operands ordered `ordering`.
    pub fn contain(self, ordering: std::cmp::Ordering) -> bool {
        // `Less`, `Equal` and `Greater` are -1, 0 and 1: bits 0, 1 and 2.
        let bit = (ordering as i8 + 1) as u8;
        (self.0 >> bit) & 1 == 1
    }

    /// Whether the comparison is `==` or `!=`, which answer the same for every
    /// ordering of two unequal operands.
    pub fn is_equality(self) -> bool {
        self.contain(std::cmp::Ordering::Less) == self.contain(std::cmp::Ordering::Greater)
    }

    /// The answer when an operand is null (§4.3): only `!=` is true.
    pub fn with_null(self) -> bool {
        self == Orderings::of(CompareOp::Ne)
    }
}

/// The literal of a [`Node::CompareAttribute`], of a type compared without dispatch.
#[derive(Debug, Clone)]
pub(crate) enum Constant {
    Number(Decimal),
    Text(Arc<str>),
}

/// String and list tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextOp {
    Contains,
    StartsWith,
    EndsWith,
}

/// Built-in functions (§4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Function {
    Lower,
    Upper,
    Trim,
    Len,
    Abs,
    Floor,
    Ceil,
    Round,
    Min,
    Max,
    Date,
    Hour,
    Weekday,
    Days,
    Hours,
    YearsSince,
    IsAnniversary,
    DaysUntilAnniversary,
}

/// Aggregates over the events a query selects (§4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aggregate {
    Count,
    Exists,
    Sum,
    Avg,
    Min,
    Max,
}

/// An event query, resolved.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    /// The kinds selected (one, or a group's members).
    pub kinds: Box<[KindId]>,
    /// The condition on each event, with the event in scope.
    pub filter: Option<NodeId>,
    /// The time window.
    pub window: Window,
    /// Written in a metric grouped by an event prop: within a group, the query sees
    /// only the events of the grouping kinds whose prop has the group's value.
    pub grouped: bool,
}

/// A query's time window.
#[derive(Debug, Clone)]
pub(crate) enum Window {
    /// Everything up to `now`.
    All,
    /// `now - D < at <= now`.
    Within(TimeDelta),
    /// `T <= at <= now`.
    Since(NodeId),
    /// `A <= at < B` (and `at <= now`).
    Between(NodeId, NodeId),
}

/// A piece of an interpolated string.
#[derive(Debug, Clone)]
pub(crate) enum Part {
    Text(Arc<str>),
    Value(NodeId),
}
