//! The cells as bytes: how the worker hands the page what it counts every period from.
//!
//! An internal form between two halves of one build, not a file format (the partial-aggregates
//! file is that, [`crate::partial`]): the names, then the dense month tables as LEB128 varints
//! with runs of zeros collapsed. A month of a city's tickets takes a few hundred kilobytes and
//! reads in about a millisecond, where the same cells as partial JSON took tens of milliseconds
//! on the page. Bytes that do not read are an error, never a panic or a huge allocation.
//!
//! ```
//! use hotline_engine::count::aggregate::Cells;
//! use hotline_engine::tickets::deadlines::DeadlinePlan;
//! use hotline_engine::{ingest_bytes, IngestOptions};
//! let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
//!            A1,2021-02-01 09:00,微信,投诉,转办,海州区,2021-02-01 10:00,2021-02-08,2021-02-05 12:00\n";
//! let done = ingest_bytes(csv.as_bytes(), IngestOptions::default()).unwrap();
//! let cells = Cells::build(&done.store, &DeadlinePlan::default());
//! let (names, back) = Cells::from_bytes(&cells.to_bytes(&done.store)).unwrap();
//! assert_eq!(back, cells);
//! assert_eq!(names.units.get(0), "海州区");
//! ```

use super::{Accepted, Cells, Fragments, MonthIndex, MAX_DENSE_MONTHS};
use crate::count::indicators::Tally;
use crate::error::{CellsError, CellsErrorKind, CellsErrorKind as K};
use crate::tickets::deadlines::DeadlineErrors;
use crate::tickets::store::{NameId, Names, TicketStore, NO_NAME};

const MAGIC: &[u8; 4] = b"HLC1";

impl Cells {
    /// The cells and the names they use (`store`'s name tables) as bytes.
    pub fn to_bytes(&self, store: &TicketStore) -> Vec<u8> {
        let mut w = Writer(MAGIC.to_vec());
        for names in [&store.units, &store.channels, &store.kinds, &store.categories] {
            w.u64(names.len() as u64);
            names.iter().for_each(|(_, n)| w.str(n));
        }
        w.u64(u64::from(store.has_callback_time));
        w.u64(self.index.months.len() as u64);
        self.index.months.iter().for_each(|m| w.i64(i64::from(*m)));
        w.u64(self.cells.len() as u64);
        for ((unit, parent), sides) in &self.cells {
            w.name(*unit);
            w.name(*parent);
            for f in sides {
                w.u64(u64::from(!f.one.is_empty()));
                if !f.one.is_empty() {
                    let one: Vec<u64> = f.one.iter().flat_map(|t| t.to_array()).collect();
                    w.table(&one);
                    w.table(&f.carry);
                    w.table(&f.due_closed);
                }
            }
        }
        for tables in [&self.channels, &self.kinds] {
            w.u64(tables.len() as u64);
            for a in tables {
                w.u64(u64::from(!a.0.is_empty()));
                if !a.0.is_empty() {
                    w.table(&a.0);
                }
            }
        }
        let mut topics: Vec<_> = self.channel_categories.iter().collect();
        topics.sort_by_key(|(k, _)| **k);
        w.u64(topics.len() as u64);
        for ((channel, category), a) in topics {
            w.name(*channel);
            w.name(*category);
            w.table(&a.0);
        }
        w.u64(self.deadline_errors.count);
        w.u64(self.deadline_errors.examples.len() as u64);
        self.deadline_errors.examples.iter().for_each(|e| w.str(e));
        w.0
    }

