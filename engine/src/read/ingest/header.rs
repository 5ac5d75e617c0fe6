//! The header row: which canonical column each field feeds (`Layout`), checked before any row
//! is read; also answered on a file's first bytes alone (`check_header`, `peek_headers`).

use super::*;

/// Header state once the first record has been read.
pub(super) struct Layout {
    pub(super) headers: Vec<String>,
    /// Field position of each canonical column.
    pub(super) pos: [Option<usize>; Column::ALL.len()],
    /// Datetime columns present, in file order.
    pub(super) datetimes: Vec<(usize, Column)>,
    /// Coded columns present, in file order.
    pub(super) coded: Vec<(usize, Column)>,
    /// Always-required columns, in file order.
    pub(super) required: Vec<(usize, Column)>,
    /// Required-if-转办 columns, in file order.
    pub(super) required_transferred: Vec<(usize, Column)>,
    /// How many fields a row has.
    pub(super) width: usize,
    /// What the fast row reader does with each field it reads, in file order.
    pub(super) fast_fields: Vec<FastField>,
    /// Whether rows may take the fast path at all (standard datetime forms only).
    pub(super) fast: bool,
}

/// The header's columns by `mapping` (`None`: canonical headers), or the [`FileError::Header`]
/// that stops the file, which carries the headers for the mapping step.
pub(super) fn resolve_header(headers: Vec<String>, mapping: Option<&Mapping>) -> Result<Resolved, FileError> {
    let resolved = match mapping {
        Some(m) => m.resolve(&headers),
        None => Mapping::resolve_canonical(&headers),
    };
    if resolved.is_usable() {
        Ok(resolved)
    } else {
        Err(FileError::Header { headers, missing: resolved.missing, duplicated: resolved.duplicated })
    }
}

/// A file's first bytes as the ingest reads them: without the byte-order mark, a CR-only file's
/// line ends made line feeds (its header row ends at its first CR), and the encoding decided.
fn prepared(head: &[u8]) -> Result<(std::borrow::Cow<'_, [u8]>, TextEncoding), FileError> {
    let (skip, bom) = encoding::strip_bom(head).map_err(|m| FileError::Encoding(m.into()))?;
    let mut head = std::borrow::Cow::Borrowed(head.get(skip..).unwrap_or_default());
    if LineEnds::of(&head, true) == Some(LineEnds::CrOnly) {
        LineEnds::normalise(head.to_mut());
    }
    let enc = bom.unwrap_or_else(|| match head.iter().position(|b| *b >= 0x80) {
        Some(first) => encoding::decide(head.get(first..).unwrap_or_default()),
        None => TextEncoding::Utf8,
    });
    Ok((head, enc))
}

/// Reads only the header row of a file's first bytes (for the mapping step). `head` must hold
/// the whole header row, or be the whole file.
pub fn peek_headers(head: &[u8]) -> Result<Vec<String>, FileError> {
    let (head, enc) = prepared(head)?;
    let head = &head[..];
    let end = find_record_end(head, true).ok_or(FileError::Empty)?;
    let rec = head.get(..end.content).unwrap_or_default();
    let mut f = Fields::default();
    f.split(rec, end.quoted);
    let mut lossy = false;
    Ok((0..f.len()).map(|i| encoding::decode(enc, trim(f.get(rec, i)), &mut lossy).into_owned()).collect())
}

