//! What the unit tests of building and refilling contacts share: one schema with
//! every kind of attribute they test, and instants of November 2026.

use chrono::{DateTime, TimeZone as _, Utc};

use crate::model::{Schema, SchemaError, Type};

/// 10:00 UTC on `day` of November 2026.
pub(super) fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A required and an optional string, an optional date, a list of strings, and two
/// event kinds, one with props.
pub(super) fn schema() -> Result<Schema, SchemaError> {
    Schema::builder()
        .attribute("email", Type::String)
        .attribute("owner", Type::String.optional())
        .attribute("birthday", Type::Date.optional())
        .attribute("tags", Type::list(Type::String))
        .event(
            "email.clicked",
            [("campaign", Type::String), ("url", Type::String.optional())],
        )
        .event("page.viewed", [])
        .build()
}
