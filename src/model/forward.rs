//! Forward pass: batched, with optional dropout, and the public [`predict`].

use super::loss::softmax_rows;
use super::matmul::matmul_acc;
use super::simd::avx2_or_baseline;
use super::spec::{Loss, Spec};
use super::trainer::{seed32, Weights};
use crate::rng::uniform3;

/// Rows per chunk when predicting or evaluating many rows.
pub(crate) const CHUNK_ROWS: usize = 256;

/// Dropout parameters of one training step (see the trainer contract for the mask hash).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dropout {
    /// Seed folded to 32 bits.
    pub seed32: u32,
    /// Global step (0-based, counted across epochs).
    pub step: u32,
    /// Drop probability, `> 0`.
    pub p: f32,
}

impl Dropout {
    /// The dropout of `spec` at global step `step`, or `None` when the spec has no dropout.
    pub fn at(spec: &Spec, step: u64) -> Option<Dropout> {
        (spec.dropout > 0.0).then(|| Dropout {
            seed32: seed32(spec),
            step: step as u32,
            p: spec.dropout,
        })
    }
}

/// Buffers of one batched forward/backward pass, sized for `capacity` rows.
#[derive(Debug, Clone)]
pub(crate) struct Workspace {
    /// `[inputs, h1, …, outputs]`.
    pub widths: Vec<usize>,
    /// Row capacity.
    pub capacity: usize,
    /// `acts[l]` is the input of layer `l` (`acts[0]` the feature batch), `rows × widths[l]`;
    /// for hidden layers it is the activation after dropout.
    pub acts: Vec<Vec<f32>>,
    /// `pre[l]`: pre-activation of layer `l`, `rows × widths[l + 1]` (the last one holds logits).
    pub pre: Vec<Vec<f32>>,
    /// `mask[l]`: dropout factor (0 or `1 / (1 − p)`) of hidden layer `l`; empty without dropout.
    pub mask: Vec<Vec<f32>>,
}

impl Workspace {
    /// Buffers for a network with the given widths and up to `capacity` rows per pass.
    pub fn new(widths: Vec<usize>, capacity: usize, dropout: bool) -> Workspace {
        let layers = widths.len() - 1;
        let acts = widths[..layers]
            .iter()
            .map(|w| vec![0.0; w * capacity])
            .collect();
        let pre = widths[1..]
            .iter()
            .map(|w| vec![0.0; w * capacity])
            .collect();
        let mask = widths[1..layers]
            .iter()
            .map(|w| {
                if dropout {
                    vec![0.0; w * capacity]
                } else {
                    Vec::new()
                }
            })
            .collect();
        Workspace {
            widths,
            capacity,
            acts,
            pre,
            mask,
        }
    }

    /// The logits (or values) of the last forward pass over `rows` rows.
    pub fn output(&self, rows: usize) -> &[f32] {
        let last = self.pre.len() - 1;
        &self.pre[last][..rows * self.widths[last + 1]]
    }
}

/// Forward pass over the `rows` feature rows already in `ws.acts[0]`.
pub(crate) fn forward_batch(
    spec: &Spec,
    weights: &Weights,
    ws: &mut Workspace,
    rows: usize,
    dropout: Option<Dropout>,
) {
    let layers = weights.layers.len();
    for (l, layer) in weights.layers.iter().enumerate() {
        let (inp, out) = (layer.inputs, layer.outputs);
        let pre = &mut ws.pre[l][..rows * out];
        for row in pre.chunks_exact_mut(out) {
            row.copy_from_slice(&layer.b);
        }
        matmul_acc(&ws.acts[l], &layer.w, pre, rows, inp, out);
        if l + 1 == layers {
            break;
        }
        let act = spec.hidden[l].activation;
        let next = &mut ws.acts[l + 1][..rows * out];
        act.apply_slice(pre, next);
        if let Some(d) = dropout {
            drop_out(&mut ws.mask[l][..rows * out], next, d, l as u32);
        }
    }
}

avx2_or_baseline! {
    /// Draws layer `layer`'s dropout mask (`keep_scale` or 0 per unit, from the step's seeded
    /// hash, as the GPU kernels draw it) into `mask` and applies it to the activations `acts`.
    fn drop_out(mask: &mut [f32], acts: &mut [f32], d: Dropout, layer: u32) {
        let keep_scale = 1.0 / (1.0 - d.p);
        let layer_key = layer << 24;
        for (u, (m, v)) in mask.iter_mut().zip(acts.iter_mut()).enumerate() {
            let key = layer_key ^ u as u32;
            *m = if uniform3(d.seed32, d.step, key) >= d.p {
                keep_scale
            } else {
                0.0
            };
            *v *= *m;
        }
    }
}

