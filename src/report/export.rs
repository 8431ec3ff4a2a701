//! Export formats: the whole run as JSON ([`RunExport`]) and the trials as an Optuna journal
//! (JSON lines that `optuna-dashboard` and `optuna.storages.JournalStorage` open).

use crate::data::Task;
use crate::report::leaderboard::Leaderboard;
use crate::search::cv::CvScore;
use crate::search::events::TrialStatus;
use crate::search::run::{BaselineResult, Search, SearchConfig, Trial};
use crate::search::schedule::Plan;
use crate::search::space::{Distribution, SearchSpace};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Format tag of a run file.
pub const RUN_FORMAT: &str = "automl-run";

/// The whole run: configuration, seed, data fingerprint, every trial with its curve, baselines
/// and the leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunExport {
    /// Always [`RUN_FORMAT`].
    pub format: String,
    /// Schema version.
    pub version: u32,
    /// Search configuration (includes the seed).
    pub config: SearchConfig,
    /// Dataset name.
    pub dataset: String,
    /// Fingerprint of the prepared data (see [`crate::data::PreparedData::fingerprint`]).
    pub data_fingerprint: String,
    /// Task.
    pub task: Task,
    /// Rows per part: train, validation, test.
    pub rows: [usize; 3],
    /// Source row indices (0-based data rows of the dataset) of each part, so that a model's
    /// predictions on the whole file can be scored on exactly the test rows.
    #[serde(default)]
    pub split: crate::data::SplitIndices,
    /// Regression: the training target's mean and standard deviation. The trials' curves give
    /// validation RMSE in standardised units (times the deviation is the target's units, as in
    /// the leaderboard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_scale: Option<(f32, f32)>,
    /// Space searched.
    pub space: SearchSpace,
    /// Scheduler plan.
    pub plan: Plan,
    /// Every trial, with its learning curve.
    pub trials: Vec<Trial>,
    /// Baselines (predictions omitted; see the leaderboard for their scores), then those left
    /// out as too costly for the data, with the reason.
    pub baselines: Vec<BaselineSummary>,
    /// Final leaderboard.
    pub leaderboard: Option<Leaderboard>,
    /// Searching time in milliseconds.
    pub elapsed_ms: f64,
    /// Candidate-epochs trained.
    pub epochs: u64,
}

/// A baseline in a run export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineSummary {
    /// Name.
    pub name: String,
    /// Fit time.
    pub fit_ms: Option<f64>,
    /// Error message if it failed.
    pub error: Option<String>,
    /// Why it was not fitted, when it was left out as too costly for the data (then `fit_ms` and
    /// `error` are empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Fit time of its refit on train + validation (done when the winner was trained on those
    /// rows; its test score is then the refit's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refit_ms: Option<f64>,
    /// Why the refit failed, if it did (it is then tested as first fitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refit_error: Option<String>,
    /// Its cross-validated score on the networks' folds, when that stage ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv: Option<CvScore>,
    /// Fit time over the cross-validation folds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv_ms: Option<f64>,
    /// Why it was not cross-validated when the networks were (a failed fold fit, or too
    /// costly to fit on every fold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv_error: Option<String>,
}

impl BaselineSummary {
    fn of(b: &BaselineResult) -> BaselineSummary {
        BaselineSummary {
            name: b.kind.name().into(),
            fit_ms: b.fit.as_ref().ok().map(|f| f.fit_ms),
            error: b.fit.as_ref().err().cloned(),
            skipped: None,
            refit_ms: b
                .refit
                .as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|r| r.fit_ms),
            refit_error: b.refit.as_ref().and_then(|r| r.as_ref().err()).cloned(),
            cv: b.cv.as_ref().and_then(|c| c.as_ref().ok()).copied(),
            cv_ms: b.cv.is_some().then_some(b.cv_ms),
            cv_error: b.cv.as_ref().and_then(|c| c.as_ref().err()).cloned(),
        }
    }
}

