//! Candidate specification: architecture + hyperparameters of one MLP.
//!
//! Following the "unchecked vs checked" pattern: a search space samples a [`RawSpec`] (plain values,
//! possibly out of range); [`RawSpec::validate`] is the single place that turns it into a [`Spec`],
//! which cannot be invalid. Trainers only accept [`Spec`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// Hidden-layer activation functions. The numeric id is what the GPU descriptor table stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// max(0, x)
    Relu,
    /// x if x > 0 else 0.01·x
    LeakyRelu,
    /// tanh(x)
    Tanh,
    /// 1 / (1 + e^-x)
    Sigmoid,
    /// x·Φ(x), tanh approximation
    Gelu,
}

impl Activation {
    /// All activations, in id order.
    pub const ALL: [Activation; 5] = [
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Gelu,
    ];

    /// Stable numeric id (used by GPU descriptor tables and exports).
    pub fn id(self) -> u32 {
        match self {
            Activation::Relu => 0,
            Activation::LeakyRelu => 1,
            Activation::Tanh => 2,
            Activation::Sigmoid => 3,
            Activation::Gelu => 4,
        }
    }

    /// Short display name.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Gelu => "gelu",
        }
    }
}

/// Output loss; fixed by the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Softmax over the outputs + cross-entropy against a class index (classification).
    SoftmaxCrossEntropy,
    /// Mean squared error against one standardised target (regression).
    MeanSquaredError,
}

/// Optimizer and its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Optimizer {
    /// SGD with (heavy-ball) momentum; L2 weight decay added to the gradient.
    Sgd {
        /// Momentum coefficient in [0, 1).
        momentum: f32,
    },
    /// Adam; L2 weight decay added to the gradient.
    Adam {
        /// First-moment decay.
        beta1: f32,
        /// Second-moment decay.
        beta2: f32,
        /// Denominator epsilon.
        eps: f32,
    },
    /// AdamW: Adam with decoupled weight decay.
    AdamW {
        /// First-moment decay.
        beta1: f32,
        /// Second-moment decay.
        beta2: f32,
        /// Denominator epsilon.
        eps: f32,
    },
}

/// Learning-rate schedule over the candidate's epoch horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// The base rate throughout (after warm-up).
    Constant,
    /// Cosine decay from the base rate to zero at `horizon_epochs`.
    Cosine,
}

/// Weight initialisation scheme (biases start at zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// Normal with std sqrt(2 / fan_in) — for ReLU-family activations.
    He,
    /// Normal with std sqrt(2 / (fan_in + fan_out)).
    Xavier,
}

/// [`Spec::summary`] of a network without hidden layers.
pub const LINEAR_SUMMARY: &str = "linear";

/// One hidden layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerSpec {
    /// Number of units.
    pub width: u32,
    /// Activation after the affine map.
    pub activation: Activation,
}

/// Unchecked candidate, as sampled by a search space or read from JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawSpec {
    /// Input features (after preparation).
    pub inputs: u32,
    /// Outputs: number of classes, or 1 for regression.
    pub outputs: u32,
    /// Output loss.
    pub loss: Loss,
    /// Hidden layers, input side first.
    pub hidden: Vec<LayerSpec>,
    /// Dropout probability applied after each hidden activation during training.
    pub dropout: f32,
    /// L2 weight decay (decoupled for AdamW).
    pub weight_decay: f32,
    /// Optimizer.
    pub optimizer: Optimizer,
    /// Base learning rate.
    pub learning_rate: f32,
    /// Schedule.
    pub schedule: Schedule,
    /// Linear warm-up length in epochs (0 = none).
    pub warmup_epochs: u32,
    /// Epoch horizon the schedule is defined over (the most epochs this candidate may get).
    pub horizon_epochs: u32,
    /// Mini-batch size.
    pub batch_size: u32,
    /// Initialisation scheme.
    pub init: Init,
    /// Seed for initial weights, shuffles and dropout.
    pub seed: u64,
}

/// Why a [`RawSpec`] was rejected. The message names the field and the allowed range.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    /// Field at fault, e.g. `hidden[2].width`.
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid candidate: {}: {}", self.field, self.message)
    }
}

impl std::error::Error for SpecError {}

