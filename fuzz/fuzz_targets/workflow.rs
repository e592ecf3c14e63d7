//! Arbitrary bytes read as a workflow run state (JSON) and advanced: advancing a state
//! from anywhere must give a result or a typed error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

const RULES: &str = r#"schema {
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
  window 09:00 to 18:00 on mon..fri
  send_email(template: "one")
  step pause: wait 2d
  if exists(email.clicked since entered_at) { send_email(template: "two") }
  wait until exists(email.clicked since entered_at) max 3d
  split { 50% => { send_email(template: "a") } 50% => { stop } }
  send_email(template: "end")
}
"#;

fuzz_target!(|data: &[u8]| {
    let Ok(program) = funil::compile(RULES) else { return };
    let Ok(state) = serde_json::from_slice::<funil::RunState>(data) else { return };
    let Ok(contact) = program
        .contact("c-1")
        .attribute("stage", "lead")
        .event("signup", "2026-11-20T18:30:00Z".parse().unwrap_or_default(), [])
        .event("email.clicked", "2026-11-23T10:00:00Z".parse().unwrap_or_default(),
               [("campaign", "x".into())])
        .build()
    else {
        return;
    };
    for now in ["2026-11-20T18:30:00Z", "2026-11-25T00:00:00Z", "2027-01-01T00:00:00Z"] {
        let Ok(now) = now.parse() else { return };
        let _ = program.advance(&state, &contact, &funil::Context::new(now));
    }
});
