//! The distribution functions the tests of an experiment need, in IEEE binary64:
//! the complementary error function (and with it the standard normal distribution),
//! the normal quantile, and the chi-square survival function.
//!
//! * [`erfc`]: W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev
//!   approximations for the error function", Mathematics of Computation 23 (1969),
//!   631–638; the coefficients of his CALERF), with his splitting of `exp(-x²)`.
//!   Relative error below 1e-14 wherever the result is a normal number (checked
//!   below against mpmath at 50 digits; Cody bounds the approximations themselves
//!   near 1e-18). The normal tail `Φ(-x) = erfc(x/√2)/2` adds the rounding of `x/√2`,
//!   which the tail's steepness turns into a relative error of about `x²·1.1e-16`
//!   (checked against R's `pnorm`).
//! * [`normal_quantile`]: M. J. Wichura's algorithm AS 241 (PPND16, Applied
//!   Statistics 37 (1988), 477–484), relative error about 1e-16.
//! * [`chi_square_survival`]: the regularised upper incomplete gamma function
//!   `Q(k/2, x/2)`, by its power series below `a + 1` and Lentz's continued fraction
//!   above, with the Lanczos approximation of `ln Γ` (g = 7, nine terms). Relative
//!   error below 1e-12 for the degrees of freedom and statistics an experiment meets
//!   (checked below against R's `pchisq`).
//!
//! Only `+ - * /`, `sqrt`, `exp` and `ln` are used; the first five are correctly
//! rounded on every platform, `exp` and `ln` come from the platform's mathematics
//! library, which may differ in the last bit: that is why the report rounds what it
//! shows (see [`super::round`]).

// The published coefficients are written with all their digits, more than binary64
// keeps: the compiler rounds each to the nearest double, and the source can be
// checked against the papers digit for digit.
#![expect(
    clippy::excessive_precision,
    reason = "coefficients are written as published"
)]

/// `1/√π`.
const FRAC_1_SQRT_PI: f64 = 5.6418958354775628695e-1;

/// Cody's coefficients for `erf` on `|x| <= 0.46875`.
const A: [f64; 5] = [
    3.16112374387056560e00,
    1.13864154151050156e02,
    3.77485237685302021e02,
    3.20937758913846947e03,
    1.85777706184603153e-1,
];
const B: [f64; 4] = [
    2.36012909523441209e01,
    2.44024637934444173e02,
    1.28261652607737228e03,
    2.84423683343917062e03,
];
/// Cody's coefficients for `erfc` on `0.46875 < |x| <= 4`.
const C: [f64; 9] = [
    5.64188496988670089e-1,
    8.88314979438837594e00,
    6.61191906371416295e01,
    2.98635138197400131e02,
    8.81952221241769090e02,
    1.71204761263407058e03,
    2.05107837782607147e03,
    1.23033935479799725e03,
    2.15311535474403846e-8,
];
const D: [f64; 8] = [
    1.57449261107098347e01,
    1.17693950891312499e02,
    5.37181101862009858e02,
    1.62138957456669019e03,
    3.29079923573345963e03,
    4.36261909014324716e03,
    3.43936767414372164e03,
    1.23033935480374942e03,
];
/// Cody's coefficients for `erfc` on `|x| > 4`.
const P: [f64; 6] = [
    3.05326634961232344e-1,
    3.60344899949804439e-1,
    1.25781726111229246e-1,
    1.60837851487422766e-2,
    6.58749161529837803e-4,
    1.63153871373020978e-2,
];
const Q: [f64; 5] = [
    2.56852019228982242e00,
    1.87295284992346047e00,
    5.27905102951428412e-1,
    6.05183413124413191e-2,
    2.33520497626869185e-3,
];

/// Past this, `erfc(x)` is below the smallest binary64 number: 0.
const ERFC_ZERO_BEYOND: f64 = 26.543;

