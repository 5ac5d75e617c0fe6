//! Partial aggregates: the counts of one set of tickets as a versioned JSON file that merges
//! exactly. The months of a city, or the cities of a province, can be counted on separate
//! machines and merged into the same figures as one run over all the tickets.
//!
//! ```
//! use hotline_engine::partial::Partial;
//! use hotline_engine::{ingest_bytes, IngestOptions, Report, ReportOptions};
//! let head = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n";
//! let jan = format!("{head}A1,2021-01-05 08:00,微信,投诉,转办,海州区,2021-01-05 09:00,2021-01-12,2021-01-08\n");
//! let feb = format!("{head}A2,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-05\n");
//! let part = |csv: &str, name: &str| {
//!     Partial::from_ingested(name, &ingest_bytes(csv.as_bytes(), IngestOptions::default()).unwrap(), None).unwrap()
//! };
//! let merged = Partial::merge(&[part(&jan, "jan.csv"), part(&feb, "feb.csv")]).unwrap();
//! let report = merged.report(&ReportOptions::default()).unwrap();
//! assert_eq!(report.months.len(), 2);
//! // The same file again would count its tickets twice: the merge says so instead.
//! let overlap = Partial::merge(&[part(&jan, "jan.csv"), part(&jan, "jan-again.csv")]).unwrap_err();
//! assert!(overlap.to_string().contains("1 张"));
//! ```
//!
//! The format (`hotline-eval.partial/1`) is documented in docs/partials.md. A cell is the tickets
//! of one (承办单位, 上级单位 as the row fills it, 省派 or not): member units and groups are sums of
//! cells that the registry decides when the report is made, so a partial does not depend on it.
//! Deadline rules do change which tickets count, so a partial records the deadlines it was
//! counted with, and only partials counted with the same ones merge.

pub use crate::count::aggregate::{Accepts, Basis, Cell, MonthPair, MonthTally, TopicAccepts};

use crate::count::aggregate::Cells;
use crate::count::indicators::Tally;
use crate::error::{classify, location, read, Lang, PartialFileError, PartialFileErrorKind};
use crate::read::idhash::id_hash;
use crate::read::ingest::{IngestSummary, Ingested};
use crate::read::reject::Reason;
use crate::report::{Counted, Report, ReportOptions};
use crate::tickets::deadlines::Deadlines;
use crate::tickets::deadlines::{DeadlineErrors, DeadlinePlan};
use crate::time::Month;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `format` of a partial file (docs/partials.md); any other is refused.
pub const PARTIAL_FORMAT: &str = "hotline-eval.partial/1";

/// The field of the ticket-number hashes, as errors name it.
const HASHES: &str = "ticket_hashes";

/// Whether a file's first bytes are a partial-aggregates file (JSON: its first character,
/// after a byte-order mark and white space, is `{`) rather than a ticket export (CSV, whose
/// first character is a header's). The one rule the page, its worker and the CLI all use.
///
/// ```
/// use hotline_engine::partial::is_partial_file;
/// assert!(is_partial_file(b"\xEF\xBB\xBF\n  {\"format\": \"hotline-eval.partial/1\"}"));
/// assert!(!is_partial_file("工单编号,受理时间".as_bytes()));
/// assert!(!is_partial_file(b""));
/// ```
pub fn is_partial_file(head: &[u8]) -> bool {
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// The most distinct months a partial may span: the counts are month × month tables per cell,
/// so a mistyped file with centuries of months would exhaust memory instead of failing clearly.
pub const MAX_MONTHS: usize = crate::count::aggregate::MAX_DENSE_MONTHS;

/// The longest partial file read, in bytes (512 MiB; checked before it is parsed): the ticket
/// hashes take about 11 bytes a ticket, so some 45 million tickets.
pub const MAX_PARTIAL_BYTES: usize = 512 << 20;
/// The most cells a partial may have (a city has a few thousand: 承办单位 × 上级单位 × 2).
pub const MAX_CELLS: usize = 500_000;
/// The most bytes the cells' month tables may take once read (1 GiB): per cell, 6 × months
/// tallies and two months × months tables.
pub const MAX_TABLE_BYTES: u64 = 1 << 30;

/// One partial-aggregates file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partial {
    /// Always [`PARTIAL_FORMAT`].
    pub format: String,
    /// The inputs counted, in merge order.
    pub sources: Vec<Source>,
    /// The deadline rules the tickets were counted with (`null`: the export's own deadlines).
    #[serde(default)]
    pub deadlines: Option<Deadlines>,
    /// `deadline_errors`: tickets whose deadline the rules could not compute (a date outside the
    /// calendar), counted not due: how many, with examples.
    #[serde(default)]
    pub deadline_errors: DeadlineErrors,
    /// `cells`: the counts of each (承办单位, 上级单位 as the row fills it, 省派 or not), keyed by month.
    pub cells: Vec<Cell>,
    /// 受理量 by channel, by kind, by (channel, category): received month × closed month.
    #[serde(default)]
    pub channels: Vec<Accepts>,
    /// `kinds`: 受理量 by 诉求类型, as (received month, closed month) counts.
    #[serde(default)]
    pub kinds: Vec<Accepts>,
    /// `topics`: 受理量 by (来源渠道, 问题分类), for the 高发问题.
    #[serde(default)]
    pub topics: Vec<TopicAccepts>,
    /// The 工单编号 of every counted ticket as sorted 64-bit hashes ([`id_hash`]), little-endian,
    /// base64: a merge finds tickets present in two inputs. Empty in a hand-made table.
    #[serde(default)]
    pub ticket_hashes: String,
}

