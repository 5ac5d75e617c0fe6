//! Scoring: a [`RuleSet`] applied to per-entity tallies gives every group's table of item points,
//! totals, ranks and grades, the unscored units with their reason, highlight lists and counts.
//!
//! Pure and cheap: it reads the tallies the indicator pass produced, never the tickets, so a
//! change of weights, bands, groups or rounding re-scores at once.

use crate::figures::Figures;
use crate::indicators::{IndicatorOptions, Split};
use crate::ratio::Ratio;
use crate::registry::{Adjustments, Registry};
use crate::rules::{
    pattern_matches, Cap, GroupSource, Item, Level, MeanOver, NoDenominator, RateAs, RuleSet, Scope,
    UnscoredRule,
};
use serde::{Deserialize, Serialize};

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
}

fn rate_value<'a>(f: &'a Figures, key: &str) -> Option<&'a crate::indicators::Rate> {
    f.rates().into_iter().find(|(k, _)| *k == key).map(|(_, r)| r)
}

fn count_value(f: &Figures, key: &str) -> u64 {
    match key {
        "accepted" => f.accepted,
        "received" => f.received,
        "carried_over" => f.carried_over,
        "direct" => f.direct,
        "transferred" => f.transferred,
        "dispatched" => f.dispatched,
        "due" => f.due,
        "closed" => f.closed,
        "on_time" => f.on_time,
        "closed_late" => f.closed_late,
        "open_overdue" => f.open_overdue,
        "reworked" => f.reworked,
        "urgent_due" => f.urgent_due,
        "urgent_on_time" => f.urgent_on_time,
        "no_sign_due" => f.no_sign_due,
        "rated" => f.rated,
        "satisfied" => f.satisfied,
        "basically_satisfied" => f.basically_satisfied,
        "unsatisfied" => f.unsatisfied,
        "not_reached" => f.not_reached,
        "audited" => f.audited,
        "audit_non_compliant" => f.audited - f.audit_rate.num,
        _ => 0,
    }
}

/// A rate as the item uses it: exact, or rounded to `rate_decimals` percent decimals first.
fn rate_ratio(r: &crate::indicators::Rate, rate_decimals: Option<u32>) -> Option<Ratio> {
    if r.den == 0 {
        return None;
    }
    let exact = Ratio::new(i128::from(r.num), i128::from(r.den));
    Some(match rate_decimals {
        Some(d) => (exact * Ratio::int(100)).round(d) * Ratio::new(1, 100),
        None => exact,
    })
}

fn as_unit(r: Ratio, how: RateAs) -> Ratio {
    match how {
        RateAs::Fraction => r,
        RateAs::Percent => r * Ratio::int(100),
    }
}

