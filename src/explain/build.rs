//! Building an explanation: each item's tree, node by node, with every value asked of
//! evaluation's probe.
//!
//! The walk follows the compiled nodes of one item, whose depth the parser bounds,
//! through the stack-headroom guard. References to other items are not followed in
//! place: each (item, instant) is queued once and explained after, from a flat list.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::TimeDelta;
use rust_decimal::Decimal;

use super::detail::{
    ArmOutcome, Clamp, DecisionArm, Detail, EventQuery, Reference, ScoreRule, SelectedEvent,
};
use super::{Explained, ExplainedItem, Explanation, Location};
use crate::Context;
use crate::eval::probe::{self, Probe, Scope, capped, decay_factor, decayed, finished};
use crate::model::{Contact, Value};
use crate::program::{
    Aggregate, DecisionArms, ItemBody, ItemId, ItemKind, ItemSource, Location as Written, Node,
    NodeId, Part, Program, Query, ScoreRule as Rule, ScoreRules, Window,
};

/// Explains the item `id` for `contact` in `context`, then every item it references.
pub(super) fn explain(
    program: &Program,
    id: ItemId,
    contact: &Contact,
    context: &Context,
) -> Explanation {
    probe::probe(program, contact, context, |probe| {
        let mut builder = Builder {
            program,
            probe,
            files: program
                .sources
                .iter()
                .map(|file| Arc::from(file.name()))
                .collect(),
            scope: Scope::default(),
            queued: Vec::new(),
            seen: HashMap::new(),
        };
        let main = builder.item(id, TimeDelta::zero());
        let mut references = Vec::new();
        while let Some(&(item, offset)) = builder.queued.get(references.len()) {
            references.push(builder.item(item, offset));
        }
        Explanation { main, references }
    })
}

struct Builder<'a, 'p> {
    program: &'a Program,
    probe: &'a mut Probe<'p>,
    /// The source files' names, shared by every location.
    files: Vec<Arc<str>>,
    /// Where the item being explained is evaluated.
    scope: Scope,
    /// The referenced items to explain, in the order first met.
    queued: Vec<(ItemId, TimeDelta)>,
    /// Their places in `queued`.
    seen: HashMap<(ItemId, TimeDelta), usize>,
}

impl Builder<'_, '_> {
    /// The item `id` as of `offset` before now.
    fn item(&mut self, id: ItemId, offset: TimeDelta) -> ExplainedItem {
        self.scope = Scope::at(offset);
        let at = self.probe.now(offset);
        let program = self.program;
        let (Some(item), Some(source)) = (
            program.items.get(id.index()),
            program.item_sources.get(id.index()),
        ) else {
            let root = leaf(Value::Null, Detail::Item);
            return ExplainedItem {
                name: String::new(),
                kind: ItemKind::Segment,
                title: None,
                offset,
                at,
                value: Value::Null,
                location: None,
                root,
            };
        };
        let (value, children) = match &item.body {
            ItemBody::Segment(condition) => {
                let body = self.node(*condition, true);
                let value = Value::Bool(self.probe.test(*condition, self.scope));
                (value, vec![body])
            }
            ItemBody::Score(rules) => self.score(source, rules),
            ItemBody::Decision(arms) => self.decision(arms),
            // Never explained: a ranked segment and a metric need a batch, and rewards,
            // workflows and experiments have no single value; an item one contact can be
            // evaluated for references none of them.
            ItemBody::Ranked(_)
            | ItemBody::Reward(_)
            | ItemBody::Workflow(_)
            | ItemBody::Experiment(_)
            | ItemBody::Metric(_) => (Value::Null, Vec::new()),
        };
        let (text, location) = self.written(Some(Written {
            file: source.file,
            span: source.span,
        }));
        let (_, name_location) = self.written(Some(Written {
            file: source.file,
            span: source.name,
        }));
        ExplainedItem {
            name: item.name.clone(),
            kind: item.body.kind(),
            title: item.title.clone(),
            offset,
            at,
            value: value.clone(),
            location: name_location,
            root: Explained {
                text,
                location,
                value: Some(value),
                detail: Detail::Item,
                children,
            },
        }
    }

