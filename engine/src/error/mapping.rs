//! A column-mapping file's errors (docs/report-json.md, "Column mappings").

use super::json::{JsonKind, JsonLocation};
use super::Lang;
use std::fmt;

/// A mapping file that does not read: what is wrong (`columns[3][1]` not a column name…) and
/// where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappingError {
    /// What is wrong.
    pub kind: JsonKind,
    /// Where: a field path (`columns[3][1]`), or a line and column.
    pub at: JsonLocation,
}

impl MappingError {
    /// The message in `lang`, starting 映射文件 and where (the one place it is written).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{}{}", self.at.zh_prefix("映射文件"), self.kind.render(lang)),
        }
    }
}

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl std::error::Error for MappingError {}
