//! The side files: a unit registry (单位名录) and an adjustments file (加减分) from the same
//! bytes, each read or refused with a message; what reads scores the fixed month under every
//! preset without a panic or a hang ([`crate::rules::check_scores`]). The same bytes as a column
//! mapping, a work calendar and a period are read too (refused or read, never a panic).

use crate::month;
use crate::rules::check_scores;
use hotline_engine::score::presets::PRESETS;
use hotline_engine::score::registry::{Adjustments, Registry};
use hotline_engine::score::rules::RuleSet;
use hotline_engine::score::{try_score, Context};
use hotline_engine::tickets::calendar::WorkCalendar;
use hotline_engine::{Mapping, Period, Report, ReportOptions};

pub fn check(data: &[u8]) {
    let registry = Registry::parse(data).ok();
    let adjustments = Adjustments::parse(data).ok();
    if let Some(r) = &registry {
        let _ = r.cycle_texts();
        for e in &r.entries {
            assert_eq!(r.get(&e.unit), Some(e), "a registry row found by its 单位");
        }
    }
    if registry.is_some() || adjustments.is_some() {
        let report = month::report();
        let candidates = report.candidates();
        let ctx =
            Context { registry: registry.as_ref(), adjustments: adjustments.as_ref(), ..Context::default() };
        for (_, json) in PRESETS {
            let Ok(rules) = RuleSet::parse(json) else { panic!("a preset parses") };
            if let Ok(scores) = try_score(&rules, &candidates, &ctx) {
                check_scores(&scores);
            }
        }
        if let Some(r) = registry {
            let options = ReportOptions { registry: Some(r), ..ReportOptions::default() };
            let with = Report::build(month::ingested(), &options);
            assert!(with.reconciliation.balances(), "{}", with.reconciliation.text());
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Mapping::from_json(text);
        let _ = WorkCalendar::parse(text);
        let _ = Period::parse(text);
    }
}
