//! Every indicator definition on a small hand-built file. The expected numbers were worked out
//! by hand from the rows below (see the comments); docs/indicators.md states the definitions.

use hotline_engine::count::catalogue::Figures;
use hotline_engine::read::encoding::encode;
use hotline_engine::{ingest_bytes, IngestOptions, Month, Period, Report, ReportOptions, TextEncoding};

const HEADER: &str = "工单编号,受理时间,来源渠道,诉求类型,问题分类,办理方式,承办单位,上级单位,省派,急件,派单时间,签收时限,签收时间,首次联系时限,首次联系时间,办理时限,办结时间,退回次数,回访结果,回访时间,反馈时限,反馈时间,答复抽检";

/// January: J1 direct; J2, J3 carried into February; J4 closed in January.
/// February (the period): F1, F2 direct; F3 province-dispatched, late; F4 urgent, on time;
/// F5 due in March; F6 received in February but dispatched in March.
/// March: M1 only (an incomplete month).
const ROWS: &[&str] = &[
    "J1,2021-01-10 08:00,12345热线电话,咨询,供水,直接答复,,,,,,,,,,,,,,,,,",
    "J2,2021-01-20 09:00,12345热线电话,投诉,私搭乱建,转办,路南街道办,海州区,否,否,2021-01-20 10:00,,,,,2021-02-03 23:59:59,2021-02-02 16:00,0,满意,2021-02-04 10:00,,,",
    "J3,2021-01-25 09:00,微信,投诉,噪音扰民,转办,路南街道办,海州区,否,否,2021-01-25 10:00,,,,,2021-02-05 23:59:59,,1,,,,,",
    "J4,2021-01-05 09:00,微信,求助,供水,转办,市住建局,,否,否,2021-01-05 10:00,,,,,2021-01-15 23:59:59,2021-01-14 12:00,0,,,,,",
    "F1,2021-02-01 08:00,微信,咨询,供水,直接答复,,,,,,,,,,,,,,,,,",
    "F2,2021-02-02 08:00,12345热线电话,投诉,\"物业,管理\",直接答复,,,,,,,,,,,,,,,,,",
    "F3,2021-02-03 09:00,省12345平台,投诉,私搭乱建,转办,路南街道办,海州区,是,否,2021-02-03 10:00,2021-02-03 12:00,2021-02-03 11:00,2021-02-04 10:00,2021-02-04 11:00,2021-02-10 23:59:59,2021-02-12 09:00,0,不满意,2021-02-13 10:00,2021-02-10 23:59:59,2021-02-12 09:30,不规范",
    "F4,2021/2/5 9:00,12345热线电话,求助,供水,转办,市住建局,,否,是,2021/2/5 10:00,2021/2/5 12:00,2021/2/5 13:00,,,2021/2/26,2021/2/20 15:00,0,基本满意,2021/2/21 9:30,2021/2/26,2021/2/20,规范",
    "F5,2021-02-20 09:00,12345热线电话,咨询,供水,转办,市住建局,,N,N,2021-02-20 10:00,,,,,2021-03-05 23:59:59,,0,,,,,",
    "F6,2021-02-25 09:00,微信,建议,道路破损,转办,路南街道办,海州区,0,0,2021-03-01 10:00,,,,,2021-03-10 23:59:59,,,,,,,",
    "M1,2021-03-01 08:00,12345热线电话,咨询,供水,直接答复,,,,,,,,,,,,,,,,,",
];

