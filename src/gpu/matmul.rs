//! A tiled WGSL matrix product, its CPU twin, and a throughput probe.
//!
//! This is the kernel the project's self-check runs (the page and `automl devices --check`) and
//! the yardstick the benchmark measures the adapter's attainable GFLOP/s with.

use super::context::{GpuContext, GpuError};
use super::readback;
use wgpu::util::DeviceExt;

/// WGSL source of the tiled matmul kernel.
pub const MATMUL_WGSL: &str = include_str!("shaders/matmul.wgsl");

/// CPU reference: `c = a · b` for row-major `a` (m×k) and `b` (k×n).
pub fn matmul_cpu(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
    let mut c = vec![0.0f32; m * n];
    for i in 0..m {
        for p in 0..k {
            let av = a[i * k + p];
            let brow = &b[p * n..(p + 1) * n];
            let crow = &mut c[i * n..(i + 1) * n];
            for (cv, bv) in crow.iter_mut().zip(brow) {
                *cv += av * bv;
            }
        }
    }
    c
}

/// A compiled matmul pipeline, reusable for many products.
pub struct Matmul {
    pipeline: wgpu::ComputePipeline,
}

/// Buffers of one product, kept so it can be dispatched repeatedly (throughput measurement).
pub struct MatmulJob {
    bind_group: wgpu::BindGroup,
    out: wgpu::Buffer,
    groups: (u32, u32),
    m: usize,
    n: usize,
}

impl Matmul {
    /// Compiles the kernel; fails with [`GpuError::Validation`] if the WGSL is rejected.
    pub async fn new(ctx: &GpuContext) -> Result<Self, GpuError> {
        let pipeline = ctx.compute_pipeline("matmul", MATMUL_WGSL, "main").await?;
        Ok(Matmul { pipeline })
    }

    /// Uploads `a` (m×k) and `b` (k×n) and prepares a dispatch.
    pub fn job(
        &self,
        ctx: &GpuContext,
        a: &[f32],
        b: &[f32],
        m: usize,
        k: usize,
        n: usize,
    ) -> Result<MatmulJob, GpuError> {
        if a.len() != m * k || b.len() != k * n {
            return Err(GpuError::Limits(format!(
                "matmul operands have {} and {} values, expected {}×{} and {}×{}",
                a.len(),
                b.len(),
                m,
                k,
                k,
                n
            )));
        }
        let bytes = (m * n * 4) as u64;
        if bytes > ctx.report.max_storage_buffer_binding_size {
            return Err(GpuError::Limits(format!(
                "a {m}×{n} result needs {bytes} bytes, more than the adapter's storage binding limit of {}",
                ctx.report.max_storage_buffer_binding_size
            )));
        }
        let dims: [u32; 4] = [m as u32, k as u32, n as u32, 0];
        let d = &ctx.device;
        let init = |label: &str, contents: &[u8], usage| {
            d.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents,
                usage,
            })
        };
        let dims_buf = init(
            "dims",
            bytemuck::cast_slice(&dims),
            wgpu::BufferUsages::UNIFORM,
        );
        let a_buf = init("a", bytemuck::cast_slice(a), wgpu::BufferUsages::STORAGE);
        let b_buf = init("b", bytemuck::cast_slice(b), wgpu::BufferUsages::STORAGE);
        let out = d.create_buffer(&wgpu::BufferDescriptor {
            label: Some("c"),
            size: bytes.max(4),
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let bind_group = d.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("matmul"),
            layout: &self.pipeline.get_bind_group_layout(0),
            entries: &[
                entry(0, &dims_buf),
                entry(1, &a_buf),
                entry(2, &b_buf),
                entry(3, &out),
            ],
        });
        Ok(MatmulJob {
            bind_group,
            out,
            groups: (n.div_ceil(32) as u32, m.div_ceil(32) as u32),
            m,
            n,
        })
    }

    /// Records `repeats` dispatches of `job` into one submission.
    pub fn dispatch(&self, ctx: &GpuContext, job: &MatmulJob, repeats: u32) {
        let mut encoder = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("matmul"),
            });
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("matmul"),
                timestamp_writes: None,
            });
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, &job.bind_group, &[]);
            for _ in 0..repeats {
                pass.dispatch_workgroups(job.groups.0, job.groups.1, 1);
            }
        }
        ctx.queue.submit(Some(encoder.finish()));
    }

    /// Reads the job's result back.
    pub async fn read(&self, ctx: &GpuContext, job: &MatmulJob) -> Result<Vec<f32>, GpuError> {
        readback::read_f32(ctx, &job.out, 0, (job.m * job.n * 4) as u64).await
    }

    /// Computes `a · b` on the GPU.
    pub async fn run(
        &self,
        ctx: &GpuContext,
        a: &[f32],
        b: &[f32],
        m: usize,
        k: usize,
        n: usize,
    ) -> Result<Vec<f32>, GpuError> {
        let job = self.job(ctx, a, b, m, k, n)?;
        self.dispatch(ctx, &job, 1);
        self.read(ctx, &job).await
    }
}

fn entry(binding: u32, buffer: &wgpu::Buffer) -> wgpu::BindGroupEntry<'_> {
    wgpu::BindGroupEntry {
        binding,
        resource: buffer.as_entire_binding(),
    }
}

/// Result of the GPU self-check: a seeded product computed on the GPU and on the CPU.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct KernelCheck {
    /// Shape checked (m, k, n).
    pub shape: (usize, usize, usize),
    /// Largest absolute difference between GPU and CPU results.
    pub max_abs_error: f32,
    /// Whether the difference is within tolerance.
    pub passed: bool,
}

/// Runs a seeded, deliberately non-tile-aligned product on the GPU and compares it to the CPU.
pub async fn self_check(ctx: &GpuContext) -> Result<KernelCheck, GpuError> {
    let (m, k, n) = (37, 53, 29);
    let mut rng = crate::rng::Rng::new(2024);
    let a: Vec<f32> = (0..m * k).map(|_| rng.next_f32() * 2.0 - 1.0).collect();
    let b: Vec<f32> = (0..k * n).map(|_| rng.next_f32() * 2.0 - 1.0).collect();
    let kernel = Matmul::new(ctx).await?;
    let gpu = kernel.run(ctx, &a, &b, m, k, n).await?;
    let cpu = matmul_cpu(&a, &b, m, k, n);
    let max_abs_error = gpu
        .iter()
        .zip(&cpu)
        .map(|(g, c)| (g - c).abs())
        // NaN must propagate (a broken kernel must not pass), so no `f32::max` here.
        .fold(
            0.0f32,
            |worst, d| if d.is_nan() || d > worst { d } else { worst },
        );
    Ok(KernelCheck {
        shape: (m, k, n),
        max_abs_error,
        passed: gpu.len() == cpu.len() && max_abs_error < 1e-4,
    })
}
