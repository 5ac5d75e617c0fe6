//! Parse + aggregate throughput on generated canonical months.
//!
//! `cargo bench -p hotline-engine --bench ingest` measures 70k, 300k and 1M tickets (median of 5
//! runs each, bytes already in memory, chunked as the page feeds them) and prints a table for
//! docs/performance.md. `cargo test --bench ingest` runs a tiny smoke version that also checks
//! the result, so the benchmark cannot silently rot. `BENCH_SIZES=70000,3000000` overrides.

use hotline_engine::{ingest_bytes, IngestOptions, Month, Report, ReportOptions};
use hotline_sample::{generate, GenConfig};
use std::time::Instant;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.to_string()))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let sizes: Vec<usize> = match std::env::var("BENCH_SIZES") {
        Ok(s) => s.split(',').filter_map(|x| x.trim().parse().ok()).collect(),
        Err(_) if full => vec![70_000, 300_000, 1_000_000],
        Err(_) => vec![2_000],
    };
    let samples = if full { 5 } else { 1 };
    println!("| tickets | rows | MB | ingest + report (median of {samples}) | MB/s | rows/s | store MB | re-count one period | month switch (report of another period from the cells) | re-score (rule change) | peak RSS MB |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let rules = hotline_engine::score::presets::preset("lyg2021").expect("preset");
    for n in sizes {
        let mut bytes = Vec::new();
        generate(&GenConfig::new(Month::new(2021, 2), n, 1), &mut bytes);
        let mb = bytes.len() as f64 / 1_048_576.0;
        let mut times = Vec::new();
        let mut recount = Vec::new();
        let mut rescore = Vec::new();
        let mut switch = Vec::new();
        let mut rows = 0;
        let mut store_mb = 0.0;
        for _ in 0..samples {
            let t = Instant::now();
            let done = ingest_bytes(&bytes, IngestOptions::default()).expect("generated file reads");
            let report = Report::build(&done, &ReportOptions::default());
            times.push(t.elapsed().as_secs_f64());
            assert_eq!(done.summary.rows_rejected, 0);
            assert_eq!(report.source.rows_read, done.summary.rows_scored);
            assert_eq!(
                report.city.as_ref().unwrap().all.received,
                n as u64,
                "every generated ticket counted"
            );
            rows = done.summary.rows_read;
            store_mb = done.store.heap_bytes() as f64 / 1_048_576.0;
            let t = Instant::now();
            let again = Report::build(&done, &ReportOptions::default());
            recount.push(t.elapsed().as_secs_f64());
            assert_eq!(again, report);
            // A month switch on the page: the report of another period from the file's cells,
            // which the page holds (summed by the registry once, when they arrive).
            let plan = hotline_engine::tickets::deadlines::DeadlinePlan::default();
            let bytes =
                hotline_engine::count::aggregate::Cells::build(&done.store, &plan).to_bytes(&done.store);
            let (store, cells) =
                hotline_engine::count::aggregate::Cells::from_bytes(&bytes).expect("cells read");
            let names = hotline_engine::Ingested { store, ..Default::default() };
            let counted =
                hotline_engine::report::Counted::from_cells(&names, &cells, &ReportOptions::default());
            let january = ReportOptions {
                period: Some(hotline_engine::Period::parse("2021-01").expect("period")),
                ..Default::default()
            };
            let t = Instant::now();
            let other = Report::from_counted(&names, &counted, &january);
            switch.push(t.elapsed().as_secs_f64());
            assert_eq!(other.period.as_ref().map(|p| p.label.as_str()), Some("2021年1月"));
            // A rule change: score the counted tallies again, as the page does on every edit.
            let mut report = again;
            let t = Instant::now();
            for _ in 0..100 {
                report.apply_rules(&rules, &hotline_engine::score::Context::default());
            }
            rescore.push(t.elapsed().as_secs_f64() / 100.0);
            assert!(report.scores.as_ref().is_some_and(|s| !s.groups.is_empty()));
        }
        let s = median(times);
        println!(
            "| {n} | {rows} | {mb:.1} | {:.3} s | {:.0} | {:.2}M | {store_mb:.1} | {:.1} ms | {:.2} ms | {:.2} ms | {:.0} |",
            s,
            mb / s,
            rows as f64 / s / 1e6,
            median(recount) * 1000.0,
            median(switch) * 1000.0,
            median(rescore) * 1000.0,
            peak_rss_mb()
        );
    }
}
