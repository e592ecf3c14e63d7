//! Dependencies: what an item reads ([`Program::reads`]) and which items a change of
//! input may affect ([`Program::affected_by`]).
//!
//! Both start from what each item reads by itself (`direct`, a walk of its nodes) and
//! follow the references between items with an explicit worklist, never the call
//! stack: a chain of references thousands of items long costs no stack depth.
//!
//! The answers are conservative: an item is said to read an input when some
//! evaluation could look at it, even if no contact ever makes it matter
//! (`exists(purchase) or true` still reads `purchase`). So `affected_by` never leaves
//! out an item whose value can change, and may list one whose value, for a given
//! contact, does not.

mod direct;

use std::collections::{BTreeMap, BTreeSet};

use direct::{Direct, Field};

use crate::eval::{EvalError, EvalErrorKind};
use crate::model::KindId;
use crate::program::{ItemId, ItemKind, Program};

/// What an item depends on, transitively: the contact attributes, the event kinds and
/// their props, and the other items it reads, and whether the mere passing of time,
/// or the time zone, can change its value. Given by [`Program::reads`].
///
/// Names are as written in the rules and the schema; every list is in declaration
/// order. What the item reads includes what the items it references read, through
/// time travel (`score(x, at: now - 30d)`) too.
///
/// * **Events.** A query on a group reads each of the group's kinds. With each kind
///   come the props read of it, in declaration order, and then `at` when a rule looks
///   at when events happened: a window (`within`, `since`, `between`), `first` or
///   `last` (which order events by `at`), `.at` or `at`, a score's decay, the trigger
///   of a reward or of `enter on`, a query evaluated as of an earlier instant (time
///   travel), or, for a workflow, the kind a frequency cap on one of its actions
///   counts. A kind whose events are only counted or tested for existence has no
///   props listed.
/// * **Now.** [`Reads::depends_on_now`] is true when the value may change with the
///   mere passing of time, no event arriving and no attribute changing: `now`,
///   `today`, `within` windows, `since` and `between` bounds that depend on now,
///   calendar functions of today (`years_since`, `is_anniversary`,
///   `days_until_anniversary`), decay, time travel to an item that reads events, and
///   for a workflow its waits, `reenter after`, send window and capped actions. An
///   event dated after `now` is not yet visible; its becoming visible counts as the
///   event arriving. A reward is computed as of each trigger event, whose instant is its `now`, so the
///   passing of time never changes its grants: a reward never depends on now.
/// * **Time zone.** [`Reads::depends_on_time_zone`] is true when the context's time
///   zone can change the value: `today`, `date()`, `hour()`, `weekday()`, the
///   anniversary functions, a send window.
///
/// ```
/// let program = funil::compile(r#"
///     schema {
///       contact { country: string?, total_spent: number }
///       event email.bounced { kind: string }
///       event email.opened  { campaign: string }
///       event purchase      { amount: number }
///       group activity = email.opened | purchase
///     }
///     segment soft_bouncers { count(email.bounced where kind == "soft") >= 4 }
///     segment dormant { not exists(activity within 60d) and not segment(soft_bouncers) }
///     score fit { when country in ["BR", "PT"] => +20  when total_spent >= 500 => +15 }
/// "#)?;
///
/// let dormant = program.reads("dormant")?;
/// assert!(dormant.attributes().is_empty());
/// let events: Vec<_> = dormant.events().collect();
/// assert_eq!(events, [
///     ("email.bounced", &["kind"][..]),
///     ("email.opened", &["at"][..]),
///     ("purchase", &["at"][..]),
/// ]);
/// assert_eq!(dormant.items(), ["soft_bouncers"]);
/// assert!(dormant.depends_on_now()); // `within 60d`
///
/// let fit = program.reads("fit")?;
/// assert_eq!(fit.attributes(), ["country", "total_spent"]);
/// assert_eq!(fit.events().count(), 0);
/// assert!(!fit.depends_on_now());
/// assert!(!fit.depends_on_time_zone());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reads<'p> {
    attributes: Vec<&'p str>,
    events: Vec<(&'p str, Vec<&'p str>)>,
    items: Vec<&'p str>,
    now: bool,
    time_zone: bool,
}

