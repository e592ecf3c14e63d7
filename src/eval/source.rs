//! Where the contacts of a batch come from: contacts already built, or the
//! caller's own values read through a [`View`] into one [`ContactBuffer`] per
//! thread, refilled for each value at each pass over the batch.

use std::convert::Infallible;

use crate::model::{Contact, ContactBuffer, ContactError, Schema, View};

/// The contacts of a batch: its items, each read as a contact.
pub(super) trait Source: Sync {
    /// One item of the batch.
    type Item: Sync;
    /// What a thread keeps to read contacts with.
    type Scratch: Send;
    /// Why an item could not be read as a contact.
    type Error: Send;

    /// The batch's items, in order.
    fn items(&self) -> &[Self::Item];

    /// A new scratch, for one thread.
    fn scratch(&self) -> Self::Scratch;

    /// The contact id of `item` (ties in rankings go to the smaller).
    fn id<'a>(&'a self, item: &'a Self::Item) -> Option<&'a str>;

    /// `item` as a contact.
    fn contact<'a>(
        &'a self,
        item: &'a Self::Item,
        scratch: &'a mut Self::Scratch,
    ) -> Result<&'a Contact, Self::Error>;
}

/// Contacts already built.
pub(super) struct Built<'a, 'c>(pub &'a [&'c Contact]);

impl<'c> Source for Built<'_, 'c> {
    type Item = &'c Contact;
    type Scratch = ();
    type Error = Infallible;

    fn items(&self) -> &[&'c Contact] {
        self.0
    }

    fn scratch(&self) {}

    fn id<'a>(&'a self, item: &'a &'c Contact) -> Option<&'a str> {
        Some(item.id())
    }

    fn contact<'a>(
        &'a self,
        item: &'a &'c Contact,
        (): &'a mut (),
    ) -> Result<&'a Contact, Infallible> {
        Ok(item)
    }
}

/// The caller's values, each read through a view.
pub(super) struct Viewed<'a, T> {
    pub values: &'a [T],
    pub view: &'a View<T>,
    pub schema: &'a Schema,
}

impl<'s, T: Sync> Source for Viewed<'s, T> {
    type Item = T;
    type Scratch = ContactBuffer<'s>;
    type Error = ContactError;

    fn items(&self) -> &[T] {
        self.values
    }

    fn scratch(&self) -> ContactBuffer<'s> {
        ContactBuffer::new(self.schema)
    }

    fn id<'a>(&'a self, item: &'a T) -> Option<&'a str> {
        self.view.read_id(item)
    }

    fn contact<'a>(
        &'a self,
        item: &'a T,
        buffer: &'a mut ContactBuffer<'s>,
    ) -> Result<&'a Contact, ContactError> {
        self.view.fill(item, buffer)
    }
}
