#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §11: the `simulate` command, run in-process — the exact JSON lines, the order
//! of contacts and instants, time zones, bad lines and exit codes.

#[path = "common/cli_harness.rs"]
mod harness;

use harness::{Run, run, temp_file};

const SCHEMA: &str = include_str!("data/spec_schema.funil");
const ITEMS: &str = include_str!("data/spec_items.funil");

/// The workflows of spec §8 and §8.3.
const WORKFLOWS: &str = concat!(
    include_str!("data/spec_welcome.funil"),
    include_str!("data/spec_newsletter.funil")
);

/// Ana: created on 2 November, clicks the first email, stays; João: a bad line;
/// Bruno: created, then unsubscribes.
const CONTACTS: &str = concat!(
    r#"{"id":"c-001","attributes":{"email":"ana@example.com","first_name":"Ana","country":"BR","stage":"lead","owner":"carla","created_at":"2026-11-02T09:00:00Z","total_spent":0,"tags":[]},"events":[{"kind":"contact.created","at":"2026-11-02T09:00:00Z","props":{}},{"kind":"email.clicked","at":"2026-11-03T10:00:00Z","props":{"campaign":"welcome-1","url":"https://shop.example/services"}},{"kind":"email.opened","at":"2026-11-06T17:00:00Z","props":{"campaign":"news-1"}}]}"#,
    "\n",
    r#"{"id":"c-002","attributes":{"stage":"lead"}}"#,
    "\n\n",
    r#"{"id":"c-006","attributes":{"email":"bruno@example.com","stage":"lead","created_at":"2026-11-02T09:00:00Z","total_spent":0,"tags":[]},"events":[{"kind":"contact.created","at":"2026-11-02T09:00:00Z","props":{}},{"kind":"unsubscribed","at":"2026-11-03T12:00:00Z","props":{}}]}"#,
    "\n",
);

