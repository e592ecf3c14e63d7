//! `schema` blocks (§2): the contact's attributes, event kinds, groups and actions, and
//! the parameters metrics read. `param` is not reserved: it starts a declaration only
//! inside a schema block.

use nom::Err as NomErr;

use super::lexical::commit;
use super::{PResult, Parser, SyntaxError};
use crate::syntax::ast::{Field, Schema, SchemaDeclKind, Spanned, TypeExpr, TypeKind};

impl<'s> Parser<'s> {
    /// `{ declarations }` after the keyword `schema`.
    pub(super) fn parse_schema(&self, input: &'s str) -> PResult<'s, Schema> {
        self.braced(input, |mut rest| {
            let mut decls = Vec::new();
            while !self.at_punct(rest, "}") {
                let start = self.trivia(rest);
                let (next, decl) = self.parse_schema_decl(start)?;
                decls.push(Spanned::new(decl, self.span(start, next)));
                rest = next;
            }
            Ok((rest, Schema { decls }))
        })
    }

    fn parse_schema_decl(&self, start: &'s str) -> PResult<'s, SchemaDeclKind> {
        if let Ok((rest, _)) = self.keyword(start, "contact") {
            let (rest, fields) = self.braced(rest, |rest| self.parse_fields(rest, "}"))?;
            return Ok((rest, SchemaDeclKind::Contact(fields)));
        }
        if let Ok((rest, _)) = self.keyword(start, "event") {
            let (rest, kind) = self.kind_name(rest).map_err(commit)?;
            let (rest, props) = self.braced(rest, |rest| self.parse_fields(rest, "}"))?;
            return Ok((rest, SchemaDeclKind::Event { kind, props }));
        }
        if let Ok((rest, _)) = self.keyword(start, "group") {
            let (rest, name) = self.name(rest, "a group name")?;
            let (mut rest, _) = self.expect_punct(rest, "=")?;
            let mut members = Vec::new();
            loop {
                let (next, member) = self.kind_name(rest).map_err(commit)?;
                members.push(member);
                rest = next;
                match self.punct(rest, "|") {
                    Ok((next, _)) => rest = next,
                    Err(_) => break,
                }
            }
            return Ok((rest, SchemaDeclKind::Group { name, members }));
        }
        if let Ok((rest, _)) = self.keyword(start, "action") {
            let (rest, name) = self.name(rest, "an action name")?;
            let (rest, _) = self.expect_punct(rest, "(")?;
            let (rest, params) = self.nested(rest, |rest| self.parse_fields(rest, ")"))?;
            let (rest, _) = self.expect_punct(rest, ")")?;
            return Ok((rest, SchemaDeclKind::Action { name, params }));
        }
        if let Ok((rest, _)) = self.keyword(start, "param") {
            let (rest, name) = self.name(rest, "a parameter name")?;
            let (rest, _) = self.expect_punct(rest, ":")?;
            let (rest, ty) = self.parse_type(rest)?;
            return Ok((rest, SchemaDeclKind::Param(Field { name, ty })));
        }
        Err(NomErr::Failure(SyntaxError::unexpected(
            start,
            "`contact`, `event`, `group`, `action`, `param` or `}`",
        )))
    }

    /// `name: type` fields up to `close`, separated by commas or whitespace.
    fn parse_fields(&self, input: &'s str, close: &str) -> PResult<'s, Vec<Field>> {
        let mut rest = input;
        let mut fields = Vec::new();
        while !self.at_punct(rest, close) {
            let (next, name) = self.name(rest, "a field name")?;
            let (next, _) = self.expect_punct(next, ":")?;
            let (next, ty) = self.parse_type(next)?;
            fields.push(Field { name, ty });
            rest = match self.punct(next, ",") {
                Ok((after, _)) => after,
                Err(_) => next,
            };
        }
        Ok((rest, fields))
    }

    /// `name`, `list<T>`, and a trailing `?`.
    fn parse_type(&self, input: &'s str) -> PResult<'s, TypeExpr> {
        let start = self.trivia(input);
        let (rest, (word, span)) = self
            .word(start)
            .map_err(|_| NomErr::Failure(SyntaxError::unexpected(start, "a type")))?;
        let (rest, ty) = if word == "list" && self.at_punct(rest, "<") {
            let (rest, _) = self.expect_punct(rest, "<")?;
            let (rest, element) = self.nested(rest, |rest| self.parse_type(rest))?;
            let (rest, _) = self.expect_punct(rest, ">")?;
            (
                rest,
                Spanned::new(TypeKind::List(Box::new(element)), self.span(start, rest)),
            )
        } else {
            (rest, Spanned::new(TypeKind::Named(word.to_string()), span))
        };
        match self.punct(rest, "?") {
            Ok((rest, _)) => {
                let span = self.span(start, rest);
                Ok((rest, Spanned::new(TypeKind::Optional(Box::new(ty)), span)))
            }
            Err(_) => Ok((rest, ty)),
        }
    }
}
