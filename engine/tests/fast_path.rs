//! The fast path for plain rows must give exactly what the general reader gives: the same
//! tickets, names, ticket numbers, rejects (line, column, reason, message, record) and summary,
//! on messy input fed in random chunk sizes.

mod messy;

use hotline_engine::{ingest_bytes, Ingest, IngestOptions, Ingested, TextEncoding};
use messy::{assert_same, messy_file, Rng};

fn ingest_chunked(bytes: &[u8], general: bool, seed: u64) -> Ingested {
    let mut rng = Rng(seed | 1);
    let mut ingest = Ingest::new(IngestOptions { general_reader_only: general, ..Default::default() });
    let mut at = 0;
    while at < bytes.len() {
        let n = (1 + rng.below(3000)).min(bytes.len() - at);
        ingest.push(&bytes[at..at + n]).unwrap();
        at += n;
    }
    ingest.finish().unwrap()
}

#[test]
fn fast_path_equals_the_general_reader_on_messy_files() {
    let mut rejected = 0;
    for seed in 1..=40 {
        let text = messy_file(seed);
        let fast = ingest_chunked(text.as_bytes(), false, seed);
        let general = ingest_chunked(text.as_bytes(), true, seed + 7);
        assert_same(&fast, &general, &format!("seed {seed}"));
        rejected += fast.summary.rows_rejected;
        // The same file in GBK.
        if seed % 4 == 0 {
            let gbk = hotline_engine::encoding::encode(TextEncoding::Gb18030, &text);
            let fast = ingest_bytes(&gbk, IngestOptions::default()).unwrap();
            let general =
                ingest_bytes(&gbk, IngestOptions { general_reader_only: true, ..Default::default() })
                    .unwrap();
            assert_same(&fast, &general, &format!("seed {seed} GBK"));
        }
    }
    // The damage really exercises the reasons (a test of the test).
    assert!(rejected > 2000, "{rejected}");
}
