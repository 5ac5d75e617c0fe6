//! Compact local times and calendar months.
//!
//! Every datetime in a ticket is local time (Asia/Shanghai, no zones in the data), so the engine
//! stores it as a [`Stamp`]: whole seconds since 2000-01-01 00:00:00 in a `u32`. That covers
//! 2000 – 2136, costs four bytes a field, and compares with one integer instruction. "Not happened
//! yet" (an empty field) is [`Stamp::NONE`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// Seconds since 2000-01-01 00:00:00 local time; `Stamp::NONE` means "empty".
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Stamp(pub u32);

/// Days from 1970-01-01 to 2000-01-01.
const EPOCH_2000_DAYS: i64 = 10_957;
/// Seconds in a calendar day: local time has no DST, so every day has exactly this many.
pub const SECONDS_PER_DAY: u32 = 86_400;

impl Stamp {
    /// The empty field. Sorts after every real time, so `closed <= due` is false for an open ticket.
    pub const NONE: Stamp = Stamp(u32::MAX);
    /// The first year a stamp can hold; a datetime before 2000 is a `bad_datetime` reject.
    pub const MIN_YEAR: i32 = 2000;
    /// The last whole year a stamp can hold (the `u32` seconds run out in 2136).
    pub const MAX_YEAR: i32 = 2135;

    /// Whether the field was empty (the event has not happened, or no deadline was given).
    pub fn is_none(self) -> bool {
        self == Stamp::NONE
    }
    /// Whether the field holds a real time.
    pub fn is_some(self) -> bool {
        self != Stamp::NONE
    }

    /// Builds a stamp from calendar fields, or `None` when they are not a real time in range.
    pub fn from_civil(y: i32, m: u32, d: u32, hh: u32, mm: u32, ss: u32) -> Option<Stamp> {
        if !(Self::MIN_YEAR..=Self::MAX_YEAR).contains(&y)
            || !(1..=12).contains(&m)
            || d == 0
            || d > days_in_month(y, m)
            || hh > 23
            || mm > 59
            || ss > 59
        {
            return None;
        }
        // In range, every value fits: 136 years of seconds < u32::MAX.
        #[expect(
            clippy::indexing_slicing,
            reason = "the guard above keeps `MIN_YEAR <= y <= MAX_YEAR` and `1 <= m <= 12`, so the index is below `(MAX_YEAR - MIN_YEAR + 1) * 12`, the table's length"
        )]
        let days = MONTH_START_DAYS[((y - Self::MIN_YEAR) * 12) as usize + m as usize - 1] + d - 1;
        Some(Stamp(days * SECONDS_PER_DAY + hh * 3600 + mm * 60 + ss))
    }

    /// Days since 2000-01-01 (the date part).
    pub fn day(self) -> u32 {
        self.0 / SECONDS_PER_DAY
    }

    /// (year, month, day, hour, minute, second).
    pub fn to_civil(self) -> (i32, u32, u32, u32, u32, u32) {
        let (y, m, d) = civil_from_days(i64::from(self.day()) + EPOCH_2000_DAYS);
        let s = self.0 % SECONDS_PER_DAY;
        (y, m, d, s / 3600, s / 60 % 60, s % 60)
    }

    /// The calendar month the time falls in. Meaningless for [`Stamp::NONE`]: test it first.
    pub fn month(self) -> Month {
        let (y, m, ..) = self.to_civil();
        Month::new(y, m)
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_none() {
            return Ok(());
        }
        let (y, mo, d, h, mi, s) = self.to_civil();
        write!(f, "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    }
}

impl fmt::Debug for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_none() {
            f.write_str("Stamp::NONE")
        } else {
            write!(f, "Stamp({self})")
        }
    }
}

