#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Issue 11, part 1: metrics (KPIs) over a population — the seed KPIs on hand-computed
//! populations, population aggregates and their nulls, grouping by an expression and
//! by an event prop, parameters, rankings in the same pass, the API around
//! `Program::evaluate_population`, and a property against an independent model (run
//! single-threaded and with `parallel`: the results must be the same digits).

mod support;

#[path = "common/rules.rs"]
mod rules;

use funil::{
    Change, Compiler, Contact, Context, Decimal, EvalErrorKind, MetricValue, Params, Population,
    Program, Value,
};
use proptest::prelude::*;
use serde_json::json;
use support::{NOW, SCHEMA, compile, contact, ctx, dec, num, text};

/// The seed KPIs, as the examples ship them.
const KPIS: &str = include_str!("../examples/data/kpis.funil");

/// An extra attribute: what acquiring each contact cost (ROI with the cost per contact).
const ACQUISITION: &str = "schema { contact { acquisition_cost: number? } }\n\
    metric roi_by_attribute {\n\
      (total(sum(purchase within 30d, amount)) - total(acquisition_cost)) / total(acquisition_cost)\n\
    }\n";

fn kpi_program() -> Program {
    Compiler::new()
        .source("schema.funil", SCHEMA)
        .source("kpis.funil", KPIS)
        .source("rules.funil", ACQUISITION)
        .compile()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Four contacts, `now` = 2026-11-22T12:00:00Z, so the 30-day window starts after
/// 2026-10-23T12:00:00Z:
///
/// | contact | country | sent (30d) | opened (30d) | clicked | purchases (30d) | carts | acquisition |
/// |---|---|---|---|---|---|---|---|
/// | c1 | BR | welcome-1, promo | welcome-1, promo | welcome-1 | 150 (11-03), 50 (11-05 20:00) | 11-05 10:00, bought 10 h later | 60 |
/// | c2 | PT | welcome-1, promo | welcome-1 | – | – | 11-12, never bought | 40 |
/// | c3 | – | welcome-1 (+ `old` on 09-01, opened 09-02: outside) | – | – | 100 (11-22 09:00) | 11-20 10:00, bought 47 h later | – |
/// | c4 | BR | – | – | – | – | – | 50 |
fn population(program: &Program) -> Vec<Contact> {
    let campaign = |c: &str| json!({"campaign": c});
    let purchase = |amount: i64| json!({"order_id": "o", "amount": amount, "category": "shoes"});
    let c1 = contact()
        .id("c1")
        .attr("country", json!("BR"))
        .attr("acquisition_cost", json!(60))
        .event("email.sent", "2026-11-01T09:00:00Z", campaign("welcome-1"))
        .event("email.sent", "2026-11-10T09:00:00Z", campaign("promo"))
        .event(
            "email.opened",
            "2026-11-02T09:00:00Z",
            campaign("welcome-1"),
        )
        .event("email.opened", "2026-11-11T09:00:00Z", campaign("promo"))
        .event(
            "email.clicked",
            "2026-11-02T09:05:00Z",
            json!({"campaign": "welcome-1", "url": "/x"}),
        )
        .event("purchase", "2026-11-03T10:00:00Z", purchase(150))
        .event(
            "cart.abandoned",
            "2026-11-05T10:00:00Z",
            json!({"value": 80}),
        )
        .event("purchase", "2026-11-05T20:00:00Z", purchase(50));
    let c2 = contact()
        .id("c2")
        .attr("country", json!("PT"))
        .attr("acquisition_cost", json!(40))
        .event("email.sent", "2026-11-01T09:00:00Z", campaign("welcome-1"))
        .event("email.sent", "2026-11-10T09:00:00Z", campaign("promo"))
        .event(
            "email.opened",
            "2026-11-03T09:00:00Z",
            campaign("welcome-1"),
        )
        .event(
            "cart.abandoned",
            "2026-11-12T09:00:00Z",
            json!({"value": 30}),
        );
    let c3 = contact()
        .id("c3")
        .event("email.sent", "2026-09-01T09:00:00Z", campaign("old"))
        .event("email.opened", "2026-09-02T09:00:00Z", campaign("old"))
        .event("email.sent", "2026-11-01T09:00:00Z", campaign("welcome-1"))
        .event(
            "cart.abandoned",
            "2026-11-20T10:00:00Z",
            json!({"value": 45}),
        )
        .event("purchase", "2026-11-22T09:00:00Z", purchase(100));
    let c4 = contact()
        .id("c4")
        .attr("country", json!("BR"))
        .attr("acquisition_cost", json!(50));
    [c1, c2, c3, c4].iter().map(|c| c.build(program)).collect()
}

fn evaluate(program: &Program, contacts: &[Contact], params: &Params) -> Population {
    program
        .evaluate_population(contacts, &ctx(NOW), params)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The values of metric `name`, as `(group, value, contacts)`.
fn values(population: &Population, name: &str) -> Vec<(Option<Value>, Value, u64)> {
    population
        .metric(name)
        .map(|m| (m.group().cloned(), m.value().clone(), m.contacts()))
        .collect()
}

/// The one value of the ungrouped metric `name`.
fn single(population: &Population, name: &str) -> Value {
    match values(population, name).as_slice() {
        [(None, value, _)] => value.clone(),
        other => panic!("`{name}` is not one ungrouped value: {other:?}"),
    }
}

fn ratio(a: i64, b: i64) -> Value {
    Value::Number(Decimal::from(a) / Decimal::from(b))
}

// The seed KPIs ---------------------------------------------------------------------------

#[test]
fn open_and_click_rates() {
    let program = kpi_program();
    let population = evaluate(
        &program,
        &population(&program),
        &Params::new().with("cost", 200),
    );
    // Sent in 30 days: c1 2, c2 2, c3 1 (the `old` send is outside), c4 0 = 5.
    // Opened: c1 2, c2 1 (c3's open is outside) = 3 → 3 / 5.
    assert_eq!(single(&population, "open_rate"), num("0.6"));
    // Clicked: c1 1 → 1 / 5.
    assert_eq!(single(&population, "click_rate"), num("0.2"));
}

#[test]
fn conversion_rate_and_conversion_by_country() {
    let program = kpi_program();
    let population = evaluate(
        &program,
        &population(&program),
        &Params::new().with("cost", 200),
    );
    // Bought in 30 days: c1 and c3, of 4 contacts.
    assert_eq!(single(&population, "conversion_rate"), num("0.5"));
    // No country: c3, who bought (1/1); BR: c1 bought, c4 not (1/2); PT: c2 not (0/1).
    // The null key comes first, then the keys in order.
    assert_eq!(
        values(&population, "conversion_by_country"),
        [
            (Some(Value::Null), num("1"), 1),
            (Some(text("BR")), num("0.5"), 2),
            (Some(text("PT")), num("0"), 1),
        ]
    );
}

#[test]
fn cart_abandonment_looks_for_a_purchase_in_the_day_after_each_cart() {
    let program = kpi_program();
    let population = evaluate(
        &program,
        &population(&program),
        &Params::new().with("cost", 200),
    );
    // c1's cart was followed by a purchase 10 hours later (inside `between at and at +
    // 24h`, where `at` is the cart's); c2's never; c3's 47 hours later (too late):
    // 2 abandoned of 3 carts.
    assert_eq!(single(&population, "cart_abandonment"), ratio(2, 3));
    assert_eq!(
        single(&population, "cart_abandonment"),
        num("0.6666666666666666666666666667")
    );
}

#[test]
fn revenue_roi_and_cost_per_acquisition() {
    let program = kpi_program();
    let population = evaluate(
        &program,
        &population(&program),
        &Params::new().with("cost", 200),
    );
    // Revenue in 30 days: 150 + 50 (c1) + 100 (c3) = 300.
    assert_eq!(single(&population, "revenue"), num("300"));
    // ROI with the cost given as a parameter: (300 - 200) / 200.
    assert_eq!(single(&population, "roi"), num("0.5"));
    // Cost per acquisition: 200 / 2 buyers.
    assert_eq!(single(&population, "cost_per_acquisition"), num("100"));
    // ROI with the cost as an attribute: 60 + 40 + 50 (c3 has none: skipped) = 150;
    // (300 - 150) / 150.
    assert_eq!(single(&population, "roi_by_attribute"), num("1"));
}

#[test]
fn open_rate_by_campaign_restricts_the_queries_to_each_campaign() {
    let program = kpi_program();
    let population = evaluate(
        &program,
        &population(&program),
        &Params::new().with("cost", 200),
    );
    // Keys: every campaign of the contact's sends and opens (at or before now).
    // `old` (c3): nothing in 30 days, 0 / 0 is null.
    // `promo` (c1, c2): opened by c1 of 2 sent → 1 / 2.
    // `welcome-1` (c1, c2, c3): opened by c1 and c2 of 3 sent → 2 / 3.
    assert_eq!(
        values(&population, "open_rate_by_campaign"),
        [
            (Some(text("old")), Value::Null, 1),
            (Some(text("promo")), num("0.5"), 2),
            (Some(text("welcome-1")), ratio(2, 3), 3),
        ]
    );
}

#[test]
fn the_metrics_print_one_json_line_each_group() {
    let program = kpi_program();
    let population = evaluate(
        &program,
        &population(&program),
        &Params::new().with("cost", 200),
    );
    let lines: Vec<String> = population
        .metrics()
        .iter()
        .map(MetricValue::to_json)
        .collect();
    assert_eq!(
        lines[0],
        r#"{"metric":"open_rate","value":0.6,"contacts":4}"#
    );
    assert!(lines.contains(
        &r#"{"metric":"conversion_by_country","group":null,"value":1,"contacts":1}"#.to_string()
    ));
    assert!(
        lines.contains(
            &r#"{"metric":"open_rate_by_campaign","group":"old","value":null,"contacts":1}"#
                .to_string()
        )
    );
    // Metrics in declaration order, each with its groups.
    let names: Vec<&str> = population.metrics().iter().map(MetricValue::name).collect();
    assert_eq!(
        names,
        [
            "open_rate",
            "click_rate",
            "conversion_rate",
            "cart_abandonment",
            "revenue",
            "roi",
            "cost_per_acquisition",
            "open_rate_by_campaign",
            "open_rate_by_campaign",
            "open_rate_by_campaign",
            "conversion_by_country",
            "conversion_by_country",
            "conversion_by_country",
            "roi_by_attribute",
        ]
    );
}

// Population aggregates and nulls -------------------------------------------------------------

const AGGREGATES: &str = r#"
metric spent { total(total_spent) }
metric mean_spent { mean(total_spent) }
metric mean_last_order { mean(last(purchase).amount) }
metric buyers { contacts(exists(purchase)) }
metric everyone { contacts() }
metric share_buyers { share(exists(purchase)) }
metric per_buyer { total(total_spent) / contacts(exists(purchase)) }
metric rounded { round(total(total_spent) / contacts(), 2) ?? -1 }
metric arithmetic { -(contacts() * 2 - 1) + abs(-3) + max(1, contacts()) + 10% }
"#;

#[test]
fn aggregates_skip_nulls_and_count_contacts() {
    let program = compile(AGGREGATES);
    let purchase = |amount: i64| json!({"order_id": "o", "amount": amount, "category": "x"});
    let contacts: Vec<Contact> = [
        contact().id("a").attr("total_spent", json!(10)).event(
            "purchase",
            "2026-11-01T00:00:00Z",
            purchase(7),
        ),
        contact().id("b").attr("total_spent", json!(20)),
        contact().id("c").attr("total_spent", json!(0)).event(
            "purchase",
            "2026-11-02T00:00:00Z",
            purchase(4),
        ),
    ]
    .iter()
    .map(|c| c.build(&program))
    .collect();
    let population = evaluate(&program, &contacts, &Params::new());
    assert_eq!(single(&population, "spent"), num("30"));
    // 30 / 3
    assert_eq!(single(&population, "mean_spent"), num("10"));
    // b has no purchase, so no last amount: (7 + 4) / 2.
    assert_eq!(single(&population, "mean_last_order"), num("5.5"));
    assert_eq!(single(&population, "buyers"), num("2"));
    assert_eq!(single(&population, "everyone"), num("3"));
    assert_eq!(single(&population, "share_buyers"), ratio(2, 3));
    assert_eq!(single(&population, "per_buyer"), num("15"));
    assert_eq!(single(&population, "rounded"), num("10"));
    // -(3 * 2 - 1) + 3 + 3 + 0.10
    assert_eq!(single(&population, "arithmetic"), num("1.1"));
    assert!(population.metrics().iter().all(|m| m.contacts() == 3));
}

#[test]
fn an_empty_population_gives_null_ratios_and_zero_counts() {
    let program = compile(AGGREGATES);
    let population = evaluate(&program, &[], &Params::new());
    assert_eq!(single(&population, "spent"), num("0"));
    assert_eq!(single(&population, "mean_spent"), Value::Null);
    assert_eq!(single(&population, "everyone"), num("0"));
    assert_eq!(single(&population, "share_buyers"), Value::Null);
    // A zero denominator is null, and `??` replaces it.
    assert_eq!(single(&population, "per_buyer"), Value::Null);
    assert_eq!(single(&population, "rounded"), num("-1"));
    assert!(population.metrics().iter().all(|m| m.contacts() == 0));
    // A grouped metric of an empty population has no group at all.
    let program = kpi_program();
    let population = evaluate(&program, &[], &Params::new().with("cost", 1));
    assert_eq!(values(&population, "conversion_by_country"), []);
    assert_eq!(single(&population, "open_rate"), Value::Null);
    assert_eq!(single(&population, "cost_per_acquisition"), Value::Null);
}

#[test]
fn a_sum_beyond_the_decimal_range_is_null() {
    let program = compile(AGGREGATES);
    let huge = "70000000000000000000000000000"; // 7e28: two of them do not fit
    let contacts: Vec<Contact> = ["a", "b", "c"]
        .iter()
        .map(|id| {
            contact()
                .id(id)
                .attr("total_spent", json!(huge))
                .build(&program)
        })
        .collect();
    let population = evaluate(&program, &contacts, &Params::new());
    assert_eq!(single(&population, "spent"), Value::Null);
    assert_eq!(single(&population, "mean_spent"), Value::Null);
    assert_eq!(single(&population, "everyone"), num("3"));
    // One alone fits.
    let population = evaluate(&program, &contacts[..1], &Params::new());
    assert_eq!(single(&population, "spent"), num(huge));
}

// Grouping --------------------------------------------------------------------------------

#[test]
fn grouping_by_any_per_contact_expression() {
    let program = compile(
        r#"
        decide tier { when total_spent >= 100 => "gold" when total_spent > 0 => "silver" }
        metric by_tier by decision(tier) { total(total_spent) }
        metric by_vip by tags contains "vip" { contacts() }
        metric by_amount by total_spent / 10 { contacts() }
        "#,
    );
    let spent = [
        ("a", 150, true),
        ("b", 5, false),
        ("c", 0, true),
        ("d", 300, false),
    ];
    let contacts: Vec<Contact> = spent
        .iter()
        .map(|(id, spent, vip)| {
            let tags = if *vip { json!(["vip"]) } else { json!([]) };
            contact()
                .id(id)
                .attr("total_spent", json!(spent))
                .attr("tags", tags)
                .build(&program)
        })
        .collect();
    let population = evaluate(&program, &contacts, &Params::new());
    // c spent nothing: no tier, the null group.
    assert_eq!(
        values(&population, "by_tier"),
        [
            (Some(Value::Null), num("0"), 1),
            (Some(text("gold")), num("450"), 2),
            (Some(text("silver")), num("5"), 1),
        ]
    );
    assert_eq!(
        values(&population, "by_vip"),
        [
            (Some(Value::Bool(false)), num("2"), 2),
            (Some(Value::Bool(true)), num("2"), 2),
        ]
    );
    // Numbers are keys by value, in numeric order: 0, 0.5, 15, 30.
    let keys: Vec<String> = values(&population, "by_amount")
        .into_iter()
        .map(|(key, ..)| key.unwrap().to_string())
        .collect();
    assert_eq!(keys, ["0", "0.5", "15", "30"]);
}

#[test]
fn number_keys_equal_in_value_are_one_group() {
    let program = compile("metric by_spent by total_spent { contacts() }");
    let contacts: Vec<Contact> = [("a", "1.50"), ("b", "1.5"), ("c", "2")]
        .iter()
        .map(|(id, spent)| {
            contact()
                .id(id)
                .attr("total_spent", json!(spent))
                .build(&program)
        })
        .collect();
    let population = evaluate(&program, &contacts, &Params::new());
    let lines: Vec<String> = population
        .metrics()
        .iter()
        .map(MetricValue::to_json)
        .collect();
    assert_eq!(
        lines,
        [
            r#"{"metric":"by_spent","group":1.5,"value":2,"contacts":2}"#,
            r#"{"metric":"by_spent","group":2,"value":1,"contacts":1}"#,
        ]
    );
}

/// A schema with an optional prop, to group by a prop that may be null.
const SOURCES: &str = r#"
schema {
  event visit { source: string?, seconds: number }
  event order { source: string?, amount: number }
  event review { source: string? }
}
segment reviewer { exists(review) }
metric time_by_source by source of visit {
  total(sum(visit, seconds)) / total(count(visit))
}
metric orders_by_source by source of visit | order {
  total(sum(order, amount))
}
metric reviews_by_visit_source by source of visit {
  total(count(review)) + contacts(segment(reviewer)) * 1000
}
metric nested by source of visit | order {
  total(count(visit where exists(order where amount > 10)))
}
"#;

fn sources_program() -> Program {
    Compiler::new()
        .source("rules.funil", SOURCES)
        .compile()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn visitor(program: &Program, id: &str, events: &[(&str, &str, Value, i64)]) -> Contact {
    let mut builder = program.contact(id);
    for (kind, at, source, n) in events {
        let props: Vec<(&str, Value)> = match *kind {
            "visit" => vec![("source", source.clone()), ("seconds", Value::from(*n))],
            "order" => vec![("source", source.clone()), ("amount", Value::from(*n))],
            _ => vec![("source", source.clone())],
        };
        builder = builder.event(kind, support::at(at), props);
    }
    builder.build().unwrap()
}

#[test]
fn grouping_by_an_event_prop_with_null_values() {
    let program = sources_program();
    let ads = text("ads");
    let contacts = vec![
        // Visits from ads (30 s, 90 s) and from nowhere (10 s); an order from ads.
        visitor(
            &program,
            "a",
            &[
                ("visit", "2026-11-01T10:00:00Z", ads.clone(), 30),
                ("visit", "2026-11-02T10:00:00Z", ads.clone(), 90),
                ("visit", "2026-11-03T10:00:00Z", Value::Null, 10),
                ("order", "2026-11-03T11:00:00Z", ads.clone(), 25),
                ("review", "2026-11-04T11:00:00Z", text("mail"), 0),
            ],
        ),
        // A visit from nowhere (20 s), an order from nowhere, and a visit after now,
        // which gives no key.
        visitor(
            &program,
            "b",
            &[
                ("visit", "2026-11-05T10:00:00Z", Value::Null, 20),
                ("order", "2026-11-05T11:00:00Z", Value::Null, 5),
                ("visit", "2026-12-01T10:00:00Z", text("later"), 1),
            ],
        ),
        // No visit: in no group of the `of visit` metrics, but its order's source is a
        // key of `of visit | order`.
        visitor(
            &program,
            "c",
            &[("order", "2026-11-06T11:00:00Z", text("mail"), 7)],
        ),
    ];
    let population = evaluate(&program, &contacts, &Params::new());
    // null: a's 10 s and b's 20 s over 2 visits; ads: a's 30 + 90 over 2.
    assert_eq!(
        values(&population, "time_by_source"),
        [
            (Some(Value::Null), num("15"), 2),
            (Some(ads.clone()), num("60"), 1),
        ]
    );
    // The orders are grouped too (`order` is a grouping kind): null: b's 5 (a has a
    // null visit but no null order); ads: a's 25; mail: c's 7.
    assert_eq!(
        values(&population, "orders_by_source"),
        [
            (Some(Value::Null), num("5"), 2),
            (Some(ads.clone()), num("25"), 1),
            (Some(text("mail")), num("7"), 1),
        ]
    );
    // `review` is no grouping kind, so its queries see every review, and a referenced
    // segment is about the whole contact: in both groups of a, 1 review + 1000.
    assert_eq!(
        values(&population, "reviews_by_visit_source"),
        [
            (Some(Value::Null), num("1001"), 2),
            (Some(ads.clone()), num("1001"), 1),
        ]
    );
    // Nested queries are restricted too: in a's null group, its null visit sees no
    // null order (its order is from ads), and b's null order is of 5; in the ads
    // group, both of a's visits see the ads order of 25; c has no visit.
    assert_eq!(
        values(&population, "nested"),
        [
            (Some(Value::Null), num("0"), 2),
            (Some(ads), num("2"), 1),
            (Some(text("mail")), num("0"), 1),
        ]
    );
}

// Rankings, batches and single contacts ----------------------------------------------------------

#[test]
fn rankings_are_resolved_in_the_same_pass() {
    let program = compile(
        r#"
        segment top_half { top 50% by total_spent }
        metric top_share { share(segment(top_half)) }
        metric top_spent by segment(top_half) { total(total_spent) }
        "#,
    );
    let contacts: Vec<Contact> = [("a", 10), ("b", 40), ("c", 30), ("d", 20)]
        .iter()
        .map(|(id, spent)| {
            contact()
                .id(id)
                .attr("total_spent", json!(spent))
                .build(&program)
        })
        .collect();
    let population = evaluate(&program, &contacts, &Params::new());
    assert_eq!(single(&population, "top_share"), num("0.5"));
    assert_eq!(
        values(&population, "top_spent"),
        [
            (Some(Value::Bool(false)), num("30"), 2),
            (Some(Value::Bool(true)), num("70"), 2),
        ]
    );
    // The evaluations are those of `evaluate_batch`.
    let batch = program.evaluate_batch(&contacts, &ctx(NOW)).unwrap();
    assert_eq!(population.evaluations(), batch.as_slice());
    assert_eq!(population.clone().into_evaluations(), batch);
}

#[test]
fn single_contact_calls_refuse_a_metric() {
    let program = kpi_program();
    let contact = contact().build(&program);
    let context = ctx(NOW);
    let kinds = [
        program.segment("open_rate", &contact, &context).err(),
        program
            .score("open_rate", &contact, &context)
            .map(|_| ())
            .err(),
        program
            .decision("open_rate", &contact, &context)
            .map(|_| ())
            .err(),
        program
            .explain("open_rate", &contact, &context)
            .map(|_| ())
            .err(),
        program
            .next_change("open_rate", &contact, &context)
            .map(|_| ())
            .err(),
        program.segment_id("open_rate").map(|_| ()).err(),
    ]
    .map(|e| e.map(|e| e.kind()));
    assert_eq!(kinds, [Some(EvalErrorKind::WrongItemKind); 6]);
    // `evaluate` and `evaluate_batch` leave metrics out.
    let evaluation = program.evaluate(&contact, &context).unwrap();
    assert_eq!(
        evaluation.to_json("c-1"),
        r#"{"id":"c-1","segments":[],"scores":{},"decisions":{}}"#
    );
    assert_eq!(
        program
            .items()
            .filter(|(_, kind)| *kind == funil::ItemKind::Metric)
            .count(),
        10
    );
    assert_eq!(funil::ItemKind::Metric.name(), "metric");
    assert_eq!(
        program.title("open_rate"),
        Some("Opens per email sent (30 days)")
    );
}

#[test]
fn dependencies_of_a_metric() {
    let program = kpi_program();
    let reads = program.reads("open_rate_by_campaign").unwrap();
    assert_eq!(reads.props("email.sent"), Some(&["campaign", "at"][..]));
    assert_eq!(reads.props("email.opened"), Some(&["campaign", "at"][..]));
    assert!(reads.depends_on_now());
    let reads = program.reads("conversion_by_country").unwrap();
    assert_eq!(reads.attributes(), ["country"]);
    let affected = program
        .affected_by(&Change::event("cart.abandoned"))
        .unwrap();
    assert_eq!(affected, ["cart_abandonment"]);
    let affected = program
        .affected_by(&Change::attribute("acquisition_cost"))
        .unwrap();
    assert_eq!(affected, ["roi_by_attribute"]);
}

// Parameters -------------------------------------------------------------------------------

#[test]
fn parameters_are_checked_against_their_declarations() {
    let program = compile(
        "schema { param cost: number  param bonus: number? }\n\
         metric m { param(cost) + (param(bonus) ?? 0) }\n\
         metric n { param(bonus) }",
    );
    let contacts = [contact().build(&program)];
    let run = |params: Params| program.evaluate_population(&contacts, &ctx(NOW), &params);
    let population = run(Params::new().with("cost", 5)).unwrap();
    // An optional parameter left out is null.
    assert_eq!(single(&population, "m"), num("5"));
    assert_eq!(single(&population, "n"), Value::Null);
    let population = run(Params::new().with("cost", 5).with("bonus", dec("0.5"))).unwrap();
    assert_eq!(single(&population, "m"), num("5.5"));
    let population = run(Params::new().with("cost", 5).with("bonus", Value::Null)).unwrap();
    assert_eq!(single(&population, "n"), Value::Null);

    let error = run(Params::new()).unwrap_err();
    assert_eq!(
        (error.kind(), error.name()),
        (EvalErrorKind::MissingParameter, "cost")
    );
    assert_eq!(
        error.to_string(),
        "parameter `cost` is declared `number` but not given"
    );
    let error = run(Params::new().with("cost", "5")).unwrap_err();
    assert_eq!(
        (error.kind(), error.name()),
        (EvalErrorKind::ParameterType, "cost")
    );
    let error = run(Params::new().with("cost", Value::Null)).unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::ParameterType);
    let error = run(Params::new().with("cost", 1).with("csot", 2)).unwrap_err();
    assert_eq!(
        (error.kind(), error.name()),
        (EvalErrorKind::UnknownParameter, "csot")
    );
    assert_eq!(error.to_string(), "no parameter is named `csot`");
}

#[test]
fn a_contact_of_another_schema_fails_the_population() {
    let program = compile("metric m { contacts() }");
    let other = funil::compile("schema { contact { x: number? } }").unwrap();
    let stranger = other.contact("x").build().unwrap();
    let error = program
        .evaluate_population([&stranger], &ctx(NOW), &Params::new())
        .unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::SchemaMismatch);
    // Parameters are not part of a contact's schema: a contact built by the program
    // without them fits the program with them.
    let plain = compile("metric m { contacts() }");
    let with_params = compile("schema { param cost: number? }\nmetric m { contacts() }");
    let c = contact().build(&plain);
    let population = with_params
        .evaluate_population([&c], &ctx(NOW), &Params::new())
        .unwrap();
    assert_eq!(single(&population, "m"), num("1"));
}

// Against an independent model ---------------------------------------------------------------

/// Metrics over the generated schema of `tests/common/rules.rs`, with the decisions
/// that give, contact by contact, what each aggregate's argument is (campaigns are
/// `A` and `B`, categories `shoes`, `books` and `A`).
const MODEL_RULES: &str = r#"
metric clicks_per_view { total(count(click within 30d)) / total(count(view within 30d)) }
metric buyers { share(exists(buy)) }
metric mean_m { mean(m) }
metric spend { total(sum(buy, amount)) }
metric with_b { contacts(b) }
metric by_t by t { total(n) / contacts() }
metric by_campaign by campaign of mail.sent { total(count(mail.sent within 7d)) }
metric by_category by category of buy { mean(sum(buy within 60d, amount)) }

decide clicks { else => count(click within 30d) }
decide views { else => count(view within 30d) }
decide buyer { else => exists(buy) }
decide m_value { else => m }
decide spend_value { else => sum(buy, amount) }
decide b_value { else => b }
decide t_value { else => t }
decide n_value { else => n }
decide has_a { else => exists(mail.sent where campaign == "A") }
decide has_b { else => exists(mail.sent where campaign == "B") }
decide sent_a { else => count(mail.sent where campaign == "A" within 7d) }
decide sent_b { else => count(mail.sent where campaign == "B" within 7d) }
decide has_shoes { else => exists(buy where category == "shoes") }
decide has_books { else => exists(buy where category == "books") }
decide has_cat_a { else => exists(buy where category == "A") }
decide spend_shoes { else => sum(buy where category == "shoes" within 60d, amount) }
decide spend_books { else => sum(buy where category == "books" within 60d, amount) }
decide spend_cat_a { else => sum(buy where category == "A" within 60d, amount) }
"#;

/// Running sums of the model, folded in input order as a careful reader would.
#[derive(Clone)]
struct Sum {
    count: u64,
    sum: Option<Decimal>,
    contacts: u64,
}

impl Sum {
    fn zero() -> Sum {
        Sum {
            count: 0,
            sum: Some(Decimal::ZERO),
            contacts: 0,
        }
    }

    fn add(&mut self, value: &Value) {
        if let Value::Number(n) = value {
            self.count += 1;
            self.sum = self.sum.and_then(|s| s.checked_add(*n));
        }
    }
}

fn number(n: Option<Decimal>) -> Value {
    n.map_or(Value::Null, Value::Number)
}

fn div(a: Option<Decimal>, b: Option<Decimal>) -> Value {
    number(a.zip(b).and_then(|(a, b)| a.checked_div(b)))
}

fn mean(s: &Sum) -> Value {
    if s.count == 0 {
        return Value::Null;
    }
    div(s.sum, Some(Decimal::from(s.count)))
}

/// The lines the model expects, computed from single-contact evaluations.
fn model(program: &Program, contacts: &[Contact], context: &Context) -> Vec<String> {
    let decision =
        |contact: &Contact, name: &str| program.decision(name, contact, context).unwrap();
    let (mut clicks, mut views) = (Sum::zero(), Sum::zero());
    let (mut buyers, mut m, mut spend, mut with_b) = (0_u64, Sum::zero(), Sum::zero(), 0_u64);
    let mut by_t: std::collections::BTreeMap<Option<String>, Sum> = Default::default();
    let mut by_campaign: Vec<(&str, Sum)> = vec![("A", Sum::zero()), ("B", Sum::zero())];
    let mut by_category: Vec<(&str, Sum)> = vec![
        ("A", Sum::zero()),
        ("books", Sum::zero()),
        ("shoes", Sum::zero()),
    ];
    for contact in contacts {
        clicks.add(&decision(contact, "clicks"));
        views.add(&decision(contact, "views"));
        buyers += u64::from(decision(contact, "buyer") == Value::Bool(true));
        m.add(&decision(contact, "m_value"));
        spend.add(&decision(contact, "spend_value"));
        with_b += u64::from(decision(contact, "b_value") == Value::Bool(true));
        let t = decision(contact, "t_value").as_str().map(str::to_string);
        let group = by_t.entry(t).or_insert_with(Sum::zero);
        group.add(&decision(contact, "n_value"));
        group.contacts += 1;
        for (key, sum) in &mut by_campaign {
            if decision(contact, &format!("has_{}", key.to_lowercase())) == Value::Bool(true) {
                sum.add(&decision(contact, &format!("sent_{}", key.to_lowercase())));
                sum.contacts += 1;
            }
        }
        for (key, sum) in &mut by_category {
            let suffix = if *key == "A" { "cat_a" } else { key };
            if decision(contact, &format!("has_{suffix}")) == Value::Bool(true) {
                sum.add(&decision(contact, &format!("spend_{suffix}")));
                sum.contacts += 1;
            }
        }
    }
    let n = contacts.len() as u64;
    let line = |name: &str, group: Option<Value>, value: Value, contacts: u64| {
        let mut out = format!("{{\"metric\":\"{name}\"");
        if let Some(group) = group {
            out.push_str(",\"group\":");
            funil::model::write_json(&group, &mut out);
        }
        out.push_str(",\"value\":");
        funil::model::write_json(&value, &mut out);
        out.push_str(&format!(",\"contacts\":{contacts}}}"));
        out
    };
    let share = if n == 0 {
        Value::Null
    } else {
        div(Some(Decimal::from(buyers)), Some(Decimal::from(n)))
    };
    let mut lines = vec![
        line("clicks_per_view", None, div(clicks.sum, views.sum), n),
        line("buyers", None, share, n),
        line("mean_m", None, mean(&m), n),
        line("spend", None, number(spend.sum), n),
        line("with_b", None, Value::from(with_b), n),
    ];
    for (key, sum) in &by_t {
        let key = key.as_deref().map_or(Value::Null, Value::from);
        let value = div(sum.sum, Some(Decimal::from(sum.contacts)));
        lines.push(line("by_t", Some(key), value, sum.contacts));
    }
    for (key, sum) in by_campaign.iter().filter(|(_, s)| s.contacts > 0) {
        lines.push(line(
            "by_campaign",
            Some(Value::from(*key)),
            number(sum.sum),
            sum.contacts,
        ));
    }
    for (key, sum) in by_category.iter().filter(|(_, s)| s.contacts > 0) {
        lines.push(line(
            "by_category",
            Some(Value::from(*key)),
            mean(sum),
            sum.contacts,
        ));
    }
    lines
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Metrics equal an independent model: per-contact values from single-contact
    /// evaluations, folded in input order. CI runs this file with and without the
    /// `parallel` feature, so both give these very digits.
    #[test]
    fn metrics_match_a_model_of_single_contact_evaluations(
        contacts in proptest::collection::vec(rules::contact(), 0..24)
    ) {
        let program = Compiler::new()
            .source("schema.funil", rules::SCHEMA)
            .source("rules.funil", MODEL_RULES)
            .compile()
            .unwrap_or_else(|e| panic!("{e}"));
        let contacts: Vec<Contact> = contacts
            .iter()
            .map(|json| program.contact_from_json(json).unwrap())
            .collect();
        let context = Context::new(rules::now());
        let population = program
            .evaluate_population(&contacts, &context, &Params::new())
            .unwrap();
        let lines: Vec<String> = population.metrics().iter().map(MetricValue::to_json).collect();
        prop_assert_eq!(lines, model(&program, &contacts, &context));
        let batch = program.evaluate_batch(&contacts, &context).unwrap();
        prop_assert_eq!(population.evaluations(), batch.as_slice());
    }
}

#[test]
fn a_large_population_gives_the_same_digits_every_time() {
    // Many contacts, so that with `parallel` the pass is split across threads; the
    // fold is in input order either way.
    let program = compile(
        "metric mean_spent { mean(total_spent / 7) }\n\
         metric share_br by country { share(country == \"BR\") + total(total_spent / 3) }",
    );
    let countries = [json!("BR"), json!("PT"), json!(null)];
    let contacts: Vec<Contact> = (0..3000_i64)
        .map(|i| {
            let spent = format!("{}.{:03}", (i * 7919) % 10_007, (i * 31) % 1000);
            contact()
                .id(&format!("c{i:04}"))
                .attr("total_spent", json!(spent))
                .attr("country", countries[(i % 3) as usize].clone())
                .build(&program)
        })
        .collect();
    let first = evaluate(&program, &contacts, &Params::new());
    let model = model_of_large(&contacts);
    let lines: Vec<String> = first.metrics().iter().map(MetricValue::to_json).collect();
    assert_eq!(lines, model);
    let again = evaluate(&program, &contacts, &Params::new());
    assert_eq!(first, again);
}

/// The lines of the large population's metrics, computed contact by contact by
/// decisions of another program of the same schema.
fn model_of_large(contacts: &[Contact]) -> Vec<String> {
    let per_contact = compile(
        "decide seventh { else => total_spent / 7 }\n\
         decide third { else => total_spent / 3 }\n\
         decide home { else => country }",
    );
    let context = ctx(NOW);
    let decide =
        |name: &str, contact: &Contact| per_contact.decision(name, contact, &context).unwrap();
    let mut seventh = Sum::zero();
    // By key order (null, "BR", "PT"): the sum of thirds, the Brazilians, the contacts.
    let mut groups: std::collections::BTreeMap<u8, (Option<Decimal>, u64, u64)> =
        Default::default();
    for contact in contacts {
        seventh.add(&decide("seventh", contact));
        let order = match decide("home", contact).as_str() {
            None => 0,
            Some("BR") => 1,
            Some(_) => 2,
        };
        let third = decide("third", contact).as_number();
        let entry = groups.entry(order).or_insert((Some(Decimal::ZERO), 0, 0));
        entry.0 = entry.0.zip(third).and_then(|(s, t)| s.checked_add(t));
        entry.1 += u64::from(order == 1);
        entry.2 += 1;
    }
    let mut lines = vec![format!(
        "{{\"metric\":\"mean_spent\",\"value\":{},\"contacts\":{}}}",
        json_of(&mean(&seventh)),
        contacts.len()
    )];
    for (order, (sum, br, n)) in groups {
        let key = ["null", "\"BR\"", "\"PT\""][usize::from(order)];
        let share = Decimal::from(br) / Decimal::from(n);
        let value = number(sum.and_then(|s| share.checked_add(s)));
        lines.push(format!(
            "{{\"metric\":\"share_br\",\"group\":{key},\"value\":{},\"contacts\":{n}}}",
            json_of(&value)
        ));
    }
    lines
}

fn json_of(value: &Value) -> String {
    let mut out = String::new();
    funil::model::write_json(value, &mut out);
    out
}

#[test]
fn grouping_by_split_arm_measures_each_arm_of_an_a_b_test() {
    let program = compile(
        r#"
        workflow offer_flow {
          enter on contact.created
          send_email(template: "hello")
          split { 50% => { send_email(template: "offer-a") } 50% => { send_email(template: "offer-b") } }
        }
        decide arm_of { else => arm(offer_flow, "2") }
        metric conversion_by_arm by arm(offer_flow, "2") { share(exists(purchase)) }
        "#,
    );
    let contacts: Vec<Contact> = (0..40)
        .map(|n| {
            let builder = contact().id(&format!("c-{n}"));
            let builder = if n % 3 == 0 {
                builder.event(
                    "purchase",
                    "2026-11-20T10:00:00Z",
                    json!({"order_id": "o", "amount": 10, "category": "shoes"}),
                )
            } else {
                builder
            };
            builder.build(&program)
        })
        .collect();
    // By hand: each contact's arm from `arm(…)` in a decision, and who bought.
    let mut by_arm: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    for (n, c) in contacts.iter().enumerate() {
        let arm = program
            .decision("arm_of", c, &ctx(NOW))
            .unwrap()
            .to_string();
        let entry = by_arm.entry(arm).or_default();
        entry.0 += i64::from(n % 3 == 0);
        entry.1 += 1;
    }
    assert_eq!(by_arm.len(), 2, "forty contacts fall in both arms");
    let expected: Vec<(Option<Value>, Value, u64)> = by_arm
        .iter()
        .map(|(arm, (bought, all))| {
            (
                Some(num(arm)),
                ratio(*bought, *all),
                u64::try_from(*all).unwrap(),
            )
        })
        .collect();
    let population = evaluate(&program, &contacts, &Params::new());
    assert_eq!(values(&population, "conversion_by_arm"), expected);
}
