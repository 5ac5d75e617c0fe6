//! Rejected rows: where (line, column), why (one reason from a fixed list), and the row itself.
//!
//! A row gets exactly one reason: the first check it fails, in the order of [`Reason`]'s
//! variants. Rows read = rows scored + rows rejected, always.

use serde::{Deserialize, Serialize};

/// Why a row was rejected. Checked in this order; the first failure wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The row has more or fewer fields than the header.
    FieldCount,
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
    pub const ALL: [Reason; 5] = [
        Reason::FieldCount,
        Reason::MissingValue,
        Reason::UnknownValue,
        Reason::BadDatetime,
        Reason::DuplicateId,
    ];

    /// Short Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Reason::FieldCount => "字段数不符",
            Reason::MissingValue => "必填项为空",
            Reason::UnknownValue => "取值无法识别",
            Reason::BadDatetime => "日期时间格式错误",
            Reason::DuplicateId => "工单编号重复",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Reason::FieldCount => "field_count",
            Reason::MissingValue => "missing_value",
            Reason::UnknownValue => "unknown_value",
            Reason::BadDatetime => "bad_datetime",
            Reason::DuplicateId => "duplicate_id",
        }
    }
}

/// One rejected row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reject {
    /// Physical line where the record starts (header = line 1).
    pub line: u32,
    /// The column as the file names it (empty for a field-count error).
    pub column: String,
    pub reason: Reason,
    /// Full Chinese message naming line, column, value and what is accepted.
    pub message: String,
    /// The offending value, as decoded.
    pub value: String,
    /// The row as decoded, for the downloadable reject file.
    #[serde(skip_serializing, default)]
    pub record: String,
}

impl Reject {
    /// Moves the reject to `line` (a row read by a second reader, whose lines were counted from
    /// its own start): the line and the message's leading 「第 N 行」 change together.
    pub fn renumber(&mut self, line: u32) {
        let prefix = format!("第 {} 行", self.line);
        if let Some(rest) = self.message.strip_prefix(&prefix) {
            self.message = format!("第 {line} 行{rest}");
        }
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
    pub const CSV_HEADER: &'static str = "\u{feff}行号,列,原因,说明,原始行\r\n";

    /// This reject's row of [`Reject::to_csv`] (a reject file written as a file is read again).
    pub fn write_csv_row(&self, out: &mut String) {
        out.push_str(&self.line.to_string());
        for f in [&self.column, self.reason.label(), &self.message, &self.record] {
            out.push(',');
            out.push_str(&crate::csv_field(f));
        }
        out.push_str("\r\n");
    }
}
