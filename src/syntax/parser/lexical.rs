//! Tokens (§3): trivia, punctuation, identifiers, keywords, numbers, durations, dates.
//!
//! Every token method skips the whitespace and comments before it, so a token's span
//! starts at its first character.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::{char as one_char, digit1};
use nom::combinator::{opt, recognize};
use nom::{Err as NomErr, Parser as NomParser};
use rust_decimal::Decimal;

use super::{PResult, Parser, SyntaxError};
use crate::diagnostic::codes;
use crate::syntax::ast::{ExprKind, KindName, Name, Spanned, is_keyword};

/// Items start with these words; error recovery resumes at them.
const ITEM_STARTS: &[&str] = &[
    "schema",
    "segment",
    "score",
    "decide",
    "reward",
    "workflow",
    "experiment",
    "metric",
];

/// `cap` starts an item when a name follows it (`cap emails on …`), and is a reward's
/// cap when a number does (`cap 50 per event`).
const CAP: &str = "cap";

/// Skips whitespace and `#` comments.
pub(super) fn skip_trivia(mut input: &str) -> &str {
    loop {
        let trimmed = input.trim_start();
        match trimmed.strip_prefix('#') {
            Some(comment) => {
                input = comment
                    .find('\n')
                    .map_or("", |end| comment.get(end..).unwrap_or(""))
            }
            None => return trimmed,
        }
    }
}

/// Skips to the next line (after the current one) that starts with an item keyword.
pub(super) fn skip_to_next_item(input: &str) -> &str {
    let mut rest = input;
    while let Some(newline) = rest.find('\n') {
        rest = rest.get(newline + 1..).unwrap_or("");
        let line = rest.trim_start_matches([' ', '\t', '\r']);
        let word_len = line.find(|c: char| !is_ident_char(c)).unwrap_or(line.len());
        let word = line.get(..word_len).unwrap_or("");
        let after = line.get(word_len..).unwrap_or("");
        if !after.starts_with(|c: char| c.is_whitespace()) {
            continue;
        }
        let starts_item = ITEM_STARTS.contains(&word)
            || word == CAP && skip_trivia(after).starts_with(is_ident_start);
        if starts_item {
            return line;
        }
    }
    ""
}

/// Describes the next token of `input` for an error message, with its length.
pub(super) fn describe_next(input: &str) -> (String, usize) {
    let input = skip_trivia(input);
    let Some(first) = input.chars().next() else {
        return ("end of input".to_string(), 0);
    };
    if is_ident_start(first) {
        let word = input
            .get(
                ..input
                    .find(|c: char| !is_ident_char(c))
                    .unwrap_or(input.len()),
            )
            .unwrap_or("");
        let what = if is_keyword(word) { "keyword " } else { "" };
        return (format!("{what}`{word}`"), word.len());
    }
    if first.is_ascii_digit() {
        let len = input
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '%')
            .unwrap_or(input.len());
        return (format!("`{}`", input.get(..len).unwrap_or("")), len);
    }
    for two in ["==", "!=", "<=", ">=", "=>", "??", ".."] {
        if input.starts_with(two) {
            return (format!("`{two}`"), 2);
        }
    }
    (format!("`{first}`"), first.len_utf8())
}

pub(super) fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

pub(super) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The punctuation tokens that are a prefix of a longer one, with what may not follow.
fn is_longer_token(punct: &str, rest: &str) -> bool {
    match punct {
        "=" => rest.starts_with(['=', '>']),
        "<" | ">" | "!" => rest.starts_with('='),
        "?" => rest.starts_with('?'),
        "." => rest.starts_with('.'),
        _ => false,
    }
}

/// A number literal or a duration literal, as lexed.
pub(super) enum NumberToken {
    Number { value: Decimal, percent: bool },
    Duration(TimeDelta),
}