fn file() -> String {
    let mut s = String::from(HEADER);
    for r in ROWS {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s
}

fn report(bytes: &[u8], period: Option<&str>) -> Report {
    let ingested = ingest_bytes(bytes, IngestOptions::default()).expect("file reads");
    assert_eq!(ingested.summary.rows_rejected, 0, "{:?}", ingested.rejects);
    let period = period.map(|p| Period::parse(p).unwrap());
    Report::build(&ingested, &ReportOptions { period, ..Default::default() })
}

fn pct(r: &hotline_engine::Rate) -> String {
    format!("{}/{}={}", r.num, r.den, r.percent.as_deref().unwrap_or("—"))
}

#[test]
fn february_city_figures_worked_by_hand() {
    let r = report(file().as_bytes(), None);
    let p = r.period.as_ref().unwrap();
    // Jan 4 received, Feb 6, Mar 1: March < 6/2, so February is the latest complete month.
    assert_eq!(p.period, Period::month(Month::new(2021, 2)));
    assert!(p.why.contains("2021年3月（1 件）"), "{}", p.why);
    let c = r.city.as_ref().unwrap();
    let f: &Figures = &c.all;
    // 受理量 = 6 received in Feb + J2, J3 carried over (J4 closed in January).
    assert_eq!((f.received, f.carried_over, f.accepted), (6, 2, 8));
    assert_eq!((f.direct, f.transferred), (2, 6));
    assert_eq!(pct(&f.direct_rate), "2/8=25.00");
    // 总工单数: F3, F4, F5 dispatched in Feb (F6 only on 1 March).
    assert_eq!(f.dispatched, 3);
    // 签收: F3 on time, F4 late, F5 has no 签收时限.
    assert_eq!(pct(&f.sign_rate), "1/2=50.00");
    assert_eq!(f.no_sign_due, 1);
    // 首次联系: only F3 has a deadline, and it was missed.
    assert_eq!(pct(&f.contact_rate), "0/1=0.00");
    // 应办结: J2 (3 Feb), J3 (5 Feb), F3 (10 Feb), F4 (26 Feb). 办结: J2, F3, F4. 按期: J2, F4.
    assert_eq!((f.due, f.closed, f.on_time, f.closed_late, f.open_overdue), (4, 3, 2, 1, 1));
    assert_eq!(pct(&f.close_rate), "3/4=75.00");
    assert_eq!(pct(&f.on_time_rate), "2/4=50.00");
    // 返工: J3 was returned once.
    assert_eq!(pct(&f.rework_rate), "1/4=25.00");
    assert_eq!(pct(&f.first_time_rate), "3/4=75.00");
    assert_eq!((f.urgent_due, f.urgent_on_time), (1, 1));
    // Callbacks dated in Feb: J2 满意, F3 不满意, F4 基本满意 (counted as satisfied by default).
    assert_eq!((f.rated, f.satisfied, f.basically_satisfied, f.unsatisfied), (3, 1, 1, 1));
    assert_eq!(pct(&f.satisfaction_rate), "2/3=66.67");
    // No 未回访 in February: every callback reached the citizen.
    assert_eq!(pct(&f.effective_callback_rate), "3/3=100.00");
    // 答复抽检 of tickets closed in Feb: F3 不规范, F4 规范.
    assert_eq!(pct(&f.audit_rate), "1/2=50.00");
    // 反馈: F3 late, F4 on time.
    assert_eq!(pct(&f.feedback_rate), "1/2=50.00");

    // 省派 is F3 alone; 市派 is the rest.
    let prov = &c.province;
    assert_eq!((prov.received, prov.dispatched, prov.due, prov.closed, prov.on_time), (1, 1, 1, 1, 0));
    assert_eq!(pct(&prov.satisfaction_rate), "0/1=0.00");
    assert_eq!(c.municipal.accepted + prov.accepted, f.accepted);
    assert_eq!(c.municipal.due + prov.due, f.due);

    // January is complete, so changes are shown: 按期办结率 50.00 − 100.00 (J4 on time).
    let on_time = c.changes.iter().find(|x| x.indicator == "on_time_rate").unwrap();
    assert_eq!(on_time.delta_pp.as_deref(), Some("-50.00"));
    let direct = c.changes.iter().find(|x| x.indicator == "direct_rate").unwrap();
    assert_eq!(direct.delta_pp.as_deref(), Some("0.00"), "Jan: J1 of 4 = 25.00");
    let sat = c.changes.iter().find(|x| x.indicator == "satisfaction_rate").unwrap();
    assert_eq!(sat.delta_pp, None, "no callbacks in January: —");
}

#[test]
fn shares_and_hot_topics_are_over_accepted() {
    let r = report(file().as_bytes(), None);
    let ch: Vec<String> =
        r.channels.iter().map(|s| format!("{} {} {}", s.name, s.count, pct(&s.share))).collect();
    // 热线: J2 F2 F4 F5; 微信: J3 F1 F6; 省平台: F3 — adds up to 受理量 8.
    assert_eq!(ch, ["12345热线电话 4 4/8=50.00", "微信 3 3/8=37.50", "省12345平台 1 1/8=12.50"]);
    let kinds: u64 = r.kinds.iter().map(|k| k.count).sum();
    assert_eq!(kinds, 8);
    let hot = &r.hot_topics[0];
    assert_eq!(hot.channel, "12345热线电话");
    let topics: Vec<_> = hot.topics.iter().map(|t| format!("{} {}", t.name, t.count)).collect();
    assert_eq!(topics, ["供水 2", "物业,管理 1", "私搭乱建 1"]);
}

#[test]
fn units_and_members() {
    let r = report(file().as_bytes(), None);
    let unit = |n: &str| r.units.iter().find(|u| u.name == n).unwrap();
    let a = unit("路南街道办");
    assert_eq!(a.member.as_deref(), Some("海州区"));
    // J2, J3, F3 due; J2, F3 closed; J2 on time. F6 received in Feb; J2, J3 carried over.
    assert_eq!((a.all.accepted, a.all.dispatched, a.all.due, a.all.closed, a.all.on_time), (4, 1, 3, 2, 1));
    assert_eq!(pct(&a.all.on_time_rate), "1/3=33.33");
    let b = unit("市住建局");
    // F4, F5 dispatched; F4 due and on time; F4 signed late, F5 has no 签收时限. J4 is January's.
    assert_eq!((b.all.dispatched, b.all.due, b.all.on_time), (2, 1, 1));
    assert_eq!(pct(&b.all.sign_rate), "0/1=0.00");
    // Members: 海州区 (rolled up from 路南街道办) and 市住建局.
    let names: Vec<_> = r.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["市住建局", "海州区"]);
    assert_eq!(r.members[1].all, a.all);
}

