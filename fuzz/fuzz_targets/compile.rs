//! Arbitrary bytes compiled after a fixed schema: the checker must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const SCHEMA: &str = r#"schema {
  contact { email: string  country: string?  stage: string  birthday: date?
            created_at: datetime  total_spent: number  tags: list<string> }
  event email.clicked { campaign: string, url: string }
  event purchase { order_id: string, amount: number, category: string }
  event page.viewed { path: string }
  group activity = email.clicked | page.viewed | purchase
}
"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = funil::Compiler::new()
        .source("schema.funil", SCHEMA)
        .source("rules.funil", text)
        .compile();
});
