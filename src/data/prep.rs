//! Preparation: imputation, missing indicators, one-hot encoding and standardisation, fitted on
//! the training rows only and stored as a serialisable [`Preparation`] that later encodes new
//! rows (a CSV without the target column, matched by column name) exactly as in training.

use super::csv::{CsvOptions, Source};
use super::table::{Column, ColumnKind, ColumnValues, Table};
use super::value::{date_parts, is_missing, parse_bool, parse_date, parse_number};
use super::DataError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Knobs of the encoding.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EncodeOptions {
    /// Most one-hot levels per categorical column (the rest pool into "other").
    pub max_levels: usize,
    /// Levels rarer than this share of the training rows pool into "other".
    pub min_level_share: f64,
}

impl EncodeOptions {
    /// Fewest rows of `rows` a value needs to get its own one-hot column
    /// ([`EncodeOptions::min_level_share`], at least one row).
    pub fn min_level_count(&self, rows: usize) -> usize {
        ((self.min_level_share * rows as f64).ceil() as usize).max(1)
    }
}

impl Default for EncodeOptions {
    /// 20 levels, 1 %.
    fn default() -> Self {
        EncodeOptions {
            max_levels: 20,
            min_level_share: 0.01,
        }
    }
}

/// How one raw column becomes feature columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Encoder {
    /// A number (or a boolean as 0/1): impute the training median, then `(x − mean) / std`.
    Numeric {
        /// Whether raw values are boolean words.
        boolean: bool,
        /// Training median (imputation value).
        median: f64,
        /// Training mean.
        mean: f64,
        /// Training standard deviation (1 when constant).
        std: f64,
        /// Whether a missing-indicator column follows.
        indicator: bool,
    },
    /// A date: year, month, day of year and weekday, each standardised; the training median
    /// date is imputed.
    Date {
        /// Training median, in days since 1970-01-01.
        median: f64,
        /// Mean of each part.
        mean: [f64; 4],
        /// Std of each part (1 when constant).
        std: [f64; 4],
        /// Whether a missing-indicator column follows.
        indicator: bool,
    },
    /// One-hot over the kept levels, then an "other" column when training had pooled levels.
    /// Missing values take the training mode; unseen values go to "other" (all zeros without it).
    OneHot {
        /// Kept levels, most frequent first.
        levels: Vec<String>,
        /// Whether an "other" column exists.
        other: bool,
        /// Whether a missing-indicator column follows.
        indicator: bool,
    },
}

impl Encoder {
    /// Feature columns this encoder writes.
    pub fn width(&self) -> usize {
        match self {
            Encoder::Numeric { indicator, .. } => 1 + *indicator as usize,
            Encoder::Date { indicator, .. } => 4 + *indicator as usize,
            Encoder::OneHot {
                levels,
                other,
                indicator,
            } => levels.len() + *other as usize + *indicator as usize,
        }
    }

    fn names(&self, column: &str) -> Vec<String> {
        let mut names = match self {
            Encoder::Numeric { .. } => vec![column.to_string()],
            Encoder::Date { .. } => ["year", "month", "day_of_year", "weekday"]
                .iter()
                .map(|p| format!("{column}_{p}"))
                .collect(),
            Encoder::OneHot { levels, other, .. } => {
                let mut n: Vec<String> = levels.iter().map(|l| format!("{column}={l}")).collect();
                if *other {
                    n.push(format!("{column}=other"));
                }
                n
            }
        };
        let indicator = match self {
            Encoder::Numeric { indicator, .. }
            | Encoder::Date { indicator, .. }
            | Encoder::OneHot { indicator, .. } => *indicator,
        };
        if indicator {
            names.push(format!("{column}_missing"));
        }
        names
    }

