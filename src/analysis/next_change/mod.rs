//! [`Program::next_change`]: the earliest instant after `now` at which an item's value
//! changes with no new event and no attribute change.
//!
//! It reads the compiled program and asks evaluation, through
//! [`crate::eval::probe::Probe`], for the values of its nodes; it gives an instant.
//!
//! The analysis walks an item's nodes as of an instant `t` and finds, for each, a
//! *steady bound*: an instant before which its value cannot change (see [`nodes`]).
//! Windows give the instants events enter and leave them, `today` and the calendar
//! functions the next local midnight, hour or anniversary in the context's zone,
//! comparisons with a moving instant (`last(x).at < now - 60d`) the instant they meet,
//! decayed scores a margin that their decay needs time to cover. The bound of the
//! item is then checked by evaluating it there: if its value differs, that is the
//! answer, exact; if not, the analysis starts again from that instant. So every
//! answer found is the first instant the value differs, and the steps between are
//! the instants something the item reads changed without changing its value.
//!
//! Decayed scores change continuously (every second of age, in steps of 0.01): their
//! next change is found the same way, one rounding step at a time, and a comparison on
//! them (`score(engagement) >= 50`) jumps straight to the instant the decay could
//! first reach the threshold. After [`MAX_STEPS`] instants without a change, the
//! analysis stops and answers the last instant reached: an earlier instant than the
//! true change, never a later one.

mod motion;
mod nodes;
mod queries;
mod score;

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use crate::eval::probe::{Probe, Scope, probe};
use crate::eval::{Context, EvalError};
use crate::model::{Contact, Value};
use crate::program::{ItemBody, ItemId, Program};
use motion::{Bound, Motion, earliest};

/// Instants the analysis visits, without the item's value changing, before it gives
/// up and answers the last one.
pub const MAX_STEPS: usize = 2_000;

impl Program {
    /// The earliest instant after the context's `now` at which the value of the
    /// segment, score or decision `name` would change if the contact got no new event
    /// and no attribute changed; `None` when it never would.
    ///
    /// What moves an item with time: events leaving a `within` window, `since` and
    /// `between` bounds passing, comparisons with `now`, `today` and the calendar
    /// functions rolling over in the context's time zone (daylight-saving changes
    /// included), anniversaries, time-travel offsets, decay, and the items it
    /// references. Events dated after `now` count as new input: they are left out.
    /// The answer is exact (the value differs there and is the same at every instant
    /// before it), except that a search that has not found the change after
    /// [`NEXT_CHANGE_MAX_STEPS`](crate::NEXT_CHANGE_MAX_STEPS) instants answers the
    /// last instant it reached, which is earlier, and says so
    /// ([`NextChange::is_exact`]). A scheduler stores the instant and evaluates the
    /// item again then.
    ///
    /// ```
    /// use funil::Context;
    ///
    /// let program = funil::compile(r#"
    ///     schema { contact { } event page.viewed { path: string } }
    ///     segment active { exists(page.viewed within 30d) }
    ///     segment weekend { weekday(now) >= 6 }
    /// "#)?;
    /// let contact = program.contact_from_json(r#"{"id": "c-1", "events": [
    ///     {"kind": "page.viewed", "at": "2026-11-20T10:00:00Z", "props": {"path": "/"}}]}"#)?;
    /// // Sunday 22 November 2026, noon.
    /// let context = Context::new("2026-11-22T12:00:00Z".parse()?);
    /// // The view leaves the window 30 days after it happened.
    /// let leaves = program.next_change("active", &contact, &context)?.map(|n| n.at());
    /// assert_eq!(leaves, Some("2026-12-20T10:00:00Z".parse()?));
    /// // Monday starts at midnight.
    /// let monday = program.next_change("weekend", &contact, &context)?.map(|n| n.at());
    /// assert_eq!(monday, Some("2026-11-23T00:00:00Z".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// An unknown name, a workflow or reward (which have no value), a ranked
    /// (batch-only) segment or an item that references one, or a contact built
    /// against another schema.
    pub fn next_change(
        &self,
        name: &str,
        contact: &Contact,
        context: &Context,
    ) -> Result<Option<NextChange>, EvalError> {
        let item = self.valued_item(name, contact)?;
        let known = contact.known_at(context.now());
        let contact = known.as_ref().unwrap_or(contact);
        Ok(search(self, item, contact, context))
    }
}

/// When an item's value changes next: [`Program::next_change`]'s answer.
///
/// ```
/// use funil::Context;
///
/// let program = funil::compile("schema { contact { } } segment morning { hour(now) < 12 }")?;
/// let contact = program.contact("c-1").build()?;
/// let next = program
///     .next_change("morning", &contact, &Context::new("2026-11-22T09:30:00Z".parse()?))?
///     .expect("the morning ends");
/// assert_eq!(next.at().to_rfc3339(), "2026-11-22T12:00:00+00:00");
/// assert!(next.is_exact());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextChange {
    at: DateTime<Utc>,
    exact: bool,
}

impl NextChange {
    /// The instant: when the value changes, or, when not [exact](Self::is_exact), an
    /// instant before which it does not and at which to look again.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// Whether the value differs at [`at`](Self::at) (and is the same at every instant
    /// before it); false when the search stopped after
    /// [`NEXT_CHANGE_MAX_STEPS`](crate::NEXT_CHANGE_MAX_STEPS) instants.
    pub fn is_exact(&self) -> bool {
        self.exact
    }
}

