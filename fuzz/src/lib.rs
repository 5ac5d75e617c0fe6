//! The checks the fuzz targets run, one module per target. Each `check` takes the fuzzer's bytes,
//! runs the engine on them and panics where the engine panics, hangs past libFuzzer's timeout,
//! or breaks a property the module states (two ways of reading disagree, a round trip changes a
//! value, rows go missing). `cargo fuzz` drives them through `fuzz_targets/`; `tests/replay.rs`
//! runs every file of `corpus/` and `regressions/` through the same checks in `cargo test`, so
//! what the fuzzer once found stays fixed without a fuzzer in CI (docs/robustness.md, "Fuzzing").
//!
//! ```
//! // Any bytes at all: a check returns or panics, and a panic is a bug in the engine.
//! hotline_fuzz::ingest::check("工单编号,受理时间\nA1,\"2021-02-01".as_bytes());
//! hotline_fuzz::datetime::check(b"2021-2-5 9:03");
//! ```

pub mod cells;
pub mod datetime;
pub mod ingest;
pub mod link;
pub mod month;
pub mod partial;
pub mod reencoded;
pub mod rules;
pub mod side_files;

/// A target's check: returns, or panics on a bug.
pub type Check = fn(&[u8]);

/// Every target by name (the folder names under `corpus/` and `regressions/`) with its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("ingest", ingest::check),
    ("reencoded", reencoded::check),
    ("datetime", datetime::check),
    ("rules", rules::check),
    ("side_files", side_files::check),
    ("partial", partial::check),
    ("cells", cells::check),
    ("link", link::check),
];
