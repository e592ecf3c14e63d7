//! Rewards (§7): a grant for each trigger event, in chronological order, so that
//! rolling caps see the grants before them.

use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};

use super::api::{EvalError, EvalErrorKind};
use super::{Context, Evaluator, Frame};
use crate::model::{Contact, Event, Value};
use crate::program::{ItemBody, Program, RewardRules, RollingCap};

/// The reward granted for one trigger event.
///
/// ```
/// use funil::Decimal;
///
/// let program = funil::compile(r#"
///     schema { event purchase { amount: number } }
///     reward cashback on purchase { else => amount * 5% }
/// "#).unwrap();
/// let contact = program
///     .contact("c-1")
///     .event("purchase", "2026-11-20T10:00:00Z".parse().unwrap(), [("amount", Decimal::new(1999, 2).into())])
///     .build()
///     .unwrap();
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse().unwrap());
/// let grants = program.rewards("cashback", &contact, &context).unwrap();
/// assert_eq!(grants[0].value().to_string(), "1.00");
/// assert_eq!(grants[0].event_index(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    event_index: usize,
    at: DateTime<Utc>,
    value: Decimal,
}

impl Grant {
    /// The trigger event's position in [`Contact::events`] (time order).
    pub fn event_index(&self) -> usize {
        self.event_index
    }

    /// When the trigger event occurred.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// The amount granted, rounded as the reward says (2 places by default).
    pub fn value(&self) -> Decimal {
        self.value
    }
}

impl Program {
    /// The reward `name` for each of the contact's trigger events at or before the
    /// context's `now`, in chronological order.
    ///
    /// Each grant is computed as of its trigger's instant (events after it are
    /// invisible), in the context's time zone; rolling caps count the grants before
    /// it. To answer for one new event, ask as of that event and take its grant.
    ///
    /// # Errors
    ///
    /// An unknown name, an item that is not a reward, or a contact built against
    /// another schema.
    pub fn rewards(
        &self,
        name: &str,
        contact: &Contact,
        context: &Context,
    ) -> Result<Vec<Grant>, EvalError> {
        let (_, item) = self
            .item_named(name)
            .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownItem, name))?;
        let ItemBody::Reward(rules) = &item.body else {
            return Err(EvalError::new(EvalErrorKind::WrongItemKind, name));
        };
        self.check_contact(contact)?;
        let mut ledger = Ledger::new(&rules.rolling);
        let mut grants = Vec::new();
        let triggers = contact
            .events()
            .iter()
            .enumerate()
            .take_while(|(_, event)| event.at() <= context.now())
            .filter(|(_, event)| rules.trigger.contains(&event.kind()));
        for (event_index, event) in triggers {
            let raw = self.raw_reward(rules, contact, context, event);
            let value = ledger.grant(event.at(), bounded(raw, rules));
            grants.push(Grant {
                event_index,
                at: event.at(),
                value,
            });
        }
        Ok(grants)
    }

    /// The first matching arm's amount as of the trigger's instant, with the
    /// trigger's props in scope; 0 when no arm matches or the amount is null.
    fn raw_reward(
        &self,
        rules: &RewardRules,
        contact: &Contact,
        context: &Context,
        trigger: &Event,
    ) -> Decimal {
        let as_of_trigger = Context::new(trigger.at()).with_time_zone(context.time_zone());
        let mut evaluator = Evaluator::new(self, contact, &as_of_trigger);
        let frame = Frame {
            event: Some(trigger),
            ..evaluator.frame(Default::default())
        };
        let amount = rules
            .arms
            .iter()
            .find(|(condition, _)| evaluator.test(*condition, &frame))
            .map(|(_, amount)| *amount)
            .or(rules.otherwise);
        match amount.map(|amount| evaluator.eval(amount, &frame)) {
            Some(Value::Number(n)) => n,
            _ => Decimal::ZERO,
        }
    }
}

/// A negative amount becomes 0; then every `cap … per event`; then rounding.
fn bounded(raw: Decimal, rules: &RewardRules) -> Decimal {
    let capped = rules
        .per_event
        .iter()
        .fold(raw.max(Decimal::ZERO), |value, cap| value.min(*cap));
    capped.round_dp_with_strategy(rules.places, RoundingStrategy::MidpointAwayFromZero)
}

/// The grants so far, and for each rolling cap the sum of those inside its window.
struct Ledger<'r> {
    caps: &'r [RollingCap],
    granted: Vec<(DateTime<Utc>, Decimal)>,
    /// Per cap: the first grant still inside the window, and the window's sum.
    windows: Vec<(usize, Decimal)>,
}

impl<'r> Ledger<'r> {
    fn new(caps: &'r [RollingCap]) -> Self {
        Ledger {
            caps,
            granted: Vec::new(),
            windows: vec![(0, Decimal::ZERO); caps.len()],
        }
    }

    /// Grants `value` at `at` (grants come in time order), bounded by each rolling
    /// cap: `min(value, X - granted in (at - D, at])`, never below 0.
    fn grant(&mut self, at: DateTime<Utc>, value: Decimal) -> Decimal {
        let mut value = value;
        for (cap, (first, sum)) in self.caps.iter().zip(self.windows.iter_mut()) {
            let opens = at.checked_sub_signed(cap.window);
            while let Some((granted_at, granted)) = self.granted.get(*first)
                && opens.is_some_and(|opens| *granted_at <= opens)
            {
                *sum -= *granted;
                *first += 1;
            }
            let room = (cap.amount - *sum).max(Decimal::ZERO);
            value = value.min(room);
        }
        for (_, sum) in &mut self.windows {
            *sum += value;
        }
        self.granted.push((at, value));
        value
    }
}
