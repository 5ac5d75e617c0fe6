//! The report model: every figure the page and the CLI show, as plain serialisable data.
//!
//! The page renders it; `hotline --format json` prints it; the browser tests compare the two.
//! The JSON shape is documented in docs/report-json.md (format tag [`REPORT_FORMAT`]).

pub mod audit;
pub mod export;
pub mod reconcile;
pub mod shortfall;
pub mod warnings;
pub mod zip;

use crate::count::indicators::{format_basis_points, IndicatorOptions, Rate, Split};
use crate::read::ingest::{IngestSummary, Ingested};
use crate::read::reject::Reject;
use crate::score::registry::Registry;
use crate::tickets::deadlines::{DeadlineErrors, DeadlinePlan};
use crate::tickets::period::{choose_default, is_complete, month_volumes, MonthVolume, Period};
use crate::tickets::store::{NameId, TicketStore, NO_NAME};
use serde::{Deserialize, Serialize};

/// The JSON's `format` tag; bumped when the shape changes incompatibly (docs/report-json.md).
pub const REPORT_FORMAT: &str = "hotline-eval.report/1";
/// How many subjects the 高发问题 list keeps per channel.
pub const TOP_CATEGORIES: usize = 5;

/// What to report on. Defaults: the latest complete month, default indicator options.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ReportOptions {
    /// The period chosen (`--period`); `None` = the latest complete month (indicators.md §2).
    pub period: Option<Period>,
    /// Readings of the indicators that admit several (e.g. whether 基本满意 counts as satisfied).
    pub indicators: IndicatorOptions,
    /// The 单位名录 (`--units`): member roll-up, groups and members without tickets.
    pub registry: Option<Registry>,
    /// Deadlines from the rules in force (working-day 办理时限 in the export apply regardless).
    pub deadlines: Option<crate::tickets::deadlines::Deadlines>,
}

impl ReportOptions {
    /// The options with what a rule set in force fixes: its indicator readings and its deadlines,
    /// so the report shows the figures its scores read (no rules: unchanged).
    pub fn under_rules(mut self, rules: Option<&crate::score::rules::RuleSet>) -> ReportOptions {
        if let Some(r) = rules {
            self.indicators = r.indicator_options;
            self.deadlines = r.deadlines.clone();
        }
        self
    }
}

pub use crate::count::catalogue::Figures;

/// One entity's figures: all tickets, 市派 and 省派.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityFigures {
    /// The 承办单位, member unit or group name as the file (or registry) spells it.
    pub name: String,
    /// For a 承办单位: the member unit it rolls up into (itself when it is one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// The registry group, when a registry is loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// 全部: 市派 + 省派, rates recomputed from the summed counts.
    pub all: Figures,
    /// 市派 tickets only.
    pub municipal: Figures,
    /// 省派 tickets only.
    pub province: Figures,
    /// The counts behind the figures (市派, 省派): scoring rules re-read them with their own
    /// options, and a report can be scored again without its tickets.
    #[serde(default)]
    pub tallies: Split,
}

impl EntityFigures {
    /// The figures of one scope (口径).
    pub fn scope(&self, scope: crate::count::entity::Scope) -> &Figures {
        match scope {
            crate::count::entity::Scope::All => &self.all,
            crate::count::entity::Scope::Municipal => &self.municipal,
            crate::count::entity::Scope::Province => &self.province,
        }
    }

    /// The figures of tallies `s` read with options `o`; `member` and `group` left for the caller.
    pub fn new(name: String, s: &Split, o: &IndicatorOptions) -> EntityFigures {
        EntityFigures {
            name,
            member: None,
            group: None,
            tallies: *s,
            all: Figures::from_tally(&s.all(), o),
            municipal: Figures::from_tally(s.municipal(), o),
            province: Figures::from_tally(s.province(), o),
        }
    }
}

