//! References between items: the graph read off the syntax, an order in which every
//! item comes after the items it references, and the cycles that forbid one.
//!
//! The order is found without recursion (Kahn's algorithm), so a chain of thousands
//! of references is no deeper on the stack than a single one.

use std::collections::VecDeque;

use super::DeclaredItems;
use super::items::ItemAst;
use crate::diagnostic::{Diagnostic, codes};
use crate::program::{ItemId, ItemKind};
use crate::syntax::ast::{
    Arg, Block, ExperimentClauseKind, Expr, ExprKind, HeaderKind, MetricGrouping, QueryWindow,
    ScoreRuleKind, SegmentBody, StmtKind, StringPart,
};

/// For each item (by id), the items it references.
pub(crate) fn graph(declared: &DeclaredItems<'_>) -> Vec<Vec<ItemId>> {
    declared
        .values()
        .map(|item| {
            let mut found = Vec::new();
            for expr in item_exprs(&item.ast) {
                collect(expr, declared, &mut found);
            }
            found.sort();
            found.dedup();
            found
        })
        .collect()
}

/// An evaluation order, and which items are on or behind a cycle.
pub(crate) struct Order {
    pub ids: Vec<ItemId>,
}

/// Orders the items so that references come first; reports every cycle once, naming
/// each item on it. Items on or behind a cycle come last, in declaration order.
pub(crate) fn order(
    graph: &[Vec<ItemId>],
    declared: &DeclaredItems<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Order {
    let count = graph.len();
    let mut waiting_on: Vec<usize> = graph.iter().map(Vec::len).collect();
    let mut dependents: Vec<Vec<ItemId>> = vec![Vec::new(); count];
    for (index, deps) in graph.iter().enumerate() {
        for dep in deps {
            if let Some(list) = dependents.get_mut(dep.index()) {
                list.push(ItemId::from_index(index));
            }
        }
    }
    let mut ready: VecDeque<ItemId> = (0..count)
        .filter(|i| waiting_on.get(*i) == Some(&0))
        .map(ItemId::from_index)
        .collect();
    let mut ids = Vec::with_capacity(count);
    let mut placed = vec![false; count];
    while let Some(id) = ready.pop_front() {
        ids.push(id);
        if let Some(flag) = placed.get_mut(id.index()) {
            *flag = true;
        }
        for dependent in dependents.get(id.index()).into_iter().flatten() {
            if let Some(n) = waiting_on.get_mut(dependent.index()) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    ready.push_back(*dependent);
                }
            }
        }
    }
    report_cycles(graph, &placed, declared, diagnostics);
    ids.extend(
        (0..count)
            .filter(|i| placed.get(*i) == Some(&false))
            .map(ItemId::from_index),
    );
    Order { ids }
}

/// Walks from each unplaced item along references to unplaced items until an item
/// repeats: the repeated stretch is a cycle.
fn report_cycles(
    graph: &[Vec<ItemId>],
    placed: &[bool],
    declared: &DeclaredItems<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let unplaced = |id: &ItemId| placed.get(id.index()) == Some(&false);
    let mut reported = vec![false; graph.len()];
    for start in (0..graph.len())
        .map(ItemId::from_index)
        .filter(|id| unplaced(id))
    {
        let mut path = vec![start];
        let mut seen_at = vec![usize::MAX; graph.len()];
        let mut current = start;
        loop {
            if let Some(slot) = seen_at.get_mut(current.index()) {
                *slot = path.len() - 1;
            }
            let Some(next) = graph
                .get(current.index())
                .and_then(|deps| deps.iter().find(|d| unplaced(d)))
            else {
                break;
            };
            let first_seen = seen_at.get(next.index()).copied().unwrap_or(usize::MAX);
            if first_seen != usize::MAX {
                let cycle = path.get(first_seen..).unwrap_or(&[]);
                if cycle
                    .iter()
                    .all(|id| reported.get(id.index()) == Some(&false))
                {
                    for id in cycle {
                        if let Some(flag) = reported.get_mut(id.index()) {
                            *flag = true;
                        }
                    }
                    diagnostics.push(cycle_error(cycle, declared));
                }
                break;
            }
            path.push(*next);
            current = *next;
        }
    }
}

fn cycle_error(cycle: &[ItemId], declared: &DeclaredItems<'_>) -> Diagnostic {
    let name = |id: &ItemId| {
        declared
            .get_index(id.index())
            .map_or("?", |(n, _)| n.as_str())
    };
    let mut chain: Vec<String> = cycle.iter().map(|id| format!("`{}`", name(id))).collect();
    if let Some(first) = cycle.first() {
        chain.push(format!("`{}`", name(first)));
    }
    let first = cycle
        .first()
        .and_then(|id| declared.get_index(id.index()))
        .map(|(_, d)| d);
    let message = format!(
        "items reference each other in a cycle: {}",
        chain.join(" → ")
    );
    match first {
        Some(item) => Diagnostic::error(codes::CYCLE, message, item.file, item.name_span),
        None => Diagnostic::error(
            codes::CYCLE,
            message,
            &crate::diagnostic::SourceFile::new("", ""),
            Default::default(),
        ),
    }
    .with_help("an item cannot depend, directly or through others, on itself")
}

