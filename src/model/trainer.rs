//! The trainer contract shared by the CPU reference trainer and the GPU population trainer.
//!
//! Both paths implement the *same maths*, defined here once, so that the CPU trainer is the test
//! oracle for the GPU one:
//!
//! - **Seeds.** `seed32 = (seed as u32) ^ ((seed >> 32) as u32)`.
//! - **Initial weights.** For layer `l` (0-based, output layer last) draw from
//!   `Rng::new(seed).fork(1000 + l)`: `w[i * out + j] = normal() * std` in row-major order
//!   (`i` over inputs, `j` over outputs), He `std = sqrt(2 / in)`, Xavier `std = sqrt(2 / (in + out))`.
//!   Biases start at 0.
//! - **Epoch order.** Epoch `e` (0-based, counted per candidate across pauses) visits the training
//!   rows in the order `Rng::new(seed).fork(2_000_000 + e).permutation(train_rows)`, in consecutive
//!   mini-batches of `batch_size` (the last one may be smaller). Batch loss is the mean over rows.
//! - **Dropout** after each hidden activation, inverted (kept units scaled by `1 / (1 - p)`): unit
//!   `u` of hidden layer `l` for batch row `r` at global step `s` (0-based, counted across epochs)
//!   is kept iff `uniform3(seed32, s, (l << 24) ^ (r * width + u)) >= p`.
//! - **Activations.** leaky relu slope 0.01; gelu is the tanh approximation
//!   `0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³)))`.
//! - **Loss.** Classification: log-softmax cross-entropy against the class index. Regression:
//!   `0.5 · (ŷ − y)²` … reported as mean squared error `(ŷ − y)²` in metrics.
//! - **Optimizers** (step `t` counted from 1 across epochs; `lr` from [`Spec::learning_rate_at`] of
//!   the epoch; weight decay `wd` applies to weights, not biases):
//!   SGD: `g += wd·w; v = μ·v + g; w -= lr·v`.
//!   Adam: `g += wd·w; m = β1 m + (1−β1) g; v = β2 v + (1−β2) g²;
//!   w -= lr · (m / (1−β1ᵗ)) / (sqrt(v / (1−β2ᵗ)) + ε)`.
//!   AdamW: as Adam without the `g += wd·w`, and then `w -= lr·wd·w` (applied before the Adam step).
//! - **Metrics per epoch.** `train_loss`: mean loss over the epoch's training rows as computed in
//!   the forward passes (with dropout). `valid_loss` and `valid_score` on the validation rows
//!   without dropout: score is accuracy (classification) or RMSE (regression, in the units of `y`).
//! - **Divergence.** A non-finite loss or weight marks the candidate `diverged`; it is not trained
//!   further, and the other candidates are unaffected.

use super::spec::Spec;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Training and validation rows in the layout both trainers consume (row-major `f32`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainData {
    /// Features per row.
    pub inputs: usize,
    /// Classes (classification) or 1 (regression).
    pub outputs: usize,
    /// Whether targets are class indices.
    pub classification: bool,
    /// Training features, `train_rows × inputs`.
    pub train_x: Vec<f32>,
    /// Training targets: class index as `f32`, or the (standardised) value.
    pub train_y: Vec<f32>,
    /// Validation features, `valid_rows × inputs`.
    pub valid_x: Vec<f32>,
    /// Validation targets.
    pub valid_y: Vec<f32>,
}

impl TrainData {
    /// Number of training rows.
    pub fn train_rows(&self) -> usize {
        self.train_y.len()
    }
    /// Number of validation rows.
    pub fn valid_rows(&self) -> usize {
        self.valid_y.len()
    }

    /// Checks that the parts agree in length, the features are finite and the targets usable
    /// (class indices below `outputs`, or finite values); both trainers refuse other data.
    pub fn check(&self) -> Result<(), String> {
        if self.inputs == 0 || self.outputs == 0 {
            return Err(format!(
                "the data has {} inputs and {} outputs",
                self.inputs, self.outputs
            ));
        }
        if self.train_rows() == 0 {
            return Err("the data has no training rows".into());
        }
        for (part, x, y) in [
            ("training", &self.train_x, &self.train_y),
            ("validation", &self.valid_x, &self.valid_y),
        ] {
            if x.len() != y.len() * self.inputs {
                return Err(format!(
                    "{part} features hold {} values, expected {} rows × {} features",
                    x.len(),
                    y.len(),
                    self.inputs
                ));
            }
            if let Some(row) = x
                .chunks(self.inputs)
                .position(|r| r.iter().any(|v| !v.is_finite()))
            {
                return Err(format!("{part} row {row} has a non-finite feature"));
            }
            for (row, &t) in y.iter().enumerate() {
                let ok = if self.classification {
                    t >= 0.0 && t.fract() == 0.0 && (t as usize) < self.outputs
                } else {
                    t.is_finite()
                };
                if !ok {
                    return Err(format!("{part} row {row} has an invalid target {t}"));
                }
            }
        }
        Ok(())
    }
}

/// Parameters of one affine layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerWeights {
    /// Fan-in.
    pub inputs: usize,
    /// Fan-out.
    pub outputs: usize,
    /// Row-major `inputs × outputs`.
    pub w: Vec<f32>,
    /// `outputs` biases.
    pub b: Vec<f32>,
}

