//! The self-audit (本单位自查) as HTML, made in the worker from the engine's [`Audit`]: the page
//! places it as it comes and answers its ticks by delegation, so the page's wasm carries none of
//! this. Every figure is a field of the engine's audit; here it is only escaped and laid out.
//! Pure (strings in, string out), so tested natively.
//!
//! ```
//! use hotline_engine::count::entity::EntityLevel;
//! use hotline_engine::report::audit::{self, AuditQuery};
//! use hotline_engine::score::presets;
//! use hotline_engine::{ingest_bytes, IngestOptions, Month, Period, Report, ReportOptions};
//! let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
//!            A1,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-12 12:00\n";
//! let done = ingest_bytes(csv.as_bytes(), IngestOptions::default()).unwrap();
//! let rules = presets::preset("lyg2021").unwrap();
//! let o = ReportOptions { period: Some(Period::month(Month::new(2021, 2))), ..Default::default() }
//!     .under_rules(Some(&rules));
//! let report = Report::build(&done, &o);
//! let tickets = audit::unit_tickets(&done.store, &o, EntityLevel::Member, "海州区");
//! let a = audit::audit(&report, None, &rules, &Default::default(), &tickets, &AuditQuery::new(EntityLevel::Member, "海州区"));
//! let html = hotline_web::audit_html::page(&a, &[], &rules.name, &[]);
//! assert!(html.contains(r#"data-fix="A1:closed_late""#));
//! ```

use hotline_engine::ratio::Ratio;
use hotline_engine::report::audit::{Audit, DueItem, MonthScore, Standing};
use std::fmt::Write;

/// Rows of each list written into the page (the CSV has them all; a whole list's tick covers all).
pub const ROWS_SHOWN: usize = 300;

/// `s` safe as HTML text and inside a double-quoted attribute.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn rank_text(s: &Standing) -> String {
    match s.rank {
        Some(r) => format!("第 {r} 名 / 共 {}", s.of),
        None => format!("不排名 / 共 {}", s.of),
    }
}

fn standing_row(case: &str, label: &str, s: Option<&Standing>) -> String {
    match s {
        None => format!(
            r#"<tr data-case="{case}"><th scope="row">{}</th><td colspan="5" class="muted">规则没有为该单位计分</td></tr>"#,
            esc(label)
        ),
        Some(s) => format!(
            r#"<tr data-case="{case}"><th scope="row">{}</th><td class="num" data-score="{}">{}</td><td data-rank="{}">{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            esc(label),
            esc(&s.score),
            esc(&s.score),
            s.rank.map_or(String::new(), |r| r.to_string()),
            esc(&rank_text(s)),
            esc(s.grade.as_deref().unwrap_or("—")),
            esc(&s.group_mean),
            esc(&s.group_best),
        ),
    }
}

/// The difference `after − before` in points, signed, at two decimals.
fn delta(before: Ratio, after: Ratio) -> String {
    match after.checked_sub(before) {
        Some(d) if d > Ratio::ZERO => format!("+{}", d.to_fixed(2)),
        Some(d) => d.to_fixed(2),
        None => String::new(),
    }
}

