//! Experiments: A/B tests over a workflow's `split`, reported over a population.
//!
//! A room beside evaluation. It reads the compiled [`Experiment`](crate::program::Experiment)
//! and asks evaluation, through [`crate::eval::probe`], whether each contact was
//! exposed and converted; the arm of each contact is the §8.4 hash of the split, the
//! code workflows use. It gives an [`ExperimentReport`]: per arm the contacts, the
//! conversions and the rate; each arm against the control (a two-sided
//! two-proportion z-test with the pooled standard error, and a Wald confidence
//! interval of the difference with the unpooled one); over three arms or more, the
//! chi-square test of independence; and the winner, by the experiment's rule.
//!
//! * [`stats`]: the normal and chi-square distribution functions;
//! * [`analysis`]: the tests, from the counts;
//! * [`round`]: how binary64 statistics become the decimals the report shows.

mod analysis;
mod round;
mod stats;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value as Json;

use crate::eval::probe::{Scope, probe_in};
use crate::eval::{Context, EvalError, EvalErrorKind, Winner, Workspace, split};
use crate::model::{Contact, Value, value_to_json};
use crate::program::{Experiment, ItemBody, Program};
use analysis::{Counts, Rule};

/// What [`Program::experiment`] reports: the counts and tests of each arm of the
/// split under test, and its winner if the rule names one.
///
/// Counts are whole numbers and rates exact decimals rounded to 12 places (half to
/// even). The statistics — z, p-values, interval bounds, the chi-square statistic —
/// are computed in binary64 and shown as decimals: z, the bounds and the chi-square
/// statistic rounded to 6 places, p-values to 6 significant digits (half to even; a
/// p-value below 10⁻²⁸ shows as 0). The winner is decided on the p-values as shown.
///
/// ```
/// use funil::Context;
///
/// let program = funil::compile(r#"
///     schema { event signup { } event purchase { } action send_email(template: string) }
///     workflow welcome {
///       enter on signup
///       split { 50% => { send_email(template: "a") } 50% => { send_email(template: "b") } }
///     }
///     experiment offer "A or B" { split welcome "1"  converted when exists(purchase) }
/// "#)?;
/// let at = "2026-11-01T00:00:00Z".parse()?;
/// let contacts = (0..40)
///     .map(|n| {
///         let contact = program.contact(format!("c-{n}"));
///         // Every third contact bought.
///         if n % 3 == 0 { contact.event("purchase", at, []).build() } else { contact.build() }
///     })
///     .collect::<Result<Vec<_>, _>>()?;
/// let report = program.experiment("offer", &contacts, &Context::new("2026-11-22T12:00:00Z".parse()?))?;
/// assert_eq!(report.arms().len(), 2);
/// let total: u64 = report.arms().iter().map(|arm| arm.contacts()).sum();
/// assert_eq!(total, 40);
/// assert!(report.arms()[0].versus_control().is_none()); // arm 0 is the control
/// assert!(report.arms()[1].versus_control().is_some());
/// assert_eq!(report.winner(), None); // no `winner at` rule
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentReport {
    name: String,
    workflow: String,
    statement: String,
    fingerprint: u64,
    at: DateTime<Utc>,
    level: Decimal,
    min_contacts: Option<u64>,
    control: usize,
    exposed: u64,
    alpha: Decimal,
    comparisons: usize,
    arms: Vec<ArmReport>,
    chi_square: Option<ChiSquare>,
    winner: Option<usize>,
}

/// One arm of an [`ExperimentReport`].
///
/// ```
/// # let program = funil::compile(r#"
/// #     schema { event signup { } event purchase { } action send_email(template: string) }
/// #     workflow w { enter on signup  split { 50% => { } 50% => { } } }
/// #     experiment e { split w "1"  converted when exists(purchase) }
/// # "#)?;
/// let report = program.experiment("e", &[], &funil::Context::new("2026-11-22T12:00:00Z".parse()?))?;
/// let arm = &report.arms()[0];
/// assert_eq!((arm.arm(), arm.contacts(), arm.conversions()), (0, 0, 0));
/// assert_eq!(arm.weight(), funil::Decimal::from(50));
/// assert_eq!(arm.rate(), None); // no contact: no rate
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ArmReport {
    arm: usize,
    weight: Decimal,
    contacts: u64,
    conversions: u64,
    rate: Option<Decimal>,
    versus_control: Option<Comparison>,
}

