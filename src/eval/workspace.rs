//! [`Workspace`]: the memory an evaluation works in, kept by the caller between
//! evaluations so that evaluating a prepared contact allocates nothing.
//!
//! It holds the memo of item values, the stack of items waiting for their
//! dependencies, and the buffers in which new strings and lists are assembled (so that
//! each costs one allocation, its own). The memo is a table per time-travel offset, indexed by item; each
//! entry is stamped with the evaluation that wrote it, so starting a new evaluation
//! clears it by moving to the next stamp instead of touching every entry.

use chrono::TimeDelta;

use crate::model::Value;
use crate::program::ItemId;

/// Scratch memory for evaluations, reused from one call to the next.
///
/// A [`Program`](crate::Program) is immutable and shared; a `Workspace` belongs to
/// one caller (one per thread), like `regex`'s `Cache`. Pass the same workspace to
/// every [`Program::evaluate_into`](crate::Program::evaluate_into): once it has grown
/// to the size the program needs, evaluating allocates nothing. One workspace may
/// serve several programs; it keeps memory in proportion to the largest.
///
/// ```
/// use funil::{Context, Evaluation, Workspace};
///
/// let program = funil::compile(r#"
///     schema { contact { country: string? } }
///     segment lusophone { country in ["BR", "PT"] }
/// "#)?;
/// let context = Context::new("2026-11-22T12:00:00Z".parse()?);
/// let mut workspace = Workspace::new();
/// let mut evaluation = Evaluation::new();
/// for country in ["BR", "US", "PT"] {
///     let contact = program.contact("c-1").attribute("country", country).build()?;
///     program.evaluate_into(&contact, &context, &mut workspace, &mut evaluation)?;
///     assert_eq!(evaluation.segments().len(), usize::from(country != "US"));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    pub(super) memo: Memo,
    /// Items waiting for their dependencies: (item, offset, dependencies pushed).
    pub(super) pending: Vec<(ItemId, TimeDelta, bool)>,
    /// Where an interpolated string is written before it becomes a value.
    pub(super) text: String,
    /// Where the values of a `decide all` are gathered before they become a list.
    pub(super) values: Vec<Value>,
}

impl Workspace {
    /// An empty workspace; it grows on first use.
    pub fn new() -> Workspace {
        Workspace::default()
    }
}

/// Item values of the current evaluation, per time-travel offset.
#[derive(Debug, Clone, Default)]
pub(super) struct Memo {
    /// The stamp of the current evaluation; entries with another stamp are stale.
    stamp: u32,
    /// One table per offset met so far, the offset zero first once used.
    tables: Vec<(TimeDelta, Vec<(u32, Value)>)>,
    /// The number of items of the program evaluated: the size a table grows to at
    /// once, so that it grows once.
    items: usize,
}

impl Memo {
    /// Forgets every value: the next evaluation, of a program of `items` items, starts.
    pub fn start(&mut self, items: usize) {
        self.items = items;
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            // After 2^32 evaluations, stale stamps could come back: clear for real.
            for (_, table) in &mut self.tables {
                table.clear();
            }
            self.stamp = 1;
        }
    }

    /// The value of `item` at `offset`, if this evaluation computed it.
    pub fn get(&self, item: ItemId, offset: TimeDelta) -> Option<&Value> {
        let (_, table) = self.tables.iter().find(|(at, _)| *at == offset)?;
        match table.get(item.index()) {
            Some((stamp, value)) if *stamp == self.stamp => Some(value),
            _ => None,
        }
    }

    /// Remembers the value of `item` at `offset` for the rest of this evaluation.
    pub fn insert(&mut self, item: ItemId, offset: TimeDelta, value: Value) {
        let position = match self.tables.iter().position(|(at, _)| *at == offset) {
            Some(position) => position,
            None => {
                self.tables.push((offset, Vec::new()));
                self.tables.len() - 1
            }
        };
        let Some((_, table)) = self.tables.get_mut(position) else {
            return;
        };
        let index = item.index();
        if table.len() <= index {
            table.resize(
                index.max(self.items.saturating_sub(1)) + 1,
                (0, Value::Null),
            );
        }
        if let Some(entry) = table.get_mut(index) {
            *entry = (self.stamp, value);
        }
    }
}
