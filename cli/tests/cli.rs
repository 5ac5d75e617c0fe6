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
    assert_eq!(hotline(&[&sample(), "--rules", "no-such-preset-or-file"]).0, 1);
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
