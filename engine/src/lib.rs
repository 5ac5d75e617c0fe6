//! The 12345 hotline evaluator's engine: plain bytes in, plain data out.
//!
//! Data flows one way: bytes → records ([`records`]) → checked rows ([`ingest`]) → compact
//! tickets ([`store`]) → per-unit tallies for a period ([`indicators`]) → the report model
//! ([`report`]) that the page, the CLI and the tests all read. Nothing here does IO or touches
//! the web: the page and the CLI are thin shells around these functions.
//!
//! ```
//! use hotline_engine::{ingest_bytes, IngestOptions, Report, ReportOptions};
//! let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
//!            A1,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-05 12:00\n\
//!            A2,2021-02-02 09:00,微信,投诉,转办,海州区,2021-02-02 10:00,2021-02-09,2021-02-12 12:00\n";
//! let done = ingest_bytes(csv.as_bytes(), IngestOptions::default()).unwrap();
//! let report = Report::build(&done, &ReportOptions::default());
//! let unit = &report.units[0];
//! assert_eq!(unit.name, "海州区");
//! assert_eq!(unit.all.on_time_rate.percent.as_deref(), Some("50.00"));
//! ```

#![warn(missing_docs)]
// No input may panic the engine: a panic site in library code must carry an
// `#[expect(..., reason = "...")]` naming the invariant that keeps it unreachable; tests are exempt.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing))]

pub mod count;
pub mod csv_cell;
pub mod error;
pub mod partial;
pub mod ratio;
pub mod read;
pub mod report;
pub mod score;
pub mod tickets;
pub mod time;

pub use count::indicators::{IndicatorOptions, Rate, Tally};
pub use read::encoding::TextEncoding;
pub use read::ingest::{
    check_header, ingest_bytes, peek_headers, FileError, Ingest, IngestOptions, IngestSummary, Ingested,
    LineSample,
};
pub use read::reject::{Reason, Reject};
pub use report::{Report, ReportOptions};
pub use tickets::period::Period;
pub use tickets::schema::{Column, Mapping};
pub use tickets::store::{Ticket, TicketStore};
pub use time::{Month, Stamp};

pub use csv_cell::field as csv_field;
