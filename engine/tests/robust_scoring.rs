//! The scoring side's hostile inputs (docs/robustness.md, "Scoring inputs"): each case one small
//! test, its outcome (the message, or the work, counts and warnings) rendered as text by one
//! `check` and compared with the expected text.

use expect_test::{expect, Expect};
use hotline_engine::count::entity::EntityLevel;
use hotline_engine::count::indicators::{Split, Tally};
use hotline_engine::score::registry::{Adjustments, Registry};
use hotline_engine::score::rules::{pattern_matches_counted, RuleSet};
use hotline_engine::score::{score, Candidate, Context, Scores};
use hotline_engine::{ingest_bytes, IngestOptions, Report, ReportOptions};

/// The one comparison every case goes through: the outcome as text against the expected text.
fn check(outcome: impl std::fmt::Display, expect: Expect) {
    expect.assert_eq(&outcome.to_string());
}

/// A glob's outcome and its work against the bound `len(pattern) × len(name)`.
fn glob(pattern: &str, name: &str) -> String {
    let mut steps = 0;
    let matched = pattern_matches_counted(pattern, name, &mut steps);
    let (p, n) = (pattern.chars().count() as u64, name.chars().count() as u64);
    let bound = p * n + p + n;
    assert!(steps <= bound, "{steps} steps > {bound}");
    format!("matches: {matched}; steps {steps} ≤ {p} × {n} + {p} + {n} = {bound}")
}

#[test]
fn many_stars_match_in_pattern_times_name_steps() {
    let name = "a".repeat(10_000);
    check(
        glob("*a*a*a*a*a*a*a*a*b", &name),
        expect!["matches: false; steps 10009 ≤ 18 × 10000 + 18 + 10000 = 190018"],
    );
    check(
        glob("*a*a*a*a*a*a*a*a*a", &name),
        expect!["matches: true; steps 20000 ≤ 18 × 10000 + 18 + 10000 = 190018"],
    );
    check(
        glob("*aaaaaaaab", &name),
        expect!["matches: false; steps 89937 ≤ 10 × 10000 + 10 + 10000 = 110010"],
    );
    check(glob("*县", "东海县"), expect!["matches: true; steps 4 ≤ 2 × 3 + 2 + 3 = 11"]);
}

fn unit(i: usize) -> String {
    format!("单位{i:06}")
}

/// Units with 10 due tickets, 8 on time.
fn candidates(names: impl Iterator<Item = String>) -> Vec<Candidate> {
    let t = Tally {
        received: 10,
        transferred: 10,
        dispatched: 10,
        due: 10,
        closed: 9,
        on_time: 8,
        ..Default::default()
    };
    names
        .map(|name| Candidate { name, level: EntityLevel::Member, tallies: Split([t, Tally::default()]) })
        .collect()
}

/// A rule file of these groups and items (JSON fragments).
fn rules(groups: &str, items: &str) -> String {
    format!(
        r#"{{"format":"hotline-eval.rules/1","name":"t","score":{{"decimals":2}},"group_source":"registry","groups":[{groups}],"items":[{items}]}}"#
    )
}

const WEIGHTED: &str =
    r#"{"type":"weighted","name":"按期","indicator":"on_time_rate","weight":100,"rate_as":"fraction"}"#;

/// What a scoring gave: rows per group (the first three groups), and every warning list.
fn outcome(s: &Scores) -> String {
    let rows: usize = s.groups.iter().map(|g| g.rows.len()).sum();
    let unscored: usize = s.groups.iter().map(|g| g.unscored.len()).sum();
    let mut out = format!("{} groups, {rows} rows, {unscored} unscored", s.groups.len());
    let first: Vec<String> = s
        .groups
        .iter()
        .flat_map(|g| g.rows.iter().map(move |r| format!("{} {} {}", g.name, r.name, r.score)))
        .take(3)
        .collect();
    out += &format!("; first: {}", first.join(", "));
    for (what, list) in [
        ("ungrouped", &s.ungrouped),
        ("unmatched_adjustments", &s.unmatched_adjustments),
        ("conflicts", &s.conflicts),
    ] {
        if !list.is_empty() {
            out += &format!(
                "\n{what} ({}): {}",
                list.len(),
                list.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
            );
        }
    }
    out
}

