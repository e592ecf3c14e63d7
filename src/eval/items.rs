//! Item bodies: segments (§5.1), scores (§5.3) and decisions (§6).

use std::fmt::{self, Write as _};
use std::sync::Arc;

use chrono::TimeDelta;
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
                            let age = frame.now.signed_duration_since(event.at()).num_seconds();
                            value = value
                                .checked_mul(decay_factor(age, half_life))
                                .unwrap_or(value);
                        }
                        sum = sum.checked_add(value).unwrap_or(sum);
                        true
                    });
                    match max {
                        Some(cap) => sum.clamp(-*cap, *cap),
                        None => sum,
                    }
                }
            };
            total = total.checked_add(points).unwrap_or(total);
        }
        if let Some((low, high)) = score.clamp {
            total = total.clamp(low, high);
        }
        total
            .round_dp_with_strategy(SCORE_PLACES, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
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

/// `0.5 ^ (age / half_life)`, computed in binary64 and rounded to 12 decimal places,
/// half to even (§5.3).
fn decay_factor(age_seconds: i64, half_life: TimeDelta) -> Decimal {
    let half_life = half_life.num_seconds() as f64;
    if half_life <= 0.0 {
        return Decimal::ONE;
    }
    let factor = 0.5_f64.powf(age_seconds as f64 / half_life);
    // `{:.20}` prints the binary value's exact expansion to 20 places; a factor is at
    // most 1, so the text fits a small buffer on the stack and nothing is allocated.
    let mut text = DigitBuffer::default();
    if write!(text, "{factor:.20}").is_err() {
        return Decimal::ONE;
    }
    text.as_str()
        .parse::<Decimal>()
        .map(|d| d.round_dp_with_strategy(DECAY_PLACES, RoundingStrategy::MidpointNearestEven))
        .unwrap_or(Decimal::ONE)
}

/// Text written into a fixed buffer; writing past its end is an error.
struct DigitBuffer {
    bytes: [u8; 40],
    len: usize,
}

impl Default for DigitBuffer {
    fn default() -> DigitBuffer {
        DigitBuffer {
            bytes: [0; 40],
            len: 0,
        }
    }
}

impl DigitBuffer {
    fn as_str(&self) -> &str {
        let written = self.bytes.get(..self.len).unwrap_or_default();
        std::str::from_utf8(written).unwrap_or_default()
    }
}

impl fmt::Write for DigitBuffer {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len.checked_add(text.len()).ok_or(fmt::Error)?;
        let place = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        place.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
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
}
