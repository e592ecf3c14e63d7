use super::*;
use crate::compile;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const SCHEMA: &str = r#"
schema {
  contact { country: string?, stage: string, birthday: date?, seen: datetime, n: number }
  event a.one   { x: string, y: number }
  event a.two   { y: number, x: string }
  event b       { z: number }
  event c       { }
  group both = a.one | a.two
  action say(text: string)
}
"#;

fn program(rules: &str) -> Result<Program, crate::CompileError> {
    compile(&format!("{SCHEMA}\n{rules}"))
}

fn events<'p>(reads: &Reads<'p>) -> Vec<(&'p str, Vec<&'p str>)> {
    reads
        .events()
        .map(|(kind, props)| (kind, props.to_vec()))
        .collect()
}

#[test]
fn attributes_and_props_in_declaration_order() -> TestResult {
    let program = program(
        r#"segment s { n > 1 and country == "BR" and exists(b where z > 0 and contact.stage == "x") }"#,
    )?;
    let reads = program.reads("s")?;
    assert_eq!(reads.attributes(), ["country", "stage", "n"]);
    assert_eq!(events(&reads), [("b", vec!["z"])]);
    assert!(reads.items().is_empty());
    assert!(!reads.depends_on_now());
    assert!(!reads.depends_on_time_zone());
    Ok(())
}

