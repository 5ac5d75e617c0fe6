//! Scoring rules as data: the rule-file format (docs/rules.md), its parsing and validation.
//!
//! A city's published method (绩效评估标准 / 考核办法) is one JSON file: groups, scoring items,
//! base and cap, rounding, the no-ticket rule, grade bands, ranking and highlight lists. A new
//! city or a new year is a new file. A file with an error is refused with a message naming the
//! field (`items[2].weight`) and what is wrong; nothing of it is applied.

use crate::count::catalogue::{Indicator, Measure};
use crate::count::entity::{EntityLevel, Scope};
use crate::count::indicators::IndicatorOptions;
use crate::error::{classify, read, JsonKind, JsonLocation, Reads, RuleError, RuleErrorKind, ValueType};
use crate::ratio::Ratio;
use crate::tickets::deadlines::Deadlines;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The `format` a rule file must give: this format's name and version.
pub const RULES_FORMAT: &str = "hotline-eval.rules/1";

/// The longest rule file read, in bytes (16 MiB), checked before it is parsed: the published
/// methods are 2–5 KB; 100 000 groups of one member each are about 6 MB.
pub const MAX_RULE_FILE_BYTES: usize = 16 << 20;
/// The most `items` a rule file may have (each scored unit's row holds one point per item).
pub const MAX_ITEMS: usize = 1_000;
/// The most `groups` a rule file may have.
pub const MAX_GROUPS: usize = 100_000;
/// The most `patterns` over all groups (each unit not listed by name is matched against them).
pub const MAX_PATTERNS: usize = 1_000;
/// The longest group pattern, in characters.
pub const MAX_PATTERN_CHARS: usize = 100;
/// The most entries of each short list: an item's `steps`, `grades.bands`, `highlights`,
/// `score_counts` (each is read once per scored unit).
pub const MAX_LIST: usize = 100;

/// An exact decimal read from a JSON number or a numeric string (`0.001`, `"12.5"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dec(pub Ratio);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dec, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Dec::from_value(&v).map_err(|e| match e {
            Err(unexpected) => <D::Error as serde::de::Error>::invalid_type(unexpected.get(), &"a number"),
            Ok(message) => <D::Error as serde::de::Error>::custom(message),
        })
    }
}

/// The kinds of JSON value a number field may not be, as serde names them.
#[derive(Clone, Copy)]
enum NotNumber {
    Bool(bool),
    Null,
    Array,
    Object,
}

impl NotNumber {
    fn get(self) -> serde::de::Unexpected<'static> {
        use serde::de::Unexpected;
        match self {
            NotNumber::Bool(b) => Unexpected::Bool(b),
            NotNumber::Null => Unexpected::Unit,
            NotNumber::Array => Unexpected::Seq,
            NotNumber::Object => Unexpected::Map,
        }
    }
}

impl Dec {
    /// A JSON number or numeric string, bounded ([`Ratio::parse_bounded`]): the error is the
    /// wrong type, or the message `crate::error` reads as `NotANumber`, `OutOfRange` or
    /// `TooManyDecimals`.
    fn from_value(v: &serde_json::Value) -> Result<Dec, Result<String, NotNumber>> {
        use crate::ratio::Unbounded;
        let text = match v {
            // As the file is likely to have written it: 1e30, not 1e+30; 10000000, not 10000000.0.
            serde_json::Value::Number(n) => {
                let t = n.to_string().replace("e+", "e");
                t.strip_suffix(".0").map_or(t.clone(), str::to_string)
            }
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Bool(b) => return Err(Err(NotNumber::Bool(*b))),
            serde_json::Value::Null => return Err(Err(NotNumber::Null)),
            serde_json::Value::Array(_) => return Err(Err(NotNumber::Array)),
            serde_json::Value::Object(_) => return Err(Err(NotNumber::Object)),
        };
        Ratio::parse_bounded(&text).map(Dec).map_err(|e| {
            Ok(match e {
                Unbounded::NotANumber => format!("not a number: {text}"),
                Unbounded::OutOfRange => format!("{}{text}", crate::error::OUT_OF_RANGE),
                Unbounded::TooManyDecimals => format!("{}{text}", crate::error::TOO_MANY_DECIMALS),
            })
        })
    }
}

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A JSON number when it round-trips exactly, else a string.
        let text = self.0.to_string();
        match text.parse::<f64>() {
            Ok(f) if Ratio::parse_decimal(&f.to_string()) == Some(self.0) => s.serialize_f64(f),
            _ => s.serialize_str(&text),
        }
    }
}

impl Dec {
    /// The integer `n`, exactly.
    pub fn int(n: i64) -> Dec {
        Dec(Ratio::int(n))
    }
}

/// How a rate enters a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateAs {
    /// 0.9616: `60 × rate`.
    Fraction,
    /// 96.16: `95 − r`.
    Percent,
}

/// What an item scores when its rate has no denominator (nothing due, no callbacks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NoDenominator {
    /// The item's full points (no deduction).
    #[default]
    Full,
    /// Zero points (or the full deduction).
    Zero,
    /// The item is left out and the other rate items are scaled up to the same total.
    Rescale,
}

