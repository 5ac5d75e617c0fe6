//! `hotline`: the engine on the command line. Prints the same figures the page shows.
//!
//! ```text
//! hotline [report] INPUT… [--period P] [--units F] [--adjustments F] [--mapping F] [--rules R]
//!                         [--format json|csv] [--out DIR] [--partial OUT] [--stream 1|0]
//! hotline [report] --report REPORT.json --rules R [--units F] [--adjustments F] [--format …] [--out DIR]
//! hotline shortfalls TICKETS.csv (--unit NAME | --member NAME) [--scope all|municipal|province]
//!                    [--period P] [--units F] [--rules R] [--mapping F] [--format json|csv] [--out FILE]
//! hotline presets
//! hotline generate [--month 2021-02] [--tickets 5000] [--seed 1] [--encoding utf8|gbk] [--out FILE]
//! ```
//!
//! The arguments are declared once, below (clap derive): they drive the parsing, the `--help`
//! texts, and a test that docs/report-json.md documents every flag. Usage errors (an unknown flag,
//! a bad value, a missing input) exit 2 before any file is read; failures while running exit 1.

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use hotline_engine::count::entity::Scope;
use hotline_engine::partial::{Partial, PartialError, StreamError, Streamed, StreamingPartial, MAX_MONTHS};
use hotline_engine::report::export::csv_tables;
use hotline_engine::score::registry::{Adjustments, Registry};
use hotline_engine::{ingest_bytes, IngestOptions, Mapping, Month, Period, Report, ReportOptions};
use hotline_sample::{generate, GenConfig};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

/// 12345 热线工单考评：与页面相同的数字 / the 12345 hotline evaluator: the figures the page shows.
#[derive(Parser, Debug)]
#[command(
    name = "hotline",
    version,
    propagate_version = true,
    arg_required_else_help = true,
    after_help = "`hotline INPUT…` is `hotline report INPUT…`: report is the default subcommand.\n\
                  See docs/report-json.md for every flag, the JSON shape and the CSV columns."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands. (`bulletin` is to come: one variant, with its own args.)
#[derive(Subcommand, Debug)]
enum Command {
    /// 统计报告 / report the figures of ticket files, partials or a saved report (the default)
    #[command(
        args_override_self = true,
        override_usage = "hotline [report] INPUT... [OPTIONS]\n       \
                          hotline [report] --report REPORT.json --rules PRESET|FILE [OPTIONS]",
        long_about = "统计报告 / report the figures the page shows (`hotline INPUT…` is `hotline report INPUT…`).\n\n\
One ticket file is read a batch of tickets at a time, in bounded memory; --stream 0 holds it whole\n\
and reads it on two threads instead: the same output, for comparison.\n\n\
Several INPUTs (ticket files, oldest export first, and/or partial-aggregates files *.json) are each\n\
reduced to its partial and merged exactly: a ticket in two ticket files counts once, the later\n\
file's row winning; partials that share tickets stop the run. --partial saves the merged partial.\n\n\
--report REPORT.json --rules PRESET|FILE scores a saved report's per-unit counts: no tickets needed.\n\n\
--format json (default) prints the report to stdout, or writes DIR/report.json with --out.\n\
--format csv writes one CSV per table into --out DIR (default ./hotline-out).\n\
See docs/report-json.md for the JSON shape and the CSV columns."
    )]
    Report(ReportArgs),
    /// 扣分工单 / the tickets that cost one 承办单位 or 成员单位 on each indicator
    #[command(
        args_override_self = true,
        long_about = "扣分工单 / the tickets that cost one 承办单位 (--unit) or 成员单位 (--member) on each\n\
indicator, as the page lists them (docs/indicators.md §10). The file is streamed twice, in bounded\n\
memory: a first pass finds the default period (none with --period), the second keeps that unit's rows."
    )]
    Shortfalls(ShortfallsArgs),
    /// 本单位自查 / one unit's self-audit: items with points lost, each ticket's points at stake,
    /// the what-if score for fixes, and the open tickets to fix first
    #[command(
        args_override_self = true,
        long_about = "本单位自查 / one unit's self-audit under the rules (docs/self-audit.md): its score, rank and\n\
grade; every item with its formula and the points it lost; every ticket on a list with the points it\n\
alone costs; with --fix or --fix-all the score had those tickets gone right (a re-count of the edited\n\
tickets, never an estimate); the open tickets falling due before the period ends (as of --as-of, by\n\
default the latest event time in the files) and those already overdue. The files are streamed twice,\n\
in bounded memory: the counts, then that unit's tickets."
    )]
    Audit(AuditArgs),
    /// 规则预设 / list the rule presets that --rules takes (id, then name)
    Presets,
    /// 生成样例 / write a synthetic ticket file in the canonical layout (public/sample.csv is one)
    #[command(args_override_self = true)]
    Generate(GenerateArgs),
}

