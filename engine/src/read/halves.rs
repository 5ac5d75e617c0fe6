//! One file, two readers: the second reads the part after a split point while the first reads
//! up to it, and the first then takes in the second's result ([`Ingest::absorb`]) as if it had
//! read everything itself. The page runs the second reader in a second Web Worker; natively it
//! is a thread ([`ingest_in_two`]).
//!
//! ```
//! use hotline_engine::read::halves::{ingest_in_two, Outcome};
//! use hotline_engine::{ingest_bytes, IngestOptions};
//! // A BOM settles the encoding at once; without one, a first reader that has read less than
//! // `encoding::DETECT_BYTES` of text reads the tail itself (the page splits files of 32 MiB up).
//! let csv = "\u{feff}工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限\n\
//!            A1,2021-02-01 08:00,微信,咨询,直接答复,,,\n\
//!            A2,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08\n\
//!            A3,2021-02-31 09:00,微信,咨询,直接答复,,,\n";
//! let (two, outcome) = ingest_in_two(csv.as_bytes(), IngestOptions::default(), csv.len() / 2).unwrap();
//! assert_eq!(outcome, Outcome::Absorbed);
//! let one = ingest_bytes(csv.as_bytes(), IngestOptions::default()).unwrap();
//! assert_eq!(two.summary, one.summary);
//! assert_eq!(two.rejects, one.rejects); // 第 4 行, counted from the file's start
//! ```
//!
//! How it stays exact:
//! - The split point is just after a line feed. Whether that line feed ends a record (and not
//!   a line inside a quoted field) only the first reader can tell, once it has read up to it:
//!   it then holds no partial record. If it does, it refuses the tail and reads on itself.
//! - The second reader is given the file's header row first, so it checks rows exactly like
//!   the first; its line numbers start after the header and are moved by the first reader's
//!   line count when taken in (tickets and reject messages alike).
//! - Names the second reader met first are added after the first reader's, in the order it met
//!   them: the order one reader of the whole file would have given them.
//! - Ticket numbers seen by both readers are duplicates whose messages would need the other
//!   reader's lines: such a tail is refused and read again (rare in real exports). So is a tail
//!   whose reader decided the encoding differently.
//!
//! A refused tail costs time, never correctness: the bytes after the split point are then read
//! by the first reader, as if there had been no second one.

use crate::read::encoding;
use crate::read::idhash::id_hash;
use crate::read::ingest::{FileError, Ingest, IngestOptions, IngestSummary, Ingested};
use crate::read::records::find_record_end;
use crate::read::reject::{Reason, Reject};
use crate::tickets::store::{Audit, Callback, Handling, Ticket};
use crate::time::Stamp;

/// Bytes of the file's start up to and including its header row's line feed (a UTF-8 BOM
/// included), or `None` when `head` does not hold the whole header row, or when a CR alone
/// ends a line before it: the file is then read as CR-only (every CR a line end), its header
/// row is not what ends at the line feed, and one reader reads it (found by fuzzing).
pub fn header_len(head: &[u8]) -> Option<usize> {
    let (skip, _) = encoding::strip_bom(head).ok()?;
    let body = head.get(skip..)?;
    if crate::read::records::LineEnds::of(body, false) != Some(crate::read::records::LineEnds::Lf) {
        return None;
    }
    let end = find_record_end(body, false)?;
    Some(skip + end.consumed)
}

/// The first split point at or after `at`: the position just after the first line feed in
/// `probe`, which holds the file's bytes from `at` on. `None` when `probe` has no line feed.
pub fn split_point(at: usize, probe: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', probe).map(|p| at + p + 1)
}

/// Why a reader refused the tail read by another (it then reads those bytes itself).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Refused {
    /// The split point is inside a record (a quoted field holding a line feed).
    NotARecordBoundary,
    /// The two readers decided the encoding on different bytes, or one has not decided it.
    Encoding,
    /// The readers saw different header rows (a bug in the caller).
    Header,
    /// A ticket number the tail holds twice, or one both parts hold.
    Duplicates,
    /// The tail's bytes do not read (a bug, or a stale worker): what did not.
    Unreadable(String),
}

/// What became of a tail.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    /// Taken in: the file was read by two readers at once.
    Absorbed,
    /// Read again by the first reader.
    ReadAgain(Refused),
    /// Not split: no line feed after the header and the split position.
    OneReader,
}

