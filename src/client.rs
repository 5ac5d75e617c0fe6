//! The page's side of its worker: starts it, queues messages until it is ready, and hands each
//! message it sends to the page's state (one that cannot be read is reported as a failure).

use crate::browser::LoadError;
use crate::protocol::{decode, encode, FromWorker, SideKind, ToWorker, WORKER_URL};
use hotline_engine::report::shortfall::ShortfallQuery;
use hotline_engine::{IngestOptions, ReportOptions};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent};

/// The page's handle on its worker. Messages wait in `queue` until the worker says it is ready.
pub struct WorkerClient {
    worker: web_sys::Worker,
    queue: Rc<RefCell<Option<Vec<JsValue>>>>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
}

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
            let data = ev.data();
            let mut msg = decode::<FromWorker>(&data);
            if let Some(slot) = msg.as_mut().ok().and_then(FromWorker::bytes_mut) {
                if let Ok(bytes) = js_sys::Reflect::get(&data, &"bytes".into()) {
                    *slot = js_sys::Uint8Array::new(&bytes).to_vec();
                }
            }
            match msg {
                Ok(FromWorker::Ready) => {
                    for m in q.borrow_mut().take().unwrap_or_default() {
                        let _ = w.post_message(&m);
                    }
                }
                Ok(m) => on_message(m),
                // Never dropped in silence: the page says the worker sent what it cannot read.
                Err(why) => on_message(FromWorker::Failed(LoadError::Browser(format!(
                    "后台线程送来无法识别的消息：{why}"
                )))),
            }
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        let client = WorkerClient { worker, queue, _onmessage: onmessage };
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        if search.split(['?', '&']).any(|p| p == "readers=1") {
            client.post(encode(&ToWorker::OneReader));
        }
        if search.split(['?', '&']).any(|p| p == "stream=1") {
            client.post(encode(&ToWorker::StreamAll));
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

    /// Reads `blobs` together (oldest export first), as the CLI reads several files.
    pub fn load_many(&self, blobs: &[Blob], report: ReportOptions) {
        let msg = encode(&ToWorker::LoadMany { report });
        let files = js_sys::Array::new();
        for b in blobs {
            files.push(b);
        }
        let _ = js_sys::Reflect::set(&msg, &"files".into(), &files);
        self.post(msg);
    }

    /// Asks for every problem of a rule file, worded ([`FromWorker::RuleErrors`]).
    pub fn explain_rules(&self, json: String) {
        self.post(encode(&ToWorker::ExplainRules(json)));
    }

    pub fn side_file(&self, blob: &Blob, kind: SideKind) {
        let msg = encode(&ToWorker::SideFile(kind));
        let _ = js_sys::Reflect::set(&msg, &"file".into(), blob);
        self.post(msg);
    }

    pub fn count(&self, report: ReportOptions) {
        self.post(encode(&ToWorker::Report { report }));
    }

    pub fn shortfalls(&self, query: ShortfallQuery, report: ReportOptions) {
        self.post(encode(&ToWorker::Shortfalls { query, report }));
    }

    pub fn shortfall_csv(&self) {
        self.post(encode(&ToWorker::ShortfallCsv));
    }

    pub fn reject_csv(&self) {
        self.post(encode(&ToWorker::RejectCsv));
    }

    pub fn audit(&self, ask: crate::protocol::AuditAsk) {
        self.post(encode(&ToWorker::Audit(Box::new(ask))));
    }

    pub fn what_if(&self, fixes: Vec<String>, lists: Vec<String>) {
        self.post(encode(&ToWorker::WhatIf { fixes, lists }));
    }

    pub fn audit_csv(&self, lists: bool) {
        self.post(encode(&ToWorker::AuditCsv(lists)));
    }

    pub fn pack_rules(&self, change: u64, json: String) {
        self.post(encode(&ToWorker::PackRules(change, json)));
    }

    pub fn edit_rules(&self, json: String, field: String, value: String) {
        self.post(encode(&ToWorker::EditRules { json, field, value }));
    }

    pub fn preset(&self, id: &str) {
        self.post(encode(&ToWorker::Preset(id.to_string())));
    }

    pub fn unpack_rules(&self, packed: String) {
        self.post(encode(&ToWorker::UnpackRules(packed)));
    }

    pub fn cancel(&self) {
        self.post(encode(&ToWorker::Cancel));
    }
}
