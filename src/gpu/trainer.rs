//! [`GpuTrainer`]: the population trainer. Every candidate added to it lives in a few shared GPU
//! buffers (see [`super::population`]); `train` runs the whole requested subset together, one
//! dispatch per stage for all of them, one submission per epoch, and one metrics readback per call
//! (per [`EPOCH_CHUNK`] epochs for longer calls).
//!
//! The maths is the contract in [`crate::model::trainer`]; the CPU trainer is its oracle.

use super::context::{GpuContext, GpuError};
use super::kernels::{binding, Kernel, Kernels, STEP_BYTES};
use super::population::{EpochFields, Layout, MAX_LAYERS};
use super::readback;
use super::worklist::{WorkKind, WorkLists};
use crate::model::init::{check_weights, initial_weights};
use crate::model::loss::softmax_rows;
use crate::model::optim::OptimState;
use crate::model::spec::{Loss, Spec};
use crate::model::trainer::{
    CandidateId, CandidateState, EpochMetrics, LayerWeights, TrainData, TrainError, Trainer,
    Weights,
};
use crate::rng::Rng;
use std::collections::BTreeMap;
use wgpu::util::DeviceExt;

mod buffers;
mod checks;

use buffers::{make_groups, pad, step_buffer, storage, storage_init};
use checks::{
    binding_limit, check_data, check_dispatch, check_limits, check_spec, dispatch_limit, too_large,
};

/// Epochs recorded between two metrics readbacks.
pub const EPOCH_CHUNK: usize = 16;
/// Floats of metrics per (epoch, candidate): train loss sum, valid loss sum, valid score sum, spare.
const METRIC_WORDS: usize = 4;
/// Step-uniform slots per (phase, step): one per layer index.
const LAYER_SLOTS: usize = 8;
/// Phases: train, validation, prediction.
const PHASES: usize = 3;
const PHASE_TRAIN: u32 = 0;
const PHASE_VALID: u32 = 1;
const PHASE_PREDICT: u32 = 2;
/// Tile edge of the product kernels.
const TILE: usize = 32;

/// Host-side record of one candidate.
struct Candidate {
    spec: Spec,
    epochs_done: u32,
    steps_done: u64,
    diverged: bool,
    /// Weights to upload at the next layout (fresh or inherited).
    pending: Option<Weights>,
    /// Optimizer state to upload with them (a restored candidate); zero otherwise.
    pending_optim: Option<OptimState>,
}

/// The GPU buffers of one population layout.
struct Bank {
    ids: Vec<CandidateId>,
    layout: Layout,
    params: wgpu::Buffer,
    grads: wgpu::Buffer,
    opt_m: wgpu::Buffer,
    opt_v: wgpu::Buffer,
    acts: wgpu::Buffer,
    delta: wgpu::Buffer,
    perm: wgpu::Buffer,
    desc: wgpu::Buffer,
    metrics: wgpu::Buffer,
    status: wgpu::Buffer,
    /// Work lists of the candidates being trained or evaluated (rewritten per call).
    work: wgpu::Buffer,
    steps: wgpu::Buffer,
    step_cap: usize,
    groups: Groups,
}

struct Groups {
    forward: wgpu::BindGroup,
    loss: wgpu::BindGroup,
    backward_data: wgpu::BindGroup,
    backward_weights: wgpu::BindGroup,
    optimize: wgpu::BindGroup,
}

/// Trains a population of candidates together on one GPU device.
pub struct GpuTrainer {
    ctx: GpuContext,
    kernels: Kernels,
    data: TrainData,
    x: wgpu::Buffer,
    y: wgpu::Buffer,
    cands: BTreeMap<CandidateId, Candidate>,
    next_id: u32,
    bank: Option<Bank>,
    dirty: bool,
    align: u64,
}

