//! The in-memory ticket store: one compact fixed-size [`Ticket`] per accepted row, with unit,
//! channel, kind and category names interned.
//!
//! Layout choice: every indicator pass reads nearly every field of a ticket, so a ticket is one
//! 76-byte record (one cache line per ticket in a sequential scan) rather than one vector per
//! field. Ticket numbers, which only the self-audit lists and duplicate check need, live apart in
//! one byte arena. Invariant: `tickets[i]`, `id(i)` and `line(i)` describe the same row.

use crate::time::Stamp;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Index into one of the [`Names`] tables; `NO_NAME` for an empty field.
pub type NameId = u32;
/// The id of an empty name field (no 承办单位 on a 直接答复 ticket, an empty 上级单位 or 问题分类).
pub const NO_NAME: NameId = u32::MAX;

/// An interned set of names (units, channels, kinds or categories), in first-seen order.
#[derive(Clone, Debug, Default)]
pub struct Names {
    names: Vec<String>,
    by_name: FxHashMap<String, NameId>,
}

impl Names {
    /// The id of `name`, added at the end if it is new: ids follow first appearance in the file.
    pub fn intern(&mut self, name: &str) -> NameId {
        if let Some(id) = self.by_name.get(name) {
            return *id;
        }
        let id = self.names.len() as NameId;
        self.names.push(name.to_string());
        self.by_name.insert(name.to_string(), id);
        id
    }
    /// The name with id `id`; `""` for [`NO_NAME`] or any id not in the table.
    pub fn get(&self, id: NameId) -> &str {
        self.names.get(id as usize).map_or("", |s| s.as_str())
    }
    /// The id of `name` if the file used it (exact match, no trimming); never adds it.
    pub fn find(&self, name: &str) -> Option<NameId> {
        self.by_name.get(name).copied()
    }
    /// Distinct names: ids run `0..len`.
    pub fn len(&self) -> usize {
        self.names.len()
    }
    /// Whether no name has been interned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
    /// Every name with its id, in id (first-seen) order.
    pub fn iter(&self) -> impl Iterator<Item = (NameId, &str)> {
        self.names.iter().enumerate().map(|(i, s)| (i as NameId, s.as_str()))
    }
}

/// 办理方式.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Handling {
    /// 直接答复: answered by the hotline itself; closed when received.
    Direct,
    /// 转办: dispatched to a unit.
    Transferred,
}

/// 回访结果.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
pub enum Callback {
    /// Empty: no callback.
    #[default]
    None,
    /// 满意
    Satisfied,
    /// 基本满意
    BasicallySatisfied,
    /// 不满意
    Unsatisfied,
    /// 未回访 (tried, not reached)
    NotReached,
}

/// 答复抽检.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
pub enum Audit {
    /// Empty: not sampled, so in no 答复抽检数.
    #[default]
    NotSampled,
    /// 规范
    Compliant,
    /// 不规范
    NonCompliant,
}

