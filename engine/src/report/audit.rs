//! The self-audit (本单位自查): one unit's month as its staff need it before the bulletin. Its
//! score, rank and grade; every item with its formula and the points it lost; the tickets behind
//! each loss with the points each alone costs; what the score would be had chosen tickets gone
//! right (假如); and the open tickets that will cost points if nothing is done (临期预警).
//!
//! ```
//! use hotline_engine::count::entity::EntityLevel;
//! use hotline_engine::report::audit::{self, AuditQuery, Fix};
//! use hotline_engine::score::presets;
//! use hotline_engine::{ingest_bytes, IngestOptions, Month, Period, Report, ReportOptions};
//! let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
//!            A1,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-05 12:00\n\
//!            A2,2021-02-02 09:00,微信,投诉,转办,海州区,2021-02-02 10:00,2021-02-09,2021-02-12 12:00\n";
//! let done = ingest_bytes(csv.as_bytes(), IngestOptions::default()).unwrap();
//! let rules = presets::preset("lyg2021").unwrap();
//! let o = ReportOptions { period: Some(Period::month(Month::new(2021, 2))), ..Default::default() }
//!     .under_rules(Some(&rules));
//! let report = Report::build(&done, &o);
//! let tickets = audit::unit_tickets(&done.store, &o, EntityLevel::Member, "海州区");
//! let query = AuditQuery { fixes: vec![Fix { id: "A2".into(), kind: None }], ..AuditQuery::new(EntityLevel::Member, "海州区") };
//! let a = audit::audit(&report, None, &rules, &Default::default(), &tickets, &query);
//! // A2 closed late: had it closed by its 办理时限 (办结时间 := 办理时限), 按期办结率 is 100 %.
//! assert!(a.what_if.as_ref().unwrap().exact > a.standing.as_ref().unwrap().exact);
//! assert_eq!(a.lists[0].rows[0].id, "A2");
//! ```
//!
//! Invariant: **every what-if is a re-count, never an estimate from rates.** A fix is an edit of
//! the ticket's columns (docs/self-audit.md); the edited ticket is counted again by
//! [`Tally::count`], the same definition every figure is summed from, its difference applied to
//! its 承办单位's and its 成员单位's tallies, and the rules score every unit again
//! ([`crate::score::score`]). So a what-if equals the score of the file with those rows edited
//! (`engine/tests/audit.rs`).

use crate::count::catalogue::{Figures, Indicator};
use crate::count::entity::{EntityLevel, Scope};
use crate::count::indicators::Tally;
use crate::count::tally::Split;
use crate::ratio::Ratio;
use crate::read::ingest::{FileError, Ingest, IngestOptions};
use crate::report::shortfall::{Owner, ShortfallKind, ShortfallRow};
use crate::report::{Report, ReportOptions};
use crate::score::rules::{Item, RuleSet};
use crate::score::{Candidate, Context, ScoreRow, Scores};
use crate::tickets::deadlines::{DeadlineErrors, DeadlinePlan};
use crate::tickets::period::Period;
use crate::tickets::store::{Audit as AuditResult, Callback, Ticket, TicketStore};
use crate::time::Stamp;
use serde::{Deserialize, Serialize};

/// One of the unit's tickets, as counted (deadlines from working days and rules filled in), with
/// the names the audit shows. What a second read of a streamed file keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitTicket {
    /// The ticket as counted.
    pub ticket: Ticket,
    /// 工单编号.
    pub id: String,
    /// 承办单位.
    pub unit: String,
    /// The 成员单位 it rolls up into (上级单位 as filled, else the registry's, else itself).
    pub member: String,
    /// 问题分类.
    pub category: String,
}

/// Every ticket of `name` (at `level`) in `store`, as counted under `o` (its registry and
/// deadlines), in file order. Any period: the audit picks those its period counts.
pub fn unit_tickets(
    store: &TicketStore,
    o: &ReportOptions,
    level: EntityLevel,
    name: &str,
) -> Vec<UnitTicket> {
    let mut out = Vec::new();
    add_unit_tickets(store, o, level, name, &mut out);
    out
}

/// [`unit_tickets`] appended to `out` (one batch of a file read again).
pub fn add_unit_tickets(
    store: &TicketStore,
    o: &ReportOptions,
    level: EntityLevel,
    name: &str,
    out: &mut Vec<UnitTicket>,
) {
    let Some(owner) = Owner::new(store, o, level, name) else { return };
    let plan = DeadlinePlan { rules: o.deadlines.clone() };
    let with_plan = plan.needed(store);
    let mut errors = DeadlineErrors::default();
    for (i, raw) in store.tickets.iter().enumerate() {
        if !owner.owns(raw) {
            continue;
        }
        let t = if with_plan { errors.apply(&plan, raw) } else { *raw };
        out.push(UnitTicket {
            ticket: t,
            id: store.id(i).to_string(),
            unit: store.units.get(t.unit).to_string(),
            member: owner.member_name(store, &t).to_string(),
            category: store.categories.get(t.category).to_string(),
        });
    }
}

/// The unit's tickets from a file read (again) a batch at a time, in memory bounded by `batch`
/// tickets plus the unit's own: how a file streamed beyond memory is audited, and how the CLI
/// reads. Gives exactly [`unit_tickets`] of the whole file and its [`latest_event`].
pub struct UnitTicketScan<'a> {
    ingest: Ingest,
    batch: usize,
    kept: Kept<'a>,
}

/// What a scan keeps of the batches it has read.
struct Kept<'a> {
    options: ReportOptions,
    level: EntityLevel,
    name: String,
    newer: Option<&'a std::collections::HashSet<u64>>,
    hashes: Option<Vec<u64>>,
    found: Vec<UnitTicket>,
    latest: Option<Stamp>,
}

