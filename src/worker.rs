//! The Web Worker that reads files and counts: parsing and re-counting never block the page.
//!
//! The ticket store lives in the worker; the page holds the file's month-keyed cells
//! ([`CellCounts`]), so a change of period, indicator option or registry is counted on the page,
//! and rules re-score there, without asking the worker. Messages are JSON strings in a JS object
//! `{msg, file?}`; the `File` is posted as it is (structured clone: no copy of its bytes).

use crate::browser::{self, LoadError, Progress};
use crate::helper::{self, Helper};
use crate::load;
use crate::model::{CellCounts, PageCounts};
use crate::protocol::Readers;
use crate::protocol::{
    decode, encode, FromWorker, SideFile, SideKind, ToWorker, REJECTS_SENT, SHORTFALLS_SHOWN,
};
use hotline_engine::partial::{Partial, StreamingPartial};
use hotline_engine::report::audit::{self, Audit, AuditQuery, Fix, UnitTicket, UnitTicketScan};
use hotline_engine::report::shortfall::{ShortfallQuery, ShortfallScan, Shortfalls};
use hotline_engine::score::rules::RuleSet;
use hotline_engine::{IngestOptions, Ingested, Period, ReportOptions};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent};

/// What the page counts from, for `o`: the held file's cells, with the first [`REJECTS_SENT`]
/// rejected rows when `keep_rejects` (a re-count leaves them out: the page keeps those it has).
fn counts(held: &Held, o: &ReportOptions, keep_rejects: bool) -> Result<Box<CellCounts>, LoadError> {
    let rejects = if keep_rejects {
        held.ingested.rejects.iter().take(REJECTS_SENT).cloned().collect()
    } else {
        Vec::new()
    };
    let summary = held.ingested.summary.clone();
    let cells = match &held.partial {
        // A partial-aggregates file counts only with its own deadlines (or none asked): its
        // refusal says so in its own words.
        Some(p) if held.file.is_none() && o.deadlines.is_some() && o.deadlines != p.deadlines => {
            return Err(LoadError::Partial(p.counted(o).err().map(|e| e.to_string()).unwrap_or_default()));
        }
        // A streamed file (its deadlines were checked by the caller) or a partial-aggregates file.
        Some(p) => CellCounts::of_partial(p, summary, rejects, held.file.is_none()),
        None => CellCounts::of_tickets(&held.ingested, o, rejects).map_err(LoadError::Browser)?,
    };
    Ok(Box::new(cells))
}

/// Ticket files of this size or more (about 2.8M canonical rows) are streamed: counted a batch
/// at a time into partial aggregates and never held ticket by ticket. The tab then grows by about
/// a third of the file instead of about the whole file (574 MB, 3M tickets: 197 MB against 539 MB,
/// in as much time), and wasm32 memory ends at 4 GiB. A period or registry change still counts
/// at once, on the page; shortfall lists and changed deadlines read the file again (2 s at 3M).
pub const STREAM_MIN_BYTES: f64 = 512.0 * 1024.0 * 1024.0;
/// Tickets held at a time while streaming (about 80 MB).
const STREAM_BATCH: usize = 1 << 20;

/// Everything the worker keeps between messages, in one place.
#[derive(Default)]
struct WorkerState {
    /// The tickets of the file read last (or its partial), what every re-count starts from.
    held: Option<Held>,
    /// Stops the load under way (a newer load or the page's cancel replaces it).
    cancel: Rc<Cell<bool>>,
    /// The second reader for the next big file (started ahead, so it is ready when one comes).
    helper: Option<Rc<Helper>>,
    /// Every file read by one worker (the page's `?readers=1`).
    one_reader: bool,
    /// Every ticket file streamed (the page's `?stream=1`).
    stream_all: bool,
    /// Stops the second read under way for shortfall lists (a newer request replaces it).
    shortfall_cancel: Rc<Cell<bool>>,
    /// The last shortfall lists, whole (for their CSV).
    shortfalls: Option<Shortfalls>,
    /// Counts up with every file held: what the audit's kept tickets and counts belong to.
    generation: u64,
    /// The page's counts made again here for the audit (its periods and months), with the
    /// generation they are of.
    audit_counts: Option<(u64, PageCounts)>,
    /// The last audit: what the ticks re-count with.
    audit: Option<AuditCache>,
    /// Stops the second read under way for an audit (a newer request replaces it).
    audit_cancel: Rc<Cell<bool>>,
}

impl WorkerState {
    /// Holds a newly read file: what was kept for the previous one goes.
    fn hold(&mut self, held: Held) {
        self.held = Some(held);
        self.generation += 1;
        self.audit_counts = None;
        self.audit = None;
    }
}

