//! What an explained node says beyond its text and value, by kind: [`Detail`].

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;

use crate::model::Value;
use crate::program::ItemKind;

/// What an [`Explained`](super::Explained) node is, with what more there is to say.
///
/// ```
/// use funil::explain::Detail;
///
/// let program = funil::compile(r#"
/// schema { contact { } event page.viewed { path: string } }
/// segment pricing { count(page.viewed where path == "/pricing") >= 2 }
/// "#)?;
/// let contact = program.contact("c-1")
///     .event("page.viewed", "2026-11-20T10:00:00Z".parse()?, [("path", "/pricing".into())])
///     .event("page.viewed", "2026-11-21T10:00:00Z".parse()?, [("path", "/blog".into())])
///     .build()?;
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let explanation = program.explain("pricing", &contact, &context)?;
/// let comparison = &explanation.root().children()[0];
/// let [count, two] = comparison.children() else { panic!() };
/// let Detail::Query(query) = count.detail() else { panic!() };
/// assert_eq!(query.aggregate(), "count");
/// assert_eq!(query.selected().iter().map(|e| e.index()).collect::<Vec<_>>(), [0]);
/// assert_eq!(two.detail(), &Detail::Literal);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Detail {
    /// The item itself, at the root of its tree.
    Item,
    /// An expression with nothing more to say than its value.
    Expression,
    /// A literal, or a negative number written as one (`-15`); the text form leaves
    /// literals out, since their text is their value.
    Literal,
    /// `a and b and …`: after the first false operand, the rest are not evaluated.
    And,
    /// `a or b or …`: after the first true operand, the rest are not evaluated.
    Or,
    /// An aggregate over an event query, or `first` / `last`.
    Query(EventQuery),
    /// `segment(x)`, `score(x)`, `decision(x)`, maybe with `at: now - D`.
    Reference(Reference),
    /// One rule of a score.
    ScoreRule(ScoreRule),
    /// A score's `clamp A to B`.
    Clamp(Clamp),
    /// One arm of a decision (`when … => …` or `else => …`).
    Arm(DecisionArm),
}

/// An event query with the events it selected: [`Detail::Query`], and the query of a
/// `per` score rule.
///
/// Its `where` clause is not explained event by event: the events it rejected are
/// simply not selected.
///
/// ```
/// use funil::explain::Detail;
///
/// let program = funil::compile(r#"
/// schema { contact { } event purchase { amount: number } }
/// segment big { sum(purchase within 365d, amount) >= 100 }
/// "#)?;
/// let contact = program.contact("c-1")
///     .event("purchase", "2026-06-01T10:00:00Z".parse()?, [("amount", 60.into())])
///     .event("purchase", "2026-11-01T10:00:00Z".parse()?, [("amount", 50.into())])
///     .build()?;
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let explanation = program.explain("big", &contact, &context)?;
/// let sum = &explanation.root().children()[0].children()[0];
/// let Detail::Query(query) = sum.detail() else { panic!() };
/// assert_eq!((query.aggregate(), query.kinds()), ("sum", &["purchase".to_string()][..]));
/// let amounts: Vec<_> = query.selected().iter().map(|e| e.value().cloned()).collect();
/// assert_eq!(amounts, [Some(funil::Value::from(60)), Some(funil::Value::from(50))]);
/// assert_eq!(sum.value(), Some(&funil::Value::from(110)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EventQuery {
    pub(super) aggregate: &'static str,
    pub(super) kinds: Vec<String>,
    pub(super) selected: Vec<SelectedEvent>,
}

impl EventQuery {
    /// The aggregate: `count`, `exists`, `sum`, `avg`, `min`, `max`, `first`, `last`,
    /// or `per` for a score rule.
    pub fn aggregate(&self) -> &str {
        self.aggregate
    }

    /// The event kinds the query selects from (a group's members).
    pub fn kinds(&self) -> &[String] {
        &self.kinds
    }

    /// The events it selected, in time order (the one picked, for `first` and
    /// `last`); empty when it was not evaluated.
    pub fn selected(&self) -> &[SelectedEvent] {
        &self.selected
    }
}

