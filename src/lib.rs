//! The web shell: a Leptos CSR page over `hotline-engine`. It reads files, calls the engine and
//! renders the engine's report; it computes no figure itself.

pub mod app;
pub mod audit_html;
pub mod browser;
pub mod client;
pub mod helper;
pub mod history;
pub mod load;
pub mod model;
pub mod preload;
pub mod protocol;
pub mod route;
pub mod rules_html;
pub mod share;
pub mod state;
pub mod table;
pub mod tables;
pub mod views;
pub mod worker;

pub use app::App;
