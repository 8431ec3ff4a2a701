// "Architecture search vs transfer": best-so-far validation score against compute (candidate-
// epochs) for a search from scratch and one whose children inherit their parents' weights, on
// the same data.
import { $, el, replace, fmt, fmtInt } from "./dom.js";

/* global uPlot */

export class Compare {
  constructor(onRunOther) {
    this.box = $("compare");
    this.plotBox = $("compare-plot");
    this.note = $("compare-note");
    this.button = $("compare-run");
    this.button.addEventListener("click", () => onRunOther());
    this.plot = null;
  }

  /**
   * `current`: `{inherit, points}`; `other`: the same for the latest saved run on the same data
   * with the other setting, or null.
   */
  render(current, other, scoreName) {
    if (this.plot) this.plot.destroy();
    this.plot = null;
    const mode = (inherit) => (inherit ? "transfer (children inherit weights)" : "architecture search from scratch");
    this.button.textContent = `Run ${current.inherit ? "from scratch" : "with weight inheritance"} to compare`;
    if (!other) {
      replace(this.plotBox);
      this.note.textContent = `This run: ${mode(current.inherit)}. Run the same search in the other mode to compare them here.`;
      return;
    }
    const runs = [current, other];
    const xs = [...new Set(runs.flatMap((r) => r.points.map((p) => p[0])))].sort((a, b) => a - b);
    const series = runs.map((r) => {
      const map = new Map(r.points);
      let last = null;
      return xs.map((x) => {
        if (map.has(x)) last = map.get(x);
        return last;
      });
    });
    // Each run's best score and the compute it took to first reach it: the lesson in numbers.
    const reached = (r) => {
      const last = r.points.at(-1);
      if (!last) return `${mode(r.inherit)}: no scores yet`;
      const first = r.points.find((p) => p[1] === last[1]);
      return `${mode(r.inherit)}: best ${fmt(last[1])} after ${fmtInt(first[0])} of ${fmtInt(last[0])} candidate-epochs`;
    };
    this.note.textContent = `Best validation ${scoreName} so far against candidate-epochs trained. ${runs.map(reached).join("; ")}.`;
    replace(this.plotBox);
    this.plot = new uPlot(
      {
        width: this.plotBox.clientWidth || 600,
        height: 240,
        scales: { x: { time: false } },
        legend: { live: false },
        axes: [{ label: "candidate-epochs (compute)", stroke: "#5a6473" }, { label: `best ${scoreName}`, stroke: "#5a6473", size: 56 }],
        series: [{ label: "candidate-epochs" }, ...runs.map((r) => ({ label: mode(r.inherit), stroke: r.inherit ? "#8a4fd8" : "#1f9d6b", width: 2, points: { show: false } }))],
      },
      [xs, ...series],
      this.plotBox,
    );
    this.box.dataset.compared = "true";
  }
}

export { el };
