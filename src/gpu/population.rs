//! Where each candidate of a population lives in the shared GPU buffers, and the descriptor table
//! the kernels read it from.
//!
//! Pure host code: a [`Layout`] is planned from the candidates' specs; [`Layout::descriptors`]
//! encodes the table. The word layout mirrors the constants at the top of `shaders/common.wgsl`.
//!
//! Per candidate, every affine layer `l` owns:
//! - `(in + 1) × out` parameters: the row-major weight matrix followed by the bias row, so one
//!   product `[A | 1] · [W; b]` applies both;
//! - the same amount of gradient and optimizer state (first and second moments) at the same offsets;
//! - `batch × out` pre-activations `Z`, post-activations `A` (hidden layers only) and `dL/dZ`.

use crate::model::spec::{Loss, Optimizer, Spec};
use crate::model::trainer::seed32;

/// Words of the global header.
pub const HEADER_WORDS: usize = 16;
/// Words per candidate record.
pub const CAND_WORDS: usize = 96;
/// First layer word inside a candidate record.
pub const LAYER_BASE: usize = 32;
/// Words per layer record.
pub const LAYER_WORDS: usize = 8;
/// Most affine layers a candidate can have (hidden layers + output layer).
pub const MAX_LAYERS: usize = crate::model::spec::limits::MAX_HIDDEN_LAYERS + 1;
/// Activation id of the output layer (identity).
pub const IDENTITY: u32 = 255;

/// Header word indices.
pub mod header {
    /// Which epoch slot of the metrics buffer the loss kernel accumulates into.
    pub const EPOCH_SLOT: usize = 0;
    /// Number of candidates in the table.
    pub const CANDS: usize = 1;
    /// Training rows.
    pub const TRAIN: usize = 2;
    /// Validation rows.
    pub const VALID: usize = 3;
    /// Rows of the current prediction request.
    pub const PREDICT: usize = 4;
    /// Input features.
    pub const INPUTS: usize = 5;
}

/// Candidate word indices.
pub mod cand {
    /// Affine layers.
    pub const LAYERS: usize = 0;
    /// Mini-batch size.
    pub const BATCH: usize = 1;
    /// 1 when the candidate takes part in the current submission.
    pub const ACTIVE: usize = 2;
    /// Seed folded to 32 bits (dropout).
    pub const SEED: usize = 3;
    /// 0 SGD, 1 Adam, 2 AdamW.
    pub const OPT: usize = 4;
    /// Learning rate of the current epoch (f32 bits).
    pub const LR: usize = 5;
    /// Momentum (SGD) or β1 (f32 bits).
    pub const B1: usize = 6;
    /// β2 (f32 bits).
    pub const B2: usize = 7;
    /// ε (f32 bits).
    pub const EPS: usize = 8;
    /// Weight decay (f32 bits).
    pub const WD: usize = 9;
    /// Dropout probability (f32 bits).
    pub const DROP: usize = 10;
    /// Global step at the start of the current epoch.
    pub const STEP_BASE: usize = 11;
    /// Offset of the candidate's permutation in the permutation buffer.
    pub const PERM: usize = 12;
    /// First parameter.
    pub const POFF: usize = 13;
    /// Parameter count.
    pub const PCOUNT: usize = 14;
    /// 0 softmax cross-entropy, 1 mean squared error.
    pub const LOSS: usize = 15;
}

/// Buffer offsets (in `f32` elements) and shape of one affine layer of one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerSlot {
    /// Fan-in.
    pub inputs: usize,
    /// Fan-out.
    pub outputs: usize,
    /// First weight in the parameter buffers (the bias row follows the weights).
    pub w_off: usize,
    /// Activation id, [`IDENTITY`] for the output layer.
    pub activation: u32,
    /// Pre-activations in the activation buffer.
    pub z_off: usize,
    /// Post-activations in the activation buffer (equals `z_off` for the output layer).
    pub a_off: usize,
    /// `dL/dZ` in the delta buffer.
    pub d_off: usize,
}

