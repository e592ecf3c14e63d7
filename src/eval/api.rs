//! The evaluation API on [`Program`]: one item, every segment, or everything at once.

use std::fmt;
use std::sync::Arc;

use chrono::TimeDelta;

use super::{Context, Evaluator, Workspace};
use crate::model::{Contact, Value, write_json};
use crate::program::{ItemId, ItemKind, Program};

/// Why an evaluation could not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    kind: EvalErrorKind,
    name: String,
    step: Option<String>,
    detail: Option<String>,
}

/// The kinds of [`EvalError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EvalErrorKind {
    /// No item has that name.
    UnknownItem,
    /// The item ranks a whole batch (`top N by …`, or references such a segment).
    BatchOnly,
    /// The item exists but is not of the kind asked for.
    WrongItemKind,
    /// The contact was built against another schema than the program's.
    SchemaMismatch,
    /// A workflow run state names a step the workflow no longer has (§8.2).
    UnknownStep,
    /// A workflow run state is parked at a step whose statement changed since (§8.2).
    ChangedStep,
    /// A [`crate::Change`] names no event kind or group of the schema.
    UnknownEventKind,
    /// A [`crate::Change`] names no attribute of the schema.
    UnknownAttribute,
    /// A [`crate::Winner`] passed to [`Program::advance_with_winners`] names a
    /// statement of the workflow that does not exist, is no `split`, has changed
    /// since the winner was decided, or has no such arm.
    StaleWinner,
    /// A [`crate::Params`] gives a parameter the schema does not declare.
    UnknownParameter,
    /// A parameter declared `number` (not `number?`) is not given.
    MissingParameter,
    /// A parameter is given a value that is not of its declared type.
    ParameterType,
    /// A segment given to [`Program::predicate`] reads more than the attributes a
    /// view lends (events, other items, the clock, functions), or an attribute the
    /// view does not read: evaluate it over a filled contact instead.
    NotAPredicate,
}

impl EvalError {
    /// An error about the item (or contact, kind, attribute) `name`.
    pub(crate) fn new(kind: EvalErrorKind, name: impl Into<String>) -> EvalError {
        EvalError {
            kind,
            name: name.into(),
            step: None,
            detail: None,
        }
    }

    /// The error with a sentence on why, shown after its message.
    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> EvalError {
        self.detail = Some(detail.into());
        self
    }

