//! The scoring side's hostile inputs (docs/robustness.md, "Scoring inputs"): each case one small
//! test, its outcome (the message, or the work, counts and warnings) rendered as text by one
//! `check` and compared with the expected text.

use expect_test::{expect, Expect};
use hotline_engine::score::rules::pattern_matches_counted;

/// The one comparison every case goes through: the outcome as text against the expected text.
fn check(outcome: impl std::fmt::Display, expect: Expect) {
    expect.assert_eq(&outcome.to_string());
}

/// A glob's outcome and its work against the bound `len(pattern) × len(name)`.
fn glob(pattern: &str, name: &str) -> String {
    let mut steps = 0;
    let matched = pattern_matches_counted(pattern, name, &mut steps);
    let (p, n) = (pattern.chars().count() as u64, name.chars().count() as u64);
    let bound = p * n + p + n;
    assert!(steps <= bound, "{steps} steps > {bound}");
    format!("matches: {matched}; steps {steps} ≤ {p} × {n} + {p} + {n} = {bound}")
}

#[test]
fn many_stars_match_in_pattern_times_name_steps() {
    let name = "a".repeat(10_000);
    check(
        glob("*a*a*a*a*a*a*a*a*b", &name),
        expect!["matches: false; steps 10009 ≤ 18 × 10000 + 18 + 10000 = 190018"],
    );
    check(
        glob("*a*a*a*a*a*a*a*a*a", &name),
        expect!["matches: true; steps 20000 ≤ 18 × 10000 + 18 + 10000 = 190018"],
    );
    check(
        glob("*aaaaaaaab", &name),
        expect!["matches: false; steps 89937 ≤ 10 × 10000 + 10 + 10000 = 110010"],
    );
    check(glob("*县", "东海县"), expect!["matches: true; steps 4 ≤ 2 × 3 + 2 + 3 = 11"]);
}
