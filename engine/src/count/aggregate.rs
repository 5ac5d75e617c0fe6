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

use crate::count::events::{carry_times, due_close_times, Event};
use crate::count::indicators::{PeriodCounts, Split, Tally};
use crate::tickets::deadlines::{DeadlineErrors, DeadlinePlan};
use crate::tickets::period::Period;
use crate::tickets::store::{NameId, Ticket, TicketStore, NO_NAME};
use crate::time::Stamp;
use rustc_hash::FxHashMap;

mod tables;
mod wire;

pub use tables::{Accepts, Basis, Cell, CellTables, MonthPair, MonthTally, TopicAccepts};

/// The months a file's stamps fall in, compressed to dense positions `0..len`; an empty stamp
/// takes position `len` (after every month, as `Stamp::NONE` sorts after every time).
#[derive(Clone, Debug, Default, PartialEq)]
struct MonthIndex {
    months: Vec<i32>,
    /// First second of each month in `months`.
    starts: Vec<Stamp>,
    /// The position of each day from the first month's start to the last month's: a stamp's
    /// position is a division and a lookup (a pass over a million tickets looks up twelve).
    first_day: u32,
    by_day: Vec<u16>,
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
                // Distinct months only: stamps of a ticket alternate between a few months, and
                // a list of every change would grow with the tickets.
                if !seen.contains(&m.index()) {
                    seen.push(m.index());
                }
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
        MonthIndex::from_months(seen)
    }
    /// The index of the given months (month indices, ascending, distinct).
    fn from_months(months: Vec<i32>) -> MonthIndex {
        let starts: Vec<Stamp> = months.iter().map(|m| crate::time::Month::from_index(*m).start()).collect();
        let (first_day, last_day) =
            (starts.first().map_or(0, |s| s.day()), starts.last().map_or(0, |s| s.day()));
        let by_day =
            (first_day..last_day).map(|d| (starts.partition_point(|st| st.day() <= d) - 1) as u16).collect();
        MonthIndex { months, starts, first_day, by_day }
    }
    fn len(&self) -> usize {
        self.months.len() + 1
    }
    /// The month at position `pos`, `None` for the empty-stamp position.
    fn month(&self, pos: usize) -> Option<crate::time::Month> {
        self.months.get(pos).map(|m| crate::time::Month::from_index(*m))
    }
    /// The position of a month of the index (`None` = the empty-stamp position).
    fn position(&self, m: Option<crate::time::Month>) -> usize {
        match m {
            None => self.months.len(),
            Some(m) => self.months.partition_point(|x| *x < m.index()),
        }
    }
    /// The position of the last month starting at or before the stamp: its own month when the
    /// index has every month of the file; in a period's index ([`Cells::for_period`]) the bucket
    /// it falls in (a stamp before the first month counts in the first).
    #[inline]
    fn pos(&self, s: Stamp) -> usize {
        if s.is_none() {
            return self.months.len();
        }
        match s.day().checked_sub(self.first_day) {
            None => 0,
            Some(d) => {
                self.by_day.get(d as usize).map_or(self.months.len().saturating_sub(1), |p| usize::from(*p))
            }
        }
    }
    /// Positions of whole months `[m1, m2]`: `lo..hi` (empty stamps are never inside).
    fn range(&self, m1: i32, m2: i32) -> (usize, usize) {
        (self.months.partition_point(|m| *m < m1), self.months.partition_point(|m| *m <= m2))
    }
}

/// One entity's tables, for one side (市派 or 省派), over the file's months (dense positions).
#[derive(Clone, Debug, Default, PartialEq)]
struct Fragments {
    /// Six one-month tables, [`Event`] × month position.
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

