//! Resource limits for untrusted rules and data (§10), with their defaults.

use crate::model::DEFAULT_MAX_EVENTS;

/// Limits on what a compile accepts and on contacts built for the program.
///
/// Rules may come from a web form: each limit bounds the time or memory one input
/// can cost. Set them with the chainable methods; the defaults suit rules written by
/// people.
///
/// ```
/// let limits = funil::Limits::default().max_source_bytes(64 * 1024).max_events(10_000);
/// assert_eq!(limits.source_bytes(), 64 * 1024);
/// assert_eq!(limits.items(), 10_000); // the default
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    source_bytes: usize,
    depth: usize,
    string_bytes: usize,
    list_len: usize,
    regex_bytes: usize,
    instants: usize,
    items: usize,
    events: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            source_bytes: 1024 * 1024,
            depth: 128,
            string_bytes: 64 * 1024,
            list_len: 10_000,
            regex_bytes: 1024 * 1024,
            instants: 64,
            items: 10_000,
            events: DEFAULT_MAX_EVENTS,
        }
    }
}

impl Limits {
    /// Largest source, in bytes (default 1 MiB).
    pub fn max_source_bytes(mut self, bytes: usize) -> Limits {
        self.source_bytes = bytes;
        self
    }

    /// Deepest nesting of parentheses, brackets, blocks, prefix operators and
    /// operator chains other than `and`/`or` (default 128).
    pub fn max_depth(mut self, depth: usize) -> Limits {
        self.depth = depth;
        self
    }

    /// Longest string literal, in bytes (default 64 KiB).
    pub fn max_string_bytes(mut self, bytes: usize) -> Limits {
        self.string_bytes = bytes;
        self
    }

    /// Most elements in a list literal (default 10,000).
    pub fn max_list_len(mut self, len: usize) -> Limits {
        self.list_len = len;
        self
    }

    /// Largest compiled regular expression, in bytes (default 1 MiB).
    pub fn max_regex_bytes(mut self, bytes: usize) -> Limits {
        self.regex_bytes = bytes;
        self
    }

    /// Most distinct time-travel instants reachable from one item (default 64).
    pub fn max_instants(mut self, instants: usize) -> Limits {
        self.instants = instants;
        self
    }

    /// Most items in one compile: segments, scores, decisions, rewards, workflows,
    /// experiments, frequency caps and metrics, counted together across every source (default 10,000). Every item
    /// is checked and evaluated, so a form that lets users add rules should not let
    /// them add rules without end.
    pub fn max_items(mut self, items: usize) -> Limits {
        self.items = items;
        self
    }

    /// Most events a contact built for the program may have (default 1,000,000).
    pub fn max_events(mut self, events: usize) -> Limits {
        self.events = events;
        self
    }

    /// The source size limit.
    pub fn source_bytes(&self) -> usize {
        self.source_bytes
    }

    /// The nesting limit.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The string literal limit.
    pub fn string_bytes(&self) -> usize {
        self.string_bytes
    }

    /// The list literal limit.
    pub fn list_len(&self) -> usize {
        self.list_len
    }

    /// The regular expression limit.
    pub fn regex_bytes(&self) -> usize {
        self.regex_bytes
    }

    /// The time-travel instants limit.
    pub fn instants(&self) -> usize {
        self.instants
    }

    /// The item limit.
    pub fn items(&self) -> usize {
        self.items
    }

    /// The events-per-contact limit.
    pub fn events(&self) -> usize {
        self.events
    }
}
