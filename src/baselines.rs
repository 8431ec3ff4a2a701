//! Classical baselines from `smartcore`, trained on the same split and scored with the same metrics
//! as the neural candidates.
//!
//! Classification: majority class, logistic regression, decision tree, random forest, k-NN,
//! Gaussian naive Bayes and (for small data) an RBF support-vector classifier. Regression: the
//! training mean, ridge regression, decision tree, random forest and k-NN. Every model is fitted on
//! the training part ([`fit`]: its validation score ranks it), with explicit seeds where the model
//! is randomised. When a search's winner was trained on train + validation before its test
//! evaluation, the baselines are fitted again on the same rows ([`refit`]) and tested that way,
//! so both sides of the comparison learn from the same rows.

use crate::data::{PreparedData, Task};
use crate::model::TrainData;
use crate::platform::now_ms;
use serde::{Deserialize, Serialize};
use smartcore::algorithm::neighbour::KNNAlgorithmName;
use smartcore::ensemble::random_forest_classifier::{
    RandomForestClassifier, RandomForestClassifierParameters,
};
use smartcore::ensemble::random_forest_regressor::{
    RandomForestRegressor, RandomForestRegressorParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};
use smartcore::linear::ridge_regression::{RidgeRegression, RidgeRegressionParameters};
use smartcore::naive_bayes::gaussian::{GaussianNB, GaussianNBParameters};
use smartcore::neighbors::knn_classifier::{KNNClassifier, KNNClassifierParameters};
use smartcore::neighbors::knn_regressor::{KNNRegressor, KNNRegressorParameters};
use smartcore::svm::svc::{MultiClassSVC, SVCParameters};
use smartcore::svm::Kernels;
use smartcore::tree::decision_tree_classifier::{
    DecisionTreeClassifier, DecisionTreeClassifierParameters,
};
use smartcore::tree::decision_tree_regressor::{
    DecisionTreeRegressor, DecisionTreeRegressorParameters,
};
use std::fmt;

/// L2 penalty of the logistic regression: smartcore minimises the summed log loss plus
/// `½·α·‖w‖²`, so α = 1 is the usual default of inverse regularisation strength C = 1. Without
/// it the fit on nearly separable tables (breast cancer) chases large weights and generalises
/// worse.
pub const LOGISTIC_L2: f64 = 1.0;

/// Largest fit cost, in [`svc_cost`] units, for which the SVC is fitted. Its fit time grows with
/// the square of the training rows: on one core natively, 1,020 rows of 20 noisy features took
/// 7 s (cost 7.3e7), of 100 features 13 s (1.6e8), of 300 features 30 s (3.6e8), and 1,980 rows
/// of 20 features 38 s (2.7e8). Digits (1,078 rows × 64 features, 1.3e8) stays in.
pub const SVC_MAX_COST: f64 = 1.5e8;

/// The SVC's fit cost estimate: `train_rows² × (features + 50)` (kernel evaluations, each linear
/// in the features, plus a per-pair overhead of the solver).
pub fn svc_cost(train_rows: usize, features: usize) -> f64 {
    let n = train_rows as f64;
    n * n * (features as f64 + 50.0)
}

/// Largest prediction cost, in [`knn_cost`] units, for which k-NN is fitted. Predicting compares
/// every scored row with every training row: natively, 12,000 training rows of 25 features took
/// 16 s to score 8,000 rows (cost 2.4e9); digits (1,078 × 719 rows × 64 features) costs 5e7.
pub const KNN_MAX_COST: f64 = 5e8;

/// k-NN's prediction cost estimate: `train_rows × scored_rows × features` (distance terms).
pub fn knn_cost(size: DataSize) -> f64 {
    size.train_rows as f64 * size.scored_rows as f64 * size.features.max(1) as f64
}

/// Largest fit cost, in [`forest_cost`] units, for which the random forest is fitted. The
/// classifier's fit time grows with the square of the rows: natively, 100 trees on 20 features
/// took 2.4 s for 3,600 training rows (cost 2.6e8), 9 s for 7,200 (1.0e9), 20 s for 12,000
/// (2.9e9) and 103 s for 30,000 (1.8e10). The regressor's grows about linearly (10 s for 30,000
/// rows of 20 features), so its cost is counted as `train_rows × 2,000 × features`.
pub const FOREST_MAX_COST: f64 = 1.2e9;

