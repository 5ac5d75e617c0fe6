//! The canonical columns, their header names, and the mapping of another layout onto them.
//!
//! A file whose header uses the canonical Chinese names or the English aliases needs no mapping.
//! Any other layout gets a [`Mapping`]: [`Mapping::guess`] proposes one from common synonyms, the
//! user confirms or corrects it, and it can be saved as JSON (the page and `hotline --mapping`
//! read the same file).

use crate::error::{read, MappingError};
use serde::{Deserialize, Serialize};

/// One canonical column (see `ticket-format.md` and docs/indicators.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// 工单编号: the ticket number, unique in the file.
    Id,
    /// 受理时间: when the hotline took the request (当月受理, 上月结转, month volumes).
    ReceivedAt,
    /// 来源渠道: where the request came in (12345热线电话, 微信, …).
    Channel,
    /// 诉求类型: 咨询, 求助, 投诉, …
    Kind,
    /// 问题分类: the subject, e.g. 供水 (高发问题 are counted by it).
    Category,
    /// 办理方式: 直接答复 (answered by the hotline itself) or 转办 (dispatched to a unit).
    Handling,
    /// 承办单位: the unit a 转办 ticket was dispatched to.
    Unit,
    /// 上级单位: the member unit the 承办单位 rolls up into; empty = the registry's, else the unit.
    ParentUnit,
    /// 省派: filled for tickets dispatched down from the provincial platform; empty or no = 市派.
    FromProvince,
    /// 急件: filled for an urgent ticket (急件应办结数, 急件按期办结数).
    Urgent,
    /// 派单时间: when the ticket was dispatched (总工单数, 及时签收率, 首次联系率).
    DispatchedAt,
    /// 签收时限: the deadline to sign for the ticket (及时签收率); empty = 无签收时限.
    SignDueAt,
    /// 签收时间: when the unit signed for it.
    SignedAt,
    /// 首次联系时限: the deadline to first contact the caller (首次联系率).
    ContactDueAt,
    /// 首次联系时间: when the unit first contacted the caller.
    FirstContactAt,
    /// 办理时限: the deadline to close (应办结数); a date alone is 00:00:00, a 1–3 digit number that
    /// many working days after dispatch.
    DueAt,
    /// 办结时间: when the ticket was closed; empty = still open.
    ClosedAt,
    /// 退回次数: how many times the ticket was sent back (返工数).
    Returned,
    /// 回访结果: 满意, 基本满意, 不满意 or 未回访 (回访满意率).
    Callback,
    /// 回访时间: when the callback was made, which decides its period (else 办结时间).
    CallbackAt,
    /// 反馈时限: the deadline for the unit's feedback (按时反馈率).
    FeedbackDueAt,
    /// 反馈时间: when the unit fed back.
    FeedbackAt,
    /// 答复抽检: 规范 or 不规范 for a sampled reply (答复规范率); empty = not sampled.
    Audit,
}

/// Whether a column must be present and filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Required {
    /// In every file and on every row: a file without it is refused.
    Always,
    /// Required on 转办 rows (and so in the header).
    IfTransferred,
    /// Optional: a file may leave it out.
    No,
}

impl Column {
    /// Every canonical column, in the canonical header's order.
    pub const ALL: [Column; 23] = [
        Column::Id,
        Column::ReceivedAt,
        Column::Channel,
        Column::Kind,
        Column::Category,
        Column::Handling,
        Column::Unit,
        Column::ParentUnit,
        Column::FromProvince,
        Column::Urgent,
        Column::DispatchedAt,
        Column::SignDueAt,
        Column::SignedAt,
        Column::ContactDueAt,
        Column::FirstContactAt,
        Column::DueAt,
        Column::ClosedAt,
        Column::Returned,
        Column::Callback,
        Column::CallbackAt,
        Column::FeedbackDueAt,
        Column::FeedbackAt,
        Column::Audit,
    ];

