//! A partial-aggregates file's errors (docs/partials.md): not JSON, another format, or fields
//! that do not read.

use super::json::{JsonKind, JsonLocation};
use super::Lang;
use std::fmt;

/// What is wrong with a partial-aggregates file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartialFileErrorKind {
    /// Not JSON, or JSON not of the partial's shape.
    Json(JsonKind),
    /// Another format or version.
    WrongFormat {
        /// The format this build reads ([`crate::partial::PARTIAL_FORMAT`]).
        expected: String,
        /// The file's `format`.
        found: String,
    },
    /// No `format` field: probably not a partial.
    MissingFormat {
        /// The format this build reads.
        expected: String,
    },
    /// `at`: the offset of the first character that is not base64, when one is.
    HashesNotBase64 {
        /// The offset (from 0) of the first character that is not base64, when one is.
        at: Option<usize>,
    },
    /// Not a whole number of 8-byte hashes.
    HashesLength {
        /// The decoded length in bytes.
        bytes: usize,
    },
    /// `ticket_hashes` not in strictly rising order (out of order, or one repeated).
    HashesUnsorted,
    /// A cell's counts that cannot be true (a part above its whole, a counter beyond the limit).
    Counts {
        /// The cell's 承办单位 (and 上级单位, 省派), as the message names it.
        unit: String,
        /// What is wrong.
        problem: super::TallyProblem,
    },
    /// More cells than allowed, or month tables beyond the bytes allowed (checked before any
    /// is allocated; `crate::partial::MAX_CELLS`, `MAX_TABLE_BYTES`).
    TooManyCells {
        /// The cells the file has.
        cells: usize,
        /// The distinct months.
        months: usize,
        /// The bytes their month tables would take.
        bytes: u64,
        /// The most cells allowed.
        max_cells: usize,
        /// The most bytes of month tables allowed.
        max_bytes: u64,
    },
    /// A partial file longer than [`crate::partial::MAX_PARTIAL_BYTES`] (checked before parsing).
    FileTooLarge {
        /// Its length in bytes.
        bytes: usize,
        /// The most allowed.
        limit: usize,
    },
    /// More distinct months than [`crate::partial::MAX_MONTHS`] (likely a mistyped month).
    TooManyMonths {
        /// The distinct months the file spans.
        months: usize,
        /// The most a partial may span.
        limit: usize,
    },
    /// A source whose row counts cannot be true: 计分行数 + 拒收行数 above 读取行数, or the
    /// rejects by reason ≠ 拒收行数.
    SourceRows {
        /// The source's name.
        name: String,
        /// Its 读取行数.
        rows_read: u64,
        /// Its 计分行数.
        rows_scored: u64,
        /// Its 拒收行数.
        rows_rejected: u64,
        /// The rejects by reason, summed (`None`: the file gives no reasons).
        by_reason: Option<u64>,
    },
}

/// A partial-aggregates file refused: what is wrong, and where (a field path, or line and
/// column of a JSON syntax error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialFileError {
    /// What is wrong.
    pub kind: PartialFileErrorKind,
    /// Where: a field path (`cells[0].by_month[0].by`; empty = the whole file), or a line and column.
    pub at: JsonLocation,
}

impl PartialFileError {
    /// An error of `kind` at the field path `path`.
    pub fn new(path: impl Into<String>, kind: PartialFileErrorKind) -> PartialFileError {
        PartialFileError { kind, at: JsonLocation::Field(path.into()) }
    }

    /// The message in `lang` (the one place it is written).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.zh(),
        }
    }

    fn zh(&self) -> String {
        match &self.kind {
            PartialFileErrorKind::Json(k) => {
                let what = k.render(Lang::Zh);
                match &self.at {
                    JsonLocation::Text { line, column } => {
                        format!("不是 JSON：第 {line} 行第 {column} 列：{what}")
                    }
                    JsonLocation::Field(p) if p.is_empty() => what,
                    JsonLocation::Field(p) => format!("字段 {p}：{what}"),
                }
            }
            PartialFileErrorKind::WrongFormat { expected, found } => {
                format!("格式为“{found}”，本工具读取“{expected}”")
            }
            PartialFileErrorKind::MissingFormat { expected } => format!("缺少 \"format\": \"{expected}\""),
            PartialFileErrorKind::HashesNotBase64 { at: Some(at) } => {
                format!("ticket_hashes 不是 base64（第 {} 个字符）", at + 1)
            }
            PartialFileErrorKind::HashesNotBase64 { at: None } => "ticket_hashes 不是 base64".into(),
            PartialFileErrorKind::HashesLength { .. } => "ticket_hashes 的长度不是 8 字节的整数倍".into(),
            PartialFileErrorKind::HashesUnsorted => "ticket_hashes 未按升序排列或有重复".into(),
            PartialFileErrorKind::Counts { unit, problem } => {
                let at = match &self.at {
                    JsonLocation::Field(p) if !p.is_empty() => format!("字段 {p}"),
                    _ => String::new(),
                };
                format!("{at}（{unit}）计数自相矛盾：{}", problem.render(Lang::Zh))
            }
            PartialFileErrorKind::TooManyCells { cells, months, bytes, max_cells, max_bytes } => format!(
                "部分汇总有 {cells} 个单元、{months} 个月份，月度表需 {} MiB，超过上限（{max_cells} 个单元、{} MiB）",
                bytes >> 20,
                max_bytes >> 20
            ),
            PartialFileErrorKind::FileTooLarge { bytes, limit } => {
                format!("文件有 {bytes} 字节，超过上限 {limit} 字节（{} MiB）", limit >> 20)
            }
            PartialFileErrorKind::SourceRows { name, rows_read, rows_scored, rows_rejected, by_reason } => {
                match by_reason {
                    Some(n) if n != rows_rejected => format!(
                        "“{name}”的各原因拒收行数合计 {n}，与拒收行数 {rows_rejected} 不符"
                    ),
                    _ => format!(
                        "“{name}”的计分行数 {rows_scored} + 拒收行数 {rows_rejected} 超过读取行数 {rows_read}"
                    ),
                }
            }
            PartialFileErrorKind::TooManyMonths { months, limit } => format!(
                "部分汇总涉及 {months} 个不同的月份，超过上限 {limit}（{} 年）：请检查月份是否填错",
                limit / 12
            ),
        }
    }
}

impl fmt::Display for PartialFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl std::error::Error for PartialFileError {}
