//! The JSON form of an explanation (`serde::Serialize`), for a user interface.
//!
//! ```text
//! {"item":"dormant","kind":"segment","title":null,"at":"2026-11-22T12:00:00Z","offset":"0s",
//!  "value":false,"location":{"file":…,"line":…,"column":…,"start":…,"end":…},
//!  "root":NODE,"references":[ITEM…]}
//! NODE = {"text":…,"location":…,"evaluated":true,"value":…,"kind":"query",…,"children":[NODE…]}
//! ```
//!
//! A node that was not evaluated has `"evaluated":false` and no `"value"`. Its `"kind"`
//! names its [`Detail`] (`item`, `expression`, `literal`, `and`, `or`, `query`,
//! `reference`, `score_rule`, `clamp`, `arm`), whose fields follow. Values are written
//! as contacts are ([`crate::Contact::to_json_value`]): numbers as JSON numbers when
//! they read back exactly, else as decimal strings; dates, datetimes and durations as
//! strings in the form of §4.8. The tree is walked with the crate's stack-headroom
//! guard at every level.

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::detail::{ArmOutcome, Detail, EventQuery, SelectedEvent};
use super::{Explained, ExplainedItem, Explanation, Location};
use crate::model::{Value, value_to_json};

impl Serialize for Explanation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        item_entries(&mut map, &self.main)?;
        map.serialize_entry("references", &self.references)?;
        map.end()
    }
}

impl Serialize for ExplainedItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        item_entries(&mut map, self)?;
        map.end()
    }
}

fn item_entries<M: SerializeMap>(map: &mut M, item: &ExplainedItem) -> Result<(), M::Error> {
    map.serialize_entry("item", &item.name)?;
    map.serialize_entry("kind", item.kind.name())?;
    map.serialize_entry("title", &item.title)?;
    map.serialize_entry("at", &Instant(item.at))?;
    map.serialize_entry("offset", &Duration(item.offset))?;
    map.serialize_entry("value", &Json(&item.value))?;
    map.serialize_entry("location", &item.location)?;
    map.serialize_entry("root", &item.root)
}

impl Serialize for Explained {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::stack::with_headroom(|| {
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("text", &self.text)?;
            map.serialize_entry("location", &self.location)?;
            map.serialize_entry("evaluated", &self.value.is_some())?;
            if let Some(value) = &self.value {
                map.serialize_entry("value", &Json(value))?;
            }
            detail_entries(&mut map, &self.detail)?;
            map.serialize_entry("children", &self.children)?;
            map.end()
        })
    }
}

fn detail_entries<M: SerializeMap>(map: &mut M, detail: &Detail) -> Result<(), M::Error> {
    match detail {
        Detail::Item => map.serialize_entry("kind", "item"),
        Detail::Expression => map.serialize_entry("kind", "expression"),
        Detail::Literal => map.serialize_entry("kind", "literal"),
        Detail::And => map.serialize_entry("kind", "and"),
        Detail::Or => map.serialize_entry("kind", "or"),
        Detail::Query(query) => {
            map.serialize_entry("kind", "query")?;
            map.serialize_entry("aggregate", query.aggregate())?;
            query_entries(map, query)
        }
        Detail::Reference(reference) => {
            map.serialize_entry("kind", "reference")?;
            map.serialize_entry("item", reference.name())?;
            map.serialize_entry("item_kind", reference.kind().name())?;
            map.serialize_entry("offset", &Duration(reference.offset()))?;
            map.serialize_entry("at", &Instant(reference.at()))?;
            map.serialize_entry("reference", &reference.index())
        }
        Detail::ScoreRule(rule) => {
            map.serialize_entry("kind", "score_rule")?;
            match rule.query() {
                Some(query) => {
                    map.serialize_entry("rule", "per")?;
                    query_entries(map, query)?;
                }
                None => map.serialize_entry("rule", "when")?,
            }
            map.serialize_entry("sum", &Number(rule.sum()))?;
            map.serialize_entry("max", &rule.max().map(Number))?;
            map.serialize_entry("cut", &rule.is_cut())
        }
        Detail::Clamp(clamp) => {
            map.serialize_entry("kind", "clamp")?;
            map.serialize_entry("low", &Number(clamp.low()))?;
            map.serialize_entry("high", &Number(clamp.high()))?;
            map.serialize_entry("before", &Number(clamp.before()))?;
            map.serialize_entry("cut", &clamp.is_cut())
        }
        Detail::Arm(arm) => {
            map.serialize_entry("kind", "arm")?;
            map.serialize_entry("arm", if arm.is_else() { "else" } else { "when" })?;
            let outcome = match arm.outcome() {
                ArmOutcome::Matched => "matched",
                ArmOutcome::NotMatched => "not_matched",
                ArmOutcome::NotEvaluated => "not_evaluated",
            };
            map.serialize_entry("outcome", outcome)
        }
    }
}

fn query_entries<M: SerializeMap>(map: &mut M, query: &EventQuery) -> Result<(), M::Error> {
    map.serialize_entry("kinds", query.kinds())?;
    map.serialize_entry("selected", query.selected())
}

impl Serialize for SelectedEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("index", &self.index)?;
        map.serialize_entry("kind", &self.kind)?;
        map.serialize_entry("at", &Instant(self.at))?;
        if let Some(value) = &self.value {
            map.serialize_entry("value", &Json(value))?;
        }
        if let Some(factor) = self.decay_factor {
            map.serialize_entry("decay_factor", &Number(factor))?;
        }
        if let Some(points) = self.points {
            map.serialize_entry("points", &Number(points))?;
        }
        map.end()
    }
}

impl Serialize for Location {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("file", &*self.file)?;
        map.serialize_entry("line", &self.line)?;
        map.serialize_entry("column", &self.column)?;
        map.serialize_entry("start", &self.span.start)?;
        map.serialize_entry("end", &self.span.end)?;
        map.end()
    }
}

/// A value, written as a contact's values are.
struct Json<'v>(&'v Value);

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        value_to_json(self.0).serialize(serializer)
    }
}

struct Number(Decimal);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Json(&Value::Number(self.0)).serialize(serializer)
    }
}

struct Instant(DateTime<Utc>);

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Json(&Value::DateTime(self.0)).serialize(serializer)
    }
}

struct Duration(TimeDelta);

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Json(&Value::Duration(self.0)).serialize(serializer)
    }
}
