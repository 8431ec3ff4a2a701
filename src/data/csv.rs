//! CSV reading: text decoding, delimiter and header detection, and the two passes that turn bytes
//! into a typed [`Table`] (pass 1 infers each column's type, pass 2 stores the values compactly).
//!
//! The reader never panics on any input: every way a file can be wrong is a [`DataError`].

use super::error::{DataError, Limits};
use super::table::{fingerprint, Column, ColumnKind, ColumnValues, CsvFormat, Table, MISSING_CODE};
use super::value::{is_missing, parse_bool, parse_date, parse_number};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;

/// How to read a CSV file. `None` fields are detected from the content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CsvOptions {
    /// Field delimiter; detected among `,` `;` tab `|` when absent.
    pub delimiter: Option<char>,
    /// Whether the first row is a header; detected when absent.
    pub header: Option<bool>,
    /// Size limits.
    pub limits: Limits,
}

const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];
const SNIFF_BYTES: usize = 64 << 10;
const SNIFF_ROWS: usize = 50;
/// Share of parseable values above which a column keeps its type and the rest count as missing.
const MOSTLY: f64 = 0.95;
/// Columns need this many values before "mostly numeric/date" applies.
const MOSTLY_MIN: usize = 20;

/// A decoded, sniffed CSV source: the text, its format and column names.
pub(crate) struct Source<'a> {
    text: Cow<'a, [u8]>,
    pub format: CsvFormat,
    pub names: Vec<String>,
    /// Header names that were empty or repeated, with the names they were given.
    pub renamed: Vec<(String, String)>,
    limits: Limits,
}

/// One data row as read: its 1-based data row number and fields.
pub(crate) struct Row {
    pub number: usize,
    pub record: csv::ByteRecord,
}

impl Row {
    /// Field `i` as text.
    pub fn field(&self, i: usize) -> Cow<'_, str> {
        String::from_utf8_lossy(self.record.get(i).unwrap_or_default())
    }
}

impl<'a> Source<'a> {
    /// Checks size and encoding, detects the delimiter and header, and reads the column names.
    pub fn open(bytes: &'a [u8], options: &CsvOptions) -> Result<Source<'a>, DataError> {
        let limits = options.limits;
        if bytes.len() > limits.max_bytes {
            return Err(DataError::TooLarge {
                bytes: bytes.len(),
                limit: limits.max_bytes,
            });
        }
        let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
        let body = if bom { &bytes[3..] } else { bytes };
        if body.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(DataError::Empty);
        }
        if let Some(offset) = binary_offset(body) {
            return Err(DataError::NotText {
                offset: offset + if bom { 3 } else { 0 },
            });
        }
        let (text, encoding): (Cow<[u8]>, &str) = match std::str::from_utf8(body) {
            Ok(_) => (Cow::Borrowed(body), "utf-8"),
            Err(_) => (Cow::Owned(windows_1252(body).into_bytes()), "windows-1252"),
        };
        let delimiter = match options.delimiter {
            Some(d) if d.is_ascii() && d != '"' && d != '\n' && d != '\r' => d as u8,
            Some(d) => {
                return Err(DataError::InvalidOption {
                    option: "delimiter".into(),
                    reason: format!("{d:?} cannot separate CSV fields; use , ; tab or |"),
                })
            }
            None => sniff_delimiter(&text),
        };
        let sample = sample_rows(&text, delimiter);
        let first = sample.first().ok_or(DataError::Empty)?;
        if first.len() > limits.max_columns {
            return Err(DataError::TooManyColumns {
                columns: first.len(),
                limit: limits.max_columns,
            });
        }
        let header = options.header.unwrap_or_else(|| detect_header(&sample));
        let names = if header {
            unique_names(first)
        } else {
            (1..=first.len()).map(|i| format!("column_{i}")).collect()
        };
        let renamed = if header {
            first
                .iter()
                .zip(&names)
                .filter(|(raw, name)| raw.trim() != name.as_str())
                .map(|(raw, name)| (raw.trim().to_string(), name.clone()))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Source {
            text,
            format: CsvFormat {
                delimiter: delimiter as char,
                delimiter_given: options.delimiter.is_some(),
                header,
                decimal_comma: delimiter == b';',
                encoding: encoding.to_string(),
                bom,
                blank_rows: 0,
            },
            names,
            renamed,
            limits,
        })
    }

