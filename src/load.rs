//! Browser IO: reading a dropped file (or the bundled sample) in chunks into the engine's
//! streaming ingest, and saving files the user asks for. Nothing here computes a figure.

use hotline_engine::{FileError, Ingest, IngestOptions, Ingested};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// Bytes handed to the engine per step: big enough to amortise the JS↔wasm copy, small enough
/// to update progress and answer clicks between steps.
pub const CHUNK: f64 = 4.0 * 1024.0 * 1024.0;

/// Chunks being read ahead of the one being parsed.
const READS_AHEAD: usize = 3;

#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    pub bytes: u64,
    pub total: u64,
    pub rows: u64,
    pub elapsed_ms: f64,
}

impl Progress {
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.bytes as f64 / self.total as f64
        }
    }
    /// "12.0 MB / 186.0 MB · 61,000 行 · 95.2 MB/s · 剩余约 1.8 秒"
    pub fn describe(&self) -> String {
        let secs = self.elapsed_ms / 1000.0;
        let rate = if secs > 0.0 { self.bytes as f64 / 1_048_576.0 / secs } else { 0.0 };
        let left = if rate > 0.0 { (self.total - self.bytes) as f64 / 1_048_576.0 / rate } else { 0.0 };
        format!(
            "{} / {} · {} 行 · {:.1} MB/s · 剩余约 {:.1} 秒",
            crate::model::mb(self.bytes),
            crate::model::mb(self.total),
            self.rows,
            rate,
            left
        )
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum LoadError {
    Cancelled,
    File(FileError),
    Browser(String),
    /// A partial-aggregates file that does not read (the message says where).
    Partial(String),
}

impl LoadError {
    pub fn message(&self) -> String {
        match self {
            LoadError::Cancelled => "已取消读取".into(),
            LoadError::File(e) => e.message(),
            LoadError::Browser(m) => format!("浏览器无法读取文件：{m}"),
            LoadError::Partial(m) => format!("部分汇总文件无法使用：{m}"),
        }
    }
}

fn js_err(e: wasm_bindgen::JsValue) -> LoadError {
    LoadError::Browser(e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

/// Milliseconds from the page's (or the worker's) time origin.
pub fn now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

/// Starts reading `blob[start..end]`; the browser reads on its own thread meanwhile.
fn start_read(blob: &Blob, start: f64, end: f64) -> Result<JsFuture, LoadError> {
    let part = blob.slice_with_f64_and_f64(start, end).map_err(js_err)?;
    Ok(JsFuture::from(part.array_buffer()))
}

/// Reads `blob[start..end]` as bytes.
pub async fn read_range(blob: &Blob, start: f64, end: f64) -> Result<Vec<u8>, LoadError> {
    let buf = start_read(blob, start, end)?.await.map_err(js_err)?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Streams the blob through the engine, reporting progress between chunks. The next chunk is
/// already being read while the engine parses this one (reading a file is the browser's IO
/// thread's work, parsing is ours: they overlap). On the page, `yield_to_page` lets it paint
/// between chunks; in the worker each chunk's read already returns to the event loop (so a
/// cancel message gets through) and no extra pause is needed.
pub async fn ingest_blob(
    blob: &Blob,
    options: IngestOptions,
    cancel: Rc<Cell<bool>>,
    yield_to_page: bool,
    on_progress: impl Fn(Progress),
) -> Result<Ingested, LoadError> {
    let total = blob.size();
    let started = now_ms();
    let mut ingest = Ingest::new(options);
    let mut bytes = Vec::new();
    let mut at = 0.0;
    // Reads in flight, oldest first: the IO thread stays busy while the engine parses.
    let mut reads = std::collections::VecDeque::new();
    let mut requested = 0.0;
    let request = |reads: &mut std::collections::VecDeque<JsFuture>, requested: &mut f64| {
        while reads.len() < READS_AHEAD && *requested < total {
            let end = (*requested + CHUNK).min(total);
            reads.push_back(start_read(blob, *requested, end)?);
            *requested = end;
        }
        Ok::<(), LoadError>(())
    };
    request(&mut reads, &mut requested)?;
    while let Some(reading) = reads.pop_front() {
        let chunk = js_sys::Uint8Array::new(&reading.await.map_err(js_err)?);
        if cancel.get() {
            return Err(LoadError::Cancelled);
        }
        at += f64::from(chunk.length());
        request(&mut reads, &mut requested)?;
        // One buffer for every chunk: no fresh allocation per chunk.
        bytes.resize(chunk.length() as usize, 0);
        chunk.copy_to(&mut bytes);
        ingest.push(&bytes).map_err(LoadError::File)?;
        on_progress(Progress {
            bytes: at as u64,
            total: total as u64,
            rows: ingest.rows_read(),
            elapsed_ms: now_ms() - started,
        });
        if yield_to_page {
            // Let the page paint the progress and answer clicks (the cancel button).
            gloo::timers::future::TimeoutFuture::new(0).await;
        }
    }
    ingest.finish().map_err(LoadError::File)
}

/// Fetches a file that ships with the page (same origin only).
pub async fn fetch_blob(url: &str) -> Result<Blob, LoadError> {
    let window = web_sys::window().ok_or_else(|| LoadError::Browser("no window".into()))?;
    let resp = JsFuture::from(window.fetch_with_str(url)).await.map_err(js_err)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(js_err)?;
    if !resp.ok() {
        return Err(LoadError::Browser(format!("{url}: HTTP {}", resp.status())));
    }
    let blob = JsFuture::from(resp.blob().map_err(js_err)?).await.map_err(js_err)?;
    blob.dyn_into().map_err(js_err)
}

/// Offers `bytes` as a download named `name`.
pub fn download(name: &str, bytes: &[u8], mime: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = Blob::new_with_u8_array_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(a) = doc.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The page's saved column mappings, keyed by header row (localStorage; stays in this browser).
pub fn saved_mapping(key: &str) -> Option<String> {
    let storage = web_sys::window()?.local_storage().ok()??;
    storage.get_item(&format!("hotline.mapping.{key}")).ok()?
}

pub fn save_mapping(key: &str, json: &str) {
    if let Some(Ok(Some(s))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = s.set_item(&format!("hotline.mapping.{key}"), json);
    }
}
