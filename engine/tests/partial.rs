//! Partial aggregates: a partial (through its JSON) gives the report the tickets give; merging
//! partials of disjoint parts gives the whole, in any grouping; shared tickets are reported.

use hotline_engine::count::aggregate::Cells;
use hotline_engine::partial::{Partial, PartialError};
use hotline_engine::report::Counted;
use hotline_engine::score::registry::Registry;
use hotline_engine::tickets::deadlines::DeadlinePlan;
use hotline_engine::{ingest_bytes, IngestOptions, Month, Period, Report, ReportOptions};
use hotline_sample::{generate, GenConfig};

/// Three consecutive generated months in one file, ticket numbers distinct per month.
fn three_months() -> (String, Vec<String>) {
    let mut header = String::new();
    let mut rows = Vec::new();
    for (i, m) in [(1, 3), (2, 4), (3, 5)] {
        let mut one = Vec::new();
        generate(&GenConfig::new(Month::new(2021, m), 1200, i), &mut one);
        let text = String::from_utf8(one).unwrap();
        let mut lines = text.lines();
        header = lines.next().unwrap().to_string();
        rows.extend(lines.map(|l| if l.starts_with("LYG") { format!("M{i}{l}") } else { l.to_string() }));
    }
    (header, rows)
}

fn csv(header: &str, rows: &[String]) -> String {
    let mut s = format!("{header}\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

fn partial_of(name: &str, text: &str) -> Partial {
    let done = ingest_bytes(text.as_bytes(), IngestOptions::default()).unwrap();
    // Through the file format, as a partial made elsewhere would arrive.
    Partial::from_json(&Partial::from_ingested(name, &done, None).unwrap().to_json()).unwrap()
}

/// Everything a report shows from counts (not the rejected rows, which stay with each input).
fn figures(r: &Report) -> String {
    let mut units = r.units.clone();
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let mut members = r.members.clone();
    members.sort_by(|a, b| a.name.cmp(&b.name));
    serde_json::to_string_pretty(&(
        &r.months,
        &r.period,
        &r.city,
        &r.channels,
        &r.kinds,
        &r.hot_topics,
        units,
        members,
        &r.groups,
        &r.deadline_errors,
    ))
    .unwrap()
}

fn check_same(text: &str, partial: &Partial, options: &ReportOptions) {
    let tickets = Report::build(&ingest_bytes(text.as_bytes(), IngestOptions::default()).unwrap(), options);
    let from_partial = partial.report(options).unwrap();
    assert_eq!(figures(&from_partial), figures(&tickets), "period {:?}", options.period);
    assert_eq!(from_partial.source.rows_scored, tickets.source.rows_scored);
}

#[test]
fn a_partial_reports_what_its_tickets_report() {
    let (header, rows) = three_months();
    let text = csv(&header, &rows);
    let partial = partial_of("all.csv", &text);
    let registry =
        Registry::parse("单位,上级单位,分组\n海州区,,县区\n连云区,,县区\n市公安局,,市级部门\n".as_bytes())
            .unwrap();
    for period in [None, Some("2021-03"), Some("2021-04"), Some("2021-03..2021-05"), Some("2021-05")] {
        for registry in [None, Some(registry.clone())] {
            let options = ReportOptions {
                period: period.map(|p| Period::parse(p).unwrap()),
                registry,
                ..Default::default()
            };
            check_same(&text, &partial, &options);
        }
    }
}

#[test]
fn merged_parts_equal_the_whole_in_any_grouping() {
    let (header, rows) = three_months();
    let whole = csv(&header, &rows);
    // Four disjoint parts of uneven sizes, not aligned with months.
    let cuts = [0, rows.len() / 7, rows.len() / 2, rows.len() * 5 / 6, rows.len()];
    let parts: Vec<Partial> = cuts
        .windows(2)
        .enumerate()
        .map(|(i, w)| partial_of(&format!("part{i}.csv"), &csv(&header, &rows[w[0]..w[1]])))
        .collect();
    let flat = Partial::merge(&parts).unwrap();
    let left = Partial::merge(&[Partial::merge(&parts[..2]).unwrap(), Partial::merge(&parts[2..]).unwrap()])
        .unwrap();
    let right = Partial::merge(&[
        parts[0].clone(),
        Partial::merge(&[parts[1].clone(), Partial::merge(&parts[2..]).unwrap()]).unwrap(),
    ])
    .unwrap();
    assert_eq!(flat.to_json(), left.to_json());
    assert_eq!(flat.to_json(), right.to_json());
    for period in [None, Some("2021-04"), Some("2021-03..2021-05")] {
        let options =
            ReportOptions { period: period.map(|p| Period::parse(p).unwrap()), ..Default::default() };
        check_same(&whole, &flat, &options);
    }
    assert_eq!(flat.hashes().unwrap().len() as u64, flat.sources.iter().map(|s| s.rows_scored).sum::<u64>());
}

#[test]
fn shared_tickets_are_reported_not_counted_twice() {
    let (header, rows) = three_months();
    let a = partial_of("二月.csv", &csv(&header, &rows[..2000]));
    let b = partial_of("三月.csv", &csv(&header, &rows[1900..]));
    let shared = (1900..2000).filter(|i| rows[*i].starts_with('M')).count() as u64;
    match Partial::merge(&[a, b]) {
        Err(PartialError::Overlap(list)) => {
            assert_eq!(list.len(), 1);
            assert_eq!(list[0].tickets, shared);
            assert_eq!((list[0].first.as_str(), list[0].second.as_str()), ("二月.csv", "三月.csv"));
        }
        other => panic!("expected an overlap, got {:?}", other.map(|p| p.sources)),
    }
}

#[test]
fn partials_say_what_is_wrong_with_them() {
    let check = |text: &str, expect: &str| {
        let e = Partial::from_json(text).unwrap_err().to_string();
        assert!(e.contains(expect), "{e}");
    };
    check("{", "不是 JSON");
    check(r#"{"format": "hotline-eval.partial/9"}"#, "hotline-eval.partial/9");
    check(r#"{"cells": []}"#, "缺少");
    check(
        r#"{"format": "hotline-eval.partial/1", "sources": [], "cells": [{"unit": "海州区", "by_month": [{"by": "sent", "month": "2021-02", "counts": {}}]}]}"#,
        "cells[0].by_month[0].by",
    );
    check(
        r#"{"format": "hotline-eval.partial/1", "sources": [], "cells": [], "ticket_hashes": "AAA"}"#,
        "base64",
    );
    // Centuries of months (a typo'd year in every row) fail clearly instead of exhausting memory.
    let pairs: Vec<String> = (0..300)
        .map(|i| format!(r#"{{"from": "{}-{:02}", "to": null, "count": 1}}"#, 2000 + i / 12, i % 12 + 1))
        .collect();
    let wide = format!(
        r#"{{"format": "hotline-eval.partial/1", "sources": [], "cells": [{{"unit": "海州区", "carried": [{}]}}]}}"#,
        pairs.join(",")
    );
    check(&wide, "300 个不同的月份");
    // Counted with different deadline rules: no merge.
    let (header, rows) = three_months();
    let done = ingest_bytes(csv(&header, &rows[..100]).as_bytes(), IngestOptions::default()).unwrap();
    let deadlines = serde_json::from_str(r#"{"close_within_working_days": 5}"#).unwrap();
    let a = Partial::from_ingested("a", &done, None).unwrap();
    let b = Partial::from_ingested(
        "b",
        &ingest_bytes(csv(&header, &rows[100..200]).as_bytes(), IngestOptions::default()).unwrap(),
        Some(deadlines),
    )
    .unwrap();
    assert!(matches!(Partial::merge(&[a, b]), Err(PartialError::Deadlines { .. })));
}

#[test]
fn a_hand_made_table_is_scored_without_tickets() {
    // A published per-unit table typed in: one month, two units, only the counters it gives.
    let table = r#"{
      "format": "hotline-eval.partial/1",
      "sources": [{"name": "2021年2月通报表"}],
      "cells": [
        {"unit": "海州区", "by_month": [
          {"by": "received", "month": "2021-02", "counts": {"received": 120, "transferred": 120}},
          {"by": "dispatched", "month": "2021-02", "counts": {"dispatched": 120, "sign_due_known": 120, "signed_on_time": 118}},
          {"by": "due", "month": "2021-02", "counts": {"due": 100, "on_time": 97}},
          {"by": "callback", "month": "2021-02", "counts": {"satisfied": 80, "unsatisfied": 4}}],
         "due_closed": [{"from": "2021-02", "to": "2021-02", "count": 99}]},
        {"unit": "连云区", "by_month": [
          {"by": "due", "month": "2021-02", "counts": {"due": 50, "on_time": 50}}],
         "due_closed": [{"from": "2021-02", "to": "2021-02", "count": 50}]}
      ]
    }"#;
    let p = Partial::from_json(table).unwrap();
    let r = p
        .report(&ReportOptions { period: Some(Period::parse("2021-02").unwrap()), ..Default::default() })
        .unwrap();
    let hz = r.units.iter().find(|u| u.name == "海州区").unwrap();
    assert_eq!(hz.tallies.all().due, 100);
    assert_eq!(hz.tallies.all().on_time, 97);
    assert_eq!(hz.tallies.all().closed, 99);
    assert_eq!(hz.tallies.all().signed_on_time, 118);
    assert_eq!(r.city.as_ref().unwrap().all.accepted, 120);
    assert_eq!(r.units.len(), 2);
}

#[test]
fn tickets_scattered_over_centuries_of_months_are_counted_directly() {
    // One 直接答复 ticket a month for 300 months: too wide for the month tables.
    let mut text = String::from("工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间\n");
    for i in 0..300 {
        text.push_str(&format!("T{i},{}-{:02}-15 10:00,微信,咨询,直接答复,,\n", 2000 + i / 12, i % 12 + 1));
    }
    let done = ingest_bytes(text.as_bytes(), IngestOptions::default()).unwrap();
    let options = ReportOptions { period: Some(Period::parse("2021-02").unwrap()), ..Default::default() };
    let report = Report::build(&done, &options);
    assert_eq!(report.city.as_ref().unwrap().all.accepted, 1);
    assert_eq!(report.months.len(), 300);
    let e = Partial::from_ingested("wide.csv", &done, None).unwrap_err().to_string();
    assert!(e.contains("120"), "{e}");
}

/// A file whose dates span more months than the month tables serve: the cells of one period
/// (`Cells::for_period`, what the page is sent for such a file) give that period's report
/// exactly, month-over-month changes included, for any period, registry and option.
#[test]
fn the_counts_of_one_period_are_exact_however_many_months_the_dates_span() {
    let (header, mut rows) = three_months();
    // 转办 tickets over 200 months: received, dispatched, due and closed years apart, so the
    // carry-over and closed-by-the-end pairs cross every bucket.
    for i in 0..200 {
        let (y, m) = (2002 + i / 12, i % 12 + 1);
        let (cy, cm) = (2002 + (i * 7) % 240 / 12, (i * 7) % 12 + 1);
        rows.push(format!(
            "W{i},{y}-{m:02}-03 09:00:00,微信,投诉,道路破损,转办,海州区,,{},否,{y}-{m:02}-03 10:00:00,,,,,{y}-{m:02}-20 10:00:00,{cy}-{cm:02}-10 10:00:00,{},{},,,,",
            if i % 3 == 0 { "是" } else { "否" },
            i % 2,
            if i % 4 == 0 { "基本满意" } else { "满意" },
        ));
    }
    let text = csv(&header, &rows);
    let done = ingest_bytes(text.as_bytes(), IngestOptions::default()).unwrap();
    assert_eq!(done.rejects.len(), 0, "every row reads: {:?}", done.rejects.first());
    assert!(
        Cells::try_build(&done.store, &DeadlinePlan::default()).is_none(),
        "too many months for the tables"
    );
    let registry =
        Registry::parse("单位,分组,上级单位\n路南街道办,街道,市住建局\n海州区,县区,\n".as_bytes()).unwrap();
    let months = hotline_engine::tickets::period::month_volumes(&done.store);
    for period in [None, Some("2021-04"), Some("2021-03..2021-05"), Some("2002-01"), Some("2006-06..2012-02")]
    {
        for with_registry in [None, Some(&registry)] {
            for basic in [false, true] {
                let mut options = ReportOptions {
                    period: period.map(|p| Period::parse(p).unwrap()),
                    registry: with_registry.cloned(),
                    ..Default::default()
                };
                options.indicators.basic_counts_as_satisfied = basic;
                let whole = Report::build(&done, &options);
                let chosen = whole.period.as_ref().unwrap().period;
                let cells = Cells::for_period(&done.store, &DeadlinePlan::default(), chosen);
                let mut counted = Counted::from_cells(&done, &cells, &options);
                counted.months = months.clone();
                let r = Report::from_counted(&done, &counted, &options);
                assert_eq!(figures(&r), figures(&whole), "{period:?} basic {basic}");
            }
        }
    }
}

#[test]
fn a_file_streamed_in_small_batches_equals_the_whole_file() {
    let (header, mut rows) = three_months();
    // Duplicates far from their first row, across batch boundaries, and a few bad rows.
    let n = rows.len();
    for i in [3, 10, n / 3, n / 2] {
        let again = rows[i].clone();
        rows.push(again);
    }
    rows.insert(n / 4, "BAD1,2021-13-01,微信".to_string());
    rows.push(rows[0].clone());
    let text = csv(&header, &rows);
    let whole = ingest_bytes(text.as_bytes(), IngestOptions::default()).unwrap();
    for batch in [1, 97, 1000, 1_000_000] {
        // With the file's size too: the store and the duplicate check then make room ahead.
        let sized = IngestOptions { size_hint: Some(text.len() as u64), ..Default::default() };
        let options = if batch % 2 == 1 { IngestOptions::default() } else { sized };
        let mut s = hotline_engine::partial::StreamingPartial::new("all.csv", options, None, batch);
        for chunk in text.as_bytes().chunks(1 << 12) {
            s.push(chunk).unwrap();
        }
        let hotline_engine::partial::Streamed { partial, ingested: done, .. } = s.finish().unwrap();
        assert_eq!(done.rejects, whole.rejects, "batch {batch}");
        assert_eq!(done.summary.rows_scored, whole.summary.rows_scored);
        assert!(
            whole.rejects.iter().filter(|r| r.reason == hotline_engine::Reason::DuplicateId).count() >= 5
        );
        // Without the ticket hashes (the page's way): the same partial, hashes apart.
        let mut counts_only =
            hotline_engine::partial::StreamingPartial::new("all.csv", IngestOptions::default(), None, batch)
                .without_ticket_hashes();
        for chunk in text.as_bytes().chunks(1 << 12) {
            counts_only.push(chunk).unwrap();
        }
        let counts_only = counts_only.finish().unwrap().partial;
        assert!(counts_only.ticket_hashes.is_empty() && !partial.ticket_hashes.is_empty());
        assert_eq!(Partial { ticket_hashes: String::new(), ..partial.clone() }, counts_only, "batch {batch}");
        let partial = Partial::from_json(&partial.to_json()).unwrap();
        for period in [None, Some("2021-04"), Some("2021-03..2021-05")] {
            let options =
                ReportOptions { period: period.map(|p| Period::parse(p).unwrap()), ..Default::default() };
            check_same(&text, &partial, &options);
        }
    }
}
