//! `cargo fuzz run partial --features libfuzzer --sanitizer none` (scripts/fuzz.sh): the check is
//! [`hotline_fuzz::partial::check`], which `cargo test -p hotline-fuzz` also runs on the corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| hotline_fuzz::partial::check(data));
