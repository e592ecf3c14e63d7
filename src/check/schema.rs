//! Schema declarations (§2) and parameters into a [`Schema`], every mistake reported
//! with its span.

use crate::diagnostic::{Diagnostic, SourceFile, Span, codes, help_did_you_mean};
use crate::model::{Schema, SchemaBuilder, SchemaError, SchemaErrorKind, Type};
use crate::syntax::ast::{Field, Module, SchemaDeclKind, TypeExpr, TypeKind};

/// The names of the built-in types.
const TYPE_NAMES: &[&str] = &[
    "bool", "number", "string", "date", "datetime", "duration", "list",
];

/// Builds the schema from a Rust-built base (if any) and every `schema` block of
/// `modules`, reporting duplicates, unknown types and unknown group members.
pub(crate) fn build_schema(
    base: Option<&Schema>,
    modules: &[(&SourceFile, &Module)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Schema {
    let mut builder = Schema::builder();
    if let Some(base) = base {
        copy_into(base, &mut builder);
    }
    for (file, module) in modules {
        for item in &module.items {
            let crate::syntax::ast::ItemKind::Schema(schema) = &item.node else {
                continue;
            };
            for decl in &schema.decls {
                declare(&mut builder, file, &decl.node, diagnostics);
            }
        }
    }
    // Every failed declaration was reported and left out, so the rest builds.
    builder.build().unwrap_or_default()
}

fn declare(
    builder: &mut SchemaBuilder,
    file: &SourceFile,
    decl: &SchemaDeclKind,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match decl {
        SchemaDeclKind::Contact(fields) => {
            for field in fields {
                if let Some(ty) = field_type(file, field, diagnostics)
                    && let Err(error) = builder.add_attribute(field.name.node.clone(), ty)
                {
                    diagnostics.push(schema_diagnostic(&error, file, field.name.span));
                }
            }
        }
        SchemaDeclKind::Event { kind, props } => {
            let props = typed_fields(file, props, diagnostics);
            if let Err(error) = builder.add_event_kind(kind.node.clone(), props) {
                diagnostics.push(schema_diagnostic(&error, file, kind.span));
            }
        }
        SchemaDeclKind::Group { name, members } => {
            let names = members.iter().map(|m| m.node.clone()).collect();
            if let Err(error) = builder.add_group(name.node.clone(), names) {
                let at = members
                    .iter()
                    .find(|m| m.node == error.name())
                    .map_or(name.span, |m| m.span);
                diagnostics.push(schema_diagnostic(&error, file, at));
            }
        }
        SchemaDeclKind::Action { name, params } => {
            let params = typed_fields(file, params, diagnostics);
            if let Err(error) = builder.add_action(name.node.clone(), params) {
                diagnostics.push(schema_diagnostic(&error, file, name.span));
            }
        }
        SchemaDeclKind::Param(field) => {
            if let Some(ty) = field_type(file, field, diagnostics)
                && let Err(error) = builder.add_param(field.name.node.clone(), ty)
            {
                let (at, help) = match error.kind() {
                    SchemaErrorKind::ParamType => (
                        field.ty.span,
                        Some(
                            "metrics compute numbers: declare `param NAME: number`, or `number?` when the host may leave it out",
                        ),
                    ),
                    _ => (field.name.span, None),
                };
                let diagnostic = schema_diagnostic(&error, file, at);
                diagnostics.push(match help {
                    Some(help) => diagnostic.with_help(help),
                    None => diagnostic,
                });
            }
        }
    }
}

fn typed_fields(
    file: &SourceFile,
    fields: &[Field],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, Type)> {
    fields
        .iter()
        .filter_map(|field| {
            Some((
                field.name.node.clone(),
                field_type(file, field, diagnostics)?,
            ))
        })
        .collect()
}

fn field_type(file: &SourceFile, field: &Field, diagnostics: &mut Vec<Diagnostic>) -> Option<Type> {
    resolve_type(file, &field.ty, diagnostics)
}

/// A written type as a schema type; unknown names are reported.
pub(crate) fn resolve_type(
    file: &SourceFile,
    ty: &TypeExpr,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Type> {
    match &ty.node {
        TypeKind::Named(name) => {
            let resolved = match name.as_str() {
                "bool" => Type::Bool,
                "number" => Type::Number,
                "string" => Type::String,
                "date" => Type::Date,
                "datetime" => Type::DateTime,
                "duration" => Type::Duration,
                _ => {
                    let mut error = Diagnostic::error(
                        codes::UNKNOWN_TYPE,
                        format!("unknown type `{name}`"),
                        file,
                        ty.span,
                    );
                    error = match help_did_you_mean(name, TYPE_NAMES.iter().copied()) {
                        Some(help) => error.with_help(help),
                        None => error.with_help(
                            "the types are bool, number, string, date, datetime, duration, list<T> and T?",
                        ),
                    };
                    diagnostics.push(error);
                    return None;
                }
            };
            Some(resolved)
        }
        TypeKind::List(element) => Some(Type::list(resolve_type(file, element, diagnostics)?)),
        TypeKind::Optional(inner) => Some(resolve_type(file, inner, diagnostics)?.optional()),
    }
}

fn schema_diagnostic(error: &SchemaError, file: &SourceFile, span: Span) -> Diagnostic {
    let code = match error.kind() {
        SchemaErrorKind::UnknownGroupMember => codes::UNKNOWN_KIND,
        SchemaErrorKind::DuplicateName
        | SchemaErrorKind::DuplicateProp
        | SchemaErrorKind::DuplicateArg
        | SchemaErrorKind::DuplicateGroupMember => codes::DUPLICATE,
        _ => codes::NOT_ALLOWED,
    };
    Diagnostic::error(code, error.to_string(), file, span)
}

/// Re-declares a Rust-built schema into a builder, so declarations merge with it.
fn copy_into(base: &Schema, builder: &mut SchemaBuilder) {
    // The base schema is valid, so re-adding its declarations cannot fail.
    for (_, name, ty) in base.attributes() {
        let _ = builder.add_attribute(name.to_string(), ty.clone());
    }
    for (kind, name) in base.kinds() {
        let props = base
            .props(kind)
            .map(|(p, t)| (p.to_string(), t.clone()))
            .collect();
        let _ = builder.add_event_kind(name.to_string(), props);
    }
    for (group, name) in base.groups() {
        let members = base
            .group_members(group)
            .iter()
            .map(|k| base.kind_name(*k).to_string())
            .collect();
        let _ = builder.add_group(name.to_string(), members);
    }
    for (action, name) in base.actions() {
        let _ = builder.add_action(name.to_string(), base.action_args(action).to_vec());
    }
    for (name, ty) in base.params() {
        let _ = builder.add_param(name.to_string(), ty.clone());
    }
}
