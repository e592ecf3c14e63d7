//! Explanations: why a segment, score or decision has the value it has for a contact.
//!
//! [`Program::explain`] answers with an [`Explanation`]: the item's value and a tree
//! that mirrors the rule as written. Each node of the tree ([`Explained`]) is one
//! expression, score rule, clamp or decision arm, with the source text it was written
//! as, its place in the source ([`Location`]), the value it produced — or nothing,
//! when evaluation never reached it (the operands after the first false one of an
//! `and`, after the first true one of an `or`, the arms after the one that matched) —
//! and what more there is to say about it ([`Detail`]): the events a query selected,
//! the points each event of a score rule gave with its decay factor and where `max`
//! cut them, where `clamp` cut the total, which arm matched. Every item a rule
//! references (and every instant an `at:` moves it to) is explained in turn, once per
//! item and instant, in [`Explanation::references`].
//!
//! An explanation renders two ways: as a text tree (`Display`), what a support person
//! pastes into a ticket, and as JSON (`serde::Serialize`), for a user interface.
//!
//! # What it reads
//!
//! This module sits beside evaluation and reads the compiled [`Program`]: its nodes,
//! its items, and the side tables of where each was written (the source files, the
//! location of each node and item). It asks every value from evaluation's probe, a
//! crate-internal door that answers with evaluation's own code: the value of a node,
//! whether a condition holds, which events a query selects, which event `first` or
//! `last` picks, and the score arithmetic (decay, `max`, clamp, rounding). So an
//! explanation never computes a value evaluation would compute differently; a test
//! checks, over generated rules and contacts, that the value an explanation gives is
//! the one evaluation gives. Evaluation itself is untouched: explaining allocates as
//! it likes, evaluating stays as it was.
//!
//! # Bounds
//!
//! The tree of one item is as deep as its rule, which the parser's nesting limit
//! bounds; the walk goes through the crate's stack-headroom guard like every other
//! recursion on user input, and the text and JSON renderings walk it the same way.
//! References are not nested in the tree: each reference points, by index, into the
//! flat list [`Explanation::references`], where each item is explained once per
//! instant, however many times it is referenced. A chain of a thousand references is a
//! list of a thousand explanations, not a tree a thousand levels deep.
//!
//! ```
//! let program = funil::compile(r#"
//! schema { contact { country: string? } event purchase { amount: number } }
//! segment buyer { exists(purchase within 30d) and country == "BR" }
//! "#)?;
//! let contact = program.contact("c-1").attribute("country", "BR")
//!     .event("purchase", "2026-11-20T10:00:00Z".parse()?, [("amount", 40.into())])
//!     .build()?;
//! let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
//! let explanation = program.explain("buyer", &contact, &context)?;
//! assert_eq!(explanation.to_string(), "\
//! segment buyer = true  (rules.funil:3:9)
//! ├─ exists(purchase within 30d) = true: 1 event selected (#0 purchase 2026-11-20T10:00:00Z)  (rules.funil:3:17)
//! └─ country == \"BR\" = true  (rules.funil:3:49)
//!    └─ country = \"BR\"  (rules.funil:3:49)
//! ");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod build;
mod detail;
mod json;
mod render;

use chrono::{DateTime, TimeDelta, Utc};

use crate::diagnostic::Span;
use crate::model::{Contact, Value};
use crate::program::{ItemKind, Program};
use crate::{Context, EvalError};
pub use detail::{
    ArmOutcome, Clamp, DecisionArm, Detail, EventQuery, Reference, ScoreRule, SelectedEvent,
};

