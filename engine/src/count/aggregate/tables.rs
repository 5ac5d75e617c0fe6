//! The cells by name, as a partial-aggregates file holds them ([`crate::partial`]): the form the
//! month tables take between files, and its pieces.

use crate::count::indicators::Tally;
use crate::time::Month;
use serde::{Deserialize, Serialize};

/// Which month a one-month count is keyed by (see docs/indicators.md for each counter's basis).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// 受理时间: 当月受理, 直接答复量, 转办量's own-period part.
    Received,
    /// 派单时间: 总工单数, 及时签收率, 首次联系率.
    Dispatched,
    /// 办理时限: 应办结数, 按期, 返工, 急件.
    Due,
    /// 反馈时限: 按时反馈率.
    FeedbackDue,
    /// 回访时间, else 办结时间 (直接答复: 受理时间): the callback counters.
    Callback,
    /// 办结时间: 答复抽检.
    Closed,
}

impl Basis {
    /// Every basis, in the order of [`crate::count::events::Event::ALL`].
    pub const ALL: [Basis; 6] =
        [Basis::Received, Basis::Dispatched, Basis::Due, Basis::FeedbackDue, Basis::Callback, Basis::Closed];
}

/// The counts of one cell.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    /// 承办单位 (empty for 直接答复 tickets).
    #[serde(default)]
    pub unit: String,
    /// 上级单位 as the rows fill it (empty: the registry's, or the unit itself).
    #[serde(default)]
    pub parent: String,
    /// 省派 tickets (else 市派).
    #[serde(default)]
    pub province: bool,
    /// The one-month counters, per basis and month.
    #[serde(default)]
    pub by_month: Vec<MonthTally>,
    /// 转办 tickets by received month × closed month (the carry-over).
    #[serde(default)]
    pub carried: Vec<MonthPair>,
    /// Due tickets by due month × closed month (办结 by a period's end).
    #[serde(default)]
    pub due_closed: Vec<MonthPair>,
}

/// Counters of the tickets whose `by` time falls in `month` (`null`: the time is empty).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthTally {
    /// Which event's time the month is taken from.
    pub by: Basis,
    /// The month of that time; `None` when it is empty (the tickets count in no period).
    pub month: Option<Month>,
    /// Only the counters this basis feeds; zeros may be left out.
    pub counts: Tally,
}

/// A count keyed by two months (`null`: the time is empty, e.g. not closed yet).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthPair {
    /// The first time's month (received, or due); `None` when that time is empty.
    pub from: Option<Month>,
    /// The second time's month (closed); `None` when not closed yet.
    pub to: Option<Month>,
    /// Tickets with that pair of months.
    pub count: u64,
}

/// 受理量 of one 来源渠道 or 诉求类型, keyed like the carry-over so any period can be summed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepts {
    /// The channel or kind.
    pub name: String,
    /// Tickets by received month × closed month (a 直接答复 ticket closes when received).
    pub accepted: Vec<MonthPair>,
}

/// 受理量 of one (来源渠道, 问题分类) pair, for the 高发问题 lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicAccepts {
    /// The 来源渠道.
    pub channel: String,
    /// The 问题分类; empty when the rows leave it empty (in the channel, never a topic).
    #[serde(default)]
    pub category: String,
    /// Tickets by received month × closed month, as in [`Accepts`].
    pub accepted: Vec<MonthPair>,
}

/// The cells' tables as a partial-aggregates file holds them ([`crate::partial`]), by name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CellTables {
    /// One per (承办单位, 上级单位 as filled, side) with tickets.
    pub cells: Vec<Cell>,
    /// 受理量 per 来源渠道.
    pub channels: Vec<Accepts>,
    /// 受理量 per 诉求类型.
    pub kinds: Vec<Accepts>,
    /// 受理量 per (来源渠道, 问题分类).
    pub topics: Vec<TopicAccepts>,
}
