#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Spec §8 and §9: golden diagnostics for workflows and their frequency caps — code,
//! message, location and help of every workflow and cap error, one mistake reported
//! once.
//!
//! Rules are compiled as `rules.funil` after the spec schema (`schema.funil`), whose
//! actions are `send_email(template: string)`, `notify_sales(owner: string?, reason:
//! string)` and `add_tag(tag: string)`.

mod support;

use support::{assert_diagnostic, compile_err, only};

/// A workflow entered on every evaluation, with `body` as its statements.
fn workflow(body: &str) -> String {
    format!("workflow w {{\n  enter when true\n{body}\n}}\n")
}

#[test]
fn e0019_unknown_action() {
    let d = only(&workflow("  send_emial(template: \"welcome\")"));
    assert_diagnostic(
        &d,
        "E0019",
        "unknown action `send_emial`",
        (3, 3),
        Some("did you mean `send_email`?"),
    );
    assert_eq!(
        d.to_string(),
        "error[E0019]: unknown action `send_emial`\n --> rules.funil:3:3\n  |\n3 |   send_emial(template: \"welcome\")\n  |   ^^^^^^^^^^ help: did you mean `send_email`?"
    );
    let d = only(&workflow("  launch_rocket(at: now)"));
    assert_diagnostic(
        &d,
        "E0019",
        "unknown action `launch_rocket`",
        (3, 3),
        Some("declare it in the schema: `action launch_rocket(…)`"),
    );
}

#[test]
fn e0019_unknown_argument_is_not_also_reported_missing() {
    let d = only(&workflow("  send_email(templat: \"welcome\")"));
    assert_diagnostic(
        &d,
        "E0019",
        "action `send_email` takes no argument `templat`",
        (3, 14),
        Some("did you mean `template`?"),
    );
}

#[test]
fn e0008_missing_argument() {
    let d = only(&workflow("  notify_sales(owner: owner)"));
    assert_diagnostic(
        &d,
        "E0008",
        "`notify_sales` needs the argument `reason: string`",
        (3, 3),
        None,
    );
    // An optional argument may be left out.
    support::compile(&workflow("  notify_sales(reason: \"hot lead\")"));
}

#[test]
fn e0009_wrong_argument_type() {
    let d = only(&workflow("  send_email(template: 5)"));
    assert_diagnostic(
        &d,
        "E0009",
        "the argument `template` of `send_email` must be `string`, found `number`",
        (3, 24),
        None,
    );
    let d = only(&workflow("  send_email(template: first_name)"));
    assert_diagnostic(
        &d,
        "E0009",
        "the argument `template` of `send_email` must be `string`, found `string?`",
        (3, 24),
        Some("the value may be null: give a default with `??`"),
    );
    support::compile(&workflow(
        "  send_email(template: first_name ?? \"anonymous\")",
    ));
    let d = only(&workflow("  add_tag(tag: last(purchase))"));
    assert_eq!(d.code(), "E0009", "{d}");
}

#[test]
fn e0010_duplicates() {
    let d = only(&workflow("  add_tag(tag: \"a\", tag: \"b\")"));
    assert_diagnostic(
        &d,
        "E0010",
        "the argument `tag` is given twice",
        (3, 21),
        None,
    );

    let d = only(&workflow(
        "  step tag: add_tag(tag: \"a\")\n  if true {\n    step tag: add_tag(tag: \"b\")\n  }",
    ));
    assert_diagnostic(
        &d,
        "E0010",
        "the step label `tag` is used twice",
        (5, 10),
        Some("labels are unique within a workflow; the first `tag` is on line 3"),
    );

    let d =
        only("workflow w {\n  enter when true\n  exit when true\n  exit when false\n  stop\n}\n");
    assert_diagnostic(
        &d,
        "E0010",
        "a workflow has at most one `exit when`",
        (4, 3),
        None,
    );
    let d = only("workflow w {\n  enter when true\n  reenter always\n  reenter never\n  stop\n}\n");
    assert_diagnostic(
        &d,
        "E0010",
        "a workflow has at most one `reenter`",
        (4, 3),
        None,
    );
}

