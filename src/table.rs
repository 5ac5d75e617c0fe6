//! The one table model behind every table the page shows: columns, rows of cells that carry
//! their sort keys, and what is shown of them (a sort and a text filter). Pure, so the order, the
//! filter and the CSV export (exactly the rows and columns shown) are tested natively; the
//! component that draws it is [`crate::views::table`].
//!
//! ```
//! use hotline_web::table::{Cell, Column, Row, Sort, Table};
//! let table = Table::new(
//!     vec![Column::text("unit", "单位"), Column::num("rate", "按时办结率")],
//!     vec![
//!         Row::new("甲", vec![Cell::text("甲"), Cell::num("90.00%", 0.9)]),
//!         Row::new("乙", vec![Cell::text("乙"), Cell::missing()]),
//!         Row::new("丙", vec![Cell::text("丙"), Cell::num("95.00%", 0.95)]),
//!     ],
//! );
//! // "—" is last whichever way a column sorts.
//! let up = Sort { column: 1, descending: false };
//! assert_eq!(table.shown(Some(up), ""), vec![0, 2, 1]);
//! assert_eq!(table.shown(Some(up.flip()), ""), vec![2, 0, 1]);
//! assert_eq!(table.shown(None, "丙"), vec![2]);
//! ```

use hotline_engine::count::catalogue::Value;
use hotline_engine::csv_cell;
use std::cmp::Ordering;
use std::collections::HashMap;

/// How a cell sorts. `Missing` ("—", no denominator) sorts after every value, both ways.
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    Num(f64),
    Text(String),
    Missing,
}

/// One cell: its text as shown, how it sorts, and an optional tooltip (the value behind points).
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub key: Key,
    pub title: Option<String>,
}

impl Cell {
    /// Text that sorts as text; empty text or "—" sorts as missing.
    pub fn text(s: impl Into<String>) -> Cell {
        let text = s.into();
        let key = if text.is_empty() || text == "—" { Key::Missing } else { Key::Text(text.clone()) };
        Cell { text, key, title: None }
    }

    /// A number shown as `text`.
    pub fn num(text: impl Into<String>, value: f64) -> Cell {
        Cell { text: text.into(), key: Key::Num(value), title: None }
    }

    /// A count.
    pub fn count(n: u64) -> Cell {
        Cell::num(n.to_string(), n as f64)
    }

    /// "—": nothing to show (a rate without denominator, an unscored unit).
    pub fn missing() -> Cell {
        Cell { text: "—".into(), key: Key::Missing, title: None }
    }

    /// Empty, sorting as missing.
    pub fn empty() -> Cell {
        Cell { text: String::new(), key: Key::Missing, title: None }
    }

    /// An indicator's value as the tables show it; a rate without denominator is "—".
    pub fn value(v: Value) -> Cell {
        match v {
            Value::Count(n) => Cell::count(n),
            Value::Rate(r) if r.den == 0 => Cell::missing(),
            Value::Rate(r) => Cell::num(r.display(), r.num as f64 / r.den as f64),
        }
    }

    /// Parses a decimal shown as text ("95.50", "-2"); other text sorts as text.
    pub fn decimal(text: impl Into<String>) -> Cell {
        let text = text.into();
        match text.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Cell::num(text, x),
            _ => Cell::text(text),
        }
    }

    /// The same sort key, shown as `text`.
    pub fn with_text(mut self, text: impl Into<String>) -> Cell {
        self.text = text.into();
        self
    }

    pub fn with_title(mut self, title: impl Into<String>) -> Cell {
        self.title = Some(title.into());
        self
    }
}

/// A column: its key (the cells' `data-col`), its title, and whether it holds numbers (right
/// aligned, and a first click sorts it largest first).
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub key: String,
    pub title: String,
    pub numeric: bool,
}

impl Column {
    pub fn text(key: impl Into<String>, title: impl Into<String>) -> Column {
        Column { key: key.into(), title: title.into(), numeric: false }
    }

    pub fn num(key: impl Into<String>, title: impl Into<String>) -> Column {
        Column { key: key.into(), title: title.into(), numeric: true }
    }
}

/// What a row's first cell is on the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RowHead {
    /// Plain text.
    #[default]
    Text,
    /// A button that opens the unit (its 扣分工单).
    Unit,
}

/// A row: a key unique in its table (the page keys rows by it, so a re-count changes text in
/// place), its cells in column order (the first is the row's header, frozen when the table
/// scrolls sideways), and an optional class (`unscored`).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub key: String,
    pub cells: Vec<Cell>,
    pub class: Option<&'static str>,
    pub head: RowHead,
}

