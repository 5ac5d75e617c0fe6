//! Property tests over generated months and edits of them (proptest): what must hold for every
//! file, not only the ones a tester wrote down (docs/robustness.md lists them). Each property
//! runs a few dozen cases so the suite stays quick; `PROPTEST_CASES=1000 cargo test -p hotline-engine --test properties` runs more.
//! The damaged-file property found that a bad byte in a 直接答复 row's 承办单位 (a column such
//! rows do not read) was rejected by the general reader and accepted by the fast path; the
//! regression case is `robustness/encoding_decided_on_a_large_prefix.rs`.

use hotline_engine::count::catalogue::{Figures, Indicator, Value};
use hotline_engine::partial::Partial;
use hotline_engine::read::encoding::encode;
use hotline_engine::read::records::{find_record_end, Fields};
use hotline_engine::score::presets::PRESETS;
use hotline_engine::score::rules::RuleSet;
use hotline_engine::score::Context;
use hotline_engine::{
    ingest_bytes, FileError, Ingest, IngestOptions, Ingested, Month, Period, Report, ReportOptions,
    TextEncoding,
};
use hotline_sample::{generate_string, GenConfig};
use proptest::prelude::*;

fn month(seed: u64, tickets: usize) -> String {
    generate_string(&GenConfig::new(Month::new(2021, 3), tickets, seed))
}

/// Every figure of a report that does not depend on line numbers: the city, the units, the
/// member units, the channel and kind shares, the months.
fn figures(report: &Report) -> String {
    serde_json::to_string(&(
        &report.city,
        &report.units,
        &report.members,
        &report.channels,
        &report.kinds,
        &report.months,
    ))
    .unwrap()
}

fn report_of(bytes: &[u8]) -> Report {
    Report::build(&ingest_bytes(bytes, IngestOptions::default()).unwrap(), &ReportOptions::default())
}

/// What a read gave, as one comparable value: the summary, the rejects and the tickets.
fn outcome(r: &Result<Ingested, FileError>) -> String {
    match r {
        Err(e) => format!("{e:?}"),
        Ok(d) => format!("{:?}\n{:?}\n{:?}", d.summary, d.rejects, d.store.tickets),
    }
}

/// The month's records (not lines: a quoted field may hold a line break), after its header.
fn records(body: &str) -> Vec<&str> {
    let mut rows = Vec::new();
    let mut rest = body;
    while let Some(end) = find_record_end(rest.as_bytes(), true) {
        rows.push(&rest[..end.content]);
        rest = &rest[end.consumed..];
    }
    rows
}

/// The month cut between records into `parts` exports, each with the header, at the cuts `at`.
fn split_month(text: &str, at: &[prop::sample::Index]) -> Vec<String> {
    let (header, body) = text.split_once('\n').unwrap();
    let mut ends = vec![0];
    let mut rest = body;
    while let Some(end) = find_record_end(rest.as_bytes(), true) {
        ends.push(ends.last().unwrap() + end.consumed);
        rest = &rest[end.consumed..];
    }
    let mut cuts: Vec<usize> = at.iter().map(|i| ends[i.index(ends.len())]).collect();
    cuts.sort();
    let mut parts = Vec::new();
    let mut from = 0;
    for cut in cuts.into_iter().chain([body.len()]) {
        parts.push(format!("{header}\n{}", &body[from..cut]));
        from = cut;
    }
    parts
}

fn partial(name: &str, text: &str) -> Partial {
    let done = ingest_bytes(text.as_bytes(), IngestOptions::default()).unwrap();
    Partial::from_ingested(name, &done, None).unwrap()
}

/// Every count of a figures row, a rate as its numerator and denominator, in catalogue order.
fn counts(f: &Figures) -> Vec<(Indicator, u64)> {
    let mut out = Vec::new();
    for &i in Indicator::ALL {
        match f.get(i) {
            Value::Count(n) => out.push((i, n)),
            Value::Rate(r) => {
                out.push((i, r.num));
                out.push((i, r.den));
            }
        }
    }
    out
}

