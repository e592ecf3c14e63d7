//! Items: schema blocks, segments, scores, decisions, rewards, experiments, frequency
//! caps and metrics (workflows have their own file).

use super::Printer;
use crate::syntax::ast::{
    Arm, CapPer, Decision, Experiment, ExperimentClauseKind, Expr, Field, FrequencyCap, Item,
    ItemKind, Metric, MetricGrouping, Name, PlainString, RankTake, Reward, Schema, SchemaDeclKind,
    Score, ScoreRuleKind, Segment, SegmentBody,
};

impl Printer {
    /// Writes one item, ending with a line break.
    pub(super) fn item(&mut self, item: &Item) {
        self.before(item.span.start);
        let close = self.close_of(item.span);
        match &item.node {
            ItemKind::Schema(schema) => self.schema(schema, close),
            ItemKind::Segment(segment) => self.segment(segment, close),
            ItemKind::Score(score) => self.score(score, close),
            ItemKind::Decision(decision) => self.decision(decision, close),
            ItemKind::Reward(reward) => self.reward(reward, close),
            ItemKind::Workflow(workflow) => self.workflow(workflow, close),
            ItemKind::Experiment(experiment) => self.experiment(experiment, close),
            ItemKind::FrequencyCap(cap) => self.frequency_cap(cap, close),
            ItemKind::Metric(metric) => self.metric(metric, close),
        }
        self.after(item.span.end);
        self.text("\n");
    }

    /// Writes `KEYWORD NAME ["title"]`, the start of every named item.
    pub(super) fn item_head(&mut self, keyword: &str, name: &Name, title: Option<&PlainString>) {
        self.lead(name.span.start, keyword);
        self.text(" ");
        self.text(&name.node);
        if let Some(title) = title {
            self.lead(title.span.start, " ");
            self.plain_string(&title.node);
        }
    }

    /// Writes a `schema` block, one declaration per line.
    fn schema(&mut self, schema: &Schema, close: Option<usize>) {
        self.text("schema");
        self.braced(schema.decls.is_empty(), close, |printer| {
            let mut previous: Option<usize> = None;
            for decl in &schema.decls {
                if let Some(end) = previous {
                    printer.keep_blank_line(end, decl.span.start);
                }
                previous = Some(decl.span.end);
                printer.before(decl.span.start);
                printer.line_start();
                let close = printer.close_of(decl.span);
                printer.schema_decl(&decl.node, close);
                printer.after(decl.span.end);
                printer.text("\n");
            }
        });
    }

    /// Writes one schema declaration, without its line break.
    fn schema_decl(&mut self, decl: &SchemaDeclKind, close: Option<usize>) {
        match decl {
            SchemaDeclKind::Contact(fields) => {
                self.text("contact");
                self.braced(fields.is_empty(), close, |printer| {
                    for field in fields {
                        printer.before(field.name.span.start);
                        printer.line_start();
                        printer.field(field);
                        printer.text("\n");
                    }
                });
            }
            SchemaDeclKind::Event { kind, props } => {
                self.lead(kind.span.start, "event ");
                self.text(&kind.node);
                if props.is_empty() {
                    self.text(" { }");
                } else {
                    self.text(" { ");
                    self.fields(props);
                    self.text(" }");
                }
            }
            SchemaDeclKind::Group { name, members } => {
                self.text("group ");
                self.text(&name.node);
                self.text(" =");
                for (index, member) in members.iter().enumerate() {
                    self.lead(member.span.start, if index > 0 { " | " } else { " " });
                    self.text(&member.node);
                    self.after(member.span.end);
                }
            }
            SchemaDeclKind::Action { name, params } => {
                self.lead(name.span.start, "action ");
                self.text(&name.node);
                self.text("(");
                self.fields(params);
                self.text(")");
            }
            SchemaDeclKind::Param(field) => {
                self.text("param ");
                self.field(field);
            }
        }
    }

    /// Writes `name: type` fields separated by commas.
    fn fields(&mut self, fields: &[Field]) {
        for (index, field) in fields.iter().enumerate() {
            if index > 0 {
                self.lead(field.name.span.start, ", ");
            }
            self.field(field);
        }
    }

    /// Writes `name: type`.
    fn field(&mut self, field: &Field) {
        self.before(field.name.span.start);
        self.text(&field.name.node);
        self.lead(field.ty.span.start, ": ");
        self.type_expr(&field.ty.node);
        self.after(field.ty.span.end);
    }

