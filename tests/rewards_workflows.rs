#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §7 and §8: the reward and workflow examples. This version parses and prints
//! them; their evaluation lands later, and until then the compiler refuses them with
//! `E0024` rather than ignoring them.

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

const WELCOME: &str = r#"
workflow welcome "Welcome series" {
  enter on contact.created
  enter when segment(service_interest) and stage == "lead"
  reenter after 180d
  exit when exists(unsubscribed) or exists(email.bounced where kind == "hard")
  goal when exists(purchase since entered_at)

  send_email(template: "welcome-1")
  wait 2d
  if exists(email.clicked where campaign == "welcome-1" since entered_at) {
    send_email(template: "tips")
  } else {
    send_email(template: "welcome-reminder")
  }
  wait until exists(form.submitted since entered_at) max 7d
  split {
    50% => { send_email(template: "offer-a") }
    50% => { send_email(template: "offer-b") }
  }
  step handoff: notify_sales(owner: owner, reason: "finished welcome, grade {decision(grade)}")
}
"#;

const NEWSLETTER: &str = r#"
workflow newsletter_followup {
  enter on email.opened
  window 09:00 to 18:00 on mon..fri
  wait 1d
  send_email(template: "followup")
}
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
fn the_workflow_examples_parse_and_print_back() {
    for text in [WELCOME, NEWSLETTER] {
        let module = parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(module.items.len(), 1);
        assert!(matches!(module.items[0].node, ItemKind::Workflow(_)));
        let printed = print(&module);
        assert_eq!(parse(&printed).unwrap(), module, "{printed}");
    }
}

#[test]
fn rewards_and_workflows_are_refused_until_they_can_be_evaluated() {
    for text in [REWARDS, WELCOME, NEWSLETTER] {
        let rules = format!("{}\n{text}", support::SPEC_ITEMS);
        let error = support::compile_err(&rules);
        assert!(
            error.errors().all(|d| d.code() == "E0024"),
            "only the not-yet-supported items should be refused:\n{error}"
        );
        assert!(error.errors().count() >= 1);
    }
}
