//! Expression nodes as SQL: conditions (never `NULL`) and values (maybe `NULL`).

use std::cmp::Ordering;

use super::literal;
use super::types::SqlType;
use super::{Scope, Translator, lateral};
use crate::model::Value;
use crate::program::{
    ArithmeticOp, Constant, Function, Node, NodeId, Orderings, Part, PropSlot, TextOp,
};
use crate::sql::NotPushable;

/// The characters Rust's `str::trim` removes: Unicode `White_Space`.
const WHITE_SPACE: &str = "\u{9}\u{a}\u{b}\u{c}\u{d}\u{20}\u{85}\u{a0}\u{1680}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}";

type Sql = Result<String, NotPushable>;

impl<'p> Translator<'p> {
    /// Node `id` as a condition: SQL that is true or false, never `NULL` (a null
    /// counts as false, §4.3).
    pub(super) fn condition(&self, id: NodeId, scope: &Scope<'p>) -> Sql {
        crate::stack::with_headroom(|| self.condition_of(id, scope))
    }

    fn condition_of(&self, id: NodeId, scope: &Scope<'p>) -> Sql {
        let Some(node) = self.program.nodes.get(id) else {
            return Err(NotPushable::new("a node", "not in this program"));
        };
        Ok(match node {
            Node::Literal(Value::Bool(b)) => if *b { "TRUE" } else { "FALSE" }.into(),
            Node::Not(operand) => format!("(NOT {})", self.condition(*operand, scope)?),
            Node::And(operands) => self.join(operands, " AND ", scope)?,
            Node::Or(operands) => self.join(operands, " OR ", scope)?,
            Node::Compare { op, lhs, rhs } => {
                let ty = self.type_of(*lhs, &scope.events);
                let ty = if ty == SqlType::Null {
                    self.type_of(*rhs, &scope.events)
                } else {
                    ty
                };
                let (lhs, rhs) = (self.value(*lhs, scope)?, self.value(*rhs, scope)?);
                compare(Orderings::of(*op), &lhs, &rhs, &ty)
            }
            Node::CompareAttribute {
                accepts,
                attribute,
                constant,
            } => {
                let name = self.program.schema.attribute_name(*attribute);
                let column = format!("c.{}", self.options.attribute(name));
                let (constant, ty) = match constant {
                    Constant::Number(n) => (literal::number(*n), SqlType::Number),
                    Constant::Text(s) => (
                        literal::text(s).map_err(|reason| self.refuse(id, "a string", reason))?,
                        SqlType::Text,
                    ),
                };
                compare(*accepts, &column, &constant, &ty)
            }
            Node::In {
                element,
                list,
                negated,
            } => {
                let found = self.is_in(*element, *list, scope)?;
                if *negated {
                    format!("(NOT {found})")
                } else {
                    found
                }
            }
            Node::Text { op, lhs, rhs } => {
                let list = matches!(self.type_of(*lhs, &scope.events), SqlType::List(_));
                let (lhs, rhs) = (self.value(*lhs, scope)?, self.value(*rhs, scope)?);
                match op {
                    TextOp::Contains if list => format!("COALESCE({rhs} = ANY({lhs}), FALSE)"),
                    TextOp::Contains => format!("COALESCE(strpos({lhs}, {rhs}) > 0, FALSE)"),
                    TextOp::StartsWith => format!("COALESCE(starts_with({lhs}, {rhs}), FALSE)"),
                    TextOp::EndsWith => format!("COALESCE(funil_ends_with({lhs}, {rhs}), FALSE)"),
                }
            }
            Node::Matches { subject, regex } => {
                let pattern = super::regex::translate(regex.as_str())
                    .map_err(|reason| self.refuse(id, "this `matches` pattern", &reason))?;
                let subject = self.value(*subject, scope)?;
                let pattern = literal::text(&pattern)
                    .map_err(|reason| self.refuse(id, "this `matches` pattern", reason))?;
                format!("COALESCE({subject} ~ {pattern}, FALSE)")
            }
            Node::IsNull { operand, negated } => {
                let operand = self.value(*operand, scope)?;
                let test = if *negated { "IS NOT NULL" } else { "IS NULL" };
                format!("({operand} {test})")
            }
            Node::Aggregate {
                aggregate: crate::program::Aggregate::Exists,
                query,
                ..
            } => self.exists(query, scope)?,
            _ => format!("COALESCE({}, FALSE)", self.value(id, scope)?),
        })
    }

