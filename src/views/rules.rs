//! 规则: a preset or a rule file, its numbers as a form, its text.

use crate::browser::{self};
use crate::load;
use crate::state::use_state;
use hotline_engine::count::catalogue::Indicator;
use hotline_engine::score::presets::PRESETS;
use hotline_engine::score::rules::RuleSet;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::Blob;

/// Where rules being applied come from: a preset, a file, or an edit of the rules in force.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    Preset(&'static str),
    File,
    Edit,
}

/// The name an edit of rules gives them: "基于 <preset> 修改" while they differ from the preset
/// they came from (an edit that puts every number back gives the preset's name again).
fn edited_name(preset: Option<&RuleSet>, mut edited: RuleSet) -> RuleSet {
    if let Some(p) = preset {
        edited.name = p.name.clone();
        if edited != *p {
            edited.name = format!("基于 {} 修改", p.name);
        }
    }
    edited
}

/// Choose a preset or load a rule file; edit its numbers in a form or its text; save it.
#[component]
pub fn RulesPanel() -> impl IntoView {
    let state = use_state();
    let text = RwSignal::new(String::new());
    // Every problem of the last refused file or edit (the rules in force stay as they were).
    let errors = state.rule_errors;
    let preset_rules = move || {
        let id = state.rules_preset.get_untracked()?;
        PRESETS.iter().find(|(i, _)| *i == id).and_then(|(_, json)| RuleSet::parse_valid(json))
    };
    // Applies rule-file text: parsed and validated first; a refused file changes nothing.
    // The page only checks; the worker words the problems (field paths are tracked there).
    let apply = move |json: String, origin: Origin| match RuleSet::parse_valid(&json) {
        Some(r) => {
            errors.set(Vec::new());
            let r = match origin {
                Origin::Preset(id) => {
                    state.rules_preset.set(Some(id.to_string()));
                    r
                }
                Origin::File => {
                    state.rules_preset.set(None);
                    r
                }
                Origin::Edit => edited_name(preset_rules().as_ref(), r),
            };
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
        None => {
            state.worker.with_value(|w| w.as_ref().map(|w| w.explain_rules(json)));
        }
    };
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
            let before = state.report_options();
            state.rules.set(None);
            state.rules_preset.set(None);
            text.set(String::new());
            errors.set(Vec::new());
            let after = state.report_options();
            if before.deadlines != after.deadlines || before.indicators != after.indicators {
                state.rebuild();
            } else {
                state.rescore();
            }
        } else if let Some((id, json)) = PRESETS.iter().find(|(i, _)| *i == id) {
            apply(json.to_string(), Origin::Preset(id));
        }
    };
    let load_file = move |files: Option<web_sys::FileList>| {
        let Some(file) = files.and_then(|f| f.get(0)) else { return };
        spawn_local(async move {
            let blob: &Blob = file.as_ref();
            match browser::read_range(blob, 0.0, blob.size()).await {
                Ok(bytes) => apply(String::from_utf8_lossy(&bytes).into_owned(), Origin::File),
                Err(e) => errors.set(vec![e.message()]),
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
        apply(v.to_string(), Origin::Edit);
    };
    view! {
        <section class="rules" id="rules" aria-labelledby="rules-title">
            <h2 id="rules-title">"考评规则"</h2>
            <div class="toolbar no-print">
                <label for="rules-preset">"预设"</label>
                <select id="rules-preset" prop:value=preset_value
                    on:change=move |ev| choose_preset(event_target_value(&ev), event_target::<web_sys::HtmlSelectElement>(&ev))>
                    <option value="">"（不计分，仅看指标）"</option>
                    {PRESETS.iter().map(|(id, json)| {
                        let name = RuleSet::parse_valid(json).map(|r| r.name).unwrap_or_default();
                        view! { <option value=*id>{name}</option> }
                    }).collect_view()}
                </select>
                <label class="button">"载入规则文件"
                    <input type="file" id="rules-file" accept=".json,application/json"
                        on:change=move |ev| load_file(event_target::<web_sys::HtmlInputElement>(&ev).files())/>
                </label>
                <button on:click=move |_| {
                    if let Some(r) = state.rules.get_untracked() {
                        load::download(&format!("考评规则 {}.json", r.name), r.to_json().as_bytes(), "application/json");
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
                <p class="rules-name">"规则：" <strong id="rules-name">{r.name.clone()}</strong></p>
                <RulesForm rules=r set_number=set_number/>
            })}
            <details class="no-print">
                <summary>"以文本编辑（JSON，格式见 docs/rules.md）"</summary>
                <label for="rules-text" class="muted">"规则文件文本"</label>
                <textarea id="rules-text" rows="18" cols="100" prop:value=move || text.get()
                    on:change=move |ev| text.set(event_target_value(&ev))></textarea>
                <br/>
                <button id="rules-apply" on:click=move |_| apply(text.get_untracked(), Origin::Edit)>"应用"</button>
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

/// A rule field's label, unit and help, in Chinese (the file's own key stays in `data-field`
/// and in the error messages, which name the file's fields).
fn field_text(
    item: &hotline_engine::score::rules::Item,
    field: &str,
) -> (&'static str, &'static str, &'static str) {
    use hotline_engine::score::rules::{Item, RateAs};
    let rate_unit = |r: &RateAs| if *r == RateAs::Percent { "%" } else { "（小数）" };
    match (item, field) {
        (Item::Weighted { .. }, "weight") => ("权重", "分", "得分 = 权重 × 比率"),
        (Item::RateGap { .. }, "weight") => ("权重", "分", "得分 = 权重 × (1 − 比率)；权重为负即扣分"),
        (Item::Threshold { .. }, "full") => ("满分", "分", "达到达标线得满分"),
        (Item::Threshold { rate_as, .. }, "threshold") => {
            ("达标线", rate_unit(rate_as), "比率低于此值开始扣分")
        }
        (Item::Threshold { .. }, "per_point") => ("每低 1 个百分点扣", "分", "低于达标线每 1 个百分点扣的分"),
        (Item::PerTicket { .. }, "per_ticket") => ("每件", "分", "每张工单的分值（负数为扣分）"),
        (Item::PerTicket { .. }, "cap") => ("上限", "分", "本项最多加或扣的分；空为不设上限"),
        (Item::VolumeBonus { .. }, "reference") => ("参照量", "件", "超过参照量的工单才加分"),
        (Item::VolumeBonus { .. }, "per_ticket") => ("每件加", "分", "超过参照量的每张工单加的分"),
        (Item::VolumeBonus { .. }, "cap") => ("上限", "分", "本项最多加的分"),
        (Item::Adjustment { .. }, "min") => ("最低", "分", "加减分合计的下限；空为不设"),
        (Item::Adjustment { .. }, "max") => ("最高", "分", "加减分合计的上限；空为不设"),
        _ => ("参数", "", ""),
    }
}

/// The numbers of the rules in force, as inputs: each change re-scores at once.
#[component]
fn RulesForm(
    rules: RuleSet,
    set_number: impl Fn(Vec<PathStep>, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    use hotline_engine::score::rules::Item;
    let value = serde_json::to_value(&rules).unwrap_or_default();
    let num = move |path: Vec<PathStep>,
                    current: String,
                    label: String,
                    unit: &'static str,
                    help: &'static str,
                    id: String| {
        let input_id = format!("rule-{}", id.replace('.', "-"));
        view! {
            <span class="field">
                <label for=input_id.clone()>{label}</label>
                <input type="text" inputmode="decimal" size="6" id=input_id class="no-print" data-field=id value=current.clone()
                    title=help on:change=move |ev| set_number(path.clone(), event_target_value(&ev))/>
                <span class="print-only">{if current.is_empty() { "—".to_string() } else { current }}</span>
                {(!unit.is_empty()).then(|| view! { <span class="unit">{unit}</span> })}
            </span>
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
            let indicator = item
                .indicator()
                .map(|k| Indicator::from_key(k).map_or_else(|| k.to_string(), |i| i.label_zh().to_string()));
            view! {
                <tr>
                    <th scope="row">{item.name().to_string()}</th>
                    <td>{indicator.unwrap_or_else(|| "加减分文件".to_string())}</td>
                    <td class="fields">
                        {fields.iter().map(|f| {
                            let (label, unit, help) = field_text(item, f);
                            num(
                                vec![PathStep::Key("items"), PathStep::Index(i), PathStep::Key(f)],
                                show(&body[*f]),
                                label.to_string(),
                                unit,
                                help,
                                format!("items.{i}.{f}"),
                            )
                        }).collect_view()}
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
                "分",
                "该组单位的满分",
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
                    format!("等级“{}”下限", b.label),
                    "分",
                    "得分达到此值即评为该等级",
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
        let chosen = options.iter().find(|(v, _, _)| *v == current).map(|(_, _, t)| *t).unwrap_or("");
        let id = format!("rule-unscored-{key}");
        view! {
            <span class="field">
                <label for=id.clone()>{label}</label>
                <select id=id class="no-print" data-field=format!("unscored.{key}")
                    on:change=move |ev| set_number(vec![PathStep::Key("unscored"), PathStep::Key(key)], event_target_value(&ev))>
                    {options.into_iter().map(|(v, code, text)| view! { <option value=code selected=current == v>{text}</option> }).collect_view()}
                </select>
                <span class="print-only">{chosen}</span>
            </span>
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
                {num(vec![PathStep::Key("score"), PathStep::Key("base")], rules.score.base.0.to_string(), "基础分".into(), "分", "各项得分在此基础上加减；0 为各项相加", "score.base".into())}
                {num(vec![PathStep::Key("score"), PathStep::Key("decimals")], rules.score.decimals.to_string(), "得分小数位".into(), "位", "得分保留的小数位数（四舍五入）", "score.decimals".into())}
                {groups}
                {bands}
            </div>
            <table class="items">
                <thead><tr><th scope="col">"项目"</th><th scope="col">"指标"</th><th scope="col">"参数"</th></tr></thead>
                <tbody>{items}</tbody>
            </table>
            {(!rules.assumptions.is_empty()).then(|| view! {
                <details open=true><summary>"规则说明（假设与未计入的部分）"</summary>
                    <ul>{rules.assumptions.iter().map(|a| view! { <li>{a.clone()}</li> }).collect_view()}</ul>
                </details>
            })}
        </div>
    }
}
