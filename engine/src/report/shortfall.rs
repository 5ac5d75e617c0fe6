//! Shortfalls (扣分工单): for one unit and period, the tickets that cost it on each indicator.
//! These are the self-audit's lists: a unit's staff see which tickets lowered a rate.
//!
//! ```
//! use hotline_engine::count::entity::{EntityLevel, Scope};
//! use hotline_engine::report::shortfall::{find, ShortfallKind, ShortfallQuery};
//! use hotline_engine::{ingest_bytes, IngestOptions, Month, Period, ReportOptions};
//! let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
//!            A1,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-05 12:00\n\
//!            A2,2021-02-02 09:00,微信,投诉,转办,海州区,2021-02-02 10:00,2021-02-09,2021-02-12 12:00\n";
//! let done = ingest_bytes(csv.as_bytes(), IngestOptions::default()).unwrap();
//! let query = ShortfallQuery {
//!     level: EntityLevel::Unit,
//!     name: "海州区".into(),
//!     scope: Scope::All,
//!     period: Period::month(Month::new(2021, 2)),
//! };
//! let found = find(&done.store, &ReportOptions::default(), &query);
//! // A2 closed three days after its 办理时限: the one ticket behind 按期办结率 50 %.
//! assert_eq!(found.count(ShortfallKind::ClosedLate), 1);
//! assert_eq!(found.rows[0].id, "A2");
//! assert_eq!(found.rows[0].closed, "2021-02-12 12:00:00");
//! ```
//!
//! Invariant: a list holds exactly the tickets its figure counts. Each ticket's own [`Tally`]
//! (made by [`Tally::count`], the definition every figure is summed from) says which lists it is
//! on, so a kind's count for a unit always equals the figure the unit table shows
//! ([`ShortfallKind::count`] of the unit's tally; `engine/tests/shortfall.rs`).
//!
//! Where the tickets are not kept (a file streamed beyond memory), [`ShortfallScan`] reads the
//! file a second time and keeps only the chosen unit's shortfalls.

use crate::count::catalogue::Indicator;
use crate::count::entity::{EntityLevel, Scope};
use crate::count::indicators::Tally;
use crate::read::ingest::{FileError, Ingest, IngestOptions};
use crate::report::ReportOptions;
use crate::tickets::deadlines::{DeadlineErrors, DeadlinePlan};
use crate::tickets::period::Period;
use crate::tickets::store::{Callback, NameId, Ticket, TicketStore, NO_NAME};
use crate::time::Stamp;
use serde::{Deserialize, Serialize};

/// The ways a ticket can cost its unit: one list each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ShortfallKind {
    /// 签收超时: dispatched in the period, signed for after its 签收时限 (or never).
    SignedLate,
    /// 首次联系超时: first contact after its 首次联系时限 (or none).
    ContactLate,
    /// 超期办理: due in the period, closed by its end but after the 办理时限.
    ClosedLate,
    /// 超期未结: due in the period and not closed by its end.
    OpenOverdue,
    /// 返工: due in the period and sent back at least once (一次完成率).
    Reworked,
    /// 不满意 at a callback in the period.
    Unsatisfied,
    /// 基本满意 at a callback in the period: costs points only where 基本满意 is not counted as
    /// satisfied (the indicator options).
    BasicallySatisfied,
    /// 答复抽检 不规范, closed in the period.
    NonCompliant,
    /// 反馈超时: 反馈时限 in the period, fed back after it (or never).
    FeedbackLate,
}

impl ShortfallKind {
    /// Every list, in the order the page, the CSV and `Shortfalls::counts` use.
    pub const ALL: [ShortfallKind; 9] = [
        ShortfallKind::SignedLate,
        ShortfallKind::ContactLate,
        ShortfallKind::ClosedLate,
        ShortfallKind::OpenOverdue,
        ShortfallKind::Reworked,
        ShortfallKind::Unsatisfied,
        ShortfallKind::BasicallySatisfied,
        ShortfallKind::NonCompliant,
        ShortfallKind::FeedbackLate,
    ];

