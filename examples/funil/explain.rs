//! The `explain` command: why one contact has the value it has for one segment, score
//! or decision, as the text tree of `funil::Explanation` (or, with `--json`, its JSON).

use std::io::Write;

use super::{BAD_CONTACT, OK, Options, Setup, fail, usage};

/// `explain RULES... --contacts FILE --id ID --item NAME --now T [--tz ZONE] [--json]`.
pub fn run(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let json = args.iter().any(|arg| arg == "--json");
    let args: Vec<String> = args
        .iter()
        .filter(|arg| *arg != "--json")
        .cloned()
        .collect();
    let known = ["--contacts", "--id", "--item", "--now", "--tz"];
    match Options::parse(&args, &known) {
        Ok(options) => {
            for (option, what) in [("--id", "ID"), ("--item", "NAME")] {
                if options.value(option).is_none() {
                    return usage(stderr, &format!("`explain` needs `{option} {what}`"));
                }
            }
        }
        Err(message) => return usage(stderr, &message),
    }
    let setup = match Setup::read("explain", &args, &["--id", "--item"], stderr) {
        Ok(setup) => setup,
        Err(code) => return code,
    };
    let (Some(id), Some(item)) = (setup.options.value("--id"), setup.options.value("--item"))
    else {
        return usage(stderr, "`explain` needs `--id ID` and `--item NAME`");
    };
    let Some(line) = setup
        .lines()
        .find(|line| contact_id(line.text).as_deref() == Some(id))
    else {
        return fail(stderr, format!("no contact in the file has the id `{id}`"));
    };
    let contact = match line.contact(&setup.program) {
        Ok(contact) => contact,
        Err(error) => {
            let _ = writeln!(stderr, "error: line {}: {error}", line.number);
            return BAD_CONTACT;
        }
    };
    let explanation = match setup.program.explain(item, &contact, &setup.context) {
        Ok(explanation) => explanation,
        Err(error) => return fail(stderr, error),
    };
    let written = if json {
        match serde_json::to_string(&explanation) {
            Ok(text) => writeln!(stdout, "{text}"),
            Err(error) => return fail(stderr, error),
        }
    } else {
        write!(stdout, "{explanation}")
    };
    match written {
        Ok(()) => OK,
        Err(_) => fail(stderr, "cannot write the output"),
    }
}

/// The `id` of a contact line, read without checking the rest.
fn contact_id(line: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(line).ok()?;
    json.get("id")?.as_str().map(str::to_owned)
}