/// Reads the part of a file after a split point. Feed it that part's bytes with
/// [`TailReader::push`], then [`TailReader::finish`].
pub struct TailReader {
    ingest: Ingest,
    first_line: u32,
    header_bytes: u64,
}

impl TailReader {
    /// A reader for the part after a split point of the file whose first bytes, up to and
    /// including its header row, are `header` ([`header_len`]).
    pub fn new(options: IngestOptions, header: &[u8]) -> Result<TailReader, FileError> {
        let mut ingest = Ingest::new(options);
        ingest.push(header)?;
        // The header row may wait unread for the encoding to be decided: its lines are counted
        // from its bytes.
        let (skip, _) = encoding::strip_bom(header).unwrap_or((0, None));
        let header_lines = header.get(skip..).and_then(|h| find_record_end(h, true)).map_or(1, |e| e.lines);
        Ok(TailReader { first_line: 1 + header_lines, ingest, header_bytes: header.len() as u64 })
    }

    /// Feeds the next bytes of the tail, in file order; fails only on a file-level error.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), FileError> {
        self.ingest.push(chunk)
    }

    /// Rows read so far (for progress).
    pub fn rows_read(&self) -> u64 {
        self.ingest.rows_read()
    }

    /// Ends the tail's input (its last record may lack a line feed) and hands back what was read.
    pub fn finish(self) -> Result<Tail, FileError> {
        let (ingested, end_line) = self.ingest.finish_with_lines()?;
        Ok(Tail { ingested, first_line: self.first_line, end_line, header_bytes: self.header_bytes })
    }
}

/// What a [`TailReader`] read. [`Ingest::absorb`] takes it in from its wire form
/// ([`Tail::write`], [`Tail::to_bytes`]), which is how it travels between workers.
#[derive(Debug)]
pub struct Tail {
    /// The tail's rows as its own reader accepted and rejected them, with lines counted from its
    /// header; [`Ingest::absorb`] moves them by the first reader's line count.
    pub ingested: Ingested,
    /// Line of the tail's first record as its reader counted (header = 1).
    pub(crate) first_line: u32,
    /// Line after its last record, counted the same way.
    pub(crate) end_line: u32,
    /// Bytes of the header row, which its summary counts too.
    pub(crate) header_bytes: u64,
}

/// Reads `bytes` with two readers split near `at`, the second on a thread of its own, and
/// returns what one reader would have returned, with what became of the tail.
#[cfg(not(target_arch = "wasm32"))]
pub fn ingest_in_two(
    bytes: &[u8],
    options: IngestOptions,
    at: usize,
) -> Result<(Ingested, Outcome), FileError> {
    let whole = |options| crate::ingest_bytes(bytes, options).map(|d| (d, Outcome::OneReader));
    let Some(header) = header_len(bytes) else { return whole(options) };
    let at = at.max(header);
    let Some(split) = bytes.get(at..).and_then(|probe| split_point(at, probe)) else { return whole(options) };
    // `header <= at < split <= bytes.len()`: the header row is in the head.
    let Some(((head, rest), header_row)) = bytes.split_at_checked(split).zip(bytes.get(..header)) else {
        return whole(options);
    };
    let mut first = Ingest::new(IngestOptions { size_hint: Some(bytes.len() as u64), ..options.clone() });
    let tail_options = IngestOptions { size_hint: Some(rest.len() as u64), ..options };
    let (pushed, tail) = std::thread::scope(|s| {
        let tail = s.spawn(|| -> Result<Tail, FileError> {
            let mut reader = TailReader::new(tail_options, header_row)?;
            for chunk in rest.chunks(4 << 20) {
                reader.push(chunk)?;
            }
            reader.finish()
        });
        let pushed = head.chunks(4 << 20).try_for_each(|c| first.push(c));
        #[expect(
            clippy::expect_used,
            reason = "`join` fails only when the tail reader panicked, a bug that panics here as it would in one reader"
        )]
        let tail = tail.join().expect("the tail reader does not panic");
        (pushed, tail)
    });
    pushed?;
    // A file-level error in the tail can only be the header's, but the tail reader read the
    // header on less of the file than the first reader decides its encoding on (the fuzzer found
    // a damaged header decoded as GB18030 by the tail, as UTF-8 by one reader): the first reader
    // reads the rest itself and its own verdict stands.
    let refused = match tail.map(|t| first.absorb(&mut t.to_bytes().as_slice())) {
        Ok(Ok(())) => None,
        Ok(Err(refused)) => Some(refused),
        Err(e) => Some(Refused::Unreadable(e.message())),
    };
    let outcome = match refused {
        None => Outcome::Absorbed,
        Some(refused) => {
            for chunk in rest.chunks(4 << 20) {
                first.push(chunk)?;
            }
            Outcome::ReadAgain(refused)
        }
    };
    Ok((first.finish()?, outcome))
}

