//! Text encoding of an export: UTF-8 (with or without BOM) or GB18030 (a superset of GBK).
//!
//! Detection looks at the first bytes that are not ASCII: if the chunk they are in is valid UTF-8
//! (a multi-byte character cut at the chunk's end is allowed), the file is UTF-8; otherwise it is
//! GB18030. Real Chinese text in GBK is almost never valid UTF-8, and a UTF-8 file never fails to
//! be. Until a non-ASCII byte is seen the choice does not matter, so it is deferred.

use encoding_rs::GB18030;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The text encoding an export was read in, detected from its bytes (module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextEncoding {
    /// UTF-8, with or without a BOM.
    #[serde(rename = "UTF-8")]
    Utf8,
    /// GB18030, a superset of GBK: every export that is not valid UTF-8.
    #[serde(rename = "GB18030")]
    Gb18030,
}

impl TextEncoding {
    /// The encoding's usual name (`UTF-8`, `GB18030`), as in the JSON and the summary's 编码.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gb18030 => "GB18030",
        }
    }
}

/// Strips a UTF-8 BOM; reports a UTF-16 BOM as unsupported.
pub fn strip_bom(head: &[u8]) -> Result<(usize, Option<TextEncoding>), &'static str> {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        Ok((3, Some(TextEncoding::Utf8)))
    } else if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        Err("文件是 UTF-16 编码，请另存为 UTF-8 或 GBK 的 CSV")
    } else {
        Ok((0, None))
    }
}

/// Decides the encoding from a chunk that contains non-ASCII bytes.
pub fn detect(chunk: &[u8], is_last: bool) -> Option<TextEncoding> {
    let first = chunk.iter().position(|b| *b >= 0x80)?;
    match std::str::from_utf8(&chunk[first..]) {
        Ok(_) => Some(TextEncoding::Utf8),
        // A character cut by the chunk boundary is not evidence against UTF-8.
        Err(e) if e.error_len().is_none() && !is_last => Some(TextEncoding::Utf8),
        Err(_) => Some(TextEncoding::Gb18030),
    }
}

/// Decodes one (trimmed) field. `lossy` is set when bytes could not be decoded and were replaced.
pub fn decode<'a>(enc: TextEncoding, b: &'a [u8], lossy: &mut bool) -> Cow<'a, str> {
    if b.is_ascii() {
        // Safe shortcut: ASCII is the same in both encodings.
        return Cow::Borrowed(std::str::from_utf8(b).unwrap_or_default());
    }
    match enc {
        TextEncoding::Utf8 => match std::str::from_utf8(b) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => {
                *lossy = true;
                String::from_utf8_lossy(b)
            }
        },
        TextEncoding::Gb18030 => {
            let (s, had_errors) = GB18030.decode_without_bom_handling(b);
            *lossy |= had_errors;
            s
        }
    }
}

/// Encodes text the way a file in `enc` spells it (for comparing raw fields with known values).
pub fn encode(enc: TextEncoding, s: &str) -> Vec<u8> {
    match enc {
        TextEncoding::Utf8 => s.as_bytes().to_vec(),
        TextEncoding::Gb18030 => GB18030.encode(s).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_both_encodings() {
        let text = "工单编号,受理时间\n";
        assert_eq!(detect(text.as_bytes(), true), Some(TextEncoding::Utf8));
        let gbk = encode(TextEncoding::Gb18030, text);
        assert_eq!(detect(&gbk, true), Some(TextEncoding::Gb18030));
        assert_eq!(detect(b"id,received_at\n", true), None);
        // A UTF-8 character cut at the end of a chunk.
        let cut = &text.as_bytes()[..4];
        assert_eq!(detect(cut, false), Some(TextEncoding::Utf8));
    }

    #[test]
    fn decodes_gbk_fields() {
        let gbk = encode(TextEncoding::Gb18030, "海州区");
        let mut lossy = false;
        assert_eq!(decode(TextEncoding::Gb18030, &gbk, &mut lossy), "海州区");
        assert!(!lossy);
        decode(TextEncoding::Utf8, &gbk, &mut lossy);
        assert!(lossy);
    }
}
