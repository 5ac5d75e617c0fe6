//! Plain view-model types with pure methods: what the tables show and how they sort.
//! No web types here, so these are tested natively (`cargo test -p hotline-web --lib`).

use crate::table::{Cell, Column, Row, Sort as TableSort, Table};
use hotline_engine::count::aggregate::Cells;
use hotline_engine::count::catalogue::Indicator;
use hotline_engine::count::entity::EntityLevel;
pub use hotline_engine::count::entity::Scope;
use hotline_engine::partial::Partial;
use hotline_engine::report::{Counted, EntityFigures, Report, ReportOptions};
use hotline_engine::tickets::deadlines::DeadlinePlan;
use hotline_engine::tickets::deadlines::Deadlines;
use hotline_engine::tickets::period::{choose_default, month_volumes, MonthVolume};
use hotline_engine::{IngestSummary, Ingested, Period, Reject};
use serde::{Deserialize, Serialize};

/// What the page counts every period from, as the worker sends it: the file's month-keyed cells
/// and their names (as bytes: [`Cells::to_bytes`]), its reading summary and first rejected rows.
/// With these a change of period, indicator option or registry is counted on the page, in the
/// same task as the click: no trip to the worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CellCounts {
    /// The cells, sent beside the message's JSON ([`crate::worker`] moves them).
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// The rule-file deadlines the cells were counted with.
    pub deadlines: Option<Deadlines>,
    pub summary: IngestSummary,
    /// The first rejected rows (none on a re-count: the page keeps those it has), sent as the
    /// page lists them ([`listed_rejects`]).
    #[serde(with = "listed_rejects")]
    pub rejects: Vec<Reject>,
    /// The cells cannot be counted again with other deadlines (a partial-aggregates file: its
    /// tickets are elsewhere); for a ticket file the worker counts them again from its tickets.
    pub fixed_deadlines: bool,
    /// Set when the file's dates span more months than the month tables serve: the cells then
    /// count only the period asked for ([`Cells::for_period`]), and these are the file's month
    /// volumes, which such cells do not give.
    pub period_only: Option<PeriodOnly>,
}

/// Rejects as they travel to the page: line, 工单编号, column, reason, value and the message the
/// worker rendered. The page lists them and never needs the facts behind a message, so it reads
/// them back with the message recorded (`RejectDetail::Recorded`) and carries no deserialiser
/// for reject details (21 KB of its bundle). The raw rows stay in the worker (the download).
pub mod listed_rejects {
    use hotline_engine::read::reject::RejectDetail;
    use hotline_engine::{Reason, Reject};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Listed {
        line: u32,
        id: String,
        column: String,
        reason: Reason,
        value: String,
        message: String,
    }

