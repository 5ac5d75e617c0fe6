//! What a share link carries besides the view: a rule file packed into the fragment, and the
//! files the query asks the page to load from beside it (docs/share-links.md). Pure, so tested
//! natively and fuzzed (fuzz/src/link.rs).
//!
//! ```
//! use hotline_web::share::{pack_rules, unpack_rules, data_path};
//! let json = r#"{"name":"某市 2026"}"#;
//! assert_eq!(unpack_rules(&pack_rules(json)).unwrap(), json);
//! assert_eq!(data_path("months/2021-02.csv").unwrap(), "months/2021-02.csv");
//! assert!(data_path("../secret.csv").is_err());
//! assert!(data_path("https://elsewhere.example/a.csv").is_err());
//! ```

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hotline_engine::score::rules::RuleSet;

/// The longest link the page offers to share: chat apps and older browsers keep links of this
/// many characters; a rule file that would make the link longer is sent as a file instead.
pub const MAX_LINK_CHARS: usize = 2000;

/// The most a packed rule file may unpack to: a rule file is a few kilobytes, and a link must
/// not make the page inflate a bomb.
pub const MAX_RULES_BYTES: usize = 1 << 20;

/// A rule file's text for the fragment: raw deflate (best), then base64url without padding, so
/// it needs no percent-escaping.
pub fn pack_rules(json: &str) -> String {
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 10))
}

/// The rule file's text from [`pack_rules`]'s form, or why it is not one (in Chinese, for the
/// page).
pub fn unpack_rules(packed: &str) -> Result<String, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(packed.trim_end_matches('='))
        .map_err(|_| "不是有效的 base64url 文本（链接可能被截断或改动）".to_string())?;
    let raw =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_RULES_BYTES).map_err(|e| {
            match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                    format!("解压后超过 {} KB，不是规则文件", MAX_RULES_BYTES / 1024)
                }
                _ => "无法解压（链接可能被截断或改动）".to_string(),
            }
        })?;
    String::from_utf8(raw).map_err(|_| "解压后不是 UTF-8 文本".to_string())
}

/// The rules for a link: when they are a preset with some numbers changed, only the changes
/// (`{"$preset":"lyg2021","set":[[["items",0,"points"],25],…]}`), which fit in a link where the
/// whole file would not; else the whole rule file (compact JSON). Then [`pack_rules`].
pub fn pack_rule_set(rules: &RuleSet) -> String {
    let Ok(value) = serde_json::to_value(rules) else { return String::new() };
    let mut best = serde_json::to_string(rules).unwrap_or_default();
    for (id, json) in hotline_engine::score::presets::PRESETS {
        let Some(preset) = RuleSet::parse_valid(json) else { continue };
        let Ok(base) = serde_json::to_value(&preset) else { continue };
        let mut set = Vec::new();
        changes(&base, &value, &mut Vec::new(), &mut set);
        let patch = serde_json::json!({ "$preset": id, "set": set.into_iter().map(|(p, v)| serde_json::json!([p, v])).collect::<Vec<_>>() });
        let patch = patch.to_string();
        if patch.len() < best.len() {
            best = patch;
        }
    }
    pack_rules(&best)
}

/// The rules [`pack_rule_set`] packed, or every reason they are not rules (in Chinese).
pub fn unpack_rule_set(packed: &str) -> Result<RuleSet, Vec<String>> {
    let text = unpack_rules(packed).map_err(|e| vec![e])?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| vec![format!("不是 JSON：{e}")])?;
    let file = match value.get("$preset") {
        None => text,
        Some(id) => {
            let id = id.as_str().unwrap_or_default();
            let json = hotline_engine::score::presets::PRESETS
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, j)| *j)
                .ok_or_else(|| vec![format!("链接中的规则基于预设“{id}”，本版本没有这个预设")])?;
            let mut base = RuleSet::parse_valid(json)
                .and_then(|r| serde_json::to_value(r).ok())
                .ok_or_else(|| vec!["预设规则无法读取".to_string()])?;
            for change in value.get("set").and_then(|s| s.as_array()).into_iter().flatten() {
                let (Some(path), Some(v)) = (change.get(0).and_then(|p| p.as_array()), change.get(1)) else {
                    return Err(vec!["规则改动的格式不对".into()]);
                };
                *at_path(&mut base, path)
                    .ok_or_else(|| vec!["规则改动指向预设中没有的位置".to_string()])? = v.clone();
            }
            base.to_string()
        }
    };
    RuleSet::parse_all(&file).map_err(|all| all.iter().map(ToString::to_string).collect())
}

