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
        let half = |b: &[u8; 4]| u64::from(u32::from_le_bytes(*b));
        // A first chunk of N bytes exists exactly when the last one does, when `n >= N`.
        if let (Some(first), Some(last)) = (raw.first_chunk::<8>(), raw.last_chunk::<8>()) {
            (u64::from_le_bytes(*first), u64::from_le_bytes(*last))
        } else if let (Some(first), Some(last)) = (raw.first_chunk::<4>(), raw.last_chunk::<4>()) {
            (half(first) | half(last) << 32, 0)
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
                if n <= 16
                    || raw
                        .get(8..n - 8)
                        .is_some_and(|mid| self.bytes.get(start + 8..start + n - 8) == Some(mid))
                {
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

    #[expect(
        clippy::indexing_slicing,
        reason = "callers pass an index of `entries`; `slots` is a power of two long (at least 64 once an entry is in) and every probe is masked by `slots.len() - 1`"
    )]
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

/// Why [`Ingest::accept`] stored nothing.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// A name has bytes not valid in the file's encoding.
    Undecodable,
    /// A new name needs cleaning, and the row's 工单编号 is not claimed yet.
    NeedsCleaning,
}

impl Ingest {
    /// Stores an accepted row: records its 工单编号 and interns its names (`names`: the raw,
    /// trimmed fields of [`NAME_COLUMNS`]). Stores nothing and fails when a name has bytes that
    /// are not valid in the file's encoding (the general reader then rejects the row as
    /// 字符编码错误): no name of a rejected row is ever interned.
    ///
    /// With `unclaimed` (the fast path, whose 工单编号 is claimed later, in a batch) it also
    /// stores nothing when a new name needs cleaning: the row goes to the general reader, which
    /// claims the number first, so a duplicate row never lists a name as cleaned (such rows are
    /// rare, and the names table makes the next row with that name fast again).
    pub(super) fn accept(
        &mut self,
        mut t: Ticket,
        id: &str,
        names: [&[u8]; 5],
        unclaimed: bool,
    ) -> Result<(), Refused> {
        let enc = self.enc();
        let transferred = t.is_transferred();
        let Ingest { raw_units, raw_channels, raw_kinds, raw_categories, out, .. } = self;
        let maps: [&RawNames; 5] = [raw_units, raw_units, raw_channels, raw_kinds, raw_categories];
        // First every name looked up, or decoded once if new; only then anything interned.
        let mut found: [Option<NameId>; 5] = [None; 5];
        let mut decoded: [Option<std::borrow::Cow<'_, str>>; 5] = Default::default();
        for (slot, ((raw, found), decoded)) in names.iter().zip(&mut found).zip(&mut decoded).enumerate() {
            if raw.is_empty() || (slot < 2 && !transferred) {
                continue;
            }
            match maps.get(slot).and_then(|m| m.get(raw)) {
                Some((id, _)) => *found = Some(id),
                None => {
                    let mut bad = false;
                    let text = encoding::decode(enc, raw, &mut bad);
                    if bad {
                        return Err(Refused::Undecodable);
                    }
                    if unclaimed {
                        let unmarked = crate::csv_cell::unmark(&text);
                        if clean_name(unmarked) != unmarked {
                            return Err(Refused::NeedsCleaning);
                        }
                    }
                    *decoded = Some(text);
                }
            }
        }
        let store = &mut out.store;
        let cleaned = &mut out.summary.cleaned_names;
        let mut ids = [NO_NAME; 5];
        for (slot, (((raw, out_id), found), decoded)) in
            names.iter().zip(&mut ids).zip(found).zip(&mut decoded).enumerate()
        {
            if let Some(id) = found {
                *out_id = id;
                continue;
            }
            let Some(text) = decoded.take() else { continue };
            let (map, table) = match slot {
                0 | 1 => (&mut *raw_units, &mut store.units),
                2 => (&mut *raw_channels, &mut store.channels),
                3 => (&mut *raw_kinds, &mut store.kinds),
                _ => (&mut *raw_categories, &mut store.categories),
            };
            // The same new name as 承办单位 and 上级单位: interned once.
            if let Some((id, _)) = map.get(raw) {
                *out_id = id;
                continue;
            }
            // A name an export marked as text (`'=…`) reads as the name itself; invisible
            // characters and exotic spaces do not make a second unit.
            let unmarked = crate::csv_cell::unmark(&text);
            let name = clean_name(unmarked);
            if name != unmarked && !cleaned.iter().any(|c| *c == name) {
                cleaned.push(name.to_string());
            }
            let id = table.intern(&name);
            map.insert(raw, id, false);
            *out_id = id;
        }
        let [unit, parent, channel, kind, category] = ids;
        if transferred {
            t.unit = unit;
            t.parent = if parent == unit { NO_NAME } else { parent };
        }
        t.channel = channel;
        t.kind = kind;
        t.category = category;
        store.push(id, t);
        out.summary.rows_scored += 1;
        Ok(())
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
