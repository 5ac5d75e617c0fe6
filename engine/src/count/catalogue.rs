//! The indicator catalogue: every figure the engine reports, defined once.
//!
//! Each entry gives the figure's key (JSON, CSV key, rule files), its Chinese and English labels,
//! whether it is a count or a rate, and how it is read from a [`Tally`]. Everything else derives
//! from this list: the [`Figures`] struct and its JSON, the CSV headers, the keys a rule item may
//! read, the score's lookup, the shortfall lists' indicators and the page's columns. Adding an
//! indicator built from existing counters is one entry here (and its docs).
//!
//! ```
//! use hotline_engine::count::catalogue::{Figures, Indicator, Measure};
//! use hotline_engine::{IndicatorOptions, Tally};
//! let t = Tally { due: 8, closed: 7, on_time: 6, ..Tally::default() };
//! let f = Figures::from_tally(&t, &IndicatorOptions::default());
//! let on_time = Indicator::from_key("on_time_rate").unwrap();
//! assert_eq!(on_time.label_zh(), "按期办结率");
//! assert_eq!(on_time.measure(), Measure::Rate);
//! assert_eq!(f.get(on_time).text(), "75.00%");
//! assert_eq!(f.get(Indicator::ClosedLate).count(), Some(1));
//! ```

use crate::count::indicators::{IndicatorOptions, Rate, Tally};
use serde::{Deserialize, Serialize};

/// A figure is a number of tickets or a rate (an exact fraction shown in percent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// A number of tickets (件).
    Count,
    /// Numerator over denominator, shown in percent at 2 decimals.
    Rate,
}

/// Where the engine's and the page's tables show a figure (the page's unit table chooses its own
/// columns). A figure shown nowhere is still in the JSON and readable by rule files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// A row of the page's city overview (全市概况), in catalogue order.
    Overview,
    /// A column of every CSV entity table (units.csv, members.csv, …), in catalogue order.
    Csv,
}

/// One figure's value in a [`Figures`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// A count indicator's number.
    Count(u64),
    /// A rate indicator's exact rate.
    Rate(&'a Rate),
}

impl<'a> Value<'a> {
    /// The count, for a count indicator.
    pub fn count(self) -> Option<u64> {
        match self {
            Value::Count(n) => Some(n),
            Value::Rate(_) => None,
        }
    }
    /// The rate, for a rate indicator.
    pub fn rate(self) -> Option<&'a Rate> {
        match self {
            Value::Count(_) => None,
            Value::Rate(r) => Some(r),
        }
    }
    /// As shown on the page: `1234`, `96.16%`, or `—` for a rate without denominator.
    pub fn text(self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Rate(r) => r.display(),
        }
    }
    /// As written in a CSV cell: `1234`, `96.16`, or empty for a rate without denominator.
    pub fn csv(self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Rate(r) => r.percent.clone().unwrap_or_default(),
        }
    }
    /// For sorting: the exact value; a rate without denominator sorts below every real rate.
    pub fn sort_key(self) -> f64 {
        match self {
            Value::Count(n) => n as f64,
            Value::Rate(r) => r.sort_key(),
        }
    }
}

/// The Rust type of a catalogue entry's field in [`Figures`].
macro_rules! field_type {
    (Count) => {
        u64
    };
    (Rate) => {
        Rate
    };
}

/// Generates [`Indicator`], its metadata and [`Figures`] from one list.
macro_rules! catalogue {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $key:ident : $measure:ident [$($shown:ident)*], $zh:literal, $en:literal,
            |$t:ident, $o:ident| $value:expr;
    )*) => {
        /// Every figure the engine reports (docs/indicators.md §1 lists each with its definition).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Indicator {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Indicator {
            /// Every indicator, in catalogue order (the order of [`Figures`]' JSON fields).
            pub const ALL: &'static [Indicator] = &[$( Indicator::$variant, )*];

            /// The key used in JSON, CSV keys and rule files (`on_time_rate`).
            pub fn key(self) -> &'static str {
                match self { $( Indicator::$variant => stringify!($key), )* }
            }
            /// The default Chinese label (a bulletin template may print a city's own word).
            pub fn label_zh(self) -> &'static str {
                match self { $( Indicator::$variant => $zh, )* }
            }
            /// The English label.
            pub fn label_en(self) -> &'static str {
                match self { $( Indicator::$variant => $en, )* }
            }
            /// Count or rate.
            pub fn measure(self) -> Measure {
                match self { $( Indicator::$variant => Measure::$measure, )* }
            }
            /// Whether the figure is a row or column of `view`.
            pub fn shown_in(self, view: View) -> bool {
                match self { $( Indicator::$variant => [$(View::$shown),*].contains(&view), )* }
            }
        }

        /// Every count and rate of one entity for one period: one field per [`Indicator`], named
        /// by its key, in catalogue order.
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        #[serde(default)]
        pub struct Figures {
            $( $(#[doc = $doc])* pub $key: field_type!($measure), )*
        }

        impl Figures {
            /// The figures of a tally under the indicator options.
            pub fn from_tally(t: &Tally, o: &IndicatorOptions) -> Figures {
                Figures { $( $key: { let ($t, $o) = (t, o); let _ = $o; $value }, )* }
            }
            /// One figure by indicator.
            pub fn get(&self, i: Indicator) -> Value<'_> {
                match i { $( Indicator::$variant => catalogue!(@value $measure, self.$key), )* }
            }
        }
    };
    (@value Count, $e:expr) => { Value::Count($e) };
    (@value Rate, $e:expr) => { Value::Rate(&$e) };
}

