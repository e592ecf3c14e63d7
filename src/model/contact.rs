//! Contacts and their events, validated against a [`Schema`] (spec §1.1).
//!
//! A [`Contact`] is built in Rust with [`Contact::builder`] or read from JSON with
//! [`Contact::from_json`]; either way every attribute and prop is checked against the
//! schema, and events are sorted by time (stable for ties) and indexed by kind.

mod builder;
#[cfg(test)]
mod fixture;
mod json_in;
mod json_out;
mod refill;

pub(crate) use json_out::value_to_json;

use chrono::{DateTime, Datelike as _, Utc};

pub use builder::ContactBuilder;
pub(crate) use refill::describe_ref;
pub use refill::{ContactBuffer, Refill, ValueRef};

use super::error::{ContactError, ContactErrorKind};
use super::ids::{AttrId, KindId};
use super::schema::Schema;
use super::value::Value;

/// How many events a contact may have unless told otherwise (spec §10).
pub const DEFAULT_MAX_EVENTS: usize = 1_000_000;

/// The value returned for a slot that does not exist.
static NULL: Value = Value::Null;

/// One event of a contact: its kind, its instant and its declared props.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use funil::model::{Contact, Schema, Type, Value};
///
/// let schema = Schema::builder()
///     .event("email.clicked", [("campaign", Type::String), ("url", Type::String.optional())])
///     .build()?;
/// let at = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
/// let contact = Contact::builder(&schema, "c-001")
///     .event("email.clicked", at, [("campaign", Value::from("welcome-1"))])
///     .build()?;
/// let event = &contact.events()[0];
/// assert_eq!(event.kind(), schema.kind("email.clicked").unwrap());
/// assert_eq!(event.at(), at);
/// assert_eq!(event.prop(0).as_str(), Some("welcome-1"));
/// assert!(event.prop(1).is_null()); // optional prop, absent
/// assert!(event.prop(9).is_null()); // no such slot
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    kind: KindId,
    at: DateTime<Utc>,
    props: Box<[Value]>,
}

impl Event {
    /// An event whose props are already in slot order and checked.
    pub(crate) fn new(kind: KindId, at: DateTime<Utc>, props: Box<[Value]>) -> Self {
        Event { kind, at, props }
    }

    /// The event's kind.
    pub fn kind(&self) -> KindId {
        self.kind
    }

    /// When the event happened (the implicit prop `at`).
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// The declared props in slot order (see [`Schema::prop`]); absent optional props
    /// are null.
    pub fn props(&self) -> &[Value] {
        &self.props
    }

    /// The prop in `slot`; null when there is no such slot.
    pub fn prop(&self, slot: usize) -> &Value {
        self.props.get(slot).unwrap_or(&NULL)
    }
}

