//! The messages between the page and its worker ([`ToWorker`], [`FromWorker`]) and the
//! `{msg: JSON}` envelope every message travels in (the helper's own messages are in
//! [`crate::helper`]); where the worker script is. Bulk data (files, cells, downloads) travels
//! beside the JSON as transferred bytes, never inside it.

use crate::browser::{LoadError, Progress};
use crate::model::CellCounts;
use hotline_engine::report::shortfall::{ShortfallQuery, Shortfalls};
use hotline_engine::{IngestOptions, ReportOptions};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// Where Trunk puts the worker's loader (`data-loader-shim` on the worker link in index.html).
pub const WORKER_URL: &str = "./worker_loader.js";

/// The message envelope both workers use: `{msg: JSON}`, other fields beside it.
pub fn encode(msg: &impl Serialize) -> JsValue {
    let obj = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&obj, &"msg".into(), &serde_json::to_string(msg).unwrap_or_default().into());
    obj.into()
}

/// The message in an envelope, or why it is not one (no `msg` text, or JSON of another shape).
pub fn decode<T: for<'de> Deserialize<'de>>(data: &JsValue) -> Result<T, String> {
    let text = js_sys::Reflect::get(data, &"msg".into())
        .ok()
        .and_then(|m| m.as_string())
        .ok_or_else(|| "消息没有 msg 文本".to_string())?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{e}（消息开头：{}）", text.chars().take(60).collect::<String>()))
}

/// Page → worker.
#[derive(Debug, Serialize, Deserialize)]
pub enum ToWorker {
    /// Read the posted file, then report on it.
    Load { ingest: IngestOptions, report: ReportOptions },
    /// Read the posted files (`files`, oldest export first) and report on them together, as the
    /// CLI does: each reduced to its partial, a ticket in two counted once (the later export's
    /// row wins), the partials merged.
    LoadMany { report: ReportOptions },
    /// Count again from the tickets in memory (another period, options, registry, deadlines).
    Report { report: ReportOptions },
    /// Stop reading: the tickets of the previous file stay.
    Cancel,
    /// Read every file with one worker (the page's `?readers=1`, for back-to-back timings).
    OneReader,
    /// Stream every ticket file as if it were beyond memory (the page's `?stream=1`).
    StreamAll,
    /// The tickets that cost one unit on each indicator (the first [`SHORTFALLS_SHOWN`] of each
    /// list; the counts are whole).
    Shortfalls { query: ShortfallQuery, report: ReportOptions },
    /// Every row of the last shortfall lists, as CSV.
    ShortfallCsv,
    /// Every rejected row of the file read last, as CSV (the page holds the first
    /// [`REJECTS_SENT`]).
    RejectCsv,
    /// Every problem of a rule file the page found it cannot use ([`FromWorker::RuleErrors`]):
    /// the words need field paths, which only the worker tracks.
    ExplainRules(String),
    /// Read the posted side file (unit registry or adjustments). Side files come in the ticket
    /// file's encodings, so they are decoded here: the page carries no GB18030 tables.
    SideFile(SideKind),
    /// One unit's self-audit (本单位自查) under the rules in force, rendered as HTML by the worker
    /// ([`crate::audit_html`]): its tickets come from memory or from a second read of a
    /// streamed file, and are kept for the ticks that follow.
    Audit(Box<AuditAsk>),
    /// The what-if (假如) of the last audit: these fixes (`ID:kind`), and every ticket of these
    /// lists (kind keys).
    WhatIf { fixes: Vec<String>, lists: Vec<String> },
    /// The last audit's lists (`true`) or its fix-first list (`false`), as CSV.
    AuditCsv(bool),
    /// Pack this rule file (its text, and the page's count of rule changes) for the fragment
    /// ([`crate::share::pack_rule_set`]): deflate lives in the worker, so the first-render bundle
    /// carries none. Rules travel as text both ways: the page reads rule files already, and a
    /// second reader of the rules' structure would cost the bundle.
    PackRules(u64, String),
    /// A preset's rule file, by id ([`FromWorker::Preset`]): the page lists presets by name and
    /// carries none of their files.
    Preset(String),
    /// Unpack the rules a link carries ([`crate::share::unpack_rule_set`]).
    UnpackRules(String),
    /// Set one number of the rule file (`json`) at its form field (`items.0.weight`): the JSON
    /// editing is here, not in the page's bundle.
    EditRules { json: String, field: String, value: String },
}

/// What an audit is of. The page sends its rules and choices as they stand; the worker counts.
#[derive(Debug, Serialize, Deserialize)]
pub struct AuditAsk {
    pub level: hotline_engine::count::entity::EntityLevel,
    pub name: String,
    /// The fix-first list's "as of" time as typed (`2021-02-10T12:00`); `None`: the file's latest.
    pub as_of: Option<String>,
    pub report: ReportOptions,
    pub rules: hotline_engine::score::rules::RuleSet,
    pub adjustments: Option<hotline_engine::score::registry::Adjustments>,
}

