//! The `evaluate` target: a fixed program ([`SAMPLE`], over the schema of
//! [`crate::syntax::SCHEMA`]) evaluated for contacts built from arbitrary data —
//! attributes of every type, optional ones absent, null or set, events of every kind
//! at arbitrary instants — at an arbitrary `now` in an arbitrary time zone.
//!
//! Each check is one function called by [`check`]: every call must succeed on valid
//! contacts, and making it twice must give the same answer. A new API gets its check
//! by adding a function beside the others.

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use funil::{
    Compiler, Contact, ContactBuilder, Context, Decimal, EvalErrorKind, ItemKind, Program,
    RunState, Tz, Value,
};

/// The items of the program under test.
pub const SAMPLE: &str = include_str!("sample.funil");

/// At most this many contacts of one input are evaluated (as one batch).
const MAX_CONTACTS: usize = 4;

/// At most this many events of one contact are kept.
const MAX_EVENTS: usize = 48;

/// The instant arbitrary offsets count from: the spec's `now`, 2026-11-22T12:00:00Z.
const BASE_SECONDS: i64 = 1_795_348_800;

/// One fuzz input: the context and the contacts.
#[derive(Debug, Arbitrary)]
pub struct Input {
    now: Instant,
    zone: u16,
    contacts: Vec<ContactInput>,
}

/// An instant: most near the base (three in four), some anywhere chrono can
/// represent.
#[derive(Debug, Clone, Copy)]
enum Instant {
    /// Seconds and nanoseconds from the base (up to about 68 years either way).
    Near(i32, u32),
    /// Seconds from the Unix epoch, clamped to what chrono represents.
    Anywhere(i64),
    Min,
    Max,
}

impl<'a> Arbitrary<'a> for Instant {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=191 => Instant::Near(i32::arbitrary(u)?, u32::arbitrary(u)?),
            192..=223 => Instant::Anywhere(i64::arbitrary(u)?),
            224..=239 => Instant::Min,
            _ => Instant::Max,
        })
    }
}

/// Text: often one that the sample's rules look for, otherwise anything.
#[derive(Debug, Clone, Arbitrary)]
enum Text {
    Known(u8),
    Any(String),
}

/// A number: every decimal, from its parts; most with ten places or fewer.
#[derive(Debug, Clone, Copy, Arbitrary)]
struct Number {
    mantissa: (u32, u32, u32),
    negative: bool,
    scale: u8,
}

/// An optional attribute or prop: left out, given as null, or set.
#[derive(Debug, Clone, Arbitrary)]
enum Optional<T> {
    Absent,
    Null,
    Set(T),
}

#[derive(Debug, Arbitrary)]
struct ContactInput {
    id: String,
    email: Text,
    nickname: Optional<Text>,
    country: Optional<Text>,
    subscribed: bool,
    vip: Optional<bool>,
    total_spent: Number,
    credit: Optional<Number>,
    signup: i32,
    birthday: Optional<i32>,
    created_at: Instant,
    last_login: Optional<Instant>,
    session: (i64, u32),
    trial: Optional<(i64, u32)>,
    tags: Vec<Text>,
    lucky: Vec<Number>,
    events: Vec<EventInput>,
}

#[derive(Debug, Arbitrary)]
enum EventInput {
    Clicked(Instant, Text, Text),
    Viewed(Instant, Text, Optional<Number>),
    Purchase(Instant, Text, Number, Text, Optional<Text>),
    Abandoned(Instant, Number),
    Submitted(Instant, Text, Optional<bool>),
    Unsubscribed(Instant),
}

/// Strings the sample's rules compare with.
const KNOWN_TEXT: [&str; 12] = [
    "",
    "BR",
    "PT",
    "vip",
    "x",
    "ana@example.com",
    "https://shop.example/services",
    "/pricing/plans",
    "/shoes/red",
    "electronics",
    "Ação 😀",
    "  Spaces  ",
];

impl Instant {
    /// The instant; `Near` ones count from `base`.
    fn resolve(self, base: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Instant::Near(seconds, nanos) => {
                TimeDelta::new(i64::from(seconds), nanos % 1_000_000_000)
                    .and_then(|offset| base.checked_add_signed(offset))
                    .unwrap_or(base)
            }
            Instant::Anywhere(seconds) => {
                DateTime::from_timestamp(seconds, 0).unwrap_or(if seconds < 0 {
                    DateTime::<Utc>::MIN_UTC
                } else {
                    DateTime::<Utc>::MAX_UTC
                })
            }
            Instant::Min => DateTime::<Utc>::MIN_UTC,
            Instant::Max => DateTime::<Utc>::MAX_UTC,
        }
    }

    /// The instant, brought within the years a contact's datetimes may have (0000 to
    /// 9999, in UTC).
    fn in_contact(self, base: DateTime<Utc>) -> DateTime<Utc> {
        let first = NaiveDate::from_ymd_opt(0, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
        let last = NaiveDate::from_ymd_opt(9999, 12, 31)
            .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 999_999_999));
        let (Some(first), Some(last)) = (first, last) else {
            return base;
        };
        self.resolve(base).clamp(first.and_utc(), last.and_utc())
    }
}