    /// The cells of [`Cells::to_bytes`], with a ticket store that holds only the names.
    pub fn from_bytes(bytes: &[u8]) -> Result<(TicketStore, Cells), CellsError> {
        let mut r = Reader { b: bytes, at: 0, total: 0 };
        if r.take(MAGIC.len()).ok() != Some(MAGIC) {
            return Err(CellsError { kind: K::NotCells, at: 0 });
        }
        let mut store = TicketStore::default();
        for names in [&mut store.units, &mut store.channels, &mut store.kinds, &mut store.categories] {
            let count = r.len()?;
            for i in 0..count {
                let at = r.at;
                let name = r.str()?;
                if names.intern(name) as usize != i {
                    return Err(CellsError { kind: K::DuplicateName { name: name.to_string() }, at });
                }
            }
        }
        store.has_callback_time = r.u64()? != 0;
        let at = r.at;
        let months = (0..r.len()?).map(|_| r.month()).collect::<Result<Vec<_>, _>>()?;
        if months.len() > MAX_DENSE_MONTHS || !months.is_sorted_by(|a, b| a < b) {
            return Err(CellsError { kind: K::BadMonthTable, at });
        }
        let index = MonthIndex::from_months(months);
        let n = index.len();
        let mut c = Cells { index, ..Default::default() };
        for _ in 0..r.len()? {
            let key = (r.name(&store.units)?, r.name(&store.units)?);
            let mut sides = [Fragments::default(), Fragments::default()];
            for f in &mut sides {
                if r.flag()? {
                    let one = r.table(6 * n * Tally::FIELDS)?;
                    f.one = one
                        .as_chunks::<{ Tally::FIELDS }>()
                        .0
                        .iter()
                        .map(|c| Tally::from_array(*c))
                        .collect();
                    f.carry = r.table(n * n)?;
                    f.due_closed = r.table(n * n)?;
                }
            }
            c.cells.push((key, sides));
        }
        for (tables, names) in [(&mut c.channels, &store.channels), (&mut c.kinds, &store.kinds)] {
            let at = r.at;
            let count = r.len()?;
            if count > names.len() {
                return Err(CellsError { kind: K::NamesMismatch, at });
            }
            for _ in 0..count {
                tables.push(Accepted(if r.flag()? { r.table(n * n)? } else { Vec::new() }));
            }
        }
        for _ in 0..r.len()? {
            let at = r.at;
            let key = (r.name(&store.channels)?, r.name(&store.categories)?);
            let table = Accepted(r.table(n * n)?);
            if c.channel_categories.insert(key, table).is_some() {
                return Err(CellsError { kind: K::DuplicateTopic, at });
            }
        }
        let count = r.u64()?;
        let examples = (0..r.len()?).map(|_| r.str().map(str::to_string)).collect::<Result<_, _>>()?;
        c.deadline_errors = DeadlineErrors { count, examples };
        if r.at != bytes.len() {
            return Err(CellsError { kind: K::TrailingBytes { count: bytes.len() - r.at }, at: r.at });
        }
        Ok((store, c))
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u64(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn i64(&mut self, v: i64) {
        self.u64(((v << 1) ^ (v >> 63)) as u64);
    }
    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn name(&mut self, id: NameId) {
        self.u64(if id == NO_NAME { 0 } else { u64::from(id) + 1 });
    }
    /// The values, each run of zeros written as 0 and its length: most counters of most months
    /// of most cells are zero.
    fn table(&mut self, values: &[u64]) {
        let mut zeros = 0u64;
        for &v in values {
            if v == 0 {
                zeros += 1;
                continue;
            }
            if zeros > 0 {
                self.u64(0);
                self.u64(zeros);
                zeros = 0;
            }
            self.u64(v);
        }
        if zeros > 0 {
            self.u64(0);
            self.u64(zeros);
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    /// Every count read so far, summed: kept at most `MAX_COUNT`, so that no sum of counts
    /// (a city, a period, a group) can wrap (found by fuzzing: a u64 addition overflowed).
    total: u64,
}

impl<'a> Reader<'a> {
    fn fail<T>(&self, kind: CellsErrorKind, at: usize) -> Result<T, CellsError> {
        Err(CellsError { kind, at })
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], CellsError> {
        let Some(out) = self.at.checked_add(n).and_then(|end| self.b.get(self.at..end)) else {
            return self.fail(K::Truncated, self.at);
        };
        self.at += n;
        Ok(out)
    }
    fn byte(&mut self) -> Result<u8, CellsError> {
        let Some(&byte) = self.b.get(self.at) else {
            return self.fail(K::Truncated, self.at);
        };
        self.at += 1;
        Ok(byte)
    }
    fn u64(&mut self) -> Result<u64, CellsError> {
        let at = self.at;
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(v);
            }
        }
        self.fail(K::NumberTooLong, at)
    }
    fn flag(&mut self) -> Result<bool, CellsError> {
        let at = self.at;
        match self.u64()? {
            0 => Ok(false),
            1 => Ok(true),
            value => self.fail(K::BadFlag { value }, at),
        }
    }
    /// A count of things still to read: each takes at least a byte, so a count beyond the bytes
    /// left is damage, refused before anything is allocated for it.
    fn len(&mut self) -> Result<usize, CellsError> {
        let at = self.at;
        let n = self.u64()?;
        match usize::try_from(n).ok().filter(|n| *n <= self.b.len() - self.at) {
            Some(n) => Ok(n),
            None => self.fail(K::BadLength { value: n }, at),
        }
    }
    fn month(&mut self) -> Result<i32, CellsError> {
        let at = self.at;
        let z = self.u64()?;
        let v = ((z >> 1) as i64) ^ -((z & 1) as i64);
        i32::try_from(v).or_else(|_| self.fail(K::BadMonth { value: z }, at))
    }
    fn str(&mut self) -> Result<&'a str, CellsError> {
        let n = self.len()?;
        let at = self.at;
        std::str::from_utf8(self.take(n)?).or_else(|_| self.fail(K::NameNotUtf8, at))
    }
    fn name(&mut self, names: &Names) -> Result<NameId, CellsError> {
        let at = self.at;
        match self.u64()? {
            0 => Ok(NO_NAME),
            v if v <= names.len() as u64 => Ok((v - 1) as NameId),
            value => self.fail(K::BadNameId { value }, at),
        }
    }
    /// `n` values of [`Writer::table`].
    fn table(&mut self, n: usize) -> Result<Vec<u64>, CellsError> {
        let mut v = Vec::with_capacity(n);
        while v.len() < n {
            let at = self.at;
            match self.u64()? {
                0 => {
                    let run = self.u64()?;
                    if run == 0 || run > (n - v.len()) as u64 {
                        return self.fail(K::BadTable, at);
                    }
                    v.resize(v.len() + run as usize, 0);
                }
                x => {
                    self.total = self.total.saturating_add(x);
                    if self.total > crate::count::tally::MAX_COUNT {
                        return self.fail(K::CountsTooLarge { limit: crate::count::tally::MAX_COUNT }, at);
                    }
                    v.push(x)
                }
            }
        }
        Ok(v)
    }
}