#[test]
fn a_range_of_months_counts_once_not_a_sum_of_months() {
    let r = report(file().as_bytes(), Some("2021-01..2021-02"));
    let f = &r.city.as_ref().unwrap().all;
    // Received Jan–Feb: 10; nothing was open before January.
    assert_eq!((f.received, f.carried_over), (10, 0));
    // Due: J4, J2, J3, F3, F4; closed: all but J3; on time: J4, J2, F4.
    assert_eq!((f.due, f.closed, f.on_time), (5, 4, 3));
    let note = r.city.as_ref().unwrap().changes_note.clone();
    assert_eq!(note.as_deref(), Some("上期数据不完整（2020年11月—2020年12月）"));
}

#[test]
fn basic_satisfied_option() {
    let ingested = ingest_bytes(file().as_bytes(), IngestOptions::default()).unwrap();
    let mut o = ReportOptions::default();
    o.indicators.basic_counts_as_satisfied = false;
    let r = Report::build(&ingested, &o);
    assert_eq!(pct(&r.city.unwrap().all.satisfaction_rate), "1/3=33.33");
}

#[test]
fn gbk_and_utf8_bom_give_the_same_report() {
    let utf8 = report(file().as_bytes(), None);
    let gbk_bytes = encode(TextEncoding::Gb18030, &file());
    let mut gbk = report(&gbk_bytes, None);
    assert_eq!(gbk.source.encoding, Some(TextEncoding::Gb18030));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(file().as_bytes());
    let mut with_bom = report(&bom, None);
    assert_eq!(with_bom.source.encoding, Some(TextEncoding::Utf8));
    // Same figures; only the byte counts and encoding differ.
    for r in [&mut gbk, &mut with_bom] {
        r.source.bytes = utf8.source.bytes;
        r.source.encoding = utf8.source.encoding;
    }
    assert_eq!(gbk, utf8);
    assert_eq!(with_bom, utf8);
}

#[test]
fn chunk_boundaries_never_change_the_result() {
    let bytes = encode(TextEncoding::Gb18030, &file());
    let whole = report(&bytes, None);
    for size in [1, 2, 3, 5, 64] {
        let mut ingest = hotline_engine::Ingest::new(IngestOptions::default());
        for c in bytes.chunks(size) {
            ingest.push(c).unwrap();
        }
        let done = ingest.finish().unwrap();
        assert_eq!(Report::build(&done, &ReportOptions::default()), whole, "chunk size {size}");
    }
}

#[test]
fn registry_parent_known_only_to_the_registry_still_rolls_up() {
    // 路南街道办's rows name no 上级单位 here; the registry puts it under 海州区, which has no
    // tickets of its own. 市文明办 is in the registry with nothing this month.
    let text = file().replace("路南街道办,海州区", "路南街道办,");
    let ingested = ingest_bytes(text.as_bytes(), IngestOptions::default()).unwrap();
    let registry = hotline_engine::score::registry::Registry::parse(
        "单位,分组,满分,上级单位\n海州区,区组,100,\n路南街道办,,,海州区\n市住建局,市直组,100,\n市文明办,市直组,100,\n".as_bytes(),
    )
    .unwrap();
    let r = Report::build(&ingested, &ReportOptions { registry: Some(registry), ..Default::default() });
    let names: Vec<_> = r.members.iter().map(|m| (m.name.as_str(), m.all.due)).collect();
    assert_eq!(names, [("市住建局", 1), ("海州区", 3), ("市文明办", 0)]);
    let unit = r.units.iter().find(|u| u.name == "路南街道办").unwrap();
    assert_eq!(unit.member.as_deref(), Some("海州区"));
    let groups: Vec<_> = r.groups.iter().map(|g| (g.name.as_str(), g.all.due)).collect();
    assert_eq!(groups, [("区组", 3), ("市直组", 1)]);
}

