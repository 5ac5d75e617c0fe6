//! What scoring says besides the points: entities below every grade band, the no-ticket reason
//! of a period of several months, and registry groups the rule file lacks.

use hotline_engine::count::entity::EntityLevel;
use hotline_engine::count::indicators::{Split, Tally};
use hotline_engine::score::registry::Registry;
use hotline_engine::score::rules::RuleSet;
use hotline_engine::score::{score, Candidate, Context, Scores};

fn rules(extra: &str) -> RuleSet {
    RuleSet::parse(&format!(
        r#"{{"format": "hotline-eval.rules/1", "name": "t", "score": {{"decimals": 2}},
        "groups": [{{"name": "县区", "full_score": 100, "patterns": ["*区"]}}],
        "items": [{{"type": "weighted", "name": "按期", "indicator": "on_time_rate", "weight": 100,
                    "rate_as": "fraction"}}]{extra}}}"#
    ))
    .unwrap()
}

fn unit(name: &str, due: u64, on_time: u64) -> Candidate {
    let t = Tally {
        received: due,
        transferred: due,
        dispatched: due,
        due,
        closed: due,
        on_time,
        ..Default::default()
    };
    Candidate { name: name.into(), level: EntityLevel::Member, tallies: Split([t, Tally::default()]) }
}

fn check(scores: &Scores, expect: &str) {
    let rows: Vec<String> = scores
        .groups
        .iter()
        .flat_map(|g| g.rows.iter().map(|r| format!("{} {} {:?}", r.name, r.score, r.grade)))
        .chain(
            scores.groups.iter().flat_map(|g| g.unscored.iter().map(|u| format!("{} {}", u.name, u.reason))),
        )
        .chain(scores.ungraded.iter().map(|n| format!("ungraded {n}")))
        .chain(scores.conflicts.iter().cloned())
        .collect();
    assert_eq!(rows.join("\n"), expect.trim());
}

#[test]
fn a_score_below_every_band_is_listed_as_ungraded() {
    let r = rules(r#", "grades": {"bands": [{"label": "优秀", "min": 95}, {"label": "良好", "min": 80}]}"#);
    let s = score(&r, &[unit("甲区", 10, 10), unit("乙区", 10, 5)], &Context::default());
    check(
        &s,
        r#"
甲区 100.00 Some("优秀")
乙区 50.00 None
ungraded 乙区"#,
    );
}

#[test]
fn no_tickets_in_a_quarter_is_said_of_the_period() {
    let r = rules(r#", "unscored": {"no_tickets": "list"}"#);
    let empty = Candidate { name: "丙区".into(), level: EntityLevel::Member, tallies: Split::default() };
    let cands = [unit("甲区", 10, 10), empty];
    let month = score(&r, &cands, &Context::default());
    assert_eq!(month.groups[0].unscored[0].reason, "本月无工单");
    let quarter = score(&r, &cands, &Context { months: 3, ..Context::default() });
    assert_eq!(quarter.groups[0].unscored[0].reason, "本期无工单");
}

#[test]
fn a_registry_group_the_rules_lack_is_a_conflict_under_either_source() {
    let registry = Registry::parse("单位,分组,满分,上级单位\n甲区,开发区组,,\n".as_bytes()).unwrap();
    let ctx = Context { registry: Some(&registry), ..Context::default() };
    for source in ["rules", "registry"] {
        let r = rules(&format!(r#", "group_source": "{source}""#));
        let s = score(&r, &[unit("甲区", 10, 10)], &ctx);
        check(
            &s,
            r#"
甲区 100.00 None
单位名录中“甲区”的分组“开发区组”不在规则文件中"#,
        );
    }
}

#[test]
fn the_report_reads_the_indicators_as_the_rules_in_force_do() {
    let r = rules(r#", "indicator_options": {"basic_counts_as_satisfied": false}"#);
    let o = hotline_engine::ReportOptions::default().under_rules(Some(&r));
    assert!(!o.indicators.basic_counts_as_satisfied);
    assert!(hotline_engine::ReportOptions::default().under_rules(None).indicators.basic_counts_as_satisfied);
}

#[test]
fn a_rate_gap_item_reads_the_same_under_its_earlier_name() {
    let item = |ty: &str| {
        format!(
            r#", "items": [{{"type": "{ty}", "name": "办结率", "indicator": "close_rate", "weight": -20}}],
            "score": {{"decimals": 2, "base": 100}}"#
        )
    };
    let parse = |ty: &str| {
        RuleSet::parse(&format!(
            r#"{{"format": "hotline-eval.rules/1", "name": "t",
            "groups": [{{"name": "县区", "full_score": 100, "patterns": ["*区"]}}]{}}}"#,
            item(ty)
        ))
        .unwrap()
    };
    let (new, old) = (parse("rate_gap"), parse("shortfall"));
    assert_eq!(new, old);
    let s = score(&new, &[unit("甲区", 10, 9)], &Context::default());
    check(&s, "甲区 100.00 None");
    assert!(new.to_json().contains(r#""rate_gap""#));
}

/// Every precision of a rule file is bounded (a `rate_decimals` of 128 once panicked in the exact
/// arithmetic): refused, naming the field.
#[test]
fn precisions_beyond_six_decimals_are_refused_not_a_panic() {
    for (extra, path) in [
        (r#", "score": {"decimals": 2, "rate_decimals": 128}"#, "score.rate_decimals"),
        (r#", "score": {"decimals": 128}"#, "score.decimals"),
    ] {
        let text = format!(
            r#"{{"format": "hotline-eval.rules/1", "name": "t",
            "groups": [{{"name": "县区", "full_score": 100, "patterns": ["*区"]}}],
            "items": [{{"type": "weighted", "name": "按期", "indicator": "on_time_rate", "weight": 100, "rate_as": "fraction"}}]{extra}}}"#
        );
        let e = RuleSet::parse(&text).unwrap_err().to_string();
        assert_eq!(e, format!("规则文件 {path}：最多 6 位小数"));
    }
    let text = r#"{"format": "hotline-eval.rules/1", "name": "t", "score": {"decimals": 2},
        "groups": [{"name": "县区", "full_score": 100, "patterns": ["*区"], "decimals": 99}],
        "items": [{"type": "weighted", "name": "按期", "indicator": "on_time_rate", "weight": 100, "rate_as": "fraction"}]}"#;
    assert_eq!(RuleSet::parse(text).unwrap_err().to_string(), "规则文件 groups[0].decimals：最多 6 位小数");
}

/// A misspelt unit in the adjustments file (海洲区 for 海州区) once dropped its points in
/// silence: the row is listed, with its line.
#[test]
fn an_adjustment_for_no_scored_unit_is_listed() {
    let r = RuleSet::parse(
        r#"{"format": "hotline-eval.rules/1", "name": "t", "score": {"decimals": 2, "base": 100},
        "groups": [{"name": "县区", "full_score": 100, "patterns": ["*区"]}],
        "items": [{"type": "adjustment", "name": "加减分", "items": ["扣分"]}]}"#,
    )
    .unwrap();
    let adjustments = hotline_engine::score::registry::Adjustments::parse(
        "单位,项目,分值,说明\n海州区,扣分,-1,\n海洲区,扣分,-2,错字\n".as_bytes(),
    )
    .unwrap();
    let ctx = Context { adjustments: Some(&adjustments), ..Context::default() };
    let s = score(&r, &[unit("海州区", 10, 10)], &ctx);
    check(&s, "海州区 99.00 None");
    assert_eq!(s.unmatched_adjustments, ["第 3 行：海洲区（扣分 -2）"]);
}