/// Evaluates one item: (shown value, points or None = left out, max points for rescaling).
fn evaluate(
    item: &Item,
    figures: [&Figures; 3],
    name: &str,
    rules: &RuleSet,
    ctx: &Context,
) -> (String, Option<Ratio>, Option<Ratio>) {
    let [all, m, p] = figures;
    let fig = |scope: Scope| -> &Figures {
        match scope {
            Scope::All => all,
            Scope::Municipal => m,
            Scope::Province => p,
        }
    };
    let rd = rules.score.rate_decimals;
    let rate_of = |scope: Scope, key: &str| -> (String, Option<Ratio>) {
        match rate_value(fig(scope), key) {
            Some(r) => (r.display(), rate_ratio(r, rd)),
            None => ("—".into(), None),
        }
    };
    match item {
        Item::Weighted { indicator, scope, weight, rate_as, no_denominator, .. } => {
            let (shown, r) = rate_of(*scope, indicator);
            let max = weight.0 * as_unit(Ratio::ONE, *rate_as);
            let pts = match (r, no_denominator) {
                (Some(r), _) => Some(weight.0 * as_unit(r, *rate_as)),
                (None, NoDenominator::Full) => Some(max),
                (None, NoDenominator::Zero) => Some(Ratio::ZERO),
                (None, NoDenominator::Rescale) => None,
            };
            (shown, pts, Some(max))
        }
        Item::Shortfall { indicator, scope, weight, no_denominator, .. } => {
            let (shown, r) = rate_of(*scope, indicator);
            let pts = match (r, no_denominator) {
                (Some(r), _) => Some(weight.0 * (Ratio::ONE - r)),
                (None, NoDenominator::Zero) => Some(weight.0),
                (None, _) => Some(Ratio::ZERO),
            };
            (shown, pts, None)
        }
        Item::Threshold {
            indicator,
            scope,
            full,
            threshold,
            per_point,
            rate_as,
            as_deduction,
            no_denominator,
            ..
        } => {
            let (shown, r) = rate_of(*scope, indicator);
            let offset = if *as_deduction { full.0 } else { Ratio::ZERO };
            let pts = match (r, no_denominator) {
                (Some(r), _) => {
                    let short = (threshold.0 - as_unit(r, *rate_as)).max(Ratio::ZERO);
                    Some((full.0 - per_point.0 * short).max(Ratio::ZERO) - offset)
                }
                (None, NoDenominator::Zero) => Some(-offset),
                (None, _) => Some(full.0 - offset),
            };
            (shown, pts, None)
        }
        Item::Steps { indicator, scope, rate_as, steps, no_denominator, .. } => {
            let (shown, r) = rate_of(*scope, indicator);
            let best = steps.iter().map(|s| s.points.0).max().unwrap_or(Ratio::ZERO);
            let pts = match (r, no_denominator) {
                (Some(r), _) => {
                    let v = as_unit(r, *rate_as);
                    Some(steps.iter().find(|s| v >= s.min.0).map_or(Ratio::ZERO, |s| s.points.0))
                }
                (None, NoDenominator::Zero) => Some(Ratio::ZERO),
                (None, _) => Some(best),
            };
            (shown, pts, None)
        }
        Item::PerTicket { indicator, scope, per_ticket, cap, .. } => {
            let n = count_value(fig(*scope), indicator);
            let mut pts = per_ticket.0 * Ratio::int(n as i64);
            if let Some(cap) = cap {
                let c = cap.0.abs();
                pts = pts.max(-c).min(c);
            }
            (n.to_string(), Some(pts), None)
        }
        Item::VolumeBonus { indicator, scope, reference, per_ticket, cap, .. } => {
            let n = count_value(fig(*scope), indicator);
            let pts = ((Ratio::int(n as i64) - reference.0) * per_ticket.0).max(Ratio::ZERO).min(cap.0);
            (n.to_string(), Some(pts), None)
        }
        Item::Adjustment { items, min, max, .. } => {
            let mut sum = Ratio::ZERO;
            let mut found = false;
            if let Some(a) = ctx.adjustments {
                for e in a.entries.iter().filter(|e| e.unit == name && items.contains(&e.item)) {
                    sum = sum + e.points;
                    found = true;
                }
            }
            if let Some(lo) = min {
                sum = sum.max(lo.0);
            }
            if let Some(hi) = max {
                sum = sum.min(hi.0);
            }
            (if found { sum.to_string() } else { "—".into() }, Some(sum), None)
        }
    }
}

/// Which group an entity belongs to by the rule file: explicit members first, then patterns,
/// subgroups before their parents.
fn rules_group(rules: &RuleSet, name: &str, level: Level) -> Option<usize> {
    let at_level = |g: &crate::rules::Group| g.level.unwrap_or(rules.level) == level;
    if let Some(i) = rules.groups.iter().position(|g| at_level(g) && g.members.iter().any(|m| m == name)) {
        return Some(i);
    }
    let by_pattern = |sub: bool| {
        rules.groups.iter().position(|g| {
            at_level(g)
                && g.subgroup_of.is_some() == sub
                && g.patterns.iter().any(|p| pattern_matches(p, name))
        })
    };
    by_pattern(true).or_else(|| by_pattern(false))
}

fn tie_order(a: &ScoreRow, b: &ScoreRow) -> std::cmp::Ordering {
    b.dispatched.cmp(&a.dispatched).then_with(|| a.name.cmp(&b.name))
}

