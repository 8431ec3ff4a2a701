// One optimizer step for every candidate (each workgroup one chunk of one candidate's parameters,
// from the work list):
// SGD with momentum, Adam or AdamW; weight decay on weights only (not biases).

@compute @workgroup_size(256, 1, 1)
fn optimize(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let job = work_item(W_OPTIMIZE, wg.x);
    let c = job.x;
    if (batch_rows(c) == 0u) { return; }
    if (status[c] != 0u) { return; }
    let p = job.y * 256u + lid.x;
    if (p >= dword(c, C_PCOUNT)) { return; }
    let idx = dword(c, C_POFF) + p;
    // Which layer holds the parameter, and is it a weight or a bias?
    var is_weight = false;
    let layers = dword(c, C_LAYERS);
    for (var l = 0u; l < layers; l = l + 1u) {
        let lb = lbase(c, l);
        let start = desc[lb + L_W];
        let n_w = desc[lb + L_IN] * desc[lb + L_OUT];
        if (idx < start + n_w + desc[lb + L_OUT]) {
            is_weight = idx < start + n_w;
            break;
        }
    }
    let lr = dfloat(c, C_LR);
    let decay = select(0.0, dfloat(c, C_WD), is_weight);
    var w = params[idx];
    var g = grads[idx];
    let kind = dword(c, C_OPT);
    if (kind == 0u) {
        g = g + decay * w;
        let v = dfloat(c, C_B1) * opt_m[idx] + g;
        opt_m[idx] = v;
        w = w - lr * v;
    } else {
        let b1 = dfloat(c, C_B1);
        let b2 = dfloat(c, C_B2);
        if (kind == 1u) {
            g = g + decay * w;
        } else {
            w = w - lr * decay * w;
        }
        let t = f32(global_step(c) + 1u);
        let m = b1 * opt_m[idx] + (1.0 - b1) * g;
        let v = b2 * opt_v[idx] + (1.0 - b2) * g * g;
        opt_m[idx] = m;
        opt_v[idx] = v;
        let m_hat = m / (1.0 - pow(b1, t));
        let v_hat = v / (1.0 - pow(b2, t));
        w = w - lr * m_hat / (sqrt(v_hat) + dfloat(c, C_EPS));
    }
    params[idx] = w;
}
