//! Messy generated files and an exact comparison of two ingests, shared by the tests that check
//! two ways of reading a file agree (fast path against general reader, two readers against one).

#![allow(dead_code)] // each test crate uses its own part of it

use hotline_engine::time::Month;
use hotline_engine::Ingested;
use hotline_sample::{generate_string, GenConfig};

pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// A generated month with about one row in four damaged in one of many ways.
pub fn messy_file(seed: u64) -> String {
    messy_file_with(seed, true)
}

/// [`messy_file`], with or without rows that repeat a ticket number.
pub fn messy_file_with(seed: u64, duplicates: bool) -> String {
    let clean = generate_string(&GenConfig::new(Month::new(2021, 2), 600, seed));
    let mut rng = Rng(seed * 2 + 1);
    let mut lines = clean.lines();
    let header = lines.next().unwrap();
    let mut out = format!("{header}\n");
    let mut earlier: Vec<String> = Vec::new();
    for line in lines {
        let mut fields: Vec<String> = line.split(',').map(String::from).collect();
        let n = fields.len();
        if n != 23 {
            // The generator's own odd rows (quoted commas, short rows) go in as they are.
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let i = rng.below(n);
        match rng.below(24) {
            0 => fields[i].clear(),
            1 => {
                fields[i] = rng
                    .pick(&["2021/2/5 9:03", "2021-02-30 10:00:00", "x", "2021-02-05", " 2021-02-05 10:00 "])
                    .into()
            }
            2 => {
                fields[i] = rng
                    .pick(&[
                        "Y",
                        "1",
                        "true",
                        "否",
                        "N",
                        "maybe",
                        "满意",
                        "基本满意",
                        "未回访",
                        "规范",
                        "不规范",
                    ])
                    .into()
            }
            3 => fields[i] = format!("\"{},{}\"", fields[i], rng.pick(&["a", "\"\"q\"\"", ""])),
            4 => fields[i] = format!("\"{}\"", fields[i]),
            5 if duplicates && !earlier.is_empty() => fields[0] = earlier[rng.below(earlier.len())].clone(),
            6 => fields.push("extra".into()),
            7 => {
                fields.pop();
            }
            8 => out.push_str(rng.pick(&["\n", "   \n", "\r\n"])),
            9 => fields[i] = format!("  {}\t", fields[i]),
            10 if duplicates => fields[0] = format!("工单{}", rng.below(40)),
            11 => fields[15] = rng.pick(&["5", "0", "10", "1234"]).into(),
            12 => fields[17] = rng.pick(&["3", "12345", "-1", ""]).into(),
            13 => fields[5] = rng.pick(&["直接答复", "转办", "其他"]).into(),
            14 => fields[6] = rng.pick(&["", "新单位甲", "新单位乙"]).into(),
            15 => fields[i] = format!("\"{}\nsecond line\"", fields[i]),
            _ => {}
        }
        earlier.push(fields[0].clone());
        let end = if rng.below(5) == 0 { "\r\n" } else { "\n" };
        out.push_str(&fields.join(","));
        out.push_str(end);
    }
    if rng.below(2) == 0 {
        out.pop(); // no final line feed
    }
    out
}

pub fn assert_same(fast: &Ingested, general: &Ingested, what: &str) {
    assert_eq!(fast.summary, general.summary, "{what}: summary");
    assert_eq!(fast.rejects, general.rejects, "{what}: rejects");
    assert_eq!(fast.store.tickets.len(), general.store.tickets.len(), "{what}: ticket count");
    if let Some(i) =
        (0..fast.store.tickets.len()).find(|&i| fast.store.tickets[i] != general.store.tickets[i])
    {
        panic!("{what}: ticket {i} differs:\n{:?}\n{:?}", fast.store.tickets[i], general.store.tickets[i]);
    }
    let ids = |d: &Ingested| (0..d.store.len()).map(|i| d.store.id(i).to_string()).collect::<Vec<_>>();
    assert_eq!(ids(fast), ids(general), "{what}: ticket numbers");
    let names =
        |n: &hotline_engine::tickets::store::Names| n.iter().map(|(_, s)| s.to_string()).collect::<Vec<_>>();
    assert_eq!(names(&fast.store.units), names(&general.store.units), "{what}: units");
    assert_eq!(names(&fast.store.channels), names(&general.store.channels), "{what}: channels");
    assert_eq!(names(&fast.store.kinds), names(&general.store.kinds), "{what}: kinds");
    assert_eq!(names(&fast.store.categories), names(&general.store.categories), "{what}: categories");
}