/// A contact: an id, attributes by [`AttrId`] and events in time order, checked
/// against the [`Schema`] it was built for.
///
/// # JSON form
///
/// ```json
/// {
///   "id": "c-001",
///   "attributes": {"email": "ana@example.com", "owner": null, "total_spent": 1200.50},
///   "events": [
///     {"kind": "email.clicked", "at": "2026-11-20T10:00:00Z",
///      "props": {"campaign": "welcome-1"}}
///   ]
/// }
/// ```
///
/// * `id` is a non-empty string. `attributes`, `events` and `props` may be omitted
///   when empty; no other field is allowed.
/// * Each value must have its declared type. The only text forms accepted in place of
///   a JSON value are: a `datetime` as an RFC 3339 string (any offset; stored in UTC);
///   a `date` as `YYYY-MM-DD`; a `number` as a decimal string such as `"19.99"` (plain
///   digits, an optional `-` and fraction; for numbers with more than 15 significant
///   digits, which a JSON number cannot carry exactly); a `duration` as a compound
///   literal such as `"1d2h"` (units `w d h m s`, decreasing; a fraction on the seconds
///   such as `"1.5s"` is accepted too).
/// * JSON numbers: integers are read exactly; other numbers through their shortest
///   round-trip decimal text, so `19.99` is exactly 19.99. A number out of the decimal
///   range is an error.
/// * An optional (`T?`) attribute or prop may be absent or `null`; both mean null. A
///   non-optional one must be present.
/// * Events need not be sorted; they are ordered by `at`, stable for ties. More events
///   than the limit (default [`DEFAULT_MAX_EVENTS`], see [`ContactOptions`]) is an
///   error, checked before any event is read.
/// * Dates and datetimes (in UTC) fall in the years 0000 to 9999, which the JSON form
///   writes with four digits; one outside is an
///   [`OutOfRange`](ContactErrorKind::OutOfRange) error (a datetime whose offset moves
///   it out, such as `0000-01-01T00:00:00+01:00`, too). So every contact reads back,
///   equal, from its own JSON.
///
/// The first error found is returned; it names the contact id, the field and the
/// expected type (see [`ContactError`]).
///
/// ```
/// use funil::model::{Contact, Schema, Type};
///
/// let schema = Schema::builder()
///     .attribute("email", Type::String)
///     .attribute("owner", Type::String.optional())
///     .attribute("total_spent", Type::Number)
///     .event("email.clicked", [("campaign", Type::String)])
///     .build()?;
/// let contact = Contact::from_json(&schema, r#"{
///     "id": "c-001",
///     "attributes": {"email": "ana@example.com", "total_spent": 1200.50},
///     "events": [
///         {"kind": "email.clicked", "at": "2026-11-20T10:00:00Z", "props": {"campaign": "b"}},
///         {"kind": "email.clicked", "at": "2026-11-19T10:00:00-03:00", "props": {"campaign": "a"}}
///     ]
/// }"#)?;
/// assert_eq!(contact.id(), "c-001");
/// let spent = schema.attribute("total_spent").unwrap();
/// assert_eq!(contact.attribute(spent).to_string(), "1200.5");
/// assert!(contact.attribute(schema.attribute("owner").unwrap()).is_null());
/// // Sorted by time.
/// assert_eq!(contact.events()[0].prop(0).as_str(), Some("a"));
/// let clicked = schema.kind("email.clicked").unwrap();
/// assert_eq!(contact.events_of_kind(clicked), &[0, 1]);
/// assert_eq!(contact.schema_fingerprint(), schema.fingerprint());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    id: String,
    attributes: Box<[Value]>,
    events: Vec<Event>,
    by_kind: Box<[Vec<u32>]>,
    schema_fingerprint: u64,
}

impl Contact {
    /// A builder for a contact of `schema` with the given id.
    pub fn builder(schema: &Schema, id: impl Into<String>) -> ContactBuilder<'_> {
        ContactBuilder::new(schema, id.into())
    }

    /// Reads a contact from JSON text (see the JSON form above), with the default
    /// options.
    pub fn from_json(schema: &Schema, text: &str) -> Result<Contact, ContactError> {
        Contact::from_json_with(schema, text, &ContactOptions::default())
    }

    /// Reads a contact from JSON text with `options`.
    pub fn from_json_with(
        schema: &Schema,
        text: &str,
        options: &ContactOptions,
    ) -> Result<Contact, ContactError> {
        let json = serde_json::from_str(text).map_err(|err| {
            ContactError::new(
                ContactErrorKind::MalformedJson,
                "",
                format!("malformed JSON: {err}"),
            )
        })?;
        Contact::from_json_value_with(schema, json, options)
    }

    /// Reads a contact from a parsed JSON value, with the default options.
    pub fn from_json_value(
        schema: &Schema,
        json: serde_json::Value,
    ) -> Result<Contact, ContactError> {
        Contact::from_json_value_with(schema, json, &ContactOptions::default())
    }

    /// Reads a contact from a parsed JSON value with `options`.
    pub fn from_json_value_with(
        schema: &Schema,
        json: serde_json::Value,
        options: &ContactOptions,
    ) -> Result<Contact, ContactError> {
        json_in::read_contact(schema, &json, options)
    }

    /// The contact in its JSON form, which [`from_json_value`](Self::from_json_value)
    /// reads back to an equal contact. Every attribute is written (null ones as
    /// `null`), events in time order, each with all its props. A number is a JSON
    /// number when one reads back exactly, otherwise a decimal string.
    ///
    /// `serde_json::Value` orders object keys by name (unless serde_json's
    /// `preserve_order` feature is on); [`to_json_string`](Self::to_json_string) keeps
    /// declaration order.
    pub fn to_json_value(&self, schema: &Schema) -> serde_json::Value {
        json_out::to_value(self, schema)
    }

    /// The contact as JSON text with keys in declaration order; the same content as
    /// [`to_json_value`](Self::to_json_value).
    pub fn to_json_string(&self, schema: &Schema) -> String {
        json_out::to_text(self, schema)
    }

    /// Checks the contact's parts and assembles it: events sorted by time (stable) and
    /// indexed by kind.
    pub(crate) fn assemble(
        schema: &Schema,
        id: String,
        attributes: Box<[Value]>,
        mut events: Vec<Event>,
    ) -> Result<Contact, ContactError> {
        if u32::try_from(events.len()).is_err() {
            return Err(too_many_events(events.len(), u32::MAX as usize).for_contact(Some(&id)));
        }
        events.sort_by_key(Event::at);
        let mut by_kind: Vec<Vec<u32>> = vec![Vec::new(); schema.kind_count()];
        for (index, event) in (0_u32..).zip(&events) {
            if let Some(list) = by_kind.get_mut(event.kind.index()) {
                list.push(index);
            }
        }
        Ok(Contact {
            id,
            attributes,
            events,
            by_kind: by_kind.into(),
            schema_fingerprint: schema.fingerprint(),
        })
    }

    /// The contact's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The value of an attribute; null for an absent optional attribute, and for an id
    /// the contact's schema does not have.
    pub fn attribute(&self, id: AttrId) -> &Value {
        self.attributes.get(id.index()).unwrap_or(&NULL)
    }

    /// All attribute values, by [`AttrId`] index.
    pub fn attributes(&self) -> &[Value] {
        &self.attributes
    }

    /// The events, sorted by `at` (stable for ties).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The indexes into [`events`](Self::events) of the events of `kind`, in time
    /// order; empty when there are none.
    pub fn events_of_kind(&self, kind: KindId) -> &[u32] {
        self.by_kind.get(kind.index()).map_or(&[], |list| list)
    }

    /// The event at `index` in [`events`](Self::events).
    pub fn event(&self, index: u32) -> Option<&Event> {
        self.events.get(usize::try_from(index).ok()?)
    }

    /// The contact with its events after `now` left out, or `None` when it has none
    /// (then the contact itself is that).
    pub(crate) fn known_at(&self, now: DateTime<Utc>) -> Option<Contact> {
        let known = self.events.partition_point(|event| event.at <= now);
        if known == self.events.len() {
            return None;
        }
        let kept = u32::try_from(known).unwrap_or(u32::MAX);
        Some(Contact {
            id: self.id.clone(),
            attributes: self.attributes.clone(),
            events: self.events.iter().take(known).cloned().collect(),
            by_kind: self
                .by_kind
                .iter()
                .map(|indexes| indexes.iter().copied().filter(|i| *i < kept).collect())
                .collect(),
            schema_fingerprint: self.schema_fingerprint,
        })
    }

    /// The [fingerprint](Schema::fingerprint) of the schema this contact was built
    /// for; compare it with a schema's to detect a contact built for another one.
    pub fn schema_fingerprint(&self) -> u64 {
        self.schema_fingerprint
    }
}

