//! Errors from building a schema ([`SchemaError`]) and from building or reading a
//! contact ([`ContactError`]).

use std::fmt;

/// What went wrong while building a [`Schema`](super::Schema).
///
/// ```
/// use funil::model::{Schema, SchemaErrorKind};
///
/// let err = Schema::builder().group("touch", ["email.sent"]).build().unwrap_err();
/// assert_eq!(err.kind(), SchemaErrorKind::UnknownGroupMember);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SchemaErrorKind {
    /// A name is declared twice: attributes, event kinds and groups share one
    /// namespace, actions have their own.
    DuplicateName,
    /// An event kind declares the same prop twice.
    DuplicateProp,
    /// An action declares the same argument twice.
    DuplicateArg,
    /// A group names something that is not a declared event kind.
    UnknownGroupMember,
    /// A group names the same kind twice.
    DuplicateGroupMember,
    /// A group has no members.
    EmptyGroup,
    /// An event kind declares `at`, which every event has implicitly.
    ReservedProp,
    /// A name is not an identifier (`[A-Za-z_][A-Za-z0-9_]*`), or, for event kinds and
    /// groups, not identifiers joined by `.`.
    InvalidName,
    /// More than `u32::MAX` declarations of one sort.
    TooManyDeclarations,
    /// A parameter whose type is not `number` or `number?`.
    ParamType,
}

/// An error from building a [`Schema`](super::Schema).
///
/// ```
/// use funil::model::{Schema, SchemaErrorKind, Type};
///
/// let err = Schema::builder()
///     .attribute("country", Type::String)
///     .attribute("country", Type::String.optional())
///     .build()
///     .unwrap_err();
/// assert_eq!(err.kind(), SchemaErrorKind::DuplicateName);
/// assert_eq!(err.name(), "country");
/// assert_eq!(err.to_string(), "`country` is declared twice");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct SchemaError {
    kind: SchemaErrorKind,
    name: String,
    owner: Option<String>,
}

impl SchemaError {
    pub(crate) fn new(kind: SchemaErrorKind, name: &str) -> Self {
        SchemaError {
            kind,
            name: name.to_owned(),
            owner: None,
        }
    }

    pub(crate) fn within(mut self, owner: &str) -> Self {
        self.owner = Some(owner.to_owned());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> SchemaErrorKind {
        self.kind
    }

    /// The offending name: the duplicate, the unknown member, the invalid name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The declaration the offending name belongs to, if any: the event kind of a
    /// prop, the action of an argument, the group of a member.
    pub fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    fn message(&self) -> String {
        let name = &self.name;
        let owner = self.owner.as_deref().unwrap_or_default();
        match self.kind {
            SchemaErrorKind::DuplicateName => format!("`{name}` is declared twice"),
            SchemaErrorKind::DuplicateProp => {
                format!("prop `{name}` is declared twice in event `{owner}`")
            }
            SchemaErrorKind::DuplicateArg => {
                format!("argument `{name}` is declared twice in action `{owner}`")
            }
            SchemaErrorKind::UnknownGroupMember => {
                format!("group `{owner}` names `{name}`, which is not a declared event kind")
            }
            SchemaErrorKind::DuplicateGroupMember => {
                format!("group `{owner}` names `{name}` twice")
            }
            SchemaErrorKind::EmptyGroup => format!("group `{name}` has no members"),
            SchemaErrorKind::ReservedProp => format!(
                "event `{owner}` cannot declare `{name}`: every event has the implicit prop `at: datetime`"
            ),
            SchemaErrorKind::InvalidName => format!("`{name}` is not a valid name"),
            SchemaErrorKind::ParamType => {
                format!("parameter `{name}` must be a `number` or a `number?`")
            }
            SchemaErrorKind::TooManyDeclarations => {
                format!(
                    "too many declarations: `{name}` is one more than {}",
                    u32::MAX
                )
            }
        }
    }
}

/// What went wrong while building or reading a [`Contact`](super::Contact).
///
/// ```
/// use funil::model::{Contact, ContactErrorKind, Schema};
///
/// let schema = Schema::builder().build()?;
/// let err = Contact::from_json(&schema, r#"{"id": "c-1", "tags": []}"#).unwrap_err();
/// assert_eq!(err.kind(), ContactErrorKind::UnknownField);
/// assert_eq!(err.field(), "tags");
/// # Ok::<(), funil::model::SchemaError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContactErrorKind {
    /// A value does not have the declared type (and is not one of the accepted text
    /// forms).
    WrongType,
    /// An attribute that the schema does not declare.
    UndeclaredAttribute,
    /// An event kind that the schema does not declare.
    UndeclaredKind,
    /// An event prop that its kind does not declare.
    UndeclaredProp,
    /// A non-optional attribute is absent.
    MissingAttribute,
    /// A non-optional event prop is absent.
    MissingProp,
    /// The contact id is absent, not a string, or empty.
    InvalidId,
    /// The text is not JSON, or the JSON does not have the contact's shape (an
    /// `events` that is not an array, an event without `kind`, …).
    MalformedJson,
    /// More events than the configured limit.
    TooManyEvents,
    /// An object has a field the contact format does not define.
    UnknownField,
    /// A date or datetime (in UTC) outside the years 0000 to 9999: the JSON form
    /// (RFC 3339, `YYYY-MM-DD`) cannot write it, so no contact holds one.
    OutOfRange,
}

