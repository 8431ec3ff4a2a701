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
    /// Work lists of (candidate, tile) jobs (see [`crate::gpu::worklist`]).
    pub const WORK: u32 = 15;
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
                &[
                    (STEP, Step),
                    (WORK, Read),
                    (DESC, Read),
                    (PARAMS, ReadWrite),
                    (ACTS, ReadWrite),
                    (X, Read),
                    (PERM, Read),
                ],
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
                &[
                    (STEP, Step),
                    (WORK, Read),
                    (DESC, Read),
                    (PARAMS, ReadWrite),
                    (ACTS, ReadWrite),
                    (DELTA, ReadWrite),
                ],
            ),
            backward_weights: k(
                "backward_weights",
                &[
                    (STEP, Step),
                    (WORK, Read),
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
                    (WORK, Read),
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

fn kernel(
    ctx: &GpuContext,
    module: &wgpu::ShaderModule,
    entry: &str,
    list: &[(u32, Kind)],
) -> Kernel {
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
    pub fn bind(
        &self,
        ctx: &GpuContext,
        buffers: &[(u32, &wgpu::Buffer)],
    ) -> Result<wgpu::BindGroup, GpuError> {
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
            entries.push(wgpu::BindGroupEntry {
                binding: b,
                resource,
            });
        }
        Ok(ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &self.layout,
            entries: &entries,
        }))
    }
}

/// Evaluates the kernels' shared helpers (`uniform3`, `activate`, `activate_grad`) on the GPU for
/// `(a, b, c, x)` inputs; returns `(uniform3(a, b, c), act(a % 5, x), act'(a % 5, x))` per input.
pub async fn probe(
    ctx: &GpuContext,
    kernels: &Kernels,
    inputs: &[(u32, u32, u32, f32)],
) -> Result<Vec<[f32; 3]>, GpuError> {
    use wgpu::util::DeviceExt;
    if inputs.is_empty() {
        return Ok(Vec::new());
    }
    let words: Vec<u32> = inputs
        .iter()
        .flat_map(|&(a, b, c, x)| [a, b, c, x.to_bits()])
        .collect();
    let input = ctx
        .device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("probe in"),
            contents: bytemuck::cast_slice(&words),
            usage: wgpu::BufferUsages::STORAGE,
        });
    let size = (inputs.len() * 3 * 4) as u64;
    let output = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("probe out"),
        size,
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    });
    let group = kernels.probe.bind(
        ctx,
        &[(binding::PROBE_IN, &input), (binding::PROBE_OUT, &output)],
    )?;
    let mut encoder = ctx.device.create_command_encoder(&Default::default());
    {
        let mut pass = encoder.begin_compute_pass(&Default::default());
        pass.set_pipeline(&kernels.probe.pipeline);
        pass.set_bind_group(0, &group, &[]);
        pass.dispatch_workgroups(inputs.len().div_ceil(64) as u32, 1, 1);
    }
    ctx.queue.submit(Some(encoder.finish()));
    let flat = super::readback::read_f32(ctx, &output, 0, size).await?;
    Ok(flat.chunks_exact(3).map(|v| [v[0], v[1], v[2]]).collect())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::spec::Activation;
    use crate::platform::block_on;
    use crate::rng::{uniform3, Rng};

    #[test]
    fn wgsl_helpers_match_their_cpu_twins() {
        let ctx = block_on(GpuContext::new()).expect("a GPU adapter (lavapipe) is needed");
        let kernels = block_on(Kernels::new(&ctx)).unwrap();
        let mut rng = Rng::new(5);
        let mut inputs: Vec<(u32, u32, u32, f32)> = (0..500)
            .map(|_| {
                let x = (rng.next_f32() - 0.5) * 12.0;
                (
                    rng.next_u64() as u32,
                    rng.next_u64() as u32,
                    rng.next_u64() as u32,
                    x,
                )
            })
            .collect();
        for (i, x) in [0.0f32, -0.0, 30.0, -30.0, 90.0, -90.0, 1e-3]
            .into_iter()
            .enumerate()
        {
            for a in 0..5u32 {
                inputs.push((a + 5 * i as u32, 1, 2, x));
            }
        }
        let got = block_on(probe(&ctx, &kernels, &inputs)).unwrap();
        for (&(a, b, c, x), g) in inputs.iter().zip(&got) {
            // The dropout hash must agree bit for bit.
            assert_eq!(g[0], uniform3(a, b, c), "uniform3({a}, {b}, {c})");
            let act = Activation::ALL[(a % 5) as usize];
            let (want, dwant) = (act.apply(x), act.derivative(x));
            assert!(
                (g[1] - want).abs() <= 2e-6 * want.abs().max(1.0),
                "{act:?}({x}): gpu {} cpu {want}",
                g[1]
            );
            assert!(
                (g[2] - dwant).abs() <= 2e-6 * dwant.abs().max(1.0),
                "{act:?}'({x}): gpu {} cpu {dwant}",
                g[2]
            );
        }
    }
}
