//! The page. Components only call the engine and render its report; they compute nothing.

use crate::browser::{self, LoadError, Progress};
use crate::load;
use crate::model::{change_text, CellCounts, EntityTable, PageCounts, Scope, Sort, UnitRows, UNIT_COLUMNS};
use crate::worker::{FromWorker, SideFile, SideKind, WorkerClient};
use hotline_engine::count::catalogue::Figures;
use hotline_engine::count::catalogue::{Indicator, Measure, View};
use hotline_engine::report::export::csv_tables;
use hotline_engine::report::shortfall::{ShortfallKind, ShortfallQuery, Shortfalls};
use hotline_engine::report::{EntityFigures, Report, ReportOptions};
use hotline_engine::score::presets::PRESETS;
use hotline_engine::score::registry::{Adjustments, Registry};
use hotline_engine::score::rules::RuleSet;
use hotline_engine::score::{Context, Scores};
use hotline_engine::tickets::schema::{Column, Mapping};
use hotline_engine::{FileError, IndicatorOptions, IngestOptions, Month, Period, Reject};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;
use web_sys::Blob;

/// The bundled sample month, loaded when the page opens.
const SAMPLE: &str = "sample.csv";
/// Rejects listed on the page; all of them are in the download.
const REJECTS_SHOWN: usize = 200;

/// What the page is doing.
#[derive(Clone, Debug, PartialEq)]
enum Stage {
    Idle,
    Reading {
        name: String,
        progress: Progress,
    },
    /// The header is not the canonical one: the user confirms a mapping.
    Mapping {
        name: String,
        headers: Vec<String>,
        draft: Mapping,
        note: String,
    },
    Failed(String),
    Ready,
}

/// Everything the page holds. The tickets stay in the worker, so a period change re-counts
/// there without re-reading the file; the page keeps the report and its tallies.
#[derive(Clone, Copy)]
struct State {
    stage: RwSignal<Stage>,
    file_name: RwSignal<String>,
    report: RwSignal<Option<Report>>,
    period: RwSignal<Option<Period>>,
    options: RwSignal<IndicatorOptions>,
    registry: RwSignal<Option<Registry>>,
    adjustments: RwSignal<Option<Adjustments>>,
    /// The rules in force; a refused edit leaves them as they were.
    rules: RwSignal<Option<RuleSet>>,
    /// Scores by the rules in force: apart from the report, so a rule edit re-renders only them.
    scores: RwSignal<Option<Scores>>,
    /// Milliseconds the last re-score took (rules → scores, without re-counting tickets).
    score_ms: RwSignal<Option<f64>>,
    side_message: RwSignal<String>,
    /// Milliseconds from handing the file to the worker to the report being on the page.
    /// How long the last file took, and whether two workers read it.
    load_ms: RwSignal<Option<(f64, load::Readers)>>,
    /// A re-count is under way in the worker (period, options, registry or deadlines changed).
    counting: RwSignal<bool>,
    /// The file being read and the mapping it was given (`None`: canonical headers).
    pending: StoredValue<Option<(Blob, Option<Mapping>)>>,
    /// The file being read: (name, note for the summary, start time).
    loading: StoredValue<(String, String, f64)>,
    worker: StoredValue<Option<Rc<WorkerClient>>, LocalStorage>,
    /// The file's month-keyed cells, when the worker sent them: what a period change counts from.
    counts: StoredValue<Option<PageCounts>>,
    /// The unit whose shortfall lists are asked for (shown under the unit table).
    shortfall_query: RwSignal<Option<ShortfallQuery>>,
    /// Its lists as the worker sent them (an excerpt), or why there are none.
    shortfalls: RwSignal<Option<Result<Shortfalls, String>>>,
    /// A streamed file being read again (shortfall lists, new deadlines, or all its rejects).
    rereading: RwSignal<Option<Progress>>,
    /// All the rejects of a streamed file are being read again, for their download.
    exporting: RwSignal<bool>,
}

impl State {
    fn new() -> State {
        let state = State {
            stage: RwSignal::new(Stage::Idle),
            file_name: RwSignal::new(String::new()),
            report: RwSignal::new(None),
            period: RwSignal::new(None),
            options: RwSignal::new(IndicatorOptions::default()),
            registry: RwSignal::new(None),
            adjustments: RwSignal::new(None),
            rules: RwSignal::new(None),
            scores: RwSignal::new(None),
            score_ms: RwSignal::new(None),
            side_message: RwSignal::new(String::new()),
            load_ms: RwSignal::new(None),
            counting: RwSignal::new(false),
            pending: StoredValue::new(None),
            loading: StoredValue::new((String::new(), String::new(), 0.0)),
            worker: StoredValue::new_local(None),
            counts: StoredValue::new(None),
            shortfall_query: RwSignal::new(None),
            shortfalls: RwSignal::new(None),
            rereading: RwSignal::new(None),
            exporting: RwSignal::new(false),
        };
        match WorkerClient::spawn(move |m| state.on_worker(m)) {
            Ok(w) => state.worker.set_value(Some(Rc::new(w))),
            Err(e) => state.stage.set(Stage::Failed(e)),
        }
        state
    }

