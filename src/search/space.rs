//! The search space as data: what a sampler may propose, with a sensible default per task.
//!
//! A [`SearchSpace`] is user-editable (serde). [`SearchSpace::params`] flattens it into named
//! parameter definitions ([`ParamDef`]) with distributions and activation conditions (per-layer
//! width and activation exist only when the depth reaches that layer; momentum only for SGD; beta1
//! only for the Adam family). Samplers produce a [`Sample`] — internal values keyed by name
//! (categorical values as choice indices, integers as whole floats) — and
//! [`SearchSpace::to_spec`] is the single place that turns a sample into a validated [`Spec`].

use crate::model::{
    Activation, Init, LayerSpec, Loss, Optimizer, RawSpec, Schedule, Spec, SpecError,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Internal values of one proposal, keyed by parameter name.
pub type Sample = BTreeMap<String, f64>;

/// An inclusive numeric range, optionally sampled on a log scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Range {
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Sample uniformly in log space (requires `min > 0`).
    #[serde(default)]
    pub log: bool,
}

impl Range {
    /// A linear range.
    pub const fn linear(min: f64, max: f64) -> Range {
        Range {
            min,
            max,
            log: false,
        }
    }
    /// A log-scale range.
    pub const fn log(min: f64, max: f64) -> Range {
        Range {
            min,
            max,
            log: true,
        }
    }
}

/// Optimizer families the space may choose from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptimizerKind {
    /// SGD with momentum.
    Sgd,
    /// Adam.
    Adam,
    /// AdamW.
    AdamW,
}

impl OptimizerKind {
    /// Display name (also the categorical choice label in exports).
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Adam => "adam",
            OptimizerKind::AdamW => "adamw",
        }
    }
}

/// The hyperparameter and architecture space of a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchSpace {
    /// Number of hidden layers (inclusive integer range; 0 is the linear model, no hidden layer).
    pub depth: (u32, u32),
    /// Units per hidden layer (integer range, usually log scale).
    pub width: Range,
    /// Hidden activations to choose from, per layer.
    pub activations: Vec<Activation>,
    /// Dropout probability.
    pub dropout: Range,
    /// L2 / decoupled weight decay (log scale).
    pub weight_decay: Range,
    /// Optimizer families.
    pub optimizers: Vec<OptimizerKind>,
    /// SGD momentum (only sampled for SGD).
    pub momentum: Range,
    /// Adam's beta1 (only sampled for Adam and AdamW); beta2 = 0.999, eps = 1e-8.
    pub beta1: Range,
    /// Base learning rate (log scale).
    pub learning_rate: Range,
    /// Learning-rate schedules.
    pub schedules: Vec<Schedule>,
    /// Mini-batch sizes.
    pub batch_sizes: Vec<u32>,
}

/// Distribution of one flattened parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Distribution {
    /// Integer in `[low, high]`.
    Int {
        /// Smallest value.
        low: i64,
        /// Largest value.
        high: i64,
        /// Log scale.
        log: bool,
    },
    /// Real in `[low, high]`.
    Float {
        /// Smallest value.
        low: f64,
        /// Largest value.
        high: f64,
        /// Log scale.
        log: bool,
    },
    /// One of `choices` (internal value: the index).
    Categorical {
        /// Choice labels.
        choices: Vec<String>,
    },
}

/// When a conditional parameter is active.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// Active when `param`'s value is at least `value` (e.g. `depth >= 3` for layer 2).
    AtLeast {
        /// Parent parameter.
        param: String,
        /// Threshold.
        value: f64,
    },
    /// Active when `param`'s value is one of `values` (categorical indices).
    OneOf {
        /// Parent parameter.
        param: String,
        /// Accepted values.
        values: Vec<f64>,
    },
}

impl Condition {
    /// Whether the condition holds for a (partial) sample; parents precede children.
    pub fn holds(&self, sample: &Sample) -> bool {
        match self {
            Condition::AtLeast { param, value } => sample.get(param).is_some_and(|v| v >= value),
            Condition::OneOf { param, values } => {
                sample.get(param).is_some_and(|v| values.contains(v))
            }
        }
    }
}

/// One flattened parameter: name, distribution and (optional) activation condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamDef {
    /// Unique name, e.g. `width_1`.
    pub name: String,
    /// Distribution.
    pub dist: Distribution,
    /// Present only when this holds.
    pub condition: Option<Condition>,
}

