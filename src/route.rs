//! Where the page is, kept in the URL fragment: the view and the unit open ([`Route`]), and the
//! whole screen's state a share link carries ([`Link`]: period, rules, table sorts and filters,
//! language). A fragment, never a path: a page opened from a file cannot change its path, and a
//! fragment is never sent to a server. Pure, so tested natively and fuzzed (fuzz/src/link.rs).
//!
//! ```
//! use hotline_web::route::{Link, Route, ViewId};
//! let r = Route::parse("#view=units&unit=%E6%B5%B7%E5%B7%9E%E5%8C%BA");
//! assert_eq!(r, Route { view: ViewId::Units, unit: Some("海州区".into()) });
//! assert_eq!(Route::parse(&r.to_fragment()), r);
//! let (link, problems) = Link::parse("#view=scores&period=2021-01..2021-03&preset=lyg2021&sort=unit-table:received:desc&x=1");
//! assert_eq!(link.route.view, ViewId::Scores);
//! assert_eq!(link.to_fragment(), "view=scores&period=2021-01..2021-03&preset=lyg2021&sort=unit-table:received:desc");
//! assert_eq!(problems.len(), 1); // x=1: not a key of the page's links
//! ```

use hotline_engine::Period;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The page's views, in the order of the navigation bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ViewId {
    /// 数据: the files read, the period, the reconciliation, the rejected rows.
    Data,
    /// 概览: the city's figures and the shares.
    #[default]
    Overview,
    /// 单位: the unit table and one unit's 扣分工单.
    Units,
    /// 本单位自查: one unit's month, what it loses and what to fix first.
    Audit,
    /// 考评得分: the score tables.
    Scores,
    /// 规则: the rules in force, their form and text.
    Rules,
}

impl ViewId {
    pub const ALL: [ViewId; 6] =
        [ViewId::Data, ViewId::Overview, ViewId::Units, ViewId::Audit, ViewId::Scores, ViewId::Rules];

    /// The key in the fragment (`view=units`) and in element ids (`view-units`).
    pub fn key(self) -> &'static str {
        match self {
            ViewId::Data => "data",
            ViewId::Overview => "overview",
            ViewId::Units => "units",
            ViewId::Audit => "audit",
            ViewId::Scores => "scores",
            ViewId::Rules => "rules",
        }
    }

    /// The name in the navigation bar.
    pub fn label(self) -> &'static str {
        match self {
            ViewId::Data => "数据",
            ViewId::Overview => "概览",
            ViewId::Units => "单位",
            ViewId::Audit => "本单位自查",
            ViewId::Scores => "考评得分",
            ViewId::Rules => "规则",
        }
    }

    pub fn from_key(key: &str) -> Option<ViewId> {
        ViewId::ALL.into_iter().find(|v| v.key() == key)
    }
}

/// The view and the unit opened in it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Route {
    pub view: ViewId,
    /// The unit (承办单位 or member unit) open: its 扣分工单 in the 单位 view, its self-audit in
    /// the 本单位自查 view.
    pub unit: Option<String>,
}

/// What a value in the fragment escapes: all but letters and digits, and `-_.~`.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

impl Route {
    /// The view and unit of a fragment (with or without its `#`), as [`Link::parse`] reads them:
    /// unknown keys and views are left out, so an old or mistyped link opens on the overview.
    pub fn parse(fragment: &str) -> Route {
        Link::parse(fragment).0.route
    }

    /// The fragment, without its `#`: `view=…`, then `unit=…` when a unit is open.
    pub fn to_fragment(&self) -> String {
        let mut out = format!("view={}", self.view.key());
        if let Some(unit) = &self.unit {
            out.push_str("&unit=");
            out.extend(utf8_percent_encode(unit, VALUE));
        }
        out
    }
}

/// The rules a link names: a preset by its id, or a whole rule file packed into the link
/// ([`crate::share::pack_rules`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkRules {
    Preset(String),
    Packed(String),
}

/// How one table is shown: its sort (a column key and which way) and its filter text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableView {
    pub sort: Option<(String, bool)>,
    pub filter: String,
}

/// A parameter of a link the page did not use, and why (shown on the page, never a blank page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkProblem {
    /// `key=value` as the link has it (decoded).
    pub param: String,
    pub reason: String,
}

impl std::fmt::Display for LinkProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "链接参数“{}”未采用：{}", self.param, self.reason)
    }
}

/// Everything the fragment says (docs/share-links.md): what copying the address reproduces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    pub route: Route,
    /// The period; `None`: the file's default month.
    pub period: Option<Period>,
    /// The rules; `None`: whatever is in force (none on a fresh page).
    pub rules: Option<LinkRules>,
    /// Tables by their element id (`unit-table`), in id order, only those not shown as they
    /// start. (A list, not a map: the page's bundle carries no tree map.)
    pub tables: Vec<(String, TableView)>,
    /// The interface language (`zh`, the only one yet); `None`: the device's choice.
    pub lang: Option<String>,
}