impl<'p> Reads<'p> {
    /// The contact attributes read, in declaration order.
    pub fn attributes(&self) -> &[&'p str] {
        &self.attributes
    }

    /// Each event kind read, in declaration order, with the props read of it (in
    /// declaration order, then `at` when it is read).
    pub fn events(&self) -> impl Iterator<Item = (&'p str, &[&'p str])> + '_ {
        self.events
            .iter()
            .map(|(kind, props)| (*kind, props.as_slice()))
    }

    /// The props read of the event kind `kind`, as [`Reads::events`] gives them; `None`
    /// when the kind is not read (a group name is not a kind: its members are).
    pub fn props(&self, kind: &str) -> Option<&[&'p str]> {
        self.events
            .iter()
            .find(|(read, _)| *read == kind)
            .map(|(_, props)| props.as_slice())
    }

    /// The other items depended on, directly or through other items, in declaration
    /// order.
    pub fn items(&self) -> &[&'p str] {
        &self.items
    }

    /// Whether the value may change with the mere passing of time (see [`Reads`]).
    pub fn depends_on_now(&self) -> bool {
        self.now
    }

    /// Whether the value may depend on the context's time zone (see [`Reads`]).
    pub fn depends_on_time_zone(&self) -> bool {
        self.time_zone
    }
}

/// A change of one input of a contact, for [`Program::affected_by`].
///
/// ```
/// use funil::Change;
///
/// assert_eq!(Change::event("purchase"), Change::Event { kind: "purchase" });
/// assert_eq!(Change::attribute("country"), Change::Attribute { name: "country" });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Change<'a> {
    /// An event of this kind arrives, at or before the evaluation instant. A group
    /// name stands for an event of any of its kinds.
    Event {
        /// The event kind (`email.clicked`) or group (`activity`).
        kind: &'a str,
    },
    /// The attribute takes another value.
    Attribute {
        /// The attribute's name.
        name: &'a str,
    },
}

