//! Comments while formatting: where the source's comments go in the printed text.
//!
//! The printer reports the source span of every construct it prints: [`Printer::before`]
//! as it starts one, [`Printer::after`] as it ends one. A comment is written at the first
//! such point that lies after it in the source: before the construct that follows it, or
//! right after the construct it follows when only spaces stand between them on its line
//! (a trailing comment). A comment that stood on a line of its own is written on a line of
//! its own; one that ended a line of code ends a line of code (the previous one when the
//! printer has already started a new line). Either way the next text starts a new line,
//! indented as a continuation inside an expression. Nothing is written inside a string
//! literal: a comment within an interpolation (`"{a # …`) moves after the string.
//!
//! Keywords and punctuation have no spans of their own: the printer writes them with
//! [`Printer::lead`], after the comments that stand before the construct they lead
//! to, so a comment among them (`is # … not null`, `on a # … counted by`) moves before
//! them rather than past the construct that follows, where every later formatting
//! would push it on again.
//!
//! The printer visits the tree in source order, so each comment is written once. A
//! comment may change sides once — a trailing comment that cannot end a line of code
//! is written on a line of its own — so the formatter prints its own output again until
//! it stops changing (see [`crate::syntax::format()`]).

use super::Printer;
use crate::diagnostic::Span;

/// The source's comments and how far the printer has written them.
pub(super) struct Trivia {
    /// The source text.
    source: String,
    /// The comments' spans (`#` to the end of the line), in source order.
    comments: Vec<Span>,
    /// The first comment not yet written.
    next: usize,
    /// The line width that `and`/`or` chains wrap at.
    pub(super) width: usize,
    /// Where the line after the last empty line kept from the source starts in the
    /// printed text.
    kept_blank: Option<usize>,
}

impl Printer {
    /// A printer that writes the comments of `source` (`comments`, in source order) and
    /// wraps conditions longer than `width`.
    pub(crate) fn formatter(source: &str, comments: Vec<Span>, width: usize) -> Printer {
        Printer {
            trivia: Some(Trivia {
                source: source.to_string(),
                comments,
                next: 0,
                width,
                kept_blank: None,
            }),
            ..Printer::default()
        }
    }

    /// The printed text, with every comment not written yet at the end.
    pub(crate) fn finish(mut self) -> String {
        if self.next_comment().is_some() && !self.out.is_empty() {
            self.text("\n");
        }
        while let Some((text, _)) = self.take_comment(|_, _| true) {
            self.emit(&text, true);
        }
        if self.pending_break {
            self.out.push('\n');
        }
        self.out
    }

    /// Writes the comments that stand before `offset` in the source.
    pub(super) fn before(&mut self, offset: usize) {
        while let Some((text, own_line)) = self.take_comment(|_, comment| comment.start < offset) {
            self.emit(&text, own_line);
        }
    }

    /// Writes the comment that follows `offset` on the same line with only spaces
    /// between: the one trailing the construct that ends at `offset`. (A comment on a
    /// line of its own waits for the construct it precedes.)
    pub(super) fn after(&mut self, offset: usize) {
        while let Some((text, own_line)) = self.take_comment(|trivia, comment| {
            comment.start < offset
                || trivia
                    .source
                    .get(offset..comment.start)
                    .is_some_and(|gap| gap.chars().all(|c| c == ' ' || c == '\t' || c == '\r'))
        }) {
            self.emit(&text, own_line);
        }
    }

    /// Writes `text` — keywords or punctuation with no span of their own — after the
    /// comments that stand before `next`, the source offset of the construct that
    /// follows them. So a comment among such words moves before them, once, instead
    /// of after the construct, where each later round of formatting would move it
    /// further on.
    pub(super) fn lead(&mut self, next: usize, text: &str) {
        self.before(next);
        self.text(text);
    }

    /// Writes an empty line when the source has one or more between the end of the
    /// previous line's construct (`previous_end`) and the start of the next one
    /// (`next`): blank lines that group lines are kept, a run of them as one. The empty
    /// line comes before the comments that stood between them.
    pub(super) fn keep_blank_line(&mut self, previous_end: usize, next: usize) {
        let blank = self
            .trivia
            .as_ref()
            .and_then(|trivia| trivia.source.get(previous_end..next))
            .is_some_and(has_blank_line);
        if blank {
            self.text("\n");
            let at = self.out.len();
            if let Some(trivia) = self.trivia.as_mut() {
                trivia.kept_blank = Some(at);
            }
        }
    }

    /// True when a comment starts inside `span`.
    pub(super) fn has_comment_in(&self, span: Span) -> bool {
        self.trivia.as_ref().is_some_and(|trivia| {
            let first = trivia.comments.partition_point(|c| c.start < span.start);
            trivia
                .comments
                .get(first)
                .is_some_and(|c| c.start < span.end)
        })
    }

    /// Where the next token after `offset` starts in the source, when it is `}`: the
    /// closing brace of a block whose last construct ends at `offset`.
    pub(super) fn close_after(&self, offset: usize) -> Option<usize> {
        let trivia = self.trivia.as_ref()?;
        let at = next_token(&trivia.source, offset);
        trivia
            .source
            .get(at..)
            .is_some_and(|rest| rest.starts_with('}'))
            .then_some(at)
    }

