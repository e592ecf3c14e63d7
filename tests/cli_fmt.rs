#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Issue 14: `funil fmt [--check] FILES...`.

#[path = "common/cli_harness.rs"]
mod harness;

use harness::{run, temp_file};

const MESSY: &str = "segment a{x>1   # big\n}\n";
const TIDY: &str = "segment a {\n  x > 1 # big\n}\n";

#[test]
fn fmt_rewrites_files_in_place() {
    let messy = temp_file("messy.funil", MESSY);
    let tidy = temp_file("tidy.funil", TIDY);
    let out = run(&["fmt", &messy, &tidy]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "", "")
    );
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), TIDY);
    assert_eq!(std::fs::read_to_string(&tidy).unwrap(), TIDY);
}

#[test]
fn fmt_check_exits_1_with_a_diff_and_changes_nothing() {
    let messy = temp_file("messy.funil", MESSY);
    let out = run(&["fmt", "--check", &messy]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        format!(
            "Diff in {messy} at line 1:\n-segment a{{x>1   # big\n+segment a {{\n+  x > 1 # big\n"
        )
    );
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), MESSY);
}

#[test]
fn fmt_check_of_formatted_files_exits_0_silently() {
    let tidy = temp_file("tidy.funil", TIDY);
    let out = run(&["fmt", "--check", &tidy]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn fmt_of_a_file_that_does_not_parse_exits_2_and_leaves_it() {
    let broken = temp_file("broken.funil", "segment a { x > }\n");
    let out = run(&["fmt", &broken]);
    assert_eq!(out.code, 2);
    out.assert_stderr_has("error[E0001]");
    out.assert_stderr_has(&format!("--> {broken}:1:"));
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap(),
        "segment a { x > }\n"
    );
    assert_eq!(run(&["fmt"]).code, 2);
    assert_eq!(run(&["fmt", "--diff", &broken]).code, 2);
}
