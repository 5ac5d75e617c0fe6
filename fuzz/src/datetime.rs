//! The datetime reader, differential: the standard forms read by the engine's hand-written
//! parser (a fast path for the padded forms, then the general one) against a plain reading of
//! the forms as docs/ticket-format.md states them, with calendar validity from chrono. A custom
//! `strftime` pattern (the bytes before the first line feed; the field after it) never panics,
//! and whatever it reads is a time in range that the standard reader reads back unchanged.

use chrono::NaiveDate;
use hotline_engine::read::datetime::{parse_standard, DateFormat};
use hotline_engine::Stamp;

type Civil = (i32, u32, u32, u32, u32, u32);

pub fn check(data: &[u8]) {
    let got = parse_standard(data).map(Stamp::to_civil);
    assert_eq!(got, reference(data), "the standard forms of {:?}", String::from_utf8_lossy(data));
    if let Some(stamp) = parse_standard(data) {
        assert_eq!(parse_standard(stamp.to_string().as_bytes()), Some(stamp), "printed and read back");
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (pattern, field) = text.split_once('\n').unwrap_or((text, text));
    if let Some(stamp) = DateFormat::Custom(pattern.to_string()).parse(field) {
        let (y, ..) = stamp.to_civil();
        assert!((Stamp::MIN_YEAR..=Stamp::MAX_YEAR).contains(&y), "year {y} out of range");
        assert_eq!(parse_standard(stamp.to_string().as_bytes()), Some(stamp), "custom, read back");
    }
}

/// `YYYY-MM-DD[ HH:MM[:SS]]`, or with `/`: one- or two-digit month, day, hour and minute,
/// two-digit seconds, one separator throughout the date; years 2000–2135.
fn reference(data: &[u8]) -> Option<Civil> {
    let text = std::str::from_utf8(data).ok()?;
    let (date, time) = match text.split_once(' ') {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let sep = if date.contains('-') { '-' } else { '/' };
    let [y, m, d] = <[&str; 3]>::try_from(date.split(sep).collect::<Vec<_>>()).ok()?;
    let (y, m, d) = (number(y, 4, 4)?, number(m, 1, 2)?, number(d, 1, 2)?);
    let (hh, mm, ss) = match time {
        None => (0, 0, 0),
        Some(t) => match t.split(':').collect::<Vec<_>>()[..] {
            [h, mi] => (number(h, 1, 2)?, number(mi, 1, 2)?, 0),
            [h, mi, s] => (number(h, 1, 2)?, number(mi, 1, 2)?, number(s, 2, 2)?),
            _ => return None,
        },
    };
    let year = i32::try_from(y).ok()?;
    let valid = (Stamp::MIN_YEAR..=Stamp::MAX_YEAR).contains(&year)
        && NaiveDate::from_ymd_opt(year, m, d).is_some()
        && hh < 24
        && mm < 60
        && ss < 60;
    valid.then_some((year, m, d, hh, mm, ss))
}

fn number(s: &str, min: usize, max: usize) -> Option<u32> {
    let digits = (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| s.parse().ok()).flatten()
}
