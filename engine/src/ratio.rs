//! Exact rational numbers for scores.
//!
//! Published scores round half-up at 2 decimals from exact values: 25 − 0.5 × (95 − 70.59) =
//! 12.795 is printed 12.8. In binary floating point 12.795 is 12.79499…, which rounds the wrong
//! way, so scoring never uses floats: weights are parsed from their decimal text, rates are
//! `num/den` counts, and every step is exact until the one rounding the rule file asks for.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// The largest magnitude a number of a rule file may have (weights, full scores, thresholds,
/// caps, bonuses, bounds): ±1 000 000 (docs/rules.md).
pub const MAX_MAGNITUDE: i64 = 1_000_000;
/// The most decimals a number of a rule file may have: 6 (0.000001).
pub const MAX_DECIMALS: u32 = 6;

/// Why a number's text is refused by [`Ratio::parse_bounded`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unbounded {
    /// Not a decimal number at all.
    NotANumber,
    /// A number beyond ±[`MAX_MAGNITUDE`].
    OutOfRange,
    /// A number with more than [`MAX_DECIMALS`] decimals (trailing zeros do not count).
    TooManyDecimals,
}

/// `num / den` in lowest terms, `den > 0`.
///
/// Every operation that can leave `i128` is checked (`checked_add`, `checked_mul`, …: `None`,
/// never a wrap or a panic) and comparisons never overflow; there are no operators, so no
/// unchecked arithmetic can be written by accident.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: i128,
    den: i128,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl Ratio {
    /// 0: the start of a sum of points, and the floor a deduction cannot push a score below.
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    /// 1: a rate of 100 % as a fraction (e.g. the 1 − rate of a shortfall).
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `num / den` reduced to lowest terms with the sign on the numerator; panics when `den` is 0
    /// or the value leaves `i128` (for constants: input goes through [`Ratio::checked_new`]).
    pub fn new(num: i128, den: i128) -> Ratio {
        match Ratio::checked_new(num, den) {
            Some(r) => r,
            None => panic!("zero denominator or out of range"),
        }
    }
    /// `num / den` in lowest terms; `None` when `den` is 0 or the value does not fit.
    pub fn checked_new(num: i128, den: i128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num.unsigned_abs(), den.unsigned_abs());
        let n = i128::try_from(num.unsigned_abs() / g).ok()?;
        let d = i128::try_from(den.unsigned_abs() / g).ok()?;
        Some(Ratio { num: if (num < 0) != (den < 0) { -n } else { n }, den: d })
    }
    /// The whole number `n` (a point value, a count).
    pub fn int(n: i64) -> Ratio {
        Ratio { num: i128::from(n), den: 1 }
    }
    /// The count `n` (a `u64` always fits).
    pub fn count(n: u64) -> Ratio {
        Ratio { num: i128::from(n), den: 1 }
    }
    /// The numerator in lowest terms; carries the sign.
    pub fn num(&self) -> i128 {
        self.num
    }
    /// The denominator in lowest terms; always positive.
    pub fn den(&self) -> i128 {
        self.den
    }

    /// Parses a decimal such as `-12.795`, `0.001`, `100` or `1e-3` exactly.
    pub fn parse_decimal(s: &str) -> Option<Ratio> {
        let s = s.trim();
        let (mantissa, exp) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
            None => (s, 0),
        };
        let (neg, digits) = match mantissa.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty() && frac.is_empty()
            || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
            || int.len() + frac.len() > 30
        {
            return None;
        }
        let mut num: i128 = format!("{int}{frac}").parse().ok()?;
        if neg {
            num = -num;
        }
        let scale = exp.checked_sub(i32::try_from(frac.len()).ok()?)?;
        if !(-30..=30).contains(&scale) {
            return None;
        }
        let p = 10i128.pow(scale.unsigned_abs());
        if scale >= 0 {
            Ratio::checked_new(num.checked_mul(p)?, 1)
        } else {
            Ratio::checked_new(num, p)
        }
    }

    /// Parses a decimal (`-12.5`, `1e3`, `0.000001`) of at most [`MAX_DECIMALS`] decimals and
    /// magnitude at most [`MAX_MAGNITUDE`], deciding on the digits themselves: `1e308` is out of
    /// range and `1e-30` has too many decimals, whatever their size (never "not a number").
    pub fn parse_bounded(text: &str) -> Result<Ratio, Unbounded> {
        let s = text.trim();
        let (mantissa, exp) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        let (neg, digits) = match mantissa.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() && frac.is_empty() || !all_digits(int) || !all_digits(frac) {
            return Err(Unbounded::NotANumber);
        }
        // The exponent, saturated far beyond any bound (its digits decide, not its size).
        let exp: i64 = match exp {
            None => 0,
            Some(e) => {
                let (sign, d) = match e.strip_prefix('-') {
                    Some(d) => (-1, d),
                    None => (1, e.strip_prefix('+').unwrap_or(e)),
                };
                if d.is_empty() || !all_digits(d) {
                    return Err(Unbounded::NotANumber);
                }
                let d = d.trim_start_matches('0');
                sign * if d.len() > 9 { 1_000_000_000 } else { d.parse::<i64>().unwrap_or(0) }
            }
        };
        // value = significant × 10^scale, `significant` without leading or trailing zeros.
        let joined = format!("{int}{frac}");
        let significant = joined.trim_start_matches('0');
        let trailing = significant.len() - significant.trim_end_matches('0').len();
        let significant = significant.trim_end_matches('0');
        if significant.is_empty() {
            return Ok(Ratio::ZERO);
        }
        let scale = exp - frac.len() as i64 + trailing as i64;
        if scale < -i64::from(MAX_DECIMALS) {
            return Err(Unbounded::TooManyDecimals);
        }
        if significant.len() as i64 + scale > 7 {
            return Err(Unbounded::OutOfRange);
        }
        // At most 13 significant digits and |scale| ≤ 7 now: exact in i128.
        let n: i128 = significant.parse().map_err(|_| Unbounded::NotANumber)?;
        let n = if neg { -n } else { n };
        let p = 10i128.pow(scale.unsigned_abs() as u32);
        let r = if scale >= 0 {
            n.checked_mul(p).and_then(|v| Ratio::checked_new(v, 1))
        } else {
            Ratio::checked_new(n, p)
        };
        match r {
            Some(r) if r.num.abs() <= i128::from(MAX_MAGNITUDE) * r.den => Ok(r),
            _ => Err(Unbounded::OutOfRange),
        }
    }

    /// The magnitude, sign dropped; `None` only for the one value whose magnitude does not fit.
    pub fn checked_abs(self) -> Option<Ratio> {
        Some(Ratio { num: self.num.checked_abs()?, den: self.den })
    }
    /// `−self`; `None` only for the one value whose negation does not fit.
    pub fn checked_neg(self) -> Option<Ratio> {
        Some(Ratio { num: self.num.checked_neg()?, den: self.den })
    }
    /// `self + o`, exactly; `None` when the result does not fit.
    pub fn checked_add(self, o: Ratio) -> Option<Ratio> {
        let g = i128::try_from(gcd(self.den.unsigned_abs(), o.den.unsigned_abs())).ok()?;
        let (a, b) = (self.den / g, o.den / g);
        let num = self.num.checked_mul(b)?.checked_add(o.num.checked_mul(a)?)?;
        Ratio::checked_new(num, self.den.checked_mul(b)?)
    }
    /// `self − o`, exactly; `None` when the result does not fit.
    pub fn checked_sub(self, o: Ratio) -> Option<Ratio> {
        self.checked_add(o.checked_neg()?)
    }
    /// `self × o`, exactly; `None` when the result does not fit.
    pub fn checked_mul(self, o: Ratio) -> Option<Ratio> {
        let g1 = i128::try_from(gcd(self.num.unsigned_abs(), o.den.unsigned_abs())).ok()?;
        let g2 = i128::try_from(gcd(o.num.unsigned_abs(), self.den.unsigned_abs())).ok()?;
        let num = (self.num / g1).checked_mul(o.num / g2)?;
        let den = (self.den / g2).checked_mul(o.den / g1)?;
        Ratio::checked_new(num, den)
    }
    /// `self / o`; `None` when `o` is zero or the result does not fit.
    pub fn checked_div(self, o: Ratio) -> Option<Ratio> {
        if o.num == 0 {
            return None;
        }
        let inverse = Ratio::checked_new(o.den, o.num)?;
        self.checked_mul(inverse)
    }
    /// The larger of the two, compared exactly (scores clamp at 0 with it).
    pub fn max(self, o: Ratio) -> Ratio {
        if self >= o {
            self
        } else {
            o
        }
    }
    /// The smaller of the two, compared exactly (a score's cap applies with it).
    pub fn min(self, o: Ratio) -> Ratio {
        if self <= o {
            self
        } else {
            o
        }
    }

    /// Rounds to `decimals` places, half away from zero ("half-up" as the bulletins print);
    /// `None` when the scaled value does not fit.
    pub fn round(self, decimals: u32) -> Option<Ratio> {
        let p = 10i128.checked_pow(decimals)?;
        let scaled = self.num.checked_mul(p)?;
        let q = scaled.unsigned_abs().checked_mul(2)?.checked_add(self.den.unsigned_abs())?
            / self.den.unsigned_abs().checked_mul(2)?;
        let q = i128::try_from(q).ok()?;
        Ratio::checked_new(if scaled < 0 { -q } else { q }, p)
    }

    /// Fixed-point text with exactly `decimals` places (after rounding half-up); `None` when the
    /// rounding does not fit.
    pub fn checked_to_fixed(self, decimals: u32) -> Option<String> {
        let r = self.round(decimals)?;
        let p = 10i128.checked_pow(decimals)?;
        let v = r.num.checked_mul(p / r.den)?;
        let sign = if v < 0 { "-" } else { "" };
        let v = v.unsigned_abs();
        let p = p.unsigned_abs();
        Some(if decimals == 0 {
            format!("{sign}{v}")
        } else {
            format!("{sign}{}.{:0width$}", v / p, v % p, width = decimals as usize)
        })
    }

    /// [`Ratio::checked_to_fixed`], or `num/den` (still exact) when that does not fit.
    pub fn to_fixed(self, decimals: u32) -> String {
        self.checked_to_fixed(decimals).unwrap_or_else(|| format!("{}/{}", self.num, self.den))
    }

    /// The nearest `f64`: lossy, so never used for a score, which stays exact (module doc).
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// The fewest decimals (up to 12) that show the value exactly, if any.
    fn exact_decimals(self) -> Option<u32> {
        (0..=12u32).find(|d| {
            10i128.checked_pow(*d).and_then(|p| self.num.checked_mul(p)).is_some_and(|v| v % self.den == 0)
        })
    }
}

