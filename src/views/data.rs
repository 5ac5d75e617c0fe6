//! 数据: the files read (choose, drop, map their columns), the period, what was read and
//! reconciled, the rejected rows.

use crate::browser;
use crate::load;
use crate::protocol::SideKind;
use crate::state::{use_state, Stage};
use crate::tables::reject_table;
use crate::views::table::DataTable;
use hotline_engine::report::zip::tables_zip;
use hotline_engine::score::registry::{side_file_kind, SideFileKind};
use hotline_engine::tickets::schema::{Column, Mapping};
use hotline_engine::{Month, Period, Reject};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::Blob;

/// Rejects listed on the page; all of them are in the download.
const REJECTS_SHOWN: usize = 200;

#[component]
pub fn Upload() -> impl IntoView {
    let state = use_state();
    // Several files wait here, in the order they will be combined, until the user reads them.
    let queue = RwSignal::new_local(Vec::<(String, Blob)>::new());
    // Files chosen or dropped: side files (unit registry, adjustments) are told by their header
    // and read as such; one ticket file is read at once; several wait in the list.
    let pick = move |files: Option<web_sys::FileList>| {
        let Some(list) = files else { return };
        let files: Vec<(String, Blob)> = (0..list.length())
            .filter_map(|i| list.get(i))
            .map(|f| (f.name(), AsRef::<Blob>::as_ref(&f).clone()))
            .collect();
        spawn_local(async move {
            let mut tickets = Vec::new();
            for (name, blob) in files {
                let head = browser::read_range(&blob, 0.0, blob.size().min(4096.0)).await.unwrap_or_default();
                let side = side_file_kind(&head).map(|k| match k {
                    SideFileKind::Registry => SideKind::Registry,
                    SideFileKind::Adjustments => SideKind::Adjustments,
                });
                match side {
                    Some(kind) => {
                        state.worker.with_value(|w| w.as_ref().map(|w| w.side_file(&blob, kind)));
                    }
                    None => tickets.push((name, blob)),
                }
            }
            if tickets.len() == 1 {
                queue.set(Vec::new());
                let (name, blob) = tickets.remove(0);
                state.open(name, blob, None, String::new());
            } else if !tickets.is_empty() {
                queue.set(tickets);
            }
        });
    };
    let shift = move |i: usize, up: bool| {
        queue.update(|q| {
            let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < q.len()) };
            if let Some(j) = j {
                q.swap(i, j);
            }
        })
    };
    let read_all = move |_| {
        let files = queue.get_untracked();
        queue.set(Vec::new());
        state.open_many(files);
    };
    let queued = move || {
        let files = queue.get();
        (!files.is_empty()).then(|| {
            let n = files.len();
            view! {
                <div class="file-queue" id="file-queue">
                    <p>{format!("已选择 {n} 个文件，将合并统计。请按导出时间从早到晚排列：同一工单出现在多个文件中时，以排在后面的文件为准。")}</p>
                    <ol>
                        {files.into_iter().enumerate().map(|(i, (name, _))| view! {
                            <li data-name=name.clone()>
                                <span class="queue-name">{name.clone()}</span>
                                <button type="button" class="queue-up" disabled=i == 0 aria-label=format!("上移 {name}") on:click=move |_| shift(i, true)>"上移"</button>
                                <button type="button" class="queue-down" disabled=i + 1 == n aria-label=format!("下移 {name}") on:click=move |_| shift(i, false)>"下移"</button>
                                <button type="button" class="queue-remove" aria-label=format!("移除 {name}") on:click=move |_| queue.update(|q| { q.remove(i); })>"移除"</button>
                            </li>
                        }).collect_view()}
                    </ol>
                    <button type="button" id="read-files" on:click=read_all>{format!("合并读取这 {n} 个文件")}</button>
                    <button type="button" id="queue-cancel" on:click=move |_| queue.set(Vec::new())>"取消"</button>
                </div>
            }
        })
    };
    let dragging = RwSignal::new(false);
    let side = move |kind: SideKind, files: Option<web_sys::FileList>| {
        let Some(file) = files.and_then(|f| f.get(0)) else { return };
        state.worker.with_value(|w| w.as_ref().map(|w| w.side_file(file.as_ref(), kind)));
    };
    view! {
        <section
            class="upload no-print"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                pick(ev.data_transfer().and_then(|d| d.files()));
            }
        >
            <p>"把工单明细 CSV（UTF-8 或 GBK）或部分汇总文件（.json）拖到这里（可一次多个，合并统计；单位名录、加减分文件按表头自动识别），或"</p>
            <label class="button">
                "选择文件"
                <input
                    type="file"
                    id="ticket-file"
                    multiple=true
                    accept=".csv,text/csv,.json,application/json"
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        pick(input.files());
                        input.set_value("");
                    }
                />
            </label>
            {queued}
            <details class="side-files">
                <summary>"附加文件（可选）：单位名录、加减分"</summary>
                <label>
                    "单位名录（单位,分组,满分,上级单位）："
                    <input type="file" id="units-file" accept=".csv"
                        on:change=move |ev| side(SideKind::Registry, event_target::<web_sys::HtmlInputElement>(&ev).files())/>
                </label>
                <label>
                    "加减分（单位,项目,分值,说明）："
                    <input type="file" id="adjustments-file" accept=".csv"
                        on:change=move |ev| side(SideKind::Adjustments, event_target::<web_sys::HtmlInputElement>(&ev).files())/>
                </label>
                <p class="side-message" id="side-message">{move || state.side_message.get()}</p>
            </details>
        </section>
    }
}

