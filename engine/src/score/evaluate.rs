//! Evaluating: each item's points for one entity, and the entity's total.

use super::place::Member;
use super::{Context, ItemPoints, ScoreRow};
use crate::count::catalogue::{Figures, Indicator};
use crate::count::entity::Scope;
use crate::ratio::Ratio;
use crate::score::registry::Adjustment;
use crate::score::rules::{Cap, Item, NoDenominator, RateAs, RuleSet, UnscoredRule};
use rustc_hash::FxHashMap;

/// The adjustments file's rows by 单位, made once per scoring: an entity's adjustment items read
/// its own rows, not the whole file (100 000 rows for 100 000 units was quadratic).
pub(super) type AdjustmentsByUnit<'a> = FxHashMap<&'a str, Vec<&'a Adjustment>>;

/// [`AdjustmentsByUnit`] of the context's adjustments file (empty without one).
pub(super) fn adjustments_by_unit<'a>(ctx: &Context<'a>) -> AdjustmentsByUnit<'a> {
    let mut by: AdjustmentsByUnit<'a> = FxHashMap::default();
    for e in ctx.adjustments.iter().flat_map(|a| &a.entries) {
        by.entry(e.unit.as_str()).or_default().push(e);
    }
    by
}

/// A scored row before the unscored rule and ranking.
pub(super) struct Pending {
    pub group: usize,
    pub row: ScoreRow,
    /// Why the entity is unscored (本月无工单, 无应办结工单) and the rule for it.
    pub unscored: Option<(&'static str, UnscoredRule)>,
}

/// Every grouped entity's row, in group order.
pub(super) fn pending_rows(
    rules: &RuleSet,
    ctx: &Context,
    adjustments: &AdjustmentsByUnit,
    members: &[Vec<Member>],
) -> Vec<Pending> {
    let mut pending = Vec::new();
    for (gi, g) in rules.groups.iter().enumerate() {
        let decimals = g.decimals.unwrap_or(rules.score.decimals);
        for m in &members[gi] {
            let own = adjustments.get(m.name.as_str()).map_or(&[][..], Vec::as_slice);
            let (row, unscored) = entity_row(rules, ctx, own, m, decimals);
            pending.push(Pending { group: gi, row, unscored });
        }
    }
    pending
}

/// One entity's items and total (before the unscored rule).
fn entity_row(
    rules: &RuleSet,
    ctx: &Context,
    adjustments: &[&Adjustment],
    member: &Member,
    decimals: u32,
) -> (ScoreRow, Option<(&'static str, UnscoredRule)>) {
    let opts = &rules.indicator_options;
    let (name, full) = (&member.name, &member.full);
    let split = member.tallies.unwrap_or_default();
    let all = Figures::from_tally(&split.all(), opts);
    let m = Figures::from_tally(split.municipal(), opts);
    let p = Figures::from_tally(split.province(), opts);
    let no_tickets = all.accepted == 0 && all.dispatched == 0 && all.due == 0 && all.rated == 0;
    let unscored = if no_tickets {
        Some((if ctx.months > 1 { "本期无工单" } else { "本月无工单" }, rules.unscored.no_tickets))
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
        let (value, pts, max) = evaluate(item, [&all, &m, &p], adjustments, rules);
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
    (row, unscored)
}

fn rate_value<'a>(f: &'a Figures, key: &str) -> Option<&'a crate::count::indicators::Rate> {
    Indicator::from_key(key).and_then(|i| f.rate(i))
}

fn count_value(f: &Figures, key: &str) -> u64 {
    Indicator::from_key(key).and_then(|i| f.get(i).count()).unwrap_or(0)
}

/// A rate as the item uses it: exact, or rounded to `rate_decimals` percent decimals first.
fn rate_ratio(r: &crate::count::indicators::Rate, rate_decimals: Option<u32>) -> Option<Ratio> {
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
    adjustments: &[&Adjustment],
    rules: &RuleSet,
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
        Item::RateGap { indicator, scope, weight, no_denominator, .. } => {
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
            for e in adjustments.iter().filter(|e| items.contains(&e.item)) {
                sum = sum + e.points;
                found = true;
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