impl ParamDef {
    /// Whether this parameter is active given the parents already in `sample`.
    pub fn active(&self, sample: &Sample) -> bool {
        self.condition.as_ref().is_none_or(|c| c.holds(sample))
    }
}

/// Why a search space is unusable. The message names the field.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceError {
    /// Field at fault, e.g. `width`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid search space: {}: {}", self.field, self.message)
    }
}

impl std::error::Error for SpaceError {}

fn space_err(field: &str, message: impl Into<String>) -> SpaceError {
    SpaceError {
        field: field.to_string(),
        message: message.into(),
    }
}

fn check_range(field: &str, r: &Range, lo: f64, hi: f64) -> Result<(), SpaceError> {
    if !(r.min.is_finite() && r.max.is_finite()) || r.min > r.max {
        return Err(space_err(
            field,
            format!("min {} must not exceed max {}", r.min, r.max),
        ));
    }
    if r.min < lo || r.max > hi {
        return Err(space_err(
            field,
            format!("[{}, {}] must lie within [{lo}, {hi}]", r.min, r.max),
        ));
    }
    if r.log && r.min <= 0.0 {
        return Err(space_err(field, "a log-scale range needs min > 0"));
    }
    Ok(())
}

/// Epoch-independent per-candidate settings the space does not search over.
const ADAM_BETA2: f32 = 0.999;
const ADAM_EPS: f32 = 1e-8;

impl SearchSpace {
    /// The default space for small tabular data. `classification` picks the task; `train_rows`
    /// bounds the batch sizes offered.
    pub fn default_for(classification: bool, train_rows: usize) -> SearchSpace {
        let mut batch_sizes: Vec<u32> = [16u32, 32, 64, 128, 256]
            .into_iter()
            .filter(|&b| (b as usize) <= train_rows.max(16))
            .collect();
        if batch_sizes.is_empty() {
            batch_sizes.push(16);
        }
        let activations = if classification {
            vec![
                Activation::Relu,
                Activation::LeakyRelu,
                Activation::Tanh,
                Activation::Gelu,
            ]
        } else {
            // Saturating units are a poor fit for unbounded targets.
            vec![Activation::Relu, Activation::LeakyRelu, Activation::Gelu]
        };
        SearchSpace {
            depth: (1, 4),
            width: Range::log(8.0, 512.0),
            activations,
            dropout: Range::linear(0.0, 0.5),
            weight_decay: Range::log(1e-6, 1e-2),
            optimizers: vec![
                OptimizerKind::Adam,
                OptimizerKind::AdamW,
                OptimizerKind::Sgd,
            ],
            momentum: Range::linear(0.5, 0.99),
            beta1: Range::linear(0.8, 0.95),
            learning_rate: Range::log(1e-4, 1e-1),
            schedules: vec![Schedule::Constant, Schedule::Cosine],
            batch_sizes,
        }
    }

    /// The default space for `data`: its task, batch sizes bounded by its training rows.
    pub fn default_for_data(data: &crate::data::PreparedData) -> SearchSpace {
        let classification = matches!(data.task, crate::data::Task::Classification { .. });
        SearchSpace::default_for(classification, data.train.rows())
    }

    /// Checks every field; run once before a search starts.
    pub fn validate(&self) -> Result<(), SpaceError> {
        use crate::model::spec::limits::{MAX_HIDDEN_LAYERS, MAX_WIDTH};
        let (dmin, dmax) = self.depth;
        if dmin > dmax || dmax as usize > MAX_HIDDEN_LAYERS {
            return Err(space_err(
                "depth",
                format!("({dmin}, {dmax}) must satisfy 0 <= min <= max <= {MAX_HIDDEN_LAYERS}"),
            ));
        }
        check_range("width", &self.width, 1.0, MAX_WIDTH as f64)?;
        check_range("dropout", &self.dropout, 0.0, 0.9)?;
        check_range("weight_decay", &self.weight_decay, 0.0, 1.0)?;
        check_range("momentum", &self.momentum, 0.0, 0.999)?;
        check_range("beta1", &self.beta1, 0.0, 0.999)?;
        check_range("learning_rate", &self.learning_rate, 1e-7, 10.0)?;
        if self.activations.is_empty() {
            return Err(space_err("activations", "choose at least one activation"));
        }
        if self.optimizers.is_empty() {
            return Err(space_err("optimizers", "choose at least one optimizer"));
        }
        if self.schedules.is_empty() {
            return Err(space_err("schedules", "choose at least one schedule"));
        }
        if self.batch_sizes.is_empty() || self.batch_sizes.iter().any(|&b| b == 0 || b > 4096) {
            return Err(space_err(
                "batch_sizes",
                "give at least one batch size in [1, 4096]",
            ));
        }
        Ok(())
    }

