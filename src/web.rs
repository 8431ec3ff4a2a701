//! The wasm-bindgen surface used by `www/worker.js`. Thin by design: converts to and from JS
//! values and calls the library; no logic lives here.

use crate::gpu::{matmul, GpuContext};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Installs the panic hook so a Rust panic shows as a readable console error.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

#[derive(Serialize)]
struct SelfCheck {
    /// The adapter, or null when the CPU path is used.
    adapter: Option<crate::gpu::AdapterReport>,
    /// Why there is no adapter, when there is none.
    cpu_reason: Option<String>,
    /// GPU kernel check against the CPU, when a GPU exists.
    kernel_check: Option<matmul::KernelCheck>,
    /// Test accuracy of a logistic regression on built-in iris.
    iris_accuracy: f64,
}

/// Opens the GPU (if any), runs the matmul kernel against the CPU, and trains a logistic
/// regression on iris. Resolves to `{adapter, cpu_reason, kernel_check, iris_accuracy}`.
#[wasm_bindgen(js_name = selfCheck)]
pub async fn self_check() -> Result<JsValue, JsValue> {
    let (adapter, cpu_reason, kernel_check) = match GpuContext::new().await {
        Ok(ctx) => {
            let check = matmul::self_check(&ctx)
                .await
                .map_err(|e| JsValue::from_str(&e.to_string()))?;
            (Some(ctx.report.clone()), None, Some(check))
        }
        Err(e) => (None, Some(e.to_string()), None),
    };
    let iris_accuracy = crate::baselines::iris_logistic_regression(1)
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    to_js(&SelfCheck {
        adapter,
        cpu_reason,
        kernel_check,
        iris_accuracy,
    })
}
