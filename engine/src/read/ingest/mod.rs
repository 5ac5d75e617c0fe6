//! Streaming ingest: bytes in, accepted tickets and rejected rows out.
//!
//! ```
//! use hotline_engine::{Ingest, IngestOptions};
//! let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
//!            A1,2021-02-01 08:00,12345热线电话,咨询,直接答复,,,,\n\
//!            A2,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-05 12:00\n\
//!            A3,2021-02-30,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,\n";
//! let mut ingest = Ingest::new(IngestOptions::default());
//! // Chunks may split a record (or a character) anywhere.
//! for chunk in csv.as_bytes().chunks(7) {
//!     ingest.push(chunk).unwrap();
//! }
//! let done = ingest.finish().unwrap();
//! assert_eq!(done.summary.rows_read, 3);
//! assert_eq!(done.summary.rows_scored, 2);
//! assert_eq!(done.rejects[0].line, 4);
//! assert_eq!(done.rejects[0].column, "受理时间");
//! ```

use crate::read::datetime::DateFormat;
use crate::read::encoding::{self, TextEncoding};
use crate::read::idhash::{id_hash, IdSet};
use crate::read::records::{
    find_record_end, scan_plain, trim, Defect, Fields, LineEnds, Scan, MAX_RECORD_BYTES, MAX_RECORD_LINES,
};
use crate::read::reject::{Reason, Reject, RejectDetail};
use crate::tickets::schema::{Column, Mapping, Required, Resolved};
use crate::tickets::store::{Audit, Callback, NameId, Ticket, TicketStore, NO_NAME};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

mod fast;
mod general;
mod header;
mod names;
mod settle;

use fast::{FastField, FastOp};
use header::Layout;
pub use header::{check_header, peek_headers, peek_rows};
use names::{RawNames, Refused, NAME_COLUMNS};
use settle::Pending;

/// Options of one ingest. Defaults: canonical headers, standard datetime forms, encoding detected.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IngestOptions {
    /// How the file's headers map onto canonical columns; `None` = canonical headers only.
    pub mapping: Option<Mapping>,
    /// The file's size in bytes, when known: the store reserves room for about that many rows
    /// up front instead of growing by doubling (less copying, no 2× over-allocation).
    pub size_hint: Option<u64>,
    /// Reads every row with the general reader, which the fast path for plain rows must always
    /// agree with (for tests and speed comparisons; the output is the same either way).
    #[serde(default)]
    pub general_reader_only: bool,
    /// Keeps only the first this many rejected rows (by line) whole; the rest are counted in the
    /// summary, by reason, as every reject is. `None` (the default) keeps them all. A streamed
    /// messy year has a million rejects, half a gigabyte with their row text; the page lists the
    /// first and reads the file again for a download of all.
    #[serde(default)]
    pub rejects_kept: Option<usize>,
}

/// A problem with the file as a whole: nothing can be read until it is fixed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileError {
    /// The file has no header row.
    Empty,
    /// An encoding the engine does not read.
    Encoding(String),
    /// The file is not text: a known binary signature, or NUL bytes in its first line. Carries
    /// what it looks like (PNG 图片, Excel 工作簿, …).
    NotText(String),
    /// The header row is longer than `records::MAX_RECORD_BYTES` (no line end in the first MiB).
    HeaderTooLong,
    /// Required columns are missing or named twice. Carries the header for the mapping step.
    Header {
        /// The header row as read, for the user to map columns from.
        headers: Vec<String>,
        /// Required columns no header maps to.
        missing: Vec<Column>,
        /// Columns two or more headers map to.
        duplicated: Vec<Column>,
    },
}

