#![allow(
    clippy::panic,
    reason = "a benchmark whose fixed inputs do not load cannot run"
)]
//! Compiling: parse, check and assemble the quickstart rules, and generated rule files
//! of about 256 KiB and just under 1 MiB (the default `Limits::max_source_bytes`), to
//! show that compile time grows linearly with the source.

use std::fmt::Write;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const QUICKSTART: &str = include_str!("../examples/data/quickstart.funil");

/// The quickstart's schema block: generated rules use its contacts and events.
fn schema() -> &'static str {
    let end = QUICKSTART.find("\n}\n").map_or(QUICKSTART.len(), |i| i + 3);
    QUICKSTART.get(..end).unwrap_or(QUICKSTART)
}

/// One group of generated rules: two segments, a score and a decision, numbered `n`,
/// referring to the group before it.
fn write_group(out: &mut String, n: usize) {
    let previous = n.saturating_sub(1);
    let _ = write!(
        out,
        r#"
segment clicked_{n} "Clicked campaign {n}" {{
  count(email.clicked where campaign == "news-{n}" and url contains "/offer/{n}" within 30d) >= 2
  and country in ["BR", "PT", "AR"] and not segment(dormant_{previous})
}}
segment dormant_{n} {{ not exists(activity within {days}d) and total_spent < {n} }}
score interest_{n} {{
  per page.viewed where path starts_with "/products/{n}" within 14d => +5 max 25
  when segment(clicked_{n}) => +20
  when sum(purchase within 365d, amount) >= 100 => floor(total_spent / 100)
  decay half_life 30d
  clamp 0 to 100
}}
decide offer_{n} {{
  when score(interest_{n}) >= 50 and first_name is not null => "Olá, {{first_name}}: offer {n}"
  when score(interest_{n}, at: now - 7d) >= 30 => "reminder-{n}"
  else => "none"
}}
"#,
        days = 30 + n % 60,
    );
}

/// A rule file of at most `limit` bytes: the schema, then as many groups as fit.
fn generated(limit: usize) -> String {
    let mut text = String::from(schema());
    let mut group = String::new();
    for n in 0.. {
        group.clear();
        write_group(&mut group, n);
        if text.len() + group.len() > limit {
            break;
        }
        text.push_str(&group);
    }
    text
}

fn compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("quickstart", |b| {
        b.iter(|| black_box(funil::compile(QUICKSTART).is_ok()))
    });
    for limit in [256 * 1024, 1024 * 1024] {
        let text = generated(limit);
        if let Err(error) = funil::compile(&text) {
            panic!("the generated rules do not compile:\n{error}");
        }
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("generated", text.len()),
            &text,
            |b, text| b.iter(|| black_box(funil::compile(text).is_ok())),
        );
    }
    group.finish();
}

criterion_group!(benches, compile);
criterion_main!(benches);
