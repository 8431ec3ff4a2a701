//! Data layer: built-in datasets, CSV import with a typed profile, preparation and splits.
//!
//! Everything downstream (trainers, baselines, search) consumes a [`PreparedData`]: numeric,
//! row-major feature matrices for the train/validation/test parts, with the preparation fitted on
//! the training part only.
//!
//! The flow, shared by the browser and the CLI:
//!
//! ```text
//! bytes ──load_csv──► Table + Profile        builtin::load(id) ──► Table
//!                       └───────────── prepare(&Table, &PrepareOptions) ──► PreparedData
//! ```
//!
//! Column types and roles (numeric, categorical, ID-like …; which column is the target; which
//! columns are excluded) are schema decisions taken from the whole file, as the profile shows
//! them. Every statistic used to transform values (medians, modes, kept levels, means, standard
//! deviations, the target scale) comes from the training rows only.
//!
//! Limits: see [`Limits`]. Reading keeps the input bytes plus about 4 bytes per numeric cell
//! (8 per date cell, 4 per text cell plus its distinct values); preparation adds 4 bytes per
//! encoded feature cell.

pub mod builtin;
pub mod csv;
pub mod error;
pub mod prep;
pub mod profile;
pub mod roles;
pub mod split;
pub mod table;
mod toys;
pub mod value;

pub use self::csv::CsvOptions;
pub use error::{DataError, Limits};
pub use prep::{EncodeOptions, Encoder, InputColumn, Preparation};
pub use profile::{ColumnProfile, LevelCount, NumericSummary, Profile, Role};
pub use roles::RoleOptions;
pub use split::{Fractions, SplitIndices};
pub use table::{Column, ColumnKind, ColumnValues, CsvFormat, Table};

use crate::model::TrainData;
use serde::{Deserialize, Serialize};

/// Classification or regression, without the class list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Predict a class.
    Classification,
    /// Predict a number.
    Regression,
}

/// What is being predicted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Task {
    /// Predict one of `classes` (targets are class indices).
    Classification {
        /// Class labels in index order.
        classes: Vec<String>,
    },
    /// Predict a number (targets are standardised with the training part's mean and std).
    Regression,
}

impl Task {
    /// Output units a network needs for this task.
    pub fn outputs(&self) -> usize {
        match self {
            Task::Classification { classes } => classes.len(),
            Task::Regression => 1,
        }
    }
}

/// One part of a split: `rows × features` row-major matrix and targets.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Part {
    /// Features, row-major.
    pub x: Vec<f32>,
    /// Targets: class index as `f32`, or the standardised value.
    pub y: Vec<f32>,
}

impl Part {
    /// Rows in this part.
    pub fn rows(&self) -> usize {
        self.y.len()
    }
}

/// A dataset ready for training: encoded, imputed, scaled (fit on `train`), and split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreparedData {
    /// Dataset name (built-in id or file name).
    pub name: String,
    /// Task and classes.
    pub task: Task,
    /// Names of the encoded feature columns, in matrix order.
    pub feature_names: Vec<String>,
    /// Training rows (the only rows preparation statistics come from).
    pub train: Part,
    /// Validation rows (model selection).
    pub valid: Part,
    /// Test rows (touched once, at the end).
    pub test: Part,
    /// Mean and std of the regression target on the training rows (for reporting in its units).
    pub target_scale: Option<(f32, f32)>,
    /// The fitted preparation, to encode new rows the same way.
    #[serde(default)]
    pub preparation: Preparation,
    /// Every column of the source, in source order.
    #[serde(default)]
    pub raw_columns: Vec<String>,
    /// Fingerprint of the source bytes (or built-in id and options).
    #[serde(default)]
    pub fingerprint: String,
    /// Source row indices of each part.
    #[serde(default)]
    pub rows: SplitIndices,
}

/// Validation or test parts below this many rows make [`PreparedData::warnings`] say that their
/// scores are coarse (one row is more than 5 % of a score).
pub const SMALL_PART_ROWS: usize = 20;

impl PreparedData {
    /// A prepared dataset from already-encoded parts (no preparation, fingerprint or row map).
    pub fn from_parts(
        name: String,
        task: Task,
        feature_names: Vec<String>,
        train: Part,
        valid: Part,
        test: Part,
        target_scale: Option<(f32, f32)>,
    ) -> PreparedData {
        PreparedData {
            name,
            task,
            feature_names,
            train,
            valid,
            test,
            target_scale,
            preparation: Preparation::default(),
            raw_columns: Vec::new(),
            fingerprint: String::new(),
            rows: SplitIndices::default(),
        }
    }

