//! A period string's errors (`--period`, the page's URL).

use super::Lang;
use std::fmt;

/// Why a period string does not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodErrorKind {
    /// Neither `2021-02` nor `2021-01..2021-04`.
    Unrecognised,
    /// `2021-04..2021-01`.
    EndBeforeStart,
}

/// A period string refused: why, and the string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodError {
    /// What is wrong.
    pub kind: PeriodErrorKind,
    /// The period as given (trimmed).
    pub value: String,
}

impl PeriodError {
    /// The message in `lang` (the one place it is written).
    pub fn render(&self, lang: Lang) -> String {
        let s = &self.value;
        match lang {
            Lang::Zh => match self.kind {
                PeriodErrorKind::Unrecognised => {
                    format!("无法识别的期间“{s}”：应为 2021-02 或 2021-01..2021-04")
                }
                PeriodErrorKind::EndBeforeStart => format!("期间“{s}”的结束月份早于开始月份"),
            },
        }
    }
}

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl std::error::Error for PeriodError {}
