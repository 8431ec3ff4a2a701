// The browser half of the trainer benchmark. `window.runBench(options)` runs every path and
// resolves to one JSON-ready object; bench/browser.mjs calls it in headless Chromium.
import init, { benchWorkload, benchCpu, benchGpu, benchProbe, benchDataMemory } from "/pkg/automl.js";

/** Defaults: the workload, with subsets where a path is too slow to time in full. */
export const DEFAULTS = {
  seed: 2024,
  candidates: 32,
  epochs: 3,
  // The same 32 candidates trained one at a time, so the population's speed-up compares like
  // with like.
  oneAtATime: 32,
  matmulSizes: [256, 512, 1024],
  // TF.js trains one candidate at a time; [candidates, timed epochs] per backend.
  tfjs: { webgpu: [4, 1], webgl: [4, 2], cpu: [8, 3] },
  // The data layer's stated browser limit: rows × columns of a numeric CSV loaded and prepared.
  dataMemory: [200000, 200],
};

const logEl = () => document.getElementById("log");

function log(line) {
  console.log(line);
  const el = logEl();
  if (el) el.textContent += line + "\n";
}

async function adapterInfo() {
  if (!navigator.gpu) return null;
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return null;
  const i = adapter.info ?? {};
  return { vendor: i.vendor ?? "", architecture: i.architecture ?? "", description: i.description ?? "" };
}

/** A TF.js model with the same layers, initialisation and optimizer as the engine's spec. */
function buildModel(tf, spec, inputs, classes) {
  const model = tf.sequential();
  let first = true;
  for (const layer of spec.hidden) {
    const shape = first ? { inputShape: [inputs] } : {};
    first = false;
    const act = {
      relu: "relu",
      tanh: "tanh",
      sigmoid: "sigmoid",
      gelu: "gelu_new", // tanh approximation, as in the engine
      leaky_relu: "linear",
    }[layer.activation];
    if (act === undefined) throw new Error(`unknown activation ${layer.activation}`);
    model.add(tf.layers.dense({ units: layer.width, activation: act, kernelInitializer: "heNormal", ...shape }));
    if (layer.activation === "leaky_relu") model.add(tf.layers.leakyReLU({ alpha: 0.01 }));
  }
  model.add(tf.layers.dense({ units: classes, activation: "softmax", kernelInitializer: "heNormal" }));
  if (spec.optimizer !== "adam") throw new Error(`unsupported optimizer ${spec.optimizer}`);
  model.compile({
    optimizer: tf.train.adam(spec.learning_rate, 0.9, 0.999, 1e-8),
    loss: "categoricalCrossentropy",
    metrics: ["accuracy"],
  });
  return model;
}

/** Trains the first `count` workload candidates one at a time on TF.js backend `name`. */
async function tfjsPath(name, work, count, epochs) {
  const tf = window.tf;
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    return { path: `tfjs ${name}`, error: String(e) };
  }
  if (!ok || tf.getBackend() !== name) {
    return { path: `tfjs ${name}`, error: `backend ${name} did not initialise` };
  }
  const rows = work.train_y.length;
  const vrows = work.valid_y.length;
  const specs = work.specs.slice(0, count);
  let seconds = 0;
  let flops = 0;
  const tensors = tf.tidy(() => [
    tf.tensor2d(work.train_x, [rows, work.inputs]),
    tf.oneHot(tf.tensor1d(work.train_y, "int32"), work.classes).toFloat(),
    tf.tensor2d(work.valid_x, [vrows, work.inputs]),
    tf.oneHot(tf.tensor1d(work.valid_y, "int32"), work.classes).toFloat(),
  ]);
  const [xs, ys, vx, vy] = tensors;
  try {
    for (const [i, spec] of specs.entries()) {
      const model = buildModel(tf, spec, work.inputs, work.classes);
      const fit = (n) =>
        model.fit(xs, ys, {
          epochs: n,
          batchSize: spec.batch_size,
          shuffle: true,
          validationData: [vx, vy],
          verbose: 0,
        });
      await fit(1); // warm-up: shader compilation, first uploads
      const t0 = performance.now();
      await fit(epochs); // fit reads the loss back every epoch, so the work is done when it resolves
      const s = (performance.now() - t0) / 1000;
      seconds += s;
      flops += spec.flops_per_epoch * epochs;
      model.dispose();
      log(`  tfjs ${name}: candidate ${i + 1}/${specs.length} (${spec.summary}) ${(epochs / s).toFixed(3)} epochs/s`);
    }
  } catch (e) {
    return { path: `tfjs ${name}`, error: String(e) };
  } finally {
    tensors.forEach((t) => t.dispose());
  }
  return {
    path: `tfjs ${name}`,
    candidates: specs.length,
    epochs,
    seconds,
    candidate_epochs_per_s: (specs.length * epochs) / seconds,
    gflops: flops / seconds / 1e9,
  };
}

