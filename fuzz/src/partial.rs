//! The partial-aggregates file (docs/partial-json.md): any text that reads as a partial reads
//! back equal from its own JSON, makes a report without a panic whose reconciliation balances
//! (when its sources state rows that add up),
//! and merges with itself (refused as an overlap when it carries ticket hashes) and with the
//! fixed month's partial without a panic.

use crate::month;
use hotline_engine::partial::Partial;
use hotline_engine::ReportOptions;

pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(partial) = Partial::from_json(text) else { return };
    match Partial::from_json(&partial.to_json()) {
        Ok(again) => assert_eq!(again, partial, "a partial read back from its own JSON"),
        Err(e) => panic!("a partial's own JSON does not read: {e:?}"),
    }
    // Sources whose rows add up (none replaced) give a reconciliation that balances; counts
    // that claim more tickets than their rows are refused.
    let adds_up = partial.sources.iter().all(|s| {
        s.rows_read == s.rows_scored + s.rows_rejected
            && s.rejected_by_reason.iter().map(|r| r.1).sum::<u64>() == s.rows_rejected
    }) && partial.sources.iter().any(|s| s.rows_read > 0);
    if let (Ok(report), true) = (partial.report(&ReportOptions::default()), adds_up) {
        assert!(report.reconciliation.balances(), "{}", report.reconciliation.text());
    }
    let with_itself = Partial::merge(&[partial.clone(), partial.clone()]);
    if !partial.ticket_hashes.is_empty() && partial.hashes().is_ok_and(|h| !h.is_empty()) {
        assert!(with_itself.is_err(), "a partial merged with itself overlaps");
    }
    if let Ok(fixed) = Partial::from_ingested("fixed.csv", month::ingested(), None) {
        if let Ok(merged) = Partial::merge(&[partial, fixed]) {
            let _ = merged.report(&ReportOptions::default());
        }
    }
}