/// One input file (or hand-made table) of a partial.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// `name`: the input's file name (or a hand-made table's label), as merges and errors name it.
    pub name: String,
    /// `bytes` (default 0): the input's size in bytes.
    #[serde(default)]
    pub bytes: u64,
    /// `rows_read` (default 0): data rows read (读取行数 = 计分行数 + 拒收行数).
    #[serde(default)]
    pub rows_read: u64,
    /// `rows_scored` (default 0): rows counted (计分行数).
    #[serde(default)]
    pub rows_scored: u64,
    /// `rows_rejected` (default 0): rows refused by a check (拒收行数); the rows themselves stay behind.
    #[serde(default)]
    pub rows_rejected: u64,
    /// `rejected_by_reason` (default none): 拒收行数 by reason, in check order, e.g.
    /// `[["field_count", 3]]`; what the report's reconciliation lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected_by_reason: Vec<(Reason, u64)>,
}

/// Why partials do not merge or read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartialError {
    /// A file that is not a partial of this format, or whose fields do not read.
    File(PartialFileError),
    /// A merge of nothing.
    NoInputs,
    /// A merge whose total of one counter passes [`crate::count::tally::MAX_COUNT`].
    CountOverflow {
        /// The cell (承办单位) whose counts passed it.
        unit: String,
        /// The counter, by its field name.
        counter: &'static str,
    },
    /// Counted with different deadline rules.
    Deadlines {
        /// The first partial's sources, by name (joined with 、).
        first: String,
        /// The sources of the first that differs, or 当前规则 (the rules in force for a report).
        other: String,
    },
    /// Tickets present in two inputs: merging would count them twice.
    Overlap(Vec<Overlap>),
    /// Tickets (of the named input) whose times span more than [`MAX_MONTHS`] distinct months:
    /// too many for month tables, so no partial can hold their counts (a report counts each
    /// period from the tickets instead).
    TooManyMonths(String),
    /// The counts of the period claim more tickets than the file's rows (the reconciliation, as
    /// one line, does not balance): a partial edited by hand, or damaged.
    Unbalanced {
        /// The partial's sources, by name (joined with 、).
        sources: String,
        /// The reconciliation's line ([`crate::report::reconcile::Reconciliation::text`]).
        reconciliation: String,
    },
}

/// Tickets (by 工单编号) found in two inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overlap {
    /// The earlier partial's sources, by name (joined with 、).
    pub first: String,
    /// The later partial's sources, by name.
    pub second: String,
    /// How many tickets the two share (by the hash of their 工单编号).
    pub tickets: u64,
}

impl PartialError {
    /// The message (the one place it is written; see [`crate::error`]).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => match self {
                PartialError::File(e) => e.render(lang),
                PartialError::NoInputs => "没有可合并的部分汇总".into(),
                PartialError::CountOverflow { unit, counter } => format!(
                    "合并后“{unit}”处 {counter} 的合计超过上限 {}（2^53），不能精确合并：请检查各部分汇总的计数",
                    crate::count::tally::MAX_COUNT
                ),
                PartialError::TooManyMonths(name) => {
                    format!("“{name}”的工单时间分布在超过 {MAX_MONTHS} 个不同的月份：请检查日期列，部分汇总不能生成")
                }
                PartialError::Unbalanced { sources, reconciliation } => format!(
                    "“{sources}”的计数与读取行数对不上（{reconciliation}）：部分汇总文件可能被改动或损坏，请用 hotline 重新生成"
                ),
                PartialError::Deadlines { first, other } => {
                    format!("“{first}”与“{other}”按不同的办理时限规则统计，不能合并：请用同一规则重新生成部分汇总")
                }
                PartialError::Overlap(list) => {
                    let parts: Vec<String> = list
                        .iter()
                        .map(|o| {
                            format!("“{}”与“{}”有 {} 张相同工单编号的工单", o.first, o.second, o.tickets)
                        })
                        .collect();
                    format!(
                        "{}：合并会重复计数。相邻月份的导出会重复仍在办理的工单：请把这些工单文件一起交给 hotline（按工单合并，同一工单以后导出的为准），而不是分别汇总后再合并",
                        parts.join("；")
                    )
                }
            },
        }
    }
}