    /// The text written at `at` and its location.
    fn written(&self, at: Option<Written>) -> (String, Option<Location>) {
        let Some(at) = at else {
            return (String::new(), None);
        };
        let (Some(file), Some(name)) = (
            self.program.sources.get(at.file as usize),
            self.files.get(at.file as usize),
        ) else {
            return (String::new(), None);
        };
        let text = file.text().get(at.span.start..at.span.end).unwrap_or("");
        let (line, column) = file.locate(at.span.start);
        let location = Location {
            file: Arc::clone(name),
            line,
            column,
            span: at.span,
        };
        (text.to_string(), Some(location))
    }

    /// The expression node `id`, evaluated in the item's scope or, when `evaluated`
    /// is false, marked (with all its parts) as not evaluated.
    fn node(&mut self, id: NodeId, evaluated: bool) -> Explained {
        crate::stack::with_headroom(|| self.node_unguarded(id, evaluated))
    }

    fn node_unguarded(&mut self, id: NodeId, evaluated: bool) -> Explained {
        let program = self.program;
        let (text, location) = self.written(program.nodes.location(id));
        let value = evaluated.then(|| self.probe.value(id, self.scope));
        let mut detail = Detail::Expression;
        let children = match program.nodes.get(id) {
            None
            | Some(
                Node::Attribute(_)
                | Node::Prop(_)
                | Node::EventAt
                | Node::Now
                | Node::Today
                | Node::EnteredAt
                | Node::SplitArm { .. },
            ) => Vec::new(),
            Some(Node::Literal(_)) => {
                detail = Detail::Literal;
                Vec::new()
            }
            Some(Node::List(elements)) => self.nodes(elements, evaluated),
            // A negative number written as such (`-15`) is a literal too.
            Some(Node::Negate(operand))
                if matches!(program.nodes.get(*operand), Some(Node::Literal(_))) =>
            {
                detail = Detail::Literal;
                Vec::new()
            }
            Some(Node::Not(operand) | Node::Negate(operand)) => self.nodes(&[*operand], evaluated),
            Some(Node::And(operands)) => {
                detail = Detail::And;
                self.chain(operands, evaluated, false)
            }
            Some(Node::Or(operands)) => {
                detail = Detail::Or;
                self.chain(operands, evaluated, true)
            }
            Some(
                Node::Arithmetic { lhs, rhs, .. }
                | Node::Compare { lhs, rhs, .. }
                | Node::Text { lhs, rhs, .. },
            ) => self.nodes(&[*lhs, *rhs], evaluated),
            Some(Node::CompareAttribute { .. }) => match program.nodes.operands_written(id) {
                Some((lhs, rhs)) => self.nodes(&[lhs, rhs], evaluated),
                None => Vec::new(),
            },
            Some(Node::In { element, list, .. }) => self.nodes(&[*element, *list], evaluated),
            Some(Node::Matches { subject, .. }) => self.nodes(&[*subject], evaluated),
            Some(Node::IsNull { operand, .. }) => self.nodes(&[*operand], evaluated),
            Some(Node::Coalesce { value, default }) => {
                let first = self.node(*value, evaluated);
                // The default is evaluated only when the value is null.
                let null = first.value().is_some_and(Value::is_null);
                vec![first, self.node(*default, null)]
            }
            Some(Node::Call { args, .. }) => self.nodes(args, evaluated),
            Some(Node::Aggregate {
                aggregate,
                query,
                value: per_event,
            }) => {
                let name = aggregate_name(*aggregate);
                detail = Detail::Query(self.query(name, query, *per_event, evaluated));
                self.window(query, evaluated)
            }
            Some(Node::EventField { last, query, .. }) => {
                detail = Detail::Query(self.picked(*last, query, evaluated));
                self.window(query, evaluated)
            }
            Some(Node::Item { item, offset }) => {
                detail = Detail::Reference(self.reference(*item, *offset, evaluated));
                Vec::new()
            }
            Some(Node::Interpolate(parts)) => {
                let values: Vec<NodeId> = parts
                    .iter()
                    .filter_map(|part| match part {
                        Part::Value(node) => Some(*node),
                        Part::Text(_) => None,
                    })
                    .collect();
                self.nodes(&values, evaluated)
            }
        };
        Explained {
            text,
            location,
            value,
            detail,
            children,
        }
    }

