//! Columnar evaluation (feature `arrow`): contacts and events given as Apache Arrow
//! record batches, every segment, score and decision answered for the whole batch as
//! one record batch of results.
//!
//! It reads the compiled [`Program`] (its schema, items and nodes) and the batches,
//! and gives Arrow arrays; it never reaches into the row interpreter's internals.
//! Segments whose condition has a columnar form ([`kernels`]) are answered column by
//! column over the contacts batch, as bitmaps; every other item is answered by the
//! row interpreter ([`Program::evaluate_batch`]) over contacts built from the
//! batches, so that every answer is the one the row interpreter gives. The layout of
//! the batches is described in the [language reference](crate::language#arrow-batches).

mod error;
mod kernels;
mod layout;
mod read;
mod write;

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Decimal128Array, RecordBatch, StringArray};
use arrow_buffer::BooleanBuffer;
use arrow_schema::SchemaRef;

pub use error::{ColumnarError, ColumnarErrorKind};

use crate::eval::{Context, Evaluation};
use crate::model::{Contact, Value, write_json};
use crate::program::{ItemBody, Program};
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
        let prop_columns = layout::prop_columns(&self.schema);
        let contacts = read::contacts(self, contacts)?;
        let events = read::events(self, events, contacts.len(), &prop_columns)?;
        let outputs: Vec<(usize, &str, Output)> = layout::outputs(self).collect();
        let columnar: Vec<Option<BooleanBuffer>> = outputs
            .iter()
            .map(|(index, _, _)| self.columnar_segment(*index, &contacts))
            .collect();
        let evaluations = if columnar.iter().all(Option::is_some) {
            Vec::new()
        } else {
            let built = read::all_contacts(self, &contacts, &events)?;
            self.evaluate_batch(&built, context).map_err(|err| {
                ColumnarError::contacts(ColumnarErrorKind::InvalidContact, CONTACT, err.to_string())
            })?
        };
        let mut scores = evaluations
            .iter()
            .map(|e| e.scores().map(|(_, v)| v))
            .collect::<Vec<_>>();
        let mut decisions = evaluations
            .iter()
            .map(|e| e.decisions().map(|(_, v)| v))
            .collect::<Vec<_>>();
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(outputs.len());
        for ((_, name, output), columnar) in outputs.iter().zip(columnar) {
            columns.push(match (output, columnar) {
                (_, Some(answers)) => Arc::new(BooleanArray::new(answers, None)),
                (Output::Segment, None) => segment_column(&evaluations, name),
                (Output::Score, None) => score_column(&mut scores)?,
                (Output::Decision, None) => decision_column(&mut decisions),
            });
        }
        write::batch(
            self.arrow_results_schema(),
            columns,
            ColumnarError::contacts,
        )
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

    /// The answers of the item at `index` for the whole batch, when it is a segment
    /// with a columnar form that references no other item.
    fn columnar_segment(
        &self,
        index: usize,
        contacts: &read::Contacts<'_>,
    ) -> Option<BooleanBuffer> {
        let item = self.items.get(index)?;
        match item.body {
            ItemBody::Segment(condition) if item.dependencies.is_empty() && !item.batch_only => {
                kernels::evaluate(&kernels::plan(self, condition)?, contacts)
            }
            _ => None,
        }
    }
}

/// A segment's column from the row interpreter's evaluations.
fn segment_column(evaluations: &[Evaluation], name: &str) -> ArrayRef {
    let member = |e: &Evaluation| {
        e.segments()
            .binary_search_by(|segment| segment.as_str().cmp(name))
            .is_ok()
    };
    Arc::new(BooleanArray::new(
        BooleanBuffer::from_iter(evaluations.iter().map(member)),
        None,
    ))
}

/// The next score of every evaluation, as a column (scores come in declaration
/// order, as their columns do).
fn score_column<'e>(
    scores: &mut [impl Iterator<Item = &'e Value>],
) -> Result<ArrayRef, ColumnarError> {
    let cents: Vec<Option<i128>> = scores
        .iter_mut()
        .map(|scores| scores.next().and_then(Value::as_number).and_then(cents))
        .collect();
    let column = Decimal128Array::from(cents)
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

/// The next decision of every evaluation, as a column of JSON texts.
fn decision_column<'e>(decisions: &mut [impl Iterator<Item = &'e Value>]) -> ArrayRef {
    let texts: Vec<Option<String>> = decisions
        .iter_mut()
        .map(|decisions| match decisions.next() {
            Some(Value::Null) | None => None,
            Some(value) => {
                let mut text = String::new();
                write_json(value, &mut text);
                Some(text)
            }
        })
        .collect();
    Arc::new(StringArray::from(texts))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether every segment of `rules` (over a small schema) has a columnar form.
    fn all_columnar(rules: &str) -> bool {
        let source = format!(
            "schema {{ contact {{ n: number, m: number?, s: string, t: string?, b: bool? }} }}\n{rules}"
        );
        let program = crate::compile(&source).unwrap_or_else(|e| panic!("{e}"));
        program.items.iter().all(|item| match item.body {
            ItemBody::Segment(condition) => kernels::plan(&program, condition).is_some(),
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
        assert!(!all_columnar("segment a { n + 1 > 10 }"));
        assert!(!all_columnar("segment a { s == t }"));
        assert!(!all_columnar(r#"segment a { lower(s) == "br" }"#));
        assert!(!all_columnar(
            "segment a { n > 1 }\nsegment b { segment(a) }"
        ));
    }
}
