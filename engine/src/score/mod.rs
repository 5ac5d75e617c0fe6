//! Scoring: a [`RuleSet`] applied to per-entity tallies gives every group's table of item points,
//! totals, ranks and grades, the unscored units with their reason, highlight lists and counts.
//!
//! Pure and cheap: it reads the tallies the indicator pass produced, never the tickets, so a
//! change of weights, bands, groups or rounding re-scores at once.

use crate::indicators::Split;
use crate::ratio::Ratio;
use crate::registry::{Adjustments, Registry};
use crate::rules::{Level, RuleSet};
use serde::{Deserialize, Serialize};

mod evaluate;
mod place;
mod rank;

/// One entity the rules may score: its name and its tallies for the period.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub name: String,
    pub level: Level,
    pub tallies: Split,
}

/// Points of one item for one entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemPoints {
    pub item: String,
    /// The indicator value the item read (a rate as "96.16%", a count), or "—".
    pub value: String,
    /// Exact points; `None` when the item was left out (no denominator, rescaled).
    pub points: Option<Ratio>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreRow {
    pub name: String,
    /// 总工单数, also the tie order.
    pub dispatched: u64,
    pub due: u64,
    pub items: Vec<ItemPoints>,
    /// The exact total before rounding.
    pub exact: Ratio,
    /// The score as printed (at the group's decimals); ranks, grades and counts use it.
    pub score: String,
    pub rank: Option<u32>,
    pub grade: Option<String>,
    /// Why the score is not computed from items (e.g. 本月无工单，取平均分).
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unscored {
    pub name: String,
    /// 本月无工单 or 无应办结工单.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupScores {
    pub name: String,
    pub subgroup_of: Option<String>,
    pub full_score: Ratio,
    pub decimals: u32,
    /// In printed order: score descending, ties by 总工单数 descending, then name.
    pub rows: Vec<ScoreRow>,
    /// Listed, not scored or ranked.
    pub unscored: Vec<Unscored>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HighlightList {
    pub name: String,
    pub group: Option<String>,
    pub rows: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradeShare {
    pub label: String,
    pub count: u64,
    pub share: crate::indicators::Rate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub rules: String,
    pub groups: Vec<GroupScores>,
    /// Scored entities no group takes (not scored; listed so nothing is silently dropped).
    pub ungrouped: Vec<String>,
    /// Scored entities whose score is below every grade band: no grade (listed, never silent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ungraded: Vec<String>,
    /// Registry and rule file disagreeing on a unit's group or full score.
    pub conflicts: Vec<String>,
    /// The mean given to unscored units, as printed, when the rules use it.
    pub unscored_mean: Option<String>,
    /// "X分以上": (X, count), inclusive, over every entity with a score.
    pub score_counts: Vec<(String, u64)>,
    pub grade_shares: Vec<GradeShare>,
    pub highlights: Vec<HighlightList>,
}

/// Inputs besides the tallies.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    pub registry: Option<&'a Registry>,
    pub adjustments: Option<&'a Adjustments>,
    /// Months in the period scored (0 and 1 both mean a month): names the no-ticket reason.
    pub months: u32,
}

/// Applies `rules` to the candidates (members and units with their tallies for the period):
/// placing them in groups, evaluating every item, then the unscored rule, ranks and grades.
pub fn score(rules: &RuleSet, candidates: &[Candidate], ctx: &Context) -> Scores {
    let placed = place::place_all(rules, candidates, ctx);
    let pending = evaluate::pending_rows(rules, ctx, &placed.members);
    let (mut groups, unscored_mean) = rank::settle_unscored(rules, pending);
    let ungraded = rank::rank_and_grade(rules, &mut groups);
    let (score_counts, grade_shares, highlights) = rank::summaries(rules, &groups);
    Scores {
        rules: rules.name.clone(),
        groups,
        ungrouped: placed.ungrouped,
        ungraded,
        conflicts: placed.conflicts,
        unscored_mean,
        score_counts,
        grade_shares,
        highlights,
    }
}
