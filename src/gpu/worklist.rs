//! Work lists of the population kernels: which (candidate, tile) pairs one dispatch covers.
//!
//! Candidates of a population differ in depth, widths and batch size. A grid sized for the largest
//! (tiles of the widest layer × candidates) launches many workgroups that find nothing to do; on a
//! software adapter each still costs a launch. Instead, every product kernel and the optimizer
//! walk a compact list: for layer `l` and kernel kind `k`, `words[l * KINDS + k]` is where its
//! entries start, and entry `i` (two words: candidate slot, tile) is the job of workgroup `i`.
//!
//! Entries are ordered by the candidate's batch size, smallest first. A candidate with a smaller
//! batch has at least as many mini-batches (and validation chunks) per epoch, so the candidates
//! still working at step `s` are always a prefix of each list: the dispatch for step `s` just
//! launches [`WorkLists::count`] workgroups.

use super::population::{Layout, MAX_LAYERS};

/// Kernel kinds with a work list (mirrors `W_*` in `shaders/common.wgsl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkKind {
    /// `forward`: one output-column tile of the layer.
    Forward = 0,
    /// `backward_weights`: one (fan-in + bias row tile, output-column tile) of the gradient.
    BackwardWeights = 1,
    /// `backward_data`: one column tile of the previous layer's `dL/dZ` (layers ≥ 1).
    BackwardData = 2,
    /// `optimize`: one chunk of [`OPT_CHUNK`] parameters (listed under layer 0).
    Optimize = 3,
}

/// Kinds per layer in the header.
pub const KINDS: usize = 4;
/// Words of the header (start of every (layer, kind) list).
pub const HEADER: usize = MAX_LAYERS * KINDS;
/// Parameters per optimizer workgroup.
pub const OPT_CHUNK: usize = 256;

/// The lists for one set of working candidates, ready to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkLists {
    words: Vec<u32>,
    /// Per (layer, kind): the batch size of each entry's candidate, in list order (ascending).
    batches: Vec<Vec<usize>>,
}

/// Tiles of `len` elements of `tile` each.
fn tiles(len: usize, tile: usize) -> usize {
    len.div_ceil(tile)
}

impl WorkLists {
    /// Lists for the candidates in `slots` (indices into `layout.slots`), with product tiles of
    /// `tile` elements.
    pub fn build(layout: &Layout, slots: &[usize], tile: usize) -> WorkLists {
        let mut order: Vec<usize> = slots
            .iter()
            .copied()
            .filter(|&s| s < layout.slots.len())
            .collect();
        order.sort_by_key(|&s| (layout.slots[s].batch, s));
        let mut lists: Vec<Vec<(u32, u32, usize)>> = vec![Vec::new(); HEADER];
        for &s in &order {
            let slot = &layout.slots[s];
            let c = s as u32;
            let push =
                |lists: &mut Vec<Vec<(u32, u32, usize)>>, l: usize, k: WorkKind, t: usize| {
                    lists[l * KINDS + k as usize].push((c, t as u32, slot.batch));
                };
            for (l, layer) in slot.layers.iter().enumerate().take(MAX_LAYERS) {
                let out_tiles = tiles(layer.outputs, tile);
                for t in 0..out_tiles {
                    push(&mut lists, l, WorkKind::Forward, t);
                }
                for ty in 0..tiles(layer.inputs + 1, tile) {
                    for tx in 0..out_tiles {
                        push(&mut lists, l, WorkKind::BackwardWeights, tx | (ty << 16));
                    }
                }
                if l > 0 {
                    for t in 0..tiles(layer.inputs, tile) {
                        push(&mut lists, l, WorkKind::BackwardData, t);
                    }
                }
            }
            for t in 0..tiles(slot.param_count, OPT_CHUNK) {
                push(&mut lists, 0, WorkKind::Optimize, t);
            }
        }
        let mut words = vec![0u32; HEADER];
        let mut batches = Vec::with_capacity(HEADER);
        for (i, list) in lists.iter().enumerate() {
            words[i] = words.len() as u32;
            for &(c, t, _) in list {
                words.push(c);
                words.push(t);
            }
            batches.push(list.iter().map(|e| e.2).collect());
        }
        WorkLists { words, batches }
    }

