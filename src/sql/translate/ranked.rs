//! Ranked segments (§5.2) over the whole contacts table: `top N by EXPR [where COND]`
//! with window functions.

use super::{Scope, Translator, literal};
use crate::program::{Ranking, Take};
use crate::sql::NotPushable;

impl<'p> Translator<'p> {
    /// The query of a ranked segment: the contacts that satisfy the condition and
    /// have a key, by key descending and id ascending (byte order), the first `N` or
    /// `ceil(P × n)` of the `n` that rank. `from` is the contacts table with the
    /// parameters and the referenced items.
    pub(super) fn ranked(
        &self,
        ranking: &'p Ranking,
        from: &str,
        now: &Scope<'p>,
    ) -> Result<String, NotPushable> {
        let key = self.value(ranking.by, now)?;
        let filter = match ranking.filter {
            Some(filter) => self.condition(filter, now)?,
            None => "TRUE".into(),
        };
        let taken = match ranking.take {
            Take::Count(n) => n.to_string(),
            Take::Fraction(fraction) => format!("ceil({} * r.ranked)", literal::number(fraction)),
        };
        Ok(format!(
            "SELECT r.id AS id FROM (\n  SELECT k.id, row_number() OVER (ORDER BY k.key DESC, k.id COLLATE \"C\") AS place, count(*) OVER () AS ranked\n  FROM (SELECT c.{id} AS id, {key} AS key\n{from}\nWHERE {filter}) AS k\n  WHERE k.key IS NOT NULL\n) AS r\nWHERE r.place <= {taken}",
            id = self.options.id(),
        ))
    }
}