/// Options for reading contacts from JSON.
///
/// ```
/// use funil::model::{Contact, ContactErrorKind, ContactOptions, Schema};
///
/// let schema = Schema::builder().event("page.viewed", []).build()?;
/// let text = r#"{"id": "c-1", "events": [
///     {"kind": "page.viewed", "at": "2026-11-20T10:00:00Z"},
///     {"kind": "page.viewed", "at": "2026-11-21T10:00:00Z"}]}"#;
/// let options = ContactOptions::new().max_events(1);
/// let err = Contact::from_json_with(&schema, text, &options).unwrap_err();
/// assert_eq!(err.kind(), ContactErrorKind::TooManyEvents);
/// # Ok::<(), funil::model::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactOptions {
    max_events: usize,
}

impl ContactOptions {
    /// The default options: at most [`DEFAULT_MAX_EVENTS`] events.
    pub fn new() -> Self {
        ContactOptions {
            max_events: DEFAULT_MAX_EVENTS,
        }
    }

    /// Sets how many events a contact may have; more is a
    /// [`TooManyEvents`](ContactErrorKind::TooManyEvents) error.
    #[must_use]
    pub fn max_events(mut self, n: usize) -> Self {
        self.max_events = n;
        self
    }

    /// The event limit.
    pub fn event_limit(&self) -> usize {
        self.max_events
    }
}

impl Default for ContactOptions {
    fn default() -> Self {
        ContactOptions::new()
    }
}

/// The error for `count` events over a limit of `limit`.
pub(crate) fn too_many_events(count: usize, limit: usize) -> ContactError {
    ContactError::new(
        ContactErrorKind::TooManyEvents,
        "events",
        format!("{count} events, more than the limit of {limit}"),
    )
}

/// The years a contact's dates and datetimes (in UTC) may fall in: those the JSON form
/// writes with four digits, so every contact reads back from its own JSON.
const YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// Whether every date and datetime in `value` (itself or an element) falls in
/// [`YEARS`]: the check of [`check_years`] without naming a field.
pub(crate) fn within_years(value: &Value) -> bool {
    match value {
        Value::Date(date) => YEARS.contains(&date.year()),
        Value::DateTime(at) => YEARS.contains(&at.year()),
        Value::List(items) => items.iter().all(within_years),
        _ => true,
    }
}

