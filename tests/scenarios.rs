#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Marketing scenarios against the spec §2 schema, each checked on both sides of its
//! boundary.

mod support;

use funil::{Context, Program, Value};
use serde_json::json;
use support::{ContactJson, compile, contact, ctx, ctx_tz, text};

/// The segments a marketing team would write, one per scenario.
const RULES: &str = r#"
segment soft_bouncers  { count(email.bounced where kind == "soft") >= 4 }
segment hard_bounced   { exists(email.bounced where kind == "hard") }
segment shoe_clickers  { exists(email.clicked where url contains "/shoes" within 30d) }
segment product_fans   { count(email.clicked where url matches r"/products/\d+$") >= 2 }
segment service_interest {
  exists(email.clicked where url contains "/services")
  or exists(page.viewed where path starts_with "/services")
  or exists(search.performed where term in ["consulting", "support plan"])
  or exists(content.downloaded where asset == "services-guide.pdf")
}
segment opens_only     { exists(email.opened) and not exists(email.clicked) }
segment seen_this_week { last(activity).at > now - 7d }
segment no_action_60d  { not exists(activity within 60d) }
segment no_touch_60d   { not exists(touch within 60d) }
segment recent_buyer   { exists(purchase within 90d) }
segment big_spender    { sum(purchase within 365d, amount) >= 1000 }
segment leads          { stage == "lead" }
segment opportunities  { stage == "opportunity" and owner is not null }
segment unassigned_opportunities { stage == "opportunity" and owner is null }
segment joaos_book     { owner == "joao.silva" }
segment birthday_today { is_anniversary(birthday) }
segment birthday_soon  { days_until_anniversary(birthday) <= 7 }
segment bought_yesterday { exists(purchase where date(at) == today - 1d) }
segment bought_this_local_week { exists(purchase where date(at) > today - 7d) }
segment not_brazilian  { country != "BR" }
segment brazilian      { country == "BR" }
segment early_alphabet { country < "M" }
segment lusophone      { country in ["BR", "PT", "AO", "MZ"] }
segment not_lusophone  { not (country in ["BR", "PT", "AO", "MZ"]) }

decide last_interaction { else => last(activity).at }
decide last_interaction_day { else => date(last(activity).at) }
decide greeting { when first_name is not null => "Olá, {first_name}!" else => "Olá!" }
decide subject { else => "{first_name ?? "Cliente"}, sua AÇÃO: {lower("AÇÃO")} em {country ?? "?"}" }
"#;

fn program() -> Program {
    compile(RULES)
}

fn is_in(segment: &str, c: &ContactJson) -> bool {
    is_in_ctx(segment, c, &ctx(support::NOW))
}

