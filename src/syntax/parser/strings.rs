//! String literals (§3): escapes, interpolation, raw strings.
//!
//! `"…{expr}…"` interpolates; `{{` and `}}` are literal braces. Titles and `matches`
//! patterns are read without interpolation, so their braces are plain text.
//! `r"…"` has neither escapes nor interpolation.

use nom::Err as NomErr;

use super::lexical::commit;
use super::{PResult, Parser, SyntaxError};
use crate::diagnostic::codes;
use crate::syntax::ast::{PlainString, Spanned, StringPart};

impl<'s> Parser<'s> {
    /// A string literal without interpolation.
    pub(super) fn plain_string(&self, input: &'s str) -> PResult<'s, PlainString> {
        let start = self.trivia(input);
        let (rest, parts) = self.string_literal(start, false).map_err(commit)?;
        let mut text = String::new();
        for part in parts.node {
            if let StringPart::Text(piece) = part {
                text.push_str(&piece);
            }
        }
        Ok((rest, Spanned::new(text, parts.span)))
    }

    /// A string literal, raw or not; with `interpolate`, `{expr}` parts are parsed.
    pub(super) fn string_literal(
        &self,
        input: &'s str,
        interpolate: bool,
    ) -> PResult<'s, Spanned<Vec<StringPart>>> {
        let start = self.trivia(input);
        if let Some(raw) = start.strip_prefix("r\"") {
            let Some(end) = raw.find('"') else {
                return Err(unterminated(start));
            };
            let text = raw.get(..end).unwrap_or("");
            self.check_length(start, text.len())?;
            let rest = raw.get(end + 1..).unwrap_or("");
            let parts = vec![StringPart::Text(text.to_string())];
            return Ok((rest, Spanned::new(parts, self.span(start, rest))));
        }
        let Some(mut rest) = start.strip_prefix('"') else {
            return Err(NomErr::Error(SyntaxError::unexpected(start, "a string")));
        };
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut total = 0usize;
        loop {
            let mut chars = rest.chars();
            let Some(c) = chars.next() else {
                return Err(unterminated(start));
            };
            let after = chars.as_str();
            match c {
                '"' => {
                    rest = after;
                    break;
                }
                '\\' => {
                    let (next, decoded) = decode_escape(rest)?;
                    text.push(decoded);
                    rest = next;
                }
                '{' if interpolate => {
                    if let Some(next) = after.strip_prefix('{') {
                        text.push('{');
                        rest = next;
                    } else {
                        total += text.len();
                        self.check_length(start, total)?;
                        if !text.is_empty() {
                            parts.push(StringPart::Text(std::mem::take(&mut text)));
                        }
                        let (next, expr) = self.nested(after, |inner| {
                            let (inner, expr) = self.parse_expr(inner)?;
                            let (inner, _) = self.punct(inner, "}").map_err(|_| {
                                NomErr::Failure(
                                    SyntaxError::unexpected(inner, "`}` to end the interpolation")
                                        .with_help("write `{{` for a literal brace"),
                                )
                            })?;
                            Ok((inner, expr))
                        })?;
                        parts.push(StringPart::Interpolation(expr));
                        rest = next;
                    }
                }
                '}' if interpolate => match after.strip_prefix('}') {
                    Some(next) => {
                        text.push('}');
                        rest = next;
                    }
                    // No closing quote on the rest of the line: the string was never
                    // closed, and this brace belongs to the code after it.
                    None if !line_of(after).contains('"') => return Err(unterminated(start)),
                    None => {
                        return Err(NomErr::Failure(
                            SyntaxError::new(
                                codes::BAD_LITERAL,
                                rest,
                                1,
                                "unmatched `}` in a string",
                            )
                            .with_help("write `}}` for a literal brace"),
                        ));
                    }
                },
                '\n' => return Err(unterminated(start)),
                _ => {
                    text.push(c);
                    rest = after;
                }
            }
            if total + text.len() > self.limits.max_string_bytes {
                self.check_length(start, total + text.len())?;
            }
        }
        total += text.len();
        self.check_length(start, total)?;
        if !text.is_empty() || parts.is_empty() {
            parts.push(StringPart::Text(text));
        }
        Ok((rest, Spanned::new(parts, self.span(start, rest))))
    }

    fn check_length(&self, start: &'s str, len: usize) -> Result<(), NomErr<SyntaxError>> {
        if len > self.limits.max_string_bytes {
            return Err(NomErr::Failure(SyntaxError::new(
                codes::STRING_TOO_LONG,
                start,
                1,
                format!(
                    "string literal longer than {} bytes",
                    self.limits.max_string_bytes
                ),
            )));
        }
        Ok(())
    }
}

/// Decodes the escape at the start of `input` (which starts with `\`).
fn decode_escape(input: &str) -> Result<(&str, char), NomErr<SyntaxError>> {
    let body = input.get(1..).unwrap_or("");
    let mut chars = body.chars();
    let simple = match chars.next() {
        Some('"') => Some('"'),
        Some('\\') => Some('\\'),
        Some('n') => Some('\n'),
        Some('t') => Some('\t'),
        Some('u') => None,
        Some(other) => {
            return Err(NomErr::Failure(
                SyntaxError::new(
                    codes::BAD_LITERAL,
                    input,
                    1 + other.len_utf8(),
                    format!("unknown escape `\\{other}`"),
                )
                .with_help(r#"the escapes are `\"`, `\\`, `\n`, `\t` and `\u{1F600}`; raw strings `r"…"` have none"#),
            ));
        }
        None => return Err(unterminated(input)),
    };
    if let Some(c) = simple {
        return Ok((chars.as_str(), c));
    }
    let bad_unicode = |len: usize| {
        NomErr::Failure(
            SyntaxError::new(codes::BAD_LITERAL, input, len, "invalid unicode escape")
                .with_help("write `\\u{` then 1 to 6 hex digits of a code point, then `}`"),
        )
    };
    let after_u = chars.as_str();
    let Some(hex_and_rest) = after_u.strip_prefix('{') else {
        return Err(bad_unicode(2));
    };
    let Some(close) = hex_and_rest.find('}') else {
        return Err(bad_unicode(2));
    };
    let hex = hex_and_rest.get(..close).unwrap_or("");
    let len = 4 + close;
    if hex.is_empty() || hex.len() > 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(bad_unicode(len));
    }
    let code = u32::from_str_radix(hex, 16).map_err(|_| bad_unicode(len))?;
    let c = char::from_u32(code).ok_or_else(|| bad_unicode(len))?;
    Ok((hex_and_rest.get(close + 1..).unwrap_or(""), c))
}

/// The text up to the end of the current line.
fn line_of(text: &str) -> &str {
    text.split('\n').next().unwrap_or("")
}

fn unterminated(start: &str) -> NomErr<SyntaxError> {
    let line_len = start.find('\n').unwrap_or(start.len());
    NomErr::Failure(
        SyntaxError::new(
            codes::BAD_LITERAL,
            start,
            line_len.max(1),
            "unterminated string literal",
        )
        .with_help("close the string with `\"` on the same line; write a line break as `\\n`"),
    )
}