    /// Writes a segment: its condition, or its ranking, on one line.
    fn segment(&mut self, segment: &Segment, close: Option<usize>) {
        self.item_head("segment", &segment.name, segment.title.as_ref());
        self.braced(false, close, |printer| {
            printer.line_start();
            match &segment.body {
                SegmentBody::Condition(condition) => printer.expr(condition),
                SegmentBody::Ranked(ranking) => {
                    printer.lead(ranking.take.span.start, "top ");
                    match &ranking.take.node {
                        RankTake::Count(count) => printer.write(format_args!("{count}")),
                        RankTake::Percent(percent) => printer.write(format_args!("{percent}%")),
                    }
                    printer.lead(ranking.by.span.start, " by ");
                    printer.expr(&ranking.by);
                    if let Some(filter) = &ranking.filter {
                        printer.lead(filter.span.start, " where ");
                        printer.expr(filter);
                    }
                }
            }
            printer.text("\n");
        });
    }

    /// Writes a score, one rule per line.
    fn score(&mut self, score: &Score, close: Option<usize>) {
        self.item_head("score", &score.name, score.title.as_ref());
        self.braced(score.rules.is_empty(), close, |printer| {
            let mut previous: Option<usize> = None;
            for rule in &score.rules {
                if let Some(end) = previous {
                    printer.keep_blank_line(end, rule.span.start);
                }
                previous = Some(rule.span.end);
                printer.before(rule.span.start);
                printer.line_start();
                printer.score_rule(&rule.node);
                printer.after(rule.span.end);
                printer.text("\n");
            }
        });
    }

    /// Writes one score rule, without its line break.
    fn score_rule(&mut self, rule: &ScoreRuleKind) {
        match rule {
            ScoreRuleKind::Per { query, points, max } => {
                self.text("per ");
                self.query(query);
                self.lead(points.span.start, " => ");
                self.expr(points);
                if let Some(max) = max {
                    self.lead(max.span.start, " max ");
                    self.write(format_args!("{}", max.node));
                }
            }
            ScoreRuleKind::When { condition, points } => self.arm_line(condition, points),
            ScoreRuleKind::Decay(half_life) => {
                self.lead(half_life.span.start, "decay half_life ");
                self.duration(&half_life.node);
            }
            ScoreRuleKind::Clamp { low, high } => {
                self.lead(low.span.start, "clamp ");
                self.write(format_args!("{}", low.node));
                self.lead(high.span.start, " to ");
                self.write(format_args!("{}", high.node));
            }
        }
    }

    /// Writes a decision, one arm per line.
    fn decision(&mut self, decision: &Decision, close: Option<usize>) {
        let keyword = if decision.collect {
            "decide all"
        } else {
            "decide"
        };
        self.item_head(keyword, &decision.name, decision.title.as_ref());
        let empty = decision.arms.is_empty() && decision.otherwise.is_none();
        self.braced(empty, close, |printer| {
            printer.arms(&decision.arms, decision.otherwise.as_ref());
        });
    }

    /// Writes a reward: its arms, then `else`, then its caps in order, then `round`.
    fn reward(&mut self, reward: &Reward, close: Option<usize>) {
        self.item_head("reward", &reward.name, reward.title.as_ref());
        self.lead(reward.trigger.span.start, " on ");
        self.text(&reward.trigger.node);
        let empty = reward.arms.is_empty()
            && reward.otherwise.is_none()
            && reward.caps.is_empty()
            && reward.round.is_none();
        self.braced(empty, close, |printer| {
            printer.arms(&reward.arms, reward.otherwise.as_ref());
            for cap in &reward.caps {
                printer.before(cap.amount.span.start);
                printer.line_start();
                printer.write(format_args!("cap {}", cap.amount.node));
                printer.lead(cap.per.span.start, " per ");
                match &cap.per.node {
                    CapPer::Event => printer.text("event"),
                    CapPer::Window(window) => printer.duration(window),
                }
                printer.after(cap.per.span.end);
                printer.text("\n");
            }
            if let Some(places) = &reward.round {
                printer.before(places.span.start);
                printer.line_start();
                printer.write(format_args!("round {}", places.node));
                printer.after(places.span.end);
                printer.text("\n");
            }
        });
    }

