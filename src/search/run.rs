//! The search as an explicit, serialisable state machine.
//!
//! The same code runs in a browser Web Worker (one thread, async, must stay responsive and
//! pausable) and in the CLI: the caller drives it with [`Search::step`], which does a bounded
//! amount of work (one baseline, or one rung's population trained together for a few epochs) and
//! returns typed [`Event`]s. Pausing is simply not calling `step`; [`Search::save`] captures the
//! whole state (including the weights of candidates still training) as JSON-serialisable data and
//! [`Search::resume`] continues it, possibly in another process.
//!
//! Honest evaluation: the trainer only ever sees the train/validation parts; every selection
//! (scheduler, sampler, finalists, leaderboard rank) uses validation metrics; the test part is
//! scored once, in [`Search::finish`], for the finalists and baselines (a baseline predicts its
//! rows when it is fitted, and again when it is refit on train + validation; nothing reads those
//! predictions before `finish`).

use super::cv::{self, Allowance, CvScore, CvStage, Offer};
use super::ensemble::{self, Ensemble, Member};
use super::events::{Event, TrialStatus};
use super::near_copy;
use super::sampler::{Objective, Observation, Sampler, SamplerConfig};
use super::schedule::{Action, Fidelity, Scheduler, SchedulerConfig};
use super::space::{Sample, SearchSpace, SpaceError, SpecShape};
use super::Budget;
use crate::baselines::{self, BaselineFit, BaselineKind, BaselineRefit, DataSize, Prediction};
use crate::data::{PreparedData, Task};
use crate::model::trainer::{CandidateId, TrainError, Trainer};
use crate::model::{
    CandidateState, EpochMetrics, Loss, Spec, SpecError, TrainData, Weighted, Weights,
};
use crate::platform::now_ms;
use crate::report::leaderboard::{Leaderboard, ModelKind, Row};
use crate::report::metrics::{self, Metrics};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

mod baseline_cv;
mod phase;
mod stages;
mod time_shares;

pub use time_shares::{
    epochs_that_fit, longest_first_ms, span, thread_times, time_shares, work_costs,
};

/// Everything that defines a search run (together with the data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchConfig {
    /// Seed of the whole run (samplers, candidate seeds, baselines).
    pub seed: u64,
    /// The space; `None` means the default for the task.
    pub space: Option<SearchSpace>,
    /// Sampler.
    pub sampler: SamplerConfig,
    /// Scheduler.
    pub scheduler: SchedulerConfig,
    /// Epoch resource: rungs and horizon.
    pub fidelity: Fidelity,
    /// Budget.
    pub budget: Budget,
    /// Upper bound on trials started (optional).
    pub max_trials: Option<u32>,
    /// Finalists evaluated on the test part at the end (no two of them near-copies: see
    /// [`super::near_copy`]).
    pub finalists: usize,
    /// Whether to fit the classical baselines.
    pub baselines: bool,
    /// Most epochs one [`Search::step`] trains (keeps steps short and the page responsive).
    pub max_epochs_per_step: u32,
    /// Folds of the cross-validation of the top candidates after the search phase (0 or 1: off).
    /// See [`super::cv`].
    #[serde(default = "default_cv_folds")]
    pub cv_folds: u32,
    /// How many of the top trials (by validation objective, passing over near-copies of a better
    /// one: [`super::near_copy`]) are cross-validated, at most.
    #[serde(default = "default_cv_candidates")]
    pub cv_candidates: usize,
    /// Most of the budgets reserved for cross-validation: the search phase ends at
    /// `1 - cv_share` of the epoch budget, and holds back from the time budget the stage's
    /// estimated cost for the current top candidates with a margin
    /// ([`super::cv::RESERVE_MARGIN`]), at most `cv_share` of it, and nothing when the top
    /// candidate alone would take more ([`super::cv::held_back_ms`]).
    #[serde(default = "default_cv_share")]
    pub cv_share: f64,
    /// With cross-validation, the winner becomes the bag of its fold models: the `k` networks
    /// the stage trained on `k - 1` folds each, whose mean output is the model tested, exported
    /// and used for predictions (cross-validation bagging). Each member was trained on most of
    /// train + validation, and averaging them lowers the variance of one network trained on
    /// few rows. Off (or when the winner diverged on a fold), the winner is one network, refit
    /// as [`SearchConfig::refit`] says.
    #[serde(default = "default_bag")]
    pub bag: bool,
    /// With bagging, the winner is an ensemble of the cross-validated candidates instead of
    /// the best one's bag alone: greedy selection on their out-of-fold predictions chooses the
    /// members and their shares ([`super::ensemble`]); it may choose the best candidate alone.
    #[serde(default = "default_bag")]
    pub ensemble: bool,
    /// For classification, scale the bagged winner's class probabilities by a temperature
    /// fitted on its out-of-fold predictions ([`crate::model::calibration`]); the predicted
    /// classes do not change.
    #[serde(default = "default_bag")]
    pub calibrate: bool,
    /// Retrain the winner on train + validation before its test evaluation: `None` (default)
    /// does so when cross-validation ran (it showed the spec generalises across folds) and
    /// no bag was formed, `Some(true)` always (instead of a bag), `Some(false)` never.
    #[serde(default)]
    pub refit: Option<bool>,
    /// Trials that may wait between rungs inside the trainer; beyond that, waiting trials move
    /// off it with their complete training state and come back exactly when promoted. Results
    /// do not depend on it; it bounds the trainer's (GPU) memory and re-layout cost.
    #[serde(default = "default_resident_waiting")]
    pub resident_waiting: usize,
}