/// An arm against the control: the difference of their rates (the arm's minus the
/// control's), the two-proportion z-test and the confidence interval of the
/// difference.
///
/// The z statistic uses the pooled standard error `sqrt(p(1-p)(1/n₁ + 1/n₂))`, `p` the
/// pooled rate; the p-value is two-sided. The interval is Wald's, `d ± z₍₁₋α/2₎ ·
/// sqrt(p₁(1-p₁)/n₁ + p₂(1-p₂)/n₂)` at the experiment's level, clipped to [-1, 1] (as
/// R's `prop.test(…, correct = FALSE)` computes both). `significant` compares the
/// p-value with the level's α divided by the number of comparisons (Bonferroni).
/// Each is none where it is undefined: an arm without contacts, or no variance.
///
/// ```
/// # let program = funil::compile(r#"
/// #     schema { event signup { } event purchase { } action send_email(template: string) }
/// #     workflow w { enter on signup  split { 50% => { } 50% => { } } }
/// #     experiment e { split w "1"  converted when exists(purchase) }
/// # "#)?;
/// let report = program.experiment("e", &[], &funil::Context::new("2026-11-22T12:00:00Z".parse()?))?;
/// let versus = report.arms()[1].versus_control().expect("arm 1 is not the control");
/// assert_eq!((versus.difference(), versus.z(), versus.p_value(), versus.interval()), (None, None, None, None));
/// assert!(!versus.is_significant());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    difference: Option<Decimal>,
    z: Option<Decimal>,
    p_value: Option<Decimal>,
    interval: Option<(Decimal, Decimal)>,
    significant: bool,
}

/// Pearson's chi-square test of independence between arm and conversion over every
/// arm (no continuity correction), reported for splits of three arms or more.
///
/// ```
/// # let program = funil::compile(r#"
/// #     schema { event signup { } event purchase { } action send_email(template: string) }
/// #     workflow w { enter on signup  split { 33.33% => { } 33.33% => { } 33.34% => { } } }
/// #     experiment e { split w "1"  converted when exists(purchase) }
/// # "#)?;
/// let report = program.experiment("e", &[], &funil::Context::new("2026-11-22T12:00:00Z".parse()?))?;
/// let chi = report.chi_square().expect("three arms");
/// assert_eq!(chi.degrees_of_freedom(), 2);
/// assert_eq!((chi.statistic(), chi.p_value()), (None, None)); // no contact yet
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ChiSquare {
    statistic: Option<Decimal>,
    degrees_of_freedom: u64,
    p_value: Option<Decimal>,
}

impl ExperimentReport {
    /// The experiment's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The workflow of the split under test.
    pub fn workflow(&self) -> &str {
        &self.workflow
    }

    /// The split's statement id (§8.2).
    pub fn statement(&self) -> &str {
        &self.statement
    }

    /// The instant the report is as of (the context's `now`).
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// The confidence level of the tests and intervals, a fraction (`0.95`): the
    /// `winner at` level, 95% without a winner rule.
    pub fn level(&self) -> Decimal {
        self.level
    }

    /// The fewest contacts every arm needs for a winner (`min N`); none without a
    /// winner rule.
    pub fn min_contacts(&self) -> Option<u64> {
        self.min_contacts
    }

    /// The control arm.
    pub fn control(&self) -> usize {
        self.control
    }

    /// How many contacts of the population were exposed (the sum over the arms).
    pub fn exposed(&self) -> u64 {
        self.exposed
    }

    /// How many arms are compared with the control (at least 1).
    pub fn comparisons(&self) -> usize {
        self.comparisons
    }