/// The random forest's fit cost estimate: `train_rows² × features` for classification,
/// `train_rows × 2,000 × features` for regression.
pub fn forest_cost(task: &Task, size: DataSize) -> f64 {
    let n = size.train_rows as f64;
    let f = size.features.max(1) as f64;
    match task {
        Task::Classification { .. } => n * n * f,
        Task::Regression => n * 2000.0 * f,
    }
}

/// Largest fit cost, in [`DataSize::class_rows_squared`] units, for which Gaussian naive Bayes is
/// fitted: the library gathers each class's rows in time that grows with their square. Natively,
/// two balanced classes of 3,600 training rows took 0.4 s (cost 6.5e6), of 12,000 rows 4.6 s
/// (7.2e7), of 30,000 rows 30 s (4.5e8).
pub const NAIVE_BAYES_MAX_COST: u64 = 100_000_000;

/// What a baseline's cost depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataSize {
    /// Rows it is fitted on.
    pub train_rows: usize,
    /// Rows it predicts (validation + test).
    pub scored_rows: usize,
    /// Prepared features.
    pub features: usize,
    /// Sum over the classes of their training rows squared (0 for regression).
    pub class_rows_squared: u64,
}

impl DataSize {
    /// The size of prepared data.
    pub fn of(data: &PreparedData) -> DataSize {
        DataSize {
            train_rows: data.train.rows(),
            scored_rows: data.valid.rows() + data.test.rows(),
            features: data.feature_names.len(),
            class_rows_squared: class_rows_squared(&data.task, &data.train.y),
        }
    }

    /// The size of a cross-validation fold of `data` (see [`fit_fold`]): trained on the fold's
    /// training rows, scoring its held-out rows.
    pub fn of_fold(data: &PreparedData, fold: &TrainData) -> DataSize {
        DataSize {
            train_rows: fold.train_rows(),
            scored_rows: fold.valid_rows(),
            features: data.feature_names.len(),
            class_rows_squared: class_rows_squared(&data.task, &fold.train_y),
        }
    }
}

/// Sum over the classes of their rows among `targets` squared (0 for regression).
fn class_rows_squared(task: &Task, targets: &[f32]) -> u64 {
    match task {
        Task::Classification { classes } => {
            let mut counts = vec![0u64; classes.len()];
            for &y in targets {
                if let Some(n) = counts.get_mut(y.max(0.0) as usize) {
                    *n += 1;
                }
            }
            counts.iter().map(|n| n * n).sum()
        }
        Task::Regression => 0,
    }
}

/// The classical models on the leaderboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineKind {
    /// Always the most frequent training class.
    Majority,
    /// Always the training mean.
    Mean,
    /// Multinomial logistic regression with an L2 penalty ([`LOGISTIC_L2`]).
    LogisticRegression,
    /// Ridge regression (alpha 1).
    Ridge,
    /// A CART decision tree (max depth 10).
    DecisionTree,
    /// A random forest of 100 trees.
    RandomForest,
    /// k nearest neighbours (k = 5).
    Knn,
    /// Gaussian naive Bayes.
    GaussianNb,
    /// Support-vector classifier with an RBF kernel (one-vs-one).
    Svc,
}