/// 100 000 of each: every name look-up is a hash look-up, so these take about a second (in a
/// debug build; a scan per unit took 54–73 s in a release build).
#[test]
fn registry_groups_and_adjustments_of_100k_rows_are_indexed() {
    const N: usize = 100_000;
    let mut registry = String::from("单位,分组,满分,上级单位\n");
    let mut adjustments = String::from("单位,项目,分值,说明\n");
    for i in 0..N {
        registry += &format!("{},组{},100,\n", unit(i), i % 10);
        adjustments += &format!("{},加分,0.5,\n", unit(i + 1));
    }
    let registry = Registry::parse(registry.as_bytes()).unwrap();
    let adjustments = Adjustments::parse(adjustments.as_bytes()).unwrap();
    let groups: Vec<String> =
        (0..N).map(|i| format!(r#"{{"name":"组{i}","full_score":100,"members":["{}"]}}"#, unit(i))).collect();
    let items = format!(r#"{WEIGHTED},{{"type":"adjustment","name":"加分","items":["加分"]}}"#);
    let r = RuleSet::parse(&rules(&groups.join(","), &items)).unwrap();
    let ctx = Context { registry: Some(&registry), adjustments: Some(&adjustments), months: 1 };
    check(
        outcome(&score(&r, &candidates((0..N).map(unit)), &ctx)),
        expect![[r#"
            100000 groups, 100000 rows, 0 unscored; first: 组0 单位000010 80.50, 组0 单位000020 80.50, 组0 单位000030 80.50
            unmatched_adjustments (1): 第 100001 行：单位100000（加分 0.5）
            conflicts (99990): “单位000010”：单位名录分组为“组0”，规则文件为“组10”；按单位名录取“组0”; “单位000011”：单位名录分组为“组1”，规则文件为“组11”；按单位名录取“组1”; “单位000012”：单位名录分组为“组2”，规则文件为“组12”；按单位名录取“组2”"#]],
    );
}

/// A February file: `n` due tickets for each unit, every one closed on time.
fn tickets(units: &[(&str, usize)]) -> String {
    let mut csv =
        String::from("工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n");
    let mut id = 0;
    for (unit, n) in units {
        for _ in 0..*n {
            id += 1;
            csv += &format!(
                "T{id},2021-02-01 08:00,微信,投诉,转办,{unit},2021-02-01 09:00,2021-02-08,2021-02-05\n"
            );
        }
    }
    csv
}

/// Each member unit's 应办结数 under the registry, and what the scores list.
fn members_under(registry: &str, units: &[(&str, usize)]) -> String {
    let ingested = ingest_bytes(tickets(units).as_bytes(), IngestOptions::default()).unwrap();
    let registry = Registry::parse(registry.as_bytes()).unwrap();
    let report =
        Report::build(&ingested, &ReportOptions { registry: Some(registry.clone()), ..Default::default() });
    let mut members: Vec<String> =
        report.members.iter().map(|m| format!("{} {}", m.name, m.all.due)).collect();
    members.sort();
    let r = RuleSet::parse(&rules(r#"{"name":"全部","full_score":100,"patterns":["*"]}"#, WEIGHTED)).unwrap();
    let ctx = Context { registry: Some(&registry), ..Default::default() };
    let s = report.score(&r, &ctx);
    format!("members: {}\nregistry_cycles: {}", members.join(", "), s.registry_cycles.join("; "))
}

/// A↔B once swapped the two units' figures (A's tickets counted under B and B's under A).
#[test]
fn a_registry_cycle_is_listed_and_not_followed() {
    check(
        members_under("单位,上级单位\nA,B\nB,A\n", &[("A", 3), ("B", 5)]),
        expect![[r#"
            members: A 3, B 5
            registry_cycles: A → B → A"#]],
    );
}

/// Longer cycles, a unit its own 上级单位, and a unit whose 上级单位 is on a cycle (it still rolls
/// up into it: only the cycle's own links are not followed).
#[test]
fn cycles_of_any_length_each_listed_once() {
    check(
        members_under(
            "单位,上级单位\nC,A\nD,E\nA,B\nE,F\nB,A\nF,D\nG,G\nH,\n",
            &[("A", 1), ("B", 2), ("C", 4), ("D", 8), ("E", 16), ("F", 32), ("G", 64), ("H", 128)],
        ),
        expect![[r#"
            members: A 5, B 2, D 8, E 16, F 32, G 64, H 128
            registry_cycles: A → B → A; D → E → F → D; G → G"#]],
    );
}