/// A count and its share of 受理量.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// The 来源渠道, 诉求类型 or 问题分类.
    pub name: String,
    /// Tickets in 受理量 (received in the period or carried over) with that name.
    pub count: u64,
    /// `count` / 受理量; for a hot topic, / its channel's count. Shares are not forced to sum to 100.
    pub share: Rate,
}

/// 高发问题 of one channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelTopics {
    /// The 来源渠道, in the order of the report's `channels`.
    pub channel: String,
    /// Its top [`TOP_CATEGORIES`] 问题分类 by count, ties by name; empty 问题分类 not listed.
    pub topics: Vec<Share>,
}

/// Change of a city rate against the previous period, in percentage points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The rate's key in [`Figures`] (`on_time_rate`, …), in catalogue order.
    pub indicator: String,
    /// The same rate of `city.all` for the previous period.
    pub previous: Rate,
    /// Difference of the two displayed (2-decimal) rates, e.g. "+4.65"; `None` = "—".
    pub delta_pp: Option<String>,
}

/// The period reported on, how it was chosen, and the previous period changes compare with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeriodInfo {
    /// The whole months counted, `first..=last`.
    pub period: Period,
    /// `2021年2月`, or `2021年1月—2021年4月` for a range.
    pub label: String,
    /// Why this period: chosen by the user, or the default rule.
    pub why: String,
    /// 上期: the same number of months just before `period`.
    pub previous: Period,
    /// Whether every month of the previous period is complete in the data.
    pub previous_complete: bool,
}

/// 全市 figures: every ticket, 直接答复 included, counted directly (not the sum of units).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct City {
    /// 全部: 市派 + 省派.
    pub all: Figures,
    /// 市派 tickets only.
    pub municipal: Figures,
    /// 省派 tickets only.
    pub province: Figures,
    /// Changes of `all`'s rates; empty with `changes_note` when the previous period is incomplete.
    pub changes: Vec<Change>,
    /// `上月数据不完整（<previous label>）` when the previous period is incomplete, else `None`.
    pub changes_note: Option<String>,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`REPORT_FORMAT`].
    pub format: String,
    /// What was read: encoding, rows read / scored / rejected, headers.
    pub source: IngestSummary,
    /// The rejected rows kept, in file order (not counted in any figure).
    pub rejects: Vec<Reject>,
    /// Tickets received per month of 受理时间, in month order, each marked complete or not.
    pub months: Vec<MonthVolume>,
    /// `None` only when the file has no accepted ticket and no period was chosen.
    pub period: Option<PeriodInfo>,
    /// The indicator readings the figures were computed with (echoed for the reader).
    pub options: IndicatorOptions,
    /// `None` exactly when `period` is `None`.
    pub city: Option<City>,
    /// 来源渠道 shares of 受理量, by count descending then name; only names with a count.
    pub channels: Vec<Share>,
    /// 诉求类型 shares of 受理量, in the same order.
    pub kinds: Vec<Share>,
    /// 高发问题: one entry per entry of `channels`, in the same order.
    pub hot_topics: Vec<ChannelTopics>,
    /// Per 承办单位, by 总工单数 descending then name.
    pub units: Vec<EntityFigures>,
    /// Per member unit (上级单位 if filled, else 承办单位).
    pub members: Vec<EntityFigures>,
    /// Per registry group (empty without a registry).
    pub groups: Vec<EntityFigures>,
    /// Tickets whose deadline the official calendar could not compute (outside its years).
    pub deadline_errors: DeadlineErrors,
    /// The years the official working-day calendar covers.
    pub calendar_years: (i32, i32),
    /// Scores by the rules in force (`--rules`), when any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scores: Option<crate::score::Scores>,
    /// Where every row went: rejected by reason, counted in the period, outside it.
    #[serde(default)]
    pub reconciliation: reconcile::Reconciliation,
    /// What was odd in the input and kept, or left out (grouped by kind).
    #[serde(default)]
    pub warnings: Vec<warnings::Warning>,
    /// The unit registry's 上级单位 cycles (`A → B → A`), not followed: each unit on one counts
    /// as itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registry_cycles: Vec<String>,
}

