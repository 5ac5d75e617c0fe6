//! `--rules` and the page's preset list: a preset id, or else a rule file's text.

use super::rules::RuleError;
use super::Lang;
use std::fmt;

/// Why `--rules` (or the page's preset choice) gives no rule set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PresetError {
    /// Not a preset's id, and not JSON either (a rule file starts with `{`).
    UnknownPreset {
        /// The text given.
        id: String,
        /// The presets' ids, as the message lists them.
        known: Vec<String>,
    },
    /// A rule file's text, refused.
    Rules(RuleError),
}

impl PresetError {
    /// The message in `lang` (the one place it is written).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => match self {
                PresetError::UnknownPreset { id, known } => {
                    format!("没有名为“{id}”的预设规则；可用：{}（或给出规则文件）", known.join(", "))
                }
                PresetError::Rules(e) => e.render(lang),
            },
        }
    }
}

impl fmt::Display for PresetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl std::error::Error for PresetError {}

impl From<RuleError> for PresetError {
    fn from(e: RuleError) -> PresetError {
        PresetError::Rules(e)
    }
}
