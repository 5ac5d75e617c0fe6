//! Splitting raw bytes into CSV records and fields (RFC 4180), before any decoding.
//!
//! Works on raw bytes in either encoding: `,`, `"`, CR and LF never occur inside a UTF-8 or
//! GB18030 multi-byte character, so records and fields can be found first and only the text
//! fields decoded afterwards. A record ends at a line feed outside quotes: since quotes inside a
//! quoted field are doubled, "outside quotes" is "an even number of `"` since the record began".

use memchr::{memchr, memchr_iter};

/// The most bytes a record may take, line ends included (DuckDB's `max_line_size` is 2 MB; a
/// canonical row is about 200 bytes). A record not complete within them is defective
/// ([`Defect`]), so a stray quote or a line of a million commas costs that record alone, and
/// no carry buffer ever holds more than this.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// The most physical lines a record may span: a quoted field with line breaks (an export's
/// free-text column) rarely holds more than a few; one still open after this many is taken to
/// be a stray quote.
pub const MAX_RECORD_LINES: u32 = 100;

/// How long a record's text is kept in its reject when the record itself is too long.
pub const KEPT_PREFIX_BYTES: usize = 200;

/// Why a record could not be read as it stands. Decided on the record's own bytes (its start,
/// its first line end, its first [`MAX_RECORD_BYTES`] bytes), so any split of the input into
/// chunks gives the same decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Defect {
    /// A quoted field opened on the record's first line is still open at the end of the file,
    /// after [`MAX_RECORD_LINES`] lines, or after [`MAX_RECORD_BYTES`] bytes. The record is closed
    /// at the end of its first line (which is all the record then is); reading goes on with the
    /// next line.
    UnclosedQuote(OpenUntil),
    /// The record's first line alone is longer than [`MAX_RECORD_BYTES`]: it is skipped to its
    /// line end, only its first [`KEPT_PREFIX_BYTES`] bytes kept for the reject.
    TooLong,
}

/// How far a quote stayed open ([`Defect::UnclosedQuote`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenUntil {
    /// To the end of the file.
    EndOfFile,
    /// Past [`MAX_RECORD_LINES`] lines.
    LineLimit,
    /// Past [`MAX_RECORD_BYTES`] bytes.
    ByteLimit,
}

/// Where the next record ends in `buf`, which starts at a record boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordEnd {
    /// Length of the record's content (without the line terminator).
    pub content: usize,
    /// Bytes to consume (content plus terminator).
    pub consumed: usize,
    /// Physical lines the record spans, counting its terminator (1 for an ordinary row).
    pub lines: u32,
    /// The record contains a quote and needs the full field parser.
    pub quoted: bool,
    /// The record cannot be read as it stands: `content` is then its first line (for
    /// [`Defect::TooLong`], the bytes of it at hand, of which the reject keeps a prefix).
    pub defect: Option<Defect>,
    /// For [`Defect::TooLong`]: the first line's end is not in `buf` yet, so the reader skips
    /// input up to the next line feed.
    pub skip_rest_of_line: bool,
}

impl RecordEnd {
    /// The record made of the first line of `buf`, which ends at `lf` (`None`: at the end of
    /// `buf`, the end of the input).
    fn first_line(buf: &[u8], lf: Option<usize>, defect: Defect) -> RecordEnd {
        let (mut content, consumed) = match lf {
            Some(p) => (p, p + 1),
            None => (buf.len(), buf.len()),
        };
        if content > 0 && buf.get(content - 1) == Some(&b'\r') {
            content -= 1;
        }
        RecordEnd {
            content,
            consumed,
            lines: 1,
            quoted: true,
            defect: Some(defect),
            skip_rest_of_line: false,
        }
    }
}

