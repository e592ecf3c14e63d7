//! Every expression and event query of an item, nested ones included, for the lints
//! that look at each wherever it stands.
//!
//! The syntax tree's depth is bounded by the parser's nesting limit, so the recursion
//! here is bounded too, and it keeps stack headroom at every level.

use crate::syntax::ast::{
    Arg, Block, ExperimentClauseKind, Expr, ExprKind, HeaderKind, ItemKind, MetricGrouping, Query,
    QueryWindow, ScoreRuleKind, SegmentBody, StmtKind, StringPart,
};

/// What a lint does at each expression and query it is shown.
pub(super) trait Visitor {
    /// An expression, before its parts; `false` leaves its parts unvisited.
    fn expr(&mut self, expr: &Expr) -> bool;
    /// An event query, before its filter and bounds.
    fn query(&mut self, query: &Query);
}

/// Shows `visitor` every expression and query of `item`, in source order.
pub(super) fn item(item: &ItemKind, visitor: &mut impl Visitor) {
    match item {
        ItemKind::Schema(_) | ItemKind::FrequencyCap(_) => {}
        ItemKind::Segment(segment) => match &segment.body {
            SegmentBody::Condition(condition) => expr(condition, visitor),
            SegmentBody::Ranked(ranking) => {
                expr(&ranking.by, visitor);
                if let Some(filter) = &ranking.filter {
                    expr(filter, visitor);
                }
            }
        },
        ItemKind::Score(score) => {
            for rule in &score.rules {
                match &rule.node {
                    ScoreRuleKind::Per {
                        query: q, points, ..
                    } => {
                        query(q, visitor);
                        expr(points, visitor);
                    }
                    ScoreRuleKind::When { condition, points } => {
                        expr(condition, visitor);
                        expr(points, visitor);
                    }
                    ScoreRuleKind::Decay(_) | ScoreRuleKind::Clamp { .. } => {}
                }
            }
        }
        ItemKind::Decision(decision) => {
            for arm in &decision.arms {
                expr(&arm.condition, visitor);
                expr(&arm.value, visitor);
            }
            if let Some(otherwise) = &decision.otherwise {
                expr(otherwise, visitor);
            }
        }
        ItemKind::Reward(reward) => {
            for arm in &reward.arms {
                expr(&arm.condition, visitor);
                expr(&arm.value, visitor);
            }
            if let Some(otherwise) = &reward.otherwise {
                expr(otherwise, visitor);
            }
        }
        ItemKind::Workflow(workflow) => {
            for header in &workflow.header {
                match &header.node {
                    HeaderKind::EnterOn {
                        filter: Some(condition),
                        ..
                    }
                    | HeaderKind::EnterWhen(condition)
                    | HeaderKind::Exit(condition)
                    | HeaderKind::Goal(condition) => expr(condition, visitor),
                    HeaderKind::EnterOn { filter: None, .. }
                    | HeaderKind::Reenter(_)
                    | HeaderKind::Window(_) => {}
                }
            }
            block(&workflow.body, visitor);
        }
        ItemKind::Experiment(experiment) => {
            for clause in &experiment.clauses {
                if let ExperimentClauseKind::Exposed(condition)
                | ExperimentClauseKind::Converted(condition) = &clause.node
                {
                    expr(condition, visitor);
                }
            }
        }
        ItemKind::Metric(metric) => {
            if let Some(MetricGrouping::Expr(key)) = &metric.by {
                expr(key, visitor);
            }
            expr(&metric.body, visitor);
        }
    }
}

fn block(block: &Block, visitor: &mut impl Visitor) {
    crate::stack::with_headroom(|| {
        for stmt in block {
            let mut stmt = stmt;
            while let StmtKind::Step { stmt: inner, .. } = &stmt.node {
                stmt = inner;
            }
            match &stmt.node {
                StmtKind::Action { args, .. } => {
                    for arg in args {
                        expr(&arg.value, visitor);
                    }
                }
                StmtKind::WaitUntil { condition, .. } => expr(condition, visitor),
                StmtKind::If {
                    branches,
                    otherwise,
                } => {
                    for branch in branches {
                        expr(&branch.condition, visitor);
                        self::block(&branch.body, visitor);
                    }
                    if let Some(otherwise) = otherwise {
                        self::block(otherwise, visitor);
                    }
                }
                StmtKind::Split(arms) => {
                    for arm in arms {
                        self::block(&arm.body, visitor);
                    }
                }
                StmtKind::Wait(_) | StmtKind::Stop | StmtKind::Step { .. } => {}
            }
        }
    });
}

fn query(query: &Query, visitor: &mut impl Visitor) {
    visitor.query(query);
    if let Some(filter) = &query.filter {
        expr(filter, visitor);
    }
    match query.window.as_ref().map(|window| &window.node) {
        Some(QueryWindow::Since(bound)) => expr(bound, visitor),
        Some(QueryWindow::Between(from, until)) => {
            expr(from, visitor);
            expr(until, visitor);
        }
        Some(QueryWindow::Within(_)) | None => {}
    }
}

/// Shows `visitor` `expr` and, unless it declines, the expressions and queries in it.
pub(super) fn expr(expr: &Expr, visitor: &mut impl Visitor) {
    crate::stack::with_headroom(|| {
        if !visitor.expr(expr) {
            return;
        }
        match &expr.node {
            ExprKind::Call { args, .. } => {
                for arg in args {
                    match arg {
                        Arg::Expr(e) => self::expr(e, visitor),
                        Arg::Named(named) => self::expr(&named.value, visitor),
                        Arg::Query(q) => query(q, visitor),
                    }
                }
            }
            ExprKind::List(elements) | ExprKind::Or(elements) | ExprKind::And(elements) => {
                for e in elements {
                    self::expr(e, visitor);
                }
            }
            ExprKind::String(parts) => {
                for part in parts {
                    if let StringPart::Interpolation(e) = part {
                        self::expr(e, visitor);
                    }
                }
            }
            ExprKind::Field { target, .. } => self::expr(target, visitor),
            ExprKind::Unary { operand, .. } | ExprKind::IsNull { operand, .. } => {
                self::expr(operand, visitor)
            }
            ExprKind::Matches { subject, .. } => self::expr(subject, visitor),
            ExprKind::Binary { lhs, rhs, .. } => {
                self::expr(lhs, visitor);
                self::expr(rhs, visitor);
            }
            ExprKind::Number { .. }
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Duration(_)
            | ExprKind::Date(_)
            | ExprKind::DateTime(_)
            | ExprKind::Name(_)
            | ExprKind::ContactAttribute(_)
            | ExprKind::Now
            | ExprKind::Today => {}
        }
    });
}
