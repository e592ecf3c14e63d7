//! The table layout that pushed-down queries read, written as a `CREATE TABLE` script
//! from the schema ([`Program::sql_schema`](crate::Program::sql_schema)).

use std::fmt::Write;

use super::NotPushable;
use super::options::SqlOptions;
use crate::model::{Schema, Type};

/// The PostgreSQL type of a column holding values of `ty` (without its `?`), or why
/// there is none.
pub(crate) fn column_type(ty: &Type) -> Result<&'static str, &'static str> {
    Ok(match ty.non_optional() {
        Type::Bool => "boolean",
        Type::Number => "numeric",
        Type::String => "text",
        Type::Date => "date",
        Type::DateTime => "timestamptz",
        Type::Duration => "interval",
        Type::List(element) => match element.non_optional() {
            Type::Bool => "boolean[]",
            Type::Number => "numeric[]",
            Type::String => "text[]",
            Type::Date => "date[]",
            Type::DateTime => "timestamptz[]",
            Type::Duration => "interval[]",
            Type::List(_) | Type::Optional(_) => {
                return Err(
                    "a list of lists has no PostgreSQL column type (arrays are rectangular)",
                );
            }
        },
        Type::Optional(_) => return Err("a doubly optional type"),
    })
}

/// The `CREATE TABLE` and `CREATE INDEX` statements of the layout for `schema`.
pub(crate) fn create_script(schema: &Schema, options: &SqlOptions) -> Result<String, NotPushable> {
    let mut sql = String::new();
    let _ = writeln!(sql, "CREATE TABLE {} (", options.contacts());
    let _ = write!(sql, "  {} text PRIMARY KEY", options.id());
    for (_, name, ty) in schema.attributes() {
        let column = column_type(ty)
            .map_err(|reason| NotPushable::new(format!("attribute `{name}: {ty}`"), reason))?;
        let null = if ty.is_optional() { "" } else { " NOT NULL" };
        let _ = write!(sql, ",\n  {} {column}{null}", options.attribute(name));
    }
    sql.push_str("\n);\n\n");
    let _ = writeln!(sql, "CREATE TABLE {} (", options.events());
    let _ = writeln!(sql, "  {} text NOT NULL,", options.contact_id());
    let _ = writeln!(sql, "  {} integer NOT NULL,", options.seq());
    let _ = writeln!(sql, "  {} text NOT NULL,", options.kind());
    let _ = writeln!(sql, "  {} timestamptz NOT NULL,", options.at());
    let _ = writeln!(
        sql,
        "  {} jsonb NOT NULL DEFAULT '{{}}'::jsonb",
        options.props()
    );
    sql.push_str(");\n\n");
    let index = super::options::quote(&format!("{}_contact_kind_at", options.events_base_name()));
    let _ = writeln!(
        sql,
        "CREATE INDEX {index} ON {} ({}, {}, {});",
        options.events(),
        options.contact_id(),
        options.kind(),
        options.at()
    );
    Ok(sql)
}
