//! The trainer benchmark: one fixed, seeded workload timed on every path, so that the
//! population-on-the-GPU claim is a number rather than a slogan.
//!
//! Workload: digits-shaped data (1797 rows × 64 features → 10 classes, seeded random features with
//! labels from a seeded random teacher network; 80 % training rows), a population of mixed MLPs
//! (1–3 hidden layers, widths 16–128, seeded), batch 64, Adam. Reported: candidate-epochs per
//! second for the GPU population, the GPU one candidate at a time, and the CPU trainer; achieved
//! GFLOP/s of the population's training against the tiled matmul kernel's best measured rate on
//! the same adapter. Platform-neutral (no threads, no `Instant`): the browser can run it too.

use crate::gpu::matmul::Matmul;
use crate::gpu::{AdapterReport, GpuContext, GpuError, GpuTrainer};
use crate::model::cpu::CpuTrainer;
use crate::model::spec::{Activation, Init, LayerSpec, Loss, Optimizer, RawSpec, Schedule, Spec};
use crate::model::trainer::{TrainData, TrainError, Trainer};
use crate::platform::now_ms;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

pub mod probe;
pub use probe::{probe_backends, BackendProbe, ProbePick};

/// What to run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchConfig {
    /// Timed epochs per candidate (after one untimed warm-up epoch).
    pub epochs: u32,
    /// Candidates in the population.
    pub candidates: usize,
    /// How many of them to time one at a time (the rate is per candidate-epoch, so a prefix is a
    /// fair sample on slow adapters); `None` = all.
    pub one_at_a_time: Option<usize>,
    /// Whether to time the CPU trainer.
    pub cpu: bool,
    /// Matrix sizes for the matmul ceiling.
    pub matmul_sizes: Vec<usize>,
    /// Seed of data and candidates.
    pub seed: u64,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            epochs: 3,
            candidates: 32,
            one_at_a_time: None,
            cpu: true,
            matmul_sizes: vec![256, 512, 1024],
            seed: 2024,
        }
    }
}

/// One timed path.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PathResult {
    /// Path name.
    pub path: String,
    /// Candidates timed.
    pub candidates: usize,
    /// Epochs per candidate timed.
    pub epochs: u32,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Candidate-epochs per second.
    pub candidate_epochs_per_s: f64,
    /// Training GFLOP/s (forward + backward multiply-adds, 2 FLOPs each).
    pub gflops: f64,
}

/// One matmul ceiling measurement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MatmulRate {
    /// n of the n×n×n product.
    pub n: usize,
    /// GFLOP/s.
    pub gflops: f64,
}

/// Everything the benchmark measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchReport {
    /// The adapter.
    pub adapter: AdapterReport,
    /// The configuration run.
    pub config: BenchConfig,
    /// Workload in words.
    pub workload: String,
    /// Timed paths.
    pub paths: Vec<PathResult>,
    /// GPU population rate ÷ GPU one-at-a-time rate.
    pub population_speedup: f64,
    /// Matmul ceiling measurements.
    pub matmul: Vec<MatmulRate>,
    /// Population training GFLOP/s ÷ best matmul GFLOP/s.
    pub fraction_of_matmul_ceiling: f64,
    /// The on-load backend probe on the workload's data, when it was run.
    #[serde(default)]
    pub probe: Option<BackendProbe>,
}