    /// Writes a frequency cap: its limits one per line, then its `defer` or `skip`.
    fn frequency_cap(&mut self, cap: &FrequencyCap, close: Option<usize>) {
        self.item_head("cap", &cap.name, cap.title.as_ref());
        self.lead(cap.action.span.start, " on ");
        self.text(&cap.action.node);
        self.lead(cap.counted_by.span.start, " counted by ");
        self.text(&cap.counted_by.node);
        self.braced(
            cap.limits.is_empty() && cap.over.is_none(),
            close,
            |printer| {
                for limit in &cap.limits {
                    printer.before(limit.most.span.start);
                    printer.line_start();
                    printer.write(format_args!("at most {}", limit.most.node));
                    printer.lead(limit.per.span.start, " per ");
                    printer.duration(&limit.per.node);
                    if let Some(then) = &limit.then {
                        printer.lead(then.span.start, " then ");
                        printer.text(then.node.word());
                    }
                    let end = limit.then.as_ref().map_or(limit.per.span, |then| then.span);
                    printer.after(end.end);
                    printer.text("\n");
                }
                if let Some(over) = &cap.over {
                    printer.before(over.span.start);
                    printer.line_start();
                    printer.text(over.node.word());
                    printer.after(over.span.end);
                    printer.text("\n");
                }
            },
        );
    }
    /// Writes a metric: its grouping on the head line, its body on one line.
    fn metric(&mut self, metric: &Metric, close: Option<usize>) {
        self.item_head("metric", &metric.name, metric.title.as_ref());
        match &metric.by {
            None => {}
            Some(MetricGrouping::Expr(key)) => {
                self.lead(key.span.start, " by ");
                self.expr(key);
            }
            Some(MetricGrouping::Prop { prop, kinds }) => {
                self.lead(prop.span.start, " by ");
                self.text(&prop.node);
                for (index, kind) in kinds.iter().enumerate() {
                    self.lead(kind.span.start, if index > 0 { " | " } else { " of " });
                    self.text(&kind.node);
                }
            }
        }
        self.braced(false, close, |printer| {
            printer.line_start();
            printer.expr(&metric.body);
            printer.text("\n");
        });
    }

    /// Writes `when COND => VALUE` lines, then `else => VALUE`, with an empty line
    /// where the source has one or more between two of them.
    fn arms(&mut self, arms: &[Arm], otherwise: Option<&Expr>) {
        let mut previous: Option<usize> = None;
        for arm in arms {
            if let Some(end) = previous {
                self.keep_blank_line(end, arm.condition.span.start);
            }
            previous = Some(arm.value.span.end);
            self.before(arm.condition.span.start);
            self.line_start();
            self.arm_line(&arm.condition, &arm.value);
            self.text("\n");
        }
        if let Some(value) = otherwise {
            if let Some(end) = previous {
                self.keep_blank_line(end, value.span.start);
            }
            self.before(value.span.start);
            self.line_start();
            self.text("else => ");
            self.expr(value);
            self.text("\n");
        }
    }

    /// Writes `when COND => VALUE`, without its line break.
    fn arm_line(&mut self, condition: &Expr, value: &Expr) {
        self.text("when ");
        self.expr(condition);
        self.lead(value.span.start, " => ");
        self.expr(value);
    }

    /// Writes an experiment, one clause per line, in the order written.
    fn experiment(&mut self, experiment: &Experiment, close: Option<usize>) {
        self.item_head("experiment", &experiment.name, experiment.title.as_ref());
        self.braced(experiment.clauses.is_empty(), close, |printer| {
            let mut previous: Option<usize> = None;
            for clause in &experiment.clauses {
                if let Some(end) = previous {
                    printer.keep_blank_line(end, clause.span.start);
                }
                previous = Some(clause.span.end);
                printer.before(clause.span.start);
                printer.line_start();
                match &clause.node {
                    ExperimentClauseKind::Split {
                        workflow,
                        statement,
                    } => {
                        printer.lead(workflow.span.start, "split ");
                        printer.text(&workflow.node);
                        printer.lead(statement.span.start, " ");
                        printer.plain_string(&statement.node);
                    }
                    ExperimentClauseKind::Exposed(condition) => {
                        printer.text("exposed when ");
                        printer.expr(condition);
                    }
                    ExperimentClauseKind::Converted(condition) => {
                        printer.text("converted when ");
                        printer.expr(condition);
                    }
                    ExperimentClauseKind::Control(arm) => {
                        printer.lead(arm.span.start, "control ");
                        printer.write(format_args!("{}", arm.node));
                    }
                    ExperimentClauseKind::Winner { level, min } => {
                        printer.lead(level.span.start, "winner at ");
                        printer.write(format_args!("{}%", level.node));
                        printer.lead(min.span.start, " min ");
                        printer.write(format_args!("{}", min.node));
                    }
                }
                printer.after(clause.span.end);
                printer.text("\n");
            }
        });
    }
}