    /// The significance threshold of each comparison: `(1 - level) / comparisons`
    /// (Bonferroni).
    pub fn alpha(&self) -> Decimal {
        self.alpha
    }

    /// Every arm, in order.
    pub fn arms(&self) -> &[ArmReport] {
        &self.arms
    }

    /// The chi-square test over every arm, for splits of three arms or more.
    pub fn chi_square(&self) -> Option<&ChiSquare> {
        self.chi_square.as_ref()
    }

    /// The winning arm, if the rule names one: with at least `min` contacts in every
    /// arm, the arm of highest rate (the first of equal ones) when it is
    /// significantly better than the control, or the control when it is
    /// significantly better than every other arm.
    pub fn winner(&self) -> Option<usize> {
        self.winner
    }

    /// The winner as [`Program::advance_with_winners`] takes it, applying from the
    /// report's instant on; none when there is no winner.
    pub fn to_winner(&self) -> Option<Winner> {
        self.winner.map(|arm| {
            Winner::new(
                &self.workflow,
                &self.statement,
                arm,
                self.at,
                self.fingerprint,
            )
        })
    }

    /// The report as one line of JSON, as the `experiment` command prints it (and as
    /// `Serialize` writes it): keys in the order below, numbers as JSON numbers (§4.8),
    /// undefined statistics as `null`.
    ///
    /// ```text
    /// {"experiment":"offer","workflow":"welcome","statement":"1","at":"2026-11-22T12:00:00Z",
    ///  "level":0.95,"min_contacts":1000,"control":0,"exposed":2000,"comparisons":1,"alpha":0.05,
    ///  "arms":[{"arm":0,"weight":50,"contacts":1000,"conversions":100,"rate":0.1,"versus_control":null},
    ///          {"arm":1,"weight":50,"contacts":1000,"conversions":120,"rate":0.12,
    ///           "versus_control":{"difference":0.02,"z":1.429301,"p_value":0.152918,
    ///                             "interval":[-0.007411,0.047411],"significant":false}}],
    ///  "chi_square":null,"winner":null}
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Serialize for ExperimentReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(13))?;
        map.serialize_entry("experiment", &self.name)?;
        map.serialize_entry("workflow", &self.workflow)?;
        map.serialize_entry("statement", &self.statement)?;
        map.serialize_entry("at", &value_to_json(&Value::DateTime(self.at)))?;
        map.serialize_entry("level", &number(Some(self.level)))?;
        map.serialize_entry("min_contacts", &self.min_contacts)?;
        map.serialize_entry("control", &self.control)?;
        map.serialize_entry("exposed", &self.exposed)?;
        map.serialize_entry("comparisons", &self.comparisons)?;
        map.serialize_entry("alpha", &number(Some(self.alpha)))?;
        map.serialize_entry("arms", &self.arms)?;
        map.serialize_entry("chi_square", &self.chi_square)?;
        map.serialize_entry("winner", &self.winner)?;
        map.end()
    }
}

impl Serialize for ArmReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("arm", &self.arm)?;
        map.serialize_entry("weight", &number(Some(self.weight)))?;
        map.serialize_entry("contacts", &self.contacts)?;
        map.serialize_entry("conversions", &self.conversions)?;
        map.serialize_entry("rate", &number(self.rate))?;
        map.serialize_entry("versus_control", &self.versus_control)?;
        map.end()
    }
}

impl Serialize for Comparison {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("difference", &number(self.difference))?;
        map.serialize_entry("z", &number(self.z))?;
        map.serialize_entry("p_value", &number(self.p_value))?;
        let interval = self
            .interval
            .map(|(low, high)| [number(Some(low)), number(Some(high))]);
        map.serialize_entry("interval", &interval)?;
        map.serialize_entry("significant", &self.significant)?;
        map.end()
    }
}

impl Serialize for ChiSquare {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("statistic", &number(self.statistic))?;
        map.serialize_entry("degrees_of_freedom", &self.degrees_of_freedom)?;
        map.serialize_entry("p_value", &number(self.p_value))?;
        map.end()
    }
}

