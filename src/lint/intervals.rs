//! Sets of numbers as unions of intervals, and the set of values of one expression for
//! which a condition holds.
//!
//! [`cover`] reads a condition made of comparisons of one expression with number
//! literals (`x >= 40`, `3 < x`, `x == 5`, `x != 5`, `x in [1, 2]`), joined by `and`
//! and `or`, and gives that expression (as canonical source text) with the set of its
//! values that make the condition true. Anything else gives `None`. A null value
//! makes every such comparison not true, so the set says exactly when the condition is
//! true for a value that is not null. The work is bounded: at most [`MAX_TERMS`]
//! comparisons and [`MAX_DEPTH`] levels of `and`/`or` per condition, at most
//! [`MAX_PIECES`] intervals per set.

use rust_decimal::Decimal;

use crate::syntax::ast::{BinaryOp, Expr, ExprKind};
use crate::syntax::print_expr;

/// The most comparisons one condition may hold to be read.
pub(super) const MAX_TERMS: usize = 64;
/// The deepest nesting of `and`/`or` read.
pub(super) const MAX_DEPTH: usize = 16;
/// The most intervals a set may hold.
pub(super) const MAX_PIECES: usize = 64;

/// One end of an interval: a number, included or not; `None` in [`Interval`] is
/// unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct End {
    value: Decimal,
    included: bool,
}

/// The numbers between two ends; `None` is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Interval {
    low: Option<End>,
    high: Option<End>,
}

impl Interval {
    /// True when no number lies in it.
    fn is_empty(&self) -> bool {
        match (self.low, self.high) {
            (Some(low), Some(high)) => {
                low.value > high.value
                    || (low.value == high.value && !(low.included && high.included))
            }
            _ => false,
        }
    }

    /// The numbers in both.
    fn meet(&self, other: &Interval) -> Interval {
        let low = match (self.low, other.low) {
            (Some(a), Some(b)) if a.value > b.value => Some(a),
            (Some(a), Some(b)) if a.value < b.value => Some(b),
            (Some(a), Some(b)) => Some(End {
                value: a.value,
                included: a.included && b.included,
            }),
            (a, None) => a,
            (None, b) => b,
        };
        let high = match (self.high, other.high) {
            (Some(a), Some(b)) if a.value < b.value => Some(a),
            (Some(a), Some(b)) if a.value > b.value => Some(b),
            (Some(a), Some(b)) => Some(End {
                value: a.value,
                included: a.included && b.included,
            }),
            (a, None) => a,
            (None, b) => b,
        };
        Interval { low, high }
    }

    /// True when every number of `self` is in `other`.
    fn within(&self, other: &Interval) -> bool {
        let low_ok = match (self.low, other.low) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => {
                a.value > b.value || (a.value == b.value && (b.included || !a.included))
            }
        };
        let high_ok = match (self.high, other.high) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => {
                a.value < b.value || (a.value == b.value && (b.included || !a.included))
            }
        };
        low_ok && high_ok
    }
}

/// A set of numbers: a union of non-empty intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Set {
    pieces: Vec<Interval>,
}

impl Set {
    /// The empty set.
    pub(super) fn empty() -> Set {
        Set { pieces: Vec::new() }
    }

    /// True when no number is in it.
    pub(super) fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// True when every number is in it.
    pub(super) fn is_full(&self) -> bool {
        Set::of(Interval {
            low: None,
            high: None,
        })
        .within(self)
    }

    fn of(interval: Interval) -> Set {
        let pieces = if interval.is_empty() {
            Vec::new()
        } else {
            vec![interval]
        };
        Set { pieces }
    }

    /// The numbers in either; `None` when the result would pass [`MAX_PIECES`].
    pub(super) fn union(&self, other: &Set) -> Option<Set> {
        let mut pieces = self.pieces.clone();
        pieces.extend(other.pieces.iter().copied());
        (pieces.len() <= MAX_PIECES).then_some(Set { pieces })
    }

    /// The numbers in both; `None` when the result would pass [`MAX_PIECES`].
    fn intersection(&self, other: &Set) -> Option<Set> {
        let mut pieces = Vec::new();
        for a in &self.pieces {
            for b in &other.pieces {
                let both = a.meet(b);
                if !both.is_empty() {
                    if pieces.len() == MAX_PIECES {
                        return None;
                    }
                    pieces.push(both);
                }
            }
        }
        Some(Set { pieces })
    }

    /// True when every number of `self` is in `other`. Each piece of `self` is cut
    /// by the pieces of `other`; what remains must be empty.
    pub(super) fn within(&self, other: &Set) -> bool {
        self.pieces.iter().all(|piece| {
            let mut rest = vec![*piece];
            for cover in &other.pieces {
                rest = rest.iter().flat_map(|part| minus(part, cover)).collect();
                if rest.is_empty() || rest.len() > MAX_PIECES {
                    break;
                }
            }
            rest.is_empty()
        })
    }
}

/// The numbers of `a` not in `b`: up to two intervals.
fn minus(a: &Interval, b: &Interval) -> Vec<Interval> {
    if a.within(b) {
        return Vec::new();
    }
    if a.meet(b).is_empty() {
        return vec![*a];
    }
    let mut out = Vec::new();
    if let Some(low) = b.low {
        let below = Interval {
            low: None,
            high: Some(End {
                value: low.value,
                included: !low.included,
            }),
        };
        let part = a.meet(&below);
        if !part.is_empty() {
            out.push(part);
        }
    }
    if let Some(high) = b.high {
        let above = Interval {
            low: Some(End {
                value: high.value,
                included: !high.included,
            }),
            high: None,
        };
        let part = a.meet(&above);
        if !part.is_empty() {
            out.push(part);
        }
    }
    out
}

