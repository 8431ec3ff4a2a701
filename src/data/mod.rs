//! Data layer: built-in datasets, CSV import with a typed profile, preparation and splits.
//!
//! Everything downstream (trainers, baselines, search) consumes a [`PreparedData`]: numeric,
//! row-major feature matrices for the train/validation/test parts, with the preparation fitted on
//! the training part only.

use crate::model::TrainData;
use serde::{Deserialize, Serialize};

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
}

impl PreparedData {
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
