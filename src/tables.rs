//! Each table the page shows, as a [`Table`] made from the engine's report: the views only draw
//! them ([`crate::views::table::DataTable`]). Every cell is a figure of the report, as text.
//! (The unit table is [`crate::model::unit_table`].)

use crate::model::change_text;
use crate::table::{Cell, Column, Row, Table};
use hotline_engine::count::catalogue::{Figures, Indicator, Measure, View};
use hotline_engine::report::shortfall::{ShortfallKind, ShortfallRow};
use hotline_engine::report::{City, Share};
use hotline_engine::score::GroupScores;
use hotline_engine::Reject;

/// 全市概况: a row per overview indicator (the catalogue says which), with 全部, its change
/// against the period before (rates only), 市派 and 省派.
pub fn overview_table(city: &City) -> Table {
    let columns = vec![
        Column::text("indicator", "指标"),
        Column::num("all", "全部"),
        Column::num("change", "环比"),
        Column::num("municipal", "市派"),
        Column::num("province", "省派"),
    ];
    // An incomplete previous period (changes_note) gives no change at all.
    let no_change = !city.changes_note.as_deref().unwrap_or("").is_empty();
    let rows = Indicator::ALL
        .iter()
        .filter(|i| i.shown_in(View::Overview))
        .map(|&i| {
            let value = |f: &Figures| Cell::value(f.get(i));
            let change = match i.measure() {
                Measure::Rate if no_change => Cell::missing(),
                Measure::Rate => {
                    let delta = city
                        .changes
                        .iter()
                        .find(|c| c.indicator == i.key())
                        .and_then(|c| c.delta_pp.as_deref());
                    match delta {
                        Some(d) => Cell::decimal(d).with_text(change_text(Some(d))),
                        None => Cell::missing(),
                    }
                }
                _ => Cell::empty(),
            };
            Row::new(
                i.key(),
                vec![
                    Cell::text(i.label_zh()),
                    value(&city.all),
                    change,
                    value(&city.municipal),
                    value(&city.province),
                ],
            )
        })
        .collect();
    Table::new(columns, rows)
}

/// A share table (来源渠道 or 诉求类型): name, 件数, 占比.
pub fn share_table(title: &str, shares: &[Share]) -> Table {
    let columns =
        vec![Column::text("name", title), Column::num("count", "件数"), Column::num("share", "占比")];
    let rows = shares
        .iter()
        .map(|s| {
            let share = if s.share.den == 0 {
                Cell::missing()
            } else {
                Cell::num(s.share.display(), s.share.sort_key())
            };
            Row::new(s.name.clone(), vec![Cell::text(s.name.clone()), Cell::count(s.count), share])
        })
        .collect();
    Table::new(columns, rows)
}

/// 高发问题: per channel, its top topics with count and share.
pub fn hot_topic_table(channels: &[hotline_engine::report::ChannelTopics]) -> Table {
    let columns = vec![Column::text("channel", "来源渠道"), Column::text("topics", "高发问题")];
    let rows = channels
        .iter()
        .map(|c| {
            let topics = c
                .topics
                .iter()
                .map(|t| format!("{} {}（{}）", t.name, t.count, t.share.display()))
                .collect::<Vec<_>>();
            Row::new(c.channel.clone(), vec![Cell::text(c.channel.clone()), Cell::text(topics.join("；"))])
        })
        .collect();
    Table::new(columns, rows)
}

/// The rejected rows listed: 行号, 工单编号, 列, 原因, 说明 (the download adds the raw rows).
pub fn reject_table(rejects: &[Reject]) -> Table {
    let columns = vec![
        Column::num("line", "行号"),
        Column::text("id", "工单编号"),
        Column::text("column", "列"),
        Column::text("reason", "原因"),
        Column::text("message", "说明"),
    ];
    let rows = rejects
        .iter()
        .enumerate()
        .map(|(i, j)| {
            // Keyed by position: a line can be refused once only, but keys must never collide.
            Row::new(
                format!("{i}:{}", j.line),
                vec![
                    Cell::count(u64::from(j.line)),
                    Cell::text(j.id.clone()),
                    Cell::text(j.column.clone()),
                    Cell::text(j.reason.label()),
                    Cell::text(j.message()),
                ],
            )
        })
        .collect();
    Table::new(columns, rows)
}

