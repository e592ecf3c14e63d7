//! [`ContactBuffer`]: one [`Contact`] refilled in place from the caller's own data,
//! so that evaluating many contacts held in the caller's structs allocates nothing.
//!
//! The buffer keeps every allocation a contact needs between refills: the id's
//! text, the attribute slots, the events and their props (kept per kind, so an
//! event of a kind reuses the props of an earlier one), the per-kind indexes, and a
//! few recent texts per string slot, so that a string equal to one seen lately in
//! the same slot shares its text instead of copying it. Values come in borrowed, as
//! [`ValueRef`]s, and are checked against the schema as a builder checks them.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;

use super::{
    Contact, DEFAULT_MAX_EVENTS, Event, check_years, describe_value, too_many_events, within_years,
};
use crate::model::error::{ContactError, ContactErrorKind};
use crate::model::ids::{AttrId, KindId};
use crate::model::schema::Schema;
use crate::model::types::Type;
use crate::model::value::{Value, same_text};

/// How many recent texts each string slot keeps for sharing.
const RECENT_TEXTS: usize = 16;

/// A value lent to a [`ContactBuffer`]: what a [`Value`] holds, with texts borrowed.
///
/// Conversions exist from the plain Rust types (`&str`, `bool`, `i64`, `i32`, `u32`,
/// [`Decimal`], the chrono types), from `Option` of each (`None` is null) and from
/// `&Value` (shared, not copied: lists are given this way).
///
/// ```
/// use funil::model::{Value, ValueRef};
///
/// assert_eq!(ValueRef::from("BR"), ValueRef::String("BR"));
/// assert_eq!(ValueRef::from(None::<&str>), ValueRef::Null);
/// assert_eq!(ValueRef::from(12_i64), ValueRef::Integer(12));
/// assert_eq!(ValueRef::from(funil::Decimal::new(125, 1)), ValueRef::Number("12.5".parse()?));
/// let tags = Value::from(vec!["vip"]);
/// assert_eq!(ValueRef::from(&tags), ValueRef::Value(&tags));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// Null: only for optional types.
    Null,
    /// A `bool`.
    Bool(bool),
    /// A `number`.
    Number(Decimal),
    /// A `number` that is a whole number, as the integer types give it: compared
    /// with whole literals without making a [`Decimal`].
    Integer(i64),
    /// A `string`, borrowed.
    String(&'a str),
    /// A `date`.
    Date(NaiveDate),
    /// A `datetime`.
    DateTime(DateTime<Utc>),
    /// A `duration`.
    Duration(TimeDelta),
    /// Any value, shared (a list, say): cloning a [`Value`] copies no text or
    /// elements.
    Value(&'a Value),
}

impl<'a> From<&'a str> for ValueRef<'a> {
    fn from(text: &'a str) -> Self {
        ValueRef::String(text)
    }
}

impl<'a> From<&'a String> for ValueRef<'a> {
    fn from(text: &'a String) -> Self {
        ValueRef::String(text)
    }
}

impl<'a> From<&'a Value> for ValueRef<'a> {
    fn from(value: &'a Value) -> Self {
        ValueRef::Value(value)
    }
}

macro_rules! value_ref_from {
    ($($ty:ty => $variant:ident $(via $convert:path)?),* $(,)?) => {$(
        impl From<$ty> for ValueRef<'_> {
            fn from(value: $ty) -> Self {
                ValueRef::$variant($($convert)?(value))
            }
        }
    )*};
}

value_ref_from!(
    bool => Bool,
    Decimal => Number,
    i64 => Integer,
    i32 => Integer via i64::from,
    u32 => Integer via i64::from,
    u64 => Number via Decimal::from,
    NaiveDate => Date,
    DateTime<Utc> => DateTime,
    TimeDelta => Duration,
);

impl<'a, T: Into<ValueRef<'a>>> From<Option<T>> for ValueRef<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(ValueRef::Null, Into::into)
    }
}

