//! The page's frame: the header (file, period, rules, unit search), the navigation bar and the
//! views, one on screen at a time (see [`crate::route`]).

use crate::history;
use crate::load;
use crate::route::{Link, LinkProblem, ViewId};
use crate::share::Preload;
use crate::state::{use_state, Stage, State};
use crate::views::audit::AuditView;
use crate::views::data::{RejectList, StageView, Summary, Upload};
use crate::views::overview::{Overview, Shares};
use crate::views::rules::{LinkMark, RulesPanel};
use crate::views::scores::ScoreTables;
use crate::views::units::{ShortfallPanel, UnitTable};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The bundled sample month, loaded when the page opens.
const SAMPLE: &str = "sample.csv";

#[component]
pub fn App() -> impl IntoView {
    let state = State::new();
    provide_context(state);
    // The address first: its fragment is the screen (docs/share-links.md), its query the files.
    let (link, problems) = Link::parse(&history::fragment());
    let fragment_rules = link.rules.is_some();
    state.follow_link(link, problems);
    let (preload, refused) = Preload::parse(&history::query());
    state.link_problems.update(|p| {
        p.extend(refused.into_iter().map(|(param, reason)| LinkProblem { param, reason }.to_string()))
    });
    // Back and forward (`popstate`), and a fragment typed or followed (`hashchange`).
    let popped =
        window_event_listener(leptos::ev::popstate, move |_| state.follow_fragment(&history::fragment()));
    let hashed =
        window_event_listener(leptos::ev::hashchange, move |_| state.follow_fragment(&history::fragment()));
    on_cleanup(move || {
        popped.remove();
        hashed.remove();
    });
    // The address follows the screen: any change of what a link carries replaces the fragment
    // (moving between views has already added an entry, in `State::navigate`).
    Effect::new(move |_| {
        let fragment = state.link().to_fragment();
        if history::fragment() != fragment {
            history::set_fragment(&fragment, false);
        }
    });
    // Rules of one's own travel packed in the fragment; the worker packs them.
    Effect::new(move |_| {
        let json = state.rules.with(|r| r.as_ref().and_then(|r| serde_json::to_string(r).ok()));
        let change = state.rules_change.get_value() + 1;
        state.rules_change.set_value(change);
        state.rules_packed.set(None);
        if json.is_none() {
            state.rules_form.set(String::new());
            state.rules_text.set(String::new());
        }
        if let Some(json) = json {
            state.worker.with_value(|w| w.as_ref().map(|w| w.pack_rules(change, json)));
        }
    });
    if preload.is_empty() {
        // The sample month, so a newcomer sees a filled page.
        spawn_local(async move {
            match load::fetch_blob(SAMPLE).await {
                Ok(blob) => state.open("示例数据 sample.csv".into(), blob, None, String::new()),
                Err(e) => state.stage.set(Stage::Failed(format!("示例数据未能加载：{}", e.message()))),
            }
        });
    } else {
        spawn_local(crate::preload::preload(state, preload, !fragment_rules));
    }
    // The view on screen marks the body, so the print style sheet can lay it out across or
    // down the page (a named page must be on the body, or the header prints on a page alone).
    Effect::new(move |_| {
        let view = state.route.with(|r| r.view.key());
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-view", view);
        }
    });
    let has_report = move || state.report.with(|r| r.is_some());
    let shown = move |v: ViewId| state.route.with(|r| r.view == v);
    view! {
        <header class="top">
            <div class="brand">
                <h1>"12345 热线绩效考评"</h1>
                <p class="tagline">"工单明细在本机浏览器内计算，数据不离开本机。"</p>
            </div>
            <Status/>
            <UnitSearch/>
        </header>
        <Nav/>
        <main id="main">
            <LinkProblems/>
            <StageView/>
            <Show when=move || state.counting.get()>
                <p class="progress-note no-print" id="counting" role="status">
                    {move || match state.rereading.get() {
                        // A streamed file keeps no tickets: new deadlines read it again.
                        Some(p) => format!("文件未保留在内存中，正在按新的办理时限重新读取：{}", p.describe()),
                        None => "正在按新的条件重新统计（使用已读取的工单，不重读文件）…".to_string(),
                    }}
                </p>
            </Show>
            <div class="view" id="view-data" hidden=move || !shown(ViewId::Data)>
                <Upload/>
                <Show when=has_report><Summary/><RejectList/></Show>
            </div>
            <div class="view" id="view-overview" hidden=move || !shown(ViewId::Overview)>
                <Show when=has_report fallback=|| view! { <NoData/> }><Overview/><Shares/></Show>
            </div>
            <div class="view" id="view-units" hidden=move || !shown(ViewId::Units)>
                <Show when=has_report fallback=|| view! { <NoData/> }><ShortfallPanel/><UnitTable/></Show>
            </div>
            <div class="view" id="view-audit" hidden=move || !shown(ViewId::Audit)>
                <Show when=has_report fallback=|| view! { <NoData/> }><AuditView/></Show>
            </div>
            <div class="view" id="view-scores" hidden=move || !shown(ViewId::Scores)>
                <Show when=move || state.scores.with(|s| s.is_some()) fallback=|| view! {
                    <p class="muted" id="no-scores">"尚未选择考评规则：请在“" <ViewLink view=ViewId::Rules/> "”中选择预设或载入规则文件。"</p>
                }>
                    <ScoreTables/>
                </Show>
            </div>
            <div class="view" id="view-rules" hidden=move || !shown(ViewId::Rules)>
                <Show when=has_report fallback=|| view! { <NoData/> }><RulesPanel/></Show>
            </div>
        </main>
    }
}