/// The flags `report` and `shortfalls` share.
#[derive(Args, Debug)]
struct Common {
    /// 期间 / the period: 2021-02 or 2021-01..2021-04 (2021/2 also parses as a month). --month is
    /// the same flag; the last one given wins. Default: the latest complete month.
    #[arg(long, visible_alias = "month", value_name = "PERIOD", value_parser = parse_period)]
    period: Option<Period>,
    /// 单位名录 / unit registry CSV: 单位,分组,满分,上级单位 (unit,group,full_score,parent_unit);
    /// only 单位 is required
    #[arg(long, value_name = "FILE")]
    units: Option<String>,
    /// 列映射 / a saved column mapping of another layout onto the canonical columns (JSON)
    #[arg(long, value_name = "FILE")]
    mapping: Option<String>,
}

#[derive(Args, Debug)]
struct ReportArgs {
    /// 工单文件 / ticket files (UTF-8 or GB18030/GBK, detected) and/or partial-aggregates files
    /// (*.json), oldest export first
    #[arg(value_name = "INPUT", required_unless_present = "report", conflicts_with = "report")]
    inputs: Vec<String>,
    #[command(flatten)]
    common: Common,
    #[arg(long, value_name = "PRESET|FILE", value_parser = parse_rules, help = rules_help(
        "adds the scores to the report; the rules' indicator readings and deadlines, if any, apply to the counts"
    ))]
    rules: Option<Rules>,
    /// 输出格式 / json: one JSON document (hotline-eval.report/1); csv: one CSV file per table,
    /// written into --out DIR
    #[arg(long, value_enum, default_value = "json", hide_possible_values = true, value_name = "json|csv")]
    format: Format,
    /// 加减分 / adjustments CSV: 单位,项目,分值,说明 (unit,item,points,note): the rules'
    /// `adjustment` items (--rules) add up its 分值. Checked even without --rules.
    #[arg(long, value_name = "FILE")]
    adjustments: Option<String>,
    /// json: write DIR/report.json instead of printing; csv: the output directory (default
    /// hotline-out). Created if needed.
    #[arg(long, value_name = "DIR")]
    out: Option<String>,
    /// 已保存的报告 / score a report this tool saved (its per-unit counts) instead of reading tickets
    #[arg(long, value_name = "REPORT.json")]
    report: Option<String>,
    /// 部分汇总 / save the merged partial aggregates of the inputs to this file
    #[arg(long, value_name = "OUT")]
    partial: Option<String>,
    /// 流式读取 / 1: read one ticket file a batch at a time, in bounded memory; 0: hold it whole
    /// (two threads). The same output.
    #[arg(long, value_enum, value_name = "1|0", default_value = "1", hide_possible_values = true)]
    stream: Stream,
}

#[derive(Args, Debug)]
#[group(id = "entity", required = true, multiple = false, args = ["unit", "member"])]
struct ShortfallsArgs {
    /// 工单文件 / the ticket file
    #[arg(value_name = "TICKETS.csv")]
    file: String,
    /// 承办单位 / the handling unit whose shortfalls are listed
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    unit: Option<String>,
    /// 成员单位 / the member unit whose shortfalls are listed (its own tickets and its units')
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    member: Option<String>,
    /// 口径 / which tickets count
    #[arg(long, value_enum, default_value = "all")]
    scope: ScopeArg,
    #[command(flatten)]
    common: Common,
    #[arg(long, value_name = "PRESET|FILE", value_parser = parse_rules, help = rules_help(
        "only its deadlines apply here (as in the report's counts)"
    ))]
    rules: Option<Rules>,
    /// 输出格式 / json: the counts and the rows; csv: one row per ticket
    #[arg(long, value_enum, default_value = "json", hide_possible_values = true, value_name = "json|csv")]
    format: Format,
    /// write the lists to this file instead of printing them
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
}

