//! The trainer a search runs on in the browser: the GPU population trainer when a WebGPU adapter
//! exists (or was asked for), the CPU trainer otherwise, with the reason announced.

use crate::gpu::{GpuContext, GpuError, GpuTrainer};
use crate::model::trainer::{CandidateId, EpochMetrics, TrainData, TrainError, Trainer, Weights};
use crate::model::{CpuTrainer, Spec};
use serde::{Deserialize, Serialize};

/// What the user picked in the search panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendChoice {
    /// GPU when an adapter exists, else CPU.
    #[default]
    Auto,
    /// GPU or an error.
    Gpu,
    /// CPU.
    Cpu,
}

/// Which backend runs, shown to the user.
#[derive(Debug, Clone, Serialize)]
pub struct BackendInfo {
    /// `gpu` or `cpu`.
    pub kind: &'static str,
    /// Adapter name (GPU).
    pub name: Option<String>,
    /// Why the CPU is used (CPU).
    pub reason: Option<String>,
}

/// A trainer of either kind.
pub enum Backend {
    /// WebGPU population trainer.
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

/// Why the CPU is used when the GPU cannot be opened, in the page's words: a missing adapter is
/// the ordinary case of a browser without WebGPU, so wgpu's list of backends is left out of it.
pub fn cpu_reason(e: &GpuError) -> String {
    match e {
        GpuError::NoAdapter(_) => "this browser offers no WebGPU adapter".into(),
        other => other.to_string(),
    }
}

/// Opens the trainer for `choice` on `data`.
pub async fn open(
    choice: BackendChoice,
    data: TrainData,
) -> Result<(Backend, BackendInfo), String> {
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
        return Ok(cpu(
            data,
            "the CPU was chosen in the search settings".into(),
        ));
    }
    let gpu = match GpuContext::new().await {
        Ok(ctx) => {
            let name = adapter_name(&ctx);
            GpuTrainer::new(ctx, data.clone())
                .await
                .map(|t| (Backend::Gpu(Box::new(t)), name))
                .map_err(|e| format!("the GPU trainer could not start: {e}"))
        }
        Err(e) => Err(cpu_reason(&e)),
    };
    match (gpu, choice) {
        (Ok((trainer, name)), _) => Ok((
            trainer,
            BackendInfo {
                kind: "gpu",
                name: Some(name),
                reason: None,
            },
        )),
        (Err(reason), BackendChoice::Gpu) => Err(format!("GPU was chosen, but {reason}")),
        (Err(reason), _) => Ok(cpu(data, reason)),
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
}
