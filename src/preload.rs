//! A link's query: the months, unit registry, adjustments and rule file it names, fetched from
//! beside the page (same origin, the page's folder or below; [`crate::share::data_path`]) and
//! read as if the user had chosen them. What cannot be fetched is said on the page.

use crate::browser;
use crate::history;
use crate::load;
use crate::protocol::SideKind;
use crate::share::{same_folder, Preload};
use crate::state::{Stage, State};
use hotline_engine::score::rules::RuleSet;
use leptos::prelude::*;
use web_sys::Blob;

/// A file of the link, fetched: its blob, or why not (said on the page).
async fn fetch(key: &str, path: &str) -> Result<Blob, String> {
    let refused = |why: String| format!("链接参数“{key}={path}”未采用：{why}");
    let url = history::resolve(path).ok_or_else(|| refused("不是有效的路径".into()))?;
    // After the browser resolved it: the same origin and folder, whatever the path said.
    if !same_folder(&history::href(), &url) {
        return Err(refused("只能载入与本页同一网站、同一目录下的文件".into()));
    }
    load::fetch_blob(&url).await.map_err(|e| refused(format!("无法载入（{}）", e.message())))
}

/// Loads what the query names: the side files and the rules first, so the months are counted
/// with them; the rule file only when the fragment names no rules (`rules_wanted`).
pub async fn preload(state: State, p: Preload, rules_wanted: bool) {
    let problem = move |why: String| state.link_problems.update(|l| l.push(why));
    if history::from_file() {
        problem(
            "此链接要载入与本页同放的文件，须从网站打开本页（http:// 或 https://）：从本机文件打开的页面不能读取旁边的文件。请在“数据”中选择文件。"
                .into(),
        );
        state.stage.set(Stage::Failed("没有载入链接中的数据：本页是从本机文件打开的".into()));
        return;
    }
    for (key, path, kind) in
        [("units", &p.units, SideKind::Registry), ("adjustments", &p.adjustments, SideKind::Adjustments)]
    {
        let Some(path) = path else { continue };
        match fetch(key, path).await {
            Ok(blob) => {
                state.worker.with_value(|w| w.as_ref().map(|w| w.side_file(&blob, kind)));
            }
            Err(why) => problem(why),
        }
    }
    if let Some(path) = p.rules.as_ref().filter(|_| rules_wanted) {
        match fetch("rules", path).await {
            Ok(blob) => match browser::read_range(&blob, 0.0, blob.size()).await {
                Ok(bytes) => {
                    let json = String::from_utf8_lossy(&bytes).into_owned();
                    match RuleSet::parse_valid(&json) {
                        Some(rules) => {
                            state.rules_preset.set(None);
                            state.rules_from_link.set(true);
                            state.use_rules(Some(rules));
                        }
                        None => {
                            problem(format!("链接中的规则文件“{path}”有问题，未采用：详见“规则”视图"));
                            state.worker.with_value(|w| w.as_ref().map(|w| w.explain_rules(json)));
                        }
                    }
                }
                Err(e) => problem(format!("链接中的规则文件“{path}”无法读取：{}", e.message())),
            },
            Err(why) => problem(why),
        }
    }
    let mut files = Vec::new();
    for path in &p.data {
        match fetch("data", path).await {
            Ok(blob) => files.push((path.rsplit('/').next().unwrap_or(path).to_string(), blob)),
            Err(why) => problem(why),
        }
    }
    match files.len() {
        0 if p.asked_data => state
            .stage
            .set(Stage::Failed("链接中的数据文件都未能载入（原因见上方）：可在“数据”中选择文件".into())),
        0 => {}
        1 => {
            let (name, blob) = files.remove(0);
            state.open(name, blob, None, "链接载入".into());
        }
        _ => state.open_many(files),
    }
}
