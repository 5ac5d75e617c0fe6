//! Plain view-model types with pure methods: what the tables show and how they sort.
//! No web types here, so these are tested natively (`cargo test -p hotline-web --lib`).

use hotline_engine::indicators::Rate;
use hotline_engine::report::{EntityFigures, Figures};

/// Which entities the unit table lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// 承办单位
    Unit,
    /// 成员单位 (上级单位 if filled, else 承办单位)
    Member,
    /// 分组 (needs a registry)
    Group,
}

impl Level {
    /// The entity level shortfall lists are made for (groups have none: they are sums of members).
    pub fn entity(self) -> Option<hotline_engine::shortfall::EntityLevel> {
        match self {
            Level::Unit => Some(hotline_engine::shortfall::EntityLevel::Unit),
            Level::Member => Some(hotline_engine::shortfall::EntityLevel::Member),
            Level::Group => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Level::Unit => "承办单位",
            Level::Member => "成员单位",
            Level::Group => "分组",
        }
    }
}

/// Which tickets the figures cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Municipal,
    Province,
}

impl Scope {
    pub fn engine(self) -> hotline_engine::shortfall::Scope {
        match self {
            Scope::All => hotline_engine::shortfall::Scope::All,
            Scope::Municipal => hotline_engine::shortfall::Scope::Municipal,
            Scope::Province => hotline_engine::shortfall::Scope::Province,
        }
    }
    pub fn label(self) -> &'static str {
        self.engine().label()
    }
    pub fn pick(self, e: &EntityFigures) -> &Figures {
        match self {
            Scope::All => &e.all,
            Scope::Municipal => &e.municipal,
            Scope::Province => &e.province,
        }
    }
}

/// A cell: its text and the value it sorts by.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub sort: f64,
}

fn count(n: u64) -> Cell {
    Cell { text: n.to_string(), sort: n as f64 }
}

fn rate(r: &Rate) -> Cell {
    Cell { text: r.display(), sort: r.sort_key() }
}

/// A column of the unit table: JSON key (also the cell's `data-key`), header, accessor.
pub struct ColumnDef {
    pub key: &'static str,
    pub label: &'static str,
    pub cell: fn(&Figures) -> Cell,
}

pub const UNIT_COLUMNS: &[ColumnDef] = &[
    ColumnDef { key: "dispatched", label: "总工单数", cell: |f| count(f.dispatched) },
    ColumnDef { key: "accepted", label: "受理量", cell: |f| count(f.accepted) },
    ColumnDef { key: "due", label: "应办结", cell: |f| count(f.due) },
    ColumnDef { key: "closed", label: "办结", cell: |f| count(f.closed) },
    ColumnDef { key: "close_rate", label: "办结率", cell: |f| rate(&f.close_rate) },
    ColumnDef { key: "on_time_rate", label: "按期办结率", cell: |f| rate(&f.on_time_rate) },
    ColumnDef { key: "closed_late", label: "超期办理", cell: |f| count(f.closed_late) },
    ColumnDef { key: "open_overdue", label: "超期未结", cell: |f| count(f.open_overdue) },
    ColumnDef { key: "first_time_rate", label: "一次完成率", cell: |f| rate(&f.first_time_rate) },
    ColumnDef { key: "sign_rate", label: "及时签收率", cell: |f| rate(&f.sign_rate) },
    ColumnDef { key: "contact_rate", label: "首次联系率", cell: |f| rate(&f.contact_rate) },
    ColumnDef { key: "rated", label: "回访数", cell: |f| count(f.rated) },
    ColumnDef { key: "satisfaction_rate", label: "回访满意率", cell: |f| rate(&f.satisfaction_rate) },
    ColumnDef { key: "audit_rate", label: "答复规范率", cell: |f| rate(&f.audit_rate) },
    ColumnDef { key: "feedback_rate", label: "按时反馈率", cell: |f| rate(&f.feedback_rate) },
];

