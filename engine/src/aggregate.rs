//! Month-keyed aggregates: one pass over the tickets, after which the counts of any range of
//! whole months are a sum over small per-entity tables, never a pass over the tickets again.
//!
//! Every counter of [`Tally::count`] is a predicate on at most two of a ticket's months once the
//! period is whole months `[m1, m2]`: a stamp is in the period when its month is in `[m1, m2]`,
//! before the start when its month is `< m1`, before the end when its month is `≤ m2` (an empty
//! stamp has month +∞, as `Stamp::NONE` sorts after every time). So each ticket adds fragments
//! keyed by one month (received, dispatched, due, feedback due, callback, closed) or by two
//! (received × closed for the carry-over, due × closed for 办结 by the period's end).
//! `engine/tests/aggregate.rs` checks the sums against the direct count for every period of a
//! generated file.

use crate::indicators::{DeadlineErrors, DeadlinePlan, PeriodCounts, Split, Tally};
use crate::period::Period;
use crate::store::{Audit, Callback, NameId, Ticket, TicketStore, NO_NAME};
use crate::time::Stamp;
use rustc_hash::FxHashMap;

/// Month index of a stamp; empty = +∞.
fn month_of(s: Stamp) -> i32 {
    if s.is_none() {
        i32::MAX
    } else {
        s.month().index()
    }
}

/// Which one-month fragment.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum By {
    Received,
    Dispatched,
    Due,
    FeedbackDue,
    Callback,
    Closed,
}

/// One entity's fragments, for one side (市派 or 省派).
#[derive(Clone, Debug, Default)]
struct Fragments {
    one: FxHashMap<(By, i32), Tally>,
    /// 转办 tickets by (received month, closed month): the carry-over.
    carry: FxHashMap<(i32, i32), u64>,
    /// Due tickets by (due month, closed month): 办结 by the end of the period.
    due_closed: FxHashMap<(i32, i32), u64>,
}

impl Fragments {
    fn add(&mut self, t: &Ticket) {
        let mut frag = |by: By, m: i32, f: &dyn Fn(&mut Tally)| f(self.one.entry((by, m)).or_default());
        let recv = month_of(t.received);
        frag(By::Received, recv, &|x| {
            x.received += 1;
            if t.is_transferred() {
                x.transferred += 1;
            } else {
                x.direct += 1;
            }
        });
        if let Some(when) = callback_time(t) {
            frag(By::Callback, month_of(when), &|x| match t.callback {
                Callback::Satisfied => x.satisfied += 1,
                Callback::BasicallySatisfied => x.basically_satisfied += 1,
                Callback::Unsatisfied => x.unsatisfied += 1,
                Callback::NotReached => x.not_reached += 1,
                Callback::None => {}
            });
        }
        if !t.is_transferred() {
            return;
        }
        let closed = month_of(t.closed);
        *self.carry.entry((recv, closed)).or_default() += 1;
        frag(By::Dispatched, month_of(t.dispatched), &|x| {
            x.dispatched += 1;
            if t.sign_due.is_some() {
                x.sign_due_known += 1;
                x.signed_on_time += u64::from(t.signed <= t.sign_due);
            }
            if t.contact_due.is_some() {
                x.contact_due_known += 1;
                x.contacted_on_time += u64::from(t.first_contact <= t.contact_due);
            }
        });
        if t.due.is_some() {
            let due = month_of(t.due);
            frag(By::Due, due, &|x| {
                x.due += 1;
                let on_time = t.closed <= t.due;
                x.on_time += u64::from(on_time);
                x.reworked += u64::from(t.returned > 0);
                if t.urgent {
                    x.urgent_due += 1;
                    x.urgent_on_time += u64::from(on_time);
                }
            });
            *self.due_closed.entry((due, closed)).or_default() += 1;
        }
        if t.feedback_due.is_some() {
            frag(By::FeedbackDue, month_of(t.feedback_due), &|x| {
                x.feedback_due += 1;
                x.feedback_on_time += u64::from(t.feedback_at <= t.feedback_due);
            });
        }
        if t.closed.is_some() && t.audit != Audit::NotSampled {
            frag(By::Closed, closed, &|x| match t.audit {
                Audit::Compliant => x.audit_compliant += 1,
                Audit::NonCompliant => x.audit_non_compliant += 1,
                Audit::NotSampled => {}
            });
        }
    }