    /// An error about the step `step` of the workflow `workflow`.
    pub(super) fn in_step(kind: EvalErrorKind, workflow: &str, step: &str) -> EvalError {
        EvalError {
            kind,
            name: workflow.to_string(),
            step: Some(step.to_string()),
            detail: None,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> EvalErrorKind {
        self.kind
    }

    /// The item concerned (for a schema mismatch the contact id; for an unknown event
    /// kind or attribute, that name; for a parameter, its name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// For `UnknownStep` and `ChangedStep`, the step id the run state names; for
    /// `StaleWinner`, the statement id the winner names.
    pub fn step(&self) -> Option<&str> {
        self.step.as_deref()
    }

    /// For `NotAPredicate`, why the segment cannot be compiled.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.name;
        match self.kind {
            EvalErrorKind::UnknownItem => write!(f, "no item is named `{name}`"),
            EvalErrorKind::BatchOnly => {
                write!(
                    f,
                    "`{name}` ranks a whole batch of contacts: evaluate it with the batch API"
                )
            }
            EvalErrorKind::WrongItemKind => write!(f, "`{name}` is not of the kind asked for"),
            EvalErrorKind::SchemaMismatch => {
                write!(
                    f,
                    "contact `{name}` was built against another schema than this program's"
                )
            }
            EvalErrorKind::UnknownStep => write!(
                f,
                "workflow `{name}` has no step `{}`: the run was saved by other rules",
                self.step.as_deref().unwrap_or_default()
            ),
            EvalErrorKind::ChangedStep => write!(
                f,
                "step `{}` of workflow `{name}` changed since the run was saved",
                self.step.as_deref().unwrap_or_default()
            ),
            EvalErrorKind::UnknownEventKind => {
                write!(f, "no event kind or group is named `{name}`")
            }
            EvalErrorKind::UnknownAttribute => write!(f, "no attribute is named `{name}`"),
            EvalErrorKind::StaleWinner => write!(
                f,
                "the winner of split `{}` of workflow `{name}` was decided under other rules",
                self.step.as_deref().unwrap_or_default()
            ),
            EvalErrorKind::UnknownParameter => write!(f, "no parameter is named `{name}`"),
            EvalErrorKind::MissingParameter => {
                write!(f, "parameter `{name}` is declared `number` but not given")
            }
            EvalErrorKind::ParameterType => {
                write!(
                    f,
                    "parameter `{name}` is given a value that is not a number"
                )
            }
            EvalErrorKind::NotAPredicate => {
                write!(f, "segment `{name}` cannot be compiled to a predicate")?;
                match &self.detail {
                    Some(detail) => write!(f, ": {detail}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for EvalError {}

/// Everything one contact gets: its segments, scores and decisions.
///
/// [`Program::evaluate`] returns a new one; [`Program::evaluate_into`] refills one the
/// caller keeps, reusing the memory of its names and values.
///
/// ```
/// let program = funil::compile(r#"
///     schema { contact { country: string? } }
///     segment lusophone { country in ["BR", "PT"] }
///     score fit { when country == "BR" => +20 }
///     decide greeting { when country == "BR" => "Olá!" else => "Hello!" }
/// "#).unwrap();
/// let contact = program.contact("c-1").attribute("country", "BR").build().unwrap();
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse().unwrap());
/// let evaluation = program.evaluate(&contact, &context).unwrap();
/// assert_eq!(evaluation.segments(), ["lusophone"]);
/// assert_eq!(
///     evaluation.to_json("c-1"),
///     r#"{"id":"c-1","segments":["lusophone"],"scores":{"fit":20},"decisions":{"greeting":"Olá!"}}"#
/// );
/// ```
#[derive(Clone, Default)]
pub struct Evaluation {
    /// The program's item names, shared with it (no copy per evaluation): scores and
    /// decisions name their items by index.
    names: Arc<[String]>,
    segments: Refilled<String>,
    scores: Refilled<Valued>,
    decisions: Refilled<Valued>,
}

impl Evaluation {
    /// An empty evaluation, to fill with [`Program::evaluate_into`].
    pub fn new() -> Evaluation {
        Evaluation::default()
    }

    /// The names of the segments the contact is in, sorted by name.
    pub fn segments(&self) -> &[String] {
        self.segments.as_slice()
    }

    /// Every score, in declaration order.
    pub fn scores(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.named(&self.scores)
    }

    /// Every decision, in declaration order.
    pub fn decisions(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.named(&self.decisions)
    }

    /// Scores or decisions with their items' names.
    fn named<'e>(
        &'e self,
        entries: &'e Refilled<Valued>,
    ) -> impl Iterator<Item = (&'e str, &'e Value)> + 'e {
        entries.as_slice().iter().map(|entry| {
            let name = self.names.get(entry.item).map_or("", String::as_str);
            (name, &entry.value)
        })
    }

    /// The line the `eval` command prints (§11):
    /// `{"id":…,"segments":[…],"scores":{…},"decisions":{…}}`.
    pub fn to_json(&self, contact_id: &str) -> String {
        let mut out = String::from("{\"id\":");
        write_json(&Value::String(contact_id.into()), &mut out);
        out.push_str(",\"segments\":[");
        for (i, name) in self.segments().iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_json(&Value::String(name.as_str().into()), &mut out);
        }
        out.push_str("],\"scores\":");
        write_object(self.scores(), &mut out);
        out.push_str(",\"decisions\":");
        write_object(self.decisions(), &mut out);
        out.push('}');
        out
    }
}

impl PartialEq for Evaluation {
    fn eq(&self, other: &Evaluation) -> bool {
        self.segments.as_slice() == other.segments.as_slice()
            && self.scores().eq(other.scores())
            && self.decisions().eq(other.decisions())
    }
}

impl fmt::Debug for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Evaluation")
            .field("segments", &self.segments.as_slice())
            .field("scores", &DebugMap(self, &self.scores))
            .field("decisions", &DebugMap(self, &self.decisions))
            .finish()
    }
}

/// A list refilled at every evaluation that keeps its elements, and so their string
/// buffers, when cleared: writing the same names again allocates nothing.
#[derive(Clone, Default)]
struct Refilled<T> {
    slots: Vec<T>,
    len: usize,
}

impl<T: Default> Refilled<T> {
    fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends an element, written by `fill` over the slot's previous content.
    fn push_with(&mut self, fill: impl FnOnce(&mut T)) {
        match self.slots.get_mut(self.len) {
            Some(slot) => fill(slot),
            None => {
                let mut slot = T::default();
                fill(&mut slot);
                self.slots.push(slot);
            }
        }
        self.len += 1;
    }

