//! The report between the worker and the page: each unit, member unit and group travels as its
//! tallies only, from which [`EntityFigures::new`] rebuilds every figure exactly, and a re-count
//! leaves out the rejects (a period change cannot change them; the page keeps those it has).
//! At a million tickets this is about a third of the report's JSON, which the worker writes and
//! the page reads on every month switch.
//!
//! ```
//! use hotline_engine::compact::CompactReport;
//! use hotline_engine::{ingest_bytes, IngestOptions, Report, ReportOptions};
//! let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
//!            A1,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-05 12:00\n";
//! let report = Report::build(&ingest_bytes(csv.as_bytes(), IngestOptions::default()).unwrap(), &ReportOptions::default());
//! let wire = serde_json::to_string(&CompactReport::new(report.clone(), true)).unwrap();
//! let back: CompactReport = serde_json::from_str(&wire).unwrap();
//! assert_eq!(back.into_report(), report);
//! ```

use crate::indicators::Split;
use crate::report::{EntityFigures, Report};
use serde::{Deserialize, Serialize};

/// A [`Report`] with its entities as tallies (see the module docs).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CompactReport {
    /// The report with `units`, `members` and `groups` empty (and `rejects`, unless kept).
    report: Report,
    units: Vec<CompactEntity>,
    members: Vec<CompactEntity>,
    groups: Vec<CompactEntity>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct CompactEntity {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    member: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    tallies: Split,
}

impl CompactReport {
    /// `keep_rejects: false` for a re-count of tickets already reported on.
    pub fn new(mut report: Report, keep_rejects: bool) -> CompactReport {
        let compact = |list: &mut Vec<EntityFigures>| -> Vec<CompactEntity> {
            std::mem::take(list)
                .into_iter()
                .map(|e| CompactEntity { name: e.name, member: e.member, group: e.group, tallies: e.tallies })
                .collect()
        };
        let (units, members, groups) =
            (compact(&mut report.units), compact(&mut report.members), compact(&mut report.groups));
        if !keep_rejects {
            report.rejects = Vec::new();
        }
        CompactReport { report, units, members, groups }
    }

    /// The report, every figure rebuilt from its tallies with the report's indicator options
    /// (rejects empty if they were left out).
    pub fn into_report(self) -> Report {
        let CompactReport { mut report, units, members, groups } = self;
        let options = report.options;
        let full = |list: Vec<CompactEntity>| -> Vec<EntityFigures> {
            list.into_iter()
                .map(|c| EntityFigures {
                    member: c.member,
                    group: c.group,
                    ..EntityFigures::new(c.name, &c.tallies, &options)
                })
                .collect()
        };
        (report.units, report.members, report.groups) = (full(units), full(members), full(groups));
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{generate_string, GenConfig};
    use crate::indicators::IndicatorOptions;
    use crate::registry::Registry;
    use crate::time::Month;
    use crate::{ingest_bytes, IngestOptions, Period, ReportOptions};

    #[test]
    fn every_figure_comes_back_from_the_tallies() {
        let mut text = generate_string(&GenConfig::new(Month::new(2021, 3), 3000, 5));
        text.push_str("X1,2021-03-02 08:00,微信\n"); // a reject
        let done = ingest_bytes(text.as_bytes(), IngestOptions::default()).unwrap();
        let units: Vec<String> = done.store.units.iter().take(6).map(|(_, n)| n.to_string()).collect();
        let registry = Registry::parse(
            format!(
                "单位,上级单位,分组\n{},,甲组\n{},,乙组\n{},{},\n",
                units[0], units[1], units[2], units[0]
            )
            .as_bytes(),
        )
        .unwrap();
        for registry in [None, Some(registry)] {
            for basic in [false, true] {
                let options = ReportOptions {
                    period: Some(Period::parse("2021-03").unwrap()),
                    registry: registry.clone(),
                    indicators: IndicatorOptions { basic_counts_as_satisfied: basic, ..Default::default() },
                    ..Default::default()
                };
                let mut report = Report::build(&done, &options);
                // The rejected rows' text never travels in JSON (the reject file is made where
                // the tickets are).
                report.rejects.iter_mut().for_each(|r| r.record.clear());
                assert!(!report.units.is_empty() && !report.rejects.is_empty());
                assert_eq!(report.groups.is_empty(), options.registry.is_none());
                let json = serde_json::to_string(&CompactReport::new(report.clone(), true)).unwrap();
                assert!(json.len() * 2 < serde_json::to_string(&report).unwrap().len(), "compact is smaller");
                let back: CompactReport = serde_json::from_str(&json).unwrap();
                assert_eq!(back.into_report(), report);
                let recount = CompactReport::new(report.clone(), false).into_report();
                assert!(recount.rejects.is_empty());
                assert_eq!(recount.units, report.units);
            }
        }
    }
}
