//! Browser primitives every reader shares: reading a file's bytes (a range, or the whole file
//! as a stream), progress, the reading errors and the clock. Nothing here knows the engine's
//! readers, the workers or their messages.

use hotline_engine::partial::{StreamError, StreamingPartial};
use hotline_engine::read::halves::TailReader;
use hotline_engine::report::shortfall::ShortfallScan;
use hotline_engine::FileError;
use std::cell::Cell;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// Bytes between two progress reports.
pub const CHUNK: f64 = 4.0 * 1024.0 * 1024.0;

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

pub fn js_err(e: wasm_bindgen::JsValue) -> LoadError {
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
pub fn start_read(blob: &Blob, start: f64, end: f64) -> Result<JsFuture, LoadError> {
    let part = blob.slice_with_f64_and_f64(start, end).map_err(js_err)?;
    Ok(JsFuture::from(part.array_buffer()))
}

/// Reads `blob[start..end]` as bytes.
pub async fn read_range(blob: &Blob, start: f64, end: f64) -> Result<Vec<u8>, LoadError> {
    let buf = start_read(blob, start, end)?.await.map_err(js_err)?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// What a read of a file feeds, chunk by chunk. Every read of a ticket file goes through
/// [`stream`] into one of these: the held ingest ([`hotline_engine::Ingest`]), a streamed file
/// ([`StreamingPartial`]), the second reader's part ([`TailReader`]) and the re-reads for
/// shortfall lists ([`ShortfallScan`]) and for every rejected row (the worker's writer). So
/// cancelling, progress and the engine's errors behave alike on every path.
pub trait Reading {
    /// Takes the next chunk of the file's bytes.
    fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError>;
    /// Rows read so far (for progress).
    fn rows_read(&self) -> u64;
}

impl Reading for hotline_engine::Ingest {
    fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        hotline_engine::Ingest::push(self, chunk).map_err(LoadError::File)
    }
    fn rows_read(&self) -> u64 {
        hotline_engine::Ingest::rows_read(self)
    }
}

/// A streamed read's error as the page shows it.
pub fn stream_error(e: StreamError) -> LoadError {
    match e {
        StreamError::File(e) => LoadError::File(e),
        StreamError::Partial(e) => LoadError::Partial(e.to_string()),
    }
}

impl Reading for StreamingPartial<'_> {
    fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        StreamingPartial::push(self, chunk).map_err(stream_error)
    }
    fn rows_read(&self) -> u64 {
        StreamingPartial::rows_read(self)
    }
}

impl Reading for TailReader {
    fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        TailReader::push(self, chunk).map_err(LoadError::File)
    }
    fn rows_read(&self) -> u64 {
        TailReader::rows_read(self)
    }
}

impl Reading for ShortfallScan {
    fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        ShortfallScan::push(self, chunk).map_err(LoadError::File)
    }
    fn rows_read(&self) -> u64 {
        ShortfallScan::rows_read(self)
    }
}

impl Reading for hotline_engine::report::audit::UnitTicketScan<'_> {
    fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        hotline_engine::report::audit::UnitTicketScan::push(self, chunk).map_err(LoadError::File)
    }
    fn rows_read(&self) -> u64 {
        hotline_engine::report::audit::UnitTicketScan::rows_read(self)
    }
}

/// Streams `blob` into `reading` chunk by chunk: the browser reads the file into its byte stream
/// on its own thread while the engine parses what has arrived (no copy of the whole file, no
/// slice and read request per chunk; measured against reading 4 MiB slices three ahead:
/// 1.79–2.29 s against 2.53 s for 1M tickets, docs/performance.md). `tick(bytes, rows)` runs
/// about every [`CHUNK`] bytes and at the end. Each read returns to the event loop, so a cancel
/// message gets through.
pub async fn stream(
    blob: &Blob,
    cancel: &Cell<bool>,
    reading: &mut impl Reading,
    mut tick: impl FnMut(f64, u64),
) -> Result<(), LoadError> {
    let total = blob.size();
    let mut reader = Reader::new(&blob.stream());
    let mut bytes = Vec::new();
    let (mut at, mut reported) = (0.0, 0.0);
    loop {
        let chunk = reader.next().await?;
        if cancel.get() {
            reader.cancel();
            return Err(LoadError::Cancelled);
        }
        let Some(chunk) = chunk else { return Ok(()) };
        at += f64::from(chunk.length());
        bytes.resize(chunk.length() as usize, 0);
        chunk.copy_to(&mut bytes);
        reading.push(&bytes)?;
        if at - reported >= CHUNK || at >= total {
            reported = at;
            tick(at, reading.rows_read());
        }
    }
}

/// Bytes the page reads a file into at a time.
const READ_BUFFER: u32 = 1 << 20;

/// A file's byte stream, read into one buffer again and again ("bring your own buffer"): a
/// reader that hands out a new buffer for every chunk left the tab holding 140–180 MB of spent
/// chunks while a 574 MB file was read, and read it slower (docs/performance.md). Where the
/// browser's stream takes no buffer of ours, its default reader.
enum Reader {
    Own(web_sys::ReadableStreamByobReader, Option<js_sys::ArrayBuffer>),
    Default(web_sys::ReadableStreamDefaultReader),
}

impl Reader {
    fn new(stream: &web_sys::ReadableStream) -> Reader {
        // `getReader({mode: "byob"})` throws where the stream is not a byte stream: called
        // through `Function::call1`, which catches it.
        let own = js_sys::Reflect::get(stream, &"getReader".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .and_then(|get| {
                let options = js_sys::Object::new();
                js_sys::Reflect::set(&options, &"mode".into(), &"byob".into()).ok()?;
                get.call1(stream, &options).ok()
            });
        match own {
            Some(reader) => Reader::Own(reader.unchecked_into(), Some(js_sys::ArrayBuffer::new(READ_BUFFER))),
            None => Reader::Default(stream.get_reader().unchecked_into()),
        }
    }

    /// The next chunk, `None` at the end.
    async fn next(&mut self) -> Result<Option<js_sys::Uint8Array>, LoadError> {
        let result = match self {
            Reader::Own(reader, buffer) => {
                let buffer = buffer.take().unwrap_or_else(|| js_sys::ArrayBuffer::new(READ_BUFFER));
                JsFuture::from(reader.read_with_array_buffer_view(&js_sys::Uint8Array::new(&buffer))).await
            }
            Reader::Default(reader) => JsFuture::from(reader.read()).await,
        }
        .map_err(js_err)?;
        let done = js_sys::Reflect::get(&result, &"done".into()).map_err(js_err)?.as_bool().unwrap_or(true);
        if done {
            return Ok(None);
        }
        let chunk: js_sys::Uint8Array =
            js_sys::Reflect::get(&result, &"value".into()).map_err(js_err)?.unchecked_into();
        // The buffer given was moved into the chunk: it comes back with it, for the next read.
        if let Reader::Own(_, buffer) = self {
            *buffer = Some(chunk.buffer());
        }
        Ok(Some(chunk))
    }

    fn cancel(&self) {
        let _ = match self {
            Reader::Own(reader, _) => reader.cancel(),
            Reader::Default(reader) => reader.cancel(),
        };
    }
}
