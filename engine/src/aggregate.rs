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

/// The months a file's stamps fall in, compressed to dense positions `0..len`; an empty stamp
/// takes position `len` (after every month, as `Stamp::NONE` sorts after every time).
#[derive(Clone, Debug, Default)]
struct MonthIndex {
    months: Vec<i32>,
    /// First second of each month in `months`: a stamp's position is a binary search over
    /// these, with no calendar arithmetic per stamp.
    starts: Vec<Stamp>,
}

impl MonthIndex {
    fn new(store: &TicketStore, plan: &DeadlinePlan) -> MonthIndex {
        let mut seen: Vec<i32> = Vec::new();
        // The month last seen, as [start, end): most stamps fall in it, and skip `to_civil`.
        let (mut lo, mut hi) = (Stamp(1), Stamp(0));
        let mut note = |s: Stamp| {
            if s.is_some() && !(s >= lo && s < hi) {
                let m = s.month();
                (lo, hi) = (m.start(), m.next().start());
                seen.push(m.index());
            }
        };
        let with_plan = plan.needed(store);
        for raw in &store.tickets {
            let t = if with_plan { plan.apply(raw).unwrap_or(*raw) } else { *raw };
            for s in [t.received, t.dispatched, t.due, t.closed, t.feedback_due, t.callback_at] {
                note(s);
            }
        }
        seen.sort_unstable();
        seen.dedup();
        let starts = seen.iter().map(|m| crate::time::Month::from_index(*m).start()).collect();
        MonthIndex { months: seen, starts }
    }
    fn len(&self) -> usize {
        self.months.len() + 1
    }
    fn pos(&self, s: Stamp) -> usize {
        if s.is_none() {
            return self.months.len();
        }
        // Every stamp's month is in the index, so the last month starting at or before it is its own.
        self.starts.partition_point(|st| *st <= s).saturating_sub(1)
    }
    /// Positions of whole months `[m1, m2]`: `lo..hi` (empty stamps are never inside).
    fn range(&self, m1: i32, m2: i32) -> (usize, usize) {
        (self.months.partition_point(|m| *m < m1), self.months.partition_point(|m| *m <= m2))
    }
}

/// Which one-month table.
#[derive(Clone, Copy)]
enum By {
    Received = 0,
    Dispatched = 1,
    Due = 2,
    FeedbackDue = 3,
    Callback = 4,
    Closed = 5,
}

/// One entity's tables, for one side (市派 or 省派), over the file's months (dense positions).
#[derive(Clone, Debug, Default)]
struct Fragments {
    /// Six one-month tables, `By` × month position.
    one: Vec<Tally>,
    /// 转办 tickets by received position × closed position: the carry-over.
    carry: Vec<u64>,
    /// Due tickets by due position × closed position: 办结 by the end of the period.
    due_closed: Vec<u64>,
}

impl Fragments {
    fn new(n: usize) -> Fragments {
        Fragments { one: vec![Tally::default(); 6 * n], carry: vec![0; n * n], due_closed: vec![0; n * n] }
    }

    fn add(&mut self, t: &Ticket, ix: &MonthIndex) {
        let n = ix.len();
        let one = &mut self.one;
        let at = |by: By, pos: usize| by as usize * n + pos;
        let recv = ix.pos(t.received);
        let x = &mut one[at(By::Received, recv)];
        x.received += 1;
        if t.is_transferred() {
            x.transferred += 1;
        } else {
            x.direct += 1;
        }
        if let Some(when) = callback_time(t) {
            let x = &mut one[at(By::Callback, ix.pos(when))];
            match t.callback {
                Callback::Satisfied => x.satisfied += 1,
                Callback::BasicallySatisfied => x.basically_satisfied += 1,
                Callback::Unsatisfied => x.unsatisfied += 1,
                Callback::NotReached => x.not_reached += 1,
                Callback::None => {}
            }
        }
        if !t.is_transferred() {
            return;
        }
        let closed = ix.pos(t.closed);
        self.carry[recv * n + closed] += 1;
        let x = &mut one[at(By::Dispatched, ix.pos(t.dispatched))];
        x.dispatched += 1;
        if t.sign_due.is_some() {
            x.sign_due_known += 1;
            x.signed_on_time += u64::from(t.signed <= t.sign_due);
        }
        if t.contact_due.is_some() {
            x.contact_due_known += 1;
            x.contacted_on_time += u64::from(t.first_contact <= t.contact_due);
        }
        if t.due.is_some() {
            let due = ix.pos(t.due);
            let x = &mut one[at(By::Due, due)];
            x.due += 1;
            let on_time = t.closed <= t.due;
            x.on_time += u64::from(on_time);
            x.reworked += u64::from(t.returned > 0);
            if t.urgent {
                x.urgent_due += 1;
                x.urgent_on_time += u64::from(on_time);
            }
            self.due_closed[due * n + closed] += 1;
        }
        if t.feedback_due.is_some() {
            let x = &mut one[at(By::FeedbackDue, ix.pos(t.feedback_due))];
            x.feedback_due += 1;
            x.feedback_on_time += u64::from(t.feedback_at <= t.feedback_due);
        }
        if t.closed.is_some() && t.audit != Audit::NotSampled {
            let x = &mut one[at(By::Closed, closed)];
            match t.audit {
                Audit::Compliant => x.audit_compliant += 1,
                Audit::NonCompliant => x.audit_non_compliant += 1,
                Audit::NotSampled => {}
            }
        }
    }

