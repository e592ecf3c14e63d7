//! Columnar evaluation over Arrow record batches gives what the row interpreter
//! gives, for generated rule sets and contacts; malformed batches are refused with
//! an error naming the column.
#![cfg(feature = "arrow")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "common/rules.rs"]
mod rules;

use std::sync::Arc;

use funil::arrow_array::cast::AsArray;
use funil::arrow_array::types::Decimal128Type;
use funil::arrow_array::{
    Array, ArrayRef, Date32Array, Decimal128Array, RecordBatch, StringArray, UInt32Array,
};
use funil::{ColumnarErrorKind, Contact, Context, Program, Value};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;

fn compile(source: &str) -> Program {
    funil::Compiler::new()
        .source("rules.funil", source)
        .compile()
        .unwrap_or_else(|e| panic!("{e}\n--- source:\n{source}"))
}

fn contacts_of(program: &Program, json: &[String]) -> Vec<Contact> {
    json.iter()
        .map(|text| program.contact_from_json(text).unwrap())
        .collect()
}

/// Asserts that `evaluate_arrow` over the contacts' batches gives, for every item and
/// contact, what `evaluate_batch` gives; returns, for each column of the results,
/// whether it was computed column-wise.
fn assert_same(program: &Program, contacts: &[Contact], context: &Context) -> Vec<bool> {
    let (people, events) = program.contacts_to_arrow(contacts).unwrap();
    let (results, columnar) = program
        .evaluate_arrow_traced(&people, &events, context)
        .unwrap();
    assert_eq!(
        results,
        program.evaluate_arrow(&people, &events, context).unwrap()
    );
    let rows = program.evaluate_batch(contacts, context).unwrap();
    assert_eq!(results.num_rows(), rows.len());
    assert_eq!(results.schema(), program.arrow_results_schema());
    for (row, evaluation) in rows.iter().enumerate() {
        let mut scores = evaluation.scores();
        let mut decisions = evaluation.decisions();
        for (column, field) in results.schema().fields().iter().enumerate() {
            let name = field.name();
            let array = results.column(column);
            let kind = program
                .items()
                .find(|(item, _)| item == name)
                .map(|(_, kind)| kind)
                .unwrap();
            match kind {
                funil::ItemKind::Segment => {
                    let expected = evaluation.segments().iter().any(|s| s == name);
                    assert_eq!(array.as_boolean().value(row), expected, "{name}, row {row}");
                }
                funil::ItemKind::Score => {
                    let (_, value) = scores.next().unwrap();
                    let cents = array.as_primitive::<Decimal128Type>().value(row);
                    let got = funil::Decimal::from_i128_with_scale(cents, 2);
                    assert_eq!(Value::Number(got), *value, "{name}, row {row}");
                }
                _ => {
                    let (_, value) = decisions.next().unwrap();
                    let expected = (!value.is_null()).then(|| {
                        let mut text = String::new();
                        funil::model::write_json(value, &mut text);
                        text
                    });
                    let strings = array.as_string::<i32>();
                    let got = strings.is_valid(row).then(|| strings.value(row).to_owned());
                    assert_eq!(got, expected, "{name}, row {row}");
                }
            }
        }
    }
    columnar
}

