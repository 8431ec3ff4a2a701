//! Engine tests in headless Chromium, inside a dedicated Web Worker (where the playground runs the engine).
//! Run by `./build.sh test` through wasm-bindgen-test-runner and chromedriver.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

mod wasm_common;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
async fn webgpu_adapter_is_reported() {
    wasm_common::webgpu_adapter_is_reported().await;
}

#[wasm_bindgen_test]
async fn matmul_kernel_matches_cpu() {
    wasm_common::matmul_kernel_matches_cpu().await;
}

#[wasm_bindgen_test]
fn iris_baseline_trains() {
    wasm_common::iris_baseline_trains();
}

#[wasm_bindgen_test]
async fn gpu_population_matches_cpu() {
    wasm_common::trainer::population_matches_cpu().await;
}

#[wasm_bindgen_test]
async fn gpu_pause_resume_is_exact() {
    wasm_common::trainer::pause_resume_is_exact().await;
}

#[wasm_bindgen_test]
async fn gpu_divergence_is_contained() {
    wasm_common::trainer::divergence_is_contained().await;
}

#[wasm_bindgen_test]
async fn gpu_widened_child_preserves_function() {
    wasm_common::trainer::widened_child_preserves_function().await;
}