/// Format version of the wire form (both ends are the same build; the check only guards
/// against a stale worker).
const TAIL_FORMAT: u32 = 3;

/// Where [`Ingest::absorb`] reads a tail's wire form from, piece by piece: the page reads it
/// from a JavaScript array, so the whole tail never sits in the reading worker's memory twice.
pub trait TailSource {
    /// Bytes in the wire form.
    fn len(&self) -> usize;
    /// Whether the wire form has no bytes at all.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Copies `out.len()` bytes starting at `at`; `None` past the end.
    fn read(&mut self, at: usize, out: &mut [u8]) -> Option<()>;
}

impl TailSource for &[u8] {
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }
    fn read(&mut self, at: usize, out: &mut [u8]) -> Option<()> {
        out.copy_from_slice(self.get(at..at.checked_add(out.len())?)?);
        Some(())
    }
}

/// Pieces of the wire form are at most this long (bounded scratch memory at both ends).
const PIECE: usize = 1 << 20;
/// Ticket records per piece.
pub(crate) const TICKETS_PER_PIECE: usize = PIECE / TICKET_BYTES;

impl Tail {
    /// The wire form's length in bytes.
    pub fn wire_len(&self) -> usize {
        let store = &self.ingested.store;
        4 + 8 + self.head().len() + store.len() * (TICKET_BYTES + 4) + 8 + store.id_bytes.len()
    }

    /// Everything but the tickets and their numbers: small, read first and whole.
    fn head(&self) -> Vec<u8> {
        let d = &self.ingested;
        let store = &d.store;
        let mut w = Writer(Vec::new());
        w.u32(self.first_line);
        w.u32(self.end_line);
        w.u64(self.header_bytes);
        w.str(&serde_json::to_string(&d.summary).unwrap_or_default());
        for names in [&store.units, &store.channels, &store.kinds, &store.categories] {
            w.u32(names.len() as u32);
            for (_, name) in names.iter() {
                w.str(name);
            }
        }
        w.u8(u8::from(store.has_callback_time));
        w.u32(store.len() as u32);
        w.u32(d.rejects.len() as u32);
        for r in &d.rejects {
            w.u32(r.line);
            w.u8(r.reason as u8);
            for s in
                [&r.column, &serde_json::to_string(&r.detail).unwrap_or_default(), &r.value, &r.record, &r.id]
            {
                w.str(s);
            }
        }
        w.0
    }

    /// Writes the wire form to `sink` in pieces of at most a MiB, in order: format, head,
    /// ticket records ([`TICKET_BYTES`] each), ticket-number ends (u32 each), ticket-number bytes.
    pub fn write(&self, sink: &mut dyn FnMut(&[u8])) {
        let store = &self.ingested.store;
        let head = self.head();
        let mut w = Writer(Vec::with_capacity(PIECE));
        w.u32(TAIL_FORMAT);
        w.u64(head.len() as u64);
        sink(&w.0);
        sink(&head);
        for batch in store.tickets.chunks(PIECE / TICKET_BYTES) {
            w.0.clear();
            w.0.resize(batch.len() * TICKET_BYTES, 0);
            for (t, out) in batch.iter().zip(w.0.as_chunks_mut::<TICKET_BYTES>().0) {
                write_ticket(t, out);
            }
            sink(&w.0);
        }
        for batch in store.id_ends.chunks(PIECE / 4) {
            w.0.clear();
            batch.iter().for_each(|e| w.u32(*e));
            sink(&w.0);
        }
        w.0.clear();
        w.u64(store.id_bytes.len() as u64);
        sink(&w.0);
        store.id_bytes.chunks(PIECE).for_each(sink);
    }

