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
//! read once, in [`Search::finish`], for the finalists and baselines.

use super::cv::{self, Allowance, CvScore, CvStage, Offer};
use super::events::{Event, TrialStatus};
use super::sampler::{Objective, Observation, Sampler, SamplerConfig};
use super::schedule::{Action, Fidelity, Scheduler, SchedulerConfig};
use super::space::{Sample, SearchSpace, SpaceError, SpecShape};
use super::Budget;
use crate::baselines::{self, BaselineFit, BaselineKind, Prediction};
use crate::data::{PreparedData, Task};
use crate::model::trainer::{CandidateId, TrainError, Trainer};
use crate::model::{EpochMetrics, Loss, Spec, SpecError, TrainData, Weights};
use crate::platform::now_ms;
use crate::report::leaderboard::{Leaderboard, ModelKind, Row};
use crate::report::metrics::{self, Metrics};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

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
    /// Finalists evaluated on the test part at the end.
    pub finalists: usize,
    /// Whether to fit the classical baselines.
    pub baselines: bool,
    /// Most epochs one [`Search::step`] trains (keeps steps short and the page responsive).
    pub max_epochs_per_step: u32,
    /// Folds of the cross-validation of the top candidates after the search phase (0 or 1: off).
    /// See [`super::cv`].
    #[serde(default = "default_cv_folds")]
    pub cv_folds: u32,
    /// How many of the top trials (by validation objective) are cross-validated, at most.
    #[serde(default = "default_cv_candidates")]
    pub cv_candidates: usize,
    /// Most of the budgets reserved for cross-validation: the search phase ends at
    /// `1 - cv_share` of the epoch budget, and holds back from the time budget the stage's
    /// estimated cost for the current top candidates, at most `cv_share` of it.
    #[serde(default = "default_cv_share")]
    pub cv_share: f64,
    /// Retrain the winner on train + validation before its test evaluation: `None` (default)
    /// does so when cross-validation ran (it showed the spec generalises across folds),
    /// `Some(true)` always, `Some(false)` never.
    #[serde(default)]
    pub refit: Option<bool>,
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
            refit: None,
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
    /// Sampled parameters (internal values).
    pub sample: Sample,
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
    /// Training time attributed to this trial (its share of each group's wall time).
    pub train_ms: f64,
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

    /// Cross-validated objective (`None` without cross-validation).
    pub fn cv_objective(&self) -> Option<Objective> {
        let cv = self.cv?;
        if cv.diverged || !cv.score.is_finite() || !cv.loss.is_finite() {
            return Some(Objective::WORST);
        }
        Some(Objective {
            primary: match self.spec.loss {
                Loss::SoftmaxCrossEntropy => 1.0 - cv.score,
                Loss::MeanSquaredError => cv.score,
            },
            secondary: cv.loss,
        })
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
    /// Weights of candidates that were in a trainer when the state was saved.
    reattach: BTreeMap<u32, Weights>,
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
    /// The winner's weights from the search phase, when it was refit (for held-out metrics).
    #[serde(default)]
    pre_refit: BTreeMap<u32, Weights>,
}

/// A saved search: plain data (serde), continued with [`Search::resume`].
pub type SearchState = Search;

