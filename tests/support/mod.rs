//! Helpers shared by the integration tests: the schema of spec §2, contexts, contacts,
//! and one-liners that compile a condition or an expression and evaluate it.
//!
//! Each test file includes this module with `mod support;` and uses part of it.
//!
//! With the feature `arrow`, every segment, score and decision these helpers evaluate
//! is also evaluated by `Program::evaluate_arrow` and asserted identical
//! ([`cross_check`]).
#![allow(dead_code, unreachable_pub)]

/// Reading the results batch as JSON texts, shared with the fuzz target's columnar
/// check.
#[cfg(feature = "arrow")]
#[path = "../../fuzz/src/columnar.rs"]
pub mod arrow_cells;
#[cfg(feature = "arrow")]
pub mod cross_check;

use chrono::{DateTime, Utc};
use funil::{
    CompileError, Compiler, Contact, ContactError, Context, Decimal, Diagnostic, Program, Value,
};
use serde_json::{Map, Value as Json, json};

/// The schema of spec §2, verbatim.
pub const SCHEMA: &str = include_str!("../data/spec_schema.funil");

/// The segments (§5.1), scores (§5.3) and decisions (§6) of the spec, verbatim.
pub const SPEC_ITEMS: &str = include_str!("../data/spec_items.funil");

/// The contact of spec §1.1, as one JSON line.
pub const SPEC_CONTACT: &str = include_str!("../data/spec_contact.jsonl");

/// The instant most tests evaluate at.
pub const NOW: &str = "2026-11-22T12:00:00Z";

/// An instant from RFC 3339 text.
pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("bad instant {text:?}: {e}"))
        .with_timezone(&Utc)
}

/// A context at `now`, in UTC.
pub fn ctx(now: &str) -> Context {
    Context::new(at(now))
}

/// A context at `now` in the IANA time zone `tz`.
pub fn ctx_tz(now: &str, tz: &str) -> Context {
    let zone: funil::Tz = tz.parse().unwrap_or_else(|e| panic!("bad zone {tz}: {e}"));
    Context::new(at(now)).with_time_zone(zone)
}

/// An exact decimal from text.
pub fn dec(text: &str) -> Decimal {
    text.parse()
        .unwrap_or_else(|e| panic!("bad decimal {text}: {e}"))
}

/// A number value.
pub fn num(text: &str) -> Value {
    Value::Number(dec(text))
}

/// A string value.
pub fn text(s: &str) -> Value {
    Value::String(s.into())
}

/// A list value.
pub fn list(values: Vec<Value>) -> Value {
    Value::List(values.into())
}

/// Compiles the spec schema plus `rules` (file `rules.funil`), panicking with the
/// rendered diagnostics when it does not compile.
pub fn compile(rules: &str) -> Program {
    Compiler::new()
        .source("schema.funil", SCHEMA)
        .source("rules.funil", rules)
        .compile()
        .unwrap_or_else(|e| panic!("rules do not compile:\n{e}\n--- rules ---\n{rules}"))
}

/// Compiles the spec schema plus `rules`, expecting failure.
pub fn compile_err(rules: &str) -> CompileError {
    match Compiler::new()
        .source("schema.funil", SCHEMA)
        .source("rules.funil", rules)
        .compile()
    {
        Ok(_) => panic!("rules compiled but should not:\n{rules}"),
        Err(e) => e,
    }
}

/// The one diagnostic of a failed compile (the spec schema plus `rules`).
pub fn only(rules: &str) -> Diagnostic {
    let error = compile_err(rules);
    let all = error.diagnostics();
    assert_eq!(all.len(), 1, "expected one diagnostic, got:\n{error}");
    all[0].clone()
}

