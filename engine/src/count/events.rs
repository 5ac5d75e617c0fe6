//! Which event of a ticket counts where and when: the one per-ticket definition.
//!
//! A ticket's counters are each keyed by the time of one event (received, dispatched, due,
//! feedback due, callback, closed) or, for two of them, by a pair of times (上月结转: received and
//! closed; 办结 by the period's end: due and closed). The direct count ([`Tally::count`]) and the
//! month tables (`aggregate`) both read a ticket only through this module, so they cannot
//! disagree about what a ticket adds.
//!
//! ```
//! use hotline_engine::count::events::Event;
//! use hotline_engine::{ingest_bytes, IngestOptions, Tally};
//! let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
//!            A1,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-05 12:00\n";
//! let done = ingest_bytes(csv.as_bytes(), IngestOptions::default()).unwrap();
//! let t = &done.store.tickets[0];
//! let mut x = Tally::default();
//! Event::Due.add(t, &mut x);
//! assert_eq!((x.due, x.on_time), (1, 1));
//! assert_eq!(Event::Callback.stamp(t), None); // no 回访结果: no callback event
//! ```

use crate::count::tally::Tally;
use crate::tickets::store::{Audit, Callback, Ticket};
use crate::time::Stamp;

/// An event that places some of a ticket's counters in the period its time falls in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// 受理时间: 当月受理, and 直接答复量 or 转办量.
    Received = 0,
    /// 派单时间 (转办 only): 总工单数, 及时签收率, 首次联系率.
    Dispatched = 1,
    /// 办理时限 (转办 with a deadline): 应办结数, 按期, 返工, 急件.
    Due = 2,
    /// 反馈时限 (转办 with one): 按时反馈率.
    FeedbackDue = 3,
    /// 回访时间, or 办结时间 where it is empty (any ticket with a 回访结果): the callback counts.
    Callback = 4,
    /// 办结时间 (转办, sampled by 答复抽检): 答复规范率.
    Closed = 5,
}

/// Calls `$f` with every [`Event`], in discriminant order, unrolled: each call sees its event
/// as a constant, so `stamp` and `add` fold to that event's few lines (a loop over
/// [`Event::ALL`] keeps the `match` per ticket: 5 % more instructions in the month cells).
#[macro_export]
macro_rules! for_each_event {
    ($f:expr) => {{
        use $crate::count::events::Event;
        let mut f = $f;
        f(Event::Received);
        f(Event::Dispatched);
        f(Event::Due);
        f(Event::FeedbackDue);
        f(Event::Callback);
        f(Event::Closed);
    }};
}

impl Event {
    /// Every event, in discriminant order.
    pub const ALL: [Event; 6] =
        [Event::Received, Event::Dispatched, Event::Due, Event::FeedbackDue, Event::Callback, Event::Closed];

    /// The time of this event for the ticket: `None` when the event does not apply to it (a
    /// 直接答复 ticket is never dispatched); `Some(Stamp::NONE)` when it applies but its time is
    /// empty, so it counts in no period.
    #[inline]
    pub fn stamp(self, t: &Ticket) -> Option<Stamp> {
        let transferred = t.is_transferred();
        match self {
            Event::Received => Some(t.received),
            Event::Dispatched => transferred.then_some(t.dispatched),
            Event::Due => (transferred && t.due.is_some()).then_some(t.due),
            Event::FeedbackDue => (transferred && t.feedback_due.is_some()).then_some(t.feedback_due),
            Event::Callback => (t.callback != Callback::None).then(|| callback_time(t)),
            Event::Closed => {
                (transferred && t.closed.is_some() && t.audit != Audit::NotSampled).then_some(t.closed)
            }
        }
    }

    /// Adds the ticket's counters keyed by this event (for a ticket the event applies to).
    #[inline]
    pub fn add(self, t: &Ticket, x: &mut Tally) {
        match self {
            Event::Received => {
                x.received += 1;
                if t.is_transferred() {
                    x.transferred += 1;
                } else {
                    x.direct += 1;
                }
            }
            Event::Dispatched => {
                x.dispatched += 1;
                if t.sign_due.is_some() {
                    x.sign_due_known += 1;
                    x.signed_on_time += u64::from(t.signed <= t.sign_due);
                }
                if t.contact_due.is_some() {
                    x.contact_due_known += 1;
                    x.contacted_on_time += u64::from(t.first_contact <= t.contact_due);
                }
            }
            Event::Due => {
                x.due += 1;
                let on_time = t.closed <= t.due;
                x.on_time += u64::from(on_time);
                x.reworked += u64::from(t.returned > 0);
                if t.urgent {
                    x.urgent_due += 1;
                    x.urgent_on_time += u64::from(on_time);
                }
            }
            Event::FeedbackDue => {
                x.feedback_due += 1;
                x.feedback_on_time += u64::from(t.feedback_at <= t.feedback_due);
            }
            Event::Callback => match t.callback {
                Callback::Satisfied => x.satisfied += 1,
                Callback::BasicallySatisfied => x.basically_satisfied += 1,
                Callback::Unsatisfied => x.unsatisfied += 1,
                Callback::NotReached => x.not_reached += 1,
                Callback::None => {}
            },
            Event::Closed => match t.audit {
                Audit::Compliant => x.audit_compliant += 1,
                Audit::NonCompliant => x.audit_non_compliant += 1,
                Audit::NotSampled => {}
            },
        }
    }
}

/// When a callback counts: 回访时间, or the time the ticket stopped being open.
pub fn callback_time(t: &Ticket) -> Stamp {
    if t.callback_at.is_some() {
        t.callback_at
    } else {
        t.ended_at()
    }
}

/// 上月结转 (and 转办量): a 转办 ticket is carried over into a period starting at `start` when it
/// was received before `start` and not closed before it. Its (受理时间, 办结时间), for a 转办 ticket.
#[inline]
pub fn carry_times(t: &Ticket) -> Option<(Stamp, Stamp)> {
    t.is_transferred().then_some((t.received, t.closed))
}

/// Whether a ticket with these carry times is carried over into a period starting at `start`.
#[inline]
pub fn carried_into(received: Stamp, closed: Stamp, start: Stamp) -> bool {
    // An empty 办结时间 sorts after every time: still open.
    received < start && closed >= start
}

/// 办结数: a ticket due in the period is closed when closed before the period's end. Its
/// (办理时限, 办结时间), for a ticket with the [`Event::Due`] event.
#[inline]
pub fn due_close_times(t: &Ticket) -> Option<(Stamp, Stamp)> {
    Event::Due.stamp(t).map(|due| (due, t.closed))
}

impl Tally {
    /// Adds one ticket's contribution for the period `[start, end)`: every event of the ticket
    /// (this module) whose time falls in the period adds its counters.
    #[inline]
    pub fn count(&mut self, t: &Ticket, start: Stamp, end: Stamp) {
        let in_p = |s: Stamp| s >= start && s < end;
        crate::for_each_event!(|event: Event| {
            if event.stamp(t).is_some_and(in_p) {
                event.add(t, self);
            }
        });
        if let Some((received, closed)) = carry_times(t) {
            if carried_into(received, closed, start) {
                self.carried_over += 1;
                self.transferred += 1;
            }
        }
        if let Some((due, closed)) = due_close_times(t) {
            self.closed += u64::from(in_p(due) && closed < end);
        }
    }
}