/// Predictions for `x` (`rows × spec.inputs`, row-major) without dropout: class probabilities
/// (`rows × classes`) for classification, values (`rows`) for regression. A trailing partial row
/// is ignored.
pub fn predict(spec: &Spec, weights: &Weights, x: &[f32]) -> Vec<f32> {
    let inputs = spec.inputs as usize;
    let outputs = spec.outputs as usize;
    let rows = x.len() / inputs;
    let mut out = Vec::with_capacity(rows * outputs);
    let mut ws = Workspace::new(spec.widths(), CHUNK_ROWS.min(rows.max(1)), false);
    for chunk in x[..rows * inputs].chunks(CHUNK_ROWS * inputs) {
        let n = chunk.len() / inputs;
        ws.acts[0][..chunk.len()].copy_from_slice(chunk);
        forward_batch(spec, weights, &mut ws, n, None);
        out.extend_from_slice(ws.output(n));
    }
    if spec.loss == Loss::SoftmaxCrossEntropy {
        softmax_rows(&mut out, outputs);
    }
    out
}

/// One network of a weighted mean of networks ([`predict_weighted`]).
#[derive(Debug, Clone, Copy)]
pub struct Weighted<'a> {
    /// Its architecture.
    pub spec: &'a Spec,
    /// Its trained weights.
    pub weights: &'a Weights,
    /// Its share of the mean (the shares of a model sum to 1).
    pub share: f32,
}

/// The networks of one ensemble member (`models` of one `spec`, whose mean is the member's
/// output) with the member's `share` split evenly over them. The one place shares become
/// per-network weights, so the search and a model file weight the same networks alike.
pub fn spread<'a>(
    spec: &'a Spec,
    models: impl IntoIterator<Item = &'a Weights, IntoIter: ExactSizeIterator>,
    share: f64,
) -> impl Iterator<Item = Weighted<'a>> {
    let models = models.into_iter();
    let share = (share / models.len().max(1) as f64) as f32;
    models.map(move |weights| Weighted {
        spec,
        weights,
        share,
    })
}

/// Predictions of an ensemble of networks with the same inputs and outputs: the share-weighted
/// sum of [`predict`] over `members` (probabilities per class, or values). One member with
/// share 1 gives exactly [`predict`]; no member gives an empty vector.
pub fn predict_weighted(members: &[Weighted<'_>], x: &[f32]) -> Vec<f32> {
    let Some((first, rest)) = members.split_first() else {
        return Vec::new();
    };
    let mut sum = predict(first.spec, first.weights, x);
    if rest.is_empty() && first.share == 1.0 {
        return sum;
    }
    for s in &mut sum {
        *s *= first.share;
    }
    for m in rest {
        for (s, v) in sum.iter_mut().zip(predict(m.spec, m.weights, x)) {
            *s += m.share * v;
        }
    }
    sum
}

/// Predictions of a bag of networks with the same `spec`: the mean of [`predict`] over
/// `members` (probabilities averaged per class, or values averaged). One member gives exactly
/// [`predict`]; no member gives an empty vector.
pub fn predict_mean(spec: &Spec, members: &[&Weights], x: &[f32]) -> Vec<f32> {
    let weighted: Vec<Weighted<'_>> = spread(spec, members.iter().copied(), 1.0).collect();
    predict_weighted(&weighted, x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::init::initial_weights;

    #[test]
    fn predict_mean_averages_the_members_outputs() {
        let spec = Spec::test_mlp(3, 2, &[4], crate::model::Activation::Tanh, 8);
        let mut raw = spec.raw().clone();
        raw.seed += 1;
        let a = initial_weights(&spec);
        let b = initial_weights(&raw.validate().unwrap());
        assert_ne!(a, b);
        let x = [0.5, -1.0, 2.0, 0.1, 0.2, -0.3];
        let (pa, pb) = (predict(&spec, &a, &x), predict(&spec, &b, &x));
        let mean = predict_mean(&spec, &[&a, &b], &x);
        assert_eq!(mean.len(), pa.len());
        for ((m, u), v) in mean.iter().zip(&pa).zip(&pb) {
            assert!((m - (u + v) / 2.0).abs() < 1e-7, "{m} {u} {v}");
        }
        // Still probabilities per row.
        for row in mean.chunks(2) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        }
        assert_eq!(predict_mean(&spec, &[&a], &x), pa);
        assert!(predict_mean(&spec, &[], &x).is_empty());
    }

    #[test]
    fn predict_weighted_mixes_networks_of_different_shapes_by_share() {
        let a_spec = Spec::test_mlp(3, 2, &[4], crate::model::Activation::Tanh, 8);
        let b_spec = Spec::test_mlp(3, 2, &[7, 3], crate::model::Activation::Relu, 8);
        let (a, b) = (initial_weights(&a_spec), initial_weights(&b_spec));
        let x = [0.5, -1.0, 2.0, 0.1, 0.2, -0.3];
        let (pa, pb) = (predict(&a_spec, &a, &x), predict(&b_spec, &b, &x));
        let m = |spec, weights, share| Weighted {
            spec,
            weights,
            share,
        };
        let mix = predict_weighted(&[m(&a_spec, &a, 0.75), m(&b_spec, &b, 0.25)], &x);
        for ((v, u), w) in mix.iter().zip(&pa).zip(&pb) {
            assert!((v - (0.75 * u + 0.25 * w)).abs() < 1e-7, "{v} {u} {w}");
        }
        for row in mix.chunks(2) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        }
        assert_eq!(predict_weighted(&[m(&b_spec, &b, 1.0)], &x), pb);
    }
}
