//! `hotline`: the engine on the command line. Prints the same figures the page shows.
//!
//! ```text
//! hotline TICKETS.csv [--period 2021-02 | 2021-01..2021-04] [--units F] [--adjustments F]
//!                     [--mapping F] [--format json|csv] [--out DIR] [--stream 0]
//! hotline INPUT.csv|PARTIAL.json ... [--partial MERGED.json] [same options]
//! hotline shortfalls TICKETS.csv (--unit NAME | --member NAME) [--scope all|municipal|province]
//!                     [--period P] [--units F] [--rules R] [--mapping F] [--format json|csv]
//! hotline generate [--month 2021-02] [--tickets 5000] [--seed 1] [--encoding utf8|gbk] [--out FILE]
//! ```

use hotline_engine::export::csv_tables;
use hotline_engine::partial::{Partial, PartialError, StreamError, Streamed, StreamingPartial, MAX_MONTHS};
use hotline_engine::registry::{Adjustments, Registry};
use hotline_engine::{ingest_bytes, IngestOptions, Mapping, Month, Period, Report, ReportOptions};
use hotline_sample::{generate, GenConfig};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
用法 / usage:
  hotline TICKETS.csv [--period 2021-02 | 2021-01..2021-04] [--month …] [--units FILE]
                      [--adjustments FILE] [--mapping FILE] [--rules PRESET|FILE]
                      [--format json|csv] [--out DIR] [--stream 0]
                                   (the file is read a batch of tickets at a time, in bounded
                                    memory; --stream 0 holds it whole and reads it on two
                                    threads instead: the same output, for comparison)
  hotline INPUT... [--partial MERGED.json] [same options]
                                   (ticket files, oldest export first, and/or partial-aggregates
                                    files *.json: each reduced to its partial and merged exactly;
                                    a ticket in two ticket files counts once, the later file's row
                                    winning; partials that share tickets stop the run;
                                    --partial saves the merged partial)
  hotline --report REPORT.json --rules PRESET|FILE [--units FILE] [--adjustments FILE] [--format json|csv] [--out DIR]
                                   (scores a saved report's per-unit counts: no tickets needed)
  hotline shortfalls TICKETS.csv (--unit NAME | --member NAME) [--scope all|municipal|province]
                      [--period …] [--units FILE] [--rules PRESET|FILE] [--mapping FILE]
                      [--format json|csv] [--out FILE]
                                   (扣分工单: the tickets that cost one 承办单位 or 成员单位 on each
                                    indicator; the file is streamed twice, in bounded memory)
  hotline presets                  (lists the rule presets)
  hotline generate [--month 2021-02] [--tickets 5000] [--seed 1] [--encoding utf8|gbk] [--out FILE]

--rules takes a preset (lyg2017, lyg2021, panjin2023) or a rule file (docs/rules.md) and adds
the scores to the report.
--format json (default) prints the report to stdout, or writes DIR/report.json with --out.
--format csv writes one CSV per table into --out DIR (default ./hotline-out).
See docs/report-json.md for the JSON shape and the CSV columns.";

/// A usage mistake (exit 2, usage printed) or a failure while running (exit 1).
enum Fail {
    Usage(String),
    Run(String),
}

impl From<String> for Fail {
    fn from(m: String) -> Fail {
        Fail::Run(m)
    }
}

struct Args {
    positional: Vec<String>,
    flags: Vec<(String, String)>,
}

fn parse_args(raw: Vec<String>) -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut flags = Vec::new();
    let mut it = raw.into_iter();
    while let Some(a) = it.next() {
        if a == "-h" || a == "--help" {
            return Err(String::new());
        }
        if let Some(name) = a.strip_prefix("--") {
            let (name, value) = match name.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => (name.to_string(), it.next().ok_or_else(|| format!("--{name} 缺少取值"))?),
            };
            flags.push((name, value));
        } else {
            positional.push(a);
        }
    }
    Ok(Args { positional, flags })
}

impl Args {
    fn get(&self, names: &[&str]) -> Option<&str> {
        self.flags.iter().rev().find(|(n, _)| names.contains(&n.as_str())).map(|(_, v)| v.as_str())
    }
    fn check_known(&self, known: &[&str]) -> Result<(), Fail> {
        match self.flags.iter().find(|(n, _)| !known.contains(&n.as_str())) {
            Some((n, _)) => Err(Fail::Usage(format!("未知参数 --{n}"))),
            None => Ok(()),
        }
    }
}

