//! Writing contacts as record batches in the program's layout, and the results of an
//! evaluation as one.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, DurationNanosecondArray, ListArray,
    RecordBatch, StringArray, TimestampNanosecondArray, UInt32Array,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{Field, SchemaRef};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{ColumnarError, ColumnarErrorKind};
use super::layout::{self, DECIMAL_PRECISION, NUMBER_SCALE, UTC};
use crate::model::{Contact, KindId, Type, Value};

/// Which batch is being written, to name it in errors.
type MakeError = fn(ColumnarErrorKind, String, String) -> ColumnarError;

/// A record batch of `schema` from its columns.
pub(super) fn batch(
    schema: SchemaRef,
    columns: Vec<ArrayRef>,
    error: MakeError,
) -> Result<RecordBatch, ColumnarError> {
    RecordBatch::try_new(schema, columns).map_err(|err| {
        error(
            ColumnarErrorKind::WrongType,
            String::new(),
            format!("arrow refused the batch: {err}"),
        )
    })
}

/// The contacts batch of `contacts`: `contact` and one column per attribute.
pub(super) fn contacts(
    schema: &crate::model::Schema,
    contacts: &[&Contact],
) -> Result<RecordBatch, ColumnarError> {
    let error: MakeError = |kind, column, message| ColumnarError::contacts(kind, column, message);
    let ids: ArrayRef = Arc::new(StringArray::from_iter_values(
        contacts.iter().map(|c| c.id()),
    ));
    let mut columns = vec![ids];
    for (attribute, name, ty) in schema.attributes() {
        let values: Vec<&Value> = contacts.iter().map(|c| c.attribute(attribute)).collect();
        columns.push(array(ty, &values).map_err(|(row, message)| {
            error(ColumnarErrorKind::OutOfRange, name.to_owned(), message).at_row(row)
        })?);
    }
    batch(layout::contacts_schema(schema), columns, error)
}

/// The events batch of `contacts`: every event of each, in time order, contacts in
/// order, with `contact` the contact's position in `contacts`.
pub(super) fn events(
    schema: &crate::model::Schema,
    contacts: &[&Contact],
) -> Result<RecordBatch, ColumnarError> {
    let error: MakeError = |kind, column, message| ColumnarError::events(kind, column, message);
    let events: Vec<(u32, &crate::model::Event)> = (0_u32..)
        .zip(contacts)
        .flat_map(|(row, contact)| contact.events().iter().map(move |event| (row, event)))
        .collect();
    let owners: ArrayRef = Arc::new(UInt32Array::from_iter_values(
        events.iter().map(|(r, _)| *r),
    ));
    let kinds: ArrayRef = Arc::new(StringArray::from_iter_values(
        events.iter().map(|(_, e)| schema.kind_name(e.kind())),
    ));
    let instants: Vec<Value> = events
        .iter()
        .map(|(_, e)| Value::DateTime(e.at()))
        .collect();
    let instants: Vec<&Value> = instants.iter().collect();
    let at = array(&Type::DateTime, &instants).map_err(|(row, message)| {
        error(
            ColumnarErrorKind::OutOfRange,
            layout::AT.to_owned(),
            message,
        )
        .at_row(row)
    })?;
    let mut columns = vec![owners, kinds, at];
    for (kind, slot, name, ty) in layout::prop_columns(schema) {
        let values: Vec<&Value> = events
            .iter()
            .map(|(_, event)| prop_of(event, kind, slot))
            .collect();
        columns.push(array(&ty, &values).map_err(|(row, message)| {
            error(ColumnarErrorKind::OutOfRange, name.clone(), message).at_row(row)
        })?);
    }
    batch(layout::events_schema(schema), columns, error)
}

/// The prop in `slot` of `event` if it is of `kind`; null otherwise.
fn prop_of(event: &crate::model::Event, kind: KindId, slot: usize) -> &Value {
    const NULL: &Value = &Value::Null;
    if event.kind() == kind {
        event.prop(slot)
    } else {
        NULL
    }
}