    /// The list's Chinese name (签收超时, 超期办理, …), as the page and the CSV show it.
    pub fn label(self) -> &'static str {
        match self {
            ShortfallKind::SignedLate => "签收超时",
            ShortfallKind::ContactLate => "首次联系超时",
            ShortfallKind::ClosedLate => "超期办理",
            ShortfallKind::OpenOverdue => "超期未结",
            ShortfallKind::Reworked => "返工",
            ShortfallKind::Unsatisfied => "不满意",
            ShortfallKind::BasicallySatisfied => "基本满意",
            ShortfallKind::NonCompliant => "答复不规范",
            ShortfallKind::FeedbackLate => "反馈超时",
        }
    }

    /// The English name (docs/indicators.md), used as a CSV value and an HTML attribute.
    pub fn key(self) -> &'static str {
        match self {
            ShortfallKind::SignedLate => "signed_late",
            ShortfallKind::ContactLate => "contact_late",
            ShortfallKind::ClosedLate => "closed_late",
            ShortfallKind::OpenOverdue => "open_overdue",
            ShortfallKind::Reworked => "reworked",
            ShortfallKind::Unsatisfied => "unsatisfied",
            ShortfallKind::BasicallySatisfied => "basically_satisfied",
            ShortfallKind::NonCompliant => "non_compliant",
            ShortfallKind::FeedbackLate => "feedback_late",
        }
    }

    /// The indicators this list lowers.
    pub fn indicators(self) -> &'static [Indicator] {
        match self {
            ShortfallKind::SignedLate => &[Indicator::SignRate],
            ShortfallKind::ContactLate => &[Indicator::ContactRate],
            ShortfallKind::ClosedLate => &[Indicator::OnTimeRate],
            ShortfallKind::OpenOverdue => &[Indicator::CloseRate, Indicator::OnTimeRate],
            ShortfallKind::Reworked => &[Indicator::FirstTimeRate],
            ShortfallKind::Unsatisfied | ShortfallKind::BasicallySatisfied => &[Indicator::SatisfactionRate],
            ShortfallKind::NonCompliant => &[Indicator::AuditRate],
            ShortfallKind::FeedbackLate => &[Indicator::FeedbackRate],
        }
    }

    /// The Chinese labels of the indicators this list lowers ("办结率、按期办结率").
    pub fn indicator(self) -> String {
        let labels: Vec<&str> = self.indicators().iter().map(|i| i.label_zh()).collect();
        labels.join("、")
    }

    /// How many of a tally's tickets are on this list: the figure the list adds up to. For one
    /// ticket's own tally it is 0 or 1.
    pub fn count(self, t: &Tally) -> u64 {
        match self {
            ShortfallKind::SignedLate => t.sign_due_known - t.signed_on_time,
            ShortfallKind::ContactLate => t.contact_due_known - t.contacted_on_time,
            ShortfallKind::ClosedLate => t.closed_late(),
            ShortfallKind::OpenOverdue => t.open_overdue(),
            ShortfallKind::Reworked => t.reworked,
            ShortfallKind::Unsatisfied => t.unsatisfied,
            ShortfallKind::BasicallySatisfied => t.basically_satisfied,
            ShortfallKind::NonCompliant => t.audit_non_compliant,
            ShortfallKind::FeedbackLate => t.feedback_due - t.feedback_on_time,
        }
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }

    /// The two facts that put a ticket on this list: (header, value) of a row.
    pub fn facts(self, r: &ShortfallRow) -> [(&'static str, String); 2] {
        let s = |v: &str| v.to_string();
        match self {
            ShortfallKind::SignedLate => [("签收时限", s(&r.sign_due)), ("签收时间", s(&r.signed))],
            ShortfallKind::ContactLate => {
                [("首次联系时限", s(&r.contact_due)), ("首次联系时间", s(&r.first_contact))]
            }
            ShortfallKind::ClosedLate | ShortfallKind::OpenOverdue => {
                [("办理时限", s(&r.due)), ("办结时间", s(&r.closed))]
            }
            ShortfallKind::Reworked => [("办理时限", s(&r.due)), ("退回次数", r.returned.to_string())],
            ShortfallKind::Unsatisfied | ShortfallKind::BasicallySatisfied => {
                [("回访时间", s(&r.callback_at)), ("回访结果", s(&r.callback))]
            }
            ShortfallKind::NonCompliant => [("办结时间", s(&r.closed)), ("答复抽检", "不规范".into())],
            ShortfallKind::FeedbackLate => {
                [("反馈时限", s(&r.feedback_due)), ("反馈时间", s(&r.feedback_at))]
            }
        }
    }
}