    fn as_slice(&self) -> &[T] {
        self.slots.get(..self.len).unwrap_or(&[])
    }

    fn as_mut_slice(&mut self) -> &mut [T] {
        self.slots.get_mut(..self.len).unwrap_or(&mut [])
    }
}

/// A score or decision: its item's index and its value.
#[derive(Debug, Clone, PartialEq)]
struct Valued {
    item: usize,
    value: Value,
}

impl Default for Valued {
    fn default() -> Valued {
        Valued {
            item: 0,
            value: Value::Null,
        }
    }
}

/// Scores or decisions of an evaluation, printed by `Debug` as a map by name.
struct DebugMap<'e>(&'e Evaluation, &'e Refilled<Valued>);

impl fmt::Debug for DebugMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let DebugMap(evaluation, entries) = self;
        f.debug_map().entries(evaluation.named(entries)).finish()
    }
}

/// Overwrites `slot` with `name`, reserving `reserve` bytes when it grows, so that a
/// slot that will hold other names later grows once.
fn write_name(slot: &mut String, name: &str, reserve: usize) {
    slot.clear();
    if slot.capacity() < name.len() {
        slot.reserve(reserve.max(name.len()));
    }
    slot.push_str(name);
}

fn write_object<'e>(entries: impl Iterator<Item = (&'e str, &'e Value)>, out: &mut String) {
    out.push('{');
    for (i, (name, value)) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json(&Value::String(name.into()), out);
        out.push(':');
        write_json(value, out);
    }
    out.push('}');
}

impl Program {
    /// Whether `contact` is in the segment `name`, as of the context's `now`.
    ///
    /// # Errors
    ///
    /// An unknown name, an item that is not a segment, a ranked (batch-only) segment,
    /// or a contact built against another schema.
    pub fn segment(
        &self,
        name: &str,
        contact: &Contact,
        context: &Context,
    ) -> Result<bool, EvalError> {
        let id = self.single_contact_item(name, ItemKind::Segment, contact)?;
        let mut workspace = Workspace::new();
        Ok(Evaluator::new(self, contact, context, &mut workspace).in_segment(id))
    }

    /// The names of the segments `contact` is in, sorted by name (ranked segments,
    /// which need a batch, are left out).
    ///
    /// # Errors
    ///
    /// A contact built against another schema.
    pub fn segments(&self, contact: &Contact, context: &Context) -> Result<Vec<&str>, EvalError> {
        self.check_contact(contact)?;
        let mut workspace = Workspace::new();
        let mut evaluator = Evaluator::new(self, contact, context, &mut workspace);
        let mut names: Vec<&str> = self
            .single_contact_items(ItemKind::Segment)
            .filter(|(id, _)| matches!(evaluator.item(*id, Default::default()), Value::Bool(true)))
            .map(|(_, name)| name)
            .collect();
        names.sort_unstable();
        Ok(names)
    }

