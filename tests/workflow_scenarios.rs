#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The seven seed workflows of the quickstart (`examples/data/quickstart.funil`),
//! each replayed for a few contacts over weeks of time, as the `simulate` command
//! replays them: welcome series, lead nurturing with a hand-off to sales, abandoned
//! cart, post-purchase thank-you and cross-sell, re-engagement of dormant contacts,
//! birthday message, and a product launch with an A/B subject split.

mod support;
#[allow(dead_code, reason = "these tests read records, not their JSON lines")]
#[path = "../examples/funil/timeline.rs"]
mod timeline;

use funil::model::write_text;
use funil::{Contact, Program, Tz};
use serde_json::json;
use support::{at, contact};
use timeline::{Happening, timeline};

const RULES: &str = include_str!("../examples/data/quickstart.funil");

fn program() -> Program {
    funil::compile(RULES).unwrap_or_else(|e| panic!("{e}"))
}

/// Everything that happens to `contact` in `workflow`, as `(instant, what)`: the
/// status (`entered`, `finished`, …) or `STEP ACTION(arg: value, …)` with the
/// non-null arguments.
fn replay(
    workflow: &str,
    contact: &Contact,
    from: &str,
    until: &str,
    tz: &str,
) -> Vec<(String, String)> {
    let tz: Tz = tz.parse().unwrap();
    timeline(&program(), contact, workflow, (at(from), at(until)), tz)
        .unwrap()
        .into_iter()
        .map(|record| {
            let what = match record.happening {
                Happening::Entered => "entered".to_string(),
                Happening::Ended(status) => status.name().to_string(),
                Happening::Capped(held) => {
                    format!("{} {} {}", held.step, held.name, held.outcome.name())
                }
                Happening::Action(action) => {
                    let args: Vec<String> = action
                        .args
                        .iter()
                        .filter(|(_, value)| !value.is_null())
                        .map(|(name, value)| {
                            let mut text = String::new();
                            write_text(value, &mut text);
                            format!("{name}: {text}")
                        })
                        .collect();
                    format!("{} {}({})", action.step, action.name, args.join(", "))
                }
            };
            (
                record.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                what,
            )
        })
        .collect()
}

fn rows(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(t, what)| (t.to_string(), what.to_string()))
        .collect()
}

fn purchase(category: &str, amount: u32) -> serde_json::Value {
    json!({"order_id": "o", "amount": amount, "category": category})
}

// Welcome series with a click branch --------------------------------------------------

#[test]
fn welcome_series() {
    let p = program();
    let clicker = contact()
        .attr("first_name", json!("Ana"))
        .bare_event("contact.created", "2026-11-02T09:00:00Z")
        .event(
            "email.clicked",
            "2026-11-03T10:00:00Z",
            json!({"campaign": "welcome-1", "url": "u"}),
        )
        .build(&p);
    assert_eq!(
        replay(
            "welcome",
            &clicker,
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
            "UTC"
        ),
        rows(&[
            ("2026-11-02T09:00:00Z", "entered"),
            (
                "2026-11-02T09:00:00Z",
                "1 send_email(template: welcome-1, subject: Bem-vindo, Ana!)"
            ),
            (
                "2026-11-04T09:00:00Z",
                "3.then.1 send_email(template: welcome-tips)"
            ),
            (
                "2026-11-09T09:00:00Z",
                "5 send_email(template: welcome-offer)"
            ),
            ("2026-11-09T09:00:00Z", "finished"),
        ])
    );
    let silent = contact()
        .bare_event("contact.created", "2026-11-02T09:00:00Z")
        .build(&p);
    assert_eq!(
        replay(
            "welcome",
            &silent,
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
            "UTC"
        )[2],
        (
            "2026-11-04T09:00:00Z".to_string(),
            "3.else.1 send_email(template: welcome-reminder)".to_string()
        )
    );
    let buyer = contact()
        .bare_event("contact.created", "2026-11-02T09:00:00Z")
        .event("purchase", "2026-11-06T20:00:00Z", purchase("shoes", 120))
        .build(&p);
    assert_eq!(
        replay(
            "welcome",
            &buyer,
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
            "UTC"
        )
        .last()
        .unwrap(),
        &("2026-11-06T20:00:00Z".to_string(), "goal".to_string())
    );
    let bounced = contact()
        .bare_event("contact.created", "2026-11-02T09:00:00Z")
        .event(
            "email.bounced",
            "2026-11-02T09:05:00Z",
            json!({"campaign": "welcome-1", "kind": "hard"}),
        )
        .build(&p);
    assert_eq!(
        replay(
            "welcome",
            &bounced,
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
            "UTC"
        ),
        rows(&[
            ("2026-11-02T09:00:00Z", "entered"),
            (
                "2026-11-02T09:00:00Z",
                "1 send_email(template: welcome-1, subject: Bem-vindo, amigo!)"
            ),
            ("2026-11-02T09:05:00Z", "exited"),
        ])
    );
}

