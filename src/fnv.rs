//! FNV-1a, 64-bit: the stable hash of split assignment (§8.4) and of statement
//! fingerprints (§8.2). Unlike `std`'s `DefaultHasher`, its output is fixed by its
//! definition, so it is the same on every platform and in every version.

/// The FNV-1a 64-bit offset basis.
const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
/// The FNV 64-bit prime.
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a of `bytes`: for each byte, xor it in, then multiply by the prime.
pub(crate) fn fnv1a_64(bytes: &[u8]) -> u64 {
    fnv1a_64_continued(OFFSET_BASIS, bytes)
}

/// FNV-1a of the bytes hashed into `hash` followed by `bytes`: so
/// `fnv1a_64_continued(fnv1a_64(a), b) == fnv1a_64(a ++ b)`.
pub(crate) fn fnv1a_64_continued(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::fnv1a_64;

    /// Vectors of the FNV reference test suite (Fowler, Noll, Vo: `test_fnv.c`).
    #[test]
    fn reference_vectors() {
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