/// What a [`UnitTicketScan`] found.
pub struct ScannedUnit {
    /// The unit's tickets, in file order.
    pub tickets: Vec<UnitTicket>,
    /// The latest event of the whole file (not only the unit's).
    pub latest: Option<Stamp>,
    /// Every ticket number's hash, when asked ([`UnitTicketScan::with_hashes`]).
    pub hashes: Vec<u64>,
}

impl<'a> UnitTicketScan<'a> {
    /// A scan for `name` at `level`, reading with `ingest` (the first pass's options), counting
    /// with `report`'s registry and deadlines, at most `batch` tickets held at a time.
    pub fn new(
        ingest: IngestOptions,
        report: ReportOptions,
        level: EntityLevel,
        name: &str,
        batch: usize,
    ) -> Self {
        UnitTicketScan {
            ingest: Ingest::batched(ingest, batch),
            batch: batch.max(1),
            kept: Kept {
                options: report,
                level,
                name: name.to_string(),
                newer: None,
                hashes: None,
                found: Vec::new(),
                latest: None,
            },
        }
    }

    /// Leaves out the tickets a newer export has (their numbers' hashes), as
    /// [`crate::partial::StreamingPartial::replaced_by`] does: several exports audit as they count.
    pub fn replaced_by(mut self, newer: &'a std::collections::HashSet<u64>) -> Self {
        self.kept.newer = Some(newer);
        self
    }

    /// Keeps every ticket number's hash (for the older exports' `replaced_by`).
    pub fn with_hashes(mut self) -> Self {
        self.kept.hashes = Some(Vec::new());
        self
    }

    /// Reads the next bytes of the file, in order.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), FileError> {
        self.ingest.push(chunk)?;
        if self.ingest.tickets_held() >= self.batch {
            let store = self.ingest.take_tickets();
            self.kept.take(&store);
            self.ingest.reuse(store);
        }
        Ok(())
    }

    /// Rows read so far (for progress).
    pub fn rows_read(&self) -> u64 {
        self.ingest.rows_read()
    }

    /// Ends the file.
    pub fn finish(self) -> Result<ScannedUnit, FileError> {
        let mut done = self.ingest.finish()?;
        let last = done.store.take_tickets();
        let mut kept = self.kept;
        kept.take(&last);
        Ok(ScannedUnit { tickets: kept.found, latest: kept.latest, hashes: kept.hashes.unwrap_or_default() })
    }
}

impl Kept<'_> {
    fn take(&mut self, store: &TicketStore) {
        self.latest = self.latest.max(latest_event(store));
        let hash = |i: usize| crate::read::idhash::id_hash(store.id(i).as_bytes());
        if let Some(h) = &mut self.hashes {
            h.extend((0..store.tickets.len()).map(hash));
        }
        let mut found = Vec::new();
        add_unit_tickets(store, &self.options, self.level, &self.name, &mut found);
        if let Some(newer) = self.newer {
            found.retain(|u| !newer.contains(&crate::read::idhash::id_hash(u.id.as_bytes())));
        }
        self.found.append(&mut found);
    }
}

/// The latest time in any event column of the file (受理, 派单, 签收, 首次联系, 办结, 回访, 反馈):
/// the default "as of" time of the fix-first list. Deadlines are not events: a 办理时限 next
/// month says nothing about when the export was taken. `None` for a file without any.
pub fn latest_event(store: &TicketStore) -> Option<Stamp> {
    store.tickets.iter().filter_map(latest_of).max()
}

/// The latest event time of one ticket.
pub fn latest_of(t: &Ticket) -> Option<Stamp> {
    [t.received, t.dispatched, t.signed, t.first_contact, t.closed, t.callback_at, t.feedback_at]
        .into_iter()
        .filter(|s| s.is_some())
        .max()
}

/// One fix of the what-if: the ticket `id` had gone right on `kind`, or on every list it is on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// 工单编号.
    pub id: String,
    /// The list it had gone right on; `None` = every list it is on.
    pub kind: Option<ShortfallKind>,
}

impl Fix {
    /// Reads `ID` or `ID:kind` (`kind` as in docs/indicators.md, e.g. `closed_late`).
    pub fn parse(s: &str) -> Option<Fix> {
        let (id, kind) = match s.rsplit_once(':') {
            Some((id, k)) => (id, Some(ShortfallKind::ALL.into_iter().find(|x| x.key() == k)?)),
            None => (s, None),
        };
        (!id.is_empty()).then(|| Fix { id: id.to_string(), kind })
    }
}

/// What to audit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// 承办单位 or 成员单位.
    pub level: EntityLevel,
    /// The unit's name as the report spells it.
    pub name: String,
    /// The "as of" time of the fix-first list; `None` = the latest event of the unit's tickets
    /// given (callers pass [`latest_event`] of the whole file).
    pub as_of: Option<Stamp>,
    /// The what-if's fixes (假如); empty = none.
    pub fixes: Vec<Fix>,
    /// Every ticket on a list fixed (`--fix-all`), besides `fixes`.
    pub fix_all: bool,
}

impl AuditQuery {
    /// An audit of `name` at `level`, without fixes, as of the latest event.
    pub fn new(level: EntityLevel, name: &str) -> AuditQuery {
        AuditQuery { level, name: name.to_string(), as_of: None, fixes: Vec::new(), fix_all: false }
    }
}

