//! What the population trainer refuses before touching the GPU: data and candidates that do not
//! fit each other, and populations beyond the adapter's limits (a clear error instead of a lost
//! device).

use super::*;

pub(super) fn check_data(data: &TrainData) -> Result<(), TrainError> {
    data.check().map_err(TrainError::Shape)
}

pub(super) fn check_spec(spec: &Spec, data: &TrainData) -> Result<(), TrainError> {
    if spec.inputs as usize != data.inputs || spec.outputs as usize != data.outputs {
        return Err(TrainError::Shape(format!(
            "the candidate maps {} inputs to {} outputs; the data has {} features and {} outputs",
            spec.inputs, spec.outputs, data.inputs, data.outputs
        )));
    }
    if (spec.loss == Loss::SoftmaxCrossEntropy) != data.classification {
        return Err(TrainError::Shape(
            "the candidate's loss does not match the task (classification or regression)".into(),
        ));
    }
    Ok(())
}

pub(super) fn binding_limit(ctx: &GpuContext) -> u64 {
    ctx.report
        .max_storage_buffer_binding_size
        .min(ctx.report.max_buffer_size)
}

/// Refuses a population the adapter cannot hold, instead of losing the device.
pub(super) fn check_limits(
    ctx: &GpuContext,
    layout: &Layout,
    train_rows: usize,
) -> Result<(), GpuError> {
    let max = binding_limit(ctx);
    let n = layout.slots.len();
    let buffers = [
        ("parameter", layout.params_len),
        ("activation", layout.acts_len),
        ("gradient-of-activation", layout.delta_len),
        ("permutation", n * train_rows),
    ];
    for (what, len) in buffers {
        let bytes = len as u64 * 4;
        if bytes > max {
            return Err(GpuError::Limits(format!(
                "a population of {n} candidates needs a {what} buffer of {bytes} bytes; this adapter allows {max} per storage buffer: train fewer or smaller candidates at once"
            )));
        }
    }
    let groups = dispatch_limit(ctx);
    if n > groups || layout.max_batch.div_ceil(TILE) > groups {
        return Err(GpuError::Limits(format!(
            "a population of {n} candidates (largest batch {}) needs more workgroups in one dispatch than the adapter's {groups} per dispatch dimension: keep fewer candidates at once",
            layout.max_batch
        )));
    }
    Ok(())
}

/// Workgroups one dispatch may launch along a dimension on this adapter.
pub(super) fn dispatch_limit(ctx: &GpuContext) -> usize {
    ctx.report.max_compute_workgroups_per_dimension as usize
}

/// The error for a candidate whose own work lists exceed `limit` workgroups in one dispatch.
pub(super) fn too_large(param_count: usize, limit: usize) -> GpuError {
    GpuError::Limits(format!(
        "a candidate with {param_count} parameters needs more than the adapter's {limit} workgroups in one dispatch: use narrower layers"
    ))
}

/// Refuses a candidate whose own work lists exceed the adapter's workgroups per dispatch
/// dimension. Larger populations are fine: `GpuTrainer::train` splits the candidates it trains
/// into groups that fit.
pub(super) fn check_dispatch(ctx: &GpuContext, spec: &Spec) -> Result<(), GpuError> {
    let limit = dispatch_limit(ctx);
    let layout = Layout::plan(&[spec]);
    if WorkLists::build(&layout, &[0], TILE).longest() > limit {
        return Err(too_large(layout.max_params, limit));
    }
    Ok(())
}
