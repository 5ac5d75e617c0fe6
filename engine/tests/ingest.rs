//! Ingest: each rejection reason, each datetime form, quoting, encodings and header problems.
//! Data-driven through one `check(input, expect)` helper: the rendering lists the summary, every
//! reject (line, column, reason, message) and the accepted ticket numbers.

use expect_test::{expect, Expect};
use hotline_engine::read::encoding::encode;
use hotline_engine::{ingest_bytes, IngestOptions, Mapping, TextEncoding};

const H: &str = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间,省派,回访结果,答复抽检,退回次数";

fn render(bytes: &[u8], options: IngestOptions) -> String {
    match ingest_bytes(bytes, options) {
        Err(e) => format!("file error: {}", e.message()),
        Ok(done) => {
            let s = &done.summary;
            let mut out = format!(
                "read {} scored {} rejected {} encoding {:?} extra {:?}\n",
                s.rows_read, s.rows_scored, s.rows_rejected, s.encoding, s.extra_columns
            );
            for r in &done.rejects {
                out.push_str(&format!(
                    "reject line {} [{}] {}: {}\n",
                    r.line,
                    r.column,
                    r.reason.code(),
                    r.message()
                ));
            }
            let ids: Vec<&str> = (0..done.store.len()).map(|i| done.store.id(i)).collect();
            out.push_str(&format!("accepted {}\n", ids.join(" ")));
            out
        }
    }
}

fn check(input: &str, expect: Expect) {
    let bytes = format!("{H}\n{input}");
    expect.assert_eq(&render(bytes.as_bytes(), IngestOptions::default()));
}

