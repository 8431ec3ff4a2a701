//! Evaluation of a candidate on a set of rows (no dropout): loss and score as the metrics report.

use super::forward::{forward_batch, Workspace, CHUNK_ROWS};
use super::loss;
use super::spec::{Loss, Spec};
use super::trainer::Weights;

/// Mean loss and score of `weights` on `x` (`rows × inputs`) with targets `y`, without dropout.
///
/// Classification: mean cross-entropy and accuracy. Regression: mean squared error `(ŷ − y)²` and
/// RMSE, in the units of `y`. With no rows both are NaN.
pub fn evaluate(spec: &Spec, weights: &Weights, x: &[f32], y: &[f32]) -> (f32, f32) {
    let rows = y.len();
    if rows == 0 {
        return (f32::NAN, f32::NAN);
    }
    let inputs = spec.inputs as usize;
    let outputs = spec.outputs as usize;
    let mut ws = Workspace::new(spec.widths(), CHUNK_ROWS.min(rows), false);
    let mut metric = 0.0f64;
    let mut correct = 0usize;
    for (chunk, ys) in x[..rows * inputs]
        .chunks(CHUNK_ROWS * inputs)
        .zip(y.chunks(CHUNK_ROWS))
    {
        let n = ys.len();
        ws.acts[0][..chunk.len()].copy_from_slice(chunk);
        forward_batch(spec, weights, &mut ws, n, None);
        let out = ws.output(n);
        metric += loss::evaluate(spec.loss, out, ys, n, outputs, None, n).1;
        if spec.loss == Loss::SoftmaxCrossEntropy {
            correct += out
                .chunks_exact(outputs)
                .zip(ys)
                .filter(|(row, &t)| loss::argmax(row) == loss::class_index(t, outputs))
                .count();
        }
    }
    let mean = (metric / rows as f64) as f32;
    match spec.loss {
        Loss::SoftmaxCrossEntropy => (mean, correct as f32 / rows as f32),
        Loss::MeanSquaredError => (mean, mean.sqrt()),
    }
}