impl Row {
    pub fn new(key: impl Into<String>, cells: Vec<Cell>) -> Row {
        Row { key: key.into(), cells, class: None, head: RowHead::Text }
    }

    pub fn with_class(mut self, class: &'static str) -> Row {
        self.class = Some(class);
        self
    }

    pub fn opens_unit(mut self) -> Row {
        self.head = RowHead::Unit;
        self
    }
}

/// A sort: the column, and which way. The page starts from the rows' own order (`None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

impl Sort {
    pub fn flip(self) -> Sort {
        Sort { descending: !self.descending, ..self }
    }

    /// A click on `column`'s header: the same column flips; another sorts numbers largest
    /// first and text in order.
    pub fn click(current: Option<Sort>, column: usize, numeric: bool) -> Sort {
        match current {
            Some(s) if s.column == column => s.flip(),
            _ => Sort { column, descending: numeric },
        }
    }
}

/// The value of `aria-sort` for column `column` under `sort`.
pub fn aria_sort(sort: Option<Sort>, column: usize) -> &'static str {
    match sort {
        Some(s) if s.column == column && s.descending => "descending",
        Some(s) if s.column == column => "ascending",
        _ => "none",
    }
}

/// A table: columns and rows, with an index of rows by key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// The column that names each row (drawn as the row's header, frozen on sideways scroll).
    pub head: usize,
    index: HashMap<String, usize>,
}

impl Table {
    pub fn new(columns: Vec<Column>, rows: Vec<Row>) -> Table {
        let index = rows.iter().enumerate().map(|(i, r)| (r.key.clone(), i)).collect();
        Table { columns, rows, head: 0, index }
    }

    /// The same table with column `head` naming the rows (default 0).
    pub fn with_head(mut self, head: usize) -> Table {
        self.head = head;
        self
    }

    /// The row keyed `key`.
    pub fn row(&self, key: &str) -> Option<&Row> {
        self.index.get(key).and_then(|&i| self.rows.get(i))
    }

    /// The rows shown, as indices in display order: those with a cell containing `filter`
    /// (trimmed, ignoring ASCII case; every row when empty), sorted by `sort` (stable: ties and
    /// `None` keep the rows' own order; missing values last both ways).
    pub fn shown(&self, sort: Option<Sort>, filter: &str) -> Vec<usize> {
        let needle = filter.trim().to_lowercase();
        let mut shown: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                needle.is_empty()
                    || self.rows[i].cells.iter().any(|c| c.text.to_lowercase().contains(&needle))
            })
            .collect();
        if let Some(s) = sort {
            let key = |i: usize| self.rows[i].cells.get(s.column).map_or(&Key::Missing, |c| &c.key);
            shown.sort_by(|&a, &b| compare(key(a), key(b), s.descending));
        }
        shown
    }

    /// The rows `shown` (from [`Table::shown`]) as CSV, exactly as the page shows them: the
    /// column titles, then each row's texts; UTF-8 with a BOM (Excel reads the Chinese then),
    /// every cell guarded against formulas ([`csv_cell::field`]).
    pub fn csv(&self, shown: &[usize]) -> String {
        let mut out = String::from("\u{feff}");
        let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
            let cells: Vec<_> = cells.map(csv_cell::field).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        };
        line(&mut out, &mut self.columns.iter().map(|c| c.title.as_str()));
        for &i in shown {
            if let Some(r) = self.rows.get(i) {
                line(&mut out, &mut r.cells.iter().map(|c| c.text.as_str()));
            }
        }
        out
    }
}