/// One scoring item: reads an indicator (or the adjustments file) and turns it into points.
/// In the file each item is an object with `"type": "<variant>"` (see [`tagged_items`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Item {
    /// `weight × rate`.
    Weighted {
        /// `name`: the item's label in the score tables, e.g. 按期办结率.
        name: String,
        /// `indicator`: the rate it reads, a rate key of docs/indicators.md (e.g. `on_time_rate`).
        indicator: String,
        /// `scope`: whose tickets the indicator counts: all (default), 市派 or 省派.
        #[serde(default)]
        scope: Scope,
        /// `weight`: the rate's multiplier; as a fraction, the points of a 100 % rate (60 × 0.95 = 57).
        weight: Dec,
        /// `rate_as` (required, no default): whether the rate enters as 0.9616 or as 96.16.
        rate_as: RateAs,
        /// `no_denominator` (default `full`): its points when the rate has none (nothing due, no callback).
        #[serde(default)]
        no_denominator: NoDenominator,
    },
    /// `rate_gap`: `weight × (1 − rate)` (rate as a fraction; a negative weight deducts). Files
    /// written before the name changed say `shortfall`, which reads the same ("shortfall" is the
    /// glossary's word for the 扣分工单 lists).
    #[serde(alias = "shortfall")]
    RateGap {
        /// `name`: the item's label in the score tables, e.g. 按期办结率.
        name: String,
        /// `indicator`: the rate it reads, a rate key of docs/indicators.md (e.g. `on_time_rate`).
        indicator: String,
        /// `scope`: whose tickets the indicator counts: all (default), 市派 or 省派.
        #[serde(default)]
        scope: Scope,
        /// `weight`: the points at a rate of 0, scaled by 1 − rate; negative to deduct (Panjin: −20).
        weight: Dec,
        /// `no_denominator` (default `full`): its points when the rate has none (nothing due, no callback).
        #[serde(default)]
        no_denominator: NoDenominator,
    },
    /// `max(0, full − per_point × max(0, threshold − r))`; with `as_deduction`, that minus `full`
    /// (so the item deducts at most `full` from a base score).
    Threshold {
        /// `name`: the item's label in the score tables, e.g. 按期办结率.
        name: String,
        /// `indicator`: the rate it reads, a rate key of docs/indicators.md (e.g. `on_time_rate`).
        indicator: String,
        /// `scope`: whose tickets the indicator counts: all (default), 市派 or 省派.
        #[serde(default)]
        scope: Scope,
        /// `full`: the points of a rate at or above `threshold`, and the most the item can lose.
        full: Dec,
        /// `threshold`: the rate below which points are lost, in `rate_as` units (95 for percent).
        threshold: Dec,
        /// `per_point`: points lost per unit of rate below `threshold` (0.5 per percent point).
        per_point: Dec,
        /// `rate_as` (required, no default): whether the rate enters as 0.9616 or as 96.16.
        rate_as: RateAs,
        /// `as_deduction` (default false): score it minus `full` (−`full` to 0), to deduct from a base.
        #[serde(default)]
        as_deduction: bool,
        /// `no_denominator` (default `full`): its points when the rate has none (nothing due, no callback).
        #[serde(default)]
        no_denominator: NoDenominator,
    },
    /// `per_ticket × count`, its size capped at `cap` (e.g. −1 per 不满意 ticket, at most −5).
    PerTicket {
        /// `name`: the item's label in the score tables, e.g. 按期办结率.
        name: String,
        /// `indicator`: the count it reads, a count key of docs/indicators.md (e.g. `audit_non_compliant`).
        indicator: String,
        /// `scope`: whose tickets the indicator counts: all (default), 市派 or 省派.
        #[serde(default)]
        scope: Scope,
        /// `per_ticket`: points per counted ticket; negative to deduct (−2 per 不规范 reply).
        per_ticket: Dec,
        /// `cap`: the largest size of the item's points, whatever their sign; none = no limit.
        cap: Option<Dec>,
    },
    /// `min(cap, max(0, (count − reference) × per_ticket))` (承办量加分).
    VolumeBonus {
        /// `name`: the item's label in the score tables, e.g. 按期办结率.
        name: String,
        /// `indicator`: the count it reads, a count key of docs/indicators.md (LYG 2021: `dispatched`).
        indicator: String,
        /// `scope`: whose tickets the indicator counts: all (default), 市派 or 省派.
        #[serde(default)]
        scope: Scope,
        /// `reference`: the count above which the bonus starts (LYG 2021: 101.5, inferred).
        reference: Dec,
        /// `per_ticket`: points per ticket above `reference` (LYG 2021: 0.001).
        per_ticket: Dec,
        /// `cap`: the most the bonus gives (LYG 2021: 1); below `reference` it gives 0.
        cap: Dec,
    },
    /// The points of the highest step whose `min` the rate reaches.
    Steps {
        /// `name`: the item's label in the score tables, e.g. 按期办结率.
        name: String,
        /// `indicator`: the rate it reads, a rate key of docs/indicators.md (e.g. `on_time_rate`).
        indicator: String,
        /// `scope`: whose tickets the indicator counts: all (default), 市派 or 省派.
        #[serde(default)]
        scope: Scope,
        /// `rate_as` (required, no default): whether the rate enters as 0.9616 or as 96.16.
        rate_as: RateAs,
        /// `steps`: `{min, points}`, highest `min` first; a rate below every `min` scores 0.
        steps: Vec<Step>,
        /// `no_denominator` (default `full`): its points when the rate has none (nothing due, no callback).
        #[serde(default)]
        no_denominator: NoDenominator,
    },
    /// The sum of the adjustments file's points for these 项目, clamped to `[min, max]`.
    Adjustment {
        /// `name`: the item's label in the score tables, e.g. 答复规范.
        name: String,
        /// `items`: the adjustments file's 项目 whose 分值 are summed (e.g. `["答复规范"]`).
        items: Vec<String>,
        /// `min`: the lowest the sum may go; none = no lower bound.
        min: Option<Dec>,
        /// `max`: the highest the sum may go; none = no upper bound.
        max: Option<Dec>,
    },
}