/// A contact refilled in place, once per contact of the caller's data: the way to
/// evaluate contacts held in the caller's own structs without allocating.
///
/// [`refill`](Self::refill) starts the next contact; the [`Refill`] it returns
/// takes the attributes by [`AttrId`], then the events (by [`KindId`], each followed
/// by its props by slot), all resolved once from the [`Schema`]; its
/// [`finish`](Refill::finish) checks what only the whole contact shows and lends the
/// contact, ready for every evaluation a [`Contact`] serves. The checks and the
/// errors are the builder's ([`crate::model::ContactBuilder`]): values of the
/// declared type only (no coercion), a missing non-optional attribute or prop, an
/// empty id, more events than the limit, dates outside the years 0000 to 9999.
///
/// Once the buffer has grown to the largest contact it has held, a refill
/// allocates nothing: numbers, bools, dates, instants and durations are written in
/// place, each string shares the text of an equal one among the last sixteen its slot
/// held (a text not among them is copied once, into one allocation), events reuse
/// the props of earlier events of their kind, and events given out of time order
/// are sorted in place. A [`ValueRef::Value`] is shared, never copied.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use funil::model::ContactBuffer;
/// use funil::{Context, Workspace};
///
/// // The caller's own types.
/// struct Purchase { at: chrono::DateTime<Utc>, amount: i64 }
/// struct Customer { id: String, country: Option<String>, purchases: Vec<Purchase> }
///
/// let program = funil::compile(r#"
///     schema { contact { country: string? } event purchase { amount: number } }
///     segment buyer_br { country == "BR" and count(purchase where amount > 10) >= 1 }
/// "#)?;
/// let schema = program.schema();
/// let country = schema.attribute("country").unwrap();
/// let purchase = schema.kind("purchase").unwrap();
/// let (amount, _) = schema.prop(purchase, "amount").unwrap();
/// let segment = program.segment_id("buyer_br")?;
///
/// let at = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
/// let customers = [
///     Customer { id: "a".into(), country: Some("BR".into()), purchases: vec![Purchase { at, amount: 30 }] },
///     Customer { id: "b".into(), country: None, purchases: vec![Purchase { at, amount: 50 }] },
/// ];
/// let context = Context::new("2026-11-22T12:00:00Z".parse()?);
/// let mut buffer = ContactBuffer::new(schema);
/// let mut workspace = Workspace::new();
/// let mut found = Vec::new();
/// for customer in &customers {
///     let mut refill = buffer.refill(&customer.id);
///     refill.attribute(country, customer.country.as_deref());
///     for p in &customer.purchases {
///         refill.event(purchase, p.at).prop(amount, p.amount);
///     }
///     let contact = refill.finish()?;
///     found.push(program.segment_with(segment, contact, &context, &mut workspace)?);
/// }
/// assert_eq!(found, [true, false]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ContactBuffer<'s> {
    schema: &'s Schema,
    contact: Contact,
    max_events: usize,
    /// Whether each attribute was given since the last refill.
    given: Vec<bool>,
    /// Whether each prop of the last event was given.
    props_given: Vec<bool>,
    /// Recent texts per attribute.
    attribute_texts: Vec<RecentTexts>,
    /// Recent texts per kind, per prop.
    prop_texts: Vec<Vec<RecentTexts>>,
    /// Props of events of earlier contacts, per kind, for the next events of it.
    spare_props: Vec<Vec<Box<[Value]>>>,
    /// The events given since the last refill, counted even past the limit.
    event_calls: usize,
    /// A permutation of the events, for sorting them in place.
    order: Vec<u32>,
    first_error: Option<ContactError>,
}

impl<'s> ContactBuffer<'s> {
    /// An empty buffer for contacts of `schema`.
    pub fn new(schema: &'s Schema) -> Self {
        let kinds = schema.kinds().map(|(kind, _)| kind);
        ContactBuffer {
            schema,
            contact: Contact {
                id: String::new(),
                attributes: vec![Value::Null; schema.attribute_count()].into(),
                events: Vec::new(),
                by_kind: vec![Vec::new(); schema.kind_count()].into(),
                schema_fingerprint: schema.fingerprint(),
            },
            max_events: DEFAULT_MAX_EVENTS,
            given: vec![false; schema.attribute_count()],
            props_given: Vec::new(),
            attribute_texts: vec![RecentTexts::default(); schema.attribute_count()],
            prop_texts: kinds
                .map(|kind| vec![RecentTexts::default(); schema.prop_count(kind)])
                .collect(),
            spare_props: vec![Vec::new(); schema.kind_count()],
            event_calls: 0,
            order: Vec::new(),
            first_error: None,
        }
    }

    /// Sets how many events a contact may have (default [`DEFAULT_MAX_EVENTS`]);
    /// [`Refill::finish`] refuses more.
    #[must_use]
    pub fn max_events(mut self, n: usize) -> Self {
        self.max_events = n;
        self
    }

