//! The `workflow` target: arbitrary bytes read as a workflow run state (JSON) and
//! advanced over a fixed program and contact at a few instants, without and with a
//! winner for its split. A state from anywhere must be advanced or refused with a
//! typed error — never a panic or a hang.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use funil::{Contact, Context, EvalErrorKind, Program, RunState, Winners};

/// The program under test: every statement, a window spanning the weekend's nights.
pub const RULES: &str = r#"schema {
  contact { stage: string }
  event signup { }
  event purchase { amount: number }
  event email.clicked { campaign: string }
  action send_email(template: string)
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
    for now in [
        DateTime::<Utc>::MIN_UTC,
        state.advanced_at(),
        "2026-11-25T00:00:00Z".parse().unwrap_or_default(),
        DateTime::<Utc>::MAX_UTC,
    ] {
        let context = Context::new(now);
        for advanced in [
            program.advance(&state, contact, &context),
            program.advance_with_winners(&state, contact, &context, winners),
        ] {
            match advanced {
                Ok(advance) => assert_eq!(advance.status, advance.state.status()),
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
        }
    }
}