/// Whose lists, for which period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortfallQuery {
    /// Whether `name` is a 承办单位 or a 成员单位.
    pub level: EntityLevel,
    /// The unit's name exactly as the file (or the registry) spells it.
    pub name: String,
    /// Which of its tickets: 全部, 市派 or 省派.
    pub scope: Scope,
    /// The report's period: each list matches its figure for this period.
    pub period: Period,
}

/// One ticket on at least one list, as the self-audit shows it. Times are as counted (deadlines
/// from working days and rules filled in), `YYYY-MM-DD hh:mm:ss`, empty when the field is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortfallRow {
    /// Line of the file the ticket was read from.
    pub line: u32,
    /// 工单编号.
    pub id: String,
    /// 承办单位 (for a member's lists, the unit below it that handled the ticket).
    pub unit: String,
    /// 问题分类; empty when the row leaves it empty.
    pub category: String,
    /// 受理时间.
    pub received: String,
    /// 派单时间.
    pub dispatched: String,
    /// 签收时限 as counted (a rule file may fill it in).
    pub sign_due: String,
    /// 签收时间; empty = never signed (late).
    pub signed: String,
    /// 首次联系时限.
    pub contact_due: String,
    /// 首次联系时间; empty = never contacted (late).
    pub first_contact: String,
    /// 办理时限 as counted (working days and rule deadlines turned into a time).
    pub due: String,
    /// 办结时间; empty = still open.
    pub closed: String,
    /// The callback's time as counted: 回访时间, else 办结时间 (直接答复: 受理时间); empty when no
    /// callback.
    pub callback_at: String,
    /// 回访结果 in Chinese (满意, 基本满意, 不满意, 未回访); empty when no callback.
    pub callback: String,
    /// 反馈时限.
    pub feedback_due: String,
    /// 反馈时间; empty = no feedback (late).
    pub feedback_at: String,
    /// 退回次数 (0 when empty); above 0 puts a due ticket on the 返工 list.
    pub returned: u16,
    /// The lists it is on, in [`ShortfallKind::ALL`] order.
    pub kinds: Vec<ShortfallKind>,
}

/// The lists of one query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfalls {
    /// Whose lists these are: entity, scope and period.
    pub query: ShortfallQuery,
    /// Tickets per list, in [`ShortfallKind::ALL`] order: always the full count.
    pub counts: Vec<u64>,
    /// Every ticket on a list, in file order ([`Shortfalls::excerpt`] keeps fewer).
    pub rows: Vec<ShortfallRow>,
    /// False when `rows` is an excerpt.
    pub complete: bool,
}

impl Shortfalls {
    fn new(query: ShortfallQuery) -> Shortfalls {
        Shortfalls { query, counts: vec![0; ShortfallKind::ALL.len()], rows: Vec::new(), complete: true }
    }

    /// Tickets on list `kind`: the full count even when `rows` is an excerpt.
    pub fn count(&self, kind: ShortfallKind) -> u64 {
        self.counts.get(kind as usize).copied().unwrap_or(0)
    }

    /// The rows of one list, in file order.
    pub fn of(&self, kind: ShortfallKind) -> impl Iterator<Item = &ShortfallRow> {
        self.rows.iter().filter(move |r| r.kinds.contains(&kind))
    }