// Lead nurturing, handed to sales as an MQL --------------------------------------------

#[test]
fn lead_nurturing_hands_an_mql_to_sales() {
    let p = program();
    // A Brazilian lead (grade B) who signs up, then clicks emails on 10 November: 20
    // for the form and 10 a click, decayed a little, reach 60 (rounded to 2 places)
    // with the fourth click, and the lead is an MQL. The hand-off's id is its label.
    let mut warming = contact()
        .id("c-201")
        .attr("country", json!("BR"))
        .attr("owner", json!("carla"))
        .event(
            "form.submitted",
            "2026-11-02T10:00:00Z",
            json!({"form": "ebook"}),
        );
    for minute in 0..5 {
        warming = warming.event(
            "email.clicked",
            &format!("2026-11-10T10:0{minute}:00Z"),
            json!({"campaign": "nurture", "url": "u"}),
        );
    }
    let warming = warming.build(&p);
    assert_eq!(
        replay(
            "lead_nurturing",
            &warming,
            "2026-11-01T00:00:00Z",
            "2026-12-31T00:00:00Z",
            "UTC"
        ),
        rows(&[
            ("2026-11-01T00:00:00Z", "entered"),
            (
                "2026-11-01T00:00:00Z",
                "1 send_email(template: nurture-guide)"
            ),
            (
                "2026-11-10T10:03:00Z",
                "handoff notify_sales(owner: carla, reason: MQL: engagement 60, grade B)"
            ),
            ("2026-11-10T10:03:00Z", "finished"),
        ])
    );
    // Nothing happens: the case study after two weeks, then the lead is tagged cold.
    let cold = contact().id("c-202").build(&p);
    assert_eq!(
        replay(
            "lead_nurturing",
            &cold,
            "2026-11-01T00:00:00Z",
            "2026-12-31T00:00:00Z",
            "UTC"
        ),
        rows(&[
            ("2026-11-01T00:00:00Z", "entered"),
            (
                "2026-11-01T00:00:00Z",
                "1 send_email(template: nurture-guide)"
            ),
            (
                "2026-11-15T00:00:00Z",
                "3.then.1 send_email(template: nurture-case-study)"
            ),
            ("2026-11-29T00:00:00Z", "4.else.1 add_tag(tag: cold-lead)"),
            ("2026-11-29T00:00:00Z", "finished"),
        ])
    );
    // A customer never enters.
    let customer = contact().attr("stage", json!("customer")).build(&p);
    assert!(
        replay(
            "lead_nurturing",
            &customer,
            "2026-11-01T00:00:00Z",
            "2026-12-31T00:00:00Z",
            "UTC"
        )
        .is_empty()
    );
}

// Abandoned cart -----------------------------------------------------------------------

#[test]
fn abandoned_cart_reminds_then_offers_unless_purchased() {
    let p = program();
    let forgetful = contact()
        .event(
            "cart.abandoned",
            "2026-11-05T20:00:00Z",
            json!({"value": 80}),
        )
        .event(
            "cart.abandoned",
            "2026-11-20T08:00:00Z",
            json!({"value": 30}),
        )
        .build(&p);
    assert_eq!(
        replay(
            "abandoned_cart",
            &forgetful,
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
            "UTC"
        ),
        rows(&[
            ("2026-11-05T20:00:00Z", "entered"),
            (
                "2026-11-05T21:00:00Z",
                "2 send_email(template: cart-reminder)"
            ),
            (
                "2026-11-06T21:00:00Z",
                "4 send_email(template: cart-offer, subject: 10% off what you left in your cart)"
            ),
            ("2026-11-06T21:00:00Z", "finished"),
            // `reenter always`: the next cart starts another run.
            ("2026-11-20T08:00:00Z", "entered"),
            (
                "2026-11-20T09:00:00Z",
                "2 send_email(template: cart-reminder)"
            ),
            (
                "2026-11-21T09:00:00Z",
                "4 send_email(template: cart-offer, subject: 10% off what you left in your cart)"
            ),
            ("2026-11-21T09:00:00Z", "finished"),
        ])
    );
    let buyer = contact()
        .event(
            "cart.abandoned",
            "2026-11-05T20:00:00Z",
            json!({"value": 80}),
        )
        .event("purchase", "2026-11-06T07:30:00Z", purchase("shoes", 80))
        .build(&p);
    assert_eq!(
        replay(
            "abandoned_cart",
            &buyer,
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
            "UTC"
        ),
        rows(&[
            ("2026-11-05T20:00:00Z", "entered"),
            (
                "2026-11-05T21:00:00Z",
                "2 send_email(template: cart-reminder)"
            ),
            ("2026-11-06T07:30:00Z", "goal"),
        ])
    );
}

