//! Loading contacts into the [table layout](crate::language#the-table-layout): the
//! `COPY … FROM STDIN` statements of its two tables, and each [`Contact`] written as
//! their rows in PostgreSQL's text format
//! ([`Program::sql_copy_statements`], [`Program::write_sql_copy_rows`]).
//!
//! It reads the program's schema and the contacts built for it, and gives text; the
//! host sends it through its client's copy API. A column holds its value in
//! PostgreSQL's input syntax for the column's type; the events' `props` hold a JSON
//! object keyed by prop name (null props left out), each value in the contact JSON
//! form (numbers written exactly from their decimal digits, dates `YYYY-MM-DD`,
//! datetimes RFC 3339 with `Z`, durations compound literals such as `1d2h`). A value
//! that this layout cannot hold exactly is refused rather than rounded: see
//! [`Program::write_sql_copy_rows`].

use std::fmt::Write as _;

use chrono::{DateTime, Datelike as _, NaiveDate, TimeDelta, Timelike as _, Utc};

use super::NotPushable;
use super::layout::column_type;
use super::options::SqlOptions;
use crate::model::{Contact, Value, format_number, write_json, write_json_string};
use crate::program::Program;

impl Program {
    /// The `COPY … FROM STDIN` statements that load the contacts table and the events
    /// table of the [table layout](crate::language#the-table-layout), in that order,
    /// with the rows [`Program::write_sql_copy_rows`] writes.
    ///
    /// Each names its columns, in the order the rows give them: the contacts' id then
    /// one column per attribute in declaration order; the events' contact id,
    /// position, kind, instant and props. The rows are PostgreSQL's text format in
    /// UTF-8, whatever the session's client encoding. The statements end without a
    /// semicolon, as a client's copy call takes them.
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { contact { country: string? } event page.viewed { path: string } }
    /// "#)?;
    /// let options = funil::SqlOptions::new().contacts_table("crm.leads");
    /// let (contacts, events) = program.sql_copy_statements(&options);
    /// assert_eq!(
    ///     contacts,
    ///     r#"COPY "crm"."leads" ("id", "country") FROM STDIN (FORMAT text, ENCODING 'UTF8')"#
    /// );
    /// assert_eq!(
    ///     events,
    ///     r#"COPY "events" ("contact_id", "seq", "kind", "at", "props") FROM STDIN (FORMAT text, ENCODING 'UTF8')"#
    /// );
    /// # Ok::<(), funil::CompileError>(())
    /// ```
    pub fn sql_copy_statements(&self, options: &SqlOptions) -> (String, String) {
        let mut contacts = format!("COPY {} ({}", options.contacts(), options.id());
        for (_, name, _) in self.schema.attributes() {
            let _ = write!(contacts, ", {}", options.attribute(name));
        }
        contacts.push_str(") FROM STDIN");
        contacts.push_str(COPY_OPTIONS);
        let mut events = format!(
            "COPY {} ({}, {}, {}, {}, {}) FROM STDIN",
            options.events(),
            options.contact_id(),
            options.seq(),
            options.kind(),
            options.at(),
            options.props()
        );
        events.push_str(COPY_OPTIONS);
        (contacts, events)
    }