impl BaselineKind {
    /// Leaderboard name.
    pub fn name(self) -> &'static str {
        match self {
            BaselineKind::Majority => "majority class",
            BaselineKind::Mean => "mean",
            BaselineKind::LogisticRegression => "logistic regression",
            BaselineKind::Ridge => "ridge regression",
            BaselineKind::DecisionTree => "decision tree",
            BaselineKind::RandomForest => "random forest",
            BaselineKind::Knn => "k-NN (k=5)",
            BaselineKind::GaussianNb => "Gaussian naive Bayes",
            BaselineKind::Svc => "SVC (RBF)",
        }
    }

    /// Every baseline of a task, in the order they run.
    fn of_task(task: &Task) -> Vec<BaselineKind> {
        use BaselineKind::*;
        match task {
            Task::Classification { .. } => vec![
                Majority,
                LogisticRegression,
                DecisionTree,
                RandomForest,
                Knn,
                GaussianNb,
                Svc,
            ],
            Task::Regression => vec![Mean, Ridge, DecisionTree, RandomForest, Knn],
        }
    }

    /// Why this baseline is not fitted on data of this size: the ones whose time grows
    /// quadratically with the rows (the SVC's and the forest classifier's fit, naive Bayes' fit
    /// in this library, k-NN's prediction) are left out beyond a cost bound, and the SVC and
    /// ridge regression when there are fewer training rows than features.
    fn left_out_because(self, task: &Task, size: DataSize) -> Option<String> {
        let DataSize {
            train_rows,
            scored_rows,
            features,
            ..
        } = size;
        match self {
            // Neither fits a matrix with fewer rows than columns in smartcore 0.7: its SVC keeps
            // only the first `rows` values of each training row (it takes as many values as the
            // data has rows), so its kernel compares rows of different lengths and panics when
            // it predicts; its ridge regression refuses such a matrix, whatever the solver.
            BaselineKind::Svc | BaselineKind::Ridge if train_rows < features => Some(format!(
                "not fitted: {train_rows} training rows are fewer than the {features} features, \
                 which this library's {} cannot fit (it needs at least as many training rows as \
                 features)",
                self.name()
            )),
            BaselineKind::RandomForest if self.over_cost(task, size) => Some(format!(
                "not fitted: {train_rows} training rows × {features} features would take too \
                     long (it is fitted up to about 7,500 training rows of 20 features for \
                     classification, 30,000 for regression)"
            )),
            BaselineKind::GaussianNb if self.over_cost(task, size) => Some(format!(
                "not fitted: {train_rows} training rows × {features} features would take too \
                     long (its fit time grows with the square of each class's rows; it is fitted \
                     up to about 14,000 training rows in two balanced classes)"
            )),
            BaselineKind::Svc if self.over_cost(task, size) => Some(format!(
                "not fitted: {train_rows} training rows × {features} features are too many for it \
                 (its fit time grows with the square of the rows; it is fitted up to about 1,000 \
                 rows of 100 features, or 1,700 rows of 1)"
            )),
            BaselineKind::Knn if self.over_cost(task, size) => Some(format!(
                "not fitted: comparing {scored_rows} validation and test rows with {train_rows} \
                 training rows × {features} features would take too long (its time grows with \
                 training rows × predicted rows × features; it is fitted up to about 5,000 \
                 training rows of 20 features)"
            )),
            _ => None,
        }
    }

    /// The cost estimate of fitting (and, for k-NN, predicting with) this baseline on data of
    /// this size, and the bound beyond which it is left out; `None` for the baselines whose time
    /// stays small at any size this tool handles.
    fn cost(self, task: &Task, size: DataSize) -> Option<(f64, f64)> {
        match self {
            BaselineKind::RandomForest => Some((forest_cost(task, size), FOREST_MAX_COST)),
            BaselineKind::GaussianNb => {
                Some((size.class_rows_squared as f64, NAIVE_BAYES_MAX_COST as f64))
            }
            BaselineKind::Svc => Some((svc_cost(size.train_rows, size.features), SVC_MAX_COST)),
            BaselineKind::Knn => Some((knn_cost(size), KNN_MAX_COST)),
            _ => None,
        }
    }

    /// Whether one fit on data of this size costs more than the baseline's bound.
    fn over_cost(self, task: &Task, size: DataSize) -> bool {
        self.cost(task, size).is_some_and(|(cost, max)| cost > max)
    }

    /// Why this baseline is not cross-validated on folds of these sizes (one per fold: its
    /// training rows are the other folds, its scored rows the fold): a fold it could not be
    /// fitted on, or fits whose summed cost is beyond the bound of one fit, so that
    /// cross-validating a baseline never takes much longer than fitting it once could. `None`
    /// when it is cross-validated.
    pub fn not_cross_validated_because(self, task: &Task, folds: &[DataSize]) -> Option<String> {
        if let Some(reason) = folds.iter().find_map(|&f| self.left_out_because(task, f)) {
            return Some(reason.replacen("not fitted", "not cross-validated", 1));
        }
        let (_, max) = folds.first().and_then(|&f| self.cost(task, f))?;
        let total: f64 = folds
            .iter()
            .filter_map(|&f| self.cost(task, f))
            .map(|(cost, _)| cost)
            .sum();
        (total > max).then(|| {
            format!(
                "not cross-validated: fitting it on each of the {} folds would take several \
                 times as long as fitting it once (it is cross-validated while the folds' \
                 summed cost stays within the bound of one fit); it ranks by its validation score",
                folds.len()
            )
        })
    }

    /// The baselines that apply to a task and data size, in the order they run;
    /// [`BaselineKind::skipped`] names the ones left out and why.
    pub fn for_task(task: &Task, size: DataSize) -> Vec<BaselineKind> {
        Self::of_task(task)
            .into_iter()
            .filter(|k| k.left_out_because(task, size).is_none())
            .collect()
    }

    /// The baselines of the task that [`BaselineKind::for_task`] leaves out for this size, with
    /// the reason to show.
    pub fn skipped(task: &Task, size: DataSize) -> Vec<(BaselineKind, String)> {
        Self::of_task(task)
            .into_iter()
            .filter_map(|k| k.left_out_because(task, size).map(|reason| (k, reason)))
            .collect()
    }
}

