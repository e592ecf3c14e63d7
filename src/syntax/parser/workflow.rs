//! Workflows (§8): header clauses, statements, send windows.

use chrono::Weekday;
use nom::Err as NomErr;

use super::lexical::commit;
use super::{PResult, Parser, SyntaxError};
use crate::diagnostic::codes;
use crate::syntax::ast::{
    Block, Branch, Days, HeaderKind, NamedArg, Reentry, SendWindow, Spanned, SplitArm, Stmt,
    StmtKind, TimeOfDay, Workflow,
};

/// Words that start a header clause.
const HEADER_STARTS: &[&str] = &["enter", "reenter", "exit", "goal", "window"];

/// Day names in send windows, Monday first.
const DAYS: &[(&str, Weekday)] = &[
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

impl<'s> Parser<'s> {
    /// `NAME ["title"] { header… statements… }` after the keyword `workflow`.
    pub(super) fn parse_workflow(&self, input: &'s str) -> PResult<'s, Workflow> {
        let (rest, (name, title)) = self.parse_item_head(input, "a workflow name")?;
        let (rest, (header, body)) = self.braced(rest, |mut rest| {
            let mut header = Vec::new();
            while HEADER_STARTS.iter().any(|w| self.at_keyword(rest, w)) {
                let start = self.trivia(rest);
                let (next, clause) = self.parse_header(start)?;
                header.push(Spanned::new(clause, self.span(start, next)));
                rest = next;
            }
            let (rest, body) = self.parse_statements(rest)?;
            Ok((rest, (header, body)))
        })?;
        Ok((
            rest,
            Workflow {
                name,
                title,
                header,
                body,
            },
        ))
    }

    fn parse_header(&self, start: &'s str) -> PResult<'s, HeaderKind> {
        if let Ok((rest, _)) = self.keyword(start, "enter") {
            if let Ok((rest, _)) = self.keyword(rest, "on") {
                let (rest, kind) = self.kind_name(rest).map_err(commit)?;
                let (rest, filter) = self.parse_optional_where(rest)?;
                return Ok((rest, HeaderKind::EnterOn { kind, filter }));
            }
            let (rest, _) = self
                .keyword(rest, "when")
                .map_err(|_| NomErr::Failure(SyntaxError::unexpected(rest, "`on` or `when`")))?;
            let (rest, condition) = self.parse_expr(rest)?;
            return Ok((rest, HeaderKind::EnterWhen(condition)));
        }
        if let Ok((rest, _)) = self.keyword(start, "reenter") {
            if let Ok((rest, _)) = self.keyword(rest, "never") {
                return Ok((rest, HeaderKind::Reenter(Reentry::Never)));
            }
            if let Ok((rest, _)) = self.keyword(rest, "always") {
                return Ok((rest, HeaderKind::Reenter(Reentry::Always)));
            }
            let (rest, _) = self.keyword(rest, "after").map_err(|_| {
                NomErr::Failure(SyntaxError::unexpected(
                    rest,
                    "`never`, `always` or `after`",
                ))
            })?;
            let (rest, delay) = self.duration(rest)?;
            return Ok((rest, HeaderKind::Reenter(Reentry::After(delay))));
        }
        for (word, make) in [
            ("exit", HeaderKind::Exit as fn(_) -> _),
            ("goal", HeaderKind::Goal),
        ] {
            if let Ok((rest, _)) = self.keyword(start, word) {
                let (rest, _) = self.expect_keyword(rest, "when")?;
                let (rest, condition) = self.parse_expr(rest)?;
                return Ok((rest, make(condition)));
            }
        }
        let (rest, _) = self.expect_keyword(start, "window")?;
        let (rest, window) = self.parse_window(rest)?;
        Ok((rest, HeaderKind::Window(window)))
    }

    /// `HH:MM to HH:MM [on DAY..DAY | on DAY, DAY, …]` after `window`.
    fn parse_window(&self, input: &'s str) -> PResult<'s, SendWindow> {
        let (rest, start) = self.time_of_day(input)?;
        let (rest, _) = self.expect_keyword(rest, "to")?;
        let (rest, end) = self.time_of_day(rest)?;
        let Ok((rest, _)) = self.keyword(rest, "on") else {
            return Ok((
                rest,
                SendWindow {
                    start,
                    end,
                    days: None,
                },
            ));
        };
        let days_start = self.trivia(rest);
        let (rest, first) = self.day(days_start)?;
        let (rest, days) = if let Ok((rest, _)) = self.punct(rest, "..") {
            let (rest, last) = self.day(rest)?;
            (rest, Days::Range(first, last))
        } else {
            let mut days = vec![first];
            let mut rest = rest;
            while let Ok((after, _)) = self.punct(rest, ",") {
                let (next, day) = self.day(after)?;
                days.push(day);
                rest = next;
            }
            (rest, Days::List(days))
        };
        let days = Some(Spanned::new(days, self.span(days_start, rest)));
        Ok((rest, SendWindow { start, end, days }))
    }

    fn day(&self, input: &'s str) -> PResult<'s, Weekday> {
        let start = self.trivia(input);
        if let Ok((rest, (word, _))) = self.word(start)
            && let Some((_, day)) = DAYS.iter().find(|(name, _)| *name == word)
        {
            return Ok((rest, *day));
        }
        Err(NomErr::Failure(SyntaxError::unexpected(
            start,
            "a day (`mon`, `tue`, `wed`, `thu`, `fri`, `sat`, `sun`)",
        )))
    }

    /// `HH:MM`, 24-hour.
    fn time_of_day(&self, input: &'s str) -> PResult<'s, Spanned<TimeOfDay>> {
        let start = self.trivia(input);
        let digits = |s: &'s str| {
            let len = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
            (s.get(..len).unwrap_or(""), s.get(len..).unwrap_or(""))
        };
        let (hour, rest) = digits(start);
        let parsed = rest.strip_prefix(':').and_then(|after| {
            let (minute, rest) = digits(after);
            let hour: u8 = hour
                .parse()
                .ok()
                .filter(|h| *h < 24 && (1..=2).contains(&hour.len()))?;
            let minute: u8 = minute
                .parse()
                .ok()
                .filter(|m| *m < 60 && minute.len() == 2)?;
            Some((rest, TimeOfDay { hour, minute }))
        });
        match parsed {
            Some((rest, time)) => Ok((rest, Spanned::new(time, self.span(start, rest)))),
            None => Err(NomErr::Failure(
                SyntaxError::new(
                    codes::BAD_LITERAL,
                    start,
                    5.min(start.len()),
                    "expected a time of day such as `09:00`",
                )
                .with_help("times are `HH:MM`, from `00:00` to `23:59`"),
            )),
        }
    }

    /// Statements up to a closing `}`.
    fn parse_statements(&self, input: &'s str) -> PResult<'s, Block> {
        let mut rest = input;
        let mut block = Vec::new();
        while !self.at_punct(rest, "}") {
            let (next, stmt) = self.parse_stmt(rest)?;
            block.push(stmt);
            rest = next;
        }
        Ok((rest, block))
    }

    /// `{ statements }`.
    fn parse_block(&self, input: &'s str) -> PResult<'s, Block> {
        self.braced(input, |rest| self.parse_statements(rest))
    }

    fn parse_stmt(&self, input: &'s str) -> PResult<'s, Stmt> {
        let start = self.trivia(input);
        let (rest, kind) = self.parse_stmt_kind(start)?;
        Ok((rest, Spanned::new(kind, self.span(start, rest))))
    }

    fn parse_stmt_kind(&self, start: &'s str) -> PResult<'s, StmtKind> {
        let Ok((after_word, (word, span))) = self.word(start) else {
            return Err(NomErr::Failure(SyntaxError::unexpected(
                start,
                "a statement or `}`",
            )));
        };
        match word {
            "wait" => {
                if let Ok((rest, _)) = self.keyword(after_word, "until") {
                    let (rest, condition) = self.parse_expr(rest)?;
                    let (rest, max) = match self.keyword(rest, "max") {
                        Ok((rest, _)) => {
                            let (rest, max) = self.duration(rest)?;
                            (rest, Some(max))
                        }
                        Err(_) => (rest, None),
                    };
                    return Ok((rest, StmtKind::WaitUntil { condition, max }));
                }
                let (rest, delay) = self.duration(after_word)?;
                Ok((rest, StmtKind::Wait(delay)))
            }
            "if" => self.parse_if(after_word),
            "split" => {
                let (rest, arms) = self.braced(after_word, |mut rest| {
                    let mut arms = Vec::new();
                    while !self.at_punct(rest, "}") {
                        let (next, weight) = self.percentage(rest)?;
                        let (next, _) = self.expect_punct(next, "=>")?;
                        let (next, body) = self.parse_block(next)?;
                        arms.push(SplitArm { weight, body });
                        rest = next;
                    }
                    Ok((rest, arms))
                })?;
                Ok((rest, StmtKind::Split(arms)))
            }
            "stop" => Ok((after_word, StmtKind::Stop)),
            "step" => {
                let (rest, label) = self.name(after_word, "a step label")?;
                let (rest, _) = self.expect_punct(rest, ":")?;
                let (rest, stmt) = self.nested(rest, |rest| self.parse_stmt(rest))?;
                Ok((rest, StmtKind::Step { label, stmt: Box::new(stmt) }))
            }
            _ if HEADER_STARTS.contains(&word) => Err(NomErr::Failure(
                SyntaxError::new(codes::SYNTAX, start, word.len(), format!("`{word}` after the first statement"))
                    .with_help("header clauses (`enter`, `reenter`, `exit`, `goal`, `window`) come before the statements"),
            )),
            _ if after_word.starts_with('(') => {
                let name = Spanned::new(word.to_string(), span);
                let (rest, args) = self.separated(after_word, "(", ")", |rest, _| {
                    let (rest, arg_name) = self.name(rest, "an argument name")?;
                    let (rest, _) = self.expect_punct(rest, ":")?;
                    let (rest, value) = self.parse_expr(rest)?;
                    Ok((rest, NamedArg { name: arg_name, value }))
                })?;
                Ok((rest, StmtKind::Action { name, args }))
            }
            _ => Err(NomErr::Failure(SyntaxError::unexpected(
                start,
                "a statement (an action call, `wait`, `if`, `split`, `stop`, `step`) or `}`",
            ))),
        }
    }

    /// `COND { … } [else if COND { … }]… [else { … }]` after `if`.
    fn parse_if(&self, input: &'s str) -> PResult<'s, StmtKind> {
        let mut branches = Vec::new();
        let mut rest = input;
        loop {
            let (next, condition) = self.parse_expr(rest)?;
            let (next, body) = self.parse_block(next)?;
            branches.push(Branch { condition, body });
            rest = next;
            let Ok((after_else, _)) = self.keyword(rest, "else") else {
                return Ok((
                    rest,
                    StmtKind::If {
                        branches,
                        otherwise: None,
                    },
                ));
            };
            match self.keyword(after_else, "if") {
                Ok((after_if, _)) => rest = after_if,
                Err(_) => {
                    let (rest, otherwise) = self.parse_block(after_else)?;
                    return Ok((
                        rest,
                        StmtKind::If {
                            branches,
                            otherwise: Some(otherwise),
                        },
                    ));
                }
            }
        }
    }
}
