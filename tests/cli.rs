#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §11: the command-line example, `check`, `eval`, `batch` and `reward`, run
//! in-process; `deps` and `explain` (issue 10); `metrics` (issue 11); and `sql` and
//! `sql-schema` (issue 12).

#[path = "common/cli_harness.rs"]
mod harness;

use harness::{run, temp_file};

const SCHEMA: &str = include_str!("data/spec_schema.funil");
const ITEMS: &str = include_str!("data/spec_items.funil");
const SPEC_CONTACT: &str = include_str!("data/spec_contact.jsonl");

/// The line spec §11 gives for the contact of §1.1 at 2026-11-22T12:00:00Z.
const SPEC_LINE: &str = r#"{"id":"c-001","segments":["service_interest"],"scores":{"engagement":9.53,"fit":35,"value":0},"decisions":{"grade":"A","lifecycle_stage":"subscriber","greeting":"Olá, Ana!","interests":["services"]}}"#;

fn spec_files() -> (String, String) {
    (
        temp_file("schema.funil", SCHEMA),
        temp_file("items.funil", ITEMS),
    )
}

#[test]
fn eval_gives_the_spec_line_for_the_spec_contact() {
    let (schema, items) = spec_files();
    let contacts = temp_file("contacts.jsonl", SPEC_CONTACT);
    let out = run(&[
        "eval",
        &schema,
        &items,
        "--contacts",
        &contacts,
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    assert_eq!(
        out.stdout,
        format!("{SPEC_LINE}\n"),
        "stderr: {}",
        out.stderr
    );
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
}

#[test]
fn eval_prints_one_line_per_contact_in_input_order() {
    let (schema, items) = spec_files();
    let second = r#"{"id":"c-002","attributes":{"email":"rh@example.org","stage":"lead","created_at":"2026-01-10T09:00:00Z","total_spent":"0","tags":[]},"events":[]}"#;
    let contacts = temp_file("contacts.jsonl", &format!("{second}\n{}", SPEC_CONTACT));
    let out = run(&[
        "eval",
        &schema,
        &items,
        "--contacts",
        &contacts,
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert_eq!(
        lines[0],
        r#"{"id":"c-002","segments":["dormant"],"scores":{"engagement":0,"fit":-30,"value":0},"decisions":{"grade":"D","lifecycle_stage":"subscriber","greeting":"Olá!","interests":[]}}"#
    );
    assert_eq!(lines[1], SPEC_LINE);
    assert_eq!(out.code, 0);
}

#[test]
fn eval_reports_a_bad_line_and_goes_on() {
    let (schema, items) = spec_files();
    let wrong_type = r#"{"id":"c-bad","attributes":{"email":"a@b","stage":"lead","created_at":"2026-01-10T09:00:00Z","total_spent":"lots","tags":[]},"events":[]}"#;
    let text = format!("{wrong_type}\nnot json at all\n{}", SPEC_CONTACT);
    let contacts = temp_file("contacts.jsonl", &text);
    let out = run(&[
        "eval",
        &schema,
        &items,
        "--contacts",
        &contacts,
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["id"], "c-bad");
    assert_eq!(first["line"], 1);
    let message = first["error"].as_str().unwrap();
    assert!(
        message.contains("total_spent") && message.contains("number"),
        "{message}"
    );
    assert!(
        lines[0].starts_with(r#"{"id":"c-bad","line":1,"error":"#),
        "{}",
        lines[0]
    );
    let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(second["id"], serde_json::Value::Null);
    assert_eq!(second["line"], 2);
    assert!(
        lines[1].starts_with(r#"{"id":null,"line":2,"error":"#),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], SPEC_LINE);
    assert_eq!(out.code, 1);
}

#[test]
fn eval_counts_lines_from_one_including_blank_ones() {
    let (schema, items) = spec_files();
    let contacts = temp_file(
        "contacts.jsonl",
        &format!("{}\n\n{{\"id\":\"x\"}}\n", SPEC_CONTACT.trim()),
    );
    let out = run(&[
        "eval",
        &schema,
        &items,
        "--contacts",
        &contacts,
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(
        lines[1].starts_with(r#"{"id":"x","line":3,"error":"#),
        "{}",
        lines[1]
    );
    assert_eq!(out.code, 1);
}

#[test]
fn eval_uses_the_time_zone() {
    let schema = temp_file("schema.funil", SCHEMA);
    let rules = temp_file(
        "tz.funil",
        "segment bought_yesterday { exists(purchase where date(at) == today - 1d) }",
    );
    let contact = r#"{"id":"sp","attributes":{"email":"a@b","stage":"lead","created_at":"2026-01-10T09:00:00Z","total_spent":0,"tags":[]},"events":[{"kind":"purchase","at":"2026-11-22T02:30:00Z","props":{"order_id":"o","amount":1,"category":"c"}}]}"#;
    let contacts = temp_file("contacts.jsonl", contact);
    let now = "2026-11-22T12:00:00Z";
    let utc = run(&[
        "eval",
        &schema,
        &rules,
        "--contacts",
        &contacts,
        "--now",
        now,
    ]);
    assert_eq!(
        utc.stdout,
        "{\"id\":\"sp\",\"segments\":[],\"scores\":{},\"decisions\":{}}\n"
    );
    let sp = run(&[
        "eval",
        &schema,
        &rules,
        "--contacts",
        &contacts,
        "--now",
        now,
        "--tz",
        "America/Sao_Paulo",
    ]);
    assert_eq!(
        sp.stdout,
        "{\"id\":\"sp\",\"segments\":[\"bought_yesterday\"],\"scores\":{},\"decisions\":{}}\n"
    );
}

#[test]
fn eval_with_rules_that_do_not_compile_exits_2_with_diagnostics() {
    let schema = temp_file("schema.funil", SCHEMA);
    let rules = temp_file("bad.funil", "segment br {\n  contry == \"BR\"\n}\n");
    let contacts = temp_file("contacts.jsonl", SPEC_CONTACT);
    let out = run(&[
        "eval",
        &schema,
        &rules,
        "--contacts",
        &contacts,
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    out.assert_stderr_has("error[E0003]: unknown attribute `contry`");
    out.assert_stderr_has(&format!("--> {rules}:2:3"));
}

#[test]
fn eval_rejects_a_bad_now_or_zone() {
    let (schema, items) = spec_files();
    let contacts = temp_file("contacts.jsonl", SPEC_CONTACT);
    let out = run(&[
        "eval",
        &schema,
        &items,
        "--contacts",
        &contacts,
        "--now",
        "yesterday",
    ]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("--now");
    let out = run(&[
        "eval",
        &schema,
        &items,
        "--contacts",
        &contacts,
        "--now",
        "2026-11-22T12:00:00Z",
        "--tz",
        "Mars/Olympus",
    ]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("Mars/Olympus");
    let out = run(&["eval", &schema, &items, "--now", "2026-11-22T12:00:00Z"]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("--contacts");
}

#[test]
fn check_accepts_good_rules_silently() {
    let (schema, items) = spec_files();
    let out = run(&["check", &schema, &items]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "");
}

#[test]
fn check_prints_warnings_and_exits_0() {
    let schema = temp_file("schema.funil", SCHEMA);
    let rules = temp_file("warn.funil", "segment s { email == null }\n");
    let out = run(&["check", &schema, &rules]);
    assert_eq!(out.code, 0);
    out.assert_stderr_has("warning[W0001]: comparing `string`, which is never null, with `null`");
    out.assert_stderr_has(&format!("--> {rules}:1:13"));
}

#[test]
fn check_prints_every_error_and_exits_2() {
    let schema = temp_file("schema.funil", SCHEMA);
    let rules = temp_file(
        "bad.funil",
        "segment a { contry == \"BR\" }\nsegment b { exists(email.clickd) }\n",
    );
    let out = run(&["check", &schema, &rules]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    out.assert_stderr_has("error[E0003]");
    out.assert_stderr_has("error[E0004]");
    out.assert_stderr_has("  |             ^^^^^^ help: did you mean `country`?");
}

#[test]
fn check_without_rules_or_with_a_missing_file_exits_2() {
    assert_eq!(run(&["check"]).code, 2);
    let out = run(&["check", "/nonexistent/rules.funil"]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("/nonexistent/rules.funil");
}

/// Three contacts for ranking, spending 50, 900 and 900, then a line that fails.
const SPENDERS: &str = concat!(
    r#"{"id":"c-3","attributes":{"email":"a@x","stage":"lead","created_at":"2026-01-01T00:00:00Z","total_spent":50,"tags":[]}}"#,
    "\n",
    r#"{"id":"c-2","attributes":{"email":"b@x","stage":"lead","created_at":"2026-01-01T00:00:00Z","total_spent":900,"tags":[]}}"#,
    "\n\n",
    r#"{"id":"c-1","attributes":{"email":"c@x","stage":"lead","created_at":"2026-01-01T00:00:00Z","total_spent":900,"tags":[]}}"#,
    "\n",
    r#"{"id":"c-9","attributes":{"stage":"lead"}}"#,
    "\n",
);

const RANKED_RULES: &str = r#"
segment big { total_spent > 100 }
segment top2 { top 2 by total_spent }
decide rank_label { when segment(top2) => "top" else => "rest" }
"#;

#[test]
fn batch_ranks_the_whole_file_and_prints_in_input_order() {
    let schema = temp_file("schema.funil", SCHEMA);
    let rules = temp_file("ranked.funil", RANKED_RULES);
    let contacts = temp_file("spenders.jsonl", SPENDERS);
    let now = "2026-11-22T12:00:00Z";
    let out = run(&[
        "batch",
        &schema,
        &rules,
        "--contacts",
        &contacts,
        "--now",
        now,
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    assert_eq!(
        lines[0],
        r#"{"id":"c-3","segments":[],"scores":{},"decisions":{"rank_label":"rest"}}"#
    );
    assert_eq!(
        lines[1],
        r#"{"id":"c-2","segments":["big","top2"],"scores":{},"decisions":{"rank_label":"top"}}"#
    );
    assert_eq!(
        lines[2],
        r#"{"id":"c-1","segments":["big","top2"],"scores":{},"decisions":{"rank_label":"top"}}"#
    );
    assert!(
        lines[3].starts_with(r#"{"id":"c-9","line":5,"error":"#),
        "{}",
        lines[3]
    );

    // `eval` leaves the batch-only items out.
    let out = run(&[
        "eval",
        &schema,
        &rules,
        "--contacts",
        &contacts,
        "--now",
        now,
    ]);
    assert_eq!(
        out.stdout.lines().nth(1),
        Some(r#"{"id":"c-2","segments":["big"],"scores":{},"decisions":{}}"#)
    );
}

#[test]
fn batch_takes_ties_by_contact_id() {
    let schema = temp_file("schema.funil", SCHEMA);
    let rules = temp_file("ranked.funil", "segment top1 { top 1 by total_spent }");
    let contacts = temp_file("spenders.jsonl", SPENDERS);
    let out = run(&[
        "batch",
        &schema,
        &rules,
        "--contacts",
        &contacts,
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    let in_top: Vec<&str> = out
        .stdout
        .lines()
        .filter(|line| line.contains("top1"))
        .collect();
    assert_eq!(in_top.len(), 1, "{}", out.stdout);
    assert!(in_top[0].starts_with(r#"{"id":"c-1""#), "{}", out.stdout);
}

const CASHBACK: &str = r#"
reward cashback "Cashback" on purchase {
  when category == "electronics" => amount * 10%
  else => amount * 5%
  cap 120 per 30d
}
"#;

#[test]
fn reward_prints_one_line_per_trigger_in_chronological_order() {
    let schema = temp_file("schema.funil", SCHEMA);
    let rules = temp_file("cashback.funil", CASHBACK);
    let buyer = r#"{"id":"b-1","attributes":{"email":"a@x","stage":"lead","created_at":"2026-01-01T00:00:00Z","total_spent":0,"tags":[]},"events":[
        {"kind":"purchase","at":"2026-11-10T10:00:00Z","props":{"order_id":"2","amount":"1000","category":"electronics"}},
        {"kind":"purchase","at":"2026-11-01T10:00:00Z","props":{"order_id":"1","amount":"250","category":"shoes"}},
        {"kind":"purchase","at":"2026-11-30T10:00:00Z","props":{"order_id":"3","amount":"10","category":"shoes"}}]}"#
        .replace('\n', "");
    let contacts = temp_file("buyers.jsonl", &format!("{buyer}\n{{\"id\":\"x\"}}\n"));
    let out = run(&[
        "reward",
        &schema,
        &rules,
        "--contacts",
        &contacts,
        "--reward",
        "cashback",
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[..2],
        [
            r#"{"id":"b-1","event_at":"2026-11-01T10:00:00Z","reward":"cashback","value":12.5}"#,
            r#"{"id":"b-1","event_at":"2026-11-10T10:00:00Z","reward":"cashback","value":100}"#,
        ]
    );
    assert!(
        lines[2].starts_with(r#"{"id":"x","line":2,"error":"#),
        "{}",
        lines[2]
    );
    assert_eq!(lines.len(), 3);
}

#[test]
fn reward_needs_a_known_reward_name() {
    let schema = temp_file("schema.funil", SCHEMA);
    let rules = temp_file("cashback.funil", CASHBACK);
    let contacts = temp_file("none.jsonl", "");
    let now = "2026-11-22T12:00:00Z";
    let out = run(&[
        "reward",
        &schema,
        &rules,
        "--contacts",
        &contacts,
        "--now",
        now,
    ]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("needs `--reward NAME`");
    let out = run(&[
        "reward",
        &schema,
        &rules,
        "--contacts",
        &contacts,
        "--now",
        now,
        "--reward",
        "points",
    ]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("no reward named `points`");
}

#[test]
fn unknown_commands_and_options_exit_2_with_usage() {
    let out = run(&["frobnicate"]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("usage:");
    let out = run(&["eval", "rules.funil", "--later", "x"]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("--later");
    assert_eq!(run(&[]).code, 2);
}

#[test]
fn deps_prints_one_aligned_row_per_item() {
    let schema = temp_file("schema.funil", SCHEMA);
    let rules = temp_file(
        "deps.funil",
        r#"
segment soft_bouncers { count(email.bounced where kind == "soft") >= 4 }
segment dormant { not exists(touch within 60d) and not segment(soft_bouncers) }
score fit { when country in ["BR", "PT"] => +20  when total_spent >= 500 => +15 }
decide greeting { when hour(now) < 12 => "Bom dia" else => "Olá" }
workflow hello { enter on contact.created  wait 1d  send_email(template: "hi") }
"#,
    );
    let out = run(&["deps", &schema, &rules]);
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "\
KIND      NAME           NOW  ZONE  ATTRIBUTES            ITEMS          EVENTS
segment   soft_bouncers  no   no    -                     -              email.bounced(kind)
segment   dormant        yes  no    -                     soft_bouncers  email.sent(at), email.bounced(kind)
score     fit            no   no    country, total_spent  -              -
decision  greeting       yes  yes   -                     -              -
workflow  hello          yes  no    -                     -              contact.created(at)
"
    );
}

#[test]
fn deps_of_the_spec_lists_every_item_in_declaration_order() {
    let (schema, items) = spec_files();
    let out = run(&["deps", &schema, &items]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<Vec<&str>> = out
        .stdout
        .lines()
        .map(|line| {
            line.split("  ")
                .filter(|c| !c.is_empty())
                .map(str::trim)
                .collect()
        })
        .collect();
    let names: Vec<&str> = rows.iter().skip(1).map(|row| row[1]).collect();
    assert_eq!(
        names,
        [
            "soft_bouncers",
            "service_interest",
            "dormant",
            "engagement",
            "fit",
            "value",
            "grade",
            "lifecycle_stage",
            "greeting",
            "interests"
        ]
    );
    assert_eq!(
        rows[7],
        [
            "decision",
            "grade",
            "no",
            "no",
            "email, country, total_spent",
            "fit",
            "-"
        ]
    );
}

#[test]
fn deps_needs_rules_that_compile() {
    let schema = temp_file("schema.funil", SCHEMA);
    let rules = temp_file("bad.funil", "segment a { contry == \"BR\" }\n");
    let out = run(&["deps", &schema, &rules]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    out.assert_stderr_has("error[E0003]");
    let out = run(&["deps"]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("no rules file given");
    let out = run(&["deps", &schema, "--now", "2026-11-22T12:00:00Z"]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("unknown option `--now`");
    out.assert_stderr_has("funil deps RULES...");
}

const EXPLAIN_CONTACTS: &str = include_str!("data/explain_contacts.jsonl");

/// `explain` of `item` for contact `id` of `tests/data/explain_contacts.jsonl`, with
/// the spec's rules at the spec's instant, and `extra` arguments.
fn explain(id: &str, item: &str, extra: &[&str]) -> harness::Run {
    let (schema, items) = spec_files();
    let contacts = temp_file("contacts.jsonl", EXPLAIN_CONTACTS);
    let mut args = vec![
        "explain",
        &schema,
        &items,
        "--contacts",
        &contacts,
        "--id",
        id,
        "--item",
        item,
        "--now",
        "2026-11-22T12:00:00Z",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn explain_prints_the_tree_of_one_item_for_one_contact() {
    let out = explain("c-002", "dormant", &[]);
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
    let file = out.stdout.lines().next().unwrap();
    assert!(
        file.starts_with("segment dormant = true  ("),
        "{}",
        out.stdout
    );
    assert!(file.ends_with("items.funil:11:9)"), "{}", out.stdout);
    let lines: Vec<String> = out
        .stdout
        .lines()
        .map(|line| match line.rfind("  (") {
            Some(at) => line[..at].to_string(),
            None => line.to_string(),
        })
        .collect();
    assert_eq!(
        lines,
        [
            "segment dormant = true",
            "├─ not exists(activity within 60d) = true",
            "│  └─ exists(activity within 60d) = false: no event selected",
            "└─ not segment(soft_bouncers) = true",
            "   └─ segment(soft_bouncers) = false → [1]",
            "",
            "[1] segment soft_bouncers = false",
            "└─ count(email.bounced where kind == \"soft\") >= 4 = false",
            "   └─ count(email.bounced where kind == \"soft\") = 1: 1 event selected (#0 email.bounced 2026-10-01T09:00:00Z)",
        ]
    );
}

#[test]
fn explain_in_a_time_zone_and_as_json() {
    let out = explain(
        "c-001",
        "greeting",
        &["--tz", "America/Sao_Paulo", "--json"],
    );
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout.lines().count(), 1);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["item"], "greeting");
    assert_eq!(json["kind"], "decision");
    assert_eq!(json["value"], "Olá, Ana!");
    assert_eq!(json["root"]["children"][0]["outcome"], "matched");
    assert_eq!(json["root"]["children"][1]["outcome"], "not_evaluated");
}

#[test]
fn explain_reports_a_missing_contact_an_unreadable_one_and_an_item_it_cannot_explain() {
    let out = explain("c-404", "dormant", &[]);
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    out.assert_stderr_has("no contact in the file has the id `c-404`");
    let out = explain("c-bad", "dormant", &[]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""));
    out.assert_stderr_has("error: line 2: contact `c-bad`");
    let out = explain("c-001", "nothing", &[]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("no item is named `nothing`");
}

#[test]
fn explain_needs_an_id_and_an_item() {
    let (schema, items) = spec_files();
    let out = run(&[
        "explain",
        &schema,
        &items,
        "--item",
        "dormant",
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("`explain` needs `--id ID`");
    let out = run(&[
        "explain",
        &schema,
        "--id",
        "c-001",
        "--contacts",
        "x",
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("`explain` needs `--item NAME`");
    out.assert_stderr_has("usage:");
}

// `experiment` (issue 11) -----------------------------------------------------------

const EXPERIMENT_RULES: &str = r#"schema {
  event purchase { }
  action send_email(template: string)
}
workflow welcome {
  enter on purchase
  split { 50% => { send_email(template: "a") } 50% => { send_email(template: "b") } }
}
experiment offer "A or B" {
  split welcome "1"
  converted when exists(purchase)
  winner at 95% min 4
}
"#;

/// Eight contacts: the §8.4 hash (`fnv1a_64("welcome/1/" + id) mod 10000`, computed
/// with Python 3) puts c-1, c-2, c-4 and c-5 in arm 0 (buckets 3047, 1258, 1992, 203)
/// and c-3, c-6, c-7, c-8 in arm 1 (9469, 8414, 6625, 9148); c-1, c-3, c-6 and c-7
/// bought.
fn experiment_contacts() -> String {
    (1..=8)
        .map(|n| {
            if [1, 3, 6, 7].contains(&n) {
                format!(r#"{{"id":"c-{n}","events":[{{"kind":"purchase","at":"2026-11-20T10:00:00Z"}}]}}"#)
            } else {
                format!(r#"{{"id":"c-{n}"}}"#)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// 1 of 4 against 3 of 4: R 4.2.2's `prop.test(c(3, 1), c(4, 4), correct = FALSE)`
/// gives X-squared = 2 (z = 1.4142135623730951), p-value = 0.15729920705028447 and the
/// 95% interval [-0.10011395954441349, 1].
const EXPERIMENT_LINE: &str = r#"{"experiment":"offer","workflow":"welcome","statement":"1","at":"2026-11-22T12:00:00Z","level":0.95,"min_contacts":4,"control":0,"exposed":8,"comparisons":1,"alpha":0.05,"arms":[{"arm":0,"weight":50,"contacts":4,"conversions":1,"rate":0.25,"versus_control":null},{"arm":1,"weight":50,"contacts":4,"conversions":3,"rate":0.75,"versus_control":{"difference":0.5,"z":1.414214,"p_value":0.157299,"interval":[-0.100114,1],"significant":false}}],"chi_square":null,"winner":null}"#;

#[test]
fn experiment_prints_the_report_as_one_json_line() {
    let rules = temp_file("rules.funil", EXPERIMENT_RULES);
    let contacts = temp_file("contacts.jsonl", &experiment_contacts());
    let out = run(&[
        "experiment",
        &rules,
        "--contacts",
        &contacts,
        "--experiment",
        "offer",
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    assert_eq!(
        out.stdout,
        format!("{EXPERIMENT_LINE}\n"),
        "stderr: {}",
        out.stderr
    );
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
}

#[test]
fn experiment_reports_bad_lines_first_and_leaves_them_out() {
    let rules = temp_file("rules.funil", EXPERIMENT_RULES);
    let text = format!(
        "{}\n{{\"id\":\"c-9\",\"attributes\":{{\"plan\":\"x\"}}}}\n\nnot json",
        experiment_contacts()
    );
    let contacts = temp_file("contacts.jsonl", &text);
    let out = run(&[
        "experiment",
        &rules,
        "--contacts",
        &contacts,
        "--experiment",
        "offer",
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(
        lines[0].starts_with(r#"{"id":"c-9","line":9,"error":"#),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(r#"{"id":null,"line":11,"error":"#),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], EXPERIMENT_LINE);
    assert_eq!(out.code, 1);
}

#[test]
fn experiment_needs_an_experiment_by_name() {
    let rules = temp_file("rules.funil", EXPERIMENT_RULES);
    let contacts = temp_file("contacts.jsonl", &experiment_contacts());
    let base = [
        "experiment",
        &rules,
        "--contacts",
        &contacts,
        "--now",
        "2026-11-22T12:00:00Z",
    ];
    let out = run(&base);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("`experiment` needs `--experiment NAME`");
    out.assert_stderr_has(
        "funil experiment RULES... --contacts FILE.jsonl --experiment NAME --now T [--tz ZONE]",
    );
    for name in ["welcome", "nope"] {
        let out = run(&[&base[..], &["--experiment", name]].concat());
        assert_eq!(out.code, 2);
        out.assert_stderr_has(&format!("the rules have no experiment named `{name}`"));
        assert_eq!(out.stdout, "");
    }
}

/// `next` of the spec's rules at the spec's instant over `contacts`.
fn next(contacts: &str) -> harness::Run {
    let (schema, items) = spec_files();
    let contacts = temp_file("next.jsonl", contacts);
    run(&[
        "next",
        &schema,
        &items,
        "--contacts",
        &contacts,
        "--now",
        "2026-11-22T12:00:00Z",
    ])
}

#[test]
fn next_prints_when_each_item_changes_and_the_earliest() {
    let out = next(EXPLAIN_CONTACTS);
    assert_eq!(out.code, 1, "one contact line is bad: {}", out.stderr);
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let ana = &lines[2];
    assert_eq!(ana["id"], "c-001");
    let keys: Vec<&String> = ana["next"].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 10, "every segment, score and decision: {ana}");
    // The click of 20 November leaves `activity within 60d` sixty days later.
    assert_eq!(ana["next"]["dormant"], "2027-01-19T10:00:00Z");
    // Attributes and unwindowed queries only: nothing changes by itself.
    assert_eq!(ana["next"]["fit"], serde_json::Value::Null);
    assert_eq!(ana["next"]["service_interest"], serde_json::Value::Null);
    // The decayed engagement score changes first.
    assert_eq!(ana["earliest"], ana["next"]["engagement"]);
    assert!(
        ana["earliest"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-22T1")
    );
    assert!(ana.get("approximate").is_none());
    assert_eq!(lines[1]["id"], "c-bad");
    assert!(lines[1]["error"].as_str().unwrap().contains("total_spent"));
}
// metrics (issue 11) ---------------------------------------------------------------------------

const QUICKSTART: &str = include_str!("../examples/data/quickstart.funil");
const KPIS: &str = include_str!("../examples/data/kpis.funil");
const KPI_CONTACTS: &str = include_str!("../examples/data/kpis_contacts.jsonl");

/// `metrics` over the shipped KPIs and `contacts`, with `extra` arguments.
fn metrics(contacts: &str, extra: &[&str]) -> harness::Run {
    let rules = temp_file("quickstart.funil", QUICKSTART);
    let kpis = temp_file("kpis.funil", KPIS);
    let contacts = temp_file("contacts.jsonl", contacts);
    let mut args = vec![
        "metrics",
        rules.as_str(),
        kpis.as_str(),
        "--contacts",
        contacts.as_str(),
        "--now",
        "2026-11-22T12:00:00Z",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn metrics_prints_one_line_per_metric_and_group() {
    let out = metrics(KPI_CONTACTS, &["--param", "cost=250"]);
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
    // Five contacts. Sent in 30 days: 1 + 2 + 2 + 1 + 1 = 7; opened 4; clicked 2.
    // Bought: k-01, k-03, k-05 (3 of 5): 120 + 260 + 45 = 425; (425 - 250) / 250; 250 / 3.
    // Carts: k-01's followed by a purchase the same day; k-02's never; k-05's 42 hours
    // later: 2 of 3. Black Friday went to k-01, 02, 03, 05, opened by 01, 02, 05;
    // Cyber Monday to k-02, 03, 04, opened by 03. k-05 has no country.
    assert_eq!(
        out.stdout,
        r#"{"metric":"open_rate","value":0.5714285714285714285714285714,"contacts":5}
{"metric":"click_rate","value":0.2857142857142857142857142857,"contacts":5}
{"metric":"conversion_rate","value":0.6,"contacts":5}
{"metric":"cart_abandonment","value":0.6666666666666666666666666667,"contacts":5}
{"metric":"revenue","value":425,"contacts":5}
{"metric":"roi","value":0.7,"contacts":5}
{"metric":"cost_per_acquisition","value":83.33333333333333333333333333,"contacts":5}
{"metric":"open_rate_by_campaign","group":"black-friday","value":0.75,"contacts":4}
{"metric":"open_rate_by_campaign","group":"cyber-monday","value":0.3333333333333333333333333333,"contacts":3}
{"metric":"conversion_by_country","group":null,"value":1,"contacts":1}
{"metric":"conversion_by_country","group":"AR","value":0,"contacts":1}
{"metric":"conversion_by_country","group":"BR","value":0.5,"contacts":2}
{"metric":"conversion_by_country","group":"PT","value":1,"contacts":1}
"#
    );
}

#[test]
fn metrics_reports_bad_lines_first_and_counts_the_rest() {
    let first = KPI_CONTACTS.lines().next().unwrap();
    let text = format!("{first}\nnot json\n");
    let out = metrics(&text, &["--param", "cost=100"]);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with(r#"{"id":null,"line":2,"error":"#),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], r#"{"metric":"open_rate","value":1,"contacts":1}"#);
    // One buyer of 120 for a cost of 100.
    assert!(lines.contains(&r#"{"metric":"roi","value":0.2,"contacts":1}"#));
}

#[test]
fn metrics_checks_its_parameters() {
    for (extra, message, usage) in [
        (
            &[][..],
            "parameter `cost` is declared `number` but not given",
            false,
        ),
        (
            &["--param", "cost"][..],
            "`--param cost` is not `NAME=VALUE`",
            true,
        ),
        (&["--param"][..], "`--param` needs `NAME=VALUE`", true),
        (
            &["--param", "cost=lots"][..],
            "`--param cost=lots`: `lots` is not a decimal number",
            true,
        ),
        (
            &["--param", "cost=1", "--param", "cost=2"][..],
            "parameter `cost` given twice",
            true,
        ),
        (
            &["--param", "cost=1", "--param", "budget=2"][..],
            "no parameter is named `budget`",
            false,
        ),
    ] {
        let out = metrics(KPI_CONTACTS, extra);
        assert_eq!(out.code, 2, "{extra:?}: {}", out.stderr);
        assert_eq!(out.stdout, "");
        out.assert_stderr_has(message);
        assert_eq!(out.stderr.contains("usage:"), usage, "{}", out.stderr);
    }
    let out = run(&["metrics", "rules.funil", "--now", "2026-11-22T12:00:00Z"]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("`metrics` needs `--contacts FILE.jsonl`");
}

#[test]
fn help_lists_the_metrics_command() {
    let out = run(&["help"]);
    assert!(out.stdout.contains(
        "funil metrics RULES... --contacts FILE.jsonl --now T [--tz ZONE] [--param NAME=VALUE]..."
    ));
}

const SQL_RULES: &str = r#"
schema {
  contact { email: string tags: list<string> birthday: date? }
  event page.viewed { path: string }
}
segment viewers { exists(page.viewed) }
score fit { when email ends_with ".br" => +10 }
"#;

#[test]
fn sql_schema_prints_the_create_table_script_of_the_layout() {
    let rules = temp_file("sql.funil", SQL_RULES);
    let out = run(&["sql-schema", &rules]);
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
    let (tables, functions) = out.stdout.split_at(out.stdout.find("\n-- ").unwrap() + 1);
    assert!(functions.contains("CREATE OR REPLACE FUNCTION funil_fit(x numeric)"));
    assert_eq!(
        tables,
        r#"CREATE TABLE "contacts" (
  "id" text PRIMARY KEY,
  "email" text NOT NULL,
  "tags" text[] NOT NULL,
  "birthday" date
);

CREATE TABLE "events" (
  "contact_id" text NOT NULL,
  "seq" integer NOT NULL,
  "kind" text NOT NULL,
  "at" timestamptz NOT NULL,
  "props" jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX "events_contact_kind_at" ON "events" ("contact_id", "kind", "at");

"#
    );
}

#[test]
fn sql_schema_refuses_a_schema_the_layout_cannot_hold_and_needs_rules_that_compile() {
    let rules = temp_file(
        "grid.funil",
        "schema { contact { grid: list<list<number>> } }",
    );
    let out = run(&["sql-schema", &rules]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: cannot push attribute `grid: list<list<number>>` down to SQL: a list of lists \
         has no PostgreSQL column type (arrays are rectangular)\n"
    );
    let bad = temp_file("bad.funil", "segment a { contry == \"BR\" }\n");
    let out = run(&["sql-schema", &bad]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("error[E0003]");
    let out = run(&["sql-schema", &rules, "--item", "a"]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("unknown option `--item`");
}

#[test]
fn sql_needs_a_segment_by_name() {
    let rules = temp_file("sql.funil", SQL_RULES);
    let out = run(&["sql", &rules]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("`sql` needs `--item NAME`");
    out.assert_stderr_has("usage:");
    for item in ["nobody", "fit"] {
        let out = run(&["sql", &rules, "--item", item]);
        assert_eq!(out.code, 2, "{item}");
        assert_eq!(out.stdout, "");
        assert_eq!(
            out.stderr,
            format!("error: the rules have no segment named `{item}`\n")
        );
    }
    let out = run(&[
        "sql",
        &rules,
        "--item",
        "viewers",
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("unknown option `--now`");
}

#[test]
fn sql_prints_the_query_of_a_segment_or_where_it_cannot_be_written() {
    let rules = temp_file("sql.funil", SQL_RULES);
    let out = run(&["sql", &rules, "--item", "viewers"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(
        out.stdout,
        "SELECT c.\"id\" AS id
FROM \"contacts\" AS c
CROSS JOIN (SELECT $1::timestamptz AS now, $2::text AS zone) AS p
WHERE EXISTS (SELECT 1 FROM \"events\" AS e1 WHERE e1.\"contact_id\" = c.\"id\" \
AND e1.\"kind\" = 'page.viewed' AND e1.\"at\" <= p.now)\n"
    );
    let worded = temp_file(
        "worded.funil",
        &format!("{SQL_RULES}segment sales {{ email matches \"\\\\bsales\" }}\n"),
    );
    let out = run(&["sql", &worded, "--item", "sales"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    out.assert_stderr_has("error[E0029]: cannot push this `matches` pattern down to SQL");
    out.assert_stderr_has("help: word boundaries are not pushed down");
}

#[test]
fn help_lists_the_sql_commands() {
    let out = run(&["help"]);
    assert!(out.stdout.contains("funil sql RULES... --item NAME\n"));
    assert!(out.stdout.contains("funil sql-schema RULES..."));
}
