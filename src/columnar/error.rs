//! [`ColumnarError`]: why a record batch was refused or could not be evaluated.

use std::fmt;

/// Why [`Program::evaluate_arrow`](crate::Program::evaluate_arrow) or
/// [`Program::contacts_to_arrow`](crate::Program::contacts_to_arrow) could not answer:
/// it names the column, the row when one value is at fault, and what was expected.
///
/// ```
/// use funil::arrow_array::{ArrayRef, RecordBatch, StringArray};
/// use funil::ColumnarErrorKind;
/// use std::sync::Arc;
///
/// let program = funil::compile("schema { contact { n: number } } segment big { n > 10 }")?;
/// let ids: ArrayRef = Arc::new(StringArray::from(vec!["c-1"]));
/// let n: ArrayRef = Arc::new(StringArray::from(vec!["12"]));
/// let contacts = RecordBatch::try_from_iter([("contact", ids), ("n", n)])?;
/// let events = RecordBatch::new_empty(program.arrow_events_schema());
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let err = program.evaluate_arrow(&contacts, &events, &context).unwrap_err();
/// assert_eq!(err.kind(), ColumnarErrorKind::WrongType);
/// assert_eq!(err.column(), "n");
/// assert_eq!(
///     err.to_string(),
///     "contacts column `n`: expected Decimal128(38, 10) (a funil `number`), found Utf8"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnarError {
    kind: ColumnarErrorKind,
    batch: Batch,
    column: String,
    row: Option<usize>,
    message: String,
}

/// The kinds of [`ColumnarError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnarErrorKind {
    /// A column the schema needs is not in the batch.
    MissingColumn,
    /// The batch has a column the schema does not know.
    UnexpectedColumn,
    /// A column does not have the Arrow type its attribute, prop or field needs.
    WrongType,
    /// A null where the schema does not allow one (a non-optional attribute or prop,
    /// the contact id, an event's `contact`, `kind` or `at`).
    NullValue,
    /// A value the language cannot hold: a number beyond a `Decimal` (96 bits of
    /// mantissa), a date or datetime outside the years 0000 to 9999, a datetime or
    /// duration beyond the nanosecond range of Arrow's canonical types, a number with
    /// more decimal places than the column's scale.
    OutOfRange,
    /// An event's `kind` names no event kind of the schema.
    UnknownKind,
    /// An event's `contact` is not a row of the contacts batch.
    UnknownContact,
    /// A contact the batches describe is not valid (an empty id, more events than
    /// the program's limit, …): the message is the [`crate::ContactError`]'s.
    InvalidContact,
}

/// Which batch a column belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Batch {
    Contacts,
    Events,
}

impl ColumnarError {
    /// An error about `column` of the contacts batch.
    pub(super) fn contacts(
        kind: ColumnarErrorKind,
        column: impl Into<String>,
        message: impl Into<String>,
    ) -> ColumnarError {
        ColumnarError {
            kind,
            batch: Batch::Contacts,
            column: column.into(),
            row: None,
            message: message.into(),
        }
    }

    /// An error about `column` of the events batch.
    pub(super) fn events(
        kind: ColumnarErrorKind,
        column: impl Into<String>,
        message: impl Into<String>,
    ) -> ColumnarError {
        ColumnarError {
            batch: Batch::Events,
            ..ColumnarError::contacts(kind, column, message)
        }
    }

    /// The same error, about the value in `row`.
    #[must_use]
    pub(super) fn at_row(mut self, row: usize) -> ColumnarError {
        self.row = Some(row);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ColumnarErrorKind {
        self.kind
    }

    /// The column concerned: an attribute's name, `contact`, `kind`, `at`, or an event
    /// prop's column (`purchase.amount`).
    pub fn column(&self) -> &str {
        &self.column
    }

    /// The row of the value at fault, when one is.
    pub fn row(&self) -> Option<usize> {
        self.row
    }

    /// Whether the column is one of the events batch (otherwise of the contacts batch).
    pub fn in_events(&self) -> bool {
        self.batch == Batch::Events
    }
}

impl fmt::Display for ColumnarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let batch = match self.batch {
            Batch::Contacts => "contacts",
            Batch::Events => "events",
        };
        write!(f, "{batch} column `{}`", self.column)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ColumnarError {}
