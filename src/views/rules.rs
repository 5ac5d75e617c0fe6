//! 规则: a preset or a rule file, its numbers as a form, its text.

use crate::browser::{self};
use crate::load;
use crate::state::{use_state, RulesOrigin};
use hotline_engine::score::presets::PRESET_NAMES;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::Blob;

/// Choose a preset or load a rule file; edit its numbers in a form or its text; save it.
#[component]
pub fn RulesPanel() -> impl IntoView {
    let state = use_state();
    let text = state.rules_text;
    // Every problem of the last refused file or edit (the rules in force stay as they were).
    let errors = state.rule_errors;
    let apply = move |json: String, origin: RulesOrigin| state.apply_rules_text(json, origin);
    // The select shows the preset in force ("" for none or a file's rules).
    let preset_value = move || state.rules_preset.get().unwrap_or_default();
    let choose_preset = move |id: String, select: web_sys::HtmlSelectElement| {
        // Edited: rules from a preset that `edited_name` marked (a rule file's own name is its own).
        let edited = state.rules_preset.with_untracked(Option::is_some)
            && state.rules.with_untracked(|r| r.as_ref().is_some_and(|r| r.name.starts_with("基于 ")));
        if edited
            && !window()
                .confirm_with_message("当前规则有修改，选择预设将放弃这些修改。确定吗？")
                .unwrap_or(false)
        {
            select.set_value(&preset_value());
            return;
        }
        if id.is_empty() {
            state.rules_preset.set(None);
            state.rules_from_link.set(false);
            text.set(String::new());
            errors.set(Vec::new());
            state.use_rules(None);
        } else {
            // The worker sends the preset's file; it is applied as it comes (`FromWorker::Preset`).
            state.worker.with_value(|w| w.as_ref().map(|w| w.preset(&id)));
        }
    };
    let load_file = move |files: Option<web_sys::FileList>| {
        let Some(file) = files.and_then(|f| f.get(0)) else { return };
        spawn_local(async move {
            let blob: &Blob = file.as_ref();
            match browser::read_range(blob, 0.0, blob.size()).await {
                Ok(bytes) => apply(String::from_utf8_lossy(&bytes).into_owned(), RulesOrigin::File),
                Err(e) => errors.set(vec![e.message()]),
            }
        });
    };
    // A form edit: the worker sets the number at its field (`items.0.weight`) in the rule file;
    // the page applies the file it sends back (`FromWorker::EditedRules`).
    let set_number = move |field: String, value: String| {
        let Some(json) =
            state.rules.with_untracked(|r| r.as_ref().and_then(|r| serde_json::to_string(r).ok()))
        else {
            return;
        };
        state.worker.with_value(|w| w.as_ref().map(|w| w.edit_rules(json, field, value)));
    };
    view! {
        <section class="rules" id="rules" aria-labelledby="rules-title">
            <h2 id="rules-title">"考评规则"</h2>
            <div class="toolbar no-print">
                <label for="rules-preset">"预设"</label>
                <select id="rules-preset" prop:value=preset_value
                    on:change=move |ev| choose_preset(event_target_value(&ev), event_target::<web_sys::HtmlSelectElement>(&ev))>
                    <option value="">"（不计分，仅看指标）"</option>
                    {PRESET_NAMES.iter().map(|(id, name)| view! { <option value=*id>{*name}</option> }).collect_view()}
                </select>
                <label class="button">"载入规则文件"
                    <input type="file" id="rules-file" accept=".json,application/json"
                        on:change=move |ev| load_file(event_target::<web_sys::HtmlInputElement>(&ev).files())/>
                </label>
                <button on:click=move |_| {
                    if let Some(r) = state.rules.get_untracked() {
                        load::download(&format!("考评规则 {}.json", r.name), text.get_untracked().as_bytes(), "application/json");
                    }
                }>"保存规则文件"</button>
            </div>
            <div class="error" id="rules-error" role="alert">
                {move || {
                    let all = errors.get();
                    (!all.is_empty()).then(|| view! {
                        <p>{format!("规则文件有 {} 处问题，未采用（仍使用原有规则）：", all.len())}</p>
                        <ul>{all.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                    })
                }}
            </div>
            {move || state.rules.get().map(|r| view! {
                <p class="rules-name">"规则：" <strong id="rules-name">{r.name.clone()}</strong>
                    <LinkMark/></p>
            })}
            // The form is the worker's HTML (crate::rules_html); its inputs answer by delegation.
            <div id="rules-form" inner_html=move || state.rules_form.get()
                on:change=move |ev| {
                    let Some(el) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) else { return };
                    if let Some(field) = el.get_attribute("data-field") {
                        set_number(field, event_target_value(&ev));
                    }
                }></div>
            <details class="no-print">
                <summary>"以文本编辑（JSON，格式见 docs/rules.md）"</summary>
                <label for="rules-text" class="muted">"规则文件文本"</label>
                <textarea id="rules-text" rows="18" cols="100" prop:value=move || text.get()
                    on:change=move |ev| text.set(event_target_value(&ev))></textarea>
                <br/>
                <button id="rules-apply" on:click=move |_| apply(text.get_untracked(), RulesOrigin::Edit)>"应用"</button>
            </details>
        </section>
    }
}

/// "规则来自链接": the rules in force arrived by a link (packed in it, or a file it named),
/// not from a preset or a file chosen here; shown beside their name wherever it appears.
#[component]
pub fn LinkMark() -> impl IntoView {
    let state = use_state();
    move || {
        state.rules_from_link.get().then(|| view! {
            <span class="link-mark" title="这些规则随链接而来，不是本页的预设；可在“规则”中保存为文件">"规则来自链接"</span>
        })
    }
}
