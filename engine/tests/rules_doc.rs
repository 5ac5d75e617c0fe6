//! The example of docs/rules.md, run as written: a method that is none of the presets, scored on
//! four units whose scores were worked out by hand in the document.

use hotline_engine::count::entity::EntityLevel;
use hotline_engine::count::indicators::{Split, Tally};
use hotline_engine::score::rules::RuleSet;
use hotline_engine::score::{score, Candidate, Context};

fn doc_example() -> String {
    let doc = include_str!("../../docs/rules.md");
    let start = doc.find("```json\n").expect("docs/rules.md has a json example") + "```json\n".len();
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end].to_string()
}

fn unit(name: &str, due: u64, on_time: u64, rated: u64, satisfied: u64, non_compliant: u64) -> Candidate {
    let t = Tally {
        received: due,
        transferred: due,
        dispatched: due,
        due,
        closed: due,
        on_time,
        satisfied,
        unsatisfied: rated - satisfied,
        audit_compliant: 0,
        audit_non_compliant: non_compliant,
        ..Default::default()
    };
    Candidate { name: name.into(), level: EntityLevel::Member, tallies: Split([t, Tally::default()]) }
}

#[test]
fn the_documented_example_scores_as_worked_by_hand() {
    let rules = RuleSet::parse(&doc_example()).expect("the documented example parses");
    let cands = vec![
        unit("东海县", 40, 38, 20, 19, 0),
        unit("海州区", 50, 40, 10, 9, 1),
        unit("市住建局", 8, 7, 0, 0, 4),
        Candidate { name: "市档案局".into(), level: EntityLevel::Member, tallies: Split::default() },
    ];
    let s = score(&rules, &cands, &Context::default());
    let rows: Vec<(String, String, String, Option<String>)> = s
        .groups
        .iter()
        .flat_map(|g| {
            g.rows.iter().map(move |r| (g.name.clone(), r.name.clone(), r.score.clone(), r.grade.clone()))
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("县区".into(), "东海县".into(), "95.0".into(), Some("A".into())),
            ("县区".into(), "海州区".into(), "82.0".into(), Some("C".into())),
            ("部门".into(), "市住建局".into(), "86.5".into(), Some("B".into())),
        ]
    );
    let listed: Vec<(&str, &str)> = s
        .groups
        .iter()
        .flat_map(|g| g.unscored.iter().map(|u| (u.name.as_str(), u.reason.as_str())))
        .collect();
    assert_eq!(listed, [("市档案局", "本月无工单")]);
}

/// The registry and the rule file disagree on a unit's group and full score: reported, and
/// `group_source` decides.
#[test]
fn registry_and_rules_conflicts_are_reported_not_silently_resolved() {
    let mut json: serde_json::Value = serde_json::from_str(&doc_example()).unwrap();
    let registry = hotline_engine::score::registry::Registry::parse(
        "单位,分组,满分\n海州区,部门,120\n东海县,县区,100\n".as_bytes(),
    )
    .unwrap();
    let cands = vec![unit("东海县", 40, 38, 20, 19, 0), unit("海州区", 50, 40, 10, 9, 1)];
    let ctx = Context { registry: Some(&registry), ..Context::default() };
    // By the rules (default): 海州区 matches "*区" → 县区; the registry says 部门 and 满分 120.
    let s = score(&RuleSet::parse(&json.to_string()).unwrap(), &cands, &ctx);
    assert_eq!(
        s.conflicts,
        [
            "“海州区”：单位名录分组为“部门”，规则文件为“县区”；按规则文件取“县区”",
            "“海州区”：单位名录满分 120，规则文件 100；按规则文件取 100",
        ]
    );
    assert!(s.groups[0].rows.iter().any(|r| r.name == "海州区"));
    // By the registry: 海州区 moves to 部门 with full score 120.
    json["group_source"] = "registry".into();
    let s = score(&RuleSet::parse(&json.to_string()).unwrap(), &cands, &ctx);
    assert!(s.groups[1].rows.iter().any(|r| r.name == "海州区"));
    assert!(s.conflicts.iter().any(|c| c.contains("按单位名录取“部门”")), "{:?}", s.conflicts);
}
