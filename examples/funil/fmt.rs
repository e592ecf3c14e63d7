//! The `fmt` command: rules files rewritten in canonical layout, comments kept
//! (`funil::format`); with `--check`, files left as they are and a diff-style summary
//! of each one that is not formatted.

use std::io::Write;

use super::{OK, fail, usage};

/// Exit code of `fmt --check`: at least one file is not formatted.
pub const NOT_FORMATTED: i32 = 1;

/// `fmt [--check] FILES...`.
pub fn run(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let check = args.iter().any(|arg| arg == "--check");
    if let Some(option) = args
        .iter()
        .find(|arg| arg.starts_with("--") && *arg != "--check")
    {
        return usage(stderr, &format!("unknown option `{option}`"));
    }
    let files: Vec<&String> = args.iter().filter(|arg| !arg.starts_with("--")).collect();
    if files.is_empty() {
        return usage(stderr, "no rules file given");
    }
    let mut code = OK;
    for path in files {
        let source = match std::fs::read_to_string(path) {
            Ok(source) => source,
            Err(e) => return fail(stderr, format!("cannot read `{path}`: {e}")),
        };
        let formatted = match funil::format(&source) {
            Ok(formatted) => formatted,
            Err(error) => {
                let _ = writeln!(stderr, "{}\n", error.to_string().replace("<input>", path));
                return fail(
                    stderr,
                    format!("`{path}` does not parse; it is left as written"),
                );
            }
        };
        if formatted == source {
            continue;
        }
        if check {
            let _ = write!(stdout, "{}", summary(path, &source, &formatted));
            code = NOT_FORMATTED;
        } else if let Err(e) = std::fs::write(path, &formatted) {
            return fail(stderr, format!("cannot write `{path}`: {e}"));
        }
    }
    code
}

/// The lines that formatting changes, as one hunk: `Diff in FILE at line N:`, then the
/// source's lines with `-` and the formatted lines with `+`.
fn summary(path: &str, source: &str, formatted: &str) -> String {
    let old: Vec<&str> = source.lines().collect();
    let new: Vec<&str> = formatted.lines().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let old_rest = old.get(prefix..).unwrap_or_default();
    let new_rest = new.get(prefix..).unwrap_or_default();
    let suffix = old_rest
        .iter()
        .rev()
        .zip(new_rest.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = format!("Diff in {path} at line {}:\n", prefix + 1);
    let removed = old_rest.get(..old_rest.len() - suffix).unwrap_or_default();
    for line in removed {
        out.push_str(&format!("-{line}\n"));
    }
    let added = new_rest.get(..new_rest.len() - suffix).unwrap_or_default();
    for line in added {
        out.push_str(&format!("+{line}\n"));
    }
    if old.len() == new.len() && prefix == old.len() {
        // Only the final line break differs.
        out.push_str("-(no line break at the end of the file)\n+(a line break at the end)\n");
    }
    out
}