impl std::fmt::Display for PartialError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl From<PartialFileError> for PartialError {
    fn from(e: PartialFileError) -> PartialError {
        PartialError::File(e)
    }
}

impl std::error::Error for PartialError {}

impl Partial {
    /// The partial of one ingested file. `deadlines`: the rules' deadlines, if they set any.
    /// Fails when the tickets' times span more than [`MAX_MONTHS`] distinct months.
    pub fn from_ingested(
        name: &str,
        ingested: &Ingested,
        deadlines: Option<Deadlines>,
    ) -> Result<Partial, PartialError> {
        let mut partial = Partial::counts_of(name, ingested, deadlines)?;
        let store = &ingested.store;
        let mut hashes: Vec<u64> = (0..store.len()).map(|i| id_hash(store.id(i).as_bytes())).collect();
        hashes.sort_unstable();
        partial.ticket_hashes = encode_hashes(&hashes);
        Ok(partial)
    }

    /// [`Partial::from_ingested`] without the ticket hashes: counts only.
    fn counts_of(
        name: &str,
        ingested: &Ingested,
        deadlines: Option<Deadlines>,
    ) -> Result<Partial, PartialError> {
        let plan = DeadlinePlan { rules: deadlines.clone() };
        let cells = Cells::try_build(&ingested.store, &plan)
            .ok_or_else(|| PartialError::TooManyMonths(name.to_string()))?;
        Ok(Partial::of_cells(name, ingested, deadlines, &cells))
    }

    fn of_cells(name: &str, ingested: &Ingested, deadlines: Option<Deadlines>, cells: &Cells) -> Partial {
        let tables = cells.to_tables(&ingested.store);
        let s = &ingested.summary;
        Partial {
            format: PARTIAL_FORMAT.to_string(),
            sources: vec![Source {
                name: name.to_string(),
                bytes: s.bytes,
                rows_read: s.rows_read,
                rows_scored: s.rows_scored,
                rows_rejected: s.rows_rejected,
                rejected_by_reason: s.rejected_by_reason.clone(),
            }],
            deadlines,
            deadline_errors: cells.deadline_errors.clone(),
            cells: tables.cells,
            channels: tables.channels,
            kinds: tables.kinds,
            topics: tables.topics,
            ticket_hashes: String::new(),
        }
    }

    /// The cells of the partial, with a ticket store that holds only the names.
    pub fn to_cells(&self) -> (crate::tickets::store::TicketStore, Cells) {
        Cells::from_tables(&self.cells, &self.channels, &self.kinds, &self.topics, &self.deadline_errors)
    }

    /// Reads a partial file, checking its format and version.
    pub fn from_json(text: &str) -> Result<Partial, PartialError> {
        use PartialFileErrorKind as K;
        let json = |path: &serde_path_to_error::Path, e: &serde_json::Error| PartialFileError {
            kind: K::Json(classify(e)),
            at: location(path, e),
        };
        if text.len() > MAX_PARTIAL_BYTES {
            let kind = K::FileTooLarge { bytes: text.len(), limit: MAX_PARTIAL_BYTES };
            return Err(PartialFileError::new("", kind).into());
        }
        let value: serde_json::Value =
            read(text).map_err(|(kind, at)| PartialFileError { kind: K::Json(kind), at })?;
        let expected = PARTIAL_FORMAT.to_string();
        match value.get("format").and_then(|f| f.as_str()) {
            Some(PARTIAL_FORMAT) => {}
            Some(other) => {
                let kind = K::WrongFormat { expected, found: other.to_string() };
                return Err(PartialFileError::new("format", kind).into());
            }
            None => return Err(PartialFileError::new("format", K::MissingFormat { expected }).into()),
        }
        let p: Partial = serde_path_to_error::deserialize(value).map_err(|e| json(e.path(), e.inner()))?;
        p.hashes()?;
        let months = p.months();
        if months > MAX_MONTHS {
            return Err(PartialFileError::new("", K::TooManyMonths { months, limit: MAX_MONTHS }).into());
        }
        p.check_size(months)?;
        p.check_counts()?;
        p.check_sources()?;
        Ok(p)
    }

