//! scratch
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let rules = std::fs::read_to_string(path).unwrap();
    match funil::compile(&rules) { Ok(p) => { for w in p.warnings() { println!("{w}\n"); } println!("ok") }, Err(e) => println!("{e}") }
}