    /// The score `name` for `contact`.
    ///
    /// # Errors
    ///
    /// As [`Program::segment`].
    pub fn score(
        &self,
        name: &str,
        contact: &Contact,
        context: &Context,
    ) -> Result<Value, EvalError> {
        let id = self.single_contact_item(name, ItemKind::Score, contact)?;
        let mut workspace = Workspace::new();
        Ok(Evaluator::new(self, contact, context, &mut workspace).item(id, Default::default()))
    }

    /// The decision `name` for `contact`.
    ///
    /// # Errors
    ///
    /// As [`Program::segment`].
    pub fn decision(
        &self,
        name: &str,
        contact: &Contact,
        context: &Context,
    ) -> Result<Value, EvalError> {
        let id = self.single_contact_item(name, ItemKind::Decision, contact)?;
        let mut workspace = Workspace::new();
        Ok(Evaluator::new(self, contact, context, &mut workspace).item(id, Default::default()))
    }

    /// Every segment, score and decision for `contact` (batch-only items left out),
    /// each computed once however many items reference it.
    ///
    /// # Errors
    ///
    /// A contact built against another schema.
    pub fn evaluate(&self, contact: &Contact, context: &Context) -> Result<Evaluation, EvalError> {
        let mut evaluation = Evaluation::new();
        self.evaluate_into(contact, context, &mut Workspace::new(), &mut evaluation)?;
        Ok(evaluation)
    }

    /// What [`Program::evaluate`] returns, written into `evaluation` (its previous
    /// content replaced), working in `workspace`. Keep both between calls: once they
    /// have grown to this program's size, evaluating a contact allocates nothing but
    /// the new values some decisions make (an interpolated string, a `decide all`
    /// list).
    ///
    /// ```
    /// use funil::{Context, Evaluation, Workspace};
    ///
    /// let program = funil::compile(r#"
    ///     schema { contact { country: string?, total_spent: number } }
    ///     segment lusophone { country in ["BR", "PT"] }
    ///     score value { when total_spent >= 1000 => +10 }
    ///     decide grade { when score(value) >= 10 => "A" else => "B" }
    /// "#)?;
    /// let contacts = [
    ///     program.contact("c-1").attribute("country", "BR").attribute("total_spent", 1500).build()?,
    ///     program.contact("c-2").attribute("total_spent", 20).build()?,
    /// ];
    /// let context = Context::new("2026-11-22T12:00:00Z".parse()?);
    /// let (mut workspace, mut evaluation) = (Workspace::new(), Evaluation::new());
    /// let mut lines = Vec::new();
    /// for contact in &contacts {
    ///     program.evaluate_into(contact, &context, &mut workspace, &mut evaluation)?;
    ///     lines.push(evaluation.to_json(contact.id()));
    /// }
    /// assert_eq!(lines, [
    ///     r#"{"id":"c-1","segments":["lusophone"],"scores":{"value":10},"decisions":{"grade":"A"}}"#,
    ///     r#"{"id":"c-2","segments":[],"scores":{"value":0},"decisions":{"grade":"B"}}"#,
    /// ]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A contact built against another schema; `evaluation` is then left empty.
    pub fn evaluate_into(
        &self,
        contact: &Contact,
        context: &Context,
        workspace: &mut Workspace,
        evaluation: &mut Evaluation,
    ) -> Result<(), EvalError> {
        evaluation.segments.clear();
        evaluation.scores.clear();
        evaluation.decisions.clear();
        self.check_contact(contact)?;
        Evaluator::new(self, contact, context, workspace).evaluation_into(false, evaluation);
        Ok(())
    }

    pub(crate) fn check_contact(&self, contact: &Contact) -> Result<(), EvalError> {
        if contact.schema_fingerprint() == self.schema_fingerprint {
            Ok(())
        } else {
            Err(EvalError::new(EvalErrorKind::SchemaMismatch, contact.id()))
        }
    }

