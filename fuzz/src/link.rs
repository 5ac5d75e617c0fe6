//! The share link's decoders ([`hotline_web::route::Link`], [`hotline_web::share`]): any text as
//! a fragment reads without a panic, every problem it reports names a parameter, and what the
//! page writes back reads as the same state with no problem; any text as a query names only
//! paths in the page's folder; any text as packed rules unpacks to rules or to reasons, never a
//! panic or an unbounded inflate.

use hotline_web::route::Link;
use hotline_web::share::{data_path, unpack_rule_set, Preload};

pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (link, problems) = Link::parse(&text);
    for p in &problems {
        assert!(!p.reason.is_empty(), "a problem without a reason: {p:?}");
    }
    let written = link.to_fragment();
    assert_eq!(Link::parse(&written), (link.clone(), Vec::new()), "{written}");

    let (preload, _) = Preload::parse(&text);
    for path in preload.data.iter().chain(&preload.units).chain(&preload.adjustments).chain(&preload.rules) {
        assert!(path.split('/').all(|s| !s.is_empty() && s != "." && s != ".."), "{path} leaves the folder");
        assert!(!path.contains(':') && !path.starts_with('/') && !path.contains('\\'), "{path}");
        assert_eq!(data_path(path).as_deref(), Ok(path.as_str()), "an accepted path is accepted again");
    }

    if let Ok(rules) = unpack_rule_set(&text) {
        let again = unpack_rule_set(&hotline_web::share::pack_rule_set(&rules));
        assert_eq!(again.as_ref(), Ok(&rules), "rules read back from their own pack");
    }
}
