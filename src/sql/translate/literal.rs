//! Literal values written as SQL constants.

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use rust_decimal::Decimal;

use super::types::SqlType;
use crate::model::Value;
use crate::sql::options::string_literal;

/// A value as an SQL constant of its type, or why it has none.
pub(super) fn value(value: &Value, ty: &SqlType) -> Result<String, &'static str> {
    Ok(match value {
        Value::Null => format!("NULL::{}", ty.name()),
        Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Value::Number(n) => number(*n),
        Value::String(s) => text(s)?,
        Value::Date(d) => format!("DATE '{}'", d.format("%Y-%m-%d")),
        Value::DateTime(t) => instant(*t)?,
        Value::Duration(d) => seconds(*d),
        Value::List(items) => {
            let element = match ty {
                SqlType::List(element) => element.as_ref().clone(),
                _ => SqlType::Null,
            };
            let items = items
                .iter()
                .map(|item| self::value(item, &element))
                .collect::<Result<Vec<_>, _>>()?;
            format!("ARRAY[{}]::{}[]", items.join(", "), element.name())
        }
    })
}

/// A number: a quoted decimal cast to `numeric`, so that PostgreSQL never reads it as
/// an integer (integer division) or a float.
pub(super) fn number(n: Decimal) -> String {
    format!("'{}'::numeric", n.normalize())
}

/// A string constant; PostgreSQL text cannot hold U+0000.
pub(super) fn text(s: &str) -> Result<String, &'static str> {
    if s.contains('\0') {
        return Err("PostgreSQL text cannot hold the character U+0000");
    }
    Ok(format!("{}::text", string_literal(s)))
}

/// An instant; PostgreSQL keeps microseconds.
pub(super) fn instant(t: DateTime<Utc>) -> Result<String, &'static str> {
    if !t.nanosecond().is_multiple_of(1_000) {
        return Err("PostgreSQL instants have microsecond precision");
    }
    Ok(format!(
        "TIMESTAMPTZ '{}'",
        t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    ))
}

/// A duration as `numeric` seconds.
pub(super) fn seconds(d: TimeDelta) -> String {
    let nanos = i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos());
    let seconds = Decimal::try_from_i128_with_scale(nanos, 9).unwrap_or_default();
    number(seconds)
}

/// A duration as a PostgreSQL `interval` of seconds only (no days or months, which
/// PostgreSQL would add in local calendar terms).
pub(super) fn interval(d: TimeDelta) -> String {
    let nanos = i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos());
    let seconds = Decimal::try_from_i128_with_scale(nanos, 9).unwrap_or_default();
    format!("interval '{} seconds'", seconds.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_typed() {
        assert_eq!(number(Decimal::new(1250, 2)), "'12.5'::numeric");
        assert_eq!(text("it's").unwrap(), "'it''s'::text");
        assert!(text("a\0b").is_err());
        assert_eq!(seconds(TimeDelta::days(1)), "'86400'::numeric");
        assert_eq!(
            interval(TimeDelta::milliseconds(1500)),
            "interval '1.5 seconds'"
        );
        let list = Value::from(vec!["BR", "PT"]);
        assert_eq!(
            value(&list, &SqlType::List(Box::new(SqlType::Text))).unwrap(),
            "ARRAY['BR'::text, 'PT'::text]::text[]"
        );
        let t: DateTime<Utc> = "2026-11-22T12:00:00Z".parse().unwrap();
        assert_eq!(instant(t).unwrap(), "TIMESTAMPTZ '2026-11-22T12:00:00Z'");
        assert!(instant(t + TimeDelta::nanoseconds(1)).is_err());
    }
}