/// Asserts a diagnostic's code, message, line, column, help, file (`rules.funil`)
/// and severity (codes starting with `E` are errors).
#[track_caller]
pub fn assert_diagnostic(
    d: &Diagnostic,
    code: &str,
    message: &str,
    (line, column): (usize, usize),
    help: Option<&str>,
) {
    assert_eq!(d.code(), code, "{d}");
    assert_eq!(d.message(), message, "{d}");
    assert_eq!((d.line(), d.column()), (line, column), "{d}");
    assert_eq!(d.help(), help, "{d}");
    assert_eq!(d.file(), "rules.funil", "{d}");
    assert_eq!(d.is_error(), code.starts_with('E'), "{d}");
}

/// The codes of every diagnostic (errors and warnings) of a failed compile.
pub fn codes(error: &CompileError) -> Vec<&str> {
    error.diagnostics().iter().map(|d| d.code()).collect()
}

/// The spec schema and every spec item (§5.1, §5.3, §6).
pub fn spec_program() -> Program {
    compile(SPEC_ITEMS)
}

/// A contact under construction, in the JSON form of spec §1.1.
///
/// `contact()` starts with every non-optional attribute of the spec schema set and
/// every optional one absent, and no events.
#[derive(Debug, Clone)]
pub struct ContactJson {
    id: String,
    attributes: Map<String, Json>,
    events: Vec<Json>,
}

/// A minimal valid contact `c-1`: `ana@example.com`, stage `lead`, created
/// 2026-01-10T09:00:00Z, nothing spent, no tags, no optional attribute, no event.
pub fn contact() -> ContactJson {
    let mut attributes = Map::new();
    attributes.insert("email".into(), json!("ana@example.com"));
    attributes.insert("stage".into(), json!("lead"));
    attributes.insert("created_at".into(), json!("2026-01-10T09:00:00Z"));
    attributes.insert("total_spent".into(), json!(0));
    attributes.insert("tags".into(), json!([]));
    ContactJson {
        id: "c-1".into(),
        attributes,
        events: Vec::new(),
    }
}

impl ContactJson {
    /// Sets the id.
    pub fn id(mut self, id: &str) -> Self {
        self.id = id.into();
        self
    }

    /// Sets an attribute to a JSON value.
    pub fn attr(mut self, name: &str, value: Json) -> Self {
        self.attributes.insert(name.into(), value);
        self
    }

    /// Removes an attribute.
    pub fn without(mut self, name: &str) -> Self {
        self.attributes.remove(name);
        self
    }

    /// Adds an event of `kind` at the RFC 3339 instant `at` with `props` (a JSON object).
    pub fn event(mut self, kind: &str, at: &str, props: Json) -> Self {
        self.events
            .push(json!({"kind": kind, "at": at, "props": props}));
        self
    }

    /// Adds an event with no props.
    pub fn bare_event(self, kind: &str, at: &str) -> Self {
        self.event(kind, at, json!({}))
    }

    /// Adds `n` events of `kind` with `props`, one second apart, ending at `last`.
    pub fn events(mut self, n: usize, kind: &str, last: &str, props: &Json) -> Self {
        let end = at(last);
        for i in (0..n).rev() {
            let offset = chrono::TimeDelta::seconds(i64::try_from(i).unwrap_or(0));
            let instant = (end - offset).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            self = self.event(kind, &instant, props.clone());
        }
        self
    }

    /// The JSON text of the contact.
    pub fn json(&self) -> String {
        json!({"id": self.id, "attributes": self.attributes, "events": self.events}).to_string()
    }

    /// Reads the contact through `program`, panicking on a contact error.
    pub fn build(&self, program: &Program) -> Contact {
        program
            .contact_from_json(&self.json())
            .unwrap_or_else(|e| panic!("contact rejected: {e}\n{}", self.json()))
    }

    /// Reads the contact through `program`, expecting a contact error.
    pub fn build_err(&self, program: &Program) -> ContactError {
        match program.contact_from_json(&self.json()) {
            Ok(_) => panic!("contact accepted but should not be:\n{}", self.json()),
            Err(e) => e,
        }
    }
}

