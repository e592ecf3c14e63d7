//! Split assignment (§8.4): a portable hash of the workflow, the statement and the
//! contact picks one of 10,000 buckets; arms own consecutive ranges of buckets. The
//! same assignment serves workflows, `arm(…)` and experiments.

use crate::fnv::{fnv1a_64, fnv1a_64_continued};
use crate::program::SPLIT_BUCKETS;

/// `fnv1a_64(workflow + "/" + statement_id + "/" + contact_id) mod 10000`.
pub(crate) fn bucket(workflow: &str, statement: &str, contact: &str) -> u32 {
    let key = format!("{workflow}/{statement}/{contact}");
    let bucket = fnv1a_64(key.as_bytes()) % u64::from(SPLIT_BUCKETS);
    u32::try_from(bucket).unwrap_or(0)
}

/// [`bucket`] with the key's prefix `workflow/statement/` already joined.
pub(crate) fn bucket_after(prefix: &str, contact: &str) -> u32 {
    let hash = fnv1a_64_continued(fnv1a_64(prefix.as_bytes()), contact.as_bytes());
    u32::try_from(hash % u64::from(SPLIT_BUCKETS)).unwrap_or(0)
}

/// The index of the arm that owns `bucket`, given each arm's upper bound; none when
/// no arm does (bounds that do not reach 10,000, which the checker refuses).
pub(crate) fn arm_index(bounds: impl IntoIterator<Item = u32>, bucket: u32) -> Option<usize> {
    bounds.into_iter().position(|bound| bucket < bound)
}

#[cfg(test)]
mod tests {
    use super::{arm_index, bucket, bucket_after};

    /// Golden vectors computed independently with Python 3:
    /// `h = 0xcbf29ce484222325; for b in key.encode(): h = ((h ^ b) * 0x100000001b3) % 2**64`,
    /// then `h % 10000`.
    #[test]
    fn buckets_match_an_independent_implementation() {
        assert_eq!(bucket("welcome", "5", "c-001"), GOLDEN_WELCOME_5_C001);
        assert_eq!(bucket("launch", "2", "c-002"), GOLDEN_LAUNCH_2_C002);
        assert_eq!(
            bucket("launch", "subject", "ünïcødé"),
            GOLDEN_LAUNCH_SUBJECT_UNICODE
        );
    }

    /// The prefix form, which `arm(…)` and experiments use, gives the same buckets.
    #[test]
    fn a_joined_prefix_gives_the_same_buckets() {
        assert_eq!(bucket_after("welcome/5/", "c-001"), GOLDEN_WELCOME_5_C001);
        assert_eq!(
            bucket_after("launch/subject/", "ünïcødé"),
            GOLDEN_LAUNCH_SUBJECT_UNICODE
        );
        assert_eq!(arm_index([5000, 10_000], 4999), Some(0));
        assert_eq!(arm_index([0, 5000, 10_000], 0), Some(1));
        assert_eq!(arm_index([5000, 9000], 9000), None);
    }

    const GOLDEN_WELCOME_5_C001: u32 = 9451;
    const GOLDEN_LAUNCH_2_C002: u32 = 2566;
    const GOLDEN_LAUNCH_SUBJECT_UNICODE: u32 = 7649;

    /// Over 100,000 contact ids, each arm gets its weight to within 1%.
    #[test]
    fn proportions_hold_over_many_ids() {
        let arms = [3333, 6666, 10_000];
        let weights = [0.3333, 0.3333, 0.3334];
        let mut counts = [0u32; 3];
        let total = 100_000;
        for n in 0..total {
            let target = arm_index(arms, bucket("launch", "subject", &format!("c-{n}"))).unwrap();
            counts[target] += 1;
        }
        for (count, weight) in counts.iter().zip(weights) {
            let share = f64::from(*count) / f64::from(total);
            assert!((share - weight).abs() < 0.01, "{counts:?}");
        }
        let uneven = [1000, 10_000];
        let first = (0..total)
            .filter(|n| arm_index(uneven, bucket("promo", "2.then.1", &format!("{n}"))) == Some(0))
            .count();
        assert!(
            (first as f64 / f64::from(total) - 0.10).abs() < 0.01,
            "{first}"
        );
    }

    #[test]
    fn arms_own_consecutive_ranges() {
        let arms = [5000, 10_000];
        assert_eq!(arm_index(arms, 0), Some(0));
        assert_eq!(arm_index(arms, 4999), Some(0));
        assert_eq!(arm_index(arms, 5000), Some(1));
        assert_eq!(arm_index(arms, 9999), Some(1));
        // An arm of 0% owns no bucket.
        let with_empty_arm = [0, 10_000];
        assert_eq!(arm_index(with_empty_arm, 0), Some(1));
    }
}