/// Predictions of a model on one part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Prediction {
    /// Class indices, with `rows × classes` probabilities when the model gives them.
    Classes {
        /// Predicted class per row.
        labels: Vec<u32>,
        /// Probabilities, row-major.
        probs: Option<Vec<f32>>,
    },
    /// Predicted values (standardised target units).
    Values {
        /// One value per row.
        values: Vec<f32>,
    },
}

/// A fitted baseline's predictions and timings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineFit {
    /// Which model.
    pub kind: BaselineKind,
    /// Predictions on the validation part.
    pub valid: Prediction,
    /// Predictions on the test part (kept aside; only reported at the end of a search).
    pub test: Prediction,
    /// Fit time in milliseconds.
    pub fit_ms: f64,
    /// Inference time per 1,000 rows in milliseconds.
    pub infer_ms_per_1000: f64,
}

impl BaselineFit {
    /// Time it took to predict `data`'s validation and test rows, in milliseconds.
    pub fn predict_ms(&self, data: &PreparedData) -> f64 {
        self.infer_ms_per_1000 * (data.valid.rows() + data.test.rows()) as f64 / 1000.0
    }
}
/// Why a baseline could not be trained.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineError {
    /// Baseline name.
    pub model: String,
    /// What failed.
    pub message: String,
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "baseline {} failed: {}", self.model, self.message)
    }
}

impl std::error::Error for BaselineError {}

fn fail(model: &str, e: impl fmt::Display) -> BaselineError {
    BaselineError {
        model: model.to_string(),
        message: e.to_string(),
    }
}

/// Builds a smartcore matrix from row-major `f32` features.
pub fn dense(x: &[f32], rows: usize, cols: usize) -> Result<DenseMatrix<f64>, BaselineError> {
    let values: Vec<f64> = x.iter().map(|&v| v as f64).collect();
    DenseMatrix::new(rows, cols, values, false).map_err(|e| fail("matrix", e))
}

/// Fits a logistic regression on `(x, y)` and returns its accuracy on `(tx, ty)`.
pub fn logistic_regression_accuracy(
    x: &[f32],
    y: &[u32],
    tx: &[f32],
    ty: &[u32],
    cols: usize,
) -> Result<f64, BaselineError> {
    let name = "logistic regression";
    let train = dense(x, y.len(), cols)?;
    let test = dense(tx, ty.len(), cols)?;
    let model = LogisticRegression::fit(
        &train,
        &y.to_vec(),
        LogisticRegressionParameters::default().with_alpha(LOGISTIC_L2),
    )
    .map_err(|e| fail(name, e))?;
    let predicted: Vec<u32> = model.predict(&test).map_err(|e| fail(name, e))?;
    let correct = predicted.iter().zip(ty).filter(|(p, t)| p == t).count();
    Ok(correct as f64 / ty.len().max(1) as f64)
}

/// A fitted model's prediction function over a feature matrix.
type Predictor<'a> = Box<dyn Fn(&DenseMatrix<f64>) -> Result<Vec<f64>, BaselineError> + 'a>;

