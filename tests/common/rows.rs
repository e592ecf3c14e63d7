//! A caller's own representation of contacts, as a service might hold them: plain
//! Rust values (owned `String`s, `Decimal`s, chrono types) in structs of its own,
//! with events in the order the service keeps them. The tests of
//! [`funil::model::ContactBuffer`] make these from contacts built the usual way and
//! refill a buffer from them, borrowing every text.
//!
//! Include with `#[path = "common/rows.rs"] mod rows;`.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use funil::Value;
use funil::model::{AttrId, Contact, ContactBuffer, ContactError, KindId, ValueRef};
use rust_decimal::Decimal;

/// One value of a caller's field.
#[derive(Debug, Clone)]
pub enum Field {
    Null,
    Bool(bool),
    Number(Decimal),
    Text(String),
    Date(NaiveDate),
    Instant(DateTime<Utc>),
    Duration(TimeDelta),
    /// Lists are kept as funil values, shared rather than copied.
    List(Value),
}

impl Field {
    fn of(value: &Value) -> Field {
        match value {
            Value::Null => Field::Null,
            Value::Bool(b) => Field::Bool(*b),
            Value::Number(n) => Field::Number(*n),
            Value::String(s) => Field::Text(s.to_string()),
            Value::Date(d) => Field::Date(*d),
            Value::DateTime(at) => Field::Instant(*at),
            Value::Duration(d) => Field::Duration(*d),
            Value::List(_) => Field::List(value.clone()),
        }
    }

    pub fn lend(&self) -> ValueRef<'_> {
        match self {
            Field::Null => ValueRef::Null,
            Field::Bool(b) => ValueRef::Bool(*b),
            // Whole numbers written without places are lent as integers, as a
            // service's integer fields are; the others as decimals.
            Field::Number(n) if n.scale() == 0 && i64::try_from(*n).is_ok() => {
                ValueRef::Integer(i64::try_from(*n).unwrap_or_default())
            }
            Field::Number(n) => ValueRef::Number(*n),
            Field::Text(s) => ValueRef::String(s),
            Field::Date(d) => ValueRef::Date(*d),
            Field::Instant(at) => ValueRef::DateTime(*at),
            Field::Duration(d) => ValueRef::Duration(*d),
            Field::List(list) => ValueRef::Value(list),
        }
    }
}

/// One event as the caller keeps it.
#[derive(Debug, Clone)]
pub struct RowEvent {
    pub kind: KindId,
    pub at: DateTime<Utc>,
    /// Props by slot, in any order; optional ones that are null may be left out.
    pub props: Vec<(usize, Field)>,
}

/// One contact as the caller keeps it.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    /// Attributes by id, in any order; optional ones that are null may be left out.
    pub attributes: Vec<(AttrId, Field)>,
    pub events: Vec<RowEvent>,
}

/// How a row is laid out from a contact: which nulls are left out, in what order
/// things come.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Leave out null attributes and props (they are optional), rather than give them.
    pub omit_nulls: bool,
    /// Give attributes and props in reverse declaration order.
    pub reverse_fields: bool,
    /// Rotate the events by this many places (the buffer sorts them).
    pub rotate_events: usize,
}

/// `contact` as a caller's row.
pub fn row_of(contact: &Contact, layout: Layout) -> Row {
    let keep = |value: &Value| !(layout.omit_nulls && value.is_null());
    let mut attributes: Vec<(AttrId, Field)> = (0_u32..)
        .zip(contact.attributes())
        .filter(|(_, value)| keep(value))
        .map(|(id, value)| (AttrId(id), Field::of(value)))
        .collect();
    let mut events: Vec<RowEvent> = contact
        .events()
        .iter()
        .map(|event| {
            let mut props: Vec<(usize, Field)> = event
                .props()
                .iter()
                .enumerate()
                .filter(|(_, value)| keep(value))
                .map(|(slot, value)| (slot, Field::of(value)))
                .collect();
            if layout.reverse_fields {
                props.reverse();
            }
            RowEvent {
                kind: event.kind(),
                at: event.at(),
                props,
            }
        })
        .collect();
    if layout.reverse_fields {
        attributes.reverse();
    }
    if !events.is_empty() {
        let places = layout.rotate_events % events.len();
        events.rotate_left(places);
    }
    Row {
        id: contact.id().to_owned(),
        attributes,
        events,
    }
}

/// The quickstart's layout of rows: nulls left out, fields reversed, events rotated.
pub const SHUFFLED: Layout = Layout {
    omit_nulls: true,
    reverse_fields: true,
    rotate_events: 1,
};

/// Refills `buffer` from `row`, borrowing its texts.
pub fn refill<'b>(
    buffer: &'b mut ContactBuffer<'_>,
    row: &Row,
) -> Result<&'b Contact, ContactError> {
    let mut refill = buffer.refill(&row.id);
    for (id, field) in &row.attributes {
        refill.attribute(*id, field.lend());
    }
    for event in &row.events {
        refill.event(event.kind, event.at);
        for (slot, field) in &event.props {
            refill.prop(*slot, field.lend());
        }
    }
    refill.finish()
}

impl Field {
    /// The field as a funil value, for the builder.
    pub fn to_value(&self) -> Value {
        match self {
            Field::Null => Value::Null,
            Field::Bool(b) => Value::Bool(*b),
            Field::Number(n) => Value::Number(*n),
            Field::Text(s) => Value::from(s.as_str()),
            Field::Date(d) => Value::Date(*d),
            Field::Instant(at) => Value::DateTime(*at),
            Field::Duration(d) => Value::Duration(*d),
            Field::List(list) => list.clone(),
        }
    }
}

/// `row` built the usual way, with [`funil::model::ContactBuilder`], events in the
/// row's order (which decides the order of events at the same instant).
pub fn build(program: &funil::Program, row: &Row) -> Contact {
    let schema = program.schema();
    let mut builder = program.contact(row.id.clone());
    for (id, field) in &row.attributes {
        builder = builder.attribute(schema.attribute_name(*id), field.to_value());
    }
    for event in &row.events {
        let names: Vec<&str> = schema.props(event.kind).map(|(name, _)| name).collect();
        let props: Vec<(&str, Value)> = event
            .props
            .iter()
            .map(|(slot, field)| {
                (
                    *names.get(*slot).expect("a declared prop"),
                    field.to_value(),
                )
            })
            .collect();
        builder = builder.event(schema.kind_name(event.kind), event.at, props);
    }
    builder.build().unwrap()
}

impl Row {
    /// The attribute `id` lent, null when the row leaves it out.
    pub fn lend(&self, id: AttrId) -> ValueRef<'_> {
        self.attributes
            .iter()
            .find(|(attribute, _)| *attribute == id)
            .map_or(ValueRef::Null, |(_, field)| field.lend())
    }
}

/// A [`funil::View`] of rows for `program`: the id, every attribute, the events.
pub fn view(program: &funil::Program) -> funil::View<Row> {
    let schema = program.schema();
    let mut view = funil::View::new(schema).id(|row: &Row| &row.id);
    for (id, name, _) in schema.attributes() {
        view = view.attribute(name, move |row: &Row| row.lend(id)).unwrap();
    }
    view.events(|row: &Row, refill| {
        for event in &row.events {
            refill.event(event.kind, event.at);
            for (slot, field) in &event.props {
                refill.prop(*slot, field.lend());
            }
        }
    })
}