#[derive(Args, Debug)]
struct AuditArgs {
    /// 工单文件 / ticket files, oldest export first (combined as `report` combines them)
    #[arg(value_name = "TICKETS.csv", required = true)]
    files: Vec<String>,
    /// 单位 / the unit audited: a 承办单位, or with --member a 成员单位
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    unit: String,
    /// --unit names a 成员单位 (its own tickets and those of the units below it)
    #[arg(long)]
    member: bool,
    #[command(flatten)]
    common: Common,
    #[arg(long, value_name = "PRESET|FILE", value_parser = parse_rules, default_value = "lyg2021", help = rules_help(
        "the scores audited (default lyg2021)"
    ))]
    rules: Rules,
    /// 加减分 / adjustments CSV: 单位,项目,分值,说明, as for `report`
    #[arg(long, value_name = "FILE")]
    adjustments: Option<String>,
    /// 截至 / the "as of" time of the fix-first list (2021-02-20 12:00:00); default: the latest
    /// event time (受理, 派单, 签收, 联系, 办结, 回访, 反馈) in the files
    #[arg(long, value_name = "DATETIME", value_parser = parse_datetime)]
    as_of: Option<hotline_engine::Stamp>,
    /// 假如 / tickets had gone right: 工单编号, or 工单编号:list (closed_late, signed_late, …) for one
    /// list only; comma-separated
    #[arg(long, value_name = "ID,ID,…", value_delimiter = ',', value_parser = parse_fix, conflicts_with = "fix_all")]
    fix: Vec<hotline_engine::report::audit::Fix>,
    /// 假如全部 / every ticket on a list had gone right
    #[arg(long)]
    fix_all: bool,
    /// 输出格式 / json: the whole audit; csv: the tickets of every list, then the fix-first list
    #[arg(long, value_enum, default_value = "json", hide_possible_values = true, value_name = "json|csv")]
    format: Format,
    /// write the audit to this file instead of printing it
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
}

fn parse_datetime(s: &str) -> Result<hotline_engine::Stamp, String> {
    hotline_engine::read::datetime::parse_standard(s.trim().as_bytes())
        .ok_or_else(|| format!("无法识别的时间“{s}”：应为 2021-02-20 12:00:00"))
}

fn parse_fix(s: &str) -> Result<hotline_engine::report::audit::Fix, String> {
    hotline_engine::report::audit::Fix::parse(s.trim()).ok_or_else(|| {
        let kinds: Vec<&str> =
            hotline_engine::report::shortfall::ShortfallKind::ALL.iter().map(|k| k.key()).collect();
        format!("无法识别的 --fix“{s}”：应为 工单编号 或 工单编号:类型（{}）", kinds.join("、"))
    })
}

