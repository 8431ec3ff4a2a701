//! Which trainer a search runs on: with `auto`, the faster of the GPU population trainer and the
//! CPU trainer as measured by a quick probe on the data (the CPU when no adapter exists); `gpu` or
//! `cpu` when asked for — with the reason announced. Shared by the CLI and the page.

use crate::bench::ProbePick;
use crate::gpu::{GpuContext, GpuError, GpuTrainer};
use crate::model::trainer::{
    CandidateId, CandidateState, EpochMetrics, TrainData, TrainError, Trainer, Weights,
};
use crate::model::{CpuTrainer, Spec};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendChoice {
    /// The faster of GPU and CPU, measured on the data by a quick probe (CPU without an adapter).
    #[default]
    Auto,
    /// GPU or an error.
    Gpu,
    /// CPU.
    Cpu,
}

impl FromStr for BackendChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(BackendChoice::Auto),
            "gpu" => Ok(BackendChoice::Gpu),
            "cpu" => Ok(BackendChoice::Cpu),
            other => Err(format!("unknown backend \"{other}\" (auto, gpu, cpu)")),
        }
    }
}

/// Which backend runs, shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackendInfo {
    /// `gpu` or `cpu`.
    pub kind: &'static str,
    /// Adapter name (GPU).
    pub name: Option<String>,
    /// Why the CPU is used (CPU).
    pub reason: Option<String>,
}

impl BackendInfo {
    /// One line for the user, e.g. `training on the GPU: llvmpipe (Vulkan, Cpu)` or
    /// `training on the CPU: no GPU adapter: …`.
    pub fn announcement(&self) -> String {
        match (self.kind, &self.name, &self.reason) {
            ("gpu", Some(name), _) => format!("training on the GPU: {name}"),
            (_, _, Some(reason)) => format!("training on the CPU: {reason}"),
            (kind, _, _) => format!("training on the {}", kind.to_uppercase()),
        }
    }
}

/// The GPU was asked for but cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendError {
    /// Why (no adapter, or the trainer failed to start).
    pub reason: String,
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the GPU backend was requested, but {}", self.reason)
    }
}

impl std::error::Error for BackendError {}

/// A trainer of either kind; implements [`Trainer`] by delegation.
pub enum Backend {
    /// GPU population trainer.
    Gpu(Box<GpuTrainer>),
    /// CPU reference trainer.
    Cpu(CpuTrainer),
}

fn adapter_name(ctx: &GpuContext) -> String {
    let r = &ctx.report;
    let name = if r.name.is_empty() {
        format!("{} {}", r.vendor, r.driver).trim().to_string()
    } else {
        r.name.clone()
    };
    format!("{name} ({}, {})", r.backend, r.device_type)
}

/// Why the CPU is used when the GPU cannot be opened, in the user's words: a missing adapter is
/// the ordinary case of a browser without WebGPU, so wgpu's list of backends is left out of it.
pub fn cpu_reason(e: &GpuError) -> String {
    match e {
        GpuError::NoAdapter(_) => {
            "no GPU adapter is available (no WebGPU in this browser, or no GPU driver)".into()
        }
        other => other.to_string(),
    }
}

