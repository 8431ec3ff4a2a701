//! Candidate networks: what a candidate is ([`spec`]), the trainer contract ([`trainer`]) that
//! the CPU reference trainer and the GPU population trainer both fulfil, the CPU trainer
//! ([`cpu`]) with its building blocks, weight inheritance ([`grow`]) and the temperature
//! scaling of class probabilities ([`calibration`]).

pub mod activation;
pub mod backward;
pub mod calibration;
pub mod cpu;
pub mod evaluate;
pub mod fastmath;
pub mod forward;
pub mod grow;
pub mod init;
pub mod loss;
pub mod matmul;
pub mod optim;
pub mod simd;
pub mod spec;
pub mod trainer;

pub use backward::batch_gradients;
pub use cpu::CpuTrainer;
pub use evaluate::evaluate;
pub use forward::{predict, predict_mean, predict_weighted, Weighted};
pub use grow::{inherit, GrowError};
pub use init::{check_weights, initial_weights};
pub use spec::{Activation, Init, LayerSpec, Loss, Optimizer, RawSpec, Schedule, Spec, SpecError};
pub use trainer::{CandidateState, EpochMetrics, LayerWeights, TrainData, Weights};