#[derive(Args, Debug)]
struct GenerateArgs {
    /// 月份 / the month generated (its previous month's still-open tickets come too)
    #[arg(long, value_name = "MONTH", default_value = "2021-02", value_parser = parse_month)]
    month: Month,
    /// 工单数 / tickets received in the month (the carry-over comes on top, about 5 %)
    #[arg(long, value_name = "N", default_value_t = 5000)]
    tickets: usize,
    /// 随机种子 / the seed: the same seed, the same file
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// 编码 / the file's encoding
    #[arg(long, value_enum, default_value = "utf8")]
    encoding: Encoding,
    /// write to this file instead of stdout
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Format {
    Json,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Stream {
    /// streamed, a batch of tickets at a time
    #[value(name = "1")]
    On,
    /// held whole
    #[value(name = "0")]
    Off,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ScopeArg {
    /// 全部: every ticket
    #[value(alias = "全部")]
    All,
    /// 市派: the tickets the city dispatched
    #[value(alias = "市派")]
    Municipal,
    /// 省派: the tickets the province dispatched
    #[value(alias = "省派")]
    Province,
}

impl From<ScopeArg> for Scope {
    fn from(s: ScopeArg) -> Scope {
        match s {
            ScopeArg::All => Scope::All,
            ScopeArg::Municipal => Scope::Municipal,
            ScopeArg::Province => Scope::Province,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Encoding {
    /// UTF-8
    #[value(name = "utf8", alias = "utf-8")]
    Utf8,
    /// GB18030 (a superset of GBK)
    #[value(name = "gbk", alias = "gb18030")]
    Gbk,
}

/// `--rules`: a preset's id or a rule file, told apart when parsed (a preset id wins).
#[derive(Clone, Debug)]
enum Rules {
    Preset(String),
    File(String),
}

fn parse_period(s: &str) -> Result<Period, String> {
    Period::parse(s).map_err(|e| e.to_string())
}

fn parse_month(s: &str) -> Result<Month, String> {
    Month::parse(s).ok_or_else(|| format!("无法识别的月份“{s}”：应为 2021-02"))
}

/// The presets, one line `  id  name` each.
fn preset_list() -> String {
    hotline_engine::score::presets::PRESETS
        .iter()
        .map(|(id, _)| {
            let name = hotline_engine::score::presets::preset(id).map(|r| r.name).unwrap_or_default();
            format!("\n  {id:<12} {name}")
        })
        .collect()
}

/// The help of `--rules`, which lists the presets; `what` says what the rules do there.
fn rules_help(what: &str) -> String {
    let ids: Vec<&str> = hotline_engine::score::presets::PRESETS.iter().map(|(id, _)| *id).collect();
    format!(
        "评分规则 / a preset ({}; `hotline presets` lists them) or a rule file (docs/rules.md): {what}",
        ids.join(", ")
    )
}

/// A preset's id, or else a path that exists (its content is read, and checked, before any ticket).
fn parse_rules(s: &str) -> Result<Rules, String> {
    if hotline_engine::score::presets::preset(s).is_some() {
        Ok(Rules::Preset(s.to_string()))
    } else if std::path::Path::new(s).exists() {
        Ok(Rules::File(s.to_string()))
    } else {
        Err(format!(
            "既不是规则预设，也不是存在的规则文件 / neither a preset nor an existing rule file.\n\
             可用预设 / presets:{}",
            preset_list()
        ))
    }
}

/// `hotline INPUT…` is `hotline report INPUT…`: `report` is put in front of the arguments unless
/// the first one names a subcommand or asks for the help or version.
fn with_default_subcommand(mut argv: Vec<OsString>) -> Vec<OsString> {
    let Some(first) = argv.get(1) else { return argv };
    let command = Cli::command();
    let mut known = vec!["help", "-h", "--help", "-V", "--version"];
    for sub in command.get_subcommands() {
        known.push(sub.get_name());
        known.extend(sub.get_all_aliases());
    }
    if !known.iter().any(|k| first == *k) {
        argv.insert(1, "report".into());
    }
    argv
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
    report.refresh();
    Ok(Some(report))
}

/// Says why a file is held whole after all (see [`streamed_report`]).
fn wide_file(file: &str) -> Option<Report> {
    eprintln!("{file}：工单时间分布在超过 {MAX_MONTHS} 个不同的月份，改为整份读入内存统计");
    None
}

/// The report of one ticket file held whole (`--stream 0`, or dates over too many months), read
/// by two readers on two cores when it is big enough to gain (halves.rs): the figures are those
/// of one reader, by construction and by test.
fn held_report(file: &str, mapping: Option<Mapping>, o: &ReportOptions) -> Result<Report, String> {
    let bytes = read(file)?;
    let options = IngestOptions { mapping, ..Default::default() };
    let two = bytes.len() >= 8 << 20 && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let ingested = if two {
        hotline_engine::read::halves::ingest_in_two(&bytes, options, bytes.len() / 2).map(|(d, _)| d)
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
/// A partial-aggregates file, by its first bytes (the engine's one rule): a `.json` name is
/// not needed, and a CSV named `.json` is still read as tickets.
fn is_partial(path: &str) -> bool {
    use std::io::Read;
    let mut head = [0u8; 4096];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    hotline_engine::partial::is_partial_file(head.get(..n).unwrap_or_default())
}

/// The file's size, when it can be read (it sizes the duplicate check of a streamed read).
fn file_size(path: &str) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len())
}

/// Why an output path cannot be written, in words (the system's own text after it).
fn io_why(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let why = match e.kind() {
        K::NotFound => "所在目录不存在",
        K::PermissionDenied => "没有写入权限",
        K::NotADirectory => "路径中有一段不是目录",
        K::IsADirectory => "这是一个目录",
        K::AlreadyExists => "已有同名文件",
        K::ReadOnlyFilesystem => "文件系统只读",
        K::StorageFull => "磁盘已满",
        _ => "写入失败",
    };
    format!("{why}（{e}）")
}

/// Writes `bytes` to `path`; the error names the path and why.
fn write_file(path: &std::path::Path, bytes: impl AsRef<[u8]>) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("无法写入 {}：{}", path.display(), io_why(&e)))
}

/// Makes the output directory `dir`; the error names it and why.
fn make_dir(dir: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("无法创建输出目录 {}：{}", dir.display(), io_why(&e)))
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("无法读取 {path}：{e}"))
}

fn run_generate(args: &GenerateArgs) -> Result<(), String> {
    let mut out = Vec::new();
    generate(&GenConfig::new(args.month, args.tickets, args.seed), &mut out);
    let bytes = match args.encoding {
        Encoding::Utf8 => out,
        Encoding::Gbk => {
            let text = String::from_utf8(out).map_err(|e| e.to_string())?;
            hotline_engine::read::encoding::encode(hotline_engine::TextEncoding::Gb18030, &text)
        }
    };
    match &args.out {
        Some(path) => write_file(std::path::Path::new(path), bytes),
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes).map_err(|e| e.to_string())
        }
    }
}

