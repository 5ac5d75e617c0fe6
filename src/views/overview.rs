//! 概览: the city's figures (全部, 市派, 省派, with their changes) and the shares.

use crate::model::change_text;
use crate::state::use_state;
use hotline_engine::count::catalogue::Figures;
use hotline_engine::count::catalogue::{Indicator, Measure, View};
use leptos::prelude::*;

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
pub fn Overview() -> impl IntoView {
    let state = use_state();
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
pub fn Shares() -> impl IntoView {
    let state = use_state();
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
