//! Reading record batches: each column checked against the schema once, as a whole,
//! then values read from it as the language's [`Value`]s where the row interpreter
//! needs them.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Decimal128Type, DurationMicrosecondType, DurationMillisecondType,
    DurationNanosecondType, DurationSecondType, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt32Type,
};
use arrow_array::{Array, ArrayRef, PrimitiveArray, RecordBatch, StringArray};
use arrow_schema::{DataType, TimeUnit};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;

use super::error::{ColumnarError, ColumnarErrorKind};
use super::layout::{self, AT, CONTACT, KIND};
use crate::model::{Contact, KindId, Type, Value};
use crate::program::Program;

/// The most a `Decimal` mantissa can be, plus one: 2^96.
const MANTISSA_LIMIT: u128 = 1 << 96;
/// Seconds from the Unix epoch to 0000-01-01T00:00:00Z.
const FIRST_SECOND: i64 = -62_167_219_200;
/// Seconds from the Unix epoch to 10000-01-01T00:00:00Z.
const END_SECOND: i64 = 253_402_300_800;
/// Days from the Unix epoch to 0000-01-01, and to 10000-01-01.
const FIRST_DAY: i32 = -719_528;
const END_DAY: i32 = 2_932_897;

/// Which batch an error is about.
type MakeError = fn(ColumnarErrorKind, String, String) -> ColumnarError;

fn contacts_error(kind: ColumnarErrorKind, column: String, message: String) -> ColumnarError {
    ColumnarError::contacts(kind, column, message)
}

fn events_error(kind: ColumnarErrorKind, column: String, message: String) -> ColumnarError {
    ColumnarError::events(kind, column, message)
}

/// One column of a batch with the language type of its values.
pub(super) struct Column<'b> {
    pub name: &'b str,
    pub ty: &'b Type,
    pub array: &'b ArrayRef,
    error: MakeError,
}

impl Column<'_> {
    /// The value in `row` (null for a row out of the column).
    pub fn value(&self, row: usize) -> Result<Value, ColumnarError> {
        value(self.array.as_ref(), self.ty, row).map_err(|(kind, message)| {
            (self.error)(kind, self.name.to_owned(), message).at_row(row)
        })
    }
}

/// A contacts batch, checked: its ids and one column per attribute, in the schema's
/// order.
pub(super) struct Contacts<'b> {
    pub ids: &'b StringArray,
    pub attributes: Vec<Column<'b>>,
}

impl Contacts<'_> {
    /// How many contacts the batch holds.
    pub fn len(&self) -> usize {
        self.ids.len()
    }
}

/// Checks a contacts batch against the program's schema: every column present with
/// an accepted type, no other column, no null where the schema has none, every value
/// one the language can hold.
pub(super) fn contacts<'b>(
    program: &'b Program,
    batch: &'b RecordBatch,
) -> Result<Contacts<'b>, ColumnarError> {
    let schema = program.schema();
    refuse_unknown_columns(batch, contacts_error, |name| {
        name == CONTACT || schema.attribute(name).is_some()
    })?;
    let ids = required(batch, CONTACT, contacts_error)?;
    let ids = ids.as_string_opt::<i32>().ok_or_else(|| {
        wrong_type(
            CONTACT,
            "Utf8 (the contact ids)",
            ids.data_type(),
            contacts_error,
        )
    })?;
    no_nulls(ids, CONTACT, contacts_error)?;
    let offsets = ids.value_offsets();
    if let Some(row) = offsets
        .iter()
        .zip(offsets.iter().skip(1))
        .position(|(start, end)| start == end)
    {
        return Err(ColumnarError::contacts(
            ColumnarErrorKind::InvalidContact,
            CONTACT,
            "a contact id is an empty string",
        )
        .at_row(row));
    }
    let mut attributes = Vec::with_capacity(schema.attribute_count());
    for (_, name, ty) in schema.attributes() {
        attributes.push(column(batch, name, ty, ty.is_optional(), contacts_error)?);
    }
    Ok(Contacts { ids, attributes })
}