impl FileError {
    /// The Chinese message shown to the user.
    pub fn message(&self) -> String {
        match self {
            FileError::Empty => "文件为空，没有表头行".into(),
            FileError::Encoding(m) => m.clone(),
            FileError::NotText(kind) => format!(
                "这不是文本 CSV 文件（看起来是：{kind}）。请选择工单导出的 CSV 文件；Excel 工作簿请先另存为“CSV UTF-8”或 CSV"
            ),
            FileError::HeaderTooLong => {
                "第 1 行（表头）超过 1 MiB 仍未结束：这不像 CSV 文本文件。请确认选择的是工单导出的 CSV 文件".into()
            }
            FileError::Header { missing, duplicated, .. } => {
                let mut parts = Vec::new();
                if !missing.is_empty() {
                    let names: Vec<_> = missing.iter().map(|c| c.header()).collect();
                    parts.push(format!("缺少必需的列：{}", names.join("、")));
                }
                if !duplicated.is_empty() {
                    let names: Vec<_> = duplicated.iter().map(|c| c.header()).collect();
                    parts.push(format!("这些列出现了不止一次：{}", names.join("、")));
                }
                format!("第 1 行（表头）：{}。请在映射步骤中指定对应的列。", parts.join("；"))
            }
        }
    }
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}
impl std::error::Error for FileError {}

/// Counts shown on the ingest summary screen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestSummary {
    /// The text encoding detected from the file's bytes (UTF-8 when the file is all ASCII).
    pub encoding: Option<TextEncoding>,
    /// Bytes of the file read, BOM and header row included.
    pub bytes: u64,
    /// 读取行数: data rows read, blank lines not counted; always rows_scored + rows_rejected.
    pub rows_read: u64,
    /// 计分行数: rows accepted, i.e. the tickets in the store.
    pub rows_scored: u64,
    /// 拒收行数: rows that failed a check (docs/indicators.md §3.1), kept or not.
    pub rows_rejected: u64,
    /// Rejected rows per reason, in check order.
    pub rejected_by_reason: Vec<(Reason, u64)>,
    /// Headers that feed no canonical column (ignored).
    pub extra_columns: Vec<String>,
    /// The file's header row as read.
    pub headers: Vec<String>,
    /// The names (承办单位, 来源渠道, …, as interned) some spelling of which held NUL or zero-width
    /// characters, or ideographic or no-break spaces at either end, removed so they make no second
    /// unit; sorted, each once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cleaned_names: Vec<String>,
    /// Accepted tickets closed before they were received (办结时间 < 受理时间): counted as they
    /// are, listed so the export can be checked.
    #[serde(default, skip_serializing_if = "LineSample::is_empty")]
    pub closed_before_received: LineSample,
    /// Accepted 转办 tickets whose 办理时限 is before their 派单时间.
    #[serde(default, skip_serializing_if = "LineSample::is_empty")]
    pub due_before_dispatched: LineSample,
    /// The file ends its lines with CR alone (old Mac tools): each CR was read as a line end.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cr_line_ends: bool,
}

/// How many accepted tickets have some oddity, with the lines of the first
/// [`LineSample::SHOWN`] of them in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineSample {
    /// Tickets with the oddity.
    pub count: u64,
    /// Lines (header = 1) of the first ones.
    pub lines: Vec<u32>,
}

impl LineSample {
    /// How many lines are kept.
    pub const SHOWN: usize = 20;

    /// Whether no ticket has the oddity.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn note(&mut self, line: u32) {
        self.count += 1;
        if self.lines.len() < Self::SHOWN {
            self.lines.push(line);
        }
    }
}

/// Notes the oddities of accepted tickets, in file order (once per ticket: when a batch is
/// handed over, or when the ingest finishes).
fn note_oddities(summary: &mut IngestSummary, tickets: &[Ticket]) {
    for t in tickets {
        if t.closed.is_some() && t.received.is_some() && t.closed < t.received {
            summary.closed_before_received.note(t.line);
        }
        if t.due.is_some() && t.dispatched.is_some() && t.due < t.dispatched {
            summary.due_before_dispatched.note(t.line);
        }
    }
}

/// The result of a finished ingest.
#[derive(Clone, Debug, Default)]
pub struct Ingested {
    /// The accepted tickets (计分行数 of them), with the names they use.
    pub store: TicketStore,
    /// The rejected rows kept whole: all of them unless `IngestOptions::rejects_kept` says fewer.
    pub rejects: Vec<Reject>,
    /// The counts for the ingest summary screen.
    pub summary: IngestSummary,
}

