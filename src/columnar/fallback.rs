//! The row interpreter, per contact, for the items (and ranking keys) that have no
//! columnar form: each contact is probed with the rankings resolved so far
//! remembered, one workspace per thread kept from contact to contact, and only the
//! items asked for (and what they reference) are computed.

use arrow_buffer::BooleanBuffer;
use chrono::TimeDelta;
use rust_decimal::Decimal;

use crate::eval::probe::{Probe, Scope, probe_in};
use crate::eval::{Context, Workspace};
use crate::model::{Contact, Value};
use crate::program::{ItemId, Program, Ranking};

/// The ranked segments resolved so far: each one's members, by row.
pub(super) type Resolved = Vec<(ItemId, BooleanBuffer)>;

/// `work` for every contact, probed with the rankings of `resolved` remembered; in
/// batch order, on rayon's pool with the `parallel` feature.
pub(super) fn for_each<T: Send>(
    program: &Program,
    contacts: &[Contact],
    context: &Context,
    resolved: &Resolved,
    work: impl Fn(&mut Probe<'_>) -> T + Send + Sync,
) -> Vec<T> {
    let one = |workspace: &mut Workspace, row: usize, contact: &Contact| {
        probe_in(workspace, program, contact, context, |probe| {
            for (item, members) in resolved {
                let member = row < members.len() && members.value(row);
                probe.remember(*item, TimeDelta::zero(), Value::Bool(member));
            }
            work(probe)
        })
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        contacts
            .par_iter()
            .enumerate()
            .map_init(Workspace::new, |workspace, (row, contact)| {
                one(workspace, row, contact)
            })
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        let mut workspace = Workspace::new();
        contacts
            .iter()
            .enumerate()
            .map(|(row, contact)| one(&mut workspace, row, contact))
            .collect()
    }
}

/// A contact's ranking key as the row interpreter computes it: `None` when it fails
/// the ranking's `where` or its key is null.
pub(super) fn ranking_key(probe: &mut Probe<'_>, ranking: &Ranking) -> Option<Decimal> {
    let scope = Scope::at(TimeDelta::zero());
    if let Some(filter) = ranking.filter
        && !probe.test(filter, scope)
    {
        return None;
    }
    probe.value(ranking.by, scope).as_number()
}

/// The values of `items` for a contact.
pub(super) fn item_values(probe: &mut Probe<'_>, items: &[ItemId]) -> Vec<Value> {
    items
        .iter()
        .map(|item| probe.item(*item, TimeDelta::zero()))
        .collect()
}
