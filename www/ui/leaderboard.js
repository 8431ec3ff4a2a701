// The leaderboard table: live (candidates ranked by validation score, next to the baselines, with
// cross-validated scores as they come) while searching; the final ranked leaderboard with test
// scores when the search has finished.
// Rows carry `data-model` and `data-test-score` for automation.
import { $, el, replace, fmt, fmtInt, fmtDuration } from "./dom.js";
import { STATE_COLOURS } from "./run-model.js";

function primary(metrics) {
  if (!metrics) return null;
  return metrics.task === "regression" ? metrics.rmse : metrics.accuracy;
}

/** A baseline's state from its events: skipped (not fitted for the data's size), failed or finished. */
function baselineState(b) {
  return b.skipped ? "skipped" : b.error ? "failed" : "finished";
}

function secondary(metrics) {
  if (!metrics) return null;
  return metrics.task === "regression" ? metrics.r2 : metrics.macro_f1;
}

export class Leaderboard {
  /** `onSelect(trial)` is called when a neural row is chosen. */
  constructor(onSelect) {
    this.table = $("leaderboard");
    this.caption = $("leaderboard-caption");
    this.onSelect = onSelect;
    this.selected = null;
  }

  header(run, final) {
    const s = run.higherIsBetter ? "acc." : "RMSE";
    const s2 = run.higherIsBetter ? "test F1" : "test R²";
    const cols = ["#", "model", "kind", "params", "epochs", `val. ${s}`, `CV ${s}`, `test ${s}`, s2, "train time", "state"];
    const titles = { 6: "Mean over the held-out folds of train + validation (the top candidates only)" };
    return el("thead", {}, el("tr", {}, cols.map((c, i) => el("th", { scope: "col", class: i >= 3 && i <= 9 ? "num" : "", title: titles[i] ?? null }, c))), final);
  }

  modelCell(name, trial) {
    if (trial === null || trial === undefined) return el("td", { class: "model" }, name);
    return el(
      "td",
      { class: "model" },
      el("button", { type: "button", class: "link", onclick: () => this.onSelect(trial), "aria-label": `Show candidate ${trial}: ${name}` }, `#${trial} `, el("span", {}, name)),
    );
  }

  /** Redraws from the run model. */
  render(run) {
    const rows = run.leaderboard ? this.finalRows(run) : this.liveRows(run);
    replace(this.table, this.header(run), el("tbody", {}, rows));
    this.caption.textContent = run.leaderboard
      ? `Final leaderboard: networks ranked by cross-validated ${run.scoreName} where the top candidates were cross-validated, and the baselines by theirs on the same folds (a baseline too costly to fit on every fold, shown without one, is placed among them by its validation ${run.scoreName}), otherwise by validation ${run.scoreName}; "(bag of k)" marks a winner that is the mean of its k cross-validation fold models, "(ensemble of m, k nets)" one that is a weighted mean of m cross-validated trials' fold models chosen on their out-of-fold predictions (its cross-validated score is the ensemble's), "(refit)" one retrained on train + validation (a baseline is refit so whenever the winner trained on those rows); train time counts every model a row's test score comes from (search, cross-validation folds, refit); test scores measured once, at the end.`
      : `Live: candidates by last validation ${run.scoreName}, with the baselines as they finish.`;
    this.table.dataset.final = String(!!run.leaderboard);
    this.markSelected(this.selected);
  }

  liveRows(run) {
    const items = [];
    for (const t of run.rankedTrials().slice(0, 30)) {
      items.push({ kind: "neural", trial: t.trial, model: t.summary, params: t.parameters, epochs: t.curve.length, valid: t.validScore, cv: t.cv?.score, state: t.state });
    }
    for (const b of run.baselines) {
      items.push({ kind: "baseline", model: b.name, valid: primary(b.valid), cv: b.cv?.score, state: baselineState(b), error: b.error ?? b.skipped, trainMs: b.fit_ms });
    }
    items.sort((a, b) => (run.better(a.valid, b.valid) ? -1 : run.better(b.valid, a.valid) ? 1 : 0));
    return items.map((r, i) =>
      el(
        "tr",
        { dataset: { model: r.model, kind: r.kind, trial: r.trial ?? "", validScore: Number.isFinite(r.valid) ? String(r.valid) : "", state: r.state }, title: r.error ?? null },
        el("td", { class: "num" }, i + 1),
        this.modelCell(r.model, r.trial),
        el("td", {}, r.kind),
        el("td", { class: "num" }, r.params ? fmtInt(r.params) : "–"),
        el("td", { class: "num" }, r.epochs ?? "–"),
        el("td", { class: "num" }, fmt(r.valid)),
        el("td", { class: "num" }, r.cv === undefined ? "–" : fmt(r.cv)),
        el("td", { class: "num" }, "–"),
        el("td", { class: "num" }, "–"),
        el("td", { class: "num" }, r.trainMs ? fmtDuration(r.trainMs) : "–"),
        el("td", {}, el("span", { class: `state s-${r.state}` }, r.state)),
      ),
    );
  }