/// A unit's place under the rules: score, rank in its group, grade, the group's mean and best.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    /// The rule group.
    pub group: String,
    /// The score as printed.
    pub score: String,
    /// The exact score.
    pub exact: Ratio,
    /// The group's 满分.
    pub full_score: Ratio,
    /// Rank in the group (1 = best); `None` for a unit given the mean or full marks.
    pub rank: Option<u32>,
    /// Ranked units in the group.
    pub of: u32,
    /// The grade band, where the rules define bands.
    pub grade: Option<String>,
    /// The mean of the group's ranked printed scores, at the group's decimals.
    pub group_mean: String,
    /// The group's best printed score.
    pub group_best: String,
    /// Why the score is not from items (本月无工单，取平均分 …).
    pub note: Option<String>,
    /// The row itself (items' points).
    #[serde(skip)]
    pub row: Option<ScoreRow>,
}

/// One scoring item of the unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditItem {
    /// The rule file's item name.
    pub item: String,
    /// The indicator key it reads (none for adjustments).
    pub indicator: Option<String>,
    /// The figure as shown (96.16%, a count, —).
    pub value: String,
    /// The rate's numerator and denominator, or the count (numerator only).
    pub numerator: Option<u64>,
    /// The rate's denominator.
    pub denominator: Option<u64>,
    /// Points earned (exact); `None` when left out.
    pub points: Option<Ratio>,
    /// Points had every ticket behind the item gone right (a re-count): the item's 满分 here.
    pub best: Option<Ratio>,
    /// `best − points`.
    pub lost: Option<Ratio>,
    /// The item's formula in words and numbers: "按期办结率 94.04% × 30 = 28.21分，失 1.79分".
    pub formula: String,
    /// The lists whose tickets lower it.
    pub kinds: Vec<ShortfallKind>,
}

/// One ticket on a list, with what it alone costs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditTicket {
    /// 工单编号.
    pub id: String,
    /// Line of the file.
    pub line: u32,
    /// 承办单位.
    pub unit: String,
    /// The two times (or facts) that put it on the list: (header, value).
    pub facts: Vec<(String, String)>,
    /// How late, in words (2天3小时); empty where lateness is no time (返工, 不满意, …).
    pub late: String,
    /// The unit's score change had this ticket alone gone right on this list (exact).
    pub points: Ratio,
    /// `points` at four decimals.
    pub points_text: String,
}

/// One list (扣分类型) of the unit with its tickets, most costly first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditList {
    /// The list.
    pub kind: ShortfallKind,
    /// Its Chinese name.
    pub label: String,
    /// The scoring items it lowers.
    pub items: Vec<String>,
    /// Tickets on it.
    pub count: u64,
    /// The unit's score change had all of them gone right.
    pub points: Ratio,
    /// Its tickets, by `points` descending, then line.
    pub rows: Vec<AuditTicket>,
}

/// A unit below the audited one (its 上级单位 is it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubUnit {
    /// 承办单位.
    pub name: String,
    /// Its own printed score where a group scores 承办单位, else `None`.
    pub score: Option<String>,
    /// Its rank there.
    pub rank: Option<u32>,
    /// Its tickets on some list of the period.
    pub losing: u64,
    /// The parent's score change had all of those gone right (exact).
    pub parent_gain: Ratio,
    /// `parent_gain` at four decimals.
    pub parent_gain_text: String,
}

/// A deadline of an open ticket, due soon or already passed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DueItem {
    /// 工单编号.
    pub id: String,
    /// Line of the file.
    pub line: u32,
    /// 承办单位.
    pub unit: String,
    /// Which deadline: 签收, 首次联系, 办结, 反馈.
    pub deadline_kind: String,
    /// The deadline as counted.
    pub deadline: String,
    /// Time left at the "as of" time (or, overdue, how long ago), in words.
    pub left: String,
    /// Seconds left (negative: overdue), for sorting and tests.
    pub left_seconds: i64,
    /// The unit's score change between the deadline met and missed (exact).
    pub points: Ratio,
    /// `points` at four decimals.
    pub points_text: String,
}

/// The self-audit of one unit for one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Audit {
    /// Whose audit.
    pub level: EntityLevel,
    /// The unit.
    pub name: String,
    /// The report's period.
    pub period: String,
    /// The "as of" time of the fix-first list.
    pub as_of: String,
    /// As the file stands; `None` when no group of the rules scores the unit.
    pub standing: Option<Standing>,
    /// Had every deadline still ahead at `as_of` been met (the still-open tickets).
    pub if_open_met: Option<Standing>,
    /// With the query's fixes (`None` without fixes).
    pub what_if: Option<Standing>,
    /// The previous period, when the caller gave its report.
    pub previous: Option<Standing>,
    /// Every item of the rules, as the unit scored it.
    pub items: Vec<AuditItem>,
    /// Every list the unit has a ticket on, in [`ShortfallKind::ALL`] order.
    pub lists: Vec<AuditList>,
    /// Units below it (a 成员单位's street offices).
    pub sub_units: Vec<SubUnit>,
    /// Open tickets falling due between `as_of` and the period's end, soonest first.
    pub fix_first: Vec<DueItem>,
    /// Open tickets past a deadline at `as_of` (within the period), longest overdue first.
    pub overdue: Vec<DueItem>,
    /// Fixes naming no ticket of the unit on a list (a mistyped 工单编号): listed, never silent.
    pub unknown_fixes: Vec<String>,
}

/// The edit that makes a ticket go right on `kind` (docs/self-audit.md).
pub fn fixed(t: &Ticket, kind: ShortfallKind) -> Ticket {
    let mut e = *t;
    match kind {
        ShortfallKind::SignedLate => e.signed = t.sign_due,
        ShortfallKind::ContactLate => e.first_contact = t.contact_due,
        ShortfallKind::ClosedLate | ShortfallKind::OpenOverdue => e.closed = t.due,
        ShortfallKind::Reworked => e.returned = 0,
        ShortfallKind::Unsatisfied | ShortfallKind::BasicallySatisfied => e.callback = Callback::Satisfied,
        ShortfallKind::NonCompliant => e.audit = AuditResult::Compliant,
        ShortfallKind::FeedbackLate => e.feedback_at = t.feedback_due,
    }
    e
}

