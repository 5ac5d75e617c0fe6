//! Scoring: a [`RuleSet`] applied to per-entity tallies gives every group's table of item points,
//! totals, ranks and grades, the unscored units with their reason, highlight lists and counts.
//!
//! Pure and cheap: it reads the tallies the indicator pass produced, never the tickets, so a
//! change of weights, bands, groups or rounding re-scores at once.

pub mod presets;
pub mod registry;
pub mod rules;

use crate::count::entity::EntityLevel;
use crate::count::indicators::Split;
pub use crate::error::ScoreError;
use crate::ratio::Ratio;
use crate::score::registry::{Adjustments, Registry};
use crate::score::rules::RuleSet;
use serde::{Deserialize, Serialize};

mod evaluate;
mod place;
mod rank;

/// One entity the rules may score: its name and its tallies for the period.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// The 成员单位 or 承办单位 name, as in the report's tables.
    pub name: String,
    /// Which table it comes from; a rule group scores one level.
    pub level: EntityLevel,
    /// Its counts for the period (市派, 省派), read with the rule file's indicator options.
    pub tallies: Split,
}

/// Points of one item for one entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemPoints {
    /// The rule file's item name (e.g. 按期办结率).
    pub item: String,
    /// The indicator value the item read (a rate as "96.16%", a count), or "—".
    pub value: String,
    /// Exact points; `None` when the item was left out (no denominator, rescaled).
    pub points: Option<Ratio>,
}

/// One scored entity's line of its group's table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreRow {
    /// The entity scored.
    pub name: String,
    /// 总工单数, also the tie order.
    pub dispatched: u64,
    /// 应办结数 in the period (shown beside the score; 0 may make it unscored).
    pub due: u64,
    /// Points per item, in the rule file's item order.
    pub items: Vec<ItemPoints>,
    /// The exact total before rounding.
    pub exact: Ratio,
    /// The score as printed (at the group's decimals); ranks, grades and counts use it.
    pub score: String,
    /// Competition rank on printed scores within the group (1 = best; equal scores share one);
    /// `None` for rows given the mean or full marks (`note` says why).
    pub rank: Option<u32>,
    /// The grade band the printed score reaches; `None` without bands or below every band.
    pub grade: Option<String>,
    /// Why the score is not computed from items (e.g. 本月无工单，取平均分).
    pub note: Option<String>,
}

/// An entity a group lists but does not score or rank.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unscored {
    /// The entity.
    pub name: String,
    /// 本月无工单 or 无应办结工单.
    pub reason: String,
}

/// One rule group's table (e.g. 县区组), in the rule file's group order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupScores {
    /// The group's name in the rule file.
    pub name: String,
    /// The group it is reported inside, apart from its other members (Panjin's 经济区).
    pub subgroup_of: Option<String>,
    /// 满分: the most an entity of the group can score.
    pub full_score: Ratio,
    /// Decimals of the printed score, rounded half-up from the exact total.
    pub decimals: u32,
    /// In printed order: score descending, ties by 总工单数 descending, then name.
    pub rows: Vec<ScoreRow>,
    /// Listed, not scored or ranked.
    pub unscored: Vec<Unscored>,
}

/// A top or bottom list by printed score (十佳/较差, 红榜/黑榜), as the rule file asks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HighlightList {
    /// The list's name in the rule file.
    pub name: String,
    /// The group it is drawn from; `None` = over every group.
    pub group: Option<String>,
    /// (entity, printed score), best first for a top list, worst first for a bottom list.
    pub rows: Vec<(String, String)>,
}

/// How many entities reached one grade band, and their share.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradeShare {
    /// The band's label (e.g. 优秀).
    pub label: String,
    /// Scored entities whose grade is this band.
    pub count: u64,
    /// `count` over the scored entities (plus the unscored when `shares_count_unscored`).
    pub share: crate::count::indicators::Rate,
}