impl Search {
    /// Creates a search; validates the configuration and the space.
    pub fn new(config: SearchConfig, data: &PreparedData) -> Result<Search, SearchError> {
        let classification = matches!(data.task, Task::Classification { .. });
        let space = config
            .space
            .clone()
            .unwrap_or_else(|| SearchSpace::default_for(classification, data.train.rows()));
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
            BaselineKind::for_task(&data.task, data.train.rows())
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
            live: BTreeMap::new(),
            leaderboard: None,
            cv: None,
            generation: 0,
            cv_epochs: 0,
            cv_reserve_ms: 0.0,
            pre_refit: BTreeMap::new(),
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

    /// Saves the state, including the weights of candidates still in `trainer`.
    /// A resumed candidate continues from these weights with a fresh optimizer state.
    pub async fn save<T: Trainer>(&self, trainer: &mut T) -> Result<SearchState, SearchError> {
        let mut state = self.clone();
        for (&trial, &id) in &self.live {
            state.reattach.insert(trial, trainer.weights(id).await?);
        }
        state.live.clear();
        Ok(state)
    }

    /// Continues a saved search with a new trainer (created from [`Search::train_data`]).
    pub fn resume(state: SearchState) -> Search {
        let mut s = state;
        s.live.clear();
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
            Phase::CrossValidating | Phase::Refit => {
                self.cv = None;
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
    fn set_phase(&mut self, phase: Phase) {
        let before = self.trainer_key();
        self.phase = phase;
        if self.trainer_key() != before {
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
                let result = self.search_step(trainer, &mut events).await;
                self.elapsed_ms += now_ms() - t0;
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
            budget: self.config.budget,
            rows: [
                self.data.train.rows(),
                self.data.valid.rows(),
                self.data.test.rows(),
            ],
            sampler: sampler.into(),
            inherit: self.config.inherit(),
        }
    }

    fn run_baseline(&mut self, kind: BaselineKind) -> Event {
        let fit = baselines::fit(kind, &self.data, self.config.seed).map_err(|e| e.to_string());
        let event = Event::BaselineFinished {
            name: kind.name().into(),
            valid: fit
                .as_ref()
                .ok()
                .map(|f| self.score(&f.valid, &self.data.valid.y)),
            fit_ms: fit.as_ref().map(|f| f.fit_ms).unwrap_or(0.0),
            error: fit.as_ref().err().cloned(),
        };
        self.baselines.push(BaselineResult { kind, fit });
        event
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

    /// Whether the search phase may go on, and the candidate-epochs it has left. With
    /// cross-validation the search phase gets `1 - cv_share` of each budget.
    fn budget_left(&self) -> (bool, Option<u64>) {
        let b = self.config.budget;
        let share = self.config.search_share();
        // Time: the stage's estimated cost for the current top candidates is held back, at most
        // `cv_share` of the budget (a reserve the stage could not use would be lost).
        let time_ok = b.seconds.is_none_or(|s| {
            let reserve = if self.config.cross_validates() {
                self.cv_reserve_ms.min(s * 1000.0 * self.config.cv_share)
            } else {
                0.0
            };
            self.elapsed_ms < s * 1000.0 - reserve
        });
        let epochs_left = b.epochs.map(|e| {
            let limit = ((e as f64 * share).floor() as u64).max(1);
            limit.saturating_sub(self.epochs_used)
        });
        (time_ok && epochs_left != Some(0), epochs_left)
    }

    fn may_start_trial(&self) -> bool {
        let (ok, _) = self.budget_left();
        ok && self
            .config
            .max_trials
            .is_none_or(|m| (self.trials.len() as u32) < m)
    }

    fn history(&self) -> Vec<Observation> {
        self.trials
            .iter()
            .filter_map(|t| {
                t.objective().map(|objective| Observation {
                    trial: t.id,
                    sample: t.sample.clone(),
                    objective,
                    epochs: t.epochs(),
                    complete: t.status == TrialStatus::Completed,
                })
            })
            .collect()
    }

    async fn search_step<T: Trainer>(
        &mut self,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<(), SearchError> {
        // Candidates saved mid-training come back with their weights.
        for (trial, weights) in std::mem::take(&mut self.reattach) {
            if let Some(t) = self.trials.get(trial as usize) {
                let id = trainer.add(t.spec.clone(), Some(weights))?;
                self.live.insert(trial, id);
            }
        }
        if !self.budget_left().0 {
            return self.close_search_phase(trainer, events).await;
        }
        for action in self.scheduler.promotions() {
            self.apply(action, trainer, events).await?;
        }
        while let Some(target) = self.scheduler.wants_new() {
            if !self.may_start_trial() {
                break;
            }
            let trial = self.start_trial(target, trainer, events).await?;
            self.scheduler.start(trial, target);
        }
        let group: Vec<(u32, u32)> = self
            .scheduler
            .active()
            .into_iter()
            .filter(|(t, target)| {
                self.trials
                    .get(*t as usize)
                    .is_some_and(|tr| tr.epochs() < *target)
            })
            .collect();
        if group.is_empty() {
            return self.close_search_phase(trainer, events).await;
        }
        let mut k = group
            .iter()
            .map(|&(t, target)| target - self.trials[t as usize].epochs())
            .min()
            .unwrap_or(1)
            .min(self.config.max_epochs_per_step.max(1));
        if let (_, Some(left)) = self.budget_left() {
            k = k.min((left / group.len() as u64).min(u32::MAX as u64) as u32);
            if k == 0 {
                return self.close_search_phase(trainer, events).await;
            }
        }
        let ids: Vec<CandidateId> = group
            .iter()
            .map(|(t, _)| {
                self.live
                    .get(t)
                    .copied()
                    .ok_or(TrainError::UnknownCandidate(CandidateId(*t)))
            })
            .collect::<Result<_, _>>()?;
        let t0 = now_ms();
        let results = trainer.train(&ids, k).await?;
        let share = (now_ms() - t0) / group.len() as f64;
        let mut reached = Vec::new();
        for (&(trial, target), curve) in group.iter().zip(results) {
            let tr = &mut self.trials[trial as usize];
            tr.train_ms += share;
            self.epochs_used += curve.len() as u64;
            let mut diverged = (curve.len() as u32) < k;
            for m in curve {
                tr.curve.push(m);
                events.push(Event::Epoch { trial, metrics: m });
                if m.diverged {
                    diverged = true;
                    events.push(Event::Diverged {
                        trial,
                        epoch: m.epoch,
                    });
                    break;
                }
            }
            if diverged || tr.epochs() >= target {
                reached.push((trial, diverged));
            }
        }
        for (trial, diverged) in reached {
            let tr = &self.trials[trial as usize];
            let objective = tr.objective().unwrap_or(Objective::WORST);
            let epochs = tr.epochs();
            if diverged {
                self.trials[trial as usize].status = TrialStatus::Diverged;
            }
            self.observe(trial, trainer).await?;
            for action in self.scheduler.report(trial, epochs, objective, diverged) {
                self.apply(action, trainer, events).await?;
            }
        }
        Ok(())
    }

    async fn start_trial<T: Trainer>(
        &mut self,
        target: u32,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<u32, SearchError> {
        let id = self.trials.len() as u32;
        let history = self.history();
        let proposal = self.sampler.ask(&self.space, &history);
        let shape = SpecShape {
            inputs: self.data.inputs() as u32,
            outputs: self.data.task.outputs() as u32,
            loss: match self.data.task {
                Task::Classification { .. } => Loss::SoftmaxCrossEntropy,
                Task::Regression => Loss::MeanSquaredError,
            },
            horizon_epochs: self.config.fidelity.max_epochs,
            seed: crate::rng::Rng::new(self.config.seed)
                .fork(100_000 + id as u64)
                .next_u64(),
        };
        let spec = self
            .space
            .to_spec(&proposal.sample, &shape)
            .map_err(SearchError::Spec)?;
        let mut init = None;
        if self.config.inherit() {
            if let Some(parent) = proposal.parent {
                if let (Some(p), Some(w)) =
                    (self.trials.get(parent as usize), self.kept.get(&parent))
                {
                    init = inherit_weights(&p.spec, w, &spec);
                }
            }
        }
        let inherited = init.is_some();
        let cid = trainer.add(spec.clone(), init)?;
        self.live.insert(id, cid);
        events.push(Event::TrialStarted {
            trial: id,
            summary: spec.summary(),
            parameters: spec.parameter_count(),
            params: proposal.sample.clone(),
            parent: proposal.parent,
            inherited,
            origin: proposal.origin.clone(),
            target_epochs: target,
        });
        self.trials.push(Trial {
            id,
            sample: proposal.sample,
            spec,
            parent: proposal.parent,
            origin: proposal.origin,
            inherited,
            status: TrialStatus::Running,
            curve: Vec::new(),
            train_ms: 0.0,
            cv: None,
        });
        Ok(id)
    }

    /// Tells the sampler about a trial's evaluation at a rung and keeps its weights when it may
    /// be needed later (evolution parent or finalist).
    async fn observe<T: Trainer>(
        &mut self,
        trial: u32,
        trainer: &mut T,
    ) -> Result<(), SearchError> {
        let Some(tr) = self.trials.get(trial as usize) else {
            return Ok(());
        };
        let Some(objective) = tr.objective() else {
            return Ok(());
        };
        self.sampler.tell(&Observation {
            trial,
            sample: tr.sample.clone(),
            objective,
            epochs: tr.epochs(),
            complete: tr.epochs() >= self.config.fidelity.max_epochs,
        });
        if self.config.inherit() && objective != Objective::WORST {
            if let Some(&id) = self.live.get(&trial) {
                self.kept.insert(trial, trainer.weights(id).await?);
            }
        }
        Ok(())
    }

    async fn apply<T: Trainer>(
        &mut self,
        action: Action,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<(), SearchError> {
        match action {
            Action::Promote {
                trial,
                from_epochs,
                to_epochs,
            } => {
                events.push(Event::Promoted {
                    trial,
                    from_epochs,
                    to_epochs,
                });
            }
            Action::Prune { trial, epochs } => {
                let status = match self.trials.get(trial as usize).map(|t| t.status) {
                    Some(TrialStatus::Diverged) => TrialStatus::Diverged,
                    _ => {
                        events.push(Event::Pruned { trial, epochs });
                        TrialStatus::Pruned
                    }
                };
                self.retire(trial, status, trainer, events).await?;
            }
            Action::Complete { trial, .. } => {
                self.retire(trial, TrialStatus::Completed, trainer, events)
                    .await?;
            }
        }
        Ok(())
    }

    /// A trial stops for good: keep its weights if it is a finalist so far, free its slot.
    async fn retire<T: Trainer>(
        &mut self,
        trial: u32,
        status: TrialStatus,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<(), SearchError> {
        let Some(tr) = self.trials.get_mut(trial as usize) else {
            return Ok(());
        };
        tr.status = status;
        let objective = tr.objective();
        events.push(Event::TrialFinished {
            trial,
            status,
            epochs: tr.epochs(),
            objective,
            valid_score: tr.curve.last().map(|m| m.valid_score),
        });
        if let Some(id) = self.live.remove(&trial) {
            if status != TrialStatus::Diverged
                && self.is_finalist(trial)
                && !self.kept.contains_key(&trial)
            {
                self.kept.insert(trial, trainer.weights(id).await?);
            }
            trainer.remove(id);
        }
        self.prune_kept();
        Ok(())
    }

    /// The best `finalists` retired trials (see [`Search::ranked`]).
    fn finalist_ids(&self) -> Vec<u32> {
        let mut r = self.ranked();
        r.truncate(self.config.finalists.max(1));
        r
    }

    fn kept_ids(&self) -> Vec<u32> {
        let mut r = self.ranked();
        r.truncate(self.kept_pool());
        r
    }

    fn is_finalist(&self, trial: u32) -> bool {
        self.kept_ids().contains(&trial)
    }

    fn prune_kept(&mut self) {
        let ranked = self.ranked();
        if self.config.cross_validates() {
            let k = self.cv_folds();
            self.cv_reserve_ms = self
                .cv_offers(&ranked, k)
                .iter()
                .map(|o| o.estimate_ms)
                .sum();
        }
        let finalists: Vec<u32> = ranked.iter().take(self.kept_pool()).copied().collect();
        let parents: Vec<u32> = match &self.sampler {
            Sampler::Evolution(e) if self.config.inherit() => {
                e.population().map(|o| o.trial).collect()
            }
            _ => Vec::new(),
        };
        self.kept
            .retain(|t, _| finalists.contains(t) || parents.contains(t));
    }

    async fn end_search_phase<T: Trainer>(
        &mut self,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<(), SearchError> {
        let running: Vec<u32> = self.live.keys().copied().collect();
        let active: Vec<u32> = self.scheduler.active().iter().map(|&(t, _)| t).collect();
        for trial in running {
            let status = if active.contains(&trial) {
                TrialStatus::Stopped
            } else {
                TrialStatus::Pruned
            };
            if self
                .trials
                .get(trial as usize)
                .is_some_and(|t| t.status == TrialStatus::Running)
            {
                self.retire(trial, status, trainer, events).await?;
            } else if let Some(id) = self.live.remove(&trial) {
                trainer.remove(id);
            }
        }
        Ok(())
    }

    /// The search phase is over: retire what runs, then cross-validate (or refit, or stop).
    async fn close_search_phase<T: Trainer>(
        &mut self,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<(), SearchError> {
        self.end_search_phase(trainer, events).await?;
        self.begin_cv(events);
        Ok(())
    }

    /// Trials ranked for selection: cross-validated ones first (by cross-validated objective),
    /// then the others, each by validation objective; diverged and running trials are left out.
    fn ranked(&self) -> Vec<u32> {
        let mut done: Vec<&Trial> = self
            .trials
            .iter()
            .filter(|t| {
                !matches!(t.status, TrialStatus::Running | TrialStatus::Diverged)
                    && t.objective().is_some()
            })
            .collect();
        done.sort_by(|a, b| {
            let (ca, cb) = (a.cv_objective(), b.cv_objective());
            let (oa, ob) = (
                a.objective().unwrap_or(Objective::WORST),
                b.objective().unwrap_or(Objective::WORST),
            );
            ca.is_none()
                .cmp(&cb.is_none())
                .then(match (ca, cb) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    _ => std::cmp::Ordering::Equal,
                })
                .then(oa.cmp(&ob))
                .then(a.id.cmp(&b.id))
        });
        done.iter().map(|t| t.id).collect()
    }

    /// How many of the ranked trials keep their weights while the search runs: the finalists,
    /// and the cross-validation candidates (one of which may become the winner).
    fn kept_pool(&self) -> usize {
        let cv = if self.config.cross_validates() {
            self.config.cv_candidates
        } else {
            0
        };
        self.config.finalists.max(cv).max(1)
    }

    /// Starts the cross-validation stage (see [`super::cv`] for the budget rule), or moves on
    /// when it is off or cannot run.
    fn begin_cv(&mut self, events: &mut Vec<Event>) {
        if !self.config.cross_validates() {
            return self.after_cv();
        }
        let pool = self.data.train_data();
        let n = pool.train_rows() + pool.valid_rows();
        let k = (self.config.cv_folds as usize).min(n);
        let skip = |s: &mut Search, events: &mut Vec<Event>, reason: String| {
            events.push(Event::CrossValidationSkipped { reason });
            s.after_cv();
        };
        if k < 2 {
            return skip(self, events, format!("{n} rows are too few for folds"));
        }
        let seed = crate::rng::Rng::new(self.config.seed)
            .fork(0xC7_F01D)
            .next_u64();
        let folds = match cv::folds(&pool, k, seed) {
            Ok(f) => f,
            Err(e) => return skip(self, events, e.to_string()),
        };
        let offers = self.cv_offers(&self.ranked(), k);
        if offers.is_empty() {
            return skip(self, events, "no candidate finished training".into());
        }
        let b = self.config.budget;
        let allowance = Allowance {
            epochs: b
                .epochs
                .map(|e| e.saturating_sub(self.epochs_used + self.cv_epochs)),
            ms: b.seconds.map(|s| s * 1000.0 - self.elapsed_ms),
        };
        let taken = cv::plan(&offers, k, allowance);
        if taken.is_empty() {
            return skip(
                self,
                events,
                format!(
                    "cross-validating the top candidate ({} epochs × {k} folds, about {:.1} s) does not fit into the budget left",
                    offers[0].epochs,
                    offers[0].estimate_ms / 1000.0
                ),
            );
        }
        events.push(Event::CrossValidationStarted {
            folds: k as u32,
            candidates: taken.iter().map(|o| o.trial).collect(),
            rows: n,
        });
        self.cv = Some(CvStage {
            folds,
            candidates: taken.iter().map(|o| o.trial).collect(),
            estimate_ms: taken.iter().map(|o| o.estimate_ms).collect(),
            next: 0,
            results: vec![Vec::new(); taken.len()],
        });
        self.set_phase(Phase::CrossValidating);
    }

    /// Folds the stage will use.
    fn cv_folds(&self) -> usize {
        let n = self.data.train.rows() + self.data.valid.rows();
        (self.config.cv_folds as usize).min(n)
    }

    /// The cross-validation candidates among `ranked` trials, with their estimated cost over
    /// `k` folds: the trial's own measured training time, scaled by `k - 1` and by the fold's
    /// training rows over the search's.
    fn cv_offers(&self, ranked: &[u32], k: usize) -> Vec<Offer> {
        let n = self.data.train.rows() + self.data.valid.rows();
        let scale = k.saturating_sub(1) as f64 * n as f64 / self.data.train.rows().max(1) as f64;
        ranked
            .iter()
            .filter_map(|&t| self.trials.get(t as usize))
            .filter(|t| t.objective().is_some_and(|o| o != Objective::WORST) && t.epochs() > 0)
            .take(self.config.cv_candidates)
            .map(|t| Offer {
                trial: t.id,
                epochs: t.epochs(),
                estimate_ms: t.train_ms * scale,
            })
            .collect()
    }

    /// After cross-validation (or without it): refit the winner when wanted, else stop.
    fn after_cv(&mut self) {
        self.cv = None;
        let cross_validated = self.trials.iter().any(|t| t.cv.is_some());
        let wanted = self.config.refit.unwrap_or(cross_validated);
        if wanted && !self.ranked().is_empty() {
            self.set_phase(Phase::Refit);
        } else {
            self.set_phase(Phase::Stopped);
        }
    }

    /// Trains every candidate on the current fold (the trainer is built on
    /// [`Search::trainer_data`]) for its own epoch count, and records the held-out metrics.
    async fn cv_step<T: Trainer>(
        &mut self,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<(), SearchError> {
        let Some(mut stage) = self.cv.take() else {
            self.after_cv();
            return Ok(());
        };
        let t0 = now_ms();
        let mut ids = Vec::new();
        let mut targets = Vec::new();
        for &t in &stage.candidates {
            let tr = &self.trials[t as usize];
            ids.push(trainer.add(tr.spec.clone(), None)?);
            targets.push(tr.epochs());
        }
        let n = ids.len();
        let mut done = vec![0u32; n];
        let mut last: Vec<EpochMetrics> = vec![
            EpochMetrics {
                epoch: 0,
                train_loss: f32::NAN,
                valid_loss: f32::NAN,
                valid_score: f32::NAN,
                diverged: true,
            };
            n
        ];
        let mut stopped = vec![false; n];
        // Train all together to the smallest count, drop those done, continue the rest: specs
        // carry their own schedule horizon, so e epochs equal the first e of a longer run.
        loop {
            let active: Vec<usize> = (0..n)
                .filter(|&i| !stopped[i] && done[i] < targets[i])
                .collect();
            let Some(k) = active.iter().map(|&i| targets[i] - done[i]).min() else {
                break;
            };
            let group: Vec<CandidateId> = active.iter().map(|&i| ids[i]).collect();
            let results = trainer.train(&group, k).await?;
            for (&i, curve) in active.iter().zip(results) {
                self.cv_epochs += curve.len() as u64;
                if let Some(m) = curve.last() {
                    last[i] = *m;
                }
                if (curve.len() as u32) < k || curve.iter().any(|m| m.diverged) {
                    stopped[i] = true;
                    last[i].diverged = true;
                }
                done[i] += k;
            }
        }
        for id in ids {
            trainer.remove(id);
        }
        for (r, m) in stage.results.iter_mut().zip(last) {
            r.push(m);
        }
        stage.next += 1;
        let k = stage.folds.len();
        if stage.next >= k {
            let classification = matches!(self.data.task, Task::Classification { .. });
            let scale = self.data.target_scale.map_or(1.0, |(_, std)| std as f64);
            for (&t, results) in stage.candidates.iter().zip(&stage.results) {
                let score = cv::summarise(results, classification, scale);
                if let (Some(tr), Some(score)) = (self.trials.get_mut(t as usize), score) {
                    tr.cv = Some(score);
                    events.push(Event::CrossValidated {
                        trial: t,
                        folds: score.folds,
                        score: score.score,
                        loss: score.loss,
                        diverged: score.diverged,
                    });
                }
            }
            self.after_cv();
            return Ok(());
        }
        // Correct the estimate with this fold's time; drop the lowest candidates that would no
        // longer fit (never the top one).
        if let Some(s) = self.config.budget.seconds {
            let measured = now_ms() - t0;
            let estimated: f64 = stage.estimate_ms.iter().sum::<f64>() / k as f64;
            let ratio = if estimated > 0.0 {
                measured / estimated
            } else {
                1.0
            };
            let left = s * 1000.0 - (self.elapsed_ms + measured);
            let keep = cv::keep_after_fold(&stage.estimate_ms, ratio, k - stage.next, k, left);
            stage.candidates.truncate(keep);
            stage.estimate_ms.truncate(keep);
            stage.results.truncate(keep);
        }
        self.cv = Some(stage);
        self.generation += 1;
        Ok(())
    }

    /// Retrains the winner from scratch on train + validation (the trainer is built on
    /// [`Search::refit_data`]) for the epochs it trained; its search-phase weights are kept for
    /// the held-out validation metrics. A refit that diverges is discarded.
    async fn refit_step<T: Trainer>(
        &mut self,
        trainer: &mut T,
        events: &mut Vec<Event>,
    ) -> Result<(), SearchError> {
        if let Some(&trial) = self.ranked().first() {
            if !self.pre_refit.contains_key(&trial) {
                let tr = &self.trials[trial as usize];
                let (spec, epochs) = (tr.spec.clone(), tr.epochs());
                let id = trainer.add(spec, None)?;
                let curve = trainer.train(&[id], epochs).await?;
                let weights = trainer.weights(id).await?;
                trainer.remove(id);
                let trained = curve.iter().map(|c| c.len()).sum::<usize>();
                let diverged =
                    (trained as u32) < epochs || curve.iter().flatten().any(|m| m.diverged);
                if !diverged {
                    if let Some(old) = self.kept.insert(trial, weights) {
                        self.pre_refit.insert(trial, old);
                    }
                }
                events.push(Event::Refitted {
                    trial,
                    epochs,
                    rows: self.data.train.rows() + self.data.valid.rows(),
                    diverged,
                });
            }
        }
        self.set_phase(Phase::Stopped);
        Ok(())
    }

    /// Evaluates the finalists and baselines on the test part — once — and builds the leaderboard.
    /// With `refit`, a trainer built from [`Search::refit_data`], the winner is retrained from
    /// scratch on train + validation for the same number of epochs before its test evaluation
    /// (unless the refit stage already did so). A refit winner's validation metrics come from its
    /// search-phase weights, so they stay held-out and comparable with the other rows.
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
        for (i, &trial) in finalists.iter().enumerate() {
            let (Some(tr), Some(weights)) =
                (self.trials.get(trial as usize), self.kept.get(&trial))
            else {
                continue;
            };
            let mut weights = weights.clone();
            if i == 0 && !self.pre_refit.contains_key(&trial) {
                if let Some(rt) = refit.as_deref_mut() {
                    let id = rt.add(tr.spec.clone(), None)?;
                    rt.train(&[id], tr.epochs()).await?;
                    let new = rt.weights(id).await?;
                    rt.remove(id);
                    self.pre_refit
                        .insert(trial, std::mem::replace(&mut weights, new.clone()));
                    self.kept.insert(trial, new);
                }
            }
            let refitted = self.pre_refit.get(&trial);
            let valid =
                self.predict_part(&tr.spec, refitted.unwrap_or(&weights), &self.data.valid.x);
            let refitted = refitted.is_some();
            let t0 = now_ms();
            let test = self.predict_part(&tr.spec, &weights, &self.data.test.x);
            let infer = now_ms() - t0;
            rows.push(Row {
                rank: 0,
                model: tr.spec.summary(),
                kind: ModelKind::Neural,
                trial: Some(trial),
                parameters: Some(tr.spec.parameter_count()),
                valid: self.score(&valid, &self.data.valid.y),
                test: self.score(&test, &self.data.test.y),
                epochs: Some(tr.epochs()),
                train_ms: tr.train_ms,
                infer_ms_per_1000: infer * 1000.0 / self.data.test.rows().max(1) as f64,
                refit: refitted,
                cv: tr.cv,
            });
        }
        for b in &self.baselines {
            if let Ok(fit) = &b.fit {
                rows.push(Row {
                    rank: 0,
                    model: b.kind.name().into(),
                    kind: ModelKind::Baseline,
                    trial: None,
                    parameters: None,
                    valid: self.score(&fit.valid, &self.data.valid.y),
                    test: self.score(&fit.test, &self.data.test.y),
                    epochs: None,
                    train_ms: fit.fit_ms,
                    infer_ms_per_1000: fit.infer_ms_per_1000,
                    refit: false,
                    cv: None,
                });
            }
        }
        let leaderboard = Leaderboard::new(rows);
        self.leaderboard = Some(leaderboard.clone());
        self.phase = Phase::Finished;
        Ok(vec![Event::SearchFinished {
            leaderboard: Box::new(leaderboard),
            elapsed_ms: self.elapsed_ms,
            trials: self.trials.len() as u32,
            epochs: self.epochs_used,
        }])
    }

    /// The winning network with its weights: the best cross-validated trial when
    /// cross-validation ran, else the best by validation objective.
    pub fn best(&self) -> Option<(&Trial, &Weights)> {
        let id = *self.finalist_ids().first()?;
        Some((self.trials.get(id as usize)?, self.kept.get(&id)?))
    }

    fn predict_part(&self, spec: &Spec, weights: &Weights, x: &[f32]) -> Prediction {
        let out = crate::model::forward::predict(spec, weights, x);
        match &self.data.task {
            Task::Classification { classes } => Prediction::Classes {
                labels: metrics::argmax_rows(&out, classes.len()),
                probs: Some(out),
            },
            Task::Regression => Prediction::Values { values: out },
        }
    }
}

/// Weight inheritance for an evolution child (function-preserving copy/widen/deepen of the
/// parent; `None` when the child's architecture cannot inherit exactly).
fn inherit_weights(parent: &Spec, weights: &Weights, child: &Spec) -> Option<Weights> {
    crate::model::grow::inherit(parent, weights, child, child.seed).ok()
}
