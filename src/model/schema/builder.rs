//! [`SchemaBuilder`]: declares attributes, event kinds, groups, actions and parameters.

use indexmap::IndexMap;

use super::Schema;
use crate::model::error::{SchemaError, SchemaErrorKind};
use crate::model::ids::KindId;
use crate::model::types::Type;

/// Builds a [`Schema`], one declaration at a time.
///
/// Two styles:
///
/// * fallible adds (`add_attribute`, `add_event_kind`, `add_group`, `add_action`)
///   return each declaration's error at once and leave the builder unchanged when they
///   fail, so a compiler can report every bad declaration and keep the good ones;
/// * chainable calls (`attribute`, `event`, `group`, `action`) for Rust code remember
///   the first error, ignore every later call, and [`build`](Self::build) returns it.
///
/// Names are checked for shape only: attributes, props, arguments and actions are
/// identifiers (`[A-Za-z_][A-Za-z0-9_]*`); event kinds and groups are identifiers
/// joined by `.`. Whether a name is a keyword is the language checker's business.
///
/// ```
/// use funil::model::{Schema, SchemaErrorKind, Type};
///
/// let mut builder = Schema::builder();
/// builder.add_event_kind("email.sent", vec![("campaign".into(), Type::String)])?;
/// let err = builder.add_group("touch", vec!["email.snet".into()]).unwrap_err();
/// assert_eq!(err.kind(), SchemaErrorKind::UnknownGroupMember);
/// assert_eq!(err.name(), "email.snet");
/// builder.add_group("touch", vec!["email.sent".into()])?;
/// let schema = builder.build()?;
/// assert!(schema.group("touch").is_some());
/// # Ok::<(), funil::model::SchemaError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct SchemaBuilder {
    schema: Schema,
    first_error: Option<SchemaError>,
}

impl SchemaBuilder {
    /// An empty builder; the same as [`Schema::builder`].
    pub fn new() -> Self {
        SchemaBuilder::default()
    }

    /// Declares a contact attribute.
    pub fn add_attribute(&mut self, name: impl Into<String>, ty: Type) -> Result<(), SchemaError> {
        let name = name.into();
        check_identifier(&name)?;
        self.check_free_data_name(&name)?;
        check_capacity(self.schema.attributes.len(), &name)?;
        self.schema.attributes.insert(name, ty);
        Ok(())
    }

    /// Declares an event kind (a dotted name) with its props, in slot order. A prop
    /// declared twice, or a prop named `at` (every event has it implicitly), is an
    /// error.
    pub fn add_event_kind(
        &mut self,
        name: impl Into<String>,
        props: Vec<(String, Type)>,
    ) -> Result<(), SchemaError> {
        let name = name.into();
        check_dotted(&name)?;
        self.check_free_data_name(&name)?;
        check_capacity(self.schema.kinds.len(), &name)?;
        let props = named_list(props, SchemaErrorKind::DuplicateProp, &name)?;
        if props.contains_key("at") {
            return Err(SchemaError::new(SchemaErrorKind::ReservedProp, "at").within(&name));
        }
        self.schema.kinds.insert(name, props);
        Ok(())
    }

    /// Declares a group of event kinds. Every member must be an event kind declared
    /// already (not a group), named once; a group needs at least one member.
    pub fn add_group(
        &mut self,
        name: impl Into<String>,
        members: Vec<String>,
    ) -> Result<(), SchemaError> {
        let name = name.into();
        check_dotted(&name)?;
        self.check_free_data_name(&name)?;
        check_capacity(self.schema.groups.len(), &name)?;
        if members.is_empty() {
            return Err(SchemaError::new(SchemaErrorKind::EmptyGroup, &name));
        }
        let mut ids: Vec<KindId> = Vec::with_capacity(members.len());
        for member in &members {
            let Some(id) = self.schema.kind(member) else {
                return Err(
                    SchemaError::new(SchemaErrorKind::UnknownGroupMember, member).within(&name),
                );
            };
            if ids.contains(&id) {
                return Err(
                    SchemaError::new(SchemaErrorKind::DuplicateGroupMember, member).within(&name),
                );
            }
            ids.push(id);
        }
        self.schema.groups.insert(name, ids);
        Ok(())
    }