/// The events of an events batch, checked, by contact.
pub(super) struct Events<'b> {
    /// The kind of each event.
    pub kinds: Vec<KindId>,
    at: Column<'b>,
    /// The prop columns, each with the kind and slot it holds.
    pub props: Vec<(KindId, usize, Column<'b>)>,
    /// The row in the contacts batch of each event's contact.
    pub owners: Vec<usize>,
}

impl Events<'_> {
    /// How many events the batch holds.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// The instant of every event, in row order (checked to be one a contact holds).
    pub fn instants(&self) -> Vec<DateTime<Utc>> {
        (0..self.len())
            .map(|row| {
                instant(self.at.array.as_ref(), row)
                    .flatten()
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The column of the prop in `slot` of events of `kind`.
    pub fn prop(&self, kind: KindId, slot: usize) -> Option<&Column<'_>> {
        self.props
            .iter()
            .find(|(k, s, _)| *k == kind && *s == slot)
            .map(|(_, _, column)| column)
    }
}

/// Checks an events batch against the program's schema and the contacts batch it
/// goes with (`contacts` rows): every event of a known kind, of a contact of that
/// batch, with its props; at most the program's event limit per contact.
pub(super) fn events<'b>(
    program: &'b Program,
    batch: &'b RecordBatch,
    contacts: usize,
    prop_columns: &'b [(KindId, usize, String, Type)],
) -> Result<Events<'b>, ColumnarError> {
    let schema = program.schema();
    refuse_unknown_columns(batch, events_error, |name| {
        [CONTACT, KIND, AT].contains(&name) || prop_columns.iter().any(|(_, _, n, _)| n == name)
    })?;
    let owners = required(batch, CONTACT, events_error)?;
    let owners = owners.as_primitive_opt::<UInt32Type>().ok_or_else(|| {
        wrong_type(
            CONTACT,
            "UInt32 (a row of the contacts batch)",
            owners.data_type(),
            events_error,
        )
    })?;
    no_nulls(owners, CONTACT, events_error)?;
    let names = required(batch, KIND, events_error)?;
    let names = names.as_string_opt::<i32>().ok_or_else(|| {
        wrong_type(
            KIND,
            "Utf8 (an event kind)",
            names.data_type(),
            events_error,
        )
    })?;
    no_nulls(names, KIND, events_error)?;
    let at = column(batch, AT, &Type::DateTime, false, events_error)?;
    let mut props = Vec::with_capacity(prop_columns.len());
    for (kind, slot, name, ty) in prop_columns {
        // Null in the rows of other kinds: whether this kind's rows have one is
        // checked below.
        props.push((*kind, *slot, column(batch, name, ty, true, events_error)?));
    }
    let mut kinds = Vec::with_capacity(batch.num_rows());
    let mut rows_of = Vec::with_capacity(batch.num_rows());
    // No contact can have more events than the batch: the counts are kept only when
    // the batch holds more events than the limit.
    let counted = batch.num_rows() > program.max_events;
    let mut counts = vec![0_usize; if counted { contacts } else { 0 }];
    for (row, (owner, name)) in owners.values().iter().zip(names.iter()).enumerate() {
        let name = name.unwrap_or_default();
        let kind = schema.kind(name).ok_or_else(|| {
            ColumnarError::events(
                ColumnarErrorKind::UnknownKind,
                KIND,
                format!("no event kind is named `{name}`"),
            )
            .at_row(row)
        })?;
        for (_, _, prop) in props
            .iter()
            .filter(|(k, _, p)| *k == kind && !p.ty.is_optional())
        {
            if prop.array.is_null(row) {
                return Err(null_value(prop.name, prop.ty, events_error).at_row(row));
            }
        }
        let owner = usize::try_from(*owner)
            .ok()
            .filter(|row| *row < contacts)
            .ok_or_else(|| {
                ColumnarError::events(
                    ColumnarErrorKind::UnknownContact,
                    CONTACT,
                    format!("{owner} is not a row of the contacts batch ({contacts} rows)"),
                )
                .at_row(row)
            })?;
        if let Some(count) = counts.get_mut(owner) {
            *count = count.saturating_add(1);
        }
        rows_of.push(owner);
        kinds.push(kind);
    }
    if let Some((row, count)) = counts
        .iter()
        .enumerate()
        .find(|(_, count)| **count > program.max_events)
    {
        return Err(ColumnarError::contacts(
            ColumnarErrorKind::InvalidContact,
            CONTACT,
            format!(
                "{count} events, more than the limit of {}",
                program.max_events
            ),
        )
        .at_row(row));
    }
    Ok(Events {
        kinds,
        at,
        props,
        owners: rows_of,
    })
}