/// The what-if (假如) line for `ticked` tickets: the score, rank and grade the unit would have.
pub fn what_if(
    base: Option<&Standing>,
    with: Option<&Standing>,
    ticked: usize,
    unknown: &[String],
) -> String {
    let mut out = String::new();
    match (ticked, with) {
        (0, _) => out.push_str(
            r#"<p class="muted" data-whatif="none">勾选下方的扣分工单，即可看到假如这些工单办理合格时的得分、排名与等级（按修改后的工单重新统计）。</p>"#,
        ),
        (n, Some(w)) => {
            let change = base.map(|b| delta(b.exact, w.exact)).unwrap_or_default();
            let _ = write!(
                out,
                r#"<p class="whatif" data-whatif="{n}" data-score="{}" data-rank="{}">假如勾选的 {n} 张工单办理合格：得分 <strong>{}</strong>（{}），{}，等级 {}</p>"#,
                esc(&w.score),
                w.rank.map_or(String::new(), |r| r.to_string()),
                esc(&w.score),
                esc(&change),
                esc(&rank_text(w)),
                esc(w.grade.as_deref().unwrap_or("—")),
            );
        }
        (n, None) => {
            let _ = write!(out, r#"<p class="muted" data-whatif="{n}">规则没有为该单位计分。</p>"#);
        }
    }
    for f in unknown {
        let _ = write!(out, r#"<p class="error">{} 不在该单位的扣分工单中</p>"#, esc(f));
    }
    out
}

fn due_table(id: &str, caption: &str, rows: &[DueItem], missed: &str) -> String {
    let mut out = format!(r#"<h4>{}：{} 项</h4>"#, esc(caption), rows.len());
    if rows.is_empty() {
        out.push_str(r#"<p class="muted">无</p>"#);
        return out;
    }
    let _ = write!(
        out,
        r#"<div class="table-wrap"><table id="{id}"><thead><tr><th scope="col">工单编号</th><th scope="col">行号</th><th scope="col">承办单位</th><th scope="col">时限</th><th scope="col">期限</th><th scope="col">剩余</th><th scope="col">{}</th></tr></thead><tbody>"#,
        esc(missed)
    );
    for d in rows.iter().take(ROWS_SHOWN) {
        let _ = write!(
            out,
            r#"<tr data-id="{}"><td>{}</td><td class="num">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td></tr>"#,
            esc(&d.id),
            esc(&d.id),
            d.line,
            esc(&d.unit),
            esc(&d.deadline_kind),
            esc(&d.deadline),
            esc(&d.left),
            esc(&d.points_text)
        );
    }
    out.push_str("</tbody></table></div>");
    if rows.len() > ROWS_SHOWN {
        let _ = write!(out, r#"<p class="muted">列出前 {ROWS_SHOWN} 项，下载 CSV 查看全部。</p>"#);
    }
    out
}

/// A line chart of the unit's score month by month (scaled to the scores shown).
fn chart(months: &[MonthScore]) -> String {
    let points: Vec<(usize, f64)> = months
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.score.as_deref().and_then(|s| s.parse::<f64>().ok()).map(|v| (i, v)))
        .collect();
    if points.len() < 2 {
        return String::new();
    }
    let (lo, hi) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), (_, v)| (a.min(*v), b.max(*v)));
    let (lo, hi) = ((lo - 1.0).floor(), (hi + 1.0).ceil());
    let (w, h, pad) = (640.0, 180.0, 36.0);
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (months.len() - 1).max(1) as f64;
    let y = |v: f64| h - pad - (h - 2.0 * pad) * (v - lo) / (hi - lo);
    let line: Vec<String> = points.iter().map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v))).collect();
    let mut out = format!(
        r#"<svg class="audit-chart" viewBox="0 0 {w} {h}" role="img" aria-label="逐月得分"><line x1="{pad}" y1="{:.1}" x2="{:.1}" y2="{:.1}" class="axis"/><text x="4" y="{:.1}">{hi}</text><text x="4" y="{:.1}">{lo}</text><polyline points="{}"/>"#,
        h - pad,
        w - pad,
        h - pad,
        y(hi) + 4.0,
        y(lo) + 4.0,
        line.join(" ")
    );
    for (i, v) in &points {
        let _ = write!(
            out,
            r#"<circle cx="{:.1}" cy="{:.1}" r="3"/><text x="{:.1}" y="{:.1}" text-anchor="middle">{v}</text>"#,
            x(*i),
            y(*v),
            x(*i),
            y(*v) - 8.0
        );
    }
    for (i, m) in months.iter().enumerate() {
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="label">{}</text>"#,
            x(i),
            h - pad + 16.0,
            esc(&m.period)
        );
    }
    out.push_str("</svg>");
    out
}

