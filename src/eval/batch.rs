//! Batch evaluation (§5.2): a population of contacts evaluated together, so that
//! ranked segments (`top N by …`, `top P% by …`) can be resolved.
//!
//! Each contact keeps its own evaluator for the whole batch. Rankings are resolved
//! one at a time, dependencies first: every contact's key is computed (which may use
//! rankings resolved before), the population is ordered, and each contact's
//! membership is remembered by its evaluator, where later items find it.
//!
//! With the `parallel` feature, the per-contact work (ranking keys, then every item)
//! runs on rayon's thread pool; the result is the same, in the same order.

use std::collections::HashSet;

use chrono::TimeDelta;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::api::{EvalError, Evaluation};
use super::{Context, Evaluator};
use crate::model::{Contact, Value};
use crate::program::{ItemBody, ItemId, ItemKind, Program, Ranking, Take};

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
        let mut evaluators: Vec<Evaluator<'_>> = contacts
            .iter()
            .map(|contact| Evaluator::new(self, contact, context))
            .collect();
        for (item, offset) in self.rankings_in_dependency_order() {
            if let Some(ItemBody::Ranked(ranking)) = self.items.get(item.index()).map(|i| &i.body) {
                let members = rank(ranking, offset, &contacts, &mut evaluators);
                for (evaluator, member) in evaluators.iter_mut().zip(members) {
                    evaluator.remember(item, offset, Value::Bool(member));
                }
            }
        }
        Ok(for_each(&mut evaluators, |evaluator| {
            evaluator.evaluation(true)
        }))
    }

    /// The ranked segments the program's items need, each with the time-travel
    /// offset it is needed at, every one after those its key and filter depend on.
    fn rankings_in_dependency_order(&self) -> Vec<(ItemId, TimeDelta)> {
        let mut done: HashSet<(ItemId, TimeDelta)> = HashSet::new();
        let mut order = Vec::new();
        let roots = self
            .items
            .iter()
            .enumerate()
            .filter(|(_, item)| !matches!(item.body.kind(), ItemKind::Reward | ItemKind::Workflow))
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

/// Which contacts a ranking takes, by position in the batch.
fn rank(
    ranking: &Ranking,
    offset: TimeDelta,
    contacts: &[&Contact],
    evaluators: &mut [Evaluator<'_>],
) -> Vec<bool> {
    let keys = for_each(evaluators, |evaluator| {
        evaluator.ranking_key(ranking, offset)
    });
    let mut ranked: Vec<(Decimal, usize)> = keys
        .into_iter()
        .enumerate()
        .filter_map(|(position, key)| Some((key?, position)))
        .collect();
    let id = |position: usize| contacts.get(position).map(|c| c.id());
    ranked.sort_by(|(key_a, a), (key_b, b)| {
        key_b
            .cmp(key_a)
            .then_with(|| id(*a).cmp(&id(*b)))
            .then(a.cmp(b))
    });
    let taken = match ranking.take {
        Take::Count(n) => usize::try_from(n).unwrap_or(usize::MAX),
        Take::Fraction(fraction) => fraction
            .checked_mul(Decimal::from(ranked.len()))
            .and_then(|share| share.ceil().to_usize())
            .unwrap_or(ranked.len()),
    };
    let mut members = vec![false; contacts.len()];
    for (_, position) in ranked.iter().take(taken) {
        if let Some(member) = members.get_mut(*position) {
            *member = true;
        }
    }
    members
}

impl Evaluator<'_> {
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

/// `work` applied to every evaluator, results in batch order: on rayon's pool with the
/// `parallel` feature, in this thread without it.
fn for_each<T: Send>(
    evaluators: &mut [Evaluator<'_>],
    work: impl Fn(&mut Evaluator<'_>) -> T + Send + Sync,
) -> Vec<T> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        evaluators.par_iter_mut().map(work).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        evaluators.iter_mut().map(work).collect()
    }
}
