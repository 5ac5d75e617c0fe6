//! 概览: the city's figures (全部, 市派, 省派, with their changes) and the shares.

use crate::state::use_state;
use crate::table::Table;
use crate::tables::{hot_topic_table, overview_table, share_table};
use crate::views::table::DataTable;
use leptos::prelude::*;

#[component]
pub fn Overview() -> impl IntoView {
    let state = use_state();
    let table = Memo::new(move |_| {
        state
            .report
            .with(|r| r.as_ref().and_then(|r| r.city.as_ref()).map(overview_table).unwrap_or_default())
    });
    let label =
        move || state.report.with(|r| r.as_ref().and_then(|r| r.period.as_ref()).map(|p| p.label.clone()));
    let note = move || {
        state.report.with(|r| r.as_ref().and_then(|r| r.city.as_ref()).and_then(|c| c.changes_note.clone()))
    };
    let has_city = move || state.report.with(|r| r.as_ref().is_some_and(|r| r.city.is_some()));
    view! {
        <Show when=has_city>
            <section class="overview" id="overview" aria-labelledby="overview-title">
                <h2 id="overview-title">{label} " 全市概况"</h2>
                {move || note().map(|n| view! { <p class="muted" id="changes-note">"环比：" {n}</p> })}
                <DataTable id="overview-table" name=Signal::derive(move || format!("{} 全市概况", label().unwrap_or_default()))
                    table=table no_filter=true/>
            </section>
        </Show>
    }
}

#[component]
pub fn Shares() -> impl IntoView {
    let state = use_state();
    let with_report = move |f: fn(&hotline_engine::report::Report) -> Table| {
        Memo::new(move |_| state.report.with(|r| r.as_ref().map(f).unwrap_or_default()))
    };
    let channels = with_report(|r| share_table("来源渠道", &r.channels));
    let kinds = with_report(|r| share_table("诉求类型", &r.kinds));
    let topics = with_report(|r| hot_topic_table(&r.hot_topics));
    let has_report = move || state.report.with(Option::is_some);
    view! {
        <Show when=has_report>
            <section class="shares" id="shares" aria-labelledby="shares-title">
                <h2 id="shares-title">"来源渠道与诉求类型（占受理量）"</h2>
                <div class="share-row">
                    <div class="share">
                        <h3>"来源渠道"</h3>
                        <DataTable id="channel-table" name="来源渠道" table=channels no_filter=true/>
                    </div>
                    <div class="share">
                        <h3>"诉求类型"</h3>
                        <DataTable id="kind-table" name="诉求类型" table=kinds no_filter=true/>
                    </div>
                </div>
                <h3>"高发问题（各渠道前 5 位）"</h3>
                <DataTable id="hot-topics" name="高发问题" table=topics no_filter=true/>
            </section>
        </Show>
    }
}
