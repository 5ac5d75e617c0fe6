//! `cargo fuzz run side_files --features libfuzzer --sanitizer none` (scripts/fuzz.sh): the check is
//! [`hotline_fuzz::side_files::check`], which `cargo test -p hotline-fuzz` also runs on the corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| hotline_fuzz::side_files::check(data));
