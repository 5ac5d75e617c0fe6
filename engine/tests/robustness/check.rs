//! The one helper every case goes through.

use expect_test::Expect;
use hotline_engine::read::halves::ingest_in_two;
use hotline_engine::{FileError, Ingest, IngestOptions, Ingested, Report, ReportOptions};

/// The canonical header (UTF-8) the cases' rows follow.
pub const HEADER: &str = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间";

/// A clean 转办 row numbered `n`.
pub fn row(n: usize) -> String {
    format!("R{n},2021-02-01 08:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-05 12:00\n")
}

/// `HEADER`, then `rows` with the clean rows numbered `from..to` around them as the case says.
pub fn file(rows: &[String]) -> Vec<u8> {
    let mut s = format!("{HEADER}\n");
    for r in rows {
        s.push_str(r);
    }
    s.into_bytes()
}

/// What a read gave, rendered for the snapshot, with the report made with `options`.
pub fn render_for(result: &Result<Ingested, FileError>, options: &ReportOptions) -> String {
    let done = match result {
        Err(e) => return format!("file refused: {}\n", e.message()),
        Ok(done) => done,
    };
    let s = &done.summary;
    assert_eq!(s.rows_read, s.rows_scored + s.rows_rejected, "rows read = scored + rejected");
    let mut out = format!(
        "read {} scored {} rejected {} encoding {}\n",
        s.rows_read,
        s.rows_scored,
        s.rows_rejected,
        s.encoding.map_or("-", |e| e.label())
    );
    if !s.rejected_by_reason.is_empty() {
        let reasons: Vec<String> =
            s.rejected_by_reason.iter().map(|(r, n)| format!("{} {n}", r.code())).collect();
        out.push_str(&format!("by reason: {}\n", reasons.join(", ")));
    }
    for r in done.rejects.iter().take(20) {
        let record: String = r.record.chars().take(40).collect();
        out.push_str(&format!("line {} {}: {}\n  row: {record:?}\n", r.line, r.reason.code(), r.message()));
    }
    if done.rejects.len() > 20 {
        out.push_str(&format!("… {} rejects in all\n", done.rejects.len()));
    }
    // What the report says of it: where every row went, and the warnings.
    let report = Report::build(done, options);
    assert!(report.reconciliation.balances(), "{}", report.reconciliation.text());
    out.push_str(&format!("{}\n", report.reconciliation.text()));
    for w in &report.warnings {
        out.push_str(&format!("warning {}: {}\n", w.kind.code(), w.text()));
    }
    let ids: Vec<&str> = (0..done.store.len()).map(|i| done.store.id(i)).collect();
    let shown: Vec<&str> = ids.iter().take(12).copied().collect();
    out.push_str(&format!("scored ids: {}{}\n", shown.join(" "), if ids.len() > 12 { " …" } else { "" }));
    out
}

fn read_in_chunks(bytes: &[u8], size: usize, options: IngestOptions) -> Result<Ingested, FileError> {
    let mut ingest = Ingest::new(options);
    for chunk in bytes.chunks(size.max(1)) {
        ingest.push(chunk)?;
    }
    ingest.finish()
}

/// Reads `bytes` every way and compares the (common) outcome with `expect`.
pub fn check(bytes: &[u8], expect: Expect) {
    check_for(bytes, &ReportOptions::default(), expect)
}

/// [`check`], the report made with `options`.
pub fn check_for(bytes: &[u8], options: &ReportOptions, expect: Expect) {
    let render = |r: &Result<Ingested, FileError>| render_for(r, options);
    let whole = render(&read_in_chunks(bytes, bytes.len(), IngestOptions::default()));
    let sizes: &[usize] =
        if bytes.len() > 200_000 { &[4096, 65_536, 1 << 20] } else { &[1, 2, 3, 7, 64, 4096] };
    for &size in sizes {
        let got = render(&read_in_chunks(bytes, size, IngestOptions::default()));
        assert_eq!(got, whole, "chunks of {size} bytes read differently from one chunk");
    }
    let general = IngestOptions { general_reader_only: true, ..IngestOptions::default() };
    assert_eq!(render(&read_in_chunks(bytes, 4096, general)), whole, "the general reader differs");
    for split in [bytes.len() / 3, bytes.len() / 2, bytes.len() * 9 / 10] {
        let two = ingest_in_two(bytes, IngestOptions::default(), split).map(|(done, _)| done);
        assert_eq!(render(&two), whole, "two readers split near byte {split} differ");
    }
    expect.assert_eq(&whole);
}
