#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §7: rewards computed for each trigger event — rates by category and by
//! history, caps per event and per rolling window, rounding, exact money.

mod support;

use funil::syntax::{ast::ItemKind, parse, print};
use funil::{EvalErrorKind, Program};
use serde_json::json;
use support::{ContactJson, compile, compile_err, contact, ctx, dec};

/// The reward examples of §7, verbatim.
const SPEC_REWARDS: &str = r#"
reward cashback "Cashback" on purchase {
  when category == "electronics" => amount * 10%
  when count(purchase) >= 5 => amount * 7%
  else => amount * 5%
  cap 50 per event
  cap 120 per 30d
  round 2
}

reward points on purchase { else => floor(amount) }
"#;

fn purchase(contact: ContactJson, at: &str, amount: &str, category: &str) -> ContactJson {
    contact.event(
        "purchase",
        at,
        json!({"order_id": format!("o-{at}"), "amount": amount, "category": category}),
    )
}

/// `(event_at, value)` of every grant of `reward` at `now`.
fn grants(
    program: &Program,
    reward: &str,
    contact: &ContactJson,
    now: &str,
) -> Vec<(String, String)> {
    let built = contact.build(program);
    program
        .rewards(reward, &built, &ctx(now))
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|g| {
            (
                g.at().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                g.value().to_string(),
            )
        })
        .collect()
}

fn values(program: &Program, reward: &str, contact: &ContactJson, now: &str) -> Vec<String> {
    grants(program, reward, contact, now)
        .into_iter()
        .map(|(_, value)| value)
        .collect()
}

#[test]
fn the_spec_rewards_parse_print_back_and_compile_with_the_spec_items() {
    let module = parse(SPEC_REWARDS).unwrap();
    assert_eq!(module.items.len(), 2);
    assert!(
        module
            .items
            .iter()
            .all(|i| matches!(i.node, ItemKind::Reward(_)))
    );
    assert_eq!(parse(&print(&module)).unwrap(), module);
    let program = compile(&format!("{}\n{SPEC_REWARDS}", support::SPEC_ITEMS));
    assert_eq!(program.title("cashback"), Some("Cashback"));
    assert_eq!(
        program
            .items()
            .filter(|(_, kind)| *kind == funil::ItemKind::Reward)
            .count(),
        2
    );
}

#[test]
fn money_is_exact_five_percent_of_19_99_is_1_00() {
    let program = compile("reward r on purchase { else => amount * 5% }");
    let buyer = purchase(contact(), "2026-11-01T10:00:00Z", "19.99", "shoes");
    assert_eq!(
        values(&program, "r", &buyer, "2026-11-22T12:00:00Z"),
        ["1.00"]
    );
}

#[test]
fn money_is_exact_ten_percent_of_0_1_plus_0_2_is_0_03() {
    let program = compile("reward r on purchase { else => (amount + 0.2) * 10% }");
    let buyer = purchase(contact(), "2026-11-01T10:00:00Z", "0.1", "shoes");
    assert_eq!(
        values(&program, "r", &buyer, "2026-11-22T12:00:00Z"),
        ["0.03"]
    );
    let sum = compile("reward r on purchase { else => amount * 10% }");
    let two = purchase(contact(), "2026-11-01T10:00:00Z", "0.30", "shoes");
    assert_eq!(values(&sum, "r", &two, "2026-11-22T12:00:00Z"), ["0.03"]);
}

#[test]
fn the_first_matching_arm_sets_the_rate_by_category() {
    let program = compile(SPEC_REWARDS);
    let buyer = purchase(contact(), "2026-11-01T10:00:00Z", "200", "electronics");
    let buyer = purchase(buyer, "2026-11-02T10:00:00Z", "200", "shoes");
    assert_eq!(
        values(&program, "cashback", &buyer, "2026-11-22T12:00:00Z"),
        ["20.00", "10.00"]
    );
}

#[test]
fn history_rates_count_the_trigger_and_what_came_before_it_only() {
    // The fifth purchase gets 7%; the four before it got 5%, even though the
    // contact has five purchases now: each grant is computed as of its trigger.
    let program = compile(SPEC_REWARDS);
    let mut buyer = contact();
    for day in 1..=5 {
        buyer = purchase(buyer, &format!("2026-0{day}-10T10:00:00Z"), "100", "shoes");
    }
    assert_eq!(
        values(&program, "cashback", &buyer, "2026-11-22T12:00:00Z"),
        ["5.00", "5.00", "5.00", "5.00", "7.00"]
    );
}

#[test]
fn events_tied_with_the_trigger_are_visible_to_it() {
    let program = compile(
        "reward r on purchase { when exists(page.viewed where path == \"/promo\") => 10 else => 1 }",
    );
    let buyer = purchase(contact(), "2026-11-01T10:00:00Z", "100", "shoes")
        .event(
            "page.viewed",
            "2026-11-01T10:00:00Z",
            json!({"path": "/promo"}),
        )
        .event(
            "page.viewed",
            "2026-11-01T10:00:01Z",
            json!({"path": "/promo"}),
        );
    let early = purchase(contact(), "2026-11-01T10:00:00Z", "100", "shoes").event(
        "page.viewed",
        "2026-11-01T10:00:01Z",
        json!({"path": "/promo"}),
    );
    assert_eq!(
        values(&program, "r", &buyer, "2026-11-22T12:00:00Z"),
        ["10"]
    );
    assert_eq!(values(&program, "r", &early, "2026-11-22T12:00:00Z"), ["1"]);
}