/// `--rules`: a preset, or a rule file read and parsed (before any ticket file is read).
fn rules_of(rules: &Option<Rules>) -> Result<Option<hotline_engine::score::rules::RuleSet>, String> {
    Ok(match rules {
        None => None,
        Some(Rules::Preset(id)) => hotline_engine::score::presets::preset(id),
        Some(Rules::File(path)) => Some(
            hotline_engine::score::rules::RuleSet::parse(&String::from_utf8_lossy(&read(path)?))
                .map_err(|e| e.to_string())?,
        ),
    })
}

/// `--mapping`: a saved column mapping.
fn mapping_of(common: &Common) -> Result<Option<Mapping>, String> {
    common
        .mapping
        .as_deref()
        .map(|p| Mapping::from_json(&String::from_utf8_lossy(&read(p)?)).map_err(|e| e.to_string()))
        .transpose()
}

/// `--units`: the unit registry.
fn registry_of(common: &Common) -> Result<Option<Registry>, String> {
    common.units.as_deref().map(|p| Registry::parse(&read(p)?).map_err(|e| e.to_string())).transpose()
}

fn run_report(args: &ReportArgs) -> Result<(), String> {
    let common = &args.common;
    let rules = rules_of(&args.rules)?;
    let saved = args.report.as_deref();
    let partial_out = args.partial.as_deref();
    // Either INPUTs or --report (clap sees to it): one ticket file alone is read by itself.
    let file = match args.inputs.as_slice() {
        [file] if partial_out.is_none() && !is_partial(file) => Some(file.as_str()),
        _ => None,
    };
    let (mapping, registry) = (mapping_of(common)?, registry_of(common)?);
    let adjustments = match &args.adjustments {
        Some(p) => Some(Adjustments::parse(&read(p)?).map_err(|e| e.to_string())?),
        None => None,
    };
    let period = common.period;
    let stream = matches!(args.stream, Stream::On);
    // The rules in force fix the indicator readings and deadlines the figures are counted with.
    let report_options = ReportOptions { period, registry: registry.clone(), ..Default::default() }
        .under_rules(rules.as_ref());
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
        None if saved.is_none() => merged_report(&args.inputs, mapping, &report_options, partial_out)?,
        // A saved report carries each unit's tallies: rules score them without the tickets.
        None => {
            let path = saved.unwrap_or_default();
            let text = String::from_utf8_lossy(&read(path)?).into_owned();
            let report = serde_json::from_str::<Report>(&text)
                .map_err(|e| format!("{path} 不是本工具保存的报告：{e}"))?;
            // Counts edited by hand (按期 above 应办结, 2^64 − 1) would score as 119.23 % or wrap.
            for e in report.units.iter().chain(&report.members).chain(&report.groups) {
                e.tallies.check(&e.name).map_err(|err| format!("{path}：{err}"))?;
            }
            report
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
            ..Default::default()
        };
        report.apply_rules(rules, &ctx);
        if let Some(scores) = &report.scores {
            // Points beyond exact arithmetic: no scores rather than wrong ones (exit 1).
            if let Some(why) = &scores.refused {
                return Err(why.clone());
            }
        }
    }
    if let Some(p) = &report.period {
        eprintln!("期间：{}（{}）", p.label, p.why);
    }
    eprintln!(
        "读取 {} 行，计分 {} 行，拒收 {} 行",
        report.source.rows_read, report.source.rows_scored, report.source.rows_rejected
    );
    eprintln!("{}", report.reconciliation.text());
    for w in &report.warnings {
        eprintln!("注意：{}", w.text());
    }
    write_report(&report, args.format, args.out.as_deref())
}