/// One step of a `steps` item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// `min`: the rate the step needs, inclusive, in the item's `rate_as` units.
    pub min: Dec,
    /// `points`: what a rate at or above `min` scores (when no higher step is reached).
    pub points: Dec,
}

impl Item {
    /// The item's `name`, its label in the score tables.
    pub fn name(&self) -> &str {
        match self {
            Item::Weighted { name, .. }
            | Item::RateGap { name, .. }
            | Item::Threshold { name, .. }
            | Item::PerTicket { name, .. }
            | Item::VolumeBonus { name, .. }
            | Item::Steps { name, .. }
            | Item::Adjustment { name, .. } => name,
        }
    }
    /// The indicator key the item reads (none for adjustments).
    pub fn indicator(&self) -> Option<&str> {
        match self {
            Item::Weighted { indicator, .. }
            | Item::RateGap { indicator, .. }
            | Item::Threshold { indicator, .. }
            | Item::PerTicket { indicator, .. }
            | Item::VolumeBonus { indicator, .. }
            | Item::Steps { indicator, .. } => Some(indicator),
            Item::Adjustment { .. } => None,
        }
    }
    /// The tickets the item reads (全部 for adjustments).
    pub fn scope(&self) -> Scope {
        match self {
            Item::Weighted { scope, .. }
            | Item::RateGap { scope, .. }
            | Item::Threshold { scope, .. }
            | Item::PerTicket { scope, .. }
            | Item::VolumeBonus { scope, .. }
            | Item::Steps { scope, .. } => *scope,
            Item::Adjustment { .. } => Scope::All,
        }
    }
    fn reads_rate(&self) -> bool {
        matches!(
            self,
            Item::Weighted { .. } | Item::RateGap { .. } | Item::Threshold { .. } | Item::Steps { .. }
        )
    }
}

/// What unscored units get.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UnscoredRule {
    /// Listed with the reason, no score, no rank (LYG 2021).
    #[default]
    List,
    /// The mean of all scored units' printed scores (LYG 2017: 当月无案卷取平均分).
    Mean,
    /// The group's full score.
    Full,
}

/// `unscored.mean_over`: whose printed scores a `mean` rule averages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MeanOver {
    /// Every scored unit of every group (LYG 2017: 99.87 is not any group's mean).
    #[default]
    AllGroups,
    /// The scored units of the unscored unit's own group.
    Group,
}

/// `unscored`: what units with no tickets, or none due, get (default: listed, no score).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Unscored {
    /// 本月无工单: no ticket at all in the period.
    #[serde(default)]
    pub no_tickets: UnscoredRule,
    /// 无应办结工单: tickets, but none due.
    #[serde(default)]
    pub no_due: UnscoredRule,
    /// `mean_over` (default `all_groups`): whose scores a `mean` rule averages.
    #[serde(default)]
    pub mean_over: MeanOver,
}

/// A group of member units with its own full score and ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// `name`: the group's table title; unique among the file's groups.
    pub name: String,
    /// `full_score`: the group's maximum score, > 0 (150 for counties, 100 otherwise).
    pub full_score: Dec,
    /// Units by name.
    #[serde(default)]
    pub members: Vec<String>,
    /// Name patterns: `*` any run of characters, `?` one character (e.g. `*县`).
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Reported apart, inside this group (e.g. Panjin's 经济区 below its 县区).
    #[serde(default)]
    pub subgroup_of: Option<String>,
    /// Score precision of this group's table when it differs from `score.decimals`.
    #[serde(default)]
    pub decimals: Option<u32>,
    /// Which entities this group ranks (default: the rule file's `level`).
    #[serde(default)]
    pub level: Option<EntityLevel>,
}

/// Where a unit's group and full score come from when both the registry and the rules say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GroupSource {
    /// This file's groups and `full_score` win (default); disagreements are still reported.
    #[default]
    Rules,
    /// The registry's 分组 and 满分 win; disagreements are still reported.
    Registry,
}

/// `score`: where a unit's score starts, its cap and its rounding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreRule {
    /// Start from this and add the items (0 = sum the items; 99 = start at 99 and deduct).
    #[serde(default = "zero")]
    pub base: Dec,
    /// At most this many points; `"full_score"` = the group's full score.
    #[serde(default)]
    pub cap: Option<Cap>,
    /// Decimals of the final score (half-up).
    #[serde(default = "two")]
    pub decimals: u32,
    /// Round each rate to this many percent decimals before scoring (LYG 2021: 2); none = exact.
    #[serde(default)]
    pub rate_decimals: Option<u32>,
}

fn zero() -> Dec {
    Dec::int(0)
}
fn two() -> u32 {
    2
}

