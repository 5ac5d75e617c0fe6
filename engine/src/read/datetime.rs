//! Datetime fields: the forms the canonical format accepts, and an export's own format.
//!
//! Accepted without configuration (one-digit month, day, hour and minute allowed, as Excel writes
//! `2021/2/5 9:03`; seconds, when present, have two digits; the date separators must match):
//!
//! | form | example |
//! |---|---|
//! | `YYYY-MM-DD HH:MM:SS` | `2021-02-05 09:03:00` |
//! | `YYYY-MM-DD HH:MM` | `2021-02-05 09:03` |
//! | `YYYY-MM-DD` (= 00:00:00) | `2021-02-05` |
//! | the same three with `/` | `2021/2/5 9:03` |
//!
//! Anything else (Excel serial numbers, `2021.02.05`, `05/02/2021`, a `T` separator) is a bad
//! datetime: nothing is guessed. An export with a form of its own declares it in its
//! [`crate::Mapping`] as a chrono `strftime` pattern.

use crate::time::Stamp;

/// The accepted forms, as listed in every bad-datetime message.
pub const ACCEPTED_FORMS: &str =
    "YYYY-MM-DD HH:MM:SS、YYYY-MM-DD HH:MM、YYYY-MM-DD（也可用 / 分隔，月日时分可为一位数；\
     年份 2000–2135）";

// The years the message states are the ones a `Stamp` holds.
const _: () = assert!(Stamp::MIN_YEAR == 2000 && Stamp::MAX_YEAR == 2135);

/// How datetime fields are read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum DateFormat {
    /// The accepted forms above.
    #[default]
    Standard,
    /// A chrono `strftime` pattern, e.g. `%Y年%m月%d日 %H时%M分`. Date-only patterns mean 00:00:00.
    Custom(String),
}

impl DateFormat {
    /// Parses a trimmed, non-empty field. `None` means a bad datetime.
    pub fn parse(&self, field: &str) -> Option<Stamp> {
        match self {
            DateFormat::Standard => parse_standard(field.as_bytes()),
            DateFormat::Custom(pattern) => parse_custom(field, pattern),
        }
    }

    /// Describes the expected form in a reject message.
    pub fn describe(&self) -> String {
        match self {
            DateFormat::Standard => ACCEPTED_FORMS.to_string(),
            DateFormat::Custom(p) => format!("自定义格式 {p}"),
        }
    }
}

/// Reads 1 or 2 (or exactly `n`) ASCII digits starting at `*i`.
fn digits(b: &[u8], i: &mut usize, min: usize, max: usize) -> Option<u32> {
    let start = *i;
    let mut v = 0u32;
    while *i - start < max {
        let Some(&c) = b.get(*i).filter(|c| c.is_ascii_digit()) else {
            break;
        };
        v = v * 10 + u32::from(c - b'0');
        *i += 1;
    }
    (*i - start >= min).then_some(v)
}

/// The zero-padded forms (`YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DD`, with `-` or
/// `/`) that nearly every export writes, read by position. `None` = not one of these shapes (the
/// general reader decides); `Some(None)` = the shape, but not a real time. The first sixteen
/// bytes are read as two words and each word's digits checked at once: a byte is a digit when it
/// xor `'0'` is at most 9, which adding 0x76 tells by its top bit (a carry out of a byte only
/// comes from a byte that is not a digit, whose own top bit is set already).
#[expect(
    clippy::indexing_slicing,
    clippy::expect_used,
    reason = "the length is checked first to be 10, 16 or 19: bytes 0..8, 4, 7, 8 and 9 exist in every shape, word 8..16 and bytes 10 and 13 are read only when it is not 10, bytes 16 to 18 only when it is 19"
)]
fn parse_padded(b: &[u8]) -> Option<Option<Stamp>> {
    let n = b.len();
    if n != 19 && n != 16 && n != 10 {
        return None;
    }
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let word = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes")) ^ ZEROS;
    let not_digits = |x: u64, mask: u64| (x.wrapping_add(0x7676_7676_7676_7676) | x) & mask != 0;
    let at = |x: u64, i: u32| ((x >> (8 * i)) & 0xff) as u32;
    let two = |x: u64, i: u32| at(x, i) * 10 + at(x, i + 1);
    let digit = |c: u8| c.is_ascii_digit().then(|| u32::from(c - b'0'));
    // "YYYY-MM-": the top bits of bytes 0–3, 5 and 6.
    let x0 = word(0);
    let sep = b[4];
    if not_digits(x0, 0x0080_8000_8080_8080) || (sep != b'-' && sep != b'/') || b[7] != sep {
        return None;
    }
    let y = (two(x0, 0) * 100 + two(x0, 2)) as i32;
    let (d, hh, mi, ss) = if n == 10 {
        (digit(b[8])? * 10 + digit(b[9])?, 0, 0, 0)
    } else {
        // "DD HH:MM": bytes 0, 1, 3, 4, 6 and 7.
        let x1 = word(8);
        if not_digits(x1, 0x8080_0080_8000_8080) || b[10] != b' ' || b[13] != b':' {
            return None;
        }
        let ss = match n {
            19 if b[16] == b':' => digit(b[17])? * 10 + digit(b[18])?,
            19 => return None,
            _ => 0,
        };
        (two(x1, 0), two(x1, 3), two(x1, 6), ss)
    };
    Some(Stamp::from_civil(y, two(x0, 5), d, hh, mi, ss))
}

