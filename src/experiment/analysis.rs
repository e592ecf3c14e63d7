//! The tests of an experiment, from the counts of each arm: rates, each arm against
//! the control (a two-proportion z-test and a confidence interval of the difference),
//! the chi-square test over every arm, and the winner rule.
//!
//! Counts and rates are exact; the statistics are computed in binary64 and rounded
//! for the report ([`super::round`]). The winner is decided on the rounded p-values the
//! report shows, so a reader can check it.

use rust_decimal::Decimal;

use super::stats::{chi_square_survival, normal_quantile, two_sided_p};
use super::{ArmReport, ChiSquare, Comparison, round};

/// What the tests are run with.
pub(super) struct Rule {
    /// The index of the control arm.
    pub control: usize,
    /// The confidence level, a fraction in (0, 1).
    pub level: Decimal,
    /// The contacts every arm needs for a winner; none: no winner is ever named.
    pub min_contacts: Option<u64>,
}

/// The counts of one arm.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Counts {
    pub contacts: u64,
    pub conversions: u64,
}

/// Everything the report says after the counts.
pub(super) struct Analysis {
    pub arms: Vec<ArmReport>,
    pub alpha: Decimal,
    pub comparisons: usize,
    pub chi_square: Option<ChiSquare>,
    pub winner: Option<usize>,
}

/// Runs every test over `counts` (one per arm, in order; `weights` as percentages).
pub(super) fn analyse(counts: &[Counts], weights: &[Decimal], rule: &Rule) -> Analysis {
    let comparisons = counts.len().saturating_sub(1).max(1);
    let alpha = (Decimal::ONE - rule.level)
        .checked_div(Decimal::from(comparisons))
        .unwrap_or(Decimal::ZERO);
    let control = counts.get(rule.control).copied().unwrap_or_default();
    let arms: Vec<ArmReport> = counts
        .iter()
        .zip(weights.iter().chain(std::iter::repeat(&Decimal::ZERO)))
        .enumerate()
        .map(|(index, (arm, weight))| ArmReport {
            arm: index,
            weight: *weight,
            contacts: arm.contacts,
            conversions: arm.conversions,
            rate: rate(*arm).map(round::exact),
            versus_control: (index != rule.control)
                .then(|| compare(*arm, control, rule.level, alpha)),
        })
        .collect();
    let chi_square = (counts.len() > 2).then(|| chi_square(counts));
    let winner = winner(counts, &arms, rule);
    Analysis {
        arms,
        alpha,
        comparisons,
        chi_square,
        winner,
    }
}

/// `conversions / contacts`, exact to the precision of a decimal; none without
/// contacts.
fn rate(counts: Counts) -> Option<Decimal> {
    Decimal::from(counts.conversions).checked_div(Decimal::from(counts.contacts))
}

/// A rate in binary64.
fn rate_f64(counts: Counts) -> f64 {
    counts.conversions as f64 / counts.contacts as f64
}

/// One arm against the control.
fn compare(arm: Counts, control: Counts, level: Decimal, alpha: Decimal) -> Comparison {
    let (Some(arm_rate), Some(control_rate)) = (rate(arm), rate(control)) else {
        return Comparison::default();
    };
    let difference = arm_rate.checked_sub(control_rate).map(round::exact);
    let (p1, p2) = (rate_f64(arm), rate_f64(control));
    let (n1, n2) = (arm.contacts as f64, control.contacts as f64);
    // The z-test pools the two arms under the null hypothesis of equal rates.
    let pooled = (arm.conversions as f64 + control.conversions as f64) / (n1 + n2);
    let pooled_se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    let z = (pooled_se > 0.0).then(|| (p1 - p2) / pooled_se);
    let p_value = z.map(two_sided_p).and_then(round::significant);
    // The interval does not: Wald's, with each arm's own variance.
    let se = (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2).sqrt();
    let one_minus_level = 1.0 - decimal_f64(level);
    let critical = normal_quantile(1.0 - one_minus_level / 2.0);
    let d = p1 - p2;
    let low = (d - critical * se).max(-1.0);
    let high = (d + critical * se).min(1.0);
    let interval = round::places(low).zip(round::places(high));
    Comparison {
        difference,
        z: z.and_then(round::places),
        p_value,
        interval,
        significant: p_value.is_some_and(|p| p < alpha),
    }
}