/// Allowed ranges, in one place.
pub mod limits {
    /// Hidden layers per candidate (none is allowed: the output layer alone, a linear model).
    pub const MAX_HIDDEN_LAYERS: usize = 6;
    /// Units per hidden layer.
    pub const MIN_WIDTH: u32 = 1;
    /// Units per hidden layer.
    pub const MAX_WIDTH: u32 = 1024;
    /// Input features.
    pub const MAX_INPUTS: u32 = 4096;
    /// Output units.
    pub const MAX_OUTPUTS: u32 = 1024;
    /// Mini-batch size.
    pub const MAX_BATCH: u32 = 4096;
    /// Epoch horizon.
    pub const MAX_EPOCHS: u32 = 10_000;
}

/// A validated candidate. Construct through [`RawSpec::validate`] or [`Spec::raw`] round-trips.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawSpec", into = "RawSpec")]
pub struct Spec(RawSpec);

impl TryFrom<RawSpec> for Spec {
    type Error = SpecError;
    fn try_from(raw: RawSpec) -> Result<Self, SpecError> {
        raw.validate()
    }
}

impl From<Spec> for RawSpec {
    fn from(spec: Spec) -> RawSpec {
        spec.0
    }
}

fn err(field: impl Into<String>, message: impl Into<String>) -> SpecError {
    SpecError {
        field: field.into(),
        message: message.into(),
    }
}

fn finite_in(field: &str, v: f32, lo: f32, hi: f32, hi_inclusive: bool) -> Result<(), SpecError> {
    let ok = v.is_finite() && v >= lo && if hi_inclusive { v <= hi } else { v < hi };
    if ok {
        Ok(())
    } else {
        let close = if hi_inclusive { ']' } else { ')' };
        Err(err(field, format!("{v} is outside [{lo}, {hi}{close}")))
    }
}

impl RawSpec {
    /// The one validation step: checks every field's range and the loss/output pairing.
    pub fn validate(self) -> Result<Spec, SpecError> {
        use limits::*;
        if self.inputs == 0 || self.inputs > MAX_INPUTS {
            return Err(err(
                "inputs",
                format!("{} is outside [1, {MAX_INPUTS}]", self.inputs),
            ));
        }
        if self.outputs == 0 || self.outputs > MAX_OUTPUTS {
            return Err(err(
                "outputs",
                format!("{} is outside [1, {MAX_OUTPUTS}]", self.outputs),
            ));
        }
        match self.loss {
            Loss::SoftmaxCrossEntropy if self.outputs < 2 => {
                return Err(err("outputs", "classification needs at least 2 classes"))
            }
            Loss::MeanSquaredError if self.outputs != 1 => {
                return Err(err("outputs", "regression has exactly 1 output"))
            }
            _ => {}
        }
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(err(
                "hidden",
                format!(
                    "{} hidden layers; at most {MAX_HIDDEN_LAYERS} are allowed",
                    self.hidden.len()
                ),
            ));
        }
        for (i, layer) in self.hidden.iter().enumerate() {
            if !(MIN_WIDTH..=MAX_WIDTH).contains(&layer.width) {
                return Err(err(
                    format!("hidden[{i}].width"),
                    format!("{} is outside [{MIN_WIDTH}, {MAX_WIDTH}]", layer.width),
                ));
            }
        }
        finite_in("dropout", self.dropout, 0.0, 0.9, true)?;
        finite_in("weight_decay", self.weight_decay, 0.0, 1.0, true)?;
        finite_in("learning_rate", self.learning_rate, 1e-7, 10.0, true)?;
        match self.optimizer {
            Optimizer::Sgd { momentum } => {
                finite_in("optimizer.momentum", momentum, 0.0, 1.0, false)?
            }
            Optimizer::Adam { beta1, beta2, eps } | Optimizer::AdamW { beta1, beta2, eps } => {
                finite_in("optimizer.beta1", beta1, 0.0, 1.0, false)?;
                finite_in("optimizer.beta2", beta2, 0.0, 1.0, false)?;
                finite_in("optimizer.eps", eps, 1e-12, 1.0, true)?;
            }
        }
        if self.horizon_epochs == 0 || self.horizon_epochs > MAX_EPOCHS {
            return Err(err(
                "horizon_epochs",
                format!("{} is outside [1, {MAX_EPOCHS}]", self.horizon_epochs),
            ));
        }
        if self.warmup_epochs >= self.horizon_epochs && self.warmup_epochs > 0 {
            return Err(err(
                "warmup_epochs",
                format!(
                    "{} must be shorter than the horizon of {} epochs",
                    self.warmup_epochs, self.horizon_epochs
                ),
            ));
        }
        if self.batch_size == 0 || self.batch_size > MAX_BATCH {
            return Err(err(
                "batch_size",
                format!("{} is outside [1, {MAX_BATCH}]", self.batch_size),
            ));
        }
        Ok(Spec(self))
    }
}

