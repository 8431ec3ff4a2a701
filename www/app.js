// The page: wires the views to the engine worker. All engine work (data parsing, training,
// baselines) happens in the worker; this file only keeps the page state and redraws views.
import { $, el, download, throttle } from "./ui/dom.js";
import { Engine } from "./ui/engine.js";
import { RunModel } from "./ui/run-model.js";
import { parseHash, toHash, defaults } from "./ui/url-state.js";
import { DataPanel } from "./ui/data-panel.js";
import { SearchPanel } from "./ui/search-panel.js";
import { Progress } from "./ui/progress.js";
import { Curves } from "./ui/curves.js";
import { ParetoPlot } from "./ui/pareto.js";
import { Leaderboard, leaderboardCsv } from "./ui/leaderboard.js";
import { Details } from "./ui/details.js";
import { renderImportance, renderParallel } from "./ui/analysis.js";
import { Compare } from "./ui/compare.js";
import * as store from "./ui/persistence.js";

const engine = new Engine(new URL("./worker.js", import.meta.url));
const run = new RunModel();
const parsed = parseHash(location.hash);
const state = parsed.state;

/** What the page knows beyond the URL state. */
const page = {
  runState: "idle",
  paused: false,
  live: false, // a search session exists in the worker (candidate details available)
  runId: null,
  dataLabel: null,
  fingerprint: null,
  csvName: null,
  profile: null,
  selected: null,
  status: { elapsedMs: 0, epochs: 0, trials: 0 },
  budget: null,
  longestTask: 0,
  imported: false,
  /** The latest engine snapshot of the running search and the events it matches. */
  snapshot: null,
  /** The run record restored from storage on load, if any. */
  restored: null,
};

function setRunState(s) {
  page.runState = s;
  document.body.dataset.runState = s;
  search.setRunState(s, page.paused);
  const has = run.trials.size > 0 || run.baselines.length > 0;
  $("export-run").disabled = !has;
  $("export-csv").disabled = !has;
  $("export-model").disabled = !(s === "done" && page.live);
  $("export-journal").disabled = !(page.live && has);
  $("compare-run").disabled = s === "running" || !page.profile;
}

function notice(message) {
  const n = $("notice");
  n.textContent = message;
  n.hidden = !message;
}

