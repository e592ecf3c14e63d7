//! Under the feature `arrow`: every segment, score and decision the helpers of
//! [`super`] evaluate with the row interpreter is evaluated again by
//! `Program::evaluate_arrow` over the batches of `Program::contacts_to_arrow`, and the
//! answers are asserted identical. Every other item of the program is compared too,
//! with `Program::evaluate_batch` over the same contact.
//!
//! A contact `contacts_to_arrow` refuses (a value Arrow's canonical types cannot
//! hold: a datetime outside 1677 to 2262, a number with more than ten places) is not
//! checked: the skip is printed with its reason (shown by `--nocapture` or when the
//! test fails) and counted. With `FUNIL_CROSS_CHECK_TALLY=FILE` set, each check
//! appends a line to FILE, `checked KIND ITEM` for the item asked, `compared N` for
//! the items compared with `evaluate_batch`, `skipped REASON` for a skip, so that a
//! run of the suites can be counted (`sort FILE | uniq -c`).

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use funil::arrow_array::{Array, ArrayRef, RecordBatch};
use funil::{Contact, Context, Program, Value};

use super::arrow_cells;

/// How many contacts this test binary has skipped, `contacts_to_arrow` refusing them.
static SKIPPED: AtomicUsize = AtomicUsize::new(0);

/// How many contacts this test binary has not cross-checked, `contacts_to_arrow`
/// refusing them.
pub fn skipped() -> usize {
    SKIPPED.load(Ordering::Relaxed)
}

/// Asserts that `evaluate_arrow` gives `answer`, the row interpreter's, for the
/// segment, score or decision `item` (of `kind`, for the message) of `contact`
/// (whose JSON text is `json`), and that every item of the program has the answer
/// `evaluate_batch` gives.
#[track_caller]
pub fn assert_same(
    program: &Program,
    kind: &str,
    item: &str,
    contact: &Contact,
    json: &str,
    context: &Context,
    answer: &Value,
) {
    let (people, events) = match program.contacts_to_arrow(std::slice::from_ref(contact)) {
        Ok(batches) => batches,
        Err(error) => {
            eprintln!(
                "columnar cross-check skipped for contact `{}`: contacts_to_arrow refuses it: {error}",
                contact.id()
            );
            SKIPPED.fetch_add(1, Ordering::Relaxed);
            tally(&format!("skipped {:?}", error.kind()));
            return;
        }
    };
    let results = program
        .evaluate_arrow(&people, &events, context)
        .unwrap_or_else(|error| {
            panic!(
                "columnar mismatch: evaluate_arrow refused contact `{}`, which the row \
                 interpreter evaluated ({kind} `{item}` = {}): {error}\ncontact: {json}",
                contact.id(),
                arrow_cells::text(answer)
            )
        });
    let columnar = cell(&results, item).unwrap_or_else(|| {
        panic!("columnar mismatch: the results of evaluate_arrow have no column `{item}`")
    });
    assert!(
        columnar == arrow_cells::text(answer),
        "columnar mismatch: {kind} `{item}` of contact `{}`: row interpreter {}, \
         evaluate_arrow {columnar}\ncontact: {json}",
        contact.id(),
        arrow_cells::text(answer),
    );
    tally(&format!("checked {kind} {item}"));

    let evaluation = program
        .evaluate_batch([contact], context)
        .ok()
        .and_then(|mut evaluations| evaluations.pop())
        .unwrap_or_else(|| {
            panic!(
                "evaluate_batch failed for contact `{}`\ncontact: {json}",
                contact.id()
            )
        });
    let schema = results.schema();
    for field in schema.fields() {
        let name = field.name();
        let columnar = cell(&results, name).unwrap_or_default();
        let row = arrow_cells::answer(&evaluation, name, field.data_type());
        assert!(
            columnar == row,
            "columnar mismatch: `{name}` of contact `{}`: evaluate_batch {row}, \
             evaluate_arrow {columnar} (while checking {kind} `{item}`)\ncontact: {json}",
            contact.id(),
        );
    }
    tally(&format!("compared {}", schema.fields().len()));
}

/// The answer in column `name` of the only row of `results`, as JSON text.
fn cell(results: &RecordBatch, name: &str) -> Option<String> {
    let column: &ArrayRef = results.column_by_name(name)?;
    if column.len() != 1 {
        return Some(format!("<{} rows>", column.len()));
    }
    Some(arrow_cells::cell(column.as_ref(), 0))
}

/// Appends `line` to the file `FUNIL_CROSS_CHECK_TALLY` names, when it is set.
fn tally(line: &str) {
    let Some(path) = std::env::var_os("FUNIL_CROSS_CHECK_TALLY") else {
        return;
    };
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(format!("{line}\n").as_bytes()));
    if let Err(error) = appended {
        panic!("cannot append to FUNIL_CROSS_CHECK_TALLY {path:?}: {error}");
    }
}
