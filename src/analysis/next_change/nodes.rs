//! The steady bound of each kind of expression node.
//!
//! Every bound is sound (the node's value is the same at every instant from the one
//! analysed up to the bound, excluded) and, where the node moves with time in a way
//! the analysis solves, exact: the next local midnight for `today`, the meeting
//! instant of two moving instants, the next whole day of a growing duration. Where
//! it does not solve, the bound is the next nanosecond: a value that may change at
//! any moment.

use chrono::{NaiveDate, TimeDelta};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;

use super::motion::{Bound, Motion, drift_margin, earliest, flip, latest};
use super::{Analysis, Known};
use crate::eval::probe::Scope;
use crate::eval::truthy;
use crate::model::{Value, calendar};
use crate::program::{ArithmeticOp, Function, Node, NodeId, Orderings};

impl Analysis<'_, '_> {
    /// What is known of node `id` in `scope`.
    pub(super) fn node(&mut self, id: NodeId, scope: Scope) -> Known {
        crate::stack::with_headroom(|| self.node_unguarded(id, scope))
    }

    fn node_unguarded(&mut self, id: NodeId, scope: Scope) -> Known {
        let program = self.program;
        let Some(node) = program.nodes.get(id) else {
            return Known::still(Value::Null, None);
        };
        if let Node::Item { item, offset } = node {
            let at = scope.offset.checked_add(offset).unwrap_or(scope.offset);
            return self.item(*item, at);
        }
        let value = self.probe.value(id, scope);
        match node {
            Node::Literal(_)
            | Node::Attribute(_)
            | Node::Prop(_)
            | Node::EventAt
            | Node::EnteredAt
            | Node::CompareAttribute { .. }
            // A contact's arm is its id's: it never changes.
            | Node::SplitArm { .. } => Known::still(value, None),
            Node::Now => Known {
                value,
                steady: self.next_instant(),
                motion: Motion::Linear {
                    slope: 1,
                    until: None,
                },
            },
            Node::Today => Known {
                value,
                steady: self.next_local_date(scope.offset),
                motion: Motion::Daily {
                    shift: scope.offset,
                    until: None,
                },
            },
            Node::Not(operand) => {
                let steady = self.node(*operand, scope).steady;
                Known::still(value, steady)
            }
            Node::And(operands) => self.logic(value, operands, scope, false),
            Node::Or(operands) => self.logic(value, operands, scope, true),
            Node::Negate(operand) => {
                let known = self.node(*operand, scope);
                let motion = match known.motion {
                    Motion::Linear { slope, until } => Motion::Linear {
                        slope: -slope,
                        until,
                    },
                    other => other,
                };
                Known {
                    value,
                    steady: known.steady,
                    motion,
                }
            }
            Node::Arithmetic { op, lhs, rhs } => {
                let lhs = self.node(*lhs, scope);
                let rhs = self.node(*rhs, scope);
                self.arithmetic(value, *op, &lhs, &rhs)
            }
            Node::Compare { op, lhs, rhs } => {
                let lhs = self.node(*lhs, scope);
                let rhs = self.node(*rhs, scope);
                self.compare(value, Orderings::of(*op), &lhs, &rhs)
            }
            Node::IsNull { operand, .. } => {
                // A moving value stays non-null while it moves.
                let steady = form_until(&self.node(*operand, scope));
                Known::still(value, steady)
            }
            Node::Coalesce {
                value: first,
                default,
            } => {
                let first = self.node(*first, scope);
                if !first.value.is_null() {
                    return Known { value, ..first };
                }
                let default = self.node(*default, scope);
                let motion = restricted(default.motion, first.steady);
                Known {
                    value,
                    steady: earliest(first.steady, default.steady),
                    motion,
                }
            }
            Node::Call { function, args } => {
                let args: Vec<Known> = args.iter().map(|a| self.node(*a, scope)).collect();
                self.call(value, *function, &args, scope)
            }
            Node::Aggregate {
                aggregate,
                query,
                value: per_event,
            } => self.aggregate(value, *aggregate, query, *per_event, scope),
            Node::EventField { last, query, .. } => self.event_field(value, *last, query, scope),
            Node::List(elements) => self.combined(value, elements.iter().copied(), scope),
            Node::In { element, list, .. } => self.combined(value, [*element, *list], scope),
            Node::Text { lhs, rhs, .. } => self.combined(value, [*lhs, *rhs], scope),
            Node::Matches { subject, .. } => self.combined(value, [*subject], scope),
            Node::Interpolate(parts) => {
                let nodes = parts.iter().filter_map(|part| match part {
                    crate::program::Part::Value(node) => Some(*node),
                    crate::program::Part::Text(_) => None,
                });
                let nodes: Vec<NodeId> = nodes.collect();
                self.combined(value, nodes, scope)
            }
            // Answered above.
            Node::Item { .. } => Known::still(value, None),
        }
    }