thread_local! {
    static STATE: RefCell<WorkerState> = RefCell::new(WorkerState::default());
}

/// The worker's state, for the length of `f` (which must not call this again: one borrow).
fn with_state<R>(f: impl FnOnce(&mut WorkerState) -> R) -> R {
    STATE.with(|s| f(&mut s.borrow_mut()))
}

/// What the worker holds of the file read last.
struct Held {
    /// The tickets (or, for a partial, only the names).
    ingested: Ingested,
    /// Set when the file was a partial-aggregates file or was streamed: re-counts start from it.
    partial: Option<Partial>,
    /// A streamed file, to read again, and how it was read.
    file: Option<(Blob, IngestOptions)>,
}

/// Streams a ticket file into its partial aggregates, a batch of tickets at a time; the report
/// is made from the partial. `progress` gets rows and bytes as they go.
async fn load_streamed(
    blob: &Blob,
    ingest: IngestOptions,
    report: &ReportOptions,
    cancel: &Cell<bool>,
    progress: impl Fn(Progress),
) -> Result<Held, LoadError> {
    let name = blob.dyn_ref::<web_sys::File>().map(|f| f.name()).unwrap_or_default();
    // Only a batch of tickets is ever held; the file's size sizes the duplicate check. The
    // ticket hashes serve merges of partial files, which the page does not make: 11 bytes a
    // ticket (267 MB for a 24M-row year) not kept, and no hashes to compare at the end.
    let ingest = IngestOptions { size_hint: None, ..ingest };
    // The page lists the first rejects; a download of all reads the file again (`all_rejects`).
    let sized = IngestOptions {
        size_hint: Some(blob.size() as u64),
        rejects_kept: Some(REJECTS_SENT),
        ..ingest.clone()
    };
    let mut s =
        StreamingPartial::new(&name, sized, report.deadlines.clone(), STREAM_BATCH).without_ticket_hashes();
    let (total, started) = (blob.size() as u64, browser::now_ms());
    let tick = |at: f64, rows| {
        progress(Progress { bytes: at as u64, total, rows, elapsed_ms: browser::now_ms() - started })
    };
    browser::stream(blob, cancel, &mut s, tick).await?;
    let done = s.finish().map_err(browser::stream_error)?;
    // The rejects and reading summary of the whole file (the partial's store holds names only).
    let ingested = Ingested {
        store: Default::default(),
        rejects: done.ingested.rejects,
        summary: done.ingested.summary,
    };
    Ok(Held { ingested, partial: Some(done.partial), file: Some((blob.clone(), ingest)) })
}

/// The shortfall lists of `query`: from the tickets in memory, or by reading a streamed file
/// again (only the chosen unit's rows are kept).
async fn shortfalls(query: ShortfallQuery, report: ReportOptions, post: Rc<dyn Fn(FromWorker)>) {
    enum Source {
        Found(Shortfalls),
        File(Blob, IngestOptions),
        None(String),
    }
    let source = with_state(|s| match s.held.as_ref() {
        None => Source::None("没有已读取的工单".into()),
        Some(Held { file: Some((blob, ingest)), .. }) => Source::File(blob.clone(), ingest.clone()),
        Some(Held { partial: Some(_), .. }) => {
            Source::None("部分汇总文件只有各单位的计数，不含工单，无法列出扣分工单".into())
        }
        Some(held) => {
            Source::Found(hotline_engine::report::shortfall::find(&held.ingested.store, &report, &query))
        }
    });
    let found = match source {
        Source::Found(f) => Ok(f),
        Source::None(why) => Err(why),
        Source::File(blob, ingest) => {
            let cancel = Rc::new(Cell::new(false));
            with_state(|s| std::mem::replace(&mut s.shortfall_cancel, cancel.clone()).set(true));
            let sized = IngestOptions { size_hint: Some(blob.size() as u64), ..ingest };
            let mut scan = ShortfallScan::new(sized, report, &query, STREAM_BATCH);
            let tick = rereading(&blob, post.clone());
            let read = browser::stream(&blob, &cancel, &mut scan, tick).await;
            match read {
                Ok(()) => scan.finish().map_err(|e| e.message()),
                // Replaced by a newer request: that one answers.
                Err(LoadError::Cancelled) if !with_state(|s| Rc::ptr_eq(&s.shortfall_cancel, &cancel)) => {
                    return
                }
                Err(e) => Err(e.message()),
            }
        }
    };
    let shown = found.as_ref().map(|f| Box::new(f.excerpt(SHORTFALLS_SHOWN))).map_err(Clone::clone);
    with_state(|s| s.shortfalls = found.ok());
    post(FromWorker::Shortfalls(shown));
}

