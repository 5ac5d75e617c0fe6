//! Duplicate settlement: each 工单编号 claimed once (batched for the fast path), a later row
//! with a taken number rejected naming the line that holds it.

use super::*;

/// A ticket stored by the fast path, waiting for its 工单编号 to be claimed.
pub(super) struct Pending {
    pub(super) hash: u64,
    pub(super) index: u32,
    /// Its record's offset and length in the buffer being drained.
    pub(super) start: usize,
    pub(super) len: u32,
    pub(super) line: u32,
}

impl Ingest {
    /// Claims the 工单编号 of the tickets the fast path stored since the last call, in file
    /// order, and takes back any that turns out to be a duplicate (rejected, with its record
    /// from `buf`, and removed when the ingest finishes). Claiming a batch in a tight loop lets
    /// the processor overlap the hash table's cache misses, one per ticket at a million tickets,
    /// instead of waiting for each in the middle of a row.
    pub(super) fn settle(&mut self, buf: &[u8], pending: &mut Vec<Pending>) {
        for p in pending.drain(..) {
            let Err(first) = self.ids.claim(p.hash, self.base + p.index) else { continue };
            let id = self.out.store.id(p.index as usize).to_string();
            let first = if self.holds(first, &id) {
                first
            } else {
                // Another ticket number with the same hash: the exact set decides.
                match self.id_collisions.get(id.as_str()) {
                    Some(&j) => j,
                    None => {
                        self.id_collisions.insert(id, self.base + p.index);
                        continue;
                    }
                }
            };
            self.removed.push(p.index);
            let summary = &mut self.out.summary;
            summary.rows_scored -= 1;
            // A pending row is a record the fast path read from this `buf`.
            let rec = buf.get(p.start..p.start + p.len as usize).unwrap_or_default();
            self.fields.split(rec, false);
            self.reject_duplicate(rec, p.line, first);
        }
    }

    /// Whether ticket `first` (a global index) has the number `id`. A ticket already handed
    /// over by [`Ingest::take_tickets`] is known by its hash only, which then decides.
    pub(super) fn holds(&self, first: u32, id: &str) -> bool {
        match first.checked_sub(self.base) {
            Some(local) => self.out.store.id(local as usize) == id,
            None => true,
        }
    }

    pub(super) fn reject_duplicate(&mut self, rec: &[u8], line: u32, first: u32) {
        let first_line = match first.checked_sub(self.base) {
            // `first` is an index a claim recorded: a stored ticket, or one handed over before.
            Some(local) => self.out.store.tickets.get(local as usize).map_or(0, |t| t.line),
            None => self.handed_over_lines.get(first as usize).copied().unwrap_or(0),
        };
        // The row's 工单编号 equals the first one's: the message names it by the row's value.
        let detail = RejectDetail::DuplicateId { first_line };
        let column = self.layout.as_ref().and_then(|l| l.pos.get(Column::Id as usize).copied().flatten());
        self.reject(rec, line, column, Reason::DuplicateId, detail);
    }

    /// Stores a row that passed every check, unless its 工单编号 is already taken.
    pub(super) fn store_row(&mut self, rec: &[u8], line: u32, t: Ticket, h: u64) {
        let enc = self.enc();
        let raw = self
            .layout
            .as_ref()
            .and_then(|l| l.pos.get(Column::Id as usize).copied().flatten())
            .map_or(&b""[..], |i| trim(self.fields.get(rec, i)));
        let mut lossy = false;
        // The id outlives the borrow of `fields` (it may point into their scratch buffer).
        let mut id = std::mem::take(&mut self.id_buf);
        id.clear();
        id.push_str(&encoding::decode(enc, raw, &mut lossy));
        let claimed = self.claim_id(&id, h);
        match claimed {
            None => {
                // The names may point into the fields' scratch buffer: out of `self` meanwhile.
                let fields = std::mem::take(&mut self.fields);
                #[expect(
                    clippy::expect_used,
                    reason = "a row is stored only after `check_row` passed it, which reads the layout `read_header` set"
                )]
                let pos = self.layout.as_ref().expect("header read").pos;
                let names = NAME_COLUMNS.map(|c| {
                    pos.get(c as usize).copied().flatten().map_or(&b""[..], |i| trim(fields.get(rec, i)))
                });
                // `check_row` has rejected every value undecodable in the encoding.
                let stored =
                    if lossy { Err(Refused::Undecodable) } else { self.accept(t, &id, names, false) };
                debug_assert!(stored.is_ok(), "check_row rejects undecodable values first");
                if stored.is_err() {
                    let detail = RejectDetail::Recorded {
                        message: format!("第 {line} 行：含无法解码的字节"),
                    };
                    self.reject(rec, line, None, Reason::BadEncoding, detail);
                }
                self.fields = fields;
            }
            Some(first) => self.reject_duplicate(rec, line, first),
        }
        self.id_buf = id;
    }

    /// Claims the row's 工单编号 for the ticket about to be stored. Returns the index of the
    /// accepted ticket that already holds it.
    pub(super) fn claim_id(&mut self, id: &str, h: u64) -> Option<u32> {
        let index = self.base + self.out.store.len() as u32;
        match self.ids.claim(h, index) {
            Ok(()) => None,
            Err(first) if self.holds(first, id) => Some(first),
            // Another ticket number with the same hash: the exact set decides.
            Err(_) => match self.id_collisions.get(id) {
                Some(&j) => Some(j),
                None => {
                    self.id_collisions.insert(id.to_string(), index);
                    None
                }
            },
        }
    }
}
