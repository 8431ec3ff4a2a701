//! The data profile shown to the user: per-column types and statistics, the target and task,
//! and what will be used as a feature (or why not).

use super::roles::{format_number, resolve, RoleOptions};
use super::table::{ColumnKind, ColumnValues, CsvFormat, Table};
use super::value::format_date;
use super::{DataError, TaskKind};
use serde::{Deserialize, Serialize};

/// How many top levels a column profile lists.
pub const TOP_LEVELS: usize = 5;

/// Minimum, maximum and mean of the present values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NumericSummary {
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Mean.
    pub mean: f64,
}

/// A value and how many rows hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCount {
    /// The value.
    pub value: String,
    /// Rows.
    pub count: usize,
}

/// What a column is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The column to predict.
    Target,
    /// An input of the model.
    Feature,
    /// Not used (see the reason).
    Excluded,
}

/// Profile of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnProfile {
    /// Column name.
    pub name: String,
    /// Inferred type.
    pub kind: ColumnKind,
    /// Missing values.
    pub missing: usize,
    /// Distinct present values.
    pub distinct: usize,
    /// For numeric columns.
    pub numeric: Option<NumericSummary>,
    /// For date columns: earliest and latest date (`YYYY-MM-DD`).
    pub date_range: Option<(String, String)>,
    /// For categorical, boolean, text and ID-like columns: the most frequent values.
    pub top_levels: Vec<LevelCount>,
    /// Target, feature or excluded.
    pub role: Role,
    /// Whether the column is an input of the model.
    pub used_as_feature: bool,
    /// Why an excluded column is not used.
    pub excluded_reason: Option<String>,
}

/// The profile of a table with its resolved target and task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Dataset name.
    pub name: String,
    /// Fingerprint of the source.
    pub fingerprint: String,
    /// Rows read.
    pub rows: usize,
    /// How the file was read (CSV only).
    pub format: Option<CsvFormat>,
    /// Target column.
    pub target: String,
    /// Task.
    pub task: TaskKind,
    /// Why this task.
    pub task_reason: String,
    /// Rows without a target value (dropped before training).
    pub rows_missing_target: usize,
    /// Classes with their row counts (classification).
    pub classes: Vec<LevelCount>,
    /// Classes with a single row (they always go to the training part).
    pub single_row_classes: Vec<String>,
    /// Columns used as features.
    pub features: usize,
    /// One entry per column, in file order.
    pub columns: Vec<ColumnProfile>,
    /// Notes worth showing (values treated as missing, dropped rows, tiny classes…).
    pub warnings: Vec<String>,
}

fn numeric_summary<T: Copy + Into<f64>>(v: &[T]) -> Option<NumericSummary> {
    let mut n = 0usize;
    let (mut min, mut max, mut sum) = (f64::INFINITY, f64::NEG_INFINITY, 0.0);
    for &x in v {
        let x: f64 = x.into();
        if !x.is_nan() {
            n += 1;
            min = min.min(x);
            max = max.max(x);
            sum += x;
        }
    }
    (n > 0).then(|| NumericSummary {
        min,
        max,
        mean: sum / n as f64,
    })
}

fn top(counts: Vec<(String, usize)>) -> Vec<LevelCount> {
    let mut counts: Vec<(String, usize)> = counts.into_iter().filter(|(_, n)| *n > 0).collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts
        .into_iter()
        .take(TOP_LEVELS)
        .map(|(value, count)| LevelCount { value, count })
        .collect()
}