fn compare(a: &Key, b: &Key, descending: bool) -> Ordering {
    let way = |o: Ordering| if descending { o.reverse() } else { o };
    match (a, b) {
        (Key::Missing, Key::Missing) => Ordering::Equal,
        (Key::Missing, _) => Ordering::Greater,
        (_, Key::Missing) => Ordering::Less,
        (Key::Num(x), Key::Num(y)) => way(x.partial_cmp(y).unwrap_or(Ordering::Equal)),
        (Key::Text(x), Key::Text(y)) => way(x.cmp(y)),
        // Numbers before text, whichever way.
        (Key::Num(_), Key::Text(_)) => Ordering::Less,
        (Key::Text(_), Key::Num(_)) => Ordering::Greater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(values: &[(&str, Option<f64>)]) -> Table {
        Table::new(
            vec![Column::text("name", "单位"), Column::num("x", "值")],
            values
                .iter()
                .map(|(n, v)| {
                    let cell = v.map_or_else(Cell::missing, |x| Cell::num(format!("{x:.2}"), x));
                    Row::new(*n, vec![Cell::text(*n), cell])
                })
                .collect(),
        )
    }

    #[track_caller]
    fn check(t: &Table, sort: Option<Sort>, filter: &str, expect: &[&str]) {
        let got: Vec<&str> = t.shown(sort, filter).into_iter().map(|i| t.rows[i].key.as_str()).collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn missing_values_sort_last_both_ways_and_ties_keep_the_given_order() {
        let t = table(&[("甲", Some(1.0)), ("乙", None), ("丙", Some(2.0)), ("丁", Some(1.0)), ("戊", None)]);
        let down = Sort { column: 1, descending: true };
        check(&t, None, "", &["甲", "乙", "丙", "丁", "戊"]);
        check(&t, Some(down), "", &["丙", "甲", "丁", "乙", "戊"]);
        check(&t, Some(down.flip()), "", &["甲", "丁", "丙", "乙", "戊"]);
        check(&t, Some(Sort { column: 0, descending: false }), "", &["丁", "丙", "乙", "戊", "甲"]);
    }

    #[test]
    fn a_click_flips_the_same_column_and_starts_numbers_largest_first() {
        let s = Sort::click(None, 1, true);
        assert_eq!(s, Sort { column: 1, descending: true });
        assert_eq!(Sort::click(Some(s), 1, true), Sort { column: 1, descending: false });
        assert_eq!(Sort::click(Some(s), 0, false), Sort { column: 0, descending: false });
        assert_eq!(aria_sort(Some(s), 1), "descending");
        assert_eq!(aria_sort(Some(s.flip()), 1), "ascending");
        assert_eq!(aria_sort(Some(s), 0), "none");
        assert_eq!(aria_sort(None, 1), "none");
    }

    #[test]
    fn the_filter_matches_any_cell_ignoring_case_and_spaces() {
        let t = Table::new(
            vec![Column::text("name", "单位"), Column::text("code", "代码")],
            vec![
                Row::new("a", vec![Cell::text("海州区"), Cell::text("HZ")]),
                Row::new("b", vec![Cell::text("连云区"), Cell::text("LY")]),
            ],
        );
        check(&t, None, " hz ", &["a"]);
        check(&t, None, "区", &["a", "b"]);
        check(&t, None, "赣榆", &[]);
        check(&t, None, "", &["a", "b"]);
    }

    #[test]
    fn the_csv_is_what_is_shown_guarded_and_quoted() {
        let t = Table::new(
            vec![Column::text("name", "单位"), Column::num("x", "值")],
            vec![
                Row::new("a", vec![Cell::text("=1+1"), Cell::num("-0.50", -0.5)]),
                Row::new("b", vec![Cell::text("海州区, 东"), Cell::missing()]),
                Row::new("c", vec![Cell::text("连云区"), Cell::count(3)]),
            ],
        );
        let shown = t.shown(Some(Sort { column: 1, descending: true }), "区");
        assert_eq!(t.csv(&shown), "\u{feff}单位,值\r\n连云区,3\r\n\"海州区, 东\",—\r\n");
        assert_eq!(t.csv(&t.shown(None, "=")), "\u{feff}单位,值\r\n'=1+1,-0.50\r\n");
    }

    #[test]
    fn cells_from_values_and_decimals() {
        use hotline_engine::count::indicators::Rate;
        assert_eq!(Cell::value(Value::Count(7)), Cell::count(7));
        assert_eq!(Cell::value(Value::Rate(&Rate::new(0, 0))).key, Key::Missing);
        assert_eq!(Cell::value(Value::Rate(&Rate::new(1, 4))).key, Key::Num(0.25));
        assert_eq!(Cell::decimal("95.50").key, Key::Num(95.5));
        assert_eq!(Cell::decimal("—").key, Key::Missing);
        assert_eq!(Cell::decimal("良好").key, Key::Text("良好".into()));
        assert_eq!(t_row().row("b").map(|r| r.cells[0].text.as_str()), Some("乙"));
        assert!(t_row().row("z").is_none());
    }

    fn t_row() -> Table {
        table(&[("a", Some(1.0)), ("b", None)]).tap_names(&["甲", "乙"])
    }

    impl Table {
        fn tap_names(mut self, names: &[&str]) -> Table {
            for (r, n) in self.rows.iter_mut().zip(names) {
                r.cells[0] = Cell::text(*n);
            }
            self
        }
    }
}
