//! `W0007`: workflow statements that are never run.
//!
//! A statement is never run when, in its block, it follows `stop`, an `if` with an
//! `else` whose every branch stops, or a `split` whose every arm stops (one warning
//! per block, on the first such statement); and every statement of a workflow whose
//! `exit when` or `goal when` is `true` is never run, since both are checked before
//! any statement, at every instant (one warning, on the first statement).
//!
//! The workflow's conditions are also read for `W0010` (always true): bare names in
//! them are contact attributes.

use super::Lints;
use crate::diagnostic::{Diagnostic, codes};
use crate::syntax::ast::{Block, ExprKind, HeaderKind, StmtKind, Workflow};

/// What ends every run before a statement.
#[derive(Debug, Clone, Copy)]
enum Ended {
    Stop,
    EveryBranch,
    EveryArm,
}

impl Lints<'_> {
    pub(super) fn workflow(&mut self, workflow: &Workflow) {
        for header in &workflow.header {
            if let HeaderKind::EnterWhen(condition)
            | HeaderKind::Exit(condition)
            | HeaderKind::Goal(condition) = &header.node
            {
                self.always_true(condition);
            }
        }
        let ended_at_once = workflow
            .header
            .iter()
            .find_map(|header| match &header.node {
                HeaderKind::Exit(condition) if matches!(condition.node, ExprKind::Bool(true)) => {
                    Some("exit")
                }
                HeaderKind::Goal(condition) if matches!(condition.node, ExprKind::Bool(true)) => {
                    Some("goal")
                }
                _ => None,
            });
        match (ended_at_once, workflow.body.first()) {
            (Some(clause), Some(first)) => self.out.push(
                Diagnostic::warning(
                    codes::UNREACHABLE_STATEMENT,
                    format!("this statement is never run: `{clause} when true` ends every run first"),
                    self.file,
                    first.span,
                )
                .with_help(format!(
                    "`exit when` and `goal when` are checked before any statement; give `{clause} when` a condition that can be false, or remove it"
                )),
            ),
            _ => {
                self.block(&workflow.body);
            }
        }
    }

    /// `W0007` on the first statement of `block`, and of each block inside it, that is
    /// never run; true when every run through `block` stops in it.
    fn block(&mut self, block: &Block) -> bool {
        crate::stack::with_headroom(|| {
            let mut ended = None;
            for stmt in block {
                if let Some(ended) = ended {
                    let (why, help) = match ended {
                        Ended::Stop => (
                            "`stop` comes before it",
                            "`stop` ends the run; remove what follows it or move the `stop`",
                        ),
                        Ended::EveryBranch => (
                            "every branch of the `if` before it stops",
                            "each branch ends the run with `stop`; remove what follows, or let a branch go on",
                        ),
                        Ended::EveryArm => (
                            "every arm of the `split` before it stops",
                            "each arm ends the run with `stop`; remove what follows, or let an arm go on",
                        ),
                    };
                    self.out.push(
                        Diagnostic::warning(
                            codes::UNREACHABLE_STATEMENT,
                            format!("this statement is never run: {why}"),
                            self.file,
                            stmt.span,
                        )
                        .with_help(help),
                    );
                    // One warning per block.
                    return true;
                }
                let mut inner = stmt;
                while let StmtKind::Step { stmt, .. } = &inner.node {
                    inner = stmt;
                }
                match &inner.node {
                    StmtKind::Stop => ended = Some(Ended::Stop),
                    StmtKind::WaitUntil { condition, .. } => self.always_true(condition),
                    StmtKind::If {
                        branches,
                        otherwise,
                    } => {
                        // Every block is linted, so no short circuit.
                        let mut every = true;
                        for branch in branches {
                            self.always_true(&branch.condition);
                            every &= self.block(&branch.body);
                        }
                        every &= match otherwise {
                            Some(otherwise) => self.block(otherwise),
                            None => false,
                        };
                        if every {
                            ended = Some(Ended::EveryBranch);
                        }
                    }
                    StmtKind::Split(arms) => {
                        let mut every = !arms.is_empty();
                        for arm in arms {
                            every &= self.block(&arm.body);
                        }
                        if every {
                            ended = Some(Ended::EveryArm);
                        }
                    }
                    _ => {}
                }
            }
            ended.is_some()
        })
    }
}