/// Every leaf where `b` differs from `a`, by its path; a changed shape (an object's keys, an
/// array's length) is one change of the whole.
fn changes(
    a: &serde_json::Value,
    b: &serde_json::Value,
    path: &mut Vec<serde_json::Value>,
    out: &mut Vec<(Vec<serde_json::Value>, serde_json::Value)>,
) {
    use serde_json::Value;
    match (a, b) {
        _ if a == b => {}
        (Value::Object(x), Value::Object(y)) if x.len() == y.len() && x.keys().all(|k| y.contains_key(k)) => {
            for (k, v) in y {
                path.push(Value::String(k.clone()));
                changes(&x[k], v, path, out);
                path.pop();
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                path.push(Value::from(i));
                changes(v, w, path, out);
                path.pop();
            }
        }
        _ => out.push((path.clone(), b.clone())),
    }
}

/// The value at `path` (keys and indices) inside `v`, where there is one.
fn at_path<'a>(
    v: &'a mut serde_json::Value,
    path: &[serde_json::Value],
) -> Option<&'a mut serde_json::Value> {
    path.iter().try_fold(v, |at, step| match step {
        serde_json::Value::String(k) => at.as_object_mut()?.get_mut(k),
        serde_json::Value::Number(n) => at.as_array_mut()?.get_mut(usize::try_from(n.as_u64()?).ok()?),
        _ => None,
    })
}

/// A file named in the query (`?data=months/2021-02.csv`), checked to lie in the app's own
/// folder or below: a relative path of plain segments. Anything else is refused with the
/// reason: another origin (`https://…`, `//host/…`), an absolute path, a segment `..` (also
/// percent-escaped), a backslash, a query or fragment of its own. The page resolves what passes
/// against its own address and checks the origin and folder again before fetching.
pub fn data_path(value: &str) -> Result<String, String> {
    let decoded = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
    let path = decoded.trim();
    if path.is_empty() {
        return Err("没有给出文件路径".into());
    }
    if path.contains("://") || path.starts_with("//") || path.contains(':') {
        return Err("只能载入与本页同一网站、同一目录下的文件，不能载入其他网站的文件".into());
    }
    if path.starts_with('/') {
        return Err("只能用相对于本页的路径（如 months/2021-02.csv），不能以 / 开头".into());
    }
    if path.contains('\\') {
        return Err("路径中不能有反斜杠 \\".into());
    }
    if path.contains(['?', '#']) {
        return Err("路径中不能有 ? 或 #".into());
    }
    // Decoded once here; a `%` left would be decoded again when the browser resolves the path
    // (`%252e%252e` → `%2e%2e` → `..`).
    if path.contains('%') {
        return Err("路径中不能有 %（链接中的路径只编码一次）".into());
    }
    if path.chars().any(char::is_control) {
        return Err("路径中有控制字符".into());
    }
    for segment in path.split('/') {
        match segment {
            "" => return Err("路径中有空的一段（//）".into()),
            "." | ".." => return Err("路径不能离开本页所在的目录（含 . 或 ..）".into()),
            _ => {}
        }
    }
    Ok(path.to_string())
}

