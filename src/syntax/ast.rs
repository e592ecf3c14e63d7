//! The abstract syntax tree: what the parser produces and the printer prints.
//!
//! Every node carries the [`Span`] of the source it came from. Spans are left out of
//! equality ([`Spanned`]), so two trees compare equal when they mean the same program,
//! wherever their text stood: this is what the print/parse round trip relies on.
//!
//! The tree is deliberately shallow where input can be long: a chain of `and` or `or`
//! is one node holding its operands, so its length never turns into tree depth.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc, Weekday};
use rust_decimal::Decimal;

use crate::diagnostic::Span;

/// A value with the span of the source it came from; equality ignores the span.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it stood in the source.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps `node` with its `span`.
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T: Eq> Eq for Spanned<T> {}

/// An identifier naming an attribute, prop, item, action, argument or label.
pub type Name = Spanned<String>;

/// An event kind or group: identifiers joined by `.` (`email.clicked`, `activity`).
pub type KindName = Spanned<String>;

/// A string literal without interpolation (item titles, `matches` patterns).
pub type PlainString = Spanned<String>;

/// One parsed source file: its items in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Module {
    /// The top-level items.
    pub items: Vec<Item>,
}

/// A top-level item.
pub type Item = Spanned<ItemKind>;

/// The kinds of top-level item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    /// `schema { … }`
    Schema(Schema),
    /// `segment NAME ["title"] { … }`
    Segment(Segment),
    /// `score NAME ["title"] { … }`
    Score(Score),
    /// `decide [all] NAME ["title"] { … }`
    Decision(Decision),
    /// `reward NAME ["title"] on KIND { … }`
    Reward(Reward),
    /// `workflow NAME ["title"] { … }`
    Workflow(Workflow),
    /// `experiment NAME ["title"] { … }`
    Experiment(Experiment),
    /// `cap NAME ["title"] on ACTION counted by KIND { … }`
    FrequencyCap(FrequencyCap),
    /// `metric NAME ["title"] [by …] { … }`
    Metric(Metric),
}

/// A `schema` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// Its declarations in order.
    pub decls: Vec<SchemaDecl>,
}

/// One declaration inside a `schema` block.
pub type SchemaDecl = Spanned<SchemaDeclKind>;

/// The kinds of schema declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaDeclKind {
    /// `contact { name: type … }`
    Contact(Vec<Field>),
    /// `event KIND { prop: type … }`
    Event {
        /// The event kind.
        kind: KindName,
        /// Its props.
        props: Vec<Field>,
    },
    /// `group NAME = KIND | KIND …`
    Group {
        /// The group's name.
        name: Name,
        /// Its member kinds.
        members: Vec<KindName>,
    },
    /// `action NAME(arg: type, …)`
    Action {
        /// The action's name.
        name: Name,
        /// Its named, typed parameters.
        params: Vec<Field>,
    },
    /// `param NAME: type`: a value the host gives with a population, which metrics
    /// read with `param(NAME)`.
    Param(Field),
}

/// `name: type`, in a contact, event or action declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field's name.
    pub name: Name,
    /// Its declared type.
    pub ty: TypeExpr,
}

/// A type as written.
pub type TypeExpr = Spanned<TypeKind>;

/// The forms of a written type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeKind {
    /// A named type: `bool`, `number`, `string`, `date`, `datetime`, `duration`
    /// (the checker rejects other names).
    Named(String),
    /// `list<T>`
    List(Box<TypeExpr>),
    /// `T?`
    Optional(Box<TypeExpr>),
}

/// A segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The segment's name.
    pub name: Name,
    /// Its optional human title.
    pub title: Option<PlainString>,
    /// Its body.
    pub body: SegmentBody,
}

/// What decides membership in a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentBody {
    /// A condition on one contact.
    Condition(Expr),
    /// `top N by EXPR [where COND]`: a ranked, batch-only segment.
    Ranked(Ranking),
}

/// `top N by EXPR [where COND]` or `top P% by EXPR [where COND]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranking {
    /// How many contacts the segment takes.
    pub take: Spanned<RankTake>,
    /// The ranking key (descending).
    pub by: Expr,
    /// Which contacts rank at all.
    pub filter: Option<Expr>,
}

/// How many ranked contacts a segment takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RankTake {
    /// The first N.
    Count(u64),
    /// The first `ceil(P × n)`; the percentage as written (`10` for `10%`).
    Percent(Decimal),
}

/// A score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    /// The score's name.
    pub name: Name,
    /// Its optional human title.
    pub title: Option<PlainString>,
    /// Its rules and modifiers, in order.
    pub rules: Vec<ScoreRule>,
}

