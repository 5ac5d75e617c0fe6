//! The report as CSV tables (one per table, documented columns in docs/report-json.md).
//!
//! UTF-8 with a BOM, so Excel opens the Chinese headers correctly.

use crate::count::catalogue::{Figures, Indicator, View};
use crate::csv_field;

use crate::read::reject::Reject;
use crate::report::{EntityFigures, Report, Share};

/// The figure columns of an entity row: (JSON key, Chinese header, CSV value), for the indicators
/// the catalogue shows in CSV ([`View::Csv`]), in catalogue order.
pub fn figure_columns(f: &Figures) -> Vec<(&'static str, &'static str, String)> {
    figure_column_indicators().map(|i| (i.key(), i.label_zh(), f.get(i).csv())).collect()
}

/// The indicators of the CSV entity tables' figure columns, in order.
pub fn figure_column_indicators() -> impl Iterator<Item = Indicator> {
    Indicator::ALL.iter().copied().filter(|i| i.shown_in(View::Csv))
}

fn line(out: &mut String, cells: impl IntoIterator<Item = String>) {
    let cells: Vec<String> = cells.into_iter().map(|c| csv_field(&c).into_owned()).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

fn entity_table(rows: &[EntityFigures], first: &str) -> String {
    let mut out = String::from("\u{feff}");
    let mut header = vec![first.to_string(), "口径".to_string()];
    if let Some(e) = rows.first() {
        header.extend(figure_columns(&e.all).into_iter().map(|(_, zh, _)| zh.to_string()));
    }
    line(&mut out, header);
    for e in rows {
        for (scope, f) in [("全部", &e.all), ("市派", &e.municipal), ("省派", &e.province)] {
            let mut cells = vec![e.name.clone(), scope.to_string()];
            cells.extend(figure_columns(f).into_iter().map(|(_, _, v)| v));
            line(&mut out, cells);
        }
    }
    out
}

fn share_table(rows: &[Share], first: &str) -> String {
    let mut out = String::from("\u{feff}");
    line(&mut out, [first.to_string(), "件数".into(), "占比".into()]);
    for s in rows {
        line(&mut out, [s.name.clone(), s.count.to_string(), s.share.percent.clone().unwrap_or_default()]);
    }
    out
}

/// Every table of the report as `(file name, CSV text)`.
pub fn csv_tables(report: &Report) -> Vec<(&'static str, String)> {
    let mut files = Vec::new();
    let mut summary = String::from("\u{feff}");
    line(&mut summary, ["项目".to_string(), "值".to_string()]);
    let s = &report.source;
    let mut kv = vec![
        ("编码", s.encoding.map(|e| e.label().to_string()).unwrap_or_default()),
        ("读取行数", s.rows_read.to_string()),
        ("计分行数", s.rows_scored.to_string()),
        ("拒收行数", s.rows_rejected.to_string()),
        ("忽略的列", s.extra_columns.join("、")),
    ];
    if let Some(p) = &report.period {
        kv.push(("统计期间", p.period.to_string()));
        kv.push(("期间说明", p.why.clone()));
    }
    for (k, v) in kv {
        line(&mut summary, [k.to_string(), v]);
    }
    files.push(("summary.csv", summary));
    files.push(("rejects.csv", Reject::to_csv(&report.rejects)));
    if let Some(c) = &report.city {
        let city = [EntityFigures {
            name: "全市".into(),
            member: None,
            group: None,
            all: c.all.clone(),
            municipal: c.municipal.clone(),
            province: c.province.clone(),
            tallies: Default::default(),
        }];
        files.push(("city.csv", entity_table(&city, "范围")));
        let mut ch = String::from("\u{feff}");
        line(&mut ch, ["指标".to_string(), "上期".into(), "变化(百分点)".into()]);
        for c in &c.changes {
            line(
                &mut ch,
                [
                    c.indicator.to_string(),
                    c.previous.percent.clone().unwrap_or_default(),
                    c.delta_pp.clone().unwrap_or_default(),
                ],
            );
        }
        files.push(("changes.csv", ch));
    }
    files.push(("channels.csv", share_table(&report.channels, "来源渠道")));
    files.push(("kinds.csv", share_table(&report.kinds, "诉求类型")));
    let mut hot = String::from("\u{feff}");
    line(
        &mut hot,
        ["来源渠道".to_string(), "名次".into(), "问题分类".into(), "件数".into(), "占该渠道".into()],
    );
    for ch in &report.hot_topics {
        for (i, t) in ch.topics.iter().enumerate() {
            line(
                &mut hot,
                [
                    ch.channel.clone(),
                    (i + 1).to_string(),
                    t.name.clone(),
                    t.count.to_string(),
                    t.share.percent.clone().unwrap_or_default(),
                ],
            );
        }
    }
    files.push(("hot_topics.csv", hot));
    files.push(("units.csv", entity_table(&report.units, "承办单位")));
    files.push(("members.csv", entity_table(&report.members, "成员单位")));
    if !report.groups.is_empty() {
        files.push(("groups.csv", entity_table(&report.groups, "分组")));
    }
    if let Some(scores) = &report.scores {
        files.push(("scores.csv", scores_table(scores)));
    }
    files
}

/// One row per scored or listed unit: group, rank, unit, 总工单数, each item's points, score,
/// grade, note (unscored units carry their reason).
fn scores_table(scores: &crate::score::Scores) -> String {
    let mut out = String::from("\u{feff}");
    let items: Vec<String> = scores
        .groups
        .iter()
        .flat_map(|g| g.rows.iter())
        .next()
        .map(|r| r.items.iter().map(|i| i.item.clone()).collect())
        .unwrap_or_default();
    let mut header = vec!["分组".to_string(), "排名".into(), "单位".into(), "总工单数".into()];
    header.extend(items.iter().cloned());
    header.extend(["得分".to_string(), "等级".into(), "备注".into()]);
    line(&mut out, header);
    for g in &scores.groups {
        for r in &g.rows {
            let mut cells = vec![
                g.name.clone(),
                r.rank.map(|x| x.to_string()).unwrap_or_default(),
                r.name.clone(),
                r.dispatched.to_string(),
            ];
            cells
                .extend(r.items.iter().map(|i| i.points.map(|p| p.to_fixed(g.decimals)).unwrap_or_default()));
            cells.extend([
                r.score.clone(),
                r.grade.clone().unwrap_or_default(),
                r.note.clone().unwrap_or_default(),
            ]);
            line(&mut out, cells);
        }
        for u in &g.unscored {
            let mut cells = vec![g.name.clone(), String::new(), u.name.clone(), String::new()];
            cells.extend(items.iter().map(|_| String::new()));
            cells.extend([String::new(), String::new(), u.reason.clone()]);
            line(&mut out, cells);
        }
    }
    out
}