catalogue! {
    /// 受理量 = 当月受理 + 上月结转.
    Accepted accepted: Count [Overview Csv], "受理量", "Accepted", |t, o| t.accepted();
    /// 当月受理: tickets received in the period.
    Received received: Count [Overview Csv], "当月受理", "Received this period", |t, o| t.received;
    /// 上月结转: 转办 tickets received before the period and still open at its start.
    CarriedOver carried_over: Count [Overview Csv], "上月结转", "Carried over", |t, o| t.carried_over;
    /// 直接答复量: 直接答复 tickets received in the period.
    Direct direct: Count [Overview Csv], "直接答复量", "Answered directly", |t, o| t.direct;
    /// 直接答复率 = 直接答复量 / 受理量.
    DirectRate direct_rate: Rate [Overview Csv], "直接答复率", "Direct answer rate", |t, o| Rate::new(t.direct, t.accepted());
    /// 转办量: 转办 tickets received in the period plus the carry-over.
    Transferred transferred: Count [Overview Csv], "转办量", "Transferred", |t, o| t.transferred;
    /// 总工单数: 转办 tickets dispatched in the period.
    Dispatched dispatched: Count [Overview Csv], "总工单数", "Dispatched", |t, o| t.dispatched;
    /// 应办结数: 转办 tickets whose 办理时限 falls in the period.
    Due due: Count [Overview Csv], "应办结数", "Due", |t, o| t.due;
    /// 办结数: due tickets closed by the end of the period.
    Closed closed: Count [Overview Csv], "办结数", "Closed", |t, o| t.closed;
    /// 办结率 = 办结数 / 应办结数.
    CloseRate close_rate: Rate [Overview Csv], "办结率", "Close rate", |t, o| Rate::new(t.closed, t.due);
    /// 按期办结数: due tickets closed by their 办理时限.
    OnTime on_time: Count [Overview Csv], "按期办结数", "Closed on time", |t, o| t.on_time;
    /// 按期办结率 = 按期办结数 / 应办结数.
    OnTimeRate on_time_rate: Rate [Overview Csv], "按期办结率", "On-time close rate", |t, o| Rate::new(t.on_time, t.due);
    /// 超期办理数 = 办结数 − 按期办结数.
    ClosedLate closed_late: Count [Overview Csv], "超期办理数", "Closed late", |t, o| t.closed_late();
    /// 超期未结数 = 应办结数 − 办结数.
    OpenOverdue open_overdue: Count [Overview Csv], "超期未结数", "Overdue and open", |t, o| t.open_overdue();
    /// 返工数: due tickets sent back at least once.
    Reworked reworked: Count [Overview Csv], "返工数", "Reworked", |t, o| t.reworked;
    /// 返工率 = 返工数 / 应办结数.
    ReworkRate rework_rate: Rate [Overview Csv], "返工率", "Rework rate", |t, o| Rate::new(t.reworked, t.due);
    /// 一次完成率 = (应办结数 − 返工数) / 应办结数.
    FirstTimeRate first_time_rate: Rate [Overview Csv], "一次完成率", "First-time completion rate",
        |t, o| Rate::new(t.due.saturating_sub(t.reworked), t.due);
    /// 急件应办结数: urgent tickets among the due.
    UrgentDue urgent_due: Count [], "急件应办结数", "Urgent due", |t, o| t.urgent_due;
    /// 急件按期办结数: urgent due tickets closed by their 办理时限.
    UrgentOnTime urgent_on_time: Count [], "急件按期办结数", "Urgent closed on time", |t, o| t.urgent_on_time;
    /// 无签收时限: dispatched tickets without a 签收时限.
    NoSignDue no_sign_due: Count [Overview Csv], "无签收时限", "No signing deadline", |t, o| t.no_sign_due();
    /// 及时签收率 = signed by the 签收时限 / dispatched with a 签收时限.
    SignRate sign_rate: Rate [Overview Csv], "及时签收率", "On-time signing rate", |t, o| Rate::new(t.signed_on_time, t.sign_due_known);
    /// 首次联系率 = first contact by the 首次联系时限 / dispatched with a 首次联系时限.
    ContactRate contact_rate: Rate [Overview Csv], "首次联系率", "First-contact rate",
        |t, o| Rate::new(t.contacted_on_time, t.contact_due_known);
    /// 回访数: callbacks with a rating in the period.
    Rated rated: Count [Overview Csv], "回访数", "Rated callbacks", |t, o| t.rated();
    /// 满意数.
    Satisfied satisfied: Count [], "满意数", "Satisfied", |t, o| t.satisfied;
    /// 基本满意数.
    BasicallySatisfied basically_satisfied: Count [], "基本满意数", "Basically satisfied", |t, o| t.basically_satisfied;
    /// 不满意数.
    Unsatisfied unsatisfied: Count [Csv], "不满意数", "Unsatisfied", |t, o| t.unsatisfied;
    /// 未回访数: callbacks tried and not completed.
    NotReached not_reached: Count [], "未回访数", "Not reached", |t, o| t.not_reached;
    /// 回访满意率, as the indicator options read it (docs/indicators.md §3.6).
    SatisfactionRate satisfaction_rate: Rate [Overview Csv], "回访满意率", "Satisfaction rate", |t, o| o.satisfaction_rate(t);
    /// 有效回访率 = 回访数 / (回访数 + 未回访数): callbacks that reached the citizen (Panjin).
    EffectiveCallbackRate effective_callback_rate: Rate [Overview Csv], "有效回访率", "Effective callback rate",
        |t, o| Rate::new(t.rated(), t.rated() + t.not_reached);
    /// 答复抽检数: replies audited, of tickets closed in the period.
    Audited audited: Count [Csv], "答复抽检数", "Audited replies", |t, o| t.audited();
    /// 答复不规范数: audited replies found non-compliant.
    AuditNonCompliant audit_non_compliant: Count [], "答复不规范数", "Non-compliant replies", |t, o| t.audit_non_compliant;
    /// 答复规范率 = compliant / audited.
    AuditRate audit_rate: Rate [Overview Csv], "答复规范率", "Reply compliance rate", |t, o| Rate::new(t.audit_compliant, t.audited());
    /// 按时反馈率 = fed back by the 反馈时限 / 反馈时限 in the period.
    FeedbackRate feedback_rate: Rate [Overview Csv], "按时反馈率", "On-time feedback rate", |t, o| Rate::new(t.feedback_on_time, t.feedback_due);
}

