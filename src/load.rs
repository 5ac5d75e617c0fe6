//! Browser IO: reading a dropped file (or the bundled sample) in chunks into the engine's
//! streaming ingest (with a second reader, [`crate::helper`], on big files), and saving files
//! the user asks for. The byte reading itself is [`crate::browser`]'s. Nothing here computes a
//! figure.

use crate::browser::{js_err, now_ms, start_read, stream, LoadError, Progress};
use crate::helper::{Helper, TailResult};
use crate::protocol::Readers;
use hotline_engine::read::halves::{self, TailSource};
use hotline_engine::{Ingest, IngestOptions, Ingested};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// Reads a ticket file through the engine, with a second reader ([`Helper`]) on the part after
/// the middle when the file is big enough and one is ready.
pub async fn ingest_blob(
    blob: &Blob,
    options: IngestOptions,
    cancel: Rc<Cell<bool>>,
    helper: Option<&Helper>,
    on_progress: impl Fn(Progress),
) -> Result<(Ingested, Readers), LoadError> {
    let total = blob.size();
    let started = now_ms();
    let helper = helper.filter(|_| total >= crate::helper::PARALLEL_MIN_BYTES);
    if let Some(h) = helper {
        // A helper started after the previous file may still be loading its wasm (a few
        // hundred milliseconds): worth waiting for on a file this big, but not for long.
        let mut waited = 0;
        while !h.is_ready() && waited < 1000 {
            gloo::timers::future::TimeoutFuture::new(20).await;
            waited += 20;
        }
    }
    let helper = helper.filter(|h| h.is_ready());
    let plan = match helper {
        Some(_) => split_plan(blob).await?,
        None => None,
    };
    let mut ingest = Ingest::new(options.clone());
    // Progress counts both readers' bytes and rows.
    let report = |own: f64, rows: u64| {
        let (theirs, their_rows) = helper.map_or((0, 0), |h| h.progress());
        on_progress(Progress {
            bytes: (own as u64 + theirs).min(total as u64),
            total: total as u64,
            rows: rows + their_rows,
            elapsed_ms: now_ms() - started,
        });
    };
    let (Some(helper), Some((header_len, split))) = (helper, plan) else {
        stream(blob, &cancel, &mut ingest, report).await?;
        return Ok((ingest.finish().map_err(LoadError::File)?, Readers::One));
    };
    // The helper serves this file only: stopping it frees its memory, and a failure here must
    // not leave it reading.
    struct StopOnDrop<'a>(&'a Helper);
    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            self.0.stop();
        }
    }
    let _stop = StopOnDrop(helper);
    let tail = helper.read_tail(blob, &options, header_len, split);
    let head = blob.slice_with_f64_and_f64(0.0, split).map_err(js_err)?;
    stream(&head, &cancel, &mut ingest, &report).await?;
    let tail = tail.await;
    helper.stop();
    if cancel.get() {
        return Err(LoadError::Cancelled);
    }
    let refused = match tail {
        TailResult::Wire(wire) => ingest.absorb(&mut JsTail(wire)).err().map(|r| format!("{r:?}")),
        TailResult::Failed(LoadError::Cancelled) if cancel.get() => return Err(LoadError::Cancelled),
        TailResult::Failed(e) => Some(e.message()),
    };
    let Some(refused) = refused else {
        return Ok((ingest.finish().map_err(LoadError::File)?, Readers::Two));
    };
    // The second reader's part is read again here: slower, never different.
    let rest = blob.slice_with_f64_and_f64(split, total).map_err(js_err)?;
    stream(&rest, &cancel, &mut ingest, |at, rows| report(split + at, rows)).await?;
    Ok((ingest.finish().map_err(LoadError::File)?, Readers::ReadAgain(refused)))
}

/// A tail's wire form in a JavaScript array, copied into the engine a piece at a time.
struct JsTail(js_sys::Uint8Array);

impl TailSource for JsTail {
    fn len(&self) -> usize {
        self.0.length() as usize
    }
    fn read(&mut self, at: usize, out: &mut [u8]) -> Option<()> {
        let end = at.checked_add(out.len()).filter(|e| *e <= self.len())?;
        self.0.subarray(at as u32, end as u32).copy_to(out);
        Some(())
    }
}

/// Where to split a file between two readers: its header row's length and the first record
/// start after the middle; `None` when either is not within the 64 KiB read there.
async fn split_plan(blob: &Blob) -> Result<Option<(f64, f64)>, LoadError> {
    const PROBE: f64 = 64.0 * 1024.0;
    let total = blob.size();
    // The second reader also encodes its result and starts later: it gets a little less.
    let middle = (total * 0.54).floor().max(PROBE);
    // Both reads are under way at once (each costs a round trip to the browser's file thread).
    let (head, probe) = (start_read(blob, 0.0, PROBE)?, start_read(blob, middle, total.min(middle + PROBE))?);
    let bytes = |b: JsValue| js_sys::Uint8Array::new(&b).to_vec();
    let head = bytes(head.await.map_err(js_err)?);
    let probe = bytes(probe.await.map_err(js_err)?);
    let Some(header_len) = halves::header_len(&head) else { return Ok(None) };
    Ok(halves::split_point(0, &probe)
        .map(|p| (header_len as f64, middle + p as f64))
        .filter(|(_, s)| *s < total))
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

/// What the page keeps in this browser (localStorage), by its full key.
fn stored(key: &str) -> Option<String> {
    let storage = web_sys::window()?.local_storage().ok()??;
    storage.get_item(key).ok()?
}

fn store(key: &str, value: &str) {
    if let Some(Ok(Some(s))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = s.set_item(key, value);
    }
}

/// A choice the page remembers on this device (`hotline.setting.<name>`).
pub fn saved_setting(name: &str) -> Option<String> {
    stored(&format!("hotline.setting.{name}")).filter(|v| !v.is_empty())
}

pub fn save_setting(name: &str, value: &str) {
    store(&format!("hotline.setting.{name}"), value)
}

/// The page's saved column mappings, keyed by header row (localStorage; stays in this browser).
pub fn saved_mapping(key: &str) -> Option<String> {
    stored(&format!("hotline.mapping.{key}"))
}

pub fn save_mapping(key: &str, json: &str) {
    store(&format!("hotline.mapping.{key}"), json)
}