    /// Each source's rows can be true: 计分行数 + 拒收行数 at most 读取行数 (less by the rows a later
    /// export replaced), and its rejects by reason (when given) sum to 拒收行数. A hand-made
    /// table may give no rows at all.
    fn check_sources(&self) -> Result<(), PartialFileError> {
        for (i, s) in self.sources.iter().enumerate() {
            let by_reason = (!s.rejected_by_reason.is_empty())
                .then(|| s.rejected_by_reason.iter().try_fold(0u64, |a, (_, n)| a.checked_add(*n)))
                .map(|n| n.unwrap_or(u64::MAX));
            let adds_up = s.rows_scored.checked_add(s.rows_rejected).is_some_and(|n| n <= s.rows_read)
                && by_reason.is_none_or(|n| n == s.rows_rejected);
            if !adds_up {
                let kind = PartialFileErrorKind::SourceRows {
                    name: s.name.clone(),
                    rows_read: s.rows_read,
                    rows_scored: s.rows_scored,
                    rows_rejected: s.rows_rejected,
                    by_reason,
                };
                return Err(PartialFileError::new(format!("sources[{i}]"), kind));
            }
        }
        Ok(())
    }

    /// The cells and the bytes of their month tables against [`MAX_CELLS`] and
    /// [`MAX_TABLE_BYTES`], before any table is allocated ([`Partial::to_cells`]).
    fn check_size(&self, months: usize) -> Result<(), PartialFileError> {
        let n = months.max(1) as u64;
        let per_cell = 6 * n * std::mem::size_of::<Tally>() as u64 + 2 * n * n * 8;
        let bytes = per_cell.saturating_mul(self.cells.len() as u64);
        if self.cells.len() > MAX_CELLS || bytes > MAX_TABLE_BYTES {
            let kind = PartialFileErrorKind::TooManyCells {
                cells: self.cells.len(),
                months,
                bytes,
                max_cells: MAX_CELLS,
                max_bytes: MAX_TABLE_BYTES,
            };
            return Err(PartialFileError::new("cells", kind));
        }
        Ok(())
    }

    /// Every cell's counts can be true ([`Tally::check`]: no part above its whole, no counter
    /// above [`crate::count::tally::MAX_COUNT`]) and so can the file's total of each counter,
    /// so no sum of its counts (a city, a period, 市派 + 省派) can wrap.
    fn check_counts(&self) -> Result<(), PartialFileError> {
        use crate::count::tally::MAX_COUNT;
        use crate::error::TallyProblem;
        let mut totals = Totals::default();
        for (i, c) in self.cells.iter().enumerate() {
            let unit = cell_label(c);
            let fail = |path: String, problem| {
                PartialFileError::new(path, PartialFileErrorKind::Counts { unit: unit.clone(), problem })
            };
            for (j, m) in c.by_month.iter().enumerate() {
                let path = format!("cells[{i}].by_month[{j}].counts");
                m.counts.check().map_err(|p| fail(path.clone(), p))?;
                totals.add_tally(&m.counts).map_err(|counter| {
                    fail(path.clone(), TallyProblem::TooLarge { counter, value: MAX_COUNT, limit: MAX_COUNT })
                })?;
            }
            for (what, pairs) in [("carried", &c.carried), ("due_closed", &c.due_closed)] {
                for (j, x) in pairs.iter().enumerate() {
                    totals.add_pair(what, x.count).map_err(|counter| {
                        let problem = TallyProblem::TooLarge { counter, value: x.count, limit: MAX_COUNT };
                        fail(format!("cells[{i}].{what}[{j}].count"), problem)
                    })?;
                }
            }
        }
        let accepts = [("channels", &self.channels), ("kinds", &self.kinds)];
        for (what, list) in accepts {
            let mut total = Totals::default();
            for (i, a) in list.iter().enumerate() {
                for (j, x) in a.accepted.iter().enumerate() {
                    total.add_pair("accepted", x.count).map_err(|counter| {
                        let problem = TallyProblem::TooLarge { counter, value: x.count, limit: MAX_COUNT };
                        let kind = PartialFileErrorKind::Counts { unit: a.name.clone(), problem };
                        PartialFileError::new(format!("{what}[{i}].accepted[{j}].count"), kind)
                    })?;
                }
            }
        }
        Ok(())
    }

