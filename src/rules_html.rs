//! The rules in force as a form (their numbers as inputs), as HTML made in the worker: the page
//! places it and answers its changes by delegation (each input names its field in `data-field`,
//! `items.0.weight`), so the page's wasm carries none of this. Pure, so tested natively.
//!
//! ```
//! let rules = hotline_engine::score::presets::preset("lyg2021").unwrap();
//! let html = hotline_web::rules_html::form(&rules);
//! assert!(html.contains(r#"data-field="items.0.reference""#));
//! assert!(html.contains(r#"data-field="unscored.no_due""#));
//! ```

use crate::audit_html::esc;
use hotline_engine::count::catalogue::Indicator;
use hotline_engine::score::rules::{Item, RateAs, RuleSet, UnscoredRule};
use std::fmt::Write;

/// A rule field's label, unit and help, in Chinese (the file's own key stays in `data-field`
/// and in the error messages, which name the file's fields).
fn field_text(item: &Item, field: &str) -> (&'static str, &'static str, &'static str) {
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

/// One number: its label, input (`data-field`), its printed value and unit.
fn number(out: &mut String, field: &str, current: &str, label: &str, unit: &str, help: &str) {
    let id = format!("rule-{}", field.replace('.', "-"));
    let printed = if current.is_empty() { "—" } else { current };
    let _ = write!(
        out,
        r#"<span class="field"><label for="{id}">{}</label><input type="text" inputmode="decimal" size="6" id="{id}" class="no-print" data-field="{}" value="{}" title="{}"><span class="print-only">{}</span>"#,
        esc(label),
        esc(field),
        esc(current),
        esc(help),
        esc(printed)
    );
    if !unit.is_empty() {
        let _ = write!(out, r#"<span class="unit">{}</span>"#, esc(unit));
    }
    out.push_str("</span>");
}

/// The choice for units without tickets (or without tickets due).
fn unscored(out: &mut String, key: &str, label: &str, current: UnscoredRule) {
    let options = [
        (UnscoredRule::List, "list", "列出，不计分"),
        (UnscoredRule::Mean, "mean", "取平均分"),
        (UnscoredRule::Full, "full", "计满分"),
    ];
    let _ = write!(
        out,
        r#"<span class="field"><label for="rule-unscored-{key}">{label}</label><select id="rule-unscored-{key}" class="no-print" data-field="unscored.{key}">"#
    );
    for (v, code, text) in options {
        let selected = if v == current { " selected" } else { "" };
        let _ = write!(out, r#"<option value="{code}"{selected}>{text}</option>"#);
    }
    let chosen = options.iter().find(|(v, _, _)| *v == current).map_or("", |(_, _, t)| *t);
    let _ = write!(out, r#"</select><span class="print-only">{chosen}</span></span>"#);
}

/// The form of `rules`: the choices for units without tickets, the base, decimals, groups' full
/// scores and grade bands, then each item's numbers, then the rules' assumptions.
pub fn form(rules: &RuleSet) -> String {
    let value = serde_json::to_value(rules).unwrap_or_default();
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let mut out = String::from(r#"<div class="rules-form">"#);
    let _ = write!(out, r#"<p class="muted">{}</p><div>"#, esc(&rules.source));
    unscored(&mut out, "no_tickets", "本月无工单：", rules.unscored.no_tickets);
    unscored(&mut out, "no_due", "无应办结工单：", rules.unscored.no_due);
    out.push_str("</div><div>");
    let base = rules.score.base.0.to_string();
    number(&mut out, "score.base", &base, "基础分", "分", "各项得分在此基础上加减；0 为各项相加");
    let decimals = rules.score.decimals.to_string();
    number(&mut out, "score.decimals", &decimals, "得分小数位", "位", "得分保留的小数位数（四舍五入）");
    for (i, g) in rules.groups.iter().enumerate() {
        let label = format!("{} 满分", g.name);
        number(
            &mut out,
            &format!("groups.{i}.full_score"),
            &g.full_score.0.to_string(),
            &label,
            "分",
            "该组单位的满分",
        );
    }
    for (i, b) in rules.grades.iter().flat_map(|g| g.bands.iter()).enumerate() {
        let label = format!("等级“{}”下限", b.label);
        number(
            &mut out,
            &format!("grades.bands.{i}.min"),
            &b.min.0.to_string(),
            &label,
            "分",
            "得分达到此值即评为该等级",
        );
    }
    out.push_str(r#"</div><table class="items"><thead><tr><th scope="col">项目</th><th scope="col">指标</th><th scope="col">参数</th></tr></thead><tbody>"#);
    for (i, item) in rules.items.iter().enumerate() {
        let fields: &[&str] = match item {
            Item::Weighted { .. } | Item::RateGap { .. } => &["weight"],
            Item::Threshold { .. } => &["full", "threshold", "per_point"],
            Item::PerTicket { .. } => &["per_ticket", "cap"],
            Item::VolumeBonus { .. } => &["reference", "per_ticket", "cap"],
            Item::Steps { .. } => &[],
            Item::Adjustment { .. } => &["min", "max"],
        };
        let indicator = item
            .indicator()
            .map(|k| Indicator::from_key(k).map_or_else(|| k.to_string(), |i| i.label_zh().to_string()))
            .unwrap_or_else(|| "加减分文件".to_string());
        let _ = write!(
            out,
            r#"<tr><th scope="row">{}</th><td>{}</td><td class="fields">"#,
            esc(item.name()),
            esc(&indicator)
        );
        for f in fields {
            let (label, unit, help) = field_text(item, f);
            number(&mut out, &format!("items.{i}.{f}"), &show(&value["items"][i][*f]), label, unit, help);
        }
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table>");
    if !rules.assumptions.is_empty() {
        out.push_str("<details open><summary>规则说明（假设与未计入的部分）</summary><ul>");
        for a in &rules.assumptions {
            let _ = write!(out, "<li>{}</li>", esc(a));
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</div>");
    out
}

/// The rule file `json` with `value` at the form's `field` (`items.0.weight`): a number stays a
/// number (decimals are integers), an emptied optional field is none, anything else goes in as
/// text so the parser names the field that is not a number.
pub fn set_field(json: &str, field: &str, value: &str) -> String {
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(json) else { return json.to_string() };
    let mut at = &mut v;
    for step in field.split('.') {
        at = match step.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[step],
        };
    }
    let trimmed = value.trim();
    *at = match serde_json::from_str::<serde_json::Value>(trimmed) {
        _ if trimmed.is_empty() => serde_json::Value::Null,
        Ok(n @ serde_json::Value::Number(_)) => n,
        _ => serde_json::Value::String(value.to_string()),
    };
    v.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_number_is_a_field_with_its_value() {
        for (id, json) in hotline_engine::score::presets::PRESETS {
            let rules = RuleSet::parse(json).unwrap();
            let html = form(&rules);
            assert!(
                html.contains(&format!(r#"data-field="score.decimals" value="{}""#, rules.score.decimals)),
                "{id}"
            );
            for (i, g) in rules.groups.iter().enumerate() {
                assert!(
                    html.contains(&format!(
                        r#"data-field="groups.{i}.full_score" value="{}""#,
                        g.full_score.0
                    )),
                    "{id}"
                );
            }
            assert_eq!(html.matches("<tr>").count(), rules.items.len() + 1, "{id}: a row per item");
            assert!(!html.contains("<script"), "{id}");
        }
    }

    #[test]
    fn a_field_edit_sets_one_number() {
        let rules = hotline_engine::score::presets::preset("lyg2021").unwrap();
        let json = serde_json::to_string(&rules).unwrap();
        let edited = RuleSet::parse(&set_field(&json, "score.decimals", " 3 ")).unwrap();
        assert_eq!(edited.score.decimals, 3);
        assert_eq!(RuleSet { score: rules.score.clone(), ..edited.clone() }, rules, "nothing else changed");
        let empty: serde_json::Value = serde_json::from_str(&set_field(&json, "items.0.cap", "")).unwrap();
        assert!(empty["items"][0]["cap"].is_null());
        assert!(
            RuleSet::parse(&set_field(&json, "score.decimals", "x")).is_err(),
            "a word is refused by the parser"
        );
    }

    #[test]
    fn names_are_escaped() {
        let json = hotline_engine::score::presets::PRESETS[0].1.replace("按期结案率", "<b>率&</b>");
        let html = form(&RuleSet::parse(&json).unwrap());
        assert!(html.contains("&lt;b&gt;率&amp;&lt;/b&gt;") && !html.contains("<b>率"));
    }
}
