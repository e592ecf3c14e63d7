#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Property: evaluating a fixed rule set never panics or fails on any schema-valid
//! contact, at any instant chrono represents and in any time zone, is deterministic
//! (also across threads sharing one program), and keeps invariants that hold for every
//! contact; rewards keep within their caps; a batch agrees with single-contact
//! evaluation; a contact reads back equal from its own JSON.

mod support;

use std::sync::OnceLock;

use funil::{Contact, Decimal, Program};
use proptest::prelude::*;
use serde_json::{Value as Json, json};

/// Invariants, as segments every contact must be in.
const INVARIANTS: &str = r#"
segment inv_exists_is_count { exists(activity within 30d) == (count(activity within 30d) > 0) }
segment inv_sum_at_least_max { sum(purchase, amount) >= (max(purchase, amount) ?? 0) }
segment inv_min_at_most_max { (min(purchase, amount) ?? 0) <= (max(purchase, amount) ?? 0) }
segment inv_engagement_clamped { score(engagement) >= 0 and score(engagement) <= 200 }
segment inv_not_equal { (country != "BR") == (not (country == "BR")) }
segment inv_not_in { (country not in ["BR", "PT"]) == (not (country in ["BR", "PT"])) }
segment inv_window_split {
  count(page.viewed within 30d) + count(page.viewed between @2000-01-01T00:00:00Z and now - 30d + 1s)
    == count(page.viewed)
}
segment inv_last_after_first { not exists(activity) or last(activity).at >= first(activity).at }
segment inv_last_is_visible { not exists(activity) or last(activity).at <= now }
"#;

const INVARIANT_NAMES: &[&str] = &[
    "inv_exists_is_count",
    "inv_sum_at_least_max",
    "inv_min_at_most_max",
    "inv_engagement_clamped",
    "inv_not_equal",
    "inv_not_in",
    "inv_window_split",
    "inv_last_after_first",
    "inv_last_is_visible",
];

/// Extra items that exercise the functions on every attribute.
const EXTRA: &str = r#"
segment birthday_soon { days_until_anniversary(birthday) <= 7 or is_anniversary(birthday) }
segment old_friend { years_since(date(created_at)) >= 1 }
segment named { len(trim(lower(first_name ?? ""))) > 0 and upper(email) contains "@" }
segment night_owl { exists(activity where hour(at) >= 22 or weekday(at) >= 6) }
score spend { per purchase within 365d => amount / 100 max 1000 when total_spent > 10000 => 5 }
decide label { else => "{first_name} {country} {total_spent} {birthday} {tags}" }
decide rising { else => score(engagement) - score(engagement, at: now - 30d) }
"#;

fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| support::compile(&format!("{}{INVARIANTS}{EXTRA}", support::SPEC_ITEMS)))
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z]{1,8}",
        "(Ana|João|Ação|Zoë|Łukasz|😀|/services|/pricing|/shoes/x)",
        any::<String>(),
    ]
}

fn instant() -> impl Strategy<Value = String> {
    // From about 400 days before now to 3 days after it, in seconds.
    (-34_560_000_i64..259_200).prop_map(|offset| {
        (support::at(support::NOW) + chrono::TimeDelta::seconds(offset))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    })
}

fn amount() -> impl Strategy<Value = Json> {
    prop_oneof![
        (0_u32..1_000_000).prop_map(|cents| json!(f64::from(cents) / 100.0)),
        (0_u64..u64::MAX).prop_map(|n| json!(format!("{n}.{}", n % 100))),
        Just(json!("0")),
    ]
}

fn event() -> impl Strategy<Value = Json> {
    let kinds = prop_oneof![
        text().prop_map(|c| ("email.sent", json!({"campaign": c}))),
        text().prop_map(|c| ("email.opened", json!({"campaign": c}))),
        (text(), text()).prop_map(|(c, u)| ("email.clicked", json!({"campaign": c, "url": u}))),
        (text(), prop_oneof![Just("soft"), Just("hard")])
            .prop_map(|(c, k)| ("email.bounced", json!({"campaign": c, "kind": k}))),
        text().prop_map(|p| ("page.viewed", json!({"path": p}))),
        text().prop_map(|f| ("form.submitted", json!({"form": f}))),
        text().prop_map(|a| ("content.downloaded", json!({"asset": a}))),
        text().prop_map(|t| ("search.performed", json!({"term": t}))),
        (text(), amount(), text()).prop_map(|(o, a, c)| (
            "purchase",
            json!({"order_id": o, "amount": a, "category": c})
        )),
        amount().prop_map(|v| ("cart.abandoned", json!({"value": v}))),
        Just(("contact.created", json!({}))),
        Just(("unsubscribed", json!({}))),
    ];
    (kinds, instant())
        .prop_map(|((kind, props), at)| json!({"kind": kind, "at": at, "props": props}))
}

fn optional<T: Strategy<Value = Json>>(s: T) -> impl Strategy<Value = Option<Json>> {
    prop_oneof![Just(None), Just(Some(Json::Null)), s.prop_map(Some)]
}

