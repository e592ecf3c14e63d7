//! Ranked segments resolved over the batch from every contact's key, as
//! [`Program::evaluate_batch`](crate::Program::evaluate_batch) resolves them: keys
//! descending, ties to the smaller contact id (then the earlier row), a null key never
//! ranks; `top N` takes the first N, `top P%` the first `ceil(P × n)` of the n that
//! rank.

use std::cmp::Ordering;

use arrow_array::{Array, StringArray};
use arrow_buffer::{BooleanBuffer, MutableBuffer, bit_util};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::program::Take;

/// The members of a ranking taking `take`, by row, given every row's key.
pub(super) fn members(take: Take, keys: Vec<Option<Decimal>>, ids: &StringArray) -> BooleanBuffer {
    // Ordered as integers at one scale when they all fit: the same order, cheaper,
    // and narrower still when they fit 64 bits (most scores).
    let scale = keys.iter().flatten().map(Decimal::scale).max().unwrap_or(0);
    let at_scale = |key: &Decimal| {
        10_i128
            .checked_pow(scale.saturating_sub(key.scale()))
            .and_then(|power| key.mantissa().checked_mul(power))
    };
    let rows = keys.len();
    if let Some(ranked) = ranked_by(&keys, |key| at_scale(key)?.try_into().ok()) {
        return members_by::<i64>(take, ranked, rows, ids);
    }
    if let Some(ranked) = ranked_by(&keys, at_scale) {
        return members_by::<i128>(take, ranked, rows, ids);
    }
    let ranked = keys
        .into_iter()
        .enumerate()
        .filter_map(|(row, key)| Some((key?, row)))
        .collect();
    members_by(take, ranked, rows, ids)
}

/// The rows that have a key, each with its key as `convert` writes it, if it writes
/// every one.
fn ranked_by<K>(
    keys: &[Option<Decimal>],
    convert: impl Fn(&Decimal) -> Option<K>,
) -> Option<Vec<(K, usize)>> {
    let mut ranked = Vec::with_capacity(keys.len());
    for (row, key) in keys.iter().enumerate() {
        if let Some(key) = key {
            ranked.push((convert(key)?, row));
        }
    }
    Some(ranked)
}

fn members_by<K: Ord + Copy>(
    take: Take,
    mut ranked: Vec<(K, usize)>,
    rows: usize,
    ids: &StringArray,
) -> BooleanBuffer {
    let taken = match take {
        Take::Count(n) => usize::try_from(n).unwrap_or(usize::MAX),
        Take::Fraction(fraction) => fraction
            .checked_mul(Decimal::from(ranked.len()))
            .and_then(|share| share.ceil().to_usize())
            .unwrap_or(ranked.len()),
    };
    let mut members = MutableBuffer::from_len_zeroed(rows.div_ceil(8));
    let mut put = |row: usize| {
        if row < rows {
            bit_util::set_bit(members.as_slice_mut(), row);
        }
    };
    if taken >= ranked.len() {
        ranked.iter().for_each(|(_, row)| put(*row));
    } else if let Some(last) = taken.checked_sub(1) {
        let (_, (threshold, _), _) = ranked.select_nth_unstable_by(last, |(a, _), (b, _)| b.cmp(a));
        let threshold = *threshold;
        let (mut above, mut tied) = (0_usize, Vec::new());
        for (key, row) in &ranked {
            match key.cmp(&threshold) {
                Ordering::Greater => {
                    put(*row);
                    above += 1;
                }
                Ordering::Equal => tied.push(*row),
                Ordering::Less => {}
            }
        }
        let wanted = taken.saturating_sub(above);
        if wanted < tied.len() {
            let id = |row: usize| (row < ids.len()).then(|| ids.value(row));
            tied.select_nth_unstable_by(wanted, |a, b| id(*a).cmp(&id(*b)).then(a.cmp(b)));
            tied.truncate(wanted);
        }
        tied.into_iter().for_each(put);
    }
    BooleanBuffer::new(members.into(), 0, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(take: Take, keys: &[Option<i64>], ids: &[&str]) -> Vec<bool> {
        let keys = keys.iter().map(|k| k.map(Decimal::from)).collect();
        members(take, keys, &StringArray::from(ids.to_vec()))
            .iter()
            .collect()
    }

    #[test]
    fn ties_go_to_the_smaller_id_and_nulls_never_rank() {
        let ids = ["d", "b", "c", "a"];
        assert_eq!(
            ranked(Take::Count(2), &[Some(5), Some(3), Some(3), None], &ids),
            [true, true, false, false]
        );
        assert_eq!(
            ranked(Take::Count(1), &[Some(3), Some(3), Some(3), Some(3)], &ids),
            [false, false, false, true]
        );
        // 50% of the three that rank is two.
        assert_eq!(
            ranked(
                Take::Fraction(Decimal::new(5, 1)),
                &[Some(1), None, Some(2), Some(1)],
                &ids
            ),
            [false, false, true, true]
        );
        assert_eq!(
            ranked(Take::Count(0), &[Some(1), Some(2), None, None], &ids),
            [false; 4]
        );
    }

    #[test]
    fn keys_beyond_64_bits_or_beyond_one_scale_rank_in_the_same_order() {
        let ids = StringArray::from(vec!["a", "b", "c", "d"]);
        let rank = |keys: Vec<Option<Decimal>>| -> Vec<bool> {
            members(Take::Count(2), keys, &ids).iter().collect()
        };
        // Beyond 64 bits at scale 0.
        let big = Decimal::from(10_u64.pow(19)) * Decimal::from(100);
        assert_eq!(
            rank(vec![
                Some(big),
                Some(Decimal::ONE),
                Some(big + Decimal::ONE),
                None
            ]),
            [true, false, true, false]
        );
        // The largest number and a tiny one cannot be put at one scale.
        let tiny = Decimal::new(1, 28);
        assert_eq!(
            rank(vec![
                Some(tiny),
                Some(Decimal::MAX),
                Some(-tiny),
                Some(Decimal::ZERO)
            ]),
            [true, true, false, false]
        );
    }

    #[test]
    fn an_empty_batch_ranks_nobody() {
        assert!(ranked(Take::Count(3), &[], &[]).is_empty());
    }
}
