// Test probe: evaluates the shared helpers (random numbers, activations) on given inputs so that
// their CPU twins can be checked value by value. probe[i] = (a, b, c, activation id / x bits).

@group(0) @binding(13) var<storage, read> probe_in: array<u32>;
@group(0) @binding(14) var<storage, read_write> probe_out: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn probe(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (4u * i + 3u >= arrayLength(&probe_in)) { return; }
    let a = probe_in[4u * i];
    let b = probe_in[4u * i + 1u];
    let c = probe_in[4u * i + 2u];
    let xv = bitcast<f32>(probe_in[4u * i + 3u]);
    probe_out[3u * i] = uniform3(a, b, c);
    probe_out[3u * i + 1u] = activate(a % 5u, xv);
    probe_out[3u * i + 2u] = activate_grad(a % 5u, xv);
}