    /// Adds a ticket; `recv` and `closed` are the positions of its 受理时间 and 办结时间. Each
    /// event adds its counters at its month ([`crate::count::events`], the definition the direct count
    /// uses too).
    #[expect(
        clippy::indexing_slicing,
        reason = "the tables were made by `Fragments::new(ix.len())`: `one` holds 6 × n, `carry` and `due_closed` n × n; an `Event` is below 6 and every `MonthIndex` position (`recv`, `closed`, `pos`) below `ix.len()` = n"
    )]
    fn add(&mut self, t: &Ticket, ix: &MonthIndex, recv: usize, closed: usize) {
        let n = ix.len();
        let one = &mut self.one;
        crate::for_each_event!(|event: Event| {
            if let Some(when) = event.stamp(t) {
                let pos = match event {
                    Event::Received => recv,
                    Event::Closed => closed,
                    _ => ix.pos(when),
                };
                event.add(t, &mut one[event as usize * n + pos]);
            }
        });
        if carry_times(t).is_some() {
            self.carry[recv * n + closed] += 1;
        }
        if let Some((due, _)) = due_close_times(t) {
            self.due_closed[ix.pos(due) * n + closed] += 1;
        }
    }

    /// Adds another entity's tables over the same months.
    fn absorb(&mut self, o: &Fragments) {
        if o.one.is_empty() {
            return;
        }
        if self.one.is_empty() {
            *self = o.clone();
            return;
        }
        for (a, b) in self.one.iter_mut().zip(&o.one) {
            a.add(b);
        }
        for (a, b) in self.carry.iter_mut().zip(&o.carry) {
            *a += b;
        }
        for (a, b) in self.due_closed.iter_mut().zip(&o.due_closed) {
            *a += b;
        }
    }

    /// The tally of month positions `lo..hi` (whole months `[m1, m2]`).
    fn tally(&self, lo: usize, hi: usize, n: usize) -> Tally {
        let mut t = Tally::default();
        if self.one.is_empty() {
            return t;
        }
        // Rows of n positions (`n` = the index's length, at least 1): six events, then
        // received (or due) position × closed position.
        for row in self.one.chunks(n).take(6) {
            row.get(lo..hi).unwrap_or_default().iter().for_each(|x| t.add(x));
        }
        // Carried over: received before the period, closed in it or later (or still open).
        for row in self.carry.chunks(n).take(lo) {
            let c: u64 = row.get(lo..).unwrap_or_default().iter().sum();
            t.carried_over += c;
            t.transferred += c;
        }
        // 办结: due in the period, closed by its end.
        for row in self.due_closed.chunks(n).take(hi).skip(lo) {
            t.closed += row.get(..hi).unwrap_or_default().iter().sum::<u64>();
        }
        t
    }
}

/// Accepted-ticket counts (受理量) by received position × closed position, a 直接答复 ticket being
/// closed in the month it was received.
#[derive(Clone, Debug, Default, PartialEq)]
struct Accepted(Vec<u64>);

impl Accepted {
    /// Adds a ticket received at position `recv` and closed at `closed` (a 直接答复 ticket: `recv`).
    #[expect(
        clippy::indexing_slicing,
        reason = "the table holds n × n counts and `recv`, `closed` are `MonthIndex` positions, below n = the index's length"
    )]
    fn add(&mut self, recv: usize, closed: usize, n: usize) {
        if self.0.is_empty() {
            self.0 = vec![0; n * n];
        }
        self.0[recv * n + closed] += 1;
    }
    fn count(&self, lo: usize, hi: usize, n: usize) -> u64 {
        if self.0.is_empty() {
            return 0;
        }
        let inside: u64 = self.0.get(lo * n..hi * n).unwrap_or_default().iter().sum();
        // Rows of n closed positions (`n` = the index's length, at least 1).
        let carried: u64 =
            self.0.chunks(n).take(lo).map(|row| row.get(lo..).unwrap_or_default().iter().sum::<u64>()).sum();
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
    /// Tickets whose deadline could not be computed when the cells were built; counted without it.
    pub deadline_errors: DeadlineErrors,
}