/// A file's counts for every range of whole months, made in one pass. Depends on the registry
/// (who rolls up into whom) and the deadlines; not on the period or the indicator options.
#[derive(Clone, Debug)]
pub struct Counted {
    /// `None` when the tickets span too many months for the dense tables: each period is then
    /// counted directly from the tickets.
    pub aggregates: Option<crate::count::aggregate::MonthAggregates>,
    parents: Vec<NameId>,
    /// Tickets received per month of 受理时间 (for choosing the default period).
    pub months: Vec<MonthVolume>,
    extra_members: Vec<String>,
    registry: Option<Registry>,
    deadlines: Option<crate::tickets::deadlines::Deadlines>,
    /// How a period is counted without month tables: a pass over the tickets, set only by
    /// [`Counted::new`]. Held as a function pointer so that a build which only counts from cells
    /// (the page) links neither the ticket pass nor the working calendar it needs.
    ticket_pass: Option<TicketPass>,
}

/// [`crate::count::indicators::count_period`]'s signature.
type TicketPass =
    fn(&TicketStore, Period, &[NameId], usize, &DeadlinePlan) -> crate::count::indicators::PeriodCounts;

impl Counted {
    /// Counts `ingested` under `o`'s registry and deadlines (its period and indicator options
    /// are not used: any period can then be reported from the result).
    pub fn new(ingested: &Ingested, o: &ReportOptions) -> Counted {
        let store = &ingested.store;
        let (parents, extra_members) = registry_parents(store, o.registry.as_ref());
        let plan = DeadlinePlan { rules: o.deadlines.clone() };
        let aggregates = crate::count::aggregate::Cells::try_build(store, &plan).map(|cells| {
            crate::count::aggregate::MonthAggregates::from_cells(
                &cells,
                store.units.len(),
                &parents,
                extra_members.len(),
            )
        });
        Counted {
            aggregates,
            parents,
            months: month_volumes(store),
            extra_members,
            registry: o.registry.clone(),
            deadlines: o.deadlines.clone(),
            ticket_pass: Some(crate::count::indicators::count_period),
        }
    }
    /// Counts from cells already summed (a partial-aggregates file): `ingested` holds the names.
    pub fn from_cells(
        ingested: &Ingested,
        cells: &crate::count::aggregate::Cells,
        o: &ReportOptions,
    ) -> Counted {
        let store = &ingested.store;
        let (parents, extra_members) = registry_parents(store, o.registry.as_ref());
        Counted {
            aggregates: Some(crate::count::aggregate::MonthAggregates::from_cells(
                cells,
                store.units.len(),
                &parents,
                extra_members.len(),
            )),
            parents,
            months: crate::tickets::period::volumes(cells.received_by_month()),
            extra_members,
            registry: o.registry.clone(),
            deadlines: o.deadlines.clone(),
            ticket_pass: None,
        }
    }
    /// The counts of one period: a sum over the month tables, or a pass over the tickets.
    pub fn counts(&self, store: &TicketStore, period: Period) -> crate::count::indicators::PeriodCounts {
        match (&self.aggregates, self.ticket_pass) {
            (Some(a), _) => a.counts(period),
            (None, Some(pass)) => {
                let plan = DeadlinePlan { rules: self.deadlines.clone() };
                pass(store, period, &self.parents, self.extra_members.len(), &plan)
            }
            // Counts from cells always have their month tables.
            (None, None) => Default::default(),
        }
    }
    /// Whether these counts serve `o` (same registry and deadlines).
    pub fn fits(&self, o: &ReportOptions) -> bool {
        self.registry == o.registry && self.deadlines == o.deadlines
    }
}

