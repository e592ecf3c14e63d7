//! Questions about a compiled program, beside evaluation.
//!
//! This layer reads [`crate::Program`] (its node arena and items) and the schema.
//!
//! * `reads`: what an item depends on ([`Program::reads`](crate::Program::reads),
//!   giving [`Reads`]) and which items a change of input may affect
//!   ([`Program::affected_by`](crate::Program::affected_by), given a [`Change`]).
//!   It never runs the evaluator: what it says holds for every contact and instant.
//! * `next_change`: the next instant an item's value changes for one contact with no
//!   new input ([`Program::next_change`](crate::Program::next_change), giving a
//!   [`NextChange`]). It asks evaluation for values through
//!   [`crate::eval::probe::Probe`], so every value it relies on is the evaluator's.

mod next_change;
mod reads;

pub use next_change::{MAX_STEPS, NextChange};
pub use reads::{Change, Reads};
