//! `cargo fuzz run link --features libfuzzer --sanitizer none` (scripts/fuzz.sh): the check is
//! [`hotline_fuzz::link::check`], which `cargo test -p hotline-fuzz` also runs on the corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| hotline_fuzz::link::check(data));
