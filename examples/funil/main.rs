//! The funil command line (spec §11).
//!
//! ```text
//! cargo run --example funil -- check RULES...
//! cargo run --example funil -- eval RULES... --contacts FILE.jsonl --now T [--tz ZONE]
//! ```
//!
//! `check` prints diagnostics to stderr and exits 0 when there is no error, 2 when the
//! rules do not compile. `eval` prints one JSON line per contact, in input order; a bad
//! contact line prints `{"id":…,"line":N,"error":"…"}` and processing goes on. Exit
//! code: 1 if any line failed, 2 if the rules do not compile, else 0.

mod cli;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = cli::run(
        &args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
