//! What the report says was odd in the input: things kept as they are, or left out, that an
//! evaluator should know of. One list, grouped by kind, each with a count and the first
//! [`Warning::SHOWN`] lines or names; the JSON's `warnings`, the page and the CLI's summary show
//! the same list.

use crate::read::ingest::{IngestSummary, LineSample};
use serde::{Deserialize, Serialize};

/// The kinds of warning, in the order they are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The file ends its lines with CR alone; each CR was read as a line end.
    CrLineEnds,
    /// Names with NUL or zero-width characters, or ideographic or no-break spaces at an end,
    /// counted under the name without them.
    CleanedNames,
    /// Accepted tickets closed before they were received (counted as they are).
    ClosedBeforeReceived,
    /// Accepted 转办 tickets due before they were dispatched (counted as they are).
    DueBeforeDispatched,
    /// The registry's 上级单位 cycles: not followed, each unit on one counting as itself.
    RegistryCycles,
    /// Adjustments rows for no unit the rules score: their points are not counted.
    UnmatchedAdjustments,
    /// Units below every grade band: no grade.
    Ungraded,
    /// No scores at all: a point value left exact arithmetic (the reason is the example).
    ScoresRefused,
}

impl WarningKind {
    /// Stable snake_case code, as in the JSON.
    pub fn code(self) -> &'static str {
        match self {
            WarningKind::CrLineEnds => "cr_line_ends",
            WarningKind::CleanedNames => "cleaned_names",
            WarningKind::ClosedBeforeReceived => "closed_before_received",
            WarningKind::DueBeforeDispatched => "due_before_dispatched",
            WarningKind::RegistryCycles => "registry_cycles",
            WarningKind::UnmatchedAdjustments => "unmatched_adjustments",
            WarningKind::Ungraded => "ungraded",
            WarningKind::ScoresRefused => "scores_refused",
        }
    }

    /// What the warning says, in Chinese, before its count and examples.
    pub fn message(self) -> &'static str {
        match self {
            WarningKind::CrLineEnds => "文件以 CR 单独换行（旧版 Mac 格式），已按换行读取",
            WarningKind::CleanedNames => "名称含不可见字符或全角/不换行空格，已去除后计入",
            WarningKind::ClosedBeforeReceived => "工单的办结时间早于受理时间（按原值计入，请核对导出数据）",
            WarningKind::DueBeforeDispatched => {
                "转办工单的办理时限早于派单时间（按原值计入，请核对导出数据）"
            }
            WarningKind::RegistryCycles => "单位名录的上级单位成环（环上各单位按自身计，不沿上级单位归并）",
            WarningKind::UnmatchedAdjustments => "加减分文件中这些行的单位不在考评范围内（分值未计入）",
            WarningKind::Ungraded => "低于所有等级下限、未评等级的单位",
            WarningKind::ScoresRefused => "未能计分",
        }
    }
}

/// One kind of oddity: how many, and the first lines or names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// What is odd.
    pub kind: WarningKind,
    /// How many tickets, names or rows.
    pub count: u64,
    /// The first [`Warning::SHOWN`] of them: `第 12 行` for tickets, the names or rows themselves.
    pub first: Vec<String>,
}

impl Warning {
    /// How many examples a warning lists.
    pub const SHOWN: usize = 20;

    /// The warning as one line: `message（共 N 个）：first、…`.
    pub fn text(&self) -> String {
        if self.kind == WarningKind::CrLineEnds {
            // A fact about the file as a whole: nothing to count.
            return self.kind.message().to_string();
        }
        let mut out = format!("{}（共 {} 处）", self.kind.message(), self.count);
        if !self.first.is_empty() {
            out.push('：');
            out.push_str(&self.first.join("、"));
            if self.count > self.first.len() as u64 {
                out.push_str("……");
            }
        }
        out
    }

    fn of_names(kind: WarningKind, names: &[String]) -> Option<Warning> {
        (!names.is_empty()).then(|| Warning {
            kind,
            count: names.len() as u64,
            first: names.iter().take(Warning::SHOWN).cloned().collect(),
        })
    }

    fn of_lines(kind: WarningKind, sample: &LineSample) -> Option<Warning> {
        (!sample.is_empty()).then(|| Warning {
            kind,
            count: sample.count,
            first: sample.lines.iter().take(Warning::SHOWN).map(|l| format!("第 {l} 行")).collect(),
        })
    }
}

/// Every warning of a report, in [`WarningKind`] order. `registry_cycles`: the unit registry's
/// 上级单位 cycles (`Registry::cycle_texts`), listed whether or not the units are scored.
pub fn warnings(
    source: &IngestSummary,
    scores: Option<&crate::score::Scores>,
    registry_cycles: &[String],
) -> Vec<Warning> {
    let mut out = Vec::new();
    if source.cr_line_ends {
        out.push(Warning { kind: WarningKind::CrLineEnds, count: 1, first: Vec::new() });
    }
    out.extend(Warning::of_names(WarningKind::CleanedNames, &source.cleaned_names));
    out.extend(Warning::of_lines(WarningKind::ClosedBeforeReceived, &source.closed_before_received));
    out.extend(Warning::of_lines(WarningKind::DueBeforeDispatched, &source.due_before_dispatched));
    let cycles =
        scores.map(|s| s.registry_cycles.as_slice()).filter(|c| !c.is_empty()).unwrap_or(registry_cycles);
    out.extend(Warning::of_names(WarningKind::RegistryCycles, cycles));
    if let Some(s) = scores {
        out.extend(Warning::of_names(WarningKind::UnmatchedAdjustments, &s.unmatched_adjustments));
        out.extend(Warning::of_names(WarningKind::Ungraded, &s.ungraded));
        out.extend(Warning::of_names(WarningKind::ScoresRefused, s.refused.as_slice()));
    }
    out
}
