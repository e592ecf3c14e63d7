//! [`View`]: how to read a contact out of a caller's own type, declared once per
//! type, by attribute name, and resolved to the schema's slots.
//!
//! A view lends each attribute as a [`ValueRef`] borrowed from the caller's value.
//! It serves two ways of evaluating the caller's data without building a
//! [`Contact`] through the builder: [`View::fill`] refills a [`ContactBuffer`] for
//! any evaluation, and [`crate::Program::predicate`] compiles a segment into a
//! test that reads the caller's fields directly.

use std::fmt;

use super::contact::{Contact, ContactBuffer, Refill, ValueRef, describe_ref};
use super::error::{ContactError, ContactErrorKind};
use super::ids::AttrId;
use super::schema::Schema;
use super::value::Value;
use crate::eval::predicate::{Leaf, Test};

/// How a view reads one attribute of a `T`: the caller's function, behind which
/// its type is known, so that the tests compiled from it call it directly.
pub(crate) trait Lens<T>: Send + Sync {
    /// The attribute of `value`.
    fn lend<'r>(&self, value: &'r T) -> ValueRef<'r>;

    /// The test `leaf` of the attribute, calling the function without a dispatch.
    fn compile<'v>(&'v self, leaf: Leaf) -> Test<'v, T>
    where
        T: 'v;
}

/// A [`Lens`] made of the caller's function `F`.
struct Read<F>(F);

impl<T, F> Lens<T> for Read<F>
where
    F: for<'r> Fn(&'r T) -> ValueRef<'r> + Send + Sync,
{
    fn lend<'r>(&self, value: &'r T) -> ValueRef<'r> {
        (self.0)(value)
    }

    fn compile<'v>(&'v self, leaf: Leaf) -> Test<'v, T>
    where
        T: 'v,
    {
        leaf.compile(&self.0)
    }
}

/// How a view reads one attribute of a `T`.
pub(crate) type Accessor<T> = Box<dyn Lens<T>>;

/// How a view reads the id of a `T`.
type IdAccessor<T> = Box<dyn for<'r> Fn(&'r T) -> &'r str + Send + Sync>;

/// How a view gives the events of a `T`.
type EventsWriter<T> = Box<dyn Fn(&T, &mut Refill<'_, '_>) + Send + Sync>;

/// A caller's type `T` seen as a contact of a schema: its id, each attribute it
/// has, and its events, each read by a function given once, by name.
///
/// Attributes are checked when read: a value of another type than the declared
/// one (or a null for a non-optional attribute) is a [`ContactError`] naming the
/// contact, the attribute and the expected type, never a wrong answer.
///
/// ```
/// use funil::model::{ContactBuffer, View};
///
/// struct Lead { id: String, country: Option<String>, score: u32 }
///
/// let program = funil::compile(r#"
///     schema { contact { country: string?, score: number } }
///     segment target { country == "BR" and score >= 60 }
///     score fit { when score >= 90 => +10 }
/// "#)?;
/// let view = View::new(program.schema())
///     .id(|lead: &Lead| &lead.id)
///     .attribute("country", |lead: &Lead| lead.country.as_deref().into())?
///     .attribute("score", |lead: &Lead| lead.score.into())?;
///
/// let lead = Lead { id: "c-1".into(), country: Some("BR".into()), score: 95 };
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// // Any evaluation, through a buffer refilled in place:
/// let mut buffer = ContactBuffer::new(program.schema());
/// let contact = view.fill(&lead, &mut buffer)?;
/// assert_eq!(program.score("fit", contact, &context)?, 10.into());
/// // A segment of attribute tests, compiled to read the fields directly:
/// let target = program.predicate(program.segment_id("target")?, &view)?;
/// assert_eq!(target.test(&lead), Ok(true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct View<T> {
    schema_fingerprint: u64,
    id: Option<IdAccessor<T>>,
    attributes: Vec<Option<Accessor<T>>>,
    names: Vec<String>,
    types: Vec<super::types::Type>,
    events: Option<EventsWriter<T>>,
}

impl<T> View<T> {
    /// A view of `T` as a contact of `schema` that reads nothing yet.
    pub fn new(schema: &Schema) -> Self {
        View {
            schema_fingerprint: schema.fingerprint(),
            id: None,
            attributes: (0..schema.attribute_count()).map(|_| None).collect(),
            names: schema.attribute_names().map(str::to_owned).collect(),
            types: schema.attributes().map(|(_, _, ty)| ty.clone()).collect(),
            events: None,
        }
    }

