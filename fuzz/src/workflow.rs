//! The `workflow` target: arbitrary bytes read as a workflow run state (JSON) and
//! advanced over a fixed program and contact at a few instants. A state from anywhere
//! must be advanced or refused with a typed error — never a panic or a hang.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use funil::{Contact, Context, EvalErrorKind, Program, RunState};

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
"#;

/// The program and the contact, built once.
fn fixture() -> Option<&'static (Program, Contact)> {
    static FIXTURE: OnceLock<Option<(Program, Contact)>> = OnceLock::new();
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
            Some((program, contact))
        })
        .as_ref()
}

/// Advances the state `data` holds (when it reads as one) at a few instants.
pub fn check(data: &[u8]) {
    let Ok(state) = serde_json::from_slice::<RunState>(data) else {
        return;
    };
    let Some((program, contact)) = fixture() else {
        panic!("the workflow fixture does not build");
    };
    for now in [
        DateTime::<Utc>::MIN_UTC,
        state.advanced_at(),
        "2026-11-25T00:00:00Z".parse().unwrap_or_default(),
        DateTime::<Utc>::MAX_UTC,
    ] {
        match program.advance(&state, contact, &Context::new(now)) {
            Ok(advance) => assert_eq!(advance.status, advance.state.status()),
            Err(error) => assert!(
                matches!(
                    error.kind(),
                    EvalErrorKind::UnknownStep
                        | EvalErrorKind::ChangedStep
                        | EvalErrorKind::UnknownItem
                ),
                "unexpected error: {error}"
            ),
        }
    }
}