    /// What the report is counted with: the page's choices, and what the rules in force fix
    /// (their indicator readings and deadlines), so figures and scores read the same counts.
    fn report_options(&self) -> ReportOptions {
        let own = ReportOptions {
            period: self.period.get_untracked(),
            registry: self.registry.get_untracked(),
            indicators: self.options.get_untracked(),
            deadlines: None,
        };
        self.rules.with_untracked(|r| own.under_rules(r.as_ref()))
    }

    /// What the worker says: progress, a report, or a failure.
    fn on_worker(&self, m: FromWorker) {
        match m {
            FromWorker::Ready => {}
            FromWorker::Progress(p) => {
                let name = self.loading.with_value(|l| l.0.clone());
                self.stage.set(Stage::Reading { name, progress: p });
            }
            FromWorker::Loaded(counts, readers) => {
                self.close_shortfalls();
                let (name, note, started) = self.loading.get_value();
                self.file_name.set(if note.is_empty() { name } else { format!("{name}（{note}）") });
                let Some((report, rejects)) = self.adopt(*counts) else {
                    return self
                        .stage
                        .set(Stage::Failed("后台线程送来的计数无法用于当前条件，请重新选择文件".into()));
                };
                self.report.set(Some(Report { rejects, ..report }));
                self.rescore();
                if let load::Readers::ReadAgain(why) = &readers {
                    web_sys::console::log_1(&format!("第二个线程读取的部分已重新读取：{why}").into());
                }
                self.load_ms.set(Some((browser::now_ms() - started, readers)));
                self.stage.set(Stage::Ready);
            }
            FromWorker::Rereading(p) => self.rereading.set(Some(p)),
            FromWorker::Shortfalls(found) => {
                // Only the answer to the lists asked for last (an older second read may finish later).
                let current = self.shortfall_query.with_untracked(|q| match &found {
                    Ok(f) => q.as_ref() == Some(&f.query),
                    Err(_) => q.is_some(),
                });
                if current {
                    self.rereading.set(None);
                    self.shortfalls.set(Some(found.map(|b| *b)));
                }
            }
            FromWorker::Download { name, bytes } => {
                self.rereading.set(None);
                self.exporting.set(false);
                load::download(&name, &bytes, "text/csv;charset=utf-8");
            }
            FromWorker::SideFile { name, read } => match read {
                Ok(SideFile::Registry(r)) => {
                    self.side_message.set(format!("已载入单位名录 {name}：{} 个单位", r.entries.len()));
                    self.registry.set(Some(r));
                    self.rebuild();
                }
                Ok(SideFile::Adjustments(a)) => {
                    self.side_message
                        .set(format!("已载入加减分文件 {name}：{} 条（在考评得分中使用）", a.entries.len()));
                    self.adjustments.set(Some(a));
                    self.rescore();
                }
                Err(e) => self.side_message.set(e),
            },
            FromWorker::Counted(counts) => {
                self.counting.set(false);
                self.rereading.set(None);
                if let Some((report, _)) = self.adopt(*counts) {
                    self.show_recount(report);
                }
            }
            FromWorker::Failed(LoadError::File(FileError::Header { headers, .. })) => {
                self.header_refused(headers)
            }
            FromWorker::Failed(LoadError::Cancelled) => {
                let had = self.report.with_untracked(|r| r.is_some());
                self.stage.set(if had {
                    Stage::Ready
                } else {
                    Stage::Failed(LoadError::Cancelled.message())
                });
            }
            FromWorker::Failed(e) => {
                self.counting.set(false);
                self.rereading.set(None);
                self.exporting.set(false);
                self.stage.set(Stage::Failed(e.message()));
            }
        }
    }

    /// Takes the file's cells the worker sent: later changes of period, option or registry are
    /// counted here from them. Returns the report for the options in force and the rejected rows
    /// that came with the cells.
    fn adopt(&self, cells: CellCounts) -> Option<(Report, Vec<hotline_engine::Reject>)> {
        let (mut local, rejects) = PageCounts::new(cells)
            .map_err(|e| web_sys::console::error_1(&format!("后台线程送来的计数无法读取：{e}").into()))
            .ok()?;
        // Counted for the options of the request; newer deadlines are on their way.
        let options = local.own_options(&self.report_options());
        let report = local.report(&options);
        self.counts.set_value(Some(local));
        Some((report?, rejects))
    }