impl std::ops::Deref for Spec {
    type Target = RawSpec;
    fn deref(&self) -> &RawSpec {
        &self.0
    }
}

impl Spec {
    /// The unchecked form (for editing and re-validation).
    pub fn raw(&self) -> &RawSpec {
        &self.0
    }

    /// Layer widths including input and output: `[inputs, h1, …, outputs]`.
    pub fn widths(&self) -> Vec<usize> {
        let mut w = Vec::with_capacity(self.hidden.len() + 2);
        w.push(self.inputs as usize);
        w.extend(self.hidden.iter().map(|l| l.width as usize));
        w.push(self.outputs as usize);
        w
    }

    /// Trainable parameters (weights + biases).
    pub fn parameter_count(&self) -> usize {
        self.widths().windows(2).map(|p| p[0] * p[1] + p[1]).sum()
    }

    /// Floating-point operations for one epoch over `rows` training rows: forward and backward
    /// multiply-adds counted as 2 FLOPs each (forward ≈ 2·P, backward ≈ 4·P per row).
    pub fn flops_per_epoch(&self, rows: usize) -> f64 {
        let macs: usize = self.widths().windows(2).map(|p| p[0] * p[1]).sum();
        6.0 * macs as f64 * rows as f64
    }

    /// Relative cost of one training epoch over `rows` rows, in FLOP equivalents: the forward
    /// and backward passes ([`Spec::flops_per_epoch`]) and, per mini-batch, the optimiser's update
    /// of every parameter (50 each) and a fixed 120,000. It shares a step's measured time among
    /// the candidates trained together in it. The per-batch terms were fitted to the CPU trainer
    /// on two cores (wine, 106 rows): measured per epoch, from one hidden layer of 8 units at
    /// batch 64 (0.013 ms) to four of 512 at batch 16 (19.8 ms), the model is within 1.6× of
    /// every measurement; an equal share per candidate was off by up to 1,500×.
    pub fn epoch_cost(&self, rows: usize) -> f64 {
        let batches = rows.div_ceil(self.batch_size.max(1) as usize) as f64;
        self.flops_per_epoch(rows) + batches * (50.0 * self.parameter_count() as f64 + 120_000.0)
    }

    /// Learning rate at a (0-based) epoch: linear warm-up, then constant or cosine decay.
    pub fn learning_rate_at(&self, epoch: u32) -> f32 {
        let base = self.learning_rate;
        if epoch < self.warmup_epochs {
            return base * (epoch + 1) as f32 / (self.warmup_epochs + 1) as f32;
        }
        match self.schedule {
            Schedule::Constant => base,
            Schedule::Cosine => {
                let span = (self.horizon_epochs - self.warmup_epochs).max(1) as f32;
                let t = ((epoch - self.warmup_epochs) as f32 / span).min(1.0);
                0.5 * base * (1.0 + (std::f32::consts::PI * t).cos())
            }
        }
    }

    /// Compact architecture summary, e.g. `64-relu ▸ 32-tanh` (for leaderboards); a network
    /// without hidden layers (softmax or linear regression, trained like the others) is `linear`.
    pub fn summary(&self) -> String {
        if self.hidden.is_empty() {
            return LINEAR_SUMMARY.into();
        }
        self.hidden
            .iter()
            .map(|l| format!("{}-{}", l.width, l.activation.name()))
            .collect::<Vec<_>>()
            .join(" ▸ ")
    }

    /// A reasonable default candidate for a task (used by the vertical slice and tests).
    pub fn default_for(
        inputs: u32,
        outputs: u32,
        loss: Loss,
        seed: u64,
    ) -> Result<Spec, SpecError> {
        RawSpec {
            inputs,
            outputs,
            loss,
            hidden: vec![LayerSpec {
                width: 32,
                activation: Activation::Relu,
            }],
            dropout: 0.0,
            weight_decay: 0.0,
            optimizer: Optimizer::Adam {
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
            },
            learning_rate: 0.01,
            schedule: Schedule::Constant,
            warmup_epochs: 0,
            horizon_epochs: 50,
            batch_size: 32,
            init: Init::He,
            seed,
        }
        .validate()
    }

