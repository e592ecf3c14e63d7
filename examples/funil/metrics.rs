//! The `metrics` command: the rules' metrics over the whole contacts file, one JSON
//! line per metric and group (`funil::MetricValue::to_json`).
//!
//! `--param NAME=VALUE` (as often as needed) gives the schema's parameters, as
//! decimal numbers. A contact line that cannot be read prints its error line, in
//! input order, before the metrics, which are then computed over the contacts that
//! could be read; the exit code is 1.

use std::io::Write;

use funil::{Decimal, Params};

use super::{Output, Setup, fail, usage};

/// `metrics RULES... --contacts FILE --now T [--tz ZONE] [--param NAME=VALUE]...`.
pub fn run(args: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> i32 {
    let (params, args) = match params(args) {
        Ok(split) => split,
        Err(message) => return usage(stderr, &message),
    };
    let setup = match Setup::read("metrics", &args, &[], stderr) {
        Ok(setup) => setup,
        Err(code) => return code,
    };
    let (lines, contacts) = setup.read_contacts();
    let population =
        match setup
            .program
            .evaluate_population(contacts.iter().flatten(), &setup.context, &params)
        {
            Ok(population) => population,
            Err(error) => return fail(stderr, error),
        };
    let mut output = Output::new(stdout);
    for (line, contact) in lines.iter().zip(&contacts) {
        if let Err(error) = contact {
            output.error(line, error);
        }
    }
    for metric in population.metrics() {
        output.line(metric.to_json());
    }
    output.finish(stderr)
}

/// The `--param NAME=VALUE` options, taken out of `args`.
fn params(args: &[String]) -> Result<(Params, Vec<String>), String> {
    let mut params = Params::new();
    let mut rest = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg != "--param" {
            rest.push(arg.clone());
            continue;
        }
        let Some(pair) = args.next() else {
            return Err("`--param` needs `NAME=VALUE`".to_string());
        };
        let Some((name, value)) = pair.split_once('=') else {
            return Err(format!("`--param {pair}` is not `NAME=VALUE`"));
        };
        if params.get(name).is_some() {
            return Err(format!("parameter `{name}` given twice"));
        }
        let number: Decimal = value
            .trim()
            .parse()
            .map_err(|_| format!("`--param {pair}`: `{value}` is not a decimal number"))?;
        params.set(name, number);
    }
    Ok((params, rest))
}
