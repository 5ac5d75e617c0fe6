//! Every file of `corpus/<target>/` and `regressions/<target>/` through its target's check, as an
//! ordinary test: what the fuzzer kept, and every crash it found (fixed), stay passing with no
//! fuzzer installed. A panic names the file.

use std::path::Path;

#[test]
fn every_corpus_and_regression_file_passes_its_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut replayed = 0;
    for (target, check) in hotline_fuzz::TARGETS {
        let mut files = 0;
        for dir in ["corpus", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else { continue };
            let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
            paths.sort();
            for path in paths {
                let bytes = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| check(&bytes));
                assert!(outcome.is_ok(), "{} fails its check", path.display());
                files += 1;
            }
        }
        assert!(files > 0, "target {target} has no corpus");
        replayed += files;
    }
    eprintln!("{replayed} files replayed");
}
