//! Property: the month-keyed aggregates give exactly the direct count of the tickets, for every
//! range of whole months, every entity, and with or without deadlines applied.

use hotline_engine::count::aggregate::MonthAggregates;
use hotline_engine::count::indicators::{count_period, PeriodCounts};
use hotline_engine::tickets::deadlines::DeadlinePlan;
use hotline_engine::{ingest_bytes, IngestOptions, Month, Period};
use hotline_sample::{generate, GenConfig};

fn check_all_periods(bytes: &[u8], plan: &DeadlinePlan) -> usize {
    let done = ingest_bytes(bytes, IngestOptions::default()).unwrap();
    let store = &done.store;
    let member_of = vec![u32::MAX; store.units.len()];
    let agg = MonthAggregates::build(store, &member_of, 0, plan);
    let months: Vec<Month> = {
        let mut m: Vec<Month> = store.tickets.iter().map(|t| t.received.month()).collect();
        m.sort();
        m.dedup();
        m
    };
    // Every range within the data, plus one month either side.
    let (lo, hi) = (months[0].index() - 1, months[months.len() - 1].index() + 2);
    let mut checked = 0;
    for a in lo..=hi {
        for b in a..=hi {
            let p = Period::range(Month::from_index(a), Month::from_index(b)).unwrap();
            let direct = count_period(store, p, &member_of, 0, plan);
            let summed = agg.counts(p);
            same(&direct, &summed, p);
            checked += 1;
        }
    }
    checked
}

fn same(d: &PeriodCounts, a: &PeriodCounts, p: Period) {
    assert_eq!(d.city, a.city, "city, {p}");
    assert_eq!(d.units, a.units, "units, {p}");
    assert_eq!(d.members, a.members, "members, {p}");
    assert_eq!(d.channels, a.channels, "channels, {p}");
    assert_eq!(d.kinds, a.kinds, "kinds, {p}");
    assert_eq!(d.channel_categories, a.channel_categories, "channel × category, {p}");
    assert_eq!(d.deadline_errors, a.deadline_errors, "deadline errors, {p}");
    for (u, (x, y)) in d.unit_member.iter().zip(&a.unit_member).enumerate() {
        if !d.units[u].is_empty() {
            assert_eq!(x, y, "member of unit {u}, {p}");
        }
    }
}

#[test]
fn aggregates_equal_the_direct_count_for_every_range_of_months() {
    // Three consecutive generated months in one file (each carries the previous month's open
    // tickets), so ranges cross carry-overs, late closes and callbacks in later months.
    let mut bytes = Vec::new();
    for (i, m) in [(1, 3), (2, 4), (3, 5)] {
        let mut one = Vec::new();
        generate(&GenConfig::new(Month::new(2021, m), 1500, i), &mut one);
        let text = String::from_utf8(one).unwrap();
        // Distinct ticket numbers per month file; keep one header.
        let body: String = text
            .lines()
            .skip(if bytes.is_empty() { 0 } else { 1 })
            .map(|l| if l.starts_with("LYG") { format!("M{i}{l}\n") } else { format!("{l}\n") })
            .collect();
        bytes.extend_from_slice(body.as_bytes());
    }
    let n = check_all_periods(&bytes, &DeadlinePlan::default());
    assert!(n >= 20, "{n} periods checked");
}

#[test]
fn aggregates_equal_the_direct_count_with_rule_deadlines() {
    let mut bytes = Vec::new();
    generate(&GenConfig::new(Month::new(2021, 2), 1500, 11), &mut bytes);
    let plan = DeadlinePlan {
        rules: Some(
            serde_json::from_str(
                r#"{"sign_within_hours": 2, "close_within_working_days": 5, "urgent_close_within_working_days": 1, "override_export": true}"#,
            )
            .unwrap(),
        ),
    };
    check_all_periods(&bytes, &plan);
}
