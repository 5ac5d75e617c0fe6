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

use crate::datetime::DateFormat;
use crate::encoding::{self, TextEncoding};
use crate::idhash::{id_hash, IdSet};
use crate::records::{find_record_end, scan_plain, trim, Fields, Scan};
use crate::reject::{Reason, Reject};
use crate::schema::{Column, Mapping, Required, Resolved};
use crate::store::{Audit, Callback, NameId, Ticket, TicketStore, NO_NAME};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

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
    /// Required columns are missing or named twice. Carries the header for the mapping step.
    Header { headers: Vec<String>, missing: Vec<Column>, duplicated: Vec<Column> },
}

impl FileError {
    /// The Chinese message shown to the user.
    pub fn message(&self) -> String {
        match self {
            FileError::Empty => "文件为空，没有表头行".into(),
            FileError::Encoding(m) => m.clone(),
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
    pub encoding: Option<TextEncoding>,
    pub bytes: u64,
    pub rows_read: u64,
    pub rows_scored: u64,
    pub rows_rejected: u64,
    /// Rejected rows per reason, in check order.
    pub rejected_by_reason: Vec<(Reason, u64)>,
    /// Headers that feed no canonical column (ignored).
    pub extra_columns: Vec<String>,
    /// Accepted rows whose ticket number or a name had bytes that are not valid in the detected
    /// encoding (kept, with U+FFFD in their place).
    pub undecodable_fields: u64,
    /// The file's header row as read.
    pub headers: Vec<String>,
}

/// The result of a finished ingest.
#[derive(Clone, Debug, Default)]
pub struct Ingested {
    pub store: TicketStore,
    pub rejects: Vec<Reject>,
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
            yes: ["是", "Y", "1", "true"].iter().map(|s| e(s)).collect(),
            no: ["否", "N", "0", "false"].iter().map(|s| e(s)).collect(),
            satisfied: e("满意"),
            basically: e("基本满意"),
            unsatisfied: e("不满意"),
            not_reached: e("未回访"),
            compliant: e("规范"),
            non_compliant: e("不规范"),
        }
    }
}

/// What each coded column accepts, for messages.
fn allowed(c: Column) -> &'static str {
    match c {
        Column::Handling => "直接答复、转办",
        Column::FromProvince | Column::Urgent => "是、否、Y、N、1、0、true、false 或留空",
        Column::Callback => "满意、基本满意、不满意、未回访 或留空",
        Column::Audit => "规范、不规范 或留空",
        Column::Returned => "0 或正整数（留空为 0）",
        _ => "",
    }
}

/// Why a row failed its checks.
struct RowError {
    column: Option<usize>,
    reason: Reason,
    detail: String,
}

impl RowError {
    fn new(column: Option<usize>, reason: Reason, detail: String) -> RowError {
        RowError { column, reason, detail }
    }
}

/// Header state once the first record has been read.
struct Layout {
    headers: Vec<String>,
    /// Field position of each canonical column.
    pos: [Option<usize>; Column::ALL.len()],
    /// Datetime columns present, in file order.
    datetimes: Vec<(usize, Column)>,
    /// Coded columns present, in file order.
    coded: Vec<(usize, Column)>,
    /// Always-required columns, in file order.
    required: Vec<(usize, Column)>,
    /// Required-if-转办 columns, in file order.
    required_transferred: Vec<(usize, Column)>,
    /// How many fields a row has.
    width: usize,
    /// What the fast row reader does with each field it reads, in file order.
    fast_fields: Vec<FastField>,
    /// Whether rows may take the fast path at all (standard datetime forms only).
    fast: bool,
}

/// Streaming reader. Feed it chunks with [`Ingest::push`], then call [`Ingest::finish`].
pub struct Ingest {
    options: IngestOptions,
    date_format: DateFormat,
    buf: Vec<u8>,
    started: bool,
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
    /// A tail was taken in ([`Ingest::absorb`]): the input is complete.
    pub(crate) sealed: bool,
    /// Rejected rows by reason (every one, kept or not: see `IngestOptions::rejects_kept`).
    pub(crate) rejected_by_reason: [u64; Reason::ALL.len()],
    pub(crate) out: Ingested,
}