/// The expression a condition compares (as canonical text) and the set of its values
/// that make the condition true; `None` when the condition is not made only of
/// comparisons of one expression with number literals, or is too large to read.
pub(super) fn cover(condition: &Expr) -> Option<(String, Set)> {
    let mut terms = 0;
    cover_at(condition, 0, &mut terms)
}

fn cover_at(expr: &Expr, depth: usize, terms: &mut usize) -> Option<(String, Set)> {
    if depth > MAX_DEPTH {
        return None;
    }
    match &expr.node {
        ExprKind::And(operands) | ExprKind::Or(operands) => {
            let and = matches!(expr.node, ExprKind::And(_));
            let mut joined: Option<(String, Set)> = None;
            for operand in operands {
                let (key, set) = cover_at(operand, depth + 1, terms)?;
                joined = Some(match joined {
                    None => (key, set),
                    Some((first, _)) if first != key => return None,
                    Some((first, so_far)) if and => (first, so_far.intersection(&set)?),
                    Some((first, so_far)) => (first, so_far.union(&set)?),
                });
            }
            joined
        }
        ExprKind::Binary { op, lhs, rhs } => {
            *terms += 1;
            if *terms > MAX_TERMS {
                return None;
            }
            comparison(*op, lhs, rhs)
        }
        _ => None,
    }
}

/// `SUBJECT op LITERAL` or `LITERAL op SUBJECT`, or `SUBJECT in [LITERALS]`.
fn comparison(op: BinaryOp, lhs: &Expr, rhs: &Expr) -> Option<(String, Set)> {
    if op == BinaryOp::In {
        let ExprKind::List(elements) = &rhs.node else {
            return None;
        };
        if number(lhs).is_some() || elements.len() > MAX_PIECES {
            return None;
        }
        let mut set = Set::empty();
        for element in elements {
            set = set.union(&point(number(element)?))?;
        }
        return Some((print_expr(lhs), set));
    }
    let (subject, value, op) = match (number(lhs), number(rhs)) {
        (None, Some(value)) => (lhs, value, op),
        (Some(value), None) => (rhs, value, flip(op)?),
        _ => return None,
    };
    let at = |included| Some(End { value, included });
    let set = match op {
        BinaryOp::Eq => point(value),
        BinaryOp::Ne => Set {
            pieces: vec![
                Interval {
                    low: None,
                    high: at(false),
                },
                Interval {
                    low: at(false),
                    high: None,
                },
            ],
        },
        BinaryOp::Lt => Set::of(Interval {
            low: None,
            high: at(false),
        }),
        BinaryOp::Le => Set::of(Interval {
            low: None,
            high: at(true),
        }),
        BinaryOp::Gt => Set::of(Interval {
            low: at(false),
            high: None,
        }),
        BinaryOp::Ge => Set::of(Interval {
            low: at(true),
            high: None,
        }),
        _ => return None,
    };
    Some((print_expr(subject), set))
}

/// The set holding one number.
fn point(value: Decimal) -> Set {
    let end = Some(End {
        value,
        included: true,
    });
    Set::of(Interval {
        low: end,
        high: end,
    })
}

/// The comparison with its sides swapped (`3 < x` is `x > 3`).
fn flip(op: BinaryOp) -> Option<BinaryOp> {
    Some(match op {
        BinaryOp::Eq => BinaryOp::Eq,
        BinaryOp::Ne => BinaryOp::Ne,
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::Le => BinaryOp::Ge,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Ge => BinaryOp::Le,
        _ => return None,
    })
}

/// The value of a number literal (`10%` is 0.1), with a sign in front or not.
fn number(expr: &Expr) -> Option<Decimal> {
    match &expr.node {
        ExprKind::Number { value, percent } => {
            if *percent {
                value.checked_div(Decimal::ONE_HUNDRED)
            } else {
                Some(*value)
            }
        }
        ExprKind::Unary {
            op: crate::syntax::ast::UnaryOp::Neg,
            operand,
        } => match &operand.node {
            ExprKind::Number {
                percent: false,
                value,
            } => Some(-*value),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(source: &str) -> Expr {
        let module = crate::syntax::parse(&format!("segment s {{ {source} }}")).unwrap();
        match &module.items[0].node {
            crate::syntax::ast::ItemKind::Segment(segment) => match &segment.body {
                crate::syntax::ast::SegmentBody::Condition(expr) => expr.clone(),
                crate::syntax::ast::SegmentBody::Ranked(_) => unreachable!(),
            },
            _ => unreachable!(),
        }
    }

    fn set(source: &str) -> Set {
        cover(&cond(source)).unwrap().1
    }

    #[test]
    fn sets_of_comparisons() {
        assert!(set("x > 5 and x < 3").is_empty());
        assert!(set("x >= 3 and x <= 3") == point(Decimal::from(3)));
        assert!(set("x >= 50").within(&set("x >= 40")));
        assert!(!set("x >= 40").within(&set("x >= 50")));
        assert!(set("x in [1, 2]").within(&set("x < 3")));
        assert!(set("x == 5").within(&set("x < 5 or x >= 5")));
        assert!(!set("x == 5").within(&set("x != 5")));
        assert!(set("3 < x and x < 4").within(&set("x > 3")));
        assert!(!set("x >= 3").within(&set("x > 3")));
        assert!(cover(&cond("x > 1 and y < 2")).is_none());
        assert!(cover(&cond("x > y")).is_none());
        assert!(set("x > 5 or x <= 5").is_full());
        assert!(set("x != 5 or x in [5]").is_full());
        assert!(!set("x > 5 or x < 5").is_full());
    }
}
