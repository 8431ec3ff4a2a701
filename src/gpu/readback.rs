//! Reading GPU buffers back to the host, the same way in the browser and natively.
//!
//! In the browser `device.poll` does nothing: the map callback runs after the JS event loop turns,
//! so we await a oneshot channel that the callback completes. Natively we poll the device until the
//! callback has fired.

use super::context::{GpuContext, GpuError};

/// Copies `size` bytes from `src` (which needs `COPY_SRC` usage) into a fresh staging buffer and
/// returns them as `f32`s. One submission, one map.
pub async fn read_f32(
    ctx: &GpuContext,
    src: &wgpu::Buffer,
    offset: u64,
    size: u64,
) -> Result<Vec<f32>, GpuError> {
    let bytes = read_bytes(ctx, src, offset, size).await?;
    Ok(bytemuck::pod_collect_to_vec(&bytes))
}

/// Copies `size` bytes starting at `offset` of `src` back to the host.
pub async fn read_bytes(
    ctx: &GpuContext,
    src: &wgpu::Buffer,
    offset: u64,
    size: u64,
) -> Result<Vec<u8>, GpuError> {
    let staging = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("readback staging"),
        size,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let mut encoder = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("readback"),
        });
    encoder.copy_buffer_to_buffer(src, offset, &staging, 0, size);
    ctx.queue.submit(Some(encoder.finish()));
    map_and_copy(ctx, &staging).await
}

/// Maps a `MAP_READ` buffer and copies its whole contents out.
pub async fn map_and_copy(ctx: &GpuContext, staging: &wgpu::Buffer) -> Result<Vec<u8>, GpuError> {
    let slice = staging.slice(..);
    let (tx, rx) = futures_channel::oneshot::channel();
    slice.map_async(wgpu::MapMode::Read, move |result| {
        // The receiver may be gone if the caller was dropped; nothing to do then.
        let _ = tx.send(result);
    });
    #[cfg(not(target_arch = "wasm32"))]
    ctx.device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    #[cfg(target_arch = "wasm32")]
    let _ = ctx;
    rx.await
        .map_err(|_| GpuError::Readback("the map callback was dropped".into()))?
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    let data = slice
        .get_mapped_range()
        .map_err(|e| GpuError::Readback(e.to_string()))?
        .to_vec();
    staging.unmap();
    Ok(data)
}
