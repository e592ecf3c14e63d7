//! The schema fingerprint: FNV-1a (64-bit) over the schema's declarations.
//!
//! The input is a fixed byte encoding, independent of platform and run: a tag byte per
//! section, counts as little-endian `u64`, and names and types (in language syntax)
//! as UTF-8 each followed by a `0xFF` byte (which never occurs in UTF-8).

use super::Schema;
use crate::model::types::Type;

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, fed incrementally.
struct Fnv1a(u64);

impl Fnv1a {
    fn bytes(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(PRIME);
        }
    }

    fn count(&mut self, n: usize) {
        self.bytes(&(n as u64).to_le_bytes());
    }

    fn text(&mut self, s: &str) {
        self.bytes(s.as_bytes());
        self.bytes(&[0xFF]);
    }

    fn ty(&mut self, ty: &Type) {
        self.text(&ty.to_string());
    }
}

/// The fingerprint of `schema`.
pub(super) fn of(schema: &Schema) -> u64 {
    let mut h = Fnv1a(OFFSET_BASIS);
    h.bytes(b"A");
    h.count(schema.attributes.len());
    for (name, ty) in &schema.attributes {
        h.text(name);
        h.ty(ty);
    }
    h.bytes(b"K");
    h.count(schema.kinds.len());
    for (name, props) in &schema.kinds {
        h.text(name);
        h.count(props.len());
        for (prop, ty) in props {
            h.text(prop);
            h.ty(ty);
        }
    }
    h.bytes(b"G");
    h.count(schema.groups.len());
    for (name, members) in &schema.groups {
        h.text(name);
        h.count(members.len());
        for member in members {
            h.bytes(&member.0.to_le_bytes());
        }
    }
    h.bytes(b"X");
    h.count(schema.actions.len());
    for (name, args) in &schema.actions {
        h.text(name);
        h.count(args.len());
        for (arg, ty) in args {
            h.text(arg);
            h.ty(ty);
        }
    }
    h.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        let mut empty = Fnv1a(OFFSET_BASIS);
        empty.bytes(b"");
        assert_eq!(empty.0, 0xcbf2_9ce4_8422_2325);
        let mut a = Fnv1a(OFFSET_BASIS);
        a.bytes(b"a");
        assert_eq!(a.0, 0xaf63_dc4c_8601_ec8c);
        let mut foobar = Fnv1a(OFFSET_BASIS);
        foobar.bytes(b"foobar");
        assert_eq!(foobar.0, 0x8594_4171_f739_67e8);
    }

    #[test]
    fn fingerprint_is_stable_across_runs() -> Result<(), crate::model::SchemaError> {
        let schema = Schema::builder()
            .attribute("email", Type::String)
            .event("purchase", [("amount", Type::Number)])
            .build()?;
        // A constant (checked against an independent FNV-1a over the same bytes): the
        // fingerprint must not depend on the process or platform.
        assert_eq!(schema.fingerprint(), 0x7b4f_ec10_f440_fd9d);
        Ok(())
    }

    #[test]
    fn fingerprint_sees_names_types_and_order() -> Result<(), crate::model::SchemaError> {
        let base = || {
            Schema::builder()
                .attribute("a", Type::String)
                .attribute("b", Type::Number)
        };
        let reference = base().build()?.fingerprint();
        let variants = [
            Schema::builder()
                .attribute("b", Type::Number)
                .attribute("a", Type::String)
                .build()?,
            Schema::builder()
                .attribute("a", Type::String)
                .attribute("b", Type::Number.optional())
                .build()?,
            Schema::builder()
                .attribute("a", Type::String)
                .attribute("c", Type::Number)
                .build()?,
            base().event("e", []).build()?,
            base().action("act", []).build()?,
            Schema::builder().attribute("a", Type::String).build()?,
        ];
        for schema in variants {
            assert_ne!(schema.fingerprint(), reference, "{schema:?}");
        }
        assert_eq!(base().build()?.fingerprint(), reference);
        // Moving a name between sections changes the fingerprint.
        let as_kind = Schema::builder().event("x", []).build()?.fingerprint();
        let as_attr = Schema::builder()
            .attribute("x", Type::Bool)
            .build()?
            .fingerprint();
        assert_ne!(as_kind, as_attr);
        Ok(())
    }
}
