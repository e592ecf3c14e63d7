//! Populations: a batch evaluated with its metrics ([`Program::evaluate_population`]).
//!
//! The batch is evaluated as [`Program::evaluate_batch`] does (rankings resolved
//! first, then one pass over the contacts), and in that same last pass each contact's
//! contributions to the metrics are computed by the evaluator that computes its
//! segments, scores and decisions ([`super::metric`]). With the `parallel` feature the
//! pass runs on rayon's pool; the contributions are then folded into each group's
//! totals in one thread, in input order, so that the results are the same, digit for
//! digit, with or without the feature (decimal sums that leave the range of a decimal
//! become null at the same contact either way).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::api::{EvalError, EvalErrorKind, Evaluation};
use super::batch::for_each;
use super::metric::{Contributions, Key, metric_value};
use super::source::Built;
use super::{Context, Evaluator};
use crate::model::{Contact, Value, write_json};
use crate::program::{Grouping, ItemBody, Metric, PopulationAggregate, Program};

/// The parameters of a population: the values a host gives for the schema's `param`
/// declarations, which metrics read with `param(NAME)`.
///
/// A parameter declared `number` must be given; one declared `number?` may be left
/// out, and is then null.
///
/// ```
/// use funil::{Decimal, Params, Value};
///
/// let params = Params::new().with("cost", 1500).with("budget", Decimal::new(20005, 1));
/// assert_eq!(params.get("cost"), Some(&Value::from(1500)));
/// assert_eq!(params.get("budget").and_then(Value::as_number), Some(Decimal::new(20005, 1)));
/// assert_eq!(params.get("spend"), None);
/// // Giving a parameter again replaces its value.
/// assert_eq!(params.with("cost", 10).get("cost"), Some(&Value::from(10)));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    values: Vec<(String, Value)>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Params {
        Params::default()
    }

    /// These parameters, with `name` set to `value` (replacing an earlier value).
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Params {
        self.set(name, value);
        self
    }

    /// Sets `name` to `value`, replacing an earlier value.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        let name = name.into();
        let value = value.into();
        match self.values.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = value,
            None => self.values.push((name, value)),
        }
    }

    /// The value given for `name`, if any.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The parameters given, in the order they were first set.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values
            .iter()
            .map(|(name, value)| (name.as_str(), value))
    }
}

/// A batch evaluated with its metrics: what [`Program::evaluate_population`] returns.
///
/// [`Population::evaluations`] are those [`Program::evaluate_batch`] gives, in input
/// order; [`Population::metrics`] has one [`MetricValue`] per metric and group:
/// metrics in declaration order, the groups of each by key (null first, then
/// ascending).
///
/// ```
/// let program = funil::compile(r#"
///     schema { contact { country: string? }  event purchase { amount: number } }
///     segment buyer { exists(purchase) }
///     metric conversion { share(segment(buyer)) }
///     metric revenue by country { total(sum(purchase, amount)) }
/// "#)?;
/// let contacts = [
///     program.contact("a").attribute("country", "BR")
///         .event("purchase", "2026-11-01T10:00:00Z".parse()?, [("amount", 30.into())])
///         .build()?,
///     program.contact("b").attribute("country", "BR").build()?,
///     program.contact("c").build()?,
/// ];
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let population = program.evaluate_population(&contacts, &context, &funil::Params::new())?;
/// assert_eq!(population.evaluations()[0].segments(), ["buyer"]);
/// let lines: Vec<String> = population.metrics().iter().map(|m| m.to_json()).collect();
/// assert_eq!(lines, [
///     // 1 buyer among 3 contacts.
///     r#"{"metric":"conversion","value":0.3333333333333333333333333333,"contacts":3}"#,
///     r#"{"metric":"revenue","group":null,"value":0,"contacts":1}"#,
///     r#"{"metric":"revenue","group":"BR","value":30,"contacts":2}"#,
/// ]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    evaluations: Vec<Evaluation>,
    metrics: Vec<MetricValue>,
}

impl Population {
    /// Every contact's segments (ranked ones included), scores and decisions, in
    /// input order: what [`Program::evaluate_batch`] gives.
    pub fn evaluations(&self) -> &[Evaluation] {
        &self.evaluations
    }

    /// The evaluations, taken out.
    pub fn into_evaluations(self) -> Vec<Evaluation> {
        self.evaluations
    }

    /// Every metric's value per group: metrics in declaration order, groups by key.
    pub fn metrics(&self) -> &[MetricValue] {
        &self.metrics
    }

    /// The values of the metric `name`, one per group (none for an unknown name).
    pub fn metric<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a MetricValue> + 'a {
        self.metrics.iter().filter(move |m| m.name == name)
    }
}