fn date() -> impl Strategy<Value = Json> {
    prop_oneof![
        (1900_i32..2030, 1_u32..=12, 1_u32..=28)
            .prop_map(|(y, m, d)| json!(format!("{y:04}-{m:02}-{d:02}"))),
        Just(json!("2000-02-29")),
        Just(json!("1990-11-22")),
    ]
}

fn contact() -> impl Strategy<Value = String> {
    (
        "[a-z0-9]{1,12}",
        (
            text(),
            optional(text().prop_map(Json::from)),
            optional(
                prop_oneof![Just("BR"), Just("PT"), Just("US"), Just("")].prop_map(Json::from),
            ),
        ),
        (
            text(),
            optional(text().prop_map(Json::from)),
            optional(date()),
        ),
        (instant(), amount(), proptest::collection::vec(text(), 0..4)),
        proptest::collection::vec(event(), 0..40),
    )
        .prop_map(
            |(
                id,
                (email, first_name, country),
                (stage, owner, birthday),
                (created_at, spent, tags),
                events,
            )| {
                let mut attributes = serde_json::Map::new();
                attributes.insert("email".into(), json!(email));
                attributes.insert("stage".into(), json!(stage));
                attributes.insert("created_at".into(), json!(created_at));
                attributes.insert("total_spent".into(), spent);
                attributes.insert("tags".into(), json!(tags));
                for (name, value) in [
                    ("first_name", first_name),
                    ("country", country),
                    ("owner", owner),
                    ("birthday", birthday),
                ] {
                    if let Some(value) = value {
                        attributes.insert(name.into(), value);
                    }
                }
                json!({"id": id, "attributes": attributes, "events": events}).to_string()
            },
        )
}

fn time_zone() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("UTC"),
        Just("America/Sao_Paulo"),
        Just("Asia/Kathmandu"),
        Just("Pacific/Kiritimati")
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn evaluation_never_fails_and_keeps_the_invariants(json in contact(), tz in time_zone()) {
        let program = program();
        let built = program.contact_from_json(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
        let context = support::ctx_tz(support::NOW, tz);
        let evaluation = program.evaluate(&built, &context).unwrap();
        let segments = evaluation.segments();
        for name in INVARIANT_NAMES {
            prop_assert!(segments.iter().any(|s| s == name), "{name} fails for {json}");
        }
        let mut sorted = segments.to_vec();
        sorted.sort();
        prop_assert_eq!(&sorted, segments);
        // Deterministic: the same inputs give the same output.
        let line = evaluation.to_json("x");
        let again = program.evaluate(&built, &context).unwrap().to_json("x");
        prop_assert_eq!(&line, &again);
        // The output line is JSON with every score and decision.
        let parsed: Json = serde_json::from_str(&line).unwrap();
        prop_assert_eq!(parsed["scores"].as_object().map(serde_json::Map::len), Some(4));
        prop_assert_eq!(parsed["decisions"].as_object().map(serde_json::Map::len), Some(6));
        // Asking for one segment agrees with the full evaluation.
        let dormant = program.segment("dormant", &built, &context).unwrap();
        prop_assert_eq!(dormant, segments.iter().any(|s| s == "dormant"));
    }
}

/// Rewards and a ranked segment over the spec items, for the properties below.
const REWARDS_AND_RANKING: &str = r#"
reward cashback on purchase {
  when category == "electronics" => amount * 10%
  when count(purchase) >= 5 => amount * 7%
  else => amount * 5%
  cap 50 per event
  cap 120 per 30d
}
segment top2 { top 2 by score(engagement) where country is not null }
"#;