impl RunExport {
    /// Collects the run from a search (finished or not).
    pub fn from_search(search: &Search) -> RunExport {
        let data = search.data();
        RunExport {
            format: RUN_FORMAT.into(),
            version: 1,
            config: search.config().clone(),
            dataset: data.name.clone(),
            data_fingerprint: data.fingerprint.clone(),
            task: data.task.clone(),
            rows: [data.train.rows(), data.valid.rows(), data.test.rows()],
            split: data.rows.clone(),
            target_scale: data.target_scale,
            space: search.space().clone(),
            plan: crate::search::schedule::Scheduler::new(
                &search.config().scheduler,
                search.config().fidelity,
            )
            .plan(),
            trials: search.trials().to_vec(),
            baselines: search
                .baselines()
                .iter()
                .map(BaselineSummary::of)
                .chain(
                    search
                        .skipped_baselines()
                        .into_iter()
                        .map(|(kind, reason)| BaselineSummary {
                            name: kind.name().into(),
                            fit_ms: None,
                            error: None,
                            skipped: Some(reason),
                            refit_ms: None,
                            refit_error: None,
                            cv: None,
                            cv_ms: None,
                            cv_error: None,
                        }),
                )
                .collect(),
            leaderboard: search.leaderboard().cloned(),
            elapsed_ms: search.elapsed_ms(),
            epochs: search.epochs_used(),
        }
    }
}

/// Optuna journal operation codes (`optuna.storages.journal.JournalOperation`).
pub mod op {
    /// Create a study.
    pub const CREATE_STUDY: u8 = 0;
    /// Set a study user attribute.
    pub const SET_STUDY_USER_ATTR: u8 = 2;
    /// Create a trial.
    pub const CREATE_TRIAL: u8 = 4;
    /// Set one trial parameter.
    pub const SET_TRIAL_PARAM: u8 = 5;
    /// Set a trial's state and values.
    pub const SET_TRIAL_STATE_VALUES: u8 = 6;
    /// Set an intermediate value (one epoch).
    pub const SET_TRIAL_INTERMEDIATE_VALUE: u8 = 7;
    /// Set a trial user attribute.
    pub const SET_TRIAL_USER_ATTR: u8 = 8;
}

/// Optuna `TrialState` values.
fn optuna_state(status: TrialStatus) -> u8 {
    match status {
        TrialStatus::Running => 0,
        TrialStatus::Completed => 1,
        TrialStatus::Pruned | TrialStatus::Stopped => 2,
        TrialStatus::Diverged => 3,
    }
}

/// Optuna's `distribution_to_json` for one parameter.
fn distribution_json(dist: &Distribution) -> String {
    let v = match dist {
        Distribution::Float { low, high, log } => json!({
            "name": "FloatDistribution",
            "attributes": {"step": null, "low": low, "high": high, "log": log}
        }),
        Distribution::Int { low, high, log } => json!({
            "name": "IntDistribution",
            "attributes": {"log": log, "step": 1, "low": low, "high": high}
        }),
        Distribution::Categorical { choices } => json!({
            "name": "CategoricalDistribution",
            "attributes": {"choices": choices}
        }),
    };
    v.to_string()
}

/// ISO-8601 local-free timestamp (`YYYY-MM-DDTHH:MM:SS.ffffff`) from Unix milliseconds.
pub fn iso_datetime(unix_ms: f64) -> String {
    let ms = unix_ms.max(0.0) as i64;
    let (days, rem) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    let (h, mi, s, frac) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    format!(
        "{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:06}",
        frac * 1000
    )
}

