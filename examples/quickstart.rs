//! A tour of funil on embedded sample data: compile a rule set, read a dozen contacts
//! from JSON lines, evaluate every segment (ranked ones included), score and decision
//! for the batch at a fixed instant, in São Paulo time, then the rewards granted for
//! their purchases, why one contact is in a segment, the next steps of two workflows
//! for that contact, and when two of its segments will change if nothing else
//! happens.
//!
//! Run it with `cargo run --example quickstart`.

use chrono::{DateTime, Utc};
use funil::model::write_text;
use funil::{Contact, Context, Program, Status, Tz, Value};

/// The schema of the spec (§2) with the actions workflows ask for, the marketing
/// team's segments, the spec's scores (§5.3), decisions (§6) and rewards (§7), and
/// seven workflows (§8).
const RULES: &str = include_str!("data/quickstart.funil");

/// A dozen contacts, one JSON object per line (spec §1.1).
const CONTACTS: &str = include_str!("data/quickstart_contacts.jsonl");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let program = funil::compile(RULES)?;
    let now: DateTime<Utc> = "2026-11-22T12:00:00Z".parse()?;
    let zone: Tz = "America/Sao_Paulo".parse()?;
    let context = Context::new(now).with_time_zone(zone);

    let contacts = CONTACTS
        .trim()
        .lines()
        .map(|line| program.contact_from_json(line))
        .collect::<Result<Vec<_>, _>>()?;
    // Evaluated together, so that the ranked segment `most_engaged` can be resolved.
    let evaluations = program.evaluate_batch(&contacts, &context)?;

    // One row per contact: its scores, its decisions, then its segments.
    let mut rows = Vec::new();
    let mut header = vec!["contact".to_string()];
    let mut numeric = 0;
    for (contact, evaluation) in contacts.iter().zip(&evaluations) {
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

    println!("\nRewards for purchases up to {now}:");
    for contact in &contacts {
        for reward in ["cashback", "points"] {
            for grant in program.rewards(reward, contact, &context)? {
                println!(
                    "  {}  {}  {reward:<8}  {}",
                    contact.id(),
                    grant.at().with_timezone(&zone).format("%Y-%m-%d %H:%M"),
                    grant.value()
                );
            }
        }
    }

    // Why c-008 has a cart to recover: the rule as written, each condition with the
    // value it produced and the events its queries selected (what a support person
    // pastes into a ticket; `serde_json::to_string` gives the same as JSON).
    if let Some(sample) = contacts.iter().find(|contact| contact.id() == "c-008") {
        println!("\nWhy {} is in cart_to_recover:", sample.id());
        print!("{}", program.explain("cart_to_recover", sample, &context)?);
    }

    // A host that has not seen c-008's events yet reports them all as new: the
    // abandoned cart of 19 November enters the cart workflow, which, advanced late,
    // gives its actions stamped with the instants they were due.
    if let Some(sample) = contacts.iter().find(|contact| contact.id() == "c-008") {
        println!("\nWorkflows for {} at {now}:", sample.id());
        for workflow in ["abandoned_cart", "lead_nurturing"] {
            next_steps(&program, workflow, sample, &context, zone)?;
        }
        next_changes(&program, sample, &context, zone)?;
    }
    Ok(())
}

/// When two of the contact's segments will next change if nothing else happens: the
/// instant a scheduler would store to evaluate them again.
fn next_changes(
    program: &Program,
    contact: &Contact,
    context: &Context,
    zone: Tz,
) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "\nWhen {}'s segments change if nothing else happens:",
        contact.id()
    );
    for segment in ["cart_to_recover", "birthday_this_week"] {
        let member = program.segment(segment, contact, context)?;
        let state = if member { "in" } else { "out" };
        match program.next_change(segment, contact, context)? {
            Some(next) => println!(
                "  {segment:<20} {state} until {}{}",
                next.at().with_timezone(&zone).format("%Y-%m-%d %H:%M:%S"),
                if next.is_exact() { "" } else { " (at least)" }
            ),
            None => println!("  {segment:<20} {state} for good"),
        }
    }
    Ok(())
}

/// Enters `workflow` if the contact qualifies, advances the run to now, and prints
/// its actions and status.
fn next_steps(
    program: &Program,
    workflow: &str,
    contact: &Contact,
    context: &Context,
    zone: Tz,
) -> Result<(), Box<dyn std::error::Error>> {
    let local = |t: DateTime<Utc>| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string();
    let new_events: Vec<usize> = (0..contact.events().len()).collect();
    let Some(run) = program.enter(workflow, contact, context, &new_events, &[])? else {
        println!("  {workflow}: does not enter");
        return Ok(());
    };
    println!("  {workflow}: entered {}", local(run.entered_at()));
    let advance = program.advance(&run, contact, context)?;
    for action in &advance.actions {
        let args: Vec<String> = action
            .args
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(name, value)| format!("{name}: {}", text(value)))
            .collect();
        println!(
            "    {}  step {:<8} {}({})",
            local(action.due),
            action.step,
            action.name,
            args.join(", ")
        );
    }
    match advance.status {
        Status::Waiting(Some(due)) => println!("    next step due {}", local(due)),
        Status::Waiting(None) => println!("    waiting for an event"),
        ended => println!("    {}", ended.name()),
    }
    Ok(())
}

/// A value as interpolation prints it (spec §4.8), `-` for null or empty.
fn text(value: &Value) -> String {
    let mut out = String::new();
    write_text(value, &mut out);
    if out.is_empty() { "-".to_string() } else { out }
}
