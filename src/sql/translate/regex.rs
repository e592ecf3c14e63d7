//! `matches` patterns (Rust `regex` syntax) rewritten as PostgreSQL advanced regular
//! expressions with the same set of matching strings.
//!
//! The pattern is parsed by `regex-syntax` (the parser of the `regex` crate, so the
//! pattern means what the interpreter means), and its high-level form written back
//! with nothing left to PostgreSQL's interpretation: every character class is spelled
//! as explicit code point ranges (so `\d`, `\w`, `.` and `(?i)` do not depend on the
//! database's locale), groups are non-capturing, and repetitions are greedy (`~` only
//! asks whether a match exists, which greediness does not change). Pushable: literals,
//! classes, `^`/`$`/`\A`/`\z` without multi-line mode, alternation, groups, and
//! repetitions with bounds up to 255 (PostgreSQL's limit). Refused: multi-line
//! anchors, word boundaries, byte-oriented classes (`(?-u)`), and larger bounds.

use std::fmt::Write;

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// PostgreSQL's largest repetition bound (`RE_DUP_MAX`).
const LARGEST_BOUND: u32 = 255;

/// `pattern` as a PostgreSQL regular expression, or why it has none.
pub(super) fn translate(pattern: &str) -> Result<String, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .map_err(|e| format!("the pattern does not parse: {e}"))?;
    let mut out = String::new();
    write_hir(&hir, &mut out)?;
    Ok(out)
}

fn write_hir(hir: &Hir, out: &mut String) -> Result<(), String> {
    crate::stack::with_headroom(|| write_kind(hir.kind(), out))
}

fn write_kind(kind: &HirKind, out: &mut String) -> Result<(), String> {
    match kind {
        HirKind::Empty => out.push_str("(?:)"),
        HirKind::Literal(literal) => {
            let text = std::str::from_utf8(&literal.0)
                .map_err(|_| "a literal that is not UTF-8 text".to_string())?;
            for c in text.chars() {
                write_char(c, out);
            }
        }
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges();
            if ranges.is_empty() {
                return Err("a class that matches nothing".into());
            }
            out.push('[');
            for range in ranges {
                // PostgreSQL text cannot hold U+0000: a range from it starts at U+0001.
                let start = if range.start() == '\0' {
                    '\u{1}'
                } else {
                    range.start()
                };
                if range.end() == '\0' {
                    continue;
                }
                write_char(start, out);
                if range.end() != start {
                    out.push('-');
                    write_char(range.end(), out);
                }
            }
            out.push(']');
            if out.ends_with("[]") {
                return Err("a class that matches only U+0000".into());
            }
        }
        HirKind::Class(Class::Bytes(_)) => {
            return Err("byte-oriented classes (`(?-u)`) have no PostgreSQL form".into());
        }
        HirKind::Look(look) => match look {
            Look::Start => out.push('^'),
            Look::End => out.push('$'),
            Look::StartLF | Look::EndLF | Look::StartCRLF | Look::EndCRLF => {
                return Err("multi-line anchors (`(?m)`) are not pushed down".into());
            }
            _ => {
                return Err(
                    "word boundaries are not pushed down (their word characters differ)".into(),
                );
            }
        },
        HirKind::Repetition(repetition) => {
            if repetition.min > LARGEST_BOUND
                || repetition.max.is_some_and(|max| max > LARGEST_BOUND)
            {
                return Err(format!(
                    "a repetition bound above {LARGEST_BOUND}, PostgreSQL's largest"
                ));
            }
            out.push_str("(?:");
            write_hir(&repetition.sub, out)?;
            out.push(')');
            let _ = match (repetition.min, repetition.max) {
                (0, None) => write!(out, "*"),
                (1, None) => write!(out, "+"),
                (0, Some(1)) => write!(out, "?"),
                (min, None) => write!(out, "{{{min},}}"),
                (min, Some(max)) if min == max => write!(out, "{{{min}}}"),
                (min, Some(max)) => write!(out, "{{{min},{max}}}"),
            };
        }
        HirKind::Capture(capture) => {
            out.push_str("(?:");
            write_hir(&capture.sub, out)?;
            out.push(')');
        }
        HirKind::Concat(parts) => {
            for part in parts {
                write_hir(part, out)?;
            }
        }
        HirKind::Alternation(branches) => {
            out.push_str("(?:");
            for (index, branch) in branches.iter().enumerate() {
                if index > 0 {
                    out.push('|');
                }
                write_hir(branch, out)?;
            }
            out.push(')');
        }
    }
    Ok(())
}

/// One character: ASCII letters and digits as themselves, everything else as a
/// `\u`/`\U` escape, which means the character in and out of brackets.
fn write_char(c: char, out: &mut String) {
    let _ = if c.is_ascii_alphanumeric() {
        write!(out, "{c}")
    } else if u32::from(c) <= 0xFFFF {
        write!(out, "\\u{:04X}", u32::from(c))
    } else {
        write!(out, "\\U{:08X}", u32::from(c))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_spelled_out() {
        assert_eq!(translate("^[A-Z]+$").unwrap(), "^(?:[A-Z])+$");
        assert_eq!(translate("a|bc").unwrap(), "(?:a|bc)");
        assert_eq!(translate("x{2,3}?").unwrap(), "(?:x){2,3}");
        assert_eq!(translate("\\.").unwrap(), "\\u002E");
        // `.` is every character but a line feed.
        assert_eq!(
            translate(".").unwrap(),
            "[\\u0001-\\u0009\\u000B-\\U0010FFFF]"
        );
    }

    #[test]
    fn what_postgresql_reads_otherwise_is_refused() {
        assert!(translate("(?m)^a").unwrap_err().contains("multi-line"));
        assert!(
            translate("\\bword")
                .unwrap_err()
                .contains("word boundaries")
        );
        assert!(translate("a{300}").unwrap_err().contains("255"));
        assert!(translate("(?-u)\\xFF").is_err());
    }
}