/// Pearson's chi-square test of independence of arm and conversion, over every arm
/// (no continuity correction); the statistic and p-value are none when an arm has no
/// contact or when every contact, or none, converted.
fn chi_square(counts: &[Counts]) -> ChiSquare {
    let degrees_of_freedom = counts.len().saturating_sub(1) as u64;
    let total: f64 = counts.iter().map(|c| c.contacts as f64).sum();
    let converted: f64 = counts.iter().map(|c| c.conversions as f64).sum();
    let defined = counts.iter().all(|c| c.contacts > 0) && converted > 0.0 && converted < total;
    if !defined {
        return ChiSquare {
            statistic: None,
            degrees_of_freedom,
            p_value: None,
        };
    }
    let mut statistic = 0.0;
    for arm in counts {
        let n = arm.contacts as f64;
        let x = arm.conversions as f64;
        let expected_yes = n * converted / total;
        let expected_no = n - expected_yes;
        statistic += (x - expected_yes).powi(2) / expected_yes;
        statistic += ((n - x) - expected_no).powi(2) / expected_no;
    }
    ChiSquare {
        statistic: round::places(statistic),
        degrees_of_freedom,
        p_value: round::significant(chi_square_survival(statistic, degrees_of_freedom)),
    }
}

/// The winner: with at least `min` contacts in every arm, the arm of highest rate
/// (the first of equals) if it is significantly better than the control, or the
/// control if it is significantly better than every other arm.
fn winner(counts: &[Counts], arms: &[ArmReport], rule: &Rule) -> Option<usize> {
    let min = rule.min_contacts?.max(1);
    if counts.len() < 2 || counts.iter().any(|c| c.contacts < min) {
        return None;
    }
    // Rates compared exactly, as fractions: a/b > c/d when a·d > c·b.
    let better = |a: &Counts, b: &Counts| {
        u128::from(a.conversions) * u128::from(b.contacts)
            > u128::from(b.conversions) * u128::from(a.contacts)
    };
    let mut best = 0;
    for (index, arm) in counts.iter().enumerate() {
        if counts.get(best).is_some_and(|current| better(arm, current)) {
            best = index;
        }
    }
    let significant = |arm: &ArmReport| arm.versus_control.as_ref().is_some_and(|c| c.significant);
    if best == rule.control {
        arms.iter()
            .filter(|arm| arm.arm != rule.control)
            .all(significant)
            .then_some(best)
    } else {
        arms.get(best).filter(|arm| significant(arm)).map(|_| best)
    }
}

