//! Source files and the set of files one compile reads, with offset → line/column lookup.

use super::span::FileId;

/// One named source text, with its line starts indexed for lookup.
///
/// Lines end at `\n`; a `\r` just before it belongs to the line ending. Lines and
/// columns are 1-based and columns count characters, not bytes.
///
/// ```
/// use funil::diagnostic::SourceFile;
///
/// let file = SourceFile::new("rules.funil", "segment br {\r\n  país == \"BR\"\r\n}");
/// assert_eq!(file.locate(22), (2, 8)); // the `=` after `país`: 8th char, 9th byte
/// assert_eq!(file.line_text(2), "  país == \"BR\"");
/// assert_eq!(file.line_text(7), "");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    name: String,
    text: String,
    /// Byte offset where each line starts; the first is always 0.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Indexes `text` under the file name `name`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The file name, as shown in diagnostics.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole source text.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The 1-based line and 1-based column (in chars) of byte `offset`.
    ///
    /// An offset past the end is taken as the end; an offset inside a multi-byte
    /// char counts as that char; an offset inside a line ending (`\r\n` or `\n`)
    /// is the column just after the line's last char.
    #[must_use]
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset);
        let index = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line = index + 1;
        let (start, end) = self.line_bounds(line).unwrap_or((0, 0));
        let before = self.text.get(start..offset.min(end)).unwrap_or("");
        (line, before.chars().count() + 1)
    }

    /// The text of 1-based line `line`, without its line ending; empty if out of range.
    #[must_use]
    pub fn line_text(&self, line: usize) -> &str {
        self.line_bounds(line)
            .and_then(|(start, end)| self.text.get(start..end))
            .unwrap_or("")
    }

    /// The byte range of line `line`'s text (1-based), line ending excluded.
    pub(crate) fn line_bounds(&self, line: usize) -> Option<(usize, usize)> {
        let index = line.checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let next = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        let raw = self.text.get(start..next)?;
        let content = raw.strip_suffix('\n').unwrap_or(raw);
        let content = content.strip_suffix('\r').unwrap_or(content);
        Some((start, start + content.len()))
    }
}

/// `offset` clamped to `text`, moved back to the start of the char it falls in.
pub(crate) fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset = offset.saturating_sub(1);
    }
    offset
}

/// `offset` clamped to `text`, moved forward to the end of the char it falls in.
pub(crate) fn ceil_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// The source files of one compile, each named by a [`FileId`].
///
/// ```
/// use funil::diagnostic::Sources;
///
/// let mut sources = Sources::new();
/// let schema = sources.add("schema.funil", "schema { contact { country: string } }");
/// let rules = sources.add("rules.funil", "segment br { country == \"BR\" }");
/// assert_eq!(sources.get(rules).map(|f| f.locate(13)), Some((1, 14)));
/// let names: Vec<&str> = sources.iter().map(|(_, file)| file.name()).collect();
/// assert_eq!(names, ["schema.funil", "rules.funil"]);
/// assert_ne!(schema, rules);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// An empty set.
    #[must_use]
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        // More than u32::MAX files cannot fit in memory; saturate rather than panic.
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(name, text));
        id
    }

    /// The file named by `id`, if it belongs to this set.
    #[must_use]
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        usize::try_from(id.0).ok().and_then(|at| self.files.get(at))
    }

    /// Every file with its id, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(at, file)| (FileId(u32::try_from(at).unwrap_or(u32::MAX)), file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_counts_lines_and_chars() {
        let file = SourceFile::new("f", "ab\nçé x\n\nlast");
        assert_eq!(file.locate(0), (1, 1));
        assert_eq!(file.locate(1), (1, 2));
        assert_eq!(file.locate(2), (1, 3)); // the `\n`
        assert_eq!(file.locate(3), (2, 1));
        assert_eq!(file.locate(5), (2, 2)); // `é`, third byte of the line
        assert_eq!(file.locate(8), (2, 4)); // `x`
        assert_eq!(file.locate(10), (3, 1)); // empty line
        assert_eq!(file.locate(11), (4, 1));
        assert_eq!(file.locate(15), (4, 5)); // end of text
    }

    #[test]
    fn locate_clamps_and_snaps_to_chars() {
        let file = SourceFile::new("f", "xé");
        assert_eq!(file.locate(2), (1, 2)); // inside `é` counts as `é`
        assert_eq!(file.locate(3), (1, 3));
        assert_eq!(file.locate(usize::MAX), (1, 3));
        let empty = SourceFile::new("f", "");
        assert_eq!(empty.locate(0), (1, 1));
        assert_eq!(empty.locate(7), (1, 1));
    }

    #[test]
    fn locate_in_crlf_line_ending_is_end_of_line() {
        let file = SourceFile::new("f", "ab\r\ncd");
        assert_eq!(file.locate(2), (1, 3));
        assert_eq!(file.locate(3), (1, 3));
        assert_eq!(file.locate(4), (2, 1));
    }

    #[test]
    fn line_text_strips_endings_and_handles_out_of_range() {
        let file = SourceFile::new("f", "one\r\ntwo\n\nfour\n");
        assert_eq!(file.line_text(0), "");
        assert_eq!(file.line_text(1), "one");
        assert_eq!(file.line_text(2), "two");
        assert_eq!(file.line_text(3), "");
        assert_eq!(file.line_text(4), "four");
        assert_eq!(file.line_text(5), "");
        assert_eq!(file.line_text(6), "");
        assert_eq!(file.line_text(usize::MAX), "");
    }

    #[test]
    fn char_boundaries() {
        let text = "aé";
        assert_eq!(floor_char_boundary(text, 2), 1);
        assert_eq!(ceil_char_boundary(text, 2), 3);
        assert_eq!(floor_char_boundary(text, 99), 3);
        assert_eq!(ceil_char_boundary(text, 99), 3);
    }

    #[test]
    fn sources_add_get_iter() {
        let mut sources = Sources::new();
        let a = sources.add("a.funil", "x");
        let b = sources.add("b.funil", "y");
        assert_eq!(sources.get(a).map(SourceFile::text), Some("x"));
        assert_eq!(sources.get(b).map(SourceFile::name), Some("b.funil"));
        assert_eq!(sources.get(FileId(2)), None);
        let ids: Vec<FileId> = sources.iter().map(|(id, _)| id).collect();
        assert_eq!(ids, [a, b]);
    }
}