fn rewards_program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM
        .get_or_init(|| support::compile(&format!("{}{REWARDS_AND_RANKING}", support::SPEC_ITEMS)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn rewards_respect_their_caps_and_grant_once_per_trigger(json in contact()) {
        let program = rewards_program();
        let built = program.contact_from_json(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
        let context = support::ctx(support::NOW);
        let grants = program.rewards("cashback", &built, &context).unwrap();
        let kind = program.schema().kind("purchase").unwrap();
        let triggers: Vec<usize> = built
            .events()
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind() == kind && e.at() <= context.now())
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(grants.iter().map(|g| g.event_index()).collect::<Vec<_>>(), triggers);
        let cap = Decimal::from(50);
        let rolling = Decimal::from(120);
        for (i, grant) in grants.iter().enumerate() {
            prop_assert!(grant.value() >= Decimal::ZERO && grant.value() <= cap, "{grant:?}");
            let window: Decimal = grants[..=i]
                .iter()
                .filter(|g| g.at() > grant.at() - chrono::TimeDelta::days(30))
                .map(|g| g.value())
                .sum();
            prop_assert!(window <= rolling, "{window} granted in 30 days up to {grant:?}");
        }
    }

    #[test]
    fn a_batch_agrees_with_single_evaluation_and_ranks_at_most_two(
        jsons in proptest::collection::vec(contact(), 0..6)
    ) {
        let program = rewards_program();
        let contacts: Vec<Contact> = jsons
            .iter()
            .enumerate()
            .map(|(i, json)| {
                let mut value: Json = serde_json::from_str(json).unwrap();
                value["id"] = json!(format!("c-{i}"));
                program.contact_from_json(&value.to_string()).unwrap()
            })
            .collect();
        let context = support::ctx(support::NOW);
        let batch = program.evaluate_batch(&contacts, &context).unwrap();
        prop_assert_eq!(batch.len(), contacts.len());
        let mut ranked = 0;
        for (contact, batched) in contacts.iter().zip(&batch) {
            let single = program.evaluate(contact, &context).unwrap();
            let in_top = batched.segments().iter().any(|s| s == "top2");
            ranked += usize::from(in_top);
            let without_top: Vec<&String> = batched.segments().iter().filter(|s| *s != "top2").collect();
            prop_assert_eq!(without_top, single.segments().iter().collect::<Vec<_>>());
            prop_assert!(batched.scores().eq(single.scores()));
            prop_assert!(batched.decisions().eq(single.decisions()));
            let has_country = !contact.attribute(program.schema().attribute("country").unwrap()).is_null();
            prop_assert!(has_country || !in_top);
        }
        let eligible = contacts
            .iter()
            .filter(|c| !c.attribute(program.schema().attribute("country").unwrap()).is_null())
            .count();
        prop_assert_eq!(ranked, eligible.min(2));
    }
}

/// Contacts with distinct ids, read through `program`.
fn build_all(program: &Program, jsons: &[String]) -> Vec<Contact> {
    jsons
        .iter()
        .enumerate()
        .map(|(i, json)| {
            let mut value: Json = serde_json::from_str(json).unwrap();
            value["id"] = json!(format!("c-{i}"));
            program.contact_from_json(&value.to_string()).unwrap()
        })
        .collect()
}

/// Any instant chrono represents: mostly near the spec's `now`, sometimes anywhere,
/// sometimes at the very ends of time.
fn any_now() -> impl Strategy<Value = chrono::DateTime<chrono::Utc>> {
    let min = chrono::DateTime::<chrono::Utc>::MIN_UTC;
    let max = chrono::DateTime::<chrono::Utc>::MAX_UTC;
    prop_oneof![
        4 => instant().prop_map(|text| support::at(&text)),
        2 => (min.timestamp()..=max.timestamp())
            .prop_map(|s| chrono::DateTime::from_timestamp(s, 0).unwrap()),
        1 => Just(min),
        1 => Just(max),
    ]
}

/// Any IANA time zone.
fn any_zone() -> impl Strategy<Value = funil::Tz> {
    proptest::sample::select(chrono_tz::TZ_VARIANTS.to_vec())
}

/// Everything the API answers for `contacts`, as text: each contact's evaluation, the
/// batch's, and each contact's cashback grants.
fn every_answer(program: &Program, contacts: &[Contact], context: &funil::Context) -> Vec<String> {
    let mut answers: Vec<String> = contacts
        .iter()
        .map(|c| program.evaluate(c, context).unwrap().to_json(c.id()))
        .collect();
    let batch = program.evaluate_batch(contacts, context).unwrap();
    answers.extend(batch.iter().zip(contacts).map(|(e, c)| e.to_json(c.id())));
    answers.extend(
        contacts
            .iter()
            .map(|c| format!("{:?}", program.rewards("cashback", c, context).unwrap())),
    );
    answers
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn evaluation_at_any_instant_in_any_zone_never_fails(
        jsons in proptest::collection::vec(contact(), 1..4),
        now in any_now(),
        zone in any_zone(),
    ) {
        let program = rewards_program();
        let contacts = build_all(program, &jsons);
        let context = funil::Context::new(now).with_time_zone(zone);
        let first = every_answer(program, &contacts, &context);
        prop_assert_eq!(first, every_answer(program, &contacts, &context));
    }

    #[test]
    fn threads_sharing_one_program_give_the_same_answers(
        jsons in proptest::collection::vec(contact(), 1..5),
        tz in time_zone(),
    ) {
        let program = rewards_program();
        let contacts = build_all(program, &jsons);
        let context = support::ctx_tz(support::NOW, tz);
        let expected = every_answer(program, &contacts, &context);
        let answers: Vec<Vec<String>> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| every_answer(program, &contacts, &context)))
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        for answer in answers {
            prop_assert_eq!(&answer, &expected);
        }
    }

    #[test]
    fn contacts_read_back_equal_from_their_own_json(json in contact()) {
        let program = program();
        let schema = program.schema();
        let built = program.contact_from_json(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
        let text = built.to_json_string(schema);
        let from_text = program.contact_from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        prop_assert_eq!(&from_text, &built);
        let from_value = Contact::from_json_value(schema, built.to_json_value(schema)).unwrap();
        prop_assert_eq!(&from_value, &built);
        // The written form is canonical: writing what was read gives the same text.
        prop_assert_eq!(from_text.to_json_string(schema), text);
    }
}
