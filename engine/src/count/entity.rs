//! The two words every table is keyed by: which entities ([`EntityLevel`]: 承办单位 or 成员单位)
//! and which of their tickets ([`Scope`], 口径: 全部, 市派 or 省派). One name each, used by rule
//! files, the report, the shortfall lists and the page.

use crate::count::tally::{Split, Tally};
use serde::{Deserialize, Serialize};

/// Which entities: the rows of the unit table or of the member table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityLevel {
    /// 成员单位: 上级单位 if filled, else the registry's, else the 承办单位 itself. What rule files
    /// score unless they say otherwise.
    #[default]
    Member,
    /// 承办单位: the unit a ticket was dispatched to (e.g. Panjin's 基层承办单位).
    Unit,
}

impl EntityLevel {
    /// The Chinese name of the level (a table's first column).
    pub fn label(self) -> &'static str {
        match self {
            EntityLevel::Member => "成员单位",
            EntityLevel::Unit => "承办单位",
        }
    }
}

/// 口径: which of an entity's tickets a figure covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// 全部: 市派 and 省派 together.
    #[default]
    All,
    /// 市派: tickets with 省派 empty or no.
    Municipal,
    /// 省派: tickets dispatched down from the provincial platform.
    Province,
}

impl Scope {
    /// Every scope, in display order.
    pub const ALL: [Scope; 3] = [Scope::All, Scope::Municipal, Scope::Province];

    /// The Chinese name (全部, 市派, 省派).
    pub fn label(self) -> &'static str {
        match self {
            Scope::All => "全部",
            Scope::Municipal => "市派",
            Scope::Province => "省派",
        }
    }

    /// Whether a ticket (省派 or not) is in this scope.
    pub fn admits(self, from_province: bool) -> bool {
        match self {
            Scope::All => true,
            Scope::Municipal => !from_province,
            Scope::Province => from_province,
        }
    }

    /// The tally of this scope's tickets.
    pub fn of(self, s: &Split) -> Tally {
        match self {
            Scope::All => s.all(),
            Scope::Municipal => *s.municipal(),
            Scope::Province => *s.province(),
        }
    }
}