/// All parameters of a candidate, input layer first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// One entry per affine layer (hidden layers, then the output layer).
    pub layers: Vec<LayerWeights>,
}

/// Everything a trainer needs to continue a candidate exactly where it stopped: weights,
/// optimizer state and progress (which sets the learning-rate schedule's position, the Adam bias
/// correction, the shuffles and the dropout masks of later epochs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateState {
    /// The weights.
    pub weights: Weights,
    /// SGD velocity or Adam moments, shaped like the weights (`v` empty for SGD).
    pub optim: crate::model::optim::OptimState,
    /// Epochs completed.
    pub epochs_done: u32,
    /// Optimizer steps taken.
    pub steps_done: u64,
}

impl CandidateState {
    /// Checks that the state fits `spec` (weight and optimizer-state shapes).
    pub fn check(&self, spec: &Spec) -> Result<(), TrainError> {
        crate::model::init::check_weights(spec, &self.weights)?;
        let fresh = crate::model::optim::OptimState::new(spec, &self.weights);
        let same_shape = |a: &Weights, b: &Weights| {
            a.layers.len() == b.layers.len()
                && a.layers
                    .iter()
                    .zip(&b.layers)
                    .all(|(x, y)| x.w.len() == y.w.len() && x.b.len() == y.b.len())
        };
        if !same_shape(&self.optim.m, &fresh.m) || !same_shape(&self.optim.v, &fresh.v) {
            return Err(TrainError::Shape(
                "the saved optimizer state does not match the candidate's layers and optimizer"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// Metrics of one finished epoch of one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochMetrics {
    /// Epochs this candidate has completed, including this one (1-based).
    pub epoch: u32,
    /// Mean training loss over the epoch (with dropout).
    pub train_loss: f32,
    /// Validation loss (no dropout).
    pub valid_loss: f32,
    /// Validation accuracy (classification) or RMSE (regression, in standardised target units:
    /// times the training target's standard deviation it is in the target's units).
    pub valid_score: f32,
    /// Set when the loss or weights became non-finite; the candidate stops training.
    pub diverged: bool,
}

/// A handle to a candidate inside a trainer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CandidateId(pub u32);

/// Why a trainer call failed (the candidate itself diverging is *not* an error).
#[derive(Debug, Clone, PartialEq)]
pub enum TrainError {
    /// The spec does not fit the data (input or output width mismatch).
    Shape(String),
    /// Unknown candidate id.
    UnknownCandidate(CandidateId),
    /// The GPU failed (device lost, limits exceeded, readback failed).
    Gpu(crate::gpu::GpuError),
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::Shape(m) => write!(f, "candidate does not fit the data: {m}"),
            TrainError::UnknownCandidate(id) => write!(f, "no candidate with id {}", id.0),
            TrainError::Gpu(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for TrainError {}

impl From<crate::gpu::GpuError> for TrainError {
    fn from(e: crate::gpu::GpuError) -> Self {
        TrainError::Gpu(e)
    }
}

/// A trainer holds a population of candidates on one dataset and trains any subset of them
/// together. Candidates keep their weights and optimizer state between calls, so training can be
/// paused after `k` epochs and resumed for `m` more with exactly the same result as `k + m`.
#[allow(async_fn_in_trait)] // used with static dispatch only; no Send bound is wanted on wasm
pub trait Trainer {
    /// Adds a candidate. `init` replaces the seeded initial weights (weight inheritance); its
    /// shapes must match the spec.
    fn add(&mut self, spec: Spec, init: Option<Weights>) -> Result<CandidateId, TrainError>;

    /// Trains the given candidates for `epochs` more epochs each; returns one metrics vector per
    /// id, in order (shorter for a candidate that diverged).
    async fn train(
        &mut self,
        ids: &[CandidateId],
        epochs: u32,
    ) -> Result<Vec<Vec<EpochMetrics>>, TrainError>;

    /// The candidate's current weights.
    async fn weights(&mut self, id: CandidateId) -> Result<Weights, TrainError>;

    /// Forward pass for `x` (`rows × inputs`): class probabilities (`rows × classes`) or values.
    async fn predict(&mut self, id: CandidateId, x: &[f32]) -> Result<Vec<f32>, TrainError>;

    /// Frees a candidate's slot.
    fn remove(&mut self, id: CandidateId);

    /// The candidate's complete training state, to continue it later with [`Trainer::restore`]
    /// (in this trainer or a new one of the same kind on the same data).
    async fn state(&mut self, id: CandidateId) -> Result<CandidateState, TrainError>;

    /// Adds a candidate that continues exactly from `state`: training it `m` more epochs gives
    /// the same result as if it had never left its first trainer.
    fn restore(&mut self, spec: Spec, state: CandidateState) -> Result<CandidateId, TrainError>;

    /// Epochs the candidate has completed.
    fn epochs_done(&self, id: CandidateId) -> Result<u32, TrainError>;

    /// How many candidates train at the same time, each on its own thread (1: one after another,
    /// or all in one batched pass). A group's time is then the longest-first schedule of its
    /// candidates on that many threads, which the search's time estimates model.
    fn parallelism(&self) -> usize {
        1
    }
}

/// Seed folded to 32 bits, as the GPU kernels use it.
pub fn seed32(spec: &Spec) -> u32 {
    (spec.seed as u32) ^ ((spec.seed >> 32) as u32)
}
