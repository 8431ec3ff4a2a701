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
    let groups = ctx.report.max_compute_workgroups_per_dimension as usize;
    let all: Vec<usize> = (0..n).collect();
    let jobs = WorkLists::build(layout, &all, TILE).longest();
    if n > groups || jobs > groups || layout.max_batch.div_ceil(TILE) > groups {
        return Err(GpuError::Limits(format!(
            "a population of {n} candidates (largest has {} parameters) needs {jobs} workgroups in one dispatch, more than the adapter's {groups} per dispatch dimension: train fewer or smaller candidates at once",
            layout.max_params
        )));
    }
    Ok(())
}
