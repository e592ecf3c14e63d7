//! [`ContactBuilder`]: builds a contact in Rust, checking each value against the schema.

use chrono::{DateTime, Utc};

use super::{Contact, DEFAULT_MAX_EVENTS, Event, check_years, describe_value, too_many_events};
use crate::model::error::{ContactError, ContactErrorKind};
use crate::model::schema::Schema;
use crate::model::value::Value;

/// Builds a [`Contact`] of a schema.
///
/// Each call checks its input at once. The first failing call records its error; later
/// calls are ignored and [`build`](Self::build) returns that error. `build` then checks
/// what only the whole contact can show: an empty id, a missing non-optional attribute,
/// more events than [`max_events`](Self::max_events). Values are not coerced: a date
/// attribute needs a [`Value::Date`], not a string. Setting an attribute or a prop
/// twice keeps the last value.
///
/// Errors name events by the order of the `event` calls, from zero: `events[2].kind`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use funil::model::{Contact, ContactErrorKind, Schema, Type, Value};
/// use rust_decimal::Decimal;
///
/// let schema = Schema::builder()
///     .attribute("email", Type::String)
///     .attribute("total_spent", Type::Number)
///     .attribute("tags", Type::list(Type::String))
///     .event("purchase", [("amount", Type::Number)])
///     .build()?;
/// let at = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
/// let contact = Contact::builder(&schema, "c-001")
///     .attribute("email", "ana@example.com")
///     .attribute("total_spent", Decimal::new(120050, 2))
///     .attribute("tags", vec!["vip"])
///     .event("purchase", at, [("amount", Value::from(Decimal::new(1999, 2)))])
///     .build()?;
/// assert_eq!(contact.events().len(), 1);
///
/// let err = Contact::builder(&schema, "c-002")
///     .attribute("email", "bo@example.com")
///     .attribute("total_spent", "lots")
///     .build()
///     .unwrap_err();
/// assert_eq!(err.kind(), ContactErrorKind::WrongType);
/// assert_eq!(err.to_string(), r#"contact `c-002`: attribute `total_spent`: expected number, found string "lots""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ContactBuilder<'s> {
    schema: &'s Schema,
    id: String,
    attributes: Vec<Option<Value>>,
    events: Vec<Event>,
    event_calls: usize,
    max_events: usize,
    first_error: Option<ContactError>,
}

impl<'s> ContactBuilder<'s> {
    pub(super) fn new(schema: &'s Schema, id: String) -> Self {
        ContactBuilder {
            schema,
            id,
            attributes: vec![None; schema.attribute_count()],
            events: Vec::new(),
            event_calls: 0,
            max_events: DEFAULT_MAX_EVENTS,
            first_error: None,
        }
    }

    /// Sets the attribute `name`.
    #[must_use]
    pub fn attribute(mut self, name: &str, value: impl Into<Value>) -> Self {
        if self.first_error.is_none()
            && let Err(err) = self.set_attribute(name, value.into())
        {
            self.first_error = Some(err);
        }
        self
    }

    /// Adds an event of `kind` at `at` with the given props; absent optional props are
    /// null.
    #[must_use]
    pub fn event<'p>(
        mut self,
        kind: &str,
        at: DateTime<Utc>,
        props: impl IntoIterator<Item = (&'p str, Value)>,
    ) -> Self {
        let index = self.event_calls;
        self.event_calls = self.event_calls.saturating_add(1);
        if self.first_error.is_none() {
            match self.make_event(index, kind, at, props) {
                Ok(event) => self.events.push(event),
                Err(err) => self.first_error = Some(err),
            }
        }
        self
    }

    /// Sets how many events the contact may have (default [`DEFAULT_MAX_EVENTS`]);
    /// `build` refuses more.
    #[must_use]
    pub fn max_events(mut self, n: usize) -> Self {
        self.max_events = n;
        self
    }