impl GpuTrainer {
    /// Compiles the kernels and uploads the training and validation rows.
    pub async fn new(ctx: GpuContext, data: TrainData) -> Result<GpuTrainer, TrainError> {
        check_data(&data)?;
        let kernels = Kernels::new(&ctx).await?;
        let mut xs = data.train_x.clone();
        xs.extend_from_slice(&data.valid_x);
        let mut ys = data.train_y.clone();
        ys.extend_from_slice(&data.valid_y);
        let max = binding_limit(&ctx);
        let bytes = xs.len() as u64 * 4;
        if bytes > max {
            return Err(GpuError::Limits(format!(
                "the data set needs a feature buffer of {bytes} bytes; this adapter allows {max} per storage buffer"
            ))
            .into());
        }
        let x = storage_init(&ctx, "x", bytemuck::cast_slice(&pad(xs)));
        let y = storage_init(&ctx, "y", bytemuck::cast_slice(&pad(ys)));
        let align = ctx.device.limits().min_uniform_buffer_offset_alignment as u64;
        Ok(GpuTrainer {
            ctx,
            kernels,
            data,
            x,
            y,
            cands: BTreeMap::new(),
            next_id: 0,
            bank: None,
            dirty: true,
            align: align.max(STEP_BYTES),
        })
    }

    /// The GPU context the trainer runs on.
    pub fn context(&self) -> &GpuContext {
        &self.ctx
    }

    /// Whether the candidate has diverged.
    pub fn diverged(&self, id: CandidateId) -> Result<bool, TrainError> {
        Ok(self.cand(id)?.diverged)
    }

    fn cand(&self, id: CandidateId) -> Result<&Candidate, TrainError> {
        self.cands.get(&id).ok_or(TrainError::UnknownCandidate(id))
    }

    fn steps_of(&self, spec: &Spec) -> usize {
        self.data.train_rows().div_ceil(spec.batch_size as usize)
    }

    /// Re-places the population in fresh buffers after adds and removes, keeping every existing
    /// candidate's parameters and optimizer state, and uploading pending weights.
    fn sync(&mut self) -> Result<(), GpuError> {
        if !self.dirty && self.bank.is_some() {
            return Ok(());
        }
        let ids: Vec<CandidateId> = self.cands.keys().copied().collect();
        let specs: Vec<&Spec> = ids.iter().map(|id| &self.cands[id].spec).collect();
        let layout = Layout::plan(&specs);
        check_limits(&self.ctx, &layout, self.data.train_rows())?;
        let n = ids.len();
        let ctx = &self.ctx;
        let f = |len: usize| (len.max(1) * 4) as u64;
        let params = storage(ctx, "params", f(layout.params_len));
        let grads = storage(ctx, "grads", f(layout.params_len));
        let opt_m = storage(ctx, "opt_m", f(layout.params_len));
        let opt_v = storage(ctx, "opt_v", f(layout.params_len));
        let acts = storage(ctx, "acts", f(layout.acts_len));
        let delta = storage(ctx, "delta", f(layout.delta_len));
        let perm = storage(ctx, "perm", f(n * self.data.train_rows()));
        let desc = storage(
            ctx,
            "desc",
            f(super::population::HEADER_WORDS + super::population::CAND_WORDS * n),
        );
        let metrics = storage(ctx, "metrics", f(EPOCH_CHUNK * n * METRIC_WORDS));
        let status = storage(ctx, "status", f(n));
        let work = storage(ctx, "work", f(WorkLists::capacity(&layout, TILE)));
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        for (i, id) in ids.iter().enumerate() {
            let slot = &layout.slots[i];
            let bytes = (slot.param_count * 4) as u64;
            let dst = (slot.param_off * 4) as u64;
            let cand = &self.cands[id];
            if let Some(w) = &cand.pending {
                ctx.queue
                    .write_buffer(&params, dst, bytemuck::cast_slice(&flatten(w)));
                if let Some(o) = &cand.pending_optim {
                    for (buffer, state) in [(&opt_m, &o.m), (&opt_v, &o.v)] {
                        let flat = flatten(state);
                        if flat.len() == slot.param_count {
                            ctx.queue
                                .write_buffer(buffer, dst, bytemuck::cast_slice(&flat));
                        }
                    }
                }
            } else if let Some(old) = &self.bank {
                if let Some(j) = old.ids.iter().position(|o| o == id) {
                    let src = (old.layout.slots[j].param_off * 4) as u64;
                    encoder.copy_buffer_to_buffer(&old.params, src, &params, dst, bytes);
                    encoder.copy_buffer_to_buffer(&old.opt_m, src, &opt_m, dst, bytes);
                    encoder.copy_buffer_to_buffer(&old.opt_v, src, &opt_v, dst, bytes);
                }
            }
        }
        ctx.queue.submit(Some(encoder.finish()));
        for cand in self.cands.values_mut() {
            cand.pending = None;
            cand.pending_optim = None;
        }
        let step_cap = ids
            .iter()
            .map(|id| {
                let bs = self.cands[id].spec.batch_size as usize;
                self.data
                    .train_rows()
                    .div_ceil(bs)
                    .max(self.data.valid_rows().div_ceil(bs))
            })
            .max()
            .unwrap_or(1)
            .max(1);
        let steps = step_buffer(ctx, step_cap, self.align);
        let groups = make_groups(
            ctx,
            &self.kernels,
            &self.x,
            &self.y,
            &steps,
            [
                &params, &grads, &opt_m, &opt_v, &acts, &delta, &perm, &desc, &metrics, &status,
                &work,
            ],
        )?;
        self.bank = Some(Bank {
            ids,
            layout,
            params,
            grads,
            opt_m,
            opt_v,
            acts,
            delta,
            perm,
            desc,
            metrics,
            status,
            work,
            steps,
            step_cap,
            groups,
        });
        self.dirty = false;
        Ok(())
    }