/// Known coded values, spelled in the file's encoding so rows compare raw bytes.
struct Codes {
    direct: Vec<u8>,
    transferred: Vec<u8>,
    yes: Vec<Vec<u8>>,
    no: Vec<Vec<u8>>,
    satisfied: Vec<u8>,
    basically: Vec<u8>,
    unsatisfied: Vec<u8>,
    not_reached: Vec<u8>,
    compliant: Vec<u8>,
    non_compliant: Vec<u8>,
}

impl Codes {
    fn new(enc: TextEncoding) -> Codes {
        let e = |s: &str| encoding::encode(enc, s);
        Codes {
            direct: e("直接答复"),
            transferred: e("转办"),
            // The spellings exports and spreadsheets write (Excel and WPS: TRUE/FALSE).
            yes: ["是", "Y", "y", "1", "true", "TRUE", "True"].iter().map(|s| e(s)).collect(),
            no: ["否", "N", "n", "0", "false", "FALSE", "False"].iter().map(|s| e(s)).collect(),
            satisfied: e("满意"),
            basically: e("基本满意"),
            unsatisfied: e("不满意"),
            not_reached: e("未回访"),
            compliant: e("规范"),
            non_compliant: e("不规范"),
        }
    }
}

/// Streaming reader. Feed it chunks with [`Ingest::push`], then call [`Ingest::finish`].
pub struct Ingest {
    options: IngestOptions,
    date_format: DateFormat,
    buf: Vec<u8>,
    started: bool,
    /// The file's line ends, once its first line end is seen (`None` before).
    line_ends: Option<LineEnds>,
    /// Physical line number of the next record.
    pub(crate) line: u32,
    pub(crate) encoding: Option<TextEncoding>,
    /// Coded values in the current encoding (UTF-8 spellings until the encoding is known:
    /// rows seen before then are pure ASCII, where both encodings agree).
    codes: Codes,
    layout: Option<Layout>,
    fields: Fields,
    /// Comma positions of the record being read on the fast path (reused).
    commas: Vec<u32>,
    /// The 工单编号 of the row being stored (reused).
    id_buf: String,
    /// Tickets stored by the fast path whose 工单编号 is not claimed yet (see `settle`).
    pending: Vec<Pending>,
    /// Stored tickets found to be duplicates: removed when the ingest finishes.
    removed: Vec<u32>,
    /// Tickets handed over by `take_tickets`: ticket indices in `ids` are global, this + the
    /// index in the store.
    base: u32,
    /// The line of every ticket handed over, by global index (for duplicate messages).
    handed_over_lines: Vec<u32>,
    /// 工单编号 hashes claimed by accepted tickets, for the duplicate check.
    pub(crate) ids: IdSet,
    /// Ids whose hash collided with a different id (rare): exact set.
    id_collisions: FxHashMap<String, u32>,
    /// Raw bytes → (name id, had undecodable bytes), per table, so a repeated name is decoded
    /// only once.
    raw_units: RawNames,
    raw_channels: RawNames,
    raw_kinds: RawNames,
    raw_categories: RawNames,
    /// The record being read was too long: input is dropped up to the next line feed.
    skip_line: bool,
    /// A tail was taken in ([`Ingest::absorb`]): the input is complete.
    pub(crate) sealed: bool,
    /// Rejected rows by reason (every one, kept or not: see `IngestOptions::rejects_kept`).
    pub(crate) rejected_by_reason: [u64; Reason::ALL.len()],
    pub(crate) out: Ingested,
}

