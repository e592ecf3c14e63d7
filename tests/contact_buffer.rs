#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A [`ContactBuffer`] refilled from a caller's own rows gives the contact the
//! builder gives, so every evaluation through it answers as through a built
//! contact: segments, scores and decisions of generated rule sets, and the
//! quickstart's rewards and workflows. One buffer serves every contact in turn, so
//! nothing of one contact may remain in the next.

#[path = "common/rows.rs"]
mod rows;
#[path = "common/rules.rs"]
mod rules;

use funil::model::{ContactBuffer, ContactErrorKind};
use funil::{Contact, Context, Program, Tz};
use proptest::collection::vec;
use proptest::prelude::*;
use rows::{Layout, Row};

const QUICKSTART: &str = include_str!("../examples/data/quickstart.funil");
const QUICKSTART_CONTACTS: &str = include_str!("../examples/data/quickstart_contacts.jsonl");

fn compile(source: &str) -> Program {
    funil::Compiler::new()
        .source("rules.funil", source)
        .compile()
        .unwrap_or_else(|e| panic!("{e}\n--- source:\n{source}"))
}

fn layout() -> impl Strategy<Value = Layout> {
    (any::<bool>(), any::<bool>(), 0_usize..30).prop_map(
        |(omit_nulls, reverse_fields, rotate_events)| Layout {
            omit_nulls,
            reverse_fields,
            rotate_events,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn refilled_contacts_evaluate_as_built_ones(
        set in rules::rule_set(6),
        json in vec(rules::contact(), 1..8),
        layouts in vec(layout(), 8),
    ) {
        let program = compile(&set.with_schema());
        let context = Context::new(rules::now()).with_time_zone(Tz::America__Sao_Paulo);
        let rows: Vec<Row> = json
            .iter()
            .zip(layouts.iter().cycle())
            .map(|(text, layout)| rows::row_of(&program.contact_from_json(text).unwrap(), *layout))
            .collect();
        let built: Vec<Contact> = rows.iter().map(|row| rows::build(&program, row)).collect();
        let mut buffer = ContactBuffer::new(program.schema());
        // Forwards, then backwards: each contact refills what another left.
        for (row, contact) in rows.iter().zip(&built).chain(rows.iter().zip(&built).rev()) {
            let refilled = rows::refill(&mut buffer, row).unwrap();
            prop_assert_eq!(refilled, contact);
            prop_assert_eq!(
                program.evaluate(refilled, &context).unwrap(),
                program.evaluate(contact, &context).unwrap()
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn a_batch_of_the_callers_rows_evaluates_as_a_batch_of_built_contacts(
        set in rules::rule_set(5),
        json in vec(rules::contact(), 1..30),
    ) {
        // A ranked segment, and one that reads it, so the rows are read at
        // several passes.
        let source = format!(
            "{}\nsegment ranked_top {{ top 30% by n }}\n\
             segment ranked_reader {{ segment(ranked_top) and s != \"BR\" }}\n",
            set.with_schema()
        );
        let program = compile(&source);
        let context = Context::new(rules::now()).with_time_zone(Tz::UTC);
        let rows: Vec<Row> = json
            .iter()
            .map(|text| rows::row_of(&program.contact_from_json(text).unwrap(), rows::SHUFFLED))
            .collect();
        let built: Vec<Contact> = rows.iter().map(|row| rows::build(&program, row)).collect();
        let view = rows::view(&program);
        prop_assert_eq!(
            program.evaluate_batch_of(&rows, &view, &context).unwrap(),
            program.evaluate_batch(&built, &context).unwrap()
        );
    }
}

#[test]
fn a_batch_stops_at_the_first_row_the_view_cannot_read() {
    let (program, contacts) = quickstart();
    let mut rows: Vec<Row> = contacts
        .iter()
        .map(|c| rows::row_of(c, rows::SHUFFLED))
        .collect();
    let total_spent = program.schema().attribute("total_spent").unwrap();
    for (id, field) in &mut rows[3].attributes {
        if *id == total_spent {
            *field = rows::Field::Text("lots".to_owned());
        }
    }
    let view = rows::view(&program);
    let context = Context::new(rules::now());
    let err = program
        .evaluate_batch_of(&rows, &view, &context)
        .unwrap_err();
    assert_eq!(err.kind(), ContactErrorKind::WrongType);
    assert_eq!(err.contact_id(), Some(rows[3].id.as_str()));
    assert_eq!(err.field(), "attributes.total_spent");
}

fn quickstart() -> (Program, Vec<Contact>) {
    let program = compile(QUICKSTART);
    let contacts = QUICKSTART_CONTACTS
        .lines()
        .map(|line| program.contact_from_json(line).unwrap())
        .collect();
    (program, contacts)
}

#[test]
fn rewards_and_workflows_answer_as_for_built_contacts() {
    let (program, contacts) = quickstart();
    let context = Context::new(rules::now()).with_time_zone(Tz::America__Sao_Paulo);
    let rewards: Vec<&str> = program
        .items()
        .filter(|(_, kind)| *kind == funil::ItemKind::Reward)
        .map(|(name, _)| name)
        .collect();
    assert!(rewards.len() >= 2);
    let mut buffer = ContactBuffer::new(program.schema());
    let mut runs = 0;
    for contact in &contacts {
        let row = rows::row_of(contact, rows::SHUFFLED);
        let refilled = rows::refill(&mut buffer, &row).unwrap();
        assert_eq!(refilled, contact);
        for reward in &rewards {
            assert_eq!(
                program.rewards(reward, refilled, &context).unwrap(),
                program.rewards(reward, contact, &context).unwrap()
            );
        }
        let every_event: Vec<usize> = (0..contact.events().len()).collect();
        let entered = program
            .enter_all(refilled, &context, &every_event, &[])
            .unwrap();
        assert_eq!(
            format!("{entered:?}"),
            format!(
                "{:?}",
                program
                    .enter_all(contact, &context, &every_event, &[])
                    .unwrap()
            )
        );
        runs += entered.len();
        assert_eq!(
            format!(
                "{:?}",
                program.advance_all(&entered, refilled, &context).unwrap()
            ),
            format!(
                "{:?}",
                program.advance_all(&entered, contact, &context).unwrap()
            )
        );
    }
    assert!(
        runs > 0,
        "no workflow was entered: the comparison saw nothing"
    );
}

#[test]
fn a_value_of_the_wrong_type_names_the_contact_the_field_and_the_type() {
    let (program, contacts) = quickstart();
    let schema = program.schema();
    let mut buffer = ContactBuffer::new(schema);
    let total_spent = schema.attribute("total_spent").unwrap();
    let mut refill = buffer.refill("c-042");
    refill.attribute(total_spent, "1200.50");
    let err = refill.finish().unwrap_err();
    assert_eq!(err.kind(), ContactErrorKind::WrongType);
    assert_eq!(
        err.to_string(),
        r#"contact `c-042`: attribute `total_spent`: expected number, found string "1200.50""#
    );
    let purchase = schema.kind("purchase").unwrap();
    let (amount, _) = schema.prop(purchase, "amount").unwrap();
    let row = rows::row_of(&contacts[0], rows::SHUFFLED);
    let mut refill = buffer.refill(&row.id);
    for (id, field) in &row.attributes {
        refill.attribute(*id, field.lend());
    }
    refill.event(purchase, rules::now()).prop(amount, true);
    let err = refill.finish().unwrap_err();
    assert_eq!(err.kind(), ContactErrorKind::WrongType);
    assert_eq!(err.field(), "events[0].props.amount");
    assert_eq!(err.expected(), Some("number"));
    assert_eq!(err.contact_id(), Some("c-001"));
}
