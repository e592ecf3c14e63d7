//! The Arrow layout of contacts, events and results: the schemas a program expects
//! and gives, and which Arrow types stand for each type of the language.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema as ArrowSchema, SchemaRef, TimeUnit};

use crate::model::{KindId, Schema, Type};
use crate::program::{ItemBody, Program};

/// The column of the contacts batch holding the contact ids, and the column of the
/// events batch holding each event's contact (its row in the contacts batch).
/// `contact` is a keyword, so no attribute can have that name.
pub(super) const CONTACT: &str = "contact";
/// The column of the events batch holding each event's kind.
pub(super) const KIND: &str = "kind";
/// The column of the events batch holding each event's instant.
pub(super) const AT: &str = "at";
/// The scale of the canonical `number` columns.
pub(super) const NUMBER_SCALE: i8 = 10;
/// The precision of every `Decimal128` column written.
pub(super) const DECIMAL_PRECISION: u8 = 38;
/// The scale of a score column: scores are rounded to two places.
pub(super) const SCORE_SCALE: i8 = 2;
/// The most decimal places a `number` column may have: a `Decimal`'s.
pub(super) const MAX_SCALE: i8 = 28;
/// The time zone of timestamp columns.
pub(super) const UTC: &str = "UTC";

/// The canonical Arrow type of a (non-optional) language type.
pub(super) fn data_type(ty: &Type) -> DataType {
    match ty.non_optional() {
        Type::Bool => DataType::Boolean,
        Type::Number => DataType::Decimal128(DECIMAL_PRECISION, NUMBER_SCALE),
        Type::String => DataType::Utf8,
        Type::Date => DataType::Date32,
        Type::DateTime => DataType::Timestamp(TimeUnit::Nanosecond, Some(UTC.into())),
        Type::Duration => DataType::Duration(TimeUnit::Nanosecond),
        Type::List(element) => DataType::List(Arc::new(Field::new(
            "item",
            data_type(element),
            element.is_optional(),
        ))),
        // `non_optional` never gives an optional type.
        Type::Optional(inner) => data_type(inner),
    }
}

/// Whether a column of Arrow type `actual` can hold values of `ty`: its canonical
/// type, or a `Decimal128` of any precision and a scale from 0 to 28 for a `number`,
/// a timestamp of any unit in UTC for a `datetime`, a duration of any unit for a
/// `duration`, and lists of such elements.
pub(super) fn accepts(ty: &Type, actual: &DataType) -> bool {
    match (ty.non_optional(), actual) {
        (Type::Number, DataType::Decimal128(_, scale)) => (0..=MAX_SCALE).contains(scale),
        (Type::DateTime, DataType::Timestamp(_, Some(zone))) => is_utc(zone),
        (Type::Duration, DataType::Duration(_)) => true,
        (Type::List(element), DataType::List(field)) => accepts(element, field.data_type()),
        (ty, actual) => data_type(ty) == *actual,
    }
}

/// Whether a timestamp column's time zone is UTC.
fn is_utc(zone: &str) -> bool {
    matches!(zone, "UTC" | "+00:00" | "Z" | "Etc/UTC")
}

/// The contacts batch `schema` expects: `contact` (the id), then one column per
/// attribute in declaration order, nullable when the attribute is optional.
pub(super) fn contacts_schema(schema: &Schema) -> SchemaRef {
    let id = Field::new(CONTACT, DataType::Utf8, false);
    let attributes = schema
        .attributes()
        .map(|(_, name, ty)| Field::new(name, data_type(ty), ty.is_optional()));
    Arc::new(ArrowSchema::new(
        std::iter::once(id).chain(attributes).collect::<Vec<_>>(),
    ))
}

/// The name of the column holding the prop `prop` of events of `kind`.
pub(super) fn prop_column(kind: &str, prop: &str) -> String {
    format!("{kind}.{prop}")
}

/// The prop columns of the events batch: each kind's props in declaration order,
/// kinds in declaration order, with the kind and the prop's slot.
pub(super) fn prop_columns(schema: &Schema) -> Vec<(KindId, usize, String, Type)> {
    schema
        .kinds()
        .flat_map(|(kind, kind_name)| {
            schema
                .props(kind)
                .enumerate()
                .map(move |(slot, (prop, ty))| {
                    (kind, slot, prop_column(kind_name, prop), ty.clone())
                })
        })
        .collect()
}

/// The events batch `schema` expects: `contact`, `kind`, `at`, then one nullable
/// column per prop of each kind.
pub(super) fn events_schema(schema: &Schema) -> SchemaRef {
    let fixed = [
        Field::new(CONTACT, DataType::UInt32, false),
        Field::new(KIND, DataType::Utf8, false),
        Field::new(AT, data_type(&Type::DateTime), false),
    ];
    let props = prop_columns(schema)
        .into_iter()
        .map(|(_, _, name, ty)| Field::new(name, data_type(&ty), true));
    Arc::new(ArrowSchema::new(
        fixed.into_iter().chain(props).collect::<Vec<_>>(),
    ))
}

/// What a column of the results holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Output {
    Segment,
    Score,
    Decision,
}

/// The items that get a column in the results, in declaration order, with what
/// their column holds.
pub(super) fn outputs(program: &Program) -> impl Iterator<Item = (usize, &str, Output)> {
    program
        .items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| {
            let output = match item.body {
                ItemBody::Segment(_) | ItemBody::Ranked(_) => Output::Segment,
                ItemBody::Score(_) => Output::Score,
                ItemBody::Decision(_) => Output::Decision,
                _ => return None,
            };
            Some((index, item.name.as_str(), output))
        })
}

/// The Arrow type of a results column.
pub(super) fn output_type(output: Output) -> DataType {
    match output {
        Output::Segment => DataType::Boolean,
        Output::Score => DataType::Decimal128(DECIMAL_PRECISION, SCORE_SCALE),
        Output::Decision => DataType::Utf8,
    }
}

/// The results batch of `program`: one column per segment, score and decision.
pub(super) fn results_schema(program: &Program) -> SchemaRef {
    let fields: Vec<Field> = outputs(program)
        .map(|(_, name, output)| Field::new(name, output_type(output), output == Output::Decision))
        .collect();
    Arc::new(ArrowSchema::new(fields))
}

/// How an Arrow type is named in messages, with the language type it stands for.
pub(super) fn describe_expected(ty: &Type) -> String {
    format!("{} (a funil `{}`)", data_type(ty), ty.non_optional())
}
