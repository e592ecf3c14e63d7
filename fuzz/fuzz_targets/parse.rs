//! Arbitrary bytes to the parser, and what parses back through the printer: the
//! parser must never panic, and printing a parsed module must parse to the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| funil_fuzz::syntax::parse_round_trip(data));
