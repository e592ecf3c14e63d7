//! Which contacts a ranked segment takes, given every contact's key: the selection
//! the row path ([`Program::evaluate_batch`](crate::Program::evaluate_batch)) and the
//! columnar path share. Keys rank descending, ties go to the smaller contact id (then
//! the earlier position), a contact without a key never ranks; `top N` takes the first
//! N, `top P%` the first `ceil(P × n)` of the n that have a key.

use std::cmp::Ordering;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::program::Take;

/// Calls `put` with the position of every contact `take` takes among `ranked`, the
/// key and position of each contact that has a key; `id` gives a position's contact
/// id, read only to break ties.
///
/// Only which contacts come first matters, not their order among themselves: the key
/// of the last one taken is found in linear time, every contact above it is taken,
/// and only the contacts tied with it are ordered by id (keys tie often).
pub(crate) fn take_top<K: Ord + Copy, I: Ord>(
    take: Take,
    mut ranked: Vec<(K, usize)>,
    id: impl Fn(usize) -> I,
    mut put: impl FnMut(usize),
) {
    let taken = match take {
        Take::Count(n) => usize::try_from(n).unwrap_or(usize::MAX),
        Take::Fraction(fraction) => fraction
            .checked_mul(Decimal::from(ranked.len()))
            .and_then(|share| share.ceil().to_usize())
            .unwrap_or(ranked.len()),
    };
    if taken >= ranked.len() {
        ranked.iter().for_each(|(_, position)| put(*position));
        return;
    }
    let Some(last) = taken.checked_sub(1) else {
        return;
    };
    let (_, (threshold, _), _) = ranked.select_nth_unstable_by(last, |(a, _), (b, _)| b.cmp(a));
    let threshold = *threshold;
    let (mut above, mut tied) = (0_usize, Vec::new());
    for (key, position) in &ranked {
        match key.cmp(&threshold) {
            Ordering::Greater => {
                put(*position);
                above += 1;
            }
            Ordering::Equal => tied.push(*position),
            Ordering::Less => {}
        }
    }
    let wanted = taken.saturating_sub(above);
    if wanted < tied.len() {
        tied.select_nth_unstable_by(wanted, |a, b| id(*a).cmp(&id(*b)).then(a.cmp(b)));
        tied.truncate(wanted);
    }
    tied.into_iter().for_each(put);
}