/// The progress of a second read of `blob`, posted as it goes.
fn rereading(blob: &Blob, post: Rc<dyn Fn(FromWorker)>) -> impl Fn(f64, u64) {
    let (total, started) = (blob.size() as u64, browser::now_ms());
    move |at, rows| {
        post(FromWorker::Rereading(Progress {
            bytes: at as u64,
            total,
            rows,
            elapsed_ms: browser::now_ms() - started,
        }))
    }
}

/// Every rejected row of a file, written as CSV as the rows are read, so the rejects are never
/// all held at once (a messy year has a million); the tickets are let go a batch at a time.
struct RejectWriter {
    reader: hotline_engine::Ingest,
    csv: String,
}

/// Appends `rejects` to `csv` in line order (those of one chunk come a little out of line
/// order; those of earlier chunks, before them).
fn write_rejects(mut rejects: Vec<hotline_engine::Reject>, csv: &mut String) {
    rejects.sort_by_key(|r| r.line);
    rejects.iter().for_each(|r| r.write_csv_row(csv));
}

impl browser::Reading for RejectWriter {
    fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        browser::Reading::push(&mut self.reader, chunk)?;
        if self.reader.tickets_held() >= STREAM_BATCH {
            let spent = self.reader.take_tickets();
            self.reader.reuse(spent);
        }
        write_rejects(self.reader.take_rejects(), &mut self.csv);
        Ok(())
    }
    fn rows_read(&self) -> u64 {
        self.reader.rows_read()
    }
}

/// Every rejected row of a streamed file, as CSV, by reading it again.
async fn all_rejects(
    blob: &Blob,
    ingest: IngestOptions,
    post: Rc<dyn Fn(FromWorker)>,
) -> Result<String, LoadError> {
    // Read to the end: nothing else stops this read.
    let cancel = Cell::new(false);
    let sized = IngestOptions { size_hint: Some(blob.size() as u64), rejects_kept: None, ..ingest };
    let mut writer = RejectWriter {
        reader: hotline_engine::Ingest::batched(sized, STREAM_BATCH),
        csv: hotline_engine::Reject::CSV_HEADER.to_string(),
    };
    browser::stream(blob, &cancel, &mut writer, rereading(blob, post)).await?;
    let RejectWriter { reader, mut csv } = writer;
    write_rejects(reader.finish().map_err(LoadError::File)?.rejects, &mut csv);
    Ok(csv)
}

/// A streamed file counted again with other deadlines: the partial fixes the deadlines it was
/// counted with, so the file is read again.
async fn restream(report: ReportOptions, post: Rc<dyn Fn(FromWorker)>) {
    let Some((blob, ingest)) = with_state(|s| s.held.as_ref().and_then(|h| h.file.clone())) else {
        return;
    };
    let cancel = Rc::new(Cell::new(false));
    with_state(|s| s.cancel = cancel.clone());
    let progress = post.clone();
    match load_streamed(&blob, ingest, &report, &cancel, move |p| progress(FromWorker::Rereading(p))).await {
        Ok(held) => {
            let counted = counts(&held, &report, false);
            with_state(|s| s.hold(held));
            post(counted.map_or_else(FromWorker::Failed, FromWorker::Counted));
        }
        Err(e) => post(FromWorker::Failed(e)),
    }
}

