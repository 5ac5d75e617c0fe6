//! Rule files that ship with the engine: each reproduces a published bulletin (docs/rules.md
//! says which figures, and states every assumption next to the preset).

use crate::error::PresetError;
use crate::score::rules::RuleSet;

/// (id, rule file). The id is what `hotline --rules` and the page's preset list take.
pub const PRESETS: &[(&str, &str)] = &[
    ("lyg2017", include_str!("../../presets/lyg2017.json")),
    ("lyg2021", include_str!("../../presets/lyg2021.json")),
    ("panjin2023", include_str!("../../presets/panjin2023.json")),
];

/// (id, name) of every preset, in [`PRESETS`] order: what a list of presets shows without
/// carrying their files (the page's first-render bundle; its worker sends a file when chosen).
/// Tested to equal the files' own names.
pub const PRESET_NAMES: &[(&str, &str)] = &[
    ("lyg2017", "连云港 2017（数字城管综合得分）"),
    ("lyg2021", "连云港 2021（连12345发〔2021〕1号）"),
    ("panjin2023", "盘锦 2023（双十佳五较差）"),
];

/// The adjustments file that carries Lianyungang 2017's unpublished 加分 (the one exception to
/// "adjustments carry only manual items": see docs/rules.md).
pub const LYG2017_BONUS: &str = include_str!("../../presets/lyg2017_04_bonus.csv");

/// A preset by id, parsed (presets are tested to parse).
pub fn preset(id: &str) -> Option<RuleSet> {
    PRESETS.iter().find(|(i, _)| *i == id).and_then(|(_, json)| RuleSet::parse(json).ok())
}

/// A preset id, or else a rule file's text (which starts with `{`).
pub fn load(id_or_json: &str) -> Result<RuleSet, PresetError> {
    let id = id_or_json.trim();
    match preset(id) {
        Some(r) => Ok(r),
        None if !id.starts_with('{') => Err(PresetError::UnknownPreset {
            id: id.to_string(),
            known: PRESETS.iter().map(|(i, _)| i.to_string()).collect(),
        }),
        None => Ok(RuleSet::parse(id_or_json)?),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn preset_names_are_the_files_own() {
        let names: Vec<(String, String)> =
            super::PRESETS.iter().map(|(id, _)| (id.to_string(), super::preset(id).unwrap().name)).collect();
        let listed: Vec<(String, String)> =
            super::PRESET_NAMES.iter().map(|(i, n)| (i.to_string(), n.to_string())).collect();
        assert_eq!(listed, names);
    }

    #[test]
    fn every_preset_parses() {
        for (id, json) in super::PRESETS {
            if let Err(e) = crate::score::rules::RuleSet::parse(json) {
                panic!("preset {id}: {e}");
            }
        }
    }
}
