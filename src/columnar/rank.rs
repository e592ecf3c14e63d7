//! Ranked segments resolved over the batch from every contact's key, by the selection
//! [`Program::evaluate_batch`](crate::Program::evaluate_batch) uses
//! ([`crate::eval::top`]), over keys put at one scale as integers when they fit.

use arrow_array::{Array, StringArray};
use arrow_buffer::{BooleanBuffer, MutableBuffer, bit_util};
use rust_decimal::Decimal;

use crate::eval::top::take_top;
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
    ranked: Vec<(K, usize)>,
    rows: usize,
    ids: &StringArray,
) -> BooleanBuffer {
    let mut members = MutableBuffer::from_len_zeroed(rows.div_ceil(8));
    take_top(
        take,
        ranked,
        |row| (row < ids.len()).then(|| ids.value(row)),
        |row| {
            if row < rows {
                bit_util::set_bit(members.as_slice_mut(), row);
            }
        },
    );
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