/// Class labels (or values) predicted by a smartcore model, as `f64`.
fn to_f64<T: Copy + Into<f64>>(v: &[T]) -> Vec<f64> {
    v.iter().map(|&x| x.into()).collect()
}

/// Fits one baseline on the training part and predicts the validation and test parts.
pub fn fit(
    kind: BaselineKind,
    data: &PreparedData,
    seed: u64,
) -> Result<BaselineFit, BaselineError> {
    let rows = Rows {
        x: &data.train.x,
        y: &data.train.y,
    };
    let fitted = fit_predict(kind, data, rows, &[&data.valid.x, &data.test.x], seed)?;
    let [valid, test]: [Prediction; 2] = fitted
        .predictions
        .try_into()
        .map_err(|_| fail(kind.name(), "expected two predictions"))?;
    Ok(BaselineFit {
        kind,
        valid,
        test,
        fit_ms: fitted.fit_ms,
        infer_ms_per_1000: fitted.infer_ms_per_1000,
    })
}

/// A baseline refit on train + validation: its predictions of the test part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineRefit {
    /// Predictions on the test part (only reported at the end of a search).
    pub test: Prediction,
    /// Fit time in milliseconds.
    pub fit_ms: f64,
    /// Training rows of the refit (train + validation).
    pub rows: usize,
}

/// Fits one baseline again on train + validation, as a network winner is retrained (or bagged
/// over folds of train + validation) before its test evaluation, and predicts the test part.
/// The same model and seed as [`fit`]; only its training rows differ.
pub fn refit(
    kind: BaselineKind,
    data: &PreparedData,
    seed: u64,
) -> Result<BaselineRefit, BaselineError> {
    let x = [data.train.x.as_slice(), &data.valid.x].concat();
    let y = [data.train.y.as_slice(), &data.valid.y].concat();
    let fitted = fit_predict(kind, data, Rows { x: &x, y: &y }, &[&data.test.x], seed)?;
    let test = fitted
        .predictions
        .into_iter()
        .next()
        .ok_or_else(|| fail(kind.name(), "expected a prediction"))?;
    Ok(BaselineRefit {
        test,
        fit_ms: fitted.fit_ms,
        rows: y.len(),
    })
}

/// Fits one baseline on a cross-validation fold: trained on `fold`'s training rows (the other
/// folds of train + validation, as [`crate::search::cv::fold_data`] cuts them) and predicting its
/// held-out rows (`fold.valid_x`). Returns the predictions and the fit time in milliseconds. The
/// same model and seed as [`fit`]; the test part is not read.
pub fn fit_fold(
    kind: BaselineKind,
    data: &PreparedData,
    fold: &TrainData,
    seed: u64,
) -> Result<(Prediction, f64), BaselineError> {
    let rows = Rows {
        x: &fold.train_x,
        y: &fold.train_y,
    };
    let fitted = fit_predict(kind, data, rows, &[&fold.valid_x], seed)?;
    let held_out = fitted
        .predictions
        .into_iter()
        .next()
        .ok_or_else(|| fail(kind.name(), "expected a prediction"))?;
    Ok((held_out, fitted.fit_ms))
}

/// Training rows: row-major features and one target per row.
#[derive(Clone, Copy)]
struct Rows<'a> {
    x: &'a [f32],
    y: &'a [f32],
}

/// A fitted model's predictions of the asked parts and its timings.
struct Fitted {
    predictions: Vec<Prediction>,
    fit_ms: f64,
    infer_ms_per_1000: f64,
}

