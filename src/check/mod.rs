//! Checking: names resolved, types checked (§4.4), item references ordered, the
//! program's nodes written, and frequency caps resolved.
//!
//! The checker reads syntax trees and the schema and writes the flat program of
//! [`crate::program`]. It reports every independent error it finds: a mistake makes
//! its expression's type unknown, which every later check accepts silently, so one
//! mistake is reported once.

mod calls;
mod caps;
mod experiment;
mod expr;
mod items;
mod metric;
mod references;
mod reward;
mod schema;
mod specialise;
mod splits;
mod types;
mod workflow;

use chrono::TimeDelta;
use indexmap::IndexMap;

use crate::diagnostic::{Diagnostic, SourceFile, Span};
use crate::model::{KindId, Schema};
use crate::program::{FrequencyCap, Item, ItemId, ItemKind, ItemSource, Node, NodeId, Nodes};
use crate::syntax::ast::Module;
pub(crate) use types::{Ty, TyKind};

/// Limits the checker enforces (§10).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckLimits {
    /// Largest compiled size of one regular expression, in bytes.
    pub max_regex_bytes: usize,
    /// Most distinct time-travel instants reachable from one item.
    pub max_instants: usize,
}

/// What checking produces: the schema, the node arena and the items, by id.
#[derive(Debug)]
pub(crate) struct Checked {
    pub schema: Schema,
    pub nodes: Nodes,
    pub items: Vec<Item>,
    /// Where each item was written, parallel to `items`.
    pub item_sources: Vec<ItemSource>,
    /// The frequency caps, in declaration order.
    pub caps: Vec<FrequencyCap>,
}

/// Checks every module against the schema they declare (merged with `base`).
pub(crate) fn check(
    base: Option<&Schema>,
    modules: &[(&SourceFile, &Module)],
    limits: CheckLimits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Checked {
    let schema = schema::build_schema(base, modules, diagnostics);
    let declared = items::declare(modules, diagnostics);
    let graph = references::graph(&declared);
    let order = references::order(&graph, &declared, diagnostics);
    let splits = splits::SplitIndex::of(&declared);
    let mut checker = Checker {
        schema: &schema,
        limits,
        declared: &declared,
        splits: &splits,
        types: vec![None; declared.len()],
        nodes: Nodes::default(),
        diagnostics,
        file: None,
        file_index: 0,
        dependencies: Vec::new(),
        per_contact: PerContact::Rule,
        grouped_queries: false,
    };
    let mut items: Vec<Option<(Item, ItemSource)>> = vec![None; declared.len()];
    for id in &order.ids {
        if let Some((_, entry)) = declared.get_index(id.index()) {
            let item = checker.check_item(entry);
            if let Some(slot) = checker.types.get_mut(id.index()) {
                *slot = Some(item.ty_for_references.clone());
            }
            if let Some(slot) = items.get_mut(id.index()) {
                *slot = Some((item.item, item.source));
            }
        }
    }
    let nodes = checker.nodes;
    let (mut items, item_sources): (Vec<Item>, Vec<ItemSource>) =
        items.into_iter().flatten().unzip();
    items::propagate_batch_only(&mut items, &order.ids);
    items::report_batch_only_references(&items, &declared, diagnostics);
    items::check_instants(
        &items,
        &order.ids,
        &declared,
        limits.max_instants,
        diagnostics,
    );
    let caps = caps::check_caps(&schema, modules, &declared, diagnostics);
    Checked {
        schema,
        nodes,
        items,
        item_sources,
        caps,
    }
}

/// An item found in the sources, before checking.
#[derive(Debug)]
pub(crate) struct Declared<'m> {
    pub name: String,
    pub kind: ItemKind,
    pub file: &'m SourceFile,
    /// The index of its file among the modules checked.
    pub file_index: u32,
    /// The whole item.
    pub span: Span,
    pub name_span: Span,
    pub ast: items::ItemAst<'m>,
}

/// Declared items by name, in declaration order (the index is the [`ItemId`]).
pub(crate) type DeclaredItems<'m> = IndexMap<String, Declared<'m>>;

/// Where names resolve while checking one expression.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Scope<'k> {
    /// The kinds of the event in scope (inside `where`, per-event points, …).
    pub event: Option<&'k [KindId]>,
    /// Inside a workflow, where `entered_at` names the run's entry instant.
    pub workflow: bool,
}

/// The state of checking one program.
pub(crate) struct Checker<'a, 'm> {
    schema: &'a Schema,
    limits: CheckLimits,
    declared: &'a DeclaredItems<'m>,
    /// Every workflow's statements by id, for experiments and `arm(…)`.
    splits: &'a splits::SplitIndex,
    /// The type of each item checked so far, by id, for references to it.
    types: Vec<Option<Ty>>,
    nodes: Nodes,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// The file of the item being checked.
    file: Option<&'m SourceFile>,
    /// Its index among the modules checked (where node locations point).
    file_index: u32,
    /// The items the item being checked references, with their offsets.
    dependencies: Vec<(ItemId, TimeDelta)>,
    /// What the per-contact expressions being checked belong to (for help texts).
    per_contact: PerContact,
    /// Queries are being compiled in a metric grouped by an event prop
    /// ([`crate::program::Query::grouped`]).
    grouped_queries: bool,
}

/// What a per-contact expression belongs to: a rule evaluated for one contact, or a
/// part of a metric evaluated for each contact of its population.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PerContact {
    /// A segment, score, decision, reward or workflow.
    Rule,
    /// A metric's `by EXPR`.
    MetricKey,
    /// The argument of a population aggregate.
    MetricAggregate,
}

impl Checker<'_, '_> {
    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node)
    }

    /// A diagnostic in the current file.
    fn error(&self, code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        let fallback = SourceFile::new("", "");
        let file = self.file.unwrap_or(&fallback);
        Diagnostic::error(code, message, file, span)
    }

    fn warning(&self, code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        let fallback = SourceFile::new("", "");
        let file = self.file.unwrap_or(&fallback);
        Diagnostic::warning(code, message, file, span)
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reports `diagnostic` and stands in a null of unknown type for the expression.
    fn fail(&mut self, diagnostic: Diagnostic) -> (NodeId, Ty) {
        self.report(diagnostic);
        (self.push(Node::Literal(crate::model::Value::Null)), Ty::ANY)
    }
}

#[cfg(test)]
mod tests;
