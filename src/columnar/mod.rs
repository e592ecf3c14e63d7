//! Columnar evaluation (feature `arrow`): contacts and events given as Apache Arrow
//! record batches, every segment, score and decision answered for the whole batch as
//! one record batch of results.
//!
//! It reads the compiled [`Program`] (its schema, items and nodes) and the batches,
//! and gives Arrow arrays. Items are taken in dependency order ([`env`](mod@env) holds the
//! columns answered so far); each one with a columnar form ([`items`]: conditions in
//! [`kernels`], numbers in [`numbers`], event queries in [`events`], rankings in
//! [`rank`]) is answered column by column; each other one is answered by the row
//! interpreter, per contact, for that item alone ([`fallback`], through the
//! evaluator's probe, with the rankings resolved so far remembered), over contacts
//! built from the batches once, when first needed. Every answer is the one
//! [`Program::evaluate_batch`] gives. The layout of the batches, and which constructs
//! are columnar, are described in the
//! [language reference](crate::language#arrow-batches).

mod env;
mod error;
mod events;
mod fallback;
mod items;
mod kernels;
mod layout;
mod numbers;
mod rank;
mod read;
mod write;

use std::collections::HashSet;
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Decimal128Array, RecordBatch, StringArray};
use arrow_buffer::BooleanBuffer;
use arrow_schema::SchemaRef;
use chrono::TimeDelta;

pub use error::{ColumnarError, ColumnarErrorKind};

use crate::eval::Context;
use crate::model::{Contact, Value, write_json};
use crate::program::{ItemBody, ItemId, ItemKind, Program};
use env::{Column, Env};
use layout::{CONTACT, DECIMAL_PRECISION, Output, SCORE_SCALE};

impl Program {
    /// The Arrow schema of the contacts batch this program reads: `contact` (`Utf8`,
    /// the contact ids), then one column per attribute, in declaration order, named
    /// as the attribute and nullable when it is optional (`T?`). See the
    /// [types accepted](crate::language#arrow-batches) for each attribute type.
    ///
    /// ```
    /// let program = funil::compile("schema { contact { spent: number, country: string? } }")?;
    /// let fields: Vec<String> = program.arrow_contacts_schema().fields().iter()
    ///     .map(|f| format!("{}: {}{}", f.name(), f.data_type(), if f.is_nullable() { "?" } else { "" }))
    ///     .collect();
    /// assert_eq!(fields, ["contact: Utf8", "spent: Decimal128(38, 10)", "country: Utf8?"]);
    /// # Ok::<(), funil::CompileError>(())
    /// ```
    pub fn arrow_contacts_schema(&self) -> SchemaRef {
        layout::contacts_schema(&self.schema)
    }

    /// The Arrow schema of the events batch this program reads: `contact` (`UInt32`,
    /// the row of the event's contact in the contacts batch), `kind` (`Utf8`), `at`
    /// (`Timestamp(Nanosecond, "UTC")`), then for each event kind, in declaration
    /// order, one nullable column per prop named `kind.prop`: a row's props are in
    /// its kind's columns, and every other prop column is null there.
    ///
    /// ```
    /// let program = funil::compile(
    ///     "schema { event purchase { amount: number } event page.viewed { path: string } }",
    /// )?;
    /// let schema = program.arrow_events_schema();
    /// let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    /// assert_eq!(names, ["contact", "kind", "at", "purchase.amount", "page.viewed.path"]);
    /// # Ok::<(), funil::CompileError>(())
    /// ```
    pub fn arrow_events_schema(&self) -> SchemaRef {
        layout::events_schema(&self.schema)
    }