/// Accepted tickets held at a time when a file is streamed into its partial (about 80 MB).
const BATCH_TICKETS: usize = 1_000_000;

/// The report of one ticket file read a batch of tickets at a time; `None` when its dates span
/// more months than a partial holds (the file is then held whole, which counts each period from
/// the tickets).
fn streamed_report(
    file: &str,
    mapping: Option<Mapping>,
    o: &ReportOptions,
) -> Result<Option<Report>, String> {
    let options = IngestOptions { mapping, size_hint: file_size(file), ..Default::default() };
    let mut stream =
        StreamingPartial::new(file, options, o.deadlines.clone(), BATCH_TICKETS).without_ticket_hashes();
    let too_wide = |e: &StreamError| matches!(e, StreamError::Partial(PartialError::TooManyMonths(_)));
    let mut wide = false;
    let read = stream_into(file, |c| stream.push(c).inspect_err(|e| wide = too_wide(e)));
    let done = match read.map(|()| stream.finish()) {
        Ok(Ok(done)) => done,
        Ok(Err(e)) if too_wide(&e) => return Ok(wide_file(file)),
        Ok(Err(e)) => return Err(format!("{file}：{e}")),
        Err(_) if wide => return Ok(wide_file(file)),
        Err(e) => return Err(e),
    };
    let mut report = done.partial.report(o).map_err(|e| e.to_string())?;
    // The reading's own summary and every rejected row (a partial keeps neither).
    report.source = done.ingested.summary;
    report.rejects = done.ingested.rejects;
    Ok(Some(report))
}

/// Says why a file is held whole after all (see [`streamed_report`]).
fn wide_file(file: &str) -> Option<Report> {
    eprintln!("{file}：工单时间分布在超过 {MAX_MONTHS} 个不同的月份，改为整份读入内存统计");
    None
}

/// The report of one ticket file held whole (`--stream 0`, or dates over too many months), read
/// by two readers on two cores when it is big enough to gain (split.rs): the figures are those
/// of one reader, by construction and by test.
fn held_report(file: &str, mapping: Option<Mapping>, o: &ReportOptions) -> Result<Report, String> {
    let bytes = read(file)?;
    let options = IngestOptions { mapping, ..Default::default() };
    let two = bytes.len() >= 8 << 20 && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let ingested = if two {
        hotline_engine::split::ingest_in_two(&bytes, options, bytes.len() / 2).map(|(d, _)| d)
    } else {
        ingest_bytes(&bytes, options)
    }
    .map_err(|e| e.message())?;
    Ok(Report::build(&ingested, o))
}

/// Reads a file in 4 MiB chunks into a streamed count.
fn stream_file(path: &str, mut stream: StreamingPartial) -> Result<Streamed, String> {
    stream_into(path, |c| stream.push(c))?;
    stream.finish().map_err(|e| format!("{path}：{e}"))
}

/// A partial-aggregates file (by its name; its content is checked when read).
fn is_partial(path: &str) -> bool {
    path.ends_with(".json")
}

/// The file's size, when it can be read (it sizes the duplicate check of a streamed read).
fn file_size(path: &str) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len())
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("无法读取 {path}：{e}"))
}

fn run_generate(args: &Args) -> Result<(), Fail> {
    args.check_known(&["month", "tickets", "seed", "encoding", "out"])?;
    let month = match args.get(&["month"]) {
        Some(m) => Month::parse(m).ok_or_else(|| Fail::Usage(format!("无法识别的月份“{m}”")))?,
        None => Month::new(2021, 2),
    };
    let tickets =
        args.get(&["tickets"]).unwrap_or("5000").parse().map_err(|_| "--tickets 应为整数".to_string())?;
    let seed = args.get(&["seed"]).unwrap_or("1").parse().map_err(|_| "--seed 应为整数".to_string())?;
    let mut out = Vec::new();
    generate(&GenConfig::new(month, tickets, seed), &mut out);
    let bytes = match args.get(&["encoding"]).unwrap_or("utf8") {
        "utf8" | "utf-8" => out,
        "gbk" | "gb18030" => {
            let text = String::from_utf8(out).map_err(|e| e.to_string())?;
            hotline_engine::encoding::encode(hotline_engine::TextEncoding::Gb18030, &text)
        }
        e => return Err(Fail::Usage(format!("未知编码 {e}：可用 utf8、gbk"))),
    };
    match args.get(&["out"]) {
        Some(path) => std::fs::write(path, bytes).map_err(|e| Fail::Run(format!("无法写入 {path}：{e}"))),
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes).map_err(|e| Fail::Run(e.to_string()))
        }
    }
}