    /// The canonical (Chinese) header.
    pub fn header(self) -> &'static str {
        match self {
            Column::Id => "工单编号",
            Column::ReceivedAt => "受理时间",
            Column::Channel => "来源渠道",
            Column::Kind => "诉求类型",
            Column::Category => "问题分类",
            Column::Handling => "办理方式",
            Column::Unit => "承办单位",
            Column::ParentUnit => "上级单位",
            Column::FromProvince => "省派",
            Column::Urgent => "急件",
            Column::DispatchedAt => "派单时间",
            Column::SignDueAt => "签收时限",
            Column::SignedAt => "签收时间",
            Column::ContactDueAt => "首次联系时限",
            Column::FirstContactAt => "首次联系时间",
            Column::DueAt => "办理时限",
            Column::ClosedAt => "办结时间",
            Column::Returned => "退回次数",
            Column::Callback => "回访结果",
            Column::CallbackAt => "回访时间",
            Column::FeedbackDueAt => "反馈时限",
            Column::FeedbackAt => "反馈时间",
            Column::Audit => "答复抽检",
        }
    }

    /// The English alias, also the key used in JSON.
    pub fn alias(self) -> &'static str {
        match self {
            Column::Id => "id",
            Column::ReceivedAt => "received_at",
            Column::Channel => "channel",
            Column::Kind => "kind",
            Column::Category => "category",
            Column::Handling => "handling",
            Column::Unit => "unit",
            Column::ParentUnit => "parent_unit",
            Column::FromProvince => "from_province",
            Column::Urgent => "urgent",
            Column::DispatchedAt => "dispatched_at",
            Column::SignDueAt => "sign_due_at",
            Column::SignedAt => "signed_at",
            Column::ContactDueAt => "contact_due_at",
            Column::FirstContactAt => "first_contact_at",
            Column::DueAt => "due_at",
            Column::ClosedAt => "closed_at",
            Column::Returned => "returned",
            Column::Callback => "callback",
            Column::CallbackAt => "callback_at",
            Column::FeedbackDueAt => "feedback_due_at",
            Column::FeedbackAt => "feedback_at",
            Column::Audit => "audit",
        }
    }

    /// Whether the column must be present and filled: 工单编号, 受理时间, 来源渠道, 诉求类型 and 办理方式
    /// always; 承办单位, 派单时间 and 办理时限 on 转办 rows.
    pub fn required(self) -> Required {
        match self {
            Column::Id | Column::ReceivedAt | Column::Channel | Column::Kind | Column::Handling => {
                Required::Always
            }
            Column::Unit | Column::DispatchedAt | Column::DueAt => Required::IfTransferred,
            _ => Required::No,
        }
    }

    /// Whether the column holds a time: a date, or a date and a time (`Mapping::datetime_format`).
    pub fn is_datetime(self) -> bool {
        matches!(
            self,
            Column::ReceivedAt
                | Column::DispatchedAt
                | Column::SignDueAt
                | Column::SignedAt
                | Column::ContactDueAt
                | Column::FirstContactAt
                | Column::DueAt
                | Column::ClosedAt
                | Column::CallbackAt
                | Column::FeedbackDueAt
                | Column::FeedbackAt
        )
    }

    /// Headers other platforms use for this column; [`Mapping::guess`] matches them after
    /// removing spaces and brackets.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Column::Id => &[
                "工单号",
                "诉求编号",
                "工单编码",
                "编号",
                "案卷编号",
                "案件编号",
                "信件编号",
                "流水号",
                "ticket_id",
                "ticketno",
            ],
            Column::ReceivedAt => &[
                "来电时间",
                "受理日期",
                "登记时间",
                "来信时间",
                "创建时间",
                "诉求时间",
                "上报时间",
                "接件时间",
            ],
            Column::Channel => {
                &["受理渠道", "来源", "渠道", "诉求渠道", "来电渠道", "来信渠道", "问题来源", "案件来源"]
            }
            Column::Kind => &["诉求类别", "受理类别", "业务类型", "工单类型", "诉求性质", "类型", "案件类型"],
            Column::Category => {
                &["问题类别", "事项分类", "问题类型", "诉求分类", "小类", "问题小类", "诉求内容分类"]
            }
            Column::Handling => &["处理方式", "办理类型", "受理方式", "是否转办"],
            Column::Unit => {
                &["承办部门", "责任单位", "主办单位", "办理单位", "承办单位名称", "处置单位", "责任部门"]
            }
            Column::ParentUnit => &["所属单位", "上级部门", "主管单位", "所属区县", "成员单位"],
            Column::FromProvince => &["是否省派", "省派工单", "省平台流转", "省级交办"],
            Column::Urgent => &["是否急件", "紧急程度", "急办", "是否紧急"],
            Column::DispatchedAt => &["交办时间", "转办时间", "派发时间", "分派时间", "下派时间"],
            Column::SignDueAt => &["签收期限", "应签收时间", "签收截止时间"],
            Column::SignedAt => &["签收日期", "接收时间", "受理签收时间"],
            Column::ContactDueAt => &["联系时限", "首次联系期限", "回应时限", "首次响应时限"],
            Column::FirstContactAt => &["联系时间", "首次回应时间", "首次响应时间", "回应时间"],
            Column::DueAt => &["办理期限", "办结时限", "处置时限", "应办结时间", "截止时间", "办结期限"],
            Column::ClosedAt => &["办结日期", "结案时间", "完成时间", "办毕时间", "处置完成时间"],
            Column::Returned => &["退回次数", "返工次数", "回退次数", "重办次数", "退单次数"],
            Column::Callback => &["回访满意度", "满意度", "评价结果", "回访评价", "群众评价"],
            Column::CallbackAt => &["回访日期", "评价时间"],
            Column::FeedbackDueAt => &["反馈期限", "回复时限"],
            Column::FeedbackAt => &["反馈日期", "回复时间"],
            Column::Audit => &["抽检结果", "答复规范", "质检结果", "审核结果"],
        }
    }

    /// The column whose canonical header or English alias is exactly `name` (no synonyms).
    pub fn from_name(name: &str) -> Option<Column> {
        Column::ALL.iter().copied().find(|c| c.header() == name || c.alias() == name)
    }
}

