//! A fixed program evaluated for contacts built from arbitrary data: single, batch and
//! reward evaluation never fail on valid contacts and answer the same twice.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: funil_fuzz::evaluate::Input| funil_fuzz::evaluate::check(&input));