    /// The contact, or the first error.
    pub fn build(self) -> Result<Contact, ContactError> {
        if self.id.is_empty() {
            return Err(ContactError::new(
                ContactErrorKind::InvalidId,
                "id",
                "expected a non-empty string",
            ));
        }
        let id = Some(self.id.as_str());
        if let Some(err) = self.first_error {
            return Err(err.for_contact(id));
        }
        if self.event_calls > self.max_events {
            return Err(too_many_events(self.event_calls, self.max_events).for_contact(id));
        }
        let mut attributes = Vec::with_capacity(self.attributes.len());
        for ((_, name, ty), value) in self.schema.attributes().zip(self.attributes) {
            match value {
                Some(value) => attributes.push(value),
                None if ty.is_optional() => attributes.push(Value::Null),
                None => {
                    return Err(ContactError::new(
                        ContactErrorKind::MissingAttribute,
                        format!("attributes.{name}"),
                        "",
                    )
                    .expecting(ty)
                    .for_contact(id));
                }
            }
        }
        Contact::assemble(self.schema, self.id, attributes.into(), self.events)
    }

    fn set_attribute(&mut self, name: &str, value: Value) -> Result<(), ContactError> {
        let field = || format!("attributes.{name}");
        let Some(id) = self.schema.attribute(name) else {
            return Err(ContactError::new(
                ContactErrorKind::UndeclaredAttribute,
                field(),
                "not declared in the schema",
            ));
        };
        let ty = self.schema.attribute_type(id);
        check_type(&value, ty, field)?;
        if let Some(slot) = self.attributes.get_mut(id.index()) {
            *slot = Some(value);
        }
        Ok(())
    }

    fn make_event<'p>(
        &self,
        index: usize,
        kind: &str,
        at: DateTime<Utc>,
        props: impl IntoIterator<Item = (&'p str, Value)>,
    ) -> Result<Event, ContactError> {
        let Some(kind_id) = self.schema.kind(kind) else {
            return Err(ContactError::new(
                ContactErrorKind::UndeclaredKind,
                format!("events[{index}].kind"),
                format!("event kind `{kind}` is not declared in the schema"),
            ));
        };
        check_years(&Value::DateTime(at), &format!("events[{index}].at"))?;
        let mut slots: Vec<Option<Value>> = vec![None; self.schema.prop_count(kind_id)];
        for (name, value) in props {
            let field = || format!("events[{index}].props.{name}");
            let Some((slot, ty)) = self.schema.prop(kind_id, name) else {
                return Err(ContactError::new(
                    ContactErrorKind::UndeclaredProp,
                    field(),
                    format!("event kind `{kind}` does not declare this prop"),
                ));
            };
            check_type(&value, Some(ty), field)?;
            if let Some(place) = slots.get_mut(slot) {
                *place = Some(value);
            }
        }
        let mut values = Vec::with_capacity(slots.len());
        for ((name, ty), value) in self.schema.props(kind_id).zip(slots) {
            match value {
                Some(value) => values.push(value),
                None if ty.is_optional() => values.push(Value::Null),
                None => {
                    return Err(ContactError::new(
                        ContactErrorKind::MissingProp,
                        format!("events[{index}].props.{name}"),
                        "",
                    )
                    .expecting(ty));
                }
            }
        }
        Ok(Event::new(kind_id, at, values.into()))
    }
}