    /// Grows the step uniform buffer so `steps` mini-batches or chunks can be addressed.
    fn ensure_step_cap(&mut self, steps: usize) -> Result<(), GpuError> {
        let Some(bank) = self.bank.as_mut() else {
            return Ok(());
        };
        if steps <= bank.step_cap {
            return Ok(());
        }
        bank.steps = step_buffer(&self.ctx, steps, self.align);
        bank.step_cap = steps;
        bank.groups = make_groups(
            &self.ctx,
            &self.kernels,
            &self.x,
            &self.y,
            &bank.steps,
            [
                &bank.params,
                &bank.grads,
                &bank.opt_m,
                &bank.opt_v,
                &bank.acts,
                &bank.delta,
                &bank.perm,
                &bank.desc,
                &bank.metrics,
                &bank.status,
                &bank.work,
            ],
        )?;
        Ok(())
    }

    fn step_offset(&self, bank: &Bank, phase: u32, step: usize, layer: usize) -> u32 {
        (((phase as usize * bank.step_cap + step) * LAYER_SLOTS + layer) as u64 * self.align) as u32
    }

    fn dispatch(
        &self,
        pass: &mut wgpu::ComputePass<'_>,
        bank: &Bank,
        kernel: &Kernel,
        group: &wgpu::BindGroup,
        (phase, step, layer): (u32, usize, usize),
        grid: (usize, usize, usize),
    ) {
        if grid.0 == 0 || grid.1 == 0 || grid.2 == 0 {
            return;
        }
        pass.set_pipeline(&kernel.pipeline);
        pass.set_bind_group(0, group, &[self.step_offset(bank, phase, step, layer)]);
        pass.dispatch_workgroups(grid.0 as u32, grid.1 as u32, grid.2 as u32);
    }

    /// The current population buffers (present after [`GpuTrainer::sync`]).
    fn bank(&self) -> Result<&Bank, GpuError> {
        self.bank
            .as_ref()
            .ok_or_else(|| GpuError::Validation("population buffers are missing".into()))
    }

    /// The population buffers and the slot of candidate `id` in them.
    fn placed(&self, id: CandidateId) -> Result<(&Bank, usize), TrainError> {
        let bank = self.bank()?;
        let i = bank
            .ids
            .iter()
            .position(|o| *o == id)
            .ok_or(TrainError::UnknownCandidate(id))?;
        Ok((bank, i))
    }

    /// Uploads the work lists of the candidates in `slots` (the ones this call trains or
    /// evaluates) and returns them for the dispatch sizes.
    fn upload_work(&self, bank: &Bank, slots: &[usize]) -> WorkLists {
        let lists = WorkLists::build(&bank.layout, slots, TILE);
        self.ctx
            .queue
            .write_buffer(&bank.work, 0, bytemuck::cast_slice(lists.words()));
        lists
    }

