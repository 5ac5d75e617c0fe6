//! Re-encoding, differential: a UTF-8 file and the same text in GB18030 read alike: the same
//! rows, rejects (their kept text aside, where a limit in bytes cuts it at another character),
//! tickets and names; only the summary's encoding and size differ.
//!
//! Inputs it cannot compare are skipped: bytes that are not UTF-8, text with U+FEFF (a UTF-8
//! byte-order mark has no GB18030 counterpart the reader knows), text GB18030 cannot carry both
//! ways, and GB18030 bytes that are themselves valid UTF-8 (read, rightly, as UTF-8).

use crate::ingest::read_in_chunks;
use encoding_rs::GB18030;
use hotline_engine::tickets::store::Names;
use hotline_engine::{IngestOptions, Ingested, TextEncoding};

/// The reader keeps this many bytes of a record it cannot split into fields.
const KEPT_PREFIX_BYTES: usize = 200;

pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if text.contains('\u{feff}') {
        return;
    }
    let (gb, _, unmappable) = GB18030.encode(text);
    if unmappable || GB18030.decode_without_bom_handling(&gb).0 != text || std::str::from_utf8(&gb).is_ok() {
        return;
    }
    let size = 1 + (crate::ingest::fnv(data) % 61) as usize;
    let utf8 = read_in_chunks(data, size, IngestOptions::default());
    let gb18030 = read_in_chunks(&gb, size, IngestOptions::default());
    let (u, g) = match (&utf8, &gb18030) {
        (Err(a), Err(b)) => return assert_eq!(a, b, "the file error"),
        (Ok(u), Ok(g)) => (u, g),
        (a, b) => panic!("UTF-8 gave {:?}, GB18030 {:?}", a.as_ref().err(), b.as_ref().err()),
    };
    if u.summary.encoding.is_none() && g.summary.encoding.is_none() {
        return; // nothing past the header decided it either way
    }
    assert_eq!(u.summary.encoding, Some(TextEncoding::Utf8), "the UTF-8 file's encoding");
    assert_eq!(g.summary.encoding, Some(TextEncoding::Gb18030), "the GB18030 file's encoding");
    let mut gs = g.summary.clone();
    gs.encoding = u.summary.encoding;
    gs.bytes = u.summary.bytes;
    assert_eq!(gs, u.summary, "summary");
    assert_eq!(u.rejects.len(), g.rejects.len(), "rejects");
    for (a, b) in u.rejects.iter().zip(&g.rejects) {
        let (mut a, mut b) = (a.clone(), b.clone());
        let cut =
            a.record.len() >= KEPT_PREFIX_BYTES || GB18030.encode(&b.record).0.len() >= KEPT_PREFIX_BYTES;
        if cut {
            assert!(
                a.record.starts_with(&b.record) || b.record.starts_with(&a.record),
                "line {}: kept text {:?} against {:?}",
                a.line,
                a.record,
                b.record
            );
            (a.record, b.record) = (String::new(), String::new());
        }
        assert_eq!(a, b, "reject");
    }
    assert_same_tickets(u, g);
}

fn assert_same_tickets(u: &Ingested, g: &Ingested) {
    assert_eq!(u.store.tickets, g.store.tickets, "tickets");
    let ids = |d: &Ingested| (0..d.store.len()).map(|i| d.store.id(i).to_string()).collect::<Vec<_>>();
    assert_eq!(ids(u), ids(g), "ticket numbers");
    let names = |n: &Names| n.iter().map(|(_, s)| s.to_string()).collect::<Vec<_>>();
    assert_eq!(names(&u.store.units), names(&g.store.units), "units");
    assert_eq!(names(&u.store.categories), names(&g.store.categories), "categories");
}
