//! The strict CSV scanner behind every CSV file nabla reads (`train`, `predict`, `eval`,
//! `regress`): the header, then records of exactly as many fields as the header has.
//!
//! The grammar is RFC 4180's with the usual line endings: fields are separated by `,`; records
//! end at `\n`, `\r\n` or a lone `\r`; blank lines are skipped; a UTF-8 byte-order mark at the
//! start is ignored. A field that starts with `"` is quoted: it may hold commas and line breaks,
//! writes a quote as `""`, and must be closed by a `"` followed by a `,`, the end of the line or
//! the end of the file. Anything else with a quote in it is an error rather than a guess: a quote
//! never closed (which would swallow the rest of the file into one field), text after a closing
//! quote, a quote inside an unquoted field. Every record must be UTF-8 and have as many fields as
//! the header, whose names must be present and distinct.
//!
//! Lines are counted as an editor counts them, from 1 with the header's line; a record is named
//! by the line it starts on, rows by their place among the data records (from 1).
//!
//! The body is cut into chunks of about [`CHUNK_BYTES`] at line breaks outside quoted fields (the
//! parity of the quotes before a point says whether it is inside one) and the chunks are scanned
//! on all cores (one at a time on wasm32). The cuts do not depend on the number of threads, and
//! the error reported is the first one in the file, so the result is the same on every machine.
//!
//! ```
//! use nabla_nn::data::cell::{parse_number, trim};
//! use nabla_nn::data::csv_text::CsvText;
//! let text = CsvText::new("t.csv", b"x,y\n1,2\n\"3\",4\n").unwrap();
//! assert_eq!(text.header(), &["x", "y"]);
//! let parts = text
//!     .scan(Vec::new, |sums: &mut Vec<f64>, record| {
//!         sums.push(parse_number(trim(record.field(0))).unwrap());
//!         Ok::<(), ()>(())
//!     })
//!     .unwrap();
//! assert_eq!(parts.concat(), [1.0, 3.0]);
//! ```

use std::collections::HashSet;

use crate::{Error, Result};

/// The size the body is cut into for scanning in parallel (cuts fall at the next line break).
pub const CHUNK_BYTES: usize = 1 << 22;

/// A CSV file's bytes with its header read and checked.
#[derive(Debug)]
pub struct CsvText<'a> {
    source: &'a str,
    bytes: &'a [u8],
    header: Vec<String>,
    header_line: u64,
    body_start: usize,
    body_line: u64,
}

/// A wrong record layout, at a field (counted from 0) where one is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A record with a different number of fields than the header.
    Ragged {
        /// The fields the record has.
        fields: usize,
        /// The fields the header has.
        expected: usize,
    },
    /// A quoted field whose closing quote never comes.
    UnclosedQuote {
        /// The field.
        field: usize,
    },
    /// Text between a closing quote and the next `,` or line break.
    TextAfterQuote {
        /// The field.
        field: usize,
    },
    /// A quote inside a field that does not start with one.
    StrayQuote {
        /// The field.
        field: usize,
    },
    /// A field that is not UTF-8.
    NotUtf8 {
        /// The field.
        field: usize,
    },
}

impl Layout {
    /// The field the problem is in, when it is in one.
    pub fn field(&self) -> Option<usize> {
        match *self {
            Layout::Ragged { .. } => None,
            Layout::UnclosedQuote { field }
            | Layout::TextAfterQuote { field }
            | Layout::StrayQuote { field }
            | Layout::NotUtf8 { field } => Some(field),
        }
    }

    /// What is wrong, as an error message says it.
    pub fn reason(&self) -> String {
        match *self {
            Layout::Ragged { fields, expected } => {
                format!("{fields} fields, but the header has {expected}")
            }
            Layout::UnclosedQuote { .. } => "the quote that opens this field is never closed \
                 (it would take in the rest of the file)"
                .to_string(),
            Layout::TextAfterQuote { .. } => "text after the closing quote of a quoted field \
                 (write a quote inside a quoted field as \"\")"
                .to_string(),
            Layout::StrayQuote { .. } => "a quote inside an unquoted field (quote the whole \
                 field and write the quote as \"\")"
                .to_string(),
            Layout::NotUtf8 { .. } => "the text is not valid UTF-8".to_string(),
        }
    }
}

/// What went wrong in a record: its layout, or what the caller's visitor refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem<E> {
    /// The record does not parse as the header says.
    Layout(Layout),
    /// The visitor's error.
    Visit(E),
}

