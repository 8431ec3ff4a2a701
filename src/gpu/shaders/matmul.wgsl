// Tiled matrix product C = A · B (row-major, f32).
// A workgroup of 8×8 threads computes a 32×32 tile of C; each thread a 4×4 block held in four named
// vec4 accumulators (arrays may spill to memory on some compilers). Tiles of A and B are staged in
// workgroup memory (2 × 32 × 32 × 4 B = 8 KiB, within the 16 KiB WebGPU minimum).
// Barriers are reached by every invocation: bounds are handled by zero-padding the tiles.

struct Dims { m: u32, k: u32, n: u32, _pad: u32 }

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

const TILE: u32 = 32u;
var<workgroup> ta: array<f32, 1024>; // [row][kk] of A's tile
var<workgroup> tb: array<f32, 1024>; // [kk][col] of B's tile

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let row0 = wg.y * TILE + lid.y * 4u;
    let col0 = wg.x * TILE + lid.x * 4u;
    let local = lid.y * 8u + lid.x;
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    let ntiles = (dims.k + TILE - 1u) / TILE;
    for (var t = 0u; t < ntiles; t = t + 1u) {
        // 64 threads load 1024 elements of each tile: 16 each.
        for (var i = 0u; i < 16u; i = i + 1u) {
            let e = local * 16u + i;
            let r = e / TILE;
            let cc = e % TILE;
            let ar = wg.y * TILE + r;
            let ac = t * TILE + cc;
            var av = 0.0;
            if (ar < dims.m && ac < dims.k) { av = a[ar * dims.k + ac]; }
            ta[e] = av;
            let br = t * TILE + r;
            let bc = wg.x * TILE + cc;
            var bv = 0.0;
            if (br < dims.k && bc < dims.n) { bv = b[br * dims.n + bc]; }
            tb[e] = bv;
        }
        workgroupBarrier();
        for (var kk = 0u; kk < TILE; kk = kk + 1u) {
            let bvec = vec4<f32>(
                tb[kk * TILE + lid.x * 4u],
                tb[kk * TILE + lid.x * 4u + 1u],
                tb[kk * TILE + lid.x * 4u + 2u],
                tb[kk * TILE + lid.x * 4u + 3u]);
            acc0 = acc0 + ta[(lid.y * 4u) * TILE + kk] * bvec;
            acc1 = acc1 + ta[(lid.y * 4u + 1u) * TILE + kk] * bvec;
            acc2 = acc2 + ta[(lid.y * 4u + 2u) * TILE + kk] * bvec;
            acc3 = acc3 + ta[(lid.y * 4u + 3u) * TILE + kk] * bvec;
        }
        workgroupBarrier();
    }
    store_row(row0, col0, acc0);
    store_row(row0 + 1u, col0, acc1);
    store_row(row0 + 2u, col0, acc2);
    store_row(row0 + 3u, col0, acc3);
}

fn store_row(r: u32, c0: u32, v: vec4<f32>) {
    if (r >= dims.m) { return; }
    for (var j = 0u; j < 4u; j = j + 1u) {
        let cc = c0 + j;
        if (cc < dims.n) { c[r * dims.n + cc] = v[j]; }
    }
}
