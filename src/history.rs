//! The page's address: the one place that reads and writes it. The view state lives in the
//! fragment ([`crate::route::Link`]) and changes through the History API with fragment-only URLs
//! resolved against `location.href`: that works on a page opened from a file and in Firefox's
//! null origin, where a router's path changes fail. Moving between views adds a history entry
//! (back and forward step through them); any other change replaces the current one.

use leptos::prelude::window;

/// The fragment, without its `#`.
pub fn fragment() -> String {
    window().location().hash().unwrap_or_default().trim_start_matches('#').to_string()
}

/// The query, without its `?`.
pub fn query() -> String {
    window().location().search().unwrap_or_default().trim_start_matches('?').to_string()
}

/// The whole address, as a link to this screen.
pub fn href() -> String {
    window().location().href().unwrap_or_default()
}

/// Whether the page was opened from a file (`file://`): it cannot fetch files beside it.
pub fn from_file() -> bool {
    window().location().protocol().is_ok_and(|p| p == "file:")
}

/// Shows `fragment` in the address bar: a new history entry (`push`) or in place of this one.
pub fn set_fragment(fragment: &str, push: bool) {
    let Ok(history) = window().history() else { return };
    let url = format!("#{fragment}");
    let _ = if push {
        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    };
}

/// `path` resolved against the page's address (`months/a.csv` → `http://host/app/months/a.csv`).
pub fn resolve(path: &str) -> Option<String> {
    web_sys::Url::new_with_base(path, &href()).ok().map(|u| u.href())
}

/// Puts `text` on the clipboard; `false` where the browser refuses (no secure context).
pub async fn copy(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text)).await.is_ok()
}
