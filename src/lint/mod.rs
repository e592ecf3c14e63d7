//! Lints: warnings about rules that compile but cannot do what they seem to.
//!
//! This stage reads the syntax trees of a compile that checked without errors, and the
//! references between the checked items, and gives warnings (`W0004`…, see the
//! language reference, "Lints"); it changes nothing and the program is built the same
//! with or without them. Each lint but `W0008` looks at one item at a time with
//! bounded work ([`intervals`] caps what a condition may hold), and walks nested
//! expressions and workflow blocks with a stack guard; `W0008` follows the checked
//! items' references once.
//!
//! - `W0004`: a decision's or reward's arm that no value can reach, because an
//!   earlier arm always holds (`when true`, or `W0010`) or the earlier arms'
//!   comparisons of the same value cover its own; an `else` after an arm that always
//!   holds.
//! - `W0005`: a condition, wherever it stands, that is never true: comparisons of one
//!   value with number literals whose sets do not meet (`x > 5 and x < 3`).
//! - `W0006`: a score's `per` rule whose `max` is below its per-event points.
//! - `W0007`: a workflow statement that is never run ([`workflow`]).
//! - `W0008`: a helper (a name starting with `_`) that nothing uses ([`helpers`]).
//! - `W0009`: a query window that selects no event ([`windows`]).
//! - `W0010`: a condition that is always true: comparisons of a contact attribute
//!   that is never null which every number satisfies (`x > 5 or x <= 5`), read where
//!   bare names are attributes (segments, score `when` rules, decision arms, workflow
//!   conditions but `enter on … where`).

mod helpers;
mod intervals;
mod walk;
mod windows;
mod workflow;

pub(crate) use helpers::unused_helpers;

use crate::diagnostic::{Diagnostic, SourceFile, Span, codes};
use crate::model::Schema;
use crate::syntax::ast::{
    Arm, Expr, ExprKind, ItemKind, Module, Query, ScoreRuleKind, SegmentBody,
};

