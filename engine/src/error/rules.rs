//! A rule file's errors (docs/rules.md): JSON that does not read as a rule file, or a rule file
//! that reads but does not hold together.

use super::json::{JsonKind, JsonLocation};
use super::Lang;
use std::fmt;

/// What an item reads: a rate or a count (the catalogue's measure, as the message needs it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reads {
    /// A rate (`weighted`, `rate_gap`, `threshold` and `steps` items).
    Rate,
    /// A count (`per_ticket` and `volume_bonus` items).
    Count,
}

/// What is wrong with a rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleErrorKind {
    /// Not JSON, or JSON not of the rule file's shape.
    Json(JsonKind),
    /// `format` is not [`crate::score::rules::RULES_FORMAT`].
    WrongFormat {
        /// The format this build reads.
        expected: String,
        /// The file's `format`.
        found: String,
    },
    /// `score.decimals` above the most allowed.
    TooManyDecimals {
        /// The most allowed (6).
        max: u32,
        /// The value given.
        found: u32,
    },
    /// A rule file longer than the most this build reads (checked before it is parsed).
    FileTooLarge {
        /// The file's length in bytes.
        bytes: usize,
        /// The most allowed ([`crate::score::rules::MAX_RULE_FILE_BYTES`]).
        limit: usize,
    },
    /// More entries in a list (`items`, `groups`, a group's `patterns`, …) than allowed.
    TooMany {
        /// How many the file gives.
        found: usize,
        /// The most allowed (docs/rules.md, "Limits").
        limit: usize,
    },
    /// A group pattern longer than [`crate::score::rules::MAX_PATTERN_CHARS`] characters.
    PatternTooLong {
        /// Its length in characters.
        chars: usize,
        /// The most allowed.
        limit: usize,
    },
    /// `groups` is empty: a rule file needs at least one.
    NoGroups,
    /// A group whose `name` is empty or blank.
    EmptyGroupName,
    /// The group's name is already that of `groups[first]`.
    DuplicateGroup {
        /// The name.
        name: String,
        /// The index of the group that has it first.
        first: usize,
    },
    /// A group's `full_score` of 0 or less.
    FullScoreNotPositive {
        /// The value given, as a decimal.
        value: String,
    },
    /// A `subgroup_of` that names no group of the file.
    UnknownParentGroup {
        /// The name given.
        name: String,
    },
    /// `items` is empty: a rule file needs at least one.
    NoItems,
    /// An indicator key that is not one of the catalogue's rates (or counts); `known`: those.
    UnknownIndicator {
        /// The key given.
        key: String,
        /// Whether the item reads a rate or a count.
        reads: Reads,
        /// The keys accepted.
        known: Vec<String>,
    },
    /// A `steps` item with no steps.
    NoSteps,
    /// Steps not in strictly falling `min` order.
    StepsOutOfOrder,
    /// A grade band with the same lower bound as `grades.bands[first]`.
    OverlappingBands {
        /// The index of the band that has that `min` first.
        first: usize,
    },
    /// A grade band with the same `label` as `grades.bands[first]`.
    DuplicateBandLabel {
        /// The index of the band that has it first.
        first: usize,
    },
    /// A highlight list gives both `top` and `bottom`, or neither.
    TopXorBottom,
    /// A highlight's `group` that names no group of the file.
    UnknownGroup {
        /// The name given.
        name: String,
    },
}

/// A rule file refused: what is wrong, and where (`items[2].weight`, or line and column of a
/// JSON syntax error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// What is wrong.
    pub kind: RuleErrorKind,
    /// Where: a field path (`items[2].weight`), or a line and column.
    pub at: JsonLocation,
}

impl RuleError {
    /// An error of `kind` at the field path `path`.
    pub fn new(path: impl Into<String>, kind: RuleErrorKind) -> RuleError {
        RuleError { kind, at: JsonLocation::Field(path.into()) }
    }

    /// The message in `lang` (the one place it is written).
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
            RuleErrorKind::FileTooLarge { bytes, limit } => {
                format!("文件有 {bytes} 字节，超过上限 {limit} 字节（{} MiB）", limit >> 20)
            }
            RuleErrorKind::TooMany { found, limit } => format!("共 {found} 项，超过上限 {limit} 项"),
            RuleErrorKind::PatternTooLong { chars, limit } => {
                format!("名称模式有 {chars} 个字符，超过上限 {limit} 个")
            }
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
