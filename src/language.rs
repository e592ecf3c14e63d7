//! The funil rule language: a reference for the people who write rules.
//!
//! Rules are plain text. A `schema` declares what a contact looks like; `segment`,
//! `score`, `decide` and `reward` items say what to compute from it, `workflow`
//! items what to do with it over time, `experiment` items how to tell which arm of a
//! workflow's `split` works best, `cap` items how often an action may be performed
//! for one contact across every workflow, and `metric` items what to measure over a
//! whole population of contacts. [`compile`](crate::compile)
//! or [`Compiler`](crate::Compiler) turns one or several sources into a
//! [`Program`](crate::Program), which answers for one contact (or, for metrics and
//! ranked segments, for a population) at an instant given by the caller. This page describes the language as this version of funil implements it;
//! where the specification leaves a question open, the answer chosen is listed in
//! [the last section](#decisions-where-the-specification-is-silent).
//!
//! ```text
//! schema {
//!   contact { email: string, country: string?, total_spent: number }
//!   event email.clicked { campaign: string, url: string }
//!   event purchase      { amount: number, category: string }
//! }
//!
//! segment lusophone "Portuguese speakers" { country in ["BR", "PT"] }
//!
//! score engagement {
//!   per email.clicked within 30d => +10 max 50
//!   when exists(purchase within 90d) => +20
//!   decay half_life 30d
//! }
//!
//! decide tier {
//!   when sum(purchase within 365d, amount) >= 1000 => "gold"
//!   when exists(purchase) => "silver"
//!   else => "none"
//! }
//! ```
//!
//! # Data model
//!
//! A **contact** has an `id` (a non-empty string), **attributes** typed by the schema,
//! and a history of **events**. Each event has a kind (`email.clicked`), an instant
//! `at`, and the props its kind declares. Attributes and props are checked against the
//! schema when the contact is built; a contact that does not fit is refused with a
//! [`ContactError`](crate::ContactError) naming the contact id, the field and the
//! expected type.
//!
//! Events may arrive in any order: funil sorts them by `at`, keeping the given order
//! for events at the same instant. Events whose `at` is after the evaluation instant
//! `now` exist but are invisible to every rule.
//!
//! ## The JSON form
//!
//! [`Program::contact_from_json`](crate::Program::contact_from_json) reads the
//! interchange form:
//!
//! ```json
//! {
//!   "id": "c-001",
//!   "attributes": {
//!     "email": "ana@example.com", "country": "BR", "owner": null,
//!     "birthday": "1990-11-22", "created_at": "2026-01-10T09:00:00Z",
//!     "total_spent": 1200.50, "tags": ["vip"]
//!   },
//!   "events": [
//!     {"kind": "email.clicked", "at": "2026-11-20T10:00:00Z",
//!      "props": {"campaign": "welcome-1", "url": "https://shop.example/services"}}
//!   ]
//! }
//! ```
//!
//! * The top-level fields are `id`, `attributes` and `events`; an event's fields are
//!   `kind`, `at` and `props`. Any other field is an error. `attributes`, `events` and
//!   `props` may be left out when they would be empty.
//! * Every attribute and prop must be declared, and every non-optional one present.
//!   An optional one (`T?`) may be absent or `null`; both mean null. `null` for a
//!   non-optional field is a type error.
//! * Values are not coerced. The only text forms accepted in place of a JSON value
//!   are: a `datetime` as an RFC 3339 string with any offset (stored in UTC, fractions
//!   of a second kept); a `date` as exactly `YYYY-MM-DD`; a `number` as a decimal
//!   string such as `"19.99"` or `"-5"` (digits, an optional `-` and fraction, no
//!   exponent, read exactly and never rounded: the way to pass more than 15
//!   significant digits); a `duration` as a compound literal such as `"1d2h"` (a
//!   fraction on the seconds, `"1.5s"`, is accepted too).
//! * A JSON number is read through its shortest decimal text, so `19.99` is exactly
//!   19.99 and `1200.50` is 1200.5; integers are exact. A number outside the decimal
//!   range is an error. No `serde_json` feature is needed for this.
//! * An event's `at` is required; its kind must be declared.
//! * A contact with more events than the limit (default 1,000,000,
//!   [`Limits::max_events`](crate::Limits::max_events)) is refused before any event
//!   is read.
//!
//! The first problem found is reported. In Rust, [`Program::contact`](crate::Program::contact)
//! gives a [`ContactBuilder`](crate::ContactBuilder) with the same checks (a date
//! attribute then needs a date value, not a string), and
//! [`Contact::to_json_string`](crate::Contact::to_json_string) writes the JSON form
//! back.
//!
//! # Types and literals
//!
//! | type | values | literals |
//! |---|---|---|
//! | `bool` | true, false | `true`, `false` |
//! | `number` | exact decimals (a 96-bit mantissa: 28 to 29 significant digits) | `42`, `3.14`, `10%` (which is 0.10) |
//! | `string` | UTF-8 text | `"Olá"`, `"say \"hi\"\n"`, `r"C:\raw"` |
//! | `date` | a calendar date | `@2026-11-22` |
//! | `datetime` | an instant, in UTC | `@2026-11-22T12:00:00Z`, `@2026-11-22T09:00:00-03:00` |
//! | `duration` | a signed span of time | `45s`, `15m`, `12h`, `30d`, `2w`, `1h30m` |
//! | `list<T>` | a list of values of type `T` | `["BR", "PT"]`, `[]` |
//! | `T?` | a `T`, or null | `null` |
//!
//! There is no literal for a negative number or duration: write the unary minus
//! (`-5`, `-1d`). Numbers are never binary floating point: `0.1 + 0.2 == 0.3` holds.
//! Event records, returned by `first(…)` and `last(…)`, are not values of their own;
//! see [Event queries](#event-queries).
//!
//! # Schema
//!
//! ```text
//! schema {
//!   contact {
//!     email: string
//!     first_name: string?
//!     tags: list<string>
//!   }
//!   event email.clicked { campaign: string, url: string }
//!   event purchase      { order_id: string, amount: number, category: string }
//!   event unsubscribed  { }
//!   group activity = email.clicked | purchase
//!   action send_email(template: string)
//!   param cost: number
//! }
//! ```
//!
//! * `contact { … }` declares attributes, `event KIND { … }` an event kind and its
//!   props, `group NAME = KIND | KIND …` a set of kinds, `action NAME(…)` something a
//!   workflow may ask the host to do, `param NAME: number` (or `number?`) a number the
//!   host gives with a population, which metrics read (see [Metrics](#metrics)).
//!   Fields are `name: type`, separated by commas or by whitespace alone.
//! * The types are `bool`, `number`, `string`, `date`, `datetime`, `duration`,
//!   `list<T>` and `T?`.
//! * Every event has the implicit prop `at: datetime`; declaring `at` is an error.
//! * A group's props are those every member declares with the same type.
//! * Attributes, event kinds and groups share one namespace; segments, scores,
//!   decisions, rewards, workflows, experiments, frequency caps and metrics share
//!   another; actions have their own, and so have parameters. A name declared twice is
//!   an error (`E0010`).
//! * Several `schema` blocks, in one source or several, merge; so does a
//!   [`Schema`](crate::Schema) built in Rust and given to
//!   [`Compiler::schema`](crate::Compiler::schema).
//!
//! # Lexical rules
//!
//! * Source is UTF-8. `#` starts a comment that runs to the end of the line.
//!   Whitespace, line breaks included, only separates tokens: constructs are
//!   delimited by keywords, braces and commas, never by line ends.
//! * Identifiers are `[A-Za-z_][A-Za-z0-9_]*`. Event kinds and groups are identifiers
//!   joined by `.` with no space around it; a part may be a keyword
//!   (`contact.created`), the whole name may not.
//! * Reserved keywords, which cannot name an attribute, prop, item or field:
//!   `schema contact event group action decide reward workflow when else and or not
//!   in is null true false within since between where per max window clamp to decay
//!   half_life on cap round enter exit goal reenter after never wait until if split
//!   stop step contains starts_with ends_with matches now today all top by always`.
//! * `segment`, `score`, `experiment` and `metric` are not reserved: they start an
//!   item at the top level, call a function when `(` follows at once, and are ordinary
//!   names elsewhere (an attribute may be called `score`). The same holds for every
//!   function name, for the words that start an experiment's clauses (`exposed`,
//!   `converted`, `control`, `winner`, `at`, `min`), for `param` (which starts a
//!   declaration only inside a schema block) and for `of` (read only right after a
//!   metric's `by NAME`).
//! * `cap`, reserved, starts a [frequency cap](#frequency-caps) at the top level when
//!   a name follows it, and a reward's cap inside a reward; the other words of a
//!   frequency cap (`counted`, `at`, `most`, `then`, `defer`, `skip`) are not
//!   reserved.
//! * **Strings** are written `"…"` with the escapes `\"`, `\\`, `\n`, `\t` and
//!   `\u{1F600}` (1 to 6 hex digits); any other escape is an error. `{expr}` inside a
//!   string interpolates the value of `expr` (which may itself contain string
//!   literals), formatted as in [Formatting](#formatting); `{{` and `}}` are literal
//!   braces. Raw strings `r"…"` have no escapes and no interpolation (and cannot
//!   contain `"`). Item titles and `matches` patterns are never interpolated: their
//!   braces are plain text, written once (`"^\\d{3}$"`, or `r"^\d{3}$"`).
//! * **Numbers** are digits with an optional fraction (`42`, `3.14`; not `.5` or `1e3`);
//!   one with more digits than a 96-bit decimal holds is an error (28 significant
//!   digits always fit). A trailing `%` divides by 100 and marks a percentage, which
//!   `top P%` and `split` require.
//! * **Durations** are an integer followed at once by a unit, `s m h d w`, or several
//!   such parts with the units decreasing (`1d2h`, `1h30m`). They are exact: `1d` is
//!   86,400 seconds and `1w` 604,800, whatever daylight-saving time does.
//! * **Dates** are `@YYYY-MM-DD`; **datetimes** `@YYYY-MM-DDTHH:MM:SSZ` or with an
//!   offset instead of `Z` (`-03:00`), stored in UTC.
//! * In send windows only: times of day `HH:MM`, day names `mon … sun`, `..` for a
//!   range of days.
//!
//! # Expressions
//!
//! ## Precedence
//!
//! From the loosest to the tightest binding:
//!
//! | level | operators | associativity |
//! |---|---|---|
//! | 1 | `or` | left |
//! | 2 | `and` | left |
//! | 3 | `not` | prefix |
//! | 4 | `==` `!=` `<` `<=` `>` `>=` `in` `not in` `contains` `starts_with` `ends_with` `matches` `is null` `is not null` | none: `a < b < c` is an error |
//! | 5 | `??` | left |
//! | 6 | `+` `-` | left |
//! | 7 | `*` `/` | left |
//! | 8 | unary `-`, unary `+` | prefix |
//! | 9 | `.field`, calls | postfix |
//!
//! So `not a == b` is `not (a == b)`, `x ?? 0 + 1` is `x ?? (0 + 1)`, and
//! `-a * b` is `(-a) * b`. `and` and `or` short-circuit. Parentheses group to any depth
//! the [limits](#limits) allow: `(a or b) and not (c or d)`. A `not` to the right of a
//! comparison needs parentheses: `x == (not y)`.
//!
//! Line breaks never end an expression: it ends where the next token cannot continue
//! it — a keyword such as `when`, `per`, `else`, `max`, `where` or `within`, a closing
//! brace or parenthesis, a comma, `=>`.
//!
//! ## Names and scopes
//!
//! * A bare identifier is a contact attribute: `country`.
//! * Where an event is at hand — a query's `where`, the value of `sum`/`avg`/`min`/`max`,
//!   the points of a `per` rule — a bare identifier is first a prop of that event, then
//!   a contact attribute. `at` is the event's instant. `contact.country` always means
//!   the attribute, even when a prop has the same name.
//! * Inside a nested query's `where`, the innermost event is the one at hand; the
//!   outer event's props cannot be reached by a bare name. A query's window bounds
//!   (`since`, `between`) belong to the enclosing expression, not to the query's own
//!   events.
//! * `now` is the evaluation instant (a `datetime`); `today` is the date of `now` in
//!   the context's time zone.
//! * In a workflow, `entered_at` is the instant the run entered (a `datetime`), in
//!   every expression, `where` included (see [Workflows](#workflows)).
//! * `segment(name)`, `score(name)` and `decision(name)` refer to other items (see
//!   [Functions](#functions)).
//!
//! # Null
//!
//! Any value may be missing: an optional attribute, an absent prop, the `avg` of no
//! event, a division by zero. Null follows two-valued logic, with no "unknown":
//!
//! * `a == b` is true when both are null and false when only one is; `a != b` is
//!   `not (a == b)`. So `country != "BR"` **includes** contacts with no country.
//! * `<`, `<=`, `>`, `>=`, `in`, `contains`, `starts_with`, `ends_with` and `matches`
//!   are false when an operand is null; `a not in L` is `not (a in L)`, so it is true
//!   for a null `a`.
//! * Arithmetic with a null operand gives null, string `+` included
//!   (`"a" + null` is null). A function of [Functions](#functions) given a null
//!   argument gives null; an optional value may be passed where the plain type is
//!   expected, and the result is then optional.
//! * `x ?? y` is `y` when `x` is null, else `x`. `x is null` and `x is not null` test
//!   presence.
//! * Where a condition is expected — a segment body, `when`, `where`, and the
//!   operands of `and`, `or`, `not` — null counts as false.
//! * Interpolation prints null as the empty string.
//!
//! With `x` null and `b` a null `bool?`:
//!
//! | expression | value | | expression | value |
//! |---|---|---|---|---|
//! | `x == null` | true | | `b and true` | false |
//! | `x == 5` | false | | `b or true` | true |
//! | `x != 5` | true | | `b or false` | false |
//! | `x > 5` | false | | `not b` | true |
//! | `not (x > 5)` | true | | `x + 1` | null |
//! | `x in [5, 6]` | false | | `x ?? 0` | 0 |
//! | `x not in [5, 6]` | true | | `"[{x}]"` | `"[]"` |
//!
//! ```
//! use funil::{Context, Value};
//!
//! let program = funil::compile(r#"
//!     schema { contact { country: string?  visits: number?  vip: bool? } }
//!     segment not_br      { country != "BR" }
//!     segment many_visits { visits > 5 }
//!     segment few_visits  { not (visits > 5) }
//!     segment no_country  { country is null }
//!     segment vip_or_not  { vip or not vip }
//!     decide label { else => "a" + country }
//!     decide shown { else => "[{country}]" }
//!     decide visits_or_zero { else => visits ?? 0 }
//! "#)?;
//! let contact = program.contact("c-1").build()?; // every attribute null
//! let context = Context::new("2026-11-22T12:00:00Z".parse()?);
//! assert_eq!(
//!     program.segments(&contact, &context)?,
//!     ["few_visits", "no_country", "not_br", "vip_or_not"]
//! );
//! assert_eq!(program.decision("label", &contact, &context)?, Value::Null);
//! assert_eq!(program.decision("shown", &contact, &context)?, Value::from("[]"));
//! assert_eq!(program.decision("visits_or_zero", &contact, &context)?, Value::from(0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Comparing a value that can never be null with `null` is a warning (`W0001`), and so
//! are `is null` on such a value (`W0002`) and `??` after it (`W0003`).
//!
//! # Operators by type
//!
//! * **Numbers**: `+ - * /` and the comparisons. `+ - *` are exact; `/` keeps 28 to 29
//!   significant digits, rounding half to even. Division by zero, and any result out
//!   of range, is null — never an error or a panic.
//! * **Strings**: `+` concatenates; comparisons are by Unicode code point;
//!   `contains`, `starts_with` and `ends_with` are case-sensitive; `s matches "re"`
//!   searches `s` for the regular expression `re` (the syntax of Rust's `regex` crate,
//!   inline flags such as `(?i)` included; anchor with `^…$` to match the whole
//!   string). An invalid pattern is a compile error pointing at it (`E0012`).
//! * **Lists**: `x in [..]`, `x in list_attribute`, `x not in …`, `list contains x`.
//!   Lists compare with `==` element by element.
//! * **Time**: `datetime ± duration → datetime`; `date ± duration → date`, by whole
//!   days (see [the choices](#decisions-where-the-specification-is-silent));
//!   `datetime - datetime` and `date - date` give a duration; durations compare, add,
//!   subtract and negate. A `date` and a `datetime` never mix: convert with
//!   `date(t)`.
//! * `==` and `!=` apply to any two values of one type; the ordering comparisons to
//!   numbers, strings, dates, datetimes and durations.
//!
//! A type error is a compile error (`E0009`) that shows the offending expression and
//! the types involved.
//!
//! # Functions
//!
//! A call is a name followed at once by `(`: `lower(email)`, not `lower (email)`.
//!
//! | function | argument → result | meaning |
//! |---|---|---|
//! | `lower(s)`, `upper(s)`, `trim(s)` | string → string | case mapping; surrounding whitespace removed |
//! | `len(x)` | string or list → number | characters (Unicode scalar values), or elements |
//! | `abs(n)`, `floor(n)`, `ceil(n)` | number → number | |
//! | `round(n, places)` | number, number → number | half away from zero; `places` a whole number from 0 to 28 |
//! | `min(a, b)`, `max(a, b)` | number, number → number | |
//! | `date(t)` | datetime → date | the local date in the context's time zone |
//! | `hour(t)` | datetime → number | the local hour, 0 to 23 |
//! | `weekday(t)` | datetime → number | the local weekday, 1 = Monday … 7 = Sunday |
//! | `days(d)`, `hours(d)` | duration → number | whole units, truncated toward zero |
//! | `years_since(d)` | date → number | whole years from `d` to `today` |
//! | `is_anniversary(d)` | date → bool | month and day are today's |
//! | `days_until_anniversary(d)` | date → number | 0 to 365; 0 on the day |
//! | `segment(name)` | → bool | membership in another segment |
//! | `score(name)` | → number | another score |
//! | `decision(name)` | → the decision's type | another decision's value |
//! | `arm(workflow, "id")` | → number | the arm, from 0, that the §8.4 hash gives the contact at the `split` statement `id` of `workflow` (see [Experiments](#experiments)) |
//!
//! A 29 February date has its anniversary on 28 February in other years, for
//! `years_since`, `is_anniversary` and `days_until_anniversary` alike.
//!
//! `segment`, `score` and `decision` take an optional `at: now - DURATION` to look back
//! in time (see [Time travel](#time-travel)). The first argument of `count`, `exists`,
//! `sum`, `avg`, `min`, `max`, `first` and `last` is an event query (next section).
//!
//! Unknown functions (`E0007`), wrong arity and named arguments a function does not
//! take (`E0008`), and wrong argument types (`E0009`) are compile errors.
//!
//! # Event queries
//!
//! ```text
//! KIND_OR_GROUP [where CONDITION] [within DURATION | since BOUND | between BOUND and BOUND]
//! ```
//!
//! A query selects the contact's events of one kind, or of any kind of a group, that
//! happened at or before `now`, satisfy the `where` condition, and fall in the window.
//! `where` ends at `within`, `since`, `between`, a comma or `)`. A bound is an
//! expression at the level of `??` or tighter, so `between @2026-11-01T00:00:00Z and
//! now - 7d` needs no parentheses, while a bound using `and`, `or` or a comparison
//! must be parenthesised.
//!
//! ## Windows
//!
//! | window | selects events with |
//! |---|---|
//! | (none) | `at <= now` |
//! | `within D` | `now - D < at <= now` |
//! | `since T` | `T <= at <= now` |
//! | `between A and B` | `A <= at < B`, and `at <= now` |
//!
//! Bounds are datetimes (`E0009` otherwise: convert a date, or write a datetime
//! literal). A null bound selects nothing: `since last(cart.abandoned).at` selects no
//! event for a contact who never abandoned a cart. A `within` duration must be longer
//! than zero.
//!
//! ```
//! use funil::{Context, Value};
//!
//! let program = funil::compile(r#"
//!     schema { event page.viewed { path: string }  event cart.abandoned { } }
//!     decide counts { else => [
//!         count(page.viewed within 7d),
//!         count(page.viewed since @2026-11-15T12:00:00Z),
//!         count(page.viewed between @2026-11-15T12:00:00Z and now),
//!         count(page.viewed),
//!         count(page.viewed since last(cart.abandoned).at)
//!     ] }
//! "#)?;
//! // `now` is 2026-11-22T12:00:00Z: one view exactly 7 days before, one exactly at
//! // `now`, one after it.
//! let contact = program.contact_from_json(r#"{"id": "c-1", "events": [
//!     {"kind": "page.viewed", "at": "2026-11-15T12:00:00Z", "props": {"path": "/"}},
//!     {"kind": "page.viewed", "at": "2026-11-20T08:00:00Z", "props": {"path": "/a"}},
//!     {"kind": "page.viewed", "at": "2026-11-22T12:00:00Z", "props": {"path": "/b"}},
//!     {"kind": "page.viewed", "at": "2026-11-23T00:00:00Z", "props": {"path": "/c"}}
//! ]}"#)?;
//! let context = Context::new("2026-11-22T12:00:00Z".parse()?);
//! assert_eq!(
//!     program.decision("counts", &contact, &context)?,
//!     Value::from(vec![2, 3, 2, 3, 0])
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Aggregates
//!
//! | aggregate | type | when no event matches |
//! |---|---|---|
//! | `count(Q)` | number | 0 |
//! | `exists(Q)` | bool | false |
//! | `sum(Q, EXPR)` | number | 0 |
//! | `avg(Q, EXPR)`, `min(Q, EXPR)`, `max(Q, EXPR)` | number? | null |
//! | `first(Q)`, `last(Q)` | the earliest or latest event, or null | null |
//!
//! `EXPR` is evaluated for each selected event, with its props in scope
//! (`sum(purchase within 365d, amount)`). Null values are skipped, as in SQL: `avg`,
//! `min` and `max` of no non-null value are null.
//!
//! `first(Q)` and `last(Q)` give an event record. Read a field straight from the call
//! — `last(purchase).amount`, `first(email.opened).at`, null when there is no such
//! event — or test the record with `is null` / `is not null` (or `== null`). Any
//! other use — printing it, comparing two records, putting one in a list, a `??` or a
//! decision, or asking a field of anything but the call itself — is a compile error. Among events at the same instant, `first` and `last` take the earlier and
//! the later in the contact's order.
//!
//! ```text
//! count(email.bounced where kind == "soft") >= 4
//! exists(email.clicked where url contains "/services" within 30d)
//! not exists(activity within 60d)            # no activity in the last 60 days
//! last(activity).at < now - 60d              # false when there was never any activity
//! sum(purchase within 365d, amount) >= 1000
//! last(purchase).category == "shoes"
//! ```
//!
//! # Time travel
//!
//! `segment(name, at: now - D)`, `score(name, at: now - D)` and
//! `decision(name, at: now - D)` evaluate an item as of the instant `now - D`: there,
//! `now` is that instant, events after it are invisible, windows are counted back from
//! it and `today` is its date. This is how "rose by 20 points in 30 days" is written
//! without storing any history:
//!
//! ```text
//! segment rising { score(engagement) - score(engagement, at: now - 30d) >= 20 }
//! ```
//!
//! **Attributes have no history.** funil only knows a contact's current attributes, so
//! an item evaluated in the past sees today's attribute values.
//!
//! `at:` is `now` or `now - DURATION` with a duration literal (`E0021` otherwise): every
//! instant is a fixed offset from `now`, and a reference inside an item evaluated in the
//! past adds its own offset. At most 64 distinct instants may be reachable from one item
//! ([`Limits::max_instants`](crate::Limits::max_instants)).
//!
//! ```
//! use funil::{Context, Value};
//!
//! let program = funil::compile(r#"
//!     schema { contact { plan: string }  event email.opened { campaign: string } }
//!     score engagement { per email.opened => +10 }
//!     segment rising  { score(engagement) - score(engagement, at: now - 30d) >= 20 }
//!     segment premium { plan == "premium" }
//!     segment premium_a_month_ago { segment(premium, at: now - 30d) }
//! "#)?;
//! let contact = program.contact_from_json(r#"{
//!     "id": "c-1",
//!     "attributes": {"plan": "premium"},
//!     "events": [
//!         {"kind": "email.opened", "at": "2026-10-01T12:00:00Z", "props": {"campaign": "a"}},
//!         {"kind": "email.opened", "at": "2026-11-10T12:00:00Z", "props": {"campaign": "b"}},
//!         {"kind": "email.opened", "at": "2026-11-20T12:00:00Z", "props": {"campaign": "c"}},
//!         {"kind": "email.opened", "at": "2026-12-01T12:00:00Z", "props": {"campaign": "d"}}
//!     ]
//! }"#)?;
//! let context = Context::new("2026-11-22T12:00:00Z".parse()?);
//! // The December event is after `now`: invisible.
//! assert_eq!(program.score("engagement", &contact, &context)?, Value::from(30));
//! // Thirty days earlier only the October event had happened: 30 - 10 >= 20.
//! // The plan is today's, whatever it was a month ago.
//! assert_eq!(
//!     program.segments(&contact, &context)?,
//!     ["premium", "premium_a_month_ago", "rising"]
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Formatting
//!
//! Interpolation and JSON output write values the same way:
//!
//! * numbers in plain decimal notation without trailing zeros: `12.5`, `20`, `0.03`,
//!   never `1E+2`;
//! * dates as `YYYY-MM-DD`; datetimes in RFC 3339 in UTC, with `Z` and whole seconds
//!   (`2026-11-22T12:00:00Z`; a fraction only when it is not zero);
//! * durations as a compound literal, largest unit first: `1w3d`, `1d2h`, `0s`;
//! * lists as `a, b, c` in text and arrays in JSON; null as the empty string in text
//!   and `null` in JSON.
//!
//! [`Evaluation::to_json`](crate::Evaluation::to_json) writes
//! `{"id":…,"segments":[…],"scores":{…},"decisions":{…}}`: the names of the segments the
//! contact is in, sorted, then every score and decision keyed by name in declaration
//! order. Numbers are JSON numbers; dates, datetimes and durations are strings.
//!
//! # Segments
//!
//! ```text
//! segment NAME ["Title"] { CONDITION }
//! ```
//!
//! A contact is in the segment when the condition is true (null counts as false).
//! Segments may reference segments, scores and decisions. References must not form a
//! cycle; a cycle is an error (`E0011`) that names every item on it. The title is
//! available from [`Program::title`](crate::Program::title).
//!
//! ```text
//! segment dormant "No activity for 60 days" {
//!   not exists(activity within 60d) and not segment(soft_bouncers)
//! }
//! ```
//!
//! # Scores
//!
//! ```text
//! score NAME ["Title"] {
//!   per QUERY => POINTS [max M]
//!   when CONDITION => POINTS
//!   decay half_life DURATION
//!   clamp LOW to HIGH
//! }
//! ```
//!
//! * `per QUERY => POINTS` adds POINTS for each event the query selects. POINTS is a
//!   number expression evaluated per event, with the event's props in scope (`+10`,
//!   `floor(amount / 100)`); an event whose points are null adds nothing.
//! * `max M` (a number literal) caps the rule's total at `M` in absolute value:
//!   `per … => -5 max 20` adds at least -20.
//! * `when CONDITION => POINTS` adds POINTS once when the condition holds.
//! * `decay half_life D` (at most one, `D` longer than zero) applies to `per` rules
//!   only: each event's points are multiplied, before `max`, by
//!   `0.5 ^ (age / D)`, where `age` is `now - at` in whole seconds. The factor is
//!   computed in binary64 floating point and then rounded to 12 decimal places, half
//!   to even, so every platform gets the same digits.
//! * `clamp LOW to HIGH` (at most one, `LOW <= HIGH`, literals that may be negative)
//!   bounds the total.
//! * The score is the sum of its rules, clamped, then rounded to 2 decimal places, half
//!   away from zero. With no rule contributing it is 0; it is never null.
//!
//! ```
//! use funil::{Context, Value};
//!
//! let program = funil::compile(r#"
//!     schema { event email.clicked { } }
//!     score engagement {
//!         per email.clicked => +10 max 15
//!         when true => 1.005
//!         decay half_life 30d
//!     }
//! "#)?;
//! // One click at `now` (factor 1) and one 15 days earlier (0.5 ^ 0.5, to 12 places
//! // 0.707106781187): 10 + 7.07106781187 is capped at 15; plus 1.005 gives 16.005,
//! // which rounds to 16.01.
//! let contact = program.contact_from_json(r#"{"id": "c-1", "events": [
//!     {"kind": "email.clicked", "at": "2026-11-07T12:00:00Z"},
//!     {"kind": "email.clicked", "at": "2026-11-22T12:00:00Z"}
//! ]}"#)?;
//! let context = Context::new("2026-11-22T12:00:00Z".parse()?);
//! assert_eq!(
//!     program.score("engagement", &contact, &context)?,
//!     Value::from("16.01".parse::<funil::Decimal>()?)
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Decisions
//!
//! ```text
//! decide [all] NAME ["Title"] {
//!   when CONDITION => VALUE
//!   …
//!   [else => VALUE]
//! }
//! ```
//!
//! The arms are tried in order and the first whose condition holds gives the value;
//! `else` gives it when none does. All values share one type (`E0009` otherwise). A
//! decision without `else` has an optional type and is null when no arm matches.
//!
//! `decide all` collects the values of every matching arm, in order, into a list. When
//! no arm matches, the list is empty — or holds the `else` value alone, if there is one.
//!
//! ```
//! use funil::{Context, Value};
//!
//! let program = funil::compile(r#"
//!     schema { contact { country: string?  spent: number } }
//!     decide grade {
//!         when spent >= 1000 => "A"
//!         when spent >= 100  => "B"
//!         else => "C"
//!     }
//!     decide all interests {
//!         when country in ["BR", "PT"] => "lusophone"
//!         when spent >= 100 => "buyer"
//!         else => "unknown"
//!     }
//!     decide region { when country == "BR" => "LATAM" }
//! "#)?;
//! let context = Context::new("2026-11-22T12:00:00Z".parse()?);
//! let ana = program.contact("ana").attribute("country", "BR").attribute("spent", 150).build()?;
//! let bo = program.contact("bo").attribute("spent", 5).build()?;
//! let decide = |name: &str, contact: &funil::Contact| program.decision(name, contact, &context);
//! assert_eq!(decide("grade", &ana)?, Value::from("B"));
//! assert_eq!(decide("interests", &ana)?, Value::from(vec!["lusophone", "buyer"]));
//! assert_eq!(decide("interests", &bo)?, Value::from(vec!["unknown"]));
//! assert_eq!(decide("region", &bo)?, Value::Null);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Ranked segments
//!
//! ```text
//! segment rising_fastest { top 100 by score(engagement) - score(engagement, at: now - 30d) }
//! segment top_decile     { top 10% by score(engagement) where stage != "customer" }
//! ```
//!
//! `top N by EXPR [where CONDITION]` and `top P% by EXPR [where CONDITION]` rank the
//! contacts of a batch: those satisfying the condition, by `EXPR` descending, ties
//! broken by contact id, nulls never ranking. `N` is a whole number, `P%` a percentage
//! from 0% to 100%. Because they need the whole population, these segments — and every
//! item that references one — are **batch-only**. `top N` takes the first N (all of
//! them when fewer rank); `top P%` takes the first `ceil(P × n)`, where n counts the
//! contacts that rank. [`Program::evaluate_batch`](crate::Program::evaluate_batch)
//! evaluates a batch with its rankings; [`Program::evaluate`](crate::Program::evaluate)
//! and [`Program::segments`](crate::Program::segments) leave batch-only items out, and
//! asking for one by name on a single contact is an [`EvalError`](crate::EvalError) of
//! kind [`BatchOnly`](crate::EvalErrorKind::BatchOnly). A reward or workflow that
//! references a batch-only item does not compile.
//!
//! ```
//! let program = funil::compile(r#"
//!     schema { contact { spent: number? } }
//!     segment top_half { top 50% by spent }
//! "#)?;
//! let contacts = [("a", Some(5)), ("b", None), ("c", Some(9)), ("d", Some(7))]
//!     .map(|(id, spent)| {
//!         let contact = program.contact(id);
//!         match spent {
//!             Some(n) => contact.attribute("spent", n).build(),
//!             None => contact.build(),
//!         }
//!     });
//! let contacts = contacts.into_iter().collect::<Result<Vec<_>, _>>()?;
//! let now = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
//! let ranked: Vec<bool> = program
//!     .evaluate_batch(&contacts, &now)?
//!     .iter()
//!     .map(|evaluation| !evaluation.segments().is_empty())
//!     .collect();
//! // Three contacts rank (b's key is null): ceil(50% × 3) = 2 of them, c and d.
//! assert_eq!(ranked, [false, false, true, true]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Rewards
//!
//! ```text
//! reward cashback "Cashback" on purchase {
//!   when category == "electronics" => amount * 10%
//!   when count(purchase) >= 5 => amount * 7%
//!   else => amount * 5%
//!   cap 50 per event
//!   cap 120 per 30d
//!   round 2
//! }
//! ```
//!
//! A reward grants an amount for each trigger event (`on KIND`, a kind or a group). Its
//! arms work like a decision's, first match wins, with the trigger's props in scope
//! before the contact's attributes; no match and no `else` grants 0. Everything is
//! evaluated as of the trigger's instant: `now` is its `at`, and only events up to it
//! (those tied with it included) are visible, so `count(purchase) >= 5` is true from the
//! fifth purchase on, whatever came later. For each trigger, in time order:
//!
//! 1. a negative amount becomes 0;
//! 2. each `cap X per event` bounds it;
//! 3. it is rounded to `round P` places (2 when absent), half away from zero;
//! 4. each `cap X per D` bounds it to what is left of X after the grants of the
//!    window `(at - D, at]` — never below 0.
//!
//! [`Program::rewards`](crate::Program::rewards) returns a
//! [`Grant`](crate::Grant) per trigger event at or before the context's `now`.
//!
//! ```
//! use funil::Decimal;
//!
//! let program = funil::compile(r#"
//!     schema { event purchase { amount: number } }
//!     reward cashback on purchase { else => amount * 10% cap 120 per 30d }
//! "#)?;
//! let purchase = |day: &str, amount: i64| -> (chrono::DateTime<chrono::Utc>, Decimal) {
//!     (format!("2026-{day}T10:00:00Z").parse().unwrap(), Decimal::from(amount))
//! };
//! let mut contact = program.contact("c-1");
//! for (at, amount) in [purchase("10-01", 450), purchase("10-10", 900), purchase("10-31", 450)] {
//!     contact = contact.event("purchase", at, [("amount", amount.into())]);
//! }
//! let contact = contact.build()?;
//! let now = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
//! let values: Vec<String> = program
//!     .rewards("cashback", &contact, &now)?
//!     .iter()
//!     .map(|grant| grant.value().to_string())
//!     .collect();
//! // 45; then 90 of which 75 fit under 120; on Oct 31 the Oct 1 grant has left the
//! // window, and 120 - 75 = 45 remain.
//! assert_eq!(values, ["45.00", "75.00", "45.00"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Workflows
//!
//! ```text
//! workflow welcome "Welcome series" {
//!   enter on contact.created                  # or: enter when CONDITION (several allowed)
//!   reenter after 180d                        # or: reenter never (default) | reenter always
//!   exit when exists(unsubscribed)
//!   goal when exists(purchase since entered_at)
//!   window 09:00 to 18:00 on mon..fri         # or: on mon, wed, fri; every day when absent
//!
//!   send_email(template: "welcome-1")         # an action declared in the schema
//!   wait 2d
//!   if exists(email.clicked since entered_at) {
//!     send_email(template: "tips")
//!   } else {
//!     send_email(template: "reminder")
//!   }
//!   wait until exists(form.submitted since entered_at) max 7d
//!   split {
//!     50% => { send_email(template: "offer-a") }
//!     50% => { send_email(template: "offer-b") }
//!   }
//!   step handoff: notify_sales(owner: owner, reason: "finished welcome")
//!   stop
//! }
//! ```
//!
//! A workflow is a run a contact goes through, one step after another, over days or
//! weeks. The library keeps nothing between calls: the host stores each run's
//! [`RunState`](crate::RunState) (a serde value) and asks two pure questions.
//!
//! **Entering.** [`Program::enter`](crate::Program::enter) (or
//! [`enter_all`](crate::Program::enter_all) for every workflow) answers whether a
//! contact enters now. `enter on KIND [where COND]` fires for an event the host
//! reports as new (by its index in [`Contact::events`](crate::Contact::events)), with
//! the event's props in scope, evaluated as of the event's instant; `entered_at` is the
//! event's `at`. `enter when COND` fires when COND holds at the context's `now`, which
//! becomes `entered_at`. Any clause suffices; the earliest trigger wins. The host passes the contact's past runs
//! ([`PastRun`](crate::PastRun)): while one of this workflow is active the contact does
//! not enter (one active run per workflow), and once they have ended `reenter never`
//! (the default) refuses, `reenter always` allows, and `reenter after D` allows from D
//! after the last run ended. [`Program::reentry_from`](crate::Program::reentry_from)
//! tells when that is.
//!
//! **Advancing.** [`Program::advance`](crate::Program::advance) takes a state to the
//! context's `now` and returns the new state, the [`Action`](crate::Action)s to
//! perform (each with its arguments, evaluated, and the instant it became due) and the
//! [`Status`](crate::Status): `waiting` (with the instant to come back, or none when
//! only an event can wake the run), `finished`, `exited` or `goal`. The run passes, in
//! time order, every instant it was due (its start, a wait ending, its window opening)
//! and every instant one of the contact's events occurred since the previous call,
//! each evaluated as of that instant (later events invisible, as in time travel). At
//! each: `exit when` ends it (`exited`), else `goal when` ends it (`goal`), else its
//! statements run: actions are emitted, `if` takes the first branch that holds,
//! `split` takes its arm (below), `wait D` parks until D after it was reached,
//! `wait until COND [max D]` parks until an instant COND holds (checked when reached
//! and at each event) or D has passed, and the end or `stop` finishes the run. At
//! `now`, a parked run checks exit and goal once more. So a call made late emits the
//! same actions, stamped with the same instants, as calls made on time. An action a
//! [frequency cap](#frequency-caps) limits may be deferred or skipped instead
//! (reported in [`Advance::capped`](crate::Advance::capped)); several runs of one
//! contact can be advanced together with
//! [`Program::advance_all`](crate::Program::advance_all).
//!
//! **Statement ids.** Each statement has an id: its `step` label, or its path — `1`,
//! `2`, … in the body; below a statement, its id followed by `.then.N`, `.elseK.N` (the
//! K-th `else if`, from 1), `.else.N` or `.armK.N` (split arm K, from 0), as in
//! `3.then.1` or `handoff.then.2`. A parked state records the id and a fingerprint of
//! the statement (FNV-1a of its canonical text, so comments and layout do not matter).
//! Advancing a state whose id is gone, or whose statement changed, is an
//! [`EvalError`](crate::EvalError) of kind
//! [`UnknownStep`](crate::EvalErrorKind::UnknownStep) or
//! [`ChangedStep`](crate::EvalErrorKind::ChangedStep): a run never resumes at the
//! wrong place. Label the statements a long wait parks at, so that editing what comes
//! before them keeps their ids.
//!
//! **Send windows.** `window HH:MM to HH:MM [on DAYS]` holds back actions, in the
//! context's time zone: an action reached outside the window parks the run until the
//! window next opens; waits are not affected. A window includes its start and excludes
//! its end; one whose end comes before its start spans midnight (`21:00 to 08:00 on
//! fri` opens on Friday evening and closes on Saturday morning). Across a
//! daylight-saving change it keeps its local hours.
//!
//! **Split.** `bucket = fnv1a_64(workflow + "/" + statement_id + "/" + contact_id) mod
//! 10000`; arms take consecutive ranges of buckets in order (50% = 5,000 buckets).
//! Weights are multiples of 0.01% and add up to exactly 100%. The same contact always
//! takes the same arm, on every platform.
//!
//! ```
//! use funil::{Context, Status};
//!
//! let program = funil::compile(r#"
//!     schema {
//!       contact { first_name: string? }
//!       event cart.abandoned { value: number }
//!       event purchase { amount: number }
//!       action send_email(template: string, subject: string?)
//!     }
//!     workflow abandoned_cart {
//!       enter on cart.abandoned
//!       goal when exists(purchase since entered_at)
//!       window 09:00 to 20:00
//!       wait 1h
//!       send_email(template: "cart-reminder", subject: "{first_name ?? "Hi"}, your cart is waiting")
//!       wait 1d
//!       send_email(template: "cart-offer")
//!     }
//! "#)?;
//! let contact = program.contact("c-1").attribute("first_name", "Ana")
//!     .event("cart.abandoned", "2026-11-20T19:30:00Z".parse()?, [("value", 80.into())])
//!     .build()?;
//! let then = Context::new("2026-11-20T19:30:00Z".parse()?);
//! let run = program.enter("abandoned_cart", &contact, &then, &[0], &[])?.expect("entered");
//!
//! // The reminder falls at 20:30, after the window: it waits for 09:00 the next day.
//! let advance = program.advance(&run, &contact, &then)?;
//! assert_eq!(advance.status, Status::Waiting(Some("2026-11-20T20:30:00Z".parse()?)));
//! let advance = program.advance(&advance.state, &contact, &Context::new("2026-11-21T10:00:00Z".parse()?))?;
//! assert_eq!(advance.status, Status::Waiting(Some("2026-11-22T09:00:00Z".parse()?)));
//! let reminder = &advance.actions[0];
//! assert_eq!((reminder.step.as_str(), reminder.due), ("2", "2026-11-21T09:00:00Z".parse()?));
//! assert_eq!(reminder.args[1].1, funil::Value::from("Ana, your cart is waiting"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Experiments
//!
//! ```text
//! experiment NAME ["Title"] {
//!   split WORKFLOW "STATEMENT"        # required: the split under test
//!   exposed when CONDITION            # who reached it; every contact when absent
//!   converted when CONDITION          # required: what a conversion is
//!   control N                         # the arm the others are compared with; 0 when absent
//!   winner at P% min N                # the level of the tests, and the winner rule
//! }
//! ```
//!
//! An experiment is an A/B test over a workflow's `split`. The clauses come in any
//! order, each at most once (`E0010`). [`Program::experiment`](crate::Program::experiment)
//! reports it over a population of contacts at the context's `now`; the report can
//! name a winner, which the host passes to
//! [`Program::advance_with_winners`](crate::Program::advance_with_winners) so that
//! new contacts reaching the split get the winning arm ("send the winner").
//!
//! **The split.** `split WORKFLOW "STATEMENT"` names a `split` by its statement id
//! (§8.2): its path (`"5"`, `"3.then.1"`) or its `step` label (`"offer"` for
//! `step offer: split { … }`), in quotes. An unknown workflow is `E0006`; a statement
//! id the workflow does not have, or a statement that is not a `split`, is `E0026`,
//! with the workflow's split ids in the help. The split needs two arms or more, each
//! with a share above 0% (`E0022`).
//!
//! **Who counts, and where.** Each contact of the population for whom `exposed when`
//! holds (every contact, without it) is in the arm the §8.4 hash gives it —
//! `fnv1a_64(workflow + "/" + statement + "/" + contact_id) mod 10000` against the
//! arms' ranges, the arm a workflow run takes while no winner is sent — and has
//! converted when `converted when` holds. Both conditions are evaluated as of `now`,
//! like a segment's (`entered_at` is not in scope, `E0020`; a ranked segment cannot
//! be used, `E0022`). Write the exposure by what the arms do, and the conversion
//! relative to it or to `now`:
//!
//! ```text
//! exposed when exists(email.sent where campaign in ["offer-a", "offer-b"])
//! converted when exists(purchase between last(email.sent).at and last(email.sent).at + 7d)
//! ```
//!
//! **The report**, for each arm in order: its share (`weight`), its exposed contacts,
//! their conversions and the rate, `conversions / contacts` (an exact decimal rounded
//! to 12 places, none without contacts). For each arm but the control, against the
//! control (`control N`, from 0, `E0022` past the last arm):
//!
//! * the difference of the rates, the arm's minus the control's (12 places);
//! * the two-sided two-proportion z-test: `z = (p₁ - p₂) / sqrt(p(1-p)(1/n₁ + 1/n₂))`,
//!   `p` the pooled rate of the two arms, and its p-value `P(|Z| >= |z|)`;
//! * the confidence interval of the difference at the experiment's level, Wald's with
//!   each arm's own variance: `(p₁ - p₂) ± z₁₋α/₂ · sqrt(p₁(1-p₁)/n₁ + p₂(1-p₂)/n₂)`,
//!   clipped to [-1, 1];
//! * whether it is significant: its p-value below `(1 - level) / (arms - 1)`, the
//!   level's α shared among the comparisons (Bonferroni).
//!
//! These are what R's `prop.test(c(x₁, x₂), c(n₁, n₂), correct = FALSE)` computes
//! (its `X-squared` is z²). With three arms or more, the report adds Pearson's
//! chi-square test of independence of arm and conversion over every arm (no
//! continuity correction; degrees of freedom: arms - 1), R's `chisq.test(…, correct
//! = FALSE)`. A statistic that is undefined — an arm without contacts, no variance
//! because every contact or none converted — is `null` and never significant.
//!
//! **Numbers.** Counts and rates are exact. The statistics are computed in IEEE
//! binary64 with the crate's own functions — the normal distribution from W. J.
//! Cody's rational approximations of erfc (relative error below 10⁻¹⁴), its quantile
//! by Wichura's AS 241, the chi-square survival function as the regularised upper
//! incomplete gamma function (relative error below 10⁻¹²), all checked against R and
//! mpmath — and shown as decimals rounded half to even: z, interval bounds and the
//! chi-square statistic to 6 places, p-values to 6 significant digits (below 10⁻²⁸,
//! 0). The winner is decided on the p-values as shown.
//!
//! **The winner.** `winner at P% min N` sets the level (a percentage strictly between
//! 0% and 100%, `E0022` otherwise; 95% when the clause is absent) and the rule: once
//! every arm has at least N exposed contacts (and at least one), the winner is the arm
//! with the highest rate (the first of equal ones) if it is significantly better
//! than the control, or the control if it is significantly better than every other
//! arm. Otherwise there is no winner yet, and without the clause never: the
//! experiment is then an analysis only.
//!
//! **Sending the winner.** [`ExperimentReport::to_winner`](crate::ExperimentReport::to_winner)
//! gives a [`Winner`](crate::Winner): the split, the arm, and the instant it applies
//! from, the report's `now`. A host keeps its [`Winners`](crate::Winners) (serde
//! values) and passes them to `advance_with_winners`: a run that reaches the split at
//! or after a winner's instant takes the winning arm; earlier, and with no winner, the
//! hash as always. So the arm depends only on the instant the run reaches the split,
//! and advancing late gives what advancing on time gives. The state records the arm
//! each run took ([`RunState::arm`](crate::RunState::arm)). A winner whose split is
//! gone, is no longer a `split`, has changed (its fingerprint) or lacks the arm is
//! refused with an [`EvalError`](crate::EvalError) of kind
//! [`StaleWinner`](crate::EvalErrorKind::StaleWinner). Entering a workflow needs no
//! winner: arms are chosen when a run reaches its split.
//!
//! **A contact's arm.** `arm(WORKFLOW, "STATEMENT")` is the arm (a number from 0) the
//! hash gives the contact at that split, in any expression: a segment of the contacts
//! in arm B, a decision, a grouping. It depends on the contact's id alone — no
//! attribute, event or instant — and is the arm a run takes when no winner is sent.
//! Its arguments are a workflow's name and a statement id in quotes (`E0008`
//! otherwise), resolved as the experiment's `split` is (`E0006`, `E0026`).
//!
//! ```
//! use funil::Context;
//!
//! let program = funil::compile(r#"
//!     schema {
//!       contact { email: string }
//!       event email.sent { template: string }
//!       event purchase { amount: number }
//!       action send_email(template: string)
//!     }
//!     workflow welcome {
//!       enter on email.sent
//!       step offer: split { 50% => { send_email(template: "a") } 50% => { send_email(template: "b") } }
//!     }
//!     segment in_b { arm(welcome, "offer") == 1 }
//!     experiment offer_test "Offer A vs B" {
//!       split welcome "offer"
//!       exposed when exists(email.sent)
//!       converted when exists(purchase within 7d)
//!       winner at 95% min 10
//!     }
//! "#)?;
//! let now = Context::new("2026-11-22T12:00:00Z".parse()?);
//! let sent = "2026-11-20T09:00:00Z".parse()?;
//! let bought = "2026-11-21T09:00:00Z".parse()?;
//! // 100 contacts: in arm 1, one in two buys; in arm 0, one in ten.
//! let mut contacts = Vec::new();
//! for n in 0..100 {
//!     let id = format!("c-{n}");
//!     let email = "x@example.com";
//!     let in_b = program.segment("in_b", &program.contact(id.as_str()).attribute("email", email).build()?, &now)?;
//!     let buys = if in_b { n % 2 == 0 } else { n % 10 == 0 };
//!     let mut contact = program.contact(id.as_str()).attribute("email", email)
//!         .event("email.sent", sent, [("template", "w".into())]);
//!     if buys {
//!         contact = contact.event("purchase", bought, [("amount", 20.into())]);
//!     }
//!     contacts.push(contact.build()?);
//! }
//! let report = program.experiment("offer_test", &contacts, &now)?;
//! let [a, b] = report.arms() else { unreachable!() };
//! assert_eq!(a.contacts() + b.contacts(), 100);
//! let versus = b.versus_control().expect("arm 1 against the control");
//! assert!(versus.is_significant());
//! assert_eq!(report.winner(), Some(1));
//! assert!(report.to_json().starts_with(r#"{"experiment":"offer_test","workflow":"welcome","statement":"offer""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The command line prints a report as one JSON line: `funil experiment RULES...
//! --contacts FILE.jsonl --experiment NAME --now T [--tz ZONE]` (the format is that of
//! [`ExperimentReport::to_json`](crate::ExperimentReport::to_json)).
//!
//! # Frequency caps
//!
//! ```text
//! cap emails "Email pressure" on send_email counted by email.sent {
//!   at most 3 per 7d                  # defers, unless it says `then skip`
//!   at most 1 per 1d then skip
//!   defer                             # what limits without `then` do (the default)
//! }
//! ```
//!
//! A frequency cap bounds how often one action is performed for a contact, across
//! every workflow of the program: "at most 3 emails per contact per 7 days, and at
//! most 1 per day", however many workflows want to write to the same person.
//!
//! **Syntax.** `cap NAME ["Title"] on ACTION counted by KIND { LIMIT… [defer | skip] }`,
//! at the top level, where each `LIMIT` is `at most N per DURATION [then defer | then
//! skip]`. Limits and the `defer`/`skip` line may come in any order, the line at most
//! once; like every construct, a cap may be written on one line. `cap` is a keyword
//! already (a reward's `cap 50 per event`); at the top level, followed by a name, it
//! starts a cap. The other words — `counted`, `at`, `most`, `then`, `defer`, `skip` —
//! mean something only inside a cap and stay ordinary names everywhere else.
//!
//! * `ACTION` is an action the schema declares; a program has at most one cap per
//!   action (write every limit of an action in its one cap: all of them apply).
//! * `KIND` is the event kind the host records each time it performs the action (an
//!   `email.sent` for each `send_email`): one event kind, not a group.
//! * `N` is a whole number of actions, at least 1; `DURATION` is longer than zero. A
//!   cap has at least one limit.
//! * A limit's `then` says what an action over it does; the `defer` or `skip` line
//!   says it for the limits without `then`; with neither, `defer`.
//! * The cap's name shares the namespace of items (a cap cannot be called like a
//!   segment), but a cap is no item: nothing references it, it has no value, and
//!   [`Program::items`](crate::Program::items) does not list it.
//!   [`Program::caps`](crate::Program::caps) and
//!   [`Program::cap_on`](crate::Program::cap_on) give the compiled caps
//!   ([`FrequencyCap`](crate::FrequencyCap)). Caps count toward the item limit.
//!
//! **What is counted.** When a run reaches a call of the capped action at the instant
//! `t` (and its send window, if any, is open), each limit `at most N per D` counts, in
//! the window `t - D < at <= t` (the window of `within D`):
//!
//! 1. the contact's events of `KIND` — those visible at `t`, as in every evaluation:
//!    an event dated after `t` is not counted, even if the contact already has it;
//! 2. the actions the same [`Program::advance`](crate::Program::advance) call
//!    emitted before, at instants inside the window, whose cap counts `KIND` (the
//!    host has not recorded them yet): a run advanced late counts its own earlier
//!    actions as a run advanced on time counts the events recorded for them;
//! 3. with [`Program::advance_all`](crate::Program::advance_all), also the actions
//!    of that kind the other runs advanced together emitted before.
//!
//! The action is allowed when every limit counts fewer than `N`; it is then performed
//! as any action (it appears in [`Advance::actions`](crate::Advance::actions)). **The
//! host records each action it performs that a cap counts as an event of the cap's
//! kind, at the action's `due` instant**, before it next advances any run of the
//! contact, so that later calls count it. (An event recorded at another instant is
//! counted at the instant it carries.)
//!
//! **Over the cap.** When some limit counts `N` or more:
//!
//! * if one of those limits says `skip`, the action is **skipped**: not performed,
//!   not counted, and the run goes on to the next statement at the same instant;
//! * otherwise it is **deferred**: the run parks at the action (status `waiting`)
//!   until the first instant every limit allows it, as far as the events visible at
//!   `t` tell: a limit counting `m` instants allows it once the `(m - N + 1)`-th oldest
//!   has left its window, at that instant plus `D`; the cap at the latest of its
//!   limits; moved forward to the next opening of the send window if the workflow has
//!   one. The state records it ([`RunState::due`](crate::RunState::due) and
//!   [`RunState::deferred_by`](crate::RunState::deferred_by), the cap's name). The
//!   action is tried again at that instant — send window, then cap: events recorded
//!   meanwhile may defer it again. Events before it still wake the run for
//!   `exit when` and `goal when`, but do not try the action earlier.
//!
//! Either way, the action is reported in
//! [`Advance::capped`](crate::Advance::capped), as a [`Capped`](crate::Capped): its
//! step, name and arguments (evaluated at `t`), the instant `t`, the cap, the
//! outcome ([`CapOutcome::Deferred`](crate::CapOutcome::Deferred) with the instant
//! it is deferred to, or [`Skipped`](crate::CapOutcome::Skipped)), and where it fell
//! among the actions of the call. A deferral is reported each time the run reaches
//! the action and the cap defers it. A deferred action that is performed later is
//! evaluated (its arguments too) at the instant it is performed.
//!
//! **Late advance equals on-time advance.** Counting uses what is recorded at each
//! instant the run passes, plus what the call itself emitted: a late call emits the
//! same actions, and defers and skips the same ones, at the same instants, as calls
//! made on time whose actions the host recorded (the test suite checks it over
//! generated histories and call instants).
//!
//! **Several workflows.** [`Program::advance`](crate::Program::advance) sees the
//! actions of other runs only through the events the host recorded: exact when each
//! run is advanced on time and its actions recorded before the next run is advanced
//! (at one instant, the run advanced first takes the last slot). Runs advanced late
//! over the same period cannot see each other's actions that way:
//! [`Program::advance_all`](crate::Program::advance_all) advances a contact's runs
//! together, in one time order, each seeing the others' capped actions as the events
//! the host will record — counted by its caps, and instants it passes — and gives
//! what advancing them on time in turn gives.
//!
//! ```
//! use funil::{CapOutcome, Context, Status};
//!
//! let program = funil::compile(r#"
//!     schema {
//!       event signup { }
//!       event email.sent { template: string }
//!       action send_email(template: string)
//!     }
//!     cap emails "Email pressure" on send_email counted by email.sent {
//!       at most 3 per 7d
//!       at most 1 per 1d
//!     }
//!     workflow welcome {
//!       enter on signup
//!       send_email(template: "welcome")
//!       wait 2h
//!       send_email(template: "tips")
//!     }
//! "#)?;
//! // Another workflow's email went out yesterday at 09:00; the contact signs up at 08:00.
//! let contact = program.contact("c-1")
//!     .event("email.sent", "2026-11-21T09:00:00Z".parse()?, [("template", "promo".into())])
//!     .event("signup", "2026-11-22T08:00:00Z".parse()?, [])
//!     .build()?;
//! let entry = Context::new("2026-11-22T08:00:00Z".parse()?);
//! let run = program.enter("welcome", &contact, &entry, &[1], &[])?.expect("entered");
//!
//! // On time: the welcome waits until yesterday's email is a day old.
//! let now = program.advance(&run, &contact, &entry)?;
//! assert!(now.actions.is_empty());
//! assert_eq!(now.status, Status::Waiting(Some("2026-11-22T09:00:00Z".parse()?)));
//! assert_eq!(now.state.deferred_by(), Some("emails"));
//!
//! // Two days late: the welcome at 09:00; the tips, reached at 11:00, count the
//! // welcome and wait for 09:00 the next day.
//! let late = program.advance(&run, &contact, &Context::new("2026-11-24T00:00:00Z".parse()?))?;
//! let due: Vec<String> = late.actions.iter().map(|a| a.due.to_rfc3339()).collect();
//! assert_eq!(due, ["2026-11-22T09:00:00+00:00", "2026-11-23T09:00:00+00:00"]);
//! let deferred: Vec<(&str, CapOutcome)> =
//!     late.capped.iter().map(|c| (c.step.as_str(), c.outcome)).collect();
//! assert_eq!(deferred, [
//!     ("1", CapOutcome::Deferred { until: Some("2026-11-22T09:00:00Z".parse()?) }),
//!     ("3", CapOutcome::Deferred { until: Some("2026-11-23T09:00:00Z".parse()?) }),
//! ]);
//! assert_eq!(late.status, Status::Finished);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Errors**, each pointing at what is wrong:
//!
//! | mistake | code | message |
//! |---|---|---|
//! | an action the schema does not declare | `E0019` | unknown action `send_emial` (help: did you mean `send_email`?, or how to declare it) |
//! | a counted kind the schema does not declare | `E0004` | unknown event kind `email.snet` (help: did you mean `email.sent`?) |
//! | a group as the counted kind | `E0022` | a cap counts events of one kind, and `touch` is a group |
//! | `at most 0`, `-1` or `1.5` | `E0022` | `at most 0` is not a whole number of actions from 1 |
//! | a window of zero | `E0022` | a cap's window must be longer than zero |
//! | no limit | `E0022` | cap `emails` has no limit |
//! | a second cap on one action | `E0010` | action `send_email` already has a cap, `emails` |
//! | a name an item or another cap has | `E0010` | `emails` is declared twice (on the later of the two) |
//! | a second `defer` or `skip` line | `E0010` | a cap has at most one `defer` or `skip` line |
//! | `then` without `defer` or `skip`, a missing word | `E0001` | expected `defer` or `skip` after `then`, … |
//!
//! ```
//! let error = funil::compile(r#"
//! schema { event email.sent { } action send_email(template: string) }
//! cap emails on send_emial counted by email.sent { at most 1 per 1d }
//! "#).unwrap_err();
//! assert_eq!(error.to_string(), "\
//! error[E0019]: unknown action `send_emial`
//!  --> rules.funil:3:15
//!   |
//! 3 | cap emails on send_emial counted by email.sent { at most 1 per 1d }
//!   |               ^^^^^^^^^^ help: did you mean `send_email`?");
//! ```
//!
//! **`simulate`.** The command-line replay (`funil simulate`, spec §11) prints the
//! actions a cap held back as lines of their own,
//! `{"id":…,"at":…,"workflow":…,"step":…,"action":"send_email","status":"deferred","cap":"emails","until":…}`
//! and `{…,"status":"skipped","cap":"emails","args":{…}}`, and plays the host: each
//! action it performs that a cap counts is recorded, at its instant, as an event of
//! the cap's kind, which later instants see.
//!
//! # Metrics
//!
//! ```text
//! metric NAME ["Title"] [by EXPR | by PROP of KIND_OR_GROUP | KIND_OR_GROUP …] { BODY }
//! ```
//!
//! A metric is a number computed over a *population*: the contacts a host evaluates
//! together with [`Program::evaluate_population`](crate::Program::evaluate_population),
//! such as everyone a campaign reached. Segments, scores and decisions say something
//! about one contact; a metric measures the campaign — its open rate, conversion rate,
//! revenue, return on investment. Metrics are batch-only: a single contact has no
//! value of a metric.
//!
//! ```text
//! schema { param cost: number }                    # given by the host with the population
//!
//! metric open_rate "Opens per email sent (30 days)" {
//!   total(count(email.opened within 30d)) / total(count(email.sent within 30d))
//! }
//! metric click_rate { total(count(email.clicked within 30d)) / total(count(email.sent within 30d)) }
//! metric conversion_rate { share(exists(purchase within 30d)) }
//! metric cart_abandonment "Carts with no purchase in the 24 hours after them" {
//!   total(count(cart.abandoned where not exists(purchase between at and at + 24h)))
//!     / total(count(cart.abandoned))
//! }
//! metric revenue { total(sum(purchase within 30d, amount)) }
//! metric roi { (total(sum(purchase within 30d, amount)) - param(cost)) / param(cost) }
//! metric cost_per_acquisition { param(cost) / contacts(exists(purchase within 30d)) }
//! metric time_on_site "Seconds on site per visitor (30 days)" {
//!   total(sum(session.ended within 30d, seconds)) / contacts(exists(session.ended within 30d))
//! }
//! metric open_rate_by_campaign by campaign of email.sent | email.opened {
//!   total(count(email.opened within 30d)) / total(count(email.sent within 30d))
//! }
//! metric conversion_by_country by country { share(exists(purchase within 30d)) }
//! ```
//!
//! ## The body
//!
//! A metric's body is a number expression over the population. It may contain number
//! literals (`100`, `10%`), `param(NAME)`, the *population aggregates* below, unary
//! `-` and `+`, `+ - * /`, `??`, parentheses, and the number functions `abs`,
//! `floor`, `ceil`, `round`, `min` and `max`. Arithmetic is exact decimal arithmetic,
//! as everywhere: a ratio whose denominator is zero is null (`x / y ?? 0` gives 0
//! instead), and so is a result out of the decimal range.
//!
//! | aggregate | argument, for each contact | value | for no contact |
//! |---|---|---|---|
//! | `total(E)` | a number | the sum of `E` over the contacts, nulls skipped | 0 |
//! | `mean(E)` | a number | the average of `E` over the contacts where it is not null | null |
//! | `share(C)` | a condition | the fraction of the contacts for which `C` holds (null counting as false) | null |
//! | `contacts(C)` | a condition | how many contacts `C` holds for | 0 |
//! | `contacts()` | — | how many contacts there are | 0 |
//!
//! The argument of a population aggregate is a *per-contact* expression: anything a
//! segment's condition could be — attributes, event queries (nested ones too, such as
//! the cart's `at` in `between at and at + 24h`), item references (ranked segments
//! included), time travel — evaluated for each contact as of the context's `now`.
//! Outside a population aggregate nothing is per contact: an attribute, an event
//! query, a field of `first`/`last` or an item reference there is an error (`E0028`),
//! and so is anything that is not a number (`E0022`: strings, comparisons, `and`,
//! `now`, functions other than the number functions). A sum that leaves the decimal
//! range is null, and so is the mean over it.
//!
//! The other way round, a population aggregate or `param(…)` where one contact is
//! evaluated — in a segment, score, decision, reward or workflow, in a metric's `by`
//! key, or nested in another population aggregate — is an error (`E0027`), and so is
//! a metric's name given to `segment(…)`, `score(…)` or `decision(…)`: no function
//! references a metric. Asking a single-contact call
//! ([`Program::segment`](crate::Program::segment), `score`, `decision`, `explain`,
//! `next_change`, `segment_id`) for a metric is an
//! [`EvalError`](crate::EvalError) of kind
//! [`WrongItemKind`](crate::EvalErrorKind::WrongItemKind); `evaluate` and
//! `evaluate_batch` leave metrics out.
//!
//! ## Groups
//!
//! Without `by`, a metric has one value, for the whole population (an empty one
//! included: `contacts()` is then 0 and a ratio over it null).
//!
//! `by EXPR` splits the population by a per-contact expression — an attribute
//! (`by country`), a decision (`by decision(grade)`), any expression a segment could
//! compute — and gives one value per distinct key. Contacts whose key is null form a
//! group of their own. Numbers are keys by value (`1.50` and `1.5` are one group,
//! shown `1.5`). A key is a single value: a list or an event is an error (`E0009`).
//!
//! `by PROP of KIND | KIND …` splits it by an event prop (per campaign, per arm of a
//! split, per source), over one or more kinds or groups:
//!
//! * The keys of a contact are the distinct values of `PROP` among its events of
//!   those kinds (each member of a group counting as a kind) at or before `now`,
//!   whatever their age. A contact is in the group of each of its keys — so the groups'
//!   sizes may add up to more than the population — and in none when it has no such
//!   event. A null prop value is a key like any other.
//! * Within the group of key `k`, the metric's queries — every query written in its
//!   body, nested ones included — see, of the events of the grouping kinds, only those
//!   whose `PROP` equals `k` (null equals null). Events of other kinds are not
//!   affected, and neither are the items the metric references: `segment(buyers)` is
//!   about the whole contact. So `by campaign of email.sent | email.opened` counts each
//!   campaign's sends and opens, while a `count(email.clicked)` in the same metric
//!   counts every click; add `email.clicked` to the kinds to count each campaign's
//!   clicks.
//! * Every kind must declare `PROP`, with one type (`E0005`, `E0009`); `at` cannot be
//!   a key (`E0022`: group by a per-contact expression such as
//!   `date(last(purchase).at)` instead).
//!
//! ## Parameters
//!
//! A value that is not data of a contact, such as what a campaign cost, is a
//! *parameter*: declared in the schema, `param cost: number` (the host must give it)
//! or `param budget: number?` (it may be left out, and is then null), and read in a
//! metric's body, outside population aggregates, with `param(cost)`. Parameters have
//! their own namespace and are numbers (`E0022` for another type); an unknown one is
//! `E0003`. The host gives them in a [`Params`](crate::Params); one the schema does not
//! declare, one that is not a number, or a `number` one left out is an
//! [`EvalError`](crate::EvalError) (`UnknownParameter`, `ParameterType`,
//! `MissingParameter`). Parameters are not part of a contact: a contact fits programs
//! that differ only in them. A cost known per contact is an attribute instead:
//! `total(acquisition_cost)`.
//!
//! ## Results
//!
//! [`Program::evaluate_population`](crate::Program::evaluate_population) gives a
//! [`Population`](crate::Population): every contact's
//! [`Evaluation`](crate::Evaluation), as `evaluate_batch` gives them, and a
//! [`MetricValue`](crate::MetricValue) per metric and group — its name, its group's key
//! (none without `by`), its value and how many contacts the group has. Metrics come in
//! declaration order, groups by key: null first, then `false` before `true`, numbers
//! in numeric order, strings by code point, dates and instants in time order,
//! durations by length. The metrics are computed in the pass that evaluates every
//! contact, after the rankings: items both use are computed once. With the `parallel`
//! feature the contacts are evaluated on all cores and their contributions then added
//! up in input order, so the results are the same to the last digit.
//!
//! [`MetricValue::to_json`](crate::MetricValue::to_json), and the command line's
//! `funil metrics RULES... --contacts FILE.jsonl --now T [--tz ZONE] [--param
//! NAME=VALUE]...`, print one line per metric and group:
//! `{"metric":"open_rate_by_campaign","group":"promo","value":0.5,"contacts":2}`;
//! a metric without `by` has no `group` field, so that a null key (`"group":null`)
//! is told apart.
//!
//! ```
//! use funil::{Context, Params, Value};
//!
//! let program = funil::compile(r#"
//!     schema {
//!       contact { country: string? }
//!       event email.sent      { campaign: string }
//!       event email.opened    { campaign: string }
//!       event purchase        { amount: number }
//!       event cart.abandoned  { value: number }
//!       event session.ended   { seconds: number }
//!       param cost: number
//!     }
//!     metric open_rate { total(count(email.opened within 30d)) / total(count(email.sent within 30d)) }
//!     metric conversion_rate { share(exists(purchase within 30d)) }
//!     metric cart_abandonment {
//!       total(count(cart.abandoned where not exists(purchase between at and at + 24h)))
//!         / total(count(cart.abandoned))
//!     }
//!     metric roi { (total(sum(purchase within 30d, amount)) - param(cost)) / param(cost) }
//!     metric cost_per_acquisition { param(cost) / contacts(exists(purchase within 30d)) }
//!     metric time_on_site {
//!       total(sum(session.ended within 30d, seconds)) / contacts(exists(session.ended within 30d))
//!     }
//!     metric open_rate_by_campaign by campaign of email.sent | email.opened {
//!       total(count(email.opened)) / total(count(email.sent))
//!     }
//!     metric buyers_by_country by country { contacts(exists(purchase)) }
//! "#)?;
//! let at = |day: &str| format!("2026-11-{day}T10:00:00Z").parse::<chrono::DateTime<chrono::Utc>>();
//! let campaign = |c: &str| [("campaign", Value::from(c))];
//! // Ana: sent and opened `promo`, sent `news`; a cart, then a purchase of 120 two
//! // hours later; two sessions (300 s and 100 s).
//! let ana = program.contact("ana").attribute("country", "BR")
//!     .event("email.sent", at("02")?, campaign("promo"))
//!     .event("email.opened", at("03")?, campaign("promo"))
//!     .event("email.sent", at("09")?, campaign("news"))
//!     .event("cart.abandoned", at("10")?, [("value", 120.into())])
//!     .event("purchase", "2026-11-10T12:00:00Z".parse()?, [("amount", 120.into())])
//!     .event("session.ended", at("10")?, [("seconds", 300.into())])
//!     .event("session.ended", at("11")?, [("seconds", 100.into())])
//!     .build()?;
//! // Bo: sent `promo`, never opened it; a cart never bought; one session of 200 s.
//! let bo = program.contact("bo")
//!     .event("email.sent", at("02")?, campaign("promo"))
//!     .event("cart.abandoned", at("12")?, [("value", 40.into())])
//!     .event("session.ended", at("12")?, [("seconds", 200.into())])
//!     .build()?;
//! let context = Context::new("2026-11-22T12:00:00Z".parse()?);
//! let population = program.evaluate_population([&ana, &bo], &context, &Params::new().with("cost", 100))?;
//! let lines: Vec<String> = population.metrics().iter().map(|m| m.to_json()).collect();
//! assert_eq!(lines, [
//!     // 1 open of 3 sends.
//!     r#"{"metric":"open_rate","value":0.3333333333333333333333333333,"contacts":2}"#,
//!     // Ana bought, Bo did not.
//!     r#"{"metric":"conversion_rate","value":0.5,"contacts":2}"#,
//!     // Ana's cart was bought two hours later; Bo's never.
//!     r#"{"metric":"cart_abandonment","value":0.5,"contacts":2}"#,
//!     // (120 - 100) / 100; 100 per buyer.
//!     r#"{"metric":"roi","value":0.2,"contacts":2}"#,
//!     r#"{"metric":"cost_per_acquisition","value":100,"contacts":2}"#,
//!     // 600 seconds over 2 visitors.
//!     r#"{"metric":"time_on_site","value":300,"contacts":2}"#,
//!     // `news`: Ana's one send, no open; `promo`: 2 sends, 1 open.
//!     r#"{"metric":"open_rate_by_campaign","group":"news","value":0,"contacts":1}"#,
//!     r#"{"metric":"open_rate_by_campaign","group":"promo","value":0.5,"contacts":2}"#,
//!     // Bo has no country: the null group comes first.
//!     r#"{"metric":"buyers_by_country","group":null,"value":0,"contacts":1}"#,
//!     r#"{"metric":"buyers_by_country","group":"BR","value":1,"contacts":1}"#,
//! ]);
//!
//! let missing = program.evaluate_population([&ana], &context, &Params::new()).unwrap_err();
//! assert_eq!(missing.to_string(), "parameter `cost` is declared `number` but not given");
//!
//! // A population aggregate in a segment, and an attribute outside one in a metric.
//! let error = funil::compile(r#"
//!     schema { contact { spent: number } }
//!     segment big { spent > mean(spent) }
//!     metric average { spent }
//! "#).unwrap_err();
//! let codes: Vec<&str> = error.errors().map(|d| d.code()).collect();
//! assert_eq!(codes, ["E0027", "E0028"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Dependencies
//!
//! A compiled program says, without evaluating anything, what each item depends on
//! and which items a change of input may affect: so a host that receives an event or
//! an attribute update knows what to re-evaluate, and what it may keep.
//!
//! [`Program::reads`](crate::Program::reads) gives an item's [`Reads`](crate::Reads):
//! the attributes, the event kinds with the props read of each, and the other items it
//! depends on, all transitively (through time travel too), in declaration order; and
//! whether its value may change with the mere passing of time
//! ([`depends_on_now`](crate::Reads::depends_on_now)) or with the time zone
//! ([`depends_on_time_zone`](crate::Reads::depends_on_time_zone)).
//!
//! * A query on a group reads each of its kinds. The implicit `at` is listed among a
//!   kind's props when a rule looks at when its events happened: a window, `first` or
//!   `last` (which order by `at`), `.at` or `at`, decay, the trigger of a reward or of
//!   `enter on`, or a query evaluated as of an earlier instant. Counting events or
//!   testing that one exists reads the kind with no prop.
//! * An item depends on now when `now`, `today`, a `within` window, a `since` or
//!   `between` bound that depends on now, a calendar function of today
//!   (`years_since`, `is_anniversary`, `days_until_anniversary`), decay, or time
//!   travel to an item that reads events is involved; a workflow also through its
//!   waits, `reenter after` and send window. `since last(x).at` or `between` two fixed
//!   instants do not depend on now. Time travel to an item that reads only attributes
//!   does not either: attributes have no history. Events dated after `now` are not
//!   yet visible; their becoming visible is an event arriving, not the passing of
//!   time. A reward is computed as of each trigger event, so it never depends on now.
//! * An item depends on the time zone through `today`, `date()`, `hour()`,
//!   `weekday()`, the anniversary functions and a send window.
//!
//! [`Program::affected_by`](crate::Program::affected_by) takes a
//! [`Change`](crate::Change) — an event of a kind arriving (at or before now; a group
//! name stands for any of its kinds), or an attribute taking another value — and
//! lists, in declaration order, every item whose value may change: those that read
//! the input, and everything that depends on them. It is safe: an item it leaves out
//! keeps its value, whatever the contact (the test suite checks this over generated
//! rules and contacts). It is conservative about data: `exists(purchase where amount
//! > 1000)` is listed for every purchase, though a small one changes nothing. Rewards
//! and workflows are listed too; a workflow whose conditions or action arguments
//! depend on now is listed for an event of every kind, because every event is an
//! instant at which its runs are evaluated (§8.2). An unknown kind or attribute is an
//! [`EvalError`](crate::EvalError) of kind
//! [`UnknownEventKind`](crate::EvalErrorKind::UnknownEventKind) or
//! [`UnknownAttribute`](crate::EvalErrorKind::UnknownAttribute).
//!
//! ```
//! use funil::Change;
//!
//! let program = funil::compile(r#"
//!     schema {
//!       contact { country: string?, total_spent: number }
//!       event email.bounced { kind: string }
//!       event email.opened  { campaign: string }
//!       event purchase      { amount: number }
//!       group activity = email.opened | purchase
//!     }
//!     segment soft_bouncers { count(email.bounced where kind == "soft") >= 4 }
//!     segment dormant { not exists(activity within 60d) and not segment(soft_bouncers) }
//!     score fit { when country in ["BR", "PT"] => +20  when total_spent >= 500 => +15 }
//!     decide grade { when score(fit) >= 30 => "A" else => "B" }
//! "#)?;
//!
//! let dormant = program.reads("dormant")?;
//! assert_eq!(dormant.items(), ["soft_bouncers"]);
//! assert_eq!(dormant.props("email.bounced"), Some(&["kind"][..]));
//! assert_eq!(dormant.props("purchase"), Some(&["at"][..]));
//! assert!(dormant.depends_on_now());
//! assert!(!program.reads("grade")?.depends_on_now());
//!
//! // A bounce: re-evaluate the bouncers and what depends on them; keep the rest.
//! assert_eq!(program.affected_by(&Change::event("email.bounced"))?, ["soft_bouncers", "dormant"]);
//! assert_eq!(program.affected_by(&Change::attribute("country"))?, ["fit", "grade"]);
//! assert_eq!(program.affected_by(&Change::event("activity"))?, ["dormant"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The command-line example prints the same for every item: `funil deps RULES...`.
//!
//! # Next change
//!
//! [`Program::next_change`](crate::Program::next_change) answers, for one contact,
//! *when* a segment, score or decision will next have another value if nothing else
//! happens: no new event, no attribute change. A scheduler stores that instant and
//! evaluates the item again then, instead of re-running every segment every night.
//!
//! * **What "nothing happens" means.** The contact keeps its attributes and the
//!   events it has at the context's `now`; events dated after `now` are new input,
//!   left out (they would change the value when they arrive, not by the passing of
//!   time). The time zone is the context's.
//! * **The answer** is `None` when the value never changes so, or a
//!   [`NextChange`](crate::NextChange): the first instant after `now` at which the
//!   value differs, the value being the same at every instant from `now` up to it.
//!   Instants have nanosecond precision, so a strict comparison that becomes true
//!   when two instants meet becomes true one nanosecond after they meet:
//!   `last(activity).at < now - 60d` for a last activity at `T` changes at
//!   `T + 60d + 1ns`, while `not exists(activity within 60d)` changes at `T + 60d`
//!   (the window is `now - 60d < at`).
//! * **What moves a value with time**, each found exactly: an event leaving a `within`
//!   window (at `at + D`); `since` and `between` bounds passing, fixed or relative to
//!   `now` (an event enters `between now - 7d and now - 1d` just after it is a day
//!   old); comparisons of instants or durations that move with `now`; `today`,
//!   `date()`, `weekday()` and `hour()` rolling over at local midnights and hours in
//!   the context's zone, across daylight-saving changes (a midnight that a change
//!   skips starts the day when the clocks jump); `days()` and `hours()` of a duration
//!   that grows with `now`; anniversaries (`is_anniversary`, `years_since`, with 29
//!   February on 28 February in non-leap years); time travel (`segment(x, at: now -
//!   30d)` sees events enter its earlier window); the items referenced.
//! * **Decay.** A decayed score changes continuously: each second of age shrinks its
//!   points, and its two-decimal value changes every time the total crosses a
//!   rounding step. Its next change is found the same way (the first instant its
//!   rounded value differs); a comparison on it, such as `score(engagement) >= 50`,
//!   is found directly at the instant the decay crosses the threshold, the decay's
//!   speed bounding how soon it could.
//! * **How it is found.** The analysis walks the item's compiled rule as of an
//!   instant and finds an instant before which nothing it reads can change; then
//!   evaluates the item there. If the value differs, that is the answer; if not (an
//!   event left a window but another is still in it), it starts again from there.
//!   So the answer is exact. A value that never settles into a solvable form (a rule
//!   comparing `today` with `date(now - 1d)`, which a daylight-saving day can make
//!   equal) is searched one step at a time; after
//!   [`NEXT_CHANGE_MAX_STEPS`](crate::NEXT_CHANGE_MAX_STEPS) (2,000) steps without a
//!   change the search stops and answers the instant it reached, marked not
//!   [exact](crate::NextChange::is_exact): the value does not change before it, so a
//!   scheduler looks again then.
//! * **Errors** are those of [`Program::segment`](crate::Program::segment): an unknown
//!   name, a workflow, reward or metric (which have no value for one contact), a ranked segment
//!   or what references one (batch only), a contact built for another schema.
//!
//! ```
//! use funil::Context;
//!
//! let program = funil::compile(r#"
//!     schema {
//!       contact { birthday: date? }
//!       event email.opened { campaign: string }
//!     }
//!     segment engaged { exists(email.opened within 30d) }
//!     segment birthday { is_anniversary(birthday) }
//!     score warmth { per email.opened => +100  decay half_life 1d }
//!     segment hot { score(warmth) >= 50 }
//! "#)?;
//! let contact = program.contact_from_json(r#"{"id": "c-1",
//!     "attributes": {"birthday": "2000-02-29"},
//!     "events": [{"kind": "email.opened", "at": "2026-11-20T09:00:00Z",
//!                 "props": {"campaign": "welcome"}}]}"#)?;
//! let now = "2026-11-20T21:00:00Z".parse()?;
//! let context = Context::new(now).with_time_zone("America/Sao_Paulo".parse()?);
//! let next = |name| -> Result<String, funil::EvalError> {
//!     Ok(program.next_change(name, &contact, &context)?.map_or("never".into(), |n| {
//!         assert!(n.is_exact());
//!         n.at().to_rfc3339()
//!     }))
//! };
//! // The open leaves the window 30 days after it happened.
//! assert_eq!(next("engaged")?, "2026-12-20T09:00:00+00:00");
//! // 28 February 2027, local midnight in São Paulo (03:00 UTC).
//! assert_eq!(next("birthday")?, "2027-02-28T03:00:00+00:00");
//! // 100 points halve in a day: below 49.995 a little after 09:00 the next day.
//! assert!(next("hot")?.starts_with("2026-11-21T09:00"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Explanations
//!
//! [`Program::explain`](crate::Program::explain) says why a segment, score or decision
//! has its value for one contact: the rule as written, as a tree, each part with the
//! value it produced. Its value is always the one evaluation gives.
//!
//! * **Conditions and expressions** show their source text, their value in the JSON
//!   form of [Formatting](#formatting) (`"BR"`, `9.53`, `null`) and their place in the
//!   source (`rules.funil:3:20`), down to the attributes they read.
//! * **Short-circuits.** In `a and b and c`, the operands after the first false one are
//!   *not evaluated*, and in an `or` those after the first true one; so is the default
//!   of `x ?? y` when `x` is not null, the second bound of a `between` whose first is
//!   null, and everything under a part that was not evaluated.
//! * **Event queries** list the events they selected, by index in the contact's
//!   history (in time order), kind and instant, with the value of each for `sum`,
//!   `avg`, `min` and `max`; `first` and `last` show the event they picked. A `where`
//!   clause is not explained event by event: the events it rejected are simply not
//!   listed.
//! * **Scores** list their rules with the points each contributed: a `per` rule the
//!   points of each event, its decay factor and what it gave after decay, and, when
//!   `max` cut the rule's sum, by how much; a `when` rule its condition. The `clamp`
//!   comes last, with the total it cut, if it did.
//! * **Decisions** list their arms: which one *matched*, why each before it was *not
//!   matched*, and the arms after it *not evaluated* (in `decide all`, every arm is
//!   evaluated, and `else` only when none matched).
//! * **References.** Every item a rule references, `segment(x)`, `score(x)`,
//!   `decision(x)`, is explained in turn after the item, numbered (`→ [1]`), once per
//!   item and instant however often it is referenced; with `at: now - D`, as of that
//!   instant (`[2] score views as of 2026-11-19T12:00:00Z = 1`). A reference that was
//!   not evaluated is not explained.
//!
//! `Display` draws the tree as text, what a support person pastes into a ticket, and
//! `serde::Serialize` gives JSON for a user interface (see [`explain`](crate::explain)).
//! The command line prints either: `funil explain RULES... --contacts FILE.jsonl --id
//! ID --item NAME --now T [--tz ZONE] [--json]`.
//!
//! ```
//! let program = funil::compile(r#"
//! schema {
//!   contact { owner: string? }
//!   event email.clicked { url: string }
//!   event purchase { amount: number }
//! }
//! score engagement { per email.clicked within 30d => +10 max 25  clamp 0 to 20 }
//! decide stage {
//!   when exists(purchase) => "customer"
//!   when owner is not null and score(engagement) >= 20 => "sql"
//!   else => "lead"
//! }
//! "#)?;
//! let contact = program.contact("c-1")
//!     .attribute("owner", "carla")
//!     .event("email.clicked", "2026-11-20T10:00:00Z".parse()?, [("url", "/a".into())])
//!     .event("email.clicked", "2026-11-21T10:00:00Z".parse()?, [("url", "/b".into())])
//!     .event("email.clicked", "2026-11-22T10:00:00Z".parse()?, [("url", "/c".into())])
//!     .build()?;
//! let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
//! assert_eq!(program.explain("stage", &contact, &context)?.to_string(), "\
//! decision stage = \"sql\"  (rules.funil:8:8)
//! ├─ when exists(purchase) => \"customer\": not matched  (rules.funil:9:3)
//! │  └─ exists(purchase) = false: no event selected  (rules.funil:9:8)
//! ├─ when owner is not null and score(engagement) >= 20 => \"sql\": matched  (rules.funil:10:3)
//! │  └─ owner is not null and score(engagement) >= 20 = true  (rules.funil:10:8)
//! │     ├─ owner is not null = true  (rules.funil:10:8)
//! │     │  └─ owner = \"carla\"  (rules.funil:10:8)
//! │     └─ score(engagement) >= 20 = true  (rules.funil:10:30)
//! │        └─ score(engagement) = 20 → [1]  (rules.funil:10:30)
//! └─ else => \"lead\": not evaluated  (rules.funil:11:3)
//!
//! [1] score engagement = 20  (rules.funil:7:7)
//! ├─ per email.clicked within 30d => +10 max 25 = 25: 3 events, 30 cut to max 25  (rules.funil:7:20)
//! │  ├─ #0 email.clicked 2026-11-20T10:00:00Z: 10
//! │  ├─ #1 email.clicked 2026-11-21T10:00:00Z: 10
//! │  └─ #2 email.clicked 2026-11-22T10:00:00Z: 10
//! └─ clamp 0 to 20 = 20: 25 cut  (rules.funil:7:64)
//! ");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Evaluating the caller's own data
//!
//! A service usually holds its contacts in structs of its own. Building a
//! [`Contact`](crate::Contact) for each through the builder copies every text and
//! allocates its lists and events, which costs far more than testing a segment.
//! Three ways avoid it; all check every value against the schema, as the builder
//! does, and give exactly the answers the builder's contact would.
//!
//! * **A [`ContactBuffer`](crate::ContactBuffer) refilled in place.** One buffer
//!   serves every contact in turn: [`refill`](crate::ContactBuffer::refill) takes
//!   the id, then attributes by [`AttrId`](crate::model::AttrId), events by
//!   [`KindId`](crate::model::KindId) and props by slot, all resolved once from the
//!   [`Schema`](crate::Schema), each value lent as a [`ValueRef`](crate::ValueRef)
//!   (a `&str`, a number, a date…); [`finish`](crate::model::Refill::finish) lends
//!   the contact, good for every evaluation: segments, scores, decisions, rewards,
//!   workflows, explanations. Once the buffer has held its largest contact, a refill
//!   allocates nothing, with one exception: a text that is not among the last
//!   sixteen its slot held is copied, once. Codes, stages and countries repeat and
//!   are shared; an e-mail address that changes with every contact costs one
//!   allocation when it is given. Lists are given as shared
//!   [`Value`](crate::Value)s, never copied. Events given out of time order are
//!   sorted in place; events at the same instant keep the order they were given in,
//!   as with the builder.
//! * **A [`View`](crate::View) of the caller's type.** The functions that read the
//!   id, each attribute (by name, checked against the schema when the view is made)
//!   and the events of a `T`, given once. [`View::fill`](crate::View::fill) refills
//!   a buffer from a `T`; [`Program::evaluate_batch_of`](crate::Program::evaluate_batch_of)
//!   evaluates a slice of `T`s as [`evaluate_batch`](crate::Program::evaluate_batch)
//!   does (ranked segments included), reading each value again at each pass over the
//!   batch into one buffer per thread instead of keeping a contact per value.
//! * **A [`Predicate`](crate::Predicate).** [`Program::predicate`](crate::Program::predicate)
//!   compiles a segment into closures that call the view's functions directly: no
//!   contact, no buffer, no allocation. It takes segments whose condition is made
//!   only of tests of attributes the view reads: comparisons of an attribute with a
//!   literal (a negative number included), `is null` and `is not null`, `in` and
//!   `not in` a list of literals, a `bool` attribute as a condition, `true` and
//!   `false`, joined by `and`, `or` and `not`, nested up to 64 levels. Anything else
//!   (events, functions, other items, `now`, interpolation, comparisons of two
//!   attributes) is refused with
//!   [`EvalErrorKind::NotAPredicate`](crate::EvalErrorKind::NotAPredicate) and a
//!   sentence saying why; evaluate such a segment over a filled buffer.
//!
//! Why these, rather than a trait through which the interpreter would read the
//! caller's type: the interpreter, its explanations and its next-change analysis
//! all read one representation, the [`Contact`](crate::Contact), whose events are
//! indexed by kind and sorted, so that a window is two binary searches; a trait
//! would make every caller rebuild those indexes, or make every reader generic over
//! it. A buffer keeps one representation and removes its cost (the allocations),
//! at the price of copying the values read into it, and of one allocation for a
//! text not seen lately in its slot. The predicate removes the copy too, for the
//! segments that can do without a contact: those that test attributes only. Nor is
//! there a derive macro: it would be a second crate to keep, for what a view does in
//! a few closures, and a macro could not read fields that are not plain values (a
//! status computed from two fields, a map of custom fields).
//!
//! A view's function may lend a value of the wrong type: a text for a `number`, or
//! a null for an attribute that is not optional. That is never read as a null or
//! coerced: it is a [`ContactError`](crate::ContactError) of kind `WrongType`
//! naming the contact (when the view reads ids), the attribute and its declared
//! type, from the predicate's [`test`](crate::Predicate::test), from
//! [`View::fill`](crate::View::fill) and from a refill.
//!
//! ```
//! use funil::{ContactBuffer, View};
//!
//! struct Lead { id: String, stage: &'static str, spent: i64 }
//!
//! let program = funil::compile(r#"
//!     schema { contact { stage: string, spent: number } }
//!     segment big { stage != "customer" and spent > 100 }
//!     segment shouting { upper(stage) == stage }
//! "#)?;
//! let view = View::new(program.schema())
//!     .id(|lead: &Lead| &lead.id)
//!     .attribute("stage", |lead: &Lead| lead.stage.into())?
//!     .attribute("spent", |lead: &Lead| lead.spent.into())?;
//! let lead = Lead { id: "c-1".into(), stage: "lead", spent: 250 };
//!
//! let big = program.predicate(program.segment_id("big")?, &view)?;
//! assert_eq!(big.test(&lead), Ok(true));
//!
//! let shouting = program.segment_id("shouting")?;
//! let refused = program.predicate(shouting, &view).unwrap_err();
//! assert_eq!(refused.kind(), funil::EvalErrorKind::NotAPredicate);
//! let mut buffer = ContactBuffer::new(program.schema());
//! let context = funil::Context::new("2026-11-22T12:00:00Z".parse()?);
//! let mut workspace = funil::Workspace::new();
//! let contact = view.fill(&lead, &mut buffer)?;
//! assert!(!program.segment_with(shouting, contact, &context, &mut workspace)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # SQL push-down
//!
//! [`Program::to_sql`](crate::Program::to_sql) writes a segment as one PostgreSQL
//! query that returns the ids of the contacts in it, so that a host whose contacts
//! live in a database evaluates the segment there instead of exporting them. The
//! query computes, in the same statement, every score, decision and segment the
//! segment references, at every instant time travel asks for. It means what the
//! interpreter means, or it is not written: what has no exact SQL form is refused with
//! a [`NotPushable`](crate::NotPushable) naming the construct and where it was written
//! (code `E0029`, rendered like a compile error).
//!
//! The query has two parameters, bound by the host and never spliced into its text:
//! `$1`, the instant of evaluation (`timestamptz`), and `$2`, the IANA name of the
//! time zone of calendar functions (`text`). It returns one column, `id`.
//!
//! ```
//! let program = funil::compile(r#"
//!     schema {
//!       contact { country: string? total_spent: number }
//!       event purchase { amount: number }
//!     }
//!     segment big_spenders { sum(purchase within 365d, amount) >= 1000 }
//!     segment lusophone_big_spenders { country in ["BR", "PT"] and segment(big_spenders) }
//! "#)?;
//! let query = program.to_sql("lusophone_big_spenders", &funil::SqlOptions::new())?;
//! // The referenced segment is computed once per contact, beside the parameters.
//! assert!(query.text().contains("CROSS JOIN (SELECT $1::timestamptz AS now, $2::text AS zone) AS p"));
//! assert!(query.text().contains("CROSS JOIN LATERAL (SELECT"));
//! assert!(query.text().contains("e1.\"at\" > (p.now - interval '31536000 seconds')"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The table layout
//!
//! [`Program::sql_schema`](crate::Program::sql_schema) writes the layout as a script:
//!
//! * **contacts** (table `contacts`): `id text PRIMARY KEY`, then one column per
//!   attribute, named after it: `bool` → `boolean`, `number` → `numeric`, `string` →
//!   `text`, `date` → `date`, `datetime` → `timestamptz`, `duration` → `interval` (of
//!   seconds: an interval's days count 86,400 seconds), `list<T>` → `T[]`; `NOT NULL`
//!   unless the attribute is optional. A list of lists has no column type and is
//!   refused.
//! * **events** (table `events`): `contact_id text`, `seq integer` (the event's place
//!   in the contact's history, which orders events of the same `at`: `first` and `last`
//!   break ties by it, as the interpreter breaks them by history order), `kind text`
//!   (the dotted name), `at timestamptz`, and `props jsonb`: an object keyed by prop
//!   name, numbers as JSON numbers, dates and datetimes as their text forms.
//! * the recommended index `events (contact_id, kind, at)`, which every event query
//!   of a pushed-down segment uses;
//! * the `funil_` functions the queries call (`CREATE OR REPLACE FUNCTION`, one SQL
//!   statement each, inlined by PostgreSQL): decimal arithmetic, instants, calendar
//!   functions and decay as the interpreter computes them.
//!
//! [`SqlOptions`](crate::SqlOptions) renames the tables (schema-qualified names
//! allowed) and every column. Contacts the host holds as [`Contact`](crate::Contact)s
//! load into the layout with [`Program::sql_copy_statements`](crate::Program::sql_copy_statements)
//! and [`Program::write_sql_copy_rows`](crate::Program::write_sql_copy_rows). The
//! database must be UTF-8 (`len`, patterns and case mapping count characters) and
//! have ICU collations (`lower` and `upper` use `und-x-icu`, Unicode's full case
//! mapping, as Rust's do); PostgreSQL from 14 on.
//!
//! The queries use only correlated subqueries, `LATERAL`, `CASE`, window functions
//! (ranked segments) and the `funil_` functions, so engines that speak PostgreSQL's
//! dialect run them. On a distributed PostgreSQL such as Citus, distribute both tables
//! by the contact id (`contacts.id`, `events.contact_id`), so that every event query
//! of a contact runs on the shard that holds it, and create the functions on every
//! node; only a single PostgreSQL 15 server is tested here.
//!
//! ## What is pushed down
//!
//! Segments, and ranked segments as the segment asked for (`top N` and `top P%` rank
//! every row of the contacts table, with window functions; a reference to a ranked
//! segment from another item is refused). Everything segments, scores and decisions
//! are written with:
//!
//! * conditions with two-valued nulls (`==` is `IS NOT DISTINCT FROM`, comparisons with
//!   a null are false, a null condition is false), `and`, `or`, `not`, `in`, `??`,
//!   `is null`; strings compared by code point (`COLLATE "C"`);
//! * numbers as `numeric`, brought after every `+ - * /` to the interpreter's decimals
//!   (a 96-bit mantissa, at most 28 places, rounded half to even, null out of range);
//!   division by zero is null; `round` half away from zero;
//! * instants, dates and durations (durations as `numeric` seconds), with date
//!   arithmetic truncated to whole days; `date`, `hour`, `weekday`, `today`,
//!   `years_since`, `is_anniversary` and `days_until_anniversary` in the zone `$2`,
//!   29 February on 28 February in other years;
//! * `lower`, `upper`, `trim` (Unicode white space), `len`, `contains`, `starts_with`,
//!   `ends_with`, interpolation (numbers, strings, bools, dates, datetimes);
//! * every event query: kinds and groups, `where`, `within`, `since`, `between`, the
//!   window closed at `now`; `count`, `exists`, `sum`, `avg`, `min`, `max`,
//!   `first(…)`/`last(…)` fields;
//! * scores: `per` and `when` rules, `max`, `decay half_life` (the factor computed
//!   from the binary64 power as the interpreter computes it, then rounded to 12
//!   places), `clamp`, the rounding to two places; decisions, first-match and
//!   `decide all`; time travel (`at: now - D`) and references, each (item, instant)
//!   computed once per contact; `arm(…)`, the §8.4 hash of the contact id computed
//!   in SQL (`funil_fnv1a`).
//! * `matches`: the pattern is parsed with the `regex` crate's own parser and written
//!   back as a PostgreSQL regular expression in which every class is an explicit list
//!   of code point ranges (`\d`, `\w`, `.` and `(?i)` never depend on the database's
//!   locale). Pushable: literals, classes, `^` and `$` (and `\A`, `\z`) outside
//!   multi-line mode, alternation, groups, repetitions with bounds up to 255.
//!
//! Refused, with the reason: multi-line anchors (`(?m)`), word boundaries (`\b`),
//! byte-oriented patterns (`(?-u)`), repetition bounds above 255 (PostgreSQL's
//! limit); props of type `duration` or `list`; lists of durations;
//! interpolating a duration or a list; instants with sub-microsecond digits and
//! strings holding U+0000 (PostgreSQL keeps neither); windows longer than 1,000,000
//! days; anything that is not a segment.
//!
//! Where SQL's range ends before the interpreter's, the query raises an error instead
//! of answering: instants beyond PostgreSQL's (4713 BC to 294276 AD), durations added
//! to instants beyond about 285 years (PostgreSQL scales intervals through binary64),
//! and date arithmetic beyond 2^31 days. A running sum whose exact value needs more
//! than 28 significant digits is exact in SQL and rounded step by step by the
//! interpreter: a difference only past 10^26 at two decimals.
//!
//! # Arrow batches
//!
//! With the crate feature `arrow`, `Program::evaluate_arrow`
//! evaluates a whole batch of contacts given as two Apache Arrow record batches, and
//! gives one record batch of results; `Program::contacts_to_arrow`
//! writes [`Contact`](crate::Contact)s in that layout. The answers are those of
//! [`Program::evaluate_batch`](crate::Program::evaluate_batch) over the same contacts.
//!
//! * **Contacts** (`Program::arrow_contacts_schema`):
//!   `contact` (`Utf8`, the non-empty contact id; `contact` is a keyword, so no
//!   attribute has that name), then one column per attribute, named as it.
//! * **Events** (`Program::arrow_events_schema`):
//!   one row per event, in any order: `contact` (`UInt32`, the row of its contact in
//!   the contacts batch), `kind` (`Utf8`), `at`, then one column per prop of each kind,
//!   named `kind.prop` (`purchase.amount`, `email.clicked.url`); an event's props are
//!   in its kind's columns, every other prop column is null in its row.
//! * **Results** (`Program::arrow_results_schema`):
//!   one row per contact, in order; one column per segment (ranked ones included,
//!   `Boolean`), score (`Decimal128(38, 2)`) and decision (`Utf8`, the JSON form of its
//!   value; null when it has none), named as the item, in declaration order.
//!
//! | type | Arrow type written | also read |
//! |---|---|---|
//! | `bool` | `Boolean` | |
//! | `number` | `Decimal128(38, 10)` | `Decimal128` of any precision and a scale from 0 to 28 |
//! | `string` | `Utf8` | |
//! | `date` | `Date32` | |
//! | `datetime` | `Timestamp(Nanosecond, "UTC")` | any unit, zone `UTC`, `+00:00`, `Z` or `Etc/UTC` |
//! | `duration` | `Duration(Nanosecond)` | any unit |
//! | `list<T>` | `List` of `T`'s type | |
//!
//! A column is nullable when its attribute is optional (`T?`); a null in a column that
//! is not is refused whatever the field's flag says. Numbers are exact: a value read
//! is the decimal its mantissa and scale say (trailing zeros dropped), refused if it
//! needs more than a `Decimal`'s 96-bit mantissa; writing refuses a number with more
//! than ten places. Dates and datetimes fall in the years 0000 to 9999, as a contact's
//! must; nanosecond timestamps hold 1677 to 2262, so writing refuses instants outside.
//!
//! Every batch is checked whole before anything is evaluated: a missing column, a
//! column the schema does not know, a column of another type, a null where none is
//! allowed, a value out of range, an event of an unknown kind or of no row of the
//! contacts batch, more events for one contact than the program's limit each give a
//! `ColumnarError` naming the batch, the column, the row where
//! one value is at fault, and what was expected.
//!
//! **What is columnar.** Each item is answered on its own, in dependency order:
//! column by column over the batches when it has a columnar form, otherwise by the
//! row interpreter, per contact, for that item alone (and what it references, which
//! the row interpreter computes again; ranked segments resolved before are given to
//! it). The answers are the same either way, digit for digit: the columnar kernels use
//! the interpreter's decimal operations in its order. The contacts batch is built into
//! contacts only when some item needs the row interpreter.
//!
//! Column-wise, over the contacts batch (bitmaps for conditions, one decimal per
//! contact for numbers):
//!
//! * comparisons of an attribute with a literal (`n > 10`, `3 <= m`, `s == "BR"`,
//!   `b == true`, `m == null`), `is null` / `is not null` (of an attribute or a number
//!   expression), `in` / `not in` a list of literals, a bool attribute or literal as a
//!   condition, `and`, `or`, `not`, with the null logic above;
//! * number expressions compared with each other or with literals: number attributes
//!   and literals, `+ - * /` and unary minus (null on overflow and on division by
//!   zero), `abs`, `floor`, `ceil`, `round`, `min`, `max`, `len` of a string
//!   attribute, `??`, `score(x)` of a score answered column-wise;
//! * event aggregates, as grouped kernels over the events batch: `exists`, `count`,
//!   `sum`, `avg`, `min`, `max` of a number prop, of a kind or a group, with a `where`
//!   made of comparisons of a prop with a literal, `is null`, `in`, `contains` /
//!   `starts_with` / `ends_with` a literal, `at` compared with `now`, `now ± D`, an
//!   instant or a `datetime` attribute, conditions of the contact alone, and
//!   `and`/`or`/`not`; any `within`, and `since` / `between` bounds that are `now`,
//!   `now ± D`, an instant literal or a `datetime` attribute;
//! * comparisons of instants, each a `datetime` attribute, `now`, `now ± D` or an
//!   instant literal (`last_seen > now - 30d`);
//! * segments whose condition is made of the above and of `segment(x)` of a segment
//!   answered column-wise;
//! * scores whose `when` rules have such conditions and number points, and whose
//!   `per` rules have such queries and points that are a literal, a number prop of the
//!   event or a number expression of the contact, with `max`, `decay`, `clamp` and
//!   the rounding to two places;
//! * decisions (first match and `decide all`) whose arms have such conditions and
//!   whose values are literals or attributes;
//! * ranked segments whose key and `where` have such forms (the ranking itself is
//!   always resolved over the whole batch, with the row path's tie-breaking).
//!
//! Left to the row interpreter, item by item: any other construct (string functions,
//! `matches`, `contains` on lists, `first`/`last`, `today` and the calendar
//! functions, dates, other instant, date and duration arithmetic, interpolation,
//! `decision(x)`, comparisons of two strings), and every reference with `at:` (time
//! travel). A program that needs
//! a ranked segment as of another instant than `now` is answered whole by the row
//! interpreter. With the crate feature `parallel`, the per-contact loops (decimal
//! arithmetic, score tables, decisions, the row interpreter's contacts) run on rayon's
//! pool.
//! # Formatting source
//!
//! [`format`](crate::format) (and `funil fmt [--check] FILES...`) rewrites rules in the
//! canonical layout: two-space indentation, one declaration, rule, arm, header clause or
//! statement per line, one space around operators, a blank line between items, and no
//! redundant parentheses. Where the source has blank lines between two schema
//! declarations, score rules, decision or reward arms, workflow header clauses or
//! statements, or experiment clauses, one is kept (a run of them becomes one), before
//! the comments that stood between them; none is added elsewhere. A condition that would pass 100 columns is wrapped before
//! each `or` (and each `and` when still too long), one operand per line, indented one
//! level. Every comment is kept where it was written: a comment on a line of its own
//! stays on a line of its own above what followed it; a comment at the end of a line
//! stays at the end of the line of code it followed. Formatting twice gives the same
//! text as formatting once, and the formatted text parses to the same syntax tree, so
//! it compiles to the same program; the formatter checks both of its output, and
//! reports `E0030` instead of a text that would fail them. A source that does not parse
//! is not formatted (its syntax errors are returned).
//!
//! ```
//! let source = "segment  dormant{not exists(activity within 60d)   # nothing lately\n\
//!               # and reachable\n\
//!               and not segment(soft_bouncers)}";
//! assert_eq!(
//!     funil::format(source)?,
//!     "segment dormant {\n  not exists(activity within 60d) # nothing lately\n    \
//!      # and reachable\n    and not segment(soft_bouncers)\n}\n"
//! );
//! # Ok::<(), funil::CompileError>(())
//! ```
//!
//! A `split` whose percentages do not add up to 100% is a compile error (`E0022`), not
//! a warning.
//!
//! # Lints
//!
//! Rules that compile can still be unable to do what they seem to. After a compile
//! without errors, the compiler looks for such rules and warns, with a code, a caret
//! and help like every diagnostic. The lints are warnings: they are in
//! [`Program::warnings`](crate::Program::warnings) in source order with the others (so
//! `funil check` prints them), and alone in [`Program::lints`](crate::Program::lints).
//! They never change the program. Each reads one item with bounded work (but `W0008`,
//! which follows the references between items once): a condition is read when it
//! holds at most 64 comparisons nested at most 16 deep.
//!
//! Conditions are read as sets of numbers when they are made only of comparisons of
//! one expression with number literals (`==`, `!=`, `<`, `<=`, `>`, `>=`, `in [1, 2]`,
//! either side), joined by `and` and `or`. A null value makes every such comparison
//! not true, so a condition is reported as always true only when it compares a
//! contact attribute that is never null (`W0010`): `x > 5 or x <= 5` is not true for
//! a null `x`.
//!
//! `W0004`: a decision's or a reward's arm that is never taken, because an earlier
//! arm is `when true` (or always true, `W0010`) or the earlier arms comparing the same
//! expression already take every value it would; and an `else` after such an arm. `decide all` collects every
//! arm that holds, so its arms are not linted.
//!
//! ```
//! let program = funil::compile(r#"
//!     schema { contact { age: number } }
//!     decide band {
//!         when age < 18 => "minor"
//!         when age >= 18 => "adult"
//!         when age in [16, 40] => "never"
//!     }
//! "#)?;
//! assert_eq!(program.lints()[0].code(), "W0004");
//! # Ok::<(), funil::CompileError>(())
//! ```
//!
//! `W0005`: a condition that no value satisfies, wherever it stands: a segment, a
//! score's `when` rule, a decision's or a reward's arm, a workflow's `enter`, `exit
//! when`, `goal when`, `if` and `wait until`, an experiment's clauses, a query's
//! `where`, or a part of a larger condition (`plan == "pro" or (age > 5 and age < 3)`
//! warns on the part in parentheses). The outermost condition that is never true is
//! reported, not its parts again.
//!
//! ```
//! let program = funil::compile(r#"
//!     schema { contact { age: number } }
//!     segment nobody { age > 5 and age < 3 }
//!     segment somebody { age > 5 or age < 3 }
//! "#)?;
//! let lints = program.lints();
//! assert_eq!((lints.len(), lints[0].code(), lints[0].line()), (1, "W0005", 3));
//! # Ok::<(), funil::CompileError>(())
//! ```
//!
//! `W0006`: a `per` rule whose `max` is below the points one event gives (a number
//! literal): the first event already reaches the cap. (A `split` whose percentages
//! do not sum to 100 is not a lint but an error, `E0022`.)
//!
//! ```
//! let program = funil::compile(r#"
//!     schema { event purchase { } }
//!     score loyalty { per purchase => 10 max 5 }
//! "#)?;
//! assert_eq!(program.lints()[0].code(), "W0006");
//! # Ok::<(), funil::CompileError>(())
//! ```
//!
//! `W0007`: a workflow statement that never runs: in the same block after `stop`,
//! after an `if` with an `else` whose every branch stops, or after a `split` whose
//! every arm stops (one warning per block, on the first such statement); and the
//! first statement of a workflow whose `exit when` or `goal when` is `true`, since
//! both are checked before any statement at every instant. (`exit when` and `goal
//! when` are the only other ways a run ends: they are header clauses, not
//! statements.)
//!
//! ```
//! let program = funil::compile(r#"
//!     schema { contact { age: number } action email(template: string) }
//!     workflow w {
//!         enter when age > 3
//!         stop
//!         email(template: "welcome")
//!     }
//! "#)?;
//! assert_eq!(program.lints()[0].code(), "W0007");
//! # Ok::<(), funil::CompileError>(())
//! ```
//!
//! ```
//! let program = funil::compile(r#"
//!     schema { contact { age: number } action email(template: string) }
//!     workflow w {
//!         enter when true
//!         if age > 3 { stop } else { email(template: "young") stop }
//!         email(template: "never sent")
//!     }
//! "#)?;
//! assert_eq!(program.lints()[0].code(), "W0007");
//! # Ok::<(), funil::CompileError>(())
//! ```
//!
//! `W0008`: a helper that nothing uses. A segment, score or decision whose name
//! starts with `_` declares itself a helper: a part of other rules, not an output the
//! host reads. It is reported, on its name, when no item references it, or only
//! helpers that are themselves unused do (through `segment(…)`, `score(…)` and
//! `decision(…)`, time travel included, from any item: a workflow, a reward, an
//! experiment or a metric uses what it references). Items without the leading `_`
//! are outputs and never reported; rewards, workflows, experiments, metrics and
//! frequency caps are always outputs, whatever their names. The `_` changes nothing
//! else: helpers are compiled, evaluated and reported like every item (the
//! evaluation results, `funil eval`'s lines and the API's item lists include them),
//! and the host may still ask for one by name.
//!
//! ```
//! let program = funil::compile(r#"
//!     schema { contact { age: number  plan: string } }
//!     segment _adult { age >= 18 }
//!     segment _young { age < 30 }
//!     segment target { segment(_adult) and plan == "pro" }
//! "#)?;
//! let lints = program.lints();
//! assert_eq!(lints.len(), 1);
//! assert_eq!(lints[0].message(), "the helper `_young` is never used: nothing references it");
//! # Ok::<(), funil::CompileError>(())
//! ```
//!
//! `W0009`: a query window that selects no event, whatever the contact and `now`. A
//! bound is read as a datetime literal, or any other expression (`now`, `entered_at`,
//! `at`, `last(cart.abandoned).at`), plus or minus duration literals; two bounds are
//! compared when both are literals or both offsets of the same expression, which has
//! one value in one evaluation. `between A and B` selects `A <= at < B`, so nothing
//! when `A` is not before `B` (`between now - 7d and now - 30d`); `between` and
//! `since` select nothing when they start after `now` (`since now + 1d`). A bound of
//! a literal and one relative to `now` depends on `now` and is not reported. (`within`
//! a duration that is not longer than zero is an error, `E0022`.)
//!
//! ```
//! let program = funil::compile(r#"
//!     schema { event purchase { } }
//!     segment lately { exists(purchase between now - 7d and now - 30d) }
//!     segment earlier { exists(purchase between now - 30d and now - 7d) }
//! "#)?;
//! let lints = program.lints();
//! assert_eq!((lints.len(), lints[0].code(), lints[0].line()), (1, "W0009", 3));
//! # Ok::<(), funil::CompileError>(())
//! ```
//!
//! `W0010`: a condition that is always true: comparisons of a contact attribute that
//! is never null (its type is not optional), which every number satisfies (`age > 5
//! or age <= 5`, `age != 3 or age in [3]`). It is read where bare names are contact
//! attributes: segments, score `when` rules, decision arms, and a workflow's `enter
//! when`, `exit when`, `goal when`, `if` and `wait until` (not a reward's arms, nor
//! `enter on … where`, whose bare names are event props first); `contact.NAME` is
//! read the same. The literal `true` is taken as meant and not reported.
//!
//! ```
//! let program = funil::compile(r#"
//!     schema { contact { age: number  visits: number? } }
//!     segment everyone { age > 5 or age <= 5 }
//!     segment with_visits { visits > 5 or visits <= 5 }
//! "#)?;
//! let lints = program.lints();
//! assert_eq!((lints.len(), lints[0].code(), lints[0].line()), (1, "W0010", 3));
//! # Ok::<(), funil::CompileError>(())
//! ```
//!
//! # Diagnostics
//!
//! Every compile error and warning has a code, a message, a file name, a 1-based line
//! and column (columns count characters) and a byte span, often with help. They
//! render in rustc's layout:
//!
//! ```text
//! error[E0003]: unknown attribute `contry`
//!   --> rules.funil:10:3
//!    |
//! 10 |   contry == "BR"
//!    |   ^^^^^^ help: did you mean `country`?
//! ```
//!
//! A compile reports the first syntax error of every item; after one, parsing resumes
//! at the next line that starts with an item keyword. When there is any syntax error,
//! checking does not run. Otherwise the checker reports every independent error; an
//! expression that already failed is not reported again by the expressions around
//! it. Warnings never stop a compile. The codes ([`diagnostic::codes`](crate::diagnostic::codes)):
//!
//! | code | meaning |
//! |---|---|
//! | `E0001` | syntax: a token that does not fit the grammar, chained comparisons, an unparenthesised comparison in a query bound |
//! | `E0002` | a malformed literal: number, duration (units out of order), date, string escape, unterminated string, a lone `}` in a string |
//! | `E0003` | an unknown attribute (or, in an event's scope, an unknown prop); an event prop or `at` used outside a query; an unknown parameter in `param(…)` |
//! | `E0004` | an unknown event kind or group, in a query, a group declaration or a workflow's `enter on`; an unknown kind counted by a frequency cap |
//! | `E0005` | a field an event does not have, or a field of something that is not `first(…)`/`last(…)`; a metric grouped by a prop one of its kinds does not declare |
//! | `E0006` | a reference to a segment, score or decision that does not exist; a workflow that does not exist, named by an experiment's `split` or by `arm(…)` |
//! | `E0007` | an unknown function |
//! | `E0008` | wrong number or kind of arguments (an aggregate without a query, a named argument a function does not take, an action call missing a required argument, a population aggregate with no argument, …) |
//! | `E0009` | a type mismatch: operands, arguments (of functions and actions), conditions, decision arms, list elements, query bounds; a metric's group key that is a list or an event, or a prop of different types in the kinds it groups |
//! | `E0010` | a name declared twice (schema names, items and caps, props, action arguments, group members); a second `decay` or `clamp` in a score; a step label used twice, an action argument given twice, a second `reenter`, `exit when`, `goal when` or `window` in a workflow; an experiment clause written twice; a second frequency cap on one action, a second `defer` or `skip` line in a cap |
//! | `E0011` | items that reference each other in a cycle |
//! | `E0012` | a `matches` pattern that is not a valid regular expression, or compiles beyond the limit |
//! | `E0013` | nesting deeper than the limit |
//! | `E0014` | a source larger than the limit |
//! | `E0015` | a string literal longer than the limit |
//! | `E0016` | a list literal with more elements than the limit |
//! | `E0017` | a keyword where a name is needed |
//! | `E0018` | an unknown type name in the schema |
//! | `E0019` | an action the schema does not declare (in a workflow or a frequency cap), or an argument it does not take |
//! | `E0020` | `entered_at` outside a workflow (other misplaced names, such as a prop outside a query, are reported as `E0003` with a hint) |
//! | `E0021` | an `at:` that is not `now - DURATION`, or more distinct time-travel instants than the limit |
//! | `E0022` | something not allowed where it stands: a zero or negative window or half-life, reversed `clamp` bounds, `top P%` outside 0–100%, an event declaring the prop `at`, a reward or workflow depending on a batch-only item, a workflow without `enter`, split weights that are not multiples of 0.01% or do not add up to 100%, a zero wait, a send window opening and closing at the same time, two labels on one statement; an experiment without `split` or `converted when`, over a split of one arm or with an arm of 0%, whose `control` names no arm, whose `winner at` level is not strictly between 0% and 100%, or depending on a batch-only item; a frequency cap counting a group, without a limit, with a limit that is not a whole number from 1 or a window that is not longer than zero; in a metric's body, anything but numbers, parameters, population aggregates, `+ - * /`, `??` and the number functions; a metric grouped by `at`; a parameter that is not a `number` or `number?` |
//! | `E0023` | a duration literal that is not whole days, added to or subtracted from a date |
//! | `E0024` | no longer emitted: it marked rewards and workflows before they could be compiled (a code never changes meaning) |
//! | `E0025` | more items (segments, scores, decisions, rewards, workflows, experiments, frequency caps, metrics, across every source) than the limit |
//! | `E0026` | a split that does not exist, named by an experiment's `split` or by `arm(…)`: the workflow has no statement of that id, or the statement is not a `split` |
//! | `E0027` | something computed over a population where one contact is evaluated: a population aggregate (`total`, `mean`, `share`, `contacts`) or `param(…)` in a segment, score, decision, reward, workflow, metric key or inside another population aggregate; a metric's name given to `segment(…)`, `score(…)` or `decision(…)` |
//! | `E0028` | a per-contact value (an attribute, an event query, a field of `first`/`last`, an item reference) in a metric's body outside a population aggregate |
//! | `E0029` | not a compile error: a [`NotPushable`](crate::NotPushable) refusal of [`Program::to_sql`](crate::Program::to_sql), rendered the same way (see [SQL push-down](#sql-push-down)) |
//! | `E0030` | not a compile error: [`format`](crate::format) could not format a source faithfully (a formatter bug: it refuses rather than change the rules' meaning or drop a comment; see [Formatting source](#formatting-source)) |
//! | `W0001` | comparing a value that is never null with `null` |
//! | `W0002` | `is null` or `is not null` on a value that is never null |
//! | `W0003` | `??` after a value that is never null |
//! | `W0004` | lint: a decision's or reward's arm, or an `else`, that is never taken (see [Lints](#lints)) |
//! | `W0005` | lint: a condition that is never true |
//! | `W0006` | lint: a score's `max` below the points of one event |
//! | `W0007` | lint: a workflow statement that never runs (after `stop`, after an `if` or `split` whose every branch stops, in a workflow whose `exit when` or `goal when` is `true`) |
//! | `W0008` | lint: a helper (a segment, score or decision named with a leading `_`) that nothing uses |
//! | `W0009` | lint: an event query window that selects no event (`between` bounds reversed, a start after `now`) |
//! | `W0010` | lint: a condition that is always true (comparisons of a never-null attribute that every number satisfies) |
//!
//! # Limits
//!
//! The compiler refuses, with the code shown, input beyond the limits of
//! [`Limits`](crate::Limits):
//!
//! | limit | default | code |
//! |---|---|---|
//! | source size | 1 MiB | `E0014` |
//! | nesting depth | 128 | `E0013` |
//! | string literal | 64 KiB (after escapes) | `E0015` |
//! | list literal | 10,000 elements | `E0016` |
//! | compiled regular expression | 1 MiB | `E0012` |
//! | time-travel instants reachable from one item | 64 | `E0021` |
//! | items (segments, scores, decisions, rewards, workflows, experiments, frequency caps, metrics) across every source | 10,000 | `E0025` |
//! | events per contact (when the contact is built) | 1,000,000 | a `ContactError` |
//!
//! Each of these adds a level of nesting: parentheses, brackets, an item's or a
//! schema's braces, interpolation, a call's parentheses, prefix `not`, `-` and `+`,
//! each operator of a chain of `+ - * / ??`, and each `.field`. A chain of `and` or
//! `or` adds no level however long it is, and neither do chains of references between
//! items (a chain of thousands of items works).
//!
//! # Decisions where the specification is silent
//!
//! The specification asks that its silences be filled as a careful user would expect
//! and written down. These are the choices of this version.
//!
//! * **Calls.** A function is called only when `(` follows its name immediately.
//!   Otherwise `max` and `round` are keywords (they introduce a rule's cap and a
//!   reward's rounding), and `min` is an ordinary name.
//! * **Queries or numbers.** For `count exists sum avg min max first last`, a first
//!   argument that is a dotted name followed by `where`, `within`, `since`, `between`,
//!   `,` or `)` is read as an event query. `min(a, b)` and `max(a, b)` are the number
//!   functions when `a` names no event kind or group.
//! * **Depth of operator chains.** Besides parentheses, brackets, blocks, interpolation
//!   and prefix operators, each operator of a chain of `+ - * / ??` and each `.field`
//!   deepens the tree and counts toward the nesting limit; only `and`/`or` chains are
//!   free. So `a + b + …` with more than about 128 terms is rejected (`E0013`): write a
//!   sum of many terms as an aggregate, or split it across items.
//! * **Braces and raw strings.** In a string, a lone `}` is an error (write `}}`).
//!   `r"…"` raw strings have neither escapes nor interpolation. Titles and `matches`
//!   patterns never interpolate.
//! * **Duration and date literals.** The units of a duration decrease and each appears
//!   once (`1d2h`, not `2h1d`). A datetime literal may carry an offset and is stored in
//!   UTC. Literals have no fractional seconds.
//! * **`decide all` with `else`.** The `else` value is the one element of the list when
//!   no arm matches.
//! * **Ranked segments on one contact.** Asking for a ranked segment (or anything that
//!   references one) on a single contact is an [`EvalError`](crate::EvalError) of kind
//!   [`BatchOnly`](crate::EvalErrorKind::BatchOnly); `evaluate` and `segments` leave
//!   batch-only items out.
//! * **Batches.** Two contacts of a batch with the same id and the same key rank in
//!   input order. A ranked segment referenced with `at: now - D` ranks the batch as of
//!   that instant. A contact built against another schema fails the whole batch
//!   ([`SchemaMismatch`](crate::EvalErrorKind::SchemaMismatch)), since its absence
//!   would change every ranking.
//! * **Rewards.** Rewards share the one namespace of items but cannot be referenced
//!   (there is no `reward()` function). A null amount grants 0. Several `cap … per
//!   event` all apply; several `cap … per D` apply in order. The rolling cap's result
//!   is not rounded again. Triggers at one instant are granted in the contacts' event
//!   order. A grant keeps the places of its rounding (`5.00`); the JSON output prints
//!   numbers in their shortest form (`5`).
//! * **`null` as an operand.** `null` may stand on either side of an operator
//!   (`"a" + null` and `null + "a"` are null). Comparing a never-null value with `null`
//!   warns (`W0001`).
//! * **Event records.** `first(Q)`/`last(Q)` without a field can be tested with
//!   `is null` / `is not null`; fields are read directly from them
//!   (`last(purchase).amount`). Every other use of an event record is a type error
//!   (`E0009`).
//! * **Division may be null.** Since division by zero gives null, the result of `/` is
//!   typed as possibly null, so `x / y ?? 0` and `x / y is null` draw no warning.
//!   Other arithmetic is null only with a null operand (or, in the extreme, a result
//!   outside the decimal range).
//! * **Query bounds.** `since` and `between` bounds must be datetimes; a null bound
//!   selects nothing.
//! * **Time-travel instants.** `at:` in `segment`, `score` and `decision` must be `now`
//!   or `now - DURATION`, with a duration literal.
//! * **Nested queries.** Inside a nested query's `where`, the innermost event is in
//!   scope; the outer event's props are not reachable by bare name.
//! * **Syntax errors first.** Syntax errors of every item are reported; when there is
//!   any, checking does not run, so unknown-name errors caused by a broken item do not
//!   pile up.
//! * **Dates and durations.** In `date ± duration`, a literal duration must be whole
//!   days (`E0023`); a computed one is truncated toward zero to whole days.
//! * **Scores.** Per-event points that are null are skipped. `decay` applies to `per`
//!   rules only. The decay factor is computed in binary64, then rounded to 12 places
//!   half to even. Scores are rounded to 2 places, half away from zero.
//! * **`round`.** `round(n, places)` with `places` not a whole number from 0 to 28 gives
//!   null.
//! * **Strings.** Strings compare by Unicode code point; `len` counts characters
//!   (Unicode scalar values), not bytes.
//! * **Workflow entry.** Entry looks at the `enter` clauses and the re-entry policy
//!   only: a contact for whom `exit when` already holds enters, and the run exits at
//!   its first advance (as `enter on purchase` with a `since entered_at` goal reaches
//!   its goal at once). Of several `enter on` triggers the earliest wins, then the
//!   first of `new_events`; an `enter on` trigger earlier than `now` wins over
//!   `enter when`. `new_events` are indexes into the contact's events (which are in time
//!   order); an index out of range, or an event after `now`, is ignored. `enter on`
//!   accepts a group as well as a kind. A past run with no `ended_at` is active and
//!   blocks entry; past runs of other workflows are ignored. A new run never enters
//!   before the end of an earlier one, nor at the instant an earlier one entered.
//! * **`entered_at`** is a datetime in every expression of a workflow, `where` clauses
//!   and `enter on` filters included; an event prop of that name, in its query, comes
//!   first. Outside a workflow it is an error (`E0020`), unless the schema declares an
//!   attribute of that name; inside one, such an attribute is `contact.entered_at`.
//! * **Action calls.** Arguments are named and may come in any order; the action's
//!   declaration gives their types. An optional argument (`T?`) may be left out and is
//!   then null; a required one must be given, and given a value that cannot be null
//!   (`first_name ?? "friend"`, not `first_name`, for a `string`). An action's
//!   arguments are evaluated at the instant it is due, and [`Action`](crate::Action)
//!   lists them in declaration order.
//! * **Workflow headers.** A workflow needs at least one `enter` clause; `reenter`,
//!   `exit when`, `goal when` and `window` may each be written once (`E0010`).
//!   Workflows share the namespace of items but cannot be referenced.
//! * **Waits.** `wait D` and `max D` must be longer than zero. A `wait until` whose
//!   condition already holds when it is reached does not park. Conditions that change
//!   with the mere passing of time (`not exists(activity within 7d)`) are seen at the
//!   instants a run passes (its due instants and the contact's events); hosts that need
//!   them sooner advance more often. A call whose `now` is before the previous call's
//!   changes nothing; events reported late (with an `at` before the previous call) are
//!   seen by later evaluations but are not instants the run passes.
//! * **Windows.** `on mon..fri` is inclusive and may wrap (`fri..mon` is Friday to
//!   Monday). A local time that does not exist on a day (a daylight-saving gap) stands
//!   for the first minute after the gap, one that occurs twice for its first
//!   occurrence — for closing as for opening times. A window that opens and closes at
//!   the same time is an error rather than a guess between "never" and "always".
//! * **Statement ids and fingerprints.** `step a: step b: …` is an error: a statement
//!   has one label. An action inside a labelled `if` has a path below the label
//!   (`handoff.then.1`); a labelled action has the label as its id. The fingerprint is
//!   FNV-1a (64-bit) of the statement's canonical text (as `syntax::print_stmt` writes
//!   it, label excluded), so it changes with the statement and, for `if` and `split`,
//!   with the statements inside it. A state stores it as 16 hexadecimal digits.
//! * **Split arms** of 0% are allowed and never taken.
//! * **Experiments** ([above](#experiments)). Clauses come in any order, each once;
//!   only `split` and `converted when` are required. The split is named by its
//!   statement id in quotes, a path or a `step` label (a label replaces the path of
//!   its statement, so `"5"` does not name `step offer:` written fifth). A contact
//!   counts in the arm the hash gives it: the report does not see run states, so
//!   once a winner is sent, contacts reaching the split afterwards count in their
//!   hash arm though they were sent the winner — restrict `exposed when` to the test
//!   period (`exists(email.sent where … between @T0 and @T1)`), or report as of the
//!   instant the winner was decided. The winner rule needs every arm, the control
//!   included, to have `min` contacts (and at least one); the best arm is the one of
//!   highest rate compared exactly as fractions, the first of equals; a best arm
//!   that is not significant means no winner even when a lesser arm is. For more
//!   than two arms the comparisons are Bonferroni-corrected, the chi-square test is
//!   reported but does not decide, and the intervals stay at the stated level (they
//!   are not widened for the number of comparisons). p-values are compared strictly
//!   (`p < α`), as shown (6 significant digits). Without `winner at`, the tests use
//!   95% and no winner is named. A winner applies from its instant on, to runs that
//!   reach the split then or later, whenever they entered; a winner of another
//!   workflow is ignored, one that no longer fits the rules is an error rather than
//!   a guess. Entering a workflow takes no winners. Experiments are items, in the
//!   namespace of items, but cannot be referenced, and evaluation (`evaluate`, the
//!   `eval` command) leaves them out.
//! * **`arm(…)`** gives the hash's arm even for a contact who never reached the split
//!   and whatever winner was sent; it reads nothing that can change, so it never has
//!   a next change and appears in no `affected_by` answer.
//! * **Frequency caps** ([above](#frequency-caps)).
//!   * *An item of the rules, not of the schema.* A cap is policy, written and
//!     changed with the workflows, and one schema serves programs with different
//!     caps; so it is a top-level item, `cap NAME on ACTION counted by KIND { … }`,
//!     whose name shares the namespace of items (E0010 on the later of the two).
//!   * *One cap per action.* A second cap on an action is an error (E0010) rather
//!     than a guess at how two caps combine; one cap's limits all apply. A cap covers
//!     one action; two actions recorded as the same kind count each other (each cap
//!     counts the events of its kind, and the actions of the advance whose cap
//!     counts that kind). A cap on an action no workflow calls does nothing.
//!   * *One kind, recorded by the host.* The counted kind is one event kind, not a
//!     group (E0022): it is what the host records for each action it performs, at
//!     the action's `due`. A cap has no `where`: actions that should not be capped
//!     are declared as another action.
//!   * *The window* of `at most N per D` at `t` is `t - D < at <= t`, as `within D`;
//!     `N` is a whole number from 1 (`at most 0` would never allow the action: take it
//!     out of the workflows instead); the window is longer than zero.
//!   * *Defer by default; skip wins.* A limit without `then`, in a cap without a
//!     `defer`/`skip` line, defers: a message is late rather than lost. When several
//!     limits are over, the action is skipped if any of them says `skip`, else
//!     deferred until all allow it. A skipped action is not counted; a deferred one
//!     counts from the instant it is performed.
//!   * *When a deferred action is tried again:* at the instant it was deferred to —
//!     the first instant the cap allows it as far as the events visible when it was
//!     deferred tell, moved into the send window — not at events before it (they
//!     still wake the run for `exit when` and `goal when`). Events recorded meanwhile
//!     may defer it again; each deferral is reported. An instant past the last
//!     representable one defers it for good (`until` and `due` are none: only exit
//!     or goal end the run).
//!   * *What a held-back action reports:* its arguments as of the instant the cap
//!     held it back; a deferred action, once performed, is evaluated (arguments
//!     included) at the instant it is performed.
//!   * *The state.* A deferred run is parked at its action with the cap's name
//!     (`deferred_by`, left out of the JSON otherwise, so a state saved before caps
//!     reads the same). A run deferred by a cap that has since been taken out of the
//!     rules performs its action at the instant it was deferred to.
//!   * *What conditions see.* `exit when`, `goal when`, `if` and `wait until` see
//!     recorded events only: the actions a late call emits are counted by caps, but
//!     are no events to conditions (a condition reading the counted kind sees an
//!     action once the host has recorded it).
//!   * *Other workflows* are seen through recorded events by `advance`, and through
//!     what they emit by `advance_all`, which passes the runs' instants in one time
//!     order, at one instant in the order given; their capped actions are, for the
//!     other runs, instants passed, as the recorded events would be.
//!   * *Dependencies.* A workflow calling a capped action reads the counted kind
//!     (with `at`) and depends on now ([`Program::reads`](crate::Program::reads),
//!     [`Program::affected_by`](crate::Program::affected_by)).
//!   * *`simulate`* records each action it performs that a cap counts, at its
//!     instant, as an event of the cap's kind: its props are the action's arguments of
//!     the same name and type, others null when optional, else empty (`""`, `0`,
//!     `false`, `[]`, `0s`, the event's instant or its UTC date); these events are
//!     never reported as new (no `enter on` fires on them).
//! * **Explanations.** An explanation is refused as evaluation is: a workflow or a
//!   reward has no single value to explain (`WrongItemKind`), a ranked segment needs a
//!   batch (`BatchOnly`). The text form leaves out literals (their text is their value,
//!   a negative number included), the parts of a part that was not evaluated, and the
//!   line of a segment's condition when it is an `and`/`or` chain (its operands hang
//!   under the segment); it shows each part's text on one line, without comments, cut
//!   at 100 characters, at most five events on a query's line and ten under a score
//!   rule. The JSON form keeps everything, the text as written included. A comparison
//!   the compiler turned into a direct test of an attribute still shows its operands.
//!   An item's place is its name's; an arm's runs from `when` (or `else`) to the end of
//!   its value. A `per` rule's value is its contribution before the score is rounded
//!   (`9.53004912209`); the clamp's and the score's are rounded. In JSON, values are
//!   written as a contact's are: numbers that read back exactly as JSON numbers, others
//!   as decimal strings.
//! * **Contacts.** JSON numbers are read through their shortest decimal text, so
//!   `19.99` is exactly 19.99; decimal strings (`"19.99"`) are accepted for numbers and
//!   read exactly; datetimes take any RFC 3339 offset and are stored in UTC; events
//!   are sorted stably by `at`; `attributes`, `events` and `props` may be omitted when
//!   empty; fields the format does not define are rejected, at the top level and in
//!   events; an optional attribute may be absent or `null`; the event limit is checked
//!   before any event is read; the first error found is the one reported.
//! * **Next change** ([above](#next-change)). Events dated after `now` are left out
//!   (they are new input); a strict comparison that becomes true where two instants
//!   meet does so one nanosecond later; a search that finds no change in 2,000 steps
//!   answers the instant it reached, marked not exact.
//! * **Metrics** ([above](#metrics)). A metric is batch-only and cannot be referenced
//!   (no `metric()` function; a metric cannot use another metric's value: write the
//!   expression again). Its body is a number: no comparisons, strings or `now` at the
//!   population level. `total` of no value is 0, as `sum` of no event is; `mean` and
//!   `share` of nothing are null; a sum out of the decimal range is null, and so is a
//!   mean over it. Results keep the digits their arithmetic gives (a total of prices
//!   `150.00` is `150.00`; JSON prints it `150`); a division has up to 28 places. An
//!   ungrouped metric always has its one value; a grouped one has a value only for the
//!   keys that occur. Group keys are ordered null first, then ascending; numbers are
//!   keys by value, normalised (`1.50` is the group `1.5`). For `by PROP of KINDS`, the
//!   keys come from the events at or before `now` whatever their age (the metric's
//!   windows still apply to what its queries count), a contact is in one group per
//!   key, and the restriction to a key applies to the metric's own queries (nested
//!   ones included) on the grouping kinds only, never to referenced items. Aggregate
//!   arguments are evaluated as of the context's `now`. A parameter declared `number`
//!   must be given (`MissingParameter`) and one declared `number?` is null when left
//!   out, as attributes are; parameters are numbers only, read only at the population
//!   level, and left out of the schema's fingerprint. With `parallel`, per-contact
//!   work runs on all cores and the contributions are added in input order, so even
//!   a sum that rounds or overflows does so identically. In `MetricValue::to_json` a
//!   metric without `by` has no `group` field. The command line reads `--param
//!   NAME=VALUE` as a decimal; a contact line it cannot read is reported first, and
//!   the metrics are over the contacts it could read (exit code 1). `reads` and
//!   `affected_by` cover metrics (a prop grouped by is read); `explain` and
//!   `next_change` refuse them (`WrongItemKind`).
//! * **Dependencies** ([above](#dependencies)). `at` counts as a prop read when a rule
//!   looks at when events happened, first and last included; a change may name a
//!   group; `affected_by` lists rewards and workflows as well as segments, scores and
//!   decisions, a ranked segment when the key or filter it ranks by may change (and
//!   with it any contact's membership), and a workflow that depends on now for every
//!   event; a reward never depends on now; time travel depends on now only when the
//!   item travelled to reads events.
//!
//! A sum of more terms than the nesting limit allows, and the aggregate that replaces
//! it:
//!
//! ```
//! let schema = "schema { contact { n: number } event purchase { amount: number } }";
//! let terms = vec!["n"; 200].join(" + ");
//! let error = funil::compile(&format!("{schema} score s {{ when true => {terms} }}"))
//!     .unwrap_err();
//! assert_eq!(error.errors().next().map(|d| d.code()), Some("E0013"));
//!
//! let program = funil::compile(&format!("{schema} score s {{ per purchase => amount }}"))?;
//! assert_eq!(program.warnings().len(), 0);
//! # Ok::<(), funil::CompileError>(())
//! ```