/// `--rules`: a preset's id or a rule file.
fn rules_of(args: &Args) -> Result<Option<hotline_engine::rules::RuleSet>, String> {
    let Some(r) = args.get(&["rules"]) else { return Ok(None) };
    Ok(Some(match hotline_engine::presets::preset(r) {
        Some(p) => p,
        None => hotline_engine::rules::RuleSet::parse(&String::from_utf8_lossy(&read(r)?))
            .map_err(|e| e.to_string())?,
    }))
}

/// `--mapping`: a saved column mapping.
fn mapping_of(args: &Args) -> Result<Option<Mapping>, String> {
    args.get(&["mapping"])
        .map(|p| Mapping::from_json(&String::from_utf8_lossy(&read(p)?)).map_err(|e| e.to_string()))
        .transpose()
}

/// `--units`: the unit registry.
fn registry_of(args: &Args) -> Result<Option<Registry>, String> {
    args.get(&["units"]).map(|p| Registry::parse(&read(p)?).map_err(|e| e.to_string())).transpose()
}

fn run_report(args: &Args) -> Result<(), Fail> {
    args.check_known(&[
        "period",
        "month",
        "units",
        "adjustments",
        "mapping",
        "rules",
        "format",
        "out",
        "report",
        "partial",
        "stream",
    ])?;
    let rules = rules_of(args)?;
    let saved = args.get(&["report"]);
    let partial_out = args.get(&["partial"]);
    let file = match (args.positional.as_slice(), saved) {
        ([file], None) if partial_out.is_none() && !is_partial(file) => Some(file.as_str()),
        ([], Some(_)) => None,
        ([_, ..], None) => None,
        _ => return Err(Fail::Usage("需要工单文件或部分汇总文件（或 --report 一个已保存的报告）".into())),
    };
    let (mapping, registry) = (mapping_of(args)?, registry_of(args)?);
    let adjustments = match args.get(&["adjustments"]) {
        Some(p) => Some(Adjustments::parse(&read(p)?).map_err(|e| e.to_string())?),
        None => None,
    };
    let period = args
        .get(&["period", "month"])
        .map(Period::parse)
        .transpose()
        .map_err(|e| Fail::Usage(e.to_string()))?;
    let stream = match args.get(&["stream"]) {
        None | Some("1") => true,
        Some("0") => false,
        Some(v) => return Err(Fail::Usage(format!("--stream 应为 1 或 0，而不是“{v}”"))),
    };
    let deadlines = rules.as_ref().and_then(|r| r.deadlines.clone());
    let report_options =
        ReportOptions { period, registry: registry.clone(), deadlines, ..Default::default() };
    let mut report = match file {
        // A batch of tickets at a time, in bounded memory: the same figures, rows and rejects as
        // holding the file whole, as fast (one thread streaming against two holding: 0.70 s
        // against 0.68 s for 1M tickets, 143 MB against 437 MB; docs/partials.md).
        Some(file) => {
            let streamed =
                if stream { streamed_report(file, mapping.clone(), &report_options)? } else { None };
            match streamed {
                Some(report) => report,
                None => held_report(file, mapping, &report_options)?,
            }
        }
        // Several inputs (or a partial): each ticket file is read and reduced to its partial
        // aggregates before the next is read, so memory is bounded by the largest input; the
        // partials merge exactly, and tickets present in two inputs stop the run.
        None if saved.is_none() => {
            let deadlines = report_options.deadlines.clone();
            // Consecutive exports repeat the tickets still open: ticket files are combined at
            // ticket level, a later file's row replacing an earlier one's. Read newest first and
            // drop from each older file the tickets a newer one has (8 bytes a ticket kept).
            let mut parts = Vec::new();
            let mut newer: std::collections::HashSet<u64> = std::collections::HashSet::new();
            for input in args.positional.iter().rev() {
                let part = if is_partial(input) {
                    Partial::from_json(&String::from_utf8_lossy(&read(input)?))
                        .map_err(|e| format!("{input}：{e}"))?
                } else {
                    // Streamed: the file is never held whole, its tickets a batch at a time.
                    let size_hint = file_size(input);
                    let options = IngestOptions { mapping: mapping.clone(), size_hint, ..Default::default() };
                    let stream = StreamingPartial::new(input, options, deadlines.clone(), BATCH_TICKETS)
                        .replaced_by(&newer);
                    let done = stream_file(input, stream)?;
                    let s = &done.ingested.summary;
                    eprintln!(
                        "{input}：读取 {} 行，计分 {} 行，拒收 {} 行",
                        s.rows_read, s.rows_scored, s.rows_rejected
                    );
                    if done.replaced > 0 {
                        eprintln!("{input}：{} 张工单在之后的导出中也有，以之后的为准", done.replaced);
                    }
                    done.partial
                };
                newer.extend(part.hashes().map_err(|e| e.to_string())?);
                parts.push(part);
            }
            parts.reverse();
            let merged = Partial::merge(&parts).map_err(|e| e.to_string())?;
            if let Some(out) = partial_out {
                std::fs::write(out, merged.to_json()).map_err(|e| format!("无法写入 {out}：{e}"))?;
                eprintln!("已写入部分汇总 {out}（{} 个来源）", merged.sources.len());
            }
            merged.report(&report_options).map_err(|e| e.to_string())?
        }
        // A saved report carries each unit's tallies: rules score them without the tickets.
        None => {
            let path = saved.unwrap_or_default();
            let text = String::from_utf8_lossy(&read(path)?).into_owned();
            serde_json::from_str::<Report>(&text).map_err(|e| format!("{path} 不是本工具保存的报告：{e}"))?
        }
    };
    if report.deadline_errors.count > 0 {
        eprintln!(
            "{} 张工单的办理时限无法按工作日历计算（日历覆盖 {}–{} 年）：{}",
            report.deadline_errors.count,
            report.calendar_years.0,
            report.calendar_years.1,
            report.deadline_errors.examples.join("；")
        );
    }
    if let Some(rules) = &rules {
        let ctx = hotline_engine::score::Context {
            registry: registry.as_ref(),
            adjustments: adjustments.as_ref(),
            months: 1,
        };
        report.apply_rules(rules, &ctx);
    }
    if let Some(p) = &report.period {
        eprintln!("期间：{}（{}）", p.label, p.why);
    }
    eprintln!(
        "读取 {} 行，计分 {} 行，拒收 {} 行",
        report.source.rows_read, report.source.rows_scored, report.source.rows_rejected
    );
    match args.get(&["format"]).unwrap_or("json") {
        "json" => match args.get(&["out"]) {
            Some(dir) => {
                let dir = PathBuf::from(dir);
                std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
                let path = dir.join("report.json");
                std::fs::write(&path, report.to_json())
                    .map_err(|e| Fail::Run(format!("无法写入 {}：{e}", path.display())))
            }
            None => {
                println!("{}", report.to_json());
                Ok(())
            }
        },
        "csv" => {
            let dir = PathBuf::from(args.get(&["out"]).unwrap_or("hotline-out"));
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            for (name, text) in csv_tables(&report) {
                let path = dir.join(name);
                std::fs::write(&path, text).map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
            }
            eprintln!("已写入 {}", dir.display());
            Ok(())
        }
        f => Err(Fail::Usage(format!("未知格式 {f}：可用 json、csv"))),
    }
}