/// `score.cap`: a number of points, or `"full_score"`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cap {
    /// At most this many points.
    Points(Dec),
    /// A named cap (`"full_score"`).
    Named(CapName),
}

/// Read by hand rather than untagged, so a number out of range says so (an untagged enum only
/// says that no form matched).
impl<'de> Deserialize<'de> for Cap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cap, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        if let Ok(name) = CapName::deserialize(&v) {
            return Ok(Cap::Named(name));
        }
        Dec::from_value(&v).map(Cap::Points).map_err(|e| match e {
            Err(unexpected) => {
                <D::Error as serde::de::Error>::invalid_type(unexpected.get(), &"a number or \"full_score\"")
            }
            Ok(message) => <D::Error as serde::de::Error>::custom(message),
        })
    }
}

/// The caps a rule file may name instead of a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapName {
    /// `"full_score"`: the `full_score` of the unit's group.
    FullScore,
}

/// One band of `grades.bands`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// `label`: the grade printed for a score in the band, e.g. A.
    pub label: String,
    /// Lower bound, inclusive.
    pub min: Dec,
}

/// `grades`: grade bands; a score takes the band with the highest `min` it reaches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grades {
    /// `bands`, in any order; two with the same `min` or `label` are refused.
    pub bands: Vec<Band>,
    /// Whether grade shares count the unscored units in their denominator.
    #[serde(default)]
    pub shares_count_unscored: bool,
}

/// One `highlights` list: the top or bottom N units by printed score (十佳/较差, 红榜/黑榜).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Highlight {
    /// e.g. 十佳, 较差, 红榜, 黑榜.
    pub name: String,
    /// One group's units, or all scored units when absent.
    #[serde(default)]
    pub group: Option<String>,
    /// `top`: list the N best (give exactly one of `top` and `bottom`).
    #[serde(default)]
    pub top: Option<u32>,
    /// `bottom`: list the N worst, worst first (give exactly one of `top` and `bottom`).
    #[serde(default)]
    pub bottom: Option<u32>,
    /// Units with fewer 总工单数 do not qualify.
    #[serde(default)]
    pub min_tickets: u64,
}

/// A whole rule file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// `format`: must be [`RULES_FORMAT`].
    pub format: String,
    /// `name`: the method's title, shown above the score tables.
    pub name: String,
    /// The published standard or bulletin it reproduces.
    #[serde(default)]
    pub source: String,
    /// Assumptions the data does not settle, stated next to the rules (docs/rules.md).
    #[serde(default)]
    pub assumptions: Vec<String>,
    /// Indicator readings this method relies on: a preset scores the same whatever the page's
    /// own switches say.
    #[serde(default)]
    pub indicator_options: IndicatorOptions,
    /// `level` (default `member`): score member units (上级单位 if filled, else 承办单位) or 承办单位.
    #[serde(default)]
    pub level: EntityLevel,
    /// `score` (required): base, cap and rounding.
    pub score: ScoreRule,
    /// `unscored` (default: list both): what units with no tickets, or none due, get.
    #[serde(default)]
    pub unscored: Unscored,
    /// `group_source` (default `rules`): whether this file or the unit registry decides a unit's
    /// group and full score when they disagree; every disagreement is reported in `conflicts`.
    #[serde(default)]
    pub group_source: GroupSource,
    /// `groups` (at least one): a unit goes to the first that lists it by name, else to the first
    /// whose pattern matches (subgroups before their parents).
    pub groups: Vec<Group>,
    /// `items` (at least one), each `{"type": "weighted", …}`: their points add to `score.base`.
    #[serde(with = "tagged_items")]
    pub items: Vec<Item>,
    /// `grades` (default none): no grade column when absent.
    #[serde(default)]
    pub grades: Option<Grades>,
    /// `highlights` (default none): top/bottom lists.
    #[serde(default)]
    pub highlights: Vec<Highlight>,
    /// "X分以上" counts to report (inclusive), e.g. `[99, 100]`.
    #[serde(default)]
    pub score_counts: Vec<Dec>,
    /// `deadlines` (default none): deadlines the export does not carry; a change re-counts the
    /// tickets, any other rule change only re-scores.
    #[serde(default)]
    pub deadlines: Option<Deadlines>,
}

/// Items are written `{"type": "weighted", "name": …}`. serde buffers internally tagged enums and
/// then loses the path of an error inside them, so items go through the externally tagged form
/// `{"weighted": {…}}`, deserialized one by one with their own path ([`item_from_value`]).
mod tagged_items {
    use super::Item;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::{Map, Value};

    pub fn serialize<S: Serializer>(items: &[Item], s: S) -> Result<S::Ok, S::Error> {
        let mut out = Vec::new();
        for item in items {
            let v = serde_json::to_value(item).map_err(serde::ser::Error::custom)?;
            let Value::Object(outer) = v else { return Err(serde::ser::Error::custom("item")) };
            let (ty, body) = outer.into_iter().next().ok_or_else(|| serde::ser::Error::custom("item"))?;
            let mut m = Map::new();
            m.insert("type".into(), Value::String(ty));
            if let Value::Object(fields) = body {
                m.extend(fields);
            }
            out.push(Value::Object(m));
        }
        out.serialize(s)
    }