/// Seconds per duration unit, largest first.
const UNITS: &[(char, i64)] = &[
    ('w', 604_800),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

impl<'s> Parser<'s> {
    /// Skips whitespace and `#` comments like [`skip_trivia`], recording each comment's
    /// span (from `#` to the end of its line, line break excluded) for the formatter.
    pub(super) fn trivia(&self, mut input: &'s str) -> &'s str {
        loop {
            let trimmed = input.trim_start();
            let Some(comment) = trimmed.strip_prefix('#') else {
                return trimmed;
            };
            let len = comment.find('\n').unwrap_or(comment.len());
            let start = self.offset(trimmed);
            self.comments.borrow_mut().insert((start, start + 1 + len));
            input = comment.get(len..).unwrap_or("");
        }
    }

    /// The punctuation `punct`, or a recoverable error.
    pub(super) fn punct(
        &self,
        input: &'s str,
        punct: &str,
    ) -> PResult<'s, crate::diagnostic::Span> {
        let start = self.trivia(input);
        match start.strip_prefix(punct) {
            Some(rest) if !is_longer_token(punct, rest) => Ok((rest, self.span(start, rest))),
            _ => Err(NomErr::Error(SyntaxError::unexpected(
                start,
                &format!("`{punct}`"),
            ))),
        }
    }

    /// True when the next token is `punct`.
    pub(super) fn at_punct(&self, input: &'s str, punct: &str) -> bool {
        self.punct(input, punct).is_ok()
    }

    /// The punctuation `punct`, or a committed error.
    pub(super) fn expect_punct(
        &self,
        input: &'s str,
        punct: &str,
    ) -> PResult<'s, crate::diagnostic::Span> {
        self.punct(input, punct).map_err(commit)
    }

    /// An identifier or keyword, raw.
    pub(super) fn word(&self, input: &'s str) -> PResult<'s, (&'s str, crate::diagnostic::Span)> {
        let start = self.trivia(input);
        let (rest, word) = recognize((take_while1(is_ident_start), take_while(is_ident_char)))
            .parse(start)
            .map_err(|_: NomErr<SyntaxError>| {
                NomErr::Error(SyntaxError::unexpected(start, "a name"))
            })?;
        Ok((rest, (word, self.span(start, rest))))
    }

    /// The keyword `keyword`, or a recoverable error.
    pub(super) fn keyword(
        &self,
        input: &'s str,
        keyword: &str,
    ) -> PResult<'s, crate::diagnostic::Span> {
        match self.word(input) {
            Ok((rest, (word, span))) if word == keyword => Ok((rest, span)),
            _ => Err(NomErr::Error(SyntaxError::unexpected(
                self.trivia(input),
                &format!("`{keyword}`"),
            ))),
        }
    }

    /// True when the next token is the keyword (or word) `keyword`.
    pub(super) fn at_keyword(&self, input: &'s str, keyword: &str) -> bool {
        self.keyword(input, keyword).is_ok()
    }

    /// The keyword `keyword`, or a committed error.
    pub(super) fn expect_keyword(
        &self,
        input: &'s str,
        keyword: &str,
    ) -> PResult<'s, crate::diagnostic::Span> {
        self.keyword(input, keyword).map_err(commit)
    }

    /// A name that is not a keyword (`what` says what it names, for the error).
    pub(super) fn name(&self, input: &'s str, what: &str) -> PResult<'s, Name> {
        let start = self.trivia(input);
        let (rest, (word, span)) = self
            .word(start)
            .map_err(|_| NomErr::Failure(SyntaxError::unexpected(start, what)))?;
        if is_keyword(word) {
            return Err(NomErr::Failure(
                SyntaxError::new(
                    codes::KEYWORD_AS_NAME,
                    start,
                    word.len(),
                    format!("expected {what}, found keyword `{word}`"),
                )
                .with_help("keywords are reserved; choose another name"),
            ));
        }
        Ok((rest, Spanned::new(word.to_string(), span)))
    }

    /// An event kind or group: identifiers joined by `.`; keywords may be parts of a
    /// dotted name (`contact.created`) but not a whole name.
    pub(super) fn kind_name(&self, input: &'s str) -> PResult<'s, KindName> {
        let start = self.trivia(input);
        let (mut rest, (first, _)) = self
            .word(start)
            .map_err(|_| NomErr::Error(SyntaxError::unexpected(start, "an event kind")))?;
        let mut dotted = false;
        while let Some(after_dot) = rest.strip_prefix('.') {
            match self.word(after_dot) {
                Ok((next, _)) if !after_dot.starts_with(char::is_whitespace) => {
                    rest = next;
                    dotted = true;
                }
                _ => break,
            }
        }
        if !dotted && is_keyword(first) {
            return Err(NomErr::Error(SyntaxError::unexpected(
                start,
                "an event kind",
            )));
        }
        let text = start.get(..start.len() - rest.len()).unwrap_or("");
        Ok((rest, Spanned::new(text.to_string(), self.span(start, rest))))
    }

    /// A number (`42`, `3.14`, `10%`) or a duration (`30d`, `1h30m`).
    pub(super) fn number_token(&self, input: &'s str) -> PResult<'s, Spanned<NumberToken>> {
        let start = self.trivia(input);
        let (after_digits, digits) = digit1::<&str, SyntaxError>(start)
            .map_err(|_| NomErr::Error(SyntaxError::unexpected(start, "a number")))?;
        let (rest, token) = if after_digits
            .starts_with(|c: char| UNITS.iter().any(|(u, _)| *u == c))
        {
            self.duration_units(start)?
        } else {
            let (rest, fraction) = opt(recognize((one_char('.'), digit1))).parse(after_digits)?;
            let text = start
                .get(..digits.len() + fraction.map_or(0, str::len))
                .unwrap_or("");
            let value = Decimal::from_str_exact(text).map_err(|_| {
                NomErr::Failure(
                    SyntaxError::new(
                        codes::BAD_LITERAL,
                        start,
                        text.len(),
                        format!("number `{text}` is out of range"),
                    )
                    .with_help("numbers have at most 28 significant digits"),
                )
            })?;
            let (rest, percent) = opt(one_char('%')).parse(rest)?;
            (
                rest,
                NumberToken::Number {
                    value,
                    percent: percent.is_some(),
                },
            )
        };
        if rest.starts_with(|c: char| {
            is_ident_char(c)
                || c == '.'
                    && rest
                        .get(1..)
                        .is_some_and(|r| r.starts_with(|d: char| d.is_ascii_digit()))
        }) {
            let len = rest
                .find(|c: char| !is_ident_char(c) && c != '.')
                .unwrap_or(rest.len());
            let bad = start.len() - rest.len() + len;
            return Err(NomErr::Failure(
                SyntaxError::new(
                    codes::BAD_LITERAL,
                    start,
                    bad,
                    format!("malformed number or duration `{}`", start.get(..bad).unwrap_or("")),
                )
                .with_help("durations are whole numbers of units in decreasing order: `45s`, `15m`, `1h30m`, `30d`, `2w`"),
            ));
        }
        Ok((rest, Spanned::new(token, self.span(start, rest))))
    }

    /// The units of a duration literal starting at `start` (which starts with digits).
    fn duration_units(&self, start: &'s str) -> PResult<'s, NumberToken> {
        let mut rest = start;
        let mut seconds: i64 = 0;
        let mut previous_unit = usize::MAX;
        while let Ok((after, digits)) = digit1::<&str, SyntaxError>(rest) {
            let Some(unit_char) = after.chars().next() else {
                break;
            };
            let Some(unit_index) = UNITS.iter().position(|(u, _)| *u == unit_char) else {
                break;
            };
            let overflow = || {
                NomErr::Failure(SyntaxError::new(
                    codes::BAD_LITERAL,
                    start,
                    start.len() - after.len() + 1,
                    "duration literal out of range",
                ))
            };
            if previous_unit != usize::MAX && unit_index <= previous_unit {
                return Err(NomErr::Failure(
                    SyntaxError::new(
                        codes::BAD_LITERAL,
                        rest,
                        digits.len() + 1,
                        "duration units must decrease",
                    )
                    .with_help("write the largest unit first, each unit once: `1d2h`, `1h30m`"),
                ));
            }
            let count: i64 = digits.parse().map_err(|_| overflow())?;
            let unit_seconds = UNITS.get(unit_index).map_or(1, |(_, s)| *s);
            seconds = count
                .checked_mul(unit_seconds)
                .and_then(|s| s.checked_add(seconds))
                .ok_or_else(overflow)?;
            previous_unit = unit_index;
            rest = after.get(1..).unwrap_or("");
        }
        let duration = TimeDelta::try_seconds(seconds).ok_or_else(|| {
            NomErr::Failure(SyntaxError::new(
                codes::BAD_LITERAL,
                start,
                start.len() - rest.len(),
                "duration literal out of range",
            ))
        })?;
        Ok((rest, NumberToken::Duration(duration)))
    }

    /// The next number token, as `pick` takes it, or a committed error expecting `what`.
    fn number_as<T>(
        &self,
        start: &'s str,
        what: &str,
        pick: impl FnOnce(NumberToken) -> Option<T>,
    ) -> PResult<'s, Spanned<T>> {
        let expected = || NomErr::Failure(SyntaxError::unexpected(start, what));
        match self.number_token(start) {
            Ok((rest, token)) => {
                let value = pick(token.node).ok_or_else(expected)?;
                Ok((rest, Spanned::new(value, token.span)))
            }
            Err(NomErr::Failure(error)) => Err(NomErr::Failure(error)),
            Err(_) => Err(expected()),
        }
    }

    /// A duration literal, or a committed error.
    pub(super) fn duration(&self, input: &'s str) -> PResult<'s, Spanned<TimeDelta>> {
        self.number_as(
            self.trivia(input),
            "a duration such as `30d`",
            |token| match token {
                NumberToken::Duration(duration) => Some(duration),
                NumberToken::Number { .. } => None,
            },
        )
    }

    /// A decimal literal, optionally signed (`-10`), without `%`.
    pub(super) fn decimal(&self, input: &'s str, signed: bool) -> PResult<'s, Spanned<Decimal>> {
        let start = self.trivia(input);
        let (after_sign, negative) = match start.strip_prefix('-') {
            Some(rest) if signed => (rest, true),
            _ => (start, false),
        };
        let (rest, number) =
            self.number_as(after_sign, "a number without `%`", |token| match token {
                NumberToken::Number {
                    value,
                    percent: false,
                } => Some(value),
                _ => None,
            })?;
        let value = if negative { -number.node } else { number.node };
        Ok((rest, Spanned::new(value, self.span(start, rest))))
    }

    /// A percentage literal (`10%`), as written (`10`).
    pub(super) fn percentage(&self, input: &'s str) -> PResult<'s, Spanned<Decimal>> {
        self.number_as(
            self.trivia(input),
            "a percentage such as `50%`",
            |token| match token {
                NumberToken::Number {
                    value,
                    percent: true,
                } => Some(value),
                _ => None,
            },
        )
    }

    /// A date (`@2026-11-22`) or datetime (`@2026-11-22T12:00:00Z`) literal.
    pub(super) fn date_literal(&self, input: &'s str) -> PResult<'s, Spanned<ExprKind>> {
        let start = self.trivia(input);
        let body = start
            .strip_prefix('@')
            .ok_or_else(|| NomErr::Error(SyntaxError::unexpected(start, "a date")))?;
        let len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '+')))
            .unwrap_or(body.len());
        let text = body.get(..len).unwrap_or("");
        let rest = body.get(len..).unwrap_or("");
        let bad = || {
            NomErr::Failure(
                SyntaxError::new(codes::BAD_LITERAL, start, len + 1, format!("invalid date or datetime `@{text}`"))
                    .with_help("write `@2026-11-22` or `@2026-11-22T12:00:00Z` (or an offset such as `-03:00`)"),
            )
        };
        let kind = if text.len() == 10 {
            ExprKind::Date(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())?)
        } else if text.get(10..11) == Some("T")
            && text.get(4..5) == Some("-")
            && text.get(13..14) == Some(":")
        {
            let parsed = DateTime::parse_from_rfc3339(text).map_err(|_| bad())?;
            ExprKind::DateTime(parsed.with_timezone(&Utc))
        } else {
            return Err(bad());
        };
        Ok((rest, Spanned::new(kind, self.span(start, rest))))
    }
}

/// Turns a recoverable error into a committed one.
pub(super) fn commit(error: NomErr<SyntaxError>) -> NomErr<SyntaxError> {
    match error {
        NomErr::Error(e) => NomErr::Failure(e),
        other => other,
    }
}
