//! funil is an embeddable rules engine for marketing automation. Marketers write
//! segments, lead scores and decisions in a small rule language; funil compiles them
//! against a schema of contacts and events, then evaluates them for one contact at a
//! time: which segments is this lead in, what is its score (and what was it thirty days
//! ago), which grade or greeting applies.
//!
//! The library does no I/O and never reads the clock. The caller passes the rules, the
//! contact with its event history, and the instant of evaluation; funil returns values.
//! The same inputs give the same outputs on every platform, and rules may come from
//! untrusted users: every stage is bounded (see [Input safety](#input-safety)). The
//! language itself is described in [`language`].
//!
//! # The pipeline
//!
//! Data flows one way, through one layer per stage:
//!
//! 1. **Source text → syntax tree.** [`syntax`] parses each source into a
//!    [`syntax::ast::Module`] whose nodes carry byte spans (left out of equality, so
//!    trees compare by meaning). [`syntax::print`] writes a tree back as canonical
//!    source; parsing what it prints gives the same tree.
//! 2. **Syntax tree → checked program.** The checker merges the `schema` blocks (and a
//!    [`Schema`] built in Rust, if any), resolves every name, checks every type, orders
//!    the references between items and rejects cycles. It reports every independent
//!    problem as a [`Diagnostic`]; any error makes the compile a [`CompileError`].
//! 3. **[`Program`].** What [`Compiler::compile`] (or the shortcut [`compile`]) returns:
//!    an immutable, flat arena of nodes addressed by ids, with no names or source
//!    text left for evaluation to look up (the sources, and where each node was
//!    written, are kept beside it for explanations). It is `Send + Sync`; one program
//!    serves every thread.
//! 4. **Evaluation.** A [`Contact`] is built for the program's schema (in Rust with
//!    [`Program::contact`], or from JSON with [`Program::contact_from_json`]); a
//!    [`Context`] gives the instant `now` and the time zone of calendar functions.
//!    [`Program::segment`], [`Program::score`], [`Program::decision`],
//!    [`Program::segments`] and [`Program::evaluate`] answer; `evaluate` gives an
//!    [`Evaluation`] with every segment, score and decision, which
//!    [`Evaluation::to_json`] prints as one JSON line. For many contacts,
//!    [`Program::evaluate_into`] refills one `Evaluation` working in a [`Workspace`]
//!    the caller keeps (one per thread), and then allocates nothing; to test one
//!    segment over many contacts, [`Program::segment_id`] finds it once and
//!    [`Program::segment_with`] tests it in a kept workspace.
//!    Contacts the caller holds in its own structs need no builder: a
//!    [`ContactBuffer`] is refilled in place from borrowed values, a [`View`] says
//!    once how to read a caller's type (and fills the buffer, or evaluates a whole
//!    batch with [`Program::evaluate_batch_of`]), and [`Program::predicate`] compiles
//!    a segment of attribute tests into a [`Predicate`] that reads the caller's
//!    fields directly (see [the language reference](language#evaluating-the-callers-own-data)).
//!    For a population, [`Program::evaluate_population`] evaluates every contact of a
//!    batch (ranked segments included) and, in the same pass, the rules' metrics — open
//!    rate, conversion rate, ROI… — per group: a [`Population`] of [`Evaluation`]s and
//!    [`MetricValue`]s, given the schema's parameters in [`Params`].
//! 5. **Workflows**, on top of evaluation. [`Program::enter`] says whether a contact
//!    enters a workflow and gives the new run's [`RunState`], a serde value the host
//!    stores; [`Program::advance`] takes a run to `now` and gives the new state, the
//!    [`Action`]s that became due and the [`Status`]. Both are pure: every condition is
//!    evaluated as of the instant it concerns, so advancing late gives the same actions
//!    as advancing on time. Frequency caps ([`FrequencyCap`], `cap emails on
//!    send_email counted by email.sent { at most 1 per 1d }`) bound how often an
//!    action is performed for a contact across workflows, counted from the events the
//!    host records: an action over its cap is deferred or skipped, and reported in
//!    [`Advance::capped`]; [`Program::advance_all`] advances a contact's runs together
//!    so that caps count across them however late the call.
//! 6. **Experiments**, beside evaluation. [`Program::experiment`] reports an A/B test
//!    over a workflow's `split` for a population of contacts: per arm the exposed
//!    contacts, conversions and rate, each arm against the control (two-proportion
//!    z-test, confidence interval), the chi-square test over three arms or more, and
//!    the winner ([`ExperimentReport`]). [`ExperimentReport::to_winner`] gives a
//!    [`Winner`] that [`Program::advance_with_winners`] sends new runs to. `arm(…)`
//!    gives a contact's arm in any rule.
//! 7. **Analysis**, beside evaluation. [`Program::reads`] gives what an item depends
//!    on ([`Reads`]: attributes, event kinds and props, other items, whether it
//!    depends on now or the time zone), and [`Program::affected_by`] which items a
//!    [`Change`] (an event arriving, an attribute changing) may affect: what a host
//!    must re-evaluate, found without evaluating. [`Program::next_change`] says when
//!    an item's value will change for one contact if nothing else happens (a
//!    [`NextChange`]): when a host must evaluate it again.
//! 8. **Explanations**, beside evaluation. [`Program::explain`] gives an
//!    [`Explanation`] of why a segment, score or decision has its value for a contact:
//!    the rule as written, as a tree, each part with its source location and the value
//!    it produced (or that it was not evaluated), the events each query selected, the
//!    points of each score rule, the arm that matched, and every item referenced,
//!    explained in turn. It renders as a text tree (`Display`) and as JSON (serde);
//!    see [`explain`]. It reads the program and asks every value of evaluation's own
//!    code, so its value is always the one evaluation gives.
//! 9. **SQL push-down**, instead of evaluation, for contacts that live in a database.
//!    [`Program::to_sql`] writes a segment (with the scores, decisions and segments it
//!    references) as one PostgreSQL query returning the ids of its contacts, with `now`
//!    and the time zone as bound parameters: a [`SqlQuery`] over the table layout that
//!    [`Program::sql_schema`] creates. It means what evaluation means, or it is refused
//!    with a [`NotPushable`] that names the construct and where it was written; see
//!    the [language reference](language#sql-push-down).
//!
//! ```text
//! source text ──syntax──▶ Module (AST + spans) ──checker──▶ Program ──┐
//!                                                                      ├──▶ Evaluation
//!                              Contact (JSON or builder) + Context ────┘
//! ```
//!
//! The whole pipeline, with two sources (a schema and the rules), a contact read from
//! JSON and an evaluation in São Paulo time:
//!
//! ```
//! use funil::{Compiler, Context, Tz, Value};
//!
//! let schema = r#"
//! schema {
//!   contact {
//!     email: string
//!     first_name: string?
//!     country: string?
//!     total_spent: number
//!   }
//!   event email.clicked { campaign: string, url: string }
//!   event page.viewed   { path: string }
//!   event purchase      { amount: number }
//! }
//! "#;
//! let rules = r#"
//! segment lusophone "Portuguese speakers" { country in ["BR", "PT"] }
//!
//! segment service_interest {
//!   exists(email.clicked where url contains "/services" within 30d)
//!   or exists(page.viewed where path starts_with "/services")
//! }
//!
//! score engagement {
//!   per email.clicked within 30d => +10 max 50
//!   per page.viewed within 14d => +5
//!   when sum(purchase within 365d, amount) >= 100 => +20
//!   clamp 0 to 100
//! }
//!
//! decide greeting {
//!   when first_name is not null and hour(now) < 12 => "Bom dia, {first_name}!"
//!   when first_name is not null => "Olá, {first_name}!"
//!   else => "Olá!"
//! }
//! "#;
//! let program = Compiler::new()
//!     .source("schema.funil", schema)
//!     .source("rules.funil", rules)
//!     .compile()?;
//!
//! let contact = program.contact_from_json(r#"{
//!   "id": "c-001",
//!   "attributes": {"email": "ana@example.com", "first_name": "Ana", "country": "BR",
//!                  "total_spent": 1200.50},
//!   "events": [
//!     {"kind": "page.viewed", "at": "2026-11-21T15:30:00Z", "props": {"path": "/pricing"}},
//!     {"kind": "email.clicked", "at": "2026-11-20T10:00:00Z",
//!      "props": {"campaign": "welcome-1", "url": "https://shop.example/services"}},
//!     {"kind": "purchase", "at": "2026-06-01T12:00:00Z", "props": {"amount": 150}}
//!   ]
//! }"#)?;
//!
//! // 12:00 UTC is 09:00 in São Paulo: calendar functions such as `hour` use the zone.
//! let now = "2026-11-22T12:00:00Z".parse()?;
//! let context = Context::new(now).with_time_zone("America/Sao_Paulo".parse::<Tz>()?);
//!
//! assert!(program.segment("service_interest", &contact, &context)?);
//! let evaluation = program.evaluate(&contact, &context)?;
//! assert_eq!(evaluation.segments(), ["lusophone", "service_interest"]);
//! assert_eq!(
//!     evaluation.to_json(contact.id()),
//!     r#"{"id":"c-001","segments":["lusophone","service_interest"],"scores":{"engagement":35},"decisions":{"greeting":"Bom dia, Ana!"}}"#
//! );
//! // The same instant in UTC is already afternoon.
//! let greeting = program.decision("greeting", &contact, &Context::new(now))?;
//! assert_eq!(greeting, Value::from("Olá, Ana!"));
//!
//! // One program serves many threads.
//! fn shared<T: Send + Sync>(_: &T) {}
//! shared(&program);
//!
//! // A mistake is reported with its place in the source, in rustc's layout.
//! let error = Compiler::new()
//!     .source("schema.funil", schema)
//!     .source("typo.funil", "segment br {\n  contry == \"BR\"\n}")
//!     .compile()
//!     .unwrap_err();
//! assert_eq!(error.errors().count(), 1);
//! assert_eq!(
//!     error.to_string(),
//!     "error[E0003]: unknown attribute `contry`
//!  --> typo.funil:2:3
//!   |
//! 2 |   contry == \"BR\"
//!   |   ^^^^^^ help: did you mean `country`?"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Input safety
//!
//! Rules may come from a web form and contacts from anywhere, so every input is
//! bounded. The limits are options of [`Limits`], given to [`Compiler::limits`]; each
//! has a default that suits rules written by people:
//!
//! | option | default | what it bounds |
//! |---|---|---|
//! | [`Limits::max_source_bytes`] | 1 MiB | one source text (E0014) |
//! | [`Limits::max_depth`] | 128 | nesting: parentheses, brackets, blocks, interpolation, prefix operators, and each operator of a `+ - * / ??` chain or `.field` (E0013); `and`/`or` chains of any length are free |
//! | [`Limits::max_string_bytes`] | 64 KiB | one string literal (E0015) |
//! | [`Limits::max_list_len`] | 10,000 | elements of one list literal (E0016) |
//! | [`Limits::max_regex_bytes`] | 1 MiB | the compiled size of one `matches` pattern (E0012) |
//! | [`Limits::max_instants`] | 64 | distinct time-travel instants reachable from one item (E0021) |
//! | [`Limits::max_items`] | 10,000 | segments, scores, decisions, rewards, workflows, experiments, frequency caps and metrics, counted together across every source (E0025) |
//! | [`Limits::max_events`] | 1,000,000 | events of one contact built for the program ([`ContactError`] of kind `TooManyEvents`, checked before any event is read) |
//!
//! No input makes the parser, the checker or the evaluator panic: the library is
//! built with `unwrap`, `expect`, `panic!` and slice indexing denied, arithmetic that
//! overflows gives null, and `unsafe` is forbidden. Nothing recurses on user input
//! past the depth limit: the parser counts every level it enters and stops at the
//! limit, and the checker and evaluator follow trees the parser has bounded. Chains of
//! references between items (`segment(a)` naming a segment that names another …) do
//! not count toward the depth: they are ordered and evaluated with an explicit stack,
//! so a chain thousands of items long costs no stack depth, and each item is computed
//! at most once per instant in one evaluation. Regular expressions run in linear time
//! (Rust's `regex` crate); windows over events are found by binary search. Calendar
//! functions answer even at the ends of the range of instants (where the local time
//! cannot be represented, the UTC time stands in).
//!
//! This is checked, beyond the tests of each limit, by fuzz targets in the repository's
//! `fuzz/` folder (arbitrary text to the parser and the compiler; a fixed program
//! evaluated for contacts, instants and time zones built from arbitrary data), whose
//! saved corpus replays under `cargo test`, by property tests (evaluation of any valid
//! contact, at any instant, in any zone, the same on every thread), by a differential
//! test of null logic, comparisons and arithmetic against an independent interpreter,
//! and by benchmarks of pathological inputs (`benches/pathological.rs`).
//!
//! # Error reporting
//!
//! * **Compiling.** A compile that fails returns a [`CompileError`] holding every
//!   [`Diagnostic`] found: the first syntax error of every item (when there is one,
//!   checking does not run), otherwise every independent error of the checker. Each
//!   diagnostic has a code (`E0001`… for errors, `W0001`… for warnings, listed in
//!   [`diagnostic::codes`] and in the [language reference](language#diagnostics)), a
//!   message, the file name, the 1-based line and column (columns count characters),
//!   the byte span and optional help such as "did you mean `country`?". `Display`
//!   renders them in rustc's layout, as in the example above. Warnings never fail a
//!   compile; a program keeps them in [`Program::warnings`].
//! * **Reading contacts.** A [`ContactError`] names the contact id, the field as a path
//!   (`attributes.total_spent`, `events[3].props.amount`) and the expected type in the
//!   language's syntax (`number`, `string?`); its
//!   [kind](model::ContactErrorKind) says what went wrong. Nothing is silently dropped
//!   or coerced.
//! * **Evaluating.** Evaluating a valid contact cannot fail except with an
//!   [`EvalError`], whose [`EvalErrorKind`] is one of: `UnknownItem` (no item has that
//!   name), `WrongItemKind` (asking [`Program::score`] for a segment, …), `BatchOnly`
//!   (a ranked segment, or an item that references one, asked for on a single
//!   contact), `SchemaMismatch` (a contact built for another schema), for a
//!   workflow run state saved under other rules, `UnknownStep` (its step no longer
//!   exists) and `ChangedStep` (its statement changed), for a [`Winner`] decided
//!   under other rules `StaleWinner`, for a [`Change`] given to
//!   [`Program::affected_by`], `UnknownEventKind` and `UnknownAttribute`, and, for the
//!   [`Params`] of [`Program::evaluate_population`], `UnknownParameter`,
//!   `MissingParameter` and `ParameterType`.
//!
//! # Determinism and time
//!
//! funil has no clock: the caller passes `now` in the [`Context`], with the time zone
//! (UTC by default) that `today`, `date()`, `hour()`, `weekday()` and the anniversary
//! functions use. Durations are exact spans (`1d` is 86,400 seconds, whatever
//! daylight-saving time does). Numbers are exact decimals, never binary floating point
//! (`0.1 + 0.2 == 0.3`).
//!
//! Events whose `at` is after `now` are invisible to every rule. Time travel
//! (`score(engagement, at: now - 30d)`) evaluates an item as of an earlier instant:
//! `now` moves back, later events disappear and windows follow. **Attributes have no
//! history**: the library only knows their current values, so time travel sees current
//! attributes.
//!
//! # Status
//!
//! This version evaluates segments, expressions, event queries, scores and decisions
//! for one contact at a time, ranked segments over a batch
//! ([`Program::evaluate_batch`]), metrics over a population
//! ([`Program::evaluate_population`]), rewards per trigger event ([`Program::rewards`]), and
//! workflows: entry, re-entry, advancing with waits, branches, splits, send windows
//! and frequency caps across workflows ([`Program::enter`], [`Program::advance`],
//! [`Program::advance_all`]), A/B test reports and winners ([`Program::experiment`],
//! [`Program::advance_with_winners`]); and it answers what each item depends
//! on ([`Program::reads`], [`Program::affected_by`]) and when its value changes next
//! ([`Program::next_change`]). [`Program::explain`] explains any segment, score or
//! decision one contact can be evaluated for.
//!
//! # Crate features
//!
//! * `parallel` (off by default): [`Program::evaluate_batch`] and
//!   [`Program::evaluate_population`] evaluate the contacts of a batch on all cores
//!   with `rayon`; results are the same, in the same order, metrics to the last digit.
//!
//! * `arrow` (off by default): `Program::evaluate_arrow` evaluates contacts and
//!   events given as Apache Arrow record batches (`arrow-array`, re-exported as
//!   `funil::arrow_array`) and gives one batch of results, column-wise where the rules allow;
//!   see the [layout](language#arrow-batches).
//!
//! Reading contacts needs nothing from `serde_json` beyond its defaults.
//!
//! # The language
//!
//! [`language`] is the reference for rule writers: the data model, types, expressions,
//! null logic, event queries, time travel, segments, scores, decisions, metrics,
//! rewards, workflows, experiments, frequency caps, every diagnostic code, the limits,
//! and the choices this version makes where the specification is silent.

