//! A period string's errors (`--period`, the page's URL).

use super::Lang;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodErrorKind {
    /// Neither `2021-02` nor `2021-01..2021-04`.
    Unrecognised,
    /// `2021-04..2021-01`.
    EndBeforeStart,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodError {
    pub kind: PeriodErrorKind,
    /// The period as given (trimmed).
    pub value: String,
}

impl PeriodError {
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