impl Ingest {
    /// A reader with nothing read yet; feed it with [`Ingest::push`], end it with [`Ingest::finish`].
    pub fn new(options: IngestOptions) -> Ingest {
        let date_format = match options.mapping.as_ref().and_then(|m| m.datetime_format.clone()) {
            Some(p) => DateFormat::Custom(p),
            None => DateFormat::Standard,
        };
        let mut out = Ingested::default();
        let mut ids = IdSet::default();
        if let Some(bytes) = options.size_hint {
            let rows = Ingest::rows_in(bytes);
            out.store.reserve(rows);
            ids = IdSet::with_capacity(rows);
        }
        Ingest {
            options,
            date_format,
            buf: Vec::new(),
            started: false,
            line_ends: None,
            line: 1,
            encoding: None,
            codes: Codes::new(TextEncoding::Utf8),
            layout: None,
            fields: Fields::default(),
            commas: Vec::new(),
            id_buf: String::new(),
            pending: Vec::new(),
            removed: Vec::new(),
            base: 0,
            handed_over_lines: Vec::new(),
            ids,
            id_collisions: FxHashMap::default(),
            raw_units: RawNames::default(),
            raw_channels: RawNames::default(),
            raw_kinds: RawNames::default(),
            raw_categories: RawNames::default(),
            skip_line: false,
            sealed: false,
            rejected_by_reason: [0; Reason::ALL.len()],
            out,
        }
    }

    /// An ingest whose tickets are handed over a batch of `batch` at a time
    /// ([`Ingest::take_tickets`], then [`Ingest::reuse`]): the store makes room for a batch, the
    /// duplicate check for the whole file (`options.size_hint`), so neither grows by doubling
    /// while the file is read. (The first rows are no guide to the file's rows: an export's
    /// carried-over tickets come first, with every field filled.)
    pub fn batched(mut options: IngestOptions, batch: usize) -> Ingest {
        let file = options.size_hint.take();
        let mut ingest = Ingest::new(options);
        if let Some(bytes) = file {
            let rows = Ingest::rows_in(bytes);
            ingest.ids = IdSet::with_capacity(rows);
            // A batch is handed over after the chunk that fills it: room for that chunk's rows
            // too (a 4 MiB chunk holds about 25 000), or the store would double to hold them.
            ingest.out.store.reserve(rows.min(batch + batch / 16 + 32_768));
        }
        ingest
    }

    /// About how many rows a file of `bytes` holds: canonical rows run 150–200 bytes, and a
    /// little over-reserve is cheaper than a regrowth.
    fn rows_in(bytes: u64) -> usize {
        (bytes / 150) as usize
    }

    /// Gives back a batch's store once it is counted, so the next batch fills the same memory
    /// instead of growing a new store (in wasm, memory freed is kept, not returned).
    pub fn reuse(&mut self, mut spent: TicketStore) {
        let store = &mut self.out.store;
        if store.is_empty() && spent.tickets.capacity() > store.tickets.capacity() {
            spent.tickets.clear();
            spent.id_bytes.clear();
            spent.id_ends.clear();
            store.tickets = spent.tickets;
            store.id_bytes = spent.id_bytes;
            store.id_ends = spent.id_ends;
        }
    }

    /// Rows read so far (for progress).
    pub fn rows_read(&self) -> u64 {
        self.out.summary.rows_read
    }
    /// Bytes received so far.
    pub fn bytes_read(&self) -> u64 {
        self.out.summary.bytes
    }

    /// Tickets stored and not yet handed over.
    pub fn tickets_held(&self) -> usize {
        self.out.store.len()
    }

    /// Hands over the tickets accepted so far (with the name tables as they stand), so that a
    /// file larger than memory can be counted batch by batch ([`crate::partial`]); the ingest
    /// keeps each ticket number's hash and first line (28–52 bytes a ticket), so a later row with a
    /// number handed over is still rejected as a duplicate, by its 64-bit hash. Rows read before
    /// are never re-read. `finish` returns the tickets stored since the last hand-over.
    pub fn take_tickets(&mut self) -> TicketStore {
        let store = &mut self.out.store;
        self.handed_over_lines.extend(store.tickets.iter().map(|t| t.line));
        self.base += store.len() as u32;
        let mut batch = store.take_tickets();
        if !self.removed.is_empty() {
            batch.remove(&self.removed);
            self.removed.clear();
        }
        note_oddities(&mut self.out.summary, &batch.tickets);
        batch
    }

