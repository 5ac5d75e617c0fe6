//! The docs are the contract with evaluators: the indicator tables in docs/ must say what the
//! catalogue says (key, Chinese label, count or rate, order).

use hotline_engine::count::catalogue::{Indicator, Measure};
use hotline_engine::report::export::figure_column_indicators;

fn doc(name: &str) -> String {
    let path = format!("{}/../docs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The rows of the first markdown table after `heading`, as trimmed cells (header row skipped).
fn table_after(text: &str, heading: &str) -> Vec<Vec<String>> {
    let start = text.find(heading).unwrap_or_else(|| panic!("no “{heading}” in the docs"));
    text[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().trim_matches('`').to_string()).collect())
        .collect()
}

/// Glossary pairs (Chinese, key) of one table; "a / b" cells pair up term by term.
fn glossary(text: &str, heading: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for row in table_after(text, heading) {
        let zh: Vec<&str> = row[0].split(" / ").collect();
        let en: Vec<&str> = row[1].split(" / ").collect();
        if zh.len() == en.len() {
            pairs.extend(zh.iter().zip(&en).map(|(z, e)| (z.to_string(), e.to_string())));
        }
    }
    pairs
}

#[test]
fn the_glossary_lists_every_indicator_with_its_label_and_measure() {
    let text = doc("indicators.md");
    let counts = glossary(&text, "### Counts");
    let rates = glossary(&text, "### Rates");
    for i in Indicator::ALL {
        let table = if i.measure() == Measure::Count { &counts } else { &rates };
        let pair = (i.label_zh().to_string(), i.key().to_string());
        assert!(table.contains(&pair), "docs/indicators.md glossary lacks {pair:?} under {:?}", i.measure());
    }
    // A glossary key that is an indicator is in the right table with the catalogue's label.
    for (zh, key) in counts.iter().chain(&rates) {
        if let Some(i) = Indicator::from_key(key) {
            assert_eq!(zh, i.label_zh(), "glossary label of {key}");
        }
    }
}

#[test]
fn report_json_lists_the_figures_in_catalogue_order() {
    let text = doc("report-json.md");
    let rows = table_after(&text, "### Figures");
    let want: Vec<Vec<String>> = Indicator::ALL
        .iter()
        .map(|i| {
            let ty = if i.measure() == Measure::Count { "integer" } else { "Rate" };
            vec![i.key().to_string(), i.label_zh().to_string(), ty.to_string()]
        })
        .collect();
    assert_eq!(rows, want);

    let columns = table_after(&text, "**Figure columns**");
    let want: Vec<Vec<String>> = figure_column_indicators()
        .enumerate()
        .map(|(n, i)| vec![(n + 1).to_string(), i.label_zh().to_string(), i.key().to_string()])
        .collect();
    assert_eq!(columns, want);
}

#[test]
fn rules_md_lists_the_indicators_an_item_may_read() {
    let text = doc("rules.md");
    let start = text.find("Rate indicators (").expect("rules.md lists the rate indicators");
    let list = &text[start..start + text[start..].find("\n\n").unwrap()];
    let (rates, counts) =
        list.split_once("Count\nindicators").or_else(|| list.split_once("Count indicators")).unwrap();
    let keys = |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(str::to_string).collect() };
    let want = |m: Measure| -> Vec<String> {
        Indicator::ALL.iter().filter(|i| i.measure() == m).map(|i| i.key().to_string()).collect()
    };
    assert_eq!(keys(rates), want(Measure::Rate));
    assert_eq!(keys(counts), want(Measure::Count));
}

/// Every JSON example in docs/ is read by the parser of its format, as a user would copy it.
#[test]
fn every_json_example_in_the_docs_parses() {
    let dir = format!("{}/../docs", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for block in text.split("```json\n").skip(1) {
            let json = &block[..block.find("```").expect("closed code block")];
            let head: String = json.chars().take(40).collect();
            let where_ = format!("{} example starting {head:?}", path.display());
            let value: serde_json::Value =
                serde_json::from_str(json).unwrap_or_else(|e| panic!("{where_}: {e}"));
            match value.get("format").and_then(|f| f.as_str()) {
                Some("hotline-eval.rules/1") => {
                    hotline_engine::score::rules::RuleSet::parse(json)
                        .unwrap_or_else(|e| panic!("{where_}: {e}"));
                }
                Some("hotline-eval.partial/1") => {
                    hotline_engine::partial::Partial::from_json(json)
                        .unwrap_or_else(|e| panic!("{where_}: {e}"));
                }
                None if value.get("columns").is_some() => {
                    hotline_engine::Mapping::from_json(json).unwrap_or_else(|e| panic!("{where_}: {e}"));
                }
                other => panic!("{where_}: no parser known for format {other:?}: add it to this test"),
            }
            seen += 1;
        }
    }
    assert!(seen >= 3, "found {seen} JSON examples");
}
