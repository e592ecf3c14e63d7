//! Analyses of a compiled program for one contact, beside evaluation: what the
//! rooms here read is the [`crate::program`] and, for values, evaluation's
//! [`crate::eval::probe::Probe`]; what they give are facts about items, such as the
//! next instant an item's value changes ([`crate::Program::next_change`]).

mod next_change;

pub use next_change::{MAX_STEPS, NextChange};
