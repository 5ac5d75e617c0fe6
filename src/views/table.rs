//! The one table component: every table on the page is a [`Table`] drawn by [`DataTable`].
//!
//! It gives each table the same behaviour: a header that stays in view while the rows scroll,
//! headers that sort by click or keyboard (real buttons, with `aria-sort`), "—" last both ways, a
//! text filter, numbers right-aligned under right-aligned headers, the row-name column frozen
//! when the table scrolls sideways, and an export of exactly the rows and columns shown.

use crate::load;
use crate::table::{aria_sort, RowHead, Sort, Table};
use leptos::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

/// Draws `table`. Rows are keyed by [`crate::table::Row::key`]: a re-count (another month)
/// rewrites the text of the rows that changed and keeps the rest.
///
/// - `id`: the `<table>` element's id, if it has one;
/// - `name`: what the table is called, its accessible name and the export's file name (`name`.csv);
/// - `sort`: the initial sort (default: the rows' own order);
/// - `on_open`: what a unit name's button does (rows made with `Row::opens_unit`).
#[component]
pub fn DataTable(
    #[prop(optional, into)] id: Option<String>,
    #[prop(into)] name: Signal<String>,
    #[prop(into)] table: Signal<Table>,
    #[prop(optional)] sort: Option<Sort>,
    #[prop(optional, into)] on_open: Option<Callback<String>>,
    #[prop(optional)] class: &'static str,
    /// Hide the filter (a table of a few fixed rows, such as the overview).
    #[prop(optional)]
    no_filter: bool,
) -> impl IntoView {
    let default_sort = sort;
    let sort = RwSignal::new(sort);
    let filter = RwSignal::new(String::new());
    if let Some(id) = id.clone() {
        follow_link(id, table, default_sort, sort, filter);
    }
    let shown = Memo::new(move |_| table.with(|t| t.shown(sort.get(), &filter.get())));
    let order = move || {
        table.with(|t| {
            shown.with(|s| s.iter().filter_map(|&i| t.rows.get(i).map(|r| r.key.clone())).collect::<Vec<_>>())
        })
    };
    let export = move |_| {
        let csv = table.with_untracked(|t| shown.with_untracked(|s| t.csv(s)));
        load::download(&format!("{}.csv", name.get_untracked()), csv.as_bytes(), "text/csv;charset=utf-8");
    };
    let count = move || {
        let all = table.with(|t| t.rows.len());
        let n = shown.with(Vec::len);
        if n == all {
            format!("共 {all} 行")
        } else {
            format!("显示 {n} / {all} 行")
        }
    };
    // Unique on the page: the label's `for` needs it, and score tables have no id of their own.
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let filter_id = format!("table-filter-{}", NEXT.fetch_add(1, AtomicOrdering::Relaxed));
    let header = move || {
        table.with(|t| {
            t.columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let numeric = c.numeric;
                    let click = move |_| sort.update(|s| *s = Some(Sort::click(*s, i, numeric)));
                    let arrow = move || match aria_sort(sort.get(), i) {
                        "descending" => "▼",
                        "ascending" => "▲",
                        _ => "",
                    };
                    view! {
                        <th scope="col" class:num=numeric data-col=c.key.clone() aria-sort=move || aria_sort(sort.get(), i)>
                            <button type="button" class="sort" on:click=click title="点击排序">
                                {c.title.clone()}<span class="arrow" aria-hidden="true">{arrow}</span>
                            </button>
                        </th>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="data-table">
            <div class="table-tools no-print">
                {(!no_filter).then(|| view! {
                    <label for=filter_id.clone()>"筛选"</label>
                    <input type="search" id=filter_id.clone() class="table-filter" placeholder="输入文字筛选行"
                        prop:value=move || filter.get() on:input=move |e| filter.set(event_target_value(&e))/>
                })}
                <span class="muted table-count" aria-live="polite">{count}</span>
                <button type="button" class="table-export" on:click=export>"导出本表 (CSV)"</button>
            </div>
            <div class="table-scroll" role="region" tabindex="0" aria-label=move || name.get()>
                <table id=id class=class>
                    <thead><tr>{header}</tr></thead>
                    <tbody>
                        <For each=order key=|k| k.clone() children=move |key| {
                            // One memo a row: a re-count wakes every row, and a row redraws only
                            // when its own cells changed.
                            let row = {
                                let key = key.clone();
                                Memo::new(move |_| table.with(|t| t.row(&key).cloned()))
                            };
                            let class = move || row.with(|r| r.as_ref().and_then(|r| r.class).unwrap_or(""));
                            let cells = move || {
                                let (columns, head_at) = table.with_untracked(|t| (t.columns.clone(), t.head));
                                row.with(|r| {
                                    let Some(r) = r else { return Vec::new() };
                                    r.cells.iter().zip(&columns).enumerate().map(|(i, (cell, col))| {
                                        let text = cell.text.clone();
                                        let title = cell.title.clone();
                                        if i != head_at {
                                            return view! {
                                                <td class:num=col.numeric data-col=col.key.clone() title=title>{text}</td>
                                            }.into_any();
                                        }
                                        let head = match (r.head, on_open) {
                                            (RowHead::Unit, Some(open)) => {
                                                let name = r.key.clone();
                                                view! {
                                                    <button type="button" class="unit-link" title="查看扣分工单"
                                                        on:click=move |_| open.run(name.clone())>{text}</button>
                                                }.into_any()
                                            }
                                            _ => view! { <span>{text}</span> }.into_any(),
                                        };
                                        view! { <th scope="row" data-col=col.key.clone() title=title>{head}</th> }.into_any()
                                    }).collect::<Vec<_>>()
                                })
                            };
                            view! { <tr data-row=key class=class>{cells}</tr> }
                        }/>
                    </tbody>
                </table>
            </div>
        </div>
    }
}

/// A table with an id is shown as the link says ([`crate::route::Link::tables`]), and says in
/// the link how it is shown, where that differs from how it starts.
fn follow_link(
    id: String,
    table: Signal<Table>,
    default_sort: Option<Sort>,
    sort: RwSignal<Option<Sort>>,
    filter: RwSignal<String>,
) {
    let state = crate::state::use_state();
    // Until the link's view is applied (the table has columns), the table says nothing back.
    let applied = StoredValue::new(false);
    // The link's view of this table → the table (on opening, and on back and forward).
    let key = id.clone();
    Effect::new(move |_| {
        let wanted = state
            .tables
            .with(|t| t.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()))
            .unwrap_or_default();
        let columns = table.with(|t| t.columns.iter().map(|c| c.key.clone()).collect::<Vec<_>>());
        if columns.is_empty() {
            return;
        }
        let wanted_sort = match &wanted.sort {
            None => default_sort,
            Some((column, descending)) => match columns.iter().position(|c| c == column) {
                Some(i) => Some(Sort { column: i, descending: *descending }),
                None => {
                    state.link_problems.update(|p| {
                        p.push(format!("链接参数“sort={key}:{column}”未采用：表格 {key} 没有这一列"))
                    });
                    state.tables.update(|t| {
                        if let Some((_, v)) = t.iter_mut().find(|(k, _)| *k == key) {
                            v.sort = None;
                        }
                    });
                    default_sort
                }
            },
        };
        if sort.get_untracked() != wanted_sort {
            sort.set(wanted_sort);
        }
        if filter.with_untracked(|f| *f != wanted.filter) {
            filter.set(wanted.filter);
        }
        applied.set_value(true);
    });
    // The table → the link.
    Effect::new(move |_| {
        let (s, f) = (sort.get(), filter.get());
        if !applied.get_value() {
            return;
        }
        let column = s.and_then(|s| table.with_untracked(|t| t.columns.get(s.column).map(|c| c.key.clone())));
        let view = crate::route::TableView {
            sort: if s == default_sort { None } else { column.zip(s.map(|s| s.descending)) },
            filter: f,
        };
        let empty = view == crate::route::TableView::default();
        let same = state.tables.with_untracked(|t| match t.iter().find(|(k, _)| *k == id) {
            Some((_, v)) => *v == view,
            None => empty,
        });
        if same {
            return;
        }
        // In id order, as the link writes them.
        state.tables.update(|t| {
            t.retain(|(k, _)| *k != id);
            if !empty {
                let at = t.partition_point(|(k, _)| *k < id);
                t.insert(at, (id.clone(), view.clone()));
            }
        });
    });
}