    /// Visits every data row in order (header and blank rows skipped), checking the field count
    /// and the row and cell limits. Returns the number of blank rows skipped.
    pub fn for_each_row(
        &self,
        mut visit: impl FnMut(&Row) -> Result<(), DataError>,
    ) -> Result<usize, DataError> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(self.format.delimiter as u8)
            .has_headers(false)
            .flexible(true)
            .from_reader(&self.text[..]);
        let expected = self.names.len();
        let mut skip_header = self.format.header;
        let mut blank = 0;
        let mut number = 0;
        let mut record = csv::ByteRecord::new();
        loop {
            let more = reader
                .read_byte_record(&mut record)
                .map_err(|e| DataError::Malformed {
                    line: e.position().map_or(0, |p| p.line()),
                    reason: e.to_string(),
                })?;
            if !more {
                break;
            }
            let line = record.position().map_or(0, |p| p.line());
            if skip_header {
                skip_header = false;
                continue;
            }
            if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                blank += 1;
                continue;
            }
            number += 1;
            if record.len() != expected {
                return Err(DataError::Ragged {
                    row: number,
                    line,
                    found: record.len(),
                    expected,
                });
            }
            if number > self.limits.max_rows {
                return Err(DataError::TooManyRows {
                    limit: self.limits.max_rows,
                });
            }
            if number.saturating_mul(expected) > self.limits.max_cells {
                return Err(DataError::TooManyCells {
                    columns: expected,
                    row: number,
                    limit: self.limits.max_cells,
                });
            }
            let row = Row {
                number,
                record: std::mem::take(&mut record),
            };
            visit(&row)?;
            record = row.record;
        }
        Ok(blank)
    }
}

/// Offset of the first byte that marks binary content (NUL, or control bytes in the first 8 KiB).
fn binary_offset(bytes: &[u8]) -> Option<usize> {
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        return Some(i);
    }
    let head = &bytes[..bytes.len().min(8192)];
    let control = |b: &u8| *b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C);
    let count = head.iter().filter(|b| control(b)).count();
    if count * 20 > head.len() {
        return head.iter().position(control);
    }
    None
}

/// Decodes Windows-1252 (a superset of Latin-1 used by spreadsheet exports).
fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

fn sample_text(text: &[u8]) -> &[u8] {
    if text.len() <= SNIFF_BYTES {
        return text;
    }
    let head = &text[..SNIFF_BYTES];
    match head.iter().rposition(|&b| b == b'\n') {
        Some(i) if i > 0 => &head[..i],
        _ => head,
    }
}

fn read_sample(text: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(sample_text(text));
    let mut rows = Vec::new();
    for record in reader.byte_records() {
        let Ok(record) = record else { break };
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        rows.push(
            record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect(),
        );
        if rows.len() >= SNIFF_ROWS {
            break;
        }
    }
    rows
}

/// Picks the delimiter whose field count is most consistent across the first rows (and then the
/// largest); `,` when no candidate splits the rows.
fn sniff_delimiter(text: &[u8]) -> u8 {
    let mut best = (0.0f64, 1usize, b',');
    for &d in &DELIMITERS {
        let rows = read_sample(text, d);
        if rows.is_empty() {
            continue;
        }
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for r in &rows {
            *counts.entry(r.len()).or_default() += 1;
        }
        let (&width, &agree) = counts
            .iter()
            .max_by_key(|(&w, &n)| (n, w))
            .unwrap_or((&1, &0));
        if width < 2 {
            continue;
        }
        let consistency = agree as f64 / rows.len() as f64;
        if consistency > best.0 + 1e-9 || (consistency > best.0 - 1e-9 && width > best.1) {
            best = (consistency, width, d);
        }
    }
    best.2
}

fn sample_rows(text: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    read_sample(text, delimiter)
}

fn looks_typed(cell: &str) -> bool {
    parse_number(cell, true).is_some()
        || parse_number(cell, false).is_some()
        || parse_date(cell).is_some()
}

/// The first row is a header when none of its cells is a number or date, and either some column
/// below it holds numbers or dates (then cells may be empty or repeated, as in a table written
/// with its row index), or its cells are named, distinct and none reappears below.
fn detect_header(rows: &[Vec<String>]) -> bool {
    let Some(first) = rows.first() else {
        return false;
    };
    if first.iter().any(|c| looks_typed(c)) || first.iter().all(|c| c.trim().is_empty()) {
        return false;
    }
    let mut seen = std::collections::HashSet::new();
    let named = !first.iter().any(|c| is_missing(c));
    let distinct = first.iter().all(|c| seen.insert(c.trim()));
    let rest = &rows[1..];
    if rest.is_empty() {
        return named && distinct;
    }
    let typed_below = (0..first.len()).any(|j| {
        let values: Vec<&String> = rest
            .iter()
            .filter_map(|r| r.get(j))
            .filter(|c| !is_missing(c))
            .collect();
        !values.is_empty() && values.iter().all(|c| looks_typed(c))
    });
    let repeats = (0..first.len()).any(|j| {
        rest.iter()
            .any(|r| r.get(j).is_some_and(|c| c.trim() == first[j].trim()))
    });
    let blank_only = first.iter().all(|c| !is_missing(c) || c.trim().is_empty());
    (typed_below && blank_only) || (named && distinct && !repeats)
}

