//! Every way a data file, a dataset choice or a preparation request can be wrong, and the limits
//! beyond which a file is refused instead of exhausting memory.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Size limits applied while reading a file. Beyond any of them the reader stops with a
/// [`DataError`] naming the limit, long before memory runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest accepted input, in bytes.
    pub max_bytes: usize,
    /// Most data rows (header excluded).
    pub max_rows: usize,
    /// Most columns.
    pub max_columns: usize,
    /// Most cells (rows × columns); this is what bounds memory.
    pub max_cells: usize,
    /// Most classes a classification target may have.
    pub max_classes: usize,
}

impl Default for Limits {
    /// 512 MiB, 1,000,000 rows, 2,000 columns, 50,000,000 cells, 100 classes.
    fn default() -> Self {
        Limits {
            max_bytes: 512 << 20,
            max_rows: 1_000_000,
            max_columns: 2_000,
            max_cells: 50_000_000,
            max_classes: 100,
        }
    }
}

/// Why data could not be read, profiled or prepared. Rows are counted from 1 among data rows
/// (the header is not a data row); lines are counted from 1 in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataError {
    /// The input is binary, not text.
    NotText {
        /// Byte offset of the first byte that cannot occur in a text file.
        offset: usize,
    },
    /// The input has no content at all.
    Empty,
    /// There is a header but no data row.
    NoRows,
    /// A row has a different number of fields than the header (or the first row).
    Ragged {
        /// Data row number (1-based).
        row: usize,
        /// Line in the file where the row starts (1-based).
        line: u64,
        /// Fields found.
        found: usize,
        /// Fields expected.
        expected: usize,
    },
    /// The CSV structure could not be read.
    Malformed {
        /// Line in the file (1-based).
        line: u64,
        /// What the reader reported.
        reason: String,
    },
    /// The input exceeds [`Limits::max_bytes`].
    TooLarge {
        /// Input size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// More data rows than [`Limits::max_rows`].
    TooManyRows {
        /// The limit.
        limit: usize,
    },
    /// More columns than [`Limits::max_columns`].
    TooManyColumns {
        /// Columns found.
        columns: usize,
        /// The limit.
        limit: usize,
    },
    /// More cells than [`Limits::max_cells`].
    TooManyCells {
        /// Columns in the file.
        columns: usize,
        /// Row at which the limit was reached.
        row: usize,
        /// The limit.
        limit: usize,
    },
    /// The file has a single column, so there is nothing to predict it from.
    OnlyOneColumn {
        /// That column.
        column: String,
        /// The delimiter the reader was told to use, when it was not detected.
        given_delimiter: Option<char>,
    },
    /// No column is left to learn from once the target and excluded columns are set aside.
    NoUsableFeatures {
        /// The target column.
        target: String,
        /// Every other column with the reason it is not used.
        excluded: Vec<(String, String)>,
    },
    /// The requested target column does not exist.
    UnknownTarget {
        /// Requested name.
        name: String,
        /// Columns that exist.
        available: Vec<String>,
    },
    /// A column named in the options does not exist.
    UnknownColumn {
        /// Requested name.
        name: String,
    },
    /// The target column is also among the columns to exclude.
    TargetExcluded {
        /// Target column.
        column: String,
    },
    /// The target has a single distinct value (or a single class).
    TargetConstant {
        /// Target column.
        column: String,
        /// Its only value.
        value: String,
    },
    /// Every target value is missing.
    TargetAllMissing {
        /// Target column.
        column: String,
    },
    /// The target column's type cannot be predicted (free text, an identifier, a date).
    TargetUnusable {
        /// Target column.
        column: String,
        /// Why.
        reason: String,
    },
    /// Regression was requested on a target that is not numeric.
    TargetNotNumeric {
        /// Target column.
        column: String,
        /// First value that is not a number.
        example: String,
    },
    /// Classification was requested on a target with too many distinct values.
    TooManyClasses {
        /// Target column.
        column: String,
        /// Distinct values.
        classes: usize,
        /// [`Limits::max_classes`].
        limit: usize,
    },
    /// Too few rows to build every requested part of the split.
    TooFewRows {
        /// Rows available (with a target).
        rows: usize,
        /// Rows needed.
        needed: usize,
    },
    /// Split fractions or fold count out of range.
    InvalidSplit {
        /// What is wrong.
        reason: String,
    },
    /// A column the fitted preparation needs is absent from new data.
    MissingColumn {
        /// The column.
        column: String,
    },
    /// No built-in dataset has this id.
    UnknownDataset {
        /// Requested id.
        id: String,
        /// Ids that exist.
        available: Vec<String>,
    },
    /// A dataset option is out of range.
    InvalidOption {
        /// Option name.
        option: String,
        /// What is wrong.
        reason: String,
    },
    /// A bundled dataset could not be decoded (a build defect, reported instead of panicking).
    BuiltinCorrupt {
        /// Dataset id.
        id: String,
        /// What failed.
        reason: String,
    },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DataError::*;
        match self {
            NotText { offset } => write!(
                f,
                "the file is not a text (CSV) file: byte {offset} is binary data; export it as CSV and try again"
            ),
            Empty => write!(f, "the file is empty"),
            NoRows => write!(f, "the file has a header but no data rows"),
            Ragged { row, line, found, expected } => write!(
                f,
                "row {row} (line {line}) has {found} fields but the header has {expected}; check for a missing or extra delimiter or an unclosed quote"
            ),
            Malformed { line, reason } => write!(f, "line {line} could not be read: {reason}"),
            TooLarge { bytes, limit } => write!(
                f,
                "the file is {} MiB, above the limit of {} MiB",
                bytes >> 20,
                limit >> 20
            ),
            TooManyRows { limit } => write!(f, "the file has more than {limit} data rows, the limit"),
            TooManyColumns { columns, limit } => {
                write!(f, "the file has {columns} columns, above the limit of {limit}")
            }
            TooManyCells { columns, row, limit } => write!(
                f,
                "the file exceeds {limit} cells (rows × columns) at row {row} with {columns} columns; use fewer rows or columns"
            ),
            OnlyOneColumn {
                column,
                given_delimiter: None,
            } => write!(
                f,
                "the file has a single column ({column:?}); a target and at least one feature column are needed — is the delimiter one of , ; tab |?"
            ),
            OnlyOneColumn {
                column,
                given_delimiter: Some(d),
            } => write!(
                f,
                "split at the given delimiter {d:?}, the file has a single column ({column:?}); a target and at least one feature column are needed — give the file's delimiter, or none to have it detected"
            ),
            NoUsableFeatures { target, excluded } => {
                write!(f, "no column is left to predict {target:?} from")?;
                for (i, (name, reason)) in excluded.iter().enumerate() {
                    write!(f, "{} {name:?}: {reason}", if i == 0 { ":" } else { ";" })?;
                }
                Ok(())
            }
            UnknownTarget { name, available } => write!(
                f,
                "there is no column named {name:?} to use as the target; columns are: {}",
                available.join(", ")
            ),
            UnknownColumn { name } => write!(f, "there is no column named {name:?}"),
            TargetExcluded { column } => write!(
                f,
                "the column {column:?} is the target and also excluded; the target is never a feature — to predict another column, choose that one as the target"
            ),
            TargetConstant { column, value } => write!(
                f,
                "the target column {column:?} has a single value ({value:?}) in every row; there is nothing to learn — choose another target"
            ),
            TargetAllMissing { column } => {
                write!(f, "every value of the target column {column:?} is missing")
            }
            TargetUnusable { column, reason } => write!(
                f,
                "the column {column:?} cannot be the target: {reason}; choose another target"
            ),
            TargetNotNumeric { column, example } => write!(
                f,
                "regression needs a numeric target but column {column:?} holds text such as {example:?}"
            ),
            TooManyClasses { column, classes, limit } => write!(
                f,
                "the target column {column:?} has {classes} distinct values, more than the {limit} classes allowed; use regression or another target"
            ),
            TooFewRows { rows, needed } => write!(
                f,
                "only {rows} rows have a target value; at least {needed} are needed for the train/validation/test split"
            ),
            InvalidSplit { reason } => write!(f, "invalid split: {reason}"),
            MissingColumn { column } => write!(
                f,
                "the new data lacks the column {column:?} that the model was trained with"
            ),
            UnknownDataset { id, available } => write!(
                f,
                "there is no built-in dataset {id:?}; available: {}",
                available.join(", ")
            ),
            InvalidOption { option, reason } => write!(f, "invalid {option}: {reason}"),
            BuiltinCorrupt { id, reason } => {
                write!(f, "the bundled dataset {id:?} could not be decoded: {reason}")
            }
        }
    }
}

impl std::error::Error for DataError {}
