//! The population trainer's compute pipelines and their bind group layouts.
//!
//! All kernels live in one WGSL module assembled from `shaders/*.wgsl`; each entry point gets an
//! explicit layout naming only the bindings it uses (so no kernel exceeds the WebGPU default of
//! 8 storage buffers per stage) with the per-dispatch `Step` uniform at a dynamic offset.

use super::context::{GpuContext, GpuError};

/// The kernels' WGSL source: shared helpers first, then one file per stage.
pub const POPULATION_WGSL: &str = concat!(
    include_str!("shaders/common.wgsl"),
    include_str!("shaders/forward.wgsl"),
    include_str!("shaders/backward.wgsl"),
    include_str!("shaders/loss.wgsl"),
    include_str!("shaders/optimizer.wgsl"),
    include_str!("shaders/probe.wgsl"),
);

/// Binding numbers, as declared in `shaders/common.wgsl`.
pub mod binding {
    /// Per-dispatch step uniform (dynamic offset).
    pub const STEP: u32 = 0;
    /// Descriptor table.
    pub const DESC: u32 = 1;
    /// Parameters.
    pub const PARAMS: u32 = 2;
    /// Activations.
    pub const ACTS: u32 = 3;
    /// `dL/dZ`.
    pub const DELTA: u32 = 4;
    /// Features (training rows then validation rows, or prediction rows).
    pub const X: u32 = 5;
    /// Targets.
    pub const Y: u32 = 6;
    /// Epoch permutations.
    pub const PERM: u32 = 7;
    /// Gradients.
    pub const GRADS: u32 = 8;
    /// First moments / momentum.
    pub const OPT_M: u32 = 9;
    /// Second moments.
    pub const OPT_V: u32 = 10;
    /// Metrics accumulators.
    pub const METRICS: u32 = 11;
    /// Per-candidate status flags (1 = diverged).
    pub const STATUS: u32 = 12;
    /// Probe inputs (tests).
    pub const PROBE_IN: u32 = 13;
    /// Probe outputs (tests).
    pub const PROBE_OUT: u32 = 14;
}

/// Size of the `Step` uniform struct in bytes.
pub const STEP_BYTES: u64 = 16;

#[derive(Clone, Copy)]
enum Kind {
    Step,
    Read,
    ReadWrite,
}

/// One compiled entry point with its bind group layout.
pub struct Kernel {
    /// The pipeline.
    pub pipeline: wgpu::ComputePipeline,
    /// Its group-0 layout.
    pub layout: wgpu::BindGroupLayout,
    /// Bindings it uses, in order.
    pub bindings: Vec<u32>,
}

/// All the population trainer's kernels.
pub struct Kernels {
    /// Forward pass of one layer.
    pub forward: Kernel,
    /// Output loss, its gradient and metrics.
    pub loss: Kernel,
    /// Gradient with respect to the previous layer's pre-activations.
    pub backward_data: Kernel,
    /// Weight and bias gradients.
    pub backward_weights: Kernel,
    /// Optimizer step.
    pub optimize: Kernel,
    /// Helper probe (tests).
    pub probe: Kernel,
}

impl Kernels {
    /// Compiles every kernel; fails with [`GpuError::Validation`] if the WGSL or a layout is rejected.
    pub async fn new(ctx: &GpuContext) -> Result<Kernels, GpuError> {
        use binding::*;
        use Kind::*;
        let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = ctx
            .device
            .create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some("population"),
                source: wgpu::ShaderSource::Wgsl(POPULATION_WGSL.into()),
            });
        let k = |entry: &str, list: &[(u32, Kind)]| kernel(ctx, &module, entry, list);
        let kernels = Kernels {
            forward: k(
                "forward",
                &[(STEP, Step), (DESC, Read), (PARAMS, ReadWrite), (ACTS, ReadWrite), (X, Read), (PERM, Read)],
            ),
            loss: k(
                "loss",
                &[
                    (STEP, Step),
                    (DESC, Read),
                    (ACTS, ReadWrite),
                    (DELTA, ReadWrite),
                    (Y, Read),
                    (PERM, Read),
                    (METRICS, ReadWrite),
                    (STATUS, ReadWrite),
                ],
            ),
            backward_data: k(
                "backward_data",
                &[(STEP, Step), (DESC, Read), (PARAMS, ReadWrite), (ACTS, ReadWrite), (DELTA, ReadWrite)],
            ),
            backward_weights: k(
                "backward_weights",
                &[
                    (STEP, Step),
                    (DESC, Read),
                    (ACTS, ReadWrite),
                    (DELTA, ReadWrite),
                    (X, Read),
                    (PERM, Read),
                    (GRADS, ReadWrite),
                ],
            ),
            optimize: k(
                "optimize",
                &[
                    (STEP, Step),
                    (DESC, Read),
                    (PARAMS, ReadWrite),
                    (GRADS, ReadWrite),
                    (OPT_M, ReadWrite),
                    (OPT_V, ReadWrite),
                    (STATUS, ReadWrite),
                ],
            ),
            probe: k("probe", &[(PROBE_IN, Read), (PROBE_OUT, ReadWrite)]),
        };
        if let Some(err) = scope.pop().await {
            return Err(GpuError::Validation(format!("population kernels: {err}")));
        }
        Ok(kernels)
    }
}

fn kernel(ctx: &GpuContext, module: &wgpu::ShaderModule, entry: &str, list: &[(u32, Kind)]) -> Kernel {
    let entries: Vec<wgpu::BindGroupLayoutEntry> = list
        .iter()
        .map(|&(binding, kind)| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: match kind {
                Kind::Step => wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Uniform,
                    has_dynamic_offset: true,
                    min_binding_size: wgpu::BufferSize::new(STEP_BYTES),
                },
                Kind::Read | Kind::ReadWrite => wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Storage {
                        read_only: matches!(kind, Kind::Read),
                    },
                    has_dynamic_offset: false,
                    min_binding_size: None,
                },
            },
            count: None,
        })
        .collect();
    let layout = ctx
        .device
        .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some(entry),
            entries: &entries,
        });
    let pipeline_layout = ctx
        .device
        .create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some(entry),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
    let pipeline = ctx
        .device
        .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(entry),
            layout: Some(&pipeline_layout),
            module,
            entry_point: Some(entry),
            compilation_options: Default::default(),
            cache: None,
        });
    Kernel {
        pipeline,
        layout,
        bindings: list.iter().map(|&(b, _)| b).collect(),
    }
}

impl Kernel {
    /// Creates a bind group from `(binding, buffer)` pairs; the step uniform is bound with a
    /// [`STEP_BYTES`] window for dynamic offsets.
    pub fn bind(&self, ctx: &GpuContext, buffers: &[(u32, &wgpu::Buffer)]) -> Result<wgpu::BindGroup, GpuError> {
        let mut entries = Vec::with_capacity(self.bindings.len());
        for &b in &self.bindings {
            let buffer = buffers
                .iter()
                .find(|(n, _)| *n == b)
                .map(|(_, buf)| *buf)
                .ok_or_else(|| GpuError::Validation(format!("binding {b} has no buffer")))?;
            let resource = if b == binding::STEP {
                wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                    buffer,
                    offset: 0,
                    size: wgpu::BufferSize::new(STEP_BYTES),
                })
            } else {
                buffer.as_entire_binding()
            };
            entries.push(wgpu::BindGroupEntry { binding: b, resource });
        }
        Ok(ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &self.layout,
            entries: &entries,
        }))
    }
}
