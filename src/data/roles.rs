//! Column roles: which column is the target, which task it implies, and which columns are used
//! as features (with the reason for each one that is not). Shared by the profile and by
//! preparation so both always agree.

use super::error::DataError;
use super::table::{Column, ColumnKind, ColumnValues, Table, MISSING_CODE};
use super::TaskKind;
use serde::{Deserialize, Serialize};

/// Up to this many distinct integer values, a numeric target is read as class labels.
pub const MAX_INTEGER_CLASSES: usize = 20;

/// The user's choices about roles; everything left `None`/empty is inferred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoleOptions {
    /// Target column name; the last column when absent.
    pub target: Option<String>,
    /// Task override; inferred from the target's type and cardinality when absent.
    pub task: Option<TaskKind>,
    /// Columns not to use as features.
    pub excluded: Vec<String>,
    /// Free-text or ID-like columns to use anyway (as categorical, or numeric for numbers).
    pub included: Vec<String>,
    /// Most classes allowed.
    pub max_classes: usize,
}

impl Default for RoleOptions {
    fn default() -> Self {
        RoleOptions {
            target: None,
            task: None,
            excluded: Vec::new(),
            included: Vec::new(),
            max_classes: super::error::Limits::default().max_classes,
        }
    }
}

/// Resolved roles of a table's columns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Roles {
    /// Target column index.
    pub target: usize,
    /// Task.
    pub task: TaskKind,
    /// Why this task.
    pub task_reason: String,
    /// Feature column indices, in table order.
    pub features: Vec<usize>,
    /// Per column: why it is not a feature (`None` for features and the target).
    pub reasons: Vec<Option<String>>,
    /// Class labels (classification).
    pub labels: Vec<String>,
    /// Per table row: class index or target value; `NaN` when missing.
    pub y: Vec<f32>,
}

/// Why a text-valued column would encode to nothing: one-hot encoding keeps the values that
/// occur in at least [`EncodeOptions::min_level_share`](super::prep::EncodeOptions) of the
/// (training) rows, so a column whose every value is rarer than that carries no feature. Judged
/// on all rows here, so that the profile says so before a split exists.
fn rare_levels(c: &Column) -> Option<String> {
    let ColumnValues::Levels { codes, levels } = &c.values else {
        return None;
    };
    let options = super::prep::EncodeOptions::default();
    let min_count = options.min_level_count(codes.len());
    let mut counts = vec![0usize; levels.len()];
    for &code in codes {
        if let Some(n) = counts.get_mut(code as usize) {
            *n += 1;
        }
    }
    let most = counts.iter().copied().max().unwrap_or(0);
    (most > 0 && most < min_count).then(|| {
        format!(
            "too many rare values: {} distinct, the most frequent in only {most} of {} rows; \
             one-hot encoding keeps values found in {} % of the rows, so nothing would be left",
            levels.len(),
            codes.len(),
            options.min_level_share * 100.0
        )
    })
}

fn first_value(c: &Column) -> String {
    match &c.values {
        ColumnValues::Numbers(v) => v
            .iter()
            .find(|x| !x.is_nan())
            .map(|x| format_number(*x as f64))
            .unwrap_or_default(),
        ColumnValues::Days(v) => v
            .iter()
            .find(|x| !x.is_nan())
            .map(|x| super::value::format_date(*x))
            .unwrap_or_default(),
        ColumnValues::Levels { codes, levels } => codes
            .iter()
            .find_map(|&k| levels.get(k as usize).cloned())
            .unwrap_or_default(),
    }
}

/// A number as a short label (`3`, `2.5`).
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{}", x as f32)
    }
}

fn is_integer_column(c: &Column) -> bool {
    matches!(&c.values, ColumnValues::Numbers(v) if v.iter().all(|x| x.is_nan() || x.fract() == 0.0))
}