    fn single_contact_item(
        &self,
        name: &str,
        kind: ItemKind,
        contact: &Contact,
    ) -> Result<ItemId, EvalError> {
        let (id, item) = self
            .item_named(name)
            .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownItem, name))?;
        if item.body.kind() != kind {
            return Err(EvalError::new(EvalErrorKind::WrongItemKind, name));
        }
        if item.batch_only {
            return Err(EvalError::new(EvalErrorKind::BatchOnly, name));
        }
        self.check_contact(contact)?;
        Ok(id)
    }

    /// The segment, score or decision `name`, which has a value for one contact
    /// (what explanations and analyses accept).
    pub(crate) fn valued_item(&self, name: &str, contact: &Contact) -> Result<ItemId, EvalError> {
        let kind = self
            .item_named(name)
            .map(|(_, item)| item.body.kind())
            .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownItem, name))?;
        match kind {
            ItemKind::Segment | ItemKind::Score | ItemKind::Decision => {
                self.single_contact_item(name, kind, contact)
            }
            ItemKind::Workflow | ItemKind::Reward | ItemKind::Experiment | ItemKind::Metric => {
                Err(EvalError::new(EvalErrorKind::WrongItemKind, name))
            }
        }
    }

    fn single_contact_items(&self, kind: ItemKind) -> impl Iterator<Item = (ItemId, &str)> {
        self.items
            .iter()
            .enumerate()
            .filter(move |(_, item)| item.body.kind() == kind && !item.batch_only)
            .map(|(index, item)| (ItemId::from_index(index), item.name.as_str()))
    }
}

impl Evaluator<'_> {
    /// Every segment, score and decision, with or without the batch-only ones
    /// (which only a batch, having resolved its rankings, can include).
    pub(super) fn evaluation(&mut self, batch: bool) -> Evaluation {
        let mut evaluation = Evaluation::new();
        self.evaluation_into(batch, &mut evaluation);
        evaluation
    }

    /// [`Evaluator::evaluation`], written over `evaluation`, whose buffers are reused.
    pub(super) fn evaluation_into(&mut self, batch: bool, evaluation: &mut Evaluation) {
        evaluation.segments.clear();
        evaluation.scores.clear();
        evaluation.decisions.clear();
        let program = self.program;
        if !Arc::ptr_eq(&evaluation.names, &program.item_names) {
            evaluation.names = Arc::clone(&program.item_names);
        }
        let longest_name = program.items.iter().map(|item| item.name.len()).max();
        let longest_name = longest_name.unwrap_or_default();
        for (index, item) in program.items.iter().enumerate() {
            if item.batch_only && !batch {
                continue;
            }
            let id = ItemId::from_index(index);
            let name = item.name.as_str();
            match item.body.kind() {
                ItemKind::Segment => {
                    if super::truthy(&self.item(id, TimeDelta::zero())) {
                        let write = |slot: &mut String| write_name(slot, name, longest_name);
                        evaluation.segments.push_with(write);
                    }
                }
                ItemKind::Score => {
                    let value = self.item(id, TimeDelta::zero());
                    evaluation
                        .scores
                        .push_with(|entry| *entry = Valued { item: index, value });
                }
                ItemKind::Decision => {
                    let value = self.item(id, TimeDelta::zero());
                    evaluation
                        .decisions
                        .push_with(|entry| *entry = Valued { item: index, value });
                }
                ItemKind::Reward => {} // granted per trigger event: `Program::rewards`
                ItemKind::Workflow => {} // entered and advanced: `Program::advance`
                ItemKind::Experiment => {} // reported over a population: `Program::experiment`
                ItemKind::Metric => {} // over a population: `Program::evaluate_population`
            }
        }
        evaluation.segments.as_mut_slice().sort_unstable();
    }
}
