//! The typed event stream of a search, consumed by the CLI (progress bar) and the page (charts,
//! leaderboard). Serialised as JSON objects with a `type` tag, e.g.
//! `{"type":"epoch","trial":3,"metrics":{…}}`.

use super::cv::CvScore;
use super::ensemble::Share;
use super::sampler::Objective;
use super::schedule::Plan;
use super::space::{ParamDef, Sample, SearchSpace};
use super::Budget;
use crate::model::EpochMetrics;
use crate::report::leaderboard::Leaderboard;
use crate::report::metrics::Metrics;
use serde::{Deserialize, Serialize};

/// How a trial ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrialStatus {
    /// Training now (or waiting for a promotion under ASHA).
    Running,
    /// Reached the full horizon.
    Completed,
    /// Stopped early by the scheduler.
    Pruned,
    /// Loss or weights became non-finite.
    Diverged,
    /// Still unfinished when the budget ran out or the search was stopped.
    Stopped,
}

/// One event of a search.
#[allow(clippy::large_enum_variant)] // events are built, serialised and dropped; not stored in bulk
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The search began; `plan` shows the brackets before any training.
    SearchStarted {
        /// Dataset name.
        dataset: String,
        /// `classification` or `regression`.
        task: String,
        /// Seed of the whole run.
        seed: u64,
        /// Scheduler plan.
        plan: Plan,
        /// The space searched.
        space: SearchSpace,
        /// The space flattened into the parameters a trial's `params` name, in the space's order
        /// (parents before their conditional children), with each one's distribution.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        params: Vec<ParamDef>,
        /// The budget.
        budget: Budget,
        /// Rows per part: train, validation, test.
        rows: [usize; 3],
        /// Sampler name.
        sampler: String,
        /// Whether evolution children inherit their parent's weights.
        inherit: bool,
        /// Regression: the training target's mean and standard deviation. The validation RMSE of
        /// [`Event::Epoch`] and [`Event::TrialFinished`] is in standardised units; times the
        /// standard deviation it is in the target's units, as the leaderboard and
        /// [`Event::CrossValidated`] give it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_scale: Option<(f32, f32)>,
        /// What to know about the data before trusting the scores ([`PreparedData::warnings`]).
        ///
        /// [`PreparedData::warnings`]: crate::data::PreparedData::warnings
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<String>,
    },
    /// A new candidate.
    TrialStarted {
        /// Trial number.
        trial: u32,
        /// Architecture summary, e.g. `64-relu ▸ 32-tanh`.
        summary: String,
        /// Trainable parameters.
        parameters: usize,
        /// Sampled values (internal representation).
        params: Sample,
        /// Parent trial (evolution).
        parent: Option<u32>,
        /// Whether it starts from its parent's weights.
        inherited: bool,
        /// How the proposal was made.
        origin: String,
        /// Epochs it will train before its first evaluation.
        target_epochs: u32,
    },
    /// One epoch of one candidate.
    Epoch {
        /// Trial number.
        trial: u32,
        /// Its metrics.
        metrics: EpochMetrics,
    },
    /// The scheduler stopped a candidate early.
    Pruned {
        /// Trial number.
        trial: u32,
        /// Epochs trained.
        epochs: u32,
    },
    /// The scheduler lets a candidate continue training.
    Promoted {
        /// Trial number.
        trial: u32,
        /// Epochs trained so far.
        from_epochs: u32,
        /// Epochs it will reach.
        to_epochs: u32,
    },
    /// A candidate's loss or weights became non-finite.
    Diverged {
        /// Trial number.
        trial: u32,
        /// Epoch at which it happened.
        epoch: u32,
    },
    /// A candidate will not train any further.
    TrialFinished {
        /// Trial number.
        trial: u32,
        /// Final status.
        status: TrialStatus,
        /// Epochs trained.
        epochs: u32,
        /// Last validation objective.
        objective: Option<Objective>,
        /// Last validation accuracy (classification) or RMSE (regression, standardised units).
        valid_score: Option<f32>,
    },
    /// A classical baseline was fitted and scored on validation data.
    BaselineFinished {
        /// Baseline name.
        name: String,
        /// Validation metrics.
        valid: Option<Metrics>,
        /// Fit time.
        fit_ms: f64,
        /// Time it took to predict the validation and test rows (scored before the search starts;
        /// the test predictions are only read at the end).
        #[serde(default)]
        predict_ms: f64,
        /// Why it failed, if it did.
        error: Option<String>,
    },
    /// A classical baseline of the task is not fitted on this data (e.g. the SVC on too many rows
    /// for its quadratic fit time); sent once, before the baselines run.
    BaselineSkipped {
        /// Baseline name.
        name: String,
        /// Why, to show as it is.
        reason: String,
    },
    /// The search phase ended and the top candidates are cross-validated (one fold per step).
    CrossValidationStarted {
        /// Folds.
        folds: u32,
        /// Trials cross-validated, best validation objective first.
        candidates: Vec<u32>,
        /// Better-ranked trials left out because they would not fit into the time (or
        /// epochs) left beside the ones taken, best first; they rank after the cross-validated
        /// ones.
        passed_over: Vec<u32>,
        /// Rows cut into folds (train + validation; never test).
        rows: usize,
    },
    /// Cross-validation was on but did not run (why: too few rows, no candidate, no budget).
    CrossValidationSkipped {
        /// Why.
        reason: String,
    },
    /// A candidate's cross-validated score (means over the held-out folds).
    CrossValidated {
        /// Trial number.
        trial: u32,
        /// Folds evaluated.
        folds: u32,
        /// Mean held-out accuracy (classification) or RMSE in the target's units (regression).
        score: f64,
        /// Mean held-out loss.
        loss: f64,
        /// Whether training diverged on some fold.
        diverged: bool,
    },
    /// A baseline was cross-validated on the folds the networks were cross-validated on (fitted
    /// on the other folds of train + validation, scored on each held-out one; never the test
    /// part), or could not be; the leaderboard then places it by its validation score.
    BaselineCrossValidated {
        /// Baseline name.
        name: String,
        /// Folds evaluated (0 when it has no score).
        folds: u32,
        /// Mean held-out accuracy (classification) or RMSE in the target's units (regression).
        score: Option<f64>,
        /// Fit time over the folds.
        fit_ms: f64,
        /// Why it has no score: a fold fit that failed, or fits too costly for every fold.
        error: Option<String>,
    },
    /// A baseline was fitted again on train + validation, as the winner was trained on those
    /// rows; its test score will be that refit's.
    BaselineRefitted {
        /// Baseline name.
        name: String,
        /// Training rows of the refit.
        rows: usize,
        /// Fit time.
        fit_ms: f64,
        /// Why it failed, if it did (the baseline is then tested as first fitted).
        error: Option<String>,
    },
    /// The winner was retrained from scratch on train + validation rows.
    Refitted {
        /// Trial number.
        trial: u32,
        /// Epochs trained (as in the search).
        epochs: u32,
        /// Training rows of the refit.
        rows: usize,
        /// The refit diverged and was discarded (the search-phase weights are kept).
        diverged: bool,
    },
    /// The winner became the bag of its fold models from the cross-validation stage, or an
    /// ensemble of several cross-validated trials' bags (their share-weighted mean output is
    /// the model tested and exported; see `SearchConfig::bag` and `SearchConfig::ensemble`).
    WinnerBagged {
        /// Trial number (the lead member: the largest share).
        trial: u32,
        /// Networks in all (one per fold and member).
        models: u32,
        /// Rows of train + validation the folds were drawn from (each model trained on all but
        /// one fold of them).
        rows: usize,
        /// Each member's trial, share and fold models (one member for a bag).
        #[serde(default)]
        members: Vec<Share>,
        /// The ensemble's out-of-fold score, when it has several members (one member's is its
        /// trial's cross-validated score).
        #[serde(default)]
        cv: Option<CvScore>,
        /// The temperature its class probabilities are scaled by, fitted on its out-of-fold
        /// predictions (`None`: unscaled; see [`crate::model::calibration`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        temperature: Option<f64>,
    },
    /// The search finished and the finalists were evaluated on the test part.
    SearchFinished {
        /// Final leaderboard.
        leaderboard: Box<Leaderboard>,
        /// Searching time (pauses excluded).
        elapsed_ms: f64,
        /// Trials started.
        trials: u32,
        /// Candidate-epochs trained.
        epochs: u64,
    },
}
