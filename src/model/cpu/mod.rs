//! The CPU reference trainer: plain Rust, bit-exact and deterministic, in the browser (wasm SIMD)
//! and natively (one candidate per core).
//!
//! It implements the maths of the [trainer contract](crate::model::trainer) and is the test oracle
//! for the GPU population trainer.

mod candidate;
mod parallel;

use super::forward::predict;
use super::init::{check_weights, initial_weights};
use super::spec::{Loss, Spec};
use super::trainer::{
    CandidateId, CandidateState, EpochMetrics, TrainData, TrainError, Trainer, Weights,
};
use candidate::Candidate;
use std::collections::BTreeMap;

/// A population of candidates trained on the CPU, all on one dataset.
#[derive(Debug, Clone)]
pub struct CpuTrainer {
    data: TrainData,
    /// Why the data cannot be trained on, found once by [`CpuTrainer::new`].
    data_problem: Option<String>,
    candidates: BTreeMap<u32, Candidate>,
    next_id: u32,
    threads: usize,
}

impl CpuTrainer {
    /// A trainer for `data`, using every core natively (one thread on the web). Inconsistent data
    /// (lengths that disagree, class indices out of range, no training rows) is reported by
    /// [`Trainer::add`] as [`TrainError::Shape`].
    pub fn new(data: TrainData) -> CpuTrainer {
        let data_problem = data.check().err();
        CpuTrainer {
            data,
            data_problem,
            candidates: BTreeMap::new(),
            next_id: 0,
            threads: default_threads(),
        }
    }

    /// Sets the number of threads used natively (`1` trains candidates one after another). Results
    /// do not depend on it. Ignored on the web.
    pub fn with_threads(mut self, threads: usize) -> CpuTrainer {
        self.threads = threads.max(1);
        self
    }

    /// The dataset.
    pub fn data(&self) -> &TrainData {
        &self.data
    }

    /// Synchronous form of [`Trainer::train`]. A repeated id is trained once and its metrics are
    /// returned at each of its positions.
    pub fn train_epochs(
        &mut self,
        ids: &[CandidateId],
        epochs: u32,
    ) -> Result<Vec<Vec<EpochMetrics>>, TrainError> {
        if let Some(id) = ids.iter().find(|id| !self.candidates.contains_key(&id.0)) {
            return Err(TrainError::UnknownCandidate(*id));
        }
        let mut wanted: Vec<u32> = ids.iter().map(|id| id.0).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let jobs: Vec<&mut Candidate> = self
            .candidates
            .iter_mut()
            .filter(|(id, _)| wanted.binary_search(id).is_ok())
            .map(|(_, c)| c)
            .collect();
        let results = parallel::train_all(jobs, &self.data, epochs, self.threads);
        Ok(ids
            .iter()
            .map(|id| {
                wanted
                    .binary_search(&id.0)
                    .map(|i| results[i].clone())
                    .unwrap_or_default()
            })
            .collect())
    }

    /// The candidate's current weights, borrowed.
    pub fn weights_ref(&self, id: CandidateId) -> Result<&Weights, TrainError> {
        self.get(id).map(|c| &c.weights)
    }

    /// Synchronous form of [`Trainer::predict`].
    pub fn predict_rows(&self, id: CandidateId, x: &[f32]) -> Result<Vec<f32>, TrainError> {
        let c = self.get(id)?;
        let inputs = c.spec.inputs as usize;
        if x.len() % inputs != 0 {
            return Err(TrainError::Shape(format!(
                "{} feature values is not a whole number of rows of {inputs} features",
                x.len()
            )));
        }
        Ok(predict(&c.spec, &c.weights, x))
    }

    /// Whether the candidate has diverged (stopped with non-finite loss or weights).
    pub fn diverged(&self, id: CandidateId) -> Result<bool, TrainError> {
        self.get(id).map(|c| c.diverged)
    }

    /// The candidate's spec.
    pub fn spec(&self, id: CandidateId) -> Result<&Spec, TrainError> {
        self.get(id).map(|c| &c.spec)
    }

    fn get(&self, id: CandidateId) -> Result<&Candidate, TrainError> {
        self.candidates
            .get(&id.0)
            .ok_or(TrainError::UnknownCandidate(id))
    }
}

impl Trainer for CpuTrainer {
    fn add(&mut self, spec: Spec, init: Option<Weights>) -> Result<CandidateId, TrainError> {
        if let Some(problem) = &self.data_problem {
            return Err(TrainError::Shape(problem.clone()));
        }
        let (inputs, outputs) = (spec.inputs as usize, spec.outputs as usize);
        if inputs != self.data.inputs || outputs != self.data.outputs {
            return Err(TrainError::Shape(format!(
                "the spec has {inputs} inputs and {outputs} outputs, the data {} and {}",
                self.data.inputs, self.data.outputs
            )));
        }
        let is_classifier = spec.loss == Loss::SoftmaxCrossEntropy;
        if is_classifier != self.data.classification {
            return Err(TrainError::Shape(format!(
                "the spec's loss ({:?}) does not suit a {} task",
                spec.loss,
                if self.data.classification {
                    "classification"
                } else {
                    "regression"
                }
            )));
        }
        let weights = match init {
            Some(w) => {
                check_weights(&spec, &w)?;
                w
            }
            None => initial_weights(&spec),
        };
        let id = self.next_id;
        self.next_id += 1;
        self.candidates.insert(id, Candidate::new(spec, weights));
        Ok(CandidateId(id))
    }

    async fn train(
        &mut self,
        ids: &[CandidateId],
        epochs: u32,
    ) -> Result<Vec<Vec<EpochMetrics>>, TrainError> {
        self.train_epochs(ids, epochs)
    }

    async fn weights(&mut self, id: CandidateId) -> Result<Weights, TrainError> {
        self.weights_ref(id).cloned()
    }

    async fn predict(&mut self, id: CandidateId, x: &[f32]) -> Result<Vec<f32>, TrainError> {
        self.predict_rows(id, x)
    }

    fn remove(&mut self, id: CandidateId) {
        self.candidates.remove(&id.0);
    }

    fn epochs_done(&self, id: CandidateId) -> Result<u32, TrainError> {
        self.get(id).map(|c| c.epochs_done)
    }

    /// The threads natively (candidates train one per thread); 1 on the web.
    fn parallelism(&self) -> usize {
        if cfg!(target_arch = "wasm32") {
            1
        } else {
            self.threads
        }
    }

    async fn state(&mut self, id: CandidateId) -> Result<CandidateState, TrainError> {
        let c = self.get(id)?;
        Ok(CandidateState {
            weights: c.weights.clone(),
            optim: c.optim.clone(),
            epochs_done: c.epochs_done,
            steps_done: c.steps_done,
        })
    }

    fn restore(&mut self, spec: Spec, state: CandidateState) -> Result<CandidateId, TrainError> {
        state.check(&spec)?;
        let id = self.add(spec, Some(state.weights))?;
        let c = self
            .candidates
            .get_mut(&id.0)
            .ok_or(TrainError::UnknownCandidate(id))?;
        c.optim = state.optim;
        c.epochs_done = state.epochs_done;
        c.steps_done = state.steps_done;
        Ok(id)
    }
}

/// Cores to use natively; 1 on the web.
fn default_threads() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}