/// A view with nothing to show yet.
#[component]
fn NoData() -> impl IntoView {
    view! { <p class="muted">"尚未读取数据：请在“" <ViewLink view=ViewId::Data/> "”中选择工单文件。"</p> }
}

/// A link in the text to another view, keeping the rest of the screen's state.
#[component]
fn ViewLink(view: ViewId) -> impl IntoView {
    let state = use_state();
    let href = move || {
        let mut link = state.link();
        link.route.view = view;
        format!("#{}", link.to_fragment())
    };
    view! { <a href=href>{view.label()}</a> }
}

/// Copies the address, which always says what is on screen (docs/share-links.md); where the
/// rules in force are too long for a link, says so and offers them as a file to send with it.
/// Where the browser refuses to copy, the link is written out to copy by hand.
#[component]
fn ShareLink() -> impl IntoView {
    let state = use_state();
    let message = RwSignal::new(String::new());
    let copy = move |_| {
        let href = history::href();
        let too_long = state.rules_too_long();
        spawn_local(async move {
            let n = href.chars().count();
            let mut said = match history::copy(&href).await {
                true => format!("已复制本页链接（{n} 个字符）。"),
                false => format!("浏览器不允许自动复制，请手动复制本页链接（{n} 个字符）：{href} 。"),
            };
            if let Some(len) = too_long {
                said.push_str(&format!(
                    "规则太长，未放入链接（放入后将有 {len} 个字符，链接上限 {} 个）：请在“规则”中点“保存规则文件”，把文件随链接一起发送。",
                    crate::share::MAX_LINK_CHARS
                ));
            }
            message.set(said);
        });
    };
    view! {
        <button type="button" id="share-link" on:click=copy title="复制一个打开本视图（期间、规则、单位、排序与筛选）的链接">"复制链接"</button>
        <span class="share-message" id="share-message" role="status">{move || message.get()}</span>
    }
}

