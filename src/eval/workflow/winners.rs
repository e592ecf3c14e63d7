//! Winners of experiments ("send the winner"): the arm a split sends contacts to once
//! an A/B test has a winner, from the instant the winner was decided.
//!
//! The host computes winners ([`crate::Program::experiment`] and
//! [`crate::ExperimentReport::to_winner`]), keeps them (they are serde values) and
//! passes them to [`crate::Program::advance_with_winners`]. A winner applies to runs
//! that reach its split at or after its instant `since`; a run that reached the split
//! earlier took the arm the hash gave it. So the arm a run takes depends only on the
//! instant it reaches the split and the winners passed — never on when the host
//! happened to call — and advancing late still gives what advancing on time gives.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The winning arm of one split, from an instant on.
///
/// Made by [`ExperimentReport::to_winner`](crate::ExperimentReport::to_winner); it
/// records the split's workflow, statement id and fingerprint, so that a winner kept
/// while the rules changed is refused ([`StaleWinner`](crate::EvalErrorKind::StaleWinner))
/// rather than sending contacts to the wrong arm.
///
/// ```
/// let winner: funil::Winner = serde_json::from_str(r#"{"workflow":"welcome",
///     "statement":"2","arm":1,"since":"2026-11-22T12:00:00Z",
///     "fingerprint":"0123456789abcdef"}"#)?;
/// assert_eq!((winner.workflow(), winner.statement(), winner.arm()), ("welcome", "2", 1));
/// assert_eq!(winner.since(), "2026-11-22T12:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Winner {
    workflow: String,
    statement: String,
    arm: usize,
    since: DateTime<Utc>,
    /// The split statement's fingerprint, 16 hexadecimal digits.
    fingerprint: String,
}

impl Winner {
    pub(crate) fn new(
        workflow: &str,
        statement: &str,
        arm: usize,
        since: DateTime<Utc>,
        fingerprint: u64,
    ) -> Winner {
        Winner {
            workflow: workflow.to_string(),
            statement: statement.to_string(),
            arm,
            since,
            fingerprint: format!("{fingerprint:016x}"),
        }
    }

    /// The workflow of the split.
    pub fn workflow(&self) -> &str {
        &self.workflow
    }

    /// The split's statement id (§8.2).
    pub fn statement(&self) -> &str {
        &self.statement
    }

    /// The winning arm, from 0.
    pub fn arm(&self) -> usize {
        self.arm
    }

    /// From when the winner applies: runs reaching the split at or after this instant
    /// take the winning arm.
    pub fn since(&self) -> DateTime<Utc> {
        self.since
    }

    /// The split's fingerprint, as a state stores a step's.
    pub(crate) fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

/// The winners a host passes to [`Program::advance_with_winners`](crate::Program::advance_with_winners):
/// at most one per split.
///
/// A serde value (a JSON array of [`Winner`]s), to keep between calls.
///
/// ```
/// let winners = funil::Winners::new();
/// assert!(winners.is_empty());
/// assert!(winners.get("welcome", "2").is_none());
/// let json = serde_json::to_string(&winners)?;
/// assert_eq!(json, "[]");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Winners {
    winners: Vec<Winner>,
}

impl Winners {
    /// No winner: every split assigns by its hash (§8.4).
    pub fn new() -> Winners {
        Winners::default()
    }

    /// Adds `winner`, replacing the winner of the same split if there was one (which
    /// is returned).
    pub fn insert(&mut self, winner: Winner) -> Option<Winner> {
        match self
            .winners
            .iter_mut()
            .find(|w| w.workflow == winner.workflow && w.statement == winner.statement)
        {
            Some(slot) => Some(std::mem::replace(slot, winner)),
            None => {
                self.winners.push(winner);
                None
            }
        }
    }

    /// The winner of the split `statement` of `workflow`, if there is one.
    pub fn get(&self, workflow: &str, statement: &str) -> Option<&Winner> {
        self.winners
            .iter()
            .find(|w| w.workflow == workflow && w.statement == statement)
    }

    /// Every winner, in the order they were first inserted.
    pub fn iter(&self) -> impl Iterator<Item = &Winner> {
        self.winners.iter()
    }

    /// How many splits have a winner.
    pub fn len(&self) -> usize {
        self.winners.len()
    }

    /// True when no split has a winner.
    pub fn is_empty(&self) -> bool {
        self.winners.is_empty()
    }
}

impl FromIterator<Winner> for Winners {
    fn from_iter<I: IntoIterator<Item = Winner>>(iter: I) -> Winners {
        let mut winners = Winners::new();
        for winner in iter {
            winners.insert(winner);
        }
        winners
    }
}
