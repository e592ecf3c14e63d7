//! `W0008`: helpers that nothing uses.
//!
//! A segment, score or decision whose name starts with `_` declares itself a helper:
//! a part of other rules, not an output the host reads. A helper is used when an item
//! that is not itself an unused helper references it (every item of another kind, and
//! every item whose name does not start with `_`, counts as used); the others are
//! reported on their names. Helpers stay ordinary items: they are evaluated and
//! reported like any other, the lint only reads the references between items.

use crate::diagnostic::{Diagnostic, SourceFile, codes};
use crate::program::{Item, ItemBody, ItemSource};

/// The prefix that marks a helper.
const HELPER_PREFIX: char = '_';

/// True for the kinds of item other items reference, which may be helpers.
fn may_be_helper(item: &Item) -> bool {
    matches!(
        item.body,
        ItemBody::Segment(_) | ItemBody::Ranked(_) | ItemBody::Score(_) | ItemBody::Decision(_)
    ) && item.name.starts_with(HELPER_PREFIX)
}

/// The warnings for unused helpers among `items` (by id, with `item_sources` parallel
/// to them and `files` the program's sources by index), in declaration order.
pub(crate) fn unused_helpers(
    items: &[Item],
    item_sources: &[ItemSource],
    files: &[SourceFile],
) -> Vec<Diagnostic> {
    let helper: Vec<bool> = items.iter().map(may_be_helper).collect();
    if !helper.contains(&true) {
        return Vec::new();
    }
    // Everything reachable from an item that is not a helper is used.
    let mut used = vec![false; items.len()];
    let mut referenced = vec![false; items.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (index, is_helper) in helper.iter().enumerate() {
        if !is_helper {
            stack.push(index);
        }
        for (dependency, _) in items.get(index).map_or(&[][..], |i| &i.dependencies) {
            if let Some(flag) = referenced.get_mut(dependency.index()) {
                *flag = true;
            }
        }
    }
    while let Some(index) = stack.pop() {
        match used.get_mut(index) {
            Some(flag) if !*flag => *flag = true,
            _ => continue,
        }
        for (dependency, _) in items.get(index).map_or(&[][..], |i| &i.dependencies) {
            stack.push(dependency.index());
        }
    }
    let mut out = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if helper.get(index) != Some(&true) || used.get(index) != Some(&false) {
            continue;
        }
        let Some(source) = item_sources.get(index) else {
            continue;
        };
        let Some(file) = files.get(source.file as usize) else {
            continue;
        };
        let why = if referenced.get(index) == Some(&true) {
            "only unused helpers reference it"
        } else {
            "nothing references it"
        };
        out.push(
            Diagnostic::warning(
                codes::UNUSED_HELPER,
                format!("the helper `{}` is never used: {why}", item.name),
                file,
                source.name,
            )
            .with_help(format!(
                "a name starting with `{HELPER_PREFIX}` marks a helper, not an output; \
                 remove it, or drop the leading `{HELPER_PREFIX}` to make it an output"
            )),
        );
    }
    out
}
