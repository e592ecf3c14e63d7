//! The text form of an explanation: a tree drawn with box-drawing characters, one line
//! per part of the rule, what a support person pastes into a ticket.
//!
//! Each line is the part's source text on one line (comments dropped, whitespace
//! collapsed, cut at [`MAX_TEXT`] characters), its value in the JSON form of §4.8
//! (`"subscriber"`, `9.53`, `null`) or `not evaluated`, what more its detail says (the
//! events a query selected, a reference's number), and its place in the source. The
//! parts of a part that was not evaluated, and literals (whose text is their value),
//! are left out; so is the line of a segment's condition when it is an `and` / `or`
//! chain, whose operands hang under the segment's own line. Referenced items follow,
//! numbered as the references point to them (`→ [1]`).
//!
//! The tree is drawn with an explicit stack, not recursion.

use std::fmt::{self, Write as _};

use super::detail::{Detail, EventQuery, SelectedEvent};
use super::{Explained, ExplainedItem, Explanation, Location};
use crate::model::{Value, format_number, write_json, write_text};
use crate::program::ItemKind;

/// The longest source text a line shows, in characters.
const MAX_TEXT: usize = 100;
/// The most events a query's line lists.
const MAX_LISTED: usize = 5;
/// The most events of a score rule listed, one per line.
const MAX_SCORED: usize = 10;

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        item(&mut out, &self.main, None);
        for (index, reference) in self.references.iter().enumerate() {
            out.push('\n');
            item(&mut out, reference, Some(index + 1));
        }
        f.write_str(&out)
    }
}

/// One item: its line, then its tree.
fn item(out: &mut String, item: &ExplainedItem, number: Option<usize>) {
    if let Some(number) = number {
        let _ = write!(out, "[{number}] ");
    }
    let _ = write!(out, "{} {}", item.kind.name(), item.name);
    if !item.offset.is_zero() {
        out.push_str(" as of ");
        write_text(&Value::DateTime(item.at), out);
    }
    out.push_str(" = ");
    write_json(&item.value, out);
    location(out, item.location.as_ref());
    out.push('\n');
    let children = match item.root.children.as_slice() {
        [body]
            if item.kind == ItemKind::Segment
                && body.is_evaluated()
                && matches!(body.detail, Detail::And | Detail::Or) =>
        {
            body.children.as_slice()
        }
        children => children,
    };
    tree(out, children);
}

/// A line to draw: a part of the rule, or a line of text under one.
enum Entry<'e> {
    Node(&'e Explained),
    Text(String),
}

/// Draws `roots` and everything under them.
fn tree(out: &mut String, roots: &[Explained]) {
    // (entry, the prefix of its line, whether it is the last of its siblings)
    let mut stack: Vec<(Entry<'_>, String, bool)> = Vec::new();
    push(&mut stack, entries(roots, Vec::new()), "");
    while let Some((entry, prefix, last)) = stack.pop() {
        out.push_str(&prefix);
        out.push_str(if last { "└─ " } else { "├─ " });
        let Entry::Node(node) = entry else {
            if let Entry::Text(text) = entry {
                out.push_str(&text);
            }
            out.push('\n');
            continue;
        };
        line(out, node);
        out.push('\n');
        if node.is_evaluated() {
            let prefix = format!("{prefix}{}", if last { "   " } else { "│  " });
            push(&mut stack, entries(&node.children, scored(node)), &prefix);
        }
    }
}

/// The entries under a node: its parts (literals left out), then extra lines.
fn entries(children: &[Explained], extra: Vec<String>) -> Vec<Entry<'_>> {
    children
        .iter()
        .filter(|child| child.detail != Detail::Literal)
        .map(Entry::Node)
        .chain(extra.into_iter().map(Entry::Text))
        .collect()
}

/// Pushes `entries` so that the first is drawn first.
fn push<'e>(stack: &mut Vec<(Entry<'e>, String, bool)>, entries: Vec<Entry<'e>>, prefix: &str) {
    let count = entries.len();
    for (index, entry) in entries.into_iter().enumerate().rev() {
        stack.push((entry, prefix.to_string(), index + 1 == count));
    }
}

/// One part's line, without its prefix.
fn line(out: &mut String, node: &Explained) {
    out.push_str(&one_line(&node.text));
    match (&node.detail, &node.value) {
        (Detail::Arm(arm), _) => {
            out.push_str(": ");
            out.push_str(arm.outcome().name());
        }
        (_, None) => out.push_str(": not evaluated"),
        (detail, Some(value)) => {
            out.push_str(" = ");
            write_json(value, out);
            match detail {
                Detail::Query(query) => selected(out, query),
                Detail::Reference(reference) => {
                    if let Some(index) = reference.index() {
                        let _ = write!(out, " → [{}]", index + 1);
                    }
                }
                Detail::ScoreRule(rule) => {
                    if let Some(query) = rule.query() {
                        let count = query.selected().len();
                        let _ = write!(out, ": {}", events(count));
                    }
                    if let (true, Some(max)) = (rule.is_cut(), rule.max()) {
                        let _ = write!(
                            out,
                            ", {} cut to max {}",
                            format_number(&rule.sum()),
                            format_number(&max)
                        );
                    }
                }
                Detail::Clamp(clamp) if clamp.is_cut() => {
                    let _ = write!(out, ": {} cut", format_number(&clamp.before()));
                }
                _ => {}
            }
        }
    }
    location(out, node.location.as_ref());
}

