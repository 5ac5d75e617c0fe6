//! The modules of each crate import one way: no module refers, directly or through others, back
//! to itself. Checked on the sources of all three crates (engine/src, cli/src and the page's
//! src/) at every level: among the top-level modules (`engine/src/<m>.rs` and everything under
//! `engine/src/<m>/`), and among the children of each folder module (`read::ingest` and
//! `read::halves`, …). A submodule naming its own parent is no cycle.
//!
//! A reference is any path that names a sibling module: a `use` line (with its `{…}` groups), or
//! an inline path, `crate::m::x` or `super::m::x` (from a top-level module; deeper, as many
//! `super`s as reach the crate root). `crate::Name` for a name the crate root re-exports with
//! `pub use m::…` counts as naming `m`. Comments (doc comments too) and string literals are not
//! read. A bare `m::x` cannot name a sibling in Rust 2018+ without one of the above.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A top-level module → the top-level modules it refers to.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// The source with comments removed and string and character literals emptied (line breaks
/// kept, so nothing else moves far).
fn strip(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let n = c.len();
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < n {
        let starts_token = i == 0 || !ident(c[i - 1]);
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < n && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < n {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if starts_token && (c[i] == 'r' || (c[i] == 'b' && c.get(i + 1) == Some(&'r'))) && {
            // A raw string: r"…", r#"…"#, br"…" (not a raw identifier such as r#type).
            let mut j = i + if c[i] == 'b' { 2 } else { 1 };
            while j < n && c[j] == '#' {
                j += 1;
            }
            j < n && c[j] == '"'
        } {
            let mut j = i + if c[i] == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while c[j] == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= n {
                    break;
                }
                if c[j] == '"' && (0..hashes).all(|k| c.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push_str("\"\"");
        } else if c[i] == '"' {
            i += 1;
            while i < n && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == '\'' {
            // A character literal ('x', '\n', '\u{7f}'), or else a lifetime or label ('a).
            let end = if c.get(i + 1) == Some(&'\\') {
                (i + 2..n.min(i + 12)).find(|&j| c[j] == '\'')
            } else if c.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    out.push_str("' '");
                    i = e + 1;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Identifiers (with `$crate` as `$crate`) and punctuation, `::` as one token.
fn tokens(src: &str) -> Vec<String> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_alphanumeric() || ch == '_' || (ch == '$' && c.get(i + 1).is_some_and(|d| d.is_alphabetic()))
        {
            let start = i;
            i += 1;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[start..i].iter().collect());
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else if ch.is_whitespace() {
            i += 1;
        } else {
            out.push(ch.to_string());
            i += 1;
        }
    }
    out
}

fn is_ident(t: &str) -> bool {
    t.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Parses a path or use tree starting at `toks[*at]`: `a::b::{c, d::{e}, f as g}` → the leaf
/// paths `[a,b,c]`, `[a,b,d,e]`, `[a,b,f,as,g]`. Stops at the first token that continues
/// neither.
fn tree(toks: &[String], at: &mut usize, prefix: &mut Vec<String>, leaves: &mut Vec<Vec<String>>) {
    let depth = prefix.len();
    loop {
        match toks.get(*at).map(String::as_str) {
            Some("{") => {
                *at += 1;
                loop {
                    match toks.get(*at).map(String::as_str) {
                        None => break,
                        Some("}") => {
                            *at += 1;
                            break;
                        }
                        Some(",") => *at += 1,
                        Some(_) => {
                            let before = *at;
                            tree(toks, at, prefix, leaves);
                            if *at == before {
                                *at += 1;
                            }
                        }
                    }
                }
                break;
            }
            Some("*") => {
                prefix.push("*".into());
                *at += 1;
                leaves.push(prefix.clone());
                break;
            }
            Some(t) if is_ident(t) => {
                prefix.push(t.to_string());
                *at += 1;
                if toks.get(*at).map(String::as_str) == Some("::") {
                    *at += 1;
                    continue;
                }
                if toks.get(*at).map(String::as_str) == Some("as") {
                    // Kept as `…, "as", alias`: a re-export is known by its alias.
                    prefix.push("as".into());
                    prefix.extend(toks.get(*at + 1).cloned());
                    *at += 2;
                }
                leaves.push(prefix.clone());
                break;
            }
            _ => break,
        }
    }
    prefix.truncate(depth);
}

/// The paths one file refers to, made absolute (from the crate root): `module` is the file's
/// module path in its crate (`["count", "aggregate"]` for count/aggregate.rs or
/// count/aggregate/mod.rs); `reexports` what the crate root re-exports, by name, and from which
/// module path. Only paths that start at `crate`, `$crate` or `super` are read: a bare `m::x`
/// names a child, never a sibling, in Rust 2018+.
fn references(
    src: &str,
    module: &[String],
    reexports: &BTreeMap<String, Vec<String>>,
) -> BTreeSet<Vec<String>> {
    let toks = tokens(&strip(src));
    let mut found = BTreeSet::new();
    // Inline modules (`mod tests { … }`) open at a brace depth: `super` inside them goes up
    // from there.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].as_str();
        match t {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            "mod" if toks.get(i + 2).map(String::as_str) == Some("{") && is_ident(&toks[i + 1]) => {
                inline.push((toks[i + 1].clone(), depth));
            }
            _ => {}
        }
        let after_path = i > 0 && toks[i - 1] == "::";
        let is_start = matches!(t, "crate" | "$crate" | "super") && !after_path;
        if !(is_start && toks.get(i + 1).map(String::as_str) == Some("::")) {
            i += 1;
            continue;
        }
        let mut at = i;
        let mut leaves = Vec::new();
        tree(&toks, &mut at, &mut Vec::new(), &mut leaves);
        for leaf in leaves {
            // Where the path starts: the crate root (`crate`), or the module `super`s reach.
            let mut here: Vec<String> =
                module.iter().cloned().chain(inline.iter().map(|(m, _)| m.clone())).collect();
            let mut rest = leaf.as_slice();
            if rest[0] == "crate" || rest[0] == "$crate" {
                here.clear();
                rest = &rest[1..];
            } else {
                while rest.first().map(String::as_str) == Some("super") {
                    here.pop();
                    rest = &rest[1..];
                }
            }
            if here.is_empty() {
                if let Some(from) = rest.first().and_then(|first| reexports.get(first)) {
                    here = from.clone();
                }
            }
            here.extend(rest.iter().cloned());
            found.insert(here);
        }
        i = at.max(i + 1);
    }
    found
}

/// What a crate root re-exports from its modules: `pub use m::{A, b::C};` → A → [m], C → [m, b].
fn reexports(root: &str, names: &BTreeSet<String>) -> BTreeMap<String, Vec<String>> {
    let toks = tokens(&strip(root));
    let mut out = BTreeMap::new();
    for i in 0..toks.len() {
        if toks[i] != "use" || i == 0 || toks[i - 1] != "pub" {
            continue;
        }
        let mut at = i + 1;
        let mut leaves = Vec::new();
        tree(&toks, &mut at, &mut Vec::new(), &mut leaves);
        for leaf in leaves {
            let leaf: Vec<&String> = leaf.iter().skip_while(|s| *s == "crate" || *s == "self").collect();
            let Some(name) = leaf.last() else { continue };
            // `a::B as C` is known by its alias C and comes from [a].
            let path: Vec<String> = leaf.iter().take_while(|s| **s != "as").map(|s| s.to_string()).collect();
            if path.len() > 1 && names.contains(&path[0]) && name.as_str() != "*" {
                out.insert(name.to_string(), path[..path.len() - 1].to_vec());
            }
        }
    }
    out
}

/// A source file's module path (`count/aggregate/mod.rs` → `[count, aggregate]`); `None` for
/// crate roots (lib.rs, main.rs) and binaries (bin/).
fn module_of(path: &str) -> Option<Vec<String>> {
    if matches!(path.split('/').next(), Some("lib.rs" | "main.rs" | "bin")) {
        return None;
    }
    let mut module: Vec<String> = path.trim_end_matches(".rs").split('/').map(str::to_string).collect();
    if module.last().map(String::as_str) == Some("mod") {
        module.pop();
    }
    Some(module)
}

/// The graph among the child modules of `parent` (`[]`: the crate's top-level modules), from the
/// crate's source files as (path under the crate's src/, text). A reference from anywhere inside
/// child `a` to anything inside child `b` is the edge a → b.
fn graph_at(files: &[(String, String)], parent: &[String]) -> Graph {
    let d = parent.len();
    let child = |m: &[String]| -> Option<String> { (m.len() > d && m[..d] == *parent).then(|| m[d].clone()) };
    let modules: Vec<(Vec<String>, &str)> =
        files.iter().filter_map(|(p, s)| module_of(p).map(|m| (m, s.as_str()))).collect();
    let names: BTreeSet<String> = modules.iter().filter_map(|(m, _)| child(m)).collect();
    let top: BTreeSet<String> = modules.iter().map(|(m, _)| m[0].clone()).collect();
    let root = files.iter().find(|(p, _)| p == "lib.rs").map_or("", |(_, s)| s.as_str());
    let reexports = reexports(root, &top);
    let mut g: Graph = names.iter().map(|n| (n.clone(), BTreeSet::new())).collect();
    for (module, src) in &modules {
        let Some(from) = child(module) else { continue };
        for target in references(src, module, &reexports) {
            if let Some(to) = child(&target).filter(|t| *t != from && names.contains(t)) {
                g.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    g
}

/// The graph of a crate's top-level modules.
fn graph(files: &[(String, String)]) -> Graph {
    graph_at(files, &[])
}

/// Every module that has child modules (the crate root `[]` first): the levels to check.
fn parents(files: &[(String, String)]) -> Vec<Vec<String>> {
    let mut out: BTreeSet<Vec<String>> = BTreeSet::new();
    out.insert(Vec::new());
    for m in files.iter().filter_map(|(p, _)| module_of(p)) {
        for k in 1..m.len() {
            out.insert(m[..k].to_vec());
        }
    }
    out.into_iter().collect()
}

/// A cycle of the graph (`[a, b, a]`), if it has one.
fn find_cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &Graph,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for next in g.get(n).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let from = path.iter().position(|p| p == next).unwrap_or(0);
                    let mut cycle = path[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, g, state, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, g, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

/// Every .rs file under `src`, as (path relative to it with `/`, text).
fn read_crate(src: &Path) -> Vec<(String, String)> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, base, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p.strip_prefix(base).unwrap().components();
                let rel: Vec<String> = rel.map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                out.push((rel.join("/"), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(src, src, &mut out);
    out
}

fn check(src: PathBuf, at_least: usize) {
    let files = read_crate(&src);
    let top = graph(&files);
    assert!(top.len() >= at_least, "{}: only {} top-level modules found: {top:?}", src.display(), top.len());
    // Every level: the top-level modules, and the children of each folder module among themselves.
    for parent in parents(&files) {
        let g = graph_at(&files, &parent);
        if let Some(cycle) = find_cycle(&g) {
            let listing: Vec<String> = g.iter().map(|(m, to)| format!("  {m} -> {to:?}")).collect();
            panic!(
                "{}: import cycle between the modules of `{}`: {}\n(a module may refer to another only if that \
                 one, directly or not, does not refer back; move the shared items to a module both use)\n{}",
                src.display(),
                if parent.is_empty() { "crate".to_string() } else { parent.join("::") },
                cycle.join(" -> "),
                listing.join("\n")
            );
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

#[test]
fn engine_modules_import_one_way() {
    check(workspace().join("engine/src"), 9);
}

#[test]
fn cli_modules_import_one_way() {
    check(workspace().join("cli/src"), 0);
}

#[test]
fn page_modules_import_one_way() {
    check(workspace().join("src"), 5);
}

/// The graph the real engine gives has the edges it must: the checker reads what it should.
#[test]
fn the_engine_graph_has_its_known_edges() {
    let files = read_crate(&workspace().join("engine/src"));
    let top = graph(&files);
    for (from, to) in [("partial", "count"), ("report", "score"), ("score", "count"), ("read", "tickets")] {
        assert!(top[from].contains(to), "{from} -> {to} missing: {top:?}");
    }
    let count = graph_at(&files, &["count".to_string()]);
    for (from, to) in [("catalogue", "indicators"), ("indicators", "tally"), ("events", "tally")] {
        assert!(count[from].contains(to), "count::{from} -> {to} missing: {count:?}");
    }
    let read = graph_at(&files, &["read".to_string()]);
    assert!(read["halves"].contains("ingest"), "read::halves -> ingest missing: {read:?}");
}

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(p, s)| (p.to_string(), s.to_string())).collect()
}

#[test]
fn the_checker_finds_a_cycle() {
    let fake = files(&[
        ("lib.rs", "pub mod a; pub mod b; pub mod c; pub mod d;\npub use d::{Thing, inner::Other as O};"),
        ("a.rs", "use crate::b::X;\n"),
        ("b.rs", "fn f() -> u32 { crate::c::g() }\n"),
        ("c.rs", "use super::{a, d};\n"),
        ("d.rs", "pub struct Thing;"),
    ]);
    let g = graph(&fake);
    assert_eq!(find_cycle(&g), Some(vec!["a".to_string(), "b".into(), "c".into(), "a".into()]));
}

#[test]
fn the_checker_reads_groups_submodules_and_reexports() {
    let fake = files(&[
        ("lib.rs", "pub mod a; pub mod b; pub mod c; pub mod d;\npub use d::{Thing, inner::Other as O};"),
        // Groups, nested; a re-exported name; a submodule's super reaching the root.
        ("a.rs", "use crate::{b::{X, Y}, Thing};\nmod sub;"),
        ("a/sub.rs", "use super::super::c::Z;\nuse super::Own;"),
        // A test module's `super` is its own file; two `super`s are the crate root.
        ("b.rs", "#[cfg(test)]\nmod tests {\n    use super::*;\n    fn f() { super::super::c::h(); }\n}\n"),
        ("d/mod.rs", "pub mod inner;\npub struct Thing;"),
        ("d/inner.rs", "pub struct Other; use super::Thing;"),
        ("c.rs", ""),
    ]);
    let g = graph(&fake);
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(g["a"], set(&["b", "c", "d"]));
    assert_eq!(g["b"], set(&["c"]));
    assert_eq!(g["d"], set(&[]));
    assert_eq!(find_cycle(&g), None);
    // The re-export counts: c naming `crate::O` names d, and d naming c closes a cycle.
    let mut cyclic = fake.clone();
    cyclic[6].1 = "fn f(_: crate::O) {}".into();
    cyclic[4].1.push_str("\nfn g() { crate::c::nothing(); }");
    let cycle = find_cycle(&graph(&cyclic)).expect("c -> d -> c");
    assert!(cycle.contains(&"c".to_string()) && cycle.contains(&"d".to_string()), "{cycle:?}");
}

#[test]
fn the_checker_skips_comments_strings_and_binaries() {
    let fake = files(&[
        ("lib.rs", "pub mod a; pub mod b;"),
        (
            "a.rs",
            "// crate::b::x\n/* crate::b /* nested */ crate::b */\n/// [`crate::b`]\nconst S: &str = \"crate::b::y\";\n\
             const R: &str = r#\"crate::b \" still\"#;\nconst C: char = '\"'; fn f<'a>(x: &'a str) -> &'a str { x }\n\
             pub(crate) fn g() {}\nconst T: &str = \"}\"; mod m { use super::g; }\n",
        ),
        ("b.rs", "use crate::a::g;"),
        ("bin/tool.rs", "use crate::b; use hotline::a;"),
        ("main.rs", "use crate::b;"),
    ]);
    let g = graph(&fake);
    assert!(g["a"].is_empty(), "{g:?}");
    assert_eq!(g.len(), 2, "{g:?}");
    assert_eq!(find_cycle(&g), None);
}

#[test]
fn the_checker_finds_a_cycle_inside_a_folder_module() {
    let fake = files(&[
        ("lib.rs", "pub mod a; pub mod b;"),
        ("a/mod.rs", "pub mod x; pub mod y;"),
        ("a/x.rs", "use super::y::Y;"),
        ("a/y.rs", "fn f() { crate::a::x::g(); }"),
        ("b.rs", "use crate::a::x;"),
    ]);
    assert_eq!(find_cycle(&graph(&fake)), None, "the top level is acyclic");
    let inside = graph_at(&fake, &["a".to_string()]);
    assert_eq!(find_cycle(&inside), Some(vec!["x".to_string(), "y".into(), "x".into()]));
    assert_eq!(parents(&fake), vec![Vec::<String>::new(), vec!["a".to_string()]]);
}
