//! Batch evaluation (§5.2): a population of contacts evaluated together, so that
//! ranked segments (`top N by …`, `top P% by …`) can be resolved.
//!
//! Rankings are resolved one at a time, dependencies first: every contact's key is
//! computed (which may use rankings resolved before), the population is ordered, and
//! each contact's membership is kept, by position in the batch. Then every contact is
//! evaluated, its memberships put in the memo first, where its items find them. Each
//! pass over the contacts works in one [`Workspace`] per thread, so the memory an
//! evaluation needs is allocated once per thread, not once per contact.
//!
//! With the `parallel` feature, the per-contact work (ranking keys, then every item)
//! runs on rayon's thread pool; the result is the same, in the same order.

use std::collections::HashSet;

use chrono::TimeDelta;
use rust_decimal::Decimal;

use super::api::{EvalError, Evaluation};
use super::source::{Built, Source, Viewed};
use super::top::take_top;
use super::{Context, Evaluator, Workspace};
use crate::model::{Contact, ContactError, Value, View};
use crate::program::{ItemBody, ItemId, ItemKind, Program, Ranking};

impl Program {
    /// Every segment (ranked ones included), score and decision for each contact of
    /// a batch, in input order.
    ///
    /// Ranked segments order the contacts that satisfy their `where` by their key,
    /// descending; ties go to the smaller contact id, and a null key never ranks.
    /// `top N` takes the first N, `top P%` the first `ceil(P × n)` of the n that rank.
    ///
    /// ```
    /// let program = funil::compile(r#"
    ///     schema { contact { spent: number? } }
    ///     segment best { top 1 by spent }
    /// "#).unwrap();
    /// let contacts = [("a", 10), ("b", 30), ("c", 30)].map(|(id, spent)| {
    ///     program.contact(id).attribute("spent", spent).build().unwrap()
    /// });
    /// let context = funil::Context::new("2026-11-22T12:00:00Z".parse().unwrap());
    /// let evaluations = program.evaluate_batch(&contacts, &context).unwrap();
    /// let best: Vec<bool> = evaluations.iter().map(|e| e.segments() == ["best"]).collect();
    /// assert_eq!(best, [false, true, false]); // "b" and "c" tie: "b" comes first
    /// ```
    ///
    /// # Errors
    ///
    /// A contact built against another schema than the program's.
    pub fn evaluate_batch<'c>(
        &self,
        contacts: impl IntoIterator<Item = &'c Contact>,
        context: &Context,
    ) -> Result<Vec<Evaluation>, EvalError> {
        let contacts: Vec<&Contact> = contacts.into_iter().collect();
        for contact in &contacts {
            self.check_contact(contact)?;
        }
        let source = Built(&contacts);
        let Ok(evaluations) = self.evaluate_source(&source, context);
        Ok(evaluations)
    }

    /// [`Program::evaluate_batch`] over the caller's own values, each read through
    /// `view` into a buffer refilled in place (one per thread), so no
    /// [`Contact`] is kept: each pass over the batch (one per ranked segment, one
    /// for everything) reads every value again. The evaluations are those of
    /// `evaluate_batch` over the contacts [`View::fill`] makes, in input order.
    ///
    /// ```
    /// use funil::View;
    ///
    /// struct Lead { id: String, spent: u32 }
    ///
    /// let program = funil::compile(r#"
    ///     schema { contact { spent: number } }
    ///     segment best { top 1 by spent }
    /// "#)?;
    /// let view = View::new(program.schema())
    ///     .id(|lead: &Lead| &lead.id)
    ///     .attribute("spent", |lead: &Lead| lead.spent.into())?;
    /// let leads = [("a", 10), ("b", 30), ("c", 30)].map(|(id, spent)| Lead { id: id.into(), spent });
    /// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
    /// let evaluations = program.evaluate_batch_of(&leads, &view, &context)?;
    /// let best: Vec<bool> = evaluations.iter().map(|e| e.segments() == ["best"]).collect();
    /// assert_eq!(best, [false, true, false]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first value that the view cannot read as a contact ([`View::fill`]).
    pub fn evaluate_batch_of<T: Sync>(
        &self,
        values: &[T],
        view: &View<T>,
        context: &Context,
    ) -> Result<Vec<Evaluation>, ContactError> {
        let source = Viewed {
            values,
            view,
            schema: &self.schema,
        };
        self.evaluate_source(&source, context)
    }

    /// Every item of every contact of `source`, rankings resolved first.
    fn evaluate_source<S: Source + ?Sized>(
        &self,
        source: &S,
        context: &Context,
    ) -> Result<Vec<Evaluation>, S::Error> {
        let resolved = self.resolve_rankings(source, context, false)?;
        for_each(source, |workspace, position, contact| {
            let mut evaluator = Evaluator::new(self, contact, context, workspace);
            evaluator.remember_rankings(&resolved, position);
            evaluator.evaluation(true)
        })
    }

    /// Every ranked segment the program's segments, scores and decisions need (and
    /// its metrics', `with_metrics`), resolved over the batch, dependencies first.
    pub(super) fn resolve_rankings<S: Source + ?Sized>(
        &self,
        source: &S,
        context: &Context,
        with_metrics: bool,
    ) -> Result<Vec<Resolved>, S::Error> {
        let mut resolved: Vec<Resolved> = Vec::new();
        for (item, offset) in self.rankings_in_dependency_order(with_metrics) {
            if let Some(ItemBody::Ranked(ranking)) = self.items.get(item.index()).map(|i| &i.body) {
                let keys = for_each(source, |workspace, position, contact| {
                    let mut evaluator = Evaluator::new(self, contact, context, workspace);
                    evaluator.remember_rankings(&resolved, position);
                    evaluator.ranking_key(ranking, offset)
                })?;
                let members = rank(ranking, keys, source);
                resolved.push(Resolved {
                    item,
                    offset,
                    members,
                });
            }
        }
        Ok(resolved)
    }

    /// The ranked segments the program's items need (metrics included when
    /// `with_metrics`), each with the time-travel offset it is needed at, every one
    /// after those its key and filter depend on.
    fn rankings_in_dependency_order(&self, with_metrics: bool) -> Vec<(ItemId, TimeDelta)> {
        let mut done: HashSet<(ItemId, TimeDelta)> = HashSet::new();
        let mut order = Vec::new();
        let roots = self
            .items
            .iter()
            .enumerate()
            .filter(|(_, item)| match item.body.kind() {
                ItemKind::Reward | ItemKind::Workflow | ItemKind::Experiment => false,
                ItemKind::Metric => with_metrics,
                ItemKind::Segment | ItemKind::Score | ItemKind::Decision => true,
            })
            .map(|(index, _)| (ItemId::from_index(index), TimeDelta::zero()));
        for root in roots {
            // Depth-first, post-order, with an explicit stack.
            let mut stack = vec![(root, false)];
            while let Some(((id, at), expanded)) = stack.pop() {
                if done.contains(&(id, at)) {
                    continue;
                }
                let Some(item) = self.items.get(id.index()) else {
                    continue;
                };
                if expanded {
                    done.insert((id, at));
                    if matches!(item.body, ItemBody::Ranked(_)) {
                        order.push((id, at));
                    }
                    continue;
                }
                stack.push(((id, at), true));
                for (dependency, extra) in item.dependencies.iter() {
                    let dep_at = at.checked_add(extra).unwrap_or(at);
                    if !done.contains(&(*dependency, dep_at)) {
                        stack.push(((*dependency, dep_at), false));
                    }
                }
            }
        }
        order
    }
}

