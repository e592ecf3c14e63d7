#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §5.2: ranked segments, resolved over a batch — order, ties, nulls, `where`,
//! percentages, transitivity, and the typed error for single-contact evaluation.

mod support;

use funil::{Contact, EvalErrorKind, Evaluation, Program};
use serde_json::json;
use support::{SPEC_ITEMS, compile, contact, ctx};

const NOW: &str = "2026-11-22T12:00:00Z";

/// Contacts `(id, total_spent or null)`, built through `program`.
fn spenders(program: &Program, spent: &[(&str, Option<i64>)]) -> Vec<Contact> {
    spent
        .iter()
        .map(|(id, spent)| {
            let c = contact().id(id);
            let c = match spent {
                Some(n) => c.attr("total_spent", json!(n)).attr("owner", json!("o")),
                None => c.attr("total_spent", json!(0)),
            };
            c.build(program)
        })
        .collect()
}

/// The ids of the contacts in segment `name`, in input order.
fn members(contacts: &[Contact], evaluations: &[Evaluation], name: &str) -> Vec<String> {
    contacts
        .iter()
        .zip(evaluations)
        .filter(|(_, e)| e.segments().iter().any(|s| s == name))
        .map(|(c, _)| c.id().to_string())
        .collect()
}

fn batch(program: &Program, contacts: &[Contact]) -> Vec<Evaluation> {
    program.evaluate_batch(contacts, &ctx(NOW)).unwrap()
}

/// `owner` is null for the contacts given no amount, so `spent_by_owned` is null.
const RANKED: &str = r#"
decide spent_by_owned { when owner is not null => total_spent }
segment top2 { top 2 by decision(spent_by_owned) }
segment top_half { top 50% by decision(spent_by_owned) }
segment top_quarter { top 25% by total_spent }
segment top_big { top 10 by total_spent where total_spent >= 100 }
"#;

#[test]
fn top_n_takes_the_largest_keys_ties_going_to_the_smaller_id() {
    let program = compile(RANKED);
    let contacts = spenders(
        &program,
        &[
            ("c-3", Some(50)),
            ("c-1", Some(80)),
            ("c-2", Some(80)),
            ("c-0", Some(10)),
        ],
    );
    assert_eq!(
        members(&contacts, &batch(&program, &contacts), "top2"),
        ["c-1", "c-2"]
    );
    let contacts = spenders(
        &program,
        &[("c-9", Some(80)), ("c-3", Some(80)), ("c-5", Some(80))],
    );
    assert_eq!(
        members(&contacts, &batch(&program, &contacts), "top2"),
        ["c-3", "c-5"]
    );
}

#[test]
fn null_keys_never_rank_and_do_not_count_toward_a_percentage() {
    let program = compile(RANKED);
    let contacts = spenders(
        &program,
        &[
            ("a", None),
            ("b", Some(5)),
            ("c", None),
            ("d", Some(7)),
            ("e", None),
        ],
    );
    let evaluations = batch(&program, &contacts);
    // Two rank (b, d): top 2 is both, top 50% is ceil(0.5 × 2) = 1.
    assert_eq!(members(&contacts, &evaluations, "top2"), ["b", "d"]);
    assert_eq!(members(&contacts, &evaluations, "top_half"), ["d"]);
}

#[test]
fn a_percentage_takes_the_ceiling_of_its_share() {
    let program = compile(RANKED);
    let list: Vec<(String, Option<i64>)> = (0..10).map(|i| (format!("c-{i}"), Some(i))).collect();
    let spent: Vec<(&str, Option<i64>)> = list.iter().map(|(id, n)| (id.as_str(), *n)).collect();
    let contacts = spenders(&program, &spent);
    // ceil(0.25 × 10) = 3.
    assert_eq!(
        members(&contacts, &batch(&program, &contacts), "top_quarter"),
        ["c-7", "c-8", "c-9"]
    );
}

#[test]
fn where_selects_who_ranks_and_top_n_takes_all_when_fewer() {
    let program = compile(RANKED);
    let contacts = spenders(
        &program,
        &[("a", Some(500)), ("b", Some(99)), ("c", Some(100))],
    );
    assert_eq!(
        members(&contacts, &batch(&program, &contacts), "top_big"),
        ["a", "c"]
    );
}

#[test]
fn an_empty_batch_gives_no_evaluations() {
    let program = compile(RANKED);
    assert!(program.evaluate_batch(&[], &ctx(NOW)).unwrap().is_empty());
}