thread_local! {
    static SCANNED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Bytes [`find_record_end`] has looked at on this thread so far: the work counter the tests
/// bound (bytes scanned ≤ k × input), never a timing.
pub fn bytes_scanned() -> u64 {
    SCANNED.with(std::cell::Cell::get)
}

fn count_scanned(n: usize) {
    SCANNED.with(|c| c.set(c.get() + n as u64));
}

/// Finds the end of the record at the start of `buf`. With `eof == false`, a record without its
/// line feed yet is incomplete (`None`); at end of input the rest of the buffer is the record.
/// A record not complete within [`MAX_RECORD_BYTES`] bytes or [`MAX_RECORD_LINES`] lines, or
/// whose quote is still open at the end of input, comes back with its [`Defect`]. Each byte is
/// looked at once: after an unclosed quote, every line up to where the scan stopped has an
/// even number of quotes, so each of those lines is a record that ends at its own line feed.
pub fn find_record_end(buf: &[u8], eof: bool) -> Option<RecordEnd> {
    let mut scanned = 0;
    let found = record_end(buf, eof, &mut scanned);
    count_scanned(scanned);
    found
}

/// [`find_record_end`], setting `scanned` to the bytes it looked at.
fn record_end(buf: &[u8], eof: bool, scanned: &mut usize) -> Option<RecordEnd> {
    let mut pos = 0;
    let mut quotes = 0usize;
    let mut lines = 0u32;
    let mut first_lf = None;
    let unclosed = |first_lf, why| Some(RecordEnd::first_line(buf, first_lf, Defect::UnclosedQuote(why)));
    loop {
        let rest = buf.get(pos..).unwrap_or_default();
        match memchr(b'\n', rest) {
            Some(off) => {
                let end = pos + off + 1;
                *scanned = end;
                if end > MAX_RECORD_BYTES {
                    return match first_lf {
                        None => Some(RecordEnd::first_line(buf, Some(pos + off), Defect::TooLong)),
                        Some(_) => unclosed(first_lf, OpenUntil::ByteLimit),
                    };
                }
                quotes += memchr_iter(b'"', rest.get(..off).unwrap_or_default()).count();
                lines += 1;
                first_lf = first_lf.or(Some(pos + off));
                pos = end;
                if quotes.is_multiple_of(2) {
                    let mut content = pos - 1;
                    if content > 0 && buf.get(content - 1) == Some(&b'\r') {
                        content -= 1;
                    }
                    return Some(RecordEnd {
                        content,
                        consumed: pos,
                        lines,
                        quoted: quotes > 0,
                        defect: None,
                        skip_rest_of_line: false,
                    });
                }
                if lines >= MAX_RECORD_LINES {
                    return unclosed(first_lf, OpenUntil::LineLimit);
                }
            }
            None => {
                *scanned = buf.len();
                if buf.len() > MAX_RECORD_BYTES {
                    // The record's end lies beyond its first MAX_RECORD_BYTES bytes, wherever
                    // it is: decided now, without holding more.
                    return match first_lf {
                        None => Some(RecordEnd {
                            content: buf.len(),
                            consumed: buf.len(),
                            lines: 1,
                            quoted: quotes > 0,
                            defect: Some(Defect::TooLong),
                            skip_rest_of_line: !eof,
                        }),
                        Some(_) => unclosed(first_lf, OpenUntil::ByteLimit),
                    };
                }
                if !eof || buf.is_empty() {
                    return None;
                }
                quotes += memchr_iter(b'"', rest).count();
                if !quotes.is_multiple_of(2) {
                    return unclosed(first_lf, OpenUntil::EndOfFile);
                }
                let mut content = buf.len();
                if content > 0 && buf.get(content - 1) == Some(&b'\r') {
                    content -= 1;
                }
                return Some(RecordEnd {
                    content,
                    consumed: buf.len(),
                    lines: lines + 1,
                    quoted: quotes > 0,
                    defect: None,
                    skip_rest_of_line: false,
                });
            }
        }
    }
}

/// What [`scan_plain`] found at the start of a buffer.
pub enum Scan {
    /// A record without quotes ends with the line feed at this offset.
    Record(usize),
    /// The record has a quote (or no line feed yet): the general path reads it.
    Other,
}

/// Two masks of a sixteen-byte block: bit `k` of the first set when byte `k` is `,`, of the
/// second when it is LF or `"` (where the plain record ends, or turns out not to be plain). A
/// few vector instructions: SSE2 is in every x86-64; wasm's SIMD is in every browser since 2021
/// and the page is built with it, see `.cargo/config.toml`.
#[cfg(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn specials16(block: &[u8; 16]) -> (u32, u32) {
    #[cfg(target_arch = "x86_64")]
    #[allow(unused_unsafe)]
    // SAFETY: SSE2 is part of the x86-64 baseline; the load reads exactly the 16 bytes of `block`.
    unsafe {
        use std::arch::x86_64::*;
        let v = _mm_loadu_si128(block.as_ptr().cast());
        let commas = _mm_cmpeq_epi8(v, _mm_set1_epi8(b',' as i8));
        let stops = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8)),
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8)),
        );
        (_mm_movemask_epi8(commas) as u32, _mm_movemask_epi8(stops) as u32)
    }
    #[cfg(target_arch = "wasm32")]
    {
        use std::arch::wasm32::*;
        // SAFETY: the load reads exactly the 16 bytes of `block` (unaligned loads are allowed).
        let v = unsafe { v128_load(block.as_ptr().cast()) };
        let commas = i8x16_eq(v, i8x16_splat(b',' as i8));
        let stops = v128_or(i8x16_eq(v, i8x16_splat(b'\n' as i8)), i8x16_eq(v, i8x16_splat(b'"' as i8)));
        (u32::from(i8x16_bitmask(commas)), u32::from(i8x16_bitmask(stops)))
    }
}