    /// A classifier of `inputs` features into `classes` classes with the given hidden widths
    /// (all with `activation`) and batch size, otherwise [`Spec::default_for`]: for unit tests
    /// of code that lays out or schedules candidates.
    #[cfg(test)]
    pub(crate) fn test_mlp(
        inputs: u32,
        classes: u32,
        hidden: &[u32],
        activation: Activation,
        batch: u32,
    ) -> Spec {
        let mut raw = Spec::default_for(inputs, classes, Loss::SoftmaxCrossEntropy, 1)
            .expect("the default spec is valid")
            .raw()
            .clone();
        raw.hidden = hidden
            .iter()
            .map(|&width| LayerSpec { width, activation })
            .collect();
        raw.batch_size = batch;
        raw.validate().expect("a valid test spec")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawSpec {
        Spec::default_for(4, 3, Loss::SoftmaxCrossEntropy, 1)
            .unwrap()
            .raw()
            .clone()
    }

    #[test]
    fn counts_parameters_and_flops() {
        let s = raw().validate().unwrap();
        assert_eq!(s.widths(), vec![4, 32, 3]);
        assert_eq!(s.parameter_count(), 4 * 32 + 32 + 32 * 3 + 3);
        assert_eq!(
            s.flops_per_epoch(10),
            6.0 * (4.0 * 32.0 + 32.0 * 3.0) * 10.0
        );
    }

    #[test]
    fn epoch_cost_counts_the_passes_and_each_batch() {
        let s = raw().validate().unwrap();
        // 10 rows in batches of 32: one batch.
        let per_batch = 50.0 * s.parameter_count() as f64 + 120_000.0;
        assert_eq!(s.epoch_cost(10), s.flops_per_epoch(10) + per_batch);
        let mut small = raw();
        small.batch_size = 16;
        let small = small.validate().unwrap();
        assert_eq!(
            small.epoch_cost(100),
            s.flops_per_epoch(100) + 7.0 * per_batch
        );
        let mut wide = raw();
        wide.hidden = vec![wide.hidden[0]; 4];
        wide.hidden.iter_mut().for_each(|l| l.width = 512);
        let wide = wide.validate().unwrap();
        assert!(wide.epoch_cost(100) > 100.0 * s.epoch_cost(100));
    }

    #[test]
    fn rejects_out_of_range_fields_with_the_field_named() {
        let mut r = raw();
        r.hidden[0].width = 0;
        assert_eq!(r.validate().unwrap_err().field, "hidden[0].width");
        let mut r = raw();
        r.learning_rate = f32::NAN;
        assert_eq!(r.validate().unwrap_err().field, "learning_rate");
        let mut r = raw();
        r.outputs = 1;
        assert_eq!(r.validate().unwrap_err().field, "outputs");
        let mut r = raw();
        r.hidden = vec![r.hidden[0]; 7];
        assert_eq!(r.validate().unwrap_err().field, "hidden");
    }

    #[test]
    fn a_network_without_hidden_layers_is_the_linear_model() {
        let mut r = raw();
        r.hidden.clear();
        let s = r.validate().unwrap();
        assert_eq!(s.widths(), vec![4, 3]);
        assert_eq!(s.parameter_count(), 4 * 3 + 3);
        assert_eq!(s.summary(), LINEAR_SUMMARY);
    }

    #[test]
    fn json_round_trip_revalidates() {
        let s = raw().validate().unwrap();
        let json = serde_json::to_string(&s).unwrap();
        let back: Spec = serde_json::from_str(&json).unwrap();
        assert_eq!(s, back);
        let bad = json.replace("\"batch_size\":32", "\"batch_size\":0");
        assert!(serde_json::from_str::<Spec>(&bad).is_err());
    }

    #[test]
    fn schedule_warms_up_and_decays() {
        let mut r = raw();
        r.schedule = Schedule::Cosine;
        r.warmup_epochs = 1;
        r.horizon_epochs = 11;
        let s = r.validate().unwrap();
        assert!(s.learning_rate_at(0) < s.learning_rate);
        assert!((s.learning_rate_at(1) - s.learning_rate).abs() < 1e-6);
        assert!(s.learning_rate_at(10) < 0.05 * s.learning_rate);
    }
}