    /// Feeds the next chunk. Fails only on a file-level problem (encoding, header).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), FileError> {
        assert!(!self.sealed, "no bytes after a tail taken in (Ingest::absorb)");
        self.out.summary.bytes += chunk.len() as u64;
        match self.line_ends {
            Some(LineEnds::Lf) => self.push_lf(chunk),
            Some(LineEnds::CrOnly) => {
                let mut lf = chunk.to_vec();
                LineEnds::normalise(&mut lf);
                self.push_lf(&lf)
            }
            None => {
                // Before the first line end everything waits in the carry buffer (no header yet).
                self.buf.extend_from_slice(chunk);
                if self.buf.len() >= 8 {
                    self.refuse_binary()?;
                }
                self.decide_line_ends(false);
                if self.line_ends.is_none() && self.buf.len() > MAX_RECORD_BYTES {
                    // No line end in the first MiB: the header check refuses the file.
                    self.line_ends = Some(LineEnds::Lf);
                }
                let held = std::mem::take(&mut self.buf);
                self.push_lf(&held)
            }
        }
    }

    /// Decides the line ends once the carried bytes show the first one; a CR-only file's carried
    /// bytes are rewritten then, and every later chunk as it comes.
    fn decide_line_ends(&mut self, eof: bool) {
        if self.line_ends.is_none() {
            self.line_ends = LineEnds::of(&self.buf, eof);
            if self.line_ends == Some(LineEnds::CrOnly) {
                LineEnds::normalise(&mut self.buf);
                self.out.summary.cr_line_ends = true;
            }
        }
    }

    /// [`Ingest::push`] of bytes whose line ends are line feeds.
    fn push_lf(&mut self, mut chunk: &[u8]) -> Result<(), FileError> {
        if self.skip_line {
            // The rest of a line too long to read: dropped up to its line feed, never held.
            let Some(p) = memchr::memchr(b'\n', chunk) else { return Ok(()) };
            self.skip_line = false;
            chunk = chunk.get(p + 1..).unwrap_or_default();
        }
        if self.layout.is_none() || self.encoding.is_none() {
            // Until the header is read and the encoding known, everything goes through the
            // carry buffer (the BOM, detection and the header need the bytes together).
            self.buf.extend_from_slice(chunk);
            if !self.started {
                // The BOM and signature checks need the first eight bytes; a tiny first chunk
                // waits for more.
                if self.buf.len() < 8 {
                    return Ok(());
                }
                self.start()?;
            }
            if self.encoding.is_none() {
                if let Some(enc) = encoding::detect(&self.buf, false) {
                    self.set_encoding(enc);
                }
            }
            if self.encoding.is_none() {
                // Until the encoding is decided only the records wholly before the first
                // non-ASCII byte are read (ASCII reads the same in both encodings).
                if let Some(first) = self.buf.iter().position(|b| *b >= 0x80) {
                    let before = self.buf.get(..first).unwrap_or_default();
                    let cut = memchr::memrchr(b'\n', before).map_or(0, |p| p + 1);
                    let mut buf = std::mem::take(&mut self.buf);
                    let result = self.drain_slice(buf.get(..cut).unwrap_or_default(), false);
                    if let Ok(used) = result {
                        buf.drain(..used);
                    }
                    self.buf = buf;
                    return result.map(|_| ());
                }
            }
            return self.drain(false);
        }
        // Then rows are read straight from the chunk: only the record cut by the chunk's end
        // is copied (into the carry buffer), not the whole chunk.
        let mut rest = chunk;
        // The carried record is completed one line at a time (a quoted field may hold line
        // feeds), and read only once the line that closes its quotes has come, or once it has
        // passed the record limits (`records::MAX_RECORD_LINES`, `MAX_RECORD_BYTES`): its quotes
        // and lines are counted as they arrive, each byte once. (Reading it again after every
        // line was quadratic: a stray quote in a 50 000-row file took 92 s.)
        let (mut quotes, mut lines) = Self::quotes_and_lines(&self.buf);
        while !self.buf.is_empty() {
            match memchr::memchr(b'\n', rest) {
                None => {
                    self.buf.extend_from_slice(rest);
                    if self.buf.len() > MAX_RECORD_BYTES {
                        // Decided without waiting: the record cannot end within the limit.
                        self.drain(false)?;
                    }
                    return Ok(());
                }
                Some(p) => {
                    let (line, after) = rest.split_at(p + 1);
                    quotes += memchr::memchr_iter(b'"', line).count();
                    lines += 1;
                    self.buf.extend_from_slice(line);
                    rest = after;
                }
            }
            if quotes.is_multiple_of(2) || lines >= MAX_RECORD_LINES || self.buf.len() > MAX_RECORD_BYTES {
                self.drain(false)?;
                (quotes, lines) = Self::quotes_and_lines(&self.buf);
            }
            if self.skip_line {
                break;
            }
        }
        if self.skip_line {
            // The rest of a line too long to read: dropped up to its line feed, never held.
            let Some(p) = memchr::memchr(b'\n', rest) else { return Ok(()) };
            self.skip_line = false;
            rest = rest.get(p + 1..).unwrap_or_default();
        }
        let used = self.drain_slice(rest, false)?;
        self.buf.extend_from_slice(rest.get(used..).unwrap_or_default());
        Ok(())
    }

    /// Refuses a file whose first bytes carry a known binary signature.
    fn refuse_binary(&self) -> Result<(), FileError> {
        match encoding::not_text(&self.buf, b"") {
            Some(kind) => Err(FileError::NotText(kind.into())),
            None => Ok(()),
        }
    }

    /// Quotes and line feeds in a carried record.
    fn quotes_and_lines(buf: &[u8]) -> (usize, u32) {
        if buf.is_empty() {
            return (0, 0);
        }
        (memchr::memchr_iter(b'"', buf).count(), memchr::memchr_iter(b'\n', buf).count() as u32)
    }

    fn start(&mut self) -> Result<(), FileError> {
        self.started = true;
        self.refuse_binary()?;
        let (skip, enc) = encoding::strip_bom(&self.buf).map_err(|m| FileError::Encoding(m.into()))?;
        self.buf.drain(..skip);
        if let Some(enc) = enc {
            self.set_encoding(enc);
        }
        Ok(())
    }

    /// Ends the input and returns everything read.
    pub fn finish(self) -> Result<Ingested, FileError> {
        self.finish_with_lines().map(|(done, _)| done)
    }

    /// [`Ingest::finish`], also giving the line after the last record.
    pub(crate) fn finish_with_lines(mut self) -> Result<(Ingested, u32), FileError> {
        self.decide_line_ends(true);
        if !self.started {
            self.start()?;
        }
        if self.encoding.is_none() {
            let enc = encoding::detect(&self.buf, true).unwrap_or(TextEncoding::Utf8);
            self.set_encoding(enc);
        }
        self.drain(true)?;
        if self.layout.is_none() {
            return Err(FileError::Empty);
        }
        self.out.summary.cleaned_names.sort();
        self.out.summary.cleaned_names.dedup();
        if !self.removed.is_empty() {
            self.out.store.remove(&self.removed);
        }
        note_oddities(&mut self.out.summary, &self.out.store.tickets);
        // Duplicates found by `settle` were rejected after the rows around them.
        self.out.rejects.sort_by_key(|r| r.line);
        if let Some(kept) = self.options.rejects_kept {
            self.out.rejects.truncate(kept);
        }
        let s = &mut self.out.summary;
        s.encoding = self.encoding;
        s.rejected_by_reason = Reason::ALL
            .iter()
            .map(|r| (*r, self.rejected_by_reason.get(*r as usize).copied().unwrap_or(0)))
            .filter(|(_, n)| *n > 0)
            .collect();
        debug_assert_eq!(s.rows_read, s.rows_scored + s.rows_rejected);
        self.out.store.shrink_to_fit();
        Ok((self.out, self.line))
    }

    /// Whether the reader has read the header and holds no partial record: the point where a
    /// second reader's tail can be taken in ([`Ingest::absorb`]).
    pub(crate) fn at_record_boundary(&self) -> bool {
        self.layout.is_some() && self.buf.is_empty()
    }

    fn set_encoding(&mut self, enc: TextEncoding) {
        self.encoding = Some(enc);
        self.codes = Codes::new(enc);
    }

    fn enc(&self) -> TextEncoding {
        self.encoding.unwrap_or(TextEncoding::Utf8)
    }

    /// Consumes every complete record in the buffer.
    fn drain(&mut self, eof: bool) -> Result<(), FileError> {
        let mut buf = std::mem::take(&mut self.buf);
        let result = self.drain_slice(&buf, eof);
        if let Ok(used) = result {
            buf.drain(..used);
        }
        self.buf = buf;
        result.map(|_| ())
    }

    /// Consumes every complete record at the start of `data`; returns the bytes consumed.
    fn drain_slice(&mut self, data: &[u8], eof: bool) -> Result<usize, FileError> {
        let mut at = 0;
        loop {
            if self.layout.as_ref().is_some_and(|l| l.fast) {
                at += self.fast_records(data.get(at..).unwrap_or_default());
            }
            let Some(end) = find_record_end(data.get(at..).unwrap_or_default(), eof) else { return Ok(at) };
            let rec = data.get(at..at + end.content).unwrap_or_default();
            let line = self.line;
            self.line += end.lines;
            at += end.consumed;
            if self.layout.is_none() {
                if let Some(kind) = encoding::not_text(b"", rec) {
                    return Err(FileError::NotText(kind.into()));
                }
                if end.defect == Some(Defect::TooLong) {
                    return Err(FileError::HeaderTooLong);
                }
                self.read_header(rec, end.quoted)?;
            } else if let Some(defect) = end.defect {
                self.skip_line = end.skip_rest_of_line;
                self.read_defective(rec, defect, line);
            } else if !trim(rec).is_empty() {
                self.read_row(rec, end.quoted, line);
            }
        }
    }

    /// Takes the rejected rows gathered so far, each whole (a second read that writes every
    /// reject as it goes, never holding them all). Those of one chunk come out of line order
    /// (duplicates are found after the rows around them); those of earlier chunks all come
    /// before them.
    pub fn take_rejects(&mut self) -> Vec<Reject> {
        std::mem::take(&mut self.out.rejects)
    }
}