    /// The fingerprint of the schema the buffer holds contacts of.
    pub(crate) fn schema_fingerprint(&self) -> u64 {
        self.contact.schema_fingerprint
    }

    /// Starts the next contact, with id `id`, no attribute given and no event. The
    /// previous contact is gone.
    pub fn refill(&mut self, id: &str) -> Refill<'_, 's> {
        let contact = &mut self.contact;
        if contact.id != id {
            contact.id.clear();
            contact.id.push_str(id);
        }
        self.given.fill(false);
        for event in contact.events.drain(..) {
            if let Some(spare) = self.spare_props.get_mut(event.kind.index()) {
                spare.push(event.props);
            }
        }
        for indexes in contact.by_kind.iter_mut() {
            indexes.clear();
        }
        self.props_given.clear();
        self.event_calls = 0;
        self.first_error = None;
        Refill { buffer: self }
    }

    fn set_attribute(&mut self, id: AttrId, value: ValueRef<'_>) -> Result<(), ContactError> {
        let schema = self.schema;
        let field = || format!("attributes.{}", schema.attribute_name(id));
        let Some(ty) = schema.attribute_type(id) else {
            return Err(ContactError::new(
                ContactErrorKind::UndeclaredAttribute,
                format!("attributes.#{}", id.0),
                "not declared in the schema",
            ));
        };
        let (Some(slot), Some(texts), Some(given)) = (
            self.contact.attributes.get_mut(id.index()),
            self.attribute_texts.get_mut(id.index()),
            self.given.get_mut(id.index()),
        ) else {
            return Ok(());
        };
        store(slot, texts, value, ty, field)?;
        *given = true;
        Ok(())
    }

    fn add_event(&mut self, kind: KindId, at: DateTime<Utc>) -> Result<(), ContactError> {
        let index = self.event_calls;
        self.event_calls = self.event_calls.saturating_add(1);
        self.check_props()?;
        if kind.index() >= self.schema.kind_count() {
            return Err(ContactError::new(
                ContactErrorKind::UndeclaredKind,
                format!("events[{index}].kind"),
                format!("event kind #{} is not declared in the schema", kind.0),
            ));
        }
        let instant = Value::DateTime(at);
        if !within_years(&instant) {
            check_years(&instant, &format!("events[{index}].at"))?;
        }
        if self.event_calls > self.max_events {
            // Counted, not kept: `finish` reports how many there were.
            return Ok(());
        }
        let count = self.schema.prop_count(kind);
        let props = match self.spare_props.get_mut(kind.index()).and_then(Vec::pop) {
            Some(props) if props.len() == count => props,
            _ => vec![Value::Null; count].into_boxed_slice(),
        };
        self.contact.events.push(Event { kind, at, props });
        self.props_given.clear();
        self.props_given.resize(count, false);
        Ok(())
    }

    fn set_prop(&mut self, slot: usize, value: ValueRef<'_>) -> Result<(), ContactError> {
        let schema = self.schema;
        let index = self.event_calls.saturating_sub(1);
        if self.event_calls > self.max_events {
            return Ok(());
        }
        let Some(event) = self.contact.events.last_mut() else {
            return Err(ContactError::new(
                ContactErrorKind::UndeclaredProp,
                format!("props[{slot}]"),
                "a prop given before any event",
            ));
        };
        let kind = event.kind;
        let Some((name, ty)) = schema.props(kind).nth(slot) else {
            return Err(ContactError::new(
                ContactErrorKind::UndeclaredProp,
                format!("events[{index}].props.#{slot}"),
                format!(
                    "event kind `{}` declares no prop #{slot}",
                    schema.kind_name(kind)
                ),
            ));
        };
        let field = || format!("events[{index}].props.{name}");
        let (Some(place), Some(texts), Some(given)) = (
            event.props.get_mut(slot),
            self.prop_texts
                .get_mut(kind.index())
                .and_then(|texts| texts.get_mut(slot)),
            self.props_given.get_mut(slot),
        ) else {
            return Ok(());
        };
        store(place, texts, value, ty, field)?;
        *given = true;
        Ok(())
    }

