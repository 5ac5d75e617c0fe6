//! The cells wire form (the worker's hand-over to the page, `Cells::to_bytes`): any bytes that
//! read as cells write back to bytes that read as the same cells and names, and make a report
//! without a panic.

use hotline_engine::count::aggregate::Cells;
use hotline_engine::read::ingest::IngestSummary;
use hotline_engine::report::Counted;
use hotline_engine::tickets::store::Names;
use hotline_engine::{Ingested, Report, ReportOptions};

pub fn check(data: &[u8]) {
    let Ok((store, cells)) = Cells::from_bytes(data) else { return };
    let again = cells.to_bytes(&store);
    let names = |n: &Names| n.iter().map(|(_, s)| s.to_string()).collect::<Vec<_>>();
    match Cells::from_bytes(&again) {
        Ok((store2, cells2)) => {
            assert_eq!(cells2, cells, "cells written and read back");
            assert_eq!(names(&store2.units), names(&store.units), "unit names written and read back");
        }
        Err(e) => panic!("cells' own bytes do not read: {e:?}"),
    }
    let ingested = Ingested { store, rejects: Vec::new(), summary: IngestSummary::default() };
    let options = ReportOptions::default();
    let counted = Counted::from_cells(&ingested, &cells, &options);
    let _ = Report::from_counted(&ingested, &counted, &options);
}
