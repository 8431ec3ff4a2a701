// The engine's home: a module Web Worker that loads the wasm and answers the page's requests.
// It owns the search loop: one `step()` of the wasm session at a time, posting the events to the
// page between steps and yielding to the event loop so pause and stop requests are handled.
import init, * as engine from "./pkg/automl.js";

const ready = init();

/** Engine calls run one at a time: a request waits for the step in progress (steps are short). */
let chain = Promise.resolve();
function exclusive(fn) {
  const next = chain.then(fn);
  chain = next.catch(() => {});
  return next;
}

/** Search loop state. */
const loop = { active: false, paused: false, stop: false, wake: null, startedAt: 0, pausedMs: 0, pausedAt: 0, epochs: 0, trials: 0, snapshotAt: 0 };

/** How often the running search is snapshotted for the browser's storage (ms of run time). */
const SNAPSHOT_EVERY_MS = 4000;

/**
 * Set once an engine call has trapped: a Rust panic aborts the call midway, so the engine's
 * state can no longer be trusted and every later request is answered with this message.
 */
let broken = null;

function describe(err) {
  if (err instanceof WebAssembly.RuntimeError) {
    let cause = null;
    try {
      cause = engine.lastPanic();
    } catch {
      // The engine cannot even say why; the trap's own message is all there is.
    }
    broken ??= `The engine stopped on an internal error (${cause ?? err.message}). This is a bug in the playground, not a problem with your data or settings. Reload the page to start again; finished trials are kept.`;
    return broken;
  }
  if (err instanceof Error) return err.message;
  if (typeof err === "string") return err;
  return String(err?.message ?? err);
}

/** Resolves on the next turn of the event loop (lets queued messages run). */
function yieldToEventLoop() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function elapsed() {
  const pausedNow = loop.paused ? performance.now() - loop.pausedAt : 0;
  return performance.now() - loop.startedAt - loop.pausedMs - pausedNow;
}

function post(events) {
  for (const e of events) {
    if (e.type === "epoch") loop.epochs += 1;
    else if (e.type === "trial_started") loop.trials += 1;
  }
  self.postMessage({ type: "events", events, status: { elapsed_ms: elapsed(), epochs: loop.epochs, trials: loop.trials } });
}

/**
 * Posts a snapshot of the search (its whole state without the data) after the events posted so
 * far, so the page can store both together and continue the run after a reload.
 */
async function snapshot() {
  loop.snapshotAt = performance.now();
  try {
    const state = await exclusive(() => engine.saveState());
    self.postMessage({ type: "snapshot", state });
  } catch (err) {
    self.postMessage({ type: "snapshot", error: describe(err) });
  }
}

async function runLoop() {
  try {
    for (;;) {
      if (loop.paused && !loop.stop) {
        await snapshot();
        await new Promise((resolve) => (loop.wake = resolve));
        continue;
      }
      const events = await exclusive(() => (loop.stop ? engine.stop() : engine.step()));
      post(events);
      if (events.some((e) => e.type === "search_finished")) break;
      if (!loop.stop && performance.now() - loop.snapshotAt > SNAPSHOT_EVERY_MS) await snapshot();
      await yieldToEventLoop();
    }
  } catch (err) {
    self.postMessage({ type: "run", state: "error", message: describe(err) });
  } finally {
    loop.active = false;
  }
}

const methods = {
  selfCheck: () => engine.selfCheck(),
  datasets: () => engine.datasets(),
  loadBuiltin: ({ id }) => engine.loadBuiltin(id),
  loadCsv: async ({ file }) => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return engine.loadCsv(bytes, file.name);
  },
  configure: (roles) => engine.configure(roles),
  plan: ({ config }) => engine.plan(config),
  start: async ({ config }) => {
    if (loop.active) throw new Error("a search is already running");
    const result = await engine.startSearch(config);
    Object.assign(loop, { active: true, paused: false, stop: false, startedAt: performance.now(), pausedMs: 0, epochs: 0, trials: 0, snapshotAt: performance.now() });
    runLoop();
    return result;
  },
  continueRun: async ({ config, state }) => {
    if (loop.active) throw new Error("a search is already running");
    const result = await engine.resumeSearch(config, state);
    const now = performance.now();
    Object.assign(loop, { active: true, paused: false, stop: false, startedAt: now - result.elapsed_ms, pausedMs: 0, epochs: Number(result.epochs), trials: result.trials, snapshotAt: now });
    runLoop();
    return result;
  },
  pause: () => {
    if (loop.active && !loop.paused) {
      loop.paused = true;
      loop.pausedAt = performance.now();
    }
    return true;
  },
  resume: () => {
    if (loop.paused) {
      loop.pausedMs += performance.now() - loop.pausedAt;
      loop.paused = false;
      loop.wake?.();
    }
    return true;
  },
  stop: () => {
    loop.stop = true;
    if (loop.paused) methods.resume();
    return true;
  },
  candidate: ({ trial }) => engine.candidate(trial),
  exportModel: () => engine.exportModel(),
  exportJournal: () => engine.exportJournal(),
  exportRun: () => engine.exportRun(),
  importModel: ({ text }) => engine.importModel(text),
};

self.onmessage = async (event) => {
  const { id, method, params } = event.data;
  try {
    await ready;
    if (broken) throw new Error(broken);
    const fn = methods[method];
    if (!fn) throw new Error(`unknown request "${method}"`);
    // Loop control answers at once; everything else waits its turn behind the running step.
    const immediate = method === "pause" || method === "resume" || method === "stop" || method === "loadCsv";
    const result = immediate ? await fn(params ?? {}) : await exclusive(() => fn(params ?? {}));
    self.postMessage({ id, result });
  } catch (err) {
    self.postMessage({ id, error: describe(err) });
  }
};
