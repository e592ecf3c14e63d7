//! Compiling: sources parsed, checked and assembled into an immutable [`Program`],
//! within the limits of §10.

mod item_count;
mod limits;

use std::collections::HashMap;

use crate::check::{self, CheckLimits};
use crate::diagnostic::{CompileError, Diagnostic, SourceFile, Span, codes};
use crate::model::Schema;
use crate::program::{ItemId, Program};
use crate::syntax::{self, ParseLimits};
pub use limits::Limits;

/// Compiles one source (named `rules.funil` in diagnostics) with the default limits.
///
/// ```
/// let program = funil::compile("schema { contact { country: string? } } segment br { country == \"BR\" }")?;
/// assert_eq!(program.items().count(), 1);
/// # Ok::<(), funil::CompileError>(())
/// ```
///
/// # Errors
///
/// Every error found, as diagnostics; warnings alone do not fail.
pub fn compile(text: &str) -> Result<Program, CompileError> {
    Compiler::new().source("rules.funil", text).compile()
}

/// Compiles one or several named sources, with limits, against an optional
/// Rust-built schema.
///
/// ```
/// use funil::{Compiler, Limits, Schema, Type};
///
/// let schema = Schema::builder().attribute("country", Type::String.optional()).build()?;
/// let program = Compiler::new()
///     .limits(Limits::default().max_depth(64))
///     .schema(schema)
///     .source("segments.funil", r#"segment br { country == "BR" }"#)
///     .compile()?;
/// assert_eq!(program.items().count(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Compiler {
    sources: Vec<SourceFile>,
    schema: Option<Schema>,
    limits: Limits,
}

impl Compiler {
    /// A compiler with no sources and the default limits.
    pub fn new() -> Compiler {
        Compiler::default()
    }

    /// Sets the limits.
    pub fn limits(mut self, limits: Limits) -> Compiler {
        self.limits = limits;
        self
    }

    /// Adds a schema built in Rust; declarations in the sources merge with it.
    pub fn schema(mut self, schema: Schema) -> Compiler {
        self.schema = Some(schema);
        self
    }

    /// Adds a source; `name` appears in diagnostics.
    pub fn source(mut self, name: impl Into<String>, text: impl Into<String>) -> Compiler {
        self.sources.push(SourceFile::new(name, text));
        self
    }

    /// Parses, checks and assembles every source.
    ///
    /// # Errors
    ///
    /// Every syntax error of every item; when there are none, every independent
    /// error the checker finds. Warnings, lints included, are kept in
    /// [`Program::warnings`]; the lints alone in [`Program::lints`].
    pub fn compile(self) -> Result<Program, CompileError> {
        let limits = &self.limits;
        let mut diagnostics = Vec::new();
        let mut modules = Vec::with_capacity(self.sources.len());
        let parse_limits = ParseLimits {
            max_depth: limits.depth(),
            max_string_bytes: limits.string_bytes(),
            max_list_len: limits.list_len(),
        };
        for file in &self.sources {
            if file.text().len() > limits.source_bytes() {
                diagnostics.push(
                    Diagnostic::error(
                        codes::SOURCE_TOO_LARGE,
                        format!("source is larger than {} bytes", limits.source_bytes()),
                        file,
                        Span::new(0, 0),
                    )
                    .with_help(
                        "split the rules into several sources, or raise `Limits::max_source_bytes`",
                    ),
                );
                continue;
            }
            let (module, errors) = syntax::parse_file(file, parse_limits);
            diagnostics.extend(errors);
            modules.push((file, module));
        }
        diagnostics.extend(item_count::too_many_items(&modules, limits.items()));
        if diagnostics.iter().any(Diagnostic::is_error) {
            sort_by_position(&mut diagnostics, &self.sources);
            return Err(CompileError::new(diagnostics));
        }
        let modules: Vec<_> = modules
            .iter()
            .map(|(file, module)| (*file, module))
            .collect();
        let check_limits = CheckLimits {
            max_regex_bytes: limits.regex_bytes(),
            max_instants: limits.instants(),
        };
        let checked = check::check(
            self.schema.as_ref(),
            &modules,
            check_limits,
            &mut diagnostics,
        );
        if diagnostics.iter().any(Diagnostic::is_error) {
            sort_by_position(&mut diagnostics, &self.sources);
            return Err(CompileError::new(diagnostics));
        }
        let mut lints = crate::lint::lint(&modules, &checked.schema);
        lints.extend(crate::lint::unused_helpers(
            &checked.items,
            &checked.item_sources,
            &self.sources,
        ));
        sort_by_position(&mut lints, &self.sources);
        diagnostics.extend(lints.iter().cloned());
        sort_by_position(&mut diagnostics, &self.sources);
        let names: HashMap<String, ItemId> = checked
            .items
            .iter()
            .enumerate()
            .map(|(index, item)| (item.name.clone(), ItemId::from_index(index)))
            .collect();
        let item_names = checked.items.iter().map(|item| item.name.clone()).collect();
        Ok(Program {
            schema_fingerprint: checked.schema.fingerprint(),
            schema: checked.schema,
            nodes: checked.nodes,
            items: checked.items,
            names,
            item_names,
            warnings: diagnostics,
            lints,
            max_events: limits.events(),
            // Every source was parsed (any skipped is an error), so the modules'
            // file indexes are the indexes of this list.
            sources: self.sources,
            item_sources: checked.item_sources,
            caps: checked.caps.into_boxed_slice(),
        })
    }
}

/// Orders diagnostics by file (in the order the sources were added), then position.
fn sort_by_position(diagnostics: &mut [Diagnostic], sources: &[SourceFile]) {
    let file_index = |d: &Diagnostic| {
        sources
            .iter()
            .position(|f| f.name() == d.file())
            .unwrap_or(usize::MAX)
    };
    diagnostics.sort_by_key(|d| (file_index(d), d.span().start));
}