/// Whether fixing `kind` can change indicator `i`.
fn lowers(kind: ShortfallKind, i: Indicator) -> bool {
    use Indicator as I;
    use ShortfallKind as K;
    match kind {
        K::SignedLate => matches!(i, I::SignRate),
        K::ContactLate => matches!(i, I::ContactRate),
        K::ClosedLate => matches!(i, I::OnTimeRate | I::OnTime | I::ClosedLate | I::UrgentOnTime),
        K::OpenOverdue => matches!(
            i,
            I::CloseRate
                | I::Closed
                | I::OnTimeRate
                | I::OnTime
                | I::ClosedLate
                | I::OpenOverdue
                | I::UrgentOnTime
        ),
        K::Reworked => matches!(i, I::Reworked | I::ReworkRate | I::FirstTimeRate),
        K::Unsatisfied => matches!(i, I::SatisfactionRate | I::Unsatisfied | I::Satisfied),
        K::BasicallySatisfied => matches!(i, I::SatisfactionRate | I::BasicallySatisfied | I::Satisfied),
        K::NonCompliant => matches!(i, I::AuditRate | I::AuditNonCompliant),
        K::FeedbackLate => matches!(i, I::FeedbackRate),
    }
}

/// The lists of a ticket in `period` (a bit per [`ShortfallKind`]).
fn kinds_of(t: &Ticket, period: Period) -> Vec<ShortfallKind> {
    let mut one = Tally::default();
    one.count(t, period.start(), period.end());
    ShortfallKind::ALL.into_iter().filter(|k| k.count(&one) > 0).collect()
}

/// What a one-ticket change's effect depends on: whose tallies, which side, the counters.
type ChangeKey = (String, bool, [u64; Tally::FIELDS], [u64; Tally::FIELDS]);

fn key_of(scorer: &Scorer, ch: &Change) -> ChangeKey {
    // A level no group scores never changes a score: its name leaves the key, so the tickets of
    // a member unit's many street offices share one scoring at the member level.
    let unit = if scorer.scores_units { ch.unit } else { "" };
    let member = if scorer.scores_members { ch.member } else { "" };
    (member.to_string() + "\u{1}" + unit, ch.province, ch.before.to_array(), ch.after.to_array())
}

/// A change of one ticket: its 承办单位 and 成员单位, side, and its tally before and after.
struct Change<'a> {
    unit: &'a str,
    member: &'a str,
    province: bool,
    before: Tally,
    after: Tally,
}

fn change<'a>(u: &'a UnitTicket, edited: &Ticket, period: Period) -> Change<'a> {
    let (mut before, mut after) = (Tally::default(), Tally::default());
    before.count(&u.ticket, period.start(), period.end());
    after.count(edited, period.start(), period.end());
    Change { unit: &u.unit, member: &u.member, province: u.ticket.from_province, before, after }
}

/// `t − before + after`, counter by counter (`before` is part of `t`: never below zero).
fn apply(t: &Tally, before: &Tally, after: &Tally) -> Tally {
    let (t, b, a) = (t.to_array(), before.to_array(), after.to_array());
    let mut out = [0u64; Tally::FIELDS];
    for (o, ((t, b), a)) in out.iter_mut().zip(t.iter().zip(&b).zip(&a)) {
        *o = t.saturating_sub(*b).saturating_add(*a);
    }
    Tally::from_array(out)
}

/// The scorer: the report's candidates and the rules, re-scored with changes of tickets.
struct Scorer<'a> {
    rules: &'a RuleSet,
    ctx: Context<'a>,
    candidates: Vec<Candidate>,
    level: EntityLevel,
    name: &'a str,
    /// Whether some group scores 承办单位, and whether some group scores 成员单位.
    scores_units: bool,
    scores_members: bool,
}

impl<'a> Scorer<'a> {
    fn new(
        report: &Report,
        rules: &'a RuleSet,
        ctx: &Context<'a>,
        level: EntityLevel,
        name: &'a str,
    ) -> Scorer<'a> {
        let months = report.period.as_ref().map_or(1, |p| p.period.months().max(1) as u32);
        let scores = |l: EntityLevel| {
            (rules.groups.is_empty() && l == rules.level)
                || rules.groups.iter().any(|g| g.level.unwrap_or(rules.level) == l)
        };
        let (scores_units, scores_members) = (scores(EntityLevel::Unit), scores(EntityLevel::Member));
        // Only the levels scored: the other level's entities would be placed in no group, each
        // of a thousand scorings over again.
        let mut candidates = report.candidates();
        candidates.retain(|c| match c.level {
            EntityLevel::Unit => scores_units,
            EntityLevel::Member => scores_members,
        });
        Scorer {
            rules,
            ctx: Context { months, ..*ctx },
            candidates,
            level,
            name,
            scores_units,
            scores_members,
        }
    }

    fn scores(&self, changes: &[Change]) -> Scores {
        if changes.is_empty() {
            return crate::score::score(self.rules, &self.candidates, &self.ctx);
        }
        let mut c = self.candidates.clone();
        for ch in changes {
            // Every entity the ticket counts for: its 承办单位 and its 成员单位 (the same entity
            // once when it is its own member unit).
            for e in c.iter_mut() {
                let hit = (e.level == EntityLevel::Unit && e.name == ch.unit)
                    || (e.level == EntityLevel::Member && e.name == ch.member);
                if hit {
                    let side = if ch.province { &mut e.tallies.0[1] } else { &mut e.tallies.0[0] };
                    *side = apply(side, &ch.before, &ch.after);
                }
            }
        }
        crate::score::score(self.rules, &c, &self.ctx)
    }

    fn standing(&self, changes: &[Change]) -> Option<Standing> {
        standing_in(self.rules, &self.scores(changes), self.level, self.name)
    }

    /// The unit's exact score with these changes (`None`: not scored).
    fn exact(&self, changes: &[Change]) -> Option<Ratio> {
        self.standing(changes).map(|s| s.exact)
    }
}