/// Several files read together, as the CLI reads them (`merged_report`): newest first, each
/// ticket file streamed into its partial without the tickets a newer file has, partial files
/// read as they are, then all merged. Gives the merged partial and a line per file.
async fn load_many(
    blobs: &[Blob],
    report: &ReportOptions,
    cancel: &Cell<bool>,
    progress: impl Fn(Progress),
) -> Result<(Partial, Vec<String>), LoadError> {
    let total: u64 = blobs.iter().map(|b| b.size() as u64).sum();
    let (started, mut done_bytes) = (browser::now_ms(), 0u64);
    let mut newer: std::collections::HashSet<u64> = std::collections::HashSet::new();
    let (mut parts, mut notes) = (Vec::new(), Vec::new());
    for blob in blobs.iter().rev() {
        let name = blob.dyn_ref::<web_sys::File>().map(|f| f.name()).unwrap_or_default();
        let named = |e: LoadError| LoadError::Browser(format!("{name}：{}", e.message()));
        let head = browser::read_range(blob, 0.0, blob.size().min(64.0 * 1024.0)).await.map_err(named)?;
        let part = if hotline_engine::partial::is_partial_file(&head) {
            let bytes = browser::read_range(blob, 0.0, blob.size()).await.map_err(named)?;
            let text = String::from_utf8_lossy(&bytes);
            let part = Partial::from_json(text.trim_start_matches('\u{feff}'))
                .map_err(|e| named(LoadError::Partial(e.to_string())))?;
            notes.push(format!("{name}：部分汇总文件"));
            part
        } else {
            if let Some(e) = hotline_engine::check_header(&head, None, blob.size() <= 64.0 * 1024.0) {
                return Err(named(LoadError::File(e)));
            }
            let options = IngestOptions {
                size_hint: Some(blob.size() as u64),
                rejects_kept: Some(REJECTS_SENT),
                ..Default::default()
            };
            let mut s = StreamingPartial::new(&name, options, report.deadlines.clone(), STREAM_BATCH)
                .replaced_by(&newer);
            let before = done_bytes;
            let tick = |at: f64, rows| {
                progress(Progress {
                    bytes: before + at as u64,
                    total,
                    rows,
                    elapsed_ms: browser::now_ms() - started,
                })
            };
            browser::stream(blob, cancel, &mut s, tick).await.map_err(named)?;
            let done = s.finish().map_err(|e| named(browser::stream_error(e)))?;
            let sum = &done.ingested.summary;
            let mut note = format!(
                "{name}：读取 {} 行，计分 {} 行，拒收 {} 行",
                sum.rows_read, sum.rows_scored, sum.rows_rejected
            );
            if done.replaced > 0 {
                note.push_str(&format!("；其中 {} 张工单在之后的导出中也有，以之后的为准", done.replaced));
            }
            notes.push(note);
            done.partial
        };
        done_bytes += blob.size() as u64;
        newer.extend(part.hashes().map_err(|e| LoadError::Partial(e.to_string()))?);
        parts.push(part);
    }
    parts.reverse();
    notes.reverse();
    let merged = Partial::merge(&parts).map_err(|e| LoadError::Partial(e.to_string()))?;
    Ok((merged, notes))
}

/// Reads a partial-aggregates file (small: counts, not tickets) and reports on it.
async fn load_partial(blob: &Blob, report: &ReportOptions) -> FromWorker {
    let bytes = match browser::read_range(blob, 0.0, blob.size()).await {
        Ok(b) => b,
        Err(e) => return FromWorker::Failed(e),
    };
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let partial = match Partial::from_json(text) {
        Ok(p) => p,
        Err(e) => return FromWorker::Failed(LoadError::Partial(e.to_string())),
    };
    match partial.counted(report) {
        Ok((ingested, _)) => {
            let held = Held { ingested, partial: Some(partial), file: None };
            let counted = counts(&held, report, true);
            with_state(|s| s.hold(held));
            counted.map_or_else(FromWorker::Failed, |c| FromWorker::Loaded(c, Readers::One))
        }
        Err(e) => FromWorker::Failed(LoadError::Partial(e.to_string())),
    }
}

/// What the last audit was made of: the ticks re-count the unit's tickets with it.
struct AuditCache {
    /// The file held, options, unit: the kept tickets serve a request with the same key.
    key: String,
    report: hotline_engine::Report,
    rules: RuleSet,
    registry: Option<hotline_engine::score::registry::Registry>,
    adjustments: Option<hotline_engine::score::registry::Adjustments>,
    tickets: Vec<UnitTicket>,
    /// Where each 工单编号 is in `tickets`: a tick re-counts the tickets it names, not the
    /// hundred thousand a unit holds at 1M.
    by_id: std::collections::HashMap<String, Vec<usize>>,
    latest: Option<hotline_engine::Stamp>,
    audit: Audit,
}