    /// The nanosecond after the instant analysed: the bound of a value that may change
    /// at any moment.
    pub(super) fn next_instant(&self) -> Bound {
        self.t.checked_add_signed(TimeDelta::nanoseconds(1))
    }

    /// The next local midnight of the timeline of `offset`, on the analysis's timeline.
    pub(super) fn next_local_date(&self, offset: TimeDelta) -> Bound {
        let zone = self.probe.context().time_zone();
        let midnight = calendar::next_local_date(self.probe.now(offset), zone);
        self.outer(midnight, offset)
    }

    /// A value that changes only when one of `operands` does.
    fn combined(
        &mut self,
        value: Value,
        operands: impl IntoIterator<Item = NodeId>,
        scope: Scope,
    ) -> Known {
        let mut steady = None;
        for operand in operands {
            steady = earliest(steady, self.node(operand, scope).steady);
        }
        Known::still(value, steady)
    }

    /// `and` (`or` when `any`): a false conjunction stays false while any of its false
    /// operands does; a true one stays true while all of them do.
    fn logic(&mut self, value: Value, operands: &[NodeId], scope: Scope, any: bool) -> Known {
        let decided = truthy(&value) == any;
        let mut steady = if decided {
            self.t.checked_add_signed(TimeDelta::zero())
        } else {
            None
        };
        for operand in operands {
            let known = self.node(*operand, scope);
            if decided {
                if truthy(&known.value) == any {
                    steady = latest(steady, known.steady);
                }
            } else {
                steady = earliest(steady, known.steady);
            }
        }
        Known::still(value, steady)
    }

    fn arithmetic(&self, value: Value, op: ArithmeticOp, lhs: &Known, rhs: &Known) -> Known {
        let steady = earliest(lhs.steady, rhs.steady);
        if let (Motion::Daily { shift, until }, Value::Date(_), Motion::Still, Value::Duration(_)) =
            (lhs.motion, &lhs.value, rhs.motion, &rhs.value)
            && matches!(op, ArithmeticOp::Add | ArithmeticOp::Sub)
        {
            return Known {
                value,
                steady,
                motion: Motion::Daily {
                    shift,
                    until: earliest(until, rhs.steady),
                },
            };
        }
        let timed = |v: &Value| matches!(v, Value::DateTime(_) | Value::Duration(_));
        if timed(&lhs.value) && timed(&rhs.value) {
            if let (Some((a, until_a)), Some((b, until_b))) = (linear(lhs), linear(rhs)) {
                let slope = match op {
                    ArithmeticOp::Add => a + b,
                    ArithmeticOp::Sub => a - b,
                    ArithmeticOp::Mul | ArithmeticOp::Div => return Known::still(value, steady),
                };
                let until = earliest(until_a, until_b);
                if slope == 0 {
                    return Known::still(value, until);
                }
                return Known {
                    value,
                    steady,
                    motion: Motion::Linear { slope, until },
                };
            }
            return Known::still(value, steady);
        }
        let motion = match (op, drift(lhs), drift(rhs)) {
            (ArithmeticOp::Add | ArithmeticOp::Sub, Some(a), Some(b)) => Drifting::sum(a, b),
            (ArithmeticOp::Mul, Some(a), Some(b)) if b.is_still() => scaled(a, &rhs.value, false),
            (ArithmeticOp::Mul, Some(a), Some(b)) if a.is_still() => scaled(b, &lhs.value, false),
            (ArithmeticOp::Div, Some(a), Some(b)) if b.is_still() => scaled(a, &rhs.value, true),
            _ => None,
        };
        Known {
            value,
            steady,
            motion: motion.map_or(Motion::Still, Drifting::motion),
        }
    }