/// What a link's query asks the page to load from beside it (docs/share-links.md).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preload {
    /// Ticket files (`data=`, one or more, combined in this order), each a checked [`data_path`].
    pub data: Vec<String>,
    /// A unit registry (`units=`).
    pub units: Option<String>,
    /// An adjustments file (`adjustments=`).
    pub adjustments: Option<String>,
    /// A rule file (`rules=`).
    pub rules: Option<String>,
    /// Some `data=` was given (even if every one was refused): the sample month is not loaded.
    pub asked_data: bool,
}

impl Preload {
    pub fn is_empty(&self) -> bool {
        *self == Preload::default()
    }

    /// Reads a query (with or without its `?`): the files it names, and every parameter refused
    /// (`key=value`, why). `readers` and `stream` are the page's own test switches.
    pub fn parse(query: &str) -> (Preload, Vec<(String, String)>) {
        let mut p = Preload::default();
        let mut problems = Vec::new();
        for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let shown = percent_encoding::percent_decode_str(raw)
                .decode_utf8_lossy()
                .chars()
                .take(80)
                .collect::<String>();
            let param = format!("{key}={shown}");
            p.asked_data |= key == "data";
            let slot = match key {
                "data" | "units" | "adjustments" | "rules" => key,
                "readers" | "stream" => continue,
                _ => {
                    problems.push((param, "本页链接没有这个参数".to_string()));
                    continue;
                }
            };
            match data_path(raw) {
                Ok(path) => match slot {
                    "data" => p.data.push(path),
                    "units" => p.units = Some(path),
                    "adjustments" => p.adjustments = Some(path),
                    _ => p.rules = Some(path),
                },
                Err(why) => problems.push((param, why)),
            }
        }
        (p, problems)
    }
}

