//! Item bodies: segments (§5.1), scores (§5.3) and decisions (§6).

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Evaluator, Frame};
use crate::model::Value;
use crate::program::{DecisionArms, ItemBody, ItemId, ScoreRule, ScoreRules};

/// Decimal places of a score.
const SCORE_PLACES: u32 = 2;
/// Decimal places of a decay factor.
const DECAY_PLACES: u32 = 12;

impl Evaluator<'_> {
    /// The value of an item whose dependencies are already in the memo.
    pub(super) fn item_body(&mut self, id: ItemId, offset: TimeDelta) -> Value {
        let program = self.program;
        let Some(item) = program.items.get(id.index()) else {
            return Value::Null;
        };
        let frame = self.frame(offset);
        match &item.body {
            ItemBody::Segment(condition) => Value::Bool(self.test(*condition, &frame)),
            // Ranked segments need a batch: single-contact calls refuse them earlier.
            // Rewards are granted per trigger event (`Program::rewards`), never referenced.
            ItemBody::Ranked(_) | ItemBody::Reward(_) => Value::Null,
            ItemBody::Score(rules) => Value::Number(self.score(rules, &frame)),
            ItemBody::Decision(arms) => self.decide(arms, &frame),
            // A workflow has no value: it is entered and advanced (`eval::workflow`).
            ItemBody::Workflow(_) => Value::Null,
            // An experiment is reported over a population (`Program::experiment`).
            ItemBody::Experiment(_) => Value::Null,
            // A metric has a value per population (`Program::evaluate_population`).
            ItemBody::Metric(_) => Value::Null,
        }
    }

    fn score(&mut self, score: &ScoreRules, frame: &Frame<'_>) -> Decimal {
        let mut total = Decimal::ZERO;
        for rule in score.rules.iter() {
            let points = match rule {
                ScoreRule::When { condition, points } => {
                    if !self.test(*condition, frame) {
                        continue;
                    }
                    self.eval(*points, frame).as_number().unwrap_or_default()
                }
                ScoreRule::Per { query, points, max } => {
                    let mut sum = Decimal::ZERO;
                    let half_life = score.half_life;
                    self.visit(query, frame, &mut |evaluator, event| {
                        let event_frame = Frame {
                            event: Some(event),
                            ..*frame
                        };
                        let Some(mut value) = evaluator.eval(*points, &event_frame).as_number()
                        else {
                            return true;
                        };
                        if let Some(half_life) = half_life {
                            value = decayed(value, frame.now, event.at(), half_life);
                        }
                        sum = sum.checked_add(value).unwrap_or(sum);
                        true
                    });
                    capped(sum, *max)
                }
            };
            total = total.checked_add(points).unwrap_or(total);
        }
        finished(total, score.clamp)
    }

    fn decide(&mut self, decision: &DecisionArms, frame: &Frame<'_>) -> Value {
        if decision.collect {
            // Gathered in the workspace's buffer: the list is the only allocation.
            let mut values = std::mem::take(&mut self.workspace.values);
            values.clear();
            for (condition, value) in decision.arms.iter() {
                if self.test(*condition, frame) {
                    values.push(self.eval(*value, frame));
                }
            }
            if values.is_empty()
                && let Some(otherwise) = decision.otherwise
            {
                values.push(self.eval(otherwise, frame));
            }
            let list = Value::List(Arc::from(values.as_slice()));
            values.clear();
            self.workspace.values = values;
            return list;
        }
        for (condition, value) in decision.arms.iter() {
            if self.test(*condition, frame) {
                return self.eval(*value, frame);
            }
        }
        decision
            .otherwise
            .map_or(Value::Null, |otherwise| self.eval(otherwise, frame))
    }
}

/// The points of an event at `at`, as of `now`, under `decay half_life` (§5.3): the
/// age is counted in whole seconds.
#[inline]
pub(crate) fn decayed(
    points: Decimal,
    now: DateTime<Utc>,
    at: DateTime<Utc>,
    half_life: TimeDelta,
) -> Decimal {
    let age = now.signed_duration_since(at).num_seconds();
    points
        .checked_mul(decay_factor(age, half_life))
        .unwrap_or(points)
}

