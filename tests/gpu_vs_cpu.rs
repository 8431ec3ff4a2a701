//! The GPU population trainer against the CPU reference trainer: the same specs, seeds and data
//! give the same metrics and weights after several epochs, within the tolerance stated below.
//!
//! Tolerance: the two paths sum in different orders and use different `exp`/`tanh`
//! implementations, so values agree to float rounding amplified by training: metrics within
//! `METRIC_TOL` and weights within `WEIGHT_TOL`, both relative to `max(1, |value|)`.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use automl::gpu::{GpuContext, GpuTrainer};
use automl::model::spec::{Activation, Spec};
use automl::model::trainer::{EpochMetrics, Trainer, Weights};
use automl::model::CpuTrainer;
use automl::platform::block_on;
use common::*;

const METRIC_TOL: f32 = 2e-4;
const WEIGHT_TOL: f32 = 2e-4;
const EPOCHS: u32 = 3;

fn close(a: f32, b: f32, tol: f32) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

fn compare(specs: Vec<Spec>, classification: bool) {
    let d = data(classification);
    let ctx =
        block_on(GpuContext::new()).expect("a GPU adapter (lavapipe) is needed for these tests");
    let mut gpu = block_on(GpuTrainer::new(ctx, d.clone())).unwrap();
    let mut cpu = CpuTrainer::new(d.clone()).with_threads(1);
    let gids: Vec<_> = specs
        .iter()
        .map(|s| gpu.add(s.clone(), None).unwrap())
        .collect();
    let cids: Vec<_> = specs
        .iter()
        .map(|s| cpu.add(s.clone(), None).unwrap())
        .collect();
    // The whole population trains together on the GPU; the CPU trains each candidate.
    let g: Vec<Vec<EpochMetrics>> = block_on(gpu.train(&gids, EPOCHS)).unwrap();
    let c: Vec<Vec<EpochMetrics>> = block_on(cpu.train(&cids, EPOCHS)).unwrap();
    let mut worst_metric = 0.0f32;
    let mut worst_weight = 0.0f32;
    for (k, spec) in specs.iter().enumerate() {
        let what = format!(
            "candidate {k} ({}, {:?}, dropout {})",
            spec.summary(),
            spec.optimizer,
            spec.dropout
        );
        assert_eq!(g[k].len(), c[k].len(), "{what}: epochs");
        for (gm, cm) in g[k].iter().zip(&c[k]) {
            assert_eq!(gm.epoch, cm.epoch);
            assert_eq!(gm.diverged, cm.diverged, "{what}");
            for (a, b, name) in [
                (gm.train_loss, cm.train_loss, "train loss"),
                (gm.valid_loss, cm.valid_loss, "valid loss"),
                (gm.valid_score, cm.valid_score, "valid score"),
            ] {
                worst_metric = worst_metric.max((a - b).abs() / a.abs().max(b.abs()).max(1.0));
                assert!(
                    close(a, b, METRIC_TOL),
                    "{what}: epoch {} {name}: gpu {a} cpu {b}",
                    gm.epoch
                );
            }
        }
        let gw: Weights = block_on(gpu.weights(gids[k])).unwrap();
        let cw: Weights = block_on(cpu.weights(cids[k])).unwrap();
        for (l, (a, b)) in gw.layers.iter().zip(&cw.layers).enumerate() {
            for (i, (x, y)) in
                a.w.iter()
                    .chain(&a.b)
                    .zip(b.w.iter().chain(&b.b))
                    .enumerate()
            {
                worst_weight = worst_weight.max((x - y).abs() / x.abs().max(y.abs()).max(1.0));
                assert!(
                    close(*x, *y, WEIGHT_TOL),
                    "{what}: layer {l} parameter {i}: gpu {x} cpu {y}"
                );
            }
        }
        // Predictions for new rows agree as well.
        let gp = block_on(gpu.predict(gids[k], &d.valid_x)).unwrap();
        let cp = block_on(cpu.predict(cids[k], &d.valid_x)).unwrap();
        assert_eq!(gp.len(), cp.len());
        for (x, y) in gp.iter().zip(&cp) {
            assert!(
                close(*x, *y, WEIGHT_TOL),
                "{what}: prediction gpu {x} cpu {y}"
            );
        }
    }
    eprintln!(
        "largest relative difference: metrics {worst_metric:.2e}, weights {worst_weight:.2e}"
    );
}

#[test]
fn classification_population_of_mixed_depths_matches_the_cpu() {
    use Activation::*;
    compare(
        vec![
            spec(&[(8, Relu)], adam(), 0.0, 0.0, 8, true, 1),
            spec(&[(6, LeakyRelu), (5, Tanh)], sgd(), 0.0, 0.01, 16, true, 2),
            spec(
                &[(40, Sigmoid), (33, Gelu), (4, Relu)],
                adamw(),
                0.0,
                0.05,
                5,
                true,
                3,
            ),
            spec(&[(7, Tanh), (9, Relu)], adam(), 0.3, 0.001, 7, true, 4),
            spec(&[(12, Gelu)], adamw(), 0.5, 0.0, 37, true, 5),
            spec(
                &[
                    (3, Sigmoid),
                    (3, LeakyRelu),
                    (3, Tanh),
                    (3, Gelu),
                    (3, Relu),
                    (3, Sigmoid),
                ],
                sgd(),
                0.1,
                0.0,
                64,
                true,
                6,
            ),
        ],
        true,
    );
}

#[test]
fn regression_population_matches_the_cpu() {
    use Activation::*;
    compare(
        vec![
            spec(&[(10, Tanh)], sgd(), 0.0, 0.0, 8, false, 7),
            spec(&[(5, Relu), (6, Gelu)], adam(), 0.2, 0.01, 4, false, 8),
            spec(&[(35, LeakyRelu)], adamw(), 0.0, 0.1, 9, false, 9),
        ],
        false,
    );
}
