#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark whose database or fixed inputs fail cannot run"
)]
//! Issue 12: the quickstart's segments over 1,000,000 contacts with about 20,000,000
//! events in PostgreSQL, each pushed down (`Program::to_sql`), against exporting every
//! row and evaluating all the segments in process.
//!
//! It needs a server: `FUNIL_BENCH_DATABASE_URL` names it; unset, the bench prints why
//! it is skipped and exits 0. See BENCHMARKS.md, section 8, for starting one.
//!
//! ```text
//! FUNIL_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:54500/funil cargo bench --bench sql
//! ```
//!
//! The data lives in the schema `funil_bench`: made once (the quickstart's layout from
//! `Program::sql_schema`, with the index it recommends; contacts from a fixed-seed
//! generator, built with the program's builder and sent with
//! `Program::write_sql_copy_rows` through `COPY`, 10,000 contacts a chunk; then
//! `VACUUM (ANALYZE)`), and kept for later runs: a marker table records what was
//! loaded, and a run whose marker matches the generator reuses it. Drop the schema to
//! load it again. The server's database must sort text bytewise (`initdb
//! --no-locale`), as the export's merge of contacts and events by id needs.
//!
//! Before a segment is timed, the bench checks (once, untimed) that its query returns
//! exactly the contacts the in-process evaluation puts in it. One group, `sql`, whose
//! benches criterion's filter selects as usual (`-- 'push-down/dormant$'`):
//!
//! * `push-down/<segment>`: the segment's query, prepared once, run at the
//!   quickstart's instant (2026-11-22T12:00:00Z) in America/Sao_Paulo, every id
//!   fetched;
//! * `export and evaluate/all segments`: every contact row (`ORDER BY id`) and every
//!   event row (`ORDER BY contact_id`, on a second connection) streamed out, merged
//!   by contact, each contact built with the program's builder and evaluated with
//!   `Program::evaluate_into` (every segment, score and decision; one workspace kept),
//!   the ranked `most_engaged` resolved over all of them with a running top 3.
//!
//! A segment too slow for ten samples is checked and run once, without criterion,
//! with `FUNIL_BENCH_ONCE=big_spenders,most_engaged` (segment names, comma-separated).
//! `FUNIL_BENCH_CONTACTS=20000` makes a smaller data set, for a quick try (the marker
//! records the count; the default 1,000,000 is then loaded again).

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::io::Write as _;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use criterion::{Criterion, SamplingMode};
use funil::{
    ContactBuilder, Context, Decimal, Evaluation, ItemKind, Program, SqlOptions, Type, Value,
    Workspace,
};
use postgres::fallible_iterator::FallibleIterator as _;
use postgres::types::ToSql;
use postgres::{Client, NoTls};

#[path = "support/splitmix.rs"]
mod splitmix;

use splitmix::SplitMix64;

/// The quickstart's rules.
const RULES: &str = include_str!("../examples/data/quickstart.funil");

/// The environment variable naming the server.
const URL_VARIABLE: &str = "FUNIL_BENCH_DATABASE_URL";

/// Names segments (`a,b`) to check and run once each, without criterion: for those
/// too slow for ten samples.
const ONCE_VARIABLE: &str = "FUNIL_BENCH_ONCE";

/// The schema the data lives in.
const SCHEMA: &str = "funil_bench";

const CONTACTS: usize = 1_000_000;
/// Overrides [`CONTACTS`] (a multiple of [`CHUNK`]), for a quick try of the bench.
const CONTACTS_VARIABLE: &str = "FUNIL_BENCH_CONTACTS";
/// Contacts generated, built and sent per `COPY` chunk.
const CHUNK: usize = 10_000;
const SEED: u64 = 0x5EED_0012;
/// What the marker table records: change it whenever the generator changes, so that
/// data made by another generator is loaded again.
const GENERATOR: &str = "sql bench generator 1, seed 0x5EED0012";

/// The quickstart's instant and time zone.
const NOW: &str = "2026-11-22T12:00:00Z";
const ZONE: &str = "America/Sao_Paulo";

/// The quickstart's ranked segment and what it ranks by (`top 3 by score(engagement)
/// where not segment(soft_bouncers)`): resolved by the export's running top 3.
const RANKED: &str = "most_engaged";
const RANKED_TOP: usize = 3;
const RANKED_KEY: &str = "engagement";
const RANKED_EXCLUDED: &str = "soft_bouncers";

