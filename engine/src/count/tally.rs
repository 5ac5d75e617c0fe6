//! The counters behind every indicator of one entity in one period ([`Tally`]), and their split
//! by dispatch origin ([`Split`]). What a ticket adds to them is defined in [`crate::count::events`].

use crate::error::TallyProblem;
use serde::{Deserialize, Serialize};

/// The largest count a loaded file may hold, for one counter and for its total over the file:
/// 2^53 (9 007 199 254 740 992, also the largest integer a JSON reader in JavaScript keeps
/// exact). Any sum of a file's counts, even of all 23 counters, then fits a `u64`.
pub const MAX_COUNT: u64 = 1 << 53;

/// Counts behind every indicator of one entity (unit, member, group or city) in one period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tally {
    /// 当月受理: tickets with 受理时间 in the period.
    pub received: u64,
    /// 上月结转: 转办 tickets received before the period and not closed before it starts.
    pub carried_over: u64,
    /// 直接答复量: 直接答复 tickets received in the period.
    pub direct: u64,
    /// 转办量: 转办 tickets received in the period plus the carry-over.
    pub transferred: u64,
    /// 总工单数: 转办 tickets with 派单时间 in the period.
    pub dispatched: u64,
    /// Of those, the ones that have a 签收时限 (the 及时签收率 denominator).
    pub sign_due_known: u64,
    /// Of those, signed for by the 签收时限.
    pub signed_on_time: u64,
    /// Of the dispatched, the ones with a 首次联系时限 (the 首次联系率 denominator).
    pub contact_due_known: u64,
    /// Of those, first contact by the 首次联系时限.
    pub contacted_on_time: u64,
    /// 应办结数: 转办 tickets with 办理时限 in the period.
    pub due: u64,
    /// 办结数: due tickets closed by the end of the period.
    pub closed: u64,
    /// 按期办结数: due tickets closed by their 办理时限.
    pub on_time: u64,
    /// 返工数: due tickets with 退回次数 > 0.
    pub reworked: u64,
    /// 急件 among the due tickets.
    pub urgent_due: u64,
    /// 急件 closed by their 办理时限.
    pub urgent_on_time: u64,
    /// 满意数: callbacks in the period rated 满意 (回访时间 in it, or 办结时间 where the ticket has
    /// no 回访时间; 受理时间 for 直接答复).
    pub satisfied: u64,
    /// 基本满意数: callbacks in the period rated 基本满意 (counted as satisfied by default).
    pub basically_satisfied: u64,
    /// 不满意数: callbacks in the period rated 不满意.
    pub unsatisfied: u64,
    /// 未回访: a callback tried and not completed.
    pub not_reached: u64,
    /// 答复抽检 of 转办 tickets closed in the period: those found 规范.
    pub audit_compliant: u64,
    /// 答复不规范数: those found 不规范 (LYG 2021 deducts per finding).
    pub audit_non_compliant: u64,
    /// 转办 tickets with 反馈时限 in the period (the 按时反馈率 denominator).
    pub feedback_due: u64,
    /// Of those, fed back by the 反馈时限.
    pub feedback_on_time: u64,
}

/// Calls `$m!` with every counter of [`Tally`] in declaration order: one list for the operations
/// that go over all of them.
macro_rules! tally_fields {
    ($m:ident) => {
        $m!(
            received,
            carried_over,
            direct,
            transferred,
            dispatched,
            sign_due_known,
            signed_on_time,
            contact_due_known,
            contacted_on_time,
            due,
            closed,
            on_time,
            reworked,
            urgent_due,
            urgent_on_time,
            satisfied,
            basically_satisfied,
            unsatisfied,
            not_reached,
            audit_compliant,
            audit_non_compliant,
            feedback_due,
            feedback_on_time
        )
    };
}

impl Tally {
    /// How many counters a tally has.
    pub const FIELDS: usize = 23;

    /// 受理量 = 当月受理 + 上月结转.
    pub fn accepted(&self) -> u64 {
        self.received + self.carried_over
    }
    /// 超期办理数 = 办结 − 按期.
    pub fn closed_late(&self) -> u64 {
        // Saturating: a hand-made counts table may contradict itself; a figure is never negative.
        self.closed.saturating_sub(self.on_time)
    }
    /// 超期未结数 = due and still open at the end of the period.
    pub fn open_overdue(&self) -> u64 {
        self.due.saturating_sub(self.closed)
    }
    /// 无签收时限: dispatched tickets without a signing deadline.
    pub fn no_sign_due(&self) -> u64 {
        self.dispatched.saturating_sub(self.sign_due_known)
    }
    /// 回访数: callbacks with a rating.
    pub fn rated(&self) -> u64 {
        self.satisfied + self.basically_satisfied + self.unsatisfied
    }
    /// 答复抽检数: sampled 转办 tickets closed in the period (规范 + 不规范); unsampled ones are not.
    pub fn audited(&self) -> u64 {
        self.audit_compliant + self.audit_non_compliant
    }