/// Profiles `table` with the roles chosen in `options`.
pub fn profile(table: &Table, options: &RoleOptions) -> Result<Profile, DataError> {
    let roles = resolve(table, options)?;
    let mut warnings = table.warnings.clone();
    let mut columns = Vec::with_capacity(table.columns.len());
    for (j, c) in table.columns.iter().enumerate() {
        let (mut numeric, mut date_range, mut top_levels) = (None, None, Vec::new());
        match &c.values {
            ColumnValues::Numbers(v) if c.kind == ColumnKind::Boolean => {
                let ones = v.iter().filter(|&&x| x == 1.0).count();
                top_levels = top(vec![
                    (c.bool_label(true).into(), ones),
                    (c.bool_label(false).into(), c.present() - ones),
                ]);
            }
            ColumnValues::Numbers(v) => numeric = numeric_summary(v),
            ColumnValues::Days(v) => {
                date_range = numeric_summary(v).map(|s| (format_date(s.min), format_date(s.max)))
            }
            ColumnValues::Levels { codes, levels } => {
                let mut counts = vec![0usize; levels.len()];
                for &k in codes {
                    if let Some(n) = counts.get_mut(k as usize) {
                        *n += 1;
                    }
                }
                top_levels = top(levels.iter().cloned().zip(counts).collect());
            }
        }
        let role = if j == roles.target {
            Role::Target
        } else if roles.features.contains(&j) {
            Role::Feature
        } else {
            Role::Excluded
        };
        columns.push(ColumnProfile {
            name: c.name.clone(),
            kind: c.kind,
            missing: c.missing,
            distinct: c.distinct,
            numeric,
            date_range,
            top_levels,
            role,
            used_as_feature: role == Role::Feature,
            excluded_reason: roles.reasons[j].clone(),
        });
    }
    let rows_missing_target = roles.y.iter().filter(|y| y.is_nan()).count();
    if rows_missing_target > 0 {
        warnings.push(format!(
            "{rows_missing_target} rows have no value in the target column {:?} and are dropped",
            table.columns[roles.target].name
        ));
    }
    let mut classes = Vec::new();
    if roles.task == TaskKind::Classification {
        let mut counts = vec![0usize; roles.labels.len()];
        for &y in &roles.y {
            if let Some(n) = (!y.is_nan()).then(|| counts.get_mut(y as usize)).flatten() {
                *n += 1;
            }
        }
        classes = roles
            .labels
            .iter()
            .zip(counts)
            .map(|(l, count)| LevelCount {
                value: l.clone(),
                count,
            })
            .collect();
    }
    let single_row_classes: Vec<String> = classes
        .iter()
        .filter(|c| c.count == 1)
        .map(|c| c.value.clone())
        .collect();
    if !single_row_classes.is_empty() {
        warnings.push(format!(
            "classes with a single row (kept in the training part only, never scored): {}",
            single_row_classes.join(", ")
        ));
    }
    Ok(Profile {
        name: table.name.clone(),
        fingerprint: table.fingerprint.clone(),
        rows: table.rows,
        format: table.format.clone(),
        target: table.columns[roles.target].name.clone(),
        task: roles.task,
        task_reason: roles.task_reason,
        rows_missing_target,
        classes,
        single_row_classes,
        features: roles.features.len(),
        columns,
        warnings,
    })
}

impl Profile {
    /// A plain-text table of the profile, for terminals.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "{}: {} rows, {} columns",
            self.name,
            self.rows,
            self.columns.len()
        ));
        if let Some(f) = &self.format {
            let delim = match f.delimiter {
                '\t' => "tab".to_string(),
                d => format!("'{d}'"),
            };
            out.push_str(&format!(
                " (delimiter {delim}, header {}, {}{}{})",
                if f.header { "yes" } else { "no" },
                f.encoding,
                if f.decimal_comma {
                    ", decimal comma"
                } else {
                    ""
                },
                if f.bom { ", BOM" } else { "" },
            ));
        }
        out.push('\n');
        let task = match self.task {
            TaskKind::Classification => "classification",
            TaskKind::Regression => "regression",
        };
        out.push_str(&format!(
            "target: {} — {task} ({}); {} feature columns\n",
            self.target, self.task_reason, self.features
        ));
        if !self.classes.is_empty() {
            let list: Vec<String> = self
                .classes
                .iter()
                .map(|c| format!("{} ({})", c.value, c.count))
                .collect();
            out.push_str(&format!("classes: {}\n", list.join(", ")));
        }
        let rows: Vec<[String; 6]> = self
            .columns
            .iter()
            .map(|c| {
                let summary = if let Some(s) = c.numeric {
                    format!(
                        "min {} max {} mean {}",
                        format_number(s.min),
                        format_number(s.max),
                        format_number((s.mean * 1000.0).round() / 1000.0)
                    )
                } else if let Some((a, b)) = &c.date_range {
                    format!("{a} .. {b}")
                } else {
                    c.top_levels
                        .iter()
                        .map(|l| format!("{} ({})", truncate(&l.value, 16), l.count))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let role = match (c.role, &c.excluded_reason) {
                    (Role::Target, _) => "target".to_string(),
                    (Role::Feature, _) => "feature".to_string(),
                    (Role::Excluded, Some(r)) => format!("excluded: {r}"),
                    (Role::Excluded, None) => "excluded".to_string(),
                };
                [
                    truncate(&c.name, 24),
                    c.kind.label().to_string(),
                    c.missing.to_string(),
                    c.distinct.to_string(),
                    truncate(&summary, 60),
                    role,
                ]
            })
            .collect();
        let head = ["column", "type", "missing", "distinct", "summary", "use"];
        let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
        for r in &rows {
            for (w, cell) in widths.iter_mut().zip(r.iter()) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: Vec<&str>| -> String {
            let mut s = String::new();
            for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
                if i + 1 == cells.len() {
                    s.push_str(cell);
                } else {
                    s.push_str(&format!("{cell:<w$}  ", w = *w));
                }
            }
            s.push('\n');
            s
        };
        out.push_str(&line(head.to_vec()));
        for r in &rows {
            out.push_str(&line(r.iter().map(String::as_str).collect()));
        }
        for w in &self.warnings {
            out.push_str(&format!("note: {w}\n"));
        }
        out
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.replace(['\n', '\r'], " ")
    } else {
        let t: String = s.chars().take(n.saturating_sub(1)).collect();
        format!("{}…", t.replace(['\n', '\r'], " "))
    }
}