/// The complementary error function, `erfc(x) = 1 - erf(x)`.
pub(crate) fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let y = x.abs();
    let upper = if y <= 0.46875 {
        let z = if y > 1.11e-16 { y * y } else { 0.0 };
        let mut num = A[4] * z;
        let mut den = z;
        for (a, b) in A.iter().zip(B.iter()).take(3) {
            num = (num + a) * z;
            den = (den + b) * z;
        }
        // erf(y) directly; erfc(x) = 1 - erf(x).
        let erf = y * (num + A[3]) / (den + B[3]);
        return if x < 0.0 { 1.0 + erf } else { 1.0 - erf };
    } else if y <= 4.0 {
        let mut num = C[8] * y;
        let mut den = y;
        for (c, d) in C.iter().zip(D.iter()).take(7) {
            num = (num + c) * y;
            den = (den + d) * y;
        }
        scaled_exp(y) * ((num + C[7]) / (den + D[7]))
    } else if y < ERFC_ZERO_BEYOND {
        let z = 1.0 / (y * y);
        let mut num = P[5] * z;
        let mut den = z;
        for (p, q) in P.iter().zip(Q.iter()).take(4) {
            num = (num + p) * z;
            den = (den + q) * z;
        }
        let r = z * (num + P[4]) / (den + Q[4]);
        scaled_exp(y) * ((FRAC_1_SQRT_PI - r) / y)
    } else {
        0.0
    };
    if x < 0.0 { 2.0 - upper } else { upper }
}

/// `exp(-y²)`, computed as Cody does, `exp(-ŷ²)·exp(-(y - ŷ)(y + ŷ))` with `ŷ` the
/// value of `y` cut to a sixteenth, so that squaring `y` loses no accuracy.
fn scaled_exp(y: f64) -> f64 {
    let cut = (y * 16.0).trunc() / 16.0;
    let rest = (y - cut) * (y + cut);
    (-cut * cut).exp() * (-rest).exp()
}

/// The standard normal distribution function `Φ(x)` (the tests check `erfc` through
/// it; the report needs only [`two_sided_p`]).
#[cfg(test)]
pub(crate) fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// The two-sided p-value of a standard normal statistic: `P(|Z| >= |z|)`.
pub(crate) fn two_sided_p(z: f64) -> f64 {
    erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// Wichura's AS 241 coefficients, `|p - 0.5| <= 0.425`.
const QA: [f64; 8] = [
    3.3871328727963666080e0,
    1.3314166789178437745e+2,
    1.9715909503065514427e+3,
    1.3731693765509461125e+4,
    4.5921953931549871457e+4,
    6.7265770927008700853e+4,
    3.3430575583588128105e+4,
    2.5090809287301226727e+3,
];
const QB: [f64; 8] = [
    1.0,
    4.2313330701600911252e+1,
    6.8718700749205790830e+2,
    5.3941960214247511077e+3,
    2.1213794301586595867e+4,
    3.9307895800092710610e+4,
    2.8729085735721942674e+4,
    5.2264952788528545610e+3,
];
/// The intermediate tail, `r = sqrt(-ln(min(p, 1 - p))) <= 5`.
const QC: [f64; 8] = [
    1.42343711074968357734e0,
    4.63033784615654529590e0,
    5.76949722146069140550e0,
    3.64784832476320460504e0,
    1.27045825245236838258e0,
    2.41780725177450611770e-1,
    2.27238449892691845833e-2,
    7.74545014278341407640e-4,
];
const QD: [f64; 8] = [
    1.0,
    2.05319162663775882187e0,
    1.67638483018380384940e0,
    6.89767334985100004550e-1,
    1.48103976427480074590e-1,
    1.51986665636164571966e-2,
    5.47593808499534494600e-4,
    1.05075007164441684324e-9,
];
/// The far tail, `r > 5`.
const QE: [f64; 8] = [
    6.65790464350110377720e0,
    5.46378491116411436990e0,
    1.78482653991729133580e0,
    2.96560571828504891230e-1,
    2.65321895265761230930e-2,
    1.24266094738807843860e-3,
    2.71155556874348757815e-5,
    2.01033439929228813265e-7,
];
const QF: [f64; 8] = [
    1.0,
    5.99832206555887937690e-1,
    1.36929880922735805310e-1,
    1.48753612908506148525e-2,
    7.86869131145613259100e-4,
    1.84631831751005468180e-5,
    1.42151175831644588870e-7,
    2.04426310338993978564e-15,
];

/// `c[0] + c[1]·x + … + c[7]·x⁷`, by Horner's rule.
fn polynomial(c: &[f64; 8], x: f64) -> f64 {
    c.iter()
        .rev()
        .fold(0.0, |sum, coefficient| sum * x + coefficient)
}

/// The standard normal quantile: the `x` with `Φ(x) = p`, for `0 < p < 1` (NaN
/// otherwise).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * polynomial(&QA, r) / polynomial(&QB, r);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let r = (-tail.ln()).sqrt();
    let value = if r <= 5.0 {
        let r = r - 1.6;
        polynomial(&QC, r) / polynomial(&QD, r)
    } else {
        let r = r - 5.0;
        polynomial(&QE, r) / polynomial(&QF, r)
    };
    if q < 0.0 { -value } else { value }
}