    fn compare(&self, value: Value, accepts: Orderings, lhs: &Known, rhs: &Known) -> Known {
        let steady = earliest(lhs.steady, rhs.steady);
        if lhs.value.is_null() || rhs.value.is_null() {
            // The answer depends only on which side is null.
            return Known::still(value, earliest(form_until(lhs), form_until(rhs)));
        }
        if let Some(bound) = cycling_against(lhs, rhs) {
            return Known::still(value, latest(steady, bound));
        }
        if let (Value::Date(a), Value::Date(b)) = (&lhs.value, &rhs.value) {
            return Known::still(
                value,
                self.compare_dates(accepts, (*a, lhs), (*b, rhs), steady),
            );
        }
        let difference = match (&lhs.value, &rhs.value) {
            (Value::DateTime(a), Value::DateTime(b)) => Some(a.signed_duration_since(*b)),
            (Value::Duration(a), Value::Duration(b)) => a.checked_sub(b),
            _ => None,
        };
        if let (Some(diff), Some((a, until_a)), Some((b, until_b))) =
            (difference, linear(lhs), linear(rhs))
        {
            let until = earliest(until_a, until_b);
            let holds = |ordering| accepts.contain(ordering);
            return Known::still(value, flip(self.t, diff, a - b, holds, until));
        }
        if let (Value::Number(a), Value::Number(b), Some(da), Some(db)) =
            (&lhs.value, &rhs.value, drift(lhs), drift(rhs))
            && let Some(both) = Drifting::sum(da, db)
            && let Some(diff) = a.checked_sub(*b)
            && let Some(margin) = drift_margin(self.t, diff, both.rate, both.slack, both.until)
        {
            return Known::still(value, latest(steady, margin));
        }
        Known::still(value, steady)
    }

    fn call(&self, value: Value, function: Function, args: &[Known], scope: Scope) -> Known {
        let mut steady = None;
        for arg in args {
            steady = earliest(steady, arg.steady);
        }
        let first = args.first();
        let zone = self.probe.context().time_zone();
        match function {
            Function::Date | Function::Weekday | Function::Hour => {
                let Some((Value::DateTime(x), (1, until))) =
                    first.and_then(|a| Some((a.value.clone(), linear(a)?)))
                else {
                    return Known::still(value, steady);
                };
                let next = if function == Function::Hour {
                    calendar::next_local_hour(x, zone)
                } else {
                    calendar::next_local_date(x, zone)
                };
                let reached = next.and_then(|n| self.t.checked_add_signed(n - x));
                let steady = earliest(reached, until);
                let (low, high) = match function {
                    Function::Hour => (0, 23),
                    _ => (1, 7),
                };
                if function != Function::Date {
                    return Known {
                        value,
                        steady,
                        motion: Motion::Cycling {
                            low: Decimal::from(low),
                            high: Decimal::from(high),
                            until,
                        },
                    };
                }
                Known {
                    value,
                    steady,
                    motion: Motion::Daily {
                        shift: self.t.signed_duration_since(x),
                        until,
                    },
                }
            }
            Function::Days | Function::Hours => {
                let unit = if function == Function::Days {
                    TimeDelta::days(1)
                } else {
                    TimeDelta::hours(1)
                };
                match first.map(|a| (a.value.clone(), linear(a))) {
                    Some((Value::Duration(d), Some((slope, until)))) if slope != 0 => {
                        // Whole units moving at `slope` per unit of time: within one
                        // unit (truncation) of the motion.
                        let rate = Decimal::from(slope.unsigned_abs())
                            .checked_div(Decimal::from(unit.num_seconds()));
                        Known {
                            value,
                            steady: earliest(self.next_whole(d, slope, unit), until),
                            motion: rate.map_or(Motion::Still, |rate| Motion::Drift {
                                rate,
                                slack: Decimal::ONE,
                                until,
                            }),
                        }
                    }
                    _ => Known::still(value, steady),
                }
            }
            Function::DaysUntilAnniversary => Known {
                value,
                steady: earliest(steady, self.next_local_date(scope.offset)),
                motion: Motion::Cycling {
                    low: Decimal::ZERO,
                    high: Decimal::from(365),
                    until: steady,
                },
            },
            Function::IsAnniversary | Function::YearsSince => {
                let today = self.probe.today(scope.offset);
                let Some(Value::Date(d)) = first.map(|a| &a.value) else {
                    return Known::still(value, steady);
                };
                let changes = match (function, truthy(&value)) {
                    (Function::IsAnniversary, true) => self.next_local_date(scope.offset),
                    (Function::YearsSince, _) if *d > today => self.next_local_date(scope.offset),
                    _ => {
                        let frame_now = self.probe.now(scope.offset);
                        let start = calendar::next_anniversary(*d, today)
                            .and_then(|date| calendar::local_start(date, frame_now, zone));
                        self.outer(start, scope.offset)
                    }
                };
                Known::still(value, earliest(steady, changes))
            }
            Function::Abs
            | Function::Min
            | Function::Max
            | Function::Round
            | Function::Floor
            | Function::Ceil => {
                let mut moving: Option<Drifting> = Some(Drifting::still(None));
                for arg in args {
                    moving = moving.and_then(|m| Drifting::sum(m, drift(arg)?));
                }
                let extra = match (function, args.get(1).map(|a| &a.value)) {
                    (Function::Floor | Function::Ceil, _) => Some(Decimal::ONE),
                    (Function::Round, Some(Value::Number(places))) => {
                        let places = places.to_u32().filter(|p| *p <= 28);
                        places.map(|p| Decimal::new(1, p))
                    }
                    (Function::Round, _) => None,
                    _ => Some(Decimal::ZERO),
                };
                let motion = moving
                    .filter(|m| !m.is_still())
                    .zip(extra)
                    .and_then(|(m, extra)| {
                        Some(Drifting {
                            slack: m.slack.checked_add(extra)?,
                            ..m
                        })
                    });
                Known {
                    value,
                    steady,
                    motion: motion.map_or(Motion::Still, Drifting::motion),
                }
            }
            Function::Lower | Function::Upper | Function::Trim | Function::Len => {
                Known::still(value, steady)
            }
        }
    }

