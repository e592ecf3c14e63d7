//! The steady bound of a score, decay included.
//!
//! Without decay a score changes only when one of its parts does: a rule's condition,
//! the events a `per` rule counts, their points. With decay, every counted event's
//! points shrink with each second of age, so the score drifts: its total is
//! recomputed here (with evaluation's own decay, cap, clamp and rounding functions),
//! with a bound on how fast it can move — the derivative of `p × 0.5^(age / H)` is
//! `ln 2 / H` times the decayed points, and only shrinks — and with the slack of
//! age counted in whole seconds and factors rounded to 12 places. A `max` cap or the
//! clamp that cuts a total holds it still until the total could have come back to it;
//! the rounded score stays the same until the total could have left its rounding cell.

use chrono::TimeDelta;
use rust_decimal::Decimal;

use super::motion::{Bound, Motion, drift_margin, earliest, latest};
use super::nodes::Drifting;
use super::{Analysis, Known};
use crate::eval::probe::{Scope, capped, decayed, finished};
use crate::eval::truthy;
use crate::model::Value;
use crate::program::{ScoreRule, ScoreRules};

/// ln 2, to 28 places.
const LN_2: Decimal = Decimal::from_parts(2_860_148_159, 2_180_329_217, 375_755_839, false, 28);

/// A margin on the rate of decay, for the binary computation of each factor.
const RATE_MARGIN: Decimal = Decimal::from_parts(1_000_001, 0, 0, false, 6);

/// The rounding error of one decay factor at each of two instants (12 places).
const FACTOR_ROUNDING: Decimal = Decimal::from_parts(1, 0, 0, false, 12);

/// Half a unit of a score's last place (two places).
const HALF_CENT: Decimal = Decimal::from_parts(5, 0, 0, false, 3);

impl Analysis<'_, '_> {
    /// What is known of a score whose value is `value`, as of `scope`.
    pub(super) fn score(&mut self, score: &ScoreRules, scope: Scope, value: Value) -> Known {
        let frame_now = self.probe.now(scope.offset);
        // Changes of the parts that do not drift; the limit of the drift's description.
        let mut discrete: Bound = None;
        let mut form: Bound = None;
        // The next instant a drifting part may move at all.
        let mut tick: Bound = None;
        let mut moving = Drifting::still(None);
        let mut total = Decimal::ZERO;
        for rule in score.rules.iter() {
            match rule {
                ScoreRule::When { condition, points } => {
                    let condition = self.node(*condition, scope);
                    discrete = earliest(discrete, condition.steady);
                    if !truthy(&condition.value) {
                        continue;
                    }
                    let points = self.node(*points, scope);
                    total = total
                        .checked_add(points.value.as_number().unwrap_or_default())
                        .unwrap_or(total);
                    match points.motion {
                        Motion::Drift { rate, slack, until } => {
                            tick = earliest(tick, points.steady);
                            form = earliest(form, until);
                            let part = Drifting { rate, slack, until };
                            moving = Drifting::sum(moving, part).unwrap_or(moving);
                        }
                        _ => discrete = earliest(discrete, points.steady),
                    }
                }
                ScoreRule::Per { query, points, max } => {
                    let changes = self.changes(query, scope);
                    discrete = earliest(discrete, earliest(changes.any, changes.limits));
                    let mut sum = Decimal::ZERO;
                    let mut rule = Drifting::still(None);
                    for index in &changes.selected {
                        let known = self.node(*points, scope.with_event(*index));
                        discrete = earliest(discrete, known.steady);
                        let (Some(p), Some(event)) =
                            (known.value.as_number(), self.probe.event(*index))
                        else {
                            continue;
                        };
                        let Some(half_life) = score.half_life else {
                            sum = sum.checked_add(p).unwrap_or(sum);
                            continue;
                        };
                        let points = decayed(p, frame_now, event.at(), half_life);
                        sum = sum.checked_add(points).unwrap_or(sum);
                        let age = frame_now.signed_duration_since(event.at()).num_seconds();
                        let next_second = TimeDelta::try_seconds(age.saturating_add(1))
                            .and_then(|a| event.at().checked_add_signed(a));
                        tick = earliest(tick, self.outer(next_second, scope.offset));
                        if let Some(part) = decay_drift(p, points, half_life) {
                            rule = Drifting::sum(rule, part).unwrap_or(rule);
                        }
                    }
                    let cut = capped(sum, *max);
                    total = total.checked_add(cut).unwrap_or(total);
                    match max.map(|cap| (sum.abs() - cap, rule)) {
                        // The cap holds the rule still until its total could come back.
                        Some((over, rule)) if over > Decimal::ZERO => {
                            match drift_margin(self.t, over, rule.rate, rule.slack, None) {
                                Some(still_until) => form = earliest(form, still_until),
                                None => moving = Drifting::sum(moving, rule).unwrap_or(moving),
                            }
                        }
                        _ => moving = Drifting::sum(moving, rule).unwrap_or(moving),
                    }
                }
            }
        }
        form = earliest(form, discrete);
        if let Some((low, high)) = score.clamp {
            let over = (total - high).max(low - total);
            // Cut by the clamp: held still until the total could come back.
            if over > Decimal::ZERO
                && let Some(still_until) =
                    drift_margin(self.t, over, moving.rate, moving.slack, None)
            {
                form = earliest(form, still_until);
                moving = Drifting::still(None);
            }
        }
        if value.as_number() != Some(finished(total, score.clamp)) {
            // Not the total evaluation found: know nothing beyond this instant.
            return Known::still(value, self.next_instant());
        }
        if moving.rate.is_zero() && moving.slack.is_zero() {
            return Known::still(value, form);
        }
        let clamped = match score.clamp {
            Some((low, high)) => total.clamp(low, high),
            None => total,
        };
        let rounded = value.as_number().unwrap_or_default();
        let cell = HALF_CENT - (clamped - rounded).abs();
        let drift = drift_margin(self.t, cell, moving.rate, moving.slack, form);
        let continuous = latest(drift.unwrap_or(Some(self.t)), tick);
        Known {
            value,
            steady: earliest(discrete, continuous),
            motion: Motion::Drift {
                rate: moving.rate,
                slack: moving.slack + HALF_CENT + HALF_CENT,
                until: form,
            },
        }
    }
}

/// How fast the decayed points `decayed` (of `points` undecayed) may move, per
/// second, from now on, and the slack of whole-second ages and rounded factors.
fn decay_drift(points: Decimal, decayed: Decimal, half_life: TimeDelta) -> Option<Drifting> {
    let seconds = Decimal::from(half_life.num_seconds());
    if seconds <= Decimal::ZERO {
        return None;
    }
    let rate = decayed
        .abs()
        .checked_mul(LN_2)?
        .checked_div(seconds)?
        .checked_mul(RATE_MARGIN)?;
    let slack = points
        .abs()
        .checked_mul(FACTOR_ROUNDING)?
        .checked_add(rate)?;
    Some(Drifting {
        rate,
        slack,
        until: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_constants_are_what_they_say() {
        assert_eq!(LN_2.to_string(), "0.6931471805599453094172321215");
        assert_eq!(RATE_MARGIN.to_string(), "1.000001");
        assert_eq!(FACTOR_ROUNDING.to_string(), "0.000000000001");
        assert_eq!(HALF_CENT.to_string(), "0.005");
    }
}