/// Resolves target, task and features.
pub(crate) fn resolve(table: &Table, options: &RoleOptions) -> Result<Roles, DataError> {
    let names = table.column_names();
    for name in options.excluded.iter().chain(&options.included) {
        if !names.contains(name) {
            return Err(DataError::UnknownColumn { name: name.clone() });
        }
    }
    if table.columns.len() == 1 {
        return Err(DataError::OnlyOneColumn {
            column: names.first().cloned().unwrap_or_default(),
            given_delimiter: table
                .format
                .as_ref()
                .filter(|f| f.delimiter_given)
                .map(|f| f.delimiter),
        });
    }
    let target = match &options.target {
        Some(name) => table
            .column_index(name)
            .ok_or_else(|| DataError::UnknownTarget {
                name: name.clone(),
                available: names.clone(),
            })?,
        None => table
            .columns
            .len()
            .checked_sub(1)
            .ok_or(DataError::NoRows)?,
    };
    let col = &table.columns[target];
    if options.excluded.contains(&col.name) {
        return Err(DataError::TargetExcluded {
            column: col.name.clone(),
        });
    }
    if col.present() == 0 {
        return Err(DataError::TargetAllMissing {
            column: col.name.clone(),
        });
    }
    if col.distinct <= 1 {
        return Err(DataError::TargetConstant {
            column: col.name.clone(),
            value: first_value(col),
        });
    }
    let unusable = |reason: &str| DataError::TargetUnusable {
        column: col.name.clone(),
        reason: reason.to_string(),
    };
    let requested = options.task.or(table.task_hint);
    let (task, task_reason) = match col.kind {
        ColumnKind::Text => return Err(unusable("it holds free text")),
        ColumnKind::DateTime => return Err(unusable("it holds dates")),
        ColumnKind::IdLike if !options.included.contains(&col.name) => {
            return Err(unusable(
                "it looks like an identifier (a different value in each row)",
            ))
        }
        ColumnKind::Categorical | ColumnKind::IdLike
            if !matches!(col.values, ColumnValues::Numbers(_)) =>
        {
            if requested == Some(TaskKind::Regression) {
                return Err(DataError::TargetNotNumeric {
                    column: col.name.clone(),
                    example: first_value(col),
                });
            }
            (
                TaskKind::Classification,
                format!("{} target with {} classes", col.kind.label(), col.distinct),
            )
        }
        ColumnKind::Boolean => match requested {
            Some(TaskKind::Regression) => {
                (TaskKind::Regression, "regression requested".to_string())
            }
            _ => (TaskKind::Classification, "boolean target".to_string()),
        },
        _ => match requested {
            Some(TaskKind::Classification) => (
                TaskKind::Classification,
                "classification requested".to_string(),
            ),
            Some(TaskKind::Regression) => {
                (TaskKind::Regression, "regression requested".to_string())
            }
            None if is_integer_column(col) && col.distinct <= MAX_INTEGER_CLASSES => (
                TaskKind::Classification,
                format!("whole-number target with {} distinct values", col.distinct),
            ),
            None => (
                TaskKind::Regression,
                format!("numeric target with {} distinct values", col.distinct),
            ),
        },
    };
    let (labels, y) = match task {
        TaskKind::Classification => {
            if col.distinct > options.max_classes {
                return Err(DataError::TooManyClasses {
                    column: col.name.clone(),
                    classes: col.distinct,
                    limit: options.max_classes,
                });
            }
            class_targets(col)
        }
        TaskKind::Regression => match &col.values {
            ColumnValues::Numbers(v) => (Vec::new(), v.clone()),
            _ => {
                return Err(DataError::TargetNotNumeric {
                    column: col.name.clone(),
                    example: first_value(col),
                })
            }
        },
    };
    let mut features = Vec::new();
    let mut reasons = Vec::with_capacity(table.columns.len());
    for (j, c) in table.columns.iter().enumerate() {
        let included = options.included.contains(&c.name);
        let reason = if j == target {
            None
        } else if options.excluded.contains(&c.name) {
            Some("excluded by you".to_string())
        } else if c.present() == 0 {
            Some("all values missing".to_string())
        } else if c.distinct <= 1 {
            Some("constant: the same value in every row".to_string())
        } else if c.kind == ColumnKind::Text && !included {
            Some(
                "free text (long, mostly distinct values); include it to use it as categorical"
                    .to_string(),
            )
        } else if c.kind == ColumnKind::IdLike && !included {
            Some("ID-like: a different value in each row, so it cannot generalise".to_string())
        } else if let Some(reason) = rare_levels(c) {
            Some(reason)
        } else {
            features.push(j);
            None
        };
        reasons.push(reason);
    }
    if features.is_empty() {
        return Err(DataError::NoUsableFeatures {
            target: col.name.clone(),
            excluded: table
                .columns
                .iter()
                .zip(&reasons)
                .filter_map(|(c, r)| r.clone().map(|r| (c.name.clone(), r)))
                .collect(),
        });
    }
    Ok(Roles {
        target,
        task,
        task_reason,
        features,
        reasons,
        labels,
        y,
    })
}

/// Class labels (present values only, in level or ascending numeric order) and per-row indices.
fn class_targets(col: &Column) -> (Vec<String>, Vec<f32>) {
    match &col.values {
        ColumnValues::Levels { codes, levels } => {
            let mut used = vec![false; levels.len()];
            for &c in codes {
                if let Some(u) = used.get_mut(c as usize) {
                    *u = true;
                }
            }
            let mut index = vec![u32::MAX; levels.len()];
            let mut labels = Vec::new();
            for (i, l) in levels.iter().enumerate() {
                if used[i] {
                    index[i] = labels.len() as u32;
                    labels.push(l.clone());
                }
            }
            let y = codes
                .iter()
                .map(|&c| match index.get(c as usize) {
                    Some(&k) if c != MISSING_CODE && k != u32::MAX => k as f32,
                    _ => f32::NAN,
                })
                .collect();
            (labels, y)
        }
        ColumnValues::Numbers(v) => {
            let mut distinct: Vec<f32> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            distinct.sort_unstable_by(f32::total_cmp);
            distinct.dedup();
            let labels = if col.kind == ColumnKind::Boolean {
                distinct
                    .iter()
                    .map(|&x| col.bool_label(x > 0.5).to_string())
                    .collect()
            } else {
                distinct.iter().map(|&x| format_number(x as f64)).collect()
            };
            let y = v
                .iter()
                .map(|x| match distinct.binary_search_by(|d| d.total_cmp(x)) {
                    Ok(i) if !x.is_nan() => i as f32,
                    _ => f32::NAN,
                })
                .collect();
            (labels, y)
        }
        ColumnValues::Days(v) => (Vec::new(), vec![f32::NAN; v.len()]),
    }
}
