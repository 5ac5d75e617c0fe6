//! 考评得分: per group, the score table the rules in force give.

use crate::state::use_state;
use crate::tables::score_table;
use crate::views::table::DataTable;
use hotline_engine::score::Scores;
use leptos::prelude::*;

/// Per group: rank, unit, 总工单数, every item's points, total, grade; unscored units with reason.
#[component]
pub fn ScoreTables() -> impl IntoView {
    let state = use_state();
    move || {
        state.scores.with(|s| {
            let scores: &Scores = s.as_ref()?;
            let ms = state.score_ms.get().unwrap_or(0.0);
            let mut facts: Vec<String> = scores.unscored_mean.iter().map(|m| format!("无工单单位取平均分 {m}")).collect();
            facts.extend(scores.score_counts.iter().map(|(x, n)| format!("{x}分以上 {n} 家")));
            let facts = facts.join("；");
            Some(view! {
                <section class="scores" id="scores">
                    <h2>{scores.rules.clone()} " · 考评得分"</h2>
                    <p class="muted">
                        <span class="no-print">"重新计分用时 " <span id="score-ms">{format!("{ms:.1}")}</span> " 毫秒（由各单位汇总数据计算，不重读工单）" {(!facts.is_empty()).then_some("；")}</span>
                        {facts}
                    </p>
                    {(!scores.conflicts.is_empty()).then(|| view! {
                        <div class="error">"分组冲突：" <ul>{scores.conflicts.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul></div>
                    })}
                    {scores.groups.iter().filter(|g| !g.rows.is_empty() || !g.unscored.is_empty()).map(|g| {
                        let title = format!("{}{}", g.name, g.subgroup_of.as_ref().map(|p| format!("（{p}）")).unwrap_or_default());
                        let full = g.full_score.to_string();
                        // Points are summed to the group's full score, which is not always 100.
                        let note = (full != "100").then(|| format!("本组满分 {full} 分（不是 100 分）：得分只含本规则计入的项目，未计入的部分见“规则”视图中的规则说明。"));
                        let table = score_table(g);
                        view! {
                            <h3>{title.clone()} "（满分 " {full.clone()} "）"</h3>
                            {note.map(|n| view! { <p class="muted full-score-note">{n}</p> })}
                            <DataTable class="score-table" name=format!("考评得分 {title}") table=Signal::stored(table)/>
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