/// The lints of `modules`, each module with the file it was read from, checked
/// against `schema`, in source order.
pub(crate) fn lint(modules: &[(&SourceFile, &Module)], schema: &Schema) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (file, module) in modules {
        let mut lints = Lints {
            file,
            schema,
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
    /// The program's schema: which attributes are never null.
    schema: &'a Schema,
    out: &'a mut Vec<Diagnostic>,
}

impl Lints<'_> {
    fn item(&mut self, item: &ItemKind) {
        walk::item(item, self);
        match item {
            ItemKind::Segment(segment) => {
                if let SegmentBody::Condition(condition) = &segment.body {
                    self.always_true(condition);
                }
            }
            ItemKind::Decision(decision) => {
                for arm in &decision.arms {
                    self.always_true(&arm.condition);
                }
                // `decide all` collects every arm that holds.
                if !decision.collect {
                    self.first_match(&decision.arms, decision.otherwise.as_ref(), true);
                }
            }
            // A reward's bare names are the trigger's props first, which may be null.
            ItemKind::Reward(reward) => {
                self.first_match(&reward.arms, reward.otherwise.as_ref(), false);
            }
            ItemKind::Score(score) => {
                for rule in &score.rules {
                    if let ScoreRuleKind::When { condition, .. } = &rule.node {
                        self.always_true(condition);
                    }
                    if let ScoreRuleKind::Per {
                        points,
                        max: Some(max),
                        ..
                    } = &rule.node
                        && let ExprKind::Number {
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
                            .with_help(
                                "the first event already reaches the cap; raise `max` or lower the points",
                            ),
                        );
                    }
                }
            }
            ItemKind::Workflow(workflow) => self.workflow(workflow),
            _ => {}
        }
    }

    /// `W0004` on the arms of a first-match decision or reward that no value reaches,
    /// and on an `else` after an arm that always holds (`when true`, or, when bare
    /// names are attributes, `contact_scope`, one `W0010` reports).
    fn first_match(&mut self, arms: &[Arm], otherwise: Option<&Expr>, contact_scope: bool) {
        let mut unconditional = false;
        let mut why_unconditional = "`when true`";
        // The values of each compared expression that earlier arms already take.
        let mut taken: Vec<(String, intervals::Set)> = Vec::new();
        for arm in arms {
            let cover = intervals::cover(&arm.condition);
            if let Some((_, set)) = &cover
                && set.is_empty()
            {
                // `W0005` already says so.
                continue;
            }
            let covered = match &cover {
                Some((subject, set)) => taken
                    .iter()
                    .any(|(earlier, so_far)| earlier == subject && set.within(so_far)),
                None => false,
            };
            if unconditional || covered {
                let why = if unconditional {
                    format!("an earlier arm is {why_unconditional}")
                } else {
                    format!(
                        "earlier arms take every value of `{}` it would",
                        cover.as_ref().map_or("", |(subject, _)| subject.as_str())
                    )
                };
                self.never_taken(
                    format!("this arm is never taken: {why}"),
                    arm.condition.span,
                );
            }
            let always = match &cover {
                Some((subject, set)) => contact_scope && self.never_null(subject) && set.is_full(),
                None => matches!(arm.condition.node, ExprKind::Bool(true)),
            };
            if always && !unconditional {
                unconditional = true;
                why_unconditional = if matches!(arm.condition.node, ExprKind::Bool(true)) {
                    "`when true`"
                } else {
                    "always true"
                };
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
        if unconditional && let Some(otherwise) = otherwise {
            self.never_taken(
                format!("the `else` is never taken: an earlier arm is {why_unconditional}"),
                otherwise.span,
            );
        }
    }

    /// `W0010` on a condition, in contact scope, that every value of a never-null
    /// attribute satisfies.
    fn always_true(&mut self, condition: &Expr) {
        if let Some((subject, set)) = intervals::cover(condition)
            && set.is_full()
            && self.never_null(&subject)
        {
            self.out.push(
                Diagnostic::warning(
                    codes::ALWAYS_TRUE,
                    format!("this condition is always true: every value of `{subject}` satisfies it"),
                    self.file,
                    condition.span,
                )
                .with_help(format!(
                    "`{subject}` is never null, so this holds for every contact; check the bounds (`or` needs only one comparison to hold)"
                )),
            );
        }
    }

    /// True when `subject` (canonical text) names a contact attribute that is never
    /// null: `contact.NAME`, or a bare `NAME` where bare names are attributes.
    fn never_null(&self, subject: &str) -> bool {
        let name = subject.strip_prefix("contact.").unwrap_or(subject);
        self.schema
            .attribute(name)
            .and_then(|id| self.schema.attribute_type(id))
            .is_some_and(|ty| !ty.is_optional())
    }

    fn never_taken(&mut self, message: String, span: Span) {
        self.out.push(
            Diagnostic::warning(codes::UNREACHABLE_ARM, message, self.file, span)
                .with_help("the first arm that holds is taken; move this arm up or remove it"),
        );
    }
}

/// `W0005` on the conditions, wherever they stand, that are never true (the outermost
/// one only: the parts of a condition reported are not read again), and `W0009` on
/// query windows that select no event.
impl walk::Visitor for Lints<'_> {
    fn expr(&mut self, expr: &Expr) -> bool {
        if !matches!(
            expr.node,
            ExprKind::And(_) | ExprKind::Or(_) | ExprKind::Binary { .. }
        ) {
            return true;
        }
        let Some((subject, set)) = intervals::cover(expr) else {
            return true;
        };
        if !set.is_empty() {
            return true;
        }
        self.out.push(
            Diagnostic::warning(
                codes::NEVER_TRUE,
                format!("this condition is never true: no value of `{subject}` satisfies it"),
                self.file,
                expr.span,
            )
            .with_help("check the bounds; `and` needs every comparison to hold at once"),
        );
        false
    }

    fn query(&mut self, query: &Query) {
        if let Some(window) = &query.window
            && let Some((message, help)) = windows::selects_nothing(&window.node)
        {
            self.out.push(
                Diagnostic::warning(codes::EMPTY_WINDOW, message, self.file, window.span)
                    .with_help(help),
            );
        }
    }
}