/// What went wrong writing one value: its row and the message.
type WriteError = (usize, String);

/// The column of `values`, of type `ty`, in its canonical Arrow type.
fn array(ty: &Type, values: &[&Value]) -> Result<ArrayRef, WriteError> {
    let epoch = NaiveDate::default();
    Ok(match ty.non_optional() {
        Type::Bool => Arc::new(BooleanArray::from(
            values.iter().map(|v| v.as_bool()).collect::<Vec<_>>(),
        )),
        Type::Number => {
            let numbers = values
                .iter()
                .enumerate()
                .map(|(row, value)| value.as_number().map(|n| canonical(n, row)).transpose())
                .collect::<Result<Vec<_>, _>>()?;
            Arc::new(
                Decimal128Array::from(numbers)
                    .with_precision_and_scale(DECIMAL_PRECISION, NUMBER_SCALE)
                    .map_err(|err| (0, err.to_string()))?,
            )
        }
        Type::String => Arc::new(StringArray::from(
            values.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
        )),
        Type::Date => Arc::new(Date32Array::from(
            values
                .iter()
                .enumerate()
                .map(|(row, value)| {
                    value
                        .as_date()
                        .map(|date| {
                            i32::try_from(date.signed_duration_since(epoch).num_days())
                                .map_err(|_| (row, "the date is beyond Date32".to_owned()))
                        })
                        .transpose()
                })
                .collect::<Result<Vec<_>, _>>()?,
        )),
        Type::DateTime => Arc::new(
            TimestampNanosecondArray::from(
                values
                    .iter()
                    .enumerate()
                    .map(|(row, value)| {
                        value
                            .as_datetime()
                            .map(|at| {
                                at.timestamp_nanos_opt().ok_or_else(|| {
                                    (
                                        row,
                                        format!(
                                            "{at} is beyond nanosecond timestamps (1677 to 2262)"
                                        ),
                                    )
                                })
                            })
                            .transpose()
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            )
            .with_timezone(UTC),
        ),
        Type::Duration => Arc::new(DurationNanosecondArray::from(
            values
                .iter()
                .enumerate()
                .map(|(row, value)| {
                    value
                        .as_duration()
                        .map(|span| {
                            span.num_nanoseconds().ok_or_else(|| {
                                (
                                    row,
                                    "the duration is beyond nanosecond durations".to_owned(),
                                )
                            })
                        })
                        .transpose()
                })
                .collect::<Result<Vec<_>, _>>()?,
        )),
        Type::List(element) => {
            let lists: Vec<Option<&[Value]>> = values.iter().map(|v| v.as_list()).collect();
            let items: Vec<&Value> = lists
                .iter()
                .flatten()
                .flat_map(|items| items.iter())
                .collect();
            let child = array(element, &items).map_err(|(_, message)| (0, message))?;
            let offsets =
                OffsetBuffer::from_lengths(lists.iter().map(|l| l.map_or(0, <[Value]>::len)));
            let nulls = NullBuffer::from(lists.iter().map(Option::is_some).collect::<Vec<_>>());
            let field = Arc::new(Field::new(
                "item",
                layout::data_type(element),
                element.is_optional(),
            ));
            Arc::new(
                ListArray::try_new(field, offsets, child, Some(nulls))
                    .map_err(|err| (0, err.to_string()))?,
            )
        }
        Type::Optional(inner) => return array(inner, values),
    })
}

/// A number at the canonical scale, as the mantissa of a `Decimal128(38, 10)`.
fn canonical(n: Decimal, row: usize) -> Result<i128, WriteError> {
    let n = n.normalize();
    let beyond = || (row, format!("{n} does not fit Decimal128(38, 10)"));
    let places = u32::try_from(NUMBER_SCALE).map_err(|_| beyond())?;
    let power = places.checked_sub(n.scale()).ok_or_else(beyond)?;
    10_i128
        .checked_pow(power)
        .and_then(|p| n.mantissa().checked_mul(p))
        .filter(|m| m.unsigned_abs() < 10_u128.pow(38))
        .ok_or_else(beyond)
}
