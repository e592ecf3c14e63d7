//! Reading a contact from its JSON form (documented on [`Contact`]).

use std::sync::Arc;

use serde_json::{Map, Value as Json};

use super::{Contact, ContactOptions, Event, check_years, describe_string, too_many_events};
use crate::model::error::{ContactError, ContactErrorKind};
use crate::model::ids::KindId;
use crate::model::parse::{
    decimal_from_json, parse_date, parse_datetime, parse_decimal, parse_duration,
};
use crate::model::schema::Schema;
use crate::model::types::Type;
use crate::model::value::Value;

const CONTACT_FIELDS: [&str; 3] = ["id", "attributes", "events"];
const EVENT_FIELDS: [&str; 3] = ["kind", "at", "props"];

/// Reads and checks a contact.
pub(super) fn read_contact(
    schema: &Schema,
    json: &Json,
    options: &ContactOptions,
) -> Result<Contact, ContactError> {
    let Json::Object(object) = json else {
        return Err(malformed(
            "",
            format!("expected a contact object, found {}", describe_json(json)),
        ));
    };
    let id = read_id(object)?;
    let with_id = |err: ContactError| err.for_contact(Some(&id));
    check_fields(object, &CONTACT_FIELDS, "").map_err(with_id)?;
    let attributes = read_attributes(schema, object.get("attributes")).map_err(with_id)?;
    let events = read_events(schema, object.get("events"), options).map_err(with_id)?;
    Contact::assemble(schema, id, attributes, events)
}

fn read_id(object: &Map<String, Json>) -> Result<String, ContactError> {
    match object.get("id") {
        Some(Json::String(id)) if !id.is_empty() => Ok(id.clone()),
        Some(other) => Err(ContactError::new(
            ContactErrorKind::InvalidId,
            "id",
            format!(
                "expected a non-empty string, found {}",
                describe_json(other)
            ),
        )),
        None => Err(ContactError::new(
            ContactErrorKind::InvalidId,
            "id",
            "missing: a contact needs a non-empty string id",
        )),
    }
}

/// Refuses fields other than `allowed`; `prefix` is the object's path.
fn check_fields(
    object: &Map<String, Json>,
    allowed: &[&str],
    prefix: &str,
) -> Result<(), ContactError> {
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        None => Ok(()),
        Some(key) => {
            let expected = allowed
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            Err(ContactError::new(
                ContactErrorKind::UnknownField,
                format!("{prefix}{key}"),
                format!("unknown field; the fields are {expected}"),
            ))
        }
    }
}

fn read_attributes(schema: &Schema, json: Option<&Json>) -> Result<Box<[Value]>, ContactError> {
    let empty = Map::new();
    let object = match json {
        None => &empty,
        Some(Json::Object(object)) => object,
        Some(other) => {
            return Err(malformed(
                "attributes",
                format!("expected an object, found {}", describe_json(other)),
            ));
        }
    };
    let mut slots: Vec<Option<Value>> = vec![None; schema.attribute_count()];
    for (name, json) in object {
        let field = format!("attributes.{name}");
        let Some(id) = schema.attribute(name) else {
            return Err(ContactError::new(
                ContactErrorKind::UndeclaredAttribute,
                field,
                "not declared in the schema",
            ));
        };
        let Some(ty) = schema.attribute_type(id) else {
            continue;
        };
        let value = read_value(json, ty, &field)?;
        if let Some(slot) = slots.get_mut(id.index()) {
            *slot = Some(value);
        }
    }
    let mut values = Vec::with_capacity(slots.len());
    for ((_, name, ty), slot) in schema.attributes().zip(slots) {
        values.push(present_or_null(
            slot,
            ty,
            ContactErrorKind::MissingAttribute,
            || format!("attributes.{name}"),
        )?);
    }
    Ok(values.into())
}

fn read_events(
    schema: &Schema,
    json: Option<&Json>,
    options: &ContactOptions,
) -> Result<Vec<Event>, ContactError> {
    let items = match json {
        None => return Ok(Vec::new()),
        Some(Json::Array(items)) => items,
        Some(other) => {
            return Err(malformed(
                "events",
                format!("expected an array, found {}", describe_json(other)),
            ));
        }
    };
    if items.len() > options.event_limit() {
        return Err(too_many_events(items.len(), options.event_limit()));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| read_event(schema, index, item))
        .collect()
}

fn read_event(schema: &Schema, index: usize, json: &Json) -> Result<Event, ContactError> {
    let path = format!("events[{index}]");
    let Json::Object(object) = json else {
        return Err(malformed(
            &path,
            format!("expected an event object, found {}", describe_json(json)),
        ));
    };
    check_fields(object, &EVENT_FIELDS, &format!("{path}."))?;
    let kind = read_kind(schema, object.get("kind"), &path)?;
    let at_field = format!("{path}.at");
    let at = match object.get("at") {
        None => {
            return Err(
                ContactError::new(ContactErrorKind::MissingProp, at_field, "")
                    .expecting(Type::DateTime),
            );
        }
        Some(json) => read_value(json, &Type::DateTime, &at_field)?
            .as_datetime()
            .ok_or_else(|| wrong_type(json, &Type::DateTime, &at_field))?,
    };
    let props = read_props(schema, kind, object.get("props"), &path)?;
    Ok(Event::new(kind, at, props))
}

