//! The names table: 承办单位, 上级单位, 来源渠道, 诉求类型 and 问题分类 interned by their raw bytes,
//! so a repeated name is neither decoded nor hashed again; and the accepting of a checked row.

use super::*;

/// The name columns [`Ingest::accept`] interns, in the order of its `names`.
pub(super) const NAME_COLUMNS: [Column; 5] =
    [Column::Unit, Column::ParentUnit, Column::Channel, Column::Kind, Column::Category];

/// Raw name bytes → (name id, had undecodable bytes), for one name table: a repeated name is
/// neither decoded nor hashed in full again. A file has tens to a few thousand distinct names,
/// so the table stays in cache. A name is known by its length and two words (its first and last
/// eight bytes, or for a shorter name its bytes themselves), which give the slot and, for names
/// of up to 16 bytes (most names: a Chinese character is 3 bytes in UTF-8, 2 in GBK), decide
/// equality without touching the name's bytes; a longer name compares its middle bytes too.
#[derive(Default)]
pub(super) struct RawNames {
    /// Index into `entries`, or `u32::MAX` for an empty slot; a power of two long.
    pub(super) slots: Vec<u32>,
    pub(super) entries: Vec<RawName>,
    pub(super) bytes: Vec<u8>,
}

pub(super) struct RawName {
    pub(super) words: (u64, u64),
    pub(super) len: u32,
    /// Where the name's bytes start in `bytes`.
    pub(super) start: u32,
    pub(super) id: NameId,
    pub(super) undecodable: bool,
}

impl RawNames {
    /// The two words that, with the length, stand for `raw`: they hold every byte of a name of
    /// up to 16 bytes.
    #[inline]
    pub(super) fn words(raw: &[u8]) -> (u64, u64) {
        let n = raw.len();
        let word = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("eight bytes"));
        let half = |b: &[u8]| u64::from(u32::from_le_bytes(b.try_into().expect("four bytes")));
        if n >= 8 {
            (word(&raw[..8]), word(&raw[n - 8..]))
        } else if n >= 4 {
            (half(&raw[..4]) | half(&raw[n - 4..]) << 32, 0)
        } else {
            (raw.iter().enumerate().fold(0, |w, (i, b)| w | u64::from(*b) << (8 * i)), 0)
        }
    }

    #[inline]
    pub(super) fn slot(words: (u64, u64), len: usize, mask: usize) -> usize {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let h = ((len as u64 ^ words.0).wrapping_mul(K).rotate_left(29) ^ words.1).wrapping_mul(K);
        (h >> 32) as usize & mask
    }

    #[inline]
    pub(super) fn get(&self, raw: &[u8]) -> Option<(NameId, bool)> {
        if self.slots.is_empty() {
            return None;
        }
        let (words, n) = (Self::words(raw), raw.len());
        let mask = self.slots.len() - 1;
        let mut slot = Self::slot(words, n, mask);
        loop {
            let e = self.entries.get(*self.slots.get(slot)? as usize)?;
            if e.words == words && e.len as usize == n {
                let start = e.start as usize;
                if n <= 16 || self.bytes.get(start + 8..start + n - 8) == Some(&raw[8..n - 8]) {
                    return Some((e.id, e.undecodable));
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    pub(super) fn insert(&mut self, raw: &[u8], id: NameId, undecodable: bool) {
        let words = Self::words(raw);
        let (start, len) = (self.bytes.len() as u32, raw.len() as u32);
        self.entries.push(RawName { words, len, start, id, undecodable });
        self.bytes.extend_from_slice(raw);
        if self.entries.len() * 2 > self.slots.len() {
            self.slots = vec![u32::MAX; (self.slots.len() * 2).max(64)];
            for e in 0..self.entries.len() {
                self.place(e);
            }
        } else {
            self.place(self.entries.len() - 1);
        }
    }

    pub(super) fn place(&mut self, e: usize) {
        let mask = self.slots.len() - 1;
        let entry = &self.entries[e];
        let mut slot = Self::slot(entry.words, entry.len as usize, mask);
        while self.slots[slot] != u32::MAX {
            slot = (slot + 1) & mask;
        }
        self.slots[slot] = e as u32;
    }
}

impl Ingest {
    /// Stores an accepted row: records its 工单编号 and interns its names (`names`: the raw,
    /// trimmed fields of [`NAME_COLUMNS`]). Returns whether the row had undecodable bytes.
    pub(super) fn accept(&mut self, mut t: Ticket, id: &str, names: [&[u8]; 5], mut lossy: bool) -> bool {
        let enc = self.enc();
        let Ingest { raw_units, raw_channels, raw_kinds, raw_categories, out, .. } = self;
        let store = &mut out.store;
        let cleaned = &mut out.summary.cleaned_names;
        let mut intern = |raw: &[u8], map: &mut RawNames, names: &mut crate::tickets::store::Names| {
            if raw.is_empty() {
                return NO_NAME;
            }
            let (id, bad) = map.get(raw).unwrap_or_else(|| {
                let mut bad = false;
                // A name an export marked as text (`'=…`) reads as the name itself; invisible
                // characters and exotic spaces do not make a second unit.
                let decoded = encoding::decode(enc, raw, &mut bad);
                let unmarked = crate::csv_cell::unmark(&decoded);
                let name = clean_name(unmarked);
                if name != unmarked && !cleaned.iter().any(|c| *c == name) {
                    cleaned.push(name.to_string());
                }
                let id = names.intern(&name);
                map.insert(raw, id, bad);
                (id, bad)
            });
            lossy |= bad;
            id
        };
        let [unit, parent, channel, kind, category] = names;
        if t.is_transferred() {
            t.unit = intern(unit, raw_units, &mut store.units);
            t.parent = intern(parent, raw_units, &mut store.units);
            if t.parent == t.unit {
                t.parent = NO_NAME;
            }
        }
        t.channel = intern(channel, raw_channels, &mut store.channels);
        t.kind = intern(kind, raw_kinds, &mut store.kinds);
        t.category = intern(category, raw_categories, &mut store.categories);
        store.push(id, t);
        out.summary.rows_scored += 1;
        if lossy {
            out.summary.undecodable_fields += 1;
        }
        lossy
    }
}

/// A name as interned: NUL and zero-width characters (U+200B–U+200D, U+2060, U+FEFF) removed,
/// and the spaces ASCII trimming leaves (U+3000 ideographic, U+00A0 no-break, common in GBK
/// exports) trimmed from both ends: pasted invisibles never make a second unit.
pub(crate) fn clean_name(s: &str) -> std::borrow::Cow<'_, str> {
    let invisible =
        |c: char| matches!(c, '\0' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}');
    let space = |c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{00A0}';
    let trimmed = s.trim_matches(space);
    if trimmed.contains(invisible) {
        let kept: String = trimmed.chars().filter(|c| !invisible(*c)).collect();
        std::borrow::Cow::Owned(kept.trim_matches(space).to_string())
    } else {
        std::borrow::Cow::Borrowed(trimmed)
    }
}
