//! Frequency caps: the action capped and the kind counted resolved against the schema,
//! the limits checked, one cap per action, and the cap's name in the namespace of
//! items.
//!
//! Caps reference no item and no item references them, so they are checked apart
//! from the items, after them, every mistake reported with its span.

use chrono::TimeDelta;
use rust_decimal::prelude::ToPrimitive;

use super::DeclaredItems;
use crate::diagnostic::{Diagnostic, SourceFile, Span, codes, help_did_you_mean};
use crate::model::Schema;
use crate::program::{CapLimit, FrequencyCap, OverCap};
use crate::syntax::ast::{self, Module};

/// A cap already checked: where its name stands, for the namespace.
struct Seen<'m> {
    name: &'m str,
    file: &'m SourceFile,
    position: (u32, usize),
}

/// Checks every `cap` of `modules` and gives the caps that resolved.
pub(crate) fn check_caps(
    schema: &Schema,
    modules: &[(&SourceFile, &Module)],
    declared: &DeclaredItems<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<FrequencyCap> {
    let mut caps = Vec::new();
    let mut seen: Vec<Seen<'_>> = Vec::new();
    for (file_index, (file, module)) in modules.iter().enumerate() {
        let file_index = u32::try_from(file_index).unwrap_or(u32::MAX);
        for item in &module.items {
            let ast::ItemKind::FrequencyCap(cap) = &item.node else {
                continue;
            };
            let position = (file_index, cap.name.span.start);
            if let Some(error) = name_taken(cap, file, position, declared, &seen) {
                diagnostics.push(error);
            }
            seen.push(Seen {
                name: &cap.name.node,
                file,
                position,
            });
            let mut check = CapCheck { file, diagnostics };
            if let Some(compiled) = check.cap(schema, cap, &caps) {
                caps.push(compiled);
            }
        }
    }
    caps
}

/// The error for a cap whose name an item or an earlier cap already has, reported on
/// whichever of the two comes later (an item later than the cap reports the cap's
/// name as the first).
fn name_taken(
    cap: &ast::FrequencyCap,
    file: &SourceFile,
    position: (u32, usize),
    declared: &DeclaredItems<'_>,
    seen: &[Seen<'_>],
) -> Option<Diagnostic> {
    let name = cap.name.node.as_str();
    let twice = |at: &SourceFile, span: Span, first: &SourceFile, first_start: usize| {
        let (line, _) = first.locate(first_start);
        Diagnostic::error(
            codes::DUPLICATE,
            format!("`{name}` is declared twice"),
            at,
            span,
        )
        .with_help(format!(
            "items and caps share one namespace; the first `{name}` is at {}:{line}",
            first.name()
        ))
    };
    if let Some(earlier) = seen.iter().find(|earlier| earlier.name == name) {
        return Some(twice(file, cap.name.span, earlier.file, earlier.position.1));
    }
    let item = declared.get(name)?;
    if (item.file_index, item.name_span.start) < position {
        Some(twice(file, cap.name.span, item.file, item.name_span.start))
    } else {
        Some(twice(item.file, item.name_span, file, cap.name.span.start))
    }
}

/// Checking one cap in its file.
struct CapCheck<'a> {
    file: &'a SourceFile,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl CapCheck<'_> {
    fn report(&mut self, code: &'static str, message: String, span: Span, help: Option<String>) {
        let error = Diagnostic::error(code, message, self.file, span);
        self.diagnostics.push(match help {
            Some(help) => error.with_help(help),
            None => error,
        });
    }

    /// The compiled cap, or none when its action or counted kind does not resolve.
    fn cap(
        &mut self,
        schema: &Schema,
        cap: &ast::FrequencyCap,
        earlier: &[FrequencyCap],
    ) -> Option<FrequencyCap> {
        let action = self.action(schema, cap, earlier);
        let counted = self.counted(schema, cap);
        let limits = self.limits(cap);
        let (action, counted) = (action?, counted?);
        Some(FrequencyCap {
            name: cap.name.node.clone(),
            title: cap.title.as_ref().map(|title| title.node.clone()),
            action,
            action_name: cap.action.node.clone(),
            counted,
            counted_name: cap.counted_by.node.clone(),
            limits: limits.into_boxed_slice(),
        })
    }

    /// The action capped: declared, and capped by no earlier cap.
    fn action(
        &mut self,
        schema: &Schema,
        cap: &ast::FrequencyCap,
        earlier: &[FrequencyCap],
    ) -> Option<crate::model::ActionId> {
        let name = &cap.action;
        let Some(action) = schema.action(&name.node) else {
            let help = help_did_you_mean(&name.node, schema.action_names())
                .unwrap_or_else(|| format!("declare it in the schema: `action {}(…)`", name.node));
            self.report(
                codes::UNKNOWN_ACTION,
                format!("unknown action `{}`", name.node),
                name.span,
                Some(help),
            );
            return None;
        };
        if let Some(first) = earlier.iter().find(|first| first.action == action) {
            self.report(
                codes::DUPLICATE,
                format!("action `{}` already has a cap, `{}`", name.node, first.name),
                name.span,
                Some(format!(
                    "write every limit of `{}` in one cap: all of them apply",
                    name.node
                )),
            );
            return None;
        }
        Some(action)
    }

    /// The kind counted: one event kind of the schema (a group is refused: the host
    /// records one kind for each action).
    fn counted(
        &mut self,
        schema: &Schema,
        cap: &ast::FrequencyCap,
    ) -> Option<crate::model::KindId> {
        let kind = &cap.counted_by;
        if let Some(id) = schema.kind(&kind.node) {
            return Some(id);
        }
        if schema.group(&kind.node).is_some() {
            self.report(
                codes::NOT_ALLOWED,
                format!(
                    "a cap counts events of one kind, and `{}` is a group",
                    kind.node
                ),
                kind.span,
                Some(format!(
                    "name the kind the host records for each `{}` performed",
                    cap.action.node
                )),
            );
            return None;
        }
        let help = help_did_you_mean(&kind.node, schema.kinds().map(|(_, name)| name));
        self.report(
            codes::UNKNOWN_KIND,
            format!("unknown event kind `{}`", kind.node),
            kind.span,
            help,
        );
        None
    }

    /// The limits, each with what an action over it does; every bad limit reported.
    fn limits(&mut self, cap: &ast::FrequencyCap) -> Vec<CapLimit> {
        if cap.limits.is_empty() {
            self.report(
                codes::NOT_ALLOWED,
                format!("cap `{}` has no limit", cap.name.node),
                cap.name.span,
                Some("give it at least one, such as `at most 3 per 7d`".to_string()),
            );
        }
        let default = cap
            .over
            .as_ref()
            .map_or(OverCap::Defer, |over| over_cap(over.node));
        let mut limits = Vec::with_capacity(cap.limits.len());
        for limit in &cap.limits {
            let most = limit.most.node;
            let whole = (most.fract().is_zero())
                .then(|| most.to_u32())
                .flatten()
                .filter(|most| *most >= 1);
            if whole.is_none() {
                self.report(
                    codes::NOT_ALLOWED,
                    format!("`at most {most}` is not a whole number of actions from 1"),
                    limit.most.span,
                    Some(
                        "a cap allows at least one action per window; to stop an action, \
                         take it out of the workflows"
                            .to_string(),
                    ),
                );
            }
            if limit.per.node <= TimeDelta::zero() {
                self.report(
                    codes::NOT_ALLOWED,
                    "a cap's window must be longer than zero".to_string(),
                    limit.per.span,
                    None,
                );
            }
            if let Some(most) = whole
                && limit.per.node > TimeDelta::zero()
            {
                limits.push(CapLimit {
                    most,
                    per: limit.per.node,
                    over: limit
                        .then
                        .as_ref()
                        .map_or(default, |then| over_cap(then.node)),
                });
            }
        }
        limits
    }
}

/// The compiled form of a written `defer` or `skip`.
fn over_cap(over: ast::OverCap) -> OverCap {
    match over {
        ast::OverCap::Defer => OverCap::Defer,
        ast::OverCap::Skip => OverCap::Skip,
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{ActionId, KindId};
    use crate::program::OverCap;

    const SCHEMA: &str = "schema {
        event email.opened { }
        event email.sent { }
        action add_tag(tag: string)
        action send_email(template: string)
    }";

    #[test]
    fn a_cap_resolves_its_action_and_kind_to_ids() {
        let program = crate::compile(&format!(
            "{SCHEMA} cap emails on send_email counted by email.sent {{
                 at most 2 per 1d then skip
                 at most 5 per 7d
             }}"
        ))
        .unwrap();
        let cap = program.cap_of(ActionId(1)).unwrap();
        assert_eq!((cap.action, cap.counted), (ActionId(1), KindId(1)));
        assert_eq!(
            cap.limits.iter().map(|l| l.over).collect::<Vec<_>>(),
            [OverCap::Skip, OverCap::Defer]
        );
        assert!(program.cap_of(ActionId(0)).is_none());
    }

    #[test]
    fn every_independent_mistake_of_a_cap_is_reported() {
        let error = crate::compile(&format!(
            "{SCHEMA} cap emails on send_mail counted by email.snt {{ at most 0 per 0s }}"
        ))
        .unwrap_err();
        let codes: Vec<&str> = error.diagnostics().iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["E0019", "E0004", "E0022", "E0022"], "{error}");
    }
}
