//! Frequency caps: `cap NAME ["title"] on ACTION counted by KIND { … }`.
//!
//! `cap` is a keyword already (rewards write `cap 50 per event`); at the top level it
//! starts a frequency cap. The other words of a cap — `counted`, `at`, `most`, `then`,
//! `defer`, `skip` — are read only here and stay ordinary names everywhere else.

use nom::Err as NomErr;

use super::lexical::commit;
use super::{PResult, Parser, SyntaxError};
use crate::diagnostic::codes;
use crate::syntax::ast::{CapLimit, FrequencyCap, OverCap, Spanned};

impl<'s> Parser<'s> {
    /// `NAME ["title"] on ACTION counted by KIND { … }` after the keyword `cap`.
    pub(super) fn parse_frequency_cap(&self, input: &'s str) -> PResult<'s, FrequencyCap> {
        let (rest, (name, title)) = self.parse_item_head(input, "a cap name")?;
        let (rest, _) = self.expect_keyword(rest, "on")?;
        let (rest, action) = self.name(rest, "an action name")?;
        let (rest, _) = self.expect_keyword(rest, "counted")?;
        let (rest, _) = self.expect_keyword(rest, "by")?;
        let (rest, counted_by) = self.kind_name(rest).map_err(commit)?;
        let (rest, (limits, over)) = self.braced(rest, |mut rest| {
            let mut limits = Vec::new();
            let mut over: Option<Spanned<OverCap>> = None;
            while !self.at_punct(rest, "}") {
                let start = self.trivia(rest);
                if let Ok((after, _)) = self.keyword(start, "at") {
                    let (next, limit) = self.parse_cap_limit(after)?;
                    limits.push(limit);
                    rest = next;
                } else if let Ok((next, policy)) = self.over_cap(start) {
                    if over.is_some() {
                        return Err(NomErr::Failure(
                            SyntaxError::new(
                                codes::DUPLICATE,
                                start,
                                policy.span.len(),
                                "a cap has at most one `defer` or `skip` line",
                            )
                            .with_help("it says what the limits without `then` do; write it once"),
                        ));
                    }
                    over = Some(policy);
                    rest = next;
                } else {
                    return Err(NomErr::Failure(SyntaxError::unexpected(
                        start,
                        "`at most N per D`, `defer`, `skip` or `}`",
                    )));
                }
            }
            Ok((rest, (limits, over)))
        })?;
        Ok((
            rest,
            FrequencyCap {
                name,
                title,
                action,
                counted_by,
                limits,
                over,
            },
        ))
    }

    /// `most N per D [then defer | then skip]` after `at`.
    fn parse_cap_limit(&self, input: &'s str) -> PResult<'s, CapLimit> {
        let (rest, _) = self.expect_keyword(input, "most")?;
        let (rest, most) = self.decimal(rest, true)?;
        let (rest, _) = self.expect_keyword(rest, "per")?;
        let (rest, per) = self.duration(rest)?;
        let Ok((after_then, _)) = self.keyword(rest, "then") else {
            return Ok((
                rest,
                CapLimit {
                    most,
                    per,
                    then: None,
                },
            ));
        };
        let (rest, then) = self.over_cap(after_then).map_err(|_| {
            NomErr::Failure(SyntaxError::unexpected(
                self.trivia(after_then),
                "`defer` or `skip` after `then`",
            ))
        })?;
        Ok((
            rest,
            CapLimit {
                most,
                per,
                then: Some(then),
            },
        ))
    }

    /// `defer` or `skip`, or a recoverable error.
    fn over_cap(&self, input: &'s str) -> PResult<'s, Spanned<OverCap>> {
        for (word, over) in [("defer", OverCap::Defer), ("skip", OverCap::Skip)] {
            if let Ok((rest, span)) = self.keyword(input, word) {
                return Ok((rest, Spanned::new(over, span)));
            }
        }
        Err(NomErr::Error(SyntaxError::unexpected(
            self.trivia(input),
            "`defer` or `skip`",
        )))
    }
}