impl Indicator {
    /// The indicator with this key, if any.
    pub fn from_key(key: &str) -> Option<Indicator> {
        Indicator::ALL.iter().copied().find(|i| i.key() == key)
    }
    /// The rate indicators, in catalogue order.
    pub fn rates() -> impl Iterator<Item = Indicator> {
        Indicator::ALL.iter().copied().filter(|i| i.measure() == Measure::Rate)
    }
    /// The count indicators, in catalogue order.
    pub fn counts() -> impl Iterator<Item = Indicator> {
        Indicator::ALL.iter().copied().filter(|i| i.measure() == Measure::Count)
    }
}

impl Figures {
    /// The rates, in catalogue order, with their indicators.
    pub fn rates(&self) -> impl Iterator<Item = (Indicator, &Rate)> + '_ {
        Indicator::rates().filter_map(|i| self.rate(i).map(|r| (i, r)))
    }
    /// The rate of a rate indicator (`None` for a count).
    pub fn rate(&self, i: Indicator) -> Option<&Rate> {
        self.get(i).rate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_round_trip() {
        for (n, i) in Indicator::ALL.iter().enumerate() {
            assert_eq!(Indicator::from_key(i.key()), Some(*i));
            assert!(Indicator::ALL[..n].iter().all(|j| j.key() != i.key() && j.label_zh() != i.label_zh()));
            assert_eq!(serde_json::to_value(i).unwrap(), serde_json::Value::String(i.key().into()));
        }
    }

    #[test]
    fn figures_json_has_one_field_per_indicator_in_order() {
        let t = Tally { due: 3, closed: 2, on_time: 1, not_reached: 1, satisfied: 2, ..Tally::default() };
        let f = Figures::from_tally(&t, &IndicatorOptions::default());
        let json = serde_json::to_value(&f).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected: Vec<&str> = Indicator::ALL.iter().map(|i| i.key()).collect();
        expected.sort_unstable();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, expected);
        for i in Indicator::ALL {
            let v = &json[i.key()];
            match f.get(*i) {
                Value::Count(n) => assert_eq!(v.as_u64(), Some(n), "{}", i.key()),
                Value::Rate(r) => assert_eq!(v["num"].as_u64(), Some(r.num), "{}", i.key()),
            }
        }
        assert_eq!(f.get(Indicator::EffectiveCallbackRate).text(), "66.67%");
    }
}
