//! Workflows (§8): header clauses, action calls checked against their `action`
//! declarations, and statements flattened into steps with their ids (§8.2) and
//! fingerprints.
//!
//! Statement ids are paths (`"3"`, `"3.then.1"`, `"5.arm0.1"`) or `step` labels. A
//! block is flattened from its last statement to its first, so each statement knows
//! the step that follows it when it is written. Recursion follows the nesting of
//! blocks, which the parser bounds.

use std::collections::HashMap;

use chrono::{NaiveTime, TimeDelta, Weekday};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::{Checker, Scope, Ty, TyKind};
use crate::diagnostic::{Span, codes, help_did_you_mean};
use crate::fnv::fnv1a_64;
use crate::model::Type;
use crate::program::{
    EnterOn, NodeId, Reentry, SPLIT_BUCKETS, SendWindow, Step, StepIndex, StepKind, Workflow,
};
use crate::syntax::ast::{self, Block, Days, HeaderKind, Name, NamedArg, Stmt, StmtKind};
use crate::syntax::print_stmt;

/// Where workflow expressions resolve names: `entered_at` is in scope.
const WORKFLOW: Scope<'static> = Scope {
    event: None,
    workflow: true,
};

/// The steps written so far, by id.
#[derive(Default)]
struct Steps {
    steps: IndexMap<String, Step>,
}

/// Which of the header clauses that may be written once have been seen.
#[derive(Default)]
struct Once {
    reentry: bool,
    exit: bool,
    goal: bool,
    window: bool,
}

impl Checker<'_, '_> {
    /// Checks a workflow and writes its compiled form.
    pub(super) fn workflow(&mut self, workflow: &ast::Workflow) -> Workflow {
        let mut compiled = Workflow {
            enter_on: Box::default(),
            enter_when: Box::default(),
            reentry: Reentry::Never,
            exit: None,
            goal: None,
            window: None,
            steps: IndexMap::new(),
            first: None,
        };
        self.header(workflow, &mut compiled);
        self.labels(&workflow.body, &mut HashMap::new());
        let mut steps = Steps::default();
        compiled.first = self.block(&workflow.body, "", None, &mut steps);
        compiled.steps = steps.steps;
        compiled
    }

    fn header(&mut self, workflow: &ast::Workflow, compiled: &mut Workflow) {
        let mut enter_on = Vec::new();
        let mut enter_when = Vec::new();
        let mut once = Once::default();
        for header in &workflow.header {
            match &header.node {
                HeaderKind::EnterOn { kind, filter } => {
                    let Some(kinds) = self.event_kinds(kind) else {
                        continue;
                    };
                    let filter = filter.as_ref().map(|filter| {
                        let scope = Scope {
                            event: Some(&kinds),
                            ..WORKFLOW
                        };
                        self.condition(filter, scope)
                    });
                    enter_on.push(EnterOn { kinds, filter });
                }
                HeaderKind::EnterWhen(condition) => {
                    enter_when.push(self.condition(condition, WORKFLOW));
                }
                HeaderKind::Reenter(reentry) => {
                    self.once(&mut once.reentry, "reenter", header.span);
                    compiled.reentry = match reentry {
                        ast::Reentry::Never => Reentry::Never,
                        ast::Reentry::Always => Reentry::Always,
                        ast::Reentry::After(delay) => Reentry::After(delay.node),
                    };
                }
                HeaderKind::Exit(condition) => {
                    self.once(&mut once.exit, "exit when", header.span);
                    compiled.exit = Some(self.condition(condition, WORKFLOW));
                }
                HeaderKind::Goal(condition) => {
                    self.once(&mut once.goal, "goal when", header.span);
                    compiled.goal = Some(self.condition(condition, WORKFLOW));
                }
                HeaderKind::Window(window) => {
                    self.once(&mut once.window, "window", header.span);
                    compiled.window = self.send_window(window);
                }
            }
        }
        let enters = workflow.header.iter().any(|header| {
            matches!(
                header.node,
                HeaderKind::EnterOn { .. } | HeaderKind::EnterWhen(_)
            )
        });
        if !enters {
            let error = self
                .error(
                    codes::NOT_ALLOWED,
                    format!("workflow `{}` has no `enter` clause", workflow.name.node),
                    workflow.name.span,
                )
                .with_help(
                    "no contact could ever enter it: add `enter on KIND` or `enter when COND`",
                );
            self.report(error);
        }
        compiled.enter_on = enter_on.into_boxed_slice();
        compiled.enter_when = enter_when.into_boxed_slice();
    }