#[test]
fn e0022_split_weights() {
    let d = only(&workflow(
        "  split {\n    50% => { add_tag(tag: \"a\") }\n    40% => { add_tag(tag: \"b\") }\n  }",
    ));
    assert_diagnostic(
        &d,
        "E0022",
        "the arms of a split add up to 90%, not 100%",
        (3, 3),
        Some("a three-way split is written 33.33%, 33.33%, 33.34%"),
    );
    // A weight that is no whole number of buckets is reported, not the sum again.
    let error = compile_err(&workflow(
        "  split {\n    33.333% => { add_tag(tag: \"a\") }\n    66.667% => { add_tag(tag: \"b\") }\n  }",
    ));
    let all = error.diagnostics();
    assert_eq!(all.len(), 2, "{error}");
    assert_diagnostic(
        &all[0],
        "E0022",
        "`33.333%` is not a multiple of 0.01%",
        (4, 5),
        Some("split arms take whole buckets of 0.01%, such as `33.33%`"),
    );
    support::compile(&workflow(
        "  split {\n    33.33% => { add_tag(tag: \"a\") }\n    33.33% => { add_tag(tag: \"b\") }\n    33.34% => { add_tag(tag: \"c\") }\n  }",
    ));
}

#[test]
fn e0020_entered_at_outside_a_workflow() {
    let d = only("segment recent {\n  exists(purchase since entered_at)\n}\n");
    assert_diagnostic(
        &d,
        "E0020",
        "`entered_at` is only in scope inside a workflow",
        (2, 25),
        Some(
            "it is the instant a workflow run entered; segments, scores and decisions have no run",
        ),
    );
    // In a workflow it is a datetime, in every expression, `where` included.
    support::compile(
        "workflow w {\n  enter on purchase where at == entered_at\n  goal when exists(purchase where at > entered_at)\n  wait until now - entered_at > 2d\n}\n",
    );
    let d = only(&workflow("  wait until entered_at > 2d"));
    assert_eq!(d.code(), "E0009", "{d}");
}

#[test]
fn e0022_a_workflow_cannot_reference_a_batch_only_segment() {
    let d = only(
        "segment leaders { top 10 by total_spent }\nsegment vip_leaders { segment(leaders) and tags contains \"vip\" }\nworkflow w {\n  enter when segment(vip_leaders)\n  add_tag(tag: \"leader\")\n}\n",
    );
    assert_diagnostic(
        &d,
        "E0022",
        "workflow `w` depends on a ranked segment, which needs a whole batch",
        (3, 10),
        Some("workflows run for one contact at a time"),
    );
}

#[test]
fn e0022_rules_a_workflow_must_follow() {
    let d = only("workflow w {\n  add_tag(tag: \"a\")\n}\n");
    assert_diagnostic(
        &d,
        "E0022",
        "workflow `w` has no `enter` clause",
        (1, 10),
        Some("no contact could ever enter it: add `enter on KIND` or `enter when COND`"),
    );
    let d = only("workflow w {\n  enter when true\n  window 09:00 to 09:00\n  stop\n}\n");
    assert_diagnostic(
        &d,
        "E0022",
        "a send window cannot open and close at the same time",
        (3, 10),
        Some("a window spanning midnight ends before it starts: `21:00 to 08:00`"),
    );
    let d = only(&workflow("  wait 0s"));
    assert_diagnostic(&d, "E0022", "a wait must be longer than zero", (3, 8), None);
    let d = only(&workflow("  wait until true max 0s"));
    assert_diagnostic(
        &d,
        "E0022",
        "the longest wait must be longer than zero",
        (3, 23),
        None,
    );
    let d = only(&workflow("  step a: step b: stop"));
    assert_diagnostic(
        &d,
        "E0022",
        "statement `b` already has the label `a`",
        (3, 16),
        Some("a statement takes one `step` label"),
    );
}

#[test]
fn e0004_an_unknown_trigger_is_reported_once() {
    let d = only("workflow w {\n  enter on signup\n  stop\n}\n");
    assert_diagnostic(
        &d,
        "E0004",
        "unknown event kind or group `signup`",
        (2, 12),
        None,
    );
    let d = only("workflow w {\n  enter on purchse\n  stop\n}\n");
    assert_eq!(d.help(), Some("did you mean `purchase`?"));
}