/// The first instant after `context.now()` at which `item` differs, checked by
/// evaluation at each bound the analysis finds.
fn search(
    program: &Program,
    item: ItemId,
    contact: &Contact,
    context: &Context,
) -> Option<NextChange> {
    let at = |t: DateTime<Utc>| context.with_now(t);
    let start = context.now();
    let value = value_at(program, item, contact, context);
    let mut t = start;
    for _ in 0..MAX_STEPS {
        let bound = probe(program, contact, &at(t), |probe| {
            Analysis::new(probe).item(item, TimeDelta::zero()).steady
        })?;
        // Every bound is after the instant analysed; one that is not (which would be
        // a mistake) still moves on.
        let next = if bound > t {
            bound
        } else {
            t.checked_add_signed(TimeDelta::nanoseconds(1))?
        };
        if value_at(program, item, contact, &at(next)) != value {
            return Some(NextChange {
                at: next,
                exact: true,
            });
        }
        t = next;
    }
    Some(NextChange {
        at: t,
        exact: false,
    })
}

fn value_at(program: &Program, item: ItemId, contact: &Contact, context: &Context) -> Value {
    probe(program, contact, context, |probe| {
        probe.item(item, TimeDelta::zero())
    })
}

/// What the analysis knows of a node's value from the instant analysed on.
#[derive(Debug, Clone)]
struct Known {
    /// The value at the instant analysed (as of the node's own instant).
    value: Value,
    /// The value stays the same before this instant.
    steady: Bound,
    /// How it moves meanwhile, for tests that can solve for it.
    motion: Motion,
}

impl Known {
    fn still(value: Value, steady: Bound) -> Known {
        Known {
            value,
            steady,
            motion: Motion::Still,
        }
    }
}

/// One analysis of one contact as of the probe's instant: the item values already
/// analysed, by item and time-travel offset.
struct Analysis<'a, 'p> {
    program: &'p Program,
    probe: &'a mut Probe<'p>,
    /// The instant analysed (the probe's `now`).
    t: DateTime<Utc>,
    items: HashMap<(ItemId, TimeDelta), Known>,
}

impl<'a, 'p> Analysis<'a, 'p> {
    fn new(probe: &'a mut Probe<'p>) -> Self {
        let t = probe.now(TimeDelta::zero());
        Analysis {
            program: probe.program(),
            probe,
            t,
            items: HashMap::new(),
        }
    }

    /// What is known of `item` as of `offset` before the instant analysed, its
    /// dependencies analysed first with an explicit stack (chains of references cost
    /// no stack depth).
    fn item(&mut self, item: ItemId, offset: TimeDelta) -> Known {
        let mut pending = vec![(item, offset, false)];
        while let Some((id, at, expanded)) = pending.pop() {
            if self.items.contains_key(&(id, at)) {
                continue;
            }
            if !expanded {
                pending.push((id, at, true));
                let dependencies = self
                    .program
                    .items
                    .get(id.index())
                    .map_or(&[][..], |entry| &entry.dependencies[..]);
                for (dependency, extra) in dependencies {
                    let dep_at = at.checked_add(extra).unwrap_or(at);
                    if !self.items.contains_key(&(*dependency, dep_at)) {
                        pending.push((*dependency, dep_at, false));
                    }
                }
                continue;
            }
            let known = self.item_body(id, at);
            self.items.insert((id, at), known);
        }
        self.items
            .get(&(item, offset))
            .cloned()
            .unwrap_or_else(|| Known::still(Value::Null, None))
    }

    fn item_body(&mut self, id: ItemId, offset: TimeDelta) -> Known {
        let program = self.program;
        let value = self.probe.item(id, offset);
        let Some(item) = program.items.get(id.index()) else {
            return Known::still(value, None);
        };
        let scope = Scope::at(offset);
        match &item.body {
            ItemBody::Segment(condition) => {
                let steady = self.node(*condition, scope).steady;
                Known::still(value, steady)
            }
            ItemBody::Score(rules) => self.score(rules, scope, value),
            ItemBody::Decision(decision) => {
                let mut steady = None;
                let mut matched = false;
                for (condition, arm) in decision.arms.iter() {
                    let condition = self.node(*condition, scope);
                    steady = earliest(steady, condition.steady);
                    if crate::eval::truthy(&condition.value) {
                        matched = true;
                        steady = earliest(steady, self.node(*arm, scope).steady);
                        if !decision.collect {
                            break;
                        }
                    }
                }
                if let (false, Some(otherwise)) = (matched, decision.otherwise) {
                    steady = earliest(steady, self.node(otherwise, scope).steady);
                }
                Known::still(value, steady)
            }
            // Single-contact calls refuse the others before the analysis starts.
            ItemBody::Ranked(_)
            | ItemBody::Workflow(_)
            | ItemBody::Reward(_)
            | ItemBody::Experiment(_) => Known::still(value, None),
            ItemBody::Metric(_) => Known::still(value, None),
        }
    }

    /// An instant of the timeline of `offset` (the frame of a time-travel reference)
    /// on the analysis's timeline.
    fn outer(&self, instant: Option<DateTime<Utc>>, offset: TimeDelta) -> Bound {
        instant?.checked_add_signed(offset)
    }
}
