//! One CSV cell as the product writes it, and as it reads it back.
//!
//! A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (and, in some, a tab or a
//! carriage return) as a formula: a unit name like `=1+1` or `+cmd|' /C calc'!A0` in an export
//! would compute or worse when the file is opened. [`field`] writes such text with a leading `'`,
//! the mark spreadsheets themselves use for "text"; numbers the product writes (`-0.50`, `+4.65`,
//! `96.16%`) stay as they are. [`unmark`] is the reading side: the ingest takes `'` before one of
//! those characters as that mark, so an exported list read again gives the same names.
//!
//! ```
//! use hotline_engine::csv_cell::{field, unmark};
//! assert_eq!(field("=1+1"), "'=1+1");
//! assert_eq!(field("-0.50"), "-0.50");
//! assert_eq!(field("海州区, 东"), "\"海州区, 东\"");
//! assert_eq!(unmark("'=1+1"), "=1+1");
//! assert_eq!(unmark("'海州区"), "'海州区");
//! ```

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell text for `s`: guarded against formula injection, then quoted when it needs it
/// (RFC 4180: a comma, quote or line break inside).
pub fn field(s: &str) -> Cow<'_, str> {
    let guarded: Cow<'_, str> = if needs_guard(s) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) };
    if guarded.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", guarded.replace('"', "\"\"")))
    } else {
        guarded
    }
}

/// Whether text would be read as a formula: it starts with one of [`FORMULA_STARTS`] and is not a
/// plain number (an optional sign, digits, an optional fraction, an optional `%`).
pub fn needs_guard(s: &str) -> bool {
    s.starts_with(FORMULA_STARTS) && !is_plain_number(s)
}

fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let body = body.strip_suffix('%').unwrap_or(body);
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(body.contains('.') && frac.is_empty())
}

/// Text as read from a cell the product (or a spreadsheet) marked as text: a `'` before one of
/// the formula characters is dropped; any other text is returned as it is.
pub fn unmark(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_marked_numbers_and_text_are_not() {
        for (text, cell) in [
            ("=1+1", "'=1+1"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("@SUM(1)", "'@SUM(1)"),
            ("-", "'-"),
            ("-x", "'-x"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("=HYPERLINK(\"a\",\"b\")", "\"'=HYPERLINK(\"\"a\"\",\"\"b\"\")\""),
            ("-0.50", "-0.50"),
            ("+4.65", "+4.65"),
            ("-4.65%", "-4.65%"),
            ("12", "12"),
            ("-1.", "'-1."),
            ("海州区", "海州区"),
            ("", ""),
            ("a,b", "\"a,b\""),
        ] {
            assert_eq!(field(text), cell, "{text:?}");
        }
    }

    #[test]
    fn unmark_reverses_the_guard_only() {
        for s in ["=1+1", "+cmd", "@x", "-x", "\tx", "'plain", "'", "", "海州区"] {
            let written = if needs_guard(s) { format!("'{s}") } else { s.to_string() };
            assert_eq!(unmark(&written), s, "{s:?}");
        }
        assert_eq!(unmark("'-0.50"), "-0.50");
    }
}
