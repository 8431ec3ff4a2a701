//! The GPU population trainer on the browser's WebGPU adapter (SwiftShader in headless Chromium):
//! the checks of `common::gpu_checks` that the native `gpu_vs_cpu.rs` / `gpu_trainer.rs` also run,
//! on the platform the page uses.

#[path = "../common/mod.rs"]
mod common;

use automl::model::spec::Activation;
use automl::model::trainer::Trainer;
use common::gpu_checks::{
    self, gpu_agrees_with_cpu, gpu_trainer as gpu, mixed_classifiers, mixed_regressors,
};
use common::*;

/// Relative tolerance for GPU vs CPU agreement (different summation order and `exp`/`tanh`).
const TOL: f32 = 5e-4;

/// A mixed population trained together on WebGPU agrees with the CPU reference trainer:
/// metrics, weights and predictions (SwiftShader's `exp`/`tanh` differ a little more from the
/// CPU's than lavapipe's, hence the looser tolerance than natively).
pub async fn population_matches_cpu() {
    gpu_agrees_with_cpu(&mixed_classifiers(), true, 3, TOL).await;
    gpu_agrees_with_cpu(&mixed_regressors(), false, 3, TOL).await;
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
    gpu_checks::divergence_is_contained().await;
}

/// A widened child (Net2Net) computes its parent's function on the GPU before any training.
pub async fn widened_child_preserves_function() {
    gpu_checks::widened_child_preserves_function().await;
}
