// The engine's home: a module Web Worker that loads the wasm and answers the page's requests.
// It owns the search loop: one `step()` of the wasm session at a time, posting the events to the
// page between steps and yielding to the event loop so pause and stop requests are handled.
import init, * as engine from "./pkg/automl.js";

const ready = init();
let session = null;

/** Search loop state. */
const loop = { active: false, paused: false, stop: false, wake: null, startedAt: 0, pausedMs: 0, pausedAt: 0, epochs: 0, trials: 0 };

function describe(err) {
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

async function runLoop() {
  try {
    for (;;) {
      if (loop.paused && !loop.stop) {
        await new Promise((resolve) => (loop.wake = resolve));
        continue;
      }
      const events = loop.stop ? await session.stop() : await session.step();
      post(events);
      if (events.some((e) => e.type === "search_finished")) break;
      await yieldToEventLoop();
    }
  } catch (err) {
    self.postMessage({ type: "run", state: "error", message: describe(err) });
  } finally {
    loop.active = false;
  }
}

function needSession() {
  if (!session) session = new engine.Session();
  return session;
}

const methods = {
  selfCheck: () => engine.selfCheck(),
  datasets: () => needSession().datasets(),
  loadBuiltin: ({ id }) => needSession().loadBuiltin(id),
  loadCsv: async ({ file }) => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return needSession().loadCsv(bytes, file.name);
  },
  configure: (roles) => needSession().configure(roles),
  plan: ({ config }) => needSession().plan(config),
  start: async ({ config }) => {
    if (loop.active) throw new Error("a search is already running");
    const result = await needSession().startSearch(config);
    Object.assign(loop, { active: true, paused: false, stop: false, startedAt: performance.now(), pausedMs: 0, epochs: 0, trials: 0 });
    runLoop();
    return result;
  },
  pause: () => {
    if (loop.active && !loop.paused) {
      loop.paused = true;
      loop.pausedAt = performance.now();
      session.pause();
    }
    return true;
  },
  resume: () => {
    if (loop.paused) {
      loop.pausedMs += performance.now() - loop.pausedAt;
      loop.paused = false;
      session.resume();
      loop.wake?.();
    }
    return true;
  },
  stop: () => {
    loop.stop = true;
    if (loop.paused) methods.resume();
    return true;
  },
  candidate: ({ trial }) => needSession().candidate(trial),
  exportModel: () => needSession().exportModel(),
  exportJournal: () => needSession().exportJournal(),
  importModel: ({ text }) => needSession().importModel(text),
};

self.onmessage = async (event) => {
  const { id, method, params } = event.data;
  try {
    await ready;
    const fn = methods[method];
    if (!fn) throw new Error(`unknown request "${method}"`);
    const result = await fn(params ?? {});
    self.postMessage({ id, result });
  } catch (err) {
    self.postMessage({ id, error: describe(err) });
  }
};
