//! Times that contradict each other are counted as given and listed; every row lands in one
//! bucket of the reconciliation.

use crate::check::{check, check_for, file, row};
use expect_test::expect;
use hotline_engine::{Month, Period, ReportOptions};

#[test]
fn closed_before_received_and_due_before_dispatched() {
    let rows = vec![
        row(1),
        // 办结时间 the day before 受理时间.
        "R2,2021-02-03 08:00,微信,投诉,转办,海州区,2021-02-03 10:00,2021-02-08,2021-02-02 12:00\n".into(),
        // 办理时限 before 派单时间.
        "R3,2021-02-03 08:00,微信,投诉,转办,海州区,2021-02-03 10:00,2021-02-01,2021-02-05 12:00\n".into(),
        row(4),
    ];
    check(
        &file(&rows),
        expect![[r#"
            read 4 scored 4 rejected 0 encoding UTF-8
            对账：读取 4 行 = 拒收 0 + 本期直接答复 0 + 本期转办 4 + 上月结转 0 + 不在本期 0
            warning closed_before_received: 工单的办结时间早于受理时间（按原值计入，请核对导出数据）（共 1 处）：第 3 行
            warning due_before_dispatched: 转办工单的办理时限早于派单时间（按原值计入，请核对导出数据）（共 1 处）：第 4 行
            scored ids: R1 R2 R3 R4
        "#]],
    );
}

#[test]
fn every_row_in_one_bucket() {
    // A rejected row, a direct answer and a transferred ticket in February, one carried over
    // from January (still open on 1 February), one closed in January, one from March.
    let rows = vec![
        "X1,2021-02-30 08:00,微信,咨询,直接答复,,,,\n".into(),
        "D1,2021-02-02 08:00,微信,咨询,直接答复,,,,\n".into(),
        row(1),
        "C1,2021-01-20 08:00,微信,投诉,转办,海州区,2021-01-20 10:00,2021-02-08,2021-02-03 12:00\n".into(),
        "J1,2021-01-05 08:00,微信,投诉,转办,海州区,2021-01-05 10:00,2021-01-12,2021-01-08 12:00\n".into(),
        "M1,2021-03-01 08:00,微信,投诉,转办,海州区,2021-03-01 10:00,2021-03-08,2021-03-05 12:00\n".into(),
    ];
    let february = ReportOptions { period: Some(Period::month(Month::new(2021, 2))), ..Default::default() };
    check_for(
        &file(&rows),
        &february,
        expect![[r#"
            read 6 scored 5 rejected 1 encoding UTF-8
            by reason: bad_datetime 1
            line 2 bad_datetime: 第 2 行，列“受理时间”：“2021-02-30 08:00”不是可识别的日期时间；可用格式：YYYY-MM-DD HH:MM:SS、YYYY-MM-DD HH:MM、YYYY-MM-DD（也可用 / 分隔，月日时分可为一位数；年份 2000–2135）
              row: "X1,2021-02-30 08:00,微信,咨询,直接答复,,,,"
            对账：读取 6 行 = 拒收 1 + 本期直接答复 1 + 本期转办 1 + 上月结转 1 + 不在本期 2
            scored ids: D1 R1 C1 J1 M1
        "#]],
    );
}