    fn join(&self, operands: &[NodeId], separator: &str, scope: &Scope<'p>) -> Sql {
        let parts = operands
            .iter()
            .map(|operand| self.condition(*operand, scope))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(format!("({})", parts.join(separator)))
    }

    fn is_in(&self, element: NodeId, list: NodeId, scope: &Scope<'p>) -> Sql {
        let value = self.value(element, scope)?;
        if let Some(Node::List(items)) = self.program.nodes.get(list) {
            if items.is_empty() {
                return Ok("FALSE".into());
            }
            let items = items
                .iter()
                .map(|item| self.value(*item, scope))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(format!(
                "COALESCE({value} IN ({}), FALSE)",
                items.join(", ")
            ));
        }
        let list = self.value(list, scope)?;
        Ok(format!("COALESCE({value} = ANY({list}), FALSE)"))
    }

    /// Node `id` as a value: SQL of its type, `NULL` where the value is null.
    pub(super) fn value(&self, id: NodeId, scope: &Scope<'p>) -> Sql {
        crate::stack::with_headroom(|| self.value_of(id, scope))
    }

    fn value_of(&self, id: NodeId, scope: &Scope<'p>) -> Sql {
        let Some(node) = self.program.nodes.get(id) else {
            return Err(NotPushable::new("a node", "not in this program"));
        };
        Ok(match node {
            Node::Literal(value) => {
                let ty = self.type_of(id, &scope.events);
                literal::value(value, &ty)
                    .map_err(|reason| self.refuse(id, "this literal", reason))?
            }
            Node::Attribute(attribute) => {
                let name = self.program.schema.attribute_name(*attribute);
                let column = format!("c.{}", self.options.attribute(name));
                match self
                    .program
                    .schema
                    .attribute_type(*attribute)
                    .map(SqlType::of)
                {
                    // Durations are kept as intervals and computed with as seconds.
                    Some(SqlType::Duration) => format!("extract(epoch FROM {column})"),
                    Some(SqlType::List(element)) if *element == SqlType::Duration => {
                        return Err(self.refuse(id, "a list of durations", "no SQL form yet"));
                    }
                    _ => column,
                }
            }
            Node::Prop(slot) => self.prop_value(Some(id), slot, scope)?,
            Node::EventAt => format!("{}.{}", scope.event(), self.options.at()),
            Node::Now => scope.now(),
            Node::Today => today(scope),
            Node::EnteredAt => {
                return Err(self.refuse(
                    id,
                    "`entered_at`",
                    "it belongs to a workflow run, which the database does not hold",
                ));
            }
            Node::List(items) => {
                let ty = self.type_of(id, &scope.events);
                let items = items
                    .iter()
                    .map(|item| self.value(*item, scope))
                    .collect::<Result<Vec<_>, _>>()?;
                format!("ARRAY[{}]::{}", items.join(", "), ty.name())
            }
            Node::Not(_)
            | Node::And(_)
            | Node::Or(_)
            | Node::Compare { .. }
            | Node::CompareAttribute { .. }
            | Node::In { .. }
            | Node::Text { .. }
            | Node::Matches { .. }
            | Node::IsNull { .. } => self.condition(id, scope)?,
            Node::Negate(operand) => format!("(-{})", self.value(*operand, scope)?),
            Node::Arithmetic { op, lhs, rhs } => self.arithmetic(*op, *lhs, *rhs, scope)?,
            Node::Coalesce { value, default } => format!(
                "COALESCE({}, {})",
                self.value(*value, scope)?,
                self.value(*default, scope)?
            ),
            Node::Call { function, args } => self.call(id, *function, args, scope)?,
            Node::Aggregate {
                aggregate,
                query,
                value,
            } => self.aggregate(*aggregate, query, *value, scope)?,
            Node::EventField { last, query, field } => {
                self.event_field(*last, query, field.as_ref(), scope)?
            }
            Node::Item { item, offset } => {
                let at = scope.offset.checked_add(offset).ok_or_else(|| {
                    self.refuse(
                        id,
                        "time travel",
                        "the instants add up beyond the range of time",
                    )
                })?;
                format!("{}.v", lateral(*item, at))
            }
            Node::Interpolate(parts) => self.interpolate(id, parts, scope)?,
            Node::SplitArm { key, arms } => {
                // §8.4: FNV-1a of the prefix (hashed here) continued over the id's bytes.
                let prefix = crate::fnv::fnv1a_64(key.as_bytes());
                let bucket = format!(
                    "mod(funil_fnv1a('{prefix}'::numeric, c.{}), {})",
                    self.options.id(),
                    crate::program::SPLIT_BUCKETS
                );
                let arms = arms
                    .iter()
                    .enumerate()
                    .map(|(index, bound)| format!(" WHEN b.bucket < {bound} THEN {index}::numeric"))
                    .collect::<String>();
                format!("(SELECT CASE{arms} END FROM (SELECT {bucket} AS bucket) AS b)")
            }
        })
    }

