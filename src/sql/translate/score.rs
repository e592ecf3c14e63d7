//! Scores (§5.3) and decisions (§6) as SQL values.

use super::literal;
use super::types::SqlType;
use super::{Scope, Translator};
use crate::program::{DecisionArms, Query, ScoreRule, ScoreRules};
use crate::sql::NotPushable;

type Sql = Result<String, NotPushable>;

impl<'p> Translator<'p> {
    /// A score: its rules' points summed, clamped, rounded to two places half away
    /// from zero (PostgreSQL's `round`).
    pub(super) fn score(&self, score: &'p ScoreRules, scope: &Scope<'p>) -> Sql {
        let mut terms = Vec::with_capacity(score.rules.len());
        for rule in score.rules.iter() {
            terms.push(match rule {
                ScoreRule::When { condition, points } => format!(
                    "CASE WHEN {} THEN COALESCE({}, 0) ELSE 0 END",
                    self.condition(*condition, scope)?,
                    self.value(*points, scope)?
                ),
                ScoreRule::Per { query, points, max } => {
                    let inner = scope.inside(query);
                    let mut value = self.value(*points, &inner)?;
                    if let Some(half_life) = score.half_life {
                        value = format!(
                            "funil_decayed({value}, {now}, {e}.{at}, {half_life})",
                            now = scope.now(),
                            e = inner.event(),
                            at = self.options.at(),
                            half_life = half_life.num_seconds(),
                        );
                    }
                    let sum = self.sum_over(query, scope, &inner, &value)?;
                    match max {
                        Some(cap) => format!(
                            "LEAST(GREATEST({sum}, -{cap}), {cap})",
                            cap = literal::number(*cap)
                        ),
                        None => sum,
                    }
                }
            });
        }
        let mut total = if terms.is_empty() {
            "'0'::numeric".to_string()
        } else {
            format!("({})", terms.join(" + "))
        };
        if let Some((low, high)) = score.clamp {
            total = format!(
                "LEAST(GREATEST({total}, {}), {})",
                literal::number(low),
                literal::number(high)
            );
        }
        Ok(format!("round({total}, 2)"))
    }

    /// A decision: the first arm that matches (or `decide all`'s list of every one).
    pub(super) fn decision(&self, decision: &'p DecisionArms, scope: &Scope<'p>) -> Sql {
        let element = decision
            .arms
            .iter()
            .map(|(_, value)| *value)
            .chain(decision.otherwise)
            .map(|value| self.type_of(value, &scope.events))
            .find(|ty| *ty != SqlType::Null)
            .unwrap_or(SqlType::Null);
        let otherwise = match decision.otherwise {
            Some(value) => Some(self.value(value, scope)?),
            None => None,
        };
        if decision.collect {
            let mut rows = Vec::with_capacity(decision.arms.len());
            for (index, (condition, value)) in decision.arms.iter().enumerate() {
                rows.push(format!(
                    "({index}, {}, ({})::{})",
                    self.condition(*condition, scope)?,
                    self.value(*value, scope)?,
                    element.name()
                ));
            }
            let list = if rows.is_empty() {
                format!("ARRAY[]::{}[]", element.name())
            } else {
                format!(
                    "ARRAY(SELECT arm.v FROM (VALUES {}) AS arm(i, c, v) WHERE arm.c ORDER BY arm.i)",
                    rows.join(", ")
                )
            };
            return Ok(match otherwise {
                Some(value) => format!(
                    "COALESCE(NULLIF({list}, ARRAY[]::{ty}[]), ARRAY[({value})::{ty}])",
                    ty = element.name()
                ),
                None => list,
            });
        }
        let mut arms = String::new();
        for (condition, value) in decision.arms.iter() {
            arms.push_str(&format!(
                " WHEN {} THEN ({})::{}",
                self.condition(*condition, scope)?,
                self.value(*value, scope)?,
                element.name()
            ));
        }
        let otherwise = otherwise.unwrap_or_else(|| "NULL".into());
        if arms.is_empty() {
            return Ok(format!("({otherwise})::{}", element.name()));
        }
        Ok(format!(
            "(CASE{arms} ELSE ({otherwise})::{} END)",
            element.name()
        ))
    }

    /// `sum` of `value` over the events `query` selects, `0` when none (nulls skipped).
    fn sum_over(&self, query: &'p Query, scope: &Scope<'p>, inner: &Scope<'p>, value: &str) -> Sql {
        let from = self.selection(query, scope, inner)?;
        Ok(format!("(SELECT COALESCE(sum({value}), 0) {from})"))
    }
}