    /// The tally of month positions `lo..hi` (whole months `[m1, m2]`).
    fn tally(&self, lo: usize, hi: usize, n: usize) -> Tally {
        let mut t = Tally::default();
        if self.one.is_empty() {
            return t;
        }
        for by in 0..6 {
            for pos in lo..hi {
                t.add(&self.one[by * n + pos]);
            }
        }
        // Carried over: received before the period, closed in it or later (or still open).
        for recv in 0..lo {
            let c: u64 = self.carry[recv * n + lo..recv * n + n].iter().sum();
            t.carried_over += c;
            t.transferred += c;
        }
        // 办结: due in the period, closed by its end.
        for due in lo..hi {
            t.closed += self.due_closed[due * n..due * n + hi].iter().sum::<u64>();
        }
        t
    }
}

fn callback_time(t: &Ticket) -> Option<Stamp> {
    (t.callback != Callback::None)
        .then(|| if t.callback_at.is_some() { t.callback_at } else { t.closed_at() })
}

/// Accepted-ticket counts (受理量) by received position × closed position, a 直接答复 ticket being
/// closed in the month it was received.
#[derive(Clone, Debug, Default)]
struct Accepted(Vec<u64>);

impl Accepted {
    fn add(&mut self, t: &Ticket, ix: &MonthIndex) {
        let n = ix.len();
        if self.0.is_empty() {
            self.0 = vec![0; n * n];
        }
        let recv = ix.pos(t.received);
        let closed = if t.is_transferred() { ix.pos(t.closed) } else { recv };
        self.0[recv * n + closed] += 1;
    }
    fn count(&self, lo: usize, hi: usize, n: usize) -> u64 {
        if self.0.is_empty() {
            return 0;
        }
        let inside: u64 = self.0[lo * n..hi * n].iter().sum();
        let carried: u64 = (0..lo).map(|r| self.0[r * n + lo..r * n + n].iter().sum::<u64>()).sum();
        inside + carried
    }
}

/// Everything a period's counts need, for any range of whole months.
#[derive(Clone, Debug, Default)]
pub struct MonthAggregates {
    index: MonthIndex,
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
        let index = MonthIndex::new(store, plan);
        let pair = || [Fragments::default(), Fragments::default()];
        let mut a = MonthAggregates {
            city: [Fragments::new(index.len()), Fragments::new(index.len())],
            units: vec![pair(); n],
            members: vec![pair(); n + extra_members],
            unit_member: vec![NO_NAME; n],
            channels: vec![Default::default(); store.channels.len()],
            kinds: vec![Default::default(); store.kinds.len()],
            index,
            ..Default::default()
        };
        let width = a.index.len();
        // Tables of entities are allocated on their first ticket: most units see few sides.
        let ensure = |f: &mut Fragments| {
            if f.one.is_empty() {
                *f = Fragments::new(width);
            }
        };
        let with_plan = plan.needed(store);
        for raw in &store.tickets {
            let t = if with_plan { a.deadline_errors.apply(plan, raw) } else { *raw };
            let side = usize::from(t.from_province);
            let ix = &a.index;
            a.city[side].add(&t, ix);
            if t.channel != NO_NAME {
                a.channels[t.channel as usize].add(&t, ix);
                a.channel_categories.entry((t.channel, t.category)).or_default().add(&t, ix);
            }
            if t.kind != NO_NAME {
                a.kinds[t.kind as usize].add(&t, ix);
            }
            if t.unit != NO_NAME {
                let u = &mut a.units[t.unit as usize][side];
                ensure(u);
                u.add(&t, ix);
                let member = match t.parent {
                    NO_NAME => {
                        member_of.get(t.unit as usize).copied().filter(|m| *m != NO_NAME).unwrap_or(t.unit)
                    }
                    p => p,
                };
                let m = &mut a.members[member as usize][side];
                ensure(m);
                m.add(&t, ix);
                a.unit_member[t.unit as usize] = member;
            }
        }
        a
    }

    /// The counts of `period`, as [`crate::indicators::count_period`] would give them.
    pub fn counts(&self, period: Period) -> PeriodCounts {
        let (lo, hi) = self.index.range(period.first.index(), period.last.index());
        let n = self.index.len();
        let split = |f: &[Fragments; 2]| Split([f[0].tally(lo, hi, n), f[1].tally(lo, hi, n)]);
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
            channels: self.channels.iter().map(|c| c.count(lo, hi, n)).collect(),
            kinds: self.kinds.iter().map(|c| c.count(lo, hi, n)).collect(),
            channel_categories: self
                .channel_categories
                .iter()
                .map(|(k, c)| (*k, c.count(lo, hi, n)))
                .filter(|(_, n)| *n > 0)
                .collect(),
            deadline_errors: self.deadline_errors.clone(),
        }
    }
}