    /// A comparison of two dates, either of which may move with the local date: two
    /// that move together keep their difference; one that moves past one that does
    /// not flips the comparison at the local midnight it reaches it.
    fn compare_dates(
        &self,
        accepts: Orderings,
        (a, lhs): (NaiveDate, &Known),
        (b, rhs): (NaiveDate, &Known),
        steady: Bound,
    ) -> Bound {
        match (lhs.motion, rhs.motion) {
            (Motion::Daily { shift: s, until: u }, Motion::Daily { shift: r, until: v })
                if s == r =>
            {
                earliest(u, v)
            }
            (Motion::Daily { shift, until }, Motion::Still) => earliest(
                self.date_reaches(a, b, shift, |o| accepts.contain(o)),
                earliest(until, rhs.steady),
            ),
            (Motion::Still, Motion::Daily { shift, until }) => earliest(
                self.date_reaches(b, a, shift, |o| accepts.contain(o.reverse())),
                earliest(until, lhs.steady),
            ),
            _ => steady,
        }
    }

    /// When a date now `moving`, which moves forward with the local date of the
    /// clock shifted back by `shift`, first gives `holds(moving vs fixed)` another
    /// answer.
    fn date_reaches(
        &self,
        moving: NaiveDate,
        fixed: NaiveDate,
        shift: TimeDelta,
        holds: impl Fn(std::cmp::Ordering) -> bool,
    ) -> Bound {
        let current = holds(moving.cmp(&fixed));
        let gap = fixed.signed_duration_since(moving).num_days();
        let days = if gap > 0 && holds(std::cmp::Ordering::Equal) != current {
            gap
        } else if gap >= 0 && holds(std::cmp::Ordering::Greater) != current {
            gap + 1
        } else {
            return None;
        };
        let clock = self.t.checked_sub_signed(shift)?;
        let zone = self.probe.context().time_zone();
        let target = calendar::add_days(calendar::local_date(clock, zone), days)?;
        calendar::local_start(target, clock, zone)?.checked_add_signed(shift)
    }

