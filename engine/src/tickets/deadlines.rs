//! Deadlines the export does not carry: the rule file's deadline settings ([`Deadlines`], the
//! `deadlines` object of a rule file, docs/rules.md), the plan the counting applies them with,
//! and the tickets whose deadline could not be computed.

use crate::tickets::calendar::{CalendarError, WorkCalendar};
use crate::tickets::store::{Ticket, TicketStore};
use serde::{Deserialize, Serialize};

/// Deadlines the export does not carry, computed with the official working-day calendar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// 签收时限 = 派单时间 + this many hours, where the ticket has none.
    #[serde(default)]
    pub sign_within_hours: Option<u32>,
    /// 办理时限 = end of the Nth working day after dispatch, where the ticket has none.
    #[serde(default)]
    pub close_within_working_days: Option<u32>,
    /// The same for 急件.
    #[serde(default)]
    pub urgent_close_within_working_days: Option<u32>,
    /// How a number of working days is counted from 派单时间: whether the dispatch day is day 1.
    #[serde(default)]
    pub day_count: crate::tickets::calendar::DayCount,
    /// Replace deadlines the export does carry, too.
    #[serde(default)]
    pub override_export: bool,
}

/// Deadlines the counting uses where the export gives none (or gives a number of working days).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeadlinePlan {
    /// From the rule file in force, if it states deadlines.
    pub rules: Option<Deadlines>,
}

impl DeadlinePlan {
    /// Whether counting needs to look at deadlines at all for this store.
    pub fn needed(&self, store: &TicketStore) -> bool {
        self.rules.is_some() || store.tickets.iter().any(|t| t.due_days > 0)
    }

    /// The ticket as counted: deadlines filled in from working days and the rules. An error when
    /// the official calendar does not cover a date (never a weekday guess).
    pub fn apply(&self, t: &Ticket) -> Result<Ticket, CalendarError> {
        let mut e = *t;
        if !t.is_transferred() || t.dispatched.is_none() {
            return Ok(e);
        }
        let conv = self.rules.as_ref().map(|r| r.day_count).unwrap_or_default();
        let cal = WorkCalendar::official();
        if let Some(r) = &self.rules {
            if let Some(h) = r.sign_within_hours {
                if e.sign_due.is_none() || r.override_export {
                    e.sign_due = WorkCalendar::add_hours(t.dispatched, h);
                }
            }
        }
        if t.due_days > 0 {
            e.due = cal.add_working_days(t.dispatched, u32::from(t.due_days), conv)?;
        } else if let Some(r) = &self.rules {
            let days = if t.urgent {
                r.urgent_close_within_working_days.or(r.close_within_working_days)
            } else {
                r.close_within_working_days
            };
            if let Some(d) = days {
                if e.due.is_none() || r.override_export {
                    e.due = cal.add_working_days(t.dispatched, d, conv)?;
                }
            }
        }
        Ok(e)
    }
}

/// Tickets whose deadline could not be computed: how many, and the first few for the message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineErrors {
    /// Tickets whose 办理时限 or 签收时限 could not be computed (e.g. outside the calendar's years);
    /// they are counted without that deadline.
    pub count: u64,
    /// "第 12 行：…" for the first ten.
    pub examples: Vec<String>,
}

impl DeadlineErrors {
    /// The ticket as counted: with its deadlines applied, or as it is (and the error noted).
    pub fn apply(&mut self, plan: &DeadlinePlan, t: &Ticket) -> Ticket {
        plan.apply(t).unwrap_or_else(|err| {
            self.count += 1;
            if self.examples.len() < 10 {
                self.examples.push(format!("第 {} 行：{}", t.line, err.message()));
            }
            *t
        })
    }
}