/// One event a query selected.
///
/// ```
/// use funil::explain::Detail;
///
/// let program = funil::compile(r#"
/// schema { contact { } event email.clicked { url: string } }
/// score clicks { per email.clicked within 30d => +10  decay half_life 1d }
/// "#)?;
/// let contact = program.contact("c-1")
///     .event("email.clicked", "2026-11-21T12:00:00Z".parse()?, [("url", "/a".into())])
///     .build()?;
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let explanation = program.explain("clicks", &contact, &context)?;
/// let Detail::ScoreRule(rule) = explanation.root().children()[0].detail() else { panic!() };
/// let event = &rule.query().unwrap().selected()[0];
/// assert_eq!((event.index(), event.kind()), (0, "email.clicked"));
/// assert_eq!(event.at(), "2026-11-21T12:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()?);
/// assert_eq!(event.value(), Some(&funil::Value::from(10)));
/// assert_eq!(event.decay_factor(), Some("0.5".parse()?));
/// assert_eq!(event.points(), Some("5".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SelectedEvent {
    pub(super) index: u32,
    pub(super) kind: String,
    pub(super) at: DateTime<Utc>,
    pub(super) value: Option<Value>,
    pub(super) decay_factor: Option<Decimal>,
    pub(super) points: Option<Decimal>,
}

impl SelectedEvent {
    /// Its index in the contact's history ([`crate::Contact::events`], in time order).
    pub fn index(&self) -> u32 {
        self.index
    }

    /// Its kind.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// When it occurred.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// The value computed for it: the aggregated value of `sum`, `avg`, `min` and
    /// `max` (null ones are skipped), or the points of a `per` rule before decay.
    pub fn value(&self) -> Option<&Value> {
        self.value.as_ref()
    }

    /// The decay factor its points were multiplied by, in a score with `decay`.
    pub fn decay_factor(&self) -> Option<Decimal> {
        self.decay_factor
    }

    /// The points it gave a `per` rule, after decay (none when its points were null).
    pub fn points(&self) -> Option<Decimal> {
        self.points
    }
}

/// A reference to another item: [`Detail::Reference`].
///
/// ```
/// use funil::explain::Detail;
///
/// let program = funil::compile(r#"
/// schema { contact { country: string? } }
/// segment br { country == "BR" }
/// segment was_br { segment(br, at: now - 30d) }
/// "#)?;
/// let contact = program.contact("c-1").attribute("country", "BR").build()?;
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let explanation = program.explain("was_br", &contact, &context)?;
/// let Detail::Reference(reference) = explanation.root().children()[0].detail() else { panic!() };
/// assert_eq!((reference.name(), reference.kind()), ("br", funil::ItemKind::Segment));
/// assert_eq!(reference.offset(), chrono::TimeDelta::days(30));
/// let index = reference.index().unwrap();
/// assert_eq!(explanation.references()[index].at(), reference.at());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub(super) name: String,
    pub(super) kind: ItemKind,
    pub(super) offset: TimeDelta,
    pub(super) at: DateTime<Utc>,
    pub(super) index: Option<usize>,
}

impl Reference {
    /// The referenced item's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its kind.
    pub fn kind(&self) -> ItemKind {
        self.kind
    }

    /// How long before the context's `now` it is evaluated: its own `at: now - D`
    /// added to that of the item that references it.
    pub fn offset(&self) -> TimeDelta {
        self.offset
    }

    /// The instant it is evaluated at.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// Where it is explained in [`Explanation::references`](super::Explanation::references);
    /// none when the reference was not evaluated.
    pub fn index(&self) -> Option<usize> {
        self.index
    }
}

/// One rule of a score: [`Detail::ScoreRule`]. Its node's value is the points it
/// contributed to the total.
///
/// ```
/// use funil::explain::Detail;
///
/// let program = funil::compile(r#"
/// schema { contact { } event email.opened { } }
/// score opens { per email.opened => +3 max 5 }
/// "#)?;
/// let at: chrono::DateTime<chrono::Utc> = "2026-11-20T10:00:00Z".parse()?;
/// let contact = program.contact("c-1").event("email.opened", at, []).event("email.opened", at, []).build()?;
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let explanation = program.explain("opens", &contact, &context)?;
/// let rule = &explanation.root().children()[0];
/// let Detail::ScoreRule(detail) = rule.detail() else { panic!() };
/// assert_eq!((detail.sum(), detail.max()), ("6".parse()?, Some("5".parse()?)));
/// assert!(detail.is_cut());
/// assert_eq!(rule.value(), Some(&funil::Value::from(5)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRule {
    pub(super) query: Option<EventQuery>,
    pub(super) sum: Decimal,
    pub(super) max: Option<Decimal>,
}