    /// Where the source's `}` of the block opened after `offset` stands: past the
    /// `else`, `%` or `=>` before its `{`.
    pub(super) fn block_close(&self, offset: usize) -> Option<usize> {
        let trivia = self.trivia.as_ref()?;
        let mut at = offset;
        loop {
            at = next_token(&trivia.source, at);
            let rest = trivia.source.get(at..)?;
            if rest.starts_with('{') {
                break;
            }
            let skip = ["else", "%", "=>"]
                .iter()
                .find(|word| rest.starts_with(**word))?;
            at += skip.len();
        }
        let mut depth = 0usize;
        loop {
            at = next_token(&trivia.source, at);
            let rest = trivia.source.get(at..)?;
            let c = rest.chars().next()?;
            match c {
                '{' => depth += 1,
                '}' if depth == 1 => return Some(at),
                '}' => depth = depth.saturating_sub(1),
                // Only empty blocks are looked up this way: anything else inside ends
                // the search.
                _ => return None,
            }
            at += 1;
        }
    }

    /// Where the source's `}` ending the construct of `span` stands.
    pub(super) fn close_of(&self, span: Span) -> Option<usize> {
        let trivia = self.trivia.as_ref()?;
        let at = span.end.checked_sub(1)?;
        trivia
            .source
            .get(at..span.end)
            .is_some_and(|last| last == "}")
            .then_some(at)
    }

    /// The next comment not yet written.
    fn next_comment(&self) -> Option<Span> {
        let trivia = self.trivia.as_ref()?;
        trivia.comments.get(trivia.next).copied()
    }

    /// Takes the next comment when `wanted` accepts it (and not inside a string): its
    /// text without trailing whitespace, and whether it stood on a line of its own.
    fn take_comment(&mut self, wanted: impl Fn(&Trivia, Span) -> bool) -> Option<(String, bool)> {
        if self.in_string > 0 {
            return None;
        }
        let trivia = self.trivia.as_mut()?;
        let comment = *trivia.comments.get(trivia.next)?;
        if !wanted(trivia, comment) {
            return None;
        }
        trivia.next += 1;
        let text = trivia
            .source
            .get(comment.start..comment.end)
            .unwrap_or("#")
            .trim_end()
            .to_string();
        let line_start = trivia
            .source
            .get(..comment.start)
            .and_then(|before| before.rfind('\n'))
            .map_or(0, |newline| newline + 1);
        let own_line = trivia
            .source
            .get(line_start..comment.start)
            .is_some_and(|indent| indent.trim().is_empty());
        Some((text, own_line))
    }

    /// Writes one comment: on a line of its own when `own_line`, else at the end of the
    /// line of code it follows. The next text starts a new line.
    fn emit(&mut self, text: &str, own_line: bool) {
        if self.pending_break {
            self.pending_break = false;
            self.out.push('\n');
            self.spaces(self.break_indent);
        }
        let line_start = self.out.rfind('\n').map_or(0, |newline| newline + 1);
        let line = self.out.get(line_start..).unwrap_or("");
        let line_indent = line.len() - line.trim_start_matches(' ').len();
        if line_indent == line.len() {
            // At the start of a line: a trailing comment goes back to the end of the
            // previous line of code (past an empty line kept from the source) when
            // that line holds no comment yet.
            if !own_line && let Some(code_end) = self.previous_line_taking_comment(line_start) {
                let rest = self.out.get(code_end..).unwrap_or("").to_string();
                self.out.truncate(code_end);
                self.out.push(' ');
                self.out.push_str(text);
                self.last_comment_end = Some(self.out.len());
                self.out.push_str(&rest);
                return;
            }
            let mut indent = line_indent;
            if line.is_empty() {
                indent = self.indent * 2;
                self.spaces(indent);
            }
            self.out.push_str(text);
            self.break_indent = indent;
        } else {
            let continuation = if line_indent <= self.indent * 2 {
                self.indent * 2 + 4
            } else {
                line_indent
            };
            let code_end = self.out.trim_end_matches(' ').len();
            self.out.truncate(code_end);
            if own_line {
                self.out.push('\n');
                self.spaces(continuation);
            } else {
                self.out.push(' ');
            }
            self.out.push_str(text);
            self.break_indent = continuation;
        }
        self.last_comment_end = Some(self.out.len());
        self.pending_break = true;
    }

    /// Where the line of code before the one starting at `line_start` ends, when it
    /// does not end with a comment: the line just before, or the one before an empty
    /// line kept from the source just before.
    fn previous_line_taking_comment(&self, line_start: usize) -> Option<usize> {
        let mut end = line_start.checked_sub(1)?;
        let before = self.out.get(..end)?;
        if before.ends_with('\n') {
            // An empty line kept from the source: the code is on the line before it.
            // (Other empty lines, between items, separate what the comment would join.)
            let kept = self.trivia.as_ref().and_then(|trivia| trivia.kept_blank);
            if kept != Some(line_start) {
                return None;
            }
            end = end.checked_sub(1)?;
        }
        if self.last_comment_end == Some(end) {
            return None;
        }
        let previous = self.out.get(..end)?;
        let previous_start = previous.rfind('\n').map_or(0, |newline| newline + 1);
        previous
            .get(previous_start..)
            .is_some_and(|line| !line.trim().is_empty())
            .then_some(end)
    }
}

/// True when a line of `gap` that both starts and ends inside it holds only whitespace
/// (the first and last pieces are the ends of the lines around it).
fn has_blank_line(gap: &str) -> bool {
    let mut lines = gap.split('\n');
    lines.next();
    let mut inner = lines.peekable();
    while let Some(line) = inner.next() {
        if inner.peek().is_some() && line.trim().is_empty() {
            return true;
        }
    }
    false
}

/// The offset of the first character at or after `offset` that is neither whitespace
/// nor inside a comment.
fn next_token(source: &str, offset: usize) -> usize {
    let mut at = offset;
    loop {
        let rest = source.get(at..).unwrap_or("");
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if !trimmed.starts_with('#') {
            return at;
        }
        at += trimmed.find('\n').unwrap_or(trimmed.len());
    }
}