    /// The first `limit` rows of each list (what a page shows; the counts stay whole).
    pub fn excerpt(&self, limit: usize) -> Shortfalls {
        let mut taken = [0usize; 9];
        let rows: Vec<ShortfallRow> = self
            .rows
            .iter()
            .filter(|r| {
                let keep = r.kinds.iter().any(|k| taken.get(*k as usize).is_some_and(|&n| n < limit));
                if keep {
                    for k in &r.kinds {
                        if let Some(n) = taken.get_mut(*k as usize) {
                            *n += 1;
                        }
                    }
                }
                keep
            })
            .cloned()
            .collect();
        let complete = self.complete && rows.len() == self.rows.len();
        Shortfalls { query: self.query.clone(), counts: self.counts.clone(), rows, complete }
    }

    /// Every row as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read it): one line
    /// per ticket and list it is on.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("\u{feff}扣分类型,指标,工单编号,行号,承办单位,问题分类,受理时间,派单时间,签收时限,签收时间,首次联系时限,首次联系时间,办理时限,办结时间,退回次数,回访时间,回访结果,反馈时限,反馈时间\n");
        for kind in ShortfallKind::ALL {
            let indicator = kind.indicator();
            for r in self.of(kind) {
                let fields = [
                    kind.label(),
                    &indicator,
                    &r.id,
                    &r.line.to_string(),
                    &r.unit,
                    &r.category,
                    &r.received,
                    &r.dispatched,
                    &r.sign_due,
                    &r.signed,
                    &r.contact_due,
                    &r.first_contact,
                    &r.due,
                    &r.closed,
                    &r.returned.to_string(),
                    &r.callback_at,
                    &r.callback,
                    &r.feedback_due,
                    &r.feedback_at,
                ];
                let line: Vec<_> = fields.iter().map(|f| crate::csv_field(f)).collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
        }
        out
    }

    /// Adds the shortfalls of `store`'s tickets (one batch of a streamed file, or all of them).
    fn add(&mut self, store: &TicketStore, o: &ReportOptions) {
        let q = &self.query;
        let Some(owner) = Owner::new(store, o, q.level, &q.name) else { return };
        let plan = DeadlinePlan { rules: o.deadlines.clone() };
        let with_plan = plan.needed(store);
        let mut errors = DeadlineErrors::default();
        let (start, end) = (q.period.start(), q.period.end());
        for (i, raw) in store.tickets.iter().enumerate() {
            if !owner.owns(raw) || !q.scope.admits(raw.from_province) {
                continue;
            }
            // As counted: the same deadlines `count_period` applies.
            let t = if with_plan { errors.apply(&plan, raw) } else { *raw };
            let mut one = Tally::default();
            one.count(&t, start, end);
            let mut mask = 0u16;
            for kind in ShortfallKind::ALL {
                if kind.count(&one) > 0 {
                    mask |= kind.bit();
                    if let Some(c) = self.counts.get_mut(kind as usize) {
                        *c += 1;
                    }
                }
            }
            if mask != 0 {
                let category = store.categories.get(t.category);
                self.rows.push(row_of(&t, store.id(i), store.units.get(t.unit), category, mask));
            }
        }
    }
}

/// Which tickets are one entity's: a 承办单位's own, or a 成员单位's (by 上级单位 as filled, else
/// the registry's, else the unit itself), as every count rolls them up.
pub(crate) struct Owner {
    level: EntityLevel,
    target: NameId,
    parents: Vec<NameId>,
    extra: Vec<String>,
}

impl Owner {
    /// The owner `name` at `level` in `store`; `None` when the store never names it.
    pub(crate) fn new(
        store: &TicketStore,
        o: &ReportOptions,
        level: EntityLevel,
        name: &str,
    ) -> Option<Owner> {
        let (parents, extra) = crate::report::registry_parents(store, o.registry.as_ref());
        let target: NameId = match level {
            EntityLevel::Unit => store.units.find(name)?,
            EntityLevel::Member => match store.units.find(name) {
                Some(id) => id,
                None => (store.units.len() + extra.iter().position(|n| n == name)?) as NameId,
            },
        };
        Some(Owner { level, target, parents, extra })
    }

    /// The 成员单位 a ticket rolls up into (`NO_NAME` for a ticket without 承办单位).
    pub(crate) fn member_of(&self, t: &Ticket) -> NameId {
        if t.unit == NO_NAME {
            return NO_NAME;
        }
        match t.parent {
            NO_NAME => self.parents.get(t.unit as usize).copied().filter(|m| *m != NO_NAME).unwrap_or(t.unit),
            p => p,
        }
    }