    /// Declares an action with its named arguments, in order. Actions have their own
    /// namespace: an action may share a name with an attribute.
    pub fn add_action(
        &mut self,
        name: impl Into<String>,
        args: Vec<(String, Type)>,
    ) -> Result<(), SchemaError> {
        let name = name.into();
        check_identifier(&name)?;
        if self.schema.actions.contains_key(&name) {
            return Err(SchemaError::new(SchemaErrorKind::DuplicateName, &name));
        }
        check_capacity(self.schema.actions.len(), &name)?;
        let args = named_list(args, SchemaErrorKind::DuplicateArg, &name)?;
        self.schema.actions.insert(name, args.into_iter().collect());
        Ok(())
    }

    /// Declares a parameter: a number the host gives with a population
    /// ([`Program::evaluate_population`](crate::Program::evaluate_population)), which
    /// metrics read with `param(name)`. Its type is `number` (the host must give it) or
    /// `number?` (it may be left out, and is then null). Parameters have their own
    /// namespace.
    pub fn add_param(&mut self, name: impl Into<String>, ty: Type) -> Result<(), SchemaError> {
        let name = name.into();
        check_identifier(&name)?;
        if self.schema.params.contains_key(&name) {
            return Err(SchemaError::new(SchemaErrorKind::DuplicateName, &name));
        }
        if *ty.non_optional() != Type::Number {
            return Err(SchemaError::new(SchemaErrorKind::ParamType, &name));
        }
        check_capacity(self.schema.params.len(), &name)?;
        self.schema.params.insert(name, ty);
        Ok(())
    }

    /// Chainable [`add_attribute`](Self::add_attribute).
    #[must_use]
    pub fn attribute(self, name: &str, ty: Type) -> Self {
        self.chain(|b| b.add_attribute(name, ty))
    }

    /// Chainable [`add_event_kind`](Self::add_event_kind).
    #[must_use]
    pub fn event<'a>(self, kind: &str, props: impl IntoIterator<Item = (&'a str, Type)>) -> Self {
        let props = owned_pairs(props);
        self.chain(|b| b.add_event_kind(kind, props))
    }

    /// Chainable [`add_group`](Self::add_group).
    #[must_use]
    pub fn group<'a>(self, name: &str, members: impl IntoIterator<Item = &'a str>) -> Self {
        let members = members.into_iter().map(str::to_owned).collect();
        self.chain(|b| b.add_group(name, members))
    }

    /// Chainable [`add_action`](Self::add_action).
    #[must_use]
    pub fn action<'a>(self, name: &str, args: impl IntoIterator<Item = (&'a str, Type)>) -> Self {
        let args = owned_pairs(args);
        self.chain(|b| b.add_action(name, args))
    }

    /// Chainable [`add_param`](Self::add_param).
    #[must_use]
    pub fn param(self, name: &str, ty: Type) -> Self {
        self.chain(|b| b.add_param(name, ty))
    }

    /// The schema, or the first error a chainable call met.
    pub fn build(self) -> Result<Schema, SchemaError> {
        match self.first_error {
            Some(err) => Err(err),
            None => Ok(self.schema.sealed()),
        }
    }

    /// Runs `add` unless an error was met already, remembering its error.
    fn chain(mut self, add: impl FnOnce(&mut Self) -> Result<(), SchemaError>) -> Self {
        if self.first_error.is_none()
            && let Err(err) = add(&mut self)
        {
            self.first_error = Some(err);
        }
        self
    }

    fn check_free_data_name(&self, name: &str) -> Result<(), SchemaError> {
        if self.schema.has_data_name(name) {
            return Err(SchemaError::new(SchemaErrorKind::DuplicateName, name));
        }
        Ok(())
    }
}

fn owned_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, Type)>) -> Vec<(String, Type)> {
    pairs
        .into_iter()
        .map(|(name, ty)| (name.to_owned(), ty))
        .collect()
}

