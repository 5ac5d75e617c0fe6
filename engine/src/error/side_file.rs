//! The side files' errors: the unit registry (单位名录) and the adjustments file (加减分文件).
//! Like the ticket file's, they name the line and the column.

use super::Lang;
use std::fmt;

/// Which side file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SideFile {
    Registry,
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SideFileErrorKind {
    /// UTF-16 (a BOM says so): the files are read as UTF-8 or GB18030.
    Utf16,
    /// No header row.
    Empty,
    FieldCount {
        expected: usize,
        found: usize,
    },
    /// The header lacks a required column (named in Chinese).
    MissingColumn {
        column: String,
    },
    EmptyUnit,
    /// The unit is already listed on `first_line`.
    DuplicateUnit {
        name: String,
        first_line: u32,
    },
    EmptyItem,
    NotANumber {
        value: String,
    },
}

/// A side file refused: which file, where (line, and the column by its Chinese name) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideFileError {
    pub file: SideFile,
    pub kind: SideFileErrorKind,
    /// 1-based; `None` for the file as a whole.
    pub line: Option<u32>,
    pub column: Option<String>,
}

impl SideFileError {
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