    /// Adds `o`'s counters into these: how groups, `all` and month ranges are summed.
    pub fn add(&mut self, o: &Tally) {
        macro_rules! add {
            ($($f:ident),*) => { $( self.$f += o.$f; )* };
        }
        tally_fields!(add);
    }

    /// Every counter's field name, in declaration order.
    pub const NAMES: [&'static str; Tally::FIELDS] = {
        macro_rules! names {
            ($($f:ident),*) => { [$( stringify!($f) ),*] };
        }
        tally_fields!(names)
    };

    /// The part-of-whole relations every tally keeps, whatever it counts (a month's cell or a
    /// period's entity): (part, whole) by value.
    fn parts(&self) -> [(&'static str, u64, &'static str, u64); 13] {
        macro_rules! pair {
            ($p:ident, $w:ident) => {
                (stringify!($p), self.$p, stringify!($w), self.$w)
            };
        }
        [
            pair!(direct, received),
            pair!(carried_over, transferred),
            pair!(sign_due_known, dispatched),
            pair!(signed_on_time, sign_due_known),
            pair!(contact_due_known, dispatched),
            pair!(contacted_on_time, contact_due_known),
            pair!(on_time, due),
            pair!(closed, due),
            pair!(reworked, due),
            pair!(urgent_due, due),
            pair!(urgent_on_time, urgent_due),
            pair!(urgent_on_time, on_time),
            pair!(feedback_on_time, feedback_due),
        ]
    }

    /// Whether the counters can be true: each at most [`MAX_COUNT`], and no part above its
    /// whole (`on_time` ≤ `due`, …). Loaded files are checked with it.
    pub fn check(&self) -> Result<(), TallyProblem> {
        for (counter, value) in Tally::NAMES.into_iter().zip(self.to_array()) {
            if value > MAX_COUNT {
                return Err(TallyProblem::TooLarge { counter, value, limit: MAX_COUNT });
            }
        }
        for (part, part_count, whole, whole_count) in self.parts() {
            if part_count > whole_count {
                return Err(TallyProblem::PartExceedsWhole { part, part_count, whole, whole_count });
            }
        }
        Ok(())
    }

    /// Every counter, in declaration order (the page's binary form of the cells).
    pub fn to_array(&self) -> [u64; Tally::FIELDS] {
        macro_rules! array {
            ($($f:ident),*) => { [$( self.$f ),*] };
        }
        tally_fields!(array)
    }

    /// The tally of [`Tally::to_array`]'s counters.
    pub fn from_array(a: [u64; Tally::FIELDS]) -> Tally {
        macro_rules! tally {
            ($($f:ident),*) => {{
                let [$($f),*] = a;
                Tally { $($f),* }
            }};
        }
        tally_fields!(tally)
    }
}

/// A tally split by dispatch origin: 市派 (index 0) and 省派 (index 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "SplitFields", into = "SplitFields")]
pub struct Split(pub [Tally; 2]);

/// How a [`Split`] reads in JSON: `{"municipal": {…}, "province": {…}}`.
#[derive(Clone, Copy, Serialize, Deserialize)]
struct SplitFields {
    #[serde(default)]
    municipal: Tally,
    #[serde(default)]
    province: Tally,
}

impl From<SplitFields> for Split {
    fn from(f: SplitFields) -> Split {
        Split([f.municipal, f.province])
    }
}

impl From<Split> for SplitFields {
    fn from(s: Split) -> SplitFields {
        SplitFields { municipal: s.0[0], province: s.0[1] }
    }
}

impl Split {
    /// 市派: tickets with 省派 empty or no.
    pub fn municipal(&self) -> &Tally {
        &self.0[0]
    }
    /// 省派: tickets dispatched down from the provincial platform.
    pub fn province(&self) -> &Tally {
        &self.0[1]
    }
    /// 市派 + 省派.
    pub fn all(&self) -> Tally {
        let mut t = self.0[0];
        t.add(&self.0[1]);
        t
    }
    /// Adds `o` side by side: 市派 into 市派, 省派 into 省派.
    pub fn add(&mut self, o: &Split) {
        self.0[0].add(&o.0[0]);
        self.0[1].add(&o.0[1]);
    }
    /// Whether both sides' counters can be true ([`Tally::check`]), and 市派 + 省派 too: a saved
    /// report's (or a hand-made table's) counts are checked with it before anything is scored.
    /// `entity` names the unit in the error.
    pub fn check(&self, entity: &str) -> Result<(), crate::error::TallyError> {
        let fail = |side: &str, problem| crate::error::TallyError {
            entity: format!("{entity}（{side}）"),
            problem,
        };
        self.0[0].check().map_err(|p| fail("市派", p))?;
        self.0[1].check().map_err(|p| fail("省派", p))?;
        // Each side ≤ 2^53, so their sum fits; the sum's parts keep their wholes too.
        self.all().check().map_err(|p| fail("合计", p))
    }
    /// Whether every counter of both sides is 0: the entity has no ticket in the period.
    pub fn is_empty(&self) -> bool {
        *self == Split::default()
    }
}