/// Member unit of each 承办单位 by the registry's 上级单位 (`NO_NAME` = none), and the names of
/// member units that only the registry knows (ids from `store.units.len()` on).
pub(crate) fn registry_parents(
    store: &TicketStore,
    registry: Option<&Registry>,
) -> (Vec<NameId>, Vec<String>) {
    let mut v = vec![NO_NAME; store.units.len()];
    let mut extra: Vec<String> = Vec::new();
    // Parents the file never names, each numbered once (indexed: a registry may name 100 000).
    let mut extra_index: rustc_hash::FxHashMap<String, usize> = Default::default();
    if let Some(r) = registry {
        for (id, name) in store.units.iter() {
            let Some(e) = r.get(name).filter(|e| !e.parent.is_empty()) else { continue };
            let parent = match store.units.find(&e.parent) {
                Some(p) => p,
                None => {
                    let i = *extra_index.entry(e.parent.clone()).or_insert_with(|| {
                        extra.push(e.parent.clone());
                        extra.len() - 1
                    });
                    (store.units.len() + i) as NameId
                }
            };
            if let Some(slot) = v.get_mut(id as usize) {
                *slot = parent;
            }
        }
    }
    (v, extra)
}

pub(crate) fn member_name<'a>(store: &'a TicketStore, extra: &'a [String], id: NameId) -> &'a str {
    let n = store.units.len();
    if (id as usize) < n {
        store.units.get(id)
    } else {
        extra.get(id as usize - n).map_or("", |s| s.as_str())
    }
}

fn sort_entities(v: &mut [EntityFigures]) {
    v.sort_by(|a, b| b.all.dispatched.cmp(&a.all.dispatched).then_with(|| a.name.cmp(&b.name)));
}

impl Report {
    /// Builds the report for the chosen (or default) period from an ingested file.
    pub fn build(ingested: &Ingested, o: &ReportOptions) -> Report {
        Report::from_counted(ingested, &Counted::new(ingested, o), o)
    }

    /// Builds the report from counts made once ([`Counted`]): a period change costs a sum over
    /// the per-entity month tables, not a pass over the tickets. `counted` must have been made
    /// with the same registry and deadlines as `o` ([`Counted::fits`]).
    pub fn from_counted(ingested: &Ingested, counted: &Counted, o: &ReportOptions) -> Report {
        let store = &ingested.store;
        let months = counted.months.clone();
        let mut report = Report {
            format: REPORT_FORMAT.to_string(),
            source: ingested.summary.clone(),
            rejects: ingested.rejects.clone(),
            months: months.clone(),
            period: None,
            options: o.indicators,
            city: None,
            channels: Vec::new(),
            kinds: Vec::new(),
            hot_topics: Vec::new(),
            units: Vec::new(),
            members: Vec::new(),
            groups: Vec::new(),
            deadline_errors: DeadlineErrors::default(),
            calendar_years: crate::tickets::calendar::OFFICIAL_YEARS,
            scores: None,
            reconciliation: Default::default(),
            warnings: Vec::new(),
            registry_cycles: o.registry.as_ref().map(|r| r.cycle_texts()).unwrap_or_default(),
        };
        report.refresh();
        let chosen = match o.period {
            Some(p) => Some((p, format!("按指定期间 {} 统计", p.label()))),
            None => choose_default(&months),
        };
        let Some((period, why)) = chosen else { return report };
        let opts = &o.indicators;
        let counts = counted.counts(store, period);
        report.deadline_errors = counts.deadline_errors.clone();
        let previous = period.previous();
        let previous_complete = is_complete(&months, previous);
        report.period = Some(PeriodInfo { period, label: period.label(), why, previous, previous_complete });

        let city = city_figures(counted, store, &counts, period, previous_complete, opts);
        let accepted = city.all.accepted;
        report.city = Some(city);

        report.channels = shares(&store.channels, &counts.channels, accepted);
        report.kinds = shares(&store.kinds, &counts.kinds, accepted);
        report.hot_topics = hot_topics(store, &counts, &report.channels);

        (report.units, report.members, report.groups) =
            entities(store, &counts, &counted.extra_members, o.registry.as_ref(), opts);
        sort_entities(&mut report.units);
        sort_entities(&mut report.members);
        report.refresh();
        report
    }

