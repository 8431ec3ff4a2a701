// Candidate details: the network drawing, hyperparameters, its validation curve, the decision
// boundary (2-D data) and a confusion matrix or predicted-vs-actual plot.
import { $, el, replace, fmt, fmtInt } from "./dom.js";
import { drawNetwork } from "./network.js";
import { drawBoundary } from "./boundary.js";
import { confusionTable, predictedVsActual } from "./evaluation.js";
import { STATE_COLOURS } from "./run-model.js";

/* global uPlot */

function hyperparameterList(trial, spec, scoreName) {
  const items = [];
  const add = (k, v) => items.push(el("dt", {}, k), el("dd", {}, v));
  add("architecture", trial.summary);
  add("parameters", fmtInt(trial.parameters));
  add("state", el("span", { class: `state s-${trial.state}` }, trial.state));
  add("epochs", String(trial.curve.length));
  if (Number.isFinite(trial.validScore)) {
    items.push(el("dt", {}, `validation ${scoreName}`), el("dd", { id: "details-valid", dataset: { score: String(trial.validScore) } }, fmt(trial.validScore)));
  }
  if (trial.parent !== null && trial.parent !== undefined) add("parent", `#${trial.parent}${trial.inherited ? " (weights inherited)" : ""}`);
  if (trial.origin) add("proposed by", trial.origin);
  if (spec) {
    const opt = spec.optimizer ?? {};
    add("optimizer", `${opt.kind ?? "?"}${opt.momentum !== undefined ? ` (momentum ${fmt(opt.momentum, 2)})` : ""}`);
    add("learning rate", `${fmt(spec.learning_rate, 4)} · ${spec.schedule}${spec.warmup_epochs ? `, ${spec.warmup_epochs} warm-up` : ""}`);
    add("batch size", String(spec.batch_size));
    add("dropout", fmt(spec.dropout, 2));
    add("weight decay", fmt(spec.weight_decay, 5));
    add("init", spec.init);
  } else {
    for (const [k, v] of Object.entries(trial.params ?? {})) add(k, fmt(v, 4));
  }
  return el("dl", { class: "hyper" }, items);
}

export class Details {
  constructor() {
    this.box = $("details");
    this.title = $("details-title");
    this.plot = null;
  }

  /** Shows `trial` (run-model record) with `info` from the engine (may be null: run imported). */
  render(run, trial, info) {
    if (this.plot) this.plot.destroy();
    this.plot = null;
    this.title.textContent = `Candidate #${trial.trial}: ${trial.summary}`;
    const network = el("div", { class: "network-box", id: "network" });
    const curveBox = el("div", { class: "mini-curve" });
    const extra = [];
    if (info?.boundary) {
      const canvas = el("canvas", { width: 260, height: 260, class: "boundary", id: "boundary", role: "img", "aria-label": "Decision boundary over the two features" });
      extra.push(el("figure", {}, canvas, el("figcaption", {}, `Decision boundary over ${info.boundary.x_name} × ${info.boundary.y_name} (validation points)`)));
      requestAnimationFrame(() => drawBoundary(canvas, info.boundary, info.boundary.points));
    }
    if (info?.evaluation?.kind === "confusion") {
      extra.push(el("figure", {}, confusionTable(info.evaluation.matrix, info.evaluation.labels, `Confusion matrix (${info.evaluation.part})`)));
    } else if (info?.evaluation?.kind === "regression") {
      const canvas = el("canvas", { width: 260, height: 260, id: "pred-actual", role: "img", "aria-label": "Predicted against actual values" });
      extra.push(el("figure", {}, canvas, el("figcaption", {}, `Predicted vs actual (${info.evaluation.part})`)));
      requestAnimationFrame(() => predictedVsActual(canvas, info.evaluation.actual, info.evaluation.predicted));
    }
    const note = info?.note ? el("p", { class: "muted" }, info.note) : null;
    replace(
      this.box,
      el("div", { class: "details-grid" }, el("div", { class: "details-net" }, network, note), el("div", { class: "details-side" }, hyperparameterList(trial, info?.spec, run.scoreName), curveBox)),
      extra.length ? el("div", { class: "details-eval" }, extra) : null,
    );
    this.box.hidden = false;
    this.box.dataset.trial = String(trial.trial);
    const widths = info?.spec ? [info.spec.inputs, ...info.spec.hidden.map((h) => h.width), info.spec.outputs] : fallbackWidths(run, trial);
    const activations = info?.spec ? info.spec.hidden.map((h) => h.activation) : trial.summary.split(" ▸ ").map((s) => s.split("-").slice(1).join("-"));
    drawNetwork(network, { widths, activations, weights: info?.weights ?? null, inputNames: info?.input_names, outputNames: info?.output_names });
    if (trial.curve.length) {
      this.plot = new uPlot(
        {
          width: Math.max(240, curveBox.clientWidth || 300),
          height: 150,
          legend: { show: false },
          scales: { x: { time: false } },
          axes: [{ stroke: "#5a6473", size: 28 }, { stroke: "#5a6473", size: 46 }],
          series: [{}, { label: run.scoreName, stroke: STATE_COLOURS[trial.state] ?? "#2f6fdf", width: 2 }],
        },
        [trial.curve.map((p) => p.epoch), trial.curve.map((p) => (Number.isFinite(p.score) ? p.score : null))],
        curveBox,
      );
    }
  }
}

function fallbackWidths(run, trial) {
  const hidden = trial.summary.split(" ▸ ").map((s) => Number.parseInt(s, 10)).filter(Number.isFinite);
  const inputs = run.meta?.inputs ?? 4;
  const outputs = run.meta?.outputs ?? 2;
  return [inputs, ...hidden, outputs];
}
