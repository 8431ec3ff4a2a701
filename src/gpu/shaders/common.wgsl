// Shared declarations of the population trainer's kernels.
//
// Every kernel covers the whole population in one dispatch. The product kernels and the optimizer
// take their (candidate, tile) job from a compact work list (`work`, see `src/gpu/worklist.rs`),
// so no workgroup is launched for a layer or tile a candidate does not have; the loss kernel uses
// workgroup_id.z as the candidate.
// The per-candidate descriptor table `desc` (read-only storage, hence uniform for the uniformity
// analysis) holds each candidate's layer widths, buffer offsets, activation ids and optimizer
// settings; the per-dispatch uniform `st` says which phase, mini-batch step and layer to run.
// Layout constants mirror `src/gpu/population.rs`.

struct Step { phase: u32, step: u32, layer: u32, _pad: u32 }

@group(0) @binding(0) var<uniform> st: Step;
@group(0) @binding(1) var<storage, read> desc: array<u32>;
@group(0) @binding(2) var<storage, read_write> params: array<f32>;
@group(0) @binding(3) var<storage, read_write> acts: array<f32>;
@group(0) @binding(4) var<storage, read_write> delta: array<f32>;
@group(0) @binding(5) var<storage, read> x: array<f32>;
@group(0) @binding(6) var<storage, read> y: array<f32>;
@group(0) @binding(7) var<storage, read> perm: array<u32>;
@group(0) @binding(8) var<storage, read_write> grads: array<f32>;
@group(0) @binding(9) var<storage, read_write> opt_m: array<f32>;
@group(0) @binding(10) var<storage, read_write> opt_v: array<f32>;
@group(0) @binding(11) var<storage, read_write> metrics: array<f32>;
@group(0) @binding(12) var<storage, read_write> status: array<u32>;
@group(0) @binding(15) var<storage, read> work: array<u32>;

// Work lists: `work[layer * WORK_KINDS + kind]` is where the list of (candidate, tile) pairs of
// that layer and kernel starts; workgroup_id.x indexes it (mirror of src/gpu/worklist.rs).
const WORK_KINDS: u32 = 4u;
const W_FORWARD: u32 = 0u;
const W_BACKWARD_WEIGHTS: u32 = 1u;
const W_BACKWARD_DATA: u32 = 2u;
const W_OPTIMIZE: u32 = 3u;

// Job `i` of the current layer's list of `kind`: (candidate, tile).
fn work_item(kind: u32, i: u32) -> vec2<u32> {
    let at = work[st.layer * WORK_KINDS + kind] + 2u * i;
    return vec2<u32>(work[at], work[at + 1u]);
}

// Phases of a dispatch.
const PHASE_TRAIN: u32 = 0u;
const PHASE_VALID: u32 = 1u;
const PHASE_PREDICT: u32 = 2u;

// Header words.
const H_EPOCH_SLOT: u32 = 0u;
const H_CANDS: u32 = 1u;
const H_TRAIN: u32 = 2u;
const H_VALID: u32 = 3u;
const H_PREDICT: u32 = 4u;
const H_INPUTS: u32 = 5u;
const HEADER_WORDS: u32 = 16u;
const CAND_WORDS: u32 = 96u;
const LAYER_BASE: u32 = 32u;
const LAYER_WORDS: u32 = 8u;

// Candidate words.
const C_LAYERS: u32 = 0u;
const C_BATCH: u32 = 1u;
const C_ACTIVE: u32 = 2u;
const C_SEED: u32 = 3u;
const C_OPT: u32 = 4u;
const C_LR: u32 = 5u;
const C_B1: u32 = 6u;
const C_B2: u32 = 7u;
const C_EPS: u32 = 8u;
const C_WD: u32 = 9u;
const C_DROP: u32 = 10u;
const C_STEP_BASE: u32 = 11u;
const C_PERM: u32 = 12u;
const C_POFF: u32 = 13u;
const C_PCOUNT: u32 = 14u;
const C_LOSS: u32 = 15u;

// Layer words.
const L_IN: u32 = 0u;
const L_OUT: u32 = 1u;
const L_W: u32 = 2u;
const L_ACT: u32 = 3u;
const L_Z: u32 = 4u;
const L_A: u32 = 5u;
const L_D: u32 = 6u;

fn cbase(c: u32) -> u32 {
    return HEADER_WORDS + c * CAND_WORDS;
}

fn lbase(c: u32, l: u32) -> u32 {
    return cbase(c) + LAYER_BASE + l * LAYER_WORDS;
}

fn dword(c: u32, field: u32) -> u32 {
    return desc[cbase(c) + field];
}

fn dfloat(c: u32, field: u32) -> f32 {
    return bitcast<f32>(desc[cbase(c) + field]);
}

// Rows of candidate `c` in the current mini-batch / chunk (0 when the candidate sits this out).
fn batch_rows(c: u32) -> u32 {
    if (c >= desc[H_CANDS]) { return 0u; }
    if (dword(c, C_ACTIVE) == 0u) { return 0u; }
    let bs = dword(c, C_BATCH);
    var total = desc[H_TRAIN];
    if (st.phase == PHASE_VALID) { total = desc[H_VALID]; }
    if (st.phase == PHASE_PREDICT) { total = desc[H_PREDICT]; }
    let start = st.step * bs;
    if (start >= total) { return 0u; }
    return min(bs, total - start);
}