/// Applies `rules` to the candidates (members and units with their tallies for the period).
pub fn score(rules: &RuleSet, candidates: &[Candidate], ctx: &Context) -> Scores {
    let opts: IndicatorOptions = rules.indicator_options;
    let mut conflicts = Vec::new();
    let mut ungrouped = Vec::new();
    let mut members: Vec<Vec<(String, Option<Split>)>> = vec![Vec::new(); rules.groups.len()];
    let mut full_scores: Vec<Vec<Ratio>> = vec![Vec::new(); rules.groups.len()];

    let place = |name: &str, level: Level, conflicts: &mut Vec<String>| -> Option<(usize, Ratio)> {
        let by_rules = rules_group(rules, name, level);
        let entry = ctx.registry.and_then(|r| r.get(name)).filter(|e| !e.group.is_empty());
        let by_registry = entry.and_then(|e| {
            rules.groups.iter().position(|g| g.name == e.group && g.level.unwrap_or(rules.level) == level)
        });
        if let (Some(e), None) = (entry, by_registry) {
            if rules.group_source == GroupSource::Registry && level == rules.level {
                conflicts.push(format!("单位名录中“{name}”的分组“{}”不在规则文件中", e.group));
            }
        }
        if let (Some(a), Some(b)) = (by_rules, by_registry) {
            if a != b {
                let (src, chosen) = match rules.group_source {
                    GroupSource::Rules => ("规则文件", a),
                    GroupSource::Registry => ("单位名录", b),
                };
                conflicts.push(format!(
                    "“{name}”：单位名录分组为“{}”，规则文件为“{}”；按{src}取“{}”",
                    rules.groups[b].name, rules.groups[a].name, rules.groups[chosen].name
                ));
            }
        }
        let g = match rules.group_source {
            GroupSource::Rules => by_rules.or(by_registry),
            GroupSource::Registry => by_registry.or(by_rules),
        }?;
        let mut full = rules.groups[g].full_score.0;
        if let Some(f) = entry.and_then(|e| e.full_score) {
            let reg = Ratio::parse_decimal(&f.to_string()).unwrap_or(full);
            if reg != full {
                match rules.group_source {
                    GroupSource::Registry => {
                        conflicts.push(format!(
                            "“{name}”：单位名录满分 {reg}，规则文件 {full}；按单位名录取 {reg}"
                        ));
                        full = reg;
                    }
                    GroupSource::Rules => conflicts
                        .push(format!("“{name}”：单位名录满分 {reg}，规则文件 {full}；按规则文件取 {full}")),
                }
            }
        }
        Some((g, full))
    };

    for c in candidates {
        match place(&c.name, c.level, &mut conflicts) {
            Some((g, full)) => {
                members[g].push((c.name.clone(), Some(c.tallies)));
                full_scores[g].push(full);
            }
            // Entities of the scored level that no group takes are listed, never dropped.
            None if c.level == rules.level && !c.tallies.is_empty() => ungrouped.push(c.name.clone()),
            None => {}
        }
    }
    // Units the groups or the registry name that had no ticket at all: unscored, not forgotten.
    let mut known: Vec<(String, Level)> = Vec::new();
    for g in &rules.groups {
        for m in &g.members {
            known.push((m.clone(), g.level.unwrap_or(rules.level)));
        }
    }
    if let Some(r) = ctx.registry {
        for e in r.entries.iter().filter(|e| !e.group.is_empty() && e.parent.is_empty()) {
            known.push((e.unit.clone(), rules.level));
        }
    }
    for (name, level) in known {
        if candidates.iter().any(|c| c.name == name && c.level == level) {
            continue;
        }
        if let Some((g, full)) = place(&name, level, &mut Vec::new()) {
            if !members[g].iter().any(|(n, _)| *n == name) {
                members[g].push((name, None));
                full_scores[g].push(full);
            }
        }
    }
    conflicts.sort();
    conflicts.dedup();

    // Score every grouped entity.
    struct Pending {
        group: usize,
        row: ScoreRow,
        unscored: Option<(&'static str, UnscoredRule)>,
    }
    let mut pending: Vec<Pending> = Vec::new();
    for (gi, g) in rules.groups.iter().enumerate() {
        let decimals = g.decimals.unwrap_or(rules.score.decimals);
        for ((name, tallies), full) in members[gi].iter().zip(&full_scores[gi]) {
            let split = tallies.unwrap_or_default();
            let all = Figures::from_tally(&split.all(), &opts);
            let m = Figures::from_tally(split.municipal(), &opts);
            let p = Figures::from_tally(split.province(), &opts);
            let no_tickets = all.accepted == 0 && all.dispatched == 0 && all.due == 0 && all.rated == 0;
            let unscored = if no_tickets {
                Some(("本月无工单", rules.unscored.no_tickets))
            } else if all.due == 0 {
                Some(("无应办结工单", rules.unscored.no_due))
            } else {
                None
            };
            let mut items = Vec::new();
            let mut sum_rate = Ratio::ZERO;
            let mut sum_other = Ratio::ZERO;
            let (mut max_all, mut max_kept) = (Ratio::ZERO, Ratio::ZERO);
            for item in &rules.items {
                let (value, pts, max) = evaluate(item, [&all, &m, &p], name, rules, ctx);
                if let Some(mx) = max {
                    max_all = max_all + mx;
                    if pts.is_some() {
                        max_kept = max_kept + mx;
                    }
                    sum_rate = sum_rate + pts.unwrap_or(Ratio::ZERO);
                } else {
                    sum_other = sum_other + pts.unwrap_or(Ratio::ZERO);
                }
                items.push(ItemPoints { item: item.name().to_string(), value, points: pts });
            }
            let rescale = if max_kept != max_all && max_kept > Ratio::ZERO {
                max_all.checked_div(max_kept).unwrap_or(Ratio::ONE)
            } else {
                Ratio::ONE
            };
            let mut exact = rules.score.base.0 + sum_rate * rescale + sum_other;
            match &rules.score.cap {
                Some(Cap::Points(c)) => exact = exact.min(c.0),
                Some(Cap::Named(_)) => exact = exact.min(*full),
                None => {}
            }
            let row = ScoreRow {
                name: name.clone(),
                dispatched: all.dispatched,
                due: all.due,
                items,
                exact,
                score: exact.to_fixed(decimals),
                rank: None,
                grade: None,
                note: None,
            };
            pending.push(Pending { group: gi, row, unscored });
        }
    }

    // The mean for unscored units uses the printed scores of the scored ones.
    let scored_scores = |group: Option<usize>| -> Vec<Ratio> {
        pending
            .iter()
            .filter(|p| p.unscored.is_none() && group.is_none_or(|g| p.group == g))
            .map(|p| Ratio::parse_decimal(&p.row.score).unwrap_or(Ratio::ZERO))
            .collect()
    };
    let mean_of = |v: Vec<Ratio>, decimals: u32| -> Option<Ratio> {
        let n = v.len() as i64;
        (n > 0)
            .then(|| v.into_iter().fold(Ratio::ZERO, |a, b| a + b) * Ratio::new(1, i128::from(n)))
            .map(|m| m.round(decimals))
    };
    let overall_mean = mean_of(scored_scores(None), rules.score.decimals);
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
    let group_means: Vec<Option<Ratio>> =
        (0..rules.groups.len()).map(|g| mean_of(scored_scores(Some(g)), rules.score.decimals)).collect();
    for p in pending {
        let g = &mut groups[p.group];
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
                        MeanOver::Group => group_means[p.group],
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

    // Order, rank (competition ranking on printed scores; mean/full rows are not ranked) and grade.
    let printed = |r: &ScoreRow| Ratio::parse_decimal(&r.score).unwrap_or(Ratio::ZERO);
    for g in &mut groups {
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
            }
        }
    }

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
                        share: crate::indicators::Rate::new(n, den as u64),
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
    Scores {
        rules: rules.name.clone(),
        groups,
        ungrouped,
        conflicts,
        unscored_mean,
        score_counts,
        grade_shares,
        highlights,
    }
}