    /// The error for a non-optional prop the last event was not given; optional
    /// ones not given become null.
    fn check_props(&mut self) -> Result<(), ContactError> {
        let index = self.contact.events.len().saturating_sub(1);
        let Some(event) = self.contact.events.last_mut() else {
            return Ok(());
        };
        let props = self.schema.props(event.kind);
        for ((place, given), (name, ty)) in event.props.iter_mut().zip(&self.props_given).zip(props)
        {
            if *given {
                continue;
            }
            if !ty.is_optional() {
                return Err(ContactError::new(
                    ContactErrorKind::MissingProp,
                    format!("events[{index}].props.{name}"),
                    "",
                )
                .expecting(ty));
            }
            *place = Value::Null;
        }
        self.props_given.fill(true);
        Ok(())
    }

    fn finish(&mut self) -> Result<&Contact, ContactError> {
        let checked = self.check_props();
        let id = Some(self.contact.id.as_str());
        if self.contact.id.is_empty() {
            return Err(ContactError::new(
                ContactErrorKind::InvalidId,
                "id",
                "expected a non-empty string",
            ));
        }
        if let Some(err) = self.first_error.take() {
            return Err(err.for_contact(id));
        }
        checked.map_err(|err| err.for_contact(id))?;
        if self.event_calls > self.max_events {
            return Err(too_many_events(self.event_calls, self.max_events).for_contact(id));
        }
        let attributes = self.schema.attributes();
        for ((slot, given), (_, name, ty)) in self
            .contact
            .attributes
            .iter_mut()
            .zip(&self.given)
            .zip(attributes)
        {
            if *given {
                continue;
            }
            if !ty.is_optional() {
                return Err(ContactError::new(
                    ContactErrorKind::MissingAttribute,
                    format!("attributes.{name}"),
                    "",
                )
                .expecting(ty)
                .for_contact(id));
            }
            *slot = Value::Null;
        }
        if u32::try_from(self.contact.events.len()).is_err() {
            let count = self.contact.events.len();
            return Err(too_many_events(count, u32::MAX as usize).for_contact(id));
        }
        sort_by_time(&mut self.contact.events, &mut self.order);
        let contact = &mut self.contact;
        for (index, event) in (0_u32..).zip(&contact.events) {
            if let Some(list) = contact.by_kind.get_mut(event.kind.index()) {
                list.push(index);
            }
        }
        Ok(&self.contact)
    }
}

/// One contact being refilled: see [`ContactBuffer`].
///
/// Each call checks its value at once; the first failing call records its error,
/// later calls are ignored, and [`finish`](Self::finish) returns that error.
/// Giving an attribute or a prop twice keeps the last value. Errors name events by
/// the order of the `event` calls, from zero: `events[2].props.amount`.
#[derive(Debug)]
pub struct Refill<'b, 's> {
    buffer: &'b mut ContactBuffer<'s>,
}

impl<'b> Refill<'b, '_> {
    /// Gives the attribute `id` (from [`Schema::attribute`]).
    pub fn attribute<'v>(&mut self, id: AttrId, value: impl Into<ValueRef<'v>>) -> &mut Self {
        if self.buffer.first_error.is_none()
            && let Err(err) = self.buffer.set_attribute(id, value.into())
        {
            self.buffer.first_error = Some(err);
        }
        self
    }

    /// Adds an event of `kind` (from [`Schema::kind`]) at `at`; the
    /// [`prop`](Self::prop) calls that follow give its props. Events may come in any
    /// order: they are sorted by time (stable for ties).
    pub fn event(&mut self, kind: KindId, at: DateTime<Utc>) -> &mut Self {
        if self.buffer.first_error.is_none()
            && let Err(err) = self.buffer.add_event(kind, at)
        {
            self.buffer.first_error = Some(err);
        }
        self
    }

    /// Gives the prop in `slot` (from [`Schema::prop`]) of the last event added.
    pub fn prop<'v>(&mut self, slot: usize, value: impl Into<ValueRef<'v>>) -> &mut Self {
        if self.buffer.first_error.is_none()
            && let Err(err) = self.buffer.set_prop(slot, value.into())
        {
            self.buffer.first_error = Some(err);
        }
        self
    }

    /// The contact, or the first error: a value refused by a call, a non-optional
    /// attribute or prop not given, an empty id, more events than the limit.
    /// Optional attributes and props not given are null.
    ///
    /// # Errors
    ///
    /// A [`ContactError`] naming the contact, the field and the expected type.
    pub fn finish(self) -> Result<&'b Contact, ContactError> {
        self.buffer.finish()
    }
}