/// Everything the rules in force give for the period (`--rules`; docs/rules.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// The rule file's `name`.
    pub rules: String,
    /// One table per rule group, in the rule file's order.
    pub groups: Vec<GroupScores>,
    /// Scored entities no group takes (not scored; listed so nothing is silently dropped).
    pub ungrouped: Vec<String>,
    /// Adjustments-file rows whose 单位 is no unit the rules score (a misspelt name): their points
    /// go nowhere, so they are listed, never dropped in silence: "第 N 行：单位（项目 分值）".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmatched_adjustments: Vec<String>,
    /// The unit registry's 上级单位 cycles, each as its units in order (`A → B → A`): their
    /// 上级单位 is not followed, each unit counting as itself (listed, never silent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registry_cycles: Vec<String>,
    /// Scored entities whose score is below every grade band: no grade (listed, never silent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ungraded: Vec<String>,
    /// Registry and rule file disagreeing on a unit's group or full score.
    pub conflicts: Vec<String>,
    /// The mean given to unscored units, as printed, when the rules use it.
    pub unscored_mean: Option<String>,
    /// "X分以上": (X, count), inclusive, over every entity with a score.
    pub score_counts: Vec<(String, u64)>,
    /// One per grade band, highest band first; empty when the rules have no grades.
    pub grade_shares: Vec<GradeShare>,
    /// The rule file's highlight lists, in its order.
    pub highlights: Vec<HighlightList>,
    /// Why no scores were given, when a point value left exact arithmetic ([`ScoreError`]'s
    /// message); every other field is then empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// Inputs besides the tallies.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The 单位名录 (`--units`): groups and 满分 where the rules take them from it, and units with
    /// no ticket that must still be listed.
    pub registry: Option<&'a Registry>,
    /// 加减分: manual points per unit and item, read by the rule file's adjustment items.
    pub adjustments: Option<&'a Adjustments>,
    /// Months in the period scored (0 and 1 both mean a month): names the no-ticket reason.
    pub months: u32,
}

/// Applies `rules` to the candidates (members and units with their tallies for the period):
/// placing them in groups, evaluating every item, then the unscored rule, ranks and grades.
/// Every point is exact or the scores are refused ([`ScoreError`]: a sum beyond exact range).
pub fn try_score(rules: &RuleSet, candidates: &[Candidate], ctx: &Context) -> Result<Scores, ScoreError> {
    let placed = place::place_all(rules, candidates, ctx);
    let unmatched_adjustments = unmatched_adjustments(ctx, &placed.members);
    let adjustments = evaluate::adjustments_by_unit(ctx);
    let pending = evaluate::pending_rows(rules, ctx, &adjustments, &placed.members)?;
    let (mut groups, unscored_mean) = rank::settle_unscored(rules, pending)?;
    let ungraded = rank::rank_and_grade(rules, &mut groups);
    let (score_counts, grade_shares, highlights) = rank::summaries(rules, &groups);
    Ok(Scores {
        rules: rules.name.clone(),
        groups,
        ungrouped: placed.ungrouped,
        unmatched_adjustments,
        registry_cycles: ctx.registry.map(|r| r.cycle_texts()).unwrap_or_default(),
        ungraded,
        conflicts: placed.conflicts,
        unscored_mean,
        score_counts,
        grade_shares,
        highlights,
        refused: None,
    })
}

/// [`try_score`], with a refusal kept in the scores: no tables, and `refused` saying why (the
/// page and a saved report show it; the CLI stops on it).
pub fn score(rules: &RuleSet, candidates: &[Candidate], ctx: &Context) -> Scores {
    try_score(rules, candidates, ctx).unwrap_or_else(|e| Scores {
        rules: rules.name.clone(),
        groups: Vec::new(),
        ungrouped: Vec::new(),
        unmatched_adjustments: Vec::new(),
        registry_cycles: Vec::new(),
        ungraded: Vec::new(),
        conflicts: Vec::new(),
        unscored_mean: None,
        score_counts: Vec::new(),
        grade_shares: Vec::new(),
        highlights: Vec::new(),
        refused: Some(e.to_string()),
    })
}

/// The adjustments rows whose unit no group scores.
fn unmatched_adjustments(ctx: &Context, members: &[Vec<place::Member>]) -> Vec<String> {
    let Some(a) = ctx.adjustments else { return Vec::new() };
    let scored: std::collections::HashSet<&str> = members.iter().flatten().map(|m| m.name.as_str()).collect();
    a.entries
        .iter()
        .filter(|e| !scored.contains(e.unit.as_str()))
        .map(|e| format!("第 {} 行：{}（{} {}）", e.line, e.unit, e.item, e.points))
        .collect()
}