/// The trials as an Optuna journal: one JSON object per line. The objective is validation
/// accuracy (maximise) for classification and validation RMSE in the target's units (minimise)
/// for regression, as on the leaderboard; every epoch is an intermediate value. `start_unix_ms`
/// dates the study.
pub fn optuna_journal(search: &Search, study_name: &str, start_unix_ms: f64) -> String {
    let worker = "automl-0";
    let classification = matches!(search.data().task, Task::Classification { .. });
    let mut lines: Vec<Value> = vec![json!({
        "op_code": op::CREATE_STUDY,
        "worker_id": worker,
        "study_name": study_name,
        "directions": [if classification { 2 } else { 1 }],
    })];
    for (key, value) in [
        ("dataset", json!(search.data().name)),
        ("seed", json!(search.config().seed)),
        ("data_fingerprint", json!(search.data().fingerprint.clone())),
    ] {
        lines.push(json!({
            "op_code": op::SET_STUDY_USER_ATTR,
            "worker_id": worker,
            "study_id": 0,
            "user_attr": {key: value},
        }));
    }
    let params = search.space().params();
    // The curves' regression RMSE is standardised; the study's values are in the target's units.
    let unit = match search.data().target_scale {
        Some((_, std)) if !classification => std as f64,
        _ => 1.0,
    };
    let mut clock = start_unix_ms;
    for t in search.trials() {
        let start = clock;
        clock += t.train_ms.max(1.0);
        lines.push(json!({
            "op_code": op::CREATE_TRIAL,
            "worker_id": worker,
            "study_id": 0,
            "datetime_start": iso_datetime(start),
        }));
        for p in &params {
            if let Some(&v) = t.sample.get(&p.name) {
                lines.push(json!({
                    "op_code": op::SET_TRIAL_PARAM,
                    "worker_id": worker,
                    "trial_id": t.id,
                    "param_name": p.name,
                    "param_value_internal": v,
                    "distribution": distribution_json(&p.dist),
                }));
            }
        }
        for (key, value) in [
            ("architecture", json!(t.spec.summary())),
            ("parameters", json!(t.spec.parameter_count())),
            ("origin", json!(t.origin)),
            ("parent", json!(t.parent)),
            ("inherited", json!(t.inherited)),
        ] {
            lines.push(json!({
                "op_code": op::SET_TRIAL_USER_ATTR,
                "worker_id": worker,
                "trial_id": t.id,
                "user_attr": {key: value},
            }));
        }
        for m in &t.curve {
            if m.valid_score.is_finite() {
                lines.push(json!({
                    "op_code": op::SET_TRIAL_INTERMEDIATE_VALUE,
                    "worker_id": worker,
                    "trial_id": t.id,
                    "step": m.epoch,
                    "intermediate_value": m.valid_score as f64 * unit,
                }));
            }
        }
        let state = optuna_state(t.status);
        if state != 0 {
            let value = t
                .curve
                .last()
                .map(|m| m.valid_score as f64 * unit)
                .filter(|v| v.is_finite());
            lines.push(json!({
                "op_code": op::SET_TRIAL_STATE_VALUES,
                "worker_id": worker,
                "trial_id": t.id,
                "state": state,
                "values": if state == 3 { Value::Null } else { value.map(|v| json!([v])).unwrap_or(Value::Null) },
                "datetime_complete": iso_datetime(clock),
            }));
        }
    }
    let mut out = String::new();
    for l in lines {
        out.push_str(&l.to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_datetime_matches_known_dates() {
        assert_eq!(iso_datetime(0.0), "1970-01-01T00:00:00.000000");
        // 2024-02-29T12:34:56.789Z
        assert_eq!(
            iso_datetime(1_709_210_096_789.0),
            "2024-02-29T12:34:56.789000"
        );
    }

    #[test]
    fn distributions_use_optuna_names() {
        let d = distribution_json(&Distribution::Int {
            low: 1,
            high: 4,
            log: false,
        });
        let v: Value = serde_json::from_str(&d).unwrap();
        assert_eq!(v["name"], "IntDistribution");
        assert_eq!(v["attributes"]["step"], 1);
        assert_eq!(v["attributes"]["high"], 4);
    }
}

/// Format tag of a model file.
pub const MODEL_FORMAT: &str = "automl-model";

/// The newest model file version this build reads. It writes the lowest version that describes
/// the model: 4 for calibrated class probabilities, 3 for an ensemble of several networks, else
/// 2.
pub const MODEL_VERSION: u32 = 4;

/// The best network as a self-contained file: spec, weights, the fitted data preparation and
/// what the outputs mean. `automl predict` (and the page) load it and reproduce the search's
/// predictions.
///
/// JSON layout (version 4; fields are only ever added, with defaults, without a version bump,
/// unless an older reader would misread the file: version 2 added `bag` and version 3 `share`
/// and `ensemble`, which older readers would ignore and so predict with fewer members, and
/// version 4 `temperature`, without which they would give other probabilities):
///
/// ```text
/// {
///   "format": "automl-model", "version": 4,
///   "dataset": "customers.csv", "data_fingerprint": "…",
///   "spec": { "inputs": 20, "outputs": 2, "loss": "softmax_cross_entropy",
///             "hidden": [{"width": 408, "activation": "gelu"}], "dropout": …, "weight_decay": …,
///             "optimizer": {"kind": "adam_w", …}, "learning_rate": …, "schedule": "constant",
///             "warmup_epochs": 0, "horizon_epochs": 9, "batch_size": 64, "init": "he", "seed": … },
///   "weights": { "layers": [{"inputs": 20, "outputs": 408, "w": [… row-major inputs×outputs …],
///                            "b": [… outputs …]}, …] },          // hidden layers, then output
///   "bag": [{ "layers": … }, …],  // optional: further weights of the same network; the model
///                                 // is then the mean of the outputs of `weights` and these
///   "share": 0.6,                 // optional (version 3): that mean's weight in an ensemble
///   "ensemble": [{ "spec": …, "share": 0.4, "models": [{ "layers": … }, …] }, …],
///                                 // optional (version 3): the ensemble's other members, each
///                                 // the mean of its models; the model is the share-weighted
///                                 // sum of the members' outputs
///   "temperature": 1.8,           // optional (version 4): class probabilities are scaled by it,
///                                 // p_c^(1/T) normalised (see `model::calibration`)
///   "preparation": { "inputs": [{"column": "age", "encoder": {"kind": "numeric", …}}, …],
///                    "feature_names": […], "target": "churned", "dropped": […] },
///   "task": {"kind": "classification", "classes": ["no", "yes"]} | {"kind": "regression"},
///   "target_scale": [mean, std] | null,     // regression outputs are `y * std + mean`
///   "test_metrics": { "task": "classification", "accuracy": …, … } | null,
///   "split": { "seed": 1, "fractions": {"valid": 0.2, "test": 0.2},
///              "test_rows": 30, "test_digest": "…" } | null   // finds the held-out rows again
/// }
/// ```
///
/// Outputs: classification gives softmax probabilities per class (index order of `classes`);
/// regression gives one standardised value mapped back with `target_scale`. A bagged model
/// averages them over its members (probabilities per class, or standardised values); an
/// ensemble weights each member's mean by its share; a `temperature` then scales the class
/// probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// Always [`MODEL_FORMAT`].
    pub format: String,
    /// Schema version.
    pub version: u32,
    /// Dataset it was trained on.
    pub dataset: String,
    /// Fingerprint of the prepared training data.
    pub data_fingerprint: String,
    /// Network architecture and hyperparameters.
    pub spec: crate::model::Spec,
    /// Trained weights (of the first member, for a bag).
    pub weights: crate::model::Weights,
    /// The other members of a bag (the winner's fold models), empty for one network.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bag: Vec<crate::model::Weights>,
    /// Share of `weights` and `bag` in an ensemble (absent: 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// The other members of an ensemble, empty for one network or one bag.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ensemble: Vec<ModelMember>,
    /// The temperature that scales the class probabilities of the members' mean, fitted on the
    /// cross-validated winner's out-of-fold predictions (absent: 1, unscaled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// The preparation fitted on the training rows (imputation, encoding, scaling).
    pub preparation: crate::data::Preparation,
    /// Task and class names.
    pub task: Task,
    /// Mean and std of a regression target (outputs are mapped back with them).
    pub target_scale: Option<(f32, f32)>,
    /// Test metrics reported on the leaderboard for this model.
    pub test_metrics: Option<crate::report::metrics::Metrics>,
    /// How the search split its data, so the held-out test rows can be found again in the same
    /// file (absent in files written before it existed).
    #[serde(default)]
    pub split: Option<SplitRecord>,
}

/// A further member of an ensemble model: a network and its fold models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelMember {
    /// Its architecture (same inputs and outputs as the model's).
    pub spec: crate::model::Spec,
    /// Its weight in the ensemble.
    pub share: f64,
    /// Its trained weights, one set per fold model; its output is their mean.
    pub models: Vec<crate::model::Weights>,
}