impl Ingest {
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
        batch
    }

    /// Feeds the next chunk. Fails only on a file-level problem (encoding, header).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), FileError> {
        assert!(!self.sealed, "no bytes after a tail taken in (Ingest::absorb)");
        self.out.summary.bytes += chunk.len() as u64;
        if self.layout.is_none() || self.encoding.is_none() {
            // Until the header is read and the encoding known, everything goes through the
            // carry buffer (the BOM, detection and the header need the bytes together).
            self.buf.extend_from_slice(chunk);
            if !self.started {
                // The BOM check needs the first three bytes; a tiny first chunk waits for more.
                if self.buf.len() < 3 {
                    return Ok(());
                }
                self.start()?;
            }
            if self.encoding.is_none() {
                if let Some(enc) = encoding::detect(&self.buf, false) {
                    self.set_encoding(enc);
                }
            }
            return self.drain(false);
        }
        // Then rows are read straight from the chunk: only the record cut by the chunk's end
        // is copied (into the carry buffer), not the whole chunk.
        let mut rest = chunk;
        while !self.buf.is_empty() {
            // Complete the carried record one line at a time (a quoted field may hold newlines).
            match memchr::memchr(b'\n', rest) {
                None => {
                    self.buf.extend_from_slice(rest);
                    return Ok(());
                }
                Some(p) => {
                    self.buf.extend_from_slice(&rest[..=p]);
                    rest = &rest[p + 1..];
                }
            }
            self.drain(false)?;
        }
        let used = self.drain_slice(rest, false)?;
        self.buf.extend_from_slice(&rest[used..]);
        Ok(())
    }

    fn start(&mut self) -> Result<(), FileError> {
        self.started = true;
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
        if !self.removed.is_empty() {
            self.out.store.remove(&self.removed);
        }
        // Duplicates found by `settle` were rejected after the rows around them.
        self.out.rejects.sort_by_key(|r| r.line);
        if let Some(kept) = self.options.rejects_kept {
            self.out.rejects.truncate(kept);
        }
        let s = &mut self.out.summary;
        s.encoding = self.encoding;
        s.rejected_by_reason = Reason::ALL
            .iter()
            .map(|r| (*r, self.rejected_by_reason[*r as usize]))
            .filter(|(_, n)| *n > 0)
            .collect();
        debug_assert_eq!(s.rows_read, s.rows_scored + s.rows_rejected);
        self.out.store.shrink_to_fit();
        Ok((self.out, self.line))
    }

    /// Physical line of the next record (header = 1).
    pub(crate) fn next_line(&self) -> u32 {
        self.line
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
                at += self.fast_records(&data[at..]);
            }
            let Some(end) = find_record_end(&data[at..], eof) else { return Ok(at) };
            let rec = &data[at..at + end.content];
            let line = self.line;
            self.line += end.lines;
            at += end.consumed;
            if self.layout.is_none() {
                self.read_header(rec, end.quoted)?;
            } else if !trim(rec).is_empty() {
                self.read_row(rec, end.quoted, line);
            }
        }
    }

    fn read_header(&mut self, rec: &[u8], quoted: bool) -> Result<(), FileError> {
        self.fields.split(rec, quoted);
        let enc = self.enc();
        let mut lossy = false;
        let headers: Vec<String> = (0..self.fields.len())
            .map(|i| encoding::decode(enc, trim(self.fields.get(rec, i)), &mut lossy).into_owned())
            .collect();
        let resolved = resolve_header(headers.clone(), self.options.mapping.as_ref())?;
        let mut pos = [None; Column::ALL.len()];
        let (mut datetimes, mut coded, mut required, mut required_transferred) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (i, c) in resolved.positions.iter().enumerate() {
            let Some(c) = *c else { continue };
            pos[c as usize] = Some(i);
            if c.is_datetime() {
                datetimes.push((i, c));
            }
            if matches!(
                c,
                Column::Handling
                    | Column::FromProvince
                    | Column::Urgent
                    | Column::Callback
                    | Column::Audit
                    | Column::Returned
            ) {
                coded.push((i, c));
            }
            match c.required() {
                Required::Always => required.push((i, c)),
                Required::IfTransferred => required_transferred.push((i, c)),
                Required::No => {}
            }
        }
        self.out.store.has_callback_time = pos[Column::CallbackAt as usize].is_some();
        self.out.summary.extra_columns = resolved.extra;
        self.out.summary.headers = headers.clone();
        let width = resolved.positions.len();
        let fast_fields = resolved
            .positions
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| FastField { field: i, op: FastOp::of(c), required: c.required() }))
            .collect();
        let fast = self.date_format == DateFormat::Standard && !self.options.general_reader_only;
        self.layout = Some(Layout {
            headers,
            pos,
            datetimes,
            coded,
            required,
            required_transferred,
            width,
            fast_fields,
            fast,
        });
        Ok(())
    }

    fn reject(&mut self, rec: &[u8], line: u32, column: Option<usize>, reason: Reason, detail: String) {
        let enc = self.enc();
        let mut lossy = false;
        let record = encoding::decode(enc, rec, &mut lossy).into_owned();
        let layout = self.layout.as_ref().expect("rows come after the header");
        let column_name = column.and_then(|i| layout.headers.get(i)).cloned().unwrap_or_default();
        let value = match column {
            Some(i) if i < self.fields.len() => {
                encoding::decode(enc, trim(self.fields.get(rec, i)), &mut lossy).into_owned()
            }
            _ => String::new(),
        };
        let message = match reason {
            Reason::FieldCount => format!("第 {line} 行：{detail}"),
            _ => format!("第 {line} 行，列“{column_name}”：{detail}"),
        };
        self.out.summary.rows_rejected += 1;
        self.rejected_by_reason[reason as usize] += 1;
        self.out.rejects.push(Reject { line, column: column_name, reason, message, value, record });
        // Kept to the first `kept` by line: trimmed whenever twice as many have gathered (rows
        // are rejected nearly in line order; duplicates a little after the rows around them).
        if let Some(kept) = self.options.rejects_kept {
            if self.out.rejects.len() >= kept.max(1) * 2 {
                self.out.rejects.sort_by_key(|r| r.line);
                self.out.rejects.truncate(kept);
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

    fn read_row(&mut self, rec: &[u8], quoted: bool, line: u32) {
        self.out.summary.rows_read += 1;
        self.fields.split(rec, quoted);
        match self.check_row(rec, quoted, line) {
            Ok((t, h)) => self.store_row(rec, line, t, h),
            Err(e) => self.reject(rec, line, e.column, e.reason, e.detail),
        }
    }

    /// Reads the plain records (no quote anywhere) at the start of `buf`, as many as it holds,
    /// and returns the bytes consumed. Stops before a record with a quote and before an
    /// incomplete last record: the general path takes those. Rows that fail any check are read
    /// again by the general path, which alone words the reasons: the fast path only accepts.
    fn fast_records(&mut self, buf: &[u8]) -> usize {
        let mut at = 0;
        let mut commas = std::mem::take(&mut self.commas);
        let mut pending = std::mem::take(&mut self.pending);
        while let Scan::Record(nl) = scan_plain(&buf[at..], &mut commas) {
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
                    self.out.summary.rows_read += 1;
                    let mut lossy = false;
                    let id = encoding::decode(self.enc(), raw.id, &mut lossy);
                    let index = self.out.store.len() as u32;
                    let lossy = self.accept(t, &id, raw.names, lossy);
                    pending.push(Pending { hash, index, start, len: content.len() as u32, line, lossy });
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

    /// Claims the 工单编号 of the tickets the fast path stored since the last call, in file
    /// order, and takes back any that turns out to be a duplicate (rejected, with its record
    /// from `buf`, and removed when the ingest finishes). Claiming a batch in a tight loop lets
    /// the processor overlap the hash table's cache misses, one per ticket at a million tickets,
    /// instead of waiting for each in the middle of a row.
    fn settle(&mut self, buf: &[u8], pending: &mut Vec<Pending>) {
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
            summary.undecodable_fields -= u64::from(p.lossy);
            let rec = &buf[p.start..p.start + p.len as usize];
            self.fields.split(rec, false);
            self.reject_duplicate(rec, p.line, first, &id);
        }
    }

    /// Whether ticket `first` (a global index) has the number `id`. A ticket already handed
    /// over by [`Ingest::take_tickets`] is known by its hash only, which then decides.
    fn holds(&self, first: u32, id: &str) -> bool {
        match first.checked_sub(self.base) {
            Some(local) => self.out.store.id(local as usize) == id,
            None => true,
        }
    }

    fn reject_duplicate(&mut self, rec: &[u8], line: u32, first: u32, id: &str) {
        let (first_line, first_id) = match first.checked_sub(self.base) {
            Some(local) => {
                let local = local as usize;
                (self.out.store.tickets[local].line, self.out.store.id(local).to_string())
            }
            None => (self.handed_over_lines[first as usize], id.to_string()),
        };
        let detail = format!("工单编号“{first_id}”已在第 {first_line} 行出现，保留第一条");
        let column = self.layout.as_ref().and_then(|l| l.pos[Column::Id as usize]);
        self.reject(rec, line, column, Reason::DuplicateId, detail);
    }

    /// Every check of [`Ingest::check_row`] on a plain row, without wording any reason: `None`
    /// as soon as anything is off (the general path then finds and words the first problem).
    /// `commas` are the record's comma offsets ([`scan_plain`]); the row's number and names come
    /// back as slices of the record, for [`Ingest::accept`].
    fn fast_row<'r>(&self, rec: &'r [u8], commas: &[u32], line: u32) -> Option<(Ticket, u64, RawRow<'r>)> {
        let layout = self.layout.as_ref()?;
        if commas.len() + 1 != layout.width {
            return None;
        }
        let field = |i: usize| {
            let start = if i == 0 { 0 } else { commas[i - 1] as usize + 1 };
            let end = commas.get(i).map_or(rec.len(), |c| *c as usize);
            trim(&rec[start..end])
        };
        let codes = &self.codes;
        let handling = field(layout.pos[Column::Handling as usize]?);
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
                FastOp::Name(slot) => raw.names[slot] = v,
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
                FastOp::Time(c) => *t.time_mut(c) = crate::datetime::parse_standard(v)?,
            }
        }
        Some((t, h, raw))
    }

    /// Stores a row that passed every check, unless its 工单编号 is already taken.
    fn store_row(&mut self, rec: &[u8], line: u32, t: Ticket, h: u64) {
        let enc = self.enc();
        let raw = self
            .layout
            .as_ref()
            .and_then(|l| l.pos[Column::Id as usize])
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
                let pos = self.layout.as_ref().expect("header read").pos;
                let names =
                    NAME_COLUMNS.map(|c| pos[c as usize].map_or(&b""[..], |i| trim(fields.get(rec, i))));
                self.accept(t, &id, names, lossy);
                self.fields = fields;
            }
            Some(first) => self.reject_duplicate(rec, line, first, &id),
        }
        self.id_buf = id;
    }

    /// Claims the row's 工单编号 for the ticket about to be stored. Returns the index of the
    /// accepted ticket that already holds it.
    fn claim_id(&mut self, id: &str, h: u64) -> Option<u32> {
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

    /// Runs the checks in their fixed order; the first failure is the row's one reason.
    fn check_row(&self, rec: &[u8], quoted: bool, line: u32) -> Result<(Ticket, u64), RowError> {
        let layout = self.layout.as_ref().expect("header read");
        let fields = &self.fields;
        let codes = &self.codes;
        let n = layout.headers.len();
        if fields.len() != n {
            let found = fields.len();
            let hint = if quoted && found < n { "（可能有未闭合的引号）" } else { "" };
            return Err(RowError::new(
                None,
                Reason::FieldCount,
                format!("应有 {n} 个字段，实际 {found} 个{hint}"),
            ));
        }
        let field = |c: Column| -> &[u8] {
            match layout.pos[c as usize] {
                Some(i) => trim(fields.get(rec, i)),
                None => b"",
            }
        };
        let decode = |v: &[u8]| -> String {
            let mut lossy = false;
            encoding::decode(self.enc(), v, &mut lossy).into_owned()
        };

        // 1. Missing required values.
        if let Some(&(i, c)) = layout.required.iter().find(|(_, c)| field(*c).is_empty()) {
            return Err(RowError::new(Some(i), Reason::MissingValue, format!("必填项“{}”为空", c.header())));
        }
        let transferred = field(Column::Handling) == codes.transferred.as_slice();
        if transferred {
            if let Some(&(i, c)) = layout.required_transferred.iter().find(|(_, c)| field(*c).is_empty()) {
                return Err(RowError::new(
                    Some(i),
                    Reason::MissingValue,
                    format!("转办工单必须填写“{}”", c.header()),
                ));
            }
        }

        // 2. Unknown coded values.
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
                        _ => return Err(self.unknown(i, c, decode(v))),
                    };
                    true
                }
                Column::Audit => {
                    t.audit = match v {
                        _ if v.is_empty() => Audit::NotSampled,
                        _ if is(v, &codes.compliant) => Audit::Compliant,
                        _ if is(v, &codes.non_compliant) => Audit::NonCompliant,
                        _ => return Err(self.unknown(i, c, decode(v))),
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
                return Err(self.unknown(i, c, decode(v)));
            }
        }

        // 3. Datetimes.
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
                DateFormat::Standard => crate::datetime::parse_standard(v),
                // A custom pattern may hold Chinese (年月日): decode before matching.
                custom => custom.parse(&decode(v)),
            };
            let Some(stamp) = parsed else {
                let forms = self.date_format.describe();
                let detail = format!("“{}”不是可识别的日期时间；可用格式：{forms}", decode(v));
                return Err(RowError::new(Some(i), Reason::BadDatetime, detail));
            };
            *t.time_mut(c) = stamp;
        }

        // 4. Duplicate 工单编号: checked in `read_row` with one hash-table probe that also inserts.
        let mut lossy = false;
        let id = encoding::decode(self.enc(), field(Column::Id), &mut lossy);
        Ok((t, id_hash(id.as_bytes())))
    }

    fn unknown(&self, i: usize, c: Column, v: String) -> RowError {
        RowError::new(
            Some(i),
            Reason::UnknownValue,
            format!("“{v}”不是“{}”的有效取值；可用：{}", c.header(), allowed(c)),
        )
    }

    /// Stores an accepted row: records its 工单编号 and interns its names (`names`: the raw,
    /// trimmed fields of [`NAME_COLUMNS`]). Returns whether the row had undecodable bytes.
    fn accept(&mut self, mut t: Ticket, id: &str, names: [&[u8]; 5], mut lossy: bool) -> bool {
        let enc = self.enc();
        let Ingest { raw_units, raw_channels, raw_kinds, raw_categories, out, .. } = self;
        let store = &mut out.store;
        let mut intern = |raw: &[u8], map: &mut RawNames, names: &mut crate::store::Names| {
            if raw.is_empty() {
                return NO_NAME;
            }
            let (id, bad) = map.get(raw).unwrap_or_else(|| {
                let mut bad = false;
                let id = names.intern(&encoding::decode(enc, raw, &mut bad));
                map.insert(raw, id, bad);
                (id, bad)
            });
            lossy |= bad;
            id
        };
        let [unit, parent, channel, kind, category] = names;
        if t.is_transferred() {
            t.unit = intern(unit, raw_units, &mut store.units);
            t.parent = intern(parent, raw_units, &mut store.units);
            if t.parent == t.unit {
                t.parent = NO_NAME;
            }
        }
        t.channel = intern(channel, raw_channels, &mut store.channels);
        t.kind = intern(kind, raw_kinds, &mut store.kinds);
        t.category = intern(category, raw_categories, &mut store.categories);
        store.push(id, t);
        out.summary.rows_scored += 1;
        if lossy {
            out.summary.undecodable_fields += 1;
        }
        lossy
    }
}

