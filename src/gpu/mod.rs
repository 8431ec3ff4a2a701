//! GPU side of the engine: the wgpu context (adapter, device, limits) and the compute kernels.
//!
//! Everything that touches the GPU is `async`. In the browser the futures are driven by the JS
//! event loop (`wasm-bindgen-futures`); natively by [`crate::platform::block_on`].

pub mod context;
pub mod matmul;
pub mod readback;

pub use context::{AdapterReport, GpuContext, GpuError};