    /// The prop in `slot` of the innermost event, read from its JSON props and cast to
    /// its type.
    pub(super) fn prop_value(&self, id: Option<NodeId>, slot: &PropSlot, scope: &Scope<'p>) -> Sql {
        let Some((name, ty)) = self.prop(slot, &scope.events) else {
            return Err(self.refuse_at(id, "this prop", "no event of the query has it"));
        };
        let read = format!(
            "({}.{} ->> {})",
            scope.event(),
            self.options.props(),
            crate::sql::options::string_literal(&name)
        );
        Ok(match ty {
            SqlType::Text => read,
            SqlType::Number | SqlType::Bool | SqlType::Date | SqlType::DateTime => {
                format!("{read}::{}", ty.name())
            }
            SqlType::Duration | SqlType::List(_) | SqlType::Null => {
                return Err(self.refuse_at(
                    id,
                    "a prop of this type",
                    "only bool, number, string, date and datetime props are read from SQL",
                ));
            }
        })
    }

    /// The name and type of the prop in `slot` of the innermost event in scope.
    pub(super) fn prop(
        &self,
        slot: &PropSlot,
        events: &[&crate::program::Query],
    ) -> Option<(String, SqlType)> {
        let query = events.last()?;
        query.kinds.iter().find_map(|kind| {
            let index = slot.slot(*kind)?;
            self.program
                .schema
                .props(*kind)
                .nth(index)
                .map(|(name, ty)| (name.to_string(), SqlType::of(ty)))
        })
    }

    fn arithmetic(&self, op: ArithmeticOp, lhs: NodeId, rhs: NodeId, scope: &Scope<'p>) -> Sql {
        let (lhs_type, rhs_type) = (
            self.type_of(lhs, &scope.events),
            self.type_of(rhs, &scope.events),
        );
        let (a, b) = (self.value(lhs, scope)?, self.value(rhs, scope)?);
        use ArithmeticOp::{Add, Div, Mul, Sub};
        Ok(match (op, &lhs_type, &rhs_type) {
            (Add, SqlType::Text, _) | (Add, _, SqlType::Text) => format!("({a} || {b})"),
            (Sub, SqlType::DateTime, SqlType::DateTime) => {
                format!("funil_seconds_between({a}, {b})")
            }
            (Sub, SqlType::Date, SqlType::Date) => format!("(({a} - {b})::numeric * 86400)"),
            (Add, SqlType::DateTime, _) => format!("funil_instant_add({a}, {b})"),
            (Sub, SqlType::DateTime, _) => format!("funil_instant_add({a}, -{b})"),
            (Add, SqlType::Date, _) => format!("funil_date_add({a}, {b})"),
            (Sub, SqlType::Date, _) => format!("funil_date_add({a}, -{b})"),
            (Add, SqlType::Duration, _) | (Add, _, SqlType::Duration) => format!("({a} + {b})"),
            (Sub, SqlType::Duration, _) | (Sub, _, SqlType::Duration) => format!("({a} - {b})"),
            (Add, ..) => format!("funil_add({a}, {b})"),
            (Sub, ..) => format!("funil_sub({a}, {b})"),
            (Mul, ..) => format!("funil_mul({a}, {b})"),
            (Div, ..) => format!("funil_div({a}, {b})"),
        })
    }

