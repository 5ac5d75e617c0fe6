//! Evaluating: each item's points for one entity, and the entity's total.

use super::place::Member;
use super::{Context, ItemPoints, ScoreRow};
use crate::count::catalogue::{Figures, Indicator};
use crate::count::entity::Scope;
use crate::error::ScoreError;
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

/// Why an entity is unscored (本月无工单, 无应办结工单) and the rule for it.
type Unscored = (&'static str, UnscoredRule);

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
) -> Result<Vec<Pending>, ScoreError> {
    let mut pending = Vec::new();
    // `members` is indexed like `rules.groups` (one list per group).
    for ((gi, g), group_members) in rules.groups.iter().enumerate().zip(members) {
        let decimals = g.decimals.unwrap_or(rules.score.decimals);
        for m in group_members {
            let own = adjustments.get(m.name.as_str()).map_or(&[][..], Vec::as_slice);
            let (row, unscored) = entity_row(rules, ctx, own, m, decimals)?;
            pending.push(Pending { group: gi, row, unscored });
        }
    }
    Ok(pending)
}

/// One entity's items and total (before the unscored rule); every step checked.
fn entity_row(
    rules: &RuleSet,
    ctx: &Context,
    adjustments: &[&Adjustment],
    member: &Member,
    decimals: u32,
) -> Result<(ScoreRow, Option<Unscored>), ScoreError> {
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
    let overflow = |item: &str| ScoreError { entity: name.clone(), item: item.to_string() };
    let mut items = Vec::new();
    let mut sum_rate = Ratio::ZERO;
    let mut sum_other = Ratio::ZERO;
    let (mut max_all, mut max_kept) = (Ratio::ZERO, Ratio::ZERO);
    for item in &rules.items {
        let sums = |sum_rate: Ratio, sum_other: Ratio, max_all: Ratio, max_kept: Ratio| {
            let (value, pts, max) = evaluate(item, [&all, &m, &p], adjustments, rules)?;
            let add = |a: Ratio| a.checked_add(pts.unwrap_or(Ratio::ZERO));
            let sums = match max {
                Some(mx) => {
                    let kept = if pts.is_some() { max_kept.checked_add(mx)? } else { max_kept };
                    (add(sum_rate)?, sum_other, max_all.checked_add(mx)?, kept)
                }
                None => (sum_rate, add(sum_other)?, max_all, max_kept),
            };
            Some((value, pts, sums))
        };
        let (value, pts, next) =
            sums(sum_rate, sum_other, max_all, max_kept).ok_or_else(|| overflow(item.name()))?;
        (sum_rate, sum_other, max_all, max_kept) = next;
        items.push(ItemPoints { item: item.name().to_string(), value, points: pts });
    }
    let total = || -> Option<(Ratio, String)> {
        let rescale = if max_kept != max_all && max_kept > Ratio::ZERO {
            max_all.checked_div(max_kept)?
        } else {
            Ratio::ONE
        };
        let mut exact =
            rules.score.base.0.checked_add(sum_rate.checked_mul(rescale)?)?.checked_add(sum_other)?;
        match &rules.score.cap {
            Some(Cap::Points(c)) => exact = exact.min(c.0),
            Some(Cap::Named(_)) => exact = exact.min(*full),
            None => {}
        }
        Some((exact, exact.checked_to_fixed(decimals)?))
    };
    let (exact, score) = total().ok_or_else(|| overflow("总分"))?;
    let row = ScoreRow {
        name: name.clone(),
        dispatched: all.dispatched,
        due: all.due,
        items,
        exact,
        score,
        rank: None,
        grade: None,
        note: None,
    };
    Ok((row, unscored))
}

fn rate_value<'a>(f: &'a Figures, key: &str) -> Option<&'a crate::count::indicators::Rate> {
    Indicator::from_key(key).and_then(|i| f.rate(i))
}

fn count_value(f: &Figures, key: &str) -> u64 {
    Indicator::from_key(key).and_then(|i| f.get(i).count()).unwrap_or(0)
}

/// A rate as the item uses it: exact, or rounded to `rate_decimals` percent decimals first.
/// `Some(None)`: no denominator; `None`: out of exact range.
fn rate_ratio(r: &crate::count::indicators::Rate, rate_decimals: Option<u32>) -> Option<Option<Ratio>> {
    if r.den == 0 {
        return Some(None);
    }
    let exact = Ratio::checked_new(i128::from(r.num), i128::from(r.den))?;
    Some(Some(match rate_decimals {
        Some(d) => exact.checked_mul(Ratio::int(100))?.round(d)?.checked_mul(Ratio::new(1, 100))?,
        None => exact,
    }))
}

