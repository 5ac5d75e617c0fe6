//! A line longer than any record can be: skipped to its end, never held whole.

use crate::check::{check, file, row};
use expect_test::expect;

#[test]
fn a_line_of_commas_longer_than_a_mebibyte() {
    // Once a 600 MB line of commas aborted on a 4 GiB allocation; 3 MiB shows the same path.
    let rows = vec![row(1), format!("{}\n", ",".repeat(3 << 20)), row(3)];
    check(
        &file(&rows),
        expect![[r#"
            read 3 scored 2 rejected 1 encoding UTF-8
            by reason: record_too_long 1
            line 3 record_too_long: 第 3 行：此行超过 1048576 字节（1 MiB），不像一条工单记录，已跳过；原始行只保留开头部分
              row: ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
            对账：读取 3 行 = 拒收 1 + 本期直接答复 0 + 本期转办 2 + 上月结转 0 + 不在本期 0
            scored ids: R1 R3
        "#]],
    );
}

#[test]
fn a_long_last_line_without_a_line_feed() {
    let rows = vec![row(1), "z".repeat(1_200_000)];
    check(
        &file(&rows),
        expect![[r#"
            read 2 scored 1 rejected 1 encoding UTF-8
            by reason: record_too_long 1
            line 3 record_too_long: 第 3 行：此行超过 1048576 字节（1 MiB），不像一条工单记录，已跳过；原始行只保留开头部分
              row: "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
            对账：读取 2 行 = 拒收 1 + 本期直接答复 0 + 本期转办 1 + 上月结转 0 + 不在本期 0
            scored ids: R1
        "#]],
    );
}
