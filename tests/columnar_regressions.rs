#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Issue 13: what the cross-check of the held-in suites through `evaluate_arrow`
//! (`tests/support/cross_check.rs`) found, each as a test of its own, and the
//! cross-check's own behaviour on contacts Arrow cannot hold.
#![cfg(feature = "arrow")]

mod support;

use funil::arrow_array::cast::AsArray;
use support::{NOW, compile, contact, ctx, in_segment};

/// Found by `tests/contacts.rs` (`decimal_strings_are_numbers`): a number of 29
/// significant digits fits a funil `number` (96 bits of mantissa), and
/// `contacts_to_arrow` writes it at scale 10 (a mantissa of 30 digits, within
/// `Decimal128(38, 10)`), but `evaluate_arrow` refuses the batch: the reader converts
/// the mantissa at the column's scale before dropping its trailing zeros, while the
/// language reference says a value read is "the decimal its mantissa and scale say
/// (trailing zeros dropped), refused if it needs more than a `Decimal`'s 96-bit
/// mantissa". Fixed: trailing zeros are dropped first.
#[test]
fn a_number_of_29_digits_written_by_contacts_to_arrow_is_read_back() {
    let program = compile(
        "segment long { total_spent == 12345678901234567890.123456789 }\n\
         score spent { when total_spent > 1 => +1 }",
    );
    let built = contact()
        .attr(
            "total_spent",
            serde_json::json!("12345678901234567890.123456789"),
        )
        .build(&program);
    let context = ctx(NOW);
    assert!(program.segment("long", &built, &context).unwrap());
    let (people, events) = program.contacts_to_arrow(&[built]).unwrap();
    let results = program
        .evaluate_arrow(&people, &events, &context)
        .unwrap_or_else(|e| panic!("evaluate_arrow refused what contacts_to_arrow wrote: {e}"));
    let long = results.column_by_name("long").unwrap().as_boolean();
    assert!(long.value(0));
}

#[test]
fn a_contact_arrow_cannot_hold_is_skipped_and_counted() {
    let program = compile("segment recent { created_at > @2300-01-01T00:00:00Z }");
    // Beyond nanosecond timestamps (1677 to 2262): contacts_to_arrow refuses it.
    let far = contact().attr("created_at", serde_json::json!("2400-01-01T00:00:00Z"));
    let before = support::cross_check::skipped();
    assert!(in_segment(&program, "recent", &far, NOW));
    assert_eq!(support::cross_check::skipped(), before + 1);

    let near = contact();
    assert!(!in_segment(&program, "recent", &near, NOW));
    assert_eq!(support::cross_check::skipped(), before + 1);
}
