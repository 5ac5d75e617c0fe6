//! Scoring's one error: a point value that exact arithmetic cannot hold (docs/rules.md,
//! "Numbers"). The rule file's bounds make it rare: it takes many rate items over large,
//! unrelated denominators, whose exact sum needs more than 38 digits.

use super::Lang;
use std::fmt;

/// Scores refused: the sum or product of one entity's points does not fit exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreError {
    /// The entity being scored (or the group whose mean was taken).
    pub entity: String,
    /// The item (its name), or 总分 / 平均分.
    pub item: String,
}

impl ScoreError {
    /// The message in `lang` (the one place it is written).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "无法计分：“{}”的“{}”超出精确计算的范围（分子或分母超过 38 位数字），未给出任何分数；请减少规则文件中数字的小数位或合并考评项目",
                self.entity, self.item
            ),
        }
    }
}

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl std::error::Error for ScoreError {}