fn default_resident_waiting() -> usize {
    64
}

fn default_bag() -> bool {
    true
}

fn default_cv_folds() -> u32 {
    5
}

fn default_cv_candidates() -> usize {
    6
}

fn default_cv_share() -> f64 {
    0.25
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            seed: 1,
            space: None,
            sampler: SamplerConfig::Tpe(Default::default()),
            scheduler: SchedulerConfig::Asha { slots: 8 },
            fidelity: Fidelity {
                min_epochs: 3,
                max_epochs: 81,
                eta: 3,
            },
            budget: Budget {
                seconds: Some(60.0),
                epochs: None,
            },
            max_trials: None,
            finalists: 3,
            baselines: true,
            max_epochs_per_step: 5,
            cv_folds: default_cv_folds(),
            cv_candidates: default_cv_candidates(),
            cv_share: default_cv_share(),
            bag: default_bag(),
            ensemble: default_bag(),
            calibrate: default_bag(),
            refit: None,
            resident_waiting: default_resident_waiting(),
        }
    }
}

impl SearchConfig {
    /// Whether evolution children start from their parent's weights.
    pub fn inherit(&self) -> bool {
        matches!(&self.sampler, SamplerConfig::Evolution(c) if c.inherit)
    }

    /// Whether the finalists are cross-validated after the search phase. Never with weight
    /// inheritance: a child continues its parent's training, which retraining from scratch on a
    /// fold (or refitting) cannot reproduce, so the stage would score other networks.
    pub fn cross_validates(&self) -> bool {
        self.cv_folds >= 2 && self.cv_candidates >= 1 && !self.inherit()
    }

    /// Whether the cross-validation stage keeps its fold models to bag the winner.
    pub fn bags(&self) -> bool {
        self.bag && self.refit != Some(true) && self.cross_validates()
    }

    /// Share of the budgets the search phase may use (`1 - cv_share` with cross-validation).
    fn search_share(&self) -> f64 {
        if self.cross_validates() {
            1.0 - self.cv_share
        } else {
            1.0
        }
    }
}

/// Why a search could not proceed.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchError {
    /// The configuration is unusable (names the field).
    Config(String),
    /// The search space is invalid.
    Space(SpaceError),
    /// A proposal could not become a valid candidate.
    Spec(SpecError),
    /// The trainer failed.
    Train(TrainError),
    /// `finish` was called before the search phase ended.
    NotFinished,
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchError::Config(m) => write!(f, "invalid search configuration: {m}"),
            SearchError::Space(e) => write!(f, "{e}"),
            SearchError::Spec(e) => write!(f, "{e}"),
            SearchError::Train(e) => write!(f, "training failed: {e}"),
            SearchError::NotFinished => write!(
                f,
                "the search is still running; step it until is_finished()"
            ),
        }
    }
}

impl std::error::Error for SearchError {}

impl From<TrainError> for SearchError {
    fn from(e: TrainError) -> Self {
        SearchError::Train(e)
    }
}

/// One candidate of the search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// Trial number (0-based, in creation order).
    pub id: u32,
    /// Sampled parameters (internal values), shared with the sampler's view of the history.
    pub sample: Arc<Sample>,
    /// The validated candidate.
    pub spec: Spec,
    /// Parent trial (evolution).
    pub parent: Option<u32>,
    /// How the proposal was made.
    pub origin: String,
    /// Whether it started from its parent's weights.
    pub inherited: bool,
    /// Current status.
    pub status: TrialStatus,
    /// Metrics of every epoch trained.
    pub curve: Vec<EpochMetrics>,
    /// Training time attributed to this trial in the search phase (its share of each group's
    /// wall time, by [`time_shares`]).
    pub train_ms: f64,
    /// Training time in the search phase on one of the trainer's threads: its work's part of
    /// each group's wall time, the group scheduled longest first on the threads (by
    /// [`thread_times`]). What it would take trained alone; the unit of the cross-validation
    /// stage's estimates ([`super::cv::fold_ms`]). Equal to `train_ms` on a trainer that trains
    /// one candidate at a time; 0 in searches saved before it was recorded.
    #[serde(default)]
    pub thread_ms: f64,
    /// Training time spent after the search phase on networks of this trial's spec: its fold
    /// models in cross-validation (its share of each group's wall time, by [`time_shares`]) and
    /// a refit.
    #[serde(default)]
    pub retrain_ms: f64,
    /// Cross-validated score, when the trial was a cross-validation finalist.
    #[serde(default)]
    pub cv: Option<CvScore>,
}

impl Trial {
    /// Epochs trained.
    pub fn epochs(&self) -> u32 {
        self.curve.len() as u32
    }

    /// Latest validation objective (`None` before the first epoch).
    pub fn objective(&self) -> Option<Objective> {
        self.curve.last().map(|m| objective_of(m, self.spec.loss))
    }

    /// Where cross-validation puts the trial in the ranking ([`CvScore::rank_class`]).
    pub fn cv_rank_class(&self) -> u8 {
        CvScore::rank_class(self.cv.as_ref())
    }

    /// Cross-validated objective (`None` without cross-validation).
    pub fn cv_objective(&self) -> Option<Objective> {
        let cv = self.cv?;
        Some(cv.objective(self.spec.loss == Loss::SoftmaxCrossEntropy))
    }
}

