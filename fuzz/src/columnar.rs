//! The columnar check of the `evaluate` target (with the feature `arrow`): the
//! contacts of an input written as Arrow batches (`Program::contacts_to_arrow`) and
//! evaluated column-wise (`Program::evaluate_arrow`) give, cell by cell, what the row
//! interpreter gives for the same batch (`Program::evaluate_batch`); and a slice of
//! the contacts batch, whose offsets do not start at zero, is evaluated or refused,
//! never a panic.

use funil::arrow_array::cast::AsArray;
use funil::arrow_array::types::Decimal128Type;
use funil::arrow_array::{Array, RecordBatch};
use funil::arrow_schema::DataType;
use funil::model::write_json;
use funil::{Contact, Context, Decimal, Evaluation, Program, Value};

/// Runs the columnar checks on the contacts of one input.
pub fn check(program: &Program, contacts: &[Contact], context: &Context) {
    // A contact Arrow's canonical types cannot hold (a datetime outside 1677 to 2262,
    // a number with more than ten places) has no batch to compare.
    let Ok((people, events)) = program.contacts_to_arrow(contacts) else {
        return;
    };
    let results = match program.evaluate_arrow(&people, &events, context) {
        Ok(results) => results,
        Err(error) => panic!("evaluate_arrow refused the batches contacts_to_arrow wrote: {error}"),
    };
    let evaluations = match program.evaluate_batch(contacts, context) {
        Ok(evaluations) => evaluations,
        Err(error) => panic!("evaluating the batch failed: {error}"),
    };
    assert_eq!(results.num_rows(), contacts.len());
    let schema = results.schema();
    for (field, column) in schema.fields().iter().zip(results.columns()) {
        for (row, (contact, evaluation)) in contacts.iter().zip(&evaluations).enumerate() {
            let columnar = cell(column.as_ref(), row);
            let by_rows = answer(evaluation, field.name(), field.data_type());
            assert_eq!(
                columnar,
                by_rows,
                "`{}` of contact `{}`: evaluate_arrow and evaluate_batch disagree",
                field.name(),
                contact.id(),
            );
        }
    }
    if people.num_rows() > 1 {
        let rest = people.slice(1, people.num_rows() - 1);
        let no_events = RecordBatch::new_empty(program.arrow_events_schema());
        if let Ok(sliced) = program.evaluate_arrow(&rest, &no_events, context) {
            assert_eq!(sliced.num_rows(), rest.num_rows());
        }
    }
}

/// The JSON text of a value, as the results batch holds a decision.
pub fn text(value: &Value) -> String {
    let mut out = String::new();
    write_json(value, &mut out);
    out
}

/// The answer in `row` of a results column, as JSON text.
pub fn cell(column: &dyn Array, row: usize) -> String {
    if column.is_null(row) {
        return "null".to_owned();
    }
    match column.data_type() {
        DataType::Boolean => column.as_boolean().value(row).to_string(),
        DataType::Decimal128(_, scale) => {
            let scaled = column.as_primitive::<Decimal128Type>().value(row);
            let scale = u32::try_from(*scale).unwrap_or(u32::MAX);
            match number(scaled, scale) {
                Some(number) => text(&Value::Number(number)),
                None => format!("<{scaled} at scale {scale}: beyond a Decimal>"),
            }
        }
        DataType::Utf8 => column.as_string::<i32>().value(row).to_owned(),
        other => format!("<a column of type {other}>"),
    }
}

/// `scaled × 10^-scale` as a `Decimal`, its trailing zeros dropped first: a score of
/// 29 digits at the results' two places, one of them a trailing zero, is read.
fn number(mut scaled: i128, mut scale: u32) -> Option<Decimal> {
    while scale > 0 && scaled % 10 == 0 {
        scaled /= 10;
        scale -= 1;
    }
    Decimal::try_from_i128_with_scale(scaled, scale).ok()
}

/// The answer of the row interpreter for the item `name`, whose results column is of
/// type `data_type`, as JSON text.
pub fn answer(evaluation: &Evaluation, name: &str, data_type: &DataType) -> String {
    let named = |mut entries: Box<dyn Iterator<Item = (&str, &Value)> + '_>| {
        entries
            .find(|(item, _)| *item == name)
            .map_or_else(|| "<missing>".to_owned(), |(_, value)| text(value))
    };
    match data_type {
        DataType::Boolean => evaluation.segments().iter().any(|s| s == name).to_string(),
        DataType::Decimal128(..) => named(Box::new(evaluation.scores())),
        _ => named(Box::new(evaluation.decisions())),
    }
}