    /// Outside [`super::RuleSet::parse`] (which reads the items again for a typed error), an
    /// item's error is its rendered message.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Item>, D::Error> {
        let raw = Vec::<Value>::deserialize(d)?;
        raw.into_iter()
            .enumerate()
            .map(|(i, v)| super::item_from_value(i, v).map_err(serde::de::Error::custom))
            .collect()
    }
}

/// Item `i` of the file's `items`: its errors name their path from `items[i]`.
fn item_from_value(i: usize, v: serde_json::Value) -> Result<Item, RuleError> {
    use serde_json::{Map, Value};
    let at =
        |rest: &str, kind: JsonKind| RuleError::new(format!("items[{i}]{rest}"), RuleErrorKind::Json(kind));
    let Value::Object(mut m) = v else {
        let found = ValueType::of(&v);
        return Err(at("", JsonKind::WrongType { expected: Some(ValueType::Object), found, value: None }));
    };
    let ty = match m.remove("type") {
        Some(Value::String(t)) => t,
        Some(other) => {
            let (found, value) = (ValueType::of(&other), Some(other.to_string()));
            return Err(at(".type", JsonKind::WrongType { expected: Some(ValueType::String), found, value }));
        }
        None => return Err(at("", JsonKind::MissingField { field: "type".into() })),
    };
    let mut wrapped = Map::new();
    wrapped.insert(ty.clone(), Value::Object(m));
    serde_path_to_error::deserialize::<_, Item>(Value::Object(wrapped)).map_err(|e| {
        let inner = e.path().to_string();
        let rest = inner.strip_prefix(ty.as_str()).unwrap_or("");
        match classify(e.inner()) {
            kind @ JsonKind::UnknownVariant { .. } if rest.is_empty() => at(".type", kind),
            kind => at(rest, kind),
        }
    })
}

impl RuleSet {
    /// Parses and validates a rule file. The error names the field and what is wrong.
    pub fn parse(json: &str) -> Result<RuleSet, RuleError> {
        if json.len() > MAX_RULE_FILE_BYTES {
            let kind = RuleErrorKind::FileTooLarge { bytes: json.len(), limit: MAX_RULE_FILE_BYTES };
            return Err(RuleError::new("", kind));
        }
        let rules: RuleSet = read(json).map_err(|(kind, at)| {
            // An error inside an item surfaces at `items` with the item's message: read the
            // items again, one by one, for the typed error and its path from `items[i]`.
            if matches!(&at, JsonLocation::Field(p) if p == "items") {
                if let Some(e) = Self::items_error(json) {
                    return e;
                }
            }
            RuleError { kind: RuleErrorKind::Json(kind), at }
        })?;
        rules.validate()?;
        Ok(rules)
    }

    /// The rules of a rule file [`RuleSet::parse`] accepts, or `None`, without saying what is
    /// wrong: no field paths are tracked, so a build that only needs to know (the page, which
    /// asks its worker for the words) carries no path tracking. `Some` exactly when `parse` is
    /// `Ok` (tests check the presets and the error cases; the rules fuzz target checks both agree).
    pub fn parse_valid(json: &str) -> Option<RuleSet> {
        if json.len() > MAX_RULE_FILE_BYTES {
            return None;
        }
        serde_json::from_str::<RuleSet>(json).ok().filter(|r| r.problems().is_empty())
    }

    /// Parses and validates a rule file, giving every problem found: each item that does not
    /// read (when the items do not), or everything [`RuleSet::parse`] would find one at a time
    /// in a file that reads. The first is [`RuleSet::parse`]'s error.
    pub fn parse_all(json: &str) -> Result<RuleSet, Vec<RuleError>> {
        match Self::parse(json) {
            Ok(rules) => Ok(rules),
            Err(first) => {
                let all = match read::<RuleSet>(json) {
                    Ok(rules) => rules.problems(),
                    Err(_) => Self::items_errors(json),
                };
                // The parser's own error first; the others as found.
                let mut out = vec![first.clone()];
                out.extend(all.into_iter().filter(|e| *e != first));
                Err(out)
            }
        }
    }

    /// Every item that does not read, of a file whose items did not.
    fn items_errors(json: &str) -> Vec<RuleError> {
        let Ok(mut v) = serde_json::from_str::<serde_json::Value>(json) else { return Vec::new() };
        let Some(serde_json::Value::Array(items)) = v.get_mut("items").map(serde_json::Value::take) else {
            return Vec::new();
        };
        items.into_iter().enumerate().filter_map(|(i, item)| item_from_value(i, item).err()).collect()
    }

    /// The first item that does not read, of a file whose items did not.
    fn items_error(json: &str) -> Option<RuleError> {
        let mut v: serde_json::Value = serde_json::from_str(json).ok()?;
        let serde_json::Value::Array(items) = v.get_mut("items")?.take() else { return None };
        items.into_iter().enumerate().find_map(|(i, item)| item_from_value(i, item).err())
    }

    /// The rule file as pretty-printed JSON, items in their `{"type": …}` form ([`RuleSet::parse`]
    /// reads it back).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The first of [`RuleSet::problems`].
    fn validate(&self) -> Result<(), RuleError> {
        self.problems().into_iter().next().map_or(Ok(()), Err)
    }