    /// Records the forward pass of every layer for (phase, step) over `rows` rows.
    #[allow(clippy::too_many_arguments)]
    fn record_forward(
        &self,
        pass: &mut wgpu::ComputePass<'_>,
        bank: &Bank,
        group: &wgpu::BindGroup,
        work: &WorkLists,
        (phase, step): (u32, usize),
        rows: usize,
    ) {
        let lay = &bank.layout;
        for l in 0..lay.max_layers {
            let grid = (
                work.count(l, WorkKind::Forward, step, rows),
                lay.max_batch.div_ceil(TILE),
                1,
            );
            self.dispatch(
                pass,
                bank,
                &self.kernels.forward,
                group,
                (phase, step, l),
                grid,
            );
        }
    }

    /// Records one full epoch (training steps, then validation) for the candidates in `work`.
    fn record_epoch(
        &self,
        pass: &mut wgpu::ComputePass<'_>,
        bank: &Bank,
        work: &WorkLists,
        steps: usize,
        chunks: usize,
    ) {
        let lay = &bank.layout;
        let n = lay.slots.len();
        let g = &bank.groups;
        let k = &self.kernels;
        let (rows, valid) = (self.data.train_rows(), self.data.valid_rows());
        for s in 0..steps {
            self.record_forward(pass, bank, &g.forward, work, (PHASE_TRAIN, s), rows);
            self.dispatch(pass, bank, &k.loss, &g.loss, (PHASE_TRAIN, s, 0), (1, 1, n));
            for l in (0..lay.max_layers).rev() {
                let grid = (work.count(l, WorkKind::BackwardWeights, s, rows), 1, 1);
                self.dispatch(
                    pass,
                    bank,
                    &k.backward_weights,
                    &g.backward_weights,
                    (PHASE_TRAIN, s, l),
                    grid,
                );
                if l > 0 {
                    let grid = (
                        work.count(l, WorkKind::BackwardData, s, rows),
                        lay.max_batch.div_ceil(TILE),
                        1,
                    );
                    self.dispatch(
                        pass,
                        bank,
                        &k.backward_data,
                        &g.backward_data,
                        (PHASE_TRAIN, s, l),
                        grid,
                    );
                }
            }
            let grid = (work.count(0, WorkKind::Optimize, s, rows), 1, 1);
            self.dispatch(
                pass,
                bank,
                &k.optimize,
                &g.optimize,
                (PHASE_TRAIN, s, 0),
                grid,
            );
        }
        for s in 0..chunks {
            self.record_forward(pass, bank, &g.forward, work, (PHASE_VALID, s), valid);
            self.dispatch(pass, bank, &k.loss, &g.loss, (PHASE_VALID, s, 0), (1, 1, n));
        }
    }

    fn header(&self, slot: usize, n: usize, predict_rows: usize) -> [u32; 6] {
        [
            slot as u32,
            n as u32,
            self.data.train_rows() as u32,
            self.data.valid_rows() as u32,
            predict_rows as u32,
            self.data.inputs as u32,
        ]
    }

