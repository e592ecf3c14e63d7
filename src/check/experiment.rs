//! Experiments (an A/B test over a workflow's `split`) and `arm(WORKFLOW, "ID")`, the
//! arm the §8.4 hash gives a contact: both name a split statement, resolved here
//! against every workflow's statements ([`super::splits`]).

use std::sync::Arc;

use rust_decimal::Decimal;

use super::splits::Split;
use super::{Checker, Declared, Scope, Ty};
use crate::diagnostic::{Span, codes, help_did_you_mean};
use crate::program::{DEFAULT_LEVEL, Experiment, ItemId, ItemKind, Node, NodeId};
use crate::syntax::ast::{self, Arg, ExperimentClauseKind, ExprKind, Name, StringPart};

/// A split statement, resolved.
pub(super) struct ResolvedSplit {
    pub workflow: ItemId,
    pub bounds: Box<[u32]>,
    pub fingerprint: u64,
}

/// The clauses of an experiment written so far.
#[derive(Default)]
struct Clauses<'e> {
    split: Option<(&'e Name, &'e ast::PlainString)>,
    exposed: Option<&'e ast::Expr>,
    converted: Option<&'e ast::Expr>,
    control: Option<&'e ast::Spanned<u64>>,
    winner: Option<(&'e ast::Spanned<Decimal>, &'e ast::Spanned<u64>)>,
}

impl Checker<'_, '_> {
    /// Checks an experiment and writes its compiled form.
    pub(super) fn experiment(
        &mut self,
        experiment: &ast::Experiment,
        declared: &Declared<'_>,
    ) -> Experiment {
        let clauses = self.experiment_clauses(experiment);
        let scope = Scope::default();
        let exposed = clauses.exposed.map(|c| self.condition(c, scope));
        let converted = match clauses.converted {
            Some(condition) => self.condition(condition, scope),
            None => {
                let error = self
                    .error(
                        codes::NOT_ALLOWED,
                        format!(
                            "experiment `{}` has no `converted when` clause",
                            experiment.name.node
                        ),
                        declared.name_span,
                    )
                    .with_help(
                        "say what a conversion is: `converted when exists(purchase within 7d)`",
                    );
                self.report(error);
                self.push(Node::Literal(crate::model::Value::Bool(false)))
            }
        };
        let split = match clauses.split {
            Some((workflow, statement)) => self.resolve_split(workflow, statement),
            None => {
                let error = self
                    .error(
                        codes::NOT_ALLOWED,
                        format!(
                            "experiment `{}` has no `split` clause",
                            experiment.name.node
                        ),
                        declared.name_span,
                    )
                    .with_help("name the split it tests: `split WORKFLOW \"STATEMENT\"`");
                self.report(error);
                None
            }
        };
        let statement = clauses
            .split
            .map(|(_, statement)| statement.node.clone())
            .unwrap_or_default();
        let arm_count = split.as_ref().map(|s| s.bounds.len());
        if let (Some(split), Some((_, statement_name))) = (&split, clauses.split) {
            self.experiment_arms(split, statement_name);
        }
        let control = match clauses.control {
            Some(control) => {
                let index = usize::try_from(control.node).unwrap_or(usize::MAX);
                if let Some(count) = arm_count
                    && index >= count
                {
                    let error = self
                        .error(
                            codes::NOT_ALLOWED,
                            format!("`control {}` names no arm of the split", control.node),
                            control.span,
                        )
                        .with_help(format!(
                            "the split has {count} arms, numbered 0 to {}",
                            count.saturating_sub(1)
                        ));
                    self.report(error);
                }
                index
            }
            None => 0,
        };
        let (level, min_contacts) = match clauses.winner {
            Some((level, min)) => {
                if level.node <= Decimal::ZERO || level.node >= Decimal::ONE_HUNDRED {
                    let error = self
                        .error(
                            codes::NOT_ALLOWED,
                            format!(
                                "`winner at {}%` is not a level between 0% and 100%",
                                level.node
                            ),
                            level.span,
                        )
                        .with_help("a confidence level such as `95%` or `99%`");
                    self.report(error);
                }
                (level.node / Decimal::ONE_HUNDRED, Some(min.node))
            }
            None => (DEFAULT_LEVEL, None),
        };
        let (workflow, bounds, fingerprint) = match split {
            Some(split) => (split.workflow, split.bounds, split.fingerprint),
            None => (ItemId::from_index(0), Box::default(), 0),
        };
        Experiment {
            workflow,
            statement,
            fingerprint,
            arms: bounds,
            exposed,
            converted,
            control,
            level,
            min_contacts,
        }
    }