fn unique_names(first: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(first.len());
    for (i, raw) in first.iter().enumerate() {
        let base = match raw.trim() {
            "" => format!("column_{}", i + 1),
            s => s.to_string(),
        };
        let mut name = base.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        names.push(name);
    }
    names
}

/// Pass-1 counts for one column.
#[derive(Default)]
struct Infer {
    missing: usize,
    numeric: usize,
    boolean: usize,
    date: usize,
    first_odd: Option<(usize, String)>,
}

impl Infer {
    fn see(&mut self, cell: &str, decimal_comma: bool, row: usize) {
        if is_missing(cell) {
            self.missing += 1;
        } else if parse_number(cell, decimal_comma).is_some() {
            self.numeric += 1;
        } else if parse_bool(cell).is_some() {
            self.boolean += 1;
        } else if parse_date(cell).is_some() {
            self.date += 1;
        } else if self.first_odd.is_none() {
            self.first_odd = Some((row, cell.trim().chars().take(40).collect()));
        }
    }
}

/// Storage decided after pass 1.
enum Plan {
    Numbers { boolean: bool },
    Days,
    Text,
}

fn decide(infer: &Infer, rows: usize, name: &str, warnings: &mut Vec<String>) -> Plan {
    let present = rows - infer.missing;
    let mostly = |n: usize| present >= MOSTLY_MIN && n as f64 >= MOSTLY * present as f64;
    let odd = |n: usize, what: &str, warnings: &mut Vec<String>| {
        if let Some((row, value)) = &infer.first_odd {
            warnings.push(format!(
                "column {name:?}: {} values that are not {what} (first at row {row}: {value:?}) are treated as missing",
                present - n
            ));
        }
    };
    if present == 0 || infer.numeric == present {
        Plan::Numbers { boolean: false }
    } else if infer.boolean == present {
        Plan::Numbers { boolean: true }
    } else if infer.date == present {
        Plan::Days
    } else if mostly(infer.numeric) {
        odd(infer.numeric, "numbers", warnings);
        Plan::Numbers { boolean: false }
    } else if mostly(infer.date) {
        odd(infer.date, "dates", warnings);
        Plan::Days
    } else {
        Plan::Text
    }
}

/// Per-column storage filled in pass 2.
enum Store {
    Numbers(Vec<f32>),
    /// Booleans as 0/1 with how often each spelling of false and of true occurs.
    Booleans(Vec<f32>, [HashMap<String, usize>; 2]),
    Days(Vec<f64>),
    Text(Vec<u32>, HashMap<String, u32>),
}

impl Store {
    fn push(&mut self, cell: &str, decimal_comma: bool) {
        match self {
            Store::Numbers(v) => v.push(
                parse_number(cell, decimal_comma)
                    .map(|x| x as f32)
                    .unwrap_or(f32::NAN),
            ),
            Store::Booleans(v, spellings) => v.push(match parse_bool(cell) {
                Some(b) => {
                    let word = cell.trim();
                    let counts = &mut spellings[b as usize];
                    match counts.get_mut(word) {
                        Some(n) => *n += 1,
                        None => {
                            counts.insert(word.to_string(), 1);
                        }
                    }
                    b as u8 as f32
                }
                None => f32::NAN,
            }),
            Store::Days(v) => v.push(parse_date(cell).unwrap_or(f64::NAN)),
            Store::Text(codes, dict) => {
                if is_missing(cell) {
                    codes.push(MISSING_CODE);
                } else {
                    let s = cell.trim();
                    let next = dict.len() as u32;
                    let code = match dict.get(s) {
                        Some(&c) => c,
                        None => {
                            dict.insert(s.to_string(), next);
                            next
                        }
                    };
                    codes.push(code);
                }
            }
        }
    }

    fn finish(self, name: String) -> Column {
        match self {
            Store::Numbers(v) => {
                let mut c = Column::numeric(name, v);
                if looks_like_id(&c) {
                    c.kind = ColumnKind::IdLike;
                }
                c
            }
            Store::Booleans(v, [falses, trues]) => {
                let mut c = Column::new(name, ColumnKind::Boolean, ColumnValues::Numbers(v));
                let (f, t) = (most_frequent(falses, "false"), most_frequent(trues, "true"));
                if (f.as_str(), t.as_str()) != ("false", "true") {
                    c.bool_words = Some([f, t]);
                }
                c
            }
            Store::Days(v) => Column::new(name, ColumnKind::DateTime, ColumnValues::Days(v)),
            Store::Text(codes, dict) => {
                // Sorted levels make the encoding independent of row order.
                let mut levels: Vec<(String, u32)> = dict.into_iter().collect();
                levels.sort_unstable();
                let mut remap = vec![0u32; levels.len()];
                for (new, (_, old)) in levels.iter().enumerate() {
                    remap[*old as usize] = new as u32;
                }
                let codes = codes
                    .into_iter()
                    .map(|c| remap.get(c as usize).copied().unwrap_or(MISSING_CODE))
                    .collect();
                let levels = levels.into_iter().map(|(s, _)| s).collect();
                let mut c = Column::categorical(name, codes, levels);
                c.kind = text_kind(&c);
                c
            }
        }
    }
}

