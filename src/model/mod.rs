//! The data model: types, values, the schema, contacts and their events.
