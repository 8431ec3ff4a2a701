//! CPU trainer throughput on the benchmark workload: a population of mixed MLPs (1–3 hidden relu
//! layers, widths 16–128, seeded) on 1797 × 64 random data with 10 classes, batch 64, Adam.
//!
//! `cargo run --release --example cpu_bench -- [candidates] [epochs] [threads]`
//! (defaults 32, 10, all cores). Prints candidate-epochs/s and the achieved GFLOP/s.

use automl::model::trainer::Trainer;
use automl::model::{
    Activation, CpuTrainer, Init, LayerSpec, Loss, Optimizer, RawSpec, Schedule, Spec, TrainData,
};
use automl::platform::now_ms;
use automl::rng::Rng;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let candidates = args.first().copied().unwrap_or(32);
    let epochs = args.get(1).copied().unwrap_or(10) as u32;
    let threads = args
        .get(2)
        .copied()
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));

    let (rows, inputs, classes) = (1797, 64, 10);
    let mut rng = Rng::new(2024);
    let mut part = |n: usize| -> (Vec<f32>, Vec<f32>) {
        let x = (0..n * inputs).map(|_| rng.normal() as f32).collect();
        let y = (0..n).map(|_| rng.below(classes) as f32).collect();
        (x, y)
    };
    let (train_x, train_y) = part(rows);
    let (valid_x, valid_y) = part(360);
    let data = TrainData {
        inputs,
        outputs: classes,
        classification: true,
        train_x,
        train_y,
        valid_x,
        valid_y,
    };

    let mut arch = Rng::new(7);
    let specs: Vec<Spec> = (0..candidates)
        .map(|i| {
            let depth = 1 + arch.below(3);
            RawSpec {
                inputs: inputs as u32,
                outputs: classes as u32,
                loss: Loss::SoftmaxCrossEntropy,
                hidden: (0..depth)
                    .map(|_| LayerSpec {
                        width: 16 + arch.below(113) as u32,
                        activation: Activation::Relu,
                    })
                    .collect(),
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
                horizon_epochs: epochs.max(1),
                batch_size: 64,
                init: Init::He,
                seed: i as u64,
            }
            .validate()
        })
        .collect::<Result<_, _>>()?;
    let flops: f64 = specs.iter().map(|s| s.flops_per_epoch(rows)).sum::<f64>() * epochs as f64;

    let mut trainer = CpuTrainer::new(data).with_threads(threads);
    let ids = specs
        .iter()
        .map(|s| trainer.add(s.clone(), None))
        .collect::<Result<Vec<_>, _>>()?;
    let start = now_ms();
    let metrics = trainer.train_epochs(&ids, epochs)?;
    let seconds = (now_ms() - start) / 1000.0;
    let done: usize = metrics.iter().map(Vec::len).sum();
    println!(
        "cpu_bench: {candidates} candidates x {epochs} epochs, {rows}x{inputs}, batch 64, \
         {threads} threads: {seconds:.2} s, {:.1} candidate-epochs/s, {:.2} GFLOP/s",
        done as f64 / seconds,
        flops / seconds / 1e9
    );
    Ok(())
}