    /// The Arrow schema of what [`Program::evaluate_arrow`] gives: one column per
    /// segment (ranked ones included), score and decision, in declaration order,
    /// named as the item. A segment is a `Boolean`; a score a `Decimal128(38, 2)`
    /// (scores have two places); a decision a `Utf8` holding its value's JSON form
    /// (`"Olá!"` with its quotes, `20`, `["a","b"]`), null when it has no value.
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { contact { n: number } }
    ///     segment big { n > 10 }
    ///     score fit { when n > 5 => +10 }
    ///     decide tier { when n > 100 => "gold" }
    /// "#)?;
    /// let fields: Vec<String> = program.arrow_results_schema().fields().iter()
    ///     .map(|f| format!("{}: {}", f.name(), f.data_type()))
    ///     .collect();
    /// assert_eq!(fields, ["big: Boolean", "fit: Decimal128(38, 2)", "tier: Utf8"]);
    /// # Ok::<(), funil::CompileError>(())
    /// ```
    pub fn arrow_results_schema(&self) -> SchemaRef {
        layout::results_schema(self)
    }

    /// Every segment, score and decision for every contact of a batch, as of the
    /// context's `now`: one row per row of `contacts`, in order, with the columns of
    /// [`Program::arrow_results_schema`]. The answers are those of
    /// [`Program::evaluate_batch`] over the same contacts (ranked segments resolved
    /// over the whole batch).
    ///
    /// `contacts` has the columns of [`Program::arrow_contacts_schema`] and `events`
    /// those of [`Program::arrow_events_schema`], in any order; events need not be
    /// sorted.
    ///
    /// ```
    /// use funil::arrow_array::{ArrayRef, Decimal128Array, RecordBatch, StringArray};
    /// use funil::arrow_array::cast::AsArray;
    /// use std::sync::Arc;
    ///
    /// let program = funil::compile(r#"
    ///     schema { contact { spent: number, country: string? } }
    ///     segment lusophone { country in ["BR", "PT"] }
    ///     segment big { spent >= 100 and country is not null }
    /// "#)?;
    /// let ids: ArrayRef = Arc::new(StringArray::from(vec!["a", "b", "c"]));
    /// // 150, 20 and 300 at scale 10.
    /// let spent: ArrayRef = Arc::new(
    ///     Decimal128Array::from(vec![1_500_000_000_000, 200_000_000_000, 3_000_000_000_000])
    ///         .with_precision_and_scale(38, 10)?,
    /// );
    /// let country: ArrayRef = Arc::new(StringArray::from(vec![Some("BR"), Some("US"), None]));
    /// let contacts = RecordBatch::try_from_iter([("contact", ids), ("spent", spent), ("country", country)])?;
    /// let events = RecordBatch::new_empty(program.arrow_events_schema());
    /// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
    ///
    /// let results = program.evaluate_arrow(&contacts, &events, &context)?;
    /// let big: Vec<bool> = results.column(1).as_boolean().iter().flatten().collect();
    /// assert_eq!(big, [true, false, false]);
    /// let lusophone: Vec<bool> = results.column(0).as_boolean().iter().flatten().collect();
    /// assert_eq!(lusophone, [true, false, false]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ColumnarError`] naming the batch, the column and, where one value is at
    /// fault, its row: a missing or unknown column, a column of the wrong type, a null
    /// where the schema has none, a value the language cannot hold, an event of an
    /// unknown kind or of no contact of the batch, a contact with more events than the
    /// program's limit. Nothing is evaluated then.
    pub fn evaluate_arrow(
        &self,
        contacts: &RecordBatch,
        events: &RecordBatch,
        context: &Context,
    ) -> Result<RecordBatch, ColumnarError> {
        self.evaluate_arrow_traced(contacts, events, context)
            .map(|(results, _)| results)
    }

