//! Two readers split anywhere in a file give exactly what one reader gives: the same tickets,
//! names (and their order), ticket numbers, rejects (lines and messages) and summary, whether
//! the first reader takes the second's tail in or reads it again.

mod messy;

use hotline_engine::read::encoding::DETECT_BYTES;
use hotline_engine::read::halves::{
    header_len, ingest_in_two, split_point, Outcome, Refused, TailReader, TailSource,
};
use hotline_engine::time::Month;
use hotline_engine::{ingest_bytes, Ingest, IngestOptions, Ingested, TextEncoding};
use hotline_sample::{generate_string, GenConfig};
use messy::{assert_same, messy_file_with, Rng};
use std::collections::BTreeMap;

/// A tail's wire form read piece by piece, as the page reads it from a JavaScript array.
struct Pieces<'a> {
    wire: &'a [u8],
    reads: usize,
}
impl TailSource for Pieces<'_> {
    fn len(&self) -> usize {
        self.wire.len()
    }
    fn read(&mut self, at: usize, out: &mut [u8]) -> Option<()> {
        self.reads += 1;
        out.copy_from_slice(self.wire.get(at..at + out.len())?);
        Some(())
    }
}

/// What the page's workers do: the tail read in random chunks, handed over as bytes, taken in.
fn two_workers(bytes: &[u8], at: usize, seed: u64) -> (Ingested, Outcome) {
    let mut rng = Rng(seed | 1);
    let mut feed = |target: &mut dyn FnMut(&[u8]), data: &[u8]| {
        let mut i = 0;
        while i < data.len() {
            let n = (1 + rng.below(5000)).min(data.len() - i);
            target(&data[i..i + n]);
            i += n;
        }
    };
    let header = header_len(bytes).unwrap();
    let at = at.max(header);
    let Some(split) = bytes.get(at..).and_then(|p| split_point(at, p)) else {
        return (ingest_bytes(bytes, IngestOptions::default()).unwrap(), Outcome::OneReader);
    };
    let mut tail = TailReader::new(IngestOptions::default(), &bytes[..header]).unwrap();
    feed(&mut |c| tail.push(c).unwrap(), &bytes[split..]);
    let tail = tail.finish().unwrap();
    let mut wire = Vec::new();
    tail.write(&mut |piece| wire.extend_from_slice(piece));
    assert_eq!(wire.len(), tail.wire_len());
    let mut first = Ingest::new(IngestOptions::default());
    feed(&mut |c| first.push(c).unwrap(), &bytes[..split]);
    let outcome = match first.absorb(&mut Pieces { wire: &wire, reads: 0 }) {
        Ok(()) => Outcome::Absorbed,
        Err(refused) => {
            feed(&mut |c| first.push(c).unwrap(), &bytes[split..]);
            Outcome::ReadAgain(refused)
        }
    };
    (first.finish().unwrap(), outcome)
}

#[test]
fn two_readers_equal_one_on_messy_files() {
    let mut outcomes: BTreeMap<String, u32> = BTreeMap::new();
    for seed in 1..=30u64 {
        // Odd seeds repeat ticket numbers (a tail with duplicates is read again), even ones do not.
        let text = messy_file_with(seed, seed % 2 == 1);
        let bytes = text.as_bytes();
        let one = ingest_bytes(bytes, IngestOptions::default()).unwrap();
        let mut rng = Rng(seed * 7 + 3);
        let mut points: Vec<usize> = vec![0, bytes.len() / 2, bytes.len().saturating_sub(3), bytes.len()];
        points.extend((0..10).map(|_| rng.below(bytes.len())));
        for (k, &at) in points.iter().enumerate() {
            let (two, outcome) = if k % 2 == 0 {
                ingest_in_two(bytes, IngestOptions::default(), at).unwrap()
            } else {
                two_workers(bytes, at, seed + k as u64)
            };
            assert_same(&two, &one, &format!("seed {seed}, split at {at} ({outcome:?})"));
            *outcomes.entry(format!("{outcome:?}")).or_default() += 1;
        }
        if seed % 4 == 0 {
            let gbk = hotline_engine::read::encoding::encode(TextEncoding::Gb18030, &text);
            let one = ingest_bytes(&gbk, IngestOptions::default()).unwrap();
            // Split past the prefix the encoding is decided on, and before it (read again).
            for at in [gbk.len() / 3, DETECT_BYTES + 1000, gbk.len() * 3 / 4] {
                let (two, outcome) = two_workers(&gbk, at, seed);
                assert_same(&two, &one, &format!("seed {seed} GBK, split at {at} ({outcome:?})"));
                *outcomes.entry(format!("GBK {outcome:?}")).or_default() += 1;
            }
        }
    }
    // Both ways really happen (a test of the test): taken in, and read again for each reason
    // messy files give.
    for key in [
        "Absorbed".to_string(),
        format!("{:?}", Outcome::ReadAgain(Refused::Duplicates)),
        format!("{:?}", Outcome::ReadAgain(Refused::NotARecordBoundary)),
        "GBK Absorbed".to_string(),
    ] {
        assert!(outcomes.get(&key).copied().unwrap_or(0) > 0, "{key} never happened: {outcomes:?}");
    }
}

#[test]
fn clean_exports_are_always_taken_in() {
    let text = generate_string(&GenConfig::new(Month::new(2021, 3), 3000, 11));
    let bytes = text.as_bytes();
    let one = ingest_bytes(bytes, IngestOptions::default()).unwrap();
    assert!(one.summary.rows_scored > 3000);
    let mut rng = Rng(99);
    for _ in 0..20 {
        // Past the prefix the encoding is decided on (before it, the tail is read again).
        let at = header_len(bytes).unwrap() + DETECT_BYTES + rng.below(bytes.len() / 2);
        let (two, outcome) = two_workers(bytes, at, at as u64);
        // The generator's quoted fields never hold a line feed, and its numbers are unique.
        assert_eq!(outcome, Outcome::Absorbed, "split at {at}");
        assert_same(&two, &one, &format!("split at {at}"));
    }
}

#[test]
fn a_file_without_a_split_point_is_read_once() {
    let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限\n\
               A1,2021-02-01 08:00,微信,咨询,直接答复,,,";
    let (two, outcome) = ingest_in_two(csv.as_bytes(), IngestOptions::default(), 60).unwrap();
    assert_eq!(outcome, Outcome::OneReader);
    assert_eq!(two.summary.rows_scored, 1);
}