/// One line of a score.
pub type ScoreRule = Spanned<ScoreRuleKind>;

/// The kinds of score line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoreRuleKind {
    /// `per QUERY => POINTS [max M]`
    Per {
        /// The events counted.
        query: Query,
        /// Points per event, evaluated with the event's props in scope.
        points: Expr,
        /// The cap on the rule's total, in absolute value.
        max: Option<Spanned<Decimal>>,
    },
    /// `when COND => POINTS`
    When {
        /// The condition.
        condition: Expr,
        /// The points added once when it holds.
        points: Expr,
    },
    /// `decay half_life D`
    Decay(Spanned<TimeDelta>),
    /// `clamp A to B`
    Clamp {
        /// The lower bound.
        low: Spanned<Decimal>,
        /// The upper bound.
        high: Spanned<Decimal>,
    },
}

/// A decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// `decide all`: collect every matching arm instead of the first.
    pub collect: bool,
    /// The decision's name.
    pub name: Name,
    /// Its optional human title.
    pub title: Option<PlainString>,
    /// Its `when` arms in order.
    pub arms: Vec<Arm>,
    /// The `else` value.
    pub otherwise: Option<Expr>,
}

/// `when COND => VALUE`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arm {
    /// The condition.
    pub condition: Expr,
    /// The value when it holds.
    pub value: Expr,
}

/// A reward program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reward {
    /// The reward's name.
    pub name: Name,
    /// Its optional human title.
    pub title: Option<PlainString>,
    /// The kind of event that triggers it.
    pub trigger: KindName,
    /// Its `when` arms in order.
    pub arms: Vec<Arm>,
    /// The `else` value.
    pub otherwise: Option<Expr>,
    /// Its caps in order.
    pub caps: Vec<Cap>,
    /// `round P`.
    pub round: Option<Spanned<u32>>,
}

/// `cap X per event` or `cap X per D`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cap {
    /// The cap's amount.
    pub amount: Spanned<Decimal>,
    /// What it bounds.
    pub per: Spanned<CapPer>,
}

/// What a reward cap bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapPer {
    /// Each reward.
    Event,
    /// The sum over a rolling window.
    Window(TimeDelta),
}

/// A frequency cap: how often an action may be performed for one contact, across
/// every workflow.
///
/// `cap NAME ["title"] on ACTION counted by KIND { at most N per D [then defer|skip] …
/// [defer | skip] }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrequencyCap {
    /// The cap's name.
    pub name: Name,
    /// Its optional human title.
    pub title: Option<PlainString>,
    /// The action it caps.
    pub action: Name,
    /// The event kind the host records for each action performed.
    pub counted_by: KindName,
    /// Its limits in order.
    pub limits: Vec<CapLimit>,
    /// The bare `defer` or `skip` line: what a limit without `then` does.
    pub over: Option<Spanned<OverCap>>,
}

/// `at most N per D [then defer | then skip]`, one limit of a frequency cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapLimit {
    /// The most actions allowed in any window of `per`, as written.
    pub most: Spanned<Decimal>,
    /// The length of the window.
    pub per: Spanned<TimeDelta>,
    /// What an action over this limit does, when the limit says.
    pub then: Option<Spanned<OverCap>>,
}

/// What a frequency cap does with an action over one of its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverCap {
    /// `defer`: the run waits until the action is allowed.
    Defer,
    /// `skip`: the action is dropped and the run goes on.
    Skip,
}

impl OverCap {
    /// The word as written: `defer` or `skip`.
    pub fn word(self) -> &'static str {
        match self {
            OverCap::Defer => "defer",
            OverCap::Skip => "skip",
        }
    }
}

/// A workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    /// The workflow's name.
    pub name: Name,
    /// Its optional human title.
    pub title: Option<PlainString>,
    /// Its header clauses in order.
    pub header: Vec<Header>,
    /// Its statements.
    pub body: Block,
}

/// One header clause of a workflow.
pub type Header = Spanned<HeaderKind>;

/// The kinds of workflow header clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderKind {
    /// `enter on KIND [where COND]`
    EnterOn {
        /// The triggering kind.
        kind: KindName,
        /// A condition on the trigger.
        filter: Option<Expr>,
    },
    /// `enter when COND`
    EnterWhen(Expr),
    /// `reenter never | always | after D`
    Reenter(Reentry),
    /// `exit when COND`
    Exit(Expr),
    /// `goal when COND`
    Goal(Expr),
    /// `window HH:MM to HH:MM [on DAYS]`
    Window(SendWindow),
}