/// Every contact of the batches, in order, built as the row interpreter reads them.
pub(super) fn all_contacts(
    program: &Program,
    contacts: &Contacts<'_>,
    events: &Events<'_>,
) -> Result<Vec<Contact>, ColumnarError> {
    let mut by_contact: Vec<Vec<usize>> = vec![Vec::new(); contacts.len()];
    for (event, owner) in events.owners.iter().enumerate() {
        if let Some(rows) = by_contact.get_mut(*owner) {
            rows.push(event);
        }
    }
    (0..contacts.len())
        .zip(&by_contact)
        .map(|(row, rows)| contact(program, contacts, events, row, rows))
        .collect()
}

/// The contact in `row` of the batches, whose events are in the `event_rows` of the
/// events batch.
fn contact(
    program: &Program,
    contacts: &Contacts<'_>,
    events: &Events<'_>,
    row: usize,
    event_rows: &[usize],
) -> Result<Contact, ColumnarError> {
    let schema = program.schema();
    let mut builder = program.contact(contacts.ids.value(row));
    for attribute in &contacts.attributes {
        builder = builder.attribute(attribute.name, attribute.value(row)?);
    }
    for event in event_rows {
        let Some(kind) = events.kinds.get(*event) else {
            continue;
        };
        let at = events.at.value(*event)?.as_datetime().unwrap_or_default();
        let mut props = Vec::new();
        for (_, slot, column) in events.props.iter().filter(|(k, _, _)| k == kind) {
            let value = column.value(*event)?;
            if !value.is_null() {
                let name = schema.props(*kind).nth(*slot).map_or("", |(name, _)| name);
                props.push((name, value));
            }
        }
        builder = builder.event(schema.kind_name(*kind), at, props);
    }
    builder.build().map_err(|err| {
        ColumnarError::contacts(ColumnarErrorKind::InvalidContact, CONTACT, err.to_string())
            .at_row(row)
    })
}

fn refuse_unknown_columns(
    batch: &RecordBatch,
    error: MakeError,
    known: impl Fn(&str) -> bool,
) -> Result<(), ColumnarError> {
    match batch
        .schema_ref()
        .fields()
        .iter()
        .find(|f| !known(f.name()))
    {
        Some(field) => Err(error(
            ColumnarErrorKind::UnexpectedColumn,
            field.name().clone(),
            "the schema has no such column".to_owned(),
        )),
        None => Ok(()),
    }
}

fn required<'b>(
    batch: &'b RecordBatch,
    name: &str,
    error: MakeError,
) -> Result<&'b ArrayRef, ColumnarError> {
    batch.column_by_name(name).ok_or_else(|| {
        error(
            ColumnarErrorKind::MissingColumn,
            name.to_owned(),
            "the batch has no such column".to_owned(),
        )
    })
}

fn wrong_type(name: &str, expected: &str, found: &DataType, error: MakeError) -> ColumnarError {
    error(
        ColumnarErrorKind::WrongType,
        name.to_owned(),
        format!("expected {expected}, found {found}"),
    )
}