    /// How many distinct months the partial's counts are keyed by.
    pub fn months(&self) -> usize {
        let mut seen = std::collections::BTreeSet::new();
        for c in &self.cells {
            seen.extend(c.by_month.iter().filter_map(|t| t.month));
            seen.extend(c.carried.iter().chain(&c.due_closed).flat_map(|x| [x.from, x.to]).flatten());
        }
        let accepts = self.channels.iter().chain(&self.kinds).flat_map(|a| &a.accepted);
        seen.extend(
            accepts
                .chain(self.topics.iter().flat_map(|t| &t.accepted))
                .flat_map(|x| [x.from, x.to])
                .flatten(),
        );
        seen.len()
    }

    /// The partial file's text, pretty-printed ([`Partial::from_json`] reads it back).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The sorted ticket-number hashes.
    pub fn hashes(&self) -> Result<Vec<u64>, PartialError> {
        let bytes =
            base64::engine::general_purpose::STANDARD.decode(self.ticket_hashes.as_bytes()).map_err(|e| {
                use base64::DecodeError as D;
                let at = match e {
                    D::InvalidByte(at, _) | D::InvalidLastSymbol(at, _) => Some(at),
                    D::InvalidLength(_) | D::InvalidPadding => None,
                };
                PartialFileError::new(HASHES, PartialFileErrorKind::HashesNotBase64 { at })
            })?;
        if bytes.len() % 8 != 0 {
            let kind = PartialFileErrorKind::HashesLength { bytes: bytes.len() };
            return Err(PartialFileError::new(HASHES, kind).into());
        }
        let v: Vec<u64> = bytes.as_chunks::<8>().0.iter().map(|c| u64::from_le_bytes(*c)).collect();
        if !v.is_sorted_by(|a, b| a < b) {
            return Err(PartialFileError::new(HASHES, PartialFileErrorKind::HashesUnsorted).into());
        }
        Ok(v)
    }

