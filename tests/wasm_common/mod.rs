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

/// Declares every browser test once; each harness (page, worker) invokes it after its own
/// `wasm_bindgen_test_configure!`.
#[macro_export]
macro_rules! browser_tests {
    () => {
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
    };
}
