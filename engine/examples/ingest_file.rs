//! Ingests one file and builds its report, timing each stage: for profiling (`perf record`).
//! `cargo run --release -p hotline-engine --example ingest_file -- FILE`

fn main() {
    let path = std::env::args().nth(1).expect("usage: ingest_file FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    let t = std::time::Instant::now();
    let done =
        hotline_engine::ingest_bytes(&bytes, hotline_engine::IngestOptions::default()).expect("file reads");
    let ingest = t.elapsed();
    let t = std::time::Instant::now();
    let report = hotline_engine::Report::build(&done, &hotline_engine::ReportOptions::default());
    let build = t.elapsed();
    println!(
        "{} rows, {} rejected; ingest {:.3} s ({:.0} MB/s), report {:.3} s",
        report.source.rows_read,
        report.source.rows_rejected,
        ingest.as_secs_f64(),
        bytes.len() as f64 / 1_048_576.0 / ingest.as_secs_f64(),
        build.as_secs_f64()
    );
}
