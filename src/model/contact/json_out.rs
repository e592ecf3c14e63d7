//! Writing a contact in its JSON form, so that reading it back gives an equal contact.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;
use serde_json::{Map, Value as Json};

use super::Contact;
use crate::model::format::{format_datetime, format_number, write_json, write_json_string};
use crate::model::schema::Schema;
use crate::model::value::Value;

/// The contact as a `serde_json::Value`.
pub(super) fn to_value(contact: &Contact, schema: &Schema) -> Json {
    let mut attributes = Map::new();
    for (id, name, _) in schema.attributes() {
        attributes.insert(name.to_owned(), value_to_json(contact.attribute(id)));
    }
    let events = contact
        .events()
        .iter()
        .map(|event| {
            let mut props = Map::new();
            for ((name, _), value) in schema.props(event.kind()).zip(event.props()) {
                props.insert(name.to_owned(), value_to_json(value));
            }
            let mut object = Map::new();
            object.insert(
                "kind".to_owned(),
                Json::from(schema.kind_name(event.kind())),
            );
            object.insert("at".to_owned(), Json::from(format_datetime(&event.at())));
            object.insert("props".to_owned(), Json::Object(props));
            Json::Object(object)
        })
        .collect();
    let mut object = Map::new();
    object.insert("id".to_owned(), Json::from(contact.id()));
    object.insert("attributes".to_owned(), Json::Object(attributes));
    object.insert("events".to_owned(), Json::Array(events));
    Json::Object(object)
}

/// The contact as JSON text, keys in declaration order.
pub(super) fn to_text(contact: &Contact, schema: &Schema) -> String {
    let mut out = String::from("{\"id\":");
    write_json_string(contact.id(), &mut out);
    out.push_str(",\"attributes\":{");
    for (i, (id, name, _)) in schema.attributes().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_string(name, &mut out);
        out.push(':');
        write_value(contact.attribute(id), &mut out);
    }
    out.push_str("},\"events\":[");
    for (i, event) in contact.events().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"kind\":");
        write_json_string(schema.kind_name(event.kind()), &mut out);
        out.push_str(",\"at\":");
        write_json(&Value::DateTime(event.at()), &mut out);
        out.push_str(",\"props\":{");
        for (j, ((name, _), value)) in schema.props(event.kind()).zip(event.props()).enumerate() {
            if j > 0 {
                out.push(',');
            }
            write_json_string(name, &mut out);
            out.push(':');
            write_value(value, &mut out);
        }
        out.push_str("}}");
    }
    out.push_str("]}");
    out
}

/// Whether a JSON number written as `n`'s plain decimal text reads back as exactly
/// `n`: integers within `i64`/`u64`, and numbers whose nearest `f64` prints as the
/// same digits.
fn reads_back_exactly(n: &Decimal) -> bool {
    let n = n.normalize();
    if n.scale() == 0 && (n.to_i64().is_some() || n.to_u64().is_some()) {
        return true;
    }
    n.to_f64()
        .is_some_and(|f| f.is_finite() && format!("{f}") == format_number(&n))
}

/// A value as `serde_json::Value`; numbers that would not read back exactly become
/// decimal strings.
pub(crate) fn value_to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => number_to_json(n),
        Value::String(s) => Json::from(&**s),
        Value::List(items) => Json::Array(items.iter().map(value_to_json).collect()),
        Value::Date(_) | Value::DateTime(_) | Value::Duration(_) => Json::from(value.to_string()),
    }
}

fn number_to_json(n: &Decimal) -> Json {
    let n = n.normalize();
    if reads_back_exactly(&n) {
        if n.scale() == 0 {
            if let Some(i) = n.to_i64() {
                return Json::from(i);
            }
            if let Some(u) = n.to_u64() {
                return Json::from(u);
            }
        }
        if let Some(number) = n.to_f64().and_then(serde_json::Number::from_f64) {
            return Json::Number(number);
        }
    }
    Json::from(format_number(&n))
}

/// Writes a value as JSON text; numbers that would not read back exactly are written
/// as decimal strings.
fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Number(n) if !reads_back_exactly(n) => write_json_string(&format_number(n), out),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        other => write_json(other, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr as _;

    #[test]
    fn numbers_that_fit_stay_numbers() {
        let check = |text: &str, expected: Json| {
            let n = Decimal::from_str(text).unwrap_or_default();
            assert_eq!(number_to_json(&n), expected, "{text}");
        };
        check("19.99", Json::from(19.99));
        check("1200.50", Json::from(1200.5));
        check("-7", Json::from(-7));
        check("18446744073709551615", Json::from(u64::MAX));
        check("100000000000000000000", Json::from(1e20));
        check(
            "0.1000000000000000000000000001",
            Json::from("0.1000000000000000000000000001"),
        );
        check(
            "12345678901234567890.5",
            Json::from("12345678901234567890.5"),
        );
        check(
            "79228162514264337593543950335",
            Json::from("79228162514264337593543950335"),
        );
    }

    #[test]
    fn text_numbers_match_value_numbers() {
        for text in ["19.99", "-0.5", "0.1000000000000000000000000001", "7"] {
            let n = Decimal::from_str(text).unwrap_or_default();
            let mut written = String::new();
            write_value(&Value::Number(n), &mut written);
            let parsed: Json = serde_json::from_str(&written).unwrap_or_default();
            assert_eq!(parsed, number_to_json(&n), "{text}");
        }
    }
}