// Post-purchase thank-you and cross-sell -----------------------------------------------

#[test]
fn post_purchase_thanks_then_cross_sells_by_category() {
    let p = program();
    let shoes = contact()
        .event("purchase", "2026-11-02T15:00:00Z", purchase("shoes", 200))
        .build(&p);
    assert_eq!(
        replay(
            "post_purchase",
            &shoes,
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
            "UTC"
        ),
        rows(&[
            ("2026-11-02T15:00:00Z", "entered"),
            ("2026-11-02T15:00:00Z", "1 send_email(template: thank-you)"),
            (
                "2026-11-09T15:00:00Z",
                "3.then.1 send_email(template: cross-sell-socks)"
            ),
            ("2026-11-09T15:00:00Z", "finished"),
        ])
    );
    // A second purchase within the week is the goal; it starts a run of its own.
    let repeat = contact()
        .event("purchase", "2026-11-02T15:00:00Z", purchase("shoes", 200))
        .event(
            "purchase",
            "2026-11-04T11:00:00Z",
            purchase("electronics", 900),
        )
        .build(&p);
    assert_eq!(
        replay(
            "post_purchase",
            &repeat,
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
            "UTC"
        ),
        rows(&[
            ("2026-11-02T15:00:00Z", "entered"),
            ("2026-11-02T15:00:00Z", "1 send_email(template: thank-you)"),
            ("2026-11-04T11:00:00Z", "goal"),
            ("2026-11-04T11:00:00Z", "entered"),
            ("2026-11-04T11:00:00Z", "1 send_email(template: thank-you)"),
            (
                "2026-11-11T11:00:00Z",
                "3.else1.1 send_email(template: cross-sell-warranty)"
            ),
            ("2026-11-11T11:00:00Z", "finished"),
        ])
    );
}

// Re-engagement of dormant contacts ----------------------------------------------------

#[test]
fn reengagement_of_dormant_contacts_exits_on_any_activity() {
    let p = program();
    // Last active on 1 September: dormant 60 days later, entered at the next midnight.
    let wakes_up = contact()
        .event("page.viewed", "2026-09-01T10:00:00Z", json!({"path": "/"}))
        .event(
            "email.opened",
            "2026-11-04T08:00:00Z",
            json!({"campaign": "we-miss-you"}),
        )
        .build(&p);
    assert_eq!(
        replay(
            "reengagement",
            &wakes_up,
            "2026-10-15T00:00:00Z",
            "2026-12-31T00:00:00Z",
            "UTC"
        ),
        rows(&[
            ("2026-11-01T00:00:00Z", "entered"),
            (
                "2026-11-01T00:00:00Z",
                "1 send_email(template: we-miss-you)"
            ),
            ("2026-11-04T08:00:00Z", "exited"),
        ])
    );
    let gone = contact()
        .event("page.viewed", "2026-09-01T10:00:00Z", json!({"path": "/"}))
        .build(&p);
    assert_eq!(
        replay(
            "reengagement",
            &gone,
            "2026-10-15T00:00:00Z",
            "2026-12-31T00:00:00Z",
            "UTC"
        ),
        rows(&[
            ("2026-11-01T00:00:00Z", "entered"),
            (
                "2026-11-01T00:00:00Z",
                "1 send_email(template: we-miss-you)"
            ),
            (
                "2026-11-08T00:00:00Z",
                "3 send_email(template: reengagement-offer, subject: Still interested? Here is 15% off)"
            ),
            ("2026-11-22T00:00:00Z", "5 add_tag(tag: dormant)"),
            ("2026-11-22T00:00:00Z", "finished"),
        ])
    );
}

