//! The `workflow` target: arbitrary bytes read as a workflow run state (JSON) and
//! advanced over a fixed program and contact at a few instants: alone, with a winner
//! for its split, and together with a run of another workflow (`advance_all`). A
//! state from anywhere — parked at any step, deferred by a frequency cap or by one
//! that does not exist — must be advanced or refused with a typed error, never a
//! panic or a hang; advanced with others, each run gets what it would alone or the
//! same typed error.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use funil::{Contact, Context, EvalErrorKind, Program, RunState, Winners};

/// The program under test: every statement, a window spanning the weekend's nights,
/// a frequency cap that defers and skips.
pub const RULES: &str = r#"schema {
  contact { stage: string }
  event signup { }
  event purchase { amount: number }
  event email.clicked { campaign: string }
  event email.sent { }
  action send_email(template: string)
}
cap emails on send_email counted by email.sent {
  at most 1 per 1d
  at most 2 per 3d then skip
}
workflow other {
  enter on signup
  send_email(template: "other")
  wait 1h
  send_email(template: "other again")
}
workflow w {
  enter on signup
  exit when count(purchase) >= 3
  goal when exists(purchase since entered_at + 1s)
  window 21:00 to 08:00 on fri..mon
  send_email(template: "one")
  step pause: wait 2d
  if exists(email.clicked since entered_at) { send_email(template: "two") }
  else if stage == "lead" { stop }
  wait until exists(email.clicked since entered_at) max 3d
  split { 50% => { send_email(template: "a") } 50% => { stop } }
  send_email(template: "end")
}
decide arm { else => arm(w, "5") }
experiment ab { split w "5"  converted when stage == "customer"  winner at 95% min 5 }
"#;

/// The program, the contact and a winner for the split (arm 1, decided on
/// 2026-11-22), built once.
fn fixture() -> Option<&'static (Program, Contact, Winners)> {
    static FIXTURE: OnceLock<Option<(Program, Contact, Winners)>> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let program = funil::compile(RULES).ok()?;
            let at = |t: &str| t.parse::<DateTime<Utc>>().ok();
            let contact = program
                .contact("c-1")
                .attribute("stage", "customer")
                .event("signup", at("2026-11-20T18:30:00Z")?, [])
                .event("email.sent", at("2026-11-20T21:30:00Z")?, [])
                .event(
                    "email.clicked",
                    at("2026-11-23T10:00:00Z")?,
                    [("campaign", "x".into())],
                )
                .event(
                    "purchase",
                    at("2026-11-24T10:00:00Z")?,
                    [("amount", 5.into())],
                )
                .build()
                .ok()?;
            // A population whose arm 1 are all customers and arm 0 none: arm 1 wins.
            let decided = Context::new(at("2026-11-22T00:00:00Z")?);
            let population: Vec<Contact> = (0..60)
                .filter_map(|n| {
                    let id = format!("p-{n}");
                    let probe = program
                        .contact(id.as_str())
                        .attribute("stage", "lead")
                        .build()
                        .ok()?;
                    let arm = program.decision("arm", &probe, &decided).ok()?;
                    let stage = if arm == 1.into() { "customer" } else { "lead" };
                    program
                        .contact(id.as_str())
                        .attribute("stage", stage)
                        .build()
                        .ok()
                })
                .collect();
            let report = program.experiment("ab", &population, &decided).ok()?;
            let winners: Winners = report.to_winner().into_iter().collect();
            Some((program, contact, winners))
        })
        .as_ref()
}

/// Advances the state `data` holds (when it reads as one) at a few instants.
pub fn check(data: &[u8]) {
    let Ok(state) = serde_json::from_slice::<RunState>(data) else {
        return;
    };
    let Some((program, contact, winners)) = fixture() else {
        panic!("the workflow fixture does not build");
    };
    assert_eq!(winners.len(), 1, "the fixture's experiment has a winner");
    let other = program
        .enter(
            "other",
            contact,
            &Context::new(state.entered_at()),
            &[0],
            &[],
        )
        .ok()
        .flatten();
    for now in [
        DateTime::<Utc>::MIN_UTC,
        state.advanced_at(),
        "2026-11-25T00:00:00Z".parse().unwrap_or_default(),
        DateTime::<Utc>::MAX_UTC,
    ] {
        let context = Context::new(now);
        let alone = program.advance(&state, contact, &context);
        match &alone {
            Ok(advance) => {
                assert_eq!(advance.status, advance.state.status());
                assert!(
                    advance
                        .capped
                        .iter()
                        .all(|held| held.preceding <= advance.actions.len())
                );
                if advance.state.deferred_by().is_some() {
                    assert!(advance.state.step().is_some(), "deferred but not parked");
                }
            }
            Err(error) => assert!(
                matches!(
                    error.kind(),
                    EvalErrorKind::UnknownStep
                        | EvalErrorKind::ChangedStep
                        | EvalErrorKind::UnknownItem
                        | EvalErrorKind::WrongItemKind
                ),
                "unexpected error: {error}"
            ),
        }
        match program.advance_with_winners(&state, contact, &context, winners) {
            Ok(advance) => assert_eq!(advance.status, advance.state.status()),
            Err(error) => assert!(
                matches!(
                    error.kind(),
                    EvalErrorKind::UnknownStep
                        | EvalErrorKind::ChangedStep
                        | EvalErrorKind::UnknownItem
                        | EvalErrorKind::WrongItemKind
                ),
                "unexpected error with winners: {error}"
            ),
        }
        // Alone in `advance_all`, the run gets what `advance` gives; beside another
        // run, it is advanced or refused as alone.
        let together = program.advance_all(std::slice::from_ref(&state), contact, &context);
        match (&alone, together) {
            (Ok(alone), Ok(together)) => assert_eq!(together.first(), Some(alone)),
            (Err(alone), Err(together)) => assert_eq!(alone.kind(), together.kind()),
            (alone, together) => panic!("alone {alone:?}, together {together:?}"),
        }
        if let Some(other) = &other {
            let both = program.advance_all(&[other.clone(), state.clone()], contact, &context);
            match (&alone, both) {
                (Ok(_), Ok(both)) => {
                    assert_eq!(both.len(), 2);
                    for advance in &both {
                        assert_eq!(advance.status, advance.state.status());
                    }
                }
                (Err(alone), Err(both)) => assert_eq!(alone.kind(), both.kind()),
                (alone, both) => panic!("alone {alone:?}, both {both:?}"),
            }
        }
    }
}
