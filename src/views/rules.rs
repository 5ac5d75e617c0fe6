//! 规则: a preset or a rule file, its numbers as a form, its text.

use crate::browser::{self};
use crate::load;
use crate::state::use_state;
use hotline_engine::score::presets::PRESETS;
use hotline_engine::score::rules::RuleSet;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::Blob;

/// Choose a preset or load a rule file; edit its numbers in a form or its text; save it.
#[component]
pub fn RulesPanel() -> impl IntoView {
    let state = use_state();
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
