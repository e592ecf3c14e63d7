#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Issue 13: `funil batch --contacts FILE.parquet [--events FILE.parquet]`, evaluated by
//! `Program::evaluate_arrow`, and `funil to-parquet`, which writes JSON contacts as
//! those files. Without the feature `arrow`, both say they need it.

#[path = "common/cli_harness.rs"]
mod harness;

use harness::temp_file;

const NOW: &str = "2026-11-22T12:00:00Z";

/// A path in the temp directory for a file the command writes.
fn out_path(name: &str) -> String {
    temp_file(name, "")
}

#[cfg(not(feature = "arrow"))]
#[test]
fn parquet_files_need_the_arrow_feature() {
    let rules = temp_file("rules.funil", "schema { contact { n: number } }");
    let contacts = temp_file("contacts.parquet", "PAR1");
    let out = harness::run(&["batch", &rules, "--contacts", &contacts, "--now", NOW]);
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{}", out.stderr);
    out.assert_stderr_has("needs the example built with `--features arrow`");

    let jsonl = temp_file("contacts.jsonl", "");
    let written = out_path("contacts.parquet");
    let out = harness::run(&[
        "to-parquet",
        &rules,
        "--contacts",
        &jsonl,
        "--out-contacts",
        &written,
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    out.assert_stderr_has("needs the example built with `--features arrow`");
}

#[cfg(feature = "arrow")]
mod with_arrow {
    use super::harness::{Run, run, temp_file};
    use super::{NOW, out_path};

    const QUICKSTART: &str = include_str!("../examples/data/quickstart.funil");
    const QUICKSTART_CONTACTS: &str = include_str!("../examples/data/quickstart_contacts.jsonl");
    const SCHEMA: &str = include_str!("data/spec_schema.funil");
    const ITEMS: &str = include_str!("data/spec_items.funil");
    const SPEC_CONTACT: &str = include_str!("data/spec_contact.jsonl");

    /// `to-parquet` of the JSON lines `contacts` under `rules`, with `extra` options;
    /// the run and the paths of the contacts and events files.
    fn to_parquet(rules: &[&str], contacts: &str, extra: &[&str]) -> (Run, String, String) {
        let jsonl = temp_file("contacts.jsonl", contacts);
        let (people, events) = (out_path("contacts.parquet"), out_path("events.parquet"));
        let mut args = vec!["to-parquet"];
        args.extend(rules);
        args.extend([
            "--contacts",
            &jsonl,
            "--out-contacts",
            &people,
            "--out-events",
            &events,
        ]);
        args.extend(extra);
        (run(&args), people, events)
    }

    /// The number of row groups of the Parquet file at `path`.
    fn row_groups(path: &str) -> usize {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
        reader.metadata().num_row_groups()
    }

    /// `batch` of `rules` over the JSON lines `contacts` at [`NOW`].
    fn json_batch(rules: &[&str], contacts: &str) -> Run {
        let jsonl = temp_file("contacts.jsonl", contacts);
        let mut args = vec!["batch"];
        args.extend(rules);
        args.extend(["--contacts", &jsonl, "--now", NOW]);
        run(&args)
    }

    /// `batch` of `rules` over Parquet files at [`NOW`] (`events` left out when `None`).
    fn parquet_batch(rules: &[&str], contacts: &str, events: Option<&str>) -> Run {
        let mut args = vec!["batch"];
        args.extend(rules);
        args.extend(["--contacts", contacts, "--now", NOW]);
        if let Some(events) = events {
            args.extend(["--events", events]);
        }
        run(&args)
    }

    /// Writes the JSON lines `contacts` as Parquet (`extra` given to `to-parquet`) and
    /// asserts that `batch` over them prints what `batch` prints over the JSON lines;
    /// gives that output.
    #[track_caller]
    fn assert_round_trip(rules: &[&str], contacts: &str, extra: &[&str]) -> String {
        let (written, people, events) = to_parquet(rules, contacts, extra);
        assert_eq!(
            (written.code, written.stdout.as_str()),
            (0, ""),
            "{}",
            written.stderr
        );
        let from_json = json_batch(rules, contacts);
        let from_parquet = parquet_batch(rules, &people, Some(&events));
        assert_eq!(from_json.code, 0, "{}", from_json.stderr);
        assert_eq!(from_parquet.code, 0, "{}", from_parquet.stderr);
        assert_eq!(from_parquet.stdout, from_json.stdout);
        assert_eq!(from_parquet.stderr, from_json.stderr);
        from_parquet.stdout
    }

    #[test]
    fn the_quickstart_gives_the_same_lines_from_parquet_as_from_json() {
        let rules = temp_file("quickstart.funil", QUICKSTART);
        let out = assert_round_trip(&[&rules], QUICKSTART_CONTACTS, &[]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), QUICKSTART_CONTACTS.lines().count());
        // Ranked segments, scores and decisions, all of them there.
        assert_eq!(
            out.matches("\"most_engaged\"").count(),
            3,
            "top 3 over the file: {out}"
        );
        assert_eq!(
            lines[0],
            r#"{"id":"c-001","segments":["birthday_this_week","birthday_today","most_engaged","service_interest"],"scores":{"engagement":9.53,"fit":35,"value":0},"decisions":{"grade":"A","lifecycle_stage":"subscriber","greeting":"Olá, Ana!","interests":["services"]}}"#
        );
        assert!(out.contains(r#""lifecycle_stage":"customer""#), "{out}");
    }

    #[test]
    fn row_groups_are_read_whole_and_events_refer_to_rows_across_them() {
        let rules = temp_file("quickstart.funil", QUICKSTART);
        // 12 contacts in row groups of 3; their events too.
        let (written, people, events) =
            to_parquet(&[&rules], QUICKSTART_CONTACTS, &["--rows-per-group", "3"]);
        assert_eq!(written.code, 0, "{}", written.stderr);
        assert_eq!(row_groups(&people), 4);
        assert!(row_groups(&events) > 4, "events in groups of 3");
        let from_parquet = parquet_batch(&[&rules], &people, Some(&events));
        let from_json = json_batch(&[&rules], QUICKSTART_CONTACTS);
        assert_eq!(from_parquet.stdout, from_json.stdout);
        assert_eq!(from_parquet.code, 0, "{}", from_parquet.stderr);
    }

    #[test]
    fn the_spec_contact_gives_the_spec_line_from_parquet() {
        let schema = temp_file("schema.funil", SCHEMA);
        let items = temp_file("items.funil", ITEMS);
        let second = r#"{"id":"c-002","attributes":{"email":"rh@example.org","stage":"lead","created_at":"2026-01-10T09:00:00Z","total_spent":"0","tags":[]},"events":[]}"#;
        let contacts = format!("{second}\n{SPEC_CONTACT}");
        let out = assert_round_trip(&[&schema, &items], &contacts, &[]);
        assert_eq!(
            out.lines().nth(1),
            Some(
                r#"{"id":"c-001","segments":["service_interest"],"scores":{"engagement":9.53,"fit":35,"value":0},"decisions":{"grade":"A","lifecycle_stage":"subscriber","greeting":"Olá, Ana!","interests":["services"]}}"#
            )
        );
    }

    #[test]
    fn without_events_the_events_batch_is_empty() {
        let rules = temp_file(
            "rules.funil",
            "schema { contact { n: number, country: string? } event buy { } }\n\
             segment big { n > 10 }\n\
             segment top1 { top 1 by n }\n\
             score buys { per buy => +1 }\n\
             decide tier { when n > 100 => \"gold\" }\n",
        );
        let contacts = "{\"id\":\"a\",\"attributes\":{\"n\":12,\"country\":\"BR\"}}\n\
                        \n\
                        {\"id\":\"b\",\"attributes\":{\"n\":300}}\n";
        let jsonl = temp_file("contacts.jsonl", contacts);
        let people = out_path("contacts.parquet");
        let written = run(&[
            "to-parquet",
            &rules,
            "--contacts",
            &jsonl,
            "--out-contacts",
            &people,
        ]);
        assert_eq!(written.code, 0, "{}", written.stderr);
        let out = parquet_batch(&[&rules], &people, None);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(
            out.stdout,
            "{\"id\":\"a\",\"segments\":[\"big\"],\"scores\":{\"buys\":0},\"decisions\":{\"tier\":null}}\n\
             {\"id\":\"b\",\"segments\":[\"big\",\"top1\"],\"scores\":{\"buys\":0},\"decisions\":{\"tier\":\"gold\"}}\n"
        );
        assert_eq!(out.stdout, json_batch(&[&rules], contacts).stdout);
    }

    #[test]
    fn to_parquet_wants_an_events_file_when_there_are_events() {
        let rules = temp_file("quickstart.funil", QUICKSTART);
        let jsonl = temp_file("contacts.jsonl", QUICKSTART_CONTACTS);
        let people = out_path("contacts.parquet");
        let out = run(&[
            "to-parquet",
            &rules,
            "--contacts",
            &jsonl,
            "--out-contacts",
            &people,
        ]);
        assert_eq!(out.code, 2);
        out.assert_stderr_has("events: give `--out-events FILE.parquet`");
    }

    #[test]
    fn to_parquet_reports_a_bad_line_and_writes_the_others() {
        let rules = temp_file(
            "rules.funil",
            "schema { contact { n: number } }\nsegment big { n > 10 }",
        );
        let contacts = "{\"id\":\"a\",\"attributes\":{\"n\":12}}\n\
                        {\"id\":\"bad\",\"attributes\":{\"n\":\"lots\"}}\n\
                        {\"id\":\"c\",\"attributes\":{\"n\":1}}\n";
        let (written, people, events) = to_parquet(&[&rules], contacts, &[]);
        assert_eq!(written.code, 1, "{}", written.stderr);
        assert!(
            written
                .stdout
                .starts_with(r#"{"id":"bad","line":2,"error":"#),
            "{}",
            written.stdout
        );
        let out = parquet_batch(&[&rules], &people, Some(&events));
        assert_eq!(
            out.stdout,
            "{\"id\":\"a\",\"segments\":[\"big\"],\"scores\":{},\"decisions\":{}}\n\
             {\"id\":\"c\",\"segments\":[],\"scores\":{},\"decisions\":{}}\n"
        );
    }

    #[test]
    fn a_column_of_the_wrong_type_is_refused_naming_file_and_column() {
        // Written under a schema where `n` is a string, read under one where it is a number.
        let strings = temp_file("strings.funil", "schema { contact { n: string } }");
        let numbers = temp_file(
            "numbers.funil",
            "schema { contact { n: number } }\nsegment big { n > 10 }",
        );
        let (written, people, events) = to_parquet(
            &[&strings],
            "{\"id\":\"a\",\"attributes\":{\"n\":\"12\"}}\n",
            &[],
        );
        assert_eq!(written.code, 0, "{}", written.stderr);
        let out = parquet_batch(&[&numbers], &people, Some(&events));
        assert_eq!((out.code, out.stdout.as_str()), (2, ""));
        assert_eq!(
            out.stderr,
            format!(
                "error: `{people}`: contacts column `n`: expected Decimal128(38, 10) \
                 (a funil `number`), found Utf8\n"
            )
        );
    }

    #[test]
    fn an_events_file_of_other_rules_is_refused_naming_it() {
        let more = temp_file(
            "more.funil",
            "schema { contact { n: number } event buy { amount: number } event visit { } }",
        );
        let fewer = temp_file(
            "fewer.funil",
            "schema { contact { n: number } event buy { amount: number } }\nsegment big { n > 10 }",
        );
        let contact = r#"{"id":"a","attributes":{"n":1},"events":[{"kind":"visit","at":"2026-11-01T00:00:00Z"}]}"#;
        let (written, people, events) = to_parquet(&[&more], contact, &[]);
        assert_eq!(written.code, 0, "{}", written.stderr);
        let out = parquet_batch(&[&fewer], &people, Some(&events));
        assert_eq!((out.code, out.stdout.as_str()), (2, ""));
        out.assert_stderr_has(&format!("error: `{events}`: events column `kind`, row 0: "));
    }

    #[test]
    fn a_missing_file_is_reported() {
        let rules = temp_file("rules.funil", "schema { contact { n: number } }");
        let missing = format!("{}.missing.parquet", out_path("none"));
        let out = parquet_batch(&[&rules], &missing, None);
        assert_eq!((out.code, out.stdout.as_str()), (2, ""));
        out.assert_stderr_has(&format!("error: cannot read `{missing}`: "));

        let (written, people, _) =
            to_parquet(&[&rules], "{\"id\":\"a\",\"attributes\":{\"n\":1}}", &[]);
        assert_eq!(written.code, 0, "{}", written.stderr);
        let out = parquet_batch(&[&rules], &people, Some(&missing));
        assert_eq!((out.code, out.stdout.as_str()), (2, ""));
        out.assert_stderr_has(&format!("error: cannot read `{missing}`: "));
    }

    #[test]
    fn a_file_that_is_not_parquet_is_reported() {
        let rules = temp_file("rules.funil", "schema { contact { n: number } }");
        let text = temp_file(
            "contacts.parquet",
            "{\"id\":\"a\",\"attributes\":{\"n\":1}}\n",
        );
        let out = parquet_batch(&[&rules], &text, None);
        assert_eq!((out.code, out.stdout.as_str()), (2, ""));
        out.assert_stderr_has(&format!("error: cannot read `{text}` as a Parquet file: "));
    }

    #[test]
    fn events_go_with_parquet_contacts_only() {
        let rules = temp_file("rules.funil", "schema { contact { n: number } }");
        let jsonl = temp_file(
            "contacts.jsonl",
            "{\"id\":\"a\",\"attributes\":{\"n\":1}}\n",
        );
        let events = out_path("events.parquet");
        let out = run(&[
            "batch",
            &rules,
            "--contacts",
            &jsonl,
            "--events",
            &events,
            "--now",
            NOW,
        ]);
        assert_eq!((out.code, out.stdout.as_str()), (2, ""));
        out.assert_stderr_has("`--events FILE.parquet` goes with `--contacts FILE.parquet`");
    }

    #[test]
    fn an_empty_contacts_file_prints_nothing() {
        let rules = temp_file("quickstart.funil", QUICKSTART);
        let out = assert_round_trip(&[&rules], "", &[]);
        assert_eq!(out, "");
    }

    #[test]
    fn to_parquet_checks_its_options() {
        let rules = temp_file("rules.funil", "schema { contact { n: number } }");
        let jsonl = temp_file("contacts.jsonl", "");
        let out = run(&["to-parquet", &rules, "--contacts", &jsonl]);
        assert_eq!(out.code, 2);
        out.assert_stderr_has(
            "`to-parquet` needs `--contacts FILE.jsonl` and `--out-contacts FILE.parquet`",
        );
        let people = out_path("contacts.parquet");
        let out = run(&[
            "to-parquet",
            &rules,
            "--contacts",
            &jsonl,
            "--out-contacts",
            &people,
            "--rows-per-group",
            "0",
        ]);
        assert_eq!(out.code, 2);
        out.assert_stderr_has("`--rows-per-group` needs a number of rows above 0");
    }
}