/// The first, registry-free stage of the aggregates: tables per cell, a cell being the tickets
/// of one (承办单位, 上级单位 as the row fills it) pair (`NO_NAME` for none: 直接答复 tickets have
/// no unit). The city is the sum of all cells, a unit the sum of its cells, a member unit the sum
/// of the cells that roll into it, which only the registry decides: so a registry change re-sums
/// cells, and cells are what a partial-aggregates file holds ([`crate::partial`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cells {
    index: MonthIndex,
    /// (unit, parent as filled) and its tables per side, in first-seen order.
    cells: Vec<((NameId, NameId), [Fragments; 2])>,
    channels: Vec<Accepted>,
    kinds: Vec<Accepted>,
    channel_categories: FxHashMap<(NameId, NameId), Accepted>,
    /// Tickets whose rule-file or working-day deadline could not be computed; counted without it.
    pub deadline_errors: DeadlineErrors,
}

/// The most distinct months the dense tables serve (10 years): they hold month × month counts per
/// cell, so a file whose dates are scattered over centuries would need gigabytes. Beyond it the
/// report counts each period directly from the tickets ([`crate::report::Counted`]).
pub const MAX_DENSE_MONTHS: usize = 120;

impl Cells {
    /// One pass over the store (deadlines applied as when counting directly); `None` when the
    /// tickets' times span more than [`MAX_DENSE_MONTHS`] distinct months.
    pub fn try_build(store: &TicketStore, plan: &DeadlinePlan) -> Option<Cells> {
        let index = MonthIndex::new(store, plan);
        (index.months.len() <= MAX_DENSE_MONTHS).then(|| Self::build_with(store, plan, index))
    }

    /// One pass over the store (deadlines applied as when counting directly).
    pub fn build(store: &TicketStore, plan: &DeadlinePlan) -> Cells {
        Self::build_with(store, plan, MonthIndex::new(store, plan))
    }

    /// The cells of one period's counts only, and of the period before it (for month-over-month
    /// changes), whatever the months the tickets span: four buckets keyed by representative
    /// months, everything before the previous period in the month before it, the previous
    /// period in its first month, the period in its first month, everything after in the month
    /// after it. Exact for those two periods, since a count only asks whether a stamp falls
    /// before, in or after the period (`engine/tests/partial.rs`); for files whose dates span
    /// more months than the month tables serve ([`MAX_DENSE_MONTHS`]).
    pub fn for_period(store: &TicketStore, plan: &DeadlinePlan, period: Period) -> Cells {
        let previous = period.previous();
        let buckets = vec![
            previous.first.index() - 1,
            previous.first.index(),
            period.first.index(),
            period.last.index() + 1,
        ];
        Self::build_with(store, plan, MonthIndex::from_months(buckets))
    }