/// How one file's columns map onto the canonical ones.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// File header → canonical column (`Column::alias`). Headers not listed are extra columns.
    pub columns: Vec<(String, Column)>,
    /// A chrono strftime pattern for the export's own datetime form; `None` = the standard forms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datetime_format: Option<String>,
}

/// What a header row resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// For each field position of the file, the canonical column it feeds.
    pub positions: Vec<Option<Column>>,
    /// Headers that feed no column (ignored and listed).
    pub extra: Vec<String>,
    /// Required columns absent from the header.
    pub missing: Vec<Column>,
    /// Canonical columns named by more than one header.
    pub duplicated: Vec<Column>,
}

impl Resolved {
    /// Whether the file can be read: no required column missing and none named by two headers.
    pub fn is_usable(&self) -> bool {
        self.missing.is_empty() && self.duplicated.is_empty()
    }
    /// Whether some header of the file feeds column `c`.
    pub fn has(&self, c: Column) -> bool {
        self.positions.contains(&Some(c))
    }
}

fn normalise(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && !"()（）[]【】*".contains(*c))
        .collect::<String>()
        .to_lowercase()
}

impl Mapping {
    /// The canonical layout: headers are taken by their Chinese name or English alias.
    pub fn resolve_canonical(headers: &[String]) -> Resolved {
        Self::resolve_with(headers, |h| Column::from_name(h.trim()))
    }

    /// Applies this mapping; headers the mapping does not name fall back to canonical names.
    pub fn resolve(&self, headers: &[String]) -> Resolved {
        Self::resolve_with(headers, |h| {
            let h = h.trim();
            self.columns.iter().find(|(name, _)| name.trim() == h).map(|(_, c)| *c).or_else(|| {
                // A canonical header also present in the mapping under another name is not
                // taken twice.
                Column::from_name(h).filter(|c| !self.columns.iter().any(|(_, m)| m == c))
            })
        })
    }