    /// Merges partials of disjoint ticket sets: the result counts as one run over all their
    /// tickets would. Associative and exact; the cells come out in a canonical order, so merging
    /// in any grouping gives the same file. Fails, saying which inputs and how many tickets,
    /// when two inputs share tickets.
    pub fn merge(parts: &[Partial]) -> Result<Partial, PartialError> {
        let Some(first) = parts.first() else {
            return Err(PartialError::NoInputs);
        };
        for p in parts {
            if p.deadlines != first.deadlines {
                return Err(PartialError::Deadlines { first: source_names(first), other: source_names(p) });
            }
        }
        // Overlap: every pair of inputs, by a merge of their sorted hashes.
        let hashes: Vec<Vec<u64>> = parts.iter().map(Partial::hashes).collect::<Result<_, _>>()?;
        let mut overlaps = Vec::new();
        for (i, (ha, pa)) in hashes.iter().zip(parts).enumerate() {
            for (hb, pb) in hashes.iter().zip(parts).skip(i + 1) {
                let n = common(ha, hb);
                if n > 0 {
                    overlaps.push(Overlap { first: source_names(pa), second: source_names(pb), tickets: n });
                }
            }
        }
        if !overlaps.is_empty() {
            return Err(PartialError::Overlap(overlaps));
        }
        let mut all: Vec<u64> = hashes.into_iter().flatten().collect();
        all.sort_unstable();

        let mut cells: BTreeMap<(String, String, bool), CellSums> = BTreeMap::new();
        let mut channels: BTreeMap<String, BTreeMap<Pair, u64>> = BTreeMap::new();
        let mut kinds: BTreeMap<String, BTreeMap<Pair, u64>> = BTreeMap::new();
        let mut topics: BTreeMap<(String, String), BTreeMap<Pair, u64>> = BTreeMap::new();
        let mut errors = DeadlineErrors::default();
        // Each input's totals are bounded when read; their sum is checked here, so no cell's
        // sum can wrap either.
        let mut totals = Totals::default();
        for p in parts {
            for c in &p.cells {
                let overflow = |counter| PartialError::CountOverflow { unit: cell_label(c), counter };
                for m in &c.by_month {
                    totals.add_tally(&m.counts).map_err(overflow)?;
                }
                for x in &c.carried {
                    totals.add_pair("carried", x.count).map_err(overflow)?;
                }
                for x in &c.due_closed {
                    totals.add_pair("due_closed", x.count).map_err(overflow)?;
                }
                let sums = cells.entry((c.unit.clone(), c.parent.clone(), c.province)).or_default();
                for m in &c.by_month {
                    sums.by_month.entry((m.by, m.month)).or_default().add(&m.counts);
                }
                add_pairs(&mut sums.carried, &c.carried);
                add_pairs(&mut sums.due_closed, &c.due_closed);
            }
            for a in &p.channels {
                add_pairs(channels.entry(a.name.clone()).or_default(), &a.accepted);
            }
            for a in &p.kinds {
                add_pairs(kinds.entry(a.name.clone()).or_default(), &a.accepted);
            }
            for a in &p.topics {
                add_pairs(topics.entry((a.channel.clone(), a.category.clone())).or_default(), &a.accepted);
            }
            errors.count += p.deadline_errors.count;
            for e in &p.deadline_errors.examples {
                if errors.examples.len() < 10 {
                    errors.examples.push(e.clone());
                }
            }
        }
        let pairs = |m: BTreeMap<Pair, u64>| -> Vec<MonthPair> {
            m.into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|((from, to), count)| MonthPair { from, to, count })
                .collect()
        };
        let merged = Partial {
            format: PARTIAL_FORMAT.to_string(),
            sources: parts.iter().flat_map(|p| p.sources.clone()).collect(),
            deadlines: first.deadlines.clone(),
            deadline_errors: errors,
            cells: cells
                .into_iter()
                .map(|((unit, parent, province), s)| Cell {
                    unit,
                    parent,
                    province,
                    by_month: s
                        .by_month
                        .into_iter()
                        .filter(|(_, t)| *t != Tally::default())
                        .map(|((by, month), counts)| MonthTally { by, month, counts })
                        .collect(),
                    carried: pairs(s.carried),
                    due_closed: pairs(s.due_closed),
                })
                .collect(),
            channels: channels.into_iter().map(|(name, m)| Accepts { name, accepted: pairs(m) }).collect(),
            kinds: kinds.into_iter().map(|(name, m)| Accepts { name, accepted: pairs(m) }).collect(),
            topics: topics
                .into_iter()
                .map(|((channel, category), m)| TopicAccepts { channel, category, accepted: pairs(m) })
                .collect(),
            ticket_hashes: encode_hashes(&all),
        };
        // Inputs each within the limits may together pass them.
        merged.check_size(merged.months())?;
        Ok(merged)
    }

    /// The names-only ticket store and month-keyed counts the report is made from.
    pub fn counted(&self, o: &ReportOptions) -> Result<(Ingested, Counted), PartialError> {
        if o.deadlines.is_some() && o.deadlines != self.deadlines {
            return Err(PartialError::Deadlines { first: source_names(self), other: "当前规则".into() });
        }
        let (store, cells) = self.to_cells();
        let mut summary = IngestSummary::default();
        for s in &self.sources {
            summary.bytes += s.bytes;
            summary.rows_read += s.rows_read;
            summary.rows_scored += s.rows_scored;
            summary.rows_rejected += s.rows_rejected;
            for &(reason, n) in &s.rejected_by_reason {
                match summary.rejected_by_reason.iter_mut().find(|(r, _)| *r == reason) {
                    Some((_, total)) => *total = total.saturating_add(n),
                    None => summary.rejected_by_reason.push((reason, n)),
                }
            }
        }
        summary.rejected_by_reason.sort_by_key(|(r, _)| *r);
        let ingested = Ingested { store, rejects: Vec::new(), summary };
        let counted = Counted::from_cells(&ingested, &cells, o);
        Ok((ingested, counted))
    }

    /// The report of the partial's tickets, as [`Report::build`] gives it from the tickets
    /// (except the rejected rows, which stay with each input).
    pub fn report(&self, o: &ReportOptions) -> Result<Report, PartialError> {
        let (ingested, counted) = self.counted(o)?;
        let report = Report::from_counted(&ingested, &counted, o);
        // Counts that claim more tickets in the period (received in it, or carried into it) than
        // the rows their sources scored were not made from those rows: no figure of theirs is
        // traceable. (A hand-made table states no rows, and claims none.)
        let r = &report.reconciliation;
        let claimed =
            r.direct_in_period.saturating_add(r.transferred_in_period).saturating_add(r.carried_over);
        let states_rows = self.sources.iter().any(|s| s.rows_read > 0);
        if states_rows && claimed > ingested.summary.rows_scored {
            let reconciliation = report.reconciliation.text();
            return Err(PartialError::Unbalanced { sources: source_names(self), reconciliation });
        }
        Ok(report)
    }
}

type Pair = (Option<Month>, Option<Month>);