fn objective_of(m: &EpochMetrics, loss: Loss) -> Objective {
    if m.diverged || !m.valid_loss.is_finite() {
        return Objective::WORST;
    }
    let primary = match loss {
        Loss::SoftmaxCrossEntropy => 1.0 - m.valid_score as f64,
        Loss::MeanSquaredError => m.valid_score as f64,
    };
    Objective {
        primary,
        secondary: m.valid_loss as f64,
    }
}

/// A baseline's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineResult {
    /// Which baseline.
    pub kind: BaselineKind,
    /// Its predictions, or why it failed.
    pub fit: Result<BaselineFit, String>,
    /// Its refit on train + validation (when the winner was trained on those rows too), or why
    /// that failed; its test predictions then replace those of `fit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refit: Option<Result<BaselineRefit, String>>,
    /// Its cross-validated score on the folds the networks were cross-validated on (when that
    /// stage ran), or why it has none (a failed fold fit, or too costly to fit on every fold);
    /// the leaderboard ranks it by this score, as it ranks the cross-validated networks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv: Option<Result<CvScore, String>>,
    /// Its held-out scores so far, while it is being cross-validated: accuracy
    /// (classification) or RMSE in standardised units (regression), as the networks' fold
    /// metrics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cv_folds: Vec<f64>,
    /// Time spent fitting it on the folds (ms).
    #[serde(default)]
    pub cv_ms: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
enum Phase {
    NotStarted,
    Baselines {
        next: usize,
    },
    Searching,
    /// Cross-validating the top candidates, one fold per step (see [`super::cv`]).
    CrossValidating,
    /// Retraining the winner on train + validation (one step).
    Refit,
    /// Cross-validating the baselines on the folds the networks were cross-validated on, one
    /// fold of one baseline per step; `next` indexes the baseline results.
    CrossValidatingBaselines {
        next: usize,
    },
    /// Fitting the baselines again on train + validation, one per step, because the winner was
    /// trained on those rows (see [`Search::winner_saw_validation`]); `next` indexes the
    /// baseline results.
    RefittingBaselines {
        next: usize,
    },
    /// The search phase ended; waiting for `finish`.
    Stopped,
    Finished,
}

/// A search in progress. Serialisable: see [`Search::save`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Search {
    config: SearchConfig,
    space: SearchSpace,
    data: PreparedData,
    sampler: Sampler,
    scheduler: Scheduler,
    trials: Vec<Trial>,
    phase: Phase,
    elapsed_ms: f64,
    epochs_used: u64,
    baselines: Vec<BaselineResult>,
    baseline_queue: Vec<BaselineKind>,
    /// Weights kept off the trainer: finalist candidates and evolution parents.
    kept: BTreeMap<u32, Weights>,
    /// Weights of candidates in training, from states saved by earlier versions (such a
    /// candidate continues with a fresh optimizer state).
    #[serde(default)]
    reattach: BTreeMap<u32, Weights>,
    /// Trials waiting off the trainer: ASHA candidates paused at a rung beyond
    /// `config.resident_waiting`, and every candidate in training when the state was saved. A
    /// parked trial goes back into the trainer, exactly where it stopped, when it trains again.
    #[serde(default)]
    parked: BTreeMap<u32, Parked>,
    /// Trials whose state training from their seed cannot reproduce (continued from weights
    /// saved by an earlier version); they are parked with their state, never replayed.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    no_replay: BTreeSet<u32>,
    /// Trainer handles of candidates in the current trainer (not part of a saved state).
    #[serde(skip)]
    live: BTreeMap<u32, CandidateId>,
    leaderboard: Option<Leaderboard>,
    /// The cross-validation stage, while it runs.
    #[serde(default)]
    cv: Option<CvStage>,
    /// Changes whenever the data a trainer needs changes (see [`Search::trainer_data`]).
    #[serde(default)]
    generation: u32,
    /// Candidate-epochs trained by the cross-validation stage (all folds).
    #[serde(default)]
    cv_epochs: u64,
    /// Estimated time the stage needs for the current top candidates (ms).
    #[serde(default)]
    cv_reserve_ms: f64,
    /// Wall time of the latest search-phase step (ms). A step cannot be cut short, so with
    /// cross-validation the phase ends when one more such step would run into the stage's
    /// reserve.
    #[serde(default)]
    last_step_ms: f64,
    /// The trainer's wall time per unit of work ([`span`]) in the latest search-phase training
    /// call (ms); 0 until one is measured. It predicts a step's training time from its work, so
    /// a step trains only the epochs that end before the budget (or the stage's reserve). Not
    /// saved: a search continued elsewhere measures it again.
    #[serde(skip)]
    train_rate: f64,
    /// The winner's weights from the search phase, when it was refit (for held-out metrics).
    #[serde(default)]
    pre_refit: BTreeMap<u32, Weights>,
    /// The winner as the ensemble of cross-validated trials' fold models, when the
    /// cross-validation stage formed one (see [`SearchConfig::bag`]).
    #[serde(default)]
    ensemble: Option<Ensemble>,
    /// The winner's bag (trial, fold models) in states saved by an earlier version; read as an
    /// ensemble of one member by [`Search::resume`].
    #[serde(default, rename = "bag", skip_serializing)]
    legacy_bag: Option<(u32, Vec<Weights>)>,
}

/// How a trial waiting off the trainer comes back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Parked {
    /// Its complete training state: a trial in the middle of a rung, or one whose training
    /// started from inherited weights.
    State(CandidateState),
    /// Trained again from its seeded initial weights for this many epochs. Training is
    /// deterministic (`k + m` epochs equal `k` then `m`, on both trainers), so this reproduces
    /// its state exactly; keeping it costs nothing, retraining costs only those epochs.
    Replay {
        /// Epochs it had trained.
        epochs: u32,
    },
}

