//! A tour of funil on embedded sample data: compile a rule set, read a dozen contacts
//! from JSON lines, and evaluate every segment, score and decision for each of them
//! at a fixed instant, in São Paulo time.
//!
//! Run it with `cargo run --example quickstart`.

use chrono::{DateTime, Utc};
use funil::model::write_text;
use funil::{Context, Tz, Value};

/// The schema of the spec (§2), the marketing team's segments, and the spec's scores
/// (§5.3) and decisions (§6).
const RULES: &str = r#"
schema {
  contact {
    email: string
    first_name: string?
    country: string?
    stage: string
    owner: string?
    birthday: date?
    created_at: datetime
    total_spent: number
    tags: list<string>
  }
  event email.sent        { campaign: string }
  event email.opened      { campaign: string }
  event email.clicked     { campaign: string, url: string }
  event email.bounced     { campaign: string, kind: string }
  event page.viewed       { path: string }
  event form.submitted    { form: string }
  event content.downloaded { asset: string }
  event search.performed  { term: string }
  event purchase          { order_id: string, amount: number, category: string }
  event cart.abandoned    { value: number }
  event contact.created   { }
  event unsubscribed      { }
  group activity = email.opened | email.clicked | page.viewed | form.submitted
                 | content.downloaded | search.performed | purchase
  group touch = email.sent
}

segment soft_bouncers "Soft bounced four or more times" {
  count(email.bounced where kind == "soft") >= 4
}
segment service_interest "Interested in services" {
  exists(email.clicked where url contains "/services")
  or exists(page.viewed where path starts_with "/services")
  or exists(search.performed where term in ["consulting", "support plan"])
  or exists(content.downloaded where asset == "services-guide.pdf")
}
segment dormant { not exists(activity within 60d) and not segment(soft_bouncers) }
segment opens_only { exists(email.opened) and not exists(email.clicked) }
segment big_spenders { sum(purchase within 365d, amount) >= 1000 }
segment cart_to_recover { exists(cart.abandoned within 7d) and not exists(purchase since last(cart.abandoned).at) }
segment unassigned_opportunities { stage == "opportunity" and owner is null }
segment birthday_today { is_anniversary(birthday) }
segment birthday_this_week { days_until_anniversary(birthday) <= 7 }
segment bought_yesterday { exists(purchase where date(at) == today - 1d) }

score engagement "Engagement score" {
  per email.clicked within 30d => +10 max 50
  per page.viewed where path starts_with "/pricing" within 14d => +5
  per email.opened within 30d => +3 max 9
  when exists(form.submitted within 30d) => +20
  when not exists(activity within 60d) => -15
  when exists(email.bounced where kind == "hard") => -50
  decay half_life 30d
  clamp 0 to 200
}
score fit {
  when country in ["BR", "PT"] => +20
  when total_spent >= 500 => +15
  when email ends_with "@example.org" => -30
}
score value {
  per purchase within 365d => floor(amount / 100)     # one point per 100 spent
}

decide grade "Fit grade" {
  when score(fit) >= 30 => "A"
  when score(fit) >= 15 => "B"
  when score(fit) >= 0  => "C"
  else => "D"
}
decide lifecycle_stage {
  when exists(purchase) => "customer"
  when owner is not null and score(engagement) >= 100 => "sql"
  when score(engagement) >= 60 and decision(grade) in ["A", "B"] => "mql"
  when exists(form.submitted) => "lead"
  else => "subscriber"
}
decide greeting { when first_name is not null => "Olá, {first_name}!" else => "Olá!" }
decide all interests {
  when segment(service_interest) => "services"
  when exists(page.viewed where path starts_with "/shoes" within 30d) => "shoes"
}
"#;

