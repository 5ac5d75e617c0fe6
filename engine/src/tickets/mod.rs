//! The accepted tickets and their calendar: the canonical columns, the compact ticket store,
//! periods of whole months, the official working-day calendar and the deadlines it derives.

pub mod calendar;
pub mod deadlines;
pub mod period;
pub mod schema;
pub mod store;
