//! One candidate's training state and its epoch loop.

use crate::model::backward::{backward_batch, zeros_like, BackwardBuffers};
use crate::model::evaluate::evaluate;
use crate::model::forward::{forward_batch, Dropout, Workspace};
use crate::model::loss;
use crate::model::optim::OptimState;
use crate::model::spec::Spec;
use crate::model::trainer::{EpochMetrics, TrainData, Weights};
use crate::rng::Rng;

/// Everything that makes a candidate resumable: weights, optimizer state and counters.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub spec: Spec,
    pub weights: Weights,
    pub optim: OptimState,
    pub epochs_done: u32,
    /// Optimizer steps taken so far (the next step's 0-based global index).
    pub steps_done: u64,
    pub diverged: bool,
}

impl Candidate {
    pub fn new(spec: Spec, weights: Weights) -> Candidate {
        let optim = OptimState::new(&spec, &weights);
        Candidate {
            spec,
            weights,
            optim,
            epochs_done: 0,
            steps_done: 0,
            diverged: false,
        }
    }

    /// Relative cost of one epoch, for scheduling work across threads: the same
    /// [`crate::model::Spec::epoch_cost`] the search shares measured time by.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn cost(&self, rows: usize) -> f64 {
        self.spec.epoch_cost(rows)
    }

    /// Trains up to `epochs` epochs; stops after the epoch in which the candidate diverges.
    pub fn train(&mut self, data: &TrainData, epochs: u32) -> Vec<EpochMetrics> {
        let mut metrics = Vec::with_capacity(epochs as usize);
        if self.diverged || data.train_rows() == 0 {
            return metrics;
        }
        let mut scratch = Scratch::new(&self.spec, &self.weights, data.train_rows());
        for _ in 0..epochs {
            let m = self.train_epoch(data, &mut scratch);
            metrics.push(m);
            if m.diverged {
                break;
            }
        }
        metrics
    }

    fn train_epoch(&mut self, data: &TrainData, s: &mut Scratch) -> EpochMetrics {
        let spec = &self.spec;
        let rows_total = data.train_rows();
        let inputs = spec.inputs as usize;
        let outputs = spec.outputs as usize;
        let epoch = self.epochs_done;
        let lr = spec.learning_rate_at(epoch);
        let order = Rng::new(spec.seed)
            .fork(2_000_000 + epoch as u64)
            .permutation(rows_total);
        let mut metric_sum = 0.0f64;
        for batch in order.chunks(s.ws.capacity) {
            let rows = batch.len();
            for (r, &idx) in batch.iter().enumerate() {
                let idx = idx as usize;
                s.ws.acts[0][r * inputs..(r + 1) * inputs]
                    .copy_from_slice(&data.train_x[idx * inputs..(idx + 1) * inputs]);
                s.y[r] = data.train_y[idx];
            }
            let step = self.steps_done;
            forward_batch(
                spec,
                &self.weights,
                &mut s.ws,
                rows,
                Dropout::at(spec, step),
            );
            let (_, metric) = loss::evaluate(
                spec.loss,
                s.ws.output(rows),
                &s.y[..rows],
                rows,
                outputs,
                Some(&mut s.dlogits),
                rows,
            );
            metric_sum += metric;
            backward_batch(
                spec,
                &self.weights,
                &s.ws,
                rows,
                &s.dlogits,
                &mut s.grads,
                &mut s.buf,
            );
            self.optim
                .step(spec, lr, step + 1, &mut self.weights, &s.grads);
            self.steps_done += 1;
        }
        self.epochs_done += 1;
        let train_loss = (metric_sum / rows_total as f64) as f32;
        let (valid_loss, valid_score) = evaluate(spec, &self.weights, &data.valid_x, &data.valid_y);
        let finite = train_loss.is_finite()
            && self
                .weights
                .layers
                .iter()
                .all(|l| l.w.iter().chain(&l.b).all(|v| v.is_finite()));
        self.diverged = !finite;
        EpochMetrics {
            epoch: self.epochs_done,
            train_loss,
            valid_loss,
            valid_score,
            diverged: self.diverged,
        }
    }
}

/// Buffers reused across the batches of one `train` call.
struct Scratch {
    ws: Workspace,
    buf: BackwardBuffers,
    grads: Weights,
    dlogits: Vec<f32>,
    y: Vec<f32>,
}

