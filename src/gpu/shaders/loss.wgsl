// Output loss of every candidate (one workgroup per candidate): in the training phase writes
// dLoss/dZ of the output layer (mean over the batch rows) and adds the batch's summed loss to the
// epoch's metrics; in the validation phase adds summed loss and accuracy hits / squared errors.
// A non-finite training loss sets the candidate's status flag, which freezes its weights.

const LOSS_THREADS: u32 = 64u;
var<workgroup> red_loss: array<f32, 64>;
var<workgroup> red_score: array<f32, 64>;

// Metrics slot layout per (epoch slot, candidate): train loss sum, valid loss sum, valid score sum.
const M_WORDS: u32 = 4u;

@compute @workgroup_size(64, 1, 1)
fn loss(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let c = wg.z;
    let rows = batch_rows(c);
    if (rows == 0u) { return; }
    let lb = lbase(c, dword(c, C_LAYERS) - 1u);
    let classes = desc[lb + L_OUT];
    let z = desc[lb + L_Z];
    let d = desc[lb + L_D];
    let regression = dword(c, C_LOSS) == 1u;
    let inv_rows = 1.0 / f32(rows);
    var loss_sum = 0.0;
    var score_sum = 0.0;
    for (var r = lid.x; r < rows; r = r + LOSS_THREADS) {
        let want = y[x_row(c, r)];
        let o = z + r * classes;
        if (regression) {
            let diff = acts[o] - want;
            loss_sum = loss_sum + diff * diff;
            score_sum = score_sum + diff * diff;
            if (st.phase == PHASE_TRAIN) { delta[d + r * classes] = diff * inv_rows; }
        } else {
            let label = u32(want);
            var mx = acts[o];
            var arg = 0u;
            for (var j = 1u; j < classes; j = j + 1u) {
                let v = acts[o + j];
                if (v > mx) { mx = v; arg = j; }
            }
            var s = 0.0;
            for (var j = 0u; j < classes; j = j + 1u) { s = s + exp(acts[o + j] - mx); }
            let lse = mx + log(s);
            loss_sum = loss_sum + (lse - acts[o + label]);
            score_sum = score_sum + select(0.0, 1.0, arg == label);
            if (st.phase == PHASE_TRAIN) {
                for (var j = 0u; j < classes; j = j + 1u) {
                    let p = exp(acts[o + j] - lse);
                    delta[d + r * classes + j] = (p - select(0.0, 1.0, j == label)) * inv_rows;
                }
            }
        }
    }
    red_loss[lid.x] = loss_sum;
    red_score[lid.x] = score_sum;
    workgroupBarrier();
    for (var span = LOSS_THREADS / 2u; span > 0u; span = span / 2u) {
        if (lid.x < span) {
            red_loss[lid.x] = red_loss[lid.x] + red_loss[lid.x + span];
            red_score[lid.x] = red_score[lid.x] + red_score[lid.x + span];
        }
        workgroupBarrier();
    }
    if (lid.x == 0u) {
        let base = (desc[H_EPOCH_SLOT] * desc[H_CANDS] + c) * M_WORDS;
        if (st.phase == PHASE_TRAIN) {
            metrics[base] = metrics[base] + red_loss[0];
            if (!is_finite(red_loss[0])) { status[c] = 1u; }
        } else if (st.phase == PHASE_VALID) {
            metrics[base + 1u] = metrics[base + 1u] + red_loss[0];
            metrics[base + 2u] = metrics[base + 2u] + red_score[0];
        }
    }
}