    /// Recomputes what is derived from the rest: the reconciliation and the warnings (after the
    /// scores change, or on a report read back).
    pub fn refresh(&mut self) {
        let s = &self.source;
        let city = self.city.as_ref().map(|c| &c.all);
        self.reconciliation =
            reconcile::Reconciliation::new(s.rows_read, s.rows_scored, &s.rejected_by_reason, city);
        self.warnings = warnings::warnings(&self.source, self.scores.as_ref(), &self.registry_cycles);
    }

    /// Every member unit and 承办单位 with its tallies, for [`crate::score::score`].
    pub fn candidates(&self) -> Vec<crate::score::Candidate> {
        use crate::count::entity::EntityLevel;
        let one = |e: &EntityFigures, level| crate::score::Candidate {
            name: e.name.clone(),
            level,
            tallies: e.tallies,
        };
        self.members
            .iter()
            .map(|e| one(e, EntityLevel::Member))
            .chain(self.units.iter().map(|e| one(e, EntityLevel::Unit)))
            .collect()
    }

    /// Scores the report's units by `rules` and keeps them in the report.
    pub fn apply_rules(&mut self, rules: &crate::score::rules::RuleSet, ctx: &crate::score::Context) {
        self.scores = Some(self.score(rules, ctx));
        self.refresh();
    }

    /// The report's units scored by `rules`, for the report's period (a period of several months
    /// says 本期无工单 where a month says 本月无工单).
    pub fn score(
        &self,
        rules: &crate::score::rules::RuleSet,
        ctx: &crate::score::Context,
    ) -> crate::score::Scores {
        let months = self.period.as_ref().map_or(1, |p| p.period.months().max(1) as u32);
        crate::score::score(rules, &self.candidates(), &crate::score::Context { months, ..*ctx })
    }

