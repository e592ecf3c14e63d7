//! The 1,000,000 contacts and the rules of the batch benches (`batch`,
//! `columnar_batch`, `columnar_memory`), shared so that all three measure the same
//! work: a score of four rules, `top 1% by score(engagement)`, an ordinary segment
//! and a decision reading both, over contacts from a fixed-seed generator.

use funil::{Contact, Decimal, Program};

#[path = "splitmix.rs"]
mod splitmix;

use splitmix::SplitMix64;

/// The rules: the items each bench evaluates.
pub const RULES: &str = r#"
schema {
  contact {
    country: string
    score: number
    stage: string
    total_spent: number
    clicks_30d: number
    days_since_last_activity: number
  }
}

score engagement {
  when clicks_30d >= 3 => +20
  when clicks_30d >= 10 => +30
  when days_since_last_activity < 30 => +25
  when total_spent > 1000.0 => +15
}

segment top_engaged { top 1% by score(engagement) }

segment lusophone_leads {
  (country == "BR" or country == "PT") and score >= 60 and stage != "customer"
}

decide channel {
  when segment(top_engaged) => "call"
  when segment(lusophone_leads) => "whatsapp"
  else => "email"
}
"#;

/// How many contacts [`generate`] builds.
pub const CONTACTS: usize = 1_000_000;
const SEED: u64 = 0xBA7C_4000;
const COUNTRIES: [&str; 5] = ["BR", "PT", "US", "DE", "FR"];
const STAGES: [&str; 4] = ["lead", "mql", "sql", "customer"];

/// The contacts, built for a program compiled from [`RULES`], the same at every run.
pub fn generate(program: &Program) -> Vec<Contact> {
    let mut random = SplitMix64(SEED);
    (0..CONTACTS)
        .map(|index| {
            let built = program
                .contact(format!("c-{index}"))
                .attribute("country", random.pick(&COUNTRIES))
                .attribute("score", random.between(0, 200))
                .attribute("stage", random.pick(&STAGES))
                .attribute(
                    "total_spent",
                    Decimal::new(random.between(0, 500_000) as i64, 2),
                )
                .attribute("clicks_30d", random.between(0, 20))
                .attribute("days_since_last_activity", random.between(0, 365))
                .build();
            built.unwrap_or_else(|error| panic!("a generated contact does not build: {error}"))
        })
        .collect()
}
