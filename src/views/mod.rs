//! One module per view; each reads the page's state from context and renders the engine's
//! report. Views compute nothing but text.

pub mod audit;
pub mod data;
pub mod overview;
pub mod rules;
pub mod scores;
pub mod table;
pub mod units;