    /// Trains `active` (distinct, not diverged) for `epochs` epochs with `chunk`-sized readbacks.
    async fn train_active(
        &mut self,
        active: &[CandidateId],
        epochs: u32,
    ) -> Result<BTreeMap<CandidateId, Vec<EpochMetrics>>, TrainError> {
        let mut out: BTreeMap<CandidateId, Vec<EpochMetrics>> =
            active.iter().map(|&id| (id, Vec::new())).collect();
        let mut done = 0usize;
        let epochs = epochs as usize;
        let rows = self.data.train_rows();
        let valid = self.data.valid_rows();
        while done < epochs {
            let live: Vec<CandidateId> = active
                .iter()
                .copied()
                .filter(|id| !self.cands[id].diverged)
                .collect();
            if live.is_empty() {
                break;
            }
            let chunk = EPOCH_CHUNK.min(epochs - done);
            let bank = self.bank()?;
            let n = bank.ids.len();
            let specs: Vec<&Spec> = bank.ids.iter().map(|id| &self.cands[id].spec).collect();
            let slots: Vec<usize> = live
                .iter()
                .filter_map(|id| bank.ids.iter().position(|o| o == id))
                .collect();
            let work = self.upload_work(bank, &slots);
            let mut steps = 0;
            let mut chunks = 0;
            for id in &live {
                let bs = self.cands[id].spec.batch_size as usize;
                steps = usize::max(steps, rows.div_ceil(bs));
                chunks = usize::max(chunks, valid.div_ceil(bs));
            }
            for k in 0..chunk {
                let mut fields = vec![EpochFields::default(); n];
                for (i, id) in bank.ids.iter().enumerate() {
                    if !live.contains(id) {
                        continue;
                    }
                    let c = &self.cands[id];
                    let epoch = c.epochs_done + (done + k) as u32;
                    let base_step = c.steps_done + ((done + k) * self.steps_of(&c.spec)) as u64;
                    fields[i] = EpochFields {
                        active: true,
                        learning_rate: c.spec.learning_rate_at(epoch),
                        step_base: base_step as u32,
                        perm_off: (i * rows) as u32,
                    };
                    let p = Rng::new(c.spec.seed)
                        .fork(2_000_000 + epoch as u64)
                        .permutation(rows);
                    if !p.is_empty() {
                        self.ctx.queue.write_buffer(
                            &bank.perm,
                            (i * rows * 4) as u64,
                            bytemuck::cast_slice(&p),
                        );
                    }
                }
                let words = bank
                    .layout
                    .descriptors(&specs, self.header(k, n, 0), &fields);
                self.ctx
                    .queue
                    .write_buffer(&bank.desc, 0, bytemuck::cast_slice(&words));
                let mut encoder =
                    self.ctx
                        .device
                        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                            label: Some("epoch"),
                        });
                if k == 0 {
                    encoder.clear_buffer(&bank.metrics, 0, None);
                }
                {
                    let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                        label: Some("epoch"),
                        timestamp_writes: None,
                    });
                    self.record_epoch(&mut pass, bank, &work, steps, chunks);
                }
                self.ctx.queue.submit(Some(encoder.finish()));
            }
            let sums = readback::read_f32(
                &self.ctx,
                &bank.metrics,
                0,
                (chunk * n * METRIC_WORDS * 4) as u64,
            )
            .await?;
            let positions: Vec<(CandidateId, usize)> = live
                .iter()
                .filter_map(|id| bank.ids.iter().position(|o| o == id).map(|i| (*id, i)))
                .collect();
            for (id, i) in positions {
                let steps_per_epoch = self.steps_of(&self.cands[&id].spec) as u64;
                let classification = self.data.classification;
                let cand = self
                    .cands
                    .get_mut(&id)
                    .ok_or(TrainError::UnknownCandidate(id))?;
                for k in 0..chunk {
                    let m = &sums[(k * n + i) * METRIC_WORDS..(k * n + i + 1) * METRIC_WORDS];
                    let metrics =
                        epoch_metrics(m, rows, valid, classification, cand.epochs_done + 1);
                    cand.epochs_done += 1;
                    cand.steps_done += steps_per_epoch;
                    if let Some(list) = out.get_mut(&id) {
                        list.push(metrics);
                    }
                    if metrics.diverged {
                        cand.diverged = true;
                        break;
                    }
                }
            }
            done += chunk;
        }
        Ok(out)
    }
}

/// Turns one candidate's metric sums of one epoch into [`EpochMetrics`].
fn epoch_metrics(
    sums: &[f32],
    rows: usize,
    valid: usize,
    classification: bool,
    epoch: u32,
) -> EpochMetrics {
    let train_loss = sums[0] / rows.max(1) as f32;
    let (valid_loss, valid_score) = if valid == 0 {
        (f32::NAN, f32::NAN)
    } else {
        let v = valid as f32;
        let score = if classification {
            sums[2] / v
        } else {
            (sums[2] / v).sqrt()
        };
        (sums[1] / v, score)
    };
    // Non-finite weights show up as a non-finite validation loss (the CPU checks them directly).
    let diverged = !train_loss.is_finite() || (valid > 0 && !valid_loss.is_finite());
    EpochMetrics {
        epoch,
        train_loss,
        valid_loss,
        valid_score,
        diverged,
    }
}