// Birthday message -----------------------------------------------------------------------

#[test]
fn birthday_message_in_local_time_every_year() {
    let p = program();
    let ana = contact()
        .attr("first_name", json!("Ana"))
        .attr("birthday", json!("1990-11-25"))
        .event("purchase", "2026-03-01T12:00:00Z", purchase("shoes", 50))
        .build(&p);
    // São Paulo is UTC-3: the day starts at 03:00 UTC and the window opens at 12:00 UTC.
    let sent = rows(&[
        ("2026-11-25T03:00:00Z", "entered"),
        (
            "2026-11-25T12:00:00Z",
            "1 send_email(template: happy-birthday, subject: Feliz aniversário, Ana!)",
        ),
        (
            "2026-11-25T12:00:00Z",
            "2.then.1 send_email(template: birthday-gift)",
        ),
        ("2026-11-25T12:00:00Z", "finished"),
        ("2027-11-25T03:00:00Z", "entered"),
        (
            "2027-11-25T12:00:00Z",
            "1 send_email(template: happy-birthday, subject: Feliz aniversário, Ana!)",
        ),
        (
            "2027-11-25T12:00:00Z",
            "2.then.1 send_email(template: birthday-gift)",
        ),
        ("2027-11-25T12:00:00Z", "finished"),
    ]);
    assert_eq!(
        replay(
            "birthday",
            &ana,
            "2026-11-01T00:00:00Z",
            "2027-12-01T00:00:00Z",
            "America/Sao_Paulo"
        ),
        sent
    );
    // A lead gets the message without the gift.
    let lead = contact().attr("birthday", json!("1995-11-25")).build(&p);
    assert_eq!(
        replay(
            "birthday",
            &lead,
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
            "America/Sao_Paulo"
        ),
        rows(&[
            ("2026-11-25T03:00:00Z", "entered"),
            (
                "2026-11-25T12:00:00Z",
                "1 send_email(template: happy-birthday, subject: Feliz aniversário, amigo!)"
            ),
            ("2026-11-25T12:00:00Z", "finished"),
        ])
    );
}

// Product launch with an A/B subject split -------------------------------------------------

#[test]
fn product_launch_splits_subject_lines() {
    let p = program();
    // Buckets of fnv1a_64("product_launch/subject_test/" + id) mod 10000, computed with
    // Python 3: c-101 5997 (second arm), c-102 1364 (first arm).
    let vip = |id: &str| {
        contact()
            .id(id)
            .attr("first_name", json!("Bia"))
            .attr("tags", json!(["vip"]))
    };
    let b = vip("c-101").build(&p);
    // 1 December 2026 is a Tuesday: entered at local midnight, sent when the window opens.
    assert_eq!(
        replay(
            "product_launch",
            &b,
            "2026-11-25T00:00:00Z",
            "2026-12-31T00:00:00Z",
            "America/Sao_Paulo"
        ),
        rows(&[
            ("2026-12-01T03:00:00Z", "entered"),
            (
                "2026-12-01T12:00:00Z",
                "subject_test.arm1.1 send_email(template: launch, subject: Bia, your early access is ready)"
            ),
            (
                "2026-12-04T12:00:00Z",
                "3.then.1 send_email(template: launch-reminder)"
            ),
            ("2026-12-04T12:00:00Z", "finished"),
        ])
    );
    // c-102 takes the first subject and clicks: no reminder.
    let a = vip("c-102")
        .event(
            "email.clicked",
            "2026-12-02T14:00:00Z",
            json!({"campaign": "launch", "url": "u"}),
        )
        .build(&p);
    assert_eq!(
        replay(
            "product_launch",
            &a,
            "2026-11-25T00:00:00Z",
            "2026-12-31T00:00:00Z",
            "America/Sao_Paulo"
        ),
        rows(&[
            ("2026-12-01T03:00:00Z", "entered"),
            (
                "2026-12-01T12:00:00Z",
                "subject_test.arm0.1 send_email(template: launch, subject: It is here: meet the new plans)"
            ),
            ("2026-12-04T12:00:00Z", "finished"),
        ])
    );
    // Neither interested nor a VIP: not part of the launch.
    let other = contact().id("c-103").build(&p);
    assert!(
        replay(
            "product_launch",
            &other,
            "2026-11-25T00:00:00Z",
            "2026-12-31T00:00:00Z",
            "America/Sao_Paulo"
        )
        .is_empty()
    );
}