/// Finds the end of the record at the start of `buf` and its comma offsets, in one pass, if it
/// has no quote: sixteen bytes at a time with SIMD where the target has it, else eight bytes at
/// a time in a 64-bit word. The commas of a block are taken from its mask, bit by bit, without
/// looking at the bytes again.
pub fn scan_plain(buf: &[u8], commas: &mut Vec<u32>) -> Scan {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // 0x80 in exactly the bytes of `w` equal to `b`.
    let eq = |w: u64, b: u8| {
        let x = w ^ (ONES * u64::from(b));
        !(((x & LOW7) + LOW7) | x | LOW7)
    };
    commas.clear();
    // The commas of a block at `at` before its first stop (if any), then what the stop is.
    // `bits` holds one bit per byte; `shift` turns a bit's position into a byte offset.
    let block = |at: usize, mut comma_bits: u64, stop_bits: u64, shift: u32, commas: &mut Vec<u32>| {
        if stop_bits != 0 {
            comma_bits &= (1u64 << stop_bits.trailing_zeros()) - 1;
        }
        while comma_bits != 0 {
            commas.push((at + (comma_bits.trailing_zeros() >> shift) as usize) as u32);
            comma_bits &= comma_bits - 1;
        }
        (stop_bits != 0).then(|| {
            let j = at + (stop_bits.trailing_zeros() >> shift) as usize;
            if buf.get(j) == Some(&b'\n') {
                Scan::Record(j)
            } else {
                Scan::Other
            }
        })
    };
    let mut i = 0;
    #[cfg(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")))]
    for sixteen in buf.as_chunks::<16>().0 {
        let (c, s) = specials16(sixteen);
        if let Some(found) = block(i, u64::from(c), u64::from(s), 0, commas) {
            return found;
        }
        i += 16;
    }
    // `i` is a multiple of 16 at most `buf.len()`.
    for eight in buf.get(i..).unwrap_or_default().as_chunks::<8>().0 {
        let w = u64::from_le_bytes(*eight);
        // One bit per byte: its top bit, at position 8k + 7.
        let (c, s) = (eq(w, b','), eq(w, b'\n') | eq(w, b'"'));
        if let Some(found) = block(i, c, s, 3, commas) {
            return found;
        }
        i += 8;
    }
    for (j, b) in buf.iter().enumerate().skip(i) {
        match b {
            b',' => commas.push(j as u32),
            b'\n' => return Scan::Record(j),
            b'"' => return Scan::Other,
            _ => {}
        }
    }
    Scan::Other
}

/// The fields of one record, as byte ranges into either the record or a scratch buffer.
#[derive(Default, Debug)]
pub struct Fields {
    ranges: Vec<(u32, u32)>,
    scratch: Vec<u8>,
    unescaped: bool,
}

impl Fields {
    /// Splits `rec` (content only). `quoted` comes from [`find_record_end`].
    pub fn split(&mut self, rec: &[u8], quoted: bool) {
        self.ranges.clear();
        self.unescaped = quoted;
        if !quoted {
            let mut start = 0usize;
            for comma in memchr_iter(b',', rec) {
                self.ranges.push((start as u32, comma as u32));
                start = comma + 1;
            }
            self.ranges.push((start as u32, rec.len() as u32));
            return;
        }
        // Full parser: unescape every field into `scratch`. Lenient like most readers: a quote
        // inside an unquoted field is literal, and text after a closing quote is kept.
        self.scratch.clear();
        let mut i = 0;
        let n = rec.len();
        loop {
            let start = self.scratch.len() as u32;
            if rec.get(i) == Some(&b'"') {
                i += 1;
                while let Some(&b) = rec.get(i) {
                    if b == b'"' {
                        if rec.get(i + 1) == Some(&b'"') {
                            self.scratch.push(b'"');
                            i += 2;
                        } else {
                            i += 1;
                            break;
                        }
                    } else {
                        self.scratch.push(b);
                        i += 1;
                    }
                }
            }
            while let Some(&b) = rec.get(i).filter(|&&b| b != b',') {
                self.scratch.push(b);
                i += 1;
            }
            self.ranges.push((start, self.scratch.len() as u32));
            if i >= n {
                break;
            }
            i += 1; // the comma
        }
    }

