//! 单位: the unit table and one unit's 扣分工单 (shortfall lists).

use crate::model::{unit_table, EntityTable, Scope, UNIT_SORT};
use crate::state::use_state;
use crate::tables::shortfall_table;
use crate::views::table::DataTable;
use hotline_engine::report::shortfall::ShortfallKind;
use hotline_engine::report::EntityFigures;
use leptos::prelude::*;

#[component]
pub fn UnitTable() -> impl IntoView {
    let state = use_state();
    let level = RwSignal::new(EntityTable::Unit);
    let scope = RwSignal::new(Scope::All);
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
    let table = Memo::new(move |_| unit_table(&rows(), scope.get(), level.get()));
    let has_groups = move || state.report.with(|r| r.as_ref().is_some_and(|r| !r.groups.is_empty()));
    let level_button = move |l: EntityTable| {
        view! {
            <button class:active=move || level.get() == l aria-pressed=move || (level.get() == l).to_string()
                data-level=l.label() on:click=move |_| level.set(l)>
                {l.label()}
            </button>
        }
    };
    let scope_button = move |s: Scope| {
        view! {
            <button class:active=move || scope.get() == s aria-pressed=move || (scope.get() == s).to_string()
                data-scope=s.label() on:click=move |_| scope.set(s)>
                {s.label()}
            </button>
        }
    };
    let open = Callback::new(move |name: String| {
        let Some(l) = level.get_untracked().entity() else { return };
        state.open_unit(l, name, scope.get_untracked());
    });
    let name =
        Signal::derive(move || format!("分单位指标（{}，{}口径）", level.get().label(), scope.get().label()));
    view! {
        <section class="units" id="units" aria-labelledby="units-title">
            <h2 id="units-title">"分单位指标"</h2>
            <div class="toolbar no-print" role="group" aria-label="单位层级与口径">
                {level_button(EntityTable::Unit)}
                {level_button(EntityTable::Member)}
                <Show when=has_groups>{level_button(EntityTable::Group)}</Show>
                <span class="sep"></span>
                {scope_button(Scope::All)}
                {scope_button(Scope::Municipal)}
                {scope_button(Scope::Province)}
            </div>
            <DataTable id="unit-table" name=name table=table sort=UNIT_SORT on_open=open/>
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
        let unit_name = q.name.clone();
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
                let shown = rows.len() as u64;
                let table = shortfall_table(chosen, &rows);
                let name = format!("扣分工单 {} {}", unit_name, chosen.label());
                view! {
                    <div class="toolbar no-print" id="shortfall-kinds" role="group" aria-label="扣分项">{tabs}</div>
                    {(total == 0).then(|| view! { <p class="muted" id="shortfall-none">"本期各项指标均无扣分工单。"</p> })}
                    {(total > 0).then(|| view! {
                        <p class="muted">{chosen.indicator()} "：共 " <span id="shortfall-total">{total}</span> " 张"
                            {(shown < total).then(|| format!("，列出前 {shown} 张（下载 CSV 查看全部）"))}</p>
                        <div data-kind=chosen.key() class="shortfall-list">
                            <DataTable id="shortfall-table" name=name table=Signal::stored(table)/>
                        </div>
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
                    <button id="shortfall-audit" on:click={
                        let name = q.name.clone();
                        move |_| state.audit_named(&name)
                    }>"本单位自查"</button>
                    <button id="shortfall-close" on:click=move |_| state.close_unit()>"关闭"</button>
                </div>
                {body}
            </section>
        })
    }
}