    fn resolve_with(headers: &[String], f: impl Fn(&str) -> Option<Column>) -> Resolved {
        let positions: Vec<Option<Column>> = headers.iter().map(|h| f(h)).collect();
        let extra = headers
            .iter()
            .zip(&positions)
            .filter(|(_, p)| p.is_none())
            .map(|(h, _)| h.trim().to_string())
            .collect();
        // 办理时限 may be absent from the header: a rule file's deadlines can supply it.
        let missing = Column::ALL
            .iter()
            .copied()
            .filter(|c| c.required() != Required::No && *c != Column::DueAt && !positions.contains(&Some(*c)))
            .collect();
        let mut duplicated: Vec<Column> = Column::ALL
            .iter()
            .copied()
            .filter(|c| positions.iter().filter(|p| **p == Some(*c)).count() > 1)
            .collect();
        duplicated.dedup();
        Resolved { positions, extra, missing, duplicated }
    }

    /// Proposes a mapping for an unknown layout from canonical names, aliases and synonyms.
    /// Each canonical column is given to at most one header (the first that matches).
    pub fn guess(headers: &[String]) -> Mapping {
        let mut taken: Vec<Column> = Vec::new();
        let mut columns = Vec::new();
        // Exact canonical names first, so a synonym never steals a column the file names itself.
        let mut order: Vec<(usize, &str, Column)> = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if let Some(c) = Column::from_name(h.trim()) {
                order.push((i, h, c));
            }
        }
        for (i, h) in headers.iter().enumerate() {
            let n = normalise(h);
            if order.iter().any(|(j, ..)| *j == i) {
                continue;
            }
            let hit = Column::ALL.iter().copied().find(|c| {
                normalise(c.header()) == n || c.alias() == n || c.synonyms().iter().any(|s| normalise(s) == n)
            });
            if let Some(c) = hit {
                order.push((i, h, c));
            }
        }
        order.sort_by_key(|(i, ..)| *i);
        for (_, h, c) in order {
            if !taken.contains(&c) {
                taken.push(c);
                columns.push((h.trim().to_string(), c));
            }
        }
        Mapping { columns, datetime_format: None }
    }

    /// The key under which the page remembers a mapping: the header row itself.
    pub fn header_key(headers: &[String]) -> String {
        headers.iter().map(|h| h.trim()).collect::<Vec<_>>().join("\u{1f}")
    }

    /// Reads a saved mapping; the error names the field (`columns[3][1]`) and what is wrong.
    pub fn from_json(s: &str) -> Result<Mapping, MappingError> {
        read(s).map_err(|(kind, at)| MappingError { kind, at })
    }
    /// A mapping file [`Mapping::from_json`] accepts, or `None`, without the error's field path
    /// (what the page needs for a mapping it saved itself).
    pub fn from_json_valid(s: &str) -> Option<Mapping> {
        serde_json::from_str(s).ok()
    }
    /// The mapping as a mapping file holds it, pretty-printed ([`Mapping::from_json`] reads it back).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn canonical_headers_chinese_or_english() {
        let r = Mapping::resolve_canonical(&h(&[
            "工单编号",
            "received_at",
            "来源渠道",
            "kind",
            "办理方式",
            "承办单位",
            "派单时间",
            "办理时限",
            "备注",
        ]));
        assert!(r.is_usable(), "{r:?}");
        assert_eq!(r.extra, vec!["备注"]);
    }

    #[test]
    fn missing_required_columns_are_all_named() {
        let r = Mapping::resolve_canonical(&h(&["工单编号", "来源渠道"]));
        let names: Vec<_> = r.missing.iter().map(|c| c.header()).collect();
        assert_eq!(names, ["受理时间", "诉求类型", "办理方式", "承办单位", "派单时间"]);
    }

    #[test]
    fn guess_from_synonyms() {
        let headers = h(&[
            "工单号",
            "来电时间",
            "受理渠道",
            "诉求类别",
            "处理方式",
            "责任单位",
            "交办时间",
            "办理期限",
            "办结日期",
            "内容",
        ]);
        let m = Mapping::guess(&headers);
        let r = m.resolve(&headers);
        assert!(r.is_usable(), "{r:?}");
        assert_eq!(r.extra, vec!["内容"]);
        assert!(r.has(Column::ClosedAt));
        let back = Mapping::from_json(&m.to_json()).unwrap();
        assert_eq!(back, m);
    }
}
