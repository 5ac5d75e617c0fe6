//! The file boundaries' errors: kind, location and offending value (the error's `Debug`), and
//! the Chinese the page and the CLI show (its `Display`).

use expect_test::{expect, Expect};
use hotline_engine::count::aggregate::Cells;
use hotline_engine::partial::Partial;
use hotline_engine::score::registry::{Adjustments, Registry};
use hotline_engine::score::rules::RuleSet;
use hotline_engine::{Mapping, Period};

fn show<T: std::fmt::Debug, E: std::fmt::Debug + std::fmt::Display>(r: Result<T, E>) -> String {
    match r {
        Ok(v) => format!("unexpectedly read: {v:?}"),
        Err(e) => format!("{e:?}\n{e}"),
    }
}

const RULES: &str = r#"{
  "format": "hotline-eval.rules/1",
  "name": "t",
  "score": {"decimals": 2},
  "groups": [{"name": "全部", "full_score": 100, "patterns": ["*"]}],
  "items": [
    {"type": "weighted", "name": "按期", "indicator": "on_time_rate", "weight": 40, "rate_as": "fraction"},
    {"type": "weighted", "name": "签收", "indicator": "sign_rate", "weight": 30, "rate_as": "fraction"},
    {"type": "weighted", "name": "满意", "indicator": "satisfaction_rate", "weight": 30, "rate_as": "fraction"}
  ]
}"#;

/// The rule file above with one text replaced.
fn check_rules(from: &str, to: &str, expect: Expect) {
    assert!(RULES.contains(from), "{from}");
    expect.assert_eq(&show(RuleSet::parse(&RULES.replacen(from, to, 1))));
}