/// Whether `contact` is in segment `name` of `program` at `now` (UTC).
pub fn in_segment(program: &Program, name: &str, contact: &ContactJson, now: &str) -> bool {
    let built = contact.build(program);
    let context = ctx(now);
    let answer = program
        .segment(name, &built, &context)
        .unwrap_or_else(|e| panic!("segment {name} failed: {e}"));
    #[cfg(feature = "arrow")]
    cross_check::assert_same(
        program,
        "segment",
        name,
        &built,
        &contact.json(),
        &context,
        &Value::Bool(answer),
    );
    answer
}

/// Whether the condition `cond` holds for `contact` at [`NOW`], in UTC.
pub fn holds(cond: &str, contact: &ContactJson) -> bool {
    holds_in(cond, contact, &ctx(NOW))
}

/// Whether the condition `cond` holds for `contact` at `now`, in UTC.
pub fn holds_at(cond: &str, contact: &ContactJson, now: &str) -> bool {
    holds_in(cond, contact, &ctx(now))
}

/// Whether the condition `cond` holds for `contact` in `context`.
pub fn holds_in(cond: &str, contact: &ContactJson, context: &Context) -> bool {
    let program = compile(&format!("segment under_test {{\n  {cond}\n}}\n"));
    let built = contact.build(&program);
    let answer = program
        .segment("under_test", &built, context)
        .unwrap_or_else(|e| panic!("evaluating `{cond}` failed: {e}"));
    #[cfg(feature = "arrow")]
    cross_check::assert_same(
        &program,
        "segment",
        "under_test",
        &built,
        &contact.json(),
        context,
        &Value::Bool(answer),
    );
    answer
}

/// Whether the condition `cond` holds for the minimal [`contact()`] at [`NOW`].
pub fn is_true(cond: &str) -> bool {
    holds(cond, &contact())
}

/// The value of `expr` for `contact` at [`NOW`], computed by a decision
/// `decide under_test { else => EXPR }`.
pub fn value_of(expr: &str, contact: &ContactJson) -> Value {
    value_in(expr, contact, &ctx(NOW))
}

/// The value of `expr` for `contact` in `context`.
pub fn value_in(expr: &str, contact: &ContactJson, context: &Context) -> Value {
    let program = compile(&format!("decide under_test {{\n  else => {expr}\n}}\n"));
    let built = contact.build(&program);
    let answer = program
        .decision("under_test", &built, context)
        .unwrap_or_else(|e| panic!("evaluating `{expr}` failed: {e}"));
    #[cfg(feature = "arrow")]
    cross_check::assert_same(
        &program,
        "decision",
        "under_test",
        &built,
        &contact.json(),
        context,
        &answer,
    );
    answer
}

/// The value of score `name` of the spec program for `contact` at `now`.
pub fn spec_score(name: &str, contact: &ContactJson, now: &str) -> Value {
    let program = spec_program();
    let built = contact.build(&program);
    let context = ctx(now);
    let answer = program
        .score(name, &built, &context)
        .unwrap_or_else(|e| panic!("score {name} failed: {e}"));
    #[cfg(feature = "arrow")]
    cross_check::assert_same(
        &program,
        "score",
        name,
        &built,
        &contact.json(),
        &context,
        &answer,
    );
    answer
}

/// The value of decision `name` of the spec program for `contact` at `now`.
pub fn spec_decision(name: &str, contact: &ContactJson, now: &str) -> Value {
    let program = spec_program();
    let built = contact.build(&program);
    let context = ctx(now);
    let answer = program
        .decision(name, &built, &context)
        .unwrap_or_else(|e| panic!("decision {name} failed: {e}"));
    #[cfg(feature = "arrow")]
    cross_check::assert_same(
        &program,
        "decision",
        name,
        &built,
        &contact.json(),
        &context,
        &answer,
    );
    answer
}