    /// [`Program::evaluate_arrow`], with, for each column of the results, whether it
    /// was computed column-wise (`false`: by the row interpreter). For tests and
    /// benchmarks that check how much of a program has a columnar form.
    #[doc(hidden)]
    pub fn evaluate_arrow_traced(
        &self,
        contacts: &RecordBatch,
        events: &RecordBatch,
        context: &Context,
    ) -> Result<(RecordBatch, Vec<bool>), ColumnarError> {
        let prop_columns = layout::prop_columns(&self.schema);
        let contacts = read::contacts(self, contacts)?;
        let events = read::events(self, events, contacts.len(), &prop_columns)?;
        let outputs: Vec<(usize, &str, Output)> = layout::outputs(self).collect();
        let mut env = Env::new(self, &contacts, &events, context.now());
        let mut built: Option<Vec<Contact>> = None;
        let mut resolved: fallback::Resolved = Vec::new();
        let mut fallbacks: Vec<ItemId> = Vec::new();
        let mut columnar = vec![false; self.items.len()];
        if ranks_in_the_past(self) {
            let columns = self.every_item_by_rows(&contacts, &events, context, &outputs)?;
            return finish(self, &outputs, columns, &columnar);
        }
        for index in dependency_order(self) {
            let Some(item) = self.items.get(index) else {
                continue;
            };
            let id = ItemId::from_index(index);
            if let ItemBody::Ranked(ranking) = &item.body {
                let keys = match items::plan_ranking(self, &env.columns, ranking)
                    .and_then(|plan| plan.keys(&env))
                {
                    Some(keys) => {
                        put(&mut columnar, index, true);
                        keys
                    }
                    None => {
                        let people = built_contacts(self, &contacts, &events, &mut built)?;
                        fallback::for_each(self, people, context, &resolved, |probe| {
                            fallback::ranking_key(probe, ranking)
                        })
                    }
                };
                let members = rank::members(ranking.take, keys, contacts.ids);
                put(&mut env.columns, index, Some(Column::Bool(members.clone())));
                resolved.push((id, members));
                continue;
            }
            if !matches!(
                item.body.kind(),
                ItemKind::Segment | ItemKind::Score | ItemKind::Decision
            ) {
                continue;
            }
            let column =
                items::plan(self, &env.columns, index).and_then(|plan| plan.evaluate(&env));
            match column {
                Some(column) => {
                    put(&mut env.columns, index, Some(column));
                    put(&mut columnar, index, true);
                }
                None => fallbacks.push(id),
            }
        }
        if !fallbacks.is_empty() {
            let people = built_contacts(self, &contacts, &events, &mut built)?;
            let values = fallback::for_each(self, people, context, &resolved, |probe| {
                fallback::item_values(probe, &fallbacks)
            });
            for (position, id) in fallbacks.iter().enumerate() {
                let column = values.iter().map(|values| values.get(position));
                put(
                    &mut env.columns,
                    id.index(),
                    Some(row_column(self, *id, column)),
                );
            }
        }
        finish(self, &outputs, env.columns, &columnar)
    }

    /// Every output item's column from the row interpreter, over the whole batch.
    fn every_item_by_rows(
        &self,
        contacts: &read::Contacts<'_>,
        events: &read::Events<'_>,
        context: &Context,
        outputs: &[(usize, &str, Output)],
    ) -> Result<Vec<Option<Column>>, ColumnarError> {
        let people = read::all_contacts(self, contacts, events)?;
        let mut columns = vec![None; self.items.len()];
        let evaluations = self.evaluate_batch(&people, context).map_err(|err| {
            ColumnarError::contacts(ColumnarErrorKind::InvalidContact, CONTACT, err.to_string())
        })?;
        for (index, name, output) in outputs {
            let values = evaluations.iter().map(|evaluation| match output {
                Output::Segment => Some(Value::Bool(
                    evaluation.segments().iter().any(|segment| segment == name),
                )),
                Output::Score => evaluation
                    .scores()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone()),
                Output::Decision => evaluation
                    .decisions()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone()),
            });
            let values: Vec<Option<Value>> = values.collect();
            let column = row_column(
                self,
                ItemId::from_index(*index),
                values.iter().map(Option::as_ref),
            );
            put(&mut columns, *index, Some(column));
        }
        Ok(columns)
    }

    /// `contacts` as the two record batches [`Program::evaluate_arrow`] reads, in the
    /// canonical types of [`Program::arrow_contacts_schema`] and
    /// [`Program::arrow_events_schema`]: the contacts batch, one row per contact in
    /// order, and the events batch, each contact's events in time order.
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { contact { n: number } event buy { amount: number } }
    ///     segment big { n > 10 }
    ///     score spender { per buy => +1 }
    /// "#)?;
    /// let contacts = [
    ///     program.contact_from_json(r#"{"id": "a", "attributes": {"n": 12},
    ///         "events": [{"kind": "buy", "at": "2026-11-20T10:00:00Z", "props": {"amount": 9.5}}]}"#)?,
    ///     program.contact_from_json(r#"{"id": "b", "attributes": {"n": 3}}"#)?,
    /// ];
    /// let (people, events) = program.contacts_to_arrow(&contacts)?;
    /// assert_eq!((people.num_rows(), events.num_rows()), (2, 1));
    /// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
    /// let results = program.evaluate_arrow(&people, &events, &context)?;
    /// assert_eq!(results.num_rows(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ColumnarError`] of kind `OutOfRange` for a value the canonical types
    /// cannot hold: a number with more than ten decimal places (or beyond 38 digits
    /// with them), a datetime outside the years 1677 to 2262 (nanosecond
    /// timestamps), a duration beyond ±292 years.
    pub fn contacts_to_arrow(
        &self,
        contacts: &[Contact],
    ) -> Result<(RecordBatch, RecordBatch), ColumnarError> {
        let contacts: Vec<&Contact> = contacts.iter().collect();
        Ok((
            write::contacts(&self.schema, &contacts)?,
            write::events(&self.schema, &contacts)?,
        ))
    }
}