/// The first `n` rows after the header of a file's first bytes, each as its decoded fields
/// (for the mapping step's sample values; a row cut off at the end of `head` is left out, a
/// row that cannot be read stops the list). The encoding is decided as [`peek_headers`] does.
///
/// ```
/// use hotline_engine::read::ingest::peek_rows;
/// let head = "编号,时间\nA1,2021-03-01\nA2,\"2021-03-02\"\nA3,2021";
/// assert_eq!(peek_rows(head.as_bytes(), 5), vec![vec!["A1", "2021-03-01"], vec!["A2", "2021-03-02"]]);
/// ```
pub fn peek_rows(head: &[u8], n: usize) -> Vec<Vec<String>> {
    let Ok((head, enc)) = prepared(head) else { return Vec::new() };
    let head = &head[..];
    let Some(header) = find_record_end(head, false) else { return Vec::new() };
    let mut rest = head.get(header.consumed..).unwrap_or_default();
    let (mut rows, mut f, mut lossy) = (Vec::new(), Fields::default(), false);
    while rows.len() < n {
        let Some(end) = find_record_end(rest, false).filter(|e| e.defect.is_none()) else { break };
        let rec = rest.get(..end.content).unwrap_or_default();
        f.split(rec, end.quoted);
        rows.push(
            (0..f.len())
                .map(|i| encoding::decode(enc, trim(f.get(rec, i)), &mut lossy).into_owned())
                .collect(),
        );
        rest = rest.get(end.consumed..).unwrap_or_default();
    }
    rows
}

/// The error that stops the file at its header row, checked on its first bytes before reading
/// the rest: the same [`FileError`] the ingest would give at its first row (a worker answers a
/// file in another layout at once, before starting a second reader on it). `None` when the
/// header is usable, or when `head` (not the whole file: `whole == false`) ends inside the
/// header row, which the ingest then checks itself.
///
/// ```
/// use hotline_engine::{check_header, FileError};
/// assert_eq!(check_header("工单编号,受理时间\n".as_bytes(), None, false).map(|e| matches!(e, FileError::Header { .. })), Some(true));
/// ```
pub fn check_header(head: &[u8], mapping: Option<&Mapping>, whole: bool) -> Option<FileError> {
    if !whole && find_record_end(head, false).is_none() && LineEnds::of(head, false) != Some(LineEnds::CrOnly)
    {
        return None;
    }
    match peek_headers(head) {
        Ok(headers) => resolve_header(headers, mapping).err(),
        Err(e) => Some(e),
    }
}

impl Ingest {
    pub(super) fn read_header(&mut self, rec: &[u8], quoted: bool) -> Result<(), FileError> {
        self.fields.split(rec, quoted);
        let enc = self.enc();
        let mut lossy = false;
        let headers: Vec<String> = (0..self.fields.len())
            .map(|i| encoding::decode(enc, trim(self.fields.get(rec, i)), &mut lossy).into_owned())
            .collect();
        let resolved = resolve_header(headers.clone(), self.options.mapping.as_ref())?;
        let mut pos = [None; Column::ALL.len()];
        let (mut datetimes, mut coded, mut required, mut required_transferred) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (i, c) in resolved.positions.iter().enumerate() {
            let Some(c) = *c else { continue };
            if let Some(p) = pos.get_mut(c as usize) {
                *p = Some(i);
            }
            if c.is_datetime() {
                datetimes.push((i, c));
            }
            if matches!(
                c,
                Column::Handling
                    | Column::FromProvince
                    | Column::Urgent
                    | Column::Callback
                    | Column::Audit
                    | Column::Returned
            ) {
                coded.push((i, c));
            }
            match c.required() {
                Required::Always => required.push((i, c)),
                Required::IfTransferred => required_transferred.push((i, c)),
                Required::No => {}
            }
        }
        self.out.store.has_callback_time = pos.get(Column::CallbackAt as usize).copied().flatten().is_some();
        self.out.summary.extra_columns = resolved.extra;
        self.out.summary.headers = headers.clone();
        let width = resolved.positions.len();
        let fast_fields = resolved
            .positions
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| FastField { field: i, op: FastOp::of(c), required: c.required() }))
            .collect();
        let fast = self.date_format == DateFormat::Standard && !self.options.general_reader_only;
        self.layout = Some(Layout {
            headers,
            pos,
            datetimes,
            coded,
            required,
            required_transferred,
            width,
            fast_fields,
            fast,
        });
        Ok(())
    }
}
