//! The print/parse round trip: printing any syntax tree and parsing the text gives the
//! same tree back (spans aside), and printing is idempotent.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/ast_strategy.rs"]
mod ast_strategy;

use funil::syntax::ast::{Expr, ItemKind, Module, SegmentBody};
use funil::syntax::{parse, print, print_expr};
use proptest::prelude::*;

/// Parses `text`, failing the property with the text and the error when it does not.
fn parse_ok(text: &str) -> Result<Module, TestCaseError> {
    parse(text).map_err(|error| TestCaseError::fail(format!("{error}\n--- text ---\n{text}")))
}

/// Parses an expression by wrapping it in a segment and taking the body back out.
fn parse_expr(text: &str) -> Result<Expr, TestCaseError> {
    let module = parse_ok(&format!("segment s {{\n  {text}\n}}\n"))?;
    match module.items.into_iter().next().map(|item| item.node) {
        Some(ItemKind::Segment(segment)) => match segment.body {
            SegmentBody::Condition(expr) => Ok(expr),
            other => Err(TestCaseError::fail(format!("not a condition: {other:?}"))),
        },
        other => Err(TestCaseError::fail(format!("not a segment: {other:?}"))),
    }
}

/// Runs a property over generated modules on a thread with a large stack: building a
/// deeply nested module through proptest's strategies (unoptimised, each level a
/// generic frame of its own) can use more than a test thread's 2 MiB; the parser and
/// printer themselves are bounded (see `tests/stack_safety.rs`).
fn for_modules(property: fn(Module) -> Result<(), TestCaseError>) {
    let run = move || {
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(400));
        if let Err(failure) = runner.run(&ast_strategy::module(), property) {
            panic!("{failure}");
        }
    };
    let thread = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(run)
        .unwrap();
    if let Err(panic) = thread.join() {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn modules_round_trip() {
    for_modules(|module| {
        let text = print(&module);
        let reparsed = parse_ok(&text)?;
        prop_assert_eq!(&reparsed, &module, "printed as:\n{}", text);
        Ok(())
    });
}

#[test]
fn printing_modules_is_idempotent() {
    for_modules(|module| {
        let text = print(&module);
        let again = print(&parse_ok(&text)?);
        prop_assert_eq!(again, text);
        Ok(())
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn expressions_round_trip(expr in ast_strategy::expr_strategy(6, 96)) {
        let text = print_expr(&expr);
        let reparsed = parse_expr(&text)?;
        prop_assert_eq!(&reparsed, &expr, "printed as: {}", text);
        prop_assert_eq!(print_expr(&reparsed), text);
    }
}

#[test]
fn the_spec_examples_print_as_they_parse() {
    let source = r#"segment service_interest {
  exists(email.clicked where url contains "/services") or exists(page.viewed where path starts_with "/services")
}

score engagement "Engagement score" {
  per email.clicked within 30d => +10 max 50
  per page.viewed where path starts_with "/pricing" within 2w => +5
  when not exists(activity within 60d) => -15
  decay half_life 30d
  clamp 0 to 200
}

decide greeting {
  when first_name is not null => "Olá, {first_name}!"
  else => "Olá!"
}

reward cashback "Cashback" on purchase {
  when category == "electronics" => amount * 10%
  else => amount * 5%
  cap 50 per event
  cap 120 per 30d
  round 2
}

workflow welcome "Welcome series" {
  enter on contact.created
  reenter after 180d
  window 09:00 to 18:00 on mon..fri

  send_email(template: "welcome-1")
  wait 2d
  if exists(email.clicked where campaign == "welcome-1" since entered_at) {
    send_email(template: "tips")
  } else {
    send_email(template: "welcome-reminder")
  }
  wait until exists(form.submitted since entered_at) max 1w
  split {
    50% => {
      send_email(template: "offer-a")
    }
    50% => {
      send_email(template: "offer-b")
    }
  }
  step handoff: notify_sales(owner: owner, reason: "finished welcome, grade {decision(grade)}")
}
"#;
    let module = parse(source).unwrap();
    let printed = print(&module);
    let expected = source;
    assert_eq!(printed, expected);
    assert_eq!(parse(&printed).unwrap(), module);
}
