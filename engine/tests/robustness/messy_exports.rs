//! What old tools and spreadsheets write: CR line ends, invisible characters and exotic spaces
//! in names, TRUE/FALSE and y/n, names marked as text, a stray NUL in a row.

use crate::check::{check, file, row, HEADER};
use expect_test::expect;

#[test]
fn cr_only_line_ends() {
    let text = format!("{HEADER}\n{}{}", row(1), row(2)).replace('\n', "\r");
    check(
        text.as_bytes(),
        expect![[r#"
            read 2 scored 2 rejected 0 encoding UTF-8
            对账：读取 2 行 = 拒收 0 + 本期直接答复 0 + 本期转办 2 + 上月结转 0 + 不在本期 0
            warning cr_line_ends: 文件以 CR 单独换行（旧版 Mac 格式），已按换行读取
            scored ids: R1 R2
        "#]],
    );
}

#[test]
fn invisible_characters_and_exotic_spaces_make_no_second_unit() {
    let rows = vec![
        row(1),
        row(2).replace("海州区", "海\u{200B}州区"),
        row(3).replace("海州区", "海州区\u{3000}"),
        row(4).replace("海州区", "\u{00A0}海州区"),
        row(5).replace("海州区", "海州\0区"),
    ];
    check(
        &file(&rows),
        expect![[r#"
            read 5 scored 5 rejected 0 encoding UTF-8
            对账：读取 5 行 = 拒收 0 + 本期直接答复 0 + 本期转办 5 + 上月结转 0 + 不在本期 0
            warning cleaned_names: 名称含不可见字符或全角/不换行空格，已去除后计入（共 1 处）：海州区
            scored ids: R1 R2 R3 R4 R5
        "#]],
    );
}

#[test]
fn yes_and_no_as_spreadsheets_write_them() {
    let header = format!("{HEADER},省派,急件\n");
    let mut text = header;
    for (n, (a, b)) in [("TRUE", "FALSE"), ("y", "n"), ("True", "0"), ("yes", "")].iter().enumerate() {
        text.push_str(&format!("{},{a},{b}\n", row(n + 1).trim_end()));
    }
    check(
        text.as_bytes(),
        expect![[r#"
            read 4 scored 3 rejected 1 encoding UTF-8
            by reason: unknown_value 1
            line 5 unknown_value: 第 5 行，列“省派”：“yes”不是“省派”的有效取值；可用：是、否、Y、N（大小写均可）、1、0、true、false（或 TRUE、FALSE）或留空
              row: "R4,2021-02-01 08:00,微信,投诉,转办,海州区,2021-02"
            对账：读取 4 行 = 拒收 1 + 本期直接答复 0 + 本期转办 3 + 上月结转 0 + 不在本期 0
            scored ids: R1 R2 R3
        "#]],
    );
}

#[test]
fn names_marked_as_text_read_as_themselves() {
    // What the product's own CSV writes for a unit named like a formula.
    let rows = vec![row(1).replace("海州区", "'=1+1"), row(2).replace("海州区", "'@SUM(1)")];
    check(
        &file(&rows),
        expect![[r#"
            read 2 scored 2 rejected 0 encoding UTF-8
            对账：读取 2 行 = 拒收 0 + 本期直接答复 0 + 本期转办 2 + 上月结转 0 + 不在本期 0
            scored ids: R1 R2
        "#]],
    );
}