#[test]
fn custom_chinese_datetime_format_on_a_gbk_file() {
    let text = "工单号,来电时间,受理渠道,诉求类别,处理方式\nQ1,2021年02月01日 08时00分,微信,投诉,直接答复\n";
    let gbk = encode(TextEncoding::Gb18030, text);
    let headers = hotline_engine::peek_headers(&gbk).unwrap();
    let mut mapping = hotline_engine::Mapping::guess(&headers);
    mapping.datetime_format = Some("%Y年%m月%d日 %H时%M分".into());
    let done =
        ingest_bytes(&gbk, IngestOptions { mapping: Some(mapping), ..Default::default() }).unwrap_err();
    // The mapping lacks 承办单位 etc.: the header error names them, proving the guess was used.
    assert!(done.message().contains("承办单位"));
    let text = "工单号,来电时间,受理渠道,诉求类别,处理方式,责任单位,交办时间,办理期限\nQ1,2021年02月01日 08时00分,微信,投诉,直接答复,,,\n";
    let gbk = encode(TextEncoding::Gb18030, text);
    let mut mapping = hotline_engine::Mapping::guess(&hotline_engine::peek_headers(&gbk).unwrap());
    mapping.datetime_format = Some("%Y年%m月%d日 %H时%M分".into());
    let done = ingest_bytes(&gbk, IngestOptions { mapping: Some(mapping), ..Default::default() }).unwrap();
    assert_eq!(done.summary.rows_scored, 1, "{:?}", done.rejects);
    assert_eq!(done.store.tickets[0].received.to_string(), "2021-02-01 08:00:00");
}

#[test]
fn city_identities_hold_on_generated_months() {
    // The kind of identity the bulletins print: 70936 = 67209 + 3727 = 43850 + 27086 (LYG 2021).
    for seed in 1..4 {
        let mut bytes = Vec::new();
        let cfg = hotline_sample::GenConfig::new(Month::new(2021, 2), 3000, seed);
        hotline_sample::generate(&cfg, &mut bytes);
        let r = report(&bytes, None);
        let c = r.city.as_ref().unwrap();
        let f = &c.all;
        assert_eq!(f.accepted, f.received + f.carried_over);
        assert_eq!(f.accepted, f.direct + f.transferred);
        assert_eq!(r.channels.iter().map(|s| s.count).sum::<u64>(), f.accepted);
        assert_eq!(r.kinds.iter().map(|s| s.count).sum::<u64>(), f.accepted);
        assert_eq!(c.municipal.accepted + c.province.accepted, f.accepted);
        assert_eq!(c.municipal.due + c.province.due, f.due);
        assert_eq!(f.closed_late + f.on_time, f.closed);
        assert_eq!(f.open_overdue + f.closed, f.due);
        // Every 转办 ticket counted for the city is counted for exactly one unit and one member.
        let units_due: u64 = r.units.iter().map(|u| u.all.due).sum();
        let members_due: u64 = r.members.iter().map(|u| u.all.due).sum();
        assert_eq!((units_due, members_due), (f.due, f.due));
        let units_transferred: u64 = r.units.iter().map(|u| u.all.transferred).sum();
        assert_eq!(units_transferred, f.transferred);
    }
}

fn deadline_report(csv: &str, deadlines: Option<&str>) -> Report {
    let ingested = ingest_bytes(csv.as_bytes(), IngestOptions::default()).unwrap();
    assert_eq!(ingested.summary.rows_rejected, 0, "{:?}", ingested.rejects);
    let deadlines = deadlines.map(|j| serde_json::from_str(j).unwrap());
    let period = Some(Period::parse("2021-02").unwrap());
    Report::build(&ingested, &ReportOptions { period, deadlines, ..Default::default() })
}

#[test]
fn time_limit_given_as_working_days_uses_the_official_calendar() {
    // Dispatched Friday 5 Feb 2021; 5 working days after the dispatch day skip 春节 (11–17 Feb)
    // and count Sunday 7 Feb (调休 workday): the deadline is 18 Feb 23:59:59.
    let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
               W1,2021-02-05 14:00,微信,投诉,转办,海州区,2021-02-05 15:00,5,2021-02-18 20:00\n\
               W2,2021-02-05 14:00,微信,投诉,转办,海州区,2021-02-05 15:00,5,2021-02-19 09:00\n";
    let f = &deadline_report(csv, None).city.unwrap().all;
    assert_eq!((f.due, f.closed, f.on_time), (2, 2, 1));
}

