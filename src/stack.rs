//! Stack headroom for recursion on user input.
//!
//! The parser, checker and evaluator recurse on the syntax tree, whose depth the
//! nesting limit bounds (128 by default). That bounds the recursion, but not the
//! stack it needs: unoptimised builds use many kilobytes per level, more than a
//! 2 MiB thread has. Each recursive step goes through [`with_headroom`], which moves
//! to a fresh stack segment when the current one runs low (what rustc does), so
//! a bounded depth never overflows, whatever the build or the thread.

/// Below this much remaining stack, recursion continues on a new segment.
const RED_ZONE: usize = 256 * 1024;

/// The size of each new segment.
const SEGMENT: usize = 4 * 1024 * 1024;

/// Runs `f`, on a new stack segment if the current one is nearly used up.
pub(crate) fn with_headroom<T>(f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}
