//! Metrics: `metric NAME ["title"] [by EXPR | by PROP of KIND | KIND …] { BODY }`.
//!
//! `metric` and `of` are not reserved: `metric` starts an item only at the top level,
//! and `of` is read only right after `by NAME`, where no expression could continue.

use super::lexical::commit;
use super::{PResult, Parser};
use crate::syntax::ast::{Metric, MetricGrouping, is_keyword};

impl<'s> Parser<'s> {
    /// A metric, after its keyword.
    pub(super) fn parse_metric(&self, input: &'s str) -> PResult<'s, Metric> {
        let (rest, (name, title)) = self.parse_item_head(input, "a metric name")?;
        let (rest, by) = match self.keyword(rest, "by") {
            Ok((rest, _)) => {
                let (rest, grouping) = self.parse_metric_grouping(rest)?;
                (rest, Some(grouping))
            }
            Err(_) => (rest, None),
        };
        let (rest, body) = self.braced(rest, |rest| self.parse_expr(rest))?;
        Ok((
            rest,
            Metric {
                name,
                title,
                by,
                body,
            },
        ))
    }

    /// What follows `by`: `PROP of KIND | KIND …`, or an expression.
    fn parse_metric_grouping(&self, input: &'s str) -> PResult<'s, MetricGrouping> {
        if let Ok((after_name, (word, _))) = self.word(input)
            && !is_keyword(word)
            && let Ok((after_of, _)) = self.keyword(after_name, "of")
        {
            let (_, prop) = self.name(input, "a prop name")?;
            let mut kinds = Vec::new();
            let mut rest = after_of;
            loop {
                let (next, kind) = self.kind_name(rest).map_err(commit)?;
                kinds.push(kind);
                rest = next;
                match self.punct(rest, "|") {
                    Ok((next, _)) => rest = next,
                    Err(_) => break,
                }
            }
            return Ok((rest, MetricGrouping::Prop { prop, kinds }));
        }
        let (rest, key) = self.parse_expr(input)?;
        Ok((rest, MetricGrouping::Expr(key)))
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::ast::{ExprKind, ItemKind, Metric, MetricGrouping};
    use crate::syntax::parse;

    fn metric(text: &str) -> Metric {
        let module = parse(text).unwrap_or_else(|e| panic!("{e}"));
        match module.items.into_iter().next().map(|item| item.node) {
            Some(ItemKind::Metric(metric)) => metric,
            other => panic!("not a metric: {other:?}"),
        }
    }

    #[test]
    fn a_metric_has_a_name_a_title_and_a_body() {
        let m = metric(r#"metric rate "Open rate" { total(x) / total(y) }"#);
        assert_eq!(m.name.node, "rate");
        assert_eq!(m.title.map(|t| t.node).as_deref(), Some("Open rate"));
        assert_eq!(m.by, None);
        assert!(matches!(m.body.node, ExprKind::Binary { .. }));
    }

    #[test]
    fn by_a_name_and_of_groups_by_an_event_prop() {
        let m = metric("metric m by campaign of email.sent | email.opened { contacts() }");
        let Some(MetricGrouping::Prop { prop, kinds }) = m.by else {
            panic!("not grouped by a prop");
        };
        assert_eq!(prop.node, "campaign");
        let kinds: Vec<&str> = kinds.iter().map(|k| k.node.as_str()).collect();
        assert_eq!(kinds, ["email.sent", "email.opened"]);
    }

    #[test]
    fn by_anything_else_is_an_expression() {
        for (text, expected) in [
            ("metric m by country { contacts() }", "country"),
            ("metric m by of { contacts() }", "of"),
        ] {
            let m = metric(text);
            assert_eq!(
                m.by,
                Some(MetricGrouping::Expr(crate::syntax::ast::Spanned::new(
                    ExprKind::Name(expected.to_string()),
                    Default::default()
                ))),
                "{text}"
            );
        }
        let m = metric("metric m by decision(grade) { contacts() }");
        assert!(matches!(
            m.by,
            Some(MetricGrouping::Expr(ref e)) if matches!(e.node, ExprKind::Call { .. })
        ));
    }

    #[test]
    fn metric_and_of_are_not_reserved() {
        let module = parse(
            "schema { contact { metric: number, of: string } }\n\
             segment metric { metric > 0 and of == \"x\" }\n\
             metric of by of of metric { contacts() }",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(module.items.len(), 3);
    }

    #[test]
    fn errors_point_at_the_mistake() {
        let error = parse("metric m by campaign of { contacts() }").unwrap_err();
        let d = &error.diagnostics()[0];
        assert_eq!(d.code(), "E0001");
        assert_eq!(d.column(), 25, "{d}");
        let error = parse("metric m { }").unwrap_err();
        assert_eq!(
            error.diagnostics()[0].message(),
            "expected an expression, found `}`"
        );
    }
}