    fn build_with(store: &TicketStore, plan: &DeadlinePlan, index: MonthIndex) -> Cells {
        let width = index.len();
        let mut c = Cells {
            channels: vec![Default::default(); store.channels.len()],
            kinds: vec![Default::default(); store.kinds.len()],
            index,
            ..Default::default()
        };
        // Cells by 承办单位 (the last slot for none), each with its few 上级单位 as filled.
        let mut by_unit: Vec<Vec<(NameId, usize)>> = vec![Vec::new(); store.units.len() + 1];
        // (channel, category) tables by position while counting, when that table is small.
        let topic_slots = store.channels.len() * (store.categories.len() + 1);
        let mut topics: Vec<Accepted> =
            if topic_slots <= 1 << 16 { vec![Accepted::default(); topic_slots] } else { Vec::new() };
        let with_plan = plan.needed(store);
        #[expect(
            clippy::indexing_slicing,
            reason = "`channels` and `kinds` are sized from the store's tables, which every stored ticket's non-`NO_NAME` id indexes; a non-empty `topics` holds channels × (categories + 1) and `category` is at most `categories.len()`; `unit` is at most `units.len()` and `by_unit` holds `units.len() + 1`; `i` is a position pushed into `c.cells`; `side` is `usize::from(bool)` and a cell holds two sides"
        )]
        for raw in &store.tickets {
            let t = if with_plan { c.deadline_errors.apply(plan, raw) } else { *raw };
            let side = usize::from(t.from_province);
            let ix = &c.index;
            let recv = ix.pos(t.received);
            let closed = ix.pos(t.closed);
            let accepted_closed = if t.is_transferred() { closed } else { recv };
            if t.channel != NO_NAME {
                c.channels[t.channel as usize].add(recv, accepted_closed, width);
                if topics.is_empty() {
                    c.channel_categories.entry((t.channel, t.category)).or_default().add(
                        recv,
                        accepted_closed,
                        width,
                    );
                } else {
                    let category =
                        if t.category == NO_NAME { store.categories.len() } else { t.category as usize };
                    topics[t.channel as usize * (store.categories.len() + 1) + category].add(
                        recv,
                        accepted_closed,
                        width,
                    );
                }
            }
            if t.kind != NO_NAME {
                c.kinds[t.kind as usize].add(recv, accepted_closed, width);
            }
            let unit = if t.unit == NO_NAME { store.units.len() } else { t.unit as usize };
            let i = match by_unit[unit].iter().find(|(p, _)| *p == t.parent) {
                Some(&(_, i)) => i,
                None => {
                    c.cells.push(((t.unit, t.parent), [Fragments::default(), Fragments::default()]));
                    by_unit[unit].push((t.parent, c.cells.len() - 1));
                    c.cells.len() - 1
                }
            };
            // A side's tables are made on its first ticket: most cells see one side only.
            let f = &mut c.cells[i].1[side];
            if f.one.is_empty() {
                *f = Fragments::new(width);
            }
            f.add(&t, ix, recv, closed);
        }
        let per_channel = store.categories.len() + 1;
        for (slot, table) in topics.into_iter().enumerate().filter(|(_, t)| !t.0.is_empty()) {
            let category = slot % per_channel;
            let category = if category == store.categories.len() { NO_NAME } else { category as NameId };
            c.channel_categories.insert(((slot / per_channel) as NameId, category), table);
        }
        c
    }
}

impl Cells {
    /// 受理量 per month (every ticket, by 受理时间).
    pub fn received_by_month(&self) -> std::collections::BTreeMap<crate::time::Month, u64> {
        let n = self.index.len();
        let mut out = std::collections::BTreeMap::new();
        for (_, sides) in &self.cells {
            for f in sides.iter().filter(|f| !f.one.is_empty()) {
                let received = f.one.chunks(n).nth(Event::Received as usize).unwrap_or_default();
                for (pos, t) in received.iter().enumerate() {
                    let r = t.received;
                    if let (Some(m), true) = (self.index.month(pos), r > 0) {
                        *out.entry(m).or_default() += r;
                    }
                }
            }
        }
        out
    }