/// Which side file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SideKind {
    /// 单位名录.
    Registry,
    /// 加减分.
    Adjustments,
}

/// A side file as read, or why it was refused (the message names the line and column).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SideFile {
    Registry(hotline_engine::score::registry::Registry),
    Adjustments(hotline_engine::score::registry::Adjustments),
}

/// Rejected rows sent to the page with a report (it lists 200); the download asks for all.
/// A messy year can have a million: they stay in the worker.
pub const REJECTS_SENT: usize = 1000;

/// Rows of each shortfall list sent to the page; the CSV has them all.
pub const SHORTFALLS_SHOWN: usize = 500;

/// Worker → page.
#[derive(Debug, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker's wasm has started and listens: messages posted before this would be lost.
    Ready,
    Progress(Progress),
    /// What to count a newly read file from, and how many workers read it.
    Loaded(Box<CellCounts>, Readers),
    /// Counted again: other deadlines (from the tickets, or a streamed file read again), or
    /// another period of a file whose cells count one period only.
    Counted(Box<CellCounts>),
    /// The file is being read again (shortfall lists or new deadlines of a streamed file).
    Rereading(Progress),
    /// Shortfall lists, or why there are none.
    Shortfalls(Result<Box<Shortfalls>, String>),
    /// A file to save: its name, and its bytes (sent beside the JSON, their buffer moved).
    Download {
        name: String,
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// A side file read (its file name), or why it was refused.
    SideFile {
        name: String,
        read: Result<SideFile, String>,
    },
    /// Every problem of a rule file, worded with its fields ([`ToWorker::ExplainRules`]).
    RuleErrors(Vec<String>),
    /// The first rows of a file whose header needs the mapping step (its sample values), sent
    /// just before the header's refusal.
    Samples(Vec<Vec<String>>),
    /// What reading several files together found (per file: rows, and tickets a later export
    /// replaced), sent just before their [`FromWorker::Loaded`].
    Combined(Vec<String>),
    Failed(LoadError),
    /// A unit's self-audit as HTML (its name, level key), or why there is none.
    Audit {
        name: String,
        html: Result<String, String>,
    },
    /// The what-if of the ticks, as HTML.
    WhatIf(String),
    /// The rules of that change, made for the page ([`ToWorker::PackRules`]).
    PackedRules(u64, RulesMade),
    /// A preset's rule file ([`ToWorker::Preset`]).
    Preset {
        id: String,
        json: String,
    },
    /// The rule file with one number set ([`ToWorker::EditRules`]), or every problem of it.
    EditedRules(Result<String, Vec<String>>),
    /// The rule file a link carries (its text), or every reason it is none
    /// ([`ToWorker::UnpackRules`]).
    LinkRules(Result<String, Vec<String>>),
}

impl FromWorker {
    /// The bytes a message carries beside its JSON: the cells, or a file to save.
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        match self {
            FromWorker::Loaded(c, _) | FromWorker::Counted(c) => Some(&c.bytes),
            FromWorker::Download { bytes, .. } => Some(bytes),
            _ => None,
        }
    }
    pub(crate) fn bytes_mut(&mut self) -> Option<&mut Vec<u8>> {
        match self {
            FromWorker::Loaded(c, _) | FromWorker::Counted(c) => Some(&mut c.bytes),
            FromWorker::Download { bytes, .. } => Some(bytes),
            _ => None,
        }
    }
}

/// How many workers read a file (shown beside the load time).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Readers {
    One,
    Two,
    /// The second reader's part was read again by the first (why, for the console).
    ReadAgain(String),
    /// Too big to keep ticket by ticket: counted a batch at a time into partial aggregates
    /// (`worker::STREAM_MIN_BYTES`); shortfall lists and new deadlines read the file again.
    Streamed,
}

impl Readers {
    /// For tests and benchmarks (`data-readers`): "1", "2", or "2→1" when read again.
    pub fn code(&self) -> &'static str {
        match self {
            Readers::One => "1",
            Readers::Two => "2",
            Readers::ReadAgain(_) => "2→1",
            Readers::Streamed => "stream",
        }
    }
    /// Beside the load time.
    pub fn label(&self) -> &'static str {
        match self {
            Readers::One => "",
            Readers::Two => "（两个线程同时读取）",
            Readers::ReadAgain(_) => "（文件后半部分由一个线程重新读取，结果不受影响）",
            Readers::Streamed => {
                "（文件较大：逐批汇总，不在内存中保留工单；查看扣分工单或改变办理时限规则时将重新读取文件）"
            }
        }
    }
}

/// The rules in force, made for the page by the worker: packed for the fragment, as the rules
/// view's form, and as the text of their rule file.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RulesMade {
    pub packed: String,
    pub form: String,
    pub text: String,
}
