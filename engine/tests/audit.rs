//! The self-audit against the whole pipeline: every what-if score and every ticket's points at
//! stake equal the score of the same file with those rows edited **as text**, as
//! docs/self-audit.md says, and run through ingest, count and score again. The fix-first list
//! against a hand-worked answer.

use hotline_engine::count::entity::EntityLevel;
use hotline_engine::ratio::Ratio;
use hotline_engine::report::audit::{self, Audit, AuditQuery, Fix};
use hotline_engine::report::shortfall::ShortfallKind;
use hotline_engine::score::rules::RuleSet;
use hotline_engine::score::{presets, Context};
use hotline_engine::{ingest_bytes, IngestOptions, Month, Period, Report, ReportOptions};
use hotline_sample::{generate_string, GenConfig};

/// The column a fix edits and the column whose value it takes ("" + value: a constant).
fn edit_of(kind: ShortfallKind) -> (&'static str, Result<&'static str, &'static str>) {
    match kind {
        ShortfallKind::SignedLate => ("签收时间", Ok("签收时限")),
        ShortfallKind::ContactLate => ("首次联系时间", Ok("首次联系时限")),
        ShortfallKind::ClosedLate | ShortfallKind::OpenOverdue => ("办结时间", Ok("办理时限")),
        ShortfallKind::Reworked => ("退回次数", Err("0")),
        ShortfallKind::Unsatisfied | ShortfallKind::BasicallySatisfied => ("回访结果", Err("满意")),
        ShortfallKind::NonCompliant => ("答复抽检", Err("规范")),
        ShortfallKind::FeedbackLate => ("反馈时间", Ok("反馈时限")),
    }
}