    /// The cells as a partial-aggregates file's tables (sources, deadlines and hashes are the
    /// partial's own).
    pub fn to_tables(&self, store: &TicketStore) -> CellTables {
        let n = self.index.len();
        let month = |pos: usize| self.index.month(pos);
        let name = |names: &crate::tickets::store::Names, id: NameId| {
            if id == NO_NAME {
                String::new()
            } else {
                names.get(id).to_string()
            }
        };
        let pairs = |m: &[u64]| -> Vec<MonthPair> {
            let mut v = Vec::new();
            for (i, &count) in m.iter().enumerate().filter(|(_, c)| **c > 0) {
                v.push(MonthPair { from: month(i / n), to: month(i % n), count });
            }
            v
        };
        let mut cells = Vec::new();
        for &((unit, parent), ref sides) in &self.cells {
            for (side, f) in sides.iter().enumerate().filter(|(_, f)| !f.one.is_empty()) {
                let mut by_month = Vec::new();
                for (by, row) in Basis::ALL.iter().zip(f.one.chunks(n)) {
                    for (pos, &counts) in row.iter().enumerate() {
                        if counts != Tally::default() {
                            by_month.push(MonthTally { by: *by, month: month(pos), counts });
                        }
                    }
                }
                cells.push(Cell {
                    unit: name(&store.units, unit),
                    parent: name(&store.units, parent),
                    province: side == 1,
                    by_month,
                    carried: pairs(&f.carry),
                    due_closed: pairs(&f.due_closed),
                });
            }
        }
        let accepts = |names: &crate::tickets::store::Names, tables: &[Accepted]| -> Vec<Accepts> {
            tables
                .iter()
                .enumerate()
                .filter(|(_, a)| !a.0.is_empty())
                .map(|(id, a)| Accepts { name: names.get(id as NameId).to_string(), accepted: pairs(&a.0) })
                .collect()
        };
        let mut topics: Vec<TopicAccepts> = self
            .channel_categories
            .iter()
            .map(|((c, cat), a)| TopicAccepts {
                channel: store.channels.get(*c).to_string(),
                category: name(&store.categories, *cat),
                accepted: pairs(&a.0),
            })
            .collect();
        topics.sort_by(|a, b| (&a.channel, &a.category).cmp(&(&b.channel, &b.category)));
        CellTables {
            cells,
            channels: accepts(&store.channels, &self.channels),
            kinds: accepts(&store.kinds, &self.kinds),
            topics,
        }
    }

    /// The cells of a partial-aggregates file's tables, with a ticket store that holds only the
    /// names.
    pub fn from_tables(
        cells: &[Cell],
        channels: &[Accepts],
        kinds: &[Accepts],
        topics: &[TopicAccepts],
        deadline_errors: &DeadlineErrors,
    ) -> (TicketStore, Cells) {
        let mut months: Vec<i32> = Vec::new();
        let mut note = |m: Option<crate::time::Month>| {
            if let Some(m) = m {
                months.push(m.index());
            }
        };
        for c in cells {
            c.by_month.iter().for_each(|t| note(t.month));
            c.carried.iter().chain(&c.due_closed).for_each(|x| {
                note(x.from);
                note(x.to);
            });
        }
        for a in channels
            .iter()
            .chain(kinds)
            .flat_map(|a| &a.accepted)
            .chain(topics.iter().flat_map(|t| &t.accepted))
        {
            note(a.from);
            note(a.to);
        }
        months.sort_unstable();
        months.dedup();
        let index = MonthIndex::from_months(months);
        let n = index.len();
        let mut store = TicketStore::default();
        let intern = |names: &mut crate::tickets::store::Names, s: &str| {
            if s.is_empty() {
                NO_NAME
            } else {
                names.intern(s)
            }
        };
        let mut c = Cells { deadline_errors: deadline_errors.clone(), ..Default::default() };
        let mut at: FxHashMap<(NameId, NameId), usize> = FxHashMap::default();
        let put = |m: &mut Vec<u64>, x: &MonthPair, index: &MonthIndex| {
            // The index holds every month the tables name, so the slot exists.
            if let Some(slot) = m.get_mut(index.position(x.from) * n + index.position(x.to)) {
                *slot += x.count;
            }
        };
        for cell in cells {
            let key = (intern(&mut store.units, &cell.unit), intern(&mut store.units, &cell.parent));
            let i = *at.entry(key).or_insert_with(|| {
                c.cells.push((key, [Fragments::default(), Fragments::default()]));
                c.cells.len() - 1
            });
            let Some((_, [municipal, province])) = c.cells.get_mut(i) else {
                continue; // `at` only holds positions pushed into `c.cells`
            };
            let f = if cell.province { province } else { municipal };
            if f.one.is_empty() {
                *f = Fragments::new(n);
            }
            for t in &cell.by_month {
                let b = Basis::ALL.iter().position(|b| *b == t.by).unwrap_or(0);
                if let Some(x) = f.one.get_mut(b * n + index.position(t.month)) {
                    x.add(&t.counts);
                }
            }
            cell.carried.iter().for_each(|x| put(&mut f.carry, x, &index));
            cell.due_closed.iter().for_each(|x| put(&mut f.due_closed, x, &index));
        }
        let accepted = |names: &mut crate::tickets::store::Names,
                        tables: &mut Vec<Accepted>,
                        name: &str,
                        list: &[MonthPair]| {
            let id = names.intern(name) as usize;
            if tables.len() <= id {
                tables.resize(id + 1, Accepted::default());
            }
            if let Some(table) = tables.get_mut(id) {
                if table.0.is_empty() {
                    table.0 = vec![0; n * n];
                }
                list.iter().for_each(|x| put(&mut table.0, x, &index));
            }
        };
        for a in channels {
            accepted(&mut store.channels, &mut c.channels, &a.name, &a.accepted);
        }
        for a in kinds {
            accepted(&mut store.kinds, &mut c.kinds, &a.name, &a.accepted);
        }
        for t in topics {
            let key = (store.channels.intern(&t.channel), intern(&mut store.categories, &t.category));
            let m = c.channel_categories.entry(key).or_insert_with(|| Accepted(vec![0; n * n]));
            t.accepted.iter().for_each(|x| put(&mut m.0, x, &index));
        }
        c.channels.resize(store.channels.len(), Accepted::default());
        c.kinds.resize(store.kinds.len(), Accepted::default());
        c.index = index;
        (store, c)
    }
}

