//! Placing: which rule group scores each entity, at which full score, and where the unit
//! registry and the rule file disagree.

use super::{Candidate, Context};
use crate::count::entity::EntityLevel;
use crate::count::indicators::Split;
use crate::ratio::Ratio;
use crate::score::rules::{pattern_matches, GroupSource, RuleSet};

/// One entity a group scores.
pub(super) struct Member {
    pub name: String,
    /// `None`: named by the rules or the registry, with no ticket at all.
    pub tallies: Option<Split>,
    pub full: Ratio,
}

/// Every group's entities, and what placing them found.
pub(super) struct Placed {
    /// Indexed like `rules.groups`.
    pub members: Vec<Vec<Member>>,
    pub conflicts: Vec<String>,
    /// Entities of the scored level that no group takes: listed, never dropped.
    pub ungrouped: Vec<String>,
}

/// Places the candidates, and the units the groups or the registry name that had no ticket.
pub(super) fn place_all(rules: &RuleSet, candidates: &[Candidate], ctx: &Context) -> Placed {
    let mut conflicts = Vec::new();
    let mut ungrouped = Vec::new();
    let mut members: Vec<Vec<Member>> = (0..rules.groups.len()).map(|_| Vec::new()).collect();
    for c in candidates {
        match place(rules, ctx, &c.name, c.level, &mut conflicts) {
            Some((g, full)) => {
                members[g].push(Member { name: c.name.clone(), tallies: Some(c.tallies), full })
            }
            // Entities of the scored level that no group takes are listed, never dropped.
            None if c.level == rules.level && !c.tallies.is_empty() => ungrouped.push(c.name.clone()),
            None => {}
        }
    }
    // Units the groups or the registry name that had no ticket at all: unscored, not forgotten.
    let mut known: Vec<(String, EntityLevel)> = Vec::new();
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
        if let Some((g, full)) = place(rules, ctx, &name, level, &mut Vec::new()) {
            if !members[g].iter().any(|m| m.name == name) {
                members[g].push(Member { name, tallies: None, full });
            }
        }
    }
    conflicts.sort();
    conflicts.dedup();
    conflicts.sort();
    conflicts.dedup();
    Placed { members, conflicts, ungrouped }
}

/// The group and full score of one entity, noting disagreements in `conflicts`.
fn place(
    rules: &RuleSet,
    ctx: &Context,
    name: &str,
    level: EntityLevel,
    conflicts: &mut Vec<String>,
) -> Option<(usize, Ratio)> {
    let by_rules = rules_group(rules, name, level);
    let entry = ctx.registry.and_then(|r| r.get(name)).filter(|e| !e.group.is_empty());
    let by_registry = entry.and_then(|e| {
        rules.groups.iter().position(|g| g.name == e.group && g.level.unwrap_or(rules.level) == level)
    });
    if let (Some(e), None) = (entry, by_registry) {
        // Under either source: a registry group the rules do not have is a disagreement to list.
        if level == rules.level {
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
                    conflicts
                        .push(format!("“{name}”：单位名录满分 {reg}，规则文件 {full}；按单位名录取 {reg}"));
                    full = reg;
                }
                GroupSource::Rules => conflicts
                    .push(format!("“{name}”：单位名录满分 {reg}，规则文件 {full}；按规则文件取 {full}")),
            }
        }
    }
    Some((g, full))
}

/// Which group an entity belongs to by the rule file: explicit members first, then patterns,
/// subgroups before their parents.
fn rules_group(rules: &RuleSet, name: &str, level: EntityLevel) -> Option<usize> {
    let at_level = |g: &crate::score::rules::Group| g.level.unwrap_or(rules.level) == level;
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
