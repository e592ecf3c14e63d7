//! Runtime values: what attributes, event props and expressions evaluate to.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;

use super::types::Type;

/// A value of the rule language (spec §1.2).
///
/// Values are cheap to clone (strings and lists are shared) and are `Send + Sync`.
/// [`Display`](std::fmt::Display) prints the interpolation form of spec §4.8 (see
/// [`write_text`](super::write_text)).
///
/// ```
/// use funil::model::{Type, Value};
/// use rust_decimal::Decimal;
///
/// let spent = Value::from(Decimal::new(120050, 2)); // 1200.50
/// assert_eq!(spent.to_string(), "1200.5");
/// assert!(spent.conforms_to(&Type::Number));
///
/// let tags = Value::from(vec!["vip", "b2b"]);
/// assert_eq!(tags.to_string(), "vip, b2b");
/// assert!(tags.conforms_to(&Type::list(Type::String)));
///
/// let owner = Value::from(None::<&str>);
/// assert!(owner.is_null());
/// assert!(owner.conforms_to(&Type::String.optional()));
/// assert!(!owner.conforms_to(&Type::String));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// The absence of a value; only values of optional types (`T?`) may be null.
    Null,
    /// A `bool`.
    Bool(bool),
    /// A `number`: an exact decimal.
    Number(Decimal),
    /// A `string`.
    String(Arc<str>),
    /// A `date`.
    Date(NaiveDate),
    /// A `datetime`, in UTC.
    DateTime(DateTime<Utc>),
    /// A `duration`.
    Duration(TimeDelta),
    /// A `list<T>`.
    List(Arc<[Value]>),
}

impl Value {
    /// Whether this is [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The bool, if this is a `bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is a `number`.
    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The text, if this is a `string`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The date, if this is a `date`.
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// The instant, if this is a `datetime`.
    pub fn as_datetime(&self) -> Option<DateTime<Utc>> {
        match self {
            Value::DateTime(t) => Some(*t),
            _ => None,
        }
    }

    /// The span, if this is a `duration`.
    pub fn as_duration(&self) -> Option<TimeDelta> {
        match self {
            Value::Duration(d) => Some(*d),
            _ => None,
        }
    }

    /// The elements, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The name of this value's kind, for messages: `null`, `bool`, `number`,
    /// `string`, `date`, `datetime`, `duration` or `list`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Date(_) => "date",
            Value::DateTime(_) => "datetime",
            Value::Duration(_) => "duration",
            Value::List(_) => "list",
        }
    }

    /// Whether this value belongs to `ty`.
    ///
    /// Null conforms only to optional types; a list conforms to `list<T>` when every
    /// element conforms to `T`. There is no coercion: a string never conforms to
    /// `date`.
    pub fn conforms_to(&self, ty: &Type) -> bool {
        match (self, ty) {
            (Value::Null, Type::Optional(_)) => true,
            (value, Type::Optional(inner)) => value.conforms_to(inner),
            (Value::Bool(_), Type::Bool)
            | (Value::Number(_), Type::Number)
            | (Value::String(_), Type::String)
            | (Value::Date(_), Type::Date)
            | (Value::DateTime(_), Type::DateTime)
            | (Value::Duration(_), Type::Duration) => true,
            (Value::List(items), Type::List(elem)) => {
                items.iter().all(|item| item.conforms_to(elem))
            }
            _ => false,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(Arc::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(Arc::from(s))
    }
}

impl From<Arc<str>> for Value {
    fn from(s: Arc<str>) -> Self {
        Value::String(s)
    }
}

impl From<Decimal> for Value {
    fn from(n: Decimal) -> Self {
        Value::Number(n)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(Decimal::from(n))
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Number(Decimal::from(n))
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Self {
        Value::Number(Decimal::from(n))
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Number(Decimal::from(n))
    }
}

impl From<NaiveDate> for Value {
    fn from(d: NaiveDate) -> Self {
        Value::Date(d)
    }
}

impl From<DateTime<Utc>> for Value {
    fn from(t: DateTime<Utc>) -> Self {
        Value::DateTime(t)
    }
}

impl From<TimeDelta> for Value {
    fn from(d: TimeDelta) -> Self {
        Value::Duration(d)
    }
}

/// A list whose elements are converted one by one: `vec!["vip"]` is a `list<string>`.
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().map(Into::into).collect()
    }
}