/// The first bad record of a file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError<E> {
    /// The record's place among the data records, from 1.
    pub row: u64,
    /// The line the record starts on; for a quote problem, the line of that quote.
    pub line: u64,
    /// What is wrong.
    pub problem: Problem<E>,
}

/// One data record: its line and its fields (unquoted, not trimmed).
#[derive(Debug)]
pub struct Record<'s> {
    line: u64,
    bytes: &'s [u8],
    scratch: &'s [u8],
    spans: &'s [Span],
}

impl Record<'_> {
    /// The line the record starts on.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The number of fields (always the header's).
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the record has no fields (never: a record has the header's fields).
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Field `j` without its quotes, `""` read as `"`.
    ///
    /// # Panics
    /// When `j` is not below [`Record::len`].
    pub fn field(&self, j: usize) -> &[u8] {
        let s = self.spans[j];
        if s.unescaped {
            &self.scratch[s.start..s.end]
        } else {
            &self.bytes[s.start..s.end]
        }
    }

    /// Field `j` as text (every field of a record handed to a visitor is UTF-8).
    ///
    /// # Panics
    /// When `j` is not below [`Record::len`].
    pub fn text(&self, j: usize) -> &str {
        std::str::from_utf8(self.field(j)).unwrap_or_default()
    }
}