/// What a query selected: `: 2 events selected (#0 …, #3 …)`.
fn selected(out: &mut String, query: &EventQuery) {
    let events = query.selected();
    if matches!(query.aggregate(), "first" | "last") {
        match events.first() {
            Some(event) => {
                out.push_str(": picked ");
                event_text(out, event);
            }
            None => out.push_str(": no event"),
        }
        return;
    }
    if events.is_empty() {
        out.push_str(": no event selected");
        return;
    }
    let _ = write!(out, ": {} selected (", self::events(events.len()));
    for (index, event) in events.iter().take(MAX_LISTED).enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        event_text(out, event);
        if let Some(value) = event.value() {
            out.push_str(": ");
            write_json(value, out);
        }
    }
    if events.len() > MAX_LISTED {
        let _ = write!(out, ", … {} more", events.len() - MAX_LISTED);
    }
    out.push(')');
}

/// The lines under a `per` score rule: each event's points, decay and contribution.
fn scored(node: &Explained) -> Vec<String> {
    let Detail::ScoreRule(rule) = &node.detail else {
        return Vec::new();
    };
    let Some(query) = rule.query() else {
        return Vec::new();
    };
    let events = query.selected();
    let mut lines: Vec<String> = events
        .iter()
        .take(MAX_SCORED)
        .map(|event| {
            let mut line = String::new();
            event_text(&mut line, event);
            line.push_str(": ");
            match (event.value(), event.decay_factor(), event.points()) {
                (Some(value), Some(factor), Some(points)) => {
                    write_json(value, &mut line);
                    let _ = write!(
                        line,
                        " × decay {} = {}",
                        format_number(&factor),
                        format_number(&points)
                    );
                }
                (Some(value), _, Some(_)) => write_json(value, &mut line),
                _ => line.push_str("null, skipped"),
            }
            line
        })
        .collect();
    if events.len() > MAX_SCORED {
        let more = events.len() - MAX_SCORED;
        let plural = if more == 1 { "" } else { "s" };
        lines.push(format!("… {more} more event{plural}"));
    }
    lines
}

/// `#3 page.viewed 2026-11-21T15:30:00Z`.
fn event_text(out: &mut String, event: &SelectedEvent) {
    let _ = write!(out, "#{} {} ", event.index(), event.kind());
    write_text(&Value::DateTime(event.at()), out);
}

/// `no event`, `1 event`, `2 events`.
fn events(count: usize) -> String {
    match count {
        0 => "no event".to_string(),
        1 => "1 event".to_string(),
        _ => format!("{count} events"),
    }
}

/// `  (rules.funil:3:20)`.
fn location(out: &mut String, location: Option<&Location>) {
    if let Some(at) = location {
        let _ = write!(out, "  ({}:{}:{})", at.file(), at.line(), at.column());
    }
}

/// Where the scanner of [`one_line`] is.
#[derive(Clone, Copy)]
enum Lexical {
    /// Rule text, with the braces opened since it started.
    Code(u32),
    /// Inside a string literal (raw or not).
    Text { raw: bool },
}

/// Source text on one line: comments dropped, each run of whitespace outside string
/// literals one space, and cut at [`MAX_TEXT`] characters.
pub(super) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT * 4));
    // The strings and interpolations entered, innermost last.
    let mut stack = vec![Lexical::Code(0)];
    let mut space = false;
    let mut chars = text.chars().peekable();
    let mut previous = ' ';
    while let Some(c) = chars.next() {
        let state = stack.last().copied().unwrap_or(Lexical::Code(0));
        match state {
            Lexical::Code(braces) => {
                if c == '#' {
                    for skipped in chars.by_ref() {
                        if skipped == '\n' {
                            break;
                        }
                    }
                    space = true;
                    previous = ' ';
                    continue;
                }
                if c.is_whitespace() {
                    space = true;
                    previous = ' ';
                    continue;
                }
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                match c {
                    '"' => {
                        // `r"…"`, but not a name ending in `r` just before a string.
                        let before = out.chars().rev().nth(1);
                        let raw = previous == 'r'
                            && !before.is_some_and(|b| b.is_alphanumeric() || b == '_');
                        stack.push(Lexical::Text { raw });
                    }
                    '{' => {
                        if let Some(Lexical::Code(open)) = stack.last_mut() {
                            *open += 1;
                        }
                    }
                    '}' if braces == 0 && stack.len() > 1 => {
                        stack.pop();
                    }
                    '}' => {
                        if let Some(Lexical::Code(open)) = stack.last_mut() {
                            *open = open.saturating_sub(1);
                        }
                    }
                    _ => {}
                }
                out.push(c);
            }
            Lexical::Text { raw } => {
                out.push(if c == '\n' { ' ' } else { c });
                match c {
                    '\\' if !raw => {
                        if let Some(escaped) = chars.next() {
                            out.push(escaped);
                        }
                    }
                    '"' => {
                        stack.pop();
                    }
                    '{' if !raw => {
                        if chars.peek() == Some(&'{') {
                            chars.next();
                            out.push('{');
                        } else {
                            stack.push(Lexical::Code(0));
                        }
                    }
                    _ => {}
                }
            }
        }
        previous = c;
    }
    cut(out)
}

/// `text` cut to [`MAX_TEXT`] characters, the last one `…` when cut.
fn cut(text: String) -> String {
    match text.char_indices().nth(MAX_TEXT - 1) {
        Some((at, _)) if text.chars().count() > MAX_TEXT => {
            let mut cut = text.get(..at).unwrap_or("").to_string();
            cut.push('…');
            cut
        }
        _ => text,
    }
}
