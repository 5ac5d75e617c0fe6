//! Loaded counts that cannot be true: a counter beyond the limit every sum stays exact under, or
//! a part larger than its whole (按期办结数 above 应办结数 once showed 119.23 %).

use super::Lang;
use std::fmt;

/// What is wrong with one tally read from a file (a partial's cell, a saved report's unit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TallyProblem {
    /// A counter (or the file's total of it) beyond the limit (`count::tally::MAX_COUNT`).
    TooLarge {
        /// The counter, by its field name (`received`).
        counter: &'static str,
        /// Its value (or the total reached).
        value: u64,
        /// The most allowed.
        limit: u64,
    },
    /// A part larger than its whole (`on_time` > `due`).
    PartExceedsWhole {
        /// The part's field name.
        part: &'static str,
        /// Its count.
        part_count: u64,
        /// The whole's field name.
        whole: &'static str,
        /// Its count.
        whole_count: u64,
    },
}

impl TallyProblem {
    /// The message in `lang` (the one place it is written).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => match self {
                TallyProblem::TooLarge { counter, value, limit } => {
                    format!("{counter} = {value} 超过上限 {limit}（2^53）")
                }
                TallyProblem::PartExceedsWhole { part, part_count, whole, whole_count } => {
                    format!("{part} = {part_count} 大于 {whole} = {whole_count}（部分不能多于整体）")
                }
            },
        }
    }
}

/// A saved report's counts refused: whose, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TallyError {
    /// The unit, member unit or group, and its side (市派 / 省派).
    pub entity: String,
    /// What is wrong.
    pub problem: TallyProblem,
}

impl TallyError {
    /// The message in `lang` (the one place it is written).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("计数自相矛盾：“{}”的 {}", self.entity, self.problem.render(lang)),
        }
    }
}

impl fmt::Display for TallyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl std::error::Error for TallyError {}