/// One accepted row. Times are [`Stamp`]s (`Stamp::NONE` = empty field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ticket {
    /// 受理时间: puts the ticket in 当月受理 (or 上月结转) and in its month's volume.
    pub received: Stamp,
    /// 派单时间: puts a 转办 ticket in 总工单数 and the 签收/首次联系 rates.
    pub dispatched: Stamp,
    /// 签收时限; `NONE` takes the ticket out of 及时签收率 (counted as 无签收时限).
    pub sign_due: Stamp,
    /// 签收时间; `NONE` (never signed) sorts after every 签收时限, so it is late.
    pub signed: Stamp,
    /// 首次联系时限; `NONE` takes the ticket out of 首次联系率.
    pub contact_due: Stamp,
    /// 首次联系时间; `NONE` (never contacted) is late.
    pub first_contact: Stamp,
    /// 办理时限 (after any approved extension; a date alone is 00:00:00): puts the ticket in
    /// 应办结数. `NONE` when empty or given as working days (`due_days`): then never due unless
    /// the count fills it in.
    pub due: Stamp,
    /// 办结时间 as the file gives it; `NONE` = still open, so never 办结 and never on time.
    pub closed: Stamp,
    /// 回访时间: puts the callback in a period; `NONE` falls back to [`Ticket::ended_at`].
    pub callback_at: Stamp,
    /// 反馈时限: puts a 转办 ticket in 按时反馈率; `NONE` = in no period's.
    pub feedback_due: Stamp,
    /// 反馈时间; `NONE` (no feedback) is late.
    pub feedback_at: Stamp,
    /// 承办单位; `NO_NAME` on 直接答复 tickets.
    pub unit: NameId,
    /// 上级单位 if filled, else `NO_NAME`.
    pub parent: NameId,
    /// 来源渠道 (always filled: the check requires it), in [`TicketStore::channels`].
    pub channel: NameId,
    /// 诉求类型 (always filled), in [`TicketStore::kinds`].
    pub kind: NameId,
    /// 问题分类, in [`TicketStore::categories`]; `NO_NAME` when empty (in no hot topic).
    pub category: NameId,
    /// Physical line of the row in its file (header = 1): every figure traces back to it.
    pub line: u32,
    /// 退回次数 (empty = 0): the ticket is 返工 when it is above 0.
    pub returned: u16,
    /// 办理时限 given as a number of working days after dispatch (0 = given as a datetime or
    /// empty); turned into a deadline with the official calendar when counting.
    pub due_days: u16,
    /// 办理方式: 直接答复 tickets count only in receipts and callbacks, never for a unit.
    pub handling: Handling,
    /// 省派 (是/Y/1/true): the ticket counts on the 省派 side, else on the 市派 side.
    pub from_province: bool,
    /// 急件 (是/Y/1/true): counts in 急件应办结/急件按期 and may take the rule file's 急件 deadline.
    pub urgent: bool,
    /// 回访结果; [`Callback::None`] when there was no callback.
    pub callback: Callback,
    /// 答复抽检 result; [`Audit::NotSampled`] when empty.
    pub audit: Audit,
}

impl Ticket {
    /// A ticket read from `line` with every other field empty.
    pub fn new(line: u32, transferred: bool) -> Ticket {
        Ticket {
            received: Stamp::NONE,
            dispatched: Stamp::NONE,
            sign_due: Stamp::NONE,
            signed: Stamp::NONE,
            contact_due: Stamp::NONE,
            first_contact: Stamp::NONE,
            due: Stamp::NONE,
            closed: Stamp::NONE,
            callback_at: Stamp::NONE,
            feedback_due: Stamp::NONE,
            feedback_at: Stamp::NONE,
            unit: NO_NAME,
            parent: NO_NAME,
            channel: NO_NAME,
            kind: NO_NAME,
            category: NO_NAME,
            line,
            returned: 0,
            due_days: 0,
            handling: if transferred { Handling::Transferred } else { Handling::Direct },
            from_province: false,
            urgent: false,
            callback: Callback::None,
            audit: Audit::NotSampled,
        }
    }

    /// The field of a datetime column.
    ///
    /// # Panics
    /// On a column that is not a datetime (a bug in the caller).
    pub fn time_mut(&mut self, c: crate::tickets::schema::Column) -> &mut Stamp {
        use crate::tickets::schema::Column;
        match c {
            Column::ReceivedAt => &mut self.received,
            Column::DispatchedAt => &mut self.dispatched,
            Column::SignDueAt => &mut self.sign_due,
            Column::SignedAt => &mut self.signed,
            Column::ContactDueAt => &mut self.contact_due,
            Column::FirstContactAt => &mut self.first_contact,
            Column::DueAt => &mut self.due,
            Column::ClosedAt => &mut self.closed,
            Column::CallbackAt => &mut self.callback_at,
            Column::FeedbackDueAt => &mut self.feedback_due,
            Column::FeedbackAt => &mut self.feedback_at,
            _ => panic!("{c:?} is not a datetime column"),
        }
    }