impl LayerSlot {
    /// Parameters of the layer: weights and biases.
    pub fn parameters(&self) -> usize {
        (self.inputs + 1) * self.outputs
    }
}

/// Where one candidate lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateSlot {
    /// Affine layers, input side first.
    pub layers: Vec<LayerSlot>,
    /// First parameter.
    pub param_off: usize,
    /// Parameter count.
    pub param_count: usize,
    /// Mini-batch size (rows of its activation buffers).
    pub batch: usize,
}

/// The placement of a whole population plus the sizes the dispatch grids must cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// One slot per candidate, in table order.
    pub slots: Vec<CandidateSlot>,
    /// Floats in each parameter-shaped buffer (parameters, gradients, moments).
    pub params_len: usize,
    /// Floats in the activation buffer.
    pub acts_len: usize,
    /// Floats in the delta buffer.
    pub delta_len: usize,
    /// Most affine layers of any candidate.
    pub max_layers: usize,
    /// Largest batch.
    pub max_batch: usize,
    /// Per layer index: largest fan-in + 1 over candidates having that layer.
    pub max_in: Vec<usize>,
    /// Per layer index: largest fan-out.
    pub max_out: Vec<usize>,
    /// Largest parameter count of a candidate.
    pub max_params: usize,
}

impl Layout {
    /// Places the candidates one after another in every buffer.
    pub fn plan(specs: &[&Spec]) -> Layout {
        let mut layout = Layout {
            slots: Vec::with_capacity(specs.len()),
            params_len: 0,
            acts_len: 0,
            delta_len: 0,
            max_layers: 0,
            max_batch: 0,
            max_in: vec![0; MAX_LAYERS],
            max_out: vec![0; MAX_LAYERS],
            max_params: 0,
        };
        for spec in specs {
            let widths = spec.widths();
            let batch = spec.batch_size as usize;
            let param_off = layout.params_len;
            let mut layers = Vec::with_capacity(widths.len() - 1);
            for (l, pair) in widths.windows(2).enumerate() {
                let (inputs, outputs) = (pair[0], pair[1]);
                let hidden = l + 1 < widths.len() - 1;
                let z_off = layout.acts_len;
                layout.acts_len += batch * outputs;
                let a_off = if hidden {
                    let a = layout.acts_len;
                    layout.acts_len += batch * outputs;
                    a
                } else {
                    z_off
                };
                let slot = LayerSlot {
                    inputs,
                    outputs,
                    w_off: layout.params_len,
                    activation: if hidden {
                        spec.hidden[l].activation.id()
                    } else {
                        IDENTITY
                    },
                    z_off,
                    a_off,
                    d_off: layout.delta_len,
                };
                layout.params_len += slot.parameters();
                layout.delta_len += batch * outputs;
                layout.max_in[l] = layout.max_in[l].max(inputs + 1);
                layout.max_out[l] = layout.max_out[l].max(outputs);
                layers.push(slot);
            }
            let param_count = layout.params_len - param_off;
            layout.max_layers = layout.max_layers.max(layers.len());
            layout.max_batch = layout.max_batch.max(batch);
            layout.max_params = layout.max_params.max(param_count);
            layout.slots.push(CandidateSlot {
                layers,
                param_off,
                param_count,
                batch,
            });
        }
        layout
    }