/// Checks `value` against `ty`; `field` names the place in an error (made only then).
fn check_type(
    value: &Value,
    ty: Option<&crate::model::Type>,
    field: impl FnOnce() -> String,
) -> Result<(), ContactError> {
    match ty {
        Some(ty) if value.conforms_to(ty) => match value {
            Value::Date(_) | Value::DateTime(_) | Value::List(_) => check_years(value, &field()),
            _ => Ok(()),
        },
        Some(ty) => {
            Err(
                ContactError::new(ContactErrorKind::WrongType, field(), describe_value(value))
                    .expecting(ty),
            )
        }
        None => Err(ContactError::new(
            ContactErrorKind::UndeclaredAttribute,
            field(),
            "not declared in the schema",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{at, schema};
    use super::*;
    use chrono::NaiveDate;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn base(schema: &Schema) -> ContactBuilder<'_> {
        Contact::builder(schema, "c-1")
            .attribute("email", "a@example.com")
            .attribute("tags", Vec::<Value>::new())
    }

    fn error_of(result: Result<Contact, ContactError>) -> Option<ContactError> {
        result.err()
    }

    #[test]
    fn optional_attributes_default_to_null() -> TestResult {
        let schema = schema()?;
        let contact = base(&schema).build()?;
        let owner = schema.attribute("owner").ok_or("owner")?;
        assert!(contact.attribute(owner).is_null());
        let contact = base(&schema).attribute("owner", None::<&str>).build()?;
        assert!(contact.attribute(owner).is_null());
        let contact = base(&schema)
            .attribute("owner", "ana")
            .attribute("owner", "bo")
            .build()?;
        assert_eq!(contact.attribute(owner).as_str(), Some("bo"));
        assert_eq!(contact.schema_fingerprint(), schema.fingerprint());
        Ok(())
    }

    #[test]
    fn missing_required_attribute() -> TestResult {
        let schema = schema()?;
        let err = error_of(
            Contact::builder(&schema, "c-1")
                .attribute("email", "e")
                .build(),
        )
        .ok_or("ok")?;
        assert_eq!(err.kind(), ContactErrorKind::MissingAttribute);
        assert_eq!(err.field(), "attributes.tags");
        assert_eq!(err.expected(), Some("list<string>"));
        assert_eq!(
            err.to_string(),
            "contact `c-1`: attribute `tags` is missing: expected list<string>"
        );
        Ok(())
    }

    #[test]
    fn wrong_types_are_refused_without_coercion() -> TestResult {
        let schema = schema()?;
        let err =
            error_of(base(&schema).attribute("birthday", "1990-11-22").build()).ok_or("ok")?;
        assert_eq!(err.kind(), ContactErrorKind::WrongType);
        assert_eq!(err.expected(), Some("date?"));
        assert_eq!(
            err.to_string(),
            "contact `c-1`: attribute `birthday`: expected date?, found string \"1990-11-22\""
        );
        let ok = base(&schema)
            .attribute("birthday", NaiveDate::from_ymd_opt(1990, 11, 22))
            .build();
        assert!(ok.is_ok());
        let err = error_of(base(&schema).attribute("email", None::<&str>).build()).ok_or("ok")?;
        assert_eq!(
            err.to_string(),
            "contact `c-1`: attribute `email`: expected string, found null"
        );
        let err = error_of(
            base(&schema)
                .attribute("tags", vec![Value::from(1_i64)])
                .build(),
        )
        .ok_or("ok")?;
        assert_eq!(err.expected(), Some("list<string>"));
        Ok(())
    }

    #[test]
    fn undeclared_names() -> TestResult {
        let schema = schema()?;
        let err = error_of(base(&schema).attribute("contry", "BR").build()).ok_or("ok")?;
        assert_eq!(err.kind(), ContactErrorKind::UndeclaredAttribute);
        assert_eq!(
            err.to_string(),
            "contact `c-1`: attribute `contry`: not declared in the schema"
        );
        let err = error_of(
            base(&schema)
                .event("email.clicked", at(1), [("campaign", Value::from("x"))])
                .event("email.opened", at(2), [])
                .build(),
        )
        .ok_or("ok")?;
        assert_eq!(err.kind(), ContactErrorKind::UndeclaredKind);
        assert_eq!(err.field(), "events[1].kind");
        let err = error_of(
            base(&schema)
                .event(
                    "email.clicked",
                    at(1),
                    [("campaign", Value::from("x")), ("utm", Value::from("y"))],
                )
                .build(),
        )
        .ok_or("ok")?;
        assert_eq!(err.kind(), ContactErrorKind::UndeclaredProp);
        assert_eq!(err.field(), "events[0].props.utm");
        Ok(())
    }

    #[test]
    fn event_props_are_checked() -> TestResult {
        let schema = schema()?;
        let err = error_of(base(&schema).event("email.clicked", at(1), []).build()).ok_or("ok")?;
        assert_eq!(err.kind(), ContactErrorKind::MissingProp);
        assert_eq!(err.field(), "events[0].props.campaign");
        assert_eq!(err.expected(), Some("string"));
        let err = error_of(
            base(&schema)
                .event("email.clicked", at(1), [("campaign", Value::from(3_i64))])
                .build(),
        )
        .ok_or("ok")?;
        assert_eq!(err.kind(), ContactErrorKind::WrongType);
        let contact = base(&schema)
            .event(
                "email.clicked",
                at(1),
                [("url", Value::from("/x")), ("campaign", Value::from("w"))],
            )
            .build()?;
        let event = contact.events().first().ok_or("no event")?;
        assert_eq!(event.props(), &[Value::from("w"), Value::from("/x")]);
        Ok(())
    }

    #[test]
    fn first_error_wins_and_id_is_checked() -> TestResult {
        let schema = schema()?;
        let err = error_of(
            base(&schema)
                .attribute("nope", 1_i64)
                .attribute("email", 2_i64)
                .build(),
        )
        .ok_or("ok")?;
        assert_eq!(err.kind(), ContactErrorKind::UndeclaredAttribute);
        assert_eq!(err.contact_id(), Some("c-1"));
        let err = error_of(Contact::builder(&schema, "").build()).ok_or("ok")?;
        assert_eq!(err.kind(), ContactErrorKind::InvalidId);
        assert_eq!(err.field(), "id");
        assert_eq!(err.contact_id(), None);
        Ok(())
    }

    #[test]
    fn event_limit() -> TestResult {
        let schema = schema()?;
        fn two(b: ContactBuilder<'_>) -> ContactBuilder<'_> {
            b.event("email.clicked", at(1), [("campaign", Value::from("x"))])
                .event("email.clicked", at(2), [("campaign", Value::from("y"))])
        }
        let err = error_of(two(base(&schema).max_events(1)).build()).ok_or("ok")?;
        assert_eq!(err.kind(), ContactErrorKind::TooManyEvents);
        assert_eq!(
            err.to_string(),
            "contact `c-1`: `events`: 2 events, more than the limit of 1"
        );
        assert!(two(base(&schema).max_events(2)).build().is_ok());
        Ok(())
    }

    #[test]
    fn dates_and_instants_must_have_four_digit_years() -> TestResult {
        let schema = schema()?;
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1).ok_or("date")?;
        let err = error_of(base(&schema).attribute("birthday", far).build()).ok_or("ok")?;
        assert_eq!(err.kind(), ContactErrorKind::OutOfRange);
        assert_eq!(
            err.to_string(),
            "contact `c-1`: attribute `birthday`: date +10000-01-01 is outside the years \
             0000 to 9999 (in UTC)"
        );
        let err = error_of(
            base(&schema)
                .event("email.clicked", at(1), [("campaign", Value::from("x"))])
                .event(
                    "email.clicked",
                    DateTime::<Utc>::MIN_UTC,
                    [("campaign", Value::from("y"))],
                )
                .build(),
        )
        .ok_or("ok")?;
        assert_eq!(err.kind(), ContactErrorKind::OutOfRange);
        assert_eq!(err.field(), "events[1].at");
        let year_zero = NaiveDate::from_ymd_opt(0, 1, 1).ok_or("date")?;
        assert!(
            base(&schema)
                .attribute("birthday", year_zero)
                .build()
                .is_ok()
        );
        Ok(())
    }
}