    /// Everything wrong with a rule file that reads, in the file's order (a wrong `format` or a
    /// list past its limit alone: nothing else is checked then).
    fn problems(&self) -> Vec<RuleError> {
        use RuleErrorKind as K;
        let mut found: Vec<RuleError> = Vec::new();
        macro_rules! fail {
            ($path:expr, $kind:expr $(,)?) => {{
                let path: String = $path;
                found.push(RuleError::new(path, $kind));
            }};
        }
        if self.format != RULES_FORMAT {
            fail!(
                "format".into(),
                K::WrongFormat { expected: RULES_FORMAT.into(), found: self.format.clone() },
            );
            return found;
        }
        // Every list is bounded, before anything is sized from it (docs/rules.md, "Limits").
        let too_many = |path: &str, found: usize, limit: usize| {
            (found > limit).then(|| RuleError::new(path, K::TooMany { found, limit }))
        };
        let patterns: usize = self.groups.iter().map(|g| g.patterns.len()).sum();
        let lists = [
            too_many("items", self.items.len(), MAX_ITEMS),
            too_many("groups", self.groups.len(), MAX_GROUPS),
            too_many("groups[].patterns", patterns, MAX_PATTERNS),
            too_many("highlights", self.highlights.len(), MAX_LIST),
            too_many("score_counts", self.score_counts.len(), MAX_LIST),
            self.grades.as_ref().and_then(|g| too_many("grades.bands", g.bands.len(), MAX_LIST)),
        ];
        found.extend(lists.into_iter().flatten());
        for (i, item) in self.items.iter().enumerate() {
            if let Item::Steps { steps, .. } = item {
                found.extend(too_many(&format!("items[{i}].steps"), steps.len(), MAX_LIST));
            }
        }
        for (i, g) in self.groups.iter().enumerate() {
            for (j, p) in g.patterns.iter().enumerate() {
                let chars = p.chars().count();
                if chars > MAX_PATTERN_CHARS {
                    let kind = K::PatternTooLong { chars, limit: MAX_PATTERN_CHARS };
                    fail!(format!("groups[{i}].patterns[{j}]"), kind);
                }
            }
        }
        // Bounded first: what follows is sized from these lists.
        if !found.is_empty() {
            return found;
        }
        // Every precision is bounded: 10^decimals must fit the exact arithmetic (a 128 once
        // panicked in ratio.rs).
        if self.score.decimals > 6 {
            fail!("score.decimals".into(), K::TooManyDecimals { max: 6, found: self.score.decimals });
        }
        if let Some(d) = self.score.rate_decimals.filter(|d| *d > 6) {
            fail!("score.rate_decimals".into(), K::TooManyDecimals { max: 6, found: d });
        }
        if let Some((i, d)) =
            self.groups.iter().enumerate().find_map(|(i, g)| g.decimals.filter(|d| *d > 6).map(|d| (i, d)))
        {
            fail!(format!("groups[{i}].decimals"), K::TooManyDecimals { max: 6, found: d });
        }
        if self.groups.is_empty() {
            fail!("groups".into(), K::NoGroups);
        }
        // Each group by name, first listed: the checks below look names up, never re-scan.
        let mut by_name: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
        for (i, g) in self.groups.iter().enumerate() {
            by_name.entry(&g.name).or_insert(i);
        }
        for (i, g) in self.groups.iter().enumerate() {
            if g.name.trim().is_empty() {
                fail!(format!("groups[{i}].name"), K::EmptyGroupName);
            }
            if let Some(&j) = by_name.get(g.name.as_str()).filter(|&&j| j < i) {
                fail!(format!("groups[{i}].name"), K::DuplicateGroup { name: g.name.clone(), first: j },);
            }
            if g.full_score.0 <= Ratio::ZERO {
                fail!(
                    format!("groups[{i}].full_score"),
                    K::FullScoreNotPositive { value: g.full_score.0.to_string() },
                );
            }
            if let Some(parent) = &g.subgroup_of {
                if by_name
                    .get(parent.as_str())
                    .is_none_or(|&j| self.groups.get(j).is_none_or(|p| p.subgroup_of.is_some()))
                {
                    fail!(format!("groups[{i}].subgroup_of"), K::UnknownParentGroup { name: parent.clone() },);
                }
            }
        }
        if self.items.is_empty() {
            fail!("items".into(), K::NoItems);
        }
        for (i, item) in self.items.iter().enumerate() {
            if let Some(key) = item.indicator() {
                let (measure, reads) = if item.reads_rate() {
                    (Measure::Rate, Reads::Rate)
                } else {
                    (Measure::Count, Reads::Count)
                };
                if Indicator::from_key(key).map(Indicator::measure) != Some(measure) {
                    let known = Indicator::ALL
                        .iter()
                        .filter(|i| i.measure() == measure)
                        .map(|i| i.key().to_string())
                        .collect();
                    fail!(
                        format!("items[{i}].indicator"),
                        K::UnknownIndicator { key: key.into(), reads, known },
                    );
                }
            }
            if let Item::Steps { steps, .. } = item {
                if steps.is_empty() {
                    fail!(format!("items[{i}].steps"), K::NoSteps);
                }
                for (k, (prev, step)) in steps.iter().zip(steps.iter().skip(1)).enumerate() {
                    if step.min.0 >= prev.min.0 {
                        let w = k + 1;
                        fail!(format!("items[{i}].steps[{w}].min"), K::StepsOutOfOrder);
                    }
                }
            }
        }
        if let Some(g) = &self.grades {
            for (i, b) in g.bands.iter().enumerate() {
                if let Some(j) = g.bands.iter().take(i).position(|c| c.min.0 == b.min.0) {
                    fail!(format!("grades.bands[{i}].min"), K::OverlappingBands { first: j });
                }
                if let Some(j) = g.bands.iter().take(i).position(|c| c.label == b.label) {
                    fail!(format!("grades.bands[{i}].label"), K::DuplicateBandLabel { first: j });
                }
            }
        }
        for (i, h) in self.highlights.iter().enumerate() {
            if h.top.is_none() == h.bottom.is_none() {
                fail!(format!("highlights[{i}]"), K::TopXorBottom);
            }
            if let Some(g) = &h.group {
                if !by_name.contains_key(g.as_str()) {
                    fail!(format!("highlights[{i}].group"), K::UnknownGroup { name: g.clone() });
                }
            }
        }
        found
    }
}