    /// Words to upload (header, then the lists).
    pub fn words(&self) -> &[u32] {
        &self.words
    }

    /// Workgroups of the dispatch for `layer`/`kind` at mini-batch or chunk `step` over `rows`
    /// rows: the entries whose candidate still has rows at that step.
    pub fn count(&self, layer: usize, kind: WorkKind, step: usize, rows: usize) -> usize {
        self.batches
            .get(layer * KINDS + kind as usize)
            .map(|b| b.partition_point(|&batch| step * batch < rows))
            .unwrap_or(0)
    }

    /// Entries of the longest list: the most workgroups one dispatch launches.
    pub fn longest(&self) -> usize {
        self.batches.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// Entries of every (layer, kind) list, in header order.
    pub fn lengths(&self) -> Vec<usize> {
        self.batches.iter().map(Vec::len).collect()
    }

    /// Splits `slots` (in order) into consecutive groups whose longest list has at most `limit`
    /// entries, so that each group's dispatches stay within the adapter's workgroups per
    /// dispatch dimension. `Err(slot)` names a candidate that exceeds `limit` on its own.
    pub fn groups_within(
        layout: &Layout,
        slots: &[usize],
        tile: usize,
        limit: usize,
    ) -> Result<Vec<Vec<usize>>, usize> {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut group: Vec<usize> = Vec::new();
        let mut sums = [0usize; HEADER];
        for &s in slots {
            let own = WorkLists::build(layout, &[s], tile).lengths();
            if own.iter().any(|&n| n > limit) {
                return Err(s);
            }
            if sums.iter().zip(&own).any(|(a, b)| a + b > limit) {
                groups.push(std::mem::take(&mut group));
                sums.iter_mut().for_each(|a| *a = 0);
            }
            sums.iter_mut().zip(&own).for_each(|(a, b)| *a += b);
            group.push(s);
        }
        if !group.is_empty() {
            groups.push(group);
        }
        Ok(groups)
    }

    /// Words a list for every candidate of `layout` needs (the work buffer's size).
    pub fn capacity(layout: &Layout, tile: usize) -> usize {
        let all: Vec<usize> = (0..layout.slots.len()).collect();
        WorkLists::build(layout, &all, tile).words.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::spec::{Activation, Spec};

    fn spec(hidden: &[u32], batch: u32) -> Spec {
        Spec::test_mlp(10, 3, hidden, Activation::Relu, batch)
    }

    #[test]
    fn groups_stay_within_the_dispatch_limit_and_keep_every_candidate() {
        let specs = [
            spec(&[40], 16),
            spec(&[8, 70], 64),
            spec(&[20], 32),
            spec(&[100], 8),
        ];
        let refs: Vec<&Spec> = specs.iter().collect();
        let layout = Layout::plan(&refs);
        let all = [0, 1, 2, 3];
        let whole = WorkLists::build(&layout, &all, 32).longest();
        // No limit below the whole population's longest list: one group.
        let one = WorkLists::groups_within(&layout, &all, 32, whole).unwrap();
        assert_eq!(one, vec![vec![0, 1, 2, 3]]);
        // The largest single candidate's longest list as the limit: several groups, each within
        // it, together exactly the candidates in their order.
        let single = all
            .iter()
            .map(|&s| WorkLists::build(&layout, &[s], 32).longest())
            .max()
            .unwrap();
        assert!(single < whole);
        let groups = WorkLists::groups_within(&layout, &all, 32, single).unwrap();
        assert!(groups.len() > 1);
        for g in &groups {
            assert!(WorkLists::build(&layout, g, 32).longest() <= single);
        }
        assert_eq!(groups.concat(), all.to_vec());
        // A candidate over the limit on its own is named.
        assert_eq!(
            WorkLists::groups_within(&layout, &all, 32, single - 1),
            Err(*all
                .iter()
                .find(|&&s| WorkLists::build(&layout, &[s], 32).longest() == single)
                .unwrap())
        );
    }

    #[test]
    fn lists_cover_exactly_the_tiles_of_each_candidate() {
        let specs = [spec(&[40], 16), spec(&[8, 70], 64), spec(&[20], 32)];
        let refs: Vec<&Spec> = specs.iter().collect();
        let layout = Layout::plan(&refs);
        let w = WorkLists::build(&layout, &[0, 1, 2], 32);
        // Forward, layer 0: 40 → 2 tiles, 8 → 1, 20 → 1. Layer 1: 3 outputs → 1, 70 → 3, 3 → 1.
        let step0 = |l, k| w.count(l, k, 0, 1000);
        assert_eq!(step0(0, WorkKind::Forward), 4);
        assert_eq!(step0(1, WorkKind::Forward), 1 + 3 + 1);
        assert_eq!(step0(2, WorkKind::Forward), 1);
        assert_eq!(step0(3, WorkKind::Forward), 0);
        // Backward weights, layer 0: fan-in 10 + bias = 1 row tile per output tile.
        assert_eq!(step0(0, WorkKind::BackwardWeights), 4);
        // Layer 1: fan-in 40 + bias → 2 row tiles × 1; 8 + bias → 1 × 3 column tiles; 20 → 1 × 1.
        assert_eq!(step0(1, WorkKind::BackwardWeights), 2 + 3 + 1);
        // Backward data only from layer 1: fan-in 40 → 2, 8 → 1, 20 → 1; layer 2: 70 → 3.
        assert_eq!(step0(1, WorkKind::BackwardData), 4);
        assert_eq!(step0(2, WorkKind::BackwardData), 3);
        assert_eq!(step0(0, WorkKind::BackwardData), 0);
        // Optimizer: every candidate's parameters in chunks of 256.
        let chunks: usize = layout
            .slots
            .iter()
            .map(|s| s.param_count.div_ceil(OPT_CHUNK))
            .sum();
        assert_eq!(step0(0, WorkKind::Optimize), chunks);
        assert_eq!(chunks, 3 + 4 + 2);
        // Every header entry points inside the words; entries name real candidates.
        let words = w.words();
        for i in 0..HEADER {
            assert!((words[i] as usize) <= words.len());
        }
        for pair in words[HEADER..].chunks(2) {
            assert!(pair[0] < 3);
        }
    }

    #[test]
    fn candidates_still_working_at_a_step_are_a_prefix() {
        let specs = [spec(&[40], 64), spec(&[40], 16), spec(&[40], 32)];
        let refs: Vec<&Spec> = specs.iter().collect();
        let layout = Layout::plan(&refs);
        let w = WorkLists::build(&layout, &[0, 1, 2], 32);
        let words = w.words();
        let start = words[WorkKind::Forward as usize] as usize;
        // Batch 16 first (slot 1), then 32 (slot 2), then 64 (slot 0); two tiles each.
        let cands: Vec<u32> = words[start..start + 12].chunks(2).map(|p| p[0]).collect();
        assert_eq!(cands, vec![1, 1, 2, 2, 0, 0]);
        // 100 rows: batch 64 has steps 0–1, batch 32 steps 0–3, batch 16 steps 0–6.
        let at = |s| w.count(0, WorkKind::Forward, s, 100);
        assert_eq!(
            (at(0), at(1), at(2), at(3), at(4), at(6), at(7)),
            (6, 6, 4, 4, 2, 2, 0)
        );
    }

    #[test]
    fn only_listed_candidates_get_work() {
        let specs = [spec(&[40], 16), spec(&[40], 16)];
        let refs: Vec<&Spec> = specs.iter().collect();
        let layout = Layout::plan(&refs);
        let w = WorkLists::build(&layout, &[1], 32);
        assert_eq!(w.count(0, WorkKind::Forward, 0, 10), 2);
        let start = w.words()[0] as usize;
        assert_eq!(w.words()[start], 1);
        assert!(WorkLists::capacity(&layout, 32) > w.words().len());
        // The optimizer list is the longest here: 11·40 + 41·3 = 563 parameters → 3 chunks.
        assert_eq!(w.longest(), 3);
    }
}