    /// The clauses by kind; a clause written twice is reported.
    fn experiment_clauses<'e>(&mut self, experiment: &'e ast::Experiment) -> Clauses<'e> {
        let mut clauses = Clauses::default();
        for clause in &experiment.clauses {
            let (seen, name) = match &clause.node {
                ExperimentClauseKind::Split {
                    workflow,
                    statement,
                } => (
                    clauses.split.replace((workflow, statement)).is_some(),
                    "split",
                ),
                ExperimentClauseKind::Exposed(condition) => {
                    (clauses.exposed.replace(condition).is_some(), "exposed when")
                }
                ExperimentClauseKind::Converted(condition) => (
                    clauses.converted.replace(condition).is_some(),
                    "converted when",
                ),
                ExperimentClauseKind::Control(arm) => {
                    (clauses.control.replace(arm).is_some(), "control")
                }
                ExperimentClauseKind::Winner { level, min } => {
                    (clauses.winner.replace((level, min)).is_some(), "winner at")
                }
            };
            if seen {
                let error = self
                    .error(
                        codes::DUPLICATE,
                        format!("an experiment has at most one `{name}`"),
                        clause.span,
                    )
                    .with_help("the last one written counts; remove the others");
                self.report(error);
            }
        }
        clauses
    }

    /// Reports a split that cannot be tested: fewer than two arms, or an arm that
    /// takes no contact.
    fn experiment_arms(&mut self, split: &ResolvedSplit, statement: &ast::PlainString) {
        let mut previous = 0;
        let mut empty = None;
        for (k, bound) in split.bounds.iter().enumerate() {
            if *bound <= previous && empty.is_none() {
                empty = Some(k);
            }
            previous = *bound;
        }
        if split.bounds.len() < 2 {
            let error = self
                .error(
                    codes::NOT_ALLOWED,
                    format!(
                        "split `{}` has one arm: there is nothing to compare",
                        statement.node
                    ),
                    statement.span,
                )
                .with_help("an experiment compares the arms of a split of two or more");
            self.report(error);
        } else if let Some(arm) = empty {
            let error = self
                .error(
                    codes::NOT_ALLOWED,
                    format!(
                        "arm {arm} of split `{}` takes 0% of the contacts",
                        statement.node
                    ),
                    statement.span,
                )
                .with_help("every arm under test needs a share of the contacts");
            self.report(error);
        }
    }

    /// The split statement `statement` of the workflow `workflow`; reports an unknown
    /// workflow (`E0006`) and a statement that does not exist or is no `split`
    /// (`E0026`).
    pub(super) fn resolve_split(
        &mut self,
        workflow: &Name,
        statement: &ast::PlainString,
    ) -> Option<ResolvedSplit> {
        let splits = self.splits;
        let Some(statements) = splits.workflow(&workflow.node) else {
            let mut error = self.error(
                codes::UNKNOWN_ITEM,
                format!("unknown workflow `{}`", workflow.node),
                workflow.span,
            );
            if let Some(other) = self.declared.get(workflow.node.as_str()) {
                error = error.with_help(format!(
                    "`{}` is a {}, not a workflow",
                    workflow.node,
                    other.kind.name()
                ));
            } else if let Some(help) = help_did_you_mean(
                &workflow.node,
                self.declared
                    .values()
                    .filter(|d| d.kind == ItemKind::Workflow)
                    .map(|d| d.name.as_str()),
            ) {
                error = error.with_help(help);
            }
            self.report(error);
            return None;
        };
        let found = statements.by_id.get(&statement.node);
        let split: Option<&Split> = found.and_then(|s| s.split.as_ref());
        if let (Some(split), Some(item)) = (split, statements.item) {
            return Some(ResolvedSplit {
                workflow: item,
                bounds: split.bounds.clone(),
                fingerprint: split.fingerprint,
            });
        }
        let ids: Vec<&str> = statements.split_ids().collect();
        let listed = if ids.is_empty() {
            format!("workflow `{}` has no `split`", workflow.node)
        } else {
            let quoted: Vec<String> = ids.iter().map(|id| format!("`\"{id}\"`")).collect();
            format!(
                "the splits of `{}` are {}",
                workflow.node,
                quoted.join(", ")
            )
        };
        let message = match found {
            Some(other) => format!(
                "statement `{}` of workflow `{}` is {}, not a `split`",
                statement.node, workflow.node, other.what
            ),
            None => format!(
                "workflow `{}` has no statement `{}`",
                workflow.node, statement.node
            ),
        };
        let help = match help_did_you_mean(&statement.node, ids.iter().copied()) {
            Some(help) if found.is_none() => help,
            _ => listed,
        };
        let error = self
            .error(codes::UNKNOWN_SPLIT, message, statement.span)
            .with_help(help);
        self.report(error);
        None
    }

    /// `arm(WORKFLOW, "STATEMENT")`: a number, the index of the arm the §8.4 hash
    /// gives the contact.
    pub(super) fn split_arm(&mut self, args: &[Arg], span: Span) -> (NodeId, Ty) {
        let shape = || "for example `arm(welcome, \"5\")`, or `arm(welcome, \"offer\")` for a split labelled `step offer:`";
        let (Some(Arg::Expr(first)), Some(Arg::Expr(second)), 2) =
            (args.first(), args.get(1), args.len())
        else {
            let error = self
                .error(
                    codes::BAD_ARGUMENTS,
                    format!(
                        "`arm` takes a workflow and a statement id, found {} argument{}",
                        args.len(),
                        if args.len() == 1 { "" } else { "s" }
                    ),
                    span,
                )
                .with_help(shape());
            return self.fail(error);
        };
        let ExprKind::Name(workflow) = &first.node else {
            let error = self
                .error(
                    codes::BAD_ARGUMENTS,
                    "the first argument of `arm` is the name of a workflow",
                    first.span,
                )
                .with_help(shape());
            return self.fail(error);
        };
        let statement = match &second.node {
            ExprKind::String(parts) => match parts.as_slice() {
                [StringPart::Text(text)] => Some(text.clone()),
                _ => None,
            },
            _ => None,
        };
        let Some(statement) = statement else {
            let error = self
                .error(
                    codes::BAD_ARGUMENTS,
                    "the second argument of `arm` is a statement id in quotes, without interpolation",
                    second.span,
                )
                .with_help(shape());
            return self.fail(error);
        };
        let workflow = Name::new(workflow.clone(), first.span);
        let statement = ast::PlainString::new(statement, second.span);
        let Some(split) = self.resolve_split(&workflow, &statement) else {
            return (self.push(Node::Literal(crate::model::Value::Null)), Ty::ANY);
        };
        let key: Arc<str> = format!("{}/{}/", workflow.node, statement.node).into();
        let node = self.push(Node::SplitArm {
            key,
            arms: split.bounds,
        });
        (node, Ty::NUMBER)
    }
}