impl Backend {
    /// Opens the trainer for `choice` on `data`. `Auto` falls back to the CPU (the returned info
    /// says why); `Gpu` without a usable adapter is an error.
    pub async fn choose(
        choice: BackendChoice,
        data: TrainData,
    ) -> Result<(Backend, BackendInfo), BackendError> {
        let cpu = |data: TrainData, reason: String| {
            (
                Backend::Cpu(CpuTrainer::new(data)),
                BackendInfo {
                    kind: "cpu",
                    name: None,
                    reason: Some(reason),
                },
            )
        };
        if choice == BackendChoice::Cpu {
            return Ok(cpu(data, "the CPU backend was asked for".into()));
        }
        let ctx = match GpuContext::new().await {
            Ok(ctx) => ctx,
            Err(e) if choice == BackendChoice::Gpu => {
                return Err(BackendError {
                    reason: cpu_reason(&e),
                })
            }
            Err(e) => return Ok(cpu(data, cpu_reason(&e))),
        };
        let name = adapter_name(&ctx);
        if choice == BackendChoice::Auto {
            // A software adapter can be far slower than the CPU path and a real GPU far faster:
            // measure on this data instead of assuming.
            match crate::bench::probe_backends(&data, Ok(ctx.clone())).await {
                Ok(probe) if probe.pick == ProbePick::Cpu => {
                    let gpu_rate = probe
                        .gpu_rate
                        .map_or_else(|| "unavailable".to_string(), |r| format!("{r:.1}"));
                    return Ok(cpu(
                        data,
                        format!(
                            "measured faster than the GPU adapter {name}: CPU {:.1} vs GPU {gpu_rate} candidate-epochs/s",
                            probe.cpu_rate
                        ),
                    ));
                }
                Ok(_) => {}
                Err(e) => return Ok(cpu(data, format!("the GPU probe failed: {e}"))),
            }
        }
        match GpuTrainer::new(ctx, data.clone()).await {
            Ok(t) => Ok((
                Backend::Gpu(Box::new(t)),
                BackendInfo {
                    kind: "gpu",
                    name: Some(name),
                    reason: None,
                },
            )),
            Err(e) => {
                let reason = format!("the GPU trainer could not start: {e}");
                if choice == BackendChoice::Gpu {
                    Err(BackendError { reason })
                } else {
                    Ok(cpu(data, reason))
                }
            }
        }
    }

    /// `gpu` or `cpu`.
    pub fn kind(&self) -> &'static str {
        match self {
            Backend::Gpu(_) => "gpu",
            Backend::Cpu(_) => "cpu",
        }
    }
}

impl Trainer for Backend {
    fn add(&mut self, spec: Spec, init: Option<Weights>) -> Result<CandidateId, TrainError> {
        match self {
            Backend::Gpu(t) => t.add(spec, init),
            Backend::Cpu(t) => t.add(spec, init),
        }
    }

    async fn train(
        &mut self,
        ids: &[CandidateId],
        epochs: u32,
    ) -> Result<Vec<Vec<EpochMetrics>>, TrainError> {
        match self {
            Backend::Gpu(t) => t.train(ids, epochs).await,
            Backend::Cpu(t) => t.train(ids, epochs).await,
        }
    }

    async fn weights(&mut self, id: CandidateId) -> Result<Weights, TrainError> {
        match self {
            Backend::Gpu(t) => t.weights(id).await,
            Backend::Cpu(t) => t.weights(id).await,
        }
    }

    async fn predict(&mut self, id: CandidateId, x: &[f32]) -> Result<Vec<f32>, TrainError> {
        match self {
            Backend::Gpu(t) => t.predict(id, x).await,
            Backend::Cpu(t) => t.predict(id, x).await,
        }
    }

    fn remove(&mut self, id: CandidateId) {
        match self {
            Backend::Gpu(t) => t.remove(id),
            Backend::Cpu(t) => t.remove(id),
        }
    }

    fn epochs_done(&self, id: CandidateId) -> Result<u32, TrainError> {
        match self {
            Backend::Gpu(t) => t.epochs_done(id),
            Backend::Cpu(t) => t.epochs_done(id),
        }
    }

    async fn state(&mut self, id: CandidateId) -> Result<CandidateState, TrainError> {
        match self {
            Backend::Gpu(t) => t.state(id).await,
            Backend::Cpu(t) => t.state(id).await,
        }
    }

    fn restore(&mut self, spec: Spec, state: CandidateState) -> Result<CandidateId, TrainError> {
        match self {
            Backend::Gpu(t) => t.restore(spec, state),
            Backend::Cpu(t) => t.restore(spec, state),
        }
    }

    fn parallelism(&self) -> usize {
        match self {
            Backend::Gpu(t) => t.parallelism(),
            Backend::Cpu(t) => t.parallelism(),
        }
    }
}
