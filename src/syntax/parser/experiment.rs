//! Experiments: `experiment NAME ["title"] { clauses }`, an A/B test over a workflow's
//! `split`.
//!
//! The clauses — `split WORKFLOW "STATEMENT"`, `exposed when COND`, `converted when
//! COND`, `control N`, `winner at P% min N` — may come in any order; the parser keeps
//! them as written and the checker says which are missing or repeated. None of the
//! words that start a clause is reserved (`split` already is): they are recognised only
//! at the start of a clause, where no expression can stand.

use nom::Err as NomErr;
use rust_decimal::prelude::ToPrimitive;

use super::{PResult, Parser, SyntaxError};
use crate::syntax::ast::{Experiment, ExperimentClauseKind, Spanned};

/// What the parser expects where a clause starts.
const CLAUSE_EXPECTED: &str = "an experiment clause (`split`, `exposed when`, `converted when`, `control`, `winner at`) or `}`";

impl<'s> Parser<'s> {
    /// `NAME ["title"] { clauses }` after the word `experiment`.
    pub(super) fn parse_experiment(&self, input: &'s str) -> PResult<'s, Experiment> {
        let (rest, (name, title)) = self.parse_item_head(input, "an experiment name")?;
        let (rest, clauses) = self.braced(rest, |mut rest| {
            let mut clauses = Vec::new();
            while !self.at_punct(rest, "}") {
                let start = self.trivia(rest);
                let (next, clause) = self.parse_experiment_clause(start)?;
                clauses.push(Spanned::new(clause, self.span(start, next)));
                rest = next;
            }
            Ok((rest, clauses))
        })?;
        Ok((
            rest,
            Experiment {
                name,
                title,
                clauses,
            },
        ))
    }

    fn parse_experiment_clause(&self, start: &'s str) -> PResult<'s, ExperimentClauseKind> {
        let expected = || NomErr::Failure(SyntaxError::unexpected(start, CLAUSE_EXPECTED));
        let (rest, (word, _)) = self.word(start).map_err(|_| expected())?;
        match word {
            "split" => {
                let (rest, workflow) = self.name(rest, "a workflow name")?;
                let at = self.trivia(rest);
                if !(at.starts_with('"') || at.starts_with("r\"")) {
                    return Err(NomErr::Failure(
                        SyntaxError::unexpected(at, "a statement id in quotes")
                            .with_help("name the split by its id: `split welcome \"5\"`, or by its `step` label: `split welcome \"offer\"`"),
                    ));
                }
                let (rest, statement) = self.plain_string(at)?;
                Ok((
                    rest,
                    ExperimentClauseKind::Split {
                        workflow,
                        statement,
                    },
                ))
            }
            "exposed" | "converted" => {
                let (rest, _) = self.expect_keyword(rest, "when")?;
                let (rest, condition) = self.parse_expr(rest)?;
                Ok((
                    rest,
                    if word == "exposed" {
                        ExperimentClauseKind::Exposed(condition)
                    } else {
                        ExperimentClauseKind::Converted(condition)
                    },
                ))
            }
            "control" => {
                let (rest, arm) = self.whole_number(rest, "an arm number after `control`")?;
                Ok((rest, ExperimentClauseKind::Control(arm)))
            }
            "winner" => {
                let (rest, _) = self.expect_keyword(rest, "at")?;
                let (rest, level) = self.percentage(rest)?;
                let (rest, _) = self.expect_keyword(rest, "min")?;
                let (rest, min) = self.whole_number(rest, "a number of contacts after `min`")?;
                Ok((rest, ExperimentClauseKind::Winner { level, min }))
            }
            _ => Err(expected()),
        }
    }

    /// A whole number literal that fits in 64 bits, or a committed error expecting
    /// `what`.
    fn whole_number(&self, input: &'s str, what: &str) -> PResult<'s, Spanned<u64>> {
        let start = self.trivia(input);
        let (rest, number) = self
            .decimal(start, false)
            .map_err(|_| NomErr::Failure(SyntaxError::unexpected(start, what)))?;
        match (number.node.scale() == 0)
            .then(|| number.node.to_u64())
            .flatten()
        {
            Some(n) => Ok((rest, Spanned::new(n, number.span))),
            None => Err(NomErr::Failure(SyntaxError::unexpected(start, what))),
        }
    }
}