    /// A report counted again: the rejected rows stay (they do not change with the period).
    fn show_recount(&self, mut report: Report) {
        self.report.update_untracked(|old| {
            if let Some(old) = old {
                report.rejects = std::mem::take(&mut old.rejects);
            }
        });
        let period = report.period.as_ref().map(|p| p.period);
        self.report.set(Some(report));
        self.rescore();
        // Open lists follow the new period and options.
        if let (Some(mut q), Some(period)) = (self.shortfall_query.get_untracked(), period) {
            q.period = period;
            self.ask_shortfalls(q);
        }
    }

    /// Counts again for the options in force (period, registry, indicator options or rule-file
    /// deadlines changed): here from the file's cells when they serve, in the same task as the
    /// change; otherwise the worker counts from its tickets (other deadlines, or dates over more
    /// months than the month tables serve).
    fn rebuild(&self) {
        let options = self.report_options();
        let local = self.counts.try_update_value(|c| c.as_mut().and_then(|c| c.report(&options))).flatten();
        match local {
            Some(report) => self.show_recount(report),
            None => {
                self.counting.set(true);
                self.worker.with_value(|w| w.as_ref().map(|w| w.count(options)));
            }
        }
    }

    /// Re-scores from the per-unit tallies already counted: a rule edit never touches tickets.
    fn rescore(&self) {
        let started = browser::now_ms();
        let rules = self.rules.get_untracked();
        let registry = self.registry.get_untracked();
        let adjustments = self.adjustments.get_untracked();
        let scores = self.report.with_untracked(|r| {
            let (r, rules) = (r.as_ref()?, rules.as_ref()?);
            let ctx = Context { registry: registry.as_ref(), adjustments: adjustments.as_ref(), months: 1 };
            Some(r.score(rules, &ctx))
        });
        self.scores.set(scores);
        self.score_ms.set(Some(browser::now_ms() - started));
    }

    /// Asks the worker for one unit's shortfall lists (the period is the report's).
    fn ask_shortfalls(&self, query: ShortfallQuery) {
        self.shortfall_query.set(Some(query.clone()));
        self.shortfalls.set(None);
        let options = self.report_options();
        self.worker.with_value(|w| w.as_ref().map(|w| w.shortfalls(query, options)));
    }

    fn close_shortfalls(&self) {
        self.shortfall_query.set(None);
        self.shortfalls.set(None);
    }

    fn cancel(&self) {
        self.worker.with_value(|w| w.as_ref().map(|w| w.cancel()));
    }

    /// Starts reading a file: the worker checks its header first (a file in another layout comes
    /// back as [`FileError::Header`] for the mapping step) and reads it. `note` is shown beside
    /// the file's name.
    fn open(self, name: String, blob: Blob, mapping: Option<Mapping>, note: String) {
        self.pending.set_value(Some((blob.clone(), mapping.clone())));
        spawn_local(async move {
            let head = match browser::read_range(&blob, 0.0, blob.size().min(16.0)).await {
                Ok(h) => h,
                Err(e) => return self.stage.set(Stage::Failed(e.message())),
            };
            // A partial-aggregates file (a per-unit counts table, docs/partials.md): no header
            // step, the worker reads it whole.
            let partial = head.iter().find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xEF | 0xBB | 0xBF))
                == Some(&b'{');
            let (ingest, note) = if partial {
                (IngestOptions::default(), "部分汇总文件：按各单位计数评分，不含工单明细".to_string())
            } else {
                (IngestOptions { mapping, size_hint: Some(blob.size() as u64), ..Default::default() }, note)
            };
            self.stage.set(Stage::Reading { name: name.clone(), progress: Progress::default() });
            self.loading.set_value((name, note, browser::now_ms()));
            self.period.set(None);
            let report = self.report_options();
            self.worker.with_value(|w| w.as_ref().map(|w| w.load(&blob, ingest, report)));
        });
    }

    /// The file's header is not usable as it was read: a mapping saved for the same header is
    /// used at once, else the user confirms one (starting from the one that failed, if any).
    fn header_refused(&self, headers: Vec<String>) {
        let name = self.loading.with_value(|l| l.0.clone());
        let Some((blob, tried)) = self.pending.get_value() else { return };
        if let Some(tried) = tried {
            let note = "所选映射仍缺少必需的列，请补全。".into();
            return self.stage.set(Stage::Mapping { name, headers, draft: tried, note });
        }
        let key = Mapping::header_key(&headers);
        let saved = load::saved_mapping(&key).and_then(|j| Mapping::from_json(&j).ok());
        match saved.filter(|m| m.resolve(&headers).is_usable()) {
            Some(m) => self.open(name, blob, Some(m), "已自动使用此前为相同表头保存的列映射。".into()),
            None => {
                let draft = Mapping::guess(&headers);
                let note = "表头与标准格式不同：请确认各列的对应关系。".into();
                self.stage.set(Stage::Mapping { name, headers, draft, note });
            }
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    let state = State::new();
    // The sample month, so a newcomer sees a filled page.
    spawn_local(async move {
        match load::fetch_blob(SAMPLE).await {
            Ok(blob) => state.open("示例数据 sample.csv".into(), blob, None, String::new()),
            Err(e) => state.stage.set(Stage::Failed(format!("示例数据未能加载：{}", e.message()))),
        }
    });
    view! {
        <header class="top">
            <h1>"12345 热线绩效考评"</h1>
            <p class="tagline">"工单明细在本机浏览器内计算，数据不离开本机。"</p>
        </header>
        <main>
            <Upload state=state/>
            <StageView state=state/>
            <Show when=move || state.counting.get()>
                <p class="progress-note no-print" id="counting" role="status">
                    {move || match state.rereading.get() {
                        // A streamed file keeps no tickets: new deadlines read it again.
                        Some(p) => format!("文件未保留在内存中，正在按新的办理时限重新读取：{}", p.describe()),
                        None => "正在按新的条件重新统计（使用已读取的工单，不重读文件）…".to_string(),
                    }}
                </p>
            </Show>
            <Show when=move || state.report.with(|r| r.is_some())>
                <Summary state=state/>
                <RejectList state=state/>
                <Overview state=state/>
                <Shares state=state/>
                <UnitTable state=state/>
                <ShortfallPanel state=state/>
                <RulesPanel state=state/>
                <ScoreTables state=state/>
            </Show>
        </main>
    }
}

#[component]
fn Upload(state: State) -> impl IntoView {
    let pick = move |files: Option<web_sys::FileList>| {
        if let Some(file) = files.and_then(|f| f.get(0)) {
            let blob: &Blob = file.as_ref();
            state.open(file.name(), blob.clone(), None, String::new());
        }
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
            <p>"把工单明细 CSV（UTF-8 或 GBK）或部分汇总文件（.json）拖到这里，或"</p>
            <label class="button">
                "选择文件"
                <input
                    type="file"
                    id="ticket-file"
                    accept=".csv,text/csv,.json,application/json"
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        pick(input.files());
                        input.set_value("");
                    }
                />
            </label>
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
fn StageView(state: State) -> impl IntoView {
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
            view! { <MappingStep state=state name=name headers=headers draft=draft note=note/> }.into_any()
        }
    }
}