/// The standing of `name` at `level` in `scores`.
pub fn standing_in(rules: &RuleSet, scores: &Scores, level: EntityLevel, name: &str) -> Option<Standing> {
    let (gi, g) = scores.groups.iter().enumerate().find(|(i, g)| {
        rules.groups.get(*i).is_some_and(|rg| rg.level.unwrap_or(rules.level) == level)
            && g.rows.iter().any(|r| r.name == name)
    })?;
    let _ = gi;
    let row = g.rows.iter().find(|r| r.name == name)?;
    let ranked: Vec<&ScoreRow> = g.rows.iter().filter(|r| r.rank.is_some()).collect();
    let printed: Vec<Ratio> = ranked.iter().filter_map(|r| Ratio::parse_decimal(&r.score)).collect();
    let mean = if printed.is_empty() {
        "—".to_string()
    } else {
        let sum = printed.iter().try_fold(Ratio::ZERO, |a, b| a.checked_add(*b));
        sum.and_then(|s| s.checked_div(Ratio::count(printed.len() as u64)))
            .and_then(|m| m.checked_to_fixed(g.decimals))
            .unwrap_or_else(|| "—".into())
    };
    Some(Standing {
        group: g.name.clone(),
        score: row.score.clone(),
        exact: row.exact,
        full_score: g.full_score,
        rank: row.rank,
        of: ranked.len() as u32,
        grade: row.grade.clone(),
        group_mean: mean,
        group_best: ranked.first().map_or_else(|| "—".into(), |r| r.score.clone()),
        note: row.note.clone(),
        row: Some(row.clone()),
    })
}

fn points_text(r: Ratio) -> String {
    r.to_fixed(4)
}

/// A duration in words: 2天3小时, 5小时12分钟, 40分钟.
pub fn duration_words(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    let text = match (d, h, m) {
        (0, 0, m) => format!("{m}分钟"),
        (0, h, m) => format!("{h}小时{m}分钟"),
        (d, h, _) => format!("{d}天{h}小时"),
    };
    if seconds < 0 {
        format!("超期{text}")
    } else {
        text
    }
}

fn late_of(t: &Ticket, kind: ShortfallKind, period: Period) -> String {
    let gap = |due: Stamp, done: Stamp| -> String {
        if due.is_none() {
            return String::new();
        }
        // Never done: late until the period's end.
        let done = if done.is_none() { period.end() } else { done };
        let late = i64::from(done.0) - i64::from(due.0);
        if late > 0 {
            duration_words(late)
        } else {
            String::new()
        }
    };
    match kind {
        ShortfallKind::SignedLate => gap(t.sign_due, t.signed),
        ShortfallKind::ContactLate => gap(t.contact_due, t.first_contact),
        ShortfallKind::ClosedLate | ShortfallKind::OpenOverdue => gap(t.due, t.closed),
        ShortfallKind::FeedbackLate => gap(t.feedback_due, t.feedback_at),
        _ => String::new(),
    }
}

fn display_row(u: &UnitTicket) -> ShortfallRow {
    crate::report::shortfall::row_of(&u.ticket, &u.id, &u.unit, &u.category, 0)
}

/// The item's formula in words and numbers.
fn formula(item: &Item, value: &str, points: Option<Ratio>, lost: Option<Ratio>) -> String {
    let p = |r: Option<Ratio>| r.map_or_else(|| "不计".to_string(), |r| format!("{}分", r.to_fixed(2)));
    let lost_text = match lost {
        Some(l) if l > Ratio::ZERO => format!("，失 {}分", l.to_fixed(2)),
        _ => String::new(),
    };
    let body = match item {
        Item::Weighted { weight, .. } => format!("{} {value} × {} = {}", item.name(), weight.0, p(points)),
        Item::RateGap { weight, .. } => format!("{} × (1 − {value}) = {}", weight.0, p(points)),
        Item::Threshold { full, threshold, per_point, as_deduction, .. } if *as_deduction => format!(
            "{} {value}：低于 {} 每点扣 {} 分，最多扣 {} 分 = {}",
            item.name(),
            threshold.0,
            per_point.0,
            full.0,
            p(points)
        ),
        Item::Threshold { full, threshold, per_point, .. } => format!(
            "{} {value}：满分 {}，低于 {} 每点扣 {} 分 = {}",
            item.name(),
            full.0,
            threshold.0,
            per_point.0,
            p(points)
        ),
        Item::Steps { .. } => format!("{} {value} 所达档次 = {}", item.name(), p(points)),
        Item::PerTicket { per_ticket, cap, .. } => {
            let cap = cap.as_ref().map_or(String::new(), |c| format!("（上限 {}）", c.0));
            format!("{} {value} 件 × {}{cap} = {}", item.name(), per_ticket.0, p(points))
        }
        Item::VolumeBonus { reference, per_ticket, cap, .. } => {
            format!(
                "{}：({value} − {}) × {}（上限 {}）= {}",
                item.name(),
                reference.0,
                per_ticket.0,
                cap.0,
                p(points)
            )
        }
        Item::Adjustment { .. } => format!("{}：加减分文件合计 {}", item.name(), p(points)),
    };
    format!("{body}{lost_text}")
}

