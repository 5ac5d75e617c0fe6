//! The engine's hot path compiled to bare wasm (no browser, no wasm-bindgen), so its speed can be
//! measured in V8 by `node scripts/wasm_bench.mjs FILE` without the page around it.
//! Build: `cargo build --release -p hotline-engine --example wasm_ingest --target wasm32-unknown-unknown`

use std::sync::Mutex;

static INPUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// Room for `len` bytes of input; returns where to copy them.
#[no_mangle]
pub extern "C" fn input(len: usize) -> *mut u8 {
    let mut v = INPUT.lock().unwrap();
    v.clear();
    v.resize(len, 0);
    v.as_mut_ptr()
}

/// Ingests the input in 4 MiB chunks, then (`report` 1) builds the default report or (2) the
/// cells the page's worker sends the page, as bytes; returns rows scored.
#[no_mangle]
pub extern "C" fn run(report: u32) -> f64 {
    let v = INPUT.lock().unwrap();
    let mut ingest = hotline_engine::Ingest::new(hotline_engine::IngestOptions {
        size_hint: Some(v.len() as u64),
        ..Default::default()
    });
    for chunk in v.chunks(4 << 20) {
        if ingest.push(chunk).is_err() {
            return -1.0;
        }
    }
    let Ok(done) = ingest.finish() else { return -1.0 };
    if report == 2 {
        let plan = hotline_engine::tickets::deadlines::DeadlinePlan::default();
        let Some(cells) = hotline_engine::count::aggregate::Cells::try_build(&done.store, &plan) else {
            return -1.0;
        };
        return if cells.to_bytes(&done.store).is_empty() { -1.0 } else { done.summary.rows_scored as f64 };
    }
    if report != 0 {
        let r = hotline_engine::Report::build(&done, &hotline_engine::ReportOptions::default());
        return r.source.rows_scored as f64;
    }
    done.summary.rows_scored as f64
}

/// Only finds the plain records and their commas (the floor of the row loop); returns records.
#[no_mangle]
pub extern "C" fn scan() -> f64 {
    let v = INPUT.lock().unwrap();
    let (mut at, mut n, mut commas) = (0, 0u64, Vec::new());
    loop {
        match hotline_engine::read::records::scan_plain(&v[at..], &mut commas) {
            hotline_engine::read::records::Scan::Record(nl) => {
                at += nl + 1;
                n += 1;
            }
            hotline_engine::read::records::Scan::Other => {
                match hotline_engine::read::records::find_record_end(&v[at..], true) {
                    Some(end) => at += end.consumed,
                    None => return n as f64,
                }
                n += 1;
            }
        }
    }
}