/// `simulate` of `workflow` over the spec schema, items and the two workflows.
fn simulate(workflow: &str, contacts: &str, extra: &[&str]) -> Run {
    let schema = temp_file("schema.funil", SCHEMA);
    let items = temp_file("items.funil", ITEMS);
    let workflows = temp_file("workflows.funil", WORKFLOWS);
    let contacts = temp_file("contacts.jsonl", contacts);
    let mut args = vec![
        "simulate",
        &schema,
        &items,
        &workflows,
        "--contacts",
        &contacts,
        "--workflow",
        workflow,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn the_welcome_series_prints_one_line_per_entry_action_and_end() {
    let out = simulate(
        "welcome",
        CONTACTS,
        &[
            "--from",
            "2026-11-01T00:00:00Z",
            "--until",
            "2026-12-01T00:00:00Z",
        ],
    );
    let expected = [
        r#"{"id":"c-001","at":"2026-11-02T09:00:00Z","workflow":"welcome","status":"entered"}"#,
        r#"{"id":"c-001","at":"2026-11-02T09:00:00Z","workflow":"welcome","step":"1","action":"send_email","args":{"template":"welcome-1"}}"#,
        r#"{"id":"c-001","at":"2026-11-04T09:00:00Z","workflow":"welcome","step":"3.then.1","action":"send_email","args":{"template":"tips"}}"#,
        r#"{"id":"c-001","at":"2026-11-11T09:00:00Z","workflow":"welcome","step":"5.arm1.1","action":"send_email","args":{"template":"offer-b"}}"#,
        r#"{"id":"c-001","at":"2026-11-11T09:00:00Z","workflow":"welcome","step":"handoff","action":"notify_sales","args":{"owner":"carla","reason":"finished welcome, grade B"}}"#,
        r#"{"id":"c-001","at":"2026-11-11T09:00:00Z","workflow":"welcome","status":"finished"}"#,
        r#"{"id":"c-002","line":2,"error":"contact `c-002`: attributes.created_at: missing required attribute (expected datetime)"}"#,
        r#"{"id":"c-006","at":"2026-11-02T09:00:00Z","workflow":"welcome","status":"entered"}"#,
        r#"{"id":"c-006","at":"2026-11-02T09:00:00Z","workflow":"welcome","step":"1","action":"send_email","args":{"template":"welcome-1"}}"#,
        r#"{"id":"c-006","at":"2026-11-03T12:00:00Z","workflow":"welcome","status":"exited"}"#,
    ];
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{}", out.stdout);
    for (line, expected) in lines.iter().zip(expected) {
        if expected.contains("\"error\"") {
            assert!(
                line.starts_with(r#"{"id":"c-002","line":2,"error":"#),
                "{line}"
            );
        } else {
            assert_eq!(*line, expected);
        }
    }
    assert_eq!(out.code, 1, "a bad line makes the exit code 1");
}

#[test]
fn a_run_still_active_at_the_end_prints_nothing_more() {
    let out = simulate(
        "welcome",
        CONTACTS.lines().next().unwrap(),
        &[
            "--from",
            "2026-11-01T00:00:00Z",
            "--until",
            "2026-11-05T00:00:00Z",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
    assert!(!out.stdout.contains("finished"));
}

#[test]
fn events_at_the_start_instant_are_not_new() {
    let out = simulate(
        "welcome",
        CONTACTS.lines().next().unwrap(),
        &[
            "--from",
            "2026-11-02T09:00:00Z",
            "--until",
            "2026-11-05T00:00:00Z",
        ],
    );
    // `enter on contact.created` does not fire; `enter when segment(service_interest)`
    // does, at the click.
    assert_eq!(
        out.stdout.lines().next(),
        Some(
            r#"{"id":"c-001","at":"2026-11-03T10:00:00Z","workflow":"welcome","status":"entered"}"#
        )
    );
}

#[test]
fn send_windows_follow_the_time_zone() {
    let ana = CONTACTS.lines().next().unwrap();
    // Opened on Friday 6 November at 17:00 UTC; a day later is Saturday: Monday 09:00.
    let utc = simulate(
        "newsletter_followup",
        ana,
        &[
            "--from",
            "2026-11-01T00:00:00Z",
            "--until",
            "2026-12-01T00:00:00Z",
        ],
    );
    assert_eq!(
        utc.stdout,
        concat!(
            r#"{"id":"c-001","at":"2026-11-06T17:00:00Z","workflow":"newsletter_followup","status":"entered"}"#,
            "\n",
            r#"{"id":"c-001","at":"2026-11-09T09:00:00Z","workflow":"newsletter_followup","step":"2","action":"send_email","args":{"template":"followup"}}"#,
            "\n",
            r#"{"id":"c-001","at":"2026-11-09T09:00:00Z","workflow":"newsletter_followup","status":"finished"}"#,
            "\n",
        )
    );
    // In Tokyo (UTC+9) 09:00 on Monday is 00:00 UTC.
    let tokyo = simulate(
        "newsletter_followup",
        ana,
        &[
            "--from",
            "2026-11-01T00:00:00Z",
            "--until",
            "2026-12-01T00:00:00Z",
            "--tz",
            "Asia/Tokyo",
        ],
    );
    assert!(
        tokyo
            .stdout
            .contains(r#""at":"2026-11-09T00:00:00Z","workflow":"newsletter_followup","step":"2""#),
        "{}",
        tokyo.stdout
    );
}

#[test]
fn wrong_command_lines_exit_2() {
    let out = simulate("welcome", CONTACTS, &["--from", "2026-11-01T00:00:00Z"]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("`simulate` needs `--until");

    let out = simulate(
        "nowhere",
        CONTACTS,
        &[
            "--from",
            "2026-11-01T00:00:00Z",
            "--until",
            "2026-12-01T00:00:00Z",
        ],
    );
    assert_eq!(out.code, 2);
    out.assert_stderr_has("no workflow named `nowhere`");

    let out = simulate(
        "welcome",
        CONTACTS,
        &[
            "--from",
            "2026-12-01T00:00:00Z",
            "--until",
            "2026-11-01T00:00:00Z",
        ],
    );
    assert_eq!(out.code, 2);
    out.assert_stderr_has("`--until` is before `--from`");

    let out = simulate(
        "welcome",
        CONTACTS,
        &["--from", "yesterday", "--until", "2026-12-01T00:00:00Z"],
    );
    assert_eq!(out.code, 2);
    out.assert_stderr_has("`--from yesterday`");

    let out = simulate(
        "welcome",
        CONTACTS,
        &[
            "--from",
            "2026-11-01T00:00:00Z",
            "--until",
            "2026-12-01T00:00:00Z",
            "--tz",
            "Mars/Olympus",
        ],
    );
    assert_eq!(out.code, 2);

    let broken = temp_file(
        "broken.funil",
        "workflow w { enter when true  send_emial(template: \"x\") }",
    );
    let schema = temp_file("schema.funil", SCHEMA);
    let contacts = temp_file("contacts.jsonl", CONTACTS);
    let out = run(&[
        "simulate",
        &schema,
        &broken,
        "--contacts",
        &contacts,
        "--workflow",
        "w",
        "--from",
        "2026-11-01T00:00:00Z",
        "--until",
        "2026-12-01T00:00:00Z",
    ]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("E0019");
}

/// Frequency caps: the actions a cap deferred or skipped print as lines of their own,
/// and the replay records the actions it performs, so later ones count them. Ana has
/// one email recorded at 08:00 when she submits a form at 10:00.
#[test]
fn deferred_and_skipped_actions_print_as_lines_of_their_own() {
    let schema = temp_file("schema.funil", SCHEMA);
    let rules = temp_file(
        "caps.funil",
        r#"cap emails on send_email counted by email.sent {
             at most 1 per 1d
             at most 3 per 7d then skip
           }
           workflow drip {
             enter on form.submitted
             send_email(template: "first")
             wait 2h
             send_email(template: "second")
             wait 1d
             send_email(template: "third")
           }"#,
    );
    let contacts = temp_file(
        "contacts.jsonl",
        concat!(
            r#"{"id":"c-001","attributes":{"email":"ana@example.com","stage":"lead","created_at":"2026-11-02T09:00:00Z","total_spent":0,"tags":[]},"events":[{"kind":"email.sent","at":"2026-11-02T08:00:00Z","props":{"campaign":"other"}},{"kind":"form.submitted","at":"2026-11-02T10:00:00Z","props":{"form":"f"}}]}"#,
            "\n"
        ),
    );
    let out = run(&[
        "simulate",
        &schema,
        &rules,
        "--contacts",
        &contacts,
        "--workflow",
        "drip",
        "--from",
        "2026-11-01T00:00:00Z",
        "--until",
        "2026-11-20T00:00:00Z",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        concat!(
            r#"{"id":"c-001","at":"2026-11-02T10:00:00Z","workflow":"drip","status":"entered"}"#,
            "\n",
            // The email of 08:00 holds the first until the next day at 08:00 …
            r#"{"id":"c-001","at":"2026-11-02T10:00:00Z","workflow":"drip","step":"1","action":"send_email","status":"deferred","cap":"emails","until":"2026-11-03T08:00:00Z"}"#,
            "\n",
            r#"{"id":"c-001","at":"2026-11-03T08:00:00Z","workflow":"drip","step":"1","action":"send_email","args":{"template":"first"}}"#,
            "\n",
            // … and the first, recorded by the replay, holds the second a day.
            r#"{"id":"c-001","at":"2026-11-03T10:00:00Z","workflow":"drip","step":"3","action":"send_email","status":"deferred","cap":"emails","until":"2026-11-04T08:00:00Z"}"#,
            "\n",
            r#"{"id":"c-001","at":"2026-11-04T08:00:00Z","workflow":"drip","step":"3","action":"send_email","args":{"template":"second"}}"#,
            "\n",
            // A fourth email in the week would be one too many: the third is skipped.
            r#"{"id":"c-001","at":"2026-11-05T08:00:00Z","workflow":"drip","step":"5","action":"send_email","status":"skipped","cap":"emails","args":{"template":"third"}}"#,
            "\n",
            r#"{"id":"c-001","at":"2026-11-05T08:00:00Z","workflow":"drip","status":"finished"}"#,
            "\n",
        )
    );
}