    /// Reports a header clause written a second time.
    fn once(&mut self, seen: &mut bool, clause: &str, span: Span) {
        if std::mem::replace(seen, true) {
            let error = self.error(
                codes::DUPLICATE,
                format!("a workflow has at most one `{clause}`"),
                span,
            );
            self.report(error);
        }
    }

    fn send_window(&mut self, window: &ast::SendWindow) -> Option<SendWindow> {
        let time =
            |t: &ast::TimeOfDay| NaiveTime::from_hms_opt(u32::from(t.hour), u32::from(t.minute), 0);
        let (start, end) = (time(&window.start.node)?, time(&window.end.node)?);
        if start == end {
            let error = self
                .error(
                    codes::NOT_ALLOWED,
                    "a send window cannot open and close at the same time",
                    window.start.span.to(window.end.span),
                )
                .with_help("a window spanning midnight ends before it starts: `21:00 to 08:00`");
            self.report(error);
        }
        let mut days = [window.days.is_none(); 7];
        let mut open = |day: Weekday| {
            if let Some(slot) = days.get_mut(day.num_days_from_monday() as usize) {
                *slot = true;
            }
        };
        match window.days.as_ref().map(|d| &d.node) {
            None => {}
            Some(Days::List(list)) => list.iter().copied().for_each(&mut open),
            Some(Days::Range(first, last)) => {
                let mut day = *first;
                open(day);
                while day != *last {
                    day = day.succ();
                    open(day);
                }
            }
        }
        Some(SendWindow { start, end, days })
    }

    /// Flattens `block`, whose statements have ids `prefix` + 1, 2, …; the last one
    /// continues at `next`. Returns the block's first step (`next` when it is empty).
    fn block(
        &mut self,
        block: &Block,
        prefix: &str,
        next: Option<StepIndex>,
        steps: &mut Steps,
    ) -> Option<StepIndex> {
        let mut next = next;
        for (position, stmt) in block.iter().enumerate().rev() {
            let path = format!("{prefix}{}", position + 1);
            next = Some(self.stmt(stmt, path, next, steps));
        }
        next
    }

    fn stmt(
        &mut self,
        stmt: &Stmt,
        path: String,
        next: Option<StepIndex>,
        steps: &mut Steps,
    ) -> StepIndex {
        crate::stack::with_headroom(|| self.stmt_unguarded(stmt, path, next, steps))
    }

