//! The diagnostic codes, one per kind of problem, listed in one place.
//!
//! Errors are `E0001`…, warnings `W0001`…. A code never changes meaning once given.

/// A token that does not fit the grammar.
pub const SYNTAX: &str = "E0001";
/// A malformed literal: number, duration, date, string escape, time of day.
pub const BAD_LITERAL: &str = "E0002";
/// A name that is no contact attribute (nor, in event scope, a prop).
pub const UNKNOWN_ATTRIBUTE: &str = "E0003";
/// A name that is no event kind or group.
pub const UNKNOWN_KIND: &str = "E0004";
/// A field that the event or record does not have.
pub const UNKNOWN_PROP: &str = "E0005";
/// A reference to a segment, score, decision or workflow that does not exist.
pub const UNKNOWN_ITEM: &str = "E0006";
/// A call to a function that does not exist.
pub const UNKNOWN_FUNCTION: &str = "E0007";
/// A call with the wrong number or kind of arguments.
pub const BAD_ARGUMENTS: &str = "E0008";
/// An operand or value of the wrong type.
pub const TYPE_MISMATCH: &str = "E0009";
/// A name declared twice.
pub const DUPLICATE: &str = "E0010";
/// Items that reference each other in a cycle.
pub const CYCLE: &str = "E0011";
/// A `matches` pattern that is not a valid regular expression, or too large.
pub const BAD_REGEX: &str = "E0012";
/// Nesting deeper than the limit.
pub const TOO_DEEP: &str = "E0013";
/// A source file larger than the limit.
pub const SOURCE_TOO_LARGE: &str = "E0014";
/// A string literal longer than the limit.
pub const STRING_TOO_LONG: &str = "E0015";
/// A list literal with more elements than the limit.
pub const LIST_TOO_LONG: &str = "E0016";
/// A keyword where a name is needed.
pub const KEYWORD_AS_NAME: &str = "E0017";
/// A type name that does not exist.
pub const UNKNOWN_TYPE: &str = "E0018";
/// An action that is not declared, or an argument it does not take.
pub const UNKNOWN_ACTION: &str = "E0019";
/// A name used where it has no meaning (`at` outside event scope, `entered_at`
/// outside a workflow, a bare prop outside a query).
pub const OUT_OF_SCOPE: &str = "E0020";
/// A time-travel instant that is not `now - DURATION`, or too many instants.
pub const BAD_TIME_TRAVEL: &str = "E0021";
/// A rule that is not allowed where it stands (ranked segment referenced from a
/// reward or workflow, percentages that do not add up, …).
pub const NOT_ALLOWED: &str = "E0022";
/// A duration literal that is not whole days where a date needs one.
pub const NOT_WHOLE_DAYS: &str = "E0023";
/// Comparing a value that cannot be null with `null`.
pub const NULL_COMPARISON: &str = "W0001";
/// `is null` on a value that cannot be null.
pub const NEVER_NULL: &str = "W0002";
/// `??` on a value that cannot be null.
pub const USELESS_DEFAULT: &str = "W0003";
/// No longer emitted: it marked rewards and workflows before they could be compiled.
/// Kept, since a code never changes meaning.
pub const UNSUPPORTED: &str = "E0024";
/// More items (segments, scores, decisions, rewards, workflows, experiments,
/// frequency caps, metrics) than the limit.
pub const TOO_MANY_ITEMS: &str = "E0025";
/// A split named by an experiment or `arm(…)` that does not exist: the workflow has
/// no statement of that id, or that statement is not a `split`.
pub const UNKNOWN_SPLIT: &str = "E0026";
/// Something computed over a whole population where one contact is evaluated: a
/// population aggregate (`total`, `mean`, `share`, `contacts`) or `param(…)` in a
/// segment, score, decision, reward, workflow, metric grouping key or inside another
/// population aggregate, or a metric's name given to `segment(…)`, `score(…)` or
/// `decision(…)`.
pub const POPULATION_IN_CONTACT: &str = "E0027";
/// A per-contact value (an attribute, an event query, a field of `first`/`last`, an
/// item reference) in a metric's body outside a population aggregate.
pub const CONTACT_IN_POPULATION: &str = "E0028";
/// A construct that has no SQL form: [`Program::to_sql`](crate::Program::to_sql)
/// cannot push it down to the database.
pub const NOT_PUSHABLE: &str = "E0029";
/// The formatter's output would not have kept the source's meaning or every comment
/// (a bug in the formatter: it refuses rather than write a wrong result).
pub const FORMAT_FAILED: &str = "E0030";
/// A decision arm that is never taken: earlier arms take every value it would.
pub const UNREACHABLE_ARM: &str = "W0004";
/// A condition that is never true.
pub const NEVER_TRUE: &str = "W0005";
/// A score's `max` below the points one event gives.
pub const MAX_BELOW_POINTS: &str = "W0006";
/// A workflow statement that is never run: after `stop`, after an `if` or `split`
/// whose every branch stops, or in a workflow with `exit when true` or `goal when true`.
pub const UNREACHABLE_STATEMENT: &str = "W0007";
/// A helper (a segment, score or decision named with a leading `_`) that nothing uses.
pub const UNUSED_HELPER: &str = "W0008";
/// An event query window that selects no event.
pub const EMPTY_WINDOW: &str = "W0009";
/// A condition that is always true: comparisons of a value that is never null which
/// every number satisfies.
pub const ALWAYS_TRUE: &str = "W0010";
