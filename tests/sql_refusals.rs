#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What `Program::to_sql` refuses, and how: a `NotPushable` naming the construct and
//! the reason, rendered with the source line and a caret; and the text of a query,
//! golden (no database needed).

use funil::{Compiler, NotPushable, Program, SqlOptions};

const SCHEMA: &str = r#"
schema {
  contact { email: string country: string? }
  event email.clicked { url: string }
  event product.viewed { tags: list<string> }
  action send_email(template: string)
}
"#;

fn program(rules: &str) -> Program {
    Compiler::new()
        .source("schema.funil", SCHEMA)
        .source("rules.funil", rules)
        .compile()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn refusal(rules: &str, item: &str) -> NotPushable {
    program(rules)
        .to_sql(item, &SqlOptions::new())
        .expect_err("refused")
}

#[test]
fn a_word_boundary_is_refused_where_it_was_written() {
    let refused = refusal(
        "segment sales {\n  email matches \"\\\\bsales\\\\b\"\n}\n",
        "sales",
    );
    assert_eq!(refused.construct(), "this `matches` pattern");
    assert_eq!(
        refused.to_string(),
        "error[E0029]: cannot push this `matches` pattern down to SQL
 --> rules.funil:2:3
  |
2 |   email matches \"\\\\bsales\\\\b\"
  |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^ help: word boundaries are not pushed down (their word characters differ)"
    );
}

#[test]
fn multi_line_anchors_and_large_bounds_are_refused_and_plain_patterns_are_not() {
    let multi = refusal(r#"segment s { email matches "(?m)^a" }"#, "s");
    assert!(multi.reason().contains("multi-line"), "{multi}");
    let bound = refusal(r#"segment s { email matches "a{256}" }"#, "s");
    assert!(bound.reason().contains("255"), "{bound}");
    let plain = program(r#"segment s { email matches "(?i)^[a-z0-9.]+@example\\.org$" }"#);
    assert!(plain.to_sql("s", &SqlOptions::new()).is_ok());
}

#[test]
fn a_reference_to_a_ranked_segment_is_refused_but_the_ranked_segment_is_not() {
    let rules = r#"
        segment longest { top 10 by len(email) }
        segment longest_br { segment(longest) and country == "BR" }
    "#;
    let refused = refusal(rules, "longest_br");
    assert!(
        refused.construct().contains("ranked segment `longest`"),
        "{refused}"
    );
    let query = program(rules)
        .to_sql("longest", &SqlOptions::new())
        .unwrap();
    assert!(
        query
            .text()
            .contains("row_number() OVER (ORDER BY k.key DESC, k.id COLLATE \"C\")")
    );
    assert!(query.text().ends_with("WHERE r.place <= 10"), "{query}");
}

#[test]
fn what_is_not_a_segment_is_refused() {
    let rules = r#"
        score clicks { per email.clicked => +1 }
        segment tagged { exists(product.viewed where tags contains "x") }
    "#;
    let score = refusal(rules, "clicks");
    assert_eq!(score.construct(), "score `clicks`");
    assert_eq!(
        score.diagnostic().map(|d| (d.line(), d.column())),
        Some((2, 15))
    );
    let unknown = refusal(rules, "nothing");
    assert_eq!(
        unknown.to_string(),
        "cannot push `nothing` down to SQL: no item has this name"
    );
    let list = refusal(rules, "tagged");
    assert_eq!(list.construct(), "a prop of this type");
}

#[test]
fn a_split_arm_is_pushed_down() {
    let rules = r#"
        workflow w {
          enter when true
          step s: split { 50% => { send_email(template: "a") } 50% => { send_email(template: "b") } }
        }
        segment in_a { arm(w, "s") == 0 }
    "#;
    let query = program(rules).to_sql("in_a", &SqlOptions::new()).unwrap();
    assert!(query.text().contains("funil_fnv1a("), "{query}");
}

#[test]
fn a_query_reads_its_parameters_once_and_quotes_every_name() {
    let rules =
        r#"segment clicked { exists(email.clicked where url contains "/services" within 30d) }"#;
    let options = SqlOptions::new()
        .contacts_table("crm.people")
        .events_table("crm.events")
        .id_column("person_id");
    let query = program(rules).to_sql("clicked", &options).unwrap();
    assert_eq!(
        query.text(),
        "SELECT c.\"person_id\" AS id
FROM \"crm\".\"people\" AS c
CROSS JOIN (SELECT $1::timestamptz AS now, $2::text AS zone) AS p
WHERE EXISTS (SELECT 1 FROM \"crm\".\"events\" AS e1 WHERE e1.\"contact_id\" = c.\"person_id\" \
AND e1.\"kind\" = 'email.clicked' AND e1.\"at\" <= p.now \
AND e1.\"at\" > (p.now - interval '2592000 seconds') \
AND COALESCE(strpos((e1.\"props\" ->> 'url'), '/services'::text) > 0, FALSE))"
    );
    assert_eq!(
        query.parameters(),
        [funil::SqlParameter::Now, funil::SqlParameter::TimeZone]
    );
}