impl Scratch {
    fn new(spec: &Spec, weights: &Weights, rows: usize) -> Scratch {
        let batch = (spec.batch_size as usize).min(rows).max(1);
        let widths = spec.widths();
        Scratch {
            buf: BackwardBuffers::new(&widths, batch),
            ws: Workspace::new(widths, batch, spec.dropout > 0.0),
            grads: zeros_like(weights),
            dlogits: vec![0.0; batch * spec.outputs as usize],
            y: vec![0.0; batch],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::init::initial_weights;
    use crate::model::simd::{baseline_only, has_avx2};
    use crate::model::spec::{Activation, LayerSpec, Loss, Optimizer};

    /// 97 training and 31 validation rows of 13 features in 3 classes, or a regression target:
    /// widths and batches that are not multiples of any vector width.
    fn data(classification: bool) -> TrainData {
        let mut rng = Rng::new(7);
        let mut make = |rows: usize| {
            let x: Vec<f32> = (0..rows * 13).map(|_| rng.normal() as f32).collect();
            let y = x
                .chunks(13)
                .map(|r| {
                    let s = r[0] + 0.5 * r[3] - r[7] * r[11];
                    if classification {
                        (s > -0.5) as u8 as f32 + (s > 0.7) as u8 as f32
                    } else {
                        s
                    }
                })
                .collect();
            (x, y)
        };
        let (train_x, train_y) = make(97);
        let (valid_x, valid_y) = make(31);
        TrainData {
            inputs: 13,
            outputs: if classification { 3 } else { 1 },
            classification,
            train_x,
            train_y,
            valid_x,
            valid_y,
        }
    }

    /// Every activation, every optimizer, dropout and weight decay.
    fn specs(d: &TrainData) -> Vec<Spec> {
        use Activation::*;
        let loss = if d.classification {
            Loss::SoftmaxCrossEntropy
        } else {
            Loss::MeanSquaredError
        };
        let base = Spec::default_for(13, d.outputs as u32, loss, 3)
            .expect("the default spec is valid")
            .raw()
            .clone();
        let layers = |h: &[(u32, Activation)]| {
            h.iter()
                .map(|&(width, activation)| LayerSpec { width, activation })
                .collect()
        };
        let mut a = base.clone();
        a.hidden = layers(&[(37, Relu), (19, Gelu)]);
        a.dropout = 0.3;
        a.batch_size = 24;
        a.optimizer = Optimizer::Adam {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        };
        let mut b = base.clone();
        b.hidden = layers(&[(21, Tanh), (5, Sigmoid)]);
        b.weight_decay = 0.01;
        b.optimizer = Optimizer::AdamW {
            beta1: 0.85,
            beta2: 0.99,
            eps: 1e-7,
        };
        let mut c = base;
        c.hidden = layers(&[(45, LeakyRelu)]);
        c.dropout = 0.15;
        c.weight_decay = 1e-3;
        c.batch_size = 10;
        c.optimizer = Optimizer::Sgd { momentum: 0.9 };
        [a, b, c]
            .into_iter()
            .map(|r| r.validate().expect("a valid test spec"))
            .collect()
    }

    /// The bits of everything a candidate carries after training, and of its metrics.
    fn trained_bits(spec: &Spec, d: &TrainData) -> Vec<u32> {
        let mut c = Candidate::new(spec.clone(), initial_weights(spec));
        let metrics = c.train(d, 3);
        assert_eq!(metrics.len(), 3);
        assert!(!c.diverged);
        let mut bits = Vec::new();
        for w in [&c.weights, &c.optim.m, &c.optim.v] {
            for l in &w.layers {
                bits.extend(l.w.iter().chain(&l.b).map(|v| v.to_bits()));
            }
        }
        for m in metrics {
            bits.extend([m.train_loss, m.valid_loss, m.valid_score].map(f32::to_bits));
        }
        bits
    }

    #[test]
    fn avx2_and_baseline_copies_train_the_same_bits() {
        if !has_avx2() {
            eprintln!("no AVX2 on this processor: only the baseline copies run");
        }
        for d in [data(true), data(false)] {
            for spec in specs(&d) {
                let wide = trained_bits(&spec, &d);
                let baseline = baseline_only(|| trained_bits(&spec, &d));
                assert!(!baseline_only(has_avx2));
                assert_eq!(wide.len(), baseline.len());
                let differ = wide.iter().zip(&baseline).filter(|(a, b)| a != b).count();
                assert_eq!(
                    differ,
                    0,
                    "{} of {} values differ: {}",
                    differ,
                    wide.len(),
                    spec.summary()
                );
            }
        }
    }
}