#[test]
fn a_clean_row_of_each_handling() {
    check(
        "A1,2021-02-01 08:00:00,微信,咨询,直接答复,,,,,,,,\n\
         A2,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,,是,满意,规范,2\n",
        expect![[r#"
            read 2 scored 2 rejected 0 encoding Some(Utf8) extra []
            accepted A1 A2
        "#]],
    );
}

#[test]
fn each_rejection_reason_with_line_and_column() {
    check(
        "B1,2021-02-01 08:00,微信,咨询,直接答复,,,,,,,\n\
         B2,,微信,咨询,直接答复,,,,,,,,\n\
         B3,2021-02-01 08:00,微信,投诉,转办,,2021-02-01 10:00,2021-02-08,,,,,\n\
         B4,2021-02-01 08:00,微信,投诉,转 办,海州区,2021-02-01 10:00,2021-02-08,,,,,\n\
         B5,2021-02-01 08:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,,是,很满意,,\n\
         B6,2021-02-01 08:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,,,,,-1\n\
         B7,2021-02-01 08:00,微信,投诉,转办,海州区,2021.02.01,2021-02-08,,,,,\n\
         B8,2021-02-01 08:00,微信,咨询,直接答复,,,,,,,,\n\
         B8,2021-02-02 08:00,微信,咨询,直接答复,,,,,,,,\n\
         B9,2021-02-01 08:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,,否,,待定,\n",
        expect![[r#"
            read 10 scored 1 rejected 9 encoding Some(Utf8) extra []
            reject line 2 [] field_count: 第 2 行：应有 13 个字段，实际 12 个
            reject line 3 [受理时间] missing_value: 第 3 行，列“受理时间”：必填项“受理时间”为空
            reject line 4 [承办单位] missing_value: 第 4 行，列“承办单位”：转办工单必须填写“承办单位”
            reject line 5 [办理方式] unknown_value: 第 5 行，列“办理方式”：“转 办”不是“办理方式”的有效取值；可用：直接答复、转办
            reject line 6 [回访结果] unknown_value: 第 6 行，列“回访结果”：“很满意”不是“回访结果”的有效取值；可用：满意、基本满意、不满意、未回访 或留空
            reject line 7 [退回次数] unknown_value: 第 7 行，列“退回次数”：“-1”不是“退回次数”的有效取值；可用：0 或正整数（留空为 0）
            reject line 8 [派单时间] bad_datetime: 第 8 行，列“派单时间”：“2021.02.01”不是可识别的日期时间；可用格式：YYYY-MM-DD HH:MM:SS、YYYY-MM-DD HH:MM、YYYY-MM-DD（也可用 / 分隔，月日时分可为一位数；年份 2000–2135）
            reject line 10 [工单编号] duplicate_id: 第 10 行，列“工单编号”：工单编号“B8”已在第 9 行出现，保留第一条
            reject line 11 [答复抽检] unknown_value: 第 11 行，列“答复抽检”：“待定”不是“答复抽检”的有效取值；可用：规范、不规范 或留空
            accepted B8
        "#]],
    );
}

#[test]
fn the_first_failing_check_wins() {
    // Missing 受理时间 and an unknown 办理方式 and a bad 派单时间: the missing value is reported.
    check(
        "C1,,微信,投诉,转 办,海州区,2021.02.01,2021-02-08,,,,,\n\
         C2,2021-02-01,微信,投诉,转 办,海州区,2021.02.01,2021-02-08,,,,,\n",
        expect![[r#"
            read 2 scored 0 rejected 2 encoding Some(Utf8) extra []
            reject line 2 [受理时间] missing_value: 第 2 行，列“受理时间”：必填项“受理时间”为空
            reject line 3 [办理方式] unknown_value: 第 3 行，列“办理方式”：“转 办”不是“办理方式”的有效取值；可用：直接答复、转办
            accepted 
        "#]],
    );
}

#[test]
fn a_rejected_duplicate_does_not_block_a_later_row() {
    // D1's first row is rejected, so the second D1 is the first accepted one.
    check(
        "D1,bad,微信,咨询,直接答复,,,,,,,,\n\
         D1,2021-02-01,微信,咨询,直接答复,,,,,,,,\n",
        expect![[r#"
            read 2 scored 1 rejected 1 encoding Some(Utf8) extra []
            reject line 2 [受理时间] bad_datetime: 第 2 行，列“受理时间”：“bad”不是可识别的日期时间；可用格式：YYYY-MM-DD HH:MM:SS、YYYY-MM-DD HH:MM、YYYY-MM-DD（也可用 / 分隔，月日时分可为一位数；年份 2000–2135）
            accepted D1
        "#]],
    );
}

#[test]
fn every_datetime_form_and_the_refused_ones() {
    let forms = [
        "2021-02-05 09:03:07",
        "2021-02-05 09:03",
        "2021-02-05",
        "2021/02/05 09:03:07",
        "2021/02/05 09:03",
        "2021/02/05",
        "2021/2/5 9:03",
        "44232.5",
        "05/02/2021",
        "2021-02-05T09:03:07",
    ];
    let rows: String =
        forms.iter().enumerate().map(|(i, f)| format!("E{i},{f},微信,咨询,直接答复,,,,,,,,\n")).collect();
    let bytes = format!("{H}\n{rows}");
    let done = ingest_bytes(bytes.as_bytes(), IngestOptions::default()).unwrap();
    let got: Vec<String> = (0..done.store.len())
        .map(|i| format!("{} {}", done.store.id(i), done.store.tickets[i].received))
        .collect();
    assert_eq!(
        got,
        [
            "E0 2021-02-05 09:03:07",
            "E1 2021-02-05 09:03:00",
            "E2 2021-02-05 00:00:00",
            "E3 2021-02-05 09:03:07",
            "E4 2021-02-05 09:03:00",
            "E5 2021-02-05 00:00:00",
            "E6 2021-02-05 09:03:00",
        ]
    );
    let lines: Vec<u32> = done.rejects.iter().map(|r| r.line).collect();
    assert_eq!(lines, [9, 10, 11]);
    assert!(done.rejects.iter().all(|r| r.message().contains("YYYY-MM-DD HH:MM:SS")));
}

#[test]
fn quoted_fields_with_commas_quotes_and_newlines_keep_line_numbers() {
    check(
        "\"F1\",2021-02-01,\"微信,APP\",\"说\"\"明\"\"\",直接答复,,,,,,,,\n\
         F2,2021-02-01,\"多\n行\n渠道\",咨询,直接答复,,,,,,,,\n\
         F3,bad,微信,咨询,直接答复,,,,,,,,\n",
        expect![[r#"
            read 3 scored 2 rejected 1 encoding Some(Utf8) extra []
            reject line 6 [受理时间] bad_datetime: 第 6 行，列“受理时间”：“bad”不是可识别的日期时间；可用格式：YYYY-MM-DD HH:MM:SS、YYYY-MM-DD HH:MM、YYYY-MM-DD（也可用 / 分隔，月日时分可为一位数；年份 2000–2135）
            accepted F1 F2
        "#]],
    );
}

#[test]
fn fields_are_trimmed_and_blank_lines_skipped() {
    check(
        " G1 , 2021-02-01 08:00 ,微信, 咨询 , 直接答复 ,,,,,,,,\n\n\r\nG2,2021-02-01,微信,咨询,直接答复,,,,,,,,\r\n",
        expect![[r#"
            read 2 scored 2 rejected 0 encoding Some(Utf8) extra []
            accepted G1 G2
        "#]],
    );
}

#[test]
fn gbk_file_with_rejects() {
    let text = format!(
        "{H},备注\nK1,2021-02-01,微信,咨询,直接答复,,,,,,,,,说明\nK2,2021-02-01,微信,咨询,答复,,,,,,,,,\n"
    );
    let gbk = encode(TextEncoding::Gb18030, &text);
    expect![[r#"
        read 2 scored 1 rejected 1 encoding Some(Gb18030) extra ["备注"]
        reject line 3 [办理方式] unknown_value: 第 3 行，列“办理方式”：“答复”不是“办理方式”的有效取值；可用：直接答复、转办
        accepted K1
    "#]]
    .assert_eq(&render(&gbk, IngestOptions::default()));
}

#[test]
fn english_aliases_are_accepted() {
    let text = "id,received_at,channel,kind,handling,unit,dispatched_at,due_at\nL1,2021-02-01,web,consult,转办,A,2021-02-01,2021-02-08\n";
    expect![[r#"
        read 1 scored 1 rejected 0 encoding Some(Utf8) extra []
        accepted L1
    "#]]
    .assert_eq(&render(text.as_bytes(), IngestOptions::default()));
}

#[test]
fn missing_columns_are_named_in_one_message() {
    let text = "工单号,来电时间,来源渠道\nX,2021-02-01,微信\n";
    expect![[r#"file error: 第 1 行（表头）：缺少必需的列：工单编号、受理时间、诉求类型、办理方式、承办单位、派单时间。请在映射步骤中指定对应的列。"#]]
        .assert_eq(&render(text.as_bytes(), IngestOptions::default()));
}

#[test]
fn another_layout_through_a_mapping_with_its_own_datetime_form() {
    let text = "工单号,来电时间,受理渠道,诉求类别,处理方式,责任单位,交办时间,办理期限,办结日期,内容\n\
                M1,2021年02月01日 08时00分,微信,投诉,转办,海州区,2021年02月01日 09时00分,2021年02月08日 00时00分,,噪音\n\
                M2,2021-02-01 08:00,微信,投诉,转办,海州区,2021年02月01日 09时00分,2021年02月08日 00时00分,,噪音\n";
    let headers = hotline_engine::peek_headers(text.as_bytes()).unwrap();
    let mut mapping = Mapping::guess(&headers);
    mapping.datetime_format = Some("%Y年%m月%d日 %H时%M分".into());
    expect![[r#"
        read 2 scored 1 rejected 1 encoding Some(Utf8) extra ["内容"]
        reject line 3 [来电时间] bad_datetime: 第 3 行，列“来电时间”：“2021-02-01 08:00”不是可识别的日期时间；可用格式：自定义格式 %Y年%m月%d日 %H时%M分
        accepted M1
    "#]]
    .assert_eq(&render(text.as_bytes(), IngestOptions { mapping: Some(mapping), ..Default::default() }));
}

#[test]
fn utf16_and_empty_files_are_refused_with_a_message() {
    expect![[r#"file error: 文件是 UTF-16 编码，请另存为 UTF-8 或 GBK 的 CSV"#]]
        .assert_eq(&render(b"\xFF\xFEa\x00", IngestOptions::default()));
    expect![[r#"file error: 文件为空，没有表头行"#]].assert_eq(&render(b"", IngestOptions::default()));
}

#[test]
fn rows_read_always_equal_scored_plus_rejected_on_the_sample() {
    let mut out = Vec::new();
    hotline_sample::generate(
        &hotline_sample::GenConfig::new(hotline_engine::Month::new(2021, 2), 3000, 7),
        &mut out,
    );
    let done = ingest_bytes(&out, IngestOptions::default()).unwrap();
    assert_eq!(done.summary.rows_read, done.summary.rows_scored + done.summary.rows_rejected);
    assert_eq!(done.summary.rows_rejected, 0, "{:?}", done.rejects.first());
}

/// `check_header` on a file's first bytes gives the error the whole ingest stops with, and none
/// where the ingest reads on (the worker answers another layout before reading the file).
#[test]
fn the_header_check_on_first_bytes_agrees_with_the_ingest() {
    let row = "\nA1,2021-02-01 08:00,微信,咨询,直接答复,,,,,\n";
    let other = "工单号,来电时间,受理渠道,诉求类别,处理方式,责任单位,交办时间,办理期限,办结日期,内容";
    let headers: Vec<String> = other.split(',').map(String::from).collect();
    let mapping = Mapping::guess(&headers);
    assert!(mapping.resolve(&headers).is_usable(), "the mapping makes the other layout readable");
    let gbk = encode(TextEncoding::Gb18030, &format!("{other}{row}"));
    let cases: Vec<(Vec<u8>, Option<Mapping>)> = vec![
        (format!("{H}{row}").into_bytes(), None),
        (format!("\u{feff}{H}{row}").into_bytes(), None),
        (format!("{other}{row}").into_bytes(), None),
        (format!("{other}{row}").into_bytes(), Some(mapping.clone())),
        (gbk.clone(), None),
        (gbk, Some(mapping)),
        ("工单编号,工单编号,受理时间\nA1,A1,2021-02-01\n".as_bytes().to_vec(), None),
        (Vec::new(), None),
        (b"\xff\xfe\x00\x00".to_vec(), None),
    ];
    for (bytes, mapping) in cases {
        let options = IngestOptions { mapping: mapping.clone(), ..Default::default() };
        let whole = ingest_bytes(&bytes, options).err();
        assert_eq!(hotline_engine::check_header(&bytes, mapping.as_ref(), true), whole, "{bytes:?}");
        // Only the header row's bytes: the same answer; cut inside it: no answer yet.
        let header_row = bytes.iter().position(|b| *b == b'\n').map_or(bytes.len(), |i| i + 1);
        let head = &bytes[..header_row];
        if header_row < bytes.len() {
            assert_eq!(hotline_engine::check_header(head, mapping.as_ref(), false), whole);
            assert_eq!(hotline_engine::check_header(&head[..head.len() - 2], mapping.as_ref(), false), None);
        }
    }
}

/// A name an export marked as text against formula injection (`'=1+1`, as `csv_cell::field`
/// writes it) reads as the name itself, on the fast path and the general reader alike.
#[test]
fn names_marked_as_text_read_as_themselves() {
    let rows = "M1,2021-02-01 09:00,微信,投诉,转办,'=1+1,2021-02-01 10:00,2021-02-08,,,,,\n\
                M2,2021-02-01 09:00,微信,投诉,转办,=1+1,2021-02-01 10:00,2021-02-08,,,,,\n\
                M3,2021-02-01 09:00,\"'@渠道\",投诉,转办,'海州区,2021-02-01 10:00,2021-02-08,,,,,\n";
    let done = ingest_bytes(format!("{H}\n{rows}").as_bytes(), IngestOptions::default()).unwrap();
    let units: Vec<&str> = done.store.units.iter().map(|(_, n)| n).collect();
    assert_eq!(units, ["=1+1", "'海州区"]);
    let channels: Vec<&str> = done.store.channels.iter().map(|(_, n)| n).collect();
    assert_eq!(channels, ["微信", "@渠道"]);
    // And the unit table written out marks it again.
    let report = hotline_engine::Report::build(&done, &hotline_engine::ReportOptions::default());
    let tables = hotline_engine::report::export::csv_tables(&report);
    let units_csv = &tables.iter().find(|(n, _)| *n == "units.csv").unwrap().1;
    assert!(units_csv.contains("\r\n'=1+1,全部,"), "{units_csv}");
}

/// A file saved with CR alone as its line end (old Mac tools) reads as the same file with line
/// feeds: the same rows, rejects and lines, whatever the chunks; once it gave 0 rows (the whole
/// file read as its header).
#[test]
fn cr_only_line_ends_are_line_ends() {
    let lf = format!(
        "{H}\nA1,2021-02-01 08:00,微信,咨询,直接答复,,,,,,,,\n\
         A2,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,,是,很满意,规范,2\n\
         A3,2021-02-01 09:00,\"微信\n二\",投诉,转办,海州区,2021-02-01 10:00,2021-02-08,,,,,\n"
    );
    let cr = lf.replace('\n', "\r");
    let read = |text: &str, chunk: usize| {
        let mut ingest = hotline_engine::Ingest::new(IngestOptions::default());
        for c in text.as_bytes().chunks(chunk) {
            ingest.push(c).unwrap();
        }
        ingest.finish().unwrap()
    };
    let want = read(&lf, 1 << 20);
    assert_eq!(want.summary.rows_read, 3);
    assert!(!want.summary.cr_line_ends);
    for chunk in [1, 2, 3, 7, 64, 1 << 20] {
        let got = read(&cr, chunk);
        assert!(got.summary.cr_line_ends, "chunk {chunk}");
        assert_eq!(
            (got.summary.rows_read, got.summary.rows_scored, got.rejects.clone()),
            (want.summary.rows_read, want.summary.rows_scored, want.rejects.clone()),
            "chunk {chunk}"
        );
        let ids = |d: &hotline_engine::Ingested| {
            (0..d.store.len()).map(|i| d.store.id(i).to_string()).collect::<Vec<_>>()
        };
        assert_eq!(ids(&got), ids(&want));
        let channels: Vec<&str> = got.store.channels.iter().map(|(_, n)| n).collect();
        assert_eq!(channels, ["微信", "微信\n二"]);
    }
    assert_eq!(hotline_engine::peek_headers(cr.as_bytes()).unwrap().len(), 13);
    assert!(hotline_engine::check_header(cr.as_bytes(), None, false).is_none());
}

/// 省派 and 急件 as spreadsheets write them: TRUE/FALSE (Excel, WPS), and y/n in either case.
#[test]
fn yes_and_no_as_spreadsheets_spell_them() {
    let row = |id: &str, v: &str| {
        format!("{id},2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,,{v},,,\n")
    };
    let rows: String = ["TRUE", "True", "y", "Y", "FALSE", "False", "n", "N", "是", "否"]
        .iter()
        .enumerate()
        .map(|(i, v)| row(&format!("Y{i}"), v))
        .collect();
    let done = ingest_bytes(format!("{H}\n{rows}").as_bytes(), IngestOptions::default()).unwrap();
    assert_eq!(done.summary.rows_rejected, 0, "{:?}", done.rejects);
    let province: Vec<bool> = done.store.tickets.iter().map(|t| t.from_province).collect();
    assert_eq!(province, [true, true, true, true, false, false, false, false, true, false]);
    let bad =
        ingest_bytes(format!("{H}\n{}", row("Z1", "yes")).as_bytes(), IngestOptions::default()).unwrap();
    assert_eq!(bad.rejects[0].reason, hotline_engine::Reason::UnknownValue);
}

/// NUL, zero-width characters and the spaces GBK exports carry (U+3000, U+00A0) in a unit name
/// once made a second unit; they are interned without them, and the summary counts the names.
#[test]
fn invisible_characters_make_no_second_unit() {
    let row = |id: &str, unit: &str| {
        format!("{id},2021-02-01 09:00,微信,投诉,转办,{unit},2021-02-01 10:00,2021-02-08,,,,,\n")
    };
    let rows: String =
        ["海州区", "海\u{200B}州区", "海州区\u{3000}", "\u{00A0}海州区", "海州\0区", "\u{FEFF}海州区"]
            .iter()
            .enumerate()
            .map(|(i, u)| row(&format!("N{i}"), u))
            .collect();
    let done = ingest_bytes(format!("{H}\n{rows}").as_bytes(), IngestOptions::default()).unwrap();
    let units: Vec<&str> = done.store.units.iter().map(|(_, n)| n).collect();
    assert_eq!(units, ["海州区"]);
    assert_eq!(done.summary.cleaned_names, ["海州区"]);
    assert_eq!(done.summary.rows_scored, 6);
}

/// A rejected row names its 工单编号 when the row splits into fields, in the file's encoding;
/// a row that does not split (an unclosed quote) has none. The reject file carries it.
#[test]
fn a_reject_names_its_ticket_number() {
    let text = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
                号1,2021-02-01 08:00,微信,,直接答复,,,,\n\
                号2,2021-02-01 09:00,微信,\"咨询,直接答复,,,,\n";
    for bytes in [text.as_bytes().to_vec(), encode(TextEncoding::Gb18030, text)] {
        let done = ingest_bytes(&bytes, IngestOptions::default()).unwrap();
        let ids: Vec<&str> = done.rejects.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["号1", ""]);
        let csv = hotline_engine::Reject::to_csv(&done.rejects);
        assert!(csv.starts_with("\u{feff}行号,工单编号,列,原因,说明,原始行\r\n2,号1,"), "{csv}");
    }
}
