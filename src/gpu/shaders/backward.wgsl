// Backward passes of layer `st.layer` for every candidate (jobs from the work lists).
//
// backward_data:    dZ_prev = (dZ · Wᵀ) ⊙ act'(Z_prev) ⊙ dropout scale   (layer ≥ 1)
// backward_weights: [dW; db] = [A_prev | 1]ᵀ · dZ

@compute @workgroup_size(8, 8, 1)
fn backward_data(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let job = work_item(W_BACKWARD_DATA, wg.x);
    let c = job.x;
    let l = st.layer;
    let m = batch_rows(c);
    if (m == 0u || l == 0u || l >= dword(c, C_LAYERS)) { return; }
    let lb = lbase(c, l);
    let n = desc[lb + L_IN];  // result columns: units of the previous layer
    let k = desc[lb + L_OUT]; // reduction: units of this layer
    let row_t = wg.y * TILE;
    let col_t = job.y * TILE;
    if (row_t >= m || col_t >= n) { return; }
    let w = desc[lb + L_W];
    let d = desc[lb + L_D];
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
            if (ar < m && ak < k) { av = delta[d + ar * k + ak]; }
            ta[e] = av;
            let bk = t * TILE + r;
            let bc = col_t + cc;
            var bv = 0.0;
            if (bk < k && bc < n) { bv = params[w + bc * k + bk]; }
            tb[e] = bv;
        }
        workgroupBarrier();
        mac_tile(lid);
        workgroupBarrier();
    }
    let pb = lbase(c, l - 1u);
    let act = desc[pb + L_ACT];
    let z_prev = desc[pb + L_Z];
    let d_prev = desc[pb + L_D];
    for (var i = 0u; i < 4u; i = i + 1u) {
        let r = row_t + lid.y * 4u + i;
        let v = acc_row(i);
        for (var j = 0u; j < 4u; j = j + 1u) {
            let col = col_t + lid.x * 4u + j;
            if (r < m && col < n) {
                let z = acts[z_prev + r * n + col];
                let g = v[j] * activate_grad(act, z) * dropout_scale(c, l - 1u, r, col, n);
                delta[d_prev + r * n + col] = g;
            }
        }
    }
}

@compute @workgroup_size(8, 8, 1)
fn backward_weights(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let job = work_item(W_BACKWARD_WEIGHTS, wg.x);
    let c = job.x;
    let l = st.layer;
    let rows = batch_rows(c);
    if (rows == 0u || l >= dword(c, C_LAYERS)) { return; }
    let lb = lbase(c, l);
    let fan_in = desc[lb + L_IN];
    let m = fan_in + 1u; // bias gradient is the last row
    let n = desc[lb + L_OUT];
    let row_t = (job.y >> 16u) * TILE;
    let col_t = (job.y & 0xffffu) * TILE;
    if (row_t >= m || col_t >= n) { return; }
    let d = desc[lb + L_D];
    let local = lid.y * 8u + lid.x;
    zero_acc();
    let tiles = (rows + TILE - 1u) / TILE;
    for (var t = 0u; t < tiles; t = t + 1u) {
        for (var i = 0u; i < 16u; i = i + 1u) {
            let e = local * 16u + i;
            let r = e / TILE;
            let cc = e % TILE;
            // Left operand [A_prev | 1]ᵀ: row = input unit, column = batch row.
            let ai = row_t + r;
            let ab = t * TILE + cc;
            var av = 0.0;
            if (ab < rows && ai < fan_in) {
                av = layer_input(c, l, ab, ai);
            } else if (ab < rows && ai == fan_in) {
                av = 1.0;
            }
            ta[e] = av;
            let bb = t * TILE + r;
            let bc = col_t + cc;
            var bv = 0.0;
            if (bb < rows && bc < n) { bv = delta[d + bb * n + bc]; }
            tb[e] = bv;
        }
        workgroupBarrier();
        mac_tile(lid);
        workgroupBarrier();
    }
    let w = desc[lb + L_W];
    for (var i = 0u; i < 4u; i = i + 1u) {
        let r = row_t + lid.y * 4u + i;
        let v = acc_row(i);
        for (var j = 0u; j < 4u; j = j + 1u) {
            let col = col_t + lid.x * 4u + j;
            if (r < m && col < n) { grads[w + r * n + col] = v[j]; }
        }
    }
}