/// The value of one metric for one group of a population.
///
/// ```
/// let program = funil::compile(r#"
///     schema { contact { plan: string } }
///     metric paying by plan { share(plan != "free") }
/// "#)?;
/// let contacts = [("a", "free"), ("b", "pro"), ("c", "pro")]
///     .map(|(id, plan)| program.contact(id).attribute("plan", plan).build());
/// let contacts = contacts.into_iter().collect::<Result<Vec<_>, _>>()?;
/// let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
/// let population = program.evaluate_population(&contacts, &context, &funil::Params::new())?;
/// let pro = &population.metrics()[1];
/// assert_eq!((pro.name(), pro.group()), ("paying", Some(&funil::Value::from("pro"))));
/// assert_eq!((pro.value(), pro.contacts()), (&funil::Value::from(1), 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MetricValue {
    name: String,
    group: Option<Value>,
    value: Value,
    contacts: u64,
}

impl MetricValue {
    /// The metric's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The group's key (possibly null); none for a metric without `by`.
    pub fn group(&self) -> Option<&Value> {
        self.group.as_ref()
    }

    /// The metric's value for the group; null for a ratio with a zero denominator.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// How many contacts the group has (the whole population for a metric without
    /// `by`).
    pub fn contacts(&self) -> u64 {
        self.contacts
    }

    /// The line the `metrics` command prints:
    /// `{"metric":…,"group":…,"value":…,"contacts":…}`, without `group` for a metric
    /// that has no `by` (so that a null key, `"group":null`, is told apart).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"metric\":");
        write_json(&Value::String(self.name.as_str().into()), &mut out);
        if let Some(group) = &self.group {
            out.push_str(",\"group\":");
            write_json(group, &mut out);
        }
        out.push_str(",\"value\":");
        write_json(&self.value, &mut out);
        out.push_str(",\"contacts\":");
        out.push_str(&self.contacts.to_string());
        out.push('}');
        out
    }
}

impl Program {
    /// A batch evaluated with its metrics, in one pass over the contacts: every
    /// contact's segments (ranked ones included), scores and decisions, as
    /// [`Program::evaluate_batch`] gives them, and every metric's value per group.
    ///
    /// `params` gives the schema's parameters (`param cost: number`), which metrics
    /// read with `param(cost)`. With the `parallel` feature the contacts are evaluated
    /// on rayon's pool; the results are the same.
    ///
    /// ```
    /// use funil::{Context, Params, Value};
    ///
    /// let program = funil::compile(r#"
    ///     schema {
    ///       event purchase { amount: number }
    ///       param cost: number
    ///     }
    ///     metric roi { (total(sum(purchase, amount)) - param(cost)) / param(cost) }
    /// "#)?;
    /// let buyer = program.contact("a")
    ///     .event("purchase", "2026-11-01T10:00:00Z".parse()?, [("amount", 300.into())])
    ///     .build()?;
    /// let context = Context::new("2026-11-22T12:00:00Z".parse()?);
    /// let population = program.evaluate_population([&buyer], &context, &Params::new().with("cost", 200))?;
    /// // (300 - 200) / 200
    /// assert_eq!(population.metrics()[0].value(), &Value::from("0.5".parse::<funil::Decimal>()?));
    ///
    /// let missing = program.evaluate_population([&buyer], &context, &Params::new()).unwrap_err();
    /// assert_eq!(missing.kind(), funil::EvalErrorKind::MissingParameter);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A contact built against another schema than the program's
    /// ([`SchemaMismatch`](EvalErrorKind::SchemaMismatch)); a parameter the schema
    /// does not declare ([`UnknownParameter`](EvalErrorKind::UnknownParameter)), one
    /// given a value that is not of its type
    /// ([`ParameterType`](EvalErrorKind::ParameterType)), or one declared `number`
    /// and not given ([`MissingParameter`](EvalErrorKind::MissingParameter)).
    pub fn evaluate_population<'c>(
        &self,
        contacts: impl IntoIterator<Item = &'c Contact>,
        context: &Context,
        params: &Params,
    ) -> Result<Population, EvalError> {
        let params = self.param_values(params)?;
        let contacts: Vec<&Contact> = contacts.into_iter().collect();
        for contact in &contacts {
            self.check_contact(contact)?;
        }
        let metrics: Vec<(&str, &Metric)> = self
            .items
            .iter()
            .filter_map(|item| match &item.body {
                ItemBody::Metric(metric) => Some((item.name.as_str(), &**metric)),
                _ => None,
            })
            .collect();
        let bodies: Vec<&Metric> = metrics.iter().map(|(_, metric)| *metric).collect();
        let source = Built(&contacts);
        let Ok(resolved) = self.resolve_rankings(&source, context, true);
        let Ok(passes) = for_each(&source, |workspace, position, contact| {
            let mut evaluator = Evaluator::new(self, contact, context, workspace);
            evaluator.remember_rankings(&resolved, position);
            let evaluation = evaluator.evaluation(true);
            (evaluation, evaluator.contributions(&bodies))
        });
        let mut tally = Tally::new(&bodies);
        let mut evaluations = Vec::with_capacity(passes.len());
        for (evaluation, contributions) in passes {
            tally.add(&bodies, &contributions);
            evaluations.push(evaluation);
        }
        Ok(Population {
            evaluations,
            metrics: tally.finish(&metrics, &params, context),
        })
    }

    /// The parameters' values in declaration order, null where an optional one is not
    /// given; or the first problem with them.
    fn param_values(&self, params: &Params) -> Result<Vec<Value>, EvalError> {
        let mut values = vec![Value::Null; self.schema.param_count()];
        for (name, value) in params.iter() {
            let (index, ty) = self
                .schema
                .param(name)
                .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownParameter, name))?;
            if !value.conforms_to(ty) {
                return Err(EvalError::new(EvalErrorKind::ParameterType, name));
            }
            if let Some(slot) = values.get_mut(index) {
                *slot = value.clone();
            }
        }
        for (name, ty) in self.schema.params() {
            if !ty.is_optional() && params.get(name).is_none() {
                return Err(EvalError::new(EvalErrorKind::MissingParameter, name));
            }
        }
        Ok(values)
    }
}

