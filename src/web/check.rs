//! The engine self-check the page shows on load: GPU adapter (or why the CPU is used), the matmul
//! kernel against the CPU, and a classical baseline on iris.

use super::convert::{js_err, to_js};
use crate::gpu::{matmul, GpuContext};
use serde::Serialize;
use wasm_bindgen::prelude::*;

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
            let check = matmul::self_check(&ctx).await.map_err(js_err)?;
            (Some(ctx.report.clone()), None, Some(check))
        }
        Err(e) => (None, Some(crate::backend::cpu_reason(&e)), None),
    };
    let iris_accuracy = crate::baselines::iris_logistic_regression(1).map_err(js_err)?;
    to_js(&SelfCheck {
        adapter,
        cpu_reason,
        kernel_check,
        iris_accuracy,
    })
}
