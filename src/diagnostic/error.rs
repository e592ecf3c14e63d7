//! [`CompileError`]: every diagnostic of a compile that failed.

use std::fmt;

use super::render::render_all;
use super::report::Diagnostic;

/// The rules did not compile: every error found, and the warnings.
///
/// One compile reports every independent error, not only the first, so the list holds
/// at least one error and may hold several, plus any warnings, in source order.
/// `Display` renders them all, separated by blank lines.
///
/// ```
/// use funil::diagnostic::CompileError;
///
/// fn report(error: &CompileError) -> Vec<String> {
///     error
///         .errors()
///         .map(|d| format!("{}:{}:{}: {}", d.file(), d.line(), d.column(), d.message()))
///         .collect()
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    diagnostics: Vec<Diagnostic>,
}

impl CompileError {
    /// Wraps the diagnostics of one compile; at least one should be an error.
    pub(crate) fn new(diagnostics: Vec<Diagnostic>) -> CompileError {
        CompileError { diagnostics }
    }

    /// Every diagnostic, errors and warnings, in the order they were reported.
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render_all(&self.diagnostics))
    }
}

impl std::error::Error for CompileError {}

#[cfg(test)]
mod tests {
    use super::super::sources::SourceFile;
    use super::super::span::Span;
    use super::*;

    #[test]
    fn splits_errors_and_warnings_and_renders_all() {
        let file = SourceFile::new("r.funil", "a ?? b");
        let warning = Diagnostic::warning("W0003", "`??` on `a`", &file, Span::new(2, 4));
        let error = Diagnostic::error("E0003", "unknown attribute `b`", &file, Span::new(5, 6));
        let compile = CompileError::new(vec![warning.clone(), error.clone()]);
        assert_eq!(compile.diagnostics(), [warning.clone(), error.clone()]);
        assert_eq!(compile.errors().collect::<Vec<_>>(), [&error]);
        assert_eq!(compile.warnings().collect::<Vec<_>>(), [&warning]);
        assert_eq!(
            compile.to_string(),
            "warning[W0003]: `??` on `a`\n --> r.funil:1:3\n  |\n1 | a ?? b\n  |   ^^\n\n\
             error[E0003]: unknown attribute `b`\n --> r.funil:1:6\n  |\n1 | a ?? b\n  |      ^"
        );
    }
}
