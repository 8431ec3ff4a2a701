//! The GPU context: one adapter, one device, one queue, and what we know about their limits.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why the GPU path is not available or failed. The engine falls back to the CPU path on
/// [`GpuError::NoAdapter`]; other variants are reported to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GpuError {
    /// No adapter: no WebGPU in this browser, or no Vulkan/Metal/DX12 driver natively.
    NoAdapter(String),
    /// An adapter exists but refused to create a device.
    DeviceRequest(String),
    /// A buffer could not be read back.
    Readback(String),
    /// A request exceeds this adapter's limits (e.g. a storage buffer larger than allowed).
    Limits(String),
    /// A shader or pipeline failed validation.
    Validation(String),
}

impl fmt::Display for GpuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GpuError::NoAdapter(why) => write!(
                f,
                "no GPU adapter is available ({why}); the CPU path will be used"
            ),
            GpuError::DeviceRequest(why) => {
                write!(f, "the GPU adapter refused to create a device: {why}")
            }
            GpuError::Readback(why) => write!(f, "reading results back from the GPU failed: {why}"),
            GpuError::Limits(why) => write!(f, "the GPU adapter's limits were exceeded: {why}"),
            GpuError::Validation(why) => write!(f, "a GPU kernel failed validation: {why}"),
        }
    }
}

impl std::error::Error for GpuError {}

/// A plain-data description of an adapter, for the page, the CLI and benchmark records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdapterReport {
    /// Adapter name, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)" or a browser's description.
    pub name: String,
    /// Vendor as reported (may be empty in browsers).
    pub vendor: String,
    /// Backend: "vulkan", "metal", "dx12", "webgpu", ...
    pub backend: String,
    /// Device type: "cpu", "integrated gpu", "discrete gpu", ...
    pub device_type: String,
    /// Driver or architecture string (browsers report e.g. "swiftshader").
    pub driver: String,
    /// Largest storage buffer binding in bytes.
    pub max_storage_buffer_binding_size: u64,
    /// Largest buffer in bytes.
    pub max_buffer_size: u64,
    /// Workgroup shared memory in bytes.
    pub max_compute_workgroup_storage_size: u32,
    /// Invocations per workgroup.
    pub max_compute_invocations_per_workgroup: u32,
    /// Workgroups per dispatch dimension.
    pub max_compute_workgroups_per_dimension: u32,
    /// Storage buffers per shader stage.
    pub max_storage_buffers_per_shader_stage: u32,
}

impl AdapterReport {
    fn from_adapter(adapter: &wgpu::Adapter, limits: &wgpu::Limits) -> Self {
        let info = adapter.get_info();
        let device_type = match info.device_type {
            wgpu::DeviceType::Other => "other",
            wgpu::DeviceType::IntegratedGpu => "integrated gpu",
            wgpu::DeviceType::DiscreteGpu => "discrete gpu",
            wgpu::DeviceType::VirtualGpu => "virtual gpu",
            wgpu::DeviceType::Cpu => "cpu",
        };
        let driver = if info.driver.is_empty() {
            info.driver_info.clone()
        } else {
            format!("{} {}", info.driver, info.driver_info).trim().to_string()
        };
        AdapterReport {
            name: info.name.clone(),
            vendor: if info.vendor == 0 {
                String::new()
            } else {
                format!("{:#06x}", info.vendor)
            },
            backend: info.backend.to_str().to_string(),
            device_type: device_type.to_string(),
            driver,
            max_storage_buffer_binding_size: limits.max_storage_buffer_binding_size,
            max_buffer_size: limits.max_buffer_size,
            max_compute_workgroup_storage_size: limits.max_compute_workgroup_storage_size,
            max_compute_invocations_per_workgroup: limits.max_compute_invocations_per_workgroup,
            max_compute_workgroups_per_dimension: limits.max_compute_workgroups_per_dimension,
            max_storage_buffers_per_shader_stage: limits.max_storage_buffers_per_shader_stage,
        }
    }

    /// One human line: "SwiftShader Device (webgpu, cpu)".
    pub fn summary(&self) -> String {
        let name = if self.name.is_empty() {
            if self.driver.is_empty() {
                "unnamed adapter".to_string()
            } else {
                self.driver.clone()
            }
        } else {
            self.name.clone()
        };
        format!("{name} ({}, {})", self.backend, self.device_type)
    }
}

/// An open GPU device with its queue and the limits we requested.
#[derive(Debug, Clone)]
pub struct GpuContext {
    /// The device all buffers and pipelines live on.
    pub device: wgpu::Device,
    /// Its submission queue.
    pub queue: wgpu::Queue,
    /// What the adapter is and what it allows.
    pub report: AdapterReport,
}

fn instance() -> wgpu::Instance {
    wgpu::Instance::default()
}

impl GpuContext {
    /// Requests the default high-performance adapter and opens a device with the adapter's own
    /// limits (so large populations can use all of the storage the adapter offers).
    pub async fn new() -> Result<Self, GpuError> {
        let instance = instance();
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        let limits = adapter.limits();
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("automl"),
                required_features: wgpu::Features::empty(),
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::DeviceRequest(e.to_string()))?;
        let report = AdapterReport::from_adapter(&adapter, &limits);
        Ok(GpuContext {
            device,
            queue,
            report,
        })
    }

    /// Lists every adapter the platform exposes (native only; browsers expose one at a time).
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn list_adapters() -> Vec<AdapterReport> {
        let instance = instance();
        instance
            .enumerate_adapters(wgpu::Backends::all())
            .await
            .iter()
            .map(|a| AdapterReport::from_adapter(a, &a.limits()))
            .collect()
    }

    /// Creates a compute pipeline from WGSL source, turning validation errors into [`GpuError`].
    pub async fn compute_pipeline(
        &self,
        label: &str,
        source: &str,
        entry_point: &str,
    ) -> Result<wgpu::ComputePipeline, GpuError> {
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = self
            .device
            .create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(label),
                source: wgpu::ShaderSource::Wgsl(source.into()),
            });
        let pipeline = self
            .device
            .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(label),
                layout: None,
                module: &module,
                entry_point: Some(entry_point),
                compilation_options: Default::default(),
                cache: None,
            });
        if let Some(err) = scope.pop().await {
            return Err(GpuError::Validation(format!("{label}: {err}")));
        }
        Ok(pipeline)
    }
}
