//! Byte spans into one source file, and ids naming the files of a [`Sources`] set.
//!
//! [`Sources`]: super::Sources

/// A half-open range `start..end` of byte offsets into one source file.
///
/// Spans are cheap to copy and carry no file; the file is known from context (the
/// [`SourceFile`](super::SourceFile) being compiled). A span whose `end` is not after
/// its `start` is empty.
///
/// ```
/// use funil::diagnostic::Span;
///
/// let name = Span::new(2, 8);
/// let value = Span::new(12, 16);
/// assert_eq!(name.to(value), Span::new(2, 16));
/// assert_eq!(name.len(), 6);
/// assert!(Span::new(5, 5).is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte covered.
    pub start: usize,
    /// Byte offset just past the last byte covered.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    #[must_use]
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`, in either order.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The number of bytes covered (0 when `end` is not after `start`).
    #[must_use]
    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no byte.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }
}

/// Names one file of a [`Sources`](super::Sources) set; returned by
/// [`Sources::add`](super::Sources::add).
///
/// ```
/// use funil::diagnostic::Sources;
///
/// let mut sources = Sources::new();
/// let id = sources.add("rules.funil", "segment vip { true }");
/// assert_eq!(sources.get(id).map(|file| file.name()), Some("rules.funil"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId(pub(crate) u32);

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn to_covers_both_in_either_order() {
        assert_eq!(Span::new(3, 5).to(Span::new(8, 9)), Span::new(3, 9));
        assert_eq!(Span::new(8, 9).to(Span::new(3, 5)), Span::new(3, 9));
        assert_eq!(Span::new(2, 10).to(Span::new(4, 6)), Span::new(2, 10));
    }

    #[test]
    fn len_and_is_empty() {
        assert_eq!(Span::new(3, 7).len(), 4);
        assert!(!Span::new(3, 7).is_empty());
        assert_eq!(Span::new(4, 4).len(), 0);
        assert!(Span::new(4, 4).is_empty());
        assert_eq!(Span::new(9, 2).len(), 0);
        assert!(Span::new(9, 2).is_empty());
        assert_eq!(Span::default(), Span::new(0, 0));
    }
}