#[test]
fn rule_file_deadlines_fill_what_the_export_lacks() {
    // No 办理时限 or 签收时限 column at all: the rules give 2 hours to sign, 5 working days to
    // close, 1 for 急件.
    let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,签收时间,办结时间,急件\n\
               R1,2021-02-01 08:00,微信,投诉,转办,海州区,2021-02-01 09:00,2021-02-01 10:30,2021-02-07 18:00,否\n\
               R2,2021-02-01 08:00,微信,投诉,转办,海州区,2021-02-01 09:00,2021-02-01 11:30,2021-02-03 10:00,是\n";
    // Without rules nothing is due and no 签收时限 is known.
    let bare = deadline_report(csv, None).city.unwrap().all;
    assert_eq!((bare.due, bare.no_sign_due), (0, 2));
    let rules =
        r#"{"sign_within_hours": 2, "close_within_working_days": 5, "urgent_close_within_working_days": 1}"#;
    let f = deadline_report(csv, Some(rules)).city.unwrap().all;
    // R1: dispatched Mon 1 Feb; working days 2, 3, 4, 5 Feb and Sunday 7 Feb (调休 workday
    // before 春节): due 7 Feb 23:59:59, closed that evening: on time; signed 1.5 h after dispatch.
    // R2 (急件): due Tue 2 Feb 23:59:59, closed 3 Feb: late; signed 2.5 h after: late.
    assert_eq!((f.due, f.closed, f.on_time), (2, 2, 1));
    assert_eq!((f.sign_rate.num, f.sign_rate.den), (1, 2));
}

#[test]
fn a_date_outside_the_calendar_is_an_error_not_a_guess() {
    let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
               X1,2021-02-05 14:00,微信,投诉,转办,海州区,2021-02-05 15:00,5,\n\
               X2,2031-02-05 14:00,微信,投诉,转办,海州区,2031-02-05 15:00,5,\n";
    let r = deadline_report(csv, None);
    assert_eq!(r.deadline_errors.count, 1);
    assert!(r.deadline_errors.examples[0].starts_with("第 3 行："), "{:?}", r.deadline_errors);
    assert!(r.deadline_errors.examples[0].contains("2031"), "{:?}", r.deadline_errors);
    assert_eq!(r.calendar_years.0, 2017);
}

#[test]
fn satisfaction_readings() {
    use hotline_engine::count::indicators::{IndicatorOptions, Tally};
    let t = Tally { satisfied: 2, basically_satisfied: 1, unsatisfied: 0, ..Default::default() };
    let graded = IndicatorOptions { graded_basic_points: Some(75), ..Default::default() };
    // Panjin 大洼清河湾供暖: 91.67 % = (100 + 100 + 75) / 3.
    assert_eq!(graded.satisfaction_rate(&t).percent.as_deref(), Some("91.67"));
    let t = Tally { satisfied: 2, basically_satisfied: 0, unsatisfied: 1, ..Default::default() };
    let complement = IndicatorOptions { satisfaction_from_unsatisfied: true, ..Default::default() };
    // 不满意率 1/3 = 33.33 (rounded first), so 满意率 = 66.67.
    assert_eq!(complement.satisfaction_rate(&t).percent.as_deref(), Some("66.67"));
    let t = Tally { satisfied: 5, unsatisfied: 1, ..Default::default() };
    // 1/6 = 16.666… → 16.67; 100 − 16.67 = 83.33 (the exact 5/6 also prints 83.33).
    assert_eq!(complement.satisfaction_rate(&t).percent.as_deref(), Some("83.33"));
    assert_eq!(complement.satisfaction_rate(&Tally::default()).percent, None);
}

#[test]
fn a_report_with_scores_round_trips_through_json() {
    // All state is serialisable: a report (tallies and scores included) read back is the same
    // report, and can be scored again without its tickets.
    let mut bytes = Vec::new();
    hotline_sample::generate(&hotline_sample::GenConfig::new(Month::new(2021, 2), 2000, 3), &mut bytes);
    let mut r = report(&bytes, None);
    let rules = hotline_engine::score::presets::preset("lyg2017").unwrap();
    r.apply_rules(&rules, &hotline_engine::score::Context::default());
    let back: Report = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(back, r);
    let mut again = back.clone();
    again.apply_rules(&rules, &hotline_engine::score::Context::default());
    assert_eq!(again.scores, r.scores);
}