#[test]
fn a_cap_per_event_bounds_each_grant() {
    let program = compile(SPEC_REWARDS);
    let buyer = purchase(contact(), "2026-11-01T10:00:00Z", "900", "electronics");
    assert_eq!(
        values(&program, "cashback", &buyer, "2026-11-22T12:00:00Z"),
        ["50"]
    );
}

#[test]
fn a_rolling_cap_counts_grants_in_the_window_and_frees_up_after_it() {
    // 10% of 450 = 45 each: 45, 45, then 30 (120 reached within 30 days); the fourth
    // purchase, 30 days after the first, no longer counts the first one.
    let program = compile(SPEC_REWARDS);
    let buyer = purchase(contact(), "2026-10-01T10:00:00Z", "450", "electronics");
    let buyer = purchase(buyer, "2026-10-10T10:00:00Z", "450", "electronics");
    let buyer = purchase(buyer, "2026-10-20T10:00:00Z", "450", "electronics");
    let buyer = purchase(buyer, "2026-10-31T10:00:00Z", "450", "electronics");
    assert_eq!(
        grants(&program, "cashback", &buyer, "2026-11-22T12:00:00Z"),
        [
            ("2026-10-01T10:00:00Z".to_string(), "45.00".to_string()),
            ("2026-10-10T10:00:00Z".to_string(), "45.00".to_string()),
            ("2026-10-20T10:00:00Z".to_string(), "30.00".to_string()),
            // (Oct 1, Oct 31] holds 45 + 30 granted on Oct 10 and 20: 45 left.
            ("2026-10-31T10:00:00Z".to_string(), "45.00".to_string()),
        ]
    );
}

#[test]
fn a_rolling_window_excludes_its_start_instant() {
    // (at - 30d, at]: a grant exactly 30 days earlier is outside the window.
    let program = compile("reward r on purchase { else => 100 cap 100 per 30d }");
    let buyer = purchase(contact(), "2026-10-01T10:00:00Z", "1", "x");
    let buyer = purchase(buyer, "2026-10-31T09:59:59Z", "1", "x");
    let buyer = purchase(buyer, "2026-10-31T10:00:00Z", "1", "x");
    assert_eq!(
        values(&program, "r", &buyer, "2026-11-22T12:00:00Z"),
        ["100", "0", "100"]
    );
}

#[test]
fn negative_amounts_become_zero_and_no_match_without_else_gives_zero() {
    let program = compile(
        "reward r on purchase { when category == \"refund\" => 0 - amount when amount > 1000 => 5 }",
    );
    let buyer = purchase(contact(), "2026-11-01T10:00:00Z", "30", "refund");
    let buyer = purchase(buyer, "2026-11-02T10:00:00Z", "30", "shoes");
    assert_eq!(
        values(&program, "r", &buyer, "2026-11-22T12:00:00Z"),
        ["0", "0"]
    );
}

#[test]
fn a_null_amount_grants_zero() {
    let program = compile("reward r on purchase { else => amount / 0 }");
    let buyer = purchase(contact(), "2026-11-01T10:00:00Z", "30", "shoes");
    assert_eq!(values(&program, "r", &buyer, "2026-11-22T12:00:00Z"), ["0"]);
}

#[test]
fn rounding_is_half_away_from_zero_to_the_places_asked() {
    let buyer = purchase(contact(), "2026-11-01T10:00:00Z", "12.345", "x");
    let default = compile("reward r on purchase { else => amount }");
    assert_eq!(
        values(&default, "r", &buyer, "2026-11-22T12:00:00Z"),
        ["12.35"]
    );
    let whole = compile("reward r on purchase { else => amount round 0 }");
    assert_eq!(values(&whole, "r", &buyer, "2026-11-22T12:00:00Z"), ["12"]);
    let fine = compile("reward r on purchase { else => amount / 8 round 4 }");
    // 12.345 / 8 = 1.543125 → 1.5431
    assert_eq!(
        values(&fine, "r", &buyer, "2026-11-22T12:00:00Z"),
        ["1.5431"]
    );
    let half = purchase(contact(), "2026-11-01T10:00:00Z", "2.5", "x");
    assert_eq!(values(&whole, "r", &half, "2026-11-22T12:00:00Z"), ["3"]);
}

#[test]
fn the_per_event_cap_applies_before_rounding_and_the_rolling_cap_after() {
    let program =
        compile("reward r on purchase { else => amount cap 9.999 per event cap 15 per 1d }");
    let buyer = purchase(contact(), "2026-11-01T10:00:00Z", "50", "x");
    let buyer = purchase(buyer, "2026-11-01T11:00:00Z", "50", "x");
    // min(50, 9.999) = 9.999 → 10.00; then 15 - 10 = 5 left in the day.
    assert_eq!(
        values(&program, "r", &buyer, "2026-11-22T12:00:00Z"),
        ["10.00", "5.00"]
    );
}

