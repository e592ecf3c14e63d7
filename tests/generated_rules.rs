#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The shared generator of rule sets and contacts (`tests/common/rules.rs`) makes what
//! the property tests need: rule sets that compile, with every item declared, and
//! contacts that fit their schema.

#[path = "common/rules.rs"]
mod rules;

use funil::{Compiler, ItemKind};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_generated_rule_set_compiles(set in rules::rule_set(6)) {
        let program = Compiler::new()
            .source("rules.funil", set.with_schema())
            .compile()
            .unwrap_or_else(|e| panic!("{e}\n--- source:\n{}", set.source));
        let declared: Vec<(String, ItemKind)> = program
            .items()
            .map(|(name, kind)| (name.to_string(), kind))
            .collect();
        let generated: Vec<(String, ItemKind)> = set
            .items
            .iter()
            .map(|(kind, name)| {
                let kind = match kind {
                    rules::Kind::Segment => ItemKind::Segment,
                    rules::Kind::Score => ItemKind::Score,
                    rules::Kind::Decision => ItemKind::Decision,
                };
                (name.clone(), kind)
            })
            .collect();
        prop_assert_eq!(declared, generated);
    }

    #[test]
    fn every_generated_contact_fits_the_schema(json in rules::contact()) {
        let program = funil::compile(rules::SCHEMA).unwrap();
        let contact = program.contact_from_json(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
        prop_assert!(contact.events().len() < 25);
    }
}