    /// 办理方式 = 转办: the ticket has a unit and counts in every dispatch and closing figure.
    pub fn is_transferred(&self) -> bool {
        self.handling == Handling::Transferred
    }
    /// When the ticket stopped being open: its 办结时间 (`closed`) for a 转办 ticket, its 受理时间
    /// for a 直接答复 ticket (answered when received). Named apart from `closed`, which is the
    /// 办结时间 column alone.
    pub fn ended_at(&self) -> Stamp {
        match self.handling {
            Handling::Direct => self.received,
            Handling::Transferred => self.closed,
        }
    }
    /// The member unit it counts for: 上级单位 if filled, else 承办单位.
    pub fn member(&self) -> NameId {
        if self.parent != NO_NAME {
            self.parent
        } else {
            self.unit
        }
    }
}

/// All accepted tickets of one file, with their name tables.
#[derive(Clone, Debug, Default)]
pub struct TicketStore {
    /// The accepted rows, in file order.
    pub tickets: Vec<Ticket>,
    pub(crate) id_bytes: Vec<u8>,
    pub(crate) id_ends: Vec<u32>,
    /// Unit names: both 承办单位 and 上级单位 live here, so a member unit that also handles
    /// tickets itself is one name.
    pub units: Names,
    /// 来源渠道 names.
    pub channels: Names,
    /// 诉求类型 names.
    pub kinds: Names,
    /// 问题分类 names.
    pub categories: Names,
    /// Whether the file had a 回访时间 column (otherwise callbacks count in the month of 办结时间).
    pub has_callback_time: bool,
}

