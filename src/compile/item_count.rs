//! The item limit (§10): segments, scores, decisions, rewards, workflows, experiments,
//! frequency caps and metrics counted together across every source, before any of them
//! is checked.

use crate::diagnostic::{Diagnostic, SourceFile, codes};
use crate::syntax::ast::{ItemKind, Module, Name};

/// The error for the first item past `limit`, if the modules hold more than `limit`
/// items (schema blocks do not count).
pub(super) fn too_many_items(
    modules: &[(&SourceFile, Module)],
    limit: usize,
) -> Option<Diagnostic> {
    let (file, name) = modules
        .iter()
        .flat_map(|(file, module)| {
            module
                .items
                .iter()
                .filter_map(|item| Some((*file, item_name(&item.node)?)))
        })
        .nth(limit)?;
    Some(
        Diagnostic::error(
            codes::TOO_MANY_ITEMS,
            format!("more than {limit} items"),
            file,
            name.span,
        )
        .with_help(
            "segments, scores, decisions, rewards, workflows, experiments, caps and metrics count together across every source; \
             merge rules into fewer items, or raise `Limits::max_items`",
        ),
    )
}

/// The name of an item; `None` for a schema block, which is no item.
fn item_name(item: &ItemKind) -> Option<&Name> {
    match item {
        ItemKind::Schema(_) => None,
        ItemKind::Segment(segment) => Some(&segment.name),
        ItemKind::Score(score) => Some(&score.name),
        ItemKind::Decision(decision) => Some(&decision.name),
        ItemKind::Reward(reward) => Some(&reward.name),
        ItemKind::Workflow(workflow) => Some(&workflow.name),
        ItemKind::Experiment(experiment) => Some(&experiment.name),
        ItemKind::FrequencyCap(cap) => Some(&cap.name),
        ItemKind::Metric(metric) => Some(&metric.name),
    }
}