impl AuditCache {
    /// The what-if of these fixes (`ID:kind`) and of every ticket on these lists, as HTML.
    fn what_if(&self, fixes: &[String], lists: &[String]) -> String {
        let mut query = AuditQuery {
            as_of: None,
            fixes: fixes.iter().filter_map(|f| Fix::parse(f)).collect(),
            fix_all: false,
            ..AuditQuery::new(self.audit.level, &self.audit.name)
        };
        for l in self.audit.lists.iter().filter(|l| lists.iter().any(|k| k == l.kind.key())) {
            query.fixes.extend(l.rows.iter().map(|r| Fix { id: r.id.clone(), kind: Some(l.kind) }));
        }
        let ticked = {
            let mut ids: Vec<&str> = query.fixes.iter().map(|f| f.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            ids.len()
        };
        let ctx = hotline_engine::score::Context {
            registry: self.registry.as_ref(),
            adjustments: self.adjustments.as_ref(),
            ..Default::default()
        };
        let named: Vec<UnitTicket> = {
            let mut at: Vec<usize> =
                query.fixes.iter().filter_map(|f| self.by_id.get(&f.id)).flatten().copied().collect();
            at.sort_unstable();
            at.dedup();
            at.into_iter().filter_map(|i| self.tickets.get(i).cloned()).collect()
        };
        let (with, unknown) = audit::what_if(&self.report, &self.rules, &ctx, &named, &query);
        crate::audit_html::what_if(self.audit.standing.as_ref(), with.as_ref(), ticked, &unknown)
    }
}

/// The fix-first list's "as of" as the page's datetime field gives it (`2021-02-10T12:00`).
fn as_of_of(text: &str) -> Result<hotline_engine::Stamp, String> {
    let t = text.trim().replacen('T', " ", 1);
    hotline_engine::read::datetime::parse_standard(t.as_bytes())
        .ok_or_else(|| format!("截至时间“{text}”不是日期时间（如 2021-02-10 12:00）"))
}

/// One unit's self-audit, as HTML: its reports (this period, the one before, each month) from
/// the file's cells, its tickets from memory or from a second read of a streamed file.
async fn run_audit(ask: crate::protocol::AuditAsk, post: Rc<dyn Fn(FromWorker)>) {
    let name = ask.name.clone();
    let html = audit_html(ask, post.clone()).await;
    match html {
        // Replaced by a newer request: that one answers.
        Err(None) => {}
        Ok(html) => post(FromWorker::Audit { name, html: Ok(html) }),
        Err(Some(why)) => post(FromWorker::Audit { name, html: Err(why) }),
    }
}

/// The reports of an audit: the period's (scored), the previous period's when whole, and one per
/// complete month of the data (the last 24).
fn audit_reports(
    counts: &mut PageCounts,
    o: &ReportOptions,
) -> Result<(hotline_engine::Report, Option<hotline_engine::Report>, Vec<hotline_engine::Report>), String> {
    let too_long = || "该期间无法从月度汇总统计（数据跨越超过 120 个月）：请缩短期间".to_string();
    let report = counts.report(o).ok_or_else(too_long)?;
    let info = report.period.clone().ok_or("没有可统计的月份")?;
    let previous = match info.previous_complete {
        true => counts.report(&ReportOptions { period: Some(info.previous), ..o.clone() }),
        false => None,
    };
    let months: Vec<hotline_engine::Month> =
        report.months.iter().filter(|m| m.complete).map(|m| m.month).collect();
    let start = months.len().saturating_sub(24);
    let monthly = months
        .get(start..)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| counts.report(&ReportOptions { period: Some(Period::month(*m)), ..o.clone() }))
        .collect();
    Ok((report, previous, monthly))
}

