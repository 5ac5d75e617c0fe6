//! 64-bit hashes of 工单编号, and the set that claims them during an ingest.
//!
//! [`id_hash`] is part of the partial-aggregates file format (a partial lists the sorted hashes
//! of its tickets so that a merge can find tickets present in two exports): it is defined on the
//! ticket number's UTF-8 bytes with 64-bit arithmetic only, so it gives the same value on every
//! platform (x86-64, wasm32) and never changes without a new format version.

/// The hash of a ticket number's UTF-8 bytes: each 8-byte little-endian word (the last one
/// zero-padded) is mixed in by xor, multiply and rotate, then the result is finalised with
/// MurmurHash3's 64-bit mix so that numbers differing in one digit spread over all bits.
pub fn id_hash(id: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (id.len() as u64).wrapping_mul(K);
    let (words, rest) = id.as_chunks::<8>();
    for w in words {
        let w = u64::from_le_bytes(*w);
        h = (h ^ w).wrapping_mul(K).rotate_left(31);
    }
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last.iter_mut().zip(rest).for_each(|(to, from)| *to = *from);
        h = (h ^ u64::from_le_bytes(last)).wrapping_mul(K).rotate_left(31);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Ticket-number hashes claimed so far, each with the index of the ticket that claimed it.
///
/// Open addressing with linear probing over a table of hashes (0 = empty slot; a hash of 0 is
/// stored as 1, which the caller's exact comparison absorbs like any collision), up to two thirds
/// full. A hash's home slot is its high bits scaled to the table's length, so the table can be
/// any length: sized by the tickets it will hold, not rounded up to a power of two (which left
/// it a third to two thirds full: 12 bytes a slot, 100 MB for 3M tickets where 57 MB do). A claim
/// that finds an empty slot touches one cache line of the hash table; the index table is read
/// only when the hash is already there (a duplicate or a collision, both rare).
#[derive(Clone, Debug, Default)]
pub struct IdSet {
    hashes: Vec<u64>,
    owners: Vec<u32>,
    len: usize,
}

impl IdSet {
    /// A set with room for `n` claims before it grows.
    pub fn with_capacity(n: usize) -> IdSet {
        let slots = n.max(8) * 3 / 2 + 1;
        IdSet { hashes: vec![0; slots], owners: vec![0; slots], len: 0 }
    }

    /// Distinct hashes claimed (a duplicate 工单编号 claims no new slot).
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether no ticket number has been claimed yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The home slot of `h`: its high bits scaled to the table's length.
    #[inline]
    fn home(&self, h: u64) -> usize {
        ((u128::from(h) * self.hashes.len() as u128) >> 64) as usize
    }

    /// Claims `hash` for ticket `owner`. `Err(first)` when the hash is already claimed, by
    /// ticket `first` (the same ticket number, or a different one with an equal hash).
    #[expect(
        clippy::indexing_slicing,
        reason = "the table is not empty after the growth check, `home` is below `hashes.len()` (the high half of `h × len`), the probe wraps to 0 at `hashes.len()`, and `owners` is as long as `hashes`"
    )]
    pub fn claim(&mut self, hash: u64, owner: u32) -> Result<(), u32> {
        if (self.len + 1) * 3 > self.hashes.len() * 2 {
            self.grow();
        }
        let h = hash.max(1);
        let mut slot = self.home(h);
        loop {
            match self.hashes[slot] {
                0 => {
                    self.hashes[slot] = h;
                    self.owners[slot] = owner;
                    self.len += 1;
                    return Ok(());
                }
                x if x == h => return Err(self.owners[slot]),
                _ => slot = if slot + 1 == self.hashes.len() { 0 } else { slot + 1 },
            }
        }
    }

    /// Whether `hash` is claimed (by any ticket).
    #[expect(
        clippy::indexing_slicing,
        reason = "the table is not empty (checked first), `home` is below `hashes.len()` (the high half of `h × len`) and the probe wraps to 0 at `hashes.len()`"
    )]
    pub fn contains(&self, hash: u64) -> bool {
        if self.hashes.is_empty() {
            return false;
        }
        let h = hash.max(1);
        let mut slot = self.home(h);
        loop {
            match self.hashes[slot] {
                0 => return false,
                x if x == h => return true,
                _ => slot = if slot + 1 == self.hashes.len() { 0 } else { slot + 1 },
            }
        }
    }

    fn grow(&mut self) {
        let old = std::mem::replace(self, IdSet::with_capacity(self.len.max(8) * 2));
        for (h, o) in old.hashes.into_iter().zip(old.owners) {
            if h != 0 {
                let _ = self.claim(h, o);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_values_are_fixed_by_the_format() {
        // Written into partial-aggregates files: these values must never change.
        assert_eq!(id_hash(b""), 0);
        assert_eq!(format!("{:016x}", id_hash(b"A1")), "f1ee6e8c033cdfa8");
        assert_eq!(format!("{:016x}", id_hash(b"LYG2021020100001")), "c369fcb8387052e4");
        assert_eq!(format!("{:016x}", id_hash("工单-1".as_bytes())), "dd0b2af6f3c51b51");
    }

    #[test]
    fn similar_numbers_do_not_collide() {
        let mut set = IdSet::with_capacity(4);
        for i in 0..200_000u32 {
            let id = format!("LYG20210201{i:06}");
            assert_eq!(set.claim(id_hash(id.as_bytes()), i), Ok(()), "{id}");
        }
        assert_eq!(set.len(), 200_000);
        assert_eq!(set.claim(id_hash(b"LYG20210201000007"), 9), Err(7));
        // Grown from room for 4: every claim kept.
        assert!((0..200_000u32).all(|i| set.contains(id_hash(format!("LYG20210201{i:06}").as_bytes()))));
        assert!(!set.contains(id_hash(b"LYG20210201999999")));
    }

    #[test]
    fn the_table_wraps_around_its_end() {
        // Hashes whose home is the last slot: the next ones probe from slot 0.
        let mut set = IdSet::with_capacity(8);
        let last = u64::MAX - 1;
        for (i, h) in [last, last - 1, last - 2, 5].into_iter().enumerate() {
            assert_eq!(set.claim(h, i as u32), Ok(()));
        }
        assert_eq!(set.claim(last - 1, 9), Err(1));
        assert!(set.contains(5) && !set.contains(6));
    }
}
