//! The CLI as evaluators script it: exit codes, and a saved report scored without its tickets.

use std::process::Command;

fn hotline(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hotline")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn sample() -> String {
    format!("{}/../public/sample.csv", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn exit_codes() {
    assert_eq!(hotline(&[&sample(), "--bogus", "1"]).0, 2, "unknown flag is a usage error");
    assert_eq!(hotline(&[]).0, 2, "no file is a usage error");
    assert_eq!(hotline(&["/nonexistent.csv"]).0, 1, "an unreadable file is a failure");
    // Neither a preset nor a file: refused as a usage error (2) before any ticket is read. (It
    // exited 1 when the value was only found missing on reading it as a file.)
    assert_eq!(hotline(&[&sample(), "--rules", "no-such-preset-or-file"]).0, 2);
    assert_eq!(hotline(&[&sample()]).0, 0);
}

#[test]
fn a_saved_report_is_scored_without_its_tickets() {
    let (code, saved) = hotline(&[&sample()]);
    assert_eq!(code, 0);
    let path = std::env::temp_dir().join(format!("hotline-saved-{}.json", std::process::id()));
    std::fs::write(&path, &saved).unwrap();
    for preset in ["lyg2017", "lyg2021", "panjin2023"] {
        let (_, direct) = hotline(&[&sample(), "--rules", preset]);
        let (code, from_saved) = hotline(&["--report", path.to_str().unwrap(), "--rules", preset]);
        assert_eq!(code, 0);
        let scores = |json: &str| serde_json::from_str::<serde_json::Value>(json).unwrap()["scores"].clone();
        assert_eq!(scores(&from_saved), scores(&direct), "{preset}");
        assert!(scores(&direct)["groups"].as_array().is_some_and(|g| !g.is_empty()));
    }
    std::fs::remove_file(path).ok();
}

/// City and unit figures of a report (units by name: a merge lists them in name order).
fn figures(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut units = v["units"].as_array().cloned().unwrap_or_default();
    units.sort_by_key(|u| u["name"].as_str().unwrap_or_default().to_string());
    serde_json::to_string_pretty(&(
        &v["months"],
        &v["period"],
        &v["city"],
        &v["channels"],
        units,
        &v["scores"],
    ))
    .unwrap()
}

#[test]
fn consecutive_exports_combine_at_ticket_level_and_partials_merge() {
    let dir = std::env::temp_dir().join(format!("hotline-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |n: &str| dir.join(n).to_str().unwrap().to_string();
    for (m, f) in [("2021-01", "jan.csv"), ("2021-02", "feb.csv")] {
        assert_eq!(
            hotline(&["generate", "--month", m, "--tickets", "2000", "--seed", "3", "--out", &path(f)]).0,
            0
        );
    }
    // The February export repeats January's open tickets (with their later state).
    // Records, not lines: generated files hold quoted fields with line breaks.
    let records = |file: &str| {
        let bytes = std::fs::read(path(file)).unwrap();
        let mut out = Vec::new();
        let mut rest = &bytes[..];
        while let Some(end) = hotline_engine::read::records::find_record_end(rest, true) {
            out.push(String::from_utf8(rest[..end.consumed].to_vec()).unwrap());
            rest = &rest[end.consumed..];
        }
        out
    };
    let (jan, feb) = (records("jan.csv"), records("feb.csv"));
    let id = |r: &String| r.split(',').next().unwrap_or_default().to_string();
    let feb_ids: std::collections::HashSet<String> = feb[1..].iter().map(id).collect();
    let kept: Vec<&String> = jan[1..].iter().filter(|r| !feb_ids.contains(&id(r))).collect();
    assert_eq!(jan.len() - 1 - kept.len(), 100, "January's open tickets are in February's export");
    let mut one = jan[0].clone();
    kept.into_iter().chain(&feb[1..]).for_each(|r| one.push_str(r));
    std::fs::write(path("one.csv"), one).unwrap();

    for period in ["2021-02", "2021-01..2021-02"] {
        let (code, whole) = hotline(&[&path("one.csv"), "--period", period, "--rules", "lyg2021"]);
        assert_eq!(code, 0);
        let (code, combined) = hotline(&[
            &path("jan.csv"),
            &path("feb.csv"),
            "--period",
            period,
            "--rules",
            "lyg2021",
            "--partial",
            &path("both.json"),
        ]);
        assert_eq!(code, 0);
        assert_eq!(figures(&combined), figures(&whole), "{period}");
        // The saved merged partial scores the same without any ticket.
        let (code, from_partial) = hotline(&[&path("both.json"), "--period", period, "--rules", "lyg2021"]);
        assert_eq!(code, 0);
        assert_eq!(figures(&from_partial), figures(&whole), "{period} from the partial");
    }
    // Partials of overlapping exports do not merge: exit 1, nothing printed to stdout.
    assert_eq!(hotline(&[&path("jan.csv"), "--partial", &path("jan.json")]).0, 0);
    assert_eq!(hotline(&[&path("feb.csv"), "--partial", &path("feb.json")]).0, 0);
    let (code, out) = hotline(&[&path("jan.json"), &path("feb.json")]);
    assert_eq!((code, out.as_str()), (1, ""));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn shortfalls_add_up_to_the_unit_figures_of_the_report() {
    let (_, report) = hotline(&[&sample()]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let unit = &report["units"][0];
    let name = unit["name"].as_str().unwrap();
    let (code, lists) = hotline(&["shortfalls", &sample(), "--unit", name]);
    assert_eq!(code, 0);
    let lists: serde_json::Value = serde_json::from_str(&lists).unwrap();
    // Lists in ShortfallKind order: 超期办理 (2) and 超期未结 (3) are columns of the unit table.
    assert_eq!(lists["counts"][2], unit["all"]["closed_late"]);
    assert_eq!(lists["counts"][3], unit["all"]["open_overdue"]);
    assert!(lists["rows"].as_array().is_some_and(|r| !r.is_empty()));
    let (code, csv) = hotline(&["shortfalls", &sample(), "--unit", name, "--format", "csv"]);
    assert_eq!(code, 0);
    let total: u64 = lists["counts"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(csv.lines().count() as u64, 1 + total);
    assert_eq!(hotline(&["shortfalls", &sample()]).0, 2, "a unit is required");
}

/// A file read a batch of tickets at a time (the default) gives the report of the file held
/// whole (`--stream 0`), to the byte: figures, rows read, every reject.
#[test]
fn a_streamed_file_reports_as_the_file_held_whole() {
    let dir = std::env::temp_dir().join(format!("hotline-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Three consecutive exports in one file: each repeats the tickets the month before left
    // open (rejected as duplicates), plus rows every check refuses.
    let mut text = String::new();
    for (m, seed) in [("2021-03", "3"), ("2021-04", "4"), ("2021-05", "5")] {
        let part = dir.join(format!("{m}.csv"));
        let (code, _) = hotline(&[
            "generate",
            "--month",
            m,
            "--tickets",
            "3000",
            "--seed",
            seed,
            "--out",
            part.to_str().unwrap(),
        ]);
        assert_eq!(code, 0);
        let body = std::fs::read_to_string(&part).unwrap();
        text.push_str(if text.is_empty() { &body } else { body.split_once('\n').unwrap().1 });
    }
    text.push_str("BAD1,2021-05-02 08:00,微信,,,直接答复,,,,,,,,,,,,,,,,,\nBAD2,2021.05.02,微信,咨询,,直接答复,,,,,,,,,,,,,,,,,\n");
    let file = dir.join("three.csv");
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();
    for extra in [&[][..], &["--rules", "lyg2021"], &["--period", "2021-03..2021-05"]] {
        let (code, whole) = hotline(&[&[file, "--stream", "0"], extra].concat());
        assert_eq!(code, 0);
        let (code, streamed) = hotline(&[&[file], extra].concat());
        assert_eq!(code, 0);
        if streamed != whole {
            let (a, b): (serde_json::Value, serde_json::Value) =
                (serde_json::from_str(&streamed).unwrap(), serde_json::from_str(&whole).unwrap());
            let keys: Vec<&String> = a.as_object().unwrap().keys().filter(|k| a[*k] != b[*k]).collect();
            let diffs: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}: {} vs {}", a[*k], b[*k]).chars().take(600).collect())
                .collect();
            panic!("{extra:?}: streamed differs from whole in {diffs:#?}");
        }
        let v: serde_json::Value = serde_json::from_str(&whole).unwrap();
        assert!(v["rejects"].as_array().is_some_and(|r| r.len() > 100), "duplicates and bad rows rejected");
    }
    assert_eq!(hotline(&[file, "--stream", "yes"]).0, 2, "--stream takes 1 or 0");
    // Dates over more months than a partial holds: read whole after all, the same report.
    let wide = dir.join("wide.csv");
    let mut text = std::fs::read_to_string(dir.join("2021-05.csv")).unwrap();
    for i in 0..150 {
        text.push_str(&format!(
            "W{i},{}-{:02}-15 10:00,微信,咨询,,直接答复,,,,,,,,,,,,,,,,,\n",
            2005 + i / 12,
            i % 12 + 1
        ));
    }
    std::fs::write(&wide, text).unwrap();
    let wide = wide.to_str().unwrap();
    let (code, streamed) = hotline(&[wide]);
    assert_eq!(code, 0);
    assert_eq!(streamed, hotline(&[wide, "--stream", "0"]).1);
    std::fs::remove_dir_all(dir).ok();
}

/// Exit code, stdout and stderr.
fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hotline")).args(args).output().expect("runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

/// Bad values are usage errors (2) found when parsing, before any file is read: the file named
/// here does not exist, and the message is about the value, not the file.
#[test]
fn bad_values_are_refused_before_any_file_is_read() {
    let missing = "/nonexistent-hotline-input.csv";
    for (args, flag) in [
        (&[missing, "--format", "xml"][..], "--format"),
        (&["report", missing, "--format", "xml"], "--format"),
        (&[missing, "--period", "2021-13"], "--period"),
        (&[missing, "--month", "2021-01..2020-12"], "--period"),
        (&[missing, "--stream", "yes"], "--stream"),
        (&["shortfalls", missing, "--unit", "海州区", "--format", "xml"], "--format"),
        (&["shortfalls", missing, "--unit", "海州区", "--scope", "county"], "--scope"),
        (&["generate", "--encoding", "latin1", "--out", missing], "--encoding"),
        (&["generate", "--month", "2021-13", "--out", missing], "--month"),
    ] {
        let (code, out, err) = run(args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
        assert!(err.contains(flag) && !err.contains("无法读取"), "{args:?}: {err}");
    }
    assert!(run(&[missing, "--format", "xml"]).2.contains("xml"));
}

/// `--rules` that is neither a preset nor an existing file: exit 2 with the presets listed, before
/// any ticket file is read.
#[test]
fn an_unknown_preset_is_refused_with_the_list_of_presets() {
    for args in [
        &[&sample(), "--rules", "lyg-2017"][..],
        &["/nonexistent-hotline-input.csv", "--rules", "lyg-2017"],
        &["--report", "/nonexistent-report.json", "--rules", "lyg-2017"],
        &["shortfalls", "/nonexistent-hotline-input.csv", "--unit", "海州区", "--rules", "lyg-2017"],
    ] {
        let (code, out, err) = run(args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
        assert!(err.contains("lyg-2017") && !err.contains("无法读取"), "{err}");
        for (id, _) in hotline_engine::score::presets::PRESETS {
            assert!(err.contains(id), "{id} listed: {err}");
        }
    }
    // A preset id and a rule file are both taken.
    let rule_file = format!("{}/../engine/presets/lyg2021.json", env!("CARGO_MANIFEST_DIR"));
    let (_, by_id) = hotline(&[&sample(), "--rules", "lyg2021"]);
    let (code, by_file) = hotline(&[&sample(), "--rules", &rule_file]);
    assert_eq!((code, by_file), (0, by_id));
}

/// `report` is the default subcommand: `hotline report …` prints what `hotline …` does.
#[test]
fn report_is_the_default_subcommand() {
    let sample = sample();
    let saved = std::env::temp_dir().join(format!("hotline-default-{}.json", std::process::id()));
    let saved = saved.to_str().unwrap();
    assert_eq!(hotline(&[&sample, "--out", saved]).0, 0);
    let saved_report = format!("{saved}/report.json");
    for args in [
        &[sample.as_str()][..],
        &[&sample, "--rules", "lyg2021", "--period", "2021-02"],
        &["--period", "2021-02", &sample],
        &["--report", &saved_report, "--rules", "panjin2023"],
    ] {
        let plain = run(args);
        assert_eq!(plain.0, 0, "{args:?}: {}", plain.2);
        assert!(!plain.1.is_empty());
        assert_eq!(run(&[&["report"], args].concat()), plain, "{args:?}");
    }
    std::fs::remove_dir_all(saved).ok();
}

#[test]
fn help_and_version_exit_0() {
    let (code, out, _) = run(&["--version"]);
    assert_eq!((code, out.trim()), (0, concat!("hotline ", env!("CARGO_PKG_VERSION"))));
    for args in [
        &["--help"][..],
        &["-h"],
        &["help", "shortfalls"],
        &["report", "--help"],
        &["shortfalls", "--help"],
        &["presets", "--help"],
        &["generate", "--help"],
        &[&sample(), "--help"],
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(out.contains("Usage: hotline"), "{args:?}: {out}");
    }
    let (_, help, _) = run(&["shortfalls", "--help"]);
    assert!(help.contains("--unit") && help.contains("--member") && help.contains("扣分工单"));
    // No arguments at all: the overview, as a usage error.
    let (code, out, err) = run(&[]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("report") && err.contains("shortfalls"), "{err}");
}

/// An output path that cannot be written: the message names the path and says why (exit 1).
#[test]
fn output_path_errors_name_the_path_and_why() {
    let dir = std::env::temp_dir().join(format!("hotline-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("a-file.txt");
    std::fs::write(&file, "x").unwrap();
    let under_file = file.join("out");
    let (code, _, err) = run(&[&sample(), "--out", under_file.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!("无法创建输出目录 {}：路径中有一段不是目录", under_file.display())),
        "{err}"
    );
    let missing = "/nonexistent-hotline-dir/feb.csv";
    let (code, _, err) = run(&["generate", "--month", "2021-02", "--tickets", "10", "--out", missing]);
    assert_eq!(code, 1);
    assert!(err.contains(&format!("无法写入 {missing}：所在目录不存在")), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn files_that_are_not_text_are_refused_as_such_and_never_read_forever() {
    // /dev/zero has no end: it is refused on its first bytes.
    let (code, out, err) = run(&["/dev/zero"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("这不是文本 CSV 文件（看起来是：二进制文件（全是 NUL 字节））"), "{err}");
    let png = std::env::temp_dir().join(format!("hotline-cli-{}.png", std::process::id()));
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let (code, _, err) = run(&[png.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("PNG 图片"), "{err}");
    // A stray quote costs its line; the summary says where every row went.
    let csv = std::env::temp_dir().join(format!("hotline-cli-{}-stray.csv", std::process::id()));
    let mut text =
        String::from("工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n");
    for n in 1..=5 {
        let unit = if n == 2 { "\"海州区" } else { "海州区" };
        text.push_str(&format!(
            "R{n},2021-02-01 08:00,微信,投诉,转办,{unit},2021-02-01 10:00,2021-02-08,2021-02-05 12:00\n"
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let (code, _, err) = run(&[csv.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("对账：读取 5 行 = 拒收 1 + 本期直接答复 0 + 本期转办 4 + 上月结转 0 + 不在本期 0"),
        "{err}"
    );
}

#[test]
fn a_saved_report_whose_counts_contradict_themselves_is_refused() {
    // Hand-edited: a unit with more tickets on time than due once showed 按期办结率 119.23%.
    let (code, saved) = hotline(&[&sample()]);
    assert_eq!(code, 0);
    let mut v: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let tally = &mut v["units"][0]["tallies"]["municipal"];
    let due = tally["due"].as_u64().unwrap();
    tally["on_time"] = serde_json::json!(due + 5);
    let path = std::env::temp_dir().join(format!("hotline-edited-{}.json", std::process::id()));
    std::fs::write(&path, v.to_string()).unwrap();
    let (code, out, err) = run(&["--report", path.to_str().unwrap(), "--rules", "lyg2021"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains(&format!("on_time = {} 大于 due = {due}", due + 5)), "{err}");
    std::fs::remove_file(path).ok();
}