function syncHash() {
  const hash = toHash({ ...state, autorun: false });
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

// ---- views --------------------------------------------------------------------------------

const select = (trial) => showCandidate(trial);
const data = new DataPanel({ onBuiltin: loadBuiltin, onFile: loadFile, onRoles: configure });
const search = new SearchPanel({
  onChange: () => {
    search.read(state);
    syncHash();
    refreshPlan();
  },
  onStart: () => startSearch(),
  onPause: () => engine.call("pause").then(() => setPaused(true)),
  onResume: () => engine.call("resume").then(() => setPaused(false)),
  onStop: () => engine.call("stop").catch(showRunError),
});
const progress = new Progress();
const curves = new Curves(select);
const pareto = new ParetoPlot(select);
const board = new Leaderboard(select);
const details = new Details();
const compare = new Compare(() => {
  state.inherit = !state.inherit;
  search.write(state);
  syncHash();
  startSearch();
});

function setPaused(p) {
  page.paused = p;
  search.setRunState(page.runState, p);
  renderProgress();
}

const renderAll = throttle(() => {
  curves.render(run);
  pareto.render(run);
  board.render(run);
  renderProgress();
  document.body.dataset.finishedTrials = String(run.finishedTrials().length);
  if (run.finished) renderAfter();
}, 250);

function renderProgress() {
  progress.update({ ...page.status, budget: page.budget, done: run.finished, paused: page.paused });
}

async function renderAfter() {
  renderImportance($("importance"), run);
  renderParallel($("parallel"), run, select);
  const fingerprint = page.fingerprint;
  let other = null;
  try {
    const runs = await store.listRuns();
    const match = runs.find((r) => r.id !== page.runId && r.finished && r.fingerprint === fingerprint && !!r.inherit !== !!run.meta?.inherit);
    if (match) {
      const m = new RunModel();
      m.apply(match.events);
      other = { inherit: !!match.inherit, points: m.bestSoFar() };
    }
  } catch {
    // no stored runs: the comparison offers to run the other mode
  }
  compare.render({ inherit: !!run.meta?.inherit, points: run.bestSoFar() }, other, run.scoreName);
}

// ---- hide controls (classroom links) ----------------------------------------------------------

function applyHide() {
  for (const node of document.querySelectorAll("[data-hide-key]")) {
    node.hidden = state.hide.includes(node.dataset.hideKey);
  }
}

// ---- engine start -----------------------------------------------------------------------------

engine.on((msg) => {
  if (msg.type === "events") onEvents(msg);
  else if (msg.type === "snapshot") onSnapshot(msg);
  else if (msg.type === "run") onRunMessage(msg);
  else if (msg.type === "fatal") showEngineError(msg.message);
});

function showEngineError(message) {
  const e = $("engine-error");
  e.textContent = message;
  e.hidden = false;
  document.body.dataset.engine = "error";
  setRunState("error");
}

async function selfCheck() {
  const check = await engine.call("selfCheck");
  const backend = $("backend");
  if (check.adapter) {
    const a = check.adapter;
    const name = a.name || [a.vendor, a.driver].filter(Boolean).join(" ") || "unnamed adapter";
    backend.textContent = `GPU: ${name} (${a.backend}, ${a.device_type})`;
    backend.dataset.kind = "gpu";
    const k = check.kernel_check;
    $("kernel-check").textContent = `${k.passed ? "passed" : "FAILED"} (max error ${k.max_abs_error.toExponential(1)})`;
    search.showBackend(`Auto uses the GPU: ${name}.`, "gpu");
  } else {
    backend.textContent = `CPU (${check.cpu_reason})`;
    backend.dataset.kind = "cpu";
    $("kernel-check").textContent = "not run: no GPU";
    search.showBackend(`Auto uses the CPU: ${check.cpu_reason}.`, "cpu");
  }
  $("iris-accuracy").textContent = check.iris_accuracy.toFixed(3);
  page.check = check;
  document.body.dataset.engine = "ready";
}

// ---- data ------------------------------------------------------------------------------------

async function loadBuiltin(id) {
  data.clearError();
  try {
    const profile = await engine.call("loadBuiltin", { id });
    state.dataset = id;
    state.csv = null;
    state.target = null;
    state.task = null;
    state.exclude = [];
    page.csvName = null;
    onProfile(profile, id, false);
    data.markSelected(id);
    syncHash();
    return true;
  } catch (err) {
    data.showError(err.message);
    return false;
  }
}

async function loadFile(file) {
  data.clearError();
  try {
    const profile = await engine.call("loadCsv", { file });
    state.csv = profile.fingerprint;
    state.dataset = null;
    state.target = null;
    state.task = null;
    state.exclude = [];
    page.csvName = file.name;
    onProfile(profile, file.name, true);
    data.markSelected(null);
    syncHash();
  } catch (err) {
    data.showError(err.message, file.name);
  }
}

async function configure(roles) {
  data.clearError();
  try {
    const profile = await engine.call("configure", roles);
    state.target = roles.target;
    state.task = roles.task;
    state.exclude = roles.excluded;
    onProfile(profile, page.dataLabel, !!page.csvName);
    syncHash();
  } catch (err) {
    data.showError(err.message, page.csvName);
  }
}

function onProfile(profile, label, csv) {
  page.profile = profile;
  page.dataLabel = label;
  page.fingerprint = profile.fingerprint;
  data.showProfile(profile, { csv });
  document.body.dataset.dataReady = "true";
  refreshPlan();
  setRunState(page.runState);
}

function searchConfig() {
  return {
    sampler: state.sampler,
    scheduler: state.scheduler,
    budget_seconds: state.budget,
    budget_epochs: state.epochs,
    max_epochs: state.maxEpochs,
    seed: state.seed,
    inherit: state.inherit,
    backend: state.backend,
    depth: state.depth,
    width: state.width,
    learning_rate: state.lr,
    dropout: state.dropout,
    space_json: state.space || null,
  };
}

const refreshPlan = throttle(async () => {
  if (!page.profile) return;
  if (search.read(state).length) return;
  try {
    search.showPlan(await engine.call("plan", { config: searchConfig() }));
  } catch (err) {
    search.showPlan(null, err.message);
  }
}, 150);

// ---- search ----------------------------------------------------------------------------------

async function startSearch() {
  if (page.runState === "running") return;
  if (search.read(state).length) return;
  if (!page.profile) {
    search.showProblems(["Pick a dataset or a CSV file first."]);
    return;
  }
  syncHash();
  $("restore-banner").hidden = true;
  run.reset();
  curves.clear();
  pareto.clear();
  page.selected = null;
  page.paused = false;
  page.imported = false;
  page.status = { elapsedMs: 0, epochs: 0, trials: 0 };
  page.budget = { seconds: state.budget, epochs: state.epochs };
  page.runId = `run-${Date.now().toString(36)}`;
  page.snapshot = null;
  $("details").hidden = true;
  $("details-hint").hidden = false;
  setRunState("running");
  progress.say("Starting…");
  board.render(run);
  try {
    const started = await engine.call("start", { config: searchConfig() });
    page.live = true;
    const b = started.backend;
    const text = b.kind === "gpu" ? `Training on the GPU: ${b.name}.` : `Training on the CPU: ${b.reason}.`;
    progress.say(text, b.kind);
    $("run-status").dataset.backend = b.kind;
    search.showBackend(text, b.kind);
  } catch (err) {
    showRunError(err);
  }
}

function showRunError(err) {
  progress.say(`The search failed: ${err.message}`, "error");
  setRunState("error");
}

/** Saves the run at most every 300 ms while trials keep finishing (and at once at the end). */
let saveTimer = null;
function scheduleSave(immediate = false) {
  if (saveTimer !== null && !immediate) return;
  clearTimeout(saveTimer);
  const save = () => {
    saveTimer = null;
    const withState = !run.finished && !!page.snapshot;
    store
      .saveRun({
        id: page.runId,
        config: { ...state, autorun: false },
        label: page.dataLabel,
        fingerprint: page.fingerprint,
        csv: !!page.csvName,
        inherit: !!run.meta?.inherit,
        finished: run.finished,
        events: persistentEvents(),
        resume: run.finished ? null : page.snapshot,
      })
      .then(() => {
        if (withState) document.body.dataset.savedSnapshots = String(Number(document.body.dataset.savedSnapshots ?? 0) + 1);
      })
      .catch((err) => console.warn(`run not saved: ${err.message}`));
  };
  if (immediate) save();
  else saveTimer = setTimeout(save, 300);
}

/** The events of finished trials (and everything that is not per-trial). */
function persistentEvents() {
  const done = new Set(run.finishedTrials().map((t) => t.trial));
  return run.events.filter((e) => e.trial === undefined || done.has(e.trial));
}

/**
 * A snapshot of the search state arrives after the events it covers: it is stored with exactly
 * those events, so "continue" after a reload resumes from a consistent point.
 */
function onSnapshot(msg) {
  if (msg.error) {
    console.warn(`search state not saved: ${msg.error}`);
    return;
  }
  if (run.finished) return;
  page.snapshot = { state: msg.state, events: run.events.slice() };
  scheduleSave();
}

function onEvents(msg) {
  const changed = run.apply(msg.events);
  if (msg.status) {
    page.status = { elapsedMs: msg.status.elapsed_ms, epochs: msg.status.epochs, trials: msg.status.trials };
  }
  if (changed.has("meta")) sayDataWarnings(run.meta?.warnings ?? []);
  if (changed.has("leaderboard")) scheduleSave(changed.has("final"));
  if (changed.has("stage") && !changed.has("final")) sayStage(run.stage);
  // The final leaderboard is drawn before the run is announced as done (automation reads it).
  if (changed.has("final")) {
    renderAll.now();
    finish();
  } else renderAll();
}

/**
 * Shows what the split says about the data (unused columns, tiny validation or test parts) when
 * a search starts, and takes down the previous run's such notice when this one has none.
 */
let dataNotice = "";
function sayDataWarnings(warnings) {
  const text = warnings.map((w) => `${w}.`).join(" ");
  if (text) notice(text);
  else if (dataNotice && $("notice").textContent === dataNotice) notice("");
  dataNotice = text;
}

/** Says which stage after the search phase is running. */
function sayStage(stage) {
  if (!stage) return;
  const calibrated = stage.temperature ? ` Its class probabilities are softened by the temperature ${stage.temperature.toFixed(2)}, fitted on its out-of-fold predictions.` : "";
  if (stage.kind === "cv") {
    const passed = stage.passedOver.length ? ` (${stage.passedOver.map((t) => `#${t}`).join(", ")} passed over: would not fit into the budget left)` : "";
    progress.say(`Cross-validating the top ${stage.candidates} candidates on ${stage.folds} folds of ${stage.rows} rows${passed} (${stage.done} done)…`, "info");
  } else if (stage.kind === "cv-skipped") {
    progress.say(`No cross-validation: ${stage.reason}.`, "info");
  } else if (stage.kind === "bag" && stage.members.length > 1) {
    const k = stage.members[0].models;
    const parts = stage.members.map((m) => `#${m.trial} × ${m.share.toFixed(2)}`).join(", ");
    progress.say(`The winner is an ensemble of ${stage.members.length} cross-validated trials (${parts}), chosen on their out-of-fold predictions: ${stage.models} networks, each trained on ${k - 1} of ${k} folds of ${stage.rows} rows.${calibrated} Evaluating on the test rows…`, "info");
  } else if (stage.kind === "bag") {
    progress.say(`The winner is the bag of its ${stage.models} fold models (the mean of their outputs, each trained on ${stage.models - 1} of ${stage.models} folds of ${stage.rows} rows).${calibrated} Evaluating on the test rows…`, "info");
  } else if (stage.kind === "refit") {
    progress.say(stage.diverged ? "The refit of the winner diverged; its search weights are kept." : `Refitted the winner on ${stage.rows} train + validation rows; evaluating on the test rows…`, "info");
  } else if (stage.kind === "baseline-cv") {
    const left = stage.left.length ? ` (${stage.left.join(", ")} not cross-validated: ranked by validation)` : "";
    progress.say(`Cross-validating the baselines on the networks' folds: ${stage.done} done${left}…`, "info");
  } else if (stage.kind === "baseline-refit") {
    const failed = stage.failed.length ? ` (${stage.failed.join(", ")} failed and ${stage.failed.length > 1 ? "are" : "is"} tested as first fitted)` : "";
    progress.say(`The winner trained on train + validation, so the baselines are refit on the same ${stage.rows} rows: ${stage.done} done${failed}…`, "info");
  }
}

function finish() {
  page.paused = false;
  setRunState("done");
  progress.say(`Search finished: ${run.trials.size} candidates, ${run.baselines.filter((b) => b.valid).length} baselines.`, "done");
  const best = run.leaderboard?.rows?.find((r) => r.kind === "neural");
  if (best && page.selected === null) showCandidate(best.trial);
}

function onRunMessage(msg) {
  if (msg.state === "error") {
    showRunError(new Error(msg.message));
  } else if (msg.state === "paused") setPaused(true);
  else if (msg.state === "running") setPaused(false);
}

async function showCandidate(trial) {
  const t = run.trials.get(trial);
  if (!t) return;
  page.selected = trial;
  board.markSelected(trial);
  $("details-hint").hidden = true;
  let info = null;
  if (page.live) {
    try {
      info = await engine.call("candidate", { trial });
    } catch (err) {
      info = { note: `Weights not available: ${err.message}` };
    }
  } else {
    info = { note: "This run was restored or imported: its weights are not in this tab, so edges are drawn uncoloured." };
  }
  if (page.selected === trial) details.render(run, t, info);
}

// ---- share, export, import --------------------------------------------------------------------

$("share").addEventListener("click", async () => {
  const url = `${location.origin}${location.pathname}${toHash(state)}`;
  try {
    await navigator.clipboard.writeText(url);
    notice("Share link copied. It holds the settings and the dataset id — never your data.");
  } catch {
    notice(`Share link: ${url}`);
  }
});

function runJson() {
  return {
    format: "automl-playground-run",
    version: 1,
    saved_at: new Date().toISOString(),
    config: { ...state, autorun: false },
    dataset: page.dataLabel,
    fingerprint: page.fingerprint,
    events: run.events,
  };
}

function baseName() {
  return (page.dataLabel ?? "run").replace(/[^a-z0-9_-]+/gi, "_");
}

/**
 * The run file: the page's event list (what an import replays) and, when this tab ran the search,
 * the engine's own record of it (`run`: configuration, every trial with its curve, baselines,
 * leaderboard), spliced in as the engine wrote it so 64-bit seeds keep every digit.
 */
async function runFileText() {
  const doc = JSON.stringify(runJson(), null, 1);
  if (!page.live) return doc;
  try {
    const engineRun = await engine.call("exportRun");
    return `{\n "run": ${engineRun},${doc.slice(1)}`;
  } catch (err) {
    console.warn(`run record not included: ${err.message}`);
    return doc;
  }
}

$("export-run").addEventListener("click", async () => download(`${baseName()}-run.json`, await runFileText()));
$("export-csv").addEventListener("click", () => download(`${baseName()}-leaderboard.csv`, leaderboardCsv(run), "text/csv"));
$("export-model").addEventListener("click", async () => {
  try {
    const text = await engine.call("exportModel");
    download(`${baseName()}-best-model.json`, text);
  } catch (err) {
    notice(`Could not export the model: ${err.message}`);
  }
});
$("export-journal").addEventListener("click", async () => {
  try {
    download(`${baseName()}-optuna-journal.log`, await engine.call("exportJournal"), "text/plain");
  } catch (err) {
    notice(`Could not export the journal: ${err.message}`);
  }
});

$("import-file").addEventListener("change", async (e) => {
  const file = e.target.files?.[0];
  e.target.value = "";
  if (!file) return;
  let doc;
  try {
    doc = JSON.parse(await file.text());
  } catch (err) {
    notice(`${file.name} is not valid JSON: ${err.message}`);
    return;
  }
  if (doc?.format === "automl-playground-run" && Array.isArray(doc.events)) importRun(doc, file.name);
  else importModel(file);
});

function replay(events, label) {
  run.reset();
  curves.clear();
  pareto.clear();
  run.apply(events);
  const last = [...events].reverse().find((e) => e.type === "search_finished");
  page.status = { elapsedMs: last?.elapsed_ms ?? 0, epochs: run.epochsDone, trials: run.trials.size };
  page.budget = run.meta?.budget ?? null;
  page.live = false;
  // Drawn at once, not throttled: callers announce the restored or imported run right after
  // (automation reads the views then).
  renderAll.now();
  progress.say(label, "info");
}

function importRun(doc, name) {
  if (page.runState === "running") {
    notice("Stop the running search before importing a run.");
    return;
  }
  page.imported = true;
  replay(doc.events, `Imported ${name}: ${doc.dataset ?? "run"} (not re-run).`);
  setRunState(run.finished ? "done" : "idle");
  notice(`Showing ${name} as saved; nothing was re-run.`);
}

async function importModel(file) {
  try {
    const info = await engine.call("importModel", { text: await file.text() });
    notice(`Imported model ${info.summary}: ${info.message}`);
    document.body.dataset.importedModel = info.summary;
    const trial = { trial: "imported", summary: info.summary, parameters: info.parameters, state: "finished", curve: [], params: {} };
    details.render(run, trial, info);
    $("details-title").textContent = `Imported model: ${info.summary}`;
    $("details-hint").hidden = true;
  } catch (err) {
    notice(`${file.name}: ${err.message}`);
  }
}

// ---- restore ----------------------------------------------------------------------------------

async function restore() {
  let last = null;
  try {
    last = await store.lastRun();
  } catch (err) {
    console.warn(err.message);
  }
  if (!last || !last.events?.length) return false;
  page.restored = last;
  page.runId = last.id;
  page.fingerprint = last.fingerprint;
  replay(last.events, "");
  const finished = run.finishedTrials().length;
  $("restore-text").textContent = `Restored the last run on ${last.label ?? "its data"}: ${finished} finished candidates${last.finished ? ", search complete" : " — it was interrupted"}.`;
  $("restore-banner").hidden = false;
  $("restore-continue").hidden = !!last.finished;
  document.body.dataset.restored = String(finished);
  progress.say("Restored from this browser's storage.", "info");
  setRunState(last.finished ? "done" : "idle");
  return { sameConfig: JSON.stringify(last.config) === JSON.stringify({ ...state, autorun: false }), finished: last.finished };
}

$("restore-continue").addEventListener("click", () => continueRun());

/** Loads the data and settings of the restored run (the same built-in dataset, or the same file). */
async function loadRunData(last) {
  const cfg = last.config ?? {};
  // What is loaded in the engine now (the restored run only set the page's labels).
  const loaded = page.profile?.fingerprint ?? null;
  if (last.csv) {
    if (!page.csvName || loaded !== last.fingerprint) {
      throw new Error(`choose the file ${last.label ?? ""} again first: files are never stored`);
    }
  } else if (cfg.dataset && (state.dataset !== cfg.dataset || loaded !== last.fingerprint)) {
    if (!(await loadBuiltin(cfg.dataset))) throw new Error(`the dataset ${cfg.dataset} could not be loaded`);
  }
  Object.assign(state, { ...cfg, autorun: false, dataset: state.dataset, csv: state.csv });
  search.write(state);
  if (cfg.target || cfg.task || cfg.exclude?.length) {
    const profile = await engine.call("configure", { target: cfg.target ?? null, task: cfg.task ?? null, excluded: cfg.exclude ?? [], included: [] });
    state.target = cfg.target;
    state.task = cfg.task;
    state.exclude = cfg.exclude ?? [];
    onProfile(profile, page.dataLabel, !!page.csvName);
  }
  syncHash();
}

/**
 * Continues the restored run from its last snapshot: the engine gets the saved search state back
 * (trials, sampler and scheduler state, weights of candidates in training) and goes on with the
 * budget that was left. Without a snapshot the run is started again with the same seed.
 */
async function continueRun() {
  const last = page.restored;
  if (!last || page.runState === "running") return;
  try {
    await loadRunData(last);
  } catch (err) {
    notice(`Cannot continue: ${err.message}.`);
    return;
  }
  $("restore-banner").hidden = true;
  if (!last.resume?.state) {
    notice("The run stopped before its state was saved; it starts again with the same seed.");
    startSearch();
    return;
  }
  replay(last.resume.events, "Continuing the saved run…");
  page.runId = last.id;
  page.snapshot = last.resume;
  page.paused = false;
  page.imported = false;
  page.budget = { seconds: state.budget, epochs: state.epochs };
  setRunState("running");
  try {
    const resumed = await engine.call("continueRun", { config: searchConfig(), state: last.resume.state });
    page.live = true;
    page.status = { elapsedMs: resumed.elapsed_ms, epochs: Number(resumed.epochs), trials: resumed.trials };
    document.body.dataset.continuedFrom = String(resumed.trials);
    const b = resumed.backend;
    const where = b.kind === "gpu" ? `on the GPU: ${b.name}` : `on the CPU: ${b.reason}`;
    progress.say(`Continuing the saved run (${resumed.trials} candidates so far) ${where}.`, b.kind);
    $("run-status").dataset.backend = b.kind;
    search.showBackend(b.kind === "gpu" ? `Training on the GPU: ${b.name}.` : `Training on the CPU: ${b.reason}.`, b.kind);
  } catch (err) {
    showRunError(err);
  }
}

$("restore-dismiss").addEventListener("click", () => {
  $("restore-banner").hidden = true;
});

// ---- main-thread responsiveness ---------------------------------------------------------------

if ("PerformanceObserver" in self && PerformanceObserver.supportedEntryTypes?.includes("longtask")) {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) page.longestTask = Math.max(page.longestTask, entry.duration);
    document.body.dataset.longestTask = String(Math.round(page.longestTask));
  }).observe({ type: "longtask", buffered: true });
}

// ---- start -----------------------------------------------------------------------------------

async function main() {
  applyHide();
  search.write(state);
  setRunState("idle");
  if (parsed.warnings.length) notice(`Some link settings were not used: ${parsed.warnings.join("; ")}.`);
  try {
    await selfCheck();
  } catch (err) {
    showEngineError(err.message);
    return;
  }
  try {
    const { list, previews } = await engine.call("datasets");
    data.showDatasets(list, previews);
  } catch (err) {
    data.showError(`Built-in datasets unavailable: ${err.message}`);
  }
  const restored = await restore();
  let ready = false;
  if (state.csv) {
    notice(`This link refers to a CSV file (fingerprint ${state.csv}). Choose that file again: data never travels in links.`);
  } else if (state.dataset) {
    ready = await loadBuiltin(state.dataset);
    if (!ready) state.dataset = defaults().dataset;
  }
  const resumeInstead = restored && !restored.finished && restored.sameConfig;
  if (ready && state.autorun && !resumeInstead) startSearch();
}

main();