#[test]
fn a_workflow_shares_the_item_namespace() {
    let d = only("segment w { true }\nworkflow w {\n  enter when true\n  stop\n}\n");
    assert_eq!(d.code(), "E0010", "{d}");
    let d = only("workflow w {\n  enter when segment(w)\n  stop\n}\n");
    assert_diagnostic(
        &d,
        "E0006",
        "unknown segment `w`",
        (2, 22),
        Some("`w` is a workflow, not a segment"),
    );
}

// Frequency caps ---------------------------------------------------------------------

/// A cap on `action` counted by `kind` with `body` inside its braces, on line 1.
fn cap(action: &str, kind: &str, body: &str) -> String {
    format!("cap emails on {action} counted by {kind} {{\n{body}\n}}\n")
}

#[test]
fn e0019_a_cap_on_an_unknown_action() {
    let d = only(&cap("send_emial", "email.sent", "  at most 1 per 1d"));
    assert_diagnostic(
        &d,
        "E0019",
        "unknown action `send_emial`",
        (1, 15),
        Some("did you mean `send_email`?"),
    );
    assert_eq!(
        d.to_string(),
        "error[E0019]: unknown action `send_emial`\n --> rules.funil:1:15\n  |\n1 | cap emails on send_emial counted by email.sent {\n  |               ^^^^^^^^^^ help: did you mean `send_email`?"
    );
    let d = only(&cap("launch_rocket", "email.sent", "  at most 1 per 1d"));
    assert_diagnostic(
        &d,
        "E0019",
        "unknown action `launch_rocket`",
        (1, 15),
        Some("declare it in the schema: `action launch_rocket(…)`"),
    );
}

#[test]
fn e0004_a_cap_counting_an_unknown_kind() {
    let d = only(&cap("send_email", "email.snet", "  at most 1 per 1d"));
    assert_diagnostic(
        &d,
        "E0004",
        "unknown event kind `email.snet`",
        (1, 37),
        Some("did you mean `email.sent`?"),
    );
    assert_eq!(
        d.to_string(),
        "error[E0004]: unknown event kind `email.snet`\n --> rules.funil:1:37\n  |\n1 | cap emails on send_email counted by email.snet {\n  |                                     ^^^^^^^^^^ help: did you mean `email.sent`?"
    );
    let d = only(&cap("send_email", "newsletter.sent", "  at most 1 per 1d"));
    assert_diagnostic(
        &d,
        "E0004",
        "unknown event kind `newsletter.sent`",
        (1, 37),
        None,
    );
}

#[test]
fn e0022_a_cap_counting_a_group() {
    let d = only(&cap("send_email", "touch", "  at most 1 per 1d"));
    assert_diagnostic(
        &d,
        "E0022",
        "a cap counts events of one kind, and `touch` is a group",
        (1, 37),
        Some("name the kind the host records for each `send_email` performed"),
    );
}

#[test]
fn e0022_limits_that_allow_nothing_or_count_no_time() {
    let help = Some(
        "a cap allows at least one action per window; to stop an action, take it out of the workflows",
    );
    for (most, column) in [("0", 11), ("-1", 11), ("1.5", 11)] {
        let d = only(&cap(
            "send_email",
            "email.sent",
            &format!("  at most {most} per 1d"),
        ));
        assert_diagnostic(
            &d,
            "E0022",
            &format!("`at most {most}` is not a whole number of actions from 1"),
            (2, column),
            help,
        );
    }
    let d = only(&cap("send_email", "email.sent", "  at most 3 per 0s"));
    assert_diagnostic(
        &d,
        "E0022",
        "a cap's window must be longer than zero",
        (2, 17),
        None,
    );
    // Every bad limit is reported.
    let error = compile_err(&cap(
        "send_email",
        "email.sent",
        "  at most 0 per 1d\n  at most 2 per 0s",
    ));
    let lines: Vec<usize> = error.diagnostics().iter().map(|d| d.line()).collect();
    assert_eq!(lines, [2, 3], "{error}");
    let d = only(&cap("send_email", "email.sent", "  skip"));
    assert_diagnostic(
        &d,
        "E0022",
        "cap `emails` has no limit",
        (1, 5),
        Some("give it at least one, such as `at most 3 per 7d`"),
    );
}