/// The Lanczos coefficients (g = 7, n = 9).
const LANCZOS: [f64; 9] = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
];

/// `ln Γ(a)` for `a >= 0.5` (the shapes of chi-square distributions).
fn ln_gamma(a: f64) -> f64 {
    let z = a - 1.0;
    let mut sum = LANCZOS[0];
    for (i, coefficient) in LANCZOS.iter().enumerate().skip(1) {
        sum += coefficient / (z + i as f64);
    }
    let t = z + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (z + 0.5) * t.ln() - t + sum.ln()
}

/// Terms of the series and the continued fraction before giving up (never reached
/// for the shapes an experiment has: both converge in a few dozen terms).
const MAX_TERMS: usize = 10_000;

/// The regularised upper incomplete gamma function `Q(a, x) = Γ(a, x) / Γ(a)`, for
/// `a > 0`.
fn upper_gamma(a: f64, x: f64) -> f64 {
    if x.is_nan() || a.is_nan() || a <= 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    let prefactor = (a * x.ln() - x - ln_gamma(a)).exp();
    if x < a + 1.0 {
        // P(a, x) = e^-x x^a / Γ(a + 1) · Σ x^n / ((a + 1)…(a + n)).
        let mut term = 1.0 / a;
        let mut sum = term;
        for n in 1..MAX_TERMS {
            term *= x / (a + n as f64);
            sum += term;
            if term.abs() < sum.abs() * f64::EPSILON {
                break;
            }
        }
        (1.0 - sum * prefactor).clamp(0.0, 1.0)
    } else {
        // Lentz's method for Q(a, x) = e^-x x^a / Γ(a) · 1/(x + 1 - a - 1·(1 - a)/(x + 3 - a - …)).
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut fraction = d;
        for n in 1..MAX_TERMS {
            let n = n as f64;
            let an = -n * (n - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let delta = d * c;
            fraction *= delta;
            if (delta - 1.0).abs() < f64::EPSILON {
                break;
            }
        }
        (fraction * prefactor).clamp(0.0, 1.0)
    }
}

/// The chi-square survival function: `P(X >= x)` for `X` chi-square with
/// `degrees_of_freedom` degrees of freedom (at least 1).
pub(crate) fn chi_square_survival(x: f64, degrees_of_freedom: u64) -> f64 {
    upper_gamma(degrees_of_freedom as f64 / 2.0, x / 2.0)
}

#[cfg(test)]
mod tests {
    use super::{chi_square_survival, erfc, normal_cdf, normal_quantile, two_sided_p};

    fn close(actual: f64, expected: f64, relative: f64) {
        let error = if expected == 0.0 {
            actual.abs()
        } else {
            ((actual - expected) / expected).abs()
        };
        assert!(
            error <= relative,
            "{actual:e} is not {expected:e} (relative error {error:e})"
        );
    }

    /// `pnorm(x)` of R 4.2.2 (`sprintf("%.17g", pnorm(x))`), across all three of
    /// Cody's intervals and both signs.
    #[test]
    fn the_normal_distribution_matches_r() {
        let cases = [
            (-8.0, 6.220_960_574_271_784_9e-16),
            (-3.5, 0.000_232_629_079_035_524_94),
            (-1.96, 0.024_997_895_148_220_428),
            (-0.5, 0.308_537_538_725_986_94),
            (0.0, 0.5),
            (0.3, 0.617_911_422_188_952_67),
            (1.0, 0.841_344_746_068_542_93),
            (2.5, 0.993_790_334_674_223_84),
            (5.0, 0.999_999_713_348_428_08),
            (10.0, 1.0),
        ];
        for (x, expected) in cases {
            close(normal_cdf(x), expected, 1e-14);
        }
        // `pnorm(x, lower.tail = FALSE)`: the upper tail, down to 1e-161.
        let upper = [
            (0.1, 0.460_172_162_722_971_01),
            (1.0, 0.158_655_253_931_457_05),
            (3.0, 0.001_349_898_031_630_094_6),
            (6.0, 9.865_876_450_376_981e-10),
            (9.0, 1.128_588_405_953_840_8e-19),
            (15.0, 3.670_966_199_312_751_4e-51),
            (27.0, 7.389_481_006_885_02e-161),
        ];
        for (x, expected) in upper {
            // Dividing x by √2 rounds it, and the tail's relative slope is about x:
            // the argument's rounding grows to about x²·1.1e-16 (2.5e-14 at x = 15).
            let tolerance = 1e-14 + x * x * 2.3e-16;
            close(normal_cdf(-x), expected, tolerance);
            close(two_sided_p(x), 2.0 * expected, tolerance);
        }
        // `erfc` itself, at exactly representable arguments: mpmath 1.3.0 with
        // `mp.dps = 50` (`nstr(erfc(mpf(x)), 17)`), in all three intervals.
        let direct = [
            (0.1, 8.875_370_839_817_151_1e-1),
            (0.46875, 5.073_865_267_820_620_1e-1),
            (0.5, 4.795_001_221_869_534_6e-1),
            (1.0, 1.572_992_070_502_851_3e-1),
            (2.0, 4.677_734_981_047_265_8e-3),
            (3.9, 3.479_224_859_723_174_2e-8),
            (4.0, 1.541_725_790_028_001_9e-8),
            (4.5, 1.966_160_441_542_887_5e-10),
            (6.0, 2.151_973_671_249_891_3e-17),
            (10.0, 2.088_487_583_762_544_8e-45),
            (20.0, 5.395_865_611_607_900_9e-176),
            (26.0, 5.663_192_408_856_142_8e-296),
            (-1.5, 1.966_105_146_475_310_7),
        ];
        for (x, expected) in direct {
            close(erfc(x), expected, 1e-14);
        }
        assert_eq!(erfc(40.0), 0.0);
        assert_eq!(erfc(-40.0), 2.0);
        assert_eq!(erfc(0.0), 1.0);
        assert!(erfc(f64::NAN).is_nan());
    }

    /// `qnorm(p)` of R 4.2.2.
    #[test]
    fn the_normal_quantile_matches_r() {
        let cases = [
            (1e-12, -7.034_483_825_301_132_1),
            (0.001, -3.090_232_306_167_813_2),
            (0.025, -1.959_963_984_540_053_8),
            (0.05, -1.644_853_626_951_472_6),
            (0.3, -0.524_400_512_708_040_67),
            (0.9, 1.281_551_565_544_600_8),
            (0.975, 1.959_963_984_540_053_6),
            (0.995, 2.575_829_303_548_899_9),
            (0.9995, 3.290_526_731_491_925_5),
            (1.0 - 1e-10, 6.361_340_889_697_420_8),
        ];
        for (p, expected) in cases {
            close(normal_quantile(p), expected, 1e-15);
        }
        assert_eq!(normal_quantile(0.5), 0.0);
        assert!(normal_quantile(0.0).is_nan());
        assert!(normal_quantile(1.0).is_nan());
        // The quantile inverts the distribution function.
        for p in [0.01, 0.2, 0.5, 0.7, 0.99] {
            close(normal_cdf(normal_quantile(p)), p, 1e-14);
        }
    }

    /// `pchisq(x, df, lower.tail = FALSE)` of R 4.2.2: both the series (x < df/2 + 1)
    /// and the continued fraction.
    #[test]
    fn the_chi_square_survival_function_matches_r() {
        let cases = [
            (0.5, 1, 0.479_500_122_186_953_48),
            (3.841_458_820_694_124, 1, 0.049_999_999_999_999_975),
            (10.0, 1, 0.001_565_402_258_002_551_9),
            (2.0, 2, 0.367_879_441_171_442_33),
            (5.991_464_547_107_979, 2, 0.050_000_000_000_000_072),
            (7.5, 3, 0.057_558_451_972_636_406),
            (0.1, 3, 0.991_837_423_731_876_44),
            (20.0, 4, 0.000_499_399_227_387_333_55),
            (60.0, 4, 2.900_863_120_340_454_9e-12),
            (30.0, 10, 0.000_856_641_210_775_300_53),
            (3.0, 10, 0.981_424_063_777_859_29),
            (150.0, 100, 0.000_903_932_042_354_009_38),
            (1000.0, 900, 0.010_994_608_942_135_853),
        ];
        for (x, df, expected) in cases {
            close(chi_square_survival(x, df), expected, 1e-12);
        }
        assert_eq!(chi_square_survival(0.0, 3), 1.0);
        assert_eq!(chi_square_survival(f64::INFINITY, 3), 0.0);
        assert!(chi_square_survival(f64::NAN, 3).is_nan());
        // With one degree of freedom, X = Z²: the survival function is the normal's
        // two-sided p-value.
        for z in [0.3, 1.0, 1.96, 3.0, 5.0] {
            close(chi_square_survival(z * z, 1), two_sided_p(z), 1e-12);
        }
    }
}
