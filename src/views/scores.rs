//! 考评得分: per group, the score table the rules in force give.

use crate::state::use_state;
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