/// A dozen contacts, one JSON object per line (spec §1.1).
const CONTACTS: &str = r#"
{"id":"c-001","attributes":{"email":"ana@example.com","first_name":"Ana","country":"BR","stage":"lead","owner":null,"birthday":"1990-11-22","created_at":"2026-01-10T09:00:00Z","total_spent":1200.50,"tags":["vip"]},"events":[{"kind":"email.clicked","at":"2026-11-20T10:00:00Z","props":{"campaign":"welcome-1","url":"https://shop.example/services"}}]}
{"id":"c-002","attributes":{"email":"joao@example.com","first_name":"João","country":"BR","stage":"customer","owner":"carla.dias","created_at":"2025-03-02T14:00:00Z","total_spent":"1890.00","tags":[]},"events":[{"kind":"purchase","at":"2026-02-14T18:00:00Z","props":{"order_id":"A-1001","amount":640.00,"category":"electronics"}},{"kind":"purchase","at":"2026-11-22T01:30:00Z","props":{"order_id":"A-1187","amount":"450.00","category":"shoes"}}]}
{"id":"c-003","attributes":{"email":"maria@example.com","first_name":"Maria","country":"PT","stage":"lead","created_at":"2026-05-01T08:00:00Z","total_spent":0,"tags":[]},"events":[{"kind":"email.bounced","at":"2026-10-01T09:00:00Z","props":{"campaign":"news-40","kind":"soft"}},{"kind":"email.bounced","at":"2026-10-08T09:00:00Z","props":{"campaign":"news-41","kind":"soft"}},{"kind":"email.bounced","at":"2026-10-15T09:00:00Z","props":{"campaign":"news-42","kind":"soft"}},{"kind":"email.bounced","at":"2026-10-22T09:00:00Z","props":{"campaign":"news-43","kind":"soft"}}]}
{"id":"c-004","attributes":{"email":"pedro@example.com","first_name":"Pedro","country":"AR","stage":"lead","created_at":"2026-06-11T08:00:00Z","total_spent":0,"tags":[]},"events":[{"kind":"email.opened","at":"2026-11-18T07:45:00Z","props":{"campaign":"news-46"}},{"kind":"email.opened","at":"2026-11-21T07:40:00Z","props":{"campaign":"news-47"}}]}
{"id":"c-005","attributes":{"email":"beatriz@example.com","first_name":"Beatriz","country":"BR","stage":"subscriber","created_at":"2025-08-20T12:00:00Z","total_spent":80,"tags":["newsletter"]},"events":[{"kind":"page.viewed","at":"2026-08-15T16:20:00Z","props":{"path":"/blog/black-friday"}}]}
{"id":"c-006","attributes":{"email":"lucas@example.com","first_name":"Lucas","country":"BR","stage":"opportunity","owner":"carla.dias","created_at":"2026-09-01T10:00:00Z","total_spent":600,"tags":["b2b"]},"events":[{"kind":"email.clicked","at":"2026-11-21T09:00:00Z","props":{"campaign":"pricing-1","url":"https://shop.example/pricing"}},{"kind":"email.clicked","at":"2026-11-21T09:05:00Z","props":{"campaign":"pricing-1","url":"https://shop.example/pricing/teams"}},{"kind":"email.clicked","at":"2026-11-22T08:00:00Z","props":{"campaign":"pricing-2","url":"https://shop.example/services"}},{"kind":"page.viewed","at":"2026-11-21T09:01:00Z","props":{"path":"/pricing"}},{"kind":"page.viewed","at":"2026-11-21T09:06:00Z","props":{"path":"/pricing/teams"}},{"kind":"page.viewed","at":"2026-11-22T08:01:00Z","props":{"path":"/pricing/enterprise"}},{"kind":"form.submitted","at":"2026-11-22T08:10:00Z","props":{"form":"talk-to-sales"}},{"kind":"email.clicked","at":"2026-11-22T09:00:00Z","props":{"campaign":"pricing-3","url":"https://shop.example/pricing"}},{"kind":"email.clicked","at":"2026-11-22T09:30:00Z","props":{"campaign":"pricing-3","url":"https://shop.example/demo"}},{"kind":"page.viewed","at":"2026-11-22T09:31:00Z","props":{"path":"/pricing/demo"}},{"kind":"page.viewed","at":"2026-11-22T10:00:00Z","props":{"path":"/pricing/faq"}},{"kind":"page.viewed","at":"2026-11-22T10:10:00Z","props":{"path":"/pricing/security"}},{"kind":"page.viewed","at":"2026-11-22T10:20:00Z","props":{"path":"/pricing/contract"}}]}
{"id":"c-007","attributes":{"email":"camila@example.com","first_name":"Camila","country":"PT","stage":"lead","created_at":"2026-10-05T10:00:00Z","total_spent":0,"tags":[]},"events":[{"kind":"email.clicked","at":"2026-11-19T10:00:00Z","props":{"campaign":"webinar","url":"https://shop.example/webinar"}},{"kind":"email.clicked","at":"2026-11-20T10:00:00Z","props":{"campaign":"webinar","url":"https://shop.example/webinar/agenda"}},{"kind":"email.clicked","at":"2026-11-21T10:00:00Z","props":{"campaign":"webinar","url":"https://shop.example/webinar/speakers"}},{"kind":"email.clicked","at":"2026-11-22T10:00:00Z","props":{"campaign":"webinar","url":"https://shop.example/webinar/join"}},{"kind":"email.clicked","at":"2026-11-22T11:00:00Z","props":{"campaign":"webinar","url":"https://shop.example/webinar/replay"}},{"kind":"form.submitted","at":"2026-11-20T10:05:00Z","props":{"form":"webinar-signup"}}]}
{"id":"c-008","attributes":{"email":"rafael@example.com","first_name":"Rafael","country":"BR","stage":"lead","birthday":"1988-11-27","created_at":"2024-11-27T10:00:00Z","total_spent":150,"tags":[]},"events":[{"kind":"page.viewed","at":"2026-11-12T22:10:00Z","props":{"path":"/shoes/running"}},{"kind":"cart.abandoned","at":"2026-11-19T21:00:00Z","props":{"value":389.90}}]}
{"id":"c-009","attributes":{"email":"fernanda@example.pt","first_name":"Fernanda","country":"PT","stage":"lead","birthday":"2000-02-29","created_at":"2026-04-03T10:00:00Z","total_spent":0,"tags":[]},"events":[{"kind":"search.performed","at":"2026-11-10T15:00:00Z","props":{"term":"consulting"}}]}
{"id":"c-010","attributes":{"email":"compras@example.org","stage":"lead","created_at":"2026-11-01T10:00:00Z","total_spent":0,"tags":[]},"events":[{"kind":"email.sent","at":"2026-11-15T10:00:00Z","props":{"campaign":"welcome-1"}}]}
{"id":"c-011","attributes":{"email":"juliana@example.com","first_name":"Juliana","country":"BR","stage":"opportunity","created_at":"2026-07-07T10:00:00Z","total_spent":520,"tags":["b2b"]},"events":[{"kind":"content.downloaded","at":"2026-11-05T13:00:00Z","props":{"asset":"services-guide.pdf"}}]}
{"id":"c-012","attributes":{"email":"thiago@example.com","first_name":"Thiago","country":"BR","stage":"lead","created_at":"2026-10-30T10:00:00Z","total_spent":0,"tags":[]},"events":[{"kind":"page.viewed","at":"2026-11-21T20:00:00Z","props":{"path":"/shoes/trail"}},{"kind":"purchase","at":"2026-11-23T10:00:00Z","props":{"order_id":"A-1200","amount":300,"category":"shoes"}}]}
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let program = funil::compile(RULES)?;
    let now: DateTime<Utc> = "2026-11-22T12:00:00Z".parse()?;
    let zone: Tz = "America/Sao_Paulo".parse()?;
    let context = Context::new(now).with_time_zone(zone);

    // One row per contact: its scores, its decisions, then its segments.
    let mut rows = Vec::new();
    let mut header = vec!["contact".to_string()];
    let mut numeric = 0;
    for line in CONTACTS.trim().lines() {
        let contact = program.contact_from_json(line)?;
        let evaluation = program.evaluate(&contact, &context)?;
        if rows.is_empty() {
            header.extend(evaluation.scores().map(|(name, _)| name.to_string()));
            numeric = header.len();
            header.extend(evaluation.decisions().map(|(name, _)| name.to_string()));
            header.push("segments".to_string());
        }
        let mut row = vec![contact.id().to_string()];
        row.extend(evaluation.scores().map(|(_, value)| text(value)));
        row.extend(evaluation.decisions().map(|(_, value)| text(value)));
        row.push(evaluation.segments().join(", "));
        rows.push(row);
    }

    println!("{} contacts at {now} ({zone})\n", rows.len());
    let widths: Vec<usize> = (0..header.len())
        .map(|column| {
            std::iter::once(&header)
                .chain(&rows)
                .filter_map(|row| row.get(column))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(column, (cell, &width))| {
                if (1..numeric).contains(&column) {
                    format!("{cell:>width$}")
                } else {
                    format!("{cell:<width$}")
                }
            })
            .collect();
        println!("{}", cells.join("  ").trim_end());
    }
    Ok(())
}

/// A value as interpolation prints it (spec §4.8), `-` for null or empty.
fn text(value: &Value) -> String {
    let mut out = String::new();
    write_text(value, &mut out);
    if out.is_empty() { "-".to_string() } else { out }
}