#[test]
fn rule_file_errors() {
    assert!(RuleSet::parse(RULES).is_ok());
    check_rules(
        r#""name": "t","#,
        r#""name": "t""#,
        expect![[r#"
            RuleError { kind: Json(Syntax(ExpectedCommaOrBrace)), at: Text { line: 4, column: 3 } }
            规则文件第 4 行第 3 列：JSON 语法错误：应为“,”或“}”"#]],
    );
    check_rules(
        r#""score": {"decimals": 2}"#,
        r#""score": {"decimals": 2, "bonus": 1}"#,
        expect![[r#"
            RuleError { kind: Json(UnknownField { field: "bonus" }), at: Field("score.bonus") }
            规则文件 score.bonus：未知字段“bonus”"#]],
    );
    check_rules(
        r#""full_score": 100, "#,
        "",
        expect![[r#"
            RuleError { kind: Json(MissingField { field: "full_score" }), at: Field("groups[0]") }
            规则文件 groups[0]：缺少字段“full_score”"#]],
    );
    check_rules(
        r#""decimals": 2"#,
        r#""decimals": "2""#,
        expect![[r#"
            RuleError { kind: Json(WrongType { expected: Some(UnsignedInteger), found: String, value: Some("2") }), at: Field("score.decimals") }
            规则文件 score.decimals：类型不对：应为非负整数，实际是字符串 “2”"#]],
    );
    check_rules(
        r#""weight": 30, "rate_as": "fraction"}
  ]"#,
        r#""weight": "sixty", "rate_as": "fraction"}
  ]"#,
        expect![[r#"
            RuleError { kind: Json(NotANumber { value: "sixty" }), at: Field("items[2].weight") }
            规则文件 items[2].weight：应为数字，实际是 “sixty”"#]],
    );
    check_rules(
        r#""weight": 30, "rate_as": "fraction"}
  ]"#,
        r#""weight": true, "rate_as": "fraction"}
  ]"#,
        expect![[r#"
            RuleError { kind: Json(WrongType { expected: Some(Number), found: Bool, value: Some("true") }), at: Field("items[2].weight") }
            规则文件 items[2].weight：类型不对：应为数字，实际是布尔值 “true”"#]],
    );
    check_rules(
        r#""rate_as": "fraction"}
  ]"#,
        r#""rate_as": "percentage"}
  ]"#,
        expect![[r#"
            RuleError { kind: Json(UnknownVariant { value: "percentage", expected: ["fraction", "percent"] }), at: Field("items[2].rate_as") }
            规则文件 items[2].rate_as：无法识别的取值“percentage”；可用：fraction, percent"#]],
    );
    check_rules(
        r#"{"type": "weighted", "name": "签收""#,
        r#"{"type": "weighed", "name": "签收""#,
        expect![[r#"
            RuleError { kind: Json(UnknownVariant { value: "weighed", expected: ["weighted", "rate_gap", "shortfall", "threshold", "per_ticket", "volume_bonus", "steps", "adjustment"] }), at: Field("items[1].type") }
            规则文件 items[1].type：无法识别的取值“weighed”；可用：weighted, rate_gap, shortfall, threshold, per_ticket, volume_bonus, steps, adjustment"#]],
    );
    check_rules(
        r#""indicator": "sign_rate""#,
        r#""indicator": "speed""#,
        expect![[r#"
            RuleError { kind: UnknownIndicator { key: "speed", reads: Rate, known: ["direct_rate", "close_rate", "on_time_rate", "rework_rate", "first_time_rate", "sign_rate", "contact_rate", "satisfaction_rate", "effective_callback_rate", "audit_rate", "feedback_rate"] }, at: Field("items[1].indicator") }
            规则文件 items[1].indicator：未知的比率指标“speed”；可用：direct_rate, close_rate, on_time_rate, rework_rate, first_time_rate, sign_rate, contact_rate, satisfaction_rate, effective_callback_rate, audit_rate, feedback_rate"#]],
    );
    check_rules(
        r#""format": "hotline-eval.rules/1""#,
        r#""format": "v2""#,
        expect![[r#"
            RuleError { kind: WrongFormat { expected: "hotline-eval.rules/1", found: "v2" }, at: Field("format") }
            规则文件 format：应为 “hotline-eval.rules/1”，实际是 “v2”"#]],
    );
    check_rules(
        r#"{"name": "全部", "full_score": 100, "patterns": ["*"]}"#,
        r#"{"name": "全部", "full_score": 100}, {"name": "全部", "full_score": 100}"#,
        expect![[r#"
            RuleError { kind: DuplicateGroup { name: "全部", first: 0 }, at: Field("groups[1].name") }
            规则文件 groups[1].name：分组“全部”与 groups[0] 重名"#]],
    );
}

#[test]
fn an_unknown_preset_is_named() {
    expect![[r#"
        UnknownPreset { id: "lyg2099", known: ["lyg2017", "lyg2021", "panjin2023"] }
        没有名为“lyg2099”的预设规则；可用：lyg2017, lyg2021, panjin2023（或给出规则文件）"#]]
    .assert_eq(&show(hotline_engine::score::presets::load("lyg2099")));
    expect![[r#"
        Rules(RuleError { kind: Json(Eof), at: Text { line: 1, column: 1 } })
        规则文件第 1 行第 1 列：文件不完整（为空或被截断）"#]]
    .assert_eq(&show(hotline_engine::score::presets::load("{")));
}

fn check_side(r: Result<impl std::fmt::Debug, impl std::fmt::Debug + std::fmt::Display>, expect: Expect) {
    expect.assert_eq(&show(r));
}

#[test]
fn side_file_errors_name_line_and_column() {
    check_side(
        Registry::parse("单位,满分\n东海县,150\n海州区,一百五\n".as_bytes()),
        expect![[r#"
            SideFileError { file: Registry, kind: NotANumber { value: "一百五" }, line: Some(3), column: Some("满分") }
            单位名录第 3 行，列“满分”：“一百五”不是数字"#]],
    );
    check_side(
        Registry::parse("单位,分组\n东海县\n".as_bytes()),
        expect![[r#"
            SideFileError { file: Registry, kind: FieldCount { expected: 2, found: 1 }, line: Some(2), column: None }
            单位名录第 2 行：应有 2 个字段，实际 1 个"#]],
    );
    check_side(
        Registry::parse("名称,分组\n东海县,县区\n".as_bytes()),
        expect![[r#"
            SideFileError { file: Registry, kind: MissingColumn { column: "单位" }, line: Some(1), column: None }
            单位名录第 1 行（表头）：缺少“单位”列"#]],
    );
    check_side(
        Registry::parse(b"\xff\xfe"),
        expect![[r#"
            SideFileError { file: Registry, kind: Utf16, line: None, column: None }
            单位名录：文件是 UTF-16 编码，请另存为 UTF-8 或 GBK 的 CSV"#]],
    );
    check_side(
        Adjustments::parse("单位,项目,分值\n海州区,加分,十\n".as_bytes()),
        expect![[r#"
            SideFileError { file: Adjustments, kind: NotANumber { value: "十" }, line: Some(2), column: Some("分值") }
            加减分文件第 2 行，列“分值”：“十”不是数字"#]],
    );
    check_side(
        Adjustments::parse("".as_bytes()),
        expect![[r#"
            SideFileError { file: Adjustments, kind: Empty, line: None, column: None }
            加减分文件为空"#]],
    );
}

#[test]
fn mapping_file_errors() {
    check_side(
        Mapping::from_json(r#"{"columns": [["工单号", "id"], ["来电时间", "recieved_at"]]}"#),
        expect![[r#"
            MappingError { kind: UnknownVariant { value: "recieved_at", expected: ["id", "received_at", "channel", "kind", "category", "handling", "unit", "parent_unit", "from_province", "urgent", "dispatched_at", "sign_due_at", "signed_at", "contact_due_at", "first_contact_at", "due_at", "closed_at", "returned", "callback", "callback_at", "feedback_due_at", "feedback_at", "audit"] }, at: Field("columns[1][1]") }
            映射文件 columns[1][1]：无法识别的取值“recieved_at”；可用：id, received_at, channel, kind, category, handling, unit, parent_unit, from_province, urgent, dispatched_at, sign_due_at, signed_at, contact_due_at, first_contact_at, due_at, closed_at, returned, callback, callback_at, feedback_due_at, feedback_at, audit"#]],
    );
    check_side(
        Mapping::from_json("{\"columns\": [\n  [\"工单号\" \"id\"]]}"),
        expect![[r#"
            MappingError { kind: Syntax(ExpectedCommaOrBracket), at: Text { line: 2, column: 16 } }
            映射文件第 2 行第 16 列：JSON 语法错误：应为“,”或“]”"#]],
    );
}

#[test]
fn period_errors() {
    check_side(
        Period::parse(" Feb "),
        expect![[r#"
            PeriodError { kind: Unrecognised, value: "Feb" }
            无法识别的期间“Feb”：应为 2021-02 或 2021-01..2021-04"#]],
    );
    check_side(
        Period::parse("2021-04..2021-01"),
        expect![[r#"
            PeriodError { kind: EndBeforeStart, value: "2021-04..2021-01" }
            期间“2021-04..2021-01”的结束月份早于开始月份"#]],
    );
}

#[test]
fn damaged_cells_say_where() {
    let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
               A1,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-05 12:00\n";
    let done = hotline_engine::ingest_bytes(csv.as_bytes(), Default::default()).unwrap();
    let cells = Cells::build(&done.store, &Default::default());
    let bytes = cells.to_bytes(&done.store);
    check_side(
        Cells::from_bytes(b"nonsense"),
        expect![[r#"
            CellsError { kind: NotCells, at: 0 }
            计数数据无法读取（第 1 字节）：不是本程序的计数数据"#]],
    );
    check_side(
        Cells::from_bytes(&bytes[..bytes.len() - 1]),
        expect![[r#"
        CellsError { kind: Truncated, at: 81 }
        计数数据无法读取（第 82 字节）：数据不完整"#]],
    );
    let mut longer = bytes.clone();
    longer.extend_from_slice(&[0, 0]);
    check_side(
        Cells::from_bytes(&longer),
        expect![[r#"
        CellsError { kind: TrailingBytes { count: 2 }, at: 82 }
        计数数据无法读取（第 83 字节）：末尾有 2 个多余的字节"#]],
    );
}

#[test]
fn partial_file_errors() {
    check_side(
        Partial::from_json(r#"{"format": "hotline-eval.partial/9", "sources": []}"#),
        expect![[r#"
            File(PartialFileError { kind: WrongFormat { expected: "hotline-eval.partial/1", found: "hotline-eval.partial/9" }, at: Field("format") })
            格式为“hotline-eval.partial/9”，本工具读取“hotline-eval.partial/1”"#]],
    );
    check_side(
        Partial::from_json(r#"{"sources": []}"#),
        expect![[r#"
        File(PartialFileError { kind: MissingFormat { expected: "hotline-eval.partial/1" }, at: Field("format") })
        缺少 "format": "hotline-eval.partial/1""#]],
    );
    check_side(
        Partial::from_json("{\n\"format\": \"hotline-eval.partial/1\",\n"),
        expect![[r#"
        File(PartialFileError { kind: Json(Eof), at: Text { line: 3, column: 1 } })
        不是 JSON：第 3 行第 1 列：文件不完整（为空或被截断）"#]],
    );
    check_side(
        Partial::from_json(
            r#"{"format": "hotline-eval.partial/1", "sources": [], "cells": [{"unit": "海州区", "by_month": [{"by": "sent", "month": "2021-02", "counts": {}}]}]}"#,
        ),
        expect![[r#"
            File(PartialFileError { kind: Json(UnknownVariant { value: "sent", expected: ["received", "dispatched", "due", "feedback_due", "callback", "closed"] }), at: Field("cells[0].by_month[0].by") })
            字段 cells[0].by_month[0].by：无法识别的取值“sent”；可用：received, dispatched, due, feedback_due, callback, closed"#]],
    );
    check_side(
        Partial::from_json(
            r#"{"format": "hotline-eval.partial/1", "sources": [], "cells": [], "ticket_hashes": "AA*A"}"#,
        ),
        expect![[r#"
            File(PartialFileError { kind: HashesNotBase64 { at: Some(2) }, at: Field("ticket_hashes") })
            ticket_hashes 不是 base64（第 3 个字符）"#]],
    );
}
