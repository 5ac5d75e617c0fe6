//! Indicator counts for a period: one pass over the ticket store fills a [`Tally`] per 承办单位,
//! per member unit and city-wide, each split into 市派 and 省派.
//!
//! The definitions are the contract in docs/indicators.md; every counter below names the
//! indicator it feeds. Rates are exact fractions ([`Rate`]) and are only rounded for display.

use crate::tickets::deadlines::{DeadlineErrors, DeadlinePlan};
use crate::tickets::period::Period;
use crate::tickets::store::{NameId, TicketStore, NO_NAME};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

pub use crate::count::tally::{Split, Tally};

/// Everything one pass over the store counts for a period.
#[derive(Clone, Debug, Default)]
pub struct PeriodCounts {
    /// 全市: every ticket (直接答复 included), counted directly, not as the sum of the units.
    pub city: Split,
    /// Indexed by unit [`NameId`] (承办单位).
    pub units: Vec<Split>,
    /// Indexed by unit [`NameId`] of the member unit (上级单位 if filled, else 承办单位).
    pub members: Vec<Split>,
    /// The member unit each 承办单位 rolled up into (`NO_NAME` for units with no ticket counted).
    pub unit_member: Vec<NameId>,
    /// 受理量 by channel id, by kind id.
    pub channels: Vec<u64>,
    /// 受理量 by kind (诉求类型) id.
    pub kinds: Vec<u64>,
    /// 受理量 by (channel, category).
    pub channel_categories: FxHashMap<(NameId, NameId), u64>,
    /// Tickets whose rule-file or working-day deadline could not be computed; counted without it.
    pub deadline_errors: DeadlineErrors,
}

/// Counts every ticket once for `period`. `member_of[unit]` gives the member unit of a 承办单位
/// whose rows leave 上级单位 empty (from the unit registry); `NO_NAME` = itself. Member ids may
/// run past the store's units by `extra_members` (member units only the registry names).
pub fn count_period(
    store: &TicketStore,
    period: Period,
    member_of: &[NameId],
    extra_members: usize,
    plan: &DeadlinePlan,
) -> PeriodCounts {
    let with_plan = plan.needed(store);
    let (start, end) = (period.start(), period.end());
    let n_units = store.units.len();
    let mut c = PeriodCounts {
        units: vec![Split::default(); n_units],
        members: vec![Split::default(); n_units + extra_members],
        unit_member: vec![NO_NAME; n_units],
        channels: vec![0; store.channels.len()],
        kinds: vec![0; store.kinds.len()],
        ..Default::default()
    };
    #[expect(
        clippy::indexing_slicing,
        reason = "`side` is `usize::from(bool)`, 0 or 1, and a `Split` holds two tallies; `units`, `unit_member`, `channels` and `kinds` are sized from the store's name tables, which every stored ticket's non-`NO_NAME` id indexes; `member` is such a unit id or a `member_of` entry, below `n_units + extra_members` (this function's contract)"
    )]
    for t in &store.tickets {
        let effective;
        let t = if with_plan {
            effective = c.deadline_errors.apply(plan, t);
            &effective
        } else {
            t
        };
        let side = usize::from(t.from_province);
        let mut one = Tally::default();
        one.count(t, start, end);
        if one == Tally::default() {
            continue;
        }
        c.city.0[side].add(&one);
        if one.accepted() > 0 {
            if t.channel != NO_NAME {
                c.channels[t.channel as usize] += 1;
                *c.channel_categories.entry((t.channel, t.category)).or_default() += 1;
            }
            if t.kind != NO_NAME {
                c.kinds[t.kind as usize] += 1;
            }
        }
        if t.unit != NO_NAME {
            c.units[t.unit as usize].0[side].add(&one);
            let member = match t.parent {
                NO_NAME => {
                    member_of.get(t.unit as usize).copied().filter(|m| *m != NO_NAME).unwrap_or(t.unit)
                }
                p => p,
            };
            c.members[member as usize].0[side].add(&one);
            c.unit_member[t.unit as usize] = member;
        }
    }
    c
}

