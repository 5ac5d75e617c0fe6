//! Side files: the unit registry (单位名录) and the adjustments file (加减分).
//!
//! Both are small CSVs in the same encodings as the ticket file. Their errors name the line and
//! column, like the ticket file's.

use crate::error::{SideFile, SideFileError, SideFileErrorKind as K};
use crate::read::encoding::{self, TextEncoding};
use crate::read::records::{find_record_end, trim, Fields};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// The longest side file read (registry or adjustments), in bytes (32 MiB), checked before it
/// is read: 100 000 registry rows are about 4 MB.
pub const MAX_SIDE_FILE_BYTES: usize = 32 << 20;
/// The most rows a side file may have (header not counted).
pub const MAX_SIDE_FILE_ROWS: usize = 1_000_000;

/// One member unit of the registry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegistryEntry {
    /// 单位: the unit's name, as the tickets' 承办单位 or 上级单位 spell it.
    pub unit: String,
    /// 分组, e.g. 县区组; empty = not grouped.
    pub group: String,
    /// 满分, e.g. 150 or 100.
    pub full_score: Option<f64>,
    /// 上级单位: the member unit this unit rolls up into, when the tickets do not say. Empty for a
    /// unit on a 上级单位 cycle ([`Registry::cycles`]): a cycle is never followed.
    pub parent: String,
    /// The registry file's line it was read from (from 1; the header is line 1).
    pub line: u32,
}

/// The unit registry: which group each unit is scored in, and the units with no tickets.
///
/// Made by [`Registry::parse`] or [`Registry::from_entries`], which index the rows by 单位 so
/// [`Registry::get`] is one hash look-up (a registry of 100 000 rows was read in quadratic time).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "RegistryFields")]
pub struct Registry {
    /// The registry's rows, in file order; each 单位 at most once.
    pub entries: Vec<RegistryEntry>,
    /// 上级单位 cycles (A's 上级单位 is B, B's is A; or longer, or a unit its own 上级单位): each
    /// as its units in order, from the one listed first in the file, the first repeated at the
    /// end (`["A", "B", "A"]`). Their 上级单位 is not followed (each unit counts as itself) and the
    /// scores list them (`Scores::registry_cycles`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cycles: Vec<Vec<String>>,
    /// Row of each 单位 in `entries`.
    #[serde(skip)]
    index: FxHashMap<String, usize>,
}

/// A registry as JSON holds it (the worker sends it to the page): the index is made again.
#[derive(Deserialize)]
struct RegistryFields {
    entries: Vec<RegistryEntry>,
    #[serde(default)]
    cycles: Vec<Vec<String>>,
}

impl From<RegistryFields> for Registry {
    fn from(f: RegistryFields) -> Registry {
        let mut r = Registry::from_entries(f.entries);
        r.cycles.splice(0..0, f.cycles);
        r
    }
}

/// One manual adjustment: points given or taken for something no ticket records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Adjustment {
    /// 单位: the unit the points go to.
    pub unit: String,
    /// 项目, e.g. 加分, 扣分, 数据质量, 知识储备, 实例拨测, 答复规范.
    pub item: String,
    /// Exact: points are added to scores, which round half-up.
    pub points: crate::ratio::Ratio,
    /// 说明: free text shown with the points (may be empty).
    pub note: String,
    /// The adjustments file's line it was read from (from 1; the header is line 1).
    pub line: u32,
}

/// The adjustments file (`单位,项目,分值,说明`): read only by rule files' `adjustment` items.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Adjustments {
    /// The file's rows, in file order; a unit may have several (an item's 分值 are summed).
    pub entries: Vec<Adjustment>,
}

/// A header-keyed CSV table read from bytes: `(line, fields)` per row.
struct Table {
    headers: Vec<String>,
    rows: Vec<(u32, Vec<String>)>,
}

fn fail(file: SideFile, line: Option<u32>, column: Option<&str>, kind: K) -> SideFileError {
    SideFileError { file, kind, line, column: column.map(str::to_string) }
}

