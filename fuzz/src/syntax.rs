//! The `parse` and `compile` targets: arbitrary text must never make the parser, the
//! printer, the checker, the evaluator or the SQL push-down panic, and printing what parses must parse
//! back to the same tree.

use funil::{Compiler, Context, ItemKind, Program};

/// The schema every `compile` input is checked against (and the `evaluate` target's).
pub const SCHEMA: &str = include_str!("schema.funil");

/// Contacts of [`SCHEMA`] that a program which compiles is evaluated for: one with
/// every optional attribute null and no event, one with a value everywhere.
const CONTACTS: [&str; 2] = [
    r#"{"id": "empty", "attributes": {"email": "", "subscribed": false, "total_spent": 0,
        "signup": "2026-01-01", "created_at": "2026-01-01T00:00:00Z", "session": "0s",
        "tags": [], "lucky": []}}"#,
    r#"{"id": "full", "attributes": {"email": "ana@example.com", "nickname": "Ana",
        "country": "BR", "subscribed": true, "vip": true, "total_spent": "1200.50",
        "credit": 0, "signup": "2024-02-29", "birthday": "1990-11-22",
        "created_at": "2026-01-10T09:00:00Z", "last_login": "2026-11-21T23:59:59Z",
        "session": "1h30m", "trial": "14d", "tags": ["vip", "x"], "lucky": [7, 0.5]},
      "events": [
        {"kind": "email.clicked", "at": "2026-11-20T10:00:00Z",
         "props": {"campaign": "welcome-1", "url": "https://shop.example/services"}},
        {"kind": "page.viewed", "at": "2026-11-21T10:00:00Z", "props": {"path": "/pricing"}},
        {"kind": "purchase", "at": "2026-11-01T12:00:00Z",
         "props": {"order_id": "o-1", "amount": 250, "category": "electronics"}},
        {"kind": "cart.abandoned", "at": "2026-11-22T11:00:00Z", "props": {"value": 99.9}},
        {"kind": "form.submitted", "at": "2026-11-22T12:00:00Z",
         "props": {"form": "demo", "consent": true}},
        {"kind": "unsubscribed", "at": "2026-11-23T00:00:00Z"}
      ]}"#,
];

/// Parses `data` (when it is UTF-8); what parses is printed, and the printed text
/// must parse to an equal tree.
pub fn parse_round_trip(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(module) = funil::syntax::parse(text) else {
        return;
    };
    let printed = funil::syntax::print(&module);
    match funil::syntax::parse(&printed) {
        Ok(reparsed) => assert_eq!(
            reparsed, module,
            "printing and parsing again changed the tree; printed:\n{printed}"
        ),
        Err(error) => panic!("the printed source does not parse: {error}\nprinted:\n{printed}"),
    }
}

/// Compiles `data` (when it is UTF-8) after [`SCHEMA`]; a program that compiles is
/// evaluated in every way for the fixed contacts, which must not fail.
pub fn compile(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let compiled = Compiler::new()
        .source("schema.funil", SCHEMA)
        .source("rules.funil", text)
        .compile();
    if let Ok(program) = compiled {
        evaluate_everything(&program);
        push_down_everything(&program);
    }
}

/// Every item is written as SQL or refused, and the layout script written: neither may
/// panic, and a refusal renders.
fn push_down_everything(program: &Program) {
    let options = funil::SqlOptions::new();
    let _ = program.sql_schema(&options);
    for (name, _) in program.items() {
        if let Err(refusal) = program.to_sql(name, &options) {
            let _ = refusal.to_string();
        }
    }
}

fn evaluate_everything(program: &Program) {
    let contacts: Vec<_> = CONTACTS
        .iter()
        .map(|json| match program.contact_from_json(json) {
            Ok(contact) => contact,
            Err(error) => panic!("a fixed contact does not fit the schema: {error}"),
        })
        .collect();
    let now = "2026-11-22T12:00:00Z".parse().unwrap_or_default();
    let context = Context::new(now).with_time_zone(funil::Tz::America__Sao_Paulo);
    for contact in &contacts {
        if let Err(error) = program.evaluate(contact, &context) {
            panic!("evaluating `{}` failed: {error}", contact.id());
        }
        for (name, kind) in program.items() {
            if kind == ItemKind::Reward
                && let Err(error) = program.rewards(name, contact, &context)
            {
                panic!("reward `{name}` for `{}` failed: {error}", contact.id());
            }
        }
    }
    let batch = match program.evaluate_batch(&contacts, &context) {
        Ok(batch) => batch,
        Err(error) => panic!("evaluating the batch failed: {error}"),
    };
    // Every parameter given, the population (metrics included) evaluates, and its
    // evaluations are the batch's.
    let mut params = funil::Params::new();
    for (name, _) in program.schema().params() {
        params.set(name, 1);
    }
    match program.evaluate_population(&contacts, &context, &params) {
        Ok(population) if population.evaluations() == batch.as_slice() => {}
        Ok(_) => panic!("the population's evaluations differ from the batch's"),
        Err(error) => panic!("evaluating the population failed: {error}"),
    }
}
