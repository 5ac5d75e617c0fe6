//! Shortfall lists (扣分工单): every list holds exactly the tickets behind its figure, for every
//! unit and member unit, scope, period and option; and a second pass over the file (the page's
//! way for a file streamed beyond memory) finds the same rows as the tickets in memory.

mod messy;

use hotline_engine::count::entity::{EntityLevel, Scope};
use hotline_engine::report::shortfall::{find, ShortfallKind, ShortfallQuery, ShortfallScan};
use hotline_engine::report::EntityFigures;
use hotline_engine::score::registry::Registry;
use hotline_engine::{ingest_bytes, IngestOptions, Month, Period, Report, ReportOptions, Tally};
use hotline_sample::{generate, GenConfig};

fn tally(e: &EntityFigures, scope: Scope) -> Tally {
    match scope {
        Scope::All => e.tallies.all(),
        Scope::Municipal => *e.tallies.municipal(),
        Scope::Province => *e.tallies.province(),
    }
}

/// Every entity's lists against its figures, for one file and report options.
fn check(bytes: &[u8], options: &ReportOptions) -> u64 {
    let done = ingest_bytes(bytes, IngestOptions::default()).unwrap();
    let mut rows_seen = 0;
    let months: Vec<Month> = Report::build(&done, options).months.iter().map(|m| m.month).collect();
    let mut periods: Vec<Period> = months.iter().map(|m| Period::month(*m)).collect();
    periods.push(Period::range(months[0], *months.last().unwrap()).unwrap());
    for period in periods {
        let o = ReportOptions { period: Some(period), ..options.clone() };
        let report = Report::build(&done, &o);
        for (level, entities) in [(EntityLevel::Unit, &report.units), (EntityLevel::Member, &report.members)]
        {
            for e in entities {
                for scope in [Scope::All, Scope::Municipal, Scope::Province] {
                    let q = ShortfallQuery { level, name: e.name.clone(), scope, period };
                    let found = find(&done.store, &o, &q);
                    let t = tally(e, scope);
                    for kind in ShortfallKind::ALL {
                        assert_eq!(
                            found.count(kind),
                            kind.count(&t),
                            "{kind:?} of {level:?} {} ({scope:?}) in {period}",
                            e.name
                        );
                        assert_eq!(found.of(kind).count() as u64, found.count(kind));
                    }
                    assert!(found.rows.windows(2).all(|w| w[0].line < w[1].line), "file order");
                    assert!(found.rows.iter().all(|r| !r.kinds.is_empty()));
                    if level == EntityLevel::Unit {
                        assert!(found.rows.iter().all(|r| r.unit == e.name));
                    }
                    rows_seen += found.rows.len() as u64;
                }
            }
        }
    }
    rows_seen
}

fn month_file(seed: u64, tickets: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    generate(&GenConfig::new(Month::new(2021, 2), tickets, seed), &mut bytes);
    bytes
}

#[test]
fn lists_hold_exactly_the_tickets_behind_each_figure() {
    let bytes = month_file(5, 3000);
    assert!(check(&bytes, &ReportOptions::default()) > 100, "a test that finds nothing proves nothing");
}

#[test]
fn lists_follow_the_registry_and_the_rule_deadlines() {
    let bytes = month_file(9, 2000);
    let registry =
        Registry::parse("单位,上级单位,分组\n海州区,,县区\n市公安局,政法部门,市级部门\n".as_bytes()).unwrap();
    let deadlines = serde_json::from_str(
        r#"{"sign_within_hours": 2, "close_within_working_days": 3, "override_export": true}"#,
    )
    .unwrap();
    let options =
        ReportOptions { registry: Some(registry), deadlines: Some(deadlines), ..Default::default() };
    let done = ingest_bytes(&bytes, IngestOptions::default()).unwrap();
    let members = Report::build(&done, &options).members;
    assert!(members.iter().any(|m| m.name == "政法部门"), "a member unit only the registry names");
    assert!(check(&bytes, &options) > 100);
}

#[test]
fn lists_of_messy_files_match_their_figures() {
    for seed in 1..6 {
        check(messy::messy_file(seed).as_bytes(), &ReportOptions::default());
    }
}

#[test]
fn a_second_pass_finds_what_the_tickets_in_memory_give() {
    for seed in [2, 3] {
        let text = messy::messy_file(seed);
        let bytes = text.as_bytes();
        let done = ingest_bytes(bytes, IngestOptions::default()).unwrap();
        let report = Report::build(&done, &ReportOptions::default());
        let period = report.period.as_ref().unwrap().period;
        let busiest = report.units.iter().max_by_key(|u| u.all.dispatched).unwrap();
        for (level, name) in
            [(EntityLevel::Unit, &busiest.name), (EntityLevel::Member, &report.members[0].name)]
        {
            let q = ShortfallQuery { level, name: name.clone(), scope: Scope::All, period };
            let whole = find(&done.store, &ReportOptions::default(), &q);
            assert!(!whole.rows.is_empty());
            for (batch, piece) in [(1, 7), (37, 1000), (100_000, 64)] {
                // With the file's size for one of them: room made ahead changes nothing.
                let size_hint = (batch == 37).then_some(bytes.len() as u64);
                let options = IngestOptions { size_hint, ..Default::default() };
                let mut scan = ShortfallScan::new(options, ReportOptions::default(), &q, batch);
                for chunk in bytes.chunks(piece) {
                    scan.push(chunk).unwrap();
                }
                assert_eq!(scan.finish().unwrap(), whole, "batch {batch}, pieces of {piece} bytes");
            }
        }
    }
}

#[test]
fn an_excerpt_keeps_the_counts_and_the_first_rows_of_each_list() {
    let bytes = month_file(5, 3000);
    let done = ingest_bytes(&bytes, IngestOptions::default()).unwrap();
    let report = Report::build(&done, &ReportOptions::default());
    let period = report.period.as_ref().unwrap().period;
    let unit = report.units.iter().max_by_key(|u| u.all.dispatched).unwrap();
    let q = ShortfallQuery { level: EntityLevel::Unit, name: unit.name.clone(), scope: Scope::All, period };
    let whole = find(&done.store, &ReportOptions::default(), &q);
    let cut = whole.excerpt(3);
    assert!(!cut.complete && cut.rows.len() < whole.rows.len());
    assert_eq!(cut.counts, whole.counts);
    for kind in ShortfallKind::ALL {
        let first: Vec<_> = whole.of(kind).take(3).collect();
        assert_eq!(cut.of(kind).take(3).collect::<Vec<_>>(), first, "{kind:?}");
    }
    assert_eq!(whole.excerpt(usize::MAX), whole);
    // The CSV: a header, then one line per ticket and list.
    let csv = whole.to_csv();
    let lines = csv.lines().count() as u64;
    assert_eq!(lines, 1 + whole.counts.iter().sum::<u64>());
}
