// Validation score against parameter count for every candidate (uPlot scatter, log x axis),
// with the Pareto front (no other candidate is both smaller and better) drawn as a step line.
import { $ } from "./dom.js";
import { STATE_COLOURS, BEST_COLOUR } from "./run-model.js";

/* global uPlot */

const GROUPS = ["running", "promoted", "finished", "pruned", "diverged", "stopped"];

/** Indices of the Pareto-optimal points (fewer parameters and better score). */
export function paretoFront(points, higherIsBetter) {
  const sorted = points
    .map((p, i) => ({ ...p, i }))
    .filter((p) => Number.isFinite(p.score))
    .sort((a, b) => a.params - b.params || (higherIsBetter ? b.score - a.score : a.score - b.score));
  const front = [];
  let best = higherIsBetter ? -Infinity : Infinity;
  for (const p of sorted) {
    if (higherIsBetter ? p.score > best : p.score < best) {
      front.push(p.i);
      best = p.score;
    }
  }
  return front;
}

export class ParetoPlot {
  constructor(onSelect) {
    this.box = $("pareto");
    this.onSelect = onSelect;
    this.plot = null;
    this.key = "";
    new ResizeObserver(() => {
      if (this.plot) this.plot.setSize({ width: this.box.clientWidth, height: this.height() });
    }).observe(this.box);
  }

  height() {
    return Math.max(220, Math.min(320, Math.round(this.box.clientWidth * 0.45)));
  }

  render(run) {
    const trials = [...run.trials.values()].filter((t) => Number.isFinite(t.validScore));
    const points = trials.map((t) => ({ params: t.parameters, score: t.validScore, state: t.state, trial: t.trial }));
    const front = new Set(paretoFront(points, run.higherIsBetter));
    const order = points.map((_, i) => i).sort((a, b) => points[a].params - points[b].params);
    const xs = order.map((i) => points[i].params);
    const data = [xs];
    for (const g of GROUPS) data.push(order.map((i) => (points[i].state === g ? points[i].score : null)));
    data.push(order.map((i) => (front.has(i) ? points[i].score : null)));
    this.order = order.map((i) => points[i].trial);
    const key = `${run.scoreName}`;
    if (this.plot && key === this.key) {
      this.plot.setData(data);
      return;
    }
    this.key = key;
    const pointsOnly = (g) => ({
      label: g,
      stroke: STATE_COLOURS[g],
      fill: STATE_COLOURS[g],
      paths: () => null,
      points: { show: true, size: 7, stroke: STATE_COLOURS[g], fill: STATE_COLOURS[g] },
    });
    const opts = {
      width: this.box.clientWidth || 500,
      height: this.height(),
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 9 } },
      scales: { x: { time: false, distr: 3 } },
      axes: [
        { label: "parameters (log scale)", stroke: "#5a6473", grid: { stroke: "#eef0f3" } },
        { label: `validation ${run.scoreName}`, stroke: "#5a6473", grid: { stroke: "#eef0f3" }, size: 56 },
      ],
      series: [
        { label: "parameters" },
        ...GROUPS.map(pointsOnly),
        { label: "Pareto front", stroke: BEST_COLOUR, width: 2, spanGaps: true, dash: [6, 4], points: { show: true, size: 9, stroke: BEST_COLOUR, fill: "#fff" } },
      ],
    };
    if (this.plot) this.plot.destroy();
    this.plot = new uPlot(opts, data, this.box);
    this.plot.over.addEventListener("click", () => {
      const idx = this.plot.cursor.idx;
      if (idx !== null && idx !== undefined && this.order[idx] !== undefined) this.onSelect(this.order[idx]);
    });
  }

  clear() {
    if (this.plot) this.plot.destroy();
    this.plot = null;
    this.key = "";
  }
}