fn read_kind(schema: &Schema, json: Option<&Json>, path: &str) -> Result<KindId, ContactError> {
    let field = format!("{path}.kind");
    match json {
        Some(Json::String(name)) => schema.kind(name).ok_or_else(|| {
            ContactError::new(
                ContactErrorKind::UndeclaredKind,
                field,
                format!("event kind `{name}` is not declared in the schema"),
            )
        }),
        Some(other) => Err(malformed(
            &field,
            format!(
                "expected an event kind name, found {}",
                describe_json(other)
            ),
        )),
        None => Err(malformed(&field, "missing: an event needs a `kind`")),
    }
}

fn read_props(
    schema: &Schema,
    kind: KindId,
    json: Option<&Json>,
    path: &str,
) -> Result<Box<[Value]>, ContactError> {
    let empty = Map::new();
    let object = match json {
        None => &empty,
        Some(Json::Object(object)) => object,
        Some(other) => {
            return Err(malformed(
                &format!("{path}.props"),
                format!("expected an object, found {}", describe_json(other)),
            ));
        }
    };
    let mut slots: Vec<Option<Value>> = vec![None; schema.prop_count(kind)];
    for (name, json) in object {
        let field = format!("{path}.props.{name}");
        let Some((slot, ty)) = schema.prop(kind, name) else {
            return Err(ContactError::new(
                ContactErrorKind::UndeclaredProp,
                field,
                format!(
                    "event kind `{}` does not declare this prop",
                    schema.kind_name(kind)
                ),
            ));
        };
        let value = read_value(json, ty, &field)?;
        if let Some(place) = slots.get_mut(slot) {
            *place = Some(value);
        }
    }
    let mut values = Vec::with_capacity(slots.len());
    for ((name, ty), slot) in schema.props(kind).zip(slots) {
        values.push(present_or_null(
            slot,
            ty,
            ContactErrorKind::MissingProp,
            || format!("{path}.props.{name}"),
        )?);
    }
    Ok(values.into())
}

/// The value of a declared field: the one given, null when absent and optional, or
/// a `missing` error.
fn present_or_null(
    slot: Option<Value>,
    ty: &Type,
    missing: ContactErrorKind,
    field: impl FnOnce() -> String,
) -> Result<Value, ContactError> {
    match slot {
        Some(value) => Ok(value),
        None if ty.is_optional() => Ok(Value::Null),
        None => Err(ContactError::new(missing, field(), "").expecting(ty)),
    }
}

/// Reads a JSON value of type `ty`. Recursion follows the type's nesting only.
fn read_value(json: &Json, ty: &Type, field: &str) -> Result<Value, ContactError> {
    let value = match (ty.non_optional(), json) {
        (_, Json::Null) if ty.is_optional() => Some(Value::Null),
        (Type::Bool, Json::Bool(b)) => Some(Value::Bool(*b)),
        (Type::Number, Json::Number(n)) => decimal_from_json(n).map(Value::Number),
        (Type::Number, Json::String(s)) => parse_decimal(s).map(Value::Number),
        (Type::String, Json::String(s)) => Some(Value::String(Arc::from(s.as_str()))),
        (Type::Date, Json::String(s)) => parse_date(s).map(Value::Date),
        (Type::DateTime, Json::String(s)) => parse_datetime(s).map(Value::DateTime),
        (Type::Duration, Json::String(s)) => parse_duration(s).map(Value::Duration),
        (Type::List(elem), Json::Array(items)) => {
            let values = items
                .iter()
                .enumerate()
                .map(|(i, item)| read_value(item, elem, &format!("{field}[{i}]")))
                .collect::<Result<Arc<[Value]>, _>>()?;
            Some(Value::List(values))
        }
        _ => None,
    };
    let value = value.ok_or_else(|| wrong_type(json, ty, field))?;
    check_years(&value, field)?;
    Ok(value)
}

fn wrong_type(json: &Json, ty: &Type, field: &str) -> ContactError {
    let mut found = describe_json(json);
    if let (Type::Number, Json::Number(_)) = (ty.non_optional(), json) {
        found.push_str(" (out of the decimal range)");
    }
    ContactError::new(ContactErrorKind::WrongType, field, found).expecting(ty)
}

fn malformed(field: &str, detail: impl Into<String>) -> ContactError {
    ContactError::new(ContactErrorKind::MalformedJson, field, detail)
}

/// A short description of a JSON value for messages: `string "abc"`, `number 1.5`,
/// `null`, `bool true`, `array`, `object`.
fn describe_json(json: &Json) -> String {
    match json {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => format!("bool {b}"),
        Json::Number(n) => format!("number {n}"),
        Json::String(s) => describe_string(s),
        Json::Array(_) => "array".to_owned(),
        Json::Object(_) => "object".to_owned(),
    }
}

#[cfg(test)]
mod tests;