    fn call(&self, id: NodeId, function: Function, args: &[NodeId], scope: &Scope<'p>) -> Sql {
        let first = match args.first() {
            Some(arg) => self.value(*arg, scope)?,
            None => return Err(self.refuse(id, "this call", "it has no argument")),
        };
        let second = match args.get(1) {
            Some(arg) => Some(self.value(*arg, scope)?),
            None => None,
        };
        let second = || {
            second
                .clone()
                .ok_or_else(|| self.refuse(id, "this call", "it needs two arguments"))
        };
        let zone = "p.zone";
        Ok(match function {
            Function::Lower => format!("funil_lower({first})"),
            Function::Upper => format!("funil_upper({first})"),
            Function::Trim => format!(
                "btrim({first}, {})",
                crate::sql::options::string_literal(WHITE_SPACE)
            ),
            Function::Len => {
                let list = args.first().is_some_and(|arg| {
                    matches!(self.type_of(*arg, &scope.events), SqlType::List(_))
                });
                if list {
                    format!("cardinality({first})::numeric")
                } else {
                    format!("char_length({first})::numeric")
                }
            }
            Function::Abs => format!("abs({first})"),
            Function::Floor => format!("floor({first})"),
            Function::Ceil => format!("ceil({first})"),
            Function::Round => format!("funil_round({first}, {})", second()?),
            Function::Min => format!("funil_min({first}, {})", second()?),
            Function::Max => format!("funil_max({first}, {})", second()?),
            Function::Date => format!("funil_local_date({first}, {zone})"),
            Function::Hour => format!("funil_local_hour({first}, {zone})"),
            Function::Weekday => format!("funil_weekday({first}, {zone})"),
            Function::Days => format!("div({first}, 86400)"),
            Function::Hours => format!("div({first}, 3600)"),
            Function::YearsSince => format!("funil_years_since({first}, {})", today(scope)),
            Function::IsAnniversary => {
                format!("funil_is_anniversary({first}, {})", today(scope))
            }
            Function::DaysUntilAnniversary => {
                format!("funil_days_until_anniversary({first}, {})", today(scope))
            }
        })
    }

    /// An interpolated string: each value formatted as §4.8 prints it, null as empty.
    fn interpolate(&self, id: NodeId, parts: &[Part], scope: &Scope<'p>) -> Sql {
        let mut pieces = Vec::with_capacity(parts.len());
        for part in parts {
            pieces.push(match part {
                Part::Text(text) => {
                    literal::text(text).map_err(|reason| self.refuse(id, "this string", reason))?
                }
                Part::Value(node) => {
                    let value = self.value(*node, scope)?;
                    let text = match self.type_of(*node, &scope.events) {
                        SqlType::Text | SqlType::Null => value,
                        SqlType::Number => format!("trim_scale({value})::text"),
                        SqlType::Bool => format!("{value}::text"),
                        SqlType::Date => format!("funil_date_text({value})"),
                        SqlType::DateTime => format!("funil_instant_text({value})"),
                        SqlType::Duration | SqlType::List(_) => {
                            return Err(self.refuse(
                                *node,
                                "interpolating a duration or a list",
                                "its text form has no SQL form yet",
                            ));
                        }
                    };
                    format!("COALESCE({text}, '')")
                }
            });
        }
        if pieces.is_empty() {
            return Ok("''::text".into());
        }
        Ok(format!("({})", pieces.join(" || ")))
    }
}

/// The local date of the scope's `now` in the context's zone.
fn today(scope: &Scope<'_>) -> String {
    format!("funil_local_date({}, p.zone)", scope.now())
}

/// `lhs op rhs` as a condition, for the orderings `accepts` holds for: `==` true for
/// two nulls, orderings false with a null (§4.3); strings ordered by code point.
fn compare(accepts: Orderings, lhs: &str, rhs: &str, ty: &SqlType) -> String {
    let less = accepts.contain(Ordering::Less);
    let equal = accepts.contain(Ordering::Equal);
    let greater = accepts.contain(Ordering::Greater);
    let operator = match (less, equal, greater) {
        (false, true, false) => return format!("({lhs} IS NOT DISTINCT FROM {rhs})"),
        (true, false, true) => return format!("({lhs} IS DISTINCT FROM {rhs})"),
        (true, false, false) => "<",
        (true, true, false) => "<=",
        (false, false, true) => ">",
        (false, true, true) => ">=",
        (true, true, true) => return format!("({lhs} IS NOT NULL AND {rhs} IS NOT NULL)"),
        (false, false, false) => return "FALSE".into(),
    };
    if *ty == SqlType::Text {
        return format!("COALESCE({lhs} COLLATE \"C\" {operator} {rhs} COLLATE \"C\", FALSE)");
    }
    format!("COALESCE({lhs} {operator} {rhs}, FALSE)")
}
