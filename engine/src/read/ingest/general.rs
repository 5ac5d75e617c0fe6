//! The general row reader: every check in its fixed order, the only place that words a row's
//! reason. A row the fast path doubts is read here again.

use super::*;
use crate::read::records::KEPT_PREFIX_BYTES;

/// Why a row failed its checks.
pub(super) struct RowError {
    pub(super) column: Option<usize>,
    pub(super) reason: Reason,
    pub(super) detail: RejectDetail,
}

impl RowError {
    pub(super) fn new(column: Option<usize>, reason: Reason, detail: RejectDetail) -> RowError {
        RowError { column, reason, detail }
    }
}

/// The field (by position) and byte offset of the quote left open in `line`: the last quote
/// that opened a quoted run, quotes counted as the record end is found (every `"` toggles).
fn opening_quote(line: &[u8]) -> (usize, usize) {
    let (mut field, mut open, mut at) = (0, false, (0, 0));
    for (i, b) in line.iter().enumerate() {
        match b {
            b'"' => {
                open = !open;
                if open {
                    at = (field, i);
                }
            }
            b',' if !open => field += 1,
            _ => {}
        }
    }
    at
}

impl Ingest {
    pub(super) fn reject(
        &mut self,
        rec: &[u8],
        line: u32,
        column: Option<usize>,
        reason: Reason,
        detail: RejectDetail,
    ) {
        let mut lossy = false;
        let value = match column {
            Some(i) if i < self.fields.len() => {
                encoding::decode(self.enc(), trim(self.fields.get(rec, i)), &mut lossy).into_owned()
            }
            _ => String::new(),
        };
        // The fields are this row's (the callers split it first); a column past them is empty.
        let id_at = self.layout.as_ref().and_then(|l| l.pos.get(Column::Id as usize).copied().flatten());
        let id = match id_at {
            Some(i) if i < self.fields.len() => {
                encoding::decode(self.enc(), trim(self.fields.get(rec, i)), &mut lossy).into_owned()
            }
            _ => String::new(),
        };
        self.reject_value(rec, line, column, reason, detail, (value, id));
    }

    /// [`Ingest::reject`] with the offending value and the row's 工单编号 given (either may be
    /// empty).
    pub(super) fn reject_value(
        &mut self,
        rec: &[u8],
        line: u32,
        column: Option<usize>,
        reason: Reason,
        detail: RejectDetail,
        (value, id): (String, String),
    ) {
        let enc = self.enc();
        let mut lossy = false;
        let record = encoding::decode(enc, rec, &mut lossy).into_owned();
        let column_name = match (column, self.layout.as_ref()) {
            (Some(i), Some(layout)) => layout.headers.get(i).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        self.out.summary.rows_rejected += 1;
        if let Some(n) = self.rejected_by_reason.get_mut(reason as usize) {
            *n += 1;
        }
        self.out.rejects.push(Reject { line, column: column_name, reason, detail, value, record, id });
        // Kept to the first `kept` by line: trimmed whenever twice as many have gathered (rows
        // are rejected nearly in line order; duplicates a little after the rows around them).
        if let Some(kept) = self.options.rejects_kept {
            if self.out.rejects.len() >= kept.max(1) * 2 {
                self.out.rejects.sort_by_key(|r| r.line);
                self.out.rejects.truncate(kept);
            }
        }
    }

    /// Rejects a record [`find_record_end`] found defective: `rec` is its first line (of a line
    /// too long, the part at hand).
    pub(super) fn read_defective(&mut self, rec: &[u8], defect: Defect, line: u32) {
        self.out.summary.rows_read += 1;
        match defect {
            Defect::UnclosedQuote(until) => {
                let (column, opened_at) = opening_quote(rec);
                let from = rec.get(opened_at..).unwrap_or_default();
                // 60 characters, not bytes: the same excerpt in UTF-8 and GB18030. No character
                // takes more than 4 bytes in either, so 240 bytes hold the 60.
                const SHOWN: usize = 60;
                let head = from.get(..from.len().min(SHOWN * 4)).unwrap_or_default();
                let mut lossy = false;
                let decoded = encoding::decode(self.enc(), head, &mut lossy);
                let mut value: String = decoded.chars().take(SHOWN).collect();
                if value.len() < decoded.len() || head.len() < from.len() {
                    value.push('…');
                }
                self.reject_value(
                    rec,
                    line,
                    Some(column),
                    Reason::UnclosedQuote,
                    RejectDetail::UnclosedQuote { until },
                    (value, String::new()),
                );
            }
            Defect::TooLong => {
                let kept = rec.get(..rec.len().min(KEPT_PREFIX_BYTES)).unwrap_or_default();
                let detail = RejectDetail::TooLong { limit: MAX_RECORD_BYTES as u64 };
                self.reject_value(
                    kept,
                    line,
                    None,
                    Reason::RecordTooLong,
                    detail,
                    (String::new(), String::new()),
                );
            }
        }
    }

    pub(super) fn read_row(&mut self, rec: &[u8], quoted: bool, line: u32) {
        self.out.summary.rows_read += 1;
        self.fields.split(rec, quoted);
        match self.check_row(rec, quoted, line) {
            Ok((t, h)) => self.store_row(rec, line, t, h),
            Err(e) => self.reject(rec, line, e.column, e.reason, e.detail),
        }
    }

    /// Runs the checks in their fixed order; the first failure is the row's one reason.
    // One function of ~130 lines on purpose: the checks' order is the contract (each row gets
    // the first reason it fails, docs/indicators.md §3.1), and it reads top to bottom here.
    pub(super) fn check_row(&self, rec: &[u8], quoted: bool, line: u32) -> Result<(Ticket, u64), RowError> {
        #[expect(
            clippy::expect_used,
            reason = "rows reach `check_row` only after `read_header` set the layout: the record loop reads the header row first, and the fast path runs only once the layout is known"
        )]
        let layout = self.layout.as_ref().expect("header read");
        let fields = &self.fields;
        let codes = &self.codes;
        let n = layout.headers.len();
        if fields.len() != n {
            let found = fields.len();
            let detail = RejectDetail::FieldCount {
                expected: n as u32,
                found: found as u32,
                open_quote: quoted && found < n,
            };
            return Err(RowError::new(None, Reason::FieldCount, detail));
        }
        let field = |c: Column| -> &[u8] {
            match layout.pos.get(c as usize).copied().flatten() {
                Some(i) => trim(fields.get(rec, i)),
                None => b"",
            }
        };
        // 1. Bytes invalid in the file's encoding, in any column the engine reads (a 直接答复
        // row's 承办单位 and 上级单位 are not read: ignored, as the fast path ignores them).
        let enc = self.enc();
        let direct_row = field(Column::Handling) != codes.transferred.as_slice();
        for (c, at) in Column::ALL.iter().zip(layout.pos.iter()) {
            let Some(i) = *at else { continue };
            if direct_row && matches!(c, Column::Unit | Column::ParentUnit) {
                continue;
            }
            if !encoding::is_valid(enc, trim(fields.get(rec, i))) {
                let detail = RejectDetail::BadEncoding { column: *c, encoding: enc };
                return Err(RowError::new(Some(i), Reason::BadEncoding, detail));
            }
        }
        let decode = |v: &[u8]| -> String {
            let mut lossy = false;
            encoding::decode(self.enc(), v, &mut lossy).into_owned()
        };