impl Text {
    fn value(&self) -> Value {
        match self {
            Text::Known(index) => {
                let known = KNOWN_TEXT.get(usize::from(*index) % KNOWN_TEXT.len());
                Value::from(known.copied().unwrap_or_default())
            }
            Text::Any(text) => Value::from(text.as_str()),
        }
    }
}

impl Number {
    fn value(self) -> Value {
        let (lo, mid, hi) = self.mantissa;
        Value::Number(Decimal::from_parts(
            lo,
            mid,
            hi,
            self.negative,
            // Mostly ten places or fewer, which Arrow's canonical `Decimal128(38, 10)`
            // holds (so that the columnar check sees most contacts); any scale else.
            u32::from(if self.scale < 192 {
                self.scale % 11
            } else {
                self.scale % 29
            }),
        ))
    }
}

impl<T> Optional<T> {
    /// The value to set, if any: `Some(Value::Null)` for an explicit null.
    fn map(&self, value: impl FnOnce(&T) -> Value) -> Option<Value> {
        match self {
            Optional::Absent => None,
            Optional::Null => Some(Value::Null),
            Optional::Set(inner) => Some(value(inner)),
        }
    }
}

/// A date of a contact: any day of the years 0000 to 9999 (0000-01-01 is day -365
/// from the common era).
fn date(days: i32) -> Value {
    let day = days.rem_euclid(3_652_425) - 365;
    Value::Date(NaiveDate::from_num_days_from_ce_opt(day).unwrap_or_default())
}

/// Any duration chrono represents.
fn duration((seconds, nanos): (i64, u32)) -> Value {
    let limit = TimeDelta::MAX.num_seconds();
    // Three in four within about 285 years, which Arrow's canonical durations hold
    // (so that the columnar check sees most contacts); any length else.
    let seconds = if nanos % 4 == 0 {
        seconds.clamp(-limit, limit)
    } else {
        seconds % 9_000_000_000
    };
    let nanos = nanos % 1_000_000_000;
    Value::Duration(TimeDelta::new(seconds, nanos).unwrap_or(if seconds < 0 {
        TimeDelta::MIN
    } else {
        TimeDelta::MAX
    }))
}

impl ContactInput {
    fn build(&self, program: &Program, index: usize, now: DateTime<Utc>) -> Contact {
        let mut builder = program
            .contact(format!("c{index}-{}", self.id))
            .attribute("email", self.email.value())
            .attribute("subscribed", self.subscribed)
            .attribute("total_spent", self.total_spent.value())
            .attribute("signup", date(self.signup))
            .attribute(
                "created_at",
                Value::DateTime(self.created_at.in_contact(now)),
            )
            .attribute("session", duration(self.session))
            .attribute(
                "tags",
                Value::List(self.tags.iter().map(Text::value).collect()),
            )
            .attribute(
                "lucky",
                Value::List(self.lucky.iter().map(|n| n.value()).collect()),
            );
        let optional = [
            ("nickname", self.nickname.map(Text::value)),
            ("country", self.country.map(Text::value)),
            ("vip", self.vip.map(|b| Value::Bool(*b))),
            ("credit", self.credit.map(|n| n.value())),
            ("birthday", self.birthday.map(|days| date(*days))),
            (
                "last_login",
                self.last_login.map(|t| Value::DateTime(t.in_contact(now))),
            ),
            ("trial", self.trial.map(|d| duration(*d))),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                builder = builder.attribute(name, value);
            }
        }
        for event in self.events.iter().take(MAX_EVENTS) {
            builder = event.add_to(builder, now);
        }
        match builder.build() {
            Ok(contact) => contact,
            Err(error) => panic!("a contact built to fit the schema is refused: {error}"),
        }
    }
}

