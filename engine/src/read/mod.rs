//! Bytes → checked rows: record splitting, encodings, datetimes, the streaming ingest (one
//! reader, or two on the halves of a file), the duplicate check, and the rejects with their reasons.

pub mod datetime;
pub mod encoding;
pub mod halves;
pub mod idhash;
pub mod ingest;
pub mod records;
pub mod reject;