#[test]
fn points_and_contact_attributes_beside_trigger_props() {
    let program = compile(&format!(
        "{SPEC_REWARDS}\nreward vip on purchase {{ when \"vip\" in tags => amount * 2% else => 0 }}"
    ));
    let buyer = purchase(
        contact().attr("tags", json!(["vip"])),
        "2026-11-01T10:00:00Z",
        "99.90",
        "x",
    );
    assert_eq!(
        values(&program, "points", &buyer, "2026-11-22T12:00:00Z"),
        ["99"]
    );
    assert_eq!(
        values(&program, "vip", &buyer, "2026-11-22T12:00:00Z"),
        ["2.00"]
    );
}

#[test]
fn rewards_may_use_scores_and_decisions_as_of_the_trigger() {
    let program = compile(
        r#"
score loyalty { per purchase => +1 }
decide tier { when score(loyalty) >= 2 => "gold" else => "basic" }
reward r on purchase { when decision(tier) == "gold" => amount * 10% else => amount * 1% }
"#,
    );
    let buyer = purchase(contact(), "2026-11-01T10:00:00Z", "100", "x");
    let buyer = purchase(buyer, "2026-11-02T10:00:00Z", "100", "x");
    assert_eq!(
        values(&program, "r", &buyer, "2026-11-22T12:00:00Z"),
        ["1.00", "10.00"]
    );
}

#[test]
fn only_triggers_at_or_before_now_are_granted() {
    let program = compile(SPEC_REWARDS);
    let buyer = purchase(contact(), "2026-11-01T10:00:00Z", "100", "x");
    let buyer = purchase(buyer, "2026-11-22T12:00:00Z", "100", "x");
    let buyer = purchase(buyer, "2026-11-22T12:00:01Z", "100", "x");
    assert_eq!(
        values(&program, "points", &buyer, "2026-11-22T12:00:00Z"),
        ["100", "100"]
    );
    let built = buyer.build(&program);
    let grants = program
        .rewards("points", &built, &ctx("2026-11-22T12:00:00Z"))
        .unwrap();
    assert_eq!(
        grants.iter().map(|g| g.event_index()).collect::<Vec<_>>(),
        [0, 1]
    );
    assert_eq!(grants[1].value(), dec("100"));
}

#[test]
fn rewards_are_left_out_of_single_contact_evaluation() {
    let program = compile(&format!("{}\n{SPEC_REWARDS}", support::SPEC_ITEMS));
    let built = contact().build(&program);
    let evaluation = program
        .evaluate(&built, &ctx("2026-11-22T12:00:00Z"))
        .unwrap();
    assert!(evaluation.scores().all(|(name, _)| name != "points"));
    assert!(evaluation.decisions().all(|(name, _)| name != "cashback"));
}

#[test]
fn asking_for_an_unknown_or_non_reward_item_is_a_typed_error() {
    let program = compile(&format!("{}\n{SPEC_REWARDS}", support::SPEC_ITEMS));
    let built = contact().build(&program);
    let now = ctx("2026-11-22T12:00:00Z");
    let unknown = program.rewards("cashbak", &built, &now).unwrap_err();
    assert_eq!(unknown.kind(), EvalErrorKind::UnknownItem);
    let wrong = program.rewards("fit", &built, &now).unwrap_err();
    assert_eq!(wrong.kind(), EvalErrorKind::WrongItemKind);
    let not_a_score = program.score("cashback", &built, &now).unwrap_err();
    assert_eq!(not_a_score.kind(), EvalErrorKind::WrongItemKind);
}

#[test]
fn a_reward_referencing_a_ranked_segment_does_not_compile() {
    let error = compile_err(
        r#"
score fit { when country == "BR" => +20 }
segment best { top 10 by score(fit) }
reward r on purchase { when segment(best) => 10 }
"#,
    );
    let rendered = error.to_string();
    assert!(
        rendered.contains("reward `r` depends on a ranked segment"),
        "{rendered}"
    );
    assert!(rendered.contains("`best`"), "{rendered}");
}

#[test]
fn reward_mistakes_are_reported_each() {
    let error = compile_err(
        r#"
reward a on purchse { else => 1 }
reward b on purchase { else => "ten" }
reward c on purchase { else => 1 cap 5 per 0d }
reward e on purchase { when amount => 1 }
"#,
    );
    assert_eq!(support::codes(&error), ["E0004", "E0009", "E0022", "E0009"]);
    assert!(
        error.to_string().contains("did you mean `purchase`?"),
        "{error}"
    );
}

#[test]
fn segment_reference_to_a_reward_is_an_error_naming_its_kind() {
    let error = compile_err("reward r on purchase { else => 1 }\nsegment s { segment(r) }");
    assert!(
        error.to_string().contains("`r` is a reward, not a segment"),
        "{error}"
    );
}