/// A `per` rule's total bounded by its `max`, in absolute value.
#[inline]
pub(crate) fn capped(sum: Decimal, max: Option<Decimal>) -> Decimal {
    match max {
        Some(cap) => sum.clamp(-cap, cap),
        None => sum,
    }
}

/// A score's total, clamped and rounded to two places, half away from zero.
#[inline]
pub(crate) fn finished(total: Decimal, clamp: Option<(Decimal, Decimal)>) -> Decimal {
    let total = match clamp {
        Some((low, high)) => total.clamp(low, high),
        None => total,
    };
    total
        .round_dp_with_strategy(SCORE_PLACES, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// `0.5 ^ (age / half_life)`, computed in binary64 and rounded to 12 decimal places,
/// half to even (§5.3); the binary value is first rounded to 20 places, half to even,
/// as printing it with `{:.20}` does.
#[inline]
pub(crate) fn decay_factor(age_seconds: i64, half_life: TimeDelta) -> Decimal {
    let half_life = half_life.num_seconds() as f64;
    if half_life <= 0.0 {
        return Decimal::ONE;
    }
    let factor = 0.5_f64.powf(age_seconds as f64 / half_life);
    twenty_places(factor)
        .map(|d| d.round_dp_with_strategy(DECAY_PLACES, RoundingStrategy::MidpointNearestEven))
        .unwrap_or(Decimal::ONE)
}

/// `x` (finite, between 0 and 1) rounded to 20 decimal places, half to even, exactly:
/// `x` is `m * 2^-shift`, so `x * 10^20` is `m * 10^20 >> shift`, and `m * 10^20`
/// (below 2^120) fits a `u128`. No text, no allocation.
fn twenty_places(x: f64) -> Option<Decimal> {
    const TEN_POW_20: u128 = 100_000_000_000_000_000_000;
    if !(0.0..=1.0).contains(&x) {
        return None;
    }
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64;
    let fraction = u128::from(bits & ((1 << 52) - 1));
    let (mantissa, shift) = if exponent == 0 {
        (fraction, 1074)
    } else {
        (fraction | (1 << 52), 1075 - exponent)
    };
    let scaled = mantissa * TEN_POW_20;
    let shift = u32::try_from(shift).ok()?;
    if shift >= 127 {
        // x * 10^20 < 2^120 / 2^127: below one half, so zero.
        return Some(Decimal::ZERO);
    }
    let mut whole = scaled >> shift;
    if shift > 0 {
        let rest = scaled & ((1 << shift) - 1);
        let half = 1 << (shift - 1);
        if rest > half || (rest == half && whole % 2 == 1) {
            whole += 1;
        }
    }
    Decimal::try_from_i128_with_scale(i128::try_from(whole).ok()?, 20).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay_factors_round_the_binary_value_to_twelve_places() {
        let day = TimeDelta::days(1);
        assert_eq!(decay_factor(0, day), Decimal::ONE);
        assert_eq!(decay_factor(86_400, day).to_string(), "0.500000000000");
        assert_eq!(decay_factor(43_200, day).to_string(), "0.707106781187");
        assert_eq!(decay_factor(86_400 * 3, day).to_string(), "0.125000000000");
        // Far past every half-life the factor underflows to zero.
        assert_eq!(decay_factor(i64::MAX, day), Decimal::ZERO);
    }

    /// What the factor was first defined as: the binary value printed to 20 places.
    fn twenty_places_printed(x: f64) -> Decimal {
        format!("{x:.20}").parse().unwrap()
    }

    #[test]
    fn twenty_places_agrees_with_printing_the_binary_value() {
        let mut samples: Vec<f64> = (0..=1100).map(|k| 0.5_f64.powi(k)).collect();
        samples.extend([
            0.0,
            1.0,
            f64::MIN_POSITIVE,
            5e-324,
            0.1,
            0.3,
            1.0 - f64::EPSILON,
        ]);
        let half_life = 30.0 * 86_400.0;
        samples.extend((0..20_000).map(|i| 0.5_f64.powf(f64::from(i) * 977.0 / half_life)));
        for x in samples {
            assert_eq!(twenty_places(x), Some(twenty_places_printed(x)), "{x:e}");
        }
    }
}