    /// The wire form in one vector (tests, and the CLI's threads).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.wire_len());
        self.write(&mut |piece| out.extend_from_slice(piece));
        out
    }
}

/// A tail's head, read back, with where its other sections start.
pub(crate) struct TailHead {
    pub first_line: u32,
    pub end_line: u32,
    pub header_bytes: u64,
    pub summary: IngestSummary,
    /// Unit, channel, kind and category names, in the tail reader's order.
    pub names: [Vec<String>; 4],
    pub tickets: usize,
    pub rejects: Vec<Reject>,
    /// Offset of the first ticket record.
    pub records_at: usize,
}

impl TailHead {
    pub fn ends_at(&self) -> usize {
        self.records_at + self.tickets * TICKET_BYTES
    }
}

/// Reads the format and head of a tail's wire form; an error says what did not read.
pub(crate) fn read_head(src: &mut dyn TailSource) -> Result<TailHead, String> {
    let mut start = [0u8; 12];
    src.read(0, &mut start).ok_or("tail: shorter than its start")?;
    let mut r = Reader { bytes: &start, at: 0 };
    if r.u32()? != TAIL_FORMAT {
        return Err("tail: unknown format version".into());
    }
    let head_len = usize::try_from(r.u64()?).map_err(|_| "tail: head too long")?;
    if head_len > src.len().saturating_sub(12) {
        return Err("tail: head beyond the data".into());
    }
    let mut bytes = vec![0u8; head_len];
    src.read(12, &mut bytes).ok_or("tail: head cut short")?;
    let mut r = Reader { bytes: &bytes, at: 0 };
    let (first_line, end_line, header_bytes) = (r.u32()?, r.u32()?, r.u64()?);
    let summary: IngestSummary = serde_json::from_str(r.str()?).map_err(|e| format!("tail summary: {e}"))?;
    let mut names: [Vec<String>; 4] = Default::default();
    for table in &mut names {
        let n = r.u32()? as usize;
        for _ in 0..n {
            table.push(r.string()?);
        }
    }
    let _has_callback_time = r.u8()?;
    let tickets = r.u32()? as usize;
    let n = r.u32()? as usize;
    let mut rejects = Vec::with_capacity(n.min(r.left()));
    for _ in 0..n {
        let line = r.u32()?;
        let reason = *Reason::ALL.get(r.u8()? as usize).ok_or("tail: bad reject reason")?;
        let (column, detail, value, record, id) =
            (r.string()?, r.string()?, r.string()?, r.string()?, r.string()?);
        let detail = serde_json::from_str(&detail).map_err(|_| "tail: bad reject detail")?;
        rejects.push(Reject { line, column, reason, detail, value, record, id });
    }
    if r.left() != 0 {
        return Err("tail: bytes after the head".into());
    }
    let records_at = 12 + head_len;
    let head = TailHead { first_line, end_line, header_bytes, summary, names, tickets, rejects, records_at };
    let sections = tickets.checked_mul(TICKET_BYTES + 4).and_then(|b| b.checked_add(records_at + 8));
    if sections.is_none_or(|b| b > src.len()) {
        return Err("tail: ticket count beyond the data".into());
    }
    Ok(head)
}

/// Reads ticket records `from..from + count` of a tail onto the end of `out`.
pub(crate) fn read_tickets(
    src: &mut dyn TailSource,
    head: &TailHead,
    from: usize,
    scratch: &mut Vec<u8>,
    out: &mut Vec<Ticket>,
    count: usize,
) -> Result<(), String> {
    scratch.resize(count * TICKET_BYTES, 0);
    src.read(head.records_at + from * TICKET_BYTES, scratch).ok_or("tail: tickets cut short")?;
    for rec in scratch.as_chunks::<TICKET_BYTES>().0 {
        let t = read_ticket(rec);
        out.push(t.ok_or("tail: a ticket's coded field is out of range")?);
    }
    Ok(())
}