/// The hot path: parses the standard forms without allocating.
pub fn parse_standard(b: &[u8]) -> Option<Stamp> {
    match parse_padded(b) {
        Some(parsed) => parsed,
        None => parse_general(b),
    }
}

/// Every accepted form, one- or two-digit fields.
fn parse_general(b: &[u8]) -> Option<Stamp> {
    let mut i = 0;
    let y = digits(b, &mut i, 4, 4)?;
    let sep = *b.get(i)?;
    if sep != b'-' && sep != b'/' {
        return None;
    }
    i += 1;
    let mo = digits(b, &mut i, 1, 2)?;
    if b.get(i) != Some(&sep) {
        return None;
    }
    i += 1;
    let d = digits(b, &mut i, 1, 2)?;
    let (mut hh, mut mi, mut ss) = (0, 0, 0);
    if let Some(&c) = b.get(i) {
        if c != b' ' {
            return None;
        }
        i += 1;
        hh = digits(b, &mut i, 1, 2)?;
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        mi = digits(b, &mut i, 1, 2)?;
        if let Some(&c) = b.get(i) {
            if c != b':' {
                return None;
            }
            i += 1;
            ss = digits(b, &mut i, 2, 2)?;
        }
        if i != b.len() {
            return None;
        }
    }
    Stamp::from_civil(y as i32, mo, d, hh, mi, ss)
}

fn parse_custom(field: &str, pattern: &str) -> Option<Stamp> {
    use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
    if let Ok(t) = NaiveDateTime::parse_from_str(field, pattern) {
        return Stamp::from_civil(t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second());
    }
    let d = NaiveDate::parse_from_str(field, pattern).ok()?;
    Stamp::from_civil(d.year(), d.month(), d.day(), 0, 0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: Option<&str>) {
        let got = DateFormat::Standard.parse(input).map(|s| s.to_string());
        assert_eq!(got.as_deref(), expect, "input {input:?}");
    }

    #[test]
    fn every_accepted_form() {
        check("2021-02-05 09:03:07", Some("2021-02-05 09:03:07"));
        check("2021-02-05 09:03", Some("2021-02-05 09:03:00"));
        check("2021-02-05", Some("2021-02-05 00:00:00"));
        check("2021/02/05 09:03:07", Some("2021-02-05 09:03:07"));
        check("2021/02/05 09:03", Some("2021-02-05 09:03:00"));
        check("2021/02/05", Some("2021-02-05 00:00:00"));
        check("2021/2/5 9:03", Some("2021-02-05 09:03:00"));
        check("2021-2-5 9:3:05", Some("2021-02-05 09:03:05"));
    }

    #[test]
    fn everything_else_is_refused() {
        for bad in [
            "44231.5",
            "2021.02.05",
            "05/02/2021",
            "2021-02-05T09:03:00",
            "2021-02/05",
            "2021-02-30",
            "2021-02-05 24:00",
            "2021-02-05 09:03:7",
            "2021-02-05  09:03",
            "21-02-05",
            "2021-002-05",
            "2021-02-05 09",
            "2021年2月5日",
        ] {
            check(bad, None);
        }
    }

    #[test]
    fn padded_shortcut_agrees_with_the_general_reader() {
        // Every shape the shortcut takes, with valid, invalid and edge values.
        for y in ["2000", "2021", "2135", "2136", "1999"] {
            for mo in ["01", "02", "12", "13", "00"] {
                for d in ["01", "28", "29", "30", "31", "00"] {
                    for t in ["", " 00:00", " 23:59", " 24:00", " 09:03:07", " 23:59:60", " 9:03:07x"] {
                        for sep in ['-', '/'] {
                            let s = format!("{y}{sep}{mo}{sep}{d}{t}");
                            if let Some(fast) = parse_padded(s.as_bytes()) {
                                assert_eq!(fast, parse_general(s.as_bytes()), "{s}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_padded_reader_agrees_with_the_general_reader_byte_by_byte() {
        // Every position of each padded form set to every byte: whatever the word-at-a-time
        // reader answers, the general reader answers too (what it does not take, the general
        // reader reads or refuses).
        for base in ["2024-02-29 23:59:58", "2024/02/29 23:59", "2024-02-29"] {
            let base = base.as_bytes();
            for i in 0..base.len() {
                for v in 0..=255u8 {
                    let mut s = base.to_vec();
                    s[i] = v;
                    if let Some(fast) = parse_padded(&s) {
                        assert_eq!(fast, parse_general(&s), "{s:?}");
                    }
                }
            }
            assert!(parse_padded(base).flatten().is_some(), "{base:?} reads");
        }
        assert_eq!(parse_padded(b"2023-02-29 23:59:58"), Some(None), "not a real day");
    }

    #[test]
    fn custom_formats() {
        let f = DateFormat::Custom("%Y年%m月%d日 %H时%M分".into());
        assert_eq!(f.parse("2021年02月05日 09时03分").unwrap().to_string(), "2021-02-05 09:03:00");
        let f = DateFormat::Custom("%d.%m.%Y".into());
        assert_eq!(f.parse("05.02.2021").unwrap().to_string(), "2021-02-05 00:00:00");
        assert!(f.parse("2021-02-05").is_none());
    }
}
