//! Buffer and bind-group helpers of the population trainer: storage buffers, the per-dispatch
//! step uniforms and the kernels' bind groups.

use super::*;

pub(super) fn pad<T: Default>(mut v: Vec<T>) -> Vec<T> {
    if v.is_empty() {
        v.push(T::default());
    }
    v
}

pub(super) fn storage(ctx: &GpuContext, label: &str, size: u64) -> wgpu::Buffer {
    ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size,
        usage: wgpu::BufferUsages::STORAGE
            | wgpu::BufferUsages::COPY_SRC
            | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    })
}

pub(super) fn storage_init(ctx: &GpuContext, label: &str, contents: &[u8]) -> wgpu::Buffer {
    ctx.device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
        })
}

/// The per-dispatch uniforms: `[phase, step, layer, 0]` at `align`-spaced slots.
pub(super) fn step_buffer(ctx: &GpuContext, cap: usize, align: u64) -> wgpu::Buffer {
    let slots = PHASES * cap * LAYER_SLOTS;
    let stride = align as usize / 4;
    let mut words = vec![0u32; slots * stride];
    for phase in 0..PHASES {
        for step in 0..cap {
            for layer in 0..MAX_LAYERS.min(LAYER_SLOTS) {
                let i = ((phase * cap + step) * LAYER_SLOTS + layer) * stride;
                words[i] = phase as u32;
                words[i + 1] = step as u32;
                words[i + 2] = layer as u32;
            }
        }
    }
    ctx.device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("steps"),
            contents: bytemuck::cast_slice(&words),
            usage: wgpu::BufferUsages::UNIFORM,
        })
}

/// Bind groups of the training kernels. `b` = params, grads, opt_m, opt_v, acts, delta, perm,
/// desc, metrics, status, work.
pub(super) fn make_groups(
    ctx: &GpuContext,
    k: &Kernels,
    x: &wgpu::Buffer,
    y: &wgpu::Buffer,
    steps: &wgpu::Buffer,
    b: [&wgpu::Buffer; 11],
) -> Result<Groups, GpuError> {
    use binding::*;
    let all = [
        (STEP, steps),
        (PARAMS, b[0]),
        (GRADS, b[1]),
        (OPT_M, b[2]),
        (OPT_V, b[3]),
        (ACTS, b[4]),
        (DELTA, b[5]),
        (PERM, b[6]),
        (DESC, b[7]),
        (METRICS, b[8]),
        (STATUS, b[9]),
        (WORK, b[10]),
        (X, x),
        (Y, y),
    ];
    Ok(Groups {
        forward: k.forward.bind(ctx, &all)?,
        loss: k.loss.bind(ctx, &all)?,
        backward_data: k.backward_data.bind(ctx, &all)?,
        backward_weights: k.backward_weights.bind(ctx, &all)?,
        optimize: k.optimize.bind(ctx, &all)?,
    })
}