#![forbid(unsafe_code)]

mod analysis;
mod check;
#[cfg(feature = "arrow")]
mod columnar;
mod compile;
pub mod diagnostic;
mod eval;
mod experiment;
pub mod explain;
mod fnv;
pub mod language;
mod lint;
pub mod model;
mod program;
mod sql;
mod stack;
pub mod syntax;

pub use analysis::{Change, MAX_STEPS as NEXT_CHANGE_MAX_STEPS, NextChange, Reads};
#[cfg(feature = "arrow")]
pub use arrow_array;
#[cfg(feature = "arrow")]
pub use arrow_schema;
pub use chrono_tz::Tz;
#[cfg(feature = "arrow")]
pub use columnar::{ColumnarError, ColumnarErrorKind};
pub use compile::{Compiler, Limits, compile};
pub use diagnostic::{CompileError, Diagnostic, Severity};
pub use eval::{
    Action, Advance, CapOutcome, Capped, Context, EvalError, EvalErrorKind, Evaluation, Grant,
    MetricValue, Params, PastRun, Population, Predicate, RunState, SegmentId, Status, Winner,
    Winners, Workspace,
};
pub use experiment::{ArmReport, ChiSquare, Comparison, ExperimentReport};
pub use explain::Explanation;
pub use model::{
    Contact, ContactBuffer, ContactBuilder, ContactError, Event, Schema, SchemaBuilder, Type,
    Value, ValueRef, View,
};
pub use program::{CapLimit, FrequencyCap, ItemKind, OverCap, Program};
pub use rust_decimal::Decimal;
pub use sql::{NotPushable, SqlOptions, SqlParameter, SqlQuery};
pub use syntax::format;
