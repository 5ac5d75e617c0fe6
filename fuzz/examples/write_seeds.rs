//! Writes the seed corpora (`corpus/<target>/seed-*`) from the material the tests use: small
//! generated months (UTF-8 and GB18030), the messy-file generator's damaged rows, the robustness
//! cases' shapes, the presets and the rule-file example, side files, partials and cells.
//! `cargo run -p hotline-fuzz --example write_seeds` (scripts/fuzz.sh runs it before fuzzing);
//! the fuzzer's own finds are added by `cargo fuzz cmin` after a run.

#[path = "../../engine/tests/messy/mod.rs"]
mod messy;

use hotline_engine::count::aggregate::Cells;
use hotline_engine::partial::Partial;
use hotline_engine::read::encoding::encode;
use hotline_engine::score::presets::{LYG2017_BONUS, PRESETS};
use hotline_engine::tickets::deadlines::DeadlinePlan;
use hotline_engine::{ingest_bytes, IngestOptions, Month, TextEncoding};
use hotline_sample::{generate_string, GenConfig};
use std::path::Path;

const HEADER: &str = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间";

/// The first `lines` lines of a generated month (small seeds fuzz faster).
fn month(seed: u64, tickets: usize, lines: usize) -> String {
    let text = generate_string(&GenConfig::new(Month::new(2021, 3), tickets, seed));
    text.lines().take(lines).map(|l| format!("{l}\n")).collect()
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
}

fn main() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for seed in 1..=3 {
        files.push((format!("month-{seed}"), month(seed, 12, 14).into_bytes()));
        let messy: String = messy::messy_file(seed).lines().take(25).map(|l| format!("{l}\n")).collect();
        files.push((format!("messy-{seed}"), messy.into_bytes()));
    }
    let gbk = encode(TextEncoding::Gb18030, &month(4, 10, 12));
    files.push(("month-gb18030".into(), gbk));
    let row = "R1,2021-02-01 08:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-05 12:00";
    let cases: [(&str, String); 8] = [
        ("canonical-header", format!("{HEADER}\n{row}\n")),
        ("bom-crlf", format!("\u{feff}{HEADER}\r\n{row}\r\n")),
        ("stray-quote", format!("{HEADER}\n{row}\nR2,\"2021-02-01 08:00,微信\n{row}\n")),
        ("quoted-newline", format!("{HEADER}\n\"R3\",\"2021-02-01\n08:00\",微信,投诉,转办,海州区,,,\n")),
        ("direct-answer", format!("{HEADER}\nR4,2021-02-01 08:00,电话,咨询,直接答复,,,,\n")),
        ("short-and-long", format!("{HEADER}\nR5,2021-02-01\n{row},extra\n")),
        (
            "working-days",
            format!("{HEADER}\nR6,2021-02-01 08:00,微信,投诉,转办,海州区,2021-02-01 10:00,5,\n"),
        ),
        ("no-final-newline", format!("{HEADER}\n{row}")),
    ];
    files.extend(cases.into_iter().map(|(n, s)| (n.to_string(), s.into_bytes())));
    for (name, bytes) in &files {
        write("ingest", name, bytes);
        if std::str::from_utf8(bytes).is_ok() {
            write("reencoded", name, bytes);
        }
    }

    let dates = [
        "2021-02-05 09:03:07",
        "2021-02-05 09:03",
        "2021-02-05",
        "2021/2/5 9:03",
        "2024-02-29 23:59:59",
        "2135-12-31 23:59:59",
        "1999-12-31",
        "2021-02-30",
        "44231.5",
        "%Y年%m月%d日 %H时%M分\n2021年02月05日 09时03分",
        "%Y%m%d\n20210205",
        "%d/%m/%Y %H:%M\n05/02/2021 09:03",
    ];
    for (i, d) in dates.iter().enumerate() {
        write("datetime", &i.to_string(), d.as_bytes());
    }

    for (id, json) in PRESETS {
        write("rules", id, json.as_bytes());
    }
    // Share links: fragments, queries and packed rules (docs/share-links.md).
    let links = [
        "#view=audit&unit=%E6%B5%B7%E5%B7%9E%E5%8C%BA&period=2021-02&preset=lyg2021",
        "view=units&sort=unit-table:received:desc&filter=unit-table:%E8%A1%97%E9%81%93&lang=zh",
        "#view=nowhere&period=2021-13&rules=%%%&sort=x",
        "?data=months/2021-02.csv&units=units.csv&adjustments=adj.csv&rules=mine.json",
        "?data=../a.csv&data=https://evil.example/a.csv&data=%2e%2e/b.csv",
    ];
    for (i, l) in links.iter().enumerate() {
        write("link", &format!("text-{i}"), l.as_bytes());
    }
    for (id, json) in PRESETS {
        let rules = hotline_engine::score::rules::RuleSet::parse(json).unwrap();
        write("link", &format!("packed-{id}"), hotline_web::share::pack_rule_set(&rules).as_bytes());
    }
    let doc = include_str!("../../docs/rules.md");
    if let Some(example) = doc.split("```json\n").nth(1).and_then(|s| s.split("```").next()) {
        write("rules", "rules-md-example", example.as_bytes());
    }

    let side: [(&str, &str); 7] = [
        ("lyg2017-bonus", LYG2017_BONUS),
        (
            "registry",
            "单位,分组,满分,上级单位\n海州区,县区组,150,\n市住建局,部门组,100,\n洪门街道,,,海州区\n",
        ),
        ("registry-cycle", "单位,分组,满分,上级单位\n甲,组,,乙\n乙,组,,甲\n"),
        ("adjustments", "单位,项目,分值,说明\n海州区,扣分,-1,\n海州区,加分,2.5,\"带,逗号\"\n"),
        (
            "mapping",
            r#"{"format":"hotline-eval.mapping/1","columns":{"编号":"工单编号"},"datetime_format":"%Y年%m月%d日"}"#,
        ),
        ("calendar", "date,kind\n2021-02-11,holiday\n2021-02-07,workday\n"),
        ("period", "2021-01..2021-03"),
    ];
    for (name, text) in side {
        write("side_files", name, text.as_bytes());
    }

    let small = ingest_bytes(month(5, 20, 22).as_bytes(), IngestOptions::default()).unwrap();
    let partial = Partial::from_ingested("a.csv", &small, None).unwrap();
    write("partial", "month", partial.to_json().as_bytes());
    let mut counts_only = partial.clone();
    counts_only.ticket_hashes.clear();
    write("partial", "counts-only", counts_only.to_json().as_bytes());
    let other = ingest_bytes(month(6, 8, 10).as_bytes(), IngestOptions::default()).unwrap();
    let other = Partial::from_ingested("b.csv", &other, None).unwrap();
    if let Ok(merged) = Partial::merge(&[partial, other]) {
        write("partial", "merged", merged.to_json().as_bytes());
    }

    for (i, seed) in [5u64, 7].iter().enumerate() {
        let done = ingest_bytes(month(*seed, 10, 12).as_bytes(), IngestOptions::default()).unwrap();
        let cells = Cells::build(&done.store, &DeadlinePlan::default());
        write("cells", &i.to_string(), &cells.to_bytes(&done.store));
    }
}