/// An [`OutOfRange`](ContactErrorKind::OutOfRange) error when `value`, or an element of
/// it, is a date or datetime outside [`YEARS`].
pub(crate) fn check_years(value: &Value, field: &str) -> Result<(), ContactError> {
    let year = match value {
        Value::Date(date) => date.year(),
        Value::DateTime(at) => at.year(),
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                check_years(item, &format!("{field}[{i}]"))?;
            }
            return Ok(());
        }
        _ => return Ok(()),
    };
    if YEARS.contains(&year) {
        return Ok(());
    }
    Err(ContactError::new(
        ContactErrorKind::OutOfRange,
        field,
        format!(
            "{} is outside the years 0000 to 9999 (in UTC)",
            describe_value(value)
        ),
    ))
}

/// A short description of a value for error messages: `string "abc"`, `number 12.5`,
/// `null`, `list`.
pub(crate) fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::List(_) => "list".to_owned(),
        Value::String(s) => describe_string(s),
        other => format!("{} {other}", other.kind_name()),
    }
}

/// `string "…"`, JSON-quoted and cut after 40 characters.
pub(crate) fn describe_string(s: &str) -> String {
    const LIMIT: usize = 40;
    let mut shown: String = s.chars().take(LIMIT).collect();
    if s.chars().nth(LIMIT).is_some() {
        shown.push('…');
    }
    let mut out = String::from("string ");
    super::format::write_json_string(&shown, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Type;
    use chrono::TimeZone as _;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn schema() -> Result<Schema, crate::model::SchemaError> {
        Schema::builder()
            .attribute("email", Type::String)
            .event("a", [("n", Type::Number)])
            .event("b", [])
            .event("c", [])
            .build()
    }

    #[test]
    fn events_are_sorted_stably_and_indexed_by_kind() -> Result<(), Box<dyn std::error::Error>> {
        let schema = schema()?;
        let contact = Contact::builder(&schema, "c")
            .attribute("email", "x@example.com")
            .event("a", at(3, 0), [("n", Value::from(1_i64))])
            .event("b", at(1, 0), [])
            .event("a", at(1, 0), [("n", Value::from(2_i64))])
            .event("a", at(2, 0), [("n", Value::from(3_i64))])
            .build()?;
        let order: Vec<_> = contact
            .events()
            .iter()
            .map(|e| (schema.kind_name(e.kind()), e.prop(0).to_string()))
            .collect();
        assert_eq!(
            order,
            [
                ("b", String::new()),
                ("a", "2".into()),
                ("a", "3".into()),
                ("a", "1".into())
            ]
        );
        let a = schema.kind("a").ok_or("no a")?;
        let b = schema.kind("b").ok_or("no b")?;
        let c = schema.kind("c").ok_or("no c")?;
        assert_eq!(contact.events_of_kind(a), &[1, 2, 3]);
        assert_eq!(contact.events_of_kind(b), &[0]);
        assert!(contact.events_of_kind(c).is_empty());
        assert!(contact.events_of_kind(KindId(42)).is_empty());
        assert_eq!(contact.event(3).map(Event::at), Some(at(3, 0)));
        assert_eq!(contact.event(4), None);
        assert_eq!(contact.event(u32::MAX), None);
        Ok(())
    }

    #[test]
    fn out_of_range_ids_read_as_null() -> Result<(), Box<dyn std::error::Error>> {
        let schema = schema()?;
        let contact = Contact::builder(&schema, "c")
            .attribute("email", "e")
            .build()?;
        assert!(contact.attribute(AttrId(7)).is_null());
        assert_eq!(contact.attribute(AttrId(0)).as_str(), Some("e"));
        assert_eq!(contact.attributes().len(), 1);
        Ok(())
    }

    #[test]
    fn describe_values_for_messages() {
        assert_eq!(describe_value(&Value::from("abc")), "string \"abc\"");
        assert_eq!(describe_value(&Value::from(12_i64)), "number 12");
        assert_eq!(describe_value(&Value::Null), "null");
        assert_eq!(describe_value(&Value::from(true)), "bool true");
        assert_eq!(describe_value(&Value::from(vec![1_i64])), "list");
        let long = "x".repeat(50);
        assert_eq!(
            describe_string(&long),
            format!("string \"{}…\"", "x".repeat(40))
        );
    }

    #[test]
    fn contact_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Contact>();
        assert_send_sync::<Event>();
    }
}
