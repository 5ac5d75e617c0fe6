//! The Web Worker that reads files and counts: parsing and re-counting never block the page.
//!
//! The ticket store lives in the worker; the page holds the report (tallies included, so rules
//! re-score on the page without asking the worker). Messages are JSON strings in a JS object
//! `{msg, file?}`; the `File` is posted as it is (structured clone: no copy of its bytes).

use crate::helper::{self, Helper};
use crate::load::{self, LoadError, Progress, Readers};
use hotline_engine::compact::CompactReport;
use hotline_engine::partial::Partial;
use hotline_engine::report::Counted;
use hotline_engine::{IngestOptions, Ingested, Report, ReportOptions};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent};

/// Page → worker.
#[derive(Debug, Serialize, Deserialize)]
pub enum ToWorker {
    /// Read the posted file, then report on it.
    Load { ingest: IngestOptions, report: ReportOptions },
    /// Count again from the tickets in memory (another period, options, registry, deadlines).
    Report { report: ReportOptions },
    /// Stop reading: the tickets of the previous file stay.
    Cancel,
    /// Read every file with one worker (the page's `?readers=1`, for back-to-back timings).
    OneReader,
}

/// Worker → page.
#[derive(Debug, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker's wasm has started and listens: messages posted before this would be lost.
    Ready,
    Progress(Progress),
    /// The report of a newly read file, and how many workers read it.
    Loaded(Box<CompactReport>, Readers),
    /// The report counted again.
    Counted(Box<CompactReport>),
    Failed(LoadError),
}

/// The message envelope both workers use: `{msg: JSON}`, other fields beside it.
pub(crate) fn encode(msg: &impl Serialize) -> JsValue {
    let obj = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&obj, &"msg".into(), &serde_json::to_string(msg).unwrap_or_default().into());
    obj.into()
}

pub(crate) fn decode<T: for<'de> Deserialize<'de>>(data: &JsValue) -> Option<T> {
    let text = js_sys::Reflect::get(data, &"msg".into()).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

thread_local! {
    /// The tickets of the file read last, and their month-keyed counts (rebuilt only when the
    /// registry or the deadlines change: a period change is a sum over them).
    static TICKETS: RefCell<Option<Held>> = const { RefCell::new(None) };
    static CANCEL: RefCell<Rc<Cell<bool>>> = RefCell::new(Rc::new(Cell::new(false)));
    /// The second reader for the next big file (started ahead, so it is ready when one comes).
    static HELPER: RefCell<Option<Rc<Helper>>> = const { RefCell::new(None) };
    static ONE_READER: Cell<bool> = const { Cell::new(false) };
}

/// What the worker holds of the file read last.
struct Held {
    /// The tickets (or, for a partial, only the names).
    ingested: Ingested,
    counted: Counted,
    /// Set when the file was a partial-aggregates file: re-counts start from it.
    partial: Option<Partial>,
}

/// Reads a partial-aggregates file (small: counts, not tickets) and reports on it.
async fn load_partial(blob: &Blob, report: &ReportOptions) -> FromWorker {
    let bytes = match load::read_range(blob, 0.0, blob.size()).await {
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
        Ok((ingested, counted)) => {
            let r = Report::from_counted(&ingested, &counted, report);
            TICKETS.with(|t| *t.borrow_mut() = Some(Held { ingested, counted, partial: Some(partial) }));
            FromWorker::Loaded(Box::new(CompactReport::new(r, true)), Readers::One)
        }
        Err(e) => FromWorker::Failed(LoadError::Partial(e.to_string())),
    }
}

/// The worker's entry point (`src/bin/worker.rs`).
pub fn run_worker() {
    console_error_panic_hook::set_once();
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if scope.name() == helper::HELPER_NAME {
        return helper::run_helper(scope);
    }
    HELPER.with(|h| *h.borrow_mut() = Helper::spawn().map(Rc::new));
    let post = {
        let scope = scope.clone();
        Rc::new(move |m: FromWorker| {
            let _ = scope.post_message(&encode(&m));
        })
    };
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let data = ev.data();
        let Some(msg) = decode::<ToWorker>(&data) else { return };
        let post = post.clone();
        match msg {
            ToWorker::OneReader => ONE_READER.with(|o| o.set(true)),
            ToWorker::Cancel => {
                CANCEL.with(|c| c.borrow().set(true));
                // Only a helper at work on the cancelled file is stopped (and then replaced when
                // the load ends); an idle one stays ready for the next file.
                HELPER.with(|h| h.borrow().as_ref().filter(|h| h.was_used()).map(|h| h.stop()));
            }
            ToWorker::Load { ingest, report } => {
                let Ok(file) = js_sys::Reflect::get(&data, &"file".into()) else { return };
                let blob: Blob = file.unchecked_into();
                let cancel = Rc::new(Cell::new(false));
                CANCEL.with(|c| *c.borrow_mut() = cancel.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let head = load::read_range(&blob, 0.0, blob.size().min(16.0)).await.unwrap_or_default();
                    let first =
                        head.iter().find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xEF | 0xBB | 0xBF));
                    if first == Some(&b'{') {
                        return post(load_partial(&blob, &report).await);
                    }
                    let progress = post.clone();
                    let second =
                        HELPER.with(|h| h.borrow().clone()).filter(|_| !ONE_READER.with(|o| o.get()));
                    let result = load::ingest_blob(&blob, ingest, cancel, second.as_deref(), move |p| {
                        progress(FromWorker::Progress(p));
                    })
                    .await;
                    if second.is_some_and(|h| h.was_used()) {
                        // A helper that read a file was stopped (its memory freed): start another.
                        HELPER.with(|h| *h.borrow_mut() = Helper::spawn().map(Rc::new));
                    }
                    match result {
                        Ok((ingested, readers)) => {
                            let counted = Counted::new(&ingested, &report);
                            let r = Report::from_counted(&ingested, &counted, &report);
                            TICKETS
                                .with(|t| *t.borrow_mut() = Some(Held { ingested, counted, partial: None }));
                            post(FromWorker::Loaded(Box::new(CompactReport::new(r, true)), readers));
                        }
                        Err(e) => post(FromWorker::Failed(e)),
                    }
                });
            }
            ToWorker::Report { report } => {
                let r = TICKETS.with(|t| {
                    let mut t = t.borrow_mut();
                    let held = t.as_mut()?;
                    if !held.counted.fits(&report) {
                        match &held.partial {
                            None => held.counted = Counted::new(&held.ingested, &report),
                            Some(p) => match p.counted(&report) {
                                Ok((ingested, counted)) => {
                                    (held.ingested, held.counted) = (ingested, counted)
                                }
                                Err(e) => return Some(Err(e.to_string())),
                            },
                        }
                    }
                    Some(Ok(Report::from_counted(&held.ingested, &held.counted, &report)))
                });
                match r {
                    // A re-count leaves out the rejects: the page keeps those it has.
                    Some(Ok(r)) => post(FromWorker::Counted(Box::new(CompactReport::new(r, false)))),
                    Some(Err(e)) => post(FromWorker::Failed(LoadError::Partial(e))),
                    None => post(FromWorker::Failed(LoadError::Browser("没有已读取的工单".into()))),
                }
            }
        }
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let _ = scope.post_message(&encode(&FromWorker::Ready));
}