/// Readings of an indicator that the seeds leave open. Defaults reproduce the seed reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndicatorOptions {
    /// 基本满意 counts as satisfied in 回访满意率 (Lianyungang 2021: only 不满意 is subtracted).
    pub basic_counts_as_satisfied: bool,
    /// A graded scale instead: 满意 100, 基本满意 this many points, 不满意 0; 回访满意率 is the mean
    /// (Panjin's 91.67 % from 3 callbacks fits 100, 100, 75). Overrides the switch above.
    pub graded_basic_points: Option<u32>,
    /// 回访满意率 = 100 − 不满意率, with 不满意率 rounded to 2 decimals first.
    pub satisfaction_from_unsatisfied: bool,
}

impl Default for IndicatorOptions {
    fn default() -> Self {
        IndicatorOptions {
            basic_counts_as_satisfied: true,
            graded_basic_points: None,
            satisfaction_from_unsatisfied: false,
        }
    }
}

impl IndicatorOptions {
    /// Whether a 基本满意 rating counts as fully satisfied under these options, so it costs no
    /// points (its shortfall list is shown, marked 不扣分).
    pub fn basic_is_satisfied(&self) -> bool {
        self.satisfaction_from_unsatisfied
            || self.graded_basic_points.map_or(self.basic_counts_as_satisfied, |p| p >= 100)
    }

    /// 回访满意率 of a tally under these options.
    pub fn satisfaction_rate(&self, t: &Tally) -> Rate {
        let rated = t.rated();
        if self.satisfaction_from_unsatisfied {
            return match basis_points(t.unsatisfied, rated) {
                Some(bp) => Rate::new(10_000 - bp as u64, 10_000),
                None => Rate::new(0, 0),
            };
        }
        match self.graded_basic_points {
            Some(x) => {
                Rate::new(100 * t.satisfied + u64::from(x.min(100)) * t.basically_satisfied, 100 * rated)
            }
            None => {
                let basic = if self.basic_counts_as_satisfied { t.basically_satisfied } else { 0 };
                Rate::new(t.satisfied + basic, rated)
            }
        }
    }
}

/// An exact rate: numerator over denominator, with its display form. The default is 0/0 ("—").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    /// Tickets that met the indicator (e.g. 按期办结数 for 按期办结率).
    pub num: u64,
    /// Tickets the indicator is taken over (e.g. 应办结数); 0 makes the rate "—".
    pub den: u64,
    /// Percent at 2 decimals, rounded half-up; `None` ("—") when the denominator is zero.
    pub percent: Option<String>,
}

impl Rate {
    /// The rate `num`/`den` with its 2-decimal half-up percent filled in.
    pub fn new(num: u64, den: u64) -> Rate {
        Rate { num, den, percent: basis_points(num, den).map(format_basis_points) }
    }
    /// The rate in hundredths of a percent, rounded half-up (`None` for 0/0).
    pub fn basis_points(&self) -> Option<i64> {
        basis_points(self.num, self.den)
    }
    /// For sorting: the exact value, with "—" below every real rate.
    pub fn sort_key(&self) -> f64 {
        if self.den == 0 {
            -1.0
        } else {
            self.num as f64 / self.den as f64
        }
    }
    /// The percent as the page shows it, `96.16%`, or `—` when the denominator is 0.
    pub fn display(&self) -> String {
        self.percent.as_ref().map_or_else(|| "—".to_string(), |p| format!("{p}%"))
    }
}

/// num/den × 100 in hundredths, half-up, in exact integer arithmetic.
pub fn basis_points(num: u64, den: u64) -> Option<i64> {
    if den == 0 {
        return None;
    }
    let (num, den) = (u128::from(num), u128::from(den));
    Some(((num * 20_000 + den) / (2 * den)) as i64)
}

/// 9616 → "96.16"; -465 → "-4.65".
pub fn format_basis_points(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let a = bp.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_half_up_in_exact_arithmetic() {
        assert_eq!(Rate::new(23974, 24932).percent.as_deref(), Some("96.16"));
        assert_eq!(Rate::new(1, 8).percent.as_deref(), Some("12.50"));
        // 1/800 = 0.125 % exactly: a tie, rounded up.
        assert_eq!(Rate::new(1, 800).percent.as_deref(), Some("0.13"));
        assert_eq!(Rate::new(1, 1600).percent.as_deref(), Some("0.06"));
        assert_eq!(Rate::new(0, 0).percent, None);
        assert_eq!(Rate::new(0, 0).display(), "—");
        assert_eq!(Rate::new(7, 7).display(), "100.00%");
        assert_eq!(format_basis_points(-465), "-4.65");
    }
}