/// The results batch from the items' columns, with whether each was computed
/// column-wise.
fn finish(
    program: &Program,
    outputs: &[(usize, &str, Output)],
    mut items: Vec<Option<Column>>,
    columnar: &[bool],
) -> Result<(RecordBatch, Vec<bool>), ColumnarError> {
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(outputs.len());
    let mut traced = Vec::with_capacity(outputs.len());
    for (index, _, _) in outputs {
        traced.push(columnar.get(*index).copied().unwrap_or(false));
        columns.push(match items.get_mut(*index).and_then(Option::take) {
            Some(Column::Bool(answers)) => Arc::new(BooleanArray::new(answers, None)),
            Some(Column::Number(scores)) => score_column(&scores)?,
            Some(Column::Json(texts)) => Arc::new(texts),
            None => {
                return Err(ColumnarError::contacts(
                    ColumnarErrorKind::InvalidContact,
                    CONTACT,
                    "an item could not be evaluated",
                ));
            }
        });
    }
    let results = write::batch(
        program.arrow_results_schema(),
        columns,
        ColumnarError::contacts,
    )?;
    Ok((results, traced))
}

/// Sets `slots[index]` (there is a slot for every item).
fn put<T>(slots: &mut [T], index: usize, value: T) {
    if let Some(slot) = slots.get_mut(index) {
        *slot = value;
    }
}

/// Every contact of the batches, built once, when the row interpreter is first needed.
fn built_contacts<'c>(
    program: &Program,
    contacts: &read::Contacts<'_>,
    events: &read::Events<'_>,
    built: &'c mut Option<Vec<Contact>>,
) -> Result<&'c [Contact], ColumnarError> {
    if built.is_none() {
        *built = Some(read::all_contacts(program, contacts, events)?);
    }
    Ok(built.as_deref().unwrap_or_default())
}

/// The items reachable from the segments, scores and decisions, each after the items
/// it references (whatever the offset).
fn dependency_order(program: &Program) -> Vec<usize> {
    let mut done = vec![false; program.items.len()];
    let mut order = Vec::new();
    for root in layout::outputs(program).map(|(index, _, _)| index) {
        let mut stack = vec![(root, false)];
        while let Some((index, expanded)) = stack.pop() {
            if done.get(index).copied().unwrap_or(true) {
                continue;
            }
            if expanded {
                if let Some(done) = done.get_mut(index) {
                    *done = true;
                }
                order.push(index);
                continue;
            }
            stack.push((index, true));
            if let Some(item) = program.items.get(index) {
                for (dependency, _) in item.dependencies.iter() {
                    stack.push((dependency.index(), false));
                }
            }
        }
    }
    order
}

