//! Top-level items (§5–§7): segments, scores, decisions and rewards; the dispatch to
//! schemas, workflows, experiments, frequency caps and metrics.

use nom::Err as NomErr;
use rust_decimal::prelude::ToPrimitive;

use super::lexical::commit;
use super::{PResult, Parser, SyntaxError};
use crate::syntax::ast::{
    Arm, Cap, CapPer, Decision, Expr, Item, ItemKind, Name, PlainString, RankTake, Ranking, Reward,
    Score, ScoreRuleKind, Segment, SegmentBody, Spanned,
};

impl<'s> Parser<'s> {
    /// One top-level item.
    pub(super) fn parse_item(&self, input: &'s str) -> PResult<'s, Item> {
        let start = self.trivia(input);
        let (rest, (word, _)) = self
            .word(start)
            .map_err(|_| NomErr::Failure(SyntaxError::unexpected(start, ITEM_EXPECTED)))?;
        let (rest, kind) = match word {
            "schema" => {
                let (rest, schema) = self.parse_schema(rest)?;
                (rest, ItemKind::Schema(schema))
            }
            "segment" => {
                let (rest, segment) = self.parse_segment(rest)?;
                (rest, ItemKind::Segment(segment))
            }
            "score" => {
                let (rest, score) = self.parse_score(rest)?;
                (rest, ItemKind::Score(score))
            }
            "decide" => {
                let (rest, decision) = self.parse_decision(rest)?;
                (rest, ItemKind::Decision(decision))
            }
            "reward" => {
                let (rest, reward) = self.parse_reward(rest)?;
                (rest, ItemKind::Reward(reward))
            }
            "workflow" => {
                let (rest, workflow) = self.parse_workflow(rest)?;
                (rest, ItemKind::Workflow(workflow))
            }
            "experiment" => {
                let (rest, experiment) = self.parse_experiment(rest)?;
                (rest, ItemKind::Experiment(experiment))
            }
            "cap" => {
                let (rest, cap) = self.parse_frequency_cap(rest)?;
                (rest, ItemKind::FrequencyCap(cap))
            }
            "metric" => {
                let (rest, metric) = self.parse_metric(rest)?;
                (rest, ItemKind::Metric(metric))
            }
            _ => {
                return Err(NomErr::Failure(SyntaxError::unexpected(
                    start,
                    ITEM_EXPECTED,
                )));
            }
        };
        Ok((rest, Spanned::new(kind, self.span(start, rest))))
    }

    /// `NAME ["title"]`, the head of every item.
    pub(super) fn parse_item_head(
        &self,
        input: &'s str,
        what: &str,
    ) -> PResult<'s, (Name, Option<PlainString>)> {
        let (rest, name) = self.name(input, what)?;
        let at = self.trivia(rest);
        if at.starts_with('"') || at.starts_with("r\"") {
            let (rest, title) = self.plain_string(at)?;
            return Ok((rest, (name, Some(title))));
        }
        Ok((rest, (name, None)))
    }

    /// Runs `f` inside `{ … }`, one nesting level deeper.
    pub(super) fn braced<T>(
        &self,
        input: &'s str,
        f: impl FnOnce(&'s str) -> PResult<'s, T>,
    ) -> PResult<'s, T> {
        let (rest, _) = self.expect_punct(input, "{")?;
        self.nested(rest, |rest| {
            let (rest, value) = f(rest)?;
            let (rest, _) = self
                .punct(rest, "}")
                .map_err(|_| NomErr::Failure(SyntaxError::unexpected(rest, "`}`")))?;
            Ok((rest, value))
        })
    }