    /// Writes the features of one cell into `out` (exactly [`Encoder::width`] values).
    fn write(&self, cell: Cell<'_>, out: &mut [f32]) {
        let missing = matches!(cell, Cell::Missing);
        match self {
            Encoder::Numeric {
                median,
                mean,
                std,
                indicator,
                ..
            } => {
                let x = match cell {
                    Cell::Num(x) => x,
                    _ => *median,
                };
                out[0] = ((x - mean) / std) as f32;
                if *indicator {
                    out[1] = missing as u8 as f32;
                }
            }
            Encoder::Date {
                median,
                mean,
                std,
                indicator,
            } => {
                let d = match cell {
                    Cell::Num(x) => x,
                    _ => *median,
                };
                let parts = date_parts(d);
                for i in 0..4 {
                    out[i] = ((parts[i] - mean[i]) / std[i]) as f32;
                }
                if *indicator {
                    out[4] = missing as u8 as f32;
                }
            }
            Encoder::OneHot {
                levels,
                other,
                indicator,
            } => {
                out.fill(0.0);
                let slot = match cell {
                    Cell::Str(s) => levels
                        .iter()
                        .position(|l| l == s)
                        .or(other.then_some(levels.len())),
                    _ => (!levels.is_empty()).then_some(0),
                };
                if let Some(i) = slot {
                    out[i] = 1.0;
                }
                if *indicator {
                    out[levels.len() + *other as usize] = missing as u8 as f32;
                }
            }
        }
    }

    /// Reads a raw text cell the way this encoder's column was read in training.
    fn parse<'a>(&self, raw: &'a str, decimal_comma: bool) -> Cell<'a> {
        if is_missing(raw) {
            return Cell::Missing;
        }
        let cell = match self {
            Encoder::Numeric { boolean: true, .. } => {
                parse_bool(raw).map(|b| Cell::Num(b as u8 as f64))
            }
            // Tables store numbers as f32: round the same way so both paths agree bit for bit.
            Encoder::Numeric { .. } => {
                parse_number(raw, decimal_comma).map(|x| Cell::Num(x as f32 as f64))
            }
            Encoder::Date { .. } => parse_date(raw).map(Cell::Num),
            Encoder::OneHot { .. } => Some(Cell::Str(raw.trim())),
        };
        cell.unwrap_or(Cell::Missing)
    }
}

impl Encoder {
    /// Whether a raw value that is not a missing-value token could not be used as it is: it
    /// does not parse as the column's type, or it is a category without its own column.
    fn cannot_use(&self, raw: &str, cell: Cell<'_>) -> bool {
        match (self, cell) {
            (_, Cell::Missing) => !is_missing(raw),
            (Encoder::OneHot { levels, .. }, Cell::Str(s)) => !levels.iter().any(|l| l == s),
            _ => false,
        }
    }

    /// What the values [`Encoder::cannot_use`] flags are (singular or plural), and how they
    /// are encoded.
    fn cannot_use_text(&self, one: bool) -> (&'static str, &'static str) {
        let what = match (self, one) {
            (Encoder::Numeric { boolean: true, .. }, true) => "is not a yes/no value",
            (Encoder::Numeric { boolean: true, .. }, false) => "are not yes/no values",
            (Encoder::Numeric { .. }, true) => "is not a number",
            (Encoder::Numeric { .. }, false) => "are not numbers",
            (Encoder::Date { .. }, true) => "is not a date",
            (Encoder::Date { .. }, false) => "are not dates",
            (Encoder::OneHot { .. }, true) => "is not one of the model's categories",
            (Encoder::OneHot { .. }, false) => "are not among the model's categories",
        };
        let how = match self {
            Encoder::OneHot { other: true, .. } => "encoded as \"other\"",
            Encoder::OneHot { .. } => "encoded as no known category",
            _ => "encoded as missing",
        };
        (what, how)
    }
}

/// A raw value on its way into an encoder.
#[derive(Debug, Clone, Copy)]
enum Cell<'a> {
    Missing,
    Num(f64),
    Str(&'a str),
}

fn cell(column: &Column, row: usize) -> Cell<'_> {
    match &column.values {
        ColumnValues::Numbers(v) => match v.get(row) {
            Some(x) if !x.is_nan() => Cell::Num(*x as f64),
            _ => Cell::Missing,
        },
        ColumnValues::Days(v) => match v.get(row) {
            Some(x) if !x.is_nan() => Cell::Num(*x),
            _ => Cell::Missing,
        },
        ColumnValues::Levels { codes, levels } => codes
            .get(row)
            .and_then(|&c| levels.get(c as usize))
            .map_or(Cell::Missing, |s| Cell::Str(s)),
    }
}

