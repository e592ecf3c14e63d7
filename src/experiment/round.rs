//! How an experiment's numbers become the decimals its report shows.
//!
//! * Rates and differences of rates are exact decimals (a quotient of counts to the
//!   28 digits of a decimal), rounded to [`RATE_PLACES`] places.
//! * Statistics computed in binary64 — z, interval bounds, the chi-square statistic —
//!   are rounded to [`STATISTIC_PLACES`] places, and p-values to
//!   [`P_VALUE_DIGITS`] significant digits, so that a p-value of 3.2e-9 still shows;
//!   one below 10⁻²⁸, the smallest a decimal holds, shows as 0.
//!
//! Every rounding is half to even, of the binary64 value exactly as it is.

use rust_decimal::{Decimal, RoundingStrategy};

/// Places of rates and differences of rates.
pub(super) const RATE_PLACES: u32 = 12;
/// Places of z statistics, interval bounds and chi-square statistics.
pub(super) const STATISTIC_PLACES: u32 = 6;
/// Significant digits of p-values.
pub(super) const P_VALUE_DIGITS: u32 = 6;

/// An exact decimal, rounded to [`RATE_PLACES`].
pub(super) fn exact(value: Decimal) -> Decimal {
    value
        .round_dp_with_strategy(RATE_PLACES, RoundingStrategy::MidpointNearestEven)
        .normalize()
}

/// A binary64 statistic, rounded to [`STATISTIC_PLACES`]; none when it is not finite
/// or beyond the range of a decimal.
pub(super) fn places(value: f64) -> Option<Decimal> {
    let decimal = Decimal::from_f64_retain(value.is_finite().then_some(value)?)?;
    Some(
        decimal
            .round_dp_with_strategy(STATISTIC_PLACES, RoundingStrategy::MidpointNearestEven)
            .normalize(),
    )
}

/// A binary64 p-value, to [`P_VALUE_DIGITS`] significant digits; none when it is not
/// finite.
pub(super) fn significant(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    if value == 0.0 {
        return Some(Decimal::ZERO);
    }
    match Decimal::from_f64_retain(value) {
        Some(decimal) => decimal
            .round_sf_with_strategy(P_VALUE_DIGITS, RoundingStrategy::MidpointNearestEven)
            .map(|d| d.normalize()),
        // Too small for a decimal.
        None if value.abs() < 1.0 => Some(Decimal::ZERO),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::{exact, places, significant};

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn statistics_round_half_to_even_to_their_documented_precision() {
        assert_eq!(exact(d("1") / d("3")), d("0.333333333333"));
        assert_eq!(exact(d("2") / d("3")), d("0.666666666667"));
        assert_eq!(exact(d("0.120")).to_string(), "0.12");
        assert_eq!(places(1.429_300_849_823_232), Some(d("1.429301")));
        assert_eq!(places(-0.007_411_481_998_019_938_5), Some(d("-0.007411")));
        // The binary64 value as stored is rounded: 0.25 is exact and stays 0.25, while
        // 2.0000005 is stored a little above its decimal text and rounds up.
        assert_eq!(places(0.25), Some(d("0.25")));
        assert_eq!(places(2.000_000_5), Some(d("2.000001")));
        assert_eq!(places(f64::NAN), None);
        assert_eq!(places(f64::INFINITY), None);
        assert_eq!(places(1e300), None);
        assert_eq!(significant(0.152_917_781_863_945_7), Some(d("0.152918")));
        assert_eq!(significant(3.2e-9), Some(d("0.0000000032")));
        assert_eq!(significant(1.234_567_5e-12), Some(d("0.00000000000123457")));
        assert_eq!(significant(1e-200), Some(Decimal::ZERO));
        assert_eq!(significant(0.0), Some(Decimal::ZERO));
        assert_eq!(significant(1.0), Some(Decimal::ONE));
        assert_eq!(significant(f64::NAN), None);
    }
}
