// Validation curves per candidate over epochs (uPlot), coloured by state with the best
// candidate highlighted; clicking a curve selects that candidate.
import { $, el, replace } from "./dom.js";
import { STATE_COLOURS, BEST_COLOUR, STATES } from "./run-model.js";

/* global uPlot */

export class Curves {
  /** `onSelect(trial)` is called when a curve is clicked. */
  constructor(onSelect) {
    this.box = $("curves");
    this.legend = $("curves-legend");
    this.onSelect = onSelect;
    this.plot = null;
    this.key = "";
    this.focused = null;
    replace(
      this.legend,
      [...STATES.map((s) => el("span", { class: "key" }, el("i", { style: null, class: `swatch s-${s}` }), s)), el("span", { class: "key" }, el("i", { class: "swatch s-best" }), "best")],
    );
    new ResizeObserver(() => this.resize()).observe(this.box);
  }

  resize() {
    if (this.plot) this.plot.setSize({ width: this.box.clientWidth, height: this.height() });
  }

  height() {
    return Math.max(220, Math.min(320, Math.round(this.box.clientWidth * 0.45)));
  }

  /** Redraws from the run model. */
  render(run) {
    const trials = [...run.trials.values()].filter((t) => t.curve.length > 0);
    const best = run.bestTrial();
    let maxEpoch = 1;
    for (const t of trials) for (const p of t.curve) if (p.epoch > maxEpoch) maxEpoch = p.epoch;
    const xs = Array.from({ length: maxEpoch }, (_, i) => i + 1);
    const data = [xs];
    for (const t of trials) {
      const ys = new Array(maxEpoch).fill(null);
      for (const p of t.curve) ys[p.epoch - 1] = Number.isFinite(p.score) ? p.score : null;
      data.push(ys);
    }
    this.trials = trials.map((t) => t.trial);
    const key = `${run.scoreName}|${trials.map((t) => `${t.trial}:${t.state}:${t === best}`).join(",")}`;
    if (this.plot && key === this.key) {
      this.plot.setData(data);
      return;
    }
    this.key = key;
    const series = [
      { label: "epoch" },
      ...trials.map((t) => {
        const isBest = t === best;
        return {
          label: `#${t.trial} ${t.summary}`,
          stroke: isBest ? BEST_COLOUR : STATE_COLOURS[t.state] ?? "#888",
          width: isBest ? 3 : t.state === "pruned" ? 1 : 1.5,
          alpha: isBest ? 1 : t.state === "pruned" ? 0.55 : 0.9,
          spanGaps: true,
          points: { show: false },
        };
      }),
    ];
    const opts = {
      width: this.box.clientWidth || 600,
      height: this.height(),
      legend: { show: false },
      cursor: { focus: { prox: 12 }, drag: { x: false, y: false } },
      focus: { alpha: 0.3 },
      scales: { x: { time: false } },
      axes: [
        { label: "epoch", stroke: "#5a6473", grid: { stroke: "#eef0f3" } },
        { label: `validation ${run.scoreName}`, stroke: "#5a6473", grid: { stroke: "#eef0f3" }, size: 56 },
      ],
      series,
      hooks: {
        setSeries: [
          (u, idx) => {
            this.focused = idx;
          },
        ],
      },
    };
    if (this.plot) this.plot.destroy();
    this.plot = new uPlot(opts, data, this.box);
    this.plot.over.addEventListener("click", () => {
      if (this.focused && this.trials[this.focused - 1] !== undefined) this.onSelect(this.trials[this.focused - 1]);
    });
    this.box.dataset.series = String(trials.length);
  }

  clear() {
    if (this.plot) this.plot.destroy();
    this.plot = null;
    this.key = "";
    this.box.dataset.series = "0";
  }
}
