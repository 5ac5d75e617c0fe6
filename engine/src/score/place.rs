//! Placing: which rule group scores each entity, at which full score, and where the unit
//! registry and the rule file disagree.
//!
//! Every look-up by name is a hash look-up ([`Groups`], [`crate::score::registry::Registry::get`]),
//! so placing n entities among g groups is linear in n + g plus the pattern matching (100 000
//! groups once took 54 s).

use super::{Candidate, Context};
use crate::count::entity::EntityLevel;
use crate::count::indicators::Split;
use crate::ratio::Ratio;
use crate::score::rules::{pattern_matches, Group, GroupSource, RuleSet};
use rustc_hash::{FxHashMap, FxHashSet};

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

/// The rule file's groups indexed by what placing asks of them.
struct Groups<'a> {
    rules: &'a RuleSet,
    /// The first group listing a name among its `members`, per level.
    by_member: FxHashMap<(&'a str, EntityLevel), usize>,
    /// Each group by its name (names are unique).
    by_name: FxHashMap<&'a str, usize>,
    /// The groups with patterns, in file order, with their positions in `rules.groups`.
    with_patterns: Vec<(usize, &'a Group)>,
}

impl<'a> Groups<'a> {
    fn new(rules: &'a RuleSet) -> Groups<'a> {
        let mut by_member = FxHashMap::default();
        let mut by_name = FxHashMap::default();
        let mut with_patterns = Vec::new();
        for (i, g) in rules.groups.iter().enumerate() {
            let level = g.level.unwrap_or(rules.level);
            for m in &g.members {
                by_member.entry((m.as_str(), level)).or_insert(i);
            }
            by_name.entry(g.name.as_str()).or_insert(i);
            if !g.patterns.is_empty() {
                with_patterns.push((i, g));
            }
        }
        Groups { rules, by_member, by_name, with_patterns }
    }

    fn level(&self, g: &Group) -> EntityLevel {
        g.level.unwrap_or(self.rules.level)
    }

    /// Which group an entity belongs to by the rule file: explicit members first, then
    /// patterns, subgroups before their parents.
    fn of(&self, name: &str, level: EntityLevel) -> Option<usize> {
        if let Some(&i) = self.by_member.get(&(name, level)) {
            return Some(i);
        }
        let by_pattern = |sub: bool| {
            self.with_patterns
                .iter()
                .find(|&&(_, g)| {
                    self.level(g) == level
                        && g.subgroup_of.is_some() == sub
                        && g.patterns.iter().any(|p| pattern_matches(p, name))
                })
                .map(|&(i, _)| i)
        };
        by_pattern(true).or_else(|| by_pattern(false))
    }

    /// The group named `name` at `level`.
    fn named(&self, name: &str, level: EntityLevel) -> Option<usize> {
        self.by_name
            .get(name)
            .copied()
            .filter(|&i| self.rules.groups.get(i).is_some_and(|g| self.level(g) == level))
    }
}

/// Places the candidates, and the units the groups or the registry name that had no ticket.
pub(super) fn place_all(rules: &RuleSet, candidates: &[Candidate], ctx: &Context) -> Placed {
    let groups = Groups::new(rules);
    let mut conflicts = Vec::new();
    let mut ungrouped = Vec::new();
    let mut members: Vec<Vec<Member>> = (0..rules.groups.len()).map(|_| Vec::new()).collect();
    let mut placed: FxHashSet<(usize, String)> = FxHashSet::default();
    for c in candidates {
        match place(&groups, ctx, &c.name, c.level, &mut conflicts) {
            Some((g, full)) => {
                placed.insert((g, c.name.clone()));
                // `place` gives positions in `rules.groups`, and `members` has one list per group.
                if let Some(m) = members.get_mut(g) {
                    m.push(Member { name: c.name.clone(), tallies: Some(c.tallies), full });
                }
            }
            // Entities of the scored level that no group takes are listed, never dropped.
            None if c.level == rules.level && !c.tallies.is_empty() => ungrouped.push(c.name.clone()),
            None => {}
        }
    }
    // Units the groups or the registry name that had no ticket at all: unscored, not forgotten.
    let mut known: Vec<(&str, EntityLevel)> = Vec::new();
    for g in &rules.groups {
        for m in &g.members {
            known.push((m, groups.level(g)));
        }
    }
    if let Some(r) = ctx.registry {
        for e in r.entries.iter().filter(|e| !e.group.is_empty() && e.parent.is_empty()) {
            known.push((&e.unit, rules.level));
        }
    }
    let candidate_set: FxHashSet<(&str, EntityLevel)> =
        candidates.iter().map(|c| (c.name.as_str(), c.level)).collect();
    for (name, level) in known {
        if candidate_set.contains(&(name, level)) {
            continue;
        }
        if let Some((g, full)) = place(&groups, ctx, name, level, &mut Vec::new()) {
            if let (true, Some(m)) = (placed.insert((g, name.to_string())), members.get_mut(g)) {
                m.push(Member { name: name.to_string(), tallies: None, full });
            }
        }
    }
    conflicts.sort();
    conflicts.dedup();
    // A name a group of another level scores is that unit, scored: not "ungrouped" too (Panjin
    // ranks 承办单位 in a unit-level group while its county groups are of member units).
    let scored: FxHashSet<&str> = placed.iter().map(|(_, n)| n.as_str()).collect();
    ungrouped.retain(|n| !scored.contains(n.as_str()));
    Placed { members, conflicts, ungrouped }
}

/// The group and full score of one entity, noting disagreements in `conflicts`.
fn place(
    groups: &Groups,
    ctx: &Context,
    name: &str,
    level: EntityLevel,
    conflicts: &mut Vec<String>,
) -> Option<(usize, Ratio)> {
    let rules = groups.rules;
    let by_rules = groups.of(name, level);
    let entry = ctx.registry.and_then(|r| r.get(name)).filter(|e| !e.group.is_empty());
    let by_registry = entry.and_then(|e| groups.named(&e.group, level));
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
            // `a` and `b` are positions in `rules.groups` (from `Groups`).
            let name_of = |i: usize| rules.groups.get(i).map_or("", |g| g.name.as_str());
            conflicts.push(format!(
                "“{name}”：单位名录分组为“{}”，规则文件为“{}”；按{src}取“{}”",
                name_of(b),
                name_of(a),
                name_of(chosen)
            ));
        }
    }
    let g = match rules.group_source {
        GroupSource::Rules => by_rules.or(by_registry),
        GroupSource::Registry => by_registry.or(by_rules),
    }?;
    let mut full = rules.groups.get(g)?.full_score.0;
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