    /// Reads the contact id with `id`.
    #[must_use]
    pub fn id(mut self, id: impl for<'r> Fn(&'r T) -> &'r str + Send + Sync + 'static) -> Self {
        self.id = Some(Box::new(id));
        self
    }

    /// Reads the attribute `name` with `read`.
    ///
    /// # Errors
    ///
    /// An [`UndeclaredAttribute`](ContactErrorKind::UndeclaredAttribute) error when
    /// the schema has no attribute `name`.
    pub fn attribute(
        mut self,
        name: &str,
        read: impl for<'r> Fn(&'r T) -> ValueRef<'r> + Send + Sync + 'static,
    ) -> Result<Self, ContactError> {
        let slot = self
            .names
            .iter()
            .position(|declared| declared == name)
            .and_then(|index| self.attributes.get_mut(index));
        let Some(slot) = slot else {
            return Err(ContactError::new(
                ContactErrorKind::UndeclaredAttribute,
                format!("attributes.{name}"),
                "not declared in the schema",
            ));
        };
        *slot = Some(Box::new(Read(read)));
        Ok(self)
    }

    /// Gives the events of a `T` with `write`, which adds them to the contact being
    /// refilled ([`Refill::event`], [`Refill::prop`]).
    #[must_use]
    pub fn events(
        mut self,
        write: impl Fn(&T, &mut Refill<'_, '_>) + Send + Sync + 'static,
    ) -> Self {
        self.events = Some(Box::new(write));
        self
    }

    /// `value` as a contact, in `buffer` (refilled in place): its id, every
    /// attribute the view reads, and its events.
    ///
    /// # Errors
    ///
    /// A [`ContactError`]: a value of the wrong type, a non-optional attribute the
    /// view does not read, no id (the view reads none, or it is empty), a buffer of
    /// another schema, and the errors of [`Refill::finish`].
    pub fn fill<'b>(
        &self,
        value: &T,
        buffer: &'b mut ContactBuffer<'_>,
    ) -> Result<&'b Contact, ContactError> {
        if buffer.schema_fingerprint() != self.schema_fingerprint {
            return Err(ContactError::new(
                ContactErrorKind::WrongType,
                "",
                "the buffer is for another schema than the view",
            ));
        }
        let id = self.read_id(value).unwrap_or("");
        let mut refill = buffer.refill(id);
        for (index, read) in (0_u32..).zip(&self.attributes) {
            if let Some(read) = read {
                refill.attribute(AttrId(index), read.lend(value));
            }
        }
        if let Some(events) = &self.events {
            events(value, &mut refill);
        }
        refill.finish()
    }

    /// The id of `value`, when the view reads ids.
    pub(crate) fn read_id<'r>(&self, value: &'r T) -> Option<&'r str> {
        self.id.as_ref().map(|id| id(value))
    }

    /// The accessor of `attribute`, when the view reads it.
    pub(crate) fn accessor(&self, attribute: AttrId) -> Option<&Accessor<T>> {
        self.attributes.get(attribute.index())?.as_ref()
    }

    /// The error for the value of `attribute` read from `value`, which does not
    /// have the attribute's type.
    pub(crate) fn wrong_type(&self, attribute: AttrId, value: &T) -> ContactError {
        let name = self.names.get(attribute.index()).map_or("", String::as_str);
        let found = self.accessor(attribute).map_or_else(
            || describe_ref(ValueRef::Null),
            |read| describe_ref(read.lend(value)),
        );
        let id = self.read_id(value);
        let error = ContactError::new(
            ContactErrorKind::WrongType,
            format!("attributes.{name}"),
            found,
        );
        match self.types.get(attribute.index()) {
            Some(ty) => error.expecting(ty),
            None => error,
        }
        .for_contact(id)
    }

    /// The fingerprint of the schema the view reads contacts of.
    pub(crate) fn schema_fingerprint(&self) -> u64 {
        self.schema_fingerprint
    }

    /// The name of `attribute`.
    pub(crate) fn attribute_name(&self, attribute: AttrId) -> &str {
        self.names.get(attribute.index()).map_or("", String::as_str)
    }
}

impl<T> fmt::Debug for View<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let read: Vec<&str> = self
            .names
            .iter()
            .zip(&self.attributes)
            .filter(|(_, read)| read.is_some())
            .map(|(name, _)| name.as_str())
            .collect();
        f.debug_struct("View")
            .field("id", &self.id.is_some())
            .field("attributes", &read)
            .field("events", &self.events.is_some())
            .finish()
    }
}

/// Whether a lent value has `ty` (null only for an optional type).
pub(crate) fn lent_conforms(value: ValueRef<'_>, ty: &super::types::Type) -> bool {
    use super::types::Type;
    match (value, ty.non_optional()) {
        (ValueRef::Null, _) => ty.is_optional(),
        (ValueRef::Bool(_), Type::Bool)
        | (ValueRef::Number(_) | ValueRef::Integer(_), Type::Number)
        | (ValueRef::String(_), Type::String)
        | (ValueRef::Date(_), Type::Date)
        | (ValueRef::DateTime(_), Type::DateTime)
        | (ValueRef::Duration(_), Type::Duration) => true,
        (ValueRef::Value(value), _) => value.conforms_to(ty),
        _ => false,
    }
}

/// A lent value as an owned one, for values that hold no text (no allocation);
/// `None` for texts and lists.
pub(crate) fn lent_scalar(value: ValueRef<'_>) -> Option<Value> {
    Some(match value {
        ValueRef::Null => Value::Null,
        ValueRef::Bool(b) => Value::Bool(b),
        ValueRef::Number(n) => Value::Number(n),
        ValueRef::Integer(n) => Value::Number(n.into()),
        ValueRef::Date(d) => Value::Date(d),
        ValueRef::DateTime(at) => Value::DateTime(at),
        ValueRef::Duration(d) => Value::Duration(d),
        ValueRef::Value(Value::String(_) | Value::List(_)) | ValueRef::String(_) => return None,
        ValueRef::Value(value) => value.clone(),
    })
}