impl TicketStore {
    /// Appends an accepted ticket, its 工单编号 going to the id arena (same index as the ticket).
    pub fn push(&mut self, id: &str, t: Ticket) {
        self.id_bytes.extend_from_slice(id.as_bytes());
        self.id_ends.push(self.id_bytes.len() as u32);
        self.tickets.push(t);
    }
    /// Tickets stored: the rows scored.
    pub fn len(&self) -> usize {
        self.tickets.len()
    }
    /// Room for `rows` more tickets.
    pub fn reserve(&mut self, rows: usize) {
        self.tickets.reserve(rows);
        self.id_ends.reserve(rows);
        self.id_bytes.reserve(rows * 16);
    }
    /// Gives back memory reserved beyond what the file needed, when that is a lot. Room reserved
    /// and never written costs address space but no memory; shrinking copies the whole store,
    /// and in wasm the copy's pages stay with the tab (linear memory never shrinks), so a store
    /// only a little over-reserved is left as it is.
    pub fn shrink_to_fit(&mut self) {
        if self.tickets.capacity() > self.tickets.len() + self.tickets.len() / 2 {
            self.tickets.shrink_to_fit();
            self.id_ends.shrink_to_fit();
            self.id_bytes.shrink_to_fit();
        }
    }
    /// Whether no row was accepted.
    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
    }

    /// Moves the tickets and their numbers out, into a store with a copy of the name tables;
    /// this store keeps its names (ids stay valid for what is stored next).
    pub fn take_tickets(&mut self) -> TicketStore {
        TicketStore {
            tickets: std::mem::take(&mut self.tickets),
            id_bytes: std::mem::take(&mut self.id_bytes),
            id_ends: std::mem::take(&mut self.id_ends),
            units: self.units.clone(),
            channels: self.channels.clone(),
            kinds: self.kinds.clone(),
            categories: self.categories.clone(),
            has_callback_time: self.has_callback_time,
        }
    }

    /// How many names each table holds (units, channels, kinds, categories).
    pub(crate) fn name_counts(&self) -> [usize; 4] {
        [self.units.len(), self.channels.len(), self.kinds.len(), self.categories.len()]
    }

    /// Forgets the names added after [`TicketStore::name_counts`] gave `counts`.
    pub(crate) fn truncate_names(&mut self, counts: [usize; 4]) {
        let tables = [&mut self.units, &mut self.channels, &mut self.kinds, &mut self.categories];
        for (names, n) in tables.into_iter().zip(counts) {
            for name in names.names.drain(n..) {
                names.by_name.remove(&name);
            }
        }
    }

    /// Interns the name tables of a later part of the same file (units, channels, kinds,
    /// categories, each in the order that part first used them: the order one reader of the
    /// whole file would have met the new ones in) and returns each old id's new id.
    pub(crate) fn map_names(&mut self, tables: &[Vec<String>; 4]) -> [Vec<NameId>; 4] {
        let mine = [&mut self.units, &mut self.channels, &mut self.kinds, &mut self.categories];
        let mut map: [Vec<NameId>; 4] = Default::default();
        for ((to, from), m) in mine.into_iter().zip(tables).zip(&mut map) {
            *m = from.iter().map(|name| to.intern(name)).collect();
        }
        map
    }

    /// Moves the names of `tickets[from..]` to this store's ids (`map` from
    /// [`TicketStore::map_names`]) and their lines by `line_offset`. False when a ticket names
    /// an id its part's tables do not have.
    pub(crate) fn remap(&mut self, from: usize, map: &[Vec<NameId>; 4], line_offset: u32) -> bool {
        let to = |m: &[NameId], id: &mut NameId| match id {
            &mut NO_NAME => true,
            _ => m.get(*id as usize).map(|new| *id = *new).is_some(),
        };
        self.tickets.iter_mut().skip(from).all(|t| {
            t.line += line_offset;
            to(&map[0], &mut t.unit)
                && to(&map[0], &mut t.parent)
                && to(&map[1], &mut t.channel)
                && to(&map[2], &mut t.kind)
                && to(&map[3], &mut t.category)
        })
    }

    /// Removes the tickets at `indices` (ascending), then renumbers the names in the order the
    /// remaining tickets first use them: the store is then exactly what it would have been had
    /// those tickets never been stored (no name only they used, the same name order).
    pub fn remove(&mut self, indices: &[u32]) {
        let mut gone = indices.iter().peekable();
        let (mut kept, mut bytes, mut ends) = (Vec::new(), Vec::new(), Vec::new());
        kept.reserve(self.tickets.len() - indices.len());
        ends.reserve(self.tickets.len() - indices.len());
        for (i, t) in self.tickets.iter().enumerate() {
            if gone.peek() == Some(&&(i as u32)) {
                gone.next();
                continue;
            }
            kept.push(*t);
            bytes.extend_from_slice(self.id(i).as_bytes());
            ends.push(bytes.len() as u32);
        }
        self.tickets = kept;
        self.id_bytes = bytes;
        self.id_ends = ends;
        self.renumber_names();
    }

    fn renumber_names(&mut self) {
        let renumber = |names: &mut Names, ids: &mut dyn Iterator<Item = &mut NameId>| {
            let mut map = vec![NO_NAME; names.len()];
            let mut fresh = Names::default();
            for id in ids {
                if *id == NO_NAME {
                    continue;
                }
                // Every stored id was interned into `names`, so the slot exists.
                let Some(slot) = map.get_mut(*id as usize) else {
                    continue;
                };
                if *slot == NO_NAME {
                    *slot = fresh.intern(names.get(*id));
                }
                *id = *slot;
            }
            *names = fresh;
        };
        let tickets = &mut self.tickets;
        // The order `Ingest` interns in: unit, parent (one table), channel, kind, category.
        renumber(&mut self.units, &mut tickets.iter_mut().flat_map(|t| [&mut t.unit, &mut t.parent]));
        renumber(&mut self.channels, &mut tickets.iter_mut().map(|t| &mut t.channel));
        renumber(&mut self.kinds, &mut tickets.iter_mut().map(|t| &mut t.kind));
        renumber(&mut self.categories, &mut tickets.iter_mut().map(|t| &mut t.category));
    }

    /// 工单编号 of ticket `i`.
    pub fn id(&self, i: usize) -> &str {
        let end_of = |j: usize| self.id_ends.get(j).map_or(0, |&e| e as usize);
        let start = i.checked_sub(1).map_or(0, end_of);
        let bytes = self.id_bytes.get(start..end_of(i)).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or_default()
    }
    /// Approximate heap bytes held (for the memory figures in docs/performance.md).
    pub fn heap_bytes(&self) -> usize {
        self.tickets.capacity() * std::mem::size_of::<Ticket>()
            + self.id_bytes.capacity()
            + self.id_ends.capacity() * 4
    }
}
