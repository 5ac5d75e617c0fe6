//! Ingests one file and builds its report, timing each stage: for profiling (`perf record`) and
//! quick before/after comparisons on a noisy machine (min and median of `--repeat N` runs).
//! `cargo run --release -p hotline-engine --example ingest_file -- FILE [--repeat N] [--two]`
//! (`--two`: two readers on two threads, split at the middle, as the CLI reads a big file).

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: ingest_file FILE [--repeat N]");
    let repeat: usize = args.iter().position(|a| a == "--repeat").map_or(1, |i| args[i + 1].parse().unwrap());
    let two = args.iter().any(|a| a == "--two");
    let bytes = std::fs::read(path).expect("readable file");
    let (mut ingests, mut builds) = (Vec::new(), Vec::new());
    let mut rows = (0, 0);
    for _ in 0..repeat {
        let t = std::time::Instant::now();
        let options = hotline_engine::IngestOptions::default();
        let done = if two {
            let (done, outcome) =
                hotline_engine::read::halves::ingest_in_two(&bytes, options, bytes.len() / 2)
                    .expect("file reads");
            assert_eq!(outcome, hotline_engine::read::halves::Outcome::Absorbed);
            done
        } else {
            hotline_engine::ingest_bytes(&bytes, options).expect("file reads")
        };
        ingests.push(t.elapsed().as_secs_f64());
        let t = std::time::Instant::now();
        let report = hotline_engine::Report::build(&done, &hotline_engine::ReportOptions::default());
        builds.push(t.elapsed().as_secs_f64());
        rows = (report.source.rows_read, report.source.rows_rejected);
    }
    let stat = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[0], v[v.len() / 2])
    };
    let ((imin, imed), (bmin, bmed)) = (stat(&mut ingests), stat(&mut builds));
    println!(
        "{} rows, {} rejected; ingest min {imin:.3} s median {imed:.3} s ({:.0} MB/s at the median); report min {bmin:.3} s median {bmed:.3} s",
        rows.0,
        rows.1,
        bytes.len() as f64 / 1_048_576.0 / imed,
    );
}