impl ScoreRule {
    /// A `per` rule's query, with the points of each event selected; none for a
    /// `when` rule.
    pub fn query(&self) -> Option<&EventQuery> {
        self.query.as_ref()
    }

    /// The points before `max`: the sum over the events of a `per` rule, the points
    /// of a `when` rule that held (0 when it did not).
    pub fn sum(&self) -> Decimal {
        self.sum
    }

    /// A `per` rule's `max`.
    pub fn max(&self) -> Option<Decimal> {
        self.max
    }

    /// Whether `max` cut the sum.
    pub fn is_cut(&self) -> bool {
        self.max.is_some_and(|max| self.sum.abs() > max)
    }
}

/// A score's `clamp A to B`: [`Detail::Clamp`]. Its node's value is the total after
/// it (rounded, as the score is).
///
/// ```
/// use funil::explain::Detail;
///
/// let program = funil::compile(r#"
/// schema { contact { vip: bool } }
/// score fit { when vip => +150  clamp 0 to 100 }
/// "#)?;
/// let contact = program.contact("c-1").attribute("vip", true).build()?;
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let explanation = program.explain("fit", &contact, &context)?;
/// let clamp = &explanation.root().children()[1];
/// let Detail::Clamp(detail) = clamp.detail() else { panic!() };
/// assert_eq!((detail.low(), detail.high()), ("0".parse()?, "100".parse()?));
/// assert_eq!(detail.before(), "150".parse()?);
/// assert!(detail.is_cut());
/// assert_eq!(clamp.value(), Some(&funil::Value::from(100)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Clamp {
    pub(super) low: Decimal,
    pub(super) high: Decimal,
    pub(super) before: Decimal,
    pub(super) after: Decimal,
}

impl Clamp {
    /// The lower bound.
    pub fn low(&self) -> Decimal {
        self.low
    }

    /// The upper bound.
    pub fn high(&self) -> Decimal {
        self.high
    }

    /// The total of the rules before the clamp (rounded, as the score is).
    pub fn before(&self) -> Decimal {
        self.before
    }

    /// Whether the clamp changed the total.
    pub fn is_cut(&self) -> bool {
        self.before != self.after
    }
}

/// One arm of a decision: [`Detail::Arm`]. Its node's value is whether it matched.
///
/// ```
/// use funil::explain::{ArmOutcome, Detail};
///
/// let program = funil::compile(r#"
/// schema { contact { total_spent: number } }
/// decide tier { when total_spent >= 1000 => "gold" when total_spent >= 100 => "silver" else => "none" }
/// "#)?;
/// let contact = program.contact("c-1").attribute("total_spent", 500).build()?;
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let explanation = program.explain("tier", &contact, &context)?;
/// let outcomes: Vec<_> = explanation.root().children().iter()
///     .map(|arm| match arm.detail() { Detail::Arm(arm) => (arm.is_else(), arm.outcome()), _ => panic!() })
///     .collect();
/// assert_eq!(outcomes, [
///     (false, ArmOutcome::NotMatched),
///     (false, ArmOutcome::Matched),
///     (true, ArmOutcome::NotEvaluated),
/// ]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionArm {
    pub(super) otherwise: bool,
    pub(super) outcome: ArmOutcome,
}

impl DecisionArm {
    /// Whether it is the `else` arm.
    pub fn is_else(&self) -> bool {
        self.otherwise
    }

    /// Whether it matched, did not, or was not reached.
    pub fn outcome(&self) -> ArmOutcome {
        self.outcome
    }
}

/// What became of a decision arm.
///
/// ```
/// use funil::explain::ArmOutcome;
///
/// assert_eq!(ArmOutcome::NotEvaluated.name(), "not evaluated");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArmOutcome {
    /// Its condition held (for `else`: no arm before it matched); its value is the
    /// decision's (or, in `decide all`, one of the decision's values).
    Matched,
    /// Its condition did not hold.
    NotMatched,
    /// Not reached: an earlier arm matched (in `decide all`, only an `else` after a
    /// match is not reached).
    NotEvaluated,
}

impl ArmOutcome {
    /// `matched`, `not matched` or `not evaluated`.
    pub fn name(self) -> &'static str {
        match self {
            ArmOutcome::Matched => "matched",
            ArmOutcome::NotMatched => "not matched",
            ArmOutcome::NotEvaluated => "not evaluated",
        }
    }
}