impl Trainer for GpuTrainer {
    fn add(&mut self, spec: Spec, init: Option<Weights>) -> Result<CandidateId, TrainError> {
        check_spec(&spec, &self.data)?;
        check_dispatch(&self.ctx, &spec)?;
        let weights = match init {
            Some(w) => {
                check_weights(&spec, &w)?;
                w
            }
            None => initial_weights(&spec),
        };
        let mut specs: Vec<&Spec> = self.cands.values().map(|c| &c.spec).collect();
        specs.push(&spec);
        check_limits(&self.ctx, &Layout::plan(&specs), self.data.train_rows())?;
        let id = CandidateId(self.next_id);
        self.next_id += 1;
        self.cands.insert(
            id,
            Candidate {
                spec,
                epochs_done: 0,
                steps_done: 0,
                diverged: false,
                pending: Some(weights),
                pending_optim: None,
            },
        );
        self.dirty = true;
        Ok(id)
    }

    async fn train(
        &mut self,
        ids: &[CandidateId],
        epochs: u32,
    ) -> Result<Vec<Vec<EpochMetrics>>, TrainError> {
        for id in ids {
            self.cand(*id)?;
        }
        self.sync()?;
        let mut active: Vec<CandidateId> = Vec::new();
        for id in ids {
            if !active.contains(id) && !self.cands[id].diverged {
                active.push(*id);
            }
        }
        let mut results = BTreeMap::new();
        if !active.is_empty() && epochs > 0 {
            // Train in groups whose dispatches fit the adapter (usually one group).
            let bank = self.bank()?;
            let slots: Vec<usize> = active
                .iter()
                .filter_map(|id| bank.ids.iter().position(|o| o == id))
                .collect();
            let limit = dispatch_limit(&self.ctx);
            let groups = WorkLists::groups_within(&bank.layout, &slots, TILE, limit)
                .map_err(|slot| too_large(bank.layout.slots[slot].param_count, limit))?;
            let groups: Vec<Vec<CandidateId>> = groups
                .iter()
                .map(|g| g.iter().map(|&s| bank.ids[s]).collect())
                .collect();
            for group in groups {
                results.extend(self.train_active(&group, epochs).await?);
            }
        }
        Ok(ids
            .iter()
            .map(|id| results.get_mut(id).map(std::mem::take).unwrap_or_default())
            .collect())
    }

    async fn weights(&mut self, id: CandidateId) -> Result<Weights, TrainError> {
        let spec = self.cand(id)?.spec.clone();
        self.sync()?;
        let (bank, i) = self.placed(id)?;
        let slot = &bank.layout.slots[i];
        let flat = readback::read_f32(
            &self.ctx,
            &bank.params,
            (slot.param_off * 4) as u64,
            (slot.param_count * 4) as u64,
        )
        .await?;
        Ok(unflatten(&spec, &flat))
    }