/// Whether the resolved address `url` (of a file asked for by the page at `page`) is on the
/// page's origin and in its folder or below: the check after the browser resolved the path,
/// against anything [`data_path`] let through. Both are absolute URLs (`http://host/dir/x`).
pub fn same_folder(page: &str, url: &str) -> bool {
    let folder = |u: &str| -> Option<String> {
        let rest = u.split_once("://")?.1;
        let rest = rest.split(['?', '#']).next()?;
        let cut = rest.rfind('/')?;
        Some(rest[..=cut].to_string())
    };
    let (Some(base), Some(_)) = (folder(page), folder(url)) else { return false };
    let scheme = |u: &str| u.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    scheme(page) == scheme(url)
        && url
            .split_once("://")
            .is_some_and(|(_, rest)| rest.split(['?', '#']).next().is_some_and(|r| r.starts_with(&base)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_files_travel_inside_a_link() {
        for (id, json) in hotline_engine::score::presets::PRESETS {
            let packed = pack_rules(json);
            assert_eq!(unpack_rules(&packed).as_deref(), Ok(*json), "{id}");
            assert!(packed.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{id}");
            // A preset with numbers changed travels as its changes: short, and the same rules.
            let mut edited = RuleSet::parse_valid(json).unwrap();
            edited.name = format!("基于 {} 修改", edited.name);
            let mut v = serde_json::to_value(&edited).unwrap();
            v["items"][0]["name"] = serde_json::json!("改过名称的项目");
            let edited = RuleSet::parse(&v.to_string()).unwrap();
            let packed = pack_rule_set(&edited);
            assert!(packed.len() < 300, "{id}: {} chars", packed.len());
            assert_eq!(unpack_rule_set(&packed), Ok(edited), "{id}");
        }
        // A rule file of its own travels whole.
        let own =
            RuleSet::parse(&hotline_engine::score::presets::PRESETS[0].1.replace("连云港", "某市")).unwrap();
        let packed = pack_rule_set(&own);
        assert_eq!(unpack_rule_set(&packed), Ok(own));
    }

    #[test]
    fn broken_packs_are_refused_with_a_reason() {
        let good = pack_rules(r#"{"name":"x"}"#);
        for (bad, says) in [
            ("!!!!", "base64url"),
            ("AAAA", "解压"),
            (&good[..good.len() - 3], "解压"),
            (&URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&[0xff, 0xfe], 6)), "UTF-8"),
        ] {
            let e = unpack_rules(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
        let bomb = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&vec![b' '; 3 << 20], 10));
        assert!(bomb.len() < 10_000);
        assert!(unpack_rules(&bomb).unwrap_err().contains("KB"));
        let patch = |p: &str| pack_rules(p);
        for (bad, says) in [
            (patch("not json"), "JSON"),
            (patch(r#"{"$preset":"nocity","set":[]}"#), "nocity"),
            (patch(r#"{"$preset":"lyg2021","set":[[["nowhere"],1]]}"#), "没有的位置"),
            (patch(r#"{"$preset":"lyg2021","set":[1]}"#), "格式"),
            (patch(r#"{"$preset":"lyg2021","set":[[["items",0,"name"],5]]}"#), "name"),
            (patch(r#"{"name":"x"}"#), ""),
        ] {
            let e = unpack_rule_set(&bad).unwrap_err();
            assert!(e.iter().any(|e| e.contains(says)), "{says}: {e:?}");
        }
    }

    #[test]
    fn only_paths_in_the_apps_folder_are_loaded() {
        for ok in ["sample.csv", "months/2021-02.csv", "a%20b.csv", "月度/2021年2月.csv", "x..y.csv"] {
            assert!(data_path(ok).is_ok(), "{ok}");
        }
        for (bad, says) in [
            ("", "没有"),
            ("https://evil.example/a.csv", "其他网站"),
            ("//evil.example/a.csv", "其他网站"),
            ("javascript:alert(1)", "其他网站"),
            ("data:text/csv,a", "其他网站"),
            ("/etc/passwd", "/ 开头"),
            ("../a.csv", "离开"),
            ("months/../../a.csv", "离开"),
            ("%2e%2e/a.csv", "离开"),
            ("./a.csv", "离开"),
            ("a\\..\\b.csv", "反斜杠"),
            ("a.csv?x=1", "?"),
            ("a//b.csv", "空的一段"),
            ("%252e%252e/a.csv", "%"),
            ("100%25.csv", "%"),
        ] {
            let e = data_path(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn the_query_names_files_beside_the_page() {
        let (p, problems) =
            Preload::parse("?data=months/2021-01.csv&data=months%2F2021-02.csv&units=units.csv&adjustments=adj.csv&rules=rules/mine.json&stream=1");
        assert_eq!(p.data, ["months/2021-01.csv", "months/2021-02.csv"]);
        assert_eq!(
            (p.units.as_deref(), p.adjustments.as_deref(), p.rules.as_deref()),
            (Some("units.csv"), Some("adj.csv"), Some("rules/mine.json"))
        );
        assert!(problems.is_empty(), "{problems:?}");
        let (p, problems) =
            Preload::parse("data=https://evil.example/a.csv&data=..%2Fa.csv&rules=&x=1&data=ok.csv");
        assert_eq!(p.data, ["ok.csv"]);
        assert!(p.asked_data);
        let (p, _) = Preload::parse("data=../a.csv");
        assert!(p.data.is_empty() && p.asked_data && !p.is_empty());
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["data=https://evil.example/a.csv", "data=../a.csv", "rules=", "x=1"]);
        assert!(Preload::parse("").0.is_empty());
    }

    #[test]
    fn resolved_addresses_stay_in_the_folder() {
        let page = "http://127.0.0.1:8080/app/index.html?data=x#view=units";
        assert!(same_folder(page, "http://127.0.0.1:8080/app/months/a.csv"));
        assert!(same_folder("http://h/app/", "http://h/app/a.csv"));
        assert!(!same_folder(page, "http://127.0.0.1:8080/other/a.csv"));
        assert!(!same_folder(page, "http://127.0.0.1:8081/app/a.csv"));
        assert!(!same_folder(page, "https://127.0.0.1:8080/app/a.csv"));
        assert!(!same_folder(page, "http://127.0.0.1:8080.evil/app/a.csv"));
        assert!(!same_folder("not a url", "http://h/a.csv"));
    }
}