impl EventInput {
    fn add_to<'s>(&self, builder: ContactBuilder<'s>, now: DateTime<Utc>) -> ContactBuilder<'s> {
        let mut props = Vec::new();
        let mut optional = |name, value: Option<Value>| {
            if let Some(value) = value {
                props.push((name, value));
            }
        };
        let (kind, at) = match self {
            EventInput::Clicked(at, campaign, url) => {
                optional("campaign", Some(campaign.value()));
                optional("url", Some(url.value()));
                ("email.clicked", at)
            }
            EventInput::Viewed(at, path, seconds) => {
                optional("path", Some(path.value()));
                optional("seconds", seconds.map(|n| n.value()));
                ("page.viewed", at)
            }
            EventInput::Purchase(at, order, amount, category, coupon) => {
                optional("order_id", Some(order.value()));
                optional("amount", Some(amount.value()));
                optional("category", Some(category.value()));
                optional("coupon", coupon.map(Text::value));
                ("purchase", at)
            }
            EventInput::Abandoned(at, value) => {
                optional("value", Some(value.value()));
                ("cart.abandoned", at)
            }
            EventInput::Submitted(at, form, consent) => {
                optional("form", Some(form.value()));
                optional("consent", consent.map(|b| Value::Bool(*b)));
                ("form.submitted", at)
            }
            EventInput::Unsubscribed(at) => ("unsubscribed", at),
        };
        builder.event(kind, at.in_contact(now), props)
    }
}

/// The sample program, compiled once.
fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        match Compiler::new()
            .source("schema.funil", crate::syntax::SCHEMA)
            .source("sample.funil", SAMPLE)
            .compile()
        {
            Ok(program) => program,
            Err(error) => panic!("the sample program does not compile:\n{error}"),
        }
    })
}

/// Builds the input's contacts and runs every check on them.
pub fn check(input: &Input) {
    let program = program();
    let base = DateTime::from_timestamp(BASE_SECONDS, 0).unwrap_or_default();
    let now = input.now.resolve(base);
    let zone = chrono_tz::TZ_VARIANTS
        .get(usize::from(input.zone) % chrono_tz::TZ_VARIANTS.len())
        .copied()
        .unwrap_or(Tz::UTC);
    let context = Context::new(now).with_time_zone(zone);
    let contacts: Vec<Contact> = input
        .contacts
        .iter()
        .take(MAX_CONTACTS)
        .enumerate()
        .map(|(index, contact)| contact.build(program, index, now))
        .collect();
    for contact in &contacts {
        json_round_trip(program, contact);
        single(program, contact, &context);
        analyses(program, contact, &context);
        rewards(program, contact, &context);
        workflows(program, contact, &context);
    }
    batch(program, &contacts, &context);
    #[cfg(feature = "arrow")]
    crate::columnar::check(program, &contacts, &context);
}

/// Writing a contact as JSON and reading it back gives an equal contact.
fn json_round_trip(program: &Program, contact: &Contact) {
    let text = contact.to_json_string(program.schema());
    match program.contact_from_json(&text) {
        Ok(read) => assert_eq!(&read, contact, "the contact changed through JSON:\n{text}"),
        Err(error) => panic!("a contact's own JSON does not read back: {error}\n{text}"),
    }
    let value = contact.to_json_value(program.schema());
    match Contact::from_json_value(program.schema(), value) {
        Ok(read) => assert_eq!(&read, contact, "the contact changed through a JSON value"),
        Err(error) => panic!("a contact's own JSON value does not read back: {error}"),
    }
}

/// `evaluate` succeeds, twice alike, and agrees with asking for one segment.
fn single(program: &Program, contact: &Contact, context: &Context) {
    let evaluate = || match program.evaluate(contact, context) {
        Ok(evaluation) => evaluation,
        Err(error) => panic!("evaluating `{}` failed: {error}", contact.id()),
    };
    let first = evaluate();
    let second = evaluate();
    assert_eq!(first, second, "evaluating twice gave different results");
    assert_eq!(first.to_json(contact.id()), second.to_json(contact.id()));
    match program.segment("engaged", contact, context) {
        Ok(engaged) => assert_eq!(engaged, first.segments().iter().any(|s| s == "engaged")),
        Err(error) => panic!("segment `engaged` failed: {error}"),
    }
}

