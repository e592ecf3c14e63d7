//! Syntax: the abstract syntax tree with spans, the parser and the pretty-printer.

pub mod ast;
pub mod printer;

pub use printer::{print, print_expr};
