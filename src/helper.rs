//! The second reader: a worker that the reading worker starts beside itself, so that a big file
//! is parsed on two cores at once. It reads the part of the file after a split point
//! (`hotline_engine::split`) and hands back its tickets as bytes; the reading worker takes them
//! in, or reads that part itself when the split cannot be exact. No figure depends on whether
//! it ran.
//!
//! It is the same wasm as the reading worker, started under the name [`HELPER_NAME`]; messages
//! are JSON in the same `{msg, file?, bytes?}` envelope, the result's bytes transferred (not
//! copied) between the workers and read by the reading worker a piece at a time.

use crate::browser::{self, LoadError};
use crate::protocol::{decode, encode, WORKER_URL};
use hotline_engine::read::halves::TailReader;
use hotline_engine::IngestOptions;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, MessageEvent};

/// The worker name that makes the worker binary a helper (`self.name` in the worker).
pub const HELPER_NAME: &str = "hotline-second-reader";

/// Files smaller than this are read by one worker: at 13 and 57 MB two workers measured no
/// faster than one within this machine's noise (docs/performance.md), and they cost memory.
pub const PARALLEL_MIN_BYTES: f64 = 32.0 * 1024.0 * 1024.0;

/// Reading worker → helper.
#[derive(Debug, Serialize, Deserialize)]
enum ToHelper {
    /// Read the posted file from `start` to its end, after its first `header_len` bytes.
    ReadTail { ingest: IngestOptions, header_len: f64, start: f64 },
}

/// Helper → reading worker.
#[derive(Debug, Serialize, Deserialize)]
enum FromHelper {
    Ready,
    Progress {
        bytes: u64,
        rows: u64,
    },
    /// The tail's bytes (`hotline_engine::read::halves::Tail::to_bytes`) are in the envelope's `bytes`.
    Tail,
    Failed(LoadError),
}

/// What a tail read by the helper came to.
pub enum TailResult {
    /// The wire form (`Tail::write`) of the part after the split point.
    Wire(js_sys::Uint8Array),
    /// The helper failed or was stopped: the reading worker reads that part itself.
    Failed(LoadError),
}

/// The reading worker's handle on its helper. Dropping it ends the helper (and frees its
/// memory: a worker's wasm memory never shrinks, so each file gets a fresh helper).
pub struct Helper {
    worker: web_sys::Worker,
    ready: Rc<Cell<bool>>,
    /// Whether it was given a file (it then ends with that file).
    used: Cell<bool>,
    /// Bytes and rows the helper has reported for the tail under way.
    progress: Rc<Cell<(u64, u64)>>,
    /// Settles the promise of the tail under way.
    settle: Rc<RefCell<Option<js_sys::Function>>>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
}

impl Helper {
    /// Starts a helper; `None` where the browser cannot start a worker from a worker.
    pub fn spawn() -> Option<Helper> {
        let opts = web_sys::WorkerOptions::new();
        opts.set_type(web_sys::WorkerType::Classic);
        opts.set_name(HELPER_NAME);
        let worker = web_sys::Worker::new_with_options(WORKER_URL, &opts).ok()?;
        let ready = Rc::new(Cell::new(false));
        let progress = Rc::new(Cell::new((0, 0)));
        let settle: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
        let (r, p, s) = (ready.clone(), progress.clone(), settle.clone());
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let data = ev.data();
            match decode::<FromHelper>(&data).ok() {
                Some(FromHelper::Ready) => r.set(true),
                Some(FromHelper::Progress { bytes, rows }) => p.set((bytes, rows)),
                Some(FromHelper::Tail | FromHelper::Failed(_)) => {
                    if let Some(f) = s.borrow_mut().take() {
                        let _ = f.call1(&JsValue::NULL, &data);
                    }
                }
                None => {}
            }
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        Some(Helper { worker, ready, used: Cell::new(false), progress, settle, _onmessage: onmessage })
    }

    /// Whether the helper has started and listens (a file arriving earlier is read by one worker).
    pub fn is_ready(&self) -> bool {
        self.ready.get()
    }

    /// Whether it was given a file: a used helper is stopped, and the next file needs another.
    pub fn was_used(&self) -> bool {
        self.used.get()
    }

    /// Bytes and rows read so far of the tail under way.
    pub fn progress(&self) -> (u64, u64) {
        self.progress.get()
    }