/// A condition made only of constructs with a columnar form, over the generator's
/// schema.
fn columnar_condition() -> impl Strategy<Value = String> {
    let number = select(vec!["0", "12.5", "-3", "150", "299", "50.25"]);
    let op = select(vec!["==", "!=", "<", "<=", ">", ">="]);
    let leaf = prop_oneof![
        (op.clone(), number.clone()).prop_map(|(op, k)| format!("n {op} {k}")),
        (op.clone(), number.clone()).prop_map(|(op, k)| format!("m {op} {k}")),
        (op.clone(), number).prop_map(|(op, k)| format!("{k} {op} m")),
        (op, select(vec!["\"BR\"", "\"\"", "\"PT\"", "\"B\""]))
            .prop_map(|(op, k)| format!("s {op} {k}")),
        select(vec!["==", "!="]).prop_map(|op| format!("t {op} \"vip\"")),
        select(vec!["==", "!="]).prop_map(|op| format!("m {op} null")),
        select(vec!["==", "!="]).prop_map(|op| format!("b {op} true")),
        select(vec!["==", "!="]).prop_map(|op| format!("b {op} false")),
        Just("b".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        select(vec!["t", "m", "b", "d"]).prop_map(|a| format!("{a} is null")),
        select(vec!["t", "m", "b", "d"]).prop_map(|a| format!("{a} is not null")),
        Just("s in [\"BR\", \"PT\"]".to_owned()),
        Just("t not in [\"x\"]".to_owned()),
        Just("m in [1, 2, 3, 12.5, 40, 50, 60, 70, 80, 90]".to_owned()),
        Just("n not in [0, 100, 200]".to_owned()),
        Just("s in [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"US\"]".to_owned()),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 2..4).prop_map(|c| format!("({})", c.join(" and "))),
            vec(inner.clone(), 2..4).prop_map(|c| format!("({})", c.join(" or "))),
            inner.prop_map(|c| format!("not ({c})")),
        ]
    })
}

/// An event query of the generator's schema with a columnar form: a kind or the
/// group, a `where` over props, `at` or the contact, a window.
fn columnar_query(kinds: Vec<&'static str>) -> impl Strategy<Value = String> {
    let filter = |kind: &str| -> Vec<&'static str> {
        match kind {
            "view" => vec![
                "",
                " where path starts_with \"/p\"",
                " where path == \"/home\"",
            ],
            "click" => vec![
                "",
                " where amount > 50",
                " where url != \"/x\" and amount <= 100",
            ],
            "buy" => vec![
                "",
                " where category in [\"books\", \"A\"]",
                " where not (amount >= 12.5)",
            ],
            "mail.sent" => vec!["", " where campaign == \"A\""],
            _ => vec!["", " where contact.s == \"BR\"", " where at > now - 3d"],
        }
    };
    let window = select(vec![
        "",
        "",
        " within 7d",
        " within 30d",
        " within 1d",
        " since now - 14d",
        " since @2026-10-01T00:00:00Z",
        " since c",
        " between now - 30d and now - 1d",
        " between @2026-09-01T00:00:00Z and @2026-11-22T12:00:00Z",
    ]);
    select(kinds).prop_flat_map(move |kind| {
        (select(filter(kind)), window.clone()).prop_map(move |(f, w)| format!("{kind}{f}{w}"))
    })
}

/// A condition over the contact with a columnar form; `@@S` stands for a segment
/// and `@@N` for a score declared before.
fn columnar_rich_condition() -> impl Strategy<Value = String> {
    let all = vec!["view", "click", "buy", "mail.sent", "act"];
    let op = select(vec!["==", "!=", "<", "<=", ">", ">="]);
    let leaf = prop_oneof![
        3 => columnar_condition(),
        2 => (columnar_query(all.clone()), op.clone(), 0_u32..4)
            .prop_map(|(q, op, k)| format!("count({q}) {op} {k}")),
        2 => columnar_query(all).prop_map(|q| format!("exists({q})")),
        2 => (columnar_query(vec!["click", "buy"]), select(vec!["sum", "avg", "min", "max"]), op.clone(),
              select(vec!["0", "12.5", "60", "150"]))
            .prop_map(|(q, f, op, k)| format!("{f}({q}, amount) {op} {k}")),
        2 => (select(vec![
                "(n + m) * 2", "n / (m - 50)", "abs(n - 150)", "round(n / 7, 1)", "(m ?? 0) + 1",
                "-n", "len(s)", "min(n, 50)", "max(m, 20)", "floor(n / 3)", "ceil(n / 3.5)",
                "n * 0.1 - m", "score(@@N)", "score(@@N) - n / 4",
            ]), op.clone(), select(vec!["0", "3.5", "20", "50", "-100", "150"]))
            .prop_map(|(e, op, k)| format!("{e} {op} {k}")),
        1 => Just("segment(@@S)".to_owned()),
        1 => (select(vec!["c", "now - 30d", "@2026-06-01T00:00:00Z", "now"]), op.clone(),
              select(vec!["c", "now - 100d", "now + 1d", "@2026-01-01T00:00:00Z"]))
            .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 2..3).prop_map(|c| format!("({})", c.join(" and "))),
            vec(inner.clone(), 2..3).prop_map(|c| format!("({})", c.join(" or "))),
            inner.prop_map(|c| format!("not ({c})")),
        ]
    })
}