/** Mean FLOPs per candidate-epoch of the first `count` candidates (the timed subset). */
function meanFlops(work, count) {
  const s = work.specs.slice(0, count);
  return s.reduce((a, c) => a + c.flops_per_epoch, 0) / s.length;
}

async function runBench(options = {}) {
  const o = { ...DEFAULTS, ...options, tfjs: { ...DEFAULTS.tfjs, ...(options.tfjs ?? {}) } };
  await init();
  const config = {
    epochs: o.epochs,
    candidates: o.candidates,
    one_at_a_time: o.oneAtATime,
    cpu: true,
    matmul_sizes: o.matmulSizes,
    seed: o.seed,
  };
  const work = benchWorkload(o.seed, o.candidates);
  const out = {
    userAgent: navigator.userAgent,
    adapter: await adapterInfo(),
    options: o,
    workload: work.description,
    tfjsVersion: window.tf?.version?.tfjs ?? null,
    paths: [],
    errors: {},
  };
  const mflops = (count) => meanFlops(work, count) / 1e6;

  log("engine: backend probe");
  out.probe = await benchProbe(o.seed);
  log(`  ${JSON.stringify(out.probe)}`);

  log("engine: GPU paths (population, one at a time, matmul ceiling)");
  try {
    const gpu = await benchGpu(config);
    out.gpu = gpu;
    for (const p of gpu.paths) out.paths.push({ ...p, mflop_per_candidate_epoch: mflops(p.candidates) });
  } catch (e) {
    out.errors.gpu = String(e);
    log(`  GPU unavailable: ${e}`);
  }

  log("engine: CPU path (wasm simd128, one thread)");
  const cpu = await benchCpu(config);
  out.paths.push({ ...cpu, path: "cpu (wasm simd128)", mflop_per_candidate_epoch: mflops(cpu.candidates) });

  for (const name of ["webgpu", "webgl", "cpu"]) {
    const [count, epochs] = o.tfjs[name];
    if (!count) continue;
    log(`TF.js ${name}: ${count} candidates × ${epochs} timed epochs, one at a time`);
    const r = await tfjsPath(name, work, count, epochs);
    if (r.error) {
      out.errors[`tfjs ${name}`] = r.error;
      log(`  failed: ${r.error}`);
    } else {
      out.paths.push({ ...r, mflop_per_candidate_epoch: mflops(count) });
    }
  }
  log("done");
  log(`data layer: ${o.dataMemory[0]} × ${o.dataMemory[1]} numeric CSV, wasm memory`);
  try {
    out.dataMemory = benchDataMemory(o.dataMemory[0], o.dataMemory[1], o.seed);
    log(`  ${JSON.stringify(out.dataMemory)}`);
  } catch (e) {
    out.errors.dataMemory = String(e);
  }
  return out;
}

window.runBench = runBench;
document.getElementById("run")?.addEventListener("click", () => runBench().then((r) => log(JSON.stringify(r, null, 2))));