impl ArmReport {
    /// The arm's index in the split, from 0.
    pub fn arm(&self) -> usize {
        self.arm
    }

    /// The arm's share of the split, a percentage as written (`50` for `50%`).
    pub fn weight(&self) -> Decimal {
        self.weight
    }

    /// The exposed contacts whose §8.4 hash falls in the arm.
    pub fn contacts(&self) -> u64 {
        self.contacts
    }

    /// Those of them who converted.
    pub fn conversions(&self) -> u64 {
        self.conversions
    }

    /// `conversions / contacts`, rounded to 12 places; none without contacts.
    pub fn rate(&self) -> Option<Decimal> {
        self.rate
    }

    /// The arm against the control; none for the control itself.
    pub fn versus_control(&self) -> Option<&Comparison> {
        self.versus_control.as_ref()
    }
}

impl Comparison {
    /// The arm's rate minus the control's, rounded to 12 places.
    pub fn difference(&self) -> Option<Decimal> {
        self.difference
    }

    /// The z statistic (pooled standard error), rounded to 6 places.
    pub fn z(&self) -> Option<Decimal> {
        self.z
    }

    /// The two-sided p-value of the z-test, to 6 significant digits.
    pub fn p_value(&self) -> Option<Decimal> {
        self.p_value
    }

    /// The confidence interval of the difference at the experiment's level (Wald,
    /// unpooled standard error, clipped to [-1, 1]), its bounds rounded to 6 places.
    pub fn interval(&self) -> Option<(Decimal, Decimal)> {
        self.interval
    }

    /// Whether the p-value is below the report's [`alpha`](ExperimentReport::alpha).
    pub fn is_significant(&self) -> bool {
        self.significant
    }
}

impl ChiSquare {
    /// The statistic, rounded to 6 places; none when an arm has no contact, or when
    /// every contact, or none, converted.
    pub fn statistic(&self) -> Option<Decimal> {
        self.statistic
    }

    /// The number of arms less one.
    pub fn degrees_of_freedom(&self) -> u64 {
        self.degrees_of_freedom
    }

    /// The p-value, to 6 significant digits.
    pub fn p_value(&self) -> Option<Decimal> {
        self.p_value
    }
}

/// A decimal as the crate writes numbers in JSON (§4.8); null for none.
fn number(value: Option<Decimal>) -> Json {
    value.map_or(Json::Null, |n| value_to_json(&Value::Number(n)))
}