    /// Fields in the last record split: one more than its separating commas, so never 0 after a split.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }
    /// Whether no record has been split yet (a split always yields at least one field).
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Field `i`, untrimmed (empty past the last field).
    pub fn get<'a>(&'a self, rec: &'a [u8], i: usize) -> &'a [u8] {
        let Some(&(s, e)) = self.ranges.get(i) else {
            return &[];
        };
        let src = if self.unescaped { &self.scratch[..] } else { rec };
        src.get(s as usize..e as usize).unwrap_or_default()
    }
}

/// Trims ASCII spaces and tabs (and nothing else: no guessing about the content).
pub fn trim(b: &[u8]) -> &[u8] {
    let blank = |c: &u8| *c == b' ' || *c == b'\t';
    // Nearly every field has nothing to trim: two byte tests decide.
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if !blank(f) && !blank(l) => return b,
        _ => {}
    }
    let start = b.iter().position(|c| *c != b' ' && *c != b'\t').unwrap_or(b.len());
    let end = b.iter().rposition(|c| *c != b' ' && *c != b'\t').map_or(start, |p| p + 1);
    b.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(input: &str) -> Vec<(Vec<String>, u32)> {
        let mut buf = input.as_bytes();
        let mut out = Vec::new();
        let mut f = Fields::default();
        while let Some(end) = find_record_end(buf, true) {
            let rec = &buf[..end.content];
            f.split(rec, end.quoted);
            let fields = (0..f.len()).map(|i| String::from_utf8(f.get(rec, i).to_vec()).unwrap()).collect();
            out.push((fields, end.lines));
            buf = &buf[end.consumed..];
        }
        out
    }

    #[test]
    fn plain_and_quoted_fields() {
        let r = records("a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,,");
        assert_eq!(r[0], (vec!["a".into(), "b".into(), "c".into()], 1));
        assert_eq!(r[1], (vec!["x,1".into(), "say \"hi\"".into(), "two\nlines".into()], 2));
        assert_eq!(r[2], (vec!["last".into(), "".into(), "".into()], 1));
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn incomplete_record_waits_for_more_input() {
        assert_eq!(find_record_end(b"a,b", false), None);
        assert_eq!(find_record_end(b"\"a\nb", false), None);
        assert!(find_record_end(b"a,b\n", false).is_some());
        assert_eq!(find_record_end(b"", true), None);
    }

    #[test]
    fn trim_only_ascii_blanks() {
        assert_eq!(trim(b"  x y\t"), b"x y");
        assert_eq!(trim(b"   "), b"");
    }
}

/// How a file ends its lines, decided by its first line end (a quoted field's own line breaks
/// come after the header, so the header row decides).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnds {
    /// LF or CRLF: read as they are.
    Lf,
    /// CR alone (old Mac tools): every CR is read as a line feed.
    CrOnly,
}

impl LineEnds {
    /// The line ends of a file starting with `head`, or `None` while `head` holds no line end yet
    /// (or ends with a CR whose next byte decides). `eof`: `head` is the whole file.
    pub fn of(head: &[u8], eof: bool) -> Option<LineEnds> {
        let at = memchr::memchr2(b'\r', b'\n', head)?;
        let (&end, rest) = head.get(at..)?.split_first()?;
        match (end, rest.first()) {
            (b'\n', _) | (_, Some(b'\n')) => Some(LineEnds::Lf),
            (_, Some(_)) => Some(LineEnds::CrOnly),
            (_, None) if eof => Some(LineEnds::CrOnly),
            (_, None) => None,
        }
    }

    /// Rewrites CRs as line feeds in place (for [`LineEnds::CrOnly`]): safe in GB18030 as in
    /// UTF-8, since a CR never occurs inside a multi-byte character.
    pub fn normalise(bytes: &mut [u8]) {
        for b in bytes.iter_mut().filter(|b| **b == b'\r') {
            *b = b'\n';
        }
    }
}