/// A decimal in binary64 (a level, a fraction with few digits: exact enough).
fn decimal_f64(value: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    value.to_f64().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::{Counts, Rule, analyse};

    fn counts(arms: &[(u64, u64)]) -> Vec<Counts> {
        arms.iter()
            .map(|(conversions, contacts)| Counts {
                contacts: *contacts,
                conversions: *conversions,
            })
            .collect()
    }

    fn rule(control: usize, level: &str, min: Option<u64>) -> Rule {
        Rule {
            control,
            level: level.parse().unwrap(),
            min_contacts: min,
        }
    }

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    /// R 4.2.2, `prop.test(c(120, 100), c(1000, 1000), correct = FALSE)`:
    /// X-squared = 2.0429009193054135 (z = 1.429300849823232), p-value =
    /// 0.1529177818639457, 95% interval [-0.0074114819980199385, 0.047411481998019922].
    #[test]
    fn two_arms_match_rs_prop_test() {
        let analysis = analyse(
            &counts(&[(100, 1000), (120, 1000)]),
            &[d("50"), d("50")],
            &rule(0, "0.95", Some(1000)),
        );
        let control = &analysis.arms[0];
        assert_eq!(control.rate, Some(d("0.1")));
        assert!(control.versus_control.is_none());
        let arm = &analysis.arms[1];
        assert_eq!(arm.rate, Some(d("0.12")));
        let versus = arm.versus_control.as_ref().unwrap();
        assert_eq!(versus.difference, Some(d("0.02")));
        assert_eq!(versus.z, Some(d("1.429301")));
        assert_eq!(versus.p_value, Some(d("0.152918")));
        assert_eq!(versus.interval, Some((d("-0.007411"), d("0.047411"))));
        assert!(!versus.significant);
        assert_eq!(analysis.winner, None);
        assert!(analysis.chi_square.is_none());
        assert_eq!((analysis.alpha, analysis.comparisons), (d("0.05"), 1));
    }

    /// R 4.2.2, `prop.test(c(260, 200), c(2000, 2000), correct = FALSE)`: z =
    /// 2.9737242826234098, p-value = 0.0029420930704592775, interval
    /// [0.010249047029535809, 0.049750952970464189]; at `conf.level = 0.99`,
    /// [0.0040428478096362803, 0.055957152190363721].
    #[test]
    fn a_significant_arm_wins_once_every_arm_has_enough_contacts() {
        let arms = counts(&[(200, 2000), (260, 2000)]);
        let weights = [d("50"), d("50")];
        let analysis = analyse(&arms, &weights, &rule(0, "0.95", Some(2000)));
        let versus = analysis.arms[1].versus_control.clone().unwrap();
        assert_eq!(versus.z, Some(d("2.973724")));
        assert_eq!(versus.p_value, Some(d("0.00294209")));
        assert_eq!(versus.interval, Some((d("0.010249"), d("0.049751"))));
        assert!(versus.significant);
        assert_eq!(analysis.winner, Some(1));
        // One contact short in an arm: no winner yet.
        assert_eq!(
            analyse(&arms, &weights, &rule(0, "0.95", Some(2001))).winner,
            None
        );
        // No winner rule: never a winner.
        assert_eq!(
            analyse(&arms, &weights, &rule(0, "0.95", None)).winner,
            None
        );
        // At 99%, the interval widens.
        let strict = analyse(&arms, &weights, &rule(0, "0.99", Some(10)));
        let versus = strict.arms[1].versus_control.clone().unwrap();
        assert_eq!(versus.interval, Some((d("0.004043"), d("0.055957"))));
        assert_eq!(strict.winner, Some(1));
        // The control is the better arm: it wins, with the other arm as control's
        // challenger (the difference is negative).
        let flipped = analyse(
            &counts(&[(260, 2000), (200, 2000)]),
            &weights,
            &rule(0, "0.95", Some(100)),
        );
        let versus = flipped.arms[1].versus_control.clone().unwrap();
        assert_eq!(versus.z, Some(d("-2.973724")));
        assert_eq!(versus.difference, Some(d("-0.03")));
        assert_eq!(flipped.winner, Some(0));
    }

    /// OpenIntro Statistics (4th edition, §6.2.3), the CPR and blood-thinner study:
    /// 14 of 40 survived with the treatment, 11 of 50 in the control group; the
    /// standard error of the difference is 0.095 and the 95% confidence interval
    /// (-0.06, 0.32). R's `prop.test(c(14, 11), c(40, 50), correct = FALSE)` gives
    /// [-0.057168864171688705, 0.317168864171688658] and p = 0.17124619271648384.
    #[test]
    fn the_textbook_example_of_a_difference_of_two_proportions() {
        let analysis = analyse(
            &counts(&[(11, 50), (14, 40)]),
            &[d("50"), d("50")],
            &rule(0, "0.95", Some(1)),
        );
        let versus = analysis.arms[1].versus_control.clone().unwrap();
        assert_eq!(versus.difference, Some(d("0.13")));
        let (low, high) = versus.interval.unwrap();
        assert_eq!((low.round_dp(2), high.round_dp(2)), (d("-0.06"), d("0.32")));
        assert_eq!((low, high), (d("-0.057169"), d("0.317169")));
        assert_eq!(versus.p_value, Some(d("0.171246")));
        assert_eq!(analysis.winner, None);
    }

    /// R 4.2.2, `chisq.test(cbind(x, n - x), correct = FALSE)` with x = (100, 120,
    /// 150), n = 1000 each: X-squared = 11.715137190422361, df = 2, p-value =
    /// 0.002858184644948818; and `prop.test(c(150, 100), c(1000, 1000), correct =
    /// FALSE)` for the best arm against the control: p = 0.00075… < 0.05 / 2.
    #[test]
    fn three_arms_add_the_chi_square_test_and_bonferroni() {
        let analysis = analyse(
            &counts(&[(100, 1000), (120, 1000), (150, 1000)]),
            &[d("33.33"), d("33.33"), d("33.34")],
            &rule(0, "0.95", Some(1000)),
        );
        let chi = analysis.chi_square.clone().unwrap();
        assert_eq!(chi.statistic, Some(d("11.715137")));
        assert_eq!(chi.degrees_of_freedom, 2);
        assert_eq!(chi.p_value, Some(d("0.00285818")));
        assert_eq!((analysis.alpha, analysis.comparisons), (d("0.025"), 2));
        assert_eq!(analysis.winner, Some(2));
        assert_eq!(analysis.arms[2].weight, d("33.34"));
        // R: x = (50, 52, 49, 61), n = (700, 690, 710, 705): X-squared =
        // 1.8199853406162891, df = 3, p-value = 0.61059558885903831.
        let four = analyse(
            &counts(&[(50, 700), (52, 690), (49, 710), (61, 705)]),
            &[d("25"); 4],
            &rule(1, "0.95", Some(1)),
        );
        let chi = four.chi_square.clone().unwrap();
        assert_eq!(chi.statistic, Some(d("1.819985")));
        assert_eq!(chi.degrees_of_freedom, 3);
        assert_eq!(chi.p_value, Some(d("0.610596")));
        assert_eq!(four.winner, None);
        assert!(four.arms[1].versus_control.is_none());
    }

    /// A p-value below the stated level but not below it divided by the comparisons
    /// does not win: with three arms, 0.05 / 2.
    #[test]
    fn bonferroni_holds_back_a_marginal_winner() {
        // R: prop.test(c(126, 100), c(1000, 1000), correct = FALSE)$p.value = 0.0697…;
        // prop.test(c(131, 100), …) = 0.0299… (below 0.05, above 0.025).
        let analysis = analyse(
            &counts(&[(100, 1000), (105, 1000), (131, 1000)]),
            &[d("33.33"), d("33.33"), d("33.34")],
            &rule(0, "0.95", Some(1)),
        );
        let versus = analysis.arms[2].versus_control.clone().unwrap();
        let p = versus.p_value.unwrap();
        assert!(p < d("0.05") && p > d("0.025"), "{p}");
        assert!(!versus.significant);
        assert_eq!(analysis.winner, None);
        // The same two arms alone: significant at 95%.
        let two = analyse(
            &counts(&[(100, 1000), (131, 1000)]),
            &[d("50"), d("50")],
            &rule(0, "0.95", Some(1)),
        );
        assert_eq!(two.winner, Some(1));
    }

    #[test]
    fn undefined_statistics_are_none_and_never_win() {
        // An arm without contacts.
        let analysis = analyse(
            &counts(&[(0, 0), (5, 10)]),
            &[d("50"), d("50")],
            &rule(0, "0.95", Some(0)),
        );
        assert_eq!(analysis.arms[0].rate, None);
        let versus = analysis.arms[1].versus_control.clone().unwrap();
        assert_eq!(versus, super::Comparison::default());
        assert_eq!(analysis.winner, None);
        // Nobody converted: the pooled variance is zero.
        let none = analyse(
            &counts(&[(0, 100), (0, 100), (0, 100)]),
            &[d("33.33"), d("33.33"), d("33.34")],
            &rule(0, "0.95", Some(1)),
        );
        let versus = none.arms[1].versus_control.clone().unwrap();
        assert_eq!((versus.z, versus.p_value), (None, None));
        assert_eq!(versus.difference, Some(d("0")));
        assert_eq!(versus.interval, Some((d("0"), d("0"))));
        assert_eq!(none.chi_square.unwrap().statistic, None);
        assert_eq!(none.winner, None);
        // A rate of 1/3 is rounded to 12 places.
        let thirds = analyse(
            &counts(&[(1, 3), (2, 3)]),
            &[d("50"), d("50")],
            &rule(1, "0.95", None),
        );
        assert_eq!(thirds.arms[0].rate, Some(d("0.333333333333")));
        assert_eq!(
            thirds.arms[0].versus_control.clone().unwrap().difference,
            Some(d("-0.333333333333"))
        );
        // R: prop.test(c(3, 1), c(4, 4), correct = FALSE): the interval is clipped
        // at 1, as R clips it.
        let clipped = analyse(
            &counts(&[(1, 4), (3, 4)]),
            &[d("50"), d("50")],
            &rule(0, "0.95", None),
        );
        let versus = clipped.arms[1].versus_control.clone().unwrap();
        assert_eq!(versus.interval, Some((d("-0.100114"), d("1"))));
        assert_eq!(versus.p_value, Some(d("0.157299")));
    }
}
