//! funil: an embeddable rules engine for marketing automation.
//!
//! (Crate documentation is written as the pipeline lands.)

mod check;
mod compile;
pub mod diagnostic;
mod eval;
pub mod language;
pub mod model;
mod program;
pub mod syntax;

pub use chrono_tz::Tz;
pub use compile::{Compiler, Limits, compile};
pub use diagnostic::{CompileError, Diagnostic, Severity};
pub use eval::{Context, EvalError, EvalErrorKind, Evaluation};
pub use model::{Contact, ContactBuilder, ContactError, Event, Schema, SchemaBuilder, Type, Value};
pub use program::{ItemKind, Program};
pub use rust_decimal::Decimal;