    fn stmt_unguarded(
        &mut self,
        stmt: &Stmt,
        path: String,
        next: Option<StepIndex>,
        steps: &mut Steps,
    ) -> StepIndex {
        let (id, stmt) = match &stmt.node {
            StmtKind::Step { label, stmt: inner } => (label.node.clone(), unlabelled(inner)),
            _ => (path, stmt),
        };
        let fingerprint = fnv1a_64(print_stmt(stmt).as_bytes());
        let kind = match &stmt.node {
            StmtKind::Action { name, args } => self.action_call(name, args),
            StmtKind::Wait(delay) => {
                self.positive(delay, "a wait");
                StepKind::Wait(delay.node)
            }
            StmtKind::WaitUntil { condition, max } => {
                let condition = self.condition(condition, WORKFLOW);
                if let Some(max) = max {
                    self.positive(max, "the longest wait");
                }
                StepKind::WaitUntil {
                    condition,
                    max: max.as_ref().map(|m| m.node),
                }
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                let mut compiled = Vec::with_capacity(branches.len());
                for (k, branch) in branches.iter().enumerate() {
                    let condition = self.condition(&branch.condition, WORKFLOW);
                    let prefix = if k == 0 {
                        format!("{id}.then.")
                    } else {
                        format!("{id}.else{k}.")
                    };
                    compiled.push((condition, self.block(&branch.body, &prefix, next, steps)));
                }
                let otherwise = match otherwise {
                    Some(block) => self.block(block, &format!("{id}.else."), next, steps),
                    None => next,
                };
                StepKind::If {
                    branches: compiled.into_boxed_slice(),
                    otherwise,
                }
            }
            StmtKind::Split(arms) => {
                let mut bound: u32 = 0;
                let mut valid = true;
                let mut compiled = Vec::with_capacity(arms.len());
                for (k, arm) in arms.iter().enumerate() {
                    let buckets = self.split_buckets(&arm.weight);
                    valid &= buckets.is_some();
                    bound = bound.saturating_add(buckets.unwrap_or(0));
                    let target = self.block(&arm.body, &format!("{id}.arm{k}."), next, steps);
                    compiled.push((bound, target));
                }
                if valid && bound != SPLIT_BUCKETS {
                    let total = Decimal::from(bound) / Decimal::ONE_HUNDRED;
                    let error = self
                        .error(
                            codes::NOT_ALLOWED,
                            format!("the arms of a split add up to {total}%, not 100%"),
                            keyword_span(stmt.span, "split"),
                        )
                        .with_help("a three-way split is written 33.33%, 33.33%, 33.34%");
                    self.report(error);
                }
                StepKind::Split {
                    arms: compiled.into_boxed_slice(),
                }
            }
            // Labels were taken off above: `Step` cannot stand here.
            StmtKind::Stop | StmtKind::Step { .. } => StepKind::Stop,
        };
        let step = Step {
            fingerprint,
            kind,
            next,
        };
        steps.steps.insert_full(id, step).0
    }

    /// Reports, in source order, `step` labels used twice or stacked on one another.
    fn labels(&mut self, block: &Block, seen: &mut HashMap<String, Span>) {
        crate::stack::with_headroom(|| {
            for stmt in block {
                let mut stmt = stmt;
                let mut outer: Option<&Name> = None;
                while let StmtKind::Step { label, stmt: inner } = &stmt.node {
                    self.label(label, outer, seen);
                    outer = Some(label);
                    stmt = inner;
                }
                match &stmt.node {
                    StmtKind::If {
                        branches,
                        otherwise,
                    } => {
                        for branch in branches {
                            self.labels(&branch.body, seen);
                        }
                        if let Some(otherwise) = otherwise {
                            self.labels(otherwise, seen);
                        }
                    }
                    StmtKind::Split(arms) => {
                        for arm in arms {
                            self.labels(&arm.body, seen);
                        }
                    }
                    _ => {}
                }
            }
        });
    }

    fn label(&mut self, label: &Name, outer: Option<&Name>, seen: &mut HashMap<String, Span>) {
        if let Some(outer) = outer {
            let error = self
                .error(
                    codes::NOT_ALLOWED,
                    format!(
                        "statement `{}` already has the label `{}`",
                        label.node, outer.node
                    ),
                    label.span,
                )
                .with_help("a statement takes one `step` label");
            self.report(error);
        }
        if let Some(first) = seen.get(&label.node) {
            let line = self.file.map_or(0, |file| file.locate(first.start).0);
            let error = self
                .error(
                    codes::DUPLICATE,
                    format!("the step label `{}` is used twice", label.node),
                    label.span,
                )
                .with_help(format!(
                    "labels are unique within a workflow; the first `{}` is on line {line}",
                    label.node
                ));
            self.report(error);
        } else {
            seen.insert(label.node.clone(), label.span);
        }
    }

    /// Reports a duration that is not longer than zero.
    fn positive(&mut self, duration: &ast::Spanned<TimeDelta>, what: &str) {
        if duration.node <= TimeDelta::zero() {
            let error = self.error(
                codes::NOT_ALLOWED,
                format!("{what} must be longer than zero"),
                duration.span,
            );
            self.report(error);
        }
    }

    /// The buckets of one split arm; reports a share that is no whole number of
    /// 0.01% buckets.
    fn split_buckets(&mut self, weight: &ast::Spanned<Decimal>) -> Option<u32> {
        let buckets = weight.node.checked_mul(Decimal::ONE_HUNDRED);
        match buckets
            .filter(|b| b.fract().is_zero())
            .and_then(|b| b.to_u32())
        {
            Some(buckets) => Some(buckets),
            None => {
                let error = self
                    .error(
                        codes::NOT_ALLOWED,
                        format!("`{}%` is not a multiple of 0.01%", weight.node),
                        weight.span,
                    )
                    .with_help("split arms take whole buckets of 0.01%, such as `33.33%`");
                self.report(error);
                None
            }
        }
    }