    /// Encodes the descriptor table. `per_epoch[i]` gives candidate `i`'s state for the coming
    /// submission; `header` is the global header.
    pub fn descriptors(
        &self,
        specs: &[&Spec],
        header: [u32; 6],
        per_epoch: &[EpochFields],
    ) -> Vec<u32> {
        let mut words = vec![0u32; HEADER_WORDS + CAND_WORDS * self.slots.len()];
        words[..6].copy_from_slice(&header);
        for (i, (slot, spec)) in self.slots.iter().zip(specs).enumerate() {
            let base = HEADER_WORDS + CAND_WORDS * i;
            let rec = &mut words[base..base + CAND_WORDS];
            let (opt, b1, b2, eps) = match spec.optimizer {
                Optimizer::Sgd { momentum } => (0, momentum, 0.0, 0.0),
                Optimizer::Adam { beta1, beta2, eps } => (1, beta1, beta2, eps),
                Optimizer::AdamW { beta1, beta2, eps } => (2, beta1, beta2, eps),
            };
            let e = per_epoch.get(i).copied().unwrap_or_default();
            rec[cand::LAYERS] = slot.layers.len() as u32;
            rec[cand::BATCH] = slot.batch as u32;
            rec[cand::ACTIVE] = e.active as u32;
            rec[cand::SEED] = seed32(spec);
            rec[cand::OPT] = opt;
            rec[cand::LR] = e.learning_rate.to_bits();
            rec[cand::B1] = b1.to_bits();
            rec[cand::B2] = b2.to_bits();
            rec[cand::EPS] = eps.to_bits();
            rec[cand::WD] = spec.weight_decay.to_bits();
            rec[cand::DROP] = spec.dropout.to_bits();
            rec[cand::STEP_BASE] = e.step_base;
            rec[cand::PERM] = e.perm_off;
            rec[cand::POFF] = slot.param_off as u32;
            rec[cand::PCOUNT] = slot.param_count as u32;
            rec[cand::LOSS] = match spec.loss {
                Loss::SoftmaxCrossEntropy => 0,
                Loss::MeanSquaredError => 1,
            };
            for (l, layer) in slot.layers.iter().enumerate() {
                let lw = &mut rec[LAYER_BASE + l * LAYER_WORDS..LAYER_BASE + (l + 1) * LAYER_WORDS];
                lw[0] = layer.inputs as u32;
                lw[1] = layer.outputs as u32;
                lw[2] = layer.w_off as u32;
                lw[3] = layer.activation;
                lw[4] = layer.z_off as u32;
                lw[5] = layer.a_off as u32;
                lw[6] = layer.d_off as u32;
            }
        }
        words
    }
}

/// Per-submission fields of one candidate's descriptor.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EpochFields {
    /// Whether the candidate takes part.
    pub active: bool,
    /// Learning rate of the epoch.
    pub learning_rate: f32,
    /// Global step at the start of the epoch (wraps at 2³², as the dropout counter does).
    pub step_base: u32,
    /// Offset of the candidate's permutation in the permutation buffer.
    pub perm_off: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::spec::Activation;

    fn spec(widths: &[u32], batch: u32) -> Spec {
        Spec::test_mlp(3, 2, widths, Activation::Tanh, batch)
    }

    #[test]
    fn candidates_do_not_overlap_and_maxima_cover_all() {
        let a = spec(&[4], 2);
        let b = spec(&[5, 6], 3);
        let layout = Layout::plan(&[&a, &b]);
        let (sa, sb) = (&layout.slots[0], &layout.slots[1]);
        assert_eq!(sa.param_count, a.parameter_count());
        assert_eq!(sb.param_off, sa.param_count);
        assert_eq!(layout.params_len, a.parameter_count() + b.parameter_count());
        // a: Z and A of its hidden layer (2×4 each), Z of its output (2×2).
        assert_eq!(sb.layers[0].z_off, 2 * 4 * 2 + 2 * 2);
        assert_eq!(sb.layers[2].a_off, sb.layers[2].z_off);
        assert_eq!(layout.max_layers, 3);
        assert_eq!(layout.max_in[1], 6); // b's second layer: 5 inputs + bias (a's output: 4 + 1)
        assert_eq!(layout.max_out[0], 5);
        assert_eq!(layout.max_batch, 3);
        let words = layout.descriptors(&[&a, &b], [0, 2, 10, 5, 0, 3], &[]);
        assert_eq!(words.len(), HEADER_WORDS + 2 * CAND_WORDS);
        let rec_b = &words[HEADER_WORDS + CAND_WORDS..];
        assert_eq!(rec_b[cand::LAYERS], 3);
        assert_eq!(rec_b[LAYER_BASE + 2 * LAYER_WORDS + 3], IDENTITY);
        assert_eq!(rec_b[LAYER_BASE + LAYER_WORDS], 5);
    }
}