  finalRows(run) {
    return [...this.rankedFinalRows(run), ...this.unfittedBaselineRows(run)];
  }

  /** Baselines that were skipped or failed: unranked, after the ranked rows, with the reason. */
  unfittedBaselineRows(run) {
    return run.baselines
      .filter((b) => !b.valid)
      .map((b) => {
        const state = baselineState(b);
        const cells = ["–", b.name, "baseline", "–", "–", "–", "–", "–", "–", "–"];
        return el(
          "tr",
          { dataset: { model: b.name, kind: "baseline", trial: "", testScore: "", state }, title: b.skipped ?? b.error ?? null },
          cells.map((c, i) => (i === 1 ? this.modelCell(c, null) : el("td", { class: i === 0 || i >= 3 ? "num" : "" }, c))),
          el("td", {}, el("span", { class: `state s-${state}` }, state)),
        );
      });
  }

  rankedFinalRows(run) {
    return run.leaderboard.rows.map((r) => {
      const test = primary(r.test);
      const t = r.trial !== null && r.trial !== undefined ? run.trials.get(r.trial) : null;
      return el(
        "tr",
        { dataset: { model: r.model, kind: r.kind, trial: r.trial ?? "", validScore: Number.isFinite(primary(r.valid)) ? String(primary(r.valid)) : "", testScore: test === null ? "" : String(test), cvScore: r.cv ? String(r.cv.score) : "", refit: String(!!r.refit), bag: String(r.bag ?? 0), ensemble: String(r.ensemble?.length ?? 0) }, class: r.rank === 1 ? "winner" : "" },
        el("td", { class: "num" }, r.rank),
        this.modelCell(r.ensemble?.length > 1 ? `${r.model} (ensemble of ${r.ensemble.length}, ${r.bag} nets)` : r.bag > 1 ? `${r.model} (bag of ${r.bag})` : r.refit ? `${r.model} (refit)` : r.model, r.trial),
        el("td", {}, r.kind),
        el("td", { class: "num" }, r.parameters ? fmtInt(r.parameters) : "–"),
        el("td", { class: "num" }, r.epochs ?? "–"),
        el("td", { class: "num" }, fmt(primary(r.valid))),
        el("td", { class: "num" }, r.cv ? fmt(r.cv.score) : "–"),
        el("td", { class: "num strong" }, fmt(test)),
        el("td", { class: "num" }, fmt(secondary(r.test))),
        el("td", { class: "num" }, fmtDuration(r.train_ms)),
        el("td", {}, el("span", { class: `state s-${t?.state ?? "finished"}` }, t?.state ?? "finished")),
      );
    });
  }

  /** Marks the row of `trial` as selected. */
  markSelected(trial) {
    this.selected = trial;
    for (const tr of this.table.querySelectorAll("tbody tr")) {
      tr.classList.toggle("selected", trial !== null && tr.dataset.trial === String(trial));
    }
  }
}

/** The leaderboard as CSV text (final rows if present, else the live rows). */
export function leaderboardCsv(run) {
  const esc = (v) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [];
  if (run.leaderboard) {
    const reg = !run.higherIsBetter;
    lines.push(["rank", "model", "kind", "trial", "parameters", "epochs", reg ? "valid_rmse" : "valid_accuracy", reg ? "cv_rmse" : "cv_accuracy", reg ? "test_rmse" : "test_accuracy", reg ? "test_r2" : "test_macro_f1", "refit", "bag", "ensemble", "train_ms", "infer_ms_per_1000"].join(","));
    for (const r of run.leaderboard.rows) {
      lines.push([r.rank, r.model, r.kind, r.trial, r.parameters, r.epochs, primary(r.valid), r.cv?.score, primary(r.test), secondary(r.test), !!r.refit, r.bag ?? 0, (r.ensemble ?? []).map((m) => `${m.trial}:${m.share}`).join(" "), r.train_ms, r.infer_ms_per_1000].map(esc).join(","));
    }
  } else {
    lines.push(["trial", "model", "parameters", "epochs", "valid_score", "state"].join(","));
    for (const t of run.rankedTrials()) lines.push([t.trial, t.summary, t.parameters, t.curve.length, t.validScore, t.state].map(esc).join(","));
  }
  return `${lines.join("\n")}\n`;
}

export { STATE_COLOURS };