/// `csv` with the rows at these physical lines edited for these lists, as plain text.
fn edited(csv: &str, edits: &[(u32, ShortfallKind)]) -> String {
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let header: Vec<String> = lines[0].split(',').map(str::to_string).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for &(line, kind) in edits {
        let row = &mut lines[line as usize - 1];
        assert!(!row.contains('"'), "the sample's rows are plain");
        let mut fields: Vec<String> = row.split(',').map(str::to_string).collect();
        let (target, from) = edit_of(kind);
        fields[col(target)] = match from {
            Ok(source) => fields[col(source)].clone(),
            Err(value) => value.to_string(),
        };
        *row = fields.join(",");
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn report(csv: &str, rules: &RuleSet, period: Period) -> (hotline_engine::Ingested, ReportOptions, Report) {
    let done = ingest_bytes(csv.as_bytes(), IngestOptions::default()).unwrap();
    let o = ReportOptions { period: Some(period), ..Default::default() }.under_rules(Some(rules));
    let mut r = Report::build(&done, &o);
    r.apply_rules(rules, &Context::default());
    (done, o, r)
}

/// The exact score of `name` in the file's full pipeline run.
fn exact(csv: &str, rules: &RuleSet, period: Period, level: EntityLevel, name: &str) -> Ratio {
    let (_, _, r) = report(csv, rules, period);
    audit::standing_in(rules, r.scores.as_ref().unwrap(), level, name).unwrap().exact
}

fn run(csv: &str, rules: &RuleSet, period: Period, query: &AuditQuery) -> Audit {
    let (done, o, r) = report(csv, rules, period);
    let tickets = audit::unit_tickets(&done.store, &o, query.level, &query.name);
    audit::audit(&r, None, rules, &Context::default(), &tickets, query)
}

/// The rules whose scores the audit is checked under: the presets, and one with grade bands (no
/// preset has them).
fn rule_sets() -> Vec<RuleSet> {
    let mut sets: Vec<RuleSet> =
        ["lyg2017", "lyg2021", "panjin2023"].iter().map(|n| presets::preset(n).unwrap()).collect();
    let mut v: serde_json::Value =
        serde_json::from_str(presets::PRESETS.iter().find(|(i, _)| *i == "lyg2021").unwrap().1).unwrap();
    v["name"] = "lyg2021 with grades".into();
    v["grades"] = serde_json::json!({"bands": [
        {"label": "优秀", "min": 95}, {"label": "良好", "min": 90}, {"label": "合格", "min": 80}
    ]});
    sets.push(RuleSet::parse(&v.to_string()).unwrap());
    sets
}

#[test]
fn what_if_and_points_at_stake_equal_the_edited_file() {
    let csv = generate_string(&GenConfig::new(Month::new(2021, 2), 1500, 11));
    let period = Period::month(Month::new(2021, 2));
    let mut checked = (0, 0, 0);
    for rules in rule_sets() {
        let (_, _, r) = report(&csv, &rules, period);
        let scores = r.scores.clone().unwrap();
        // Units scored from items, with tickets on some list: the first three of each group.
        let mut names: Vec<(EntityLevel, String)> = Vec::new();
        for (gi, g) in scores.groups.iter().enumerate() {
            let level = rules.groups[gi].level.unwrap_or(rules.level);
            names.extend(
                g.rows.iter().filter(|row| row.note.is_none()).take(3).map(|row| (level, row.name.clone())),
            );
        }
        assert!(!names.is_empty(), "{}: some unit is scored", rules.name);
        for (level, name) in names {
            let a = run(&csv, &rules, period, &AuditQuery::new(level, &name));
            let base = a.standing.as_ref().unwrap().exact;
            assert_eq!(base, exact(&csv, &rules, period, level, &name));
            // Each ticket's points at stake: the first two of each list, edited alone.
            for list in &a.lists {
                for row in list.rows.iter().take(2) {
                    let after = exact(&edited(&csv, &[(row.line, list.kind)]), &rules, period, level, &name);
                    assert_eq!(
                        after.checked_sub(base).unwrap(),
                        row.points,
                        "{} {name}: {} alone on {:?}",
                        rules.name,
                        row.id,
                        list.kind
                    );
                    checked.0 += 1;
                }
            }
            // A what-if of several tickets, each fixed on every list it is on.
            let chosen: Vec<&str> =
                a.lists.iter().flat_map(|l| l.rows.iter().take(2).map(|r| r.id.as_str())).collect();
            let mut edits = Vec::new();
            for l in &a.lists {
                for r in l.rows.iter().filter(|r| chosen.contains(&r.id.as_str())) {
                    edits.push((r.line, l.kind));
                }
            }
            if chosen.is_empty() {
                continue;
            }
            let fixes = chosen.iter().map(|id| Fix { id: id.to_string(), kind: None }).collect();
            let q = AuditQuery { fixes, ..AuditQuery::new(level, &name) };
            let what_if = run(&csv, &rules, period, &q).what_if.unwrap();
            // The tick's short way gives the same.
            let (done, o, r) = report(&csv, &rules, period);
            let tickets = audit::unit_tickets(&done.store, &o, level, &name);
            let quick = audit::what_if(&r, &rules, &Context::default(), &tickets, &q).0.unwrap();
            assert_eq!((quick.exact, quick.rank), (what_if.exact, what_if.rank));
            let (_, _, er) = report(&edited(&csv, &edits), &rules, period);
            let truth = audit::standing_in(&rules, er.scores.as_ref().unwrap(), level, &name).unwrap();
            assert_eq!((what_if.exact, &what_if.score), (truth.exact, &truth.score), "{} {name}", rules.name);
            assert_eq!((what_if.rank, &what_if.grade), (truth.rank, &truth.grade), "{} {name}", rules.name);
            checked.1 += 1;
            // Additive rules: the points lost per item add up to what every fix together gains.
            if additive(&rules) {
                let lost =
                    a.items.iter().filter_map(|i| i.lost).fold(Ratio::ZERO, |s, l| s.checked_add(l).unwrap());
                let q = AuditQuery { fix_all: true, ..AuditQuery::new(level, &name) };
                let all = run(&csv, &rules, period, &q).what_if.unwrap();
                assert_eq!(all.exact.checked_sub(base).unwrap(), lost, "{} {name}", rules.name);
                checked.2 += 1;
            }
        }
    }
    assert!(checked.0 > 30 && checked.1 > 6 && checked.2 > 3, "checked {checked:?}");
}

/// Rules where a unit's score is its items' sum: no cap on the total and no item left out and
/// the others rescaled (docs/self-audit.md, "Additivity").
fn additive(rules: &RuleSet) -> bool {
    rules.score.cap.is_none() && !rules.to_json().contains("rescale")
}

#[test]
fn clearing_the_ticks_restores_the_real_figures() {
    let csv = generate_string(&GenConfig::new(Month::new(2021, 2), 800, 5));
    let rules = presets::preset("lyg2021").unwrap();
    let period = Period::month(Month::new(2021, 2));
    let a = run(&csv, &rules, period, &AuditQuery::new(EntityLevel::Member, "海州区"));
    assert!(a.what_if.is_none());
    let q = AuditQuery {
        fixes: vec![Fix { id: "NO-SUCH".into(), kind: None }],
        ..AuditQuery::new(EntityLevel::Member, "海州区")
    };
    let b = run(&csv, &rules, period, &q);
    assert_eq!(b.unknown_fixes, vec!["NO-SUCH".to_string()]);
    assert_eq!(b.what_if.as_ref().map(|s| s.exact), a.standing.as_ref().map(|s| s.exact));
}

/// A hand-made file, worked by hand: as of 2021-02-10 12:00, which open tickets of 海州区 fall
/// due before the month ends, and which are overdue.
#[test]
fn fix_first_equals_the_hand_worked_answer() {
    let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,签收时限,签收时间,办理时限,办结时间\n\
        H1,2021-02-09 09:00,微信,投诉,转办,海州区,2021-02-09 10:00,2021-02-10 10:00,2021-02-09 11:00,3,\n\
        H2,2021-02-10 08:00,微信,投诉,转办,海州区,2021-02-10 09:00,2021-02-10 15:00,,2021-02-25 18:00,\n\
        H3,2021-02-01 08:00,微信,投诉,转办,海州区,2021-02-01 09:00,2021-02-01 12:00,2021-02-01 10:00,2021-02-08 18:00,\n\
        H4,2021-02-02 08:00,微信,投诉,转办,海州区,2021-02-02 09:00,2021-02-02 12:00,2021-02-02 10:00,2021-03-05 18:00,\n\
        H5,2021-02-03 08:00,微信,投诉,转办,海州区,2021-02-03 09:00,2021-02-03 12:00,2021-02-03 10:00,2021-02-09 18:00,2021-02-10 12:00\n\
        H6,2021-02-03 08:00,微信,投诉,转办,连云区,2021-02-03 09:00,2021-02-03 12:00,2021-02-03 10:00,2021-02-20 18:00,\n";
    let rules = presets::preset("lyg2021").unwrap();
    let period = Period::month(Month::new(2021, 2));
    let as_of = hotline_engine::read::datetime::parse_standard(b"2021-02-10 12:00:00").unwrap();
    let q = AuditQuery { as_of: Some(as_of), ..AuditQuery::new(EntityLevel::Member, "海州区") };
    let a = run(csv, &rules, period, &q);
    let list = |v: &[audit::DueItem]| -> Vec<(String, String, String, String)> {
        v.iter()
            .map(|d| (d.id.clone(), d.deadline_kind.clone(), d.deadline.clone(), d.left.clone()))
            .collect()
    };
    let s = |a: &str, b: &str, c: &str, d: &str| (a.to_string(), b.to_string(), c.to_string(), d.to_string());
    // By hand: H2 not signed, 签收时限 today 15:00 (3 h left); H1 due in 3 working days after
    // 2021-02-09 (02-10, then the Spring Festival 02-11..17, then 02-18, 02-19): 02-19 23:59:59,
    // 9天11小时 left; H2's 办理时限 02-25 18:00. H4 falls due in March (not this period), H5
    // closed at as-of, H6 another unit's.
    assert_eq!(
        list(&a.fix_first),
        vec![
            s("H2", "签收", "2021-02-10 15:00:00", "3小时0分钟"),
            s("H1", "办结", "2021-02-19 23:59:59", "9天11小时"),
            s("H2", "办结", "2021-02-25 18:00:00", "15天6小时"),
        ]
    );
    // H3 overdue since 02-08 18:00 and still open.
    assert_eq!(list(&a.overdue), vec![s("H3", "办结", "2021-02-08 18:00:00", "超期1天18小时")]);
    // Points if missed, by hand: 及时签收率 4/5 = 80 % costs (95 − 80) × 1, capped at 10; H2 signed
    // in time makes it 5/5: 10 points. 按时办结率 of the four due in February (H1, H2, H3, H5) is
    // 0/4 as the file stands, 1/4 with any one met: 95 − 25 = 70 points, still capped at 20: 0.
    let points: Vec<Ratio> = a.fix_first.iter().chain(&a.overdue).map(|d| d.points).collect();
    assert_eq!(points, vec![Ratio::int(10), Ratio::ZERO, Ratio::ZERO, Ratio::ZERO]);
    // Had every deadline still ahead been met: above the file as it stands.
    assert!(a.if_open_met.as_ref().unwrap().exact > a.standing.as_ref().unwrap().exact);
}

/// A second read a batch at a time (a file streamed beyond memory) keeps exactly the unit's
/// tickets in memory and finds the same latest event, whatever the batch and chunk sizes.
#[test]
fn a_second_read_finds_the_tickets_in_memory() {
    use hotline_engine::report::audit::UnitTicketScan;
    let csv = generate_string(&GenConfig::new(Month::new(2021, 2), 1200, 3));
    let rules = presets::preset("lyg2021").unwrap();
    let (done, o, _) = report(&csv, &rules, Period::month(Month::new(2021, 2)));
    for (level, name) in [(EntityLevel::Member, "海州区"), (EntityLevel::Unit, "新海街道办")] {
        let held = audit::unit_tickets(&done.store, &o, level, name);
        assert!(!held.is_empty());
        for (batch, chunk) in [(1, 7), (100, 4096), (1 << 20, 1 << 20)] {
            let mut scan = UnitTicketScan::new(IngestOptions::default(), o.clone(), level, name, batch);
            for piece in csv.as_bytes().chunks(chunk) {
                scan.push(piece).unwrap();
            }
            let scanned = scan.finish().unwrap();
            assert_eq!(scanned.tickets, held, "{name}, batch {batch}");
            assert_eq!(scanned.latest, audit::latest_event(&done.store));
        }
    }
}

/// Month by month: each month's score, rank and item figures are the audit of that month alone.
#[test]
fn month_by_month_equals_each_months_audit() {
    let mut csv = generate_string(&GenConfig::new(Month::new(2021, 1), 900, 11));
    let feb = generate_string(&GenConfig::new(Month::new(2021, 2), 900, 12));
    // Two exports of one system: the second month's rows after the first's, its ids renamed.
    csv.push_str(&feb.lines().skip(1).map(|l| format!("B{l}\n")).collect::<String>());
    let rules = presets::preset("lyg2021").unwrap();
    let months = [Month::new(2021, 1), Month::new(2021, 2)];
    let reports: Vec<Report> = months.iter().map(|m| report(&csv, &rules, Period::month(*m)).2).collect();
    let rows = audit::monthly(&reports, &rules, &Context::default(), EntityLevel::Member, "海州区");
    assert_eq!(rows.len(), 2);
    for (m, row) in months.iter().zip(&rows) {
        let a = run(&csv, &rules, Period::month(*m), &AuditQuery::new(EntityLevel::Member, "海州区"));
        let s = a.standing.unwrap();
        assert_eq!(row.period, a.period);
        assert_eq!((row.score.as_deref(), row.rank, row.of), (Some(s.score.as_str()), s.rank, s.of));
        let items: Vec<(String, String)> =
            a.items.iter().map(|i| (i.item.clone(), i.value.clone())).collect();
        let got: Vec<(String, String)> = row.items.iter().map(|(n, v, _)| (n.clone(), v.clone())).collect();
        assert_eq!(got, items);
    }
    assert_ne!(rows[0].items, rows[1].items, "two months differ");
}