/// The split a model's search used: seed and shares, and a digest of the test rows to confirm
/// that splitting the same file again finds the same rows. Holds no data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitRecord {
    /// Split seed.
    pub seed: u64,
    /// Validation and test shares.
    pub fractions: crate::data::Fractions,
    /// Number of test rows.
    pub test_rows: usize,
    /// Fingerprint of the test rows' indices.
    pub test_digest: String,
}

impl SplitRecord {
    /// Fingerprint of a list of row indices.
    pub fn digest(rows: &[usize]) -> String {
        let bytes: Vec<u8> = rows
            .iter()
            .flat_map(|&r| (r as u64).to_le_bytes())
            .collect();
        crate::data::table::fingerprint(&bytes)
    }
}

/// Predictions for a batch of rows, in the target's terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Predicted {
    /// Class index per row, and `rows × classes` probabilities.
    Classes {
        /// Class index per row.
        labels: Vec<u32>,
        /// Probabilities, row-major.
        probs: Vec<f32>,
    },
    /// Predicted values in the target's original units.
    Values {
        /// One value per row.
        values: Vec<f32>,
    },
}

impl ModelFile {
    /// The winner of a finished search (`None` before `finish` or without a trained network).
    pub fn from_search(search: &Search) -> Option<ModelFile> {
        let (trial, weights) = search.best()?;
        let data = search.data();
        let test_metrics = search
            .leaderboard()
            .and_then(|l| l.rows.iter().find(|r| r.trial == Some(trial.id)))
            .map(|r| r.test.clone());
        let (mut weights, mut bag, mut share, mut ensemble) =
            (weights.clone(), Vec::new(), None, Vec::new());
        let temperature = search
            .winner_ensemble()
            .map(|e| e.temperature)
            .filter(|&t| t != 1.0 && matches!(data.task, Task::Classification { .. }));
        if let Some(e) = search.winner_ensemble() {
            for (m, s) in e.members.iter().zip(e.shares()) {
                let member_spec = &search.trials().get(m.trial as usize)?.spec;
                if m.trial == trial.id {
                    let (first, rest) = m.models.split_first()?;
                    weights = first.clone();
                    bag = rest.to_vec();
                    share = (e.members.len() > 1).then_some(s.share);
                } else {
                    ensemble.push(ModelMember {
                        spec: member_spec.clone(),
                        share: s.share,
                        models: m.models.clone(),
                    });
                }
            }
        }
        Some(ModelFile {
            format: MODEL_FORMAT.into(),
            version: if temperature.is_some() {
                4
            } else if !ensemble.is_empty() {
                3
            } else {
                2
            },
            dataset: data.name.clone(),
            data_fingerprint: data.fingerprint.clone(),
            spec: trial.spec.clone(),
            weights,
            bag,
            share,
            ensemble,
            temperature,
            preparation: data.preparation.clone(),
            task: data.task.clone(),
            target_scale: data.target_scale,
            test_metrics,
            split: Some(SplitRecord {
                seed: search.config().seed,
                fractions: crate::data::Fractions::default(),
                test_rows: data.rows.test.len(),
                test_digest: SplitRecord::digest(&data.rows.test),
            }),
        })
    }

