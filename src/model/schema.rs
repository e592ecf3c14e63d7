//! The data-model schema: contact attributes, event kinds with their props, groups of
//! kinds, actions (spec §2), and the parameters a host gives with a population, which
//! metrics read.
//!
//! Attributes, event kinds and groups share one namespace; actions have their own, and
//! so have parameters.
//! Every event also has the implicit prop `at: datetime`, which is not stored among
//! the props: [`Schema::prop`] does not know it, and the checker handles `at` itself.

mod builder;
mod fingerprint;

use indexmap::IndexMap;

pub use builder::SchemaBuilder;

use super::ids::{ActionId, AttrId, GroupId, KindId};
use super::types::Type;

/// The declarations rules are checked against and contacts are validated against.
///
/// Built with [`Schema::builder`]; immutable afterwards, and `Send + Sync`, so one
/// schema serves many threads. Lookups by name give dense ids ([`AttrId`],
/// [`KindId`], [`GroupId`], [`ActionId`]); lookups by id never panic: a name of an id
/// that this schema did not give is the empty string, a type is `None`, a list is
/// empty.
///
/// ```
/// use funil::model::{Schema, Type};
///
/// let schema = Schema::builder()
///     .attribute("email", Type::String)
///     .attribute("tags", Type::list(Type::String))
///     .event("email.opened", [("campaign", Type::String)])
///     .event("email.clicked", [("campaign", Type::String), ("url", Type::String)])
///     .group("activity", ["email.opened", "email.clicked"])
///     .action("add_tag", [("tag", Type::String)])
///     .build()?;
///
/// let tags = schema.attribute("tags").unwrap();
/// assert_eq!(schema.attribute_type(tags), Some(&Type::list(Type::String)));
/// let clicked = schema.kind("email.clicked").unwrap();
/// assert_eq!(schema.prop(clicked, "url"), Some((1, &Type::String)));
/// assert_eq!(schema.prop(clicked, "at"), None); // implicit, handled by the checker
/// let activity = schema.group("activity").unwrap();
/// assert_eq!(schema.group_props(activity), vec![("campaign".to_string(), Type::String)]);
/// # Ok::<(), funil::model::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    attributes: IndexMap<String, Type>,
    kinds: IndexMap<String, IndexMap<String, Type>>,
    groups: IndexMap<String, Vec<KindId>>,
    actions: IndexMap<String, Vec<(String, Type)>>,
    /// Parameters of a population (`param cost: number`), read by metrics.
    params: IndexMap<String, Type>,
    /// The fingerprint of the declarations above, computed once they are final
    /// ([`Schema::sealed`]): every contact built records it.
    fingerprint: u64,
}

/// The empty schema.
impl Default for Schema {
    fn default() -> Schema {
        Schema {
            attributes: IndexMap::new(),
            kinds: IndexMap::new(),
            groups: IndexMap::new(),
            actions: IndexMap::new(),
            params: IndexMap::new(),
            fingerprint: 0,
        }
        .sealed()
    }
}

/// Converts a declaration index to an id number; indexes always fit, since the
/// builder refuses declarations beyond `u32::MAX`.
fn id_number(index: usize) -> Option<u32> {
    u32::try_from(index).ok()
}

impl Schema {
    /// A builder for a schema.
    pub fn builder() -> SchemaBuilder {
        SchemaBuilder::new()
    }

    // ----- attributes -----