/// Reads a whole file held in memory (the CLI and tests; the page streams chunks).
pub fn ingest_bytes(bytes: &[u8], mut options: IngestOptions) -> Result<Ingested, FileError> {
    options.size_hint = options.size_hint.or(Some(bytes.len() as u64));
    let mut ingest = Ingest::new(options);
    // Chunked like the page, so both exercise the same boundaries.
    for chunk in bytes.chunks(4 << 20) {
        ingest.push(chunk)?;
    }
    ingest.finish()
}

#[cfg(test)]
mod tests {
    use super::names::RawNames;

    #[test]
    fn raw_names_tell_apart_names_equal_at_both_ends() {
        let mut names = RawNames::default();
        // Same length and first and last eight bytes, different middles; every length 0–40;
        // 4–7 byte names whose halves overlap differently.
        let mut all: Vec<Vec<u8>> = vec![b"AAAAAAAA1BBBBBBBB".to_vec(), b"AAAAAAAA2BBBBBBBB".to_vec()];
        all.extend((0..=40).map(|n| (0..n).map(|i| b'a' + (i % 26) as u8).collect()));
        all.extend([
            b"abcd".to_vec(),
            b"abcde".to_vec(),
            b"abcdd".to_vec(),
            b"abdcd".to_vec(),
            "市住建局".into(),
        ]);
        all.sort();
        all.dedup();
        for (i, raw) in all.iter().enumerate() {
            assert_eq!(names.get(raw), None, "{raw:?} before it is added");
            names.insert(raw, i as u32, i % 3 == 0);
        }
        for (i, raw) in all.iter().enumerate() {
            assert_eq!(names.get(raw), Some((i as u32, i % 3 == 0)), "{raw:?}");
        }
    }
}
