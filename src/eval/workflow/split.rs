//! Split assignment (§8.4): a portable hash of the workflow, the statement and the
//! contact picks one of 10,000 buckets; arms own consecutive ranges of buckets.

use crate::fnv::fnv1a_64;
use crate::program::{SPLIT_BUCKETS, StepIndex};

/// `fnv1a_64(workflow + "/" + statement_id + "/" + contact_id) mod 10000`.
pub(crate) fn bucket(workflow: &str, statement: &str, contact: &str) -> u32 {
    let key = format!("{workflow}/{statement}/{contact}");
    let bucket = fnv1a_64(key.as_bytes()) % u64::from(SPLIT_BUCKETS);
    u32::try_from(bucket).unwrap_or(0)
}

/// The target of the arm that owns `bucket`; each arm owns the buckets below its
/// bound and at or above the previous arm's bound.
pub(crate) fn arm(arms: &[(u32, Option<StepIndex>)], bucket: u32) -> Option<StepIndex> {
    arms.iter()
        .find(|(bound, _)| bucket < *bound)
        .and_then(|(_, target)| *target)
}

#[cfg(test)]
mod tests {
    use super::{arm, bucket};

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

    const GOLDEN_WELCOME_5_C001: u32 = 9451;
    const GOLDEN_LAUNCH_2_C002: u32 = 2566;
    const GOLDEN_LAUNCH_SUBJECT_UNICODE: u32 = 7649;

    #[test]
    fn arms_own_consecutive_ranges() {
        let arms = [(5000, Some(1)), (10_000, Some(2))];
        assert_eq!(arm(&arms, 0), Some(1));
        assert_eq!(arm(&arms, 4999), Some(1));
        assert_eq!(arm(&arms, 5000), Some(2));
        assert_eq!(arm(&arms, 9999), Some(2));
        let with_empty_arm = [(0, Some(1)), (10_000, None)];
        assert_eq!(arm(&with_empty_arm, 0), None);
    }
}