fn read_table(bytes: &[u8], file: SideFile) -> Result<Table, SideFileError> {
    if bytes.len() > MAX_SIDE_FILE_BYTES {
        let kind = K::FileTooLarge { bytes: bytes.len(), limit: MAX_SIDE_FILE_BYTES };
        return Err(fail(file, None, None, kind));
    }
    let (skip, bom) = encoding::strip_bom(bytes).map_err(|_| fail(file, None, None, K::Utf16))?;
    let bytes = bytes.get(skip..).unwrap_or_default();
    let enc = bom.or_else(|| encoding::detect(bytes, true)).unwrap_or(TextEncoding::Utf8);
    let mut rest = bytes;
    let mut line = 1u32;
    let mut f = Fields::default();
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut lossy = false;
    while let Some(end) = find_record_end(rest, true) {
        // A record's content and terminator lie within what it was found in.
        let rec = rest.get(..end.content).unwrap_or(rest);
        let this = line;
        line += end.lines;
        rest = rest.get(end.consumed..).unwrap_or_default();
        if trim(rec).is_empty() {
            continue;
        }
        f.split(rec, end.quoted);
        let fields: Vec<String> = (0..f.len())
            .map(|i| encoding::decode(enc, trim(f.get(rec, i)), &mut lossy).into_owned())
            .collect();
        match &headers {
            None => headers = Some(fields),
            Some(h) if h.len() != fields.len() => {
                let kind = K::FieldCount { expected: h.len(), found: fields.len() };
                return Err(fail(file, Some(this), None, kind));
            }
            Some(_) if rows.len() == MAX_SIDE_FILE_ROWS => {
                return Err(fail(file, Some(this), None, K::TooManyRows { limit: MAX_SIDE_FILE_ROWS }));
            }
            Some(_) => rows.push((this, fields)),
        }
    }
    let headers = headers.ok_or_else(|| fail(file, None, None, K::Empty))?;
    Ok(Table { headers, rows })
}

impl Table {
    /// Position of a column by its Chinese name or English alias.
    fn col(&self, zh: &str, en: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == zh || h == en)
    }
    fn require(&self, zh: &str, en: &str, file: SideFile) -> Result<usize, SideFileError> {
        self.col(zh, en).ok_or_else(|| fail(file, Some(1), None, K::MissingColumn { column: zh.into() }))
    }
}

/// Field `i` of a row: every row has as many fields as the header (`read_table` checks) and
/// `i` is a header's position, so the empty fallback is never taken.
fn cell(f: &[String], i: usize) -> &str {
    f.get(i).map_or("", String::as_str)
}

/// A 满分 or 分值: a decimal of at most 6 decimals and magnitude at most 1 000 000.
fn number(v: &str, line: u32, column: &str, file: SideFile) -> Result<crate::ratio::Ratio, SideFileError> {
    use crate::ratio::Unbounded;
    crate::ratio::Ratio::parse_bounded(v).map_err(|e| {
        let value = v.to_string();
        let kind = match e {
            Unbounded::NotANumber => K::NotANumber { value },
            Unbounded::OutOfRange => K::OutOfRange { value },
            Unbounded::TooManyDecimals => K::TooManyDecimals { value },
        };
        fail(file, Some(line), Some(column), kind)
    })
}

impl Registry {
    /// Reads `单位,分组,满分,上级单位` (English: unit, group, full_score, parent_unit; only 单位
    /// is required, order is free).
    pub fn parse(bytes: &[u8]) -> Result<Registry, SideFileError> {
        const WHAT: SideFile = SideFile::Registry;
        let t = read_table(bytes, WHAT)?;
        let unit = t.require("单位", "unit", WHAT)?;
        let (group, full, parent) =
            (t.col("分组", "group"), t.col("满分", "full_score"), t.col("上级单位", "parent_unit"));
        let mut entries: Vec<RegistryEntry> = Vec::new();
        let mut seen: FxHashMap<String, u32> = FxHashMap::default();
        for (line, f) in t.rows {
            let name = cell(&f, unit).to_string();
            if name.is_empty() {
                return Err(fail(WHAT, Some(line), Some("单位"), K::EmptyUnit));
            }
            if let Some(&first_line) = seen.get(&name) {
                let kind = K::DuplicateUnit { name, first_line };
                return Err(fail(WHAT, Some(line), Some("单位"), kind));
            }
            seen.insert(name.clone(), line);
            let full_score = match full.map(|i| cell(&f, i)).filter(|v| !v.is_empty()) {
                Some(v) => {
                    let full = number(v, line, "满分", WHAT)?;
                    if full <= crate::ratio::Ratio::ZERO {
                        let kind = K::NotPositive { value: v.to_string() };
                        return Err(fail(WHAT, Some(line), Some("满分"), kind));
                    }
                    Some(full.to_f64())
                }
                None => None,
            };
            entries.push(RegistryEntry {
                unit: name,
                group: group.map(|i| cell(&f, i).to_string()).unwrap_or_default(),
                full_score,
                parent: parent.map(|i| cell(&f, i).to_string()).unwrap_or_default(),
                line,
            });
        }
        Ok(Registry::from_entries(entries))
    }

