//! Rejected rows: where (line, column), why (one reason from a fixed list), and the row itself.
//!
//! A row gets exactly one reason: the first check it fails, in the order of [`Reason`]'s
//! variants. Rows read = rows scored + rows rejected, always.

use crate::read::records::{OpenUntil, MAX_RECORD_LINES};
use crate::tickets::schema::Column;
use serde::{Deserialize, Serialize};

/// Why a row was rejected. Checked in this order; the first failure wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A quoted field opened on the record's first line is still open at the end of the file
    /// or after the documented lines or bytes (`records::Defect::UnclosedQuote`): the record is
    /// its first line alone, and reading goes on with the next.
    UnclosedQuote,
    /// The record's first line is longer than the documented limit (`records::MAX_RECORD_BYTES`).
    RecordTooLong,
    /// The row has more or fewer fields than the header.
    FieldCount,
    /// A column the engine reads holds bytes that are not valid in the file's encoding (a stray
    /// byte from a copy-paste): the value cannot be told apart from another spelled with the
    /// same replacement character.
    BadEncoding,
    /// A required value is empty (工单编号, 受理时间, 来源渠道, 诉求类型, 办理方式; on 转办 rows also
    /// 承办单位, 派单时间, 办理时限).
    MissingValue,
    /// A coded field holds a value outside its list (办理方式, yes/no fields, 回访结果, 答复抽检,
    /// 退回次数).
    UnknownValue,
    /// A datetime not in an accepted form (or not a real date).
    BadDatetime,
    /// The 工单编号 was already taken by an accepted row (the first one is kept).
    DuplicateId,
}

impl Reason {
    /// Every reason, in check order: the order of the summary's per-reason counts.
    pub const ALL: [Reason; 8] = [
        Reason::UnclosedQuote,
        Reason::RecordTooLong,
        Reason::FieldCount,
        Reason::BadEncoding,
        Reason::MissingValue,
        Reason::UnknownValue,
        Reason::BadDatetime,
        Reason::DuplicateId,
    ];

    /// Short Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Reason::UnclosedQuote => "引号未闭合",
            Reason::RecordTooLong => "记录过长",
            Reason::FieldCount => "字段数不符",
            Reason::BadEncoding => "字符编码错误",
            Reason::MissingValue => "必填项为空",
            Reason::UnknownValue => "取值无法识别",
            Reason::BadDatetime => "日期时间格式错误",
            Reason::DuplicateId => "工单编号重复",
        }
    }

    /// Stable snake_case code, as in the JSON (`field_count`, …) and docs/indicators.md §3.1.
    pub fn code(self) -> &'static str {
        match self {
            Reason::UnclosedQuote => "unclosed_quote",
            Reason::RecordTooLong => "record_too_long",
            Reason::FieldCount => "field_count",
            Reason::BadEncoding => "bad_encoding",
            Reason::MissingValue => "missing_value",
            Reason::UnknownValue => "unknown_value",
            Reason::BadDatetime => "bad_datetime",
            Reason::DuplicateId => "duplicate_id",
        }
    }
}

/// The facts of one reject beyond its reason: what its message is rendered from (the offending
/// value itself is the reject's `value`). Text is rendered at display time, in one place
/// ([`Reject::message`]), never stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RejectDetail {
    /// A quote opened on this line is still open `until` (the end of the file, the line limit
    /// or the byte limit).
    UnclosedQuote {
        /// How far the quote stayed open.
        until: OpenUntil,
    },
    /// The line is longer than `limit` bytes; the reject keeps its first bytes.
    TooLong {
        /// The limit, in bytes (`records::MAX_RECORD_BYTES`).
        limit: u64,
    },
    /// The value in `column` has bytes that are not valid in the file's `encoding`.
    BadEncoding {
        /// The column the bad bytes are in.
        column: Column,
        /// The encoding the file was read in.
        encoding: crate::read::encoding::TextEncoding,
    },
    /// The row has `found` fields where the header has `expected`; `open_quote` when the record
    /// held a quote and is short (a quote may be unclosed).
    FieldCount {
        /// Fields in the header row.
        expected: u32,
        /// Fields in this record.
        found: u32,
        /// The record held a quote and is short: the message suggests an unclosed quote.
        open_quote: bool,
    },
    /// A required value is empty; `transferred`: required because the row is 转办.
    Missing {
        /// The first required column found empty.
        column: Column,
        /// The column is required only because the row is 转办 (承办单位, 派单时间, 办理时限).
        transferred: bool,
    },
    /// A coded value outside its column's list.
    UnknownValue {
        /// The coded column; its accepted values are named in the message.
        column: Column,
    },
    /// A datetime in no accepted form: the standard forms, or the mapping's own `pattern`.
    BadDatetime {
        /// The mapping's datetime pattern, if one was given; `None` = the standard forms.
        pattern: Option<String>,
    },
    /// The 工单编号 is held by the accepted row that starts on `first_line`.
    DuplicateId {
        /// Line where the accepted row holding the 工单编号 starts (header = line 1).
        first_line: u32,
    },
    /// A message recorded as text by an earlier version (a saved report read again).
    Recorded {
        /// The rendered Chinese message as the saved report carried it.
        message: String,
    },
}

/// What each coded column accepts, for messages.
fn allowed(c: Column) -> &'static str {
    match c {
        Column::Handling => "直接答复、转办",
        Column::FromProvince | Column::Urgent => {
            "是、否、Y、N（大小写均可）、1、0、true、false（或 TRUE、FALSE）或留空"
        }
        Column::Callback => "满意、基本满意、不满意、未回访 或留空",
        Column::Audit => "规范、不规范 或留空",
        Column::Returned => "0 或正整数（留空为 0）",
        _ => "",
    }
}