/// Fits `kind` on `rows` (features prepared as in `data`) and predicts each of `parts`.
fn fit_predict(
    kind: BaselineKind,
    data: &PreparedData,
    rows: Rows<'_>,
    parts: &[&[f32]],
    seed: u64,
) -> Result<Fitted, BaselineError> {
    let name = kind.name();
    let cols = data.inputs();
    let train = dense(rows.x, rows.y.len(), cols)?;
    let parts: Vec<DenseMatrix<f64>> = parts
        .iter()
        .map(|x| dense(x, x.len() / cols.max(1), cols))
        .collect::<Result<_, _>>()?;
    let scored = parts.iter().map(rows_of).sum::<usize>().max(1) as f64;
    let classes = data.task.outputs();
    let labels: Vec<u32> = rows.y.iter().map(|&v| v.max(0.0) as u32).collect();
    let labels_i32: Vec<i32> = labels.iter().map(|&v| v as i32).collect();
    let targets: Vec<f64> = rows.y.iter().map(|&v| v as f64).collect();
    let f = |e: smartcore::error::Failed| fail(name, e);
    let start = now_ms();
    // Each arm fits, then returns a predictor for a matrix (as f64 labels or values).
    let (fit_ms, predict): (f64, Predictor<'_>) = match kind {
        BaselineKind::Majority => {
            let mut counts = vec![0usize; classes.max(1)];
            for &l in &labels {
                if let Some(c) = counts.get_mut(l as usize) {
                    *c += 1;
                }
            }
            let best = (0..counts.len())
                .max_by_key(|&c| (counts[c], usize::MAX - c))
                .unwrap_or(0);
            (
                now_ms() - start,
                Box::new(move |m: &DenseMatrix<f64>| Ok(vec![best as f64; rows_of(m)])),
            )
        }
        BaselineKind::Mean => {
            let mean = targets.iter().sum::<f64>() / targets.len().max(1) as f64;
            (
                now_ms() - start,
                Box::new(move |m: &DenseMatrix<f64>| Ok(vec![mean; rows_of(m)])),
            )
        }
        BaselineKind::LogisticRegression => {
            let model = LogisticRegression::fit(
                &train,
                &labels_i32,
                LogisticRegressionParameters::default().with_alpha(LOGISTIC_L2),
            )
            .map_err(f)?;
            (
                now_ms() - start,
                Box::new(move |m| Ok(to_f64(&model.predict(m).map_err(f)?))),
            )
        }
        BaselineKind::Ridge => {
            let model = RidgeRegression::fit(
                &train,
                &targets,
                RidgeRegressionParameters::default().with_alpha(1.0),
            )
            .map_err(f)?;
            (
                now_ms() - start,
                Box::new(move |m| model.predict(m).map_err(f)),
            )
        }
        BaselineKind::DecisionTree => {
            if matches!(data.task, Task::Regression) {
                let p = DecisionTreeRegressorParameters {
                    seed: Some(seed),
                    ..Default::default()
                }
                .with_max_depth(10);
                let model = DecisionTreeRegressor::fit(&train, &targets, p).map_err(f)?;
                (
                    now_ms() - start,
                    Box::new(move |m| model.predict(m).map_err(f)),
                )
            } else {
                let p = DecisionTreeClassifierParameters {
                    seed: Some(seed),
                    ..Default::default()
                }
                .with_max_depth(10);
                let model = DecisionTreeClassifier::fit(&train, &labels_i32, p).map_err(f)?;
                (
                    now_ms() - start,
                    Box::new(move |m| Ok(to_f64(&model.predict(m).map_err(f)?))),
                )
            }
        }
        BaselineKind::RandomForest => {
            if matches!(data.task, Task::Regression) {
                let p = RandomForestRegressorParameters::default()
                    .with_n_trees(100)
                    .with_seed(seed);
                let model = RandomForestRegressor::fit(&train, &targets, p).map_err(f)?;
                (
                    now_ms() - start,
                    Box::new(move |m| model.predict(m).map_err(f)),
                )
            } else {
                let p = RandomForestClassifierParameters::default()
                    .with_n_trees(100)
                    .with_seed(seed);
                let model = RandomForestClassifier::fit(&train, &labels_i32, p).map_err(f)?;
                (
                    now_ms() - start,
                    Box::new(move |m| Ok(to_f64(&model.predict(m).map_err(f)?))),
                )
            }
        }
        BaselineKind::Knn => {
            let k = 5.min(rows.y.len().max(1));
            if matches!(data.task, Task::Regression) {
                let model = KNNRegressor::fit(
                    &train,
                    &targets,
                    KNNRegressorParameters::default()
                        .with_k(k)
                        .with_algorithm(KNNAlgorithmName::LinearSearch),
                )
                .map_err(f)?;
                (
                    now_ms() - start,
                    Box::new(move |m| model.predict(m).map_err(f)),
                )
            } else {
                let model = KNNClassifier::fit(
                    &train,
                    &labels_i32,
                    KNNClassifierParameters::default()
                        .with_k(k)
                        .with_algorithm(KNNAlgorithmName::LinearSearch),
                )
                .map_err(f)?;
                (
                    now_ms() - start,
                    Box::new(move |m| Ok(to_f64(&model.predict(m).map_err(f)?))),
                )
            }
        }
        BaselineKind::GaussianNb => {
            // This naive Bayes has no variance smoothing: a feature constant within one class
            // (the blank border pixels of digits) makes that class's log-likelihood NaN for
            // every row. It is fitted on the features that vary within every class.
            let keep = varying_within_classes(rows.x, &labels, cols);
            if keep.is_empty() {
                return Err(fail(
                    name,
                    "no feature varies within every class (a class with one training row, or \
                     features that are constant within a class)",
                ));
            }
            let model = GaussianNB::fit(
                &columns(&train, &keep)?,
                &labels,
                GaussianNBParameters::default(),
            )
            .map_err(f)?;
            (
                now_ms() - start,
                Box::new(move |m| Ok(to_f64(&model.predict(&columns(m, &keep)?).map_err(f)?))),
            )
        }
        BaselineKind::Svc => {
            // The one-vs-one SVC borrows its training data, so it is fitted and applied in one go.
            let gamma = 1.0 / cols.max(1) as f64;
            let params = SVCParameters::default()
                .with_c(1.0)
                .with_kernel(Kernels::rbf().with_gamma(gamma))
                .with_seed(Some(seed));
            let model = MultiClassSVC::fit(&train, &labels_i32, &params).map_err(f)?;
            let fit_ms = now_ms() - start;
            let t0 = now_ms();
            let predictions = parts
                .iter()
                .map(|m| Ok(to_prediction(&data.task, model.predict(m).map_err(f)?)))
                .collect::<Result<_, BaselineError>>()?;
            return Ok(Fitted {
                predictions,
                fit_ms,
                infer_ms_per_1000: (now_ms() - t0) * 1000.0 / scored,
            });
        }
    };
    let t0 = now_ms();
    let predictions = parts
        .iter()
        .map(|m| Ok(to_prediction(&data.task, predict(m)?)))
        .collect::<Result<_, BaselineError>>()?;
    Ok(Fitted {
        predictions,
        fit_ms,
        infer_ms_per_1000: (now_ms() - t0) * 1000.0 / scored,
    })
}

