//! Where every row of the input went: each in exactly one bucket, the buckets summing to the
//! rows read, so an evaluator can show that the published figures come from all the data.

use crate::read::reject::Reason;
use serde::{Deserialize, Serialize};

/// The rows of the input by bucket (docs/robustness.md, "Reconciliation").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    /// 读取行数: data rows read (blank lines not counted).
    pub rows_read: u64,
    /// Rejected rows per reason, in check order (counted in no figure).
    pub rejected: Vec<(Reason, u64)>,
    /// Accepted 直接答复 tickets received in the period (直接答复量).
    pub direct_in_period: u64,
    /// Accepted 转办 tickets received in the period.
    pub transferred_in_period: u64,
    /// Accepted 转办 tickets received before the period and open at its start (上月结转).
    pub carried_over: u64,
    /// Accepted tickets in none of the above: received after the period, or before it and
    /// closed before it began (counted in no figure of this period; each month's volume is in
    /// `months`).
    pub outside_period: u64,
}

impl Reconciliation {
    /// The buckets of `rows_read` rows, `rows_scored` of them accepted, from the city's counts
    /// for the period (`None`: no period, so every accepted row is outside it).
    pub fn new(
        rows_read: u64,
        rows_scored: u64,
        rejected: &[(Reason, u64)],
        city: Option<&crate::count::catalogue::Figures>,
    ) -> Reconciliation {
        let (direct, received, carried) = city.map_or((0, 0, 0), |f| (f.direct, f.received, f.carried_over));
        Reconciliation {
            rows_read,
            rejected: rejected.to_vec(),
            direct_in_period: direct,
            transferred_in_period: received.saturating_sub(direct),
            carried_over: carried,
            outside_period: rows_scored.saturating_sub(received).saturating_sub(carried),
        }
    }

    /// Rows rejected, all reasons.
    pub fn rejected_total(&self) -> u64 {
        self.rejected.iter().map(|(_, n)| n).sum()
    }

    /// Whether the buckets sum to the rows read (always, for a report built from its tickets;
    /// a hand-edited saved report may break it).
    pub fn balances(&self) -> bool {
        let accepted =
            [self.direct_in_period, self.transferred_in_period, self.carried_over, self.outside_period];
        accepted
            .iter()
            .chain(std::iter::once(&self.rejected_total()))
            .try_fold(0u64, |a, b| a.checked_add(*b))
            == Some(self.rows_read)
    }

    /// The sum as one line of Chinese, for the page and the CLI.
    pub fn text(&self) -> String {
        let mut s = format!(
            "对账：读取 {} 行 = 拒收 {} + 本期直接答复 {} + 本期转办 {} + 上月结转 {} + 不在本期 {}",
            self.rows_read,
            self.rejected_total(),
            self.direct_in_period,
            self.transferred_in_period,
            self.carried_over,
            self.outside_period
        );
        if !self.balances() {
            s.push_str("（不平衡：报告文件可能被改动过）");
        }
        s
    }
}
