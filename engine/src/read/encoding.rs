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

/// Bytes from the first non-ASCII byte on that the encoding is decided on (or the whole file,
/// if shorter): some 350 rows of Chinese text, among which a stray byte is outweighed by the
/// rest.
pub const DETECT_BYTES: usize = 64 << 10;

/// Decides the encoding once `buf` (the file's start) holds [`DETECT_BYTES`] bytes from its
/// first non-ASCII byte on, or is the whole file (`eof`); `None` before then, and for text
/// that is all ASCII so far (where both encodings agree).
pub fn detect(buf: &[u8], eof: bool) -> Option<TextEncoding> {
    let first = buf.iter().position(|b| *b >= 0x80)?;
    let sample = buf.get(first..).unwrap_or_default();
    if sample.len() < DETECT_BYTES && !eof {
        return None;
    }
    // A sample that runs to the end of the file: a character cut at its end is cut for good.
    let ends_file = eof && sample.len() <= DETECT_BYTES;
    Some(decide_sample(sample.get(..DETECT_BYTES.min(sample.len())).unwrap_or_default(), ends_file))
}

/// The encoding in which `sample` has fewer invalid sequences; UTF-8 on a tie (and whenever
/// the sample is valid UTF-8: GBK text almost never is). A character cut at the sample's end
/// counts against neither.
pub fn decide(sample: &[u8]) -> TextEncoding {
    decide_sample(sample, false)
}

/// [`decide`]; with `ends_file`, the sample is the file's last bytes, and a character cut at
/// its end counts as invalid (two GBK bytes are no UTF-8 character waiting for its third).
fn decide_sample(sample: &[u8], ends_file: bool) -> TextEncoding {
    let utf8 = utf8_errors(sample, ends_file);
    if utf8 == 0 {
        return TextEncoding::Utf8;
    }
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(decoder.max_utf8_buffer_length(sample.len()).unwrap_or(0));
    let _ = decoder.decode_to_string(sample, &mut text, ends_file);
    let gb = text.chars().filter(|c| *c == char::REPLACEMENT_CHARACTER).count();
    if gb < utf8 {
        TextEncoding::Gb18030
    } else {
        TextEncoding::Utf8
    }
}

/// Invalid UTF-8 sequences in `b` (a sequence cut at its end counted only with `ends_file`).
fn utf8_errors(mut b: &[u8], ends_file: bool) -> usize {
    let mut errors = 0;
    loop {
        match std::str::from_utf8(b) {
            Ok(_) => return errors,
            Err(e) => match e.error_len() {
                None => return errors + usize::from(ends_file),
                Some(n) => {
                    errors += 1;
                    b = b.get(e.valid_up_to() + n..).unwrap_or_default();
                }
            },
        }
    }
}

/// What a file that is not text looks like, from its first bytes: a known binary signature,
/// or NUL bytes in `header` (its first line), which text never holds there.
pub fn not_text(head: &[u8], header: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "Excel 工作簿（.xlsx）或 ZIP 压缩包"),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "旧版 Excel 工作簿（.xls）或 Word 文档"),
        (b"\x89PNG", "PNG 图片"),
        (b"\xFF\xD8\xFF", "JPEG 图片"),
        (b"GIF8", "GIF 图片"),
        (b"%PDF-", "PDF 文档"),
        (b"\x1F\x8B", "gzip 压缩文件"),
        (b"7z\xBC\xAF\x27\x1C", "7z 压缩包"),
        (b"Rar!", "RAR 压缩包"),
    ];
    if let Some((_, kind)) = SIGNATURES.iter().find(|(sig, _)| head.starts_with(sig)) {
        return Some(kind);
    }
    let nuls = header.iter().filter(|b| **b == 0).count();
    if nuls == 0 {
        None
    } else if nuls == header.len() {
        Some("二进制文件（全是 NUL 字节）")
    } else {
        Some("二进制文件，或无 BOM 的 UTF-16 文本（表头行含 NUL 字节；UTF-16 请另存为 UTF-8 或 GBK 的 CSV）")
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

/// Whether `b` is valid text in `enc` (ASCII always is).
pub fn is_valid(enc: TextEncoding, b: &[u8]) -> bool {
    if b.is_ascii() {
        return true;
    }
    match enc {
        TextEncoding::Utf8 => std::str::from_utf8(b).is_ok(),
        TextEncoding::Gb18030 => !GB18030.decode_without_bom_handling(b).1,
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
        // Not decided on a short prefix unless it is the whole file.
        assert_eq!(detect(&gbk, false), None);
        // A UTF-8 character cut at the end of the sample is no evidence.
        let cut = &text.as_bytes()[..4];
        assert_eq!(decide(cut), TextEncoding::Utf8);
        // Unless the sample is the whole file: found by fuzzing, a one-character GBK header
        // (杞, 0xE8 0xBD) was read as a UTF-8 character cut short.
        let gbk = encode(TextEncoding::Gb18030, "杞");
        assert_eq!(detect(&gbk, true), Some(TextEncoding::Gb18030));
        assert_eq!(detect("杞".as_bytes(), true), Some(TextEncoding::Utf8));
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