fn null_value(name: &str, ty: &Type, error: MakeError) -> ColumnarError {
    error(
        ColumnarErrorKind::NullValue,
        name.to_owned(),
        format!("null, but the schema declares `{ty}`"),
    )
}

fn no_nulls(array: &dyn Array, name: &str, error: MakeError) -> Result<(), ColumnarError> {
    if array.null_count() == 0 {
        return Ok(());
    }
    match (0..array.len()).find(|row| array.is_null(*row)) {
        Some(row) => Err(error(
            ColumnarErrorKind::NullValue,
            name.to_owned(),
            "null, but every row needs one".to_owned(),
        )
        .at_row(row)),
        None => Ok(()),
    }
}

/// The column `name` of `batch` for values of `ty`, checked whole; null only where
/// `nullable`.
fn column<'b>(
    batch: &'b RecordBatch,
    name: &'b str,
    ty: &'b Type,
    nullable: bool,
    error: MakeError,
) -> Result<Column<'b>, ColumnarError> {
    let array = required(batch, name, error)?;
    if !layout::accepts(ty, array.data_type()) {
        return Err(wrong_type(
            name,
            &layout::describe_expected(ty),
            array.data_type(),
            error,
        ));
    }
    if !nullable && array.null_count() > 0 {
        let row = (0..array.len())
            .find(|row| array.is_null(*row))
            .unwrap_or(0);
        return Err(null_value(name, ty, error).at_row(row));
    }
    let column = Column {
        name,
        ty,
        array,
        error,
    };
    check_values(&column)?;
    Ok(column)
}

/// Checks that every value of a column is one the language can hold: the common
/// types in one pass over the raw values, the others by reading each value.
fn check_values(column: &Column<'_>) -> Result<(), ColumnarError> {
    let array = column.array.as_ref();
    let out_of_range = |row: usize, what: &str| {
        (column.error)(
            ColumnarErrorKind::OutOfRange,
            column.name.to_owned(),
            what.to_owned(),
        )
        .at_row(row)
    };
    match column.ty.non_optional() {
        Type::Bool | Type::String => Ok(()),
        Type::Number => match array.as_primitive_opt::<Decimal128Type>() {
            Some(numbers) => match first_valid_of(
                numbers,
                // The high word alone, first: below 2^32 in absolute value for every
                // mantissa of a `Decimal` (and for none beyond but -2^96).
                |m| ((m >> 64) as i64).wrapping_add(LOW_HIGH_WORD) as u64 > HIGH_WORDS,
                |m| {
                    let scale = u32::try_from(numbers.scale()).unwrap_or(0);
                    m.unsigned_abs() >= MANTISSA_LIMIT && decimal(m, scale).is_none()
                },
            ) {
                Some(row) => Err(out_of_range(row, BEYOND_DECIMAL)),
                None => Ok(()),
            },
            None => Ok(()),
        },
        Type::Date => match array.as_primitive_opt::<Date32Type>() {
            Some(days) => match first_valid(days, |d| !(FIRST_DAY..END_DAY).contains(&d)) {
                Some(row) => Err(out_of_range(row, OUTSIDE_YEARS)),
                None => Ok(()),
            },
            None => Ok(()),
        },
        Type::DateTime => match first_instant_outside_years(array) {
            Some(row) => Err(out_of_range(row, OUTSIDE_YEARS)),
            None => Ok(()),
        },
        Type::Duration | Type::List(_) | Type::Optional(_) => {
            (0..array.len()).try_for_each(|row| column.value(row).map(drop))
        }
    }
}

/// The number `mantissa × 10^-scale` as the language holds it, normalised (no
/// trailing zeros): the zeros are dropped before it must fit the 96 bits and 28
/// places of a `Decimal`, so 29 digits at scale 10 of which one is a trailing zero
/// are read.
pub(super) fn decimal(mut mantissa: i128, mut scale: u32) -> Option<Decimal> {
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    Decimal::try_from_i128_with_scale(mantissa, scale)
        .ok()
        .map(|n| n.normalize())
}