/// One rejected row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "RejectJson", from = "RejectJson")]
pub struct Reject {
    /// Physical line where the record starts (header = line 1).
    pub line: u32,
    /// The column as the file names it (empty for a field-count error).
    pub column: String,
    /// The first check the row failed; its only reason.
    pub reason: Reason,
    /// What exactly was wrong: the message is rendered from it.
    pub detail: RejectDetail,
    /// The offending value, as decoded.
    pub value: String,
    /// The row as decoded, for the downloadable reject file.
    pub record: String,
    /// The row's 工单编号 as decoded, when the row could be split into its fields and has that
    /// column (empty otherwise: an unclosed quote, a row over 1 MiB, a file without the column).
    pub id: String,
}

/// A reject in JSON: its fields, and the message rendered for readers of the file (a saved
/// report, the worker's messages). The row itself is not written.
#[derive(Serialize, Deserialize)]
struct RejectJson {
    line: u32,
    column: String,
    reason: Reason,
    #[serde(default)]
    message: String,
    #[serde(default)]
    detail: Option<RejectDetail>,
    value: String,
    #[serde(skip_serializing, default)]
    record: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    id: String,
}

impl From<Reject> for RejectJson {
    fn from(r: Reject) -> RejectJson {
        RejectJson {
            message: r.message(),
            line: r.line,
            column: r.column,
            reason: r.reason,
            detail: Some(r.detail),
            value: r.value,
            record: r.record,
            id: r.id,
        }
    }
}

impl From<RejectJson> for Reject {
    fn from(j: RejectJson) -> Reject {
        let detail = j.detail.unwrap_or(RejectDetail::Recorded { message: j.message });
        Reject {
            line: j.line,
            column: j.column,
            reason: j.reason,
            detail,
            value: j.value,
            record: j.record,
            id: j.id,
        }
    }
}

impl Reject {
    /// The full Chinese message: line, column, value and what is accepted.
    pub fn message(&self) -> String {
        let line = self.line;
        let what = match &self.detail {
            RejectDetail::Recorded { message } => return message.clone(),
            RejectDetail::FieldCount { expected, found, open_quote } => {
                let hint = if *open_quote { "（可能有未闭合的引号）" } else { "" };
                return format!("第 {line} 行：应有 {expected} 个字段，实际 {found} 个{hint}");
            }
            RejectDetail::UnclosedQuote { until } => {
                let until = match until {
                    OpenUntil::EndOfFile => "到文件末尾仍未闭合".to_string(),
                    OpenUntil::LineLimit => format!("超过 {MAX_RECORD_LINES} 行仍未闭合"),
                    OpenUntil::ByteLimit => "超过 1 MiB 仍未闭合".to_string(),
                };
                let column = if self.column.is_empty() {
                    String::new()
                } else {
                    format!("，列“{}”", self.column)
                };
                return format!(
                    "第 {line} 行{column}：引号未闭合（自此行起{until}）。只有此行被拒收，从下一行继续读取；\
                     请检查该字段的引号（字段内的引号应写成两个 \"\"）"
                );
            }
            RejectDetail::TooLong { limit } => {
                return format!(
                    "第 {line} 行：此行超过 {} 字节（{} MiB），不像一条工单记录，已跳过；原始行只保留开头部分",
                    limit,
                    limit >> 20
                );
            }
            RejectDetail::BadEncoding { column, encoding } => {
                format!(
                    "“{}”含有 {} 编码中无效的字节（显示为 �），无法可靠识别“{}”；请检查导出文件的编码或修正该值",
                    self.value,
                    encoding.label(),
                    column.header()
                )
            }
            RejectDetail::Missing { column, transferred: false } => {
                format!("必填项“{}”为空", column.header())
            }
            RejectDetail::Missing { column, transferred: true } => {
                format!("转办工单必须填写“{}”", column.header())
            }
            RejectDetail::UnknownValue { column } => {
                format!("“{}”不是“{}”的有效取值；可用：{}", self.value, column.header(), allowed(*column))
            }
            RejectDetail::BadDatetime { pattern } => {
                let forms = match pattern {
                    None => crate::read::datetime::ACCEPTED_FORMS.to_string(),
                    Some(p) => format!("自定义格式 {p}"),
                };
                format!("“{}”不是可识别的日期时间；可用格式：{forms}", self.value)
            }
            RejectDetail::DuplicateId { first_line } => {
                format!("工单编号“{}”已在第 {first_line} 行出现，保留第一条", self.value)
            }
        };
        format!("第 {line} 行，列“{}”：{what}", self.column)
    }

    /// Moves the reject to `line` (a row read by a second reader, whose lines were counted from
    /// its own start).
    pub fn renumber(&mut self, line: u32) {
        self.line = line;
    }

    /// Writes rejects as a CSV (UTF-8 with BOM, so Excel opens it): line, column, reason,
    /// message, then the original row's text.
    pub fn to_csv(rejects: &[Reject]) -> String {
        let mut out = Reject::CSV_HEADER.to_string();
        for r in rejects {
            r.write_csv_row(&mut out);
        }
        out
    }

    /// The first line of [`Reject::to_csv`].
    pub const CSV_HEADER: &'static str = "\u{feff}行号,工单编号,列,原因,说明,原始行\r\n";

    /// This reject's row of [`Reject::to_csv`] (a reject file written as a file is read again).
    pub fn write_csv_row(&self, out: &mut String) {
        out.push_str(&self.line.to_string());
        for f in [&self.id, &self.column, self.reason.label(), &self.message(), &self.record] {
            out.push(',');
            out.push_str(&crate::csv_field(f));
        }
        out.push_str("\r\n");
    }
}
