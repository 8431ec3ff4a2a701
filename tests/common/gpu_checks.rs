//! GPU trainer checks with one body for both platforms: the native tests run them on lavapipe
//! through `block_on`, the browser harness (`tests/wasm_common`) awaits them on WebGPU
//! (SwiftShader in headless Chromium).

use super::*;
use automl::gpu::{GpuContext, GpuTrainer};
use automl::model::spec::{Activation, Optimizer, Spec};
use automl::model::trainer::{EpochMetrics, Trainer, Weights};
use automl::model::CpuTrainer;

/// A GPU trainer on the default adapter with the fixture data.
pub async fn gpu_trainer(classification: bool) -> GpuTrainer {
    let ctx = GpuContext::new()
        .await
        .expect("a GPU adapter (lavapipe natively, WebGPU in the browser) is needed");
    GpuTrainer::new(ctx, data(classification))
        .await
        .expect("GPU trainer")
}

/// A classification population of mixed depths, widths, activations, optimizers, dropout and
/// batch sizes (none dividing the 37 training rows evenly but 37 itself).
pub fn mixed_classifiers() -> Vec<Spec> {
    use Activation::*;
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
        // No hidden layer: softmax regression (dropout has nothing to act on).
        spec(&[], adam(), 0.2, 0.01, 8, true, 10),
    ]
}

/// A regression population.
pub fn mixed_regressors() -> Vec<Spec> {
    use Activation::*;
    vec![
        spec(&[(10, Tanh)], sgd(), 0.0, 0.0, 8, false, 7),
        spec(&[(5, Relu), (6, Gelu)], adam(), 0.2, 0.01, 4, false, 8),
        spec(&[(35, LeakyRelu)], adamw(), 0.0, 0.1, 9, false, 9),
        spec(&[], sgd(), 0.0, 0.01, 5, false, 11),
    ]
}

fn close(a: f32, b: f32, tol: f32) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

fn relative(a: f32, b: f32) -> f32 {
    (a - b).abs() / a.abs().max(b.abs()).max(1.0)
}

/// Trains `specs` together on the GPU and on the CPU reference trainer for `epochs` epochs:
/// every epoch's metrics, the weights and predictions for new rows agree within `tol`, relative
/// to `max(1, |value|)`. Returns the largest relative differences (metrics, weights).
pub async fn gpu_agrees_with_cpu(
    specs: &[Spec],
    classification: bool,
    epochs: u32,
    tol: f32,
) -> (f32, f32) {
    let d = data(classification);
    let mut gpu = gpu_trainer(classification).await;
    let mut cpu = CpuTrainer::new(d.clone());
    let gids: Vec<_> = specs
        .iter()
        .map(|s| gpu.add(s.clone(), None).unwrap())
        .collect();
    let cids: Vec<_> = specs
        .iter()
        .map(|s| cpu.add(s.clone(), None).unwrap())
        .collect();
    // The whole population trains together on the GPU; the CPU trains each candidate.
    let g: Vec<Vec<EpochMetrics>> = gpu.train(&gids, epochs).await.unwrap();
    let c: Vec<Vec<EpochMetrics>> = cpu.train(&cids, epochs).await.unwrap();
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
                worst_metric = worst_metric.max(relative(a, b));
                assert!(
                    close(a, b, tol),
                    "{what}: epoch {} {name}: gpu {a} cpu {b}",
                    gm.epoch
                );
            }
        }
        let gw: Weights = gpu.weights(gids[k]).await.unwrap();
        let cw: Weights = cpu.weights(cids[k]).await.unwrap();
        for (l, (a, b)) in gw.layers.iter().zip(&cw.layers).enumerate() {
            for (i, (x, y)) in
                a.w.iter()
                    .chain(&a.b)
                    .zip(b.w.iter().chain(&b.b))
                    .enumerate()
            {
                worst_weight = worst_weight.max(relative(*x, *y));
                assert!(
                    close(*x, *y, tol),
                    "{what}: layer {l} parameter {i}: gpu {x} cpu {y}"
                );
            }
        }
        // Predictions for new rows agree as well.
        let gp = gpu.predict(gids[k], &d.valid_x).await.unwrap();
        let cp = cpu.predict(cids[k], &d.valid_x).await.unwrap();
        assert_eq!(gp.len(), cp.len());
        for (x, y) in gp.iter().zip(&cp) {
            assert!(close(*x, *y, tol), "{what}: prediction gpu {x} cpu {y}");
        }
    }
    (worst_metric, worst_weight)
}

/// A candidate whose weights blow up diverges alone and stops; its neighbour trains exactly as
/// it would alone, and training the diverged one again does nothing.
pub async fn divergence_is_contained() {
    let good = spec(&[(8, Activation::Relu)], adam(), 0.0, 0.0, 8, true, 11);
    let bad = spec(
        &[(8, Activation::Relu)],
        Optimizer::Sgd { momentum: 0.9 },
        0.0,
        0.0,
        8,
        true,
        12,
    );
    let mut blown: Weights = automl::model::initial_weights(&bad);
    for l in &mut blown.layers {
        for w in &mut l.w {
            *w *= 1e30;
        }
    }

    let mut alone = gpu_trainer(true).await;
    let g = alone.add(good.clone(), None).unwrap();
    let m_alone = alone.train(&[g], 3).await.unwrap().remove(0);
    let w_alone = alone.weights(g).await.unwrap();

    let mut mixed = gpu_trainer(true).await;
    let b = mixed.add(bad, Some(blown)).unwrap();
    let g = mixed.add(good, None).unwrap();
    let res = mixed.train(&[b, g], 3).await.unwrap();
    assert!(
        res[0].len() < 3,
        "the blown-up candidate should stop early: {:?}",
        res[0]
    );
    assert!(res[0].last().is_some_and(|m| m.diverged));
    assert!(mixed.diverged(b).unwrap());
    assert_eq!(res[1], m_alone);
    assert!(res[1].iter().all(|m| !m.diverged));
    assert_eq!(mixed.weights(g).await.unwrap(), w_alone);
    assert!(mixed.train(&[b], 1).await.unwrap()[0].is_empty());
}

/// A widened child (Net2Net) computes its parent's function on the GPU before any training.
pub async fn widened_child_preserves_function() {
    let parent = spec(&[(6, Activation::Tanh)], adam(), 0.0, 0.0, 8, true, 21);
    let child = spec(&[(10, Activation::Tanh)], adam(), 0.0, 0.0, 8, true, 22);
    let pw = automl::model::initial_weights(&parent);
    let cw = automl::model::inherit(&parent, &pw, &child, 7).expect("widen is exact");
    let mut g = gpu_trainer(true).await;
    let id = g.add(child, Some(cw)).unwrap();
    let x = data(true).valid_x;
    let got = g.predict(id, &x).await.unwrap();
    let want = automl::model::predict(&parent, &pw, &x);
    assert_eq!(got.len(), want.len());
    for (a, b) in got.iter().zip(&want) {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }
}