/// Checks the names of props or arguments and collects them in order.
fn named_list(
    pairs: Vec<(String, Type)>,
    duplicate: SchemaErrorKind,
    owner: &str,
) -> Result<IndexMap<String, Type>, SchemaError> {
    let mut out = IndexMap::with_capacity(pairs.len());
    for (name, ty) in pairs {
        check_identifier(&name).map_err(|err| err.within(owner))?;
        if out.contains_key(&name) {
            return Err(SchemaError::new(duplicate, &name).within(owner));
        }
        out.insert(name, ty);
    }
    Ok(out)
}

/// Refuses a declaration that would not have a `u32` id.
fn check_capacity(count: usize, name: &str) -> Result<(), SchemaError> {
    match u32::try_from(count) {
        Ok(_) => Ok(()),
        Err(_) => Err(SchemaError::new(SchemaErrorKind::TooManyDeclarations, name)),
    }
}

/// Whether `name` is an identifier: `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_identifier(name: &str) -> Result<(), SchemaError> {
    if is_identifier(name) {
        Ok(())
    } else {
        Err(SchemaError::new(SchemaErrorKind::InvalidName, name))
    }
}

/// Checks a dotted name: identifiers joined by `.`.
fn check_dotted(name: &str) -> Result<(), SchemaError> {
    if name.split('.').all(is_identifier) {
        Ok(())
    } else {
        Err(SchemaError::new(SchemaErrorKind::InvalidName, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(result: Result<(), SchemaError>) -> Option<SchemaErrorKind> {
        result.err().map(|err| err.kind())
    }

    #[test]
    fn names_must_be_identifiers_or_dotted() {
        let mut b = SchemaBuilder::new();
        assert_eq!(b.add_attribute("first_name", Type::String), Ok(()));
        assert_eq!(b.add_attribute("_x9", Type::String), Ok(()));
        for bad in ["", "1st", "first-name", "a.b", "é", "a b"] {
            assert_eq!(
                kind_of(b.add_attribute(bad, Type::String)),
                Some(SchemaErrorKind::InvalidName),
                "{bad:?}"
            );
        }
        assert_eq!(b.add_event_kind("contact.created", vec![]), Ok(()));
        assert_eq!(b.add_event_kind("purchase", vec![]), Ok(()));
        for bad in ["email.", ".email", "email..sent", "email.1", ""] {
            assert_eq!(
                kind_of(b.add_event_kind(bad, vec![])),
                Some(SchemaErrorKind::InvalidName),
                "{bad:?}"
            );
        }
        assert_eq!(
            kind_of(b.add_action("send.email", vec![])),
            Some(SchemaErrorKind::InvalidName)
        );
        let err = b.add_event_kind("k", vec![("bad-prop".into(), Type::String)]);
        assert_eq!(err.as_ref().err().and_then(SchemaError::owner), Some("k"));
    }

    #[test]
    fn attributes_kinds_and_groups_share_a_namespace() {
        let mut b = SchemaBuilder::new();
        assert_eq!(b.add_attribute("purchase", Type::Number), Ok(()));
        assert_eq!(
            kind_of(b.add_event_kind("purchase", vec![])),
            Some(SchemaErrorKind::DuplicateName)
        );
        assert_eq!(b.add_event_kind("email.sent", vec![]), Ok(()));
        assert_eq!(
            kind_of(b.add_attribute("email.sent", Type::Number)),
            Some(SchemaErrorKind::InvalidName)
        );
        assert_eq!(
            kind_of(b.add_group("purchase", vec!["email.sent".into()])),
            Some(SchemaErrorKind::DuplicateName)
        );
        assert_eq!(
            kind_of(b.add_group("email.sent", vec!["email.sent".into()])),
            Some(SchemaErrorKind::DuplicateName)
        );
        assert_eq!(b.add_group("touch", vec!["email.sent".into()]), Ok(()));
        assert_eq!(
            kind_of(b.add_attribute("touch", Type::Number)),
            Some(SchemaErrorKind::DuplicateName)
        );
        // `email` is not taken by `email.sent`.
        assert_eq!(b.add_attribute("email", Type::String), Ok(()));
    }

    #[test]
    fn actions_have_their_own_namespace() {
        let mut b = SchemaBuilder::new();
        assert_eq!(b.add_attribute("add_tag", Type::String), Ok(()));
        assert_eq!(
            b.add_action("add_tag", vec![("tag".into(), Type::String)]),
            Ok(())
        );
        assert_eq!(
            kind_of(b.add_action("add_tag", vec![])),
            Some(SchemaErrorKind::DuplicateName)
        );
        let dup = b.add_action(
            "notify",
            vec![
                ("reason".into(), Type::String),
                ("reason".into(), Type::String),
            ],
        );
        assert_eq!(kind_of(dup), Some(SchemaErrorKind::DuplicateArg));
    }

    #[test]
    fn params_are_numbers_in_their_own_namespace() {
        let mut b = SchemaBuilder::new();
        assert_eq!(b.add_attribute("cost", Type::Number), Ok(()));
        assert_eq!(b.add_param("cost", Type::Number), Ok(()));
        assert_eq!(b.add_param("budget", Type::Number.optional()), Ok(()));
        assert_eq!(
            kind_of(b.add_param("cost", Type::Number.optional())),
            Some(SchemaErrorKind::DuplicateName)
        );
        for bad in [
            Type::String,
            Type::list(Type::Number),
            Type::Optional(Box::new(Type::Number.optional())),
        ] {
            assert_eq!(
                kind_of(b.add_param("other", bad.clone())),
                Some(SchemaErrorKind::ParamType),
                "{bad}"
            );
        }
        assert_eq!(
            kind_of(b.add_param("a.b", Type::Number)),
            Some(SchemaErrorKind::InvalidName)
        );
        let schema = b.build();
        assert_eq!(schema.map(|s| s.param_count()), Ok(2));
    }

    #[test]
    fn event_props_are_checked() {
        let mut b = SchemaBuilder::new();
        let dup = b.add_event_kind(
            "email.clicked",
            vec![("url".into(), Type::String), ("url".into(), Type::String)],
        );
        assert_eq!(
            dup.err().map(|e| e.to_string()),
            Some("prop `url` is declared twice in event `email.clicked`".to_owned())
        );
        let at = b.add_event_kind("purchase", vec![("at".into(), Type::DateTime)]);
        assert_eq!(kind_of(at), Some(SchemaErrorKind::ReservedProp));
        // A failed add leaves nothing behind.
        assert_eq!(b.add_event_kind("email.clicked", vec![]), Ok(()));
    }

    #[test]
    fn group_members_must_be_declared_kinds() {
        let mut b = SchemaBuilder::new();
        assert_eq!(b.add_event_kind("email.sent", vec![]), Ok(()));
        assert_eq!(b.add_group("touch", vec!["email.sent".into()]), Ok(()));
        let unknown = b.add_group("g", vec!["email.sent".into(), "email.lost".into()]);
        assert_eq!(
            unknown.err().map(|e| e.to_string()),
            Some("group `g` names `email.lost`, which is not a declared event kind".to_owned())
        );
        assert_eq!(
            kind_of(b.add_group("g", vec!["touch".into()])),
            Some(SchemaErrorKind::UnknownGroupMember)
        );
        assert_eq!(
            kind_of(b.add_group("g", vec!["email.sent".into(), "email.sent".into()])),
            Some(SchemaErrorKind::DuplicateGroupMember)
        );
        assert_eq!(
            kind_of(b.add_group("g", vec![])),
            Some(SchemaErrorKind::EmptyGroup)
        );
    }

    #[test]
    fn chain_keeps_the_first_error() {
        let err = Schema::builder()
            .attribute("a", Type::String)
            .attribute("a", Type::String)
            .attribute("1bad", Type::String)
            .build()
            .err();
        assert_eq!(
            err.as_ref().map(SchemaError::kind),
            Some(SchemaErrorKind::DuplicateName)
        );
        assert_eq!(err.as_ref().map(SchemaError::name), Some("a"));
    }

    #[test]
    fn failed_adds_do_not_poison_build() {
        let mut b = SchemaBuilder::new();
        assert!(b.add_attribute("a", Type::String).is_ok());
        assert!(b.add_attribute("a", Type::Number).is_err());
        let schema = b.build();
        assert_eq!(schema.map(|s| s.attribute_count()), Ok(1));
    }
}
