//! 单位: the unit table and one unit's 扣分工单 (shortfall lists).

use crate::model::{EntityTable, Scope, Sort, UnitRows, UNIT_COLUMNS};
use crate::state::use_state;
use hotline_engine::report::shortfall::ShortfallKind;
use hotline_engine::report::EntityFigures;
use leptos::prelude::*;

#[component]
pub fn UnitTable() -> impl IntoView {
    let state = use_state();
    let level = RwSignal::new(EntityTable::Unit);
    let scope = RwSignal::new(Scope::All);
    let sort = RwSignal::new(Sort::default());
    let rows = move || -> Vec<EntityFigures> {
        state.report.with(|r| {
            r.as_ref()
                .map(|r| match level.get() {
                    EntityTable::Unit => r.units.clone(),
                    EntityTable::Member => r.members.clone(),
                    EntityTable::Group => r.groups.clone(),
                })
                .unwrap_or_default()
        })
    };
    // Rows keyed by name: a re-count updates the cells' text, the rows stay (month switch).
    let table = Memo::new(move |_| UnitRows::new(&rows(), scope.get(), sort.get()));
    let has_groups = move || state.report.with(|r| r.as_ref().is_some_and(|r| !r.groups.is_empty()));
    let level_button = move |l: EntityTable| {
        view! {
            <button class:active=move || level.get() == l data-level=l.label() on:click=move |_| level.set(l)>
                {l.label()}
            </button>
        }
    };
    let scope_button = move |s: Scope| {
        view! {
            <button class:active=move || scope.get() == s data-scope=s.label() on:click=move |_| scope.set(s)>
                {s.label()}
            </button>
        }
    };
    view! {
        <section class="units" id="units">
            <h2>"分单位指标"</h2>
            <div class="toolbar no-print">
                {level_button(EntityTable::Unit)}
                {level_button(EntityTable::Member)}
                <Show when=has_groups>{level_button(EntityTable::Group)}</Show>
                <span class="sep"></span>
                {scope_button(Scope::All)}
                {scope_button(Scope::Municipal)}
                {scope_button(Scope::Province)}
            </div>
            <table id="unit-table">
                <thead>
                    <tr>
                        <th class="sortable" on:click=move |_| sort.update(|s| *s = s.click(None))>
                            {move || level.get().label()}
                        </th>
                        {UNIT_COLUMNS.iter().enumerate().map(|(i, c)| view! {
                            <th class="sortable num" data-key=c.key()
                                class:sorted=move || sort.get().column == Some(i)
                                on:click=move |_| sort.update(|s| *s = s.click(Some(i)))>
                                {c.label_zh()}
                                {move || (sort.get().column == Some(i)).then(|| if sort.get().descending { " ▼" } else { " ▲" })}
                            </th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    <For each=move || table.with(|t| t.order.clone()) key=|name| name.clone() children=move |name| {
                        let row_name = name.clone();
                        // One memo a row: a re-count wakes the rows, and a row's cells only when
                        // its texts changed (a thousand cells on one memo cost 5 ms a switch in
                        // subscriber bookkeeping alone).
                        let texts = {
                            let name = name.clone();
                            Memo::new(move |_| table.with(|t| t.row(&name)))
                        };
                        let cells = UNIT_COLUMNS.iter().enumerate().map(|(i, c)| {
                            view! { <td class="num" data-key=c.key()>{move || texts.with(|r| r.get(i).cloned().unwrap_or_default())}</td> }
                        }).collect_view();
                        let open = {
                            let name = name.clone();
                            move || {
                                let Some(level) = level.get_untracked().entity() else { return };
                                state.open_unit(level, name.clone(), scope.get_untracked());
                            }
                        };
                        let name_cell = move || if level.get() == EntityTable::Group {
                            view! { <span>{name.clone()}</span> }.into_any()
                        } else {
                            let open = open.clone();
                            view! {
                                <button type="button" class="unit-link" title="查看扣分工单" on:click=move |_| open()>
                                    {name.clone()}
                                </button>
                            }.into_any()
                        };
                        view! { <tr data-unit=row_name><th>{name_cell}</th>{cells}</tr> }
                    }/>
                </tbody>
            </table>
        </section>
    }
}

/// One unit's shortfall lists (扣分工单): per indicator, the tickets that cost it, as counted.
#[component]
pub fn ShortfallPanel() -> impl IntoView {
    let state = use_state();
    let kind = RwSignal::new(ShortfallKind::ClosedLate);
    let csv = move |_| {
        state.worker.with_value(|w| w.as_ref().map(|w| w.shortfall_csv()));
    };
    move || {
        let q = state.shortfall_query.get()?;
        let scope = q.scope.label();
        let body = move || match (state.shortfalls.get(), state.rereading.get()) {
            (None, Some(p)) => view! {
                <div id="shortfall-progress">
                    <p>"文件未保留在内存中，正在重新读取以找出该单位的扣分工单……"</p>
                    <progress max="1" value=p.fraction()></progress>
                    <p class="muted">{p.describe()}</p>
                    <button on:click=move |_| state.cancel()>"取消"</button>
                </div>
            }
            .into_any(),
            (None, None) => view! { <p class="muted">"正在查找……"</p> }.into_any(),
            (Some(Err(why)), _) => view! { <p class="error" id="shortfall-error">{why}</p> }.into_any(),
            (Some(Ok(found)), _) => {
                // A list with tickets is shown first, unless the chosen one has some.
                let chosen = kind.get();
                let chosen = if found.count(chosen) > 0 {
                    chosen
                } else {
                    ShortfallKind::ALL.into_iter().find(|k| found.count(*k) > 0).unwrap_or(chosen)
                };
                // Under the default options 基本满意 counts as satisfied: listed, but it costs nothing.
                state.options.track();
                state.rules.track();
                let basic_free = state.report_options().indicators.basic_is_satisfied();
                let tabs = ShortfallKind::ALL
                    .into_iter()
                    .map(|k| {
                        let n = found.count(k);
                        let note = (k == ShortfallKind::BasicallySatisfied && basic_free)
                            .then_some("（计为满意，不扣分）");
                        view! {
                            <button class:active=k == chosen data-kind=k.key() disabled=n == 0
                                title=k.indicator() on:click=move |_| kind.set(k)>
                                {k.label()} {note} " " <span class="n">{n}</span>
                            </button>
                        }
                    })
                    .collect_view();
                let rows: Vec<_> = found.of(chosen).cloned().collect();
                let total = found.count(chosen);
                let headers = rows.first().map(|r| chosen.facts(r).map(|(h, _)| h)).unwrap_or(["", ""]);
                let shown = rows.len() as u64;
                view! {
                    <div class="toolbar no-print" id="shortfall-kinds">{tabs}</div>
                    {(total == 0).then(|| view! { <p class="muted" id="shortfall-none">"本期各项指标均无扣分工单。"</p> })}
                    {(total > 0).then(|| view! {
                        <p class="muted">{chosen.indicator()} "：共 " <span id="shortfall-total">{total}</span> " 张"
                            {(shown < total).then(|| format!("，列出前 {shown} 张（下载 CSV 查看全部）"))}</p>
                        <table id="shortfall-table" data-kind=chosen.key()>
                            <thead><tr>
                                <th class="num">"行号"</th><th>"工单编号"</th><th>"承办单位"</th><th>"问题分类"</th>
                                <th>"受理时间"</th><th>{headers[0]}</th><th>{headers[1]}</th><th>"其他扣分项"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    let facts = chosen.facts(&r);
                                    let others = r.kinds.iter().filter(|k| **k != chosen).map(|k| k.label()).collect::<Vec<_>>().join("、");
                                    view! {
                                        <tr data-id=r.id.clone()>
                                            <td class="num">{r.line}</td><td>{r.id.clone()}</td><td>{r.unit.clone()}</td>
                                            <td>{r.category.clone()}</td><td>{r.received.clone()}</td>
                                            <td>{facts[0].1.clone()}</td><td>{facts[1].1.clone()}</td><td>{others}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                }.into_any()
            }
        };
        Some(view! {
            <section class="shortfalls" id="shortfalls" data-unit=q.name.clone()>
                <h2 id="shortfalls-title" tabindex="-1">"扣分工单 · " {q.name.clone()}</h2>
                <p class="muted">{format!("{}，{}口径：按当前期间、规则与选项，使该单位失分的工单（与上表数字一一对应）", q.period.label(), scope)}</p>
                <div class="toolbar no-print">
                    <button id="shortfall-csv" on:click=csv disabled=move || !matches!(state.shortfalls.get(), Some(Ok(_)))>"下载扣分工单 (CSV)"</button>
                    <button id="shortfall-close" on:click=move |_| state.close_unit()>"关闭"</button>
                </div>
                {body}
            </section>
        })
    }
}