/// Whether a ranked segment is needed as of another instant than `now` (through a
/// reference with `at:`): then the whole program is left to the row interpreter.
fn ranks_in_the_past(program: &Program) -> bool {
    let mut seen: HashSet<(usize, TimeDelta)> = HashSet::new();
    let mut stack: Vec<(usize, TimeDelta)> = layout::outputs(program)
        .map(|(index, _, _)| (index, TimeDelta::zero()))
        .collect();
    while let Some((index, at)) = stack.pop() {
        if !seen.insert((index, at)) {
            continue;
        }
        let Some(item) = program.items.get(index) else {
            continue;
        };
        if matches!(item.body, ItemBody::Ranked(_)) && !at.is_zero() {
            return true;
        }
        for (dependency, extra) in item.dependencies.iter() {
            stack.push((dependency.index(), at.checked_add(extra).unwrap_or(at)));
        }
    }
    false
}

/// The column of the item `id` from the row interpreter's values, one per contact.
fn row_column<'v>(
    program: &Program,
    id: ItemId,
    values: impl Iterator<Item = Option<&'v Value>>,
) -> Column {
    match program.items.get(id.index()).map(|item| item.body.kind()) {
        Some(ItemKind::Segment) => Column::Bool(BooleanBuffer::from_iter(
            values.map(|value| matches!(value, Some(Value::Bool(true)))),
        )),
        Some(ItemKind::Score) => Column::Number(
            values
                .map(|value| value.and_then(Value::as_number))
                .collect(),
        ),
        _ => Column::Json(StringArray::from_iter(values.map(|value| match value {
            Some(Value::Null) | None => None,
            Some(value) => {
                let mut text = String::new();
                write_json(value, &mut text);
                Some(text)
            }
        }))),
    }
}

/// A score column.
fn score_column(scores: &[Option<rust_decimal::Decimal>]) -> Result<ArrayRef, ColumnarError> {
    let column = Decimal128Array::from_iter(scores.iter().map(|score| score.and_then(cents)))
        .with_precision_and_scale(DECIMAL_PRECISION, SCORE_SCALE)
        .map_err(|err| {
            ColumnarError::contacts(ColumnarErrorKind::OutOfRange, "", err.to_string())
        })?;
    Ok(Arc::new(column))
}

