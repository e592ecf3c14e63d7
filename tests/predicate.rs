#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Segments compiled to predicates over a caller's own rows ([`Program::predicate`])
//! answer as `segment_with` over the contact built from the same row; a view fills
//! a buffer with that very contact; segments that read more than attributes, or an
//! attribute the view does not read, are refused with the reason; a value of the
//! wrong type is an error naming the contact, the attribute and the type.

#[path = "common/rows.rs"]
mod rows;
#[path = "common/rules.rs"]
mod rules;

use funil::model::{ContactBuffer, ContactErrorKind, ValueRef};
use funil::{Context, EvalErrorKind, Program, Tz, View, Workspace};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use rows::Row;

fn compile(source: &str) -> Program {
    funil::Compiler::new()
        .source("rules.funil", source)
        .compile()
        .unwrap_or_else(|e| panic!("{e}\n--- source:\n{source}"))
}

fn pick(choices: &[&'static str]) -> BoxedStrategy<String> {
    select(choices.to_vec()).prop_map(String::from).boxed()
}

/// A test of one attribute of [`rules::SCHEMA`] with literals, nulls included.
fn leaf() -> BoxedStrategy<String> {
    let op = || pick(&["==", "!=", "<", "<=", ">", ">="]);
    let number = || pick(&["0", "50", "99", "100", "150.5", "299.9", "-1"]);
    let text = || {
        pick(&[
            r#""BR""#, r#""PT""#, r#""""#, r#""x""#, r#""vip""#, r#""ABC""#,
        ])
    };
    prop_oneof![
        (pick(&["n", "m"]), op(), number()).prop_map(|(a, o, v)| format!("{a} {o} {v}")),
        (number(), op(), pick(&["n", "m"])).prop_map(|(v, o, a)| format!("{v} {o} {a}")),
        (pick(&["s", "t"]), op(), text()).prop_map(|(a, o, v)| format!("{a} {o} {v}")),
        (text(), op(), pick(&["s", "t"])).prop_map(|(v, o, a)| format!("{v} {o} {a}")),
        pick(&[
            "b",
            "b == true",
            "b != false",
            "b == null",
            "m == null",
            "t != null"
        ]),
        pick(&[
            r#"(s == "BR" or s == "PT")"#,
            r#"(t == "x" or t == "vip" or t == "")"#,
            r#"t in ["x", null]"#,
            r#"t not in [null, "vip"]"#,
            "m in [1, null, 50]",
        ]),
        (
            pick(&["m", "t", "b", "d"]),
            pick(&["is null", "is not null"])
        )
            .prop_map(|(a, n)| format!("{a} {n}")),
        (
            pick(&["s", "t"]),
            pick(&["in", "not in"]),
            vec(text(), 1..4)
        )
            .prop_map(|(a, i, l)| format!("{a} {i} [{}]", l.join(", "))),
        (
            pick(&["n", "m"]),
            pick(&["in", "not in"]),
            vec(number(), 1..4)
        )
            .prop_map(|(a, i, l)| format!("{a} {i} [{}]", l.join(", "))),
        (op(), pick(&["@1990-01-01", "@2000-02-29", "@1975-06-15"]))
            .prop_map(|(o, v)| format!("d {o} {v}")),
        (
            op(),
            pick(&["@2026-01-01T00:00:00Z", "@2026-06-30T12:00:00Z"])
        )
            .prop_map(|(o, v)| format!("c {o} {v}")),
        pick(&["true", "false"]),
    ]
    .boxed()
}

/// Attribute tests joined by `and`, `or` and `not`.
fn condition() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 2..4).prop_map(|c| format!("({})", c.join(" and "))),
            vec(inner.clone(), 2..4).prop_map(|c| format!("({})", c.join(" or "))),
            inner.prop_map(|c| format!("not ({c})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn predicates_answer_as_segment_with_over_the_built_contact(
        conditions in vec(condition(), 1..5),
        json in vec(rules::contact(), 1..12),
        omit_nulls in any::<bool>(),
    ) {
        let segments: String = conditions
            .iter()
            .enumerate()
            .map(|(i, c)| format!("segment s{i} {{ {c} }}\n"))
            .collect();
        let program = compile(&format!("{}\n{segments}", rules::SCHEMA));
        let view = rows::view(&program);
        let context = Context::new(rules::now()).with_time_zone(Tz::America__Sao_Paulo);
        let layout = rows::Layout { omit_nulls, reverse_fields: true, rotate_events: 0 };
        let rows: Vec<Row> = json
            .iter()
            .map(|text| rows::row_of(&program.contact_from_json(text).unwrap(), layout))
            .collect();
        let mut buffer = ContactBuffer::new(program.schema());
        let mut workspace = Workspace::new();
        for (i, condition) in conditions.iter().enumerate() {
            let segment = program.segment_id(&format!("s{i}")).unwrap();
            let predicate = program.predicate(segment, &view).unwrap();
            for row in &rows {
                let contact = view.fill(row, &mut buffer).unwrap();
                prop_assert_eq!(contact, &rows::build(&program, row));
                let expected = program.segment_with(segment, contact, &context, &mut workspace);
                prop_assert_eq!(
                    predicate.test(row).ok(),
                    expected.ok(),
                    "segment {} on {:?}", condition, row
                );
            }
        }
    }
}

