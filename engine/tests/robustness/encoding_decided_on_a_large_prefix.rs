//! The encoding is decided on a large prefix, never on one byte; a bad byte in a column the
//! engine reads rejects that row alone.

use crate::check::{check, file, row};
use expect_test::expect;
use hotline_engine::read::encoding::encode;
use hotline_engine::TextEncoding;

#[test]
fn one_bad_byte_near_the_start_of_a_utf8_file() {
    // Once it refused the whole file with a false 缺少必需的列 (decided GB18030 on that byte).
    let mut rows: Vec<String> = (1..=30).map(row).collect();
    rows[1] = rows[1].replace("海州区", "连云区\u{1}");
    let mut bytes = file(&rows);
    let at = bytes.iter().position(|b| *b == 1).unwrap();
    bytes[at] = 0xFF;
    check(
        &bytes,
        expect![[r#"
            read 30 scored 29 rejected 1 encoding UTF-8
            by reason: bad_encoding 1
            line 3 bad_encoding: 第 3 行，列“承办单位”：“连云区�”含有 UTF-8 编码中无效的字节（显示为 �），无法可靠识别“承办单位”；请检查导出文件的编码或修正该值
              row: "R2,2021-02-01 08:00,微信,投诉,转办,连云区�,2021-0"
            对账：读取 30 行 = 拒收 1 + 本期直接答复 0 + 本期转办 29 + 上月结转 0 + 不在本期 0
            scored ids: R1 R3 R4 R5 R6 R7 R8 R9 R10 R11 R12 R13 …
        "#]],
    );
}

#[test]
fn a_gbk_file_with_one_bad_byte() {
    let mut rows: Vec<String> = (1..=30).map(row).collect();
    rows[4] = rows[4].replace("海州区", "连云区\u{1}");
    let text: String = format!("{}\n{}", crate::check::HEADER, rows.concat());
    let mut bytes = encode(TextEncoding::Gb18030, &text);
    let at = bytes.iter().position(|b| *b == 1).unwrap();
    bytes[at] = 0xFF;
    check(
        &bytes,
        expect![[r#"
            read 30 scored 29 rejected 1 encoding GB18030
            by reason: bad_encoding 1
            line 6 bad_encoding: 第 6 行，列“承办单位”：“连云区�”含有 GB18030 编码中无效的字节（显示为 �），无法可靠识别“承办单位”；请检查导出文件的编码或修正该值
              row: "R5,2021-02-01 08:00,微信,投诉,转办,连云区�,2021-0"
            对账：读取 30 行 = 拒收 1 + 本期直接答复 0 + 本期转办 29 + 上月结转 0 + 不在本期 0
            scored ids: R1 R2 R3 R4 R6 R7 R8 R9 R10 R11 R12 R13 …
        "#]],
    );
}

#[test]
fn a_bad_byte_in_a_column_the_row_does_not_read() {
    // A 直接答复 row's 承办单位 is ignored, so its bytes are not checked: the row is scored, by
    // the fast path and the general reader alike (found by the damaged-file property test).
    let mut rows: Vec<String> = (1..=3).map(row).collect();
    rows.push("D1,2021-02-02 08:00,微信,咨询,直接答复,连云区\u{1},,,\n".into());
    let mut bytes = file(&rows);
    let at = bytes.iter().position(|b| *b == 1).unwrap();
    bytes[at] = 0xFF;
    check(
        &bytes,
        expect![[r#"
        read 4 scored 4 rejected 0 encoding UTF-8
        对账：读取 4 行 = 拒收 0 + 本期直接答复 1 + 本期转办 3 + 上月结转 0 + 不在本期 0
        scored ids: R1 R2 R3 D1
    "#]],
    );
}
