//! Literals: strings, durations, dates, datetimes, times of day, days and types.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Timelike, Utc, Weekday};

use super::Printer;
use crate::syntax::ast::{Days, StringPart, TimeOfDay, TypeKind};

/// The duration units, largest first, with their length in seconds.
const DURATION_UNITS: [(u64, char); 5] = [
    (604_800, 'w'),
    (86_400, 'd'),
    (3_600, 'h'),
    (60, 'm'),
    (1, 's'),
];

impl Printer {
    /// Writes a string without interpolation (a title or a `matches` pattern): braces
    /// are literal there.
    pub(super) fn plain_string(&mut self, text: &str) {
        self.text("\"");
        self.escaped(text, false);
        self.text("\"");
    }

    /// Writes a string literal with its interpolations.
    pub(super) fn string_literal(&mut self, parts: &[StringPart]) {
        self.text("\"");
        self.in_string += 1;
        for part in parts {
            match part {
                StringPart::Text(text) => self.escaped(text, true),
                StringPart::Interpolation(expr) => {
                    self.text("{");
                    self.expr(expr);
                    self.text("}");
                }
            }
        }
        self.in_string = self.in_string.saturating_sub(1);
        self.text("\"");
    }

    /// Writes `text` escaped for a string literal; `braces` doubles `{` and `}`.
    fn escaped(&mut self, text: &str, braces: bool) {
        for c in text.chars() {
            match c {
                '"' => self.text("\\\""),
                '\\' => self.text("\\\\"),
                '\n' => self.text("\\n"),
                '\t' => self.text("\\t"),
                '{' if braces => self.text("{{"),
                '}' if braces => self.text("}}"),
                c if c.is_control() => self.write(format_args!("\\u{{{:X}}}", u32::from(c))),
                c => self.out.push(c),
            }
        }
    }

    /// Writes a duration as a compound literal, largest unit first, weeks only for a
    /// whole number of weeks (`2w`, `10d`, `1m30s`,
    /// `0s`). A negative duration gets a leading `-`; fractions of a second are dropped.
    pub(super) fn duration(&mut self, duration: &TimeDelta) {
        let seconds = duration.num_seconds();
        if seconds < 0 {
            self.text("-");
        }
        let mut rest = seconds.unsigned_abs();
        if rest == 0 {
            self.text("0s");
            return;
        }
        for (length, unit) in DURATION_UNITS {
            // Weeks only for whole weeks: `30d` reads better than `4w2d`.
            if unit == 'w' && !rest.is_multiple_of(length) {
                continue;
            }
            let count = rest / length;
            if count > 0 {
                self.write(format_args!("{count}{unit}"));
                rest %= length;
            }
        }
    }

    /// Writes a date literal, `@YYYY-MM-DD`.
    pub(super) fn date(&mut self, date: &NaiveDate) {
        self.write(format_args!(
            "@{:04}-{:02}-{:02}",
            date.year(),
            date.month(),
            date.day()
        ));
    }

    /// Writes a datetime literal in UTC with whole seconds, `@YYYY-MM-DDTHH:MM:SSZ`.
    pub(super) fn datetime(&mut self, instant: &DateTime<Utc>) {
        self.date(&instant.date_naive());
        self.write(format_args!(
            "T{:02}:{:02}:{:02}Z",
            instant.hour(),
            instant.minute(),
            instant.second()
        ));
    }

    /// Writes a time of day, `HH:MM`.
    pub(super) fn time_of_day(&mut self, time: &TimeOfDay) {
        self.write(format_args!("{:02}:{:02}", time.hour, time.minute));
    }

    /// Writes the days of a send window: `mon..fri` or `mon, wed, fri`.
    pub(super) fn days(&mut self, days: &Days) {
        match days {
            Days::Range(first, last) => {
                self.text(day_name(*first));
                self.text("..");
                self.text(day_name(*last));
            }
            Days::List(list) => {
                for (index, day) in list.iter().enumerate() {
                    if index > 0 {
                        self.text(", ");
                    }
                    self.text(day_name(*day));
                }
            }
        }
    }

    /// Writes a type: `string`, `list<T>`, `T?`.
    pub(super) fn type_expr(&mut self, ty: &TypeKind) {
        match ty {
            TypeKind::Named(name) => self.text(name),
            TypeKind::List(element) => {
                self.text("list<");
                self.type_expr(&element.node);
                self.text(">");
            }
            TypeKind::Optional(inner) => {
                self.type_expr(&inner.node);
                self.text("?");
            }
        }
    }
}

/// The name of a day in a send window.
fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}