/// The unit table's sort state. `column == None` sorts by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub column: Option<usize>,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort { column: Some(0), descending: true }
    }
}

impl Sort {
    /// Clicking a header: a new column sorts descending; the same column flips.
    pub fn click(self, column: Option<usize>) -> Sort {
        if self.column == column {
            Sort { column, descending: !self.descending }
        } else {
            Sort { column, descending: column.is_some() }
        }
    }

    /// Row order for `rows` (indices), stable, ties by name.
    pub fn order(self, rows: &[EntityFigures], scope: Scope) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..rows.len()).collect();
        let key = |i: usize| self.column.map(|c| (UNIT_COLUMNS[c].cell)(scope.pick(&rows[i])).sort);
        idx.sort_by(|&a, &b| {
            let ord = match (key(a), key(b)) {
                (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
                _ => rows[a].name.cmp(&rows[b].name),
            };
            let ord = if self.descending { ord.reverse() } else { ord };
            ord.then_with(|| rows[a].name.cmp(&rows[b].name))
        });
        idx
    }
}

/// The unit table as shown: row names in display order and each row's cell texts. The page keys
/// its rows by name, so a re-count (another month) changes text in place instead of rebuilding
/// the table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitRows {
    pub order: Vec<String>,
    cells: std::collections::HashMap<String, Vec<String>>,
}

impl UnitRows {
    pub fn new(rows: &[EntityFigures], scope: Scope, sort: Sort) -> UnitRows {
        let order: Vec<String> = sort.order(rows, scope).into_iter().map(|i| rows[i].name.clone()).collect();
        let cells = rows
            .iter()
            .map(|e| {
                let f = scope.pick(e);
                (e.name.clone(), UNIT_COLUMNS.iter().map(|c| (c.cell)(f).text).collect())
            })
            .collect();
        UnitRows { order, cells }
    }

    /// The text of column `column` in the row named `name` ("" once the row is gone).
    pub fn cell(&self, name: &str, column: usize) -> String {
        self.cells.get(name).and_then(|c| c.get(column)).cloned().unwrap_or_default()
    }
}

/// "12345" → "12,345"-style grouping is not used in Chinese bulletins; counts print plain.
pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
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
    use hotline_engine::indicators::{IndicatorOptions, Tally};

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
    fn sorting_by_column_then_name() {
        let rows = vec![entity("乙", 5, 4, 4), entity("甲", 9, 0, 0), entity("丙", 5, 2, 1)];
        // 总工单数 descending; 乙 and 丙 tie at 5 and print by name (丙 U+4E19 before 乙 U+4E59).
        assert_eq!(Sort::default().order(&rows, Scope::All), vec![1, 2, 0]);
        let by_rate = Sort::default().click(Some(5));
        // 100 %, 50 %, then "—" (no due tickets) last.
        assert_eq!(by_rate.order(&rows, Scope::All), vec![0, 2, 1]);
        assert_eq!(by_rate.click(Some(5)).order(&rows, Scope::All), vec![1, 2, 0]);
        let by_name = by_rate.click(None);
        assert!(!by_name.descending);
    }

    #[test]
    fn unit_rows_follow_the_sort_and_name_their_cells() {
        let rows = vec![entity("乙", 5, 4, 4), entity("甲", 9, 0, 0)];
        let table = UnitRows::new(&rows, Scope::All, Sort::default());
        assert_eq!(table.order, vec!["甲", "乙"]);
        assert_eq!(table.cell("乙", 0), "5");
        assert_eq!(table.cell("乙", 5), "100.00%");
        assert_eq!(table.cell("丙", 0), "");
    }

    #[test]
    fn cells_show_dash_for_no_denominator() {
        let e = entity("甲", 9, 0, 0);
        let c = (UNIT_COLUMNS[5].cell)(&e.all);
        assert_eq!(c.text, "—");
        assert_eq!(change_text(Some("+4.65")), "+4.65 个百分点");
    }
}