/// The element-wise sum of count lists of the same indicators.
fn add(a: &mut Vec<(Indicator, u64)>, b: &[(Indicator, u64)]) {
    if a.is_empty() {
        a.extend_from_slice(b);
        return;
    }
    for (x, y) in a.iter_mut().zip(b) {
        assert_eq!(x.0, y.0);
        x.1 += y.1;
    }
}

/// `rules` with every item's points (weight, full points, points per rate point or per ticket)
/// scaled by `factor` and the base moved by `shift`:
/// the points change, what is counted does not.
fn reweighted(rules: &RuleSet, factor: f64, shift: f64) -> Option<RuleSet> {
    fn scale(v: &mut serde_json::Value, factor: f64) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    match (k.as_str(), x.as_f64()) {
                        // At two decimals, as a rule file writes a weight.
                        ("weight" | "full" | "per_point" | "per_ticket", Some(w)) => {
                            *x = serde_json::json!((w * factor * 100.0).round() / 100.0)
                        }
                        _ => scale(x, factor),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| scale(x, factor)),
            _ => {}
        }
    }
    let mut json: serde_json::Value = serde_json::from_str(&rules.to_json()).unwrap();
    scale(&mut json["items"], factor);
    if let Some(base) = json["score"]["base"].as_f64() {
        json["score"]["base"] = serde_json::json!(base + shift);
    }
    RuleSet::parse(&json.to_string()).ok()
}

fn read_in_chunks(bytes: &[u8], size: usize, options: IngestOptions) -> Result<Ingested, FileError> {
    let mut ingest = Ingest::new(options);
    for chunk in bytes.chunks(size.max(1)) {
        ingest.push(chunk)?;
    }
    ingest.finish()
}