#[component]
pub fn StageView() -> impl IntoView {
    let state = use_state();
    move || match state.stage.get() {
        Stage::Idle | Stage::Ready => ().into_any(),
        Stage::Reading { name, progress } => view! {
            <section class="progress" id="progress">
                <p>"正在读取 " {name}</p>
                <progress max="1" value=progress.fraction()></progress>
                <p class="muted">{progress.describe()}</p>
                <button id="cancel" on:click=move |_| state.cancel()>"取消"</button>
            </section>
        }
        .into_any(),
        Stage::Failed(message) => view! {
            <section class="error" id="file-error" role="alert">{message}</section>
        }
        .into_any(),
        Stage::Mapping { name, headers, draft, note } => {
            view! { <MappingStep name=name headers=headers draft=draft note=note/> }.into_any()
        }
    }
}

#[component]
fn MappingStep(name: String, headers: Vec<String>, draft: Mapping, note: String) -> impl IntoView {
    let state = use_state();
    let mapping = RwSignal::new(draft);
    let headers = StoredValue::new(headers);
    let problem = move || {
        let m = mapping.get();
        let r = headers.with_value(|h| m.resolve(h));
        if r.is_usable() {
            String::new()
        } else {
            let missing: Vec<_> = r.missing.iter().map(|c| c.header()).collect();
            let dup: Vec<_> = r.duplicated.iter().map(|c| c.header()).collect();
            let mut parts = Vec::new();
            if !missing.is_empty() {
                parts.push(format!("仍缺少：{}", missing.join("、")));
            }
            if !dup.is_empty() {
                parts.push(format!("重复指定：{}", dup.join("、")));
            }
            parts.join("；")
        }
    };
    let choose = move |col: Column, header: String| {
        mapping.update(|m| {
            m.columns.retain(|(_, c)| *c != col);
            if !header.is_empty() {
                m.columns.retain(|(h, _)| *h != header);
                m.columns.push((header, col));
            }
        });
    };
    let name = StoredValue::new(name);
    let confirm = move |_| {
        let m = mapping.get_untracked();
        headers.with_value(|h| load::save_mapping(&Mapping::header_key(h), &m.to_json()));
        if let Some((blob, _)) = state.pending.get_value() {
            state.open(name.get_value(), blob, Some(m), String::new());
        }
    };
    view! {
        <section class="mapping" id="mapping">
            <h2>"列映射：" {name.get_value()}</h2>
            <p>{note}</p>
            <table>
                <thead><tr><th>"标准列"</th><th>"文件中的列（及其前几行的值）"</th></tr></thead>
                <tbody>
                    {Column::ALL.iter().map(|&col| {
                        let required = col.required() != hotline_engine::tickets::schema::Required::No;
                        let current = move || mapping.with(|m| m.columns.iter().find(|(_, c)| *c == col).map(|(h, _)| h.clone()).unwrap_or_default());
                        view! {
                            <tr>
                                <td>{col.header()} {required.then_some(" *")}</td>
                                <td>
                                    <select data-column=col.alias() on:change=move |ev| choose(col, event_target_value(&ev))>
                                        <option value="" selected=move || current().is_empty()>"（无）"</option>
                                        {headers.get_value().into_iter().map(|h| {
                                            let hv = h.clone();
                                            let selected = move || current() == hv;
                                            view! { <option value=h.clone() selected=selected>{h.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                    <span class="muted sample" data-column=col.alias()>{move || {
                                        let h = current();
                                        let values = headers.with_value(|hs| hs.iter().position(|x| *x == h))
                                            .map(|i| state.mapping_samples.with(|rows| rows.iter().filter_map(|r| r.get(i)).filter(|v| !v.is_empty()).cloned().collect::<Vec<_>>()))
                                            .unwrap_or_default();
                                        (!values.is_empty()).then(|| format!("例：{}", values.join("、")))
                                    }}</span>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <label>
                "日期时间格式（留空为标准格式；例如 %Y年%m月%d日 %H:%M）："
                <input type="text" id="datetime-format"
                    prop:value=move || mapping.with(|m| m.datetime_format.clone().unwrap_or_default())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        mapping.update(|m| m.datetime_format = (!v.trim().is_empty()).then(|| v.trim().to_string()));
                    }/>
            </label>
            <p class="error">{problem}</p>
            <button id="mapping-confirm" disabled=move || !problem().is_empty() on:click=confirm>"确认并读取"</button>
            <button id="mapping-cancel" on:click=move |_| state.cancel_mapping()>"取消"</button>
            <button on:click=move |_| load::download("列映射.json", mapping.get_untracked().to_json().as_bytes(), "application/json")>
                "保存映射文件（命令行 --mapping 可用）"
            </button>
        </section>
    }
}

/// The rejected rows: they do not change with the period, so a re-count leaves this list alone.
#[component]
pub fn RejectList() -> impl IntoView {
    let state = use_state();
    // The page holds rejects without their raw rows (the report's JSON does not carry them):
    // the worker, which read the rows, writes the download.
    let download_rejects = move |_| {
        state.exporting.set(true);
        state.worker.with_value(|w| w.as_ref().map(|w| w.reject_csv())).unwrap_or(())
    };
    // A streamed file keeps its first rejects only: the download reads it again.
    let exporting = move || {
        let rereading = state.rereading.get().filter(|_| state.exporting.get());
        rereading.map(|p| {
            let progress = p.describe();
            view! { <p class="muted no-print" id="rejects-exporting">"文件未保留在内存中，正在重新读取以导出全部拒收行：" {progress}</p> }
        })
    };
    let listed = Memo::new(move |_| {
        state.report.with(|r| {
            r.as_ref().map_or_else(Default::default, |r| {
                let rejects: Vec<Reject> = r.rejects.iter().take(REJECTS_SHOWN).cloned().collect();
                (r.source.rows_rejected, r.source.rejected_by_reason.clone(), rejects)
            })
        })
    });
    move || {
        let (total, by_reason, rejects) = listed.get();
        let more = total.saturating_sub(REJECTS_SHOWN as u64);
        let reasons = by_reason
            .iter()
            .map(|(reason, n)| format!("{} {n}", reason.label()))
            .collect::<Vec<_>>()
            .join("，");
        view! {
                    {(!rejects.is_empty()).then(|| view! {
                        <section class="rejects" id="rejects"><details open=true>
                            <summary>"拒收的行（" {total} "）：" {reasons}</summary>
                            <button class="no-print" id="download-rejects" on:click=download_rejects>"下载拒收行 (CSV)"</button>
                            {exporting}
                            <DataTable id="reject-table" name="拒收的行" table=Signal::stored(reject_table(&rejects))/>
                            {(more > 0).then(|| view! { <p class="muted">"另有 " {more} " 行未列出，请下载查看全部。"</p> })}
                        </details></section>
                    })}
        }
    }
}

#[component]
pub fn Summary() -> impl IntoView {
    let state = use_state();
    // Every table in one zip, named in Chinese (one download, not one per table).
    let download_tables = move |_| {
        let scores = state.scores.get_untracked();
        let zip = state.report.with_untracked(|r| {
            r.as_ref().map(|r| {
                let mut r = r.clone();
                r.scores = scores;
                tables_zip(&r)
            })
        });
        if let Some(zip) = zip {
            let period = state
                .report
                .with_untracked(|r| r.as_ref().and_then(|r| r.period.as_ref()).map(|p| p.label.clone()));
            let name = format!("12345考评表格{}.zip", period.map(|p| format!(" {p}")).unwrap_or_default());
            load::download(&name, &zip, "application/zip");
        }
    };
    move || {
        state.report.with(|r| {
            let r = r.as_ref()?;
            let s = &r.source;
            let months = r.months.clone();
            let chosen = r.period.as_ref().map(|p| p.period);
            let extra = if s.extra_columns.is_empty() {
                "无".to_string()
            } else {
                s.extra_columns.join("、")
            };
            Some(view! {
                <section class="summary" id="summary">
                    <h2>"数据读取"</h2>
                    <p class="file-name">{state.file_name.get()}</p>
                    <div class="counts">
                        <div><span class="big" id="rows-read">{s.rows_read}</span>"读取行数"</div>
                        <div><span class="big" id="rows-scored">{s.rows_scored}</span>"计分行数"</div>
                        <div><span class="big" id="rows-rejected">{s.rows_rejected}</span>"拒收行数"</div>
                    </div>
                    <p class="muted">
                        "编码：" <span id="encoding">{s.encoding.map(|e| e.label()).unwrap_or("—")}</span>
                        "；忽略的列：" <span id="extra-columns">{extra}</span>
                        {state.load_ms.get().map(|(ms, readers)| view! {
                            <span class="no-print">"；用时 " <span id="load-ms" data-ms=format!("{ms:.1}") data-readers=readers.code()>{format!("{:.2}", ms / 1000.0)}</span> " 秒"
                            {readers.label()}</span>
                        })}
                    </p>
                    <p class="muted" id="reconciliation">{r.reconciliation.text()}</p>
                    {move || {
                        let notes = state.combined.get();
                        (!notes.is_empty()).then(|| view! {
                            <ul class="muted" id="combined-files">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                        })
                    }}
                    {move || {
                        // The report's warnings with the scores' (held apart, re-scored on a rule edit).
                        let scores = state.scores.get();
                        let warnings = state.report.with(|r| {
                            r.as_ref().map(|r| hotline_engine::report::warnings::warnings(&r.source, scores.as_ref(), &r.registry_cycles)).unwrap_or_default()
                        });
                        (!warnings.is_empty()).then(|| view! {
                            <ul class="warnings" id="warnings">
                                {warnings.iter().map(|w| view! { <li data-kind=w.kind.code()>{w.text()}</li> }).collect_view()}
                            </ul>
                        })
                    }}
                    <div class="period no-print">
                        <PeriodPicker months=months.iter().map(|m| (m.month, m.complete)).collect() chosen=chosen/>
                        <label>
                            <input type="checkbox" id="basic-satisfied"
                                prop:checked=move || state.rules.with(|r| r.as_ref().map_or(state.options.get(), |r| r.indicator_options)).basic_counts_as_satisfied
                                prop:disabled=move || state.rules.with(|r| r.is_some())
                                title=move || state.rules.with(|r| r.as_ref().map(|_| "由考评规则决定").unwrap_or_default())
                                on:change=move |ev| {
                                    let on = event_target::<web_sys::HtmlInputElement>(&ev).checked();
                                    state.options.update(|o| o.basic_counts_as_satisfied = on);
                                    state.rebuild();
                                }/>
                            "“基本满意”计为满意"
                        </label>
                        <button id="download-tables" on:click=download_tables>"导出全部表格 (ZIP)"</button>
                    </div>
                    <p class="why" id="period-why">{r.period.as_ref().map(|p| p.why.clone())}</p>
                    <p class="muted" id="calendar-years">
                        {format!("工作日历（法定节假日与调休）覆盖 {}–{} 年：以工作日计的办理时限按此计算，范围外的日期报错而不猜测。", r.calendar_years.0, r.calendar_years.1)}
                    </p>
                    {(r.deadline_errors.count > 0).then(|| view! {
                        <p class="error" id="deadline-errors">
                            {format!("{} 张工单的办理时限无法计算（日期超出工作日历范围），这些工单不计入应办结：{}",
                                r.deadline_errors.count, r.deadline_errors.examples.join("；"))}
                        </p>
                    })}
                </section>
            })
        })
    }
}

/// The period: a first and a last month (one month, a quarter, a year to date, any range).
#[component]
pub fn PeriodPicker(months: Vec<(Month, bool)>, chosen: Option<Period>) -> impl IntoView {
    let state = use_state();
    let first = chosen.map(|p| p.first);
    let last = chosen.map(|p| p.last);
    let options = move |selected: Option<Month>| {
        months
            .iter()
            .map(|&(m, complete)| {
                let note = if complete { "" } else { "（不完整）" };
                view! { <option value=m.to_string() selected=selected == Some(m)>{format!("{}{note}", Period::month(m).label())}</option> }
            })
            .collect_view()
    };
    // The selects show these; a refused choice puts them back.
    let first_value = RwSignal::new(first.map(|m| m.to_string()).unwrap_or_default());
    let last_value = RwSignal::new(last.map(|m| m.to_string()).unwrap_or_default());
    let error = RwSignal::new(String::new());
    let choose = move |which: &'static str, value: String| {
        let Some(m) = Month::parse(&value) else { return };
        let current =
            state.report.with_untracked(|r| r.as_ref().and_then(|r| r.period.as_ref().map(|p| p.period)));
        let (a, b) = match (which, current) {
            ("first", Some(p)) => (m, p.last),
            ("last", Some(p)) => (p.first, m),
            _ => (m, m),
        };
        match Period::range(a, b) {
            Some(p) => {
                error.set(String::new());
                state.period.set(Some(p));
                state.rebuild();
            }
            None => {
                // Refused, not bent into one month: the period shown stays as it was.
                error.set(format!(
                    "起始月份（{}）晚于结束月份（{}），未更改统计期间：请先调整另一端。",
                    Period::month(a).label(),
                    Period::month(b).label()
                ));
                first_value.set(String::new());
                last_value.set(String::new());
                if let Some(p) = current {
                    first_value.set(p.first.to_string());
                    last_value.set(p.last.to_string());
                }
            }
        }
    };
    view! {
        <label>"统计期间：从 "
            <select id="period-first" prop:value=move || first_value.get()
                on:change=move |ev| choose("first", event_target_value(&ev))>{options(first)}</select>
        </label>
        <label>" 至 "
            <select id="period-last" prop:value=move || last_value.get()
                on:change=move |ev| choose("last", event_target_value(&ev))>{options(last)}</select>
        </label>
        <p class="error" id="period-error" role="alert">{move || error.get()}</p>
    }
}
