//! A rule file's errors (docs/rules.md): JSON that does not read as a rule file, or a rule file
//! that reads but does not hold together.

use super::json::{JsonKind, JsonLocation};
use super::Lang;
use std::fmt;

/// What an item reads: a rate or a count (the catalogue's measure, as the message needs it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reads {
    Rate,
    Count,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleErrorKind {
    /// Not JSON, or JSON not of the rule file's shape.
    Json(JsonKind),
    /// `format` is not [`crate::score::rules::RULES_FORMAT`].
    WrongFormat {
        expected: String,
        found: String,
    },
    TooManyDecimals {
        max: u32,
        found: u32,
    },
    NoGroups,
    EmptyGroupName,
    /// The group's name is already that of `groups[first]`.
    DuplicateGroup {
        name: String,
        first: usize,
    },
    FullScoreNotPositive {
        value: String,
    },
    UnknownParentGroup {
        name: String,
    },
    NoItems,
    /// An indicator key that is not one of the catalogue's rates (or counts); `known`: those.
    UnknownIndicator {
        key: String,
        reads: Reads,
        known: Vec<String>,
    },
    NoSteps,
    /// Steps not in strictly falling `min` order.
    StepsOutOfOrder,
    /// A grade band with the same lower bound as `grades.bands[first]`.
    OverlappingBands {
        first: usize,
    },
    DuplicateBandLabel {
        first: usize,
    },
    /// A highlight list gives both `top` and `bottom`, or neither.
    TopXorBottom,
    UnknownGroup {
        name: String,
    },
}

/// A rule file refused: what is wrong, and where (`items[2].weight`, or line and column of a
/// JSON syntax error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    pub kind: RuleErrorKind,
    pub at: JsonLocation,
}

impl RuleError {
    pub fn new(path: impl Into<String>, kind: RuleErrorKind) -> RuleError {
        RuleError { kind, at: JsonLocation::Field(path.into()) }
    }

    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{}{}", self.at.zh_prefix("规则文件"), self.zh_what()),
        }
    }

    fn zh_what(&self) -> String {
        match &self.kind {
            RuleErrorKind::Json(k) => k.render(Lang::Zh),
            RuleErrorKind::WrongFormat { expected, found } => format!("应为 “{expected}”，实际是 “{found}”"),
            RuleErrorKind::TooManyDecimals { max, .. } => format!("最多 {max} 位小数"),
            RuleErrorKind::NoGroups => "至少需要一个分组".into(),
            RuleErrorKind::EmptyGroupName => "分组名称为空".into(),
            RuleErrorKind::DuplicateGroup { name, first } => format!("分组“{name}”与 groups[{first}] 重名"),
            RuleErrorKind::FullScoreNotPositive { .. } => "满分应大于 0".into(),
            RuleErrorKind::UnknownParentGroup { name } => format!("没有名为“{name}”的上级分组"),
            RuleErrorKind::NoItems => "至少需要一个考评项目".into(),
            RuleErrorKind::UnknownIndicator { key, reads, known } => {
                let what = match reads {
                    Reads::Rate => "比率",
                    Reads::Count => "件数",
                };
                format!("未知的{what}指标“{key}”；可用：{}", known.join(", "))
            }
            RuleErrorKind::NoSteps => "至少需要一个档次".into(),
            RuleErrorKind::StepsOutOfOrder => "档次应按 min 从高到低排列且不重复".into(),
            RuleErrorKind::OverlappingBands { first } => {
                format!("与 grades.bands[{first}] 的下限相同，等级区间重叠")
            }
            RuleErrorKind::DuplicateBandLabel { first } => format!("与 grades.bands[{first}] 重名"),
            RuleErrorKind::TopXorBottom => "top 与 bottom 须且只须给出一个".into(),
            RuleErrorKind::UnknownGroup { name } => format!("没有名为“{name}”的分组"),
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl std::error::Error for RuleError {}
