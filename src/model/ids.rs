//! Dense ids for the names a [`Schema`](super::Schema) declares.
//!
//! An id is an index into the schema that produced it, given in declaration order
//! from zero; ids of one schema mean nothing to another.

macro_rules! schema_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The position of the declaration, from zero, as a `usize` index.
            pub fn index(self) -> usize {
                // u32 always fits in usize on the platforms Rust supports for this
                // crate (16-bit targets have no `std`).
                self.0 as usize
            }
        }
    };
}

schema_id!(
    /// A contact attribute of a [`Schema`](super::Schema).
    ///
    /// ```
    /// use funil::model::{AttrId, Schema, Type};
    ///
    /// let schema = Schema::builder()
    ///     .attribute("email", Type::String)
    ///     .attribute("country", Type::String.optional())
    ///     .build()?;
    /// assert_eq!(schema.attribute("country"), Some(AttrId(1)));
    /// assert_eq!(AttrId(1).index(), 1);
    /// # Ok::<(), funil::model::SchemaError>(())
    /// ```
    AttrId
);

schema_id!(
    /// An event kind of a [`Schema`](super::Schema).
    ///
    /// ```
    /// use funil::model::{KindId, Schema};
    ///
    /// let schema = Schema::builder().event("email.sent", []).build()?;
    /// assert_eq!(schema.kind("email.sent"), Some(KindId(0)));
    /// # Ok::<(), funil::model::SchemaError>(())
    /// ```
    KindId
);

schema_id!(
    /// A group of event kinds of a [`Schema`](super::Schema).
    ///
    /// ```
    /// use funil::model::{GroupId, Schema};
    ///
    /// let schema = Schema::builder()
    ///     .event("email.sent", [])
    ///     .group("touch", ["email.sent"])
    ///     .build()?;
    /// assert_eq!(schema.group("touch"), Some(GroupId(0)));
    /// # Ok::<(), funil::model::SchemaError>(())
    /// ```
    GroupId
);

schema_id!(
    /// An action of a [`Schema`](super::Schema).
    ///
    /// ```
    /// use funil::model::{ActionId, Schema, Type};
    ///
    /// let schema = Schema::builder().action("add_tag", [("tag", Type::String)]).build()?;
    /// assert_eq!(schema.action("add_tag"), Some(ActionId(0)));
    /// # Ok::<(), funil::model::SchemaError>(())
    /// ```
    ActionId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_the_inner_number() {
        assert_eq!(AttrId(3).index(), 3);
        assert_eq!(KindId(0).index(), 0);
        assert_eq!(GroupId(7).index(), 7);
        assert_eq!(ActionId(u32::MAX).index(), u32::MAX as usize);
    }

    #[test]
    fn ids_order_by_declaration() {
        assert!(AttrId(1) < AttrId(2));
    }
}