/// The benchmark's data and candidates.
pub fn workload(seed: u64, candidates: usize) -> Result<(TrainData, Vec<Spec>), TrainError> {
    let (rows, inputs, classes) = (1797usize, 64usize, 10usize);
    let mut rng = Rng::new(seed).fork(1);
    let x: Vec<f32> = (0..rows * inputs)
        .map(|_| (rng.next_f32() * 16.0).floor() / 16.0)
        .collect();
    // Labels from a random 64→10 linear teacher: learnable, like digits, but private to the seed.
    let teacher: Vec<f32> = (0..inputs * classes).map(|_| rng.normal() as f32).collect();
    let y: Vec<f32> = x
        .chunks(inputs)
        .map(|row| {
            let scores = (0..classes).map(|c| {
                row.iter()
                    .enumerate()
                    .map(|(i, v)| v * teacher[i * classes + c])
                    .sum::<f32>()
            });
            scores
                .enumerate()
                .fold((0, f32::NEG_INFINITY), |best, (c, s)| {
                    if s > best.1 {
                        (c, s)
                    } else {
                        best
                    }
                })
                .0 as f32
        })
        .collect();
    let train = rows * 4 / 5;
    let data = TrainData {
        inputs,
        outputs: classes,
        classification: true,
        train_x: x[..train * inputs].to_vec(),
        train_y: y[..train].to_vec(),
        valid_x: x[train * inputs..].to_vec(),
        valid_y: y[train..].to_vec(),
    };
    let mut srng = Rng::new(seed).fork(2);
    let widths = [16u32, 32, 48, 64, 96, 128];
    let specs = (0..candidates)
        .map(|i| {
            let depth = 1 + srng.below(3);
            let hidden = (0..depth)
                .map(|_| LayerSpec {
                    width: widths[srng.below(widths.len())],
                    activation: Activation::ALL[srng.below(Activation::ALL.len())],
                })
                .collect();
            RawSpec {
                inputs: inputs as u32,
                outputs: classes as u32,
                loss: Loss::SoftmaxCrossEntropy,
                hidden,
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
                horizon_epochs: 100,
                batch_size: 64,
                init: Init::He,
                seed: seed ^ (i as u64 * 7919),
            }
            .validate()
            .map_err(|e| TrainError::Shape(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((data, specs))
}

fn describe(data: &TrainData, specs: &[Spec]) -> String {
    format!(
        "{} candidates (1–3 hidden layers, widths 16–128, batch 64, Adam) on {}+{} rows × {} features → {} classes",
        specs.len(),
        data.train_rows(),
        data.valid_rows(),
        data.inputs,
        data.outputs
    )
}

fn flops(specs: &[Spec], rows: usize, epochs: u32) -> f64 {
    specs.iter().map(|s| s.flops_per_epoch(rows)).sum::<f64>() * epochs as f64
}

/// Times `specs` trained together in `trainer` for `epochs` after one warm-up epoch.
pub async fn time_together<T: Trainer>(
    path: &str,
    trainer: &mut T,
    specs: &[Spec],
    rows: usize,
    epochs: u32,
) -> Result<PathResult, TrainError> {
    let ids = specs
        .iter()
        .map(|s| trainer.add(s.clone(), None))
        .collect::<Result<Vec<_>, _>>()?;
    trainer.train(&ids, 1).await?;
    let t0 = now_ms();
    trainer.train(&ids, epochs).await?;
    let seconds = (now_ms() - t0) / 1000.0;
    Ok(result(path, specs, rows, epochs, seconds))
}

/// Times `specs` one after another, each alone in `trainer`, after one warm-up epoch each.
pub async fn time_one_at_a_time<T: Trainer>(
    path: &str,
    trainer: &mut T,
    specs: &[Spec],
    rows: usize,
    epochs: u32,
) -> Result<PathResult, TrainError> {
    let mut seconds = 0.0;
    for s in specs {
        let id = trainer.add(s.clone(), None)?;
        trainer.train(&[id], 1).await?;
        let t0 = now_ms();
        trainer.train(&[id], epochs).await?;
        seconds += (now_ms() - t0) / 1000.0;
        trainer.remove(id);
    }
    Ok(result(path, specs, rows, epochs, seconds))
}

fn result(path: &str, specs: &[Spec], rows: usize, epochs: u32, seconds: f64) -> PathResult {
    let seconds = seconds.max(1e-9);
    PathResult {
        path: path.to_string(),
        candidates: specs.len(),
        epochs,
        seconds,
        candidate_epochs_per_s: specs.len() as f64 * epochs as f64 / seconds,
        gflops: flops(specs, rows, epochs) / seconds / 1e9,
    }
}

/// Shortest timed run of the matmul ceiling: long enough that submission and read-back latency
/// do not count on a fast GPU, where one 1024³ product takes about a millisecond.
const MATMUL_MIN_MS: f64 = 200.0;

/// Measures the tiled matmul kernel at `n`×`n`×`n`: one warm-up product, then timed runs of
/// repeated products in one submission, growing the repeat count until one run lasts at least
/// [`MATMUL_MIN_MS`] (at most 4096 products).
pub async fn matmul_rate(ctx: &GpuContext, n: usize) -> Result<MatmulRate, GpuError> {
    let kernel = Matmul::new(ctx).await?;
    let mut rng = Rng::new(n as u64);
    let a: Vec<f32> = (0..n * n).map(|_| rng.next_f32()).collect();
    let b: Vec<f32> = (0..n * n).map(|_| rng.next_f32()).collect();
    let job = kernel.job(ctx, &a, &b, n, n, n)?;
    kernel.dispatch(ctx, &job, 1);
    kernel.read(ctx, &job).await?;
    let mut repeats: u32 = 1;
    loop {
        let t0 = now_ms();
        kernel.dispatch(ctx, &job, repeats);
        kernel.read(ctx, &job).await?;
        let ms = (now_ms() - t0).max(1e-6);
        if ms >= MATMUL_MIN_MS || repeats >= 4096 {
            return Ok(MatmulRate {
                n,
                gflops: 2.0 * (n * n * n) as f64 * repeats as f64 / (ms / 1000.0) / 1e9,
            });
        }
        // Aim past the threshold in one step where the estimate allows, at least doubling.
        let scaled = (repeats as f64 * 1.25 * MATMUL_MIN_MS / ms).ceil();
        repeats = scaled.clamp(repeats as f64 * 2.0, 4096.0) as u32;
    }
}

/// Times the CPU trainer on the workload (all candidates together: one per core natively, one
/// after another in the browser).
pub async fn run_cpu(config: &BenchConfig) -> Result<PathResult, TrainError> {
    let (data, specs) = workload(config.seed, config.candidates)?;
    let rows = data.train_rows();
    let mut cpu = CpuTrainer::new(data);
    time_together("cpu", &mut cpu, &specs, rows, config.epochs).await
}

/// Runs the GPU part of the benchmark (population, one at a time, matmul ceiling). `cpu` is an
/// optional, already-timed CPU result to include.
pub async fn run_gpu(
    ctx: GpuContext,
    config: BenchConfig,
    cpu: Option<PathResult>,
) -> Result<BenchReport, TrainError> {
    let (data, specs) = workload(config.seed, config.candidates)?;
    let rows = data.train_rows();
    let adapter = ctx.report.clone();
    let mut matmul = Vec::new();
    for &n in &config.matmul_sizes {
        matmul.push(matmul_rate(&ctx, n).await?);
    }
    let mut population = GpuTrainer::new(ctx.clone(), data.clone()).await?;
    let pop = time_together(
        "gpu population",
        &mut population,
        &specs,
        rows,
        config.epochs,
    )
    .await?;
    drop(population);
    let single_specs = &specs[..config.one_at_a_time.unwrap_or(specs.len()).min(specs.len())];
    let mut single = GpuTrainer::new(ctx, data.clone()).await?;
    let one = time_one_at_a_time(
        "gpu one at a time",
        &mut single,
        single_specs,
        rows,
        config.epochs,
    )
    .await?;
    let best = matmul.iter().map(|m| m.gflops).fold(0.0, f64::max);
    let population_speedup = pop.candidate_epochs_per_s / one.candidate_epochs_per_s.max(1e-12);
    let fraction = if best > 0.0 { pop.gflops / best } else { 0.0 };
    let mut paths = vec![pop, one];
    paths.extend(cpu);
    Ok(BenchReport {
        adapter,
        workload: describe(&data, &specs),
        config,
        paths,
        population_speedup,
        matmul,
        fraction_of_matmul_ceiling: fraction,
        probe: None,
    })
}

impl BenchReport {
    /// A human-readable table.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "adapter: {}\nworkload: {}\n",
            self.adapter.summary(),
            self.workload
        );
        s.push_str(&format!(
            "{:<20} {:>10} {:>7} {:>10} {:>16} {:>9}\n",
            "path", "candidates", "epochs", "seconds", "cand-epochs/s", "GFLOP/s"
        ));
        for p in &self.paths {
            s.push_str(&format!(
                "{:<20} {:>10} {:>7} {:>10.2} {:>16.3} {:>9.3}\n",
                p.path, p.candidates, p.epochs, p.seconds, p.candidate_epochs_per_s, p.gflops
            ));
        }
        s.push_str(&format!(
            "population speed-up over one at a time: {:.1}×\n",
            self.population_speedup
        ));
        for m in &self.matmul {
            s.push_str(&format!("matmul n={}: {:.3} GFLOP/s\n", m.n, m.gflops));
        }
        s.push_str(&format!(
            "population training reaches {:.0} % of the best matmul rate\n",
            100.0 * self.fraction_of_matmul_ceiling
        ));
        if let Some(p) = &self.probe {
            s.push_str(&p.summary());
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_is_seeded_and_in_range() {
        let (d, s) = workload(1, 32).unwrap();
        let (d2, s2) = workload(1, 32).unwrap();
        assert_eq!(d, d2);
        assert_eq!(s, s2);
        assert_eq!(d.train_rows() + d.valid_rows(), 1797);
        assert!(s.iter().all(|c| (1..=3).contains(&c.hidden.len())));
        assert!(s
            .iter()
            .flat_map(|c| c.hidden.iter())
            .all(|l| (16..=128).contains(&l.width)));
        let classes: std::collections::BTreeSet<u32> =
            d.train_y.iter().map(|&y| y as u32).collect();
        assert!(classes.len() >= 5, "{classes:?}");
    }
}