/// The audit's HTML, or why there is none (`Err(None)`: replaced by a newer request).
async fn audit_html(
    ask: crate::protocol::AuditAsk,
    post: Rc<dyn Fn(FromWorker)>,
) -> Result<String, Option<String>> {
    let crate::protocol::AuditAsk { level, name, as_of, report: o, rules, adjustments } = ask;
    let as_of = as_of.filter(|t| !t.trim().is_empty()).map(|t| as_of_of(&t)).transpose()?;
    let cancel = Rc::new(Cell::new(false));
    with_state(|s| std::mem::replace(&mut s.audit_cancel, cancel.clone()).set(true));
    // The reports, from the file's cells (made again here once per file and deadlines).
    let reports = with_state(|s| -> Result<_, String> {
        let generation = s.generation;
        let held = s.held.as_ref().ok_or("没有已读取的工单")?;
        let fresh = match &s.audit_counts {
            Some((g, c)) => *g != generation || !c.serves(&o),
            None => true,
        };
        if fresh {
            let cells = counts(held, &o, false).map_err(|e| e.message())?;
            let (c, _) = PageCounts::new(*cells)?;
            s.audit_counts = Some((generation, c));
        }
        let (_, c) = s.audit_counts.as_mut().ok_or("没有计数")?;
        Ok((audit_reports(c, &o)?, generation))
    });
    let ((report, previous, monthly), generation) = reports?;
    // The unit's tickets: kept from the last audit of the same file, options and unit, else
    // from memory, else by reading the streamed file again.
    let key = format!("{generation}|{level:?}|{name}|{}", serde_json::to_string(&o).unwrap_or_default());
    enum Source {
        Kept(Vec<UnitTicket>, Option<hotline_engine::Stamp>),
        File(Blob, IngestOptions),
        None(String),
    }
    let source = with_state(|s| match (s.audit.as_ref(), s.held.as_ref()) {
        (Some(c), _) if c.key == key => Source::Kept(c.tickets.clone(), c.latest),
        (_, None) => Source::None("没有已读取的工单".into()),
        (_, Some(Held { file: Some((blob, ingest)), .. })) => Source::File(blob.clone(), ingest.clone()),
        (_, Some(Held { partial: Some(_), .. })) => Source::None(
            "部分汇总文件只有各单位的计数，不含工单：可见得分与各项目，但列不出扣分工单与临期工单".into(),
        ),
        (_, Some(held)) => Source::Kept(
            audit::unit_tickets(&held.ingested.store, &o, level, &name),
            audit::latest_event(&held.ingested.store),
        ),
    });
    let mut notes = Vec::new();
    let (tickets, latest) = match source {
        Source::Kept(t, l) => (t, l),
        Source::None(why) => {
            notes.push(why);
            (Vec::new(), None)
        }
        Source::File(blob, ingest) => {
            let sized = IngestOptions { size_hint: Some(blob.size() as u64), ..ingest };
            let mut scan = UnitTicketScan::new(sized, o.clone(), level, &name, STREAM_BATCH);
            let tick = rereading(&blob, post.clone());
            match browser::stream(&blob, &cancel, &mut scan, tick).await {
                Ok(()) => {}
                Err(LoadError::Cancelled) if !with_state(|s| Rc::ptr_eq(&s.audit_cancel, &cancel)) => {
                    return Err(None)
                }
                Err(e) => return Err(Some(e.message())),
            }
            let done = scan.finish().map_err(|e| Some(e.message()))?;
            (done.tickets, done.latest)
        }
    };
    let ctx = hotline_engine::score::Context {
        registry: o.registry.as_ref(),
        adjustments: adjustments.as_ref(),
        ..Default::default()
    };
    let query = AuditQuery { as_of: as_of.or(latest), ..AuditQuery::new(level, &name) };
    let mut scored = report.clone();
    scored.apply_rules(&rules, &ctx);
    if let Some(why) = scored.scores.as_ref().and_then(|s| s.refused.clone()) {
        return Err(Some(why));
    }
    let a = audit::audit(&report, previous.as_ref(), &rules, &ctx, &tickets, &query);
    let months = audit::monthly(&monthly, &rules, &ctx, level, &name);
    let html = crate::audit_html::page(&a, &months, &rules.name, &notes);
    with_state(|s| {
        let registry = o.registry.clone();
        let mut by_id: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, t) in tickets.iter().enumerate() {
            by_id.entry(t.id.clone()).or_default().push(i);
        }
        s.audit =
            Some(AuditCache { key, report, rules, registry, adjustments, tickets, by_id, latest, audit: a });
    });
    Ok(html)
}

