//! Arbitrary bytes compiled after a fixed schema: the checker must never panic, and a
//! program that compiles must evaluate for fixed contacts without failing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| funil_fuzz::syntax::compile(data));
