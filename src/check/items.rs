//! Items (§5, §6, metrics): declaring their names, checking their bodies, and the
//! properties that follow references (batch-only, time-travel instants).

use std::collections::BTreeSet;

use chrono::TimeDelta;

use super::{Checker, Declared, DeclaredItems, Scope, Ty, TyKind};
use crate::diagnostic::{Diagnostic, SourceFile, codes};
use crate::program::{
    DecisionArms, Item, ItemBody, ItemId, ItemKind, ItemSource, Ranking, ScoreRule, ScoreRules,
    Take,
};
use crate::syntax::ast::{self, Module, RankTake, ScoreRuleKind, SegmentBody};

/// The syntax of a declared item.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ItemAst<'m> {
    Segment(&'m ast::Segment),
    Score(&'m ast::Score),
    Decision(&'m ast::Decision),
    Workflow(&'m ast::Workflow),
    Reward(&'m ast::Reward),
    Experiment(&'m ast::Experiment),
    Metric(&'m ast::Metric),
}

/// A checked item, with where it was written and the type references to it see.
pub(crate) struct CheckedItem {
    pub item: Item,
    pub source: ItemSource,
    pub ty_for_references: Ty,
}

/// Collects the items of every module, reporting names declared twice.
pub(crate) fn declare<'m>(
    modules: &[(&'m SourceFile, &'m Module)],
    diagnostics: &mut Vec<Diagnostic>,
) -> DeclaredItems<'m> {
    let mut declared = DeclaredItems::new();
    for (file_index, (file, module)) in modules.iter().enumerate() {
        let file_index = u32::try_from(file_index).unwrap_or(u32::MAX);
        for item in &module.items {
            let (name, kind, ast) = match &item.node {
                ast::ItemKind::Schema(_) | ast::ItemKind::FrequencyCap(_) => continue,
                ast::ItemKind::Segment(s) => (&s.name, ItemKind::Segment, ItemAst::Segment(s)),
                ast::ItemKind::Score(s) => (&s.name, ItemKind::Score, ItemAst::Score(s)),
                ast::ItemKind::Decision(d) => (&d.name, ItemKind::Decision, ItemAst::Decision(d)),
                ast::ItemKind::Reward(r) => (&r.name, ItemKind::Reward, ItemAst::Reward(r)),
                ast::ItemKind::Workflow(w) => (&w.name, ItemKind::Workflow, ItemAst::Workflow(w)),
                ast::ItemKind::Experiment(e) => {
                    (&e.name, ItemKind::Experiment, ItemAst::Experiment(e))
                }
                ast::ItemKind::Metric(m) => (&m.name, ItemKind::Metric, ItemAst::Metric(m)),
            };
            if let Some(first) = declared.get(&name.node) {
                let (line, _) = first.file.locate(first.name_span.start);
                diagnostics.push(
                    Diagnostic::error(
                        codes::DUPLICATE,
                        format!("`{}` is declared twice", name.node),
                        file,
                        name.span,
                    )
                    .with_help(format!(
                        "items of every kind share one namespace; the first `{}` is at {}:{line}",
                        name.node,
                        first.file.name()
                    )),
                );
                continue;
            }
            declared.insert(
                name.node.clone(),
                Declared {
                    name: name.node.clone(),
                    kind,
                    file,
                    file_index,
                    span: item.span,
                    name_span: name.span,
                    ast,
                },
            );
        }
    }
    declared
}

impl<'m> Checker<'_, 'm> {
    /// Checks one declared item and writes its nodes.
    pub(super) fn check_item(&mut self, declared: &Declared<'m>) -> CheckedItem {
        self.file = Some(declared.file);
        self.file_index = declared.file_index;
        self.dependencies.clear();
        let scope = Scope::default();
        let mut source = ItemSource {
            file: declared.file_index,
            span: declared.span,
            name: declared.name_span,
            ..ItemSource::default()
        };
        let (title, body, reference_ty) = match declared.ast {
            ItemAst::Segment(segment) => {
                let body = match &segment.body {
                    SegmentBody::Condition(condition) => {
                        ItemBody::Segment(self.condition(condition, scope))
                    }
                    SegmentBody::Ranked(ranking) => ItemBody::Ranked(self.ranking(ranking)),
                };
                (&segment.title, body, Ty::BOOL)
            }
            ItemAst::Score(score) => {
                let rules = self.score_rules(score, &mut source);
                (&score.title, ItemBody::Score(rules), Ty::NUMBER)
            }
            ItemAst::Decision(decision) => {
                let (arms, ty) = self.decision_arms(decision);
                (&decision.title, ItemBody::Decision(arms), ty)
            }
            ItemAst::Workflow(workflow) => {
                let compiled = self.workflow(workflow);
                // No function references a workflow: this type is never read.
                (
                    &workflow.title,
                    ItemBody::Workflow(Box::new(compiled)),
                    Ty::ANY,
                )
            }
            ItemAst::Reward(reward) => {
                let rules = self.reward_rules(reward);
                (&reward.title, ItemBody::Reward(rules), Ty::NUMBER)
            }
            ItemAst::Experiment(experiment) => {
                let compiled = self.experiment(experiment, declared);
                // No function references an experiment: this type is never read.
                (
                    &experiment.title,
                    ItemBody::Experiment(Box::new(compiled)),
                    Ty::ANY,
                )
            }
            ItemAst::Metric(metric) => {
                let compiled = self.metric(metric);
                // No function references a metric: this type is never read.
                (&metric.title, ItemBody::Metric(Box::new(compiled)), Ty::ANY)
            }
        };
        let mut dependencies = std::mem::take(&mut self.dependencies);
        dependencies.sort_by_key(|(id, offset)| (*id, *offset));
        dependencies.dedup();
        CheckedItem {
            item: Item {
                name: declared.name.clone(),
                title: title.as_ref().map(|t| t.node.clone()),
                batch_only: matches!(body, ItemBody::Ranked(_) | ItemBody::Metric(_)),
                body,
                dependencies: dependencies.into_boxed_slice(),
            },
            source,
            ty_for_references: reference_ty,
        }
    }

    fn ranking(&mut self, ranking: &ast::Ranking) -> Ranking {
        let take = match &ranking.take.node {
            RankTake::Count(n) => Take::Count(*n),
            RankTake::Percent(p) => {
                if p.is_sign_negative() || *p > rust_decimal::Decimal::ONE_HUNDRED {
                    let error = self.error(
                        codes::NOT_ALLOWED,
                        format!("`top {p}%` is not a percentage from 0% to 100%"),
                        ranking.take.span,
                    );
                    self.report(error);
                }
                Take::Fraction(*p / rust_decimal::Decimal::ONE_HUNDRED)
            }
        };
        let scope = Scope::default();
        let by = self.expect_type(&ranking.by, scope, &TyKind::Number, "a ranking key");
        let filter = ranking.filter.as_ref().map(|f| self.condition(f, scope));
        Ranking { take, by, filter }
    }

    /// A score's rules; the spans of the rules compiled and of its clamp go to
    /// `source`.
    fn score_rules(&mut self, score: &ast::Score, source: &mut ItemSource) -> ScoreRules {
        let mut rules = Vec::new();
        let mut spans = Vec::new();
        let mut half_life = None;
        let mut clamp = None;
        for rule in &score.rules {
            match &rule.node {
                ScoreRuleKind::Per { query, points, max } => {
                    if let Some((query, kinds)) = self.query(query, Scope::default()) {
                        let event_scope = Scope {
                            event: Some(&kinds),
                            ..Scope::default()
                        };
                        let points =
                            self.expect_type(points, event_scope, &TyKind::Number, "points");
                        rules.push(ScoreRule::Per {
                            query,
                            points,
                            max: max.as_ref().map(|m| m.node),
                        });
                        spans.push(rule.span);
                    }
                }
                ScoreRuleKind::When { condition, points } => {
                    let condition = self.condition(condition, Scope::default());
                    let points =
                        self.expect_type(points, Scope::default(), &TyKind::Number, "points");
                    rules.push(ScoreRule::When { condition, points });
                    spans.push(rule.span);
                }
                ScoreRuleKind::Decay(duration) => {
                    if duration.node <= TimeDelta::zero() {
                        let error = self.error(
                            codes::NOT_ALLOWED,
                            "a half-life must be longer than zero",
                            duration.span,
                        );
                        self.report(error);
                    } else if half_life.replace(duration.node).is_some() {
                        let error = self.error(
                            codes::DUPLICATE,
                            "a score has at most one `decay`",
                            rule.span,
                        );
                        self.report(error);
                    }
                }
                ScoreRuleKind::Clamp { low, high } => {
                    if low.node > high.node {
                        let error = self.error(
                            codes::NOT_ALLOWED,
                            format!(
                                "`clamp {} to {}` has its bounds reversed",
                                low.node, high.node
                            ),
                            rule.span,
                        );
                        self.report(error);
                    } else if clamp.replace((low.node, high.node)).is_some() {
                        let error = self.error(
                            codes::DUPLICATE,
                            "a score has at most one `clamp`",
                            rule.span,
                        );
                        self.report(error);
                    } else {
                        source.clamp = Some(rule.span);
                    }
                }
            }
        }
        source.rules = spans.into_boxed_slice();
        ScoreRules {
            rules: rules.into_boxed_slice(),
            half_life,
            clamp,
        }
    }

    fn decision_arms(&mut self, decision: &ast::Decision) -> (DecisionArms, Ty) {
        let scope = Scope::default();
        let mut value_ty: Option<Ty> = None;
        let mut arms = Vec::new();
        let values = decision
            .arms
            .iter()
            .map(|arm| (Some(&arm.condition), &arm.value))
            .chain(decision.otherwise.iter().map(|value| (None, value)));
        let mut otherwise = None;
        for (condition, value) in values {
            let condition = condition.map(|c| self.condition(c, scope));
            let (node, mut ty) = self.expr(value, scope);
            if matches!(ty.kind, TyKind::Record(_)) {
                let error = super::expr::record_misuse(self, value.span);
                self.report(error);
                ty = Ty::ANY;
            }
            value_ty =
                match &value_ty {
                    None => Some(ty),
                    Some(previous) => match previous.unify(&ty) {
                        Some(unified) => Some(unified),
                        None => {
                            let error = self.error(
                            codes::TYPE_MISMATCH,
                            format!("this arm gives `{ty}` but the earlier arms give `{previous}`"),
                            value.span,
                        )
                        .with_help("every arm of a decision gives a value of one type");
                            self.report(error);
                            Some(previous.clone())
                        }
                    },
                };
            match condition {
                Some(condition) => arms.push((condition, node)),
                None => otherwise = Some(node),
            }
        }
        let value_ty = value_ty.unwrap_or(Ty::ANY);
        let ty = if decision.collect {
            Ty::list(value_ty)
        } else {
            value_ty.or_null(decision.otherwise.is_none())
        };
        let arms = DecisionArms {
            collect: decision.collect,
            arms: arms.into_boxed_slice(),
            otherwise,
        };
        (arms, ty)
    }
}

/// Marks every item that references a batch-only item as batch-only too.
pub(crate) fn propagate_batch_only(items: &mut [Item], order: &[ItemId]) {
    for id in order {
        let inherited = items.get(id.index()).is_some_and(|item| {
            item.dependencies
                .iter()
                .any(|(dep, _)| items.get(dep.index()).is_some_and(|d| d.batch_only))
        });
        if let Some(item) = items.get_mut(id.index()) {
            item.batch_only |= inherited;
        }
    }
}

/// Reports rewards and workflows that reference a batch-only item: they run for one
/// contact at a time, so they cannot wait for a whole batch.
pub(crate) fn report_batch_only_references(
    items: &[Item],
    declared: &DeclaredItems<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (item, (_, entry)) in items.iter().zip(declared.iter()) {
        let kind = item.body.kind();
        if !item.batch_only
            || !matches!(
                kind,
                ItemKind::Reward | ItemKind::Workflow | ItemKind::Experiment
            )
        {
            continue;
        }
        let culprit = item
            .dependencies
            .iter()
            .filter_map(|(dep, _)| items.get(dep.index()))
            .find(|dep| dep.batch_only);
        let mut error = Diagnostic::error(
            codes::NOT_ALLOWED,
            format!(
                "{} `{}` depends on a ranked segment, which needs a whole batch",
                kind.name(),
                item.name
            ),
            entry.file,
            entry.name_span,
        );
        if let Some(culprit) = culprit {
            error = error.with_note(format!(
                "it references `{}`, which is batch-only (`top … by`, or references one)",
                culprit.name
            ));
        }
        let help = match kind {
            ItemKind::Workflow => "workflows run for one contact at a time",
            ItemKind::Experiment => {
                "an experiment's conditions are evaluated for one contact at a time"
            }
            _ => "rewards are computed for one contact at a time",
        };
        diagnostics.push(error.with_help(help));
    }
}

/// Reports items from which more distinct time-travel instants are reachable than
/// the limit allows.
pub(crate) fn check_instants(
    items: &[Item],
    order: &[ItemId],
    declared: &DeclaredItems<'_>,
    limit: usize,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut instants: Vec<BTreeSet<TimeDelta>> = vec![BTreeSet::new(); items.len()];
    for id in order {
        let Some(item) = items.get(id.index()) else {
            continue;
        };
        let mut reachable = BTreeSet::from([TimeDelta::zero()]);
        for (dep, offset) in &item.dependencies {
            for instant in instants.get(dep.index()).into_iter().flatten() {
                if reachable.len() > limit {
                    break;
                }
                if let Some(sum) = instant.checked_add(offset) {
                    reachable.insert(sum);
                }
            }
        }
        if reachable.len() > limit
            && let Some((_, entry)) = declared.get_index(id.index())
        {
            diagnostics.push(
                Diagnostic::error(
                    codes::BAD_TIME_TRAVEL,
                    format!(
                        "`{}` needs more than {limit} distinct time-travel instants",
                        entry.name
                    ),
                    entry.file,
                    entry.name_span,
                )
                .with_help("reduce the `at:` offsets this item reaches through its references"),
            );
        }
        if let Some(slot) = instants.get_mut(id.index()) {
            *slot = reachable;
        }
    }
}
