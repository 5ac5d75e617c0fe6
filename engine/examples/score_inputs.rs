//! Times the scoring side's inputs at size, for before/after comparisons of the former quadratic
//! cases of issue 13 (docs/performance.md): min and median of `--repeat N` runs (default 3).
//! `cargo run --release -p hotline-engine --example score_inputs -- [--n 100000] [--repeat 3] [CASE…]`
//! Cases: `registry` (a registry of n rows read), `groups` (a rule file of n groups, one member
//! each, read and scoring n units), `adjustments` (n adjustment rows read and scoring n units),
//! `registry-score` (n units scored with an n-row registry deciding their groups).

use hotline_engine::count::entity::EntityLevel;
use hotline_engine::count::indicators::{Split, Tally};
use hotline_engine::score::registry::{Adjustments, Registry};
use hotline_engine::score::rules::RuleSet;
use hotline_engine::score::{score, Candidate, Context};

fn unit(i: usize) -> String {
    format!("单位{i:06}")
}

fn candidates(n: usize) -> Vec<Candidate> {
    let t = Tally {
        received: 10,
        transferred: 10,
        dispatched: 10,
        due: 10,
        closed: 9,
        on_time: 8,
        ..Default::default()
    };
    (0..n)
        .map(|i| Candidate {
            name: unit(i),
            level: EntityLevel::Member,
            tallies: Split([t, Tally::default()]),
        })
        .collect()
}

fn rules(groups: &str, items: &str) -> String {
    format!(
        r#"{{"format":"hotline-eval.rules/1","name":"bench","score":{{"decimals":2}},"group_source":"registry","groups":[{groups}],"items":[{items}]}}"#
    )
}

const WEIGHTED: &str =
    r#"{"type":"weighted","name":"按期","indicator":"on_time_rate","weight":100,"rate_as":"fraction"}"#;
const ADJUST: &str = r#"{"type":"adjustment","name":"加减分","items":["加分"]}"#;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str, default: usize| {
        args.iter().position(|a| a == flag).map_or(default, |i| args[i + 1].parse().expect("a number"))
    };
    let (n, repeat) = (value("--n", 100_000), value("--repeat", 3));
    let named: Vec<&str> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || !args[i - 1].starts_with("--")))
        .map(|(_, a)| a.as_str())
        .collect();
    let all = ["registry", "groups", "adjustments", "registry-score"];
    let cases: Vec<&str> = if named.is_empty() { all.to_vec() } else { named };
    for case in cases {
        let mut times = Vec::new();
        for _ in 0..repeat {
            let t = std::time::Instant::now();
            let detail = run(case, n);
            times.push(t.elapsed().as_secs_f64());
            if times.len() == repeat {
                times.sort_by(f64::total_cmp);
                println!(
                    "{case} (n = {n}): min {:.3} s, median {:.3} s; {detail}",
                    times[0],
                    times[repeat / 2]
                );
            }
        }
    }
}

/// One run of a case; what it found, to show the work was done.
fn run(case: &str, n: usize) -> String {
    match case {
        "registry" => {
            let mut csv = String::from("单位,分组,满分,上级单位\n");
            for i in 0..n {
                csv.push_str(&format!("{},组{},100,\n", unit(i), i % 10));
            }
            let r = Registry::parse(csv.as_bytes()).expect("reads");
            format!("{} rows", r.entries.len())
        }
        "groups" => {
            let groups: Vec<String> = (0..n)
                .map(|i| format!(r#"{{"name":"组{i}","full_score":100,"members":["{}"]}}"#, unit(i)))
                .collect();
            let r = RuleSet::parse(&rules(&groups.join(","), WEIGHTED)).expect("parses");
            let s = score(&r, &candidates(n), &Context::default());
            format!(
                "{} groups, {} rows",
                s.groups.len(),
                s.groups.iter().map(|g| g.rows.len()).sum::<usize>()
            )
        }
        "adjustments" => {
            let mut csv = String::from("单位,项目,分值,说明\n");
            for i in 0..n {
                csv.push_str(&format!("{},加分,0.5,\n", unit(i)));
            }
            let a = Adjustments::parse(csv.as_bytes()).expect("reads");
            let r = RuleSet::parse(&rules(
                r#"{"name":"全部","full_score":100,"patterns":["*"]}"#,
                &format!("{WEIGHTED},{ADJUST}"),
            ))
            .expect("parses");
            let s = score(&r, &candidates(n), &Context { adjustments: Some(&a), ..Default::default() });
            format!("{} rows, {} unmatched", s.groups[0].rows.len(), s.unmatched_adjustments.len())
        }
        "registry-score" => {
            let mut csv = String::from("单位,分组,满分,上级单位\n");
            for i in 0..n {
                csv.push_str(&format!("{},组{},100,\n", unit(i), i % 10));
            }
            let reg = Registry::parse(csv.as_bytes()).expect("reads");
            let groups: Vec<String> =
                (0..10).map(|g| format!(r#"{{"name":"组{g}","full_score":100}}"#)).collect();
            let r = RuleSet::parse(&rules(&groups.join(","), WEIGHTED)).expect("parses");
            let s = score(&r, &candidates(n), &Context { registry: Some(&reg), ..Default::default() });
            format!("{} rows", s.groups.iter().map(|g| g.rows.len()).sum::<usize>())
        }
        other => panic!("unknown case {other}"),
    }
}