#[test]
fn batch_only_is_transitive_and_single_contact_calls_refuse_it() {
    let program = compile(
        r#"
segment best { top 1 by total_spent }
decide label { when segment(best) => "best" else => "rest" }
score bonus { when decision(label) == "best" => +10 }
segment plain { total_spent > 0 }
"#,
    );
    let contacts = spenders(&program, &[("a", Some(5)), ("b", Some(9))]);
    let now = ctx(NOW);
    for (name, result) in [
        (
            "best",
            program.segment("best", &contacts[0], &now).map(|_| ()),
        ),
        (
            "label",
            program.decision("label", &contacts[0], &now).map(|_| ()),
        ),
        (
            "bonus",
            program.score("bonus", &contacts[0], &now).map(|_| ()),
        ),
    ] {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), EvalErrorKind::BatchOnly, "{name}");
        assert_eq!(error.name(), name);
    }
    let single = program.evaluate(&contacts[1], &now).unwrap();
    assert_eq!(single.segments(), ["plain"]);
    assert_eq!(single.scores().count(), 0);
    assert_eq!(single.decisions().count(), 0);
    let evaluations = batch(&program, &contacts);
    assert_eq!(
        evaluations[1].to_json("b"),
        r#"{"id":"b","segments":["best","plain"],"scores":{"bonus":10},"decisions":{"label":"best"}}"#
    );
    assert_eq!(
        evaluations[0].to_json("a"),
        r#"{"id":"a","segments":["plain"],"scores":{"bonus":0},"decisions":{"label":"rest"}}"#
    );
}

#[test]
fn a_ranking_may_depend_on_another_ranking() {
    let program = compile(
        r#"
segment rich { top 3 by total_spent }
segment newest_rich { top 1 by hours(created_at - now) where segment(rich) }
"#,
    );
    let make = |id: &str, spent: i64, created: &str| {
        contact()
            .id(id)
            .attr("total_spent", json!(spent))
            .attr("created_at", json!(created))
            .build(&program)
    };
    let contacts = vec![
        make("a", 100, "2026-01-01T00:00:00Z"),
        make("b", 90, "2026-02-01T00:00:00Z"),
        make("c", 80, "2026-03-01T00:00:00Z"),
        make("d", 10, "2026-09-01T00:00:00Z"), // newest, but not rich
    ];
    let evaluations = batch(&program, &contacts);
    assert_eq!(members(&contacts, &evaluations, "rich"), ["a", "b", "c"]);
    assert_eq!(members(&contacts, &evaluations, "newest_rich"), ["c"]);
}

#[test]
fn rankings_follow_time_travel_and_see_only_events_up_to_their_instant() {
    // "Rose fastest": the score now minus the score 30 days ago; a click after the
    // earlier instant counts only in the first term.
    let program = compile(
        r#"
score clicks { per email.clicked => +10 }
segment rising { top 1 by score(clicks) - score(clicks, at: now - 30d) }
segment was_rising { segment(rising, at: now - 30d) }
"#,
    );
    let click = |c: support::ContactJson, at: &str| {
        c.event("email.clicked", at, json!({"campaign": "x", "url": "u"}))
    };
    let old_clicker = click(
        click(contact().id("old"), "2026-10-01T00:00:00Z"),
        "2026-10-02T00:00:00Z",
    );
    let new_clicker = click(contact().id("new"), "2026-11-20T00:00:00Z");
    let contacts = vec![old_clicker.build(&program), new_clicker.build(&program)];
    let evaluations = batch(&program, &contacts);
    assert_eq!(members(&contacts, &evaluations, "rising"), ["new"]);
    assert_eq!(members(&contacts, &evaluations, "was_rising"), ["old"]);
}

#[test]
fn the_spec_ranked_segments_compile_and_rank() {
    let program = compile(&format!(
        "{SPEC_ITEMS}\n{}",
        r#"
segment rising_fastest { top 100 by score(engagement) - score(engagement, at: now - 30d) }
segment top_decile     { top 10% by score(engagement) where stage != "customer" }
"#
    ));
    let contacts: Vec<Contact> = (0..20)
        .map(|i| {
            let mut c = contact().id(&format!("c-{i:02}"));
            for k in 0..i {
                c = c.event(
                    "email.opened",
                    &format!("2026-11-{:02}T10:00:00Z", 1 + k),
                    json!({"campaign": "n"}),
                );
            }
            c.build(&program)
        })
        .collect();
    let evaluations = batch(&program, &contacts);
    // Engagement gives 3 points per open in 30 days (decayed), at most 9: from five
    // opens on, contacts tie at 9, and the tie goes to the smaller ids. Every
    // contact ranks (a score is never null), so 10% of 20 is 2.
    let top = members(&contacts, &evaluations, "top_decile");
    assert_eq!(top, ["c-05", "c-06"]);
    assert_eq!(members(&contacts, &evaluations, "rising_fastest").len(), 20);
}

#[test]
fn batch_evaluation_agrees_with_single_contact_evaluation_on_other_items() {
    let program = support::spec_program();
    let contacts: Vec<Contact> = [
        support::SPEC_CONTACT.trim().to_string(),
        contact().id("c-2").attr("country", json!("BR")).json(),
        contact().id("c-3").json(),
    ]
    .iter()
    .map(|line| program.contact_from_json(line).unwrap())
    .collect();
    let now = ctx(NOW);
    let evaluations = program.evaluate_batch(contacts.iter(), &now).unwrap();
    for (contact, batched) in contacts.iter().zip(&evaluations) {
        assert_eq!(&program.evaluate(contact, &now).unwrap(), batched);
    }
}

#[test]
fn a_contact_of_another_schema_is_refused() {
    let program = compile(RANKED);
    let other = funil::compile("schema { contact { x: number? } }").unwrap();
    let stranger = other.contact("zz").build().unwrap();
    let error = program.evaluate_batch([&stranger], &ctx(NOW)).unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::SchemaMismatch);
    assert_eq!(error.name(), "zz");
}
