//! Items answered column-wise: segments, scores (`when` and `per` rules, with their
//! caps, decay, clamp and rounding), decisions whose values are literals or
//! attributes, and the keys of ranked segments.

use std::borrow::Cow;

use arrow_array::StringArray;
use arrow_buffer::BooleanBuffer;
use rust_decimal::Decimal;

use super::env::{Column, Env, each_row};
use super::events::{self, Points, QueryPlan};
use super::kernels::{self, Plan};
use super::numbers::{self, Number, Values};
use crate::model::{AttrId, Value, write_json};
use crate::program::{
    DecisionArms, ItemBody, Node, NodeId, Program, Ranking, ScoreRule, ScoreRules,
};

/// At most this many `when` rules with literal points are answered through a table of
/// every combination of them.
const TABLE_RULES: usize = 10;

/// An item with a columnar form.
pub(super) enum ItemPlan {
    Segment(Plan),
    Score(ScorePlan),
    Decision(DecisionPlan),
}

pub(super) struct ScorePlan {
    rules: Vec<RulePlan>,
    half_life: Option<chrono::TimeDelta>,
    clamp: Option<(Decimal, Decimal)>,
}

enum RulePlan {
    When {
        condition: Plan,
        points: Number,
    },
    Per {
        query: QueryPlan,
        points: Points,
        max: Option<Decimal>,
    },
}

pub(super) struct DecisionPlan {
    collect: bool,
    arms: Vec<(Plan, Outcome)>,
    otherwise: Option<Outcome>,
}

/// A decision's value: a literal, or an attribute's value.
enum Outcome {
    Literal(Value),
    Attribute(AttrId),
}

/// The columnar form of the item at `index`, if it has one (ranked segments are
/// planned by [`plan_ranking`]).
pub(super) fn plan(
    program: &Program,
    columns: &[Option<Column>],
    index: usize,
) -> Option<ItemPlan> {
    let item = program.items.get(index)?;
    if item
        .dependencies
        .iter()
        .any(|(_, offset)| !offset.is_zero())
    {
        return None;
    }
    Some(match &item.body {
        ItemBody::Segment(condition) => {
            ItemPlan::Segment(kernels::plan(program, columns, *condition)?)
        }
        ItemBody::Score(rules) => ItemPlan::Score(plan_score(program, columns, rules)?),
        ItemBody::Decision(arms) => ItemPlan::Decision(plan_decision(program, columns, arms)?),
        _ => return None,
    })
}

fn plan_score(
    program: &Program,
    columns: &[Option<Column>],
    score: &ScoreRules,
) -> Option<ScorePlan> {
    let rules = score
        .rules
        .iter()
        .map(|rule| {
            Some(match rule {
                ScoreRule::When { condition, points } => RulePlan::When {
                    condition: kernels::plan(program, columns, *condition)?,
                    points: numbers::plan(program, columns, *points)?,
                },
                ScoreRule::Per { query, points, max } => RulePlan::Per {
                    query: events::plan_query(program, columns, query)?,
                    points: events::plan_points(program, columns, query, *points)?,
                    max: *max,
                },
            })
        })
        .collect::<Option<_>>()?;
    Some(ScorePlan {
        rules,
        half_life: score.half_life,
        clamp: score.clamp,
    })
}

fn plan_decision(
    program: &Program,
    columns: &[Option<Column>],
    decision: &DecisionArms,
) -> Option<DecisionPlan> {
    let outcome = |node: NodeId| match program.nodes.get(node)? {
        Node::Literal(value) => Some(Outcome::Literal(value.clone())),
        Node::Attribute(attribute) => Some(Outcome::Attribute(*attribute)),
        _ => None,
    };
    Some(DecisionPlan {
        collect: decision.collect,
        arms: decision
            .arms
            .iter()
            .map(|(condition, value)| {
                Some((
                    kernels::plan(program, columns, *condition)?,
                    outcome(*value)?,
                ))
            })
            .collect::<Option<_>>()?,
        otherwise: match decision.otherwise {
            Some(node) => Some(outcome(node)?),
            None => None,
        },
    })
}

impl ItemPlan {
    /// The item's column, or `None` when a batch column is not of the type the plan
    /// reads.
    pub fn evaluate(&self, env: &Env<'_>) -> Option<Column> {
        Some(match self {
            ItemPlan::Segment(plan) => Column::Bool(kernels::evaluate(plan, env)?),
            ItemPlan::Score(score) => Column::Number(score.evaluate(env)?),
            ItemPlan::Decision(decision) => Column::Json(decision.evaluate(env)?),
        })
    }
}

impl ScorePlan {
    fn evaluate(&self, env: &Env<'_>) -> Option<Vec<Option<Decimal>>> {
        let rows = env.rows();
        let finished = |total: Decimal| crate::eval::probe::finished(total, self.clamp);
        if let Some(table) = self.table() {
            // Every total the rules can give, by which of them hold: one look-up a
            // contact.
            let conditions: Vec<BooleanBuffer> = self
                .rules
                .iter()
                .map(|rule| match rule {
                    RulePlan::When { condition, .. } => kernels::evaluate(condition, env),
                    RulePlan::Per { .. } => None,
                })
                .collect::<Option<_>>()?;
            let totals: Vec<Decimal> = table.into_iter().map(finished).collect();
            return Some(each_row(rows, |row| {
                let held = conditions
                    .iter()
                    .enumerate()
                    .fold(0_usize, |mask, (bit, holds)| {
                        mask | (usize::from(holds.value(row)) << bit)
                    });
                totals.get(held).copied()
            }));
        }
        let mut totals = vec![Decimal::ZERO; rows];
        for rule in &self.rules {
            match rule {
                RulePlan::When { condition, points } => {
                    let holds = kernels::evaluate(condition, env)?;
                    let points = points.evaluate(env)?;
                    for (row, total) in totals.iter_mut().enumerate() {
                        if holds.value(row) {
                            let points = points.get(row).unwrap_or_default();
                            *total = total.checked_add(points).unwrap_or(*total);
                        }
                    }
                }
                RulePlan::Per { query, points, max } => {
                    let sums = events::per_rule(env, query, points, *max, self.half_life)?;
                    for (total, points) in totals.iter_mut().zip(sums) {
                        *total = total.checked_add(points).unwrap_or(*total);
                    }
                }
            }
        }
        Some(
            totals
                .into_iter()
                .map(|total| Some(finished(total)))
                .collect(),
        )
    }

