// The page's picture of one search run, rebuilt from the engine's event stream. Every view reads
// from it; it is also what is persisted (as the list of events) and what a run JSON import
// replays, so a restored or imported run looks exactly like a live one.

/** Display states of a candidate, in legend order. */
export const STATES = ["running", "promoted", "finished", "pruned", "diverged", "stopped"];

/** Colour per state; the best candidate is drawn in `BEST_COLOUR`. */
export const STATE_COLOURS = {
  running: "#2f6fdf",
  promoted: "#8a4fd8",
  finished: "#1f9d6b",
  pruned: "#a3acb9",
  diverged: "#d64545",
  stopped: "#c9a227",
};
export const BEST_COLOUR = "#f07b12";

export class RunModel {
  constructor() {
    this.reset();
  }

  /** Forgets everything. */
  reset() {
    /** search_started payload (dataset, task, seed, plan, space, budget, rows, sampler, inherit). */
    this.meta = null;
    /** trial number → trial record. */
    this.trials = new Map();
    /** Baseline results in arrival order. */
    this.baselines = [];
    /** Final leaderboard (search_finished), or null while running. */
    this.leaderboard = null;
    /** Every event received, in order (the run's persistent form). */
    this.events = [];
    this.epochsDone = 0;
    this.elapsedMs = 0;
    /** The stage after the search phase: cross-validation, bagging or refit (null before). */
    this.stage = null;
    this.finished = false;
    this.startedAt = performance.now();
  }

  /** True when higher validation scores are better (classification). */
  get higherIsBetter() {
    return !this.meta || this.meta.task !== "regression";
  }

  /** Name of the validation score. */
  get scoreName() {
    return this.higherIsBetter ? "accuracy" : "RMSE";
  }

  /**
   * A candidate's validation score as the page shows it. The engine's per-epoch and per-trial
   * regression RMSE is in standardised units; the leaderboard's, the baselines' and the
   * cross-validated ones are in the target's units, so these are scaled by the target's
   * standard deviation (`target_scale` of search_started) to match them.
   */
  shown(raw) {
    if (raw === null || raw === undefined || this.higherIsBetter) return raw;
    const std = this.meta?.target_scale?.[1];
    return Number.isFinite(std) ? raw * std : raw;
  }

  /** Applies a batch of events; returns the set of things that changed. */
  apply(events) {
    const changed = new Set();
    for (const e of events) {
      this.events.push(e);
      this.applyOne(e, changed);
    }
    return changed;
  }

