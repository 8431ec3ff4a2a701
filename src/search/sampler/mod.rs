//! Samplers: where the next candidate comes from.
//!
//! - [`random`]: independent uniform draws (log-uniform for log ranges).
//! - [`tpe`]: the Tree-structured Parzen Estimator with Optuna's published defaults.
//! - [`evolution`]: regularized (aging) evolution with architecture and hyperparameter mutations.
//!
//! All are seeded and serialisable (their state is part of a saved search): the same seed and the
//! same history give the same proposals.

pub mod evolution;
pub mod random;
pub mod tpe;

use super::space::{ParamDef, Sample, SearchSpace};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::sync::Arc;

/// How good a trial is on validation data: lexicographic, both parts *lower is better*.
/// `primary` is the error rate (1 − accuracy) or the RMSE; `secondary` the validation loss, which
/// breaks the frequent accuracy ties on small validation sets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    /// Error rate or RMSE (non-finite values are treated as worst).
    pub primary: f64,
    /// Validation loss.
    pub secondary: f64,
}

impl Objective {
    /// The worst possible objective (diverged candidates).
    pub const WORST: Objective = Objective {
        primary: f64::INFINITY,
        secondary: f64::INFINITY,
    };

    /// Total order: NaN counts as +∞.
    #[allow(clippy::should_implement_trait)] // f64 fields: no `Eq`, so no `Ord`
    pub fn cmp(&self, other: &Objective) -> Ordering {
        let key = |v: f64| if v.is_nan() { f64::INFINITY } else { v };
        key(self.primary)
            .total_cmp(&key(other.primary))
            .then(key(self.secondary).total_cmp(&key(other.secondary)))
    }

    /// The order of the multi-fidelity schedulers' rung decisions: validation loss first, then
    /// the metric. After a few epochs on a small validation part, the error rate moves in steps
    /// of one row and many candidates tie; the loss is continuous and also ranks how confidently
    /// each one is right. (For regression the loss is the squared error, which orders like RMSE.)
    pub fn rung_cmp(&self, other: &Objective) -> Ordering {
        let flip = |o: &Objective| Objective {
            primary: o.secondary,
            secondary: o.primary,
        };
        flip(self).cmp(&flip(other))
    }
}

/// What a sampler knows about one evaluated trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Trial number.
    pub trial: u32,
    /// The trial's parameters (internal values), shared with the trial.
    pub sample: Arc<Sample>,
    /// Its latest validation objective.
    pub objective: Objective,
    /// Epochs it was trained.
    pub epochs: u32,
    /// Whether it reached the full epoch horizon (Optuna's COMPLETE; otherwise PRUNED).
    pub complete: bool,
}

impl Observation {
    /// Optuna's ranking: complete trials by value, then stopped trials by (more epochs, value).
    pub fn rank_cmp(&self, other: &Observation) -> Ordering {
        other
            .complete
            .cmp(&self.complete)
            .then(other.epochs.cmp(&self.epochs))
            .then(self.objective.cmp(&other.objective))
            .then(self.trial.cmp(&other.trial))
    }
}

/// The next candidate to train.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// Parameters (internal values), only the active ones.
    pub sample: Sample,
    /// The trial this one was derived from (evolution), whose weights it may inherit.
    pub parent: Option<u32>,
    /// How it was made (e.g. `random`, `tpe`, `mutate:widen`).
    pub origin: String,
}

/// Which sampler to use, with its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SamplerConfig {
    /// Independent uniform draws.
    Random,
    /// Tree-structured Parzen Estimator.
    Tpe(tpe::TpeConfig),
    /// Regularized evolution.
    Evolution(evolution::EvolutionConfig),
}

/// A sampler with its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Sampler {
    /// See [`random::RandomSampler`].
    Random(random::RandomSampler),
    /// See [`tpe::TpeSampler`].
    Tpe(tpe::TpeSampler),
    /// See [`evolution::EvolutionSampler`].
    Evolution(evolution::EvolutionSampler),
}

impl Sampler {
    /// Creates a sampler from its configuration and a seed.
    pub fn new(config: &SamplerConfig, seed: u64) -> Sampler {
        match config {
            SamplerConfig::Random => Sampler::Random(random::RandomSampler::new(seed)),
            SamplerConfig::Tpe(c) => Sampler::Tpe(tpe::TpeSampler::new(c.clone(), seed)),
            SamplerConfig::Evolution(c) => {
                Sampler::Evolution(evolution::EvolutionSampler::new(c.clone(), seed))
            }
        }
    }

    /// Proposes the next candidate given every evaluated trial so far (in trial order).
    pub fn ask(&mut self, space: &SearchSpace, history: &[Observation]) -> Proposal {
        let params = space.params();
        match self {
            Sampler::Random(s) => s.ask(&params),
            Sampler::Tpe(s) => s.ask(&params, history),
            Sampler::Evolution(s) => s.ask(space, &params),
        }
    }

    /// Whether [`Sampler::ask`] reads its `history` (only TPE does; the others may be given an
    /// empty one).
    pub fn uses_history(&self) -> bool {
        matches!(self, Sampler::Tpe(_))
    }

    /// Reports that a trial stopped training for good (completed or pruned).
    pub fn tell(&mut self, observation: &Observation) {
        if let Sampler::Evolution(s) = self {
            s.tell(observation);
        }
    }
}

/// Draws every active parameter independently and uniformly.
pub(crate) fn draw_all(params: &[ParamDef], rng: &mut crate::rng::Rng) -> Sample {
    let mut sample = Sample::new();
    for p in params {
        if p.active(&sample) {
            sample.insert(p.name.clone(), super::space::draw(&p.dist, rng));
        }
    }
    sample
}

/// Drops inactive parameters and draws missing active ones (after a mutation changed a parent).
pub(crate) fn repair(params: &[ParamDef], sample: &Sample, rng: &mut crate::rng::Rng) -> Sample {
    let mut out = Sample::new();
    for p in params {
        if p.active(&out) {
            let v = match sample.get(&p.name) {
                Some(&v) => v,
                None => super::space::draw(&p.dist, rng),
            };
            out.insert(p.name.clone(), v);
        }
    }
    out
}