    /// `name(arg: EXPR, …)` checked against `action name(…)` of the schema.
    fn action_call(&mut self, name: &Name, args: &[NamedArg]) -> StepKind {
        let Some(action) = self.schema.action(&name.node) else {
            let mut error = self.error(
                codes::UNKNOWN_ACTION,
                format!("unknown action `{}`", name.node),
                name.span,
            );
            error = match help_did_you_mean(&name.node, self.schema.action_names()) {
                Some(help) => error.with_help(help),
                None => error.with_help(format!(
                    "declare it in the schema: `action {}(…)`",
                    name.node
                )),
            };
            self.report(error);
            for arg in args {
                self.expr(&arg.value, WORKFLOW);
            }
            return StepKind::Stop;
        };
        let params: Vec<(String, Type)> = self.schema.action_args(action).to_vec();
        let mut given: Vec<Option<NodeId>> = vec![None; params.len()];
        let mut unknown_argument = false;
        for arg in args {
            let (node, ty) = self.expr(&arg.value, WORKFLOW);
            let Some(position) = params.iter().position(|(p, _)| *p == arg.name.node) else {
                let mut error = self.error(
                    codes::UNKNOWN_ACTION,
                    format!(
                        "action `{}` takes no argument `{}`",
                        name.node, arg.name.node
                    ),
                    arg.name.span,
                );
                if let Some(help) =
                    help_did_you_mean(&arg.name.node, params.iter().map(|(p, _)| p.as_str()))
                {
                    error = error.with_help(help);
                }
                self.report(error);
                unknown_argument = true;
                continue;
            };
            let (Some(slot), Some((_, param_ty))) = (given.get_mut(position), params.get(position))
            else {
                continue;
            };
            if slot.replace(node).is_some() {
                let error = self.error(
                    codes::DUPLICATE,
                    format!("the argument `{}` is given twice", arg.name.node),
                    arg.name.span,
                );
                self.report(error);
                continue;
            }
            let expected = Ty::from(param_ty);
            if !fits(&ty, &expected) {
                let mut error = self.error(
                    codes::TYPE_MISMATCH,
                    format!(
                        "the argument `{}` of `{}` must be `{expected}`, found `{ty}`",
                        arg.name.node, name.node
                    ),
                    arg.value.span,
                );
                if ty.nullable && !expected.nullable && expected.unify(&ty).is_some() {
                    error = error.with_help("the value may be null: give a default with `??`");
                }
                self.report(error);
            }
        }
        // A misspelt argument is reported once, not again as a missing one.
        for ((param, ty), value) in params.iter().zip(&given) {
            if value.is_none() && !unknown_argument && !matches!(ty, Type::Optional(_)) {
                let error = self.error(
                    codes::BAD_ARGUMENTS,
                    format!("`{}` needs the argument `{param}: {ty}`", name.node),
                    name.span,
                );
                self.report(error);
            }
        }
        StepKind::Action {
            action,
            args: given.into_boxed_slice(),
        }
    }
}

/// The statement under any `step` labels.
fn unlabelled(stmt: &Stmt) -> &Stmt {
    let mut stmt = stmt;
    while let StmtKind::Step { stmt: inner, .. } = &stmt.node {
        stmt = inner;
    }
    stmt
}

/// Whether a value of type `ty` may be passed where `expected` is declared: the same
/// type, and null only where the declaration allows it.
fn fits(ty: &Ty, expected: &Ty) -> bool {
    if ty.is_any() {
        return true;
    }
    if matches!(ty.kind, TyKind::Record(_)) {
        return false;
    }
    expected.unify(ty).is_some() && (expected.nullable || !ty.nullable)
}

/// The span of the keyword that starts a statement.
fn keyword_span(span: Span, keyword: &str) -> Span {
    Span::new(
        span.start,
        span.start.saturating_add(keyword.len()).min(span.end),
    )
}