impl<'a> Change<'a> {
    /// An event of `kind` (or of a kind of the group `kind`) arrives.
    pub fn event(kind: &'a str) -> Change<'a> {
        Change::Event { kind }
    }

    /// The attribute `name` changes.
    pub fn attribute(name: &'a str) -> Change<'a> {
        Change::Attribute { name }
    }
}

/// Items reached while following references: directly, or as of an earlier instant.
const REACHED: u8 = 1;
const TRAVELLED: u8 = 2;

impl Program {
    /// What the item `item` depends on, transitively: see [`Reads`].
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { contact { country: string? } event page.viewed { path: string } }
    ///     score fit { when country == "BR" => +20 }
    ///     score views { per page.viewed where path starts_with "/pricing" => +1 }
    ///     segment rising { score(views) - score(views, at: now - 7d) >= 3 and score(fit) > 0 }
    /// "#)?;
    /// let rising = program.reads("rising")?;
    /// assert_eq!(rising.items(), ["fit", "views"]);
    /// assert_eq!(rising.attributes(), ["country"]);
    /// // Time travel looks at when events happened, and moves with now.
    /// assert_eq!(rising.props("page.viewed"), Some(&["path", "at"][..]));
    /// assert!(rising.depends_on_now());
    /// assert!(!program.reads("views")?.depends_on_now());
    ///
    /// let error = program.reads("nope").unwrap_err();
    /// assert_eq!(error.kind(), funil::EvalErrorKind::UnknownItem);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`EvalErrorKind::UnknownItem`] when no item is named `item`.
    pub fn reads(&self, item: &str) -> Result<Reads<'_>, EvalError> {
        let (root, root_item) = self
            .item_named(item)
            .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownItem, item))?;
        let mut attributes = BTreeSet::new();
        let mut kinds: BTreeMap<KindId, BTreeSet<Field>> = BTreeMap::new();
        let mut items = Vec::new();
        let (mut now, mut time_zone) = (false, false);
        for (index, (entry, reached)) in self.items.iter().zip(self.reached(root)).enumerate() {
            if reached == 0 {
                continue;
            }
            if index != root.index() {
                items.push(entry.name.as_str());
            }
            let mut direct = Direct::of(self, entry);
            if reached & TRAVELLED != 0 {
                // As of an earlier instant: events up to it, which moves with now.
                now |= !direct.kinds.is_empty();
                for fields in direct.kinds.values_mut() {
                    fields.insert(Field::At);
                }
            }
            now |= direct.now || direct.timing;
            time_zone |= direct.time_zone;
            attributes.extend(direct.attributes);
            for (kind, fields) in direct.kinds {
                kinds.entry(kind).or_default().extend(fields);
            }
        }
        if root_item.body.kind() == ItemKind::Reward {
            // Computed as of each trigger: its `now` is the trigger's instant.
            now = false;
        }
        let schema = &self.schema;
        let events = kinds
            .into_iter()
            .map(|(kind, fields)| {
                let props = fields
                    .into_iter()
                    .filter_map(|field| match field {
                        Field::Prop(slot) => schema.props(kind).nth(slot).map(|(name, _)| name),
                        Field::At => Some("at"),
                    })
                    .collect();
                (schema.kind_name(kind), props)
            })
            .collect();
        Ok(Reads {
            attributes: attributes
                .into_iter()
                .map(|id| schema.attribute_name(id))
                .collect(),
            events,
            items,
            now,
            time_zone,
        })
    }

    /// The items whose value may change when only `change` happens, in declaration
    /// order: those that read the attribute or the event kind, and every item that
    /// depends on one of them.
    ///
    /// Segments, scores and decisions are listed when their value for the contact may
    /// change; a ranked segment when the key or filter it ranks by may (and with it
    /// the membership of any contact of the batch); a reward when a grant for one of
    /// the contact's trigger events may; a workflow when whether the contact enters
    /// it, or what a run does, may. A workflow whose conditions or action arguments
    /// depend on now is listed for an event of every kind: each event is an instant
    /// at which its runs are evaluated (§8.2).
    ///
    /// ```
    /// use funil::Change;
    ///
    /// let program = funil::compile(r#"
    ///     schema {
    ///       contact { country: string?, total_spent: number }
    ///       event email.bounced { kind: string }
    ///       event purchase      { amount: number }
    ///     }
    ///     segment soft_bouncers { count(email.bounced where kind == "soft") >= 4 }
    ///     score fit { when country in ["BR", "PT"] => +20  when total_spent >= 500 => +15 }
    ///     score value { per purchase within 365d => floor(amount / 100) }
    ///     decide grade { when score(fit) >= 30 => "A" else => "B" }
    /// "#)?;
    /// assert_eq!(program.affected_by(&Change::attribute("country"))?, ["fit", "grade"]);
    /// assert_eq!(program.affected_by(&Change::event("purchase"))?, ["value"]);
    /// assert!(program.affected_by(&Change::event("email.bounced"))?.contains(&"soft_bouncers"));
    ///
    /// let error = program.affected_by(&Change::attribute("contry")).unwrap_err();
    /// assert_eq!(error.kind(), funil::EvalErrorKind::UnknownAttribute);
    /// assert_eq!(error.to_string(), "no attribute is named `contry`");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`EvalErrorKind::UnknownEventKind`] when an event names no kind or group of the
    /// schema, [`EvalErrorKind::UnknownAttribute`] when an attribute is not declared.
    pub fn affected_by(&self, change: &Change<'_>) -> Result<Vec<&str>, EvalError> {
        let directs: Vec<Direct> = self
            .items
            .iter()
            .map(|item| Direct::of(self, item))
            .collect();
        let seeds: Vec<bool> = match *change {
            Change::Attribute { name } => {
                let attribute = self
                    .schema
                    .attribute(name)
                    .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownAttribute, name))?;
                directs
                    .iter()
                    .map(|direct| direct.attributes.contains(&attribute))
                    .collect()
            }
            Change::Event { kind } => {
                let kinds = self
                    .kinds_named(kind)
                    .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownEventKind, kind))?;
                let reads_now = self.now_in_expressions(&directs);
                directs
                    .iter()
                    .zip(&self.items)
                    .zip(reads_now)
                    .map(|((direct, item), reads_now)| {
                        kinds.iter().any(|kind| direct.kinds.contains_key(kind))
                            || (reads_now && item.body.kind() == ItemKind::Workflow)
                    })
                    .collect()
            }
        };
        Ok(self
            .items
            .iter()
            .zip(self.with_dependants(seeds))
            .filter(|(_, affected)| *affected)
            .map(|(item, _)| item.name.as_str())
            .collect())
    }

    /// The kinds an event change names: one kind, or a group's members.
    fn kinds_named(&self, name: &str) -> Option<Vec<KindId>> {
        if let Some(kind) = self.schema.kind(name) {
            return Some(vec![kind]);
        }
        let group = self.schema.group(name)?;
        Some(self.schema.group_members(group).to_vec())
    }

    /// For each item, how it is reached from `root` by following references:
    /// [`REACHED`] directly, [`TRAVELLED`] through a time-travel offset; 0 when not.
    fn reached(&self, root: ItemId) -> Vec<u8> {
        let mut reached = vec![0; self.items.len()];
        let mut pending = vec![(root, false)];
        while let Some((id, travelled)) = pending.pop() {
            let flag = if travelled { TRAVELLED } else { REACHED };
            let Some(slot) = reached.get_mut(id.index()) else {
                continue;
            };
            if *slot & flag != 0 {
                continue;
            }
            *slot |= flag;
            if let Some(item) = self.items.get(id.index()) {
                for (dependency, offset) in item.dependencies.iter() {
                    pending.push((*dependency, travelled || !offset.is_zero()));
                }
            }
        }
        reached
    }

    /// For each item, whether its expressions depend on now, itself or through the
    /// items it references (a workflow's timing aside).
    fn now_in_expressions(&self, directs: &[Direct]) -> Vec<bool> {
        let reads_events =
            self.with_dependants(directs.iter().map(|d| !d.kinds.is_empty()).collect());
        let seeds = directs
            .iter()
            .zip(&self.items)
            .map(|(direct, item)| {
                direct.now
                    || item.dependencies.iter().any(|(dependency, offset)| {
                        !offset.is_zero()
                            && reads_events.get(dependency.index()).copied() == Some(true)
                    })
            })
            .collect();
        self.with_dependants(seeds)
    }

    /// `marked`, with every item that depends on a marked item, directly or not,
    /// marked too.
    fn with_dependants(&self, mut marked: Vec<bool>) -> Vec<bool> {
        let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); self.items.len()];
        for (index, item) in self.items.iter().enumerate() {
            for (dependency, _) in item.dependencies.iter() {
                if let Some(list) = dependants.get_mut(dependency.index()) {
                    list.push(index);
                }
            }
        }
        let mut pending: Vec<usize> = marked
            .iter()
            .enumerate()
            .filter(|(_, marked)| **marked)
            .map(|(index, _)| index)
            .collect();
        while let Some(index) = pending.pop() {
            for dependant in dependants.get(index).into_iter().flatten() {
                if let Some(mark) = marked.get_mut(*dependant)
                    && !*mark
                {
                    *mark = true;
                    pending.push(*dependant);
                }
            }
        }
        marked
    }
}

#[cfg(test)]
mod tests;
