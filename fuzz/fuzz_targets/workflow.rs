//! Arbitrary bytes read as a workflow run state and advanced: a state from anywhere is
//! advanced or refused with a typed error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| funil_fuzz::workflow::check(data));