    fn nodes(&mut self, ids: &[NodeId], evaluated: bool) -> Vec<Explained> {
        ids.iter().map(|id| self.node(*id, evaluated)).collect()
    }

    /// The operands of `and` (`stop_at` false) or `or` (`stop_at` true): after the
    /// first operand that tests `stop_at`, the rest are not evaluated.
    fn chain(&mut self, operands: &[NodeId], evaluated: bool, stop_at: bool) -> Vec<Explained> {
        let mut open = evaluated;
        let mut children = Vec::with_capacity(operands.len());
        for operand in operands {
            children.push(self.node(*operand, open));
            if open && self.probe.test(*operand, self.scope) == stop_at {
                open = false;
            }
        }
        children
    }

    /// The kinds' names of a query.
    fn kinds(&self, query: &Query) -> Vec<String> {
        let schema = &self.program.schema;
        query
            .kinds
            .iter()
            .map(|kind| schema.kind_name(*kind).to_string())
            .collect()
    }

    /// The event `index`, with the value computed for it.
    fn event(&self, index: u32, value: Option<Value>) -> Option<SelectedEvent> {
        let event = self.probe.event(index)?;
        Some(SelectedEvent {
            index,
            kind: self.program.schema.kind_name(event.kind()).to_string(),
            at: event.at(),
            value,
            decay_factor: None,
            points: None,
        })
    }

    /// An aggregate's query with the events it selects, each with the aggregated
    /// value when there is one.
    fn query(
        &mut self,
        aggregate: &'static str,
        query: &Query,
        per_event: Option<NodeId>,
        evaluated: bool,
    ) -> EventQuery {
        let mut selected = Vec::new();
        if evaluated {
            let scope = self.scope;
            for index in self.probe.selected(query, scope) {
                let value = per_event.map(|node| self.probe.value(node, scope.with_event(index)));
                selected.extend(self.event(index, value));
            }
            selected.sort_by_key(|event| event.index);
        }
        EventQuery {
            aggregate,
            kinds: self.kinds(query),
            selected,
        }
    }

    /// `first(Q)` / `last(Q)` with the event it picks.
    fn picked(&mut self, last: bool, query: &Query, evaluated: bool) -> EventQuery {
        let index = if evaluated {
            self.probe.first_or_last(query, self.scope, last)
        } else {
            None
        };
        EventQuery {
            aggregate: if last { "last" } else { "first" },
            kinds: self.kinds(query),
            selected: index
                .and_then(|i| self.event(i, None))
                .into_iter()
                .collect(),
        }
    }

    /// The bounds of a `since` or `between` window.
    fn window(&mut self, query: &Query, evaluated: bool) -> Vec<Explained> {
        match &query.window {
            Window::All | Window::Within(_) => Vec::new(),
            Window::Since(bound) => vec![self.node(*bound, evaluated)],
            Window::Between(from, until) => {
                let from = self.node(*from, evaluated);
                // A null first bound selects nothing: the second is not evaluated.
                let instant = from.value().and_then(Value::as_datetime).is_some();
                vec![from, self.node(*until, instant)]
            }
        }
    }

