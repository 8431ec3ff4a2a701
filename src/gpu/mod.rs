//! GPU side of the engine: the wgpu context (adapter, device, limits) and the compute kernels.
//!
//! Everything that touches the GPU is `async`. In the browser the futures are driven by the JS
//! event loop (`wasm-bindgen-futures`); natively by [`crate::platform::block_on`].

pub mod context;
pub mod kernels;
pub mod matmul;
pub mod population;
pub mod readback;
pub mod trainer;
pub mod worklist;

pub use context::{AdapterReport, GpuContext, GpuError};
pub use trainer::GpuTrainer;