/// A score, which has at most two places, as a count of hundredths.
fn cents(score: rust_decimal::Decimal) -> Option<i128> {
    let places = u32::try_from(SCORE_SCALE)
        .ok()?
        .checked_sub(score.scale())?;
    score.mantissa().checked_mul(10_i128.checked_pow(places)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Decimal128Type;

    const SCHEMA: &str =
        "schema { contact { n: number, m: number? } event buy { amount: number } }";
    const NOW: &str = "2026-11-22T12:00:00Z";

    /// The results of `rules` over `contacts` (JSON forms), checked against the row
    /// interpreter, with whether each column was computed column-wise.
    fn evaluated(rules: &str, contacts: &[&str]) -> (RecordBatch, Vec<bool>) {
        let program =
            crate::compile(&format!("{SCHEMA}\n{rules}")).unwrap_or_else(|e| panic!("{e}"));
        let contacts: Vec<Contact> = contacts
            .iter()
            .map(|json| {
                program
                    .contact_from_json(json)
                    .unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        let context = Context::new(NOW.parse().unwrap_or_default());
        let (people, events) = program
            .contacts_to_arrow(&contacts)
            .unwrap_or_else(|e| panic!("{e}"));
        let (results, traced) = program
            .evaluate_arrow_traced(&people, &events, &context)
            .unwrap_or_else(|e| panic!("{e}"));
        let rows = program
            .evaluate_batch(&contacts, &context)
            .unwrap_or_else(|e| panic!("{e}"));
        for (row, evaluation) in rows.iter().enumerate() {
            for (column, (_, name, output)) in layout::outputs(&program).enumerate() {
                let array = results.column(column);
                match output {
                    Output::Segment => assert_eq!(
                        array.as_boolean().value(row),
                        evaluation.segments().iter().any(|s| s == name),
                        "{name}, row {row}"
                    ),
                    Output::Score => {
                        let value = evaluation
                            .scores()
                            .find(|(n, _)| *n == name)
                            .map(|(_, v)| v.clone());
                        let cents = array.as_primitive::<Decimal128Type>().value(row);
                        let got = rust_decimal::Decimal::from_i128_with_scale(cents, 2);
                        assert_eq!(Some(Value::Number(got)), value, "{name}, row {row}");
                    }
                    Output::Decision => {}
                }
            }
        }
        (results, traced)
    }

    fn segment(results: &RecordBatch, column: usize) -> Vec<bool> {
        results
            .column(column)
            .as_boolean()
            .iter()
            .map(|b| b.unwrap_or(false))
            .collect()
    }

    fn buys(instants: &[&str]) -> String {
        let events: Vec<String> = instants
            .iter()
            .map(|at| format!(r#"{{"kind": "buy", "at": "{at}", "props": {{"amount": 10}}}}"#))
            .collect();
        format!(
            r#"{{"id": "a", "attributes": {{"n": 1}}, "events": [{}]}}"#,
            events.join(",")
        )
    }

    #[test]
    fn windows_close_exactly_where_the_row_interpreter_closes_them() {
        let rules = "
            segment within_day { count(buy within 1d) == 1 }
            segment since_day { count(buy since now - 1d) == 2 }
            segment between_days { count(buy between now - 2d and now - 1d) == 1 }
            segment all_time { count(buy) == 3 }";
        // A day before now, now, and a second after now (not yet seen).
        let contact = buys(&[
            "2026-11-21T12:00:00Z",
            "2026-11-22T12:00:00Z",
            "2026-11-22T12:00:01Z",
        ]);
        let (results, traced) = evaluated(rules, &[&contact]);
        assert_eq!(traced, [true; 4]);
        assert_eq!(segment(&results, 0), [true]);
        assert_eq!(segment(&results, 1), [true]);
        // `between` excludes its end: the event a day ago is out, none two days ago.
        assert_eq!(segment(&results, 2), [false]);
        assert_eq!(segment(&results, 3), [false]);
        let earlier = buys(&["2026-11-20T12:00:00Z"]);
        let (results, _) = evaluated(rules, &[&earlier]);
        assert_eq!(segment(&results, 2), [true]);
    }

    #[test]
    fn contacts_without_events_have_empty_aggregates() {
        let rules = "
            segment no_sum { sum(buy, amount) == 0 }
            segment no_avg { avg(buy, amount) == null }
            segment no_min { min(buy, amount) is null and max(buy, amount) == null }
            segment none { not exists(buy) and count(buy) == 0 }
            score points { per buy => +5 max 20  when n > 0 => +1 }";
        let contact = r#"{"id": "a", "attributes": {"n": 1}}"#;
        let (results, traced) = evaluated(rules, &[contact, &buys(&["2026-11-01T00:00:00Z"])]);
        assert_eq!(traced, [true; 5]);
        for column in 0..4 {
            assert_eq!(segment(&results, column), [true, false], "column {column}");
        }
        let scores = results.column(4).as_primitive::<Decimal128Type>();
        assert_eq!(scores.values().to_vec(), [100, 600]);
    }

    #[test]
    fn an_empty_batch_gives_empty_columns() {
        let (results, traced) = evaluated(
            "score s { when n > 1 => +1 }\nsegment best { top 2 by score(s) }\ndecide d { when segment(best) => \"x\" }",
            &[],
        );
        assert_eq!(results.num_rows(), 0);
        assert_eq!(traced, [true; 3]);
    }

    #[test]
    fn arithmetic_overflow_and_division_by_zero_give_null() {
        let program = crate::compile(&format!(
            "{SCHEMA}
             segment overflows {{ n * 2 == null and n + n == null }}
             segment by_zero {{ n / (m - m) == null and n / (m - m) != 1 }}
             segment fine {{ n - n == 0 and (n + 1) - n == 1 }}"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        let ids: ArrayRef = Arc::new(StringArray::from(vec!["a"]));
        // 7 × 10^28, the largest a `Decimal` holds is about 7.9 × 10^28: at scale 0.
        let big = 70_000_000_000_000_000_000_000_000_000_i128;
        let numbers = |value: Option<i128>| -> ArrayRef {
            Arc::new(
                Decimal128Array::from(vec![value])
                    .with_precision_and_scale(38, 0)
                    .unwrap_or_else(|e| panic!("{e}")),
            )
        };
        let people = RecordBatch::try_from_iter([
            ("contact", ids),
            ("n", numbers(Some(big))),
            ("m", numbers(Some(5))),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let events = RecordBatch::new_empty(program.arrow_events_schema());
        let context = Context::new(NOW.parse().unwrap_or_default());
        let (results, traced) = program
            .evaluate_arrow_traced(&people, &events, &context)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(traced, [true; 3]);
        let contact = program
            .contact("a")
            .attribute(
                "n",
                Value::Number(rust_decimal::Decimal::from_i128_with_scale(big, 0)),
            )
            .attribute("m", 5)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let rows = program
            .evaluate_batch([&contact], &context)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows[0].segments(), ["by_zero", "fine", "overflows"]);
        for column in 0..3 {
            assert_eq!(segment(&results, column), [true], "column {column}");
        }
    }

    #[test]
    fn a_ranking_as_of_another_instant_leaves_the_program_to_the_row_interpreter() {
        let rules = "
            segment best { top 1 by n }
            segment was_best { segment(best, at: now - 1d) }
            segment big { n > 1 }";
        let contacts = [
            r#"{"id": "a", "attributes": {"n": 3}}"#,
            r#"{"id": "b", "attributes": {"n": 3}}"#,
        ];
        let (results, traced) = evaluated(rules, &contacts);
        assert_eq!(traced, [false; 3]);
        assert_eq!(segment(&results, 0), [true, false]);
        assert_eq!(segment(&results, 1), [true, false]);
    }

    #[test]
    fn constructs_without_a_columnar_form_fall_back_item_by_item() {
        let rules = r#"
            segment plain { n > 0 }
            segment pattern { n > 0 and "x" matches "^x" }
            segment both { segment(plain) and segment(pattern) }
            score s { when segment(plain) => +3 }"#;
        let (results, traced) = evaluated(rules, &[&buys(&[])]);
        assert_eq!(traced, [true, false, false, true]);
        assert_eq!(segment(&results, 2), [true]);
    }

    /// Whether every segment of `rules` (over a small schema) has a columnar form.
    fn all_columnar(rules: &str) -> bool {
        let source = format!(
            "schema {{ contact {{ n: number, m: number?, s: string, t: string?, b: bool? }} }}\n{rules}"
        );
        let program = crate::compile(&source).unwrap_or_else(|e| panic!("{e}"));
        program.items.iter().all(|item| match item.body {
            ItemBody::Segment(condition) => kernels::plan(&program, &[], condition).is_some(),
            _ => false,
        })
    }

    #[test]
    fn comparisons_null_tests_lists_and_logic_have_a_columnar_form() {
        assert!(all_columnar(
            r#"
            segment a { n > 10 and s == "BR" }
            segment b { 3 <= m or not (t != "x") }
            segment c { m is null or t is not null }
            segment d { s in ["BR", "PT"] and n not in [1, 2] }
            segment e { b == true or b != false or b }
            segment f { m == null or true }
            segment g { (s == "BR" or s == "PT") and n >= 60 and s != "customer"
                and (m >= 3 or n > 1000.0) and n < 60 }
            "#
        ));
    }

    #[test]
    fn other_constructs_are_left_to_the_row_interpreter() {
        assert!(!all_columnar("segment a { s == t }"));
        assert!(!all_columnar(r#"segment a { lower(s) == "br" }"#));
        assert!(!all_columnar(
            "segment a { n > 1 }\nsegment b { segment(a) }"
        ));
    }
}
