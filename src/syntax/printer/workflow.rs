//! Workflows: header clauses and statements.

use super::Printer;
use crate::syntax::ast::{Block, HeaderKind, NamedArg, Reentry, Stmt, StmtKind, Workflow};

impl Printer {
    /// Writes a workflow: its header clauses, a blank line, then its statements (and
    /// the source's blank lines between clauses and between statements, one each).
    pub(super) fn workflow(&mut self, workflow: &Workflow, close: Option<usize>) {
        self.item_head("workflow", &workflow.name, workflow.title.as_ref());
        let empty = workflow.header.is_empty() && workflow.body.is_empty();
        self.braced(empty, close, |printer| {
            let mut previous: Option<usize> = None;
            for header in &workflow.header {
                if let Some(end) = previous {
                    printer.keep_blank_line(end, header.span.start);
                }
                previous = Some(header.span.end);
                printer.before(header.span.start);
                printer.line_start();
                printer.header(&header.node);
                printer.after(header.span.end);
                printer.text("\n");
            }
            if !workflow.header.is_empty() && !workflow.body.is_empty() {
                printer.text("\n");
            }
            printer.statements(&workflow.body);
        });
    }

    /// Writes one header clause, without its line break.
    fn header(&mut self, header: &HeaderKind) {
        match header {
            HeaderKind::EnterOn { kind, filter } => {
                self.lead(kind.span.start, "enter on ");
                self.text(&kind.node);
                if let Some(filter) = filter {
                    self.lead(filter.span.start, " where ");
                    self.expr(filter);
                }
            }
            HeaderKind::EnterWhen(condition) => {
                self.text("enter when ");
                self.expr(condition);
            }
            HeaderKind::Reenter(Reentry::Never) => self.text("reenter never"),
            HeaderKind::Reenter(Reentry::Always) => self.text("reenter always"),
            HeaderKind::Reenter(Reentry::After(delay)) => {
                self.lead(delay.span.start, "reenter after ");
                self.duration(&delay.node);
            }
            HeaderKind::Exit(condition) => {
                self.text("exit when ");
                self.expr(condition);
            }
            HeaderKind::Goal(condition) => {
                self.text("goal when ");
                self.expr(condition);
            }
            HeaderKind::Window(window) => {
                self.lead(window.start.span.start, "window ");
                self.time_of_day(&window.start.node);
                self.lead(window.end.span.start, " to ");
                self.time_of_day(&window.end.node);
                if let Some(days) = &window.days {
                    self.lead(days.span.start, " on ");
                    self.days(&days.node);
                }
            }
        }
    }

    /// Writes statements one per line at the current indentation, with an empty line
    /// where the source has one or more between two statements.
    fn statements(&mut self, block: &Block) {
        let mut previous: Option<usize> = None;
        for stmt in block {
            if let Some(end) = previous {
                self.keep_blank_line(end, stmt.span.start);
            }
            previous = Some(stmt.span.end);
            self.before(stmt.span.start);
            self.line_start();
            self.stmt(stmt);
            self.after(stmt.span.end);
            self.text("\n");
        }
    }

    /// Writes ` {`, the statements one level deeper, then `}`; an empty block is `{ }`.
    /// `open` is where the source's `{` stands or a place before it (past the `if`
    /// condition, the `else`, the `%`); the `}`'s place is returned.
    fn block(&mut self, block: &Block, open: usize) -> Option<usize> {
        crate::stack::with_headroom(|| {
            let close = match block.last() {
                Some(last) => self.close_after(last.span.end),
                None => self.block_close(open),
            };
            self.braced(block.is_empty(), close, |printer| printer.statements(block));
            close
        })
    }

    /// Writes one statement, without its line break; a block inside it spans lines.
    pub(super) fn stmt(&mut self, stmt: &Stmt) {
        // A chain of labels (`step a: step b: …`) is written iteratively.
        let mut current = stmt;
        while let StmtKind::Step { label, stmt } = &current.node {
            self.lead(label.span.start, "step ");
            self.text(&label.node);
            self.lead(stmt.span.start, ": ");
            current = stmt;
        }
        match &current.node {
            StmtKind::Action { name, args } => {
                self.text(&name.node);
                self.text("(");
                self.named_args(args);
                self.text(")");
            }
            StmtKind::Wait(delay) => {
                self.lead(delay.span.start, "wait ");
                self.duration(&delay.node);
            }
            StmtKind::WaitUntil { condition, max } => {
                self.text("wait until ");
                self.expr(condition);
                if let Some(max) = max {
                    self.lead(max.span.start, " max ");
                    self.duration(&max.node);
                }
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                let mut close = None;
                for (index, branch) in branches.iter().enumerate() {
                    self.text(if index > 0 { " else if " } else { "if " });
                    self.expr(&branch.condition);
                    close = self.block(&branch.body, branch.condition.span.end);
                }
                if let Some(otherwise) = otherwise {
                    self.text(" else");
                    self.block(otherwise, close.map_or(usize::MAX, |close| close + 1));
                }
            }
            StmtKind::Split(arms) => {
                self.text("split");
                let close = self.close_of(current.span);
                self.braced(arms.is_empty(), close, |printer| {
                    for arm in arms {
                        printer.before(arm.weight.span.start);
                        printer.line_start();
                        printer.write(format_args!("{}% =>", arm.weight.node));
                        printer.block(&arm.body, arm.weight.span.end);
                        printer.text("\n");
                    }
                });
            }
            StmtKind::Stop => self.text("stop"),
            // Unreachable: the loop above walked every label.
            StmtKind::Step { .. } => {}
        }
    }

    /// Writes `name: EXPR` arguments separated by commas.
    fn named_args(&mut self, args: &[NamedArg]) {
        for (index, arg) in args.iter().enumerate() {
            if index > 0 {
                self.lead(arg.name.span.start, ", ");
            }
            self.text(&arg.name.node);
            self.lead(arg.value.span.start, ": ");
            self.expr(&arg.value);
        }
    }
}