    /// A reference to `item` at `offset` (its `at:`), queued to be explained when it
    /// is evaluated.
    fn reference(&mut self, item: ItemId, offset: TimeDelta, evaluated: bool) -> Reference {
        // As evaluation adds them.
        let offset = self
            .scope
            .offset
            .checked_add(&offset)
            .unwrap_or(self.scope.offset);
        let index = evaluated.then(|| {
            *self.seen.entry((item, offset)).or_insert_with(|| {
                self.queued.push((item, offset));
                self.queued.len() - 1
            })
        });
        let referenced = self.program.items.get(item.index());
        Reference {
            name: referenced.map(|i| i.name.clone()).unwrap_or_default(),
            kind: referenced.map_or(ItemKind::Segment, |i| i.body.kind()),
            offset,
            at: self.probe.now(offset),
            index,
        }
    }

    /// A score's rules and clamp, and its value.
    fn score(&mut self, source: &ItemSource, score: &ScoreRules) -> (Value, Vec<Explained>) {
        let mut total = Decimal::ZERO;
        let mut children = Vec::with_capacity(score.rules.len() + 1);
        let scope = self.scope;
        for (index, rule) in score.rules.iter().enumerate() {
            let span = source.rules.get(index).map(|span| Written {
                file: source.file,
                span: *span,
            });
            let (text, location) = self.written(span);
            let (points, detail, parts) = match rule {
                Rule::When { condition, points } => {
                    let condition_part = self.node(*condition, true);
                    let holds = self.probe.test(*condition, scope);
                    let points_part = self.node(*points, holds);
                    let value = if holds {
                        self.probe.value(*points, scope).as_number()
                    } else {
                        None
                    };
                    let points = value.unwrap_or_default();
                    let detail = ScoreRule {
                        query: None,
                        sum: points,
                        max: None,
                    };
                    (points, detail, vec![condition_part, points_part])
                }
                Rule::Per { query, points, max } => {
                    let (sum, events) = self.per(query, *points, score.half_life);
                    let detail = ScoreRule {
                        query: Some(events),
                        sum,
                        max: *max,
                    };
                    (capped(sum, *max), detail, self.window(query, true))
                }
            };
            total = total.checked_add(points).unwrap_or(total);
            children.push(Explained {
                text,
                location,
                value: Some(Value::Number(points)),
                detail: Detail::ScoreRule(detail),
                children: parts,
            });
        }
        let value = finished(total, score.clamp);
        if let Some((low, high)) = score.clamp {
            let span = source.clamp.map(|span| Written {
                file: source.file,
                span,
            });
            let (text, location) = self.written(span);
            let clamp = Clamp {
                low,
                high,
                before: finished(total, None),
                after: value,
            };
            children.push(Explained {
                text,
                location,
                value: Some(Value::Number(value)),
                detail: Detail::Clamp(clamp),
                children: Vec::new(),
            });
        }
        (Value::Number(value), children)
    }

    /// A `per` rule's sum before `max`, and its query with each event's points, in
    /// the order evaluation adds them (then shown in time order).
    fn per(
        &mut self,
        query: &Query,
        points: NodeId,
        half_life: Option<TimeDelta>,
    ) -> (Decimal, EventQuery) {
        let scope = self.scope;
        let now = self.probe.now(scope.offset);
        let mut sum = Decimal::ZERO;
        let mut selected = Vec::new();
        for index in self.probe.selected(query, scope) {
            let Some(event) = self.probe.event(index) else {
                continue;
            };
            let raw = self.probe.value(points, scope.with_event(index));
            let mut factor = None;
            let given = raw.as_number().map(|mut value| {
                if let Some(half_life) = half_life {
                    let age = now.signed_duration_since(event.at()).num_seconds();
                    factor = Some(decay_factor(age, half_life));
                    value = decayed(value, now, event.at(), half_life);
                }
                sum = sum.checked_add(value).unwrap_or(sum);
                value
            });
            selected.extend(self.event(index, Some(raw)).map(|event| SelectedEvent {
                decay_factor: factor,
                points: given,
                ..event
            }));
        }
        selected.sort_by_key(|event| event.index);
        let events = EventQuery {
            aggregate: "per",
            kinds: self.kinds(query),
            selected,
        };
        (sum, events)
    }

