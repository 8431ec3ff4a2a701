//! The trainer benchmark in the browser (`bench/browser/`): the fixed workload, so that other
//! libraries can train exactly the same architectures on exactly the same data, and the timed
//! paths of [`crate::bench`] on the page's WebGPU adapter and on the wasm (simd128) CPU path.

use super::convert::{from_js, js_err, to_js};
use crate::bench::{self, BenchConfig};
use crate::gpu::GpuContext;
use crate::model::spec::Optimizer;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// One hidden layer of a workload candidate, as other libraries need it.
#[derive(Serialize)]
struct LayerOut {
    width: u32,
    /// `relu`, `leaky_relu` (slope 0.01), `tanh`, `sigmoid` or `gelu` (tanh approximation).
    activation: &'static str,
}

/// One workload candidate, as other libraries need it.
#[derive(Serialize)]
struct SpecOut {
    hidden: Vec<LayerOut>,
    batch_size: u32,
    learning_rate: f32,
    /// `adam` (β1 0.9, β2 0.999, ε 1e-8) for the workload.
    optimizer: &'static str,
    /// He-normal initialisation.
    init: &'static str,
    parameters: usize,
    flops_per_epoch: f64,
    summary: String,
}

/// The workload: data and candidate architectures.
#[derive(Serialize)]
struct WorkloadOut {
    description: String,
    inputs: usize,
    classes: usize,
    train_x: Vec<f32>,
    train_y: Vec<f32>,
    valid_x: Vec<f32>,
    valid_y: Vec<f32>,
    specs: Vec<SpecOut>,
}

/// The benchmark's workload for `seed` with `candidates` candidates: `{description, inputs,
/// classes, train_x, train_y, valid_x, valid_y, specs: [{hidden: [{width, activation}],
/// batch_size, learning_rate, optimizer, init, parameters, flops_per_epoch, summary}]}`.
#[wasm_bindgen(js_name = benchWorkload)]
pub fn bench_workload(seed: u32, candidates: u32) -> Result<JsValue, JsValue> {
    let (data, specs) = bench::workload(u64::from(seed), candidates as usize).map_err(js_err)?;
    let rows = data.train_rows();
    let specs = specs
        .iter()
        .map(|s| {
            let raw = s.raw();
            SpecOut {
                hidden: raw
                    .hidden
                    .iter()
                    .map(|l| LayerOut {
                        width: l.width,
                        activation: l.activation.name(),
                    })
                    .collect(),
                batch_size: raw.batch_size,
                learning_rate: raw.learning_rate,
                optimizer: match raw.optimizer {
                    Optimizer::Adam { .. } => "adam",
                    _ => "other",
                },
                init: "he_normal",
                parameters: s.parameter_count(),
                flops_per_epoch: s.flops_per_epoch(rows),
                summary: s.summary(),
            }
        })
        .collect();
    to_js(&WorkloadOut {
        description: format!(
            "{} candidates, {} training + {} validation rows × {} features → {} classes",
            candidates,
            data.train_rows(),
            data.valid_rows(),
            data.inputs,
            data.outputs
        ),
        inputs: data.inputs,
        classes: data.outputs,
        train_x: data.train_x,
        train_y: data.train_y,
        valid_x: data.valid_x,
        valid_y: data.valid_y,
        specs,
    })
}

/// Times the CPU trainer (wasm, simd128, one thread) on the workload of `config` (a
/// [`BenchConfig`] as JSON); resolves to a `PathResult`.
#[wasm_bindgen(js_name = benchCpu)]
pub async fn bench_cpu(config: JsValue) -> Result<JsValue, JsValue> {
    let config: BenchConfig = from_js(config, "benchmark configuration")?;
    let result = bench::run_cpu(&config).await.map_err(js_err)?;
    to_js(&result)
}

/// Times the GPU paths (population, one at a time, matmul ceiling) on the page's WebGPU adapter;
/// resolves to a `BenchReport`, or rejects with the reason there is no usable adapter.
#[wasm_bindgen(js_name = benchGpu)]
pub async fn bench_gpu(config: JsValue) -> Result<JsValue, JsValue> {
    let config: BenchConfig = from_js(config, "benchmark configuration")?;
    let ctx = GpuContext::new().await.map_err(js_err)?;
    let report = bench::run_gpu(ctx, config, None).await.map_err(js_err)?;
    to_js(&report)
}

/// Runs the on-load backend probe ([`bench::probe_backends`]) on the workload's data for `seed`;
/// resolves to a `BackendProbe` (`{gpu_rate, cpu_rate, pick, gpu_error, ...}`).
#[wasm_bindgen(js_name = benchProbe)]
pub async fn bench_probe(seed: u32) -> Result<JsValue, JsValue> {
    let (data, _) = bench::workload(u64::from(seed), 1).map_err(js_err)?;
    let gpu = GpuContext::new().await.map_err(|e| e.to_string());
    let probe = bench::probe_backends(&data, gpu).await.map_err(js_err)?;
    to_js(&probe)
}

/// Memory and time of the data layer on a large numeric CSV, in this browser's wasm memory.
#[derive(Serialize)]
struct DataMemoryOut {
    rows: usize,
    columns: usize,
    csv_bytes: usize,
    /// wasm linear memory (bytes) at each stage; it only grows, so the last is the peak.
    memory_start: f64,
    memory_after_csv: f64,
    memory_after_load: f64,
    memory_after_prepare: f64,
    load_ms: f64,
    prepare_ms: f64,
}

fn wasm_memory_bytes() -> f64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| {
            m.buffer()
                .unchecked_into::<js_sys::ArrayBuffer>()
                .byte_length() as f64
        })
        .unwrap_or(f64::NAN)
}

/// Generates a seeded `rows × columns` numeric CSV (last column a 3-class target), then loads,
/// profiles and prepares it as the page does, reporting wasm memory after each stage.
#[wasm_bindgen(js_name = benchDataMemory)]
pub fn bench_data_memory(rows: usize, columns: usize, seed: u32) -> Result<JsValue, JsValue> {
    use crate::data::{load_csv, prepare, LoadOptions, PrepareOptions};
    use crate::platform::now_ms;
    use std::fmt::Write;
    let memory_start = wasm_memory_bytes();
    let mut rng = crate::rng::Rng::new(seed as u64);
    let mut csv = String::with_capacity(rows * columns * 8);
    let header: Vec<String> = (0..columns.saturating_sub(1))
        .map(|c| format!("x{c}"))
        .chain(std::iter::once("target".to_string()))
        .collect();
    csv.push_str(&header.join(","));
    csv.push('\n');
    for _ in 0..rows {
        for _ in 0..columns.saturating_sub(1) {
            let _ = write!(csv, "{:.3},", rng.next_f32() * 100.0);
        }
        let _ = writeln!(csv, "{}", rng.below(3));
    }
    let memory_after_csv = wasm_memory_bytes();
    let t0 = now_ms();
    let (table, _profile) =
        load_csv(csv.as_bytes(), "generated.csv", &LoadOptions::default()).map_err(js_err)?;
    let load_ms = now_ms() - t0;
    let memory_after_load = wasm_memory_bytes();
    let t1 = now_ms();
    let prepared = prepare(&table, &PrepareOptions::default()).map_err(js_err)?;
    let prepare_ms = now_ms() - t1;
    let memory_after_prepare = wasm_memory_bytes();
    drop(prepared);
    to_js(&DataMemoryOut {
        rows,
        columns,
        csv_bytes: csv.len(),
        memory_start,
        memory_after_csv,
        memory_after_load,
        memory_after_prepare,
        load_ms,
        prepare_ms,
    })
}
