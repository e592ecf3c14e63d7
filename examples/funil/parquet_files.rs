//! Parquet files (feature `arrow`): `batch` over a contacts file and an events file in
//! the layout of `Program::arrow_contacts_schema` and `Program::arrow_events_schema`
//! (the language reference's "Arrow batches"), and `to-parquet`, which writes JSON
//! contacts in that layout with `Program::contacts_to_arrow`.
//!
//! Each file is read whole, all its row groups, into one record batch: a ranked
//! segment ranks the whole file, and the `contact` column of the events file is a row
//! of the contacts file, counted from 0 over all its row groups.

use std::fs::File;
use std::io::Write;

use funil::arrow_array::cast::AsArray;
use funil::arrow_array::types::Decimal128Type;
use funil::arrow_array::{Array, RecordBatch};
use funil::arrow_schema::DataType;
use funil::model::write_json;
use funil::{ColumnarError, Contact, Decimal, Value};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::{FAILURE, Options, Output, Prepared, compile, fail, json, lines, read_text, usage};

/// `batch RULES... --contacts FILE.parquet [--events FILE.parquet] --now T [--tz ZONE]`:
/// one JSON line per row of the contacts file, in order, as `batch` prints for JSON
/// contacts. A file that cannot be read or a batch `evaluate_arrow` refuses stops
/// everything (exit code 2): nothing is evaluated.
pub(super) fn batch(prepared: &Prepared, stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let program = &prepared.program;
    let contacts_path = prepared.options.contacts_path();
    let events_path = prepared.options.value("--events");
    let contacts = match read_batch(contacts_path) {
        Ok(contacts) => contacts,
        Err(message) => return fail(stderr, message),
    };
    let events = match events_path.map(read_batch).transpose() {
        Ok(events) => {
            events.unwrap_or_else(|| RecordBatch::new_empty(program.arrow_events_schema()))
        }
        Err(message) => return fail(stderr, message),
    };
    let results = match program.evaluate_arrow(&contacts, &events, &prepared.context) {
        Ok(results) => results,
        Err(error) => {
            let path = match events_path {
                Some(events_path) if error.in_events() => events_path,
                _ => contacts_path,
            };
            return fail(stderr, format!("`{path}`: {error}"));
        }
    };
    // `evaluate_arrow` has checked the ids: a `Utf8` column without nulls.
    let Some(ids) = contacts
        .column_by_name("contact")
        .and_then(|ids| ids.as_string_opt::<i32>())
    else {
        return fail(
            stderr,
            format!("`{contacts_path}` has no `contact` column of ids"),
        );
    };
    let mut output = Output::new(stdout);
    for (row, id) in ids.iter().enumerate() {
        match result_line(&results, id.unwrap_or_default(), row) {
            Ok(line) => output.line(line),
            Err(message) => return fail(stderr, message),
        }
    }
    output.finish(stderr)
}

/// The line `batch` prints for the contact `id`, from row `row` of the results:
/// `{"id":…,"segments":[…],"scores":{…},"decisions":{…}}`, segments sorted by name,
/// scores and decisions in declaration order (the columns' order).
fn result_line(results: &RecordBatch, id: &str, row: usize) -> Result<String, String> {
    let schema = results.schema();
    let mut segments: Vec<&str> = Vec::new();
    let mut scores: Vec<(&str, String)> = Vec::new();
    let mut decisions: Vec<(&str, String)> = Vec::new();
    for (field, column) in schema.fields().iter().zip(results.columns()) {
        let name = field.name().as_str();
        match column.data_type() {
            DataType::Boolean => {
                if column.as_boolean().value(row) {
                    segments.push(name);
                }
            }
            DataType::Decimal128(_, scale) => {
                let value = match column.is_null(row) {
                    true => Value::Null,
                    false => {
                        let scaled = column.as_primitive::<Decimal128Type>().value(row);
                        let scale = u32::try_from(*scale).map_err(|e| e.to_string())?;
                        Decimal::try_from_i128_with_scale(scaled, scale)
                            .map(Value::Number)
                            .map_err(|e| format!("score `{name}` of `{id}`: {e}"))?
                    }
                };
                scores.push((name, json(&value)));
            }
            DataType::Utf8 => {
                let texts = column.as_string::<i32>();
                let text = match texts.is_null(row) {
                    true => "null".to_owned(),
                    false => texts.value(row).to_owned(),
                };
                decisions.push((name, text));
            }
            other => {
                return Err(format!(
                    "result column `{name}` is of an unknown type {other}"
                ));
            }
        }
    }
    segments.sort_unstable();
    let mut line = format!(
        "{{\"id\":{},\"segments\":[",
        json(&Value::String(id.into()))
    );
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        write_json(&Value::String((*segment).into()), &mut line);
    }
    line.push_str("],\"scores\":");
    object(&scores, &mut line);
    line.push_str(",\"decisions\":");
    object(&decisions, &mut line);
    line.push('}');
    Ok(line)
}