impl fmt::Display for Ratio {
    /// Shortest exact decimal when there is one (up to 12 places), else 12 places rounded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_fixed(self.exact_decimals().unwrap_or(12)))
    }
}

impl Ratio {
    /// The exact decimal when there is one (up to 12 places), else `num/den`: always exact.
    pub fn to_exact_string(self) -> String {
        match self.exact_decimals() {
            Some(d) => self.to_fixed(d),
            None => format!("{}/{}", self.num, self.den),
        }
    }
    /// Parses what [`Ratio::to_exact_string`] writes.
    pub fn parse_exact(s: &str) -> Option<Ratio> {
        match s.split_once('/') {
            Some((n, d)) => {
                let (n, d): (i128, i128) = (n.trim().parse().ok()?, d.trim().parse().ok()?);
                Ratio::checked_new(n, d)
            }
            None => Ratio::parse_decimal(s),
        }
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_exact_string())
    }
}

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Ratio, D::Error> {
        let s = String::deserialize(d)?;
        Ratio::parse_exact(&s).ok_or_else(|| serde::de::Error::custom(format!("not a number: {s}")))
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, o: &Ratio) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ratio {
    /// Exact, and never overflows: by cross products when they fit, else by comparing integer
    /// parts and then the reciprocals of the remainders (a continued-fraction walk).
    fn cmp(&self, o: &Ratio) -> Ordering {
        if let (Some(l), Some(r)) = (self.num.checked_mul(o.den), o.num.checked_mul(self.den)) {
            return l.cmp(&r);
        }
        let (mut a, mut b, mut c, mut d) = (self.num, self.den, o.num, o.den);
        loop {
            let (qa, ra) = (a.div_euclid(b), a.rem_euclid(b));
            let (qc, rc) = (c.div_euclid(d), c.rem_euclid(d));
            if qa != qc {
                return qa.cmp(&qc);
            }
            match (ra == 0, rc == 0) {
                (true, true) => return Ordering::Equal,
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                // ra/b against rc/d (both in (0, 1)) is d/rc against b/ra.
                (false, false) => (a, b, c, d) = (d, rc, b, ra),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Ratio {
        Ratio::parse_decimal(s).unwrap()
    }

    #[test]
    fn half_up_where_floats_fail() {
        // 25 − 0.5 × (95 − 70.59) = 12.795 → 12.80 (LYG 万联 2022-02).
        let v = d("25")
            .checked_sub(d("0.5").checked_mul(d("95").checked_sub(d("70.59")).unwrap()).unwrap())
            .unwrap();
        assert_eq!(v, d("12.795"));
        assert_eq!(v.to_fixed(2), "12.80");
        assert_eq!(d("17.665").to_fixed(2), "17.67");
        assert_eq!(d("-0.005").to_fixed(2), "-0.01");
        assert_eq!(Ratio::new(5992, 60).to_fixed(2), "99.87");
        assert_eq!(d("1e-3"), d("0.001"));
        assert_eq!(d("99").to_string(), "99");
        assert_eq!(Ratio::new(1, 3).to_string(), "0.333333333333");
        for bad in ["", ".", "1.2.3", "abc", "1e99", "--1"] {
            assert_eq!(Ratio::parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn arithmetic_is_checked_and_comparison_never_overflows() {
        let big = Ratio::new(i128::MAX, 1);
        assert_eq!(big.checked_add(Ratio::ONE), None);
        assert_eq!(big.checked_mul(Ratio::int(2)), None);
        assert_eq!(Ratio::new(1, i128::MAX).checked_add(Ratio::new(1, i128::MAX - 1)), None);
        assert_eq!(Ratio::new(i128::MIN + 1, 1).checked_neg(), Some(big));
        // Cross products of ~2^254: compared by the continued-fraction walk.
        let (x, y) = (Ratio::new(i128::MAX, i128::MAX - 2), Ratio::new(i128::MAX - 1, i128::MAX - 3));
        assert_eq!(x.cmp(&y), Ordering::Less);
        assert_eq!(y.cmp(&x), Ordering::Greater);
        assert_eq!(x.cmp(&x), Ordering::Equal);
        assert!(Ratio::new(-i128::MAX, 3) < Ratio::new(i128::MAX, 7));
        assert_eq!(big.round(6), None);
        assert_eq!(big.to_fixed(2), format!("{}/1", i128::MAX));
        assert_eq!(Ratio::checked_new(1, 0), None);
        assert_eq!(d("0.5").checked_div(Ratio::ZERO), None);
    }

    #[test]
    fn bounded_numbers_are_decided_on_their_digits() {
        use Unbounded::*;
        let b = Ratio::parse_bounded;
        assert_eq!(b("1000000"), Ok(Ratio::int(1_000_000)));
        assert_eq!(b("-1e6"), Ok(Ratio::int(-1_000_000)));
        assert_eq!(b("0.000001"), Ok(Ratio::new(1, 1_000_000)));
        assert_eq!(b("12.500000000000000000000000000000000"), Ok(Ratio::new(25, 2)));
        assert_eq!(b("0.0000000e5"), Ok(Ratio::ZERO));
        assert_eq!(b("1000000.000001"), Err(OutOfRange));
        assert_eq!(b("1000001"), Err(OutOfRange));
        assert_eq!(b("1e30"), Err(OutOfRange));
        assert_eq!(b("1e308"), Err(OutOfRange));
        assert_eq!(b("1e99999999999999"), Err(OutOfRange));
        assert_eq!(b("1e-30"), Err(TooManyDecimals));
        assert_eq!(b("0.0000001"), Err(TooManyDecimals));
        assert_eq!(b("1e-99999999999999"), Err(TooManyDecimals));
        for bad in ["", ".", "1.2.3", "abc", "--1", "1e", "1e+", "0x10"] {
            assert_eq!(b(bad), Err(NotANumber), "{bad}");
        }
    }
}