  applyOne(e, changed) {
    switch (e.type) {
      case "search_started":
        this.meta = e;
        changed.add("meta");
        break;
      case "trial_started":
        this.trials.set(e.trial, {
          trial: e.trial,
          summary: e.summary,
          parameters: e.parameters,
          params: e.params ?? {},
          parent: e.parent ?? null,
          inherited: !!e.inherited,
          origin: e.origin ?? "",
          targetEpochs: e.target_epochs,
          state: "running",
          curve: [],
          validScore: null,
        });
        changed.add("trials");
        break;
      case "epoch": {
        const t = this.trials.get(e.trial);
        if (!t) break;
        const m = e.metrics;
        const score = this.shown(m.valid_score);
        t.curve.push({ epoch: m.epoch, score, trainLoss: m.train_loss, validLoss: m.valid_loss });
        t.validScore = score;
        if (t.state === "promoted") t.state = "running";
        this.epochsDone += 1;
        changed.add("curves");
        break;
      }
      case "promoted": {
        const t = this.trials.get(e.trial);
        if (t) t.state = "promoted";
        changed.add("curves");
        break;
      }
      case "pruned": {
        const t = this.trials.get(e.trial);
        if (t) t.state = "pruned";
        changed.add("curves");
        break;
      }
      case "diverged": {
        const t = this.trials.get(e.trial);
        if (t) t.state = "diverged";
        changed.add("curves");
        break;
      }
      case "trial_finished": {
        const t = this.trials.get(e.trial);
        if (!t) break;
        const byStatus = { completed: "finished", pruned: "pruned", diverged: "diverged", stopped: "stopped", running: "running" };
        t.state = byStatus[e.status] ?? "finished";
        t.finished = true;
        t.epochs = e.epochs;
        if (e.valid_score !== null && e.valid_score !== undefined) t.validScore = this.shown(e.valid_score);
        changed.add("curves");
        changed.add("leaderboard");
        break;
      }
      case "baseline_finished":
        this.baselines.push(e);
        changed.add("leaderboard");
        break;
      case "baseline_skipped":
        this.baselines.push({ name: e.name, valid: null, fit_ms: 0, error: null, skipped: e.reason });
        changed.add("leaderboard");
        break;
      case "baseline_cross_validated": {
        const b = this.baselines.find((x) => x.name === e.name);
        if (b && e.score !== null && e.score !== undefined) b.cv = { folds: e.folds, score: e.score };
        const before = this.stage?.kind === "baseline-cv" ? this.stage : { done: 0, left: [] };
        this.stage = { kind: "baseline-cv", done: before.done + 1, left: e.error ? [...before.left, e.name] : before.left };
        changed.add("leaderboard");
        changed.add("stage");
        break;
      }
      case "baseline_refitted": {
        const b = this.baselines.find((x) => x.name === e.name);
        if (b && !e.error) b.refit = true;
        const before = this.stage?.kind === "baseline-refit" ? this.stage : { done: 0, failed: [] };
        this.stage = { kind: "baseline-refit", rows: e.rows, done: before.done + 1, failed: e.error ? [...before.failed, e.name] : before.failed };
        changed.add("stage");
        break;
      }
      case "cross_validation_started":
        this.stage = { kind: "cv", folds: e.folds, candidates: e.candidates.length, passedOver: e.passed_over ?? [], rows: e.rows, done: 0 };
        changed.add("stage");
        break;
      case "cross_validation_skipped":
        this.stage = { kind: "cv-skipped", reason: e.reason };
        changed.add("stage");
        break;
      case "cross_validated": {
        const t = this.trials.get(e.trial);
        if (t) t.cv = { folds: e.folds, score: e.score, loss: e.loss, diverged: e.diverged };
        if (this.stage?.kind === "cv") this.stage.done += 1;
        changed.add("leaderboard");
        changed.add("stage");
        break;
      }
      case "refitted": {
        const t = this.trials.get(e.trial);
        if (t) t.refit = !e.diverged;
        this.stage = { kind: "refit", trial: e.trial, rows: e.rows, diverged: e.diverged };
        changed.add("stage");
        break;
      }
      case "winner_bagged": {
        const t = this.trials.get(e.trial);
        if (t) t.bag = e.models;
        this.stage = { kind: "bag", trial: e.trial, models: e.models, rows: e.rows, members: e.members ?? [], cv: e.cv ?? null, temperature: e.temperature ?? null };
        changed.add("stage");
        break;
      }
      case "search_finished":
        this.leaderboard = e.leaderboard;
        this.elapsedMs = e.elapsed_ms;
        this.finished = true;
        changed.add("leaderboard");
        changed.add("final");
        break;
      case "progress":
        this.elapsedMs = e.elapsed_ms;
        changed.add("progress");
        break;
      default:
        break;
    }
  }

  /** Is `a` a better validation score than `b`? */
  better(a, b) {
    if (a === null || a === undefined || !Number.isFinite(a)) return false;
    if (b === null || b === undefined || !Number.isFinite(b)) return true;
    return this.higherIsBetter ? a > b : a < b;
  }

  /** The trial with the best validation score so far, or null. */
  bestTrial() {
    let best = null;
    for (const t of this.trials.values()) {
      if (t.state === "diverged") continue;
      if (best === null || this.better(t.validScore, best.validScore)) best = t;
    }
    return best && Number.isFinite(best.validScore) ? best : null;
  }

  /** Trials with at least one finished epoch, sorted best first. */
  rankedTrials() {
    const list = [...this.trials.values()].filter((t) => t.curve.length > 0);
    list.sort((a, b) => {
      if (this.better(a.validScore, b.validScore)) return -1;
      if (this.better(b.validScore, a.validScore)) return 1;
      return a.trial - b.trial;
    });
    return list;
  }

  /** Finished trials (for persistence and the after-search views). */
  finishedTrials() {
    return [...this.trials.values()].filter((t) => t.finished);
  }

  /**
   * Best-so-far validation score against cumulative candidate-epochs, in arrival order
   * (the "compute" axis of the NAS vs transfer comparison).
   */
  bestSoFar() {
    const points = [];
    let best = null;
    let epochs = 0;
    for (const e of this.events) {
      if (e.type !== "epoch") continue;
      epochs += 1;
      const score = this.shown(e.metrics.valid_score);
      if (this.better(score, best)) best = score;
      if (best !== null) points.push([epochs, best]);
    }
    return points;
  }
}
