//! Event queries (§4.6) as correlated subqueries over the events table.

use super::literal;
use super::{Scope, Translator};
use crate::program::{Aggregate, EventField, NodeId, Query, Window};
use crate::sql::NotPushable;
use crate::sql::options::string_literal;

type Sql = Result<String, NotPushable>;

/// Windows longer than this are refused: `now - D` would leave PostgreSQL's range of
/// instants, where it raises an error instead of answering.
const LONGEST_WINDOW_DAYS: i64 = 1_000_000;

impl<'p> Translator<'p> {
    /// `FROM events AS eK WHERE …`: the events `query` selects as of the scope's
    /// `now`, with `inner` the scope inside the query (its event is `eK`).
    pub(super) fn selection(&self, query: &'p Query, scope: &Scope<'p>, inner: &Scope<'p>) -> Sql {
        let e = inner.event();
        let o = self.options;
        let kinds = query
            .kinds
            .iter()
            .map(|kind| string_literal(self.program.schema.kind_name(*kind)))
            .collect::<Vec<_>>();
        let kinds = match kinds.as_slice() {
            [one] => format!("{e}.{} = {one}", o.kind()),
            many => format!("{e}.{} IN ({})", o.kind(), many.join(", ")),
        };
        let now = scope.now();
        let at = format!("{e}.{}", o.at());
        let mut conditions = vec![
            format!("{e}.{} = c.{}", o.contact_id(), o.id()),
            kinds,
            format!("{at} <= {now}"),
        ];
        match &query.window {
            Window::All => {}
            Window::Within(duration) => {
                if duration.num_days() > LONGEST_WINDOW_DAYS {
                    return Err(NotPushable::new(
                        format!("a window of {} days", duration.num_days()),
                        "it reaches beyond PostgreSQL's range of instants",
                    ));
                }
                conditions.push(format!("{at} > ({now} - {})", literal::interval(*duration)));
            }
            Window::Since(bound) => {
                conditions.push(format!("{at} >= {}", self.value(*bound, scope)?));
            }
            Window::Between(from, until) => {
                conditions.push(format!("{at} >= {}", self.value(*from, scope)?));
                conditions.push(format!("{at} < {}", self.value(*until, scope)?));
            }
        }
        if query.grouped {
            return Err(NotPushable::new(
                "a grouped query",
                "metrics are computed over a population, not pushed down",
            ));
        }
        if let Some(filter) = query.filter {
            conditions.push(self.condition(filter, inner)?);
        }
        Ok(format!(
            "FROM {} AS {e} WHERE {}",
            o.events(),
            conditions.join(" AND ")
        ))
    }

    /// `exists(Q)`.
    pub(super) fn exists(&self, query: &'p Query, scope: &Scope<'p>) -> Sql {
        let inner = scope.inside(query);
        Ok(format!(
            "EXISTS (SELECT 1 {})",
            self.selection(query, scope, &inner)?
        ))
    }

    /// `count`, `sum`, `avg`, `min`, `max` (and `exists`, as a value).
    pub(super) fn aggregate(
        &self,
        aggregate: Aggregate,
        query: &'p Query,
        value: Option<NodeId>,
        scope: &Scope<'p>,
    ) -> Sql {
        if aggregate == Aggregate::Exists {
            return self.exists(query, scope);
        }
        let inner = scope.inside(query);
        let from = self.selection(query, scope, &inner)?;
        let value = match value {
            Some(value) => self.value(value, &inner)?,
            None => "NULL::numeric".into(),
        };
        Ok(match aggregate {
            Aggregate::Count => format!("(SELECT count(*)::numeric {from})"),
            Aggregate::Exists => format!("EXISTS (SELECT 1 {from})"),
            Aggregate::Sum => format!("(SELECT funil_fit(COALESCE(sum({value}), 0)) {from})"),
            Aggregate::Avg => format!("(SELECT funil_div(sum({value}), count({value})) {from})"),
            Aggregate::Min => format!("(SELECT min({value}) {from})"),
            Aggregate::Max => format!("(SELECT max({value}) {from})"),
        })
    }

    /// A field of `first(Q)` / `last(Q)`: of the earliest (latest) selected event,
    /// ties going to the earlier in the history (`seq`); `true` with no field.
    pub(super) fn event_field(
        &self,
        last: bool,
        query: &'p Query,
        field: Option<&EventField>,
        scope: &Scope<'p>,
    ) -> Sql {
        let inner = scope.inside(query);
        let from = self.selection(query, scope, &inner)?;
        let e = inner.event();
        let field = match field {
            None => "TRUE".into(),
            Some(EventField::At) => format!("{e}.{}", self.options.at()),
            Some(EventField::Prop(slot)) => self.prop_value(None, slot, &inner)?,
        };
        let order = if last { "DESC" } else { "ASC" };
        Ok(format!(
            "(SELECT {field} {from} ORDER BY {e}.{at} {order}, {e}.{seq} {order} LIMIT 1)",
            at = self.options.at(),
            seq = self.options.seq(),
        ))
    }
}
