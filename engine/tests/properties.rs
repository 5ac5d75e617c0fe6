//! Property tests over generated months and edits of them (proptest): what must hold for every
//! file, not only the ones a tester wrote down. Each property runs a few dozen cases so the suite
//! stays quick; `PROPTEST_CASES=1000 cargo test -p hotline-engine --test properties` runs more.
//! The damaged-file property found that a bad byte in a 直接答复 row's 承办单位 (a column such
//! rows do not read) was rejected by the general reader and accepted by the fast path; the
//! regression case is `robustness/encoding_decided_on_a_large_prefix.rs`.

use hotline_engine::partial::Partial;
use hotline_engine::read::encoding::encode;
use hotline_engine::{
    ingest_bytes, FileError, Ingest, IngestOptions, Ingested, Month, Report, ReportOptions, TextEncoding,
};
use hotline_sample::{generate_string, GenConfig};
use proptest::prelude::*;

fn month(seed: u64, tickets: usize) -> String {
    generate_string(&GenConfig::new(Month::new(2021, 3), tickets, seed))
}

/// Every figure of a report that does not depend on line numbers: the city, the units, the
/// member units, the channel and kind shares, the months.
fn figures(report: &Report) -> String {
    serde_json::to_string(&(
        &report.city,
        &report.units,
        &report.members,
        &report.channels,
        &report.kinds,
        &report.months,
    ))
    .unwrap()
}

fn report_of(bytes: &[u8]) -> Report {
    Report::build(&ingest_bytes(bytes, IngestOptions::default()).unwrap(), &ReportOptions::default())
}

/// What a read gave, as one comparable value: the summary, the rejects and the tickets.
fn outcome(r: &Result<Ingested, FileError>) -> String {
    match r {
        Err(e) => format!("{e:?}"),
        Ok(d) => format!("{:?}\n{:?}\n{:?}", d.summary, d.rejects, d.store.tickets),
    }
}

fn read_in_chunks(bytes: &[u8], size: usize, options: IngestOptions) -> Result<Ingested, FileError> {
    let mut ingest = Ingest::new(options);
    for chunk in bytes.chunks(size.max(1)) {
        ingest.push(chunk)?;
    }
    ingest.finish()
}

proptest! {
    // 24 cases each unless PROPTEST_CASES says more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    /// The order of the rows changes no figure (ticket numbers are unique in a generated month).
    #[test]
    fn row_order_changes_no_figure(seed in 1u64..10_000, shuffle in any::<u64>()) {
        let text = month(seed, 300);
        let (header, body) = text.split_once('\n').unwrap();
        // Records, not lines: a quoted field may hold a line break.
        let mut rows: Vec<&str> = Vec::new();
        let mut rest = body;
        while let Some(end) = hotline_engine::read::records::find_record_end(rest.as_bytes(), true) {
            rows.push(&rest[..end.content]);
            rest = &rest[end.consumed..];
        }
        // A Fisher–Yates shuffle driven by the case's number.
        let mut state = shuffle | 1;
        for i in (1..rows.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            rows.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let shuffled = format!("{header}\n{}\n", rows.join("\n"));
        let (a, b) = (figures(&report_of(shuffled.as_bytes())), figures(&report_of(text.as_bytes())));
        prop_assert!(a == b, "figures differ");
    }

    /// Re-encoding a month in GB18030 changes nothing but the encoding it is read in.
    #[test]
    fn gb18030_reads_as_utf8(seed in 1u64..10_000) {
        let text = month(seed, 200);
        let gbk = encode(TextEncoding::Gb18030, &text);
        let (a, b) = (report_of(text.as_bytes()), report_of(&gbk));
        prop_assert_eq!(b.source.encoding, Some(TextEncoding::Gb18030));
        prop_assert_eq!(figures(&a), figures(&b));
        let messages = |r: &Report| r.rejects.iter().map(|j| j.message()).collect::<Vec<_>>();
        prop_assert_eq!(messages(&a), messages(&b));
    }

    /// Every rate of the city and of every unit is a share: its numerator never above its
    /// denominator.
    #[test]
    fn every_rate_is_within_zero_and_one(seed in 1u64..10_000) {
        let report = report_of(month(seed, 300).as_bytes());
        let city = report.city.as_ref().unwrap();
        for f in [&city.all, &city.municipal, &city.province].into_iter().chain(report.units.iter().map(|u| &u.all)) {
            for (indicator, rate) in f.rates() {
                prop_assert!(rate.num <= rate.den, "{:?}: {} of {}", indicator, rate.num, rate.den);
            }
        }
    }

    /// Bytes inserted anywhere (quotes, commas, line ends, a NUL, an invalid byte): the read
    /// never panics, rows read = scored + rejected, and every way of reading agrees: one chunk,
    /// chunks of any size, the general reader alone.
    #[test]
    fn damaged_files_read_alike_every_way(
        seed in 1u64..10_000,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec![b'"', b',', b'\n', b'\r', 0xFF, 0x00, b' ', 0xE5])), 1..8),
        chunk in 1usize..600,
    ) {
        let mut bytes = month(seed, 40).into_bytes();
        for (at, byte) in &edits {
            let i = at.index(bytes.len() + 1);
            bytes.insert(i, *byte);
        }
        let whole = ingest_bytes(&bytes, IngestOptions::default());
        if let Ok(done) = &whole {
            let s = &done.summary;
            prop_assert_eq!(s.rows_read, s.rows_scored + s.rows_rejected);
            prop_assert_eq!(s.rows_scored as usize, done.store.len());
        }
        let want = outcome(&whole);
        let chunked = outcome(&read_in_chunks(&bytes, chunk, IngestOptions::default()));
        let general = IngestOptions { general_reader_only: true, ..IngestOptions::default() };
        let general = outcome(&read_in_chunks(&bytes, 4096, general));
        prop_assert!(chunked == want, "chunks of {} read differently", chunk);
        prop_assert!(general == want, "the general reader reads differently");
    }

    /// A month split anywhere (between records) into two exports, each reduced to its partial
    /// aggregates and merged in either order, reports exactly as the whole month does.
    #[test]
    fn two_exports_merged_equal_the_whole(seed in 1u64..10_000, at in any::<prop::sample::Index>()) {
        let text = month(seed, 200);
        let (header, body) = text.split_once('\n').unwrap();
        let mut ends = vec![0];
        let mut rest = body;
        while let Some(end) = hotline_engine::read::records::find_record_end(rest.as_bytes(), true) {
            ends.push(ends.last().unwrap() + end.consumed);
            rest = &rest[end.consumed..];
        }
        let cut = ends[at.index(ends.len())];
        let (a, b) = (format!("{header}\n{}", &body[..cut]), format!("{header}\n{}", &body[cut..]));
        let part = |name: &str, t: &str| {
            let done = ingest_bytes(t.as_bytes(), IngestOptions::default()).unwrap();
            Partial::from_ingested(name, &done, None).unwrap()
        };
        let (pa, pb) = (part("a", &a), part("b", &b));
        let o = ReportOptions::default();
        let ab = Partial::merge(&[pa.clone(), pb.clone()]).unwrap().report(&o).unwrap();
        let ba = Partial::merge(&[pb, pa]).unwrap().report(&o).unwrap();
        let whole = report_of(text.as_bytes());
        prop_assert!(figures(&ab) == figures(&whole), "merged partials differ from the whole");
        prop_assert!(figures(&ba) == figures(&ab), "merge order changes the figures");
    }
}