/// One raw input column and its encoder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputColumn {
    /// Raw column name (matched by name in new data).
    pub column: String,
    /// How it is encoded.
    pub encoder: Encoder,
}

/// A fitted preparation: raw columns in, standardised features out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Preparation {
    /// Inputs in feature order.
    pub inputs: Vec<InputColumn>,
    /// Names of the encoded features.
    pub feature_names: Vec<String>,
    /// Target column name.
    pub target: String,
    /// Raw inputs that encode to nothing on the training rows: no training row has a value, or
    /// (text values) none of them is frequent enough to keep (see [`EncodeOptions`]). The column
    /// profile excludes such columns already when they are so on all rows; this catches what
    /// only the split shows.
    pub dropped: Vec<String>,
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn mean_std(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let (mut n, mut sum) = (0usize, 0.0);
    for x in values.clone() {
        n += 1;
        sum += x;
    }
    let mean = sum / n.max(1) as f64;
    let var = values.map(|x| (x - mean) * (x - mean)).sum::<f64>() / n.max(1) as f64;
    let std = var.sqrt();
    (mean, if std > 1e-12 { std } else { 1.0 })
}

impl Preparation {
    /// Fits encoders for `features` (column indices of `table`) on the rows `train` only.
    pub(crate) fn fit(
        table: &Table,
        target: &str,
        features: &[usize],
        train: &[usize],
        options: EncodeOptions,
    ) -> Preparation {
        let mut prep = Preparation {
            target: target.to_string(),
            ..Preparation::default()
        };
        for &j in features {
            let Some(column) = table.columns.get(j) else {
                continue;
            };
            let missing = train
                .iter()
                .filter(|&&r| column.values.is_missing(r))
                .count();
            let indicator = missing > 0;
            let encoder = match &column.values {
                ColumnValues::Numbers(v) => {
                    let mut present: Vec<f64> = train
                        .iter()
                        .filter_map(|&r| v.get(r).copied())
                        .filter(|x| !x.is_nan())
                        .map(f64::from)
                        .collect();
                    if present.is_empty() {
                        None
                    } else {
                        let (mean, std) = mean_std(present.iter().copied());
                        let boolean = column.kind == ColumnKind::Boolean;
                        Some(Encoder::Numeric {
                            boolean,
                            median: median(&mut present),
                            mean: if boolean { 0.0 } else { mean },
                            std: if boolean { 1.0 } else { std },
                            indicator,
                        })
                    }
                }
                ColumnValues::Days(v) => {
                    let mut present: Vec<f64> = train
                        .iter()
                        .filter_map(|&r| v.get(r).copied())
                        .filter(|x| !x.is_nan())
                        .collect();
                    if present.is_empty() {
                        None
                    } else {
                        let parts: Vec<[f64; 4]> = present.iter().map(|&d| date_parts(d)).collect();
                        let mut mean = [0.0; 4];
                        let mut std = [1.0; 4];
                        for i in 0..4 {
                            (mean[i], std[i]) = mean_std(parts.iter().map(|p| p[i]));
                        }
                        Some(Encoder::Date {
                            median: median(&mut present).floor(),
                            mean,
                            std,
                            indicator,
                        })
                    }
                }
                ColumnValues::Levels { codes, levels } => {
                    let mut counts = vec![0usize; levels.len()];
                    for &r in train {
                        if let Some(n) = codes.get(r).and_then(|&c| counts.get_mut(c as usize)) {
                            *n += 1;
                        }
                    }
                    let present: usize = counts.iter().sum();
                    let mut order: Vec<usize> =
                        (0..levels.len()).filter(|&i| counts[i] > 0).collect();
                    order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
                    let min_count = options.min_level_count(train.len());
                    let kept: Vec<String> = order
                        .iter()
                        .take(options.max_levels.max(1))
                        .filter(|&&i| counts[i] >= min_count)
                        .map(|&i| levels[i].clone())
                        .collect();
                    if present == 0 || kept.is_empty() {
                        None
                    } else {
                        Some(Encoder::OneHot {
                            other: order.len() > kept.len(),
                            levels: kept,
                            indicator,
                        })
                    }
                }
            };
            match encoder {
                Some(encoder) => {
                    prep.feature_names.extend(encoder.names(&column.name));
                    prep.inputs.push(InputColumn {
                        column: column.name.clone(),
                        encoder,
                    });
                }
                None => prep.dropped.push(column.name.clone()),
            }
        }
        prep
    }

