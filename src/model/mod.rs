//! Candidate networks: what a candidate is ([`spec`]) and the trainer contract ([`trainer`]) that
//! the CPU reference trainer and the GPU population trainer both fulfil.

pub mod spec;
pub mod trainer;

pub use spec::{Activation, Init, LayerSpec, Loss, Optimizer, RawSpec, Schedule, Spec, SpecError};
pub use trainer::{EpochMetrics, LayerWeights, TrainData, Weights};