/// `None` is [`Value::Null`]; `Some(x)` is `x` converted.
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

/// Collects values into a [`Value::List`].
impl FromIterator<Value> for Value {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Self {
        Value::List(iter.into_iter().collect())
    }
}

/// Byte equality; the short strings rules mostly compare (codes, stages, kinds) are
/// compared in at most two machine words each, which is faster than a call to
/// `memcmp`.
#[inline]
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    match a.len() {
        // Two words that overlap when shorter than 16 bytes.
        8..=16 => same_ends::<8>(a, b),
        4..=7 => same_ends::<4>(a, b),
        2..=3 => same_ends::<2>(a, b),
        0..=1 => a.first() == b.first(),
        _ => a == b,
    }
}

/// Whether two slices of the same length, at least `N` bytes and at most `2N`, have
/// the same first `N` and last `N` bytes: then they are equal. Both halves are
/// compared, without a branch between them.
#[inline]
fn same_ends<const N: usize>(a: &[u8], b: &[u8]) -> bool {
    (a.first_chunk::<N>() == b.first_chunk::<N>()) & (a.last_chunk::<N>() == b.last_chunk::<N>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn value_is_send_and_sync() {
        assert_send_sync::<Value>();
    }

    #[test]
    fn conversions_build_the_expected_variants() {
        assert_eq!(Value::from(true), Value::Bool(true));
        assert_eq!(Value::from("a").as_str(), Some("a"));
        assert_eq!(Value::from(String::from("b")).as_str(), Some("b"));
        assert_eq!(Value::from(7_i32).as_number(), Some(Decimal::from(7)));
        assert_eq!(Value::from(-7_i64).as_number(), Some(Decimal::from(-7)));
        assert_eq!(Value::from(None::<i64>), Value::Null);
        assert_eq!(Value::from(Some("x")).as_str(), Some("x"));
        let list = Value::from(vec![1_i64, 2]);
        assert_eq!(
            list.as_list(),
            Some(&[Value::from(1_i64), Value::from(2_i64)][..])
        );
        let d = NaiveDate::from_ymd_opt(2026, 11, 22);
        assert_eq!(Value::from(d).as_date(), d);
        let span = TimeDelta::try_hours(3);
        assert_eq!(Value::from(span).as_duration(), span);
    }

    #[test]
    fn accessors_reject_other_variants() {
        let v = Value::from("text");
        assert_eq!(v.as_bool(), None);
        assert_eq!(v.as_number(), None);
        assert_eq!(v.as_date(), None);
        assert_eq!(v.as_datetime(), None);
        assert_eq!(v.as_duration(), None);
        assert_eq!(v.as_list(), None);
        assert!(!v.is_null());
        assert_eq!(v.kind_name(), "string");
    }

    #[test]
    fn null_conforms_only_to_optional_types() {
        assert!(Value::Null.conforms_to(&Type::Number.optional()));
        assert!(!Value::Null.conforms_to(&Type::Number));
        assert!(!Value::Null.conforms_to(&Type::list(Type::Number)));
    }

    #[test]
    fn scalars_conform_to_their_own_type_only() {
        assert!(Value::from(1_i64).conforms_to(&Type::Number));
        assert!(Value::from(1_i64).conforms_to(&Type::Number.optional()));
        assert!(!Value::from(1_i64).conforms_to(&Type::String));
        assert!(!Value::from("2026-11-22").conforms_to(&Type::Date));
        assert!(!Value::from(true).conforms_to(&Type::Number));
    }

    #[test]
    fn list_elements_are_checked() {
        let strings = Type::list(Type::String);
        assert!(Value::from(vec!["a", "b"]).conforms_to(&strings));
        assert!(Value::from(Vec::<Value>::new()).conforms_to(&strings));
        let mixed = Value::from(vec![Value::from("a"), Value::from(1_i64)]);
        assert!(!mixed.conforms_to(&strings));
        let with_null = Value::from(vec![Value::from("a"), Value::Null]);
        assert!(!with_null.conforms_to(&strings));
        assert!(with_null.conforms_to(&Type::list(Type::String.optional())));
        assert!(!Value::from("a").conforms_to(&strings));
    }
}