    /// Encoded features per row.
    pub fn width(&self) -> usize {
        self.inputs.iter().map(|i| i.encoder.width()).sum()
    }

    /// Encodes the given rows of a table (row-major, [`Preparation::width`] per row).
    pub fn transform_table(&self, table: &Table, rows: &[usize]) -> Result<Vec<f32>, DataError> {
        let columns: Vec<&Column> = self
            .inputs
            .iter()
            .map(|i| {
                table
                    .column_index(&i.column)
                    .map(|j| &table.columns[j])
                    .ok_or_else(|| DataError::MissingColumn {
                        column: i.column.clone(),
                    })
            })
            .collect::<Result<_, _>>()?;
        let width = self.width();
        let mut x = vec![0.0f32; rows.len() * width];
        for (out, &r) in x.chunks_exact_mut(width.max(1)).zip(rows) {
            let mut at = 0;
            for (input, column) in self.inputs.iter().zip(&columns) {
                let w = input.encoder.width();
                input.encoder.write(cell(column, r), &mut out[at..at + w]);
                at += w;
            }
        }
        Ok(x)
    }

    /// Encodes the rows of a CSV file (with a header; the target column may be absent, extra
    /// columns are ignored). Values are read as in training: unparseable values count as
    /// missing, unseen categories go to "other". Returns `rows × width` features.
    pub fn transform_csv(
        &self,
        bytes: &[u8],
        options: &CsvOptions,
    ) -> Result<(Vec<f32>, usize), DataError> {
        self.transform_csv_noted(bytes, options)
            .map(|(x, rows, _)| (x, rows))
    }

    /// [`Preparation::transform_csv`], also saying for each column which values it could not
    /// use as they are: values that do not parse as the column's type (encoded as missing) and
    /// categories the model has no column for (unseen in training, or pooled into "other"
    /// there), each with a count and the first row (1-based data row) and value.
    pub fn transform_csv_noted(
        &self,
        bytes: &[u8],
        options: &CsvOptions,
    ) -> Result<(Vec<f32>, usize, Vec<String>), DataError> {
        let options = CsvOptions {
            header: Some(true),
            ..options.clone()
        };
        let source = Source::open(bytes, &options)?;
        let by_name: HashMap<&str, usize> = source
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let index: Vec<usize> =
            self.inputs
                .iter()
                .map(|i| {
                    by_name.get(i.column.as_str()).copied().ok_or_else(|| {
                        DataError::MissingColumn {
                            column: i.column.clone(),
                        }
                    })
                })
                .collect::<Result<_, _>>()?;
        let decimal_comma = source.format.decimal_comma;
        let width = self.width();
        let mut x = Vec::new();
        let mut rows = 0;
        // Per input: how many values it could not use, and the first (row, value).
        let mut odd: Vec<(usize, Option<(usize, String)>)> = vec![(0, None); self.inputs.len()];
        source.for_each_row(|row| {
            let start = x.len();
            x.resize(start + width, 0.0);
            let mut at = start;
            for ((input, &j), odd) in self.inputs.iter().zip(&index).zip(&mut odd) {
                let raw = row.field(j);
                let w = input.encoder.width();
                let cell = input.encoder.parse(&raw, decimal_comma);
                if input.encoder.cannot_use(&raw, cell) {
                    odd.0 += 1;
                    odd.1
                        .get_or_insert_with(|| (row.number, raw.trim().to_string()));
                }
                input.encoder.write(cell, &mut x[at..at + w]);
                at += w;
            }
            rows += 1;
            Ok(())
        })?;
        let notes = self
            .inputs
            .iter()
            .zip(odd)
            .filter_map(|(input, (n, first))| {
                let (row, value) = first?;
                let (values, first) = if n == 1 {
                    ("value", "")
                } else {
                    ("values", "first ")
                };
                let (what, how) = input.encoder.cannot_use_text(n == 1);
                Some(format!(
                    "column {:?}: {n} {values} {what} ({first}in row {row}: {value:?}); {how}",
                    input.column
                ))
            })
            .collect();
        Ok((x, rows, notes))
    }
}
