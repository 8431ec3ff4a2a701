// After the search: hyperparameter importance (share of the score variance explained by each
// hyperparameter, binned) and a parallel-coordinates view of the trials.
import { el, svg, fmt, replace } from "./dom.js";
import { BEST_COLOUR } from "./run-model.js";

const LOG_PARAMS = /learning_rate|weight_decay|width/;

function usableTrials(run) {
  return run.finishedTrials().filter((t) => Number.isFinite(t.validScore) && t.params && Object.keys(t.params).length);
}

/**
 * Importance per hyperparameter: between-bin variance of the validation score over its total
 * variance, with each numeric parameter cut into up to 4 quantile bins and each categorical one
 * binned by choice. Returns `[{name, share}]`,
 * largest first, shares summing to 1 (empty when fewer than 4 trials or no variance).
 */
export function importance(run) {
  const trials = usableTrials(run);
  if (trials.length < 4) return [];
  const ys = trials.map((t) => t.validScore);
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const total = ys.reduce((a, y) => a + (y - mean) ** 2, 0);
  if (total <= 0) return [];
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  // A categorical parameter's values are choice indices: each choice is its own bin, however
  // many there are (quantile bins would lump neighbouring choices together by index).
  const categorical = new Set((run.meta?.params ?? []).filter((d) => d.dist?.kind === "categorical").map((d) => d.name));
  const out = [];
  for (const name of names) {
    const pairs = trials.filter((t) => Number.isFinite(t.params[name])).map((t) => [t.params[name], t.validScore]);
    if (pairs.length < 4) continue;
    pairs.sort((a, b) => a[0] - b[0]);
    const distinct = [...new Set(pairs.map((p) => p[0]))];
    const bins = new Map();
    pairs.forEach(([v, y], i) => {
      const key = distinct.length <= 4 || categorical.has(name) ? v : Math.min(3, Math.floor((i * 4) / pairs.length));
      if (!bins.has(key)) bins.set(key, []);
      bins.get(key).push(y);
    });
    let between = 0;
    for (const group of bins.values()) {
      const m = group.reduce((a, b) => a + b, 0) / group.length;
      between += group.length * (m - mean) ** 2;
    }
    out.push({ name, share: between / total });
  }
  const sum = out.reduce((a, b) => a + b.share, 0) || 1;
  for (const o of out) o.share /= sum;
  out.sort((a, b) => b.share - a.share);
  return out;
}

/** Renders the importance bars into `box`. */
export function renderImportance(box, run) {
  const items = importance(run);
  if (!items.length) {
    replace(box, el("p", { class: "muted" }, "Needs at least four finished candidates with different scores."));
    return;
  }
  replace(
    box,
    el(
      "ul",
      { class: "bars", id: "importance-bars" },
      items.map((it) => {
        const bar = el("span", { class: "bar" });
        bar.style.width = `${Math.max(1, it.share * 100).toFixed(1)}%`;
        return el("li", {}, el("span", { class: "bar-label" }, it.name), el("span", { class: "bar-track" }, bar), el("span", { class: "bar-value" }, `${Math.round(it.share * 100)}%`));
      }),
    ),
    el("p", { class: "muted" }, `Share of the validation ${run.scoreName} variance explained by each hyperparameter (numbers in four quantile bins, choices one bin each; ${usableTrials(run).length} finished candidates).`),
  );
}

/** A tick label short enough for axes ~50 px apart: `1e-6`, `4e-4`, `0.3`, `128`. */
function tick(v) {
  if (!Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 1e4)) return v.toExponential(0).replace("e+", "e");
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(2)));
}

/**
 * One axis per parameter, in the space's order (`meta.params`: depth, each layer's width and
 * activation, then the optimisation parameters), then the score. An axis maps a value to [0, 1]:
 * categorical parameters (whose values are choice indices) get one evenly spaced level per choice,
 * labelled with its name; log-distributed ones a log scale; both span the space's range, so where
 * the trials concentrate is visible. Without definitions (a run saved before they were sent),
 * the axes fall back to the observed range of each parameter.
 */
function axesOf(run, trials) {
  const defs = new Map((run.meta?.params ?? []).map((d) => [d.name, d.dist]));
  const seen = new Set(trials.flatMap((t) => Object.keys(t.params)));
  const names = [...[...defs.keys()].filter((n) => seen.has(n)), ...[...seen].filter((n) => !defs.has(n)).sort()];
  const axes = names.map((name) => {
    const dist = defs.get(name);
    const vs = trials.map((t) => t.params[name]).filter(Number.isFinite);
    if (dist?.kind === "categorical") {
      // Each choice has a band of the axis; its label and lines sit at the band's centre.
      const k = dist.choices.length;
      return { name, at: (v) => (v + 0.5) / k, ticks: dist.choices.map((c, i) => [(i + 0.5) / k, c]), levels: k };
    }
    const lo = dist ? dist.low : Math.min(...vs);
    const hi = dist ? dist.high : Math.max(...vs);
    const log = dist ? dist.log && lo > 0 : LOG_PARAMS.test(name) && vs.every((v) => v > 0);
    const f = (v) => (log ? Math.log10(v) : v);
    const at = (v) => (f(hi) > f(lo) ? (f(v) - f(lo)) / (f(hi) - f(lo)) : 0.5);
    return { name, at, ticks: [[0, tick(lo)], [1, tick(hi)]] };
  });
  const scores = trials.map((t) => t.validScore);
  const [lo, hi] = [Math.min(...scores), Math.max(...scores)];
  axes.push({ name: run.scoreName, score: true, at: (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5), ticks: [[0, fmt(lo, 3)], [1, fmt(hi, 3)]] });
  return axes;
}