/// A file's (or a merge's) total of each counter, kept at most [`crate::count::tally::MAX_COUNT`].
#[derive(Default)]
struct Totals {
    tally: [u64; Tally::FIELDS],
    carried: u64,
    due_closed: u64,
    accepted: u64,
}

impl Totals {
    /// Adds a tally's counters; the name of the first whose total passes the limit.
    fn add_tally(&mut self, t: &Tally) -> Result<(), &'static str> {
        for ((total, v), name) in self.tally.iter_mut().zip(t.to_array()).zip(Tally::NAMES) {
            *total = bounded(*total, v).ok_or(name)?;
        }
        Ok(())
    }
    /// Adds a month pair's count to the `what` total (`carried`, `due_closed`, `accepted`).
    fn add_pair(&mut self, what: &'static str, count: u64) -> Result<(), &'static str> {
        let total = match what {
            "carried" => &mut self.carried,
            "due_closed" => &mut self.due_closed,
            _ => &mut self.accepted,
        };
        *total = bounded(*total, count).ok_or(what)?;
        Ok(())
    }
}

/// `a + b` when it is at most [`crate::count::tally::MAX_COUNT`].
fn bounded(a: u64, b: u64) -> Option<u64> {
    a.checked_add(b).filter(|s| *s <= crate::count::tally::MAX_COUNT)
}

/// A cell as messages name it: 承办单位（上级单位，省派）.
fn cell_label(c: &Cell) -> String {
    let unit = if c.unit.is_empty() { "（直接答复）" } else { c.unit.as_str() };
    match (c.parent.is_empty(), c.province) {
        (true, false) => unit.to_string(),
        (true, true) => format!("{unit}，省派"),
        (false, false) => format!("{unit}，上级单位 {}", c.parent),
        (false, true) => format!("{unit}，上级单位 {}，省派", c.parent),
    }
}

#[derive(Default)]
struct CellSums {
    by_month: BTreeMap<(Basis, Option<Month>), Tally>,
    carried: BTreeMap<Pair, u64>,
    due_closed: BTreeMap<Pair, u64>,
}

fn add_pairs(to: &mut BTreeMap<Pair, u64>, from: &[MonthPair]) {
    for p in from {
        *to.entry((p.from, p.to)).or_default() += p.count;
    }
}

fn source_names(p: &Partial) -> String {
    p.sources.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join("、")
}

fn encode_hashes(sorted: &[u64]) -> String {
    let bytes: Vec<u8> = sorted.iter().flat_map(|h| h.to_le_bytes()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// How many values two ascending lists share.
fn common(mut a: &[u64], mut b: &[u64]) -> u64 {
    let mut n = 0;
    while let (Some((x, rest_a)), Some((y, rest_b))) = (a.split_first(), b.split_first()) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => a = rest_a,
            std::cmp::Ordering::Greater => b = rest_b,
            std::cmp::Ordering::Equal => {
                n += 1;
                a = rest_a;
                b = rest_b;
            }
        }
    }
    n
}

/// Why a streamed count stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamError {
    /// The ticket file does not read (its encoding or header).
    File(crate::read::ingest::FileError),
    /// The batches' partials do not merge (or hold too many months).
    Partial(PartialError),
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::File(e) => f.write_str(&e.message()),
            StreamError::Partial(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StreamError {}

/// Counts a ticket file of any size into its partial, in memory bounded by `batch` tickets plus
/// the duplicate check's bytes per ticket: every `batch` accepted tickets are reduced to a
/// partial and dropped. The result equals [`Partial::from_ingested`] on the whole file, and the
/// rejects are those of a whole-file ingest (`engine/tests/partial.rs`).
///
/// ```
/// use hotline_engine::partial::StreamingPartial;
/// use hotline_engine::IngestOptions;
/// let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
///            A1,2021-02-01 08:00,微信,咨询,直接答复,,,,\n\
///            A2,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-05\n\
///            A1,2021-02-02 09:00,微信,咨询,直接答复,,,,\n";
/// let mut s = StreamingPartial::new("feb.csv", IngestOptions::default(), None, 1);
/// for chunk in csv.as_bytes().chunks(16) {
///     s.push(chunk).unwrap();
/// }
/// let done = s.finish().unwrap();
/// assert_eq!(done.partial.sources[0].rows_scored, 2);
/// assert_eq!(done.ingested.rejects[0].line, 4); // A1 again, after its batch was handed over
/// ```
pub struct StreamingPartial<'a> {
    ingest: crate::read::ingest::Ingest,
    name: String,
    deadlines: Option<Deadlines>,
    batch: usize,
    parts: Vec<Partial>,
    newer: Option<&'a std::collections::HashSet<u64>>,
    replaced: u64,
    hashes: bool,
}

