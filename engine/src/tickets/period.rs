//! Reporting periods: one month by default, or any range of whole months (a quarter, a year to
//! date), and the choice of the default month for a file.

use crate::error::{PeriodError, PeriodErrorKind};
use crate::tickets::store::TicketStore;
use crate::time::{Month, Stamp};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A range of whole months, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// The first month, included.
    pub first: Month,
    /// The last month, included (`first` again for one month).
    pub last: Month,
}

impl Period {
    /// The period of the one month `m`.
    pub fn month(m: Month) -> Period {
        Period { first: m, last: m }
    }
    /// `first..=last`; `None` when `last` is before `first`.
    pub fn range(first: Month, last: Month) -> Option<Period> {
        (first <= last).then_some(Period { first, last })
    }
    /// First second of the period.
    pub fn start(self) -> Stamp {
        self.first.start()
    }
    /// First second after the period.
    pub fn end(self) -> Stamp {
        self.last.next().start()
    }
    /// Whether `t` is in [start, end): local time, from 00:00:00 on the 1st of `first` to before
    /// the 1st of the month after `last`.
    pub fn contains(self, t: Stamp) -> bool {
        t >= self.start() && t < self.end()
    }
    /// How many months the period spans (1 for one month).
    pub fn months(self) -> i32 {
        self.last.index() - self.first.index() + 1
    }
    /// The period of the same length just before this one.
    pub fn previous(self) -> Period {
        let n = self.months();
        Period {
            first: Month::from_index(self.first.index() - n),
            last: Month::from_index(self.last.index() - n),
        }
    }
    /// The period's months, `first` to `last`.
    pub fn iter_months(self) -> impl Iterator<Item = Month> {
        (self.first.index()..=self.last.index()).map(Month::from_index)
    }
    /// Parses `2021-02` or `2021-01..2021-04`.
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        let s = s.trim();
        let fail = |kind| PeriodError { kind, value: s.to_string() };
        let bad = || fail(PeriodErrorKind::Unrecognised);
        match s.split_once("..") {
            None => Month::parse(s).map(Period::month).ok_or_else(bad),
            Some((a, b)) => {
                let (a, b) = (Month::parse(a).ok_or_else(bad)?, Month::parse(b).ok_or_else(bad)?);
                Period::range(a, b).ok_or_else(|| fail(PeriodErrorKind::EndBeforeStart))
            }
        }
    }
    /// Chinese label: `2021年2月` or `2021年1月—2021年4月`.
    pub fn label(self) -> String {
        let one = |m: Month| format!("{}年{}月", m.year, m.month);
        if self.first == self.last {
            one(self.first)
        } else {
            format!("{}—{}", one(self.first), one(self.last))
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}..{}", self.first, self.last)
        }
    }
}

/// Tickets received in one month of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthVolume {
    /// The month, by 受理时间.
    pub month: Month,
    /// How many tickets of the file have their 受理时间 in it.
    pub received: u64,
    /// At least half the busiest month's volume: an export also carries the previous month's
    /// open tickets, and a month holding only those is not a month of data.
    pub complete: bool,
}

/// Volume per month of 受理时间, in month order, with completeness.
pub fn month_volumes(store: &TicketStore) -> Vec<MonthVolume> {
    let mut counts: std::collections::BTreeMap<Month, u64> = Default::default();
    for t in &store.tickets {
        *counts.entry(t.received.month()).or_default() += 1;
    }
    volumes(counts)
}

/// Completeness of months given their volumes.
pub fn volumes(counts: std::collections::BTreeMap<Month, u64>) -> Vec<MonthVolume> {
    let busiest = counts.values().copied().max().unwrap_or(0);
    counts
        .into_iter()
        .map(|(month, received)| MonthVolume {
            month,
            received,
            complete: received.saturating_mul(2) >= busiest,
        })
        .collect()
}

/// Whether every month of `p` is complete in the data.
pub fn is_complete(volumes: &[MonthVolume], p: Period) -> bool {
    p.iter_months().all(|m| volumes.iter().any(|v| v.month == m && v.complete))
}

/// The default period and the reason it was chosen, in Chinese.
pub fn choose_default(volumes: &[MonthVolume]) -> Option<(Period, String)> {
    let busiest = volumes.iter().map(|v| v.received).max()?;
    let latest = volumes.iter().rev().find(|v| v.complete)?;
    let mut why = format!(
        "默认取数据中最近的完整月份 {}（受理 {} 件；受理量不少于最多月份 {} 件的一半即视为完整）",
        Period::month(latest.month).label(),
        latest.received,
        busiest
    );
    let skipped: Vec<String> = volumes
        .iter()
        .filter(|v| v.month > latest.month)
        .map(|v| format!("{}（{} 件）", Period::month(v.month).label(), v.received))
        .collect();
    if !skipped.is_empty() {
        why.push_str(&format!("；之后的 {} 数据不完整，未取", skipped.join("、")));
    }
    Some((Period::month(latest.month), why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_label() {
        let p = Period::parse("2021-01..2021-04").unwrap();
        assert_eq!(p.months(), 4);
        assert_eq!(p.label(), "2021年1月—2021年4月");
        assert_eq!(p.previous(), Period::parse("2020-09..2020-12").unwrap());
        assert_eq!(Period::parse("2021-02").unwrap().label(), "2021年2月");
        assert!(Period::parse("2021-04..2021-01").is_err());
        assert!(Period::parse("Feb").is_err());
    }

    #[test]
    fn default_is_latest_complete_month() {
        let v = |y, m, n| MonthVolume { month: Month::new(y, m), received: n, complete: false };
        let mut vols = vec![v(2021, 1, 300), v(2021, 2, 1000), v(2021, 3, 499)];
        let busiest = 1000;
        for x in &mut vols {
            x.complete = x.received * 2 >= busiest;
        }
        let (p, why) = choose_default(&vols).unwrap();
        assert_eq!(p, Period::month(Month::new(2021, 2)));
        assert!(why.contains("2021年3月（499 件）"), "{why}");
    }
}
