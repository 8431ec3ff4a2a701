//! The raw, typed table that both built-in datasets and CSV files become before preparation.

use serde::{Deserialize, Serialize};

/// Code of a missing value in a [`ColumnValues::Levels`] column.
pub const MISSING_CODE: u32 = u32::MAX;

/// The inferred type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Numbers.
    Numeric,
    /// A small set of repeated text values.
    Categorical,
    /// true/false, yes/no, t/f, y/n (stored as 0/1).
    Boolean,
    /// Dates or date-times (stored as days since 1970-01-01).
    DateTime,
    /// Long, mostly distinct text (excluded by default).
    Text,
    /// A value unique to each row, such as a customer number (excluded by default).
    IdLike,
}

impl ColumnKind {
    /// Lower-case name, as shown in profiles.
    pub fn label(self) -> &'static str {
        match self {
            ColumnKind::Numeric => "numeric",
            ColumnKind::Categorical => "categorical",
            ColumnKind::Boolean => "boolean",
            ColumnKind::DateTime => "date-time",
            ColumnKind::Text => "free text",
            ColumnKind::IdLike => "ID-like",
        }
    }
}

/// The values of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "storage", rename_all = "snake_case")]
pub enum ColumnValues {
    /// Numbers (also booleans as 0/1); `NaN` marks a missing value.
    Numbers(Vec<f32>),
    /// Days since 1970-01-01 with a fractional time of day; `NaN` marks a missing value.
    Days(Vec<f64>),
    /// Dictionary-encoded text: `codes[row]` indexes `levels`, [`MISSING_CODE`] is missing.
    Levels {
        /// Per-row codes.
        codes: Vec<u32>,
        /// Distinct values.
        levels: Vec<String>,
    },
}

impl ColumnValues {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            ColumnValues::Numbers(v) => v.len(),
            ColumnValues::Days(v) => v.len(),
            ColumnValues::Levels { codes, .. } => codes.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether row `row` is missing.
    pub fn is_missing(&self, row: usize) -> bool {
        match self {
            ColumnValues::Numbers(v) => v.get(row).is_none_or(|x| x.is_nan()),
            ColumnValues::Days(v) => v.get(row).is_none_or(|x| x.is_nan()),
            ColumnValues::Levels { codes, .. } => codes.get(row).is_none_or(|&c| c == MISSING_CODE),
        }
    }
}

/// One named, typed column with its missing and distinct counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Column name (from the header, or `column_N`).
    pub name: String,
    /// Inferred type.
    pub kind: ColumnKind,
    /// Values.
    pub values: ColumnValues,
    /// Missing values.
    pub missing: usize,
    /// Distinct non-missing values.
    pub distinct: usize,
    /// For boolean columns read from a file: how false and true are written there (the most
    /// frequent spelling of each, e.g. `["no", "yes"]`), so that class labels keep the file's
    /// words. `None` means `false` / `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bool_words: Option<[String; 2]>,
}

impl Column {
    /// A column of numbers (`NaN` = missing), counting missing and distinct values.
    pub fn numeric(name: impl Into<String>, values: Vec<f32>) -> Column {
        Column::new(
            name.into(),
            ColumnKind::Numeric,
            ColumnValues::Numbers(values),
        )
    }

    /// A categorical column from per-row codes into `levels` ([`MISSING_CODE`] = missing).
    pub fn categorical(name: impl Into<String>, codes: Vec<u32>, levels: Vec<String>) -> Column {
        Column::new(
            name.into(),
            ColumnKind::Categorical,
            ColumnValues::Levels { codes, levels },
        )
    }

    /// A column of the given kind and values; counts missing and distinct values.
    pub fn new(name: String, kind: ColumnKind, values: ColumnValues) -> Column {
        let (missing, distinct) = count(&values);
        Column {
            name,
            kind,
            values,
            missing,
            distinct,
            bool_words: None,
        }
    }

    /// How the boolean `value` is written in this column's file (`false` / `true` unless the
    /// file spells it otherwise).
    pub fn bool_label(&self, value: bool) -> &str {
        match (&self.bool_words, value) {
            (Some([f, _]), false) => f,
            (Some([_, t]), true) => t,
            (None, false) => "false",
            (None, true) => "true",
        }
    }

    /// Rows with a value.
    pub fn present(&self) -> usize {
        self.values.len() - self.missing
    }
}

fn count(values: &ColumnValues) -> (usize, usize) {
    match values {
        ColumnValues::Numbers(v) => {
            let mut present: Vec<f32> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            present.sort_unstable_by(f32::total_cmp);
            present.dedup();
            let missing = v.iter().filter(|x| x.is_nan()).count();
            (missing, present.len())
        }
        ColumnValues::Days(v) => {
            let mut present: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            present.sort_unstable_by(f64::total_cmp);
            present.dedup();
            let missing = v.iter().filter(|x| x.is_nan()).count();
            (missing, present.len())
        }
        ColumnValues::Levels { codes, levels } => {
            let mut seen = vec![false; levels.len()];
            let mut missing = 0;
            for &c in codes {
                match seen.get_mut(c as usize) {
                    Some(s) => *s = true,
                    None => missing += 1,
                }
            }
            (missing, seen.iter().filter(|&&s| s).count())
        }
    }
}

/// How a CSV file was read (absent for built-in datasets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvFormat {
    /// Field delimiter.
    pub delimiter: char,
    /// Whether the delimiter was given by the user rather than detected.
    #[serde(default)]
    pub delimiter_given: bool,
    /// Whether the first row was a header.
    pub header: bool,
    /// Whether numbers use a decimal comma (files delimited by `;`).
    pub decimal_comma: bool,
    /// `utf-8`, or `windows-1252` when the bytes were not valid UTF-8.
    pub encoding: String,
    /// Whether a UTF-8 byte-order mark was skipped.
    pub bom: bool,
    /// Rows skipped because every field was empty.
    pub blank_rows: usize,
}

/// A typed table: every column has the same number of rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Dataset name (built-in id or file name).
    pub name: String,
    /// Hex fingerprint of the source bytes (or of the built-in id and options).
    pub fingerprint: String,
    /// Columns in file order.
    pub columns: Vec<Column>,
    /// Rows.
    pub rows: usize,
    /// How the CSV was read, for files.
    pub format: Option<CsvFormat>,
    /// Task the dataset is meant for, when known (built-ins); otherwise inferred.
    pub task_hint: Option<super::TaskKind>,
    /// Things worth telling the user about the reading (values treated as missing, …).
    pub warnings: Vec<String>,
}

impl Table {
    /// Index of the column called `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Column names in order.
    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }
}

/// A 64-bit fingerprint of `bytes` as 16 hex digits (stable across platforms; not cryptographic).
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(0x0000_0100_0000_01B3)
            .rotate_left(29);
    }
    for &b in chunks.remainder() {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01B3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    format!("{h:016x}")
}
