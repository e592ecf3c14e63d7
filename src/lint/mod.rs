//! Lints: warnings about rules that compile but cannot do what they seem to.
//!
//! This stage reads the syntax trees of a compile that checked without errors and
//! gives warnings (`W0004`…, see the language reference, "Lints"); it changes nothing
//! and the program is built the same with or without them. Each lint looks at one
//! item at a time with bounded work ([`intervals`] caps what a condition may hold),
//! and walks nested workflow blocks with a stack guard.
//!
//! - `W0004`: a decision arm that no value can reach, because an earlier arm is
//!   `when true` or the earlier arms' comparisons of the same value cover its own.
//! - `W0005`: a condition that is never true: comparisons of one value with number
//!   literals whose sets do not meet (`x > 5 and x < 3`).
//! - `W0006`: a score's `per` rule whose `max` is below its per-event points.
//! - `W0007`: a workflow statement after `stop` in the same block.

mod intervals;

use crate::diagnostic::{Diagnostic, SourceFile, codes};
use crate::syntax::ast::{
    Block, Decision, Expr, ExprKind, ItemKind, Module, ScoreRuleKind, SegmentBody, StmtKind,
};

/// The lints of `modules`, each module with the file it was read from, in source order.
pub(crate) fn lint(modules: &[(&SourceFile, &Module)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (file, module) in modules {
        let mut lints = Lints {
            file,
            out: &mut out,
        };
        for item in &module.items {
            lints.item(&item.node);
        }
    }
    out
}

/// The warnings found so far, for items of `file`.
struct Lints<'a> {
    file: &'a SourceFile,
    out: &'a mut Vec<Diagnostic>,
}

impl Lints<'_> {
    fn item(&mut self, item: &ItemKind) {
        match item {
            ItemKind::Segment(segment) => {
                if let SegmentBody::Condition(condition) = &segment.body {
                    self.never_true(condition);
                }
            }
            ItemKind::Decision(decision) => self.decision(decision),
            ItemKind::Score(score) => {
                for rule in &score.rules {
                    match &rule.node {
                        ScoreRuleKind::When { condition, .. } => self.never_true(condition),
                        ScoreRuleKind::Per {
                            points,
                            max: Some(max),
                            ..
                        } => {
                            if let ExprKind::Number {
                                value,
                                percent: false,
                            } = &points.node
                                && value.abs() > max.node
                            {
                                self.out.push(
                                    Diagnostic::warning(
                                        codes::MAX_BELOW_POINTS,
                                        format!(
                                            "`max {}` is below the {} points of one event",
                                            max.node, value
                                        ),
                                        self.file,
                                        max.span,
                                    )
                                    .with_help("the first event already reaches the cap; raise `max` or lower the points"),
                                );
                            }
                        }
                        _ => {}
                    }
                }
            }
            ItemKind::Reward(reward) => {
                for arm in &reward.arms {
                    self.never_true(&arm.condition);
                }
            }
            ItemKind::Workflow(workflow) => self.block(&workflow.body),
            _ => {}
        }
    }

    /// `W0005` on a condition whose comparisons of one value select no number.
    fn never_true(&mut self, condition: &Expr) {
        if let Some((subject, set)) = intervals::cover(condition)
            && set.is_empty()
        {
            self.out.push(
                Diagnostic::warning(
                    codes::NEVER_TRUE,
                    format!("this condition is never true: no value of `{subject}` satisfies it"),
                    self.file,
                    condition.span,
                )
                .with_help("check the bounds; `and` needs every comparison to hold at once"),
            );
        }
    }

    /// `W0004` on the arms of a first-match decision that no value reaches, and
    /// `W0005` on any arm that is never true.
    fn decision(&mut self, decision: &Decision) {
        let mut unconditional = false;
        // The values of each compared expression that earlier arms already take.
        let mut taken: Vec<(String, intervals::Set)> = Vec::new();
        for arm in &decision.arms {
            let cover = intervals::cover(&arm.condition);
            if let Some((_, set)) = &cover
                && set.is_empty()
            {
                self.never_true(&arm.condition);
                continue;
            }
            if !decision.collect {
                let covered = match &cover {
                    Some((subject, set)) => taken
                        .iter()
                        .any(|(earlier, so_far)| earlier == subject && set.within(so_far)),
                    None => false,
                };
                if unconditional || covered {
                    let why = if unconditional {
                        "an earlier arm is `when true`".to_string()
                    } else {
                        format!(
                            "earlier arms take every value of `{}` it would",
                            cover.as_ref().map_or("", |(subject, _)| subject.as_str())
                        )
                    };
                    self.out.push(
                        Diagnostic::warning(
                            codes::UNREACHABLE_ARM,
                            format!("this arm is never taken: {why}"),
                            self.file,
                            arm.condition.span,
                        )
                        .with_help(
                            "the first arm that holds is taken; move this arm up or remove it",
                        ),
                    );
                }
            }
            if matches!(arm.condition.node, ExprKind::Bool(true)) {
                unconditional = true;
            }
            if let Some((subject, set)) = cover {
                match taken.iter_mut().find(|(earlier, _)| *earlier == subject) {
                    Some((_, so_far)) => {
                        if let Some(joined) = so_far.union(&set) {
                            *so_far = joined;
                        }
                    }
                    None => taken.push((subject, set)),
                }
            }
        }
    }

    /// `W0007` on the first statement after `stop` in each block, and the blocks
    /// inside statements.
    fn block(&mut self, block: &Block) {
        crate::stack::with_headroom(|| {
            let mut stopped = false;
            for stmt in block {
                let mut inner = stmt;
                while let StmtKind::Step { stmt, .. } = &inner.node {
                    inner = stmt;
                }
                if stopped {
                    self.out.push(
                        Diagnostic::warning(
                            codes::UNREACHABLE_STATEMENT,
                            "this statement is never run: `stop` comes before it",
                            self.file,
                            stmt.span,
                        )
                        .with_help(
                            "`stop` ends the run; remove what follows it or move the `stop`",
                        ),
                    );
                    // One warning per block.
                    return;
                }
                match &inner.node {
                    StmtKind::Stop => stopped = true,
                    StmtKind::If {
                        branches,
                        otherwise,
                    } => {
                        for branch in branches {
                            self.block(&branch.body);
                        }
                        if let Some(otherwise) = otherwise {
                            self.block(otherwise);
                        }
                    }
                    StmtKind::Split(arms) => {
                        for arm in arms {
                            self.block(&arm.body);
                        }
                    }
                    _ => {}
                }
            }
        });
    }
}
