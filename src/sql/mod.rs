//! SQL push-down: a segment compiled to one PostgreSQL query that returns the ids of
//! the contacts in it, so that the database evaluates it where the data is.
//!
//! [`Program::to_sql`] translates a segment, and the scores, decisions and segments
//! it references, over the [table layout](crate::language#the-table-layout) that
//! [`Program::sql_schema`] writes as a `CREATE TABLE` script. The instant and the
//! time zone are the query's parameters `$1` and `$2`, never spliced into its text.
//! What has no exact SQL form is refused with [`NotPushable`], naming the construct
//! and where it was written: the query either means what the interpreter means or is
//! not written.
//!
//! To load contacts a host holds as [`Contact`](crate::Contact)s into that layout,
//! [`Program::sql_copy_statements`] gives the `COPY … FROM STDIN` statements of its
//! two tables and [`Program::write_sql_copy_rows`] writes each contact as their rows,
//! in PostgreSQL's text format; the host sends them with its client's copy call.

mod copy;
mod functions;
mod layout;
mod options;
mod translate;

use crate::diagnostic::{Diagnostic, codes};
use crate::program::{Location, Program};

pub use options::SqlOptions;

/// A query that returns the ids of the contacts in a segment, one row per contact
/// (column `id`), in no particular order.
///
/// Its parameters are `$1`, the instant of evaluation (`timestamptz`), and `$2`, the
/// IANA name of the time zone of calendar functions (`text`): see
/// [`SqlQuery::parameters`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlQuery {
    text: String,
}

/// A parameter of a [`SqlQuery`], in the order of its placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlParameter {
    /// `$1`: the instant of evaluation, a `timestamptz` ([`crate::Context::now`]).
    Now,
    /// `$2`: the IANA name of the context's time zone, a `text` (`"America/Sao_Paulo"`).
    TimeZone,
}

impl SqlQuery {
    /// The SQL text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parameters the query takes, in placeholder order: `[Now, TimeZone]`.
    pub fn parameters(&self) -> &'static [SqlParameter] {
        &[SqlParameter::Now, SqlParameter::TimeZone]
    }
}

impl std::fmt::Display for SqlQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why a rule cannot be pushed down to SQL: the construct, the reason, and where it
/// was written (rendered with the source line and a caret, like compile errors).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct NotPushable {
    construct: String,
    reason: String,
    diagnostic: Option<Box<Diagnostic>>,
}

impl NotPushable {
    /// A refusal of `construct` for `reason`, not located in a source.
    pub(crate) fn new(construct: impl Into<String>, reason: impl Into<String>) -> NotPushable {
        NotPushable {
            construct: construct.into(),
            reason: reason.into(),
            diagnostic: None,
        }
    }

    /// This refusal, located at `location` in the program's sources.
    pub(crate) fn at(mut self, program: &Program, location: Option<Location>) -> NotPushable {
        let Some(location) = location else {
            return self;
        };
        let Some(file) = program.sources.get(location.file as usize) else {
            return self;
        };
        let message = format!("cannot push {} down to SQL", self.construct);
        self.diagnostic = Some(Box::new(
            Diagnostic::error(codes::NOT_PUSHABLE, message, file, location.span)
                .with_help(self.reason.clone()),
        ));
        self
    }

    /// What cannot be pushed down (`` `matches` with a look-around ``).
    pub fn construct(&self) -> &str {
        &self.construct
    }

    /// Why.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Where the construct was written, if it was: a diagnostic with its file, line,
    /// column and span.
    pub fn diagnostic(&self) -> Option<&Diagnostic> {
        self.diagnostic.as_deref()
    }

    fn render(&self) -> String {
        match &self.diagnostic {
            Some(diagnostic) => diagnostic.to_string(),
            None => format!(
                "cannot push {} down to SQL: {}",
                self.construct, self.reason
            ),
        }
    }
}

impl Program {
    /// The `CREATE TABLE` script of the [table layout](crate::language#the-table-layout)
    /// that [`Program::to_sql`] reads, for this program's schema, with the index it
    /// recommends.
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { contact { country: string? tags: list<string> } event page.viewed { path: string } }
    /// "#)?;
    /// let script = program.sql_schema(&funil::SqlOptions::new())?;
    /// assert!(script.contains("\"country\" text,"));
    /// assert!(script.contains("\"tags\" text[] NOT NULL"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`NotPushable`] for an attribute whose type has no column type (a list of lists).
    pub fn sql_schema(&self, options: &SqlOptions) -> Result<String, NotPushable> {
        layout::create_script(&self.schema, options)
    }
}

impl Program {
    /// The query that returns the ids of the contacts in segment `item` as of the
    /// instant `$1` in the time zone `$2`, over the
    /// [table layout](crate::language#the-table-layout) of [`Program::sql_schema`]
    /// (whose script also creates the `funil_` functions the query calls). The
    /// scores, decisions and segments it references are computed in the same query.
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { contact { country: string? } event email.bounced { kind: string } }
    ///     segment soft_bouncers { count(email.bounced where kind == "soft") >= 4 }
    ///     segment lusophone_bouncers { country in ["BR", "PT"] and segment(soft_bouncers) }
    /// "#)?;
    /// let query = program.to_sql("lusophone_bouncers", &funil::SqlOptions::new())?;
    /// assert!(query.text().starts_with("SELECT c.\"id\" AS id\nFROM \"contacts\" AS c"));
    /// assert!(query.text().contains("e1.\"kind\" = 'email.bounced'"));
    ///
    /// // What has no exact SQL form is refused, with where it was written.
    /// let program = funil::compile(r#"
    ///     schema { contact { email: string } }
    ///     segment worded { email matches "\\bsales\\b" }
    /// "#)?;
    /// let refused = program.to_sql("worded", &funil::SqlOptions::new()).unwrap_err();
    /// assert!(refused.reason().contains("word boundaries"));
    /// assert_eq!(refused.diagnostic().map(|d| d.line()), Some(3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`NotPushable`] when `item` is not a segment, is a ranked segment, or uses (or
    /// references an item that uses) a construct without an exact SQL form: see the
    /// [language reference](crate::language#what-is-pushed-down).
    pub fn to_sql(&self, item: &str, options: &SqlOptions) -> Result<SqlQuery, NotPushable> {
        translate::segment_query(self, item, options)
    }
}
