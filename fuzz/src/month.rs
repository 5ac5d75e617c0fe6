//! The small fixed month the scoring targets score (built once per process): a generated
//! 2021-03 of 300 tickets and its report.

use hotline_engine::{ingest_bytes, IngestOptions, Ingested, Month, Report, ReportOptions};
use hotline_sample::{generate_string, GenConfig};
use std::sync::OnceLock;

/// The month's CSV text.
pub fn csv() -> &'static str {
    static CSV: OnceLock<String> = OnceLock::new();
    CSV.get_or_init(|| generate_string(&GenConfig::new(Month::new(2021, 3), 300, 7)))
}

/// The month read.
pub fn ingested() -> &'static Ingested {
    static DONE: OnceLock<Ingested> = OnceLock::new();
    DONE.get_or_init(|| match ingest_bytes(csv().as_bytes(), IngestOptions::default()) {
        Ok(done) => done,
        Err(e) => panic!("the fixed month reads: {e:?}"),
    })
}

/// The month's report (no rules applied).
pub fn report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| Report::build(ingested(), &ReportOptions::default()))
}