    /// What to know before trusting scores on this split, one sentence each: feature columns
    /// that encode to nothing on the training rows (so no model sees them), and validation or
    /// test parts of fewer than [`SMALL_PART_ROWS`] rows, on which one row moves a score by more
    /// than 5 points. Empty for a split of usual size.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .preparation
            .dropped
            .iter()
            .map(|c| {
                format!(
                    "column {c:?} is not used: on the training rows it has no value, or no value \
                     frequent enough to encode"
                )
            })
            .collect();
        let (valid, test) = (self.valid.rows(), self.test.rows());
        let fewest = valid.min(test);
        if fewest < SMALL_PART_ROWS {
            let rows = |n: usize| if n == 1 { "row" } else { "rows" };
            out.push(format!(
                "only {valid} validation and {test} test {}: one row is {:.0} % of a score \
                 on {fewest} {}, so scores this coarse tell models apart poorly; a larger \
                 table gives steadier figures",
                rows(test),
                100.0 / fewest.max(1) as f64,
                rows(fewest)
            ));
        }
        out
    }

    /// Task kind.
    pub fn task_kind(&self) -> TaskKind {
        match self.task {
            Task::Classification { .. } => TaskKind::Classification,
            Task::Regression => TaskKind::Regression,
        }
    }

    /// Turns a model output for the standardised target back into the target's units.
    pub fn unscale(&self, y: f32) -> f32 {
        match self.target_scale {
            Some((mean, std)) => y * std + mean,
            None => y,
        }
    }

    /// Feature columns.
    pub fn inputs(&self) -> usize {
        self.feature_names.len()
    }

    /// The train/validation view a trainer consumes (the test part is deliberately absent).
    pub fn train_data(&self) -> TrainData {
        TrainData {
            inputs: self.inputs(),
            outputs: self.task.outputs(),
            classification: matches!(self.task, Task::Classification { .. }),
            train_x: self.train.x.clone(),
            train_y: self.train.y.clone(),
            valid_x: self.valid.x.clone(),
            valid_y: self.valid.y.clone(),
        }
    }
}

/// Options of [`load_csv`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoadOptions {
    /// How to read the file.
    pub csv: CsvOptions,
    /// Target, task and exclusions.
    pub roles: RoleOptions,
}

/// Reads a CSV file (bytes as read from disk or a browser `File`) into a typed table and its
/// profile for the chosen target. This is the one entry point the CLI and the page both use.
pub fn load_csv(
    bytes: &[u8],
    name: &str,
    options: &LoadOptions,
) -> Result<(Table, Profile), DataError> {
    let table = csv::read_table(bytes, name, &options.csv)?;
    let profile = profile::profile(&table, &options.roles)?;
    Ok((table, profile))
}

/// Options of [`prepare`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrepareOptions {
    /// Target, task and exclusions.
    pub roles: RoleOptions,
    /// Validation and test shares.
    pub fractions: Fractions,
    /// Split seed.
    pub seed: u64,
    /// Encoding knobs.
    pub encode: EncodeOptions,
}

impl Default for PrepareOptions {
    fn default() -> Self {
        PrepareOptions {
            roles: RoleOptions::default(),
            fractions: Fractions::default(),
            seed: 1,
            encode: EncodeOptions::default(),
        }
    }
}

/// The resolved roles, the rows that have a target, and their class labels (classification).
struct Targeted {
    roles: roles::Roles,
    kept: Vec<usize>,
    labels: Option<Vec<u32>>,
}

fn targeted(table: &Table, roles: &RoleOptions) -> Result<Targeted, DataError> {
    let roles = roles::resolve(table, roles)?;
    let kept: Vec<usize> = (0..table.rows)
        .filter(|&r| roles.y.get(r).is_some_and(|y| !y.is_nan()))
        .collect();
    let labels = (roles.task == TaskKind::Classification)
        .then(|| kept.iter().map(|&r| roles.y[r] as u32).collect());
    Ok(Targeted {
        roles,
        kept,
        labels,
    })
}

/// The resolved roles and the split [`prepare`] makes for these options.
fn split_of(
    table: &Table,
    options: &PrepareOptions,
) -> Result<(roles::Roles, SplitIndices), DataError> {
    let Targeted {
        roles,
        kept,
        labels,
    } = targeted(table, &options.roles)?;
    let split = split::stratified_split(
        labels.as_deref(),
        kept.len(),
        options.fractions,
        options.seed,
    )?;
    let map = |idx: &[usize]| idx.iter().map(|&i| kept[i]).collect::<Vec<usize>>();
    let rows = SplitIndices {
        train: map(&split.train),
        valid: map(&split.valid),
        test: map(&split.test),
    };
    Ok((roles, rows))
}