/// The last few texts a string slot held, shared with the values that hold them.
#[derive(Debug, Clone, Default)]
struct RecentTexts {
    texts: Vec<Arc<str>>,
    /// The entry the next new text replaces, once all are taken.
    next: usize,
}

impl RecentTexts {
    /// `text` as a shared text: an equal recent one, or a new one remembered.
    fn share(&mut self, text: &str) -> Arc<str> {
        if let Some(found) = self.texts.iter().find(|recent| same_text(recent, text)) {
            return Arc::clone(found);
        }
        let shared: Arc<str> = Arc::from(text);
        if self.texts.len() < RECENT_TEXTS {
            self.texts.push(Arc::clone(&shared));
        } else if let Some(entry) = self.texts.get_mut(self.next) {
            *entry = Arc::clone(&shared);
            self.next = (self.next + 1) % RECENT_TEXTS;
        }
        shared
    }
}

/// Checks `value` against `ty` and writes it into `place`; `field` names the place
/// in an error (made only then).
fn store(
    place: &mut Value,
    texts: &mut RecentTexts,
    value: ValueRef<'_>,
    ty: &Type,
    field: impl FnOnce() -> String,
) -> Result<(), ContactError> {
    let wrong = |found: String, field: String| {
        ContactError::new(ContactErrorKind::WrongType, field, found).expecting(ty)
    };
    let inner = ty.non_optional();
    match (value, inner) {
        (ValueRef::Null, _) if ty.is_optional() => *place = Value::Null,
        (ValueRef::Bool(b), Type::Bool) => *place = Value::Bool(b),
        (ValueRef::Number(n), Type::Number) => *place = Value::Number(n),
        (ValueRef::Integer(n), Type::Number) => *place = Value::Number(n.into()),
        (ValueRef::String(text), Type::String) => {
            if place.as_str() != Some(text) {
                *place = Value::String(texts.share(text));
            }
        }
        (ValueRef::Duration(d), Type::Duration) => *place = Value::Duration(d),
        (ValueRef::Date(date), Type::Date) => *place = in_years(Value::Date(date), field)?,
        (ValueRef::DateTime(at), Type::DateTime) => {
            *place = in_years(Value::DateTime(at), field)?;
        }
        (ValueRef::Value(value), _) if value.conforms_to(ty) => {
            if !within_years(value) {
                check_years(value, &field())?;
            }
            *place = value.clone();
        }
        (ValueRef::Value(value), _) => return Err(wrong(describe_value(value), field())),
        (other, _) => return Err(wrong(describe_ref(other), field())),
    }
    Ok(())
}

/// `value` when its dates fall in the years a contact may hold, the error naming
/// `field` when not.
fn in_years(value: Value, field: impl FnOnce() -> String) -> Result<Value, ContactError> {
    if !within_years(&value) {
        check_years(&value, &field())?;
    }
    Ok(value)
}

/// A short description of a lent value for error messages, as for a [`Value`].
pub(crate) fn describe_ref(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Null => describe_value(&Value::Null),
        ValueRef::Bool(b) => describe_value(&Value::Bool(b)),
        ValueRef::Number(n) => describe_value(&Value::Number(n)),
        ValueRef::Integer(n) => describe_value(&Value::Number(n.into())),
        ValueRef::String(text) => super::describe_string(text),
        ValueRef::Date(date) => describe_value(&Value::Date(date)),
        ValueRef::DateTime(at) => describe_value(&Value::DateTime(at)),
        ValueRef::Duration(d) => describe_value(&Value::Duration(d)),
        ValueRef::Value(value) => describe_value(value),
    }
}