/// What [`StreamingPartial::finish`] gives.
pub struct Streamed {
    /// The partial of the whole file: the merge of its batches.
    pub partial: Partial,
    /// Rejects and summary of the whole file (the store holds only the names).
    pub ingested: Ingested,
    /// Tickets left out because a newer export has them ([`StreamingPartial::replaced_by`]).
    pub replaced: u64,
}

impl<'a> StreamingPartial<'a> {
    /// `batch`: accepted tickets held before they are reduced (at least 1). `options.size_hint`,
    /// the file's size, sizes the duplicate check for the whole file ([`Ingest::batched`]).
    ///
    /// [`Ingest::batched`]: crate::read::ingest::Ingest::batched
    pub fn new(
        name: &str,
        options: crate::read::ingest::IngestOptions,
        deadlines: Option<Deadlines>,
        batch: usize,
    ) -> StreamingPartial<'a> {
        StreamingPartial {
            ingest: crate::read::ingest::Ingest::batched(options, batch),
            name: name.to_string(),
            deadlines,
            batch: batch.max(1),
            parts: Vec::new(),
            newer: None,
            replaced: 0,
            hashes: true,
        }
    }

    /// Leaves out the tickets whose number's hash is in `newer` (those of newer exports of the
    /// same tickets: the later export's row wins).
    pub fn replaced_by(mut self, newer: &'a std::collections::HashSet<u64>) -> Self {
        self.newer = Some(newer);
        self
    }

    /// Leaves the ticket hashes out of the partial (only merges with other files need them): the
    /// batches then merge without comparing their hashes, which within one file never overlap,
    /// duplicates being rejected as the file is read. Saves about 11 bytes a ticket, and at the
    /// end the decoding, sorting and encoding of every hash.
    pub fn without_ticket_hashes(mut self) -> Self {
        self.hashes = false;
        self
    }

    /// Reads the next bytes of the file; each time `batch` tickets are held, counts them into a
    /// partial and drops them.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), StreamError> {
        self.ingest.push(chunk).map_err(StreamError::File)?;
        if self.ingest.tickets_held() >= self.batch {
            let store = self.ingest.take_tickets();
            let spent = self.reduce(store)?;
            self.ingest.reuse(spent);
        }
        Ok(())
    }

    /// Rows read so far (for progress).
    pub fn rows_read(&self) -> u64 {
        self.ingest.rows_read()
    }

    /// Counts a batch into its partial; gives back its store.
    fn reduce(
        &mut self,
        mut store: crate::tickets::store::TicketStore,
    ) -> Result<crate::tickets::store::TicketStore, StreamError> {
        if let Some(newer) = self.newer {
            let gone: Vec<u32> = (0..store.len())
                .filter(|i| newer.contains(&id_hash(store.id(*i).as_bytes())))
                .map(|i| i as u32)
                .collect();
            if !gone.is_empty() {
                self.replaced += gone.len() as u64;
                store.remove(&gone);
            }
        }
        let batch = Ingested { store, rejects: Vec::new(), summary: IngestSummary::default() };
        let part = if self.hashes {
            Partial::from_ingested(&self.name, &batch, self.deadlines.clone())
        } else {
            Partial::counts_of(&self.name, &batch, self.deadlines.clone())
        }
        .map_err(StreamError::Partial)?;
        self.parts.push(part);
        Ok(batch.store)
    }

    /// The file's partial, and its ingest result (rejects and summary; the store holds only the
    /// names: every ticket was reduced).
    pub fn finish(mut self) -> Result<Streamed, StreamError> {
        let mut done =
            std::mem::replace(&mut self.ingest, crate::read::ingest::Ingest::new(Default::default()))
                .finish()
                .map_err(StreamError::File)?;
        let last = done.store.take_tickets();
        self.reduce(last)?;
        // Batches are disjoint: duplicates were rejected while reading.
        let mut partial = Partial::merge(&self.parts).map_err(StreamError::Partial)?;
        let s = &done.summary;
        partial.sources = vec![Source {
            name: self.name.clone(),
            bytes: s.bytes,
            rows_read: s.rows_read,
            rows_scored: s.rows_scored - self.replaced,
            rows_rejected: s.rows_rejected,
            rejected_by_reason: s.rejected_by_reason.clone(),
        }];
        Ok(Streamed { partial, ingested: done, replaced: self.replaced })
    }
}