    async fn predict(&mut self, id: CandidateId, x: &[f32]) -> Result<Vec<f32>, TrainError> {
        let spec = self.cand(id)?.spec.clone();
        let inputs = self.data.inputs;
        if x.len() % inputs != 0 {
            return Err(TrainError::Shape(format!(
                "{} feature values are not a whole number of rows of {inputs} features",
                x.len()
            )));
        }
        let rows = x.len() / inputs;
        if rows == 0 {
            return Ok(Vec::new());
        }
        self.sync()?;
        let bs = spec.batch_size as usize;
        let chunks = rows.div_ceil(bs);
        self.ensure_step_cap(chunks)?;
        let (bank, i) = self.placed(id)?;
        let max = binding_limit(&self.ctx);
        if (x.len() * 4) as u64 > max {
            return Err(GpuError::Limits(format!(
                "{rows} rows to predict need {} bytes; this adapter allows {max} per storage buffer: predict in smaller chunks",
                x.len() * 4
            ))
            .into());
        }
        let outputs = spec.outputs as usize;
        let xb = storage_init(&self.ctx, "predict x", bytemuck::cast_slice(x));
        let out = self.ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("predict out"),
            size: (rows * outputs * 4) as u64,
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let group = self.kernels.forward.bind(
            &self.ctx,
            &[
                (binding::STEP, &bank.steps),
                (binding::DESC, &bank.desc),
                (binding::PARAMS, &bank.params),
                (binding::ACTS, &bank.acts),
                (binding::X, &xb),
                (binding::PERM, &bank.perm),
                (binding::WORK, &bank.work),
            ],
        )?;
        let n = bank.ids.len();
        let specs: Vec<&Spec> = bank.ids.iter().map(|o| &self.cands[o].spec).collect();
        let mut fields = vec![EpochFields::default(); n];
        fields[i].active = true;
        let work = self.upload_work(bank, &[i]);
        let words = bank
            .layout
            .descriptors(&specs, self.header(0, n, rows), &fields);
        self.ctx
            .queue
            .write_buffer(&bank.desc, 0, bytemuck::cast_slice(&words));
        let out_layer = bank.layout.slots[i]
            .layers
            .last()
            .copied()
            .ok_or_else(|| TrainError::Shape("candidate has no layers".into()))?;
        let mut encoder = self
            .ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("predict"),
            });
        for s in 0..chunks {
            {
                let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("predict"),
                    timestamp_writes: None,
                });
                self.record_forward(&mut pass, bank, &group, &work, (PHASE_PREDICT, s), rows);
            }
            let r = bs.min(rows - s * bs);
            encoder.copy_buffer_to_buffer(
                &bank.acts,
                (out_layer.z_off * 4) as u64,
                &out,
                (s * bs * outputs * 4) as u64,
                (r * outputs * 4) as u64,
            );
        }
        self.ctx.queue.submit(Some(encoder.finish()));
        let mut values =
            readback::read_f32(&self.ctx, &out, 0, (rows * outputs * 4) as u64).await?;
        if spec.loss == Loss::SoftmaxCrossEntropy {
            softmax_rows(&mut values, outputs);
        }
        Ok(values)
    }

    fn remove(&mut self, id: CandidateId) {
        if self.cands.remove(&id).is_some() {
            self.dirty = true;
        }
    }

    fn epochs_done(&self, id: CandidateId) -> Result<u32, TrainError> {
        Ok(self.cand(id)?.epochs_done)
    }

    async fn state(&mut self, id: CandidateId) -> Result<CandidateState, TrainError> {
        let (spec, epochs_done, steps_done) = {
            let c = self.cand(id)?;
            (c.spec.clone(), c.epochs_done, c.steps_done)
        };
        self.sync()?;
        let (bank, i) = self.placed(id)?;
        let slot = &bank.layout.slots[i];
        let (off, len) = ((slot.param_off * 4) as u64, (slot.param_count * 4) as u64);
        let params = readback::read_f32(&self.ctx, &bank.params, off, len).await?;
        let m = readback::read_f32(&self.ctx, &bank.opt_m, off, len).await?;
        let weights = unflatten(&spec, &params);
        let mut optim = OptimState::new(&spec, &weights);
        optim.m = unflatten(&spec, &m);
        if !optim.v.layers.is_empty() {
            let v = readback::read_f32(&self.ctx, &bank.opt_v, off, len).await?;
            optim.v = unflatten(&spec, &v);
        }
        Ok(CandidateState {
            weights,
            optim,
            epochs_done,
            steps_done,
        })
    }

    fn restore(&mut self, spec: Spec, state: CandidateState) -> Result<CandidateId, TrainError> {
        state.check(&spec)?;
        let id = self.add(spec, Some(state.weights))?;
        let cand = self
            .cands
            .get_mut(&id)
            .ok_or(TrainError::UnknownCandidate(id))?;
        cand.epochs_done = state.epochs_done;
        cand.steps_done = state.steps_done;
        cand.pending_optim = Some(state.optim);
        Ok(id)
    }
}

/// Weights in the buffer order: per layer, the weights row-major, then the biases.
fn flatten(w: &Weights) -> Vec<f32> {
    w.layers
        .iter()
        .flat_map(|l| l.w.iter().chain(&l.b))
        .copied()
        .collect()
}

fn unflatten(spec: &Spec, flat: &[f32]) -> Weights {
    let mut at = 0;
    let layers = spec
        .widths()
        .windows(2)
        .map(|p| {
            let (inputs, outputs) = (p[0], p[1]);
            let w = flat[at..at + inputs * outputs].to_vec();
            at += inputs * outputs;
            let b = flat[at..at + outputs].to_vec();
            at += outputs;
            LayerWeights {
                inputs,
                outputs,
                w,
                b,
            }
        })
        .collect();
    Weights { layers }
}