impl<'a> CsvText<'a> {
    /// Reads and checks the header of `bytes`; `source` names the file in errors.
    ///
    /// # Errors
    /// - [`Error::CsvFormat`] naming the line: no header, a header column without a name, a
    ///   quote problem or text that is not UTF-8 in the header;
    /// - [`Error::DuplicateColumn`]: a name that appears twice.
    pub fn new(source: &'a str, bytes: &'a [u8]) -> Result<CsvText<'a>> {
        let format = |line, reason: String| Error::CsvFormat {
            path: source.to_string(),
            line,
            reason,
        };
        let start = if bytes.starts_with(b"\xef\xbb\xbf") {
            3
        } else {
            0
        };
        let mut scanner = Scanner::new(bytes, start, bytes.len(), 1);
        let header_line = match scanner.next_record() {
            Ok(Some(line)) => line,
            Ok(None) => {
                return Err(format(
                    1,
                    "no header row; the first line must name the columns".to_string(),
                ))
            }
            Err((line, layout)) => {
                let field = layout.field().map_or(1, |j| j + 1);
                return Err(format(
                    line,
                    format!("header field {field}: {}", layout.reason()),
                ));
            }
        };
        let record = scanner.record(header_line);
        let mut header = Vec::with_capacity(record.len());
        for j in 0..record.len() {
            let field = record.field(j);
            let Ok(name) = std::str::from_utf8(field) else {
                return Err(format(
                    header_line,
                    format!("field {} is not valid UTF-8", j + 1),
                ));
            };
            header.push(name.trim().to_string());
        }
        if header.len() == 1 && header[0].is_empty() {
            return Err(format(
                header_line,
                "no header row; the first line must name the columns".to_string(),
            ));
        }
        if let Some(j) = header.iter().position(String::is_empty) {
            return Err(format(
                header_line,
                format!("header column {} has no name", j + 1),
            ));
        }
        let mut seen = HashSet::with_capacity(header.len());
        if let Some(name) = header.iter().find(|name| !seen.insert(name.as_str())) {
            return Err(Error::DuplicateColumn {
                source_name: source.to_string(),
                column: name.clone(),
            });
        }
        Ok(CsvText {
            source,
            bytes,
            header,
            header_line,
            body_start: scanner.pos,
            body_line: scanner.line,
        })
    }

    /// The file's name, as given.
    pub fn source(&self) -> &str {
        self.source
    }

    /// The column names (trimmed), in file order.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The line the header is on.
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// Calls `visit` on every data record, in file order within each chunk; each chunk starts
    /// from `init()` and the chunks' states come back in file order.
    ///
    /// # Errors
    /// The first bad record of the file: a [`Layout`] problem, or the first error `visit`
    /// returned.
    pub fn scan<S, E, I, V>(&self, init: I, visit: V) -> std::result::Result<Vec<S>, RecordError<E>>
    where
        S: Send,
        E: Send,
        I: Fn() -> S + Sync,
        V: Fn(&mut S, &Record<'_>) -> std::result::Result<(), E> + Sync,
    {
        self.scan_in_chunks(CHUNK_BYTES, init, visit)
    }

    /// [`CsvText::scan`] with the body cut about every `chunk_bytes`.
    fn scan_in_chunks<S, E, I, V>(
        &self,
        chunk_bytes: usize,
        init: I,
        visit: V,
    ) -> std::result::Result<Vec<S>, RecordError<E>>
    where
        S: Send,
        E: Send,
        I: Fn() -> S + Sync,
        V: Fn(&mut S, &Record<'_>) -> std::result::Result<(), E> + Sync,
    {
        let cuts = self.chunk_cuts(chunk_bytes);
        let ranges: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
        // Each chunk's first line: the header's next line plus the line breaks before it.
        let breaks = par_map(&ranges[..ranges.len() - 1], |&(a, b)| {
            line_breaks(&self.bytes[a..b])
        });
        let mut chunks = Vec::with_capacity(ranges.len());
        let mut line = self.body_line;
        for (k, &(a, b)) in ranges.iter().enumerate() {
            chunks.push((a, b, line));
            line += breaks.get(k).copied().unwrap_or(0);
        }
        let outs = par_map(&chunks, |&(a, b, line)| {
            self.scan_chunk(a, b, line, &init, &visit)
        });
        let mut rows = 0;
        let mut states = Vec::with_capacity(outs.len());
        for out in outs {
            if let Some(mut e) = out.error {
                e.row += rows;
                return Err(e);
            }
            rows += out.rows;
            states.push(out.state);
        }
        Ok(states)
    }

    /// Turns a layout error into nabla's error naming the line and the column (its header name
    /// where it is one of the header's fields). Text that is not UTF-8 is a cell error
    /// ([`Error::Csv`]); the rest are [`Error::CsvFormat`].
    pub fn layout_error(&self, line: u64, layout: Layout) -> Error {
        let column = layout.field().and_then(|j| self.header.get(j));
        match (layout, column) {
            (Layout::NotUtf8 { .. }, Some(column)) => Error::Csv {
                path: self.source.to_string(),
                row: line,
                column: column.clone(),
                reason: layout.reason(),
            },
            _ => Error::CsvFormat {
                path: self.source.to_string(),
                line,
                reason: match (column, layout.field()) {
                    (Some(column), _) => format!("column \"{column}\": {}", layout.reason()),
                    (None, Some(j)) => format!("field {}: {}", j + 1, layout.reason()),
                    (None, None) => layout.reason(),
                },
            },
        }
    }

    /// Scans `bytes[a..b]`, whose first record starts on `line`.
    fn scan_chunk<S, E, I, V>(
        &self,
        a: usize,
        b: usize,
        line: u64,
        init: &I,
        visit: &V,
    ) -> Chunk<S, E>
    where
        I: Fn() -> S,
        V: Fn(&mut S, &Record<'_>) -> std::result::Result<(), E>,
    {
        let mut state = init();
        let mut scanner = Scanner::new(self.bytes, a, b, line);
        let valid_to = |from: usize| {
            std::str::from_utf8(&self.bytes[from..b])
                .err()
                .map(|e| from + e.valid_up_to())
        };
        let mut bad_utf8 = valid_to(a);
        let n = self.header.len();
        let mut rows = 0;
        let fail = |rows: u64, line: u64, problem: Problem<E>| RecordError {
            row: rows,
            line,
            problem,
        };
        let error = loop {
            let line = match scanner.next_record() {
                Ok(Some(line)) => line,
                Ok(None) => break None,
                Err((line, layout)) => break Some(fail(rows + 1, line, Problem::Layout(layout))),
            };
            rows += 1;
            if scanner.spans.len() != n {
                let layout = Layout::Ragged {
                    fields: scanner.spans.len(),
                    expected: n,
                };
                break Some(fail(rows, line, Problem::Layout(layout)));
            }
            let record = scanner.record(line);
            if bad_utf8.is_some_and(|bad| bad < scanner.pos) {
                let not_utf8 = (0..n).find(|&j| std::str::from_utf8(record.field(j)).is_err());
                if let Some(field) = not_utf8 {
                    break Some(fail(rows, line, Problem::Layout(Layout::NotUtf8 { field })));
                }
                bad_utf8 = valid_to(scanner.pos);
            }
            if let Err(e) = visit(&mut state, &record) {
                break Some(fail(rows, line, Problem::Visit(e)));
            }
        };
        Chunk { state, rows, error }
    }

    /// Where the body is cut into chunks: its start, cuts after line breaks outside quoted
    /// fields about every `chunk_bytes`, and its end.
    fn chunk_cuts(&self, chunk_bytes: usize) -> Vec<usize> {
        let (start, len) = (self.body_start, self.bytes.len());
        let targets: Vec<usize> = (1..)
            .map_while(|k: usize| k.checked_mul(chunk_bytes)?.checked_add(start))
            .take_while(|&t| t < len)
            .collect();
        let mut cuts = vec![start];
        if !targets.is_empty() {
            let blocks: Vec<(usize, usize)> = std::iter::once(start)
                .chain(targets.iter().copied())
                .zip(targets.iter().copied())
                .collect();
            let quotes = par_map(&blocks, |&(a, b)| {
                self.bytes[a..b].iter().filter(|&&x| x == b'"').count()
            });
            // The body starts outside quotes (the header parsed), so odd parity is inside one.
            let mut in_quote = false;
            for (&t, count) in targets.iter().zip(quotes) {
                in_quote ^= count % 2 == 1;
                if cuts.last().is_some_and(|&last| t < last) {
                    continue;
                }
                match next_cut(self.bytes, t, in_quote) {
                    Some(cut) if cut < len => cuts.push(cut),
                    _ => break,
                }
            }
        }
        cuts.push(len);
        cuts
    }
}

/// The position just after the first line break at or after `from` that is outside quotes,
/// `in_quote` telling whether `from` is inside a quoted field.
fn next_cut(bytes: &[u8], from: usize, mut in_quote: bool) -> Option<usize> {
    for p in from..bytes.len() {
        match bytes[p] {
            b'"' => in_quote = !in_quote,
            b'\n' if !in_quote => return Some(p + 1),
            b'\r' if !in_quote => {
                return Some(if bytes.get(p + 1) == Some(&b'\n') {
                    p + 2
                } else {
                    p + 1
                })
            }
            _ => {}
        }
    }
    None
}

/// What scanning one chunk gives: the visitor's state, the rows read, and the first error
/// (its row counted within the chunk).
struct Chunk<S, E> {
    state: S,
    rows: u64,
    error: Option<RecordError<E>>,
}

/// Maps `f` over `items` on all cores.
#[cfg(not(target_arch = "wasm32"))]
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// Maps `f` over `items` (the browser build has one thread).
#[cfg(target_arch = "wasm32")]
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    items.iter().map(f).collect()
}

/// Where a field's bytes are: the file, or (when it had `""` in it) the record's scratch buffer.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    unescaped: bool,
}

