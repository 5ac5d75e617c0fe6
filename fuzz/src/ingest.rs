//! The ticket ingest, differential: the bytes read in one chunk, in chunks of 1, 7 and a size
//! taken from the data, by the general reader alone, and by two readers split at two points
//! (half way and a point taken from the data) must all give the same summary, rejects, tickets,
//! ticket numbers and names; rows read = scored + rejected; the report's reconciliation balances.

use hotline_engine::read::halves::ingest_in_two;
use hotline_engine::tickets::store::Names;
use hotline_engine::{FileError, Ingest, IngestOptions, Ingested, Report, ReportOptions};

pub fn check(data: &[u8]) {
    let whole = read_in_chunks(data, data.len(), IngestOptions::default());
    let noise = fnv(data);
    let size = 1 + (noise % 97) as usize;
    for size in [1, 7, size, 4096] {
        let got = read_in_chunks(data, size, IngestOptions::default());
        assert_same(&got, &whole, &format!("chunks of {size} bytes"));
    }
    let general = IngestOptions { general_reader_only: true, ..IngestOptions::default() };
    assert_same(&read_in_chunks(data, 4096, general), &whole, "the general reader");
    let len = data.len().max(1);
    for at in [data.len() / 2, (noise >> 8) as usize % len] {
        let two = ingest_in_two(data, IngestOptions::default(), at).map(|(done, _)| done);
        assert_same(&two, &whole, &format!("two readers split near byte {at}"));
    }
    if let Ok(done) = &whole {
        let s = &done.summary;
        assert_eq!(s.rows_read, s.rows_scored + s.rows_rejected, "rows read = scored + rejected");
        assert_eq!(s.rows_scored as usize, done.store.len(), "every scored row is a ticket");
        let report = Report::build(done, &ReportOptions::default());
        assert!(report.reconciliation.balances(), "{}", report.reconciliation.text());
    }
}

pub fn read_in_chunks(bytes: &[u8], size: usize, options: IngestOptions) -> Result<Ingested, FileError> {
    let mut ingest = Ingest::new(options);
    for chunk in bytes.chunks(size.max(1)) {
        ingest.push(chunk)?;
    }
    ingest.finish()
}

/// A number from the bytes, so that a chunk size and a split point vary with the input yet
/// replay the same (FNV-1a).
pub fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Panics, saying `what` and where, unless the two reads are the same in every respect.
pub fn assert_same(got: &Result<Ingested, FileError>, want: &Result<Ingested, FileError>, what: &str) {
    let (got, want) = match (got, want) {
        (Err(a), Err(b)) => return assert_eq!(a, b, "{what}: the file error"),
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => panic!("{what}: {:?} where one chunk gave {:?}", a.as_ref().err(), b.as_ref().err()),
    };
    assert_eq!(got.summary, want.summary, "{what}: summary");
    assert_eq!(got.rejects, want.rejects, "{what}: rejects");
    assert_eq!(got.store.tickets, want.store.tickets, "{what}: tickets");
    let ids = |d: &Ingested| (0..d.store.len()).map(|i| d.store.id(i).to_string()).collect::<Vec<_>>();
    assert_eq!(ids(got), ids(want), "{what}: ticket numbers");
    let names = |n: &Names| n.iter().map(|(_, s)| s.to_string()).collect::<Vec<_>>();
    let s = (&got.store, &want.store);
    assert_eq!(names(&s.0.units), names(&s.1.units), "{what}: units");
    assert_eq!(names(&s.0.channels), names(&s.1.channels), "{what}: channels");
    assert_eq!(names(&s.0.kinds), names(&s.1.kinds), "{what}: kinds");
    assert_eq!(names(&s.0.categories), names(&s.1.categories), "{what}: categories");
}