/// The standing with the query's fixes (`None` without fixes) and the fixes naming no ticket of
/// the unit on a list.
fn fixes_standing(
    scorer: &Scorer,
    on_lists: &[(&UnitTicket, Vec<ShortfallKind>)],
    query: &AuditQuery,
    period: Period,
) -> (Option<Standing>, Vec<String>) {
    if query.fixes.is_empty() && !query.fix_all {
        return (None, Vec::new());
    }
    // Each ticket edited once, with every fix asked of it.
    let mut edits: Vec<(&UnitTicket, Ticket)> = Vec::new();
    for (u, ks) in on_lists {
        let asked: Vec<&Fix> = query.fixes.iter().filter(|f| f.id == u.id).collect();
        let mut e = u.ticket;
        for k in ks {
            if query.fix_all || asked.iter().any(|f| f.kind.is_none() || f.kind == Some(*k)) {
                e = fixed(&e, *k);
            }
        }
        if e != u.ticket {
            edits.push((u, e));
        }
    }
    let unknown = query
        .fixes
        .iter()
        .filter(|f| !on_lists.iter().any(|(u, ks)| u.id == f.id && f.kind.is_none_or(|k| ks.contains(&k))))
        .map(|f| match f.kind {
            Some(k) => format!("{}:{}", f.id, k.key()),
            None => f.id.clone(),
        })
        .collect();
    let changes: Vec<Change> = edits.iter().map(|(u, e)| change(u, e, period)).collect();
    (scorer.standing(&changes), unknown)
}

/// Only the what-if of [`audit`] (假如): the standing with the query's fixes and the fixes that
/// name no ticket on a list. What a tick on the page asks: one re-count of the ticked tickets and
/// one scoring, not the whole audit.
pub fn what_if(
    report: &Report,
    rules: &RuleSet,
    ctx: &Context,
    tickets: &[UnitTicket],
    query: &AuditQuery,
) -> (Option<Standing>, Vec<String>) {
    let Some(period) = report.period.as_ref().map(|p| p.period) else { return (None, Vec::new()) };
    let scorer = Scorer::new(report, rules, ctx, query.level, &query.name);
    // A set: a unit holds a hundred thousand tickets at 1M, and a tick may name a hundred.
    let asked: std::collections::HashSet<&str> = query.fixes.iter().map(|f| f.id.as_str()).collect();
    let on_lists: Vec<(&UnitTicket, Vec<ShortfallKind>)> = tickets
        .iter()
        .filter(|u| query.fix_all || asked.contains(u.id.as_str()))
        .map(|u| (u, kinds_of(&u.ticket, period)))
        .filter(|(_, k)| !k.is_empty())
        .collect();
    fixes_standing(&scorer, &on_lists, query, period)
}

/// Sets the time a deadline was met (签收时间 for 签收时限, …).
type SetDone = fn(&mut Ticket, Stamp);