impl Program {
    /// Why the segment, score or decision `item` has the value it has for `contact`:
    /// a tree that mirrors the rule as written, each part with the value it produced
    /// (see [`Explanation`]).
    ///
    /// Its value is always the one [`Program::segment`], [`Program::score`] or
    /// [`Program::decision`] gives. Explaining allocates; evaluating is unchanged.
    ///
    /// ```
    /// let program = funil::compile(r#"
    /// schema { contact { total_spent: number } }
    /// score value { when total_spent >= 500 => +15  when total_spent >= 5000 => +30 }
    /// "#)?;
    /// let contact = program.contact("c-1").attribute("total_spent", 1200).build()?;
    /// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
    /// let explanation = program.explain("value", &contact, &context)?;
    /// assert_eq!(explanation.value(), &funil::Value::from(15));
    /// let rules: Vec<_> = explanation.root().children().iter().map(|rule| rule.value()).collect();
    /// assert_eq!(rules, [Some(&funil::Value::from(15)), Some(&funil::Value::from(0))]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Program::segment`]: an unknown name, a workflow or reward
    /// (`WrongItemKind`: they have no single value), a batch-only item, or a contact
    /// built against another schema.
    pub fn explain(
        &self,
        item: &str,
        contact: &Contact,
        context: &Context,
    ) -> Result<Explanation, EvalError> {
        let id = self.valued_item(item, contact)?;
        Ok(build::explain(self, id, contact, context))
    }
}

/// Why an item has its value for one contact: returned by [`Program::explain`].
///
/// It is the explanation of the item asked for — its name, kind, value and tree
/// ([`Explanation::root`]) — followed by the explanation of every item its rule
/// references, in [`Explanation::references`]. `Display` renders it as a text tree;
/// `serde::Serialize` as JSON, with the item's fields at the top level and its
/// references under `"references"`.
///
/// ```
/// let program = funil::compile(r#"
/// schema { contact { country: string? } }
/// segment lusophone { country in ["BR", "PT"] }
/// decide greeting { when segment(lusophone) => "Olá!" else => "Hello!" }
/// "#)?;
/// let contact = program.contact("c-1").attribute("country", "US").build()?;
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let explanation = program.explain("greeting", &contact, &context)?;
/// assert_eq!(explanation.name(), "greeting");
/// assert_eq!(explanation.kind(), funil::ItemKind::Decision);
/// assert_eq!(explanation.value(), &funil::Value::from("Hello!"));
/// assert_eq!(explanation.references().len(), 1);
/// assert_eq!(explanation.references()[0].name(), "lusophone");
/// assert_eq!(explanation.to_string(), "\
/// decision greeting = \"Hello!\"  (rules.funil:4:8)
/// ├─ when segment(lusophone) => \"Olá!\": not matched  (rules.funil:4:19)
/// │  └─ segment(lusophone) = false → [1]  (rules.funil:4:24)
/// └─ else => \"Hello!\": matched  (rules.funil:4:53)
///
/// [1] segment lusophone = false  (rules.funil:3:9)
/// └─ country in [\"BR\", \"PT\"] = false  (rules.funil:3:21)
///    └─ country = \"US\"  (rules.funil:3:21)
/// ");
/// let json = serde_json::to_value(&explanation)?;
/// assert_eq!(json["item"], "greeting");
/// assert_eq!(json["references"][0]["value"], false);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    main: ExplainedItem,
    references: Vec<ExplainedItem>,
}

impl Explanation {
    /// The name of the item explained.
    pub fn name(&self) -> &str {
        self.main.name()
    }

    /// Its kind: a segment, a score or a decision.
    pub fn kind(&self) -> ItemKind {
        self.main.kind()
    }

    /// Its value: what [`Program::segment`], [`Program::score`] or
    /// [`Program::decision`] gives (a segment's is a `bool`).
    pub fn value(&self) -> &Value {
        self.main.value()
    }

    /// The tree of its rule: the item itself, whose children are a segment's
    /// condition, a score's rules (then its clamp), or a decision's arms.
    pub fn root(&self) -> &Explained {
        self.main.root()
    }

    /// The item explained, as the referenced items are.
    pub fn item(&self) -> &ExplainedItem {
        &self.main
    }

    /// Every item the explanation references, once per item and instant, in the
    /// order they are first met (breadth first): [`Reference::index`] indexes this
    /// list. Parts of a rule that were not evaluated reference nothing.
    pub fn references(&self) -> &[ExplainedItem] {
        &self.references
    }
}

