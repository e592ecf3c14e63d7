//! Item bodies: segments (§5.1), scores (§5.3) and decisions (§6).

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
            // A workflow has no value: it is entered and advanced (`eval::workflow`).
            ItemBody::Workflow(_) => Value::Null,
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
            let mut values = Vec::new();
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
            return Value::List(values.into());
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
    // `{:.20}` prints the binary value's exact expansion to 20 places.
    format!("{factor:.20}")
        .parse::<Decimal>()
        .map(|d| d.round_dp_with_strategy(DECAY_PLACES, RoundingStrategy::MidpointNearestEven))
        .unwrap_or(Decimal::ONE)
}