    /// When every rule is a `when` with literal points (and there are few): the total,
    /// before it is finished, for each combination of the rules that hold (bit `i`
    /// for rule `i`), added in rule order as the row interpreter adds.
    fn table(&self) -> Option<Vec<Decimal>> {
        if self.rules.len() > TABLE_RULES {
            return None;
        }
        let points: Vec<Decimal> = self
            .rules
            .iter()
            .map(|rule| match rule {
                RulePlan::When {
                    points: Number::Literal(points),
                    ..
                } => Some(points.unwrap_or_default()),
                _ => None,
            })
            .collect::<Option<_>>()?;
        Some(
            (0..1_usize << points.len())
                .map(|mask| {
                    points
                        .iter()
                        .enumerate()
                        .filter(|(bit, _)| mask >> bit & 1 == 1)
                        .fold(Decimal::ZERO, |total, (_, points)| {
                            total.checked_add(*points).unwrap_or(total)
                        })
                })
                .collect(),
        )
    }
}

impl DecisionPlan {
    fn evaluate(&self, env: &Env<'_>) -> Option<StringArray> {
        let arms: Vec<BooleanBuffer> = self
            .arms
            .iter()
            .map(|(condition, _)| kernels::evaluate(condition, env))
            .collect::<Option<_>>()?;
        let json = |value: &Value| -> Option<String> {
            (!value.is_null()).then(|| {
                let mut text = String::new();
                write_json(value, &mut text);
                text
            })
        };
        // The JSON text of each literal, written once.
        let texts: Vec<Option<String>> = self
            .arms
            .iter()
            .map(|(_, outcome)| outcome)
            .chain(self.otherwise.as_ref())
            .map(|outcome| match outcome {
                Outcome::Literal(value) => json(value),
                Outcome::Attribute(_) => None,
            })
            .collect();
        let value = |outcome: &Outcome, row: usize| -> Value {
            match outcome {
                Outcome::Literal(value) => value.clone(),
                Outcome::Attribute(attribute) => env
                    .contacts
                    .attributes
                    .get(attribute.index())
                    .and_then(|column| column.value(row).ok())
                    .unwrap_or(Value::Null),
            }
        };
        let text = |index: usize, outcome: &Outcome, row: usize| match outcome {
            Outcome::Literal(_) => texts
                .get(index)
                .and_then(|t| t.as_deref())
                .map(Cow::Borrowed),
            Outcome::Attribute(_) => json(&value(outcome, row)).map(Cow::Owned),
        };
        let otherwise = self.arms.len();
        let texts: Vec<Option<Cow<'_, str>>> = each_row(env.rows(), |row| {
            let held = arms.iter().enumerate().filter(|(_, bits)| bits.value(row));
            if self.collect {
                let mut values: Vec<Value> = held
                    .filter_map(|(arm, _)| self.arms.get(arm))
                    .map(|(_, outcome)| value(outcome, row))
                    .collect();
                if values.is_empty()
                    && let Some(outcome) = &self.otherwise
                {
                    values.push(value(outcome, row));
                }
                return json(&Value::List(values.into())).map(Cow::Owned);
            }
            let mut held = held;
            match held.next() {
                Some((arm, _)) => self
                    .arms
                    .get(arm)
                    .and_then(|(_, outcome)| text(arm, outcome, row)),
                None => self
                    .otherwise
                    .as_ref()
                    .and_then(|outcome| text(otherwise, outcome, row)),
            }
        });
        Some(texts.into_iter().collect::<StringArray>())
    }
}

/// A ranked segment's key and filter, column-wise.
pub(super) struct RankingPlan {
    by: Number,
    filter: Option<Plan>,
}

/// The columnar form of a ranking's key and filter, if they have one.
pub(super) fn plan_ranking(
    program: &Program,
    columns: &[Option<Column>],
    ranking: &Ranking,
) -> Option<RankingPlan> {
    Some(RankingPlan {
        by: numbers::plan(program, columns, ranking.by)?,
        filter: match ranking.filter {
            Some(filter) => Some(kernels::plan(program, columns, filter)?),
            None => None,
        },
    })
}

impl RankingPlan {
    /// Every contact's key: `None` when it fails the `where` or its key is null.
    pub fn keys(&self, env: &Env<'_>) -> Option<Vec<Option<Decimal>>> {
        let filter = match &self.filter {
            Some(filter) => Some(kernels::evaluate(filter, env)?),
            None => None,
        };
        let by = self.by.evaluate(env)?;
        Some(match (by, filter) {
            (Values::Rows(keys), None) => keys,
            (by, filter) => (0..env.rows())
                .map(|row| {
                    let taken = filter.as_ref().is_none_or(|bits| bits.value(row));
                    if taken { by.get(row) } else { None }
                })
                .collect(),
        })
    }
}
