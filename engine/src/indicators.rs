//! Indicator counts for a period: one pass over the ticket store fills a [`Tally`] per 承办单位,
//! per member unit and city-wide, each split into 市派 and 省派.
//!
//! The definitions are the contract in docs/indicators.md; every counter below names the
//! indicator it feeds. Rates are exact fractions ([`Rate`]) and are only rounded for display.

use crate::deadlines::{DeadlineErrors, DeadlinePlan};
use crate::period::Period;
use crate::store::{Audit, Callback, NameId, Ticket, TicketStore, NO_NAME};
use crate::time::Stamp;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Counts behind every indicator of one entity (unit, member, group or city) in one period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tally {
    /// 当月受理: tickets with 受理时间 in the period.
    pub received: u64,
    /// 上月结转: 转办 tickets received before the period and not closed before it starts.
    pub carried_over: u64,
    /// 直接答复量: 直接答复 tickets received in the period.
    pub direct: u64,
    /// 转办量: 转办 tickets received in the period plus the carry-over.
    pub transferred: u64,
    /// 总工单数: 转办 tickets with 派单时间 in the period.
    pub dispatched: u64,
    /// Of those, the ones that have a 签收时限 (the 及时签收率 denominator).
    pub sign_due_known: u64,
    /// Of those, signed for by the 签收时限.
    pub signed_on_time: u64,
    /// Of the dispatched, the ones with a 首次联系时限 (the 首次联系率 denominator).
    pub contact_due_known: u64,
    /// Of those, first contact by the 首次联系时限.
    pub contacted_on_time: u64,
    /// 应办结数: 转办 tickets with 办理时限 in the period.
    pub due: u64,
    /// 办结数: due tickets closed by the end of the period.
    pub closed: u64,
    /// 按期办结数: due tickets closed by their 办理时限.
    pub on_time: u64,
    /// 返工数: due tickets with 退回次数 > 0.
    pub reworked: u64,
    /// 急件 among the due tickets.
    pub urgent_due: u64,
    /// 急件 closed by their 办理时限.
    pub urgent_on_time: u64,
    /// Callbacks in the period (回访时间 in it, or 办结时间 where the ticket has no 回访时间).
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub unsatisfied: u64,
    /// 未回访: a callback tried and not completed.
    pub not_reached: u64,
    /// 答复抽检 of tickets closed in the period.
    pub audit_compliant: u64,
    pub audit_non_compliant: u64,
    /// 转办 tickets with 反馈时限 in the period (the 按时反馈率 denominator).
    pub feedback_due: u64,
    /// Of those, fed back by the 反馈时限.
    pub feedback_on_time: u64,
}

/// Calls `$m!` with every counter of [`Tally`] in declaration order: one list for the operations
/// that go over all of them.
macro_rules! tally_fields {
    ($m:ident) => {
        $m!(
            received,
            carried_over,
            direct,
            transferred,
            dispatched,
            sign_due_known,
            signed_on_time,
            contact_due_known,
            contacted_on_time,
            due,
            closed,
            on_time,
            reworked,
            urgent_due,
            urgent_on_time,
            satisfied,
            basically_satisfied,
            unsatisfied,
            not_reached,
            audit_compliant,
            audit_non_compliant,
            feedback_due,
            feedback_on_time
        )
    };
}

impl Tally {
    /// How many counters a tally has.
    pub const FIELDS: usize = 23;

    /// 受理量 = 当月受理 + 上月结转.
    pub fn accepted(&self) -> u64 {
        self.received + self.carried_over
    }
    /// 超期办理数 = 办结 − 按期.
    pub fn closed_late(&self) -> u64 {
        // Saturating: a hand-made counts table may contradict itself; a figure is never negative.
        self.closed.saturating_sub(self.on_time)
    }
    /// 超期未结数 = due and still open at the end of the period.
    pub fn open_overdue(&self) -> u64 {
        self.due.saturating_sub(self.closed)
    }
    /// 无签收时限: dispatched tickets without a signing deadline.
    pub fn no_sign_due(&self) -> u64 {
        self.dispatched.saturating_sub(self.sign_due_known)
    }
    /// 回访数: callbacks with a rating.
    pub fn rated(&self) -> u64 {
        self.satisfied + self.basically_satisfied + self.unsatisfied
    }
    pub fn audited(&self) -> u64 {
        self.audit_compliant + self.audit_non_compliant
    }

    pub fn add(&mut self, o: &Tally) {
        macro_rules! add {
            ($($f:ident),*) => { $( self.$f += o.$f; )* };
        }
        tally_fields!(add);
    }

    /// Every counter, in declaration order (the page's binary form of the cells).
    pub fn to_array(&self) -> [u64; Tally::FIELDS] {
        macro_rules! array {
            ($($f:ident),*) => { [$( self.$f ),*] };
        }
        tally_fields!(array)
    }