/// A saved search: plain data (serde), continued with [`Search::resume`].
pub type SearchState = Search;

impl Search {
    /// Creates a search; validates the configuration and the space.
    pub fn new(config: SearchConfig, data: &PreparedData) -> Result<Search, SearchError> {
        let space = config
            .space
            .clone()
            .unwrap_or_else(|| SearchSpace::default_for_data(data));
        space.validate().map_err(SearchError::Space)?;
        let f = config.fidelity;
        if f.min_epochs == 0 || f.min_epochs > f.max_epochs || f.eta < 2 {
            return Err(SearchError::Config(format!(
                "fidelity: need 1 <= min_epochs ({}) <= max_epochs ({}) and eta ({}) >= 2",
                f.min_epochs, f.max_epochs, f.eta
            )));
        }
        if config.budget.seconds.is_none()
            && config.budget.epochs.is_none()
            && config.max_trials.is_none()
        {
            return Err(SearchError::Config(
                "budget: give seconds, epochs or a trial limit".into(),
            ));
        }
        if !(0.0..1.0).contains(&config.cv_share) {
            return Err(SearchError::Config(format!(
                "cv_share ({}) must be in [0, 1)",
                config.cv_share
            )));
        }
        if data.train.rows() == 0 || data.valid.rows() == 0 {
            return Err(SearchError::Config(format!(
                "data: the training ({} rows) and validation ({} rows) parts must not be empty",
                data.train.rows(),
                data.valid.rows()
            )));
        }
        let baseline_queue = if config.baselines {
            BaselineKind::for_task(&data.task, DataSize::of(data))
        } else {
            Vec::new()
        };
        Ok(Search {
            sampler: Sampler::new(&config.sampler, config.seed),
            scheduler: Scheduler::new(&config.scheduler, f),
            space,
            data: data.clone(),
            trials: Vec::new(),
            phase: Phase::NotStarted,
            elapsed_ms: 0.0,
            epochs_used: 0,
            baselines: Vec::new(),
            baseline_queue,
            kept: BTreeMap::new(),
            reattach: BTreeMap::new(),
            parked: BTreeMap::new(),
            no_replay: BTreeSet::new(),
            live: BTreeMap::new(),
            leaderboard: None,
            cv: None,
            generation: 0,
            cv_epochs: 0,
            cv_reserve_ms: 0.0,
            last_step_ms: 0.0,
            train_rate: 0.0,
            pre_refit: BTreeMap::new(),
            ensemble: None,
            legacy_bag: None,
            config,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &SearchConfig {
        &self.config
    }

    /// The space searched.
    pub fn space(&self) -> &SearchSpace {
        &self.space
    }

    /// The data (the test part is only read by `finish` and the baselines).
    pub fn data(&self) -> &PreparedData {
        &self.data
    }

    /// All trials so far.
    pub fn trials(&self) -> &[Trial] {
        &self.trials
    }

    /// Baseline outcomes so far.
    pub fn baselines(&self) -> &[BaselineResult] {
        &self.baselines
    }

    /// The baselines left out as too costly for this data, each with the reason (none when the
    /// search fits no baselines). They are announced by [`Event::BaselineSkipped`] and never fitted.
    pub fn skipped_baselines(&self) -> Vec<(BaselineKind, String)> {
        if !self.config.baselines {
            return Vec::new();
        }
        BaselineKind::skipped(&self.data.task, DataSize::of(&self.data))
    }

    /// Searching time so far (pauses excluded).
    pub fn elapsed_ms(&self) -> f64 {
        self.elapsed_ms
    }

    /// Candidate-epochs trained so far.
    pub fn epochs_used(&self) -> u64 {
        self.epochs_used
    }

    /// The leaderboard, once `finish` ran.
    pub fn leaderboard(&self) -> Option<&Leaderboard> {
        self.leaderboard.as_ref()
    }

    /// Fraction of the budget spent, in `[0, 1]` (for progress bars).
    pub fn progress(&self) -> f64 {
        if matches!(self.phase, Phase::Stopped | Phase::Finished) {
            return 1.0;
        }
        let b = self.config.budget;
        let by_time = b
            .seconds
            .map(|s| self.elapsed_ms / (s * 1000.0).max(1.0))
            .unwrap_or(0.0);
        let by_epochs = b
            .epochs
            .map(|e| (self.epochs_used + self.cv_epochs) as f64 / e.max(1) as f64)
            .unwrap_or(0.0);
        if let (Phase::CrossValidating, Some(stage)) = (self.phase, &self.cv) {
            let folds = stage.folds.len().max(1) as f64;
            return (1.0 - self.config.cv_share * (1.0 - stage.next as f64 / folds))
                .max(by_time.max(by_epochs))
                .clamp(0.0, 1.0);
        }
        let by_trials = self
            .config
            .max_trials
            .map(|t| self.trials.len() as f64 / t.max(1) as f64)
            .unwrap_or(0.0);
        by_time.max(by_epochs).max(by_trials).clamp(0.0, 1.0)
    }

    /// Whether the search phase is over (call [`Search::finish`] next).
    pub fn is_finished(&self) -> bool {
        matches!(self.phase, Phase::Stopped | Phase::Finished)
    }

    /// The data of the search phase (train + validation; never the test part).
    pub fn train_data(&self) -> TrainData {
        self.data.train_data()
    }

    /// The data the trainer passed to the next [`Search::step`] must be built on: the search
    /// phase's ([`Search::train_data`]), a cross-validation fold's, or train + validation for
    /// the refit. It changes only when [`Search::data_generation`] does; callers keep the
    /// generation their trainer was built for and rebuild it when the number differs.
    pub fn trainer_data(&self) -> TrainData {
        match (self.phase, &self.cv) {
            (Phase::CrossValidating, Some(stage)) => {
                cv::fold_data(&self.data.train_data(), &stage.folds, stage.next)
            }
            (Phase::Refit, _) => self.refit_data(),
            _ => self.data.train_data(),
        }
    }

    /// A number that changes whenever [`Search::trainer_data`] does (0 for the search phase).
    pub fn data_generation(&self) -> u32 {
        self.generation
    }

    /// Whether the current winner was retrained on train + validation (refit stage or `finish`).
    pub fn winner_refitted(&self) -> bool {
        self.ranked()
            .first()
            .is_some_and(|t| self.pre_refit.contains_key(t))
    }

    /// Candidate-epochs trained by the cross-validation stage (not part of
    /// [`Search::epochs_used`], which counts the search phase).
    pub fn cv_epochs_used(&self) -> u64 {
        self.cv_epochs
    }

    /// Training data for an optional refit of the winner: train and validation rows together
    /// (validation rows are still reported, but no longer held out).
    pub fn refit_data(&self) -> TrainData {
        let mut d = self.data.train_data();
        d.train_x.extend_from_slice(&self.data.valid.x);
        d.train_y.extend_from_slice(&self.data.valid.y);
        d
    }

    /// Saves the state, including the complete training state (weights, optimizer state,
    /// progress) of candidates still in `trainer`: a resumed candidate continues exactly.
    pub async fn save<T: Trainer>(&self, trainer: &mut T) -> Result<SearchState, SearchError> {
        let mut state = self.clone();
        let active: Vec<u32> = self.scheduler.active().iter().map(|&(t, _)| t).collect();
        for (&trial, &id) in &self.live {
            let parked = self
                .parked_form(trial, id, active.contains(&trial), trainer)
                .await?;
            state.parked.insert(trial, parked);
        }
        state.live.clear();
        Ok(state)
    }

    /// Continues a saved search with a new trainer (created from [`Search::train_data`]).
    pub fn resume(state: SearchState) -> Search {
        let mut s = state;
        s.live.clear();
        if let Some((trial, models)) = s.legacy_bag.take() {
            let cv = s.trials.get(trial as usize).and_then(|t| t.cv);
            if let (None, Some(cv)) = (&s.ensemble, cv) {
                s.ensemble = Some(Ensemble {
                    members: vec![Member {
                        trial,
                        count: 1,
                        models,
                    }],
                    cv,
                    temperature: 1.0,
                });
            }
        }
        s
    }

    /// Takes the prepared data out of a saved state, leaving an empty placeholder, so the state
    /// can be stored without the user's rows (the page keeps only this in the browser's storage).
    /// Put the data back with [`Search::attach_data`].
    pub fn detach_data(state: &mut SearchState) -> PreparedData {
        let d = &state.data;
        let mut empty = PreparedData::from_parts(
            d.name.clone(),
            d.task.clone(),
            d.feature_names.clone(),
            Default::default(),
            Default::default(),
            Default::default(),
            d.target_scale,
        );
        // What `attach_data` checks new data against.
        empty.fingerprint = d.fingerprint.clone();
        empty.raw_columns = d.raw_columns.clone();
        std::mem::replace(&mut state.data, empty)
    }

    /// Puts data prepared again from the same source, target and split seed (the run's seed)
    /// back into a state saved with [`Search::detach_data`]. Refuses data that differ from the
    /// original: another file, or other feature columns.
    pub fn attach_data(state: SearchState, data: PreparedData) -> Result<Search, SearchError> {
        let expected = &state.data;
        let problem = if expected.fingerprint != data.fingerprint {
            Some("the data are not the file or dataset the search ran on")
        } else if expected.feature_names != data.feature_names {
            Some("the data were prepared with other feature columns")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(SearchError::Config(format!(
                "cannot continue the saved search: {problem}"
            )));
        }
        let mut s = Search::resume(state);
        s.data = data;
        Ok(s)
    }

    /// Ends the search now (a user's "stop"); then call [`Search::finish`]. The
    /// cross-validation and refit stages are skipped (a stage under way is abandoned: its
    /// partial fold results are dropped), so the result comes at once and ranks by validation.
    pub async fn stop<T: Trainer>(&mut self, trainer: &mut T) -> Result<Vec<Event>, SearchError> {
        let mut events = Vec::new();
        match self.phase {
            Phase::Stopped | Phase::Finished => {}
            Phase::CrossValidating
            | Phase::Refit
            | Phase::CrossValidatingBaselines { .. }
            | Phase::RefittingBaselines { .. } => {
                self.cv = None;
                for b in &mut self.baselines {
                    b.cv_folds.clear();
                }
                self.set_phase(Phase::Stopped);
            }
            _ => {
                self.end_search_phase(trainer, &mut events).await?;
                self.set_phase(Phase::Stopped);
            }
        }
        Ok(events)
    }

    /// Moves to `phase`; a new trainer data generation starts with each fold and the refit.
    /// The baselines' cross-validation and refit train no network, so they keep the generation
    /// (the caller's trainer is not rebuilt for them).
    fn set_phase(&mut self, phase: Phase) {
        let before = self.trainer_key();
        self.phase = phase;
        let trains = !matches!(
            self.phase,
            Phase::CrossValidatingBaselines { .. } | Phase::RefittingBaselines { .. }
        );
        if trains && self.trainer_key() != before {
            self.generation += 1;
        }
    }

    /// Identifies the data [`Search::trainer_data`] returns.
    fn trainer_key(&self) -> (u8, usize) {
        match (self.phase, &self.cv) {
            (Phase::CrossValidating, Some(stage)) => (1, stage.next),
            (Phase::Refit, _) => (2, 0),
            _ => (0, 0),
        }
    }

    /// Does one bounded unit of work and returns its events.
    pub async fn step<T: Trainer>(&mut self, trainer: &mut T) -> Result<Vec<Event>, SearchError> {
        let mut events = Vec::new();
        match self.phase {
            Phase::NotStarted => {
                events.push(self.started_event());
                for (kind, reason) in self.skipped_baselines() {
                    events.push(Event::BaselineSkipped {
                        name: kind.name().into(),
                        reason,
                    });
                }
                self.phase = Phase::Baselines { next: 0 };
            }
            Phase::Baselines { next } => {
                if let Some(&kind) = self.baseline_queue.get(next) {
                    events.push(self.run_baseline(kind));
                    self.phase = Phase::Baselines { next: next + 1 };
                } else {
                    self.phase = Phase::Searching;
                }
            }
            Phase::Searching => {
                let t0 = now_ms();
                let result = self.search_step(trainer, &mut events, t0).await;
                self.last_step_ms = now_ms() - t0;
                self.elapsed_ms += self.last_step_ms;
                result?;
            }
            Phase::CrossValidating => {
                let t0 = now_ms();
                let result = self.cv_step(trainer, &mut events).await;
                self.elapsed_ms += now_ms() - t0;
                result?;
            }
            Phase::Refit => {
                let t0 = now_ms();
                let result = self.refit_step(trainer, &mut events).await;
                self.elapsed_ms += now_ms() - t0;
                result?;
            }
            Phase::CrossValidatingBaselines { next } => {
                // Like the first fits, these are outside the time budget.
                self.baseline_cv_step(next, &mut events);
            }
            Phase::RefittingBaselines { next } => {
                // Like the first fits, these are outside the time budget.
                match (next..self.baselines.len()).find(|&i| self.baselines[i].fit.is_ok()) {
                    Some(i) => {
                        events.push(self.refit_baseline(i));
                        self.phase = Phase::RefittingBaselines { next: i + 1 };
                    }
                    None => self.set_phase(Phase::Stopped),
                }
            }
            Phase::Stopped | Phase::Finished => {}
        }
        Ok(events)
    }

    fn started_event(&self) -> Event {
        let (task, sampler) = (
            match self.data.task {
                Task::Classification { .. } => "classification",
                Task::Regression => "regression",
            },
            match &self.config.sampler {
                SamplerConfig::Random => "random",
                SamplerConfig::Tpe(_) => "tpe",
                SamplerConfig::Evolution(_) => "evolution",
            },
        );
        Event::SearchStarted {
            dataset: self.data.name.clone(),
            task: task.into(),
            seed: self.config.seed,
            plan: self.scheduler.plan(),
            space: self.space.clone(),
            params: self.space.params(),
            budget: self.config.budget,
            rows: [
                self.data.train.rows(),
                self.data.valid.rows(),
                self.data.test.rows(),
            ],
            sampler: sampler.into(),
            inherit: self.config.inherit(),
            target_scale: self.data.target_scale,
            warnings: self.data.warnings(),
        }
    }

    fn run_baseline(&mut self, kind: BaselineKind) -> Event {
        // The event and the result name the baseline already: keep only what failed.
        let fit = baselines::fit(kind, &self.data, self.config.seed).map_err(|e| e.message);
        let event = Event::BaselineFinished {
            name: kind.name().into(),
            valid: fit
                .as_ref()
                .ok()
                .map(|f| self.score(&f.valid, &self.data.valid.y)),
            fit_ms: fit.as_ref().map(|f| f.fit_ms).unwrap_or(0.0),
            predict_ms: fit
                .as_ref()
                .map(|f| f.predict_ms(&self.data))
                .unwrap_or(0.0),
            error: fit.as_ref().err().cloned(),
        };
        self.baselines.push(BaselineResult {
            kind,
            fit,
            refit: None,
            cv: None,
            cv_folds: Vec::new(),
            cv_ms: 0.0,
        });
        event
    }

    /// Fits baseline result `i` again on train + validation (see [`baselines::refit`]).
    fn refit_baseline(&mut self, i: usize) -> Event {
        let kind = self.baselines[i].kind;
        let refit = baselines::refit(kind, &self.data, self.config.seed).map_err(|e| e.message);
        let event = Event::BaselineRefitted {
            name: kind.name().into(),
            rows: self.data.train.rows() + self.data.valid.rows(),
            fit_ms: refit.as_ref().map(|r| r.fit_ms).unwrap_or(0.0),
            error: refit.as_ref().err().cloned(),
        };
        self.baselines[i].refit = Some(refit);
        event
    }

    /// Whether the winner's tested model was trained on train + validation: the bag or
    /// ensemble of cross-validation fold models, or a refit network. The baselines are then
    /// refit on the same rows before the test evaluation.
    pub fn winner_saw_validation(&self) -> bool {
        self.winner_ensemble().is_some() || self.winner_refitted()
    }

    /// Ends the stages after the search phase: the baselines' cross-validation when the
    /// networks were cross-validated, then their refit when the winner trained on train +
    /// validation, else stopped.
    pub(super) fn after_stages(&mut self) {
        match self.next_baseline_to_cross_validate(0) {
            Some(next) => self.set_phase(Phase::CrossValidatingBaselines { next }),
            None => self.after_baseline_cv(),
        }
    }

    /// After the baselines' cross-validation (or without it): their refit when the winner
    /// trained on train + validation, else stopped.
    pub(super) fn after_baseline_cv(&mut self) {
        let refit_baselines = self.winner_saw_validation()
            && self
                .baselines
                .iter()
                .any(|b| b.fit.is_ok() && b.refit.is_none());
        if refit_baselines {
            self.set_phase(Phase::RefittingBaselines { next: 0 });
        } else {
            self.set_phase(Phase::Stopped);
        }
    }

    fn score(&self, prediction: &Prediction, targets: &[f32]) -> Metrics {
        match (prediction, &self.data.task) {
            (Prediction::Classes { labels, probs }, Task::Classification { classes }) => {
                let truth: Vec<u32> = targets.iter().map(|&v| v.max(0.0) as u32).collect();
                Metrics::Classification(metrics::classification(
                    &truth,
                    labels,
                    probs.as_deref(),
                    classes.len(),
                ))
            }
            (Prediction::Values { values }, _) => {
                Metrics::Regression(metrics::regression(targets, values, self.data.target_scale))
            }
            (Prediction::Classes { labels, .. }, Task::Regression) => {
                let v: Vec<f32> = labels.iter().map(|&l| l as f32).collect();
                Metrics::Regression(metrics::regression(targets, &v, self.data.target_scale))
            }
        }
    }

    /// Evaluates the finalists and baselines on the test part — once — and builds the leaderboard.
    /// With `refit`, a trainer built from [`Search::refit_data`], the winner is retrained from
    /// scratch on train + validation for the same number of epochs before its test evaluation
    /// (unless the refit stage already did so; `Event::Refitted` says how it went, and a refit
    /// that diverged is discarded), and so are the baselines not refit yet (their
    /// `BaselineRefitted` events come before `SearchFinished`). A refit winner's validation
    /// metrics come from its search-phase weights, so they stay held-out and comparable with the
    /// other rows.
    pub async fn finish<T: Trainer>(
        &mut self,
        refit: Option<&mut T>,
    ) -> Result<Vec<Event>, SearchError> {
        if !self.is_finished() {
            return Err(SearchError::NotFinished);
        }
        let mut rows = Vec::new();
        let finalists = self.finalist_ids();
        let mut refit = refit;
        let mut events = Vec::new();
        let mut refit_here = false;
        for (i, &trial) in finalists.iter().enumerate() {
            // A finalist has a trial and kept weights; without them it has no row.
            if !self.kept.contains_key(&trial) || trial as usize >= self.trials.len() {
                continue;
            }
            let leads_ensemble =
                i == 0 && self.ensemble.as_ref().and_then(|e| e.lead()) == Some(trial);
            if i == 0 && !leads_ensemble && !self.pre_refit.contains_key(&trial) {
                if let Some(rt) = refit.as_deref_mut() {
                    // As in the refit stage; a refit that diverged is discarded.
                    events.push(self.refit_winner(rt, trial).await?);
                    refit_here = self.pre_refit.contains_key(&trial);
                }
            }
            let Some(weights) = self.kept.get(&trial) else {
                continue;
            };
            let tr = &self.trials[trial as usize];
            let ensemble = self.ensemble.as_ref().filter(|_| leads_ensemble);
            // Validation metrics come from weights that never trained on validation rows: the
            // search-phase ones of a refit or bagged winner.
            let refitted = self.pre_refit.get(&trial);
            let valid = self.predict_part(
                &[Weighted {
                    spec: &tr.spec,
                    weights: refitted.unwrap_or(weights),
                    share: 1.0,
                }],
                &self.data.valid.x,
                1.0,
            );
            let refitted = refitted.is_some();
            let members = match ensemble {
                Some(e) => self.weighted(e),
                None => vec![Weighted {
                    spec: &tr.spec,
                    weights,
                    share: 1.0,
                }],
            };
            let t0 = now_ms();
            let temperature = ensemble.map_or(1.0, |e| e.temperature);
            let test = self.predict_part(&members, &self.data.test.x, temperature);
            let infer = now_ms() - t0;
            let bagged = if members.len() > 1 { members.len() } else { 0 };
            let parameters = members.iter().map(|m| m.spec.parameter_count()).sum();
            let (shares, cv) = match ensemble {
                Some(e) if e.members.len() > 1 => (e.shares(), Some(e.cv)),
                _ => (Vec::new(), tr.cv),
            };
            // Every network of the model counts: each member's search phase and retraining.
            let train_ms = match ensemble {
                Some(e) => e
                    .members
                    .iter()
                    .filter_map(|m| self.trials.get(m.trial as usize))
                    .map(|t| t.train_ms + t.retrain_ms)
                    .sum(),
                None => tr.train_ms + tr.retrain_ms,
            };
            rows.push(Row {
                rank: 0,
                model: tr.spec.summary(),
                kind: ModelKind::Neural,
                trial: Some(trial),
                parameters: Some(parameters),
                valid: self.score(&valid, &self.data.valid.y),
                test: self.score(&test, &self.data.test.y),
                epochs: Some(tr.epochs()),
                train_ms,
                infer_ms_per_1000: infer * 1000.0 / self.data.test.rows().max(1) as f64,
                refit: refitted,
                bag: bagged as u32,
                ensemble: shares,
                cv,
                temperature: Some(temperature).filter(|&t| t != 1.0),
            });
        }
        // A winner refit here (asked for after a stop) trained on train + validation: the
        // baselines are refit on those rows too, as after the stages.
        if refit_here {
            for i in 0..self.baselines.len() {
                if self.baselines[i].fit.is_ok() && self.baselines[i].refit.is_none() {
                    events.push(self.refit_baseline(i));
                }
            }
        }
        for b in &self.baselines {
            if let Ok(fit) = &b.fit {
                // A refit baseline is tested as refit; a failed refit keeps the first fit's
                // test predictions (the event said why).
                let refit = b.refit.as_ref().and_then(|r| r.as_ref().ok());
                rows.push(Row {
                    rank: 0,
                    model: b.kind.name().into(),
                    kind: ModelKind::Baseline,
                    trial: None,
                    parameters: None,
                    valid: self.score(&fit.valid, &self.data.valid.y),
                    test: self.score(refit.map_or(&fit.test, |r| &r.test), &self.data.test.y),
                    epochs: None,
                    train_ms: fit.fit_ms + refit.map_or(0.0, |r| r.fit_ms),
                    infer_ms_per_1000: fit.infer_ms_per_1000,
                    refit: refit.is_some(),
                    bag: 0,
                    ensemble: Vec::new(),
                    cv: b.cv.as_ref().and_then(|c| c.as_ref().ok()).copied(),
                    temperature: None,
                });
            }
        }
        let leaderboard = Leaderboard::new(rows);
        self.leaderboard = Some(leaderboard.clone());
        self.phase = Phase::Finished;
        events.push(Event::SearchFinished {
            leaderboard: Box::new(leaderboard),
            elapsed_ms: self.elapsed_ms,
            trials: self.trials.len() as u32,
            epochs: self.epochs_used,
        });
        Ok(events)
    }

    /// The winning network with its weights: the best cross-validated trial when
    /// cross-validation ran (the lead member of an ensemble), else the best by validation
    /// objective. These are its search-phase weights, or its refit ones; the model of a winner
    /// that is an ensemble or a bag is [`Search::best_members`].
    pub fn best(&self) -> Option<(&Trial, &Weights)> {
        let id = *self.finalist_ids().first()?;
        Some((self.trials.get(id as usize)?, self.kept.get(&id)?))
    }

    /// The winner and the networks whose share-weighted mean output is its model: the
    /// ensemble's fold models (see [`SearchConfig::bag`] and [`SearchConfig::ensemble`]), else
    /// its one network as in [`Search::best`].
    pub fn best_members(&self) -> Option<(&Trial, Vec<Weighted<'_>>)> {
        let (trial, weights) = self.best()?;
        let members = match self.winner_ensemble() {
            Some(e) => self.weighted(e),
            None => vec![Weighted {
                spec: &trial.spec,
                weights,
                share: 1.0,
            }],
        };
        Some((trial, members))
    }

    /// The ensemble the cross-validation stage formed, while its lead is the winner: the bag
    /// of the best trial's fold models, or an ensemble of several trials' bags.
    pub fn winner_ensemble(&self) -> Option<&Ensemble> {
        let winner = *self.finalist_ids().first()?;
        self.ensemble
            .as_ref()
            .filter(|e| e.lead() == Some(winner) && e.models() > 0)
    }

    /// Every network of `ensemble` with its share of the mean.
    fn weighted<'a>(&'a self, ensemble: &'a Ensemble) -> Vec<Weighted<'a>> {
        ensemble.weighted(|t| self.trials.get(t as usize).map(|t| &t.spec))
    }

    /// Predictions of the share-weighted mean of `members` (one network, a bag or an ensemble)
    /// on `x`, class probabilities scaled by `temperature` ([`crate::model::calibration`]).
    fn predict_part(&self, members: &[Weighted<'_>], x: &[f32], temperature: f64) -> Prediction {
        let mut out = crate::model::predict_weighted(members, x);
        match &self.data.task {
            Task::Classification { classes } => {
                crate::model::calibration::temper(&mut out, classes.len(), temperature);
                Prediction::Classes {
                    labels: metrics::argmax_rows(&out, classes.len()),
                    probs: Some(out),
                }
            }
            Task::Regression => Prediction::Values { values: out },
        }
    }
}

/// Weight inheritance for an evolution child (function-preserving copy/widen/deepen of the
/// parent; `None` when the child's architecture cannot inherit exactly).
fn inherit_weights(parent: &Spec, weights: &Weights, child: &Spec) -> Option<Weights> {
    crate::model::grow::inherit(parent, weights, child, child.seed).ok()
}

/// Iris, prepared, and a config on it without cross-validation or baselines: random proposals
/// trained `parallel` at a time to `epochs` epochs each, within `budget` (for the tests of this
/// module's parts).
#[cfg(all(test, not(target_arch = "wasm32")))]
fn iris_without_cv(parallel: u32, epochs: u32, budget: Budget) -> (PreparedData, SearchConfig) {
    let table = crate::data::builtin::load("iris", &Default::default()).unwrap();
    let data = crate::data::prepare(&table, &Default::default()).unwrap();
    let config = SearchConfig {
        cv_folds: 0,
        baselines: false,
        sampler: SamplerConfig::Random,
        scheduler: SchedulerConfig::None { parallel },
        fidelity: Fidelity {
            min_epochs: epochs,
            max_epochs: epochs,
            eta: 3,
        },
        budget,
        ..SearchConfig::default()
    };
    (data, config)
}
