//! The figures of one entity for a period: every count and rate the report shows for it, read
//! from its [`Tally`]. The report ([`crate::report`]) and the scoring ([`crate::score`]) both
//! read them.

use crate::indicators::{IndicatorOptions, Rate, Tally};
use serde::{Deserialize, Serialize};

/// Every count and rate of one entity for the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// 受理量 = 当月受理 + 上月结转.
    pub accepted: u64,
    pub received: u64,
    pub carried_over: u64,
    pub direct: u64,
    pub transferred: u64,
    /// 直接答复率 = 直接答复量 / 受理量.
    pub direct_rate: Rate,
    /// 总工单数.
    pub dispatched: u64,
    pub due: u64,
    pub closed: u64,
    pub close_rate: Rate,
    pub on_time: u64,
    pub on_time_rate: Rate,
    pub closed_late: u64,
    pub open_overdue: u64,
    pub reworked: u64,
    pub rework_rate: Rate,
    /// 一次完成率 = (应办结 − 返工) / 应办结.
    pub first_time_rate: Rate,
    pub urgent_due: u64,
    pub urgent_on_time: u64,
    pub no_sign_due: u64,
    pub sign_rate: Rate,
    pub contact_rate: Rate,
    /// 回访数 (rated callbacks).
    pub rated: u64,
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub unsatisfied: u64,
    pub not_reached: u64,
    pub satisfaction_rate: Rate,
    pub audited: u64,
    pub audit_rate: Rate,
    pub feedback_rate: Rate,
}

impl Figures {
    pub fn from_tally(t: &Tally, o: &IndicatorOptions) -> Figures {
        Figures {
            accepted: t.accepted(),
            received: t.received,
            carried_over: t.carried_over,
            direct: t.direct,
            transferred: t.transferred,
            direct_rate: Rate::new(t.direct, t.accepted()),
            dispatched: t.dispatched,
            due: t.due,
            closed: t.closed,
            close_rate: Rate::new(t.closed, t.due),
            on_time: t.on_time,
            on_time_rate: Rate::new(t.on_time, t.due),
            closed_late: t.closed_late(),
            open_overdue: t.open_overdue(),
            reworked: t.reworked,
            rework_rate: Rate::new(t.reworked, t.due),
            first_time_rate: Rate::new(t.due - t.reworked, t.due),
            urgent_due: t.urgent_due,
            urgent_on_time: t.urgent_on_time,
            no_sign_due: t.no_sign_due(),
            sign_rate: Rate::new(t.signed_on_time, t.sign_due_known),
            contact_rate: Rate::new(t.contacted_on_time, t.contact_due_known),
            rated: t.rated(),
            satisfied: t.satisfied,
            basically_satisfied: t.basically_satisfied,
            unsatisfied: t.unsatisfied,
            not_reached: t.not_reached,
            satisfaction_rate: o.satisfaction_rate(t),
            audited: t.audited(),
            audit_rate: Rate::new(t.audit_compliant, t.audited()),
            feedback_rate: Rate::new(t.feedback_on_time, t.feedback_due),
        }
    }

    /// The rates by key, in display order (for month-over-month changes and tables).
    pub fn rates(&self) -> [(&'static str, &Rate); 10] {
        [
            ("direct_rate", &self.direct_rate),
            ("close_rate", &self.close_rate),
            ("on_time_rate", &self.on_time_rate),
            ("first_time_rate", &self.first_time_rate),
            ("rework_rate", &self.rework_rate),
            ("sign_rate", &self.sign_rate),
            ("contact_rate", &self.contact_rate),
            ("satisfaction_rate", &self.satisfaction_rate),
            ("audit_rate", &self.audit_rate),
            ("feedback_rate", &self.feedback_rate),
        ]
    }
}