/// The interface languages a link may ask for.
pub const LANGUAGES: [&str; 1] = ["zh"];

/// Splits `table:rest` where a table id is letters, digits and `-`.
fn table_and(value: &str) -> Option<(&str, &str)> {
    let (table, rest) = value.split_once(':')?;
    (!table.is_empty() && table.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .then_some((table, rest))
}

fn encode(value: &str) -> String {
    utf8_percent_encode(value, VALUE).to_string()
}

impl Link {
    /// How the table `id` is shown, when the link says.
    pub fn table(&self, id: &str) -> Option<&TableView> {
        self.tables.iter().find(|(t, _)| t == id).map(|(_, v)| v)
    }

    /// The entry of table `id`, made (in id order) when missing.
    fn table_mut(&mut self, id: &str) -> &mut TableView {
        let at = match self.tables.binary_search_by(|(t, _)| t.as_str().cmp(id)) {
            Ok(at) => at,
            Err(at) => {
                self.tables.insert(at, (id.to_string(), TableView::default()));
                at
            }
        };
        &mut self.tables[at].1
    }

    /// Reads a fragment: what it says, and every parameter it could not use (each ignored).
    pub fn parse(fragment: &str) -> (Link, Vec<LinkProblem>) {
        let mut link = Link::default();
        let mut problems = Vec::new();
        let fragment = fragment.trim_start_matches('#');
        for pair in fragment.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode_str(raw).decode_utf8_lossy().into_owned();
            let mut refuse = |reason: &str| {
                let shown: String = value.chars().take(80).collect();
                let more = if value.chars().count() > 80 { "…" } else { "" };
                problems
                    .push(LinkProblem { param: format!("{key}={shown}{more}"), reason: reason.to_string() });
            };
            match key {
                "view" => match ViewId::from_key(&value) {
                    Some(v) => link.route.view = v,
                    None => refuse("没有这个视图（可用：data、overview、units、audit、scores、rules）"),
                },
                "unit" if value.trim().is_empty() => refuse("单位名称为空"),
                "unit" => link.route.unit = Some(value),
                "period" => match Period::parse(&value) {
                    Ok(p) => link.period = Some(p),
                    Err(_) => refuse("不是期间（如 2021-02，或 2021-01..2021-03）"),
                },
                "preset" => {
                    match hotline_engine::score::presets::PRESET_NAMES.iter().find(|(id, _)| *id == value) {
                        Some((id, _)) => link.rules = Some(LinkRules::Preset(id.to_string())),
                        None => refuse("没有这个预设规则"),
                    }
                }
                "rules"
                    if value.is_empty()
                        || !value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
                {
                    refuse("规则内容不是 base64url 文本（链接可能被截断或改动）")
                }
                "rules" => link.rules = Some(LinkRules::Packed(value)),
                "sort" => {
                    let parsed = table_and(&value).and_then(|(table, rest)| {
                        let (column, way) = rest.rsplit_once(':')?;
                        let descending = match way {
                            "asc" => false,
                            "desc" => true,
                            _ => return None,
                        };
                        (!column.is_empty()).then(|| (table.to_string(), column.to_string(), descending))
                    });
                    match parsed {
                        Some((table, column, d)) => link.table_mut(&table).sort = Some((column, d)),
                        None => refuse("排序应写成 表格:列:asc 或 表格:列:desc"),
                    }
                }
                "filter" => match table_and(&value) {
                    Some((table, text)) => link.table_mut(table).filter = text.to_string(),
                    None => refuse("筛选应写成 表格:文字"),
                },
                "lang" if LANGUAGES.contains(&value.as_str()) => link.lang = Some(value),
                "lang" => refuse("界面语言暂只有中文（zh）"),
                _ => refuse("本页链接没有这个参数"),
            }
        }
        // An empty filter is no filter: a table shown as it starts is not in the link.
        link.tables.retain(|(_, v)| *v != TableView::default());
        (link, problems)
    }

    /// The fragment, without its `#`, in a fixed order; what it leaves out is as a fresh page
    /// has it.
    pub fn to_fragment(&self) -> String {
        let mut out = self.route.to_fragment();
        if let Some(p) = &self.period {
            out.push_str("&period=");
            out.push_str(&p.first.to_string());
            if p.last != p.first {
                out.push_str("..");
                out.push_str(&p.last.to_string());
            }
        }
        match &self.rules {
            Some(LinkRules::Preset(id)) => out.push_str(&format!("&preset={}", encode(id))),
            Some(LinkRules::Packed(packed)) => out.push_str(&format!("&rules={packed}")),
            None => {}
        }
        for (table, v) in &self.tables {
            if let Some((column, descending)) = &v.sort {
                let way = if *descending { "desc" } else { "asc" };
                out.push_str(&format!("&sort={table}:{}:{way}", encode(column)));
            }
        }
        for (table, v) in &self.tables {
            if !v.filter.is_empty() {
                out.push_str(&format!("&filter={table}:{}", encode(&v.filter)));
            }
        }
        if let Some(lang) = &self.lang {
            out.push_str(&format!("&lang={}", encode(lang)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(fragment: &str, view: ViewId, unit: Option<&str>) {
        let r = Route::parse(fragment);
        assert_eq!(r, Route { view, unit: unit.map(String::from) }, "{fragment}");
        assert_eq!(Route::parse(&r.to_fragment()), r, "{fragment} round trip");
    }

    #[test]
    fn fragments_read_as_routes() {
        check("", ViewId::Overview, None);
        check("#", ViewId::Overview, None);
        check("#view=scores", ViewId::Scores, None);
        check("#view=audit&unit=%E6%B5%B7%E5%B7%9E%E5%8C%BA", ViewId::Audit, Some("海州区"));
        check("view=rules", ViewId::Rules, None);
        check("#view=nowhere", ViewId::Overview, None);
        check("#view=units&unit=%E6%B5%B7%E5%B7%9E%E5%8C%BA", ViewId::Units, Some("海州区"));
        check("#unit=a%26b%3Dc&view=units", ViewId::Units, Some("a&b=c"));
        check("#view=units&unit=", ViewId::Units, None);
        check("#view=data&other=1&unit", ViewId::Data, None);
    }

    #[test]
    fn names_with_any_character_survive_the_fragment() {
        for name in ["海州区 新浦街道", "A&B#C", "100%", "路南街道（办）", "x+y=z"] {
            let r = Route { view: ViewId::Units, unit: Some(name.into()) };
            assert!(!r.to_fragment().contains(['#', ' ', '+']), "{}", r.to_fragment());
            assert_eq!(Route::parse(&r.to_fragment()), r);
        }
    }

    fn link(fragment: &str) -> (Link, Vec<String>) {
        let (l, p) = Link::parse(fragment);
        let again = Link::parse(&l.to_fragment());
        assert_eq!(again, (l.clone(), Vec::new()), "{fragment}: what the page writes reads back whole");
        (l, p.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn links_carry_the_screen() {
        let (l, p) = link("#view=audit&unit=%E6%B5%B7%E5%B7%9E%E5%8C%BA&period=2021-02&preset=lyg2021&sort=unit-table:score:desc&filter=unit-table:%E8%A1%97%E9%81%93&lang=zh");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(l.route, Route { view: ViewId::Audit, unit: Some("海州区".into()) });
        assert_eq!(l.period, Period::parse("2021-02").ok());
        assert_eq!(l.rules, Some(LinkRules::Preset("lyg2021".into())));
        let t = l.table("unit-table").unwrap();
        assert_eq!((t.sort.clone(), t.filter.as_str()), (Some(("score".into(), true)), "街道"));
        assert_eq!(l.lang.as_deref(), Some("zh"));
        let (l, _) = link("#rules=abc-_09&period=2021-01..2021-03&sort=scores-0:%E5%BE%97%E5%88%86:asc");
        assert_eq!(l.rules, Some(LinkRules::Packed("abc-_09".into())));
        assert_eq!(l.table("scores-0").unwrap().sort, Some(("得分".into(), false)));
    }

    #[test]
    fn broken_parameters_are_named_and_the_rest_is_kept() {
        let (l, p) = link("#view=nowhere&unit=&period=2021-13&preset=nocity&rules=%%%&sort=units&sort=t:c:up&filter=nocolon&lang=fr&utm=1&view=units");
        assert_eq!(l.route.view, ViewId::Units, "a later good value still counts");
        assert_eq!((l.period, l.rules, l.tables.len(), l.lang), (None, None, 0, None));
        assert_eq!(p.len(), 10, "{p:#?}");
        for (problem, says) in p.iter().zip([
            "view=nowhere",
            "unit=",
            "period=2021-13",
            "preset=nocity",
            "rules=",
            "sort=units",
            "sort=t:c:up",
            "filter=nocolon",
            "lang=fr",
            "utm=1",
        ]) {
            assert!(problem.starts_with(&format!("链接参数“{says}")), "{problem}");
            assert!(problem.contains("未采用："), "{problem}");
        }
        // Found by the fuzzer: an empty filter made an entry the page never writes.
        let (l, p) = link("#view=units&filter=unit-table:&sort=u");
        assert!(l.tables.is_empty() && p.len() == 1, "{l:?} {p:?}");
        let long = format!("#unit=&x={}", "长".repeat(200));
        let (_, p) = Link::parse(&long);
        assert!(p[1].to_string().chars().count() < 120, "a long value is cut: {}", p[1]);
    }
}
