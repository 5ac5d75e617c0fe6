//! The fast path: plain rows read by a list of operations made from the header, taking fields
//! straight from the comma offsets. It only accepts; anything it doubts goes to the general reader.

use super::*;

/// What the fast row reader does with one field.
#[derive(Clone, Copy)]
pub(super) enum FastOp {
    Id,
    /// Checked before the other fields (what is required depends on it).
    Handling,
    /// 省派 (`true`) or 急件.
    Flag(bool),
    Callback,
    Audit,
    Returned,
    /// A datetime column (办理时限 may also be a number of working days).
    Time(Column),
    /// A name column: its position in [`NAME_COLUMNS`].
    Name(usize),
}

impl FastOp {
    pub(super) fn of(c: Column) -> FastOp {
        match c {
            Column::Id => FastOp::Id,
            Column::Handling => FastOp::Handling,
            Column::FromProvince => FastOp::Flag(true),
            Column::Urgent => FastOp::Flag(false),
            Column::Callback => FastOp::Callback,
            Column::Audit => FastOp::Audit,
            Column::Returned => FastOp::Returned,
            c if c.is_datetime() => FastOp::Time(c),
            #[expect(
                clippy::expect_used,
                reason = "the columns that are not the id, a code, a flag, 退回次数 or a datetime are exactly `NAME_COLUMNS`"
            )]
            c => {
                FastOp::Name(NAME_COLUMNS.iter().position(|n| *n == c).expect("every other column is a name"))
            }
        }
    }
}

/// A field the fast row reader reads: its position in the row, what it does with it, and
/// whether it may be empty.
pub(super) struct FastField {
    pub(super) field: usize,
    pub(super) op: FastOp,
    pub(super) required: Required,
}

/// The raw, trimmed 工单编号 and names of a row the fast path accepted (slices of the record).
pub(super) struct RawRow<'r> {
    pub(super) id: &'r [u8],
    pub(super) names: [&'r [u8]; 5],
}