    /// [`Owner::member_of`] by name.
    pub(crate) fn member_name<'a>(&'a self, store: &'a TicketStore, t: &Ticket) -> &'a str {
        crate::report::member_name(store, &self.extra, self.member_of(t))
    }

    /// Whether the ticket is the owner's.
    pub(crate) fn owns(&self, t: &Ticket) -> bool {
        match self.level {
            EntityLevel::Unit => t.unit == self.target,
            EntityLevel::Member => t.unit != NO_NAME && self.member_of(t) == self.target,
        }
    }
}

fn time(s: Stamp) -> String {
    s.to_string()
}

/// A ticket (as counted) as the lists show it, on the lists of `mask`.
pub(crate) fn row_of(t: &Ticket, id: &str, unit: &str, category: &str, mask: u16) -> ShortfallRow {
    let callback = match t.callback {
        Callback::None => "",
        Callback::Satisfied => "满意",
        Callback::BasicallySatisfied => "基本满意",
        Callback::Unsatisfied => "不满意",
        Callback::NotReached => "未回访",
    };
    let callback_at = crate::count::events::callback_time(t);
    ShortfallRow {
        line: t.line,
        id: id.to_string(),
        unit: unit.to_string(),
        category: category.to_string(),
        received: time(t.received),
        dispatched: time(t.dispatched),
        sign_due: time(t.sign_due),
        signed: time(t.signed),
        contact_due: time(t.contact_due),
        first_contact: time(t.first_contact),
        due: time(t.due),
        closed: time(t.closed),
        callback_at: if t.callback == Callback::None { String::new() } else { time(callback_at) },
        callback: callback.to_string(),
        feedback_due: time(t.feedback_due),
        feedback_at: time(t.feedback_at),
        returned: t.returned,
        kinds: ShortfallKind::ALL.into_iter().filter(|k| mask & k.bit() != 0).collect(),
    }
}

/// The shortfalls of one query among the tickets in memory.
pub fn find(store: &TicketStore, o: &ReportOptions, q: &ShortfallQuery) -> Shortfalls {
    let mut s = Shortfalls::new(q.clone());
    s.add(store, o);
    s
}

/// The shortfalls of one query from a file read again, in memory bounded by `batch` tickets plus
/// the chosen unit's rows (the second pass of a file streamed beyond memory). The file must be
/// read with the ingest options of the first pass; the result equals [`find`] on the whole
/// file's tickets (`engine/tests/shortfall.rs`).
pub struct ShortfallScan {
    ingest: Ingest,
    options: ReportOptions,
    found: Shortfalls,
    batch: usize,
}

impl ShortfallScan {
    /// A scan for query `q`, reading with `ingest` (the first pass's options), counting with
    /// `report`, and holding at most `batch` tickets at a time.
    pub fn new(
        ingest: IngestOptions,
        report: ReportOptions,
        q: &ShortfallQuery,
        batch: usize,
    ) -> ShortfallScan {
        ShortfallScan {
            ingest: Ingest::batched(ingest, batch),
            options: report,
            found: Shortfalls::new(q.clone()),
            batch: batch.max(1),
        }
    }

    /// Reads the next bytes of the file, in order; every `batch` tickets are checked and dropped.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), FileError> {
        self.ingest.push(chunk)?;
        if self.ingest.tickets_held() >= self.batch {
            let store = self.ingest.take_tickets();
            self.found.add(&store, &self.options);
            self.ingest.reuse(store);
        }
        Ok(())
    }

    /// Rows read so far (for progress).
    pub fn rows_read(&self) -> u64 {
        self.ingest.rows_read()
    }

    /// Ends the file and returns the lists, whole (`complete`), rows in file order.
    pub fn finish(mut self) -> Result<Shortfalls, FileError> {
        let mut done = self.ingest.finish()?;
        let last = done.store.take_tickets();
        self.found.add(&last, &self.options);
        Ok(self.found)
    }
}