    /// The flattened parameter list, parents before their conditional children.
    pub fn params(&self) -> Vec<ParamDef> {
        let float = |r: &Range| Distribution::Float {
            low: r.min,
            high: r.max,
            log: r.log,
        };
        let mut out = vec![ParamDef {
            name: "depth".into(),
            dist: Distribution::Int {
                low: self.depth.0 as i64,
                high: self.depth.1 as i64,
                log: false,
            },
            condition: None,
        }];
        for layer in 0..self.depth.1 {
            let condition = (layer >= self.depth.0).then(|| Condition::AtLeast {
                param: "depth".into(),
                value: (layer + 1) as f64,
            });
            out.push(ParamDef {
                name: format!("width_{layer}"),
                dist: Distribution::Int {
                    low: self.width.min.round() as i64,
                    high: self.width.max.round() as i64,
                    log: self.width.log,
                },
                condition: condition.clone(),
            });
            out.push(ParamDef {
                name: format!("activation_{layer}"),
                dist: Distribution::Categorical {
                    choices: self
                        .activations
                        .iter()
                        .map(|a| a.name().to_string())
                        .collect(),
                },
                condition,
            });
        }
        // Dropout acts after hidden activations: a network without hidden layers has none.
        out.push(ParamDef {
            name: "dropout".into(),
            dist: float(&self.dropout),
            condition: (self.depth.0 == 0).then(|| Condition::AtLeast {
                param: "depth".into(),
                value: 1.0,
            }),
        });
        out.push(ParamDef {
            name: "weight_decay".into(),
            dist: float(&self.weight_decay),
            condition: None,
        });
        out.push(ParamDef {
            name: "optimizer".into(),
            dist: Distribution::Categorical {
                choices: self
                    .optimizers
                    .iter()
                    .map(|o| o.name().to_string())
                    .collect(),
            },
            condition: None,
        });
        let indices = |pred: &dyn Fn(OptimizerKind) -> bool| -> Vec<f64> {
            self.optimizers
                .iter()
                .enumerate()
                .filter(|(_, &o)| pred(o))
                .map(|(i, _)| i as f64)
                .collect()
        };
        let sgd = indices(&|o| o == OptimizerKind::Sgd);
        if !sgd.is_empty() {
            out.push(ParamDef {
                name: "momentum".into(),
                dist: float(&self.momentum),
                condition: Some(Condition::OneOf {
                    param: "optimizer".into(),
                    values: sgd,
                }),
            });
        }
        let adam = indices(&|o| o != OptimizerKind::Sgd);
        if !adam.is_empty() {
            out.push(ParamDef {
                name: "beta1".into(),
                dist: float(&self.beta1),
                condition: Some(Condition::OneOf {
                    param: "optimizer".into(),
                    values: adam,
                }),
            });
        }
        out.push(ParamDef {
            name: "learning_rate".into(),
            dist: float(&self.learning_rate),
            condition: None,
        });
        out.push(ParamDef {
            name: "schedule".into(),
            dist: Distribution::Categorical {
                choices: self
                    .schedules
                    .iter()
                    .map(|s| match s {
                        Schedule::Constant => "constant".to_string(),
                        Schedule::Cosine => "cosine".to_string(),
                    })
                    .collect(),
            },
            condition: None,
        });
        out.push(ParamDef {
            name: "batch_size".into(),
            dist: Distribution::Categorical {
                choices: self.batch_sizes.iter().map(|b| b.to_string()).collect(),
            },
            condition: None,
        });
        out
    }