/// The worker's entry point (`src/bin/worker.rs`).
pub fn run_worker() {
    console_error_panic_hook::set_once();
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if scope.name() == helper::HELPER_NAME {
        return helper::run_helper(scope);
    }
    with_state(|s| s.helper = Helper::spawn().map(Rc::new));
    let post: Rc<dyn Fn(FromWorker)> = {
        let scope = scope.clone();
        Rc::new(move |m: FromWorker| {
            let msg = encode(&m);
            // Cells and files travel beside the JSON as bytes, their buffer moved, not copied.
            match m.bytes() {
                Some(bytes) => {
                    let bytes = js_sys::Uint8Array::from(bytes);
                    let _ = js_sys::Reflect::set(&msg, &"bytes".into(), &bytes);
                    let _ = scope.post_message_with_transfer(&msg, &js_sys::Array::of1(&bytes.buffer()));
                }
                None => {
                    let _ = scope.post_message(&msg);
                }
            }
        })
    };
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let data = ev.data();
        let post = post.clone();
        let msg = match decode::<ToWorker>(&data) {
            Ok(m) => m,
            // Never dropped in silence: the page hears what the worker could not read.
            Err(why) => {
                return post(FromWorker::Failed(LoadError::Browser(format!(
                    "后台线程收到无法识别的消息：{why}"
                ))))
            }
        };
        match msg {
            ToWorker::OneReader => with_state(|s| s.one_reader = true),
            ToWorker::StreamAll => with_state(|s| s.stream_all = true),
            ToWorker::Shortfalls { query, report } => {
                wasm_bindgen_futures::spawn_local(shortfalls(query, report, post));
            }
            ToWorker::ShortfallCsv => {
                let (name, csv) = with_state(|state| {
                    state.shortfalls.as_ref().map_or_else(Default::default, |s| {
                        (format!("扣分工单-{}-{}.csv", s.query.name, s.query.period.label()), s.to_csv())
                    })
                });
                post(FromWorker::Download { name, bytes: csv.into_bytes() });
            }
            ToWorker::ExplainRules(json) => {
                let errors = match RuleSet::parse_all(&json) {
                    Err(all) => all.iter().map(|e| e.to_string()).collect(),
                    Ok(_) => vec!["规则文件无法使用".to_string()],
                };
                post(FromWorker::RuleErrors(errors));
            }
            ToWorker::RejectCsv => {
                // A streamed file keeps its first rejects only: all of them need a second read.
                let held = with_state(|s| {
                    s.held.as_ref().map(|h| {
                        let all = h.ingested.rejects.len() as u64 >= h.ingested.summary.rows_rejected;
                        (all.then(|| hotline_engine::Reject::to_csv(&h.ingested.rejects)), h.file.clone())
                    })
                });
                let name = "拒收行.csv".to_string();
                match held {
                    Some((Some(csv), _)) => post(FromWorker::Download { name, bytes: csv.into_bytes() }),
                    Some((None, Some((blob, ingest)))) => wasm_bindgen_futures::spawn_local(async move {
                        match all_rejects(&blob, ingest, post.clone()).await {
                            Ok(csv) => post(FromWorker::Download { name, bytes: csv.into_bytes() }),
                            Err(e) => post(FromWorker::Failed(e)),
                        }
                    }),
                    _ => post(FromWorker::Download { name, bytes: Vec::new() }),
                }
            }
            ToWorker::SideFile(kind) => {
                let Ok(file) = js_sys::Reflect::get(&data, &"file".into()) else { return };
                let blob: Blob = file.unchecked_into();
                let name = blob.dyn_ref::<web_sys::File>().map(|f| f.name()).unwrap_or_default();
                wasm_bindgen_futures::spawn_local(async move {
                    let read = match browser::read_range(&blob, 0.0, blob.size()).await {
                        Ok(bytes) => match kind {
                            SideKind::Registry => hotline_engine::score::registry::Registry::parse(&bytes)
                                .map(SideFile::Registry),
                            SideKind::Adjustments => {
                                hotline_engine::score::registry::Adjustments::parse(&bytes)
                                    .map(SideFile::Adjustments)
                            }
                        }
                        .map_err(|e| e.to_string()),
                        Err(e) => Err(e.message()),
                    };
                    post(FromWorker::SideFile { name, read });
                });
            }
            ToWorker::Cancel => {
                with_state(|s| s.cancel.set(true));
                with_state(|s| s.shortfall_cancel.set(true));
                with_state(|s| s.audit_cancel.set(true));
                // Only a helper at work on the cancelled file is stopped (and then replaced when
                // the load ends); an idle one stays ready for the next file.
                with_state(|s| s.helper.as_ref().filter(|h| h.was_used()).map(|h| h.stop()));
            }
            ToWorker::Load { ingest, report } => {
                let Ok(file) = js_sys::Reflect::get(&data, &"file".into()) else { return };
                let blob: Blob = file.unchecked_into();
                let cancel = Rc::new(Cell::new(false));
                with_state(|s| s.cancel = cancel.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    const HEAD: f64 = 64.0 * 1024.0;
                    let head =
                        browser::read_range(&blob, 0.0, blob.size().min(HEAD)).await.unwrap_or_default();
                    if hotline_engine::partial::is_partial_file(&head) {
                        return post(load_partial(&blob, &report).await);
                    }
                    // Another layout is answered at once (the page then offers its mapping step).
                    let whole = blob.size() <= HEAD;
                    if let Some(e) = hotline_engine::check_header(&head, ingest.mapping.as_ref(), whole) {
                        if matches!(e, hotline_engine::FileError::Header { .. }) {
                            post(FromWorker::Samples(hotline_engine::read::ingest::peek_rows(&head, 3)));
                        }
                        return post(FromWorker::Failed(LoadError::File(e)));
                    }
                    let progress = post.clone();
                    if blob.size() >= STREAM_MIN_BYTES || with_state(|s| s.stream_all) {
                        let on_progress = move |p| progress(FromWorker::Progress(p));
                        match load_streamed(&blob, ingest, &report, &cancel, on_progress).await {
                            Ok(held) => {
                                let counted = counts(&held, &report, true);
                                with_state(|s| s.hold(held));
                                post(counted.map_or_else(FromWorker::Failed, |c| {
                                    FromWorker::Loaded(c, Readers::Streamed)
                                }));
                            }
                            Err(e) => post(FromWorker::Failed(e)),
                        }
                        return;
                    }
                    let second = with_state(|s| s.helper.clone().filter(|_| !s.one_reader));
                    let result = load::ingest_blob(&blob, ingest, cancel, second.as_deref(), move |p| {
                        progress(FromWorker::Progress(p));
                    })
                    .await;
                    if second.is_some_and(|h| h.was_used()) {
                        // A helper that read a file was stopped (its memory freed): start another.
                        with_state(|s| s.helper = Helper::spawn().map(Rc::new));
                    }
                    match result {
                        Ok((ingested, readers)) => {
                            let held = Held { ingested, partial: None, file: None };
                            let counted = counts(&held, &report, true);
                            with_state(|s| s.hold(held));
                            post(counted.map_or_else(FromWorker::Failed, |c| FromWorker::Loaded(c, readers)));
                        }
                        Err(e) => post(FromWorker::Failed(e)),
                    }
                });
            }
            ToWorker::LoadMany { report } => {
                let Ok(files) = js_sys::Reflect::get(&data, &"files".into()) else { return };
                let blobs: Vec<Blob> =
                    js_sys::Array::from(&files).iter().map(|f| f.unchecked_into()).collect();
                let cancel = Rc::new(Cell::new(false));
                with_state(|s| s.cancel = cancel.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let progress = post.clone();
                    let on_progress = move |p| progress(FromWorker::Progress(p));
                    match load_many(&blobs, &report, &cancel, on_progress).await {
                        Ok((partial, notes)) => match partial.counted(&report) {
                            Ok((ingested, _)) => {
                                let held = Held { ingested, partial: Some(partial), file: None };
                                let counted = counts(&held, &report, true);
                                with_state(|s| s.hold(held));
                                post(FromWorker::Combined(notes));
                                post(counted.map_or_else(FromWorker::Failed, |c| {
                                    FromWorker::Loaded(c, Readers::One)
                                }));
                            }
                            Err(e) => post(FromWorker::Failed(LoadError::Partial(e.to_string()))),
                        },
                        Err(e) => post(FromWorker::Failed(e)),
                    }
                });
            }
            ToWorker::Audit(ask) => wasm_bindgen_futures::spawn_local(run_audit(*ask, post)),
            ToWorker::WhatIf { fixes, lists } => {
                let html = with_state(|s| s.audit.as_ref().map(|c| c.what_if(&fixes, &lists)));
                if let Some(html) = html {
                    post(FromWorker::WhatIf(html));
                }
            }
            ToWorker::PackRules(change, json) => {
                let made = match RuleSet::parse(&json) {
                    Ok(r) => crate::protocol::RulesMade {
                        packed: crate::share::pack_rule_set(&r),
                        form: crate::rules_html::form(&r),
                        text: r.to_json(),
                    },
                    Err(_) => Default::default(),
                };
                post(FromWorker::PackedRules(change, made));
            }
            ToWorker::EditRules { json, field, value } => {
                let edited = crate::rules_html::set_field(&json, &field, &value);
                let answer = match RuleSet::parse_all(&edited) {
                    Ok(_) => Ok(edited),
                    Err(all) => Err(all.iter().map(|e| e.to_string()).collect()),
                };
                post(FromWorker::EditedRules(answer));
            }
            ToWorker::Preset(id) => {
                if let Some((id, json)) =
                    hotline_engine::score::presets::PRESETS.iter().find(|(i, _)| *i == id)
                {
                    post(FromWorker::Preset { id: id.to_string(), json: json.to_string() });
                }
            }
            ToWorker::UnpackRules(packed) => {
                post(FromWorker::LinkRules(crate::share::unpack_rule_set(&packed).map(|r| r.to_json())));
            }
            ToWorker::AuditCsv(lists) => {
                let file = with_state(|s| {
                    s.audit.as_ref().map(|c| {
                        let a = &c.audit;
                        if lists {
                            (format!("扣分工单-{}-{}.csv", a.name, a.period), a.lists_csv())
                        } else {
                            (format!("临期预警-{}-{}.csv", a.name, a.period), a.due_csv())
                        }
                    })
                });
                let (name, csv) = file.unwrap_or_default();
                post(FromWorker::Download { name, bytes: csv.into_bytes() });
            }
            ToWorker::Report { report } => {
                let r = with_state(|s| {
                    let held = s.held.as_mut()?;
                    // A streamed file keeps no tickets: other deadlines read it again.
                    let restream = held.file.is_some()
                        && held.partial.as_ref().is_some_and(|p| p.deadlines != report.deadlines);
                    Some(if restream { None } else { Some(counts(held, &report, false)) })
                });
                match r {
                    Some(Some(Ok(c))) => post(FromWorker::Counted(c)),
                    Some(Some(Err(e))) => post(FromWorker::Failed(e)),
                    Some(None) => wasm_bindgen_futures::spawn_local(restream(report, post)),
                    None => post(FromWorker::Failed(LoadError::Browser("没有已读取的工单".into()))),
                }
            }
        }
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let _ = scope.post_message(&encode(&FromWorker::Ready));
}