/// A ranked segment at one offset, resolved over the batch.
pub(super) struct Resolved {
    item: ItemId,
    offset: TimeDelta,
    /// Membership of each contact, by position in the batch.
    members: Vec<bool>,
}

/// Which contacts a ranking takes, by position in the batch, given their keys.
fn rank<S: Source + ?Sized>(
    ranking: &Ranking,
    keys: Vec<Option<Decimal>>,
    source: &S,
) -> Vec<bool> {
    let items = source.items();
    let ranked: Vec<(Decimal, usize)> = keys
        .into_iter()
        .enumerate()
        .filter_map(|(position, key)| Some((key?, position)))
        .collect();
    let mut members = vec![false; items.len()];
    take_top(
        ranking.take,
        ranked,
        |position| items.get(position).and_then(|item| source.id(item)),
        |position| {
            if let Some(member) = members.get_mut(position) {
                *member = true;
            }
        },
    );
    members
}

impl Evaluator<'_> {
    /// Remembers the contact's membership, at `position` in the batch, of every
    /// ranking resolved so far.
    pub(super) fn remember_rankings(&mut self, resolved: &[Resolved], position: usize) {
        for ranking in resolved {
            let member = ranking.members.get(position).copied().unwrap_or(false);
            self.remember(ranking.item, ranking.offset, Value::Bool(member));
        }
    }

    /// The contact's ranking key as of `offset` before now: `None` when it fails the
    /// ranking's `where` or its key is null.
    fn ranking_key(&mut self, ranking: &Ranking, offset: TimeDelta) -> Option<Decimal> {
        let frame = self.frame(offset);
        if let Some(filter) = ranking.filter
            && !self.test(filter, &frame)
        {
            return None;
        }
        match self.eval(ranking.by, &frame) {
            Value::Number(key) => Some(key),
            _ => None,
        }
    }
}

/// `work` applied to every contact of `source` with its position in the batch,
/// results in batch order: on rayon's pool with the `parallel` feature, in this
/// thread without it. Each thread works in one workspace (and one scratch of the
/// source's) for all its contacts; the first item that cannot be read ends it.
pub(super) fn for_each<S: Source + ?Sized, T: Send>(
    source: &S,
    work: impl Fn(&mut Workspace, usize, &Contact) -> T + Send + Sync,
) -> Result<Vec<T>, S::Error> {
    let one = |(workspace, scratch): &mut (Workspace, S::Scratch), (position, item)| {
        let contact = source.contact(item, scratch)?;
        Ok(work(workspace, position, contact))
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        source
            .items()
            .par_iter()
            .enumerate()
            .map_init(|| (Workspace::new(), source.scratch()), one)
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        let mut state = (Workspace::new(), source.scratch());
        source
            .items()
            .iter()
            .enumerate()
            .map(|entry| one(&mut state, entry))
            .collect()
    }
}