/// The audit of `query` on `report` (made under `rules`, for its period) from the unit's tickets
/// ([`unit_tickets`]); `previous`, the report of the period before, for its standing.
pub fn audit(
    report: &Report,
    previous: Option<&Report>,
    rules: &RuleSet,
    ctx: &Context,
    tickets: &[UnitTicket],
    query: &AuditQuery,
) -> Audit {
    let period =
        report.period.as_ref().map(|p| p.period).unwrap_or_else(|| Period::month(crate::Month::new(2000, 1)));
    let scorer = Scorer::new(report, rules, ctx, query.level, &query.name);
    let standing = scorer.standing(&[]);
    let base = standing.as_ref().map(|s| s.exact);
    let gain = |changes: &[Change]| -> Ratio {
        match (base, scorer.exact(changes)) {
            (Some(b), Some(a)) => a.checked_sub(b).unwrap_or(Ratio::ZERO),
            _ => Ratio::ZERO,
        }
    };
    // Memo by the change's counters: most tickets of a list change the same counters.
    let mut memo: std::collections::HashMap<ChangeKey, Ratio> = Default::default();
    let mut gain_of = |ch: Change| -> Ratio {
        let key = key_of(&scorer, &ch);
        if let Some(r) = memo.get(&key) {
            return *r;
        }
        let r = gain(std::slice::from_ref(&ch));
        memo.insert(key, r);
        r
    };

    // The lists, each ticket with what it alone costs.
    let on_lists: Vec<(&UnitTicket, Vec<ShortfallKind>)> =
        tickets.iter().map(|u| (u, kinds_of(&u.ticket, period))).filter(|(_, k)| !k.is_empty()).collect();
    let mut lists = Vec::new();
    for kind in ShortfallKind::ALL {
        let mut rows = Vec::new();
        let mut all = Vec::new();
        for (i, kinds) in &on_lists {
            if !kinds.contains(&kind) {
                continue;
            }
            let u = *i;
            let edited = fixed(&u.ticket, kind);
            all.push((u, edited));
            let points = gain_of(change(u, &edited, period));
            let row = display_row(u);
            rows.push(AuditTicket {
                id: u.id.clone(),
                line: u.ticket.line,
                unit: u.unit.clone(),
                facts: kind.facts(&row).iter().map(|(h, v)| (h.to_string(), v.clone())).collect(),
                late: late_of(&u.ticket, kind, period),
                points,
                points_text: points_text(points),
            });
        }
        if rows.is_empty() {
            continue;
        }
        rows.sort_by(|a, b| b.points.cmp(&a.points).then(a.line.cmp(&b.line)));
        let changes: Vec<Change> = all.iter().map(|(u, e)| change(u, e, period)).collect();
        let items = rules
            .items
            .iter()
            .filter(|it| it.indicator().and_then(Indicator::from_key).is_some_and(|i| lowers(kind, i)))
            .map(|it| it.name().to_string())
            .collect();
        lists.push(AuditList {
            kind,
            label: kind.label().to_string(),
            items,
            count: rows.len() as u64,
            points: gain(&changes),
            rows,
        });
    }

    // Items: points, and points had every ticket behind the item gone right.
    let mut items = Vec::new();
    if let Some(st) = &standing {
        let unit_split = report_split(report, query.level, &query.name);
        for (ii, item) in rules.items.iter().enumerate() {
            let Some(ip) = st.row.as_ref().and_then(|r| r.items.get(ii)) else { continue };
            let indicator = item.indicator().and_then(Indicator::from_key);
            let kinds: Vec<ShortfallKind> =
                ShortfallKind::ALL.into_iter().filter(|k| indicator.is_some_and(|i| lowers(*k, i))).collect();
            let changes: Vec<Change> = on_lists
                .iter()
                .flat_map(|(i, ks)| {
                    let u = *i;
                    let mut e = u.ticket;
                    let mut any = false;
                    for k in ks.iter().filter(|k| kinds.contains(k)) {
                        e = fixed(&e, *k);
                        any = true;
                    }
                    any.then(|| change(u, &e, period))
                })
                .collect();
            let best = if changes.is_empty() {
                ip.points
            } else {
                scorer
                    .standing(&changes)
                    .and_then(|s| s.row)
                    .and_then(|r| r.items.get(ii).and_then(|x| x.points))
            };
            let lost = match (best, ip.points) {
                (Some(b), Some(p)) => b.checked_sub(p),
                _ => None,
            };
            let (numerator, denominator) = match (indicator, &unit_split) {
                (Some(i), Some(s)) => {
                    let scope = item.scope();
                    let t = match scope {
                        Scope::All => s.all(),
                        Scope::Municipal => *s.municipal(),
                        Scope::Province => *s.province(),
                    };
                    let f = Figures::from_tally(&t, &rules.indicator_options);
                    match f.get(i) {
                        crate::count::catalogue::Value::Rate(r) => (Some(r.num), Some(r.den)),
                        crate::count::catalogue::Value::Count(n) => (Some(n), None),
                    }
                }
                _ => (None, None),
            };
            items.push(AuditItem {
                item: item.name().to_string(),
                indicator: item.indicator().map(str::to_string),
                value: ip.value.clone(),
                numerator,
                denominator,
                points: ip.points,
                best,
                lost,
                formula: formula(item, &ip.value, ip.points, lost),
                kinds,
            });
        }
    }

    // The what-if: the fixes asked, each ticket edited once with all its fixes.
    let (what_if, unknown_fixes) = fixes_standing(&scorer, &on_lists, query, period);

    // Fix first: deadlines of open tickets between `as_of` and the period's end; and those passed.
    let as_of = query.as_of.or_else(|| tickets.iter().filter_map(|u| latest_of(&u.ticket)).max());
    let (mut fix_first, mut overdue, mut met_all) = (Vec::new(), Vec::new(), Vec::new());
    // Memo by the change's counters, as for the lists: most deadlines change the same counters.
    let mut exact_memo: std::collections::HashMap<ChangeKey, Option<Ratio>> = Default::default();
    let mut exact_one = |ch: Change| -> Option<Ratio> {
        *exact_memo.entry(key_of(&scorer, &ch)).or_insert_with(|| scorer.exact(std::slice::from_ref(&ch)))
    };
    if let Some(now) = as_of {
        for u in tickets {
            let t = &u.ticket;
            if !t.is_transferred() {
                continue;
            }
            let deadlines: [(&str, Stamp, Stamp, SetDone); 4] = [
                ("签收", t.sign_due, t.signed, |e, s| e.signed = s),
                ("首次联系", t.contact_due, t.first_contact, |e, s| e.first_contact = s),
                ("办结", t.due, t.closed, |e, s| e.closed = s),
                ("反馈", t.feedback_due, t.feedback_at, |e, s| e.feedback_at = s),
            ];
            let mut all_met = *t;
            for (label, due, done, set) in deadlines {
                // Open at `as_of`: not done, or done only after it.
                if due.is_none() || (done.is_some() && done <= now) || due >= period.end() {
                    continue;
                }
                if due >= now {
                    set(&mut all_met, due);
                }
                if due < period.start() {
                    continue;
                }
                let (mut met, mut missed) = (*t, *t);
                set(&mut met, due);
                set(&mut missed, Stamp::NONE);
                let points = {
                    let m = exact_one(change(u, &met, period));
                    let x = exact_one(change(u, &missed, period));
                    match (m, x) {
                        (Some(m), Some(x)) => m.checked_sub(x).unwrap_or(Ratio::ZERO),
                        _ => Ratio::ZERO,
                    }
                };
                let left = i64::from(due.0) - i64::from(now.0);
                let item = DueItem {
                    id: u.id.clone(),
                    line: t.line,
                    unit: u.unit.clone(),
                    deadline_kind: label.to_string(),
                    deadline: due.to_string(),
                    left: duration_words(left),
                    left_seconds: left,
                    points,
                    points_text: points_text(points),
                };
                if left >= 0 {
                    fix_first.push(item);
                } else {
                    overdue.push(item);
                }
            }
            if all_met != *t {
                met_all.push((u, all_met));
            }
        }
    }
    fix_first.sort_by(|a, b| a.left_seconds.cmp(&b.left_seconds).then(a.line.cmp(&b.line)));
    overdue.sort_by(|a, b| a.left_seconds.cmp(&b.left_seconds).then(a.line.cmp(&b.line)));
    let if_open_met = {
        let changes: Vec<Change> = met_all.iter().map(|(u, e)| change(u, e, period)).collect();
        scorer.standing(&changes)
    };

    // Units below: the parent's gain had all of a unit's losing tickets gone right.
    let mut sub_units = Vec::new();
    if query.level == EntityLevel::Member {
        let unit_scores = scorer.scores(&[]);
        let mut names: Vec<&str> =
            tickets.iter().map(|u| u.unit.as_str()).filter(|n| *n != query.name).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let changes: Vec<Change> = on_lists
                .iter()
                .filter(|(i, _)| i.unit == name)
                .map(|(i, ks)| {
                    let u = *i;
                    let e = ks.iter().fold(u.ticket, |e, k| fixed(&e, *k));
                    change(u, &e, period)
                })
                .collect();
            let own = standing_in(rules, &unit_scores, EntityLevel::Unit, name);
            let parent_gain = gain(&changes);
            sub_units.push(SubUnit {
                name: name.to_string(),
                score: own.as_ref().map(|s| s.score.clone()),
                rank: own.and_then(|s| s.rank),
                losing: changes.len() as u64,
                parent_gain,
                parent_gain_text: points_text(parent_gain),
            });
        }
        sub_units.sort_by(|a, b| b.parent_gain.cmp(&a.parent_gain).then_with(|| a.name.cmp(&b.name)));
    }

    let previous = previous.and_then(|p| {
        let s = Scorer::new(p, rules, ctx, query.level, &query.name);
        s.standing(&[])
    });
    Audit {
        level: query.level,
        name: query.name.clone(),
        period: period.label(),
        as_of: as_of.map(|s| s.to_string()).unwrap_or_default(),
        standing,
        if_open_met,
        what_if,
        previous,
        items,
        lists,
        sub_units,
        fix_first,
        overdue,
        unknown_fixes,
    }
}