/// An error from building or reading a [`Contact`](super::Contact).
///
/// It names the contact id (when known), the field as a path (`attributes.country`,
/// `events[3].props.amount`, `events[3].kind`, `id`) and the expected type in the
/// language's syntax.
///
/// ```
/// use funil::model::{Contact, ContactErrorKind, Schema, Type};
///
/// let schema = Schema::builder().attribute("total_spent", Type::Number).build()?;
/// let err = Contact::from_json(&schema, r#"{"id": "c-001", "attributes": {"total_spent": "abc"}}"#)
///     .unwrap_err();
/// assert_eq!(err.kind(), ContactErrorKind::WrongType);
/// assert_eq!(err.contact_id(), Some("c-001"));
/// assert_eq!(err.field(), "attributes.total_spent");
/// assert_eq!(err.expected(), Some("number"));
/// assert_eq!(
///     err.to_string(),
///     r#"contact `c-001`: attribute `total_spent`: expected number, found string "abc""#
/// );
/// # Ok::<(), funil::model::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct ContactError {
    kind: ContactErrorKind,
    contact_id: Option<String>,
    field: String,
    expected: Option<String>,
    detail: String,
}

impl ContactError {
    /// An error about `field`; `detail` is what was found or what is wrong.
    pub(crate) fn new(
        kind: ContactErrorKind,
        field: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        ContactError {
            kind,
            contact_id: None,
            field: field.into(),
            expected: None,
            detail: detail.into(),
        }
    }

    /// Records the expected type.
    pub(crate) fn expecting(mut self, expected: impl fmt::Display) -> Self {
        self.expected = Some(expected.to_string());
        self
    }

    /// Records the contact id, unless one is recorded already.
    pub(crate) fn for_contact(mut self, id: Option<&str>) -> Self {
        if self.contact_id.is_none() {
            self.contact_id = id.map(str::to_owned);
        }
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ContactErrorKind {
        self.kind
    }

    /// The contact's id, when it was known (it is not when the id itself is invalid).
    pub fn contact_id(&self) -> Option<&str> {
        self.contact_id.as_deref()
    }

    /// The offending field as a path: `id`, `attributes.country`, `events[3].kind`,
    /// `events[3].props.amount`, `events`, or the empty string for text that is not
    /// JSON at all.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The expected type in language syntax (`string?`, `number`), when the error is
    /// about a typed value.
    pub fn expected(&self) -> Option<&str> {
        self.expected.as_deref()
    }

    fn message(&self) -> String {
        let mut out = match &self.contact_id {
            Some(id) => format!("contact `{id}`: "),
            None => String::from("contact: "),
        };
        if let Some(name) = self.field.strip_prefix("attributes.") {
            out.push_str(&format!("attribute `{name}`"));
        } else if !self.field.is_empty() {
            out.push_str(&format!("`{}`", self.field));
        }
        let detail = &self.detail;
        let rest = match (self.kind, self.expected.as_deref()) {
            (ContactErrorKind::MissingAttribute | ContactErrorKind::MissingProp, Some(ty)) => {
                format!(" is missing: expected {ty}")
            }
            (_, Some(ty)) => format!(": expected {ty}, found {detail}"),
            (_, None) if self.field.is_empty() => detail.clone(),
            (_, None) => format!(": {detail}"),
        };
        out.push_str(&rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_error_messages_name_the_offender_in_backticks() {
        let cases = [
            (
                SchemaError::new(SchemaErrorKind::DuplicateName, "country"),
                "`country` is declared twice",
            ),
            (
                SchemaError::new(SchemaErrorKind::DuplicateProp, "url").within("email.clicked"),
                "prop `url` is declared twice in event `email.clicked`",
            ),
            (
                SchemaError::new(SchemaErrorKind::UnknownGroupMember, "email.lost")
                    .within("activity"),
                "group `activity` names `email.lost`, which is not a declared event kind",
            ),
            (
                SchemaError::new(SchemaErrorKind::InvalidName, "1st"),
                "`1st` is not a valid name",
            ),
            (
                SchemaError::new(SchemaErrorKind::EmptyGroup, "touch"),
                "group `touch` has no members",
            ),
        ];
        for (err, message) in cases {
            assert_eq!(err.to_string(), message);
        }
    }

    #[test]
    fn schema_error_accessors() {
        let err = SchemaError::new(SchemaErrorKind::DuplicateArg, "tag").within("add_tag");
        assert_eq!(err.kind(), SchemaErrorKind::DuplicateArg);
        assert_eq!(err.name(), "tag");
        assert_eq!(err.owner(), Some("add_tag"));
    }

    #[test]
    fn contact_error_messages() {
        let wrong = ContactError::new(
            ContactErrorKind::WrongType,
            "attributes.total_spent",
            "string \"abc\"",
        )
        .expecting("number")
        .for_contact(Some("c-001"));
        assert_eq!(
            wrong.to_string(),
            "contact `c-001`: attribute `total_spent`: expected number, found string \"abc\""
        );
        let missing = ContactError::new(
            ContactErrorKind::MissingProp,
            "events[2].props.campaign",
            "",
        )
        .expecting("string")
        .for_contact(Some("c-9"));
        assert_eq!(
            missing.to_string(),
            "contact `c-9`: `events[2].props.campaign` is missing: expected string"
        );
        let id = ContactError::new(
            ContactErrorKind::InvalidId,
            "id",
            "expected a non-empty string",
        );
        assert_eq!(id.to_string(), "contact: `id`: expected a non-empty string");
        assert_eq!(id.contact_id(), None);
        assert_eq!(id.expected(), None);
        let json = ContactError::new(ContactErrorKind::MalformedJson, "", "malformed JSON: EOF");
        assert_eq!(json.to_string(), "contact: malformed JSON: EOF");
    }

    #[test]
    fn first_contact_id_is_kept() {
        let err = ContactError::new(ContactErrorKind::InvalidId, "id", "empty")
            .for_contact(Some("a"))
            .for_contact(Some("b"));
        assert_eq!(err.contact_id(), Some("a"));
    }
}
