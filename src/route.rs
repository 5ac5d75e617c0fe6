//! Where the page is: the view on screen and the unit opened, kept in the URL fragment
//! (`#view=units&unit=海州区`). A fragment, never a path: a page opened from a file cannot change
//! its path, and a fragment is never sent to a server. Pure, so tested natively.
//!
//! ```
//! use hotline_web::route::{Route, ViewId};
//! let r = Route::parse("#view=units&unit=%E6%B5%B7%E5%B7%9E%E5%8C%BA");
//! assert_eq!(r, Route { view: ViewId::Units, unit: Some("海州区".into()) });
//! assert_eq!(Route::parse(&r.to_fragment()), r);
//! ```

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
    /// Reads a fragment (with or without its `#`). Unknown keys and views are ignored, so an old
    /// or mistyped link opens on the overview rather than failing.
    pub fn parse(fragment: &str) -> Route {
        let mut route = Route::default();
        for pair in fragment.trim_start_matches('#').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode_str(value).decode_utf8_lossy();
            match key {
                "view" => route.view = ViewId::from_key(&value).unwrap_or_default(),
                "unit" if !value.trim().is_empty() => route.unit = Some(value.into_owned()),
                _ => {}
            }
        }
        route
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
}