#[test]
fn a_group_reads_each_member_with_its_own_slots() -> TestResult {
    // `x` is slot 0 of `a.one` and slot 1 of `a.two`: each kind names it.
    let program = program(r#"segment s { exists(both where x == "q") }"#)?;
    let reads = program.reads("s")?;
    assert_eq!(events(&reads), [("a.one", vec!["x"]), ("a.two", vec!["x"])]);
    assert_eq!(reads.props("both"), None);
    Ok(())
}

#[test]
fn counting_reads_a_kind_without_props() -> TestResult {
    let program = program("segment s { count(c) >= 2 }")?;
    let reads = program.reads("s")?;
    assert_eq!(reads.props("c"), Some(&[][..]));
    assert!(!reads.depends_on_now());
    Ok(())
}

#[test]
fn windows_first_last_and_at_read_at() -> TestResult {
    let cases = [
        ("segment s { exists(b within 3d) }", true),
        ("segment s { exists(b since seen) }", false),
        ("segment s { exists(b between seen and seen + 1d) }", false),
        ("segment s { exists(b since now - 1d) }", true),
        ("segment s { last(b).z > 1 }", false),
        ("segment s { first(b).at < seen }", false),
        ("segment s { exists(b where at > seen) }", false),
    ];
    for (rules, now) in cases {
        let program = program(rules)?;
        let reads = program.reads("s")?;
        assert_eq!(reads.depends_on_now(), now, "{rules}");
        let props = reads.props("b").ok_or(rules)?;
        assert_eq!(props.last(), Some(&"at"), "{rules}");
    }
    Ok(())
}

#[test]
fn a_bound_is_read_in_the_enclosing_scope() -> TestResult {
    // `at` in the inner window is the outer event's.
    let program = program("segment s { exists(b where exists(c since at)) }")?;
    let reads = program.reads("s")?;
    assert_eq!(events(&reads), [("b", vec!["at"]), ("c", vec!["at"])]);
    Ok(())
}

#[test]
fn decay_reads_now_and_at_of_per_rules_only() -> TestResult {
    let program = program(
        "score s { per b => z  when exists(c) => +1  decay half_life 7d }
         score t { per b => z  when exists(c) => +1 }",
    )?;
    let s = program.reads("s")?;
    assert!(s.depends_on_now());
    assert_eq!(events(&s), [("b", vec!["z", "at"]), ("c", vec![])]);
    let t = program.reads("t")?;
    assert!(!t.depends_on_now());
    assert_eq!(events(&t), [("b", vec!["z"]), ("c", vec![])]);
    Ok(())
}

#[test]
fn calendar_functions_and_the_time_zone() -> TestResult {
    let cases = [
        ("segment s { hour(seen) < 12 }", false, true),
        ("segment s { date(seen) == @2026-01-01 }", false, true),
        ("segment s { is_anniversary(birthday) }", true, true),
        ("segment s { years_since(birthday) > 30 }", true, true),
        (
            "segment s { days_until_anniversary(birthday) < 3 }",
            true,
            true,
        ),
        ("segment s { today == @2026-01-01 }", true, true),
        ("segment s { seen < now }", true, false),
        ("segment s { hour(now) < 12 }", true, true),
        ("segment s { days(seen - seen) < 1 }", false, false),
    ];
    for (rules, now, zone) in cases {
        let program = program(rules)?;
        let reads = program.reads("s")?;
        assert_eq!(reads.depends_on_now(), now, "{rules}");
        assert_eq!(reads.depends_on_time_zone(), zone, "{rules}");
    }
    Ok(())
}

#[test]
fn items_are_followed_transitively_and_time_travel_moves_with_now() -> TestResult {
    let program = program(
        r#"
        segment attrs { country == "BR" }
        score counted { per b => z }
        segment middle { segment(attrs) and score(counted) > 1 }
        segment upper { segment(middle) }
        segment back { segment(attrs, at: now - 7d) }
        segment back_events { score(counted, at: now - 7d) > 1 }
        "#,
    )?;
    let top = program.reads("upper")?;
    assert_eq!(top.items(), ["attrs", "counted", "middle"]);
    assert_eq!(top.attributes(), ["country"]);
    assert_eq!(events(&top), [("b", vec!["z"])]);
    assert!(!top.depends_on_now());
    // An item of attributes alone is the same as of any instant.
    assert!(!program.reads("back")?.depends_on_now());
    let back = program.reads("back_events")?;
    assert!(back.depends_on_now());
    assert_eq!(events(&back), [("b", vec!["z", "at"])]);
    Ok(())
}

#[test]
fn a_reward_reads_its_trigger_and_never_depends_on_now() -> TestResult {
    let program = program(
        "reward r on b { when count(c within 30d) > 1 => z  when today == @2026-01-01 => 1  else => n }",
    )?;
    let reads = program.reads("r")?;
    assert_eq!(events(&reads), [("b", vec!["z", "at"]), ("c", vec!["at"])]);
    assert_eq!(reads.attributes(), ["n"]);
    assert!(!reads.depends_on_now());
    assert!(reads.depends_on_time_zone());
    Ok(())
}

#[test]
fn workflows_read_their_clauses_and_steps() -> TestResult {
    let program = program(
        r#"
        segment br { country == "BR" }
        workflow w {
          enter on b where z > 1
          enter when segment(br)
          exit when exists(c)
          say(text: "{stage}")
        }
        workflow timed { enter on c  wait 1d  say(text: "x") }
        workflow windowed { enter on c  window 09:00 to 18:00  say(text: "x") }
        workflow later { enter on c  reenter after 3d  say(text: "x") }
        "#,
    )?;
    let w = program.reads("w")?;
    assert_eq!(w.attributes(), ["country", "stage"]);
    assert_eq!(events(&w), [("b", vec!["z", "at"]), ("c", vec![])]);
    assert_eq!(w.items(), ["br"]);
    assert!(!w.depends_on_now());
    assert!(program.reads("timed")?.depends_on_now());
    assert!(!program.reads("timed")?.depends_on_time_zone());
    assert!(program.reads("windowed")?.depends_on_time_zone());
    assert!(program.reads("later")?.depends_on_now());
    Ok(())
}

#[test]
fn a_ranked_segment_reads_its_key_and_filter() -> TestResult {
    let program = program(
        r#"
        score f { per b => z }
        segment top_f { top 10 by score(f) where stage != "customer" }
        decide d { when segment(top_f) => "top" else => "rest" }
        "#,
    )?;
    let reads = program.reads("top_f")?;
    assert_eq!(reads.attributes(), ["stage"]);
    assert_eq!(reads.items(), ["f"]);
    assert_eq!(
        program.affected_by(&Change::event("b"))?,
        ["f", "top_f", "d"]
    );
    assert_eq!(
        program.affected_by(&Change::attribute("stage"))?,
        ["top_f", "d"]
    );
    assert!(program.affected_by(&Change::attribute("n"))?.is_empty());
    Ok(())
}

#[test]
fn affected_by_follows_dependants_in_declaration_order() -> TestResult {
    let program = program(
        r#"
        decide d { when segment(s) => "yes" else => "no" }
        segment s { score(f) > 1 }
        score f { when country == "BR" => +2 }
        segment other { n > 1 }
        "#,
    )?;
    assert_eq!(
        program.affected_by(&Change::attribute("country"))?,
        ["d", "s", "f"]
    );
    assert_eq!(program.affected_by(&Change::attribute("n"))?, ["other"]);
    assert!(program.affected_by(&Change::attribute("stage"))?.is_empty());
    assert!(program.affected_by(&Change::event("b"))?.is_empty());
    Ok(())
}

#[test]
fn an_event_change_may_name_a_group() -> TestResult {
    let program = program(
        r#"
        segment one { exists(a.one) }
        segment two { exists(a.two) }
        segment other { exists(b) }
        "#,
    )?;
    assert_eq!(program.affected_by(&Change::event("a.two"))?, ["two"]);
    assert_eq!(program.affected_by(&Change::event("both"))?, ["one", "two"]);
    Ok(())
}

#[test]
fn unknown_names_are_typed_errors() -> TestResult {
    let program = program("segment s { exists(b) }")?;
    let error = program.affected_by(&Change::event("bb")).unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::UnknownEventKind);
    assert_eq!(error.name(), "bb");
    assert_eq!(error.to_string(), "no event kind or group is named `bb`");
    // An attribute is not an event kind, and the other way round.
    let error = program.affected_by(&Change::event("country")).unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::UnknownEventKind);
    let error = program.affected_by(&Change::attribute("b")).unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::UnknownAttribute);
    assert_eq!(error.to_string(), "no attribute is named `b`");
    let error = program.reads("t").unwrap_err();
    assert_eq!(error.kind(), EvalErrorKind::UnknownItem);
    assert_eq!(error.to_string(), "no item is named `t`");
    Ok(())
}

