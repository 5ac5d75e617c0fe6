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
pub const NO_NAME: NameId = u32::MAX;

/// An interned set of names (units, channels, kinds or categories), in first-seen order.
#[derive(Clone, Debug, Default)]
pub struct Names {
    names: Vec<String>,
    by_name: FxHashMap<String, NameId>,
}

impl Names {
    pub fn intern(&mut self, name: &str) -> NameId {
        if let Some(id) = self.by_name.get(name) {
            return *id;
        }
        let id = self.names.len() as NameId;
        self.names.push(name.to_string());
        self.by_name.insert(name.to_string(), id);
        id
    }
    pub fn get(&self, id: NameId) -> &str {
        self.names.get(id as usize).map_or("", |s| s.as_str())
    }
    pub fn find(&self, name: &str) -> Option<NameId> {
        self.by_name.get(name).copied()
    }
    pub fn len(&self) -> usize {
        self.names.len()
    }
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
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
    pub received: Stamp,
    pub dispatched: Stamp,
    pub sign_due: Stamp,
    pub signed: Stamp,
    pub contact_due: Stamp,
    pub first_contact: Stamp,
    pub due: Stamp,
    pub closed: Stamp,
    pub callback_at: Stamp,
    pub feedback_due: Stamp,
    pub feedback_at: Stamp,
    /// 承办单位; `NO_NAME` on 直接答复 tickets.
    pub unit: NameId,
    /// 上级单位 if filled, else `NO_NAME`.
    pub parent: NameId,
    pub channel: NameId,
    pub kind: NameId,
    pub category: NameId,
    /// Physical line of the row in its file (header = 1): every figure traces back to it.
    pub line: u32,
    pub returned: u16,
    /// 办理时限 given as a number of working days after dispatch (0 = given as a datetime or
    /// empty); turned into a deadline with the official calendar when counting.
    pub due_days: u16,
    pub handling: Handling,
    pub from_province: bool,
    pub urgent: bool,
    pub callback: Callback,
    pub audit: Audit,
}

impl Ticket {
    pub fn is_transferred(&self) -> bool {
        self.handling == Handling::Transferred
    }
    /// When the ticket stopped being open: a 直接答复 ticket is closed when received.
    pub fn closed_at(&self) -> Stamp {
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
    pub tickets: Vec<Ticket>,
    id_bytes: Vec<u8>,
    id_ends: Vec<u32>,
    /// Unit names: both 承办单位 and 上级单位 live here, so a member unit that also handles
    /// tickets itself is one name.
    pub units: Names,
    pub channels: Names,
    pub kinds: Names,
    pub categories: Names,
    /// Whether the file had a 回访时间 column (otherwise callbacks count in the month of 办结时间).
    pub has_callback_time: bool,
}

impl TicketStore {
    pub fn push(&mut self, id: &str, t: Ticket) {
        self.id_bytes.extend_from_slice(id.as_bytes());
        self.id_ends.push(self.id_bytes.len() as u32);
        self.tickets.push(t);
    }
    pub fn len(&self) -> usize {
        self.tickets.len()
    }
    /// Room for `rows` more tickets.
    pub fn reserve(&mut self, rows: usize) {
        self.tickets.reserve(rows);
        self.id_ends.reserve(rows);
        self.id_bytes.reserve(rows * 16);
    }
    /// Gives back memory reserved beyond what the file needed.
    pub fn shrink_to_fit(&mut self) {
        self.tickets.shrink_to_fit();
        self.id_ends.shrink_to_fit();
        self.id_bytes.shrink_to_fit();
    }
    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
    }
    /// 工单编号 of ticket `i`.
    pub fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.id_ends[i - 1] as usize };
        let end = self.id_ends[i] as usize;
        std::str::from_utf8(&self.id_bytes[start..end]).unwrap_or_default()
    }
    /// Approximate heap bytes held (for the memory figures in docs/performance.md).
    pub fn heap_bytes(&self) -> usize {
        self.tickets.capacity() * std::mem::size_of::<Ticket>()
            + self.id_bytes.capacity()
            + self.id_ends.capacity() * 4
    }
}