    pub fn serialize<S: Serializer>(rejects: &[Reject], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(rejects.iter().map(|r| Listed {
            line: r.line,
            id: r.id.clone(),
            column: r.column.clone(),
            reason: r.reason,
            value: r.value.clone(),
            message: r.message(),
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Reject>, D::Error> {
        let listed = Vec::<Listed>::deserialize(d)?;
        Ok(listed
            .into_iter()
            .map(|l| Reject {
                line: l.line,
                id: l.id,
                column: l.column,
                reason: l.reason,
                value: l.value,
                detail: RejectDetail::Recorded { message: l.message },
                record: String::new(),
            })
            .collect())
    }
}

impl CellCounts {
    /// The cells of a file held ticket by ticket, counted with `o`'s deadlines; when its dates
    /// span more months than the month tables serve, the counts of `o`'s period only.
    pub fn of_tickets(
        ingested: &Ingested,
        o: &ReportOptions,
        rejects: Vec<Reject>,
    ) -> Result<CellCounts, String> {
        let store = &ingested.store;
        let plan = DeadlinePlan { rules: o.deadlines.clone() };
        let (cells, period_only) = match Cells::try_build(store, &plan) {
            Some(cells) => (cells, None),
            None => {
                let months = month_volumes(store);
                let period =
                    o.period.or_else(|| choose_default(&months).map(|(p, _)| p)).ok_or("没有可统计的月份")?;
                (Cells::for_period(store, &plan, period), Some(PeriodOnly { asked: o.period, months }))
            }
        };
        Ok(CellCounts {
            bytes: cells.to_bytes(store),
            deadlines: o.deadlines.clone(),
            summary: ingested.summary.clone(),
            rejects,
            fixed_deadlines: false,
            period_only,
        })
    }

    /// The cells of a partial: a streamed file's (`fixed_deadlines == false`: the file can be
    /// read again with other deadlines) or a partial-aggregates file's.
    pub fn of_partial(
        p: &Partial,
        summary: IngestSummary,
        rejects: Vec<Reject>,
        fixed_deadlines: bool,
    ) -> CellCounts {
        let (names, cells) = p.to_cells();
        CellCounts {
            bytes: cells.to_bytes(&names),
            deadlines: p.deadlines.clone(),
            summary,
            rejects,
            fixed_deadlines,
            period_only: None,
        }
    }
}

/// See [`CellCounts::period_only`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PeriodOnly {
    /// The period as asked (`None`: the default period).
    pub asked: Option<Period>,
    pub months: Vec<MonthVolume>,
}

/// The page's counts: the cells, and the registry-summed aggregates last counted from them.
pub struct PageCounts {
    /// Everything but the cells and the rejects.
    meta: CellCounts,
    /// The names the cells use, and the file's reading summary.
    names: Ingested,
    cells: Cells,
    counted: Option<Counted>,
}

impl PageCounts {
    /// The counts, and the rejected rows that came with them; an error when the bytes do not
    /// read (a bug: both ends are one build).
    pub fn new(mut meta: CellCounts) -> Result<(PageCounts, Vec<Reject>), String> {
        let (store, cells) =
            Cells::from_bytes(&std::mem::take(&mut meta.bytes)).map_err(|e| e.to_string())?;
        let rejects = std::mem::take(&mut meta.rejects);
        let names = Ingested { store, rejects: Vec::new(), summary: meta.summary.clone() };
        Ok((PageCounts { meta, names, cells, counted: None }, rejects))
    }

    /// Whether the cells serve `o`: counted with its deadlines (a partial-aggregates file also
    /// serves rules without deadlines of their own: its counts are what it says), and for its
    /// period when they count one period only.
    pub fn serves(&self, o: &ReportOptions) -> bool {
        let deadlines =
            o.deadlines == self.meta.deadlines || (self.meta.fixed_deadlines && o.deadlines.is_none());
        deadlines && self.meta.period_only.as_ref().is_none_or(|only| only.asked == o.period)
    }

    /// `o` with the deadlines (and, for cells of one period, the period) the cells were counted
    /// for: the page shows these counts while a newer request is on its way to the worker.
    pub fn own_options(&self, o: &ReportOptions) -> ReportOptions {
        let mut own = o.clone();
        if !self.serves(o) {
            own.deadlines = self.meta.deadlines.clone();
            if let Some(only) = &self.meta.period_only {
                own.period = only.asked;
            }
        }
        own
    }

    /// The report for `o`, without rejected rows; `None` when the cells do not serve `o` (other
    /// deadlines: the worker counts its tickets again). A registry change re-sums the cells.
    pub fn report(&mut self, o: &ReportOptions) -> Option<Report> {
        if !self.serves(o) {
            return None;
        }
        if !self.counted.as_ref().is_some_and(|c| c.fits(o)) {
            let mut counted = Counted::from_cells(&self.names, &self.cells, o);
            if let Some(only) = &self.meta.period_only {
                counted.months = only.months.clone();
            }
            self.counted = Some(counted);
        }
        Some(Report::from_counted(&self.names, self.counted.as_ref()?, o))
    }
}

/// Which table the page shows: one of the two entity levels, or the registry groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityTable {
    /// 承办单位
    Unit,
    /// 成员单位 (上级单位 if filled, else 承办单位)
    Member,
    /// 分组 (needs a registry)
    Group,
}

impl EntityTable {
    /// The entity level shortfall lists are made for (groups have none: they are sums of members).
    pub fn entity(self) -> Option<EntityLevel> {
        match self {
            EntityTable::Unit => Some(EntityLevel::Unit),
            EntityTable::Member => Some(EntityLevel::Member),
            EntityTable::Group => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            EntityTable::Unit => EntityLevel::Unit.label(),
            EntityTable::Member => EntityLevel::Member.label(),
            EntityTable::Group => "分组",
        }
    }
}

/// The unit table's figure columns, in order; keys (each cell's `data-col`) and headers come
/// from the indicator catalogue.
pub const UNIT_COLUMNS: &[Indicator] = {
    use Indicator::*;
    &[
        Dispatched,
        Accepted,
        Due,
        Closed,
        CloseRate,
        OnTimeRate,
        ClosedLate,
        OpenOverdue,
        FirstTimeRate,
        SignRate,
        ContactRate,
        Rated,
        SatisfactionRate,
        AuditRate,
        FeedbackRate,
    ]
};

/// The unit table as a [`Table`]: the level's name column, then [`UNIT_COLUMNS`] under `scope`.
/// Rows come in name order, so the page's first sort (总工单数, largest first) breaks ties by
/// name; a row opens its unit unless the level is 分组 (a sum of members, with no tickets of its own).
pub fn unit_table(rows: &[EntityFigures], scope: Scope, level: EntityTable) -> Table {
    let mut columns = vec![Column::text("name", level.label())];
    columns.extend(UNIT_COLUMNS.iter().map(|c| Column::num(c.key(), c.label_zh())));
    let mut sorted: Vec<&EntityFigures> = rows.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let rows = sorted
        .into_iter()
        .map(|e| {
            let f = e.scope(scope);
            let mut cells = vec![Cell::text(e.name.clone())];
            cells.extend(UNIT_COLUMNS.iter().map(|c| Cell::value(f.get(*c))));
            let row = Row::new(e.name.clone(), cells);
            if level.entity().is_some() {
                row.opens_unit()
            } else {
                row
            }
        })
        .collect();
    Table::new(columns, rows)
}

/// The unit table's first sort: 总工单数, largest first.
pub const UNIT_SORT: TableSort = TableSort { column: 1, descending: true };

/// "12345" → "12,345"-style grouping is not used in Chinese bulletins; counts print plain.
pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

/// The unit a search means: one whose name is the query (trimmed) exactly, else the first whose
/// name contains it; units of level `first` before the others (the 扣分工单 look at 承办单位
/// first, the self-audit at the level the rules score), each in the report's order.
pub fn find_unit(report: &Report, query: &str, first: EntityLevel) -> Option<(EntityLevel, String)> {
    let q = query.trim();
    if q.is_empty() {
        return None;
    }
    let mut levels = [(EntityLevel::Unit, &report.units), (EntityLevel::Member, &report.members)];
    if first == EntityLevel::Member {
        levels.reverse();
    }
    let exact =
        levels.iter().find_map(|(l, rows)| rows.iter().find(|e| e.name == q).map(|e| (*l, e.name.clone())));
    exact.or_else(|| {
        levels
            .iter()
            .find_map(|(l, rows)| rows.iter().find(|e| e.name.contains(q)).map(|e| (*l, e.name.clone())))
    })
}

/// Every name the unit search offers: 承办单位, then member units not already listed.
pub fn unit_names(report: &Report) -> Vec<String> {
    let mut names: Vec<String> = report.units.iter().map(|e| e.name.clone()).collect();
    for m in &report.members {
        if !names.contains(&m.name) {
            names.push(m.name.clone());
        }
    }
    names
}

/// A month-over-month change for display: "+4.65 个百分点", or "—".
pub fn change_text(delta: Option<&str>) -> String {
    match delta {
        Some(d) => format!("{d} 个百分点"),
        None => "—".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotline_engine::count::catalogue::Figures;
    use hotline_engine::count::indicators::{IndicatorOptions, Tally};

    fn entity(name: &str, dispatched: u64, due: u64, on_time: u64) -> EntityFigures {
        let t = Tally { dispatched, due, closed: due, on_time, ..Default::default() };
        let f = Figures::from_tally(&t, &IndicatorOptions::default());
        EntityFigures {
            name: name.into(),
            member: None,
            group: None,
            all: f.clone(),
            municipal: f.clone(),
            province: f,
            tallies: Default::default(),
        }
    }

    #[test]
    fn the_unit_table_sorts_by_volume_then_name_and_rates_without_base_last() {
        let rows = vec![entity("乙", 5, 4, 4), entity("甲", 9, 0, 0), entity("丙", 5, 2, 1)];
        let t = unit_table(&rows, Scope::All, EntityTable::Unit);
        let names = |order: Vec<usize>| order.into_iter().map(|i| t.rows[i].key.clone()).collect::<Vec<_>>();
        // 总工单数 descending; 乙 and 丙 tie at 5 and print by name (丙 U+4E19 before 乙 U+4E59).
        assert_eq!(names(t.shown(Some(UNIT_SORT), "")), vec!["甲", "丙", "乙"]);
        // The on-time rate: 100 %, 50 %, then "—" (no due tickets) last, both ways.
        let by_rate = TableSort { column: 6, descending: true };
        assert_eq!(t.columns[6].key, Indicator::OnTimeRate.key());
        assert_eq!(names(t.shown(Some(by_rate), "")), vec!["乙", "丙", "甲"]);
        assert_eq!(names(t.shown(Some(by_rate.flip()), "")), vec!["丙", "乙", "甲"]);
        assert_eq!(t.row("乙").unwrap().cells[6].text, "100.00%");
        assert_eq!(t.row("甲").unwrap().cells[6].text, "—");
        assert_eq!(t.row("乙").unwrap().head, crate::table::RowHead::Unit);
        let groups = unit_table(&rows, Scope::All, EntityTable::Group);
        assert_eq!(groups.row("乙").unwrap().head, crate::table::RowHead::Text);
        assert_eq!(groups.columns[0].title, "分组");
    }

    #[test]
    fn the_unit_search_prefers_an_exact_name_then_units_then_members() {
        let csv = hotline_sample::generate_string(&hotline_sample::GenConfig::new(
            hotline_engine::Month::new(2021, 3),
            400,
            7,
        ));
        let done = hotline_engine::ingest_bytes(csv.as_bytes(), Default::default()).unwrap();
        let mut report = Report::build(&done, &ReportOptions::default());
        // A member unit that handles no ticket itself: not among the 承办单位.
        let member_only =
            report.members.iter().find(|m| m.name != report.units[0].name).unwrap().name.clone();
        report.units.retain(|u| u.name != member_only);
        let unit = &report.units[0].name;
        assert_eq!(
            find_unit(&report, &format!(" {unit} "), EntityLevel::Unit),
            Some((EntityLevel::Unit, unit.clone()))
        );
        // A member unit that is no 承办单位 itself is found as a member.
        let member = report.members.iter().find(|m| !report.units.iter().any(|u| u.name == m.name)).unwrap();
        assert_eq!(
            find_unit(&report, &member.name, EntityLevel::Unit),
            Some((EntityLevel::Member, member.name.clone()))
        );
        // A part of a name: the first unit in the report's order that contains it.
        let part: String = unit.chars().take(2).collect();
        let first = report.units.iter().find(|u| u.name.contains(&part)).unwrap();
        assert_eq!(
            find_unit(&report, &part, EntityLevel::Unit),
            Some((EntityLevel::Unit, first.name.clone()))
        );
        assert_eq!(find_unit(&report, "不存在的单位", EntityLevel::Unit), None);
        assert_eq!(find_unit(&report, "  ", EntityLevel::Unit), None);
        // The self-audit of member-level rules: a name that is both is found as the member unit.
        let both = report.members.iter().find(|m| report.units.iter().any(|u| u.name == m.name)).unwrap();
        assert_eq!(
            find_unit(&report, &both.name, EntityLevel::Member),
            Some((EntityLevel::Member, both.name.clone()))
        );
        let names = unit_names(&report);
        assert!(names.contains(unit) && names.contains(&member.name));
        assert_eq!(names.len(), names.iter().collect::<std::collections::HashSet<_>>().len());
    }

    use hotline_engine::score::registry::Registry;
    use hotline_engine::{ingest_bytes, IngestOptions, Month};
    use hotline_sample::{generate_string, GenConfig};

    fn read(text: &str) -> Ingested {
        ingest_bytes(text.as_bytes(), IngestOptions::default()).unwrap()
    }

    fn options(period: Option<&str>, registry: Option<&Registry>, basic: bool) -> ReportOptions {
        let mut o = ReportOptions {
            period: period.map(|p| Period::parse(p).unwrap()),
            registry: registry.cloned(),
            ..Default::default()
        };
        o.indicators.basic_counts_as_satisfied = basic;
        o
    }

    /// The page's counts from the cells equal the report from the tickets, for every period,
    /// registry and indicator option (a month switch on the page needs no trip to the worker).
    #[test]
    fn the_page_counts_every_period_option_and_registry_as_the_tickets_do() {
        let mut text = generate_string(&GenConfig::new(Month::new(2021, 5), 1500, 9));
        text.push_str("BAD,2021-05-02,微信\n");
        let done = read(&text);
        let registry =
            Registry::parse("单位,分组,上级单位\n市自来水公司,部门,市住建局\n海州区,县区,\n".as_bytes())
                .unwrap();
        let cells = CellCounts::of_tickets(&done, &ReportOptions::default(), done.rejects.clone()).unwrap();
        assert!(cells.period_only.is_none());
        let (mut page, rejects) = PageCounts::new(cells).unwrap();
        assert_eq!(rejects, done.rejects);
        assert_eq!(rejects.len(), 1);
        for period in [None, Some("2021-04"), Some("2021-04..2021-05")] {
            for registry in [None, Some(&registry)] {
                for basic in [false, true] {
                    let o = options(period, registry, basic);
                    let mut report = page.report(&o).expect("the cells serve every period");
                    report.rejects = done.rejects.clone();
                    assert_eq!(report, Report::build(&done, &o), "{period:?} {basic}");
                }
            }
        }
        // Rule-file deadlines the cells were not counted with: the worker counts again.
        let deadlines = hotline_engine::tickets::deadlines::Deadlines {
            sign_within_hours: None,
            close_within_working_days: Some(5),
            urgent_close_within_working_days: None,
            day_count: Default::default(),
            override_export: true,
        };
        let o = ReportOptions { deadlines: Some(deadlines), ..Default::default() };
        assert!(!page.serves(&o));
        assert!(page.report(&o).is_none());
        assert_eq!(page.own_options(&o).deadlines, None);
    }

    /// Dates over more months than the month tables serve: cells of the asked period only,
    /// exact for it; another period goes to the worker.
    #[test]
    fn cells_of_one_period_serve_that_period_only() {
        let mut text = generate_string(&GenConfig::new(Month::new(2021, 5), 300, 3));
        for i in 0..150 {
            text.push_str(&format!(
                "W{i},{}-{:02}-15 10:00,微信,咨询,,直接答复,,,,,,,,,,,,,,,,,\n",
                2005 + i / 12,
                i % 12 + 1
            ));
        }
        let done = read(&text);
        assert_eq!(done.rejects.len(), 0, "{:?}", done.rejects.first());
        for asked in [None, Some("2010-03"), Some("2021-04..2021-05")] {
            let o = options(asked, None, false);
            let cells = CellCounts::of_tickets(&done, &o, Vec::new()).unwrap();
            assert!(cells.period_only.is_some());
            let (mut page, _) = PageCounts::new(cells).unwrap();
            assert_eq!(page.report(&o).expect("its own period"), Report::build(&done, &o), "{asked:?}");
            let other = options(Some("2008-01"), None, false);
            assert!(page.report(&other).is_none(), "another period is counted by the worker");
            assert_eq!(page.own_options(&other).period, o.period);
        }
    }

    #[test]
    fn cells_show_dash_for_no_denominator() {
        let e = entity("甲", 9, 0, 0);
        assert_eq!(UNIT_COLUMNS[5], Indicator::OnTimeRate);
        assert_eq!(e.all.get(UNIT_COLUMNS[5]).text(), "—");
        assert_eq!(change_text(Some("+4.65")), "+4.65 个百分点");
    }
}
