//! The scoring side's hostile inputs (docs/robustness.md, "Scoring inputs"): each case one small
//! test, its outcome (the message, or the work, counts and warnings) rendered as text by one
//! `check` and compared with the expected text.

use expect_test::{expect, Expect};
use hotline_engine::count::entity::EntityLevel;
use hotline_engine::count::indicators::{Split, Tally};
use hotline_engine::partial::Partial;
use hotline_engine::score::registry::{Adjustments, Registry};
use hotline_engine::score::rules::{pattern_matches_counted, RuleSet};
use hotline_engine::score::{score, try_score, Candidate, Context, Scores};
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

/// The outcome of reading a rule file: its message, or that it reads.
fn rule_file(text: &str) -> String {
    match RuleSet::parse(text) {
        Ok(r) => format!("reads: {} items", r.items.len()),
        Err(e) => e.to_string(),
    }
}

/// A weight of 1e30 once gave −2.5e27 points for a positive weight (a wrap in release).
#[test]
fn a_weight_beyond_a_million_is_refused_naming_field_value_and_bound() {
    let item = |w: &str| {
        format!(
            r#"{{"type":"weighted","name":"按期","indicator":"on_time_rate","weight":{w},"rate_as":"fraction"}}"#
        )
    };
    let one = |w: &str| rule_file(&rules(r#"{"name":"全部","full_score":100,"patterns":["*"]}"#, &item(w)));
    check(one("1e30"), expect!["规则文件 items[0].weight：1e30 超出范围（−1000000–1000000）"]);
    check(one("1e308"), expect!["规则文件 items[0].weight：1e308 超出范围（−1000000–1000000）"]);
    check(one("1e-30"), expect!["规则文件 items[0].weight：1e-30 的小数超过 6 位"]);
    check(one("\"0.0000001\""), expect!["规则文件 items[0].weight：0.0000001 的小数超过 6 位"]);
    check(one("1000000"), expect!["reads: 1 items"]);
    check(one("-1000000"), expect!["reads: 1 items"]);
    check(
        rule_file(&rules(r#"{"name":"全部","full_score":1e7,"patterns":["*"]}"#, WEIGHTED)),
        expect!["规则文件 groups[0].full_score：10000000 超出范围（−1000000–1000000）"],
    );
}

/// A cap of a number or `"full_score"`, read by hand so a bad number says what is wrong.
#[test]
fn a_cap_out_of_range_says_so() {
    let text = rules(r#"{"name":"全部","full_score":100,"patterns":["*"]}"#, WEIGHTED);
    check(
        rule_file(&text.replace(r#""decimals":2"#, r#""decimals":2,"cap":2e6"#)),
        expect!["规则文件 score.cap：2000000 超出范围（−1000000–1000000）"],
    );
    check(
        rule_file(&text.replace(r#""decimals":2"#, r#""decimals":2,"cap":"full_score""#)),
        expect!["reads: 1 items"],
    );
    check(
        rule_file(&text.replace(r#""decimals":2"#, r#""decimals":2,"cap":"most""#)),
        expect!["规则文件 score.cap：应为数字，实际是 “most”"],
    );
}

/// Within the bounds an exact sum can still need more than 38 digits: many rate items over
/// large unrelated denominators. Refused with a typed error, never a wrap or a panic.
#[test]
fn points_beyond_exact_range_refuse_the_scores() {
    let items: Vec<String> = [
        "on_time_rate",
        "sign_rate",
        "satisfaction_rate",
        "feedback_rate",
        "contact_rate",
        "audit_rate",
    ]
    .iter()
    .map(|k| {
        format!(
            r#"{{"type":"weighted","name":"{k}","indicator":"{k}","weight":0.999999,"rate_as":"percent"}}"#
        )
    })
    .collect();
    let r = RuleSet::parse(&rules(r#"{"name":"全部","full_score":100,"patterns":["*"]}"#, &items.join(",")))
        .unwrap();
    // Distinct primes near 10^12 as the denominators.
    let p = [
        999_999_999_989u64,
        999_999_999_961,
        999_999_999_959,
        999_999_999_937,
        999_999_999_899,
        999_999_999_877,
    ];
    let t = Tally {
        received: p[0],
        transferred: p[0],
        dispatched: p[1],
        sign_due_known: p[1],
        signed_on_time: 1,
        contact_due_known: p[2],
        contacted_on_time: 1,
        due: p[3],
        closed: 1,
        on_time: 1,
        audit_compliant: 1,
        audit_non_compliant: p[4] - 1,
        satisfied: 1,
        unsatisfied: p[5] - 1,
        feedback_due: p[0],
        feedback_on_time: 1,
        ..Default::default()
    };
    let c = [Candidate {
        name: "海州区".into(),
        level: EntityLevel::Member,
        tallies: Split([t, Tally::default()]),
    }];
    let shown = match try_score(&r, &c, &Context::default()) {
        Ok(s) => outcome(&s),
        Err(e) => format!("{e:?}\n{e}"),
    };
    check(
        shown,
        expect![[r#"
        ScoreError { entity: "海州区", item: "satisfaction_rate" }
        无法计分：“海州区”的“satisfaction_rate”超出精确计算的范围（分子或分母超过 38 位数字），未给出任何分数；请减少规则文件中数字的小数位或合并考评项目"#]],
    );
    check(
        format!("{:?}", score(&r, &c, &Context::default()).refused),
        expect![[
            r#"Some("无法计分：“海州区”的“satisfaction_rate”超出精确计算的范围（分子或分母超过 38 位数字），未给出任何分数；请减少规则文件中数字的小数位或合并考评项目")"#
        ]],
    );
}

/// 1 000 000 items once aborted on a 4 GiB allocation (a point per item per unit).
#[test]
fn rule_file_lists_and_bytes_are_bounded() {
    let group = r#"{"name":"全部","full_score":100,"patterns":["*"]}"#;
    check(
        rule_file(&rules(group, &vec![WEIGHTED; 1001].join(","))),
        expect!["规则文件 items：共 1001 项，超过上限 1000 项"],
    );
    check(rule_file(&rules(group, &vec![WEIGHTED; 1000].join(","))), expect!["reads: 1000 items"]);
    let long = format!(r#"{{"name":"全部","full_score":100,"patterns":["{}"]}}"#, "*".repeat(101));
    check(
        rule_file(&rules(&long, WEIGHTED)),
        expect!["规则文件 groups[0].patterns[0]：名称模式有 101 个字符，超过上限 100 个"],
    );
    let huge =
        rules(group, WEIGHTED).replace(r#""name":"t""#, &format!(r#""name":"{}""#, "x".repeat(16 << 20)));
    check(rule_file(&huge), expect!["规则文件：文件有 16777478 字节，超过上限 16777216 字节（16 MiB）"]);
}

/// Side files: 满分 and 分值 bounded as rule-file numbers; bytes and rows bounded.
#[test]
fn side_file_numbers_and_sizes_are_bounded() {
    let reg = |t: &str| {
        Registry::parse(t.as_bytes())
            .map(|r| format!("reads: {} rows", r.entries.len()))
            .unwrap_or_else(|e| e.to_string())
    };
    let adj = |t: &str| {
        Adjustments::parse(t.as_bytes())
            .map(|a| format!("reads: {} rows", a.entries.len()))
            .unwrap_or_else(|e| e.to_string())
    };
    check(
        reg("单位,满分\n东海县,1e30\n"),
        expect!["单位名录第 2 行，列“满分”：1e30 超出范围（−1000000–1000000）"],
    );
    check(reg("单位,满分\n东海县,0\n"), expect!["单位名录第 2 行，列“满分”：满分 0 应大于 0"]);
    check(reg("单位,满分\n东海县,150.5\n"), expect!["reads: 1 rows"]);
    check(
        adj("单位,项目,分值\n海州区,加分,1e-30\n"),
        expect!["加减分文件第 2 行，列“分值”：1e-30 的小数超过 6 位"],
    );
    check(
        adj("单位,项目,分值\n海州区,加分,-2000000\n"),
        expect!["加减分文件第 2 行，列“分值”：-2000000 超出范围（−1000000–1000000）"],
    );
    let big = format!("单位,项目,分值,说明\n海州区,加分,1,{}\n", "x".repeat(32 << 20));
    check(adj(&big), expect!["加减分文件：文件有 33554480 字节，超过上限 33554432 字节（32 MiB）"]);
}

/// A partial of `units`' tickets, its JSON edited by `edit`, read back: the message, or what it
/// holds.
fn partial(units: &[(&str, usize)], edit: impl Fn(&mut serde_json::Value)) -> Result<Partial, String> {
    let ingested = ingest_bytes(tickets(units).as_bytes(), IngestOptions::default()).unwrap();
    let p = Partial::from_ingested("feb.csv", &ingested, None).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
    edit(&mut v);
    Partial::from_json(&v.to_string()).map_err(|e| e.to_string())
}

fn shown(p: Result<Partial, String>) -> String {
    match p {
        Ok(p) => format!("reads: {} cells", p.cells.len()),
        Err(e) => e,
    }
}

/// The first month tally of the first cell with a `due` counter.
fn due_counts(v: &mut serde_json::Value) -> &mut serde_json::Value {
    let months = v["cells"][0]["by_month"].as_array_mut().unwrap();
    &mut months.iter_mut().find(|m| m["by"] == "due").unwrap()["counts"]
}

/// on_time > due once showed 按期办结率 119.23 %.
#[test]
fn a_partial_with_a_part_above_its_whole_is_refused() {
    check(shown(partial(&[("海州区", 3)], |_| {})), expect!["reads: 1 cells"]);
    check(shown(partial(&[("海州区", 3)], |v| due_counts(v)["on_time"] = 31.into())), expect!["字段 cells[0].by_month[2].counts（海州区）计数自相矛盾：on_time = 31 大于 due = 3（部分不能多于整体）"]);
}

/// A count of 2^64 − 1 once wrapped the city's 受理 total.
#[test]
fn a_partial_count_beyond_2_pow_53_is_refused() {
    check(
        shown(partial(&[("海州区", 3)], |v| {
            let months = v["cells"][0]["by_month"].as_array_mut().unwrap();
            let received = months.iter_mut().find(|m| m["by"] == "received").unwrap();
            received["counts"]["received"] = u64::MAX.into();
            received["counts"]["transferred"] = u64::MAX.into();
        })),
        expect!["字段 cells[0].by_month[0].counts（海州区）计数自相矛盾：received = 18446744073709551615 超过上限 9007199254740992（2^53）"],
    );
}

/// Two partials each within the limit whose sum is not: the merge says where.
#[test]
fn a_merge_whose_total_passes_the_limit_is_refused() {
    let big = |v: &mut serde_json::Value| {
        let months = v["cells"][0]["by_month"].as_array_mut().unwrap();
        let received = months.iter_mut().find(|m| m["by"] == "received").unwrap();
        received["counts"]["received"] = ((1u64 << 52) + 1).into();
        received["counts"]["transferred"] = ((1u64 << 52) + 1).into();
    };
    let a = partial(&[("海州区", 1)], big).unwrap();
    let b = partial(&[("海州区", 1)], |v| {
        big(v);
        v["ticket_hashes"] = serde_json::Value::String(String::new());
    })
    .unwrap();
    let c = partial(&[("海州区", 1)], |v| {
        v["ticket_hashes"] = serde_json::Value::String(String::new());
    })
    .unwrap();
    let merged = |parts: &[Partial]| match Partial::merge(parts) {
        Ok(p) => format!("merges: {} cells", p.cells.len()),
        Err(e) => e.to_string(),
    };
    check(merged(&[a.clone(), c]), expect!["merges: 1 cells"]);
    check(merged(&[a, b]), expect!["合并后“海州区”处 received 的合计超过上限 9007199254740992（2^53），不能精确合并：请检查各部分汇总的计数"]);
}

/// 1 000 000 cells once aborted on a 4 GiB allocation: the month tables' size is checked first.
#[test]
fn a_partial_whose_month_tables_pass_a_gib_is_refused_before_allocating() {
    check(
        shown(partial(&[("海州区", 1)], |v| {
            let pairs: Vec<serde_json::Value> = (0..119)
                .map(|m| serde_json::json!({"from": format!("{}-{:02}", 2010 + m / 12, m % 12 + 1), "to": null, "count": 1}))
                .collect();
            let mut cells = vec![serde_json::json!({"unit": "u0", "carried": pairs})];
            cells.extend((1..3000).map(|i| serde_json::json!({"unit": format!("u{i}")})));
            v["cells"] = cells.into();
        })),
        expect!["部分汇总有 3000 个单元、120 个月份，月度表需 1038 MiB，超过上限（500000 个单元、1024 MiB）"],
    );
}

/// A saved report's counts edited by hand: checked before anything is scored (the CLI does).
#[test]
fn a_saved_reports_counts_are_checked() {
    let t = Tally { due: 1300, on_time: 1550, ..Default::default() };
    let shown = |s: Split| s.check("海州区").map_or_else(|e| e.to_string(), |()| "fine".into());
    check(
        shown(Split([Tally { due: 1300, on_time: 1200, ..Default::default() }, Tally::default()])),
        expect!["fine"],
    );
    check(
        shown(Split([Tally::default(), t])),
        expect!["计数自相矛盾：“海州区（省派）”的 on_time = 1550 大于 due = 1300（部分不能多于整体）"],
    );
    let huge = Tally { received: u64::MAX, ..Default::default() };
    check(shown(Split([huge, Tally::default()])), expect!["计数自相矛盾：“海州区（市派）”的 received = 18446744073709551615 超过上限 9007199254740992（2^53）"]);
}