    /// The registry of these rows (each 单位 at most once; a later repeat is not indexed):
    /// indexed by 单位, its 上级单位 cycles found and emptied ([`Registry::cycles`]).
    pub fn from_entries(mut entries: Vec<RegistryEntry>) -> Registry {
        let mut index = FxHashMap::default();
        for (i, e) in entries.iter().enumerate() {
            index.entry(e.unit.clone()).or_insert(i);
        }
        let cycles = parent_cycles(&entries, &index);
        for cycle in &cycles {
            for unit in cycle {
                if let Some(e) = index.get(unit).and_then(|&i| entries.get_mut(i)) {
                    e.parent.clear();
                }
            }
        }
        Registry { entries, cycles, index }
    }

    /// The registry row whose 单位 is exactly `unit`, if any: one hash look-up.
    pub fn get(&self, unit: &str) -> Option<&RegistryEntry> {
        if self.index.len() != self.entries.len() {
            // Rows pushed onto `entries` by hand since the index was made: read them all.
            return self.entries.iter().find(|e| e.unit == unit);
        }
        self.index.get(unit).and_then(|&i| self.entries.get(i)).filter(|e| e.unit == unit)
    }

    /// Each cycle as `A → B → A`, as the scores and the CLI list them.
    pub fn cycle_texts(&self) -> Vec<String> {
        self.cycles.iter().map(|c| c.join(" → ")).collect()
    }
}

/// The 上级单位 cycles among the rows, each once, in one pass: every row is walked from at most
/// once (a walk stops at a row already walked), so the work is linear in the rows.
#[expect(
    clippy::indexing_slicing,
    reason = "`mark` has a slot per row and is indexed only by rows: `start` ranges over them, \
              and `parent_of` yields values of `index`, which are positions in `entries`"
)]
fn parent_cycles(entries: &[RegistryEntry], index: &FxHashMap<String, usize>) -> Vec<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnWalk,
        Done,
    }
    let parent_of = |i: usize| -> Option<usize> {
        let p = &entries.get(i)?.parent;
        if p.is_empty() {
            None
        } else {
            index.get(p).copied()
        }
    };
    let mut mark = vec![Mark::New; entries.len()];
    let mut cycles = Vec::new();
    let mut walk: Vec<usize> = Vec::new();
    for start in 0..entries.len() {
        walk.clear();
        let mut at = Some(start);
        while let Some(i) = at.filter(|&i| mark[i] == Mark::New) {
            mark[i] = Mark::OnWalk;
            walk.push(i);
            at = parent_of(i);
        }
        if let Some(i) = at.filter(|&i| mark[i] == Mark::OnWalk) {
            // The walk came back to a row of its own: the rows from there on are a cycle.
            let from = walk.iter().position(|&w| w == i).unwrap_or(0);
            let mut cycle: Vec<usize> = walk.get(from..).unwrap_or_default().to_vec();
            let first = cycle.iter().enumerate().min_by_key(|&(_, &w)| w).map_or(0, |(k, _)| k);
            cycle.rotate_left(first);
            let mut names: Vec<String> =
                cycle.iter().filter_map(|&k| entries.get(k)).map(|e| e.unit.clone()).collect();
            if let Some(head) = names.first().cloned() {
                names.push(head);
            }
            cycles.push(names);
        }
        for &w in &walk {
            mark[w] = Mark::Done;
        }
    }
    cycles
}