/// The most frequent spelling (ties: the first in byte order), or `default` when there is none.
fn most_frequent(counts: HashMap<String, usize>, default: &str) -> String {
    counts
        .into_iter()
        .max_by(|(a, m), (b, n)| m.cmp(n).then_with(|| b.cmp(a)))
        .map_or_else(|| default.to_string(), |(word, _)| word)
}

fn id_like_name(name: &str) -> bool {
    let lower = name.trim().to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "id" | "index" | "idx" | "key" | "uuid" | "guid" | "row" | "rowid" | "#"
    ) || lower.ends_with("_id")
        || lower.ends_with(" id")
        || lower.ends_with("-id")
        || (name.len() > 2 && (name.ends_with("ID") || name.ends_with("Id")))
}

/// A numeric column is ID-like when its values are distinct integers and it is named like an
/// identifier or counts up one by one.
fn looks_like_id(c: &Column) -> bool {
    let ColumnValues::Numbers(v) = &c.values else {
        return false;
    };
    let present = c.present();
    if present < 10 || c.distinct != present || v.iter().any(|x| !x.is_nan() && x.fract() != 0.0) {
        return false;
    }
    let counting = v.windows(2).all(|w| w[1] - w[0] == 1.0);
    counting || id_like_name(&c.name)
}

/// Categorical, free text or ID-like, from cardinality and value length.
fn text_kind(c: &Column) -> ColumnKind {
    let ColumnValues::Levels { levels, .. } = &c.values else {
        return c.kind;
    };
    let present = c.present();
    if present == 0 {
        return ColumnKind::Categorical;
    }
    let words = levels
        .iter()
        .map(|l| l.split_whitespace().count())
        .sum::<usize>() as f64
        / levels.len().max(1) as f64;
    let unique_share = c.distinct as f64 / present as f64;
    if present >= 10 && unique_share >= 0.9 {
        if words >= 3.0 {
            ColumnKind::Text
        } else {
            ColumnKind::IdLike
        }
    } else if words >= 4.0 && unique_share > 0.5 {
        ColumnKind::Text
    } else {
        ColumnKind::Categorical
    }
}

/// Reads CSV bytes into a typed table (see the module docs for what is detected).
pub fn read_table(bytes: &[u8], name: &str, options: &CsvOptions) -> Result<Table, DataError> {
    let source = Source::open(bytes, options)?;
    let decimal_comma = source.format.decimal_comma;
    let width = source.names.len();
    let mut infer: Vec<Infer> = (0..width).map(|_| Infer::default()).collect();
    let mut rows = 0;
    let blank_rows = source.for_each_row(|row| {
        rows = row.number;
        for (j, inf) in infer.iter_mut().enumerate() {
            inf.see(&row.field(j), decimal_comma, row.number);
        }
        Ok(())
    })?;
    if rows == 0 {
        return Err(DataError::NoRows);
    }
    let mut warnings: Vec<String> = source
        .renamed
        .iter()
        .map(|(raw, name)| match raw.as_str() {
            "" => format!("a column without a name in the header is called {name:?}"),
            _ => format!("the header names {raw:?} more than once; this column is called {name:?}"),
        })
        .collect();
    let mut stores: Vec<Store> = infer
        .iter()
        .zip(&source.names)
        .map(|(inf, n)| match decide(inf, rows, n, &mut warnings) {
            Plan::Numbers { boolean: false } => Store::Numbers(Vec::with_capacity(rows)),
            Plan::Numbers { boolean: true } => {
                Store::Booleans(Vec::with_capacity(rows), Default::default())
            }
            Plan::Days => Store::Days(Vec::with_capacity(rows)),
            Plan::Text => Store::Text(Vec::with_capacity(rows), HashMap::new()),
        })
        .collect();
    source.for_each_row(|row| {
        for (j, store) in stores.iter_mut().enumerate() {
            store.push(&row.field(j), decimal_comma);
        }
        Ok(())
    })?;
    let columns = stores
        .into_iter()
        .zip(source.names.iter().cloned())
        .map(|(s, n)| s.finish(n))
        .collect();
    let mut format = source.format.clone();
    format.blank_rows = blank_rows;
    Ok(Table {
        name: name.to_string(),
        fingerprint: fingerprint(bytes),
        columns,
        rows,
        format: Some(format),
        task_hint: None,
        warnings,
    })
}
