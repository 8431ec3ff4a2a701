//! The GPU population trainer on the browser's WebGPU adapter (SwiftShader in headless Chromium):
//! the same checks as the native `gpu_vs_cpu.rs` / `gpu_trainer.rs`, on the platform the page uses.

#[path = "../common/mod.rs"]
mod common;

use automl::gpu::{GpuContext, GpuTrainer};
use automl::model::spec::{Activation, Optimizer};
use automl::model::trainer::{Trainer, Weights};
use automl::model::CpuTrainer;
use common::*;

/// Relative tolerance for GPU vs CPU agreement (different summation order and `exp`/`tanh`).
const TOL: f32 = 5e-4;

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= TOL * a.abs().max(b.abs()).max(1.0)
}

async fn gpu(classification: bool) -> GpuTrainer {
    let ctx = GpuContext::new().await.expect("WebGPU adapter");
    GpuTrainer::new(ctx, data(classification))
        .await
        .expect("GPU trainer")
}

fn flat(w: &Weights) -> Vec<f32> {
    w.layers
        .iter()
        .flat_map(|l| l.w.iter().chain(&l.b).copied())
        .collect()
}

/// A mixed population trained together on WebGPU agrees with the CPU reference trainer.
pub async fn population_matches_cpu() {
    use Activation::*;
    let specs = [
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
    ];
    let mut g = gpu(true).await;
    let mut c = CpuTrainer::new(data(true));
    let gids: Vec<_> = specs
        .iter()
        .map(|s| g.add(s.clone(), None).unwrap())
        .collect();
    let cids: Vec<_> = specs
        .iter()
        .map(|s| c.add(s.clone(), None).unwrap())
        .collect();
    let gm = g.train(&gids, 3).await.unwrap();
    let cm = c.train(&cids, 3).await.unwrap();
    for k in 0..specs.len() {
        assert_eq!(gm[k].len(), cm[k].len());
        for (a, b) in gm[k].iter().zip(&cm[k]) {
            assert!(
                close(a.train_loss, b.train_loss),
                "candidate {k}: {a:?} vs {b:?}"
            );
            assert!(
                close(a.valid_loss, b.valid_loss),
                "candidate {k}: {a:?} vs {b:?}"
            );
        }
        let gw = flat(&g.weights(gids[k]).await.unwrap());
        let cw = flat(&c.weights(cids[k]).await.unwrap());
        for (i, (x, y)) in gw.iter().zip(&cw).enumerate() {
            assert!(
                close(*x, *y),
                "candidate {k} parameter {i}: gpu {x} cpu {y}"
            );
        }
    }
}

/// Training 1 epoch, pausing while another candidate trains, then 2 more equals 3 straight; so
/// does moving the candidate's state into another trainer after 1 epoch.
pub async fn pause_resume_is_exact() {
    let a = spec(&[(6, Activation::Tanh)], adam(), 0.2, 0.01, 8, true, 5);
    let other = spec(&[(4, Activation::Gelu)], sgd(), 0.0, 0.0, 16, true, 6);
    let mut straight = gpu(true).await;
    let id = straight.add(a.clone(), None).unwrap();
    let m_straight = straight.train(&[id], 3).await.unwrap().remove(0);
    let w_straight = straight.weights(id).await.unwrap();

    let mut paused = gpu(true).await;
    let id = paused.add(a.clone(), None).unwrap();
    let mut all = paused.train(&[id], 1).await.unwrap().remove(0);
    let o = paused.add(other.clone(), None).unwrap();
    paused.train(&[o], 2).await.unwrap();
    all.extend(paused.train(&[id], 2).await.unwrap().remove(0));
    assert_eq!(all, m_straight);
    assert_eq!(paused.weights(id).await.unwrap(), w_straight);

    // Its complete state (weights, Adam moments, progress) moved into a fresh trainer, behind
    // another candidate, continues exactly too.
    let mut first = gpu(true).await;
    let id = first.add(a.clone(), None).unwrap();
    let mut moved = first.train(&[id], 1).await.unwrap().remove(0);
    let state = first.state(id).await.unwrap();
    let mut second = gpu(true).await;
    second.add(other, None).unwrap();
    let id = second.restore(a, state).unwrap();
    moved.extend(second.train(&[id], 2).await.unwrap().remove(0));
    assert_eq!(moved, m_straight);
    assert_eq!(second.weights(id).await.unwrap(), w_straight);
}

/// A candidate whose weights blow up diverges alone; its neighbour is unaffected.
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

    let mut alone = gpu(true).await;
    let gid = alone.add(good.clone(), None).unwrap();
    let m_alone = alone.train(&[gid], 3).await.unwrap().remove(0);

    let mut mixed = gpu(true).await;
    let bid = mixed.add(bad, Some(blown)).unwrap();
    let gid2 = mixed.add(good, None).unwrap();
    let m = mixed.train(&[bid, gid2], 3).await.unwrap();
    assert!(m[0].last().is_some_and(|e| e.diverged), "{:?}", m[0]);
    assert!(m[0].len() < 3, "the diverged candidate stops early");
    assert_eq!(m[1], m_alone);
}

/// A widened child (Net2Net) computes its parent's function on the GPU before any training.
pub async fn widened_child_preserves_function() {
    let parent = spec(&[(6, Activation::Tanh)], adam(), 0.0, 0.0, 8, true, 21);
    let child = spec(&[(10, Activation::Tanh)], adam(), 0.0, 0.0, 8, true, 22);
    let pw = automl::model::initial_weights(&parent);
    let cw = automl::model::inherit(&parent, &pw, &child, 7).expect("widen is exact");
    let mut g = gpu(true).await;
    let id = g.add(child, Some(cw)).unwrap();
    let x = data(true).valid_x;
    let got = g.predict(id, &x).await.unwrap();
    let want = automl::model::predict(&parent, &pw, &x);
    assert_eq!(got.len(), want.len());
    for (a, b) in got.iter().zip(&want) {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }
}