    /// The attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<AttrId> {
        self.attributes
            .get_index_of(name)
            .and_then(id_number)
            .map(AttrId)
    }

    /// The declared type of an attribute.
    pub fn attribute_type(&self, id: AttrId) -> Option<&Type> {
        self.attributes.get_index(id.index()).map(|(_, ty)| ty)
    }

    /// The name of an attribute (empty for an id this schema did not give).
    pub fn attribute_name(&self, id: AttrId) -> &str {
        self.attributes
            .get_index(id.index())
            .map_or("", |(name, _)| name)
    }

    /// The attributes in declaration order.
    pub fn attributes(&self) -> impl Iterator<Item = (AttrId, &str, &Type)> {
        self.attributes
            .iter()
            .enumerate()
            .filter_map(|(i, (name, ty))| Some((AttrId(id_number(i)?), name.as_str(), ty)))
    }

    /// How many attributes are declared.
    pub fn attribute_count(&self) -> usize {
        self.attributes.len()
    }

    /// The attribute names in declaration order (for "did you mean" suggestions).
    pub fn attribute_names(&self) -> impl Iterator<Item = &str> {
        self.attributes.keys().map(String::as_str)
    }

    // ----- event kinds -----

    /// The event kind named `name` (a dotted name such as `email.clicked`).
    pub fn kind(&self, name: &str) -> Option<KindId> {
        self.kinds
            .get_index_of(name)
            .and_then(id_number)
            .map(KindId)
    }

    /// The name of an event kind (empty for an id this schema did not give).
    pub fn kind_name(&self, id: KindId) -> &str {
        self.kinds
            .get_index(id.index())
            .map_or("", |(name, _)| name)
    }

    /// The event kinds in declaration order.
    pub fn kinds(&self) -> impl Iterator<Item = (KindId, &str)> {
        self.kinds
            .keys()
            .enumerate()
            .filter_map(|(i, name)| Some((KindId(id_number(i)?), name.as_str())))
    }

    /// How many event kinds are declared.
    pub fn kind_count(&self) -> usize {
        self.kinds.len()
    }

    /// The declared prop `name` of `kind`: its slot in the event's props and its type.
    /// The implicit `at` is not a declared prop, so `prop(kind, "at")` is `None`.
    pub fn prop(&self, kind: KindId, name: &str) -> Option<(usize, &Type)> {
        let props = self.kinds.get_index(kind.index())?.1;
        props.get_full(name).map(|(slot, _, ty)| (slot, ty))
    }

    /// The declared props of `kind` in slot order (empty for an unknown id).
    pub fn props(&self, kind: KindId) -> impl Iterator<Item = (&str, &Type)> {
        self.kinds
            .get_index(kind.index())
            .into_iter()
            .flat_map(|(_, props)| props.iter().map(|(name, ty)| (name.as_str(), ty)))
    }

    /// How many props `kind` declares (0 for an unknown id).
    pub fn prop_count(&self, kind: KindId) -> usize {
        self.kinds
            .get_index(kind.index())
            .map_or(0, |(_, props)| props.len())
    }

    // ----- groups -----

    /// The group named `name`.
    pub fn group(&self, name: &str) -> Option<GroupId> {
        self.groups
            .get_index_of(name)
            .and_then(id_number)
            .map(GroupId)
    }

    /// The name of a group (empty for an id this schema did not give).
    pub fn group_name(&self, id: GroupId) -> &str {
        self.groups
            .get_index(id.index())
            .map_or("", |(name, _)| name)
    }

    /// The groups in declaration order.
    pub fn groups(&self) -> impl Iterator<Item = (GroupId, &str)> {
        self.groups
            .keys()
            .enumerate()
            .filter_map(|(i, name)| Some((GroupId(id_number(i)?), name.as_str())))
    }

    /// The member kinds of a group, in the order declared (empty for an unknown id).
    pub fn group_members(&self, id: GroupId) -> &[KindId] {
        self.groups
            .get_index(id.index())
            .map_or(&[], |(_, members)| members.as_slice())
    }

    /// The props of a group: those declared with the same type by every member, in
    /// the first member's order.
    pub fn group_props(&self, id: GroupId) -> Vec<(String, Type)> {
        let members = self.group_members(id);
        let Some((first, rest)) = members.split_first() else {
            return Vec::new();
        };
        self.props(*first)
            .filter(|(name, ty)| {
                rest.iter()
                    .all(|member| self.prop(*member, name).is_some_and(|(_, t)| t == *ty))
            })
            .map(|(name, ty)| (name.to_owned(), ty.clone()))
            .collect()
    }

    /// The names of all event kinds and then all groups, in declaration order (for
    /// "did you mean" suggestions where a query expects a kind or a group).
    pub fn kind_and_group_names(&self) -> impl Iterator<Item = &str> {
        self.kinds
            .keys()
            .chain(self.groups.keys())
            .map(String::as_str)
    }

    // ----- actions -----

    /// The action named `name`.
    pub fn action(&self, name: &str) -> Option<ActionId> {
        self.actions
            .get_index_of(name)
            .and_then(id_number)
            .map(ActionId)
    }

    /// The name of an action (empty for an id this schema did not give).
    pub fn action_name(&self, id: ActionId) -> &str {
        self.actions
            .get_index(id.index())
            .map_or("", |(name, _)| name)
    }

    /// The actions in declaration order.
    pub fn actions(&self) -> impl Iterator<Item = (ActionId, &str)> {
        self.actions
            .keys()
            .enumerate()
            .filter_map(|(i, name)| Some((ActionId(id_number(i)?), name.as_str())))
    }

    /// The named arguments of an action with their types, in declaration order
    /// (empty for an unknown id).
    pub fn action_args(&self, id: ActionId) -> &[(String, Type)] {
        self.actions
            .get_index(id.index())
            .map_or(&[], |(_, args)| args.as_slice())
    }

    /// The action names in declaration order (for "did you mean" suggestions).
    pub fn action_names(&self) -> impl Iterator<Item = &str> {
        self.actions.keys().map(String::as_str)
    }

    // ----- parameters -----

    /// The parameter named `name`: its index in declaration order and its type.
    ///
    /// ```
    /// use funil::model::{Schema, Type};
    ///
    /// let schema = Schema::builder()
    ///     .param("cost", Type::Number)
    ///     .param("budget", Type::Number.optional())
    ///     .build()?;
    /// assert_eq!(schema.param("budget"), Some((1, &Type::Number.optional())));
    /// assert_eq!(schema.param("spend"), None);
    /// assert_eq!(schema.params().map(|(name, _)| name).collect::<Vec<_>>(), ["cost", "budget"]);
    /// # Ok::<(), funil::model::SchemaError>(())
    /// ```
    pub fn param(&self, name: &str) -> Option<(usize, &Type)> {
        self.params.get_full(name).map(|(index, _, ty)| (index, ty))
    }

    /// The parameters with their types, in declaration order.
    pub fn params(&self) -> impl Iterator<Item = (&str, &Type)> {
        self.params.iter().map(|(name, ty)| (name.as_str(), ty))
    }

    /// How many parameters are declared.
    pub fn param_count(&self) -> usize {
        self.params.len()
    }

    /// A stable 64-bit FNV-1a hash of the schema's content: every declaration's name
    /// and types, in order. The same schema gives the same fingerprint on every
    /// platform and in every run; contacts record it, so a contact built for another
    /// schema can be detected. Parameters are left out: they belong to a population,
    /// not to its contacts, so a contact fits programs that differ only in them.
    ///
    /// ```
    /// use funil::model::{Schema, Type};
    ///
    /// let a = Schema::builder().attribute("email", Type::String).build()?;
    /// let b = Schema::builder().attribute("email", Type::String.optional()).build()?;
    /// assert_eq!(a.fingerprint(), a.clone().fingerprint());
    /// assert_ne!(a.fingerprint(), b.fingerprint());
    /// # Ok::<(), funil::model::SchemaError>(())
    /// ```
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The schema with its fingerprint computed from its final declarations.
    pub(super) fn sealed(mut self) -> Schema {
        self.fingerprint = fingerprint::of(&self);
        self
    }

    /// Whether `name` is taken in the namespace shared by attributes, kinds and groups.
    fn has_data_name(&self, name: &str) -> bool {
        self.attributes.contains_key(name)
            || self.kinds.contains_key(name)
            || self.groups.contains_key(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn example() -> Result<Schema, crate::model::SchemaError> {
        Schema::builder()
            .attribute("email", Type::String)
            .attribute("country", Type::String.optional())
            .attribute("tags", Type::list(Type::String))
            .event("email.sent", [("campaign", Type::String)])
            .event(
                "email.clicked",
                [("campaign", Type::String), ("url", Type::String)],
            )
            .event(
                "email.bounced",
                [("kind", Type::String), ("campaign", Type::String)],
            )
            .event(
                "purchase",
                [("campaign", Type::Number), ("amount", Type::Number)],
            )
            .event("contact.created", [])
            .group("mail", ["email.sent", "email.clicked", "email.bounced"])
            .group("mixed", ["email.sent", "purchase"])
            .action(
                "notify_sales",
                [("owner", Type::String.optional()), ("reason", Type::String)],
            )
            .build()
    }

    #[test]
    fn attributes_in_declaration_order() -> TestResult {
        let schema = example()?;
        assert_eq!(schema.attribute_count(), 3);
        assert_eq!(schema.attribute("country"), Some(AttrId(1)));
        assert_eq!(schema.attribute("contry"), None);
        assert_eq!(schema.attribute_name(AttrId(2)), "tags");
        assert_eq!(
            schema.attribute_type(AttrId(1)),
            Some(&Type::String.optional())
        );
        let listed: Vec<_> = schema
            .attributes()
            .map(|(id, name, _)| (id, name))
            .collect();
        assert_eq!(
            listed,
            vec![
                (AttrId(0), "email"),
                (AttrId(1), "country"),
                (AttrId(2), "tags")
            ]
        );
        assert_eq!(
            schema.attribute_names().collect::<Vec<_>>(),
            ["email", "country", "tags"]
        );
        Ok(())
    }

    #[test]
    fn unknown_ids_never_panic() -> TestResult {
        let schema = example()?;
        assert_eq!(schema.attribute_name(AttrId(99)), "");
        assert_eq!(schema.attribute_type(AttrId(99)), None);
        assert_eq!(schema.kind_name(KindId(99)), "");
        assert_eq!(schema.prop(KindId(99), "campaign"), None);
        assert_eq!(schema.props(KindId(99)).count(), 0);
        assert_eq!(schema.prop_count(KindId(99)), 0);
        assert_eq!(schema.group_name(GroupId(99)), "");
        assert!(schema.group_members(GroupId(99)).is_empty());
        assert!(schema.group_props(GroupId(99)).is_empty());
        assert_eq!(schema.action_name(ActionId(99)), "");
        assert!(schema.action_args(ActionId(99)).is_empty());
        Ok(())
    }

    #[test]
    fn props_have_slots_and_at_is_implicit() -> TestResult {
        let schema = example()?;
        let bounced = schema.kind("email.bounced").ok_or("missing in test")?;
        assert_eq!(schema.prop(bounced, "kind"), Some((0, &Type::String)));
        assert_eq!(schema.prop(bounced, "campaign"), Some((1, &Type::String)));
        assert_eq!(schema.prop(bounced, "at"), None);
        assert_eq!(schema.prop_count(bounced), 2);
        let created = schema.kind("contact.created").ok_or("missing in test")?;
        assert_eq!(schema.props(created).count(), 0);
        assert_eq!(schema.kind_name(created), "contact.created");
        assert_eq!(schema.kind_count(), 5);
        Ok(())
    }

    #[test]
    fn group_props_are_shared_with_the_same_type() -> TestResult {
        let schema = example()?;
        let mail = schema.group("mail").ok_or("missing in test")?;
        assert_eq!(schema.group_name(mail), "mail");
        assert_eq!(
            schema.group_members(mail),
            &[KindId(0), KindId(1), KindId(2)]
        );
        assert_eq!(
            schema.group_props(mail),
            vec![("campaign".to_owned(), Type::String)]
        );
        // `campaign` is a number in `purchase`, so `mixed` has no props.
        let mixed = schema.group("mixed").ok_or("missing in test")?;
        assert!(schema.group_props(mixed).is_empty());
        Ok(())
    }

    #[test]
    fn name_lists_for_suggestions() -> TestResult {
        let schema = example()?;
        assert_eq!(
            schema.kind_and_group_names().collect::<Vec<_>>(),
            [
                "email.sent",
                "email.clicked",
                "email.bounced",
                "purchase",
                "contact.created",
                "mail",
                "mixed"
            ]
        );
        assert_eq!(schema.action_names().collect::<Vec<_>>(), ["notify_sales"]);
        let notify = schema.action("notify_sales").ok_or("missing in test")?;
        assert_eq!(schema.action_args(notify).len(), 2);
        assert_eq!(schema.actions().count(), 1);
        assert_eq!(schema.groups().count(), 2);
        assert_eq!(schema.kinds().nth(3), Some((KindId(3), "purchase")));
        Ok(())
    }

    #[test]
    fn schema_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Schema>();
    }
}