/// Reads a tail's ticket-number ends and appends its ticket-number bytes to `arena`; returns
/// the ends, relative to the arena's length before.
pub(crate) fn read_ids(
    src: &mut dyn TailSource,
    head: &TailHead,
    arena: &mut Vec<u8>,
) -> Result<Vec<u32>, String> {
    let mut ends = Vec::with_capacity(head.tickets);
    let mut scratch = vec![0u8; PIECE.min(head.tickets * 4)];
    let mut at = head.ends_at();
    let mut left = head.tickets * 4;
    while left > 0 {
        // `scratch` holds `PIECE.min(head.tickets * 4)` bytes and `left` starts at the latter.
        let piece = scratch.get_mut(..left.min(PIECE)).ok_or("tail: ticket numbers cut short")?;
        src.read(at, piece).ok_or("tail: ticket numbers cut short")?;
        ends.extend(piece.as_chunks::<4>().0.iter().map(|b| u32::from_le_bytes(*b)));
        at += piece.len();
        left -= piece.len();
    }
    let mut len = [0u8; 8];
    src.read(at, &mut len).ok_or("tail: ticket numbers cut short")?;
    let len = usize::try_from(u64::from_le_bytes(len)).map_err(|_| "tail: ticket numbers too long")?;
    if at + 8 + len != src.len() {
        return Err("tail: ticket numbers do not end the data".into());
    }
    let ok = ends.is_sorted() && ends.last().map_or(len == 0, |e| *e as usize == len);
    if !ok {
        return Err("tail: ticket numbers do not read".into());
    }
    let base = arena.len();
    arena.resize(base + len, 0);
    let readable = match arena.get_mut(base..) {
        Some(fresh) => src.read(at + 8, fresh).is_some() && std::str::from_utf8(fresh).is_ok(),
        None => false,
    };
    if !readable {
        arena.truncate(base);
        return Err("tail: ticket numbers are not text".into());
    }
    Ok(ends)
}

/// A ticket on the wire: 11 stamps, 5 name ids and the line (u32 each), 退回次数 and 办理时限
/// in days (u16 each), then 办理方式, 省派, 紧急, 回访结果 and 答复抽检 (u8 each); little-endian.
/// Fixed offsets let the compiler turn each record into straight loads and stores.
const TICKET_BYTES: usize = 17 * 4 + 2 * 2 + 5;

fn write_ticket(t: &Ticket, out: &mut [u8; TICKET_BYTES]) {
    let words = [
        t.received.0,
        t.dispatched.0,
        t.sign_due.0,
        t.signed.0,
        t.contact_due.0,
        t.first_contact.0,
        t.due.0,
        t.closed.0,
        t.callback_at.0,
        t.feedback_due.0,
        t.feedback_at.0,
        t.unit,
        t.parent,
        t.channel,
        t.kind,
        t.category,
        t.line,
    ];
    for (w, o) in words.iter().zip(out.as_chunks_mut::<4>().0) {
        *o = w.to_le_bytes();
    }
    out[68..70].copy_from_slice(&t.returned.to_le_bytes());
    out[70..72].copy_from_slice(&t.due_days.to_le_bytes());
    out[72] = t.handling as u8;
    out[73] = u8::from(t.from_province);
    out[74] = u8::from(t.urgent);
    out[75] = t.callback as u8;
    out[76] = t.audit as u8;
}

/// `None` when a coded byte is out of range.
fn read_ticket(b: &[u8; TICKET_BYTES]) -> Option<Ticket> {
    let words = b.as_chunks::<4>().0;
    let w = |i: usize| words.get(i).map_or(0, |x| u32::from_le_bytes(*x));
    Some(Ticket {
        received: Stamp(w(0)),
        dispatched: Stamp(w(1)),
        sign_due: Stamp(w(2)),
        signed: Stamp(w(3)),
        contact_due: Stamp(w(4)),
        first_contact: Stamp(w(5)),
        due: Stamp(w(6)),
        closed: Stamp(w(7)),
        callback_at: Stamp(w(8)),
        feedback_due: Stamp(w(9)),
        feedback_at: Stamp(w(10)),
        unit: w(11),
        parent: w(12),
        channel: w(13),
        kind: w(14),
        category: w(15),
        line: w(16),
        returned: u16::from_le_bytes([b[68], b[69]]),
        due_days: u16::from_le_bytes([b[70], b[71]]),
        handling: match b[72] {
            0 => Handling::Direct,
            1 => Handling::Transferred,
            _ => return None,
        },
        from_province: b[73] != 0,
        urgent: b[74] != 0,
        callback: match b[75] {
            0 => Callback::None,
            1 => Callback::Satisfied,
            2 => Callback::BasicallySatisfied,
            3 => Callback::Unsatisfied,
            4 => Callback::NotReached,
            _ => return None,
        },
        audit: match b[76] {
            0 => Audit::NotSampled,
            1 => Audit::Compliant,
            2 => Audit::NonCompliant,
            _ => return None,
        },
    })
}