/// The page's handle on its worker. Messages wait in `queue` until the worker says it is ready.
pub struct WorkerClient {
    worker: web_sys::Worker,
    queue: Rc<RefCell<Option<Vec<JsValue>>>>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
}

/// Where Trunk puts the worker's loader (`data-loader-shim` on the worker link in index.html).
pub const WORKER_URL: &str = "./worker_loader.js";

impl WorkerClient {
    pub fn spawn(on_message: impl Fn(FromWorker) + 'static) -> Result<WorkerClient, String> {
        let opts = web_sys::WorkerOptions::new();
        // Trunk's loader shim is a classic script (it uses importScripts).
        opts.set_type(web_sys::WorkerType::Classic);
        let worker = web_sys::Worker::new_with_options(WORKER_URL, &opts)
            .map_err(|e| format!("无法启动后台线程：{e:?}"))?;
        let queue: Rc<RefCell<Option<Vec<JsValue>>>> = Rc::new(RefCell::new(Some(Vec::new())));
        let (q, w) = (queue.clone(), worker.clone());
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            match decode::<FromWorker>(&ev.data()) {
                Some(FromWorker::Ready) => {
                    for m in q.borrow_mut().take().unwrap_or_default() {
                        let _ = w.post_message(&m);
                    }
                }
                Some(m) => on_message(m),
                None => {}
            }
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        let client = WorkerClient { worker, queue, _onmessage: onmessage };
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        if search.split(['?', '&']).any(|p| p == "readers=1") {
            client.post(encode(&ToWorker::OneReader));
        }
        Ok(client)
    }

    fn post(&self, msg: JsValue) {
        match self.queue.borrow_mut().as_mut() {
            Some(waiting) => waiting.push(msg),
            None => {
                let _ = self.worker.post_message(&msg);
            }
        }
    }

    pub fn load(&self, blob: &Blob, ingest: IngestOptions, report: ReportOptions) {
        let msg = encode(&ToWorker::Load { ingest, report });
        let _ = js_sys::Reflect::set(&msg, &"file".into(), blob);
        self.post(msg);
    }

    pub fn count(&self, report: ReportOptions) {
        self.post(encode(&ToWorker::Report { report }));
    }

    pub fn cancel(&self) {
        self.post(encode(&ToWorker::Cancel));
    }
}