impl Program {
    /// The report of the experiment `name` over a population of contacts, as of the
    /// context's `now` (see [`ExperimentReport`]).
    ///
    /// Each contact for whom `exposed when` holds (every contact without it) counts
    /// in the arm the §8.4 hash of the split gives it — the arm a workflow run takes
    /// while no winner is sent — and converted when `converted when` holds; both are
    /// evaluated as of `now`, like a segment. The same contacts and instant give the
    /// same report, whatever their order.
    ///
    /// ```
    /// use funil::Context;
    ///
    /// let program = funil::compile(r#"
    ///     schema {
    ///       event email.sent { template: string }
    ///       event purchase { amount: number }
    ///       action send_email(template: string)
    ///     }
    ///     workflow welcome {
    ///       enter on email.sent
    ///       step offer: split { 50% => { send_email(template: "a") } 50% => { send_email(template: "b") } }
    ///     }
    ///     segment in_b { arm(welcome, "offer") == 1 }
    ///     experiment offer_test {
    ///       split welcome "offer"
    ///       exposed when exists(email.sent)
    ///       converted when exists(purchase within 7d)
    ///       winner at 95% min 2
    ///     }
    /// "#)?;
    /// let now = Context::new("2026-11-22T12:00:00Z".parse()?);
    /// let sent = "2026-11-20T12:00:00Z".parse()?;
    /// let bought = "2026-11-21T12:00:00Z".parse()?;
    /// let mut contacts = Vec::new();
    /// for n in 0..200 {
    ///     let id = format!("lead-{n}");
    ///     let probe = program.contact(id.as_str()).build()?;
    ///     // Arm 1 converts 60% of its contacts, arm 0 20%.
    ///     let in_b = program.segment("in_b", &probe, &now)?;
    ///     let buys = if in_b { n % 5 < 3 } else { n % 5 == 0 };
    ///     let mut contact = program.contact(id.as_str()).event("email.sent", sent, [("template", "w".into())]);
    ///     if buys {
    ///         contact = contact.event("purchase", bought, [("amount", 10.into())]);
    ///     }
    ///     contacts.push(contact.build()?);
    /// }
    /// // A contact never sent the email is not exposed.
    /// contacts.push(program.contact("stranger").build()?);
    /// let report = program.experiment("offer_test", &contacts, &now)?;
    /// assert_eq!(report.exposed(), 200);
    /// assert_eq!(report.winner(), Some(1));
    /// let winner = report.to_winner().expect("a winner");
    /// assert_eq!((winner.workflow(), winner.statement(), winner.arm()), ("welcome", "offer", 1));
    /// assert_eq!(winner.since(), now.now());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// No item named `name` (`UnknownItem`), an item that is not an experiment
    /// (`WrongItemKind`), or a contact built against another schema
    /// (`SchemaMismatch`).
    pub fn experiment<'c>(
        &self,
        name: &str,
        contacts: impl IntoIterator<Item = &'c Contact>,
        context: &Context,
    ) -> Result<ExperimentReport, EvalError> {
        let (_, item) = self
            .item_named(name)
            .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownItem, name))?;
        let ItemBody::Experiment(experiment) = &item.body else {
            return Err(EvalError::new(EvalErrorKind::WrongItemKind, name));
        };
        let workflow = self
            .items
            .get(experiment.workflow.index())
            .map_or("", |item| item.name.as_str());
        let counts = self.tally(experiment, workflow, contacts, context)?;
        let mut previous = 0;
        let weights: Vec<Decimal> = experiment
            .arms
            .iter()
            .map(|bound| {
                let share = Decimal::from(bound.saturating_sub(previous)) / Decimal::ONE_HUNDRED;
                previous = *bound;
                share
            })
            .collect();
        let rule = Rule {
            control: experiment.control,
            level: experiment.level,
            min_contacts: experiment.min_contacts,
        };
        let analysis = analysis::analyse(&counts, &weights, &rule);
        Ok(ExperimentReport {
            name: name.to_string(),
            workflow: workflow.to_string(),
            statement: experiment.statement.clone(),
            fingerprint: experiment.fingerprint,
            at: context.now(),
            level: experiment.level,
            min_contacts: experiment.min_contacts,
            control: experiment.control,
            exposed: counts.iter().map(|c| c.contacts).sum(),
            alpha: analysis.alpha,
            comparisons: analysis.comparisons,
            arms: analysis.arms,
            chi_square: analysis.chi_square,
            winner: analysis.winner,
        })
    }

    /// The contacts and conversions of each arm.
    fn tally<'c>(
        &self,
        experiment: &Experiment,
        workflow: &str,
        contacts: impl IntoIterator<Item = &'c Contact>,
        context: &Context,
    ) -> Result<Vec<Counts>, EvalError> {
        let mut counts = vec![Counts::default(); experiment.arms.len()];
        let prefix = format!("{workflow}/{}/", experiment.statement);
        let mut workspace = Workspace::new();
        let now = Scope::default();
        for contact in contacts {
            self.check_contact(contact)?;
            let bucket = split::bucket_after(&prefix, contact.id());
            let Some(arm) = split::arm_index(experiment.arms.iter().copied(), bucket)
                .and_then(|arm| counts.get_mut(arm))
            else {
                continue;
            };
            let (exposed, converted) = probe_in(&mut workspace, self, contact, context, |probe| {
                let exposed = experiment.exposed.is_none_or(|node| probe.test(node, now));
                (exposed, exposed && probe.test(experiment.converted, now))
            });
            if exposed {
                arm.contacts += 1;
                arm.conversions += u64::from(converted);
            }
        }
        Ok(counts)
    }
}