/// One period of a unit's scores month by month (the audit's chart and table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthScore {
    /// The period's label (2021年2月).
    pub period: String,
    /// The unit's printed score; `None` when no group scores it that month.
    pub score: Option<String>,
    /// Its rank in its group.
    pub rank: Option<u32>,
    /// Ranked units in the group.
    pub of: u32,
    /// Each item of the rules: (item, figure as shown, points as printed or `—`).
    pub items: Vec<(String, String, String)>,
}

/// The unit's standing and item figures in each of `reports` (one per month, in order), scored
/// by `rules` as [`audit`] scores one period.
pub fn monthly(
    reports: &[Report],
    rules: &RuleSet,
    ctx: &Context,
    level: EntityLevel,
    name: &str,
) -> Vec<MonthScore> {
    reports
        .iter()
        .map(|r| {
            let s = Scorer::new(r, rules, ctx, level, name).standing(&[]);
            let items = match s.as_ref().and_then(|s| s.row.as_ref()) {
                Some(row) => rules
                    .items
                    .iter()
                    .zip(&row.items)
                    .map(|(it, ip)| {
                        let points = ip.points.map_or_else(|| "—".to_string(), |p| p.to_fixed(2));
                        (it.name().to_string(), ip.value.clone(), points)
                    })
                    .collect(),
                None => Vec::new(),
            };
            MonthScore {
                period: r.period.as_ref().map(|p| p.label.clone()).unwrap_or_default(),
                score: s.as_ref().map(|s| s.score.clone()),
                rank: s.as_ref().and_then(|s| s.rank),
                of: s.as_ref().map_or(0, |s| s.of),
                items,
            }
        })
        .collect()
}

/// The unit's tallies in the report.
fn report_split(report: &Report, level: EntityLevel, name: &str) -> Option<Split> {
    let list = match level {
        EntityLevel::Unit => &report.units,
        EntityLevel::Member => &report.members,
    };
    list.iter().find(|e| e.name == name).map(|e| e.tallies)
}

impl Audit {
    /// The audit as pretty-printed JSON (docs/report-json.md, "audit").
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The tickets of every list as CSV (UTF-8 with BOM): one line per ticket and list.
    pub fn lists_csv(&self) -> String {
        let mut out =
            String::from("\u{feff}扣分类型,工单编号,行号,承办单位,时间一,时间二,超时,单独影响分值\n");
        for l in &self.lists {
            for r in &l.rows {
                let fact = |i: usize| r.facts.get(i).map_or(String::new(), |(h, v)| format!("{h} {v}"));
                let f = [
                    l.label.clone(),
                    r.id.clone(),
                    r.line.to_string(),
                    r.unit.clone(),
                    fact(0),
                    fact(1),
                    r.late.clone(),
                    r.points_text.clone(),
                ];
                let line: Vec<String> = f.iter().map(|x| crate::csv_field(x).into_owned()).collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
        }
        out
    }

    /// The fix-first list and the overdue open tickets as CSV (UTF-8 with BOM).
    pub fn due_csv(&self) -> String {
        let mut out = String::from("\u{feff}状态,工单编号,行号,承办单位,时限类型,时限,剩余时间,错过将失分\n");
        for (state, list) in [("临期", &self.fix_first), ("已超期", &self.overdue)] {
            for d in list.iter() {
                let f = [
                    state.to_string(),
                    d.id.clone(),
                    d.line.to_string(),
                    d.unit.clone(),
                    d.deadline_kind.clone(),
                    d.deadline.clone(),
                    d.left.clone(),
                    d.points_text.clone(),
                ];
                let line: Vec<String> = f.iter().map(|x| crate::csv_field(x).into_owned()).collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
        }
        out
    }
}
