//! "Did you mean …?" suggestions for misspelt names.
//!
//! The distance is Damerau-Levenshtein in its optimal-string-alignment form (insert,
//! delete, substitute or swap two adjacent chars, each costing 1), counted in chars
//! and case-sensitive. A candidate is suggested when it is within distance 2 of the
//! name and the distance is less than the name's length.

/// The largest distance at which a candidate is suggested.
const MAX_DISTANCE: usize = 2;

/// Names longer than this many chars get no suggestion, which bounds the work.
const MAX_NAME_CHARS: usize = 64;

/// The candidate closest to `name`, if one is close enough; ties go to the first.
///
/// ```
/// use funil::diagnostic::did_you_mean;
///
/// let attributes = ["email", "country", "plan"];
/// assert_eq!(did_you_mean("contry", attributes), Some("country"));
/// assert_eq!(did_you_mean("emial", attributes), Some("email"));
/// assert_eq!(did_you_mean("zzz", attributes), None);
/// ```
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let name: Vec<char> = name.chars().take(MAX_NAME_CHARS + 1).collect();
    if name.len() > MAX_NAME_CHARS {
        return None;
    }
    let limit = MAX_DISTANCE.min(name.len().saturating_sub(1));
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        // A candidate much longer than the name cannot be close; don't read all of it.
        let chars: Vec<char> = candidate.chars().take(name.len() + limit + 1).collect();
        if chars.len().abs_diff(name.len()) > limit {
            continue;
        }
        let distance = osa_distance(&name, &chars);
        if distance <= limit && best.is_none_or(|(closest, _)| distance < closest) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The help text "did you mean `CANDIDATE`?" for the closest candidate, if any.
///
/// ```
/// use funil::diagnostic::help_did_you_mean;
///
/// let help = help_did_you_mean("contry", ["email", "country"]);
/// assert_eq!(help.as_deref(), Some("did you mean `country`?"));
/// ```
pub fn help_did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    did_you_mean(name, candidates).map(|candidate| format!("did you mean `{candidate}`?"))
}

/// Optimal-string-alignment distance between `a` and `b`.
fn osa_distance(a: &[char], b: &[char]) -> usize {
    // Three rows of the classic table: two rows back (for swaps), the last, the current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut last: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    let at = |row: &[usize], j: usize| row.get(j).copied().unwrap_or(usize::MAX);
    for (i, &ca) in a.iter().enumerate() {
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut best = (at(&last, j + 1).saturating_add(1))
                .min(at(&current, j).saturating_add(1))
                .min(at(&last, j).saturating_add(cost));
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(&cb) && b.get(j - 1) == Some(&ca);
            if swapped {
                best = best.min(at(&before, j - 1).saturating_add(1));
            }
            if let Some(cell) = current.get_mut(j + 1) {
                *cell = best;
            }
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut current);
    }
    at(&last, b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        osa_distance(&a, &b)
    }

    #[test]
    fn distances() {
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("", "ab"), 2);
        assert_eq!(distance("contry", "country"), 1);
        assert_eq!(distance("emial", "email"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("ca", "abc"), 3); // OSA, not full Damerau (which gives 2)
        assert_eq!(distance("país", "pais"), 1);
        assert_eq!(distance("Plan", "plan"), 1);
    }

    #[test]
    fn suggests_within_two() {
        let names = ["email", "country", "plan", "signup_at"];
        assert_eq!(did_you_mean("contry", names), Some("country"));
        assert_eq!(did_you_mean("emial", names), Some("email"));
        assert_eq!(did_you_mean("cuntri", names), Some("country"));
        assert_eq!(did_you_mean("PLAN", names), None); // 4 substitutions
        assert_eq!(did_you_mean("Plan", names), Some("plan"));
        assert_eq!(did_you_mean("cntr", names), None); // distance 3
        assert_eq!(did_you_mean("anything", []), None);
    }

    #[test]
    fn short_names_do_not_match_everything() {
        assert_eq!(did_you_mean("x", ["y", "ab"]), None);
        assert_eq!(did_you_mean("ab", ["xy", "a"]), Some("a"));
        assert_eq!(did_you_mean("", ["a"]), None);
    }

    #[test]
    fn ties_go_to_the_first_candidate() {
        assert_eq!(did_you_mean("plam", ["plan", "plat"]), Some("plan"));
        assert_eq!(did_you_mean("plam", ["plat", "plan"]), Some("plat"));
        assert_eq!(did_you_mean("plam", ["plxx", "plat", "plan"]), Some("plat"));
    }

    #[test]
    fn long_inputs_are_cheap() {
        let long = "a".repeat(65);
        assert_eq!(did_you_mean(&long, [long.as_str()]), None);
        let sixty_four = "a".repeat(64);
        let huge = "a".repeat(1_000_000);
        assert_eq!(did_you_mean(&sixty_four, [huge.as_str()]), None);
        assert_eq!(
            did_you_mean(&sixty_four, [sixty_four.as_str()]),
            Some(sixty_four.as_str())
        );
    }

    #[test]
    fn help_text() {
        assert_eq!(
            help_did_you_mean("contry", ["country"]).as_deref(),
            Some("did you mean `country`?")
        );
        assert_eq!(help_did_you_mean("zzz", ["country"]), None);
    }
}