/// For every segment, score and decision that has a value for one contact: its
/// explanation gives the value evaluation gives and renders; its next change, if any,
/// is after `now`; what it reads is known. Batch-only items are refused as such.
fn analyses(program: &Program, contact: &Contact, context: &Context) {
    for (name, kind) in program.items() {
        if !matches!(
            kind,
            ItemKind::Segment | ItemKind::Score | ItemKind::Decision
        ) {
            continue;
        }
        if let Err(error) = program.reads(name) {
            panic!("reads of `{name}` failed: {error}");
        }
        let value = match kind {
            ItemKind::Segment => program.segment(name, contact, context).map(Value::Bool),
            ItemKind::Score => program.score(name, contact, context),
            _ => program.decision(name, contact, context),
        };
        let value = match value {
            Ok(value) => value,
            Err(error) if error.kind() == EvalErrorKind::BatchOnly => {
                let explained = program.explain(name, contact, context);
                assert!(explained.is_err(), "`{name}` is batch-only yet explained");
                continue;
            }
            Err(error) => panic!("evaluating `{name}` failed: {error}"),
        };
        match program.explain(name, contact, context) {
            Ok(explanation) => {
                assert_eq!(
                    explanation.value(),
                    &value,
                    "the explanation of `{name}` disagrees"
                );
                let _ = explanation.to_string();
            }
            Err(error) => panic!("explaining `{name}` failed: {error}"),
        }
        match program.next_change(name, contact, context) {
            Ok(Some(next)) => assert!(next.at() > context.now(), "`{name}` changes in the past"),
            Ok(None) => {}
            Err(error) => panic!("the next change of `{name}` failed: {error}"),
        }
    }
}

/// Every reward succeeds, twice alike.
fn rewards(program: &Program, contact: &Contact, context: &Context) {
    for name in ["cashback", "points"] {
        let grants = || match program.rewards(name, contact, context) {
            Ok(grants) => grants,
            Err(error) => panic!("reward `{name}` for `{}` failed: {error}", contact.id()),
        };
        assert_eq!(
            grants(),
            grants(),
            "reward `{name}` twice gave different grants"
        );
    }
}

/// Entry succeeds for every workflow, each run advances to `now`, twice alike, and
/// advancing through an instant halfway gives the same actions and end as advancing at
/// once (the sample's conditions depend on events only).
fn workflows(program: &Program, contact: &Contact, context: &Context) {
    let new_events: Vec<usize> = (0..contact.events().len()).collect();
    let runs = match program.enter_all(contact, context, &new_events, &[]) {
        Ok(runs) => runs,
        Err(error) => panic!("entering workflows for `{}` failed: {error}", contact.id()),
    };
    let advance = |run: &RunState, now: DateTime<Utc>| match program.advance(
        run,
        contact,
        &Context::new(now).with_time_zone(context.time_zone()),
    ) {
        Ok(advance) => advance,
        Err(error) => panic!("advancing `{}` failed: {error}", run.workflow()),
    };
    for run in &runs {
        let now = context.now();
        let once = advance(run, now);
        assert_eq!(
            once,
            advance(run, now),
            "advancing twice gave different results"
        );
        let halfway = run.entered_at() + (now - run.entered_at()) / 2;
        let first = advance(run, halfway);
        let second = advance(&first.state, now);
        let stepwise: Vec<_> = first.actions.iter().chain(&second.actions).collect();
        assert_eq!(
            stepwise,
            once.actions.iter().collect::<Vec<_>>(),
            "advancing `{}` in two steps gave other actions",
            run.workflow()
        );
        assert_eq!(
            second.status, once.status,
            "advancing in two steps ended otherwise"
        );
        assert_eq!(second.state.ended_at(), once.state.ended_at());
    }
}

/// The batch succeeds, twice alike, one evaluation per contact, each agreeing with the
/// single-contact evaluation on everything that is not batch-only.
fn batch(program: &Program, contacts: &[Contact], context: &Context) {
    let evaluate = || match program.evaluate_batch(contacts, context) {
        Ok(evaluations) => evaluations,
        Err(error) => panic!("evaluating the batch failed: {error}"),
    };
    let first = evaluate();
    assert_eq!(
        first,
        evaluate(),
        "evaluating the batch twice gave different results"
    );
    assert_eq!(first.len(), contacts.len());
    let batch_only = ["top_spenders", "top_share", "ranked_grade"];
    for (contact, batched) in contacts.iter().zip(&first) {
        let single = match program.evaluate(contact, context) {
            Ok(evaluation) => evaluation,
            Err(error) => panic!("evaluating `{}` failed: {error}", contact.id()),
        };
        let segments: Vec<&String> = batched
            .segments()
            .iter()
            .filter(|name| !batch_only.contains(&name.as_str()))
            .collect();
        assert_eq!(segments, single.segments().iter().collect::<Vec<_>>());
        assert!(
            batched.scores().eq(single.scores()),
            "a batch score differs"
        );
        let decisions = batched
            .decisions()
            .filter(|(name, _)| !batch_only.contains(name));
        assert!(decisions.eq(single.decisions()), "a batch decision differs");
    }
}