/// A re-entry policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reentry {
    /// Never again.
    Never,
    /// Whenever no run is active.
    Always,
    /// From D after the previous run ended.
    After(Spanned<TimeDelta>),
}

/// A send window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendWindow {
    /// When it opens (local time).
    pub start: Spanned<TimeOfDay>,
    /// When it closes (local time, excluded).
    pub end: Spanned<TimeOfDay>,
    /// The days on which it opens; every day when absent.
    pub days: Option<Spanned<Days>>,
}

/// A local time of day, `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay {
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
}

/// The days of a send window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Days {
    /// `mon..fri`
    Range(Weekday, Weekday),
    /// `mon, wed, fri`
    List(Vec<Weekday>),
}

/// An A/B test over a workflow's `split`: which contacts were exposed, which
/// converted, the control arm and the rule that names a winner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Experiment {
    /// The experiment's name.
    pub name: Name,
    /// Its optional human title.
    pub title: Option<PlainString>,
    /// Its clauses in the order written (the checker wants `split` and
    /// `converted when` once each, the others at most once).
    pub clauses: Vec<ExperimentClause>,
}

/// One clause of an experiment.
pub type ExperimentClause = Spanned<ExperimentClauseKind>;

/// The kinds of experiment clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExperimentClauseKind {
    /// `split WORKFLOW "STATEMENT"`: the split under test, by its statement id.
    Split {
        /// The workflow.
        workflow: Name,
        /// The id of its `split` statement: a path such as `"5"` or a `step` label.
        statement: PlainString,
    },
    /// `exposed when COND`: which contacts of the population reached the split.
    Exposed(Expr),
    /// `converted when COND`: which exposed contacts converted.
    Converted(Expr),
    /// `control N`: the arm the others are compared with (from 0).
    Control(Spanned<u64>),
    /// `winner at P% min N`: the level of the tests and the contacts every arm needs
    /// before a winner is named.
    Winner {
        /// The level as written (`95` for `95%`).
        level: Spanned<Decimal>,
        /// The fewest contacts an arm may have for a winner to be named.
        min: Spanned<u64>,
    },
}
/// A metric: a value computed over a population of contacts (a KPI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metric {
    /// The metric's name.
    pub name: Name,
    /// Its optional human title.
    pub title: Option<PlainString>,
    /// How its population is split into groups, if it is.
    pub by: Option<MetricGrouping>,
    /// Its value: an expression over population aggregates (`total`, `mean`,
    /// `share`, `contacts`), parameters and numbers.
    pub body: Expr,
}

/// How a metric groups its population.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricGrouping {
    /// `by EXPR`: one group per distinct value of a per-contact expression.
    Expr(Expr),
    /// `by PROP of KIND | KIND …`: one group per distinct value of an event prop.
    Prop {
        /// The prop whose values are the keys.
        prop: Name,
        /// The event kinds or groups whose events give them.
        kinds: Vec<KindName>,
    },
}

/// A sequence of statements.
pub type Block = Vec<Stmt>;

/// A workflow statement.
pub type Stmt = Spanned<StmtKind>;

/// The kinds of workflow statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StmtKind {
    /// `name(arg: EXPR, …)`
    Action {
        /// The declared action.
        name: Name,
        /// Its arguments.
        args: Vec<NamedArg>,
    },
    /// `wait D`
    Wait(Spanned<TimeDelta>),
    /// `wait until COND [max D]`
    WaitUntil {
        /// What ends the wait.
        condition: Expr,
        /// The longest wait.
        max: Option<Spanned<TimeDelta>>,
    },
    /// `if COND { … } else if COND { … } else { … }`
    If {
        /// The `if` and each `else if`, in order.
        branches: Vec<Branch>,
        /// The final `else`.
        otherwise: Option<Block>,
    },
    /// `split { P% => { … } … }`
    Split(Vec<SplitArm>),
    /// `stop`
    Stop,
    /// `step LABEL: STATEMENT`
    Step {
        /// The stable label.
        label: Name,
        /// The labelled statement.
        stmt: Box<Stmt>,
    },
}

/// One conditional branch of an `if`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// The condition.
    pub condition: Expr,
    /// The statements run when it holds.
    pub body: Block,
}

/// One arm of a `split`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitArm {
    /// The arm's share, as written (`50` for `50%`).
    pub weight: Spanned<Decimal>,
    /// Its statements.
    pub body: Block,
}

/// `name: EXPR` in an action call or a function call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedArg {
    /// The argument's name.
    pub name: Name,
    /// Its value.
    pub value: Expr,
}

/// An event query: `KIND [where COND] [within D | since T | between A and B]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The kind or group selected.
    pub source: KindName,
    /// The condition on each event.
    pub filter: Option<Box<Expr>>,
    /// The time window.
    pub window: Option<Spanned<QueryWindow>>,
}