/// An item with a columnar form (or, `false`, with one construct without): its
/// keyword, its body, and whether it should be computed column-wise.
fn columnar_item() -> impl Strategy<Value = (&'static str, String, bool)> {
    let condition = || {
        prop_oneof![
            6 => columnar_rich_condition().prop_map(|c| (c, true)),
            1 => Just(("s matches r\"^B\"".to_owned(), false)),
        ]
    };
    let rule = prop_oneof![
        2 => (condition(), select(vec!["+20", "-15", "+2.5", "n / 10", "score(@@N)"]))
            .prop_map(|((c, ok), p)| (format!("when {c} => {p}"), ok)),
        2 => (columnar_query(vec!["view", "click", "buy", "act"]), select(vec!["+10", "-5", "+0.5"]),
              select(vec!["", " max 20", " max 3"]))
            .prop_map(|(q, p, m)| (format!("per {q} => {p}{m}"), true)),
        1 => (columnar_query(vec!["click", "buy"]), select(vec!["", " max 100"]))
            .prop_map(|(q, m)| (format!("per {q} => amount{m}"), true)),
    ];
    let value = prop_oneof![
        Just(vec!["\"A\"", "\"B\"", "s", "t"]),
        Just(vec!["12.5", "n", "m", "20"]),
    ]
    .prop_flat_map(move |values| {
        (
            vec((condition(), select(values.clone())), 1..3),
            proptest::option::of(select(values)),
        )
    });
    prop_oneof![
        3 => condition().prop_map(|(c, ok)| ("segment", c, ok)),
        3 => (
            vec(rule, 1..4),
            select(vec!["", " decay half_life 7d", " decay half_life 30d"]),
            select(vec!["", " clamp 0 to 50", " clamp -10 to 25"]),
        )
            .prop_map(|(rules, decay, clamp)| {
                let ok = rules.iter().all(|(_, ok)| *ok);
                let rules: Vec<String> = rules.into_iter().map(|(r, _)| r).collect();
                ("score", format!("{}{decay}{clamp}", rules.join("\n")), ok)
            }),
        2 => (value, any::<bool>())
            .prop_map(|((arms, otherwise), all)| {
                let ok = arms.iter().all(|((_, ok), _)| *ok);
                let mut body: String = arms
                    .iter()
                    .map(|((c, _), v)| format!("when {c} => {v}\n"))
                    .collect();
                if let Some(v) = otherwise {
                    body.push_str(&format!("else => {v}"));
                }
                (if all { "decide all" } else { "decide" }, body, ok)
            }),
        2 => (select(vec!["top 3 by", "top 2 by", "top 25% by", "top 1 by"]),
              select(vec!["score(@@N)", "n", "count(buy within 30d)", "n - m", "len(lower(s))"]),
              select(vec!["", " where n > 100", " where segment(@@S)"]))
            .prop_map(|(take, by, filter)| {
                ("segment", format!("{take} {by}{filter}"), !by.contains("lower"))
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Generated rule sets of every construct: most items are answered by the row
    /// interpreter over contacts built from the batches, the rest column-wise.
    #[test]
    fn generated_rule_sets_give_the_row_answers(
        set in rules::rule_set(6),
        json in vec(rules::contact(), 0..6),
        zone in rules::time_zone(),
    ) {
        let program = compile(&set.with_schema());
        let contacts = contacts_of(&program, &json);
        assert_same(&program, &contacts, &Context::new(rules::now()).with_time_zone(zone));
    }

    /// Rule sets of the constructs with a columnar form (comparisons, arithmetic,
    /// number functions, event aggregates with `where` and windows, `when` and `per`
    /// score rules with caps, decay and clamps, decisions of literals, ranked
    /// segments, references between items), with now and then one construct without:
    /// every item is the row interpreter's answer, and every item made only of
    /// columnar constructs was computed column-wise.
    #[test]
    fn columnar_rule_sets_give_the_row_answers_column_wise(
        items in vec(columnar_item(), 1..6),
        json in vec(rules::contact(), 0..14),
    ) {
        let mut source = rules::SCHEMA.to_owned();
        let mut expected: Vec<bool> = Vec::new();
        // The last segment and score declared, with whether each is column-wise.
        let mut segment: Option<(String, bool)> = None;
        let mut score: Option<(String, bool)> = None;
        for (i, (kind, body, columnar)) in items.iter().enumerate() {
            let mut ok = *columnar;
            let mut body = body.clone();
            if body.contains("@@S") {
                let (name, fine) = segment.clone().unwrap_or(("i_none".into(), true));
                body = if name == "i_none" { body.replace("segment(@@S)", "n > 10") } else { body.replace("@@S", &name) };
                ok &= fine;
            }
            if body.contains("@@N") {
                let (name, fine) = score.clone().unwrap_or(("i_none".into(), true));
                body = if name == "i_none" { body.replace("score(@@N)", "n") } else { body.replace("@@N", &name) };
                ok &= fine;
            }
            let name = format!("i{i}");
            source.push_str(&format!("{kind} {name} {{\n{body}\n}}\n"));
            match *kind {
                "segment" => segment = Some((name, ok)),
                "score" => score = Some((name, ok)),
                _ => {}
            }
            expected.push(ok);
        }
        let program = compile(&source);
        let contacts = contacts_of(&program, &json);
        let columnar = assert_same(&program, &contacts, &Context::new(rules::now()));
        for (i, (got, wanted)) in columnar.iter().zip(&expected).enumerate() {
            if *wanted {
                prop_assert!(*got, "item i{i} was left to the row interpreter:\n{source}");
            }
        }
    }

    /// Segments whose conditions all have a columnar form, with and without an item
    /// that the row interpreter answers beside them.
    #[test]
    fn columnar_segments_give_the_row_answers(
        conditions in vec(columnar_condition(), 1..4),
        with_row_item in any::<bool>(),
        json in vec(rules::contact(), 1..12),
    ) {
        let mut source = rules::SCHEMA.to_owned();
        for (i, condition) in conditions.iter().enumerate() {
            source.push_str(&format!("segment c{i} {{ {condition} }}\n"));
        }
        if with_row_item {
            source.push_str("score s { per buy => +1 }\n");
        }
        let program = compile(&source);
        let contacts = contacts_of(&program, &json);
        assert_same(&program, &contacts, &Context::new(rules::now()));
    }
}

#[test]
fn batches_read_back_to_the_contacts_they_were_written_from() {
    let program = compile(&format!("{}\nsegment everyone {{ true }}", rules::SCHEMA));
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let json: Vec<String> = (0..20)
        .map(|_| rules::contact().new_tree(&mut runner).unwrap().current())
        .collect();
    let contacts = contacts_of(&program, &json);
    let (people, events) = program.contacts_to_arrow(&contacts).unwrap();
    assert_eq!(people.schema(), program.arrow_contacts_schema());
    assert_eq!(events.schema(), program.arrow_events_schema());
    assert_eq!(
        events.num_rows(),
        contacts.iter().map(|c| c.events().len()).sum::<usize>()
    );
    assert_same(&program, &contacts, &Context::new(rules::now()));
}

// ----- refusals -----

fn small() -> Program {
    compile(
        "schema { contact { n: number, d: date?, t: string? } event buy { amount: number } }
         segment big { n > 10 }
         score spender { per buy => +1 }",
    )
}

fn column<A: Array + 'static>(array: A) -> ArrayRef {
    Arc::new(array)
}

fn numbers(values: Vec<Option<i128>>) -> ArrayRef {
    column(
        Decimal128Array::from(values)
            .with_precision_and_scale(38, 2)
            .unwrap(),
    )
}

fn people(extra: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let mut columns = vec![
        ("contact", column(StringArray::from(vec!["a", "b"]))),
        ("n", numbers(vec![Some(1_200), Some(500)])),
        ("d", column(Date32Array::from(vec![Some(0), None]))),
        (
            "t",
            column(StringArray::from(vec![None::<&str>, Some("x")])),
        ),
    ];
    for (name, array) in extra {
        columns.retain(|(n, _)| *n != name);
        columns.push((name, array));
    }
    RecordBatch::try_from_iter(columns).unwrap()
}

fn no_events(program: &Program) -> RecordBatch {
    RecordBatch::new_empty(program.arrow_events_schema())
}

fn refusal(
    program: &Program,
    contacts: &RecordBatch,
    events: &RecordBatch,
) -> funil::ColumnarError {
    program
        .evaluate_arrow(contacts, events, &Context::new(rules::now()))
        .unwrap_err()
}

#[test]
fn a_well_formed_batch_at_any_decimal_scale_is_evaluated() {
    let program = small();
    let results = program
        .evaluate_arrow(
            &people(vec![]),
            &no_events(&program),
            &Context::new(rules::now()),
        )
        .unwrap();
    let big: Vec<bool> = results.column(0).as_boolean().iter().flatten().collect();
    assert_eq!(big, [true, false]);
}

#[test]
fn missing_unknown_and_mistyped_columns_are_named() {
    let program = small();
    let events = no_events(&program);
    let without_n = RecordBatch::try_from_iter([
        ("contact", column(StringArray::from(vec!["a"]))),
        ("d", column(Date32Array::from(vec![Some(0)]))),
        ("t", column(StringArray::from(vec![Some("x")]))),
    ])
    .unwrap();
    let err = refusal(&program, &without_n, &events);
    assert_eq!(err.kind(), ColumnarErrorKind::MissingColumn);
    assert_eq!(
        err.to_string(),
        "contacts column `n`: the batch has no such column"
    );

    let err = refusal(
        &program,
        &people(vec![("nn", numbers(vec![None, None]))]),
        &events,
    );
    assert_eq!(err.kind(), ColumnarErrorKind::UnexpectedColumn);
    assert_eq!(err.column(), "nn");

    let err = refusal(
        &program,
        &people(vec![(
            "d",
            column(StringArray::from(vec!["2026-01-01", "x"])),
        )]),
        &events,
    );
    assert_eq!(err.kind(), ColumnarErrorKind::WrongType);
    assert_eq!(
        err.to_string(),
        "contacts column `d`: expected Date32 (a funil `date`), found Utf8"
    );
}

#[test]
fn nulls_and_values_out_of_range_are_refused_with_their_row() {
    let program = small();
    let events = no_events(&program);
    let err = refusal(
        &program,
        &people(vec![("n", numbers(vec![Some(1), None]))]),
        &events,
    );
    assert_eq!(err.kind(), ColumnarErrorKind::NullValue);
    assert_eq!(
        err.to_string(),
        "contacts column `n`, row 1: null, but the schema declares `number`"
    );

    // 31 significant digits, with no trailing zero to drop.
    let huge = 10_i128.pow(30) + 1;
    let err = refusal(
        &program,
        &people(vec![("n", numbers(vec![Some(1), Some(huge)]))]),
        &events,
    );
    assert_eq!(err.kind(), ColumnarErrorKind::OutOfRange);
    assert_eq!(err.row(), Some(1));

    let err = refusal(
        &program,
        &people(vec![(
            "d",
            column(Date32Array::from(vec![Some(3_000_000), None])),
        )]),
        &events,
    );
    assert_eq!(err.kind(), ColumnarErrorKind::OutOfRange);
    assert_eq!(
        err.to_string(),
        "contacts column `d`, row 0: the value is outside the years 0000 to 9999 (in UTC)"
    );

    let err = refusal(
        &program,
        &people(vec![("contact", column(StringArray::from(vec!["a", ""])))]),
        &events,
    );
    assert_eq!(err.kind(), ColumnarErrorKind::InvalidContact);
    assert_eq!(err.row(), Some(1));
}

/// An events batch of one `buy` event, with `contact` and `kind` as given.
fn one_event(program: &Program, contact: u32, kind: &str, amount: Option<i128>) -> RecordBatch {
    let schema = program.arrow_events_schema();
    let at = funil::arrow_array::TimestampNanosecondArray::from(vec![0_i64]).with_timezone("UTC");
    RecordBatch::try_new(
        schema,
        vec![
            column(UInt32Array::from(vec![contact])),
            column(StringArray::from(vec![kind])),
            column(at),
            column(
                Decimal128Array::from(vec![amount])
                    .with_precision_and_scale(38, 10)
                    .unwrap(),
            ),
        ],
    )
    .unwrap()
}

/// An events batch of `buy` events of 1, one for each contact row of `owners`.
fn purchases_of(program: &Program, owners: Vec<u32>) -> RecordBatch {
    let rows = owners.len();
    let at =
        funil::arrow_array::TimestampNanosecondArray::from(vec![0_i64; rows]).with_timezone("UTC");
    RecordBatch::try_new(
        program.arrow_events_schema(),
        vec![
            column(UInt32Array::from(owners)),
            column(StringArray::from(vec!["buy"; rows])),
            column(at),
            column(
                Decimal128Array::from(vec![Some(1_i128); rows])
                    .with_precision_and_scale(38, 10)
                    .unwrap(),
            ),
        ],
    )
    .unwrap()
}

#[test]
fn a_contact_with_more_events_than_the_limit_is_refused_with_its_row() {
    let program = funil::Compiler::new()
        .limits(funil::Limits::default().max_events(2))
        .source(
            "rules.funil",
            "schema { contact { n: number, d: date?, t: string? } event buy { amount: number } }
             score spender { per buy => +1 }",
        )
        .compile()
        .unwrap();
    let contacts = people(vec![]);
    let err = refusal(
        &program,
        &contacts,
        &purchases_of(&program, vec![1, 0, 1, 1]),
    );
    assert_eq!(err.kind(), ColumnarErrorKind::InvalidContact);
    assert_eq!(err.row(), Some(1));
    assert_eq!(
        err.to_string(),
        "contacts column `contact`, row 1: 3 events, more than the limit of 2"
    );
    // Three events in all, but no more than two for one contact.
    let results = program
        .evaluate_arrow(
            &contacts,
            &purchases_of(&program, vec![1, 0, 1]),
            &Context::new(rules::now()),
        )
        .unwrap();
    let scores = results
        .column(0)
        .as_primitive::<Decimal128Type>()
        .values()
        .to_vec();
    assert_eq!(scores, [100, 200]);
}

#[test]
fn events_of_unknown_kinds_or_contacts_or_without_their_props_are_refused() {
    let program = small();
    let contacts = people(vec![]);
    let err = refusal(
        &program,
        &contacts,
        &one_event(&program, 0, "sell", Some(1)),
    );
    assert_eq!(err.kind(), ColumnarErrorKind::UnknownKind);
    assert!(err.in_events());
    assert_eq!(
        err.to_string(),
        "events column `kind`, row 0: no event kind is named `sell`"
    );

    let err = refusal(&program, &contacts, &one_event(&program, 2, "buy", Some(1)));
    assert_eq!(err.kind(), ColumnarErrorKind::UnknownContact);
    assert_eq!(
        err.to_string(),
        "events column `contact`, row 0: 2 is not a row of the contacts batch (2 rows)"
    );

    let err = refusal(&program, &contacts, &one_event(&program, 1, "buy", None));
    assert_eq!(err.kind(), ColumnarErrorKind::NullValue);
    assert_eq!(err.column(), "buy.amount");

    let results = program
        .evaluate_arrow(
            &contacts,
            &one_event(&program, 1, "buy", Some(5)),
            &Context::new(rules::now()),
        )
        .unwrap();
    let scores: Vec<i128> = results
        .column(1)
        .as_primitive::<Decimal128Type>()
        .values()
        .to_vec();
    assert_eq!(scores, [0, 100]);
}
