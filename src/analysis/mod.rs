//! Questions about a compiled program, answered without evaluating it.
//!
//! This layer reads [`crate::Program`] (its node arena and items) and the schema, and
//! never runs the evaluator: what it says holds for every contact and every instant.
//!
//! * `reads`: what an item depends on ([`Program::reads`](crate::Program::reads),
//!   giving [`Reads`]) and which items a change of input may affect
//!   ([`Program::affected_by`](crate::Program::affected_by), given a [`Change`]).

mod reads;

pub use reads::{Change, Reads};
