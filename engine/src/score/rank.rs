//! Ranking: the unscored rule, order and competition ranks, grades, and the counts and lists
//! over the printed scores.

use super::evaluate::Pending;
use super::{GradeShare, GroupScores, HighlightList, ScoreRow, Unscored};
use crate::error::ScoreError;
use crate::ratio::Ratio;
use crate::score::rules::{MeanOver, RuleSet, UnscoredRule};

/// The printed score: ranks, grades and counts use it, never the exact total.
fn printed(r: &ScoreRow) -> Ratio {
    Ratio::parse_decimal(&r.score).unwrap_or(Ratio::ZERO)
}

/// The groups' tables with each pending row placed by the unscored rule (listed apart, given the
/// mean, or full points), and the mean given, as printed.
pub(super) fn settle_unscored(
    rules: &RuleSet,
    pending: Vec<Pending>,
) -> Result<(Vec<GroupScores>, Option<String>), ScoreError> {
    // The mean for unscored units uses the printed scores of the scored ones: summed per group
    // in one pass (a pass per group was quadratic in the groups).
    let overflow = |entity: &str| ScoreError { entity: entity.to_string(), item: "平均分".into() };
    let mut sums: Vec<(Ratio, i64)> = vec![(Ratio::ZERO, 0); rules.groups.len()];
    for p in pending.iter().filter(|p| p.unscored.is_none()) {
        if let Some(s) = sums.get_mut(p.group) {
            let sum = s.0.checked_add(printed(&p.row)).ok_or_else(|| overflow(&p.row.name))?;
            *s = (sum, s.1 + 1);
        }
    }
    let mean_of = |(sum, n): (Ratio, i64)| -> Option<Option<Ratio>> {
        match n {
            0 => Some(None),
            n => Some(Some(
                sum.checked_mul(Ratio::checked_new(1, i128::from(n))?)?.round(rules.score.decimals)?,
            )),
        }
    };
    let mut overall = (Ratio::ZERO, 0);
    for s in &sums {
        overall = (overall.0.checked_add(s.0).ok_or_else(|| overflow("全部分组"))?, overall.1 + s.1);
    }
    let overall_mean = mean_of(overall).ok_or_else(|| overflow("全部分组"))?;
    let mut unscored_mean = None;
    let mut groups: Vec<GroupScores> = rules
        .groups
        .iter()
        .map(|g| GroupScores {
            name: g.name.clone(),
            subgroup_of: g.subgroup_of.clone(),
            full_score: g.full_score.0,
            decimals: g.decimals.unwrap_or(rules.score.decimals),
            rows: Vec::new(),
            unscored: Vec::new(),
        })
        .collect();
    let group_means: Vec<Option<Ratio>> = sums
        .into_iter()
        .zip(&rules.groups)
        .map(|(s, g)| mean_of(s).ok_or_else(|| overflow(&g.name)))
        .collect::<Result<_, _>>()?;
    for p in pending {
        // `p.group` is a position in `rules.groups`, as `groups` (and `group_means`) are.
        let Some(g) = groups.get_mut(p.group) else { continue };
        match p.unscored {
            None => g.rows.push(p.row),
            Some((reason, UnscoredRule::List)) => {
                g.unscored.push(Unscored { name: p.row.name, reason: reason.into() })
            }
            Some((reason, rule)) => {
                let value = match rule {
                    UnscoredRule::Full => Some(g.full_score),
                    _ => match rules.unscored.mean_over {
                        MeanOver::AllGroups => overall_mean,
                        MeanOver::Group => group_means.get(p.group).copied().flatten(),
                    },
                };
                let Some(v) = value else {
                    g.unscored.push(Unscored { name: p.row.name, reason: reason.into() });
                    continue;
                };
                if rule == UnscoredRule::Mean {
                    unscored_mean = Some(v.to_fixed(rules.score.decimals));
                }
                let note = match rule {
                    UnscoredRule::Full => format!("{reason}，按满分计"),
                    _ => format!("{reason}，取平均分"),
                };
                let mut row = p.row;
                row.exact = v;
                row.score = v.to_fixed(g.decimals);
                row.items.iter_mut().for_each(|i| i.points = None);
                row.note = Some(note);
                g.rows.push(row);
            }
        }
    }
    Ok((groups, unscored_mean))
}