struct Writer(Vec<u8>);
impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.extend_from_slice(b);
    }
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}
impl<'a> Reader<'a> {
    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let b = (n <= self.left()).then(|| self.bytes.get(self.at..self.at + n)).flatten();
        let b = b.ok_or_else(|| format!("tail: cut short at byte {}", self.at))?;
        self.at += n;
        Ok(b)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let at = self.at;
        self.take(N)?.first_chunk::<N>().copied().ok_or_else(|| format!("tail: cut short at byte {at}"))
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(u8::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from(self.u32()?) | u64::from(self.u32()?) << 32)
    }
    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = usize::try_from(self.u64()?).map_err(|_| "tail: length too large".to_string())?;
        self.take(n)
    }
    fn str(&mut self) -> Result<&'a str, String> {
        std::str::from_utf8(self.bytes()?)
            .map_err(|_| format!("tail: text is not UTF-8 before byte {}", self.at))
    }
    fn string(&mut self) -> Result<String, String> {
        self.str().map(str::to_string)
    }
}

impl Ingest {
    /// Takes in the rest of the file, read by a second reader (this module), as if this
    /// reader had read it: the same tickets, names, rejects and summary. Refused, with nothing
    /// changed, when that cannot be guaranteed; the caller then pushes the rest's bytes itself.
    /// Once a tail is taken in, the input is complete: call [`Ingest::finish`] next.
    pub fn absorb(&mut self, src: &mut dyn TailSource) -> Result<(), Refused> {
        assert!(!self.sealed, "a reader takes in one tail, at the end of its input");
        if self.encoding.is_none() {
            // Not decided yet on the first reader's part (under `encoding::DETECT_BYTES` of
            // text): it reads the tail itself, deciding as one reader would.
            return Err(Refused::Encoding);
        }
        if !self.at_record_boundary() {
            // The split point fell inside a record (a quoted field holding a line feed).
            return Err(Refused::NotARecordBoundary);
        }
        let head = read_head(src).map_err(Refused::Unreadable)?;
        if self.encoding.is_none() || self.encoding != head.summary.encoding {
            // The second reader may have decided the encoding on different bytes.
            return Err(Refused::Encoding);
        }
        if head.summary.headers != self.out.summary.headers {
            return Err(Refused::Header);
        }
        // A duplicate message names the first row's line, counted by the reader that saw it:
        // rather than rewrite those, a tail with duplicates (rare in real exports) is read again.
        if head.rejects.iter().any(|r| r.reason == Reason::DuplicateId) {
            return Err(Refused::Duplicates);
        }
        let store = &mut self.out.store;
        let (tickets_before, arena_before) = (store.tickets.len(), store.id_bytes.len());
        let ends = read_ids(src, &head, &mut store.id_bytes).map_err(Refused::Unreadable)?;
        // `read_ids` checked that the ends ascend and the last is the length it appended.
        let arena = store.id_bytes.get(arena_before..).unwrap_or_default();
        let mut start = 0;
        let shared = ends.iter().any(|&end| {
            let id = arena.get(start..end as usize).unwrap_or_default();
            start = end as usize;
            self.ids.contains(id_hash(id))
        });
        if shared {
            store.id_bytes.truncate(arena_before);
            return Err(Refused::Duplicates);
        }
        // The tail's numbers are not claimed: nothing is read after it (`finish` comes next),
        // and a claim costs a cache miss per ticket.
        let names_before = store.name_counts();
        let map = store.map_names(&head.names);
        let offset = self.line - head.first_line;
        store.tickets.reserve(head.tickets);
        let mut scratch = Vec::new();
        let mut from = 0;
        while from < head.tickets {
            let count = TICKETS_PER_PIECE.min(head.tickets - from);
            let at = store.tickets.len();
            let read = read_tickets(src, &head, from, &mut scratch, &mut store.tickets, count);
            if let Err(e) = read.and_then(|()| {
                store.remap(at, &map, offset).then_some(()).ok_or_else(|| "tail: unknown name id".to_string())
            }) {
                store.tickets.truncate(tickets_before);
                store.id_bytes.truncate(arena_before);
                store.truncate_names(names_before);
                return Err(Refused::Unreadable(e));
            }
            from += count;
        }
        store.id_ends.extend(ends.iter().map(|e| e + arena_before as u32));
        self.sealed = true;
        for r in &head.rejects {
            if let Some(n) = self.rejected_by_reason.get_mut(r.reason as usize) {
                *n += 1;
            }
        }
        self.out.rejects.extend(head.rejects.into_iter().map(|mut r| {
            r.renumber(r.line + offset);
            r
        }));
        let (s, t) = (&mut self.out.summary, &head.summary);
        s.bytes += t.bytes - head.header_bytes;
        s.rows_read += t.rows_read;
        s.rows_scored += t.rows_scored;
        s.rows_rejected += t.rows_rejected;
        s.cleaned_names.extend(t.cleaned_names.iter().cloned());
        s.cleaned_names.sort();
        s.cleaned_names.dedup();
        self.line = head.end_line + offset;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_split_points() {
        assert_eq!(header_len(b"a,b\r\n1,2\n"), Some(5));
        assert_eq!(header_len(b"\xEF\xBB\xBFa,b\n1,2\n"), Some(7));
        assert_eq!(header_len(b"\"a\nb\",c\n1,2\n"), Some(8));
        assert_eq!(header_len(b"a,b"), None);
        // A CR alone before the first line feed: a CR-only file, for one reader.
        assert_eq!(header_len(b"a,b\r\0c\r\n1,2\r\n"), None);
        assert_eq!(header_len(b"a,b\rc\n1,2\n"), None);
        assert_eq!(split_point(10, b"xy\nz"), Some(13));
        assert_eq!(split_point(10, b"xyz"), None);
    }

    #[test]
    fn a_broken_tail_is_refused_and_changes_nothing() {
        // With a BOM: the first reader knows the encoding at the split without 1 MiB of text.
        let csv = "\u{feff}工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限\n\
                   A0,2021-02-01 07:00,微信,投诉,转办,连云区,2021-02-01 10:00,2021-02-08\n\
                   A1,2021-02-01 08:00,微信,咨询,直接答复,,,\n\
                   A2,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08\n\
                   A3,2021-02-31 09:00,微信,咨询,直接答复,,,\n";
        let bytes = csv.as_bytes();
        let header = header_len(bytes).unwrap();
        let split = split_point(header, &bytes[header..]).unwrap();
        let mut reader = TailReader::new(IngestOptions::default(), &bytes[..header]).unwrap();
        reader.push(&bytes[split..]).unwrap();
        let wire = reader.finish().unwrap().to_bytes();
        let one = crate::ingest_bytes(bytes, IngestOptions::default()).unwrap();
        let first = || {
            let mut first = Ingest::new(IngestOptions::default());
            first.push(&bytes[..split]).unwrap();
            first
        };
        let mut whole = first();
        whole.absorb(&mut wire.as_slice()).unwrap();
        let two = whole.finish().unwrap();
        assert_eq!((two.summary, two.rejects), (one.summary.clone(), one.rejects.clone()));
        assert_eq!(two.store.tickets, one.store.tickets);
        let mut corrupt = wire.clone();
        // The tail's tickets are A1 and A2 (A3 is rejected): numbers "A1A2", 2 ends, 2 records.
        let records = corrupt.len() - 4 - 8 - 2 * 4 - 2 * TICKET_BYTES;
        assert_eq!(corrupt[records + 72], 0, "A1 is 直接答复");
        corrupt[records + 72] = 9; // the first record's 办理方式
        let mut broken: Vec<Vec<u8>> = (0..wire.len()).map(|cut| wire[..cut].to_vec()).collect();
        broken.push([wire.as_slice(), &[0]].concat());
        broken.push(corrupt);
        for b in broken {
            let mut first = first();
            let refused = first.absorb(&mut b.as_slice());
            assert!(matches!(refused, Err(Refused::Unreadable(_))), "{} bytes: {refused:?}", b.len());
            first.push(&bytes[split..]).unwrap();
            let again = first.finish().unwrap();
            assert_eq!(again.store.tickets, one.store.tickets);
            assert_eq!(
                again.store.units.len(),
                one.store.units.len(),
                "names added by a refused tail are gone"
            );
        }
    }
}