/// The columns of row-major `x` (`cols` wide) whose values vary within every class of
/// `labels` (variance above 1e-10; the features are standardised to unit variance).
fn varying_within_classes(x: &[f32], labels: &[u32], cols: usize) -> Vec<usize> {
    let classes = labels.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
    // Per class and column: count, sum and sum of squares (in f64).
    let mut stats = vec![(0usize, 0.0f64, 0.0f64); classes * cols];
    for (row, &l) in x.chunks_exact(cols.max(1)).zip(labels) {
        for (c, &v) in row.iter().enumerate() {
            let s = &mut stats[l as usize * cols + c];
            s.0 += 1;
            s.1 += v as f64;
            s.2 += v as f64 * v as f64;
        }
    }
    (0..cols)
        .filter(|&c| {
            (0..classes).all(|k| {
                let (n, sum, sq) = stats[k * cols + c];
                if n == 0 {
                    return true;
                }
                let mean = sum / n as f64;
                sq / n as f64 - mean * mean > 1e-10
            })
        })
        .collect()
}

/// The matrix of `m`'s columns `keep`, in that order.
fn columns(m: &DenseMatrix<f64>, keep: &[usize]) -> Result<DenseMatrix<f64>, BaselineError> {
    use smartcore::linalg::basic::arrays::Array;
    let rows = rows_of(m);
    let mut values = Vec::with_capacity(rows * keep.len());
    for r in 0..rows {
        values.extend(keep.iter().map(|&c| *m.get((r, c))));
    }
    DenseMatrix::new(rows, keep.len(), values, false).map_err(|e| fail("matrix", e))
}

fn rows_of(m: &DenseMatrix<f64>) -> usize {
    use smartcore::linalg::basic::arrays::Array;
    m.shape().0
}