/**
 * Renders the parallel-coordinates SVG into `box`: one line per finished trial through its
 * parameters and score, coloured by score, the best trial on top; clicking a line selects the
 * trial. A parameter a trial does not have (a layer beyond its depth, SGD's momentum for Adam)
 * breaks its line there.
 */
export function renderParallel(box, run, onSelect) {
  const trials = usableTrials(run);
  if (trials.length < 2) {
    replace(box, el("p", { class: "muted" }, "Needs at least two finished candidates."));
    return;
  }
  const axes = axesOf(run, trials);
  const W = Math.max(480, box.clientWidth || 700);
  const H = 300;
  const pad = { l: 34, r: 44, t: 24, b: 52 };
  const x = (i) => pad.l + (i * (W - pad.l - pad.r)) / Math.max(1, axes.length - 1);
  // Clamped: a value outside the space's range (a run imported with another space) stays on the axis.
  const y = (u) => H - pad.b - Math.min(1, Math.max(0, u)) * (H - pad.t - pad.b);
  const best = run.bestTrial();
  const scores = trials.map((t) => t.validScore);
  const smin = Math.min(...scores);
  const smax = Math.max(...scores);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", class: "parallel", role: "img", "aria-label": `Parallel coordinates of ${trials.length} finished trials` });
  const lines = svg("g", {});
  // Worst first, so the better lines are drawn over the worse; the best one last of all.
  const sorted = [...trials].sort((a, b) => (run.better(a.validScore, b.validScore) ? 1 : -1));
  if (best) sorted.push(...sorted.splice(sorted.findIndex((t) => t.trial === best.trial), 1));
  for (const t of sorted) {
    const isBest = best && t.trial === best.trial;
    // Lines through the same choice of a categorical parameter are spread over a narrow band
    // (by trial number, so the picture is stable) to show how many pass there.
    const spread = (axis) => (axis.levels && !isBest ? (((t.trial * 0.618034) % 1) - 0.5) * (0.6 / axis.levels) : 0);
    const segments = [[]];
    axes.forEach((axis, i) => {
      const v = axis.score ? t.validScore : t.params[axis.name];
      if (Number.isFinite(v)) segments.at(-1).push(`${x(i).toFixed(1)},${y(axis.at(v) + spread(axis)).toFixed(1)}`);
      else if (segments.at(-1).length) segments.push([]);
    });
    const q = smax > smin ? (t.validScore - smin) / (smax - smin) : 1;
    const good = run.higherIsBetter ? q : 1 - q;
    const group = svg("g", { class: isBest ? "pc-line pc-best" : "pc-line" });
    for (const seg of segments.filter((s) => s.length > 1)) {
      group.append(svg("polyline", {
        points: seg.join(" "),
        fill: "none",
        stroke: isBest ? BEST_COLOUR : `hsl(${Math.round(210 - 60 * good)}, 60%, ${Math.round(75 - 35 * good)}%)`,
        "stroke-width": isBest ? 3 : 1.2,
        "stroke-opacity": isBest ? 1 : 0.45,
      }));
    }
    group.append(svg("title", {}, `#${t.trial} ${t.summary}: ${fmt(t.validScore)}`));
    group.addEventListener("click", () => onSelect(t.trial));
    lines.append(group);
  }
  root.append(lines);
  axes.forEach((axis, i) => {
    root.append(svg("line", { x1: x(i), x2: x(i), y1: pad.t, y2: H - pad.b, class: "pc-axis" }));
    // Names alternate between two rows so neighbouring axes' names do not overlap.
    root.append(svg("text", { x: x(i), y: H - 22 + (i % 2) * 14, "text-anchor": "middle", class: "pc-name" }, axis.name));
    for (const [u, label] of axis.ticks) {
      const numeric = axis.ticks.length === 2 && !axis.levels;
      const attrs = numeric
        ? { x: x(i), y: u === 1 ? pad.t - 8 : H - pad.b + 13, "text-anchor": "middle" }
        : { x: x(i) + 4, y: y(u) + 3, "text-anchor": "start" };
      root.append(svg("text", { ...attrs, class: numeric ? "pc-tick" : "pc-tick pc-level" }, label));
    }
  });
  replace(box, root);
}
