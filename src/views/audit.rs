//! 本单位自查: one unit's month. The worker renders it ([`crate::audit_html`]); this view places
//! it and answers its controls by delegation: a tick (假如) asks the worker for the what-if of
//! every ticked ticket and list, the "as of" field asks for the audit again, the buttons download
//! its CSV files.

use crate::state::{use_state, State};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

/// The `attr` of every element under `root` matching `selector`.
fn attrs(root: &Element, selector: &str, attr: &str) -> Vec<String> {
    let Ok(list) = root.query_selector_all(selector) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<Element>().ok()?.get_attribute(attr)).collect()
}

/// Sets every tick box under `root` matching `selector`.
fn set_checked(root: &Element, selector: &str, on: bool) {
    let Ok(list) = root.query_selector_all(selector) else { return };
    for i in 0..list.length() {
        if let Some(input) = list.item(i).and_then(|n| n.dyn_into::<HtmlInputElement>().ok()) {
            input.set_checked(on);
        }
    }
}

/// Sends what is ticked under `root`: whole lists, and tickets outside a ticked list.
fn send_ticks(state: State, root: &Element) {
    let lists = attrs(root, "input[data-list]:checked", "data-list");
    let fixes = attrs(root, "input[data-fix]:checked", "data-fix")
        .into_iter()
        .filter(|f| !lists.iter().any(|l| f.ends_with(&format!(":{l}"))))
        .collect();
    state.tick_at.set_value(crate::browser::now_ms());
    state.worker.with_value(|w| w.as_ref().map(|w| w.what_if(fixes, lists)));
}

#[component]
pub fn AuditView() -> impl IntoView {
    let state = use_state();
    let body = NodeRef::<leptos::html::Div>::new();
    let on_change = move |ev: web_sys::Event| {
        let (Some(root), Some(target)) =
            (body.get_untracked(), ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()))
        else {
            return;
        };
        if target.id() == "audit-as-of" {
            state.audit_as_of.set_value(Some(target.value()));
            return state.ask_audit();
        }
        if let Some(list) = target.get_attribute("data-list") {
            set_checked(&root, &format!("[data-kind=\"{list}\"] input[data-fix]"), target.checked());
        }
        send_ticks(state, &root);
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        let action = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("[data-action]").ok().flatten())
            .and_then(|b| b.get_attribute("data-action"));
        let Some(root) = body.get_untracked() else { return };
        match action.as_deref() {
            Some("clear") => {
                set_checked(&root, "input[type=checkbox]", false);
                send_ticks(state, &root);
            }
            Some(csv) if csv.starts_with("csv-") => {
                let lists = csv == "csv-lists";
                state.worker.with_value(|w| w.as_ref().map(|w| w.audit_csv(lists)));
            }
            _ => {}
        }
    };
    let name = move || state.audit_unit.with(|u| u.as_ref().map(|u| u.1.clone()));
    let status = move || {
        match (state.audit_unit.with(|u| u.is_some()), state.audit.get(), state.rereading.get()) {
        (false, _, _) => Some(view! {
            <p class="muted" id="audit-hint">"在页面上方“查找单位”中输入本单位名称的任意部分并打开：本机会记住这个单位。"</p>
        }.into_any()),
        (true, None, Some(p)) => Some(view! {
            <div id="audit-progress">
                <p>"文件未保留在内存中，正在重新读取以找出该单位的工单……"</p>
                <progress max="1" value=p.fraction()></progress>
                <p class="muted">{p.describe()}</p>
            </div>
        }.into_any()),
        (true, None, None) => Some(view! { <p class="muted" id="audit-wait">"正在计算……"</p> }.into_any()),
        (true, Some(Err(why)), _) => Some(view! { <p class="error" id="audit-error">{why}</p> }.into_any()),
        (true, Some(Ok(_)), _) => None,
    }
    };
    let html = move || {
        state.audit.with(|a| match a {
            Some(Ok(h)) => h.clone(),
            _ => String::new(),
        })
    };
    view! {
        <section class="audit" id="audit" aria-labelledby="audit-title">
            <h2 id="audit-title" tabindex="-1">"本单位自查" {move || name().map(|n| format!(" · {n}"))}</h2>
            {status}
            <div id="audit-view" node_ref=body on:change=on_change on:click=on_click inner_html=html></div>
        </section>
    }
}
