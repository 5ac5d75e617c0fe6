//! The partial-aggregates file (docs/partial-json.md): any text that reads as a partial reads
//! back equal from its own JSON, makes a report without a panic whose reconciliation balances,
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
    if let Ok(report) = partial.report(&ReportOptions::default()) {
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