fn main() {
    let Ok(url) = std::env::var(URL_VARIABLE) else {
        eprintln!(
            "skipped the sql bench: {URL_VARIABLE} is not set (BENCHMARKS.md, section 8, \
             starts a server)"
        );
        return;
    };
    let mut criterion = Criterion::default().configure_from_args();
    sql(&mut criterion, &url);
    criterion.final_summary();
}

fn sql(c: &mut Criterion, url: &str) {
    let program =
        funil::compile(RULES).unwrap_or_else(|error| panic!("the rules do not compile:\n{error}"));
    let options = SqlOptions::new();
    let now: DateTime<Utc> = NOW.parse().unwrap();
    let context = Context::new(now).with_time_zone(ZONE.parse().unwrap());
    let segments: Vec<&str> = program
        .items()
        .filter(|(_, kind)| *kind == ItemKind::Segment)
        .map(|(name, _)| name)
        .collect();

    let contacts = match std::env::var(CONTACTS_VARIABLE) {
        Ok(n) => n.parse().expect("FUNIL_BENCH_CONTACTS is a number"),
        Err(_) => CONTACTS,
    };
    assert!(
        contacts % CHUNK == 0 && contacts > 0,
        "contacts come in chunks of {CHUNK}"
    );
    let mut client = connect(url);
    ensure_loaded(&mut client, url, &program, &options, contacts);

    let queries: Vec<_> = segments
        .iter()
        .map(|segment| {
            let query = program
                .to_sql(segment, &options)
                .unwrap_or_else(|refused| panic!("`{segment}` is not pushed down: {refused}"));
            client.prepare(query.text()).unwrap()
        })
        .collect();

    // Before a segment is timed, its query must return what the interpreter says:
    // the in-process answer is computed once, when the first segment selected (by
    // criterion's filter) needs it.
    let in_process: OnceCell<Vec<Vec<String>>> = OnceCell::new();
    let expected = |position: usize| -> BTreeSet<String> {
        let answer = in_process.get_or_init(|| {
            let started = Instant::now();
            let answer = export_and_evaluate(url, &program, &context, &segments, true);
            eprintln!(
                "export and evaluate (the untimed answer to check against): {:.1} s",
                started.elapsed().as_secs_f64()
            );
            let sizes: Vec<String> = segments
                .iter()
                .zip(&answer)
                .map(|(segment, ids)| format!("{segment} {}", ids.len()))
                .collect();
            eprintln!("in process: {}", sizes.join(", "));
            answer
        });
        answer[position].iter().cloned().collect()
    };

    // Checks the segment at `position` and gives how long its one run took.
    let check = |client: &mut Client, position: usize| -> Duration {
        let segment = segments[position];
        let expected = expected(position);
        let started = Instant::now();
        let ids = segment_ids(client, &queries[position], now);
        let elapsed = started.elapsed();
        let ids: BTreeSet<String> = ids.into_iter().collect();
        assert!(
            ids == expected,
            "`{segment}`: pushed down ({} contacts) and in process ({}) differ",
            ids.len(),
            expected.len()
        );
        eprintln!(
            "{segment}: {} contacts, the same as in process; one run {:.2} s",
            ids.len(),
            elapsed.as_secs_f64()
        );
        elapsed
    };

    // Segments too slow for criterion's ten samples: checked and run once each.
    if let Ok(names) = std::env::var(ONCE_VARIABLE) {
        for name in names.split(',') {
            let position = segments
                .iter()
                .position(|s| *s == name)
                .unwrap_or_else(|| panic!("{ONCE_VARIABLE}: no segment `{name}`"));
            check(&mut client, position);
        }
        return;
    }

    let mut group = c.benchmark_group("sql");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(5));
    for (position, segment) in segments.iter().enumerate() {
        let mut checked = false;
        group.bench_function(format!("push-down/{segment}"), |b| {
            if !checked {
                check(&mut client, position);
                checked = true;
            }
            b.iter(|| segment_ids(&mut client, &queries[position], now).len());
        });
    }
    group.bench_function("export and evaluate/all segments", |b| {
        b.iter(|| {
            export_and_evaluate(url, &program, &context, &segments, false)
                .iter()
                .map(Vec::len)
                .sum::<usize>()
        });
    });
    group.finish();
}

