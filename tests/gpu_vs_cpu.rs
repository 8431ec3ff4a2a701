//! The GPU population trainer against the CPU reference trainer: the same specs, seeds and data
//! give the same metrics and weights after several epochs, within the tolerance stated below.
//!
//! Tolerance: the two paths sum in different orders and use different `exp`/`tanh`
//! implementations, so values agree to float rounding amplified by training: metrics, weights
//! and predictions within `TOL`, relative to `max(1, |value|)`. The checks themselves are shared
//! with the browser harness (`common::gpu_checks`).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use automl::platform::block_on;
use common::gpu_checks::{gpu_agrees_with_cpu, mixed_classifiers, mixed_regressors};

const TOL: f32 = 2e-4;
const EPOCHS: u32 = 3;

#[test]
fn classification_population_of_mixed_depths_matches_the_cpu() {
    let (metrics, weights) = block_on(gpu_agrees_with_cpu(&mixed_classifiers(), true, EPOCHS, TOL));
    eprintln!("largest relative difference: metrics {metrics:.2e}, weights {weights:.2e}");
}

#[test]
fn regression_population_matches_the_cpu() {
    let (metrics, weights) = block_on(gpu_agrees_with_cpu(&mixed_regressors(), false, EPOCHS, TOL));
    eprintln!("largest relative difference: metrics {metrics:.2e}, weights {weights:.2e}");
}
