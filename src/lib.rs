//! # automl — an AutoML playground engine
//!
//! Small-scale neural architecture and hyperparameter search that runs on the user's own machine:
//! in the browser (WebAssembly + WebGPU, inside a Web Worker) or natively (the `automl` CLI on
//! Vulkan/Metal/DX12, or on a CPU Vulkan driver such as lavapipe).
//!
//! Data flows one way (see `ARCHITECTURE.md` for the full map):
//!
//! ```text
//! data (builtin | CSV) -> prepared dataset -> search (sampler + scheduler) -> trainer (GPU | CPU)
//!                                                    |                               |
//!                                               events, leaderboard  <----  metrics per epoch
//! ```
//!
//! Module map — one concept, one place:
//! - [`data`]: built-in datasets, CSV parsing and typing, preparation, splits.
//! - [`model`]: candidate network specs and the CPU reference trainer.
//! - [`gpu`]: the WebGPU/wgpu context and the population trainer's kernels.
//! - [`bench`]: the fixed trainer benchmark (GPU population, one at a time, CPU, matmul ceiling).
//! - [`backend`]: which trainer runs (GPU when an adapter exists, else CPU, with the reason).
//! - [`baselines`]: classical `smartcore` models on the same split.
//! - [`search`]: search space, samplers, multi-fidelity schedulers, the search state machine.
//! - [`report`]: metrics, leaderboard and export formats.
//! - [`rng`]: the seeded random numbers every path shares.
//! - [`platform`]: the only place that knows whether it runs in a browser or natively.
//! - `web` (wasm32 only): the thin wasm-bindgen surface used by the page's worker.

pub mod backend;
pub mod baselines;
pub mod bench;
pub mod data;
pub mod error;
pub mod gpu;
pub mod model;
pub mod platform;
pub mod report;
pub mod rng;
pub mod search;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::Error;
