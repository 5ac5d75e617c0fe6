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
            let gbk = hotline_engine::read::encoding::encode(TextEncoding::Gb18030, &text);
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

/// Rejects kept to the first few (`rejects_kept`, as the page streams a file) are the first of
/// all of them by line, with the same summary; taken as they come (`take_rejects` after each
/// chunk, sorted within it, as a second read writes them out) they are all of them, in order.
#[test]
fn kept_and_taken_rejects_are_those_of_the_whole_reading() {
    for seed in [3, 11, 29] {
        let text = messy_file(seed);
        let all = ingest_chunked(text.as_bytes(), false, seed);
        assert!(all.rejects.len() > 50, "seed {seed}: {}", all.rejects.len());
        for kept in [0, 1, 7, 40] {
            let options = IngestOptions { rejects_kept: Some(kept), ..Default::default() };
            let few = ingest_bytes(text.as_bytes(), options).unwrap();
            assert_eq!(few.rejects, all.rejects[..kept.min(all.rejects.len())], "seed {seed} kept {kept}");
            assert_eq!(few.summary, all.summary, "seed {seed} kept {kept}");
            assert_eq!(few.store.len(), all.store.len());
        }
        let mut rng = Rng(seed);
        let mut ingest = Ingest::new(IngestOptions::default());
        let mut taken = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let n = (1 + rng.below(3000)).min(text.len() - at);
            ingest.push(&text.as_bytes()[at..at + n]).unwrap();
            let mut chunk = ingest.take_rejects();
            chunk.sort_by_key(|r| r.line);
            taken.extend(chunk);
            at += n;
        }
        let done = ingest.finish().unwrap();
        taken.extend(done.rejects);
        assert_eq!(taken, all.rejects, "seed {seed}");
        assert_eq!(done.summary, all.summary);
    }
}

/// Found by fuzzing: the fast path claims ticket numbers in a batch after storing the rows, so a
/// duplicate row whose new 问题分类 needed cleaning (a NUL in it) listed that name as cleaned,
/// though no ticket kept it; the general reader, which claims the number first, listed nothing.
#[test]
fn a_duplicate_rows_names_are_never_listed_as_cleaned() {
    let clean = hotline_sample::generate_string(&hotline_sample::GenConfig::new(
        hotline_engine::time::Month::new(2021, 2),
        3,
        5,
    ));
    let mut lines: Vec<String> = clean.lines().map(String::from).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let category = header.iter().position(|h| *h == "问题分类").unwrap();
    let mut copy: Vec<String> = lines[1].split(',').map(String::from).collect();
    copy[category] = "通信网络\0".into();
    lines.push(copy.join(","));
    let text = lines.join("\n") + "\n";
    for general in [false, true] {
        let read = ingest_chunked(text.as_bytes(), general, 9);
        assert!(read.summary.cleaned_names.is_empty(), "general {general}: {:?}", read.summary.cleaned_names);
        assert_eq!(read.summary.rows_rejected, 1);
    }
    let fast = ingest_chunked(text.as_bytes(), false, 9);
    let general = ingest_chunked(text.as_bytes(), true, 9);
    assert_same(&fast, &general, "duplicate with a NUL");
}
