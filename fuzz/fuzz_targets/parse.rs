//! Arbitrary bytes to the parser, and what parses back through the printer: the
//! parser must never panic, and printing a parsed module must parse to the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(module) = funil::syntax::parse(text) {
        let printed = funil::syntax::print(&module);
        let reparsed = funil::syntax::parse(&printed).expect("printed source parses");
        assert_eq!(reparsed, module, "print/parse round trip changed the tree");
    }
});