fn as_unit(r: Ratio, how: RateAs) -> Option<Ratio> {
    match how {
        RateAs::Fraction => Some(r),
        RateAs::Percent => r.checked_mul(Ratio::int(100)),
    }
}

/// Evaluates one item: (shown value, points or None = left out, max points for rescaling);
/// `None` when a step leaves exact arithmetic.
fn evaluate(
    item: &Item,
    figures: [&Figures; 3],
    adjustments: &[&Adjustment],
    rules: &RuleSet,
) -> Option<(String, Option<Ratio>, Option<Ratio>)> {
    let [all, m, p] = figures;
    let fig = |scope: Scope| -> &Figures {
        match scope {
            Scope::All => all,
            Scope::Municipal => m,
            Scope::Province => p,
        }
    };
    let rd = rules.score.rate_decimals;
    let rate_of = |scope: Scope, key: &str| -> Option<(String, Option<Ratio>)> {
        Some(match rate_value(fig(scope), key) {
            Some(r) => (r.display(), rate_ratio(r, rd)?),
            None => ("—".into(), None),
        })
    };
    Some(match item {
        Item::Weighted { indicator, scope, weight, rate_as, no_denominator, .. } => {
            let (shown, r) = rate_of(*scope, indicator)?;
            let max = weight.0.checked_mul(as_unit(Ratio::ONE, *rate_as)?)?;
            let pts = match (r, no_denominator) {
                (Some(r), _) => Some(weight.0.checked_mul(as_unit(r, *rate_as)?)?),
                (None, NoDenominator::Full) => Some(max),
                (None, NoDenominator::Zero) => Some(Ratio::ZERO),
                (None, NoDenominator::Rescale) => None,
            };
            (shown, pts, Some(max))
        }
        Item::RateGap { indicator, scope, weight, no_denominator, .. } => {
            let (shown, r) = rate_of(*scope, indicator)?;
            let pts = match (r, no_denominator) {
                (Some(r), _) => Some(weight.0.checked_mul(Ratio::ONE.checked_sub(r)?)?),
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
            let (shown, r) = rate_of(*scope, indicator)?;
            let offset = if *as_deduction { full.0 } else { Ratio::ZERO };
            let pts = match (r, no_denominator) {
                (Some(r), _) => {
                    let short = threshold.0.checked_sub(as_unit(r, *rate_as)?)?.max(Ratio::ZERO);
                    let kept = full.0.checked_sub(per_point.0.checked_mul(short)?)?.max(Ratio::ZERO);
                    Some(kept.checked_sub(offset)?)
                }
                (None, NoDenominator::Zero) => Some(offset.checked_neg()?),
                (None, _) => Some(full.0.checked_sub(offset)?),
            };
            (shown, pts, None)
        }
        Item::Steps { indicator, scope, rate_as, steps, no_denominator, .. } => {
            let (shown, r) = rate_of(*scope, indicator)?;
            let best = steps.iter().map(|s| s.points.0).max().unwrap_or(Ratio::ZERO);
            let pts = match (r, no_denominator) {
                (Some(r), _) => {
                    let v = as_unit(r, *rate_as)?;
                    Some(steps.iter().find(|s| v >= s.min.0).map_or(Ratio::ZERO, |s| s.points.0))
                }
                (None, NoDenominator::Zero) => Some(Ratio::ZERO),
                (None, _) => Some(best),
            };
            (shown, pts, None)
        }
        Item::PerTicket { indicator, scope, per_ticket, cap, .. } => {
            let n = count_value(fig(*scope), indicator);
            let mut pts = per_ticket.0.checked_mul(Ratio::count(n))?;
            if let Some(cap) = cap {
                let c = cap.0.checked_abs()?;
                pts = pts.max(c.checked_neg()?).min(c);
            }
            (n.to_string(), Some(pts), None)
        }
        Item::VolumeBonus { indicator, scope, reference, per_ticket, cap, .. } => {
            let n = count_value(fig(*scope), indicator);
            let over = Ratio::count(n).checked_sub(reference.0)?;
            let pts = over.checked_mul(per_ticket.0)?.max(Ratio::ZERO).min(cap.0);
            (n.to_string(), Some(pts), None)
        }
        Item::Adjustment { items, min, max, .. } => {
            let mut sum = Ratio::ZERO;
            let mut found = false;
            for e in adjustments.iter().filter(|e| items.contains(&e.item)) {
                sum = sum.checked_add(e.points)?;
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
    })
}