impl Ingest {
    /// Reads the plain records (no quote anywhere) at the start of `buf`, as many as it holds,
    /// and returns the bytes consumed. Stops before a record with a quote and before an
    /// incomplete last record: the general path takes those. Rows that fail any check are read
    /// again by the general path, which alone words the reasons: the fast path only accepts.
    pub(super) fn fast_records(&mut self, buf: &[u8]) -> usize {
        let mut at = 0;
        let mut commas = std::mem::take(&mut self.commas);
        let mut pending = std::mem::take(&mut self.pending);
        #[expect(
            clippy::indexing_slicing,
            reason = "`nl` is the offset of a line feed in `buf[at..]` (`scan_plain`), so `at + nl < buf.len()` and `at` stays at most `buf.len()`; a record ending in CR has `nl >= 1`"
        )]
        while let Scan::Record(nl) = scan_plain(&buf[at..], &mut commas) {
            if nl >= MAX_RECORD_BYTES {
                // Too long to be a row: the general path rejects it, as it would across chunks.
                break;
            }
            let start = at;
            let rec = &buf[at..at + nl];
            let content = if rec.last() == Some(&b'\r') { &rec[..nl - 1] } else { rec };
            let line = self.line;
            self.line += 1;
            at += nl + 1;
            if trim(content).is_empty() {
                continue;
            }
            match self.fast_row(content, &commas, line) {
                Some((t, hash, raw)) => {
                    let mut lossy = false;
                    let id = encoding::decode(self.enc(), raw.id, &mut lossy);
                    let index = self.out.store.len() as u32;
                    if !lossy && self.accept(t, &id, raw.names, true).is_ok() {
                        self.out.summary.rows_read += 1;
                        pending.push(Pending { hash, index, start, len: content.len() as u32, line });
                    } else {
                        // A byte invalid in the encoding (the general reader words the reject), or a
                        // name to clean, which it stores once the row's number is claimed.
                        self.settle(buf, &mut pending);
                        self.read_row(content, false, line);
                    }
                }
                None => {
                    self.settle(buf, &mut pending);
                    self.read_row(content, false, line);
                }
            }
        }
        self.settle(buf, &mut pending);
        self.commas = commas;
        self.pending = pending;
        at
    }

    /// Every check of [`Ingest::check_row`] on a plain row, without wording any reason: `None`
    /// as soon as anything is off (the general path then finds and words the first problem).
    /// `commas` are the record's comma offsets ([`scan_plain`]); the row's number and names come
    /// back as slices of the record, for [`Ingest::accept`].
    pub(super) fn fast_row<'r>(
        &self,
        rec: &'r [u8],
        commas: &[u32],
        line: u32,
    ) -> Option<(Ticket, u64, RawRow<'r>)> {
        let layout = self.layout.as_ref()?;
        if commas.len() + 1 != layout.width {
            return None;
        }
        #[expect(
            clippy::indexing_slicing,
            reason = "`i` is a field of the layout, below `layout.width` = `commas.len() + 1` (checked above), so `commas[i - 1]` exists; the commas ascend inside `rec` (`scan_plain`), so `start <= end <= rec.len()`"
        )]
        let field = |i: usize| {
            let start = if i == 0 { 0 } else { commas[i - 1] as usize + 1 };
            let end = commas.get(i).map_or(rec.len(), |c| *c as usize);
            trim(&rec[start..end])
        };
        let codes = &self.codes;
        let handling = field(layout.pos.get(Column::Handling as usize).copied().flatten()?);
        let transferred = handling == codes.transferred.as_slice();
        if !transferred && handling != codes.direct.as_slice() {
            return None;
        }
        let mut t = Ticket::new(line, transferred);
        let mut h = 0;
        let mut raw = RawRow { id: b"", names: [b""; 5] };
        let is = |v: &[u8], code: &Vec<u8>| v == code.as_slice();
        for f in &layout.fast_fields {
            let v = field(f.field);
            if v.is_empty() {
                match f.required {
                    Required::Always => return None,
                    Required::IfTransferred if transferred => return None,
                    _ => continue,
                }
            }
            match f.op {
                FastOp::Id => {
                    h = if v.is_ascii() {
                        id_hash(v)
                    } else {
                        let mut lossy = false;
                        id_hash(encoding::decode(self.enc(), v, &mut lossy).as_bytes())
                    };
                    raw.id = v;
                }
                FastOp::Name(slot) => {
                    if let Some(name) = raw.names.get_mut(slot) {
                        *name = v;
                    }
                }
                FastOp::Handling => {}
                FastOp::Flag(province) => {
                    let yes = codes.yes.iter().any(|y| is(v, y));
                    if !yes && !codes.no.iter().any(|n| is(v, n)) {
                        return None;
                    }
                    if province {
                        t.from_province = yes;
                    } else {
                        t.urgent = yes;
                    }
                }
                FastOp::Callback => {
                    t.callback = match v {
                        _ if is(v, &codes.satisfied) => Callback::Satisfied,
                        _ if is(v, &codes.basically) => Callback::BasicallySatisfied,
                        _ if is(v, &codes.unsatisfied) => Callback::Unsatisfied,
                        _ if is(v, &codes.not_reached) => Callback::NotReached,
                        _ => return None,
                    }
                }
                FastOp::Audit => {
                    t.audit = match v {
                        _ if is(v, &codes.compliant) => Audit::Compliant,
                        _ if is(v, &codes.non_compliant) => Audit::NonCompliant,
                        _ => return None,
                    }
                }
                FastOp::Returned => {
                    if v.len() > 4 || !v.iter().all(u8::is_ascii_digit) {
                        return None;
                    }
                    t.returned = v.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
                }
                FastOp::Time(Column::DueAt) if v.len() <= 3 && v.iter().all(u8::is_ascii_digit) => {
                    t.due_days = v.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
                    if t.due_days == 0 {
                        return None;
                    }
                }
                FastOp::Time(c) => *t.time_mut(c) = crate::read::datetime::parse_standard(v)?,
            }
        }
        Some((t, h, raw))
    }
}