/// One unit's list of tickets that cost it `kind`: 工单编号 first (the row's name), the line,
/// 承办单位, 问题分类, 受理时间, the two facts that make the shortfall, and its other shortfalls.
pub fn shortfall_table(kind: ShortfallKind, rows: &[ShortfallRow]) -> Table {
    let facts = rows.first().map(|r| kind.facts(r).map(|(h, _)| h)).unwrap_or(["", ""]);
    let columns = vec![
        Column::text("id", "工单编号"),
        Column::num("line", "行号"),
        Column::text("unit", "承办单位"),
        Column::text("category", "问题分类"),
        Column::text("received", "受理时间"),
        Column::text("fact-1", facts[0]),
        Column::text("fact-2", facts[1]),
        Column::text("others", "其他扣分项"),
    ];
    let rows = rows
        .iter()
        .map(|r| {
            let [a, b] = kind.facts(r).map(|(_, v)| v);
            let others =
                r.kinds.iter().filter(|k| **k != kind).map(|k| k.label()).collect::<Vec<_>>().join("、");
            Row::new(
                format!("{}:{}", r.line, r.id),
                vec![
                    Cell::text(r.id.clone()),
                    Cell::count(u64::from(r.line)),
                    Cell::text(r.unit.clone()),
                    Cell::text(r.category.clone()),
                    Cell::text(r.received.clone()),
                    Cell::text(a),
                    Cell::text(b),
                    Cell::text(others),
                ],
            )
        })
        .collect();
    Table::new(columns, rows)
}

/// A group's score table: 排名, 单位 (the row's name), 总工单数, each item's points (the value
/// behind them as a tooltip), 得分; 等级 only when some unit has one and 备注 only when some row
/// has a note (an unscored unit's reason is one). Unscored units follow, marked `unscored`.
pub fn score_table(g: &GroupScores) -> Table {
    let items: Vec<String> =
        g.rows.first().map(|r| r.items.iter().map(|i| i.item.clone()).collect()).unwrap_or_default();
    let graded = g.rows.iter().any(|r| r.grade.is_some());
    let noted = g.rows.iter().any(|r| r.note.is_some()) || !g.unscored.is_empty();
    let mut columns = vec![
        Column::num("rank", "排名"),
        Column::text("unit", "单位"),
        Column::num("dispatched", "总工单数"),
    ];
    columns.extend(
        items.iter().enumerate().map(|(i, name)| Column::num(format!("item-{}", i + 1), name.clone())),
    );
    columns.push(Column::num("score", "得分"));
    if graded {
        columns.push(Column::text("grade", "等级"));
    }
    if noted {
        columns.push(Column::text("note", "备注"));
    }
    let mut rows: Vec<Row> = g
        .rows
        .iter()
        .map(|r| {
            let rank = r.rank.map_or_else(Cell::empty, |x| Cell::count(u64::from(x)));
            let mut cells = vec![rank, Cell::text(r.name.clone()), Cell::count(r.dispatched)];
            cells.extend(r.items.iter().map(|i| match i.points {
                Some(p) => Cell::decimal(p.to_fixed(g.decimals)).with_title(i.value.clone()),
                None => Cell::missing().with_title(i.value.clone()),
            }));
            cells.push(Cell::decimal(r.score.clone()));
            if graded {
                cells.push(Cell::text(r.grade.clone().unwrap_or_default()));
            }
            if noted {
                cells.push(Cell::text(r.note.clone().unwrap_or_default()));
            }
            Row::new(r.name.clone(), cells)
        })
        .collect();
    rows.extend(g.unscored.iter().map(|u| {
        let mut cells = vec![Cell::empty(), Cell::text(u.name.clone()), Cell::empty()];
        cells.extend(items.iter().map(|_| Cell::empty()));
        cells.push(Cell::missing());
        if graded {
            cells.push(Cell::empty());
        }
        cells.push(Cell::text(u.reason.clone()));
        Row::new(u.name.clone(), cells).with_class("unscored")
    }));
    Table::new(columns, rows).with_head(1)
}
