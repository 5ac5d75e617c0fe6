//! The rule-file parser and the scorer: any text that parses as a rule file reads back equal
//! from its own JSON, and scores the fixed month ([`crate::month`]) without a panic or a hang,
//! with no registry and with one that puts the month's units in the file's own groups. Every
//! scoring is exact or refused: a table's ranks lie within it and every printed score is a
//! number; the report made under the rules (their deadlines and readings) balances.

use crate::month;
use hotline_engine::score::registry::{Registry, RegistryEntry};
use hotline_engine::score::rules::RuleSet;
use hotline_engine::score::{try_score, Context, Scores};
use hotline_engine::{Report, ReportOptions};

pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The page's check (no field paths) accepts exactly what the full parser accepts.
    let parsed = RuleSet::parse(text);
    assert_eq!(RuleSet::parse_valid(text).is_some(), parsed.is_ok(), "parse_valid and parse disagree");
    let Ok(rules) = parsed else { return };
    match RuleSet::parse(&rules.to_json()) {
        Ok(again) => assert_eq!(again, rules, "a rule file read back from its own JSON"),
        Err(e) => panic!("a rule file's own JSON does not read: {e:?}"),
    }
    score_month(&rules);
}

/// Scores the fixed month by `rules`, with and without a registry of the rules' groups.
pub fn score_month(rules: &RuleSet) {
    let report = month::report();
    let candidates = report.candidates();
    let registry = groups_registry(rules, report);
    for ctx in [Context::default(), Context { registry: Some(&registry), ..Context::default() }] {
        if let Ok(scores) = try_score(rules, &candidates, &ctx) {
            check_scores(&scores);
        }
    }
    let options = ReportOptions::default().under_rules(Some(rules));
    let mut under = Report::build(month::ingested(), &options);
    under.apply_rules(rules, &Context { registry: Some(&registry), ..Context::default() });
    assert!(under.reconciliation.balances(), "{}", under.reconciliation.text());
    if let Some(scores) = &under.scores {
        check_scores(scores);
    }
}

/// The month's units, dealt round the rule file's groups in turn.
fn groups_registry(rules: &RuleSet, report: &Report) -> Registry {
    let groups: Vec<&str> = rules.groups.iter().map(|g| g.name.as_str()).collect();
    let entries = report
        .members
        .iter()
        .chain(&report.units)
        .enumerate()
        .map(|(i, e)| RegistryEntry {
            unit: e.name.clone(),
            group: groups.get(i % groups.len().max(1)).unwrap_or(&"").to_string(),
            full_score: None,
            parent: String::new(),
            line: i as u32 + 2,
        })
        .collect();
    Registry::from_entries(entries)
}

pub fn check_scores(scores: &Scores) {
    for g in &scores.groups {
        for row in &g.rows {
            if let Some(rank) = row.rank {
                assert!(
                    rank >= 1 && rank as usize <= g.rows.len(),
                    "{}: rank {rank} of {}",
                    row.name,
                    g.rows.len()
                );
            }
            assert!(
                row.score.parse::<f64>().is_ok_and(f64::is_finite),
                "{}: score {:?}",
                row.name,
                row.score
            );
        }
    }
    assert!(serde_json::to_string(scores).is_ok(), "the scores as JSON");
}
