//! Engine tests in headless Chromium, inside a page.
//! Run by `./build.sh test` through wasm-bindgen-test-runner and chromedriver.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

mod wasm_common;

wasm_bindgen_test_configure!(run_in_browser);

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