    /// Turns a sample into a validated spec: the one place where proposals meet [`RawSpec::validate`].
    /// Missing or out-of-range values are clamped into the space first; the spec check then
    /// guarantees the candidate is trainable.
    pub fn to_spec(&self, sample: &Sample, shape: &SpecShape) -> Result<Spec, SpecError> {
        let get = |name: &str, default: f64| sample.get(name).copied().unwrap_or(default);
        let pick = |name: &str, len: usize| -> usize {
            let v = get(name, 0.0);
            if v.is_finite() && v >= 0.0 {
                (v as usize).min(len.saturating_sub(1))
            } else {
                0
            }
        };
        let depth = get("depth", self.depth.0 as f64)
            .round()
            .clamp(self.depth.0 as f64, self.depth.1 as f64) as usize;
        let hidden = (0..depth)
            .map(|l| LayerSpec {
                width: get(&format!("width_{l}"), self.width.min)
                    .round()
                    .clamp(self.width.min, self.width.max) as u32,
                activation: self.activations
                    [pick(&format!("activation_{l}"), self.activations.len())],
            })
            .collect();
        let beta1 = get("beta1", 0.9) as f32;
        let optimizer = match self.optimizers[pick("optimizer", self.optimizers.len())] {
            OptimizerKind::Sgd => Optimizer::Sgd {
                momentum: get("momentum", 0.9) as f32,
            },
            OptimizerKind::Adam => Optimizer::Adam {
                beta1,
                beta2: ADAM_BETA2,
                eps: ADAM_EPS,
            },
            OptimizerKind::AdamW => Optimizer::AdamW {
                beta1,
                beta2: ADAM_BETA2,
                eps: ADAM_EPS,
            },
        };
        RawSpec {
            inputs: shape.inputs,
            outputs: shape.outputs,
            loss: shape.loss,
            hidden,
            dropout: get("dropout", 0.0) as f32,
            weight_decay: get("weight_decay", 0.0) as f32,
            optimizer,
            learning_rate: get("learning_rate", 1e-3) as f32,
            schedule: self.schedules[pick("schedule", self.schedules.len())],
            warmup_epochs: 0,
            horizon_epochs: shape.horizon_epochs,
            batch_size: self.batch_sizes[pick("batch_size", self.batch_sizes.len())],
            init: Init::He,
            seed: shape.seed,
        }
        .validate()
    }

    /// The sample that describes an existing spec (used when a spec is edited by a mutation).
    pub fn sample_of(&self, spec: &Spec) -> Sample {
        let mut s = Sample::new();
        s.insert("depth".into(), spec.hidden.len() as f64);
        for (l, layer) in spec.hidden.iter().enumerate() {
            s.insert(format!("width_{l}"), layer.width as f64);
            let a = self
                .activations
                .iter()
                .position(|&x| x == layer.activation)
                .unwrap_or(0);
            s.insert(format!("activation_{l}"), a as f64);
        }
        if !spec.hidden.is_empty() {
            s.insert("dropout".into(), spec.dropout as f64);
        }
        s.insert("weight_decay".into(), spec.weight_decay as f64);
        let (kind, extra) = match spec.optimizer {
            Optimizer::Sgd { momentum } => (OptimizerKind::Sgd, ("momentum", momentum)),
            Optimizer::Adam { beta1, .. } => (OptimizerKind::Adam, ("beta1", beta1)),
            Optimizer::AdamW { beta1, .. } => (OptimizerKind::AdamW, ("beta1", beta1)),
        };
        let o = self.optimizers.iter().position(|&x| x == kind).unwrap_or(0);
        s.insert("optimizer".into(), o as f64);
        s.insert(extra.0.into(), extra.1 as f64);
        s.insert("learning_rate".into(), spec.learning_rate as f64);
        let sch = self
            .schedules
            .iter()
            .position(|&x| x == spec.schedule)
            .unwrap_or(0);
        s.insert("schedule".into(), sch as f64);
        let b = self
            .batch_sizes
            .iter()
            .position(|&x| x == spec.batch_size)
            .unwrap_or(0);
        s.insert("batch_size".into(), b as f64);
        s
    }
}

/// The data- and run-dependent parts of a spec that the space does not choose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpecShape {
    /// Input features.
    pub inputs: u32,
    /// Output units.
    pub outputs: u32,
    /// Loss fixed by the task.
    pub loss: Loss,
    /// Most epochs this candidate may get (the schedule's horizon).
    pub horizon_epochs: u32,
    /// Per-candidate seed.
    pub seed: u64,
}

