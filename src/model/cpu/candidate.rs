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

    /// Relative cost of one epoch, for scheduling work across threads.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn cost(&self, rows: usize) -> f64 {
        self.spec.flops_per_epoch(rows)
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
