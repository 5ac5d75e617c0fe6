//! A 上级单位 cycle in the unit registry: not followed (it once swapped two units' figures), and
//! listed among the report's warnings even when nothing is scored.

use crate::check::{check_for, file, row};
use expect_test::expect;
use hotline_engine::score::registry::Registry;
use hotline_engine::ReportOptions;

#[test]
fn a_parent_cycle_is_listed_and_not_followed() {
    let registry = Registry::parse(
        "单位,分组,满分,上级单位\n海州区,市区,100,连云区\n连云区,市区,100,海州区\n".as_bytes(),
    )
    .expect("a cycle is not an error");
    let options = ReportOptions { registry: Some(registry), ..Default::default() };
    let rows = vec![row(1), row(2).replace("海州区", "连云区")];
    // Each unit on the cycle is its own member unit, with its own ticket.
    let done = hotline_engine::ingest_bytes(&file(&rows), Default::default()).unwrap();
    let report = hotline_engine::Report::build(&done, &options);
    let members: Vec<(&str, u64)> =
        report.members.iter().map(|m| (m.name.as_str(), m.all.received)).collect();
    assert_eq!(members, [("海州区", 1), ("连云区", 1)]);
    check_for(
        &file(&rows),
        &options,
        expect![[r#"
            read 2 scored 2 rejected 0 encoding UTF-8
            对账：读取 2 行 = 拒收 0 + 本期直接答复 0 + 本期转办 2 + 上月结转 0 + 不在本期 0
            warning registry_cycles: 单位名录的上级单位成环（环上各单位按自身计，不沿上级单位归并）（共 1 处）：海州区 → 连云区 → 海州区
            scored ids: R1 R2
        "#]],
    );
}