impl Adjustments {
    /// Reads `单位,项目,分值,说明` (English: unit, item, points, note).
    pub fn parse(bytes: &[u8]) -> Result<Adjustments, SideFileError> {
        const WHAT: SideFile = SideFile::Adjustments;
        let t = read_table(bytes, WHAT)?;
        let unit = t.require("单位", "unit", WHAT)?;
        let item = t.require("项目", "item", WHAT)?;
        let points = t.require("分值", "points", WHAT)?;
        let note = t.col("说明", "note");
        let mut entries = Vec::new();
        for (line, f) in t.rows {
            if cell(&f, unit).is_empty() {
                return Err(fail(WHAT, Some(line), Some("单位"), K::EmptyUnit));
            }
            if cell(&f, item).is_empty() {
                return Err(fail(WHAT, Some(line), Some("项目"), K::EmptyItem));
            }
            entries.push(Adjustment {
                unit: cell(&f, unit).to_string(),
                item: cell(&f, item).to_string(),
                points: number(cell(&f, points), line, "分值", WHAT)?,
                note: note.map(|i| cell(&f, i).to_string()).unwrap_or_default(),
                line,
            });
        }
        Ok(Adjustments { entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_in_gbk_with_errors_that_say_where() {
        let text = "单位,分组,满分,上级单位\n东海县,县区组,150,\n路南街道办,,,海州区\n";
        let gbk = encoding::encode(TextEncoding::Gb18030, text);
        let r = Registry::parse(&gbk).unwrap();
        assert_eq!(r.entries.len(), 2);
        assert_eq!(r.get("东海县").unwrap().full_score, Some(150.0));
        assert_eq!(r.get("路南街道办").unwrap().parent, "海州区");
        let bad = Registry::parse("单位,满分\n东海县,一百五\n".as_bytes()).unwrap_err();
        assert_eq!(bad.to_string(), "单位名录第 2 行，列“满分”：“一百五”不是数字");
        let dup = Registry::parse("单位\nA\nA\n".as_bytes()).unwrap_err().to_string();
        assert!(dup.contains("第 3 行") && dup.contains("第 2 行"), "{dup}");
    }

    #[test]
    fn adjustments() {
        let a =
            Adjustments::parse("单位,项目,分值,说明\n海州区,加分,10.82,\"表扬, 市领导批示\"\n".as_bytes())
                .unwrap();
        assert_eq!(a.entries[0].points.to_string(), "10.82");
        assert_eq!(a.entries[0].note, "表扬, 市领导批示");
        assert!(Adjustments::parse("单位,分值\nA,1\n".as_bytes()).unwrap_err().to_string().contains("项目"));
    }
}

/// Which side file a file is, by its header row: a unit registry (`单位,分组,满分,上级单位`) or
/// an adjustments file (`单位,项目,分值,说明`); `None` for anything else (a ticket export names
/// 工单编号). Lets a page sort several dropped files without decoding them: the header words are
/// matched as UTF-8 and as GB18030 bytes, so no encoding tables are needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SideFileKind {
    /// 单位名录.
    Registry,
    /// 加减分.
    Adjustments,
}

/// The [`SideFileKind`] of a file from its first bytes (the header row must be in them).
///
/// ```
/// use hotline_engine::score::registry::{side_file_kind, SideFileKind};
/// assert_eq!(side_file_kind("单位,项目,分值,说明\n".as_bytes()), Some(SideFileKind::Adjustments));
/// assert_eq!(side_file_kind("单位,分组,满分,上级单位\n".as_bytes()), Some(SideFileKind::Registry));
/// assert_eq!(side_file_kind("工单编号,受理时间,承办单位,上级单位\n".as_bytes()), None);
/// ```
pub fn side_file_kind(head: &[u8]) -> Option<SideFileKind> {
    // Each word as UTF-8 and as GB18030 (a test checks these against the encoder).
    const ID: [&[u8]; 2] = ["工单编号".as_bytes(), &[185, 164, 181, 165, 177, 224, 186, 197]];
    const ITEM: [&[u8]; 2] = ["项目".as_bytes(), &[207, 238, 196, 191]];
    const POINTS: [&[u8]; 2] = ["分值".as_bytes(), &[183, 214, 214, 181]];
    const GROUP: [&[u8]; 2] = ["分组".as_bytes(), &[183, 214, 215, 233]];
    const PARENT: [&[u8]; 2] = ["上级单位".as_bytes(), &[201, 207, 188, 182, 181, 165, 206, 187]];
    let line = head.split(|b| *b == b'\n' || *b == b'\r').next().unwrap_or_default();
    let has = |word: [&[u8]; 2]| word.iter().any(|w| line.windows(w.len()).any(|x| x == *w));
    if has(ID) {
        None
    } else if has(ITEM) && has(POINTS) {
        Some(SideFileKind::Adjustments)
    } else if has(GROUP) || has(PARENT) {
        Some(SideFileKind::Registry)
    } else {
        None
    }
}

#[cfg(test)]
mod side_file_kind_tests {
    use super::*;
    use crate::read::encoding::encode;
    use crate::TextEncoding;

    #[test]
    fn side_files_are_told_by_their_header_in_either_encoding() {
        for enc in [TextEncoding::Utf8, TextEncoding::Gb18030] {
            let of = |text: &str| side_file_kind(&encode(enc, text));
            assert_eq!(of("单位,项目,分值,说明\r\n海州区,答复规范,-1,\r\n"), Some(SideFileKind::Adjustments));
            assert_eq!(of("\u{feff}单位,分组,满分,上级单位\n"), Some(SideFileKind::Registry));
            assert_eq!(of("单位,上级单位\n"), Some(SideFileKind::Registry));
            assert_eq!(of("工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,上级单位\n"), None);
            // A ticket export in another layout (the mapping step's) is not a side file either.
            assert_eq!(of("工单号,来电时间,责任单位\n项目,分值\n"), None);
        }
    }
}
