// The browser half of `./build.sh bench`: serves bench/browser/, www/pkg/ and TF.js from
// node_modules on a local port, runs the benchmark page in headless Chromium (SwiftShader
// WebGPU), prints a table and the targets, and writes target/bench/browser.json.
//
//   node bench/browser.mjs [--quick]        (after www/pkg is built: ./build.sh build)
//
// --quick runs a small smoke version (8 candidates, 1 epoch, tiny TF.js subsets); BENCH_OPTIONS
// (JSON) overrides single options, e.g. BENCH_OPTIONS='{"candidates":16}'.
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "target", "bench", "browser.json");
const QUICK = process.argv.includes("--quick");
// TF.js on SwiftShader WebGPU needs about 3 s per candidate-epoch: keep its subset small.
// BENCH_OPTIONS (JSON) overrides any option of bench/browser/bench.js's DEFAULTS.
const OPTIONS = {
  ...(QUICK
    ? { candidates: 8, epochs: 1, oneAtATime: 2, matmulSizes: [256], tfjs: { webgpu: [1, 1], webgl: [1, 1], cpu: [2, 1] }, dataMemory: [2000, 20] }
    : {}),
  ...JSON.parse(process.env.BENCH_OPTIONS ?? "{}"),
};
// Reference: a 32×32-tiled WGSL matmul measured earlier on this SwiftShader adapter, n = 1024.
const REFERENCE_MATMUL_GFLOPS = 1.52;

const ROUTES = {
  "/": "bench/browser/index.html",
  "/index.html": "bench/browser/index.html",
  "/bench.js": "bench/browser/bench.js",
  "/vendor/tf.min.js": "node_modules/@tensorflow/tfjs/dist/tf.min.js",
  "/vendor/tf-backend-webgpu.min.js": "node_modules/@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js",
};
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

function filePath(urlPath) {
  if (ROUTES[urlPath]) return join(ROOT, ROUTES[urlPath]);
  if (urlPath.startsWith("/pkg/")) {
    const rel = normalize(urlPath.slice("/pkg/".length));
    if (rel.startsWith("..")) return null;
    return join(ROOT, "www", "pkg", rel);
  }
  return null;
}

