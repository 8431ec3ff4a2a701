//! Backward pass: gradients of the mean batch objective with respect to every weight and bias.

use super::forward::{forward_batch, Dropout, Workspace};
use super::loss;
use super::matmul::{matmul_acc, transpose};
use super::spec::Spec;
use super::trainer::{LayerWeights, Weights};

/// Scratch buffers of the backward pass, sized for a network and a row capacity.
#[derive(Debug, Clone)]
pub(crate) struct BackwardBuffers {
    /// Gradient with respect to the current layer's pre-activation, `rows × out`.
    delta: Vec<f32>,
    /// Gradient with respect to the current layer's input, `rows × in`.
    dinput: Vec<f32>,
    /// Transposed layer input, `in × rows`.
    input_t: Vec<f32>,
    /// Transposed weights, `out × in`.
    w_t: Vec<f32>,
}

impl BackwardBuffers {
    /// Buffers for `widths` and up to `capacity` rows.
    pub fn new(widths: &[usize], capacity: usize) -> BackwardBuffers {
        let widest = widths.iter().copied().max().unwrap_or(1);
        let widest_layer = widths.windows(2).map(|p| p[0] * p[1]).max().unwrap_or(1);
        BackwardBuffers {
            delta: vec![0.0; widest * capacity],
            dinput: vec![0.0; widest * capacity],
            input_t: vec![0.0; widest * capacity],
            w_t: vec![0.0; widest_layer],
        }
    }
}

/// A zeroed gradient container with the shapes of `weights`.
pub(crate) fn zeros_like(weights: &Weights) -> Weights {
    Weights {
        layers: weights
            .layers
            .iter()
            .map(|l| LayerWeights {
                inputs: l.inputs,
                outputs: l.outputs,
                w: vec![0.0; l.w.len()],
                b: vec![0.0; l.b.len()],
            })
            .collect(),
    }
}

/// Back-propagates `dlogits` (`rows × outputs`, the gradient of the mean objective) through the
/// forward pass recorded in `ws`, overwriting `grads`.
pub(crate) fn backward_batch(
    spec: &Spec,
    weights: &Weights,
    ws: &Workspace,
    rows: usize,
    dlogits: &[f32],
    grads: &mut Weights,
    buf: &mut BackwardBuffers,
) {
    let layers = weights.layers.len();
    let outputs = weights.layers[layers - 1].outputs;
    buf.delta[..rows * outputs].copy_from_slice(&dlogits[..rows * outputs]);
    for l in (0..layers).rev() {
        let layer = &weights.layers[l];
        let (inp, out) = (layer.inputs, layer.outputs);
        let delta = &buf.delta[..rows * out];
        let grad = &mut grads.layers[l];

        transpose(&ws.acts[l], rows, inp, &mut buf.input_t);
        grad.w.iter_mut().for_each(|g| *g = 0.0);
        matmul_acc(&buf.input_t, delta, &mut grad.w, inp, rows, out);
        grad.b.iter_mut().for_each(|g| *g = 0.0);
        for row in delta.chunks_exact(out) {
            grad.b.iter_mut().zip(row).for_each(|(g, &d)| *g += d);
        }

        if l == 0 {
            break;
        }
        transpose(&layer.w, inp, out, &mut buf.w_t);
        let dinput = &mut buf.dinput[..rows * inp];
        dinput.iter_mut().for_each(|v| *v = 0.0);
        matmul_acc(delta, &buf.w_t, dinput, rows, out, inp);

        // Through dropout and the activation of hidden layer l − 1 (whose width is `inp`).
        let act = spec.hidden[l - 1].activation;
        let pre = &ws.pre[l - 1][..rows * inp];
        let mask = &ws.mask[l - 1];
        let mask = (!mask.is_empty()).then(|| &mask[..rows * inp]);
        act.scale_by_derivative(pre, mask, dinput);
        std::mem::swap(&mut buf.delta, &mut buf.dinput);
    }
}

/// Mean objective and its gradient for one batch (`x`: `rows × inputs`, `y`: `rows` targets), as
/// one training step at global step `step` computes them (with that step's dropout masks when
/// `train` is set and the spec has dropout). The objective is the mean cross-entropy, or the mean
/// of `0.5 · (ŷ − y)²`; weight decay is not part of it (the optimizer adds it).
pub fn batch_gradients(
    spec: &Spec,
    weights: &Weights,
    x: &[f32],
    y: &[f32],
    step: u64,
    train: bool,
) -> (f64, Weights) {
    let rows = y.len();
    let widths = spec.widths();
    let outputs = spec.outputs as usize;
    let mut ws = Workspace::new(widths.clone(), rows.max(1), train && spec.dropout > 0.0);
    let mut buf = BackwardBuffers::new(&widths, rows.max(1));
    ws.acts[0][..rows * widths[0]].copy_from_slice(&x[..rows * widths[0]]);
    let dropout = if train { Dropout::at(spec, step) } else { None };
    forward_batch(spec, weights, &mut ws, rows, dropout);
    let mut dlogits = vec![0.0; rows * outputs];
    let (objective, _) = loss::evaluate(
        spec.loss,
        ws.output(rows),
        y,
        rows,
        outputs,
        Some(&mut dlogits),
        rows,
    );
    let mut grads = zeros_like(weights);
    backward_batch(spec, weights, &ws, rows, &dlogits, &mut grads, &mut buf);
    (objective / rows.max(1) as f64, grads)
}
