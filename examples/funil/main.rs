//! The funil command line (spec §11).
//!
//! ```text
//! cargo run --example funil -- check RULES...
//! cargo run --example funil -- fmt [--check] RULES...
//! cargo run --example funil -- eval RULES... --contacts FILE.jsonl --now T [--tz ZONE]
//! cargo run --example funil -- batch RULES... --contacts FILE.jsonl --now T [--tz ZONE]
//! cargo run --features arrow --example funil -- batch RULES... --contacts FILE.parquet \
//!                                       [--events FILE.parquet] --now T [--tz ZONE]
//! cargo run --example funil -- reward RULES... --contacts FILE.jsonl --reward NAME --now T [--tz ZONE]
//! cargo run --example funil -- simulate RULES... --contacts FILE.jsonl --workflow NAME \
//!                                       --from T0 --until T1 [--tz ZONE]
//! cargo run --example funil -- deps RULES...
//! cargo run --example funil -- explain RULES... --contacts FILE.jsonl --id ID --item NAME \
//!                                      --now T [--tz ZONE] [--json]
//! cargo run --example funil -- next RULES... --contacts FILE.jsonl --now T [--tz ZONE]
//! cargo run --example funil -- experiment RULES... --contacts FILE.jsonl --experiment NAME \
//!                                         --now T [--tz ZONE]
//! cargo run --example funil -- metrics RULES... --contacts FILE.jsonl --now T [--tz ZONE] \
//!                                      [--param NAME=VALUE]...
//! cargo run --example funil -- sql RULES... --item NAME
//! cargo run --example funil -- sql-schema RULES...
//! cargo run --features arrow --example funil -- to-parquet RULES... --contacts FILE.jsonl \
//!                                       --out-contacts FILE.parquet [--out-events FILE.parquet] \
//!                                       [--rows-per-group N]
//! ```
//!
//! `check` prints diagnostics to stderr and exits 0 when there is no error, 2 when the
//! rules do not compile. `fmt` rewrites each file in canonical layout, comments kept;
//! `fmt --check` changes nothing, prints a diff-style summary of each file that is not
//! formatted and exits 1 if there is one (2 if a file does not parse). `eval` and `batch` print one JSON line per contact, in input
//! order; `reward` one per trigger event; `simulate` one per entry, action and end of a
//! workflow run, and one per action a frequency cap deferred
//! (`{…,"status":"deferred","cap":"emails","until":…}`) or skipped
//! (`{…,"status":"skipped","cap":"emails","args":{…}}`), per contact, in time order —
//! playing the host, it records each action it performs that a cap counts as an
//! event of the cap's kind at its instant, which later instants see; `deps` a table
//! of what each item depends
//! on; `explain` the tree of one segment, score or decision for one contact (`--json`:
//! as JSON); `next` one JSON line per contact with the instant each item will next
//! change if nothing else happens; `experiment` the report of one A/B test over every
//! contact, as one JSON line, after the lines of contacts that did not read;
//! `metrics` one line per metric and group over the whole file,
//! `{"metric":…,"group":…,"value":…,"contacts":…}` (no `group` for a metric without
//! `by`), with `--param` giving the schema's parameters; `sql` the PostgreSQL query
//! that returns the ids of the contacts in one segment (`$1` is now, a `timestamptz`,
//! `$2` the IANA time zone, a `text`), and `sql-schema` the `CREATE TABLE` script of
//! the tables that query reads.
//!
//! With `--features arrow`, `batch` reads a `--contacts` file named `*.parquet` (and
//! the optional `--events FILE.parquet`; without it, no contact has events) in the
//! layout of the language reference's "Arrow batches", all row groups as one batch,
//! evaluates it with `Program::evaluate_arrow` and prints the same lines as for the
//! same contacts in JSON; a file that cannot be read, or that `evaluate_arrow` refuses
//! (`error: `FILE`: contacts column `n`: expected …`), stops it with exit code 2.
//! `to-parquet` writes the contacts of a JSON lines file as those two files (Snappy,
//! at most N rows per row group), leaving out and reporting the lines it cannot read
//! (exit code 1); `--out-events` may be left out when no contact has an event.
//! Without the feature, both say they need it (exit code 2).
//!
//! A bad contact line prints
//! `{"id":…,"line":N,"error":"…"}` and processing goes on. Exit code: 1 if any line
//! failed, or if `sql` or `sql-schema` cannot write SQL for the rules (the error
//! says what and where), 2 if the rules do not compile, else 0.

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
