//! Optimizers (SGD with momentum, Adam, AdamW) exactly as the trainer contract defines them.

use super::backward::zeros_like;
use super::simd::avx2_or_baseline;
use super::spec::{Optimizer, Spec};
use super::trainer::Weights;
use serde::{Deserialize, Serialize};

/// Per-parameter optimizer state of one candidate (momentum / first and second moments).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimState {
    /// SGD velocity or Adam first moment, shaped like the weights.
    pub m: Weights,
    /// Adam second moment (zero-sized layers for SGD).
    pub v: Weights,
}

impl OptimState {
    /// Fresh (zero) state for `weights` under `spec`'s optimizer.
    pub fn new(spec: &Spec, weights: &Weights) -> OptimState {
        let m = zeros_like(weights);
        let v = match spec.optimizer {
            Optimizer::Sgd { .. } => Weights { layers: Vec::new() },
            _ => zeros_like(weights),
        };
        OptimState { m, v }
    }

    /// One update with learning rate `lr` at step `t` (1-based, counted across epochs).
    pub fn step(&mut self, spec: &Spec, lr: f32, t: u64, weights: &mut Weights, grads: &Weights) {
        let wd = spec.weight_decay;
        match spec.optimizer {
            Optimizer::Sgd { momentum } => {
                for ((w, g), m) in weights
                    .layers
                    .iter_mut()
                    .zip(&grads.layers)
                    .zip(&mut self.m.layers)
                {
                    sgd(&mut w.w, &g.w, &mut m.w, lr, momentum, wd);
                    sgd(&mut w.b, &g.b, &mut m.b, lr, momentum, 0.0);
                }
            }
            Optimizer::Adam { beta1, beta2, eps } | Optimizer::AdamW { beta1, beta2, eps } => {
                let decoupled = matches!(spec.optimizer, Optimizer::AdamW { .. });
                let power = t.min(i32::MAX as u64) as i32;
                let c = AdamConsts {
                    lr,
                    beta1,
                    beta2,
                    eps,
                    bc1: 1.0 - beta1.powi(power),
                    bc2: 1.0 - beta2.powi(power),
                };
                let (l2, decay) = if decoupled { (0.0, wd) } else { (wd, 0.0) };
                let layers = weights
                    .layers
                    .iter_mut()
                    .zip(&grads.layers)
                    .zip(self.m.layers.iter_mut().zip(&mut self.v.layers));
                for ((w, g), (m, v)) in layers {
                    adam(&mut w.w, &g.w, &mut m.w, &mut v.w, &c, l2, decay);
                    adam(&mut w.b, &g.b, &mut m.b, &mut v.b, &c, 0.0, 0.0);
                }
            }
        }
    }
}

avx2_or_baseline! {
    /// `g += wd·w; v = μ·v + g; w -= lr·v`.
    fn sgd(w: &mut [f32], g: &[f32], v: &mut [f32], lr: f32, momentum: f32, wd: f32) {
        for ((w, &g), v) in w.iter_mut().zip(g).zip(v) {
            let g = g + wd * *w;
            *v = momentum * *v + g;
            *w -= lr * *v;
        }
    }
}

struct AdamConsts {
    lr: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    bc1: f32,
    bc2: f32,
}

avx2_or_baseline! {
    /// Adam with L2 term `l2` added to the gradient and decoupled decay `decay` applied first.
    fn adam(
        w: &mut [f32],
        g: &[f32],
        m: &mut [f32],
        v: &mut [f32],
        c: &AdamConsts,
        l2: f32,
        decay: f32,
    ) {
        for (((w, &g), m), v) in w.iter_mut().zip(g).zip(m).zip(v) {
            let g = g + l2 * *w;
            *m = c.beta1 * *m + (1.0 - c.beta1) * g;
            *v = c.beta2 * *v + (1.0 - c.beta2) * g * g;
            *w -= c.lr * decay * *w;
            *w -= c.lr * (*m / c.bc1) / ((*v / c.bc2).sqrt() + c.eps);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::spec::Loss;
    use crate::model::trainer::LayerWeights;

    fn one_param(opt: Optimizer, wd: f32) -> (Spec, Weights) {
        let mut raw = Spec::default_for(1, 1, Loss::MeanSquaredError, 0)
            .unwrap()
            .raw()
            .clone();
        raw.optimizer = opt;
        raw.weight_decay = wd;
        let spec = raw.validate().unwrap();
        let w = Weights {
            layers: vec![LayerWeights {
                inputs: 1,
                outputs: 1,
                w: vec![2.0],
                b: vec![1.0],
            }],
        };
        (spec, w)
    }

    #[test]
    fn sgd_momentum_by_hand() {
        let (spec, mut w) = one_param(Optimizer::Sgd { momentum: 0.5 }, 0.1);
        let g = Weights {
            layers: vec![LayerWeights {
                inputs: 1,
                outputs: 1,
                w: vec![1.0],
                b: vec![1.0],
            }],
        };
        let mut st = OptimState::new(&spec, &w);
        st.step(&spec, 0.1, 1, &mut w, &g);
        // g = 1 + 0.1·2 = 1.2; v = 1.2; w = 2 − 0.12
        assert!((w.layers[0].w[0] - 1.88).abs() < 1e-6);
        assert!((w.layers[0].b[0] - 0.9).abs() < 1e-6); // no decay on biases
        st.step(&spec, 0.1, 2, &mut w, &g);
        // g = 1 + 0.188 = 1.188; v = 0.6 + 1.188 = 1.788; w = 1.88 − 0.1788
        assert!((w.layers[0].w[0] - 1.7012).abs() < 1e-5);
    }

    #[test]
    fn adam_and_adamw_first_step_by_hand() {
        let adam_opt = Optimizer::Adam {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        };
        let (spec, mut w) = one_param(adam_opt, 0.0);
        let g = Weights {
            layers: vec![LayerWeights {
                inputs: 1,
                outputs: 1,
                w: vec![0.3],
                b: vec![-0.2],
            }],
        };
        let mut st = OptimState::new(&spec, &w);
        st.step(&spec, 0.01, 1, &mut w, &g);
        // The first bias-corrected Adam step moves by lr·sign(g).
        assert!((w.layers[0].w[0] - 1.99).abs() < 1e-6);
        assert!((w.layers[0].b[0] - 1.01).abs() < 1e-6);

        let adamw = Optimizer::AdamW {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        };
        let (spec, mut w) = one_param(adamw, 0.5);
        let mut st = OptimState::new(&spec, &w);
        st.step(&spec, 0.01, 1, &mut w, &g);
        // w = 2 − 0.01·0.5·2 = 1.99, then − 0.01 → 1.98
        assert!((w.layers[0].w[0] - 1.98).abs() < 1e-6);
    }
}
