#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §7: the reward examples. This version parses and prints them; their
//! evaluation lands later, and until then the compiler refuses them with `E0024`
//! rather than ignoring them. (The workflow examples of §8 are in `tests/workflows.rs`.)

mod support;

use funil::syntax::{ast::ItemKind, parse, print};

const REWARDS: &str = r#"
reward cashback "Cashback" on purchase {
  when category == "electronics" => amount * 10%
  when count(purchase) >= 5 => amount * 7%
  else => amount * 5%
  cap 50 per event
  cap 120 per 30d
  round 2
}

reward points on purchase { else => floor(amount) }
"#;

#[test]
fn the_reward_examples_parse_and_print_back() {
    let module = parse(REWARDS).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(module.items.len(), 2);
    assert!(
        module
            .items
            .iter()
            .all(|item| matches!(item.node, ItemKind::Reward(_)))
    );
    assert_eq!(parse(&print(&module)).unwrap(), module);
}

#[test]
fn rewards_are_refused_until_they_can_be_evaluated() {
    for text in [REWARDS] {
        let rules = format!("{}\n{text}", support::SPEC_ITEMS);
        let error = support::compile_err(&rules);
        assert!(
            error.errors().all(|d| d.code() == "E0024"),
            "only the not-yet-supported items should be refused:\n{error}"
        );
        assert!(error.errors().count() >= 1);
    }
}