        // 2. Missing required values.
        if let Some(&(i, c)) = layout.required.iter().find(|(_, c)| field(*c).is_empty()) {
            let detail = RejectDetail::Missing { column: c, transferred: false };
            return Err(RowError::new(Some(i), Reason::MissingValue, detail));
        }
        let transferred = field(Column::Handling) == codes.transferred.as_slice();
        if transferred {
            if let Some(&(i, c)) = layout.required_transferred.iter().find(|(_, c)| field(*c).is_empty()) {
                let detail = RejectDetail::Missing { column: c, transferred: true };
                return Err(RowError::new(Some(i), Reason::MissingValue, detail));
            }
        }

        // 3. Unknown coded values.
        let mut t = Ticket::new(line, transferred);
        let is = |v: &[u8], code: &Vec<u8>| v == code.as_slice();
        for &(i, c) in &layout.coded {
            let v = field(c);
            let ok = match c {
                Column::Handling => transferred || is(v, &codes.direct),
                Column::FromProvince | Column::Urgent => {
                    let yes = codes.yes.iter().any(|y| is(v, y));
                    if c == Column::FromProvince {
                        t.from_province = yes;
                    } else {
                        t.urgent = yes;
                    }
                    v.is_empty() || yes || codes.no.iter().any(|y| is(v, y))
                }
                Column::Callback => {
                    t.callback = match v {
                        _ if v.is_empty() => Callback::None,
                        _ if is(v, &codes.satisfied) => Callback::Satisfied,
                        _ if is(v, &codes.basically) => Callback::BasicallySatisfied,
                        _ if is(v, &codes.unsatisfied) => Callback::Unsatisfied,
                        _ if is(v, &codes.not_reached) => Callback::NotReached,
                        _ => return Err(Self::unknown(i, c)),
                    };
                    true
                }
                Column::Audit => {
                    t.audit = match v {
                        _ if v.is_empty() => Audit::NotSampled,
                        _ if is(v, &codes.compliant) => Audit::Compliant,
                        _ if is(v, &codes.non_compliant) => Audit::NonCompliant,
                        _ => return Err(Self::unknown(i, c)),
                    };
                    true
                }
                // Four digits at most: a count of returns, never a ticket number pasted here.
                Column::Returned => match v {
                    _ if v.is_empty() => true,
                    _ if v.len() <= 4 && v.iter().all(u8::is_ascii_digit) => {
                        t.returned = v.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
                        true
                    }
                    _ => false,
                },
                _ => true,
            };
            if !ok {
                return Err(Self::unknown(i, c));
            }
        }

        // 4. Datetimes.
        for &(i, c) in &layout.datetimes {
            let v = field(c);
            if v.is_empty() {
                continue;
            }
            // A 办理时限 of 1–3 digits is a number of working days after dispatch (some exports
            // give the time limit that way); the official calendar turns it into a deadline.
            if c == Column::DueAt && v.len() <= 3 && v.iter().all(u8::is_ascii_digit) {
                t.due_days = v.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
                if t.due_days > 0 {
                    continue;
                }
            }
            let parsed = match &self.date_format {
                DateFormat::Standard => crate::read::datetime::parse_standard(v),
                // A custom pattern may hold Chinese (年月日): decode before matching.
                custom => custom.parse(&decode(v)),
            };
            let Some(stamp) = parsed else {
                let pattern = match &self.date_format {
                    DateFormat::Standard => None,
                    DateFormat::Custom(p) => Some(p.clone()),
                };
                return Err(RowError::new(
                    Some(i),
                    Reason::BadDatetime,
                    RejectDetail::BadDatetime { pattern },
                ));
            };
            *t.time_mut(c) = stamp;
        }

        // 5. Duplicate 工单编号: checked in `read_row` with one hash-table probe that also inserts.
        let mut lossy = false;
        let id = encoding::decode(self.enc(), field(Column::Id), &mut lossy);
        Ok((t, id_hash(id.as_bytes())))
    }

    pub(super) fn unknown(i: usize, c: Column) -> RowError {
        RowError::new(Some(i), Reason::UnknownValue, RejectDetail::UnknownValue { column: c })
    }
}