/// Every expression of an item, at the top level.
fn item_exprs<'m>(ast: &ItemAst<'m>) -> Vec<&'m Expr> {
    match ast {
        ItemAst::Segment(segment) => match &segment.body {
            SegmentBody::Condition(condition) => vec![condition],
            SegmentBody::Ranked(ranking) => std::iter::once(&ranking.by)
                .chain(&ranking.filter)
                .collect(),
        },
        ItemAst::Score(score) => {
            let mut exprs = Vec::new();
            for rule in &score.rules {
                match &rule.node {
                    ScoreRuleKind::Per { query, points, .. } => {
                        exprs.extend(query.filter.as_deref());
                        exprs.extend(window_exprs(query.window.as_ref().map(|w| &w.node)));
                        exprs.push(points);
                    }
                    ScoreRuleKind::When { condition, points } => exprs.extend([condition, points]),
                    ScoreRuleKind::Decay(_) | ScoreRuleKind::Clamp { .. } => {}
                }
            }
            exprs
        }
        ItemAst::Decision(decision) => decision
            .arms
            .iter()
            .flat_map(|arm| [&arm.condition, &arm.value])
            .chain(&decision.otherwise)
            .collect(),
        ItemAst::Workflow(workflow) => {
            let mut exprs = Vec::new();
            for header in &workflow.header {
                match &header.node {
                    HeaderKind::EnterOn { filter, .. } => exprs.extend(filter),
                    HeaderKind::EnterWhen(condition)
                    | HeaderKind::Exit(condition)
                    | HeaderKind::Goal(condition) => exprs.push(condition),
                    HeaderKind::Reenter(_) | HeaderKind::Window(_) => {}
                }
            }
            block_exprs(&workflow.body, &mut exprs);
            exprs
        }
        ItemAst::Reward(reward) => reward
            .arms
            .iter()
            .flat_map(|arm| [&arm.condition, &arm.value])
            .chain(&reward.otherwise)
            .collect(),
        ItemAst::Experiment(experiment) => experiment
            .clauses
            .iter()
            .filter_map(|clause| match &clause.node {
                ExperimentClauseKind::Exposed(condition)
                | ExperimentClauseKind::Converted(condition) => Some(condition),
                _ => None,
            })
            .collect(),
        ItemAst::Metric(metric) => match &metric.by {
            Some(MetricGrouping::Expr(key)) => vec![key, &metric.body],
            _ => vec![&metric.body],
        },
    }
}

/// The expressions of a block of workflow statements and of the blocks inside it. The
/// parser bounds the nesting of blocks, so this recursion is bounded too.
fn block_exprs<'m>(block: &'m Block, exprs: &mut Vec<&'m Expr>) {
    crate::stack::with_headroom(|| {
        for stmt in block {
            let mut stmt = stmt;
            while let StmtKind::Step { stmt: inner, .. } = &stmt.node {
                stmt = inner;
            }
            match &stmt.node {
                StmtKind::Action { args, .. } => exprs.extend(args.iter().map(|a| &a.value)),
                StmtKind::WaitUntil { condition, .. } => exprs.push(condition),
                StmtKind::If {
                    branches,
                    otherwise,
                } => {
                    for branch in branches {
                        exprs.push(&branch.condition);
                        block_exprs(&branch.body, exprs);
                    }
                    if let Some(otherwise) = otherwise {
                        block_exprs(otherwise, exprs);
                    }
                }
                StmtKind::Split(arms) => {
                    for arm in arms {
                        block_exprs(&arm.body, exprs);
                    }
                }
                StmtKind::Wait(_) | StmtKind::Stop | StmtKind::Step { .. } => {}
            }
        }
    });
}

fn window_exprs(window: Option<&QueryWindow>) -> Vec<&Expr> {
    match window {
        Some(QueryWindow::Since(bound)) => vec![bound],
        Some(QueryWindow::Between(from, until)) => vec![from, until],
        _ => Vec::new(),
    }
}

/// The item an item-reference call names, if it is one.
pub(crate) fn referenced_kind(function: &str) -> Option<ItemKind> {
    [ItemKind::Segment, ItemKind::Score, ItemKind::Decision]
        .into_iter()
        .find(|kind| kind.name() == function)
}

/// Collects the items `expr` references. The syntax tree's depth is bounded by the
/// parser's nesting limit, so this recursion is too, and it keeps stack headroom.
fn collect(expr: &Expr, declared: &DeclaredItems<'_>, found: &mut Vec<ItemId>) {
    crate::stack::with_headroom(|| collect_unguarded(expr, declared, found));
}

fn collect_unguarded(expr: &Expr, declared: &DeclaredItems<'_>, found: &mut Vec<ItemId>) {
    match &expr.node {
        ExprKind::Call { function, args } => {
            if let (
                Some(kind),
                Some(Arg::Expr(Expr {
                    node: ExprKind::Name(name),
                    ..
                })),
            ) = (referenced_kind(&function.node), args.first())
                && let Some((index, _, item)) = declared.get_full(name)
                && item.kind == kind
            {
                found.push(ItemId::from_index(index));
            }
            for arg in args {
                match arg {
                    Arg::Expr(e) => collect(e, declared, found),
                    Arg::Named(named) => collect(&named.value, declared, found),
                    Arg::Query(query) => {
                        if let Some(filter) = &query.filter {
                            collect(filter, declared, found);
                        }
                        for bound in window_exprs(query.window.as_ref().map(|w| &w.node)) {
                            collect(bound, declared, found);
                        }
                    }
                }
            }
        }
        ExprKind::List(elements) | ExprKind::Or(elements) | ExprKind::And(elements) => {
            for e in elements {
                collect(e, declared, found);
            }
        }
        ExprKind::String(parts) => {
            for part in parts {
                if let StringPart::Interpolation(e) = part {
                    collect(e, declared, found);
                }
            }
        }
        ExprKind::Field { target, .. } => collect(target, declared, found),
        ExprKind::Unary { operand, .. } | ExprKind::IsNull { operand, .. } => {
            collect(operand, declared, found)
        }
        ExprKind::Matches { subject, .. } => collect(subject, declared, found),
        ExprKind::Binary { lhs, rhs, .. } => {
            collect(lhs, declared, found);
            collect(rhs, declared, found);
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
}
