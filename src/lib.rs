//! funil: an embeddable rules engine for marketing automation.
//!
//! (Crate documentation is written as the pipeline lands.)

pub mod diagnostic;
pub mod model;
mod program;
mod check;
pub mod syntax;