/// Draws one value of `dist` uniformly (in log space for log ranges); used by random sampling,
/// start-up trials and mutations.
pub fn draw(dist: &Distribution, rng: &mut crate::rng::Rng) -> f64 {
    match dist {
        Distribution::Int { low, high, log } => {
            if *log && *low > 0 {
                let (a, b) = ((*low as f64 - 0.5).ln(), (*high as f64 + 0.5).ln());
                (a + rng.next_f64() * (b - a))
                    .exp()
                    .round()
                    .clamp(*low as f64, *high as f64)
            } else {
                (*low + rng.below((high - low + 1).max(1) as usize) as i64) as f64
            }
        }
        Distribution::Float { low, high, log } => {
            if *log && *low > 0.0 {
                (low.ln() + rng.next_f64() * (high.ln() - low.ln())).exp()
            } else {
                low + rng.next_f64() * (high - low)
            }
        }
        Distribution::Categorical { choices } => rng.below(choices.len()) as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn shape() -> SpecShape {
        SpecShape {
            inputs: 4,
            outputs: 3,
            loss: Loss::SoftmaxCrossEntropy,
            horizon_epochs: 20,
            seed: 1,
        }
    }

    fn random_sample(space: &SearchSpace, rng: &mut Rng) -> Sample {
        let mut s = Sample::new();
        for p in space.params() {
            if p.active(&s) {
                s.insert(p.name.clone(), draw(&p.dist, rng));
            }
        }
        s
    }

    #[test]
    fn default_space_is_valid_and_round_trips_through_json() {
        let space = SearchSpace::default_for(true, 100);
        space.validate().unwrap();
        let json = serde_json::to_string(&space).unwrap();
        let back: SearchSpace = serde_json::from_str(&json).unwrap();
        assert_eq!(space, back);
        assert_eq!(space.batch_sizes, vec![16, 32, 64]);
    }

    #[test]
    fn layer_parameters_are_conditional_on_depth() {
        let space = SearchSpace::default_for(true, 1000);
        let mut rng = Rng::new(3);
        for _ in 0..200 {
            let s = random_sample(&space, &mut rng);
            let depth = s["depth"] as usize;
            assert!((1..=4).contains(&depth));
            for l in 0..4 {
                assert_eq!(s.contains_key(&format!("width_{l}")), l < depth);
            }
            assert!(s.contains_key("momentum") ^ s.contains_key("beta1"));
            let spec = space.to_spec(&s, &shape()).unwrap();
            assert_eq!(spec.hidden.len(), depth);
            assert!(spec.hidden.iter().all(|l| (8..=512).contains(&l.width)));
            assert!((1e-4..=1e-1).contains(&(spec.learning_rate as f64 * 1.000_001)));
            assert_eq!(space.sample_of(&spec)["depth"], depth as f64);
        }
    }

    #[test]
    fn depth_zero_samples_the_linear_model() {
        let mut space = SearchSpace::default_for(true, 1000);
        space.depth = (0, 2);
        space.validate().unwrap();
        let mut rng = Rng::new(5);
        let mut linear = 0;
        for _ in 0..100 {
            let s = random_sample(&space, &mut rng);
            let depth = s["depth"] as usize;
            for l in 0..2 {
                assert_eq!(s.contains_key(&format!("width_{l}")), l < depth);
            }
            let spec = space.to_spec(&s, &shape()).unwrap();
            assert_eq!(spec.hidden.len(), depth);
            assert_eq!(s.contains_key("dropout"), depth > 0);
            if depth == 0 {
                linear += 1;
                assert_eq!(spec.dropout, 0.0);
                assert_eq!(spec.summary(), crate::model::spec::LINEAR_SUMMARY);
                let back = space.sample_of(&spec);
                assert!(back.keys().eq(s.keys()), "{back:?} against {s:?}");
            }
        }
        assert!((20..=50).contains(&linear), "{linear} of 100 linear");
    }

    #[test]
    fn invalid_spaces_name_the_field() {
        let mut space = SearchSpace::default_for(false, 100);
        space.width = Range::log(0.0, 10.0);
        assert_eq!(space.validate().unwrap_err().field, "width");
        let mut space = SearchSpace::default_for(false, 100);
        space.depth = (3, 2);
        assert_eq!(space.validate().unwrap_err().field, "depth");
        let mut space = SearchSpace::default_for(false, 100);
        space.optimizers.clear();
        assert_eq!(space.validate().unwrap_err().field, "optimizers");
    }
}
