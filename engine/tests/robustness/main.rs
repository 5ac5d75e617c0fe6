//! Bad and hostile input, one case per file: each runs its bytes through every way the product
//! reads a file (one reader in chunks of many sizes, the general reader alone, two readers split
//! at several points), requires them all to agree, and compares one rendering of the outcome
//! (rows read, scored and rejected; the reasons; each reject's message; the warnings) with the
//! case's snapshot (`UPDATE_EXPECT=1 cargo test` rewrites the snapshots). docs/robustness.md
//! lists each case with its policy and names its file here.

mod check;

mod binary_files;
mod encoding_decided_on_a_large_prefix;
mod messy_exports;
mod odd_times_and_reconciliation;
mod record_too_long;
mod registry_cycle;
mod unclosed_quote;
