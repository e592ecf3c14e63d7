#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §8: the workflow examples. This version parses and prints them; their
//! evaluation lands later, and until then the compiler refuses them with
//! `E0024` rather than ignoring them.

mod support;

use funil::syntax::{ast::ItemKind, parse, print};

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
fn workflows_are_refused_until_they_can_be_evaluated() {
    for text in [WELCOME, NEWSLETTER] {
        let rules = format!("{}\n{text}", support::SPEC_ITEMS);
        let error = support::compile_err(&rules);
        assert!(
            error.errors().all(|d| d.code() == "E0024"),
            "only the not-yet-supported items should be refused:\n{error}"
        );
        assert!(error.errors().count() >= 1);
    }
}
