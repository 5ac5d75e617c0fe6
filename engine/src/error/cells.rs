//! The cells' wire form's errors (the worker sends the page a file's cells as bytes; both ends
//! are one build, so any of these is a bug or damaged bytes).

use super::Lang;
use std::fmt;

/// What is wrong in the cells' bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellsErrorKind {
    /// The bytes do not start with the wire form's mark.
    NotCells,
    /// The bytes end inside a value.
    Truncated,
    /// A variable-length number running past 64 bits.
    NumberTooLong,
    /// A flag other than 0 or 1.
    BadFlag {
        /// The flag read.
        value: u64,
    },
    /// A count of things larger than the bytes left.
    BadLength {
        /// The count read.
        value: u64,
    },
    /// A month number no month table can hold.
    BadMonth {
        /// The month number read.
        value: u64,
    },
    /// A name whose bytes are not UTF-8.
    NameNotUtf8,
    /// A reference to a name the name table does not have.
    BadNameId {
        /// The name number read.
        value: u64,
    },
    /// A run of zeros that is empty or overruns its table.
    BadTable,
    /// A name listed twice in the name table.
    DuplicateName {
        /// The name.
        name: String,
    },
    /// Months out of order, or too many.
    BadMonthTable,
    /// More count tables than names.
    NamesMismatch,
    /// The same (来源渠道, 问题分类) counted twice.
    DuplicateTopic,
    /// Counts whose total passes `limit` (the engine's largest exact count, 2^53): no sum of them
    /// (a city, a period) could be exact.
    CountsTooLarge {
        /// The largest total accepted.
        limit: u64,
    },
    /// Bytes left after the last value.
    TrailingBytes {
        /// How many bytes are left.
        count: usize,
    },
}

/// Cells' bytes refused: what, and the offset (from 0) of the value that is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellsError {
    /// What is wrong.
    pub kind: CellsErrorKind,
    /// The offset (from 0) of the wrong value; the message counts from 1.
    pub at: usize,
}

impl CellsError {
    /// The message in `lang` (the one place it is written).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => {
                let what = match &self.kind {
                    CellsErrorKind::NotCells => "不是本程序的计数数据".to_string(),
                    CellsErrorKind::CountsTooLarge { limit } => {
                        format!("计数合计超过上限 {limit}")
                    }
                    CellsErrorKind::Truncated => "数据不完整".into(),
                    CellsErrorKind::NumberTooLong => "数字过长".into(),
                    CellsErrorKind::BadFlag { value } => format!("标志应为 0 或 1，实际是 {value}"),
                    CellsErrorKind::BadLength { value } => format!("长度 {value} 超出剩余的字节"),
                    CellsErrorKind::BadMonth { value } => format!("月份 {value} 无效"),
                    CellsErrorKind::NameNotUtf8 => "名称不是 UTF-8".into(),
                    CellsErrorKind::BadNameId { value } => format!("名称编号 {value} 无效"),
                    CellsErrorKind::BadTable => "计数表无效".into(),
                    CellsErrorKind::DuplicateName { name } => format!("名称“{name}”重复"),
                    CellsErrorKind::BadMonthTable => "月份表无效".into(),
                    CellsErrorKind::NamesMismatch => "名称与计数表不符".into(),
                    CellsErrorKind::DuplicateTopic => "高发问题计数重复".into(),
                    CellsErrorKind::TrailingBytes { count } => format!("末尾有 {count} 个多余的字节"),
                };
                format!("计数数据无法读取（第 {} 字节）：{what}", self.at + 1)
            }
        }
    }
}

impl fmt::Display for CellsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl std::error::Error for CellsError {}