impl Query {
    /// True when the query is a bare name, which may also be read as an expression.
    pub fn is_bare(&self) -> bool {
        self.filter.is_none() && self.window.is_none()
    }
}

/// The time window of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryWindow {
    /// `within D`: `now - D < at <= now`.
    Within(TimeDelta),
    /// `since T`: `T <= at <= now`.
    Since(Box<Expr>),
    /// `between A and B`: `A <= at < B`.
    Between(Box<Expr>, Box<Expr>),
}

/// An expression.
pub type Expr = Spanned<ExprKind>;

/// The forms of expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    /// A number literal; `percent` marks `10%` (whose value is `value / 100`).
    Number {
        /// The digits as written, before any `%`.
        value: Decimal,
        /// Written with a trailing `%`.
        percent: bool,
    },
    /// A string literal, with its interpolated parts.
    String(Vec<StringPart>),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A duration literal.
    Duration(TimeDelta),
    /// A date literal.
    Date(NaiveDate),
    /// A datetime literal (stored in UTC).
    DateTime(DateTime<Utc>),
    /// `[a, b, …]`
    List(Vec<Expr>),
    /// A bare identifier: an attribute, or an event prop in event scope.
    Name(String),
    /// `contact.NAME`: always the contact attribute.
    ContactAttribute(Name),
    /// `now`.
    Now,
    /// `today`.
    Today,
    /// `target.field`.
    Field {
        /// The record.
        target: Box<Expr>,
        /// The field read.
        field: Name,
    },
    /// `function(args…)`.
    Call {
        /// The function's name.
        function: Name,
        /// Its arguments.
        args: Vec<Arg>,
    },
    /// A prefix operator.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// A binary operator.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// `a or b or …`, flat.
    Or(Vec<Expr>),
    /// `a and b and …`, flat.
    And(Vec<Expr>),
    /// `x is null` / `x is not null`.
    IsNull {
        /// The tested value.
        operand: Box<Expr>,
        /// `is not null`.
        negated: bool,
    },
    /// `x matches "pattern"`.
    Matches {
        /// The searched string.
        subject: Box<Expr>,
        /// The regular expression, never interpolated.
        pattern: PlainString,
    },
}

/// A piece of a string literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StringPart {
    /// Literal text (escapes already decoded).
    Text(String),
    /// `{expr}`.
    Interpolation(Expr),
}

/// A call argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A plain expression.
    Expr(Expr),
    /// `name: EXPR` (`at: now - 30d`).
    Named(NamedArg),
    /// An event query, as the first argument of an aggregate.
    Query(Query),
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
    /// `+`
    Plus,
}

/// Binary operators, `and`/`or` excepted (see [`ExprKind::And`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `contains`
    Contains,
    /// `starts_with`
    StartsWith,
    /// `ends_with`
    EndsWith,
    /// `??`
    Coalesce,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Contains => "contains",
            BinaryOp::StartsWith => "starts_with",
            BinaryOp::EndsWith => "ends_with",
            BinaryOp::Coalesce => "??",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }

    /// The operator's precedence level (§4.1): 4 comparison, 5 `??`, 6 additive,
    /// 7 multiplicative.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Coalesce => 5,
            BinaryOp::Add | BinaryOp::Sub => 6,
            BinaryOp::Mul | BinaryOp::Div => 7,
            _ => 4,
        }
    }
}

/// The functions whose first argument is an event query when it is a dotted name
/// (§4.2): the parser reads it as a [`Query`], the checker resolves it.
pub const AGGREGATE_FUNCTIONS: &[&str] = &[
    "count", "exists", "sum", "avg", "min", "max", "first", "last",
];

/// The reserved words of the language (§3).
pub const KEYWORDS: &[&str] = &[
    "schema",
    "contact",
    "event",
    "group",
    "action",
    "decide",
    "reward",
    "workflow",
    "when",
    "else",
    "and",
    "or",
    "not",
    "in",
    "is",
    "null",
    "true",
    "false",
    "within",
    "since",
    "between",
    "where",
    "per",
    "max",
    "window",
    "clamp",
    "to",
    "decay",
    "half_life",
    "on",
    "cap",
    "round",
    "enter",
    "exit",
    "goal",
    "reenter",
    "after",
    "never",
    "wait",
    "until",
    "if",
    "split",
    "stop",
    "step",
    "contains",
    "starts_with",
    "ends_with",
    "matches",
    "now",
    "today",
    "all",
    "top",
    "by",
    "always",
];

/// True when `word` is reserved.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}