fn monthly(months: &[MonthScore]) -> String {
    let mut out = String::from(r#"<h3 id="audit-months-title">逐月得分与指标</h3>"#);
    if months.is_empty() {
        out.push_str(r#"<p class="muted">数据中没有完整的月份。</p>"#);
        return out;
    }
    out.push_str(&chart(months));
    let items: Vec<&str> = months
        .iter()
        .find(|m| !m.items.is_empty())
        .map_or(Vec::new(), |m| m.items.iter().map(|(n, _, _)| n.as_str()).collect());
    out.push_str(r#"<div class="table-wrap"><table id="audit-months"><thead><tr><th scope="col">月份</th><th scope="col">得分</th><th scope="col">排名</th>"#);
    for n in &items {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, esc(n));
    }
    out.push_str("</tr></thead><tbody>");
    for m in months {
        let _ = write!(
            out,
            r#"<tr><th scope="row">{}</th><td class="num">{}</td><td>{}</td>"#,
            esc(&m.period),
            esc(m.score.as_deref().unwrap_or("—")),
            m.rank.map_or("—".to_string(), |r| format!("{r}/{}", m.of))
        );
        for n in &items {
            let cell = m.items.iter().find(|(i, _, _)| i == n);
            let _ = write!(
                out,
                r#"<td class="num">{}</td>"#,
                cell.map_or("—".to_string(), |(_, v, p)| format!("{}（{}分）", esc(v), esc(p)))
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

/// The whole view of `a`: standing, items, lists with ticks, units below, fix-first, months.
/// `notes` are said above it (a partial file without tickets, …).
pub fn page(a: &Audit, months: &[MonthScore], rules_name: &str, notes: &[String]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<div class="audit-body" data-unit="{}" data-level="{}"><p class="muted">{}，规则：{}。每个得分都由工单重新统计得出。</p>"#,
        esc(&a.name),
        if a.level == hotline_engine::count::entity::EntityLevel::Unit { "unit" } else { "member" },
        esc(&a.period),
        esc(rules_name)
    );
    for n in notes {
        let _ = write!(out, r#"<p class="note">{}</p>"#, esc(n));
    }
    // Standing.
    out.push_str(r#"<h3>得分与排名</h3><div class="table-wrap"><table id="audit-standing"><thead><tr><th scope="col">情形</th><th scope="col">得分</th><th scope="col">组内排名</th><th scope="col">等级</th><th scope="col">组内平均</th><th scope="col">组内最高</th></tr></thead><tbody>"#);
    out.push_str(&standing_row("now", "按文件现状", a.standing.as_ref()));
    out.push_str(&standing_row("open-met", "若未到期的时限都按时完成", a.if_open_met.as_ref()));
    if let Some(p) = &a.previous {
        out.push_str(&standing_row("previous", "上期", Some(p)));
    }
    out.push_str("</tbody></table></div>");
    if let Some(s) = &a.standing {
        let _ =
            write!(out, r#"<p class="muted">分组：{}，满分 {}。"#, esc(&s.group), s.full_score.to_fixed(2));
        if let Some(n) = &s.note {
            let _ = write!(out, "{}", esc(n));
        }
        out.push_str("</p>");
    }
    out.push_str(r#"<div id="audit-whatif" role="status" aria-live="polite">"#);
    out.push_str(&what_if(a.standing.as_ref(), None, 0, &[]));
    out.push_str("</div>");

    // Items.
    out.push_str(r#"<h3>评分项目</h3><div class="table-wrap"><table id="audit-items"><thead><tr><th scope="col">项目</th><th scope="col">指标值</th><th scope="col">分子/分母</th><th scope="col">得分</th><th scope="col">全部合格可得</th><th scope="col">失分</th><th scope="col">计算</th></tr></thead><tbody>"#);
    for it in &a.items {
        let frac = match (it.numerator, it.denominator) {
            (Some(n), Some(d)) => format!("{n}/{d}"),
            (Some(n), None) => n.to_string(),
            _ => "—".into(),
        };
        let p = |r: Option<Ratio>| r.map_or_else(|| "—".to_string(), |r| r.to_fixed(2));
        let lost = it.lost.filter(|l| *l > Ratio::ZERO);
        let _ = write!(
            out,
            r#"<tr data-item="{}"{}><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td><td class="num" data-points>{}</td><td class="num">{}</td><td class="num" data-lost>{}</td><td>{}</td></tr>"#,
            esc(&it.item),
            if lost.is_some() { r#" class="lost""# } else { "" },
            esc(&it.item),
            esc(&it.value),
            frac,
            p(it.points),
            p(it.best),
            p(lost),
            esc(&it.formula)
        );
    }
    out.push_str("</tbody></table></div>");

    // Lists with ticks.
    out.push_str(r#"<h3>扣分工单</h3><p class="muted">勾选工单或整类，看“假如它办理合格”时的得分；“单独影响”是只有这一张合格时得分的变化。</p><div class="toolbar no-print"><button type="button" data-action="clear">清除勾选</button><button type="button" data-action="csv-lists">下载扣分工单 (CSV)</button></div>"#);
    if a.lists.is_empty() {
        out.push_str(r#"<p class="muted" id="audit-no-lists">本期没有使该单位失分的工单。</p>"#);
    }
    for l in &a.lists {
        let _ = write!(
            out,
            r#"<section class="audit-list" data-kind="{}"><h4>{}：{} 张，全部合格时得分 +{}{}</h4><label class="no-print"><input type="checkbox" data-list="{}"> 假如本类全部合格</label>"#,
            l.kind.key(),
            esc(&l.label),
            l.count,
            l.points.to_fixed(4),
            if l.items.is_empty() {
                String::new()
            } else {
                format!("（影响：{}）", esc(&l.items.join("、")))
            },
            l.kind.key()
        );
        let heads: Vec<&str> =
            l.rows.first().map_or(Vec::new(), |r| r.facts.iter().map(|(h, _)| h.as_str()).collect());
        out.push_str(r#"<div class="table-wrap"><table><thead><tr><th scope="col" class="no-print">假如</th><th scope="col">工单编号</th><th scope="col">行号</th><th scope="col">承办单位</th>"#);
        for h in &heads {
            let _ = write!(out, r#"<th scope="col">{}</th>"#, esc(h));
        }
        out.push_str(r#"<th scope="col">超时</th><th scope="col">单独影响</th></tr></thead><tbody>"#);
        for r in l.rows.iter().take(ROWS_SHOWN) {
            let fix = format!("{}:{}", r.id, l.kind.key());
            let _ = write!(
                out,
                r#"<tr data-id="{}"><td class="no-print"><input type="checkbox" data-fix="{}" aria-label="假如 {} 合格"></td><td>{}</td><td class="num">{}</td><td>{}</td>"#,
                esc(&r.id),
                esc(&fix),
                esc(&r.id),
                esc(&r.id),
                r.line,
                esc(&r.unit)
            );
            for (_, v) in &r.facts {
                let _ = write!(out, "<td>{}</td>", esc(v));
            }
            let _ =
                write!(out, r#"<td>{}</td><td class="num">{}</td></tr>"#, esc(&r.late), esc(&r.points_text));
        }
        out.push_str("</tbody></table></div>");
        if l.rows.len() > ROWS_SHOWN {
            let _ = write!(
                out,
                r#"<p class="muted">列出前 {ROWS_SHOWN} 张（共 {}），下载 CSV 查看全部；“本类全部合格”包括全部 {} 张。</p>"#,
                l.count, l.count
            );
        }
        out.push_str("</section>");
    }

    // Units below.
    if !a.sub_units.is_empty() {
        out.push_str(r#"<h3>下级单位</h3><div class="table-wrap"><table id="audit-subunits"><thead><tr><th scope="col">承办单位</th><th scope="col">本级得分</th><th scope="col">排名</th><th scope="col">扣分工单</th><th scope="col">全部合格时上级得分变化</th></tr></thead><tbody>"#);
        for s in &a.sub_units {
            let _ = write!(
                out,
                r#"<tr data-name="{}"><th scope="row">{}</th><td class="num">{}</td><td>{}</td><td class="num">{}</td><td class="num">+{}</td></tr>"#,
                esc(&s.name),
                esc(&s.name),
                esc(s.score.as_deref().unwrap_or("不单独计分")),
                s.rank.map_or("—".to_string(), |r| r.to_string()),
                s.losing,
                esc(&s.parent_gain_text)
            );
        }
        out.push_str("</tbody></table></div>");
    }

    // Fix first.
    let value = a.as_of.get(..16).map(|s| s.replacen(' ', "T", 1)).unwrap_or_default();
    let _ = write!(
        out,
        r#"<h3 id="audit-due-title">临期预警</h3><p><span class="no-print"><label for="audit-as-of">截至</label> <input type="datetime-local" id="audit-as-of" value="{}"></span><span class="print-only">截至 {}</span> <span class="muted">（默认为文件中最晚的时间 {}）</span> <button type="button" class="no-print" data-action="csv-due">下载临期与超期清单 (CSV)</button></p>"#,
        esc(&value),
        esc(&a.as_of),
        esc(&a.as_of)
    );
    out.push_str(&due_table(
        "audit-fix-first",
        "本期结束前到期、尚未完成（先办这些）",
        &a.fix_first,
        "错过将失分",
    ));
    out.push_str(&due_table("audit-overdue", "已超期、仍未完成", &a.overdue, "按时完成可挽回"));

    out.push_str(&monthly(months));
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotline_engine::count::entity::EntityLevel;
    use hotline_engine::report::audit::{self, AuditQuery, Fix};
    use hotline_engine::score::presets;
    use hotline_engine::{ingest_bytes, IngestOptions, Month, Period, Report, ReportOptions};

    fn audited(csv: &str, query: &AuditQuery) -> (Audit, Report) {
        let done = ingest_bytes(csv.as_bytes(), IngestOptions::default()).unwrap();
        let rules = presets::preset("lyg2021").unwrap();
        let o = ReportOptions { period: Some(Period::month(Month::new(2021, 2))), ..Default::default() }
            .under_rules(Some(&rules));
        let report = Report::build(&done, &o);
        let tickets = audit::unit_tickets(&done.store, &o, query.level, &query.name);
        (audit::audit(&report, None, &rules, &Default::default(), &tickets, query), report)
    }

    const CSV: &str = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,上级单位,派单时间,办理时限,办结时间\n\
        A<1>,2021-02-01 09:00,微信,投诉,转办,新海街道\"<b>\",海州区,2021-02-01 10:00,2021-02-08,2021-02-12 12:00\n\
        A2,2021-02-02 09:00,微信,投诉,转办,海州区,,2021-02-02 10:00,2021-02-09,2021-02-05 12:00\n";

    #[test]
    fn every_name_and_id_is_escaped() {
        let (a, _) = audited(CSV, &AuditQuery::new(EntityLevel::Member, "海州区"));
        let html = page(&a, &[], "<rules>", &["a & b".into()]);
        assert!(!html.contains("<b>") && !html.contains("A<1>") && !html.contains("<rules>"));
        assert!(html.contains(r#"data-fix="A&lt;1&gt;:closed_late""#), "{html}");
        assert!(html.contains("a &amp; b"));
    }

    #[test]
    fn the_view_shows_the_audits_figures() {
        let (a, _) = audited(CSV, &AuditQuery::new(EntityLevel::Member, "海州区"));
        let html = page(&a, &[], "r", &[]);
        let s = a.standing.as_ref().unwrap();
        assert!(html.contains(&format!(
            r#"data-case="now"><th scope="row">按文件现状</th><td class="num" data-score="{}""#,
            s.score
        )));
        for it in &a.items {
            assert!(html.contains(&esc(&it.formula)), "{}", it.formula);
        }
        for l in &a.lists {
            assert!(html.contains(&format!(r#"data-list="{}""#, l.kind.key())));
            for r in &l.rows {
                assert!(html.contains(&r.points_text));
            }
        }
        // The street office below 海州区, with its parent's gain.
        assert_eq!(a.sub_units.len(), 1);
        assert!(html.contains(&format!(r#"<td class="num">+{}</td>"#, a.sub_units[0].parent_gain_text)));
    }

    #[test]
    fn the_what_if_line_says_score_change_rank_and_grade() {
        let q = AuditQuery {
            fixes: vec![Fix { id: "A<1>".into(), kind: None }],
            ..AuditQuery::new(EntityLevel::Member, "海州区")
        };
        let (a, _) = audited(CSV, &q);
        let (base, with) = (a.standing.as_ref().unwrap(), a.what_if.as_ref().unwrap());
        let line = what_if(Some(base), Some(with), 1, &["X9".into()]);
        assert!(line.contains(&format!(r#"data-score="{}""#, with.score)), "{line}");
        assert!(line.contains(&delta(base.exact, with.exact)));
        assert!(with.exact > base.exact && line.contains("（+"));
        assert!(line.contains("X9 不在该单位的扣分工单中"));
        assert!(what_if(Some(base), None, 0, &[]).contains(r#"data-whatif="none""#));
    }

    #[test]
    fn months_chart_only_with_two_scored_months() {
        let m = |p: &str, s: Option<&str>| MonthScore {
            period: p.into(),
            score: s.map(str::to_string),
            rank: Some(1),
            of: 3,
            items: vec![("按期办结率".into(), "90.00%".into(), "27.00".into())],
        };
        let one = monthly(&[m("2021年1月", Some("95.10"))]);
        assert!(!one.contains("<svg") && one.contains("90.00%（27.00分）"));
        let two = monthly(&[m("2021年1月", Some("95.10")), m("2021年2月", Some("97.20"))]);
        assert!(two.contains("<svg") && two.contains("<polyline") && two.contains(">97.2<"));
        assert!(monthly(&[]).contains("没有完整的月份"));
    }
}