/// The name columns [`Ingest::accept`] interns, in the order of its `names`.
const NAME_COLUMNS: [Column; 5] =
    [Column::Unit, Column::ParentUnit, Column::Channel, Column::Kind, Column::Category];

/// What the fast row reader does with one field.
#[derive(Clone, Copy)]
enum FastOp {
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
    fn of(c: Column) -> FastOp {
        match c {
            Column::Id => FastOp::Id,
            Column::Handling => FastOp::Handling,
            Column::FromProvince => FastOp::Flag(true),
            Column::Urgent => FastOp::Flag(false),
            Column::Callback => FastOp::Callback,
            Column::Audit => FastOp::Audit,
            Column::Returned => FastOp::Returned,
            c if c.is_datetime() => FastOp::Time(c),
            c => {
                FastOp::Name(NAME_COLUMNS.iter().position(|n| *n == c).expect("every other column is a name"))
            }
        }
    }
}

/// A field the fast row reader reads: its position in the row, what it does with it, and
/// whether it may be empty.
struct FastField {
    field: usize,
    op: FastOp,
    required: Required,
}

/// The raw, trimmed 工单编号 and names of a row the fast path accepted (slices of the record).
struct RawRow<'r> {
    id: &'r [u8],
    names: [&'r [u8]; 5],
}