/// Bytes that end an unquoted field or are not allowed in one.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

/// Reads records from `bytes[..end]`, keeping the line count.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    end: usize,
    line: u64,
    spans: Vec<Span>,
    scratch: Vec<u8>,
}

/// A layout error inside the scanner, at a line.
type ScanFailure = (u64, Layout);

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8], pos: usize, end: usize, line: u64) -> Scanner<'a> {
        Scanner {
            bytes,
            pos,
            end,
            line,
            spans: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The record just read, starting on `line`.
    fn record(&self, line: u64) -> Record<'_> {
        Record {
            line,
            bytes: self.bytes,
            scratch: &self.scratch,
            spans: &self.spans,
        }
    }

    /// Consumes the line break at `pos` (one of `\n`, `\r\n`, `\r`).
    fn line_break(&mut self) {
        if self.bytes[self.pos] == b'\r' && self.bytes.get(self.pos + 1) == Some(&b'\n') {
            self.pos += 1;
        }
        self.pos += 1;
        self.line += 1;
    }

    /// Reads the next record into `spans`; returns its line, or `None` at the end.
    fn next_record(&mut self) -> std::result::Result<Option<u64>, ScanFailure> {
        while self.pos < self.end && matches!(self.bytes[self.pos], b'\n' | b'\r') {
            self.line_break();
        }
        if self.pos >= self.end {
            return Ok(None);
        }
        let record_line = self.line;
        self.spans.clear();
        self.scratch.clear();
        let bytes = self.bytes;
        loop {
            let field = self.spans.len();
            if bytes[self.pos] == b'"' {
                let open_line = self.line;
                self.pos += 1;
                let span = self.quoted(field, open_line)?;
                self.spans.push(span);
                match bytes.get(self.pos) {
                    _ if self.pos >= self.end => return Ok(Some(record_line)),
                    Some(b',') => self.pos += 1,
                    Some(b'\n' | b'\r') => {
                        self.line_break();
                        return Ok(Some(record_line));
                    }
                    _ => return Err((self.line, Layout::TextAfterQuote { field })),
                }
            } else {
                let start = self.pos;
                let mut p = self.pos;
                while p < self.end && !SPECIAL[usize::from(bytes[p])] {
                    p += 1;
                }
                self.pos = p;
                self.spans.push(Span {
                    start,
                    end: p,
                    unescaped: false,
                });
                if p >= self.end {
                    return Ok(Some(record_line));
                }
                match bytes[p] {
                    b',' => self.pos += 1,
                    b'"' => return Err((self.line, Layout::StrayQuote { field })),
                    _ => {
                        self.line_break();
                        return Ok(Some(record_line));
                    }
                }
            }
            if self.pos >= self.end {
                // A trailing comma at the end of the file: one more, empty field.
                self.spans.push(Span {
                    start: self.pos,
                    end: self.pos,
                    unescaped: false,
                });
                return Ok(Some(record_line));
            }
        }
    }

    /// Reads a quoted field from just after its opening quote to just after its closing one.
    fn quoted(&mut self, field: usize, open_line: u64) -> std::result::Result<Span, ScanFailure> {
        let bytes = self.bytes;
        let start = self.pos;
        // Set at the first `""`: the field is then rebuilt in `scratch` from there on.
        let mut scratch_start = None;
        let mut copied_to = start;
        loop {
            let Some(k) = bytes[self.pos..self.end].iter().position(|&b| b == b'"') else {
                return Err((open_line, Layout::UnclosedQuote { field }));
            };
            let q = self.pos + k;
            self.line += line_breaks(&bytes[self.pos..q]);
            if q + 1 < self.end && bytes[q + 1] == b'"' {
                scratch_start.get_or_insert(self.scratch.len());
                self.scratch.extend_from_slice(&bytes[copied_to..=q]);
                copied_to = q + 2;
                self.pos = q + 2;
                continue;
            }
            self.pos = q + 1;
            return Ok(match scratch_start {
                None => Span {
                    start,
                    end: q,
                    unescaped: false,
                },
                Some(s) => {
                    self.scratch.extend_from_slice(&bytes[copied_to..q]);
                    Span {
                        start: s,
                        end: self.scratch.len(),
                        unescaped: true,
                    }
                }
            });
        }
    }
}

