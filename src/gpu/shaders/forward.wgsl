// Forward pass of layer `st.layer` for every candidate: Z = [A_prev | 1] · [W; b], then the hidden
// activation and inverted dropout. A_prev is the gathered input rows for layer 0.

// Input value `i` (< fan-in) of batch row `r` for layer `l` of candidate `c`.
fn layer_input(c: u32, l: u32, r: u32, i: u32) -> f32 {
    if (l == 0u) {
        return x[x_row(c, r) * desc[H_INPUTS] + i];
    }
    let prev = lbase(c, l - 1u);
    return acts[desc[prev + L_A] + r * desc[prev + L_OUT] + i];
}

@compute @workgroup_size(8, 8, 1)
fn forward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let job = work_item(W_FORWARD, wg.x);
    let c = job.x;
    let l = st.layer;
    let m = batch_rows(c);
    if (m == 0u || l >= dword(c, C_LAYERS)) { return; }
    let lb = lbase(c, l);
    let fan_in = desc[lb + L_IN];
    let n = desc[lb + L_OUT];
    let k = fan_in + 1u; // the bias is row `fan_in` of the weight matrix
    let row_t = wg.y * TILE;
    let col_t = job.y * TILE;
    if (row_t >= m || col_t >= n) { return; }
    let w = desc[lb + L_W];
    let local = lid.y * 8u + lid.x;
    zero_acc();
    let tiles = (k + TILE - 1u) / TILE;
    for (var t = 0u; t < tiles; t = t + 1u) {
        for (var i = 0u; i < 16u; i = i + 1u) {
            let e = local * 16u + i;
            let r = e / TILE;
            let cc = e % TILE;
            let ar = row_t + r;
            let ak = t * TILE + cc;
            var av = 0.0;
            if (ar < m && ak < fan_in) {
                av = layer_input(c, l, ar, ak);
            } else if (ar < m && ak == fan_in) {
                av = 1.0;
            }
            ta[e] = av;
            let bk = t * TILE + r;
            let bc = col_t + cc;
            var bv = 0.0;
            if (bk < k && bc < n) { bv = params[w + bk * n + bc]; }
            tb[e] = bv;
        }
        workgroupBarrier();
        mac_tile(lid);
        workgroupBarrier();
    }
    let hidden = l + 1u < dword(c, C_LAYERS);
    let act = desc[lb + L_ACT];
    let z_off = desc[lb + L_Z];
    let a_off = desc[lb + L_A];
    for (var i = 0u; i < 4u; i = i + 1u) {
        let r = row_t + lid.y * 4u + i;
        let v = acc_row(i);
        for (var j = 0u; j < 4u; j = j + 1u) {
            let col = col_t + lid.x * 4u + j;
            if (r < m && col < n) {
                let z = v[j];
                acts[z_off + r * n + col] = z;
                if (hidden) {
                    acts[a_off + r * n + col] = activate(act, z) * dropout_scale(c, l, r, col, n);
                }
            }
        }
    }
}