#[test]
fn e0010_two_caps_on_one_action() {
    let rules = format!(
        "{}cap more on send_email counted by email.sent {{ at most 5 per 30d }}\n",
        cap("send_email", "email.sent", "  at most 1 per 1d")
    );
    let d = only(&rules);
    assert_diagnostic(
        &d,
        "E0010",
        "action `send_email` already has a cap, `emails`",
        (4, 13),
        Some("write every limit of `send_email` in one cap: all of them apply"),
    );
}

#[test]
fn e0010_a_cap_shares_the_namespace_of_items() {
    // The cap after the segment: reported on the cap.
    let d = only(&format!(
        "segment emails {{ true }}\n{}",
        cap("send_email", "email.sent", "  at most 1 per 1d")
    ));
    assert_diagnostic(
        &d,
        "E0010",
        "`emails` is declared twice",
        (2, 5),
        Some("items and caps share one namespace; the first `emails` is at rules.funil:1"),
    );
    // The segment after the cap: reported on the segment.
    let d = only(&format!(
        "{}segment emails {{ true }}\n",
        cap("send_email", "email.sent", "  at most 1 per 1d")
    ));
    assert_diagnostic(
        &d,
        "E0010",
        "`emails` is declared twice",
        (4, 9),
        Some("items and caps share one namespace; the first `emails` is at rules.funil:1"),
    );
    // Two caps of one name, on two actions.
    let d = only(&format!(
        "{}cap emails on add_tag counted by email.sent {{ at most 1 per 1d }}\n",
        cap("send_email", "email.sent", "  at most 1 per 1d")
    ));
    assert_diagnostic(
        &d,
        "E0010",
        "`emails` is declared twice",
        (4, 5),
        Some("items and caps share one namespace; the first `emails` is at rules.funil:1"),
    );
}

#[test]
fn syntax_errors_in_a_cap() {
    let d = only(&cap(
        "send_email",
        "email.sent",
        "  at most 1 per 1d\n  defer\n  skip",
    ));
    assert_diagnostic(
        &d,
        "E0010",
        "a cap has at most one `defer` or `skip` line",
        (4, 3),
        Some("it says what the limits without `then` do; write it once"),
    );
    let d = only(&cap(
        "send_email",
        "email.sent",
        "  at most 1 per 1d then wait",
    ));
    assert_diagnostic(
        &d,
        "E0001",
        "expected `defer` or `skip` after `then`, found keyword `wait`",
        (2, 25),
        None,
    );
    let d = only(&cap("send_email", "email.sent", "  at most 1 in 1d"));
    assert_diagnostic(
        &d,
        "E0001",
        "expected `per`, found keyword `in`",
        (2, 13),
        None,
    );
    let d = only(&cap("send_email", "email.sent", "  at least 1 per 1d"));
    assert_diagnostic(&d, "E0001", "expected `most`, found `least`", (2, 6), None);
    let d = only(&cap("send_email", "email.sent", "  max 1 per 1d"));
    assert_diagnostic(
        &d,
        "E0001",
        "expected `at most N per D`, `defer`, `skip` or `}`, found keyword `max`",
        (2, 3),
        None,
    );
    let d = only("cap emails on send_email by email.sent { at most 1 per 1d }\n");
    assert_diagnostic(
        &d,
        "E0001",
        "expected `counted`, found keyword `by`",
        (1, 26),
        None,
    );
    let d = only("cap emails on send_email counted by { at most 1 per 1d }\n");
    assert_diagnostic(
        &d,
        "E0001",
        "expected an event kind, found `{`",
        (1, 37),
        None,
    );
}

#[test]
fn after_a_syntax_error_parsing_resumes_at_a_cap_but_not_at_a_rewards_cap() {
    // The reward's `cap 5 per event` (a number after `cap`) starts no item; the cap on
    // line 5 (a name after `cap`) does, and so does the segment after it.
    let error = compile_err(
        "reward r on purchase {\n  else => )\n  cap 5 per event\n}\ncap emails on send_email counted by email.sent { at most per 1d }\nsegment s { == }\n",
    );
    let found: Vec<(&str, usize)> = error
        .diagnostics()
        .iter()
        .map(|d| (d.code(), d.line()))
        .collect();
    assert_eq!(found, [("E0001", 2), ("E0001", 5), ("E0001", 6)], "{error}");
}