/// The number of line breaks in `b`, as an editor counts them (`\r\n` is one).
fn line_breaks(b: &[u8]) -> u64 {
    let nl = b.iter().filter(|&&x| x == b'\n').count();
    let cr = b.iter().filter(|&&x| x == b'\r').count();
    let crlf = if cr == 0 {
        0
    } else {
        b.windows(2).filter(|w| w == b"\r\n").count()
    };
    (nl + cr - crlf) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every record as (row, line, fields), or the first error, scanning in `chunk_bytes`.
    type Scanned = std::result::Result<Vec<(u64, Vec<Vec<u8>>)>, RecordError<()>>;

    fn records(bytes: &[u8], chunk_bytes: usize) -> Option<Scanned> {
        let text = CsvText::new("t.csv", bytes).ok()?;
        let parts = text.scan_in_chunks(chunk_bytes, Vec::new, |rows: &mut Vec<_>, r| {
            rows.push((
                r.line(),
                (0..r.len()).map(|j| r.field(j).to_vec()).collect(),
            ));
            Ok(())
        });
        Some(parts.map(|parts| parts.concat()))
    }

    proptest! {
        #[test]
        fn chunks_read_exactly_what_one_pass_reads(
            text in proptest::collection::vec(
                prop::sample::select(vec![b'a', b'1', b',', b'"', b'\n', b'\r', b' ', 0xc3]),
                0..120,
            ),
            chunk in 1usize..40,
        ) {
            let mut bytes = b"p,q\n".to_vec();
            bytes.extend_from_slice(&text);
            prop_assert_eq!(records(&bytes, chunk), records(&bytes, usize::MAX));
        }
    }

    #[test]
    fn quoted_fields_unescape_and_keep_their_line_breaks() {
        let got = records(b"p,q\n\"a\"\"b\",\"x\r\ny\"\n\"\"\"\",2\n", 4)
            .unwrap()
            .unwrap();
        assert_eq!(
            got,
            vec![
                (2, vec![b"a\"b".to_vec(), b"x\r\ny".to_vec()]),
                (4, vec![b"\"".to_vec(), b"2".to_vec()]),
            ]
        );
    }

    #[test]
    fn a_quote_never_closed_is_reported_at_its_line_in_any_chunk() {
        let mut text = b"p,q\n".to_vec();
        for i in 0..50 {
            text.extend_from_slice(format!("{i},\"ok\nstill\"\n").as_bytes());
        }
        text.extend_from_slice(b"7,\"open\n8,9\n10,11\n");
        for chunk in [3, 17, 64, usize::MAX] {
            let e = records(&text, chunk).unwrap().unwrap_err();
            assert_eq!((e.row, e.line), (51, 102), "chunk {chunk}");
            assert_eq!(
                e.problem,
                Problem::Layout(Layout::UnclosedQuote { field: 1 })
            );
        }
    }
}