#[test]
fn a_workflow_that_depends_on_now_is_affected_by_every_event() -> TestResult {
    let program = program(
        r#"
        segment recent { exists(b within 1d) }
        workflow by_clock { enter on c  wait until hour(now) >= 9  say(text: "x") }
        workflow by_segment { enter on c  wait until segment(recent)  say(text: "x") }
        workflow by_time_only { enter on c  wait 1d  say(text: "x") }
        "#,
    )?;
    assert_eq!(
        program.affected_by(&Change::event("a.one"))?,
        ["by_clock", "by_segment"]
    );
    assert_eq!(
        program.affected_by(&Change::event("c"))?,
        ["by_clock", "by_segment", "by_time_only"]
    );
    assert!(program.affected_by(&Change::attribute("n"))?.is_empty());
    Ok(())
}

#[test]
fn long_chains_cost_no_stack() -> TestResult {
    let mut rules = String::from("segment s0 { country == \"BR\" }\n");
    for i in 1..3000 {
        rules.push_str(&format!("segment s{i} {{ segment(s{}) }}\n", i - 1));
    }
    let program = program(&rules)?;
    let reads = program.reads("s2999")?;
    assert_eq!(reads.items().len(), 2999);
    assert_eq!(reads.attributes(), ["country"]);
    assert_eq!(
        program.affected_by(&Change::attribute("country"))?.len(),
        3000
    );
    Ok(())
}
