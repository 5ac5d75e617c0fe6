//! Tickets → counts: what one ticket adds where and when (the per-ticket definition), the
//! counters, the indicator catalogue, the direct count of a period and the month-keyed cells.

pub mod aggregate;
pub mod catalogue;
pub mod entity;
pub mod events;
pub mod indicators;
pub mod tally;