proptest! {
    // 24 cases each unless PROPTEST_CASES says more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    /// The order of the rows changes no figure (ticket numbers are unique in a generated month).
    #[test]
    fn row_order_changes_no_figure(seed in 1u64..10_000, shuffle in any::<u64>()) {
        let text = month(seed, 300);
        let (header, body) = text.split_once('\n').unwrap();
        let mut rows = records(body);
        // A Fisher–Yates shuffle driven by the case's number.
        let mut state = shuffle | 1;
        for i in (1..rows.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            rows.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let shuffled = format!("{header}\n{}\n", rows.join("\n"));
        let (a, b) = (figures(&report_of(shuffled.as_bytes())), figures(&report_of(text.as_bytes())));
        prop_assert!(a == b, "figures differ");
    }

    /// Re-encoding a month in GB18030 changes nothing but the encoding it is read in.
    #[test]
    fn gb18030_reads_as_utf8(seed in 1u64..10_000) {
        let text = month(seed, 200);
        let gbk = encode(TextEncoding::Gb18030, &text);
        let (a, b) = (report_of(text.as_bytes()), report_of(&gbk));
        prop_assert_eq!(b.source.encoding, Some(TextEncoding::Gb18030));
        prop_assert_eq!(figures(&a), figures(&b));
        let messages = |r: &Report| r.rejects.iter().map(|j| j.message()).collect::<Vec<_>>();
        prop_assert_eq!(messages(&a), messages(&b));
    }

    /// Every rate of the city and of every unit is a share: its numerator never above its
    /// denominator.
    #[test]
    fn every_rate_is_within_zero_and_one(seed in 1u64..10_000) {
        let report = report_of(month(seed, 300).as_bytes());
        let city = report.city.as_ref().unwrap();
        for f in [&city.all, &city.municipal, &city.province].into_iter().chain(report.units.iter().map(|u| &u.all)) {
            for (indicator, rate) in f.rates() {
                prop_assert!(rate.num <= rate.den, "{:?}: {} of {}", indicator, rate.num, rate.den);
            }
        }
    }

    /// Bytes inserted anywhere (quotes, commas, line ends, a NUL, an invalid byte): the read
    /// never panics, rows read = scored + rejected, and every way of reading agrees: one chunk,
    /// chunks of any size, the general reader alone.
    #[test]
    fn damaged_files_read_alike_every_way(
        seed in 1u64..10_000,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec![b'"', b',', b'\n', b'\r', 0xFF, 0x00, b' ', 0xE5])), 1..8),
        chunk in 1usize..600,
    ) {
        let mut bytes = month(seed, 40).into_bytes();
        for (at, byte) in &edits {
            let i = at.index(bytes.len() + 1);
            bytes.insert(i, *byte);
        }
        let whole = ingest_bytes(&bytes, IngestOptions::default());
        if let Ok(done) = &whole {
            let s = &done.summary;
            prop_assert_eq!(s.rows_read, s.rows_scored + s.rows_rejected);
            prop_assert_eq!(s.rows_scored as usize, done.store.len());
        }
        let want = outcome(&whole);
        let chunked = outcome(&read_in_chunks(&bytes, chunk, IngestOptions::default()));
        let general = IngestOptions { general_reader_only: true, ..IngestOptions::default() };
        let general = outcome(&read_in_chunks(&bytes, 4096, general));
        prop_assert!(chunked == want, "chunks of {} read differently", chunk);
        prop_assert!(general == want, "the general reader reads differently");
    }

    /// A month split anywhere (between records) into two exports, each reduced to its partial
    /// aggregates and merged in either order, reports exactly as the whole month does.
    #[test]
    fn two_exports_merged_equal_the_whole(seed in 1u64..10_000, at in any::<prop::sample::Index>()) {
        let text = month(seed, 200);
        let (header, body) = text.split_once('\n').unwrap();
        let mut ends = vec![0];
        let mut rest = body;
        while let Some(end) = hotline_engine::read::records::find_record_end(rest.as_bytes(), true) {
            ends.push(ends.last().unwrap() + end.consumed);
            rest = &rest[end.consumed..];
        }
        let cut = ends[at.index(ends.len())];
        let (a, b) = (format!("{header}\n{}", &body[..cut]), format!("{header}\n{}", &body[cut..]));
        let part = |name: &str, t: &str| {
            let done = ingest_bytes(t.as_bytes(), IngestOptions::default()).unwrap();
            Partial::from_ingested(name, &done, None).unwrap()
        };
        let (pa, pb) = (part("a", &a), part("b", &b));
        let o = ReportOptions::default();
        let ab = Partial::merge(&[pa.clone(), pb.clone()]).unwrap().report(&o).unwrap();
        let ba = Partial::merge(&[pb, pa]).unwrap().report(&o).unwrap();
        let whole = report_of(text.as_bytes());
        prop_assert!(figures(&ab) == figures(&whole), "merged partials differ from the whole");
        prop_assert!(figures(&ba) == figures(&ab), "merge order changes the figures");
    }

    /// Merging disjoint partials is associative and commutative: three exports of one month,
    /// merged in any grouping and any order, report exactly as the whole month does.
    #[test]
    fn merging_disjoint_partials_is_associative_and_commutative(
        seed in 1u64..10_000,
        at in proptest::collection::vec(any::<prop::sample::Index>(), 2),
    ) {
        let text = month(seed, 150);
        let parts = split_month(&text, &at);
        let [a, b, c] = [0, 1, 2].map(|i| partial(&format!("part{i}"), &parts[i]));
        let merge = |p: &[Partial]| Partial::merge(p).unwrap();
        let o = ReportOptions::default();
        let whole = figures(&report_of(text.as_bytes()));
        let groupings = [
            merge(&[merge(&[a.clone(), b.clone()]), c.clone()]),
            merge(&[a.clone(), merge(&[b.clone(), c.clone()])]),
            merge(&[c.clone(), a.clone(), b.clone()]),
            merge(&[merge(&[c.clone(), b.clone()]), a.clone()]),
        ];
        for (i, merged) in groupings.iter().enumerate() {
            prop_assert!(figures(&merged.report(&o).unwrap()) == whole, "grouping {} differs from the whole", i);
        }
    }

    /// A partial reports exactly what its tickets report, and so does the partial read back
    /// from its own JSON.
    #[test]
    fn a_partials_report_equals_its_tickets_report(seed in 1u64..10_000, tickets in 1usize..300) {
        let text = month(seed, tickets);
        let done = ingest_bytes(text.as_bytes(), IngestOptions::default()).unwrap();
        let o = ReportOptions::default();
        let direct = Report::build(&done, &o);
        let p = Partial::from_ingested("month", &done, None).unwrap();
        let again = Partial::from_json(&p.to_json()).unwrap();
        prop_assert!(figures(&p.report(&o).unwrap()) == figures(&direct), "the partial's report differs");
        prop_assert!(figures(&again.report(&o).unwrap()) == figures(&direct), "the JSON round trip differs");
    }

    /// Rows read = scored + rejected, and every row is accounted for; the city's counts are the
    /// sum of its units' (and of its member units') plus those of its 直接答复 tickets, which
    /// have no unit (docs/indicators.md §7); 市派 + 省派 = 全部 for every count.
    #[test]
    fn the_city_is_its_units_plus_its_direct_replies(seed in 1u64..10_000, tickets in 50usize..400) {
        let text = month(seed, tickets);
        let (header, body) = text.split_once('\n').unwrap();
        let handling = header.split(',').position(|h| h == "办理方式").unwrap();
        let mut fields = Fields::default();
        let direct_rows: Vec<&str> = records(body)
            .into_iter()
            .filter(|r| {
                fields.split(r.as_bytes(), r.contains('"'));
                fields.len() > handling
                    && std::str::from_utf8(fields.get(r.as_bytes(), handling)).is_ok_and(|f| f.trim() == "直接答复")
            })
            .collect();
        prop_assume!(!direct_rows.is_empty());
        let direct_text = format!("{header}\n{}\n", direct_rows.join("\n"));
        let o = ReportOptions { period: Some(Period::parse("2021-03").unwrap()), ..ReportOptions::default() };
        let read = |t: &str| ingest_bytes(t.as_bytes(), IngestOptions::default()).unwrap();
        let done = read(&text);
        let s = &done.summary;
        prop_assert_eq!(s.rows_read, s.rows_scored + s.rows_rejected);
        let whole = Report::build(&done, &o);
        prop_assert!(whole.reconciliation.balances(), "{}", whole.reconciliation.text());
        let direct = Report::build(&read(&direct_text), &o);
        let city = whole.city.as_ref().unwrap();
        let direct_city = counts(&direct.city.as_ref().unwrap().all);
        for list in [&whole.units, &whole.members] {
            let mut sum = Vec::new();
            for u in list.iter() {
                add(&mut sum, &counts(&u.all));
            }
            add(&mut sum, &direct_city);
            prop_assert_eq!(&sum, &counts(&city.all));
        }
        let mut sides = counts(&city.municipal);
        add(&mut sides, &counts(&city.province));
        prop_assert_eq!(sides, counts(&city.all));
    }

    /// A rule change that moves only points (every weight scaled, the base shifted) changes no
    /// count: the figures under the changed rules are those under the preset.
    #[test]
    fn a_rule_change_changes_points_not_counts(
        seed in 1u64..10_000,
        preset in 0usize..PRESETS.len(),
        factor in (1u32..=30).prop_map(|k| f64::from(k) / 10.0),
        shift in (-20i32..=20).prop_map(|k| f64::from(k) / 2.0),
    ) {
        let rules = RuleSet::parse(PRESETS[preset].1).unwrap();
        let changed = reweighted(&rules, factor, shift);
        prop_assume!(changed.is_some());
        let changed = changed.unwrap();
        let done = ingest_bytes(month(seed, 300).as_bytes(), IngestOptions::default()).unwrap();
        let under = |r: &RuleSet| {
            let mut report = Report::build(&done, &ReportOptions::default().under_rules(Some(r)));
            report.apply_rules(r, &Context::default());
            report
        };
        let (a, b) = (under(&rules), under(&changed));
        prop_assert!(figures(&a) == figures(&b), "a points-only change moved a count");
        prop_assert!(a.scores.is_some() && b.scores.is_some());
        // A test of the test: the change is a change.
        if factor != 1.0 || shift != 0.0 {
            prop_assert!(a.scores != b.scores, "the reweighted rules gave the same scores");
        }
    }
}