    /// Appends `contact` as rows of the statements of [`Program::sql_copy_statements`]:
    /// its row to `contacts`, and one row per event, in the order of
    /// [`Contact::events`] (the position column counts from 0), to `events`.
    ///
    /// Each row ends with a newline, so the rows of many contacts are appended one
    /// after another and sent as one copy's data. Text is escaped as the format
    /// requires (backslash, tab, newline and carriage return), null is `\N`; lists are
    /// array literals; datetimes are written in UTC, with a fraction of a second when
    /// there is one; a date or datetime in the year 0000 is PostgreSQL's year 1 BC;
    /// a duration is an exact number of hours, minutes and seconds (never days, which
    /// PostgreSQL would stretch across a daylight-saving change).
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema {
    ///       contact { name: string? tags: list<string> total: number }
    ///       event purchase { amount: number, note: string? }
    ///     }
    /// "#)?;
    /// let contact = program.contact_from_json(r#"{
    ///     "id": "c-1",
    ///     "attributes": {"name": "Ana\tMaria", "tags": ["vip", "a,b"], "total": "12.50"},
    ///     "events": [
    ///         {"kind": "purchase", "at": "2026-11-20T10:00:00.25Z", "props": {"amount": 19.99}}
    ///     ]
    /// }"#)?;
    /// let (mut contacts, mut events) = (String::new(), String::new());
    /// program.write_sql_copy_rows(&contact, &mut contacts, &mut events)?;
    /// assert_eq!(contacts, "c-1\tAna\\tMaria\t{\"vip\",\"a,b\"}\t12.5\n");
    /// assert_eq!(
    ///     events,
    ///     "c-1\t0\tpurchase\t2026-11-20 10:00:00.25+00\t{\"amount\":19.99}\n"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`NotPushable`], naming the contact and the field, when the contact was built
    /// for another schema, or when a value cannot be held exactly: text with the
    /// character U+0000 (which PostgreSQL's `text` and `jsonb` refuse), an instant or
    /// a duration with a fraction of a microsecond (PostgreSQL's resolution) or past
    /// the range of `interval`, a leap second, a date or datetime of the year 0000 in
    /// a prop (whose text PostgreSQL does not read), an attribute whose type is a list
    /// of lists (no column type, as [`Program::sql_schema`] says), or a position past
    /// `integer`. Nothing is appended then.
    pub fn write_sql_copy_rows(
        &self,
        contact: &Contact,
        contacts: &mut String,
        events: &mut String,
    ) -> Result<(), NotPushable> {
        let (contacts_len, events_len) = (contacts.len(), events.len());
        let written = self.write_rows(contact, contacts, events);
        if written.is_err() {
            contacts.truncate(contacts_len);
            events.truncate(events_len);
        }
        written
    }

    fn write_rows(
        &self,
        contact: &Contact,
        contacts: &mut String,
        events: &mut String,
    ) -> Result<(), NotPushable> {
        let refuse = |field: &str, reason: String| {
            NotPushable::new(format!("`{field}` of contact `{}`", contact.id()), reason)
        };
        if contact.schema_fingerprint() != self.schema_fingerprint {
            return Err(NotPushable::new(
                format!("contact `{}`", contact.id()),
                "it was built for another schema",
            ));
        }
        let mut id = String::new();
        check_text(contact.id()).map_err(|reason| refuse("id", reason))?;
        escape(contact.id(), &mut id);
        contacts.push_str(&id);
        let mut scratch = String::new();
        for (attribute, name, ty) in self.schema.attributes() {
            let field = || format!("attributes.{name}");
            column_type(ty).map_err(|reason| refuse(&field(), reason.into()))?;
            contacts.push('\t');
            column(contact.attribute(attribute), &mut scratch, contacts)
                .map_err(|reason| refuse(&field(), reason))?;
        }
        contacts.push('\n');
        for (seq, event) in contact.events().iter().enumerate() {
            let field = |name: &str| format!("events[{seq}].{name}");
            let position = i32::try_from(seq).map_err(|_| {
                let reason = "its position is past PostgreSQL's integer";
                refuse(&format!("events[{seq}]"), reason.into())
            })?;
            let _ = write!(events, "{id}\t{position}\t");
            escape(self.schema.kind_name(event.kind()), events);
            events.push('\t');
            column(&Value::DateTime(event.at()), &mut scratch, events)
                .map_err(|reason| refuse(&field("at"), reason))?;
            events.push('\t');
            scratch.clear();
            scratch.push('{');
            let props = self.schema.props(event.kind()).zip(event.props());
            for ((name, _), value) in props.filter(|(_, value)| !value.is_null()) {
                check_json(value).map_err(|r| refuse(&field(&format!("props.{name}")), r))?;
                if scratch.len() > 1 {
                    scratch.push(',');
                }
                write_json_string(name, &mut scratch);
                scratch.push(':');
                write_json(value, &mut scratch);
            }
            scratch.push('}');
            escape(&scratch, events);
            events.push('\n');
        }
        Ok(())
    }
}

/// The options of both statements: the text format, in UTF-8.
const COPY_OPTIONS: &str = " (FORMAT text, ENCODING 'UTF8')";

/// A null column in the text format.
const NULL: &str = "\\N";

const NANOS_PER_SECOND: u32 = 1_000_000_000;
const NANOS_PER_MICRO: u32 = 1_000;
const MICROS_PER_SECOND: u64 = 1_000_000;

/// Appends `text` escaped for a column of the text format: the backslash, and the
/// characters that would end the column or the row, become backslash sequences.
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Appends `value` as a column of the text format: `\N` for null; otherwise its text in
/// PostgreSQL's input syntax for its column type (a list as an array literal), built
/// in `scratch`, then escaped.
fn column(value: &Value, scratch: &mut String, out: &mut String) -> Result<(), String> {
    scratch.clear();
    match value {
        Value::Null => {
            out.push_str(NULL);
            return Ok(());
        }
        Value::List(items) => array_text(items, scratch)?,
        scalar => scalar_text(scalar, scratch)?,
    }
    escape(scratch, out);
    Ok(())
}

/// Writes an array literal: `{"a","b",NULL}`.
fn array_text(items: &[Value], out: &mut String) -> Result<(), String> {
    out.push('{');
    let mut element = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            Value::Null => out.push_str("NULL"),
            Value::List(_) => {
                return Err("a list of lists has no PostgreSQL column type".into());
            }
            scalar => {
                element.clear();
                scalar_text(scalar, &mut element)?;
                array_element(&element, out);
            }
        }
    }
    out.push('}');
    Ok(())
}

