//! Typed errors of the file boundaries: rule files, the unit registry and adjustments files,
//! column mappings, periods, presets, partial-aggregates files and the cells' wire form.
//!
//! Each error is a *kind* (what is wrong, with the offending value), a *location* (a field path
//! such as `items[2].weight` in a JSON file, line and column of a JSON syntax error, line and
//! column name in a CSV side file, a byte offset in the cells' bytes) and nothing else: no
//! finished text. The text is rendered in one place per error type, its `render(Lang)`, and
//! `Display` renders Chinese, so `format!("{e}")` shows what the page and the CLI print.
//!
//! Adding a language is adding a variant to [`Lang`] and, in each `render`, a second exhaustive
//! match over the kinds: the compiler then lists every message still to write.

mod cells;
mod json;
mod mapping;
mod partial_file;
mod period;
mod preset;
mod rules;
mod score;
mod side_file;
mod tally;

pub use cells::{CellsError, CellsErrorKind};
pub use json::{JsonKind, JsonLocation, SyntaxKind, ValueType};
pub use mapping::MappingError;
pub use partial_file::{PartialFileError, PartialFileErrorKind};
pub use period::{PeriodError, PeriodErrorKind};
pub use preset::PresetError;
pub use rules::{Reads, RuleError, RuleErrorKind};
pub use score::ScoreError;
pub use side_file::{SideFile, SideFileError, SideFileErrorKind};
pub use tally::{TallyError, TallyProblem};

pub(crate) use json::{classify, location, read, OUT_OF_RANGE, TOO_MANY_DECIMALS};

/// The language a message is rendered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// Chinese: what the page and the CLI print.
    #[default]
    Zh,
}
