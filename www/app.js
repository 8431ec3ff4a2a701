// The page: starts the engine worker, asks it for a self-check and shows the result.
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let nextId = 1;
const pending = new Map();

worker.onmessage = (event) => {
  const { id, result, error } = event.data;
  const entry = pending.get(id);
  if (!entry) return;
  pending.delete(id);
  if (error !== undefined) entry.reject(new Error(error));
  else entry.resolve(result);
};
worker.onerror = (event) => showError(`The engine failed to start: ${event.message}`);

function call(method, params = {}) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, method, params });
  });
}

function showError(message) {
  const el = document.getElementById("engine-error");
  el.textContent = message;
  el.hidden = false;
  document.body.dataset.runState = "error";
}

async function start() {
  document.body.dataset.runState = "running";
  try {
    const check = await call("selfCheck");
    const backend = document.getElementById("backend");
    if (check.adapter) {
      const a = check.adapter;
      const name = a.name || [a.vendor, a.driver].filter(Boolean).join(" ") || "unnamed adapter";
      backend.textContent = `GPU: ${name} (${a.backend}, ${a.device_type})`;
      backend.dataset.kind = "gpu";
      const k = check.kernel_check;
      document.getElementById("kernel-check").textContent =
        `${k.passed ? "passed" : "FAILED"} (max error ${k.max_abs_error.toExponential(1)})`;
    } else {
      backend.textContent = `CPU (${check.cpu_reason})`;
      backend.dataset.kind = "cpu";
      document.getElementById("kernel-check").textContent = "not run: no GPU";
    }
    document.getElementById("iris-accuracy").textContent = check.iris_accuracy.toFixed(3);
    document.body.dataset.runState = "done";
  } catch (err) {
    showError(err.message);
  }
}

start();