/// Whether `y` has a 29 February (proleptic Gregorian rules).
pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` (1–12) of year `y`; 0 for a month number outside 1–12.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 2000-01-01 to the first of each month of the stamp range (a table: the ingest
/// turns two to eleven datetimes a row into stamps, and a lookup beats the civil-date formula).
const MONTH_START_DAYS: [u32; ((Stamp::MAX_YEAR - Stamp::MIN_YEAR + 1) * 12) as usize] = {
    let mut table = [0u32; ((Stamp::MAX_YEAR - Stamp::MIN_YEAR + 1) * 12) as usize];
    let mut i = 0;
    let mut days = 0u32;
    while i < table.len() {
        #[expect(clippy::indexing_slicing, reason = "`i < table.len()` is the loop condition")]
        {
            table[i] = days;
        }
        let y = Stamp::MIN_YEAR + (i / 12) as i32;
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        days += match i % 12 + 1 {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            _ if leap => 29,
            _ => 28,
        };
        i += 1;
    }
    table
};

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
#[cfg(test)]
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// A calendar month. Ordered; `Month::index` numbers months consecutively.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Month {
    /// The calendar year, e.g. 2021.
    pub year: i32,
    /// 1 = January … 12 = December.
    pub month: u32,
}

impl Month {
    /// The month `month` (1–12) of `year`; not checked, so callers pass a real month.
    pub fn new(year: i32, month: u32) -> Month {
        Month { year, month }
    }
    /// Consecutive number: months since January of year 0.
    pub fn index(self) -> i32 {
        self.year * 12 + self.month as i32 - 1
    }
    /// The month with [`Month::index`] `i`.
    pub fn from_index(i: i32) -> Month {
        Month::new(i.div_euclid(12), (i.rem_euclid(12) + 1) as u32)
    }
    /// The following month (December → January of the next year).
    pub fn next(self) -> Month {
        Month::from_index(self.index() + 1)
    }
    /// The month before (January → December of the year before): 上期 of a one-month period.
    pub fn prev(self) -> Month {
        Month::from_index(self.index() - 1)
    }
    /// First second of the month.
    pub fn start(self) -> Stamp {
        Stamp::from_civil(self.year, self.month, 1, 0, 0, 0).unwrap_or(Stamp(0))
    }
    /// Parses `2021-02` or `2021/2`.
    pub fn parse(s: &str) -> Option<Month> {
        let s = s.trim();
        let (y, m) = s.split_once(['-', '/'])?;
        let y: i32 = y.parse().ok()?;
        let m: u32 = m.parse().ok()?;
        ((Stamp::MIN_YEAR..=Stamp::MAX_YEAR).contains(&y) && (1..=12).contains(&m)).then(|| Month::new(y, m))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let s = String::deserialize(d)?;
        Month::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a month: {s}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_over_every_day_of_the_range_edges() {
        for (y, m, d) in [(2000, 1, 1), (2020, 2, 29), (2021, 12, 31), (2100, 3, 1), (2135, 12, 31)] {
            let s = Stamp::from_civil(y, m, d, 23, 59, 59).unwrap();
            assert_eq!(s.to_civil(), (y, m, d, 23, 59, 59));
        }
        assert!(Stamp::from_civil(2021, 2, 29, 0, 0, 0).is_none());
        assert!(Stamp::from_civil(1999, 12, 31, 0, 0, 0).is_none());
        assert!(Stamp::from_civil(2021, 4, 31, 0, 0, 0).is_none());
    }

    #[test]
    fn month_table_agrees_with_the_civil_formula() {
        for y in Stamp::MIN_YEAR..=Stamp::MAX_YEAR {
            for m in 1..=12 {
                for d in [1, days_in_month(y, m)] {
                    let s = Stamp::from_civil(y, m, d, 12, 0, 0).unwrap();
                    let days = days_from_civil(y, m, d) - EPOCH_2000_DAYS;
                    assert_eq!(i64::from(s.day()), days, "{y}-{m}-{d}");
                }
            }
        }
        assert_eq!(Stamp::from_civil(2135, 12, 31, 23, 59, 59).unwrap().0, 4_291_747_199);
    }

    #[test]
    fn month_arithmetic() {
        let m = Month::new(2021, 1);
        assert_eq!(m.prev(), Month::new(2020, 12));
        assert_eq!(m.next().next(), Month::new(2021, 3));
        assert_eq!(Month::parse("2021-02"), Some(Month::new(2021, 2)));
        assert_eq!(Month::parse("2021/2"), Some(Month::new(2021, 2)));
        assert_eq!(Month::parse("2021-13"), None);
        assert_eq!(Month::new(2021, 2).start().to_string(), "2021-02-01 00:00:00");
    }
}