/// Writes a value that is neither null nor a list in PostgreSQL's input syntax for
/// its type.
fn scalar_text(value: &Value, out: &mut String) -> Result<(), String> {
    match value {
        Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Value::Number(n) => out.push_str(&format_number(n)),
        Value::String(s) => {
            check_text(s)?;
            out.push_str(s);
        }
        Value::Date(d) => date_text(d, out),
        Value::DateTime(t) => datetime_text(t, out)?,
        Value::Duration(d) => interval_text(d, out)?,
        // Written by the callers, as a column or as an array element.
        Value::Null | Value::List(_) => {}
    }
    Ok(())
}

/// Appends an element of an array literal, always double-quoted (so that nothing in
/// it, not even the word `NULL`, is read as syntax), with `"` and `\` escaped.
fn array_element(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// Refuses text with the character U+0000, which PostgreSQL's `text` and `jsonb`
/// cannot hold.
fn check_text(s: &str) -> Result<(), String> {
    if s.contains('\0') {
        return Err("the text has the character U+0000, which PostgreSQL cannot hold".into());
    }
    Ok(())
}

/// The year PostgreSQL shows for `year` (0 is 1 BC), and whether it is BC.
fn shown_year(year: i32) -> (i32, bool) {
    if year > 0 {
        (year, false)
    } else {
        (1 - year, true)
    }
}

/// `YYYY-MM-DD`, or `YYYY-MM-DD BC` for the years up to 0.
fn date_text(d: &NaiveDate, out: &mut String) {
    let (year, bc) = shown_year(d.year());
    let _ = write!(out, "{year:04}-{:02}-{:02}", d.month(), d.day());
    if bc {
        out.push_str(" BC");
    }
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]+00[ BC]`: the instant in UTC, with the fraction of a
/// second when there is one.
fn datetime_text(t: &DateTime<Utc>, out: &mut String) -> Result<(), String> {
    check_instant(t)?;
    let date = t.date_naive();
    let time = t.time();
    let (year, bc) = shown_year(date.year());
    let _ = write!(
        out,
        "{year:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        date.month(),
        date.day(),
        time.hour(),
        time.minute(),
        time.second()
    );
    fraction(u64::from(time.nanosecond() / NANOS_PER_MICRO), out);
    out.push_str("+00");
    if bc {
        out.push_str(" BC");
    }
    Ok(())
}

/// Refuses an instant that `timestamptz` cannot hold exactly: a leap second, or a
/// fraction of a microsecond.
fn check_instant(t: &DateTime<Utc>) -> Result<(), String> {
    let nanos = t.time().nanosecond();
    if nanos >= NANOS_PER_SECOND {
        return Err(format!(
            "{} is a leap second, which PostgreSQL's timestamptz has not",
            Value::DateTime(*t)
        ));
    }
    if !nanos.is_multiple_of(NANOS_PER_MICRO) {
        return Err(format!(
            "{} has a fraction of a microsecond, and PostgreSQL holds microseconds",
            Value::DateTime(*t)
        ));
    }
    Ok(())
}

/// `[-]H:MM:SS[.ffffff]`: the span as hours, minutes and seconds only, so that adding
/// it to an instant moves it by exactly that span in any time zone.
fn interval_text(d: &TimeDelta, out: &mut String) -> Result<(), String> {
    let micros = interval_micros(d)?;
    if micros < 0 {
        out.push('-');
    }
    let magnitude = micros.unsigned_abs();
    let seconds = magnitude / MICROS_PER_SECOND;
    let _ = write!(
        out,
        "{}:{:02}:{:02}",
        seconds / 3_600,
        seconds / 60 % 60,
        seconds % 60
    );
    fraction(magnitude % MICROS_PER_SECOND, out);
    Ok(())
}

/// The span in microseconds, refused when it has a fraction of one or is past the
/// range of `interval` (whose ends PostgreSQL 17 keeps for infinity).
fn interval_micros(d: &TimeDelta) -> Result<i64, String> {
    if !d
        .subsec_nanos()
        .unsigned_abs()
        .is_multiple_of(NANOS_PER_MICRO)
    {
        return Err(format!(
            "{} has a fraction of a microsecond, and PostgreSQL holds microseconds",
            Value::Duration(*d)
        ));
    }
    d.num_microseconds()
        .filter(|micros| micros.checked_abs().is_some_and(|abs| abs < i64::MAX))
        .ok_or_else(|| {
            format!(
                "{} is past the range of PostgreSQL's interval",
                Value::Duration(*d)
            )
        })
}

/// Appends `.` and the digits of `micros` microseconds (less than a second) without
/// trailing zeros, or nothing for 0.
fn fraction(micros: u64, out: &mut String) {
    if micros > 0 {
        let digits = format!("{micros:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// Refuses a prop's value whose JSON text PostgreSQL cannot hold or cast back to the
/// value: text with U+0000, an instant or span with a fraction of a microsecond, a
/// leap second, a date or datetime of the year 0000 (`0000-01-01` is no date to
/// PostgreSQL). Nested lists are walked with an explicit stack.
fn check_json(value: &Value) -> Result<(), String> {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::List(items) => stack.extend(items.iter()),
            Value::String(s) => check_text(s)?,
            Value::Date(d) if d.year() <= 0 => return Err(year_zero(value)),
            Value::DateTime(t) if t.year() <= 0 => return Err(year_zero(value)),
            Value::DateTime(t) => check_instant(t)?,
            Value::Duration(d) => {
                interval_micros(d)?;
            }
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::Date(_) => {}
        }
    }
    Ok(())
}

fn year_zero(value: &Value) -> String {
    format!("{value} is in the year 0000, which PostgreSQL does not read in this form")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Type;
    use chrono::{NaiveTime, TimeZone as _};
    use rust_decimal::Decimal;
    use std::str::FromStr as _;

    /// The column `value` gives, or why there is none.
    fn col(value: impl Into<Value>) -> Result<String, String> {
        let mut out = String::new();
        column(&value.into(), &mut String::new(), &mut out)?;
        Ok(out)
    }

    fn num(text: &str) -> Value {
        Value::from(Decimal::from_str(text).unwrap())
    }

    fn date(y: i32, m: u32, d: u32) -> Value {
        Value::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn instant(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn escaping_follows_the_text_format() {
        let mut out = String::new();
        escape("a\\b\tc\nd\re \"q\" 'é' 😀 \\N", &mut out);
        assert_eq!(out, "a\\\\b\\tc\\nd\\re \"q\" 'é' 😀 \\\\N");
        assert_eq!(col("").unwrap(), "");
        assert_eq!(col("\\.").unwrap(), "\\\\.");
    }

    #[test]
    fn null_is_backslash_n() {
        assert_eq!(col(Value::Null).unwrap(), "\\N");
        // The text "\N" is not null.
        assert_eq!(col("\\N").unwrap(), "\\\\N");
    }

    #[test]
    fn bools_and_numbers() {
        assert_eq!(col(true).unwrap(), "t");
        assert_eq!(col(false).unwrap(), "f");
        for (text, written) in [
            ("1200.50", "1200.5"),
            ("-0.000", "0"),
            ("20", "20"),
            ("-5.10", "-5.1"),
            (
                "0.1000000000000000000000000001",
                "0.1000000000000000000000000001",
            ),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
            (
                "-79228162514264337593543950335",
                "-79228162514264337593543950335",
            ),
        ] {
            assert_eq!(col(num(text)).unwrap(), written, "{text}");
        }
    }

    #[test]
    fn strings_refuse_the_nul_character() {
        assert_eq!(col("Olá\u{1}").unwrap(), "Olá\u{1}");
        let error = col("a\0b").unwrap_err();
        assert!(error.contains("U+0000"), "{error}");
    }

    #[test]
    fn dates_and_year_zero_as_one_bc() {
        assert_eq!(col(date(2026, 11, 22)).unwrap(), "2026-11-22");
        assert_eq!(col(date(2000, 2, 29)).unwrap(), "2000-02-29");
        assert_eq!(col(date(33, 1, 5)).unwrap(), "0033-01-05");
        assert_eq!(col(date(0, 2, 29)).unwrap(), "0001-02-29 BC");
        assert_eq!(col(date(9999, 12, 31)).unwrap(), "9999-12-31");
    }

    #[test]
    fn datetimes_in_utc_with_microseconds_at_most() {
        let cases = [
            ("2026-11-22T12:00:00Z", "2026-11-22 12:00:00+00"),
            ("2026-11-22T09:00:00-03:00", "2026-11-22 12:00:00+00"),
            ("2026-11-22T12:00:00.25Z", "2026-11-22 12:00:00.25+00"),
            (
                "2026-11-22T12:00:00.000001Z",
                "2026-11-22 12:00:00.000001+00",
            ),
            ("0000-03-01T00:00:00Z", "0001-03-01 00:00:00+00 BC"),
        ];
        for (text, written) in cases {
            assert_eq!(col(instant(text)).unwrap(), written, "{text}");
        }
        let error = col(instant("2026-11-22T12:00:00.0000001Z")).unwrap_err();
        assert!(error.contains("fraction of a microsecond"), "{error}");
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_time(NaiveTime::from_hms_nano_opt(23, 59, 59, 1_000_000_000).unwrap());
        let error = col(Utc.from_utc_datetime(&leap)).unwrap_err();
        assert!(error.contains("leap second"), "{error}");
    }

    #[test]
    fn durations_as_hours_minutes_and_seconds() {
        let cases = [
            (TimeDelta::zero(), "0:00:00"),
            (TimeDelta::seconds(45), "0:00:45"),
            (TimeDelta::minutes(90), "1:30:00"),
            (TimeDelta::days(10), "240:00:00"),
            (TimeDelta::hours(-26), "-26:00:00"),
            (TimeDelta::milliseconds(-1_500), "-0:00:01.5"),
            (TimeDelta::microseconds(1), "0:00:00.000001"),
            (
                TimeDelta::microseconds(i64::MAX - 1),
                "2562047788:00:54.775806",
            ),
        ];
        for (span, written) in cases {
            assert_eq!(col(span).unwrap(), written, "{span}");
        }
        let error = col(TimeDelta::nanoseconds(1_500)).unwrap_err();
        assert!(error.contains("fraction of a microsecond"), "{error}");
        for span in [
            TimeDelta::MAX,
            TimeDelta::MIN,
            TimeDelta::microseconds(i64::MAX),
        ] {
            let error = col(span).unwrap_err();
            assert!(error.contains("range of PostgreSQL's interval"), "{error}");
        }
    }

    #[test]
    fn lists_are_array_literals_with_every_element_quoted() {
        assert_eq!(col(Vec::<Value>::new()).unwrap(), "{}");
        assert_eq!(
            col(vec!["vip", "a,b", "{x}", " "]).unwrap(),
            r#"{"vip","a,b","{x}"," "}"#
        );
        // `"` and `\` are escaped in the element, then the backslashes again for the row.
        assert_eq!(col(vec!["a\"b", "c\\d"]).unwrap(), r#"{"a\\"b","c\\\\d"}"#);
        // The word NULL quoted is text; unquoted, a null element.
        let with_null = Value::from(vec![Value::from("NULL"), Value::Null, Value::from("")]);
        assert_eq!(col(with_null).unwrap(), r#"{"NULL",NULL,""}"#);
        assert_eq!(col(vec!["tab\there"]).unwrap(), r#"{"tab\there"}"#);
        assert_eq!(col(vec![true, false]).unwrap(), r#"{"t","f"}"#);
        assert_eq!(
            col(vec![num("1.50"), num("-2")]).unwrap(),
            r#"{"1.5","-2"}"#
        );
        assert_eq!(
            col(vec![date(0, 1, 1), date(2026, 1, 1)]).unwrap(),
            r#"{"0001-01-01 BC","2026-01-01"}"#
        );
        let spans = Value::from(vec![Value::from(TimeDelta::hours(1)), Value::Null]);
        assert_eq!(col(spans).unwrap(), r#"{"1:00:00",NULL}"#);
        let nested = Value::from(vec![Value::from(vec![1_i64])]);
        assert!(col(nested).unwrap_err().contains("list of lists"));
        assert!(col(vec!["\0"]).unwrap_err().contains("U+0000"));
    }

    #[test]
    fn props_that_cannot_be_cast_back_are_refused() {
        assert_eq!(check_json(&Value::from(vec![date(2000, 2, 29)])), Ok(()));
        assert_eq!(check_json(&num("0.1")), Ok(()));
        let nested = Value::from(vec![Value::from(vec![Value::from("a\0")])]);
        assert!(check_json(&nested).unwrap_err().contains("U+0000"));
        assert!(
            check_json(&date(0, 1, 1))
                .unwrap_err()
                .contains("year 0000")
        );
        let early = Value::from(instant("0000-12-31T23:00:00Z"));
        assert!(check_json(&early).unwrap_err().contains("year 0000"));
        let fine = Value::from(instant("2026-11-22T12:00:00.0000001Z"));
        assert!(check_json(&fine).unwrap_err().contains("microsecond"));
        let span = Value::from(TimeDelta::nanoseconds(1));
        assert!(check_json(&span).unwrap_err().contains("microsecond"));
    }

    fn program() -> Program {
        crate::compile(
            r#"
            schema {
              contact { name: string? tags: list<string> spent: number birthday: date?
                        seen: datetime? delay: duration? flags: list<bool?> }
              event purchase { amount: number, note: string?, day: date?, items: list<string>? }
              event page.viewed { path: string }
            }
            "#,
        )
        .unwrap()
    }

    fn rows(program: &Program, contact: &Contact) -> Result<(String, String), NotPushable> {
        let (mut contacts, mut events) = (String::new(), String::new());
        program.write_sql_copy_rows(contact, &mut contacts, &mut events)?;
        Ok((contacts, events))
    }

    #[test]
    fn a_contact_and_its_events_as_rows() {
        let program = program();
        let contact = program
            .contact_from_json(
                r#"{"id": "c\t1", "attributes": {
                "name": "Ana \"Bia\"\n\\ Silva", "tags": [], "spent": "0.10", "birthday": "2000-02-29",
                "seen": "2026-11-22T12:00:00.5Z", "delay": "1d2h", "flags": [true, null]},
              "events": [
                {"kind": "purchase", "at": "2026-11-20T10:00:00Z",
                 "props": {"amount": "12345678901234567890.5", "note": "a\tb\\c\"", "items": ["x", "y"]}},
                {"kind": "page.viewed", "at": "2026-11-19T10:00:00Z", "props": {"path": "/é"}},
                {"kind": "purchase", "at": "2026-11-19T10:00:00Z", "props": {"amount": 1, "day": "2026-01-01"}}
              ]}"#,
            )
            .unwrap();
        let (contacts, events) = rows(&program, &contact).unwrap();
        assert_eq!(
            contacts,
            "c\\t1\tAna \"Bia\"\\n\\\\ Silva\t{}\t0.1\t2000-02-29\t2026-11-22 12:00:00.5+00\t26:00:00\t{\"t\",NULL}\n"
        );
        // Sorted by time, stable for ties: the page view came first in the input.
        assert_eq!(
            events,
            "c\\t1\t0\tpage.viewed\t2026-11-19 10:00:00+00\t{\"path\":\"/é\"}\n\
             c\\t1\t1\tpurchase\t2026-11-19 10:00:00+00\t{\"amount\":1,\"day\":\"2026-01-01\"}\n\
             c\\t1\t2\tpurchase\t2026-11-20 10:00:00+00\t\
             {\"amount\":12345678901234567890.5,\"note\":\"a\\\\tb\\\\\\\\c\\\\\"\",\"items\":[\"x\",\"y\"]}\n"
        );
        // Appended after what the buffers hold.
        let (mut contacts, mut events) = ("x\n".to_string(), String::new());
        program
            .write_sql_copy_rows(&contact, &mut contacts, &mut events)
            .unwrap();
        program
            .write_sql_copy_rows(&contact, &mut contacts, &mut events)
            .unwrap();
        assert_eq!(contacts.lines().count(), 3);
        assert_eq!(events.lines().count(), 6);
    }

    #[test]
    fn a_refused_value_names_the_contact_and_the_field_and_appends_nothing() {
        let program = program();
        let base_for = |id: &str| {
            program
                .contact(id)
                .attribute("tags", vec!["ok"])
                .attribute("spent", 1_i64)
                .attribute("flags", Vec::<Value>::new())
        };
        let base = || base_for("c-1");
        let at = instant("2026-11-20T10:00:00Z");
        let cases = [
            (
                base().attribute("name", "a\0").build().unwrap(),
                "cannot push `attributes.name` of contact `c-1` down to SQL: the text has the character U+0000",
            ),
            (
                base()
                    .attribute("seen", instant("2026-11-22T12:00:00.000000001Z"))
                    .build()
                    .unwrap(),
                "cannot push `attributes.seen` of contact `c-1` down to SQL: 2026-11-22T12:00:00.000000001Z has a fraction of a microsecond",
            ),
            (
                base()
                    .event("page.viewed", at, [("path", Value::from("/"))])
                    .event(
                        "purchase",
                        at,
                        [("amount", Value::from(1_i64)), ("note", Value::from("\0"))],
                    )
                    .build()
                    .unwrap(),
                "cannot push `events[1].props.note` of contact `c-1`",
            ),
            (
                base()
                    .event(
                        "page.viewed",
                        instant("2026-11-20T10:00:00.0000005Z"),
                        [("path", Value::from("/"))],
                    )
                    .build()
                    .unwrap(),
                "cannot push `events[0].at` of contact `c-1`",
            ),
            (
                base_for("a\0").build().unwrap(),
                "cannot push `id` of contact `a\0`",
            ),
        ];
        for (contact, message) in cases {
            let (mut contacts, mut events) = ("kept\n".to_string(), "kept\n".to_string());
            let error = program
                .write_sql_copy_rows(&contact, &mut contacts, &mut events)
                .unwrap_err();
            assert!(error.to_string().starts_with(message), "{error}");
            assert_eq!((contacts.as_str(), events.as_str()), ("kept\n", "kept\n"));
        }
    }

    #[test]
    fn a_contact_of_another_schema_is_refused() {
        let program = program();
        let other = crate::compile("schema { contact { x: bool } }").unwrap();
        let contact = other.contact("c-9").attribute("x", true).build().unwrap();
        let error = rows(&program, &contact).unwrap_err();
        assert_eq!(error.construct(), "contact `c-9`");
        assert_eq!(error.reason(), "it was built for another schema");
    }

    #[test]
    fn an_attribute_of_lists_of_lists_has_no_column() {
        let schema = crate::model::Schema::builder()
            .attribute("grid", Type::list(Type::list(Type::Number)).optional())
            .build()
            .unwrap();
        let program = crate::Compiler::new().schema(schema).compile().unwrap();
        let contact = program.contact("c").build().unwrap();
        let error = rows(&program, &contact).unwrap_err();
        assert_eq!(error.construct(), "`attributes.grid` of contact `c`");
        assert!(
            error.reason().contains("list of lists"),
            "{}",
            error.reason()
        );
    }

    #[test]
    fn statements_name_every_column_in_row_order() {
        let options = SqlOptions::new()
            .events_table("crm.ev\"ents")
            .attribute_column("name", "full name")
            .seq_column("position");
        let (contacts, events) = program().sql_copy_statements(&options);
        assert_eq!(
            contacts,
            "COPY \"contacts\" (\"id\", \"full name\", \"tags\", \"spent\", \"birthday\", \"seen\", \"delay\", \"flags\") FROM STDIN (FORMAT text, ENCODING 'UTF8')"
        );
        assert_eq!(
            events,
            "COPY \"crm\".\"ev\"\"ents\" (\"contact_id\", \"position\", \"kind\", \"at\", \"props\") FROM STDIN (FORMAT text, ENCODING 'UTF8')"
        );
    }
}