    /// When `days(d)` (or `hours`, by `unit`) of a duration `d` moving by `slope`
    /// changes: whole units truncate toward zero, so a positive value keeps its unit
    /// from `k × unit` (included) and a negative one up to `-k × unit` (included).
    fn next_whole(&self, d: TimeDelta, slope: i32, unit: TimeDelta) -> Bound {
        let nanos = |x: TimeDelta| x.num_nanoseconds().map(i128::from);
        let (Some(d), Some(unit)) = (nanos(d), nanos(unit)) else {
            return self.next_instant();
        };
        let k = d / unit; // toward zero
        // The end of the current unit in the direction of motion, and whether the
        // value changes at it (`true`) or just after it.
        let (target, at_it) = match (slope > 0, d >= 0) {
            (true, true) => ((k + 1) * unit, true),
            (true, false) if k == 0 => (unit, true),
            (true, false) => (k * unit, false),
            (false, false) => ((k - 1) * unit, true),
            (false, true) if k == 0 => (-unit, true),
            (false, true) => (k * unit, false),
        };
        let speed = i128::from(slope.unsigned_abs());
        let distance = (target - d).abs();
        let mut wait = (distance + speed - 1) / speed;
        if !at_it {
            wait += 1;
        }
        let wait = i64::try_from(wait).ok().map(TimeDelta::nanoseconds);
        wait.and_then(|w| self.t.checked_add_signed(w.max(TimeDelta::nanoseconds(1))))
    }
}

/// For a comparison of a cycling number with one that does not move, when no value
/// of the cycle can change its answer: until when that holds.
fn cycling_against(lhs: &Known, rhs: &Known) -> Option<Bound> {
    let ((low, high, until), other) = match (lhs.motion, rhs.motion) {
        (Motion::Cycling { low, high, until }, Motion::Still) => ((low, high, until), rhs),
        (Motion::Still, Motion::Cycling { low, high, until }) => ((low, high, until), lhs),
        _ => return None,
    };
    let fixed = other.value.as_number()?;
    // Outside the cycle, every value of it compares the same way with `fixed`.
    (fixed < low || fixed > high).then_some(earliest(until, other.steady))
}

/// Until when a value is known not to become null or change its form: its motion's
/// limit when it moves, else its steady bound.
pub(super) fn form_until(known: &Known) -> Bound {
    let mut motion = known.motion;
    motion.until_mut().map_or(known.steady, |until| *until)
}

/// The slope of a moving instant or duration and until when it holds; a value that
/// does not move has slope 0 until its steady bound. `None` for a drifting number.
fn linear(known: &Known) -> Option<(i32, Bound)> {
    match known.motion {
        Motion::Still => Some((0, known.steady)),
        Motion::Linear { slope, until } => Some((slope, until)),
        Motion::Drift { .. } | Motion::Daily { .. } | Motion::Cycling { .. } => None,
    }
}

fn restricted(mut motion: Motion, limit: Bound) -> Motion {
    if let Some(until) = motion.until_mut() {
        *until = earliest(*until, limit);
    }
    motion
}

/// A number's drift: within `slack + rate × seconds` of its value until `until`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Drifting {
    pub rate: Decimal,
    pub slack: Decimal,
    pub until: Bound,
}

impl Drifting {
    pub fn still(until: Bound) -> Drifting {
        Drifting {
            rate: Decimal::ZERO,
            slack: Decimal::ZERO,
            until,
        }
    }

    fn is_still(&self) -> bool {
        self.rate.is_zero() && self.slack.is_zero()
    }

    /// The drift of a sum or difference.
    pub fn sum(a: Drifting, b: Drifting) -> Option<Drifting> {
        Some(Drifting {
            rate: a.rate.checked_add(b.rate)?,
            slack: a.slack.checked_add(b.slack)?,
            until: earliest(a.until, b.until),
        })
    }

    pub fn motion(self) -> Motion {
        if self.is_still() {
            Motion::Still
        } else {
            Motion::Drift {
                rate: self.rate,
                slack: self.slack,
                until: self.until,
            }
        }
    }
}

/// The drift of a number: none (until its steady bound) when it does not move.
fn drift(known: &Known) -> Option<Drifting> {
    match known.motion {
        Motion::Still => Some(Drifting::still(known.steady)),
        Motion::Drift { rate, slack, until } => Some(Drifting { rate, slack, until }),
        Motion::Linear { .. } | Motion::Daily { .. } | Motion::Cycling { .. } => None,
    }
}

/// The drift of `a × c` (or `a / c`) for a number `c` that does not move.
fn scaled(a: Drifting, by: &Value, divide: bool) -> Option<Drifting> {
    let factor = by.as_number()?.abs();
    let apply = |x: Decimal| {
        if divide {
            x.checked_div(factor)
        } else {
            x.checked_mul(factor)
        }
    };
    Some(Drifting {
        rate: apply(a.rate)?,
        slack: apply(a.slack)?,
        until: a.until,
    })
}