    /// A decision's arms, and its value: the first match (every match, in `decide
    /// all`), else the `else` value.
    fn decision(&mut self, decision: &DecisionArms) -> (Value, Vec<Explained>) {
        let scope = self.scope;
        let mut children = Vec::with_capacity(decision.arms.len() + 1);
        let mut values = Vec::new();
        for (condition, value) in decision.arms.iter() {
            let reached = decision.collect || values.is_empty();
            let condition_part = self.node(*condition, reached);
            let matched = reached && self.probe.test(*condition, scope);
            let value_part = self.node(*value, matched);
            if matched {
                values.push(self.probe.value(*value, scope));
            }
            let outcome = match (reached, matched) {
                (false, _) => ArmOutcome::NotEvaluated,
                (true, true) => ArmOutcome::Matched,
                (true, false) => ArmOutcome::NotMatched,
            };
            let at = self.arm_location(*condition, *value, &["when"]);
            children.push(self.arm(at, false, outcome, vec![condition_part, value_part]));
        }
        if let Some(otherwise) = decision.otherwise {
            let reached = values.is_empty();
            let value_part = self.node(otherwise, reached);
            if reached {
                values.push(self.probe.value(otherwise, scope));
            }
            let outcome = if reached {
                ArmOutcome::Matched
            } else {
                ArmOutcome::NotEvaluated
            };
            let at = self.arm_location(otherwise, otherwise, &["=>", "else"]);
            children.push(self.arm(at, true, outcome, vec![value_part]));
        }
        let value = if decision.collect {
            Value::List(values.into())
        } else {
            values.into_iter().next().unwrap_or(Value::Null)
        };
        (value, children)
    }

    fn arm(
        &self,
        at: Option<Written>,
        otherwise: bool,
        outcome: ArmOutcome,
        children: Vec<Explained>,
    ) -> Explained {
        let (text, location) = self.written(at);
        Explained {
            text,
            location,
            value: (outcome != ArmOutcome::NotEvaluated)
                .then_some(Value::Bool(outcome == ArmOutcome::Matched)),
            detail: Detail::Arm(DecisionArm { otherwise, outcome }),
            children,
        }
    }

    /// Where an arm was written: from the keywords before `first` (`when`, or `else
    /// =>`, found back over whitespace) to the end of `last`.
    fn arm_location(&self, first: NodeId, last: NodeId, keywords: &[&str]) -> Option<Written> {
        let nodes = &self.program.nodes;
        let (start, end) = (nodes.location(first)?, nodes.location(last)?);
        if start.file != end.file {
            return None;
        }
        let text = self.program.sources.get(start.file as usize)?.text();
        let mut begin = start.span.start;
        for keyword in keywords {
            let before = text.get(..begin).unwrap_or("").trim_end();
            let Some(rest) = before.strip_suffix(keyword) else {
                break;
            };
            begin = rest.len();
        }
        Some(Written {
            file: start.file,
            span: crate::diagnostic::Span::new(begin, end.span.end),
        })
    }
}

/// A node with no text of its own.
fn leaf(value: Value, detail: Detail) -> Explained {
    Explained {
        text: String::new(),
        location: None,
        value: Some(value),
        detail,
        children: Vec::new(),
    }
}

fn aggregate_name(aggregate: Aggregate) -> &'static str {
    match aggregate {
        Aggregate::Count => "count",
        Aggregate::Exists => "exists",
        Aggregate::Sum => "sum",
        Aggregate::Avg => "avg",
        Aggregate::Min => "min",
        Aggregate::Max => "max",
    }
}