/// Streams `path` through `push` in 4 MiB chunks.
fn stream_into<E: std::fmt::Display>(
    path: &str,
    mut push: impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| format!("无法读取 {path}：{e}"))?;
    let mut buf = vec![0u8; 4 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| format!("无法读取 {path}：{e}"))?;
        if n == 0 {
            return Ok(());
        }
        push(&buf[..n]).map_err(|e| format!("{path}：{e}"))?;
    }
}

/// The shortfall lists of one unit, as the page makes them for a streamed file: a first pass
/// for the default period (when none is given), a second that keeps only that unit's rows.
fn run_shortfalls(args: &Args) -> Result<(), Fail> {
    use hotline_engine::shortfall::{EntityLevel, Scope, ShortfallQuery, ShortfallScan};
    args.check_known(&[
        "unit", "member", "scope", "period", "month", "units", "rules", "mapping", "format", "out",
    ])?;
    let [file] = args.positional.as_slice() else {
        return Err(Fail::Usage("shortfalls 需要一个工单文件".into()));
    };
    let (level, name) = match (args.get(&["unit"]), args.get(&["member"])) {
        (Some(u), None) => (EntityLevel::Unit, u),
        (None, Some(m)) => (EntityLevel::Member, m),
        _ => return Err(Fail::Usage("需要 --unit 承办单位 或 --member 成员单位（二选一）".into())),
    };
    let scope = match args.get(&["scope"]).unwrap_or("all") {
        "all" | "全部" => Scope::All,
        "municipal" | "市派" => Scope::Municipal,
        "province" | "省派" => Scope::Province,
        s => return Err(Fail::Usage(format!("未知口径 {s}：可用 all、municipal、province"))),
    };
    let rules = rules_of(args)?;
    let (mapping, registry) = (mapping_of(args)?, registry_of(args)?);
    let deadlines = rules.and_then(|r| r.deadlines);
    // Both passes stream the file: its size sizes their duplicate checks.
    let ingest = IngestOptions { mapping, size_hint: file_size(file), ..Default::default() };
    let options = ReportOptions { registry, deadlines: deadlines.clone(), ..Default::default() };
    let period = match args.get(&["period", "month"]) {
        Some(p) => Period::parse(p).map_err(|e| Fail::Usage(e.to_string()))?,
        None => {
            let mut first = StreamingPartial::new(file, ingest.clone(), deadlines, BATCH_TICKETS);
            stream_into(file, |c| first.push(c))?;
            let done = first.finish().map_err(|e| format!("{file}：{e}"))?;
            let report = done.partial.report(&options).map_err(|e| e.to_string())?;
            report.period.map(|p| p.period).ok_or_else(|| format!("{file}：没有可统计的月份"))?
        }
    };
    let query = ShortfallQuery { level, name: name.to_string(), scope, period };
    let mut scan = ShortfallScan::new(ingest, options, &query, BATCH_TICKETS);
    stream_into(file, |c| scan.push(c))?;
    let found = scan.finish().map_err(|e| format!("{file}：{}", e.message()))?;
    eprintln!(
        "{name}，{}：{}",
        period.label(),
        hotline_engine::shortfall::ShortfallKind::ALL
            .iter()
            .map(|k| format!("{} {}", k.label(), found.count(*k)))
            .collect::<Vec<_>>()
            .join("，")
    );
    let text = match args.get(&["format"]).unwrap_or("json") {
        "json" => serde_json::to_string_pretty(&found).map_err(|e| e.to_string())?,
        "csv" => found.to_csv(),
        f => return Err(Fail::Usage(format!("未知格式 {f}：可用 json、csv"))),
    };
    match args.get(&["out"]) {
        Some(out) => std::fs::write(out, text).map_err(|e| Fail::Run(format!("无法写入 {out}：{e}"))),
        None => {
            print!("{}", text.trim_end_matches('\n'));
            println!();
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(raw) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("{e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) };
        }
    };
    if args.positional.first().map(String::as_str) == Some("presets") {
        for (id, _) in hotline_engine::presets::PRESETS {
            let name = hotline_engine::presets::preset(id).map(|r| r.name).unwrap_or_default();
            println!("{id}\t{name}");
        }
        return ExitCode::SUCCESS;
    }
    let rest = |args: Args| Args { positional: args.positional[1..].to_vec(), flags: args.flags };
    let result = if args.positional.first().map(String::as_str) == Some("generate") {
        run_generate(&rest(args))
    } else if args.positional.first().map(String::as_str) == Some("shortfalls") {
        run_shortfalls(&rest(args))
    } else {
        run_report(&args)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail::Usage(e)) => {
            eprintln!("错误：{e}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Fail::Run(e)) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}
