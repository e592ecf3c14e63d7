//! What a columnar kernel reads: the checked batches, the instant of evaluation, the
//! contacts' event histories (grouped once, on first use) and the columns of the items
//! answered so far.

use std::sync::OnceLock;

use arrow_array::StringArray;
use arrow_buffer::BooleanBuffer;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::read::{Contacts, Events};
use crate::program::{ItemId, Program};

/// The answers of one item for every contact of the batch.
#[derive(Debug, Clone)]
pub(super) enum Column {
    /// A segment's memberships.
    Bool(BooleanBuffer),
    /// A score's values (never null).
    Number(Vec<Option<Decimal>>),
    /// A decision's values, as their JSON texts (null when it has none).
    Json(StringArray),
}

/// The batches being evaluated, as of one instant.
pub(super) struct Env<'b> {
    pub contacts: &'b Contacts<'b>,
    pub events: &'b Events<'b>,
    /// `now`.
    pub now: DateTime<Utc>,
    /// The column of each item answered column-wise so far, by item index.
    pub columns: Vec<Option<Column>>,
    history: OnceLock<History>,
}

impl<'b> Env<'b> {
    /// The batches as of `now`, with no item answered yet.
    pub fn new(
        program: &'b Program,
        contacts: &'b Contacts<'b>,
        events: &'b Events<'b>,
        now: DateTime<Utc>,
    ) -> Env<'b> {
        Env {
            contacts,
            events,
            now,
            columns: vec![None; program.items.len()],
            history: OnceLock::new(),
        }
    }

    /// How many contacts the batch holds.
    pub fn rows(&self) -> usize {
        self.contacts.len()
    }

    /// The column of `item`, if it was answered column-wise.
    pub fn column(&self, item: ItemId) -> Option<&Column> {
        self.columns.get(item.index())?.as_ref()
    }

    /// Every contact's events, grouped.
    pub fn history(&self) -> &History {
        self.history
            .get_or_init(|| History::new(self.events, self.rows()))
    }
}

/// The events of the batch grouped by contact, each contact's in the order the row
/// interpreter keeps them: by instant, ties in batch order.
pub(super) struct History {
    /// Event rows, contact after contact.
    order: Vec<usize>,
    /// Where each contact's rows start in `order` (one more entry than contacts).
    starts: Vec<usize>,
    /// The instant of each event, by event row.
    pub at: Vec<DateTime<Utc>>,
}

impl History {
    fn new(events: &Events<'_>, contacts: usize) -> History {
        let at = events.instants();
        let mut starts = vec![0_usize; contacts.saturating_add(1)];
        for owner in &events.owners {
            if let Some(count) = starts.get_mut(owner.saturating_add(1)) {
                *count = count.saturating_add(1);
            }
        }
        for index in 1..starts.len() {
            let before = starts.get(index - 1).copied().unwrap_or(0);
            if let Some(start) = starts.get_mut(index) {
                *start = start.saturating_add(before);
            }
        }
        let mut next = starts.clone();
        let mut order = vec![0_usize; events.len()];
        for (row, owner) in events.owners.iter().enumerate() {
            if let Some(slot) = next.get_mut(*owner)
                && let Some(place) = order.get_mut(*slot)
            {
                *place = row;
                *slot = slot.saturating_add(1);
            }
        }
        for contact in 0..contacts {
            let (start, end) = (starts.get(contact), starts.get(contact + 1));
            if let (Some(start), Some(end)) = (start, end)
                && let Some(rows) = order.get_mut(*start..*end)
            {
                // Stable: ties keep their batch order, as a contact's events do.
                rows.sort_by_key(|row| at.get(*row).copied().unwrap_or_default());
            }
        }
        History { order, starts, at }
    }

    /// The event rows of the contact in `row`, in time order.
    pub fn of(&self, row: usize) -> &[usize] {
        let start = self.starts.get(row).copied().unwrap_or(0);
        let end = self.starts.get(row + 1).copied().unwrap_or(start);
        self.order.get(start..end).unwrap_or(&[])
    }
}

/// `work` for every row `0..rows`, in order: on rayon's pool with the `parallel`
/// feature, in this thread without it.
pub(super) fn each_row<T: Send>(rows: usize, work: impl Fn(usize) -> T + Send + Sync) -> Vec<T> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..rows).into_par_iter().map(work).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        (0..rows).map(work).collect()
    }
}