const BEYOND_DECIMAL: &str = "the number does not fit a funil `number` (96 bits of mantissa)";
const OUTSIDE_YEARS: &str = "the value is outside the years 0000 to 9999 (in UTC)";

/// `2^32 - 1`: a high word from `-(2^32 - 1)` to `2^32 - 1`, shifted by it, is from 0
/// to [`HIGH_WORDS`].
const LOW_HIGH_WORD: i64 = (1 << 32) - 1;
const HIGH_WORDS: u64 = (1 << 33) - 2;

/// [`first_valid`], with a quick test first: `suspect` holds for every `bad` value
/// (and maybe others), and is cheap enough to run over the whole column in one pass.
fn first_valid_of<T: arrow_array::ArrowPrimitiveType>(
    array: &PrimitiveArray<T>,
    suspect: impl Fn(T::Native) -> bool,
    bad: impl Fn(T::Native) -> bool,
) -> Option<usize> {
    if !array
        .values()
        .iter()
        .fold(false, |any, v| any | suspect(*v))
    {
        return None;
    }
    first_valid(array, bad)
}

/// The first row whose value is valid (not null) and `bad`.
fn first_valid<T: arrow_array::ArrowPrimitiveType>(
    array: &PrimitiveArray<T>,
    bad: impl Fn(T::Native) -> bool,
) -> Option<usize> {
    // One pass without a branch per value first: almost every column is good.
    if !array.values().iter().fold(false, |any, v| any | bad(*v)) {
        return None;
    }
    let position = array.values().iter().position(|v| bad(*v))?;
    if array.null_count() == 0 {
        return Some(position);
    }
    (position..array.len())
        .find(|row| array.is_valid(*row) && array.values().get(*row).is_some_and(|v| bad(*v)))
}

/// The first row of a timestamp column outside the years 0000 to 9999.
fn first_instant_outside_years(array: &dyn Array) -> Option<usize> {
    /// The instants of those years in a unit of `per_second` ticks: `[first, end)`.
    fn bounds(per_second: i64) -> (i64, i64) {
        (
            FIRST_SECOND.saturating_mul(per_second),
            END_SECOND.saturating_mul(per_second),
        )
    }
    fn outside<T: arrow_array::ArrowPrimitiveType<Native = i64>>(
        array: Option<&PrimitiveArray<T>>,
        per_second: i64,
    ) -> Option<usize> {
        let (first, end) = bounds(per_second);
        first_valid(array?, |t| t < first || t >= end)
    }
    match array.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => {
            outside(array.as_primitive_opt::<TimestampSecondType>(), 1)
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            outside(array.as_primitive_opt::<TimestampMillisecondType>(), 1_000)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => outside(
            array.as_primitive_opt::<TimestampMicrosecondType>(),
            1_000_000,
        ),
        // Every nanosecond instant an `i64` holds falls in those years.
        _ => None,
    }
}

/// What went wrong reading one value: the kind and the message.
type ValueError = (ColumnarErrorKind, String);

