//! Exact rational numbers for scores.
//!
//! Published scores round half-up at 2 decimals from exact values: 25 − 0.5 × (95 − 70.59) =
//! 12.795 is printed 12.8. In binary floating point 12.795 is 12.79499…, which rounds the wrong
//! way, so scoring never uses floats: weights are parsed from their decimal text, rates are
//! `num/den` counts, and every step is exact until the one rounding the rule file asks for.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, Mul, Neg, Sub};

/// `num / den` in lowest terms, `den > 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: i128,
    den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
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

    /// `num / den` reduced to lowest terms with the sign on the numerator; panics when `den` is 0.
    pub fn new(num: i128, den: i128) -> Ratio {
        assert!(den != 0, "zero denominator");
        let g = gcd(num, den);
        let s = if den < 0 { -1 } else { 1 };
        Ratio { num: s * num / g, den: s * den / g }
    }
    /// The whole number `n` (a point value, a count).
    pub fn int(n: i64) -> Ratio {
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
        let scale = exp - frac.len() as i32;
        if !(-30..=30).contains(&scale) {
            return None;
        }
        let p = 10i128.pow(scale.unsigned_abs());
        Some(if scale >= 0 { Ratio::new(num.checked_mul(p)?, 1) } else { Ratio::new(num, p) })
    }

    /// The magnitude, sign dropped; exact like every other operation.
    pub fn abs(self) -> Ratio {
        Ratio { num: self.num.abs(), den: self.den }
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
    /// `self / o`; `None` when `o` is zero.
    pub fn checked_div(self, o: Ratio) -> Option<Ratio> {
        (o.num != 0).then(|| Ratio::new(self.num * o.den, self.den * o.num))
    }

    /// Rounds to `decimals` places, half away from zero ("half-up" as the bulletins print).
    pub fn round(self, decimals: u32) -> Ratio {
        let p = 10i128.pow(decimals);
        let scaled = self.num * p;
        let q = (scaled.abs() * 2 + self.den) / (2 * self.den);
        Ratio::new(if scaled < 0 { -q } else { q }, p)
    }

    /// Fixed-point text with exactly `decimals` places (after rounding half-up).
    pub fn to_fixed(self, decimals: u32) -> String {
        let r = self.round(decimals);
        let p = 10i128.pow(decimals);
        let v = r.num * (p / r.den);
        let sign = if v < 0 { "-" } else { "" };
        let v = v.abs();
        if decimals == 0 {
            format!("{sign}{v}")
        } else {
            format!("{sign}{}.{:0width$}", v / p, v % p, width = decimals as usize)
        }
    }

    /// The nearest `f64`: lossy, so never used for a score, which stays exact (module doc).
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl fmt::Display for Ratio {
    /// Shortest exact decimal when there is one (up to 12 places), else 12 places rounded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in 0..=12u32 {
            if (self.num * 10i128.pow(d)) % self.den == 0 {
                return f.write_str(&self.to_fixed(d));
            }
        }
        f.write_str(&self.to_fixed(12))
    }
}

impl Ratio {
    /// The exact decimal when there is one (up to 12 places), else `num/den`: always exact.
    pub fn to_exact_string(self) -> String {
        match (0..=12u32).find(|d| (self.num * 10i128.pow(*d)) % self.den == 0) {
            Some(d) => self.to_fixed(d),
            None => format!("{}/{}", self.num, self.den),
        }
    }
    /// Parses what [`Ratio::to_exact_string`] writes.
    pub fn parse_exact(s: &str) -> Option<Ratio> {
        match s.split_once('/') {
            Some((n, d)) => {
                let (n, d): (i128, i128) = (n.trim().parse().ok()?, d.trim().parse().ok()?);
                (d != 0).then(|| Ratio::new(n, d))
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
    fn cmp(&self, o: &Ratio) -> Ordering {
        (self.num * o.den).cmp(&(o.num * self.den))
    }
}

impl Add for Ratio {
    type Output = Ratio;
    fn add(self, o: Ratio) -> Ratio {
        Ratio::new(self.num * o.den + o.num * self.den, self.den * o.den)
    }
}
impl Sub for Ratio {
    type Output = Ratio;
    fn sub(self, o: Ratio) -> Ratio {
        self + (-o)
    }
}
impl Neg for Ratio {
    type Output = Ratio;
    fn neg(self) -> Ratio {
        Ratio { num: -self.num, den: self.den }
    }
}
impl Mul for Ratio {
    type Output = Ratio;
    fn mul(self, o: Ratio) -> Ratio {
        Ratio::new(self.num * o.num, self.den * o.den)
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
        let v = d("25") - d("0.5") * (d("95") - d("70.59"));
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
}