    fn parse_segment(&self, input: &'s str) -> PResult<'s, Segment> {
        let (rest, (name, title)) = self.parse_item_head(input, "a segment name")?;
        let (rest, body) = self.braced(rest, |rest| match self.keyword(rest, "top") {
            Ok((rest, _)) => {
                let (rest, take) = self.parse_rank_take(rest)?;
                let (rest, _) = self.expect_keyword(rest, "by")?;
                let (rest, by) = self.parse_expr(rest)?;
                let (rest, filter) = self.parse_optional_where(rest)?;
                Ok((rest, SegmentBody::Ranked(Ranking { take, by, filter })))
            }
            Err(_) => {
                let (rest, condition) = self.parse_expr(rest)?;
                Ok((rest, SegmentBody::Condition(condition)))
            }
        })?;
        Ok((rest, Segment { name, title, body }))
    }

    fn parse_rank_take(&self, input: &'s str) -> PResult<'s, Spanned<RankTake>> {
        let start = self.trivia(input);
        if let Ok((rest, percent)) = self.percentage(start) {
            return Ok((
                rest,
                Spanned::new(RankTake::Percent(percent.node), percent.span),
            ));
        }
        let (rest, count) = self.decimal(start, false)?;
        match (count.node.scale() == 0)
            .then(|| count.node.to_u64())
            .flatten()
        {
            Some(n) => Ok((rest, Spanned::new(RankTake::Count(n), count.span))),
            None => Err(NomErr::Failure(
                SyntaxError::unexpected(start, "a whole number or a percentage after `top`")
                    .with_help("write `top 100 by …` or `top 10% by …`"),
            )),
        }
    }

    /// `[where COND]`.
    pub(super) fn parse_optional_where(&self, input: &'s str) -> PResult<'s, Option<Expr>> {
        match self.keyword(input, "where") {
            Ok((rest, _)) => {
                let (rest, condition) = self.parse_expr(rest)?;
                Ok((rest, Some(condition)))
            }
            Err(_) => Ok((input, None)),
        }
    }

    fn parse_score(&self, input: &'s str) -> PResult<'s, Score> {
        let (rest, (name, title)) = self.parse_item_head(input, "a score name")?;
        let (rest, rules) = self.braced(rest, |mut rest| {
            let mut rules = Vec::new();
            while !self.at_punct(rest, "}") {
                let start = self.trivia(rest);
                let (next, rule) = self.parse_score_rule(start)?;
                rules.push(Spanned::new(rule, self.span(start, next)));
                rest = next;
            }
            Ok((rest, rules))
        })?;
        Ok((rest, Score { name, title, rules }))
    }

    fn parse_score_rule(&self, start: &'s str) -> PResult<'s, ScoreRuleKind> {
        if let Ok((rest, _)) = self.keyword(start, "per") {
            let (rest, query) = self.parse_query(rest)?;
            let (rest, _) = self.expect_punct(rest, "=>")?;
            let (rest, points) = self.parse_expr(rest)?;
            let (rest, max) = match self.keyword(rest, "max") {
                Ok((rest, _)) if !rest.starts_with('(') => {
                    let (rest, max) = self.decimal(rest, false)?;
                    (rest, Some(max))
                }
                _ => (rest, None),
            };
            return Ok((rest, ScoreRuleKind::Per { query, points, max }));
        }
        if let Ok((rest, _)) = self.keyword(start, "when") {
            let (rest, condition) = self.parse_expr(rest)?;
            let (rest, _) = self.expect_punct(rest, "=>")?;
            let (rest, points) = self.parse_expr(rest)?;
            return Ok((rest, ScoreRuleKind::When { condition, points }));
        }
        if let Ok((rest, _)) = self.keyword(start, "decay") {
            let (rest, _) = self.expect_keyword(rest, "half_life")?;
            let (rest, half_life) = self.duration(rest)?;
            return Ok((rest, ScoreRuleKind::Decay(half_life)));
        }
        if let Ok((rest, _)) = self.keyword(start, "clamp") {
            let (rest, low) = self.decimal(rest, true)?;
            let (rest, _) = self.expect_keyword(rest, "to")?;
            let (rest, high) = self.decimal(rest, true)?;
            return Ok((rest, ScoreRuleKind::Clamp { low, high }));
        }
        Err(NomErr::Failure(SyntaxError::unexpected(
            start,
            "a score rule (`per`, `when`, `decay`, `clamp`) or `}`",
        )))
    }

    fn parse_decision(&self, input: &'s str) -> PResult<'s, Decision> {
        let (rest, collect) = match self.keyword(input, "all") {
            Ok((rest, _)) => (rest, true),
            Err(_) => (input, false),
        };
        let (rest, (name, title)) = self.parse_item_head(rest, "a decision name")?;
        let (rest, (arms, otherwise)) = self.braced(rest, |rest| self.parse_arms(rest))?;
        Ok((
            rest,
            Decision {
                collect,
                name,
                title,
                arms,
                otherwise,
            },
        ))
    }

    /// `when COND => VALUE …` then an optional `else => VALUE`.
    fn parse_arms(&self, input: &'s str) -> PResult<'s, (Vec<Arm>, Option<Expr>)> {
        let mut rest = input;
        let mut arms = Vec::new();
        while let Ok((after, _)) = self.keyword(rest, "when") {
            let (next, condition) = self.parse_expr(after)?;
            let (next, _) = self.expect_punct(next, "=>")?;
            let (next, value) = self.parse_expr(next)?;
            arms.push(Arm { condition, value });
            rest = next;
        }
        match self.keyword(rest, "else") {
            Ok((after, _)) => {
                let (next, _) = self.expect_punct(after, "=>")?;
                let (next, value) = self.parse_expr(next)?;
                Ok((next, (arms, Some(value))))
            }
            Err(_) => Ok((rest, (arms, None))),
        }
    }

    fn parse_reward(&self, input: &'s str) -> PResult<'s, Reward> {
        let (rest, (name, title)) = self.parse_item_head(input, "a reward name")?;
        let (rest, _) = self.expect_keyword(rest, "on")?;
        let (rest, trigger) = self.kind_name(rest).map_err(commit)?;
        let (rest, (arms, otherwise, caps, round)) = self.braced(rest, |rest| {
            let (mut rest, (arms, otherwise)) = self.parse_arms(rest)?;
            let mut caps = Vec::new();
            let mut round = None;
            loop {
                if let Ok((after, _)) = self.keyword(rest, "cap") {
                    let (next, amount) = self.decimal(after, false)?;
                    let (next, _) = self.expect_keyword(next, "per")?;
                    let per_start = self.trivia(next);
                    let (next, per) = match self.keyword(per_start, "event") {
                        Ok((next, _)) => (next, CapPer::Event),
                        Err(_) => {
                            let (next, window) = self.duration(per_start)?;
                            (next, CapPer::Window(window.node))
                        }
                    };
                    let per = Spanned::new(per, self.span(per_start, next));
                    caps.push(Cap { amount, per });
                    rest = next;
                } else if let Ok((after, _)) = self.keyword(rest, "round") {
                    let (next, places) = self.decimal(after, false)?;
                    let places_value = (places.node.scale() == 0)
                        .then(|| places.node.to_u32())
                        .flatten()
                        .filter(|p| *p <= 28);
                    let Some(value) = places_value else {
                        return Err(NomErr::Failure(SyntaxError::unexpected(
                            self.trivia(after),
                            "a whole number of places from 0 to 28",
                        )));
                    };
                    round = Some(Spanned::new(value, places.span));
                    rest = next;
                } else if self.at_punct(rest, "}") {
                    break;
                } else {
                    return Err(NomErr::Failure(SyntaxError::unexpected(
                        rest,
                        "`when`, `else`, `cap`, `round` or `}`",
                    )));
                }
            }
            Ok((rest, (arms, otherwise, caps, round)))
        })?;
        Ok((
            rest,
            Reward {
                name,
                title,
                trigger,
                arms,
                otherwise,
                caps,
                round,
            },
        ))
    }
}

const ITEM_EXPECTED: &str = "an item (`schema`, `segment`, `score`, `decide`, `reward`, `workflow`, `experiment`, `cap` or `metric`)";
