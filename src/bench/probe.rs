//! The on-load backend probe: a quick measurement, on the user's own data, of how fast the GPU
//! population trainer and the CPU trainer each train a small population, and which one to use.
//!
//! A software WebGPU adapter (SwiftShader, lavapipe) can be far slower than the CPU path, while a
//! real GPU is far faster; assuming either is wrong somewhere, so the engine measures. The probe
//! trains [`PROBE_CANDIDATES`] small, seeded candidates for one warm-up epoch (pipeline
//! compilation, first uploads) and one timed epoch on each backend, on at most
//! [`PROBE_TRAIN_ROWS`] training rows, and picks the backend with the higher rate.

use crate::bench::time_together;
use crate::gpu::{GpuContext, GpuTrainer};
use crate::model::cpu::CpuTrainer;
use crate::model::spec::{Activation, Init, LayerSpec, Loss, Optimizer, RawSpec, Schedule, Spec};
use crate::model::trainer::{TrainData, TrainError};
use serde::{Deserialize, Serialize};

/// Candidates trained together by the probe on each backend.
pub const PROBE_CANDIDATES: usize = 8;
/// Training rows the probe uses at most (a prefix of the training split).
pub const PROBE_TRAIN_ROWS: usize = 512;
/// Validation rows the probe uses at most (metrics are computed every epoch, so they count).
pub const PROBE_VALID_ROWS: usize = 128;

/// Which backend the probe picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbePick {
    /// The GPU population trainer.
    Gpu,
    /// The CPU trainer.
    Cpu,
}

/// What the probe measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackendProbe {
    /// GPU candidate-epochs per second on the probe's data (`None`: no GPU, see `gpu_error`).
    pub gpu_rate: Option<f64>,
    /// CPU candidate-epochs per second on the probe's data.
    pub cpu_rate: f64,
    /// The faster backend (the CPU when there is no GPU).
    pub pick: ProbePick,
    /// Why the GPU could not be measured, when it could not.
    pub gpu_error: Option<String>,
    /// Candidates trained on each backend.
    pub candidates: usize,
    /// Training rows used.
    pub train_rows: usize,
    /// Wall-clock milliseconds the whole probe took (warm-ups included).
    pub total_ms: f64,
}

/// The probe's data: a prefix of each split of `data`.
pub fn probe_data(data: &TrainData) -> TrainData {
    let train = data.train_rows().min(PROBE_TRAIN_ROWS);
    let valid = data.valid_rows().min(PROBE_VALID_ROWS);
    TrainData {
        inputs: data.inputs,
        outputs: data.outputs,
        classification: data.classification,
        train_x: data.train_x[..train * data.inputs].to_vec(),
        train_y: data.train_y[..train].to_vec(),
        valid_x: data.valid_x[..valid * data.inputs].to_vec(),
        valid_y: data.valid_y[..valid].to_vec(),
    }
}

/// The probe's candidates for `data`: small MLPs like those a search starts with (one or two
/// hidden layers of 32–64 units, batch 32, Adam), seeded.
pub fn probe_specs(data: &TrainData) -> Result<Vec<Spec>, TrainError> {
    let loss = if data.classification {
        Loss::SoftmaxCrossEntropy
    } else {
        Loss::MeanSquaredError
    };
    let outputs = if data.classification {
        data.outputs as u32
    } else {
        1
    };
    (0..PROBE_CANDIDATES)
        .map(|i| {
            let width = if i % 2 == 0 { 32 } else { 64 };
            let layer = LayerSpec {
                width,
                activation: Activation::ALL[i % Activation::ALL.len()],
            };
            RawSpec {
                inputs: data.inputs as u32,
                outputs,
                loss,
                hidden: vec![layer; 1 + i % 2],
                dropout: 0.0,
                weight_decay: 0.0,
                optimizer: Optimizer::Adam {
                    beta1: 0.9,
                    beta2: 0.999,
                    eps: 1e-8,
                },
                learning_rate: 1e-3,
                schedule: Schedule::Constant,
                warmup_epochs: 0,
                horizon_epochs: 10,
                batch_size: 32,
                init: Init::He,
                seed: 0x9e37 + i as u64,
            }
            .validate()
            .map_err(|e| TrainError::Shape(format!("probe candidate {i}: {e}")))
        })
        .collect()
}

/// Measures both backends on (a prefix of) `data` and picks the faster. `gpu` is the context to
/// measure, or `Err(reason)` when none could be opened; a GPU that fails during the probe is
/// reported in `gpu_error` and the CPU is picked. Errors only when the data cannot be trained on.
pub async fn probe_backends(
    data: &TrainData,
    gpu: Result<GpuContext, String>,
) -> Result<BackendProbe, TrainError> {
    let t0 = crate::platform::now_ms();
    let small = probe_data(data);
    let specs = probe_specs(&small)?;
    let rows = small.train_rows();
    let mut cpu = CpuTrainer::new(small.clone());
    let cpu_rate = time_together("cpu", &mut cpu, &specs, rows, 1)
        .await?
        .candidate_epochs_per_s;
    let gpu_result = match gpu {
        Ok(ctx) => match GpuTrainer::new(ctx, small).await {
            Ok(mut trainer) => time_together("gpu", &mut trainer, &specs, rows, 1)
                .await
                .map(|r| r.candidate_epochs_per_s)
                .map_err(|e| format!("the GPU failed during the probe: {e}")),
            Err(e) => Err(format!("the GPU trainer could not start: {e}")),
        },
        Err(reason) => Err(reason),
    };
    let (gpu_rate, gpu_error) = match gpu_result {
        Ok(rate) => (Some(rate), None),
        Err(e) => (None, Some(e)),
    };
    let pick = match gpu_rate {
        Some(g) if g > cpu_rate => ProbePick::Gpu,
        _ => ProbePick::Cpu,
    };
    Ok(BackendProbe {
        gpu_rate,
        cpu_rate,
        pick,
        gpu_error,
        candidates: specs.len(),
        train_rows: rows,
        total_ms: crate::platform::now_ms() - t0,
    })
}

impl BackendProbe {
    /// One line for logs and the page.
    pub fn summary(&self) -> String {
        let gpu = match (&self.gpu_rate, &self.gpu_error) {
            (Some(r), _) => format!("{r:.1}"),
            (None, Some(e)) => format!("unavailable ({e})"),
            (None, None) => "unavailable".into(),
        };
        format!(
            "probe ({} candidates × {} rows, {:.0} ms): GPU {gpu} cand-epochs/s, CPU {:.1} cand-epochs/s → {}",
            self.candidates,
            self.train_rows,
            self.total_ms,
            self.cpu_rate,
            match self.pick {
                ProbePick::Gpu => "GPU",
                ProbePick::Cpu => "CPU",
            }
        )
    }
}