/// `*` matches any run of characters, `?` one character.
///
/// Greedy matching with one backtrack point (the last `*` seen): a mismatch after a `*` resumes
/// one character further along the name, never re-trying earlier stars, so the work is at most
/// `len(pattern) × len(name)` steps, without recursion ([`pattern_matches_counted`] counts them).
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    pattern_matches_counted(pattern, name, &mut 0)
}

/// [`pattern_matches`], adding to `steps` one per character comparison or pattern move: the work
/// counter the tests bound (`steps ≤ len(pattern) × len(name)` plus the lengths).
pub fn pattern_matches_counted(pattern: &str, name: &str, steps: &mut u64) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0usize, 0usize);
    // The last `*` seen and the name position its run now ends at.
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = n.get(ni) {
        *steps += 1;
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&q) if q == '?' || q == c => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                // The star's run takes one more character; matching resumes after the star.
                Some((sp, sn)) => {
                    star = Some((sp, sn + 1));
                    pi = sp + 1;
                    ni = sn + 1;
                }
                None => return false,
            },
        }
    }
    while p.get(pi) == Some(&'*') {
        *steps += 1;
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
        "format": "hotline-eval.rules/1",
        "name": "t",
        "score": {"decimals": 2},
        "groups": [{"name": "全部", "full_score": 100, "patterns": ["*"]}],
        "items": [{"type": "weighted", "name": "按期", "indicator": "on_time_rate", "weight": 100, "rate_as": "fraction"}]
    }"#;

    #[test]
    fn parse_valid_accepts_exactly_what_parse_accepts() {
        // (The presets are checked in engine/tests/presets.rs: rules must not import presets.)
        let mut cases: Vec<String> = vec![MINIMAL.into()];
        cases.push(MINIMAL.replace("on_time_rate", "speed"));
        cases.push(MINIMAL.replace(r#""weight": 100"#, r#""weight": "x""#));
        cases.push(MINIMAL.replace("hotline-eval.rules/1", "other/1"));
        cases.push(format!("{MINIMAL} x"));
        cases.push(MINIMAL.replace(r#""groups": ["#, r#""groups": [{"name": "全部", "full_score": 1}, "#));
        for json in &cases {
            assert_eq!(RuleSet::parse_valid(json).is_some(), RuleSet::parse(json).is_ok(), "{json}");
            if let Some(r) = RuleSet::parse_valid(json) {
                assert_eq!(Some(r), RuleSet::parse(json).ok());
            }
        }
    }

    #[test]
    fn parse_all_lists_every_problem_in_the_files_order() {
        let messages = |json: &str| -> Vec<String> {
            RuleSet::parse_all(json).err().unwrap_or_default().iter().map(|e| e.to_string()).collect()
        };
        // A file that reads: two unknown indicators and a repeated group, all named.
        let json = MINIMAL.replace(r#""indicator": "on_time_rate""#, r#""indicator": "speed""#).replace(
            r#"{"name": "全部", "full_score": 100, "patterns": ["*"]}"#,
            r#"{"name": "全部", "full_score": 100, "patterns": ["*"]}, {"name": "全部", "full_score": 0}"#,
        );
        let all = messages(&json);
        assert_eq!(all.len(), 3, "{all:?}");
        assert_eq!(all[0], RuleSet::parse(&json).unwrap_err().to_string());
        assert!(all[0].contains("groups[1].name"), "{all:?}");
        assert!(all[1].contains("groups[1].full_score"), "{all:?}");
        assert!(all[2].contains("items[0].indicator"), "{all:?}");
        // Items that do not read: each named.
        let json = MINIMAL.replace(
            r#""weight": 100, "rate_as": "fraction"}"#,
            r#""weight": "sixty", "rate_as": "fraction"}, {"type": "weighted", "name": "b", "indicator": "sign_rate", "weight": 1}"#,
        );
        let all = messages(&json);
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(all[0].contains("items[0].weight") && all[1].contains("items[1]"), "{all:?}");
        assert!(RuleSet::parse_all(MINIMAL).is_ok());
    }

    fn refused(edit: impl Fn(&mut serde_json::Value)) -> String {
        let mut v: serde_json::Value = serde_json::from_str(MINIMAL).unwrap();
        edit(&mut v);
        RuleSet::parse(&v.to_string()).unwrap_err().to_string()
    }

    #[test]
    fn minimal_file_parses() {
        let r = RuleSet::parse(MINIMAL).unwrap();
        assert_eq!(r.items[0].name(), "按期");
        // Round trip through the writer.
        assert_eq!(RuleSet::parse(&r.to_json()).unwrap(), r);
    }

    #[test]
    fn errors_name_the_field() {
        let e = refused(|v| v["items"][0]["indicator"] = "speed".into());
        assert!(e.starts_with("规则文件 items[0].indicator：未知的比率指标“speed”"), "{e}");
        let e = refused(|v| v["items"][0]["weight"] = "sixty".into());
        assert!(e.starts_with("规则文件 items[0].weight：应为数字"), "{e}");
        let e = refused(|v| {
            v["groups"][0].as_object_mut().unwrap().remove("full_score");
        });
        assert!(e.starts_with("规则文件 groups[0]：缺少字段“full_score”"), "{e}");
        let e = refused(|v| v["score"]["bonus"] = 1.into());
        assert!(e.starts_with("规则文件 score.bonus：未知字段“bonus”"), "{e}");
        let e = refused(|v| {
            v["grades"] = serde_json::json!({"bands": [{"label": "A", "min": 90}, {"label": "B", "min": 90}]})
        });
        assert!(e.starts_with("规则文件 grades.bands[1].min：与 grades.bands[0] 的下限相同"), "{e}");
        let e = refused(|v| v["format"] = "v2".into());
        assert!(e.contains("format"), "{e}");
    }

    #[test]
    fn patterns() {
        assert!(pattern_matches("*县", "东海县"));
        assert!(!pattern_matches("*县", "海州区"));
        assert!(pattern_matches("市?局", "市水局"));
        assert!(pattern_matches("*", ""));
        assert!(pattern_matches("*区*", "海州区路南"));
        assert!(pattern_matches("a*b*c", "axxbyyc"));
        assert!(!pattern_matches("a*b*c", "axxbyy"));
        assert!(pattern_matches("**", "x"));
        assert!(!pattern_matches("?", ""));
        assert!(pattern_matches("*?", "x"));
        assert!(!pattern_matches("", "x"));
        assert!(pattern_matches("*ab", "aab"));
    }

    /// The matcher against the textbook table (`dp[i][j]`: the first `i` pattern characters match
    /// the first `j` name characters) on every short pattern and name over a small alphabet.
    #[test]
    fn patterns_agree_with_the_table() {
        fn table(p: &[char], n: &[char]) -> bool {
            let mut dp = vec![vec![false; n.len() + 1]; p.len() + 1];
            dp[0][0] = true;
            for i in 1..=p.len() {
                for j in 0..=n.len() {
                    dp[i][j] = match p[i - 1] {
                        '*' => dp[i - 1][j] || (j > 0 && dp[i][j - 1]),
                        c => j > 0 && dp[i - 1][j - 1] && (c == '?' || c == n[j - 1]),
                    };
                }
            }
            dp[p.len()][n.len()]
        }
        fn all(alphabet: &[char], max: usize) -> Vec<Vec<char>> {
            let mut out = vec![Vec::new()];
            let mut last = vec![Vec::new()];
            for _ in 0..max {
                last = last
                    .iter()
                    .flat_map(|w: &Vec<char>| alphabet.iter().map(move |c| [w.clone(), vec![*c]].concat()))
                    .collect();
                out.extend(last.iter().cloned());
            }
            out
        }
        for p in all(&['a', 'b', '*', '?'], 4) {
            for n in all(&['a', 'b'], 5) {
                let (ps, ns): (String, String) = (p.iter().collect(), n.iter().collect());
                assert_eq!(pattern_matches(&ps, &ns), table(&p, &n), "{ps} {ns}");
            }
        }
    }
}

#[cfg(test)]
mod item_error_tests {
    use super::*;

    #[test]
    fn errors_inside_items_name_the_item_field() {
        let base = |item: &str| {
            format!(
                r#"{{"format":"hotline-eval.rules/1","name":"t","score":{{}},"groups":[{{"name":"g","full_score":100}}],"items":[{item}]}}"#
            )
        };
        let e = RuleSet::parse(&base(
            r#"{"type":"weighted","name":"a","indicator":"on_time_rate","weight":"x","rate_as":"fraction"}"#,
        ))
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("规则文件 items[0].weight：应为数字"), "{e}");
        let e = RuleSet::parse(&base(r#"{"type":"weighted","name":"a","indicator":"on_time_rate","weight":1,"rate_as":"fraction","colour":1}"#)).unwrap_err().to_string();
        assert!(e.starts_with("规则文件 items[0].colour：未知字段“colour”"), "{e}");
        let e = RuleSet::parse(&base(r#"{"type":"magic","name":"a"}"#)).unwrap_err().to_string();
        assert!(e.starts_with("规则文件 items[0].type：无法识别的取值“magic”"), "{e}");
        let e = RuleSet::parse(&base(r#"{"type":"threshold","name":"a","indicator":"sign_rate","full":10,"per_point":1,"rate_as":"percent"}"#)).unwrap_err().to_string();
        assert!(e.starts_with("规则文件 items[0]：缺少字段“threshold”"), "{e}");
    }
}