/// What the address asked for and the page could not use: each said, the rest of it used.
#[component]
fn LinkProblems() -> impl IntoView {
    let state = use_state();
    view! {
        <Show when=move || state.link_problems.with(|p| !p.is_empty())>
            <div class="error link-problems no-print" id="link-problems" role="alert">
                <p>"链接中有以下内容未采用，其余部分照常打开："</p>
                <ul>{move || state.link_problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                <button type="button" on:click=move |_| state.link_problems.set(Vec::new())>"知道了"</button>
            </div>
        </Show>
    }
}

/// The views, as links to their fragments (the open unit kept): the current one marked for
/// screen readers with `aria-current`.
#[component]
fn Nav() -> impl IntoView {
    let state = use_state();
    view! {
        <nav class="views no-print" aria-label="视图">
            {ViewId::ALL.into_iter().map(|v| {
                // The whole screen's link with this view: a click keeps period, rules and tables.
                let href = move || {
                    let mut link = state.link();
                    link.route.view = v;
                    format!("#{}", link.to_fragment())
                };
                let current = move || state.route.with(|r| r.view == v).then_some("page");
                view! { <a href=href id=format!("nav-{}", v.key()) aria-current=current>{v.label()}</a> }
            }).collect_view()}
            <span class="nav-gap"></span>
            <button type="button" id="print-view" on:click=move |_| print(false)>"打印本视图"</button>
            <button type="button" id="print-all" on:click=move |_| print(true)>"打印全部"</button>
            <ShareLink/>
        </nav>
    }
}

/// Prints the view on screen, or (`all`) every view as one report: the body is marked while
/// the print dialog is open, and the print style sheet shows every view under that mark.
fn print(all: bool) {
    let body = document().body();
    if all {
        if let Some(b) = &body {
            let _ = b.set_attribute("data-print", "all");
        }
    }
    let _ = window().print();
    // The dialog is closed when print() returns in Chromium and Firefox; `afterprint` covers
    // the rest.
    if let Some(b) = &body {
        let _ = b.remove_attribute("data-print");
    }
}

/// What the figures are of: the file, the period and the rules in force, on every view.
#[component]
fn Status() -> impl IntoView {
    let state = use_state();
    let period =
        move || state.report.with(|r| r.as_ref().and_then(|r| r.period.as_ref()).map(|p| p.label.clone()));
    let rules = move || state.rules.with(|r| r.as_ref().map(|r| r.name.clone()));
    view! {
        <dl class="status" id="status">
            <div><dt>"文件"</dt><dd id="status-file">{move || {
                let name = state.file_name.get();
                if name.is_empty() { "—".to_string() } else { name }
            }}</dd></div>
            <div><dt>"期间"</dt><dd id="status-period">{move || period().unwrap_or_else(|| "—".into())}</dd></div>
            <div><dt>"规则"</dt><dd id="status-rules">{move || rules().unwrap_or_else(|| "不计分".into())} <LinkMark/></dd></div>
        </dl>
    }
}

/// Finds a unit by any part of its name and opens it (Enter, or a name chosen from the list).
#[component]
fn UnitSearch() -> impl IntoView {
    let state = use_state();
    let names = Memo::new(move |_| {
        state.report.with(|r| r.as_ref().map(crate::model::unit_names).unwrap_or_default())
    });
    let query = RwSignal::new(String::new());
    let go = move || state.open_unit_named(&query.get_untracked());
    view! {
        <form class="unit-search no-print" role="search" on:submit=move |ev| { ev.prevent_default(); go(); }>
            <label for="unit-search">"查找单位"</label>
            <input type="search" id="unit-search" list="unit-names" placeholder="单位名称的任意部分"
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
                on:change=move |ev| {
                    // A name picked from the list opens at once.
                    let v = event_target_value(&ev);
                    if names.with(|n| n.contains(&v)) { query.set(v); go(); }
                }/>
            <datalist id="unit-names">
                <For each=move || names.get() key=|n| n.clone() children=|n| view! { <option value=n.clone()></option> }/>
            </datalist>
            <button type="submit">"打开"</button>
            <span class="search-message" role="status" id="search-message">{move || state.search_message.get()}</span>
        </form>
    }
}