/// The running totals of every group of every metric.
struct Tally {
    /// Per metric (by position), its groups by key.
    groups: Vec<BTreeMap<Key, Group>>,
}

/// One group's totals.
#[derive(Debug, Clone)]
struct Group {
    contacts: u64,
    /// One per aggregate of the metric.
    partials: Vec<Partial>,
}

/// One aggregate's totals in one group.
#[derive(Debug, Clone, Copy, Default)]
struct Partial {
    /// Contacts whose value was not null (`total`, `mean`) or whose condition held
    /// (`share`, `contacts`).
    counted: u64,
    /// The sum of the non-null values; none once it left the range of a decimal.
    sum: Option<Decimal>,
}

impl Group {
    fn new(metric: &Metric) -> Group {
        Group {
            contacts: 0,
            partials: vec![
                Partial {
                    counted: 0,
                    sum: Some(Decimal::ZERO),
                };
                metric.aggregates.len()
            ],
        }
    }
}

impl Tally {
    /// Empty totals; an ungrouped metric has its one group from the start, so that an
    /// empty population still gives it a value.
    fn new(metrics: &[&Metric]) -> Tally {
        let groups = metrics
            .iter()
            .map(|metric| {
                let mut groups = BTreeMap::new();
                if matches!(metric.grouping, Grouping::None) {
                    groups.insert(Key::Null, Group::new(metric));
                }
                groups
            })
            .collect();
        Tally { groups }
    }

    /// Adds one contact's contributions.
    fn add(&mut self, metrics: &[&Metric], contributions: &Contributions) {
        for (position, key, start) in &contributions.groups {
            let (Some(metric), Some(groups)) =
                (metrics.get(*position), self.groups.get_mut(*position))
            else {
                continue;
            };
            let group = groups
                .entry(key.clone())
                .or_insert_with(|| Group::new(metric));
            group.contacts += 1;
            let values = contributions.values.get(*start..).unwrap_or(&[]);
            for (partial, value) in group.partials.iter_mut().zip(values) {
                match value {
                    Value::Number(n) => {
                        partial.counted += 1;
                        partial.sum = partial.sum.and_then(|sum| sum.checked_add(*n));
                    }
                    Value::Bool(true) => partial.counted += 1,
                    _ => {}
                }
            }
        }
    }

    /// Every metric's value per group.
    fn finish(
        self,
        metrics: &[(&str, &Metric)],
        params: &[Value],
        context: &Context,
    ) -> Vec<MetricValue> {
        let mut out = Vec::new();
        for ((name, metric), groups) in metrics.iter().zip(self.groups) {
            let grouped = !matches!(metric.grouping, Grouping::None);
            for (key, group) in groups {
                let aggregates: Vec<Value> = metric
                    .aggregates
                    .iter()
                    .zip(&group.partials)
                    .map(|(aggregate, partial)| result(*aggregate, partial, group.contacts))
                    .collect();
                out.push(MetricValue {
                    name: (*name).to_string(),
                    group: grouped.then(|| key.value()),
                    value: metric_value(metric, &aggregates, params, context),
                    contacts: group.contacts,
                });
            }
        }
        out
    }
}

/// A population aggregate's result from its totals in a group of `contacts`.
fn result(aggregate: PopulationAggregate, partial: &Partial, contacts: u64) -> Value {
    let number = |n: Option<Decimal>| n.map_or(Value::Null, Value::Number);
    let ratio = |part: u64, whole: u64| {
        if whole == 0 {
            return Value::Null;
        }
        number(Decimal::from(part).checked_div(Decimal::from(whole)))
    };
    match aggregate {
        PopulationAggregate::Total(_) => number(partial.sum),
        PopulationAggregate::Mean(_) if partial.counted == 0 => Value::Null,
        PopulationAggregate::Mean(_) => number(
            partial
                .sum
                .and_then(|sum| sum.checked_div(Decimal::from(partial.counted))),
        ),
        PopulationAggregate::Share(_) => ratio(partial.counted, contacts),
        PopulationAggregate::Contacts(Some(_)) => Value::Number(Decimal::from(partial.counted)),
        PopulationAggregate::Contacts(None) => Value::Number(Decimal::from(contacts)),
    }
}