    /// Checks the format tag and version, and that the weights fit the spec and the
    /// preparation.
    pub fn check(&self) -> Result<(), String> {
        if self.format != MODEL_FORMAT {
            return Err(format!(
                "format is {:?}, expected {MODEL_FORMAT:?}",
                self.format
            ));
        }
        if !(1..=MODEL_VERSION).contains(&self.version) {
            return Err(format!(
                "model file version {} is not supported (this build reads versions 1 to {MODEL_VERSION})",
                self.version
            ));
        }
        crate::model::init::check_weights(&self.spec, &self.weights).map_err(|e| e.to_string())?;
        for (i, w) in self.bag.iter().enumerate() {
            crate::model::init::check_weights(&self.spec, w)
                .map_err(|e| format!("bag member {}: {e}", i + 2))?;
        }
        for (i, m) in self.ensemble.iter().enumerate() {
            let name = format!("ensemble member {}", i + 2);
            if (m.spec.inputs, m.spec.outputs, m.spec.loss)
                != (self.spec.inputs, self.spec.outputs, self.spec.loss)
            {
                return Err(format!(
                    "{name} has {} inputs and {} outputs ({:?}), the model {} and {} ({:?})",
                    m.spec.inputs,
                    m.spec.outputs,
                    m.spec.loss,
                    self.spec.inputs,
                    self.spec.outputs,
                    self.spec.loss
                ));
            }
            if m.models.is_empty() {
                return Err(format!("{name} has no models"));
            }
            for (j, w) in m.models.iter().enumerate() {
                crate::model::init::check_weights(&m.spec, w)
                    .map_err(|e| format!("{name}, model {}: {e}", j + 1))?;
            }
        }
        let shares: Vec<f64> = std::iter::once(self.share.unwrap_or(1.0))
            .chain(self.ensemble.iter().map(|m| m.share))
            .collect();
        let total: f64 = shares.iter().sum();
        if !shares.iter().all(|s| s.is_finite() && *s > 0.0) || (total - 1.0).abs() > 1e-6 {
            return Err(format!(
                "the ensemble's shares must be positive and sum to 1 (they sum to {total})"
            ));
        }
        if let Some(t) = self.temperature.filter(|t| !(t.is_finite() && *t > 0.0)) {
            return Err(format!(
                "the temperature must be a positive number (it is {t})"
            ));
        }
        if self.preparation.width() != self.spec.inputs as usize {
            return Err(format!(
                "the preparation gives {} features but the network takes {}",
                self.preparation.width(),
                self.spec.inputs
            ));
        }
        Ok(())
    }

