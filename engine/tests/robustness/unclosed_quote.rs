//! A quoted field left open: it costs its own line, never the rest of the file.

use crate::check::{check, file, row};
use expect_test::expect;

#[test]
fn a_stray_quote_costs_its_line_alone() {
    // Row 10 of 40 has a stray quote in 承办单位 and no other quote anywhere: it once swallowed
    // the rest of the file (9 rows kept, exit 0).
    let mut rows: Vec<String> = (1..=40).map(row).collect();
    rows[9] = rows[9].replace("海州区", "\"海州区");
    check(
        &file(&rows),
        expect![[r#"
            read 40 scored 39 rejected 1 encoding UTF-8
            by reason: unclosed_quote 1
            line 11 unclosed_quote: 第 11 行，列“承办单位”：引号未闭合（自此行起到文件末尾仍未闭合）。只有此行被拒收，从下一行继续读取；请检查该字段的引号（字段内的引号应写成两个 ""）
              row: "R10,2021-02-01 08:00,微信,投诉,转办,\"海州区,2021-"
            对账：读取 40 行 = 拒收 1 + 本期直接答复 0 + 本期转办 39 + 上月结转 0 + 不在本期 0
            scored ids: R1 R2 R3 R4 R5 R6 R7 R8 R9 R11 R12 R13 …
        "#]],
    );
}

#[test]
fn a_quote_open_at_the_end_of_the_file() {
    let mut rows: Vec<String> = (1..=3).map(row).collect();
    rows.push("R4,2021-02-01 08:00,微信,投诉,转办,\"海州区,2021-02-01 10:00,2021-02-08,".into());
    check(
        &file(&rows),
        expect![[r#"
            read 4 scored 3 rejected 1 encoding UTF-8
            by reason: unclosed_quote 1
            line 5 unclosed_quote: 第 5 行，列“承办单位”：引号未闭合（自此行起到文件末尾仍未闭合）。只有此行被拒收，从下一行继续读取；请检查该字段的引号（字段内的引号应写成两个 ""）
              row: "R4,2021-02-01 08:00,微信,投诉,转办,\"海州区,2021-0"
            对账：读取 4 行 = 拒收 1 + 本期直接答复 0 + 本期转办 3 + 上月结转 0 + 不在本期 0
            scored ids: R1 R2 R3
        "#]],
    );
}

#[test]
fn a_quoted_field_with_line_breaks_is_one_record() {
    // What the limits leave alone: a properly closed field over a few lines.
    let rows = vec![
        row(1),
        "R2,2021-02-01 08:00,微信,投诉,转办,\"海州区\n（原新浦区）\n\",2021-02-01 10:00,2021-02-08,\n".into(),
        row(3),
    ];
    check(
        &file(&rows),
        expect![[r#"
            read 3 scored 3 rejected 0 encoding UTF-8
            对账：读取 3 行 = 拒收 0 + 本期直接答复 0 + 本期转办 3 + 上月结转 0 + 不在本期 0
            warning cleaned_names: 名称含不可见字符或全角/不换行空格，已去除后计入（共 1 处）：海州区
            （原新浦区）
            scored ids: R1 R2 R3
        "#]],
    );
}

#[test]
fn a_quote_open_past_the_line_limit() {
    // A properly quoted field of 150 lines: past MAX_RECORD_LINES (100) it is taken to be a
    // stray quote; its first line is rejected, the lines inside are read as lines.
    let mut rows = vec![row(1)];
    let mut long = String::from("R2,2021-02-01 08:00,微信,投诉,转办,\"海州区");
    for _ in 0..150 {
        long.push_str("\n续");
    }
    long.push_str("\",2021-02-01 10:00,2021-02-08,\n");
    rows.push(long);
    rows.push(row(3));
    check(
        &file(&rows),
        expect![[r#"
            read 153 scored 2 rejected 151 encoding UTF-8
            by reason: unclosed_quote 2, field_count 149
            line 3 unclosed_quote: 第 3 行，列“承办单位”：引号未闭合（自此行起超过 100 行仍未闭合）。只有此行被拒收，从下一行继续读取；请检查该字段的引号（字段内的引号应写成两个 ""）
              row: "R2,2021-02-01 08:00,微信,投诉,转办,\"海州区"
            line 4 field_count: 第 4 行：应有 9 个字段，实际 1 个
              row: "续"
            line 5 field_count: 第 5 行：应有 9 个字段，实际 1 个
              row: "续"
            line 6 field_count: 第 6 行：应有 9 个字段，实际 1 个
              row: "续"
            line 7 field_count: 第 7 行：应有 9 个字段，实际 1 个
              row: "续"
            line 8 field_count: 第 8 行：应有 9 个字段，实际 1 个
              row: "续"
            line 9 field_count: 第 9 行：应有 9 个字段，实际 1 个
              row: "续"
            line 10 field_count: 第 10 行：应有 9 个字段，实际 1 个
              row: "续"
            line 11 field_count: 第 11 行：应有 9 个字段，实际 1 个
              row: "续"
            line 12 field_count: 第 12 行：应有 9 个字段，实际 1 个
              row: "续"
            line 13 field_count: 第 13 行：应有 9 个字段，实际 1 个
              row: "续"
            line 14 field_count: 第 14 行：应有 9 个字段，实际 1 个
              row: "续"
            line 15 field_count: 第 15 行：应有 9 个字段，实际 1 个
              row: "续"
            line 16 field_count: 第 16 行：应有 9 个字段，实际 1 个
              row: "续"
            line 17 field_count: 第 17 行：应有 9 个字段，实际 1 个
              row: "续"
            line 18 field_count: 第 18 行：应有 9 个字段，实际 1 个
              row: "续"
            line 19 field_count: 第 19 行：应有 9 个字段，实际 1 个
              row: "续"
            line 20 field_count: 第 20 行：应有 9 个字段，实际 1 个
              row: "续"
            line 21 field_count: 第 21 行：应有 9 个字段，实际 1 个
              row: "续"
            line 22 field_count: 第 22 行：应有 9 个字段，实际 1 个
              row: "续"
            … 151 rejects in all
            对账：读取 153 行 = 拒收 151 + 本期直接答复 0 + 本期转办 2 + 上月结转 0 + 不在本期 0
            scored ids: R1 R3
        "#]],
    );
}

#[test]
fn a_quote_open_past_the_byte_limit() {
    // One line of 600 000 bytes after the quote, then a clean row: past 1 MiB the quote is still
    // open, so the first line alone is the record.
    let mut rows = vec![row(1), "R2,2021-02-01 08:00,微信,投诉,转办,\"海州区\n".into()];
    rows.push(format!("{}\n", "x".repeat(600_000)));
    rows.push(format!("{}\n", "y".repeat(600_000)));
    rows.push(row(3));
    check(
        &file(&rows),
        expect![[r#"
            read 5 scored 2 rejected 3 encoding UTF-8
            by reason: unclosed_quote 1, field_count 2
            line 3 unclosed_quote: 第 3 行，列“承办单位”：引号未闭合（自此行起超过 1 MiB 仍未闭合）。只有此行被拒收，从下一行继续读取；请检查该字段的引号（字段内的引号应写成两个 ""）
              row: "R2,2021-02-01 08:00,微信,投诉,转办,\"海州区"
            line 4 field_count: 第 4 行：应有 9 个字段，实际 1 个
              row: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            line 5 field_count: 第 5 行：应有 9 个字段，实际 1 个
              row: "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
            对账：读取 5 行 = 拒收 3 + 本期直接答复 0 + 本期转办 2 + 上月结转 0 + 不在本期 0
            scored ids: R1 R3
        "#]],
    );
}

#[test]
fn every_line_with_a_stray_quote() {
    // The worst case for the scan: each line opens a quote. Each is rejected; the work stays
    // linear because a line after an unclosed quote ends at its own line feed.
    let rows: Vec<String> = (1..=300).map(|n| row(n).replace("海州区", "海州区\"")).collect();
    check(
        &file(&rows),
        expect![[r#"
            read 150 scored 0 rejected 150 encoding UTF-8
            by reason: field_count 150
            line 2 field_count: 第 2 行：应有 9 个字段，实际 17 个
              row: "R1,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-0"
            line 4 field_count: 第 4 行：应有 9 个字段，实际 17 个
              row: "R3,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-0"
            line 6 field_count: 第 6 行：应有 9 个字段，实际 17 个
              row: "R5,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-0"
            line 8 field_count: 第 8 行：应有 9 个字段，实际 17 个
              row: "R7,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-0"
            line 10 field_count: 第 10 行：应有 9 个字段，实际 17 个
              row: "R9,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-0"
            line 12 field_count: 第 12 行：应有 9 个字段，实际 17 个
              row: "R11,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 14 field_count: 第 14 行：应有 9 个字段，实际 17 个
              row: "R13,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 16 field_count: 第 16 行：应有 9 个字段，实际 17 个
              row: "R15,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 18 field_count: 第 18 行：应有 9 个字段，实际 17 个
              row: "R17,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 20 field_count: 第 20 行：应有 9 个字段，实际 17 个
              row: "R19,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 22 field_count: 第 22 行：应有 9 个字段，实际 17 个
              row: "R21,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 24 field_count: 第 24 行：应有 9 个字段，实际 17 个
              row: "R23,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 26 field_count: 第 26 行：应有 9 个字段，实际 17 个
              row: "R25,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 28 field_count: 第 28 行：应有 9 个字段，实际 17 个
              row: "R27,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 30 field_count: 第 30 行：应有 9 个字段，实际 17 个
              row: "R29,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 32 field_count: 第 32 行：应有 9 个字段，实际 17 个
              row: "R31,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 34 field_count: 第 34 行：应有 9 个字段，实际 17 个
              row: "R33,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 36 field_count: 第 36 行：应有 9 个字段，实际 17 个
              row: "R35,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 38 field_count: 第 38 行：应有 9 个字段，实际 17 个
              row: "R37,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            line 40 field_count: 第 40 行：应有 9 个字段，实际 17 个
              row: "R39,2021-02-01 08:00,微信,投诉,转办,海州区\",2021-"
            … 150 rejects in all
            对账：读取 150 行 = 拒收 150 + 本期直接答复 0 + 本期转办 0 + 上月结转 0 + 不在本期 0
            scored ids: 
        "#]],
    );
}

#[test]
fn the_scan_looks_at_each_byte_at_most_twice() {
    // A stray quote on every line, a quote open for 150 lines, one open to the end: the bytes
    // `find_record_end` looks at stay within twice the input (plus one limit's worth), where
    // reading the carried record again after every line was quadratic.
    let mut worst: Vec<String> = (1..=3000).map(|n| row(n).replace("海州区", "海州区\"")).collect();
    worst.push("R9,2021-02-01 08:00,微信,投诉,转办,\"海州区".to_string() + &"\n续".repeat(150) + "\n");
    worst.extend((1..=3000).map(|n| row(n + 10_000)));
    worst.push("R99,\"open to the end\n".to_string() + &row(99).repeat(2000));
    let bytes = file(&worst);
    for chunk in [bytes.len(), 4096, 7] {
        let before = hotline_engine::read::records::bytes_scanned();
        let mut ingest = hotline_engine::Ingest::new(hotline_engine::IngestOptions::default());
        for c in bytes.chunks(chunk) {
            ingest.push(c).unwrap();
        }
        ingest.finish().unwrap();
        let scanned = hotline_engine::read::records::bytes_scanned() - before;
        let bound = 2 * bytes.len() as u64 + (1 << 20);
        assert!(scanned <= bound, "chunks of {chunk}: {scanned} bytes scanned for {} of input", bytes.len());
    }
}