fn is_in_ctx(segment: &str, c: &ContactJson, context: &Context) -> bool {
    let program = program();
    let built = c.build(&program);
    program
        .segment(segment, &built, context)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn decision(name: &str, c: &ContactJson, context: &Context) -> Value {
    let program = program();
    let built = c.build(&program);
    program
        .decision(name, &built, context)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `n` days before [`support::NOW`] (2026-11-22T12:00:00Z), as RFC 3339.
fn days_ago(n: i64) -> String {
    (support::at(support::NOW) - chrono::TimeDelta::days(n))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn bounces(soft: usize, hard: usize) -> ContactJson {
    contact()
        .events(
            soft,
            "email.bounced",
            "2026-11-01T00:00:00Z",
            &json!({"campaign": "n", "kind": "soft"}),
        )
        .events(
            hard,
            "email.bounced",
            "2026-11-02T00:00:00Z",
            &json!({"campaign": "n", "kind": "hard"}),
        )
}

fn click(c: ContactJson, at: &str, url: &str) -> ContactJson {
    c.event(
        "email.clicked",
        at,
        json!({"campaign": "promo", "url": url}),
    )
}

fn view(c: ContactJson, at: &str) -> ContactJson {
    c.event("page.viewed", at, json!({"path": "/"}))
}

fn sent(c: ContactJson, at: &str) -> ContactJson {
    c.event("email.sent", at, json!({"campaign": "news"}))
}

fn buy(c: ContactJson, at: &str, amount: &str) -> ContactJson {
    c.event(
        "purchase",
        at,
        json!({"order_id": at, "amount": amount, "category": "a"}),
    )
}

// Bounces -------------------------------------------------------------------------------

#[test]
fn soft_bounces_four_or_more_versus_hard_bounces() {
    assert!(!is_in("soft_bouncers", &bounces(3, 0)));
    assert!(is_in("soft_bouncers", &bounces(4, 0)));
    // Hard bounces do not count as soft ones.
    assert!(!is_in("soft_bouncers", &bounces(3, 5)));
    assert!(is_in("hard_bounced", &bounces(3, 5)));
    assert!(!is_in("hard_bounced", &bounces(4, 0)));
    assert!(is_in("hard_bounced", &bounces(0, 1)));
}

// Clicks by URL -------------------------------------------------------------------------

#[test]
fn email_link_clicks_by_url_show_product_interest() {
    let shoes = click(
        contact(),
        &days_ago(3),
        "https://shop.example/shoes/running",
    );
    assert!(is_in("shoe_clickers", &shoes));
    let old_shoes = click(
        contact(),
        &days_ago(31),
        "https://shop.example/shoes/running",
    );
    assert!(!is_in("shoe_clickers", &old_shoes));
    let bags = click(contact(), &days_ago(3), "https://shop.example/bags");
    assert!(!is_in("shoe_clickers", &bags));
}

#[test]
fn two_product_page_clicks_make_a_fan() {
    let one = click(contact(), &days_ago(5), "https://shop.example/products/123");
    assert!(!is_in("product_fans", &one));
    let two = click(
        one.clone(),
        &days_ago(4),
        "https://shop.example/products/77",
    );
    assert!(is_in("product_fans", &two));
    let not_a_product = click(
        one,
        &days_ago(4),
        "https://shop.example/products/77/reviews",
    );
    assert!(!is_in("product_fans", &not_a_product));
}

#[test]
fn service_interest_is_fed_by_any_of_several_actions() {
    let when = days_ago(2);
    let feeders = [
        click(contact(), &when, "https://shop.example/services/cloud"),
        contact().event("page.viewed", &when, json!({"path": "/services"})),
        contact().event("search.performed", &when, json!({"term": "support plan"})),
        contact().event(
            "content.downloaded",
            &when,
            json!({"asset": "services-guide.pdf"}),
        ),
    ];
    for c in &feeders {
        assert!(is_in("service_interest", c), "{}", c.json());
    }
    let others = [
        click(contact(), &when, "https://shop.example/shoes"),
        contact().event("search.performed", &when, json!({"term": "support"})),
        contact().event(
            "content.downloaded",
            &when,
            json!({"asset": "price-list.pdf"}),
        ),
    ];
    for c in &others {
        assert!(!is_in("service_interest", c), "{}", c.json());
    }
}

// Engagement --------------------------------------------------------------------------------

#[test]
fn opens_only_contacts_opened_but_never_clicked() {
    let opened = contact().event("email.opened", &days_ago(10), json!({"campaign": "n"}));
    assert!(is_in("opens_only", &opened));
    let clicked = click(opened.clone(), &days_ago(9), "https://shop.example/");
    assert!(!is_in("opens_only", &clicked));
    assert!(!is_in("opens_only", &contact()));
}

#[test]
fn last_interaction_date() {
    let c = view(
        view(contact(), "2026-11-10T08:00:00Z"),
        "2026-11-20T02:00:00Z",
    )
    .event(
        "email.sent",
        "2026-11-21T10:00:00Z",
        json!({"campaign": "n"}),
    );
    let utc = ctx(support::NOW);
    // A send is a touch, not an interaction.
    assert_eq!(
        decision("last_interaction", &c, &utc),
        Value::DateTime(support::at("2026-11-20T02:00:00Z"))
    );
    let day = |y, m, d| Value::Date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
    assert_eq!(
        decision("last_interaction_day", &c, &utc),
        day(2026, 11, 20)
    );
    // 02:00 UTC is 23:00 the day before in São Paulo.
    let sp = ctx_tz(support::NOW, "America/Sao_Paulo");
    assert_eq!(decision("last_interaction_day", &c, &sp), day(2026, 11, 19));
    assert_eq!(decision("last_interaction", &contact(), &utc), Value::Null);
    assert_eq!(
        decision("last_interaction_day", &contact(), &utc),
        Value::Null
    );
    assert!(is_in("seen_this_week", &c));
    assert!(!is_in("seen_this_week", &view(contact(), &days_ago(7))));
}

#[test]
fn no_action_in_the_last_60_days() {
    assert!(!is_in("no_action_60d", &view(contact(), &days_ago(59))));
    assert!(is_in("no_action_60d", &view(contact(), &days_ago(61))));
    assert!(is_in("no_action_60d", &contact()));
    // Marketing sends are not actions of the contact.
    assert!(is_in("no_action_60d", &sent(contact(), &days_ago(1))));
}

#[test]
fn no_marketing_touch_in_the_last_60_days() {
    assert!(!is_in("no_touch_60d", &sent(contact(), &days_ago(59))));
    assert!(is_in("no_touch_60d", &sent(contact(), &days_ago(61))));
    // The contact's own actions are not touches.
    assert!(is_in("no_touch_60d", &view(contact(), &days_ago(1))));
}

// Purchases ------------------------------------------------------------------------------------

#[test]
fn last_purchase_within_90_days() {
    assert!(is_in("recent_buyer", &buy(contact(), &days_ago(89), "10")));
    assert!(!is_in("recent_buyer", &buy(contact(), &days_ago(91), "10")));
    assert!(!is_in("recent_buyer", &contact()));
}

#[test]
fn purchases_totalling_1000_in_365_days() {
    let almost = buy(
        buy(contact(), &days_ago(100), "500"),
        &days_ago(10),
        "499.99",
    );
    assert!(!is_in("big_spender", &almost));
    let exactly = buy(
        buy(contact(), &days_ago(100), "500"),
        &days_ago(10),
        "500.00",
    );
    assert!(is_in("big_spender", &exactly));
    let in_window = buy(buy(contact(), &days_ago(364), "600"), &days_ago(10), "400");
    assert!(is_in("big_spender", &in_window));
    let out_of_window = buy(buy(contact(), &days_ago(366), "600"), &days_ago(10), "400");
    assert!(!is_in("big_spender", &out_of_window));
}

// CRM -------------------------------------------------------------------------------------------

#[test]
fn lead_and_opportunity_stages_and_owner() {
    let lead = contact().attr("stage", json!("lead"));
    assert!(is_in("leads", &lead));
    assert!(!is_in("opportunities", &lead));
    let opportunity = contact().attr("stage", json!("opportunity"));
    assert!(!is_in("leads", &opportunity));
    assert!(!is_in("opportunities", &opportunity));
    assert!(is_in("unassigned_opportunities", &opportunity));
    let owned = opportunity.attr("owner", json!("joao.silva"));
    assert!(is_in("opportunities", &owned));
    assert!(!is_in("unassigned_opportunities", &owned));
    assert!(is_in("joaos_book", &owned));
    let maria = owned.attr("owner", json!("maria.souza"));
    assert!(!is_in("joaos_book", &maria));
    assert!(!is_in("joaos_book", &contact()));
}

// Birthdays --------------------------------------------------------------------------------------

fn born(date: &str) -> ContactJson {
    contact().attr("birthday", json!(date))
}

fn on_day(date: &str) -> Context {
    ctx(&format!("{date}T12:00:00Z"))
}

#[test]
fn birthdays_today() {
    assert!(is_in_ctx(
        "birthday_today",
        &born("1990-11-22"),
        &on_day("2026-11-22")
    ));
    assert!(!is_in_ctx(
        "birthday_today",
        &born("1990-11-23"),
        &on_day("2026-11-22")
    ));
    assert!(!is_in_ctx(
        "birthday_today",
        &born("1990-11-21"),
        &on_day("2026-11-22")
    ));
    assert!(!is_in_ctx(
        "birthday_today",
        &contact(),
        &on_day("2026-11-22")
    ));
}

#[test]
fn birthdays_within_seven_days() {
    let today = on_day("2026-11-22");
    assert!(is_in_ctx("birthday_soon", &born("1990-11-22"), &today));
    assert!(is_in_ctx("birthday_soon", &born("1990-11-29"), &today));
    assert!(!is_in_ctx("birthday_soon", &born("1990-11-30"), &today));
    assert!(!is_in_ctx("birthday_soon", &born("1990-11-21"), &today));
    // Across the new year.
    assert!(is_in_ctx(
        "birthday_soon",
        &born("1985-01-02"),
        &on_day("2026-12-28")
    ));
    assert!(!is_in_ctx("birthday_soon", &contact(), &today));
}

#[test]
fn a_29_february_birthday_is_on_28_february_in_non_leap_years() {
    let leapling = born("2000-02-29");
    assert!(is_in_ctx(
        "birthday_today",
        &leapling,
        &on_day("2027-02-28")
    ));
    assert!(!is_in_ctx(
        "birthday_today",
        &leapling,
        &on_day("2027-03-01")
    ));
    assert!(!is_in_ctx(
        "birthday_today",
        &leapling,
        &on_day("2028-02-28")
    ));
    assert!(is_in_ctx(
        "birthday_today",
        &leapling,
        &on_day("2028-02-29")
    ));
    assert!(is_in_ctx("birthday_soon", &leapling, &on_day("2027-02-21")));
    assert!(!is_in_ctx(
        "birthday_soon",
        &leapling,
        &on_day("2027-02-20")
    ));
}

// Time zones ---------------------------------------------------------------------------------------

#[test]
fn a_purchase_at_23_30_local_belongs_to_that_local_day() {
    // 2026-11-21T23:30 in São Paulo (UTC−3) is 2026-11-22T02:30Z.
    let late = buy(contact(), "2026-11-21T23:30:00-03:00", "50");
    let sp = ctx_tz(support::NOW, "America/Sao_Paulo");
    assert!(is_in_ctx("bought_yesterday", &late, &sp));
    // In UTC it is a purchase of today.
    assert!(!is_in_ctx("bought_yesterday", &late, &ctx(support::NOW)));
    let early = buy(contact(), "2026-11-22T00:30:00-03:00", "50");
    assert!(!is_in_ctx("bought_yesterday", &early, &sp));
}

#[test]
fn the_last_local_day_of_a_window_ends_at_local_midnight() {
    let sp = ctx_tz(support::NOW, "America/Sao_Paulo");
    // today is 2026-11-22 in São Paulo; the window is 2026-11-16 … 2026-11-22, local.
    let last_excluded = buy(contact(), "2026-11-15T23:30:00-03:00", "50");
    assert!(!is_in_ctx("bought_this_local_week", &last_excluded, &sp));
    let first_included = buy(contact(), "2026-11-16T00:30:00-03:00", "50");
    assert!(is_in_ctx("bought_this_local_week", &first_included, &sp));
    // The same instant as `last_excluded` is 2026-11-16 in UTC: inside the UTC window.
    assert!(is_in_ctx(
        "bought_this_local_week",
        &last_excluded,
        &ctx(support::NOW)
    ));
}

#[test]
fn today_turns_at_local_midnight() {
    // At 02:30Z on the 22nd it is still the 21st in São Paulo.
    let c = buy(contact(), "2026-11-20T23:30:00-03:00", "50");
    let sp = ctx_tz("2026-11-22T02:30:00Z", "America/Sao_Paulo");
    assert!(is_in_ctx("bought_yesterday", &c, &sp));
    let sp_later = ctx_tz("2026-11-22T03:00:00Z", "America/Sao_Paulo");
    assert!(!is_in_ctx("bought_yesterday", &c, &sp_later));
}

// Events in the future ---------------------------------------------------------------------------

#[test]
fn events_after_now_are_invisible() {
    let future = buy(contact(), "2026-11-22T12:00:01Z", "5000");
    assert!(!is_in("recent_buyer", &future));
    assert!(!is_in("big_spender", &future));
    assert!(is_in("no_action_60d", &future));
    let at_now = buy(contact(), support::NOW, "5000");
    assert!(is_in("recent_buyer", &at_now));
    assert!(is_in("big_spender", &at_now));
    assert!(is_in_ctx(
        "big_spender",
        &future,
        &ctx("2026-11-22T12:00:01Z")
    ));
}

// Null attributes -----------------------------------------------------------------------------------

#[test]
fn null_attributes_with_equality_ordering_in_and_not() {
    let nobody = contact();
    assert!(!is_in("brazilian", &nobody));
    assert!(is_in("not_brazilian", &nobody));
    assert!(!is_in("early_alphabet", &nobody));
    assert!(!is_in("lusophone", &nobody));
    assert!(is_in("not_lusophone", &nobody));
    let br = contact().attr("country", json!("BR"));
    assert!(is_in("brazilian", &br));
    assert!(!is_in("not_brazilian", &br));
    assert!(is_in("early_alphabet", &br));
    assert!(is_in("lusophone", &br));
    assert!(!is_in("not_lusophone", &br));
    let us = contact().attr("country", json!("US"));
    assert!(!is_in("early_alphabet", &us));
    assert!(is_in("not_lusophone", &us));
}

// Portuguese text ------------------------------------------------------------------------------------

#[test]
fn portuguese_greetings_and_text_functions() {
    let utc = ctx(support::NOW);
    let joao = contact()
        .attr("first_name", json!("João"))
        .attr("country", json!("BR"));
    assert_eq!(decision("greeting", &joao, &utc), text("Olá, João!"));
    assert_eq!(decision("greeting", &contact(), &utc), text("Olá!"));
    assert_eq!(
        decision("subject", &joao, &utc),
        text("João, sua AÇÃO: ação em BR")
    );
    assert_eq!(
        decision("subject", &contact(), &utc),
        text("Cliente, sua AÇÃO: ação em ?")
    );
    assert!(support::holds(r#"lower("AÇÃO") == "ação""#, &joao));
    assert!(support::holds(
        r#"upper("são paulo") == "SÃO PAULO""#,
        &joao
    ));
    assert!(support::holds(
        r#"len(first_name) == 4 and first_name starts_with "Jo""#,
        &joao
    ));
    assert!(support::holds(
        r#""Olá, {first_name}!" == "Olá, João!""#,
        &joao
    ));
    assert!(support::holds(
        r#""Olá, {first_name}!" == "Olá, !""#,
        &contact()
    ));
}