    /// The networks whose share-weighted mean output is the model: `weights` and the bag's
    /// other models, then each further ensemble member's models (a member's share split evenly
    /// over its models).
    pub fn members(&self) -> Vec<crate::model::Weighted<'_>> {
        use crate::model::forward::spread;
        let lead: Vec<&crate::model::Weights> =
            std::iter::once(&self.weights).chain(&self.bag).collect();
        let mut out: Vec<_> = spread(&self.spec, lead, self.share.unwrap_or(1.0)).collect();
        for m in &self.ensemble {
            out.extend(spread(&m.spec, &m.models, m.share));
        }
        out
    }

    /// Predicts already-prepared feature rows (`rows × inputs`).
    pub fn predict_features(&self, x: &[f32]) -> Predicted {
        let mut out = crate::model::predict_weighted(&self.members(), x);
        match &self.task {
            Task::Classification { classes } => {
                let t = self.temperature.unwrap_or(1.0);
                crate::model::calibration::temper(&mut out, classes.len(), t);
                Predicted::Classes {
                    labels: crate::report::metrics::argmax_rows(&out, classes.len()),
                    probs: out,
                }
            }
            Task::Regression => {
                let (m, s) = self.target_scale.unwrap_or((0.0, 1.0));
                Predicted::Values {
                    values: out.iter().map(|&v| v * s + m).collect(),
                }
            }
        }
    }

    /// Prepares raw CSV rows (same columns as training; the target may be absent) exactly as in
    /// training and predicts them. Also returns what the preparation could not use as it is
    /// (see [`crate::data::Preparation::transform_csv_noted`]).
    pub fn predict_csv(
        &self,
        bytes: &[u8],
        options: &crate::data::CsvOptions,
    ) -> Result<(Predicted, Vec<String>), crate::data::DataError> {
        let (x, _rows, notes) = self.preparation.transform_csv_noted(bytes, options)?;
        Ok((self.predict_features(&x), notes))
    }
}