#[component]
fn MappingStep(
    state: State,
    name: String,
    headers: Vec<String>,
    draft: Mapping,
    note: String,
) -> impl IntoView {
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
                <thead><tr><th>"标准列"</th><th>"文件中的列"</th></tr></thead>
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
            <button on:click=move |_| load::download("列映射.json", mapping.get_untracked().to_json().as_bytes(), "application/json")>
                "保存映射文件（命令行 --mapping 可用）"
            </button>
        </section>
    }
}

/// The rejected rows: they do not change with the period, so a re-count leaves this list alone.
#[component]
fn RejectList(state: State) -> impl IntoView {
    let download_rejects = move |_| {
        // The page holds the first rejects only when there are many: the worker has them all.
        let local = state.report.with_untracked(|r| {
            r.as_ref()
                .filter(|r| r.rejects.len() as u64 >= r.source.rows_rejected)
                .map(|r| Reject::to_csv(&r.rejects))
        });
        match local {
            Some(csv) => load::download("拒收行.csv", csv.as_bytes(), "text/csv;charset=utf-8"),
            None => {
                state.exporting.set(true);
                state.worker.with_value(|w| w.as_ref().map(|w| w.reject_csv())).unwrap_or(())
            }
        }
    };
    // A streamed file keeps its first rejects only: the download reads it again.
    let exporting = move || {
        state.exporting.get().then(|| {
            let progress = state.rereading.get().map(|p| p.describe()).unwrap_or_default();
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
                            <table id="reject-table">
                                <thead><tr><th>"行号"</th><th>"列"</th><th>"原因"</th><th>"说明"</th></tr></thead>
                                <tbody>
                                    {rejects.into_iter().map(|j| {
                                        let message = j.message();
                                        view! {
                                            <tr>
                                                <td>{j.line}</td>
                                                <td>{j.column}</td>
                                                <td>{j.reason.label()}</td>
                                                <td>{message}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {(more > 0).then(|| view! { <p class="muted">"另有 " {more} " 行未列出，请下载查看全部。"</p> })}
                        </details></section>
                    })}
        }
    }
}

#[component]
fn Summary(state: State) -> impl IntoView {
    let download_tables = move |_| {
        let scores = state.scores.get_untracked();
        let files = state
            .report
            .with_untracked(|r| {
                r.as_ref().map(|r| {
                    let mut r = r.clone();
                    r.scores = scores;
                    csv_tables(&r)
                })
            })
            .unwrap_or_default();
        for (name, text) in files {
            load::download(name, text.as_bytes(), "text/csv;charset=utf-8");
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
                            "；用时 " <span id="load-ms" data-ms=format!("{ms:.1}") data-readers=readers.code()>{format!("{:.2}", ms / 1000.0)}</span> " 秒"
                            {readers.label()}
                        })}
                    </p>
                    <p class="muted" id="reconciliation">{r.reconciliation.text()}</p>
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
                        <PeriodPicker state=state months=months.iter().map(|m| (m.month, m.complete)).collect() chosen=chosen/>
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
                        <button on:click=download_tables>"导出全部表格 (CSV)"</button>
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
fn PeriodPicker(state: State, months: Vec<(Month, bool)>, chosen: Option<Period>) -> impl IntoView {
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
    let choose = move |which: &'static str, value: String| {
        let Some(m) = Month::parse(&value) else { return };
        let current =
            state.report.with_untracked(|r| r.as_ref().and_then(|r| r.period.as_ref().map(|p| p.period)));
        let (a, b) = match (which, current) {
            ("first", Some(p)) => (m, p.last.max(m)),
            ("last", Some(p)) => (p.first.min(m), m),
            _ => (m, m),
        };
        state.period.set(Period::range(a, b));
        state.rebuild();
    };
    view! {
        <label>"统计期间：从 "
            <select id="period-first" on:change=move |ev| choose("first", event_target_value(&ev))>{options(first)}</select>
        </label>
        <label>" 至 "
            <select id="period-last" on:change=move |ev| choose("last", event_target_value(&ev))>{options(last)}</select>
        </label>
    }
}

/// The headline figures: (key, label, value text, change key).
fn headline(f: &Figures) -> Vec<(&'static str, &'static str, String, Option<&'static str>)> {
    // The catalogue says which figures are overview rows; a rate row also shows its change.
    Indicator::ALL
        .iter()
        .filter(|i| i.shown_in(View::Overview))
        .map(|i| (i.key(), i.label_zh(), f.get(*i).text(), (i.measure() == Measure::Rate).then(|| i.key())))
        .collect()
}

#[component]
fn Overview(state: State) -> impl IntoView {
    move || {
        state.report.with(|r| {
            let r = r.as_ref()?;
            let city = r.city.as_ref()?;
            let label = r.period.as_ref().map(|p| p.label.clone()).unwrap_or_default();
            let change = |key: Option<&str>| -> String {
                match key {
                    None => String::new(),
                    Some(_) if !city.changes_note.as_deref().unwrap_or("").is_empty() => "—".to_string(),
                    Some(k) => change_text(
                        city.changes.iter().find(|c| c.indicator == k).and_then(|c| c.delta_pp.as_deref()),
                    ),
                }
            };
            let rows = headline(&city.all);
            let muni = headline(&city.municipal);
            let prov = headline(&city.province);
            Some(view! {
                <section class="overview" id="overview">
                    <h2>{label} " 全市概况"</h2>
                    {city.changes_note.clone().map(|n| view! { <p class="muted" id="changes-note">"环比：" {n}</p> })}
                    <table>
                        <thead><tr><th>"指标"</th><th>"全部"</th><th>"环比"</th><th>"市派"</th><th>"省派"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().zip(muni).zip(prov).map(|(((key, label, value, ch), m), p)| view! {
                                <tr data-key=key>
                                    <th>{label}</th>
                                    <td class="num" data-scope="all">{value}</td>
                                    <td class="num change">{change(ch)}</td>
                                    <td class="num" data-scope="municipal">{m.2}</td>
                                    <td class="num" data-scope="province">{p.2}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            })
        })
    }
}

#[component]
fn Shares(state: State) -> impl IntoView {
    move || {
        state.report.with(|r| {
            let r = r.as_ref()?;
            let table = |id: &'static str, title: &'static str, rows: &[hotline_engine::report::Share]| {
                view! {
                    <div class="share">
                        <h3>{title}</h3>
                        <table id=id>
                            <thead><tr><th>{title}</th><th>"件数"</th><th>"占比"</th></tr></thead>
                            <tbody>
                                {rows.iter().map(|s| view! {
                                    <tr data-name=s.name.clone()>
                                        <td>{s.name.clone()}</td>
                                        <td class="num">{s.count}</td>
                                        <td class="num">{s.share.display()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            };
            Some(view! {
                <section class="shares" id="shares">
                    <h2>"来源渠道与诉求类型（占受理量）"</h2>
                    <div class="share-row">
                        {table("channel-table", "来源渠道", &r.channels)}
                        {table("kind-table", "诉求类型", &r.kinds)}
                    </div>
                    <h3>"高发问题（各渠道前 5 位）"</h3>
                    <table id="hot-topics">
                        <thead><tr><th>"来源渠道"</th><th>"高发问题"</th></tr></thead>
                        <tbody>
                            {r.hot_topics.iter().map(|c| view! {
                                <tr>
                                    <td>{c.channel.clone()}</td>
                                    <td>{c.topics.iter().map(|t| format!("{} {}（{}）", t.name, t.count, t.share.display())).collect::<Vec<_>>().join("；")}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            })
        })
    }
}

#[component]
fn UnitTable(state: State) -> impl IntoView {
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
                                let (Some(level), Some(period)) = (
                                    level.get_untracked().entity(),
                                    state.report.with_untracked(|r| r.as_ref().and_then(|r| r.period.as_ref().map(|p| p.period))),
                                ) else { return };
                                let scope = scope.get_untracked();
                                state.ask_shortfalls(ShortfallQuery { level, name: name.clone(), scope, period });
                            }
                        };
                        let open_key = open.clone();
                        let name_cell = move || if level.get() == EntityTable::Group {
                            view! { <span>{name.clone()}</span> }.into_any()
                        } else {
                            let (open, open_key) = (open.clone(), open_key.clone());
                            view! {
                                <span class="unit-link" role="button" tabindex="0" title="查看扣分工单"
                                    on:click=move |_| open()
                                    on:keydown=move |ev| if ev.key() == "Enter" { open_key() }>
                                    {name.clone()}
                                </span>
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
fn ShortfallPanel(state: State) -> impl IntoView {
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
                <h2>"扣分工单 · " {q.name.clone()}</h2>
                <p class="muted">{format!("{}，{}口径：按当前期间、规则与选项，使该单位失分的工单（与上表数字一一对应）", q.period.label(), scope)}</p>
                <div class="toolbar no-print">
                    <button id="shortfall-csv" on:click=csv disabled=move || !matches!(state.shortfalls.get(), Some(Ok(_)))>"下载扣分工单 (CSV)"</button>
                    <button id="shortfall-close" on:click=move |_| state.close_shortfalls()>"关闭"</button>
                </div>
                {body}
            </section>
        })
    }
}

/// Choose a preset or load a rule file; edit its numbers in a form or its text; save it.
#[component]
fn RulesPanel(state: State) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(String::new());
    // Applies rule-file text: parsed and validated first; a refused file changes nothing.
    let apply = move |json: String| match RuleSet::parse(&json) {
        Ok(r) => {
            error.set(String::new());
            text.set(r.to_json());
            // Deadlines and indicator readings change the figures: count again (from the cells,
            // or the tickets in the worker). Any other rule change re-scores the tallies.
            let before = state.report_options();
            state.rules.set(Some(r));
            let after = state.report_options();
            let recount = before.deadlines != after.deadlines || before.indicators != after.indicators;
            if recount {
                state.rebuild();
            } else {
                state.rescore();
            }
        }
        Err(e) => error.set(format!("{e}（仍使用原有规则）")),
    };
    let choose_preset = move |id: String| {
        if id.is_empty() {
            let before = state.report_options();
            state.rules.set(None);
            text.set(String::new());
            error.set(String::new());
            let after = state.report_options();
            if before.deadlines != after.deadlines || before.indicators != after.indicators {
                state.rebuild();
            } else {
                state.rescore();
            }
        } else if let Some((_, json)) = PRESETS.iter().find(|(i, _)| *i == id) {
            apply(json.to_string());
        }
    };
    let load_file = move |files: Option<web_sys::FileList>| {
        let Some(file) = files.and_then(|f| f.get(0)) else { return };
        spawn_local(async move {
            let blob: &Blob = file.as_ref();
            match browser::read_range(blob, 0.0, blob.size()).await {
                Ok(bytes) => apply(String::from_utf8_lossy(&bytes).into_owned()),
                Err(e) => error.set(e.message()),
            }
        });
    };
    // A form edit: set one number at a JSON path, then apply the whole file.
    let set_number = move |path: Vec<PathStep>, value: String| {
        let Some(rules) = state.rules.get_untracked() else { return };
        let Ok(mut v) = serde_json::to_value(&rules) else { return };
        let mut at = &mut v;
        for step in &path {
            at = match step {
                PathStep::Key(k) => &mut at[*k],
                PathStep::Index(i) => &mut at[*i],
            };
        }
        // A number stays a number (decimals are integers); an emptied optional field is none;
        // anything else goes in as text and the parser names the field that is not a number.
        let v_trim = value.trim();
        *at = match serde_json::from_str::<serde_json::Value>(v_trim) {
            _ if v_trim.is_empty() => serde_json::Value::Null,
            Ok(n @ serde_json::Value::Number(_)) => n,
            _ => serde_json::Value::String(value),
        };
        apply(v.to_string());
    };
    view! {
        <section class="rules no-print" id="rules">
            <h2>"考评规则"</h2>
            <div class="toolbar">
                <label>"预设："
                    <select id="rules-preset" on:change=move |ev| choose_preset(event_target_value(&ev))>
                        <option value="">"（不计分，仅看指标）"</option>
                        {PRESETS.iter().map(|(id, json)| {
                            let name = RuleSet::parse(json).map(|r| r.name).unwrap_or_default();
                            view! { <option value=*id>{name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="button">"载入规则文件"
                    <input type="file" id="rules-file" accept=".json,application/json"
                        on:change=move |ev| load_file(event_target::<web_sys::HtmlInputElement>(&ev).files())/>
                </label>
                <button on:click=move |_| {
                    if let Some(r) = state.rules.get_untracked() {
                        load::download("考评规则.json", r.to_json().as_bytes(), "application/json");
                    }
                }>"保存规则文件"</button>
            </div>
            <p class="error" id="rules-error" role="alert">{move || error.get()}</p>
            {move || state.rules.get().map(|r| view! { <RulesForm rules=r set_number=set_number/> })}
            <details>
                <summary>"以文本编辑（JSON，格式见 docs/rules.md）"</summary>
                <textarea id="rules-text" rows="18" cols="100" prop:value=move || text.get()
                    on:change=move |ev| text.set(event_target_value(&ev))></textarea>
                <br/>
                <button id="rules-apply" on:click=move |_| apply(text.get_untracked())>"应用"</button>
            </details>
        </section>
    }
}

/// One step of a path into the rule file's JSON.
#[derive(Clone, Copy)]
enum PathStep {
    Key(&'static str),
    Index(usize),
}

/// The numbers of the rules in force, as inputs: each change re-scores at once.
#[component]
fn RulesForm(
    rules: RuleSet,
    set_number: impl Fn(Vec<PathStep>, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    use hotline_engine::score::rules::Item;
    let value = serde_json::to_value(&rules).unwrap_or_default();
    let num = move |path: Vec<PathStep>, current: String, label: String, id: String| {
        view! {
            <label class="field">{label}
                <input type="text" size="6" data-field=id value=current
                    on:change=move |ev| set_number(path.clone(), event_target_value(&ev))/>
            </label>
        }
    };
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let items = rules
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let fields: &[&'static str] = match item {
                Item::Weighted { .. } | Item::RateGap { .. } => &["weight"],
                Item::Threshold { .. } => &["full", "threshold", "per_point"],
                Item::PerTicket { .. } => &["per_ticket", "cap"],
                Item::VolumeBonus { .. } => &["reference", "per_ticket", "cap"],
                Item::Steps { .. } => &[],
                Item::Adjustment { .. } => &["min", "max"],
            };
            let body = value["items"][i].clone();
            view! {
                <tr>
                    <td>{item.name().to_string()}</td>
                    <td>{item.indicator().unwrap_or("加减分").to_string()}</td>
                    <td>
                        {fields.iter().map(|f| num(
                            vec![PathStep::Key("items"), PathStep::Index(i), PathStep::Key(f)],
                            show(&body[*f]),
                            (*f).to_string(),
                            format!("items.{i}.{f}"),
                        )).collect_view()}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let groups = rules
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            num(
                vec![PathStep::Key("groups"), PathStep::Index(i), PathStep::Key("full_score")],
                g.full_score.0.to_string(),
                format!("{} 满分", g.name),
                format!("groups.{i}.full_score"),
            )
        })
        .collect_view();
    let bands = rules.grades.as_ref().map(|g| {
        g.bands
            .iter()
            .enumerate()
            .map(|(i, b)| {
                num(
                    vec![
                        PathStep::Key("grades"),
                        PathStep::Key("bands"),
                        PathStep::Index(i),
                        PathStep::Key("min"),
                    ],
                    b.min.0.to_string(),
                    format!("{} 下限", b.label),
                    format!("grades.bands.{i}.min"),
                )
            })
            .collect_view()
    });
    let unscored_rule = move |key: &'static str,
                              label: &'static str,
                              current: hotline_engine::score::rules::UnscoredRule| {
        use hotline_engine::score::rules::UnscoredRule as U;
        let options =
            [(U::List, "list", "列出，不计分"), (U::Mean, "mean", "取平均分"), (U::Full, "full", "计满分")];
        view! {
            <label class="field">{label}
                <select data-field=format!("unscored.{key}")
                    on:change=move |ev| set_number(vec![PathStep::Key("unscored"), PathStep::Key(key)], event_target_value(&ev))>
                    {options.into_iter().map(|(v, code, text)| view! { <option value=code selected=current == v>{text}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    view! {
        <div class="rules-form">
            <p class="muted">{rules.source.clone()}</p>
            <div>
                {unscored_rule("no_tickets", "本月无工单：", rules.unscored.no_tickets)}
                {unscored_rule("no_due", "无应办结工单：", rules.unscored.no_due)}
            </div>
            <div>
                {num(vec![PathStep::Key("score"), PathStep::Key("base")], rules.score.base.0.to_string(), "基础分".into(), "score.base".into())}
                {num(vec![PathStep::Key("score"), PathStep::Key("decimals")], rules.score.decimals.to_string(), "得分小数位".into(), "score.decimals".into())}
                {groups}
                {bands}
            </div>
            <table class="items">
                <thead><tr><th>"项目"</th><th>"指标"</th><th>"参数"</th></tr></thead>
                <tbody>{items}</tbody>
            </table>
            {(!rules.assumptions.is_empty()).then(|| view! {
                <details><summary>"假设与说明"</summary>
                    <ul>{rules.assumptions.iter().map(|a| view! { <li>{a.clone()}</li> }).collect_view()}</ul>
                </details>
            })}
        </div>
    }
}

/// Per group: rank, unit, 总工单数, every item's points, total, grade; unscored units with reason.
#[component]
fn ScoreTables(state: State) -> impl IntoView {
    move || {
        state.scores.with(|s| {
            let scores: &Scores = s.as_ref()?;
            let ms = state.score_ms.get().unwrap_or(0.0);
            Some(view! {
                <section class="scores" id="scores">
                    <h2>{scores.rules.clone()} " · 考评得分"</h2>
                    <p class="muted">"重新计分用时 " <span id="score-ms">{format!("{ms:.1}")}</span> " 毫秒（由各单位汇总数据计算，不重读工单）"
                        {scores.unscored_mean.clone().map(|m| format!("；无工单单位取平均分 {m}"))}
                        {(!scores.score_counts.is_empty()).then(|| format!("；{}", scores.score_counts.iter().map(|(x, n)| format!("{x}分以上 {n} 家")).collect::<Vec<_>>().join("，")))}
                    </p>
                    {(!scores.conflicts.is_empty()).then(|| view! {
                        <div class="error">"分组冲突：" <ul>{scores.conflicts.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul></div>
                    })}
                    {scores.groups.iter().filter(|g| !g.rows.is_empty() || !g.unscored.is_empty()).map(|g| {
                        let items: Vec<String> = g.rows.first().map(|r| r.items.iter().map(|i| i.item.clone()).collect()).unwrap_or_default();
                        let decimals = g.decimals;
                        view! {
                            <h3>{g.name.clone()} {g.subgroup_of.clone().map(|p| format!("（{p}）"))} "（满分 " {g.full_score.to_string()} "）"</h3>
                            <table class="score-table" data-group=g.name.clone()>
                                <thead><tr>
                                    <th>"排名"</th><th>"单位"</th><th class="num">"总工单数"</th>
                                    {items.iter().map(|i| view! { <th class="num">{i.clone()}</th> }).collect_view()}
                                    <th class="num">"得分"</th><th>"等级"</th><th>"备注"</th>
                                </tr></thead>
                                <tbody>
                                    {g.rows.iter().map(|row| view! {
                                        <tr data-unit=row.name.clone()>
                                            <td>{row.rank.map(|x| x.to_string()).unwrap_or_default()}</td>
                                            <td>{row.name.clone()}</td>
                                            <td class="num">{row.dispatched}</td>
                                            {row.items.iter().map(|i| view! {
                                                <td class="num" title=i.value.clone()>{i.points.map(|p| p.to_fixed(decimals)).unwrap_or_else(|| "—".into())}</td>
                                            }).collect_view()}
                                            <td class="num score" data-key="score">{row.score.clone()}</td>
                                            <td>{row.grade.clone().unwrap_or_default()}</td>
                                            <td>{row.note.clone().unwrap_or_default()}</td>
                                        </tr>
                                    }).collect_view()}
                                    {g.unscored.iter().map(|u| view! {
                                        <tr class="unscored" data-unit=u.name.clone()>
                                            <td></td><td>{u.name.clone()}</td><td></td>
                                            {items.iter().map(|_| view! { <td></td> }).collect_view()}
                                            <td class="num">"—"</td><td></td><td>{u.reason.clone()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }
                    }).collect_view()}
                    {(!scores.unmatched_adjustments.is_empty()).then(|| view! {
                        <div class="error" id="unmatched-adjustments">"加减分文件中这些行的单位不在考评范围内（分值未计入）：" <ul>{scores.unmatched_adjustments.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul></div>
                    })}
                    {(!scores.ungraded.is_empty()).then(|| view! {
                        <p class="muted" id="ungraded">"低于所有等级下限、未评等级：" {scores.ungraded.join("、")}</p>
                    })}
                    {(!scores.ungrouped.is_empty()).then(|| view! {
                        <p class="muted">"未归入任何分组（不计分）：" {scores.ungrouped.join("、")}</p>
                    })}
                    {scores.highlights.iter().map(|h| view! {
                        <h3>{h.name.clone()}</h3>
                        <ol>{h.rows.iter().map(|(n, s)| view! { <li>{format!("{n} {s}")}</li> }).collect_view()}</ol>
                    }).collect_view()}
                </section>
            })
        })
    }
}