/// A connection whose search path is the bench's schema.
fn connect(url: &str) -> Client {
    let mut client = Client::connect(url, NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to {URL_VARIABLE}={url}: {e}"));
    client
        .batch_execute(&format!("SET search_path TO {SCHEMA}"))
        .unwrap();
    client
}

/// The ids a prepared segment query returns at `now` in [`ZONE`].
fn segment_ids(
    client: &mut Client,
    statement: &postgres::Statement,
    now: DateTime<Utc>,
) -> Vec<String> {
    client
        .query(statement, &[&now, &ZONE])
        .unwrap()
        .iter()
        .map(|row| row.get::<_, String>(0))
        .collect()
}

// Loading.

/// Loads the data unless the marker says it is there.
fn ensure_loaded(
    client: &mut Client,
    url: &str,
    program: &Program,
    options: &SqlOptions,
    wanted: usize,
) {
    let marker: Option<String> = client
        .query_one(
            "SELECT to_regclass($1)::text",
            &[&format!("{SCHEMA}.bench_marker")],
        )
        .unwrap()
        .get(0);
    if marker.is_some() {
        let row = client
            .query_one("SELECT generator, contacts, events FROM bench_marker", &[])
            .unwrap();
        let (generator, contacts, events): (String, i64, i64) =
            (row.get(0), row.get(1), row.get(2));
        if generator == GENERATOR && contacts == wanted as i64 {
            eprintln!(
                "reusing schema `{SCHEMA}`: {contacts} contacts, {events} events ({generator})"
            );
            return;
        }
        eprintln!(
            "schema `{SCHEMA}` holds other data ({contacts} contacts, {generator}): loading again"
        );
    }
    load(client, url, program, options, wanted);
}

/// Creates the layout and loads the generated contacts: one thread generates and
/// writes the rows of a chunk while this one sends the previous chunk, the contacts'
/// rows and the events' rows each through a `COPY` of its own connection.
fn load(client: &mut Client, url: &str, program: &Program, options: &SqlOptions, wanted: usize) {
    let started = Instant::now();
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}; \
             SET search_path TO {SCHEMA}"
        ))
        .unwrap();
    client
        .batch_execute(&program.sql_schema(options).unwrap())
        .unwrap();
    let (copy_contacts, copy_events) = program.sql_copy_statements(options);
    let (mut contacts_client, mut events_client) = (connect(url), connect(url));
    let mut contacts_writer = contacts_client.copy_in(copy_contacts.as_str()).unwrap();
    let mut events_writer = events_client.copy_in(copy_events.as_str()).unwrap();

    let (sender, receiver) = mpsc::sync_channel::<(String, String, usize)>(2);
    let (mut contacts, mut events) = (0_usize, 0_usize);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut generator = Generator::new(program);
            for chunk in 0..wanted / CHUNK {
                let (mut contact_rows, mut event_rows) = (String::new(), String::new());
                let mut count = 0;
                for index in chunk * CHUNK..(chunk + 1) * CHUNK {
                    let contact = generator.contact(index);
                    count += contact.events().len();
                    program
                        .write_sql_copy_rows(&contact, &mut contact_rows, &mut event_rows)
                        .unwrap();
                }
                if sender.send((contact_rows, event_rows, count)).is_err() {
                    return;
                }
            }
        });
        for (contact_rows, event_rows, count) in receiver {
            contacts_writer.write_all(contact_rows.as_bytes()).unwrap();
            events_writer.write_all(event_rows.as_bytes()).unwrap();
            contacts += CHUNK;
            events += count;
            if contacts % 100_000 == 0 {
                eprintln!(
                    "  loaded {contacts:>9} contacts, {events:>10} events, {:>6.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    });
    contacts_writer.finish().unwrap();
    events_writer.finish().unwrap();
    let copied = started.elapsed();
    for table in ["contacts", "events"] {
        client
            .batch_execute(&format!("VACUUM (ANALYZE) {table}"))
            .unwrap();
    }
    let (contacts, events) = (contacts as i64, events as i64);
    client
        .execute(
            "CREATE TABLE bench_marker (generator text, contacts bigint, events bigint, \
             copy_seconds float8, total_seconds float8)",
            &[],
        )
        .unwrap();
    let total = started.elapsed();
    client
        .execute(
            "INSERT INTO bench_marker VALUES ($1, $2, $3, $4, $5)",
            &[
                &GENERATOR,
                &contacts,
                &events,
                &copied.as_secs_f64(),
                &total.as_secs_f64(),
            ],
        )
        .unwrap();
    let size: String = client
        .query_one(
            "SELECT pg_size_pretty(pg_database_size(current_database()))",
            &[],
        )
        .unwrap()
        .get(0);
    eprintln!(
        "loaded {contacts} contacts and {events} events: generated and copied in {:.1} s, \
         with VACUUM (ANALYZE) {:.1} s; database {size}",
        copied.as_secs_f64(),
        total.as_secs_f64()
    );
}

const MICROS_PER_DAY: i64 = 86_400_000_000;
/// Events go back this far from the quickstart's instant.
const HISTORY_DAYS: i64 = 400;
/// The mean number of events besides `contact.created` (one each): about 20 in all.
const MEAN_EVENTS: f64 = 19.5;

const FIRST_NAMES: [&str; 12] = [
    "Ana", "João", "Maria", "Pedro", "Beatriz", "Lucas", "Sofia", "Miguel", "Júlia", "Tomás",
    "Inês", "Rafael",
];
const COUNTRIES: [(&str, f64); 7] = [
    ("BR", 40.0),
    ("PT", 15.0),
    ("AR", 10.0),
    ("US", 10.0),
    ("DE", 5.0),
    ("MX", 5.0),
    ("", 15.0), // null
];
const STAGES: [(&str, f64); 5] = [
    ("subscriber", 40.0),
    ("lead", 30.0),
    ("mql", 10.0),
    ("opportunity", 5.0),
    ("customer", 15.0),
];
const OWNERS: [&str; 5] = [
    "carla.dias",
    "rui.santos",
    "marta.lima",
    "paulo.reis",
    "sara.costa",
];
const TAGS: [&str; 5] = ["vip", "newsletter", "b2b", "black-friday", "beta"];
const PATHS: [&str; 12] = [
    "/",
    "/pricing",
    "/pricing/teams",
    "/pricing/enterprise",
    "/services",
    "/services/consulting",
    "/blog/black-friday",
    "/blog/how-to-choose",
    "/shoes/running",
    "/shoes/casual",
    "/electronics/laptops",
    "/about",
];
const FORMS: [&str; 4] = ["newsletter", "talk-to-sales", "demo-request", "contact"];
const ASSETS: [&str; 4] = [
    "services-guide.pdf",
    "pricing.pdf",
    "ebook-marketing.pdf",
    "case-study.pdf",
];
const TERMS: [&str; 6] = [
    "consulting",
    "support plan",
    "running shoes",
    "laptop",
    "gift card",
    "pricing",
];
const CATEGORIES: [&str; 5] = ["electronics", "shoes", "books", "home", "toys"];
const CAMPAIGNS: [&str; 6] = [
    "welcome-1",
    "pricing-1",
    "pricing-2",
    "launch",
    "black-friday",
    "news",
];

/// The event kinds besides `contact.created`, with their weights for an ordinary
/// contact; a bouncing address (3 % of contacts) bounces far more often.
const KINDS: [(&str, f64); 11] = [
    ("email.sent", 28.0),
    ("email.opened", 17.0),
    ("email.clicked", 6.0),
    ("email.bounced", 1.0),
    ("page.viewed", 27.0),
    ("form.submitted", 2.0),
    ("content.downloaded", 3.0),
    ("search.performed", 5.0),
    ("purchase", 4.0),
    ("cart.abandoned", 3.0),
    ("unsubscribed", 0.3),
];
const BOUNCED: usize = 3;
const BOUNCY_WEIGHT: f64 = 40.0;

/// Generates the contacts of the bench, built with the program's builder.
struct Generator<'p> {
    program: &'p Program,
    now_micros: i64,
    weights: Vec<f64>,
    bouncy_weights: Vec<f64>,
}

impl<'p> Generator<'p> {
    fn new(program: &'p Program) -> Generator<'p> {
        let now: DateTime<Utc> = NOW.parse().unwrap();
        let weights: Vec<f64> = KINDS.iter().map(|(_, w)| *w).collect();
        let mut bouncy_weights = weights.clone();
        bouncy_weights[BOUNCED] = BOUNCY_WEIGHT;
        Generator {
            program,
            now_micros: now.timestamp_micros(),
            weights,
            bouncy_weights,
        }
    }

    /// The contact `index`: `c-0000000` to `c-0999999`, so that ids sort as indexes.
    fn contact(&mut self, index: usize) -> funil::Contact {
        let mut random = SplitMix64(SEED ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let id = format!("c-{index:07}");
        let created =
            self.now_micros - random.between(1, (HISTORY_DAYS * MICROS_PER_DAY) as u64) as i64;
        // Active until now, or lapsed at some point since it was created.
        let last_active = if random.chance(0.55) {
            self.now_micros
        } else {
            created + random.between(0, (self.now_micros - created) as u64) as i64
        };
        let bouncy = random.chance(0.03);
        let weights = if bouncy {
            &self.bouncy_weights
        } else {
            &self.weights
        };
        let count = ((-(1.0 - random.unit()).ln() * MEAN_EVENTS) as usize).min(400);

        let mut builder = self.program.contact(id.as_str());
        builder = builder.event("contact.created", instant(created), []);
        let mut purchases = Decimal::ZERO;
        for k in 0..count {
            let at = instant(created + random.between(0, (last_active - created) as u64) as i64);
            let kind = KINDS[random.weighted(weights)].0;
            builder = match kind {
                "email.sent" | "email.opened" => {
                    builder.event(kind, at, [("campaign", campaign(&mut random))])
                }
                "email.clicked" => {
                    let url = format!("https://shop.example{}", random.pick(&PATHS));
                    builder.event(
                        kind,
                        at,
                        [
                            ("campaign", campaign(&mut random)),
                            ("url", Value::from(url)),
                        ],
                    )
                }
                "email.bounced" => {
                    let bounce = if random.chance(0.8) { "soft" } else { "hard" };
                    builder.event(
                        kind,
                        at,
                        [
                            ("campaign", campaign(&mut random)),
                            ("kind", Value::from(bounce)),
                        ],
                    )
                }
                "page.viewed" => {
                    builder.event(kind, at, [("path", Value::from(random.pick(&PATHS)))])
                }
                "form.submitted" => {
                    builder.event(kind, at, [("form", Value::from(random.pick(&FORMS)))])
                }
                "content.downloaded" => {
                    builder.event(kind, at, [("asset", Value::from(random.pick(&ASSETS)))])
                }
                "search.performed" => {
                    builder.event(kind, at, [("term", Value::from(random.pick(&TERMS)))])
                }
                "purchase" => {
                    let amount = money(&mut random);
                    purchases += amount;
                    builder.event(
                        kind,
                        at,
                        [
                            ("order_id", Value::from(format!("A-{index}-{k}"))),
                            ("amount", Value::from(amount)),
                            ("category", Value::from(random.pick(&CATEGORIES))),
                        ],
                    )
                }
                "cart.abandoned" => {
                    builder.event(kind, at, [("value", Value::from(money(&mut random)))])
                }
                _ => builder.event(kind, at, []),
            };
        }
        self.attributes(builder, &mut random, index, created, purchases)
            .build()
            .unwrap_or_else(|error| panic!("a generated contact does not build: {error}"))
    }

    fn attributes<'b>(
        &self,
        builder: ContactBuilder<'b>,
        random: &mut SplitMix64,
        index: usize,
        created: i64,
        purchases: Decimal,
    ) -> ContactBuilder<'b> {
        let domain = match random.weighted(&[85.0, 10.0, 5.0]) {
            0 => "example.com",
            1 => "example.org",
            _ => "mail.example",
        };
        let mut builder = builder
            .attribute("email", format!("user{index}@{domain}"))
            .attribute("created_at", instant(created));
        if random.chance(0.85) {
            builder = builder.attribute("first_name", random.pick(&FIRST_NAMES));
        }
        let country = COUNTRIES[random.weighted(&COUNTRIES.map(|(_, w)| w))].0;
        if !country.is_empty() {
            builder = builder.attribute("country", country);
        }
        let stage = STAGES[random.weighted(&STAGES.map(|(_, w)| w))].0;
        builder = builder.attribute("stage", stage);
        let owned = if matches!(stage, "mql" | "opportunity" | "customer") {
            0.6
        } else {
            0.05
        };
        if random.chance(owned) {
            builder = builder.attribute("owner", random.pick(&OWNERS));
        }
        if random.chance(0.7) {
            builder = builder.attribute("birthday", birthday(random));
        }
        // What it spent before the history kept here, for a fifth of the contacts.
        let earlier = if random.chance(0.2) {
            Decimal::new(random.between(0, 300_000) as i64, 2)
        } else {
            Decimal::ZERO
        };
        builder = builder.attribute("total_spent", purchases + earlier);
        let tags: Vec<&str> = TAGS
            .iter()
            .copied()
            .filter(|_| random.chance(0.15))
            .collect();
        builder.attribute("tags", tags)
    }
}

fn instant(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap()
}

fn campaign(random: &mut SplitMix64) -> Value {
    let campaign = random.pick(&CAMPAIGNS);
    if campaign == "news" {
        Value::from(format!("news-{}", random.between(1, 60)))
    } else {
        Value::from(campaign)
    }
}

/// An amount in cents from 5.00 to about 2,000.00, small amounts more likely.
fn money(random: &mut SplitMix64) -> Decimal {
    let cents = (500.0 * (400.0_f64).powf(random.unit())) as i64;
    Decimal::new(cents, 2)
}

/// A birthday from 1950 to 2006; one in 200 is a 29 February.
fn birthday(random: &mut SplitMix64) -> NaiveDate {
    if random.chance(0.005) {
        let year = 1952 + 4 * random.between(0, 13) as i32;
        return NaiveDate::from_ymd_opt(year, 2, 29).unwrap();
    }
    let year = random.between(1950, 2006) as i32;
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    let days = if first.leap_year() { 366 } else { 365 };
    first + chrono::Days::new(random.between(0, days - 1))
}

// Exporting and evaluating.

/// Streams every contact and event out of the database, builds each contact and
/// evaluates it: the ids of each segment of `segments`, in their order. With
/// `profile`, prints how much of the time went to evaluating the built contacts.
fn export_and_evaluate(
    url: &str,
    program: &Program,
    context: &Context,
    segments: &[&str],
    profile: bool,
) -> Vec<Vec<String>> {
    let started = Instant::now();
    let mut evaluating = Duration::ZERO;
    let schema = program.schema();
    let (mut contacts_client, mut events_client) = (connect(url), connect(url));

    // The contacts' columns, numbers as text (read exactly as decimals).
    let attributes: Vec<(&str, &Type)> = schema
        .attributes()
        .map(|(_, name, ty)| (name, ty))
        .collect();
    let columns: Vec<String> = attributes
        .iter()
        .map(|(name, ty)| match ty.non_optional() {
            Type::Number => format!("\"{name}\"::text"),
            _ => format!("\"{name}\""),
        })
        .collect();
    let contacts_query = format!(
        "SELECT id, {} FROM contacts ORDER BY id",
        columns.join(", ")
    );
    // The events' props, each as text in a column of its own (null where the kind has
    // no such prop): every prop of every kind, by name.
    let mut props: Vec<String> = Vec::new();
    for (kind, _) in schema.kinds() {
        for (name, _) in schema.props(kind) {
            if !props.iter().any(|p| p == name) {
                props.push(name.to_string());
            }
        }
    }
    let prop_columns: Vec<String> = props.iter().map(|p| format!(", props ->> '{p}'")).collect();
    let events_query = format!(
        "SELECT contact_id, seq, kind, at{} FROM events ORDER BY contact_id",
        prop_columns.concat()
    );

    let no_params = std::iter::empty::<&dyn ToSql>();
    let mut contact_rows = contacts_client
        .query_raw(contacts_query.as_str(), no_params)
        .unwrap();
    let no_params = std::iter::empty::<&dyn ToSql>();
    let mut event_rows = events_client
        .query_raw(events_query.as_str(), no_params)
        .unwrap();

    let mut members: Vec<Vec<String>> = vec![Vec::new(); segments.len()];
    let ranked = segments.iter().position(|s| *s == RANKED);
    let mut top: Vec<(Decimal, String)> = Vec::with_capacity(RANKED_TOP + 1);
    let (mut workspace, mut evaluation) = (Workspace::new(), Evaluation::new());
    let mut pending = event_rows.next().unwrap();
    let mut events: Vec<(i32, postgres::Row)> = Vec::new();
    let mut previous = String::new();
    while let Some(row) = contact_rows.next().unwrap() {
        let id: &str = row.get(0);
        assert!(
            previous.as_str() < id,
            "contacts out of bytewise order: `{previous}`, `{id}` (initdb --no-locale)"
        );
        previous.clear();
        previous.push_str(id);
        let mut builder = program.contact(id);
        for (i, (name, ty)) in attributes.iter().enumerate() {
            if let Some(value) = attribute(&row, i + 1, ty) {
                builder = builder.attribute(name, value);
            }
        }
        // This contact's events, in their original order.
        events.clear();
        while let Some(event) = pending.take() {
            let contact: &str = event.get(0);
            match contact.cmp(id) {
                std::cmp::Ordering::Equal => {
                    events.push((event.get(1), event));
                    pending = event_rows.next().unwrap();
                }
                std::cmp::Ordering::Greater => {
                    pending = Some(event);
                    break;
                }
                std::cmp::Ordering::Less => {
                    panic!("events of `{contact}` out of order or without a contact")
                }
            }
        }
        events.sort_unstable_by_key(|(seq, _)| *seq);
        for (_, event) in &events {
            let kind: &str = event.get(2);
            let at: DateTime<Utc> = event.get(3);
            let kind_id = schema.kind(kind).unwrap();
            let values = schema.props(kind_id).map(|(name, ty)| {
                let column = 4 + props.iter().position(|p| p == name).unwrap();
                (name, prop(event.get(column), ty))
            });
            builder = builder.event(kind, at, values.filter(|(_, v)| !v.is_null()));
        }
        let contact = builder.build().unwrap();
        let evaluated = profile.then(Instant::now);
        program
            .evaluate_into(&contact, context, &mut workspace, &mut evaluation)
            .unwrap();
        for (segment, ids) in segments.iter().zip(members.iter_mut()) {
            if evaluation.segments().iter().any(|s| s == segment) {
                ids.push(contact.id().to_string());
            }
        }
        if ranked.is_some() && !evaluation.segments().iter().any(|s| s == RANKED_EXCLUDED) {
            let key = evaluation
                .scores()
                .find(|(name, _)| *name == RANKED_KEY)
                .and_then(|(_, value)| value.as_number());
            if let Some(key) = key {
                // Descending by key, ties to the smaller id (which comes later here).
                let place = top.iter().position(|(k, _)| key > *k).unwrap_or(top.len());
                if place < RANKED_TOP {
                    top.insert(place, (key, contact.id().to_string()));
                    top.truncate(RANKED_TOP);
                }
            }
        }
        if let Some(evaluated) = evaluated {
            evaluating += evaluated.elapsed();
        }
    }
    assert!(pending.is_none(), "events without a contact");
    if let Some(ranked) = ranked {
        members[ranked] = top.into_iter().map(|(_, id)| id).collect();
    }
    if profile {
        eprintln!(
            "export and evaluate: {:.1} s, of which evaluating the built contacts \
             (evaluate_into and the top 3) {:.1} s",
            started.elapsed().as_secs_f64(),
            evaluating.as_secs_f64()
        );
    }
    members
}

/// Column `column` of a contact row as a value of type `ty`, `None` for null.
fn attribute(row: &postgres::Row, column: usize, ty: &Type) -> Option<Value> {
    match ty.non_optional() {
        Type::String => row.get::<_, Option<&str>>(column).map(Value::from),
        Type::Number => row
            .get::<_, Option<&str>>(column)
            .map(|text| Value::from(text.parse::<Decimal>().unwrap())),
        Type::Bool => row.get::<_, Option<bool>>(column).map(Value::from),
        Type::Date => row.get::<_, Option<NaiveDate>>(column).map(Value::from),
        Type::DateTime => row.get::<_, Option<DateTime<Utc>>>(column).map(Value::from),
        Type::List(element) if **element == Type::String => {
            row.get::<_, Option<Vec<String>>>(column).map(Value::from)
        }
        other => panic!("the bench reads no attribute of type {other}"),
    }
}

/// A prop read as text (`props ->> 'name'`) as a value of type `ty`.
fn prop(text: Option<&str>, ty: &Type) -> Value {
    match (text, ty.non_optional()) {
        (None, _) => Value::Null,
        (Some(text), Type::String) => Value::from(text),
        (Some(text), Type::Number) => Value::from(text.parse::<Decimal>().unwrap()),
        (Some(_), other) => panic!("the bench reads no prop of type {other}"),
    }
}
