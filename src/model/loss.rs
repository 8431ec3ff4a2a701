//! Output losses: softmax cross-entropy (classification) and squared error (regression).
//!
//! The training objective of a batch is the mean over its rows of `CE` or of `0.5 · (ŷ − y)²`;
//! metrics report `CE` or the squared error `(ŷ − y)²` per row. Exponentials are
//! [`super::fastmath::exp`] (the same bits on every platform).

use super::fastmath::exp;
use super::spec::Loss;

/// Per-batch loss evaluation over `rows` rows of `outputs` logits.
///
/// Returns `(objective_sum, metric_sum)` summed over rows in `f64`. When `grad` is given, it
/// receives `d(mean objective)/d logits` (divided by `scale_rows`, the batch size the mean is over).
pub fn evaluate(
    loss: Loss,
    logits: &[f32],
    targets: &[f32],
    rows: usize,
    outputs: usize,
    mut grad: Option<&mut [f32]>,
    scale_rows: usize,
) -> (f64, f64) {
    let inv = 1.0 / scale_rows.max(1) as f32;
    let mut objective = 0.0f64;
    let mut metric = 0.0f64;
    for r in 0..rows {
        let z = &logits[r * outputs..(r + 1) * outputs];
        match loss {
            Loss::SoftmaxCrossEntropy => {
                let class = class_index(targets[r], outputs);
                let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let sum: f32 = z.iter().map(|&v| exp(v - max)).sum();
                let lse = max + sum.ln();
                let ce = (lse - z[class]) as f64;
                objective += ce;
                metric += ce;
                if let Some(g) = grad.as_deref_mut() {
                    let g = &mut g[r * outputs..(r + 1) * outputs];
                    for (j, (gv, &v)) in g.iter_mut().zip(z).enumerate() {
                        let p = exp(v - lse);
                        *gv = (p - if j == class { 1.0 } else { 0.0 }) * inv;
                    }
                }
            }
            Loss::MeanSquaredError => {
                let d = z[0] - targets[r];
                objective += 0.5 * (d as f64) * (d as f64);
                metric += (d as f64) * (d as f64);
                if let Some(g) = grad.as_deref_mut() {
                    g[r] = d * inv;
                }
            }
        }
    }
    (objective, metric)
}

/// A class target as an index (targets are validated when data enters a trainer; this clamps
/// defensively so a bad value can never index out of bounds).
#[inline]
pub fn class_index(target: f32, outputs: usize) -> usize {
    if target.is_finite() && target > 0.0 {
        (target as usize).min(outputs - 1)
    } else {
        0
    }
}

/// Index of the largest value (the first on ties); NaN never wins.
pub fn argmax(values: &[f32]) -> usize {
    let mut best: Option<(usize, f32)> = None;
    for (i, &v) in values.iter().enumerate() {
        match best {
            _ if v.is_nan() => {}
            Some((_, b)) if v <= b => {}
            _ => best = Some((i, v)),
        }
    }
    best.map_or(0, |(i, _)| i)
}

/// In-place row-wise softmax of `rows × outputs` logits (numerically stable).
pub fn softmax_rows(values: &mut [f32], outputs: usize) {
    for row in values.chunks_exact_mut(outputs) {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0f32;
        for v in row.iter_mut() {
            *v = exp(*v - max);
            sum += *v;
        }
        let inv = 1.0 / sum;
        row.iter_mut().for_each(|v| *v *= inv);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_entropy_and_gradient() {
        let logits = [1.0, 2.0, 3.0];
        let mut g = [0.0; 3];
        let (obj, metric) = evaluate(
            Loss::SoftmaxCrossEntropy,
            &logits,
            &[2.0],
            1,
            3,
            Some(&mut g),
            1,
        );
        let lse = (1f64.exp() + 2f64.exp() + 3f64.exp()).ln();
        assert!((obj - (lse - 3.0)).abs() < 1e-6);
        assert_eq!(obj, metric);
        assert!((g.iter().sum::<f32>()).abs() < 1e-6);
        assert!(g[2] < 0.0 && g[0] > 0.0);
    }

    #[test]
    fn squared_error_objective_is_half_the_metric() {
        let mut g = [0.0; 2];
        let (obj, metric) = evaluate(
            Loss::MeanSquaredError,
            &[3.0, 0.0],
            &[1.0, 1.0],
            2,
            1,
            Some(&mut g),
            2,
        );
        assert!((obj - 0.5 * (4.0 + 1.0)).abs() < 1e-9);
        assert!((metric - 5.0).abs() < 1e-9);
        assert_eq!(g, [1.0, -0.5]);
    }

    #[test]
    fn softmax_and_argmax() {
        let mut v = [0.0, 1000.0, 0.0];
        softmax_rows(&mut v, 3);
        assert!((v[1] - 1.0).abs() < 1e-6);
        assert_eq!(argmax(&[1.0, 3.0, 3.0]), 1);
        assert_eq!(argmax(&[f32::NAN, 1.0]), 1);
    }
}