/// One item explained as of one instant: the item of an [`Explanation`], or one it
/// references (as of `now - D` for a reference with `at: now - D`).
///
/// ```
/// let program = funil::compile(r#"
/// schema { contact { } event email.opened { } }
/// score opens { per email.opened within 30d => +1 }
/// segment rising { score(opens) > score(opens, at: now - 7d) }
/// "#)?;
/// let contact = program.contact("c-1")
///     .event("email.opened", "2026-11-20T10:00:00Z".parse()?, [])
///     .build()?;
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let explanation = program.explain("rising", &contact, &context)?;
/// let [now, before] = explanation.references() else { panic!() };
/// assert_eq!((now.name(), now.offset(), now.value()), ("opens", chrono::TimeDelta::zero(), &funil::Value::from(1)));
/// assert_eq!(before.at(), "2026-11-15T12:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()?);
/// assert_eq!(before.value(), &funil::Value::from(0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainedItem {
    name: String,
    kind: ItemKind,
    title: Option<String>,
    offset: TimeDelta,
    at: DateTime<Utc>,
    value: Value,
    location: Option<Location>,
    root: Explained,
}

impl ExplainedItem {
    /// The item's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its kind.
    pub fn kind(&self) -> ItemKind {
        self.kind
    }

    /// Its title, if it has one (`segment dormant "No activity" {…}`).
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// How long before the context's `now` the instant it is explained at is (zero
    /// for the item asked for).
    pub fn offset(&self) -> TimeDelta {
        self.offset
    }

    /// The instant it is explained at: `now` in its rule.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// Its value at that instant.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Where its name was written.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// The tree of its rule (see [`Explanation::root`]).
    pub fn root(&self) -> &Explained {
        &self.root
    }
}

/// One part of a rule, explained: an expression, a score rule, a clamp, a decision
/// arm, or the item itself at the root.
///
/// Its value is `None` when evaluation did not reach it (short-circuited); then its
/// children are not evaluated either.
///
/// ```
/// let program = funil::compile(r#"
/// schema { contact { country: string?, stage: string } }
/// segment target { country == "BR" or stage == "lead" }
/// "#)?;
/// let contact = program.contact("c-1").attribute("country", "BR").attribute("stage", "customer").build()?;
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let explanation = program.explain("target", &contact, &context)?;
/// let or = &explanation.root().children()[0];
/// assert_eq!(or.text(), r#"country == "BR" or stage == "lead""#);
/// let [first, second] = or.children() else { panic!() };
/// assert_eq!(first.value(), Some(&funil::Value::from(true)));
/// assert!(!second.is_evaluated()); // `or` stopped at the first true operand
/// assert_eq!(second.location().map(|l| (l.line(), l.column())), Some((3, 37)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Explained {
    text: String,
    location: Option<Location>,
    value: Option<Value>,
    detail: Detail,
    children: Vec<Explained>,
}

impl Explained {
    /// The source text it was written as (a comparison specialised by the compiler
    /// still shows its operands, as written).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where it was written; none for the few parts that have no text of their own.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// The value it produced; `None` when it was not evaluated. A decision arm's value
    /// is whether it matched; a score rule's, the points it contributed.
    pub fn value(&self) -> Option<&Value> {
        self.value.as_ref()
    }

    /// Whether evaluation reached it.
    pub fn is_evaluated(&self) -> bool {
        self.value.is_some()
    }

    /// What more there is to say about it, by kind.
    pub fn detail(&self) -> &Detail {
        &self.detail
    }

    /// Its parts, in the order they are written.
    pub fn children(&self) -> &[Explained] {
        &self.children
    }
}

/// A place in the rules: the file, the 1-based line and column (in characters) and
/// the byte span of the text.
///
/// ```
/// let program = funil::compile("schema { contact { country: string? } }\nsegment br {\n  country == \"BR\"\n}")?;
/// let contact = program.contact("c-1").build()?;
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let explanation = program.explain("br", &contact, &context)?;
/// let location = explanation.root().children()[0].location().unwrap();
/// assert_eq!((location.file(), location.line(), location.column()), ("rules.funil", 3, 3));
/// assert_eq!(location.span(), funil::diagnostic::Span::new(55, 70));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    file: std::sync::Arc<str>,
    line: usize,
    column: usize,
    span: Span,
}

impl Location {
    /// The source file's name, as given to [`crate::Compiler::source`].
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The 1-based line where the text starts.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column, in characters, where the text starts.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The byte span of the text in its file.
    pub fn span(&self) -> Span {
        self.span
    }
}
