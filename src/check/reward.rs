//! Rewards (§7): the trigger, the arms with the trigger's props in scope, and the
//! caps. (The parser already bounds caps to non-negative numbers and `round` to 0–28.)

use super::{Checker, Scope, TyKind};
use crate::diagnostic::codes;
use crate::program::{RewardRules, RollingCap};
use crate::syntax::ast::{self, CapPer};

/// Decimal places of a grant when the reward says no `round`.
const DEFAULT_PLACES: u32 = 2;

impl Checker<'_, '_> {
    /// Checks a reward's arms, caps and rounding.
    pub(super) fn reward_rules(&mut self, reward: &ast::Reward) -> RewardRules {
        let trigger = self.event_kinds(&reward.trigger).unwrap_or_default();
        let scope = Scope {
            event: Some(&trigger),
            ..Scope::default()
        };
        let mut arms = Vec::with_capacity(reward.arms.len());
        for arm in &reward.arms {
            let condition = self.condition(&arm.condition, scope);
            let amount = self.expect_type(&arm.value, scope, &TyKind::Number, "a reward amount");
            arms.push((condition, amount));
        }
        let otherwise = reward
            .otherwise
            .as_ref()
            .map(|value| self.expect_type(value, scope, &TyKind::Number, "a reward amount"));
        let mut per_event = Vec::new();
        let mut rolling = Vec::new();
        for cap in &reward.caps {
            match cap.per.node {
                CapPer::Event => per_event.push(cap.amount.node),
                CapPer::Window(window) if window > chrono::TimeDelta::zero() => {
                    rolling.push(RollingCap {
                        amount: cap.amount.node,
                        window,
                    });
                }
                CapPer::Window(_) => {
                    let error = self.error(
                        codes::NOT_ALLOWED,
                        "a cap's window must be longer than zero",
                        cap.per.span,
                    );
                    self.report(error);
                }
            }
        }
        // The parser accepts 0 to 28 places, all an exact decimal can hold.
        let places = reward
            .round
            .as_ref()
            .map_or(DEFAULT_PLACES, |places| places.node);
        RewardRules {
            trigger,
            arms: arms.into_boxed_slice(),
            otherwise,
            per_event: per_event.into_boxed_slice(),
            rolling: rolling.into_boxed_slice(),
            places,
        }
    }
}