impl MonthAggregates {
    /// One pass over the store (deadlines applied as when counting directly).
    pub fn build(
        store: &TicketStore,
        member_of: &[NameId],
        extra_members: usize,
        plan: &DeadlinePlan,
    ) -> Self {
        Self::from_cells(&Cells::build(store, plan), store.units.len(), member_of, extra_members)
    }

    /// Sums cells into the city, units and member units. `member_of[unit]` is the registry's
    /// member unit of a 承办单位 whose rows leave 上级单位 empty (`NO_NAME`: itself).
    pub fn from_cells(cells: &Cells, n_units: usize, member_of: &[NameId], extra_members: usize) -> Self {
        let pair = || [Fragments::default(), Fragments::default()];
        let mut a = MonthAggregates {
            city: pair(),
            units: vec![pair(); n_units],
            members: vec![pair(); n_units + extra_members],
            unit_member: vec![NO_NAME; n_units],
            channels: cells.channels.clone(),
            kinds: cells.kinds.clone(),
            channel_categories: cells.channel_categories.clone(),
            index: cells.index.clone(),
            deadline_errors: cells.deadline_errors.clone(),
        };
        for &((unit, parent), ref sides) in &cells.cells {
            for (city, f) in a.city.iter_mut().zip(sides) {
                city.absorb(f);
            }
            if unit == NO_NAME {
                continue;
            }
            let member = match parent {
                NO_NAME => member_of.get(unit as usize).copied().filter(|m| *m != NO_NAME).unwrap_or(unit),
                p => p,
            };
            // Unit ids are below `n_units`, member ids below `n_units + extra_members`: the
            // tables are sized so, and an id past them is skipped.
            if let Some(u) = a.units.get_mut(unit as usize) {
                u.iter_mut().zip(sides).for_each(|(u, f)| u.absorb(f));
            }
            if let Some(m) = a.members.get_mut(member as usize) {
                m.iter_mut().zip(sides).for_each(|(m, f)| m.absorb(f));
            }
            // A unit whose rows name different 上级单位 (inconsistent data) is shown under the
            // member of its last cell.
            if let Some(um) = a.unit_member.get_mut(unit as usize) {
                *um = member;
            }
        }
        a
    }

    /// The counts of `period`, as [`crate::count::indicators::count_period`] would give them.
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