/// Sorts `events` by time, stable for ties, in place: the permutation is sorted
/// (by time, then by position, so an unstable sort keeps ties in order) in
/// `order`, a buffer kept between calls, and applied by following its cycles.
fn sort_by_time(events: &mut [Event], order: &mut Vec<u32>) {
    if events.is_sorted_by_key(Event::at) {
        return;
    }
    order.clear();
    order.extend((0_u32..).take(events.len()));
    order.sort_unstable_by_key(|&i| (events.get(i as usize).map(Event::at), i));
    // Position k receives the event at order[k]. Each cycle is walked once; a
    // visited entry is marked by pointing at itself.
    for start in 0..order.len() {
        let mut current = start;
        while let Some(&source) = order.get(current) {
            let source = source as usize;
            if let Some(entry) = order.get_mut(current) {
                *entry = u32::try_from(current).unwrap_or(u32::MAX);
            }
            if source == start {
                break;
            }
            events.swap(current, source);
            current = source;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{at, schema};
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn sorting_in_place_is_stable_and_follows_every_cycle() {
        let kind = KindId(0);
        for days in [
            vec![3, 1, 2],
            vec![2, 2, 1, 1, 3, 3, 1],
            vec![5, 4, 3, 2, 1],
            vec![1, 3, 2, 5, 4, 7, 6],
        ] {
            let mut events: Vec<Event> = (0_i64..)
                .zip(&days)
                .map(|(n, day)| Event::new(kind, at(*day), vec![Value::from(n)].into()))
                .collect();
            let mut expected = events.clone();
            expected.sort_by_key(Event::at);
            sort_by_time(&mut events, &mut Vec::new());
            assert_eq!(events, expected, "{days:?}");
        }
    }

    #[test]
    fn a_refilled_contact_equals_the_built_one() -> TestResult {
        let schema = schema()?;
        let email = schema.attribute("email").ok_or("email")?;
        let owner = schema.attribute("owner").ok_or("owner")?;
        let tags = schema.attribute("tags").ok_or("tags")?;
        let clicked = schema.kind("email.clicked").ok_or("clicked")?;
        let viewed = schema.kind("page.viewed").ok_or("viewed")?;
        let list = Value::from(vec!["vip"]);
        let mut buffer = ContactBuffer::new(&schema);
        // A first contact with everything, then one with less: nothing of the
        // first may remain.
        let mut refill = buffer.refill("c-1");
        refill
            .attribute(email, "a@example.com")
            .attribute(owner, "ana")
            .attribute(tags, &list)
            .event(clicked, at(3))
            .prop(0, "w")
            .prop(1, "/x")
            .event(viewed, at(1));
        let first = refill.finish()?.clone();
        let built = Contact::builder(&schema, "c-1")
            .attribute("email", "a@example.com")
            .attribute("owner", "ana")
            .attribute("tags", list.clone())
            .event(
                "email.clicked",
                at(3),
                [("campaign", Value::from("w")), ("url", Value::from("/x"))],
            )
            .event("page.viewed", at(1), [])
            .build()?;
        assert_eq!(first, built);
        let mut refill = buffer.refill("c-2");
        refill
            .attribute(email, "b@example.com")
            .attribute(tags, &list)
            .event(clicked, at(2))
            .prop(0, "w");
        let second = refill.finish()?;
        let built = Contact::builder(&schema, "c-2")
            .attribute("email", "b@example.com")
            .attribute("tags", list.clone())
            .event("email.clicked", at(2), [("campaign", Value::from("w"))])
            .build()?;
        assert_eq!(second, &built);
        Ok(())
    }

    #[test]
    fn errors_name_the_contact_the_field_and_the_type() -> TestResult {
        let schema = schema()?;
        let email = schema.attribute("email").ok_or("email")?;
        let birthday = schema.attribute("birthday").ok_or("birthday")?;
        let tags = schema.attribute("tags").ok_or("tags")?;
        let clicked = schema.kind("email.clicked").ok_or("clicked")?;
        let empty = Value::from(Vec::<Value>::new());
        let mut buffer = ContactBuffer::new(&schema);

        let mut refill = buffer.refill("c-1");
        refill.attribute(email, 3_i64).attribute(tags, &empty);
        let err = refill.finish().err().ok_or("accepted")?;
        assert_eq!(err.kind(), ContactErrorKind::WrongType);
        assert_eq!(
            err.to_string(),
            "contact `c-1`: attribute `email`: expected string, found number 3"
        );

        let mut refill = buffer.refill("c-2");
        refill
            .attribute(email, "e")
            .attribute(birthday, "1990-11-22");
        let err = refill.finish().err().ok_or("accepted")?;
        assert_eq!(err.expected(), Some("date?"));

        let mut refill = buffer.refill("c-3");
        refill.attribute(email, "e");
        let err = refill.finish().err().ok_or("accepted")?;
        assert_eq!(err.kind(), ContactErrorKind::MissingAttribute);
        assert_eq!(err.field(), "attributes.tags");

        let mut refill = buffer.refill("c-4");
        refill
            .attribute(email, "e")
            .attribute(tags, &empty)
            .event(clicked, at(1))
            .prop(1, "/x")
            .event(clicked, at(2))
            .prop(0, "w");
        let err = refill.finish().err().ok_or("accepted")?;
        assert_eq!(err.kind(), ContactErrorKind::MissingProp);
        assert_eq!(err.field(), "events[0].props.campaign");
        assert_eq!(err.contact_id(), Some("c-4"));

        let mut refill = buffer.refill("c-5");
        refill
            .attribute(email, "e")
            .attribute(tags, &empty)
            .event(clicked, at(1));
        let err = refill.finish().err().ok_or("accepted")?;
        assert_eq!(err.field(), "events[0].props.campaign");

        let mut refill = buffer.refill("");
        refill.attribute(email, "e").attribute(tags, &empty);
        let err = refill.finish().err().ok_or("accepted")?;
        assert_eq!(err.kind(), ContactErrorKind::InvalidId);

        let mut refill = buffer.refill("c-6");
        refill
            .attribute(email, "e")
            .attribute(tags, &empty)
            .event(KindId(9), at(1));
        let err = refill.finish().err().ok_or("accepted")?;
        assert_eq!(err.kind(), ContactErrorKind::UndeclaredKind);
        Ok(())
    }

    #[test]
    fn dates_outside_four_digit_years_are_refused() -> TestResult {
        let schema = schema()?;
        let email = schema.attribute("email").ok_or("email")?;
        let birthday = schema.attribute("birthday").ok_or("birthday")?;
        let tags = schema.attribute("tags").ok_or("tags")?;
        let viewed = schema.kind("page.viewed").ok_or("viewed")?;
        let empty = Value::from(Vec::<Value>::new());
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1).ok_or("date")?;
        let mut buffer = ContactBuffer::new(&schema);
        let mut refill = buffer.refill("c-1");
        refill
            .attribute(email, "e")
            .attribute(tags, &empty)
            .attribute(birthday, far);
        let err = refill.finish().err().ok_or("accepted")?;
        assert_eq!(err.kind(), ContactErrorKind::OutOfRange);
        assert_eq!(err.field(), "attributes.birthday");
        let mut refill = buffer.refill("c-1");
        refill
            .attribute(email, "e")
            .attribute(tags, &empty)
            .event(viewed, at(1))
            .event(viewed, DateTime::<Utc>::MIN_UTC);
        let err = refill.finish().err().ok_or("accepted")?;
        assert_eq!(err.field(), "events[1].at");
        let old = Value::from(vec![Value::Date(far)]);
        let schema = Schema::builder()
            .attribute("days", Type::list(Type::Date))
            .build()?;
        let days = schema.attribute("days").ok_or("days")?;
        let mut buffer = ContactBuffer::new(&schema);
        let mut refill = buffer.refill("c-1");
        refill.attribute(days, &old);
        let err = refill.finish().err().ok_or("accepted")?;
        assert_eq!(err.field(), "attributes.days[0]");
        Ok(())
    }

    #[test]
    fn the_event_limit_counts_every_call() -> TestResult {
        let schema = schema()?;
        let email = schema.attribute("email").ok_or("email")?;
        let tags = schema.attribute("tags").ok_or("tags")?;
        let viewed = schema.kind("page.viewed").ok_or("viewed")?;
        let empty = Value::from(Vec::<Value>::new());
        let mut buffer = ContactBuffer::new(&schema).max_events(2);
        let mut refill = buffer.refill("c-1");
        refill.attribute(email, "e").attribute(tags, &empty);
        for day in 1..=3 {
            refill.event(viewed, at(day));
        }
        let err = refill.finish().err().ok_or("accepted")?;
        assert_eq!(
            err.to_string(),
            "contact `c-1`: `events`: 3 events, more than the limit of 2"
        );
        let mut refill = buffer.refill("c-1");
        refill.attribute(email, "e").attribute(tags, &empty);
        refill.event(viewed, at(1)).event(viewed, at(2));
        assert_eq!(refill.finish()?.events().len(), 2);
        Ok(())
    }

    #[test]
    fn equal_texts_are_shared() {
        let mut recent = RecentTexts::default();
        let first = recent.share("BR");
        let again = recent.share("BR");
        assert!(Arc::ptr_eq(&first, &again));
        for n in 0..RECENT_TEXTS {
            recent.share(&n.to_string());
        }
        // "BR" was the oldest and has been replaced.
        assert!(!Arc::ptr_eq(&first, &recent.share("BR")));
        assert_eq!(recent.texts.len(), RECENT_TEXTS);
    }
}