fn to_prediction(task: &Task, values: Vec<f64>) -> Prediction {
    match task {
        Task::Classification { classes } => Prediction::Classes {
            labels: values
                .iter()
                .map(|&v| (v.round().max(0.0) as u32).min(classes.len().saturating_sub(1) as u32))
                .collect(),
            probs: None,
        },
        Task::Regression => Prediction::Values {
            values: values.iter().map(|&v| v as f32).collect(),
        },
    }
}

/// The vertical-slice check: logistic regression on iris with a seeded 70/30 split.
pub fn iris_logistic_regression(seed: u64) -> Result<f64, BaselineError> {
    let iris = smartcore::dataset::iris::load_dataset();
    let cols = iris.num_features;
    let rows = iris.num_samples;
    let mut order: Vec<usize> = (0..rows).collect();
    crate::rng::Rng::new(seed).shuffle(&mut order);
    let cut = rows * 7 / 10;
    let pick = |idx: &[usize]| -> (Vec<f32>, Vec<u32>) {
        let mut x = Vec::with_capacity(idx.len() * cols);
        let mut y = Vec::with_capacity(idx.len());
        for &i in idx {
            x.extend_from_slice(&iris.data[i * cols..(i + 1) * cols]);
            y.push(iris.target[i] as u32);
        }
        (x, y)
    };
    let (x, y) = pick(&order[..cut]);
    let (tx, ty) = pick(&order[cut..]);
    logistic_regression_accuracy(&x, &y, &tx, &ty, cols)
}

#[cfg(test)]
mod tests {
    use super::{BaselineKind, DataSize, Task};

    fn classes() -> Task {
        Task::Classification {
            classes: vec!["a".into(), "b".into()],
        }
    }

    /// The default split's size: 60 % training rows, 40 % scored, two balanced classes.
    fn size(train_rows: usize, features: usize) -> DataSize {
        let half = (train_rows / 2) as u64;
        DataSize {
            train_rows,
            scored_rows: train_rows * 2 / 3,
            features,
            class_rows_squared: 2 * half * half,
        }
    }

    #[test]
    fn quadratic_baselines_are_left_out_of_large_data_and_say_why() {
        use BaselineKind::{GaussianNb, Knn, RandomForest, Svc};
        // Digits' training part keeps them all; wider or longer tables lose more.
        for (rows, features, left_out) in [
            (1078, 64, vec![]),
            (1020, 20, vec![]),
            (1000, 100, vec![]),
            (1700, 1, vec![]),
            (1200, 310, vec![Svc]),
            (1980, 20, vec![Svc]),
            (5000, 20, vec![Svc]),
            (7500, 20, vec![Knn, Svc]),
            (3000, 300, vec![RandomForest, Knn, Svc]),
            (12000, 25, vec![RandomForest, Knn, Svc]),
            (15000, 20, vec![RandomForest, Knn, GaussianNb, Svc]),
        ] {
            let kinds = BaselineKind::for_task(&classes(), size(rows, features));
            let skipped = BaselineKind::skipped(&classes(), size(rows, features));
            let names: Vec<_> = skipped.iter().map(|(k, _)| *k).collect();
            assert_eq!(names, left_out, "{rows} × {features}");
            assert_eq!(kinds.len() + skipped.len(), 7, "{rows} × {features}");
            for (kind, reason) in skipped {
                assert!(!kinds.contains(&kind));
                assert!(reason.starts_with("not fitted: "), "{reason}");
                assert!(reason.contains(&format!("{rows} training rows × {features} features")));
            }
        }
        // Regression has no SVC nor naive Bayes, and its forest grows about linearly.
        let regression = |rows| DataSize {
            class_rows_squared: 0,
            ..size(rows, 20)
        };
        assert_eq!(
            BaselineKind::for_task(&Task::Regression, regression(1980)).len(),
            5
        );
        let left_out = |rows| -> Vec<BaselineKind> {
            BaselineKind::skipped(&Task::Regression, regression(rows))
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        };
        assert_eq!(left_out(12000), vec![Knn]);
        assert_eq!(left_out(30000), vec![Knn]);
        assert_eq!(left_out(40000), vec![RandomForest, Knn]);
    }

    #[test]
    fn iris_logistic_regression_is_accurate() {
        let acc = super::iris_logistic_regression(1).unwrap();
        assert!(acc > 0.9, "accuracy {acc}");
    }
}
