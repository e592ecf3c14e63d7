//! The statements of every workflow, by id (§8.2), read off the syntax before any item
//! is checked: what `experiment … { split WORKFLOW "ID" }` and `arm(WORKFLOW, "ID")`
//! resolve against, whatever order the items are checked in.
//!
//! The ids and fingerprints are those [`super::workflow`] gives the compiled steps
//! (a unit test keeps the two in step); the bucket bounds of each split are those its
//! weights give, whether or not they add up (the workflow reports that). Recursion
//! follows the nesting of blocks, which the parser bounds.

use std::collections::HashMap;

use indexmap::IndexMap;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::DeclaredItems;
use super::items::ItemAst;
use crate::fnv::fnv1a_64;
use crate::program::ItemId;
use crate::syntax::ast::{Block, Stmt, StmtKind};
use crate::syntax::print_stmt;

/// Every workflow's statements, by workflow name.
#[derive(Debug, Default)]
pub(crate) struct SplitIndex {
    workflows: HashMap<String, Statements>,
}

/// One workflow's statements, by id, in the order they were found.
#[derive(Debug, Default)]
pub(crate) struct Statements {
    /// The workflow item.
    pub item: Option<ItemId>,
    pub by_id: IndexMap<String, Statement>,
}

/// A statement: what it is, and for a split, its arms.
#[derive(Debug)]
pub(crate) struct Statement {
    /// How messages name the statement's kind (`` `wait` ``, `an action call`).
    pub what: &'static str,
    pub split: Option<Split>,
}

/// A `split` statement.
#[derive(Debug)]
pub(crate) struct Split {
    /// Each arm's upper bucket bound (exclusive).
    pub bounds: Box<[u32]>,
    /// The statement's fingerprint (§8.2).
    pub fingerprint: u64,
}

impl SplitIndex {
    /// Reads the statements of every declared workflow.
    pub fn of(declared: &DeclaredItems<'_>) -> SplitIndex {
        let mut index = SplitIndex::default();
        for (position, (name, item)) in declared.iter().enumerate() {
            if let ItemAst::Workflow(workflow) = item.ast {
                let mut statements = Statements {
                    item: Some(ItemId::from_index(position)),
                    by_id: IndexMap::new(),
                };
                block(&workflow.body, "", &mut statements);
                index.workflows.insert(name.clone(), statements);
            }
        }
        index
    }

    /// The statements of the workflow `name`, if a workflow has that name.
    pub fn workflow(&self, name: &str) -> Option<&Statements> {
        self.workflows.get(name)
    }
}

impl Statements {
    /// The ids of the workflow's splits, in the order they were found.
    pub fn split_ids(&self) -> impl Iterator<Item = &str> {
        self.by_id
            .iter()
            .filter(|(_, statement)| statement.split.is_some())
            .map(|(id, _)| id.as_str())
    }
}

fn block(block: &Block, prefix: &str, statements: &mut Statements) {
    for (position, stmt) in block.iter().enumerate() {
        self::stmt(stmt, format!("{prefix}{}", position + 1), statements);
    }
}

fn stmt(stmt: &Stmt, path: String, statements: &mut Statements) {
    crate::stack::with_headroom(|| stmt_unguarded(stmt, path, statements));
}

fn stmt_unguarded(stmt: &Stmt, path: String, statements: &mut Statements) {
    let mut id = path;
    let mut stmt = stmt;
    while let StmtKind::Step { label, stmt: inner } = &stmt.node {
        id.clone_from(&label.node);
        stmt = inner;
    }
    let (what, split) = match &stmt.node {
        StmtKind::Action { .. } => ("an action call", None),
        StmtKind::Wait(_) => ("`wait`", None),
        StmtKind::WaitUntil { .. } => ("`wait until`", None),
        StmtKind::Stop | StmtKind::Step { .. } => ("`stop`", None),
        StmtKind::If {
            branches,
            otherwise,
        } => {
            for (k, branch) in branches.iter().enumerate() {
                let prefix = if k == 0 {
                    format!("{id}.then.")
                } else {
                    format!("{id}.else{k}.")
                };
                block(&branch.body, &prefix, statements);
            }
            if let Some(otherwise) = otherwise {
                block(otherwise, &format!("{id}.else."), statements);
            }
            ("`if`", None)
        }
        StmtKind::Split(arms) => {
            let mut bound: u32 = 0;
            let mut bounds = Vec::with_capacity(arms.len());
            for (k, arm) in arms.iter().enumerate() {
                let buckets = arm
                    .weight
                    .node
                    .checked_mul(Decimal::ONE_HUNDRED)
                    .filter(|b| b.fract().is_zero())
                    .and_then(|b| b.to_u32())
                    .unwrap_or(0);
                bound = bound.saturating_add(buckets);
                bounds.push(bound);
                block(&arm.body, &format!("{id}.arm{k}."), statements);
            }
            let split = Split {
                bounds: bounds.into_boxed_slice(),
                fingerprint: fnv1a_64(print_stmt(stmt).as_bytes()),
            };
            ("`split`", Some(split))
        }
    };
    // A label used twice is an error of the workflow's; the first use is kept.
    statements
        .by_id
        .entry(id)
        .or_insert(Statement { what, split });
}

#[cfg(test)]
mod tests {
    use crate::program::{ItemBody, StepKind};

    /// The index gives every statement the id and fingerprint the workflow's compiled
    /// steps have, and every split its bounds.
    #[test]
    fn ids_and_fingerprints_match_the_compiled_workflow() {
        let rules = r#"
            schema { contact { n: number } action tag(t: string) }
            workflow w {
              enter when n > 1
              tag(t: "a")
              step pause: wait 1d
              if n > 2 { split { 30% => { tag(t: "b") } 70% => { stop } } }
              else if n > 3 { wait until n > 4 }
              else { step offer: split { 50% => { } 25% => { tag(t: "c") wait 1h } 25% => { } } }
              split { 100% => { if n > 5 { tag(t: "d") } } }
            }
        "#;
        let program = crate::compile(rules).unwrap();
        let ItemBody::Workflow(workflow) = &program.items[0].body else {
            panic!("not a workflow");
        };
        let module = crate::syntax::parse(rules).unwrap();
        let file = crate::diagnostic::SourceFile::new("rules.funil", rules);
        let modules = [(&file, &module)];
        let declared = super::super::items::declare(&modules, &mut Vec::new());
        let index = super::SplitIndex::of(&declared);
        let statements = index.workflow("w").unwrap();
        let mut ids: Vec<&str> = statements.by_id.keys().map(String::as_str).collect();
        let mut compiled: Vec<&str> = workflow.steps.keys().map(String::as_str).collect();
        ids.sort_unstable();
        compiled.sort_unstable();
        assert_eq!(ids, compiled);
        assert_eq!(
            statements.split_ids().collect::<Vec<_>>(),
            ["3.then.1", "offer", "4"]
        );
        for (id, step) in &workflow.steps {
            let statement = &statements.by_id[id];
            match (&step.kind, &statement.split) {
                (StepKind::Split { arms }, Some(split)) => {
                    assert_eq!(split.fingerprint, step.fingerprint, "{id}");
                    let bounds: Vec<u32> = arms.iter().map(|(bound, _)| *bound).collect();
                    assert_eq!(&*split.bounds, &bounds[..], "{id}");
                }
                (StepKind::Split { .. }, None) | (_, Some(_)) => panic!("{id}"),
                _ => {}
            }
        }
        assert_eq!(statements.by_id["pause"].what, "`wait`");
        assert!(index.workflow("nope").is_none());
    }
}