function serve() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost").pathname;
    if (url === "/favicon.ico") return res.writeHead(204).end();
    const path = filePath(url);
    try {
      if (!path) throw new Error("not found");
      const body = await readFile(path);
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

const fmt = (v, d) => (v === undefined || v === null ? "—" : v.toFixed(d));

function table(result) {
  const lines = [
    `${"path".padEnd(24)} ${"cands".padStart(5)} ${"epochs".padStart(6)} ${"seconds".padStart(8)} ${"cand-epochs/s".padStart(13)} ${"GFLOP/s".padStart(8)} ${"MFLOP/c-e".padStart(9)}`,
  ];
  for (const p of result.paths) {
    lines.push(
      `${p.path.padEnd(24)} ${String(p.candidates).padStart(5)} ${String(p.epochs).padStart(6)} ${fmt(p.seconds, 2).padStart(8)} ${fmt(p.candidate_epochs_per_s, 3).padStart(13)} ${fmt(p.gflops, 3).padStart(8)} ${fmt(p.mflop_per_candidate_epoch, 1).padStart(9)}`,
    );
  }
  return lines.join("\n");
}

/** The issue's targets, computed from the measured figures. */
function targets(result) {
  const rate = (name) => result.paths.find((p) => p.path === name)?.candidate_epochs_per_s;
  const pop = rate("gpu population");
  const one = rate("gpu one at a time");
  const cpu = rate("cpu (wasm simd128)");
  const tfWebgpu = rate("tfjs webgpu");
  const tfRates = result.paths.filter((p) => p.path.startsWith("tfjs ")).map((p) => p.candidate_epochs_per_s);
  const tfBest = tfRates.length ? Math.max(...tfRates) : undefined;
  const tfCpu = rate("tfjs cpu");
  const pick = result.probe?.pick;
  const auto = pick === "gpu" ? pop : cpu;
  const best = result.gpu ? Math.max(...result.gpu.matmul.map((m) => m.gflops)) : undefined;
  const ratio = (a, b) => (a !== undefined && b ? a / b : undefined);
  const t = [
    { target: "GPU population ≥ 10× GPU one at a time", value: ratio(pop, one), need: 10 },
    { target: `engine's pick (${pick}) ≥ 20× TF.js webgpu`, value: ratio(auto, tfWebgpu), need: 20 },
    { target: `engine's pick (${pick}) ≥ 3× TF.js fastest backend`, value: ratio(auto, tfBest), need: 3 },
    { target: "matmul ≥ 80 % of the reference 1.52 GFLOP/s", value: ratio(best, REFERENCE_MATMUL_GFLOPS), need: 0.8 },
    { target: "CPU path (wasm simd128) beats TF.js cpu", value: ratio(cpu, tfCpu), need: 1 },
  ];
  return t.map((x) => ({ ...x, met: x.value !== undefined ? x.value >= x.need : null }));
}

async function main() {
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--enable-unsafe-webgpu",
    ],
  });
  let status = 0;
  try {
    const page = await browser.newPage();
    page.on("console", (m) => process.stderr.write(`[page] ${m.text()}\n`));
    page.on("pageerror", (e) => process.stderr.write(`[page error] ${e}\n`));
    await page.goto(`${base}/`);
    await page.waitForFunction(() => typeof window.runBench === "function");
    const result = await page.evaluate((o) => window.runBench(o), OPTIONS);
    result.browserVersion = browser.version();
    result.quick = QUICK;
    result.targets = targets(result);
    await mkdir(dirname(OUT), { recursive: true });
    await writeFile(OUT, JSON.stringify(result, null, 2));
    const a = result.adapter;
    console.log(`browser: Chromium ${result.browserVersion} (headless); WebGPU adapter: ${a ? `${a.vendor} ${a.architecture}`.trim() : "none"}; TF.js ${result.tfjsVersion}`);
    console.log(`workload: ${result.workload}`);
    console.log(table(result));
    if (result.gpu) {
      console.log(result.gpu.matmul.map((m) => `matmul n=${m.n}: ${m.gflops.toFixed(3)} GFLOP/s`).join("\n"));
      console.log(`GPU population training reaches ${(100 * result.gpu.fraction_of_matmul_ceiling).toFixed(0)} % of the best matmul rate`);
    }
    const p = result.probe;
    console.log(`backend probe: GPU ${fmt(p.gpu_rate, 1)}, CPU ${fmt(p.cpu_rate, 1)} cand-epochs/s (${p.candidates} candidates × ${p.train_rows} rows, ${p.total_ms.toFixed(0)} ms) → ${p.pick}`);
    const dm = result.dataMemory;
    if (dm) {
      const mib = (b) => (b / 1048576).toFixed(0);
      console.log(
        `data layer in wasm: ${dm.rows} × ${dm.columns} CSV (${mib(dm.csv_bytes)} MiB): memory ${mib(dm.memory_start)} → ${mib(dm.memory_after_csv)} (CSV text) → ${mib(dm.memory_after_load)} (load + profile, ${(dm.load_ms / 1000).toFixed(1)} s) → ${mib(dm.memory_after_prepare)} MiB (prepare, ${(dm.prepare_ms / 1000).toFixed(1)} s)`,
      );
    }
    for (const [k, v] of Object.entries(result.errors)) console.log(`not measured: ${k}: ${v}`);
    for (const x of result.targets) {
      const verdict = x.met === null ? "not measured" : x.met ? "met" : "missed";
      console.log(`target: ${x.target}: ${fmt(x.value, 2)} → ${verdict}`);
    }
    console.log(`wrote ${OUT}`);
  } catch (e) {
    console.error(`browser benchmark failed: ${e?.stack ?? e}`);
    status = 1;
  } finally {
    await browser.close();
    server.close();
  }
  process.exit(status);
}

main();
