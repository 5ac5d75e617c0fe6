//! Indicator counts for a period: one pass over the ticket store fills a [`Tally`] per 承办单位,
//! per member unit and city-wide, each split into 市派 and 省派.
//!
//! The definitions are the contract in docs/indicators.md; every counter below names the
//! indicator it feeds. Rates are exact fractions ([`Rate`]) and are only rounded for display.

use crate::period::Period;
use crate::store::{NameId, Ticket, TicketStore, NO_NAME};
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

    /// Adds one ticket's contribution for the period `[start, end)`: every event of the ticket
    /// ([`crate::events`]) whose time falls in the period adds its counters.
    #[inline]
    pub fn count(&mut self, t: &Ticket, start: Stamp, end: Stamp) {
        use crate::events::{carried_into, carry_times, due_close_times, Event};
        let in_p = |s: Stamp| s >= start && s < end;
        for event in Event::ALL {
            if event.stamp(t).is_some_and(in_p) {
                event.add(t, self);
            }
        }
        if let Some((received, closed)) = carry_times(t) {
            if carried_into(received, closed, start) {
                self.carried_over += 1;
                self.transferred += 1;
            }
        }
        if let Some((due, closed)) = due_close_times(t) {
            self.closed += u64::from(in_p(due) && closed < end);
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

/// Deadlines the counting uses where the export gives none (or gives a number of working days).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeadlinePlan {
    /// From the rule file in force, if it states deadlines.
    pub rules: Option<crate::rules::Deadlines>,
}

impl DeadlinePlan {
    /// Whether counting needs to look at deadlines at all for this store.
    pub fn needed(&self, store: &TicketStore) -> bool {
        self.rules.is_some() || store.tickets.iter().any(|t| t.due_days > 0)
    }

    /// The ticket as counted: deadlines filled in from working days and the rules. An error when
    /// the official calendar does not cover a date (never a weekday guess).
    pub fn apply(&self, t: &Ticket) -> Result<Ticket, crate::calendar::CalendarError> {
        use crate::calendar::WorkCalendar;
        let mut e = *t;
        if !t.is_transferred() || t.dispatched.is_none() {
            return Ok(e);
        }
        let conv = self.rules.as_ref().map(|r| r.day_count).unwrap_or_default();
        let cal = WorkCalendar::official();
        if let Some(r) = &self.rules {
            if let Some(h) = r.sign_within_hours {
                if e.sign_due.is_none() || r.override_export {
                    e.sign_due = WorkCalendar::add_hours(t.dispatched, h);
                }
            }
        }
        if t.due_days > 0 {
            e.due = cal.add_working_days(t.dispatched, u32::from(t.due_days), conv)?;
        } else if let Some(r) = &self.rules {
            let days = if t.urgent {
                r.urgent_close_within_working_days.or(r.close_within_working_days)
            } else {
                r.close_within_working_days
            };
            if let Some(d) = days {
                if e.due.is_none() || r.override_export {
                    e.due = cal.add_working_days(t.dispatched, d, conv)?;
                }
            }
        }
        Ok(e)
    }
}

/// Tickets whose deadline could not be computed: how many, and the first few for the message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineErrors {
    pub count: u64,
    /// "第 12 行：…" for the first ten.
    pub examples: Vec<String>,
}

impl DeadlineErrors {
    /// The ticket as counted: with its deadlines applied, or as it is (and the error noted).
    pub fn apply(&mut self, plan: &DeadlinePlan, t: &Ticket) -> Ticket {
        plan.apply(t).unwrap_or_else(|err| {
            self.count += 1;
            if self.examples.len() < 10 {
                self.examples.push(format!("第 {} 行：{}", t.line, err.message()));
            }
            *t
        })
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