    /// The report as pretty-printed JSON (two-space indent, no final newline; docs/report-json.md).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The city's figures for the period, with the changes of its rates against the previous period
/// (or the note saying why there are none).
fn city_figures(
    counted: &Counted,
    store: &TicketStore,
    counts: &crate::count::indicators::PeriodCounts,
    period: Period,
    previous_complete: bool,
    opts: &IndicatorOptions,
) -> City {
    let previous = period.previous();
    let all = Figures::from_tally(&counts.city.all(), opts);
    let (changes, changes_note) = if previous_complete {
        let prev_counts = counted.counts(store, previous);
        let prev = Figures::from_tally(&prev_counts.city.all(), opts);
        let changes = all
            .rates()
            .zip(prev.rates())
            .map(|((indicator, cur), (_, p))| Change {
                indicator: indicator.key().to_string(),
                previous: (*p).clone(),
                delta_pp: match (cur.basis_points(), p.basis_points()) {
                    (Some(c), Some(q)) => {
                        let d = c - q;
                        Some(format!("{}{}", if d > 0 { "+" } else { "" }, format_basis_points(d)))
                    }
                    _ => None,
                },
            })
            .collect();
        (changes, None)
    } else {
        {
            // A month compares with 上月; a quarter or any longer range with the period before it.
            let word = if period.months() > 1 { "上期" } else { "上月" };
            (Vec::new(), Some(format!("{word}数据不完整（{}）", previous.label())))
        }
    };
    City {
        municipal: Figures::from_tally(counts.city.municipal(), opts),
        province: Figures::from_tally(counts.city.province(), opts),
        all,
        changes,
        changes_note,
    }
}

/// Counts by name (channels, kinds) with their shares of 受理量, largest first (ties by name).
fn shares(names: &crate::tickets::store::Names, counts: &[u64], accepted: u64) -> Vec<Share> {
    let mut v: Vec<Share> = names
        .iter()
        .filter_map(|(id, n)| {
            let count = counts.get(id as usize).copied().unwrap_or(0);
            (count > 0).then(|| Share { name: n.to_string(), count, share: Rate::new(count, accepted) })
        })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    v
}

/// 高发问题: each channel's most frequent subjects, with their shares of the channel.
fn hot_topics(
    store: &TicketStore,
    counts: &crate::count::indicators::PeriodCounts,
    channels: &[Share],
) -> Vec<ChannelTopics> {
    channels
        .iter()
        .map(|ch| {
            let cid = store.channels.find(&ch.name).unwrap_or(NO_NAME);
            let mut topics: Vec<Share> = counts
                .channel_categories
                .iter()
                .filter(|((c, cat), _)| *c == cid && *cat != NO_NAME)
                .map(|((_, cat), n)| Share {
                    name: store.categories.get(*cat).to_string(),
                    count: *n,
                    share: Rate::new(*n, ch.count),
                })
                .collect();
            topics.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
            topics.truncate(TOP_CATEGORIES);
            ChannelTopics { channel: ch.name.clone(), topics }
        })
        .collect()
}

/// The 承办单位, the member units (with the registry's, even without tickets) and the registry
/// groups, each with its figures for the period.
fn entities(
    store: &TicketStore,
    counts: &crate::count::indicators::PeriodCounts,
    extra_members: &[String],
    registry: Option<&Registry>,
    opts: &IndicatorOptions,
) -> (Vec<EntityFigures>, Vec<EntityFigures>, Vec<EntityFigures>) {
    let (mut units, mut members, mut group_figures) = (Vec::new(), Vec::new(), Vec::new());
    let group_of = |name: &str| registry.and_then(|r| r.get(name)).map(|e| e.group.clone());
    for (id, name) in store.units.iter() {
        let Some(s) = counts.units.get(id as usize).filter(|s| !s.is_empty()) else { continue };
        let mut e = EntityFigures::new(name.to_string(), s, opts);
        let member = counts.unit_member.get(id as usize).copied().unwrap_or(id);
        e.member = Some(member_name(store, extra_members, member).to_string());
        units.push(e);
    }
    // Indexed by name: a registry may list 100 000 units.
    let mut members_seen: rustc_hash::FxHashSet<String> = Default::default();
    let member_ids =
        (0..counts.members.len() as NameId).map(|id| (id, member_name(store, extra_members, id)));
    for (id, name) in member_ids.clone() {
        let Some(s) = counts.members.get(id as usize).filter(|s| !s.is_empty()) else { continue };
        let mut e = EntityFigures::new(name.to_string(), s, opts);
        e.group = group_of(name);
        members_seen.insert(name.to_string());
        members.push(e);
    }
    // Registry units with nothing in the period still appear, with zero counts.
    if let Some(r) = registry {
        for entry in &r.entries {
            let is_member = entry.parent.is_empty();
            if is_member && !members_seen.contains(entry.unit.as_str()) {
                let mut e = EntityFigures::new(entry.unit.clone(), &Split::default(), opts);
                e.group = Some(entry.group.clone());
                members.push(e);
            }
        }
        // Groups in registry order, then 未分组; found by name through an index.
        let mut groups: Vec<(String, Split)> = Vec::new();
        let mut group_index: rustc_hash::FxHashMap<String, usize> = Default::default();
        for e in &r.entries {
            if !e.group.is_empty() && !group_index.contains_key(&e.group) {
                group_index.insert(e.group.clone(), groups.len());
                groups.push((e.group.clone(), Split::default()));
            }
        }
        for (id, name) in member_ids {
            let Some(s) = counts.members.get(id as usize).filter(|s| !s.is_empty()) else { continue };
            let g = group_of(name).filter(|g| !g.is_empty()).unwrap_or_else(|| "未分组".to_string());
            match group_index.get(&g).and_then(|&i| groups.get_mut(i)) {
                Some((_, acc)) => acc.add(s),
                None => {
                    group_index.insert(g.clone(), groups.len());
                    groups.push((g, *s));
                }
            }
        }
        group_figures = groups.iter().map(|(n, s)| EntityFigures::new(n.clone(), s, opts)).collect();
    }
    (units, members, group_figures)
}
