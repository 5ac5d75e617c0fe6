//! The side files' errors: the unit registry (单位名录) and the adjustments file (加减分文件).
//! Like the ticket file's, they name the line and the column.

use super::Lang;
use std::fmt;

/// Which side file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SideFile {
    /// The unit registry, `单位,分组,满分,上级单位` (`--units`).
    Registry,
    /// The adjustments file, `单位,项目,分值,说明`.
    Adjustments,
}

impl SideFile {
    fn zh(self) -> &'static str {
        match self {
            SideFile::Registry => "单位名录",
            SideFile::Adjustments => "加减分文件",
        }
    }
}

/// What is wrong in a side file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SideFileErrorKind {
    /// UTF-16 (a BOM says so): the files are read as UTF-8 or GB18030.
    Utf16,
    /// No header row.
    Empty,
    /// A row with another number of fields than the header.
    FieldCount {
        /// The header's field count.
        expected: usize,
        /// The row's.
        found: usize,
    },
    /// The header lacks a required column (named in Chinese).
    MissingColumn {
        /// The column, by its Chinese name (e.g. 单位).
        column: String,
    },
    /// A row whose 单位 is empty.
    EmptyUnit,
    /// The unit is already listed on `first_line`.
    DuplicateUnit {
        /// The unit.
        name: String,
        /// The line (from 1) that lists it first.
        first_line: u32,
    },
    /// An adjustments row whose 项目 is empty.
    EmptyItem,
    /// A 满分 or 分值 that is not a decimal number.
    NotANumber {
        /// The text given.
        value: String,
    },
    /// A 满分 or 分值 beyond ±[`crate::ratio::MAX_MAGNITUDE`].
    OutOfRange {
        /// The text given.
        value: String,
    },
    /// A 满分 or 分值 with more than [`crate::ratio::MAX_DECIMALS`] decimals.
    TooManyDecimals {
        /// The text given.
        value: String,
    },
    /// A 满分 of 0 or less.
    NotPositive {
        /// The text given.
        value: String,
    },
    /// A file longer than the most read (checked before it is read).
    FileTooLarge {
        /// Its length in bytes.
        bytes: usize,
        /// The most allowed ([`crate::score::registry::MAX_SIDE_FILE_BYTES`]).
        limit: usize,
    },
    /// More rows than the most read ([`crate::score::registry::MAX_SIDE_FILE_ROWS`]).
    TooManyRows {
        /// The most allowed.
        limit: usize,
    },
}

/// A side file refused: which file, where (line, and the column by its Chinese name) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideFileError {
    /// Which file.
    pub file: SideFile,
    /// What is wrong.
    pub kind: SideFileErrorKind,
    /// 1-based; `None` for the file as a whole.
    pub line: Option<u32>,
    /// The column, by its Chinese name; `None` for a whole row or the file.
    pub column: Option<String>,
}

impl SideFileError {
    /// The message in `lang` (the one place it is written).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.zh(),
        }
    }

    fn zh(&self) -> String {
        let what = match &self.kind {
            SideFileErrorKind::Utf16 => "文件是 UTF-16 编码，请另存为 UTF-8 或 GBK 的 CSV".to_string(),
            SideFileErrorKind::Empty => return format!("{}为空", self.file.zh()),
            SideFileErrorKind::FieldCount { expected, found } => {
                format!("应有 {expected} 个字段，实际 {found} 个")
            }
            SideFileErrorKind::MissingColumn { column } => format!("缺少“{column}”列"),
            SideFileErrorKind::EmptyUnit => "单位名称为空".into(),
            SideFileErrorKind::DuplicateUnit { name, first_line } => {
                format!("“{name}”已在第 {first_line} 行出现")
            }
            SideFileErrorKind::EmptyItem => "项目为空".into(),
            SideFileErrorKind::NotANumber { value } => format!("“{value}”不是数字"),
            SideFileErrorKind::OutOfRange { value } => {
                let max = crate::ratio::MAX_MAGNITUDE;
                format!("{value} 超出范围（−{max}–{max}）")
            }
            SideFileErrorKind::TooManyDecimals { value } => {
                format!("{value} 的小数超过 {} 位", crate::ratio::MAX_DECIMALS)
            }
            SideFileErrorKind::NotPositive { value } => format!("满分 {value} 应大于 0"),
            SideFileErrorKind::FileTooLarge { bytes, limit } => {
                format!("文件有 {bytes} 字节，超过上限 {limit} 字节（{} MiB）", limit >> 20)
            }
            SideFileErrorKind::TooManyRows { limit } => format!("超过 {limit} 行的上限"),
        };
        let header = matches!(self.kind, SideFileErrorKind::MissingColumn { .. });
        let at = match (self.line, &self.column) {
            (Some(1), _) if header => "第 1 行（表头）".to_string(),
            (Some(l), Some(c)) => format!("第 {l} 行，列“{c}”"),
            (Some(l), None) => format!("第 {l} 行"),
            (None, _) => String::new(),
        };
        format!("{}{at}：{what}", self.file.zh())
    }
}

impl fmt::Display for SideFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl std::error::Error for SideFileError {}