/// Orders each group's rows by printed score (ties by 总工单数, then name), ranks them (rows given
/// the mean or full points are not ranked) and grades them. Returns the rows below every band.
pub(super) fn rank_and_grade(rules: &RuleSet, groups: &mut [GroupScores]) -> Vec<String> {
    let mut ungraded = Vec::new();
    // Order, rank (competition ranking on printed scores; mean/full rows are not ranked) and grade.
    for g in groups.iter_mut() {
        g.rows.sort_by(|a, b| printed(b).cmp(&printed(a)).then_with(|| tie_order(a, b)));
        let mut rank = 0;
        let mut seen = 0;
        let mut last: Option<Ratio> = None;
        for r in g.rows.iter_mut().filter(|r| r.note.is_none()) {
            seen += 1;
            let s = printed(r);
            if last != Some(s) {
                rank = seen;
                last = Some(s);
            }
            r.rank = Some(rank);
        }
        if let Some(grades) = &rules.grades {
            for r in &mut g.rows {
                let s = printed(r);
                r.grade = grades
                    .bands
                    .iter()
                    .filter(|b| s >= b.min.0)
                    .max_by_key(|b| b.min.0)
                    .map(|b| b.label.clone());
                if r.grade.is_none() {
                    ungraded.push(r.name.clone());
                }
            }
        }
    }
    ungraded
}

/// "X分以上", grade shares and highlight lists, over the ranked groups.
pub(super) fn summaries(
    rules: &RuleSet,
    groups: &[GroupScores],
) -> (Vec<(String, u64)>, Vec<GradeShare>, Vec<HighlightList>) {
    let all_rows: Vec<&ScoreRow> = groups.iter().flat_map(|g| g.rows.iter()).collect();
    let score_counts = rules
        .score_counts
        .iter()
        .map(|x| (x.0.to_string(), all_rows.iter().filter(|r| printed(r) >= x.0).count() as u64))
        .collect();
    let grade_shares = match &rules.grades {
        None => Vec::new(),
        Some(grades) => {
            let unscored_n: usize = groups.iter().map(|g| g.unscored.len()).sum();
            let den = all_rows.len() + if grades.shares_count_unscored { unscored_n } else { 0 };
            let mut bands = grades.bands.clone();
            bands.sort_by_key(|b| std::cmp::Reverse(b.min.0));
            bands
                .iter()
                .map(|b| {
                    let n = all_rows.iter().filter(|r| r.grade.as_deref() == Some(b.label.as_str())).count()
                        as u64;
                    GradeShare {
                        label: b.label.clone(),
                        count: n,
                        share: crate::count::indicators::Rate::new(n, den as u64),
                    }
                })
                .collect()
        }
    };
    let highlights = rules
        .highlights
        .iter()
        .map(|h| {
            let mut rows: Vec<&ScoreRow> = groups
                .iter()
                .filter(|g| h.group.as_ref().is_none_or(|n| *n == g.name))
                .flat_map(|g| g.rows.iter())
                .filter(|r| r.note.is_none() && r.dispatched >= h.min_tickets)
                .collect();
            let top = h.top.is_some();
            rows.sort_by(|a, b| {
                let o = printed(b).cmp(&printed(a));
                (if top { o } else { o.reverse() }).then_with(|| tie_order(a, b))
            });
            let n = h.top.or(h.bottom).unwrap_or(0) as usize;
            HighlightList {
                name: h.name.clone(),
                group: h.group.clone(),
                rows: rows.into_iter().take(n).map(|r| (r.name.clone(), r.score.clone())).collect(),
            }
        })
        .collect();
    (score_counts, grade_shares, highlights)
}

fn tie_order(a: &ScoreRow, b: &ScoreRow) -> std::cmp::Ordering {
    b.dispatched.cmp(&a.dispatched).then_with(|| a.name.cmp(&b.name))
}