    /// The tally of whole months `[m1, m2]`.
    fn tally(&self, m1: i32, m2: i32) -> Tally {
        let mut t = Tally::default();
        let inside = |m: i32| m >= m1 && m <= m2;
        for ((_, m), f) in &self.one {
            if inside(*m) {
                t.add(f);
            }
        }
        for ((recv, closed), n) in &self.carry {
            if *recv < m1 && *closed >= m1 {
                t.carried_over += n;
                t.transferred += n;
            }
        }
        for ((due, closed), n) in &self.due_closed {
            if inside(*due) && *closed <= m2 {
                t.closed += n;
            }
        }
        t
    }
}

fn callback_time(t: &Ticket) -> Option<Stamp> {
    (t.callback != Callback::None)
        .then(|| if t.callback_at.is_some() { t.callback_at } else { t.closed_at() })
}

/// Accepted-ticket counts (受理量) by a key: received month × closed month, a 直接答复 ticket being
/// closed in the month it was received.
#[derive(Clone, Debug, Default)]
struct Accepted(FxHashMap<(i32, i32), u64>);

impl Accepted {
    fn add(&mut self, t: &Ticket) {
        let recv = month_of(t.received);
        let closed = if t.is_transferred() { month_of(t.closed) } else { recv };
        *self.0.entry((recv, closed)).or_default() += 1;
    }
    fn count(&self, m1: i32, m2: i32) -> u64 {
        self.0
            .iter()
            .filter(|((r, c), _)| (*r >= m1 && *r <= m2) || (*r < m1 && *c >= m1))
            .map(|(_, n)| n)
            .sum()
    }
}

/// Everything a period's counts need, for any range of whole months.
#[derive(Clone, Debug, Default)]
pub struct MonthAggregates {
    city: [Fragments; 2],
    units: Vec<[Fragments; 2]>,
    members: Vec<[Fragments; 2]>,
    unit_member: Vec<NameId>,
    channels: Vec<Accepted>,
    kinds: Vec<Accepted>,
    channel_categories: FxHashMap<(NameId, NameId), Accepted>,
    pub deadline_errors: DeadlineErrors,
}

impl MonthAggregates {
    /// One pass over the store (deadlines applied as when counting directly).
    pub fn build(
        store: &TicketStore,
        member_of: &[NameId],
        extra_members: usize,
        plan: &DeadlinePlan,
    ) -> Self {
        let n = store.units.len();
        let mut a = MonthAggregates {
            units: vec![Default::default(); n],
            members: vec![Default::default(); n + extra_members],
            unit_member: vec![NO_NAME; n],
            channels: vec![Default::default(); store.channels.len()],
            kinds: vec![Default::default(); store.kinds.len()],
            ..Default::default()
        };
        for raw in &store.tickets {
            let t = a.deadline_errors.apply(plan, raw);
            let side = usize::from(t.from_province);
            a.city[side].add(&t);
            if t.channel != NO_NAME {
                a.channels[t.channel as usize].add(&t);
                a.channel_categories.entry((t.channel, t.category)).or_default().add(&t);
            }
            if t.kind != NO_NAME {
                a.kinds[t.kind as usize].add(&t);
            }
            if t.unit != NO_NAME {
                a.units[t.unit as usize][side].add(&t);
                let member = match t.parent {
                    NO_NAME => {
                        member_of.get(t.unit as usize).copied().filter(|m| *m != NO_NAME).unwrap_or(t.unit)
                    }
                    p => p,
                };
                a.members[member as usize][side].add(&t);
                a.unit_member[t.unit as usize] = member;
            }
        }
        a
    }

    /// The counts of `period`, as [`crate::indicators::count_period`] would give them.
    pub fn counts(&self, period: Period) -> PeriodCounts {
        let (m1, m2) = (period.first.index(), period.last.index());
        let split = |f: &[Fragments; 2]| Split([f[0].tally(m1, m2), f[1].tally(m1, m2)]);
        let units: Vec<Split> = self.units.iter().map(split).collect();
        let unit_member = self
            .unit_member
            .iter()
            .zip(&units)
            .map(|(m, s)| if s.is_empty() { NO_NAME } else { *m })
            .collect();
        PeriodCounts {
            city: split(&self.city),
            units,
            members: self.members.iter().map(split).collect(),
            unit_member,
            channels: self.channels.iter().map(|c| c.count(m1, m2)).collect(),
            kinds: self.kinds.iter().map(|c| c.count(m1, m2)).collect(),
            channel_categories: self
                .channel_categories
                .iter()
                .map(|(k, c)| (*k, c.count(m1, m2)))
                .filter(|(_, n)| *n > 0)
                .collect(),
            deadline_errors: self.deadline_errors.clone(),
        }
    }
}