const RULES: &str = r#"
schema {
  contact { email: string, country: string?, score: number, vip: bool? }
  event purchase { amount: number }
}
segment target { country == "BR" and score >= 60 }
segment buyers { score > 1 and count(purchase) > 0 }
segment named { not (lower(email) == "a@b.c") }
segment pattern { email matches "^a" }
segment later { segment(target) and score > 90 }
segment now_dependent { score > 10 and vip }
"#;

struct Lead {
    id: &'static str,
    email: &'static str,
    country: Option<&'static str>,
    score: i64,
}

fn lead_view(program: &Program) -> View<Lead> {
    View::new(program.schema())
        .id(|lead: &Lead| lead.id)
        .attribute("email", |lead: &Lead| lead.email.into())
        .unwrap()
        .attribute("country", |lead: &Lead| lead.country.into())
        .unwrap()
        .attribute("score", |lead: &Lead| lead.score.into())
        .unwrap()
}

#[test]
fn segments_that_read_more_than_attributes_are_refused_with_the_reason() {
    let program = compile(RULES);
    let view = lead_view(&program);
    let refusal = |name: &str| {
        let err = program
            .predicate(program.segment_id(name).unwrap(), &view)
            .err()
            .unwrap_or_else(|| panic!("{name} was compiled"));
        assert_eq!(err.kind(), EvalErrorKind::NotAPredicate);
        assert_eq!(err.name(), name);
        err.to_string()
    };
    assert_eq!(
        refusal("buyers"),
        "segment `buyers` cannot be compiled to a predicate: it compares more than an attribute with a literal"
    );
    assert_eq!(
        refusal("named"),
        "segment `named` cannot be compiled to a predicate: it compares more than an attribute with a literal"
    );
    assert_eq!(
        refusal("pattern"),
        "segment `pattern` cannot be compiled to a predicate: it reads more than attributes"
    );
    assert_eq!(
        refusal("later"),
        "segment `later` cannot be compiled to a predicate: it references other items"
    );
    // `vip` is in the schema but the view does not read it.
    assert_eq!(
        refusal("now_dependent"),
        "segment `now_dependent` cannot be compiled to a predicate: the view does not read `vip`"
    );
    // The close case: the same view compiles `target`.
    let target = program
        .predicate(program.segment_id("target").unwrap(), &view)
        .unwrap();
    let lead = Lead {
        id: "c-1",
        email: "a@b.c",
        country: Some("BR"),
        score: 70,
    };
    assert_eq!(target.test(&lead), Ok(true));
}

#[test]
fn a_lent_value_of_the_wrong_type_is_an_error_naming_contact_attribute_and_type() {
    let program = compile(RULES);
    // `score` lent as a text: the view's mistake is caught at each read.
    let view = View::new(program.schema())
        .id(|lead: &Lead| lead.id)
        .attribute("country", |lead: &Lead| lead.country.into())
        .unwrap()
        .attribute("score", |lead: &Lead| ValueRef::String(lead.email))
        .unwrap();
    let target = program
        .predicate(program.segment_id("target").unwrap(), &view)
        .unwrap();
    let lead = Lead {
        id: "c-9",
        email: "a@b.c",
        country: Some("BR"),
        score: 70,
    };
    let err = target.test(&lead).unwrap_err();
    assert_eq!(err.kind(), ContactErrorKind::WrongType);
    assert_eq!(
        err.to_string(),
        r#"contact `c-9`: attribute `score`: expected number, found string "a@b.c""#
    );
    // A null for an attribute that is not optional.
    let view = View::new(program.schema())
        .attribute("country", |lead: &Lead| lead.country.into())
        .unwrap()
        .attribute("score", |_: &Lead| ValueRef::Null)
        .unwrap();
    let target = program
        .predicate(program.segment_id("target").unwrap(), &view)
        .unwrap();
    let err = target.test(&lead).unwrap_err();
    assert_eq!(err.expected(), Some("number"));
    assert_eq!(err.contact_id(), None);
    // Filling a buffer checks the same way.
    let view = lead_view(&program);
    let mut buffer = ContactBuffer::new(program.schema());
    let filled = view.fill(&lead, &mut buffer).unwrap();
    assert_eq!(filled.id(), "c-9");
    let unknown = View::new(program.schema()).attribute("scroe", |lead: &Lead| lead.score.into());
    assert_eq!(
        unknown.unwrap_err().to_string(),
        "contact: attribute `scroe`: not declared in the schema"
    );
}

#[test]
fn a_view_of_another_schema_is_refused() {
    let program = compile(RULES);
    let other = compile("schema { contact { score: number } }\nsegment s { score > 1 }");
    let view = lead_view(&program);
    let err = other
        .predicate(other.segment_id("s").unwrap(), &view)
        .unwrap_err();
    assert_eq!(err.kind(), EvalErrorKind::SchemaMismatch);
}

#[test]
fn predicates_and_views_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<View<Lead>>();
    assert_send_sync::<funil::Predicate<'static, Lead>>();
    assert_send_sync::<ContactBuffer<'static>>();
}