/// The value in `row` of `array`, a column of values of `ty` whose Arrow type
/// [`layout::accepts`] (null for a row out of the column).
fn value(array: &dyn Array, ty: &Type, row: usize) -> Result<Value, ValueError> {
    if row >= array.len() || array.is_null(row) {
        return Ok(Value::Null);
    }
    let mismatch = || {
        (
            ColumnarErrorKind::WrongType,
            format!(
                "expected {}, found {}",
                layout::describe_expected(ty),
                array.data_type()
            ),
        )
    };
    let out_of_range = |what: &str| (ColumnarErrorKind::OutOfRange, what.to_owned());
    let value = match ty.non_optional() {
        Type::Bool => Value::Bool(array.as_boolean_opt().ok_or_else(mismatch)?.value(row)),
        Type::Number => {
            let numbers = array
                .as_primitive_opt::<Decimal128Type>()
                .ok_or_else(mismatch)?;
            let scale = u32::try_from(numbers.scale()).map_err(|_| mismatch())?;
            let number =
                decimal(numbers.value(row), scale).ok_or_else(|| out_of_range(BEYOND_DECIMAL))?;
            Value::Number(number)
        }
        Type::String => Value::String(
            array
                .as_string_opt::<i32>()
                .ok_or_else(mismatch)?
                .value(row)
                .into(),
        ),
        Type::Date => {
            let days = array
                .as_primitive_opt::<Date32Type>()
                .ok_or_else(mismatch)?
                .value(row);
            let date = NaiveDate::default()
                .checked_add_signed(TimeDelta::days(i64::from(days)))
                .filter(|date| (0..=9999).contains(&date.year()))
                .ok_or_else(|| out_of_range(OUTSIDE_YEARS))?;
            Value::Date(date)
        }
        Type::DateTime => {
            let at = instant(array, row)
                .ok_or_else(mismatch)?
                .filter(|at| (0..=9999).contains(&at.year()))
                .ok_or_else(|| out_of_range(OUTSIDE_YEARS))?;
            Value::DateTime(at)
        }
        Type::Duration => Value::Duration(
            duration(array, row)
                .ok_or_else(mismatch)?
                .ok_or_else(|| out_of_range("the duration is beyond a funil `duration`"))?,
        ),
        Type::List(element) => {
            let lists = array.as_list_opt::<i32>().ok_or_else(mismatch)?;
            let items = lists.value(row);
            let mut values = Vec::with_capacity(items.len());
            for index in 0..items.len() {
                if !element.is_optional() && items.is_null(index) {
                    return Err((
                        ColumnarErrorKind::NullValue,
                        format!("a null element, but the schema declares `{ty}`"),
                    ));
                }
                values.push(value(items.as_ref(), element, index)?);
            }
            Value::List(values.into())
        }
        Type::Optional(_) => return Err(mismatch()),
    };
    Ok(value)
}

/// The instant in `row` of a timestamp column (`None` for another type; `Some(None)`
/// for an instant chrono cannot hold).
fn instant(array: &dyn Array, row: usize) -> Option<Option<DateTime<Utc>>> {
    Some(match array.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => DateTime::from_timestamp(
            array.as_primitive_opt::<TimestampSecondType>()?.value(row),
            0,
        ),
        DataType::Timestamp(TimeUnit::Millisecond, _) => DateTime::from_timestamp_millis(
            array
                .as_primitive_opt::<TimestampMillisecondType>()?
                .value(row),
        ),
        DataType::Timestamp(TimeUnit::Microsecond, _) => DateTime::from_timestamp_micros(
            array
                .as_primitive_opt::<TimestampMicrosecondType>()?
                .value(row),
        ),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => Some(DateTime::from_timestamp_nanos(
            array
                .as_primitive_opt::<TimestampNanosecondType>()?
                .value(row),
        )),
        _ => return None,
    })
}

/// The span in `row` of a duration column (`None` for another type; `Some(None)` for
/// a span chrono cannot hold).
fn duration(array: &dyn Array, row: usize) -> Option<Option<TimeDelta>> {
    Some(match array.data_type() {
        DataType::Duration(TimeUnit::Second) => {
            TimeDelta::try_seconds(array.as_primitive_opt::<DurationSecondType>()?.value(row))
        }
        DataType::Duration(TimeUnit::Millisecond) => TimeDelta::try_milliseconds(
            array
                .as_primitive_opt::<DurationMillisecondType>()?
                .value(row),
        ),
        DataType::Duration(TimeUnit::Microsecond) => Some(TimeDelta::microseconds(
            array
                .as_primitive_opt::<DurationMicrosecondType>()?
                .value(row),
        )),
        DataType::Duration(TimeUnit::Nanosecond) => Some(TimeDelta::nanoseconds(
            array
                .as_primitive_opt::<DurationNanosecondType>()?
                .value(row),
        )),
        _ => return None,
    })
}