/// Splits `table` (seeded, stratified for classification), fits the preparation on the training
/// part and encodes all three parts. Rows with a missing target are dropped.
pub fn prepare(table: &Table, options: &PrepareOptions) -> Result<PreparedData, DataError> {
    let (roles, rows) = split_of(table, options)?;
    build(table, &roles, rows, options.encode)
}

/// A table's targets and the split [`prepare`] would make, without fitting anything: how a saved
/// model finds the rows its search held out for testing.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitTargets {
    /// Source row indices of each part (rows with a target only).
    pub rows: SplitIndices,
    /// Per table row: class index into `classes`, or the raw target value; `NaN` when missing.
    pub y: Vec<f32>,
    /// Class names (classification; empty for regression).
    pub classes: Vec<String>,
}

/// The split and targets of `table` under `options` (see [`SplitTargets`]).
pub fn split_targets(table: &Table, options: &PrepareOptions) -> Result<SplitTargets, DataError> {
    let (roles, rows) = split_of(table, options)?;
    Ok(SplitTargets {
        rows,
        y: roles.y,
        classes: roles.labels,
    })
}

/// K-fold cross-validation sets for small data: the test part is split off as in [`prepare`],
/// the remaining rows are cut into `k` stratified folds, and fold `i` validates a preparation
/// fitted on the other folds. The test part is the same in every fold.
pub fn prepare_folds(
    table: &Table,
    options: &PrepareOptions,
    k: usize,
) -> Result<Vec<PreparedData>, DataError> {
    let Targeted {
        roles,
        kept,
        labels,
    } = targeted(table, &options.roles)?;
    let split = split::stratified_split(
        labels.as_deref(),
        kept.len(),
        options.fractions,
        options.seed,
    )?;
    let mut pool: Vec<usize> = split.train.iter().chain(&split.valid).copied().collect();
    pool.sort_unstable();
    let folds = split::kfold(&pool, labels.as_deref(), k, options.seed)?;
    let test: Vec<usize> = split.test.iter().map(|&i| kept[i]).collect();
    (0..k)
        .map(|i| {
            let train = folds
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .flat_map(|(_, f)| f.iter().map(|&r| kept[r]))
                .collect();
            let valid = folds[i].iter().map(|&r| kept[r]).collect();
            build(
                table,
                &roles,
                SplitIndices {
                    train,
                    valid,
                    test: test.clone(),
                },
                options.encode,
            )
        })
        .collect()
}

fn build(
    table: &Table,
    roles: &roles::Roles,
    rows: SplitIndices,
    encode: EncodeOptions,
) -> Result<PreparedData, DataError> {
    let target = &table.columns[roles.target];
    let preparation = Preparation::fit(table, &target.name, &roles.features, &rows.train, encode);
    if preparation.inputs.is_empty() {
        return Err(DataError::NoUsableFeatures {
            target: target.name.clone(),
            excluded: preparation
                .dropped
                .iter()
                .map(|c| (c.clone(), "no value in the training rows".to_string()))
                .collect(),
        });
    }
    let target_scale = match roles.task {
        TaskKind::Regression => {
            let n = rows.train.len().max(1) as f64;
            let mean = rows.train.iter().map(|&r| roles.y[r] as f64).sum::<f64>() / n;
            let var = rows
                .train
                .iter()
                .map(|&r| (roles.y[r] as f64 - mean).powi(2))
                .sum::<f64>()
                / n;
            let std = if var.sqrt() > 1e-12 { var.sqrt() } else { 1.0 };
            Some((mean as f32, std as f32))
        }
        TaskKind::Classification => None,
    };
    let part = |idx: &[usize]| -> Result<Part, DataError> {
        let x = preparation.transform_table(table, idx)?;
        let y = idx
            .iter()
            .map(|&r| match target_scale {
                Some((mean, std)) => (roles.y[r] - mean) / std,
                None => roles.y[r],
            })
            .collect();
        Ok(Part { x, y })
    };
    let task = match roles.task {
        TaskKind::Classification => Task::Classification {
            classes: roles.labels.clone(),
        },
        TaskKind::Regression => Task::Regression,
    };
    Ok(PreparedData {
        name: table.name.clone(),
        task,
        feature_names: preparation.feature_names.clone(),
        train: part(&rows.train)?,
        valid: part(&rows.valid)?,
        test: part(&rows.test)?,
        target_scale,
        raw_columns: table.column_names(),
        fingerprint: table.fingerprint.clone(),
        preparation,
        rows,
    })
}