/// `{"name":value,…}` of JSON texts.
fn object(entries: &[(&str, String)], out: &mut String) {
    out.push('{');
    for (i, (name, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json(&Value::String((*name).into()), out);
        out.push(':');
        out.push_str(value);
    }
    out.push('}');
}

/// The Parquet file at `path`, all its row groups, as one record batch.
fn read_batch(path: &str) -> Result<RecordBatch, String> {
    let file = File::open(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
    let not_parquet =
        |e: parquet::errors::ParquetError| format!("cannot read `{path}` as a Parquet file: {e}");
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(not_parquet)?;
    let schema = builder.schema().clone();
    let rows = usize::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
    // A batch as large as the file: the reader reads across row groups.
    let reader = builder
        .with_batch_size(rows.max(1))
        .build()
        .map_err(not_parquet)?;
    let mut batches = reader
        .collect::<Result<Vec<RecordBatch>, _>>()
        .map_err(|e| format!("cannot read `{path}` as a Parquet file: {e}"))?;
    match batches.len() {
        0 => Ok(RecordBatch::new_empty(schema)),
        1 => Ok(batches.remove(0)),
        n => Err(format!(
            "`{path}` was read as {n} record batches of at most {rows} rows, not one"
        )),
    }
}

/// `to-parquet RULES... --contacts FILE.jsonl --out-contacts FILE.parquet
/// [--out-events FILE.parquet] [--rows-per-group N]`: the contacts of the JSON lines
/// file as the contacts file and the events file `batch` reads, Snappy-compressed, at
/// most `N` rows per row group. A line that cannot be read prints
/// `{"id":…,"line":N,"error":"…"}` and is left out (exit code 1). `--out-events` may
/// be left out when no contact has an event.
pub(super) fn to_parquet(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let known = [
        "--contacts",
        "--out-contacts",
        "--out-events",
        "--rows-per-group",
    ];
    let options = match Options::parse(args, &known) {
        Ok(options) => options,
        Err(message) => return usage(stderr, &message),
    };
    let (Some(contacts_path), Some(out_contacts)) =
        (options.value("--contacts"), options.value("--out-contacts"))
    else {
        return usage(
            stderr,
            "`to-parquet` needs `--contacts FILE.jsonl` and `--out-contacts FILE.parquet`",
        );
    };
    let rows_per_group = match options.value("--rows-per-group").map(str::parse::<usize>) {
        None => None,
        Some(Ok(rows)) if rows > 0 => Some(rows),
        Some(_) => return usage(stderr, "`--rows-per-group` needs a number of rows above 0"),
    };
    let Some(program) = compile(&options.rules, stderr) else {
        return FAILURE;
    };
    let text = match read_text(contacts_path, stderr) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let mut output = Output::new(stdout);
    let mut contacts: Vec<Contact> = Vec::new();
    for line in lines(&text) {
        match line.contact(&program) {
            Ok(contact) => contacts.push(contact),
            Err(error) => output.error(&line, &error),
        }
    }
    let (people, events) = match program.contacts_to_arrow(&contacts) {
        Ok(batches) => batches,
        Err(error) => return fail(stderr, refused(&error, &contacts)),
    };
    let writes = [
        (Some(out_contacts), &people),
        (options.value("--out-events"), &events),
    ];
    for (path, batch) in writes {
        let written = match path {
            Some(path) => write_batch(path, batch, rows_per_group),
            None if batch.num_rows() == 0 => Ok(()),
            None => Err(format!(
                "the contacts have {} events: give `--out-events FILE.parquet`",
                batch.num_rows()
            )),
        };
        if let Err(message) = written {
            return fail(stderr, message);
        }
    }
    output.finish(stderr)
}

/// Why `contacts_to_arrow` refused the contacts, naming the contact when the error is
/// about a row of the contacts batch.
fn refused(error: &ColumnarError, contacts: &[Contact]) -> String {
    let contact = error
        .row()
        .filter(|_| !error.in_events())
        .and_then(|row| contacts.get(row));
    match contact {
        Some(contact) => format!("contact `{}`: {error}", contact.id()),
        None => error.to_string(),
    }
}

/// Writes `batch` to a new Parquet file at `path`.
fn write_batch(
    path: &str,
    batch: &RecordBatch,
    rows_per_group: Option<usize>,
) -> Result<(), String> {
    let cannot = |e: parquet::errors::ParquetError| format!("cannot write `{path}`: {e}");
    let file = File::create(path).map_err(|e| format!("cannot write `{path}`: {e}"))?;
    let mut properties = WriterProperties::builder().set_compression(Compression::SNAPPY);
    if let Some(rows) = rows_per_group {
        properties = properties.set_max_row_group_row_count(Some(rows));
    }
    let mut writer =
        ArrowWriter::try_new(file, batch.schema(), Some(properties.build())).map_err(cannot)?;
    writer.write(batch).map_err(cannot)?;
    writer.close().map_err(cannot)?;
    Ok(())
}