// Index of batch row `r` of candidate `c` in the row space of `x`/`y`: training rows come first
// (visited through the candidate's permutation), then validation rows; predict rows have their own
// buffer.
fn x_row(c: u32, r: u32) -> u32 {
    let i = st.step * dword(c, C_BATCH) + r;
    if (st.phase == PHASE_TRAIN) { return perm[dword(c, C_PERM) + i]; }
    if (st.phase == PHASE_VALID) { return desc[H_TRAIN] + i; }
    return i;
}

// Global optimizer step (0-based, counted across epochs) of the current mini-batch.
fn global_step(c: u32) -> u32 {
    return dword(c, C_STEP_BASE) + st.step;
}

// ---- random numbers: mirror of crate::rng::hash_u32 / uniform3 ----
fn hash_u32(x: u32) -> u32 {
    let state = x * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

fn uniform3(a: u32, b: u32, c: u32) -> f32 {
    let h = hash_u32(a ^ hash_u32(b ^ hash_u32(c)));
    return f32(h >> 8u) * (1.0 / 16777216.0);
}

// Inverted-dropout factor of unit `u` (of `width`) of hidden layer `l` for batch row `r`:
// 0 when dropped, 1/(1-p) when kept, 1 outside training.
fn dropout_scale(c: u32, l: u32, r: u32, u: u32, width: u32) -> f32 {
    let p = dfloat(c, C_DROP);
    if (st.phase != PHASE_TRAIN || p <= 0.0) { return 1.0; }
    let keep = uniform3(dword(c, C_SEED), global_step(c), (l << 24u) ^ (r * width + u)) >= p;
    if (keep) { return 1.0 / (1.0 - p); }
    return 0.0;
}

// ---- activations (ids as in crate::model::Activation::id) ----
fn tanh_safe(x: f32) -> f32 {
    // exp of a non-positive argument never overflows, unlike some built-in tanh implementations.
    let e = exp(-2.0 * abs(x));
    let t = (1.0 - e) / (1.0 + e);
    return select(-t, t, x >= 0.0);
}

const GELU_K: f32 = 0.7978845608028654; // sqrt(2 / pi)
const GELU_C: f32 = 0.044715;

fn activate(id: u32, x: f32) -> f32 {
    switch id {
        case 0u: { return max(x, 0.0); }
        case 1u: { return select(0.01 * x, x, x > 0.0); }
        case 2u: { return tanh_safe(x); }
        case 3u: { return 1.0 / (1.0 + exp(-x)); }
        case 4u: { return 0.5 * x * (1.0 + tanh_safe(GELU_K * (x + GELU_C * x * x * x))); }
        default: { return x; }
    }
}

fn activate_grad(id: u32, x: f32) -> f32 {
    switch id {
        case 0u: { return select(0.0, 1.0, x > 0.0); }
        case 1u: { return select(0.01, 1.0, x > 0.0); }
        case 2u: { let t = tanh_safe(x); return 1.0 - t * t; }
        case 3u: { let s = 1.0 / (1.0 + exp(-x)); return s * (1.0 - s); }
        case 4u: {
            let t = tanh_safe(GELU_K * (x + GELU_C * x * x * x));
            return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_K * (1.0 + 3.0 * GELU_C * x * x);
        }
        default: { return 1.0; }
    }
}

fn is_finite(x: f32) -> bool {
    // Bit test: compilers may fold `x != x` away under fast-math assumptions.
    return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// ---- tiled product core: a 32×32 output tile per workgroup of 8×8 threads, 4×4 per thread ----
const TILE: u32 = 32u;
var<workgroup> ta: array<f32, 1024>; // [row][k] of the left operand's tile
var<workgroup> tb: array<f32, 1024>; // [k][col] of the right operand's tile
var<private> acc0: vec4<f32>;
var<private> acc1: vec4<f32>;
var<private> acc2: vec4<f32>;
var<private> acc3: vec4<f32>;

fn zero_acc() {
    acc0 = vec4<f32>(0.0);
    acc1 = vec4<f32>(0.0);
    acc2 = vec4<f32>(0.0);
    acc3 = vec4<f32>(0.0);
}

// Accumulates the staged tiles into this thread's 4×4 block. Call between two barriers.
fn mac_tile(lid: vec3<u32>) {
    for (var kk = 0u; kk < TILE; kk = kk + 1u) {
        let bo = kk * TILE + lid.x * 4u;
        let bvec = vec4<f32>(tb[bo], tb[bo + 1u], tb[bo + 2u], tb[bo + 3u]);
        let ao = (lid.y * 4u) * TILE + kk;
        acc0 = acc0 + ta[ao] * bvec;
        acc1 = acc1 + ta[ao + TILE] * bvec;
        acc2 = acc2 + ta[ao + 2u * TILE] * bvec;
        acc3 = acc3 + ta[ao + 3u * TILE] * bvec;
    }
}

fn acc_row(i: u32) -> vec4<f32> {
    switch i {
        case 0u: { return acc0; }
        case 1u: { return acc1; }
        case 2u: { return acc2; }
        default: { return acc3; }
    }
}
