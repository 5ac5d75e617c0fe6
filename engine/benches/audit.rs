//! 本单位自查 in the engine: opening a unit's audit and the what-if of 1 and 100 ticks.
//!
//! `cargo bench -p hotline-engine --bench audit` measures 70k and 1M generated tickets (median of
//! 5 runs each; the unit 海州区 at the member level, preset lyg2021) and prints a table for
//! docs/performance.md: the engine's share of what the browser benchmark
//! (tests/e2e/bench_audit.mjs) times from the tick to the painted score. `cargo test --bench
//! audit` runs a tiny smoke version that also checks the result. `BENCH_SIZES=…` overrides.

use hotline_engine::count::entity::EntityLevel;
use hotline_engine::report::audit::{self, AuditQuery, Fix};
use hotline_engine::score::Context;
use hotline_engine::{ingest_bytes, IngestOptions, Month, Report, ReportOptions};
use hotline_sample::{generate, GenConfig};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let sizes: Vec<usize> = match std::env::var("BENCH_SIZES") {
        Ok(s) => s.split(',').filter_map(|x| x.trim().parse().ok()).collect(),
        Err(_) if full => vec![70_000, 1_000_000],
        Err(_) => vec![3_000],
    };
    let samples = if full { 5 } else { 1 };
    println!("| tickets | unit's tickets | on its lists | unit_tickets | audit | what-if, 1 tick | what-if, 100 ticks |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let rules = hotline_engine::score::presets::preset("lyg2021").expect("preset");
    let name = "海州区";
    for n in sizes {
        let mut bytes = Vec::new();
        generate(&GenConfig::new(Month::new(2021, 2), n, 1), &mut bytes);
        let done = ingest_bytes(&bytes, IngestOptions::default()).expect("generated file reads");
        let options = ReportOptions::default().under_rules(Some(&rules));
        let report = Report::build(&done, &options);
        let ctx = Context::default();
        let query = AuditQuery::new(EntityLevel::Member, name);
        let (mut scan, mut open, mut one, mut hundred) = (vec![], vec![], vec![], vec![]);
        let (mut own, mut listed) = (0, 0);
        for _ in 0..samples {
            let t = Instant::now();
            let tickets = audit::unit_tickets(&done.store, &options, EntityLevel::Member, name);
            scan.push(ms(t));
            let t = Instant::now();
            let a = audit::audit(&report, None, &rules, &ctx, &tickets, &query);
            open.push(ms(t));
            let base = a.standing.as_ref().expect("the unit is scored").exact;
            let fixes: Vec<Fix> = a
                .lists
                .iter()
                .flat_map(|l| l.rows.iter().map(move |r| Fix { id: r.id.clone(), kind: Some(l.kind) }))
                .take(100)
                .collect();
            assert_eq!(fixes.len(), 100.min(a.lists.iter().map(|l| l.rows.len()).sum()));
            for (k, times) in [(1, &mut one), (100, &mut hundred)] {
                let q = AuditQuery { fixes: fixes[..k.min(fixes.len())].to_vec(), ..query.clone() };
                let t = Instant::now();
                let (with, unknown) = audit::what_if(&report, &rules, &ctx, &tickets, &q);
                times.push(ms(t));
                assert!(unknown.is_empty());
                assert!(with.expect("scored with the fixes").exact >= base, "a fix never lowers the score");
            }
            own = tickets.len();
            listed = a.lists.iter().map(|l| l.count).sum();
        }
        println!(
            "| {n} | {own} | {listed} | {:.1} ms | {:.1} ms | {:.2} ms | {:.2} ms |",
            median(scan),
            median(open),
            median(one),
            median(hundred)
        );
    }
}