/// Several inputs (or a partial): each ticket file is read and reduced to its partial aggregates
/// before the next is read, so memory is bounded by the largest input; the partials merge
/// exactly, and tickets present in two inputs stop the run.
fn merged_report(
    inputs: &[String],
    mapping: Option<Mapping>,
    report_options: &ReportOptions,
    partial_out: Option<&str>,
) -> Result<Report, String> {
    let merged = merged_partial(inputs, mapping, report_options)?;
    if let Some(out) = partial_out {
        write_file(std::path::Path::new(out), merged.to_json())?;
        eprintln!("已写入部分汇总 {out}（{} 个来源）", merged.sources.len());
    }
    merged.report(report_options).map_err(|e| e.to_string())
}

/// The inputs' partial aggregates, merged (see [`merged_report`]).
fn merged_partial(
    inputs: &[String],
    mapping: Option<Mapping>,
    report_options: &ReportOptions,
) -> Result<Partial, String> {
    let deadlines = report_options.deadlines.clone();
    // Consecutive exports repeat the tickets still open: ticket files are combined at
    // ticket level, a later file's row replacing an earlier one's. Read newest first and
    // drop from each older file the tickets a newer one has (8 bytes a ticket kept).
    let mut parts = Vec::new();
    let mut newer: std::collections::HashSet<u64> = std::collections::HashSet::new();
    for input in inputs.iter().rev() {
        let part = if is_partial(input) {
            Partial::from_json(&String::from_utf8_lossy(&read(input)?))
                .map_err(|e| format!("{input}：{e}"))?
        } else {
            // Streamed: the file is never held whole, its tickets a batch at a time.
            let size_hint = file_size(input);
            let options = IngestOptions { mapping: mapping.clone(), size_hint, ..Default::default() };
            let stream =
                StreamingPartial::new(input, options, deadlines.clone(), BATCH_TICKETS).replaced_by(&newer);
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
    Partial::merge(&parts).map_err(|e| e.to_string())
}

/// Writes the report: JSON to stdout or `DIR/report.json`, or one CSV per table into `DIR`.
fn write_report(report: &Report, format: Format, out: Option<&str>) -> Result<(), String> {
    match format {
        Format::Json => match out {
            Some(dir) => {
                let dir = PathBuf::from(dir);
                make_dir(&dir)?;
                write_file(&dir.join("report.json"), report.to_json())
            }
            None => {
                println!("{}", report.to_json());
                Ok(())
            }
        },
        Format::Csv => {
            let dir = PathBuf::from(out.unwrap_or("hotline-out"));
            make_dir(&dir)?;
            for (name, text) in csv_tables(report) {
                write_file(&dir.join(name), text)?;
            }
            eprintln!("已写入 {}", dir.display());
            Ok(())
        }
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
fn run_shortfalls(args: &ShortfallsArgs) -> Result<(), String> {
    use hotline_engine::count::entity::EntityLevel;
    use hotline_engine::report::shortfall::{ShortfallQuery, ShortfallScan};
    let (common, file) = (&args.common, args.file.as_str());
    // One of the two (clap sees to it).
    let (level, name) = match (&args.unit, &args.member) {
        (Some(u), _) => (EntityLevel::Unit, u.as_str()),
        (None, m) => (EntityLevel::Member, m.as_deref().unwrap_or_default()),
    };
    let scope = Scope::from(args.scope);
    let rules = rules_of(&args.rules)?;
    let (mapping, registry) = (mapping_of(common)?, registry_of(common)?);
    let options = ReportOptions { registry, ..Default::default() }.under_rules(rules.as_ref());
    let deadlines = options.deadlines.clone();
    // Both passes stream the file: its size sizes their duplicate checks.
    let ingest = IngestOptions { mapping, size_hint: file_size(file), ..Default::default() };
    let period = match common.period {
        Some(p) => p,
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
        hotline_engine::report::shortfall::ShortfallKind::ALL
            .iter()
            .map(|k| format!("{} {}", k.label(), found.count(*k)))
            .collect::<Vec<_>>()
            .join("，")
    );
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&found).map_err(|e| e.to_string())?,
        Format::Csv => found.to_csv(),
    };
    write_text(args.out.as_deref(), &text)
}

/// The self-audit of one unit: the counts of the files (merged as `report` merges them), then a
/// second read of each, newest first, keeping that unit's tickets a newer export does not have.
fn run_audit(args: &AuditArgs) -> Result<(), String> {
    use hotline_engine::count::entity::EntityLevel;
    use hotline_engine::report::audit::{self, AuditQuery, UnitTicketScan};
    let common = &args.common;
    let rules = rules_of(&Some(args.rules.clone()))?.ok_or("没有规则")?;
    let (mapping, registry) = (mapping_of(common)?, registry_of(common)?);
    let adjustments = match &args.adjustments {
        Some(p) => Some(Adjustments::parse(&read(p)?).map_err(|e| e.to_string())?),
        None => None,
    };
    let options = ReportOptions { period: common.period, registry: registry.clone(), ..Default::default() }
        .under_rules(Some(&rules));
    let partial = merged_partial(&args.files, mapping.clone(), &options)?;
    let ctx = hotline_engine::score::Context {
        registry: registry.as_ref(),
        adjustments: adjustments.as_ref(),
        ..Default::default()
    };
    let scored = |o: &ReportOptions| -> Result<Report, String> {
        let mut r = partial.report(o).map_err(|e| e.to_string())?;
        r.apply_rules(&rules, &ctx);
        match r.scores.as_ref().and_then(|s| s.refused.clone()) {
            Some(why) => Err(why),
            None => Ok(r),
        }
    };
    let report = scored(&options)?;
    let info = report.period.clone().ok_or("没有可统计的月份")?;
    // The period before, when the files hold it whole.
    let previous = if info.previous_complete {
        Some(scored(&ReportOptions { period: Some(info.previous), ..options.clone() })?)
    } else {
        None
    };
    let level = if args.member { EntityLevel::Member } else { EntityLevel::Unit };
    let (mut tickets, mut latest) = (Vec::new(), None);
    let mut newer: std::collections::HashSet<u64> = std::collections::HashSet::new();
    for file in args.files.iter().rev() {
        let ingest =
            IngestOptions { mapping: mapping.clone(), size_hint: file_size(file), ..Default::default() };
        let mut scan = UnitTicketScan::new(ingest, options.clone(), level, &args.unit, BATCH_TICKETS)
            .replaced_by(&newer);
        if args.files.len() > 1 {
            scan = scan.with_hashes();
        }
        stream_into(file, |c| scan.push(c))?;
        let done = scan.finish().map_err(|e| format!("{file}：{}", e.message()))?;
        latest = latest.max(done.latest);
        let mut found = done.tickets;
        found.append(&mut tickets);
        tickets = found;
        newer.extend(done.hashes);
    }
    let query = AuditQuery {
        level,
        name: args.unit.clone(),
        as_of: args.as_of.or(latest),
        fixes: args.fix.clone(),
        fix_all: args.fix_all,
    };
    let a = audit::audit(&report, previous.as_ref(), &rules, &ctx, &tickets, &query);
    match &a.standing {
        Some(s) => eprintln!(
            "{}，{}：{} 分，{}组第 {} 名（共 {}）",
            a.name,
            a.period,
            s.score,
            s.group,
            s.rank.map_or("—".into(), |r| r.to_string()),
            s.of
        ),
        None => eprintln!("{}，{}：规则没有为该单位计分", a.name, a.period),
    }
    if let Some(w) = &a.what_if {
        eprintln!("假如：{} 分，第 {} 名", w.score, w.rank.map_or("—".into(), |r| r.to_string()));
    }
    for f in &a.unknown_fixes {
        eprintln!("注意：--fix {f} 不是该单位扣分清单上的工单");
    }
    let text = match args.format {
        Format::Json => a.to_json(),
        Format::Csv => format!("{}\n{}", a.lists_csv(), a.due_csv().trim_start_matches('\u{feff}')),
    };
    write_text(args.out.as_deref(), &text)
}

/// `text` to `out`, or to stdout with one final newline.
fn write_text(out: Option<&str>, text: &str) -> Result<(), String> {
    match out {
        Some(out) => write_file(std::path::Path::new(out), text),
        None => {
            println!("{}", text.trim_end_matches('\n'));
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    // A usage error exits 2 here (clap), before any file is read; `--help` and `--version` exit 0.
    let cli = Cli::parse_from(with_default_subcommand(std::env::args_os().collect()));
    let result = match &cli.command {
        Command::Report(args) => run_report(args),
        Command::Shortfalls(args) => run_shortfalls(args),
        Command::Audit(args) => run_audit(args),
        Command::Presets => {
            for (id, _) in hotline_engine::score::presets::PRESETS {
                let name = hotline_engine::score::presets::preset(id).map(|r| r.name).unwrap_or_default();
                println!("{id}\t{name}");
            }
            Ok(())
        }
        Command::Generate(args) => run_generate(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn report_goes_in_front_unless_a_subcommand_or_help_is_asked() {
        let argv = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        for (given, want) in [
            (&["hotline", "a.csv"][..], &["hotline", "report", "a.csv"][..]),
            (&["hotline", "--report", "r.json"], &["hotline", "report", "--report", "r.json"]),
            (&["hotline", "report", "a.csv"], &["hotline", "report", "a.csv"]),
            (&["hotline", "shortfalls", "a.csv"], &["hotline", "shortfalls", "a.csv"]),
            (&["hotline", "presets"], &["hotline", "presets"]),
            (&["hotline", "generate"], &["hotline", "generate"]),
            (&["hotline", "help"], &["hotline", "help"]),
            (&["hotline", "--help"], &["hotline", "--help"]),
            (&["hotline", "-V"], &["hotline", "-V"]),
            (&["hotline"], &["hotline"]),
        ] {
            assert_eq!(with_default_subcommand(argv(given)), argv(want), "{given:?}");
        }
    }

    /// docs/report-json.md §1 has a section `### \`hotline NAME\`` per subcommand that names each
    /// of its flags (aliases too), its inputs and the values its flags take, and no other flag.
    #[test]
    fn the_docs_name_every_flag_of_every_subcommand() {
        let docs = include_str!("../../docs/report-json.md");
        let mut cli = Cli::command();
        cli.build();
        for sub in cli.get_subcommands().filter(|s| s.get_name() != "help") {
            let heading = format!("### `hotline {}`", sub.get_name());
            let start = docs.find(&heading).unwrap_or_else(|| panic!("docs/report-json.md: no {heading}"));
            let body = &docs[start + heading.len()..];
            let end = [body.find("\n### "), body.find("\n## ")].into_iter().flatten().min();
            let section = &body[..end.unwrap_or(body.len())];
            let mut flags = vec!["help".to_string(), "version".to_string()];
            for arg in sub.get_arguments() {
                // -h/--help and -V/--version: every subcommand's, told once (§1 and report).
                if arg.is_hide_set() || ["help", "version"].contains(&arg.get_id().as_str()) {
                    continue;
                }
                let longs = arg.get_long().into_iter().chain(arg.get_visible_aliases().into_iter().flatten());
                for long in longs {
                    assert!(section.contains(&format!("`--{long}")), "{heading} does not name --{long}");
                    flags.push(long.to_string());
                }
                if arg.is_positional() {
                    for name in arg.get_value_names().into_iter().flatten() {
                        assert!(section.contains(&format!("`{name}")), "{heading} does not name {name}");
                    }
                }
                for value in arg.get_possible_values() {
                    let name = value.get_name();
                    assert!(section.contains(name), "{heading}: --{:?} takes {name}", arg.get_long());
                }
            }
            for named in section.split("`--").skip(1) {
                let flag: String =
                    named.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
                assert!(flags.contains(&flag), "{heading} names --{flag}, which it does not take");
            }
        }
    }
}
