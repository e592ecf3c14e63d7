//! One segment tested over many contacts: looked up by name once, then tested in a
//! workspace the caller keeps, with no name look-up and nothing returned but the
//! answer.

use chrono::TimeDelta;

use super::api::{EvalError, EvalErrorKind};
use super::{Context, Evaluator, Workspace, truthy};
use crate::model::Contact;
use crate::program::{Item, ItemBody, ItemId, ItemKind, Program};

/// A segment of a [`Program`], found by name with [`Program::segment_id`] and tested
/// with [`Program::segment_with`].
///
/// It belongs to the program that made it: with another program, it names whatever
/// item that program has at the same place, if any.
///
/// ```
/// use funil::{Context, Workspace};
///
/// let program = funil::compile(r#"
///     schema { contact { country: string?, score: number } }
///     segment target { country == "BR" and score >= 60 }
/// "#)?;
/// let target = program.segment_id("target")?;
/// let context = Context::new("2026-11-22T12:00:00Z".parse()?);
/// let mut workspace = Workspace::new();
/// let mut matches = Vec::new();
/// for (country, score) in [("BR", 70), ("PT", 90), ("BR", 10)] {
///     let contact = program.contact("c-1")
///         .attribute("country", country)
///         .attribute("score", score)
///         .build()?;
///     matches.push(program.segment_with(target, &contact, &context, &mut workspace)?);
/// }
/// assert_eq!(matches, [true, false, false]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SegmentId(ItemId);

impl SegmentId {
    /// The segment's item.
    pub(crate) fn item(self) -> ItemId {
        self.0
    }
}

impl Program {
    /// The segment `name`, to test with [`Program::segment_with`].
    ///
    /// # Errors
    ///
    /// An unknown name, an item that is not a segment, or a ranked (batch-only)
    /// segment.
    pub fn segment_id(&self, name: &str) -> Result<SegmentId, EvalError> {
        let (id, item) = self
            .item_named(name)
            .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownItem, name))?;
        check_segment(item)?;
        Ok(SegmentId(id))
    }

    /// Whether `contact` is in `segment`, as of the context's `now`, working in
    /// `workspace`: what [`Program::segment`] answers, without looking the name up.
    /// A segment that references no other item is tested directly, without the memo
    /// of item values; nothing is allocated either way once the workspace has grown.
    ///
    /// # Errors
    ///
    /// A contact built against another schema, or a `segment` of another program
    /// that names no segment of this one.
    pub fn segment_with(
        &self,
        segment: SegmentId,
        contact: &Contact,
        context: &Context,
        workspace: &mut Workspace,
    ) -> Result<bool, EvalError> {
        let SegmentId(id) = segment;
        let item = self
            .items
            .get(id.index())
            .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownItem, format!("#{}", id.0)))?;
        check_segment(item)?;
        self.check_contact(contact)?;
        Ok(Evaluator::new(self, contact, context, workspace).in_segment(id))
    }
}

/// Whether `item` is a segment one contact can be tested against.
pub(super) fn check_segment(item: &Item) -> Result<(), EvalError> {
    if item.body.kind() != ItemKind::Segment {
        return Err(EvalError::new(EvalErrorKind::WrongItemKind, &item.name));
    }
    if item.batch_only {
        return Err(EvalError::new(EvalErrorKind::BatchOnly, &item.name));
    }
    Ok(())
}

impl Evaluator<'_> {
    /// Whether the contact is in the segment `id` now. A segment that references no
    /// item needs no memo: its condition is tested directly.
    pub(super) fn in_segment(&mut self, id: ItemId) -> bool {
        match self.program.items.get(id.index()) {
            Some(Item {
                body: ItemBody::Segment(condition),
                dependencies,
                ..
            }) if dependencies.is_empty() => {
                let frame = self.frame(TimeDelta::zero());
                self.test(*condition, &frame)
            }
            _ => truthy(&self.item(id, TimeDelta::zero())),
        }
    }
}
