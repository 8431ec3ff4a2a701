//! Browser tests shared by the page (`wasm_page.rs`) and dedicated-worker (`wasm_worker.rs`)
//! harnesses. Each function is a real check of the engine inside headless Chromium with WebGPU
//! (SwiftShader), which is how the page runs it.

use automl::gpu::{matmul, GpuContext};

/// WebGPU must be present in the test browser: it is started with `--enable-unsafe-webgpu`.
pub async fn webgpu_adapter_is_reported() {
    let ctx = GpuContext::new()
        .await
        .expect("the test browser runs with WebGPU enabled");
    assert_eq!(ctx.report.backend, "webgpu");
    assert!(ctx.report.max_storage_buffer_binding_size >= 1 << 20);
}

/// The tiled matmul kernel agrees with the CPU (exercises map_async readback in the browser).
pub async fn matmul_kernel_matches_cpu() {
    let ctx = GpuContext::new().await.expect("WebGPU adapter");
    let check = matmul::self_check(&ctx).await.expect("kernel runs");
    assert!(check.passed, "max abs error {}", check.max_abs_error);
}

/// smartcore trains inside wasm.
pub fn iris_baseline_trains() {
    let acc = automl::baselines::iris_logistic_regression(1).expect("fits");
    assert!(acc > 0.9, "accuracy {acc}");
}

pub mod trainer;