/// Raw name bytes → (name id, had undecodable bytes), for one name table: a repeated name is
/// neither decoded nor hashed in full again. A file has tens to a few thousand distinct names,
/// so the table stays in cache. A name is known by its length and two words (its first and last
/// eight bytes, or for a shorter name its bytes themselves), which give the slot and, for names
/// of up to 16 bytes (most names: a Chinese character is 3 bytes in UTF-8, 2 in GBK), decide
/// equality without touching the name's bytes; a longer name compares its middle bytes too.
#[derive(Default)]
struct RawNames {
    /// Index into `entries`, or `u32::MAX` for an empty slot; a power of two long.
    slots: Vec<u32>,
    entries: Vec<RawName>,
    bytes: Vec<u8>,
}

struct RawName {
    words: (u64, u64),
    len: u32,
    /// Where the name's bytes start in `bytes`.
    start: u32,
    id: NameId,
    undecodable: bool,
}

impl RawNames {
    /// The two words that, with the length, stand for `raw`: they hold every byte of a name of
    /// up to 16 bytes.
    #[inline]
    fn words(raw: &[u8]) -> (u64, u64) {
        let n = raw.len();
        let word = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("eight bytes"));
        let half = |b: &[u8]| u64::from(u32::from_le_bytes(b.try_into().expect("four bytes")));
        if n >= 8 {
            (word(&raw[..8]), word(&raw[n - 8..]))
        } else if n >= 4 {
            (half(&raw[..4]) | half(&raw[n - 4..]) << 32, 0)
        } else {
            (raw.iter().enumerate().fold(0, |w, (i, b)| w | u64::from(*b) << (8 * i)), 0)
        }
    }

    #[inline]
    fn slot(words: (u64, u64), len: usize, mask: usize) -> usize {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let h = ((len as u64 ^ words.0).wrapping_mul(K).rotate_left(29) ^ words.1).wrapping_mul(K);
        (h >> 32) as usize & mask
    }

    #[inline]
    fn get(&self, raw: &[u8]) -> Option<(NameId, bool)> {
        if self.slots.is_empty() {
            return None;
        }
        let (words, n) = (Self::words(raw), raw.len());
        let mask = self.slots.len() - 1;
        let mut slot = Self::slot(words, n, mask);
        loop {
            let e = self.entries.get(*self.slots.get(slot)? as usize)?;
            if e.words == words && e.len as usize == n {
                let start = e.start as usize;
                if n <= 16 || self.bytes.get(start + 8..start + n - 8) == Some(&raw[8..n - 8]) {
                    return Some((e.id, e.undecodable));
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    fn insert(&mut self, raw: &[u8], id: NameId, undecodable: bool) {
        let words = Self::words(raw);
        let (start, len) = (self.bytes.len() as u32, raw.len() as u32);
        self.entries.push(RawName { words, len, start, id, undecodable });
        self.bytes.extend_from_slice(raw);
        if self.entries.len() * 2 > self.slots.len() {
            self.slots = vec![u32::MAX; (self.slots.len() * 2).max(64)];
            for e in 0..self.entries.len() {
                self.place(e);
            }
        } else {
            self.place(self.entries.len() - 1);
        }
    }

    fn place(&mut self, e: usize) {
        let mask = self.slots.len() - 1;
        let entry = &self.entries[e];
        let mut slot = Self::slot(entry.words, entry.len as usize, mask);
        while self.slots[slot] != u32::MAX {
            slot = (slot + 1) & mask;
        }
        self.slots[slot] = e as u32;
    }
}

/// A ticket stored by the fast path, waiting for its 工单编号 to be claimed.
struct Pending {
    hash: u64,
    index: u32,
    /// Its record's offset and length in the buffer being drained.
    start: usize,
    len: u32,
    line: u32,
    lossy: bool,
}

/// The header's columns by `mapping` (`None`: canonical headers), or the [`FileError::Header`]
/// that stops the file, which carries the headers for the mapping step.
fn resolve_header(headers: Vec<String>, mapping: Option<&Mapping>) -> Result<Resolved, FileError> {
    let resolved = match mapping {
        Some(m) => m.resolve(&headers),
        None => Mapping::resolve_canonical(&headers),
    };
    if resolved.is_usable() {
        Ok(resolved)
    } else {
        Err(FileError::Header { headers, missing: resolved.missing, duplicated: resolved.duplicated })
    }
}

/// Reads only the header row of a file's first bytes (for the mapping step). `head` must hold
/// the whole header row, or be the whole file.
pub fn peek_headers(head: &[u8]) -> Result<Vec<String>, FileError> {
    let (skip, bom) = encoding::strip_bom(head).map_err(|m| FileError::Encoding(m.into()))?;
    let head = &head[skip..];
    let enc = bom.or_else(|| encoding::detect(head, false)).unwrap_or(TextEncoding::Utf8);
    let end = find_record_end(head, true).ok_or(FileError::Empty)?;
    let rec = &head[..end.content];
    let mut f = Fields::default();
    f.split(rec, end.quoted);
    let mut lossy = false;
    Ok((0..f.len()).map(|i| encoding::decode(enc, trim(f.get(rec, i)), &mut lossy).into_owned()).collect())
}

/// The error that stops the file at its header row, checked on its first bytes before reading
/// the rest: the same [`FileError`] the ingest would give at its first row (a worker answers a
/// file in another layout at once, before starting a second reader on it). `None` when the
/// header is usable, or when `head` (not the whole file: `whole == false`) ends inside the
/// header row, which the ingest then checks itself.
///
/// ```
/// use hotline_engine::{check_header, FileError};
/// assert_eq!(check_header("工单编号,受理时间\n".as_bytes(), None, false).map(|e| matches!(e, FileError::Header { .. })), Some(true));
/// ```
pub fn check_header(head: &[u8], mapping: Option<&Mapping>, whole: bool) -> Option<FileError> {
    if !whole && find_record_end(head, false).is_none() {
        return None;
    }
    match peek_headers(head) {
        Ok(headers) => resolve_header(headers, mapping).err(),
        Err(e) => Some(e),
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
    use super::RawNames;

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