    /// Starts reading `blob[start..]` (after its header, `blob[..header_len]`); the returned
    /// future gives the result.
    pub fn read_tail(
        &self,
        blob: &Blob,
        ingest: &IngestOptions,
        header_len: f64,
        start: f64,
    ) -> impl std::future::Future<Output = TailResult> {
        self.progress.set((0, 0));
        self.used.set(true);
        let settle = self.settle.clone();
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            *settle.borrow_mut() = Some(resolve);
        });
        let ingest = IngestOptions { size_hint: Some((blob.size() - start) as u64), ..ingest.clone() };
        let msg = encode(&ToHelper::ReadTail { ingest, header_len, start });
        let _ = js_sys::Reflect::set(&msg, &"file".into(), blob);
        if self.worker.post_message(&msg).is_err() {
            self.stop();
        }
        async move {
            let Ok(data) = JsFuture::from(promise).await else {
                return TailResult::Failed(LoadError::Browser("second reader".into()));
            };
            match decode::<FromHelper>(&data).ok() {
                Some(FromHelper::Tail) => {
                    match js_sys::Reflect::get(&data, &"bytes".into()).map(js_sys::Uint8Array::from) {
                        Ok(bytes) => TailResult::Wire(bytes),
                        Err(e) => TailResult::Failed(LoadError::Browser(format!("{e:?}"))),
                    }
                }
                Some(FromHelper::Failed(e)) => TailResult::Failed(e),
                _ => TailResult::Failed(LoadError::Browser("second reader".into())),
            }
        }
    }

    /// Ends the helper (for good: the next file gets a new one); a tail under way comes back as
    /// cancelled.
    pub fn stop(&self) {
        self.worker.terminate();
        self.ready.set(false);
        self.progress.set((0, 0));
        if let Some(f) = self.settle.borrow_mut().take() {
            let _ = f.call1(&JsValue::NULL, &encode(&FromHelper::Failed(LoadError::Cancelled)));
        }
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The helper's entry point: the worker binary runs this when started as [`HELPER_NAME`].
pub fn run_helper(scope: web_sys::DedicatedWorkerGlobalScope) {
    let post = {
        let scope = scope.clone();
        move |m: FromHelper, bytes: Option<js_sys::Uint8Array>| {
            let msg = encode(&m);
            match bytes {
                Some(b) => {
                    let _ = js_sys::Reflect::set(&msg, &"bytes".into(), &b);
                    let _ = scope.post_message_with_transfer(&msg, &js_sys::Array::of1(&b.buffer()));
                }
                None => {
                    let _ = scope.post_message(&msg);
                }
            }
        }
    };
    let post = Rc::new(post);
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new({
        let post = post.clone();
        move |ev: MessageEvent| {
            let data = ev.data();
            // A message it cannot read fails the tail: the reading worker then reads it itself.
            let (ingest, header_len, start) = match decode(&data) {
                Ok(ToHelper::ReadTail { ingest, header_len, start }) => (ingest, header_len, start),
                Err(why) => return post(FromHelper::Failed(LoadError::Browser(why)), None),
            };
            let Ok(file) = js_sys::Reflect::get(&data, &"file".into()) else { return };
            let blob: Blob = file.unchecked_into();
            let post = post.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match read_tail(&blob, ingest, header_len, start, |bytes, rows| {
                    post(FromHelper::Progress { bytes, rows }, None)
                })
                .await
                {
                    Ok(array) => post(FromHelper::Tail, Some(array)),
                    Err(e) => post(FromHelper::Failed(e), None),
                }
            });
        }
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(FromHelper::Ready, None);
}

async fn read_tail(
    blob: &Blob,
    ingest: IngestOptions,
    header_len: f64,
    start: f64,
    on_progress: impl Fn(u64, u64),
) -> Result<js_sys::Uint8Array, LoadError> {
    let header = browser::read_range(blob, 0.0, header_len).await?;
    let mut reader = TailReader::new(ingest, &header).map_err(LoadError::File)?;
    let part = blob.slice_with_f64_and_f64(start, blob.size()).map_err(browser::js_err)?;
    let never = Cell::new(false);
    browser::stream(&part, &never, &mut reader, |bytes, rows| on_progress(bytes as u64, rows)).await?;
    let tail = reader.finish().map_err(LoadError::File)?;
    // Written straight into a JavaScript array, a MiB at a time: the wire form never sits in
    // this worker's wasm memory whole.
    let array = js_sys::Uint8Array::new_with_length(tail.wire_len() as u32);
    let mut at = 0u32;
    tail.write(&mut |piece| {
        let end = at + piece.len() as u32;
        array.subarray(at, end).copy_from(piece);
        at = end;
    });
    Ok(array)
}