    /// The tally of [`Tally::to_array`]'s counters.
    pub fn from_array(a: [u64; Tally::FIELDS]) -> Tally {
        macro_rules! tally {
            ($($f:ident),*) => {{
                let [$($f),*] = a;
                Tally { $($f),* }
            }};
        }
        tally_fields!(tally)
    }

    /// Adds one ticket's contribution for the period `[start, end)`.
    #[inline]
    pub fn count(&mut self, t: &Ticket, start: Stamp, end: Stamp) {
        let in_p = |s: Stamp| s >= start && s < end;
        if in_p(t.received) {
            self.received += 1;
            if t.is_transferred() {
                self.transferred += 1;
            } else {
                self.direct += 1;
            }
        } else if t.received < start && t.is_transferred() && (t.closed.is_none() || t.closed >= start) {
            self.carried_over += 1;
            self.transferred += 1;
        }
        if t.is_transferred() {
            if in_p(t.dispatched) {
                self.dispatched += 1;
                if t.sign_due.is_some() {
                    self.sign_due_known += 1;
                    self.signed_on_time += u64::from(t.signed <= t.sign_due);
                }
                if t.contact_due.is_some() {
                    self.contact_due_known += 1;
                    self.contacted_on_time += u64::from(t.first_contact <= t.contact_due);
                }
            }
            if in_p(t.due) {
                self.due += 1;
                self.closed += u64::from(t.closed < end);
                let on_time = t.closed <= t.due;
                self.on_time += u64::from(on_time);
                self.reworked += u64::from(t.returned > 0);
                if t.urgent {
                    self.urgent_due += 1;
                    self.urgent_on_time += u64::from(on_time);
                }
            }
            if in_p(t.feedback_due) {
                self.feedback_due += 1;
                self.feedback_on_time += u64::from(t.feedback_at <= t.feedback_due);
            }
            if in_p(t.closed) {
                match t.audit {
                    Audit::NotSampled => {}
                    Audit::Compliant => self.audit_compliant += 1,
                    Audit::NonCompliant => self.audit_non_compliant += 1,
                }
            }
        }
        if t.callback != Callback::None {
            let when = if t.callback_at.is_some() { t.callback_at } else { t.closed_at() };
            if in_p(when) {
                match t.callback {
                    Callback::Satisfied => self.satisfied += 1,
                    Callback::BasicallySatisfied => self.basically_satisfied += 1,
                    Callback::Unsatisfied => self.unsatisfied += 1,
                    Callback::NotReached => self.not_reached += 1,
                    Callback::None => {}
                }
            }
        }
    }
}

/// A tally split by dispatch origin: 市派 (index 0) and 省派 (index 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "SplitFields", into = "SplitFields")]
pub struct Split(pub [Tally; 2]);

/// How a [`Split`] reads in JSON: `{"municipal": {…}, "province": {…}}`.
#[derive(Clone, Copy, Serialize, Deserialize)]
struct SplitFields {
    #[serde(default)]
    municipal: Tally,
    #[serde(default)]
    province: Tally,
}

impl From<SplitFields> for Split {
    fn from(f: SplitFields) -> Split {
        Split([f.municipal, f.province])
    }
}

impl From<Split> for SplitFields {
    fn from(s: Split) -> SplitFields {
        SplitFields { municipal: s.0[0], province: s.0[1] }
    }
}

impl Split {
    pub fn municipal(&self) -> &Tally {
        &self.0[0]
    }
    pub fn province(&self) -> &Tally {
        &self.0[1]
    }
    /// 市派 + 省派.
    pub fn all(&self) -> Tally {
        let mut t = self.0[0];
        t.add(&self.0[1]);
        t
    }
    pub fn add(&mut self, o: &Split) {
        self.0[0].add(&o.0[0]);
        self.0[1].add(&o.0[1]);
    }
    pub fn is_empty(&self) -> bool {
        *self == Split::default()
    }
}

/// Everything one pass over the store counts for a period.
#[derive(Clone, Debug, Default)]
pub struct PeriodCounts {
    pub city: Split,
    /// Indexed by unit [`NameId`] (承办单位).
    pub units: Vec<Split>,
    /// Indexed by unit [`NameId`] of the member unit (上级单位 if filled, else 承办单位).
    pub members: Vec<Split>,
    /// The member unit each 承办单位 rolled up into (`NO_NAME` for units with no ticket counted).
    pub unit_member: Vec<NameId>,
    /// 受理量 by channel id, by kind id.
    pub channels: Vec<u64>,
    pub kinds: Vec<u64>,
    /// 受理量 by (channel, category).
    pub channel_categories: FxHashMap<(NameId, NameId), u64>,
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

/// An exact rate: numerator over denominator, with its display form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub num: u64,
    pub den: u64,
    /// Percent at 2 decimals, rounded half-up; `None` ("—") when the denominator is zero.
    pub percent: Option<String>,
}

impl Rate {
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
