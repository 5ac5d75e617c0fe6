//! The messages between the page and its workers: the `{msg: JSON}` envelope every message
//! travels in, and where the worker script is. The message types themselves are their
//! modules' ([`crate::worker`], [`crate::helper`]).

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// Where Trunk puts the worker's loader (`data-loader-shim` on the worker link in index.html).
pub const WORKER_URL: &str = "./worker_loader.js";

/// The message envelope both workers use: `{msg: JSON}`, other fields beside it.
pub fn encode(msg: &impl Serialize) -> JsValue {
    let obj = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&obj, &"msg".into(), &serde_json::to_string(msg).unwrap_or_default().into());
    obj.into()
}

pub fn decode<T: for<'de> Deserialize<'de>>(data: &JsValue) -> Option<T> {
    let text = js_sys::Reflect::get(data, &"msg".into()).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}
