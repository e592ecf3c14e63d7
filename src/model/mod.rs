//! The data model: types, values, the schema, contacts and their events.
//!
//! * [`Type`] and [`Value`]: the language's types and runtime values (spec §1.2);
//!   [`write_text`] and [`write_json`] format values (spec §4.8).
//! * [`Schema`], built with [`SchemaBuilder`]: attributes, event kinds, groups and
//!   actions (spec §2), addressed by dense ids ([`AttrId`], [`KindId`], [`GroupId`],
//!   [`ActionId`]).
//! * [`Contact`] and [`Event`]: a contact validated against a schema, built in Rust
//!   ([`ContactBuilder`]) or read from JSON (spec §1.1).
//!
//! This module knows nothing of the rule language's syntax: a service can build
//! contacts without the parser.

pub(crate) mod calendar;
mod contact;
mod error;
mod format;
mod ids;
mod parse;
mod schema;
mod types;
mod value;
pub(crate) mod view;

pub(crate) use contact::value_to_json;
pub use contact::{
    Contact, ContactBuffer, ContactBuilder, ContactOptions, DEFAULT_MAX_EVENTS, Event, Refill,
    ValueRef,
};
pub use error::{ContactError, ContactErrorKind, SchemaError, SchemaErrorKind};
pub(crate) use format::write_json_string;
pub use format::{format_duration, format_number, write_json, write_text};
pub use ids::{ActionId, AttrId, GroupId, KindId};
pub use schema::{Schema, SchemaBuilder};
pub use types::Type;
pub use value::Value;
pub(crate) use value::same_text;
pub use view::View;
